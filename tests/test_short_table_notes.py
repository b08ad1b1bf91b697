"""A short table whose rows fit the rest of a page and whose footnotes do not stays whole:
its notes go to the foot of the next page (:meth:`TableFlowable._notes_go_next`)."""

from __future__ import annotations

import re

from analysis import pages, report
from tests.test_pages import _rest_of_section

ROWS = 8
#: a note that does not name what it explains (no head before a colon), as the kink
#: report's "Hyperparameters not listed keep …"
NOTE = "NOTE-START " + "a footnote on the hyperparameters explained at length, " * 9 \
    + "NOTE-END."


def _rows() -> list[list[str]]:
    return [[f"ROW-{i}", "words of a cell that wraps over lines " * 8] for i in range(ROWS)]


def _probe(notes: list[str]) -> tuple[object, float]:
    """A flowable of the table (no page yet: its height is the title's and the rows')."""
    t = pages.Table([pages.Column("method"), pages.Column("hyperparameters")], _rows(),
                    "RUNS", notes=notes)
    f = pages._flowables().TableFlowable(t, pages.Document("probe"))
    return f, f.wrap(pages.CONTENT_W, 1e6)[1]


def test_a_short_table_whose_rows_fit_is_not_split_for_its_notes(tmp_path):
    """The kink report's p. 4: 'Runs from the same start' (8 rows, 252 points) fitted the
    261 points left with 9 to spare; its note on the hyperparameters (36 points) did not.
    Moving the table whole would have left 0.36 of the page blank, more than
    SHORT_SPLIT_GAP, and keeping two rows for the notes' page (the split that keeps the
    notes with rows) less than NOTES_NEXT_GAP, so the table split 5 + 3 under a repeated
    header, the note with the last three rows.  The rows now stay whole on the page and
    the note goes to the foot of the next, where the split would have put it too."""
    probe, body = _probe([NOTE])
    doc = pages.Document("probe")
    notes_h = doc._notes_height([NOTE])
    room = body + 10.0  # the rows and the title fit, with the note they do not
    assert probe.short() and room < body + notes_h
    assert room > pages.SHORT_SPLIT_GAP * pages.CONTENT_H  # moving it whole: too blank
    assert probe.splits_short(room)
    rows_h = probe.table._rowHeights
    # the split that keeps the note with GAP_ROWS rows leaves less than NOTES_NEXT_GAP
    kept = body - sum(rows_h[-pages.GAP_ROWS:])
    assert room - kept - notes_h < pages.NOTES_NEXT_GAP * pages.CONTENT_H

    b = report.Builder("Notes next")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - room - 30.0))  # (the heading's 30 points)
    b.doc.table([pages.Column("method"), pages.Column("hyperparameters")], _rows(),
                title="RUNS", notes=[NOTE])
    res, texts = _rest_of_section(b, tmp_path / "notes_next.pdf")
    assert re.findall(r"ROW-(\d+)", texts[0]) == [str(i) for i in range(ROWS)], texts[0]
    assert "ROW-" not in texts[1] and "(continued)" not in "".join(texts)
    assert "NOTE-START" not in texts[0]
    assert "NOTE-START" in texts[1] and "NOTE-END" in texts[1]
    # the notes say whose they are; the page of the rows, 10 points short of a footnote
    # line (the kink report's p. 4), says where they are in the table's title
    flat = " ".join(texts[1].split())
    assert "Notes to the table ‘RUNS’ on the page before: NOTE-START" in flat, flat[-400:]
    assert "RUNS (notes at the foot of the next page)" in " ".join(texts[0].split())
    assert " ".join(pages.notes_follow("RUNS").split()) not in " ".join(texts[0].split())
    # the page of the rows is full: 10 points were left for 8 rows' page and their legend
    assert res.page_fill[0].blank < 0.05, res.page_fill


def test_a_short_table_that_would_move_whole_still_moves_with_its_notes(tmp_path):
    """With at most SHORT_SPLIT_GAP of the page left, a short table whose notes miss the
    page still goes whole to the next page, its notes under it there (the rule above is
    for a table that would otherwise split)."""
    note = "NOTE-START: a footnote on the hyperparameters. " * 6 + "NOTE-END."
    cols = [pages.Column("method"), pages.Column("value")]
    rows = [[f"ROW-{i}", f"{0.5 ** i:g}"] for i in range(5)]
    t = pages.Table(cols, rows, "RUNS", notes=[note])
    probe = pages._flowables().TableFlowable(t, pages.Document("probe"))
    body = probe.wrap(pages.CONTENT_W, 1e6)[1]
    room = body + 4.0
    assert room < pages.SHORT_SPLIT_GAP * pages.CONTENT_H and not probe.splits_short(room)
    b = report.Builder("Moves whole")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - room - 30.0))
    b.doc.table(cols, rows, title="RUNS", notes=[note])
    b.doc.heading("Next section")  # no text after the table fills the page for it
    res, texts = _rest_of_section(b, tmp_path / "moves.pdf")
    assert "ROW-" not in texts[0] and "NOTE-START" not in texts[0]
    assert re.findall(r"ROW-(\d+)", texts[1]) == [str(i) for i in range(5)]
    assert "NOTE-START" in texts[1] and "NOTE-END" in texts[1]


def test_notes_that_wait_for_the_next_page_leave_its_top_to_the_block_after_them(tmp_path):
    """The kink report's p. 5: the notes of 'Runs from the same start' (its rows ended
    p. 4) were laid out first on p. 5 as a flowable of no height; the space after it and
    the space before the heading of section 5 stayed above the heading, 18 points lower
    than a heading opening a page.  The notes now take the foot of the page only: the
    heading after them opens the page at its top, as the first heading of the document
    does."""
    from tests.test_pages import reader, text_pieces

    probe, body = _probe([NOTE])
    room = body + 10.0
    b = report.Builder("Notes next, heading after")
    b.doc.heading("FIRST-HEADING")
    b.doc.add(pages.Spacer(pages.CONTENT_H - room - 30.0))
    b.doc.table([pages.Column("method"), pages.Column("hyperparameters")], _rows(),
                title="RUNS", notes=[NOTE])
    b.doc.heading("NEXT-HEADING")
    res, texts = _rest_of_section(b, tmp_path / "notes_top.pdf")
    first = next(i for i, t in enumerate(texts) if "FIRST-HEADING" in t)
    assert "NEXT-HEADING" in texts[first + 1] and "NOTE-START" in texts[first + 1]
    assert "NOTE-START" not in texts[first]
    pdf = reader(res.pdf)

    def top(page: int, word: str) -> float:
        return next(y for s, _, y, *_ in text_pieces(pdf.pages[page]) if word in s)

    assert abs(top(first + 1, "NEXT-HEADING") - top(first, "FIRST-HEADING")) < 0.5


def test_notes_set_on_the_next_page_say_whose_they_are():
    """The kink report's p. 5 set the note on the hyperparameters of p. 4's table ('Runs
    from the same start') under its own table, which has none: the notes carried to the
    next page begin, after their provenance legend, with a line naming their table."""
    legend = pages.legend_text(["measured"])
    notes = [legend, "Hyperparameters not listed keep the defaults.", "† a mark."]
    assert pages.carried_notes(notes, "RUNS") == [
        legend, "Notes to the table ‘RUNS’ on the page before:",
        "Hyperparameters not listed keep the defaults.", "† a mark."]
    assert pages.carried_notes([legend], "RUNS") == [legend]  # a legend alone: nothing named
    # notes that name what they explain are not named either (study p. 16: p. 15's 'Decided
    # by' under a line naming a table with the title of p. 16's own)
    headed = [legend, "Decided by: the test the verdict rests on.", "† a mark."]
    assert pages.carried_notes(headed, "RUNS") == headed
    assert pages.carried_notes([*headed, "Plain words."], "RUNS") == [
        *headed, "Notes to the table ‘RUNS’ on the page before:", "Plain words."]
    assert pages.carried_notes(["A note."], None)[0] == "Notes to the table on the page before:"
