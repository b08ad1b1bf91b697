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
    B + λI = LLᵀ,  LLᵀp = −g,  Lq = p,  λ ← λ + (‖p‖/‖q‖)² (‖p‖ − Δ)/Δ,
    safeguarded to stay above max(0, −λ₁) (halfway to the bound when a step crosses it).
hard case
    g ⟂ the eigenspace of λ₁ ≤ 0 and ‖p(−λ₁)‖ ≤ Δ, p(−λ₁) = −Σ_{λⱼ > λ₁} (qⱼᵀg)/(λⱼ − λ₁) qⱼ:
    p = p(−λ₁) + τq₁ with ‖p‖ = Δ (N&W eq. 4.45).

λ₁ and q₁ come from the cyclic Jacobi eigendecomposition of :mod:`optimizers.newton`, the
factorisations from its Cholesky.  The radius update and acceptance are
:mod:`optimizers.trust_region`.
"""

from __future__ import annotations

import math

from numba import njit

from .newton import cholesky, cholesky_solve, jacobi_eigh
from .trust_region import (
    MAX_REJECTIONS,
    NO_DECREASE,
    REJECTED,
    boundary_tau,
    norm2,
    trust_region_begin,
    trust_region_end,
    trust_region_trial,
)

_JIT = dict(nogil=True, error_model="numpy")

#: |‖p‖ − Δ| ≤ SECULAR_RTOL·Δ ends the Newton iteration on φ(λ)
SECULAR_RTOL = 1e-10
MAX_SECULAR = 100
#: eigenvalues within this relative distance of λ₁ share its eigenspace (hard-case test)
EIG_RTOL = 1e-10
#: g counts as orthogonal to the eigenspace of λ₁ when its component there is below this·‖g‖
HARD_GTOL = 1e-10


@njit(**_JIT)
def _forward(Lm, b, out):
    """Solve L out = b (L lower triangular)."""
    n = Lm.shape[0]
    for i in range(n):
        s = b[i]
        for k in range(i):
            s -= Lm[i, k] * out[k]
        out[i] = s / Lm[i, i]


@njit(**_JIT)
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
        _forward(W1, p, q)
        qn = norm2(q)
        step = (pn / qn) ** 2 * (pn - delta) / delta
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


@njit(**_JIT)
def trust_exact_step(fg, h, D, x, fx, gx, xn, gn, p, B, W1, W2, v1, v2, v3, hp, fs, ist, cnt):
    """One accepted trust-region step with the Moré–Sorensen subproblem solver (or the
    ``D_NO_CHANGE`` code, see :mod:`optimizers.trust_region`)."""
    trust_region_begin(h, D, x, B, hp, fs, ist, cnt)
    verdict = NO_DECREASE
    fn = fx
    for _ in range(MAX_REJECTIONS):
        more_sorensen(B, gx, fs[0], p, W1, W2, v1, v2, v3)
        verdict, fn = trust_region_trial(fg, D, x, fx, gx, xn, gn, p, B, hp, fs, cnt)
        if verdict != REJECTED:
            break
    return trust_region_end(verdict, x, fx, gx, xn, gn, fn)
