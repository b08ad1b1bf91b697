"""The one number formatter (landscape.numfmt): each rule against text written out by hand."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest

from landscape.numfmt import MISSING, as_printed, fmt, plural


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
    assert report.fmt_point([1 / 3, 2, math.inf]) == "(0.3333, 2.000, ∞)"
    assert report.percent(0.0021) == "0.21%" and report.percent(None) == MISSING
    assert rates._fmt(np.array([[1 / 3], [2.0]])) == "(0.333333, 2.00000)"


def test_page_minus_signs_numbers_only():
    from landscape.numfmt import MINUS, fmt, page_minus

    assert page_minus(fmt((-0.1263, -0.1866))) == f"({MINUS}0.1263, {MINUS}0.1866)"
    assert page_minus("f″ = -1.035, kink (-1, -8)") == (
        f"f″ = {MINUS}1.035, kink ({MINUS}1, {MINUS}8)")
    assert page_minus(fmt(-1e-7)) == f"{MINUS}1e{MINUS}07"
    assert page_minus("x = -.5") == f"x = {MINUS}.5"
    for keep in ("relu(y-1)", "3-D slice", "2026-12-03", "(x)-1", "L-BFGS", "[0, 1]-2"):
        assert page_minus(keep) == keep
    assert fmt(-2.5) == "-2.5"  # JSON and CSV keep ASCII


def test_percent_shares_sum_to_100():
    """Himmelblau's basin legend read 24 + 26 + 26 + 25 = 101 %."""
    from landscape.numfmt import percent_shares

    assert percent_shares([2455, 2555, 2555, 2435]) == [25, 26, 25, 24]
    assert [round(100 * c / 10000) for c in (2455, 2555, 2555, 2435)] == [25, 26, 26, 24]
    assert percent_shares([1, 1, 1]) == [34, 33, 33]
    assert percent_shares([0, 0]) == [0, 0] and percent_shares([]) == []
    rng = __import__("numpy").random.default_rng(0)
    for _ in range(200):
        c = rng.integers(0, 50, size=rng.integers(1, 7))
        got = percent_shares(c)
        if c.sum():
            assert sum(got) == 100
            assert all(abs(g - 100 * v / c.sum()) < 1 for g, v in zip(got, c, strict=True))


def test_counts_take_the_plural_unless_one_and_group_thousands_on_request():
    assert [plural(k, "start") for k in (0, 1, 2)] == ["0 starts", "1 start", "2 starts"]
    assert plural(10000, "start", grouped=True) == "10 000 starts"  # spaced, as everywhere
    assert plural(1, "variable", grouped=True) == "1 variable"
    assert plural(2, "column", count=False) == "columns"


def test_no_message_of_the_package_writes_a_plural_placeholder():
    """Counts are known where text is written: ``plural`` says '1 region' or '3 regions',
    never 'region(s)' (the CLI's vanishing-gradient line and the memory and record-limit
    refusals wrote it)."""
    import io
    import re
    import tokenize
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for pkg in ("landscape", "optimizers", "analysis"):
        for path in sorted((root / pkg).rglob("*.py")):
            tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
            for tok in tokens:
                prefix = re.match(r"[a-zA-Z]*", tok.string).group(0).lower()
                if tok.type != tokenize.STRING or "f" not in prefix:
                    continue
                text = tok.string
                while re.search(r"\{[^{}]*\}", text):  # the code inside the braces
                    text = re.sub(r"\{[^{}]*\}", "", text)
                if re.search(r"[a-z]\(s\)", text):
                    found.append(f"{path.relative_to(root)}:{tok.start[0]}")
    assert not found, found


def test_a_rounded_value_keeps_its_significant_digits():
    """Study p. 21: e₃₉ = 2·1.4³⁹ = 1,000,054 printed "1e+06" to three digits, one digit
    beside neighbours with three; a value its digits hold exactly stays bare."""
    e39 = 2 * 1.4**39
    assert 1_000_000 < e39 < 1_000_100 and fmt(e39, 3, zeros=False) == "1e+06"
    assert fmt(e39, 3) == "1.00e+06"
    assert fmt(0.0999996, 3) == "0.100" and fmt(9.996, 3) == "10.0"
    assert fmt(5.3851648, 3) == "5.39"
    assert [fmt(v, 3) for v in (1.0, 0.5, 2.5e-12, 7, None)] == \
        ["1", "0.5", "2.5e-12", "7", MISSING]


def test_every_rounded_number_keeps_its_trailing_zeros():
    """Study p. 33 printed the step schedule's E(x_K − x*)² = 0.011112044 as "0.011112"
    (five digits beside six), Himmelblau p. 10 a lowest f of 1.97e−29 as "2e−29" beside
    "3.2e−30", Himmelblau p. 3 P2's value 104.015 as "104" beside "181.6", study p. 45 a
    ratio 0.020036 as "0.02" beside "0.00358": a number its digits round keeps them all,
    its text the ``%#g`` form; the significant digits are counted back from the text."""
    from analysis.report import significant_digits

    for x, digits, text in ((0.011112044, 6, "0.0111120"), (1.97e-29, 2, "2.0e-29"),
                            (104.015, 4, "104.0"), (0.020036, 3, "0.0200"),
                            (0.99985003, 7, "0.9998500"), (-2.99996, 3, "-3.00")):
        assert fmt(x, digits) == text
        assert significant_digits(text) == digits
        assert abs(float(text) - x) <= 0.5 * 10.0 ** (math.floor(math.log10(abs(x)))
                                                       - digits + 1)


def test_a_number_its_digits_hold_prints_short():
    """A number its digits hold (a box end, a step η = 0.1, an axis tick, also after the
    rounding of floating point, 0.1·3) has no digits to show beyond its own: 2, 0.5, 0.3;
    integers (counts) print exactly; ``zeros=False`` drops the zeros of every value."""
    assert [fmt(v, 4) for v in (2.0, -2.0, 0.5, 0.1 * 3, 1e-3, 0.0)] == \
        ["2", "-2", "0.5", "0.3", "0.001", "0"]
    assert fmt(5, 4) == "5" and fmt(123456789, 4) == "123456789"
    assert fmt(104.015, 4, zeros=False) == "104"
    assert fmt([104.015, 0.5], 4) == "(104.0, 0.5000)"  # one tuple, one format
    # two texts of one number: compared as the numbers they print
    assert as_printed(2.0, 4) == as_printed(2.0000001, 4) == 2.0
    assert as_printed(0.00065149, 3) == 0.000651


def test_the_entries_of_one_point_share_one_format():
    """Rosenbrock p. 4 printed the chord's ends "(1.000, 5.000, 2.259, …)" and "(−1.000, 5,
    2.259, …)", p. 12 the end point "(1, 1, 1, 1.0000, 1.0000)": an entry its digits hold
    printed short beside rounded neighbours.  Now the entries of one tuple keep their
    trailing zeros together when the digits round any of them, and print short together
    when the digits hold them all."""
    from analysis.report import fmt_point

    eps = 2.0 ** -30  # within any 4 or 5 significant digits of the number it perturbs
    # each entry alone: the held ones short, the rounded ones with their zeros
    assert [fmt(v, 5) for v in (1.0, 1 - eps, 1 + eps)] == ["1", "1.0000", "1.0000"]
    assert fmt_point([1.0, 1.0, 1.0, 1 - eps, 1 + eps], 5) == \
        "(1.0000, 1.0000, 1.0000, 1.0000, 1.0000)"
    assert fmt_point([-1 - eps, 5.0, 2.2588, -2.7771]) == "(-1.000, 5.000, 2.259, -2.777)"
    # all held: short, also integral entries among non-integral ones
    assert fmt_point([1.0, 1.0, 1.0]) == "(1, 1, 1)" and fmt((1.0, 0.5, 0.0), 4) == "(1, 0.5, 0)"
    # zeros and integers (exact counts) keep their own rules; None stays a dash
    assert fmt([0.0, 7, 1 / 3, None], 3) == "(0, 7, 0.333, —)"
    assert fmt([1 / 3, 0.5], 3, zeros=False) == "(0.333, 0.5)"


def test_scientific_notation_keeps_the_digits_asked_for():
    """fmt_sci writes a column's values with an exponent each, %g's exponent form: 0.000105
    to 3 digits is 1.05e-04 (%g wrote it fixed, beside 3.13e-05)."""
    from landscape.numfmt import fmt_sci

    assert fmt(0.000105, 3) == "0.000105" and fmt_sci(0.000105, 3) == "1.05e-04"
    assert fmt_sci(3.1e-05, 3) == "3.10e-05" and fmt_sci(-250.0, 2) == "-2.5e+02"
    assert float(fmt_sci(1 / 3, 4)) == float(fmt(1 / 3, 4)) == 0.3333
    assert [fmt_sci(v, 3) for v in (0.0, None, math.inf, 7)] == ["0", MISSING, "∞", "7.00e+00"]


def test_a_column_value_keeps_its_trailing_zeros():
    """Study pp. 43–47: per-step columns printed to k significant digits dropped trailing
    zeros, "1.012" among five-digit ratios, "2.2" beside "2.00", "0.9996" beside 0.999586,
    and Himmelblau p. 4 "6.7e-07" among three-digit gradients: with ``zeros`` every nonzero
    real shows its ``digits`` digits; integers and 0 stay as they are."""
    for v, digits in ((2.2, 3), (1.0120001, 5), (0.9996, 6), (6.698e-07, 3),
                      (0.0011050, 5), (0.42, 3), (1e5, 1), (100.0, 3)):
        text = fmt(v, digits, zeros=True)
        body = re.sub(r"e[+-]\d+$", "", text).replace(".", "").lstrip("0")
        assert len(body) == digits, (v, text)
        assert float(text) == float(fmt(v, digits)), (v, text)  # the same number
        assert not text.endswith(".") and ".e" not in text
    assert fmt(2.2, 3) == "2.2" and fmt(2.2, 3, zeros=True) == "2.20"
    assert fmt(6.698e-07, 3, zeros=True) == "6.70e-07"
    assert [fmt(v, 3, zeros=True) for v in (0.0, 7, None)] == ["0", "7", MISSING]
    assert fmt([2.2, 0.5], 3, zeros=True) == "(2.20, 0.500)"


def test_a_ratio_the_digits_cannot_tell_from_1_prints_as_1_does():
    """Kink p. 7: a cycle's ratios e₍ₖ₊₁₎/eₖ = 1 ± a few ε printed "1.00000000000" (twelve
    digits, the bound, which still round to 1) while the Nesterov table's exact 1 printed
    "1.0000": one rule, and a ratio that does differ from 1 at twelve digits keeps them."""
    from landscape.numfmt import RATE_DIGITS_MAX, rate_digits

    eps = float(np.finfo(float).eps)
    one = fmt(1.0, rate_digits(1.0), zeros=True)
    assert one == "1.0000"
    for x in (1.0 - eps, 1.0 + 2 * eps, 1.0 - 4e-13):
        assert float(f"{x:.{RATE_DIGITS_MAX}g}") == 1.0  # twelve digits show no gap
        assert fmt(x, rate_digits(x), zeros=True) == one
    told = 1.0 - 1e-11
    text = fmt(told, rate_digits(told), zeros=True)
    assert text == "0.999999999990" and float(text) != 1.0
    assert fmt(0.99998, rate_digits(0.99998)) == "0.99998"


def test_a_bound_is_rounded_away_from_what_it_bounds():
    """An upper bound rounds up, a lower bound down: the printed number still bounds."""
    from landscape.numfmt import round_out

    assert round_out(0.0070406, 3, up=True) == 0.00705
    assert round_out(0.9988830, 4, up=False) == 0.9988
    assert round_out(1.0011190, 4, up=True) == 1.002
    assert round_out(1.001, 4, up=True) == 1.001  # already held by four digits
    assert round_out(-0.0070406, 3, up=False) == -0.00705
    assert round_out(0.0, 3, up=True) == 0.0


def test_a_difference_below_the_shown_percent_is_spaced_as_its_relation():
    """Study p. 19: the 'decided by' cell read "Δln ρ/ln ρ <0.01% ≤ 1%", the relation sign
    against the number while every other relation of the cells is spaced ("0.9088 < 1 <
    1.074", "≤ 1%").  A difference below 0.01% prints "< 0.01%", in the cell as in the digits
    rule that reproduces it."""
    from analysis import compare

    assert compare.percent(5e-5) == "< 0.01%" and compare.percent(-5e-5) == "< 0.01%"
    assert compare.percent(1e-4) == "0.01%" and compare.percent(0.0) == "0%"
    assert compare.rule_text("Δln ρ/ln ρ", 5e-5, 0.01) == "Δln ρ/ln ρ < 0.01% ≤ 1%"
    # 0.95773 and 0.957731 differ by 1e−6 relative, below 0.01%: three digits give it
    assert compare.reproducing_digits(lambda a, b: abs(a - b) / b, [0.957731, 0.95773],
                                      3) == 3
