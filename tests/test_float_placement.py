"""Page layout of floats and lead-ins: no waiting figure between a lead-in and the table it
announces, and a figure that does not fit lets the text after it fill the page."""

from analysis import pages, report
from tests.test_pages import _float_document, _three_panels, page_texts


def test_a_lead_in_through_the_lead_in_of_its_table_stays_with_it(tmp_path):
    """Study p. 20–21: "Per run, the errors eₖ … as in Nocedal & Wright's tables" sat alone
    at the foot of p. 20 while a figure waiting for the next page was placed at the top of
    p. 21 before "pure Newton is measured cubic (per-step table follows)" and its table.  It
    announces the table through that paragraph: the three stay together, after the
    figure."""
    b = report.Builder("Lead-in chain")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.paragraph("BEFORE-IT: a paragraph of plain text.")
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION-0 of a tall figure.")
    b.doc.add(pages.Spacer(260.0))
    b.doc.paragraph("LEAD-IN: per run, the errors at a few iterations, as in the tables of "
                    "a textbook.")
    b.doc.paragraph("RUN-LEAD: the run is measured cubic (per-step table follows); " + "its "
                    "ratios fall " * 6 + ".")
    b.doc.table(["k", "e_k"], [[f"{k}", f"{0.5 ** k:g}"] for k in range(9)],
                title="TABLE-TITLE")
    res = b.write(tmp_path / "chain.pdf")
    texts = page_texts(res.pdf)
    assert b.doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]
    (page,) = [t for t in texts if "LEAD-IN" in t]
    assert "TABLE-TITLE" in page, texts
    joined = " ".join(texts)
    i, j = joined.index("LEAD-IN"), joined.index("TABLE-TITLE")
    assert "CAPTION-0" not in joined[i:j]
    assert joined.index("CAPTION-0") < i  # the figure keeps its place before them


def test_a_figure_that_does_not_fit_lets_text_naming_a_previous_step_fill_the_page(tmp_path):
    """Study p. 37: the Rosenbrock paths figure did not fit under the §17 intro and went to
    p. 38, leaving 0.16 of p. 37 blank, because the text after it says "each step adds 0.9 ×
    the previous one" (a step, not a part of the page); that text now fills the page and
    the figure heads the next one.  "The previous figure" still points back."""
    after = ["AFTER-0: heavy-ball momentum, each step adds 0.9 × the previous one; "
             + "text that fills the page " * 10, "AFTER-1: " + "more words " * 20]
    res, texts, doc = _float_document(tmp_path, after)
    assert "AFTER-0" in texts[0] and "CAPTION-0" in texts[1]
    assert doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]
    assert res.page_fill[0].blank <= 1 / 3, res.page_fill
    for back in ("as the previous figure shows", "on the preceding page"):
        assert pages._BACK_REFERENCE.search(back), back
    assert not pages._BACK_REFERENCE.search("the previous steps")
