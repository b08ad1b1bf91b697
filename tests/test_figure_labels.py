"""Small figure items: axis labels within their axes, wrapped panel titles of one row,
the diverged-cell marker of a campaign's 1-D grid."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis import plots
from analysis.campaign.figures import Grid, plot_grid


def _label_outside_axes(fig: Figure) -> list[str]:
    """Axis labels of ``fig`` longer than their axes' span (measured on the drawn figure:
    the label's box against the axes' box, 1 px slack)."""
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    bad = []
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        y = ax.yaxis.label
        if y.get_text():
            e = y.get_window_extent(renderer)
            if e.y0 < box.y0 - 1 or e.y1 > box.y1 + 1:
                bad.append(y.get_text())
        x = ax.xaxis.label
        if x.get_text():
            e = x.get_window_extent(renderer)
            if e.x0 < box.x0 - 1 or e.x1 > box.x1 + 1:
                bad.append(x.get_text())
    return bad


def test_grad_norm_label_stays_within_short_panels():
    """Kink p. 9: "gradient norm ‖∇f(xₖ)‖∞ (log scale)" (about 190 pt at 10 pt) stood
    beside panels about 100 pt tall and reached up beside the figure's title.  Measured on
    the drawn figure, every axis label now lies within its axes' span, and the label keeps
    its symbol."""
    runs = {"Newton": np.geomspace(5.0, 1.0, 5), "GD": np.geomspace(5.0, 1.0, 1001),
            "Adam": np.geomspace(5.0, 1.0, 1001)}
    fig = plots.plot_grad_norm(runs, gtol=1e-6,
                               fig=Figure(figsize=(6.3, 2.6), layout="constrained"))
    assert _label_outside_axes(fig) == []
    label = fig.axes[0].yaxis.label.get_text()
    assert "‖∇f(xₖ)‖∞" in label and label != "gradient norm ‖∇f(xₖ)‖∞ (log scale)"


def test_axis_label_forms_shorten_then_wrap():
    """The forms tried are the label, the shortened log note, then two lines; each form's
    longest line is measured independently against the span."""
    size = 10.0
    label = "gradient norm ‖∇f(xₖ)‖∞ (log scale)"
    whole = plots.text_width_pt(label, size)
    assert plots.axis_label_forms(label, 1e4, size)[0] == label
    forms = plots.axis_label_forms(label, whole - 1.0, size)
    assert forms[1] == "gradient norm ‖∇f(xₖ)‖∞ (log)"
    assert plots.text_width_pt(forms[1], size) < whole
    two = [f for f in forms if f.count("\n") == 1]
    assert two and all(f.replace("\n", " ") in (label, forms[1]) for f in two)


def test_titles_of_one_row_share_a_baseline():
    """Study p. 30: two panels of one grid, one title wrapping, the other not: the
    one-line title sat level with the other's second line, a line below its first.  Now
    both start with a line of text at one top (measured on the drawn figure: the boxes'
    tops and bottoms agree and neither title begins with an empty line)."""
    fig = Figure(figsize=(3.2, 2.4), layout="constrained")
    a, b = fig.subplots(1, 2)
    a.set_title("constant η = 0.1", fontsize=9)
    b.set_title("ηₖ = 0.5/(1 + 0.25k) on its own", fontsize=9)
    for ax in (a, b):
        ax.plot([0, 1], [0, 1])
    plots.fit_titles(fig)

    def lines(t):
        return [ln for ln in t.get_text().split("\n") if ln.strip()]

    assert len(lines(b.title)) > len(lines(a.title))  # the long one wraps to more lines
    assert a.title.get_text().split("\n")[0].strip() and b.title.get_text().split("\n")[0]
    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    ea, eb = a.title.get_window_extent(r), b.title.get_window_extent(r)
    line = 9.0 * 1.2 * fig.dpi / 72.0  # one line of a 9-pt title, in px
    assert abs(ea.y0 - eb.y0) < 1.0
    assert abs(ea.y1 - eb.y1) < 0.4 * line  # one top (glyph heights apart): before, the
    # one-line title's top lay a whole line below the two-line one's


def test_lone_diverged_cell_marker_is_legible():
    """Campaign p. 6: GD's one diverged cell η = 0.21 beside η = 0.19 (5 pt apart) was
    squared with a 3.6-pt square, smaller than the 4-pt points.  Only diverged cells
    have squares, so only their own spacing limits them: a lone one keeps the full 8-pt
    square, larger than the points, and stays inside its axes (:func:`plots.audit`)."""
    from analysis.campaign import figures

    x = np.array([0.01, 0.05, 0.1, 0.15, 0.19, 0.21])
    div = np.zeros((1, len(x)), bool)
    div[0, -1] = True
    g = Grid("lr", x, np.r_[0.0, 1, 1, 1, 1, 0][None, :], div,
             boundary=lambda y: 0.2, boundary_label="predicted boundary η < 2/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    ax = fig.axes[0]
    (pts, sq) = [ln for ln in ax.lines if ln.get_marker() in ("o", "s")]
    assert sq.get_markersize() == figures.DIVERGED_MARKER == 8.0
    assert sq.get_markersize() > pts.get_markersize()
    assert not [p for p in plots.audit(fig) if "marker" in p]


def test_diverged_key_in_the_legend_is_full_size():
    """Campaign p. 4: on Beale every GD cell diverged, η = 0.19 and 0.21 lie 5.3 pt apart,
    so the squares stay apart at 3.6 pt, and the legend's key copied that size.  The key is
    now drawn at the full :data:`DIVERGED_MARKER` size, larger than the 4-pt points."""
    from analysis.campaign import figures

    x = np.array([0.01, 0.05, 0.1, 0.15, 0.19, 0.21])
    g = Grid("lr", x, np.zeros((1, len(x))), np.ones((1, len(x)), bool),
             boundary=lambda y: 0.04, boundary_label="predicted boundary η < 2/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    sq = [ln for ln in fig.axes[0].lines if ln.get_marker() == "s"][0]
    assert sq.get_markersize() < figures.DIVERGED_MARKER  # drawn shrunk
    keys = [h for lg in fig.legends for h in lg.legend_handles
            if getattr(h, "get_marker", lambda: None)() == "s"]
    keys += [h for ax in fig.axes if ax.get_legend() for h in ax.get_legend().legend_handles
             if getattr(h, "get_marker", lambda: None)() == "s"]
    assert keys and all(k.get_markersize() == figures.DIVERGED_MARKER == 8.0 for k in keys)


def test_a_wrapped_axis_label_keeps_a_norm_on_one_line():
    """Study p. 38: the short panels' y label "error ‖xₖ − x*‖₂ (log)" was wrapped
    "error ‖xₖ −" / "x*‖₂ (log)", a line break inside the norm.  Every form of the label
    now holds both bars of the norm on one line, and the two-line form breaks beside it."""
    label, size = "error ‖xₖ − x*‖₂ (log)", 10.0
    whole = plots.text_width_pt(label, size)
    for share in (0.5, 0.7, 0.85):  # the norm alone is about 0.6 of the label
        forms = plots.axis_label_forms(label, share * whole, size)
        for form in forms:
            assert all(line.count("‖") in (0, 2) for line in form.split("\n")), form
        assert any("\n" in f and plots.text_width_pt(f, size) <= share * whole
                   for f in forms), (share, forms)
    two = [f for f in plots.axis_label_forms(label, 0.85 * whole, size) if f.count("\n") == 1]
    assert two and all("‖xₖ\u00a0−\u00a0x*‖₂" in f for f in two)
    assert plots.bound_norms("a ‖x − y‖ b ‖z‖") == "a ‖x\u00a0−\u00a0y‖ b ‖z‖"
