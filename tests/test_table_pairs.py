"""Per-step tables side by side: two short tables of a few narrow columns that may take half
the text width (:attr:`analysis.pages.Table.half`) are set in one row, never split."""

import pytest

from analysis import pages, report
from tests.test_pages import page_texts, reader, text_pieces

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

ROWS = 9  # step rows, then the geometric mean, the fit and the theory: 12 rows, short


def _per_step(doc: pages.Document, name: str, lead: str = "") -> pages.Table:
    """A per-step table like the reports' (k | e_k | e_(k+1)/e_k, summary rows last), each
    row's k and error named after the table so that the test finds its page."""
    if lead:
        doc.paragraph(lead, size=pages.SMALL, style="italic")
    rows = [[f"{k}", f"{name}{k}e", f"0.9{k}0000"] for k in range(ROWS)]
    rows += [["0–9", "geometric mean", "0.950000"], ["0–9", "robust fit (measured rate)",
                                                     "0.950001"], ["theory", "", "0.95"]]
    return doc.table(["k", "e_k = ‖x_k − x*‖", "e_(k+1)/e_k"], rows,
                     title=f"{name}: errors and ratios at k = 0, 1, 2, 3 of 0–9 "
                           "(fit window k = 0–9)", summary=3, half=True)


def _height(t: pages.Table, width: float) -> float:
    """The height of table ``t`` (title and rows) set ``width`` points wide."""
    f = pages._flowables().TableFlowable(t, pages.Document("x"), pages.column_widths(t, width))
    return f.wrap(width, 1e6)[1]


def _pages_of(texts: list[str], name: str) -> set[int]:
    """The pages that show a row (or the title) of table ``name``."""
    return {i for i, t in enumerate(texts) for k in range(ROWS) if f"{name}{k}e" in t}


@pytest.mark.usefixtures("small_split_gap")
def test_two_short_per_step_tables_at_a_page_foot_go_whole_side_by_side(tmp_path):
    """The rosenbrock report set its per-step tables one under the other at the text width,
    three narrow columns filling less than half of it, and split them 3 + 6 and 4 + 5 rows
    across pages.  Two of them at a page foot, the second missing the room the first leaves
    (more than SHORT_SPLIT_GAP of the page: a lone short table splits there), now go
    together in one row, each whole, their titles side by side."""
    b = report.Builder("Pair")
    first = _per_step(b.doc, "AAA")
    second = _per_step(b.doc, "BBB")
    h1, h2 = _height(first, pages.CONTENT_W), _height(second, pages.CONTENT_W)
    left = (pages.SHORT_SPLIT_GAP + 0.02) * pages.CONTENT_H  # under the first table
    free = h1 + 8.0 + left
    assert left < h2  # the second table alone, at the text width, misses it: it splits
    pair = max(_height(t, pages.HALF_W) for t in (first, second))
    assert pair < free  # the two side by side fit
    assert pages.natural_width(first, pages.HALF_W) <= pages.HALF_W  # three narrow columns
    b.doc.blocks.insert(0, pages.Spacer(pages.CONTENT_H - free))
    res = b.write(tmp_path / "pair.pdf")
    texts = page_texts(res.pdf)
    a, z = _pages_of(texts, "AAA"), _pages_of(texts, "BBB")
    assert len(a) == 1 and a == z, (a, z)  # both whole, on one page
    page = reader(res.pdf).pages[a.pop()]
    pieces = text_pieces(page)
    xa = min(x for s, x, *_ in pieces if s.startswith("AAA"))
    xb = min(x for s, x, *_ in pieces if s.startswith("BBB"))
    ya = max(y for s, _, y, *_ in pieces if s.startswith("AAA:"))
    yb = max(y for s, _, y, *_ in pieces if s.startswith("BBB:"))
    assert xb - xa == pytest.approx(pages.HALF_W + pages.FIGURE_GAP, abs=1.0)  # side by side
    assert ya == pytest.approx(yb, abs=0.5)  # top-aligned


def test_the_lead_in_of_the_second_table_goes_above_the_pair():
    """A paragraph announcing the second table ("Newton is measured quadratic (per-step
    table follows)") goes above the pair, which holds its table; a third table is left alone
    (at the text width, as before), and so is a table of more than SHORT_ROWS rows."""
    d = pages.Document("x")
    _per_step(d, "AAA")
    _per_step(d, "BBB", lead="BBB is measured quadratic (per-step table follows).")
    _per_step(d, "CCC")
    blocks = pages.pair_tables(d.blocks)
    assert [type(b).__name__ for b in blocks] == ["TablePair", "Table"]
    assert [p.text for p in blocks[0].leads] == ["BBB is measured quadratic (per-step "
                                                 "table follows)."]
    assert [t.title[:3] for t in blocks[0].tables] == ["AAA", "BBB"]
    long = pages.Document("y")
    _per_step(long, "AAA").rows.extend([["9", "x", "y"]] * 4)
    _per_step(long, "BBB")
    assert [type(b).__name__ for b in pages.pair_tables(long.blocks)] == ["Table", "Table"]


@pytest.mark.usefixtures("small_split_gap")
def test_a_pair_that_would_leave_a_page_blank_goes_one_under_the_other():
    """The pair, taller than its first table alone (the second's title wraps to more lines),
    moved whole off the kink report's p. 6 and left it 0.30 blank where its first table
    fitted: when moving it would leave more than SHORT_SPLIT_GAP of the page blank (as a
    short table may), its tables go one under the other, each set as it would be alone (in
    half the width, its title over the table); with less, it moves whole."""
    d = pages.Document("x")
    a, z = _per_step(d, "AAA"), _per_step(d, "BBB")
    z.title += ", a title that wraps to more lines in half the text width than the first's"
    ns = pages._flowables()
    row = ns.TableRow([a, z], d)
    less = (pages.SHORT_SPLIT_GAP - 0.01) * pages.CONTENT_H
    assert row.split(pages.CONTENT_W, less) == []
    more = max(_height(a, pages.HALF_W) + 1.0, (pages.SHORT_SPLIT_GAP + 0.01)
               * pages.CONTENT_H)  # the first table fits alone, set in half the width
    assert _height(z, pages.HALF_W) > more  # the pair does not
    parts = row.split(pages.CONTENT_W, more)
    assert [type(p).__name__ for p in parts] == ["TableFlowable"] * 2
    assert [p.t for p in parts] == [a, z]
    assert parts[0].full_widths == pytest.approx(pages.column_widths(a, pages.HALF_W))
    assert parts[0].wrap(pages.CONTENT_W, more)[1] <= more


def test_a_pair_unpaired_at_a_page_foot_splits_its_first_table_to_the_page():
    """When the first table of the pair does not fit the page either, it splits there as it
    would alone (each part that goes on the page fits it: a part that does not is a
    layout error), and the second follows."""
    d = pages.Document("x")
    a, z = _per_step(d, "AAA"), _per_step(d, "BBB")
    a.rows[:0] = [[f"{k}", f"AAA{k}x", "0.9"] for k in range(20, 30)]
    ns = pages._flowables()
    room = (pages.SHORT_SPLIT_GAP + 0.02) * pages.CONTENT_H
    whole = ns.TableFlowable(a, d).wrap(pages.CONTENT_W, room)[1]
    assert whole > room  # it misses the page
    parts = ns.TableRow([a, z], d).split(pages.CONTENT_W, room)
    assert len(parts) == 3 and parts[-1].t is z
    assert parts[0].wrap(pages.CONTENT_W, room)[1] <= room
    assert len(parts[0].rows) + len(parts[1].rows) == len(a.rows)


def test_tables_side_by_side_start_level_under_titles_of_different_lengths(tmp_path):
    """Himmelblau p. 6: GD's title took two lines in half the width and momentum's beside it
    three, and each table started right under its own title: GD's header row and every one
    of its rows sat a line higher than momentum's.  The tables of a row start under the
    tallest title, so that their rows are level."""
    b = report.Builder("Pair titles")
    _per_step(b.doc, "AAA")
    longer = _per_step(b.doc, "BBB")
    longer.title += " (order fitted on k = 3–9; measured to x* = P9 = (3.58443, −1.84813))"
    texts = page_texts(b.write(tmp_path / "pair.pdf").pdf)
    (a,) = _pages_of(texts, "AAA")
    assert _pages_of(texts, "BBB") == {a}
    pieces = text_pieces(reader(tmp_path / "pair.pdf").pages[a])
    rows = {name: sorted((round(y, 1) for s, _, y, *_ in pieces
                          if s.startswith(name) and s.strip().endswith("e")), reverse=True)
            for name in ("AAA", "BBB")}
    assert len(rows["AAA"]) == len(rows["BBB"]) == ROWS
    assert rows["AAA"] == rows["BBB"], rows  # row k of one beside row k of the other
    wrapped = [pages._flowables().TableFlowable(t, pages.Document("x"),
                                                pages.column_widths(t, pages.HALF_W))
               for t in b.doc.blocks if isinstance(t, pages.Table)]
    h = [w._title_h(pages.HALF_W) for w in wrapped]
    assert h[1] > h[0] + 5, h  # the titles do differ by a line or more
