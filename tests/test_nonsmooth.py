"""Non-smooth and partial functions: derivative conventions, kinks, domains.

Conventions (landscape.derive): at a kink the derivative is the midpoint of the one-sided
derivatives — sign(0) = 0, Heaviside(0) = 1/2 — and second derivatives are those valid almost
everywhere.  Critical points on a kink have no Hessian: they are reported as not differentiable
and their kind is decided from values of f, never from Hessian signs.  Optimizers that leave
the domain of f stop with a clear status and the last finite iterate.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from landscape import Objective
from landscape.jsonutil import dumps
from optimizers import minimize, minimize_batch

x, y = sp.symbols("x y", real=True)


def grad_at(obj: Objective, point) -> list[float]:
    sub = dict(zip(obj.variables, point, strict=True))
    return [float(g.xreplace(sub)) for g in obj.gradient_list]


# --------------------------------------------------------------------------- conventions

CONVENTIONS = [
    # formula, point, gradient from the closed form (midpoint at kinks)
    ("abs(x)", (-2,), (-1.0,)),
    ("abs(x)", (0,), (0.0,)),  # sign(0) = 0, midpoint of -1 and 1
    ("abs(x)", (3,), (1.0,)),
    ("relu(x)", (-1,), (0.0,)),
    ("relu(x)", (0,), (0.5,)),  # Heaviside(0) = 1/2
    ("relu(x)", (2,), (1.0,)),
    ("max(x, -x)", (0,), (0.0,)),  # = |x|
    ("max(x, -x)", (2,), (1.0,)),
    ("max(x, y)", (1, 1), (0.5, 0.5)),  # tie: midpoint of (1, 0) and (0, 1)
    ("max(x, y)", (2, 1), (1.0, 0.0)),
    ("min(x, y)", (1, 1), (0.5, 0.5)),
    ("min(x, y)", (0, 3), (1.0, 0.0)),
    ("abs(x - y)", (1, 1), (0.0, 0.0)),
    ("abs(x)*y", (0, 5), (0.0, 0.0)),
    ("sign(x) + x", (0,), (1.0,)),  # point mass of sign' dropped
    ("x**2 if x > 0 else -x", (2,), (4.0,)),
    ("x**2 if x > 0 else -x", (-2,), (-1.0,)),
    ("log(x)", (2,), (0.5,)),
    ("sqrt(x)", (4,), (0.25,)),
    ("1/x", (-2,), (-0.25,)),
]


@pytest.mark.parametrize("formula, point, expected", CONVENTIONS)
def test_gradient_conventions_symbolic_and_compiled(formula, point, expected):
    obj = Objective.parse(formula)
    assert grad_at(obj, point) == pytest.approx(expected, abs=1e-15)
    assert obj.compiled.gradient(np.array(point, float)) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    "formula, point, expected",
    [
        ("abs(x) + x**2", (0.0,), [[2.0]]),  # a.e. second derivative
        ("relu(x)", (0.0,), [[0.0]]),
        ("abs(x) + abs(y)", (0.0, 0.0), [[0.0, 0.0], [0.0, 0.0]]),
        ("log(x)", (2.0,), [[-0.25]]),
        ("sqrt(x)", (4.0,), [[-1 / 32]]),
    ],
)
def test_second_derivatives_valid_almost_everywhere(formula, point, expected):
    obj = Objective.parse(formula)
    assert not obj.hessian.has(sp.DiracDelta)
    assert obj.compiled.hessian(np.array(point)) == pytest.approx(np.array(expected), abs=1e-15)


def test_kernels_outside_the_domain_give_nan_not_an_error():
    log = Objective.parse("log(x)").compiled
    assert math.isnan(log.value(np.array([-1.0])))
    assert math.isnan(Objective.parse("sqrt(x)").compiled.value(np.array([-1.0])))
    assert math.isinf(Objective.parse("1/x").compiled.value(np.array([0.0])))


# --------------------------------------------------------------------------- kinks

KINKS = [
    # formula, kink point, kind from the closed form
    ("abs(x)", (0.0,), "minimum"),
    ("max(x, -x)", (0.0,), "minimum"),
    ("relu(x) + relu(-x)", (0.0,), "minimum"),
    ("abs(x) + x**2", (0.0,), "minimum"),  # a.e. Hessian 2 > 0, but no Hessian at the kink
    ("-abs(x)", (0.0,), "maximum"),
    ("abs(x) + abs(y)", (0.0, 0.0), "minimum"),
    ("x**2 + abs(y)", (0.0, 0.0), "minimum"),
    ("abs(x - 1) + (y - 2)**2", (1.0, 2.0), "minimum"),
    ("abs(x) - abs(y)", (0.0, 0.0), "saddle"),
    ("max(abs(x), abs(y))", (0.0, 0.0), "minimum"),
]


@pytest.mark.parametrize("formula, point, kind", KINKS)
def test_critical_points_on_kinks_are_not_differentiable(formula, point, kind):
    obj = Objective.parse(formula)
    cps = obj.critical_points()
    at = [p for p in cps if np.allclose(p.point, point, atol=1e-9)]
    assert len(at) == 1, [(p.point, p.kind) for p in cps]
    p = at[0]
    assert p.differentiable is False
    assert p.test == "nondifferentiable"
    assert p.kind == kind
    assert not p.degenerate
    assert all(math.isnan(v) for v in p.eigenvalues)
    assert p.value == pytest.approx(float(obj.expr.subs(dict(zip(obj.variables, point,
                                                                  strict=True)))), abs=1e-12)
    record = json.loads(dumps(p.to_json()))
    assert record["differentiable"] is False and record["kind"] == kind
    assert record["eigenvalues"] == [None] * obj.n and record["condition_number"] is None


def test_smooth_points_of_a_nonsmooth_function_use_the_hessian():
    # |x - 2| + x² : 2x + sign(x - 2) = 0 at x = 1/2 (smooth there); f'' = 2.
    cps = Objective.parse("abs(x - 2) + x**2").critical_points()
    assert [p.point for p in cps] == [pytest.approx((0.5,), abs=1e-12)]
    p = cps[0]
    assert p.differentiable and p.test == "hessian" and p.kind == "minimum"
    assert p.eigenvalues == pytest.approx((2.0,))
    assert p.value == pytest.approx(1.5 + 0.25)


def test_smooth_objective_points_are_differentiable():
    cps = Objective.parse("x**2 - y**2").critical_points()
    assert [p.differentiable for p in cps] == [True]
    assert "differentiable" not in cps[0].to_json()  # the documented shape, unchanged
    assert cps[0].kind == "saddle" and cps[0].test == "hessian"


def test_piecewise_list_is_never_claimed_complete():
    # f = |x| written with a branch: the kink at 0 is a minimum that ∇f = 0 cannot see
    # (the derivative at 0 is the else-branch's -1), so completeness must not be claimed.
    cps = Objective.parse("x if x > 0 else -x").critical_points()
    assert cps.complete is False
    assert any("Piecewise" in note for note in cps.notes)


def test_domains_restrict_critical_points():
    # x + 1/x on [-5, 5]: f' = 1 - 1/x² = 0 at ±1, f'' = 2/x³: minimum at 1, maximum at -1.
    cps = Objective.parse("x + 1/x").critical_points()
    assert [p.point[0] for p in cps] == pytest.approx([-1.0, 1.0], abs=1e-12)
    assert [p.kind for p in cps] == ["maximum", "minimum"]
    assert [p.eigenvalues[0] for p in cps] == pytest.approx([-2.0, 2.0])
    # x - log(x): f' = 1 - 1/x, only x = 1 (f'' = 1); nothing from x ≤ 0.
    cps = Objective.parse("x - log(x)").critical_points(box=[(-5, 5)])
    assert [(p.point, p.kind) for p in cps] == [((1.0,), "minimum")]


# --------------------------------------------------------------------------- optimizers


def _assert_domain_stop(res, x_last, f_last):
    assert res.status == "diverged"
    assert not res.success
    assert "domain" in res.message
    assert np.all(np.isfinite(res.x))
    assert res.x == pytest.approx(x_last)
    assert res.fun == pytest.approx(f_last)


def test_gd_stepping_out_of_the_log_domain_reports_the_last_finite_point():
    # f = log x, x0 = 0.5, lr = 10: x1 = 0.5 - 10·2 = -19.5 (outside the domain).
    res = minimize(Objective.parse("log(x)").compiled, np.array([0.5]), "gd", lr=10.0,
                   maxiter=100)
    _assert_domain_stop(res, [0.5], math.log(0.5))
    assert res.nit == 0


def test_gd_stepping_out_of_the_sqrt_domain_reports_the_last_finite_point():
    # f = sqrt(x) - x/4 ... with lr = 2 from x0 = 1: f' = 1/2 - 1/4, x1 = 1 - 0.5 = 0.5,
    # x2 = 0.5 - 2(1/(2√0.5) - 1/4) = 0.5 - (√2 - 1/2) < 0.
    res = minimize(Objective.parse("sqrt(x) - x/4").compiled, np.array([1.0]), "gd", lr=2.0,
                   maxiter=100)
    _assert_domain_stop(res, [0.5], math.sqrt(0.5) - 0.125)
    assert res.nit == 1


def test_start_outside_the_domain_is_reported():
    res = minimize(Objective.parse("log(x)").compiled, np.array([-1.0]), "gd", maxiter=10)
    assert res.status == "diverged" and "domain" in res.message
    assert res.x == pytest.approx([-1.0])


@pytest.mark.parametrize("method", ["gd", "momentum", "adam", "bfgs", "newton"])
def test_batch_never_returns_nan_points(method):
    # f = x - log(x) (minimum at 1); large steps push some starts below 0.
    obj = Objective.parse("x - log(x)").compiled
    X0 = np.array([[0.05], [0.5], [2.0], [4.0]])
    hyper = {"lr": 3.0} if method in ("gd", "momentum", "adam") else {}
    batch = minimize_batch(obj, X0, method, maxiter=200, **hyper)
    assert np.all(np.isfinite(batch.x))
    for status, message, xk in zip(batch.status, batch.message, batch.x, strict=True):
        if status == "diverged":
            assert "domain" in message or "not finite" in message
            assert xk[0] > 0  # the last finite iterate lies inside the domain
        elif status == "converged":
            assert xk[0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("text", ["log(abs(x))", "log(abs(x)) + y**2"])
def test_kink_outside_the_domain_is_not_a_critical_point(text):
    # found by the fuzzer: the kink of |x| at 0 is where log|x| = -inf; (log|x|)' = 1/x ≠ 0
    cps = Objective.parse(text).critical_points()
    assert [p for p in cps if abs(p.point[0]) < 1e-9] == []


def test_abs_of_a_positive_function_compiles_and_minimizes():
    # |e^x| = e^x for real x; f' = e^x + 2(x - 1) = 0 has one root, found independently by brentq
    from scipy.optimize import brentq

    from optimizers import minimize

    obj = Objective.parse("abs(exp(x)) + (x - 1)**2")
    root = brentq(lambda t: np.exp(t) + 2 * (t - 1), -5, 5, xtol=1e-15)
    res = minimize(obj, [2.0], "bfgs")
    assert res.status == "converged" and res.x[0] == pytest.approx(root, abs=1e-7)
