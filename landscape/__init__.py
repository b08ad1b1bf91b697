"""landscape: symbolic analysis of optimization landscapes.

>>> from landscape import Objective
>>> obj = Objective.parse("x*cos(c*x)", params={"c": "0.15*pi"})   # doctest: +SKIP

Names are imported lazily so that loading a cached compiled formula never imports SymPy.
"""

from __future__ import annotations

from .lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "Objective": "landscape.objective",
    "CompiledObjective": "landscape.compiled",
    "load_formula": "landscape.loader",
    "LandscapeError": "landscape.errors",
    "InputError": "landscape.errors",
    "ParseError": "landscape.errors",
    "UnsafeFormulaError": "landscape.errors",
    "UnsupportedError": "landscape.errors",
    "AnalysisError": "landscape.errors",
    "BudgetExceeded": "landscape.errors",
}

__all__ = [*_EXPORTS, "__version__"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
