"""Coordinate descent on quadratics: Gauss–Seidel and coordinate-gradient iteration matrices,
cyclic and randomized rates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.numfmt import fmt

from .dispatch import register
from .prediction import Prediction
from .spectrum import _eigs, _flt, _zero_mask

# --------------------------------------------------------------------------------------------
# Coordinate descent on quadratics
# --------------------------------------------------------------------------------------------


def _split(hessian: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    A = np.asarray(hessian, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("hessian must be a square matrix")
    return np.tril(A, -1), np.diag(np.diag(A)), np.triu(A, 1)


def gauss_seidel_matrix(hessian: ArrayLike) -> NDArray[np.float64]:
    """Cyclic coordinate descent with exact minimization on ``1/2 e^T A e`` = Gauss–Seidel.

    With ``A = L + D + U`` (strict lower, diagonal, strict upper) one sweep is
    ``(D + L) e_{k+1} = -U e_k``, i.e. ``M = -(D+L)^{-1} U`` (N&W §9.3; Golub & Van Loan §11.2).
    """
    Lo, D, Up = _split(hessian)
    return -np.linalg.solve(D + Lo, Up)


def coordinate_gradient_matrix(hessian: ArrayLike, lr: float) -> NDArray[np.float64]:
    """One cyclic sweep of coordinate gradient steps ``x_i <- x_i - lr (A x)_i`` (i = 1..n).

    Coordinate i uses the already updated ``x_1..x_{i-1}``, so
    ``e_{k+1} = e_k - lr (L e_{k+1} + (D + U) e_k)``, hence
    ``M = (I + lr L)^{-1} (I - lr (D + U))``. With per-coordinate steps ``omega/A_ii`` this is
    SOR, and ``omega = 1`` recovers Gauss–Seidel.
    """
    Lo, D, Up = _split(hessian)
    eye = np.eye(Lo.shape[0])
    return np.linalg.solve(eye + lr * Lo, eye - lr * (D + Up))


def spectral_radius(matrix: ArrayLike) -> float:
    """``max |eig(M)|``."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(matrix, dtype=float)))))


def coordinate_rate(hessian: ArrayLike, lr: float | None = None) -> float:
    """Per-sweep rate of cyclic coordinate descent: ``rho(M)`` of Gauss–Seidel (``lr=None``,
    exact coordinate minimization) or of :func:`coordinate_gradient_matrix`."""
    M = gauss_seidel_matrix(hessian) if lr is None else coordinate_gradient_matrix(hessian, lr)
    return spectral_radius(M)


def random_coordinate_rate(
    eigenvalues: ArrayLike, n: int, L_max: float, lr: float | None = None
) -> tuple[float, float]:
    """Expected-rate bound of randomized (uniform) coordinate descent, per coordinate update.

    Nesterov (2012, SIAM J. Optim. 22) / Wright (2015, Math. Prog. 151) Thm 1: with step
    ``1/L_max`` (or exact minimization) ``E[f_{k+1} - f*] <= (1 - mu/(n L_max)) E[f_k - f*]``.
    For a general step ``lr < 2/L_max``: factor ``1 - 2 mu lr (1 - lr L_max/2)/n``. Returns
    ``(function-value factor c, error factor sqrt(c))`` — the error bound follows from
    ``mu/2 ||e||^2 <= f - f*`` (both bounds, not exact rates).
    """
    mu = float(_eigs(eigenvalues)[0])
    if mu <= 0:
        raise ValueError("needs mu > 0")
    if lr is None:
        c = 1.0 - mu / (n * L_max)
    elif 0.0 < lr * L_max < 2.0:
        c = 1.0 - 2.0 * mu * lr * (1.0 - lr * L_max / 2.0) / n
    else:
        return math.inf, math.inf
    c = min(max(c, 0.0), 1.0)
    return c, math.sqrt(c)


# ---- coordinate descent ---------------------------------------------------------------------


def _predict_coordinate(
    hyper: dict[str, Any], lam: NDArray, hessian: ArrayLike | None, extra: dict[str, Any]
) -> Prediction:
    order = str(hyper.get("order", hyper.get("selection", "cyclic")) or "cyclic").lower()
    update = str(hyper.get("update", "newton")).lower()
    exact_min = update != "gradient"
    lr = None if exact_min else _flt(hyper, "lr")
    per_coordinate = str(extra.get("iteration", "sweep")).lower().startswith("coord")
    n = lam.size if hessian is None else int(np.shape(hessian)[0])
    notes: list[str] = []
    common = dict(fixed_step=not exact_min)
    if np.any(lam <= 0):
        notes.append("coordinate descent rates need a positive definite Hessian")
        return Prediction("none", None, None, "none", False, notes, True,
                          degenerate=bool(np.any(_zero_mask(lam))), **common)
    unit = "coordinate update" if per_coordinate else f"sweep of {n} coordinate updates"
    if exact_min:
        notes.append("update=newton: exact 1-D minimization per coordinate on the local "
                     "quadratic model")
    if order == "random":
        L_max = (float(np.max(np.diag(np.asarray(hessian, float)))) if hessian is not None
                 else float(lam[-1]))
        c, r = random_coordinate_rate(lam, n, L_max, lr)
        rate = r if per_coordinate else r**n
        notes.append(
            f"randomized coordinate descent: E[f-f*] factor <= {fmt(c, 6)} per update (Nesterov "
            f"2012: 1-mu/(n L_max) for exact steps), |e| factor <= its sqrt; rate per {unit}"
        )
        if hessian is None:
            notes.append("L_max bounded by L (no Hessian given): a looser bound")
        return Prediction("linear", rate, 1.0, "sqrt(1-mu/(n*L_max))", False, notes, True,
                          **common)
    if order == "shuffle":
        notes.append("random reshuffling: no closed-form rate (each sweep's matrix depends on "
                     "the permutation); linear convergence on strongly convex quadratics")
        return Prediction("linear", None, 1.0, "none", False, notes, True, **common)
    if hessian is None:
        notes.append("cyclic coordinate descent is not rotation invariant: pass hessian=")
        return Prediction("linear", None, 1.0, "rho(-(D+L)^-1 U)", False, notes, True, **common)
    if exact_min:
        M = gauss_seidel_matrix(hessian)
        basis = "rho(-(D+L)^-1 U)"
        notes.append("exact cyclic coordinate minimization = Gauss-Seidel on H e = 0")
    else:
        M = coordinate_gradient_matrix(hessian, float(lr))
        basis = "rho((I+lr*L)^-1 (I-lr*(D+U)))"
        notes.append("cyclic coordinate gradient steps of size lr (SOR-like sweep)")
    rho = spectral_radius(M)
    if exact_min and order == "cyclic" and extra.get("quadratic") and rho <= 1e-15:
        notes.append("the Hessian of the quadratic is diagonal: each coordinate is minimized "
                     "exactly once, so one sweep reaches x* (Gauss-Seidel matrix 0)")
        return Prediction("finite", 0.0, None, basis, True, notes, True, finite_steps=1,
                          **common)
    rate = rho ** (1.0 / n) if per_coordinate else rho
    if per_coordinate:
        notes.append("per coordinate update: geometric mean rho^(1/n) over a sweep")
    kind = "linear" if rho < 1 else "diverges"
    return Prediction(kind, rate, 1.0 if rho < 1 else None, basis, True, notes, rho < 1,
                      **common)


register(
    "coordinate",
    lambda method, hyper, lam, hessian, extra: _predict_coordinate(hyper, lam, hessian, extra),
)
