"""The method table: names, families, hyperparameters (PyTorch names and defaults), validation.

``METHODS[name]`` is a :class:`MethodSpec` collected by :mod:`optimizers.registry` from the
method's own module; ``spec.hyper`` maps every hyperparameter the method accepts to a
:class:`Hyper` (default, kind, range or choices, one-line help, ``hp`` slot, and the condition
under which it applies, e.g. ``step_size`` only with ``schedule='step'``).  The command line
builds one flag per name (``_`` → ``-``).  :func:`resolve` validates a user's hyperparameters by
name and range and returns the effective values, defaults included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landscape.errors import InputError

from ._layout import SCHEDULE_ALIASES, SCHEDULES  # no Numba: the method table is read by --help
from .hyperparams import did_you_mean, resolve_spec
from .registry import METHODS, families, names
from .spec import FIRST_ORDER_MAXITER, NEWTON_TYPE_MAXITER, Hyper, MethodSpec

__all__ = [
    "DEFAULT_FTOL", "DEFAULT_GTOL", "DEFAULT_XTOL", "FIRST_ORDER_MAXITER", "METHODS",
    "NEWTON_TYPE_MAXITER", "SCHEDULES", "SCHEDULE_ALIASES", "Hyper", "MethodSpec", "families",
    "get_spec", "names", "resolve",
]

#: stopping tolerances when none is given: ‖∇f‖∞ ≤ gtol; ftol and xtol 0 = off (see
#: :mod:`optimizers.driver` for the tests)
DEFAULT_GTOL = 1e-6
DEFAULT_FTOL = 0.0
DEFAULT_XTOL = 0.0


def get_spec(method: str) -> MethodSpec:
    """The spec of ``method``, or :class:`InputError` listing the methods."""
    spec = METHODS.get(method) if isinstance(method, str) else None
    if spec is None:
        raise InputError(
            f"unknown method {method!r}; valid methods: {', '.join(METHODS)}"
            + did_you_mean(str(method), METHODS)
        )
    return spec


def resolve(method: str, hyper: Mapping[str, Any]) -> tuple[MethodSpec, dict[str, Any]]:
    """Validate ``hyper`` for ``method``; return the spec and the effective hyperparameters.

    Unknown names, values out of range, and hyperparameters that do not apply to the chosen
    options (``gamma`` without a schedule that uses it, ``c2`` without a Wolfe search) raise
    :class:`InputError` with the valid names and a "did you mean" suggestion.
    """
    spec = get_spec(method)
    return spec, resolve_spec(spec, hyper)
