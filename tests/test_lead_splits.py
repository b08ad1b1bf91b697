"""Page layout: the text after a block fills the page the block leaves (lead-ins split
across a page, table notes that wait for the next page)."""

from __future__ import annotations

import pytest

from analysis import pages, report
from tests.test_pages import _rest_of_section, _tall_rows


def test_text_after_a_table_whose_notes_go_next_fills_its_page(tmp_path):
    """The quadratic report's p. 5: the rows of 'Predicted and measured convergence' fitted
    the page, its notes did not and went to the foot of the next page; laid out right
    after the rows, they ended the page, and the paragraph after the table (it splits
    across a page) moved whole to the next one, leaving 0.28 of p. 5 blank.  The notes now
    wait for the next page while that text fills this one."""
    cols, rows = _tall_rows()
    notes = ["NOTE: " + "a footnote explained at length, " * 60]
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "CHECKS", notes=notes),
                                             pages.Document("probe"))
    _, table_h = probe.wrap(pages.CONTENT_W, 1e6)
    b = report.Builder("Notes next")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - table_h - 100.0))  # the rows fit, the notes not
    b.doc.table(cols, rows, title="CHECKS", notes=notes)
    res, texts = _rest_of_section(b, tmp_path / "notes_next.pdf", paragraphs=8)
    assert [f"TROW-{i}" in texts[0] for i in range(5)] == [True] * 5, texts[0][-400:]
    assert "NOTE:" in texts[1] and "NOTE:" not in texts[0]
    assert "AFTER-0" in texts[0], texts[0][-400:]
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill


@pytest.mark.usefixtures("small_split_gap")
def test_a_short_table_of_tall_rows_splits_rather_than_leave_a_quarter_blank(tmp_path):
    """Study p. 38: 'Predicted and measured convergence' (five rows, 210 points) missed the
    0.30 of the page left under a figure and, too few rows for MIN_ROWS on either side,
    moved whole.  A short table whose first rows are tall (they fill TALL_ROWS of the page
    and half the room) splits as a long one does, GAP_ROWS rows at least on either side,
    when moving it whole would leave more than SHORT_SPLIT_GAP of the page blank (with less
    left it moves whole: test_short_table_moves)."""
    cols = [pages.Column("what"), pages.Column("note")]
    rows = [[f"TROW-{i}", "words that wrap over lines " * (24 if i < 2 else 10)]
            for i in range(5)]
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "CHECKS"),
                                             pages.Document("probe"))
    _, whole = probe.wrap(pages.CONTENT_W, 1e6)
    heights = probe.table._rowHeights
    room = 200.0
    assert probe.short() and not probe.splits_short(room)  # it moved whole
    assert pages.SHORT_SPLIT_GAP * pages.CONTENT_H < room < whole
    assert sum(heights[:3]) >= pages.TALL_ROWS * pages.CONTENT_H  # header and 2 rows
    b = report.Builder("Tall rows")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - room - 30.0))  # (the heading's 30 points)
    b.doc.table(cols, rows, title="CHECKS")
    b.doc.heading("Next section")  # (no text after it fills the page: _text_first)
    res, texts = _rest_of_section(b, tmp_path / "tall_rows.pdf")
    first = [i for i in range(5) if f"TROW-{i}" in texts[0]]
    rest = [i for i in range(5) if f"TROW-{i}" in texts[1]]
    assert first + rest == list(range(5)) and min(len(first), len(rest)) >= pages.GAP_ROWS, \
        (first, rest)
    assert "CHECKS" in texts[1]  # the header repeated over the rest
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill


def test_a_lead_in_never_breaks_in_mid_sentence_over_a_blank(tmp_path):
    """Himmelblau p. 7: the lead-in of the 'L-BFGS' table (12 rows) and the table missed
    the rest of the page; the table moved whole and the lead-in split, its first lines
    ending the page in mid-sentence over a quarter of it blank, its last two lines above
    the table on p. 8 (study p. 13 and the quadratic report's p. 5 alike).  When the split
    would leave more than LEAD_SPLIT_GAP blank, the lead-in moves with its table if that
    leaves at most SHORT_SPLIT_GAP of the page blank; with more room left, it ends the
    page whole and the table opens the next."""
    lead = ("LEAD-START: L-BFGS is measured superlinear (per-step table follows); "
            + "words of the lead-in " * 22 + "LEAD-END.")
    rows = [[f"ROW-{k}", f"{0.5 ** k:g}"] for k in range(12)]
    probe = pages._flowables().TableFlowable(
        pages.Table([pages.Column("k"), pages.Column("e_k")], rows, "STEPS"), pages.Document("x"))
    table_h = probe.wrap(pages.CONTENT_W, 1e6)[1]
    para = pages._paragraph(pages.Paragraph(lead))
    lead_h, line = para.wrap(pages.CONTENT_W, 1e6)[1], para.style.leading

    def build(room: float, name: str):
        assert room - lead_h < table_h  # the table does not fit under the lead-in
        # the lead-in split (its last two lines go with the table) would leave the page
        # more than LEAD_SPLIT_GAP blank: it would not read full
        assert room - (lead_h - 2 * line) > pages.LEAD_SPLIT_GAP * pages.CONTENT_H
        b = report.Builder("Lead-in whole")
        b.doc.add(pages.Spacer(pages.CONTENT_H - room))
        b.doc.paragraph(lead)
        b.doc.table(["k", "e_k"], rows, title="STEPS")
        b.doc.heading("Next section")
        return _rest_of_section(b, tmp_path / name)

    # a quarter of the page left: lead-in and table move together
    res, texts = build(0.25 * pages.CONTENT_H, "together.pdf")
    assert "LEAD-START" not in texts[0] and "ROW-0" not in texts[0], texts[0]
    assert texts[1].index("LEAD-START") < texts[1].index("LEAD-END") < texts[1].index("ROW-0")
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP + pages.PRINTED_SLACK
    # more than SHORT_SPLIT_GAP left: the lead-in ends the page whole
    room = pages.SHORT_SPLIT_GAP * pages.CONTENT_H + 8.0
    res, texts = build(room, "apart.pdf")
    assert "LEAD-START" in texts[0] and "LEAD-END" in texts[0], texts[0]
    assert "ROW-0" not in texts[0] and "STEPS" in texts[1] and "(continued)" not in texts[1]
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill


def test_a_lead_in_split_over_a_page_breaks_after_a_sentence(tmp_path):
    """Chained Rosenbrock p. 6: the lead-in of the per-step tables filled the page and broke
    after "(4.2e−13 to 5.0e−13 over these runs;", its last line opening p. 7 with "ε =
    2.2e−16, …".  A lead-in split over a page breaks after the last sentence that ends on
    the page, and the page still reads full."""
    sentences = [f"SENT-{i} opens " + "words of one sentence " * 6 + f"END-{i}."
                 for i in range(8)]
    lead = " ".join(sentences) + " The table below follows."
    rows = [[f"ROW-{k}", f"{0.5 ** k:g}"] for k in range(12)]
    para = pages._paragraph(pages.Paragraph(lead))
    lead_h, line = para.wrap(pages.CONTENT_W, 1e6)[1], para.style.leading
    for spare in (0.3, 1.3, 2.3):  # where the page's room ends within the lead-in's lines
        room = lead_h - 3 * line + spare * line
        b = report.Builder("Lead-in at a sentence")
        b.doc.add(pages.Spacer(pages.CONTENT_H - room))
        b.doc.paragraph(lead)
        b.doc.table(["k", "e_k"], rows, title="STEPS")
        b.doc.heading("Next section")
        res, texts = _rest_of_section(b, tmp_path / f"sentence_{spare}.pdf")
        first = " ".join(texts[0].split())
        assert "SENT-0" in first and "ROW-0" not in first, first[-300:]
        opened = [i for i in range(8) if f"SENT-{i} " in first]
        assert all(f"END-{i}." in first for i in opened), (spare, first[-300:])
        assert f"SENT-{opened[-1] + 1} " in " ".join(texts[1].split())
        assert res.page_fill[0].blank <= pages.LEAD_SPLIT_GAP + pages.PRINTED_SLACK, \
            res.page_fill


def test_two_lines_of_a_lead_in_broken_in_mid_sentence_do_not_end_a_page(tmp_path):
    """Chained Rosenbrock p. 7: the lead-in of Newton's per-step table began at the foot of
    the page with two lines, "…after a rise from 0.888 at k = 10, fall", over a sixth of
    the page blank, and went on above its table on p. 8.  With no sentence ending in them
    and moving the block whole leaving at most SHORT_SPLIT_GAP blank, it moves whole."""
    lead = ("LEAD-START Newton is measured quadratic, per-step table follows, "
            + "with ratios that fall toward zero over the window " * 5 + "LEAD-END.")
    rows = [[f"ROW-{k}", f"{0.5 ** k:g}"] for k in range(12)]
    para = pages._paragraph(pages.Paragraph(lead))
    line = para.style.leading
    room = pages.LEAD_SPLIT_GAP * pages.CONTENT_H + 1.2 * line
    assert room <= pages.SHORT_SPLIT_GAP * pages.CONTENT_H
    # four lines: all of them fit, the table under them not; its last two go with the
    # table, and two stay, leaving at most LEAD_SPLIT_GAP blank (the page "reads full")
    assert para.wrap(pages.CONTENT_W, 1e6)[1] == pytest.approx(4 * line)
    b = report.Builder("Two lines")
    b.doc.add(pages.Spacer(pages.CONTENT_H - room))
    b.doc.paragraph(lead)
    b.doc.table(["k", "e_k"], rows, title="STEPS")
    b.doc.heading("Next section")
    res, texts = _rest_of_section(b, tmp_path / "two_lines.pdf")
    assert "LEAD-START" not in texts[0], texts[0][-300:]
    assert texts[1].index("LEAD-START") < texts[1].index("LEAD-END") < texts[1].index("ROW-0")
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP + pages.PRINTED_SLACK
