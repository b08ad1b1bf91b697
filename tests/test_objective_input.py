"""Objectives built from SymPy expressions: the checks that do not go through the parser."""

from __future__ import annotations

import pytest
import sympy as sp

from landscape import Objective
from landscape.errors import InputError


def test_complex_sympy_expression_is_refused():
    x = sp.Symbol("x")
    with pytest.raises(InputError, match="complex values"):
        Objective.from_expr(sp.log(-1) * x + x**2)  # SymPy evaluates log(-1) to I*pi


def test_real_sympy_expression_is_accepted():
    x = sp.Symbol("x")
    obj = Objective.from_expr(sp.log(2) * x + x**2)
    assert obj.value([1.0]) == pytest.approx(1.0 + float(sp.log(2)))
