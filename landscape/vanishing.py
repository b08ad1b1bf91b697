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
  compiled ``g_cols`` kernel, connected components (full connectivity), plus local minima of
  ‖∇f‖ refined below the grid scale.  n > 4: Halton samples grouped by single linkage.

**Deep activation chains** h₀ = x, h_k = a(w·h_{k−1}):  by the chain rule
dh_d/dx = Π_{k=1..d} w·a'(w·h_{k−1}).  Since |tanh'| ≤ 1, σ' ≤ 1/4 and relu' ∈ {0, 1}, the
product is bounded by (w·sup a')^d: chains of sigmoids vanish at least like (w/4)^d.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .box import require_analysis_box
from .budget import budget_seconds, run_with_budget
from .errors import AnalysisError, BudgetExceeded, InputError
from .jsonutil import jsonable

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
    critical_point: str | None = None  # "nondegenerate" | "degenerate" | None (none inside)

    def to_json(self) -> dict[str, Any]:
        """``{"box": [[lo, hi], ...], "point", "gradient_norm", "value", "above_min",
        "plateau", "exact", "critical_point"}``."""
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

    def to_json(self) -> dict[str, Any]:
        """``{"threshold", "regions": [...], "f_min", "f_max", "method", "notes"}``."""
        return jsonable(
            {
                "threshold": self.threshold,
                "regions": [r.to_json() for r in self.regions],
                "f_min": self.f_min,
                "f_max": self.f_max,
                "method": self.method,
                "notes": list(self.notes),
            }
        )


# ============================================================================ box range


def _box_range(obj: Any, box: np.ndarray, X: np.ndarray, F: np.ndarray) -> tuple[float, float]:
    """min f and max f over the box: best grid values refined by bounded L-BFGS-B."""
    from scipy.optimize import minimize

    finite = np.isfinite(F)
    if not np.any(finite):
        raise AnalysisError("f is not finite anywhere on the sampled box")
    out = []
    for sign in (1.0, -1.0):
        i = int(np.argmin(np.where(finite, sign * F, np.inf)))

        def fun(x, sign=sign):
            v = sign * obj.compiled.value(x)
            return v if math.isfinite(v) else 1e300

        def jac(x, sign=sign):
            return sign * obj.compiled.gradient(x)

        res = minimize(fun, X[i], jac=jac, method="L-BFGS-B", bounds=[tuple(b) for b in box])
        out.append(sign * min(float(res.fun), sign * float(F[i])))
    return out[0], out[1]


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
    if not np.linalg.norm(obj.compiled.gradient(x0)) <= 1e-8 * scale:
        return x0, None
    return x0, ("degenerate" if ev.min() <= 1e-6 * scale else "nondegenerate")


def _region(obj, lower, upper, point, f_min, f_max, exact=False) -> VanishingRegion:
    point, critical = _critical_inside(obj, lower, upper, point)
    g = float(np.linalg.norm(obj.compiled.gradient(point)))
    v = obj.compiled.value(point)
    above = v - f_min
    plateau = above > PLATEAU_FRACTION * (f_max - f_min) and critical != "nondegenerate"
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


def _vanishing_1d(obj, box, threshold, timeout) -> VanishingReport:
    lo, hi = float(box[0, 0]), float(box[0, 1])
    xs = np.linspace(lo, hi, GRID_POINTS)
    X = xs[:, None]
    G = np.abs(obj.compiled.gradients(X)[:, 0])
    F = obj.compiled.values(X)
    f_min, f_max = _box_range(obj, box, X, F)
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
        notes.append(f"interval ends from a {GRID_POINTS:,}-point grid refined by brentq")
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
        regions.append(_region(obj, (a,), (b,), (best,), f_min, f_max, exact))
    method = "exact-roots" if exact else "grid+brentq"
    return VanishingReport(threshold, regions, f_min, f_max, method, notes)


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


def _subgrid_minima(obj, box, X, gn, threshold, count=20) -> list[np.ndarray]:
    """Local minimisation of ‖∇f‖² from the smallest grid values: points below the threshold
    that the grid spacing misses (the neighbourhood of an isolated critical point)."""
    from scipy.optimize import minimize

    out = []
    for i in np.argsort(gn)[:count]:
        def fun(x):
            g = obj.compiled.gradient(x)
            v = float(g @ g)
            return v if math.isfinite(v) else 1e300

        res = minimize(fun, X[i], method="L-BFGS-B", bounds=[tuple(b) for b in box])
        if math.sqrt(max(res.fun, 0.0)) < threshold:
            out.append(res.x)
    return out


def _linear_region(obj, box, p, threshold) -> tuple[np.ndarray, np.ndarray]:
    """Bounding box of {x : ‖H(p)(x − p)‖ < t} (∇f ≈ H·(x − p) near a critical point p):
    half-widths t·‖row_i(H⁻¹)‖; just the point when H is singular."""
    H = obj.compiled.hessian(p)
    try:
        half = threshold * np.linalg.norm(np.linalg.inv(H), axis=1)
    except np.linalg.LinAlgError:
        half = np.zeros_like(p)
    if not np.all(np.isfinite(half)):
        half = np.zeros_like(p)
    return np.maximum(p - half, box[:, 0]), np.minimum(p + half, box[:, 1])


def _vanishing_nd(obj, box, threshold, max_regions) -> VanishingReport:
    n = obj.n
    notes = []
    if n <= 4:
        X, shape = _grid(box, GRID_POINTS)
        spacing = float(np.max((box[:, 1] - box[:, 0]) / (shape[0] - 1)))
        method = f"grid {'×'.join(str(s) for s in shape)}"
    else:
        from scipy.stats import qmc

        count = 20_000
        U = qmc.Halton(d=n, scramble=True, seed=0).random(count)
        X = box[:, 0] + U * (box[:, 1] - box[:, 0])
        shape = None
        spacing = float(np.linalg.norm(box[:, 1] - box[:, 0]) * count ** (-1.0 / n))
        method = f"{count:,} Halton samples, single linkage"
        notes.append("sampled, not gridded: regions are indicative only")
    gn = _gradient_norms(obj, X)
    F = obj.compiled.values(X)
    f_min, f_max = _box_range(obj, box, X, F)
    mask = gn < threshold
    if shape is None and mask.sum() > 5000:
        keep = np.nonzero(mask)[0][5000:]
        mask[keep] = False
        notes.append("more than 5,000 small-gradient samples: only the first 5,000 grouped")
    labels = _components(mask, shape, X, spacing)
    regions = []
    half = 0.5 * (box[:, 1] - box[:, 0]) / ((shape[0] - 1) if shape else 1)
    sizes = np.bincount(labels)
    order = [k for k in np.argsort(-sizes) if k != 0 and sizes[k] > 0]
    if len(order) > max_regions:
        notes.append(f"{len(order)} regions; the {max_regions} largest are reported")
        order = order[:max_regions]
    for k in order:
        idx = np.nonzero(labels == k)[0]
        pts = X[idx]
        lower = np.maximum(pts.min(axis=0) - half, box[:, 0])
        upper = np.minimum(pts.max(axis=0) + half, box[:, 1])
        best = pts[np.argmin(gn[idx])]
        regions.append(_region(obj, lower, upper, best, f_min, f_max))
    for p in _subgrid_minima(obj, box, X, gn, threshold):
        covered = any(np.all(p >= np.array(r.lower) - spacing) and
                      np.all(p <= np.array(r.upper) + spacing) for r in regions)
        if covered or len(regions) >= max_regions:
            continue
        near = (np.maximum(p - spacing, box[:, 0]), np.minimum(p + spacing, box[:, 1]))
        p, _ = _critical_inside(obj, near[0], near[1], p)
        lower, upper = _linear_region(obj, box, p, threshold)
        regions.append(_region(obj, lower, upper, p, f_min, f_max))
        notes.append(f"region around {tuple(round(float(v), 6) for v in p)} is below the "
                     "grid resolution (bounds from the local linearisation of ∇f)")
    return VanishingReport(threshold, regions, f_min, f_max, method, notes)


@np.errstate(all="ignore")  # overflow to inf/nan is handled where it matters
def find_vanishing_regions(
    obj: Any,
    box: Any = None,
    *,
    threshold: float = 1e-3,
    max_regions: int = 50,
    timeout: float | None = None,
) -> VanishingReport:
    """Regions of the box where ‖∇f‖ < ``threshold``, with plateau flags (see module doc)."""
    if not (threshold > 0 and math.isfinite(threshold)):
        raise InputError("threshold must be a positive number")
    if obj.data_symbols:
        raise InputError("vanishing-gradient analysis of finite-sum objectives is not supported")
    B = require_analysis_box(obj.box(box))
    if obj.n == 1:
        budget = budget_seconds("vanishing") if timeout is None else timeout
        return _vanishing_1d(obj, B, threshold, budget)
    return _vanishing_nd(obj, B, threshold, max_regions)


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
