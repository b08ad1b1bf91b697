"""Formulas in table cells and prose kept whole where a typesetter keeps them: a short
quotient or product is one unit (no line ends after its "/" or between its brackets), a
relation's short left side is not broken, and an assignment arrow binds as a relation."""

import pytest

from analysis import pages
from tests.test_formula_breaks import _cell_lines, _prose_lines

#: cells of the quadratic and Himmelblau reports' hyperparameter column and of the study's
#: tables (pp. 2-7, 33), each with column widths, in points, at which one broke after its
#: "/" or inside its bracket; the widths hold the quotient, "(√κ−1)/(√κ+1)", whole
QUOTIENTS = [
    ("η = 1/L = 0.25, β = ((√κ−1)/(√κ+1))² = 0.4026: Polyak's β, with η = 1/L in place "
     "of his step 4/(√L+√μ)² = 0.6679; dampening = 0", (79.4, 90.0, 110.0, 140.0)),
    ("η = 1/L = 0.25, momentum = (√κ−1)/(√κ+1) = 0.6345", (79.4, 90.0, 110.0, 140.0)),
    ("V = s²(N − B)/(B(N − 1)) [24]", (79.4, 90.0, 110.0)),
    ("heavy ball tuning, ρ = (√κ − 1)/(√κ + 1), κ = 100:", (79.4, 90.0, 110.0)),
    ("−η g/(|g| + ε) ≈ −0.4·sign(g) per coordinate", (70.0, 90.0, 100.0, 110.0, 200.0)),
    ("slope of log(Var·(N − 1)/(N − B)) against log B", (100.0, 120.0)),
]


def _slash_ends(lines: list[str]) -> list[str]:
    """The lines that end with a quotient's "/" (a line ending inside a quotient)."""
    return [ln for ln in lines if ln.endswith("/")]


@pytest.mark.parametrize("text,widths", QUOTIENTS)
def test_a_short_quotient_in_a_cell_is_one_unit(text, widths):
    """Quadratic p. 4: "β = ((√κ−1)/" / "(√κ+1))² = 0.4026" and "momentum = (√κ−1)/" /
    "(√κ+1) = 0.6345"; study p. 5 "V = s²(N − B)/" / "(B(N − 1))"; study p. 33 "−η g/" /
    "(|g| + ε) ≈ −0.4·sign(g)": a cell broke after the "/" of a quotient of at most
    GROUP_CHARS characters in a column that holds the quotient; it now breaks after a
    relation sign instead, no line begins with one, and the text is kept."""
    for w in widths:
        lines = _cell_lines(text, w)
        assert not _slash_ends(lines), (w, lines)
        assert not any(ln.split(" ")[0] in pages.RELATIONS for ln in lines), (w, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (w, lines)


def test_the_quotient_is_a_term_that_operator_parts_keeps_whole():
    """The unspaced operators of a term of at most GROUP_CHARS characters (up to a space
    at its depth or its enclosing bracket) are no break: the terms below have 14, 20, 19,
    11 and 16 characters; a longer one, 31 characters, still breaks, and a formula wider
    than its column breaks after its "/" only as the last resort (``terms=False``)."""
    for whole in ("β = ((√κ−1)/(√κ+1))² = 0.4026:", "s²(N − B)/(B(N − 1))",
                  "log(Var·(N − 1)/(N − B))", "−η g/(|g| + ε) ≈", "α(1 − α)(b − a)²"):
        assert pages.operator_parts(whole, groups=False) == [whole], whole
    assert len("(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2") == 31
    assert pages.operator_parts("(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2") == [
        "(η₀ − ηₘᵢₙ)", "(1 + cos(πk/Tₘₐₓ))/2"]
    assert pages.operator_parts("log(Var·(N − 1)/(N − B))", terms=False) == [
        "log(Var·(N − 1)/", "(N − B))"]


def test_a_short_left_side_of_a_relation_stays_whole():
    """Study p. 3: "1 −" / "tanh²(4) = sech²(4)": the sum before the relation, 12
    characters, broke after its "−"; a side of at most GROUP_CHARS characters stays whole,
    the line breaking after the relation sign; a long left side (38 characters) still
    breaks between its terms."""
    assert pages.top_parts("1 − tanh²(4) = sech²(4)", chars=0) == ["1 − tanh²(4) = sech²(4)"]
    for w in (60.0, 80.0):
        lines = _cell_lines("1 − tanh²(4) = sech²(4)", w)
        assert lines == ["1 − tanh²(4) =", "sech²(4)"], (w, lines)
    assert pages.top_parts("αf(a) + (1 − α)f(b) − f(αa + (1 − α)b) = α(1 − α)(b − a)²",
                           chars=0)[0] == "αf(a) +"


def test_an_assignment_arrow_never_ends_a_line_of_prose():
    """Study p. 25: "v ← βv + ∇f, x ←" / "x − η(∇f + βv)": the arrow of an assignment
    binds its sides as a relation sign does (RELATIONS), in prose as in cells."""
    text = ("Nesterov is PyTorch's form (its SGD with the Nesterov option): v ← βv + ∇f, "
            "x ← x − η(∇f + βv), v₀ = ∇f(x₀), whose first step is −η(1 + β)∇f(x₀)")
    assert "←" in pages.RELATIONS
    nb = pages.NBSP
    assert f"x{nb}←{nb}x" in pages.bound_relations("x ← x − ηv")
    for w in range(200, 480, 7):
        lines = _prose_lines(text, float(w))
        assert not any(ln.endswith("←") or ln.startswith("←") for ln in lines), (w, lines)
