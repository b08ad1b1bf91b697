r"""``trust-ncg``: trust-region Newton with the Steihaug–Toint truncated conjugate gradient
(Nocedal & Wright, *Numerical Optimization*, 2nd ed., Alg. 7.2; SciPy's ``trust-ncg``).

The step p approximately minimises m(p) = gᵀp + ½ pᵀBp (B = ∇²f(x)) over ‖p‖ ≤ Δ by CG on
Bp = −g started at z₀ = 0, r₀ = g, d₀ = −g:

    if dⱼᵀBdⱼ ≤ 0:          p = zⱼ + τdⱼ, ‖p‖ = Δ, the root τ of lower model value
    αⱼ = rⱼᵀrⱼ / dⱼᵀBdⱼ,     zⱼ₊₁ = zⱼ + αⱼdⱼ
    if ‖zⱼ₊₁‖ ≥ Δ:           p = zⱼ + τdⱼ, τ ≥ 0, ‖p‖ = Δ
    rⱼ₊₁ = rⱼ + αⱼBdⱼ;       if ‖rⱼ₊₁‖ < ε:  p = zⱼ₊₁
    βⱼ₊₁ = rⱼ₊₁ᵀrⱼ₊₁ / rⱼᵀrⱼ,  dⱼ₊₁ = −rⱼ₊₁ + βⱼ₊₁dⱼ

with ε = min(½, √‖g‖)·‖g‖ (SciPy's forcing term, superlinear then quadratic convergence).

A rejected step that CG ended *inside* the region (by the forcing test) is re-solved with ε = 0,
CG run to completion (at most max(2n, 20) steps), before the radius shrinks further.  Alg. 4.1
alone would try the same step again: Δ ← Δ/4 changes an interior step only once Δ < ‖p‖,
so it is re-tried ⌈log₄(Δ/‖p‖)⌉ times, then cut short along the same CG path.  On a badly
scaled problem that path is steepest descent: on MGH 10 (Meyer, cond ∇²f ≈ 10¹⁵) the first CG
iterate satisfies the forcing test at f = 89.02 with ‖p‖ = 2.6·10⁻¹³, its predicted
decrease 8.5·10⁻¹² is lost in the rounding of f (measured change +8.5·10⁻¹²: the residuals
are differences of numbers near 35,000), and 23 identical rejections took Δ from 4 to
4.6·10⁻¹³, where the run stalled (SciPy's ``trust-ncg`` stops there too, f = 88.44 against
f* = 87.9458; with the rule: f*, 847 iterations).  Other options measured on Meyer: the
relative forcing term min(½, √(‖g‖/‖g₀‖)) reaches f* in 445 iterations but takes 47
evaluations on Wood where SciPy takes 109 (no longer SciPy's method); diagonal scaling
‖Dp‖ ≤ Δ, D² = diag ∇²f, reaches f* in about 2,000 and changes every first step.  Near a
nondegenerate minimizer every step is accepted (ρ → 1), so the rule never acts there and
the local rate is the forcing term's.  The first CG iterate is the Cauchy point when it
lies inside the region, so the step always decreases the model at least as much as the
Cauchy point; on negative curvature along −g it goes to the boundary along −g.  The radius
update and acceptance (N&W Alg. 4.1) are :mod:`optimizers.trust_region`'s.

Hyperparameters (SciPy's names and defaults, shared with ``trust-exact``):
``initial_trust_radius`` Δ₀ = 1, ``max_trust_radius`` Δ_max = 1000, ``eta`` η = 0.15.
State: the Hessian H, the step p, CG's residual r, direction d and H·d; the radius Δ.
"""


from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import NEWTON_TYPE_MAXITER, average, hfloat, method, state

#: hp slots of the trust-region hyperparameters (private to the method)
INITIAL_RADIUS = L.OWN + 0
MAX_RADIUS = L.OWN + 1
ETA = L.OWN + 2

#: SciPy's trust-region hyperparameters (``scipy.optimize._trustregion``), also trust-exact's
HYPERS = (
    hfloat("initial_trust_radius", 1.0, "initial trust radius Δ₀", 0.0, open_low=True,
           slot=INITIAL_RADIUS),
    hfloat("max_trust_radius", 1000.0, "largest trust radius Δ_max", 0.0, open_low=True,
           slot=MAX_RADIUS),
    hfloat("eta", 0.15, "acceptance threshold η on ρ = actual / predicted decrease", 0.0, 0.25,
           open_high=True, slot=ETA),
)

STATE = state(vectors=("p", "r", "d", "bd"), matrices=("H",), floats=("radius",))
#: helpers of this module compiled for the step
KERNELS = ("along", "model", "truncated_cg", "steihaug_cg")

SPEC = method(
    "trust-ncg", "trust-region", "per-start",
    "min gᵀp + ½pᵀ∇²f p, ‖p‖ ≤ Δ by Steihaug–Toint CG;  x ← x + p if ρ > η",
    [*HYPERS, *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=True, state=STATE,
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global MAX_REJECTIONS, REJECTED, boundary_tau, norm2, trust_region_end, trust_region_trial
    global unpack
    from optimizers.trust_region import (
        MAX_REJECTIONS,
        REJECTED,
        boundary_tau,
        norm2,
        trust_region_end,
        trust_region_trial,
    )
    from optimizers.workspace import unpack


def along(z, d, tau, p):
    """p ← z + τd."""
    for i in range(z.shape[0]):
        p[i] = z[i] + tau * d[i]


def model(g, B, p):
    """m(p) − f = gᵀp + ½ pᵀBp."""
    n = g.shape[0]
    v = 0.0
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += B[i, j] * p[j]
        v += g[i] * p[i] + 0.5 * p[i] * s
    return v


def steihaug_cg(B, g, delta, p, r, d, bd):
    """Steihaug–Toint truncated CG (N&W Alg. 7.2) for min gᵀp + ½pᵀBp, ‖p‖ ≤ Δ, into ``p``,
    stopped at ‖r‖ < ε = min(½, √‖g‖)·‖g‖ (the forcing term).

    ``r``, ``d``, ``bd`` are scratch vectors (residual, direction, B·d).  Returns 1 when p is
    on the boundary, 0 inside.
    """
    gnorm = norm2(g)
    return truncated_cg(B, g, delta, min(0.5, math.sqrt(gnorm)) * gnorm, p, r, d, bd)


def truncated_cg(B, g, delta, eps, p, r, d, bd):
    """:func:`steihaug_cg` stopped at ‖r‖ < ``eps`` (ε = 0: run to completion, until r = 0 or
    max(2n, 20) steps)."""
    n = g.shape[0]
    gnorm = norm2(g)
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
            along(p, d, tb, r)
            mb = model(g, B, r)
            for i in range(n):
                d[i] = -d[i]
            along(p, d, ta, bd)
            if model(g, B, bd) <= mb:
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
            along(p, d, tau, p)
            return 1
        rr_new = 0.0
        for i in range(n):
            p[i] += alpha * d[i]
            r[i] += alpha * bd[i]
            rr_new += r[i] * r[i]
        if math.sqrt(rr_new) < eps or rr_new == 0.0:
            return 0
        beta = rr_new / rr
        rr = rr_new
        for i in range(n):
            d[i] = -r[i] + beta * d[i]
    return 0


def step(fg, h, D, hp, k, fx, F, I):
    """H = ∇²f(x); Steihaug–Toint steps with the radius updated until one is accepted (or
    ``D_NO_CHANGE``, see :mod:`optimizers.trust_region`); a rejected interior step is solved
    again with CG run to completion (module docstring)."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    H = W.m[STATE.m.H]
    p = W.v[STATE.v.p]
    if k == 0:
        W.f[STATE.f.radius] = hp[INITIAL_RADIUS]
    h(x, D, H)
    cnt[2] += 1
    verdict = REJECTED
    fn = fx
    full = False
    for _ in range(MAX_REJECTIONS):
        if full:
            edge = truncated_cg(H, gx, W.f[STATE.f.radius], 0.0, p, W.v[STATE.v.r],
                                W.v[STATE.v.d], W.v[STATE.v.bd])
        else:
            edge = steihaug_cg(H, gx, W.f[STATE.f.radius], p, W.v[STATE.v.r], W.v[STATE.v.d],
                               W.v[STATE.v.bd])
        verdict, fn, delta = trust_region_trial(fg, D, x, fx, gx, xn, gn, p, H,
                                                W.f[STATE.f.radius], hp[MAX_RADIUS], hp[ETA],
                                                cnt)
        W.f[STATE.f.radius] = delta
        if verdict != REJECTED:
            break
        full = full or edge == 0
    return trust_region_end(verdict, x, fx, gx, xn, gn, fn)
