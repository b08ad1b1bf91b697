"""The trust-region and Levenberg–Marquardt kernels against their textbook definitions
(Nocedal & Wright, 2nd ed., Alg. 4.1, 4.3, 7.2; Madsen–Nielsen–Tingleff Alg. 3.16): first
steps computed independently in NumPy / SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from optimizers.engine import prepare
from optimizers.registry import module
from optimizers.trust_region import boundary_tau, model_decrease, radius_update

# the methods' own helpers, compiled as the engine compiles them
_NCG = prepare(module("trust_ncg"))
_EXACT = prepare(module("trust_exact"))
_LM = prepare(module("lm"))
steihaug_cg = _NCG.steihaug_cg
more_sorensen = _EXACT.more_sorensen
lm_solve = _LM.lm_solve
nielsen_update = _LM.nielsen_update


def _work(n):
    """Workspace of more_sorensen (W1, Q, w, q, t)."""
    return np.zeros((n, n)), np.zeros((n, n)), np.zeros(n), np.zeros(n), np.zeros(n)


def _cg_work(n):
    """Workspace of steihaug_cg (r, d, bd)."""
    return np.zeros(n), np.zeros(n), np.zeros(n)


def _model(g, B, p):
    return g @ p + 0.5 * p @ B @ p


def _spd(rng, eigs):
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigs), len(eigs))))
    return Q @ np.diag(eigs) @ Q.T


def _exact_reference(B, g, delta):
    """The boundary solution p(λ) = −(B + λI)⁻¹g, ‖p(λ)‖ = Δ, λ > max(0, −λ₁), by brentq."""
    lo = max(0.0, -np.linalg.eigvalsh(B)[0])
    n = len(g)

    def phi(lam):
        return np.linalg.norm(np.linalg.solve(B + lam * np.eye(n), -g)) - delta

    a = lo + 1e-12 * max(1.0, lo)
    b = lo + np.linalg.norm(g) / delta + np.abs(B).sum()
    lam = brentq(phi, a, b, xtol=1e-15, rtol=1e-15)
    return np.linalg.solve(B + lam * np.eye(n), -g), lam


# ----------------------------------------------------------------------- shared pieces
def test_boundary_tau_solves_the_quadratic():
    rng = np.random.default_rng(1)
    for _ in range(20):
        z = rng.normal(size=3) * 0.3
        d = rng.normal(size=3)
        delta = np.linalg.norm(z) + rng.uniform(0.1, 2.0)
        tau = boundary_tau(z, d, delta)
        assert tau >= 0.0
        assert np.linalg.norm(z + tau * d) == pytest.approx(delta, rel=1e-12)


def test_model_decrease_is_minus_the_model():
    rng = np.random.default_rng(2)
    B = _spd(rng, [1.0, -2.0, 4.0])
    g, p = rng.normal(size=3), rng.normal(size=3)
    assert model_decrease(g, B, p) == pytest.approx(-_model(g, B, p), rel=1e-13)


@pytest.mark.parametrize(
    ("rho", "pnorm", "expected"),
    [(0.1, 1.0, 0.25), (-3.0, 0.5, 0.25), (float("nan"), 1.0, 0.25), (0.5, 1.0, 1.0),
     (0.9, 1.0, 2.0), (0.9, 0.5, 1.0)],
)
def test_radius_update_alg_4_1(rho, pnorm, expected):
    """Δ = 1: ρ < ¼ quarters it, ρ > ¾ on the boundary doubles it, otherwise it stays."""
    assert radius_update(rho, 1.0, pnorm, 1000.0) == expected


def test_radius_update_is_capped():
    assert radius_update(0.99, 600.0, 600.0, 1000.0) == 1000.0


# ----------------------------------------------------------------------- Steihaug-Toint
def test_steihaug_cauchy_point_when_the_first_cg_step_leaves_the_region():
    """N&W Alg. 7.2: z₁ = −(gᵀg / gᵀBg) g; if ‖z₁‖ ≥ Δ the step is −Δ g/‖g‖."""
    B = np.array([[2.0, 0.3], [0.3, 1.0]])
    g = np.array([3.0, -4.0])
    delta = 0.5
    p = np.zeros(2)
    assert steihaug_cg(B, g, delta, p, *_cg_work(2)) == 1
    np.testing.assert_allclose(p, -delta * g / np.linalg.norm(g), rtol=1e-13)


def test_steihaug_on_the_cg_path_between_cauchy_and_newton():
    """‖z₁‖ < Δ < ‖Newton step‖ in 2-D: p is on the segment z₁ → z₂ = −B⁻¹g with ‖p‖ = Δ."""
    B = np.array([[1.0, 0.0], [0.0, 10.0]])
    g = np.array([1.0, 1.0]) * 0.01  # small g: CG's forcing term does not stop it early
    z1 = -(g @ g) / (g @ B @ g) * g
    newton = -np.linalg.solve(B, g)
    delta = 0.5 * (np.linalg.norm(z1) + np.linalg.norm(newton))
    p = np.zeros(2)
    assert steihaug_cg(B, g, delta, p, *_cg_work(2)) == 1
    assert np.linalg.norm(p) == pytest.approx(delta, rel=1e-12)
    # collinear with z1 and newton: the cross product of (p − z1) and (newton − z1) vanishes
    u, v = p - z1, newton - z1
    assert abs(u[0] * v[1] - u[1] * v[0]) < 1e-14
    assert 0.0 < (u @ v) / (v @ v) < 1.0


def test_steihaug_interior_newton_step_on_a_convex_quadratic():
    B = np.array([[4.0, 1.0], [1.0, 3.0]])
    g = np.array([1e-3, -2e-3])
    p = np.zeros(2)
    assert steihaug_cg(B, g, 10.0, p, *_cg_work(2)) == 0
    np.testing.assert_allclose(p, -np.linalg.solve(B, g), rtol=1e-10)


def test_truncated_cg_run_to_completion_is_the_newton_step_when_ill_conditioned():
    """cond B = 10¹²: the forcing term stops CG after its first iterate, a step along the steep
    eigenvector only; with ε = 0 (how trust-ncg re-solves a rejected interior step) CG
    reaches −B⁻¹g, whose model decrease is the Newton decrement ½gᵀB⁻¹g."""
    B = np.diag([1e12, 1.0])
    g = np.array([10.0, 0.1])
    newton = -np.linalg.solve(B, g)
    p = np.zeros(2)
    assert steihaug_cg(B, g, 100.0, p, *_cg_work(2)) == 0
    assert -_model(g, B, p) < 1e-3 * -_model(g, B, newton)
    assert _NCG.truncated_cg(B, g, 100.0, 0.0, p, *_cg_work(2)) == 0
    np.testing.assert_allclose(p, newton, rtol=1e-10)


def test_steihaug_negative_curvature_along_minus_g():
    """gᵀBg < 0 at the first step: the boundary point of lower model value, −Δ g/‖g‖."""
    B = np.array([[-1.0, 0.0], [0.0, 2.0]])
    g = np.array([1.0, 0.1])
    p = np.zeros(2)
    assert steihaug_cg(B, g, 2.0, p, *_cg_work(2)) == 1
    np.testing.assert_allclose(p, -2.0 * g / np.linalg.norm(g), rtol=1e-13)


# ----------------------------------------------------------------------- Moré-Sorensen
def test_more_sorensen_is_the_newton_step_inside_a_large_region():
    rng = np.random.default_rng(3)
    B = _spd(rng, [0.5, 2.0, 7.0])
    g = rng.normal(size=3)
    p = np.zeros(3)
    assert more_sorensen(B, g, 1e3, p, *_work(3)) == 0
    np.testing.assert_allclose(p, -np.linalg.solve(B, g), rtol=1e-12)


@pytest.mark.parametrize("eigs", [[0.5, 2.0, 7.0], [-1.0, 2.0, 5.0], [-3.0, -1.0, 0.5]])
@pytest.mark.parametrize("delta", [0.05, 0.7, 3.0])
def test_more_sorensen_matches_the_secular_equation(eigs, delta):
    """Boundary solutions against λ found by brentq on ‖(B + λI)⁻¹g‖ = Δ (N&W Thm. 4.1)."""
    rng = np.random.default_rng(4)
    B = _spd(rng, eigs)
    g = rng.normal(size=3)
    p = np.zeros(3)
    if min(eigs) > 0 and np.linalg.norm(np.linalg.solve(B, g)) <= delta:  # interior
        assert more_sorensen(B, g, delta, p, *_work(3)) == 0
        np.testing.assert_allclose(p, -np.linalg.solve(B, g), rtol=1e-12)
        return
    ref, _ = _exact_reference(B, g, delta)
    assert more_sorensen(B, g, delta, p, *_work(3)) == 1
    assert np.linalg.norm(p) == pytest.approx(delta, rel=1e-8)
    np.testing.assert_allclose(p, ref, rtol=1e-7, atol=1e-9 * delta)
    assert _model(g, B, p) <= _model(g, B, ref) + 1e-12


def test_more_sorensen_hard_case():
    """g ⟂ q₁ and ‖p(−λ₁)‖ < Δ: p = p(−λ₁) ± τq₁ on the boundary (N&W eq. 4.45)."""
    B = np.diag([-2.0, 1.0, 3.0])
    g = np.array([0.0, 1.0, 1.0])
    delta = 10.0
    p = np.zeros(3)
    assert more_sorensen(B, g, delta, p, *_work(3)) == 1
    base = np.array([0.0, -1.0 / 3.0, -1.0 / 5.0])  # −g_j/(λ_j − λ₁)
    np.testing.assert_allclose(p[1:], base[1:], rtol=1e-12)
    assert abs(p[0]) == pytest.approx(np.sqrt(delta**2 - base @ base), rel=1e-12)


def test_more_sorensen_beats_random_feasible_points():
    """The exact step's model value is below that of any point sampled in the ball."""
    rng = np.random.default_rng(5)
    B = _spd(rng, [-0.7, 0.2, 1.5, 4.0])
    g = rng.normal(size=4)
    delta = 1.3
    p = np.zeros(4)
    more_sorensen(B, g, delta, p, *_work(4))
    pts = rng.normal(size=(20000, 4))
    pts *= (delta * rng.uniform(size=(20000, 1)) ** 0.25) / np.linalg.norm(pts, axis=1)[:, None]
    vals = pts @ g + 0.5 * np.einsum("ij,jk,ik->i", pts, B, pts)
    assert _model(g, B, p) <= vals.min()


# ----------------------------------------------------------------------- Levenberg-Marquardt
def test_lm_solve_is_the_damped_normal_equation():
    rng = np.random.default_rng(6)
    J = rng.normal(size=(5, 3))
    A = 2 * J.T @ J
    g = rng.normal(size=3)
    scale = np.diag(A).copy()
    p = np.zeros(3)
    assert lm_solve(A, g, 0.3, scale, p, np.zeros((3, 3)), np.zeros((3, 3)), np.zeros(3))
    np.testing.assert_allclose(p, np.linalg.solve(A + 0.3 * np.diag(scale), -g), rtol=1e-12)


@pytest.mark.parametrize(
    ("rho", "expected"),
    [(0.5, (1.0, 2.0)), (1.0, (1.0 / 3.0, 2.0)), (0.25, (1.0 - (-0.5) ** 3, 2.0)),
     (0.0, (8.0, 16.0)), (-1.0, (8.0, 16.0))],
)
def test_nielsen_update(rho, expected):
    """μ = 1, ν = 8: ρ > 0 → μ·max(⅓, 1 − (2ρ−1)³), ν = 2; else μ·ν, 2ν."""
    mu, nu = nielsen_update(1.0, 8.0, rho)
    assert (mu, nu) == pytest.approx(expected, rel=1e-15)
