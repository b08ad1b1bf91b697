"""The optimizer engine: compiled once, parallel over starts, objective-agnostic.

>>> from optimizers import minimize, minimize_batch, METHODS
>>> res = minimize(obj, [1.0, 2.0], method="adam", lr=0.1, steps=100)   # doctest: +SKIP
>>> batch = minimize_batch(obj, X0, method="bfgs")                       # doctest: +SKIP

Methods (``METHODS``): gd sgd momentum nesterov adagrad rmsprop adadelta adam adamw (lock-step
first-order engine), newton cg bfgs lbfgs coordinate (per-start engine), one module each in
:mod:`optimizers.algorithms` (update rule in its docstring), collected by
:mod:`optimizers.registry` (which states the contract of a method module).  Shared pieces:
:mod:`optimizers.linesearch`, :mod:`optimizers.schedules`, :mod:`optimizers.averaging`; the
stopping rules and result fields in :mod:`optimizers.driver`; the compiled entry points in
:mod:`optimizers.engine`.
"""

from __future__ import annotations

from landscape.lazy import lazy_exports

# Names are imported lazily: listing the methods and their defaults (``METHODS``, the command
# line's --help) must not import Numba, which the engines need.
_EXPORTS = {
    "CRITERIA_MEASURES": "optimizers.driver",
    "DIVERGENCE_BOUND": "optimizers.driver",
    "METHODS": "optimizers.methods",
    "RECORD_LIMIT_BYTES": "optimizers.driver",
    "BatchResult": "optimizers.driver",
    "BatchSummary": "optimizers.driver",
    "Criterion": "optimizers.driver",
    "Hyper": "optimizers.methods",
    "MethodSpec": "optimizers.methods",
    "OptimizeResult": "optimizers.driver",
    "bind_data": "optimizers.data",
    "load_data": "optimizers.data",
    "make_regression": "optimizers.data",
    "minimize": "optimizers.driver",
    "minimize_batch": "optimizers.driver",
    "resolve": "optimizers.methods",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
