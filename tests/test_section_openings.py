"""Pagination of prose: where a section's opening begins, where a lead-in breaks."""

import pytest

from analysis import pages, report

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def page_texts(path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages]


def _height(flowable) -> float:
    _, h = flowable.wrap(pages.CONTENT_W, 1e6)
    return h + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def test_a_section_opening_whose_table_misses_the_page_begins_there_all_the_same(tmp_path):
    """Kink p. 4: section 4's heading, its 11-line text and its 8-row table did not fit the
    0.60 of the page left, and all of it went to the next page.  The heading and its text
    now begin on the page (more than a third of it is left and they fit), the table
    following by its own rules; no heading ends a page without its text."""
    ns = pages._flowables()
    opening = ("OPENING-START: " + "text of the opening paragraph of the section " * 30
               + "OPENING-END.")
    rows = [[f"method {k}", f"{k}.5"] for k in range(pages.SHORT_ROWS)]
    table = pages.Table([pages.Column("method"), pages.Column("cost")], rows, "COST-TABLE")
    b = report.Builder("Openings")
    d = b.doc
    head = ns.HeadingFlowable(pages.Heading("2 Second", 1), "h")
    text_h = _height(head) + _height(pages._paragraph(pages.Paragraph(opening)))
    table_h = ns.TableFlowable(table, d).wrap(pages.CONTENT_W, 1e6)[1]
    room = text_h + 0.5 * table_h  # the opening's text fits, its table does not
    assert room > pages.MAX_GAP * pages.CONTENT_H + 20.0
    assert text_h + table_h < pages.CONTENT_H  # the opening fits one page
    d.heading("First")
    d.add(pages.Spacer(pages.CONTENT_H - room - 40.0))
    d.paragraph("END-OF-FIRST")
    d.heading("Second")
    d.paragraph(opening)
    d.table(["method", "cost"], rows, title="COST-TABLE")
    d.paragraph("AFTER: " + "text after the table " * 20)
    res = b.write(tmp_path / "opening.pdf")
    texts = page_texts(res.pdf)
    assert "END-OF-FIRST" in texts[0] and "2 Second" in texts[0], texts
    assert "OPENING-END" in texts[0]  # the whole text: it fits
    # the page is left at most what the table's rows could not fill
    assert res.page_fill[0].blank * pages.CONTENT_H < 0.5 * table_h + 20.0, res.page_fill


def test_a_section_opening_with_too_little_room_moves_whole(tmp_path):
    """With at most a third of the page left the opening still goes whole to the next
    page (the page it leaves ends a section)."""
    rows = [[f"method {k}", f"{k}.5"] for k in range(pages.SHORT_ROWS)]
    b = report.Builder("Openings")
    d = b.doc
    d.heading("First")
    d.add(pages.Spacer(pages.CONTENT_H * (1.0 - pages.MAX_GAP) + 10.0))
    d.paragraph("END-OF-FIRST")
    d.heading("Second")
    d.paragraph("OPENING-START: " + "text of the opening paragraph " * 14)
    d.table(["method", "cost"], rows, title="COST-TABLE")
    res = b.write(tmp_path / "opening.pdf")
    texts = page_texts(res.pdf)
    assert "END-OF-FIRST" in texts[0] and "2 Second" not in texts[0], texts
    assert "2 Second" in texts[1] and "OPENING-START" in texts[1]
