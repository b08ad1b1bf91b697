r"""Newton's method and the small dense linear algebra it needs (no BLAS, no allocation).

Step (d solves a model of ∇²f(x) d = −∇f(x)):

    x ← x + α d,   α = ``damping`` (line_search none) or from the line search started at
                   α₀ = ``damping`` (default strong Wolfe, c₁ = 1e-4, c₂ = 0.9)

``modification`` chooses the matrix B in B d = −g:

none
    B = H = ∇²f(x), solved by Gaussian elimination with partial pivoting (a singular H stalls
    the start; an indefinite H may give an ascent direction: pure Newton is attracted by
    saddles and maxima).
shift (default; Levenberg / Nocedal & Wright Alg. 3.3, "Cholesky with added multiple of the
identity")
    B = H + τI with the smallest τ in the sequence τ₀ = 0 if min_i H_ii > 0 else
    β − min_i H_ii, τ_{j+1} = max(2τ_j, β), β = 10⁻³, for which the Cholesky factorisation
    succeeds: B is positive definite, d a descent direction; near a strict minimum τ = 0 and
    the step is Newton's.
saddle-free (Dauphin et al. 2014)
    B = |H| = Q |Λ| Qᵀ from the eigendecomposition H = QΛQᵀ (cyclic Jacobi), with |λ| floored
    at δ = 10⁻⁸·max(1, max|λ|): negative curvature directions are followed downhill.

Pure Newton (the textbook iteration) is ``line_search='none', damping=1,
modification='none'``; damped Newton is ``line_search='none', damping=α``.
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

#: Alg. 3.3's increment β and its cap on the number of trial shifts
SHIFT_BETA = 1e-3
MAX_SHIFTS = 100
#: relative floor of |λ| in the saddle-free modification
SADDLE_FREE_FLOOR = 1e-8
#: Jacobi sweeps cap
MAX_SWEEPS = 100


@njit(**_LEAF)
def cholesky(A, tau, Lm):
    """Lower Cholesky factor of A + τI into Lm; returns False if not positive definite."""
    n = A.shape[0]
    for j in range(n):
        s = A[j, j] + tau
        for k in range(j):
            s -= Lm[j, k] * Lm[j, k]
        if not (s > 0.0) or not math.isfinite(s):
            return False
        ljj = math.sqrt(s)
        Lm[j, j] = ljj
        for i in range(j + 1, n):
            t = A[i, j]
            for k in range(j):
                t -= Lm[i, k] * Lm[j, k]
            Lm[i, j] = t / ljj
        for i in range(j):
            Lm[i, j] = 0.0
    return True


@njit(**_LEAF)
def cholesky_solve(Lm, b, out):
    """Solve L Lᵀ out = b (forward then back substitution)."""
    n = Lm.shape[0]
    for i in range(n):
        s = b[i]
        for k in range(i):
            s -= Lm[i, k] * out[k]
        out[i] = s / Lm[i, i]
    for i in range(n - 1, -1, -1):
        s = out[i]
        for k in range(i + 1, n):
            s -= Lm[k, i] * out[k]
        out[i] = s / Lm[i, i]


@njit(**_LEAF)
def lu_solve(A, b, W, out):
    """Solve A out = b by Gaussian elimination with partial pivoting (A copied into W).

    Returns False when a pivot is zero or below n·ε·max|A| (numerically singular).
    """
    n = A.shape[0]
    amax = 0.0
    for i in range(n):
        out[i] = b[i]
        for j in range(n):
            W[i, j] = A[i, j]
            if abs(A[i, j]) > amax:
                amax = abs(A[i, j])
    if not (amax > 0.0) or not math.isfinite(amax):
        return False
    tiny = n * 2.220446049250313e-16 * amax
    for c in range(n):
        p = c
        for r in range(c + 1, n):
            if abs(W[r, c]) > abs(W[p, c]):
                p = r
        if abs(W[p, c]) <= tiny:
            return False
        if p != c:
            for j in range(n):
                t = W[c, j]
                W[c, j] = W[p, j]
                W[p, j] = t
            t = out[c]
            out[c] = out[p]
            out[p] = t
        for r in range(c + 1, n):
            m = W[r, c] / W[c, c]
            if m != 0.0:
                for j in range(c, n):
                    W[r, j] -= m * W[c, j]
                out[r] -= m * out[c]
    for i in range(n - 1, -1, -1):
        s = out[i]
        for j in range(i + 1, n):
            s -= W[i, j] * out[j]
        out[i] = s / W[i, i]
    return True


@njit(**_LEAF)
def jacobi_eigh(A, W, V, w):
    """Eigendecomposition of symmetric A by cyclic Jacobi rotations: A = V diag(w) Vᵀ.

    Rotation (Numerical Recipes §11.1): θ = (a_qq − a_pp)/(2a_pq), t = sgn θ/(|θ| + √(θ²+1)),
    c = 1/√(t²+1), s = tc; sweeps until the off-diagonal mass is below (ε‖A‖_F)².
    """
    n = A.shape[0]
    fro = 0.0
    for i in range(n):
        for j in range(n):
            W[i, j] = A[i, j]
            V[i, j] = 1.0 if i == j else 0.0
            fro += A[i, j] * A[i, j]
    tol = (2.220446049250313e-16) ** 2 * fro
    for _ in range(MAX_SWEEPS):
        off = 0.0
        for p in range(n):
            for q in range(p + 1, n):
                off += W[p, q] * W[p, q]
        if off <= tol or not math.isfinite(off):
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = W[p, q]
                if apq == 0.0:
                    continue
                theta = (W[q, q] - W[p, p]) / (2.0 * apq)
                t = 1.0 / (abs(theta) + math.sqrt(theta * theta + 1.0))
                if theta < 0.0:
                    t = -t
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(n):
                    akp = W[k, p]
                    akq = W[k, q]
                    W[k, p] = c * akp - s * akq
                    W[k, q] = s * akp + c * akq
                for k in range(n):
                    apk = W[p, k]
                    aqk = W[q, k]
                    W[p, k] = c * apk - s * aqk
                    W[q, k] = s * apk + c * aqk
                for k in range(n):
                    vkp = V[k, p]
                    vkq = V[k, q]
                    V[k, p] = c * vkp - s * vkq
                    V[k, q] = s * vkp + c * vkq
    for i in range(n):
        w[i] = W[i, i]


@njit(**_JIT)
def newton_direction(modification, H, g, d, W1, W2, wv, tv):
    """d solving B d = −g for the chosen modification; returns 0 or ``D_SINGULAR``."""
    n = H.shape[0]
    for i in range(n):
        tv[i] = -g[i]
    if modification == L.MOD_NONE:
        if not lu_solve(H, tv, W1, d):
            return L.D_SINGULAR
        return 0
    if modification == L.MOD_SHIFT:
        dmin = math.inf
        for i in range(n):
            dmin = min(dmin, H[i, i])
        tau = 0.0 if dmin > 0.0 else SHIFT_BETA - dmin
        for _ in range(MAX_SHIFTS):
            if cholesky(H, tau, W1):
                cholesky_solve(W1, tv, d)
                return 0
            tau = max(2.0 * tau, SHIFT_BETA)
        return L.D_SINGULAR
    # saddle-free: d = −Q |Λ|⁻¹ Qᵀ g
    jacobi_eigh(H, W1, W2, wv)
    lmax = 0.0
    for i in range(n):
        if not math.isfinite(wv[i]):
            return L.D_SINGULAR
        lmax = max(lmax, abs(wv[i]))
    floor = SADDLE_FREE_FLOOR * max(1.0, lmax)
    for i in range(n):
        d[i] = 0.0
    for k in range(n):
        c = 0.0
        for i in range(n):
            c += W2[i, k] * tv[i]
        c /= max(abs(wv[k]), floor)
        for i in range(n):
            d[i] += c * W2[i, k]
    return 0


@njit(**_JIT)
def newton_step(fg, h, D, x, fx, gx, xn, gn, d, H, W1, W2, wv, tv, hp, cnt):
    """One Newton iteration from (x, f(x), ∇f(x)); the new point goes to (xn, ·, gn).

    Returns ``(rc, f_new)``: rc = 0, or a detail code (singular, line-search failure).
    """
    h(x, D, H)
    cnt[2] += 1
    rc = newton_direction(int(hp[L.MODIFICATION]), H, gx, d, W1, W2, wv, tv)
    if rc != 0:
        return rc, fx
    return line_step(
        int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, hp[L.DAMPING],
        hp[L.C1], hp[L.C2], hp[L.SHRINK], xn, gn, cnt,
    )  # fmt: skip
