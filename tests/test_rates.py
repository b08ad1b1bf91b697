"""Theory against measurement: real compiled runs compared with analysis.theory, to 1%."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from analysis import theory
from analysis.empirical import errors, fit_linear_rate
from analysis.rates import RateStudy, rate_study, rate_table, refine_critical_point
from landscape import Objective
from landscape.numfmt import fmt

LAM = (1.0, 10.0)
DIAG = "0.5*x**2 + 5*y**2"
# ½ (z - z*)ᵀ R diag(1, 10) Rᵀ (z - z*) with R = [[3/5, -4/5], [4/5, 3/5]], z* = (1, -2)
ROTATED = "(169*(x - 1)**2 - 216*(x - 1)*(y + 2) + 106*(y + 2)**2)/50"
DESIGN_KEYS = {"method", "hyper", "minimizer", "eigenvalues", "predicted", "measured", "agree",
               "reason", "minimizer_how"}


@pytest.fixture(scope="module")
def quadratics() -> dict[str, tuple[Objective, list[float]]]:
    return {"diag": (Objective.parse(DIAG), [1.0, 1.0]),
            "rotated": (Objective.parse(ROTATED), [-1.0, 1.0])}


@pytest.fixture(scope="module")
def exp_minus_x() -> Objective:
    return Objective.parse("exp(x) - x")


def assert_rate_matches(s: RateStudy, rate: float) -> None:
    """Measured linear rate within 1% of ``rate`` and the comparison agrees."""
    assert s.measurement.kind == "linear", s.measurement
    assert s.prediction.rate == pytest.approx(rate, rel=1e-12)
    assert s.comparison.agree, s.comparison
    assert s.comparison.rel_diff < 0.01
    assert abs(s.measurement.rate - rate) / rate < 0.01


def jordan_rate(s: RateStudy) -> float:
    """Linear rate of e_k/(k+1): the rate of ||e_k|| ~ C k r^k without the k factor."""
    e = errors(s.result.path, s.minimizer)
    rate, _ = fit_linear_rate(e / np.arange(1, e.size + 1))
    return rate


# ------------------------------------------------------------------------ first order


@pytest.mark.parametrize("name", ["diag", "rotated"])
def test_quadratic_minimizer_and_spectrum_are_exact(quadratics, name):
    obj, x0 = quadratics[name]
    s = rate_study(obj, "gd", x0, lr=0.1)
    assert s.minimizer_how == "exact"
    assert s.eigenvalues == pytest.approx(LAM, rel=1e-14)
    assert s.minimizer == pytest.approx([0.0, 0.0] if name == "diag" else [1.0, -2.0], abs=1e-15)
    assert not s.degenerate and s.leading_order is None


@pytest.mark.parametrize("name", ["diag", "rotated"])
@pytest.mark.parametrize("lr", [0.05, 0.18, theory.gd_optimal(LAM)[0]])
def test_gd_rate(quadratics, name, lr):
    obj, x0 = quadratics[name]
    assert_rate_matches(rate_study(obj, "gd", x0, lr=lr), theory.gd_rate(lr, LAM))


@pytest.mark.parametrize("name", ["diag", "rotated"])
@pytest.mark.parametrize("lr, momentum", [(0.1, 0.5), (0.05, 0.8), (0.15, 0.3)])
def test_heavy_ball_rate(quadratics, name, lr, momentum):
    obj, x0 = quadratics[name]
    s = rate_study(obj, "momentum", x0, lr=lr, momentum=momentum)
    assert_rate_matches(s, theory.heavy_ball_radius(lr, momentum, LAM))


@pytest.mark.parametrize("name", ["diag", "rotated"])
@pytest.mark.parametrize("lr, momentum", [(0.1, 0.5), (0.05, 0.8)])
def test_nesterov_rate(quadratics, name, lr, momentum):
    obj, x0 = quadratics[name]
    s = rate_study(obj, "nesterov", x0, lr=lr, momentum=momentum)
    assert_rate_matches(s, theory.nesterov_radius(lr, momentum, LAM))


@pytest.mark.parametrize("name", ["diag", "rotated"])
@pytest.mark.parametrize("method, tuning", [("momentum", theory.polyak_optimal),
                                            ("nesterov", theory.nesterov_standard),
                                            ("nesterov", theory.nesterov_optimal)])
def test_optimal_momentum_rates(quadratics, name, method, tuning):
    """Tuned parameters give a double root: ||e_k|| ~ C k r^k.  The run agrees with theory
    (compare's double-root rule) and e_k/(k+1) contracts at r to 1%."""
    obj, x0 = quadratics[name]
    lr, momentum, rate = tuning(LAM)
    s = rate_study(obj, method, x0, lr=lr, momentum=momentum)
    assert s.prediction.rate == pytest.approx(rate, rel=1e-6)  # sqrt of a ~0 discriminant
    assert s.prediction.details.get("double_root")
    assert s.comparison.agree, s.comparison
    assert s.measurement.rate >= rate
    assert abs(jordan_rate(s) - rate) / rate < 0.01


def test_coordinate_descent_rates(quadratics):
    obj, x0 = quadratics["rotated"]
    H = np.array([[169.0, -108.0], [-108.0, 106.0]]) / 25.0
    s = rate_study(obj, "coordinate", x0)  # exact cyclic minimisation = Gauss–Seidel
    assert s.hessian == pytest.approx(H, rel=1e-14)
    assert_rate_matches(s, theory.coordinate_rate(H))
    assert s.measurement.rate == pytest.approx(108.0**2 / (169.0 * 106.0), rel=0.01)
    for lr in (0.05, 0.1, 0.15):
        s = rate_study(obj, "coordinate", x0, update="gradient", lr=lr)
        assert_rate_matches(s, theory.coordinate_rate(H, lr))


# ------------------------------------------------------------------------ Newton, CG


def test_newton_quadratic_order(exp_minus_x):
    s = rate_study(exp_minus_x, "newton", [1.0], line_search="none")
    assert s.prediction.kind == "quadratic"
    assert s.measurement.kind == "quadratic"
    assert s.measurement.order == pytest.approx(2.0, abs=0.1)
    assert s.comparison.agree


def test_newton_rosenbrock_order():
    obj = Objective.parse("100*(y - x**2)**2 + (1 - x)**2")
    s = rate_study(obj, "newton", [-1.2, 1.0])
    assert s.minimizer_how == "exact" and s.minimizer == pytest.approx([1.0, 1.0])
    assert s.measurement.kind == "quadratic"
    assert s.measurement.order == pytest.approx(2.0, abs=0.1)
    assert s.comparison.agree


def test_newton_cubic_order_when_third_derivatives_vanish():
    # Newton on cosh(x): x <- x - tanh(x) = x^3/3 + O(x^5), so e_(k+1)/e_k^3 -> 1/3
    obj = Objective.parse("cosh(x)")
    s = rate_study(obj, "newton", [1.0], line_search="none")
    x = [1.0]
    while abs(x[-1]) > 1e-30 and len(x) < 10:
        x.append(x[-1] - math.tanh(x[-1]))
    assert s.result.path[:4, 0] == pytest.approx(x[:4], rel=1e-12)
    assert abs(x[3]) / abs(x[2]) ** 3 == pytest.approx(1 / 3, rel=0.02)
    assert s.prediction.order == 3.0 and s.prediction.kind == "superlinear"
    assert s.measurement.order == pytest.approx(3.0, rel=0.1)
    assert s.comparison.agree
    # a nonzero third derivative (exp(-x) + x has f'''(0) = -1) keeps the quadratic prediction
    plain = rate_study(Objective.parse("exp(-x) + x"), "newton", [1.0], line_search="none")
    assert plain.prediction.order == 2.0 and plain.prediction.kind == "quadratic"


def test_order_compare_band_and_preasymptotic_estimate():
    from analysis.compare import compare
    from analysis.empirical import Measurement

    pred = theory.predict("newton", {"line_search": "none"}, [2.0])
    ok = Measurement("quadratic", None, 2.4, (3, 8), floor_index=8)
    assert compare(pred, ok).verdict == "agrees"
    early = Measurement("superlinear", None, 1.72, (5, 7), floor_index=8)
    c = compare(pred, early)
    assert c.verdict == "not comparable" and "floor" in c.reason
    slow = Measurement("superlinear", None, 1.5, (2, 30), floor_index=None)
    assert compare(pred, slow).verdict == "disagrees"


@pytest.mark.parametrize("p", [4, 6])
def test_newton_degenerate_rate(p):
    obj = Objective.parse(f"x**{p}")
    s = rate_study(obj, "newton", [1.0], line_search="none", modification="none")
    assert s.degenerate and s.leading_order == p
    assert_rate_matches(s, (p - 2) / (p - 1))


@pytest.mark.parametrize("damping", [0.25, 0.5])
def test_damped_newton_rate(exp_minus_x, damping):
    s = rate_study(exp_minus_x, "newton", [1.0], line_search="none", damping=damping)
    assert_rate_matches(s, 1.0 - damping)


def test_linear_cg_terminates_in_distinct_eigenvalue_steps():
    v = sp.Matrix([1, 2, 0, 1, 1, 3])
    Q = sp.eye(6) - 2 * v * v.T / (v.T * v)[0]  # Householder reflection: orthogonal, rational
    A = Q * sp.diag(1, 1, 4, 4, 9, 9) * Q.T
    X = sp.Matrix(sp.symbols("x1:7"))
    b = sp.Matrix([1, 0, -1, 2, 0, 1])
    obj = Objective.parse(str(sp.expand((X.T * A * X)[0] / 2 - (b.T * X)[0])))
    s = rate_study(obj, "cg", [1, 2, 3, 4, 5, 6], variant="linear")
    assert s.eigenvalues == pytest.approx([1, 1, 4, 4, 9, 9])
    assert s.minimizer == pytest.approx([float(c) for c in A.solve(b)], abs=1e-14)
    assert s.prediction.finite_steps == 3
    assert s.measurement.floor_index == 3
    assert s.comparison.agree and s.comparison.quantity == "finite_termination"
    e = errors(s.result.path, s.minimizer)
    assert e[2] > 1.0 and e[3] < 1e-13


# ------------------------------------------------------------------------ contract, rules


def test_rates_json_design_example(quadratics):
    obj, _ = quadratics["diag"]
    s = rate_study(obj, "gd", [1.0, 1.0], lr=0.18)
    out = s.to_json()
    assert set(out) == DESIGN_KEYS
    json.dumps(out, allow_nan=False)
    assert out["agree"] is True and out["reason"] is None
    assert out["minimizer"] == [0.0, 0.0] and out["eigenvalues"] == [1.0, 10.0]
    assert out["minimizer_how"] == "exact"
    assert out["hyper"]["lr"] == 0.18 and out["hyper"]["weight_decay"] == 0.0  # defaults in
    assert list(out["predicted"])[:4] == ["kind", "rate", "order", "basis"]
    assert list(out["measured"])[:5] == ["kind", "rate", "order", "window", "iterations"]
    # max(|1 - 0.18|, |1 - 1.8|) = 0.82; design.md's 0.818181... is the optimal lr = 2/11
    assert out["predicted"]["rate"] == pytest.approx(0.82)
    assert out["measured"]["rate"] == pytest.approx(0.82, rel=0.01)
    s = rate_study(obj, "gd", [1.0, 1.0], lr=2 / 11)
    assert s.to_json()["predicted"]["rate"] == pytest.approx(0.8181818181818)
    assert s.to_json()["measured"]["rate"] == pytest.approx(0.8181818181818, rel=1e-6)


def test_automatic_steps_stop_just_past_the_floor(quadratics):
    obj, x0 = quadratics["diag"]
    s = rate_study(obj, "gd", x0, lr=0.1)
    m = s.measurement
    assert m.floor_index is not None and m.iterations == m.floor_index + 10
    assert s.result.nit == m.iterations
    fixed = rate_study(obj, "gd", x0, lr=0.1, steps=50)
    assert fixed.result.nit == 50 and fixed.result.status == "steps"
    assert fixed.measurement.rate == pytest.approx(0.9, rel=1e-9)


def test_the_rate_study_records_the_rule_that_set_its_iteration_budget(quadratics):
    """Each rule of the automatic step choice, recorded on the study with its numbers."""
    from analysis.rates import FLOOR_MARGIN, STOCHASTIC_STEPS, auto_cap
    from optimizers import METHODS

    obj, x0 = quadratics["diag"]
    floor = rate_study(obj, "gd", x0, lr=0.1)  # reaches the floor: re-run to floor + margin
    b = floor.budget
    assert (b.rule, b.floor_index, b.margin) == ("floor", floor.measurement.floor_index,
                                                 FLOOR_MARGIN)
    assert b.maxiter == b.wanted == floor.result.nit == b.floor_index + FLOOR_MARGIN
    assert not b.capped
    # Newton stops within its first budget (line search fails at the floor): the default kept
    newton = rate_study(obj, "newton", x0)
    assert newton.result.nit < METHODS["newton"].maxiter
    assert (newton.budget.rule, newton.budget.maxiter) == ("first", METHODS["newton"].maxiter)
    # linear at 1 - 0.0005 * 1: the floor lies past the cap, which sets the limit
    slow = rate_study(obj, "gd", x0, lr=0.0005)
    b = slow.budget
    assert b.rule == "rate" and b.rate == pytest.approx(0.9995, rel=1e-3)
    assert b.capped and b.maxiter == auto_cap(2) == slow.result.nit < b.wanted
    assert b.wanted > math.log(1e-12) / math.log(0.9995)  # past 1e-12, below any floor here
    # what the rule extrapolated from is kept, and gives back the number it asked for
    assert b.previous == METHODS["gd"].maxiter and 0 < b.window_end <= b.previous
    assert b.wanted == math.ceil(1.1 * (b.window_end + math.log(b.floor / b.error)
                                        / math.log(b.rate))) + FLOOR_MARGIN
    # sublinear (x⁴): ten times the previous run, 1000 -> 10000 -> capped 100000
    quartic = rate_study(Objective.parse("x**4"), "gd", [1.0], lr=0.1)
    b = quartic.budget
    assert (b.rule, b.previous, b.wanted) == ("tenfold", 10 * METHODS["gd"].maxiter,
                                              100 * METHODS["gd"].maxiter)
    assert b.capped and b.maxiter == auto_cap(1) == quartic.result.nit
    # gradient noise: the stochastic minimum
    noisy = rate_study(obj, "sgd", x0, lr=0.1, noise=0.01)
    assert (noisy.budget.rule, noisy.budget.maxiter) == ("stochastic", STOCHASTIC_STEPS)
    assert noisy.result.nit == STOCHASTIC_STEPS
    # steps or maxiter given: no automatic rule
    assert rate_study(obj, "gd", x0, lr=0.1, steps=50).budget is None
    assert rate_study(obj, "gd", x0, lr=0.1, maxiter=50).budget is None


def test_a_run_called_far_says_how_far_and_from_what_radius(quadratics):
    """Rosenbrock p. 2: 'far from every critical point' for a run 1.1 from x*, with no
    radius: the text gives the distance to the nearest critical point and the radius within
    which a run counts as converged to it, 0.1 |x0 − x*| here (one critical point)."""
    from types import SimpleNamespace as NS

    from analysis.rates import _cp_how, _fmt

    obj, x0 = quadratics["diag"]  # λ = 1, 10 at x* = 0
    s = rate_study(obj, "gd", x0, lr=0.001, steps=10)
    end = np.array([0.999 ** 10, 0.99 ** 10])
    assert s.result.x == pytest.approx(end, rel=1e-12)
    d, radius = float(np.linalg.norm(end)), 0.1 * math.sqrt(2.0)
    # kink p. 2: 0.727 against a radius 0.666 is just outside it, not "far": the text says
    # outside the radius of the only critical point (not "every", nor "the nearest" of one)
    assert "far from" not in s.minimizer_how
    # kink p. 2: the bullet gave no iteration count for such a run (Adam's and CG's had one)
    assert f"the run ended at {_fmt(end)} after {s.result.nit} iterations, " in s.minimizer_how
    assert s.result.nit == 10
    # the distance and the status are clauses of their own (chained Rosenbrock p. 2 nested
    # the coordinates and the radius's rule inside one bracket, four deep)
    assert (f"outside the convergence radius of the only critical point: {fmt(d, 3)} from "
            f"(0, 0), beyond its "
            f"radius {fmt(radius, 3)} (within which a run counts as converged to it: 0.1 × its "
            f"distance from x₀, {fmt(math.sqrt(2.0), 3)}); status steps") in s.minimizer_how
    # a numeric minimizer's provenance has no bracket of its own: the page prints it in one
    assert "(" not in _cp_how(NS(kind="minimum", exact=False))


def test_diverging_run_has_no_minimizer_but_theory_agrees(quadratics):
    obj, x0 = quadratics["diag"]
    s = rate_study(obj, "gd", x0, lr=0.25)  # beyond 2/L = 0.2
    assert s.minimizer is None and s.minimizer_how.startswith("none: the run diverged")
    assert s.reference == pytest.approx([0.0, 0.0])
    assert s.prediction.kind == "diverges" and s.prediction.rate == pytest.approx(1.5)
    assert s.measurement.kind == "diverges"
    assert s.comparison.agree
    out = s.to_json()
    assert out["minimizer"] is None and out["eigenvalues"] == [1.0, 10.0]


def test_numeric_minimizer_outside_the_box():
    obj = Objective.parse("x**2 - y**2 + y**4/4")  # minima at (0, ±sqrt(2)), saddle at 0
    s = rate_study(obj, "gd", [1.0, 0.1], lr=0.1, box=[[-1, 1], [-0.5, 0.5]])
    assert s.minimizer_how.startswith("numeric: final iterate refined by Newton")
    assert s.minimizer == pytest.approx([0.0, math.sqrt(2.0)], abs=1e-14)
    assert_rate_matches(s, 0.8)  # max |1 - 0.1 λ| over λ = (2, 4)
    saddle = rate_study(obj, "gd", [1.0, 0.0], lr=0.1)  # on the saddle's stable manifold
    assert saddle.minimizer is None and "kind saddle" in saddle.minimizer_how
    assert saddle.prediction.kind == "diverges" and not saddle.comparison.agree


def test_gd_at_degenerate_minimizer_is_sublinear():
    s = rate_study(Objective.parse("x**4"), "gd", [1.0], lr=0.1)
    assert s.degenerate and s.leading_order == 4
    assert s.prediction.exponent == 0.5 and s.measurement.kind == "sublinear"
    assert s.measurement.exponent == pytest.approx(0.5, rel=0.01)
    assert s.comparison.agree


def test_refine_critical_point_reaches_machine_precision():
    obj = Objective.parse("exp(x) - x + y**2")
    r = refine_critical_point(obj, [0.3, -0.2])
    assert r.converged and np.max(np.abs(r.point)) < 1e-15


def test_rate_table_rows(quadratics):
    obj, x0 = quadratics["diag"]
    rows = rate_table(obj, [("gd", {"lr": 0.1}), ("momentum", {"lr": 0.1, "momentum": 0.5}),
                            ("nesterov", {"momentum": 0.5})], x0, lr=0.1)
    assert [r.method for r in rows] == ["gd", "momentum", "nesterov"]
    assert rows[2].hyper["lr"] == 0.1 and rows[1].hyper["momentum"] == 0.5
    assert all(r.comparison.agree for r in rows)


def test_minimizer_on_a_kink_gets_subgradient_theory():
    """GD on |x| + y^2/2 from (1, 1) with lr = 0.1 is the subgradient method along x: ten
    steps of -0.1 bring x to 1.4e-16 (rounding), after which x alternates between that and
    -0.1: a 2-cycle of diameter lr * |g| = 0.1 (reproduced below with plain floats), inside
    the predicted band 2 lr G = 0.2 (G = 1: the gradients of the pieces at 0 are (+-1, 0))."""
    s = rate_study(Objective.parse("abs(x) + 0.5*y**2"), "gd", [1.0, 1.0], lr=0.1, steps=60)
    assert s.minimizer == pytest.approx([0.0, 0.0])
    p = s.prediction
    assert p.kind == "bounded" and not p.exact
    assert p.band == pytest.approx(0.2, rel=1e-6) and p.details["G"] == pytest.approx(1.0)
    x = 1.0
    xs = [x]
    for _ in range(60):
        x = x - 0.1 * float(np.sign(x))
        xs.append(x)
    assert s.result.path[:, 0] == pytest.approx(xs, abs=1e-15)
    assert max(xs[-10:]) - min(xs[-10:]) == pytest.approx(0.1, rel=1e-9)
    out = s.to_json()
    json.dumps(out, allow_nan=False)
    assert out["predicted"]["kind"] == "bounded" and out["predicted"]["band"] == p.band
    newton = rate_study(Objective.parse("abs(x) + 0.5*y**2"), "newton", [1.0, 1.0], steps=5,
                        minimizer=[0.0, 0.0])
    assert newton.prediction.kind == "none" and "twice differentiable" in newton.prediction.reason
    assert newton.comparison.verdict == "not comparable"
    assert "twice differentiable" in newton.comparison.reason


def test_a_run_with_no_rate_names_its_point_as_where_errors_are_measured():
    """Kink pp. 2 and 5: newton, bfgs and lbfgs ended far from every critical point and their
    reasons said "theory evaluated at the minimum (0, 0) nearest to x₀", while the list of
    points theory was evaluated at said "no rate evaluated for … newton, bfgs, lbfgs": with no
    rate promised, the point is only the one the errors are measured to, in the reason and in
    ``minimizer_how`` alike."""
    from analysis.rates import ERRORS_TO, THEORY_AT, without_theory

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    s = rate_study(obj, "newton", [-4.59, -4.83])
    assert s.prediction.kind == "none" and s.minimizer is None
    assert s.comparison.verdict == "not comparable"
    # the kink's box has one critical point, a minimum: "the only minimum", not "the minimum
    # … nearest to x₀", which read as if there were others (kink p. 2)
    assert f"{ERRORS_TO} the only minimum (0, 0) (exact)" in s.comparison.reason
    assert "nearest to x0" not in s.comparison.reason
    assert THEORY_AT not in s.comparison.reason and THEORY_AT not in s.minimizer_how
    assert s.minimizer_how.endswith(s.comparison.reason.split("; ", 1)[1])
    assert without_theory("none: x; theory evaluated there") == "none: x; errors measured there"
    # a run with a prediction keeps saying where theory was evaluated
    gd = rate_study(obj, "gd", [-4.59, -4.83], lr=1.0, steps=200)
    assert gd.prediction.kind != "none" and ERRORS_TO not in gd.minimizer_how


def test_polished_minimizer_and_quadratic_detection():
    """A minimizer found by refining the final iterate is polished to 30 digits: for
    x^2 - y^2 + y^4/4 the minimum (0, sqrt 2) then rounds to the nearest double of sqrt 2."""
    from analysis.rates import is_quadratic, polish

    obj = Objective.parse("x**2 - y**2 + y**4/4")
    p, ok = polish(obj, np.array([1e-9, 1.4142135]))
    assert ok and p[0] == 0.0 and p[1] == math.sqrt(2.0)
    assert is_quadratic(Objective.parse(ROTATED)) and is_quadratic(Objective.parse("x*y + 3"))
    assert not is_quadratic(obj) and not is_quadratic(Objective.parse("abs(x) + y**2"))


def test_probe_kink_gradient_bound_and_stationary_piece():
    """|x - 1| + 2|y + 0.5| + 0.1(x^2 + y^2) at (1, -0.5): the pieces' gradients are
    (+-1 + 0.2, +-2 - 0.1), the largest |(1.2, 2.1)| = sqrt(5.85); none vanishes there.
    relu(x) + x^2/2 + (y - 1)^2 at (0, 1): the left piece x^2/2 + (y-1)^2 is stationary, with
    Hessian diag(1, 2)."""
    from analysis.rates import probe_kink

    pr = probe_kink(Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)"), [1.0, -0.5])
    assert pr.G == pytest.approx(math.sqrt(1.2**2 + 2.1**2), rel=1e-6)
    assert pr.piece_hessian is None
    pr = probe_kink(Objective.parse("relu(x) + (y-1)**2 + 0.5*x**2"), [0.0, 1.0])
    assert pr.piece_hessian == pytest.approx(np.diag([1.0, 2.0]))


def test_rates_text_says_what_the_json_says(capsys):
    """Newton on a quadratic: the issue's "superlinear, order 3 ... cannot be compared" is now
    "finite in 1 step ... agree", in the text as in the JSON."""
    from analysis.cli import main

    args = ["rates", "0.1*x**2 + 2*y**2", "--method", "newton", "--x0", "1,1"]
    assert main(args + ["--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["predicted"]["kind"] == "finite" and rec["predicted"]["finite_steps"] == 1
    assert rec["measured"]["kind"] == "finite" and rec["measured"]["finite_steps"] == 1
    assert rec["agree"] is True and "iteration 1" in rec["reason"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "predicted  finite" in text and "measured   finite" in text
    assert "x* reached in 1 step" in text and "theory and measurement agree" in text
    assert "cannot be compared" not in text and "order 3" not in text


def test_kink_critical_point_record_and_cycle_centre():
    """A kink minimum as the critical-point search reports it (differentiable=False, no
    eigenvalues): GD with lr = 1 on |x| + relu(y-1) + y^2/2 from (0.37, 2) (the issue's
    report case) ends on the 2-cycle x = 0.37 <-> -0.63, y = 0; the last iterate is farther
    from x* = 0 than a tenth of |x0 - x*|, the cycle's centre is not, and the theory is the
    subgradient method's. Newton refinement from a point on the flat side of the kink
    (gradient (1, 0), Hessian diag(0, 1)) takes a zero step without a critical point: not
    converged."""
    from landscape.critical import CriticalPoint

    kink = CriticalPoint(point=(0.0, 0.0), value=0.0, gradient_norm=0.0,
                         eigenvalues=(math.nan, math.nan), condition_number=math.nan, index=0,
                         kind="minimum", degenerate=False, test="nondifferentiable", exact=True,
                         differentiable=False)
    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    s = rate_study(obj, "gd", [0.37, 2.0], lr=1.0, steps=40, critical_points=[kink])
    # x: 0.37 <-> -0.63 (|x_K - x*| = 0.37 > 0.1 |x0 - x*| = 0.2; the centre -0.13 is within)
    assert s.minimizer == pytest.approx([0.0, 0.0]) and s.minimizer_how == "exact"
    assert s.prediction.kind == "bounded" and s.prediction.band == pytest.approx(2.0)
    assert s.measurement.kind == "bounded" and s.measurement.period == 2
    assert s.measurement.band == pytest.approx(1.0) and s.comparison.agree
    r = refine_critical_point(obj, [0.37, 0.0])
    assert not r.converged and r.gradient_norm == pytest.approx(1.0)


def test_newton_stalled_on_the_kink_is_measured_to_the_exact_minimum():
    """Kink pp. 3, 6, 11: Newton on |x - 1| + 2|y + 0.5| + 0.1(x^2 + y^2) from (-4.59, -4.83)
    ends about 4.3e-4 from the exact minimum (1, -0.5), the only critical point in the box
    (an exact solve proved the list complete: it is isolated).  Its errors are measured to it,
    not to the final iterate: they level off at ||x_K - x*||, the measurement says the run
    stalled there (no rate, no floor), and the automatic budget keeps the pilot run (more
    iterations would not move it)."""
    from analysis.rates import critical_points_of, isolated_exact

    obj = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)")
    cps = critical_points_of(obj)
    assert cps.complete and len(cps) == 1 and isolated_exact(cps[0], cps.complete)
    s = rate_study(obj, "newton", [-4.59, -4.83], critical_points=cps)
    m = s.measurement
    gap = float(np.linalg.norm(s.result.x - np.array([1.0, -0.5])))
    assert 4e-4 < gap < 4.5e-4
    assert m.kind == "none" and m.stalled == pytest.approx(gap, rel=1e-9)
    assert m.rate is None and m.window is None and m.floor_index is None
    assert s.budget is not None and s.budget.rule == "first"
    # the sampled points of a continuum are exact but not isolated: (x + y)^2 vanishes on x = -y
    valley = Objective.parse("(x + y)**2")
    pts = critical_points_of(valley)
    assert not pts.complete and pts and all(p.exact for p in pts)
    assert not any(isolated_exact(p, pts.complete) for p in pts)


def test_bfgs_stopped_on_the_kink_has_no_convergence_kind():
    """Kink p. 6: BFGS on |x - 1| + 2|y + 0.5| + 0.1(x^2 + y^2) from (-4.59, -4.83) stops when
    its line search fails about 0.0012 from the minimum (1, -0.5); it was labelled
    'superlinear' on two ratios.  Its errors did not converge: kind none, the reason gives
    where it stopped, ||x_K - x*|| computed here."""
    from analysis.rates import critical_points_of

    obj = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)")
    s = rate_study(obj, "bfgs", [-4.59, -4.83], critical_points=critical_points_of(obj))
    assert s.result.status == "line_search_failed"
    gap = float(np.linalg.norm(s.result.x - np.array([1.0, -0.5])))
    assert 1e-3 < gap < 1.3e-3
    m = s.measurement
    assert m.kind == "none" and m.window is None
    assert m.reason.startswith(f"the run stopped (its line search failed) {fmt(gap, 2)} from x*")


def test_a_run_stopped_by_rounding_keeps_its_convergence_kind():
    """Chained Rosenbrock (n = 5) from (1.37, −2.3, −4.59, −4.83, 3.13): BFGS's line search
    fails 4.9e−10 from the local minimum near (−0.96, 0.94, 0.88, 0.78, 0.61) with
    ‖∇f‖∞ = 8e−09, where a step along −g can lower f by no more than f's rounding; it was
    read 'stopped above the floor, no convergence kind'.  Its stop is rounding's: the kind
    stays measured (superlinear, as the theory says), while BFGS at the kink (‖∇f‖ = 1)
    stays 'stopped'.  The level √(2ε|f|λ_max) is computed here from the Hessian."""
    from analysis.rates import ROUNDING_STOP_FACTOR, critical_points_of, rounding_stop

    obj = Objective.parse("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", dim=5)
    s = rate_study(obj, "bfgs", [1.37, -2.3, -4.59, -4.83, 3.13],
                   critical_points=critical_points_of(obj))
    assert s.result.status == "line_search_failed"
    x = np.asarray(s.result.x)
    g, H = obj.compiled.gradient(x), obj.compiled.hessian(x)
    level = math.sqrt(2 * np.finfo(float).eps * max(1.0, abs(float(obj.compiled.value(x))))
                      * float(np.max(np.abs(np.linalg.eigvalsh(H)))))
    assert np.linalg.norm(g) <= ROUNDING_STOP_FACTOR * level and rounding_stop(obj, s.result)
    assert s.measurement.kind == "superlinear" and s.comparison.agree, s.measurement.reason
    kink = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)")
    k = rate_study(kink, "bfgs", [-4.59, -4.83], critical_points=critical_points_of(kink))
    assert not rounding_stop(kink, k.result) and k.measurement.kind == "none"


def test_a_fast_phase_on_an_exact_x_star_is_read_below_the_floor_too():
    """Quadratic 0.1x² + 2y² (x* = (0, 0), exact): BFGS's and L-BFGS's errors reach the
    rounding floor 10³·ε after 3 fast ratios (BFGS 0.0377, 0.00405, 0.00335), too few to tell
    superlinear from fast linear, so both were "fast, not decided" while their errors went on
    falling to 1e−74..1e−83, exact distances on x* = 0.  The same falling-ratios test, read on
    those errors too, decides BFGS superlinear, as theory predicts; L-BFGS's ratios there
    cycle at a tiny fixed size, which the test of halves let pass but the thirds do not
    (:func:`analysis.empirical.thirds_fall`): it stays undecided, and says why.  With x*
    given only as numbers (not known exact) the verdict stays as before."""
    from analysis import report
    from analysis.empirical import RATIO_END_FALL, RATIO_FALL, default_floor

    obj = Objective.parse("0.1*x**2 + 2*y**2")
    x0 = [-4.59, -4.83]
    for method in ("bfgs", "lbfgs"):
        s = rate_study(obj, method, x0)
        e = np.linalg.norm(np.asarray(s.result.path, float), axis=1)  # errors to x* = 0
        fl = default_floor(0.0)
        n = int(np.argmax(e <= fl))  # the first error at the floor
        assert n == 8 and e.size == 19 and np.all(e > 0)
        r = e[1:] / e[:-1]
        # above the floor: the last ratio is not <= 1/2 of the one before (too few to tell)
        assert r[n - 2] > RATIO_END_FALL * r[n - 3]
        # from the first fast ratio (k = 4) to the end: the later half's largest is <= 1/4
        # of the earlier half's largest, and the last <= 1/2 of the one before
        tail = r[4:]
        half = tail.size // 2
        assert np.max(tail[half:]) <= RATIO_FALL * np.max(tail[:half])
        assert r[-1] <= RATIO_END_FALL * r[-2]
        # and through thirds of the tail: BFGS's largest fall, L-BFGS's cycle (0.000147,
        # 4.35e-08, 1.06e-05, 3.06e-08, again): a tiny fixed rate the halves let pass
        tops = [np.max(p) for p in np.array_split(tail, 3)]
        falls = tops[1] <= RATIO_FALL * tops[0] and tops[2] <= RATIO_FALL * tops[1]
        assert falls == (method == "bfgs"), (method, tops)
        m = s.measurement
        if method == "lbfgs":
            assert m.kind == "none" and m.read_to is None and m.floor_index == n
            assert s.comparison.verdict == "agrees"  # its ratios within the predicted bound
            text = report.below_floor_text(s)
            assert "but its ratios there stop falling toward 0 (the largest of the thirds " \
                   "k = 4–8, k = 9–13, k = 14–17, " in text, text
            assert ", ".join(report.fmt_num(t, 3) for t in tops) in text
            # the errors below the floor the ratios come from are printed (quadratic p. 5)
            assert (f"kept falling, e₈–e₁₈ = "
                    f"{', '.join(report.fmt_num(float(v), 3) for v in e[n:])} (x* = ") \
                in text, text
            assert text.endswith("), so its kind is not read on them"), text
            continue
        assert m.kind == "superlinear" and m.floor_index == n, (method, m.notes)
        assert m.window == (4, n - 1) and m.ratio_step == 1  # the fast phase above the floor
        assert s.comparison.verdict == "agrees", s.comparison
        assert f"from the errors e_4–e_{e.size - 1}), fall toward 0" in m.evidence
        assert (f"the errors below the rounding floor 2.2e-13, e_{n}–e_{e.size - 1} ("
                + ", ".join(report.fmt_num(float(x), 3) for x in e[n:])
                + "), which every fit window leaves out, are read here too: x* is exact in "
                "floating point") in m.evidence
        assert f"the later half's largest, {np.max(tail[half:]):.3g}" in m.evidence
        # the 'decided by' cell says which errors the kind was read on
        assert m.read_to == e.size - 1
        assert report.decided_by(s.comparison, s.prediction, m).endswith(
            "; ratios read to e₁₈, below the floor from e₈ (x* exact)")
        # x* given as numbers, not known exact: the errors below the floor are not read
        given = rate_study(obj, method, x0, minimizer=[0.0, 0.0])
        assert given.measurement.kind == "none" and given.measurement.window is None
        assert given.measurement.fast_ratio == pytest.approx(float(np.max(r[4:n - 1])))
        assert "too few ratios above the floor" in " ".join(given.measurement.notes)
        assert given.measurement.read_to is None
