"""A pair of short per-step tables side by side (:class:`analysis.pages.TableRow`) that misses
the foot of a page is never split: the quadratic report set its 'GD' and 'momentum' tables
one under the other there and split the first 3 + 6 rows over pp. 5-6."""

import pytest

from analysis import pages, report
from tests.test_pages import page_texts
from tests.test_table_pairs import _height, _pages_of, _per_step

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

LEAD = ("Per run, the errors and the ratios at a few iterations, as in the tables below. "
        * 6).strip()


def _lead_h() -> float:
    """The height of the lead-in paragraph set at the text width (a second layout of it)."""
    d = pages.Document("x")
    d.paragraph(LEAD, size=pages.SMALL, style="italic")
    f = pages._paragraph(d.blocks[0], d)
    return f.wrap(pages.CONTENT_W, 1e6)[1]


@pytest.mark.usefixtures("small_split_gap")
def test_a_pair_that_misses_the_page_foot_moves_whole_under_its_whole_lead_in(tmp_path):
    """The pair and its lead-in miss the page; the rest under the lead-in is more than
    SHORT_SPLIT_GAP of the page (the pair used to go one table under the other, the first
    split), and less than the lead-in split with its last two lines going along would leave:
    the lead-in ends the page whole and both tables go whole, side by side, to the next."""
    b = report.Builder("Pair")
    first = _per_step(b.doc, "AAA", lead=LEAD)
    second = _per_step(b.doc, "BBB")
    rest = (pages.SHORT_SPLIT_GAP + 0.02) * pages.CONTENT_H  # under the lead-in
    pair = max(_height(t, pages.HALF_W) for t in (first, second))
    alone = _height(first, pages.CONTENT_W)
    assert rest < pair and rest < alone  # neither the pair nor the first alone fits
    free = _lead_h() + 8.0 + rest
    b.doc.blocks.insert(0, pages.Spacer(pages.CONTENT_H - free))
    res = b.write(tmp_path / "pair.pdf")
    texts = page_texts(res.pdf)
    a, z = _pages_of(texts, "AAA"), _pages_of(texts, "BBB")
    assert len(a) == 1 and a == z, (a, z)  # both whole, on one page
    assert not any("(continued)" in t for t in texts)
    lead_pages = {i for i, t in enumerate(texts) if "as in the tables below" in t}
    assert lead_pages == {a.pop() - 1}  # the lead-in whole, ending the page before
