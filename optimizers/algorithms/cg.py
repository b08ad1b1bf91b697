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
Defaults: ``variant='pr+'``, ``line_search='wolfe'`` with c₂ = 0.1.  State: the direction d,
the residual r and A d (linear CG), the Hessian A (linear CG only), the previous f and the
squared residual, the iterations since the last restart.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import (
    NEWTON_TYPE_MAXITER,
    NONE_LS,
    average,
    hchoice,
    line_search,
    lr,
    method,
    state,
)

#: Powell's restart threshold |g_{k+1}ᵀg_k| ≥ ν‖g_{k+1}‖²
POWELL_NU = 0.2

STATE = state(vectors=("d", "r", "Ad"), matrices=("A",), floats=("f_prev", "rr"),
              ints=("since_restart",))
#: helpers of this module compiled for the step
KERNELS = ("beta", "linear_step")

_LINEAR = ("variant", ("linear",))

SPEC = method(
    "cg", "cg", "per-start", "d ← −∇f(x) + βd;  x ← x + αd",
    [hchoice("variant", "pr+", ("fr", "pr+", "hs", "dy", "linear"), "β formula, or linear CG",
             slot=L.VARIANT, codes={"fr": L.CG_FR, "pr+": L.CG_PRPLUS, "hs": L.CG_HS,
                                    "dy": L.CG_DY, "linear": L.CG_LINEAR}),
     *line_search("wolfe", 0.1), lr(1.0, when=NONE_LS), *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=_LINEAR, state=STATE, matrices_when=_LINEAR,
    label="CG", title="nonlinear conjugate gradient",
    restarts_every_n=("variant", ("fr", "pr+", "hs", "dy")),
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global line_step, unpack
    from optimizers.linesearch import line_step
    from optimizers.workspace import unpack


def beta(variant, gg, gngn, gng, dy):
    """β of the variant (gg = g_kᵀg_k, gngn = g_{k+1}ᵀg_{k+1}, gng = g_{k+1}ᵀg_k,
    dy = d_kᵀy_k)."""
    if variant == L.CG_FR:
        return gngn / gg
    if variant == L.CG_PRPLUS:
        return max(0.0, (gngn - gng) / gg)
    if variant == L.CG_HS:
        return (gngn - gng) / dy
    return gngn / dy  # Dai–Yuan


def linear_step(fg, h, D, k, x, gx, xn, gn, W, cnt):
    """One step of linear CG (exact step length with the Hessian A = ∇²f(x₀))."""
    n = x.shape[0]
    d = W.v[STATE.v.d]
    r = W.v[STATE.v.r]
    Ad = W.v[STATE.v.Ad]
    A = W.m[STATE.m.A]
    if k == 0:
        h(x, D, A)
        cnt[2] += 1
        rr = 0.0
        for i in range(n):
            r[i] = -gx[i]
            d[i] = r[i]
            rr += r[i] * r[i]
        W.f[STATE.f.rr] = rr
    dAd = 0.0
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += A[i, j] * d[j]
        Ad[i] = s
        dAd += d[i] * s
    if not (dAd > 0.0):
        return L.D_NEG_CURVATURE, 0.0
    alpha = W.f[STATE.f.rr] / dAd
    rr = 0.0
    for i in range(n):
        xn[i] = x[i] + alpha * d[i]
        r[i] -= alpha * Ad[i]
        rr += r[i] * r[i]
    b = rr / W.f[STATE.f.rr]
    for i in range(n):
        d[i] = r[i] + b * d[i]
    W.f[STATE.f.rr] = rr
    cnt[0] += 1
    cnt[1] += 1
    return 0, fg(xn, D, gn)


def step(fg, h, D, hp, k, fx, F, I):
    """One nonlinear (or linear) CG iteration; ``d`` carries the search direction over."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    variant = int(hp[L.VARIANT])
    if variant == L.CG_LINEAR:
        return linear_step(fg, h, D, k, x, gx, xn, gn, W, cnt)
    n = x.shape[0]
    d = W.v[STATE.v.d]
    since = STATE.i.since_restart
    if k == 0:
        for i in range(n):
            d[i] = -gx[i]
        W.i[since] = 0
    dphi0 = 0.0
    gg = 0.0
    for i in range(n):
        dphi0 += gx[i] * d[i]
        gg += gx[i] * gx[i]
    if not (dphi0 < 0.0):
        for i in range(n):
            d[i] = -gx[i]
        dphi0 = -gg
        W.i[since] = 0
    kind = int(hp[L.LINE_SEARCH])
    if kind == L.LS_NONE:
        alpha0 = hp[L.LR]
    elif k == 0:
        alpha0 = min(1.0, 1.01 / math.sqrt(gg))
    else:
        a = 1.01 * 2.0 * (fx - W.f[STATE.f.f_prev]) / dphi0
        alpha0 = min(1.0, a) if (a > 0.0 and math.isfinite(a)) else 1.0
    rc, fn = line_step(kind, fg, D, x, fx, gx, d, alpha0, hp[L.C1], hp[L.C2], hp[L.SHRINK], xn,
                       gn, cnt)
    if rc != 0:
        return rc, fn
    W.f[STATE.f.f_prev] = fx
    gngn = 0.0
    gng = 0.0
    dy = 0.0
    for i in range(n):
        gngn += gn[i] * gn[i]
        gng += gn[i] * gx[i]
        dy += d[i] * (gn[i] - gx[i])
    b = beta(variant, gg, gngn, gng, dy)
    W.i[since] += 1
    if W.i[since] >= n or abs(gng) >= POWELL_NU * gngn or not math.isfinite(b):
        b = 0.0
        W.i[since] = 0
    slope = 0.0
    for i in range(n):
        d[i] = -gn[i] + b * d[i]
        slope += gn[i] * d[i]
    if not (slope < 0.0):
        for i in range(n):
            d[i] = -gn[i]
        W.i[since] = 0
    return 0, fn
