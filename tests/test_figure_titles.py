"""Figure and formula typesetting: row titles of split error figures, one title size per
figure, captions without a lone short last line, ECDF cost-axis margins on a log axis, and
the gradient's and Hessian's left-hand sides at full size."""

from __future__ import annotations

import math
from types import SimpleNamespace as NS

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis import pages, plots


def _page_figure(height: float = 300.0) -> Figure:
    """A figure of the text width, as a page draws it."""
    return Figure(figsize=(pages.CONTENT_W / 72.0, height / 72.0), layout="constrained")


def _study(errors, rate):
    return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
              reference=np.zeros(1), minimizer=np.zeros(1),
              prediction=NS(kind="linear", rate=rate, order=None, exact=True),
              measurement=NS(kind="linear", window=(2, 20), finite_steps=None))


def test_split_error_rows_titled_by_row_only_when_the_caption_says_where_curves_end():
    """Study p. 38: "Error ‖xₖ − (1, 1)‖ against iteration: long runs (drawn up to 20 000
    iterations)" took 3 lines beside one-line titles, while the caption gives every run's
    iterations and where each curve cut at the floor ends.  With ``ends_said`` the row title
    is "<title>: long runs" and takes at most 2 lines; without it the count stays."""
    studies = {"a": _study(np.r_[0.5 ** np.arange(30), np.full(10, 1e-17)], 0.5),
               "b": _study(np.r_[0.999 ** np.arange(20000), np.full(10, 1e-17)], 0.999)}
    assert len(plots.rate_study_groups(studies)) == 2
    title = "Error ‖xₖ − (1, 1)‖ against iteration"

    def row_titles(**kw):
        fig = plots.plot_rate_studies(studies, title=title, fig=_page_figure(370.0), **kw)
        return [ax.title.get_text() for sf in fig.subfigs for ax in sf.axes
                if ax.title.get_text().replace("\n", " ").startswith("Error")]

    said = row_titles(ends_said=True)
    assert [" ".join(t.split()) for t in said] == [f"{title}: short runs",
                                                   f"{title}: long runs"]
    assert all(t.count("\n") <= 1 for t in said), said
    kept = [" ".join(t.split()) for t in row_titles()]
    assert any("long runs (drawn up to" in t for t in kept), kept


def test_titles_side_by_side_keep_one_size_and_wrap_instead_of_shrinking():
    """Quadratic p. 11: the error panel's title "Error: Newton, quasi-Newton and CG methods"
    was shrunk to fit one line, set smaller than "Ratio per step vs ρ" beside it.  Panel
    titles of one figure that start at one size keep it; the long one wraps (2 lines)."""
    k = np.arange(9)
    errors = {"newton": np.r_[6.0, 1e-15], "bfgs": 6.0 * 0.2 ** k, "cg": 6.0 * 0.5 ** k}
    title = "Error: Newton, quasi-Newton and CG methods"
    fig = plots.plot_error(errors, rates={"cg": 0.63451}, title=title,
                           fig=Figure(figsize=(pages.CONTENT_W / 72.0, 250 / 72.0),
                                      layout="constrained"))
    titled = [ax for ax in fig.axes if ax.title.get_text()]
    texts = [ax.title.get_text() for ax in titled]
    assert len(titled) == 2 and any(t.startswith("Ratio per step") for t in texts), texts
    err = next(ax for ax in titled if ax.title.get_text().startswith("Error"))
    # the title could not stay on one line at its size in its panel
    room = err.get_position().width * fig.bbox.width * 72.0 / fig.dpi
    assert plots.text_width_pt(title, float(plots.STYLE["axes.titlesize"])) > 0.92 * room
    assert {ax.title.get_fontsize() for ax in titled} == {plots.STYLE["axes.titlesize"]}
    assert err.title.get_text().count("\n") == 1
    assert " ".join(err.title.get_text().split()) == title


def test_a_lone_grid_title_still_shrinks_to_one_line():
    """A figure whose only titles are one grid's keeps the rule of :func:`plots.fit_titles`:
    they are set at the size at which each fits on one line."""
    fig = Figure(figsize=(3.0, 2.0), layout="constrained")
    ax = fig.add_subplot()
    text = "A title a little too long for this narrow panel"
    ax.set_title(text, fontsize=10)
    plots.fit_titles(fig)
    assert ax.title.get_fontsize() < 10 and "\n" not in ax.title.get_text()


def _last_line(text: str, width: float, bind: bool = True) -> str:
    """The last line of caption ``text`` set as a figure caption is (SMALL, italic) in
    ``width`` points by ReportLab, its last words bound (:func:`pages.bound_tail`) or not."""
    from reportlab.platypus import Paragraph

    ns = pages._flowables()
    para = Paragraph(pages.markup(pages.bound_tail(text) if bind else text),
                     ns.style(pages.SMALL, slant="italic"))
    para.wrap(width, 1e6)
    bl = para.blPara
    last = bl.lines[-1]
    words = last[1] if bl.kind == 0 else [w.text for w in last.words]
    return (" ".join(words) if bl.kind == 0 else "".join(words)).replace("\u00a0", " ")


CAPTION = ("Each curve is drawn until its error first falls below 10⁴·ε·max(1, ‖x*‖), a "
           "common cut-off: on x* = 0 the errors carry only a relative rounding ε, so the "
           "ratios would stay accurate below it.  A larger hollow marker (L-BFGS) rings an "
           "equal or nearly equal ratio drawn below it at that k.")


def test_a_caption_never_ends_in_a_lone_short_line():
    """Quadratic p. 11: the caption of the error figure ended in a line holding only "k.".
    At every width its last line holds at least LAST_LINE_CHARS characters (the last words
    move down together)."""
    widths = [float(w) for w in np.arange(200.0, pages.CONTENT_W, 2.0)]
    assert any(_last_line(CAPTION, w, bind=False) == "k." for w in widths)  # unbound
    for w in widths:
        assert len(_last_line(CAPTION, w)) >= pages.LAST_LINE_CHARS, w
    assert pages.bound_tail("one two three") == "one two\u00a0three"
    assert pages.bound_tail("at that k.") == "at\u00a0that\u00a0k."
    assert pages.bound_tail("ends a sentence") == "ends a sentence"  # 8 characters


def test_ecdf_cost_axis_margins_grow_with_its_log_span():
    """Campaign p. 2, ECDF over time: costs from 3.4e−8 to 1.04e−4 s (3.5 decades) on an axis
    running to 1.25 × the last cost: Newton's last rise to 0.900 sat at the right edge, its
    pale line a stub.  The margins are now a share of the log span, m = max(1.25,
    (hi/lo)^0.07): here 10^(0.07·log10(1.04e−4/3.4e−8)) ≈ 1.75, so the last step and its
    line keep ≥ 6% of the axis; a span of a factor 20 keeps 1.25."""
    lo, hi = 3.4e-8, 1.04e-4
    costs = {"newton": np.r_[lo, 1e-6, 2e-5, hi, np.nan],
             "gd": np.r_[5e-8, 2e-7, 1e-6, 3e-6, np.nan]}
    fig = plots.plot_ecdf(costs, fig=_page_figure(250.0))
    ax = fig.axes[0]
    a, b = ax.get_xlim()
    m = 10.0 ** (0.07 * math.log10(hi / lo))
    assert (a, b) == pytest.approx((lo / m, hi * m))
    assert math.log(b / hi) / math.log(b / a) > 0.06
    flat = next(ln for ln in ax.lines if ln.get_label() == "_flat newton")
    assert list(flat.get_xdata()) == pytest.approx([hi, hi * m])
    wide = {"gd": np.array([10.0, 200.0])}  # 200/10 = 20, 20^0.07 = 1.23 < 1.25
    assert plots.plot_ecdf(wide).axes[0].get_xlim() == pytest.approx((10 / 1.25, 200 * 1.25))


@pytest.mark.parametrize("names", [["x"], ["y", "y"], ["x", "y"], ["x1", "x1"]])
def test_gradient_and_hessian_left_sides_are_set_at_full_size(names):
    """Kink p. 3: ∂f/∂x, ∂f/∂y and ∂²f/∂y² were text-style fractions, ∂f over ∂x in script
    size beside "= sign(x)" at 11 pt.  The left side is set in a line, ∂f/∂x: as wide as its
    full-size pieces side by side (a fraction is as wide as its wider part, set smaller)."""
    import sympy as sp

    from analysis import report

    lhs = report.derivative_latex([sp.Symbol(n) for n in names])
    assert r"\frac" not in lhs
    num, den = lhs.split("/")
    w = pages._math_extent10(f"${lhs}$")[0]
    assert w >= pages._math_extent10(f"${num}$")[0] + pages._math_extent10(f"${den}$")[0]
    line = pages.typeset(lhs, sp.sign(sp.Symbol("x")), sizes=(11.0,))
    assert len(line) == 1 and line[0].math and line[0].size == 11.0


def test_a_derivative_that_is_one_fraction_is_set_at_full_size():
    """Quadratic p. 2: ∂f/∂x = x/5 and ∂²f/∂x² = 1/5 were text-style fractions, x over 5 at
    about half the text's height.  A right side that is one fraction is set in display
    style, its numerator and denominator at full size; a fraction inside a longer formula
    (the study's f = x₁²/10 + 2x₂²) keeps its size, and the formula its height."""
    import sympy as sp

    x, y = sp.symbols("x y")
    (line,) = pages.typeset(r"\partial f/\partial x", x / 5, sizes=(11.0,))
    assert line.text == r"$\partial f/\partial x = \dfrac{x}{5}$"
    assert pages.typeset("f", -x / 5, sizes=(11.0,))[0].text == r"$f = - \dfrac{x}{5}$"
    assert r"\dfrac" not in pages.typeset("f", x**2 / 10 + 2 * y**2, sizes=(11.0,))[0].text
    assert pages.display_fractions(r"\frac{x}{2} + \frac{x}{x + 1}") == (
        r"\frac{x}{2} + \frac{x}{x + 1}")
    assert pages.display_fractions(r"\frac{\cosh{\left(\frac{x}{2} \right)}}{4}") == (
        r"\dfrac{\cosh{\left(\frac{x}{2} \right)}}{4}")
    # 1 over 5 at full size: the display fraction stands more than two digits tall (the
    # text-style one less than two: its digits shrunk)
    one = pages._math_extent10("$5$")[1]
    assert pages._math_extent10(r"$\dfrac{1}{5}$")[1] > 2.5 * one
    assert pages._math_extent10(r"$\frac{1}{5}$")[1] < 2.0 * one
