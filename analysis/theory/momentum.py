"""Heavy ball and Nesterov (PyTorch update rules): the 2 × 2 iteration matrices per
eigenvalue, their spectral radii, stability regions and optimal parameters.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .spectrum import _eigs, _mu_L

# --------------------------------------------------------------------------------------------
# Heavy ball and Nesterov (PyTorch update rules)
# --------------------------------------------------------------------------------------------


def heavy_ball_matrix(lr: float, momentum: float, lam: float) -> NDArray[np.float64]:
    """Per-eigenvalue iteration matrix of PyTorch heavy ball on the state ``(e_k, v_k)``.

    Update ``v_{k+1} = b v_k + g_k``, ``x_{k+1} = x_k - lr v_{k+1}`` with ``g_k = lam e_k``::

        [e_{k+1}]   [1 - lr*lam   -lr*b] [e_k]
        [v_{k+1}] = [   lam          b ] [v_k]

    Characteristic polynomial ``z^2 - (1 + b - lr*lam) z + b`` — the same as Polyak's
    ``x_{k+1} = x_k - lr g_k + b (x_k - x_{k-1})`` (since ``x_{k+1} - x_k = -lr v_{k+1}``).
    PyTorch's first step ``v_1 = g_0`` equals this rule with ``v_0 = 0``, so it only sets the
    initial condition; the asymptotic rate (spectral radius) is unchanged. With dampening d,
    replace lr by ``lr*(1-d)`` (rescale ``v``).
    """
    return np.array([[1.0 - lr * lam, -lr * momentum], [lam, momentum]], dtype=float)


def nesterov_matrix(lr: float, momentum: float, lam: float) -> NDArray[np.float64]:
    """Per-eigenvalue iteration matrix of PyTorch Nesterov on the state ``(e_k, v_k)``.

    Update ``v_{k+1} = b v_k + g_k``, ``x_{k+1} = x_k - lr (g_k + b v_{k+1})``::

        [e_{k+1}]   [1 - lr*lam*(1+b)   -lr*b^2] [e_k]
        [v_{k+1}] = [      lam              b  ] [v_k]

    Trace ``(1+b)(1-lr*lam)``, determinant ``b(1-lr*lam)``: characteristic polynomial
    ``z^2 - (1+b)(1-lr*lam) z + b(1-lr*lam)``, identical to Nesterov's/Sutskever's form
    ``y_k = x_k + b(x_k - x_{k-1}); x_{k+1} = y_k - lr grad f(y_k)`` (as analysed in LRP).
    """
    return np.array(
        [[1.0 - lr * lam * (1.0 + momentum), -lr * momentum**2], [lam, momentum]], dtype=float
    )


def _quadratic_radius(trace: ArrayLike, det: ArrayLike) -> NDArray[np.float64]:
    """Largest |root| of ``z^2 - trace z + det`` (vectorized, without cancellation).

    Real roots (disc >= 0): ``(|trace| + sqrt(disc))/2``; complex pair: ``sqrt(det)``.
    """
    tr, de = np.broadcast_arrays(np.asarray(trace, float), np.asarray(det, float))
    disc = tr * tr - 4.0 * de
    real = (np.abs(tr) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
    cplx = np.sqrt(np.maximum(de, 0.0))
    return np.where(disc >= 0.0, real, cplx)


def _momentum_trace_det(
    lr: ArrayLike, momentum: ArrayLike, lam: ArrayLike, nesterov: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lr, b, lam = (np.asarray(a, float) for a in (lr, momentum, lam))
    if nesterov:
        q = 1.0 - lr * lam
        return (1.0 + b) * q, b * q
    return 1.0 + b - lr * lam, b * np.ones_like(lr * lam)


def heavy_ball_radius(lr: float, momentum: float, eigenvalues: ArrayLike) -> float:
    """Rate of heavy ball: ``max_i rho(M(lam_i))``, roots of ``z^2 - (1+b-lr*lam)z + b``.

    When ``(1+b-lr*lam)^2 < 4b`` the roots are complex with modulus ``sqrt(b)`` (Polyak 1964;
    Polyak (1987) §3.2.1; Goh, *Why Momentum Really Works*, Distill 2017).
    """
    tr, de = _momentum_trace_det(lr, momentum, _eigs(eigenvalues), nesterov=False)
    return float(np.max(_quadratic_radius(tr, de)))


def nesterov_radius(lr: float, momentum: float, eigenvalues: ArrayLike) -> float:
    """Rate of Nesterov: ``max_i`` largest |root| of ``z^2 - (1+b)(1-lr*lam)z + b(1-lr*lam)``."""
    tr, de = _momentum_trace_det(lr, momentum, _eigs(eigenvalues), nesterov=True)
    return float(np.max(_quadratic_radius(tr, de)))


def heavy_ball_stable(lr: float, momentum: float, eigenvalues: ArrayLike) -> bool:
    """Stability region of heavy ball (Jury test on ``z^2 - (1+b-lr*lam) z + b``).

    ``|b| < 1`` and ``|1 + b - lr*lam| < 1 + b``; for PyTorch's ``0 <= b < 1`` this is
    ``0 < lr*lam < 2(1+b)`` for every eigenvalue (Polyak (1987) §3.2.1, Thm 1).
    """
    lam = _eigs(eigenvalues)
    b = float(momentum)
    return bool(abs(b) < 1 and np.all(np.abs(1 + b - lr * lam) < 1 + b))


def nesterov_stable(lr: float, momentum: float, eigenvalues: ArrayLike) -> bool:
    """Stability region of Nesterov (Jury test on ``z^2 - (1+b)q z + b q``, ``q = 1 - lr*lam``).

    Conditions ``|b q| < 1`` and ``(1+b)|q| < 1 + b q``; for ``0 <= b < 1`` they reduce to
    ``0 < lr*lam < 2(1+b)/(1+2b)`` (derivation: for q >= 0 the second gives q < 1; for q < 0
    it gives ``q > -1/(1+2b)``).
    """
    lam = _eigs(eigenvalues)
    b = float(momentum)
    q = 1.0 - lr * lam
    return bool(np.all(np.abs(b * q) < 1) and np.all((1 + b) * np.abs(q) < 1 + b * q))


def polyak_optimal(eigenvalues: ArrayLike) -> tuple[float, float, float]:
    """Polyak's heavy-ball parameters and rate for ``mu <= lambda <= L``.

    ``lr = 4/(sqrt L + sqrt mu)^2``, ``momentum = ((sqrt k - 1)/(sqrt k + 1))^2``,
    ``rate = (sqrt k - 1)/(sqrt k + 1)`` (Polyak (1987) §3.2.1 Thm 1; Goh 2017). At both ends
    of the spectrum the roots are double (a Jordan block): ``||e_k|| ~ (k + 1) rate^k``, the same
    asymptotic factor but a slowly vanishing transient.
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(L / mu)
    r = (s - 1.0) / (s + 1.0)
    return 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, r * r, r


def nesterov_standard(eigenvalues: ArrayLike) -> tuple[float, float, float]:
    """The textbook Nesterov choice and its exact rate for the PyTorch recurrence.

    ``lr = 1/L``, ``momentum = (sqrt k - 1)/(sqrt k + 1)`` (Nesterov (2018) §2.2, constant step
    scheme III). For this recurrence the spectral radius is exactly ``1 - 1/sqrt(kappa)``:
    with ``q = 1 - lam/L`` the roots are complex (modulus ``sqrt(b q)``) for
    ``q < 4b/(1+b)^2 = 1 - 1/kappa`` and double at ``lam = mu`` where
    ``z = (1+b)q/2 = 1 - 1/sqrt(kappa)``. So the quoted ``1 - 1/sqrt(kappa)`` (a bound on
    ``f - f*`` in Nesterov's theorem) is here also the exact asymptotic rate of ``||e_k||``.
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(L / mu)
    return 1.0 / L, (s - 1.0) / (s + 1.0), 1.0 - 1.0 / s


def nesterov_optimal(eigenvalues: ArrayLike) -> tuple[float, float, float]:
    """Rate-optimal Nesterov parameters on quadratics (the quadratic tuning in LRP 2016).

    ``lr = 4/(3L + mu)``, ``momentum = (sqrt(3k+1) - 2)/(sqrt(3k+1) + 2)``,
    ``rate = 1 - 2/sqrt(3 kappa + 1)`` (slightly better than the standard choice).
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(3.0 * L / mu + 1.0)
    return 4.0 / (3.0 * L + mu), (s - 2.0) / (s + 2.0), 1.0 - 2.0 / s


def momentum_radius_grid(
    eigenvalues: ArrayLike,
    lrs: ArrayLike,
    momenta: ArrayLike,
    *,
    nesterov: bool = False,
) -> NDArray[np.float64]:
    """Spectral radius on a (momentum, lr) grid, shape ``(len(momenta), len(lrs))``.

    Entry ``[i, j]`` is :func:`heavy_ball_radius` (or :func:`nesterov_radius`) at
    ``lr = lrs[j]``, ``momentum = momenta[i]``; values >= 1 mark the unstable region (a
    stability map: contour at 1).
    """
    lam = _eigs(eigenvalues)
    lr = np.asarray(lrs, float)[None, :, None]
    b = np.asarray(momenta, float)[:, None, None]
    tr, de = _momentum_trace_det(lr, b, lam[None, None, :], nesterov)
    return np.max(_quadratic_radius(tr, de), axis=-1)


def _double_root(lr: float, momentum: float, eigenvalues: NDArray, nesterov: bool) -> bool:
    """Whether a dominant eigenvalue's 2x2 matrix has a (numerically) double root."""
    tr, de = _momentum_trace_det(lr, momentum, eigenvalues, nesterov)
    rad = _quadratic_radius(tr, de)
    top = rad >= np.max(rad) * (1 - 1e-9)
    disc = np.abs(tr * tr - 4.0 * de)
    return bool(np.any(disc[top] <= 1e-9 * np.maximum(tr[top] ** 2, 1e-300)))


def _dominant_sign(trace: NDArray[np.float64], radius: NDArray[np.float64]) -> bool | None:
    """Oscillation of the dominant mode: Re(root) < 0  <=>  trace < 0 (None on a sign tie)."""
    top = radius >= np.max(radius) * (1 - 1e-9)
    signs = set(np.sign(trace[top]).tolist())
    if len(signs) != 1:
        return None
    return bool(signs.pop() < 0)
