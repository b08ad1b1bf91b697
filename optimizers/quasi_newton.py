r"""Quasi-Newton methods: BFGS (inverse-Hessian form) and L-BFGS (two-loop recursion).

With s_k = x_{k+1} − x_k, y_k = ∇f_{k+1} − ∇f_k, ρ_k = 1 / y_kᵀs_k (Nocedal & Wright ch. 6–7):

bfgs
    d_k = −H_k ∇f_k;  x_{k+1} = x_k + α_k d_k (strong Wolfe, c₁ = 1e-4, c₂ = 0.9);
    H_{k+1} = (I − ρ s yᵀ) H_k (I − ρ y sᵀ) + ρ s sᵀ
    H₀ = I; after the first step, before the first update, H₀ ← (yᵀs / yᵀy) I (N&W (6.20)).
    The update is skipped when yᵀs ≤ 10⁻¹⁰‖s‖‖y‖ (curvature condition numerically violated);
    a direction that is not a descent direction resets H = I.
lbfgs (``memory`` = m, default 10)
    d_k = −H_k ∇f_k by the two-loop recursion over the last m pairs (s_i, y_i) with
    H_k⁰ = γ_k I, γ_k = s_{k−1}ᵀy_{k−1} / y_{k−1}ᵀy_{k−1} (N&W Alg. 7.4, (7.20)); the same
    skipping rule; a non-descent direction clears the memory.

The first trial step is min(1, 1.01/‖∇f₀‖₂) while H is the unscaled identity, 1 afterwards;
with ``line_search='none'`` the step is x ← x + ``lr``·d.
"""

from __future__ import annotations

import math

from numba import njit

from . import _layout as L
from .linesearch import line_step

#: Functions that depend on other modules (``_layout`` constants, helpers elsewhere) are not
#: disk-cached on their own: Numba keys a cache entry on its own file only, so a cached
#: copy could outlive a change elsewhere.  Self-contained leaves are cached (``_LEAF``).
_JIT = dict(nogil=True, error_model="numpy")
_LEAF = dict(cache=True, nogil=True, error_model="numpy")

#: skip the update when yᵀs ≤ SKIP·‖s‖‖y‖
SKIP = 1e-10


@njit(**_LEAF)
def sym_matvec(A, v, out, sign):
    """out ← sign · A v for a symmetric A, accumulated column by column
    (out_i = Σ_j A_ji v_j in the order j = 0, 1, …): the inner loop runs over i without a
    reduction, so it vectorises; for an exactly symmetric A it equals the row-wise sum."""
    n = A.shape[0]
    for i in range(n):
        out[i] = 0.0
    for j in range(n):
        vj = sign * v[j]
        for i in range(n):
            out[i] += A[j, i] * vj


@njit(**_LEAF)
def bfgs_update(H, s, y, Hy, ys):
    """H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ = H − ρ(Hy sᵀ + s (Hy)ᵀ) + (ρ² yᵀHy + ρ) ssᵀ.

    Every entry's formula is symmetric in (i, j) to the last rounding, so H stays exactly
    symmetric (which :func:`sym_matvec` relies on)."""
    n = H.shape[0]
    rho = 1.0 / ys
    sym_matvec(H, y, Hy, 1.0)
    yHy = 0.0
    for i in range(n):
        yHy += y[i] * Hy[i]
    c = rho * rho * yHy + rho
    for i in range(n):
        for j in range(n):
            H[i, j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * (s[i] * s[j])


@njit(**_JIT)
def _first_alpha(hp, gx, unscaled):
    if int(hp[L.LINE_SEARCH]) == L.LS_NONE:
        return hp[L.LR]
    if unscaled:
        gg = 0.0
        for i in range(gx.shape[0]):
            gg += gx[i] * gx[i]
        return min(1.0, 1.01 / math.sqrt(gg))
    return 1.0


@njit(**_JIT)
def bfgs_step(fg, D, x, fx, gx, xn, gn, d, s, y, Hy, H, hp, ist, cnt):
    """One BFGS iteration.  ``ist[0]`` = 1 once H₀ has been scaled, ``ist[1]`` iterations."""
    n = x.shape[0]
    if ist[1] == 0:
        for i in range(n):
            for j in range(n):
                H[i, j] = 1.0 if i == j else 0.0
        ist[0] = 0
    sym_matvec(H, gx, d, -1.0)
    slope = 0.0
    for i in range(n):
        slope += gx[i] * d[i]
    if not (slope < 0.0):
        for i in range(n):
            d[i] = -gx[i]
            for j in range(n):
                H[i, j] = 1.0 if i == j else 0.0
        ist[0] = 0
    alpha0 = _first_alpha(hp, gx, ist[0] == 0)
    rc, fn = line_step(
        int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, alpha0,
        hp[L.C1], hp[L.C2], hp[L.SHRINK], xn, gn, cnt,
    )  # fmt: skip
    ist[1] += 1
    if rc != 0:
        return rc, fn
    ys = 0.0
    yy = 0.0
    ss = 0.0
    for i in range(n):
        s[i] = xn[i] - x[i]
        y[i] = gn[i] - gx[i]
        ys += y[i] * s[i]
        yy += y[i] * y[i]
        ss += s[i] * s[i]
    if ys > SKIP * math.sqrt(ss * yy) and math.isfinite(ys):
        if ist[0] == 0:
            scale = ys / yy
            for i in range(n):
                for j in range(n):
                    H[i, j] = scale if i == j else 0.0
            ist[0] = 1
        bfgs_update(H, s, y, Hy, ys)
    return 0, fn


@njit(**_LEAF)
def two_loop(g, S, Y, rho, alpha, count, newest, out):
    """out = H_k g by the L-BFGS two-loop recursion over ``count`` stored pairs (ring buffer)."""
    n = g.shape[0]
    m = S.shape[0]
    for i in range(n):
        out[i] = g[i]
    idx = newest
    for _ in range(count):
        a = 0.0
        for i in range(n):
            a += S[idx, i] * out[i]
        a *= rho[idx]
        alpha[idx] = a
        for i in range(n):
            out[i] -= a * Y[idx, i]
        idx = idx - 1 if idx > 0 else m - 1
    gamma = 1.0
    if count > 0:
        sy = 0.0
        yy = 0.0
        for i in range(n):
            sy += S[newest, i] * Y[newest, i]
            yy += Y[newest, i] * Y[newest, i]
        gamma = sy / yy
    for i in range(n):
        out[i] *= gamma
    idx = (newest - count + 1) % m
    for _ in range(count):
        b = 0.0
        for i in range(n):
            b += Y[idx, i] * out[i]
        b *= rho[idx]
        for i in range(n):
            out[i] += S[idx, i] * (alpha[idx] - b)
        idx = idx + 1 if idx < m - 1 else 0


@njit(**_JIT)
def lbfgs_step(fg, D, x, fx, gx, xn, gn, d, S, Y, rho, alpha, hp, ist, cnt):
    """One L-BFGS iteration.  ``ist[0]`` stored pairs, ``ist[1]`` iterations, ``ist[2]`` newest."""
    n = x.shape[0]
    m = S.shape[0]
    if ist[1] == 0:
        ist[0] = 0
        ist[2] = m - 1
    two_loop(gx, S, Y, rho, alpha, ist[0], ist[2], d)
    slope = 0.0
    for i in range(n):
        d[i] = -d[i]
        slope += gx[i] * d[i]
    if not (slope < 0.0):
        ist[0] = 0
        for i in range(n):
            d[i] = -gx[i]
    alpha0 = _first_alpha(hp, gx, ist[0] == 0)
    rc, fn = line_step(
        int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, alpha0,
        hp[L.C1], hp[L.C2], hp[L.SHRINK], xn, gn, cnt,
    )  # fmt: skip
    ist[1] += 1
    if rc != 0:
        return rc, fn
    ys = 0.0
    yy = 0.0
    ss = 0.0
    for i in range(n):
        si = xn[i] - x[i]
        yi = gn[i] - gx[i]
        ys += yi * si
        yy += yi * yi
        ss += si * si
    if ys > SKIP * math.sqrt(ss * yy) and math.isfinite(ys):
        pos = ist[2] + 1 if ist[2] < m - 1 else 0
        for i in range(n):
            S[pos, i] = xn[i] - x[i]
            Y[pos, i] = gn[i] - gx[i]
        rho[pos] = 1.0 / ys
        ist[2] = pos
        ist[0] = min(ist[0] + 1, m)
    return 0, fn
