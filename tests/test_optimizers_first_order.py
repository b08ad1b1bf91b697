"""First-order update rules against independent computations.

* closed-form iterates on quadratics (GD matrix powers; heavy ball and Nesterov as 2n×2n linear
  recurrences; the Sutskever look-ahead form of Nesterov),
* hand-computed first steps (Adam, AdaGrad, RMSProp, AdaDelta),
* NumPy re-implementations of PyTorch's documented pseudo-code over 50 steps on a
  non-quadratic function (and torch.optim itself when torch is installed),
* schedules against their formulas, averaging, noise reproducibility.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from landscape.objective import Objective
from optimizers import _layout as L
from optimizers import minimize, minimize_batch
from optimizers.schedules import lr_at

x, y = sp.symbols("x y", real=True)

A = np.array([[3.0, 1.0], [1.0, 2.0]])
X0 = np.array([1.0, -2.0])


@pytest.fixture(scope="module")
def quad():
    """f = ½ xᵀAx."""
    return Objective.from_expr(sp.Rational(1, 2) * (3 * x**2 + 2 * x * y + 2 * y**2))


@pytest.fixture(scope="module")
def wavy():
    """A smooth non-quadratic function: log(1 + x²) + ½(y − sin x)² + 0.1 y⁴."""
    return Objective.from_expr(sp.log(1 + x**2) + (y - sp.sin(x)) ** 2 / 2 + y**4 / 10)


def wavy_grad(p):
    px, py = p
    r = py - math.sin(px)
    return np.array([2 * px / (1 + px * px) - r * math.cos(px), r + 0.4 * py**3])


@pytest.fixture(scope="module")
def line():
    """f = x: the gradient is 1, so x_k − x_{k+1} is the learning rate of step k."""
    return Objective.from_expr(x)


# ----------------------------------------------------------------------------- closed forms
def test_gd_matches_matrix_powers(quad):
    lr = 0.3
    res = minimize(quad, X0, "gd", lr=lr, steps=25, record=True)
    M = np.eye(2) - lr * A
    expected = np.array([np.linalg.matrix_power(M, k) @ X0 for k in range(26)])
    assert res.status == "steps" and res.nit == 25
    np.testing.assert_allclose(res.path, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res.fun_path, [0.5 * p @ A @ p for p in expected], rtol=1e-12)


def _recurrence(M, lr, mu, steps):
    z = np.concatenate([X0, np.zeros(2)])  # (x_0, b_{-1} = 0)
    out = [X0.copy()]
    for k in range(1, steps + 1):
        out.append((np.linalg.matrix_power(M, k) @ z)[:2])
    return np.array(out)


def test_heavy_ball_matches_linear_recurrence(quad):
    lr, mu = 0.1, 0.7
    M = np.block([[np.eye(2) - lr * A, -lr * mu * np.eye(2)], [A, mu * np.eye(2)]])
    res = minimize(quad, X0, "momentum", lr=lr, momentum=mu, steps=40, record=True)
    np.testing.assert_allclose(res.path, _recurrence(M, lr, mu, 40), rtol=1e-10, atol=1e-13)


def test_nesterov_matches_linear_recurrence(quad):
    lr, mu = 0.1, 0.7
    M = np.block(
        [[np.eye(2) - lr * (1 + mu) * A, -lr * mu * mu * np.eye(2)], [A, mu * np.eye(2)]]
    )
    expected = _recurrence(M, lr, mu, 40)
    res = minimize(quad, X0, "nesterov", lr=lr, momentum=mu, steps=40, record=True)
    np.testing.assert_allclose(res.path, expected, rtol=1e-10, atol=1e-13)
    flag = minimize(quad, X0, "momentum", lr=lr, momentum=mu, nesterov=True, steps=40,
                    record=True)
    np.testing.assert_array_equal(flag.path, res.path)


def test_nesterov_iterates_are_sutskever_lookahead_points(wavy):
    """PyTorch's iterates x_k equal y_k − ημv_k of v ← μv + ∇f(y − ημv), y ← y − ηv."""
    lr, mu = 0.05, 0.8
    yk = X0.copy()
    v = np.zeros(2)
    look = [yk.copy()]
    for _ in range(50):
        v = mu * v + wavy_grad(yk - lr * mu * v)
        yk = yk - lr * v
        look.append(yk - lr * mu * v)
    res = minimize(wavy, X0, "nesterov", lr=lr, momentum=mu, steps=50, record=True)
    np.testing.assert_allclose(res.path, np.array(look), rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- first steps
G0 = np.array([3.0 * 1.0 + 1.0 * -2.0, 1.0 * 1.0 + 2.0 * -2.0])  # ∇f(X0) = A X0 = (1, −3)


def test_adam_first_step_is_lr_sign(quad):
    res = minimize(quad, X0, "adam", lr=0.01, steps=1, record=True)
    np.testing.assert_allclose(res.path[1] - X0, -0.01 * np.sign(G0), rtol=1e-7)


def test_adagrad_first_step(quad):
    res = minimize(quad, X0, "adagrad", lr=0.1, steps=1, record=True)
    np.testing.assert_allclose(res.path[1] - X0, -0.1 * G0 / (np.abs(G0) + 1e-10), rtol=1e-14)
    res = minimize(quad, X0, "adagrad", lr=0.1, initial_accumulator_value=4.0, steps=1,
                   record=True)
    np.testing.assert_allclose(res.path[1] - X0, -0.1 * G0 / (np.sqrt(4.0 + G0**2) + 1e-10))


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_alpha(quad):
    res = minimize(quad, X0, "rmsprop", lr=0.01, alpha=0.9, eps=0.0, steps=1, record=True)
    np.testing.assert_allclose(res.path[1] - X0, -0.01 / math.sqrt(0.1) * np.sign(G0),
                               rtol=1e-14)


def test_adadelta_first_step(quad):
    rho, eps = 0.9, 1e-6
    res = minimize(quad, X0, "adadelta", rho=rho, eps=eps, steps=1, record=True)
    expected = -math.sqrt(eps) / np.sqrt((1 - rho) * G0**2 + eps) * G0
    np.testing.assert_allclose(res.path[1] - X0, expected, rtol=1e-14)


# ----------------------------------------------------------------------------- PyTorch pseudo-code
def ref_sgd(p, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, steps=50):
    b = None
    out = [p.copy()]
    for _ in range(steps):
        g = wavy_grad(p) + weight_decay * p
        if momentum:
            b = g.copy() if b is None else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        p = p - lr * g
        out.append(p.copy())
    return np.array(out)


def ref_adagrad(p, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                steps=50):
    s = np.full(2, initial_accumulator_value)
    out = [p.copy()]
    for t in range(1, steps + 1):
        g = wavy_grad(p) + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        p = p - clr * g / (np.sqrt(s) + eps)
        out.append(p.copy())
    return np.array(out)


def ref_rmsprop(p, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                steps=50):
    v = np.zeros(2)
    gave = np.zeros(2)
    b = np.zeros(2)
    out = [p.copy()]
    for _ in range(steps):
        g = wavy_grad(p) + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        vt = v
        if centered:
            gave = alpha * gave + (1 - alpha) * g
            vt = v - gave * gave
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(vt) + eps)
            p = p - lr * b
        else:
            p = p - lr * g / (np.sqrt(vt) + eps)
        out.append(p.copy())
    return np.array(out)


def ref_adadelta(p, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, steps=50):
    v = np.zeros(2)
    u = np.zeros(2)
    out = [p.copy()]
    for _ in range(steps):
        g = wavy_grad(p) + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        dx = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * dx * dx
        p = p - lr * dx
        out.append(p.copy())
    return np.array(out)


def ref_adam(p, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False,
             decoupled=False, steps=50):
    m = np.zeros(2)
    v = np.zeros(2)
    vmax = np.zeros(2)
    out = [p.copy()]
    for t in range(1, steps + 1):
        g = wavy_grad(p)
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        mhat = m / (1 - beta1**t)
        if amsgrad:  # torch keeps the max of the raw second moment, then bias-corrects
            vmax = np.maximum(vmax, v)
            vhat = vmax / (1 - beta2**t)
        else:
            vhat = v / (1 - beta2**t)
        p = p - lr * mhat / (np.sqrt(vhat) + eps)
        out.append(p.copy())
    return np.array(out)


P0 = np.array([1.3, -0.7])
REFERENCE_CASES = [
    ("gd", dict(lr=0.2), lambda: ref_sgd(P0, 0.2)),
    ("gd", dict(lr=0.2, weight_decay=0.1), lambda: ref_sgd(P0, 0.2, weight_decay=0.1)),
    ("momentum", dict(lr=0.05, momentum=0.9), lambda: ref_sgd(P0, 0.05, 0.9)),
    ("momentum", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.05),
     lambda: ref_sgd(P0, 0.05, 0.8, 0.3, weight_decay=0.05)),
    ("nesterov", dict(lr=0.05, momentum=0.8, weight_decay=0.02),
     lambda: ref_sgd(P0, 0.05, 0.8, nesterov=True, weight_decay=0.02)),
    ("adagrad", dict(lr=0.3, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.05),
     lambda: ref_adagrad(P0, 0.3, 0.01, 0.05, 0.1)),
    ("rmsprop", dict(lr=0.01), lambda: ref_rmsprop(P0, 0.01)),
    ("rmsprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1),
     lambda: ref_rmsprop(P0, 0.01, 0.9, 1e-8, 0.1, 0.5, True)),
    ("adadelta", dict(rho=0.95, weight_decay=0.01),
     lambda: ref_adadelta(P0, 1.0, 0.95, 1e-6, 0.01)),
    ("adam", dict(lr=0.05), lambda: ref_adam(P0, 0.05)),
    ("adam", dict(lr=0.05, beta1=0.8, amsgrad=True, weight_decay=0.1),
     lambda: ref_adam(P0, 0.05, 0.8, weight_decay=0.1, amsgrad=True)),
    ("adamw", dict(lr=0.05, weight_decay=0.1), lambda: ref_adam(P0, 0.05, weight_decay=0.1,
                                                                decoupled=True)),
    ("adamw", dict(lr=0.05, amsgrad=True), lambda: ref_adam(P0, 0.05, weight_decay=0.01,
                                                            amsgrad=True, decoupled=True)),
]


@pytest.mark.parametrize(("method", "hyper", "reference"), REFERENCE_CASES)
def test_against_pytorch_pseudocode(wavy, method, hyper, reference):
    res = minimize(wavy, P0, method, steps=50, record=True, **hyper)
    np.testing.assert_allclose(res.path, reference(), rtol=1e-9, atol=1e-12)


TORCH_CASES = [
    ("gd", dict(lr=0.2), "SGD", dict(lr=0.2)),
    ("momentum", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.05), "SGD",
     dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.05)),
    ("nesterov", dict(lr=0.05, momentum=0.8), "SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("adagrad", dict(lr=0.3, lr_decay=0.01), "Adagrad", dict(lr=0.3, lr_decay=0.01)),
    ("rmsprop", dict(lr=0.01, momentum=0.5, centered=True), "RMSprop",
     dict(lr=0.01, momentum=0.5, centered=True)),
    ("adadelta", dict(rho=0.95), "Adadelta", dict(rho=0.95)),
    ("adam", dict(lr=0.05, amsgrad=True), "Adam", dict(lr=0.05, amsgrad=True)),
    ("adamw", dict(lr=0.05, weight_decay=0.1), "AdamW", dict(lr=0.05, weight_decay=0.1)),
]


@pytest.mark.parametrize(("method", "hyper", "tname", "thyper"), TORCH_CASES)
def test_against_torch_optim(wavy, method, hyper, tname, thyper):
    torch = pytest.importorskip("torch")
    p = torch.tensor(P0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, tname)([p], **thyper)
    path = [P0.copy()]
    for _ in range(50):
        opt.zero_grad()
        px, py = p[0], p[1]
        loss = torch.log(1 + px**2) + (py - torch.sin(px)) ** 2 / 2 + py**4 / 10
        loss.backward()
        opt.step()
        path.append(p.detach().numpy().copy())
    res = minimize(wavy, P0, method, steps=50, record=True, **hyper)
    np.testing.assert_allclose(res.path, np.array(path), rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- schedules
def _schedule_formula(k, lr0, name, p, warmup=0):
    if warmup and k < warmup:
        return lr0 * (k + 1) / warmup
    k -= warmup
    if name == "constant":
        return lr0
    if name == "step":
        return lr0 * p["gamma"] ** (k // p["step_size"])
    if name == "exponential":
        return lr0 * p["gamma"] ** k
    if name == "inverse_time":
        return lr0 / (1 + p["gamma"] * k) ** p["power"]
    if name == "linear":
        t = min(k / p["tau"], 1.0)
        return (1 - t) * lr0 + t * p["final_lr"]
    if name == "cosine":
        if k >= p["T_max"]:
            return p["eta_min"]
        return p["eta_min"] + (lr0 - p["eta_min"]) * (1 + math.cos(math.pi * k / p["T_max"])) / 2
    raise AssertionError(name)


SCHEDULE_CASES = [
    ("constant", {}, 0),
    ("step", {"step_size": 7, "gamma": 0.5}, 0),
    ("exponential", {"gamma": 0.9}, 3),
    ("inverse_time", {"gamma": 0.3, "power": 0.5}, 0),
    ("linear", {"tau": 20, "final_lr": 0.01}, 5),
    ("cosine", {"T_max": 25, "eta_min": 0.05}, 4),
]


@pytest.mark.parametrize(("name", "params", "warmup"), SCHEDULE_CASES)
def test_schedule_steps_match_formula(line, name, params, warmup):
    """On f = x each gd step moves x by exactly −η_k."""
    lr0 = 0.5
    res = minimize(line, [0.0], "gd", lr=lr0, schedule=name, warmup=warmup, steps=40,
                   record=True, **params)
    steps = -np.diff(res.path[:, 0])
    expected = [_schedule_formula(k, lr0, name, params, warmup) for k in range(40)]
    np.testing.assert_allclose(steps, expected, rtol=1e-12, atol=1e-15)
    assert res.hyper["schedule"] == name
    assert res.hyper["warmup"] == warmup


def test_lr_at_is_a_pure_function():
    assert lr_at(10, 1.0, 1, 5.0, 0.5, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0) == 0.25
    assert lr_at(3, 2.0, 4, 1.0, 1.0, 1.0, 6.0, 0.5, 1.0, 0.0, 0.0) == pytest.approx(1.25)
    assert lr_at(1, 1.0, 0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 4.0) == 0.5


def test_linear_schedule_default_floor_is_one_percent(line):
    res = minimize(line, [0.0], "sgd", lr=0.2, schedule="linear", tau=10, steps=12,
                   record=True)
    assert res.hyper["final_lr"] == pytest.approx(0.002)
    assert -np.diff(res.path[:, 0])[-1] == pytest.approx(0.002)


# ----------------------------------------------------------------------------- averaging
def test_polyak_average_is_mean_of_recorded_iterates(wavy):
    res = minimize(wavy, P0, "momentum", lr=0.05, steps=60, average="polyak", average_start=10,
                   record=True)
    np.testing.assert_allclose(res.x_avg, res.path[10:].mean(axis=0), rtol=1e-12)
    assert res.fun_avg == pytest.approx(wavy.value(res.x_avg), rel=1e-12)


def test_ema_average(wavy):
    d = 0.8
    res = minimize(wavy, P0, "adam", lr=0.05, steps=30, average="ema", ema_decay=d,
                   average_start=5, record=True)
    a = res.path[5].copy()
    for p in res.path[6:]:
        a = d * a + (1 - d) * p
    np.testing.assert_allclose(res.x_avg, a, rtol=1e-12)


def test_average_is_nan_when_the_run_ends_before_average_start(quad):
    res = minimize(quad, X0, "gd", lr=0.1, steps=5, average="polyak", average_start=10)
    assert np.all(np.isnan(res.x_avg))
    assert res.to_json()["x_avg"] == [None, None]


def test_average_also_works_on_per_start_methods(quad):
    res = minimize(quad, X0, "bfgs", average="polyak", record=True)
    np.testing.assert_allclose(res.x_avg, res.path.mean(axis=0), rtol=1e-12)


# ----------------------------------------------------------------------------- noise
def test_noise_reproducible_by_seed_and_start_index(quad):
    X = np.tile(X0, (5, 1))
    a = minimize_batch(quad, X, "sgd", lr=0.1, noise=0.5, steps=30, seed=7)
    b = minimize_batch(quad, X, "sgd", lr=0.1, noise=0.5, steps=30, seed=7)
    c = minimize_batch(quad, X, "sgd", lr=0.1, noise=0.5, steps=30, seed=8)
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)
    assert len({tuple(r) for r in a.x}) == 5  # each start has its own stream
    single = minimize(quad, X0, "sgd", lr=0.1, noise=0.5, steps=30, seed=7)
    np.testing.assert_array_equal(single.x, a.x[0])


def test_noise_statistics(quad):
    """One noisy GD step from the minimum: x₁ = −ησξ, so x₁/(ησ) is standard normal."""
    X = np.zeros((4000, 2))
    res = minimize_batch(quad, X, "sgd", lr=0.1, noise=2.0, steps=1)
    z = res.x.ravel() / 0.2
    assert abs(z.mean()) < 0.05
    assert abs(z.std() - 1.0) < 0.05


# ----------------------------------------------------------------------------- fixed-step path
LOCK_STEP = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw")
RESULT_FIELDS = ("x", "fun", "jac", "nit", "nfev", "njev", "nhev", "status", "gnorm", "fchange",
                 "xchange", "_detail")


def _same_results(a, b) -> None:
    for name in RESULT_FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_fixed_step_fast_path_follows_matrix_powers(quad):
    """Without recording, ``steps`` runs take the engine's fast path; GD is still M^k x₀."""
    lr = 0.3
    res = minimize_batch(quad, np.tile(X0, (3, 1)), "gd", lr=lr, steps=25)
    expected = np.linalg.matrix_power(np.eye(2) - lr * A, 25) @ X0
    np.testing.assert_allclose(res.x, np.tile(expected, (3, 1)), rtol=1e-12, atol=1e-15)
    assert list(res.status) == ["steps"] * 3 and list(res.nfev) == [26] * 3
    x24 = np.linalg.matrix_power(np.eye(2) - lr * A, 24) @ X0
    np.testing.assert_allclose(res.xchange, np.max(np.abs(expected - x24)), rtol=1e-12)


@pytest.mark.parametrize(
    ("text", "lr", "detail"),
    [
        ("100*(y - x**2)**2 + (1 - x)**2", 1e-4, None),  # every start runs all steps
        ("100*(y - x**2)**2 + (1 - x)**2", 3e-3, L.D_X_BOUND),  # some leave the bound
        ("x - log(x) + y**2", 0.9, L.D_F_NAN),  # steps leave the domain, ∇f stays finite
    ],
)
def test_fixed_step_fast_path_is_bit_identical_to_the_general_loop(text, lr, detail):
    """Recording forces the general lock-step loop; every result field, divergence details
    and last finite iterates included, must be bit-identical to the fast path's."""
    obj = Objective.parse(text)
    X = np.random.default_rng(1).uniform(0.1, 2.0, size=(150, 2))
    details = set()
    for method in LOCK_STEP:
        kw = {"lr": lr if method in ("gd", "momentum", "nesterov") else 10 * lr}
        if method == "adamw":
            kw["weight_decay"] = 0.01
        fast = minimize_batch(obj, X, method, steps=60, **kw)
        general = minimize_batch(obj, X, method, steps=60, record=True, **kw)
        _same_results(fast, general)
        details.update(int(d) for d in fast._detail[fast.status == "diverged"])
    # the case exercises that kind of divergence (or none)
    assert (detail in details) if detail else not details


def test_fixed_step_fast_path_with_far_points_matches_the_general_loop():
    """Points far from the origin beside points near it: the fast path's one-sum divergence
    filter (Σ|x| ≤ ½ min bound over the block) fails at every step although every start
    stays within its own bound 1e8·(1 + ‖x₀‖∞); the run must go on, bit-identical to the
    general loop, and no start may be reported diverged."""
    obj = Objective.parse("(x - 10000000)**2/2 + (y + 10000000)**2/2")
    rng = np.random.default_rng(5)
    X = rng.uniform(-1.0, 1.0, size=(150, 2))
    X[::2] += [1e7, -1e7]  # every other start near the minimiser: Σ|x| ≈ 10⁹ per chunk
    for method, lr in (("gd", 0.1), ("adam", 1e3)):
        fast = minimize_batch(obj, X, method, lr=lr, steps=40)
        general = minimize_batch(obj, X, method, lr=lr, steps=40, record=True)
        _same_results(fast, general)
        assert set(fast.status) == {"steps"}
        # independent check for gd: x_k − m = (1 − η)^k (x₀ − m) coordinate-wise
        if method == "gd":
            m = np.array([1e7, -1e7])
            np.testing.assert_allclose(fast.x - m, 0.9**40 * (X - m), rtol=1e-6, atol=1e-2)


def test_lock_step_chunk_width_does_not_change_results(quad, monkeypatch):
    import optimizers.driver as drv

    X = np.random.default_rng(3).normal(size=(700, 2))
    runs = []
    for width in (64, 256):
        monkeypatch.setattr(drv, "lock_step_chunk", lambda n, starts, threads, w=width: w)
        runs.append(minimize_batch(quad, X, "adam", lr=0.05, steps=40))
    _same_results(*runs)


def test_lock_step_chunk_spreads_work_over_threads():
    from optimizers.driver import FIRST_ORDER_CHUNK, lock_step_chunk

    assert lock_step_chunk(2, 10_000, 2) == 256  # ⌊512 / 2⌋ starts of a 2-D problem
    assert lock_step_chunk(20, 10_000, 2) == FIRST_ORDER_CHUNK
    assert lock_step_chunk(2, 600, 2) == 75  # ⌈600 / 8⌉: four chunks per thread
    assert lock_step_chunk(2, 100, 2) == FIRST_ORDER_CHUNK
