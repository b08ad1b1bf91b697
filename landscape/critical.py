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

**Non-smooth points**: a critical point of a non-smooth f is a point where 0 lies in the
Clarke subdifferential ∂f (the convex hull of the limits of ∇f at nearby smooth points), found
whether or not the midpoint-convention gradient (see :mod:`landscape.derive`: sign(0) = 0,
Heaviside(0) = 1/2) vanishes there.  The kinks of f are the surfaces where the argument of an
``Abs``/``sign``/``Heaviside`` vanishes, two arguments of a ``Max``/``Min`` (``relu``) tie,
or a ``Piecewise`` condition is on its boundary.  :func:`kink_points` visits every stratum —
an intersection of at most n kink surfaces, down to the open regions — restricts f to it,
solves for the stationary points of each smooth piece exactly, and keeps a point on a kink
when 0 is in the hull of the one-sided gradients there (computed at 60 digits,
:func:`clarke_stationary`).  For continuous f (``Abs``/``Max``/``Min``) with polynomial kink
surfaces and pieces this is complete; a stratum along which f is constant (|x − y| on x = y)
is a continuum, sampled and never complete; ``sign``/``Heaviside``/``Piecewise`` may jump, so
their lists are not claimed complete.  A point on a kink has no Hessian: it is reported with
``differentiable = False``, ``test = "nondifferentiable"``, no eigenvalues (NaN, ``null`` in
JSON), and its kind decided by probing f itself around the point (a comparison of values,
valid without derivatives), never by Hessian signs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from numba import njit, prange, types

from .box import require_analysis_box
from .budget import budget_seconds, run_with_budget
from .codegen import lambdify_renamed
from .errors import AnalysisError, BudgetExceeded, InputError
from .jsonutil import jsonable
from .kernel_types import G_TYPE, H_TYPE, MAT, VEC
from .progress import Progress, Stages

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
    """dist(0, conv{rows of G}) = min ‖Gᵀλ‖ over λ ≥ 0, Σλ = 1 (NNLS with the sum as a heavily
    weighted extra row)."""
    from scipy.optimize import nnls

    scale = max(1.0, float(np.max(np.abs(G))))
    w = 1e6
    A = np.vstack([G.T / scale, w * np.ones((1, G.shape[0]))])
    b = np.concatenate([np.zeros(G.shape[1]), [w]])
    lam, _ = nnls(A, b, maxiter=50 * G.shape[0])
    lam = lam / lam.sum() if lam.sum() > 0 else lam
    return float(np.linalg.norm(G.T @ lam))


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
                rest = [v for v in variables if v not in sol]
                if not rest:
                    add(tuple(sp.nsimplify(sol[v]) for v in variables), True)
                    continue
                phi = expr.xreplace(sol)
                if phi.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
                    continue  # the stratum lies outside the domain of f (log|x| on x = 0)
                pieces = branch_pieces(phi)
                if pieces is None:
                    complete = False
                    notes.append(f"more than {MAX_BRANCHES} branch combinations on a kink "
                                 "stratum: not enumerated")
                    continue
                idx = [variables.index(v) for v in rest]
                for piece, conds in pieces:
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
    if continua:
        notes.append("critical points form a continuum where " + "; ".join(
            dict.fromkeys(continua)) + " (sampled)")
    status = "complete" if complete else "partial"
    if complete and continua:
        status = "continuum"  # every stratum solved; some are continua of critical points
    return _ExactSolution(status, list(found.values()), list(dict.fromkeys(notes)))


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
    if not decided and hasattr(obj, "expr"):
        # every difference was below double precision's resolution (f underflows, as
        # (x + y)^10000 within 0.9 of its valley): compare the same values at 30 digits
        return _probe_precise(obj, x, D, radius)
    return None


def _probe_precise(obj: Any, x: np.ndarray, D: np.ndarray, radius: float) -> str | None:
    """:func:`probe_kind`'s verdict from f evaluated at 30 digits (mpmath, no underflow), with
    "noise" 10⁻²⁵ of the largest |f| involved, at the radii r and r/10 along the rows of D."""
    import mpmath

    fn = sp.lambdify(obj.variables, obj.expr, "mpmath")
    verdicts = []
    with mpmath.workdps(30):
        x0 = [mpmath.mpf(float(v)) for v in x]
        f0 = fn(*x0)
        for r in (radius, 0.1 * radius):
            diffs = []
            for d in D[:: max(1, D.shape[0] // 400)]:
                v = fn(*[a + mpmath.mpf(float(r * b)) for a, b in zip(x0, d, strict=True)])
                if not mpmath.isfinite(v) or mpmath.im(v) != 0:
                    return None
                diffs.append(v - f0)
            noise = mpmath.mpf(10) ** -25 * max([abs(f0)] + [abs(d + f0) for d in diffs])
            pos = any(d > noise for d in diffs)
            neg = any(d < -noise for d in diffs)
            verdicts.append("saddle" if pos and neg else "minimum" if pos else
                            "maximum" if neg else None)
    if None not in verdicts and len(set(verdicts)) == 1:
        return verdicts[0]
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
        self.kinks_searched = False  # set when the search by strata ran to the end

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


def _float_settled(obj: Any, x: np.ndarray) -> bool:
    """The double-precision Newton step −H⁺∇f from x is below 1e-8·max(1, ‖x‖): x is where
    Newton stops, not merely where ∇f is tiny."""
    g, H = obj.compiled.gradient(x), obj.compiled.hessian(x)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        return False
    step = np.linalg.pinv(0.5 * (H + H.T), rcond=1e-12) @ g
    return bool(np.linalg.norm(step) <= 1e-8 * max(1.0, float(np.linalg.norm(x))))


def _underflows(obj: Any, x: np.ndarray) -> bool:
    """∇f(x) is 0 in double precision but not at 30 digits: the float zero is underflow
    ((x + y)^10000 at x + y = 0.4), not a critical point."""
    import mpmath

    with mpmath.workdps(REFINE_DPS):
        sub = {v: sp.Float(float(c), REFINE_DPS) for v, c in zip(obj.variables, x, strict=True)}
        try:
            return any(sp.N(g.xreplace(sub), REFINE_DPS) != 0 for g in obj.gradient_list)
        except (TypeError, ValueError, ZeroDivisionError):
            return False


def _float_kink_stationary(ctx: _Context, x: np.ndarray) -> bool:
    """A floating-point point on a kink of f (switch within 1e-8) where 0 ∈ ∂f to 1e-5."""
    coords = tuple(float(v) for v in x)
    if not ctx.switches or not on_kink(ctx.switches, ctx.obj.variables, coords, 1e-8):
        return False
    exact = tuple(sp.Rational(v) for v in coords)
    return clarke_stationary(ctx.obj.expr, ctx.obj.variables, ctx.obj.gradient_list, exact,
                             tol=1e-5, eps=1e-7, active_tol=1e-8)


def _refine_all(ctx: _Context, cands: list[np.ndarray], snap: bool, deadline: float):
    """Refine numeric candidates; drop those the 30-digit Newton refutes."""
    obj = ctx.obj
    out = []
    dropped = kinks = underflow = 0
    for x in cands:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise BudgetExceeded("refinement budget used up")
            r = run_with_budget(refine_point, obj.gradient_list, obj.hessian, obj.variables, x,
                                50 * ctx.radius, snap, timeout=min(left, ctx.budget("refine")))
        except (BudgetExceeded, AnalysisError) as exc:
            g = float(np.linalg.norm(obj.compiled.gradient(x)))
            if not _float_settled(obj, x) or (g == 0.0 and _underflows(obj, x)):
                underflow += 1
                continue
            ctx.notes.append(f"refinement of {_fmt(x)} abandoned ({exc}); "
                             "float point kept")
            out.append((x, g, None))
            continue
        if not r.converged:
            if _float_kink_stationary(ctx, x):
                kinks += 1
                out.append((x, float(np.linalg.norm(obj.compiled.gradient(x))), None))
            else:
                dropped += 1
            continue
        out.append((np.array(r.point), r.gnorm, r.exact))
    if underflow:
        ctx.notes.append(f"{underflow} unrefined candidate point(s) were dropped: a Newton step "
                         "from them is not small (or ∇f is 0 only by underflow)")
    if kinks:
        ctx.notes.append(f"{kinks} candidate point(s) on kinks of f, where Newton has no "
                         "derivative to settle on, were kept: 0 ∈ ∂f there to 1e-5 (one-sided "
                         "gradients at distance 1e-7)")
    if dropped:
        ctx.notes.append(f"{dropped} candidate point(s) with small ‖∇f‖ were not confirmed by "
                         f"Newton at {REFINE_DPS} digits and were dropped")
    return out


@np.errstate(all="ignore")  # overflow to inf/nan is handled where it matters
def find_critical_points(
    obj: Any,
    box: Any = None,
    *,
    exact: bool = True,
    starts: Any = None,
    seed: int = 0,
    tol: float = 1e-10,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> CriticalPoints:
    """Critical points of ``obj`` in the (closed) box, classified.

    ``exact``: try the symbolic solve first (under the ``solve`` budget, or ``timeout``
    seconds); ``starts``: number of numeric starts (default 200·n) or an explicit (N, n)
    array; ``tol``: gradient tolerance of the numeric search (scaled by the typical gradient
    size) and relative eigenvalue tolerance for degeneracy.  ``complete`` is True only when
    the exact solve proved the list complete.  ``progress``: optional callback told each
    stage (exact solve, kinks, classification, numeric search; :mod:`landscape.progress`).
    """
    if obj.data_symbols:
        raise InputError("critical points of finite-sum objectives need bound data; "
                         "not supported by the symbolic analysis")
    B = require_analysis_box(obj.box(box))
    ctx = _Context(obj, B, tol, timeout, seed)
    stage = Stages(progress)
    sol: _ExactSolution | None = None
    if exact:
        stage(f"exact solve (at most {ctx.budget('solve'):.3g} s)")
        t0 = time.monotonic()
        try:
            sol = run_with_budget(exact_critical_points, obj.expr, obj.variables,
                                  obj.gradient_list, B, timeout=ctx.budget("solve"))
            ctx.notes.extend(sol.notes)
        except BudgetExceeded:
            ctx.notes.append(f"exact solve abandoned after {time.monotonic() - t0:.3g} s")
        except AnalysisError as exc:
            ctx.notes.append(f"exact solve failed ({exc})")
    if exact and ctx.switches:
        stage("kinks of f")
    ksol = _search_kinks(ctx) if exact else None
    ctx.kinks_searched = ksol is not None and ksol.status in ("complete", "continuum")
    kinks = ksol.points if ksol is not None else []
    kinks_done = ksol.status == "complete" if ksol is not None else not ctx.switches
    kinks_solved = ksol is not None and ksol.status in ("complete", "continuum")
    solved = sol is not None and sol.status in ("complete", "continuum") and (
        sol.status == "complete" or bool(sol.points))
    if solved or kinks_solved:
        # with kinks, the search by strata covers the smooth regions too: it alone is complete
        points = _merge_points(sol.points if sol is not None else [], kinks, ctx.radius)
        ctx.all_points = [tuple(float(sp.N(c, 20)) for c in p.coords) for p in points]
        stage(f"classification of {len(points)} point(s)")
        pts = [cp for ep in points for cp in _kept(_classify_exact_point, ctx, ep)]
        complete = kinks_done and (not solved or sol.status == "complete")
        if complete and ctx.n == 1 and not obj.expr.is_polynomial(*obj.variables):
            complete = _cross_check(ctx, pts, starts, seed)
        if not solved and sol is not None:  # the strata answered what ∇f = 0 could not
            ctx.notes = [note for note in ctx.notes if note not in sol.notes]
        pts.sort(key=lambda p: p.point)
        return CriticalPoints(pts, complete=complete, method="exact",
                              notes=_collapse_notes(ctx.notes))
    points = _merge_points([] if sol is None else sol.points, kinks, ctx.radius)
    exact_pts = [cp for ep in points for cp in _kept(_classify_exact_point, ctx, ep)]
    return _numeric_path(ctx, starts, seed, exact_pts, snap=exact, stage=stage)


def _search_kinks(ctx: _Context) -> _ExactSolution | None:
    """Points where 0 ∈ ∂f found by strata (:func:`kink_points`), or None without kinks."""
    if not ctx.switches:
        return None
    obj = ctx.obj
    try:
        res = run_with_budget(kink_points, obj.expr, obj.variables, obj.gradient_list,
                              ctx.box, timeout=ctx.budget("solve"))
    except (BudgetExceeded, AnalysisError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        ctx.notes.append(f"symbolic search of the kinks of f abandoned ({first})")
        return _ExactSolution("partial")
    ctx.notes.extend(res.notes)
    return res


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


def _kink_minima(ctx: _Context, seed: int, count: int = 8) -> list[np.ndarray]:
    """Minima of f on kinks when the search by strata did not run to the end: Powell's method
    (no derivatives) on f from the box's centre and ``count`` Halton starts; an end point is
    kept where f is Lipschitz nearby (the one-sided gradients at 1e-6 are not much larger than
    at 1e-4) and 0 ∈ ∂f to 1e-4 (one-sided gradients at 1e-6, kinks active within 1e-6).
    Finds minimizers only — maxima and saddles on kinks need the search by strata."""
    from scipy.optimize import minimize

    obj, box = ctx.obj, ctx.box
    X0 = np.vstack([box.mean(axis=1), _start_points(box, count, seed + 1)])
    out: list[np.ndarray] = []

    def fun(x):
        v = obj.compiled.value(x)
        return v if math.isfinite(v) else 1e300

    deadline = time.monotonic() + ctx.budget("refine")
    for x0 in X0:
        if time.monotonic() > deadline:
            break
        res = minimize(fun, x0, method="Powell", bounds=[tuple(b) for b in box],
                       options={"xtol": 1e-13, "ftol": 1e-15, "maxfev": 5_000})
        x = np.asarray(res.x, float)
        coords = tuple(float(v) for v in x)
        if any(np.linalg.norm(x - y) <= 10 * ctx.radius for y in out):
            continue
        if not on_kink(ctx.switches, obj.variables, coords, 1e-6):
            continue
        exact = tuple(sp.Rational(v) for v in coords)
        near = [limiting_gradients(obj.expr, obj.variables, obj.gradient_list, exact, eps=e,
                                   active_tol=1e-6) for e in (1e-6, 1e-4)]
        if near[0].shape != near[1].shape or not near[0].size or not np.all(
                np.linalg.norm(near[0], axis=1) <= 2 * np.linalg.norm(near[1], axis=1) + 1):
            continue  # gradients blow up towards x (log|x| at 0): f is not Lipschitz there
        if clarke_stationary(obj.expr, obj.variables, obj.gradient_list, exact, tol=1e-4,
                             eps=1e-6, active_tol=1e-6):
            out.append(x)
    if out:
        ctx.notes.append(f"{len(out)} minimum/minima on kinks of f found by minimising f "
                         "(Powell) and checked: 0 ∈ ∂f to 1e-4")
    return out


def _numeric_path(ctx: _Context, starts: Any, seed: int, exact_pts: list[CriticalPoint],
                  snap: bool, stage: Stages | None = None) -> CriticalPoints:
    stage = stage or Stages(None)
    stage("numeric search")
    cands, count = _numeric_candidates(ctx, starts, seed)
    cands = [x for x in cands
             if all(np.linalg.norm(x - np.array(p.point)) > 10 * ctx.radius for p in exact_pts)]
    deadline = time.monotonic() + 3.0 * ctx.budget("refine")
    refined = _refine_all(ctx, cands, snap, deadline)
    if ctx.switches and not ctx.kinks_searched:
        known = [np.array(p.point) for p in exact_pts] + [r[0] for r in refined]
        refined += [(x, float(np.linalg.norm(ctx.obj.compiled.gradient(x))), None)
                    for x in _kink_minima(ctx, seed)
                    if all(np.linalg.norm(x - k) > 10 * ctx.radius for k in known)]
    pts_arr = [r[0] for r in refined]
    reps = _dedupe(pts_arr, [r[1] for r in refined], ctx.radius)
    refined = [refined[i] for i in reps]
    ctx.all_points = [p.point for p in exact_pts] + [tuple(r[0]) for r in refined]
    stage(f"classification of {len(refined)} point(s)")
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
