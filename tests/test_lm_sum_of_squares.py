"""``lm``'s sums of squares read from the formula (optimizers.algorithms.lm): which formulas
are recognised, the errors for the others, and the Gauss–Newton matrix's kernel (declared by
lm's spec, compiled by the kernel layer) against 2JᵀJ computed independently (NumPy
residuals, central differences)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from landscape.errors import InputError
from landscape.objective import Objective
from optimizers.algorithms.lm import SPEC, gauss_newton_matrix, sum_of_squares


def _gn(obj, x):
    A = np.zeros((obj.n, obj.n))
    obj.compiled.matrix_kernel(gauss_newton_matrix)(np.asarray(x, dtype=float),
                                                    obj.compiled.data, A)
    return A


def test_the_spec_declares_the_gauss_newton_matrix_in_place_of_the_hessian():
    assert SPEC.matrix_kernel is gauss_newton_matrix and SPEC.uses_hessian({})


def _jacobian(res, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(len(x)):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((res(x + e) - res(x - e)) / (2 * h))
    return np.array(cols).T


@pytest.mark.parametrize(
    ("formula", "res"),
    [
        # Rosenbrock: r = (10(y − x²), 1 − x)
        ("100*(y-x^2)^2+(1-x)^2", lambda v: np.array([10 * (v[1] - v[0] ** 2), 1 - v[0]])),
        # a single square
        ("(x*y - 2)^2", lambda v: np.array([v[0] * v[1] - 2])),
        # sum(...) expansion: r_i = x_i − i
        ("sum((x[i]-i)^2, i, 1, 3)", lambda v: v - np.array([1.0, 2.0, 3.0])),
        # weights, an even power, a product of squares and a constant: r̃ = (√3(x−1)², xy, √2)
        ("3*(x-1)^4 + x^2*y^2 + 2",
         lambda v: np.array([np.sqrt(3) * (v[0] - 1) ** 2, v[0] * v[1], np.sqrt(2)])),
        # a symbolic positive weight
        ("pi*(sin(x) - y)^2", lambda v: np.array([np.sqrt(np.pi) * (np.sin(v[0]) - v[1])])),
    ],
)
def test_gauss_newton_kernel_is_2_jt_j(formula, res):
    obj = Objective.parse(formula)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.uniform(-2, 2, size=obj.n)
        J = _jacobian(res, x)
        np.testing.assert_allclose(_gn(obj, x), 2 * J.T @ J, rtol=1e-6, atol=1e-6)
        # and f = Σ r̃² (the weights were read right)
        assert obj.value(x) == pytest.approx(float(res(x) @ res(x)), rel=1e-12)


def test_finite_sum_gauss_newton_is_the_mean_over_rows():
    """Per-sample loss (w·a − b)², mean over rows: A = (2/m) Σ aₖ² ."""
    obj = Objective.parse("(w*a - b)^2", variables=["w"], data=["a", "b"])
    data = np.array([[1.0, 2.0], [3.0, 1.0], [-2.0, 0.5]])
    comp = obj.compiled.with_data(data)
    A = np.zeros((1, 1))
    SPEC.kernel_for_h(comp)(np.array([0.7]), comp.data, A)
    assert A[0, 0] == pytest.approx(2 * np.mean(data[:, 0] ** 2), rel=1e-14)


def test_residuals_and_weights():
    x, y = sp.symbols("x y", real=True)
    sos = sum_of_squares(5 * (x - y) ** 2 + (x + 1) ** 6, [x, y])
    pairs = dict(zip(sos.residuals, sos.weights, strict=True))
    assert pairs == {x - y: 5, (x + 1) ** 3: 1}
    assert sos.m == 2
    total = sum(r**2 for r in sos.scaled_residuals())
    assert sp.simplify(total - (5 * (x - y) ** 2 + (x + 1) ** 6)) == 0


@pytest.mark.parametrize(
    ("formula", "why"),
    [
        ("x*y + x^2", "the term x*y is not a square"),
        ("-(x-1)^2 + y^2", "positive weights"),
        ("x^2 - 1", "negative"),
        ("exp(x) + y^2", "the term exp(x) is not a square"),
        ("x^3 + y^2", "the term x**3 is not a square"),
        ("abs(x) + y^2", "is not a square"),
    ],
)
def test_not_a_sum_of_squares_is_refused_with_the_reason(formula, why):
    obj = Objective.parse(formula)
    with pytest.raises(InputError, match="lm needs f = Σ rᵢ") as info:
        obj.kernel_sources(("matrix",), gauss_newton_matrix)
    assert why in str(info.value)


def test_gauss_newton_kernel_from_the_formula_text_alone():
    """The command line loads kernels by formula text (no Objective in hand): the matrix's
    kernel is generated through the entry's source callback, cached under its own key, and
    refused with the reason for a formula that is not a sum of squares."""
    from landscape.loader import load_formula

    comp = load_formula("(x - 1)^2 + 4*(x*y)^2")
    A = np.zeros((2, 2))
    comp.matrix_kernel(gauss_newton_matrix)(np.array([2.0, 3.0]), comp.data, A)
    J = np.array([[1.0, 0.0], [2 * 3.0, 2 * 2.0]])  # r̃ = (x − 1, 2xy)
    np.testing.assert_allclose(A, 2 * J.T @ J, rtol=1e-14)
    with pytest.raises(InputError, match="the term x\\*y is not a square"):
        load_formula("x*y + y^2").matrix_kernel(gauss_newton_matrix)
