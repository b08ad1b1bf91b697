"""Conjugate gradients: the rate bound, the k-step bound and finite termination on quadratics.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.numfmt import plural

from .dispatch import register
from .prediction import Prediction
from .spectrum import ZERO_TOL, _eigs, _line_search, _mu_L, _zero_mask

# --------------------------------------------------------------------------------------------
# Conjugate gradients
# --------------------------------------------------------------------------------------------


def cg_rate(eigenvalues: ArrayLike) -> float:
    """Per-iteration factor of the linear CG bound: ``(sqrt k - 1)/(sqrt k + 1)``.

    N&W Eq. (5.36): ``||x_k - x*||_A <= 2 ((sqrt k - 1)/(sqrt k + 1))^k ||x_0 - x*||_A``.
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(L / mu)
    return (s - 1.0) / (s + 1.0)


def cg_bound(eigenvalues: ArrayLike, k: int) -> float:
    """The bound factor ``2 ((sqrt k - 1)/(sqrt k + 1))^k`` on the A-norm error after k steps."""
    return 2.0 * cg_rate(eigenvalues) ** int(k)


def exact_search_text(steps: int, n: int, search: str, quadratic: bool = True) -> str:
    """What exact line searches would give CG, and why the prediction stays the bound: on a
    quadratic (``quadratic``; else on one with this Hessian) CG with exact line searches
    reaches x* in at most ``steps`` steps (n, N&W Thm 5.1, or the number of distinct
    eigenvalues, Thm 5.4); a ``search`` (its words: ``Wolfe line search``) is not exact in
    general.  The one statement of the prediction's note and of the documents' CG note."""
    why = (f"n = {n}, N&W Thm 5.1" if steps == n else
           f"the number of distinct eigenvalues of ∇²f, N&W Thm 5.4; n = {n}")
    where = "this quadratic" if quadratic else "a quadratic with this Hessian"
    return (f"With exact line searches CG reaches x* of {where} in at most "
            f"{plural(int(steps), 'step')} ({why}). A {search} is not exact in general, so "
            "the prediction stays the bound, which needs no exact search")


def cg_termination_steps(eigenvalues: ArrayLike, tol: float = 1e-8) -> int:
    """Steps after which linear CG terminates in exact arithmetic: the number of distinct
    eigenvalues (N&W Thm 5.4), eigenvalues within ``tol * max|lambda|`` counted as equal.

    (An upper bound: eigen-components absent from the initial residual do not count.)
    """
    lam = _eigs(eigenvalues)
    gap = tol * float(np.max(np.abs(lam)))
    return int(1 + np.count_nonzero(np.diff(lam) > gap))


#: the formula of the CG rate bound, the ``basis`` of its prediction
CG_BASIS = "(sqrt(kappa)-1)/(sqrt(kappa)+1)"

#: what the CG rate bound is, for the documents that print it beside a nonlinear CG run
CG_BOUND_TEXT = ("the bound of linear CG on a quadratic with exact line searches (its error in "
                 "the ∇²f-norm shrinks at least like 2ρᵏ, N&W Eq. 5.36), a yardstick for "
                 "nonlinear CG, for which it is no theorem")


# ---- CG, BFGS, L-BFGS -----------------------------------------------------------------------


def _predict_cg(hyper: dict[str, Any], lam: NDArray, extra: dict[str, Any]) -> Prediction:
    variant = str(hyper.get("variant", "pr+")).lower()
    linear = variant == "linear"
    ls = None if linear else _line_search(hyper, "wolfe")
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    common = dict(line_search=ls, fixed_step=False)
    if np.any(lam <= 0) or np.any(zero):
        notes = ["CG theory needs a positive definite Hessian: no rate promised here"]
        return Prediction("none", None, None, "none", False, notes, True,
                          degenerate=bool(np.any(zero)), **common)
    m = cg_termination_steps(lam)
    if linear and extra.get("quadratic"):
        notes = [f"linear CG on a quadratic reaches x* in at most {m} steps, the number of "
                 "distinct Hessian eigenvalues (N&W Thm 5.4; fewer when x0 - x* lacks some "
                 "eigen-components)"]
        return Prediction("finite", None, None, "distinct eigenvalues of H", False, notes,
                          True, finite_steps=m, **common)
    if linear:
        notes = ["linear CG fixes A = Hessian at x0 and minimizes the quadratic model at x0: "
                 f"it reaches x0 - A^-1 grad f(x0) in at most {m} steps, which is not x* on a "
                 "non-quadratic f; no convergence to x* is promised"]
        return Prediction("none", None, None, "none", False, notes, True, **common)
    rate = cg_rate(lam)
    notes = [
        "bound 2((sqrt k-1)/(sqrt k+1))^k on the A-norm error of CG with exact line searches "
        "(N&W Eq. 5.36); the measured rate should not exceed it",
        exact_search_text(m, lam.size, f"{ls.capitalize()} line search" if ls else "fixed step",
                          bool(extra.get("quadratic")))
        + f" (variant {variant})",
    ]
    details: dict[str, Any] = {}
    if extra.get("quadratic"):  # what exact line searches would give: not this run's case
        details["exact_search_steps"] = m
    else:
        notes.append("on a non-quadratic f the bound holds only approximately; with restarts "
                     "every n steps CG is n-step quadratic (N&W §5.2), so faster is consistent")
    # the bound is an envelope 2ρᵏ‖e₀‖_A (R-linear), not a per-step e_(k+1) ≤ C e_k: no
    # q-order is predicted, as for L-BFGS's R-linear bound
    return Prediction("linear", rate, None, CG_BASIS, False, notes,
                      True, details=details, **common)


register(
    "cg",
    lambda method, hyper, lam, hessian, extra: _predict_cg(hyper, lam, extra),
)
