"""A short table that misses the foot of a page goes whole to the next page while the text
after it fills this one (:func:`analysis.pages._text_first`)."""

from __future__ import annotations

import re

from analysis import pages, report
from tests.test_pages import check_fill, page_texts

ROWS = 9


def _build(tmp_path, after: str, left: float):
    """A page filled but for ``left`` of it, then a lead-in, a per-step table of
    :data:`ROWS` one-line rows and the paragraph ``after``, then more text."""
    b = report.Builder("Short table at the foot")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H * (1.0 - left) - 30.0))  # (the heading's 30 points)
    b.doc.paragraph("LEAD-IN: the table below lists the errors at a few steps.")
    b.doc.table(["k", "e_k"], [[f"ROW-{k}", f"{0.5 ** k:g}"] for k in range(ROWS)],
                title="STEPS")
    b.doc.paragraph(after)
    for k in range(3):
        b.doc.paragraph(f"MORE-{k}: " + "text of the same section " * 12)
    res = b.write(tmp_path / "foot.pdf")
    return res, page_texts(res.pdf)


def _height(text: str) -> float:
    """The height of a body paragraph of ``text`` at the text width, with its spaces."""
    f = pages._paragraph(pages.Paragraph(text))
    return f.wrap(pages.CONTENT_W, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter()


def test_a_short_table_at_the_foot_goes_whole_and_the_text_after_it_fills_the_page(tmp_path):
    """19% of the page left: the lead-in and the 9-row table miss it, moving them alone
    would leave more than SHORT_SPLIT_GAP blank, so the table split (3 + 6 rows, as the
    study's per-step tables did).  The paragraph after the table (no pointer back) takes
    the room instead; the table, its lead-in directly above it, opens the next page."""
    after = "AFTER: the runs start at the same point; " + "a sentence of plain text " * 10
    left = 0.19
    assert _height(after) < left * pages.CONTENT_H  # the paragraph fits the room left
    assert left * pages.CONTENT_H - _height(after) <= pages.SHORT_SPLIT_GAP * pages.CONTENT_H
    res, texts = _build(tmp_path, after, left)
    assert "STEPS (continued)" not in " ".join(texts)
    assert "AFTER:" in texts[0] and "ROW-0" not in texts[0] and "LEAD-IN" not in texts[0]
    rows = re.findall(r"ROW-(\d+)", texts[1])
    assert rows == [str(k) for k in range(ROWS)], rows
    assert texts[1].index("LEAD-IN") < texts[1].index("STEPS") < texts[1].index("ROW-0")
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill
    check_fill(res)


def test_text_that_points_back_does_not_pass_the_table(tmp_path):
    """A paragraph that reads 'above' (it may mean the table) keeps its place after it:
    the table moves whole (at most SHORT_SPLIT_GAP of the page left) and the paragraph
    follows it on the next page, where the one that does not point back filled this one."""
    after = "AFTER: the errors above fall by a constant factor; " + "plain text " * 20
    assert _height(after) < 0.19 * pages.CONTENT_H  # it would fit the room left
    res, texts = _build(tmp_path, after, 0.19)
    assert "AFTER:" not in texts[0] and "ROW-0" not in texts[0]
    assert texts[1].index("STEPS") < texts[1].index("ROW-8") < texts[1].index("AFTER:")


def test_a_long_lead_in_splits_rather_than_the_short_table_it_announces(tmp_path):
    """The study's p. 24: a lead-in of six lines and a 9-row table, 21% of the page left
    and the next section after them (no text to fill the page): the table split 3 + 6.
    Now the lead-in splits, its first lines ending this page (at most SHORT_SPLIT_GAP left
    blank), its last lines directly above the whole table on the next."""
    lead = "LEAD-IN: the table below lists per run the errors at a few steps; " \
        + "plain words " * 52
    lead_h = _height(lead)
    line = pages.BODY * pages.LEADING
    assert 5.5 * line < lead_h < 7.5 * line  # six lines
    left = 0.215  # room for MIN_ROWS rows under the whole lead-in
    b = report.Builder("Lead-in split")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H * (1.0 - left) - 30.0))  # (the heading's 30 points)
    b.doc.paragraph(lead)
    b.doc.table(["k", "e_k"], [[f"ROW-{k}", f"{0.5 ** k:g}"] for k in range(ROWS)],
                title="STEPS")
    b.doc.heading("Next section")
    b.doc.paragraph("NEXT: " + "text of the next section " * 12)
    res = b.write(tmp_path / "lead.pdf")
    texts = page_texts(res.pdf)
    assert "STEPS (continued)" not in " ".join(texts)
    assert "LEAD-IN" in texts[0] and "ROW-0" not in texts[0]
    rows = re.findall(r"ROW-(\d+)", texts[1])
    assert rows == [str(k) for k in range(ROWS)], rows
    assert texts[1].index("plain words") < texts[1].index("STEPS")  # the lead-in's end
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill
    check_fill(res)


def test_a_short_table_moves_whole_when_it_leaves_less_than_short_split_gap(tmp_path):
    """Study p. 38: 'Predicted and measured convergence', five tall rows, split 2 + 3 at the
    foot of the page, header repeated; pp. 18, 29, 42 and Rosenbrock p. 10 split short tables
    alike, with a fifth to a quarter of the page left.  Read page by page, each split read as
    a blemish, while pages left a quarter blank in mid-section read fine: a short table that
    misses the page moves whole when that leaves at most SHORT_SPLIT_GAP of it blank (a
    third, less the printed slack), and the next section's heading follows (no text fills)."""
    rows = [[f"ROW-{k}", "a cell of a few words that wraps onto a second line " * 3]
            for k in range(9)]
    probe = pages._flowables().TableFlowable(
        pages.Table([pages.Column("k"), pages.Column("what")], rows, "TALL"), pages.Document("x"))
    height = probe.wrap(pages.CONTENT_W, 1e6)[1]
    left = 0.25
    assert left * pages.CONTENT_H < height < pages.CONTENT_H / 3.0  # short, and misses
    assert 0.15 < left <= pages.SHORT_SPLIT_GAP
    b = report.Builder("Short table at the foot")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H * (1.0 - left) - 30.0))  # (the heading's 30 points)
    b.doc.table(["k", "what"], rows, title="TALL")
    b.doc.heading("Next section")
    b.doc.paragraph("NEXT: " + "text of the next section " * 12)
    res = b.write(tmp_path / "tall.pdf")
    texts = page_texts(res.pdf)
    assert "TALL (continued)" not in " ".join(texts) and "ROW-0" not in texts[0]
    assert re.findall(r"ROW-(\d+)", texts[1]) == [str(k) for k in range(9)]
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP + pages.PRINTED_SLACK, res.page_fill
