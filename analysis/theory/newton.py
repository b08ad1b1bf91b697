"""Newton's method: damped and degenerate rates, the accepted step of a line search, and
the predictions at minimizers, saddles and degenerate points.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from landscape.numfmt import fmt

from .dispatch import register
from .prediction import Prediction
from .spectrum import ZERO_TOL, _leading_order, _line_search, _zero_mask

# --------------------------------------------------------------------------------------------
# Newton
# --------------------------------------------------------------------------------------------


def newton_damped_rate(damping: float) -> float:
    """Damped Newton ``x <- x - eta H^{-1} g`` at a nondegenerate minimizer: rate ``|1 - eta|``.

    Linearizing, ``e_{k+1} = e_k - eta H^{-1} H e_k = (1 - eta) e_k``; ``eta = 1`` gives the
    quadratic convergence of N&W Thm 3.5.
    """
    return abs(1.0 - float(damping))


def newton_degenerate_rate(p: int, damping: float = 1.0) -> float:
    """Newton at a degenerate minimizer whose first non-vanishing derivative has order p.

    For ``f = c x^p`` (p even >= 4): ``f'/f'' = x/(p-1)``, so
    ``x_{k+1} = x_k - eta x_k/(p-1) = (1 - eta/(p-1)) x_k``: linear with rate
    ``|1 - eta/(p-1)|``, i.e. ``(p-2)/(p-1)`` for the full step (2/3 for x^4, 4/5 for x^6).
    Higher-order terms do not change it: ``f = c x^p (1 + O(x))`` gives the same limit ratio.
    """
    if p < 3:
        raise ValueError("p must be >= 3 (p = 2 is the nondegenerate case)")
    return abs(1.0 - float(damping) / (p - 1.0))


def newton_accepted_step(
    damping: float,
    line_search: str | None,
    *,
    p: int = 2,
    c1: float = 1e-4,
    c2: float = 0.9,
    shrink: float = 0.5,
) -> float | None:
    """Step length a line search accepts along the Newton direction near the minimizer.

    Along ``d = -H^{-1} g`` the model is homogeneous: with ``u(a) = 1 - a/(p-1)``,
    ``phi(a)/phi(0) = |u|^p`` and ``phi'(a)/phi'(0) = |u|^(p-1) sign(u)`` (p = 2 for a
    nondegenerate minimizer, where every eigen-component scales by ``1 - a``; p for ``x^p``).
    So whether a trial step is accepted does not depend on the iterate:

    * Armijo ``|u|^p <= 1 - c1 a p/(p-1)`` (p = 2: ``a <= 2(1 - c1)``);
    * strong Wolfe curvature ``|u|^(p-1) <= c2`` (p = 2: ``1 - c2 <= a <= 1 + c2``).

    ``line_search``: None → ``damping``; ``"armijo"`` → backtracking ``damping * shrink^j``;
    ``"wolfe"`` → N&W Alg. 3.5 from ``damping`` (doubling while the curvature condition fails
    with ``phi' < 0``). Returns None when the Wolfe search would enter its zoom phase (the
    interpolated step is implementation-specific).
    """
    if p < 2:
        raise ValueError("p must be >= 2")

    def u(a: float) -> float:
        return 1.0 - a / (p - 1.0)

    def armijo_ok(a: float) -> bool:
        return abs(u(a)) ** p <= 1.0 - c1 * a * p / (p - 1.0)

    a = float(damping)
    if line_search is None:
        return a
    if line_search == "armijo":
        for _ in range(60):
            if armijo_ok(a):
                return a
            a *= shrink
        return None
    prev = math.inf
    for _ in range(30):
        phi = abs(u(a)) ** p
        if not armijo_ok(a) or phi >= prev:
            return None
        if abs(u(a)) ** (p - 1) <= c2:
            return a
        if u(a) <= 0:
            return None
        prev, a = phi, 2.0 * a
    return None


# ---- Newton ----------------------------------------------------------------------------------


def _predict_newton(hyper: dict[str, Any], lam: NDArray, extra: dict[str, Any]) -> Prediction:
    eta = float(hyper.get("damping", 1.0) or 1.0)
    ls = _line_search(hyper, "wolfe")
    mod = str(hyper.get("modification", "shift") or "none").lower()
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    notes: list[str] = []
    if "line_search" not in hyper or "modification" not in hyper:
        notes.append(
            f"assumed line_search={ls or 'none'}, modification={mod} (defaults) where not given"
        )
    if ls is not None:
        notes.append(
            f"the {ls} search starts from damping={eta:g}; the accepted step follows from the "
            "homogeneous model along the Newton direction (newton_accepted_step)"
        )
    common = dict(line_search=ls, fixed_step=ls is None)
    if np.any(lam < 0) and not np.any(zero):
        return _predict_newton_saddle(lam, eta, ls, mod, notes, extra, common)
    if np.any(zero):
        return _predict_newton_degenerate(lam, zero, eta, ls, hyper, mod, notes, extra, common)
    step = newton_accepted_step(eta, ls, c1=float(hyper.get("c1", 1e-4)),
                                c2=float(hyper.get("c2", 0.9)),
                                shrink=float(hyper.get("shrink", 0.5)))
    if step is None:
        notes.append("the trial step is rejected and the zoom phase picks the step: no rate")
        return Prediction("linear", None, 1.0, "zoom", False, notes, True, **common)
    if step == 1.0 and extra.get("quadratic"):
        notes.append("f is quadratic: the Newton step x - H^-1 grad f(x) is its exact minimizer, "
                     "reached in one step (N&W §3.3: Newton's model is f itself)")
        return Prediction("finite", None, None, "x_1 = x0 - H^-1 g = x*", True, notes, True,
                          finite_steps=1, oscillating=False, **common)
    if step == 1.0 and extra.get("third_derivative_zero"):
        notes.append("nondegenerate minimizer, unit step, vanishing third derivatives: "
                     "e_(k+1) = H^-1 (T4[e,e,e]/3 ...) = O(|e_k|^3), cubic convergence")
        return Prediction("superlinear", None, 3.0, "e_{k+1} = O(|e_k|^3)", True, notes, True,
                          oscillating=False, **common)
    if step == 1.0:
        notes.append("nondegenerate minimizer, unit step: quadratic convergence (N&W Thm 3.5)")
        return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True, notes, True,
                          oscillating=False, **common)
    rate = newton_damped_rate(step)
    notes.append(f"step {step:g}: e_(k+1) = (1-step) e_k, rate |1-step| (damped Newton)")
    kind = "linear" if rate < 1 else "diverges"
    return Prediction(kind, rate, 1.0 if rate < 1 else None, "|1-damping|", True, notes,
                      rate < 1, oscillating=step > 1, details={"step": step}, **common)


def _predict_newton_saddle(
    lam: NDArray, eta: float, ls: str | None, mod: str, notes: list[str],
    extra: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    if mod == "none":
        notes.append(
            "pure Newton is attracted to any nondegenerate critical point, saddles included "
            "(with a line search an ascent direction may be rejected instead)"
        )
        if ls is None and eta == 1.0 and extra.get("quadratic"):
            notes.append("f is quadratic: the unit Newton step lands on its critical point")
            return Prediction("finite", None, None, "x_1 = x0 - H^-1 g = x*", True, notes, True,
                              finite_steps=1, **common)
        if ls is None and eta == 1.0:
            return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True, notes, True,
                              **common)
        if ls is None:
            r = newton_damped_rate(eta)
            return Prediction("linear" if r < 1 else "diverges", r, 1.0, "|1-damping|", True,
                              notes, r < 1, **common)
        return Prediction("none", None, None, "none", False, notes, True, **common)
    if mod == "saddle-free" and ls is None:
        notes.append(
            "saddle-free Newton (|H|^-1): along negative curvature e <- (1+damping) e: escapes"
        )
        return Prediction("diverges", 1.0 + eta, None, "1+damping", True, notes, False, **common)
    notes.append(
        f"modification={mod} turns negative curvature into descent: the iterates leave the "
        "saddle; the growth factor depends on the shift / line search"
    )
    return Prediction("diverges", None, None, mod, False, notes, False, **common)


def _predict_newton_degenerate(
    lam: NDArray, zero: NDArray, eta: float, ls: str | None, hyper: dict[str, Any], mod: str,
    notes: list[str], extra: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    p = _leading_order(extra)
    if mod == "shift":
        notes.append("shift: tau = 0 while the Hessian at the iterates is positive definite "
                     "(true near a strict minimizer such as x^p), so the step is Newton's")
    elif mod == "saddle-free":
        notes.append("saddle-free floors |lambda| at 1e-8 max(1, max|lambda|): once the "
                     "degenerate curvature drops below it the steps shrink (slower than linear)")
    if np.any(lam < 0):
        notes.append("degenerate point with negative curvature: no rate promised")
        return Prediction("none", None, None, "none", False, notes, True, degenerate=True,
                          **common)
    if p is None:
        notes.append(
            "degenerate minimizer: Newton is linear with rate |1-step/(p-1)| where p is the "
            "leading order along the degenerate direction; pass extra={'leading_order': p}"
        )
        return Prediction("linear", None, 1.0, "|1-damping/(p-1)|", False, notes, True,
                          degenerate=True, **common)
    step = newton_accepted_step(eta, ls, p=p, c1=float(hyper.get("c1", 1e-4)),
                                c2=float(hyper.get("c2", 0.9)),
                                shrink=float(hyper.get("shrink", 0.5)))
    if step is None:
        notes.append("the trial step is rejected and the zoom phase picks the step: no rate")
        return Prediction("linear", None, 1.0, "zoom", False, notes, True, degenerate=True,
                          **common)
    rate = newton_degenerate_rate(p, step)
    if np.any(~zero) and step != 1.0:
        rate = max(rate, newton_damped_rate(step))
    notes.append(
        f"degenerate minimizer with leading order p={p}: x_(k+1) = x_k (1 - step/(p-1)) along "
        f"the degenerate direction (step {step:g}), rate {fmt(rate, 6)} ((p-2)/(p-1) for step 1)"
    )
    return Prediction("linear", rate, 1.0, "|1-damping/(p-1)|", True, notes, True,
                      degenerate=True, oscillating=step > p - 1, details={"step": step},
                      **common)


register(
    "newton",
    lambda method, hyper, lam, hessian, extra: _predict_newton(hyper, lam, extra),
)
