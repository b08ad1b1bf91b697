"""Long table cells: the explanation under the table, the verdict in the cell."""
import re

from test_pages import _laid_out

from analysis import pages

COLUMNS = ["method", "predicted kind", "predicted rate", "order", "measured kind",
           "measured rate [window]", "order", "decided by", "verdict", "note"]
LBFGS_NOTE = ("measured superlinear (two-step ratios e₍ₖ₊₂₎/eₖ: 0.0652, 0.00111, 1.18e−05 at "
              "k = 34, 36, 38, each ≤ 1/2 of the one before): at least as fast as the "
              "predicted linear bound")
CG_KIND = ("linear on average (R-linear only: in each half of the window the errors stray "
           "≥ 1.1 decades from the fitted line)")


def _convergence_rows() -> list[list[str]]:
    """The rows of the study's table "Predicted and measured convergence" (p. 41)."""
    return [
        ["Newton", "quadratic", "—", "2ᵗ", "quadratic", "—", "1.97ᶠ ± 0.025 (1 s.e.) "
         "[k = 18–21]", "q = 1.97 in [1.8, 2.6]", "agrees",
         "measured order 1.97 ± 0.025 (1 s.e.) within [0.9, 1.3] × the predicted 2"],
        ["BFGS", "superlinear (bound, no rate)", "—", "—", "superlinear", "—",
         "1.32ᶠ ± 0.093 (1 s.e.) [k = 33–38]", "bound: superlinear ≥ superlinear (at least "
         "as fast)", "agrees", "same kind (superlinear); no number to compare"],
        ["L-BFGS", "linear (bound, no rate)", "—", "—", "superlinear", "—", "—",
         "bound: superlinear ≥ linear (at least as fast)", "agrees", LBFGS_NOTE],
        ["CG", "linear (bound)", "≤ 0.96085ʸ", "—", CG_KIND, "0.47ᶠ [k = 25–45]", "1.00ᶠ",
         "ρ 0.47 ≤ bound 0.96085", "agrees", ""],
        ["GD with η = 0.001", "linear", "0.99960064ᵗ", "1ᵗ", "linear",
         "0.99960001ᶠ [k = 9639–20000]", "1.00ᶠ", "Δln ρ/ln ρ 0.16% ≤ 1%", "agrees", ""],
    ]


def test_a_cell_over_six_lines_keeps_its_verdict_and_sets_its_explanation_under_the_table():
    """Study p. 41: the narrow "measured kind" column wrapped CG's "linear on average
    (R-linear: … 1.1 decades from the fitted line)" over 12 lines and L-BFGS's note over
    13: tall rows, mostly blank.  A cell that would take more than LONG_CELL_LINES lines
    keeps its verdict, the text before its parenthesis, with a reference "[n]"; the whole
    cell is a note under the table "[n] header: text", printed once, at the foot of the page
    that holds its row; the columns balance and no cell of the table, as ReportLab breaks
    it, runs more than six lines."""
    rows = _convergence_rows()
    cols = [pages.Column(c) for c in COLUMNS]
    before = _laid_out(pages.Table(cols, rows))  # as laid out before, whole
    assert max(len(c) for r in before[1:] for c in r) > 6
    d = pages.Document("probe")
    t = d.table(COLUMNS, rows, title="Predicted and measured convergence",
                notes=["Agreement: …"])
    d.story()  # numbered through the document, down the rows
    assert t.rows[2][9] == "measured superlinear [1]"
    assert t.rows[3][4] == "linear on average [2]"
    assert t.notes == [f"[1] note: {LBFGS_NOTE}", f"[2] measured kind: {CG_KIND}",
                       "Agreement: …"]
    # nothing else changed: every other cell as given
    assert [[v for j, v in enumerate(r) if (i, j) not in {(2, 9), (3, 4)}]
            for i, r in enumerate(t.rows)] == \
        [[v for j, v in enumerate(r) if (i, j) not in {(2, 9), (3, 4)}]
         for i, r in enumerate(rows)]
    after = _laid_out(t)
    assert max(len(c) for r in after[1:] for c in r) <= 6
    # each note once, at the foot of the page holding its row only
    def marked(part: list[list[str]]) -> list[str]:
        return [n for n in pages.table_notes(t, part, ends=False) if pages.note_mark(n)]

    assert marked(t.rows[2:3]) == [t.notes[0]] and marked(t.rows[3:4]) == [t.notes[1]]
    assert marked(t.rows[:2]) == []
    assert pages.table_notes(t).count(t.notes[0]) == 1


def test_a_verdict_ends_at_a_parenthesis_of_prose_or_a_semicolon_or_colon():
    """The verdict of a long cell is its beginning up to the first parenthesis holding
    prose or the first "; " or ": " at the top level; a formula's brackets ("C (k + 1)
    ρᵏ") and a colon inside brackets do not end it."""
    cut = pages.verdict_cuts
    text = "double root: theory's ‖eₖ‖ ≈ C (k + 1) ρᵏ shrinks; the measured rate"
    assert text[:cut(text)[0]] == "double root"
    assert [CG_KIND[:i] for i in cut(CG_KIND)] == ["linear on average"]
    formula = "theory's C (k + 1) ρᵏ shrinks on average (over the window); in range"
    assert [formula[:i] for i in cut(formula)] == [
        "theory's C (k + 1) ρᵏ shrinks on average",
        "theory's C (k + 1) ρᵏ shrinks on average (over the window)"]
    assert pages.cell_verdict(CG_KIND, "[3]", 200.0, pages.TABLE) == "linear on average [3]"
    # a clause after a comma, when the first verdict is long
    ended = ("the run ended 1.10 from P3, outside its convergence radius 0.202 (reasons "
             "in full under “What failed”), ratios 0.5, 0.25")
    assert [ended[:i] for i in cut(ended, clauses=True)] == [
        "the run ended 1.10 from P3",
        "the run ended 1.10 from P3, outside its convergence radius 0.202 (reasons in full "
        "under “What failed”)"]
    assert pages.cell_verdict(ended, "[2]", 55.0, pages.TABLE) == "the run ended 1.10 from P3 [2]"
    # no verdict short enough: the whole cell goes, "see [n] below"
    assert pages.cell_verdict("word " * 40 + "(and more)", "[3]", 40.0, pages.TABLE) is None


def test_a_shortened_cell_keeps_the_number_after_its_explanation():
    """Study p. 4: "linear on average (R-linear: in each half of the window the errors stray
    at least 0.58 decades from the fitted line), ρ = 0.70863ᶠ" was shortened to "linear on
    average [10]", its measured rate only in the note.  The cell drops the parenthesis and
    keeps the short tail after it; a tail that is a clause of its own is left to the note."""
    text = ("linear on average (R-linear: in each half of the window the errors stray at "
            "least 0.58 decades from the fitted line), ρ = 0.70863ᶠ")
    assert pages.cell_verdict(text, "[10]", 80.0, 7.5) == "linear on average, ρ = 0.70863ᶠ [10]"
    clause = ("linear on average (R-linear: the errors stray 1.1 decades), the run ended 1.10 "
              "from P3, outside its convergence radius")
    assert pages.cell_verdict(clause, "[2]", 80.0, 7.5) == "linear on average [2]"
    assert pages.cell_verdict(CG_KIND, "[3]", 60.0, 7.5) == "linear on average [3]"


ALL_RUNS = ("all 4 runs: the library's compiled optimizer vs the notes' pseudo-code (NumPy), "
            "largest coordinate difference over 20 steps")


def test_a_long_cell_that_names_its_row_keeps_as_much_as_fits(monkeypatch):
    """Study p. 7: the 'what' cell "all 4 runs: the library's compiled optimizer vs the
    notes' pseudo-code (NumPy), largest coordinate difference over 20 steps" was shortened
    to "all 4 runs [30]", which says nothing of what was compared.  A cell of a column that
    names what its rows are (``Column(names=True)``) keeps its longest beginning that ends
    at a cut and fits VERDICT_LINES lines; a verdict keeps its shortest."""
    width = 100.0
    assert pages.cell_verdict(ALL_RUNS, "[30]", width, pages.TABLE) == "all 4 runs [30]"
    named = pages.cell_verdict(ALL_RUNS, "[30]", width, pages.TABLE, longest=True)
    assert named == ("all 4 runs: the library's compiled optimizer vs the notes' "
                     "pseudo-code (NumPy) [30]")
    assert pages.cell_lines(named, width, pages.TABLE) <= pages.VERDICT_LINES
    # narrower: the next cut back that fits, never past VERDICT_LINES
    narrow = pages.cell_verdict(ALL_RUNS, "[30]", 60.0, pages.TABLE, longest=True)
    assert narrow == "all 4 runs [30]"
    # in a table: the column's flag decides (a table 200 points wide, where a cell over
    # 2 lines counts as long)
    monkeypatch.setattr(pages, "LONG_CELL_LINES", 2)
    monkeypatch.setattr(pages, "CONTENT_W", 200.0)
    rows = [[ALL_RUNS, "0ᵗ", "4.4e−16ᵐ"]]
    for names in (False, True):
        t = pages.long_cell_notes(pages.Table(
            [pages.Column("what", names=names), pages.Column("theory"),
             pages.Column("measured")], rows))
        assert t.long_cells == [(0, 0)] and t.notes == [f"[1] what: {ALL_RUNS}"]
        cell = t.rows[0][0]
        assert cell.startswith("all 4 runs") and cell.endswith(" [1]"), cell
        assert (len(cell) > len("all 4 runs [1]")) == names, cell


def test_a_cell_is_never_cut_before_the_operand_of_a_relation_sign():
    """Study p. 31: the cell "mean + 4 standard errors 0.000731 < 0.00486 = (constant − 4
    standard errors)/10" was cut to "… 0.00486 = [42]", an equation without its right side.
    The bracket after "=" is the relation's operand, no explanation to cut before; a bracket
    of prose after a word still is one."""
    cell = ("mean + 4 standard errors 0.000731 < 0.00486 = (constant − 4 standard errors)/10")
    assert pages.verdict_cuts(cell) == []
    short = pages.cell_verdict(cell, "[42]", 60.0, pages.TABLE)
    assert short is None or not re.search(r"[=<>≤≥] \[42\]", short), short
    assert pages.verdict_cuts("agrees (within four standard errors)") == [6]
