"""Sweeps of compiled runs against theory: learning-rate thresholds, momentum stability maps,
basins of attraction.

* :func:`lr_sweep` — one run per learning rate from the same start; which diverge, and where
  the observed threshold lies next to the predicted one (2/L for GD, ...).
* :func:`momentum_stability_map` — heavy ball / Nesterov on a (momentum, lr) grid: measured
  rates next to the spectral radius of the iteration matrix, and the agreement.
* :func:`basins` — one ``minimize_batch`` over a grid of starts; each start labelled by the
  critical point it converged to.

The minimizer of a sweep (``minimizer=None``) is the critical point of kind minimum nearest to
``x0`` (exact coordinates when available): the minimizer the start is near, which is the one a
stability threshold refers to.  Without a critical-point list entry it is ``x0`` refined by
Newton on ``grad f = 0`` (accepted when the Hessian there is positive semidefinite).

**Divergence** of a run (:func:`diverging`): the optimizer stopped it as diverged, or its error
``|x_k - x*|`` (step lengths when there is no x*) *grows* over the second half of the run:
the robust log-slope (:func:`analysis.empirical.robust_slope`) exceeds :data:`GROWTH_TOL`
per step.  A run on the boundary (radius exactly 1, e.g. GD on x^2 with lr = 1, which
alternates between x0 and -x0) neither converges nor diverges and counts as not diverged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis import theory
from analysis.compare import compare
from analysis.empirical import default_floor, errors, measure, robust_slope
from analysis.rates import (
    as_start,
    critical_points_of,
    is_psd,
    is_quadratic,
    nearest_minimum,
    refine_critical_point,
    symmetric,
)
from landscape.errors import InputError
from landscape.jsonutil import jsonable
from landscape.progress import Progress
from optimizers import minimize, minimize_batch, resolve

#: statuses whose end point counts as converged (a basin map's and the starts tables' rule)
SETTLED = ("converged", "steps")

#: a run diverges when log|e_k| grows faster than this per step over its second half
GROWTH_TOL = 1e-6
#: with gradient noise, a diverging run must also end this far above its second-half median
NOISY_GROWTH = 10.0
#: basins: match tolerance = min(BASIN_BOX_FRACTION * box diagonal,
#: BASIN_SEPARATION_FRACTION * smallest distance between two critical points)
BASIN_BOX_FRACTION = 1e-2
BASIN_SEPARATION_FRACTION = 0.25
#: basin label of a start that ended on a cycle (-1: diverged or did not converge)
CYCLE = -2
#: at most this many limits not among the given critical points are added to a basin map
MAX_UNLISTED = 12


# ============================================================================ shared helpers


@dataclass(frozen=True)
class SweepPoint:
    """The minimizer a sweep refers to, how it was found, and its Hessian spectrum."""

    point: np.ndarray | None
    how: str
    eigenvalues: np.ndarray | None
    hessian: np.ndarray | None


def sweep_minimizer(obj: Any, x0: np.ndarray, minimizer: Any = None, box: Any = None,
                    critical_points: Sequence[Any] | None = None) -> SweepPoint:
    """The minimizer the start ``x0`` is near (rules in the module docstring)."""
    cp = None
    if minimizer is not None:
        if hasattr(minimizer, "point"):
            cp, p, how = minimizer, np.asarray(minimizer.point, float), "given critical point"
        else:
            p, how = as_start(obj, minimizer), "given"
    else:
        cps = critical_points if critical_points is not None else critical_points_of(obj, box)
        cp = nearest_minimum(cps, x0)
        if cp is not None:
            p = np.asarray(cp.point, dtype=float)
            how = "exact: nearest minimum to x0" if cp.exact else "numeric: nearest minimum to x0"
        else:
            ref = refine_critical_point(obj, x0)
            H = symmetric(obj.compiled.hessian(ref.point)) if ref.converged else None
            if H is None or not is_psd(np.linalg.eigvalsh(H)):
                return SweepPoint(None, "none: no minimizer found near x0", None, None)
            p, how = ref.point, "numeric: " + ref.describe().replace("final iterate", "x0")
    H = symmetric(np.asarray(obj.compiled.hessian(p), dtype=float))
    lam = (np.sort(np.asarray(cp.eigenvalues, float)) if cp is not None
           else np.linalg.eigvalsh(H))
    return SweepPoint(p, how, lam, H)


def _settling(p: np.ndarray) -> bool:
    """Whether the step lengths ``‖x_(k+1) − x_k‖`` shrink over the second half of the path
    (down to rounding, or with a robust log-slope below ``−GROWTH_TOL``): the run is
    converging somewhere, whatever its distance to a given x*."""
    steps = np.linalg.norm(np.diff(p, axis=0), axis=1)
    half = steps[steps.size // 2:]
    if half.size < 4 or not np.all(np.isfinite(half)):
        return False
    if half[-1] <= 1e-12 * (1.0 + float(np.max(np.abs(p[-1])))):
        return True
    pos = half[half > 0]
    return pos.size >= 4 and robust_slope(np.log(pos)) < -GROWTH_TOL


def diverging(path: ArrayLike, status: str, x_star: ArrayLike | None, *,
              stochastic: bool = False) -> bool:
    """Whether a recorded run diverges (module docstring): the optimizer's ``diverged`` status,
    or errors (step lengths without ``x_star``) growing over the second half of the path —
    unless the steps shrink there (:func:`_settling`: the run converges to another point).

    ``stochastic`` (gradient noise): the noisy stationary error has a random slope, so growth
    must also lift the final error to :data:`NOISY_GROWTH` times the second half's median.
    """
    if status == "diverged":
        return True
    p = np.asarray(path, dtype=float)
    if p.ndim == 1:
        p = p[:, None]
    e = errors(p, x_star)
    if e.size < 5:
        return False
    half = e[e.size // 2:]
    if not np.all(np.isfinite(half)):
        return True
    scale = 0.0 if x_star is None else float(np.linalg.norm(np.asarray(x_star, float)))
    if half[-1] <= default_floor(scale) or np.any(half <= 0):
        return False
    growing = robust_slope(np.log(half)) > GROWTH_TOL
    if growing and x_star is not None and not stochastic and _settling(p):
        return False  # moving away from x* but settling elsewhere: another basin, not divergence
    if stochastic:
        growing = growing and half[-1] >= NOISY_GROWTH * float(np.median(half))
    return bool(growing)


def bounded(path: ArrayLike, status: str, x_star: ArrayLike | None) -> bool:
    """Whether a recorded run neither converges nor diverges: its error ``‖x_k − x*‖`` does
    not shrink over the second half of the path (robust log-slope ≥ ``−GROWTH_TOL``, above the
    rounding floor) while it does not diverge (:func:`diverging`) and does not settle at
    another point (:func:`_settling`).  A fixed step past the stability limit gives this: GD
    on x² with η = 1 alternates ±x₀, GD on Himmelblau with η = 0.0199 > 2/L settles on a
    2-cycle.  Without ``x_star`` nothing is bounded."""
    if x_star is None or diverging(path, status, x_star):
        return False
    p = np.asarray(path, dtype=float)
    if p.ndim == 1:
        p = p[:, None]
    e = errors(p, x_star)
    half = e[e.size // 2:]
    if half.size < 4 or not np.all(np.isfinite(half)):
        return False
    scale = float(np.linalg.norm(np.asarray(x_star, float)))
    if np.any(half <= default_floor(scale)) or _settling(p):
        return False
    return bool(robust_slope(np.log(half)) >= -GROWTH_TOL)


#: x* lies "well inside" a band when its distance from the band's centre is at most this
#: share of the band's radius
BAND_INSIDE = 0.5

#: the rule of :func:`band_around`, as printed under the reports' tables and figures
BAND_RULE = (f"“around x*”: over the run's second half, x* lies within {BAND_INSIDE:g} × the "
             "band's radius of its centre, and the radius is smaller than the distance from "
             "x* to the nearest other minimum")


def band_around(path: ArrayLike, x_star: ArrayLike,
                others: Sequence[ArrayLike] | None = None) -> bool:
    """Whether the band a bounded run moves in lies around ``x_star`` (:data:`BAND_RULE`):
    over the second half of the path, with centre ``c = mean x_k`` and radius
    ``r = max ‖x_k − c‖``, whether ``‖c − x*‖ ≤ BAND_INSIDE·r`` (x* well inside the ball the
    band fills, not on its rim) and ``r < min_j ‖m_j − x*‖`` over the other minima ``others``
    (a band wider than the way to another minimum is not about x* alone).  GD on x² with
    η = 1 alternates ±x₀ around x* = 0 (c = 0); a run that wanders on a far wall of the
    landscape has its centre farther from x* than its own radius; Himmelblau's GD at
    η = 0.0304 (centre 1.33 from x*, radius 2.35) has x* near the rim of its band."""
    p = np.asarray(path, dtype=float)
    if p.ndim == 1:
        p = p[:, None]
    half = p[p.shape[0] // 2:]
    half = half[np.all(np.isfinite(half), axis=1)]
    if half.size == 0:
        return False
    xs = np.asarray(x_star, float).ravel()
    c = half.mean(axis=0)
    r = float(np.max(np.linalg.norm(half - c, axis=1)))
    if float(np.linalg.norm(c - xs)) > BAND_INSIDE * r:
        return False
    gaps = [float(np.linalg.norm(np.asarray(m, float).ravel() - xs)) for m in others or ()]
    gaps = [g for g in gaps if g > 0.0]
    return not gaps or r < min(gaps)


def predicted_lr_threshold(method: str, hyper: Mapping[str, Any], eigenvalues: ArrayLike,
                           hessian: ArrayLike | None = None) -> tuple[float | None, str]:
    """Largest stable learning rate at a minimizer, from the theory's stability regions, and
    its formula (``(None, reason)`` where the theory has none).

    gd / sgd: ``2/L`` (:func:`analysis.theory.gd_threshold`); heavy ball with dampening τ:
    ``2(1+β)/((1-τ)L)`` (:func:`analysis.theory.heavy_ball_stable`); Nesterov:
    ``2(1+β)/((1+2β)L)`` (:func:`analysis.theory.nesterov_stable`); ``L`` is the largest
    eigenvalue plus ``weight_decay``.  Coordinate gradient steps: random or shuffled order
    ``2/max_i H_ii`` (a single coordinate step must be stable; the bound of
    :func:`analysis.theory.random_coordinate_rate`); cyclic order the smallest lr where the
    spectral radius of :func:`analysis.theory.coordinate_gradient_matrix` reaches 1, found by
    bisection above ``2/max_i H_ii`` (below it the sweep converges for every SPD Hessian: the
    splitting ``M = I/lr + L`` is P-regular, ``M^T + N = 2I/lr - D > 0``).
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=float)) + float(hyper.get("weight_decay") or 0)
    if lam[-1] <= 0:
        return None, "no positive curvature: no step-size threshold"
    L = float(lam[-1])
    b = float(hyper.get("momentum") or 0.0)
    if method in ("gd", "sgd") and hyper.get("line_search", "none") == "none":
        return theory.gd_threshold(lam), "2/L"
    if method == "nesterov" or (method == "momentum" and hyper.get("nesterov")):
        return 2.0 * (1.0 + b) / ((1.0 + 2.0 * b) * L), "2(1+momentum)/((1+2 momentum) L)"
    if method == "momentum":
        tau = float(hyper.get("dampening") or 0.0)
        if tau >= 1.0:
            return None, "dampening 1: the velocity never moves"
        return 2.0 * (1.0 + b) / ((1.0 - tau) * L), "2(1+momentum)/((1-dampening) L)"
    if method == "coordinate" and hyper.get("update") == "gradient":
        if hessian is None:
            return None, "coordinate gradient steps need the Hessian diagonal"
        H = np.asarray(hessian, dtype=float)
        d = float(np.max(np.diag(H)))
        if d <= 0:
            return None, "no positive diagonal"
        if hyper.get("order", "cyclic") != "cyclic":
            return 2.0 / d, "2/max_i H_ii"
        thr = _cyclic_coordinate_threshold(H, 2.0 / d)
        return thr, "rho((I+lr*L)^-1 (I-lr*(D+U))) = 1 (bisection)"
    return None, f"theory has no learning-rate threshold for {method}"


def _cyclic_coordinate_threshold(H: np.ndarray, start: float) -> float | None:
    """Smallest lr >= ``start`` where the cyclic coordinate-gradient sweep stops contracting:
    a geometric scan (factor 1.05, up to 1000x ``start``) then 60 bisection steps."""
    def unstable(lr: float) -> bool:
        return theory.coordinate_rate(H, lr) >= 1.0

    lo = start
    if unstable(lo):
        return lo
    hi = lo * 1.05
    while not unstable(hi):
        lo, hi = hi, hi * 1.05
        if hi > 1000.0 * start:
            return None
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if unstable(mid) else (mid, hi)
    return hi


def _lrs(lrs: ArrayLike) -> np.ndarray:
    """Learning rates as a positive finite float vector (InputError otherwise)."""
    a = np.asarray(lrs, dtype=float).ravel()
    if a.size == 0 or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise InputError("learning rates must be positive finite numbers")
    return a


# ============================================================================ lr sweep


def unstable_outcome(path: ArrayLike, x_star: ArrayLike, tol: float) -> str:
    """What a run did whose step is above the stability threshold at ``x_star`` (theory: it
    cannot converge to x*), when neither :func:`diverging` nor :func:`bounded` caught it:
    ``"converged"`` when it ends within ``tol`` of x* anyway (a step exactly onto x*),
    ``"elsewhere"`` when its last steps have stopped, ‖x_K − x_(K−1)‖ ≤ 1e-9·(1 + ‖x_K‖),
    away from x* (it left for another point), else ``"bounded"``: it keeps moving in a
    bounded region around x* (a long or irregular cycle, a band)."""
    p = np.asarray(path, dtype=float)
    if p.ndim == 1:
        p = p[:, None]
    end = p[-1]
    if float(np.linalg.norm(end - np.asarray(x_star, float))) <= tol:
        return "converged"
    last = float(np.linalg.norm(p[-1] - p[-2])) if len(p) > 1 else np.inf
    if last <= 1e-9 * (1.0 + float(np.linalg.norm(end))):
        return "elsewhere"
    return "bounded"


@dataclass
class LRSweep:
    """Result of :func:`lr_sweep` (arrays aligned with ``lrs``, in the order given).

    ``final_error`` is ``|x_K - x*|`` (NaN without a minimizer), ``status`` the optimizer's
    status per run, ``diverged`` by :func:`diverging`, ``bounded`` by :func:`bounded` (a
    cycle or a band: neither converging nor diverging); ``predicted_threshold`` from
    :func:`predicted_lr_threshold` at the minimizer (the largest step for which the iteration
    converges to x*); ``observed_threshold`` the smallest lr whose run did not converge to x*
    (diverged or bounded) and ``bracket`` = (largest lr below it, which converged; that lr) —
    the true threshold lies in between; ``monotone`` is False when a larger lr converged
    again.  A run whose step is above the predicted threshold cannot converge to x*: when it
    neither diverged nor cycled by those tests it is classified by :func:`unstable_outcome`
    (``bounded`` when it keeps moving around x*, ``elsewhere`` when it stopped at another
    point), never left as "not yet converged".
    """

    method: str
    hyper: dict[str, Any]
    lrs: np.ndarray
    final_error: np.ndarray
    final_fun: np.ndarray
    status: np.ndarray
    diverged: np.ndarray
    predicted_threshold: float | None
    observed_threshold: float | None
    minimizer: np.ndarray | None
    bracket: tuple[float | None, float | None] = (None, None)
    monotone: bool = True
    threshold_basis: str = ""
    minimizer_how: str = ""
    eigenvalues: list[float] | None = None
    steps: int = 0
    time: float = 0.0
    bounded: np.ndarray | None = None
    #: runs that stopped at another point than x* (above the threshold: they left x*)
    elsewhere: np.ndarray | None = None
    #: bounded runs whose band does not lie around x* (:func:`band_around`): they wandered
    #: in a band away from it
    band_away: np.ndarray | None = None
    #: f is quadratic: its Hessian is constant, so the threshold 2/L holds from every start
    hessian_constant: bool = False

    @property
    def not_convergent(self) -> np.ndarray:
        """Runs that did not converge to x*: diverged, bounded or gone elsewhere."""
        b = np.zeros_like(self.diverged) if self.bounded is None else self.bounded
        o = np.zeros_like(self.diverged) if self.elsewhere is None else self.elsewhere
        return self.diverged | b | o

    def brackets_prediction(self, rtol: float = 1e-9) -> bool:
        """Whether ``bracket[0] <= predicted_threshold <= bracket[1]`` (open ends allowed; the
        bounds are widened by ``rtol`` so an lr equal to the threshold up to rounding counts)."""
        thr = self.predicted_threshold
        if thr is None:
            return False
        lo, hi = self.bracket
        return ((lo is None or lo <= thr * (1.0 + rtol))
                and (hi is None or thr <= hi * (1.0 + rtol)))

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "method": self.method, "hyper": self.hyper, "lrs": self.lrs,
            "final_error": self.final_error, "final_fun": self.final_fun,
            "status": [str(s) for s in self.status], "diverged": self.diverged,
            "bounded": self.bounded, "elsewhere": self.elsewhere,
            "band_away": self.band_away,
            "predicted_threshold": self.predicted_threshold,
            "hessian_constant": self.hessian_constant,
            "threshold_basis": self.threshold_basis,
            "observed_threshold": self.observed_threshold, "bracket": list(self.bracket),
            "monotone": self.monotone, "brackets_prediction": self.brackets_prediction(),
            "minimizer": self.minimizer, "minimizer_how": self.minimizer_how,
            "eigenvalues": self.eigenvalues, "steps": self.steps, "time": self.time,
        })


def observed_threshold(lrs: np.ndarray, diverged: np.ndarray
                       ) -> tuple[float | None, tuple[float | None, float | None], bool]:
    """Smallest lr flagged in ``diverged`` (whatever failure the caller counts: divergence,
    or not converging), its bracket (largest lr below it, the lr itself) and whether the flag
    is monotone in lr (no unflagged lr above the smallest flagged one)."""
    order = np.argsort(lrs, kind="stable")
    a, d = lrs[order], diverged[order]
    hits = np.flatnonzero(d)
    if hits.size == 0:
        return None, (float(a[-1]), None), True
    i = int(hits[0])
    lo = float(a[i - 1]) if i > 0 else None
    return float(a[i]), (lo, float(a[i])), bool(np.all(d[i:]))


def lr_sweep(obj: Any, method: str, x0: Any, lrs: ArrayLike, *, steps: int = 200,
             minimizer: Any = None, box: Any = None,
             critical_points: Sequence[Any] | None = None, progress: Progress | None = None,
             **hyper: Any) -> LRSweep:
    """Run ``method`` from ``x0`` for exactly ``steps`` iterations at each learning rate.

    One compiled run per lr (recorded, to judge divergence by the error trend); ``hyper`` are
    the other hyperparameters.  The elapsed time is in ``time``.  ``progress`` (optional,
    :mod:`landscape.progress`) is told each learning rate as its run starts.  A bounded
    run's band is "around x*" by :func:`band_around` against the other minima of
    ``critical_points`` (found on ``box`` when neither they nor ``minimizer`` are given).
    """
    if "lr" in hyper:
        raise InputError("lr is swept: pass the values in lrs, not as a hyperparameter")
    t0 = time.perf_counter()
    a = _lrs(lrs)
    x = as_start(obj, x0)
    _, eff = resolve(method, {**hyper, "lr": float(a[0])})
    eff.pop("lr", None)
    if critical_points is None and minimizer is None:
        critical_points = critical_points_of(obj, box)
    target = sweep_minimizer(obj, x, minimizer, box, critical_points)
    noisy = float(eff.get("noise") or 0.0) > 0.0 or eff.get("batch_size") is not None
    final_error = np.full(a.size, np.nan)
    final_fun = np.full(a.size, np.nan)
    status = np.empty(a.size, dtype=object)
    div = np.zeros(a.size, dtype=bool)
    bnd = np.zeros(a.size, dtype=bool)
    paths = []
    for j, lr in enumerate(a):
        if progress is not None:
            progress(j, a.size, "learning rates")
        res = minimize(obj, x, method, steps=steps, record=True, lr=float(lr), **hyper)
        status[j] = res.status
        final_fun[j] = res.fun
        if target.point is not None:
            final_error[j] = float(np.linalg.norm(res.x - target.point))
        div[j] = diverging(res.path, res.status, target.point, stochastic=noisy)
        bnd[j] = not noisy and bounded(res.path, res.status, target.point)
        paths.append(res.path)
    thr, basis = (None, "no minimizer") if target.eigenvalues is None else \
        predicted_lr_threshold(method, eff, target.eigenvalues, target.hessian)
    away = np.zeros(a.size, dtype=bool)
    if thr is not None and target.point is not None and not noisy:
        tol = 1e-6 * max(1.0, float(np.linalg.norm(target.point)))
        for j in np.flatnonzero((a > thr) & ~div & ~bnd):
            what = unstable_outcome(paths[j], target.point, tol)
            bnd[j], away[j] = what == "bounded", what == "elsewhere"
    obs, bracket, mono = observed_threshold(a, div | bnd | away)
    others = [cp.point for cp in (critical_points or ()) if getattr(cp, "kind", "") == "minimum"]
    far = np.array([bool(bnd[j]) and target.point is not None
                    and not band_around(paths[j], target.point, others)
                    for j in range(a.size)], dtype=bool)
    return LRSweep(
        method=method, hyper=eff, lrs=a, final_error=final_error, final_fun=final_fun,
        status=status.astype(str), diverged=div, predicted_threshold=thr,
        observed_threshold=obs, minimizer=target.point, bracket=bracket, monotone=mono,
        threshold_basis=basis, minimizer_how=target.how,
        eigenvalues=None if target.eigenvalues is None else [float(v) for v in
                                                             target.eigenvalues],
        steps=int(steps), time=time.perf_counter() - t0, bounded=bnd, elsewhere=away,
        band_away=far,
        hessian_constant=getattr(obj, "expr", None) is not None and is_quadratic(obj),
    )


# ============================================================================ momentum map


@dataclass
class StabilityMap:
    """Result of :func:`momentum_stability_map`; grids have shape ``(len(momenta), len(lrs))``.

    ``measured_rate``: the rate :func:`analysis.empirical.measure` finds (NaN where the run
    diverged or no linear phase was measurable); ``predicted_radius``:
    :func:`analysis.theory.momentum_radius_grid` at the minimizer's eigenvalues; ``diverged``
    by :func:`diverging`; ``rate_agrees`` per cell: the measured rate is within ``rtol`` (1%)
    of the predicted one, or :func:`analysis.compare.compare` agrees (which also accepts the
    ``(k + 1)*rate^k`` window effect of a double root).  ``agreement``:

    * ``rate``: fraction of the *stable cells* — predicted radius ``< 1 - boundary_margin``
      and not diverged — whose rates agree (on the boundary no finite run measures a rate);
    * ``compare``: fraction of the stable cells where ``compare`` agrees (1% on the rate *and*
      on ``-ln rate``, stricter for rates near 1);
    * ``rate_settling``: the same as ``rate`` over the stable cells whose predicted radius
      contracts the error by :data:`SETTLE_DROP` (1e-3) within ``steps``
      (``radius^steps <= 1e-3``), i.e. where the run can reach its asymptotic phase
      (``settling_cells`` counts them);
    * ``stability``: fraction of all cells where ``diverged == (radius >= 1)``;
    * ``stability_away_from_boundary``: the same over cells with ``|radius - 1| >
      boundary_margin``; plus the cell counts.
    """

    lrs: np.ndarray
    momenta: np.ndarray
    measured_rate: np.ndarray
    predicted_radius: np.ndarray
    diverged: np.ndarray
    nesterov: bool
    agreement: dict[str, Any]
    rate_agrees: np.ndarray | None = None
    minimizer: np.ndarray | None = None
    eigenvalues: list[float] | None = None
    steps: int = 0
    time: float = 0.0
    notes: list[str] = field(default_factory=list)

    def radius_on(self, lrs: ArrayLike, momenta: ArrayLike) -> np.ndarray | None:
        """The predicted radius on another (momentum, lr) grid, from the same eigenvalues
        (a figure draws the boundary ρ = 1 from a fine grid, not from the runs' cells);
        ``None`` without eigenvalues."""
        if self.eigenvalues is None:
            return None
        return theory.momentum_radius_grid(self.eigenvalues, lrs, momenta,
                                           nesterov=self.nesterov)

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "lrs": self.lrs, "momenta": self.momenta, "measured_rate": self.measured_rate,
            "predicted_radius": self.predicted_radius, "diverged": self.diverged,
            "rate_agrees": self.rate_agrees, "nesterov": self.nesterov,
            "agreement": self.agreement, "minimizer": self.minimizer,
            "eigenvalues": self.eigenvalues, "steps": self.steps, "time": self.time,
            "notes": self.notes,
        })


#: error drop ``radius^steps`` below which a stable cell counts as settling within the run
SETTLE_DROP = 1e-3


def _fraction(mask: np.ndarray, among: np.ndarray) -> float | None:
    """Share of the ``among`` cells where ``mask`` holds (None when there are none)."""
    total = int(np.count_nonzero(among))
    return None if total == 0 else float(np.count_nonzero(mask & among)) / total


def momentum_stability_map(obj: Any, x0: Any, lrs: ArrayLike, momenta: ArrayLike, *,
                           nesterov: bool = False, steps: int = 300, minimizer: Any = None,
                           box: Any = None, critical_points: Sequence[Any] | None = None,
                           boundary_margin: float = 0.01, rtol: float = 0.01,
                           progress: Progress | None = None) -> StabilityMap:
    """Heavy ball (``nesterov=False``) or Nesterov momentum on every (momentum, lr) pair:
    ``steps`` compiled iterations each from ``x0`` (one :func:`optimizers.minimize` per cell,
    method ``momentum`` with ``nesterov``), measured against the minimizer, next to the
    spectral radius of the linearised iteration there.  Agreement rules (``rtol`` on the rate,
    ``boundary_margin`` around radius 1) in :class:`StabilityMap`.  ``progress`` (optional,
    :mod:`landscape.progress`) is told each cell as its run starts."""
    t0 = time.perf_counter()
    a = _lrs(lrs)
    b = np.asarray(momenta, dtype=float).ravel()
    if b.size == 0 or np.any(b < 0) or np.any(b >= 1):
        raise InputError("momenta must lie in [0, 1)")
    x = as_start(obj, x0)
    target = sweep_minimizer(obj, x, minimizer, box, critical_points)
    if target.point is None:
        raise InputError("momentum_stability_map needs a minimizer near x0 (" + target.how + ")")
    lam = target.eigenvalues
    radius = theory.momentum_radius_grid(lam, a, b, nesterov=nesterov)
    rate = np.full(radius.shape, np.nan)
    div = np.zeros(radius.shape, dtype=bool)
    agrees = np.zeros(radius.shape, dtype=bool)
    strict = np.zeros(radius.shape, dtype=bool)
    for i, mom in enumerate(b):
        for j, lr in enumerate(a):
            if progress is not None:
                progress(i * a.size + j, a.size * b.size, "(momentum, lr) cells")
            hyper = {"lr": float(lr), "momentum": float(mom), "nesterov": bool(nesterov)}
            res = minimize(obj, x, "momentum", steps=steps, record=True, **hyper)
            div[i, j] = diverging(res.path, res.status, target.point)
            if div[i, j]:
                continue
            meas = measure(res.path, target.point)
            if meas.kind == "linear" and meas.rate is not None:
                rate[i, j] = meas.rate
            pred = theory.predict("momentum", resolve("momentum", hyper)[1], lam,
                                  hessian=target.hessian)
            if pred.kind != "linear":
                continue
            comp = compare(pred, meas, rtol=rtol)
            strict[i, j] = comp.agree
            close = comp.quantity == "rate" and comp.rel_diff is not None and \
                comp.rel_diff <= rtol
            agrees[i, j] = comp.agree or close
    predicted_stable = radius < 1.0
    stable = (radius < 1.0 - boundary_margin) & ~div
    with np.errstate(divide="ignore", under="ignore"):
        settles = stable & (steps * np.log(np.maximum(radius, 1e-300)) <= math.log(SETTLE_DROP))
    right = div == ~predicted_stable
    away = np.abs(radius - 1.0) > boundary_margin
    agreement = {
        "rate": _fraction(agrees, stable),
        "compare": _fraction(strict, stable),
        "rate_settling": _fraction(agrees, settles),
        "settling_cells": int(np.count_nonzero(settles)),
        "stability": _fraction(right, np.ones_like(right)),
        "stability_away_from_boundary": _fraction(right, away),
        "stable_cells": int(np.count_nonzero(stable)),
        "cells": int(radius.size),
        "cells_away_from_boundary": int(np.count_nonzero(away)),
        "boundary_margin": boundary_margin,
        "rtol": rtol,
    }
    return StabilityMap(a, b, rate, radius, div, bool(nesterov), agreement, agrees,
                        target.point, [float(v) for v in lam], int(steps),
                        time.perf_counter() - t0, [f"minimizer: {target.how}"])


# ============================================================================ basins


@dataclass
class BasinMap:
    """Result of :func:`basins`.

    ``xs`` (and ``ys`` for 2-D grids; None for 1-D objectives) are the grid axes; ``labels``
    has shape ``(len(xs),)`` in 1-D and ``(len(ys), len(xs))`` in 2-D (row = y, as
    ``np.meshgrid``/``imshow``): the index into ``points`` of the critical point each start
    ended within ``tolerance`` of, :data:`CYCLE` when it ended on a cycle (``cycles`` maps
    period -> starts), -1 when it diverged or ended near none.  ``converged`` (same shape)
    says whether each run met the tolerances (status ``converged``, or ``steps`` for a fixed
    number of steps: :data:`SETTLED`); a labelled start that did not is "not
    converged, near" its point, as in the starts table.  ``kinds[i]`` is the kind of
    ``points[i]`` and ``inside[i]`` whether it lies in the box: the given critical points
    come first, then the limits the runs found that were not among them (outside the box, or
    missed by the search).  ``counts`` maps label -> number of starts (summing to the grid
    size), converged or not; :meth:`near_counts` a point's label -> its starts that did not
    converge.
    ``exact_landings``: starts that ended exactly on a critical point (see
    :func:`exact_landings`); they are labelled by the run from a start moved by a relative
    1e-6, so a grid aligned with the step does not fake a basin.  For
    n > 2 the grid is the slice through ``slice_at`` spanned by the variables ``axes``.
    """

    xs: np.ndarray
    ys: np.ndarray | None
    labels: np.ndarray
    points: np.ndarray
    kinds: list[str]
    method: str
    hyper: dict[str, Any]
    counts: dict[int, int]
    tolerance: float = 0.0
    box: np.ndarray | None = None
    axes: tuple[int, ...] = (0,)
    slice_at: np.ndarray | None = None
    status_counts: dict[str, int] = field(default_factory=dict)
    time: float = 0.0
    inside: list[bool] = field(default_factory=list)
    cycles: dict[int, int] = field(default_factory=dict)
    exact_landings: int = 0
    #: the grid starts that landed exactly and the index into ``points`` of where each landed
    landed_starts: np.ndarray | None = None
    landed_labels: np.ndarray | None = None
    #: whether each of ``points`` is a kink of f (not differentiable there)
    kinks: list[bool] = field(default_factory=list)
    #: whether each start's run met the tolerances (None: every labelled start did)
    converged: np.ndarray | None = None

    def near_counts(self) -> dict[int, int]:
        """Label -> the starts that ended within the tolerance of that point without
        converging (only labels that have some)."""
        if self.converged is None:
            return {}
        lab = np.asarray(self.labels)[(np.asarray(self.labels) >= 0)
                                      & ~np.asarray(self.converged, dtype=bool)]
        uniq, cnt = np.unique(lab, return_counts=True)
        return {int(u): int(c) for u, c in zip(uniq, cnt, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "method": self.method, "hyper": self.hyper, "xs": self.xs, "ys": self.ys,
            "labels": self.labels, "points": self.points, "kinds": self.kinds,
            "inside": self.inside, "cycles": {str(k): v for k, v in self.cycles.items()},
            "counts": {str(k): v for k, v in self.counts.items()},
            "tolerance": self.tolerance, "box": self.box, "axes": list(self.axes),
            "slice_at": self.slice_at, "status_counts": self.status_counts,
            "n_starts": int(self.labels.size), "time": self.time,
            "exact_landings": self.exact_landings, "converged": self.converged,
            "near_counts": {str(k): v for k, v in self.near_counts().items()},
        })


def _basin_points(obj: Any, critical_points: Any, box: Any
                  ) -> tuple[np.ndarray, list[str], list[bool]]:
    """Coordinates, kinds and kink flags (f not differentiable there) of the critical points
    (arrays are classified by their Hessian: nondegenerate by the signs of its eigenvalues,
    degenerate as ``unknown``; their kink flags are False)."""
    cps = critical_points_of(obj, box) if critical_points is None else critical_points
    if len(cps) and hasattr(cps[0], "point"):
        return (np.array([cp.point for cp in cps], dtype=float).reshape(-1, obj.n),
                [str(cp.kind) for cp in cps],
                [not getattr(cp, "differentiable", True) for cp in cps])
    pts = np.asarray(cps, dtype=float).reshape(-1, obj.n)
    return pts, [_kind_at(obj, p) for p in pts], [False] * len(pts)


def basin_tolerance(box: np.ndarray, points: np.ndarray) -> float:
    """Matching tolerance: ``min(1e-2 * box diagonal, 0.25 * smallest distance between two
    critical points)``."""
    tol = BASIN_BOX_FRACTION * float(np.linalg.norm(box[:, 1] - box[:, 0]))
    if len(points) > 1:
        d = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
        d = d[np.triu_indices(len(points), 1)]
        d = d[d > 0]
        if d.size:
            tol = min(tol, BASIN_SEPARATION_FRACTION * float(d.min()))
    return tol


def basin_tolerance_text(box: np.ndarray, points: np.ndarray) -> str:
    """The matching tolerance of :func:`basin_tolerance` with the rule that gave it:
    ``0.141 (1% of the box diagonal 14.1)``, or ``0.5 (25% of the smallest distance 2 between
    two critical points)`` when that is smaller (the percentages are the module's constants)."""
    from landscape.numfmt import fmt

    box = np.asarray(box, float)
    tol = basin_tolerance(box, np.asarray(points, float).reshape(-1, box.shape[0]))
    diag = float(np.linalg.norm(box[:, 1] - box[:, 0]))
    if tol < BASIN_BOX_FRACTION * diag:
        return (f"{fmt(tol, 3)} ({fmt(100 * BASIN_SEPARATION_FRACTION)}% of the smallest distance "
                f"{fmt(tol / BASIN_SEPARATION_FRACTION, 3)} between two critical points)")
    return f"{fmt(tol, 3)} ({fmt(100 * BASIN_BOX_FRACTION)}% of the box diagonal {fmt(diag, 3)})"


def match_labels(X: np.ndarray, ok: np.ndarray, points: np.ndarray, tol: float) -> np.ndarray:
    """Index of the nearest critical point within ``tol`` of each row of X (-1 otherwise or
    where ``ok`` is False)."""
    labels = np.full(X.shape[0], -1, dtype=np.int64)
    if len(points) == 0:
        return labels
    d = np.linalg.norm(X[:, None, :] - points[None, :, :], axis=-1)
    near = np.argmin(np.where(np.isfinite(d), d, np.inf), axis=1)
    hit = ok & (d[np.arange(X.shape[0]), near] <= tol)
    labels[hit] = near[hit]
    return labels


def _kind_at(obj: Any, p: np.ndarray) -> str:
    """Kind of a critical point from the signs of its Hessian eigenvalues (``unknown`` when
    one is zero to 1e-8 relative)."""
    lam = np.linalg.eigvalsh(symmetric(obj.compiled.hessian(p)))
    scale = max(1.0, float(np.max(np.abs(lam))))
    if np.any(np.abs(lam) <= 1e-8 * scale):
        return "unknown"
    return "minimum" if lam[0] > 0 else "maximum" if lam[-1] < 0 else "saddle"


def unlisted_limits(obj: Any, X: np.ndarray, settled: np.ndarray, points: np.ndarray,
                    tol: float) -> tuple[np.ndarray, list[str]]:
    """Critical points that runs converged to but that are not in ``points``.

    The end points ``X[settled]`` farther than ``tol`` from every point of ``points`` are
    grouped greedily (within ``tol`` of a group's first member); each group's first member is
    refined by Newton on ∇f = 0 (:func:`analysis.rates.refine_critical_point`) and kept, with
    the kind of its Hessian, when the refinement converges within ``tol`` of it.
    """
    n = X.shape[1]
    far = settled & (match_labels(X, settled, points, tol) < 0)
    found: list[np.ndarray] = []
    kinds: list[str] = []
    for x in X[far]:
        if any(np.linalg.norm(x - q) <= tol for q in found):
            continue
        ref = refine_critical_point(obj, x)
        if ref.converged and np.linalg.norm(ref.point - x) <= tol:
            found.append(np.asarray(ref.point, float))
            kinds.append(_kind_at(obj, ref.point))
        if len(found) >= MAX_UNLISTED:
            break
    return np.array(found, dtype=float).reshape(-1, n), kinds


def cycle_periods(obj: Any, method: str, X: np.ndarray, tol: float, *, max_period: int = 4,
                  **hyper: Any) -> np.ndarray:
    """Period of the cycle each row of ``X`` lies on (0: none found), for a memoryless
    fixed-step method: the smallest ``m <= max_period`` with ``‖x_m − x_0‖ <= tol`` after
    ``m`` more steps while ``‖x_1 − x_0‖ > tol`` (a fixed point is not a cycle)."""
    periods = np.zeros(X.shape[0], dtype=np.int64)
    if X.shape[0] == 0:
        return periods
    moved = None
    for m in range(1, max_period + 1):
        batch = minimize_batch(obj, X, method, steps=m, **hyper)
        d = np.linalg.norm(batch.x - X, axis=1)
        if m == 1:
            moved = d > tol
            continue
        back = moved & (periods == 0) & (d <= tol)
        periods[back] = m
    return periods


def _grid(obj: Any, B: np.ndarray, resolution: int, axes: tuple[int, ...],
          slice_at: Any, points: np.ndarray, kinds: list[str]):
    """Grid axes, the (N, n) starts, the slice point (n > 2) and the grid shape."""
    if obj.n == 1:
        xs = np.linspace(B[0, 0], B[0, 1], resolution)
        return xs, None, xs[:, None].copy(), None, (resolution,)
    if len(axes) != 2 or len(set(axes)) != 2 or not all(0 <= a < obj.n for a in axes):
        raise InputError(f"axes must be two distinct variable indices below {obj.n}")
    i, j = axes
    xs = np.linspace(B[i, 0], B[i, 1], resolution)
    ys = np.linspace(B[j, 0], B[j, 1], resolution)
    base = B.mean(axis=1)
    if obj.n > 2:
        if slice_at is not None:
            base = as_start(obj, slice_at)
        else:
            mins = [k for k, kind in enumerate(kinds) if kind == "minimum"]
            if mins:
                vals = [obj.compiled.value(points[k]) for k in mins]
                base = points[mins[int(np.argmin(vals))]].copy()
    XX, YY = np.meshgrid(xs, ys)
    X0 = np.tile(base, (XX.size, 1))
    X0[:, i] = XX.ravel()
    X0[:, j] = YY.ravel()
    return xs, ys, X0, (base if obj.n > 2 else None), XX.shape


def basins(obj: Any, method: str, box: Any = None, *, resolution: int = 101,
           critical_points: Any = None, steps: int | None = None, maxiter: int | None = None,
           gtol: float = 1e-6, axes: Sequence[int] = (0, 1), slice_at: Any = None,
           seed: int = 0, progress: Progress | None = None, **hyper: Any) -> BasinMap:
    """Basins of attraction of ``method`` on a ``resolution``-point grid per axis of ``box``.

    One :func:`optimizers.minimize_batch` over all starts (no recording); each final point is
    matched to the nearest critical point within :func:`basin_tolerance` (diverged starts get
    -1).  ``critical_points``: a list of :class:`~landscape.critical.CriticalPoint` or an
    (k, n) array (default ``obj.critical_points(box)``).  Objectives with n > 2 variables are
    mapped on the 2-D slice through ``slice_at`` (default: the lowest minimum found, else the
    box centre) spanned by the variables ``axes``; the other coordinates start at ``slice_at``
    and move freely during the runs.  ``progress`` (optional, :mod:`landscape.progress`) is
    told the starts done, block by block.
    """
    t0 = time.perf_counter()
    if int(resolution) < 2:
        raise InputError("resolution must be at least 2")
    _, eff = resolve(method, hyper)
    B = obj.box(box)
    points, kinds, kinks = _basin_points(obj, critical_points, B)
    xs, ys, X0, base, shape = _grid(obj, B, int(resolution), tuple(axes), slice_at, points,
                                    kinds)
    starts = None if progress is None else (
        lambda done, total: progress(done, total, "starts"))
    batch = minimize_batch(obj, X0, method, steps=steps, maxiter=maxiter, gtol=gtol, seed=seed,
                           progress=starts, **hyper)
    tol = basin_tolerance(B, points)
    ok = (batch.status != "diverged") & np.all(np.isfinite(batch.x), axis=1)
    labels = match_labels(batch.x, ok, points, tol)
    settled = ok & (batch.status == "converged")
    extra, extra_kinds = unlisted_limits(obj, batch.x, settled & (labels < 0), points, tol)
    if len(extra):
        points = np.vstack([points.reshape(-1, obj.n), extra])
        kinds = [*kinds, *extra_kinds]
        kinks = [*kinks, *([False] * len(extra))]
        labels = match_labels(batch.x, ok, points, tol)
    landed = exact_landings(batch.x, labels, points)
    landed_starts, landed_labels = X0[landed].copy(), labels[landed].copy()
    if np.any(landed):  # rerun them from a start moved off the grid by a relative 1e-6
        nudge = 1e-6 * (B[:, 1] - B[:, 0]) * np.random.default_rng(seed).choice(
            [-1.0, 1.0], size=obj.n)
        again = minimize_batch(obj, X0[landed] + nudge, method, steps=steps, maxiter=maxiter,
                               gtol=gtol, seed=seed, **hyper)
        batch.x[landed], batch.status[landed] = again.x, again.status
        ok = (batch.status != "diverged") & np.all(np.isfinite(batch.x), axis=1)
        labels = match_labels(batch.x, ok, points, tol)
    inside = [bool(np.all((p >= B[:, 0]) & (p <= B[:, 1]))) for p in points]
    cycles: dict[int, int] = {}
    memoryless = method == "gd" and eff.get("line_search", "none") == "none" and not (
        eff.get("momentum") or eff.get("noise") or eff.get("batch_size") is not None)
    # not converged: a start near a point may still be on a cycle around it (a kink)
    open_ = ok & ((labels < 0) | (batch.status != "converged"))
    if memoryless and np.any(open_):
        periods = cycle_periods(obj, method, batch.x[open_], tol, **hyper)
        idx = np.flatnonzero(open_)
        labels[idx[periods > 0]] = CYCLE
        per, per_cnt = np.unique(periods[periods > 0], return_counts=True)
        cycles = {int(p): int(c) for p, c in zip(per, per_cnt, strict=True)}
    uniq, cnt = np.unique(labels, return_counts=True)
    st, st_cnt = np.unique(batch.status.astype(str), return_counts=True)
    return BasinMap(
        xs=xs, ys=ys, labels=labels.reshape(shape), points=points, kinds=kinds,
        method=method, hyper=eff, counts={int(u): int(c) for u, c in zip(uniq, cnt, strict=True)},
        tolerance=tol, box=B, axes=(0,) if obj.n == 1 else tuple(int(a) for a in axes),
        slice_at=base, status_counts={str(s): int(c) for s, c in zip(st, st_cnt, strict=True)},
        time=time.perf_counter() - t0, inside=inside, cycles=cycles,
        exact_landings=int(np.sum(landed)), landed_starts=landed_starts,
        landed_labels=landed_labels, kinks=kinks,
        converged=np.isin(batch.status.astype(str), SETTLED).reshape(shape),
    )


def exact_landings(X: np.ndarray, labels: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Starts whose final point equals their critical point to rounding,
    ``‖x − p‖ <= 4 eps max(1, ‖p‖)``: a fixed step that lands exactly on a kink from a grid
    start aligned with it (GD with lr = 1 on |x| from an integer x), a coincidence of the grid
    that a start moved by a hair does not repeat."""
    hit = labels >= 0
    out = np.zeros(X.shape[0], dtype=bool)
    if not np.any(hit):
        return out
    p = points[labels[hit]]
    scale = np.maximum(1.0, np.linalg.norm(p, axis=1))
    out[hit] = np.linalg.norm(X[hit] - p, axis=1) <= 4.0 * np.finfo(float).eps * scale
    return out


__all__ = [
    "CYCLE", "BasinMap", "LRSweep", "StabilityMap", "SweepPoint", "basin_tolerance",
    "basin_tolerance_text", "basins",
    "BAND_RULE", "band_around", "bounded", "cycle_periods", "diverging", "lr_sweep", "match_labels",
    "momentum_stability_map",
    "observed_threshold", "predicted_lr_threshold", "sweep_minimizer", "unlisted_limits",
]
