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
