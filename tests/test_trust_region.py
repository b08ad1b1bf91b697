"""The trust-region and Levenberg–Marquardt kernels against their textbook definitions
(Nocedal & Wright, 2nd ed., Alg. 4.1, 4.3, 7.2; Madsen–Nielsen–Tingleff Alg. 3.16): first
steps computed independently in NumPy / SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from optimizers.engine import prepare
from optimizers.registry import module

# the methods' own helpers, compiled as the engine compiles them
_NCG = prepare(module("trust_ncg"))
_EXACT = prepare(module("trust_exact"))
_LM = prepare(module("lm"))
boundary_tau = _NCG.boundary_tau
model_decrease = _NCG.model_decrease
radius_update = _NCG.radius_update
steihaug_cg = _NCG.steihaug_cg
more_sorensen = _EXACT.more_sorensen
lm_solve = _LM.lm_solve
nielsen_update = _LM.nielsen_update


#: tolerances that make the Moré–Sorensen iteration solve the subproblem to rounding
TIGHT = (1e-12, 1e-12)


def _work(n):
    """Workspace of more_sorensen (L, t, q, z, e)."""
    return np.zeros((n, n)), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)


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
    assert more_sorensen(B, g, 1e3, *TIGHT, p, *_work(3)) == 0
    np.testing.assert_allclose(p, -np.linalg.solve(B, g), rtol=1e-12)


@pytest.mark.parametrize("eigs", [[0.5, 2.0, 7.0], [-1.0, 2.0, 5.0], [-3.0, -1.0, 0.5]])
@pytest.mark.parametrize("delta", [0.05, 0.7, 3.0])
def test_more_sorensen_matches_the_secular_equation(eigs, delta):
    """With tolerances → 0 the iteration converges to the boundary solution: against λ found
    by brentq on ‖(B + λI)⁻¹g‖ = Δ (N&W Thm. 4.1)."""
    rng = np.random.default_rng(4)
    B = _spd(rng, eigs)
    g = rng.normal(size=3)
    p = np.zeros(3)
    if min(eigs) > 0 and np.linalg.norm(np.linalg.solve(B, g)) <= delta:  # interior
        assert more_sorensen(B, g, delta, *TIGHT, p, *_work(3)) == 0
        np.testing.assert_allclose(p, -np.linalg.solve(B, g), rtol=1e-12)
        return
    ref, _ = _exact_reference(B, g, delta)
    assert more_sorensen(B, g, delta, *TIGHT, p, *_work(3)) == 1
    assert np.linalg.norm(p) == pytest.approx(delta, rel=1e-8)
    np.testing.assert_allclose(p, ref, rtol=1e-7, atol=1e-9 * delta)
    assert _model(g, B, p) <= _model(g, B, ref) + 1e-12


def test_more_sorensen_hard_case():
    """g ⟂ q₁ and ‖p(−λ₁)‖ < Δ: p = p(−λ₁) ± τq₁ on the boundary (N&W eq. 4.45).  The
    iteration ends at the hard-case test τ²‖Lᵀz‖² ≤ κ_hard(…), i.e. with λ + λ₁ = O(κ_hard):
    at κ_hard = 10⁻¹² the components agree to 10⁻¹⁰."""
    B = np.diag([-2.0, 1.0, 3.0])
    g = np.array([0.0, 1.0, 1.0])
    delta = 10.0
    p = np.zeros(3)
    assert more_sorensen(B, g, delta, *TIGHT, p, *_work(3)) == 1
    base = np.array([0.0, -1.0 / 3.0, -1.0 / 5.0])  # −g_j/(λ_j − λ₁)
    np.testing.assert_allclose(p[1:], base[1:], rtol=1e-10)
    assert abs(p[0]) == pytest.approx(np.sqrt(delta**2 - base @ base), rel=1e-12)
    assert np.linalg.norm(p) == pytest.approx(delta, rel=1e-12)


def test_more_sorensen_beats_random_feasible_points():
    """The exact step's model value is below that of any point sampled in the ball."""
    rng = np.random.default_rng(5)
    B = _spd(rng, [-0.7, 0.2, 1.5, 4.0])
    g = rng.normal(size=4)
    delta = 1.3
    p = np.zeros(4)
    more_sorensen(B, g, delta, *TIGHT, p, *_work(4))
    pts = rng.normal(size=(20000, 4))
    pts *= (delta * rng.uniform(size=(20000, 1)) ** 0.25) / np.linalg.norm(pts, axis=1)[:, None]
    vals = pts @ g + 0.5 * np.einsum("ij,jk,ik->i", pts, B, pts)
    assert _model(g, B, p) <= vals.min()


def _optimal_model(B, g, delta):
    """m* = min m(p) over ‖p‖ ≤ Δ: the interior Newton step, the brentq boundary solution, or
    (hard case) p(−λ₁) completed to the boundary along q₁ (N&W eq. 4.45)."""
    w, Q = np.linalg.eigh(B)
    if w[0] > 0 and np.linalg.norm(np.linalg.solve(B, g)) <= delta:
        return _model(g, B, -np.linalg.solve(B, g))
    c = Q.T @ g
    if w[0] <= 0 and abs(c[0]) < 1e-14:
        base = -(Q[:, 1:] @ (c[1:] / (w[1:] - w[0])))
        if np.linalg.norm(base) <= delta:
            p = base + np.sqrt(delta**2 - base @ base) * Q[:, 0]
            return _model(g, B, p)
    ref, _ = _exact_reference(B, g, delta)
    return _model(g, B, ref)


@pytest.mark.parametrize("seed", range(12))
def test_more_sorensen_default_tolerances_keep_their_guarantee(seed):
    """κ_easy = 0.1, κ_hard = 0.2 (SciPy's): the step is either p(λ) with Δ ≤ ‖p‖ ≤ 1.1Δ,
    whose model value is at most the optimum over ‖p‖ ≤ Δ (it minimises m over the larger
    ball), or lies in the region with m(p) ≤ (1 − κ_hard)·m* (Moré & Sorensen 1983, Lemma 3.4
    with σ(2 − σ) = κ_hard)."""
    rng = np.random.default_rng(100 + seed)
    n = 2 + seed % 4
    B = _spd(rng, rng.uniform(-3.0, 5.0, size=n))
    g = rng.normal(size=n) * 10.0 ** rng.uniform(-2, 1)
    if seed % 3 == 0:  # (nearly) the hard case: g almost ⟂ the lowest eigenvector
        w, Q = np.linalg.eigh(B)
        g -= (Q[:, 0] @ g) * Q[:, 0] * (1 - 1e-6)
    delta = 10.0 ** rng.uniform(-1.5, 1.0)
    p = np.zeros(n)
    edge = more_sorensen(B, g, delta, _EXACT.K_EASY, _EXACT.K_HARD, p, *_work(n))
    best = _optimal_model(B, g, delta)
    pn = np.linalg.norm(p)
    assert pn <= (1 + _EXACT.K_EASY) * delta * (1 + 1e-12)
    if pn > delta * (1 + 1e-12):
        assert _model(g, B, p) <= best + 1e-12 * abs(best)
    else:
        assert _model(g, B, p) <= (1 - _EXACT.K_HARD) * best + 1e-12 * abs(best)
    assert edge == (0 if pn < delta * (1 - 1e-12) else 1) or edge == 1


def test_more_sorensen_first_biggs_step_leaves_the_symmetry_exact_steps_keep():
    """MGH 18 at x₀ = (1, 2, 1, 1, 1, 1), Δ₀ = 1: g and ∇²f are invariant under
    (x₁, x₃) ↔ (x₅, x₆).  Solved to rounding the step keeps p₁ = p₅ and p₃ = p₆ (whence the
    valley to infinity); with κ_hard = 0.2 the hard-case test ends with p + τz, z the LINPACK
    estimate of the singular vector, which breaks the symmetry and models within 20 % of the
    optimum."""
    import mgh

    x0 = np.array(mgh.problem("18-biggs-exp6").x0)
    with mgh.kernel_limit("18-biggs-exp6"):  # the Hessian is compiled here, on first use
        c = mgh.compiled("18-biggs-exp6")
        g, B = c.gradient(x0), c.hessian(x0)
    swap = [4, 1, 5, 3, 0, 2]
    assert np.allclose(g[swap], g, rtol=0, atol=1e-14)
    exact, inexact = np.zeros(6), np.zeros(6)
    more_sorensen(B, g, 1.0, *TIGHT, exact, *_work(6))
    more_sorensen(B, g, 1.0, _EXACT.K_EASY, _EXACT.K_HARD, inexact, *_work(6))
    assert np.abs(exact[swap] - exact).max() < 1e-8
    assert np.abs(inexact[swap] - inexact).max() > 0.05
    best = _optimal_model(B, g, 1.0)
    assert _model(g, B, exact) == pytest.approx(best, rel=1e-9)
    assert best <= _model(g, B, inexact) <= (1 - _EXACT.K_HARD) * best


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
