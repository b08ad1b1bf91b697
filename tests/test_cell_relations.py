"""Formulas in table cells keep a relation sign inside a line, as prose does: no cell line
ends or begins with '=', '≤', …; a product does not break after '·' behind a short
factor."""

import pytest

from analysis import pages
from tests.test_formula_breaks import _cell_lines

#: the relation signs a line of a cell never ends or begins with
SIGNS = pages.RELATIONS


def _bad(lines: list[str]) -> list[str]:
    """The lines that begin with a spaced relation sign, or end with a quotient's "/" or a
    lone relation sign with its left side on the line before."""
    return [ln for ln in lines if ln.split(" ")[0] in SIGNS or ln.endswith("/")
            or (ln in SIGNS)]


#: cells of the study's and the quadratic report's tables (study pp. 2, 3, 5; quadratic
#: p. 4), each with the column widths, in points, at which it was seen or may be set
CELLS = [
    # (the quotient s²(N − B)/(B(N − 1)) takes 78.9 pt: narrower, it breaks after "/")
    ("V = s²(N − B)/(B(N − 1)) [24]", (79.4, 90.0, 110.0, 140.0)),
    ("η = 1/L = 0.25, β = ((√κ−1)/(√κ+1))² = 0.4026: Polyak's β, with η = 1/L in place "
     "of his step 4/(√L+√μ)² = 0.6679; dampening = 0", (79.4, 90.0, 110.0, 120.0, 140.0)),
    ("η = 1/L = 0.25, momentum = (√κ−1)/(√κ+1) = 0.6345", (90.0, 110.0, 120.0, 140.0)),
    ("x₀ in a plateau region: 2.99ⁿ ≤ 4 ≤ 6 (6: the end of the searched interval [−6, 6])",
     (60.0, 79.4, 90.0, 110.0, 140.0)),
    ("αf(a) + (1 − α)f(b) − f(αa + (1 − α)b) = α(1 − α)(b − a)² for f = x²; the grid "
     "holds the midpoint", (110.0, 140.0)),
]


@pytest.mark.parametrize("text,widths", CELLS)
def test_no_cell_line_ends_or_begins_with_a_relation_sign(text, widths):
    """Study p. 5: "V =" / "s²(N − B)/(B(N − 1))"; quadratic p. 4: "η = 1/L = 0.25, β =" /
    "((√κ−1)/(√κ+1))² = 0.4026:": a relation sign never begins a line, and a formula too
    wide for its column breaks after a relation sign, as a typesetter breaks it, not
    after the "/" of a short quotient ("β = ((√κ−1)/" / "(√κ+1))² = 0.4026:" never)."""
    for w in widths:
        lines = _cell_lines(text, w)
        assert not _bad(lines), (w, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (w, lines)


def test_a_relation_and_its_operands_are_one_unit_of_the_width_model():
    """The width model (unit_parts) counts a relation with its sides as one unit, so that
    column widths give it room: "V = s²(N − B)/(B(N − 1))" was the units "V =" and
    "s²(N − B)/(B(N − 1))"; a cell of it takes one line in a column that holds its width
    (and the padding), two in one a point narrower."""
    v = "V = s²(N − B)/(B(N − 1))"
    assert pages.unit_parts(v) == [v]
    assert pages.unit_parts("β = ((√κ−1)/(√κ+1))² = 0.4026:") == [
        "β = ((√κ−1)/(√κ+1))² = 0.4026:"]
    size = pages.TABLE
    need = pages.string_width(v, size, pages.FONT) + pages.CELL_PAD + pages.FIT_SLACK
    assert pages.cell_lines(v, need + 0.01, size) == 1
    assert pages.cell_lines(v, need - 1.0, size) == 2
    # a sum still breaks after its operation, the relation kept with its first term
    assert pages.top_parts("f = (x² + y − 11)² + (x + y² − 7)²") == [
        "f = (x² + y − 11)² +", "(x + y² − 7)²"]


def test_a_product_does_not_break_after_a_short_factor():
    """Study p. 2: "1e−12·" / "max(1, max|f|)": a product broke after its '·', the short
    factor 1e−12 left at the end of a line.  A '·' after a factor of at most SHORT_GROUP
    characters is no break."""
    assert pages.operator_parts("1e−12·max(1, max|f|):") == ["1e−12·max(1, max|f|):"]
    assert pages.operator_parts("log(Var·(N − 1)/(N − B))", terms=False) == [
        "log(Var·(N − 1)/", "(N − B))"]
    for w in (60.0, 70.0, 79.4, 90.0):
        lines = _cell_lines("gap 2 > 1e−12 = 1e−12·max(1, max|f|): not convex", w)
        assert not any(ln.endswith("·") for ln in lines), (w, lines)
