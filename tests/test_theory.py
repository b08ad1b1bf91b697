"""analysis.theory against independent computations (hand values, NumPy eigenvalues of
iteration matrices built from the update rules, plain NumPy loops, Monte Carlo)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import theory as T

# --------------------------------------------------------------------------------------------
# helpers: matrices built directly from the update rules
# --------------------------------------------------------------------------------------------


def random_spd(rng: np.random.Generator, n: int, lo: float = 0.1, hi: float = 10.0):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = rng.uniform(lo, hi, n)
    return (q * lam) @ q.T, np.sort(lam)


def step_matrix(step, n: int) -> np.ndarray:
    """Matrix of a linear map on R^(2n), by applying it to the basis vectors."""
    cols = [step(np.eye(2 * n)[:, j]) for j in range(2 * n)]
    return np.column_stack(cols)


def heavy_ball_step(A, lr, b):
    n = A.shape[0]

    def step(state):
        x, v = state[:n], state[n:]
        g = A @ x
        v = b * v + g
        x = x - lr * v
        return np.concatenate([x, v])

    return step


def nesterov_step(A, lr, b):
    n = A.shape[0]

    def step(state):
        x, v = state[:n], state[n:]
        g = A @ x
        v = b * v + g
        x = x - lr * (g + b * v)
        return np.concatenate([x, v])

    return step


# --------------------------------------------------------------------------------------------
# gradient descent
# --------------------------------------------------------------------------------------------


def test_gd_rate_by_hand():
    assert T.gd_rate(0.18, [1.0, 10.0]) == pytest.approx(0.82, abs=1e-15)
    lr, rate = T.gd_optimal([1.0, 10.0])
    assert lr == pytest.approx(2 / 11) and rate == pytest.approx(9 / 11)
    assert T.gd_rate(lr, [1.0, 10.0]) == pytest.approx(9 / 11)
    assert T.gd_threshold([1.0, 10.0]) == pytest.approx(0.2)
    p = T.predict("gd", {"lr": 0.18}, [1.0, 10.0])
    assert (p.kind, p.order, p.basis, p.exact, p.stable) == (
        "linear", 1.0, "max|1-lr*lambda|", True, True)
    assert p.rate == pytest.approx(0.82)
    assert p.oscillating is False  # dominant mode 1 - 0.18*1 > 0
    q = T.predict("gd", {"lr": 0.19}, [1.0, 10.0])  # |1 - 1.9| = 0.9 dominates
    assert q.rate == pytest.approx(0.9) and q.oscillating is True
    assert T.predict("gd", {"lr": 0.21}, [1.0, 10.0]).kind == "diverges"


def test_gd_saddle_and_prediction_json():
    p = T.predict("gd", {"lr": 0.1}, [-2.0, 2.0])
    assert p.kind == "diverges" and p.details["escape_factor"] == pytest.approx(1.2)
    js = p.to_json()
    assert list(js)[:4] == ["kind", "rate", "order", "basis"]
    json.dumps(js, allow_nan=False)
    json.dumps(T.predict("gd", {"lr": 0.1}, [0.0, 2.0]).to_json(), allow_nan=False)


def test_gd_line_search_is_a_bound():
    p = T.predict("gd", {"lr": 1.0, "line_search": "exact"}, [1.0, 10.0])
    assert p.kind == "linear" and not p.exact and not p.fixed_step
    assert p.rate == pytest.approx(9 / 11)


# --------------------------------------------------------------------------------------------
# heavy ball and Nesterov
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 4),
    lr_frac=st.floats(0.01, 1.5),
    b=st.floats(0.0, 0.99),
)
def test_momentum_radius_matches_numpy_eigenvalues(seed, n, lr_frac, b):
    rng = np.random.default_rng(seed)
    A, lam = random_spd(rng, n)
    lr = lr_frac * 2.0 * (1 + b) / lam[-1]
    for nesterov, make, radius, blk in (
        (False, heavy_ball_step, T.heavy_ball_radius, T.heavy_ball_matrix),
        (True, nesterov_step, T.nesterov_radius, T.nesterov_matrix),
    ):
        M = step_matrix(make(A, lr, b), n)
        expected = np.max(np.abs(np.linalg.eigvals(M)))
        # double roots make numerical eigenvalues accurate only to ~sqrt(eps)
        assert radius(lr, b, lam) == pytest.approx(expected, rel=1e-6, abs=1e-7)
        blocks = max(np.max(np.abs(np.linalg.eigvals(blk(lr, b, x)))) for x in lam)
        assert blocks == pytest.approx(expected, rel=1e-6, abs=1e-7)
        p = T.predict("nesterov" if nesterov else "momentum", {"lr": lr, "momentum": b}, lam)
        assert p.rate == pytest.approx(expected, rel=1e-6, abs=1e-7)


@settings(max_examples=80, deadline=None)
@given(lr_lam=st.floats(-0.5, 5.0), b=st.floats(0.0, 0.99))
def test_stability_regions_closed_form(lr_lam, b):
    hb = T.heavy_ball_radius(lr_lam, b, [1.0])
    ng = T.nesterov_radius(lr_lam, b, [1.0])
    if abs(hb - 1) > 1e-9:
        assert T.heavy_ball_stable(lr_lam, b, [1.0]) == (hb < 1)
        assert (hb < 1) == (0 < lr_lam < 2 * (1 + b))
    if abs(ng - 1) > 1e-9:
        assert T.nesterov_stable(lr_lam, b, [1.0]) == (ng < 1)
        assert (ng < 1) == (0 < lr_lam < 2 * (1 + b) / (1 + 2 * b))


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0, 1e4])
def test_optimal_momentum_parameters(kappa):
    lam = np.linspace(1.0, kappa, 401)
    s = math.sqrt(kappa)
    lr, b, r = T.polyak_optimal(lam)
    assert r == pytest.approx((s - 1) / (s + 1))
    assert T.heavy_ball_radius(lr, b, lam) == pytest.approx(r, abs=1e-6)
    lr, b, r = T.nesterov_standard(lam)
    assert r == pytest.approx(1 - 1 / s)
    assert T.nesterov_radius(lr, b, lam) == pytest.approx(r, abs=1e-6)
    lr, b, r = T.nesterov_optimal(lam)
    assert T.nesterov_radius(lr, b, lam) == pytest.approx(r, abs=1e-6)
    # no point of a neighbourhood grid beats the optimum (numeric optimality check)
    for fn, (lr0, b0, r0) in ((T.heavy_ball_radius, T.polyak_optimal(lam)),
                              (T.nesterov_radius, T.nesterov_optimal(lam))):
        grid = [fn(lr0 * f, min(b0 * g, 0.9999), lam)
                for f in np.linspace(0.9, 1.1, 9) for g in np.linspace(0.97, 1.03, 9)]
        assert min(grid) >= r0 - 1e-6


def test_momentum_radius_grid_and_double_root_note():
    lam = [1.0, 3.0, 10.0]
    lrs, ms = np.linspace(0.01, 0.5, 7), np.linspace(0.0, 0.95, 5)
    G = T.momentum_radius_grid(lam, lrs, ms)
    Gn = T.momentum_radius_grid(lam, lrs, ms, nesterov=True)
    assert G.shape == (5, 7)
    for i, b in enumerate(ms):
        for j, lr in enumerate(lrs):
            assert G[i, j] == pytest.approx(T.heavy_ball_radius(lr, b, lam))
            assert Gn[i, j] == pytest.approx(T.nesterov_radius(lr, b, lam))
    lr, b, _ = T.polyak_optimal(lam)
    assert T.predict("momentum", {"lr": lr, "momentum": b}, lam).details["double_root"]


def test_dampening_rescales_the_step():
    lam = [1.0, 4.0]
    p = T.predict("momentum", {"lr": 0.2, "momentum": 0.5, "dampening": 0.5}, lam)
    assert p.rate == pytest.approx(T.heavy_ball_radius(0.1, 0.5, lam))


# --------------------------------------------------------------------------------------------
# conjugate gradients
# --------------------------------------------------------------------------------------------


def plain_cg(A, b, tol=1e-10, maxiter=100):
    """Textbook linear CG (N&W Alg. 5.2); returns iterates."""
    x = np.zeros_like(b)
    r = A @ x - b
    p = -r
    xs = [x.copy()]
    for _ in range(maxiter):
        if np.linalg.norm(r) <= tol * np.linalg.norm(b):
            break
        Ap = A @ p
        alpha = (r @ r) / (p @ Ap)
        x = x + alpha * p
        r_new = r + alpha * Ap
        p = -r_new + (r_new @ r_new) / (r @ r) * p
        r = r_new
        xs.append(x.copy())
    return np.array(xs)


@pytest.mark.parametrize("spectrum", [[1, 1, 1, 5, 5, 9], [2, 2, 2, 2, 7], [1, 3, 3, 8, 8, 8, 20],
                                      [4, 4, 4, 4]])
def test_cg_termination_and_bound(spectrum):
    rng = np.random.default_rng(len(spectrum))
    q, _ = np.linalg.qr(rng.standard_normal((len(spectrum), len(spectrum))))
    A = (q * np.array(spectrum, float)) @ q.T
    b = rng.standard_normal(len(spectrum))
    xs = plain_cg(A, b)
    assert len(xs) - 1 == T.cg_termination_steps(spectrum) == len(set(spectrum))
    x_star = np.linalg.solve(A, b)
    a_norm = [math.sqrt((x - x_star) @ A @ (x - x_star)) for x in xs]
    for k, e in enumerate(a_norm):
        assert e <= T.cg_bound(spectrum, k) * a_norm[0] + 1e-12
    # linear CG on a quadratic: finite, in at most the number of distinct eigenvalues
    p = T.predict("cg", {"variant": "linear"}, spectrum, extra={"quadratic": True})
    assert p.kind == "finite" and p.finite_steps == len(set(spectrum)) and not p.exact
    # nonlinear CG with a Wolfe line search, not exact in general, is predicted the bound on
    # its linear rate; its note says what exact searches would give, as the documents' CG
    # note does (it said such a CG "does not terminate finitely even on a quadratic", while a
    # zoom step that lands on the parabola's minimum makes it terminate)
    p = T.predict("cg", {}, spectrum, extra={"quadratic": True})
    assert p.kind == "linear" and p.finite_steps is None and not p.exact
    m, n = len(set(spectrum)), len(spectrum)
    why = (f"n = {n}, N&W Thm 5.1" if m == n else
           f"the number of distinct eigenvalues of ∇²f, N&W Thm 5.4; n = {n}")
    assert (f"With exact line searches CG reaches x* of this quadratic in at most {m} "
            f"step{'s' * (m > 1)} ({why}). A Wolfe line search is not exact in general, so the "
            "prediction stays the bound, which needs no exact search (variant pr+)") in p.notes
    assert not any("terminate finitely" in t for t in p.notes)
    # an R-linear envelope 2ρᵏ‖e₀‖_A, like L-BFGS's bound: no q-order (Rosenbrock p. 6 gave
    # cg the order 1 and lbfgs none, both "linear (bound)")
    assert p.order is None and T.predict("lbfgs", {}, spectrum).order is None
    if len(set(spectrum)) > 1:
        assert p.rate == pytest.approx(T.cg_rate(spectrum))


# --------------------------------------------------------------------------------------------
# Newton
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p,damping", [(4, 1.0), (6, 1.0), (4, 0.5), (8, 1.0), (6, 1.5)])
def test_newton_degenerate_rate_vs_iteration(p, damping):
    x = 0.7
    for _ in range(30):
        x_new = x - damping * (p * x ** (p - 1)) / (p * (p - 1) * x ** (p - 2))
        ratio, x = abs(x_new / x), x_new
    assert ratio == pytest.approx(T.newton_degenerate_rate(p, damping), rel=1e-12)
    hyper = {"line_search": "none", "modification": "none", "damping": damping}
    pred = T.predict("newton", hyper, [0.0], extra={"leading_order": p})
    assert pred.kind == "linear" and pred.degenerate
    assert pred.rate == pytest.approx(T.newton_degenerate_rate(p, damping))
    assert T.newton_degenerate_rate(4) == pytest.approx(2 / 3)
    assert T.newton_degenerate_rate(6) == pytest.approx(4 / 5)


def test_newton_nondegenerate():
    assert T.predict("newton", {}, [1.0, 5.0]).kind == "quadratic"
    damped = T.predict("newton", {"damping": 0.3, "line_search": "none"}, [1.0, 5.0])
    assert damped.kind == "linear" and damped.rate == pytest.approx(0.7)
    # plain iteration on f = x^2 + 0.1 x^3 near 0: e_{k+1}/e_k -> |1 - eta|
    x = 0.1
    for _ in range(60):
        x_new = x - 0.3 * (2 * x + 0.3 * x * x) / (2 + 0.6 * x)
        ratio, x = x_new / x, x_new
    assert ratio == pytest.approx(0.7, rel=1e-9)
    pure = {"modification": "none", "line_search": "none"}
    assert T.predict("newton", pure, [-1.0, 2.0]).kind == "quadratic"  # attracted to saddles
    assert T.predict("newton", {"modification": "saddle-free", "line_search": "none"},
                     [-1.0, 2.0]).kind == "diverges"


def test_gd_degenerate_exponent_is_exact_along_one_direction_and_a_bound_otherwise():
    """Study pp. 2, 13: GD on x³ from x₀ = 1 read "sublinear (bound), ∝ k⁻¹" where theory
    gives the asymptote xₖ ≈ 1/(3ηk) itself; "(bound)" belongs where only a bound exists:
    several degenerate directions (the slowest sets the law) or no leading order (a flat
    valley of minimizers converges linearly)."""
    from analysis.report import predicted_kind

    lr, x, K = 0.1, 1.0, 20000
    for _ in range(K):
        x -= lr * 3 * x * x
    assert x * 3 * lr * K == pytest.approx(1.0, rel=2e-3)  # e_k·3ηk → 1: exponent 1 exactly
    one = T.predict("gd", {"lr": lr}, [0.0], extra={"leading_order": 3})
    assert one.exact and one.exponent == 1.0 and predicted_kind(one) == "sublinear"
    beside = T.predict("gd", {"lr": lr}, [0.0, 2.0], extra={"leading_order": 4})
    assert beside.exact and beside.exponent == 0.5  # x² + y⁴: the y direction alone
    two = T.predict("gd", {"lr": lr}, [0.0, 0.0], extra={"leading_order": 4})
    flat = T.predict("gd", {"lr": lr}, [0.0, 2.0])
    for p in (two, flat):
        assert not p.exact and predicted_kind(p) == "sublinear (bound)"


@pytest.mark.parametrize("p", [2, 4, 6])
@pytest.mark.parametrize("damping", [0.3, 0.5, 1.0, 1.5, 3.0])
def test_newton_armijo_step_vs_loop(p, damping):
    """Newton + plain Armijo backtracking on f = x^p: the accepted step and the rate."""
    c1, shrink, x = 1e-4, 0.5, 0.8
    for _ in range(40):
        g, d = p * x ** (p - 1), -x / (p - 1)
        a = damping
        while (x + a * d) ** p > x**p + c1 * a * g * d:
            a *= shrink
        x_new = x + a * d
        ratio, x = abs(x_new / x), x_new
        if x == 0.0:  # exact step to the minimizer (u = 0)
            break
    step = T.newton_accepted_step(damping, "armijo", p=p)
    assert step == a
    assert ratio == pytest.approx(abs(1 - step / (p - 1)), rel=1e-9)
    hyper = {"line_search": "armijo", "damping": damping, "modification": "none"}
    pred = T.predict("newton", hyper, [0.0] if p > 2 else [2.0],
                     extra={"leading_order": p} if p > 2 else None)
    if pred.kind == "quadratic":
        assert step == 1.0
    else:
        assert pred.rate == pytest.approx(ratio, rel=1e-9)


def test_newton_wolfe_acceptance_interval():
    # p = 2: strong Wolfe accepts a trial step a iff 1 - c2 <= a <= 1 + c2 and a <= 2(1 - c1)
    for a in (0.15, 0.5, 1.0, 1.5, 1.85):
        assert T.newton_accepted_step(a, "wolfe") == a
    assert T.newton_accepted_step(0.04, "wolfe") == pytest.approx(0.16)  # doubled twice
    assert T.newton_accepted_step(1.95, "wolfe") is None  # curvature fails, phi' > 0: zoom
    assert T.predict("newton", {"damping": 0.5}, [1.0, 3.0]).rate == pytest.approx(0.5)
    assert T.predict("newton", {"damping": 1.0}, [1.0, 3.0]).kind == "quadratic"


def test_quasi_newton_predictions():
    b = T.predict("bfgs", {}, [1.0, 4.0])
    assert b.kind == "superlinear" and b.rate is None and not b.exact
    assert b.order is None  # superlinear without an invented order
    # even on a quadratic: finite termination needs exact line searches, ours are Wolfe
    assert T.predict("bfgs", {}, [1.0, 4.0], extra={"quadratic": True}).kind == "superlinear"
    # L-BFGS: only R-linear convergence is proved (Liu & Nocedal 1989), whatever the memory:
    # a linear bound without a rate and without an order
    for memory, lam in ((5, [1.0, 4.0]), (2, [1.0, 4.0, 9.0])):
        lb = T.predict("lbfgs", {"memory": memory}, lam)
        assert lb.kind == "linear" and lb.rate is None and lb.order is None and not lb.exact
        assert "Liu & Nocedal" in " ".join(lb.notes)


# --------------------------------------------------------------------------------------------
# coordinate descent
# --------------------------------------------------------------------------------------------


def gauss_seidel_sweep(A, x):
    x = x.copy()
    for i in range(len(x)):  # exact minimization in x_i of 1/2 x^T A x
        x[i] = -(A[i] @ x - A[i, i] * x[i]) / A[i, i]
    return x


def coordinate_gradient_sweep(A, x, lr):
    x = x.copy()
    for i in range(len(x)):
        x[i] -= lr * (A[i] @ x)
    return x


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gauss_seidel_radius(seed):
    rng = np.random.default_rng(seed)
    A, lam = random_spd(rng, 4, 0.5, 5.0)
    D, Lo, Up = np.diag(np.diag(A)), np.tril(A, -1), np.triu(A, 1)
    M_ref = -np.linalg.inv(D + Lo) @ Up
    assert np.allclose(T.gauss_seidel_matrix(A), M_ref)
    rho = T.coordinate_rate(A)
    assert rho == pytest.approx(np.max(np.abs(np.linalg.eigvals(M_ref))))
    x = rng.standard_normal(4)
    errs = [np.linalg.norm(x)]
    for _ in range(120):
        x = gauss_seidel_sweep(A, x)
        errs.append(np.linalg.norm(x))
    measured = (errs[-1] / errs[-41]) ** (1 / 40)
    assert measured == pytest.approx(rho, rel=1e-4)
    pred = T.predict("coordinate", {}, lam, hessian=A)
    assert pred.kind == "linear" and pred.exact and pred.rate == pytest.approx(rho)
    per_coord = T.predict("coordinate", {}, lam, hessian=A, extra={"iteration": "coordinate"})
    assert per_coord.rate == pytest.approx(rho ** 0.25)


def test_coordinate_gradient_matrix_vs_sweep():
    rng = np.random.default_rng(5)
    A, lam = random_spd(rng, 3)
    lr = 0.7 / np.max(np.diag(A))
    M = np.column_stack([coordinate_gradient_sweep(A, e, lr) for e in np.eye(3)])
    assert np.allclose(T.coordinate_gradient_matrix(A, lr), M)
    # per-coordinate steps 1/A_ii would be Gauss-Seidel; with a unit diagonal lr=1 is exactly it
    Dm = np.diag(1 / np.sqrt(np.diag(A)))
    B = Dm @ A @ Dm
    assert np.allclose(T.coordinate_gradient_matrix(B, 1.0), T.gauss_seidel_matrix(B))
    pred = T.predict("coordinate", {"update": "gradient", "lr": lr}, lam, hessian=A)
    assert pred.rate == pytest.approx(T.spectral_radius(M))


def test_random_coordinate_bound_holds_in_expectation():
    rng = np.random.default_rng(11)
    A, lam = random_spd(rng, 3, 0.5, 4.0)
    c, r = T.random_coordinate_rate(lam, 3, float(np.max(np.diag(A))))
    assert r == pytest.approx(math.sqrt(c))
    runs, steps = 4000, 30
    X = np.tile(rng.standard_normal(3), (runs, 1))
    f0 = 0.5 * np.einsum("ij,jk,ik->i", X, A, X).mean()
    for _ in range(steps):
        idx = rng.integers(0, 3, runs)
        g = np.einsum("ij,ij->i", A[idx], X)
        X[np.arange(runs), idx] -= g / A[idx, idx]
    fk = 0.5 * np.einsum("ij,jk,ik->i", X, A, X).mean()
    assert fk <= c**steps * f0
    p = T.predict("coordinate", {"order": "random"}, lam, hessian=A)
    assert not p.exact and p.rate == pytest.approx(r**3)


# --------------------------------------------------------------------------------------------
# SGD with additive noise
# --------------------------------------------------------------------------------------------


def mc_stationary(lam, lr, sigma, runs, steps, burn, rng, momentum=0.0, nesterov=False):
    """Per-run time averages of |x|^2 for x <- x - lr(Ax + sigma xi) (diagonal A)."""
    lam = np.asarray(lam, float)
    X = np.zeros((runs, lam.size))
    V = np.zeros_like(X)
    acc = np.zeros(runs)
    for k in range(burn + steps):
        g = lam * X + sigma * rng.standard_normal(X.shape)
        V = momentum * V + g
        X = X - lr * (g + momentum * V if nesterov else V)
        if k >= burn:
            acc += np.sum(X * X, axis=1)
    return acc / steps


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.5, False), (0.5, True)])
def test_sgd_stationary_error_vs_monte_carlo(momentum, nesterov):
    lam, lr, sigma = [1.0, 4.0], 0.1, 0.7
    rng = np.random.default_rng(2024)
    per_run = mc_stationary(lam, lr, sigma, runs=400, steps=400, burn=200, rng=rng,
                            momentum=momentum, nesterov=nesterov)
    mc, se = per_run.mean(), per_run.std(ddof=1) / math.sqrt(per_run.size)
    pred = T.sgd_stationary_error(lam, lr, sigma, momentum=momentum, nesterov=nesterov)
    assert abs(mc - pred) <= 4 * se
    if momentum == 0.0:
        hand = sum(lr * sigma**2 / (x * (2 - lr * x)) for x in lam)
        assert pred == pytest.approx(hand)
        p = T.predict("sgd", {"lr": lr, "noise": sigma}, lam)
        assert p.kind == "none" and p.stochastic and p.error_level == pytest.approx(pred)


def test_sgd_decaying_steps_constant():
    lam, lr0, gamma, sigma = np.array([1.0, 3.0]), 0.5, 0.1, 1.0
    C, expo = T.sgd_decaying_error(lam, lr0, gamma, sigma)
    assert expo == 1.0
    v = np.zeros(2)  # exact second-moment recursion of the linear stochastic iteration
    K = 100_000
    for k in range(K):
        lr = lr0 / (1 + gamma * k)
        v = (1 - lr * lam) ** 2 * v + lr**2 * sigma**2
    assert v.sum() * K == pytest.approx(C, rel=2e-3)
    C2, expo2 = T.sgd_decaying_error([1.0], 0.02, 0.1, 1.0)  # 2 a lam = 0.4 < 1
    assert C2 is None and expo2 == pytest.approx(0.4)
    p = T.predict("sgd", {"lr": lr0, "noise": sigma, "schedule": "inverse_time",
                          "gamma": gamma}, lam)
    assert p.kind == "sublinear" and p.error_constant == pytest.approx(C)
    assert p.exponent == pytest.approx(0.5)


def test_polyak_ruppert_vs_monte_carlo():
    lam, lr, sigma = np.array([1.0, 2.0]), 0.2, 1.0
    rng = np.random.default_rng(7)
    runs, K = 2000, 2000
    X = np.zeros((runs, 2))
    S = np.zeros_like(X)
    for _ in range(K):
        X = X - lr * (lam * X + sigma * rng.standard_normal(X.shape))
        S += X
    sq = np.sum((S / K) ** 2, axis=1) * K
    c = T.polyak_ruppert_error(lam, sigma)
    assert c == pytest.approx(sigma**2 * (1 + 1 / 4))
    # finite-K bias is O(1/(K lr lam)) ~ 0.3%; MC standard error dominates
    assert abs(sq.mean() - c) <= 4 * sq.std(ddof=1) / math.sqrt(runs) + 0.01 * c
    H = np.array([[1.5, 0.5], [0.5, 1.5]])  # eigenvalues 1, 2
    assert T.polyak_ruppert_error([], sigma, hessian=H) == pytest.approx(c)
    p = T.predict("sgd", {"lr": lr, "noise": sigma, "average": "polyak"}, lam)
    assert p.kind == "none"  # the path holds raw iterates; x_avg is reported beside it
    assert p.details["polyak_ruppert_constant"] == pytest.approx(c)


def test_ema_stationary_error_vs_monte_carlo():
    lam, lr, sigma, d = np.array([1.0, 3.0]), 0.1, 0.5, 0.9
    rng = np.random.default_rng(8)
    runs, burn, steps = 400, 300, 400
    X = np.zeros((runs, 2))
    Y = np.zeros_like(X)
    acc = np.zeros(runs)
    for k in range(burn + steps):
        X = X - lr * (lam * X + sigma * rng.standard_normal(X.shape))
        Y = d * Y + (1 - d) * X
        if k >= burn:
            acc += np.sum(Y * Y, axis=1)
    per_run = acc / steps
    pred = T.ema_stationary_error(lam, lr, sigma, d)
    assert abs(per_run.mean() - pred) <= 4 * per_run.std(ddof=1) / math.sqrt(runs)
    assert pred < T.sgd_stationary_error(lam, lr, sigma)
    p = T.predict("sgd", {"lr": lr, "noise": sigma, "average": "ema", "ema_decay": d}, lam)
    assert p.details["ema_stationary_error"] == pytest.approx(pred)


# --------------------------------------------------------------------------------------------
# saddles and plateaus
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("y0,r,lr", [(1e-6, 1.0, 0.1), (1e-3, 0.5, 0.01), (0.2, 3.0, 0.3),
                                     (1e-12, 1e-2, 0.05)])
def test_saddle_escape_steps_vs_loop(y0, r, lr):
    x, y, k = 1.0, y0, 0  # f = x^2 - y^2: grad (2x, -2y), lambda_min = -2
    while abs(y) < r:
        x, y, k = x - lr * 2 * x, y + lr * 2 * y, k + 1
    assert k == T.saddle_escape_steps(y0, r, lr, -2.0)


def test_plateau_crossing_tanh_vs_loop():
    lr = 0.1

    def fprime(x):
        return 1.0 - math.tanh(x) ** 2

    x, k = 4.0, 0
    while x > 1.0:
        x -= lr * fprime(x)
        k += 1
    predicted = T.plateau_crossing_steps(fprime, 4.0, 1.0, lr)
    exact = (1.5 + (math.sinh(8) - math.sinh(2)) / 4) / lr  # int_1^4 cosh^2
    assert predicted == pytest.approx(exact, rel=1e-8)
    assert k == pytest.approx(predicted, rel=0.01)


# --------------------------------------------------------------------------------------------
# adaptive methods and schedules
# --------------------------------------------------------------------------------------------


def test_adaptive_first_steps_vs_plain_updates():
    g = np.array([3.0, -1e-3, 0.5])
    lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
    m = (1 - b1) * g
    v = (1 - b2) * g * g
    adam = -lr * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps)
    got = T.adaptive_first_step("adam", g, {"lr": lr, "beta1": b1, "beta2": b2, "eps": eps})
    assert np.allclose(got, adam, rtol=1e-12)
    assert np.allclose(got, -lr * np.sign(g), rtol=1e-4)
    alpha = 0.99
    rms = -lr * g / (np.sqrt(alpha * 0 + (1 - alpha) * g * g) + 1e-8)
    assert np.allclose(T.adaptive_first_step("rmsprop", g, {"lr": lr, "alpha": alpha}), rms)
    assert np.allclose(T.adaptive_first_step("adagrad", g, {"lr": lr}),
                       -lr * g / (np.abs(g) + 1e-10))
    p = T.predict("adam", {"lr": lr}, [1.0, 10.0], extra={"grad0": g})
    assert p.kind == "none" and p.rate is None and p.notes
    assert np.allclose(p.details["first_step"], adam)


def test_adagrad_a_posteriori_rate_vs_loop():
    lam, lr, eps = np.array([1.0, 5.0]), 0.5, 1e-10
    x, G = np.array([1.0, 1.0]), np.zeros(2)
    errs = []
    for _ in range(400):
        g = lam * x
        G += g * g
        x = x - lr * g / (np.sqrt(G) + eps)
        errs.append(np.linalg.norm(x))
    measured = (errs[-1] / errs[-101]) ** (1 / 100)
    p = T.predict("adagrad", {"lr": lr}, lam, hessian=np.diag(lam), extra={"accumulator": G})
    assert p.kind == "linear" and p.rate == pytest.approx(measured, rel=1e-3)


def test_adam_eps_regime_threshold():
    thr = T.adam_eps_regime_threshold({"lr": 1e-3, "beta1": 0.9, "eps": 1e-8})
    step = 1e-3 * (1 - 0.9) / 1e-8
    assert T.heavy_ball_stable(step, 0.9, [0.999 * thr])
    assert not T.heavy_ball_stable(step, 0.9, [1.001 * thr])


def test_schedules():
    lam = [1.0, 10.0]
    lin = T.predict("gd", {"lr": 0.19, "schedule": "linear", "final_lr": 0.095,
                           "tau": 100, "warmup": 10}, lam)
    assert lin.kind == "linear" and lin.rate == pytest.approx(T.gd_rate(0.095, lam))
    assert lin.valid_from == 110 and any("constant" in n for n in lin.notes)
    cos = T.predict("gd", {"lr": 0.1, "schedule": {"name": "cosine", "eta_min": 0.05,
                                                    "T_max": 50}}, lam)
    assert cos.rate == pytest.approx(T.gd_rate(0.05, lam)) and cos.valid_from == 50
    assert T.predict("gd", {"lr": 0.1, "schedule": "exponential", "gamma": 0.9},
                     lam).kind == "none"
    inv = T.predict("gd", {"lr": 0.5, "schedule": "inverse_time", "gamma": 0.25}, [1.0, 3.0])
    assert inv.kind == "sublinear" and inv.exponent == pytest.approx(2.0)
    x = np.array([1.0, 1.0])  # plain loop: |e_k| ~ k^-(lr0 lambda_min/gamma)
    norms = {}
    for k in range(20001):
        if k in (10000, 20000):
            norms[k] = np.linalg.norm(x)
        x = x - 0.5 / (1 + 0.25 * k) * np.array([1.0, 3.0]) * x
    slope = -math.log(norms[20000] / norms[10000]) / math.log(2)
    assert slope == pytest.approx(2.0, rel=1e-3)
    default = T.schedule_asymptotics({"lr": 0.2, "schedule": "linear"})  # final_lr = lr/100
    assert default.lr_final == pytest.approx(0.002) and default.valid_from == 100
    slow = T.predict("sgd", {"lr": 0.1, "noise": 1.0, "schedule": "polynomial", "power": 0.5},
                     lam)
    assert slow.kind == "sublinear" and slow.exponent == pytest.approx(0.25)
    assert T.predict("gd", {"lr": 0.1, "schedule": "inverse_time", "power": 2.0},
                     lam).kind == "none"
    with pytest.raises(ValueError):
        T.predict("gd", {"lr": 0.1, "schedule": "bogus"}, lam)


def test_predict_errors():
    with pytest.raises(ValueError):
        T.predict("nope", {}, [1.0])
    with pytest.raises(ValueError):
        T.predict("gd", {}, [1.0])
    with pytest.raises(ValueError):
        T.predict("momentum", {"lr": 0.1}, [1.0])
    assert T.predict("gd", {"lr": 0.1}, [], hessian=np.diag([1.0, 2.0])).rate == \
        pytest.approx(0.9)


def test_kink_predictions():
    """Subgradient theory at a kink (Boyd & Mutapcic; Nesterov 2018 §3.2): constant step ->
    a band of diameter 2 lr G/(1 - m); lr/(1 + gamma k)^p -> sublinear, exponent p; summable
    steps, line searches, Hessian-based and adaptive methods -> none, with the reason."""
    assert T.subgradient_band(0.1, 2.0) == pytest.approx(0.4)
    assert T.subgradient_band(0.1, 2.0, 0.5) == pytest.approx(0.8)
    p = T.predict_kink("gd", {"lr": 0.1}, 2.0)
    assert p.kind == "bounded" and p.band == pytest.approx(0.4) and not p.exact
    p = T.predict_kink("momentum", {"lr": 0.1, "momentum": 0.5}, 2.0)
    assert p.kind == "bounded" and p.band == pytest.approx(0.8)
    p = T.predict_kink("gd", {"lr": 0.1, "schedule": "inverse_time", "power": 0.5}, 2.0)
    assert p.kind == "sublinear" and p.exponent == 0.5 and "O(1/sqrt k)" in " ".join(p.notes)
    p = T.predict_kink("gd", {"lr": 0.1, "schedule": "exponential", "gamma": 0.9}, 2.0)
    assert p.kind == "none" and "finite distance" in p.reason
    for method in ("newton", "bfgs", "lbfgs", "coordinate"):
        p = T.predict_kink(method, {}, 2.0)
        assert p.kind == "none" and "twice differentiable" in p.reason
    # Kink p.5: nonlinear CG has no Hessian model; its convergence theory needs a Lipschitz
    # gradient, which the kink breaks
    p = T.predict_kink("cg", {}, 2.0)
    assert p.kind == "none" and "Hessian model" not in p.reason
    assert p.reason == ("CG needs a Lipschitz-continuous gradient for its convergence theory, "
                        "which a kink breaks, and ∇²f at x* for its rate results: no rate is "
                        "promised at a kink")
    assert "no convergence theory" in T.predict_kink("adam", {"lr": 0.1}, 2.0).reason
    assert "line search" in T.predict_kink("gd", {"line_search": "armijo"}, 2.0).reason


def test_reasons_name_the_methods_by_their_labels_and_the_step_size_by_eta():
    """The reports' verdict column printed "adam with a constant lr promises no rate" and
    "lbfgs rests on f being twice differentiable": a reason names the method as the pages
    do (its label) and the step size as η."""
    import re

    from optimizers.registry import label

    for m in ("adam", "adamw"):
        why = T.predict(m, {"lr": 0.1}, [1.0, 10.0]).reason
        assert why.startswith(f"{label(m)} with a constant step size η promises no rate")
        assert not re.search(r"\blr\b", why)
    for m in ("lbfgs", "bfgs", "newton", "cg", "adam"):
        why = T.predict_kink(m, {}, 2.0).reason
        assert why.startswith(f"{label(m)} ") and not why.startswith(f"{m} ")
    assert T.predict_kink("lbfgs", {}, 2.0).reason.startswith("L-BFGS rests on f being")


def test_unstable_fixed_step_is_not_convergent():
    """Past 2/L: on a quadratic an exact blow-up (|1 - lr L| per step); otherwise not
    convergent to x*, a blow-up or a cycle (exact=False)."""
    q = T.predict("gd", {"lr": 0.25}, [1.0, 10.0], extra={"quadratic": True})
    assert q.kind == "diverges" and not q.stable and q.exact and q.rate == pytest.approx(1.5)
    assert q.details["outcome"] == "blow-up"
    g = T.predict("gd", {"lr": 0.25}, [1.0, 10.0])
    assert g.kind == "diverges" and not g.stable and not g.exact
    assert "2-cycle" in " ".join(g.notes)
    # GD with lr*lambda = 1 on every eigenvalue of a quadratic lands on x* in one step
    one = T.predict("gd", {"lr": 0.5}, [2.0, 2.0], extra={"quadratic": True})
    assert one.kind == "finite" and one.finite_steps == 1


def test_dispatch_reads_the_family_from_the_registry():
    """Every registered method reaches a predictor through its registry family (no list in
    theory); a family without a predictor and an unknown method are clear errors."""
    from optimizers.methods import METHODS

    for name, spec in METHODS.items():
        fam = T.method_family(name)
        assert fam == spec.family or (spec.family, fam) == ("first-order", "adaptive")
        assert T.predictor_for(name) is T.PREDICTORS[fam]
    # gd goes through the first-order predictor: |1 - lr*lambda| maximised over the spectrum
    assert T.predict("gd", {"lr": 0.1}, [1.0, 4.0]).rate == pytest.approx(0.9)
    with pytest.raises(ValueError, match="unknown method 'nope'"):
        T.predict("nope", {}, [1.0])
    assert T.method_family("nope", strict=False) is None


def test_a_new_family_registers_its_predictor(monkeypatch):
    """The place a new family plugs in: ``register`` keyed by the registry's family name."""
    import dataclasses

    from analysis.theory import dispatch
    from optimizers.methods import METHODS

    toy = dataclasses.replace(METHODS["newton"], name="toy-trust", family="toy-region")
    monkeypatch.setitem(METHODS, "toy-trust", toy)
    monkeypatch.setattr(dispatch, "PREDICTORS", dict(dispatch.PREDICTORS))
    with pytest.raises(ValueError, match="no predictor for 'toy-trust'"):
        T.predict("toy-trust", {}, [1.0])
    seen = []

    def predictor(method, hyper, lam, hessian, extra):
        seen.append((method, list(lam)))
        return T.Prediction("quadratic", 0.0, 2.0, "model", True, [], True)

    dispatch.register("toy-region", predictor)
    assert T.predict("toy-trust", {}, [2.0, 3.0]).order == 2.0
    assert seen == [("toy-trust", [2.0, 3.0])]
    with pytest.raises(ValueError, match="already registered"):
        dispatch.register("toy-region", lambda *a: None)
