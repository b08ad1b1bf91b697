r"""The trust-region iteration shared by ``trust-ncg`` and ``trust-exact`` (Nocedal & Wright,
*Numerical Optimization*, 2nd ed., §4.1, Alg. 4.1), and the model decrease ``lm`` uses too.

At x with g = ∇f(x) and B = ∇²f(x) the model is m(p) = f + gᵀp + ½ pᵀBp; a subproblem solver
returns p with ‖p‖ ≤ Δ (Steihaug–Toint CG in :mod:`optimizers.algorithms.trust_ncg`, Moré–Sorensen
in :mod:`optimizers.algorithms.trust_exact`).  Then

    ρ = (f(x) − f(x + p)) / (m(0) − m(p))              actual over predicted reduction
    Δ ← Δ/4                   if ρ < ¼
    Δ ← min(2Δ, Δ_max)        if ρ > ¾ and ‖p‖ = Δ
    x ← x + p                 if ρ > η, else x stays and p is recomputed with the new Δ

with SciPy's defaults Δ₀ = ``initial_trust_radius`` = 1, Δ_max = ``max_trust_radius`` = 1000,
η = ``eta`` = 0.15 (declared in :mod:`optimizers.algorithms.trust_ncg`).  One iteration of ours
is one *accepted* step: the rejected trial steps before it (the Hessian is not re-evaluated
for them) are counted in nfev, not in nit, whereas SciPy's ``nit`` counts every trial.  A
method's step is

    B ← ∇²f(x);  Δ ← Δ₀ at the first iteration
    for _ in range(MAX_REJECTIONS):
        <its subproblem solver>(B, g, Δ, p, ...)
        verdict, fn, Δ = trust_region_trial(...)
        if verdict != REJECTED: break
    return trust_region_end(verdict, ...)

(the solver is called by name, not passed as a function: a compiled function passed as an
argument keeps the engine out of Numba's disk cache).
"""

from __future__ import annotations

import math

from numba import njit

from landscape.jit import CACHED, KERNEL

from . import _layout as L

#: rejected trial steps allowed in one iteration before the start is declared stalled
MAX_REJECTIONS = 60
#: verdicts of :func:`trust_region_trial`
ACCEPTED = 0
REJECTED = 1
NO_DECREASE = 2


@njit(**CACHED)
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


@njit(**CACHED)
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


@njit(**CACHED)
def radius_update(rho, delta, pnorm, max_delta):
    """Nocedal & Wright Alg. 4.1: Δ/4 if ρ < ¼; min(2Δ, Δ_max) if ρ > ¾ and the step reached
    the boundary (‖p‖ ≥ (1 − 10⁻⁸)Δ); else Δ unchanged.  A NaN ρ shrinks."""
    if not (rho >= 0.25):
        return 0.25 * delta
    if rho > 0.75 and pnorm >= (1.0 - 1e-8) * delta:
        return min(2.0 * delta, max_delta)
    return delta


@njit(**CACHED)
def norm2(v):
    """‖v‖₂."""
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
    return math.sqrt(s)


@njit(**KERNEL)
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


@njit(**KERNEL)
def trust_region_end(verdict, x, fx, gx, xn, gn, fn):
    """``(rc, f_new)`` for the engine after the last trial: rc = 0 for an accepted step, else
    ``D_NO_CHANGE`` with (xn, gn) reset to (x, ∇f(x))."""
    if verdict == ACCEPTED:
        return 0, fn
    for i in range(x.shape[0]):
        xn[i] = x[i]
        gn[i] = gx[i]
    return L.D_NO_CHANGE, fx
