"""The optimizer library's one-off build in several processes (``engine.build_library``).

Build processes compile pieces of the library into Numba's disk cache; the process that asked
loads them from there.  Checked on a small subset (the per-start engine and coordinate
descent's step), each scenario in fresh processes with a Numba cache of its own:

- a parallel build leaves a cache that a fresh process loads without compiling anything, and
  its results are bit-identical to those of a library built in one process;
- a build process killed while writing an entry leaves nothing a later process loads: the
  piece is reported missing, compiled again, and gives the same results;
- when no build process can start, or there is one core, the build runs in the asking
  process alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: the pieces a coordinate-descent run needs (engine.Job)
JOBS = [["entry", "per_start_chunk"], ["entry", "per_start"], ["step", "coordinate"]]

#: a coordinate-descent batch (random coordinate order: the step draws from its stream),
#: printed bit for bit
_RUN = """
from optimizers.driver import minimize_batch
from landscape.objective import Objective
obj = Objective.parse("(x - 0.375)**2 + 3*(y + 0.625)**4 + x*y/7 + 0.1*x**4")
X0 = [[1.5, -2.0], [-1.0, 0.5], [2.0, 2.0], [0.3, -0.7], [-2.0, -2.0]]
res = minimize_batch(obj, X0, "coordinate", order="random", seed=7, maxiter=60)
result = {"x": res.x.tobytes().hex(), "fun": res.fun.tobytes().hex(),
          "nit": res.nit.tolist(), "status": [str(s) for s in res.status]}
"""

#: builds ``JOBS`` (``PROCESSES`` build processes), then reports how, and how every piece
#: came into this process (Numba's cache hits and misses per dispatcher)
_BUILD = """
import json
from optimizers import engine as E
JOBS = [tuple(j) for j in json.loads(JOBS_JSON)]
report = E.build_library(processes=PROCESSES, jobs=JOBS) if PROCESSES else None
stats = {}
for job in JOBS:
    d = E._ready(job)
    stats[" ".join(job)] = [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]
"""


def _python(code: str, cache: Path, **names) -> dict:
    prelude = "".join(f"{k} = {v!r}\n" for k, v in names.items())
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True,
                          text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _build_and_run(cache: Path, processes: int) -> dict:
    code = _BUILD + _RUN + "print(json.dumps({'report': report, 'stats': stats, **result}))"
    return _python(code, cache, JOBS_JSON=json.dumps(JOBS), PROCESSES=processes)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The subset built in one process, in a cache of its own, and its run."""
    out = _build_and_run(tmp_path_factory.mktemp("serial-cache"), processes=1)
    assert out["report"]["processes"] == 1 and out["report"]["in_workers"] == 0
    return out


def test_parallel_build_is_loaded_without_compiling_and_matches_one_process(serial, tmp_path):
    built = _build_and_run(tmp_path, processes=2)
    assert built["report"] == {"processes": 2, "pieces": 3, "compiled": 3, "in_workers": 3}
    # the asking process loaded all three from the cache the build processes wrote
    assert built["stats"] == {" ".join(j): [1, 0] for j in JOBS}
    code = "import json\n" + _RUN + _BUILD + "print(json.dumps({'stats': stats, **result}))"
    fresh = _python(code, tmp_path, JOBS_JSON=json.dumps(JOBS), PROCESSES=0)
    assert fresh["stats"] == {" ".join(j): [1, 0] for j in JOBS}
    for key in ("x", "fun", "nit", "status"):
        assert built[key] == fresh[key] == serial[key], key
    assert not list(tmp_path.rglob("*.tmp.*"))  # every cache file renamed into place


#: a build process that dies after writing the step's cache file under its temporary name,
#: before renaming it (the index entry naming the file is already written: Numba writes the
#: index first); it answers nothing
_DYING_WORKER = """
import os, sys
sys.path.insert(0, ROOT)
real = os.replace
def replace(src, dst):
    if "coordinate.step" in str(dst) and str(dst).endswith(".nbc"):
        os._exit(9)
    return real(src, dst)
os.replace = replace
from optimizers.engine import build_worker
build_worker(["step coordinate"])
"""


def test_build_process_killed_mid_write_leaves_nothing_that_loads(serial, tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", f"ROOT = {str(ROOT)!r}\n" + _DYING_WORKER],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 9 and done.stdout == ""
    assert [p.name for p in tmp_path.rglob("coordinate.step-*.nbi")]  # its index was written
    assert not list(tmp_path.rglob("coordinate.step-*.nbc"))  # its data never was
    # no build process can start: the build runs in this process, and compiles the step again
    code = ("import json, subprocess\n"
            "def refuse(*a, **k):\n    raise OSError('no processes here')\n"
            "subprocess.Popen = refuse\n"
            "from optimizers import engine as E\n"
            "missing = E.cached(('step', 'coordinate'))\n"
            + _BUILD + _RUN
            + "print(json.dumps({'missing': missing, 'report': report, 'stats': stats, "
              "**result}))")
    after = _python(code, tmp_path, JOBS_JSON=json.dumps(JOBS), PROCESSES=2)
    assert after["missing"] is False
    assert after["report"] == {"processes": 1, "pieces": 3, "compiled": 3, "in_workers": 0}
    assert after["stats"]["step coordinate"] == [0, 1]  # compiled, not loaded
    for key in ("x", "fun", "nit", "status"):
        assert after[key] == serial[key], key


def test_build_process_answers_each_piece_and_skips_other_lines():
    """The protocol of a build process: one answer per piece named, ``failed`` for a piece
    that does not compile (here: no such method), nothing for a line that names none."""
    import io

    from optimizers import engine as E

    out = io.StringIO()
    E.build_worker(["step no-such-method\n", "not a piece at all\n", "\n"], out=out)
    assert out.getvalue() == "failed step no-such-method\n"


def test_library_jobs_cover_every_registered_method_once_per_engine():
    from optimizers import engine as E
    from optimizers.registry import METHODS

    jobs = E.library_jobs()
    assert len(jobs) == len(set(jobs))
    assert [j for j in jobs if j[0] == "entry"] == [("entry", e[0]) for e in E.ENTRY_POINTS]
    for name, spec in METHODS.items():
        assert (("update", name) in jobs) == (spec.engine == "lockstep"), name
        per_start = spec.engine == "per-start" or spec.per_start_when is not None
        assert (("step", name) in jobs) == per_start, name


def test_one_core_builds_in_the_asking_process(tmp_path):
    """With one core no build process is started (two cheap pieces missing)."""
    code = ("import json, subprocess\n"
            "def refuse(*a, **k):\n    raise AssertionError('a process was started')\n"
            "subprocess.Popen = refuse\n"
            "from optimizers import engine as E\n"
            "E._cores = lambda: 1\n"
            "jobs = [('update', 'gd'), ('update', 'momentum')]\n"
            "print(json.dumps(E.build_library(jobs=jobs)))")
    report = _python(code, tmp_path)
    assert report == {"processes": 1, "pieces": 2, "compiled": 2, "in_workers": 0}
