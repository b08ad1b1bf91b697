r"""``lm``: Levenberg–Marquardt for sums of squares f(x) = Σᵢ rᵢ(x)² (Levenberg 1944,
Marquardt 1963; the scaling of Moré 1978; the damping rule of Nielsen 1999 as in Madsen,
Nielsen & Tingleff, *Methods for Non-Linear Least Squares Problems*, 2004, Alg. 3.16;
Nocedal & Wright, *Numerical Optimization*, 2nd ed., §10.3).

With J the Jacobian of r, g = ∇f = 2Jᵀr and A = 2JᵀJ the Gauss–Newton matrix (built from the
formula by :mod:`landscape.residuals`; a weighted sum Σ cᵢrᵢ² is Σ (√cᵢ rᵢ)²):

    (A + μ·diag(d)) p = −g,      dⱼ = max over the iterations so far of Aⱼⱼ  (Moré's scaling)
    ρ = (f(x) − f(x + p)) / (m(0) − m(p)),   m(p) = f + gᵀp + ½pᵀAp
    ρ > 0:  x ← x + p,  μ ← min(μ·max(⅓, 1 − (2ρ − 1)³), f(x + p)),  ν ← 2
    ρ ≤ 0:  x stays,    μ ← μ·ν,  ν ← 2ν,  p is recomputed

from μ₀ = ``initial_damping`` (τ = 10⁻³; relative, since d ≈ diag A).  Small μ gives the
Gauss–Newton step, large μ a short scaled gradient step.  The cap μ ≤ f = ‖r̃‖² is the
choice μₖ = ‖r(xₖ)‖² of Yamashita & Fukushima (Computing Suppl. 15, 2001; Fan & Yuan,
Computing 74, 2005, allow ‖r‖^δ, δ ∈ [1, 2]), under which LM converges quadratically to a
zero-residual solution (Nielsen's rule alone lets μ fall only by ⅓ a step: superlinear, not
quadratic; with δ = 1 the damping term's constant, ‖A⁻¹ diag d‖·‖J‖, hid the quadratic rate
for the first ten iterations on Rosenbrock's function); with nonzero residuals the cap is
inactive near x* and LM, like Gauss–Newton, converges linearly.  The system is solved by Cholesky
(the normal equations: their condition number is that of J squared, unlike MINPACK's QR of
J; fine for the small, well-scaled problems this library targets).  One iteration is one
accepted step; rejected trials count in nfev.
"""

from __future__ import annotations

import math

from numba import njit

from . import _layout as L
from .newton import cholesky, cholesky_solve
from .trust_region import model_decrease

_JIT = dict(nogil=True, error_model="numpy")

#: Madsen–Nielsen–Tingleff's recommended τ for a start that may be far from the solution
INITIAL_DAMPING = 1e-3
#: rejected trials allowed in one iteration (ν doubles each time: μ grows by 2^(k(k+1)/2))
MAX_REJECTIONS = 40
#: μ stays positive, so that a rejected trial can still raise it (μ·ν)
MU_FLOOR = 1e-300
#: floor of the scaling dⱼ relative to the largest (a zero column of J keeps a positive scale)
SCALE_FLOOR = 1e-12


@njit(**_JIT)
def nielsen_update(mu, nu, rho):
    """Nielsen's damping rule: returns (μ, ν) after a trial with gain ratio ρ.

    ρ > 0: μ·max(⅓, 1 − (2ρ − 1)³), ν = 2;  otherwise μ·ν, 2ν."""
    if rho > 0.0:
        return mu * max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3), 2.0
    return mu * nu, 2.0 * nu


@njit(**_JIT)
def lm_solve(A, g, mu, scale, p, M, Lm, t):
    """p solving (A + μ·diag(scale)) p = −g by Cholesky (``M``, ``Lm``: n × n workspaces,
    ``t`` a vector); False when the matrix is not numerically positive definite."""
    n = g.shape[0]
    for i in range(n):
        t[i] = -g[i]
        for j in range(n):
            M[i, j] = A[i, j]
        M[i, i] += mu * scale[i]
    if not cholesky(M, 0.0, Lm):
        return False
    cholesky_solve(Lm, t, p)
    return True


@njit(**_JIT)
def lm_step(fg, gn_matrix, D, x, fx, gx, xn, gn, p, A, M, Lm, scale, t, hp, fs, ist, cnt):
    """One accepted Levenberg–Marquardt step from (x, f(x), ∇f(x)) into (xn, f, gn).

    ``gn_matrix(x, D, A)`` writes the Gauss–Newton matrix 2JᵀJ; μ and ν live in ``fs[0]``,
    ``fs[1]`` and Moré's scaling in ``scale`` between iterations (set on the first, when
    ``ist[0] = 0``).  Returns ``(rc, f_new)``: rc = 0, or ``D_NO_CHANGE`` when the model
    predicts no decrease or :data:`MAX_REJECTIONS` trials in a row fail.
    """
    n = x.shape[0]
    gn_matrix(x, D, A)
    cnt[2] += 1
    dmax = 0.0
    for i in range(n):
        dmax = max(dmax, A[i, i])
    if ist[0] == 0:
        for i in range(n):
            scale[i] = 0.0
        fs[0] = hp[L.INITIAL_DAMPING]
        fs[1] = 2.0
        ist[0] = 1
    floor = SCALE_FLOOR * max(dmax, 1e-300)
    for i in range(n):
        scale[i] = max(scale[i], A[i, i], floor)
    mu = fs[0]
    nu = fs[1]
    for _ in range(MAX_REJECTIONS):
        if not lm_solve(A, gx, mu, scale, p, M, Lm, t):
            mu, nu = nielsen_update(mu, nu, -1.0)
            continue
        pred = model_decrease(gx, A, p)
        if not (pred > 0.0):
            fs[0] = mu
            fs[1] = nu
            return L.D_NO_CHANGE, fx
        for i in range(n):
            xn[i] = x[i] + p[i]
        cnt[0] += 1
        cnt[1] += 1
        fn = fg(xn, D, gn)
        rho = (fx - fn) / pred if math.isfinite(fn) else -math.inf
        mu, nu = nielsen_update(mu, nu, rho)
        if rho > 0.0:
            fs[0] = max(min(mu, max(fn, 0.0)), MU_FLOOR)
            fs[1] = nu
            return 0, fn
    fs[0] = mu
    fs[1] = nu
    for i in range(n):
        xn[i] = x[i]
        gn[i] = gx[i]
    return L.D_NO_CHANGE, fx
