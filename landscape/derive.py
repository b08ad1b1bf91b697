"""Symbolic derivatives, term by term.

``sympy.hessian`` differentiates the whole expression once per entry.  For a sum of many terms
(chained Rosenbrock, finite sums) almost every term is constant in almost every variable, so we
split the expression into its additive terms and differentiate each term only by the symbols it
contains::

    ∂f/∂x_i   = Σ_{t ∋ x_i} ∂t/∂x_i
    ∂²f/∂x_i∂x_j = Σ_{t ∈ terms(∂f/∂x_i), t ∋ x_j} ∂t/∂x_j      (j ≥ i, then mirrored)

Non-smooth conventions (documented in the README): at a kink the derivative is the midpoint of
the one-sided derivatives — ``d|x|/dx = sign(x)`` with ``sign(0) = 0``, ``d max(0, x)/dx =
Heaviside(x)`` with ``Heaviside(0) = 1/2`` — and point masses (``DiracDelta``) that arise from
differentiating a kink are dropped: second derivatives are those valid almost everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .errors import UnsupportedError


def additive_terms(expr: sp.Expr) -> tuple[sp.Expr, ...]:
    """The top-level summands of ``expr`` (``expr`` itself when it is not a sum)."""
    return sp.Add.make_args(expr)


def drop_point_masses(expr: sp.Expr) -> sp.Expr:
    """Replace ``DiracDelta(...)`` (and its derivatives) by 0: derivatives valid a.e."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    return expr


class _RealAbs(sp.Function):
    """|u| differentiated by the real convention d|u| = sign(u)·du, whatever SymPy knows of u."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return _RealSign(self.args[0])


class _RealSign(sp.Function):
    """sign(u) with derivative 0 (its point mass is dropped, as everywhere here)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


def _diff(term: sp.Expr, var: sp.Symbol) -> sp.Expr:
    try:
        d = sp.diff(term, var)
    except (ValueError, TypeError) as exc:  # SymPy refuses, e.g. Heaviside of a complex value
        raise UnsupportedError(f"cannot differentiate {term} by {var}: {exc}") from exc
    if d.has(sp.re, sp.im, sp.Derivative) and term.has(sp.Abs, sp.sign):
        # SymPy differentiates |u| through re(u) and im(u) when it cannot prove u real
        # (|sqrt(x)|, |exp(x)| in some forms): apply the real convention explicitly.
        swapped = term.replace(sp.Abs, _RealAbs).replace(sp.sign, _RealSign)
        d = sp.diff(swapped, var).replace(_RealAbs, sp.Abs).replace(_RealSign, sp.sign)
    return drop_point_masses(d)


def gradient(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> list[sp.Expr]:
    """∇f as a list, one entry per variable, differentiating each term only where it depends."""
    index = {v: i for i, v in enumerate(variables)}
    parts: list[list[sp.Expr]] = [[] for _ in variables]
    for term in additive_terms(expr):
        for var in term.free_symbols:
            i = index.get(var)
            if i is not None:
                parts[i].append(_diff(term, var))
    return [sp.Add(*p) for p in parts]


def hessian_entries(
    grad: Sequence[sp.Expr], variables: Sequence[sp.Symbol]
) -> dict[tuple[int, int], sp.Expr]:
    """Nonzero upper-triangle entries ``{(i, j): ∂²f/∂x_i∂x_j}`` with ``i ≤ j``."""
    index = {v: i for i, v in enumerate(variables)}
    entries: dict[tuple[int, int], list[sp.Expr]] = {}
    for i, gi in enumerate(grad):
        for term in additive_terms(gi):
            for var in term.free_symbols:
                j = index.get(var)
                if j is not None and j >= i:
                    entries.setdefault((i, j), []).append(_diff(term, var))
    out = {}
    for ij, parts in entries.items():
        value = sp.Add(*parts)
        if value != 0:
            out[ij] = value
    return out


def hessian_matrix(
    entries: dict[tuple[int, int], sp.Expr], n: int
) -> sp.ImmutableMatrix:
    """The full symmetric Hessian from its upper-triangle entries."""
    full: dict[tuple[int, int], sp.Expr] = {}
    for (i, j), value in entries.items():
        full[(i, j)] = value
        full[(j, i)] = value
    return sp.ImmutableMatrix(sp.SparseMatrix(n, n, full))
