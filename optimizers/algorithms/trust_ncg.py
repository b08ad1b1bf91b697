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
Cauchy point; on negative curvature along −g it goes to the boundary along −g.

**The trust-region iteration** (N&W §4.1, Alg. 4.1), also ``trust-exact``'s, whose step
imports it from here.  At x with g = ∇f(x) and B = ∇²f(x) the model is
m(p) = f + gᵀp + ½ pᵀBp; a subproblem solver returns p with ‖p‖ ≤ Δ (Steihaug–Toint CG here,
Moré–Sorensen in :mod:`optimizers.algorithms.trust_exact`).  Then

    ρ = (f(x) − f(x + p)) / (m(0) − m(p))              actual over predicted reduction
    Δ ← Δ/4                   if ρ < ¼
    Δ ← min(2Δ, Δ_max)        if ρ > ¾ and ‖p‖ = Δ
    x ← x + p                 if ρ > η, else x stays and p is recomputed with the new Δ

One iteration of ours is one *accepted* step: the rejected trial steps before it (the Hessian
is not re-evaluated for them) are counted in nfev, not in nit, whereas SciPy's ``nit`` counts
every trial.  A method's step is

    B ← ∇²f(x);  Δ ← Δ₀ at the first iteration
    for _ in range(MAX_REJECTIONS):
        <its subproblem solver>(B, g, Δ, p, ...)
        verdict, fn, Δ = trust_region_trial(...)
        if verdict != REJECTED: break
    return trust_region_end(verdict, ...)

(the solver is called by name, not passed as a function: a compiled function passed as an
argument keeps the engine out of Numba's disk cache).

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
#: helpers of this module compiled for the step (those of the trust-region iteration are
#: imported by other methods' steps too)
KERNELS = ("boundary_tau", "model_decrease", "radius_update", "norm2", "trust_region_trial",
           "trust_region_end", "along", "model", "truncated_cg", "steihaug_cg")
#: rejected trial steps allowed in one iteration before the start is declared stalled
MAX_REJECTIONS = 60
#: verdicts of :func:`trust_region_trial`
ACCEPTED = 0
REJECTED = 1
NO_DECREASE = 2

SPEC = method(
    "trust-ncg", "trust-region", "per-start",
    "min gᵀp + ½pᵀ∇²f p, ‖p‖ ≤ Δ by Steihaug–Toint CG;  x ← x + p if ρ > η",
    [*HYPERS, *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=True, state=STATE,
    label="trust-ncg", title="trust-region Newton with truncated CG (Steihaug–Toint)",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global unpack
    from optimizers.workspace import unpack


# ------------------------------------------------------------ the trust-region iteration
def boundary_tau(z, d, delta):
    """The τ ≥ 0 with ‖z + τd‖ = Δ (for ‖z‖ ≤ Δ):  τ = (−zᵀd + √((zᵀd)² + ‖d‖²(Δ² − ‖z‖²))) / ‖d‖².

    The root is written as c/(−b − √disc) when zᵀd < 0, to avoid cancellation."""
    a = 0.0
    b = 0.0
    c = 0.0
    for i in range(z.shape[0]):
        a += d[i] * d[i]
        b += z[i] * d[i]
        c += z[i] * z[i]
    c -= delta * delta
    if not (a > 0.0):
        return 0.0
    disc = math.sqrt(max(b * b - a * c, 0.0))
    if b > 0.0:
        return -c / (b + disc) if (b + disc) > 0.0 else 0.0
    return (disc - b) / a


def model_decrease(g, B, p):
    """Predicted reduction m(0) − m(p) = −(gᵀp + ½ pᵀBp)."""
    n = g.shape[0]
    lin = 0.0
    quad = 0.0
    for i in range(n):
        lin += g[i] * p[i]
        s = 0.0
        for j in range(n):
            s += B[i, j] * p[j]
        quad += p[i] * s
    return -(lin + 0.5 * quad)


def radius_update(rho, delta, pnorm, max_delta):
    """Nocedal & Wright Alg. 4.1: Δ/4 if ρ < ¼; min(2Δ, Δ_max) if ρ > ¾ and the step reached
    the boundary (‖p‖ ≥ (1 − 10⁻⁸)Δ); else Δ unchanged.  A NaN ρ shrinks."""
    if not (rho >= 0.25):
        return 0.25 * delta
    if rho > 0.75 and pnorm >= (1.0 - 1e-8) * delta:
        return min(2.0 * delta, max_delta)
    return delta


def norm2(v):
    """‖v‖₂."""
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
    return math.sqrt(s)


def trust_region_trial(fg, D, x, fx, gx, xn, gn, p, B, delta, max_delta, eta, cnt):
    """Try the subproblem's step p: evaluate f(x + p) into (xn, gn) and update Δ by
    :func:`radius_update`.  Returns ``(verdict, f_new, Δ_new)``: verdict :data:`ACCEPTED`
    (ρ > η), :data:`REJECTED` (solve again with the new Δ) or :data:`NO_DECREASE` (the model
    predicts none: x is stationary for the model, within rounding)."""
    pred = model_decrease(gx, B, p)
    if not (pred > 0.0):
        return NO_DECREASE, fx, delta
    for i in range(x.shape[0]):
        xn[i] = x[i] + p[i]
    cnt[0] += 1
    cnt[1] += 1
    fn = fg(xn, D, gn)
    rho = (fx - fn) / pred if math.isfinite(fn) else -math.inf
    delta = radius_update(rho, delta, norm2(p), max_delta)
    if rho > eta:
        return ACCEPTED, fn, delta
    return REJECTED, fn, delta


def trust_region_end(verdict, x, fx, gx, xn, gn, fn):
    """``(rc, f_new)`` for the engine after the last trial: rc = 0 for an accepted step, else
    ``D_NO_CHANGE`` with (xn, gn) reset to (x, ∇f(x))."""
    if verdict == ACCEPTED:
        return 0, fn
    for i in range(x.shape[0]):
        xn[i] = x[i]
        gn[i] = gx[i]
    return L.D_NO_CHANGE, fx


# ------------------------------------------------------------ Steihaug–Toint CG


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
    ``D_NO_CHANGE``, :func:`trust_region_end`); a rejected interior step is solved
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
    gnorm = norm2(gx)
    forcing = min(0.5, math.sqrt(gnorm)) * gnorm  # steihaug_cg's ε
    for _ in range(MAX_REJECTIONS):
        # one call site: each call of an inlined helper is a copy of its code to compile
        edge = truncated_cg(H, gx, W.f[STATE.f.radius], 0.0 if full else forcing, p,
                            W.v[STATE.v.r], W.v[STATE.v.d], W.v[STATE.v.bd])
        verdict, fn, delta = trust_region_trial(fg, D, x, fx, gx, xn, gn, p, H,
                                                W.f[STATE.f.radius], hp[MAX_RADIUS], hp[ETA],
                                                cnt)
        W.f[STATE.f.radius] = delta
        if verdict != REJECTED:
            break
        full = full or edge == 0
    return trust_region_end(verdict, x, fx, gx, xn, gn, fn)
