"""Table cells and their notes: heads of row notes, long cells, column balance."""

from analysis import pages


def test_a_hyphenated_method_name_heads_its_note_and_gets_its_pointer():
    """Rosenbrock p. 6: the footer pointed to the full notes of 'Agreement', 'CG' and 'BFGS'
    on p. 7 but not to that of 'L-BFGS', also on p. 7: the hyphen of 'L-BFGS' was not read
    as part of a note's head, so the note had none.  A head's words may be joined by
    hyphens; a formula's ' - ' still is no head."""
    assert pages.note_head("L-BFGS: the predicted kind comes from a theorem.") == "L-BFGS"
    assert pages.note_head("Gauss-Newton step: a step.") == "Gauss-Newton step"
    assert pages.note_head("x - y: a difference.") == ""
    row_note = "L-BFGS: the rows of L-BFGS explained.  " + "More words of the row note. " * 12
    rows = [["BFGS", "a"], ["L-BFGS", "b"], ["CG", "c"]]
    t = pages.Table([pages.Column("method"), pages.Column("x")], rows, notes=[row_note])
    assert pages.ending_pointers(t, {row_note: 7}, 6, rows) == [
        "L-BFGS: see the full note on p. 7."]
    assert pages.ending_pointers(t, {row_note: 7}, 6, rows[:1]) == []


def _row_heights(t: pages.Table, widths: list[float]) -> list[int]:
    """Lines of each row of ``t`` (its bold header first) at ``widths``, cell by cell."""
    head = [pages._cell_lines(pages._cell_words(c.header, t.size, f"{pages.FONT}-Bold"), w)
            for c, w in zip(t.columns, widths, strict=True)]
    body = [max(pages.cell_lines(v, w, t.size) for v, w in zip(r, widths, strict=True))
            for r in t.rows]
    return [max(head), *body]


def test_a_row_taller_than_four_lines_takes_width_from_a_column_that_can_give_it():
    """Study p. 22: the note of the 'GD with η = 0.6' row ran down five lines ("not
    convergent" / "to x*:" / "the iterates blow" / "up (growth factor" / "1.400 per
    step)") in a 72 pt column while every other row took one or two lines and the column
    of measured rates had width to spare.  Now no row of the table runs past four lines,
    and the table is no taller in all (16 lines, header included, as before)."""
    heads = ["method", "predicted kind", "predicted rate", "order", "measured kind",
             "measured rate [window]", "order", "decided by", "verdict", "note"]
    rows = [
        ["GD with η = 0.4", "linear", "0.92ᵗ", "1ᵗ", "linear", "0.92000ᶠ [k = 5–368]",
         "1.00ᶠ", "Δln ρ/ln ρ < 0.01% ≤ 1%", "agrees", ""],
        ["GD with η = 0.6", "diverges", "1.4ᵗ", "—", "diverges", "1.4000ᶠ [k = 7–58]", "—",
         "kind", "agrees",
         "not convergent to x*: the iterates blow up (growth factor 1.400 per step)"],
        ["momentum with η = 0.6, β = 0.5", "linear", "0.70711ᵗ", "1ᵗ",
         "linear on average [1]", "0.70863ᶠ [k = 0–90]", "1.00ᶠ", "Δln ρ/ln ρ 0.62% ≤ 1%",
         "agrees", ""],
        ["momentum with η = 0.6, β = 0.25", "linear", "0.858945ᵗ", "1ᵗ", "linear",
         "0.858928ᶠ [k = 52–200]", "1.00ᶠ", "Δln ρ/ln ρ 0.013% ≤ 1%", "agrees", ""],
        ["GD with η = 0.4 on x₁² + 2x₂²", "linear", "0.6ᵗ", "1ᵗ", "linear",
         "0.60000ᶠ [k = 3–58]", "1.00ᶠ", "Δρ/ρ 0% ≤ 1%", "agrees", ""],
    ]
    t = pages.Table([pages.Column(h) for h in heads], rows)
    widths = pages.column_widths(t, pages.CONTENT_W)
    assert abs(sum(widths) - pages.CONTENT_W) < 1e-6
    heights = _row_heights(t, widths)
    assert max(heights) <= 4
    assert sum(heights) <= 16
    assert pages.cell_lines(rows[1][9], widths[9], t.size) == 4
