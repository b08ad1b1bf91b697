"""Exact solving of ∇f = 0: real roots, ``solveset`` sets, lex Gröbner bases in shape form,
continua, and the small exact helpers the other modules share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

# ============================================================================ exact helpers


def rationalize(expr: sp.Expr) -> sp.Expr:
    """Replace every Float by the rational number its decimal form denotes (0.1 → 1/10)."""
    floats = expr.atoms(sp.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sp.Rational(str(f)) for f in floats})


def is_zero(value: sp.Expr) -> bool:
    """Exact zero test: SymPy's own decision, else |value| < 1e-45 evaluated at 60 digits."""
    value = sp.sympify(value)
    decided = value.is_zero
    if decided is not None:
        return bool(decided)
    simplified = sp.simplify(value)
    if simplified.is_zero is not None:
        return bool(simplified.is_zero)
    return abs(complex(sp.N(value, 60))) < 1e-45


def _real_value(value: sp.Expr, digits: int = 40) -> float | None:
    """Float of a SymPy number if it is real (imaginary part below 1e-25), else None."""
    v = sp.N(value, digits)
    re, im = v.as_real_imag()
    if abs(float(im)) > 1e-25 * max(1.0, abs(float(re))):
        return None
    return float(re)


def _in_box(point: tuple[float, ...], box: np.ndarray, rel: float = 1e-12) -> bool:
    w = box[:, 1] - box[:, 0]
    p = np.asarray(point, dtype=float)
    return bool(np.all(p >= box[:, 0] - rel * w) and np.all(p <= box[:, 1] + rel * w))


@dataclass
class _ExactPoint:
    """An exact solution.  For algebraic points: θ (a CRootOf), its minimal polynomial and the
    coordinate polynomials x_i = p_i(θ); otherwise only ``coords``."""

    coords: tuple[sp.Expr, ...]
    theta: sp.Expr | None = None
    minpoly: sp.Poly | None = None
    param: tuple[sp.Poly, ...] | None = None


@dataclass
class _ExactSolution:
    status: str  # "complete" | "partial" | "continuum" | "unsupported"
    points: list[_ExactPoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_T = sp.Symbol("_t")


def _roots_with_minpolys(q: sp.Poly) -> list[tuple[sp.Expr, sp.Poly]]:
    """Real roots of q, each with its irreducible factor (its minimal polynomial)."""
    out = []
    for factor, _mult in sp.factor_list(q)[1]:
        factor = sp.Poly(factor, q.gen)
        for root in factor.real_roots():
            out.append((root, factor))
    return out


def _solve_1d_polynomial(g: sp.Expr, x: sp.Symbol, box: np.ndarray) -> _ExactSolution:
    q = sp.Poly(g, x)
    if q.is_zero:
        return _ExactSolution("continuum", notes=["f is constant: every point is critical"])
    pts = []
    for root, minpoly in _roots_with_minpolys(q):
        value = float(sp.N(root, 30))
        if _in_box((value,), box):
            param = (sp.Poly(minpoly.gen, minpoly.gen),)
            algebraic = minpoly.degree() > 2
            pts.append(
                _ExactPoint(
                    (root,),
                    root if algebraic else None,
                    minpoly if algebraic else None,
                    param if algebraic else None,
                )
            )
    return _ExactSolution("complete", pts)


def _enumerate_set(S: sp.Set, x: sp.Symbol, box: np.ndarray) -> tuple[list[sp.Expr], bool]:
    """Elements of a solveset result inside the box, and whether the listing is complete."""
    lo, hi = float(box[0, 0]), float(box[0, 1])
    if S is sp.S.EmptySet:
        return [], True
    if isinstance(S, sp.FiniteSet):
        out = []
        for e in S:
            v = _real_value(e)
            if v is not None and _in_box((v,), box):
                out.append(e)
        return out, True
    if isinstance(S, sp.Union):
        out, complete = [], True
        for part in S.args:
            pts, ok = _enumerate_set(part, x, box)
            out += pts
            complete &= ok
        return out, complete
    if isinstance(S, sp.Intersection):
        # intersections with intervals only restrict; the box filter is applied anyway
        others = [a for a in S.args if not isinstance(a, sp.Interval)]
        if len(others) == 1:
            pts, ok = _enumerate_set(others[0], x, box)
            return [p for p in pts if all(a.contains(p) == sp.true for a in S.args
                                          if isinstance(a, sp.Interval))], ok
        return [], False
    if isinstance(S, sp.Complement) and isinstance(S.args[1], sp.FiniteSet):
        pts, ok = _enumerate_set(S.args[0], x, box)
        return [p for p in pts if not any(is_zero(p - q) for q in S.args[1])], ok
    if isinstance(S, sp.ImageSet) and S.base_sets == (sp.S.Integers,):
        lam = S.lamda
        (k,) = lam.variables
        e = sp.expand(lam.expr)
        if e.is_polynomial(k) and sp.degree(e, k) == 1:
            b = e.coeff(k, 1)
            a = e.coeff(k, 0)
            bv, av = float(b), float(a)
            if bv == 0:
                return [], False
            ks = sorted(((lo - av) / bv, (hi - av) / bv))
            out = []
            for kk in range(math.floor(ks[0]) - 1, math.ceil(ks[1]) + 2):
                p = a + b * kk
                if _in_box((float(p),), box):
                    out.append(p)
            return out, True
    return [], False


def _solve_1d(g: sp.Expr, x: sp.Symbol, box: np.ndarray) -> _ExactSolution:
    if g.is_polynomial(x):
        return _solve_1d_polynomial(g, x, box)
    interval = sp.Interval(sp.Rational(str(box[0, 0])), sp.Rational(str(box[0, 1])))
    S = sp.solveset(g, x, interval)
    pts, complete = _enumerate_set(S, x, box)
    exact_pts = [_ExactPoint((p,)) for p in pts]
    if complete:
        return _ExactSolution("complete", exact_pts)
    why = f"solveset could not list all solutions of f'(x) = 0 ({type(S).__name__})"
    return _ExactSolution("partial", exact_pts, [why])


def _shape_params(
    G: list[sp.Poly], gens: tuple[sp.Symbol, ...]
) -> tuple[list[sp.Expr], sp.Expr] | None:
    """For a lex basis of shape {c_i·x_i − r_i(t) (i < n), q(t)} with t = gens[-1] and c_i
    constant, return ([x_i = r_i(t)/c_i], q); else None."""
    if len(G) != len(gens):
        return None
    *heads, last = gens
    params = []
    for head, p in zip(heads, G[:-1], strict=True):
        expr = sp.expand(p.as_expr())
        c = expr.coeff(head, 1)
        rest = sp.expand(expr - c * head)
        if c == 0 or c.free_symbols or rest.free_symbols - {last}:
            return None
        params.append(sp.expand(-rest / c))
    q = G[-1].as_expr()
    if not q.free_symbols <= {last}:
        return None
    return params, q


def _shape_points(
    params: list[sp.Expr], q: sp.Expr, t: sp.Symbol, box: np.ndarray, nvars: int
) -> list[_ExactPoint]:
    """Real solutions x_i = p_i(θ), q(θ) = 0 of a shape basis, inside the box."""
    polys = [sp.Poly(p, t) for p in params] + [sp.Poly(t, t)]
    pts = []
    for root, minpoly in _roots_with_minpolys(sp.Poly(q, t)):
        reduced = [p.rem(minpoly) for p in polys[:nvars]]
        coords = tuple(sp.expand(p.as_expr().subs(t, root)) for p in reduced)
        values = tuple(float(sp.N(c, 30)) for c in coords)
        if not _in_box(values, box):
            continue
        if minpoly.degree() <= 2:
            pts.append(_ExactPoint(tuple(sp.radsimp(c) for c in coords)))
        else:
            pts.append(_ExactPoint(coords, root, minpoly, tuple(reduced)))
    return pts


def _elimination_poly(grad: list[sp.Expr], variables: tuple[sp.Symbol, ...], i: int) -> sp.Poly:
    """Generator of the ideal ∩ Q[x_i] (last element of a lex basis with x_i last)."""
    order = tuple(v for j, v in enumerate(variables) if j != i) + (variables[i],)
    G = sp.groebner(grad, *order, order="lex")
    return sp.Poly(G.exprs[-1], variables[i])


def _solve_polynomial_system(
    grad: list[sp.Expr], variables: tuple[sp.Symbol, ...], box: np.ndarray
) -> _ExactSolution:
    G = sp.groebner(grad, *variables, order="lex")
    if G.exprs == [1]:
        return _ExactSolution("complete", [])
    if not G.is_zero_dimensional:
        return _continuum(grad, variables, box)
    shape = _shape_params(list(G.polys), variables)
    if shape is not None and sp.Poly(shape[1], variables[-1]).is_sqf:
        pts = _shape_points(shape[0], shape[1], variables[-1], box, len(variables))
        return _ExactSolution("complete", pts)
    # make the ideal radical (Seidenberg), then find a separating linear form t
    radical = list(grad)
    for i in range(len(variables)):
        p = _elimination_poly(grad, variables, i)
        radical.append(sp.sqf_part(p).as_expr())
    for c in ([0] * (len(variables) - 1), *_forms(len(variables) - 1)):
        form = variables[-1] + sum(ci * v for ci, v in zip(c, variables[:-1], strict=True))
        gens = (*variables, _T)
        G = sp.groebner([*radical, _T - form], *gens, order="lex")
        shape = _shape_params(list(G.polys), gens)
        if shape is not None:
            pts = _shape_points(shape[0], shape[1], _T, box, len(variables))
            return _ExactSolution("complete", pts)
    return _ExactSolution("partial", notes=["no separating linear form found for ∇f = 0"])


def _forms(m: int) -> list[list[int]]:
    """Candidate coefficient vectors of separating linear forms (deterministic)."""
    base = [1, 2, 3, 5, 7, 11, 13, 17]
    return [[(base[(j + s) % len(base)] * (1 if (j + s) % 2 else -1)) for j in range(m)]
            for s in range(4)]


def _continuum(
    grad: list[sp.Expr], variables: tuple[sp.Symbol, ...], box: np.ndarray
) -> _ExactSolution:
    """∇f = 0 has infinitely many complex solutions: sample SymPy's solution families.

    Each family's free variables take 5 values across the box; a family with at least two
    distinct real points in the box is a real continuum of critical points.  Isolated real
    points of complex families (y = ±i·x meets the reals only at 0) are kept, but the list is
    then only partial.
    """
    sols = sp.solve(grad, list(variables), dict=True)
    seen: dict[tuple, _ExactPoint] = {}
    real_family = False
    for sol in sols:
        free = [v for v in variables if v not in sol]
        grid = [np.linspace(box[variables.index(v), 0], box[variables.index(v), 1], 5)
                for v in free]
        combos = np.array(np.meshgrid(*grid)).reshape(len(free), -1).T if free else [[]]
        found = set()
        for combo in combos:
            sub = {v: sp.Rational(str(round(float(c), 12)))
                   for v, c in zip(free, combo, strict=True)}
            coords = tuple(sp.nsimplify(sp.sympify(sol.get(v, v)).subs(sub)) for v in variables)
            values = [_real_value(c) for c in coords]
            if any(v is None for v in values) or not _in_box(tuple(values), box):
                continue
            found.add(coords)
            seen.setdefault(coords, _ExactPoint(coords))
        real_family |= bool(free) and len(found) >= 2
    families = "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in sols)
    if real_family:
        return _ExactSolution("continuum", list(seen.values()),
                              [f"critical points form a continuum: {families} (sampled)"])
    return _ExactSolution(
        "partial", list(seen.values()),
        [f"∇f = 0 has infinitely many complex solutions ({families}); "
         "real ones searched numerically"],
    )


def _radical(g: sp.Expr) -> sp.Expr:
    """g = c·Π pᵢ^eᵢ (as written) → Π pᵢ: the same real zero set, without expanding the powers
    (10000·(x + y)^9999 → x + y)."""
    parts = [a.as_base_exp() for a in sp.Mul.make_args(g) if a.free_symbols]
    if not parts:
        return g
    return sp.Mul(*[b if (e.is_Integer and e > 0) else b**e for b, e in parts])


def exact_critical_points(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], grad: list[sp.Expr], box: np.ndarray
) -> _ExactSolution:
    """Solve ∇f = 0 symbolically in the box (run this under a budget)."""
    grad = [rationalize(sp.expand(_radical(g)) if g.is_polynomial(*variables) else g)
            for g in grad]
    if all(g == 0 for g in grad):
        return _ExactSolution("continuum", notes=["f is constant: every point is critical"])
    for v, g in zip(variables, grad, strict=True):
        if g.is_positive or g.is_negative:
            return _ExactSolution("complete", notes=[
                f"∂f/∂{v} = {g} never vanishes (SymPy sign reasoning): no critical point"])
    if len(variables) == 1:
        return _solve_1d(grad[0], variables[0], box)
    if all(g.is_polynomial(*variables) for g in grad):
        return _solve_polynomial_system(grad, variables, box)
    return _ExactSolution(
        "unsupported", notes=["∇f = 0 is not polynomial; no complete symbolic method for n ≥ 2"]
    )
