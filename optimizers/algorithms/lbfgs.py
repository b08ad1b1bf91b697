r"""L-BFGS: limited-memory BFGS by the two-loop recursion (Nocedal & Wright ch. 7).

With s_k = x_{k+1} − x_k, y_k = ∇f_{k+1} − ∇f_k, ρ_k = 1 / y_kᵀs_k and ``memory`` = m
(default 10):

    d_k = −H_k ∇f_k by the two-loop recursion over the last m pairs (s_i, y_i) with
    H_k⁰ = γ_k I, γ_k = s_{k−1}ᵀy_{k−1} / y_{k−1}ᵀy_{k−1}  (N&W Alg. 7.4, (7.20));
    x_{k+1} = x_k + α_k d_k  (strong Wolfe, c₁ = 1e-4, c₂ = 0.9)

The pair is skipped when yᵀs ≤ 10⁻¹⁰‖s‖‖y‖ (as BFGS, :mod:`optimizers.algorithms.bfgs`); a
non-descent direction clears the memory.  First trial step as BFGS.  State: the ring of
pairs S, Y (memory × n), ρ and the recursion's α (memory), the number of stored pairs and the
newest one.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.algorithms.bfgs import SKIP
from optimizers.spec import (
    NEWTON_TYPE_MAXITER,
    NONE_LS,
    average,
    hint,
    line_search,
    lr,
    method,
    state,
)

STATE = state(vectors=("d",), history=("S", "Y"), history_scalars=("rho", "alpha"),
              ints=("count", "newest"))
#: helpers of this module compiled for the step
KERNELS = ("two_loop",)

SPEC = method(
    "lbfgs", "quasi-newton", "per-start", "x ← x − α H_m ∇f  (two-loop recursion)",
    [hint("memory", 10, "number m of stored (s, y) pairs", 1, slot=L.MEMORY),
     *line_search("wolfe", 0.9), lr(1.0, when=NONE_LS), *average()],
    maxiter=NEWTON_TYPE_MAXITER, state=STATE,
    label="L-BFGS", title="limited-memory BFGS",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global first_alpha, line_step, unpack
    from optimizers.linesearch import first_alpha, line_step
    from optimizers.workspace import unpack


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


def step(fg, h, D, hp, k, fx, F, I):
    """One L-BFGS iteration (module docstring)."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    n = x.shape[0]
    S = W.t[STATE.t.S]
    Y = W.t[STATE.t.Y]
    rho = W.q[STATE.q.rho]
    m = S.shape[0]
    d = W.v[STATE.v.d]
    count = STATE.i.count
    newest = STATE.i.newest
    if k == 0:
        W.i[count] = 0
        W.i[newest] = m - 1
    two_loop(gx, S, Y, rho, W.q[STATE.q.alpha], W.i[count], W.i[newest], d)
    slope = 0.0
    for i in range(n):
        d[i] = -d[i]
        slope += gx[i] * d[i]
    if not (slope < 0.0):
        W.i[count] = 0
        for i in range(n):
            d[i] = -gx[i]
    alpha0 = first_alpha(hp, gx, W.i[count] == 0)
    rc, fn = line_step(int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, alpha0, hp[L.C1], hp[L.C2],
                       hp[L.SHRINK], xn, gn, cnt)
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
        pos = W.i[newest] + 1 if W.i[newest] < m - 1 else 0
        for i in range(n):
            S[pos, i] = xn[i] - x[i]
            Y[pos, i] = gn[i] - gx[i]
        rho[pos] = 1.0 / ys
        W.i[newest] = pos
        W.i[count] = min(W.i[count] + 1, m)
    return 0, fn
