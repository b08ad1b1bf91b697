"""Theory for trust-region Newton and Levenberg–Marquardt (analysis.theory): predictions
against closed forms and against iterations simulated independently in NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.theory import gauss_newton_rate, predict_lm, predict_trust_region


def test_trust_exact_quadratic_and_trust_ncg_superlinear_at_a_minimizer():
    p = predict_trust_region("trust-exact", [1.0, 30.0])
    assert (p.kind, p.order, p.exact) == ("quadratic", 2.0, True)
    q = predict_trust_region("trust-ncg", [1.0, 30.0])
    assert (q.kind, q.order, q.exact) == ("superlinear", 1.5, False)


def test_trust_region_leaves_a_saddle():
    for method in ("trust-exact", "trust-ncg"):
        p = predict_trust_region(method, [-2.0, 1.0])
        assert p.kind == "diverges" and not p.stable


def test_trust_region_degenerate_minimizer_rate():
    """x⁴ + y²: leading order 4, Newton steps e ← e(1 − 1/3): rate 2/3."""
    p = predict_trust_region("trust-exact", [0.0, 2.0], leading_order=4)
    assert p.kind == "linear" and p.rate == pytest.approx(2.0 / 3.0) and p.degenerate
    assert predict_trust_region("trust-ncg", [0.0, 2.0]).rate is None


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown trust-region method"):
        predict_trust_region("dogleg", [1.0])


def _gauss_newton_ratios(lam, x0=0.05, steps=12):
    """Gauss–Newton on r(x) = (x + 1, λx² + x − 1) (Dennis & Schnabel Example 10.2.5),
    simulated in NumPy: the ratios |x_{k+1}| / |x_k| (x* = 0)."""
    x = x0
    out = []
    for _ in range(steps):
        r = np.array([x + 1, lam * x * x + x - 1])
        J = np.array([1.0, 2 * lam * x + 1])
        xn = x - (J @ r) / (J @ J)
        out.append(abs(xn) / abs(x))
        x = xn
    return out


@pytest.mark.parametrize("lam", [0.1, 0.5, -0.3])
def test_lm_linear_rate_is_the_simulated_gauss_newton_rate(lam):
    """At x* = 0: A = 2JᵀJ = 4, H = ∇²f = 4 − 4λ, so ρ(I − A⁻¹H) = |λ| (D&S: rate |λ|)."""
    A = np.array([[4.0]])
    H = np.array([[4.0 - 4.0 * lam]])
    assert gauss_newton_rate(A, H) == pytest.approx(abs(lam), rel=1e-14)
    p = predict_lm(A, H, residual_sq=2.0)
    assert p.kind == "linear" and p.rate == pytest.approx(abs(lam), rel=1e-14)
    assert _gauss_newton_ratios(lam)[-1] == pytest.approx(p.rate, rel=1e-3)


def test_lm_no_rate_when_gauss_newton_is_not_locally_convergent():
    p = predict_lm(np.array([[4.0]]), np.array([[4.0 - 4.0 * 1.5]]), residual_sq=2.0)
    assert p.kind == "none" and p.details["gauss_newton_rate"] == pytest.approx(1.5)


def test_lm_quadratic_at_zero_residual_and_none_when_rank_deficient():
    # Rosenbrock at (1, 1): r = (10(y − x²), 1 − x) = 0, A = H
    A = np.array([[802.0, -400.0], [-400.0, 200.0]])
    p = predict_lm(A, A, residual_sq=0.0)
    assert (p.kind, p.order) == ("quadratic", 2.0)
    assert p.details["gauss_newton_rate"] == pytest.approx(0.0, abs=1e-12)
    singular = predict_lm(np.array([[2.0, 2.0], [2.0, 2.0]]), np.eye(2), residual_sq=0.0)
    assert singular.kind == "none" and singular.degenerate


def test_predict_dispatches_to_the_trust_region_and_lm_predictors():
    from analysis.theory import predict

    assert predict("trust-exact", {}, [1.0, 2.0]).kind == "quadratic"
    assert predict("trust-ncg", {}, [-1.0, 2.0]).kind == "diverges"
    A = np.array([[4.0]])
    lin = predict("lm", {}, [2.0], hessian=[[2.0]], extra={"gauss_newton": A, "residual_sq": 2.0})
    assert lin.kind == "linear" and lin.rate == pytest.approx(0.5)
    assert predict("lm", {}, [2.0]).kind == "none"


def test_the_least_squares_family_measures_its_inputs_at_the_point():
    """``inputs_at`` asks lm's theory what it needs beyond the Hessian: A = 2JᵀJ from the
    method's declared matrix kernel and f = ‖r‖², here at x = 0.5 of r = (x + 1, λx² + x − 1):
    J = (1, 2λx + 1), so A = 2(1 + (2λx + 1)²), f = 1.5² + (0.25λ − 0.5)²."""
    from analysis.theory import inputs_at
    from landscape.objective import Objective

    lam = 0.3
    comp = Objective.parse(f"(x+1)^2 + ({lam}*x^2 + x - 1)^2").compiled
    got = inputs_at("lm", comp, [0.5])
    assert got["gauss_newton"] == pytest.approx(np.array([[2 * (1 + (lam + 1) ** 2)]]),
                                                rel=1e-14)
    assert got["residual_sq"] == pytest.approx(1.5**2 + (0.25 * lam - 0.5) ** 2, rel=1e-14)
    assert inputs_at("trust-exact", comp, [0.5]) == {}
    assert inputs_at("newton", comp, [0.5]) == {}


def test_lm_rate_study_predicts_the_gauss_newton_rate_through_the_hook():
    """The rate study names no method: lm's linear rate |λ| at x* = 0 (nonzero residual)
    comes from the inputs its family measured there."""
    from analysis.rates import rate_study
    from landscape.objective import Objective

    lam = 0.5
    study = rate_study(Objective.parse(f"(x+1)^2 + ({lam}*x^2 + x - 1)^2"), "lm", [0.5],
                       minimizer=[0.0])
    assert study.prediction.kind == "linear"
    assert study.prediction.rate == pytest.approx(lam, rel=1e-9)
    assert study.prediction.details["residual_sq"] == pytest.approx(2.0, rel=1e-12)
