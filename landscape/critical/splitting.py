"""The higher-order test at a degenerate point: Taylor polynomials and the reduced function of
the splitting lemma.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..codegen import lambdify_renamed
from .exact import is_zero

#: Highest total degree of the Taylor expansion used by the higher-order test.
TAYLOR_DEGREE_ND = 8
TAYLOR_DEGREE_1D = 16

# ----------------------------------------------------------------- higher-order (splitting lemma)


def _truncate(expr: sp.Expr, gens: tuple[sp.Symbol, ...], degree: int) -> sp.Expr:
    """The terms of total degree ≤ ``degree`` of a polynomial in ``gens``."""
    p = sp.Poly(sp.expand(expr), *gens)
    return sum(
        (c * sp.Mul(*[g**e for g, e in zip(gens, m, strict=True)])
         for m, c in p.terms() if sum(m) <= degree),
        sp.S.Zero,
    )


def _degree_bound(expr: sp.Expr) -> int:
    """An upper bound of the total degree of a polynomial as written (no expansion)."""
    if expr.is_Symbol:
        return 1
    if not expr.free_symbols:
        return 0
    if expr.is_Add:
        return max(_degree_bound(a) for a in expr.args)
    if expr.is_Mul:
        return sum(_degree_bound(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Integer:
        return int(expr.exp) * _degree_bound(expr.base)
    return 10**9


def taylor_polynomial(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], point: tuple[sp.Expr, ...],
    z: tuple[sp.Symbol, ...], degree: int,
) -> sp.Expr:
    """Σ_{|α| ≤ degree} ∂^α f(p) z^α / α!  (exact; polynomials of low degree are simply
    re-expanded, others differentiated along s in f(p + s·z): (x + y)^10000 is never expanded)."""
    shifted = {v: p + zi for v, p, zi in zip(variables, point, z, strict=True)}
    if expr.is_polynomial(*variables) and _degree_bound(expr) <= 8 * max(degree, 8):
        return _truncate(expr.xreplace(shifted), z, degree)
    s = sp.Symbol("_s")
    scaled = expr.xreplace({v: p + s * zi for v, p, zi in zip(variables, point, z, strict=True)})
    total = sp.S.Zero
    term = scaled
    for k in range(degree + 1):
        total += sp.expand(term.subs(s, 0)) / sp.factorial(k)
        term = sp.diff(term, s)
    return total


def _homogeneous_parts(expr: sp.Expr, gens: tuple[sp.Symbol, ...]) -> dict[int, sp.Expr]:
    parts: dict[int, sp.Expr] = {}
    if expr == 0:
        return parts
    for m, c in sp.Poly(sp.expand(expr), *gens).terms():
        if is_zero(c):
            continue
        d = sum(m)
        parts[d] = parts.get(d, sp.S.Zero) + c * sp.Mul(
            *[g**e for g, e in zip(gens, m, strict=True)]
        )
    return parts


def reduced_function(
    taylor: sp.Expr, z: tuple[sp.Symbol, ...], H0: sp.Matrix, degree: int
) -> tuple[sp.Expr, tuple[sp.Symbol, ...], int]:
    """Splitting lemma: f − f(p) restricted to the Hessian's null space, to ``degree``.

    With z = N·a + R·b (N a null-space basis, R a range basis, A = RᵀH₀R invertible), the
    equation ∂F/∂b (a, b) = 0 has a unique power-series solution b(a) = O(|a|²), found by the
    iteration b ← b − A⁻¹ ∂F/∂b (a, b) truncated at ``degree`` (each pass gains one order).
    Then p is a local minimum (maximum) of f iff a = 0 is one of g(a) = F(a, b(a)) when the
    range part is positive (negative) definite.  Returns (g, a-symbols, sign of the range part:
    +1, −1, or 0 when the Hessian vanishes).
    """
    N = H0.nullspace()
    R = H0.columnspace()
    k, r = len(N), len(R)
    a = tuple(sp.Symbol(f"_a{i}") for i in range(k))
    b = tuple(sp.Symbol(f"_b{i}") for i in range(r))
    zvec = sp.zeros(len(z), 1)
    for i, v in enumerate(N):
        zvec += a[i] * v
    for i, v in enumerate(R):
        zvec += b[i] * v
    F = _truncate(taylor.xreplace(dict(zip(z, zvec, strict=True))), a + b, degree)
    if r == 0:
        return F, a, 0
    Rm = sp.Matrix.hstack(*R)
    A = Rm.T * H0 * Rm
    sign = 1 if sp.N(A.trace()) > 0 else -1
    Ainv = A.inv()
    gradb = [sp.diff(F, bi) for bi in b]
    bser = sp.zeros(r, 1)
    for _ in range(degree):
        sub = dict(zip(b, bser, strict=True))
        resid = sp.Matrix([_truncate(gb.xreplace(sub), a, degree) for gb in gradb])
        bser = (bser - Ainv * resid).applyfunc(lambda e: _truncate(e, a, degree))
    g = _truncate(F.xreplace(dict(zip(b, bser, strict=True))), a, degree)
    return g, a, sign


def _form_sign(q: sp.Expr, a: tuple[sp.Symbol, ...], rng: np.random.Generator) -> str:
    """Sign structure of a homogeneous form on the unit sphere: pd, nd, indefinite or semi.

    One variable: the sign of the coefficient.  Otherwise sampled (4000 directions plus the
    coordinate axes), with a margin of 1e-6 of max |q|.
    """
    if len(a) == 1:
        c = sp.Poly(q, *a).coeffs()[0]
        return "pd" if sp.N(c) > 0 else "nd"
    fn = lambdify_renamed(a, q, "numpy")
    d = rng.standard_normal((4000, len(a)))
    d = np.vstack([d, np.eye(len(a)), -np.eye(len(a))])
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    vals = np.asarray(fn(*d.T), dtype=float) * np.ones(d.shape[0])
    scale = float(np.max(np.abs(vals)))
    margin = 1e-6 * scale
    lo, hi = float(vals.min()), float(vals.max())
    if lo > margin:
        return "pd"
    if hi < -margin:
        return "nd"
    if lo < -margin and hi > margin:
        return "indefinite"
    return "semi"


def higher_order_kind(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], point: tuple[sp.Expr, ...], H0: sp.Matrix
) -> tuple[str | None, str]:
    """Kind at a degenerate exact point whose Hessian has no two opposite signs.

    Lowest non-vanishing homogeneous term q_m of the reduced function g (splitting lemma):
    m odd → saddle; m even: q_m definite of the same sign as the range part (or no range
    part) → minimum/maximum; of the opposite sign or indefinite → saddle.  Returns
    (kind or None when inconclusive, explanation).
    """
    n = len(variables)
    degree = TAYLOR_DEGREE_1D if n == 1 else TAYLOR_DEGREE_ND
    z = tuple(sp.Symbol(f"_z{i}") for i in range(n))
    H0 = H0.applyfunc(sp.simplify)
    taylor = taylor_polynomial(expr, variables, point, z, degree)
    fp = taylor.xreplace({zi: 0 for zi in z})
    g, a, sign = reduced_function(sp.expand(taylor - fp), z, H0, degree)
    parts = _homogeneous_parts(g, a)
    if not parts:
        return None, f"reduced function vanishes to order {degree}"
    m = min(parts)
    q = parts[m]
    if m % 2 == 1:
        return "saddle", f"lowest term of order {m} (odd)"
    shape = _form_sign(q, a, np.random.default_rng(0))
    if shape == "indefinite":
        return "saddle", f"order-{m} term takes both signs"
    if shape == "semi":
        return None, f"order-{m} term is semidefinite with zeros"
    if sign == 0:
        return ("minimum" if shape == "pd" else "maximum"), f"order-{m} term definite"
    if (shape == "pd") == (sign > 0):
        return ("minimum" if sign > 0 else "maximum"), f"order-{m} term definite"
    return "saddle", f"order-{m} term of opposite sign to the Hessian"
