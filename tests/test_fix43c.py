"""Pagination of prose: where a section's opening begins, where a lead-in breaks."""

import re

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


#: Himmelblau p. 7: the BFGS and L-BFGS paragraphs, each with a chain of formulas that
#: moved whole to the next line and left the line before it at 0.70 of the width
BFGS = ("BFGS is measured superlinear (per-step table below): two-step ratios e₍ₖ₊₂₎/eₖ, "
        "k = 2–6 (0.00630, 0.00255, 0.00464, 7.22e-05, 2.59e-06; from the errors e₂–e₈), "
        "are read as falling toward 0: over the halves k = 2–4 and k = 5–6, the later half's "
        "largest, 7.22e-05, ≤ 1/4 of the earlier half's largest, 0.00630; and over the "
        "disjoint blocks of two steps ending at the last step (0.00630 at k = 2, 0.00464 at "
        "k = 4, 2.59e-06 at k = 6): 0.00630 → 0.00464 (× 0.737, per-step q ≈ (ln 0.00464 / "
        "ln 0.00630)^(1/2) = 1.03); 0.00464 → 2.59e-06 (× 0.000559, per-step q ≈ "
        "(ln 2.59e-06 / ln 0.00464)^(1/2) = 1.55): 0.00464 is more than 1/2 of 0.00630, so "
        "the fall rests on the last block alone (2.59e-06 ≤ 1/2 of 0.00464); the per-step "
        "ratios (0.101, 0.0622, 0.0410, 0.113, 0.000638, 0.00406) do not keep falling to the "
        "end.")
LBFGS = ("L-BFGS is measured superlinear (per-step table below): ratios e₍ₖ₊₁₎/eₖ, k = 7–8 "
         "(0.0263, 0.00348; from the errors e₇–e₉), fall toward 0: each below the one "
         "before, the last ≤ 1/4 of the first; the last ≤ 1/2 of the one before; two ratios, "
         "the fewest the rules accept: for an order q each ratio is about the one before to "
         "the power q, and these give q ≈ ln 0.00348 / ln 0.0263 = 1.56.")


def _lines(text: str, width: float, italic: bool = False) -> list[str]:
    """The lines of paragraph ``text`` set ``width`` points wide, as shown."""
    p = pages.Paragraph(text, style="italic" if italic else "normal")
    f = pages._paragraph(p)
    f.wrap(width, 1e6)
    bl = f.blPara
    lines = [" ".join(x[1]) if bl.kind == 0 else "".join(w.text for w in x.words)
             for x in bl.lines]
    return [" ".join(ln.split(" ")).strip(" ") for ln in lines]


def _first_unit(line: str) -> str:
    """The unit a line begins with, its spaces non-breaking, without a sign bound after it
    or a script: "(ln 0.00464 / ln 0.00630)" of "(ln 0.00464 / ln 0.00630)1/2 = …"."""
    unit = line.split(" ")[0]
    return re.sub(rf"(?<=\))[^\s{pages.NBSP}(]*(?:{pages.NBSP}[{pages.RELATIONS}])?$", "", unit)


@pytest.mark.parametrize("text", [BFGS, LBFGS])
@pytest.mark.parametrize("italic", [False, True])
def test_a_chain_of_formulas_leaves_no_line_short(text, italic):
    """Every line but the last of the paragraph reaches LOOSE_FILL (0.85) of the width,
    measured on its text (its superscripts at full size: at most a little wider than
    set), unless the next line begins with a bound group of at most GROUP_CHARS characters
    inside its brackets; no line begins with a relation sign, and the chains are all
    there."""
    for width in (pages.CONTENT_W, 0.8 * pages.CONTENT_W, 0.6 * pages.CONTENT_W):
        lines = _lines(text, width, italic)
        font = f"{pages.FONT}-Oblique" if italic else pages.FONT
        for ln, nxt in zip(lines, lines[1:], strict=False):
            unit = _first_unit(nxt)
            if len(unit) <= pages.GROUP_CHARS or (
                    unit[0] == "(" and len(unit) <= pages.GROUP_CHARS + 2):
                continue
            assert pages.string_width(ln, pages.BODY, font) >= 0.85 * width, (
                width, lines)
        lines = [ln.replace(pages.NBSP, " ") for ln in lines]
        assert not any(ln[:1] in pages.RELATIONS for ln in lines), lines
        assert " ".join(lines).replace(")1/2", ")^(1/2)").replace("−", "-") == " ".join(
            text.split()).replace("−", "-"), lines


def test_a_short_group_still_moves_whole_to_the_next_line():
    """A bound group of at most GROUP_CHARS characters is never broken, whatever room it
    leaves: "(ln 0.00464 / ln 0.00630)" is no long unit; the chain it stands in is."""
    nb = pages.NBSP
    group = f"(ln{nb}0.00464{nb}/{nb}ln{nb}0.00630)"
    assert pages.long_units(f"a {group} b") == []
    chain = f"q{nb}≈{nb}{group}{nb}={nb}1.03);"
    assert pages.long_units(f"a {chain} b") == [chain]
    assert pages.loosened(chain) == f"q{nb}≈ (ln{nb}0.00464{nb}/{nb}ln{nb}0.00630){nb}= 1.03);"
