"""Sweeps against theory: lr thresholds, momentum stability maps, basins of attraction."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis import theory
from analysis.sweeps import (
    basins,
    diverging,
    lr_sweep,
    momentum_stability_map,
    predicted_lr_threshold,
)
from landscape import Objective
from optimizers import minimize

LAM = (1.0, 10.0)


@pytest.fixture(scope="module")
def quad() -> Objective:
    return Objective.parse("0.5*x**2 + 5*y**2")


@pytest.fixture(scope="module")
def himmelblau() -> Objective:
    return Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")


# ------------------------------------------------------------------------ lr sweeps


def test_gd_threshold_on_x_squared():
    s = lr_sweep(Objective.parse("x**2"), "gd", [1.0], np.linspace(0.8, 1.2, 9))
    assert s.predicted_threshold == pytest.approx(1.0)
    # η = 1: x ← x − 2x = −x alternates ±x₀ (closed form), a 2-cycle: not convergent, not
    # diverging; the first η that does not converge to 0 is 1, the threshold itself
    assert s.observed_threshold == pytest.approx(1.0)
    assert s.bracket == pytest.approx((0.95, 1.0))
    assert s.brackets_prediction() and s.monotone
    assert list(s.diverged) == [lr > 1.0 + 1e-12 for lr in s.lrs]
    assert s.hessian_constant  # f'' = 2 everywhere
    assert not lr_sweep(Objective.parse("x**4/4 + x**2"), "gd", [1.0], [0.5],
                        steps=5).hessian_constant  # f'' = 3x² + 2
    assert list(s.bounded) == [abs(lr - 1.0) < 1e-12 for lr in s.lrs]
    assert s.final_error[4] == pytest.approx(1.0)  # lr = 1: x alternates between 1 and -1
    json.dumps(s.to_json(), allow_nan=False)


@pytest.mark.parametrize("method, hyper, expected", [
    ("momentum", {"momentum": 0.5}, 2 * 1.5 / 10),
    ("nesterov", {"momentum": 0.5}, 2 * 1.5 / (2.0 * 10)),
    ("sgd", {}, 0.2),
    ("sgd", {"noise": 0.1}, 0.2),
])
def test_momentum_thresholds_bracketed(quad, method, hyper, expected):
    s = lr_sweep(quad, method, [1.0, 1.0], np.linspace(0.1, 0.5, 41), **hyper)
    assert s.predicted_threshold == pytest.approx(expected)
    assert s.brackets_prediction() and s.monotone
    assert s.bracket[1] - s.bracket[0] == pytest.approx(0.01)
    assert s.time < 5.0


def test_cyclic_coordinate_gradient_threshold_bracketed():
    rotated = Objective.parse("(169*(x - 1)**2 - 216*(x - 1)*(y + 2) + 106*(y + 2)**2)/50")
    s = lr_sweep(rotated, "coordinate", [-1.0, 1.0], np.linspace(0.2, 0.6, 21),
                 update="gradient")
    assert s.minimizer == pytest.approx([1.0, -2.0])
    assert s.predicted_threshold == pytest.approx(0.38378, rel=1e-4)
    assert s.bracket == pytest.approx((0.38, 0.40)) and s.brackets_prediction()


def test_predicted_thresholds_are_the_theory_stability_edges():
    H = np.array([[169.0, -108.0], [-108.0, 106.0]]) / 25.0
    for b in (0.0, 0.3, 0.9):
        hb, _ = predicted_lr_threshold("momentum", {"momentum": b}, LAM)
        assert theory.heavy_ball_stable(hb * (1 - 1e-9), b, LAM)
        assert not theory.heavy_ball_stable(hb * (1 + 1e-9), b, LAM)
        nv, _ = predicted_lr_threshold("nesterov", {"momentum": b}, LAM)
        assert theory.nesterov_stable(nv * (1 - 1e-9), b, LAM)
        assert not theory.nesterov_stable(nv * (1 + 1e-9), b, LAM)
    cd, _ = predicted_lr_threshold("coordinate", {"update": "gradient"}, LAM, H)
    assert cd > 2.0 / H[0, 0]  # the P-regular bound 2/max H_ii is only sufficient
    assert theory.coordinate_rate(H, cd * (1 - 1e-9)) < 1.0 <= theory.coordinate_rate(H, cd)
    assert predicted_lr_threshold("adam", {}, LAM)[0] is None


def test_divergence_is_judged_by_the_error_trend():
    obj = Objective.parse("x**2")
    marginal = minimize(obj, [1.0], "gd", lr=1.0, steps=100, record=True)
    assert not diverging(marginal.path, marginal.status, [0.0])
    slow = minimize(obj, [1.0], "gd", lr=1.005, steps=100, record=True)  # |1 - 2 lr| = 1.01
    assert slow.status == "steps" and diverging(slow.path, slow.status, [0.0])
    assert diverging(slow.path, slow.status, None)  # step lengths grow too


# ------------------------------------------------------------------------ stability maps


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_stability_map_agrees_with_theory(quad, nesterov):
    lrs = np.linspace(0.02, 0.6, 24)
    momenta = np.linspace(0.0, 0.9, 10)
    m = momentum_stability_map(quad, [1.0, 1.0], lrs, momenta, nesterov=nesterov)
    assert m.measured_rate.shape == m.predicted_radius.shape == (10, 24)
    assert np.allclose(m.predicted_radius,
                       theory.momentum_radius_grid(LAM, lrs, momenta, nesterov=nesterov))
    assert np.all(np.isnan(m.measured_rate[m.diverged]))
    assert m.agreement["stable_cells"] >= 30
    assert m.agreement["rate"] >= 0.95
    settles = (m.predicted_radius < 0.99) & ~m.diverged & (m.predicted_radius ** 300 <= 1e-3)
    assert m.agreement["settling_cells"] == int(settles.sum()) > 0
    assert m.agreement["rate_settling"] >= 0.95
    assert m.agreement["stability_away_from_boundary"] == 1.0
    assert m.diverged.any() and (~m.diverged).any()
    json.dumps(m.to_json(), allow_nan=False)


# ------------------------------------------------------------------------ basins


@pytest.mark.parametrize("method, hyper", [("gd", {"lr": 0.005}), ("newton", {})])
def test_himmelblau_basins_are_minima(himmelblau, method, hyper):
    b = basins(himmelblau, method, resolution=21, **hyper)  # grid step 0.5 contains (3, 2)
    assert b.labels.shape == (21, 21)
    assert sum(b.counts.values()) == 21 * 21
    assert min(b.counts) >= 0
    assert {b.kinds[k] for k in b.counts} == {"minimum"}
    assert len(b.counts) == 4  # every minimum has a basin
    i, j = list(b.xs).index(3.0), list(b.ys).index(2.0)
    assert b.points[b.labels[j, i]] == pytest.approx([3.0, 2.0])
    json.dumps(b.to_json(), allow_nan=False)


def test_pure_newton_basins_include_saddles(himmelblau):
    b = basins(himmelblau, "newton", resolution=21, line_search="none", modification="none")
    assert {"minimum", "saddle", "maximum"} <= {b.kinds[k] for k in b.counts if k >= 0}


def test_one_dimensional_basins():
    obj = Objective.parse("x*cos(c*x)", params={"c": "0.15*pi"})
    b = basins(obj, "gd", resolution=101, lr=0.05)
    assert b.ys is None and b.labels.shape == (101,)
    assert sum(b.counts.values()) == 101
    assert all(b.kinds[k] == "minimum" for k in b.counts if k >= 0)
    x_min = b.points[[k for k, kind in enumerate(b.kinds) if kind == "minimum"][0], 0]
    assert np.all(b.labels[b.xs < x_min] >= 0)  # left of the minimum everything flows in
    at = basins(obj, "gd", critical_points=b.points, resolution=3, lr=0.05,
                box=[[x_min, x_min + 1.0]])
    assert at.labels[0] >= 0 and at.points[at.labels[0], 0] == x_min


def test_three_variables_use_a_slice():
    obj = Objective.parse("x**2 + y**2 + (z - 1)**2 - x*y")
    b = basins(obj, "gd", resolution=5, lr=0.1)
    assert b.labels.shape == (5, 5) and b.slice_at == pytest.approx([0.0, 0.0, 1.0])
    assert b.counts == {0: 25}


def test_converging_to_another_point_is_not_divergence():
    from analysis.sweeps import diverging

    k = np.arange(60.0)
    elsewhere = (5.0 - 4.0 * 0.8**k)[:, None]  # from 1 to the point 5, away from x* = 0
    assert not diverging(elsewhere, "steps", [0.0])
    blowing_up = (1.2**k)[:, None]  # |1 − ηλ| = 1.2: the classic divergence
    assert diverging(blowing_up, "steps", [0.0])
    oscillating = ((-1.1) ** k)[:, None]  # overshooting with growing amplitude
    assert diverging(oscillating, "steps", [0.0])


def test_basins_name_minima_outside_the_box():
    """x·cos(cx), c = 0.15π, on [−20, 20]: starts near the right edge converge to the
    minimum just outside the box.  Independent answer: f′(x) = cos(cx) − c·x·sin(cx) = 0
    solved by SciPy's brentq on [20, 21], where f″ > 0."""
    from scipy.optimize import brentq

    c = 0.15 * np.pi
    obj = Objective.parse("x*cos(c*x)", params={"c": "0.15*pi"})
    root = brentq(lambda x: np.cos(c * x) - c * x * np.sin(c * x), 20.0, 21.0, xtol=1e-14)
    assert -2 * c * np.sin(c * root) - c * c * root * np.cos(c * root) > 0  # a minimum
    bm = basins(obj, "gd", [(-20.0, 20.0)], resolution=201, lr=0.2, maxiter=3000)
    outside = [i for i, inside in enumerate(bm.inside) if not inside]
    assert len(outside) == 1
    (i,) = outside
    assert bm.kinds[i] == "minimum"
    assert bm.points[i][0] == pytest.approx(root, abs=1e-9)
    assert bm.counts.get(i, 0) > 0
    # the starts at the right edge of the box converge there, not "not converged"
    assert bm.labels[-1] == i
    json.dumps(bm.to_json())


def test_basins_name_two_cycles():
    """GD on x² with η = 1: x ← x − 2x = −x, a 2-cycle from every start but 0 (closed form)."""
    bm = basins(Objective.parse("x**2"), "gd", [(-1.0, 1.0)], resolution=21, lr=1.0,
                steps=50)
    from analysis.sweeps import CYCLE

    assert bm.cycles == {2: 20}
    assert bm.labels[10] == 0  # the start at 0 is the minimizer itself
    assert np.sum(bm.labels == CYCLE) == 20


def test_himmelblau_two_cycle_past_the_step_limit(himmelblau):
    """GD with η = 0.0199 > 2/L = 0.01897 (L = 105.4 at the minimum (3.584, −1.848)): starts
    near that minimum settle on the 2-cycle (3.9168, −1.8070) ↔ (3.1183, −1.8818).  The cycle
    is checked independently: two NumPy GD steps from it return to it."""
    def grad(p):
        x, y = p
        return np.array([4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
                         2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)])

    bm = basins(himmelblau, "gd", [(3.4, 3.8), (-2.0, -1.7)], resolution=5, lr=0.0199,
                maxiter=4000)
    assert bm.cycles.get(2, 0) > 0
    p = np.array([3.9168, -1.8070])
    for _ in range(2000):
        p = p - 0.0199 * grad(p)
    q = p - 0.0199 * grad(p)
    assert np.linalg.norm(p - q) > 0.5 and np.linalg.norm(q - 0.0199 * grad(q) - p) < 1e-9


def test_two_cycle_past_the_limit_is_not_convergent(himmelblau):
    """GD from (3.6, −1.85) near the minimum (3.584, −1.848) where L = 105.4, 2/L = 0.01897:
    η = 0.0199 settles on a 2-cycle (not convergent, not diverging), η = 0.018 converges.
    The sweep's observed threshold brackets 2/L, consistent with the theory."""
    s = lr_sweep(himmelblau, "gd", [3.6, -1.85], [0.018, 0.0199], steps=4000)
    assert s.predicted_threshold == pytest.approx(2 / 105.4, rel=2e-3)
    assert list(s.bounded) == [False, True] and not s.diverged.any()
    assert s.observed_threshold == 0.0199 and s.brackets_prediction()


def test_a_fixed_step_cycling_at_a_kink_has_no_basin():
    from analysis.sweeps import CYCLE
    # GD with lr = 1 on |x| + relu(y-1) + y^2/2: y -> 0 in at most two steps, x -> x - sign(x)
    # ends on the 2-cycle {r, r - 1} (0 < r < 1) from every start except integer x, where it
    # lands exactly on the kink 0 (a grid coincidence: x = -5 + i/6 is an integer for the 11
    # columns i = 0, 6, ..., 60). No start may be counted in the basin of (0, 0): the exact
    # landings are rerun from a start moved by a hair, and the non-converged starts that end
    # near (0, 0) are on the cycle.
    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    b = basins(obj, "gd", [[-5.0, 5.0], [-5.0, 5.0]], resolution=61, lr=1.0)
    assert b.exact_landings == 11 * 61
    assert b.counts == {CYCLE: 61 * 61} and b.cycles == {2: 61 * 61}
    assert b.status_counts == {"maxiter": 61 * 61}


def test_a_step_above_the_threshold_is_classified_by_what_the_run_did(himmelblau):
    """Himmelblau's report sweep (x₀ = (1.37, −2.3), 200 steps): the steps 0.0253 and 0.0304,
    above 2/L = 0.01897 at the minimizer (3.584, −1.848), ended 0.69 and 2.2 from it while
    their iterates kept wandering around it (40 distinct points in the last 40 steps); they
    were labelled "not yet converged", which no step above 2/L can be."""
    thr = 2.0 / 105.42
    s = lr_sweep(himmelblau, "gd", [1.37, -2.3], [0.5 * thr, 1.33 * thr, 1.6 * thr], steps=200)
    assert s.predicted_threshold == pytest.approx(0.01897, rel=1e-3)
    above = s.lrs > s.predicted_threshold
    assert above.tolist() == [False, True, True]
    # every run above the threshold: diverged, cycled/banded, or gone elsewhere
    assert np.all(s.not_convergent[above])
    assert np.all(s.bounded[above]) and not s.elsewhere.any()
    assert s.final_error[0] < 1e-6 and not s.not_convergent[0]
    assert s.observed_threshold == pytest.approx(s.lrs[1])


def test_unstable_outcome_tells_a_band_from_another_point():
    from analysis.sweeps import unstable_outcome

    xs = np.zeros(2)
    band = np.array([[np.cos(k), np.sin(1.7 * k)] for k in range(50)])  # never stops
    assert unstable_outcome(band, xs, 1e-6) == "bounded"
    gone = np.vstack([band, np.tile([[3.0, 2.0]], (5, 1))])  # stops at (3, 2)
    assert unstable_outcome(gone, xs, 1e-6) == "elsewhere"
    home = np.vstack([band, np.zeros((3, 2))])  # lands on x* exactly
    assert unstable_outcome(home, xs, 1e-6) == "converged"


def test_a_band_is_around_x_star_only_when_its_centre_is_within_its_radius():
    """Himmelblau's η sweep said a run "kept moving on a cycle or band around x*" that ended
    at error 2.17 in a band centred near x = 2.25: such a band is away from x*."""
    from types import SimpleNamespace as NS

    from analysis.report import unstable_steps_text
    from analysis.sweeps import band_around

    two_cycle = np.array([[(-1.0) ** k * 0.5, 0.0] for k in range(40)])  # ±0.5 around 0
    assert band_around(two_cycle, [0.0, 0.0])
    far = np.array([[2.25 + 0.1 * np.cos(k), 0.1 * np.sin(1.7 * k)] for k in range(40)])
    assert not band_around(far, [0.0, 0.0])  # centre 2.25 away, radius ≈ 0.1
    assert band_around(far, [2.3, 0.0])
    sw = NS(predicted_threshold=1.0, lrs=np.array([0.5, 2.0, 3.0]),
            diverged=np.zeros(3, bool), elsewhere=np.zeros(3, bool),
            bounded=np.array([False, True, True]), band_away=np.array([False, False, True]))
    (text,) = unstable_steps_text(sw)
    assert "1 kept moving on a cycle or band around x*" in text
    assert "1 moved in a band not around x*" in text
    assert "radius" in text and "nearest other minimum" in text  # the rule is said


def test_a_band_with_x_star_near_its_rim_or_wider_than_the_way_to_another_minimum():
    """Himmelblau's GD at η = 0.0304 ended in a band centred 1.33 from x* with radius 2.35;
    the rule called it "around x*".  x* must lie well inside the band (within half its
    radius of the centre), and the band must be narrower than the way to another minimum."""
    from analysis.sweeps import band_around

    t = np.arange(60)
    rim = np.c_[1.33 + 2.35 * np.cos(t), 2.35 * np.sin(t)]  # centre ≈ (1.33, 0), r ≈ 2.35
    c = rim[30:].mean(axis=0)
    r = np.max(np.linalg.norm(rim[30:] - c, axis=1))
    assert np.linalg.norm(c) <= r  # inside the ball: the old rule said "around"
    assert not band_around(rim, [0.0, 0.0])
    centred = np.c_[2.0 * np.cos(t), 2.0 * np.sin(t)]
    assert band_around(centred, [0.0, 0.0])
    assert band_around(centred, [0.0, 0.0], others=[[5.0, 0.0]])
    assert not band_around(centred, [0.0, 0.0], others=[[1.5, 0.0], [9.0, 9.0]])


def test_basin_map_counts_converged_apart_from_ended_near():
    """Rosenbrock report p. 14: GD with η = 3.658e−05 met the gradient tolerance from no start
    in 1 000 iterations (0 of 100 in the starts table), yet the map said 60 of 3 721 starts
    "converged" to P1: those ended within 0.141 of (1, 1) at the iteration limit.  Independent
    count: one batch of the same grid starts, by status and by distance to (1, 1); and the
    starts table's classification of that batch ("not converged, near P1 (minimum)")."""
    from types import SimpleNamespace

    from analysis import plots
    from analysis.starts import classify, from_batch
    from optimizers import minimize_batch

    obj = Objective.parse("100*(y - x**2)**2 + (1 - x)**2")
    box, lr = [[-5.0, 5.0], [-5.0, 5.0]], 3.658e-05
    # 20 points per axis: no grid start is (1, 1) itself (the map moves such a start)
    bm = basins(obj, "gd", box, resolution=20, critical_points=[[1.0, 1.0]], lr=lr)
    g = np.linspace(-5.0, 5.0, 20)
    XX, YY = np.meshgrid(g, g)
    batch = minimize_batch(obj, np.column_stack([XX.ravel(), YY.ravel()]), "gd", lr=lr)
    status = np.asarray(batch.status).astype(str)
    near = np.linalg.norm(batch.x - [1.0, 1.0], axis=1) <= 0.01 * np.hypot(10.0, 10.0)
    converged = int(np.sum(near & (status == "converged")))
    ended_near = int(np.sum(near & (status != "converged")))
    assert converged == 0 and ended_near > 0
    assert int(np.sum((bm.labels == 0) & bm.converged)) == converged
    assert bm.near_counts() == {0: ended_near}
    run = from_batch("GD", batch)
    cp = SimpleNamespace(point=np.array([1.0, 1.0]), kind="minimum", value=0.0)
    classify([run], box, [cp])
    assert int(np.sum(run.outcome == "not converged, near P1 (minimum)")) == ended_near
    texts = [t.get_text().replace("\n", " ")  # a legend beside the map wraps its labels
             for leg in plots.plot_basins(bm, names=[((1, 1), "P1")]).legends
             for t in leg.get_texts()]
    share = plots.starts_share(ended_near, 400)
    assert f"not converged, near P1, minimum at (1, 1): {share}" in texts
    assert not any(t.startswith("→") for t in texts)  # no start converged
    assert f"diverged / not converged, near no critical point: " \
           f"{plots.starts_share(400 - ended_near, 400)}" in texts
    assert json.loads(json.dumps(bm.to_json()))["near_counts"] == {"0": ended_near}
