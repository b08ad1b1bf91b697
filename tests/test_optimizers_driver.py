"""The driver: validation, result objects, JSON, memory guard, progress, thread determinism and
the compile-once guarantee."""

from __future__ import annotations

import json

import numba
import numpy as np
import pytest
import sympy as sp

from landscape.errors import InputError
from landscape.objective import Objective
from optimizers import METHODS, BatchResult, OptimizeResult, minimize, minimize_batch
from optimizers import driver as driver_mod
from optimizers.engine import engines

x, y = sp.symbols("x y", real=True)


@pytest.fixture(scope="module")
def bowl():
    return Objective.from_expr((x - 1) ** 2 + 3 * (y + 0.5) ** 2)


@pytest.fixture(scope="module")
def rosen():
    return Objective.from_expr((1 - x) ** 2 + 100 * (y - x**2) ** 2)


# ----------------------------------------------------------------------------- validation
def test_methods_table_lists_every_method_with_defaults():
    # a superset: a method added by a module and a registry line needs no edit here
    assert set(METHODS) >= {"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                            "adadelta", "adam", "adamw", "newton", "cg", "bfgs", "lbfgs",
                            "coordinate"}
    assert METHODS["adam"].defaults == {
        "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": False,
        "weight_decay": 0.0, "noise": 0.0, "batch_size": None, "schedule": "constant",
        "warmup": 0, "average": "none",
    }
    assert METHODS["adadelta"].defaults["lr"] == 1.0
    assert METHODS["rmsprop"].defaults["alpha"] == 0.99
    assert METHODS["newton"].defaults["line_search"] == "wolfe"
    assert METHODS["newton"].defaults["modification"] == "shift"
    assert METHODS["cg"].defaults["c2"] == 0.1
    assert METHODS["bfgs"].defaults["c2"] == 0.9
    assert METHODS["lbfgs"].defaults["memory"] == 10
    for spec in METHODS.values():
        assert spec.formula and spec.family and spec.engine in ("lockstep", "per-start")


def test_unknown_hyperparameter_suggests_the_right_name(bowl):
    with pytest.raises(InputError, match="did you mean 'momentum'") as err:
        minimize(bowl, [0, 0], "momentum", momentun=0.9)
    assert "valid:" in str(err.value) and "dampening" in str(err.value)
    with pytest.raises(InputError, match="did you mean 'adam'"):
        minimize(bowl, [0, 0], "adma")


@pytest.mark.parametrize(
    ("method", "hyper", "match"),
    [
        ("gd", {"lr": 0.0}, "lr"),
        ("gd", {"lr": -1}, "lr"),
        ("momentum", {"momentum": 1.0}, "momentum"),
        ("adam", {"beta2": 1.5}, "beta2"),
        ("sgd", {"noise": -0.1}, "noise"),
        ("lbfgs", {"memory": 0}, "memory"),
        ("lbfgs", {"memory": 2.5}, "integer"),
        ("newton", {"modification": "levenberg"}, "modification"),
        ("gd", {"gamma": 0.5}, "schedule"),
        ("bfgs", {"c2": 0.5, "line_search": "armijo"}, "wolfe"),
        ("momentum", {"nesterov": True, "dampening": 0.1}, "dampening"),
        ("gd", {"line_search": "armijo", "lr": 0.1}, "line_search"),
        ("adam", {"amsgrad": "maybe"}, "true or false"),
    ],
)
def test_out_of_range_or_inapplicable_hyperparameters(bowl, method, hyper, match):
    with pytest.raises(InputError, match=match):
        minimize(bowl, [0.0, 0.0], method, **hyper)


def test_driver_arguments_are_validated(bowl):
    with pytest.raises(InputError, match="not both"):
        minimize(bowl, [0, 0], steps=3, maxiter=3)
    with pytest.raises(InputError, match="2 coordinates"):
        minimize(bowl, [0, 0, 0])
    with pytest.raises(InputError, match="shape"):
        minimize_batch(bowl, np.zeros((4, 3)))
    with pytest.raises(InputError, match="no starting points"):
        minimize_batch(bowl, np.zeros((0, 2)))
    with pytest.raises(InputError, match="finite"):
        minimize(bowl, [np.nan, 0])
    with pytest.raises(InputError, match="gtol"):
        minimize(bowl, [0, 0], gtol=-1)
    with pytest.raises(InputError, match="batch_size"):
        minimize(bowl, [0, 0], "sgd", batch_size=4)


def test_effective_hyperparameters_include_defaults(bowl):
    res = minimize(bowl, [0, 0], "sgd", lr=0.1, schedule="step", steps=3)
    assert res.hyper == {"lr": 0.1, "noise": 0.0, "batch_size": None, "weight_decay": 0.0,
                         "schedule": "step", "warmup": 0, "step_size": 100, "gamma": 0.1,
                         "average": "none"}
    assert minimize(bowl, [0, 0], "sgd", schedule="exponential", steps=1).hyper["gamma"] == 0.99


# ----------------------------------------------------------------------------- results
def test_optimize_result_fields_summary_and_json(rosen):
    res = minimize(rosen, [-1.2, 1.0], "bfgs", record=True)
    assert isinstance(res, OptimizeResult)
    for key in ("x", "fun", "jac", "nit", "nfev", "njev", "nhev", "status", "success", "message",
                "path", "fun_path", "grad_norm_path", "method", "hyper", "criteria"):
        assert key in res and getattr(res, key) is res[key]
    assert res.success and res.status == "converged" and res.method == "bfgs"
    assert res.path.shape == (res.nit + 1, 2)
    np.testing.assert_array_equal(res.path[-1], res.x)
    np.testing.assert_allclose(res.grad_norm_path[-1], np.max(np.abs(res.jac)))
    names = [c.name for c in res.criteria]
    assert names == ["gtol", "ftol", "xtol", "maxiter"]
    gtol = res.criteria[0]
    assert gtol.threshold == 1e-6 and gtol.met and gtol.achieved <= 1e-6
    text = res.summary()
    for piece in ("Status: success", "bfgs", "Iterations:", "f(x) calls:", "‖∇f(x)‖∞", "✓",
                  "(gtol)", "(maxiter, not reached)"):
        assert piece in text
    js = res.to_json()
    json.dumps(js, allow_nan=False)
    assert {"method", "x", "fun", "jac", "nit", "nfev", "njev", "nhev", "status", "success",
            "message", "trajectory"} <= set(js)
    assert len(js["trajectory"]["x"]) == res.nit + 1


def test_diverged_result_json_is_strict(bowl):
    obj = Objective.from_expr(x**2)
    res = minimize(obj, [1.0], "gd", lr=3.0, record=True)
    assert res.status == "diverged"
    js = res.to_json()
    json.dumps(js, allow_nan=False)
    assert all(v is not None for v in js["trajectory"]["fun"])


def test_batch_result(bowl):
    rng = np.random.default_rng(1)
    X = rng.uniform(-3, 3, (50, 2))
    calls = []
    batch = minimize_batch(bowl, X, "gd", lr=0.1, progress=lambda d, t: calls.append((d, t)))
    assert isinstance(batch, BatchResult) and len(batch) == batch.n_starts == 50
    assert batch.x.shape == (50, 2) and batch.fun.shape == (50,) and batch.nit.shape == (50,)
    assert batch.status.dtype == object and set(batch.status) == {"converged"}
    done = [d for d, _ in calls]
    assert calls[-1] == (50, 50) and done == sorted(done)
    one = batch[3]
    assert isinstance(one, OptimizeResult)
    np.testing.assert_array_equal(one.x, batch.x[3])
    summ = batch.summary
    assert summ["counts"] == {"converged": 50} and summ["success_rate"] == 1.0
    assert summ["best"]["start"] == int(np.argmin(batch.fun))
    assert "Success rate: 100.0 %" in str(summ) and batch.summary() == str(summ)
    js = batch.to_json()
    json.dumps(js, allow_nan=False)
    assert js["n_starts"] == 50 and len(js["x"]) == 50 and js["summary"]["counts"]
    alone = minimize(bowl, X[3], "gd", lr=0.1)
    np.testing.assert_array_equal(alone.x, batch.x[3])


def test_batch_with_trajectories_pads_with_nan(bowl):
    X = np.array([[1.0, -0.5], [3.0, 2.0]])  # the first start is already the minimum
    batch = minimize_batch(bowl, X, "gd", lr=0.1, record=True)
    assert batch.nit[0] == 0
    assert np.isnan(batch.path[0, 1:]).all()
    assert batch[0].path.shape == (1, 2)
    assert batch[1].path.shape == (batch.nit[1] + 1, 2)


def test_memory_guard(monkeypatch, bowl):
    """Trajectories over the limit are strided, not cut: 4000 bytes hold r = 4000 // 32 = 125
    iterates of n = 2 (x, f, ‖∇f‖: 4 float64s); 501 iterates need stride s = ⌈501 / 125⌉ = 5,
    so rows are iterates 0, 5, …, 500 (101 of them).  A batch whose starts cannot keep two
    iterates each is refused."""
    monkeypatch.setattr(driver_mod, "RECORD_LIMIT_BYTES", 4000)
    with pytest.raises(InputError, match="limit"):
        minimize_batch(bowl, np.zeros((100, 2)), "gd", steps=50, record=True)
    full = minimize(bowl, [3.0, 3.0], "gd", lr=0.01, steps=100, record=True)
    res = minimize(bowl, [3.0, 3.0], "gd", lr=0.01, steps=500, record=True)
    assert res.path_stride == 5 and res.path.shape == (101, 2) and res.nit == 500
    np.testing.assert_array_equal(res.path[:21], full.path[::5])
    # 500 is a multiple of 5: the last row is the final iterate
    np.testing.assert_allclose(res.path[-1], res.x, rtol=0, atol=0)
    batch = minimize_batch(bowl, np.zeros((10, 2)) + 3.0, "gd", lr=0.01, steps=50,
                           record=True)
    # 4000 // (10 · 32) = 12 rows per start: stride ⌈51 / 12⌉ = 5, rows 0, 5, …, 50
    assert batch.path_stride == 5 and batch[0].path.shape == (11, 2)


def test_maxiter_default_and_status(rosen):
    res = minimize(rosen, [-1.2, 1.0], "gd", lr=1e-4)
    assert res.status == "maxiter" and res.nit == 1000 and not res.success
    assert res.criteria[-1].name == "maxiter" and res.criteria[-1].met
    assert minimize(rosen, [-1.2, 1.0], "newton", maxiter=3).nit == 3


def test_ftol_and_xtol(bowl):
    res = minimize(bowl, [3.0, 3.0], "gd", lr=0.01, gtol=0, ftol=1e-6)
    assert res.status == "converged" and "ftol" in res.message
    res = minimize(bowl, [3.0, 3.0], "bfgs", gtol=0, xtol=1e-3)
    assert res.status == "converged" and "xtol" in res.message


# ----------------------------------------------------------------------------- parallelism
def test_bit_identical_results_with_one_and_two_threads():
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("Numba was started with one thread (NUMBA_NUM_THREADS=1): no second "
                    "thread count to compare with")
    obj = Objective.from_expr(x**2 / 2 + 2 * y**2 + sp.cos(x + y))
    rng = np.random.default_rng(5)
    X = rng.uniform(-4, 4, (10_000, 2))
    before = numba.get_num_threads()
    try:
        out = {}
        for t in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(t)
            a = minimize_batch(obj, X, "sgd", lr=0.05, noise=0.3, steps=60, seed=11)
            b = minimize_batch(obj, X[:500], "bfgs")
            out[t] = (a, b)
    finally:
        numba.set_num_threads(before)
    (a1, b1), (a2, b2) = out.values()
    for f in ("x", "fun", "jac", "nit", "nfev"):
        np.testing.assert_array_equal(getattr(a1, f), getattr(a2, f))
        np.testing.assert_array_equal(getattr(b1, f), getattr(b2, f))


def test_a_new_formula_does_not_recompile_the_library(bowl):
    minimize(bowl, [0.0, 0.0], "gd", steps=1)  # library loaded
    eng = engines()
    before = {k: (len(d.overloads), sum(d.stats.cache_misses.values())) for k, d in eng.items()}
    z = sp.symbols("z", real=True)
    fresh = Objective.from_expr(x**2 + sp.Rational(7, 13) * y**4 + sp.cosh(z / 3) + x * y * z)
    r1 = minimize(fresh, [1.0, 1.0, 1.0], "bfgs")
    r2 = minimize(fresh, [1.0, 1.0, 1.0], "adam", lr=0.05, steps=10)
    assert r1.success and r2.nit == 10
    after = {k: (len(d.overloads), sum(d.stats.cache_misses.values())) for k, d in eng.items()}
    assert after == before
    assert all(len(d.overloads) == 1 for d in eng.values())


def test_engine_cache_is_stamped_with_the_package_sources(bowl):
    """Editing any compiled module changes SOURCE_HASH and empties the engines' cache index."""
    from optimizers import engine as eng_mod

    minimize(bowl, [0.0, 0.0], "gd", steps=1)
    for name, disp in engines().items():
        path = getattr(getattr(disp, "_cache", None), "cache_path", None)
        if path is None:
            pytest.skip("this Numba version has no per-function cache path")
        stamp = eng_mod.Path(path) / f"optimizers.engine.{name}.sources"
        if stamp.exists():  # absent only when the cache directory is read-only
            assert stamp.read_text() == eng_mod.SOURCE_HASH
        assert eng_mod._stale_guard(disp, name) is None


def test_per_start_runs_compile_only_the_kernels_they_evaluate(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(tmp_path))
    obj = Objective.parse("(x - 0.375)**2 + 3*(y + 0.625)**4 + x*y/7")

    def compiled() -> set[str]:
        return {p.name.split(".")[0] for p in tmp_path.rglob("*.nbi")}

    runs = (("bfgs", {}), ("lbfgs", {}), ("cg", {}), ("gd", {"line_search": "armijo"}))
    for method, extra in runs:
        res = minimize(obj, [1.0, 1.0], method, maxiter=5000, **extra)
        assert res.status == "converged" and res.nhev == 0, method
        assert res.nfev == res.njev  # every trial point: value and gradient in one fg call
    assert compiled() == {"fg"}
    res = minimize(obj, [1.0, 1.0], "newton")  # the Hessian kernel only when a method needs it
    assert res.status == "converged" and res.nhev > 0
    assert compiled() == {"fg", "h"}
    res = minimize(obj, [1.0, 1.0], "coordinate")
    assert res.status == "converged" and res.nfev == res.njev
    assert compiled() == {"fg", "h"}


@pytest.mark.parametrize("text", ["-((x - x))", "0*x + 0*y", "3 + y - y"])
def test_constant_objective_runs_lock_step_and_per_start(text):
    """A formula that cancels to a constant still compiles (its column kernels have no loop
    body) and every method stops at once: the gradient is zero at x0 (a fuzzed input,
    -((x - x)), once generated a column loop with an empty body)."""
    from landscape.loader import load_formula

    obj = load_formula(text)
    X0 = np.array([[1.0, -2.0][: obj.n], [0.5, 4.0][: obj.n]])
    for method in ("gd", "adam", "bfgs"):
        r = minimize_batch(obj, X0, method, maxiter=5)
        assert list(r.status) == ["converged", "converged"], (method, r.status)
        assert np.array_equal(r.x, X0) and np.all(r.nit == 0)
        assert np.allclose(r.fun, float(sp.sympify(text)))
