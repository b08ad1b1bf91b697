"""SGD with additive gradient noise on a quadratic: stationary and decaying errors, mean-square
paths, minibatch variance and Polyak–Ruppert averaging.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .coordinate import spectral_radius
from .momentum import heavy_ball_matrix, nesterov_matrix
from .spectrum import _eigs

# --------------------------------------------------------------------------------------------
# SGD with additive gradient noise on a quadratic
# --------------------------------------------------------------------------------------------


def sgd_stationary_error(
    eigenvalues: ArrayLike,
    lr: float,
    sigma: float,
    *,
    momentum: float = 0.0,
    nesterov: bool = False,
) -> float:
    """Stationary ``E||x - x*||^2`` of constant-step SGD with gradient noise N(0, sigma^2 I).

    Plain SGD: per eigen-direction ``e' = (1 - lr lam) e - lr sigma xi``, so the stationary
    variance solves ``s = (1 - lr lam)^2 s + lr^2 sigma^2``:
    ``E||e||^2 = sum_i lr sigma^2 / (lam_i (2 - lr lam_i))`` (exact for quadratics; BCN Thm 4.6
    is the corresponding O(lr) bound for general strongly convex f).
    With momentum the 2x2 state ``(e, v)`` obeys ``s' = M s + b xi`` with
    ``b = sigma (-lr, 1)`` (heavy ball) or ``sigma (-lr (1 + momentum), 1)`` (Nesterov); the
    stationary covariance solves the discrete Lyapunov equation ``P = M P M^T + b b^T`` and
    ``E e^2 = P[0, 0]``. Returns inf when unstable.
    """
    lam = _eigs(eigenvalues)
    if momentum == 0.0:
        x = lr * lam
        if np.any(x <= 0) or np.any(x >= 2):
            return math.inf
        return float(np.sum(lr * sigma**2 / (lam * (2.0 - x))))
    from scipy.linalg import solve_discrete_lyapunov

    total = 0.0
    for l_i in lam:
        M = (nesterov_matrix if nesterov else heavy_ball_matrix)(lr, momentum, l_i)
        if spectral_radius(M) >= 1:
            return math.inf
        b = sigma * np.array([-lr * (1.0 + momentum) if nesterov else -lr, 1.0])
        total += float(solve_discrete_lyapunov(M, np.outer(b, b))[0, 0])
    return total


def sgd_decaying_error(
    eigenvalues: ArrayLike, lr0: float, gamma: float, sigma: float
) -> tuple[float | None, float]:
    """Asymptotics of ``E||e_k||^2`` for SGD with ``lr_k = lr0/(1 + gamma k)`` and noise sigma.

    With ``a = lr0/gamma``, ``lr_k ~ a/k`` and per eigen-direction
    ``s_{k+1} = (1 - lr_k lam)^2 s_k + lr_k^2 sigma^2``. Trying ``s_k = C/k`` gives
    ``C (2 a lam - 1) = a^2 sigma^2``: if ``2 a lam_min > 1`` then
    ``E||e_k||^2 ~ (sum_i a^2 sigma^2/(2 a lam_i - 1)) / k`` (BCN Thm 4.7 gives an O(1/k)
    bound under the analogous condition ``beta > 1/(c mu)`` on the step constant). Otherwise
    the slowest direction decays like ``k^(-2 a lam_min)`` and the constant depends on the
    start. Returns ``(C or None, exponent)``
    for ``E||e_k||^2 ~ C k^-exponent``.
    """
    lam = _eigs(eigenvalues)
    a = lr0 / gamma
    if 2.0 * a * lam[0] > 1.0:
        return float(np.sum(a * a * sigma**2 / (2.0 * a * lam - 1.0))), 1.0
    return None, float(2.0 * a * lam[0])


def sgd_mean_square_path(
    lrs: ArrayLike, lam: float, sigma: float, e0: float
) -> NDArray[np.float64]:
    """Exact ``E e_k^2`` of SGD on ``f = lam x^2 / 2`` with steps ``lr_k`` and noise sigma.

    ``e_{k+1} = (1 - lr_k lam) e_k - lr_k sigma xi_k`` with independent standard normal
    ``xi_k`` gives ``s_{k+1} = (1 - lr_k lam)^2 s_k + lr_k^2 sigma^2`` (``s_0 = e0^2``).
    For a constant step the fixed point is ``lr sigma^2 / (lam (2 - lr lam))``
    (:func:`sgd_stationary_error`); for ``lr_k ~ a/k`` with ``2 a lam > 1`` it decays like
    ``a^2 sigma^2 / ((2 a lam - 1) k)`` (:func:`sgd_decaying_error`).  Returns
    ``s_0 … s_K`` for ``K = len(lrs)``.
    """
    lr = np.asarray(lrs, dtype=float)
    s = np.empty(lr.size + 1)
    s[0] = float(e0) ** 2
    for k, a in enumerate(lr):
        s[k + 1] = (1.0 - a * lam) ** 2 * s[k] + a * a * sigma * sigma
    return s


def minibatch_variance(sample_variance: float, population: int, batch: int) -> float:
    """Variance of the mean of ``batch`` of ``population`` values drawn without replacement.

    ``Var = (s^2 / B) (N - B) / (N - 1)`` with ``s^2`` the population variance (divisor N) of
    the per-sample values (Cochran, *Sampling Techniques*, 3rd ed. (1977), Thm 2.2): ``1/B``
    times the finite-population correction, which makes it 0 at ``B = N``.
    """
    N, B = int(population), int(batch)
    if not 1 <= B <= N:
        raise ValueError("batch must lie in 1..population")
    if N == 1:
        return 0.0
    return float(sample_variance) / B * (N - B) / (N - 1)


def polyak_ruppert_error(
    eigenvalues: ArrayLike,
    sigma: float = 1.0,
    *,
    hessian: ArrayLike | None = None,
    noise_cov: ArrayLike | None = None,
) -> float:
    """Constant c in ``E||xbar_k - x*||^2 ~ c/k`` for the Polyak–Ruppert average.

    The averaged iterate has asymptotic covariance ``H^{-1} S H^{-1} / k`` (Polyak & Juditsky,
    SIAM J. Control Optim. 30 (1992), Thm 2; for constant steps on quadratics Bach & Moulines,
    NeurIPS 2013), so ``c = tr(H^{-1} S H^{-1})``; with ``S = sigma^2 I`` it is
    ``sigma^2 sum_i 1/lam_i^2`` — independent of the step size and of momentum.
    """
    if noise_cov is None and hessian is None:
        lam = _eigs(eigenvalues)
        return float(sigma**2 * np.sum(1.0 / lam**2))
    H = np.asarray(hessian if hessian is not None else np.diag(_eigs(eigenvalues)), float)
    S = sigma**2 * np.eye(H.shape[0]) if noise_cov is None else np.asarray(noise_cov, float)
    Hi = np.linalg.inv(H)
    return float(np.trace(Hi @ S @ Hi))
