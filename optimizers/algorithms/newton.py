r"""Newton's method (line search or damped; modified Hessians for nonconvex f).

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
Defaults: ``line_search='wolfe'`` (c₂ = 0.9), ``damping`` 1, ``modification='shift'``.
State: the Hessian H, two n × n work matrices, the direction d, eigenvalues w, −g.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import (
    NEWTON_TYPE_MAXITER,
    average,
    hchoice,
    hfloat,
    line_search,
    method,
    state,
)

#: Alg. 3.3's increment β and its cap on the number of trial shifts
SHIFT_BETA = 1e-3
MAX_SHIFTS = 100
#: relative floor of |λ| in the saddle-free modification
SADDLE_FREE_FLOOR = 1e-8

STATE = state(vectors=("d", "w", "t"), matrices=("H", "W1", "W2"))
#: helpers of this module compiled for the step
KERNELS = ("direction",)

SPEC = method(
    "newton", "newton", "per-start", "x ← x − α (∇²f(x) + τI)⁻¹ ∇f(x)",
    [*line_search("wolfe", 0.9),
     hfloat("damping", 1.0, "step size α (initial trial step with a line search)", 0.0,
            open_low=True, slot=L.DAMPING),
     hchoice("modification", "shift", ("none", "shift", "saddle-free"), "Hessian modification",
             slot=L.MODIFICATION,
             codes={"none": L.MOD_NONE, "shift": L.MOD_SHIFT, "saddle-free": L.MOD_SADDLE_FREE}),
     *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=True, state=STATE,
    label="Newton", title="Newton's method",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global cholesky, cholesky_solve, jacobi_eigh, line_step, lu_solve, unpack
    from landscape.linalg import cholesky, cholesky_solve, jacobi_eigh, lu_solve
    from optimizers.linesearch import line_step
    from optimizers.workspace import unpack


def direction(modification, H, g, d, W1, W2, wv, tv):
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


def step(fg, h, D, hp, k, fx, F, I):
    """H = ∇²f(x), d from :func:`direction`, then x_new = x + α d (line search or damping)."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    H = W.m[STATE.m.H]
    d = W.v[STATE.v.d]
    h(x, D, H)
    cnt[2] += 1
    rc = direction(int(hp[L.MODIFICATION]), H, gx, d, W.m[STATE.m.W1], W.m[STATE.m.W2],
                   W.v[STATE.v.w], W.v[STATE.v.t])
    if rc != 0:
        return rc, fx
    return line_step(int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, hp[L.DAMPING], hp[L.C1],
                     hp[L.C2], hp[L.SHRINK], xn, gn, cnt)

