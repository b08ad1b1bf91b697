"""Small table and wording items: a lone per-step table set in half the text width as its
pair neighbours are, the fit window's span stated beside its geometric mean, short
phrases of a 'decided by' cell kept whole, and a formula broken after an operator without
a space left inside it."""

import pytest

from analysis import pages
from tests.test_table_pairs import _per_step

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_a_lone_per_step_table_after_a_pair_is_set_in_half_the_width():
    """The kink report's third per-step table (Nesterov) came after the pair GD | momentum
    and was set over the whole text width, its three columns ~20 em apart; a table that
    could go beside another (short, every cell on one line in half the width) is set in
    half the width alone too: its columns add up to HALF_W = (CONTENT_W − gap)/2."""
    d = pages.Document("t")
    for name in ("GD", "momentum", "Nesterov"):
        _per_step(d, name)
    blocks = pages.pair_tables(d.blocks)
    assert [type(b).__name__ for b in blocks] == ["TablePair", "Table"]
    f, _ = d._row(blocks[1], blocks, 2, pages._flowables())
    assert sum(f.widths) == pytest.approx((pages.CONTENT_W - pages.FIGURE_GAP) / 2)
    assert sum(f.widths) < 0.6 * pages.CONTENT_W


def test_a_lone_half_width_table_wraps_its_title_over_the_table():
    """A lone table set in half the width had its title wrapped over the text width, a
    title line twice as wide as the table under it (the study's "GD with η = 1.1" table);
    its title wraps in the table's width, as a title of a pair's table does: every line
    of the title, as drawn, no wider than the table's columns together."""
    d = pages.Document("t")
    for name in ("GD", "momentum", "Nesterov"):
        _per_step(d, name)
    blocks = pages.pair_tables(d.blocks)
    f, _ = d._row(blocks[1], blocks, 2, pages._flowables())
    f.wrap(pages.CONTENT_W, 1e6)
    lines = f.title.blPara.lines
    assert len(lines) >= 2  # the title wraps: it is wider than half the text width
    used = [f.title.width - (ln[0] if isinstance(ln, tuple) else ln.extraSpace)
            for ln in lines]
    assert max(used) <= sum(f.widths) + 0.5, (used, sum(f.widths))


def test_a_table_that_may_not_take_half_the_width_keeps_the_text_width():
    """A table not marked half (a run table), or one too wide for half the width, is set at
    the text width as before."""
    d = pages.Document("t")
    t = d.table(["k", "e", "r"], [["1", "2", "3"]], title="plain")
    f, _ = d._row(t, [t], 1, pages._flowables())
    assert sum(f.widths) == pytest.approx(pages.CONTENT_W)
    wide = d.table(["method", "note"], [["GD", "a long note " * 12]], title="wide", half=True)
    f, _ = d._row(wide, [wide], 1, pages._flowables())
    assert sum(f.widths) == pytest.approx(pages.CONTENT_W)


def test_a_decided_by_cell_never_leaves_off_alone_on_a_line():
    """Rosenbrock p. 6: Nesterov's 'decided by' cell "−ln ρ 0.84% off band ≤ 1%" broke as
    "−ln ρ 0.84%" / "off" / "band ≤ 1%" in its narrow column.  The distance keeps its word
    ("0.84% off") and the scale its name ("−ln ρ"): in any column from the narrowest that
    holds "0.84% off" up to one that holds the whole cell, no line is "off" alone, none
    ends with "−ln" or begins with "off", and the text reads as before."""
    from analysis import report
    from tests.test_pages import _laid_out

    cell = report.band_decided(0.0001, 0.0084, 0.01)
    assert cell.replace(pages.NBSP, " ") == "−ln ρ 0.84% off band ≤ 1%"
    t = pages.Table([pages.Column("method"), pages.Column("decided by")],
                    [["Nesterov", cell]])
    least = pages.string_width("band ≤ 1%", t.size) + pages.CELL_PAD + 1.0
    most = pages.string_width(cell, t.size) + pages.CELL_PAD + 1.0
    seen = set()
    for w in range(int(least), int(most) + 2, 2):
        lines = _laid_out(t, [60.0, float(w)])[1][1]
        seen.add(tuple(lines))
        assert " ".join(lines) == "−ln ρ 0.84% off band ≤ 1%", lines
        assert "off" not in lines and not any(s.endswith("−ln") or s.startswith("off")
                                              for s in lines), lines
    assert ("−ln ρ 0.84%", "off", "band ≤ 1%") not in seen and len(seen) > 1


def test_the_estimators_note_says_how_a_fit_window_counts_its_steps():
    """Study p. 12: the titles "ratios at k = … 60 of 0–60 (fit window k = 0–61)" read as
    off by one; that a window i–j spans the errors eᵢ to eⱼ, its steps k = i to j − 1, was
    said only in the † note of the next page.  The note under every per-step table with a
    geometric mean says it, in the words of the † note, and it is the count the geometric
    mean (eⱼ/eᵢ)^(1/(j−i)) takes: the mean of the j − i ratios e_(k+1)/e_k, k = i…j − 1."""
    import numpy as np

    from analysis import report

    assert report.WINDOW_SPAN in report.ESTIMATORS_NOTE
    assert report.WINDOW_SPAN in report.OUTSIDE_NOTE
    assert "so its steps are k = i to j − 1" in report.ESTIMATORS_NOTE
    e = 10.0 * 0.6 ** np.arange(70) * (1 + 0.01 * np.sin(np.arange(70)))
    i, j = 0, 61
    ratios = e[1:] / e[:-1]  # ratios[k] = e_(k+1)/e_k
    steps = ratios[i:j]  # k = 0 … 60: the window's j − i steps
    assert len(steps) == j - i and np.prod(steps) ** (1 / (j - i)) == pytest.approx(
        (e[j] / e[i]) ** (1 / (j - i)), rel=1e-12)


@pytest.mark.parametrize("cell", [
    "log(Var·(N − 1)/(N − B)) of the batch",
    "step 4/(√L+√μ)² = 0.01639;",
    "Polyak's step η = 4/(√L+√μ)² = 0.0001363, β = ((√κ−1)/(√κ+1))² = 0.4026",
])
def test_a_formula_broken_after_an_operator_gets_no_stray_space(cell):
    """operator_parts splits a formula too wide for its column after an unspaced operator,
    and the cell joined the two parts with a space (its line break); where the line broke
    elsewhere the space stayed inside the line: "log(Var·(N −" / "1)/ (N − B))" in a column
    52–56 pt wide.  In every column width from 30 to 200 pt no line holds "/ (" or ") ("
    (a space the formula does not have), and the lines hold the cell's characters, in
    order, none lost."""
    from tests.test_pages import _laid_out

    t = pages.Table([pages.Column("method"), pages.Column("x")], [["GD", cell]])
    for w in range(30, 200, 2):
        lines = _laid_out(t, [60.0, float(w)])[1][1]
        assert not any("/ (" in s or ") (" in s for s in lines), (w, lines)
        assert "".join(lines).replace(" ", "") == cell.replace(" ", ""), (w, lines)


def test_unspaced_join_keeps_a_space_only_where_the_line_must_break():
    """Two parts whose facing words fit a line each but not together keep the space (the
    break); facing words that fit together, or a word too wide for any line, join
    without it.  (A line of at most 10 characters.)"""
    def fits(s):
        return len(s) <= 10

    assert pages.unspaced_join(["a·(b−c)/", "(d+e)"], fits) == "a·(b−c)/ (d+e)"
    assert pages.unspaced_join(["x 4/", "(L+μ)² ="], fits) == "x 4/(L+μ)² ="
    assert pages.unspaced_join(["4/", "(√L+√μ+√κ+ν)²"], fits) == "4/(√L+√μ+√κ+ν)²"
