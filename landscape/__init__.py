"""landscape: symbolic analysis of optimization landscapes.

>>> from landscape import Objective
>>> obj = Objective.parse("x*cos(c*x)", params={"c": "0.15*pi"})   # doctest: +SKIP

Names are imported lazily so that loading a cached compiled formula never imports SymPy.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Objective": "landscape.objective",
    "CompiledObjective": "landscape.compiled",
    "load_formula": "landscape.compiled",
    "LandscapeError": "landscape.errors",
    "InputError": "landscape.errors",
    "ParseError": "landscape.errors",
    "UnsafeFormulaError": "landscape.errors",
    "UnsupportedError": "landscape.errors",
    "AnalysisError": "landscape.errors",
    "BudgetExceeded": "landscape.errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'landscape' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
