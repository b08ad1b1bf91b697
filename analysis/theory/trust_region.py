r"""What theory promises for trust-region Newton (``trust-exact``, ``trust-ncg``) and for
Levenberg–Marquardt (``lm``) near a critical point x*.

Trust-region Newton (N&W = Nocedal & Wright, *Numerical Optimization*, 2nd ed.)
    Near a nondegenerate minimizer (∇²f(x*) ≻ 0) the radius stays bounded away from zero and
    the steps become unconstrained (N&W Thm. 4.9), so ``trust-exact`` takes Newton steps:
    ‖e_{k+1}‖ = O(‖e_k‖²), quadratic.  ``trust-ncg`` stops CG at ‖r‖ ≤ ηₖ‖g‖ with
    ηₖ = min(½, √‖gₖ‖) (SciPy's forcing term): an inexact Newton method with ηₖ = O(‖gₖ‖^½),
    hence superlinear of order at least 1.5 (N&W Thm. 7.2 and its proof; ‖e_{k+1}‖ =
    O(ηₖ‖e_k‖ + ‖e_k‖²)); CG may also finish exactly within n steps, giving quadratic steps.
    At a saddle (some eigenvalue < 0) ``trust-exact`` exploits the negative curvature (its
    limit points satisfy the second-order conditions, N&W Thm. 4.8): the iterates leave.
    At a degenerate minimizer with leading order p along the flat direction the steps are
    Newton's, e ← e(1 − 1/(p − 1)): linear with rate (p − 2)/(p − 1).

Levenberg–Marquardt on f = Σ rᵢ² (Dennis & Schnabel, *Numerical Methods for Unconstrained
Optimization and Nonlinear Equations*, 1983, Thm. 10.2.1 and §10.3; N&W §10.3)
    With A = 2JᵀJ (Gauss–Newton matrix) and H = ∇²f = A + 2 Σ rᵢ∇²rᵢ at x*, and the damping
    μₖ → 0, the iteration is asymptotically Gauss–Newton's, e_{k+1} ≈ (I − A⁻¹H) e_k:

    - zero residual (r(x*) = 0) and J(x*) of full column rank: H = A, the linear term
      vanishes; with μₖ ≤ ‖r(xₖ)‖² (Yamashita & Fukushima, Computing Suppl. 15, 2001)
      convergence is quadratic;
    - nonzero residual: linear with rate ρ(I − A⁻¹H) = ρ(A⁻¹ · 2Σ rᵢ∇²rᵢ), the residual
      curvature measured against JᵀJ; LM converges locally only if this is below 1 (else the
      damping stays active and theory promises no rate);
    - J(x*) rank deficient: A singular, no rate promised (the damping keeps the steps finite).

Every function is pure and returns a :class:`Prediction` (or a number).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .dispatch import register
from .newton import newton_degenerate_rate
from .prediction import Prediction
from .spectrum import _leading_order

#: the trust-region methods this module predicts
TRUST_REGION = ("trust-exact", "trust-ncg")
#: |λ| ≤ ZERO_TOL·max|λ| counts as a zero eigenvalue (as in analysis.theory)
ZERO_TOL = 1e-9
#: ‖r(x*)‖² ≤ ZERO_RESIDUAL·max(1, ‖A‖) counts as a zero residual
ZERO_RESIDUAL = 1e-12
#: order of trust-ncg's inexact Newton steps with ηₖ = min(½, √‖gₖ‖)
NCG_ORDER = 1.5


def gauss_newton_rate(gauss_newton: ArrayLike, hessian: ArrayLike) -> float:
    """Asymptotic linear rate of Gauss–Newton (and of LM as μ → 0): ρ(I − A⁻¹H).

    ``gauss_newton`` is A = 2JᵀJ, ``hessian`` H = ∇²f at x*; ∞ when A is singular."""
    A = np.asarray(gauss_newton, dtype=float)
    H = np.asarray(hessian, dtype=float)
    try:
        M = np.eye(A.shape[0]) - np.linalg.solve(A, H)
    except np.linalg.LinAlgError:
        return float("inf")
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def predict_trust_region(method: str, eigenvalues: Sequence[float] | ArrayLike,
                         leading_order: int | None = None) -> Prediction:
    """Local behaviour of ``trust-exact`` / ``trust-ncg`` at a critical point with Hessian
    spectrum ``eigenvalues`` (module docstring)."""
    if method not in TRUST_REGION:
        raise ValueError(f"unknown trust-region method {method!r}")
    lam = np.asarray(eigenvalues, dtype=float).reshape(-1)
    scale = float(np.max(np.abs(lam))) if lam.size else 0.0
    zero = np.abs(lam) <= ZERO_TOL * max(scale, 1e-300)
    common = dict(fixed_step=False, line_search=None)
    if np.any((lam < 0) & ~zero):
        notes = ["negative curvature: the trust-region step follows it to the boundary "
                 "(N&W Thm. 4.8: limit points satisfy the second-order conditions)"]
        if method == "trust-ncg":
            notes.append("Steihaug's CG follows negative curvature once it meets it; from a "
                         "start exactly on the stable manifold it may not")
        return Prediction("diverges", None, None, "escapes along negative curvature", False,
                          notes, False, **common)
    if np.any(zero):
        if leading_order is None:
            return Prediction("linear", None, 1.0, "|1-1/(p-1)|", False,
                              ["degenerate minimizer: the steps are Newton's, linear with rate "
                               "(p-2)/(p-1); pass the leading order p for the number"], True,
                              degenerate=True, **common)
        rate = newton_degenerate_rate(leading_order, 1.0)
        return Prediction("linear", rate, 1.0, "(p-2)/(p-1)", True,
                          [f"degenerate minimizer of leading order p={leading_order}: unit "
                           "Newton steps inside the region, e <- e (1 - 1/(p-1))"], True,
                          degenerate=True, **common)
    if method == "trust-exact":
        return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True,
                          ["nondegenerate minimizer: the region becomes inactive and the "
                           "steps are Newton's (N&W Thm. 4.9): quadratic"], True,
                          oscillating=False, **common)
    return Prediction("superlinear", None, NCG_ORDER, "e_{k+1} = O(|e_k|^1.5)", False,
                      ["nondegenerate minimizer: inexact Newton steps with forcing term "
                       "min(1/2, sqrt|g|): superlinear of order at least 1.5 (N&W Thm. 7.2); "
                       "quadratic when CG solves exactly"], True, oscillating=False,
                      **common)


def predict_lm(gauss_newton: ArrayLike, hessian: ArrayLike, residual_sq: float) -> Prediction:
    """Local behaviour of ``lm`` at x* from A = 2JᵀJ, H = ∇²f and f(x*) = ‖r(x*)‖²
    (module docstring)."""
    A = np.asarray(gauss_newton, dtype=float)
    scale = max(1.0, float(np.max(np.abs(A))) if A.size else 0.0)
    eig = np.linalg.eigvalsh(A) if A.size else np.zeros(0)
    common = dict(fixed_step=False, line_search=None)
    if eig.size and eig[0] <= ZERO_TOL * max(float(eig[-1]), 1e-300):
        return Prediction("none", None, None, "J(x*) rank deficient", False,
                          ["J(x*) is rank deficient (2J^T J singular): the Gauss-Newton "
                           "model is flat along its null space; no rate promised"], True,
                          degenerate=True, **common)
    zero_res = residual_sq <= ZERO_RESIDUAL * scale
    rate = gauss_newton_rate(A, hessian)
    details = {"gauss_newton_rate": rate, "residual_sq": float(residual_sq)}
    if zero_res:
        return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True,
                          ["zero residual, J of full rank: Gauss-Newton is Newton at x*, "
                           "and the damping mu_k <= |r_k|^2 (Yamashita & Fukushima 2001) "
                           "keeps it quadratic"], True, oscillating=False, details=details,
                          **common)
    if rate >= 1.0:
        return Prediction("none", None, None, "rho(I - A^-1 H) >= 1", False,
                          [f"nonzero residual with rho(I - A^-1 H) = {rate:.4g} >= 1: "
                           "Gauss-Newton is not locally convergent here; LM's damping stays "
                           "active and theory promises no rate"], True, details=details,
                          **common)
    return Prediction("linear", rate, 1.0, "rho(I - (2J^T J)^-1 H)", True,
                      ["nonzero residual: asymptotically Gauss-Newton, e_(k+1) = "
                       "(I - A^-1 H) e_k (Dennis & Schnabel Thm. 10.2.1); the rate is the "
                       "residual curvature 2 sum r_i Hess r_i measured against 2J^T J"], True,
                      details=details, **common)


def _predict_least_squares(method: str, hyper: dict, lam, hessian, extra: dict) -> Prediction:
    """``lm``: needs the Hessian, A = 2JᵀJ (``extra["gauss_newton"]``) and f = ‖r‖²
    (``extra["residual_sq"]``) at the point; without them theory promises nothing."""
    if hessian is None or "gauss_newton" not in extra or "residual_sq" not in extra:
        return Prediction("none", None, None, "none", False,
                          ["lm's rate needs the Hessian, 2J^T J and the residual at the point"])
    return predict_lm(extra["gauss_newton"], hessian, float(extra["residual_sq"]))


register(
    "trust-region",
    lambda method, hyper, lam, hessian, extra: predict_trust_region(
        method, lam, _leading_order(extra)),
)
register("least-squares", _predict_least_squares)
