"""Measured convergence behaviour from recorded runs.

Everything works on plain arrays — an iterate path ``(K+1, n)`` (row k is ``x_k``; a 1-D array
is a path in one variable), error sequences, function values — so it applies to any optimizer
result that carries ``path``.

Definitions (``e_k = ||x_k - x*||``, ``l_k = ln e_k``, ``d_k = l_k - l_{k+1}`` the per-step
decay, ``r_k = e_{k+1}/e_k = exp(-d_k)`` the successive ratio):

* **Floor.** Points with ``e_k <= floor`` (default ``1e3 * eps * max(1, ||x*||)``) or non-finite
  are rounding noise: the analysis uses the prefix before the first such point. A later
  *plateau* is also treated as a floor — over the last quarter the robust trend changes the
  error by less than 4x either way while 25–75% of the steps increase it (or it is exactly
  flat); the analysis stops where the error first comes within 10x of the plateau's maximum.
  When the iterates converge to a point ``x_hat`` visibly different from the given ``x*`` (the
  geometric tail of the steps is < 10% of ``||x_K - x*||``: an inexact ``x*`` or a valley of
  minimizers), errors are measured to ``x_hat = x_K`` and a note says so.
* **Asymptotic window (linear phase).** Local slopes of ``l`` over sliding windows of
  ``w = max(3, n/8)`` points are compared with the slope of the final third; the window starts
  at the earliest point after which every local slope is within
  ``max(settle_rtol * |final slope|, 3 * robust noise)`` of it (the transient is what comes
  before). The rate is ``exp(median of (l_{i+h} - l_i)/h)``, ``h`` = half the window — a
  Theil–Sen estimator restricted to long baselines, robust to rounding noise and to periodic
  modulation (momentum); ordinary least squares is reported beside it as a check.
* **Kinds** (checked in this order):
  ``diverges``: a non-finite error, or the final error >= 100x ``max(e_0, floor)``, or >= 100x
  the smallest error with >= 90% increasing steps in the last quarter (saddle escape).
  ``none``: fewer than 3 points above the floor, no decrease, or a linear window shorter than
  5 points (its rate is still reported).
  ``quadratic`` / ``superlinear``: the ratios ``r_k`` fall toward 0 at the end — either they
  decrease strictly over a final stretch of >= 2 ratios (monotone errors from 3 steps before)
  down to <= 1/4 of the stretch's first ratio (and <= 0.1 if the stretch has only 2 ratios);
  or the geometric mean of the last 3 ratios is <= 1/4 of the median of the 3 before
  (all 6 steps decreasing; BFGS-like noisy acceleration). Then ``quadratic`` if
  ``1.8 <= q <= 2.6`` (1.8 separates Newton's 2 from the secant method's golden ratio 1.618),
  else ``superlinear``; ``q`` is the median of the last three ``d_k/d_(k-1)``.
  ``sublinear``: over the last half, the block decay rates ``d`` are positive, decrease (last
  <= 0.8 x first, at most one increase) and the final ratio ``r`` exceeds 0.9 — the signature
  of ``d ~ p/(k + k0)``; ``p = 1/slope`` of ``1/d`` against ``k`` (offset-free).
  ``linear``: otherwise, with the fitted rate (< 1).
* **Stochastic runs** (``stochastic=True``): the level ``E||x - x*||^2`` is the mean of
  ``e_k^2`` over the last half with a batch-means standard error (20 batches); if the means
  of ``e^2`` over 20 blocks of ``[K/10, K]`` decay in ``k`` (log-log OLS slope < -0.2 and
  significant: slope + 3 SE < 0) the kind is ``sublinear`` (``||e||`` exponent = -slope/2) and
  ``C = mean(k e_k^2)`` estimates ``E||e_k||^2 ~ C/k``; else ``none`` (stationary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.jsonutil import jsonable

EPS = float(np.finfo(float).eps)
KINDS = ("linear", "superlinear", "quadratic", "sublinear", "diverges", "none")
QUADRATIC_ORDER = (1.8, 2.6)
DIVERGENCE_GROWTH = 100.0
MIN_WINDOW = 5


# --------------------------------------------------------------------------------------------
# Basic sequences
# --------------------------------------------------------------------------------------------


def as_path(path: ArrayLike) -> NDArray[np.float64]:
    """The path as a float ``(K+1, n)`` array (a 1-D array is one variable)."""
    p = np.asarray(path, dtype=float)
    if p.ndim == 1:
        p = p[:, None]
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError("path must have shape (K+1, n)")
    return p


def default_floor(scale: float = 1.0) -> float:
    """Errors at or below ``1e3 * eps * max(1, scale)`` are rounding noise."""
    return 1e3 * EPS * max(1.0, abs(float(scale)))


def errors(path: ArrayLike, x_star: ArrayLike | None) -> NDArray[np.float64]:
    """``e_k = ||x_k - x*||`` (length K+1); with ``x_star=None`` the step lengths
    ``||x_{k+1} - x_k||`` (length K), which contract at the same linear rate."""
    p = as_path(path)
    if x_star is None:
        return step_lengths(p)
    xs = np.broadcast_to(np.asarray(x_star, dtype=float).ravel(), (p.shape[1],))
    with np.errstate(invalid="ignore", over="ignore"):
        return np.linalg.norm(p - xs, axis=1)


def step_lengths(path: ArrayLike) -> NDArray[np.float64]:
    """``||x_{k+1} - x_k||`` for k = 0..K-1."""
    p = as_path(path)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.linalg.norm(np.diff(p, axis=0), axis=1)


def iterations_to_tolerance(values: ArrayLike, tol: float) -> int | None:
    """First k with ``values[k] <= tol`` (errors, ``f - f*`` or gradient norms); None if never."""
    v = np.asarray(values, dtype=float)
    hit = np.flatnonzero(np.isfinite(v) & (v <= tol))
    return int(hit[0]) if hit.size else None


def detect_divergence(err: ArrayLike, *, growth: float = DIVERGENCE_GROWTH,
                      floor: float | None = None) -> bool:
    """True when an error is non-finite, or the final error is >= ``growth * max(e_0, floor)``,
    or it is >= ``growth * max(min_k e_k, floor)`` while at least 90% of the steps of the last
    quarter increase it (the approach-then-escape of a saddle: "the iterates left x*").
    """
    e = np.asarray(err, dtype=float)
    if e.size == 0:
        return False
    if not np.all(np.isfinite(e)):
        return True
    fl = default_floor() if floor is None else float(floor)
    if e[-1] >= growth * max(float(e[0]), fl):
        return True
    # escape after an approach (a saddle): steady growth to >= growth x the smallest error
    q = e[(3 * e.size) // 4:]
    if q.size < 4 or e[-1] < growth * max(float(np.min(e)), fl):
        return False
    return bool(np.mean(np.diff(q) > 0) >= 0.9)


# --------------------------------------------------------------------------------------------
# Robust slopes and windows
# --------------------------------------------------------------------------------------------


def robust_slope(y: ArrayLike) -> float:
    """Median of ``(y_{i+h} - y_i)/h`` with ``h = len(y)//2``: a long-baseline Theil–Sen slope."""
    y = np.asarray(y, dtype=float)
    n = y.size
    if n < 2:
        return math.nan
    h = max(1, n // 2)
    return float(np.median((y[h:] - y[:-h]) / h))


def lstsq_slope(y: ArrayLike) -> float:
    """Ordinary least-squares slope of ``y`` against its index."""
    y = np.asarray(y, dtype=float)
    if y.size < 2:
        return math.nan
    return float(np.polyfit(np.arange(y.size, dtype=float), y, 1)[0])


def valid_length(err: ArrayLike, floor: float) -> int:
    """Length of the prefix of finite errors strictly above ``floor``."""
    e = np.asarray(err, dtype=float)
    bad = np.flatnonzero(~np.isfinite(e) | (e <= floor))
    return int(bad[0]) if bad.size else int(e.size)


def plateau_start(err: ArrayLike, *, min_len: int = 16) -> int | None:
    """Index where a final plateau (stagnation) starts, or None (see the module docstring)."""
    e = np.asarray(err, dtype=float)
    if e.size < min_len or np.any(e <= 0) or not np.all(np.isfinite(e)):
        return None
    l = np.log(e)
    q = l[(3 * e.size) // 4:]
    drop = -robust_slope(q) * (q.size - 1)
    ups = float(np.mean(np.diff(q) > 0))
    flat = float(np.ptp(q)) <= 1e-9
    if not (flat or (abs(drop) < math.log(4.0) and 0.25 <= ups <= 0.75)):
        return None
    return int(np.flatnonzero(l <= np.max(q))[0])


def _settled_window(l: NDArray[np.float64], settle_rtol: float) -> tuple[int, bool]:
    """Start of the asymptotic (constant local slope) phase of ``l`` and whether it settled."""
    n = l.size
    w = max(3, n // 8)
    fl = max(w, n // 3)
    f0 = n - fl
    if f0 <= 0:
        return 0, n >= 5
    stride = max(1, (n - w) // 400)
    starts = np.arange(0, n - w + 1, stride)
    s = np.array([robust_slope(l[j:j + w]) for j in starts])
    s_f = robust_slope(l[f0:])
    tail = s[starts >= f0]
    noise = 1.4826 * float(np.median(np.abs(tail - np.median(tail)))) if tail.size >= 3 else 0.0
    tol = max(settle_rtol * abs(s_f), 3.0 * noise, 1e-14)
    a = f0
    for j, sj in zip(starts[::-1], s[::-1], strict=True):
        if j >= f0:
            continue
        if abs(sj - s_f) > tol:
            break
        a = int(j)
    return a, a < f0


@dataclass(frozen=True)
class LinearFit:
    """Result of :func:`linear_fit`: ``window`` = ``(start, end)`` inclusive indices."""

    rate: float
    window: tuple[int, int]
    rate_lstsq: float
    settled: bool


def linear_fit(err: ArrayLike, *, floor: float | None = None, scale: float = 1.0,
               settle_rtol: float = 0.01, min_points: int = 3) -> LinearFit | None:
    """Fit the asymptotic linear rate of ``err`` (see the module docstring); None if fewer than
    ``min_points`` points are above the floor."""
    e = np.asarray(err, dtype=float)
    fl = default_floor(scale) if floor is None else float(floor)
    n = valid_length(e, fl)
    p = plateau_start(e[:n])
    if p is not None:
        top = np.max(e[(3 * n) // 4:n])
        n = int(np.flatnonzero(e[:n] <= 10.0 * top)[0]) if p > 0 else 0
    if n < min_points:
        return None
    l = np.log(e[:n])
    a, settled = _settled_window(l, settle_rtol)
    seg = l[a:n]
    return LinearFit(
        rate=math.exp(robust_slope(seg)),
        window=(a, n - 1),
        rate_lstsq=math.exp(lstsq_slope(seg)),
        settled=settled and seg.size >= 5,
    )


def fit_linear_rate(err: ArrayLike, *, floor: float | None = None, scale: float = 1.0,
                    settle_rtol: float = 0.01) -> tuple[float | None, tuple[int, int] | None]:
    """``(rate, (start, end))``: the asymptotic contraction factor of ``err`` and the inclusive
    window it was fitted on (floor, plateau and transient removed; robust estimator)."""
    fit = linear_fit(err, floor=floor, scale=scale, settle_rtol=settle_rtol)
    return (None, None) if fit is None else (fit.rate, fit.window)


# --------------------------------------------------------------------------------------------
# Order of convergence
# --------------------------------------------------------------------------------------------


def _accelerating_start(d: NDArray[np.float64]) -> int:
    """Start of the final stretch where the decays ``d_k`` are positive and strictly increasing
    (i.e. the ratios ``r_k`` decrease toward 0)."""
    s = d.size - 1
    if s < 0 or d[s] <= 0:
        return d.size
    while s > 0 and 0 < d[s - 1] < d[s]:
        s -= 1
    return s


def estimate_order(err: ArrayLike, *, floor: float | None = None,
                   scale: float = 1.0) -> float | None:
    """q-order from ``q_k = ln(e_{k+1}/e_k) / ln(e_k/e_{k-1}) = d_k/d_{k-1}``.

    The median of the last three ``q_k`` (the final, fastest phase) over the points above the
    floor; None with fewer than three such points. For ``e_{k+1} = C e_k^2`` every ``q_k`` is
    exactly 2; the secant method gives values scattering around 1.618.
    """
    e = np.asarray(err, dtype=float)
    n = valid_length(e, default_floor(scale) if floor is None else float(floor))
    if n < 3:
        return None
    d = -np.diff(np.log(e[:n]))
    with np.errstate(divide="ignore", invalid="ignore"):
        q = d[1:] / d[:-1]
    q = q[-3:][(d[:-1][-3:] > 0) & (d[1:][-3:] > 0)]
    return float(np.median(q)) if q.size else None


# --------------------------------------------------------------------------------------------
# Oscillation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Oscillation:
    """``reversal_fraction``: share of consecutive steps with ``s_k . s_{k+1} < 0``;
    ``component_flips``: per coordinate, share of sign changes of ``x_k - x*``."""

    oscillating: bool
    reversal_fraction: float
    component_flips: NDArray[np.float64]

    def to_json(self) -> dict[str, Any]:
        return jsonable(
            {"oscillating": self.oscillating, "reversal_fraction": self.reversal_fraction,
             "component_flips": self.component_flips}
        )


def oscillation(path: ArrayLike, x_star: ArrayLike | None = None, *,
                window: tuple[int, int] | None = None) -> Oscillation:
    """Detect the oscillating regime (e.g. GD with ``lr*lambda > 1`` on the dominant mode).

    Consecutive steps ``s_k = x_{k+1} - x_k`` of a linear iteration follow the dominant mode; it
    alternates when its root is negative (GD: ``1 - lr*lambda < 0``) and rotates by the root's
    argument theta when complex (momentum), giving a reversal share of ``theta/pi``.
    ``oscillating`` is ``reversal_fraction > 0.5`` (a root with negative real part).
    """
    p = as_path(path)
    if window is not None:
        p = p[window[0]:window[1] + 1]
    s = np.diff(p, axis=0)
    dots = np.einsum("ij,ij->i", s[:-1], s[1:]) if s.shape[0] >= 2 else np.zeros(0)
    dots = dots[np.isfinite(dots) & (dots != 0)]
    frac = float(np.mean(dots < 0)) if dots.size else 0.0
    if x_star is not None and p.shape[0] >= 2:
        e = p - np.asarray(x_star, dtype=float).ravel()
        prod = e[:-1] * e[1:]
        nz = prod != 0
        flips = np.where(nz.sum(0) > 0, (prod < 0).sum(0) / np.maximum(nz.sum(0), 1), 0.0)
    else:
        flips = np.zeros(p.shape[1])
    return Oscillation(frac > 0.5, frac, np.asarray(flips, dtype=float))


# --------------------------------------------------------------------------------------------
# measure()
# --------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """Measured behaviour of one run (fields as in ``predicted``; see the module docstring).

    ``window`` is ``[start, end]`` (inclusive iteration indices of the fit), ``iterations`` the
    number of iterations in the path (K), ``floor_index`` the first iteration at or below the
    floor, ``settled`` whether the local rate was constant over the window, ``rate_lstsq`` the
    least-squares confirmation of ``rate``; ``error_level`` (+ ``_se``) and ``error_constant``
    (+ ``_se``) are for stochastic runs; ``fun_rate`` the linear rate of ``f - f*`` if given.
    """

    kind: str
    rate: float | None = None
    order: float | None = None
    window: tuple[int, int] | None = None
    iterations: int = 0
    oscillating: bool | None = None
    notes: list[str] = field(default_factory=list)
    exponent: float | None = None
    error_level: float | None = None
    error_level_se: float | None = None
    error_constant: float | None = None
    error_constant_se: float | None = None
    floor_index: int | None = None
    settled: bool = False
    rate_lstsq: float | None = None
    fun_rate: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")

    @property
    def window_length(self) -> int:
        return 0 if self.window is None else self.window[1] - self.window[0] + 1

    def to_json(self) -> dict[str, Any]:
        """The ``measured`` object: design keys first, then the extra fields (non-finite→null)."""
        return jsonable(
            {
                "kind": self.kind,
                "rate": self.rate,
                "order": self.order,
                "window": None if self.window is None else list(self.window),
                "iterations": self.iterations,
                "oscillating": self.oscillating,
                "exponent": self.exponent,
                "error_level": self.error_level,
                "error_level_se": self.error_level_se,
                "error_constant": self.error_constant,
                "error_constant_se": self.error_constant_se,
                "floor_index": self.floor_index,
                "settled": self.settled,
                "rate_lstsq": self.rate_lstsq,
                "fun_rate": self.fun_rate,
                "notes": list(self.notes),
            }
        )


def _batch_means(values: NDArray[np.float64], batches: int = 20) -> tuple[float, float | None]:
    """Mean and batch-means standard error (None with fewer than 2 points per batch)."""
    m = float(np.mean(values))
    if values.size < 2 * batches:
        return m, None
    size = values.size // batches
    bm = values[values.size - size * batches:].reshape(batches, size).mean(axis=1)
    return m, float(np.std(bm, ddof=1) / math.sqrt(batches))


def _limit_point(p: NDArray, x_star: NDArray, floor: float) -> tuple[float, float] | None:
    """``(distance ||x_K - x*||, estimated remaining distance to the limit)`` when the iterates
    converge to a point visibly different from ``x*`` (else None)."""
    d_lim = float(np.linalg.norm(p[-1] - x_star))
    if not math.isfinite(d_lim) or d_lim <= floor or p.shape[0] < 4:
        return None
    s = step_lengths(p)
    big = np.flatnonzero(s > default_floor(float(np.linalg.norm(p[-1]))))
    if big.size == 0:
        return d_lim, 0.0
    j = int(big[-1])
    seg = s[max(0, j - 10):j + 1]
    seg = seg[seg > 0]
    if seg.size < 3:
        return None
    r = float(np.median(seg[1:] / seg[:-1]))
    remaining = s[j] * r / (1.0 - r) if r < 1.0 else math.inf
    return (d_lim, remaining) if remaining <= 0.1 * d_lim else None


def _sublinear(l: NDArray[np.float64], start: int) -> float | None:
    """Exponent p if ``l[start:]`` decays like ``-p ln(k + k0)`` (module docstring rule)."""
    h = l[start:]
    if h.size < 12:
        return None
    m = max(4, min(8, h.size // 3))
    edges = np.linspace(0, h.size, m + 1).astype(int)
    d = np.array([-robust_slope(h[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)])
    centers = start + (edges[:-1] + edges[1:] - 1) / 2.0
    if np.any(~np.isfinite(d)) or np.any(d <= 0):
        return None
    increases = int(np.sum(np.diff(d) > 0))
    if d[-1] > 0.8 * d[0] or increases > 1 or math.exp(-d[-1]) <= 0.9:
        return None
    inv = 1.0 / d
    slopes = [(inv[j] - inv[i]) / (centers[j] - centers[i])
              for i in range(m) for j in range(i + 1, m)]
    slope = float(np.median(slopes))
    return 1.0 / slope if slope > 0 else None


def _decay_slope(e2: NDArray[np.float64], k0: int, blocks: int = 20) -> tuple[float, float]:
    """OLS slope of ln(block mean of e^2) against ln(block centre) and its standard error."""
    edges = np.linspace(0, e2.size, blocks + 1).astype(int)
    pairs = list(zip(edges[:-1], edges[1:], strict=True))
    bm = np.array([e2[a:b].mean() for a, b in pairs])
    bc = np.array([k0 + (a + b - 1) / 2.0 for a, b in pairs])
    x, y = np.log(np.maximum(bc, 1.0)), np.log(np.maximum(bm, 1e-300))
    slope, icpt = np.polyfit(x, y, 1)
    resid = y - (slope * x + icpt)
    sxx = float(np.sum((x - x.mean()) ** 2))
    se = math.sqrt(float(np.sum(resid**2)) / (blocks - 2) / sxx) if sxx > 0 else math.inf
    return float(slope), se


def _measure_stochastic(e: NDArray, K: int, notes: list[str]) -> Measurement:
    t0 = (K + 1) // 2
    e2 = e[t0:] ** 2
    level, se = _batch_means(e2)
    k1 = max(1, K // 10)
    trend = e[k1:] ** 2
    if trend.size >= 80:
        slope, slope_se = _decay_slope(trend, k1)
    else:
        slope, slope_se = 0.0, math.inf
        notes.append("stochastic: too few points for a trend test")
    if slope < -0.2 and slope + 3.0 * slope_se < 0.0:
        k = np.arange(t0, K + 1, dtype=float)
        c, c_se = _batch_means(e2 * k)
        notes.append(
            f"stochastic: E|e|^2 decays like k^{slope:.3g} (+- {slope_se:.2g}); C = mean(k e_k^2) "
            "over the last half (batch-means SE is optimistic when the correlation time grows)"
        )
        return Measurement("sublinear", None, None, (t0, K), K, None, notes, -slope / 2.0,
                           level, se, c, c_se, settled=True)
    notes.append("stochastic: stationary error level (mean of e^2 over the last half)")
    return Measurement("none", None, None, (t0, K), K, None, notes, None, level, se,
                       settled=True)


def measure(
    path: ArrayLike,
    x_star: ArrayLike | None,
    *,
    fun: ArrayLike | None = None,
    fun_star: float | None = None,
    floor: float | None = None,
    stochastic: bool = False,
    settle_rtol: float = 0.01,
) -> Measurement:
    """Measured kind, rate, order and window of a run (rules in the module docstring).

    ``path``: iterates ``(K+1, n)``; ``x_star``: the critical point (``None``: step lengths are
    used as the error proxy); ``fun``/``fun_star``: function values along the path and the
    optimal value (adds the rate of ``f - f*``); ``floor``: override of the rounding floor (it
    also disables the switch to the limit point ``x_K``); ``stochastic``: measure the
    noise-driven error level instead of a rate.

    With an optimizer result pass ``res.path``; for row i of a batch result pass
    ``batch.path[i, :batch.nit[i] + 1]`` — the rows after a start's last iterate are NaN
    padding and would otherwise read as divergence.
    """
    p = as_path(path)
    K = p.shape[0] - 1
    notes: list[str] = []
    xs = None if x_star is None else np.broadcast_to(
        np.asarray(x_star, dtype=float).ravel(), (p.shape[1],))
    scale = 0.0 if xs is None else float(np.linalg.norm(xs))
    fl = default_floor(scale) if floor is None else float(floor)
    e = errors(p, xs)
    if xs is None:
        notes.append("no x*: step lengths |x_(k+1)-x_k| used as the error proxy")

    if detect_divergence(e, floor=fl):
        return _measure_divergence(p, e, K, fl, notes)
    if stochastic:
        if xs is None:
            raise ValueError("stochastic measurement needs x_star")
        return _measure_stochastic(e, K, notes)

    if xs is not None and floor is None:
        lim = _limit_point(p, xs, fl)
        if lim is not None:
            d_lim, remaining = lim
            notes.append(
                f"iterates converge to a point at distance {d_lim:.3g} from x* (inexact x* or "
                "a valley of minimizers): errors measured to the final iterate"
            )
            xs = p[-1].copy()
            e = errors(p, xs)
            fl = max(default_floor(float(np.linalg.norm(xs))), 1e3 * remaining)

    n = valid_length(e, fl)
    floor_index = n if n < e.size else None
    pl = plateau_start(e[:n])
    if pl is not None:
        top = float(np.max(e[(3 * n) // 4:n]))
        notes.append(f"error stagnates near {top:.3g} from iteration {pl}: treated as a floor")
        n = int(np.flatnonzero(e[:n] <= 10.0 * top)[0]) if pl > 0 else 0
    fun_rate = _fun_rate(fun, fun_star)
    base = dict(iterations=K, floor_index=floor_index, fun_rate=fun_rate)
    if n < 3:
        where = "the plateau" if pl is not None else "the floor"
        notes.append(f"only {n} point(s) above {where}: no asymptotic phase")
        return Measurement("none", notes=notes, **base)

    l = np.log(e[:n])
    d = -np.diff(l)
    result = _measure_superlinear(e, d, n, fl, notes, base)
    if result is not None:
        return result
    p_sub = _sublinear(l, n // 2)
    if p_sub is not None:
        notes.append("decay slows like 1/k: sublinear (exponent from the slope of 1/d vs k)")
        osc = oscillation(p, xs, window=(n // 2, n - 1)).oscillating
        return Measurement("sublinear", None, None, (n // 2, n - 1), oscillating=osc,
                           notes=notes, exponent=p_sub, settled=True, **base)
    fit = linear_fit(e[:n], floor=fl, settle_rtol=settle_rtol)
    if fit is None or not fit.rate < 1.0:
        notes.append("no decrease of the error over the asymptotic window")
        return Measurement("none", notes=notes, **base)
    if abs(fit.rate_lstsq - fit.rate) > 0.01 * fit.rate:
        notes.append(
            f"robust rate {fit.rate:.6g} and least-squares rate {fit.rate_lstsq:.6g} differ by "
            "more than 1% (oscillation or transient in the window)"
        )
    if fit.window[1] - fit.window[0] + 1 < MIN_WINDOW:
        notes.append(f"asymptotic window has fewer than {MIN_WINDOW} points: no reliable rate")
        return Measurement("none", fit.rate, 1.0, fit.window, notes=notes, settled=False,
                           rate_lstsq=fit.rate_lstsq, **base)
    if not fit.settled:
        notes.append("local rate still drifting: the asymptotic phase may not have been reached")
    osc = oscillation(p, xs, window=fit.window).oscillating
    return Measurement("linear", fit.rate, 1.0, fit.window, oscillating=osc, notes=notes,
                       settled=fit.settled, rate_lstsq=fit.rate_lstsq, **base)


def _superlinear_tail(d: NDArray[np.float64]) -> int | None:
    """Start (in ``d`` indices) of a superlinear final phase, or None.

    Rule A (clean acceleration): the ratios decrease strictly over a final stretch of >= 2
    ratios, the 3 steps before it decrease the error too, the last ratio is <= 1/4 of the
    stretch's first ratio, and (with only 2 ratios) the last ratio is <= 0.1.
    Rule B (noisy acceleration, e.g. BFGS): the geometric mean of the last 3 ratios is <= 1/4
    of the median of the 3 ratios before, and these 6 steps all decrease the error.
    """
    if d.size < 2:
        return None
    s = _accelerating_start(d)
    stretch = d.size - s
    if stretch >= 2 and np.all(d[max(0, s - 3):] > 0):
        last, first = math.exp(-d[-1]), math.exp(-d[s])
        if last <= 0.25 * first and (stretch >= 3 or last <= 0.1):
            return s
    if d.size >= 6 and np.all(d[-6:] > 0):
        tail = math.exp(-float(np.mean(d[-3:])))
        before = float(np.median(np.exp(-d[-6:-3])))
        if tail <= 0.25 * before:
            return d.size - 3
    return None


def _measure_superlinear(e: NDArray, d: NDArray, n: int, fl: float, notes: list[str],
                         base: dict[str, Any]) -> Measurement | None:
    s = _superlinear_tail(d)
    if s is None:
        return None
    q = estimate_order(e[:n], floor=fl)
    lo, hi = QUADRATIC_ORDER
    kind = "quadratic" if q is not None and lo <= q <= hi else "superlinear"
    notes.append(f"ratios e_(k+1)/e_k fall toward 0 from iteration {s} on")
    return Measurement(kind, None, q, (s, n - 1), oscillating=False, notes=notes,
                       settled=n - s >= 4, **base)


def _measure_divergence(p: NDArray, e: NDArray, K: int, fl: float,
                        notes: list[str]) -> Measurement:
    finite = np.flatnonzero(~np.isfinite(e))
    m = int(finite[0]) if finite.size else e.size
    ef = e[:m]
    if m >= 3 and np.all(ef > 0):
        top = int(np.argmax(ef >= 0.99 * np.max(ef)))
        l = np.log(ef[:top + 1])
        a, _ = _settled_window(l, 0.01) if l.size >= 3 else (0, False)
        rate = math.exp(robust_slope(l[a:])) if l.size - a >= 2 else None
        window: tuple[int, int] | None = (a, top)
    else:
        rate, window = None, None
    if finite.size:
        notes.append(f"non-finite iterate at k={m}")
    notes.append("error grows without bound (or the iterates left x*)")
    osc = oscillation(p[:m], None, window=window).oscillating if m >= 3 else None
    return Measurement("diverges", rate, None, window, K, osc, notes,
                       floor_index=None, settled=False)


def _fun_rate(fun: ArrayLike | None, fun_star: float | None) -> float | None:
    if fun is None or fun_star is None:
        return None
    gap = np.abs(np.asarray(fun, dtype=float) - float(fun_star))
    fit = linear_fit(gap, scale=max(1.0, abs(float(fun_star))))
    return None if fit is None else fit.rate
