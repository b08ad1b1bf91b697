"""Campaigns in one process: spec errors (line and reason), the suites' f* by a second method,
start points and random streams independent of the chunking, hit iterations against a closed
form, resumed runs computing only what is missing, and the command's exit codes."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.campaign import execute, spec, store, suites, tasks
from landscape.errors import InputError

SMALL = """\
[campaign]
seed = 5
starts = 24
chunk = 8
cost_weights = { f = 1, g = 2, h = 0 }

[[objective]]
formula = "x**2"
label = "parabola"
box = "-3:3"
f_star = 0
minima = [[0]]

[[objective]]
suite = "classic"
only = ["himmelblau"]

[[method]]
name = "gd"
lr = [0.1, 0.2]
steps = 40

[[method]]
name = "sgd"
lr = 0.01
noise = 0.5
steps = 30
"""


def _spec(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "spec.toml"
    p.write_text(text)
    return p


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as info:
        spec.load(_spec(tmp_path, text))
    return str(info.value)


# --------------------------------------------------------------------------- spec errors
BASE = '[campaign]\nstarts = 4\n\n[[objective]]\nformula = "x**2"\n\n'


@pytest.mark.parametrize("method, line, reason", [
    ('[[method]]\nname = "gdd"\n', 8, "unknown method 'gdd'"),
    ('[[method]]\nname = "momentum"\nlrr = [0.1]\n', 9, "unknown hyperparameter 'lrr'"),
    ('[[method]]\nname = "momentum"\nlr = [0.1, -1.0]\n', 9, "lr (method momentum) must be in"),
    ('[[method]]\nname = "momentum"\nsteps = 10\nmomentum = 1.5\n', 10, "must be in [0, 1)"),
    ('[[method]]\nname = "gd"\nsteps = 0\n', 9, "steps must be an integer"),
    ('[[method]]\nname = "gd"\nlr = []\n', 9, "grid axis lr is empty"),
])
def test_method_errors_name_the_line_and_reason(tmp_path, method, line, reason):
    msg = _error(tmp_path, BASE + method)
    assert msg.startswith(f"{tmp_path / 'spec.toml'}:{line}: "), msg
    assert reason in msg


@pytest.mark.parametrize("text, line, reason", [
    ('[campaign]\nstarts = 4\nseeed = 1\n', 3, "unknown key 'seeed' in [campaign]"),
    ('[campaign]\nstarts = 0\n', 2, "starts must be an integer"),
    ('[campaign]\nstarts = 4\n\n[[objective]]\nformula = "x**2 +"\n', 5, "formula 'x**2 +'"),
    ('[campaign]\nstarts = 4\n\n[[objective]]\nformula = "__import__(1)"\n', 5, "formula"),
    ('[campaign]\nstarts = 4\n\n[[objective]]\nsuite = "clasic"\n', 5, "unknown suite 'clasic'"),
    ('[campaign]\nstarts = 4\n\n[[objective]]\nsuite = "classic"\nonly = ["himmelblow"]\n', 6,
     "no objective 'himmelblow'"),
    ('[campaign]\nstarts = 4\n\n[[objective]]\nformula = "x**2 + y**2"\nbox = "-1:1,2:1"\n', 6,
     "box"),
    ('[campaign]\nstarts = 4 4\n', 2, "not valid TOML"),
])
def test_spec_errors_name_the_line_and_reason(tmp_path, text, line, reason):
    msg = _error(tmp_path, text + '\n[[method]]\nname = "gd"\n')
    assert msg.startswith(f"{tmp_path / 'spec.toml'}:{line}: "), msg
    assert reason in msg


def test_both_suites_run_their_shared_objective_once_and_labels_must_differ(tmp_path):
    both = spec.parse(BASE.replace('formula = "x**2"', 'suite = "lecture"') +
                      '[[objective]]\nsuite = "classic"\n\n[[method]]\nname = "gd"\n')
    ids = [o.id for o in both.objectives]
    assert ids.count("rosenbrock") == 1 and len(ids) == len(suites.SUITES["lecture"]) + \
        len(suites.SUITES["classic"]) - 1
    msg = _error(tmp_path, BASE + '[[objective]]\nformula = "x**4"\nlabel = "x**2"\n\n'
                 '[[method]]\nname = "gd"\n')
    assert ":7: objective 'x**2' appears twice (also in the [[objective]] at line 4)" in msg


def test_cli_refuses_a_bad_spec_with_exit_2_before_any_task(tmp_path):
    p = _spec(tmp_path, BASE + '[[method]]\nname = "adam"\nbeta1 = [0.9, 1.2]\n')
    out = tmp_path / "out"
    r = _cli(str(p), "-o", str(out), "--quiet")
    assert r.returncode == 2, r.stderr
    assert "spec.toml:9: beta1 (method adam) must be in" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis.cli", "campaign", *args],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})


def test_cli_runs_then_reruns_only_what_is_missing(tmp_path):
    p = _spec(tmp_path, SMALL.replace("starts = 24", "starts = 8"))
    out = tmp_path / "out"
    first = _cli(str(p), "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert "6 tasks: 0 already in the store, 6 computed in this process" in first.stdout
    assert "6 tasks, 0 already in" in first.stderr
    next(iter((out / "results").glob("*.parquet"))).unlink()
    again = _cli(str(p), "-o", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    assert "6 tasks: 5 already in the store, 1 computed" in again.stdout
    assert again.stderr == ""
    assert store.read_rows(out).num_rows == 6 * 8


# --------------------------------------------------------------------------- suites
def _sympy_f(obj):
    import sympy as sp

    from landscape.objective import Objective

    o = Objective.parse(obj.formula, params=obj.params or None, dim=obj.dim)
    f = sp.lambdify(o.variables, o.expr, "math")
    g = sp.lambdify(o.variables, list(o.gradient), "math")
    return o, (lambda x: float(f(*x))), (lambda x: np.array(g(*x), dtype=float))


@pytest.mark.parametrize("name, oid", [(s, o) for s in suites.SUITES for o in suites.SUITES[s]])
def test_suite_minima_and_f_star_by_a_second_method(name, oid):
    """SymPy's f at each listed minimizer is f*, SciPy's BFGS from there stays there, and no
    start of a multi-start L-BFGS-B search over the box ends below f*."""
    from scipy.optimize import minimize

    obj = suites.SUITES[name][oid]
    _, f, g = _sympy_f(obj)
    for m in obj.minima:
        r = minimize(f, np.array(m), jac=g, method="BFGS", options={"gtol": 1e-11})
        assert np.max(np.abs(r.x - np.array(m))) < 2e-6, (oid, r.x, m)
        if obj.f_star is not None:
            assert abs(f(m) - obj.f_star) <= 1e-9 * max(1.0, abs(obj.f_star)), (oid, f(m))
            assert abs(r.fun - obj.f_star) <= 1e-10 * max(1.0, abs(obj.f_star)), (oid, r.fun)
    if obj.f_star is not None:
        rng = np.random.default_rng(0)
        B = np.array(obj.box)
        for x0 in B[:, 0] + (B[:, 1] - B[:, 0]) * rng.random((20, obj.n)):
            r = minimize(f, x0, jac=g, method="L-BFGS-B", bounds=B)
            assert r.fun >= obj.f_star - 1e-9 * max(1.0, abs(obj.f_star)), (oid, r.x, r.fun)


@pytest.mark.parametrize("name, oid", [(s, o) for s in suites.SUITES for o in suites.SUITES[s]])
def test_a_note_without_f_star_does_not_deny_a_listed_minimum(name, oid):
    """An objective without f* that lists a (local) minimum has no *global* minimum, and its
    note says exactly that ("no minimum" would contradict the listed point); one that lists
    none says "no minimum"."""
    obj = suites.SUITES[name][oid]
    if obj.f_star is not None:
        return
    if obj.minima:
        assert obj.note.startswith("no global minimum"), (oid, obj.note)
    else:
        assert obj.note.startswith("no minimum"), (oid, obj.note)


def test_lecture_functions_without_minimum_say_so():
    import sympy as sp

    lec = suites.SUITES["lecture"]
    for oid in ("cubic", "saddle", "tanh"):
        assert lec[oid].f_star is None and lec[oid].note.startswith("no minimum")
    assert lec["xcos"].f_star is None and lec["xcos"].note.startswith("no global minimum")
    x = sp.Symbol("x", real=True)
    assert sp.limit(x**3, x, -sp.oo) == -sp.oo
    assert sp.limit(sp.tanh(x), x, -sp.oo) == -1          # approached, never attained
    c = sp.Rational(15, 100) * sp.pi                      # x·cos(cx) = −2πk/c at x = −2πk/c
    k = sp.Symbol("k", positive=True, integer=True)
    assert sp.simplify((x * sp.cos(c * x)).subs(x, -2 * sp.pi * k / c)) == -2 * sp.pi * k / c
    xm = lec["xcos"].minima[0][0]
    d1 = float(sp.diff(x * sp.cos(c * x), x).subs(x, xm))
    d2 = float(sp.diff(x * sp.cos(c * x), x, 2).subs(x, xm))
    assert abs(d1) < 1e-12 and d2 > 0


# --------------------------------------------------------------------------- randomness
def test_start_points_do_not_depend_on_the_chunk():
    box = [(-2.0, 3.0)] * 5
    whole = tasks.start_points(box, 4, "abc", 0, 50)
    parts = np.vstack([tasks.start_points(box, 4, "abc", a, min(50, a + 7))
                       for a in range(0, 50, 7)])
    assert np.array_equal(whole, parts)
    assert whole.min() >= -2 and whole.max() < 3
    assert not np.array_equal(whole, tasks.start_points(box, 5, "abc", 0, 50))


def test_minimize_batch_start_index_gives_a_start_its_own_stream():
    """Rows a..b of a stochastic batch = the batch of rows a..b with start_index=a."""
    from landscape.objective import Objective
    from optimizers.driver import minimize_batch

    obj = Objective.parse("x**2 + 3*y**2").compiled
    X0 = np.random.default_rng(1).uniform(-2, 2, (12, 2))
    full = minimize_batch(obj, X0, "sgd", lr=0.05, noise=0.7, steps=25, seed=9)
    part = minimize_batch(obj, X0[5:9], "sgd", lr=0.05, noise=0.7, steps=25, seed=9,
                          start_index=5)
    shifted = minimize_batch(obj, X0[5:9], "sgd", lr=0.05, noise=0.7, steps=25, seed=9)
    assert np.array_equal(full.x[5:9], part.x)
    assert not np.array_equal(full.x[5:9], shifted.x)


def test_hits_and_minimum_index():
    fp = np.array([[5.0, 0.5, 0.05, 0.001, np.nan], [0.2, 0.3, 0.25, np.nan, np.nan]])
    k = tasks.hits(fp, 2, 0.0, [1.0, 0.1, 0.01])
    assert k.tolist() == [[2, 4, 6], [0, -1, -1]]
    X = np.array([[1.0, 1.0005], [3.0, 2.0], [0.0, 0.0]])
    assert tasks.reached_minimum(X, [[3, 2], [1, 1]], 1e-3).tolist() == [1, 0, -1]


# --------------------------------------------------------------------------- whole runs
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("campaign")
    c = spec.load(_spec(d, SMALL))
    out = execute.run(c, d / "out")
    return c, d / "out", out


def test_rows_schema_counts_and_closed_form_hits(small):
    c, root, out = small
    assert out.total == out.computed == 2 * (2 + 1) * 3 and out.skipped == 0
    t = store.read_rows(root)
    assert t.num_rows == 2 * 3 * 24
    assert t.schema.names == store.row_schema(["lr"]).names
    # the columns the design's contract promises to scripts, in DIR/results/
    contract = ("objective objective_id method hyper seed start x0 x fun status nit nfev njev "
                "nhev minimum seconds").split()
    assert set(contract) <= set(t.schema.names)
    assert sorted((root / "results").glob("*.parquet"))
    rows = [r for r in t.to_pylist() if r["objective_id"] == "parabola" and r["method"] == "gd"]
    meta = json.loads((root / "campaign.json").read_text())
    assert meta["objectives"]["parabola"]["f_star"] == 0 and meta["tasks"] == out.total
    for r in rows:
        # gd on x²: x_k = (1 − 2η)^k x₀, so f_k = (1 − 2η)^{2k} x₀² ≤ Δ first at
        # k = ⌈ln(Δ/x₀²) / (2 ln|1 − 2η|)⌉ (0 when x₀² ≤ Δ)
        q = abs(1 - 2 * r["hp_lr"])
        f0 = r["x0"][0] ** 2
        want = []
        for delta in meta["targets"]:
            k = 0 if f0 <= delta else math.ceil(math.log(delta / f0) / (2 * math.log(q)))
            want.append(k if k <= 40 else -1)
        assert r["hit_iter"] == want, (r["x0"], r["hit_iter"], want)
        assert r["cost"] == r["nfev"] * 1 + r["njev"] * 2
        assert r["minimum"] == (0 if abs(r["x"][0]) <= 1e-3 else None)
        assert -3 <= r["x0"][0] <= 3
    sgd = [r for r in t.to_pylist() if r["method"] == "sgd"]
    assert all(r["hp_lr"] is None and r["cell"] == "" for r in sgd)
    assert json.loads(sgd[0]["hyper"])["noise"] == 0.5


def test_rows_do_not_depend_on_the_chunking(small, tmp_path):
    c, root, _ = small
    other = spec.load(_spec(tmp_path, SMALL.replace("chunk = 8", "chunk = 5")))
    execute.run(other, tmp_path / "out")
    key = ["objective_id", "method", "cell", "seed", "start"]
    drop = ["task_id", "seconds"]
    a = store.read_rows(root).drop(drop).sort_by([(k, "ascending") for k in key])
    b = store.read_rows(tmp_path / "out").drop(drop).sort_by([(k, "ascending") for k in key])
    assert a.equals(b)


def test_a_task_too_large_to_record_at_once_runs_as_sub_batches(small, monkeypatch):
    c, root, _ = small
    task = next(t for t in tasks.plan(c, {}) if t.method.name == "sgd" and
                t.objective.id == "himmelblau")
    whole = tasks.run_task(task, c)
    monkeypatch.setattr(tasks, "RECORD_BYTES", 3 * 8 * 31 * 4)  # 3 starts of 30 steps, n = 2
    assert tasks.record_cap(2, 30) == 3
    split = tasks.run_task(task, c)
    assert split.drop(["seconds"]).equals(whole.drop(["seconds"]))
    assert whole.num_rows == 8 and whole["hit_iter"].null_count == 0


def test_rerun_computes_only_the_missing_tasks(small, tmp_path):
    import shutil

    c, root, out = small
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    parts = sorted((copy / "results").glob("*.parquet"))
    for p in parts[:3]:
        p.unlink()
    (copy / "results" / ".half-written.parquet.tmp").write_bytes(b"PAR1 cut")  # a killed writer
    again = execute.run(c, copy)
    assert (again.total, again.skipped, again.computed) == (out.total, out.total - 3, 3)
    drop = ["seconds"]
    assert store.read_rows(copy).drop(drop).equals(store.read_rows(root).drop(drop))
    assert execute.run(c, copy).computed == 0


def test_a_directory_of_another_campaign_is_refused(small, tmp_path):
    c, root, _ = small
    other = spec.load(_spec(tmp_path, SMALL.replace("seed = 5", "seed = 6")))
    with pytest.raises(InputError, match="holds another campaign"):
        execute.run(other, root)
