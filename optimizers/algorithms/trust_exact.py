r"""``trust-exact``: trust-region Newton with the subproblem solved by the Moré–Sorensen
iteration (Moré & Sorensen, SIAM J. Sci. Stat. Comput. 4(3):553–572, 1983; Conn, Gould &
Toint, *Trust-Region Methods*, 2000, Alg. 7.3.6; Nocedal & Wright, *Numerical Optimization*,
2nd ed., §4.3, Alg. 4.3; SciPy's ``trust-exact``).

p* minimises m(p) = gᵀp + ½ pᵀBp over ‖p‖ ≤ Δ iff for some λ ≥ 0 (N&W Thm. 4.1)

    (B + λI) p* = −g,   λ(Δ − ‖p*‖) = 0,   B + λI positive semidefinite.

The iteration keeps an interval [λ_L, λ_U] around λ* (from Gershgorin's bounds on the
spectrum of B, CGT §7.3.8) and at each λ factorises B + λI = LLᵀ:

positive definite, ‖p(λ)‖ > Δ (p(λ) = −(B + λI)⁻¹g)
    stop if ‖p‖ − Δ ≤ κ_easy·Δ; else λ_L ← λ and Newton's step on φ(λ) = 1/Δ − 1/‖p(λ)‖:
    λ ← λ + (‖p‖/‖L⁻¹p‖)² (‖p‖ − Δ)/Δ   (N&W eq. 4.44).
positive definite, ‖p(λ)‖ < Δ (λ too large, or the hard case)
    z, ‖Lᵀz‖ ≈ σ_min(Lᵀ): the LINPACK estimate of the smallest singular value of Lᵀ and its
    vector (Cline, Moler, Stewart & Wilkinson 1979), τ the root of ‖p + τz‖ = Δ of smaller
    |τ|; stop with p + τz if τ²‖Lᵀz‖² ≤ κ_hard (pᵀ(B + λI)p + λΔ²) (Moré–Sorensen's hard-case
    test: m(p + τz) is then within a factor (1 − κ_hard) of the optimal model value); else
    λ_U ← λ, λ_L ← max(λ_L, λ − ‖Lᵀz‖²) and the Newton step if it keeps B + λI positive
    definite.
not positive definite (breakdown at column j)
    λ_L ← max(λ_L, λ + δ/‖v‖²), δ and v making the leading (j+1)-block singular.

Otherwise λ ← max(√(λ_Lλ_U), λ_L + θ(λ_U − λ_L)), θ = 0.01.  λ = 0 is tried first when
λ_L = 0: the Newton step if B ≻ 0 and ‖B⁻¹g‖ ≤ Δ.  The tolerances are SciPy's
κ_easy = 0.1, κ_hard = 0.2 (CGT's κ_easy, κ_hard): the algorithm asks for a step whose model
value is within a fixed factor of the optimum, not for λ* to rounding.  That inexactness is
what lets it leave a symmetry of the start: from MGH 18's x₀ = (1, 2, 1, 1, 1, 1), invariant
under (x₁, x₃) ↔ (x₅, x₆), the hard-case test ends the first subproblem with p + τz, z the
estimated (not exact) singular vector, and the run reaches f = 0 in 32 steps (measured).
Solved to rounding (the eigendecomposition this replaced) the first steps keep the
symmetry (it is lost only after the second step, by then x₂ = 0.86 and falling) and the run
follows the valley to infinity of ``mgh.BIGGS_VALLEY`` (f → 0.2426768) as Newton does; so
does the same iteration with κ_hard = 0.1 (measured with SciPy's implementation in this
trust-region loop).  The escape is a property of the algorithm's tolerance, not a
guarantee: theory promises a stationary point or a limit at infinity, not which.

The radius update and acceptance (N&W Alg. 4.1) are ``trust-ncg``'s
(:mod:`optimizers.algorithms.trust_ncg`, the trust-region iteration).

Hyperparameters: ``trust-ncg``'s (SciPy's names and defaults: ``initial_trust_radius`` 1,
``max_trust_radius`` 1000, ``eta`` 0.15).  State: the Hessian H and its Cholesky factor L,
the step p and four work vectors; the radius Δ.
"""


from __future__ import annotations

import math

from optimizers.algorithms.trust_ncg import ETA, HYPERS, INITIAL_RADIUS, MAX_RADIUS
from optimizers.spec import NEWTON_TYPE_MAXITER, average, method, state

#: Moré–Sorensen's tolerances, SciPy's defaults: ‖p‖ − Δ ≤ K_EASY·Δ (easy case) and the
#: hard-case test with K_HARD (module docstring)
K_EASY = 0.1
K_HARD = 0.2
#: θ of the safeguard λ ← max(√(λ_Lλ_U), λ_L + θ(λ_U − λ_L)) (CGT eq. 7.3.14)
THETA = 0.01
#: factorisations per subproblem
MAX_SECULAR = 100
EPS = 2.220446049250313e-16

STATE = state(vectors=("p", "t", "q", "z", "e"), matrices=("H", "L"), floats=("radius",))
#: helpers of this module compiled for the step
KERNELS = ("smallest_singular", "leading_singular", "safeguard", "more_sorensen")

SPEC = method(
    "trust-exact", "trust-region", "per-start",
    "(∇²f + λI) p = −∇f, ‖p‖ ≈ Δ or λ = 0 (Moré–Sorensen);  x ← x + p if ρ > η",
    [*HYPERS, *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=True, state=STATE,
    label="trust-exact", title="trust-region Newton with the exact subproblem (Moré–Sorensen)",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global MAX_REJECTIONS, REJECTED, boundary_tau, cholesky_index, cholesky_solve, unpack
    global norm2, trust_region_end, trust_region_trial
    from landscape.linalg import cholesky_index, cholesky_solve
    from optimizers.algorithms.trust_ncg import (
        MAX_REJECTIONS,
        REJECTED,
        boundary_tau,
        norm2,
        trust_region_end,
        trust_region_trial,
    )
    from optimizers.workspace import unpack


def smallest_singular(L, w, e, z):
    """LINPACK estimate of σ_min(Lᵀ) (Cline, Moler, Stewart & Wilkinson 1979; Golub & Van
    Loan Alg. 3.5.1): e_k = ±1 chosen so that w = L⁻¹e grows, then Lᵀv = w; returns
    ‖w‖/‖v‖ and z = v/‖v‖ (``e`` is scratch)."""
    n = L.shape[0]
    for k in range(n):
        e[k] = 0.0
    for k in range(n):
        wp = (1.0 - e[k]) / L[k, k]
        wm = (-1.0 - e[k]) / L[k, k]
        sp = abs(wp)
        sm = abs(wm)
        for i in range(k + 1, n):
            sp += abs(e[i] + L[i, k] * wp)
            sm += abs(e[i] + L[i, k] * wm)
        wk = wp if sp >= sm else wm
        w[k] = wk
        for i in range(k + 1, n):
            e[i] += L[i, k] * wk
    for i in range(n - 1, -1, -1):
        s = w[i]
        for k in range(i + 1, n):
            s -= L[k, i] * z[k]
        z[i] = s / L[i, i]
    vn = norm2(z)
    for i in range(n):
        z[i] /= vn
    return norm2(w) / vn


def leading_singular(B, lam, L, j, v):
    """After the factorisation of B + λI broke down at column j: δ = Σₖ<ⱼ L_jk² − (B_jj + λ)
    ≥ 0 and v (v_j = 1, v_k = 0 for k > j) with vᵀ(B + λI + δe_je_jᵀ)v = 0; returns
    δ/‖v‖², by which λ can be raised at least (Moré & Sorensen 1983, §3)."""
    n = B.shape[0]
    delta = -(B[j, j] + lam)
    for k in range(j):
        delta += L[j, k] * L[j, k]
    for i in range(n):
        v[i] = 0.0
    v[j] = 1.0
    for i in range(j - 1, -1, -1):
        s = -L[j, i]
        for k in range(i + 1, j):
            s -= L[k, i] * v[k]
        v[i] = s / L[i, i]
    vn = norm2(v)
    return delta / (vn * vn)


def safeguard(lo, hi):
    """λ ← max(√(λ_Lλ_U), λ_L + θ(λ_U − λ_L))."""
    return max(math.sqrt(abs(lo * hi)), lo + THETA * (hi - lo))


def more_sorensen(B, g, delta, k_easy, k_hard, p, L, t, q, z, e):
    """Moré–Sorensen step for min gᵀp + ½pᵀBp, ‖p‖ ≤ Δ, with tolerances κ_easy, κ_hard (see
    the module docstring) into ``p``.  ``L`` is an n × n workspace (the Cholesky factor),
    ``t``, ``q``, ``z``, ``e`` vectors.  Returns 1 when p was taken to the boundary, 0 for the
    interior Newton step."""
    n = g.shape[0]
    gnorm = norm2(g)
    glo = math.inf
    ghi = -math.inf
    hinf = 0.0
    hfro = 0.0
    dmin = math.inf
    for i in range(n):
        row = 0.0
        for k in range(n):
            row += abs(B[i, k])
            hfro += B[i, k] * B[i, k]
        d = B[i, i]
        glo = min(glo, d + abs(d) - row)
        ghi = max(ghi, d - abs(d) + row)
        hinf = max(hinf, row)
        dmin = min(dmin, d)
        t[i] = -g[i]
        p[i] = 0.0
    hfro = math.sqrt(hfro)
    tiny_g = n * EPS * hinf
    hi = max(0.0, gnorm / delta + min(-glo, hfro, hinf))
    lo = max(0.0, -dmin, gnorm / delta - min(ghi, hfro, hinf))
    lam = 0.0 if lo == 0.0 else safeguard(lo, hi)
    factored = False
    for _ in range(MAX_SECULAR):
        j = n if factored else cholesky_index(B, lam, L)
        factored = False
        if j < n:
            lo = max(lo, lam + leading_singular(B, lam, L, j, z))
            lam = safeguard(lo, hi)
            continue
        interior = gnorm > tiny_g
        lam_new = lam
        if interior:
            cholesky_solve(L, t, p)
            pn = norm2(p)
            if pn <= delta and lam == 0.0:
                return 0
            cholesky_solve(L, p, q)  # ‖L⁻¹p‖² = pᵀ(B + λI)⁻¹p
            qn2 = 0.0
            for i in range(n):
                qn2 += p[i] * q[i]
            lam_new = lam + pn * pn / qn2 * (pn - delta) / delta
            if not (pn < delta):  # (a NaN norm goes this way too)
                if (pn - delta) <= k_easy * delta:
                    return 1
                lo = lam
                lam = lam_new
                continue
        elif lam == 0.0:
            return 0
        # one call site of the inlined estimate (each call would be a copy to compile)
        smin = smallest_singular(L, q, e, z)
        if interior:
            tau = boundary_tau(p, z, delta)
            for i in range(n):
                e[i] = -z[i]
            back = boundary_tau(p, e, delta)
            if back < tau:
                tau = -back
            quad = 0.0
            for i in range(n):
                s = lam * p[i]
                for k in range(n):
                    s += B[i, k] * p[k]
                quad += p[i] * s
            if tau * tau * smin * smin <= k_hard * (quad + lam * delta * delta):
                for i in range(n):
                    p[i] += tau * z[i]
                return 1
            hi = lam
            lo = max(lo, lam - smin * smin)
            if cholesky_index(B, lam_new, L) == n:
                lam = lam_new
                factored = True
            else:
                lo = max(lo, lam_new)
                lam = safeguard(lo, hi)
        else:
            # g ≈ 0: the step is along the estimated direction of least curvature
            for i in range(n):
                p[i] = delta * z[i]
            if smin * smin <= k_hard * lam:
                return 1
            hi = lam
            lo = max(lo, lam - smin * smin)
            lam = safeguard(lo, hi)
    return 1


def step(fg, h, D, hp, k, fx, F, I):
    """H = ∇²f(x); Moré–Sorensen steps with the radius updated until one is accepted (or
    ``D_NO_CHANGE``, see :func:`~optimizers.algorithms.trust_ncg.trust_region_end`)."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    H = W.m[STATE.m.H]
    p = W.v[STATE.v.p]
    if k == 0:
        W.f[STATE.f.radius] = hp[INITIAL_RADIUS]
    h(x, D, H)
    cnt[2] += 1
    verdict = REJECTED
    fn = fx
    for _ in range(MAX_REJECTIONS):
        more_sorensen(H, gx, W.f[STATE.f.radius], K_EASY, K_HARD, p, W.m[STATE.m.L],
                      W.v[STATE.v.t], W.v[STATE.v.q], W.v[STATE.v.z], W.v[STATE.v.e])
        verdict, fn, delta = trust_region_trial(fg, D, x, fx, gx, xn, gn, p, H,
                                                W.f[STATE.f.radius], hp[MAX_RADIUS], hp[ETA],
                                                cnt)
        W.f[STATE.f.radius] = delta
        if verdict != REJECTED:
            break
    return trust_region_end(verdict, x, fx, gx, xn, gn, fn)
