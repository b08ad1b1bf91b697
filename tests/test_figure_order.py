"""analysis.pages: the order of the figures of a section when one misses the rest of a page.

A figure that does not fit the rest of a page, with no text after it to fill that rest,
lets a later figure of its section that fits go first, unless a caption places a figure by
its neighbours ("the figure above", "the figure below") or the later figure would pass more
than a page of figures.
"""

import pytest

from analysis import pages

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

H = pages.CONTENT_H


def _draw(fig):
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_xlabel("iteration k")


def _figure_pages(tmp_path, shares, captions=None):
    """Render a section of text and a figures section whose figures take ``shares`` of the
    text area (captions ``captions``, else "Figure k."), then a closing section; the page
    of each figure (labels f0, f1, …) and the fill of each page."""
    d = pages.Document("Figure order")
    d.heading("Text")
    d.paragraph("Some words of text. " * 12)
    d.heading("Figures")
    for k, share in enumerate(shares):
        cap = captions[k] if captions else f"Figure {k}."
        d.figure(_draw, height=share * H, caption=cap, label=f"f{k}")
    d.heading("After")
    d.paragraph("The closing words. " * 10)
    d.render(tmp_path / "order.pdf")
    return [d._figure_pages[f"f{k}"] for k in range(len(shares))], d.page_fill


def test_a_later_figure_that_fits_fills_the_page_a_tall_figure_misses(tmp_path):
    """[half a page, nearly a page, 30 % of a page]: the second misses page 1 (0.9 of a
    page under text and a 0.45 figure), the third fits its rest (about 0.45) and goes
    first; page 1 is then less than a third blank."""
    where, fill = _figure_pages(tmp_path, [0.45, 0.9, 0.3])
    assert where == [1, 2, 1]
    assert fill[0].blank < 1.0 / 3.0


@pytest.mark.parametrize("captions", [
    ["Figure 0.", "Figure 1; its tail is in the figure below.", "Figure 2."],
    ["Figure 0.", "Figure 1.", "Figure 2, drawn as the figure above."],
])
def test_figures_keep_their_order_when_a_caption_places_them(tmp_path, captions):
    where, _ = _figure_pages(tmp_path, [0.45, 0.9, 0.3], captions)
    assert where == [1, 2, 3]


def test_a_figure_passes_at_most_a_page_of_figures(tmp_path):
    """Two figures of nearly a page each lie between the page-1 gap and the short figure:
    it stays after them (it would move more than a page from its place)."""
    where, _ = _figure_pages(tmp_path, [0.45, 0.9, 0.9, 0.3])
    assert where == [1, 2, 3, 4]


def test_a_comparison_is_no_place_in_the_document():
    """"below the floor" and "below 1" compare values; "the figure below", "shown below."
    and "the next figure" place a figure."""
    ref = pages._AHEAD_REFERENCE
    assert not ref.search("dots below the rounding floor 5.0e−13 (filled)")
    assert not ref.search("the tolerance (below the axis), ratio below 1")
    assert ref.search("the figure below") and ref.search("as shown below.")
    assert ref.search("see the next figure")
