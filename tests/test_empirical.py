"""analysis.empirical and analysis.compare on synthetic sequences and plain NumPy loops."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recorded import CG_ROSENBROCK5, CG_ROSENBROCK5_FLOOR

from analysis import compare as C
from analysis import empirical as E
from analysis import theory as T
from landscape.numfmt import fmt

# --------------------------------------------------------------------------------------------
# plain loops
# --------------------------------------------------------------------------------------------


def gd_path(A, x0, x_star, lr, steps):
    x = np.array(x0, float)
    out = [x.copy()]
    for _ in range(steps):
        x = x - lr * (A @ (x - x_star))
        out.append(x.copy())
    return np.array(out)


def newton_path(fp, fpp, x, steps):
    out = [x]
    for _ in range(steps):
        x = x - fp(x) / fpp(x)
        out.append(x)
    return np.array(out)


def secant_path(f, x0, x1, steps):
    out = [x0, x1]
    for _ in range(steps):
        if f(x1) == f(x0):
            break
        x0, x1 = x1, x1 - f(x1) * (x1 - x0) / (f(x1) - f(x0))
        out.append(x1)
    return np.array(out)


# --------------------------------------------------------------------------------------------
# linear rate
# --------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(rho=st.floats(0.05, 0.98), c=st.floats(1e-3, 1e3), seed=st.integers(0, 10_000))
def test_fit_linear_rate_synthetic(rho, c, seed):
    rng = np.random.default_rng(seed)
    K = min(3000, int(40 / -math.log(rho)) + 20)
    k = np.arange(K)
    clean = c * rho**k
    for noise, tol in ((1e-9, 1e-6), (1e-3, 2e-3)):
        e = clean * (1 + noise * rng.standard_normal(K))
        rate, window = E.fit_linear_rate(e, scale=c)
        assert rate == pytest.approx(rho, rel=tol)
        assert 0 <= window[0] < window[1] <= K - 1
        assert np.all(e[window[0]:window[1] + 1] > E.default_floor(c))


@pytest.mark.parametrize("x_star", [[0.0, 0.0, 0.0], [0.5, -2.0, 1.0]])
def test_fit_linear_rate_gd_loop(x_star):
    A = np.diag([1.0, 3.0, 10.0])
    lr = 0.15  # rates 0.85, 0.55, 0.5
    path = gd_path(A, [1.0, 1.0, 1.0], np.array(x_star), lr, 400)
    err = E.errors(path, x_star)
    rate, window = E.fit_linear_rate(err, scale=np.linalg.norm(x_star))
    assert rate == pytest.approx(T.gd_rate(lr, [1, 3, 10]), rel=1e-6)
    m = E.measure(path, x_star)
    assert m.kind == "linear" and m.rate == pytest.approx(0.85, rel=1e-6)
    assert m.order == 1.0 and m.iterations == 400 and not m.oscillating
    assert m.floor_index is not None and m.window[1] < m.floor_index
    assert m.settled


def test_window_skips_transient_and_floor():
    k = np.arange(200)
    e = 1.0 * 0.3**k + 1e-2 * 0.9**k  # fast mode dominates first, then rate 0.9
    e[150:] = 1e-14 * (1 + np.abs(np.sin(k[150:])))  # rounding floor
    rate, (a, b) = E.fit_linear_rate(e)
    assert rate == pytest.approx(0.9, rel=1e-5)
    assert a >= 5 and b < 150


def test_window_starts_after_fast_transient_steps_a_median_outvotes():
    # A few fast steps, then a clean geometric phase: the window's median slope outvoted the
    # steps at its start (fit window from k = 3 with ratios 0.135, 0.28 inside, against 0.8),
    # and a slow and a fast step cancel over a baseline (momentum on Himmelblau: 0.834, 0.559)
    for steps in ([0.72, 0.56, 0.34, 0.135, 0.28], [0.1, 0.2], [0.9, 0.9, 0.1, 0.3], None):
        for rho in (0.5, 0.8, 0.95):
            pre = [0.3, 1.2 * rho, rho / 1.2] if steps is None else steps
            e = np.cumprod(np.r_[1.0, pre, [rho] * 300])
            fit = E.linear_fit(e)
            a, b = fit.window
            assert a == len(pre), (pre, rho, fit.window)
            ratios = e[a + 1:b + 1] / e[a:b]
            assert np.exp(np.mean(np.log(ratios))) == pytest.approx(fit.rate, rel=1e-9)


def test_himmelblau_gd_window_holds_no_transient_step():
    # GD with η = 1/L from (1.37, -2.3) to Himmelblau's minimizer near (3.584, -1.848): the
    # steps k = 3, 4 shrink the error by 0.135 and 0.28 against ρ = 1 - λ_min/λ_max = 0.728;
    # inside the window they pulled its geometric mean 3.5% below the fitted rate.
    x_star = np.array([3.58, -1.85])
    for _ in range(8):  # Newton on the gradient, analytic Hessian
        x, y = x_star
        H = np.array([[12 * x**2 + 4 * y - 42, 4 * (x + y)],
                      [4 * (x + y), 12 * y**2 + 4 * x - 26]])
        x_star = x_star - np.linalg.solve(H, himmelblau_grad(x_star))
    x, y = x_star
    lam = np.linalg.eigvalsh(np.array([[12 * x**2 + 4 * y - 42, 4 * (x + y)],
                                       [4 * (x + y), 12 * y**2 + 4 * x - 26]]))
    lr, rho = 1.0 / lam[-1], 1.0 - lam[0] / lam[-1]
    x, out = np.array([1.37, -2.3]), []
    for _ in range(90):
        out.append(x.copy())
        x = x - lr * himmelblau_grad(x)
    m = E.measure(np.array(out), x_star)
    assert m.kind == "linear" and m.rate == pytest.approx(rho, rel=1e-4)
    a, b = m.window
    e = np.linalg.norm(np.array(out) - x_star, axis=1)
    ratios = e[a + 1:b + 1] / e[a:b]
    assert np.all(np.abs(ratios[:3] / rho - 1) < 0.01)
    assert np.exp(np.mean(np.log(ratios))) == pytest.approx(m.rate, rel=0.01)


def test_inexact_minimizer_and_valley():
    A = np.diag([1.0, 4.0])
    path = gd_path(A, [1.0, 1.0], np.zeros(2), 0.2, 300)
    m = E.measure(path, [1e-9, 0.0])  # x* given with an error of 1e-9
    assert m.kind == "linear" and m.rate == pytest.approx(0.8, rel=1e-6)
    assert any("distance" in n for n in m.notes)
    V = np.array([[1.0, 1.0], [1.0, 1.0]])  # valley x + y = 0: eigenvalues 0, 2
    path = gd_path(V, [1.0, 0.3], np.zeros(2), 0.3, 200)
    m = E.measure(path, [0.0, 0.0])
    assert m.kind == "linear" and m.rate == pytest.approx(0.4, rel=1e-6)


# --------------------------------------------------------------------------------------------
# order, sublinear, divergence, oscillation
# --------------------------------------------------------------------------------------------


def test_estimate_order_newton_and_secant():
    r = math.log(2.0)
    newton = newton_path(lambda x: math.exp(x) - 2, math.exp, 3.0, 10)
    q = E.estimate_order(E.errors(newton, [r]), scale=r)
    assert q == pytest.approx(2.0, abs=0.05)
    m = E.measure(newton, [r])
    assert m.kind == "quadratic" and m.order == pytest.approx(2.0, abs=0.05)
    root = 2 ** (1 / 3)
    sec = secant_path(lambda x: x**3 - 2, 1.0, 2.0, 12)
    q = E.estimate_order(E.errors(sec, [root]), scale=root)
    assert q == pytest.approx((1 + math.sqrt(5)) / 2, abs=0.1)
    assert E.measure(sec, [root]).kind == "superlinear"
    lin = 0.5 ** np.arange(30)
    assert E.estimate_order(lin) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("p", [1.0, 0.5, 2.0])
def test_sublinear_detection(p):
    k = np.arange(1, 3001, dtype=float)
    m = E.measure((1.0 / k**p)[:, None], [0.0])
    assert m.kind == "sublinear" and m.exponent == pytest.approx(p, rel=0.02)
    assert m.rate is None


def test_sublinear_gd_on_quartic():
    x, lr, out = 1.0, 0.1, [1.0]
    for _ in range(4000):
        x -= lr * 4 * x**3
        out.append(x)
    m = E.measure(np.array(out), [0.0])
    assert m.kind == "sublinear" and m.exponent == pytest.approx(0.5, rel=0.02)


@pytest.mark.parametrize(
    "seq",
    [1.05 ** np.arange(200), [1.0, 2.0, 4.0, np.inf], [1.0, 0.5, np.nan, 0.1],
     [1e-8, 1e-6, 1e-4, 1e-2]],
)
def test_divergence(seq):
    e = np.asarray(seq, float)
    assert E.detect_divergence(e)
    assert E.measure(e[:, None], [0.0]).kind == "diverges"
    assert not E.detect_divergence(0.9 ** np.arange(50))


def test_divergence_growth_rate_at_a_saddle():
    A = np.diag([2.0, -2.0])  # f = x^2 - y^2
    path = gd_path(A, [1.0, 1e-8], np.zeros(2), 0.1, 120)
    m = E.measure(path, [0.0, 0.0])
    assert m.kind == "diverges" and m.rate == pytest.approx(1.2, rel=1e-6)
    p = T.predict("gd", {"lr": 0.1}, [-2.0, 2.0])
    c = C.compare(p, m)
    assert c.agree and c.verdict == "agrees"


def test_momentum_spiral_is_linear_not_superlinear():
    H = np.array([[1.0, 0.5], [0.5, 10.0]])  # complex roots: modulated successive ratios
    x, v, out = np.ones(2), np.zeros(2), []
    for _ in range(400):
        out.append(x.copy())
        v = 0.5 * v + H @ x
        x = x - 0.1 * v
    m = E.measure(np.array(out), [0.0, 0.0])
    p = T.predict("momentum", {"lr": 0.1, "momentum": 0.5}, np.linalg.eigvalsh(H))
    assert m.kind == "linear" and C.compare(p, m).agree


@pytest.mark.parametrize("seed", range(5))
def test_stationary_sgd_is_not_called_decaying(seed):
    rng = np.random.default_rng(seed)
    lam, lr, sigma = np.array([0.97, 10.03]), 0.05, 0.3
    X = np.ones(2)
    out = np.empty((20001, 2))
    xi = rng.standard_normal((20000, 2))
    out[0] = X
    for k in range(20000):
        X = X - lr * (lam * X + sigma * xi[k])
        out[k + 1] = X
    m = E.measure(out, [0.0, 0.0], stochastic=True)
    assert m.kind == "none" and m.reason.startswith("stochastic: stationary")
    assert abs(m.error_level - T.sgd_stationary_error(lam, lr, sigma)) <= 4 * m.error_level_se


def test_too_few_points():
    # 1e-11 -> 1e-12 -> 0: the last step to the floor (2.2e-13) gains only ln(4.5), which the
    # step before (ln 10) explains: no termination, and 2 points are too few for a rate
    m = E.measure(np.array([[1e-11], [1e-12], [0.0]]), [0.0])
    assert m.kind == "none" and m.floor_index == 2 and "only 2 points above" in m.reason
    one = E.measure(np.array([[1.0]]), [0.0])
    assert one.kind == "none" and one.reason
    at = E.measure(np.array([[0.0], [0.0]]), [0.0])
    assert at.kind == "none" and "already at the minimizer" in at.reason
    stuck = E.measure(np.ones((10, 2)), [0.0, 0.0])  # never moves, 1.41 away from x*
    assert stuck.kind == "none" and "the point the run stays at" in stuck.reason


def test_one_step_to_the_minimizer_is_finite():
    # 1 -> 0 (Newton on a quadratic, GD with lr = 1/lambda in 1-D): the minimizer is reached in
    # one step (this path used to be reported as "none: too few points")
    m = E.measure(np.array([[1.0], [0.0], [0.0]]), [0.0])
    assert m.kind == "finite" and m.finite_steps == 1 and m.floor_index == 1
    assert m.rate is None and m.order is None


def test_oscillation():
    A = np.array([[2.0, 0.5], [0.5, 8.0]])
    lam = np.linalg.eigvalsh(A)
    for lr in (0.22, 0.1):
        path = gd_path(A, [1.0, 1.0], np.zeros(2), lr, 300)
        osc = E.oscillation(path, [0.0, 0.0], window=(20, 60))
        assert osc.oscillating == (1 - lr * lam[-1] < -abs(1 - lr * lam[0]))
        assert osc.oscillating == T.predict("gd", {"lr": lr}, lam).oscillating
        json.dumps(osc.to_json())


def test_iterations_to_tolerance():
    e = 0.5 ** np.arange(40)
    assert E.iterations_to_tolerance(e, 1e-3) == 10
    assert E.iterations_to_tolerance(e, 1e-30) is None
    assert E.iterations_to_tolerance([np.nan, 1.0, 0.1], 0.5) == 2


def test_step_length_proxy_and_function_rate():
    A = np.diag([1.0, 4.0])
    path = gd_path(A, [1.0, 1.0], np.zeros(2), 0.2, 200)
    m = E.measure(path, None)
    assert m.kind == "linear" and m.rate == pytest.approx(0.8, rel=1e-6)
    f = 0.5 * np.einsum("ij,jk,ik->i", path, A, path)
    m = E.measure(path, [0.0, 0.0], fun=f, fun_star=0.0)
    assert m.fun_rate == pytest.approx(0.64, rel=1e-6)


def test_stochastic_level():
    rng = np.random.default_rng(3)
    lam, lr, sigma = np.array([1.0, 4.0]), 0.1, 0.5
    x = np.ones(2)
    out = [x.copy()]
    for _ in range(40_000):
        x = x - lr * (lam * x + sigma * rng.standard_normal(2))
        out.append(x.copy())
    m = E.measure(np.array(out), [0.0, 0.0], stochastic=True)
    pred = T.predict("sgd", {"lr": lr, "noise": sigma}, lam)
    assert m.kind == "none" and m.error_level_se is not None
    assert abs(m.error_level - pred.error_level) <= 4 * m.error_level_se
    c = C.compare(pred, m)
    assert c.agree and c.quantity == "error_level"
    det = E.measure(np.array(out), [0.0, 0.0])  # forgot stochastic=True
    assert C.compare(pred, det).reason == C.STOCHASTIC


# --------------------------------------------------------------------------------------------
# compare()
# --------------------------------------------------------------------------------------------


def test_compare_gd_agrees_and_record():
    A = np.diag([1.0, 10.0])
    path = gd_path(A, [1.0, 1.0], np.zeros(2), 0.18, 200)
    p = T.predict("gd", {"lr": 0.18}, [1.0, 10.0])
    m = E.measure(path, [0.0, 0.0])
    c = C.compare(p, m)
    assert c.agree and c.verdict == "agrees" and c.reason is None
    assert c.rel_diff < 0.01
    rec = C.rates_record("gd", {"lr": 0.18}, [0.0, 0.0], [1.0, 10.0], p, m, c)
    assert list(rec) == ["method", "hyper", "minimizer", "eigenvalues", "predicted", "measured",
                         "agree", "reason"]
    assert list(rec["predicted"])[:4] == ["kind", "rate", "order", "basis"]
    assert list(rec["measured"])[:5] == ["kind", "rate", "order", "window", "iterations"]
    assert rec["agree"] is True and rec["reason"] is None
    json.dumps(rec, allow_nan=False)


def test_compare_rate_differs_and_speed():
    p = T.predict("gd", {"lr": 0.18}, [1.0, 10.0])
    m = E.Measurement("linear", 0.8, 1.0, (10, 100), 120, settled=True)
    c = C.compare(p, m)
    assert not c.agree and c.verdict == "disagrees" and c.reason.startswith("rate differs")
    slow = T.predict("gd", {"lr": 0.001}, [1.0, 10.0])  # rate 0.999
    m = E.Measurement("linear", 0.998, 1.0, (10, 1000), 1000, settled=True)
    c = C.compare(slow, m)
    assert c.rel_diff < 0.01 and c.speed_diff > 0.9 and not c.agree


def test_compare_reasons():
    deg = T.predict("gd", {"lr": 0.1}, [0.0, 2.0], extra={"leading_order": 4})
    m_lin = E.Measurement("diverges", 1.1, None, (0, 50), 50)
    assert C.compare(deg, m_lin).reason == C.DEGENERATE
    p = T.predict("gd", {"lr": 0.18}, [1.0, 10.0])
    A = np.diag([1.0, 10.0])  # steepest descent with exact line search on the same quadratic
    x, out = np.array([1.0, 0.3]), []
    for _ in range(60):
        out.append(x.copy())
        g = A @ x
        x = x - (g @ g) / (g @ A @ g) * g
    m = E.measure(np.array(out), [0.0, 0.0])
    assert C.compare(p, m, line_search="exact").reason == C.LINE_SEARCH
    short = E.measure(gd_path(A, [1.0, 1.0], np.zeros(2), 0.18, 2), [0.0, 0.0])
    c = C.compare(p, short)  # the measurement's own reason for kind none is passed on
    assert c.verdict == "not comparable" and c.reason == f"measured kind none: {short.reason}"
    assert "too short to measure" in c.reason  # 2 iterations: 2 ratios
    fast = E.Measurement("linear", 0.02, 1.0, (0, 3), 10, floor_index=4, settled=False)
    assert C.compare(p, fast).reason == C.FLOOR_EARLY
    quad = E.Measurement("quadratic", None, 2.0, (0, 6), 10, floor_index=7, settled=True)
    assert C.compare(p, quad).reason == "kind differs: predicted linear, measured quadratic"
    adam = T.predict("adam", {"lr": 1e-3}, [1.0, 10.0])
    c = C.compare(adam, quad)
    assert c.verdict == "not comparable" and c.reason == adam.reason  # the specific reason
    assert "promises no rate" in c.reason and "Reddi" in c.reason
    late = T.predict("gd", {"lr": 0.18, "schedule": "linear", "final_lr": 0.09, "tau": 100},
                     [1.0, 10.0])
    early = E.Measurement("linear", 0.85, 1.0, (10, 90), 100, settled=True)
    assert C.compare(late, early).reason.startswith(C.NOT_ASYMPTOTIC)


def test_compare_bounds_and_finite_termination():
    spectrum = [1.0, 1.0, 4.0, 9.0]
    cg = T.predict("cg", {}, spectrum)
    faster = E.Measurement("linear", 0.1, 1.0, (0, 20), 20, settled=True)
    slower = E.Measurement("linear", 0.9, 1.0, (0, 20), 20, settled=True)
    assert C.compare(cg, faster).agree
    assert "above the bound" in C.compare(cg, slower).reason
    assert C.compare(cg, E.Measurement("quadratic", None, 2.0, (0, 5), 6)).agree
    done = E.Measurement("none", iterations=5, floor_index=3)
    linear_cg = T.predict("cg", {"variant": "linear"}, spectrum, extra={"quadratic": True})
    c = C.compare(linear_cg, done)  # finite termination: linear CG, 3 distinct eigenvalues
    assert c.agree and c.quantity == "finite_termination"
    bfgs = T.predict("bfgs", {}, spectrum)
    assert C.compare(bfgs, E.Measurement("quadratic", None, 2.0, (0, 5), 6)).agree
    assert not C.compare(bfgs, slower).agree
    lbfgs = T.predict("lbfgs", {}, spectrum)
    assert C.compare(lbfgs, slower).agree


def test_compare_newton_degenerate_and_quadratic():
    x, out = 1.0, [1.0]
    for _ in range(80):
        x -= (4 * x**3) / (12 * x**2)
        out.append(x)
    m = E.measure(np.array(out), [0.0])
    p = T.predict("newton", {"line_search": "none", "modification": "none"}, [0.0],
                  extra={"leading_order": 4})
    c = C.compare(p, m)
    assert c.agree and m.rate == pytest.approx(2 / 3, rel=1e-9)
    r = math.log(2.0)
    mq = E.measure(newton_path(lambda z: math.exp(z) - 2, math.exp, 3.0, 10), [r])
    assert C.compare(T.predict("newton", {}, [2.0]), mq).agree
    sub = E.measure((1.0 / np.arange(1, 3001))[:, None], [0.0])
    gd4 = T.predict("gd", {"lr": 0.1}, [0.0], extra={"leading_order": 3})  # exponent 1
    assert C.compare(gd4, sub).agree


def test_compare_double_root_window_correction():
    rng = np.random.default_rng(4)
    q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    lam = np.sort(rng.uniform(0.5, 20.0, 6))
    H = (q * lam) @ q.T
    for name, (lr, b, r) in (("momentum", T.polyak_optimal(lam)),
                             ("nesterov", T.nesterov_standard(lam))):
        x, v, out = rng.standard_normal(6), np.zeros(6), []
        for _ in range(400):
            out.append(x.copy())
            g = H @ x
            v = b * v + g
            x = x - lr * ((g + b * v) if name == "nesterov" else v)
        m = E.measure(np.array(out), np.zeros(6))
        p = T.predict(name, {"lr": lr, "momentum": b}, lam)
        assert p.details["double_root"] and m.rate > r  # k r^k: finite windows look slower
        c = C.compare(p, m)
        assert c.agree and "double root" in c.note
        # the window as the table and the per-step titles write it, k = i–j (Himmelblau p. 5
        # gave "[k = 24–39]" in the table and "the window [24, 39]" in this note)
        assert f"over the window k = {m.window[0]}–{m.window[1]};" in c.note, c.note


def test_scipy_quasi_newton_paths_are_superlinear():
    from scipy.optimize import minimize, rosen, rosen_der

    hess = np.array([[802.0, -400.0], [-400.0, 200.0]])  # Rosenbrock at (1, 1)
    for method, name in (("BFGS", "bfgs"), ("CG", "cg")):
        path = [np.array([-1.2, 1.0])]
        minimize(rosen, path[0], jac=rosen_der, method=method, options={"gtol": 1e-14},
                 callback=lambda xk, path=path: path.append(np.array(xk)))
        m = E.measure(np.array(path), [1.0, 1.0])
        assert m.kind in ("superlinear", "quadratic")
        assert C.compare(T.predict(name, {}, np.linalg.eigvalsh(hess)), m).agree


def test_measurement_json_nonfinite():
    m = E.Measurement("diverges", math.inf, None, (0, 3), 3)
    js = m.to_json()
    assert js["rate"] is None
    json.dumps(js, allow_nan=False)
    with pytest.raises(ValueError):
        E.Measurement("fast")


# --------------------------------------------------------------------------------------------
# the cases of the verdict issue: finite, bounded, orders only where determined, ulp stability
# --------------------------------------------------------------------------------------------


def himmelblau_grad(v):
    x, y = v
    return np.array([4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
                     2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)])


def himmelblau(v):
    x, y = v
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def test_newton_on_a_quadratic_is_finite_in_one_step():
    # f = 0.1 x^2 + 2 y^2: one Newton step x - H^-1 grad lands on x* = 0 (lecture notes)
    H = np.diag([0.2, 4.0])
    x, out = np.array([1.0, 1.0]), []
    for _ in range(4):
        out.append(x.copy())
        x = x - np.linalg.solve(H, H @ x)
    m = E.measure(np.array(out), [0.0, 0.0])
    assert m.kind == "finite" and m.finite_steps == 1 and m.window == (0, 1)
    assert m.to_json()["finite_steps"] == 1


def test_linear_cg_terminates_in_the_number_of_distinct_eigenvalues():
    # f = x^2 + 2 y^2 + 3 z^2 (A = diag(2, 4, 6), three distinct eigenvalues) from (1, 1, 1):
    # exact-line-search CG reaches x* in 3 steps (Nocedal & Wright, Thm 5.4)
    A = np.diag([2.0, 4.0, 6.0])
    x = np.ones(3)
    r = -(A @ x)
    d = r.copy()
    out = [x.copy()]
    for _ in range(3):
        a = (r @ r) / (d @ A @ d)
        x = x + a * d
        r_new = r - a * (A @ d)
        d = r_new + (r_new @ r_new) / (r @ r) * d
        r = r_new
        out.append(x.copy())
    m = E.measure(np.array(out), np.zeros(3))
    assert m.kind == "finite" and m.finite_steps == 3


def test_gd_past_the_stability_limit_settles_on_a_two_cycle():
    # GD with lr = 0.0199 > 2/L = 0.01897 at Himmelblau's minimizer (3.584, -1.848): the
    # 2-cycle solves x2 = x1 - lr g(x1), x1 = x2 - lr g(x2) (solved here with fsolve)
    from scipy.optimize import fsolve, minimize

    lr = 0.0199
    x_star = minimize(himmelblau, [3.58, -1.85], jac=himmelblau_grad, method="BFGS",
                      options={"gtol": 1e-13}).x

    def two_step(z):
        a, b = z[:2], z[2:]
        return np.r_[b - (a - lr * himmelblau_grad(a)), a - (b - lr * himmelblau_grad(b))]

    z = fsolve(two_step, [3.9, -1.8, 3.1, -1.88], xtol=1e-14)
    x, out = np.array([3.584, -1.848]), []
    for _ in range(2000):
        out.append(x.copy())
        x = x - lr * himmelblau_grad(x)
    m = E.measure(np.array(out), x_star)
    assert m.kind == "bounded" and m.period == 2
    assert m.band == pytest.approx(np.linalg.norm(z[:2] - z[2:]), rel=1e-6)
    assert m.rate is None and m.order is None
    js = m.to_json()
    assert js["kind"] == "bounded" and js["period"] == 2 and js["band"] == m.band


def test_constant_step_subgradient_on_abs_cycles_between_037_and_minus_063():
    # x - 1 * sign(x) from 5.37: 5.37, 4.37, ..., 0.37, -0.63, 0.37, ...: a 2-cycle of size 1
    x, out = 5.37, []
    for _ in range(40):
        out.append(x)
        x -= np.sign(x)
    m = E.measure(np.array(out), [0.0])
    assert m.kind == "bounded" and m.period == 2 and m.band == pytest.approx(1.0, abs=1e-12)
    assert all("floor" not in n for n in m.notes)


def test_constant_step_on_a_kinked_minimizer_is_a_band():
    # f = |x - 1| + 2|y + 0.5| + 0.1 (x^2 + y^2), minimizer (1, -0.5) on the kinks; a constant
    # step lr moves by lr*|g| with 1 <= |g| <= 3 near it, so the iterates stay in a band whose
    # diameter is at least one step (lr) and O(lr |g|)
    lr = 0.01

    def sub(v):
        return np.array([np.sign(v[0] - 1) + 0.2 * v[0], 2 * np.sign(v[1] + 0.5) + 0.2 * v[1]])

    x, out = np.zeros(2), []
    for _ in range(3000):
        out.append(x.copy())
        x = x - lr * sub(x)
    m = E.measure(np.array(out), [1.0, -0.5])
    assert m.kind == "bounded" and m.period in (None, *range(2, 33))
    assert lr <= m.band <= 2 * 3 * lr


def test_diminishing_subgradient_step_is_sublinear():
    # x - lr_k sign(x), lr_k = 0.5/sqrt(k+1): once at the kink the iterates straddle 0 within
    # one step, |x_k| <= lr_(k-1) ~ k^-1/2: the envelope decays with exponent 1/2
    x, out = 5.37, []
    for k in range(3000):
        out.append(x)
        x -= 0.5 / math.sqrt(k + 1) * np.sign(x)
    m = E.measure(np.array(out), [0.0])
    assert m.kind == "sublinear" and m.exponent == pytest.approx(0.5, rel=0.1)




def test_a_jump_into_the_floor_band_ends_the_superlinear_window_at_its_landing():
    # the measured kind rests on the jump; the crawl after it (ratios 0.19-1, all within 1e3
    # floors) is left out of the window, so no ratio inside the window contradicts the kind
    e = np.array(CG_ROSENBROCK5)
    m = E.measure(e[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR)
    assert m.kind == "superlinear" and m.window == (25, 26)  # k = 85-86 of the run
    a, b = m.window
    inside = e[a + 1:b + 1] / e[a:b]
    before = e[a - 2:a + 1] / e[a - 3:a]
    assert np.max(inside) <= E.RATIO_FALL * np.min(before)
    assert np.all(e[b:] <= E.FLOOR_BAND * CG_ROSENBROCK5_FLOOR)
    assert any("left out of the window 25–26" in n and "0.19 to 1" in n for n in m.notes)
    # the same stairs far above the floor: the steps after the jump are evidence, the window
    # runs to the last point above the floor as before
    far = E.measure(1e4 * e[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR)
    assert far.kind == "superlinear" and far.window == (25, e.size - 1)
    # last bits do not move the window
    rng = np.random.default_rng(5)
    eps = np.finfo(float).eps
    for _ in range(100):
        q = e * (1 + rng.integers(-4, 5, size=e.size) * eps)
        mq = E.measure(q[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR)
        assert (mq.kind, mq.window) == ("superlinear", (25, 26))


@pytest.mark.parametrize("method", ["BFGS", "CG"])
def test_scipy_paths_are_superlinear_from_ulp_perturbed_starts(method):
    # 21 starts within 10 ulps of (-1.2, 1) on Rosenbrock and of (1, -2) on Himmelblau give
    # visibly different paths near the floor (SciPy's line searches branch on last bits): the
    # verdict must not depend on them; an order, when reported, is > 1. CG on Himmelblau is
    # the exception to "superlinear": its steps alternate slow and fast, and its two-step
    # ratios e_(k+2)/e_k (0.026, 0.0020, 1.2e-4, 2.0e-5, 1.5e-4) stop falling at the end,
    # the last error (3e-12) three floors away: too few ratios to tell superlinear from fast
    # linear, and kind none from every start
    from scipy.optimize import minimize, rosen, rosen_der

    eps = np.finfo(float).eps
    for fun, jac, x0, x_star in ((rosen, rosen_der, [-1.2, 1.0], np.ones(2)),
                                 (himmelblau, himmelblau_grad, [1.0, -2.0], None)):
        too_few = method == "CG" and fun is himmelblau
        for j in range(-10, 11):
            start = np.array(x0) * (1 + j * eps)
            path = [start]
            res = minimize(fun, start, jac=jac, method=method, options={"gtol": 1e-14},
                           callback=lambda xk, path=path: path.append(np.array(xk)))
            ref = x_star if x_star is not None else minimize(
                fun, res.x, jac=jac, method="BFGS", options={"gtol": 1e-15}).x
            m = E.measure(np.array(path), ref)
            if too_few:
                e = E.errors(np.array(path), ref)
                n = E.valid_length(e, E.default_floor(float(np.linalg.norm(ref))))
                r2 = e[2:n] / e[:n - 2]
                assert not r2[-1] <= r2[-3] / 2, (j, r2)
                assert m.kind == "none" and m.floor_index == n, (j, m.notes)
                assert ("too few ratios above the floor to tell superlinear from fast linear "
                        "(only ") in m.reason, (j, m.notes)
                continue
            assert m.kind in ("superlinear", "quadratic"), (j, m.kind, m.notes)
            assert m.order is None or m.order > 1.0


def test_verdicts_survive_ulp_perturbations_of_the_path():
    # every coordinate of every iterate moved by up to 4 ulps, 200 times: same kind each time
    from scipy.optimize import minimize, rosen, rosen_der

    eps = np.finfo(float).eps
    rng = np.random.default_rng(11)
    paths = {}
    for method in ("BFGS", "CG"):
        path = [np.array([-1.2, 1.0])]
        minimize(rosen, path[0], jac=rosen_der, method=method, options={"gtol": 1e-14},
                 callback=lambda xk, path=path: path.append(np.array(xk)))
        paths[method] = (np.array(path), np.ones(2))
    paths["gd"] = (gd_path(np.diag([1.0, 10.0]), [1.0, 1.0], np.zeros(2), 0.18, 300),
                   np.zeros(2))
    r = math.log(2.0)
    paths["newton"] = (newton_path(lambda z: math.exp(z) - 2, math.exp, 3.0, 10)[:, None],
                       np.array([r]))
    for name, (path, x_star) in paths.items():
        kind = E.measure(path, x_star).kind
        for _ in range(200):
            q = path * (1 + rng.integers(-4, 5, size=path.shape) * eps)
            assert E.measure(q, x_star).kind == kind, name


def test_fast_convergence_on_alternating_sides_is_not_a_cycle():
    # e_(k+1) = e_k^2 along two directions in turn: the last two iterates are distinct and each
    # "phase" seems to have stopped moving, yet both tend to x*; it is quadratic, not a 2-cycle
    e = [0.5]
    while e[-1] > 1e-13:
        e.append(e[-1] ** 2)
    u = np.array([[1.0, 0.0], [0.6, 0.8]])
    path = np.array([ek * u[k % 2] for k, ek in enumerate(e)])
    m = E.measure(path, [0.0, 0.0])
    assert m.kind == "quadratic" and m.order == pytest.approx(2.0, abs=1e-3)
    # the last 8 iterates (minus (1, 1)) of nonlinear CG on Rosenbrock: a stall, a jump, and
    # so on down to 1.3e-15 from x* = (1, 1). The last two points are 7.8e-13 apart and each
    # phase's geometric extrapolation has stopped, but the run reached x*: no cycle
    tail = np.array([[-2.8689790356850597e-04, -5.8547570165057294e-04],
                     [-2.9103544135400394e-04, -5.8311881669281806e-04],
                     [2.2637465122210543e-05, 4.5270007885456209e-05],
                     [2.2579603243588764e-05, 4.5271333389385049e-05],
                     [2.8427504794592551e-10, 7.2405637041583759e-11],
                     [8.5566664864700215e-11, 1.7147594455479975e-10],
                     [5.4334314825155161e-13, 5.5666582454705349e-13],
                     [-5.5511151231257827e-16, -1.2212453270876722e-15]])
    m = E.measure(1.0 + tail, [1.0, 1.0])
    assert m.kind == "superlinear" and m.period is None


def test_a_line_through_swings_with_rising_peaks_is_no_rate():
    """Adam with a constant step on the 5-D Rosenbrock function (the report's run: η = 0.09,
    20000 steps): the error swings between about 1e−5 and 0.06–0.08 over the last 7000 steps
    with rising peaks, and was reported as linear with rate 0.99992.  An error whose largest
    value does not fall between the first and last quarter of the window has no rate."""
    from landscape import Objective
    from optimizers import minimize

    obj = Objective.parse("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", dim=5)
    res = minimize(obj, [1.37, -2.3, -4.59, -4.83, 3.13], "adam", lr=0.09, steps=20000,
                   record=True)
    path = np.asarray(res.path)
    e = np.linalg.norm(path - 1.0, axis=1)
    late = e[13000:]
    q = len(late) // 4
    assert late[-q:].max() > late[:q].max() > 1e3 * late.min()  # the swings, seen directly
    m = E.measure(path, np.ones(5))
    assert m.kind == "none" and m.rate is None
    assert "does not fall over the window" in m.reason


@pytest.mark.parametrize("a", [0.2, 0.5, 0.9])
def test_line_spread_of_a_geometric_sequence_with_a_known_swing(a):
    """e_k = ρ^k (1 + a cos(πk/2)): the robust line is ρ^k itself (the half-window baseline is
    whole periods, the residuals' median is ln 1 = 0), so the error swings about it by
    max(ln(1 + a), -ln(1 - a)) = -ln(1 - a), that is -log10(1 - a) decades, in each half;
    the measurement carries it (and the JSON its ``spread`` key)."""
    k = np.arange(400)
    e = 0.95**k * (1 + a * np.cos(np.pi * k / 2))
    assert E.line_spread(np.log(e)) == pytest.approx(-math.log10(1 - a), rel=1e-12)
    m = E.measure(e[:, None], np.zeros(1))
    lo, hi = m.window
    assert m.kind == "linear" and m.rate == pytest.approx(0.95, rel=1e-9)
    assert m.spread == pytest.approx(E.line_spread(np.log(e[lo:hi + 1])), rel=1e-12)
    assert m.to_json()["spread"] == m.spread and m.to_json()["kind"] == "linear"


def test_line_spread_ignores_a_transient_seen_once():
    """A geometric sequence whose first error lies a decade above the line (a start-up step,
    as GD on Himmelblau at the start of its window) does not swing: its spread is the second
    half's, 0."""
    k = np.arange(60)
    e = 0.7**k
    e[0] *= 10.0
    assert E.line_spread(np.log(e)) == pytest.approx(0.0, abs=1e-12)
    assert E.line_spread(np.log(0.7**k)) == pytest.approx(0.0, abs=1e-12)


def test_a_rate_disagreement_gives_the_number_its_rule_tested():
    """Rosenbrock pp. 2, 6: GD's reason read "predicted 0.9999854, measured 0.9999732 (rel.
    diff 1.22e−05)", a difference under the 1% tolerance, while the verdict failed on
    Δln ρ/ln ρ = 83%.  Here GD with η = 0.001 on eigenvalues 1, 10: ρ = 1 − 0.001 = 0.999
    (closed form), measured 0.998: Δρ/ρ = 0.1% passes, Δln ρ/ln ρ = ln 0.998/ln 0.999 − 1
    = 100% fails, and the reason must give the latter with its threshold."""
    import math

    slow = T.predict("gd", {"lr": 0.001}, [1.0, 10.0])
    assert slow.rate == pytest.approx(0.999, rel=1e-12)
    m = E.Measurement("linear", 0.998, 1.0, (10, 1000), 1000, settled=True)
    c = C.compare(slow, m)
    on_log = abs(math.log(0.998) - math.log(0.999)) / abs(math.log(0.999))
    assert not c.agree and "rel. diff" not in c.reason
    assert c.reason.endswith(f"(Δln ρ/ln ρ {C.percent(on_log)} > 1%)")
    assert C.percent(on_log) == "100%"
    # far from 1 the test on ρ decides: predicted 1 − 0.9 = 0.1 (η = 0.9, eigenvalue 1),
    # measured 0.2: Δρ/ρ = 100% against Δln ρ/ln ρ = ln 2/ln 10 = 30%
    fast = T.predict("gd", {"lr": 0.9}, [1.0, 1.0])
    c = C.compare(fast, E.Measurement("linear", 0.2, 1.0, (10, 30), 40, settled=True))
    assert fast.rate == pytest.approx(0.1) and c.reason.endswith("(Δρ/ρ 100% > 1%)")


def test_a_run_stalled_near_an_exact_isolated_minimizer_is_measured_to_it():
    """Kink p. 6: Newton ended 4.3e-4 from the exact, isolated minimum (1, -0.5); the errors
    were measured to its final iterate (the rule for an inexact x* or a valley) and fitted
    'linear 0.475'.  With ``isolated`` the errors stay measured to x*: they level off at
    ||x_K - x*||, the run stalled there, no kind, no rate.  The same path without
    ``isolated`` (an x* that may be inexact) still switches to the final iterate."""
    A = np.diag([1.0, 4.0])
    x_hat = np.array([1.0 - 4.3e-4, -0.5])  # where the iterates converge
    path = gd_path(A, [-4.0, 2.0], x_hat, 0.2, 200)
    x_star = [1.0, -0.5]
    gap = float(np.linalg.norm(path[-1] - x_star))  # 4.3e-4, computed from the path
    m = E.measure(path, x_star, isolated=True)
    assert m.kind == "none" and m.rate is None and m.window is None
    assert m.stalled == pytest.approx(gap, rel=1e-12) and gap == pytest.approx(4.3e-4, rel=1e-9)
    assert m.reason.startswith("stalled 0.00043 from x*")
    assert m.to_json()["stalled"] == m.stalled
    m = E.measure(path, x_star)
    assert m.kind == "linear" and m.rate == pytest.approx(0.8, rel=1e-6) and m.stalled is None
    with pytest.raises(ValueError, match="stalled"):
        E.Measurement("linear", 0.5, 1.0, stalled=1e-3)


def test_a_run_whose_error_still_falls_is_not_said_to_have_stalled():
    """Rosenbrock p. 6: Adam ended 2.1 from x* at its iteration limit, its error still
    falling (2.27 at k = 750, 2.06 at k = 1000), and was said to have 'stalled 2.1 from x*'.
    Here x_k = 2 + 0.997^k in one variable, x* = 0: the steps shrink geometrically toward 2
    (so a limit point is found), yet over the last quarter the error falls from
    2 + 0.997^750 to 2 + 0.997^1000, by 2.6%: 'still decreasing', not 'stalled'.  With
    0.99 per step it falls 0.05% there: stalled."""
    k = np.arange(1001.0)
    m = E.measure((2.0 + 0.997 ** k)[:, None], [0.0], isolated=True)
    e750, e1000 = 2.0 + 0.997 ** 750, 2.0 + 0.997 ** 1000
    assert (e750 - e1000) / e750 == pytest.approx(0.026, abs=5e-4)
    assert m.kind == "none" and m.stalled == pytest.approx(e1000, rel=1e-12)
    assert m.falling == (750, pytest.approx(e750, rel=1e-12), pytest.approx(e1000, rel=1e-12))
    assert m.reason.startswith(f"2.0 from x*, still decreasing: the error fell from "
                               f"{fmt(e750, 3)} at k = 750 to {fmt(e1000, 3)} at k = 1000")
    assert "stalled" not in m.reason and m.to_json()["falling"] == list(m.falling)
    m = E.measure((2.0 + 0.99 ** k)[:, None], [0.0], isolated=True)
    assert m.falling is None and m.reason.startswith("stalled 2.0 from x*")


def test_a_run_its_method_stopped_above_the_floor_has_no_kind():
    """Kink p. 6: BFGS's errors 0.501, 0.232, 0.230, 0.00118, then its line search failed,
    0.0012 from x*: 'superlinear' on the two ratios 0.993, 0.00512.  A run its method stopped
    with the error nine decades above the floor did not converge: no kind.  The same errors
    without a stop (a truncated run, extended by the caller) keep the reading of the ratio
    rules, and a run stopped within FLOOR_BAND floors keeps its kind."""
    e = np.array([7.071, 5.208, 2.393, 1.289, 0.5007, 0.2318, 0.2302, 1.179e-3])
    path = np.column_stack([e, np.zeros_like(e)])  # errors to x* = 0 are e itself
    m = E.measure(path, [0.0, 0.0], stopped="its line search failed")
    assert m.kind == "none" and m.rate is None and m.window is None
    assert m.reason.startswith("the run stopped (its line search failed) 0.0012 from x*")
    assert E.measure(path, [0.0, 0.0]).kind == "superlinear"
    fl = E.default_floor(0.0)
    A = np.diag([1.0, 4.0])
    path = gd_path(A, [1.0, 1.0], np.zeros(2), 0.2, 300)  # linear 0.8, stopped just above fl
    last = int(np.flatnonzero(np.linalg.norm(path, axis=1) <= 100 * fl)[0])
    m = E.measure(path[:last + 1], [0.0, 0.0], stopped="its line search failed")
    assert m.kind == "linear" and m.rate == pytest.approx(0.8, rel=1e-6)
