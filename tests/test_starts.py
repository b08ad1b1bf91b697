"""Many starts: clusters of end points, weighted cost to a target, ECDF statistics, and the
breakdown printed by ``run --starts`` — each checked against an independent computation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis import plots
from analysis.starts import (
    DIVERGED,
    NOT_CONVERGED,
    OUTSIDE,
    KernelCosts,
    classify,
    cluster_points,
    from_batch,
    many_starts,
    measure_kernel_costs,
    quartiles,
    uniform_starts,
    weighted_cost,
)
from landscape import Objective
from landscape.errors import InputError
from optimizers import minimize_batch

HIMMELBLAU = "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"
BOX = np.array([[-5.0, 5.0], [-5.0, 5.0]])


def _himmelblau_f(p):
    x, y = p
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_g(p):
    x, y = p
    a, b = x * x + y - 11, x + y * y - 7
    return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])


@pytest.fixture(scope="module")
def himmelblau():
    obj = Objective.parse(HIMMELBLAU)
    return obj, obj.critical_points(box=BOX)


def test_himmelblau_clusters_match_scipy_from_the_same_starts(himmelblau):
    from scipy.optimize import minimize

    obj, cps = himmelblau
    X0 = uniform_starts(BOX, 200, 7)
    study = many_starts(obj, {"bfgs": ("bfgs", {})}, box=BOX, X0=X0, critical_points=cps)
    run = study.runs["bfgs"]
    # the four minima: (3, 2) exactly, the others to the digits of the literature
    known = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186],
                      [3.584428, -1.848126]])
    # independent classification: SciPy's BFGS from every start, nearest known minimum
    scipy_label = []
    for x0 in X0:
        r = minimize(_himmelblau_f, x0, jac=_himmelblau_g, method="BFGS",
                     options={"gtol": 1e-8})
        d = np.linalg.norm(known - r.x, axis=1)
        assert d.min() < 1e-4
        scipy_label.append(int(np.argmin(d)))
    scipy_label = np.array(scipy_label)
    # ours: each start's cluster, the cluster's critical point, that point's known minimum
    assert set(run.outcome) == {""}
    ours = []
    for c in run.cluster:
        cl = study.clusters[c]
        assert cl.kind == "minimum"
        d = np.linalg.norm(known - np.asarray(cps[cl.match].point), axis=1)
        assert d.min() < 1e-5
        ours.append(int(np.argmin(d)))
    ours = np.array(ours)
    assert np.mean(ours == scipy_label) >= 0.98
    ours_counts = np.bincount(ours, minlength=4)
    scipy_counts = np.bincount(scipy_label, minlength=4)
    assert np.all(np.abs(ours_counts - scipy_counts) <= 2), (ours_counts, scipy_counts)
    assert len(study.clusters) == 4 and ours_counts.sum() == 200
    # every start ends at a global minimum (f* = 0): all reach the target
    assert study.f_star == pytest.approx(0.0, abs=1e-12)
    assert run.success_rate == 1.0
    # the matching tolerance says its rule: 1% of the diagonal √200 of [−5, 5]² (Himmelblau's
    # critical points lie more than 4 × 0.141 apart)
    assert study.tolerance == pytest.approx(0.01 * np.sqrt(200))
    assert study.tolerance_how == "0.141 (1% of the box diagonal 14.1)"


def test_the_matching_tolerance_text_names_the_rule_that_gave_it(monkeypatch):
    """Reports said 'within the matching tolerance' and 'within 0.141 of one another' with
    no value or no source: the text gives both, the rule's fractions read from the constants
    the tolerance is computed with."""
    from analysis import sweeps
    from analysis.sweeps import basin_tolerance_text

    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    # two points 0.4 apart: a quarter of 0.4 = 0.1 < 0.141
    assert basin_tolerance_text(box, np.array([[0.0, 0.0], [0.4, 0.0]])) == (
        "0.1 (25% of the smallest distance 0.4 between two critical points)")
    assert basin_tolerance_text(box, np.zeros((0, 2))) == "0.141 (1% of the box diagonal 14.1)"
    monkeypatch.setattr(sweeps, "BASIN_SEPARATION_FRACTION", 0.2)
    monkeypatch.setattr(sweeps, "BASIN_BOX_FRACTION", 0.02)
    assert basin_tolerance_text(box, np.array([[0.0, 0.0], [0.4, 0.0]])) == (
        "0.08 (20% of the smallest distance 0.4 between two critical points)")
    assert basin_tolerance_text(box, np.zeros((0, 2))) == "0.283 (2% of the box diagonal 14.1)"


def test_cluster_points_groups_within_tolerance_led_by_the_lowest_point():
    X = np.array([[0.0, 0.0], [0.05, 0.0], [1.0, 1.0], [1.0, 1.04], [5.0, 5.0]])
    f = np.array([1.0, 0.5, 2.0, 3.0, 0.1])
    labels = cluster_points(X, f, tol=0.1)
    # leaders in order of increasing f: (5, 5), then (0.05, 0), then (1, 1)
    assert list(labels) == [1, 1, 2, 2, 0]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_cell_binned_clusters_equal_the_plain_leader_pass(n):
    from analysis.starts import _leaders_plain

    rng = np.random.default_rng(n)
    centres = rng.uniform(-3, 3, (12, n))
    X = centres[rng.integers(0, 12, 3000)] + rng.normal(0, 0.05, (3000, n))
    X[:200] = rng.uniform(-3, 3, (200, n))  # scattered points too
    f = rng.random(3000)
    tol = 0.2
    got = cluster_points(X, f, tol)
    want = _leaders_plain(X, np.argsort(f, kind="stable"), tol, 10**6,
                          np.full(3000, -1, dtype=np.int64))
    assert np.array_equal(got, want)
    # every point is within tol of its cluster's leader, the lowest point of the cluster
    for k in np.unique(got):
        members = np.flatnonzero(got == k)
        lead = members[np.argmin(f[members])]
        assert np.all(np.linalg.norm(X[members] - X[lead], axis=1) <= tol)


def test_ecdf_points_and_quartiles_against_direct_numpy():
    rng = np.random.default_rng(3)
    cost = rng.lognormal(3.0, 1.0, 57)
    cost[rng.choice(57, 9, replace=False)] = np.nan  # nine starts never reached the target
    xs, ys = plots.ecdf_points(cost)
    solved = cost[np.isfinite(cost)]
    assert np.array_equal(xs, np.sort(solved))
    # fraction of all 57 starts with a cost ≤ x, at each solved cost
    direct = np.array([np.count_nonzero(solved <= x) for x in xs]) / 57
    np.testing.assert_allclose(ys, direct, rtol=0, atol=1e-15)
    assert ys[-1] == pytest.approx(48 / 57)
    # quartiles by linear interpolation between order statistics, written out
    v = np.sort(solved)

    def q(p):
        h = (v.size - 1) * p
        lo = int(np.floor(h))
        return v[lo] + (h - lo) * (v[min(lo + 1, v.size - 1)] - v[lo])

    q25, med, q75 = quartiles(cost)
    assert (q25, med, q75) == pytest.approx((q(0.25), q(0.5), q(0.75)), rel=1e-13)
    assert med == pytest.approx(float(np.median(solved)), rel=1e-13)
    assert np.isnan(quartiles([np.nan, np.inf])[1])


def test_plot_ecdf_draws_every_point_inside_its_axes_and_legend_inside_the_figure():
    costs = {"a": np.array([3.0, 10.0, np.nan, 40.0]), "b": np.array([0.0, 2.0, 5.0, 7.0])}
    fig = plots.plot_ecdf(costs, solved="at target")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    to_axes = ax.transAxes.inverted()
    for line in [ln for ln in ax.lines if not ln.get_label().startswith("_")]:
        # in the axes' own unit square, whatever coordinates the line is drawn in (the
        # dotted line at 1 spans the axes' width: x in axes fractions)
        q = to_axes.transform(line.get_transform().transform(line.get_xydata()))
        assert np.all((q >= -1e-9) & (q <= 1.0 + 1e-9)), line.get_label()
        if line.get_transform() is ax.transData:
            x = np.asarray(line.get_xdata(), float)
            y = np.asarray(line.get_ydata(), float)
            assert np.all((x >= lo) & (x <= hi)) and np.all((y >= -0.02) & (y <= 1.05))
    a = next(ln for ln in ax.lines if ln.get_label().startswith("a:"))
    assert a.get_label() == "a: at target 3/4" and a.get_ydata()[-1] == pytest.approx(0.75)
    b = next(ln for ln in ax.lines if ln.get_label().startswith("b:"))
    assert b.get_xdata()[1] > 0  # the cost 0 is drawn at the axis floor of the log scale
    styles = {(ln.get_color(), str(ln.get_linestyle())) for ln in (a, b)}
    assert len(styles) == 2
    renderer = FigureCanvasAgg(fig).get_renderer()
    box = fig.bbox
    for leg in fig.legends + [x for x in [ax.get_legend()] if x is not None]:
        bb = leg.get_window_extent(renderer)
        assert bb.x0 >= box.x0 - 1 and bb.x1 <= box.x1 + 1
        assert bb.y0 >= box.y0 - 1 and bb.y1 <= box.y1 + 1


def test_weighted_cost_uses_the_measured_weights():
    costs = KernelCosts({"f": 1e-8, "fg": 2e-8, "h": 5e-8}, points=1, repeat=1)
    # 3 (f, ∇f) pairs at 2 and 2 Hessians at 5; then 2 extra f's at 1 each
    got = weighted_cost([3, 5], [3, 3], [2, 0], costs)
    np.testing.assert_allclose(got, [3 * 2 + 2 * 5, 3 * 2 + 2 * 1])
    with pytest.raises(InputError):
        weighted_cost([1], [2], [0], costs)  # a lone gradient, its cost not measured


def test_the_weights_say_which_kernel_each_one_times():
    """Himmelblau p. 7: "weights f 1, f and ∇f 1.46, ∇²f 1.47" left open whether 1.47 is the
    Hessian alone or f, ∇f and ∇²f together: each weight is one kernel's call, and
    weighted_cost charges a Newton step's Hessian on top of its (f, ∇f) evaluation."""
    costs = KernelCosts({"f": 1e-9, "fg": 1.5e-9, "h": 2e-9}, points=1, repeat=1)
    assert costs.text() == ("in units of one f evaluation (t_f = 1 ns): f alone 1; f with ∇f "
                            "1.5; ∇²f alone 2")
    np.testing.assert_allclose(weighted_cost([1], [1], [1], costs), [1.5 + 2])


def test_the_printed_weights_recompute_a_newton_cost():
    """Quadratic p. 8: "f and ∇f together 1.5, ∇²f alone 1.59" gave Newton's cost of 2 (f, ∇f)
    calls and one Hessian as 4.59, where the table printed 4.58 (weight 1.4956); Himmelblau
    p. 8 printed 1.464 and 1.457 both as 1.46."""
    from analysis.report import COST_DIGITS
    from landscape.numfmt import fmt

    costs = KernelCosts({"f": 1e-9, "fg": 1.4956e-9, "h": 1.5906e-9}, points=1, repeat=1)
    text = costs.text()
    assert text.endswith("): f alone 1; f with ∇f 1.496; ∇²f alone 1.591")
    shown = [float(v) for v in text.removeprefix(
        "in units of one f evaluation (t_f = 1 ns): f alone 1; f with ∇f ").split(
        "; ∇²f alone ")]
    table = fmt(float(weighted_cost([2], [2], [1], costs)[0]), COST_DIGITS)
    assert fmt(2 * shown[0] + shown[1], COST_DIGITS) == table == "4.58"
    two = KernelCosts({"f": 1e-9, "fg": 1.464e-9, "h": 1.457e-9}, points=1, repeat=1).text()
    assert "f with ∇f 1.464; ∇²f alone 1.457" in two
    # Himmelblau: 1.46996 printed "1.47" beside "1.469": a rounded weight keeps its digits
    three = KernelCosts({"f": 1e-9, "fg": 1.46996e-9, "h": 1.469e-9}, points=1, repeat=1)
    assert three.text().endswith("f with ∇f 1.470; ∇²f alone 1.469")


def test_the_weights_read_as_a_list_of_name_and_number():
    """"weights f 1, f and ∇f together 1.505, ∇²f alone 1.572" ran names and numbers together
    in one comma list: each weight is its kernel's name, then its number, the weights parted
    by semicolons."""
    costs = KernelCosts({"f": 2e-9, "fg": 3.01e-9, "g": 2.5e-9, "h": 3.144e-9},
                        points=1, repeat=1)
    head, _, tail = costs.text().partition("): ")
    assert head == "in units of one f evaluation (t_f = 2 ns"
    parts = [p.rsplit(" ", 1) for p in tail.split("; ")]
    assert [name for name, _ in parts] == ["f alone", "f with ∇f", "∇f alone", "∇²f alone"]
    np.testing.assert_allclose([float(v) for _, v in parts],
                               [1.0, 3.01 / 2, 2.5 / 2, 3.144 / 2])


def test_kernel_costs_are_measured_per_call():
    obj = Objective.parse("sum(100*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2, i, 1, n-1)", dim=30)
    X0 = uniform_starts(obj.box(), 32, 0)
    c = measure_kernel_costs(obj, X0, ("fg", "h"))
    assert set(c.seconds) == {"f", "fg", "h"}
    assert all(1e-10 < t < 1e-3 for t in c.seconds.values())
    assert c.weight("f") == 1.0 and c.weight("g") is None
    # f and ∇f together compute f, and the Hessian kernel writes 30 × 30 entries where f
    # sums 29 terms: both cost more than f alone
    assert c.weight("fg") > 1.0 and c.weight("h") > 1.5
    again = measure_kernel_costs(obj, X0, ("fg", "h"))
    assert again.weight("h") == pytest.approx(c.weight("h"), rel=0.5)


def _numpy_gd(x0: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """GD on x⁴ − x² written out: x ← x − lr·(4x³ − 2x)."""
    x = x0.astype(float).copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - lr * (4 * x**3 - 2 * x)
    return x


def test_diverging_starts_are_counted_as_diverged():
    obj = Objective.parse("x**4 - x**2")
    box = np.array([[-5.0, 5.0]])
    X0 = uniform_starts(box, 60, 2)
    study = many_starts(obj, {"gd": ("gd", {"lr": 0.05})}, box=box, X0=X0,
                        critical_points=obj.critical_points(box=box))
    run = study.runs["gd"]
    end = _numpy_gd(X0[:, 0], 0.05, 1000)
    blew_up = ~np.isfinite(end) | (np.abs(end) > 1e8)
    assert 0 < blew_up.sum() < 60  # both kinds of start are present
    assert np.array_equal(run.outcome == DIVERGED, blew_up)
    counts = run.counts()
    assert counts[DIVERGED] == int(blew_up.sum())
    # the others converged to ±1/√2, the two minima
    assert all(study.clusters[k].kind == "minimum" for k in counts if isinstance(k, int))
    assert not np.any(run.reached[blew_up])
    assert run.success_rate == pytest.approx(1 - blew_up.mean())


def test_outside_the_box_and_not_converged_classes():
    obj = Objective.parse("(x - 7)**2 + y**2")
    batch = minimize_batch(obj, uniform_starts(BOX, 10, 0), "bfgs")
    run = from_batch("bfgs", batch)
    classify([run], BOX, obj.critical_points(box=BOX))
    assert list(run.outcome) == [OUTSIDE] * 10
    batch = minimize_batch(obj, uniform_starts(BOX, 10, 0) / 10, "gd", lr=1e-3, maxiter=3)
    run = from_batch("gd", batch)
    classify([run], BOX, None)
    assert list(run.outcome) == [NOT_CONVERGED] * 10


def _cli(capsys, *argv):
    from analysis.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_starts_prints_where_the_starts_ended(capsys):
    code, out, err = _cli(capsys, "run", HIMMELBLAU, "--method", "gd", "--lr", "0.01",
                          "--starts", "40", "--seed", "5")
    assert code == 0, err
    assert "Where the starts ended" in out and "9 critical points" in out
    lines = [ln for ln in out.splitlines() if "(minimum)" in ln and "f = " in ln]
    assert sum(int(ln.split()[0]) for ln in lines) == 40
    assert "Reached f ≤ 1e-06: 40 of 40 (100.0%)" in out


def test_run_starts_json_adds_ends_and_keeps_the_contract(capsys, himmelblau):
    _, cps = himmelblau
    code, out, err = _cli(capsys, "run", HIMMELBLAU, "--method", "gd", "--lr", "0.01",
                          "--starts", "40", "--seed", "5", "--json")
    assert code == 0, err
    rec = json.loads(out)
    for key in ("method", "x", "fun", "jac", "nit", "nfev", "njev", "nhev", "status",
                "success", "message", "n_starts", "summary"):
        assert key in rec
    ends = rec["ends"]
    assert len(ends["cluster"]) == 40 and ends["target_success_rate"] == 1.0
    assert sum(o["count"] for o in ends["outcomes"]) == 40
    # each start's cluster is the critical point nearest to its own end point
    pts = np.array([cp.point for cp in cps])
    by_cluster = {o["cluster"]: o["critical_point"] for o in ends["outcomes"]}
    for x, c in zip(rec["x"], ends["cluster"], strict=True):
        assert by_cluster[c] == int(np.argmin(np.linalg.norm(pts - np.array(x), axis=1)))
    # the same seed gives byte-identical JSON
    code2, out2, _ = _cli(capsys, "run", HIMMELBLAU, "--method", "gd", "--lr", "0.01",
                          "--starts", "40", "--seed", "5", "--json")
    assert code2 == 0 and out2 == out


def test_run_starts_counts_diverged_starts(capsys):
    code, out, err = _cli(capsys, "run", "x**4 - x**2", "--method", "gd", "--lr", "0.05",
                          "--starts", "60", "--seed", "2", "--json")
    assert code == 0, err
    rec = json.loads(out)
    X0 = uniform_starts(np.array([[-5.0, 5.0]]), 60, 2)
    end = _numpy_gd(X0[:, 0], 0.05, 1000)
    blew_up = ~np.isfinite(end) | (np.abs(end) > 1e8)
    outcome = np.array(rec["ends"]["outcome"])
    assert np.array_equal(outcome == "diverged", blew_up)
    row = next(o for o in rec["ends"]["outcomes"] if o["outcome"] == "diverged")
    assert row["count"] == int(blew_up.sum())


def test_each_method_is_timed_after_a_warm_up_call(monkeypatch):
    """The batch time of every method, the first included, excludes the first call's set-up
    (compiling or loading the kernels, starting the threads): each method's first call is an
    untimed warm-up on the whole batch, its
    timed calls come after it, and the reported time is the fastest timed call."""
    import optimizers
    from analysis import starts

    calls: list[tuple[str, int]] = []
    real = optimizers.minimize_batch

    def spy(obj, X0, method, **kw):
        calls.append((method, int(np.asarray(X0).shape[0])))
        return real(obj, X0, method, **kw)

    monkeypatch.setattr(optimizers, "minimize_batch", spy)
    obj = Objective.parse("0.1*x**2 + 2*y**2")
    X0 = uniform_starts(BOX, 30, 3)
    study = many_starts(obj, {"gd": ("gd", {"lr": 0.2}), "momentum": ("momentum", {})},
                        box=BOX, X0=X0)
    for method in ("gd", "momentum"):
        mine = [n for m, n in calls if m == method]
        assert all(n == 30 for n in mine), "the warm-up runs the same batch as the timed calls"
        assert 2 <= len(mine) <= starts.TIME_REPEATS + 1
        run = study.runs[method]
        assert run.timed_calls == len(mine) - 1
    # the result is the full batch's: the same end points as a direct call
    direct = real(obj, X0, "gd", lr=0.2)
    np.testing.assert_array_equal(study.runs["gd"].x, direct.x)


def test_timed_batch_keeps_the_fastest_call_and_the_warm_up_result():
    from analysis.starts import timed_batch

    seen = []
    clock = iter([0.0, 3.0, 3.0, 4.0, 4.0, 6.0])  # timed calls last 3, 1 and 2 s

    def run(P):
        seen.append(len(P))
        return len(seen)

    out, times = timed_batch(run, np.zeros((5, 2)), repeats=3, budget=100.0,
                             clock=lambda: next(clock))
    assert seen == [5, 5, 5, 5]  # the warm-up on the whole batch comes first, untimed
    assert out == 1 and times == [3.0, 1.0, 2.0]


def test_timed_batch_times_one_thread_after_a_parallel_warm_up(monkeypatch):
    """The warm-up (whose result is returned) runs with every thread; the timed calls run on
    one thread, so no wait for a descheduled thread enters the figure; the thread count is
    restored afterwards."""
    import numba

    from analysis.starts import timed_batch

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one thread only: nothing to tell apart")
    old = numba.get_num_threads()
    numba.set_num_threads(2)
    try:
        threads = []
        timed_batch(lambda P: threads.append(numba.get_num_threads()), np.zeros((4, 2)),
                    repeats=3, budget=100.0)
        assert threads == [2, 1, 1, 1]
        assert numba.get_num_threads() == 2
    finally:
        numba.set_num_threads(old)


def test_batch_time_grows_with_the_work_not_the_machine():
    """On 0.1x² + 2y², Newton converges in 1 iteration and Adam (lr 0.067) needs about 300:
    the measured batch time of Newton is far below Adam's on the same starts.  (The parallel
    wall time made them equal on busy shared cores: 7.96 ms against 7.93 ms.)"""
    obj = Objective.parse("0.1*x**2 + 2*y**2")
    X0 = uniform_starts(BOX, 100, 0)
    study = many_starts(obj, {"newton": ("newton", {}), "adam": ("adam", {"lr": 0.067})},
                        box=BOX, X0=X0)
    newton, adam = study.runs["newton"], study.runs["adam"]
    assert np.max(newton.nit) <= 2 and np.median(adam.nit) > 100
    # the work differs by a factor of about 20 (0.09 ms against 1.8 ms measured); a margin of 4
    assert 4 * newton.seconds < adam.seconds


def test_a_starts_run_keeps_the_gradient_tolerance_it_stopped_on():
    """The many-starts pages state the gradient tolerance by its value, read from the batch."""
    obj = Objective.parse("x**2 + y**2")
    batch = minimize_batch(obj, np.array([[1.0, 2.0], [-1.0, 0.5]]), "gd", lr=0.1, gtol=3e-7)
    assert from_batch("gd", batch).gtol == 3e-7
