"""trust-ncg, trust-exact and lm against SciPy (``minimize(method='trust-ncg'/'trust-exact')``
with the same derivatives, ``least_squares(method='lm')``) on smooth problems: the same
minimizer and iteration counts of the same order; and the local rates theory predicts
(analysis.theory), measured on the iterates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import least_squares
from scipy.optimize import minimize as scipy_minimize

from analysis.theory import gauss_newton_rate, predict_lm
from landscape.objective import Objective
from optimizers import minimize

#: (formula, start, minimizer, residuals as NumPy) — Moré, Garbow & Hillstrom (1981) problems
#: 1 (Rosenbrock), 5 (Beale), 14 (Wood) and Himmelblau's function
PROBLEMS = {
    "rosenbrock": ("100*(y-x^2)^2+(1-x)^2", [-1.2, 1.0], [1.0, 1.0],
                   lambda v: np.array([10 * (v[1] - v[0] ** 2), 1 - v[0]])),
    "beale": ("(1.5-x*(1-y))^2+(2.25-x*(1-y^2))^2+(2.625-x*(1-y^3))^2", [1.0, 1.0], [3.0, 0.5],
              lambda v: np.array([1.5 - v[0] * (1 - v[1]), 2.25 - v[0] * (1 - v[1] ** 2),
                                  2.625 - v[0] * (1 - v[1] ** 3)])),
    "himmelblau": ("(x^2+y-11)^2+(x+y^2-7)^2", [0.0, 0.0], [3.0, 2.0],
                   lambda v: np.array([v[0] ** 2 + v[1] - 11, v[0] + v[1] ** 2 - 7])),
    "wood": ("100*(x2-x1^2)^2+(1-x1)^2+90*(x4-x3^2)^2+(1-x3)^2+10*(x2+x4-2)^2"
             "+(x2-x4)^2/10", [-3.0, -1.0, -3.0, -1.0], [1.0, 1.0, 1.0, 1.0],
             lambda v: np.array([10 * (v[1] - v[0] ** 2), 1 - v[0],
                                 np.sqrt(90) * (v[3] - v[2] ** 2), 1 - v[2],
                                 np.sqrt(10) * (v[1] + v[3] - 2),
                                 (v[1] - v[3]) / np.sqrt(10)])),
}


@pytest.fixture(scope="module")
def objectives():
    return {k: Objective.parse(p[0]) for k, p in PROBLEMS.items()}


@pytest.mark.parametrize("method", ["trust-ncg", "trust-exact"])
@pytest.mark.parametrize("name", list(PROBLEMS))
def test_trust_region_agrees_with_scipy(objectives, name, method):
    obj = objectives[name]
    _, x0, xstar, _ = PROBLEMS[name]
    ours = minimize(obj, x0, method, gtol=1e-8)
    ref = scipy_minimize(obj.value, x0, method=method, jac=obj.grad, hess=obj.hess,
                         options={"gtol": 1e-8})
    assert ours.status == "converged" and ref.success
    np.testing.assert_allclose(ours.x, xstar, atol=1e-6)
    np.testing.assert_allclose(ref.x, xstar, atol=1e-6)
    # same order of work: SciPy's nfev counts every trial step, as ours does
    assert ref.nfev / 2 - 2 <= ours.nfev <= 2 * ref.nfev + 2, (ours.nfev, ref.nfev)


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_lm_agrees_with_scipy_least_squares(objectives, name):
    obj = objectives[name]
    _, x0, xstar, res = PROBLEMS[name]
    ours = minimize(obj, x0, "lm", gtol=1e-10)
    ref = least_squares(res, x0, method="lm", xtol=1e-14, ftol=1e-14, gtol=1e-14)
    assert ours.status == "converged"
    np.testing.assert_allclose(ours.x, xstar, atol=1e-6)
    np.testing.assert_allclose(ref.x, xstar, atol=1e-6)
    assert ours.nfev <= 3 * ref.nfev + 5, (ours.nfev, ref.nfev)


def test_trust_exact_first_step_is_newtons_inside_the_region():
    """On a convex quadratic with Δ₀ large the first step is the Newton step: one iteration."""
    obj = Objective.parse("3*(x-1)^2 + (x-1)*(y+2) + 2*(y+2)^2")
    res = minimize(obj, [10.0, 10.0], "trust-exact", initial_trust_radius=100.0)
    assert res.nit == 1
    np.testing.assert_allclose(res.x, [1.0, -2.0], atol=1e-12)


def test_trust_ncg_first_step_has_norm_delta():
    """‖Newton step‖ > Δ₀: the first accepted step has length Δ₀ (on the CG path)."""
    obj = Objective.parse("3*(x-1)^2 + (x-1)*(y+2) + 2*(y+2)^2")
    res = minimize(obj, [10.0, 10.0], "trust-ncg", steps=1, record=True,
                   initial_trust_radius=0.5)
    step = res.path[1] - res.path[0]
    assert np.linalg.norm(step) == pytest.approx(0.5, rel=1e-12)


def _errors(res, xstar):
    return np.linalg.norm(res.path - np.asarray(xstar), axis=1)


def test_trust_exact_converges_quadratically_on_rosenbrock(objectives):
    res = minimize(objectives["rosenbrock"], [-1.2, 1.0], "trust-exact", gtol=1e-12,
                   record=True)
    e = _errors(res, [1.0, 1.0])
    e = e[e > 1e-13]
    # the last steps: e_{k+1} ≤ C e_k² with a modest C (quadratic), and no linear tail
    ratios = e[-3:] / e[-4:-1] ** 2
    assert np.all(ratios < 1e3), ratios


def test_lm_quadratic_at_zero_residual(objectives):
    res = minimize(objectives["rosenbrock"], [-1.2, 1.0], "lm", gtol=1e-12, record=True)
    e = _errors(res, [1.0, 1.0])
    e = e[e > 1e-13]
    assert np.all(e[-3:] / e[-4:-1] ** 2 < 1e3)


@pytest.mark.parametrize("lam", [0.3, 0.6])
def test_lm_linear_rate_at_nonzero_residual_matches_theory(lam):
    """r = (x + 1, λx² + x − 1) (Dennis & Schnabel Example 10.2.5): x* = 0, f(x*) = 2, and
    the predicted rate ρ(I − A⁻¹H) = |λ| is the measured ratio of successive errors."""
    obj = Objective.parse(f"(x+1)^2 + ({lam}*x^2 + x - 1)^2")
    A = np.array([[4.0]])
    H = obj.hess([0.0])
    pred = predict_lm(A, H, residual_sq=obj.value([0.0]))
    assert pred.kind == "linear" and pred.rate == pytest.approx(lam, rel=1e-12)
    res = minimize(obj, [0.5], "lm", gtol=1e-13, record=True)
    e = np.abs(res.path[:, 0])
    e = e[e > 1e-12]
    measured = e[-1] / e[-2]
    assert measured == pytest.approx(gauss_newton_rate(A, H), rel=0.05)


def test_lm_refuses_a_formula_that_is_not_a_sum_of_squares():
    from landscape.errors import InputError

    with pytest.raises(InputError, match="the term x\\*y is not a square"):
        minimize(Objective.parse("x*y + x^2 + y^2"), [1.0, 1.0], "lm")


def test_lm_on_a_finite_sum_is_linear_least_squares():
    """Mean over data rows of (w·a + b − t)²: LM reaches the least-squares line (np.polyfit)."""
    rng = np.random.default_rng(7)
    a = rng.uniform(0, 5, size=30)
    t = 1.7 * a - 0.4 + rng.normal(scale=0.3, size=30)
    obj = Objective.parse("(w*a + b - t)^2", variables=["w", "b"], data=["a", "t"])
    comp = obj.compiled.with_data(np.column_stack([a, t]))
    res = minimize(comp, [0.0, 0.0], "lm", gtol=1e-12)
    assert res.status == "converged"
    np.testing.assert_allclose(res.x, np.polyfit(a, t, 1), rtol=1e-9)


def test_hyperparameters_are_scipys():
    from optimizers import METHODS

    for name in ("trust-ncg", "trust-exact"):
        spec = METHODS[name]
        assert spec.family == "trust-region" and spec.engine == "per-start"
        assert spec.defaults == {"initial_trust_radius": 1.0, "max_trust_radius": 1000.0,
                                 "eta": 0.15, "average": "none"}
    assert METHODS["lm"].family == "least-squares"
    assert METHODS["lm"].defaults == {"initial_damping": 1e-3, "average": "none"}
