"""Kinks of f (``Abs``/``Max``/``Min``/``sign``/``Heaviside``/``Piecewise``): switching
functions, branch pieces, strata, limiting gradients and Clarke stationarity.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import sympy as sp

from .exact import (
    _enumerate_set,
    _ExactPoint,
    _ExactSolution,
    _in_box,
    exact_critical_points,
    rationalize,
)

# ============================================================================ kinks


def switching_functions(expr: sp.Expr) -> list[tuple[str, tuple[sp.Expr, ...]]]:
    """Where f may fail to be differentiable: ``("zero", (u,))`` — a kink where u = 0 (``Abs``,
    ``sign``, ``Heaviside``, ``Piecewise`` boundaries); ``("max", (a, b, ...))`` /
    ``("min", ...)`` — a kink where two arguments of a ``Max``/``Min`` tie for the extreme."""
    out: list[tuple[str, tuple[sp.Expr, ...]]] = []
    seen: set = set()

    def add(kind: str, args: tuple[sp.Expr, ...]) -> None:
        if (kind, args) not in seen and any(a.free_symbols for a in args):
            seen.add((kind, args))
            out.append((kind, args))

    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            add("zero", (node.args[0],))
        elif isinstance(node, (sp.Max, sp.Min)):
            add("max" if isinstance(node, sp.Max) else "min", tuple(node.args))
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                for rel in getattr(cond, "atoms", lambda *_: ())(sp.core.relational.Relational):
                    add("zero", (rel.lhs - rel.rhs,))
    return out


def on_kink(switches, variables, coords, tol: float) -> bool:
    """Whether the point ``coords`` (exact or float) lies on one of the ``switches``."""
    sub = dict(zip(variables, coords, strict=True))
    for kind, args in switches:
        try:
            vals = [complex(sp.N(a.xreplace(sub), 30)).real for a in args]
        except (TypeError, ValueError):
            continue
        scale = 1.0 + max(abs(v) for v in vals)
        if kind == "zero" and abs(vals[0]) <= tol * scale:
            return True
        if kind != "zero":
            extreme = max(vals) if kind == "max" else min(vals)
            if sum(abs(v - extreme) <= tol * scale for v in vals) >= 2:
                return True
    return False


#: Switches whose one-sided pieces join continuously (f stays continuous across the kink).
_CONTINUOUS_SWITCHES = (sp.Abs, sp.Max, sp.Min)

#: Largest number of branch combinations enumerated on one stratum of kinks.
MAX_BRANCHES = 64


def _switch_nodes(expr: sp.Expr) -> list[sp.Expr]:
    """Sub-expressions of ``expr`` where it may switch branch, innermost first."""
    kinds = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise)
    nodes = [e for e in sp.postorder_traversal(expr) if isinstance(e, kinds) and e.free_symbols]
    return list(dict.fromkeys(nodes))


def _node_branches(node: sp.Expr) -> list[tuple[sp.Expr, list[sp.Basic]]]:
    """The smooth pieces of one switch with the (strict) conditions under which each holds:
    |u| = ±u where ±u > 0; sign u = ±1; Heaviside u = 1 (u > 0) or 0 (u < 0);
    max(a₁..a_k) = a_i where a_i > a_j (j ≠ i), min alike; a Piecewise branch where its
    condition holds and the earlier ones do not."""
    if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
        u = node.args[0]
        if isinstance(node, sp.Abs):
            values = (u, -u)
        elif isinstance(node, sp.sign):
            values = (sp.S.One, -sp.S.One)
        else:
            values = (sp.S.One, sp.S.Zero)
        return [(values[0], [u > 0]), (values[1], [u < 0])]
    if isinstance(node, (sp.Max, sp.Min)):
        args = node.args
        out = []
        for i, a in enumerate(args):
            rel = [(a > b) if isinstance(node, sp.Max) else (a < b)
                   for j, b in enumerate(args) if j != i]
            out.append((a, rel))
        return out
    out, earlier = [], []
    for e, cond in node.args:
        out.append((e, [cond, *[sp.Not(c) for c in earlier]]))
        earlier.append(cond)
    return out


def branch_pieces(expr: sp.Expr, cap: int = MAX_BRANCHES) -> list[tuple[sp.Expr, list]] | None:
    """Every smooth piece f_σ of ``expr`` with its conditions: each switch (innermost first)
    replaced by one of its branches (:func:`_node_branches`).  None when there are more than
    ``cap`` combinations."""
    todo = [(expr, [])]
    done = []
    while todo:
        e, conds = todo.pop()
        nodes = _switch_nodes(e)
        if not nodes:
            done.append((e, conds))
            if len(done) > cap:
                return None
            continue
        node = nodes[0]
        for value, more in _node_branches(node):
            todo.append((e.xreplace({node: value}), conds + more))
        if len(todo) + len(done) > 4 * cap:
            return None
    return done


def _conditions_hold(conds: list, sub: dict) -> bool:
    """All conditions true at the point and none on its boundary: each relation is decided by
    the sign of lhs − rhs at 30 digits, which must exceed 1e-25 in size."""
    for c in conds:
        rels = [c] if isinstance(c, sp.core.relational.Relational) else list(
            c.atoms(sp.core.relational.Relational))
        truth = {}
        for rel in rels:
            gap = sp.N((rel.lhs - rel.rhs).xreplace(sub), 30)
            if not (gap.is_real and gap.is_finite) or abs(float(gap)) <= 1e-25:
                return False
            truth[rel] = sp.true if rel.func(float(gap), 0) else sp.false
        if c.xreplace(truth) is not sp.true:
            return False
    return True


def _switch_equations(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> tuple[list, bool]:
    """The equations of the kink surfaces (u = 0; a − b = 0 for ties), and whether all of them
    are polynomial (the others cannot be solved completely here)."""
    from itertools import combinations

    eqs: list[sp.Expr] = []
    polynomial = True
    for kind, args in switching_functions(expr):
        cand = [args[0]] if kind == "zero" else [a - b for a, b in combinations(args, 2)]
        # a switch inside a switch (|(|x| − 1)|): its surface is the union of those of the
        # inner pieces (|x| − 1 = 0 ⇔ x − 1 = 0 or −x − 1 = 0)
        pieces = [p for c in cand for p, _ in (branch_pieces(c) or [(c, [])])]
        for e in pieces:
            e = rationalize(sp.expand(e))
            if not e.free_symbols:
                continue
            polynomial &= bool(e.is_polynomial(*variables))
            if e not in eqs and -e not in eqs:
                eqs.append(e)
    return eqs, polynomial


def _solve_stratum(subset: tuple, variables: tuple, box: np.ndarray) -> tuple[list[dict], bool]:
    """Solutions of the kink equations ``subset`` (dicts variable → expression) and whether
    they are all of them: polynomial systems by ``sp.solve``; one equation in one variable by
    ``solveset`` on the box's interval (sin x = 0 → kπ, enumerated); others by ``sp.solve``,
    not complete (it gives principal solutions)."""
    if not subset:
        return [{}], True
    if all(e.is_polynomial(*variables) for e in subset):
        return sp.solve(list(subset), list(variables), dict=True), True
    singles = [next(iter(e.free_symbols)) for e in subset if len(e.free_symbols) == 1]
    if len(singles) == len(subset) == len(set(singles)):
        # each equation in a variable of its own: the product of the 1-D solution sets
        from itertools import product

        per, complete = [], True
        for e, v in zip(subset, singles, strict=True):
            row = box[variables.index(v):variables.index(v) + 1]
            interval = sp.Interval(sp.Rational(str(row[0, 0])), sp.Rational(str(row[0, 1])))
            pts, ok = _enumerate_set(sp.solveset(e, v, interval), v, row)
            per.append([(v, p) for p in pts])
            complete &= ok
        return [dict(c) for c in product(*per)], complete
    return sp.solve(list(subset), list(variables), dict=True), False


def _simplex_distance(G: np.ndarray) -> float:
    """dist(0, conv{rows of G}) = min ‖Gᵀλ‖ over λ ≥ 0, Σλ = 1: NNLS with the sum as a heavily
    weighted extra row, then polished on the support S of its λ (:func:`_support_distance`).
    The weighted row makes the NNLS system ill-conditioned (its distance is off by ~1e-9 ×
    max‖g‖: the midpoint (0.2, −2.1) of (−0.8, −2.1) and (1.2, −2.1) came out 8.6e-10 from
    their hull); the polish solves the equality-constrained problem on S exactly.  Both are
    distances of feasible λ, so the smaller is the better upper bound."""
    from scipy.optimize import nnls

    scale = max(1.0, float(np.max(np.abs(G))))
    w = 1e6
    A = np.vstack([G.T / scale, w * np.ones((1, G.shape[0]))])
    b = np.concatenate([np.zeros(G.shape[1]), [w]])
    lam, _ = nnls(A, b, maxiter=50 * G.shape[0])
    lam = lam / lam.sum() if lam.sum() > 0 else lam
    return min(float(np.linalg.norm(G.T @ lam)), _support_distance(G[lam > 0]))


def _support_distance(GS: np.ndarray) -> float:
    """min ‖G_Sᵀμ‖ over Σμ = 1 (rows of ``GS``, the support S), with μ = 1/k + Z t (the
    columns of Z span {Σ = 0}) and t by least squares on ``(G_Sᵀ Z) t = −G_Sᵀ 1/k`` (no
    squared condition number); inf when that μ has a negative weight (it is then no point of
    the hull) or S is empty."""
    k = GS.shape[0]
    if k == 0:
        return math.inf
    mu = np.full(k, 1.0 / k)
    if k > 1:
        Z = np.linalg.svd(np.ones((1, k)))[2][1:].T  # orthonormal basis of {Σ = 0}
        t = np.linalg.lstsq(GS.T @ Z, -GS.T @ mu, rcond=None)[0]
        mu = mu + Z @ t
    if np.any(mu < 0):
        return math.inf
    return float(np.linalg.norm(GS.T @ (mu / mu.sum())))


def limiting_gradients(expr: sp.Expr, variables: tuple[sp.Symbol, ...], grad: list[sp.Expr],
                       coords: tuple, seed: int = 0, eps: float = 1e-30,
                       active_tol: float = 1e-20) -> np.ndarray:
    """Gradients of f at x* + ε·d (ε = ``eps``, 60 digits) for directions d entering every
    sector of the kinks active at x*: d = N⁺s for each sign vector s ∈ {±1}^m, where the m rows
    of N are the normals of the active kink surfaces, plus ±eᵢ and 32 random directions.
    Each is ∇f_σ(x*) of one smooth piece to O(ε), or (on a surface) a convex combination of
    such; their convex hull is the Clarke subdifferential ∂f(x*) (up to O(ε)).  A kink is
    active when its switching value is within ``active_tol`` (relative) of 0."""
    from itertools import product

    import mpmath

    n = len(variables)
    with mpmath.workdps(60):
        x = [mpmath.mpf(str(sp.N(c, 60))) for c in coords]
        sub = dict(zip(variables, coords, strict=True))
        normals = []
        for kind, args in switching_functions(expr):
            vals = [complex(sp.N(a.xreplace(sub), 30)).real for a in args]
            scale = 1.0 + max(abs(v) for v in vals)
            if kind == "zero":
                active = [args[0]] if abs(vals[0]) <= active_tol * scale else []
            else:
                ext = max(vals) if kind == "max" else min(vals)
                tied = [a for a, v in zip(args, vals, strict=True)
                        if abs(v - ext) <= active_tol * scale]
                active = [a - tied[0] for a in tied[1:]]
            for u in active:
                normals.append([float(sp.N(sp.diff(u, v).xreplace(sub), 20)) for v in variables])
        dirs = [row for i in range(n) for row in (np.eye(n)[i], -np.eye(n)[i])]
        dirs += list(np.random.default_rng(seed).standard_normal((32, n)))
        if normals:
            N = np.array(normals)[:10]
            pinv = np.linalg.pinv(N)
            dirs += [pinv @ np.array(s) for s in product((1.0, -1.0), repeat=N.shape[0])]
        gf = sp.lambdify(variables, grad, "mpmath")
        eps = mpmath.mpf(eps) * max(1, max(abs(v) for v in x))
        rows = []
        for d in dirs:
            nd = float(np.linalg.norm(d))
            if not nd > 0:
                continue
            pt = [xi + eps * mpmath.mpf(float(di / nd)) for xi, di in zip(x, d, strict=True)]
            try:
                g = [complex(v) for v in gf(*pt)]
            except (ZeroDivisionError, ValueError, TypeError):
                return np.zeros((0, n))  # f is not differentiable next to x*: no subgradients
            if all(math.isfinite(v.real) and abs(v.imag) < 1e-20 for v in g):
                rows.append([v.real for v in g])
    return np.array(rows) if rows else np.zeros((0, n))


def clarke_stationary(expr: sp.Expr, variables: tuple[sp.Symbol, ...], grad: list[sp.Expr],
                      coords: tuple, tol: float = 1e-9, eps: float = 1e-30,
                      active_tol: float = 1e-20) -> bool:
    """0 ∈ ∂f(x*): the distance from 0 to the hull of the limiting gradients
    (:func:`limiting_gradients`) is at most ``tol``·max(1, max‖g‖).  For a floating-point x*
    (a kink known to ~1e-16) use ε ≈ 1e-7 and tol ≈ 1e-5 (the gradients are then off by
    O(ε·‖H‖))."""
    G = limiting_gradients(expr, variables, grad, coords, eps=eps, active_tol=active_tol)
    if G.shape[0] == 0:
        return False
    scale = max(1.0, float(np.max(np.linalg.norm(G, axis=1))))
    return _simplex_distance(G) <= tol * scale


def subdifferential_vertices(expr: sp.Expr, variables: tuple[sp.Symbol, ...],
                             grad: list[sp.Expr], coords: tuple,
                             digits: int = 10) -> np.ndarray:
    """The vertices of ∂f(x*): the limiting gradients (:func:`limiting_gradients`) rounded to
    ``digits`` digits relative to the largest, deduplicated, keeping those outside the hull of
    the others (a gradient of the midpoint convention on a kink, sign(0) = 0, is a convex
    combination of the pieces' and drops out).  Rows sorted; empty when f is not
    differentiable next to x*."""
    G = limiting_gradients(expr, variables, grad, coords)
    if G.shape[0] == 0:
        return G
    scale = max(1.0, float(np.max(np.linalg.norm(G, axis=1))))
    R = np.unique(np.round(G, digits - math.ceil(math.log10(scale))), axis=0) + 0.0
    keep = [i for i in range(R.shape[0]) if R.shape[0] == 1
            or _simplex_distance(np.delete(R, i, axis=0) - R[i]) > 10.0 ** -digits * scale]
    return R[keep]


def _positive_forms(conds: list) -> list[sp.Expr] | None:
    """Conditions as g > 0 (or g ≥ 0) forms; None when one is not a single (negated) inequality."""
    out = []
    for c in conds:
        neg = isinstance(c, sp.Not)
        rel = c.args[0] if neg else c
        if rel is sp.true and not neg:
            continue
        if not isinstance(rel, (sp.Gt, sp.Ge, sp.Lt, sp.Le)):
            return None
        g = rel.lhs - rel.rhs if isinstance(rel, (sp.Gt, sp.Ge)) else rel.rhs - rel.lhs
        out.append(-g if neg else g)
    return out


def _flat_region_points(conds: list, rest: list, box: np.ndarray) -> list[dict] | None:
    """A point of {conditions hold} ∩ box, for a piece of f that is constant there.

    Linear conditions gᵢ(x) = aᵢ·x + bᵢ > 0: the Chebyshev centre of the region in the box,
    max t s.t. gᵢ(x) ≥ t‖aᵢ‖ and lo + t ≤ x ≤ hi − t (an LP), decides whether the region is
    empty (t* ≤ 0, returns []) and otherwise gives its deepest point.  None when a condition
    is not linear (undecided)."""
    from scipy.optimize import linprog

    forms = _positive_forms(conds)
    if forms is None or any(g.free_symbols and not sp.Poly(g, *rest).is_linear for g in forms):
        return None
    m = len(rest)
    A, b = [], []
    for g in forms:
        coeffs = [float(g.coeff(v, 1)) for v in rest]
        const = float(g.xreplace({v: 0 for v in rest}))
        A.append([-c for c in coeffs] + [float(np.linalg.norm(coeffs))])  # t‖a‖ − a·x ≤ b
        b.append(const)
    for i in range(m):
        for sign, bound in ((1.0, box[i, 1]), (-1.0, -box[i, 0])):  # ±x + t ≤ ±bound
            A.append([sign if j == i else 0.0 for j in range(m)] + [1.0])
            b.append(float(bound))
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    res = linprog(cost, A_ub=np.array(A), b_ub=np.array(b),
                  bounds=[(None, None)] * (m + 1), method="highs")
    if res.status != 0:
        return None
    if not (-res.fun > 1e-9):
        return []
    return [{v: sp.Rational(str(float(c))) for v, c in zip(rest, res.x[:m], strict=True)}]


def kink_points(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], grad: list[sp.Expr], box: np.ndarray,
    max_switches: int = 8,
) -> _ExactSolution:
    """Every point of the box where 0 ∈ ∂f (Clarke), by strata (run this under a budget).

    f is smooth off the kink surfaces {u = 0} (ties a = b of a max/min).  A point where the
    surfaces S = {u₁ = … = u_m = 0} meet (m = 0: an open region) lies on the stratum
    x_S = s(x_rest) (``sp.solve``); there the pieces of f agree, so 0 ∈ ∂f forces the
    restriction φ = f(s(x_rest), x_rest) to be stationary, and φ is smooth on each branch of
    its remaining switches (:func:`branch_pieces`).  So for every S of at most n surfaces and
    every branch σ, the solutions of ∇φ_σ = 0 (:func:`exact_critical_points`) that satisfy σ's
    conditions strictly are the candidates, complete when every solve is; a candidate on a kink
    is kept when 0 ∈ conv{∇f_σ(x*)} (:func:`clarke_stationary`).  ``status`` is "complete"
    only for continuous f (Abs/Max/Min switches) with polynomial surfaces and pieces solved
    completely; a stratum along which φ is constant is a continuum (sampled, never complete).
    """
    from itertools import combinations

    eqs, polynomial = _switch_equations(expr, variables)
    notes: list[str] = []
    complete = len(eqs) <= max_switches
    if len(eqs) > max_switches:
        notes.append(f"f has {len(eqs)} kink surfaces (more than {max_switches}): the kinks "
                     "were not searched")
        eqs = []
    jumps = sorted({type(nd).__name__ for nd in _switch_nodes(expr)
                    if not isinstance(nd, _CONTINUOUS_SWITCHES)})
    if jumps:
        complete = False
        notes.append(f"f has branches ({', '.join(jumps)}) and may jump across a branch "
                     "boundary, where ∂f is not defined: the list is not claimed complete")
    continua: list[str] = []
    found: dict[tuple, _ExactPoint] = {}

    def add(coords: tuple, on_kink_: bool) -> None:
        _add_kink_point(found, expr, variables, grad, box, coords, on_kink_)

    for size in range(0, min(len(variables), len(eqs)) + 1):
        for subset in combinations(eqs, size):
            try:
                sols, listed_all = _solve_stratum(subset, variables, box)
            except (NotImplementedError, ValueError, TypeError):
                sols, listed_all = [], False
            if not listed_all:
                complete = False
                notes.append("kinks on " + " and ".join(f"{e} = 0" for e in subset)
                             + " may not all be listed (no complete symbolic solution)")
            for sol in sols:
                if not _search_stratum_solution(expr, variables, box, subset, sol, add, notes,
                                                continua):
                    complete = False
    if continua:
        notes.append("critical points form a continuum where " + "; ".join(
            dict.fromkeys(continua)) + " (sampled)")
    status = "complete" if complete else "partial"
    if complete and continua:
        status = "continuum"  # every stratum solved; some are continua of critical points
    return _ExactSolution(status, list(found.values()), list(dict.fromkeys(notes)))


#: ``add(coords, on_kink)``: keep an exact candidate (:func:`_add_kink_point`)
_Add = Callable[[tuple, bool], None]


def _add_kink_point(found: dict[tuple, _ExactPoint], expr: sp.Expr, variables: tuple,
                    grad: list[sp.Expr], box: np.ndarray, coords: tuple, on_kink_: bool) -> None:
    """Add the exact point ``coords`` to ``found`` (keyed by its floats) when it is real, in
    the box, in the domain of f and, on a kink, Clarke stationary."""
    if any(c.free_symbols or not c.is_real for c in coords):
        return
    pt = tuple(float(sp.N(c, 20)) for c in coords)
    if pt in found or not _in_box(pt, box):
        return
    value = sp.N(expr.xreplace(dict(zip(variables, coords, strict=True))), 20)
    if not (value.is_real and value.is_finite):
        return  # outside the domain of f (log|x| at 0)
    if on_kink_ and not clarke_stationary(expr, variables, grad, coords):
        return
    found[pt] = _ExactPoint(coords)


def _search_stratum_solution(expr: sp.Expr, variables: tuple, box: np.ndarray, subset: tuple,
                             sol: dict, add: _Add, notes: list[str], continua: list[str]) -> bool:
    """The candidates on one solution x_S = s(x_rest) of the stratum ``subset``: the stationary
    points of every branch of φ = f(s(x_rest), x_rest), passed to ``add``.  Returns whether
    they were all found (notes say what was not)."""
    rest = [v for v in variables if v not in sol]
    if not rest:
        add(tuple(sp.nsimplify(sol[v]) for v in variables), True)
        return True
    phi = expr.xreplace(sol)
    if phi.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return True  # the stratum lies outside the domain of f (log|x| on x = 0)
    pieces = branch_pieces(phi)
    if pieces is None:
        notes.append(f"more than {MAX_BRANCHES} branch combinations on a kink "
                     "stratum: not enumerated")
        return False
    idx = [variables.index(v) for v in rest]
    complete = True
    for piece, conds in pieces:
        if not _search_piece(piece, conds, rest, idx, variables, box, subset, sol, add, notes,
                             continua):
            complete = False
    return complete


def _search_piece(piece: sp.Expr, conds: list, rest: list, idx: list[int], variables: tuple,
                  box: np.ndarray, subset: tuple, sol: dict, add: _Add, notes: list[str],
                  continua: list[str]) -> bool:
    """The stationary points of one smooth branch ``piece`` of φ that satisfy its conditions
    strictly (a flat piece: points of its region), passed to ``add``.  Returns whether the
    solve was complete."""
    complete = True
    g = [sp.diff(piece, v) for v in rest]
    try:
        res = exact_critical_points(piece, tuple(rest), g, box[idx])
    except (NotImplementedError, ValueError, TypeError,
            sp.PolynomialError) as exc:
        res = _ExactSolution("partial", notes=[str(exc)])
    if res.status not in ("complete", "continuum"):
        complete = False
    subs = [dict(zip(rest, p.coords, strict=True)) for p in res.points]
    if res.status == "continuum" and all(gi == 0 for gi in g):
        flat = _flat_region_points(conds, rest, box[idx])
        if flat is None:
            complete = False
            notes.append(f"f is constant on a piece ({piece}) whose region "
                         "could not be located")
        subs += flat or []
    kept = 0
    for s in subs:
        if not _conditions_hold(conds, s):
            continue
        kept += 1
        full = {**{k: sp.nsimplify(v.xreplace(s)) for k, v in sol.items()}, **s}
        add(tuple(full[v] for v in variables), bool(subset))
    if res.status == "continuum" and kept:
        continua.append(" and ".join(f"{e} = 0" for e in subset)
                        or f"f = {piece} on an open region")
    return complete
