r"""What theory promises for Levenberg–Marquardt (``lm``, the ``least-squares`` family) near a
critical point x*.

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

What the prediction needs beyond the Hessian, A and ‖r(x*)‖², is measured at the point by
:func:`_at_point`, registered with the predictor: A from the kernel the method declares in
place of the Hessian (its ``matrix_kernel``, read from the registry), ‖r‖² = f(x*).

Every function but :func:`_at_point` (which evaluates kernels) is pure and returns a
:class:`Prediction` (or a number).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from landscape.numfmt import fmt
from optimizers.methods import METHODS

from .dispatch import register
from .prediction import Prediction
from .spectrum import ZERO_TOL

#: ‖r(x*)‖² ≤ ZERO_RESIDUAL·max(1, ‖A‖) counts as a zero residual
ZERO_RESIDUAL = 1e-12


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
                          [f"nonzero residual with rho(I - A^-1 H) = {fmt(rate, 4)} >= 1: "
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


def _at_point(method: str, compiled: Any, x: ArrayLike) -> dict[str, Any]:
    """A = 2JᵀJ (``"gauss_newton"``, from the method's declared matrix kernel) and
    f(x) = ‖r(x)‖² (``"residual_sq"``) at x, for :func:`_predict_least_squares`."""
    xr = np.ascontiguousarray(x, dtype=float)
    A = np.zeros((xr.shape[0], xr.shape[0]))
    METHODS[method].kernel_for_h(compiled)(xr, compiled.data, A)
    return {"gauss_newton": A, "residual_sq": compiled.value(xr)}


register("least-squares", _predict_least_squares, at_point=_at_point)
