r"""Line searches along a descent direction d from x: φ(α) = f(x + αd), φ'(α) = ∇f(x + αd)ᵀd.

``line_search`` ∈ ``none | armijo | wolfe`` for gd, newton, cg, bfgs and lbfgs.

Armijo backtracking (Nocedal & Wright Alg. 3.1)
    α ← α₀;  while φ(α) > φ(0) + c₁ α φ'(0):  α ← ρ α      (ρ = ``shrink``, default ½)
Strong Wolfe (Nocedal & Wright Alg. 3.5 with zoom Alg. 3.6, as in SciPy's
``scalar_search_wolfe2``): find α with
    φ(α) ≤ φ(0) + c₁ α φ'(0)      (sufficient decrease)
    |φ'(α)| ≤ c₂ |φ'(0)|          (curvature)
    by doubling α until the interval [α_{i−1}, α_i] brackets such a point, then zooming with
    safeguarded cubic interpolation (quadratic, then bisection, when the cubic minimiser falls
    within 20 % (10 %) of an end of the interval).  c₁ = 1e-4; c₂ = 0.9 for Newton and
    quasi-Newton, 0.1 for nonlinear CG.

A non-finite φ(α) (overflow, or x + αd outside the objective's domain) counts as +∞, so the
search backs off.  A search that fails reports the best point it saw (``alpha_best``,
``f_best``) and the caller ends that start with status ``line_search_failed`` there.

Every trial point is evaluated by the objective's ``fg`` kernel, value and gradient in one
pass: φ'(α) is then at hand whenever the search needs it (it is always wanted at the point
just evaluated), the accepted point comes with its gradient, and a run of these methods
compiles no separate f or ∇f kernel.  ``cnt[0]`` / ``cnt[1]`` count function / gradient
evaluations, so both grow by one per trial point.

Compilation: :func:`line_step` with :func:`wolfe`, :func:`armijo` and :func:`first_alpha` is
inlined into the step that calls it (``landscape.jit.INLINE``).  A compiled call passes every
array argument as its whole descriptor (7 machine words for a vector; ``line_step`` takes six
arrays and hands them on to the search), which cost 2-D BFGS about a fifth of its time per
iteration.  The zoom phase (:func:`_zoom`), the largest part and entered from one place, stays a
call: inlined too, it added about 4 s to the first compilation of each method that searches,
for a few per cent less time per iteration (3–7 s, measured with the machine loaded).
"""

from __future__ import annotations

import math

from numba import njit

from landscape.jit import CACHED, INLINE

from . import _layout as L

#: iteration caps of the bracketing phase, the zoom phase and the backtracking loop
MAX_BRACKET = 30
MAX_ZOOM = 30
MAX_BACKTRACK = 60
#: largest step the Wolfe search tries
ALPHA_MAX = 1e100


@njit(**INLINE)  # trial-point evaluations: no call per trial
def _phi(fg, x, d, D, alpha, xt, gt, cnt):
    """xt ← x + αd; gt ← ∇f(xt); returns f(xt), with +∞ for a non-finite value."""
    for i in range(x.shape[0]):
        xt[i] = x[i] + alpha * d[i]
    cnt[0] += 1
    cnt[1] += 1
    v = fg(xt, D, gt)
    if not math.isfinite(v):
        return math.inf
    return v


@njit(**INLINE)
def _slope(gt, d):
    """φ'(α) = gtᵀd at the point :func:`_phi` evaluated last (NaN when not finite)."""
    s = 0.0
    for i in range(d.shape[0]):
        s += gt[i] * d[i]
    return s


@njit(**CACHED)
def cubicmin(a, fa, fpa, b, fb, c, fc):
    """Minimiser of the cubic through (a, fa) with slope fpa, (b, fb) and (c, fc); NaN if none."""
    C = fpa
    db = b - a
    dc = c - a
    denom = (db * dc) ** 2 * (db - dc)
    if denom == 0.0:
        return math.nan
    e1 = fb - fa - C * db
    e2 = fc - fa - C * dc
    A = (dc * dc * e1 - db * db * e2) / denom
    B = (-dc * dc * dc * e1 + db * db * db * e2) / denom
    radical = B * B - 3.0 * A * C
    if radical < 0.0 or A == 0.0:
        return math.nan
    xmin = a + (-B + math.sqrt(radical)) / (3.0 * A)
    return xmin if math.isfinite(xmin) else math.nan


@njit(**CACHED)
def quadmin(a, fa, fpa, b, fb):
    """Minimiser of the quadratic through (a, fa) with slope fpa and (b, fb); NaN if none."""
    db = b - a
    if db == 0.0:
        return math.nan
    B = (fb - fa - fpa * db) / (db * db)
    if B <= 0.0:
        return math.nan
    xmin = a - fpa / (2.0 * B)
    return xmin if math.isfinite(xmin) else math.nan


@njit(**INLINE)
def armijo(fg, x, fx, d, dphi0, D, alpha0, c1, shrink, xt, gt, cnt):
    """Backtracking until φ(α) ≤ φ(0) + c₁αφ'(0).

    Returns ``(ok, alpha, f_alpha, alpha_best, f_best)``; on success xt, gt hold the accepted
    point and its gradient.
    """
    alpha = alpha0
    a_best = 0.0
    f_best = fx
    for _ in range(MAX_BACKTRACK):
        ft = _phi(fg, x, d, D, alpha, xt, gt, cnt)
        if ft <= fx + c1 * alpha * dphi0:
            return True, alpha, ft, alpha, ft
        if ft < f_best:
            a_best = alpha
            f_best = ft
        alpha *= shrink
        if alpha == 0.0:
            break
    return False, 0.0, fx, a_best, f_best


@njit(**CACHED)
def _zoom(fg, x, d, D, a_lo, a_hi, phi_lo, phi_hi, dphi_lo, phi0, dphi0, c1, c2, xt, gt, cnt):
    """Nocedal & Wright Alg. 3.6 with safeguarded cubic / quadratic interpolation.

    Returns ``(ok, alpha, phi, alpha_best, phi_best)``.
    """
    delta1 = 0.2
    delta2 = 0.1
    phi_rec = phi0
    a_rec = 0.0
    a_best = a_lo
    f_best = phi_lo
    for i in range(MAX_ZOOM):
        dalpha = a_hi - a_lo
        if dalpha < 0.0:
            a = a_hi
            b = a_lo
        else:
            a = a_lo
            b = a_hi
        a_j = math.nan
        if i > 0:
            cchk = delta1 * dalpha
            a_j = cubicmin(a_lo, phi_lo, dphi_lo, a_hi, phi_hi, a_rec, phi_rec)
            if not (a_j <= b - cchk and a_j >= a + cchk):
                a_j = math.nan
        if math.isnan(a_j):
            qchk = delta2 * dalpha
            a_j = quadmin(a_lo, phi_lo, dphi_lo, a_hi, phi_hi)
            if not (a_j <= b - qchk and a_j >= a + qchk):
                a_j = a_lo + 0.5 * dalpha
        phi_j = _phi(fg, x, d, D, a_j, xt, gt, cnt)
        if phi_j < f_best:
            a_best = a_j
            f_best = phi_j
        if phi_j > phi0 + c1 * a_j * dphi0 or phi_j >= phi_lo:
            phi_rec = phi_hi
            a_rec = a_hi
            a_hi = a_j
            phi_hi = phi_j
        else:
            dphi_j = _slope(gt, d)
            if not math.isfinite(dphi_j):
                phi_rec = phi_hi
                a_rec = a_hi
                a_hi = a_j
                phi_hi = math.inf
                continue
            if abs(dphi_j) <= -c2 * dphi0:
                return True, a_j, phi_j, a_j, phi_j
            if dphi_j * (a_hi - a_lo) >= 0.0:
                phi_rec = phi_hi
                a_rec = a_hi
                a_hi = a_lo
                phi_hi = phi_lo
            else:
                phi_rec = phi_lo
                a_rec = a_lo
            a_lo = a_j
            phi_lo = phi_j
            dphi_lo = dphi_j
        if a_hi == a_lo:
            break
    return False, 0.0, phi0, a_best, f_best


@njit(**INLINE)
def wolfe(fg, x, fx, d, dphi0, D, alpha0, c1, c2, xt, gt, cnt):
    """Strong Wolfe search (Nocedal & Wright Alg. 3.5), ``dphi0 = ∇f(x)ᵀd < 0``.

    Returns ``(ok, alpha, f_alpha, alpha_best, f_best)``; on success xt, gt hold the accepted
    point and its gradient.  The bracketing loop ends in one of three brackets, all zoomed by
    the one call of :func:`_zoom` at the end (one copy of it where this search is inlined).
    """
    alpha0_ = 0.0
    alpha1 = min(alpha0, ALPHA_MAX)
    phi_a0 = fx
    dphi_a0 = dphi0
    phi_a1 = _phi(fg, x, d, D, alpha1, xt, gt, cnt)
    a_best = 0.0
    f_best = fx
    # the bracket handed to _zoom: (a_lo, a_hi, φ(a_lo), φ(a_hi), φ'(a_lo))
    zoom = False
    z_lo = z_hi = z_phi_lo = z_phi_hi = z_dphi_lo = 0.0
    for i in range(MAX_BRACKET):
        if phi_a1 < f_best:
            a_best = alpha1
            f_best = phi_a1
        if phi_a1 > fx + c1 * alpha1 * dphi0 or (i > 0 and phi_a1 >= phi_a0):
            zoom = True
            z_lo, z_hi, z_phi_lo, z_phi_hi, z_dphi_lo = alpha0_, alpha1, phi_a0, phi_a1, dphi_a0
            break
        dphi_a1 = _slope(gt, d)
        if not math.isfinite(dphi_a1):
            zoom = True
            z_lo, z_hi, z_phi_lo, z_phi_hi, z_dphi_lo = alpha0_, alpha1, phi_a0, math.inf, dphi_a0
            break
        if abs(dphi_a1) <= -c2 * dphi0:
            return True, alpha1, phi_a1, alpha1, phi_a1
        if dphi_a1 >= 0.0:
            zoom = True
            z_lo, z_hi, z_phi_lo, z_phi_hi, z_dphi_lo = alpha1, alpha0_, phi_a1, phi_a0, dphi_a1
            break
        alpha2 = min(2.0 * alpha1, ALPHA_MAX)
        if alpha2 == alpha1:
            break
        alpha0_ = alpha1
        alpha1 = alpha2
        phi_a0 = phi_a1
        dphi_a0 = dphi_a1
        phi_a1 = _phi(fg, x, d, D, alpha1, xt, gt, cnt)
    if not zoom:
        return False, 0.0, fx, a_best, f_best
    ok, a, fa, ab, fb = _zoom(fg, x, d, D, z_lo, z_hi, z_phi_lo, z_phi_hi, z_dphi_lo, fx, dphi0,
                              c1, c2, xt, gt, cnt)
    if fb < f_best:
        a_best = ab
        f_best = fb
    return ok, a, fa, a_best, f_best


@njit(**INLINE)
def line_step(kind, fg, D, x, fx, gx, d, alpha0, c1, c2, shrink, xn, gn, cnt):
    """xn = x + αd, gn = ∇f(xn): α = α₀ (``kind`` none) or from Armijo / strong Wolfe.

    Returns ``(rc, f(xn))`` with rc = 0 on success, ``D_LS_NOT_DESCENT`` when ∇f(x)ᵀd ≥ 0
    (searches only; xn = x), or ``D_LS_FAILED``, in which case xn holds the best point the
    search saw (x itself when none was lower).
    """
    n = x.shape[0]
    if kind == L.LS_NONE:
        for i in range(n):
            xn[i] = x[i] + alpha0 * d[i]
        cnt[0] += 1
        cnt[1] += 1
        return 0, fg(xn, D, gn)
    dphi0 = 0.0
    for i in range(n):
        dphi0 += gx[i] * d[i]
    if not (dphi0 < 0.0):
        for i in range(n):
            xn[i] = x[i]
            gn[i] = gx[i]
        return L.D_LS_NOT_DESCENT, fx
    if kind == L.LS_ARMIJO:
        ok, a, fa, ab, fb = armijo(fg, x, fx, d, dphi0, D, alpha0, c1, shrink, xn, gn, cnt)
    else:
        ok, a, fa, ab, fb = wolfe(fg, x, fx, d, dphi0, D, alpha0, c1, c2, xn, gn, cnt)
    if ok:
        return 0, fa
    if fb < fx:
        for i in range(n):
            xn[i] = x[i] + ab * d[i]
        cnt[0] += 1
        cnt[1] += 1
        return L.D_LS_FAILED, fg(xn, D, gn)
    for i in range(n):
        xn[i] = x[i]
        gn[i] = gx[i]
    return L.D_LS_FAILED, fx


@njit(**INLINE)
def first_alpha(hp, gx, unscaled):
    """First trial step: ``lr`` without a line search, min(1, 1.01/‖∇f‖₂) while the
    quasi-Newton matrix is the unscaled identity, else 1 (BFGS, L-BFGS)."""
    if int(hp[L.LINE_SEARCH]) == L.LS_NONE:
        return hp[L.LR]
    if unscaled:
        gg = 0.0
        for i in range(gx.shape[0]):
            gg += gx[i] * gx[i]
        return min(1.0, 1.01 / math.sqrt(gg))
    return 1.0
