"""Vanishing gradients: regions of the box where ‖∇f‖ < threshold, plateaus, activation chains.

A *vanishing region* is a connected set of the box where ‖∇f‖ < t.  It is a *plateau* when f
there is far above the box minimum — more than :data:`PLATEAU_FRACTION` of the range
max f − min f over the box — i.e. it is not just the neighbourhood of a minimizer, where a
small gradient is expected — and it is not merely the neighbourhood of a nondegenerate
critical point (a local maximum or a saddle, where ‖∇f‖ < t only within ≈ t/|λ|).  Each
region says whether it contains a critical point (found by minimising ‖∇f‖² inside it) and
whether that point is degenerate.

* One variable: the region boundaries are the solutions of |f'(x)| = t.  For polynomial f they
  are the real roots of f' − t and f' + t (exact, complete); otherwise sign changes of
  |f'| − t on a fine grid, refined by ``brentq`` (numeric; features narrower than the grid
  spacing can be missed).
* n ≤ 4 variables: a regular grid of the box (about 2·10⁵ points), gradients through the
  compiled ``g_cols`` kernel, connected components (full connectivity).  Below the grid's
  resolution: every critical point passed in, and every local minimum of ‖∇f‖ on the grid
  that can reach t within a cell (‖∇f‖ ≤ t + 4‖H‖·reach), refined by the compiled
  Levenberg–Marquardt batch; each one not in a region yet starts one.  n > 4: Halton samples
  grouped by single linkage.
* Extents are measured, not taken from the grid: first exits of ‖∇f‖ < t along rays from the
  region's point and along the grid edges leaving it, each extreme pushed further by SLSQP on
  ‖∇f‖ ≤ t.  Where the Hessian at a degenerate critical point has a one-dimensional null
  space, the curve of critical points through it is traced (predictor along the null vector,
  pseudo-inverse Newton corrector) and is one region.
* Labels (:func:`region_label`): around a critical point of a given kind (or along a curve of
  them), a ``tail`` (‖∇f‖ smallest on the box's edge, no critical point), or a ``plateau``
  (flat, no critical point).  A cap on the number of regions is stated with the count found.

**Deep activation chains** h₀ = x, h_k = a(w·h_{k−1}):  by the chain rule
dh_d/dx = Π_{k=1..d} w·a'(w·h_{k−1}).  Since |tanh'| ≤ 1, σ' ≤ 1/4 and relu' ∈ {0, 1}, the
product is bounded by (w·sup a')^d: chains of sigmoids vanish at least like (w/4)^d.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .box import require_analysis_box
from .budget import budget_seconds, run_with_budget
from .defaults import VANISHING_THRESHOLD
from .errors import AnalysisError, BudgetExceeded, InputError
from .jsonutil import jsonable
from .numfmt import fmt, spaced

#: A region is a plateau when f − min f exceeds this fraction of max f − min f on the box.
PLATEAU_FRACTION = 0.05

#: Number of grid points used for n ≤ 4 (and of the 1-D grid).
GRID_POINTS = 200_001

#: Largest depth for which the symbolic chain derivative is built.
SYMBOLIC_MAX_DEPTH = 8


@dataclass
class VanishingRegion:
    """One connected region where ‖∇f‖ < threshold.

    ``lower``/``upper``: its bounding box (for one variable: the interval); ``point``: where
    ‖∇f‖ is smallest in it; ``above_min``: f(point) − min f over the box; ``exact``: the
    bounds are exact roots of |f'| = t.
    """

    lower: tuple[float, ...]
    upper: tuple[float, ...]
    point: tuple[float, ...]
    gradient_norm: float
    value: float
    above_min: float
    plateau: bool
    exact: bool = False
    critical_point: str | None = None  # "nondegenerate" | "degenerate" | "nondifferentiable"
    #                                   (on a kink) | None (none inside)
    label: str = "plateau"  # "critical point" | "tail" | "plateau" (see :func:`region_label`)
    critical_kind: str | None = None  # kind of the critical point inside (minimum, ...)
    critical_curve: bool = False  # the region follows a traced curve of critical points

    def describe(self) -> str:
        """What the region is, in words: ``holds a saddle`` (the critical point inside it, of
        that kind), ``tail at the box edge (no critical point)``, ``plateau (no critical
        point)``; ``, degenerate`` for a degenerate critical point and ``, far above the
        minimum`` where :attr:`plateau` holds."""
        if self.label == "critical point" and self.critical_curve:
            plural = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles"}
            text = (f"along a curve of {plural.get(self.critical_kind, 'critical points')} "
                    "(degenerate)")
        elif self.label == "critical point":
            text = f"holds a {self.critical_kind or 'critical point'}"
            if self.critical_point in ("degenerate", "nondifferentiable"):
                text += (" (degenerate)" if self.critical_point == "degenerate"
                         else " on a kink of f")
        elif self.label == "tail":
            text = "tail at the box edge (no critical point)"
        else:
            text = "plateau (no critical point)"
        if self.plateau and self.label != "plateau":
            text += ", far above the minimum"
        return text

    def to_json(self) -> dict[str, Any]:
        """``{"box": [[lo, hi], ...], "point", "gradient_norm", "value", "above_min",
        "plateau", "exact", "critical_point", "label", "critical_kind", "critical_curve",
        "description"}``."""
        return jsonable(
            {
                "box": [[lo, hi] for lo, hi in zip(self.lower, self.upper, strict=True)],
                "point": list(self.point),
                "gradient_norm": self.gradient_norm,
                "value": self.value,
                "above_min": self.above_min,
                "plateau": self.plateau,
                "exact": self.exact,
                "critical_point": self.critical_point,
                "label": self.label,
                "critical_kind": self.critical_kind,
                "critical_curve": self.critical_curve,
                "description": self.describe(),
            }
        )


@dataclass
class VanishingReport:
    """All regions of the box where ‖∇f‖ < ``threshold``, with the box's f range."""

    threshold: float
    regions: list[VanishingRegion]
    f_min: float
    f_max: float
    method: str
    notes: list[str] = field(default_factory=list)
    found: int | None = None  # regions found (more than listed when capped)
    #: how the numeric region bounds were computed, one clause without a capital or a full
    #: stop (:func:`extents_text`, or the 1-D grid refined by brentq); empty when all exact
    extents: str = ""
    #: where the sampled maximum ``f_max`` was found
    max_point: tuple[float, ...] | None = None
    #: f's exact value (SymPy) at the points ``f_max_at`` of the box's boundary where the
    #: sampled maximum lies (:func:`exact_box_maximum`); None when it is only sampled
    f_max_exact: Any = None
    f_max_at: list[tuple[float, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.found is None:
            self.found = len(self.regions)

    def to_json(self) -> dict[str, Any]:
        """``{"threshold", "regions": [...], "regions_found", "f_min", "f_max", "method",
        "notes"}``."""
        return jsonable(
            {
                "threshold": self.threshold,
                "regions": [r.to_json() for r in self.regions],
                "regions_found": self.found,
                "f_min": self.f_min,
                "f_max": self.f_max,
                "f_max_how": "sampled" if self.f_max_exact is None else "exact",
                "f_max_exact": None if self.f_max_exact is None else sp.sstr(self.f_max_exact),
                "f_max_at": [list(p) for p in self.f_max_at],
                "method": self.method,
                "extents": self.extents,
                "notes": list(self.notes),
            }
        )


# ============================================================================ box range


def _box_range(obj: Any, box: np.ndarray, X: np.ndarray, F: np.ndarray
               ) -> tuple[float, float, tuple[float, ...]]:
    """min f, max f over the box and where the maximum lies: best grid values refined by
    bounded L-BFGS-B."""
    from scipy.optimize import minimize

    finite = np.isfinite(F)
    if not np.any(finite):
        raise AnalysisError("f is not finite anywhere on the sampled box")
    out, where = [], np.asarray(X[0], float)
    for sign in (1.0, -1.0):
        i = int(np.argmin(np.where(finite, sign * F, np.inf)))

        def fun(x, sign=sign):
            v = sign * obj.compiled.value(x)
            return v if math.isfinite(v) else 1e300

        def jac(x, sign=sign):
            return sign * obj.compiled.gradient(x)

        res = minimize(fun, X[i], jac=jac, method="L-BFGS-B", bounds=[tuple(b) for b in box])
        refined = float(res.fun) < sign * float(F[i])
        out.append(sign * min(float(res.fun), sign * float(F[i])))
        where = np.asarray(res.x if refined else X[i], float)
    return out[0], out[1], tuple(float(c) for c in np.ravel(where))


#: at most this many sign choices of a boundary point are evaluated exactly
EXACT_MAX_POINTS = 64


def _snapped(c: float, lo: float, hi: float) -> list[sp.Expr] | None:
    """The exact values a coordinate ``c`` of a sampled point stands for, with their mirror
    images: a box bound (both bounds), or a rational of denominator ≤ 12 within 10⁻⁹
    relative (it and its negative when that lies in the box); None otherwise."""
    from fractions import Fraction

    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    if abs(c - lo) <= tol or abs(c - hi) <= tol:
        return [_exact_number(lo), _exact_number(hi)] if lo != hi else [_exact_number(lo)]
    r = Fraction(c).limit_denominator(12)
    if abs(float(r) - c) > tol:
        return None
    v = sp.Rational(r.numerator, r.denominator)
    return [v, -v] if v != 0 and lo <= -float(r) <= hi else [v]


def exact_box_maximum(obj: Any, box: np.ndarray, point: Sequence[float], f_max: float
                      ) -> tuple[sp.Expr, list[tuple[float, ...]]] | None:
    """f's exact value where the sampled maximum ``f_max`` of the box lies, when that is on
    the box's boundary (a corner, or an edge whose other coordinates are short rationals) and
    SymPy evaluates f there exactly: (value, the points with that value among the point and
    its mirror images — every corner, ±c of a coordinate c — in order).  None when the point is
    inside the box, a coordinate is no short rational, f has no exact number there, or that
    number falls short of the sampled maximum (beyond 10⁻⁹ relative): then the maximum stays
    sampled.  Only the value at these points is exact; that no other point of the box is
    higher rests on the sampling."""
    from itertools import product

    if obj.data_symbols or len(point) != obj.n:
        return None
    options = []
    for c, (lo, hi) in zip(point, box, strict=True):
        opts = _snapped(float(c), float(lo), float(hi))
        if opts is None:
            return None
        options.append(opts)
    if not any(abs(float(c) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
               for c, bounds in zip(point, box, strict=True) for b in bounds):
        return None
    # the mirror images are counted before any is made: 2 per coordinate make 2¹⁵⁰ in 150
    # variables
    if math.prod(len(opts) for opts in options) <= EXACT_MAX_POINTS:
        combos = list(product(*options))
    else:
        combos = [tuple(min(opts, key=lambda v, c=float(c): abs(float(v) - c))
                        for opts, c in zip(options, point, strict=True))]
    values = []
    for combo in combos:
        try:
            v = sp.sympify(obj.expr.subs(dict(zip(obj.variables, combo, strict=True))))
            fv = float(v)
        except (TypeError, ValueError, AttributeError):
            return None
        if not (v.is_number and v.is_real and math.isfinite(fv)):
            return None
        values.append((v, fv, combo))
    best = max(fv for _, fv, _ in values)
    if best < f_max - 1e-9 * max(1.0, abs(f_max)):
        return None
    top = [(v, combo) for v, fv, combo in values if fv == best]
    value = top[0][0]
    if any(sp.simplify(v - value) != 0 for v, _ in top):
        return None
    return value, [tuple(float(c) for c in combo) for _, combo in top]


def _critical_inside(obj, lower, upper, point) -> tuple[np.ndarray, str | None]:
    """Minimise ‖∇f‖² over the region's bounding box from ``point``: a critical point inside?

    Critical when ‖∇f‖ ≤ 1e-8·max(1, ‖H‖); degenerate when min|λ(H)| ≤ 1e-6·max(1, ‖H‖).
    """
    from scipy.optimize import minimize

    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    x0 = np.asarray(point, dtype=float)
    if np.any(upper > lower):

        def fun(x):
            g = obj.compiled.gradient(x)
            v = float(g @ g)
            return v if math.isfinite(v) else 1e300

        def jac(x):
            g = obj.compiled.gradient(x)
            return 2.0 * obj.compiled.hessian(x) @ g

        bounds = list(zip(lower, upper, strict=True))
        res = minimize(fun, x0, jac=jac, method="L-BFGS-B", bounds=bounds,
                       options={"ftol": 1e-30, "gtol": 1e-30})
        if res.fun < fun(x0):
            x0 = res.x
    H = obj.compiled.hessian(x0)
    ev = np.abs(np.linalg.eigvalsh(0.5 * (H + H.T)))
    scale = max(1.0, float(ev.max()))
    if not np.linalg.norm(obj.compiled.gradient(x0)) <= 1e-8 * scale or \
            falls_beyond(obj, x0, lower, upper):
        return x0, None
    return x0, ("degenerate" if ev.min() <= 1e-6 * scale else "nondegenerate")


#: how far beyond a bound :func:`falls_beyond` looks, relative to max(1, |x|, the box's width)
BEYOND_STEP = 1e-6


def falls_beyond(obj: Any, x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> bool:
    """Whether ‖∇f‖₂ is smaller just beyond a bound of [lower, upper] that ``x`` lies on
    (:data:`BEYOND_STEP` outwards): then ‖∇f(x)‖₂ > 0, however small, and ``x`` is no
    critical point but the end of a tail that goes on falling outside the box.  tanh on
    [−10, 10] has ‖∇f‖₂ = sech²(10) = 8.2e−09 at its ends, under the critical test's
    10⁻⁸, and its regions read "holds a saddle (degenerate)" while the exact solve proved
    that there is no critical point.  A critical point on a bound (x³ at 0 on [0, 5]) has
    nothing smaller beyond it: ‖∇f‖₂ = 0 there."""
    x = np.asarray(x, float)
    g0 = float(np.linalg.norm(obj.compiled.gradient(x)))
    if not g0 > 0.0:
        return False
    width = np.asarray(upper, float) - np.asarray(lower, float)
    for i in range(x.size):
        for bound, out in ((lower[i], -1.0), (upper[i], 1.0)):
            if abs(x[i] - bound) > 1e-12 * max(1.0, abs(bound), width[i]):
                continue
            y = x.copy()
            y[i] = bound + out * BEYOND_STEP * max(1.0, abs(bound), width[i])
            g = float(np.linalg.norm(obj.compiled.gradient(y)))
            if math.isfinite(g) and g < g0 * (1.0 - 1e-9):
                return True
    return False


def _critical_kind(obj: Any, x: np.ndarray, box: np.ndarray, listed: Sequence[Any]) -> str:
    """Kind of the critical point x: that of a listed critical point within 1e-6 of the box
    diagonal, else by the Hessian's signs, else (degenerate) by comparing values around it
    (:func:`landscape.critical.probe_kind`)."""
    from .critical import probe_kind

    diag = float(np.linalg.norm(box[:, 1] - box[:, 0]))
    for cp in listed:
        if np.linalg.norm(np.asarray(cp.point) - x) <= 1e-6 * diag:
            return cp.kind
    H = obj.compiled.hessian(x)
    ev, vecs = np.linalg.eigh(0.5 * (H + H.T))
    null = np.abs(ev) <= 1e-6 * max(1.0, float(np.max(np.abs(ev))))
    if not np.any(null):
        return "minimum" if ev[0] > 0 else ("maximum" if ev[-1] < 0 else "saddle")
    if np.any(ev[~null] > 0) and np.any(ev[~null] < 0):
        return "saddle"
    radius = 0.02 * float(np.min(box[:, 1] - box[:, 0]))
    return probe_kind(obj, x, vecs, null, radius, np.random.default_rng(0)) or "unknown"


def _on_a_kink(obj: Any, point: Sequence[float]) -> bool:
    """Whether the point lies on a kink of f (:func:`landscape.critical.on_kink`, 1e-8)."""
    from .critical import on_kink, switching_functions

    switches = switching_functions(obj.expr)
    return bool(switches) and on_kink(switches, obj.variables,
                                      tuple(float(v) for v in point), 1e-8)


def region_label(critical: str | None, point: Sequence[float], box: np.ndarray) -> str:
    """``"critical point"`` when one lies inside; else ``"tail"`` when ‖∇f‖ is smallest on the
    box's boundary (it keeps falling beyond the box, as tanh's ends); else ``"plateau"``
    (flat without a critical point)."""
    if critical is not None:
        return "critical point"
    p = np.asarray(point, float)
    tol = 1e-9 * (box[:, 1] - box[:, 0])
    if np.any(np.abs(p - box[:, 0]) <= tol) or np.any(np.abs(p - box[:, 1]) <= tol):
        return "tail"
    return "plateau"


def _listed_inside(obj, lower, upper, point, listed, threshold) -> np.ndarray | None:
    """The listed critical point nearest to ``point`` that lies in [lower, upper] and is joined
    to it by a segment inside ‖∇f‖ < t, or None."""
    p = np.asarray(point, float)
    inside = [np.asarray(cp.point, float) for cp in listed
              if np.all(np.asarray(cp.point) >= lower) and np.all(np.asarray(cp.point) <= upper)]
    for q in sorted(inside, key=lambda q: float(np.linalg.norm(q - p))):
        seg = p + np.linspace(0.0, 1.0, 33)[:, None] * (q - p)
        if threshold is None or np.all(_gradient_norms(obj, seg) < threshold):
            return q
    return None


def _region(obj, lower, upper, point, f_min, f_max, exact=False, box=None,
            listed=(), threshold=None) -> VanishingRegion:
    q = _listed_inside(obj, np.asarray(lower, float), np.asarray(upper, float), point, listed,
                       threshold)
    point, critical = _critical_inside(obj, lower, upper, point if q is None else q)
    g = float(np.linalg.norm(obj.compiled.gradient(point)))
    v = obj.compiled.value(point)
    above = v - f_min
    plateau = above > PLATEAU_FRACTION * (f_max - f_min) and critical != "nondegenerate"
    B = np.column_stack([lower, upper]) if box is None else box
    kind = None if critical is None else _critical_kind(obj, np.asarray(point, float), B, listed)
    if critical is not None and _on_a_kink(obj, point):
        critical = "nondifferentiable"  # no Hessian there: neither degenerate nor not
    return VanishingRegion(
        lower=tuple(float(t) for t in lower),
        upper=tuple(float(t) for t in upper),
        point=tuple(float(t) for t in point),
        gradient_norm=g,
        value=float(v),
        above_min=float(above),
        plateau=bool(plateau),
        exact=exact,
        critical_point=critical,
        label=region_label(critical, point, B),
        critical_kind=kind,
    )


# ============================================================================ one variable


def exact_breakpoints(
    grad: sp.Expr, x: sp.Symbol, lo: float, hi: float, threshold: float
) -> list[float] | None:
    """Real roots in (lo, hi) of f' − t and f' + t for polynomial f' (None otherwise)."""
    if not grad.is_polynomial(x):
        return None
    t = sp.Rational(str(threshold))
    roots: set[float] = set()
    for rhs in (t, -t):
        p = sp.Poly(grad - rhs, x)
        if p.is_zero or p.degree() < 1:
            continue
        for r in p.real_roots():
            v = float(sp.N(r, 30))
            if lo < v < hi:
                roots.add(v)
    return sorted(roots)


def _numeric_breakpoints(obj, xs: np.ndarray, small: np.ndarray, threshold: float) -> list[float]:
    """Grid transitions of |f'| < t refined by brentq on |f'(x)| − t."""
    from scipy.optimize import brentq

    def phi(x):
        return abs(float(obj.compiled.gradient([x])[0])) - threshold

    out = []
    for i in np.nonzero(small[1:] != small[:-1])[0]:
        a, b = float(xs[i]), float(xs[i + 1])
        try:
            out.append(brentq(phi, a, b, xtol=1e-14, rtol=1e-14))
        except ValueError:
            out.append(0.5 * (a + b))
    return out


#: The numerical methods the notes name, as they are spelled by default (SciPy's names); a
#: caller that prints them otherwise passes ``names`` to :func:`find_vanishing_regions`.
SOLVERS = ("SLSQP", "brentq")


def _vanishing_1d(obj, box, threshold, timeout, listed, names) -> VanishingReport:
    lo, hi = float(box[0, 0]), float(box[0, 1])
    xs = np.linspace(lo, hi, GRID_POINTS)
    X = xs[:, None]
    G = np.abs(obj.compiled.gradients(X)[:, 0])
    F = obj.compiled.values(X)
    f_min, f_max, at = _box_range(obj, box, X, F)
    notes = []
    breaks = None
    try:
        breaks = run_with_budget(exact_breakpoints, obj.gradient_list[0], obj.variables[0],
                                 lo, hi, threshold, timeout=timeout)
    except (BudgetExceeded, AnalysisError) as exc:
        notes.append(f"exact roots of |f'| = t abandoned ({exc}); numeric")
    exact = breaks is not None
    if not exact:
        breaks = _numeric_breakpoints(obj, xs, G < threshold, threshold)
    edges = [lo, *breaks, hi]
    regions = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b <= a:
            continue
        inside = (xs >= a) & (xs <= b)
        mid = 0.5 * (a + b)
        if abs(obj.compiled.gradient([mid])[0]) >= threshold:
            continue
        idx = np.nonzero(inside)[0]
        best = float(xs[idx[np.argmin(G[idx])]]) if idx.size else mid
        if regions and regions[-1].upper[0] == a:
            prev = regions.pop()
            a = prev.lower[0]
            if prev.gradient_norm < abs(obj.compiled.gradient([best])[0]):
                best = prev.point[0]
        regions.append(_region(obj, (a,), (b,), (best,), f_min, f_max, exact, box, listed,
                               threshold))
    method = "exact-roots" if exact else "grid+brentq"
    extents = "" if exact else (f"the roots of |f′| = t, where |f′| − t changes sign between "
                                f"neighbours of a {spaced(GRID_POINTS)}-point grid, refined "
                                f"by {names['brentq']}")
    return VanishingReport(threshold, regions, f_min, f_max, method, notes, max_point=at,
                           extents=extents)


# ============================================================================ n variables


def _grid(box: np.ndarray, total: int) -> tuple[np.ndarray, tuple[int, ...]]:
    n = box.shape[0]
    m = max(3, int(round(total ** (1.0 / n))))
    m += 1 - m % 2  # odd: the centre is a grid point
    axes = [np.linspace(lo, hi, m) for lo, hi in box]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([a.ravel() for a in mesh], axis=1), (m,) * n


def _gradient_norms(obj: Any, X: np.ndarray) -> np.ndarray:
    G = obj.compiled.gradients(X)
    out = np.linalg.norm(G, axis=1)
    out[~np.isfinite(out)] = np.inf
    return out


def _components(mask: np.ndarray, shape: tuple[int, ...] | None, X: np.ndarray,
                spacing: float) -> np.ndarray:
    """Labels (1..k, 0 = not small) of connected components of the small-gradient set."""
    if shape is not None:
        from scipy import ndimage

        structure = ndimage.generate_binary_structure(len(shape), len(shape))
        labels, _ = ndimage.label(mask.reshape(shape), structure=structure)
        return labels.ravel()
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = np.zeros(mask.shape[0], dtype=int)
    idx = np.nonzero(mask)[0]
    if idx.size == 1:
        labels[idx] = 1
    elif idx.size > 1:
        labels[idx] = fcluster(linkage(X[idx], method="single"), 2 * spacing, "distance")
    return labels


#: Most local minima of ‖∇f‖ on the grid that are refined below the grid scale.
MAX_SEEDS = 4000


def _seeds(gn: np.ndarray, shape: tuple[int, ...] | None) -> np.ndarray:
    """Grid indices of the discrete local minima of ‖∇f‖ (over the 3ⁿ neighbourhood, not flat),
    smallest first; for scattered samples, the MAX_SEEDS/20 samples of smallest ‖∇f‖."""
    finite = np.isfinite(gn)
    if shape is None:
        return np.argsort(np.where(finite, gn, np.inf))[: MAX_SEEDS // 20]
    from scipy import ndimage

    G = np.where(finite, gn, np.inf).reshape(shape)
    local = ((ndimage.minimum_filter(G, size=3, mode="nearest") == G) & np.isfinite(G)
             & (ndimage.maximum_filter(G, size=3, mode="nearest") > G))  # not flat
    idx = np.nonzero(local.ravel())[0]
    return idx[np.argsort(gn[idx], kind="stable")]


def _refine_seeds(obj, box, X0: np.ndarray, threshold: float) -> np.ndarray:
    """From each row of X0, Newton with the Levenberg–Marquardt safeguard on ∇f = 0 (the
    compiled, parallel :func:`landscape.critical.newton_batch`, which only accepts steps that
    decrease ‖∇f‖): ends at a zero or a local minimum of ‖∇f‖.  The end points inside the box."""
    from .critical import newton_batch

    if X0.shape[0] == 0:
        return X0
    c = obj.compiled
    X0 = np.ascontiguousarray(X0, dtype=float)
    X = np.empty_like(X0)
    gnorm = np.empty(X0.shape[0])
    status = np.empty(X0.shape[0], dtype=np.int64)
    newton_batch(c.g, c.h, c.data, X0, np.ascontiguousarray(box), 100, 1e-10 * threshold,
                 X, gnorm, status)
    ok = np.all((X >= box[:, 0]) & (X <= box[:, 1]), axis=1) & (gnorm < threshold)
    return X[ok]


def _may_reach(obj, x: np.ndarray, g: float, threshold: float, reach: float) -> bool:
    """Whether ‖∇f‖ can fall below t within ``reach`` of the node x: ‖∇f(x)‖ ≤ t + 4·‖H(x)‖·reach
    (the gradient changes by at most sup‖H‖ per unit length; 4 is a margin for the change of
    H over the cell)."""
    H = obj.compiled.hessian(x)
    if not np.all(np.isfinite(H)):
        return True
    return g <= threshold + 4.0 * float(np.linalg.norm(H, 2)) * reach


#: numbers (float64) of one block of the radial scan's points (8 MB)
SCAN_BLOCK = 1_000_000


def _directions(n: int) -> np.ndarray:
    """Unit directions of the radial measurement: 72 angles in 2-D, ±eᵢ and 150·n random
    (fixed seed) in more dimensions."""
    if n == 2:
        a = np.linspace(0.0, 2 * math.pi, 72, endpoint=False)
        return np.column_stack([np.cos(a), np.sin(a)])
    D = np.vstack([np.eye(n), -np.eye(n), np.random.default_rng(0).standard_normal((150 * n, n))])
    return D / np.linalg.norm(D, axis=1, keepdims=True)


def _model_directions(obj, p: np.ndarray) -> np.ndarray | None:
    """Where the quadratic model at p reaches farthest along each axis: ∇f(p + d) ≈ ∇f(p) +
    H d, and max ±dᵢ subject to ‖H d‖ ≤ t is reached at d ∝ ±H⁻²eᵢ (the extent is
    t·‖H⁻¹eᵢ‖).  Around a nondegenerate minimum the region is a thin ellipsoid when H is
    ill-conditioned, and random rays miss its long axis (Rosenbrock in 5-D: 57% of the
    extent found on one side of x* = (1, …, 1), none on the other).  The 2n unit directions
    ±H⁻²eᵢ/‖H⁻²eᵢ‖, or None where H is singular or not finite."""
    try:
        H = np.asarray(obj.compiled.hessian(p), float)
    except Exception:  # a Hessian that cannot be evaluated here: random rays only
        return None
    H = 0.5 * (H + H.T)
    if not np.all(np.isfinite(H)) or np.linalg.cond(H) > 1e12:
        return None
    Hi = np.linalg.inv(H)
    M = (Hi @ Hi).T  # row i: H⁻²eᵢ (H⁻² is symmetric)
    M = M / np.linalg.norm(M, axis=1, keepdims=True)
    return np.vstack([M, -M])


def _small(obj, P: np.ndarray, threshold: float) -> np.ndarray:
    return _gradient_norms(obj, P) < threshold


#: geometric steps of the scan along each ray from a region's point (:func:`radial_extent`)
RAY_STEPS = 48
#: bisections that refine a crossing of ‖∇f‖ = t, on a ray or a grid edge
BISECTIONS = 50
#: relative slack on t within which a polishing move stays in the region (:func:`_polish_extent`)
POLISH_SLACK = 1e-6


def radial_extent(obj, box, p, D, threshold) -> np.ndarray:
    """Distances s(d) from p along each row d of D to where ‖∇f(p + s·d)‖ first reaches t
    (the box's edge if it never does): a scan over :data:`RAY_STEPS` geometric steps up to
    the edge, then :data:`BISECTIONS` bisections (vectorised over the directions)."""
    p = np.asarray(p, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_hi = np.where(D > 0, (box[:, 1] - p) / D, np.inf)
        to_lo = np.where(D < 0, (box[:, 0] - p) / D, np.inf)
    smax = np.maximum(np.min(np.minimum(to_hi, to_lo), axis=1), 0.0)
    S = smax[:, None] * np.geomspace(1e-12, 1.0, RAY_STEPS)[None, :]
    m, k = S.shape
    # the scan's points in blocks of directions: at most SCAN_BLOCK numbers at a time
    block = max(1, SCAN_BLOCK // (k * p.size))
    inside = np.concatenate([
        _small(obj, (p + S[a:a + block, :, None] * D[a:a + block, None, :]).reshape(-1, p.size),
               threshold).reshape(-1, k)
        for a in range(0, m, block)]) if m else np.zeros((0, k), dtype=bool)
    out = ~inside
    first = np.argmax(out, axis=1)
    leaves = out.any(axis=1)
    rows = np.arange(m)
    lo = np.where(first > 0, S[rows, np.maximum(first - 1, 0)], 0.0)
    hi = S[rows, first]
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        ok = _small(obj, p + mid[:, None] * D, threshold)
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    return np.where(leaves, lo, smax)


def _edge_crossings(obj, X, shape, members, gn, threshold) -> np.ndarray:
    """Points where ‖∇f‖ = t on the grid edges leaving a component (bisection, vectorised)."""
    n = len(shape)
    grid = np.arange(X.shape[0]).reshape(shape)
    inside = np.zeros(X.shape[0], dtype=bool)
    inside[members] = True
    A, B = [], []
    for axis in range(n):
        for step in (1, -1):
            a = np.take(grid, range(max(0, -step), shape[axis] - max(0, step)), axis=axis)
            b = np.take(grid, range(max(0, step), shape[axis] + min(0, step)), axis=axis)
            a, b = a.ravel(), b.ravel()
            sel = inside[a] & ~(gn[b] < threshold)
            A.append(a[sel])
            B.append(b[sel])
    a, b = np.concatenate(A), np.concatenate(B)
    if a.size == 0:
        return np.zeros((0, n))
    lo, hi = X[a].copy(), X[b].copy()
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        ok = _small(obj, mid, threshold)
        lo = np.where(ok[:, None], mid, lo)
        hi = np.where(ok[:, None], hi, mid)
    return lo


def _polish_extent(obj, box, start, axis, sign, threshold) -> np.ndarray | None:
    """max sign·x_axis subject to ‖∇f(x)‖ ≤ t (SLSQP from a boundary point of the region),
    kept only if the segment from ``start`` stays in the region (a local, connected move)."""
    from scipy.optimize import minimize

    def cons(x):
        return 1.0 - float(np.linalg.norm(obj.compiled.gradient(x))) / threshold

    def cons_jac(x):
        g = obj.compiled.gradient(x)
        ng = float(np.linalg.norm(g))
        if not ng > 0:
            return np.zeros_like(x)
        return -(obj.compiled.hessian(x) @ g) / (ng * threshold)

    c = np.zeros(start.size)
    c[axis] = -sign
    res = minimize(lambda x: float(c @ x), start, jac=lambda x: c, method="SLSQP",
                   bounds=[tuple(b) for b in box],
                   constraints=[{"type": "ineq", "fun": cons, "jac": cons_jac}],
                   options={"ftol": 1e-15, "maxiter": 100})
    q = np.clip(res.x, box[:, 0], box[:, 1])
    if not np.all(np.isfinite(q)) or sign * (q[axis] - start[axis]) <= 0:
        return None
    seg = start + np.linspace(0.0, 1.0, 33)[:, None] * (q - start)
    if not np.all(_gradient_norms(obj, seg) <= threshold * (1 + POLISH_SLACK)):
        return None
    return q


def _solve_gradient(obj, x: np.ndarray, u: np.ndarray, tol: float) -> np.ndarray | None:
    """x' near x with ∇f(x') = u (Newton, at most 30 steps), or None when it does not converge
    to within ``tol``."""
    for _ in range(30):
        r = np.asarray(obj.compiled.gradient(x), float) - u
        if float(np.linalg.norm(r)) <= tol:
            return x
        try:
            x = x - np.linalg.solve(np.asarray(obj.compiled.hessian(x), float), r)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(x)):
            return None
    r = np.asarray(obj.compiled.gradient(x), float) - u
    return x if float(np.linalg.norm(r)) <= tol else None


def _preimage_extent(obj, box, p, threshold, axis, sign, rounds: int = 12,
                     pieces: int = 8) -> np.ndarray | None:
    """The farthest point along ``sign``·x_axis of the region {‖∇f‖ ≤ t} around p where the
    gradient map is invertible: its boundary is the preimage of the sphere ‖u‖ = t under
    x ↦ ∇f(x), and x_axis(u) has gradient H(x)⁻¹e_axis in u, so its largest value on the
    sphere is at u = sign·t·H⁻¹e_axis/‖H⁻¹e_axis‖ (with H at that point: iterated from p).
    Each x solves ∇f(x) = u (Newton) along the path u(s) = (1 − s)∇f(p) + s·u, s = 1/8, …, 1,
    whose gradients all have norm ≤ t, each move between them checked to stay in the region:
    the point is reached inside the region, connected to p.  On a thin, bent region
    (Rosenbrock around (1, 1), t = 0.001: x down to 0.998883) rays from p stop short of it
    (0.999).  None where the Hessian is singular, Newton fails or jumps out of the region, or
    the point leaves the box."""
    p = np.asarray(p, float)
    g0 = np.asarray(obj.compiled.gradient(p), float)
    tol = 1e-9 * threshold
    x = p
    for _ in range(rounds):
        try:
            w = np.linalg.solve(np.asarray(obj.compiled.hessian(x), float), np.eye(p.size)[axis])
        except np.linalg.LinAlgError:
            return None
        if not (np.all(np.isfinite(w)) and np.any(w)):
            return None
        u = sign * threshold * (1 - 1e-9) * w / np.linalg.norm(w)
        y = p
        for s in np.arange(1, pieces + 1) / pieces:
            z = _solve_gradient(obj, y, (1 - s) * g0 + s * u, tol)
            if z is None:  # or a jump: Newton may land on another part of the preimage
                return None
            seg = y + np.linspace(0.0, 1.0, 17)[:, None] * (z - y)
            if not np.all(_gradient_norms(obj, seg) <= threshold):
                return None
            y = z
        done = np.allclose(y, x, rtol=0.0, atol=1e-12 * max(1.0, float(np.max(np.abs(y)))))
        x = y
        if done:
            break
    if np.any(x < box[:, 0]) or np.any(x > box[:, 1]):
        return None
    return x


def measured_extent(obj, box, p, threshold, known=None) -> tuple[np.ndarray, np.ndarray]:
    """Bounding box of the region {‖∇f‖ < t} around p, measured: the first exits along
    radial directions from p (:func:`radial_extent`), the points in ``known`` (grid nodes and
    edge crossings of the region), each extreme then pushed by SLSQP along the boundary
    (:func:`_polish_extent`); where ∇f is invertible at p, the extremes of the boundary as
    the preimage of ‖∇f‖ = t (:func:`_preimage_extent`)."""
    p = np.asarray(p, float)
    D = _directions(p.size)
    model = _model_directions(obj, p)
    if model is not None:
        D = np.vstack([D, model])
    P = p + radial_extent(obj, box, p, D, threshold)[:, None] * D
    pts = np.vstack([p[None, :], P] + ([known] if known is not None and len(known) else []))
    lower, upper = pts.min(axis=0), pts.max(axis=0)
    for axis in range(p.size):
        for sign in (1.0, -1.0):
            start = pts[np.argmax(sign * pts[:, axis])]
            if (sign > 0 and start[axis] >= box[axis, 1]) or (
                    sign < 0 and start[axis] <= box[axis, 0]):
                continue
            q = _polish_extent(obj, box, start, axis, sign, threshold)
            if q is not None:
                lower, upper = np.minimum(lower, q), np.maximum(upper, q)
            q = _preimage_extent(obj, box, p, threshold, axis, sign) if model is not None \
                else None
            if q is not None:
                lower, upper = np.minimum(lower, q), np.maximum(upper, q)
    return lower, upper


def trace_critical_curve(obj, box, p, threshold, h, max_steps=20_000,
                         seconds: float = math.inf) -> tuple[np.ndarray, bool] | None:
    """The curve of critical points through p, where the Hessian has a one-dimensional null
    space (the valley xy = 1 of (xy − 1)²): steps of length h along the null vector v, each
    corrected back onto ∇f = 0 by pseudo-inverse Newton steps (−H⁺∇f, orthogonal to v),
    both ways until the box's edge or ‖∇f‖ ≥ t.  Returns the points and whether the trace
    ended there (False: cut by ``max_steps`` or ``seconds``); None when the null space is not
    a line."""
    import time

    stop = time.monotonic() + seconds
    finished = True
    def null_vector(x):
        H = obj.compiled.hessian(x)
        ev, vecs = np.linalg.eigh(0.5 * (H + H.T))
        scale = max(1.0, float(np.max(np.abs(ev))))
        null = np.abs(ev) <= 1e-6 * scale
        return vecs[:, np.argmin(np.abs(ev))] if null.sum() == 1 else None

    v0 = null_vector(p)
    if v0 is None:
        return None
    out = [p]
    for sign in (1.0, -1.0):
        x, v = p.copy(), sign * v0
        for step in range(max_steps + 1):
            if step == max_steps or time.monotonic() > stop:
                finished = False
                break
            y = np.clip(x + h * v, box[:, 0], box[:, 1])
            for _newton in range(8):
                H = obj.compiled.hessian(y)
                s = -np.linalg.pinv(0.5 * (H + H.T), rcond=1e-8) @ obj.compiled.gradient(y)
                if not np.all(np.isfinite(s)):
                    break
                y = np.clip(y + s, box[:, 0], box[:, 1])
                if np.linalg.norm(s) <= 1e-14 * max(1.0, float(np.linalg.norm(y))):
                    break
            w = null_vector(y)
            if (w is None or not np.linalg.norm(obj.compiled.gradient(y)) < threshold
                    or np.linalg.norm(y - x) < 0.1 * h):
                break
            out.append(y)
            v = w if w @ v > 0 else -w
            x = y
    return np.array(out), finished


def _joined(obj, region: VanishingRegion, p: np.ndarray, threshold: float) -> bool:
    """p lies in the region's box and the segment from the region's point to p stays in
    ‖∇f‖ < t (33 points): the same region."""
    if np.any(p < np.array(region.lower)) or np.any(p > np.array(region.upper)):
        return False
    seg = np.asarray(region.point) + np.linspace(0.0, 1.0, 33)[:, None] * (p - region.point)
    return bool(np.all(_small(obj, seg, threshold)))


def _sample_box(
    box: np.ndarray, n: int, notes: list[str]
) -> tuple[np.ndarray, tuple[int, ...] | None, str, float]:
    """``(X, shape, method, spacing)``: for n <= 4 a grid of ``GRID_POINTS`` per axis, spacing
    ``max_i (b_i - a_i) / (points - 1)``; above, 20,000 scrambled Halton samples (shape None),
    spacing ``‖b - a‖ · count^(-1/n)``."""
    if n <= 4:
        X, shape = _grid(box, GRID_POINTS)
        method = f"grid {'×'.join(str(s) for s in shape)}"
    else:
        from scipy.stats import qmc

        count = 20_000
        U = qmc.Halton(d=n, scramble=True, seed=0).random(count)
        X = box[:, 0] + U * (box[:, 1] - box[:, 0])
        shape = None
        notes.append("sampled, not gridded: regions are indicative only")
    diagonal = float(np.linalg.norm(box[:, 1] - box[:, 0]))
    spacing = (float(np.max((box[:, 1] - box[:, 0]) / (shape[0] - 1))) if shape else
               diagonal * X.shape[0] ** (-1.0 / n))
    if shape is None:  # the linkage distance with the spacing it doubles, and where that is
        # from (one digit more, so that doubling the spacing reproduces the distance printed)
        method = (f"{spaced(count)} Halton samples, grouped by single linkage: small-gradient "
                  f"samples closer than {fmt(2 * spacing, 3)}, twice the sample spacing "
                  f"{fmt(spacing, 4)} = box diagonal {fmt(diagonal, 4)} × "
                  f"{spaced(count)}^(−1/{n}), "
                  "join one region")
    return X, shape, method, spacing


def region_share(k: int, total: int) -> str:
    """``k`` of ``total`` regions in words that read plainly after the total has been
    stated: ``none of the 3 regions``, ``all 3 regions``, ``2 of the 3 regions``, ``the one
    region`` (k = total = 1), ``no region`` (k = 0, total at most 1)."""
    if k == 0:
        return f"none of the {total} regions" if total > 1 else "no region"
    if k == total:
        return "the one region" if total == 1 else f"all {total} regions"
    return f"{k} of the {total} regions"


def seeded_text(from_samples: int, seeded: int) -> str:
    """What a sampled search's method adds to its grouping of samples, in sentences of their
    own: how many of the regions the samples gave, then that every critical point and
    minimum of ‖∇f‖ refined from the samples of smallest ‖∇f‖ (:func:`_seeds`,
    :func:`_refine_seeds`) outside them seeds a region of its own (how many of the regions),
    counting in a listed one instead when it lies inside that region's bounds with ‖∇f‖ < t
    along the segment from that region's point to it (:func:`_joined`) — two regions closer
    than the linkage distance are no contradiction.  The counts are shares of the one total the
    section states (:func:`region_share`: ``giving 2 of the 5 regions … (seeded: 3 of the 5
    regions)``), so that neither reads as a second total.  When no sample has ‖∇f‖ < t
    (``from_samples`` = 0: the samples form no component), that is said as such, and the
    regions as coming from the seeded points (Rosenbrock, n = 5: ``no sampled point has
    ‖∇f‖ < t, so all 3 regions come from seeded points``)."""
    total = from_samples + seeded
    # what the search does, in its own terms, with the norm the section names, ‖∇f‖₂
    # (chained Rosenbrock p. 4: "refined below the sample spacing" and "in that region's
    # measured extent along a segment from its point where ‖∇f‖ < t" could not be applied
    # or checked)
    joins = ("; it counts in a listed region instead when it lies inside that region's bounds "
             "and ‖∇f‖₂ < t all along the segment from that region's point to it")
    seeds = (f"every local minimum of ‖∇f‖₂ that Newton's method reaches from the "
             f"{MAX_SEEDS // 20} samples of smallest ‖∇f‖₂")
    if from_samples == 0:
        come = (f"all {total} regions come" if total > 1 else "the one region comes"
                if total else "no region comes")
        return (f"; no sampled point has ‖∇f‖₂ < t, so {come} from seeded points.  Every "
                f"critical point, and {seeds}, starts a region of its own if ‖∇f‖₂ < t there"
                + joins)
    return (f", giving {region_share(from_samples, total)}.  Every critical point, and "
            f"{seeds}, that lies outside the samples' regions starts one of its own (seeded: "
            f"{region_share(seeded, total)})" + joins)


def _curve_through(
    obj: Any, box: np.ndarray, r: VanishingRegion, threshold: float, spacing: float,
    timeout: float, notes: list[str],
) -> np.ndarray | None:
    """The traced curve of critical points through a degenerate region's point (n >= 2, step
    ``spacing / 4``), the region widened to contain it and marked a critical curve; None when
    the point is not degenerate or nothing was traced."""
    if not (r.critical_point == "degenerate" and obj.n >= 2):
        return None
    traced = trace_critical_curve(obj, box, np.asarray(r.point), threshold, spacing / 4,
                                  seconds=timeout)
    if traced is None:
        return None
    path, finished = traced
    if not finished:
        notes.append(f"the curve of critical points through {fmt(r.point)} "
                     "was traced only in part (time budget): its region is larger")
    r.critical_curve = True
    r.lower = tuple(np.minimum(r.lower, path.min(axis=0)).tolist())
    r.upper = tuple(np.maximum(r.upper, path.max(axis=0)).tolist())
    return path


def _on_component(
    p: np.ndarray, box: np.ndarray, shape: tuple[int, ...] | None, labels: np.ndarray
) -> bool:
    """Whether the grid node nearest to p, ``round((p - a) / (b - a) · (points - 1))``, lies on
    a component (label != 0); always False for samples (no grid)."""
    if shape is None:
        return False
    node = np.clip(np.rint((p - box[:, 0]) / (box[:, 1] - box[:, 0]) * (shape[0] - 1)),
                   0, shape[0] - 1).astype(int)
    return bool(labels[np.ravel_multi_index(tuple(node), shape)] != 0)


def extents_text(grid: bool, slsqp: str = "SLSQP") -> str:
    """How :func:`measured_extent` bounds a region, as one clause: the bounding box of the
    region's point, the first exits of ‖∇f‖ < t along rays from it (:func:`radial_extent`:
    :data:`RAY_STEPS` geometric steps to the box's edge, then :data:`BISECTIONS` bisections)
    and, for a region of the grid (``grid``), on the grid edges leaving it
    (:func:`_edge_crossings`, :data:`BISECTIONS` bisections) — of
    a sampled one, its small-gradient samples — each extreme pushed outwards by SLSQP
    (spelled ``slsqp``) on ‖∇f‖ ≤ t (kept when ‖∇f‖ ≤ t to a relative
    :data:`POLISH_SLACK` along the move,
    :func:`_polish_extent`) and, where the Hessian at the point is invertible, by Newton's
    method on the boundary ∇f(x) = u, ‖u‖ = t (:func:`_preimage_extent`)."""
    found = (f"its grid nodes and the exits on the grid edges leaving it ({BISECTIONS} "
             "bisections)" if grid else "its small-gradient samples")
    slack = "10" + str(round(np.log10(POLISH_SLACK))).translate(str.maketrans("-0123456789",
                                                                             "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    # the point named as the table names it (quadratic p. 3: "its point" was undefined)
    return ("the bounding box of the points checked inside the region: the point of its smallest "
            "‖∇f‖₂, the first exits "
            f"of ‖∇f‖₂ < t along rays from that point (a scan of {RAY_STEPS} geometric steps to "
            f"the box's edge, then {BISECTIONS} bisections) and, for a region found "
            f"{'on the grid' if grid else 'among the samples'}, {found}; each extreme is "
            f"pushed outwards by {slsqp} on ‖∇f‖₂ ≤ t (a move kept when ‖∇f‖₂ ≤ t to a relative "
            f"{slack} along it) and, where the Hessian at that point is invertible, by Newton's "
            "method on the boundary ∇f(x) = u, ‖u‖₂ = t; the region reaches at least that "
            "far, and may reach farther in a direction not probed")


def _vanishing_nd(obj, box, threshold, max_regions, listed, timeout, names) -> VanishingReport:
    import time

    n = obj.n
    notes = []
    X, shape, method, spacing = _sample_box(box, n, notes)
    gn = _gradient_norms(obj, X)
    F = obj.compiled.values(X)
    f_min, f_max, at = _box_range(obj, box, X, F)
    mask = gn < threshold
    if shape is None and mask.sum() > 5000:
        keep = np.nonzero(mask)[0][5000:]
        mask[keep] = False
        notes.append("more than 5,000 small-gradient samples: only the first 5,000 grouped")
    labels = _components(mask, shape, X, spacing)
    sizes = np.bincount(labels)
    comps = [k for k in np.argsort(-sizes, kind="stable") if k != 0 and sizes[k] > 0]
    # points below the grid's resolution: local minima of ‖∇f‖ on the grid, refined, and the
    # critical points already known; each one not on a component starts a region of its own
    seeds = _seeds(gn, shape)
    if seeds.size > MAX_SEEDS:
        notes.append(f"{seeds.size} local minima of ‖∇f‖ on the grid; the {MAX_SEEDS} smallest "
                     "were refined below the grid scale")
        seeds = seeds[:MAX_SEEDS]
    regions: list[VanishingRegion] = []
    traces: list[np.ndarray] = []

    def on_trace(p: np.ndarray) -> bool:
        return any(np.min(np.linalg.norm(t - p, axis=1)) <= 2 * spacing for t in traces)

    def add(p: np.ndarray, known: np.ndarray | None) -> None:
        lower, upper = measured_extent(obj, box, p, threshold, known)
        r = _region(obj, lower, upper, p, f_min, f_max, box=box, listed=listed,
                    threshold=threshold)
        path = _curve_through(obj, box, r, threshold, spacing, timeout, notes)
        if path is not None:
            traces.append(path)
        regions.append(r)

    for k in comps:
        idx = np.nonzero(labels == k)[0]
        best = X[idx[np.argmin(gn[idx])]]
        if on_trace(best):
            continue  # a piece of a curve of critical points already traced
        known = X[idx] if shape is None else np.vstack(
            [X[idx], _edge_crossings(obj, X, shape, idx, gn, threshold)])
        add(best, known)
    from_samples = len(regions)
    # points below the grid's resolution: the critical points already known, and local minima
    # of ‖∇f‖ on the grid refined; each one not in a region yet starts a region of its own
    reach = 0.5 * spacing * math.sqrt(n)  # every point of the box is this close to a node
    seeds = [i for i in seeds if labels[i] == 0 and _may_reach(obj, X[i], gn[i], threshold,
                                                                 reach)]
    starts = [np.asarray(cp.point, float) for cp in listed]
    starts += list(_refine_seeds(obj, box, X[seeds], threshold))
    deadline = time.monotonic() + timeout
    for j, p in enumerate(starts):
        if j >= len(listed) + 20 and time.monotonic() > deadline:
            notes.append(f"sub-grid search stopped by the time budget after {j} of "
                         f"{len(starts)} points: small regions may be missing")
            break
        if not (_gradient_norms(obj, p[None, :])[0] < threshold) or on_trace(p):
            continue
        if any(_joined(obj, r, p, threshold) for r in regions):
            continue  # in a region already listed
        if _on_component(p, box, shape, labels):
            continue
        add(p, None)
    found = len(regions)
    if shape is None:
        method += seeded_text(from_samples, found - from_samples)
    if len(regions) > max_regions:
        notes.append(f"{found} regions; the {max_regions} largest (by grid points) are listed")
        regions = regions[:max_regions]
    return VanishingReport(threshold, regions, f_min, f_max, method, notes, found, max_point=at,
                           extents=extents_text(shape is not None, names["SLSQP"]))


def find_vanishing_regions(
    obj: Any,
    box: Any = None,
    *,
    threshold: float = VANISHING_THRESHOLD,
    max_regions: int = 50,
    timeout: float | None = None,
    critical_points: Sequence[Any] = (),
    names: Mapping[str, str] | None = None,
) -> VanishingReport:
    """Regions of the box where ‖∇f‖ < ``threshold``, with plateau flags (see module doc).

    ``critical_points`` (already found, e.g. by :func:`landscape.critical.find_critical_points`)
    each get a region and name the kind of the point inside; ``max_regions`` caps the list,
    and the report says how many were found.  ``names``: how the notes spell the numerical
    methods they name (:data:`SOLVERS`, e.g. ``{"brentq": "Brent's method"}``); a method not
    in it keeps its own name."""
    if not (threshold > 0 and math.isfinite(threshold)):
        raise InputError("threshold must be a positive number")
    if obj.data_symbols:
        raise InputError("vanishing-gradient analysis of finite-sum objectives is not supported")
    B = require_analysis_box(obj.box(box))
    budget = budget_seconds("vanishing") if timeout is None else timeout
    said = {s: (names or {}).get(s, s) for s in SOLVERS}
    if obj.n == 1:
        rep = _vanishing_1d(obj, B, threshold, budget, list(critical_points), said)
    else:
        rep = _vanishing_nd(obj, B, threshold, max_regions, list(critical_points), budget, said)
    if rep.max_point is not None:
        exact = exact_box_maximum(obj, B, rep.max_point, rep.f_max)
        if exact is not None:
            rep.f_max_exact, rep.f_max_at = exact
            rep.f_max = max(rep.f_max, float(exact[0]))
    return rep


# ============================================================================ activation chains

ACTIVATIONS = ("tanh", "sigmoid", "relu")

#: sup |a'| of each activation: the per-layer factor of the bound (w·sup a')^d.
SUP_DERIVATIVE = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}


def _symbolic_activation(name: str, z: sp.Expr) -> sp.Expr:
    if name == "tanh":
        return sp.tanh(z)
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-z))
    return sp.Max(0, z)


def _value(name: str, z: float) -> float:
    if name == "tanh":
        return math.tanh(z)
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return max(0.0, z)


def _derivative(name: str, z: float) -> float:
    """a'(z), evaluated without cancellation: tanh' = 4e^{−2|z|}/(1+e^{−2|z|})²,
    σ' = e^{−|z|}/(1+e^{−|z|})², relu' = H(z) with H(0) = ½ (the project's kink convention)."""
    if name == "tanh":
        e = math.exp(-2.0 * abs(z))
        return 4.0 * e / (1.0 + e) ** 2
    if name == "sigmoid":
        e = math.exp(-abs(z))
        return e / (1.0 + e) ** 2
    return 1.0 if z > 0 else (0.0 if z < 0 else 0.5)


def _exact_number(v: Any) -> sp.Expr:
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, str):
        from .parse import parse_constant

        return parse_constant(v)
    return sp.Rational(str(v)) if isinstance(v, float) else sp.Integer(v)


@dataclass
class ActivationChain:
    """Derivative of the depth-d chain h_d = a(w·h_{d−1}), h₀ = x, with respect to x."""

    activation: str
    depth: int
    weight: float
    x: float
    value: float
    derivative: float
    log10_abs_derivative: float
    bound: float
    derivative_exact: sp.Expr | None = None

    def to_json(self) -> dict[str, Any]:
        """Numbers plus the exact derivative as a string (or None)."""
        return jsonable(
            {
                "activation": self.activation,
                "depth": self.depth,
                "weight": self.weight,
                "x": self.x,
                "value": self.value,
                "derivative": self.derivative,
                "log10_abs_derivative": self.log10_abs_derivative,
                "bound": self.bound,
                "derivative_exact": (None if self.derivative_exact is None
                                     else str(self.derivative_exact)),
            }
        )


def activation_chain(
    activation: str,
    depth: int,
    weight: Any = 1.0,
    x: Any = 1.0,
    *,
    symbolic: bool | None = None,
) -> ActivationChain:
    """dh_d/dx for h₀ = x, h_k = a(w·h_{k−1}): numeric chain-rule product (any depth, tracked
    in log₁₀ so deep chains do not underflow) and, for depth ≤ :data:`SYMBOLIC_MAX_DEPTH`
    (or when ``symbolic`` is True), the exact SymPy derivative at exact x and w.

    ``bound`` = (|w|·sup|a'|)^d bounds |dh_d/dx| for every x.  Where a relu pre-activation
    is exactly 0 the chain is not differentiable: the numeric product uses relu'(0) = ½ per
    layer, while SymPy differentiates the (simplified) composition, so the two may differ
    there.
    """
    if activation not in ACTIVATIONS:
        raise InputError(f"activation must be one of {', '.join(ACTIVATIONS)}")
    if int(depth) != depth or depth < 0:
        raise InputError("depth must be a non-negative integer")
    depth = int(depth)
    w_exact, x_exact = _exact_number(weight), _exact_number(x)
    w, x0 = float(w_exact), float(x_exact)
    h = x0
    log10 = 0.0
    derivative = 1.0
    for _ in range(depth):
        z = w * h
        factor = w * _derivative(activation, z)
        derivative *= factor  # may underflow to 0 for deep chains; the log is kept exactly
        log10 = log10 + math.log10(abs(factor)) if factor != 0.0 else -math.inf
        h = _value(activation, z)
    exact = None
    if symbolic or (symbolic is None and depth <= SYMBOLIC_MAX_DEPTH):
        exact = _chain_exact(activation, depth, w_exact, x_exact)
    bound = (abs(w) * SUP_DERIVATIVE[activation]) ** depth
    return ActivationChain(activation, depth, w, x0, h, derivative, log10, bound, exact)


def _chain_exact(activation: str, depth: int, w: sp.Expr, x: sp.Expr) -> sp.Expr:
    """d/dx of the composed SymPy expression, evaluated at the exact x (chain rule by SymPy)."""
    t = sp.Symbol("t", real=True)
    h: sp.Expr = t
    for _ in range(depth):
        h = _symbolic_activation(activation, w * h)
    d = sp.diff(h, t)
    d = d.replace(lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Heaviside(e.args[0], 0.5))
    return d.subs(t, x)


@dataclass
class ChainStudy:
    """Derivative of an activation chain against depth."""

    activation: str
    weight: float
    x: float
    rows: list[ActivationChain]

    def to_json(self) -> dict[str, Any]:
        """``{"activation", "weight", "x", "rows": [{"depth", "derivative", ...}]}``."""
        return jsonable(
            {
                "activation": self.activation,
                "weight": self.weight,
                "x": self.x,
                "rows": [r.to_json() for r in self.rows],
            }
        )

    def table(self) -> str:
        """Plain-text table: depth, derivative, log₁₀|derivative|, bound."""
        lines = [f"{'depth':>5}  {'dh/dx':>12}  {'log10|dh/dx|':>12}  {'bound':>12}"]
        for r in self.rows:
            lines.append(f"{r.depth:>5}  {r.derivative:>12.4e}  {r.log10_abs_derivative:>12.3f}"
                         f"  {r.bound:>12.4e}")
        return "\n".join(lines)


def chain_study(
    activation: str,
    depths: Sequence[int] = (1, 2, 5, 10, 20, 50, 100),
    weight: Any = 1.0,
    x: Any = 1.0,
) -> ChainStudy:
    """:func:`activation_chain` for each depth: how the derivative vanishes with depth."""
    rows = [activation_chain(activation, d, weight, x) for d in depths]
    return ChainStudy(activation, float(_exact_number(weight)), float(_exact_number(x)), rows)
