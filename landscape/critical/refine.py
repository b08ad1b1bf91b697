"""Numeric refinement: a point polished to ``REFINE_DPS`` digits by mpmath Newton, and
snapped to exact values where they verify.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..codegen import lambdify_renamed
from .exact import is_zero

#: Decimal digits of the refinement.
REFINE_DPS = 30

# ============================================================================ numeric refinement


@dataclass
class _Refined:
    point: tuple[float, ...]
    gnorm: float
    converged: bool
    exact: tuple[sp.Expr, ...] | None = None


def _snap_candidates(v: float, tol: float) -> list[sp.Expr]:
    """Simple exact numbers within ``tol`` of v: 0, p/q, (p/q)·π, ±√(p/q)."""
    from fractions import Fraction

    if abs(v) <= tol:
        return [sp.S.Zero]
    out = []
    fr = Fraction(v).limit_denominator(1000)
    if abs(float(fr) - v) <= tol:
        out.append(sp.Rational(fr.numerator, fr.denominator))
    fp = Fraction(v / math.pi).limit_denominator(100)
    if abs(float(fp) * math.pi - v) <= tol:
        out.append(sp.Rational(fp.numerator, fp.denominator) * sp.pi)
    fs = Fraction(v * v).limit_denominator(1000)
    if abs(math.copysign(math.sqrt(float(fs)), v) - v) <= tol:
        out.append(sp.sign(v) * sp.sqrt(sp.Rational(fs.numerator, fs.denominator)))
    return out


def refine_point(
    grad: list[sp.Expr],
    hess: sp.Matrix,
    variables: tuple[sp.Symbol, ...],
    x0: np.ndarray,
    radius: float,
    snap: bool,
) -> _Refined:
    """Newton at 30 digits from x0 (least squares where H is singular); confirm and snap.

    Converged when ‖∇f‖ < 1e-25·max(1, ‖H‖) within ``radius`` of x0 *and* the point has
    stopped moving: the next Newton step s is below 1e-15·max(1, ‖x‖), or, where Newton
    converges linearly (a degenerate point, steps shrinking by ρ), the distance to the limit
    ρ/(1 − ρ)·‖s‖ is below 1e-8·max(1, ‖x‖); there the step m·s with m = 1/(1 − ρ), the
    multiplicity, is taken when it reduces ‖∇f‖ (Schröder).  A tiny gradient alone is not
    enough: where f underflows ((x + y)^10000 at x + y = 0.4, ∇f ≈ 10⁻³⁹⁷⁵) Newton is still
    far from a root.
    When ``snap``, each coordinate is matched to a simple exact number and the match is kept
    only if every component of ∇f vanishes exactly there.
    """
    import mpmath

    gf = lambdify_renamed(variables, grad, "mpmath")
    hf = lambdify_renamed(variables, hess, "mpmath")
    with mpmath.workdps(REFINE_DPS):
        x = mpmath.matrix([mpmath.mpf(float(v)) for v in x0])
        start = mpmath.matrix(x)
        gv = mpmath.matrix(gf(*x))
        scale = max(1, mpmath.norm(mpmath.matrix(hf(*x)), 1))
        target = mpmath.mpf(10) ** (5 - REFINE_DPS) * scale
        settled, previous = False, None
        for _ in range(300):
            gn = mpmath.norm(gv)
            if gn == 0:
                settled = True
                break
            Hv = mpmath.matrix(hf(*x))
            try:
                step = mpmath.lu_solve(Hv, -gv)
            except (ZeroDivisionError, ValueError):  # (numerically) singular H
                step = _pseudo_inverse_step(Hv, gv)
            sn = mpmath.norm(step)
            size = max(1, mpmath.norm(x))
            rho = sn / previous if previous else None
            if gn <= target and (sn <= mpmath.mpf(10) ** -15 * size or (
                    rho is not None and rho < 1
                    and rho / (1 - rho) * sn <= mpmath.mpf(10) ** -8 * size)):
                settled = True
                break
            previous = sn
            xt = x + step
            gv = mpmath.matrix(gf(*xt))
            if rho is not None and mpmath.mpf("0.2") < rho < 1:
                # steps shrinking by ρ: a root of multiplicity m = 1/(1 − ρ), where the
                # step m·s (Schröder) converges quadratically; kept if ∇f is smaller there
                xm = x + min(1 / (1 - rho), 10**6) * step
                gm = mpmath.matrix(gf(*xm))
                if mpmath.norm(gm) < mpmath.norm(gv):
                    xt, gv = xm, gm
            x = xt
            if mpmath.norm(x - start) > radius:
                return _Refined(tuple(float(v) for v in x0), float("nan"), False)
        gnorm = mpmath.norm(gv)
        converged = bool(gnorm <= target) and settled
        point = tuple(float(v) for v in x)
        exact = None
        if snap and converged:
            err = max(1e-20, float(mpmath.cbrt(gnorm)))
            exact = _snap(grad, variables, [float(v) for v in x], 1e3 * err)
        return _Refined(point, float(gnorm), converged, exact)


def _pseudo_inverse_step(H: Any, g: Any) -> Any:
    """−H⁺g from the symmetric eigen-decomposition H = Σ λᵢ vᵢvᵢᵀ (terms with λᵢ = 0 left out):
    the Newton step where H is singular or too ill-conditioned for LU (H ∝ x⁸ near 0 for x¹⁰)."""
    import mpmath

    H = (H + H.T) / 2
    lam, V = mpmath.eigsy(H)
    step = mpmath.matrix(H.rows, 1)
    for i in range(H.rows):
        if lam[i] != 0:
            v = V[:, i]
            step -= v * ((v.T * g)[0] / lam[i])
    return step


def _snap(grad, variables, point, tol) -> tuple[sp.Expr, ...] | None:
    choices = [_snap_candidates(v, max(tol, 1e-12 * max(1.0, abs(v)))) for v in point]
    if any(not c for c in choices):
        return None
    guess = tuple(c[0] for c in choices)
    sub = dict(zip(variables, guess, strict=True))
    if all(is_zero(g.xreplace(sub)) for g in grad):
        return guess
    return None
