"""Newton, CG, quasi-Newton, coordinate descent and line searches against SciPy and theory;
divergence and domain handling."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

from landscape.linalg import jacobi_eigh
from landscape.objective import Objective
from optimizers import minimize, minimize_batch
from optimizers.linesearch import cubicmin, quadmin

x, y = sp.symbols("x y", real=True)

ROSEN = (1 - x) ** 2 + 100 * (y - x**2) ** 2
HIMMELBLAU = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
BEALE = (sp.Rational(3, 2) - x + x * y) ** 2 + (sp.Rational(9, 4) - x + x * y**2) ** 2 + (
    sp.Rational(21, 8) - x + x * y**3
) ** 2


@pytest.fixture(scope="module")
def problems():
    out = {}
    for name, expr, x0 in [
        ("rosenbrock", ROSEN, [-1.2, 1.0]),
        ("himmelblau", HIMMELBLAU, [-1.0, 1.5]),
        ("beale", BEALE, [1.0, 1.0]),
    ]:
        obj = Objective.from_expr(expr)
        out[name] = (obj, np.array(x0))
    return out


def _scipy(obj, x0, method):
    kw = {"jac": obj.grad}
    if method == "Newton-CG":
        kw["hess"] = obj.hess
        kw["options"] = {"xtol": 1e-12}
    elif method in ("BFGS", "CG"):
        kw["options"] = {"gtol": 1e-8}
    elif method == "L-BFGS-B":
        kw["options"] = {"gtol": 1e-10, "ftol": 1e-15}
    return so.minimize(obj.value, x0, method=method, **kw)


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "beale"])
@pytest.mark.parametrize(
    ("method", "hyper", "scipy_method"),
    [
        ("bfgs", {}, "BFGS"),
        ("lbfgs", {}, "L-BFGS-B"),
        ("cg", {}, "CG"),
        ("newton", {}, "Newton-CG"),
    ],
)
def test_same_minimizer_as_scipy(problems, name, method, hyper, scipy_method):
    obj, x0 = problems[name]
    ours = minimize(obj, x0, method, gtol=1e-8, **hyper)
    ref = _scipy(obj, x0, scipy_method)
    assert ours.status == "converged", ours.message
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)
    # same order of magnitude (SciPy's Newton-CG is a truncated Newton method: more steps)
    assert max(ours.nit, ref.nit) <= 5 * min(ours.nit, ref.nit) + 10, (ours.nit, ref.nit)


@pytest.mark.parametrize("variant", ["fr", "pr+", "hs", "dy"])
def test_cg_variants_converge(problems, variant):
    obj, x0 = problems["himmelblau"]
    res = minimize(obj, x0, "cg", variant=variant, gtol=1e-8, maxiter=2000)
    assert res.status == "converged", res.message
    assert res.fun < 1e-12


@pytest.mark.parametrize("line_search", ["armijo", "wolfe"])
@pytest.mark.parametrize("method", ["gd", "newton", "bfgs", "lbfgs"])
def test_line_searches_on_rosenbrock(problems, method, line_search):
    obj, x0 = problems["rosenbrock"]
    res = minimize(obj, x0, method, line_search=line_search, maxiter=50000)
    assert res.status == "converged", res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-4)


def test_wolfe_step_satisfies_strong_wolfe_conditions(problems):
    obj, x0 = problems["rosenbrock"]
    res = minimize(obj, x0, "gd", line_search="wolfe", steps=1, record=True)
    g0 = obj.grad(x0)
    d = -g0
    step = res.path[1] - x0
    alpha = step[0] / d[0]
    np.testing.assert_allclose(step, alpha * d, rtol=1e-12)
    assert obj.value(res.path[1]) <= obj.value(x0) + 1e-4 * alpha * g0 @ d
    assert abs(obj.grad(res.path[1]) @ d) <= 0.9 * abs(g0 @ d)


def test_interpolation_helpers():
    # the cubic through f(0)=0, f'(0)=-1, f(1)=?, f(2)=? of t³ − 3t² + ... has its minimiser
    def c(t):
        return t**3 - 3 * t

    assert cubicmin(0.0, c(0.0), -3.0, 2.0, c(2.0), 3.0, c(3.0)) == pytest.approx(1.0)
    assert quadmin(0.0, 1.0, -2.0, 2.0, 1.0) == pytest.approx(1.0)
    assert np.isnan(quadmin(0.0, 1.0, 2.0, 1.0, 0.0))


def test_failed_line_search_keeps_best_point():
    obj = Objective.from_expr(-x)  # unbounded below: no step satisfies the curvature condition
    res = minimize(obj, [0.0], "bfgs")
    assert res.status == "line_search_failed"
    assert "line search failed" in res.message
    assert np.isfinite(res.x).all() and np.isfinite(res.fun)
    assert res.fun <= 0.0


# ----------------------------------------------------------------------------- linear CG, Newton
@pytest.fixture(scope="module")
def repeated_quadratic():
    """½xᵀAx − bᵀx with A = Q diag(1,1,1,4,4,9) Qᵀ (three distinct eigenvalues)."""
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    Amat = Q @ np.diag([1.0, 1.0, 1.0, 4.0, 4.0, 9.0]) @ Q.T
    Amat = (Amat + Amat.T) / 2
    b = rng.standard_normal(6)
    xs = sp.symbols("x1:7", real=True)
    v = sp.Matrix(xs)
    expr = (v.T * sp.Matrix(Amat) * v)[0] / 2 - (sp.Matrix(b).T * v)[0]
    return Objective.from_expr(sp.expand(expr), xs), Amat, b


def test_linear_cg_terminates_in_number_of_distinct_eigenvalues(repeated_quadratic):
    obj, Amat, b = repeated_quadratic
    res = minimize(obj, np.zeros(6), "cg", variant="linear", gtol=1e-9)
    assert res.status == "converged"
    assert res.nit == 3
    assert res.nhev == 1
    np.testing.assert_allclose(res.x, np.linalg.solve(Amat, b), atol=1e-10)


def test_linear_cg_stalls_on_negative_curvature():
    obj = Objective.from_expr(x**2 - y**2)
    res = minimize(obj, [1.0, 1.0], "cg", variant="linear")
    assert res.status == "stalled" and "positive definite" in res.message


@pytest.mark.parametrize(
    "hyper",
    [{}, {"line_search": "none", "modification": "none"}, {"modification": "saddle-free"},
     {"line_search": "armijo"}],
)
def test_newton_one_step_on_quadratic(repeated_quadratic, hyper):
    obj, Amat, b = repeated_quadratic
    res = minimize(obj, np.ones(6), "newton", gtol=1e-9, **hyper)
    assert res.status == "converged"
    assert res.nit == 1
    np.testing.assert_allclose(res.x, np.linalg.solve(Amat, b), atol=1e-10)


def test_damped_newton_contracts_by_one_minus_damping(repeated_quadratic):
    obj, Amat, b = repeated_quadratic
    xs = np.linalg.solve(Amat, b)
    res = minimize(obj, np.ones(6), "newton", line_search="none", damping=0.5, steps=5,
                   record=True)
    err = np.linalg.norm(res.path - xs, axis=1)
    np.testing.assert_allclose(err[1:] / err[:-1], 0.5, rtol=1e-8)


def test_newton_modifications_on_a_saddle():
    obj = Objective.from_expr(x**2 - y**2 + y**4 / 4)
    x0 = [1.0, 0.1]
    pure = minimize(obj, x0, "newton", line_search="none", modification="none", steps=1)
    # pure Newton jumps toward the critical point of the local model; here y → saddle side
    H = np.array([[2.0, 0.0], [0.0, -2 + 3 * 0.01]])
    g = obj.grad(x0)
    np.testing.assert_allclose(pure.x, np.array(x0) - np.linalg.solve(H, g), rtol=1e-12)
    sf = minimize(obj, x0, "newton", modification="saddle-free", line_search="none", steps=1)
    np.testing.assert_allclose(sf.x, np.array(x0) - g / np.abs(np.diag(H)), rtol=1e-12)
    assert sf.fun < obj.value(x0)
    for mod in ("shift", "saddle-free"):
        res = minimize(obj, x0, "newton", modification=mod)
        assert res.status == "converged"
        np.testing.assert_allclose(np.abs(res.x), [0.0, np.sqrt(2.0)], atol=1e-8)
    bad = minimize(obj, [1.0, 0.1], "newton", modification="none")
    assert bad.status == "line_search_failed" and "descent" in bad.message


def test_pure_newton_singular_hessian_stalls():
    obj = Objective.from_expr(x**2, [x, y])
    res = minimize(obj, [1.0, 1.0], "newton", modification="none", line_search="none")
    assert res.status == "stalled" and "singular" in res.message


def test_jacobi_eigh_matches_numpy():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((7, 7))
    M = M + M.T
    W = np.empty((7, 7))
    V = np.empty((7, 7))
    w = np.empty(7)
    jacobi_eigh(M, W, V, w)
    np.testing.assert_allclose(np.sort(w), np.linalg.eigvalsh(M), atol=1e-12)
    np.testing.assert_allclose(V @ np.diag(w) @ V.T, M, atol=1e-12)


# ----------------------------------------------------------------------------- coordinate descent
@pytest.fixture(scope="module")
def separable():
    z = sp.symbols("z", real=True)
    expr = 3 * (x - 1) ** 2 + sp.Rational(1, 2) * (y + 2) ** 2 + 7 * (z - sp.Rational(1, 3)) ** 2
    return Objective.from_expr(expr, [x, y, z])


@pytest.mark.parametrize("order", ["cyclic", "shuffle"])
def test_coordinate_descent_exact_on_separable_quadratic_in_one_sweep(separable, order):
    res = minimize(separable, [5.0, 5.0, 5.0], "coordinate", order=order, gtol=1e-10)
    assert res.status == "converged"
    assert res.nit == 1
    np.testing.assert_allclose(res.x, [1.0, -2.0, 1.0 / 3.0], atol=1e-12)


def test_coordinate_gradient_update_and_random_order(separable):
    res = minimize(separable, [5.0, 5.0, 5.0], "coordinate", update="gradient", lr=0.05,
                   order="random", seed=3, maxiter=5000)
    assert res.status == "converged"
    again = minimize(separable, [5.0, 5.0, 5.0], "coordinate", update="gradient", lr=0.05,
                     order="random", seed=3, maxiter=5000)
    np.testing.assert_array_equal(res.x, again.x)


def test_coordinate_descent_on_coupled_function(problems):
    obj, x0 = problems["himmelblau"]
    res = minimize(obj, x0, "coordinate", gtol=1e-8)
    assert res.status == "converged"
    assert res.fun < 1e-14


# ----------------------------------------------------------------------------- divergence
def test_gd_diverges_on_x_squared_with_finite_report():
    obj = Objective.from_expr(x**2)
    res = minimize(obj, [1.0], "gd", lr=1.5, record=True)
    assert res.status == "diverged" and not res.success
    assert np.isfinite(res.x).all() and np.isfinite(res.fun) and np.isfinite(res.jac).all()
    assert abs(res.x[0]) <= 1e8 * 2
    assert res.path.shape[0] == res.nit + 1
    np.testing.assert_array_equal(res.path[-1], res.x)
    np.testing.assert_allclose(res.path[:, 0], (-2.0) ** np.arange(res.nit + 1))
    assert "1e+08" in res.message


def test_diverging_starts_do_not_affect_the_others():
    obj = Objective.from_expr(x**4)
    X = np.array([[0.5], [5.0], [-0.3], [-8.0], [0.9], [3.0]])
    batch = minimize_batch(obj, X, "gd", lr=0.1, maxiter=300)
    assert list(batch.status) == ["maxiter", "diverged", "maxiter", "diverged", "maxiter",
                                  "diverged"]
    assert np.isfinite(batch.x).all() and np.isfinite(batch.fun).all()
    for i in range(len(X)):
        alone = minimize(obj, X[i], "gd", lr=0.1, maxiter=300)
        np.testing.assert_array_equal(alone.x, batch.x[i])
        assert alone.nit == batch.nit[i] and alone.status == batch.status[i]


@pytest.mark.parametrize("method", ["gd", "adam", "newton"])
def test_leaving_the_domain_reports_last_finite_iterate(method):
    obj = Objective.from_expr(x**2 - sp.log(x))
    hyper = {"lr": 1.0} if method == "gd" else {"lr": 5.0} if method == "adam" else {
        "line_search": "none", "damping": 5.0}
    res = minimize(obj, [3.0], method, record=True, **hyper)
    assert res.status == "diverged"
    assert "domain" in res.message
    assert res.x[0] > 0 and np.isfinite(res.fun)
    np.testing.assert_array_equal(res.path[-1], res.x)


def test_start_outside_domain():
    obj = Objective.from_expr(x**2 - sp.log(x))
    res = minimize(obj, [-1.0], "bfgs")
    assert res.status == "diverged" and res.nit == 0
    assert "outside the objective's domain" in res.message
    assert res.to_json()["fun"] is None


def test_steps_runs_exactly_k_iterations_even_at_a_minimum():
    obj = Objective.from_expr(x**2 + y**2)
    for method in ("gd", "adam", "bfgs", "newton", "coordinate"):
        res = minimize(obj, [0.0, 0.0], method, steps=7)
        assert res.status == "steps" and res.nit == 7 and res.success
        res = minimize(obj, [0.0, 0.0], method)
        assert res.status == "converged" and res.nit == 0


def _bfgs_helpers():
    from optimizers.algorithms import bfgs
    from optimizers.engine import prepare

    prepare(bfgs)
    return bfgs


@pytest.mark.parametrize("n", [1, 2, 3, 8, 9, 20])
def test_bfgs_helpers_match_the_column_order_formulas_bit_for_bit(n):
    """Below and above ``SMALL_N`` the compiled H∇f and inverse update give, entry by entry,
    the numbers of the general formulas evaluated in Python in their original order (column
    by column for H v; every entry for the update), and H stays exactly symmetric."""
    bfgs = _bfgs_helpers()
    rng = np.random.default_rng(n)
    A = rng.normal(size=(n, n))
    H = np.ascontiguousarray(A @ A.T + n * np.eye(n))
    v, s, y = rng.normal(size=(3, n))
    ref = [0.0] * n
    for j in range(n):
        vj = -1.0 * v[j]
        for i in range(n):
            ref[i] += H[j, i] * vj
    out = np.empty(n)
    bfgs.sym_matvec(H, v, out, -1.0)
    assert out.tolist() == ref
    ys = float(y @ s) if float(y @ s) > 0 else 1.0
    rho = 1.0 / ys
    Hy = [0.0] * n
    for j in range(n):
        for i in range(n):
            Hy[i] += H[j, i] * y[j]
    yHy = 0.0
    for i in range(n):
        yHy += y[i] * Hy[i]
    c = rho * rho * yHy + rho
    want = H.copy()
    for i in range(n):
        for j in range(n):
            want[i, j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * (s[i] * s[j])
    got = H.copy()
    bfgs.update_inverse(got, s, y, np.empty(n), ys)
    assert np.array_equal(got, want)
    assert np.array_equal(got, got.T)
