"""Cutting a campaign into tasks and running one task on the compiled engine.

A task is one objective, one method table's hyperparameter cell, one seed and a contiguous
chunk of start indices ``[a, b)``.  Everything a task computes is a function of the spec alone:

* start j's point is ``x0_j = lo + (hi − lo)·u_j``, with ``u_j`` the first n uniforms of
  block j·q of a Philox-4×64 stream keyed by sha256(seed, objective hash) (q = ⌈n/4⌉ blocks
  of four 64-bit words per start, :func:`start_points`), so every method and every cell starts
  from the same points (paired comparisons) and a start's point does not depend on its chunk;
* start j's random numbers inside the method (noise, sampled coordinates, minibatches) come from
  the engine's stream of (engine seed, j), the engine seed being sha256(seed, objective hash,
  method, cell) (:func:`engine_seed`; ``minimize_batch(start_index=a)``);

so the rows are the same on one process or N workers, whatever the chunking or the order.
The task id names the objective, the method, a hash of the cell, the seed and the first start,
and the rows live in ``DIR/results/<task id>.parquet``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from landscape.errors import InputError

from .model import Campaign, MethodDef, ObjectiveDef

#: statuses that count as success (the driver's)
SUCCESS = ("converged", "steps")
#: recorded f per iterate is kept within this many bytes per task (N·(K+1)·(n+2) float64s)
RECORD_BYTES = 64 * 2**20
#: starts per task never below this (a chunk of the lock-step engine) ...
MIN_CHUNK = 16
#: ... nor above this
MAX_CHUNK = 1 << 16


@dataclass(frozen=True)
class Task:
    """One unit of work: (objective, method table, cell, seed, starts a..b−1)."""

    id: str
    objective: ObjectiveDef
    method: MethodDef
    cell: dict[str, Any]
    seed: int
    a: int
    b: int

    @property
    def starts(self) -> int:
        return self.b - self.a


def slug(text: str, width: int = 32) -> str:
    """``text`` with every character outside ``[A-Za-z0-9_-]`` as ``-``, at most ``width``."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:width].strip("-") or "objective"


def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def cell_text(cell: Mapping[str, Any]) -> str:
    """Canonical ``"lr=0.01,momentum=0.9"`` of a cell's grid values (sorted names)."""
    return ",".join(f"{k}={_value_text(cell[k])}" for k in sorted(cell))


def _sha(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def run_key(obj: ObjectiveDef, method: MethodDef, cell: Mapping[str, Any]) -> str:
    """sha256 of what determines a run: objective hash, method, fixed values, cell, options."""
    return _sha(obj.hash, method.name, method.fixed, dict(cell), method.options)


def engine_seed(seed: int, obj: ObjectiveDef, method: MethodDef,
                cell: Mapping[str, Any]) -> int:
    """The engine's seed of a cell: the first 62 bits of sha256(seed, run key)."""
    return int(_sha(seed, run_key(obj, method, cell)), 16) >> 194


def start_points(box: Sequence[Sequence[float]], seed: int, objective_hash: str, a: int,
                 b: int):
    """Starts a..b−1 (rows) uniform in ``box``: ``lo + (hi − lo)·u``, u from a Philox-4×64
    stream keyed by sha256(seed, objective hash), start j reading blocks j·q … j·q + q − 1
    (q = ⌈n/4⌉, four uniforms per block)."""
    import numpy as np

    B = np.asarray(box, dtype=float).reshape(-1, 2)
    n = B.shape[0]
    q = -(-n // 4)
    key = int(_sha(seed, objective_hash), 16) >> 128
    bits = np.random.Philox(key=key)
    bits.advance(a * q)
    U = np.random.Generator(bits).random((b - a, 4 * q))[:, :n]
    return B[:, 0] + (B[:, 1] - B[:, 0]) * U


def plan(c: Campaign, chunks: Mapping[str, int]) -> list[Task]:
    """Every task of the campaign, in a fixed order; ``chunks[run_key]`` = starts per task of
    that (objective, method table) (default: the spec's chunk, else all starts in one task)."""
    tasks: list[Task] = []
    seen: set[str] = set()
    for obj in c.objectives:
        for m in c.methods:
            for cell in m.cells():
                key = run_key(obj, m, cell)
                size = max(1, min(c.starts, chunks.get(chunk_key(obj, m), c.chunk or c.starts)))
                for seed in c.seeds:
                    for a in range(0, c.starts, size):
                        tid = (f"{slug(obj.id)}.{m.name}.{key[:12]}.s{seed}."
                               f"{a:0{len(str(c.starts))}d}")
                        if tid in seen:
                            raise InputError(f"{c.path}:{m.line}: this [[method]] table "
                                             "repeats another one (same method, values and "
                                             "options)")
                        seen.add(tid)
                        tasks.append(Task(tid, obj, m, cell, seed, a,
                                          min(c.starts, a + size)))
    return tasks


def chunk_key(obj: ObjectiveDef, m: MethodDef) -> str:
    """Key of campaign.json's ``chunks``: the chunk size is chosen per objective and method
    table (from its first cell)."""
    return f"{obj.hash[:16]}|{m.name}|{_sha(m.fixed, m.options, sorted(m.axes))[:12]}"


def chunk_for(per_start: float, overhead: float, share: float, starts: int) -> int:
    """Starts per task so that the per-task overhead is at most ``share`` of a task:
    c = ⌈overhead / (share · per_start)⌉, rounded up to a multiple of :data:`MIN_CHUNK`, within
    [MIN_CHUNK, MAX_CHUNK] and at most ``starts`` (a chunk too large to record every iterate
    of at once runs as sub-batches, :func:`run_task`)."""
    want = math.ceil(overhead / (share * max(per_start, 1e-9)))
    want = -(-want // MIN_CHUNK) * MIN_CHUNK
    return int(max(1, min(starts, MAX_CHUNK, max(MIN_CHUNK, want))))


# ---------------------------------------------------------------------------- running
_COMPILED: dict[str, Any] = {}


def compiled(obj: ObjectiveDef):
    """The objective's compiled kernels, once per process (from the disk cache when warm)."""
    hit = _COMPILED.get(obj.hash)
    if hit is None:
        from landscape.loader import load_formula

        hit = load_formula(obj.formula, variables=obj.variables, params=obj.params or None,
                           dim=obj.dim)
        _COMPILED[obj.hash] = hit
    return hit


def run_options(m: MethodDef) -> dict[str, Any]:
    """The driver's keyword arguments of a method table (steps | maxiter, tolerances)."""
    return dict(m.options)


def iterations(m: MethodDef) -> int:
    """The iteration cap K of a method table's runs (steps, maxiter or the method's default)."""
    from optimizers.methods import get_spec

    return int(m.options.get("steps", m.options.get("maxiter", get_spec(m.name).maxiter)))


def run_batch(task: Task, record: bool):
    """``minimize_batch`` of the task's starts on the compiled engine."""
    from optimizers.driver import minimize_batch

    X0 = start_points(task.objective.box, task.seed, task.objective.hash, task.a, task.b)
    seed = engine_seed(task.seed, task.objective, task.method, task.cell)
    return X0, minimize_batch(compiled(task.objective), X0, task.method.name, record=record,
                              seed=seed, start_index=task.a, **run_options(task.method),
                              **task.method.fixed, **task.cell)


def hits(fun_path, stride: int, f_star: float, targets: Sequence[float]):
    """(N, T) first iteration k with f_k − f* ≤ Δ_t (−1 if never), from the recorded f per
    iterate (rows: iterates 0, s, 2s, …; NaN after a start's end)."""
    import numpy as np

    gap = fun_path - f_star
    out = np.full((fun_path.shape[0], len(targets)), -1, dtype=np.int64)
    for t, delta in enumerate(targets):
        mask = gap <= delta
        reached = mask.any(axis=1)
        out[reached, t] = np.argmax(mask[reached], axis=1) * stride
    return out


def reached_minimum(X, minima: Sequence[Sequence[float]], tol: float):
    """(N,) index of the first known minimizer within ``tol`` (max-norm) of each row, −1 if
    none."""
    import numpy as np

    out = np.full(X.shape[0], -1, dtype=np.int32)
    for i in range(len(minima) - 1, -1, -1):
        close = np.max(np.abs(X - np.asarray(minima[i])), axis=1) <= tol
        out[close] = i
    return out


def record_cap(n: int, iters: int) -> int:
    """Most starts whose f per iterate (with x: (K+1)·(n+2) float64s each) fit within
    :data:`RECORD_BYTES`, so that every iterate is kept (stride 1)."""
    return max(1, RECORD_BYTES // (8 * (iters + 1) * (n + 2)))


def run_task(task: Task, c: Campaign):
    """Run one task and return its rows as a pyarrow Table with the campaign's schema.

    With f* known the f of every iterate is recorded (for ``hit_iter``); a chunk larger than
    :func:`record_cap` runs as consecutive sub-batches (``start_index`` keeps each start's
    stream), so every iterate is kept.
    """
    import pyarrow as pa

    t0 = time.perf_counter()
    obj = task.objective
    record = obj.f_star is not None
    step = record_cap(obj.n, iterations(task.method)) if record else task.starts
    parts = []
    for a in range(task.a, task.b, step):
        sub = replace(task, a=a, b=min(task.b, a + step))
        X0, res = run_batch(sub, record)
        parts.append((sub, X0, res))
    seconds = time.perf_counter() - t0
    tables = [rows_table(sub, c, X0, res, seconds * sub.starts / max(task.starts, 1))
              for sub, X0, res in parts]
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


def _minimum_column(index):
    """The ``minimum`` column: the index of the known minimum reached, null where none (−1)."""
    import pyarrow as pa

    return pa.array(index, type=pa.int32(), mask=index < 0)


def _list_column(M, dtype, missing=None):
    """Rows of the (N, k) array ``M`` as a list column; entries where ``missing`` is true are
    null."""
    import numpy as np
    import pyarrow as pa

    M = np.ascontiguousarray(M)
    offsets = np.arange(0, M.size + 1, max(M.shape[1], 1), dtype=np.int32)
    if M.shape[1] == 0:
        offsets = np.zeros(M.shape[0] + 1, dtype=np.int32)
    mask = None if missing is None else np.asarray(missing).reshape(-1)
    return pa.ListArray.from_arrays(pa.array(offsets),
                                    pa.array(M.reshape(-1), type=dtype, mask=mask))


def hyper_json(eff: Mapping[str, Any], m: MethodDef) -> str:
    """JSON (sorted keys) of the effective hyperparameters and the run's iteration cap and
    tolerances."""
    from optimizers.methods import DEFAULT_FTOL, DEFAULT_GTOL, DEFAULT_XTOL

    run = {"gtol": DEFAULT_GTOL, "ftol": DEFAULT_FTOL, "xtol": DEFAULT_XTOL}
    run.update(m.options)
    if "steps" not in run:
        run["maxiter"] = iterations(m)
    return json.dumps({**eff, **run}, sort_keys=True)


def hp_value(method: str, name: str, value: Any) -> float | None:
    """The ``hp_<name>`` column's number: the value, a bool as 0/1, a choice as its registry
    code (:meth:`optimizers.spec.Hyper.code`)."""
    from optimizers.methods import get_spec

    h = get_spec(method).hyper.get(name)
    if value is None or h is None:
        return None
    return float(h.code(value)) if h.kind == "choice" else float(value)


def rows_table(task: Task, c: Campaign, X0, res, seconds: float):
    """The task's rows (one per start) as a pyarrow Table."""
    import numpy as np
    import pyarrow as pa

    from .schema import row_schema

    obj, m = task.objective, task.method
    N = res.n_starts
    w = c.cost_weights
    cost = res.nfev * w["f"] + res.njev * w["g"] + res.nhev * w["h"]
    cols: dict[str, Any] = {
        "task_id": [task.id] * N, "objective_id": [obj.id] * N,
        "objective_hash": [obj.hash] * N, "objective": [obj.formula] * N,
        "dim": np.full(N, obj.n, dtype=np.int32), "method": [m.name] * N,
        "family": [m.family] * N, "hyper": [hyper_json(res.hyper, m)] * N,
        "cell": [cell_text(task.cell)] * N,
    }
    for name in c.hp_names:
        cols["hp_" + name] = [hp_value(m.name, name, task.cell.get(name))] * N
    cols.update({
        "seed": np.full(N, task.seed, dtype=np.int64),
        "start": np.arange(task.a, task.b, dtype=np.int64),
        "x0": _list_column(X0, pa.float64()), "x": _list_column(res.x, pa.float64()),
        "fun": res.fun, "f_star": [obj.f_star] * N,
        "status": [str(s) for s in res.status], "success": res.success.astype(bool),
        "nit": res.nit.astype(np.int64), "nfev": res.nfev.astype(np.int64),
        "njev": res.njev.astype(np.int64), "nhev": res.nhev.astype(np.int64),
        "minimum": _minimum_column(reached_minimum(res.x, obj.minima, c.minimum_tol)),
        "cost": cost.astype(float), "seconds": np.full(N, seconds / max(N, 1)),
    })
    if obj.f_star is None:
        cols["hit_iter"] = pa.nulls(N, pa.list_(pa.int64()))
        cols["hit_cost"] = pa.nulls(N, pa.list_(pa.float64()))
    else:
        k = hits(res.fun_path, res.path_stride, obj.f_star, c.targets)
        nit = np.maximum(res.nit, 1)[:, None].astype(float)
        hc = np.where(k >= 0, cost[:, None] * k / nit, 0.0)
        cols["hit_iter"] = _list_column(k, pa.int64())
        cols["hit_cost"] = _list_column(hc, pa.float64(), missing=k < 0)
    schema = row_schema(c.hp_names)
    arrays = [col if isinstance(col, pa.Array) else pa.array(col, type=schema.field(n).type)
              for n, col in ((n, cols[n]) for n in schema.names)]
    return pa.Table.from_arrays(arrays, schema=schema)
