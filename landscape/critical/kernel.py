"""The compiled numeric kernel: damped Newton from many starts in parallel
(:func:`newton_batch`), with its private Cholesky solve.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, types

from ..kernel_types import G_TYPE, H_TYPE, MAT, VEC
from ..linalg import cholesky, cholesky_solve

# ============================================================================ numeric kernel

_I64V = types.int64[::1]
_NEWTON_SIG = types.void(
    G_TYPE, H_TYPE, MAT, MAT, MAT, types.int64, types.float64, MAT, VEC, _I64V
)

#: Status codes of :func:`newton_batch`.
CONVERGED, MAXITER, STALLED, LEFT_BOX, NONFINITE = 0, 1, 2, 3, 4


@njit(cache=True, error_model="numpy")
def _sqnorm(v):  # pragma: no cover - compiled
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
    return s


@njit(cache=True, error_model="numpy")
def _outside(x, box):  # pragma: no cover - compiled
    """True when x left the box enlarged by half its width on each side."""
    for i in range(x.shape[0]):
        w = box[i, 1] - box[i, 0]
        if x[i] < box[i, 0] - 0.5 * w or x[i] > box[i, 1] + 0.5 * w:
            return True
    return False


@njit(_NEWTON_SIG, cache=True, parallel=True, error_model="numpy")
def newton_batch(g, h, D, X0, box, maxiter, gtol, X, gnorm, status):  # pragma: no cover
    """Newton on F = ∇f = 0 from each row of X0, with a Levenberg–Marquardt safeguard.

    The Jacobian of F is the Hessian H.  Each step solves (H² + λI) s = −H·∇f (H symmetric, so
    HᵀH = H²) with λ = μ‖∇f‖ (Yamashita–Fukushima: quadratic convergence at nondegenerate
    roots and local convergence even where H is singular) and accepts it when ‖∇f‖ decreases;
    otherwise μ grows tenfold.  μ → 1e-14 gives the pure Newton step.  Writes the final
    points into X, ‖∇f‖ into gnorm and a status code (CONVERGED, MAXITER, STALLED, LEFT_BOX,
    NONFINITE) per start.  Workspace is allocated once per start, nothing in the iteration.
    """
    N, n = X0.shape
    for k in prange(N):
        x = X[k]
        gx = np.empty(n)
        H = np.empty((n, n))
        A = np.empty((n, n))
        Lm = np.empty((n, n))
        rhs = np.empty(n)
        s = np.empty(n)
        xt = np.empty(n)
        gt = np.empty(n)
        for i in range(n):
            x[i] = X0[k, i]
        g(x, D, gx)
        gn2 = _sqnorm(gx)
        mu = 1e-8
        st = MAXITER
        for _ in range(maxiter):
            if not np.isfinite(gn2):
                st = NONFINITE
                break
            if np.sqrt(gn2) <= gtol:
                st = CONVERGED
                break
            h(x, D, H)
            lam_scale = np.sqrt(gn2)
            accepted = False
            for _inner in range(60):
                for i in range(n):
                    t = 0.0
                    for j in range(n):
                        t -= H[i, j] * gx[j]
                    rhs[i] = t
                    for j in range(n):
                        a = 0.0
                        for m in range(n):
                            a += H[i, m] * H[m, j]
                        A[i, j] = a
                    A[i, i] += mu * lam_scale
                if cholesky(A, 0.0, Lm):
                    cholesky_solve(Lm, rhs, s)
                    for i in range(n):
                        xt[i] = x[i] + s[i]
                    g(xt, D, gt)
                    gt2 = _sqnorm(gt)
                    if gt2 < gn2:
                        for i in range(n):
                            x[i] = xt[i]
                            gx[i] = gt[i]
                        gn2 = gt2
                        mu = max(mu * 0.1, 1e-14)
                        accepted = True
                        break
                mu *= 10.0
            if not accepted:
                st = STALLED
                break
            if _outside(x, box):
                st = LEFT_BOX
                break
        if st != NONFINITE and np.isfinite(gn2) and np.sqrt(gn2) <= gtol:
            st = CONVERGED
        gnorm[k] = np.sqrt(gn2)
        status[k] = st
