"""The kernel layer's hook for a matrix a method declares in place of the Hessian
(``CompiledObjective.matrix_kernel(build)``): any building function is compiled with the
Hessian's signature, each in an entry of its own, and an edit of the function's module
regenerates its kernel.  Values checked against the Hessian and gradient kernels, computed
by the objective's own (independent) derivative code."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
import sympy as sp

from landscape.compiled import matrix_tag
from landscape.errors import InputError
from landscape.objective import Objective


def hessian_entries(expr, variables, data_symbols=()):
    """∂²f/∂xᵢ∂xⱼ by SymPy directly (the objective's Hessian kernel is derived apart)."""
    n = len(variables)
    out = {}
    for i in range(n):
        for j in range(i, n):
            e = sp.diff(expr, variables[i], variables[j])
            if e != 0:
                out[(i, j)] = e
    return out


def outer_gradient(expr, variables, data_symbols=()):
    """∇f ∇fᵀ."""
    g = [sp.diff(expr, v) for v in variables]
    return {(i, j): g[i] * g[j] for i in range(len(g)) for j in range(i, len(g))
            if g[i] * g[j] != 0}


def refuses(expr, variables, data_symbols=()):
    raise InputError("this formula has no such matrix: said by the declaring function")


FORMULA = "x^4*y + exp(x*y) + sin(y)"


def _eval(kernel, comp, x):
    A = np.full((comp.n, comp.n), np.nan)
    kernel(np.asarray(x, dtype=float), comp.data, A)
    return A


def test_any_declared_matrix_is_compiled_with_the_hessians_signature():
    obj = Objective.parse(FORMULA)
    comp = obj.compiled
    rng = np.random.default_rng(1)
    for _ in range(4):
        x = rng.uniform(-1.5, 1.5, size=2)
        np.testing.assert_allclose(_eval(comp.matrix_kernel(hessian_entries), comp, x),
                                   comp.hessian(x), rtol=1e-13, atol=1e-13)
        g = comp.gradient(x)
        np.testing.assert_allclose(_eval(comp.matrix_kernel(outer_gradient), comp, x),
                                   np.outer(g, g), rtol=1e-13, atol=1e-13)


def test_each_function_has_its_own_entry_and_a_refusal_says_why():
    comp = Objective.parse(FORMULA).compiled
    assert matrix_tag(hessian_entries) != matrix_tag(outer_gradient)
    assert comp.matrix_kernel(hessian_entries) is not comp.matrix_kernel(outer_gradient)
    assert comp.matrix_kernel(hessian_entries) is comp.matrix_kernel(hessian_entries)
    with pytest.raises(InputError, match="said by the declaring function"):
        comp.matrix_kernel(refuses)
    with pytest.raises(KeyError):
        comp.kernel("matrix")  # a declared matrix is asked for with its function


def test_a_finite_sum_averages_the_declared_matrix_over_the_rows():
    obj = Objective.parse("(w*a - b)^2 + w^4", variables=["w"], data=["a", "b"])
    data = np.array([[1.0, 2.0], [3.0, 1.0], [-2.0, 0.5]])
    comp = obj.compiled.with_data(data)
    A = _eval(comp.matrix_kernel(hessian_entries), comp, [0.7])
    assert A[0, 0] == pytest.approx(2 * np.mean(data[:, 0] ** 2) + 12 * 0.7**2, rel=1e-14)


def _module_from(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_an_edit_of_the_declaring_module_regenerates_the_kernel(tmp_path):
    """Same module and function name, new source: a new entry, the new values (a cache key
    without the source would load the old kernel)."""
    path = tmp_path / "declared_here.py"
    source = ("import sympy as sp\n\ndef build(expr, variables, data_symbols=()):\n"
              "    return {{(0, 0): {c} * variables[0] ** 2}}\n")
    comp = Objective.parse("x^2 + 1").compiled
    values = []
    tags = []
    for c in (1, 10):  # sources of different sizes: Python's bytecode cache tells them apart
        path.write_text(source.format(c=c))
        module = _module_from(path, "declared_here")
        tags.append(matrix_tag(module.build))
        values.append(_eval(comp.matrix_kernel(module.build), comp, [2.0])[0, 0])
    sys.modules.pop("declared_here", None)
    assert tags[0] != tags[1] and tags[0].split(":")[:2] == tags[1].split(":")[:2]
    assert values == [4.0, 40.0]
