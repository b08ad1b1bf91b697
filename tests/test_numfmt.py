"""The one number formatter (landscape.numfmt): each rule against text written out by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from landscape.numfmt import MISSING, fmt


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.1, 6, "0.1"),
        (1 / 3, 6, "0.333333"),
        (1 / 3, 2, "0.33"),
        (2 / 3, 1, "0.7"),
        (1e-7, 6, "1e-07"),
        (123456789.0, 6, "1.23457e+08"),
        (-2.5, 6, "-2.5"),
        (0.0, 6, "0"),
        (100.0, 6, "100"),
        (np.float64(0.25), 6, "0.25"),
        (np.float32(0.5), 6, "0.5"),
        (Fraction(1, 8), 6, "0.125"),  # any real number
    ],
)
def test_reals_in_percent_g_with_the_significant_digits_asked(value, digits, text):
    assert fmt(value, digits) == text


def test_integers_are_exact_and_bools_words():
    assert fmt(123456789) == "123456789"  # %g would round it to 1.23457e+08
    assert fmt(np.int64(-42), 2) == "-42"
    assert fmt(10**30) == "1" + "0" * 30
    assert fmt(True) == "True" and fmt(False) == "False"


def test_missing_and_infinite_values():
    assert MISSING == "—"
    assert fmt(None) == fmt(math.nan) == fmt(np.float64("nan")) == "—"
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "−∞"


def test_sequences_as_tuples_of_formatted_entries():
    assert fmt([1.0, 0.5, None]) == "(1, 0.5, —)"
    assert fmt((1 / 3, 2 / 3), 3) == "(0.333, 0.667)"
    assert fmt([[0.0, 1.5], [2.0, 3.0]]) == "((0, 1.5), (2, 3))"  # nested lists keep their shape
    assert fmt(np.array([[1.0, 2.0], [3.0, 4.0]])) == "(1, 2, 3, 4)"  # arrays in C order
    assert fmt(np.array(0.125)) == "0.125"  # a 0-d array is its scalar
    assert fmt([]) == "()"


def test_anything_else_is_its_str():
    assert fmt("minimum") == "minimum"
    import sympy as sp

    assert fmt(sp.sqrt(2)) == "sqrt(2)"


def test_the_analysis_layer_formats_through_this_module():
    """plots, reports and rate studies print numbers by these rules (one formatter), each
    with its own default number of digits."""
    from analysis import plots, rates, report

    assert plots.fmt is fmt
    assert report.fmt_num(123456) == "123456"  # an integer is exact (was 1.235e+05)
    assert report.fmt_num(1 / 3) == fmt(1 / 3, 4) == "0.3333"
    assert report.fmt_num(None) == report.fmt_num(math.nan) == MISSING
    assert report.fmt_point([1 / 3, 2, math.inf]) == "(0.3333, 2, ∞)"
    assert report.percent(0.0021) == "0.21%" and report.percent(None) == MISSING
    assert rates._fmt(np.array([[1 / 3], [2.0]])) == "(0.333333, 2)"
