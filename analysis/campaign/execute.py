"""Running a campaign: in this process, on a Dask ``LocalCluster``, or on an existing cluster.

:func:`run` prepares ``DIR`` (``campaign.json``: the spec, its hash, the targets, the cost
weights, the objectives with f* and known minima, the chunk sizes), skips the tasks whose part
file exists, and computes the others:

* default: one after the other in this process (the compiled engine uses the local cores
  through its own threads); no cluster is started and Dask is not imported;
* ``workers=N``: a ``distributed.LocalCluster`` of N worker processes of one thread each
  (``NUMBA_NUM_THREADS=1`` in them, so N workers use N cores);
* ``scheduler=ADDRESS``: the workers of an existing Dask cluster (which must have this
  package installed; they need no access to ``DIR``).

On a LocalCluster the workers share this machine's file system, and each writes its own part
file (atomically, named by task id); on an existing cluster, whose workers may not see ``DIR``,
they send the rows back and this process writes the part files.  (Sending the rows through the
scheduler made this process the bottleneck: with 2 workers on 2 cores a campaign ran 1.28×
faster than with 1; with the workers writing, 1.66×.)  A worker that dies mid-task makes the
scheduler give its task to another worker, whose rows (a function of the spec alone) replace
nothing and are written once; an interrupted campaign rerun with the same spec computes only
the tasks without a part.

Chunk size: starts per task are chosen once per (objective, method table) from a calibration
run of its first cell (:data:`CALIBRATION_STARTS` starts, after a warm-up run), so that the
measured per-task overhead :data:`TASK_OVERHEAD` is at most :data:`OVERHEAD_SHARE` of a task,
and stored in campaign.json (a rerun reuses them, so its task ids are the first run's).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landscape.errors import InputError

from . import store
from .model import Campaign
from .tasks import Task, chunk_for, chunk_key, plan, run_task

#: fixed seconds a task costs beside its starts, flat in the task's size: the driver's set-up,
#: the start points, building the rows and writing the part file (in-process, fitted
#: T(c) = overhead + c·t_start over chunks c = 1 … 1024: 7.4–7.7 ms; 5.9 ms in a profile, of
#: which ≈ 4 ms the Parquet write and rename), and on one Dask worker, scheduling and the
#: transfer of the rows with the client's write overlapping the next task (fit: 6.2–9.4 ms);
#: measured on a 2-core machine under load (README, Campaigns)
TASK_OVERHEAD = 0.008
#: the overhead is at most this share of a task
OVERHEAD_SHARE = 0.05
#: starts of the calibration run of each (objective, method table)
CALIBRATION_STARTS = 32


@dataclass
class Outcome:
    """What a run did: tasks in the campaign, found done, computed now, and its seconds."""

    total: int
    skipped: int
    computed: int
    seconds: float
    where: str

    def text(self) -> str:
        return (f"{self.total} tasks: {self.skipped} already in the store, {self.computed} "
                f"computed {self.where} in {self.seconds:.1f} s")


def objectives_record(c: Campaign) -> dict[str, Any]:
    return {o.id: o.record() for o in c.objectives}


def meta(c: Campaign, chunks: dict[str, int], tasks: int) -> dict[str, Any]:
    """The body of campaign.json."""
    return {
        "spec": c.raw, "spec_text": c.text, "spec_hash": c.hash,
        "targets": list(c.targets), "cost_weights": c.cost_weights,
        "cost_how": {
            "cost": "exact: nfev·f + njev·g + nhev·h of the whole run (the engine's counts)",
            "hit_cost": "estimated: cost·k/nit for the first iteration k that reached the "
                        "target (the counts per iteration are not recorded); null if never",
            "hit_iter": "exact: first iterate k with f_k − f* ≤ Δ in the recorded f per "
                        "iterate (every iterate), −1 if never, null when f* is unknown",
        },
        "minimum_tol": c.minimum_tol,
        "minimum_how": "index of the first known minimizer x* (objectives[id].minima) with "
                       "‖x − x*‖∞ ≤ minimum_tol, −1 if none",
        "objectives": objectives_record(c), "hp_names": c.hp_names, "seeds": c.seeds,
        "starts": c.starts, "chunks": chunks, "tasks": tasks,
        "overhead": {"task_seconds": TASK_OVERHEAD, "share": OVERHEAD_SHARE},
    }


def _existing(root: Path, c: Campaign) -> dict[str, Any] | None:
    """campaign.json of ``root`` when it holds this spec; an InputError when another."""
    if not (root / store.META).exists():
        if store.done_tasks(root):
            raise InputError(f"{root}: holds rows but no {store.META}; use a new directory")
        return None
    old = store.read_meta(root)
    if old.get("spec_hash") != c.hash:
        raise InputError(f"{root} holds another campaign (spec hash "
                         f"{str(old.get('spec_hash'))[:12]}…, this spec {c.hash[:12]}…); "
                         "give a new output directory")
    return old


def calibrate(c: Campaign, progress: Callable[..., None] | None = None) -> dict[str, int]:
    """Starts per task for every (objective, method table): the spec's ``chunk``, else from a
    timed run of its first cell (after a warm-up run that also compiles what the campaign
    needs)."""
    chunks: dict[str, int] = {}
    pairs = [(o, m) for o in c.objectives for m in c.methods]
    if c.chunk is not None:
        return {chunk_key(o, m): c.chunk for o, m in pairs}
    for i, (o, m) in enumerate(pairs):
        if progress is not None:
            progress(i, len(pairs), f"calibrating {o.id} × {m.name}")
        n = min(c.starts, CALIBRATION_STARTS)
        probe = Task("calibration", o, m, m.cells()[0], c.seeds[0], 0, n)
        run_task(probe, c)
        t0 = time.perf_counter()
        run_task(probe, c)
        per_start = (time.perf_counter() - t0) / n
        chunks[chunk_key(o, m)] = chunk_for(per_start, TASK_OVERHEAD, OVERHEAD_SHARE,
                                            c.starts)
    return chunks


def prepare(c: Campaign, root: str | os.PathLike,
            progress: Callable[..., None] | None = None) -> tuple[list[Task], set[str]]:
    """Create ``root`` with campaign.json (or check it holds this spec) and return every task
    and the ids of those already done."""
    root = Path(root)
    old = _existing(root, c)
    if old is None:
        chunks = calibrate(c, progress)
    else:
        chunks = {k: int(v) for k, v in old.get("chunks", {}).items()}
    tasks = plan(c, chunks)
    if old is None:
        root.mkdir(parents=True, exist_ok=True)
        store.write_meta(root, meta(c, chunks, len(tasks)))
    return tasks, store.done_tasks(root)


def warm(c: Campaign, progress: Callable[..., None] | None = None) -> int:
    """Compile every objective's kernels and every method's engine into the disk caches (one
    small run per objective and method table); returns the runs made."""
    pairs = [(o, m) for o in c.objectives for m in c.methods]
    for i, (o, m) in enumerate(pairs):
        if progress is not None:
            progress(i, len(pairs), f"compiling {o.id} × {m.name}")
        run_task(Task("warm", o, m, m.cells()[0], c.seeds[0], 0, 1), c)
    return len(pairs)


def run(c: Campaign, root: str | os.PathLike, *, workers: int | None = None,
        scheduler: str | None = None, progress: Callable[..., None] | None = None,
        say: Callable[[str], None] | None = None) -> Outcome:
    """Run the tasks of ``c`` missing from ``root`` (see the module docstring)."""
    if workers is not None and scheduler is not None:
        raise InputError("give --workers or --scheduler, not both")
    if workers is not None and not 1 <= workers <= 1024:
        raise InputError(f"--workers must be between 1 and 1024, got {workers}")
    tasks, done = prepare(c, root, progress)
    todo = [t for t in tasks if t.id not in done]
    skipped = len(tasks) - len(todo)
    if say is not None:
        say(f"{len(tasks)} tasks, {skipped} already in {root}: computing {len(todo)}")
    if scheduler is not None:
        where = f"on the cluster at {scheduler}"
    elif workers is not None:
        where = f"on {workers} local worker process{'es' if workers > 1 else ''}"
    else:
        where = "in this process"
    t1 = time.perf_counter()
    if todo:
        if workers is None and scheduler is None:
            _in_process(c, root, todo, progress)
        else:
            with _client(workers, scheduler) as client:
                run_on(client, c, root, todo, progress, shared=scheduler is None)
    return Outcome(len(tasks), skipped, len(todo), time.perf_counter() - t1, where)


def _in_process(c: Campaign, root, todo: list[Task], progress) -> None:
    for i, task in enumerate(todo):
        store.write_part(root, task.id, run_task(task, c), c.hp_names)
        if progress is not None:
            progress(i + 1, len(todo), "")


@contextlib.contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: on a new LocalCluster of ``workers`` processes, or at ``scheduler``."""
    import logging

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=20)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
        with client:
            yield client
        return
    cluster = local_cluster(workers or 1)
    with cluster, Client(cluster) as client:
        yield client


def local_cluster(workers: int):
    """A LocalCluster of ``workers`` single-threaded processes (Numba on one thread each)."""
    from distributed import LocalCluster

    env = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=40, env=env)


def run_and_write(task: Task, c: Campaign, root: str) -> int:
    """On a worker that sees ``root``: compute ``task`` and write its part file (atomically);
    returns its number of rows."""
    table = run_task(task, c)
    store.write_part(root, task.id, table, c.hp_names)
    return table.num_rows


def run_on(client: Any, c: Campaign, root, todo: list[Task],
           progress: Callable[..., None] | None = None,
           on_result: Callable[[int], None] | None = None, *, shared: bool = True) -> None:
    """Compute ``todo`` on the workers of ``client``: with ``shared`` (the workers see
    ``root``) each worker writes its parts, else each part is written here as its rows arrive.

    ``on_result(k)`` is called after the k-th task is done (tests kill a worker there)."""
    from distributed import as_completed

    camp = client.scatter(c, broadcast=True)
    keys = [t.id for t in todo]
    if shared:
        futures = client.map(run_and_write, todo, c=camp, root=str(root), key=keys, pure=False)
    else:
        futures = client.map(run_task, todo, c=camp, key=keys, pure=False)
    by_key = {f.key: t for f, t in zip(futures, todo, strict=True)}
    k = 0
    for fut, table in as_completed(futures, with_results=True):
        if not shared:
            store.write_part(root, by_key[fut.key].id, table, c.hp_names)
        k += 1
        if progress is not None:
            progress(k, len(todo), "")
        if on_result is not None:
            on_result(k)
    if shared:
        store.remove_temporaries(root)  # left by a worker killed mid-write
