"""Critical points of an objective in a box: exact where SymPy can prove it, numeric otherwise.

**Exact path** (symbolic steps run under :func:`landscape.budget.run_with_budget`):

* one variable, polynomial f': the real roots of f' (``Poly.real_roots``: rationals, radicals
  and ``CRootOf``) — complete;
* one variable, otherwise: ``solveset(f', x, [lo, hi])``.  A ``FiniteSet`` (also inside unions,
  intersections with the box, complements of finite sets) is complete; ``ImageSet`` families
  ``a + b·k, k ∈ ℤ`` are enumerated on the bounded interval; a ``ConditionSet`` is not complete;
* n variables, polynomial ∇f: a lex Gröbner basis.  When the system is zero-dimensional we bring
  it to *shape* form ``{x_i − p_i(t), q(t)}`` for a separating linear form ``t`` (after making the
  ideal radical with the square-free parts of its univariate elimination polynomials,
  Seidenberg's lemma), so the real solutions are exactly ``x_i = p_i(θ)`` for the real roots θ of
  ``q`` — complete.  (``sympy.solve_poly_system`` silently drops roots of unsolvable quintics,
  e.g. 5 of Himmelblau's 9 critical points, so it is not used.)  A positive-dimensional system
  is reported as a continuum with a few sampled points (never complete);
* non-polynomial systems in n ≥ 2 variables have no complete symbolic method here.

**Numeric path**: Halton starts in the box, Newton on ∇f = 0 with a Levenberg–Marquardt
safeguard (one Numba kernel compiled once, the objective's kernels passed as first-class
functions), deduplication, refinement to 30 digits (mpmath Newton, under a budget) which also
*confirms* each point, and an attempt to recognise the refined point as an exact number
(0, p/q, p/q·π, ±√(p/q)) verified by substituting it into ∇f exactly.

**Classification**: Hessian eigenvalues (exact with SymPy at exact points for n ≤ 4, else
NumPy/mpmath).  Nondegenerate → by signs.  Degenerate with both signs → saddle.  Otherwise a
higher-order test: at exact points the splitting lemma (reduce f to the Hessian's null space by
solving ∂f/∂(range) = 0 as a power series, then read the lowest non-vanishing homogeneous
term); elsewhere local probing of f(x*+r·d) − f(x*) over many directions and radii.

**Non-smooth points**: a critical point that lies on a *kink* of f — where the argument of an
``Abs``/``sign``/``Heaviside`` vanishes, two arguments of a ``Max``/``Min`` tie for the
extreme value, or a ``Piecewise`` condition is on its boundary — has no Hessian.  It is
reported with ``differentiable = False``, ``test = "nondifferentiable"``, no eigenvalues (NaN,
``null`` in JSON), and its kind decided by probing f itself around the point (a comparison of
values, valid without derivatives), never by Hessian signs.  Kinks where the conventional
gradient (see :mod:`landscape.derive`: sign(0) = 0, Heaviside(0) = 1/2) vanishes are searched
symbolically (``abs(x) + abs(y)`` at the origin, which Newton on ∇f cannot find); a formula
with ``Piecewise`` is never reported complete, since its derivative at a branch boundary is
that of one branch rather than the midpoint convention.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from numba import njit, prange, types

from .budget import budget_seconds, run_with_budget
from .codegen import lambdify_renamed
from .errors import AnalysisError, BudgetExceeded, InputError
from .jsonutil import jsonable
from .kernel_types import G_TYPE, H_TYPE, MAT, VEC

#: Kinds of critical points.
KINDS = ("minimum", "maximum", "saddle", "unknown")

#: Highest total degree of the Taylor expansion used by the higher-order test.
TAYLOR_DEGREE_ND = 8
TAYLOR_DEGREE_1D = 16

#: Decimal digits of the refinement.
REFINE_DPS = 30

# ============================================================================ results


@dataclass
class CriticalPoint:
    """One critical point, classified (JSON fields of design.md, plus the exact forms)."""

    point: tuple[float, ...]
    value: float
    gradient_norm: float
    eigenvalues: tuple[float, ...]
    condition_number: float
    index: int
    kind: str
    degenerate: bool
    test: str
    exact: bool
    point_exact: tuple[sp.Expr, ...] | None = None
    eigenvalues_exact: tuple[sp.Expr, ...] | None = None
    differentiable: bool = True

    def to_json(self) -> dict[str, Any]:
        """The design.md shape (non-finite numbers → ``None``).

        A point on a kink of f adds ``"differentiable": false`` (the key is absent otherwise,
        so smooth results keep exactly the documented shape).
        """
        extra = {} if self.differentiable else {"differentiable": False}
        return jsonable(
            {
                "point": [float(v) for v in self.point],
                "value": float(self.value),
                "gradient_norm": float(self.gradient_norm),
                "eigenvalues": [float(v) for v in self.eigenvalues],
                "condition_number": float(self.condition_number),
                "index": int(self.index),
                "kind": self.kind,
                "degenerate": bool(self.degenerate),
                "test": self.test,
                "exact": bool(self.exact),
                **extra,
            }
        )


class CriticalPoints(list):
    """A list of :class:`CriticalPoint` with how it was obtained.

    ``complete`` is True only when an exact solve proved the list complete in the box;
    ``method`` is ``"exact"`` or ``"numeric"``; ``notes`` say what failed or was abandoned.
    """

    def __init__(
        self,
        points: Any = (),
        *,
        complete: bool = False,
        method: str = "numeric",
        notes: list[str] | None = None,
    ):
        super().__init__(points)
        self.complete = bool(complete)
        self.method = method
        self.notes = list(notes or [])

    def to_json(self) -> dict[str, Any]:
        """``{"critical_points": [...], "critical_points_complete", "..._method", "..._notes"}``."""
        return {
            "critical_points": [p.to_json() for p in self],
            "critical_points_complete": self.complete,
            "critical_points_method": self.method,
            "critical_points_notes": list(self.notes),
        }


# ============================================================================ numeric kernel

_I64V = types.int64[::1]
_NEWTON_SIG = types.void(
    G_TYPE, H_TYPE, MAT, MAT, MAT, types.int64, types.float64, MAT, VEC, _I64V
)

#: Status codes of :func:`newton_batch`.
CONVERGED, MAXITER, STALLED, LEFT_BOX, NONFINITE = 0, 1, 2, 3, 4


@njit(cache=True, error_model="numpy")
def _cholesky_solve(A, b, out):  # pragma: no cover - compiled
    """Solve A·out = b in place by Cholesky (A overwritten); False when A is not SPD."""
    n = A.shape[0]
    for j in range(n):
        s = A[j, j]
        for k in range(j):
            s -= A[j, k] * A[j, k]
        if not (s > 0.0):
            return False
        d = np.sqrt(s)
        A[j, j] = d
        for i in range(j + 1, n):
            t = A[i, j]
            for k in range(j):
                t -= A[i, k] * A[j, k]
            A[i, j] = t / d
    for i in range(n):
        t = b[i]
        for k in range(i):
            t -= A[i, k] * out[k]
        out[i] = t / A[i, i]
    for i in range(n - 1, -1, -1):
        t = out[i]
        for k in range(i + 1, n):
            t -= A[k, i] * out[k]
        out[i] = t / A[i, i]
    return True


@njit(cache=True, error_model="numpy")
def _sqnorm(v):  # pragma: no cover - compiled
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * v[i]
    return s


@njit(cache=True, error_model="numpy")
def _outside(x, box):  # pragma: no cover - compiled
    """True when x left the box enlarged by half its width on each side."""
    for i in range(x.shape[0]):
        w = box[i, 1] - box[i, 0]
        if x[i] < box[i, 0] - 0.5 * w or x[i] > box[i, 1] + 0.5 * w:
            return True
    return False


@njit(_NEWTON_SIG, cache=True, parallel=True, error_model="numpy")
def newton_batch(g, h, D, X0, box, maxiter, gtol, X, gnorm, status):  # pragma: no cover
    """Newton on F = ∇f = 0 from each row of X0, with a Levenberg–Marquardt safeguard.

    The Jacobian of F is the Hessian H.  Each step solves (H² + λI) s = −H·∇f (H symmetric, so
    HᵀH = H²) with λ = μ‖∇f‖ (Yamashita–Fukushima: quadratic convergence at nondegenerate
    roots and local convergence even where H is singular) and accepts it when ‖∇f‖ decreases;
    otherwise μ grows tenfold.  μ → 1e-14 gives the pure Newton step.  Writes the final
    points into X, ‖∇f‖ into gnorm and a status code (CONVERGED, MAXITER, STALLED, LEFT_BOX,
    NONFINITE) per start.  Workspace is allocated once per start, nothing in the iteration.
    """
    N, n = X0.shape
    for k in prange(N):
        x = X[k]
        gx = np.empty(n)
        H = np.empty((n, n))
        A = np.empty((n, n))
        rhs = np.empty(n)
        s = np.empty(n)
        xt = np.empty(n)
        gt = np.empty(n)
        for i in range(n):
            x[i] = X0[k, i]
        g(x, D, gx)
        gn2 = _sqnorm(gx)
        mu = 1e-8
        st = MAXITER
        for _ in range(maxiter):
            if not np.isfinite(gn2):
                st = NONFINITE
                break
            if np.sqrt(gn2) <= gtol:
                st = CONVERGED
                break
            h(x, D, H)
            lam_scale = np.sqrt(gn2)
            accepted = False
            for _inner in range(60):
                for i in range(n):
                    t = 0.0
                    for j in range(n):
                        t -= H[i, j] * gx[j]
                    rhs[i] = t
                    for j in range(n):
                        a = 0.0
                        for m in range(n):
                            a += H[i, m] * H[m, j]
                        A[i, j] = a
                    A[i, i] += mu * lam_scale
                if _cholesky_solve(A, rhs, s):
                    for i in range(n):
                        xt[i] = x[i] + s[i]
                    g(xt, D, gt)
                    gt2 = _sqnorm(gt)
                    if gt2 < gn2:
                        for i in range(n):
                            x[i] = xt[i]
                            gx[i] = gt[i]
                        gn2 = gt2
                        mu = max(mu * 0.1, 1e-14)
                        accepted = True
                        break
                mu *= 10.0
            if not accepted:
                st = STALLED
                break
            if _outside(x, box):
                st = LEFT_BOX
                break
        if st != NONFINITE and np.isfinite(gn2) and np.sqrt(gn2) <= gtol:
            st = CONVERGED
        gnorm[k] = np.sqrt(gn2)
        status[k] = st


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


def exact_critical_points(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], grad: list[sp.Expr], box: np.ndarray
) -> _ExactSolution:
    """Solve ∇f = 0 symbolically in the box (run this under a budget)."""
    grad = [rationalize(sp.expand(g) if g.is_polynomial(*variables) else g) for g in grad]
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


def kink_points(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], grad: list[sp.Expr], box: np.ndarray,
    max_switches: int = 6,
) -> list[_ExactPoint]:
    """Kinks where the conventional gradient vanishes (run this under a budget).

    For every set S of at most n polynomial switching equations (u = 0, or a − b = 0 for ties),
    solve S for some variables, substitute into ∇f (``sign(0)`` becomes 0 exactly) and solve
    what is left for the remaining variables; keep isolated real points in the box where every
    component of ∇f is exactly 0.
    """
    from itertools import combinations

    eqs: list[sp.Expr] = []
    for kind, args in switching_functions(expr):
        cand = [args[0]] if kind == "zero" else [a - b for a, b in combinations(args, 2)]
        for e in cand:
            e = rationalize(sp.expand(e))
            if e.free_symbols and e.is_polynomial(*variables) and e not in eqs:
                eqs.append(e)
    if not eqs or len(eqs) > max_switches:
        return []
    found: dict[tuple, _ExactPoint] = {}
    for size in range(1, min(len(variables), len(eqs)) + 1):
        for subset in combinations(eqs, size):
            for sol in sp.solve(list(subset), list(variables), dict=True):
                rest = [v for v in variables if v not in sol]
                g = [sp.simplify(gi.subs(sol)) for gi in grad]
                todo = [gi for gi in g if gi != 0]
                if rest:
                    if not todo or not all(gi.is_polynomial(*rest) for gi in todo):
                        continue
                    extra = sp.solve(todo, rest, dict=True)
                else:
                    if todo:
                        continue
                    extra = [{}]
                for more in extra:
                    full = {**{k: v.subs(more) for k, v in sol.items()}, **more}
                    coords = tuple(sp.nsimplify(full.get(v, v)) for v in variables)
                    if any(c.free_symbols or not c.is_real for c in coords):
                        continue
                    sub = dict(zip(variables, coords, strict=True))
                    if any(not is_zero(gi.xreplace(sub)) for gi in grad):
                        continue
                    pt = tuple(float(c) for c in coords)
                    if _in_box(pt, box):
                        found.setdefault(pt, _ExactPoint(coords))
    return list(found.values())


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


# ----------------------------------------------------------------- higher-order (splitting lemma)


def _truncate(expr: sp.Expr, gens: tuple[sp.Symbol, ...], degree: int) -> sp.Expr:
    """The terms of total degree ≤ ``degree`` of a polynomial in ``gens``."""
    p = sp.Poly(sp.expand(expr), *gens)
    return sum(
        (c * sp.Mul(*[g**e for g, e in zip(gens, m, strict=True)])
         for m, c in p.terms() if sum(m) <= degree),
        sp.S.Zero,
    )


def taylor_polynomial(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], point: tuple[sp.Expr, ...],
    z: tuple[sp.Symbol, ...], degree: int,
) -> sp.Expr:
    """Σ_{|α| ≤ degree} ∂^α f(p) z^α / α!  (exact; polynomials are simply re-expanded)."""
    shifted = {v: p + zi for v, p, zi in zip(variables, point, z, strict=True)}
    if expr.is_polynomial(*variables):
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

    Converged when ‖∇f‖ < 1e-25·max(1, ‖∇f‖ scale) within ``radius`` of x0.  When ``snap``,
    each coordinate is matched to a simple exact number and the match is kept only if every
    component of ∇f vanishes exactly there.
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
        for _ in range(300):
            if mpmath.norm(gv) <= target:
                break
            Hv = mpmath.matrix(hf(*x))
            try:
                step = mpmath.lu_solve(Hv, -gv)
            except ZeroDivisionError:
                step = mpmath.qr_solve(Hv, -gv)[0]
            x = x + step
            gv = mpmath.matrix(gf(*x))
            if mpmath.norm(x - start) > radius:
                return _Refined(tuple(float(v) for v in x0), float("nan"), False)
        gnorm = mpmath.norm(gv)
        converged = bool(gnorm <= target)
        point = tuple(float(v) for v in x)
        exact = None
        if snap and converged:
            err = max(1e-20, float(mpmath.cbrt(gnorm)))
            exact = _snap(grad, variables, [float(v) for v in x], 1e3 * err)
        return _Refined(point, float(gnorm), converged, exact)


def _snap(grad, variables, point, tol) -> tuple[sp.Expr, ...] | None:
    choices = [_snap_candidates(v, max(tol, 1e-12 * max(1.0, abs(v)))) for v in point]
    if any(not c for c in choices):
        return None
    guess = tuple(c[0] for c in choices)
    sub = dict(zip(variables, guess, strict=True))
    if all(is_zero(g.xreplace(sub)) for g in grad):
        return guess
    return None


# ============================================================================ probing


def probe_kind(
    obj: Any, x: np.ndarray, eigvecs: np.ndarray, null_mask: np.ndarray, radius: float,
    rng: np.random.Generator,
) -> str | None:
    """Kind from f(x*+r·d) − f(x*) over many directions d and radii r (None if inconsistent).

    Directions: 400·n random unit vectors, ± every Hessian eigenvector, and null-space vectors
    bent towards the range (v + c·r·u) — where degenerate saddles hide (x² − y⁴, Peano's
    (x−y²)(x−2y²)).  At each radius, with "noise" the rounding level of the differences:
    some above and some below the noise → saddle; none below and some above → minimum
    (possibly non-strict, as along a valley of minima); none above and some below → maximum.
    Decided only when every radius that decides agrees, and at least two do.
    """
    n = x.shape[0]
    dirs = [rng.standard_normal((400 * n, n)), eigvecs.T, -eigvecs.T]
    null = eigvecs[:, null_mask]
    rangev = eigvecs[:, ~null_mask]
    verdicts = []
    f0 = obj.compiled.value(x)
    for r in radius * np.array([1.0, 0.3, 0.1, 0.03]):
        extra = []
        for j in range(null.shape[1]):
            for i in range(rangev.shape[1]):
                for c in (-4, -2, -1, -0.5, 0.5, 1, 2, 4):
                    for s in (1, -1):
                        extra.append(s * null[:, j] + c * r * rangev[:, i])
        D = np.vstack(dirs + ([np.array(extra)] if extra else []))
        D /= np.linalg.norm(D, axis=1, keepdims=True)
        vals = obj.compiled.values(x + r * D) - f0
        noise = 64 * np.finfo(float).eps * max(1.0, abs(f0), float(np.max(np.abs(vals + f0))))
        pos, neg = bool(np.any(vals > noise)), bool(np.any(vals < -noise))
        if not np.all(np.isfinite(vals)):
            verdicts.append(None)
        elif pos and neg:
            verdicts.append("saddle")
        elif pos:
            verdicts.append("minimum")
        elif neg:
            verdicts.append("maximum")
        else:
            verdicts.append(None)
    decided = [v for v in verdicts if v is not None]
    if len(decided) >= 2 and len(set(decided)) == 1:
        return decided[0]
    return None


# ============================================================================ orchestration


def _default_starts(n: int) -> int:
    return 200 * n + 56 * (n == 1)


def _start_points(box: np.ndarray, starts: Any, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    n = box.shape[0]
    if starts is not None and not np.isscalar(starts):
        X0 = np.asarray(starts, dtype=float).reshape(-1, n)
        return np.ascontiguousarray(X0)
    count = int(starts) if starts is not None else _default_starts(n)
    if count < 1:
        raise InputError("starts must be a positive number of points")
    U = qmc.Halton(d=n, scramble=True, seed=seed).random(count)
    return np.ascontiguousarray(box[:, 0] + U * (box[:, 1] - box[:, 0]))


def _dedupe(points: list[np.ndarray], gnorms: list[float], radius: float) -> list[int]:
    """Greedy clustering, best gradient first: indices of the representatives."""
    order = np.argsort(gnorms)
    reps: list[int] = []
    for i in order:
        if all(np.linalg.norm(points[i] - points[j]) > radius for j in reps):
            reps.append(int(i))
    return reps


def _collapse_notes(notes: list[str]) -> list[str]:
    """Keep at most three per-point higher-order notes; summarise the rest."""
    per_point = [n for n in notes if n.startswith("higher-order test at")]
    if len(per_point) <= 3:
        return notes
    rest = [n for n in notes if not n.startswith("higher-order test at")]
    return rest + per_point[:3] + [f"... and {len(per_point) - 3} more points where the "
                                   "higher-order test was inconclusive (decided by probing)"]


class _Context:
    """Shared state of one run: objective, box, tolerances, deadlines, notes."""

    def __init__(self, obj, box, tol, timeout, seed):
        self.obj = obj
        self.box = box
        self.n = obj.n
        self.tol = tol
        self.timeout = timeout
        self.rng = np.random.default_rng(seed)
        self.diameter = float(np.linalg.norm(box[:, 1] - box[:, 0]))
        self.radius = 1e-4 * self.diameter
        self.notes: list[str] = []
        self.switches = switching_functions(obj.expr)

    def budget(self, name: str) -> float:
        b = budget_seconds(name)
        return min(b, self.timeout) if self.timeout is not None else b


def _numeric_candidates(ctx: _Context, starts: Any, seed: int) -> tuple[list[np.ndarray], int]:
    """Run the compiled Newton/LM from all starts; converged points inside the box, deduped."""
    obj, box = ctx.obj, ctx.box
    X0 = _start_points(box, starts, seed)
    c = obj.compiled
    G0 = c.gradients(X0)
    gscale = float(np.median(np.linalg.norm(G0, axis=1)))
    gtol = ctx.tol * max(1.0, gscale if math.isfinite(gscale) else 1.0)
    X = np.empty_like(X0)
    gnorm = np.empty(X0.shape[0])
    status = np.empty(X0.shape[0], dtype=np.int64)
    newton_batch(c.g, c.h, c.data, X0, np.ascontiguousarray(box), 200, gtol, X, gnorm, status)
    keep = [
        i for i in range(X0.shape[0])
        if gnorm[i] <= 1e3 * gtol and status[i] != NONFINITE and _in_box(tuple(X[i]), box, 1e-9)
    ]
    pts = [np.clip(X[i], box[:, 0], box[:, 1]) for i in keep]
    reps = _dedupe(pts, [float(gnorm[i]) for i in keep], ctx.radius)
    return [pts[i] for i in reps], X0.shape[0]


def _finish_numeric(ctx: _Context, x: np.ndarray, gnorm: float, exact: bool) -> CriticalPoint:
    """Classify a numeric point: compiled Hessian eigenvalues, then probing if degenerate."""
    obj, n = ctx.obj, ctx.n
    kink = _kink_point(ctx, x, gnorm, None, exact)
    if kink is not None:
        return kink
    H = obj.compiled.hessian(x)
    evals, evecs = np.linalg.eigh(0.5 * (H + H.T))
    hnorm = float(np.max(np.abs(evals))) if n else 0.0
    tau = max(ctx.tol, 10 * math.sqrt(max(gnorm, 0.0))) * max(1.0, hnorm)
    null = np.abs(evals) <= tau
    return _assemble(ctx, x, obj.compiled.value(x), gnorm, evals, evecs, null, None, None, exact)


class _OutsideDomain(Exception):
    """A candidate point where f itself is not finite (a kink of log|x| at 0): not a point."""


def _kept(make: Any, *args: Any) -> list[CriticalPoint]:
    """``[make(*args)]``, or ``[]`` when the candidate lies outside the domain of f."""
    try:
        return [make(*args)]
    except _OutsideDomain:
        return []


def _kink_point(ctx: _Context, x, gnorm: float, point_exact, exact: bool) -> CriticalPoint | None:
    """The point classified without a Hessian if it lies on a kink of f, else None."""
    if not ctx.switches:
        return None
    coords = point_exact if point_exact is not None else tuple(float(v) for v in x)
    tol = 1e-20 if point_exact is not None else 1e-8
    if not on_kink(ctx.switches, ctx.obj.variables, coords, tol):
        return None
    n = ctx.n
    xf = np.asarray(x, float)
    if point_exact is not None:
        sub = dict(zip(ctx.obj.variables, point_exact, strict=True))
        v = sp.N(ctx.obj.expr.xreplace(sub), 30)
        if not (v.is_real and v.is_finite):
            raise _OutsideDomain  # e.g. log|x| at 0: f is not defined there
        value = float(v)
    else:
        value = ctx.obj.compiled.value(xf)
        if not math.isfinite(value):
            raise _OutsideDomain
    kind = probe_kind(ctx.obj, xf, np.eye(n), np.ones(n, dtype=bool), _probe_radius(ctx, xf),
                      ctx.rng)
    return CriticalPoint(
        point=tuple(float(v) + 0.0 for v in xf), value=value + 0.0, gradient_norm=float(gnorm),
        eigenvalues=(math.nan,) * n, condition_number=math.nan, index=0,
        kind=kind or "unknown", degenerate=False, test="nondifferentiable", exact=exact,
        point_exact=point_exact, eigenvalues_exact=None, differentiable=False,
    )


def _assemble(ctx, x, value, gnorm, evals, evecs, null, eig_exact, point_exact, exact,
              kind=None, decided_note=None):
    n = ctx.n
    degenerate = bool(np.any(null))
    neg = (evals < 0) & ~null
    pos = (evals > 0) & ~null
    index = int(np.sum(neg))
    if not degenerate:
        kind = "minimum" if index == 0 else ("maximum" if index == n else "saddle")
        test = "hessian"
    elif np.any(neg) and np.any(pos):
        kind, test = "saddle", "hessian"
    else:
        if kind is None:
            kind = probe_kind(ctx.obj, np.asarray(x, float), evecs, null,
                              _probe_radius(ctx, x), ctx.rng)
        test = "higher-order" if kind is not None else "inconclusive"
        kind = kind or "unknown"
    absv = np.abs(evals)
    cond = float(absv.max() / absv.min()) if (not degenerate and absv.min() > 0) else math.inf
    return CriticalPoint(
        point=tuple(float(v) + 0.0 for v in x),
        value=float(value) + 0.0,
        gradient_norm=float(gnorm),
        eigenvalues=tuple(float(v) + 0.0 for v in evals),
        condition_number=cond,
        index=index,
        kind=kind,
        degenerate=degenerate,
        test=test,
        exact=exact,
        point_exact=point_exact,
        eigenvalues_exact=eig_exact,
    )


def _fmt(x: Any) -> str:
    return "(" + ", ".join(f"{float(v):.6g}" for v in x) + ")"


def _probe_radius(ctx: _Context, x) -> float:
    width = float(np.min(ctx.box[:, 1] - ctx.box[:, 0]))
    r = 0.02 * width
    others = getattr(ctx, "all_points", [])
    for p in others:
        d = float(np.linalg.norm(np.asarray(p) - np.asarray(x)))
        if d > ctx.radius:
            r = min(r, 0.25 * d)
    return r


def _classify_exact_point(ctx: _Context, ep: _ExactPoint) -> CriticalPoint:
    obj = ctx.obj
    floats = np.array([float(sp.N(c, 30)) for c in ep.coords])
    kink = _kink_point(ctx, floats, 0.0, ep.coords, True)
    if kink is not None:
        return kink
    try:
        res = run_with_budget(
            classify_exact, obj.expr, obj.variables, obj.hessian, ep,
            timeout=ctx.budget("eigenvalues"),
        )
    except (BudgetExceeded, AnalysisError) as exc:
        ctx.notes.append(f"exact classification of {_fmt(floats)} abandoned ({exc}); "
                         "classified numerically")
        cp = _finish_numeric(ctx, floats, 0.0, True)
        cp.point_exact = ep.coords
        return cp
    evals = np.array(res.eigenvalues)
    H = obj.compiled.hessian(floats)
    _, evecs = np.linalg.eigh(0.5 * (H + H.T))
    null = np.array(res.zero)
    if res.note and res.kind is None:
        ctx.notes.append(f"higher-order test at {_fmt(floats)}: {res.note}; probing")
    return _assemble(ctx, floats, res.value, 0.0, evals, evecs, null, res.eigenvalues_exact,
                     ep.coords, True, kind=res.kind)


def _refine_all(ctx: _Context, cands: list[np.ndarray], snap: bool, deadline: float):
    """Refine numeric candidates; drop those the 30-digit Newton refutes."""
    obj = ctx.obj
    out = []
    dropped = 0
    for x in cands:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise BudgetExceeded("refinement budget used up")
            r = run_with_budget(refine_point, obj.gradient_list, obj.hessian, obj.variables, x,
                                50 * ctx.radius, snap, timeout=min(left, ctx.budget("refine")))
        except (BudgetExceeded, AnalysisError) as exc:
            ctx.notes.append(f"refinement of {_fmt(x)} abandoned ({exc}); "
                             "float point kept")
            g = float(np.linalg.norm(obj.compiled.gradient(x)))
            out.append((x, g, None))
            continue
        if not r.converged:
            dropped += 1
            continue
        out.append((np.array(r.point), r.gnorm, r.exact))
    if dropped:
        ctx.notes.append(f"{dropped} candidate point(s) with small ‖∇f‖ were not confirmed by "
                         f"Newton at {REFINE_DPS} digits and were dropped")
    return out


def find_critical_points(
    obj: Any,
    box: Any = None,
    *,
    exact: bool = True,
    starts: Any = None,
    seed: int = 0,
    tol: float = 1e-10,
    timeout: float | None = None,
) -> CriticalPoints:
    """Critical points of ``obj`` in the (closed) box, classified.

    ``exact``: try the symbolic solve first (under the ``solve`` budget, or ``timeout``
    seconds); ``starts``: number of numeric starts (default 200·n) or an explicit (N, n)
    array; ``tol``: gradient tolerance of the numeric search (scaled by the typical gradient
    size) and relative eigenvalue tolerance for degeneracy.  ``complete`` is True only when
    the exact solve proved the list complete.
    """
    if obj.data_symbols:
        raise InputError("critical points of finite-sum objectives need bound data; "
                         "not supported by the symbolic analysis")
    B = obj.box(box)
    ctx = _Context(obj, B, tol, timeout, seed)
    sol: _ExactSolution | None = None
    if exact:
        t0 = time.monotonic()
        try:
            sol = run_with_budget(exact_critical_points, obj.expr, obj.variables,
                                  obj.gradient_list, B, timeout=ctx.budget("solve"))
            ctx.notes.extend(sol.notes)
        except BudgetExceeded:
            ctx.notes.append(f"exact solve abandoned after {time.monotonic() - t0:.3g} s")
        except AnalysisError as exc:
            ctx.notes.append(f"exact solve failed ({exc})")
    kinks, kinks_done = _search_kinks(ctx) if exact else ([], not ctx.switches)
    if sol is not None and sol.status in ("complete", "continuum") and (
        sol.status == "complete" or sol.points
    ):
        points = _merge_points(sol.points, kinks, ctx.radius)
        ctx.all_points = [tuple(float(sp.N(c, 20)) for c in p.coords) for p in points]
        pts = [cp for ep in points for cp in _kept(_classify_exact_point, ctx, ep)]
        complete = sol.status == "complete" and kinks_done
        if complete and obj.expr.has(sp.Piecewise):
            complete = False
            ctx.notes.append("f has branches (Piecewise): points on a branch boundary where 0 is "
                             "between the one-sided derivatives may be missing")
        if complete and ctx.n == 1 and not obj.expr.is_polynomial(*obj.variables):
            complete = _cross_check(ctx, pts, starts, seed)
        pts.sort(key=lambda p: p.point)
        return CriticalPoints(pts, complete=complete, method="exact",
                              notes=_collapse_notes(ctx.notes))
    points = _merge_points([] if sol is None else sol.points, kinks, ctx.radius)
    exact_pts = [cp for ep in points for cp in _kept(_classify_exact_point, ctx, ep)]
    return _numeric_path(ctx, starts, seed, exact_pts, snap=exact)


def _search_kinks(ctx: _Context) -> tuple[list[_ExactPoint], bool]:
    """Kinks of f where the conventional gradient is 0 (exact); and whether the search ran."""
    if not ctx.switches:
        return [], True
    obj = ctx.obj
    try:
        return run_with_budget(kink_points, obj.expr, obj.variables, obj.gradient_list,
                               ctx.box, timeout=ctx.budget("solve")), True
    except (BudgetExceeded, AnalysisError) as exc:
        ctx.notes.append(f"symbolic search of the kinks of f abandoned ({exc})")
        return [], False


def _merge_points(points: list[_ExactPoint], more: list[_ExactPoint],
                  radius: float) -> list[_ExactPoint]:
    """``points`` plus those of ``more`` that are not within ``radius`` of one of them."""
    out = list(points)
    have = [np.array([float(sp.N(c, 20)) for c in p.coords]) for p in out]
    for p in more:
        x = np.array([float(sp.N(c, 20)) for c in p.coords])
        if all(np.linalg.norm(x - h) > radius for h in have):
            out.append(p)
            have.append(x)
    return out


def _cross_check(ctx: _Context, pts: list[CriticalPoint], starts: Any, seed: int) -> bool:
    """Measured check of a solveset answer: numeric roots it misses make the list incomplete."""
    cands, _ = _numeric_candidates(ctx, starts, seed)
    missing = [x for x in cands
               if all(np.linalg.norm(x - np.array(p.point)) > 10 * ctx.radius for p in pts)]
    if not missing:
        return True
    deadline = time.monotonic() + ctx.budget("refine")
    confirmed = _refine_all(ctx, missing, False, deadline)
    for x, g, _ in confirmed:
        pts.extend(_kept(_finish_numeric, ctx, x, g, False))
    if confirmed:
        ctx.notes.append(f"numeric search found {len(confirmed)} critical point(s) the exact "
                         "solver missed; list not proved complete")
    return not confirmed


def _numeric_path(ctx: _Context, starts: Any, seed: int, exact_pts: list[CriticalPoint],
                  snap: bool) -> CriticalPoints:
    cands, count = _numeric_candidates(ctx, starts, seed)
    cands = [x for x in cands
             if all(np.linalg.norm(x - np.array(p.point)) > 10 * ctx.radius for p in exact_pts)]
    deadline = time.monotonic() + 3.0 * ctx.budget("refine")
    refined = _refine_all(ctx, cands, snap, deadline)
    pts_arr = [r[0] for r in refined]
    reps = _dedupe(pts_arr, [r[1] for r in refined], ctx.radius)
    refined = [refined[i] for i in reps]
    ctx.all_points = [p.point for p in exact_pts] + [tuple(r[0]) for r in refined]
    points = list(exact_pts)
    for x, g, ex in refined:
        if ex is not None:
            points.extend(_kept(_classify_exact_point, ctx, _ExactPoint(ex)))
        else:
            points.extend(_kept(_finish_numeric, ctx, x, g, False))
    points.sort(key=lambda p: p.point)
    ctx.notes.append(
        f"numeric search of the box with {count} starts (Newton/Levenberg–Marquardt on ∇f = 0); "
        "the list may be incomplete"
    )
    if len(points) > 20 and sum(p.degenerate for p in points) > 0.8 * len(points):
        ctx.notes.append("most points are degenerate: the critical points may form a continuum")
    return CriticalPoints(points, complete=False, method="numeric",
                          notes=_collapse_notes(ctx.notes))
