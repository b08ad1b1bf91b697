"""Exact classification of a critical point by the eigenvalues of its exact Hessian.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .exact import _ExactPoint, is_zero
from .splitting import higher_order_kind

# ============================================================================ exact classification


@dataclass
class _ExactClass:
    """What the exact classification of one point established (picklable)."""

    value: float
    eigenvalues: tuple[float, ...]
    eigenvalues_exact: tuple[sp.Expr, ...] | None
    zero: tuple[bool, ...]  # per eigenvalue (sorted ascending): exactly zero
    kind: str | None = None  # set when the higher-order test decided
    note: str | None = None


def _hessian_at(hess: sp.Matrix, variables, point: _ExactPoint) -> sp.Matrix:
    """Exact Hessian at the point (entries reduced modulo θ's minimal polynomial if algebraic)."""
    if point.theta is None:
        sub = dict(zip(variables, point.coords, strict=True))
        return hess.xreplace(sub)
    t = point.minpoly.gen
    sub = {v: p.as_expr() for v, p in zip(variables, point.param, strict=True)}

    def entry(e: sp.Expr) -> sp.Expr:
        r = sp.Poly(sp.expand(e.xreplace(sub)), t).rem(point.minpoly)
        return r.as_expr().subs(t, point.theta)

    return hess.applyfunc(entry)


def _eigen_numeric(H: sp.Matrix) -> np.ndarray:
    import mpmath

    with mpmath.workdps(40):
        M = mpmath.matrix([[sp.N(H[i, j], 40) for j in range(H.cols)] for i in range(H.rows)])
        ev = mpmath.eigsy(M, eigvals_only=True)
        return np.sort(np.array([float(v) for v in ev]))


def classify_exact(
    expr: sp.Expr,
    variables: tuple[sp.Symbol, ...],
    hess: sp.Matrix,
    point: _ExactPoint,
) -> _ExactClass:
    """Exact value, Hessian eigenvalues, degeneracy and (if degenerate) higher-order kind."""
    n = len(variables)
    sub = dict(zip(variables, point.coords, strict=True))
    # at 60 digits a value below 1e-45 is the evaluation noise of an exact zero (as is_zero)
    v60 = complex(sp.N(expr.xreplace(sub), 60))
    value = 0.0 if abs(v60) < 1e-45 else v60.real
    H = _hessian_at(hess, variables, point)
    exact_eigs = None
    if n <= 4 and point.theta is None:
        H = H.applyfunc(sp.simplify) if not H.is_zero_matrix else H
        evs = H.eigenvals(multiple=True)
        if len(evs) == n:
            pairs = sorted(((float(sp.re(sp.N(e, 40))), e) for e in evs), key=lambda p: p[0])
            exact_eigs = tuple(sp.simplify(e) for _, e in pairs)
    if exact_eigs is not None:
        floats = tuple(float(sp.re(sp.N(e, 40))) for e in exact_eigs)
        zero = tuple(is_zero(e) for e in exact_eigs)
    else:
        floats = tuple(_eigen_numeric(H))
        nzero = n - H.rank(iszerofunc=is_zero)
        order = np.argsort(np.abs(floats))
        zero_set = set(order[:nzero].tolist())
        zero = tuple(i in zero_set for i in range(n))
    result = _ExactClass(value, floats, exact_eigs, zero)
    if any(zero):
        positive = any(v > 0 and not z for v, z in zip(floats, zero, strict=True))
        negative = any(v < 0 and not z for v, z in zip(floats, zero, strict=True))
        if not (positive and negative) and point.theta is None:
            result.kind, result.note = higher_order_kind(expr, variables, point.coords, H)
    return result
