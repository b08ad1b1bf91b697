r"""``trust-exact``: trust-region Newton with the subproblem solved nearly exactly (Moré &
Sorensen 1983; Nocedal & Wright, *Numerical Optimization*, 2nd ed., §4.3, Alg. 4.3;
SciPy's ``trust-exact``).

p* minimises m(p) = gᵀp + ½ pᵀBp over ‖p‖ ≤ Δ iff for some λ ≥ 0 (N&W Thm. 4.1)

    (B + λI) p* = −g,   λ(Δ − ‖p*‖) = 0,   B + λI positive semidefinite.

With B = QΛQᵀ (λ₁ ≤ … ≤ λₙ) and p(λ) = −(B + λI)⁻¹g:

interior
    λ₁ > 0 and ‖B⁻¹g‖ ≤ Δ: p = −B⁻¹g, the Newton step.
easy case
    λ > max(0, −λ₁) solves φ(λ) = 1/Δ − 1/‖p(λ)‖ = 0, found by Newton's method on φ (Alg. 4.3):
    B + λI = LLᵀ,  LLᵀp = −g,  Lq = p,  λ ← λ + (‖p‖/‖q‖)² (‖p‖ − Δ)/Δ
    (‖q‖² = pᵀ(B + λI)⁻¹p, from a second Cholesky solve),
    safeguarded to stay above max(0, −λ₁) (halfway to the bound when a step crosses it).
hard case
    g ⟂ the eigenspace of λ₁ ≤ 0 and ‖p(−λ₁)‖ ≤ Δ, p(−λ₁) = −Σ_{λⱼ > λ₁} (qⱼᵀg)/(λⱼ − λ₁) qⱼ:
    p = p(−λ₁) + τq₁ with ‖p‖ = Δ (N&W eq. 4.45).

λ₁ and q₁ come from the cyclic Jacobi eigendecomposition of :mod:`landscape.linalg`, the
factorisations from its Cholesky.  The radius update and acceptance (N&W Alg. 4.1) are
:mod:`optimizers.trust_region`'s.

Hyperparameters: ``trust-ncg``'s (SciPy's names and defaults: ``initial_trust_radius`` 1,
``max_trust_radius`` 1000, ``eta`` 0.15).  State: the Hessian H, the Cholesky factor (or
Jacobi scratch) and the eigenvectors of H, the step p, eigenvalues w, two work vectors; the
radius Δ.
"""


from __future__ import annotations

import math

from optimizers.algorithms.trust_ncg import ETA, HYPERS, INITIAL_RADIUS, MAX_RADIUS
from optimizers.spec import NEWTON_TYPE_MAXITER, average, method, state

#: |‖p‖ − Δ| ≤ SECULAR_RTOL·Δ ends the Newton iteration on φ(λ)
SECULAR_RTOL = 1e-10
MAX_SECULAR = 100
#: eigenvalues within this relative distance of λ₁ share its eigenspace (hard-case test)
EIG_RTOL = 1e-10
#: g counts as orthogonal to the eigenspace of λ₁ when its component there is below this·‖g‖
HARD_GTOL = 1e-10

STATE = state(vectors=("p", "w", "q", "t"), matrices=("H", "W1", "Q"), floats=("radius",))
#: helpers of this module compiled for the step
KERNELS = ("more_sorensen",)

SPEC = method(
    "trust-exact", "trust-region", "per-start",
    "(∇²f + λI) p = −∇f, ‖p‖ = Δ or λ = 0 (Moré–Sorensen);  x ← x + p if ρ > η",
    [*HYPERS, *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=True, state=STATE,
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global MAX_REJECTIONS, REJECTED, boundary_tau, cholesky, cholesky_solve, jacobi_eigh
    global norm2, trust_region_end, trust_region_trial
    from landscape.linalg import cholesky, cholesky_solve, jacobi_eigh
    from optimizers.trust_region import (
        MAX_REJECTIONS,
        REJECTED,
        boundary_tau,
        norm2,
        trust_region_end,
        trust_region_trial,
    )


def more_sorensen(B, g, delta, p, W1, Q, w, q, t):
    """Nearly exact solution of min gᵀp + ½pᵀBp, ‖p‖ ≤ Δ (see the module docstring) into
    ``p``.  ``W1`` (Cholesky factor / Jacobi scratch) and ``Q`` (eigenvectors) are n × n
    workspaces, ``w``, ``q``, ``t`` vectors.  Returns 1 when ‖p‖ = Δ, 0 for the interior
    Newton step."""
    n = g.shape[0]
    for i in range(n):
        t[i] = -g[i]
    jacobi_eigh(B, W1, Q, w)
    k1 = 0
    for i in range(1, n):
        if w[i] < w[k1]:
            k1 = i
    l1 = w[k1]
    scale = 0.0
    for i in range(n):
        scale = max(scale, abs(w[i]))
    gnorm = norm2(g)
    if l1 > 0.0 and cholesky(B, 0.0, W1):
        cholesky_solve(W1, t, p)
        if norm2(p) <= delta:
            return 0
    lo = max(0.0, -l1)
    # hard-case test: the component of g in λ₁'s eigenspace, and p(−λ₁) without it
    near = EIG_RTOL * max(scale, 1e-300)
    g1 = 0.0
    for i in range(n):
        p[i] = 0.0
    for k in range(n):
        c = 0.0
        for i in range(n):
            c += Q[i, k] * g[i]
        gap = w[k] - l1
        if gap <= near:
            g1 += c * c
        else:
            for i in range(n):
                p[i] -= c / gap * Q[i, k]
    if l1 <= 0.0 and math.sqrt(g1) <= HARD_GTOL * gnorm and norm2(p) <= delta:
        for i in range(n):
            q[i] = Q[i, k1]
        tau = boundary_tau(p, q, delta)
        for i in range(n):
            p[i] += tau * q[i]
        return 1
    # easy case: Newton's method on φ(λ) = 1/Δ − 1/‖p(λ)‖ from the left of λ*, where it is
    # monotone; λ starts just above the bound where B + λI is positive definite
    lam = lo + max(math.sqrt(2.220446049250313e-16) * max(scale, 1.0), gnorm / delta * 1e-8)
    for _ in range(MAX_SECULAR):
        if not cholesky(B, lam, W1):
            lo = lam
            lam = 2.0 * lam if lam > 0.0 else 1e-12
            continue
        cholesky_solve(W1, t, p)
        pn = norm2(p)
        if abs(pn - delta) <= SECULAR_RTOL * delta:
            break
        cholesky_solve(W1, p, q)  # ‖L⁻¹p‖² = pᵀ(B + λI)⁻¹p
        qn2 = 0.0
        for i in range(n):
            qn2 += p[i] * q[i]
        step = pn * pn / qn2 * (pn - delta) / delta
        nxt = lam + step
        if nxt <= lo:
            nxt = 0.5 * (lam + lo)
        if nxt == lam:
            break
        lam = nxt
    pn = norm2(p)
    if pn > delta:  # a last inexact iterate: scale back into the region
        for i in range(n):
            p[i] *= delta / pn
    return 1


def step(fg, h, D, hp, k, x, fx, gx, xn, gn, W, cnt):
    """H = ∇²f(x); Moré–Sorensen steps with the radius updated until one is accepted (or
    ``D_NO_CHANGE``, see :mod:`optimizers.trust_region`)."""
    H = W.m[STATE.m.H]
    p = W.v[STATE.v.p]
    if k == 0:
        W.f[STATE.f.radius] = hp[INITIAL_RADIUS]
    h(x, D, H)
    cnt[2] += 1
    verdict = REJECTED
    fn = fx
    for _ in range(MAX_REJECTIONS):
        more_sorensen(H, gx, W.f[STATE.f.radius], p, W.m[STATE.m.W1], W.m[STATE.m.Q],
                      W.v[STATE.v.w], W.v[STATE.v.q], W.v[STATE.v.t])
        verdict, fn, delta = trust_region_trial(fg, D, x, fx, gx, xn, gn, p, H,
                                                W.f[STATE.f.radius], hp[MAX_RADIUS], hp[ETA],
                                                cnt)
        W.f[STATE.f.radius] = delta
        if verdict != REJECTED:
            break
    return trust_region_end(verdict, x, fx, gx, xn, gn, fn)
