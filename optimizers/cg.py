r"""Conjugate gradients: nonlinear CG (Fletcher–Reeves, Polak–Ribière+, Hestenes–Stiefel,
Dai–Yuan) with restarts, and linear CG for quadratics (``variant='linear'``).

Nonlinear CG (Nocedal & Wright §5.2), y_k = g_{k+1} − g_k:

    d₀ = −g₀;  x_{k+1} = x_k + α_k d_k  (line search, default strong Wolfe with c₂ = 0.1);
    d_{k+1} = −g_{k+1} + β_{k+1} d_k

    fr   β = g_{k+1}ᵀg_{k+1} / g_kᵀg_k
    pr+  β = max(0, g_{k+1}ᵀy_k / g_kᵀg_k)          (default)
    hs   β = g_{k+1}ᵀy_k / d_kᵀy_k
    dy   β = g_{k+1}ᵀg_{k+1} / d_kᵀy_k

Restart (β = 0, d = −g) every n iterations, when |g_{k+1}ᵀg_k| ≥ 0.2‖g_{k+1}‖² (Powell 1977;
the absolute value as in Powell's test), when β is not finite, and whenever d_{k+1} is not a
descent direction.  First trial step min(1, 1.01/‖g₀‖₂), later
α₀ = min(1, 1.01·2(f_k − f_{k−1})/∇f_kᵀd_k) (N&W (3.60), as SciPy).

Linear CG (N&W Alg. 5.2) for f = ½xᵀAx − bᵀx (+c), with A = ∇²f(x₀) from the Hessian kernel
(evaluated once), r = −∇f:

    α = rᵀr / dᵀAd;  x ← x + αd;  r ← r − αAd;  β = r₊ᵀr₊ / rᵀr;  d ← r₊ + βd

In exact arithmetic it terminates in as many steps as A has distinct eigenvalues.  dᵀAd ≤ 0
(not positive definite) stalls the start.
"""

from __future__ import annotations

import math

from numba import njit

from . import _layout as L
from .linesearch import line_step

#: Functions that depend on other modules (``_layout`` constants, helpers elsewhere) are not
#: disk-cached on their own: Numba keys a cache entry on its own file only, so a cached
#: copy could outlive a change elsewhere.
_JIT = dict(nogil=True, error_model="numpy")

#: Powell's restart threshold |g_{k+1}ᵀg_k| ≥ ν‖g_{k+1}‖²
POWELL_NU = 0.2


@njit(**_JIT)
def cg_beta(variant, gg, gngn, gng, dy):
    """β for the variant from gᵀg, g₊ᵀg₊, g₊ᵀg and dᵀy (y = g₊ − g)."""
    gny = gngn - gng
    if variant == L.CG_FR:
        return gngn / gg
    if variant == L.CG_PRPLUS:
        return max(0.0, gny / gg)
    if variant == L.CG_HS:
        return gny / dy
    return gngn / dy  # Dai–Yuan


@njit(**_JIT)
def linear_cg_step(fg, h, D, x, gx, xn, gn, d, r, Ad, A, fs, ist, cnt):
    """One step of linear CG (exact step length with the Hessian A = ∇²f(x₀))."""
    n = x.shape[0]
    if ist[1] == 0:
        h(x, D, A)
        cnt[2] += 1
        rr = 0.0
        for i in range(n):
            r[i] = -gx[i]
            d[i] = r[i]
            rr += r[i] * r[i]
        fs[1] = rr
    dAd = 0.0
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += A[i, j] * d[j]
        Ad[i] = s
        dAd += d[i] * s
    if not (dAd > 0.0):
        return L.D_NEG_CURVATURE, 0.0
    alpha = fs[1] / dAd
    rr = 0.0
    for i in range(n):
        xn[i] = x[i] + alpha * d[i]
        r[i] -= alpha * Ad[i]
        rr += r[i] * r[i]
    beta = rr / fs[1]
    for i in range(n):
        d[i] = r[i] + beta * d[i]
    fs[1] = rr
    ist[1] += 1
    cnt[0] += 1
    cnt[1] += 1
    return 0, fg(xn, D, gn)


@njit(**_JIT)
def cg_step(fg, h, D, x, fx, gx, xn, gn, d, r, Ad, A, hp, fs, ist, cnt):
    """One nonlinear (or linear) CG iteration; ``d`` carries the search direction over.

    State: ``fs[0]`` previous f (for the initial step), ``ist[0]`` iterations since the last
    restart, ``ist[1]`` iterations done.  Returns ``(rc, f_new)``.
    """
    variant = int(hp[L.VARIANT])
    if variant == L.CG_LINEAR:
        return linear_cg_step(fg, h, D, x, gx, xn, gn, d, r, Ad, A, fs, ist, cnt)
    n = x.shape[0]
    if ist[1] == 0:
        for i in range(n):
            d[i] = -gx[i]
        ist[0] = 0
    dphi0 = 0.0
    gg = 0.0
    for i in range(n):
        dphi0 += gx[i] * d[i]
        gg += gx[i] * gx[i]
    if not (dphi0 < 0.0):
        for i in range(n):
            d[i] = -gx[i]
        dphi0 = -gg
        ist[0] = 0
    kind = int(hp[L.LINE_SEARCH])
    if kind == L.LS_NONE:
        alpha0 = hp[L.LR]
    elif ist[1] == 0:
        alpha0 = min(1.0, 1.01 / math.sqrt(gg))
    else:
        a = 1.01 * 2.0 * (fx - fs[0]) / dphi0
        alpha0 = min(1.0, a) if (a > 0.0 and math.isfinite(a)) else 1.0
    rc, fn = line_step(
        kind, fg, D, x, fx, gx, d, alpha0, hp[L.C1], hp[L.C2], hp[L.SHRINK], xn, gn, cnt
    )
    if rc != 0:
        return rc, fn
    fs[0] = fx
    gngn = 0.0
    gng = 0.0
    dy = 0.0
    for i in range(n):
        gngn += gn[i] * gn[i]
        gng += gn[i] * gx[i]
        dy += d[i] * (gn[i] - gx[i])
    beta = cg_beta(variant, gg, gngn, gng, dy)
    ist[0] += 1
    if ist[0] >= n or abs(gng) >= POWELL_NU * gngn or not math.isfinite(beta):
        beta = 0.0
        ist[0] = 0
    slope = 0.0
    for i in range(n):
        d[i] = -gn[i] + beta * d[i]
        slope += gn[i] * d[i]
    if not (slope < 0.0):
        for i in range(n):
            d[i] = -gn[i]
        ist[0] = 0
    ist[1] += 1
    return 0, fn
