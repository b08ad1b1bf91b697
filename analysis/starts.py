"""Many starts, not one: where each start of a method ends, and what reaching a target costs.

COCO- and benchopt-style statistics of a method over N starts drawn uniformly from the box,
all run by one :func:`optimizers.minimize_batch`:

* **Target.**  A start *reaches the target* when its final value satisfies
  ``f(x_end) ≤ f* + tol·max(1, |f*|)``, with ``f*`` the lowest known minimum (from the
  critical points of the analysis; without them the lowest final value of all runs, and the
  study says so).  The runs stop on ‖∇f‖∞ ≤ gtol, the iteration limit, a failed line search
  or divergence, not at the first iterate below the target, so the cost of a run that ends
  below it is an upper bound of the cost of first reaching the target.
* **Cost.**  Evaluations weighted by the measured cost of the compiled kernels, in units of
  one evaluation of f::

      cost = p·w_fg + (nfev − p)·1 + (njev − p)·w_g + nhev·w_h,   p = min(nfev, njev)

  where ``w_k = t_k / t_f`` and ``t_k`` is the time of one call of kernel ``k`` (f; f and ∇f
  together, ``fg``, which is how every optimizer evaluates them; ∇f alone; ∇²f) measured in
  compiled code (:func:`measure_kernel_costs`).
* **Batch time.**  The CPU time of each method's whole batch of N starts run on one thread
  (``seconds``), by :func:`timed_batch`: one untimed warm-up call on all starts with every
  thread (it loads or compiles the kernels and gives the result), then up to
  :data:`TIME_REPEATS` timed calls on one thread, of which the fastest is kept.  Not the
  parallel wall time: a parallel call waits for its slowest thread, and on a machine busier
  than its cores a descheduled thread costs whole scheduler ticks (measured on 2 shared cores:
  every method's 100-start batch took 8–32 ms of wall time in steps of 4 ms, Newton's one
  iteration as long as Adam's 280, while one thread's CPU time was 0.09 ms and 1.8 ms).
  A start's own time is not measurable honestly there (a one-start call costs about as much
  as a 100-start batch).  Per start the study gives the *kernel time* ``cost · t_f`` (time
  spent in the objective's kernels, the optimizer's own arithmetic excluded).
* **Where starts end.**  Each start gets one outcome: ``diverged`` (status diverged or a
  non-finite end point), ``outside the box`` (a finite end point outside the box),
  ``not converged`` (in the box, status maxiter / stalled / line_search_failed; ``not
  converged, near P2 (minimum)`` when the end point is within the matching tolerance of a
  known critical point, as on a kink, where ∇f never vanishes), or a cluster
  of converged end points (:func:`cluster_points`: leaders taken in order of increasing f,
  members within the matching tolerance of :func:`analysis.sweeps.basin_tolerance`), matched
  to the nearest known critical point within the same tolerance.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.errors import InputError
from landscape.jsonutil import jsonable
from landscape.numfmt import fmt

#: default relative tolerance of the target f ≤ f* + tol·max(1, |f*|)
TARGET_TOL = 1e-6
#: default number of starts of a report's or study's many-starts section
DEFAULT_STARTS = 100
#: outcome classes of starts that are not in a cluster of converged end points
NOT_CONVERGED = "not converged"
DIVERGED = "diverged"
OUTSIDE = "outside the box"
CLASSES = (NOT_CONVERGED, DIVERGED, OUTSIDE)
#: at most this many clusters; converged end points beyond them count as "other end points"
MAX_CLUSTERS = 2000
OTHER = "other end points"
#: timed one-thread calls of each method's batch after its warm-up call (the fastest is
#: reported) …
TIME_REPEATS = 5
#: … fewer once the timed calls together took this many CPU seconds
TIME_BUDGET = 0.5


# ============================================================================ starts


def uniform_starts(box: ArrayLike, count: int, seed: int) -> NDArray[np.float64]:
    """``count`` points uniform in the box: ``lo + (hi − lo)·U``, U from
    ``numpy.random.default_rng(seed).random((count, n))`` (the starts of ``run --starts``)."""
    B = np.asarray(box, dtype=float).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    return B[:, 0] + (B[:, 1] - B[:, 0]) * rng.random((int(count), B.shape[0]))


# ============================================================================ kernel costs

_LOOPS: dict[str, Any] = {}


def _timer_sources(clock: Any) -> dict[str, Any]:
    """The four timing loops as plain Python (to be compiled): each runs ``rounds`` loops of
    ``reps`` calls of one kernel over the rows of P and returns the best loop's seconds per
    call, ``min_rounds (t_end - t_start) / reps``; the running sum keeps the calls alive."""

    def time_f(f, P, D, reps, rounds):
        m = P.shape[0]
        best = np.inf
        s = 0.0
        for _ in range(rounds):
            t0 = clock()
            for r in range(reps):
                s += f(P[r % m], D)
            best = min(best, clock() - t0)
        return best / reps + 0.0 * s

    def time_fg(fg, P, D, reps, rounds):
        m = P.shape[0]
        out = np.empty(P.shape[1])
        best = np.inf
        s = 0.0
        for _ in range(rounds):
            t0 = clock()
            for r in range(reps):
                s += fg(P[r % m], D, out)
            best = min(best, clock() - t0)
        return best / reps + 0.0 * (s + out[0])

    def time_g(g, P, D, reps, rounds):
        m = P.shape[0]
        out = np.empty(P.shape[1])
        best = np.inf
        s = 0.0
        for _ in range(rounds):
            t0 = clock()
            for r in range(reps):
                g(P[r % m], D, out)
                s += out[0]
            best = min(best, clock() - t0)
        return best / reps + 0.0 * s

    def time_h(h, P, D, reps, rounds):
        m, n = P.shape
        H = np.empty((n, n))
        best = np.inf
        s = 0.0
        for _ in range(rounds):
            t0 = clock()
            for r in range(reps):
                h(P[r % m], D, H)
                s += H[0, 0]
            best = min(best, clock() - t0)
        return best / reps + 0.0 * s

    return {"f": time_f, "fg": time_fg, "g": time_g, "h": time_h}


def _timing_loops() -> dict[str, Any]:
    """Compiled timers: ``rounds`` loops of ``reps`` calls of one kernel over the rows of P,
    each loop timed inside compiled code; the best loop's seconds per call (cached on disk)."""
    if _LOOPS:
        return _LOOPS
    from numba import njit, objmode, types

    from landscape.kernel_types import F_TYPE, FG_TYPE, G_TYPE, H_TYPE, MAT

    opts = dict(cache=True, error_model="numpy")  # object-mode clock: no nogil

    def clock():
        with objmode(t="float64"):
            t = time.perf_counter()
        return t

    clock = njit(types.float64(), **opts)(clock)

    sources = _timer_sources(clock)
    for name, ftype in (("f", F_TYPE), ("fg", FG_TYPE), ("g", G_TYPE), ("h", H_TYPE)):
        sig = types.float64(ftype, MAT, MAT, types.int64, types.int64)
        _LOOPS[name] = njit(sig, **opts)(sources[name])
    return _LOOPS


#: Significant digits of a printed kernel weight: one more than a cost column's, so that the
#: cost of a few kernel calls recomputes from the printed weights (Newton's 2 (f, ∇f) calls
#: and one Hessian: 2·1.496 + 1.591 = 4.58 as the table prints it, where 2·1.5 + 1.59 = 4.59).
WEIGHT_DIGITS = 4


#: the name each weight of :meth:`KernelCosts.text` goes by, by kernel
KERNEL_NAMES = {"f": "f alone", "fg": "f with ∇f", "g": "∇f alone", "h": "∇²f alone"}


@dataclass(frozen=True)
class KernelCosts:
    """Measured seconds per call of the compiled kernels (None: not measured) and the
    weights ``w_k = t_k / t_f`` of the cost model (module docstring)."""

    seconds: dict[str, float]
    points: int
    repeat: int

    def weight(self, kind: str) -> float | None:
        t = self.seconds.get(kind)
        return None if t is None else t / self.seconds["f"]

    @property
    def weights(self) -> dict[str, float]:
        return {k: v / self.seconds["f"] for k, v in self.seconds.items()}

    def text(self, digits: int = 3) -> str:
        """``in units of one f evaluation (t_f = 12 ns): f alone 1; f with ∇f 1.912; ∇²f
        alone 2.4`` (measured; t_f to ``digits`` digits, the weights to
        :data:`WEIGHT_DIGITS`): each weight is one kernel's call, so the Hessian's (``h``,
        "∇²f alone") does not include f or ∇f, which a Newton step also evaluates and is
        charged for apart; the weights are parted by semicolons, each name before its
        number."""
        w = "; ".join(f"{KERNEL_NAMES[k]} {fmt(v, WEIGHT_DIGITS)}"
                      for k, v in self.weights.items())
        return f"in units of one f evaluation ({self.t_f_text(digits)}): {w}"

    def t_f_text(self, digits: int = 3) -> str:
        """``t_f = 12 ns``: the measured time of one f evaluation, to ``digits`` digits."""
        return f"t_f = {fmt(self.seconds['f'] * 1e9, digits)} ns"

    def to_json(self) -> dict[str, Any]:
        return jsonable({"seconds": self.seconds, "weights": self.weights,
                         "how": f"measured: best of {self.repeat} loops of compiled calls "
                                f"over {self.points} start points, timed in compiled code"})


def measure_kernel_costs(obj: Any, points: ArrayLike, kinds: Sequence[str] = ("f", "fg", "h"),
                         *, loop_seconds: float = 1e-4, repeat: int = 60) -> KernelCosts:
    """Seconds per call of each kernel in ``kinds`` (``f`` always), measured in compiled code.

    A compiled loop calls the kernel ``R`` times over the rows of ``points`` (at most 64,
    cycled), ``R`` chosen so that one loop takes about ``loop_seconds``; the loops are timed
    inside compiled code (no cost of entering from Python) and the time per call is the best
    of ``repeat`` loops divided by ``R`` (short loops, so that some run uninterrupted on a
    busy machine).  The indirect call of the kernel is included, as the optimizers make it.
    The kernels are timed in turn, in three rounds, so that a change of clock speed affects
    them alike.
    """
    c = getattr(obj, "compiled", obj)
    P = np.ascontiguousarray(np.asarray(points, dtype=float).reshape(-1, c.n)[:64])
    if P.shape[0] == 0 or not np.all(np.isfinite(P)):
        raise InputError("kernel costs need finite points")
    D = np.ascontiguousarray(c.data, dtype=np.float64)
    loops = _timing_loops()
    todo = list(dict.fromkeys(("f", *kinds)))
    reps: dict[str, int] = {}
    for kind in todo:
        per_call = loops[kind](getattr(c, kind), P, D, 16, 3)  # compiles / loads, calibrates
        reps[kind] = int(min(max(loop_seconds / max(per_call, 1e-10), 16), 1 << 24))
    seconds = dict.fromkeys(todo, math.inf)
    for _ in range(3):
        for kind in todo:
            t = loops[kind](getattr(c, kind), P, D, reps[kind], max(1, repeat // 3))
            seconds[kind] = min(seconds[kind], t)
    return KernelCosts(seconds, int(P.shape[0]), int(repeat))


def weighted_cost(nfev: ArrayLike, njev: ArrayLike, nhev: ArrayLike, costs: KernelCosts
                  ) -> NDArray[np.float64]:
    """``p·w_fg + (nfev − p) + (njev − p)·w_g + nhev·w_h`` with ``p = min(nfev, njev)``
    (units of one f evaluation; weights of ``costs``).

    A weight that is needed but was not measured raises :class:`InputError`.
    """
    nf = np.asarray(nfev, dtype=float)
    ng = np.asarray(njev, dtype=float)
    nh = np.asarray(nhev, dtype=float)
    p = np.minimum(nf, ng)
    total = nf - p
    for kind, count in (("fg", p), ("g", ng - p), ("h", nh)):
        if np.any(count > 0):
            w = costs.weight(kind)
            if w is None:
                raise InputError(f"the cost of kernel {kind!r} was not measured")
            total = total + w * count
    return total


# ============================================================================ statistics


def quartiles(values: ArrayLike) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile) of the finite values (NumPy's linear
    interpolation); NaNs when there is none.  IQR = q75 − q25."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (float("nan"),) * 3
    q = np.percentile(v, [25.0, 50.0, 75.0])
    return float(q[0]), float(q[1]), float(q[2])


#: the fewest finite values whose spread a table gives as quartiles (:func:`table_spread`)
QUARTILE_MIN = 4


def table_spread(values: ArrayLike) -> tuple[str, float, float]:
    """What a table prints beside the median of the finite ``values``: ``("iqr", q25, q75)``
    (:func:`quartiles`) from :data:`QUARTILE_MIN` values on, else ``("range", lowest,
    highest)``; ``("none", nan, nan)`` when there is none.

    The threshold 4: NumPy's linear interpolation puts the 25th percentile of n values at
    order position (n − 1)/4, a quarter of the way from the lower of 2 values to the higher
    and half way from the lowest of 3 to the middle one, a cost no value had; an "IQR" of 2
    or 3 values reads as a spread of many.  Below 4 the lowest and highest value lose
    nothing: with the median they are all 3 values, both of 2, the value itself of 1.  From
    4 on, quartiles summarise a sample that no longer fits a table cell."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return "none", float("nan"), float("nan")
    if v.size < QUARTILE_MIN:
        return "range", float(v.min()), float(v.max())
    q25, _, q75 = quartiles(v)
    return "iqr", q25, q75


# ============================================================================ outcomes


def in_box(X: ArrayLike, box: ArrayLike, rtol: float = 1e-9) -> NDArray[np.bool_]:
    """Rows of X inside the box, each bound widened by ``rtol`` times the box's width."""
    X = np.asarray(X, dtype=float)
    B = np.asarray(box, dtype=float).reshape(-1, 2)
    pad = rtol * (B[:, 1] - B[:, 0])
    return np.all((X >= B[:, 0] - pad) & (X <= B[:, 1] + pad), axis=1)


def outcome_classes(X: ArrayLike, fun: ArrayLike, status: ArrayLike, box: ArrayLike
                    ) -> NDArray[np.object_]:
    """Per start: ``diverged`` (status diverged, or x or f not finite), ``outside the box``
    (finite end point outside it), ``not converged`` (inside, status not converged/steps),
    else ``""`` (a converged end point, to be clustered)."""
    from analysis.sweeps import SETTLED

    X = np.asarray(X, dtype=float)
    st = np.asarray(status).astype(str)
    finite = np.all(np.isfinite(X), axis=1) & np.isfinite(np.asarray(fun, dtype=float))
    out = np.full(X.shape[0], "", dtype=object)
    diverged = (st == "diverged") | ~finite
    outside = ~diverged & ~in_box(np.where(np.isfinite(X), X, 0.0), box)
    open_ = ~diverged & ~outside & ~np.isin(st, SETTLED)
    out[diverged] = DIVERGED
    out[outside] = OUTSIDE
    out[open_] = NOT_CONVERGED
    return out


def cluster_points(X: ArrayLike, fun: ArrayLike, tol: float, max_clusters: int = MAX_CLUSTERS
                   ) -> NDArray[np.int64]:
    """Leader clustering of end points: in order of increasing f, the first point not yet in
    a cluster leads a new one, which takes every unassigned point within ``tol`` (Euclidean)
    of it.  Cluster k's leader is its lowest point.  Returns the cluster index per row
    (-1 for points left when ``max_clusters`` clusters exist).

    In up to three dimensions the points are first binned in cells of side ``tol``: a point
    within ``tol`` of a leader lies in the leader's cell or a neighbouring one, so only those
    are searched (the same clusters, in O(N log N) instead of O(N × clusters)).
    """
    X = np.asarray(X, dtype=float)
    X = X.reshape(X.shape[0], -1) if X.ndim != 2 else X
    f = np.asarray(fun, dtype=float)
    N, n = X.shape
    labels = np.full(N, -1, dtype=np.int64)
    order = np.argsort(f, kind="stable")  # lowest f first
    scale = float(np.max(np.abs(X), initial=0.0))
    if N == 0 or n > 3 or not tol > 0 or scale / tol > 1e15:
        return _leaders_plain(X, order, tol, max_clusters, labels)
    import itertools

    keys = np.floor(X / tol).astype(np.int64)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.ravel()
    by_cell = np.argsort(inv, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(inv, minlength=len(uniq)))])
    cell_of = {tuple(int(v) for v in u): c for c, u in enumerate(uniq)}
    offsets = [np.array(o) for o in itertools.product((-1, 0, 1), repeat=n)]
    k = 0
    for i in order:
        if labels[i] >= 0:
            continue
        if k >= max_clusters:
            break
        home = keys[i]
        parts = []
        for o in offsets:
            c = cell_of.get(tuple(int(v) for v in home + o))
            if c is not None:
                parts.append(by_cell[starts[c]:starts[c + 1]])
        cand = np.concatenate(parts)
        cand = cand[labels[cand] < 0]
        near = cand[np.linalg.norm(X[cand] - X[i], axis=1) <= tol]
        labels[near] = k
        k += 1
    return labels


def _leaders_plain(X: NDArray[np.float64], order: NDArray[np.int64], tol: float,
                   max_clusters: int, labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """:func:`cluster_points` by one pass over the unassigned points per cluster."""
    rest = order
    k = 0
    while rest.size and k < max_clusters:
        near = np.linalg.norm(X[rest] - X[rest[0]], axis=1) <= tol
        labels[rest[near]] = k
        rest = rest[~near]
        k += 1
    return labels


def nearest_within(X: ArrayLike, points: ArrayLike, tol: float, block: int = 1 << 20
                   ) -> NDArray[np.int64]:
    """Index of the nearest of ``points`` within ``tol`` of each row of X (-1 otherwise), in
    blocks of rows so that the distance table stays within ``block`` numbers."""
    X = np.asarray(X, dtype=float)
    pts = np.asarray(points, dtype=float).reshape(-1, X.shape[1] if X.ndim == 2 else 1)
    out = np.full(X.shape[0], -1, dtype=np.int64)
    if len(pts) == 0 or X.shape[0] == 0:
        return out
    from analysis.sweeps import match_labels

    rows = max(1, block // (len(pts) * pts.shape[1]))
    for a in range(0, X.shape[0], rows):
        part = X[a:a + rows]
        out[a:a + rows] = match_labels(part, np.ones(part.shape[0], bool), pts, tol)
    return out


@dataclass
class Cluster:
    """Converged end points near one another: the leader (lowest f) and how far the members
    spread from it; ``match``: index of the known critical point within the tolerance, with
    its ``kind`` and value."""

    point: NDArray[np.float64]
    fun: float
    spread: float
    match: int | None = None
    kind: str | None = None
    value: float | None = None
    compared: bool = True

    def name(self) -> str:
        """``P3 (minimum)``; ``not a listed critical point``; ``""`` when no list was given."""
        if self.match is None:
            return "not a listed critical point" if self.compared else ""
        return f"P{self.match + 1} ({self.kind})"

    def to_json(self) -> dict[str, Any]:
        return jsonable({"point": self.point, "fun": self.fun, "spread": self.spread,
                         "critical_point": self.match, "kind": self.kind,
                         "critical_value": self.value})


def _known(critical_points: Any, n: int) -> tuple[NDArray[np.float64], list[str], list[float]]:
    cps = list(critical_points or [])
    pts = np.array([cp.point for cp in cps], dtype=float).reshape(-1, n)
    return pts, [str(cp.kind) for cp in cps], [float(cp.value) for cp in cps]


def best_minimum(critical_points: Any) -> float | None:
    """The lowest value among the critical points of kind minimum (None when there is none)."""
    vals = [float(cp.value) for cp in (critical_points or []) if cp.kind == "minimum"]
    vals = [v for v in vals if np.isfinite(v)]
    return min(vals) if vals else None


def outcome_order(keys: Sequence[Any]) -> list[Any]:
    """Distinct outcomes in table order: cluster indices, then ``not converged, near …``
    (sorted), then the classes :data:`CLASSES` and :data:`OTHER`."""
    uniq = set(keys)
    ints = sorted(k for k in uniq if isinstance(k, int))
    fixed = [k for k in (*CLASSES, OTHER) if k in uniq]
    near = sorted(k for k in uniq if isinstance(k, str) and k not in fixed)
    return [*ints, *near, *fixed]


def target_of(f_star: float | None, tol: float = TARGET_TOL) -> float | None:
    """The target value ``f* + tol·max(1, |f*|)`` (None without f*)."""
    if f_star is None:
        return None
    return f_star + tol * max(1.0, abs(f_star))


# ============================================================================ runs


@dataclass
class StartsRun:
    """One method over the starts: the per-start results of :func:`optimizers.minimize_batch`
    with the weighted cost, whether the target was reached, and the outcome of each start
    (a cluster index ≥ 0, or -1 with ``outcome`` naming its class)."""

    label: str
    method: str
    hyper: dict[str, Any]
    x: NDArray[np.float64]
    fun: NDArray[np.float64]
    status: NDArray[np.object_]
    nit: NDArray[np.int64]
    nfev: NDArray[np.int64]
    njev: NDArray[np.int64]
    nhev: NDArray[np.int64]
    seconds: float
    cost: NDArray[np.float64] | None = None
    timed_calls: int = 1
    reached: NDArray[np.bool_] | None = None
    outcome: NDArray[np.object_] | None = None
    cluster: NDArray[np.int64] | None = None
    #: the gradient tolerance the runs stopped on (‖∇f‖∞ ≤ gtol); None when not known
    gtol: float | None = None

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    @property
    def success_rate(self) -> float | None:
        """Fraction of starts that reached the target (None without a target)."""
        return None if self.reached is None else float(np.mean(self.reached))

    def set_target(self, target: float | None) -> None:
        """``reached``: a finite final value ≤ ``target`` of a start that did not diverge
        (none reached without a target)."""
        if target is None:
            self.reached = np.zeros(self.n, dtype=bool)
            return
        diverged = self.outcome == DIVERGED if self.outcome is not None else False
        self.reached = np.isfinite(self.fun) & (self.fun <= target) & ~diverged

    def cost_to_target(self) -> NDArray[np.float64]:
        """Weighted cost per start, NaN where the target was not reached (the ECDF input)."""
        if self.cost is None or self.reached is None:
            raise InputError("no cost or target for this run")
        return np.where(self.reached, self.cost, np.nan)

    def counts(self) -> dict[Any, int]:
        """Starts per outcome: cluster index → count, then each class → count (nonzero), in
        the order of :func:`outcome_order`."""
        ks, kc = np.unique(self.cluster[self.cluster >= 0], return_counts=True)
        named = self.outcome[self.outcome != ""].astype(str)
        ns, nc = np.unique(named, return_counts=True)
        found = {**{int(k): int(c) for k, c in zip(ks, kc, strict=True)},
                 **{str(k): int(c) for k, c in zip(ns, nc, strict=True)}}
        return {k: found[k] for k in outcome_order(list(found))}


@dataclass
class StartsStudy:
    """Methods over the same starts, with the shared target, kernel costs and clusters."""

    X0: NDArray[np.float64]
    box: NDArray[np.float64]
    seed: int
    runs: dict[str, StartsRun]
    clusters: list[Cluster]
    tolerance: float
    costs: KernelCosts | None = None
    #: the tolerance with the rule that gave it (:func:`analysis.sweeps.basin_tolerance_text`)
    tolerance_how: str = ""
    f_star: float | None = None
    f_star_how: str = ""
    target_tol: float = TARGET_TOL
    threads: int = 1
    timing: dict[str, float] = field(default_factory=dict)

    @property
    def target(self) -> float | None:
        return target_of(self.f_star, self.target_tol)

    def to_json(self) -> dict[str, Any]:
        runs = {}
        for lab, r in self.runs.items():
            q = quartiles(r.cost_to_target()) if r.reached is not None else (None,) * 3
            c = r.cost_to_target() if r.reached is not None else np.array([np.nan])
            c = c[np.isfinite(c)]
            runs[lab] = {
                "method": r.method, "hyper": r.hyper, "success_rate": r.success_rate,
                "cost_median": q[1], "cost_q25": q[0], "cost_q75": q[2],
                # the cost table's spread column: quartiles, or the lowest and highest cost
                # where fewer than QUARTILE_MIN starts reached the target (table_spread)
                "cost_min": float(c.min()) if c.size else None,
                "cost_max": float(c.max()) if c.size else None,
                "cost_spread": table_spread(c)[0],
                "batch_seconds": r.seconds, "batch_timed_calls": r.timed_calls,
                "batch_clock": "CPU time on one thread (fastest timed call)",
                "outcomes": {(f"cluster {k}" if isinstance(k, int) else k): v
                             for k, v in r.counts().items()},
            }
        return jsonable({
            "n_starts": int(self.X0.shape[0]), "seed": self.seed, "box": self.box,
            "f_star": self.f_star, "f_star_how": self.f_star_how, "target": self.target,
            "target_tol": self.target_tol, "tolerance": self.tolerance,
            "kernel_costs": None if self.costs is None else self.costs.to_json(),
            "threads": self.threads, "clusters": [c.to_json() for c in self.clusters],
            "runs": runs,
        })


def classify(runs: Sequence[StartsRun], box: ArrayLike, critical_points: Any = None,
             tol: float | None = None) -> tuple[list[Cluster], float]:
    """Set ``outcome`` and ``cluster`` of every run (clustering all runs' converged end points
    together, so a cluster means the same place for every method) and match each cluster to
    the nearest known critical point; returns the clusters and the tolerance used
    (default :func:`analysis.sweeps.basin_tolerance` of the box and the known points)."""
    from analysis.sweeps import basin_tolerance

    B = np.asarray(box, dtype=float).reshape(-1, 2)
    n = B.shape[0]
    pts, kinds, values = _known(critical_points, n)
    if tol is None:
        tol = basin_tolerance(B, pts)
    parts = []
    for r in runs:
        r.outcome = outcome_classes(r.x, r.fun, r.status, B)
        parts.append(r.outcome == "")
    X = np.concatenate([r.x for r in runs]).reshape(-1, n)
    F = np.concatenate([r.fun for r in runs])
    ok = np.concatenate(parts)
    labels = np.full(X.shape[0], -1, dtype=np.int64)
    labels[ok] = cluster_points(X[ok], F[ok], tol)
    clusters: list[Cluster] = []
    k_max = int(labels.max(initial=-1)) + 1
    members_of = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[members_of], np.arange(k_max + 1))
    leads = []
    for k in range(k_max):
        members = members_of[bounds[k]:bounds[k + 1]]
        lead = int(members[np.argmin(F[members])])
        leads.append(lead)
        p = X[lead]
        spread = float(np.max(np.linalg.norm(X[members] - p, axis=1)))
        clusters.append(Cluster(p.copy(), float(F[lead]), spread,
                                compared=critical_points is not None))
    match = nearest_within(X[leads].reshape(-1, n), pts, tol)
    for c, m in zip(clusters, match, strict=True):
        if m >= 0:
            c.match, c.kind, c.value = int(m), kinds[m], values[m]
    a = 0
    for r, part in zip(runs, parts, strict=True):
        lab = labels[a:a + r.n]
        r.cluster = lab
        r.outcome[part & (lab < 0)] = OTHER
        a += r.n
        # starts stopped short of the tolerances, but within it of a known point (a kink)
        open_ = r.outcome == NOT_CONVERGED
        if len(pts) and np.any(open_):
            idx = np.flatnonzero(open_)
            near = nearest_within(r.x[idx], pts, tol)
            for i, m in zip(idx[near >= 0], near[near >= 0], strict=True):
                r.outcome[i] = f"{NOT_CONVERGED}, near P{m + 1} ({kinds[m]})"
    return clusters, float(tol)


def from_batch(label: str, batch: Any) -> StartsRun:
    """A :class:`StartsRun` from a :class:`optimizers.driver.BatchResult`."""
    return StartsRun(label=label, method=batch.method, hyper=dict(batch.hyper),
                     x=np.asarray(batch.x, float), fun=np.asarray(batch.fun, float),
                     status=np.asarray(batch.status).astype(str).astype(object),
                     nit=np.asarray(batch.nit), nfev=np.asarray(batch.nfev),
                     njev=np.asarray(batch.njev), nhev=np.asarray(batch.nhev),
                     seconds=float(batch.time), gtol=_gtol(batch))


def _gtol(batch: Any) -> float | None:
    """The gradient tolerance of a batch (its ``gtol`` criterion), None without a start."""
    if not len(batch):
        return None
    return next((float(c.threshold) for c in batch.criteria_of(0) if c.name == "gtol"), None)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the parallel kernels called inside the block on one thread (the calling one), then
    restore the thread count."""
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(old)


def timed_batch(run: Callable[[NDArray[np.float64]], Any], X0: ArrayLike, *,
                repeats: int = TIME_REPEATS, budget: float = TIME_BUDGET,
                clock: Callable[[], float] = time.process_time) -> tuple[Any, list[float]]:
    """``run(X0)`` and the CPU time of its work: an untimed call ``run(X0)`` with every thread
    (kernels loaded or compiled, threads started; its result is returned), then ``run(X0)`` on
    one thread (:func:`one_thread`) up to ``repeats`` times, timed by the process CPU clock and
    stopping early once the timed calls took ``budget`` seconds together.  Returns the result
    and the time of every timed call; the batch time is ``min(times)`` (t = min_r t_r).

    One thread and CPU time, because the wall time of a parallel call measures the machine, not
    the batch: the call waits for its slowest thread, and when other work holds the cores a
    descheduled thread costs whole scheduler ticks (every batch 8–32 ms on 2 shared cores,
    Newton's single iteration as long as Adam's hundreds), while waiting threads spin."""
    X = np.asarray(X0, dtype=float)
    result = run(X)
    times: list[float] = []
    with one_thread():
        for _ in range(max(1, int(repeats))):
            t0 = clock()
            run(X)
            times.append(clock() - t0)
            if sum(times) >= budget:
                break
    return result, times


def many_starts(obj: Any, methods: Mapping[str, tuple[str, Mapping[str, Any]]], *,
                box: Any = None, starts: int = DEFAULT_STARTS, seed: int = 0,
                X0: ArrayLike | None = None, critical_points: Any = None,
                target_tol: float = TARGET_TOL, **run_options: Any) -> StartsStudy:
    """Run each method (label → (method, hyperparameters)) from the same ``starts`` uniform
    starts of the box (:func:`uniform_starts` with ``seed``, or the rows of ``X0``) with one
    :func:`optimizers.minimize_batch` each; measure the kernel costs at the starts, weigh the
    evaluations, classify the end points and compare them with the target ``f* + tol``.

    ``f*`` is :func:`best_minimum` of ``critical_points``; without one, the lowest finite
    final value of all runs.  ``run_options`` (maxiter, gtol, …) go to every run.
    """
    import numba

    from analysis.sweeps import basin_tolerance_text
    from optimizers import minimize_batch

    t_start = time.perf_counter()
    c = getattr(obj, "compiled", obj)
    B = obj.box(box) if hasattr(obj, "box") and callable(obj.box) else np.asarray(box, float)
    B = np.asarray(B, dtype=float).reshape(-1, 2)
    if X0 is None:
        if int(starts) < 1:
            raise InputError("starts must be at least 1")
        X0 = uniform_starts(B, int(starts), seed)
    X0 = np.asarray(X0, dtype=float).reshape(-1, c.n)
    runs: dict[str, StartsRun] = {}
    for label, (method, hyper) in methods.items():
        batch, times = timed_batch(
            lambda P, m=method, h=hyper: minimize_batch(obj, P, m, seed=seed, **run_options,
                                                         **dict(h)), X0)
        runs[label] = from_batch(label, batch)
        runs[label].seconds = min(times)
        runs[label].timed_calls = len(times)
    t_runs = time.perf_counter()
    rs = list(runs.values())
    clusters, tol = classify(rs, B, critical_points)
    tol_how = basin_tolerance_text(B, _known(critical_points, B.shape[0])[0])
    t_cluster = time.perf_counter()
    kinds = ["fg"]
    if any(np.any(r.nhev > 0) for r in rs):
        kinds.append("h")
    if any(np.any(r.njev > r.nfev) for r in rs):
        kinds.append("g")
    costs = measure_kernel_costs(c, X0, kinds)
    t_costs = time.perf_counter()
    f_star = best_minimum(critical_points)
    how = "lowest minimum of the critical-point analysis"
    if f_star is None:
        finite = np.concatenate([r.fun[np.isfinite(r.fun)] for r in rs])
        f_star = float(finite.min()) if finite.size else None
        how = "lowest final value of all runs (no minimum known)"
    study = StartsStudy(X0=X0, box=B, seed=int(seed), runs=runs, clusters=clusters,
                        tolerance=tol, tolerance_how=tol_how, costs=costs, f_star=f_star,
                        f_star_how=how, target_tol=float(target_tol),
                        threads=int(numba.get_num_threads()))
    target = study.target
    for r in rs:
        r.cost = weighted_cost(r.nfev, r.njev, r.nhev, costs)
        r.set_target(target)
    study.timing = {"runs": t_runs - t_start, "clusters": t_cluster - t_runs,
                    "kernel_costs": t_costs - t_cluster}
    return study


# ============================================================================ text


def breakdown_rows(run: StartsRun, clusters: Sequence[Cluster]) -> list[dict[str, Any]]:
    """One record per outcome of ``run`` (clusters by count, then the classes): ``outcome``,
    ``count``, ``point``, ``fun`` (the cluster's lowest f), ``critical_point``, ``kind``."""
    rows = []
    counts = run.counts()
    for k in sorted((k for k in counts if isinstance(k, int)), key=lambda k: -counts[k]):
        c = clusters[k]
        rows.append({"outcome": c.name(), "cluster": k, "count": counts[k],
                     "point": c.point, "fun": c.fun, "spread": c.spread,
                     "critical_point": c.match, "kind": c.kind})
    for name in (k for k in counts if isinstance(k, str)):
        rows.append({"outcome": name, "cluster": None, "count": counts[name],
                     "point": None, "fun": None, "spread": None,
                     "critical_point": None, "kind": None})
    return rows


def breakdown_text(run: StartsRun, clusters: Sequence[Cluster], *, tolerance: float,
                   target: float | None = None, known: str = "", max_lines: int = 20) -> str:
    """The lines of ``run --starts``: where the starts ended (count, point, f, match; the
    ``max_lines`` largest groups, then the rest in one line) and the success rate against
    the target."""
    lines = [f" * Where the starts ended (end points within {fmt(tolerance, 3)} of each other "
             f"grouped{'; ' + known if known else ''}):"]
    width = len(str(run.n))
    rows = breakdown_rows(run, clusters)
    groups = [r for r in rows if r["point"] is not None]
    for row in groups[:max_lines]:
        pt = fmt(np.asarray(row["point"], float).ravel())  # one point, one format
        lines.append(f"   {row['count']:>{width}}  at {pt}  f = {row['fun']:.10g}  "
                     f"{row['outcome']}")
    rest = groups[max_lines:]
    if rest:
        lines.append(f"   {sum(r['count'] for r in rest):>{width}}  in {len(rest)} more "
                     "groups (listed by --json)")
    for row in rows:
        if row["point"] is None:
            lines.append(f"   {row['count']:>{width}}  {row['outcome']}")
    if target is not None and run.reached is not None:
        lines.append(f" * Reached f ≤ {target:.10g}: {int(np.sum(run.reached))} of {run.n} "
                     f"({100 * float(np.mean(run.reached)):.1f}%)")
    return "\n".join(lines)


__all__ = [
    "CLASSES", "DEFAULT_STARTS", "DIVERGED", "KERNEL_NAMES", "NOT_CONVERGED", "OTHER", "OUTSIDE",
    "QUARTILE_MIN", "TARGET_TOL",
    "Cluster", "KernelCosts", "StartsRun", "StartsStudy", "best_minimum", "breakdown_rows",
    "breakdown_text", "classify", "cluster_points", "from_batch", "in_box", "nearest_within",
    "many_starts", "measure_kernel_costs", "outcome_classes", "outcome_order", "quartiles",
    "table_spread", "target_of", "uniform_starts", "weighted_cost",
]
