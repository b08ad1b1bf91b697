"""``landscape campaign report DIR``: a campaign's rows read back as a PDF (with JSON and CSV).

What the report computes from the store (``DIR/campaign.json`` and ``DIR/results/*.parquet``, one
row per start), each a small pure function below:

* **Targets.**  A start *solves* the pair (start, Δ) when some iterate has ``f_k − f* ≤ Δ``
  (the row's ``hit_iter``/``hit_cost``, −1 or null = not reached; an objective without f*
  has no targets).  The *reference target* ``Δ_ref`` is the campaign's target nearest 10⁻⁶
  (on a log scale); success rates, best cells and heatmaps are read at it.
* **Best cell** of a method on an objective: the grid cell with the largest share of starts
  solving ``Δ_ref``; ties by the smaller average running time (below), then the larger share
  of converged starts, the fewer diverged ones, the smaller median cost of the converged ones,
  the first cell (without f* only the last four count).
* **Average running time** (COCO's aRT, Hansen et al. 2016) of a cell at a target: the cost
  spent over all its starts divided by the number that reached it::

      aRT = (Σ_solved hit_cost + Σ_unsolved cost) / #solved      (∞ when #solved = 0)

* **ECDF** (COCO-style) of a method: over every (objective, start, target) of its best cell per
  objective, the fraction of pairs solved within a cost c (:func:`analysis.plots.ecdf_points`);
  cost is the row's weighted ``hit_cost``, or the wall seconds to the target, estimated as
  ``seconds · hit_cost / cost`` (the store keeps a start's seconds, not per iteration).
* **Performance profile** (Dolan & Moré 2002): problems p = (objective, target) pairs, the
  measure t_{p,s} = aRT of method s (in its best cell) at p; ratio ``r_{p,s} = t_{p,s} /
  min_s t_{p,s}`` (∞ when s never reached the target) and ``ρ_s(τ) = #{p : r_{p,s} ≤ τ} / #P``.
* **Stability across the grid.**  For a method with a step-size threshold in the theory
  (:func:`analysis.sweeps.predicted_lr_threshold`: gd η < 2/L, heavy ball η < 2(1+β)/L,
  Nesterov η < 2(1+β)/((1+2β)L), …) the threshold is evaluated at each known minimum of the
  objective with L the largest eigenvalue of the Hessian there
  (:func:`analysis.sweeps.sweep_minimizer`, compiled Hessian); a cell is *predicted stable*
  when its η lies below the threshold of at least one known minimum (one that can attract the
  iteration), and *measured stable* when none of its starts diverged (status ``diverged`` or a
  non-finite value).  The share of cells where both agree is reported, over all cells and over
  the cells whose η is more than 10 % away from the threshold.
* **Where starts ended**: per objective and method (best cell), how many starts reached each
  known minimum (the row's ``minimum``; where the spec gives f* but lists no minimizer, the
  minima found by the exact solve of ∇f = 0, matched to the final x with the store's
  tolerance), none of them, or diverged; on an objective with no known minima the first two
  are n/a (every start would read "none").
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.campaign.figures import GRID_SYMBOLS, HYPER_WORDS, hyper_symbol
from landscape.errors import InputError
from landscape.numfmt import MINUS, plural

#: the reference target is the campaign's target nearest this gap f − f*
REFERENCE_TARGET = 1e-6
#: cells whose η lies within this relative distance of the threshold are "near the boundary"
BOUNDARY_BAND = 0.10
#: at most this many grid figures (heatmaps and line plots); the rest is said in a sentence
MAX_GRID_FIGURES = 24
#: what a grid shows on an objective without f* (no target to reach): runs of fixed steps are
#: never "converged", so the share converged would be 0 there by construction
NO_F_STAR_SHARE = "share not diverged (no f*)"
#: statuses of a start that diverged
DIVERGED = "diverged"
#: the status of a run of a fixed number of steps (it used its budget; it never "converges")
FIXED_STEPS = "steps"
#: the best-cell table's mark on the dash of a fixed-step cell's "converged" column
FIXED_MARK = "§"


# ============================================================================ the store

#: columns the report reads (a store without one of them is not a campaign store)
NEEDED = ("objective_id", "method", "cell", "hyper", "start", "x", "fun", "status", "cost",
          "seconds", "minimum", "hit_cost", "nfev", "njev", "nhev")


@dataclass
class Campaign:
    """A campaign store read back: ``meta`` (campaign.json), ``cols`` (column → array, one entry
    per start), ``hit`` (N × T weighted cost to each target, NaN = not reached or f*
    unknown), ``targets`` (T gaps Δ) and ``hp_names`` (the grids' hyperparameters)."""

    root: Path
    meta: dict[str, Any]
    cols: dict[str, NDArray[Any]]
    hit: NDArray[np.float64]
    targets: NDArray[np.float64]
    hp_names: list[str]
    parts: int = 0
    #: (objective, method, cell) → its rows' indices, in the order first met
    groups: dict[tuple[str, str, str], NDArray[np.int64]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.groups:
            keys = zip(self.cols["objective_id"].tolist(), self.cols["method"].tolist(),
                       self.cols["cell"].tolist(), strict=True)
            idx: dict[tuple[str, str, str], list[int]] = {}
            for i, k in enumerate(keys):
                idx.setdefault(k, []).append(i)
            self.groups = {k: np.asarray(v, dtype=np.int64) for k, v in idx.items()}

    @property
    def n(self) -> int:
        return int(self.hit.shape[0])

    def rows(self, objective: str, method: str, cell: str) -> NDArray[np.int64]:
        """Indices of the rows of one (objective, method, cell)."""
        return self.groups.get((objective, method, cell), np.zeros(0, dtype=np.int64))

    def objectives(self) -> list[str]:
        return list(dict.fromkeys(k[0] for k in self.groups))

    def methods(self) -> list[str]:
        return list(dict.fromkeys(k[1] for k in self.groups))

    def cells(self, objective: str, method: str) -> list[str]:
        return [k[2] for k in self.groups if k[0] == objective and k[1] == method]

    def label(self, objective: str) -> str:
        """How the pages name an objective (:func:`objective_label`)."""
        return objective_label(objective, self.meta.get("objectives", {}).get(objective))


def read_meta(root: Path) -> dict[str, Any]:
    """``root/campaign.json`` (:func:`analysis.campaign.store.read_meta`), checked to hold the
    targets and objectives the report reads (InputError otherwise)."""
    from analysis.campaign import store

    meta = store.read_meta(root)
    if not isinstance(meta, dict) or not isinstance(meta.get("targets"), list) or \
            not isinstance(meta.get("objectives"), dict):
        raise InputError(f"{root / store.META}: not a campaign description "
                         "(no targets or objectives)")
    t = meta["targets"]
    if not t or not all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in t):
        raise InputError(f"{root / store.META}: targets must be positive numbers, got {t!r}")
    return meta


def hit_matrix(values: Any, targets: int) -> NDArray[np.float64]:
    """Rows' ``hit_cost`` lists (a pyarrow list array or a sequence of lists) as an N × T
    array: −1, null, a null list or a non-finite cost → NaN (target not reached, or f*
    unknown)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if not isinstance(arr, pa.Array):
        arr = pa.array(list(values), type=pa.list_(pa.float64()))
    lens = pc.list_value_length(arr).to_numpy(zero_copy_only=False)
    has = np.isfinite(lens.astype(float))
    if np.any(has & (lens != targets)):
        bad = int(lens[has & (lens != targets)][0])
        raise InputError(f"a row has {bad} target costs, campaign.json lists {targets}")
    out = np.full((len(arr), targets), np.nan)
    flat = arr.flatten().cast(pa.float64()).to_numpy(zero_copy_only=False)
    out[has] = flat.reshape(-1, targets) if targets else flat.reshape(0, 0)
    out[~np.isfinite(out) | (out < 0)] = np.nan
    return out


def load(root: str | os.PathLike) -> Campaign:
    """Read a campaign store; :class:`InputError` (exit 2) when ``root`` is not one."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: no such directory")
    meta = read_meta(root)
    from analysis.campaign import store

    parts = store.done_tasks(root)
    if not parts:
        raise InputError(f"{root}: the campaign has no rows yet (no part file in "
                         f"{store.ROWS}/)")
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(store.part_path(root, sorted(parts)[0])).names
        missing = [c for c in NEEDED if c not in names]
        if missing:
            raise InputError(f"{root}: rows lack the {plural(len(missing), 'column', count=False)} "
                             f"{', '.join(missing)}")
        hp = [n for n in names if n.startswith("hp_")]
        table = store.read_rows(root, columns=list(NEEDED) + hp)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{root}: cannot read the rows ({exc})") from None
    cols: dict[str, NDArray[Any]] = {}
    for name in table.column_names:
        if name == "hit_cost":
            continue
        col = table.column(name)
        if name == "minimum":  # null (no known minimum reached) → −1
            col = pc.fill_null(col, -1)
        arr = col.to_numpy(zero_copy_only=False)
        cols[name] = arr.astype(float) if arr.dtype == object and name.startswith("hp_") \
            else arr
    targets = np.asarray(meta["targets"], dtype=float)
    hit = hit_matrix(table.column("hit_cost"), targets.size)
    hp = sorted(n[3:] for n in table.column_names if n.startswith("hp_"))
    return Campaign(root, meta, cols, hit, targets, hp, len(parts))


# ============================================================================ statistics


def reference_index(targets: ArrayLike, ref: float = REFERENCE_TARGET) -> int:
    """Index of the target nearest ``ref`` on a log scale: argmin |log10 Δ − log10 ref|."""
    t = np.asarray(targets, dtype=float)
    return int(np.argmin(np.abs(np.log10(t) - math.log10(ref))))


def average_running_time(hit: ArrayLike, cost: ArrayLike) -> float:
    """COCO's aRT: ``(Σ_solved hit + Σ_unsolved cost) / #solved`` (∞ when none solved);
    ``hit`` NaN = not solved, ``cost`` the whole run's cost."""
    h = np.asarray(hit, dtype=float)
    c = np.asarray(cost, dtype=float)
    ok = np.isfinite(h)
    if not ok.any():
        return math.inf
    return float((h[ok].sum() + c[~ok].sum()) / ok.sum())


def diverged(status: ArrayLike, f: ArrayLike) -> NDArray[np.bool_]:
    """Starts that diverged: status ``diverged`` or a non-finite final value."""
    return (np.asarray(status) == DIVERGED) | ~np.isfinite(np.asarray(f, dtype=float))


@dataclass
class CellStats:
    """One (objective, method, cell): starts, share solving ``Δ_ref``, aRT and median cost
    to it, diverged starts."""

    cell: str
    hyper: dict[str, Any]
    starts: int
    solved: float
    art: float
    median: float
    diverged: int
    converged: float = math.nan
    converged_cost: float = math.nan
    #: share of starts that did not diverge (what a grid shows on an objective without f*)
    bounded: float = math.nan
    #: cells that tie with this one on every criterion of :func:`best_cell` (1 = no tie)
    ties: int = 1
    #: the cell's runs take a fixed number of steps (status ``steps``): none can be
    #: "converged", so its share converged is no measurement
    fixed_steps: bool = False


def cell_stats(c: Campaign, objective: str, method: str, ref: int) -> list[CellStats]:
    """:class:`CellStats` of every cell of a method on an objective, at target ``ref``."""
    out = []
    for cell in c.cells(objective, method):
        m = c.rows(objective, method, cell)
        h = c.hit[m, ref]
        ok = np.isfinite(h)
        status = c.cols["status"][m]
        conv = status == "converged"  # met its tolerance; "steps" used a budget
        cost = c.cols["cost"][m].astype(float)
        div = diverged(status, c.cols["fun"][m])
        out.append(CellStats(cell, json.loads(c.cols["hyper"][m][0]), int(m.size),
                             float(ok.mean()), average_running_time(h, cost),
                             float(np.median(h[ok])) if ok.any() else math.nan,
                             int(div.sum()), float(conv.mean()),
                             float(np.median(cost[conv])) if conv.any() else math.nan,
                             float(1.0 - div.mean()) if m.size else math.nan,
                             fixed_steps=bool(np.any(status == FIXED_STEPS) and not conv.any())))
    return out


def _best_key(s: CellStats) -> tuple[float, ...]:
    cc = s.converged_cost if math.isfinite(s.converged_cost) else math.inf
    return (-s.solved, s.art, -s.converged, s.diverged, cc)


def best_cell(stats: Sequence[CellStats]) -> CellStats:
    """The cell with the largest share solved, then the smallest aRT, the largest share
    converged, the fewest diverged, the smallest median cost of the converged, the first;
    its ``ties`` = the number of cells equal to it on all five (> 1: the choice among them is
    only their order in the grid)."""
    best = min(stats, key=_best_key)
    ties = sum(_best_key(s) == _best_key(best) for s in stats)
    return replace(best, ties=ties)



def cell_words(cell: str) -> str:
    """A grid cell as the pages print it: ``"lr=0.01,momentum=0.9"`` → ``η = 0.01, β = 0.9``
    (a value that is no number as stored)."""
    parts = []
    for part in filter(None, cell.split(",")):
        k, eq, v = part.partition("=")
        if not eq:
            parts.append(part.strip())
            continue
        try:
            v = f"{float(v):g}"
        except ValueError:
            v = v.strip()
        parts.append(f"{hyper_symbol(k.strip())} = {v}")
    return ", ".join(parts)


def method_label(name: str) -> str:
    """How the pages print a method (:func:`optimizers.registry.label`: ``lbfgs`` →
    ``L-BFGS``); the store and campaign.json keep the name."""
    from optimizers.registry import label

    return label(name)


def by_label(series: Mapping[str, Any]) -> dict[str, Any]:
    """A figure's series keyed by method name, keyed by the method's label instead
    (:func:`method_label`), so that legends print what the tables print."""
    return {method_label(m): v for m, v in series.items()}


def symbols_note(cells: Iterable[str]) -> str:
    """The sentence that names the symbols :func:`cell_words` writes for these cells' axes
    (``  Cells read η = step size, β = momentum.``; empty without one)."""
    names = dict.fromkeys(k for cell in cells for k in _cell_axes(cell or ""))
    said = [f"{hyper_symbol(k)} = {HYPER_WORDS.get(k, k)}" for k in names
            if hyper_symbol(k) != k]
    return f"  Cells read {', '.join(said)}." if said else ""


def cell_label(s: CellStats) -> str:
    """The best cell as the tables name it (:func:`cell_words`), a tie said:
    ``η = 0.1 (first of 9 tied)``."""
    text = cell_words(s.cell) if s.cell else "(no grid)"
    return f"{text} (first of {s.ties} tied)" if s.ties > 1 else text


def best_cells(c: Campaign, ref: int) -> dict[tuple[str, str], CellStats]:
    """(objective, method) → its :func:`best_cell` at target ``ref``."""
    return {(o, m): best_cell(cell_stats(c, o, m, ref))
            for o in c.objectives() for m in c.methods() if c.cells(o, m)}


def has_f_star(c: Campaign, objective: str) -> bool:
    f = c.meta["objectives"].get(objective, {}).get("f_star")
    return f is not None and math.isfinite(float(f))


def no_f_star_reason(info: Mapping[str, Any]) -> str:
    """Why an objective of campaign.json has no f* (hence no target): ``local minima only, no
    global f*`` when minima are listed without f* (e.g. x·cos(cx), unbounded below), ``no
    minimum`` when the suite says so in its note, else ``no f* given in the spec``."""
    note = str(info.get("note") or "")
    if info.get("minima"):
        return "local minima only, no global f*" + (
            "; unbounded below" if "unbounded below" in note else "")
    if note.startswith("no minimum"):
        return "no minimum"
    known = suite_twin(info)
    if known is not None:
        from analysis.pages import code

        suite, oid, f_star = known
        return (f"no f* given in the spec, yet it is the {suite} suite's {oid} with "
                f"f* = {f_star:g}: give {code('f_star')} or use "
                + code(f'suite = "{suite}", only = ["{oid}"]'))
    return "no f* given in the spec"


def suite_twin(info: Mapping[str, Any], *, known_f_star: bool = True
               ) -> tuple[str, str, float | None] | None:
    """(suite, id, f*) of a built-in objective that has the same formula (spaces aside) and
    parameters as this one, else None; with ``known_f_star`` only one with a known f*."""
    from analysis.campaign.suites import SUITES

    formula = "".join(str(info.get("formula") or "").split())
    if not formula:
        return None
    params = info.get("params") or {}
    for suite, objs in SUITES.items():
        for oid, o in objs.items():
            if (o.f_star is not None or not known_f_star) and \
                    "".join(o.formula.split()) == formula and dict(o.params) == dict(params):
                return suite, oid, None if o.f_star is None else float(o.f_star)
    return None


def objective_label(name: str, info: Mapping[str, Any] | None) -> str:
    """How the pages name an objective: a built-in function by its name in words
    (:data:`analysis.campaign.suites.TITLES`: ``beale`` → ``Beale``), also under a label of
    the spec's own when its formula and parameters are the built-in's (``xcos`` →
    ``x·cos(cx)``); any other objective by the spec's label.  campaign.json, the store and
    the report's data keep the label."""
    from analysis.campaign.suites import TITLES

    twin = suite_twin(info or {}, known_f_star=False)
    return TITLES.get(twin[1], name) if twin is not None else name


def no_f_star_sentence(c: Campaign) -> str:
    """The objectives without f*, grouped by :func:`no_f_star_reason`:
    ``cubic, tanh (no minimum); xcos (local minima only, no global f*; unbounded below)``."""
    groups: dict[str, list[str]] = {}
    for o in c.objectives():
        if not has_f_star(c, o):
            groups.setdefault(no_f_star_reason(c.meta["objectives"].get(o, {})),
                              []).append(c.label(o))
    return "; ".join(f"{', '.join(os_)} ({why})" for why, os_ in groups.items())


def ecdf_costs(c: Campaign, best: Mapping[tuple[str, str], CellStats], *,
               seconds: bool = False) -> dict[str, NDArray[np.float64]]:
    """method → cost to target of every (objective, start, target) pair of its best cells
    (objectives with f* only), NaN where not reached.  ``seconds``: wall seconds to the target,
    ``seconds · hit_cost / cost`` (the whole start's seconds when its cost is 0)."""
    out: dict[str, list[NDArray[np.float64]]] = {}
    for (o, meth), s in best.items():
        if not has_f_star(c, o):
            continue
        m = c.rows(o, meth, s.cell)
        h = c.hit[m]
        if seconds:
            cost = c.cols["cost"][m].astype(float)
            share = np.divide(h, cost[:, None], out=np.zeros_like(h), where=cost[:, None] > 0)
            share[np.isnan(h)] = np.nan
            h = share * c.cols["seconds"][m].astype(float)[:, None]
        out.setdefault(meth, []).append(h.ravel())
    return {k: np.concatenate(v) for k, v in out.items()}


def ecdf_at(costs: ArrayLike, budget: float) -> float:
    """Fraction of all pairs solved within ``budget``: #{i : cost_i ≤ budget} / N."""
    v = np.asarray(costs, dtype=float)
    return float(np.count_nonzero(np.isfinite(v) & (v <= budget)) / max(v.size, 1))


def half_solved_cost(costs: ArrayLike) -> float:
    """The smallest cost at which the ECDF reaches 1/2 (NaN when it never does;
    :func:`analysis.plots.ecdf_crossing`, where the ECDF figures mark it)."""
    from analysis.plots import ecdf_crossing

    return ecdf_crossing(costs, 0.5)


def f_cost(meta: Mapping[str, Any]) -> float:
    """The weight of one evaluation of f (``cost_weights.f`` of the spec; 1 when unset)."""
    return float((meta.get("cost_weights") or {}).get("f") or 1.0)


def floored_measure(t: ArrayLike, floor: float = 1.0) -> NDArray[np.float64]:
    """A profile's measure ``t' = max(t, floor)``: a target met at the start costs nothing
    (an aRT estimated as the run's cost × k/K averages to under one evaluation when some
    starts meet it at k = 0), yet the ratio needs a positive measure: ``floor`` is one
    evaluation of f, the cost of seeing that a start already meets the target."""
    return np.maximum(np.asarray(t, dtype=float), floor)


def performance_ratios(t: ArrayLike, floor: float = 1.0) -> NDArray[np.float64]:
    """Dolan–Moré ratios of a P × S table of measures (∞ = failed): ``r = t' / min_s t'``
    with ``t'`` the :func:`floored_measure`; a problem no method solved has r = ∞ for every
    method."""
    T = floored_measure(t, floor)
    best = np.min(np.where(np.isfinite(T), T, np.inf), axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(T) & np.isfinite(best), T / best, np.inf)


def performance_profile(ratios: ArrayLike, taus: ArrayLike) -> NDArray[np.float64]:
    """``ρ_s(τ) = #{p : r_{p,s} ≤ τ} / #P`` as an S × len(taus) array; a failure (r = ∞)
    never counts, also at τ = ∞ (then ρ is the share of problems the method solved)."""
    R = np.asarray(ratios, dtype=float)
    tau = np.asarray(taus, dtype=float)
    ok = np.isfinite(R)[:, :, None] & (R[:, :, None] <= tau[None, None, :])
    return ok.sum(axis=0) / max(R.shape[0], 1)


def profile_table(c: Campaign, best: Mapping[tuple[str, str], CellStats]
                  ) -> tuple[list[tuple[str, float]], list[str], NDArray[np.float64]]:
    """(problems (objective, Δ), methods, P × S table of measures) for the performance
    profile: each method's aRT in its best cell, never below one evaluation of f
    (:func:`floored_measure` with :func:`f_cost`), as the profiles' page says."""
    methods = c.methods()
    problems, rows = [], []
    for o in c.objectives():
        if not has_f_star(c, o):
            continue
        for j, delta in enumerate(c.targets):
            row = []
            for meth in methods:
                s = best.get((o, meth))
                if s is None:
                    row.append(math.inf)
                    continue
                m = c.rows(o, meth, s.cell)
                row.append(average_running_time(c.hit[m, j], c.cols["cost"][m]))
            problems.append((o, float(delta)))
            rows.append(row)
    T = np.asarray(rows, dtype=float).reshape(len(rows), len(methods))
    return problems, methods, floored_measure(T, f_cost(c.meta))


# ============================================================================ stability


@dataclass
class MinimumCurvature:
    """A known minimum, the Hessian's eigenvalues there and how they were obtained."""

    point: list[float]
    eigenvalues: list[float]
    hessian: NDArray[np.float64]
    how: str

    @property
    def L(self) -> float:
        return float(max(self.eigenvalues))


#: where the minima of an objective whose spec lists none but gives f* come from
SOLVED_MINIMA = "found by the exact solve of ∇f = 0"


def solved_minima(info: Mapping[str, Any], rel: float = 1e-9) -> list[list[float]]:
    """The global minimizers of an objective that lists no minima but gives f*: the critical
    points in its box from the project's exact solve of ∇f = 0
    (:func:`landscape.critical.find_critical_points`, a polynomial gradient only) that are
    minima with |f − f*| ≤ ``rel``·max(1, |f*|); empty when ∇f is not polynomial, the
    solve is not exact or finds no such point."""
    from landscape import Objective

    f_star = info.get("f_star")
    if f_star is None or info.get("minima") or not info.get("formula"):
        return []
    dim = info.get("dim")
    obj = Objective.parse(info["formula"], params=dict(info.get("params") or {}),
                          dim=None if dim is None else int(dim))
    if not all(g.is_polynomial(*obj.variables) for g in obj.gradient_list):
        return []
    pts = obj.critical_points(box=info.get("box"))
    if pts.method != "exact":
        return []
    tol = rel * max(1.0, abs(float(f_star)))
    return [[float(v) for v in p.point] for p in pts
            if p.kind == "minimum" and abs(p.value - float(f_star)) <= tol]


def minimum_curvatures(formula: str, dim: int | None, minima: Sequence[Sequence[float]],
                       params: Mapping[str, Any] | None = None,
                       where: str = "the objective's known minimum") -> list[MinimumCurvature]:
    """Eigenvalues of ∇²f at each known minimum (compiled Hessian, through
    :func:`analysis.sweeps.sweep_minimizer` with the minimum given); the formula is parsed by
    the project's parser with its ``params`` and ``dim`` as campaign.json lists them;
    ``where`` says where the minima come from."""
    from analysis.sweeps import sweep_minimizer
    from landscape import Objective

    obj = Objective.parse(formula, params=dict(params or {}),
                          dim=None if dim is None else int(dim))
    out = []
    for p in minima:
        x = np.asarray(p, dtype=float)
        sp = sweep_minimizer(obj, x, minimizer=x)
        out.append(MinimumCurvature([float(v) for v in x],
                                    [float(v) for v in sp.eigenvalues], sp.hessian,
                                    f"numeric: eigenvalues of the compiled Hessian at {where}"))
    return out


def cell_threshold(method: str, hyper: Mapping[str, Any],
                   curvatures: Sequence[MinimumCurvature]) -> tuple[float | None, str]:
    """Largest stable η of a cell: the largest of
    :func:`analysis.sweeps.predicted_lr_threshold` over the known minima, and its formula."""
    from analysis.sweeps import predicted_lr_threshold

    best, formula = None, "no known minimum"
    for mc in curvatures:
        thr, formula = predicted_lr_threshold(method, hyper, mc.eigenvalues, mc.hessian)
        if thr is not None and (best is None or thr > best):
            best = thr
    return best, formula


@dataclass
class StabilityCheck:
    """Predicted against measured stability over a method's grid on one objective."""

    objective: str
    method: str
    cells: list[str]
    lr: NDArray[np.float64]
    threshold: NDArray[np.float64]
    predicted: NDArray[np.bool_]
    measured: NDArray[np.bool_]
    formula: str
    curvatures: list[MinimumCurvature]
    notes: list[str] = field(default_factory=list)
    #: each cell's hyperparameters as run (grid values and defaults)
    hypers: list[dict[str, Any]] = field(default_factory=list)
    #: the minima are not listed in the spec but found by the exact solve (:func:`solved_minima`)
    solved: bool = False

    @property
    def agree(self) -> NDArray[np.bool_]:
        return self.predicted == self.measured

    @property
    def away(self) -> NDArray[np.bool_]:
        """Cells whose η is more than :data:`BOUNDARY_BAND` from the threshold."""
        return np.abs(self.lr / self.threshold - 1.0) > BOUNDARY_BAND

    def share(self, among: NDArray[np.bool_] | None = None) -> float:
        m = np.ones_like(self.agree) if among is None else among
        return float(self.agree[m].mean()) if m.any() else math.nan

    def to_json(self) -> dict[str, Any]:
        return {"objective": self.objective, "method": self.method, "cells": self.cells,
                "lr": self.lr, "threshold": self.threshold, "predicted_stable": self.predicted,
                "measured_stable": self.measured, "formula": self.formula,
                "agree": self.share(), "agree_away_from_boundary": self.share(self.away),
                "L": [mc.L for mc in self.curvatures],
                "minima": [mc.point for mc in self.curvatures],
                "minima_solved": self.solved}


def stability_check(c: Campaign, objective: str, method: str,
                    curvatures: Sequence[MinimumCurvature]) -> StabilityCheck | None:
    """The check on every cell with an ``lr`` (None when the theory has no threshold for any
    cell, or the grid has no lr)."""
    cells, lrs, thrs, meas, formula, hypers = [], [], [], [], "", []
    for cell in grid_sorted(c.cells(objective, method)):
        m = c.rows(objective, method, cell)
        hyper = json.loads(c.cols["hyper"][m][0])
        if "lr" not in hyper:
            continue
        thr, formula = cell_threshold(method, hyper, curvatures)
        if thr is None:
            continue
        cells.append(cell)
        hypers.append(hyper)
        lrs.append(float(hyper["lr"]))
        thrs.append(thr)
        meas.append(not diverged(c.cols["status"][m], c.cols["fun"][m]).any())
    if not cells:
        return None
    lr, thr = np.asarray(lrs), np.asarray(thrs)
    return StabilityCheck(objective, method, cells, lr, thr, lr < thr, np.asarray(meas),
                          formula, list(curvatures), hypers=hypers)


# ============================================================================ where starts end


def ended_counts(minimum: ArrayLike, status: ArrayLike, f: ArrayLike
                 ) -> tuple[dict[int, int], int, int]:
    """(known-minimum index → starts that reached it, starts that reached none without
    diverging, starts that diverged)."""
    mi = np.asarray(minimum, dtype=int)
    div = diverged(status, f)
    reached = {int(k): int(np.count_nonzero((mi == k) & ~div))
               for k in np.unique(mi[(mi >= 0) & ~div])}
    return reached, int(np.count_nonzero((mi < 0) & ~div)), int(np.count_nonzero(div))


# ============================================================================ the document


def _cell_axes(cell: str) -> dict[str, float]:
    """``"lr=0.01,momentum=0.9"`` → {"lr": 0.01, "momentum": 0.9} (empty for no grid)."""
    out = {}
    for part in filter(None, cell.split(",")):
        k, _, v = part.partition("=")
        try:
            out[k.strip()] = float(v)
        except ValueError:
            continue
    return out


def grid_sorted(cells: Iterable[str]) -> list[str]:
    """Cells in the grid's order: by their values in the order the cell writes them
    (``lr=0.05,momentum=0`` before ``lr=0.1,momentum=0`` before ``lr=0.1,momentum=0.5``),
    not the store's order (the order its tasks finished)."""
    return sorted(cells, key=lambda cell: tuple(_cell_axes(cell).values()))


def _hit_how(meta: Mapping[str, Any]) -> str | None:
    """How campaign.json says the cost to a target was obtained (``cost_how.hit_cost``)."""
    how = meta.get("cost_how")
    return how.get("hit_cost") if isinstance(how, Mapping) else None


def hit_how(meta: Mapping[str, Any]) -> str:
    """The provenance (a key of :data:`analysis.pages.HOW`) of a cost to a target and of what
    is computed from it (ECDF costs, aRT, profiles): ``measured`` only when campaign.json says
    the store's ``hit_cost`` is exact or measured, else ``estimated`` (cost·k/nit)."""
    how = (_hit_how(meta) or "").lower()
    return "measured" if how.startswith(("exact", "measured")) else "estimated"


def art_how(art: float, meta: Mapping[str, Any]) -> str:
    """The provenance of an aRT: that of the costs to a target (:func:`hit_how`), except an aRT
    of ∞, which is exact whatever the costs were: no start reached the target (measured)."""
    return "measured" if math.isinf(art) else hit_how(meta)


def mostly_diverged(diverged: int, starts: int) -> bool:
    """More than half of a cell's starts diverged."""
    return 2 * int(diverged) > int(starts)


#: the store's estimate of the cost to a target (campaign.json: ``cost·k/nit``) as the pages
#: write it, after :data:`ESTIMATE_DEFINED` on the title page
ESTIMATE_WORDS = "the run's cost × k/K"
#: where the title page defines k and K of :data:`ESTIMATE_WORDS`
ESTIMATE_DEFINED = ", k the first of the run's K iterations that reached the target"
#: marks a best aRT whose cell diverged on most starts (:func:`diverged_best`)
DIVERGED_MARK = "†"
#: marks a method's ρ(1) in the profile table that counts problems where its best cell
#: diverged on most starts; not :data:`DIVERGED_MARK`, which on the same page marks the
#: best-cell table's aRT: one mark, one meaning
PROFILE_DIVERGED_MARK = "‡"
#: why a best aRT from a cell where most starts diverged is qualified
DIVERGED_ART_WHY = "a diverged run stops early and costs little, which lowers the aRT"


def diverged_best(problems: Sequence[tuple[str, float]], methods: Sequence[str],
                  ratios: ArrayLike, counts: Mapping[tuple[str, str], tuple[int, int]]
                  ) -> NDArray[np.bool_]:
    """P × S: method s has the smallest aRT on problem p (r = 1), yet its best cell on p's
    objective diverged on most of its starts (:func:`mostly_diverged`; ``counts``:
    (objective, method) → (diverged, starts) of the best cell).  A diverged run stops early
    and costs little, so such a cell can have the smallest aRT: wherever the report credits
    a best aRT it qualifies these."""
    R = np.asarray(ratios, dtype=float).reshape(len(problems), len(methods))
    bad = np.array([[(o, m) in counts and mostly_diverged(*counts[o, m]) for m in methods]
                    for o, _ in problems], dtype=bool).reshape(R.shape)
    return (R <= 1.0) & bad


def best_counts(best: Mapping[tuple[str, str], CellStats]
                ) -> dict[tuple[str, str], tuple[int, int]]:
    """(objective, method) → (diverged, starts) of its best cell, as :func:`diverged_best`
    reads them."""
    return {k: (s.diverged, s.starts) for k, s in best.items()}


def diverged_best_targets(profile: Mapping[str, Any] | None,
                          best: Mapping[tuple[str, str], CellStats]
                          ) -> dict[tuple[str, str], int]:
    """(objective, method) → the number of the objective's problems (targets) where the
    method is credited with the smallest aRT from a best cell that diverged on most starts
    (:func:`diverged_best` over the profile's ``problems``, ``methods`` and ``ratios``);
    only the pairs with at least one.  The best-cell table marks their aRT with
    :data:`DIVERGED_MARK`."""
    if not profile or not len(profile["problems"]):
        return {}
    problems, methods = profile["problems"], profile["methods"]
    hit = diverged_best(problems, methods, profile["ratios"], best_counts(best))
    out: dict[tuple[str, str], int] = {}
    for (o, _), row in zip(problems, hit, strict=True):
        for m, h in zip(methods, row, strict=True):
            if h:
                out[o, m] = out.get((o, m), 0) + 1
    return out


def diverged_best_text(k: int, problems: Sequence[tuple[str, float]], methods: Sequence[str],
                       ratios: ArrayLike, counts: Mapping[tuple[str, str], tuple[int, int]],
                       labels: Mapping[str, str] | None = None) -> str:
    """The qualification of method k's problems where it is best (:func:`diverged_best`):
    ``but on all 9 its best cell diverged on most starts (beale: 168 of 200; a diverged run
    stops early and costs little, which lowers the aRT)``, ``on 3 of them`` when not all;
    empty when there is none.  ``labels``: objective → how the page names it."""
    R = np.asarray(ratios, dtype=float).reshape(len(problems), len(methods))
    hit = diverged_best(problems, methods, R, counts)[:, k]
    n, best = int(hit.sum()), int((R[:, k] <= 1.0).sum())
    if not n:
        return ""
    objs = sorted({o for (o, _), h in zip(problems, hit, strict=True) if h})
    which = f"on all {n}" if n == best else f"on {n} of them"
    m = methods[k]
    return (f"but {which} its best cell diverged on most starts ("
            + ", ".join(f"{(labels or {}).get(o, o)}: {counts[o, m][0]} of {counts[o, m][1]}"
                        for o in objs)
            + f"; {DIVERGED_ART_WHY})")


def _of_all(n: int, total: int) -> str:
    """``all 30`` when ``n`` is every one of ``total``, else ``26 of 30``."""
    return f"all {total}" if n == total else f"{n} of {total}"


def weights_text(weights: Mapping[str, float] | None) -> str:
    """The cost weights a ranking by cost rests on, said where the ranking is:
    `` with c_f = 1, c_g = 1, c_h = 1, so that a gradient or a Hessian costs as much as one
    f (weights set in the spec: assumed, not measured)`` (empty without weights)."""
    if not weights:
        return ""
    w = {k: float(weights.get(k, 1.0)) for k in ("f", "g", "h")}
    text = weights_list(w)
    same = [name for k, name in (("g", "a gradient"), ("h", "a Hessian")) if w[k] == w["f"]]
    if same:
        text += f", so that {' or '.join(same)} costs as much as one f"
    return f" with {text} ({ASSUMED_WEIGHTS})"


def weights_list(weights: Mapping[str, Any]) -> str:
    """``c_f = 1, c_g = 1, c_h = 1``: the cost weights as every page prints them (``—`` for
    one the store does not give)."""
    from analysis.report import fmt_num

    return ", ".join(f"c_{k} = " + ("—" if weights.get(k) is None
                                     else fmt_num(float(weights[k])))
                     for k in ("f", "g", "h"))


def target_text(v: float) -> str:
    """A target Δ as every page prints it: a power of ten below 1 as ``10⁻⁶``, whatever its
    size (:func:`~analysis.report.power_text`), so that ``0.0001`` and ``1e−05`` never stand
    in one list."""
    from analysis.report import power_text

    return power_text(float(v), small=True)


#: where a campaign's cost weights come from: its spec, not a timing of the kernels
ASSUMED_WEIGHTS = "weights set in the spec: assumed, not measured"


def tied_best_text(problems: Sequence[tuple[str, float]], methods: Sequence[str],
                   ratios: ArrayLike, labels: Mapping[str, str] | None = None) -> str:
    """Why the "best on" counts add to more than the problems: on a problem where several
    methods have r = 1 (equal smallest aRT) each counts as best, so Σ_s #{p : r_{p,s} ≤ 1}
    exceeds #P by Σ_p (#{s : r_{p,s} ≤ 1} − 1).  Empty when there is no tie, e.g.
    `` The best-on counts add to 41 of 40 problems: on (quadratic, Δ = 10) GD and momentum
    tie (equal aRT), and each counts as best.`` (at most three problems named)."""
    from analysis.report import _names

    R = np.asarray(ratios, dtype=float)
    if R.size == 0:
        return ""
    best = R <= 1.0
    tied = [p for p in range(R.shape[0]) if best[p].sum() > 1]
    if not tied:
        return ""
    total = int(best.sum())
    shown = [f"({(labels or {}).get(problems[p][0], problems[p][0])}, "
             f"Δ = {target_text(problems[p][1])}) "
             f"{_names([method_label(methods[k]) for k in np.flatnonzero(best[p])])}"
             for p in tied[:3]]
    more = f"; and {len(tied) - 3} more" if len(tied) > 3 else ""
    return (f" The best-on counts add to {total} of {R.shape[0]} problems: on "
            + "; on ".join(shown) + more
            + " tie"
            + " (equal aRT), and each counts as best.")


def summary_lines(data: Mapping[str, Any], labels: Mapping[str, str] | None = None
                  ) -> list[str]:
    """The title page's findings, from the numbers the sections put in the report's data;
    ``labels``: objective → how the page names it (:meth:`Campaign.label`).  The first
    use of ECDF and COCO/BBOB in the document defines them; aRT and the weights it rests on
    are defined in a line of their own, before the line that ranks the methods by it."""
    from analysis.plots import BBOB_WORDS, ECDF_WORDS
    from analysis.report import fmt_num, plural

    out = []
    prof = data.get("profile")
    if prof and len(prof["problems"]):
        R = np.asarray(prof["ratios"], dtype=float)
        methods, problems = prof["methods"], prof["problems"]
        cells = data.get("best_cells", {})
        counts = {(o, m): (int(v["diverged"]), int(v["starts"]))
                  for o, _ in problems for m in methods if (v := cells.get(f"{o}/{m}"))}
        best = (R <= 1.0).sum(axis=0)
        best_bad = diverged_best(problems, methods, R, counts).sum(axis=0)
        solved = np.isfinite(R).sum(axis=0)
        # the leader: the most problems where it is best without most of its starts diverged
        i = max(range(len(methods)), key=lambda k: (best[k] - best_bad[k], best[k]))

        def qualified(k: int) -> str:
            text = diverged_best_text(k, problems, methods, R, counts, labels)
            return f", {text}" if text else ""

        # the definition its own bullet, so that the finding reads on from its subject
        out.append(f"aRT (average running time, as in {BBOB_WORDS}): the expected cost to "
                   "reach the target, in weighted evaluations"
                   f"{weights_text(data.get('cost_weights'))}.")
        out.append(f"{method_label(methods[i])} has the smallest aRT "
                   f"on {int(best[i])} of "
                   f"{plural(R.shape[0], 'problem')} (objective, target){qualified(i)}; it "
                   f"solves {_of_all(int(solved[i]), R.shape[0])} (a problem is solved "
                   "when some start reaches its target, so that its aRT is finite; not every "
                   "start need reach it"
                   + ("; it is named first: the most problems where a method is best without "
                      "most of its starts diverged" if best[i] < best.max() else "") + "). "
                   + "; ".join(f"{method_label(m)}: best on {int(best[k])}{qualified(k)}, solves "
                               f"{int(solved[k])}" for k, m in enumerate(methods) if k != i)
                   + "." + tied_best_text(problems, methods, R, labels))
    ecdf = data.get("ecdf")
    if ecdf:
        half = {m: v["half_cost"] for m, v in ecdf.items() if math.isfinite(v["half_cost"])}
        if half:
            m = min(half, key=half.get)
            how = data.get("hit_how", "estimated")
            out.append(f"The {ECDF_WORDS} over cost reaches ½ soonest for {method_label(m)}: "
                       "half of its "
                       "(objective, start, target) pairs are solved within a weighted cost of "
                       f"{fmt_num(half[m])} ({how}"
                       + (f": {ESTIMATE_WORDS}" if how == "estimated" else "") + ").")
    st = data.get("stability")
    if st:
        agree = sum(int(np.sum(np.asarray(k["predicted_stable"]) ==
                               np.asarray(k["measured_stable"]))) for k in st)
        cells = sum(len(k["cells"]) for k in st)
        out.append(f"The theory's step-size boundary agrees with the measured stability in "
                   f"{agree} of {plural(cells, 'cell')}. {grids_text(st, labels)}")
    return out


def grids_text(checks: Sequence[Mapping[str, Any]], labels: Mapping[str, str] | None = None
               ) -> str:
    """The method grids a stability count rests on, by method, in plain sentences: ``They are
    the cells of 3 method grids: momentum on Beale, Himmelblau and Rosenbrock. These
    objectives have known minima, where L is taken.`` and, when some minima were solved for,
    ``For quadratic, the known minima were found by the exact solve of ∇f = 0.``
    (``checks``: the report's data ``stability``; ``labels``: objective → its name)."""
    from analysis.report import _names, plural

    by: dict[str, list[str]] = {}
    for k in checks:
        by.setdefault(str(k["method"]), []).append(
            (labels or {}).get(k["objective"], k["objective"]))
    which = "; ".join(f"{method_label(m)} on {_names(objs)}" for m, objs in by.items())
    solved = list(dict.fromkeys((labels or {}).get(k["objective"], k["objective"])
                                for k in checks if k.get("minima_solved")))
    return (f"They are the cells of {plural(len(checks), 'method grid')}: {which}. These "
            "objectives have known minima, where L is taken."
            + (f" For {_names(solved)}, the known minima were {SOLVED_MINIMA}." if solved
               else ""))


def objective_text(name: str, o: Mapping[str, Any] | None) -> str:
    """An objective as the title page defines it: its name, formula with the values of its
    parameters, and box, typeset as running text (``xcos: f = x·cos(c·x), c = 0.15·pi on
    [−20, 20]``: :func:`analysis.pages.inline_math`); the name
    alone when the store does not describe it."""
    from analysis.pages import inline_math
    from analysis.report import box_product

    if not o or not o.get("formula"):
        return name
    params = "".join(f", {k} = {inline_math(v)}" for k, v in (o.get("params") or {}).items())
    box = f" on {box_product(o['box'])}" if o.get("box") is not None else ""
    return f"{name}: f = {inline_math(o['formula'])}{params}{box}"


def targets_text(c: Campaign) -> str:
    """The title page's targets, with f* defined and the objectives without one said, so that
    the count of problems (objective, target) that follows reads: ``Targets Δ on f − f*, f*
    the objective's known global minimum value: 10, 1, …; the reference target is Δ_ref =
    1e−06.  x·cos(cx) has no known f* (local minima only, …) and is left out of the targets:
    3 objectives × 10 targets = 30 problems.``"""
    with_f = [o for o in c.objectives() if has_f_star(c, o)]
    t = len(c.targets)
    text = ("Targets Δ on f − f*, f* the objective's known global minimum value: "
            + ", ".join(target_text(v) for v in c.targets)
            + f"; the reference target is Δ_ref = "
            f"{target_text(c.targets[reference_index(c.targets)])}.")
    if len(with_f) < len(c.objectives()):
        text += (f"  Without a known f*, left out of the targets: {no_f_star_sentence(c)}"
                 f"; the {plural(len(with_f), 'objective')} with f* give "
                 f"{len(with_f)} × {t} = {plural(len(with_f) * t, 'problem')} "
                 "(objective, target).")
    return text


def starts_text(meta: Mapping[str, Any]) -> str:
    """How the starts were drawn: the same ``starts`` points per seed for every (objective,
    method, cell), uniform in the objective's box (:mod:`analysis.campaign.tasks`)."""
    seeds = list(meta.get("seeds") or [])
    n = meta.get("starts")
    return (f"Starts: {plural(int(n), 'start') if n is not None else 'the starts'} per seed "
            f"({plural(len(seeds), 'seed', count=False)} {', '.join(map(str, seeds))}), drawn "
            "uniformly in the objective's box from the seed's random stream; every method and "
            "cell of an objective runs from the same starts.")


def _title_page(b: Any, c: Campaign, title: str | None) -> None:
    from analysis.pages import SMALL, how_lines
    from analysis.report import plural, versions

    d = b.doc
    d.heading(title or "Campaign report", level=0, numbered=False)
    meta = c.meta
    w = meta.get("cost_weights", {})
    facts = [
        f"Store: {c.root.name}/ — {c.n} rows (one per start) in {c.parts} part files; "
        f"spec hash {str(meta.get('spec_hash', '—'))[:16]}.",
        f"Objectives ({len(c.objectives())}): "
        + "; ".join(objective_text(c.label(o), meta.get("objectives", {}).get(o))
                    for o in c.objectives())
        + ".",
        starts_text(meta),
        f"Methods ({len(c.methods())}), each run on every cell of its hyperparameter grid "
        "(a cell: one combination of the grid's values, all starts run with it): " + ", ".join(
            f"{method_label(m)} ({plural(max(len(c.cells(o, m)) for o in c.objectives()), 'cell')})"
            for m in c.methods()) + ".",
        targets_text(c),
        "Cost of a run: weighted evaluations c_f·(evaluations of f) + c_g·(evaluations of "
        f"∇f) + c_h·(evaluations of ∇²f), with {weights_list(w)}; cost to a target: "
        + (f"estimated, {ESTIMATE_WORDS}{ESTIMATE_DEFINED} (the "
           "counts per iteration are not recorded)." if hit_how(meta) == "estimated" else
           "measured."),
    ]
    d.bullets(facts, size=SMALL + 0.5)
    found = summary_lines(b.data, {o: c.label(o) for o in c.objectives()})
    if found:
        d.paragraph("In short", weight="bold", size=SMALL + 0.5, after=2.0, before=4.0)
        d.bullets(found, size=SMALL + 0.5)
    d.paragraph("How each number was obtained (marker after the number):", weight="bold",
                size=SMALL + 0.5, after=2.0, before=4.0)
    used = {n.how for n in b.ledger}  # the markers this report's numbers carry
    d.bullets(how_lines(used or None), size=SMALL + 0.5)
    d.paragraph(f"Generated by {versions()}.", size=SMALL)
    d.paragraph("Contents", weight="bold", before=6.0, after=3.0)
    d.contents()
    d.page_break()


def column_like(values: Iterable[float], digits: int = 4) -> str:
    """The text of the number of a column of costs that shows the most significant digits
    (:func:`analysis.report.fmt_num` to ``digits``; :func:`analysis.report.significant_digits`),
    which every cell of the column is set like (``like`` of :func:`analysis.report.cell`):
    one form down a column and for one cost wherever it prints (36 beside 38.08 reads 36.00,
    in the table of costs at ½ as in the best cells)."""
    from analysis.report import fmt_num, significant_digits

    return max((fmt_num(x, digits) for x in values), key=significant_digits, default="")


def _ecdf_section(b: Any, c: Campaign, best: Mapping[tuple[str, str], CellStats]) -> None:
    from analysis.campaign.figures import SHARE_DIGITS, tidy_log_x
    from analysis.plots import ecdf_apart_text, ecdf_end_text, plot_ecdf
    from analysis.report import Column, cell, column_decimals, column_scientific, mark

    d = b.doc
    d.heading("Cost to reach a target (ECDF)")
    cost = ecdf_costs(c, best)
    secs = ecdf_costs(c, best, seconds=True)
    no_f = [o for o in c.objectives() if not has_f_star(c, o)]
    d.paragraph(
        "For each method, every (objective, start, target) pair of its best cell on each "
        f"objective ({len(c.targets)} targets Δ = {target_text(c.targets[0])} … "
        f"{target_text(c.targets[-1])} on "
        "f − f*): the fraction of pairs solved within a cost, the empirical cumulative "
        "distribution function (ECDF) of the cost as drawn on the COCO platform. "
        "A pair is solved at the first iterate with f − f* ≤ Δ; unsolved pairs never count, "
        "so a curve that ends below 1 left pairs unsolved."
        + (f" Objectives without a known f* have no targets and are left out: "
           f"{no_f_star_sentence(c)}." if no_f else ""))
    if not cost:
        d.paragraph("No objective of the campaign has a known f*: there is no ECDF to draw.")
        return
    d.figure(lambda fig: tidy_log_x(plot_ecdf(
                 by_label(cost), xlabel="weighted evaluations to the target (log)",
                 ylabel="fraction of pairs solved", title="ECDF over cost", apart=True,
                 half=True, fig=fig)),
             height=300, half=True, label="ecdf-cost",
             caption="Weighted evaluations to the target: "
                     + (f"{ESTIMATE_WORDS}{ESTIMATE_DEFINED} "
                        "(estimated: the counts per iteration are not recorded)."
                        if hit_how(c.meta) == "estimated" else
                        "measured counts, weights as set.") + ecdf_apart_text(cost, half=True)
                     + ecdf_end_text(cost))
    d.figure(lambda fig: tidy_log_x(plot_ecdf(
                 by_label(secs), xlabel="wall seconds to the target (log)",
                 ylabel="fraction of pairs solved", title="ECDF over time", apart=True,
                 half=True, fig=fig)),
             height=300, half=True, label="ecdf-time",
             caption="Wall seconds to the target: a start's measured seconds (task time / "
                     "starts) × the fraction of its weighted evaluations spent up to the "
                     "target (estimated).  A task's time includes its fixed "
                     "overhead (set-up, writing its part), so cheap starts in small tasks look "
                     "slow here: rank methods by the cost panel."
                     + ("  Curves drawn in decreasing widths, marked on a few data points "
                        "and where they reach ½, and continued by pale lines as in the cost "
                        "panel."
                        if ecdf_apart_text(secs, half=True) == ecdf_apart_text(cost, half=True)
                        else ecdf_apart_text(secs, half=True) + ecdf_end_text(secs)))
    rows = []
    sec = "ECDF"
    half = {m: half_solved_cost(v) for m, v in cost.items()}
    half_s = {m: half_solved_cost(secs[m]) for m in cost}
    like, like_s = column_like(half.values()), column_like(half_s.values(), 3)
    sci, sci_s = column_scientific(half.values()), column_scientific(half_s.values(), 3)
    shares = {m: np.count_nonzero(np.isfinite(v)) / v.size for m, v in cost.items()}
    places = column_decimals(shares.values(), SHARE_DIGITS)
    for m, v in cost.items():
        solved = int(np.count_nonzero(np.isfinite(v)))
        rows.append([method_label(m), mark(f"{solved}/{v.size}", "measured"),
                     cell(b, sec, m, "share of pairs solved", shares[m], "measured",
                          SHARE_DIGITS, decimals=places),
                     cell(b, sec, m, "cost where half the pairs are solved", half[m],
                          hit_how(c.meta), like=like, sci=sci),
                     cell(b, sec, m, "seconds where half the pairs are solved", half_s[m],
                          "estimated", 3, like=like_s, sci=sci_s)])
    d.table([Column("method"), Column("pairs solved", "r"), Column("share", "r"),
             Column("cost at ½ solved", "r"), Column("seconds at ½ solved", "r")], rows,
            title="Pairs solved and the cost at which the ECDF reaches ½ (— never)")
    b.data["ecdf"] = {m: {"pairs": int(v.size), "solved": int(np.isfinite(v).sum()),
                          "half_cost": half_solved_cost(v)} for m, v in cost.items()}


#: The ratios τ at which the profile table gives each method's ρ(τ).
PROFILE_TAUS = (1.0, 2.0, 10.0, math.inf)


def _profile_section(b: Any, c: Campaign, best: Mapping[tuple[str, str], CellStats]) -> None:
    from analysis.campaign.figures import SHARE_DIGITS, profile_limit, tidy_log_x
    from analysis.plots import ecdf_apart_text, ecdf_end_text, plot_ecdf
    from analysis.report import Column, cell, column_decimals

    d = b.doc
    d.heading("Performance profiles")
    problems, methods, T = profile_table(c, best)
    d.paragraph(
        "Dolan–Moré profiles over the problems p = (objective, target Δ) with a known f*. "
        "The measure of method s on p is its aRT (average running time, as in COCO/BBOB) in "
        "its best cell: the weighted cost that all its starts spent until each reached Δ "
        "(the whole run for a start that never did), divided by the number of starts that "
        "reached Δ, never taken below one evaluation of f (the cost of seeing that a start "
        "already meets the target). r = aRT / the best method's aRT on p, and ρ_s(τ) is the "
        "share of problems with r ≤ τ: ρ_s(1) is the share where s is best, and the "
        "curve's right end the share s solves at all.")
    if T.size == 0:
        d.paragraph("No problem with a known f*: no profile.")
        return
    R = performance_ratios(T, f_cost(c.meta))
    ratios = {m: R[:, i] for i, m in enumerate(methods)}  # ρ_s is the ECDF of r_{p,s}
    counts = best_counts(best)
    # a method credited at ρ(1) with problems where its best cell diverged on most starts
    qualified = {k: (m, int((R[:, k] <= 1.0).sum()), text) for k, m in enumerate(methods)
                 if (text := diverged_best_text(k, problems, methods, R, counts,
                                                {o: c.label(o) for o in c.objectives()}))}
    d.figure(lambda fig: tidy_log_x(plot_ecdf(
                 by_label(ratios), budget=profile_limit(R), solved="solves",
                 xlabel="performance ratio τ (aRT / best aRT, log scale)",
                 ylabel="share of problems ρ(τ)", title="Performance profiles (Dolan–Moré)",
                 apart=True, anchor=True, fig=fig)),
             height=290, label="profile",
             caption=f"Performance profiles over {len(problems)} problems "
                     f"({len(problems) // max(1, len(c.targets))} objectives × "
                     f"{len(c.targets)} targets); aRT {hit_how(c.meta)}"
                     + (f" (from the cost to each target, {ESTIMATE_WORDS})." if
                        hit_how(c.meta) == "estimated" else ".")
                     + "".join(f" ρ(1) of {method_label(m)} counts the {n} problems where "
                               "it is best, "
                               f"{text}." for m, n, text in qualified.values())
                     + ecdf_apart_text(ratios, anchor=True)
                     + ecdf_end_text(ratios))
    taus = np.array(PROFILE_TAUS)
    rho = performance_profile(R, taus)
    sec = "performance profile"
    # ρ(∞) counts the problems solved (measured); a finite τ compares aRTs
    places = [column_decimals(rho[:, k], SHARE_DIGITS) for k in range(len(taus))]
    rows = [[method_label(m)] + [cell(b, sec, m, f"rho(tau={t:g})", rho[i, k],
                                      "measured" if np.isinf(t) else hit_how(c.meta),
                                      SHARE_DIGITS, decimals=places[k])
                                 + (PROFILE_DIVERGED_MARK if t == 1.0 and i in qualified
                                    else "")
                                 for k, t in enumerate(taus)] for i, m in enumerate(methods)]
    d.table([Column("method"), Column("ρ(1): best", "r"), Column("ρ(2)", "r"),
             Column("ρ(10)", "r"), Column("ρ(∞): solved", "r")], rows,
            title="Profile values (share of problems)",
            notes=[f"{PROFILE_DIVERGED_MARK} ρ(1) of "
                   + ", ".join(method_label(m) for m, _, _ in qualified.values())
                   + " counts problems where its best cell diverged on most starts (the "
                     "figure's caption above gives how many)."]
            if qualified else ())
    b.data["profile"] = {"problems": problems, "methods": methods, "art": T, "ratios": R}


def _best_section(b: Any, c: Campaign, best: Mapping[tuple[str, str], CellStats],
                  ref: int) -> None:
    from analysis.campaign.figures import SHARE_DIGITS
    from analysis.report import Column, cell, column_decimals, mark

    d = b.doc
    d.heading("Best hyperparameters per objective")
    delta = c.targets[ref]
    credited = diverged_best_targets(b.data.get("profile"), best)
    d.paragraph(
        f"For each objective and method, the grid cell where the most starts reach "
        f"f − f* ≤ Δ_ref = {target_text(delta)} (ties: the smaller aRT, more converged, "
        "fewer diverged, the smaller median cost of the converged). Median cost over the "
        "starts that reached it"
        + (f" (estimated: {ESTIMATE_WORDS})" if hit_how(c.meta) == "estimated" else "")
        + "; aRT as in the profiles; converged: status converged (the run met its gradient "
        "tolerance; a run of a fixed number of steps used its budget and is not counted)."
        + ("  Without f* (no target): the best cell is the one where most starts converge, "
           "and the median cost is that of the converged starts."
           if any(not has_f_star(c, o) for o, _ in best) else "")
        + (f"  {tie_note(best.values())}" if any(s.ties > 1 for s in best.values()) else "")
        + (f"  {diverged_best_note(credited, best, len(c.targets), c.label)}" if credited
           else "")
        + symbols_note(s.cell for s in best.values()))
    rows = []
    sec = "best cells"
    at_ref = column_decimals([s.solved for (o, _), s in best.items() if has_f_star(c, o)],
                             SHARE_DIGITS)
    converged = column_decimals([s.converged for s in best.values() if not s.fixed_steps],
                                SHARE_DIGITS)
    med_like = column_like(s.median if has_f_star(c, o) else s.converged_cost
                           for (o, _), s in best.items())
    art_like = column_like(s.art for (o, _), s in best.items() if has_f_star(c, o))
    for (o, m), s in best.items():
        item = f"{o} / {m} / {s.cell or 'defaults'}"
        conv = (f"—{FIXED_MARK}" if s.fixed_steps else
                cell(b, sec, item, "share converged", s.converged, "measured", SHARE_DIGITS,
                     decimals=converged))
        if not has_f_star(c, o):
            rows.append([c.label(o), method_label(m), cell_label(s), "—", conv,
                         cell(b, sec, item, "median cost of the converged starts",
                              s.converged_cost, "measured", like=med_like), "—",
                         mark(f"{s.diverged}/{s.starts}", "measured")])
            continue
        rows.append([c.label(o), method_label(m), cell_label(s),
                     cell(b, sec, item, "share reaching the reference target", s.solved,
                          "measured", SHARE_DIGITS, decimals=at_ref), conv,
                     cell(b, sec, item, "median cost to the reference target", s.median,
                          hit_how(c.meta), like=med_like),
                     cell(b, sec, item, "aRT to the reference target", s.art,
                          art_how(s.art, c.meta), like=art_like)
                     + (DIVERGED_MARK if (o, m) in credited
                                                     else ""),
                     mark(f"{s.diverged}/{s.starts}", "measured")])
    d.table([Column("objective"), Column("method"), Column("best cell", share=1.6),
             Column("share at Δ_ref", "r"), Column("converged", "r"),
             Column("median cost", "r"), Column("aRT", "r"), Column("diverged", "r")], rows,
            title=BEST_TABLE, notes=[FIXED_NOTE] if any(s.fixed_steps for s in best.values())
            else ())
    b.data["best_cells"] = {f"{o}/{m}": vars(s) for (o, m), s in best.items()}


#: The title of the table of known minima.
MINIMA_TABLE = "Known minima (from the objective's suite or the spec)"
#: The title of the table of best cells, by which later text refers to it.
BEST_TABLE = "Best cell of each method per objective"
#: the note on :data:`FIXED_MARK`
FIXED_NOTE = (f"{FIXED_MARK} runs of a fixed number of steps: they stop when the steps are "
              "used, never on a gradient tolerance, so ‘converged’ does not apply.")


def tie_note(stats: Any) -> str:
    """What ‘first of n tied’ means (:func:`best_cell`), said in the paragraph that introduces
    a table with tied cells, so that it is on the page of the table's first rows (a table's
    notes are printed where the table ends, a page after rows that use it)."""
    return ("‘First of n tied’: n cells are equal on the share and every tie-break, so the "
            "data do not pick one; the first in the store's order is shown.")


def diverged_best_note(credited: Mapping[tuple[str, str], int],
                       best: Mapping[tuple[str, str], CellStats], targets: int,
                       label: Callable[[str], str] = str) -> str:
    """What :data:`DIVERGED_MARK` on an aRT of the best-cell table means
    (:func:`diverged_best_targets`), said in the paragraph before the table, as the tie note
    is: ``† The smallest aRT, yet most starts diverged (diverging is cheap): momentum on beale
    (9 of 10 targets; 168 of 200 diverged).``; ``label`` names an objective."""
    return (f"{DIVERGED_MARK}\u00a0The smallest aRT, yet most starts diverged (diverging is "
            "cheap): " + "; ".join(
                f"{method_label(m)} on {label(o)} ({n} of {targets} targets; "
                f"{best[o, m].diverged} of "
                f"{best[o, m].starts} diverged)" for (o, m), n in credited.items()) + ".")


def _grid_of(c: Campaign, objective: str, method: str, ref: int,
             check: StabilityCheck | None) -> Any:
    """The :class:`~analysis.campaign.figures.Grid` of a method on an objective (None when
    its grid has no axis or more than two)."""
    from analysis.campaign.figures import Grid

    stats = cell_stats(c, objective, method, ref)
    axes = [_cell_axes(s.cell) for s in stats]
    names = list(dict.fromkeys(k for a in axes for k in a))
    if not names or len(names) > 2:
        return None
    if "lr" in names:
        names.remove("lr")
        names.insert(0, "lr")
    xv = np.unique([a[names[0]] for a in axes if names[0] in a])
    yv = np.unique([a[names[1]] for a in axes if names[1] in a]) if len(names) == 2 else None
    shape = (1 if yv is None else yv.size, xv.size)
    share, div = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    known = has_f_star(c, objective)
    for s, a in zip(stats, axes, strict=True):
        i = 0 if yv is None else int(np.searchsorted(yv, a[names[1]]))
        j = int(np.searchsorted(xv, a[names[0]]))
        share[i, j] = s.solved if known else s.bounded
        div[i, j] = s.diverged > 0
    boundary = None
    if check is not None and names[0] == "lr":
        base = stats[0].hyper

        def boundary(y: float, base: dict = base) -> float | None:
            hyper = dict(base) if yv is None else {**base, names[1]: y}
            if yv is not None and names[1] == "momentum" and not 0.0 <= y < 1.0:
                return None
            return cell_threshold(method, hyper, check.curvatures)[0]

    return Grid(names[0], xv, share, div, None if yv is None else names[1], yv, boundary,
                f"predicted boundary η < {short_formula(check.formula)}" if check else "",
                "share reaching the target" if known else NO_F_STAR_SHARE)


def _solved_minima_of(b: Any, c: Campaign) -> dict[str, list[list[float]]]:
    """objective → its minima :func:`solved_minima` found, for each objective whose spec
    gives f* and lists no minimizer (a failed solve is reported and leaves it out)."""
    solved: dict[str, list[list[float]]] = {}
    for o in c.objectives():
        info = c.meta["objectives"].get(o, {})
        if has_f_star(c, o) and not info.get("minima"):
            with b.guard(f"minima of {o}"):
                solved[o] = solved_minima(info)
    return solved


def _theory_section(b: Any, c: Campaign, ref: int) -> list[StabilityCheck]:
    from analysis.campaign.figures import grid_is_flat, plot_grid

    d = b.doc
    d.heading("Hyperparameter grids and the stability boundary")
    delta = c.targets[ref]
    solved = _solved_minima_of(b, c)
    d.paragraph(
        f"Each grid: the share of starts reaching f − f* ≤ Δ_ref = {target_text(delta)} per cell "
        "(colour and number; a 1-D grid as a line; on an objective without f*, which has no "
        "target, the share of starts that did not diverge), the cells where some start diverged "
        "outlined (measured unstable), and the theory's stability boundary of the step size "
        "at the known minima (η below it: the iteration contracts near the minimum with the "
        "largest threshold). L is the largest eigenvalue of the Hessian at each known "
        "minimum (listed under “Where starts ended”"
        + (f"; or, where the spec gives f* but lists no minimizer, at the minima "
           f"{SOLVED_MINIMA} (a polynomial gradient), named in the grid's caption"
           if any(solved.values()) else "")
        + "), evaluated numerically from the compiled Hessian.")
    checks: list[StabilityCheck] = []
    curv: dict[str, list[MinimumCurvature]] = {}
    drawn = skipped = 0
    flat: list[str] = []
    figs: list[tuple[Any, str, str]] = []
    for o in c.objectives():
        info = c.meta["objectives"].get(o, {})
        for m in c.methods():
            if not c.cells(o, m):
                continue
            with b.guard(f"grid {o} / {m}"):
                chk = None
                minima = info.get("minima") or solved.get(o)
                if minima and o not in curv:
                    curv[o] = minimum_curvatures(
                        info["formula"], info.get("dim"), minima, info.get("params"),
                        where=(f"its minimum {SOLVED_MINIMA}" if solved.get(o)
                               else "the objective's known minimum"))
                if minima:
                    chk = stability_check(c, o, m, curv[o])
                if chk is not None:
                    chk.solved = bool(solved.get(o))
                    checks.append(chk)
                g = _grid_of(c, o, m, ref, chk)
                if g is None:
                    continue
                if grid_is_flat(g):
                    flat.append(flat_grid_sentence(c.label(o), m, g))
                    continue
                if drawn >= MAX_GRID_FIGURES:
                    skipped += 1
                    continue
                drawn += 1
                figs.append((lambda fig, g=g, o=o, m=m: plot_grid(
                                 g, title=f"{c.label(o)}: {method_label(m)}", fig=fig),
                             f"grid-{o}-{m}",
                             _grid_caption(c.label(o), m, g, chk, bool(info.get("minima")),
                                           solved.get(o))))
    if flat:  # said before the figures, which the pages may move on
        d.paragraph("Grids not drawn (one colour, nothing to compare): " + "; ".join(flat)
                    + ".")
    for draw, label, caption in figs:
        d.figure(draw, height=250, half=True, label=label, caption=caption)
    if skipped:
        d.paragraph(f"{skipped} more grids are not drawn (at most {MAX_GRID_FIGURES}); "
                    "their numbers are in the JSON file.")
    if not checks:
        d.paragraph("No method of the campaign has a step-size threshold in the theory on an "
                    "objective with known minima: nothing to check against the grid.")
        return checks
    _stability_table(b, checks, c.label)
    return checks


def away_rule() -> str:
    """The rule of a cell away from the boundary, ``|η/threshold − 1| > 0.1``
    (:data:`BOUNDARY_BAND`), its spaces non-breaking (:func:`analysis.pages.unbroken`): a
    formula, never split over two lines of a note."""
    from analysis.pages import unbroken

    return unbroken(f"|η/threshold − 1| > {BOUNDARY_BAND:g}")


def _stability_table(b: Any, checks: Sequence[StabilityCheck],
                     label: Callable[[str], str] = str) -> None:
    from analysis.campaign.figures import SHARE_DIGITS
    from analysis.report import Column, cell, column_decimals, mark

    d = b.doc
    d.heading("Predicted against measured stability", level=2)
    rows = []
    sec = "stability"
    # each share column at one count of decimals, as section 3's shares (1.000 beside 0.833)
    agree_at = column_decimals([k.share() for k in checks], SHARE_DIGITS)
    away_at = column_decimals([k.share(k.away) for k in checks], SHARE_DIGITS)
    for chk in checks:
        item = f"{chk.objective} / {chk.method}"
        Ls = ", ".join(cell(b, sec, item, f"L at minimum {k}", mc.L, "numeric")
                       for k, mc in enumerate(chk.curvatures[:4]))
        if len(chk.curvatures) > 4:
            Ls += f", … ({len(chk.curvatures)} minima)"
        away = chk.away
        rows.append([label(chk.objective), method_label(chk.method),
                     f"η < {short_formula(chk.formula)}", Ls,
                     mark(f"{int(chk.agree.sum())}/{chk.agree.size}", "measured"),
                     cell(b, sec, item, "share of cells that agree", chk.share(), "measured",
                          SHARE_DIGITS, decimals=agree_at),
                     cell(b, sec, item, "share away from the boundary", chk.share(away),
                          "measured", SHARE_DIGITS, decimals=away_at) + f" ({int(away.sum())})",
                     mark(str(int(np.sum(chk.predicted & ~chk.measured))), "measured"),
                     mark(str(int(np.sum(~chk.predicted & chk.measured))), "measured")])
    d.table([Column("objective"), Column("method"), Column("theory", share=1.7),
             Column("L at the minima", share=1.3), Column("cells agree", "r"),
             Column("share agreeing", "r"),
             Column("share agreeing away from boundary (cells)", "r"),
             Column("stable, diverged", "r"), Column("unstable, none diverged", "r")], rows,
            title="Stability cell by cell: predicted (η below the threshold at some known "
                  "minimum) against measured (no start diverged)",
            notes=[f"‘Share agreeing’: of the grid's cells, those where theory and "
                   f"measurement agree; ‘away from the boundary’: of the cells with "
                   f"{away_rule()}, their number in brackets; "
                   "β = momentum, "
                   "δ = dampening. ‘Stable, diverged’: "
                   "predicted stable, yet a start diverged; ‘unstable, none diverged’: "
                   "predicted unstable, yet no start diverged."])
    if not all(k.agree.all() for k in checks):
        d.paragraph(
            "The threshold is local: it holds near a minimum, where f is close to its quadratic "
            "model. A start far from every minimum meets other curvatures (larger where f "
            "rises faster than that model, so a step below the threshold can still throw it "
            "out), and a step above every "
            "threshold need not diverge where the gradient stays bounded (the iterates wander "
            "or cycle instead). Cells of the last two columns are such cases.")
    total = sum(int(k.agree.sum()) for k in checks)
    cells_n = sum(k.agree.size for k in checks)
    b.findings.append(f"stability boundary: {total}/{cells_n} cells agree with the theory")
    b.data["stability"] = [k.to_json() for k in checks]


def flat_grid_sentence(o: str, m: str, g: Any) -> str:
    """Why a grid of :func:`analysis.campaign.figures.grid_is_flat` is left out:
    ``momentum on tanh, all 9 cells 1 (share of starts not diverged, measured), no start
    diverged`` (the share as the grids and tables print it, :func:`share_text`)."""
    from analysis.campaign.figures import share_text

    v = g.share[np.isfinite(g.share)]
    what = "share reaching Δ_ref" if g.share_label.startswith("share reaching") else \
        "share of starts not diverged"
    div = "a start diverged in every cell" if g.diverged.all() else "no start diverged"
    return (f"{method_label(m)} on {o}, all {v.size} cells {share_text(v[0]) if v.size else '—'} "
            f"({what}, measured), {div}")


#: a hyphen-minus that is an operator or a sign, not a hyphen between two words
#: ("1-τ", "(I-lr", "^-1" but not "step-size")
_OPERATOR_MINUS = re.compile(r"(?<![a-z]{2})-|-(?![a-z]{2})")


#: how a grid's coloured boxes are read against the boundary line drawn across them
CELL_CENTRE_TEXT = ("A cell's box stands for the one value at its centre, the only value run: "
                    "a boundary through the box compares with that value, not with the whole "
                    "box.")


def short_formula(formula: str) -> str:
    """The theory's threshold formula as printed: β for momentum, δ for dampening
    (:data:`GRID_SYMBOLS`) and the minus sign − (U+2212) for subtraction, as in the page text
    (``2(1+momentum)/((1-dampening) L)`` → ``2(1+β)/((1−δ)L)``); a hyphen between words
    stays."""
    short = (formula.replace("dampening", GRID_SYMBOLS["dampening"])
             .replace("momentum", GRID_SYMBOLS["momentum"]).replace(" L)", "L)"))
    return _OPERATOR_MINUS.sub(MINUS, short)


def formula_symbols_text(chk: StabilityCheck) -> str:
    """What the symbols of the threshold's formula stand for, with the value of each that is
    not a grid axis (the same in every cell), so that the boundary can be recomputed from the
    page: ``β = momentum, δ = dampening = 0 in every cell`` (empty when the formula has
    neither)."""
    from analysis.report import fmt_num

    short = short_formula(chk.formula)
    parts = []
    for name in ("momentum", "dampening"):
        sym = GRID_SYMBOLS[name]
        if sym not in short:
            continue
        vals = {float(h[name]) for h in chk.hypers if h.get(name) is not None}
        text = f"{sym} = {HYPER_WORDS.get(name, name)}"
        parts.append(text + (f" = {fmt_num(vals.pop())} in every cell" if len(vals) == 1
                             else ""))
    return ", ".join(parts)


def _grid_caption(o: str, m: str, g: Any, chk: StabilityCheck | None,
                  known_min: bool = True,
                  solved: Sequence[Sequence[float]] | None = None) -> str:
    """A grid's caption; ``solved``: the minima :func:`solved_minima` found (None: not
    sought, the spec lists minima or gives no f*; empty: sought, none found)."""
    from analysis.campaign.figures import boundary_note
    from analysis.report import fmt_num, fmt_point

    what = ("share of starts reaching Δ_ref (measured)"
            if g.share_label.startswith("share reaching")
            else "share of starts that did not diverge, measured (no f*"
                 + (": the known minimum is local only" if known_min else "")
                 + ", so no target; runs of fixed steps never count as converged, so that "
                   "share would say nothing)")
    if chk is None:
        why = ("no minimizer listed in the spec"
               + (f" and none {SOLVED_MINIMA}" if solved is not None else "")
               + ", so no threshold" if g.boundary is None and not known_min
               else f"the theory has no step-size threshold for {method_label(m)}")
        return f"{method_label(m)} on {o}: {what}; {why}."
    at = ""
    if solved:
        pts = " and ".join(fmt_point(p) for p in solved)
        at = (f"; L taken at the {'minimum' if len(solved) == 1 else 'minima'} {pts} "
              f"{SOLVED_MINIMA}, as the spec lists none")
    s = f"{method_label(m)} on {o}: {what}; boundary from theory (L numeric): " \
        f"η < {short_formula(chk.formula)}{at}; {int(chk.agree.sum())}/{chk.agree.size} cells " \
        f"agree. {CELL_CENTRE_TEXT}"
    said = formula_symbols_text(chk)
    if said:
        s += f" {said}."
    if chk.predicted.all():
        s += " Every cell is predicted stable (η below the threshold)."
    elif not chk.predicted.any():
        s += f" Every cell is predicted unstable (threshold ≤ {fmt_num(chk.threshold.max())} " \
             f"< the smallest η {fmt_num(chk.lr.min())})."
    else:
        s += " Predicted unstable: " + "; ".join(
            cell_words(cell) for cell, ok in zip(chk.cells, chk.predicted, strict=True)
            if not ok) + "."
    note = boundary_note(g)
    return s + (" " + note if note else "")


def minima_note(c: Campaign) -> str:
    """The note under the known minima: each objective listed there without f* and why (its
    note from campaign.json), so its minimum reads as a local one."""
    parts = []
    for o in c.objectives():
        info = c.meta["objectives"].get(o, {})
        if has_f_star(c, o) or not info.get("minima"):
            continue
        why = str(info.get("note") or no_f_star_reason(info))
        parts.append(f"{c.label(o)}: {why}")
    if not parts:
        return ""
    return ("Listed without f*, so no targets (no ECDF, profile or share at Δ_ref): "
            + "; ".join(parts) + ".")


#: the known-minima row of an objective that lists none (its starts are not counted as
#: reaching one or none)
NO_MINIMA = "no known minima; not counted"


def known_minima(info: Mapping[str, Any], solved: Sequence[Sequence[float]] | None
                 ) -> list[list[float]]:
    """An objective's known minima, the same in every table and caption: those its suite or
    spec lists, else those :func:`solved_minima` found (``solved``), else none."""
    return [list(p) for p in (info.get("minima") or solved or [])]


def ended_minimum(c: Campaign, objective: str, rows: NDArray[np.int64],
                  solved: Sequence[Sequence[float]] | None) -> NDArray[np.int64]:
    """The known minimum each of ``rows`` ended at (−1: none): the store's ``minimum`` column
    when the spec lists minima; for minima :func:`solved_minima` found, the index of the first
    one with ‖x − x*‖∞ ≤ the campaign's ``minimum_tol`` (the store's rule,
    :func:`analysis.campaign.tasks.reached_minimum`) from the final points x."""
    if c.meta["objectives"].get(objective, {}).get("minima") or not solved:
        return np.asarray(c.cols["minimum"][rows], dtype=int)
    from analysis.campaign.spec import DEFAULT_MINIMUM_TOL
    from analysis.campaign.tasks import reached_minimum

    X = np.stack([np.asarray(x, dtype=float) for x in c.cols["x"][rows]])
    tol = float(c.meta.get("minimum_tol", DEFAULT_MINIMUM_TOL))
    return reached_minimum(X, solved, tol).astype(int)


def minimum_label(k: int) -> str:
    """The label of an objective's k-th known minimum as the page prints it: ``x*₀``,
    ``x*₁``, … (Unicode subscript digits)."""
    return "x*" + str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def reached_text(reached: Mapping[int, int], listed: bool) -> str:
    """The "known minimum reached" cell: the count at each minimum reached (``x*₀: 29``);
    ``none reached`` when the objective lists minima and no start ended at one;
    ``n/a (no known minima)`` when it lists none (every start would read "none", which says
    nothing)."""
    if not listed:
        return "n/a (no known minima)"
    return ", ".join(f"{minimum_label(k)}: {n}" for k, n in sorted(reached.items())
                     ) or "none reached"


def _ended_section(b: Any, c: Campaign, best: Mapping[tuple[str, str], CellStats]) -> None:
    from analysis.report import Column, fmt_num, fmt_point

    d = b.doc
    d.heading("Where starts ended")
    tol = c.meta.get("minimum_tol")
    solved = _solved_minima_of(b, c)
    minima = {o: known_minima(c.meta["objectives"].get(o, {}), solved.get(o))
              for o in c.objectives()}
    d.paragraph("Known minima of each objective (from its suite or the spec), then, for each "
                "method's best "
                "cell, how many starts ended at each ("
                + (f"‖x − x*‖∞ ≤ {tol:g}" if isinstance(tol, (int, float)) else
                   "within the store's matching tolerance")
                + "), at none of them, or diverged (counts, measured)."
                + (f"  Where the spec gives f* but lists no minimizer, the known minima are "
                   f"those {SOLVED_MINIMA}, as for the stability threshold."
                   if any(solved.values()) else "")
                + ("  An objective with no known minima has nothing to reach: its starts "
                   "are not counted as reaching one or none (n/a), only the diverged ones."
                   if not all(minima.values()) else ""))
    rows = []
    for o in c.objectives():
        info = c.meta["objectives"].get(o, {})
        # f* where it is known, whether or not minimizers are listed
        f_star = fmt_num(info.get("f_star")) if has_f_star(c, o) else "— (local only)"
        if not minima[o]:
            rows.append([c.label(o), "—", NO_MINIMA,
                         f_star if has_f_star(c, o) else "—", str(info.get("source") or "—")])
        listed = bool(info.get("minima"))
        for k, p in enumerate(minima[o]):
            rows.append([c.label(o) if k == 0 else "", minimum_label(k),
                         fmt_point(p) + ("" if listed else f" ({SOLVED_MINIMA}; none listed "
                                                           "in the spec)"),
                         f_star if k == 0 else "",
                         str(info.get("source") or "—") if k == 0 else ""])
    if rows:
        d.table([Column("objective"), Column("minimum", share=0.7),
                 Column("point", share=1.5), Column("f* (best known)", "r"),
                 Column("source", share=3.0)], rows,
                title=MINIMA_TABLE,
                notes=[minima_note(c)] if minima_note(c) else ())
    if any(s.ties > 1 for s in best.values()):
        d.paragraph("In the table below, ‘first of n tied’ in the cell column means what it "
                    f"means in the table “{BEST_TABLE}”.")
    rows = []
    for (o, m), s in best.items():
        mk = c.rows(o, m, s.cell)
        reached, none, div = ended_counts(ended_minimum(c, o, mk, solved.get(o)),
                                          c.cols["status"][mk], c.cols["fun"][mk])
        listed = bool(minima[o])
        text = reached_text(reached, listed)
        none_text = str(none) if listed else "n/a"
        rows.append([c.label(o), method_label(m), cell_label(s), str(int(mk.size)), text,
                     none_text,
                     str(div)])
    d.table([Column("objective"), Column("method"), Column("cell", share=2.1),
             Column("starts", "r"), Column("known minimum reached", share=1.3),
             Column("none", "r"), Column("diverged", "r")], rows,
            title="Where the starts of each best cell ended (counts)")


def _failed_section(b: Any) -> None:
    if not b.failures:
        return
    b.doc.heading("What failed")
    b.doc.bullets([f.text() for f in b.failures])


def campaign_builder(c: Campaign, *, title: str | None = None, progress: Any = None) -> Any:
    """The report of a campaign as an :class:`analysis.report.Builder` (not yet written)."""
    from analysis.report import Builder, check_title

    check_title(title)
    b = Builder(title or "Campaign report", footer=f"landscape campaign report · {c.root.name}",
                progress=progress, total=6)
    ref = reference_index(c.targets)
    best = best_cells(c, ref)
    b.data.update({"store": str(c.root), "rows": c.n, "targets": c.targets,
                   "hit_how": hit_how(c.meta),
                   "reference_target": float(c.targets[ref]), "objectives": c.objectives(),
                   "methods": c.methods(), "cost_weights": dict(c.meta.get("cost_weights", {}))})
    for name, fn in (("ECDF", lambda: _ecdf_section(b, c, best)),
                     ("performance profiles", lambda: _profile_section(b, c, best)),
                     ("best hyperparameters", lambda: _best_section(b, c, best, ref)),
                     ("grids and stability", lambda: _theory_section(b, c, ref)),
                     ("where starts ended", lambda: _ended_section(b, c, best))):
        with b.guard(name):
            fn()
    _failed_section(b)
    body = b.doc.take()
    with b.guard("title page", note=False):
        _title_page(b, c, title)
    b.doc.extend(body)
    b.sections = [h.text for h in b.doc.headings if h.level == 1]
    return b


def build_campaign_report(root: str | os.PathLike | Campaign, path: str | os.PathLike, *,
                          title: str | None = None, progress: Any = None) -> Any:
    """Read the campaign store ``root`` and write the report ``path`` (PDF) with ``.json`` and
    ``.csv`` beside it, atomically (:meth:`analysis.report.Builder.write`): all three or none;
    returns the :class:`analysis.report.ReportResult`.

    ``root`` may be a :class:`Campaign` already read.  :class:`InputError` before anything is
    written when ``root`` is not a campaign store."""
    from analysis.report import check_title

    check_title(title)
    c = root if isinstance(root, Campaign) else load(root)
    return campaign_builder(c, title=title, progress=progress).write(path)
