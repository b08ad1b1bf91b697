r"""BFGS, inverse-Hessian form (Nocedal & Wright ch. 6).

With s_k = x_{k+1} − x_k, y_k = ∇f_{k+1} − ∇f_k, ρ_k = 1 / y_kᵀs_k:

    d_k = −H_k ∇f_k;   x_{k+1} = x_k + α_k d_k  (strong Wolfe, c₁ = 1e-4, c₂ = 0.9);
    H_{k+1} = (I − ρ s yᵀ) H_k (I − ρ y sᵀ) + ρ s sᵀ

H₀ = I; after the first step, before the first update, H₀ ← (yᵀs / yᵀy) I (N&W (6.20)).  The
update is skipped when yᵀs ≤ 10⁻¹⁰‖s‖‖y‖ (curvature condition numerically violated); a
direction that is not a descent direction resets H = I.  The first trial step is
min(1, 1.01/‖∇f₀‖₂) while H is the unscaled identity, 1 afterwards; with
``line_search='none'`` the step is x ← x + ``lr``·d.  State: H, d, s, y, Hy, whether H₀ has
been scaled.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import NEWTON_TYPE_MAXITER, NONE_LS, average, line_search, lr, method, state

#: skip the update when yᵀs ≤ SKIP·‖s‖‖y‖
SKIP = 1e-10
#: up to this dimension the helpers run scalar loops: at n = 2 the vectorised loops LLVM
#: emits for the general case (overlap checks, then a scalar remainder) took 14 ns for
#: H∇f against 2 ns; from n ≈ 20 on the vectorised ones are faster
SMALL_N = 8

STATE = state(vectors=("d", "s", "y", "Hy"), matrices=("H",), ints=("scaled",))
#: helpers of this module compiled for the step
KERNELS = ("sym_matvec", "update_inverse")

SPEC = method(
    "bfgs", "quasi-newton", "per-start", "x ← x − αH∇f;  H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ",
    [*line_search("wolfe", 0.9), lr(1.0, when=NONE_LS), *average()],
    maxiter=NEWTON_TYPE_MAXITER, state=STATE,
    label="BFGS", title="Broyden–Fletcher–Goldfarb–Shanno",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global first_alpha, line_step, unpack
    from optimizers.linesearch import first_alpha, line_step
    from optimizers.workspace import unpack


def sym_matvec(A, v, out, sign):
    """out ← sign · A v for a symmetric A: out_i = Σ_j A_ij (sign · v_j), summed in the order
    j = 0, 1, ….  Up to :data:`SMALL_N` rows, one scalar sum per row; above, column by column
    (out_i += A_ji (sign · v_j)), whose inner loop over i has no reduction and vectorises.
    For an exactly symmetric A both give the same sums in the same order, bit for bit."""
    n = A.shape[0]
    if n <= SMALL_N:
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += A[i, j] * (sign * v[j])
            out[i] = acc
        return
    for i in range(n):
        out[i] = 0.0
    for j in range(n):
        vj = sign * v[j]
        for i in range(n):
            out[i] += A[j, i] * vj


def update_inverse(H, s, y, Hy, ys):
    """H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ = H − ρ(Hy sᵀ + s (Hy)ᵀ) + (ρ² yᵀHy + ρ) ssᵀ.

    Every entry's formula is symmetric in (i, j) to the last rounding, so H stays exactly
    symmetric (which :func:`sym_matvec` relies on); up to :data:`SMALL_N` rows the upper
    triangle is computed and mirrored (the same numbers), above it every entry, in
    vectorisable rows."""
    n = H.shape[0]
    rho = 1.0 / ys
    sym_matvec(H, y, Hy, 1.0)
    yHy = 0.0
    for i in range(n):
        yHy += y[i] * Hy[i]
    c = rho * rho * yHy + rho
    if n <= SMALL_N:
        for i in range(n):
            for j in range(i, n):
                hij = H[i, j] + (-rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * (s[i] * s[j]))
                H[i, j] = hij
                H[j, i] = hij
        return
    for i in range(n):
        for j in range(n):
            H[i, j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * (s[i] * s[j])


def step(fg, h, D, hp, k, fx, F, I):
    """One BFGS iteration (module docstring)."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    n = x.shape[0]
    H = W.m[STATE.m.H]
    d = W.v[STATE.v.d]
    s = W.v[STATE.v.s]
    y = W.v[STATE.v.y]
    scaled = STATE.i.scaled
    if k == 0:
        for i in range(n):
            for j in range(n):
                H[i, j] = 1.0 if i == j else 0.0
        W.i[scaled] = 0
    sym_matvec(H, gx, d, -1.0)
    slope = 0.0
    for i in range(n):
        slope += gx[i] * d[i]
    if not (slope < 0.0):
        for i in range(n):
            d[i] = -gx[i]
            for j in range(n):
                H[i, j] = 1.0 if i == j else 0.0
        W.i[scaled] = 0
    alpha0 = first_alpha(hp, gx, W.i[scaled] == 0)
    rc, fn = line_step(int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, alpha0, hp[L.C1], hp[L.C2],
                       hp[L.SHRINK], xn, gn, cnt)
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
        if W.i[scaled] == 0:
            scale = ys / yy
            for i in range(n):
                for j in range(n):
                    H[i, j] = scale if i == j else 0.0
            W.i[scaled] = 1
        update_inverse(H, s, y, W.v[STATE.v.Hy], ys)
    return 0, fn
