"""The dispatch: :func:`predict` reads a method's family from the registry
(``optimizers.methods.METHODS[name].family``) and calls the predictor registered for it.

Theory keeps no list of methods or families of its own.  A family's module registers its
predictor at import with :func:`register`::

    register("newton", predictor)   # predictor(method, hyper, lam, hessian, extra) -> Prediction

(``hyper`` a dict of the run's hyperparameters, ``lam`` the Hessian spectrum as a float
array, ``hessian`` the full matrix or ``None``, ``extra`` the dict described in
:func:`predict`).  A family whose predictor needs more of the objective at the point than
its Hessian registers how to measure it, ``register(family, predictor, at_point=fn)`` with
``fn(method, compiled, x) -> dict`` (``compiled`` the compiled objective); callers merge
:func:`inputs_at` into ``extra`` and so name no method.

**Adding a family**: one module ``analysis/theory/<family>.py`` ending in its
``register(...)`` line, and its name in ``FAMILY_MODULES`` of ``analysis/theory/__init__.py``.
A registered method whose family has no predictor makes :func:`predict` raise a clear
:class:`ValueError`; :func:`predictor_for` says whether one exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizers.methods import METHODS

from .prediction import Prediction
from .spectrum import _eigs

#: predictor(method, hyper, lam, hessian, extra) -> Prediction
Predictor = Callable[[str, dict[str, Any], NDArray[np.float64], Any, dict[str, Any]], Prediction]

#: at_point(method, compiled, x) -> dict: what a predictor needs measured at the point
AtPoint = Callable[[str, Any, Any], dict[str, Any]]

#: family (as the registry names it) → its predictor; filled by the family modules at import
PREDICTORS: dict[str, Predictor] = {}
#: family → how to measure the inputs its predictor needs at the point (only families that
#: need more than the Hessian)
AT_POINT: dict[str, AtPoint] = {}


def register(family: str, predictor: Predictor, *, at_point: AtPoint | None = None
             ) -> Predictor:
    """Register ``predictor`` for the methods of ``family``; a family has one predictor.
    ``at_point``: how to measure the further inputs the predictor reads from ``extra``."""
    known = PREDICTORS.get(family)
    if known is not None and known is not predictor:
        raise ValueError(f"theory: a predictor for family {family!r} is already registered")
    PREDICTORS[family] = predictor
    if at_point is not None:
        AT_POINT[family] = at_point
    return predictor


def inputs_at(method: str, compiled: Any, x: ArrayLike) -> dict[str, Any]:
    """The inputs ``method``'s family's predictor needs at the point ``x`` beyond the Hessian,
    measured on ``compiled`` (the family's registered ``at_point``), for ``extra`` of
    :func:`predict`; ``{}`` for a family that needs none."""
    fn = AT_POINT.get(method_family(method))
    return {} if fn is None else fn(str(method).lower(), compiled, x)


def method_family(method: str, *, strict: bool = True) -> str | None:
    """The family of ``method``, read from the registry (``METHODS[method].family``).

    Unknown method: :class:`ValueError` (``strict``) or ``None``.
    """
    spec = METHODS.get(str(method).lower())
    if spec is None:
        if strict:
            raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
        return None
    return spec.family


def predictor_for(method: str) -> Predictor | None:
    """The predictor theory has for ``method`` (``None``: theory promises nothing for it)."""
    return PREDICTORS.get(method_family(method))


def predict(
    method: str,
    hyper: Mapping[str, Any],
    eigenvalues: Sequence[float] | ArrayLike,
    *,
    hessian: ArrayLike | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Prediction:
    """Predicted local behaviour of ``method`` with ``hyper`` near a critical point.

    ``eigenvalues``: Hessian spectrum there (computed from ``hessian`` when empty).
    ``hessian``: the full matrix, needed by cyclic coordinate descent and a-posteriori AdaGrad.
    ``extra`` (optional):

    * ``leading_order`` p: at a degenerate minimizer, the order of the first non-vanishing
      derivative along the degenerate direction (4 for x^4);
    * ``iteration``: ``"sweep"`` (default) or ``"coordinate"`` for coordinate descent;
    * ``accumulator``: AdaGrad's final accumulator G (a-posteriori rate);
    * ``grad0`` / ``x0``: gradient / point at the start (adaptive first-step size);
    * ``third_derivative_zero``: all third derivatives vanish at the point (Newton with a
      unit step then converges with order 3: ``e_(k+1) = O(|e_k|^3)``);
    * ``quadratic``: f is a quadratic polynomial (its Hessian is the constant ``hessian``), so
      the local model is exact: Newton's unit step and linear CG terminate, and an unstable
      fixed step blows up;
    * ``zero_tol``: relative tolerance for a zero eigenvalue (default 1e-9).
    """
    method = str(method).lower()
    extra = dict(extra or {})
    if (eigenvalues is None or np.size(eigenvalues) == 0) and hessian is not None:
        eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, dtype=float))
    lam = _eigs(eigenvalues)
    fam = method_family(method)
    if fam not in PREDICTORS:
        raise ValueError(f"theory has no predictor for {method!r} (family {fam!r})")
    return PREDICTORS[fam](method, dict(hyper), lam, hessian, extra)
