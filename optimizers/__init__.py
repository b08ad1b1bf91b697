"""The optimizer engine: compiled once, parallel over starts, objective-agnostic.

>>> from optimizers import minimize, minimize_batch, METHODS
>>> res = minimize(obj, [1.0, 2.0], method="adam", lr=0.1, steps=100)   # doctest: +SKIP
>>> batch = minimize_batch(obj, X0, method="bfgs")                       # doctest: +SKIP

Methods (``METHODS``): gd sgd momentum nesterov adagrad rmsprop adadelta adam adamw (lock-step
first-order engine), newton cg bfgs lbfgs coordinate (per-start engine).  The update rules are
documented in :mod:`optimizers.first_order`, :mod:`optimizers.newton`, :mod:`optimizers.cg`,
:mod:`optimizers.quasi_newton`, :mod:`optimizers.coordinate`, :mod:`optimizers.linesearch`,
:mod:`optimizers.schedules` and :mod:`optimizers.averaging`; the stopping rules and result
fields in :mod:`optimizers.driver`; the compiled entry points in :mod:`optimizers.engine`.
"""

from .data import bind_data, load_data, make_regression
from .driver import (
    CRITERIA_MEASURES,
    DIVERGENCE_BOUND,
    RECORD_LIMIT_BYTES,
    BatchResult,
    BatchSummary,
    Criterion,
    OptimizeResult,
    minimize,
    minimize_batch,
)
from .methods import METHODS, Hyper, MethodSpec, resolve

__all__ = [
    "CRITERIA_MEASURES",
    "DIVERGENCE_BOUND",
    "METHODS",
    "RECORD_LIMIT_BYTES",
    "BatchResult",
    "BatchSummary",
    "Criterion",
    "Hyper",
    "MethodSpec",
    "OptimizeResult",
    "bind_data",
    "load_data",
    "make_regression",
    "minimize",
    "minimize_batch",
    "resolve",
]
