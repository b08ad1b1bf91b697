r"""``trust-ncg``: trust-region Newton with the Steihaug–Toint truncated conjugate gradient
(Nocedal & Wright, *Numerical Optimization*, 2nd ed., Alg. 7.2; SciPy's ``trust-ncg``).

The step p approximately minimises m(p) = gᵀp + ½ pᵀBp (B = ∇²f(x)) over ‖p‖ ≤ Δ by CG on
Bp = −g started at z₀ = 0, r₀ = g, d₀ = −g:

    if dⱼᵀBdⱼ ≤ 0:          p = zⱼ + τdⱼ, ‖p‖ = Δ, the root τ of lower model value
    αⱼ = rⱼᵀrⱼ / dⱼᵀBdⱼ,     zⱼ₊₁ = zⱼ + αⱼdⱼ
    if ‖zⱼ₊₁‖ ≥ Δ:           p = zⱼ + τdⱼ, τ ≥ 0, ‖p‖ = Δ
    rⱼ₊₁ = rⱼ + αⱼBdⱼ;       if ‖rⱼ₊₁‖ < ε:  p = zⱼ₊₁
    βⱼ₊₁ = rⱼ₊₁ᵀrⱼ₊₁ / rⱼᵀrⱼ,  dⱼ₊₁ = −rⱼ₊₁ + βⱼ₊₁dⱼ

with ε = min(½, √‖g‖)·‖g‖ (SciPy's forcing term, superlinear then quadratic convergence).  The
first CG iterate is the Cauchy point when it lies inside the region, so the step always
decreases the model at least as much as the Cauchy point; on negative curvature along −g it
goes to the boundary along −g.  The radius update and acceptance are
:mod:`optimizers.trust_region`.
"""

from __future__ import annotations

import math

from numba import njit

from .trust_region import (
    MAX_REJECTIONS,
    NO_DECREASE,
    REJECTED,
    boundary_tau,
    norm2,
    trust_region_begin,
    trust_region_end,
    trust_region_trial,
)

_JIT = dict(nogil=True, error_model="numpy")
_LEAF = dict(cache=True, nogil=True, error_model="numpy")


@njit(**_LEAF)
def _along(z, d, tau, p):
    for i in range(z.shape[0]):
        p[i] = z[i] + tau * d[i]


@njit(**_LEAF)
def _model(g, B, p):
    """m(p) − f = gᵀp + ½ pᵀBp."""
    n = g.shape[0]
    v = 0.0
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += B[i, j] * p[j]
        v += g[i] * p[i] + 0.5 * p[i] * s
    return v


@njit(**_LEAF)
def steihaug_cg(B, g, delta, p, W1, W2, r, d, bd):
    """Steihaug–Toint truncated CG (N&W Alg. 7.2) for min gᵀp + ½pᵀBp, ‖p‖ ≤ Δ, into ``p``.

    ``r``, ``d``, ``bd`` are scratch vectors (residual, direction, B·d); ``W1``, ``W2`` are
    unused (the shared subproblem signature).  Returns 1 when p is on the boundary, 0 inside.
    """
    n = g.shape[0]
    gnorm = norm2(g)
    eps = min(0.5, math.sqrt(gnorm)) * gnorm
    for i in range(n):
        p[i] = 0.0
        r[i] = g[i]
        d[i] = -g[i]
    if gnorm < eps or gnorm == 0.0:
        return 0
    rr = gnorm * gnorm
    for _ in range(max(2 * n, 20)):
        dbd = 0.0
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += B[i, j] * d[j]
            bd[i] = s
            dbd += d[i] * s
        if not (dbd > 0.0):
            # negative (or zero) curvature: the two boundary points z + τd, τ of either sign;
            # keep the one of lower model value (r is reused as scratch for the second)
            ta = boundary_tau(p, d, delta)
            for i in range(n):
                d[i] = -d[i]
            tb = boundary_tau(p, d, delta)
            _along(p, d, tb, r)
            mb = _model(g, B, r)
            for i in range(n):
                d[i] = -d[i]
            _along(p, d, ta, bd)
            if _model(g, B, bd) <= mb:
                for i in range(n):
                    p[i] = bd[i]
            else:
                for i in range(n):
                    p[i] = r[i]
            return 1
        alpha = rr / dbd
        znorm2 = 0.0
        for i in range(n):
            zi = p[i] + alpha * d[i]
            znorm2 += zi * zi
        if math.sqrt(znorm2) >= delta:
            tau = boundary_tau(p, d, delta)
            _along(p, d, tau, p)
            return 1
        rr_new = 0.0
        for i in range(n):
            p[i] += alpha * d[i]
            r[i] += alpha * bd[i]
            rr_new += r[i] * r[i]
        if math.sqrt(rr_new) < eps:
            return 0
        beta = rr_new / rr
        rr = rr_new
        for i in range(n):
            d[i] = -r[i] + beta * d[i]
    return 0


@njit(**_JIT)
def trust_ncg_step(fg, h, D, x, fx, gx, xn, gn, p, B, W1, W2, v1, v2, v3, hp, fs, ist, cnt):
    """One accepted trust-region step with the Steihaug–Toint subproblem solver (or the
    ``D_NO_CHANGE`` code, see :mod:`optimizers.trust_region`)."""
    trust_region_begin(h, D, x, B, hp, fs, ist, cnt)
    verdict = NO_DECREASE
    fn = fx
    for _ in range(MAX_REJECTIONS):
        steihaug_cg(B, gx, fs[0], p, W1, W2, v1, v2, v3)
        verdict, fn = trust_region_trial(fg, D, x, fx, gx, xn, gn, p, B, hp, fs, cnt)
        if verdict != REJECTED:
            break
    return trust_region_end(verdict, x, fx, gx, xn, gn, fn)
