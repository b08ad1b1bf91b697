"""The study's figures show theory and measurement both, and their texts state what is drawn.

Each test would fail on a defect found by reading the study page by page: a theory line hidden
under the measured markers, a bound under another line, a legend that counts steps the plot
does not number, tick labels at the edges of side-by-side panels, a label struck by a line, a
colour word that is not the colour drawn, a mean without its sampling uncertainty.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace as NS

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis import pages, plots, plots_lecture, report, study
from analysis.empirical import kind_window
from analysis.report import Builder, fmt_num
from landscape.numfmt import fmt


def _fig(height: float = 4.0) -> Figure:
    return Figure(figsize=(6.8, height), layout="constrained")


def _marker_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_linestyle() == "None"]


# ------------------------------------------------------------------ theory above measurement


def test_ratio_panel_draws_thinned_markers_on_top_of_a_visible_theory_line():
    rho = 0.98
    e = rho ** np.arange(1500)
    fig = plots_lecture.plot_error_ratios({"gd": e}, {"gd": rho}, fig=_fig())
    fig.canvas.draw()
    right = fig.get_axes()[-1]
    marks = _marker_lines(right)
    theory = [ln for ln in right.get_lines() if ln.get_linestyle() == "--"]
    assert len(marks) == 1 and len(theory) == 1
    # a 1500-step run: no more than about MAX_MARKERS markers (with the smallest and the
    # largest ratio), so the line shows between them
    assert len(marks[0].get_xdata()) <= plots_lecture.MAX_MARKERS + 2
    assert np.allclose(marks[0].get_ydata(), rho)
    # the markers are drawn over the thin theory line, spaced so that it shows between them
    assert marks[0].get_zorder() > theory[0].get_zorder()
    assert plots.hidden_share(right, theory[0], plots._renderer(fig)) < 0.25
    assert theory[0].get_ydata()[0] == pytest.approx(rho)


def _legend_entries(fig):
    """(text, handle) of each entry of the figure's legends."""
    return [(t.get_text().replace("\n", " "), h) for leg in fig.legends
            for t, h in zip(leg.get_texts(), leg.legend_handles, strict=True)]


def test_the_ratio_panel_series_have_legend_entries_of_their_own():
    """Study p. 31: the right panel's two ratio series (blue solid, orange dashed) had no
    legend entry; the legend listed only the left panel's styles.  Study p. 35: three
    entries per setting (theory, measured, ratio) made a 14-entry legend taller than the
    panels; each setting now has one entry in its colour, line style and marker, the ratio
    panels are titled with it, and the legend's title says what lines, open markers and
    the right panels are."""
    k = np.arange(1, 201)
    t = {"a": 0.05 + 4.0 / k, "b": 1.0 / k}
    m = {n: v * (1 + 0.01 * np.sin(k)) for n, v in t.items()}
    fig = plots_lecture.plot_decay_vs_constant(k, m, t, runs=2000, fig=_fig())
    fig.canvas.draw()
    right = fig.get_axes()[1:]
    entries = dict(_legend_entries(fig))
    for n, a in zip(t, right, strict=True):
        line = a.get_lines()[0]
        assert np.allclose(line.get_ydata(), m[n] / t[n])
        assert a.get_title() == n
        h = entries[n]
        assert (h.get_color(), h.get_linestyle(), h.get_marker()) == (
            line.get_color(), line.get_linestyle(), line.get_marker())
        assert h.get_marker() not in ("None", "", None)
        assert len(line.get_markevery()) <= 10  # a few markers on a zig-zagging line
    assert set(entries) == {"a", "b", "measured = theory (ratio 1)",
                            "ratio band 1 ± 2√(2/R), R = 2000"}
    (leg,) = fig.legends
    assert leg.get_title().get_text().replace("\n", " ") == (
        "lines: theory; open markers: measured; right: measured / theory (line with filled "
        "markers, one panel per setting)")


def test_ratio_series_run_with_the_same_draws_each_have_a_panel_on_shared_axes():
    """Study p. 34: four ratio series run with the same noise draws lay on top of one another
    in one panel (the step schedule's hid the constant's for k ≤ 50).  Each is drawn in a
    panel of its own, all panels on the same x and y limits, each with the line at 1 and
    the band 1 ± 2√(2/R), every point inside its axes."""
    k = np.arange(1, 201)
    noise = 1.0 + 0.02 * np.sin(k)
    t = {n: np.geomspace(1.0, 1e-3 * (i + 1), k.size) for i, n in enumerate("abcd")}
    m = {n: v * noise for n, v in t.items()}  # equal ratios: one panel would show one line
    R = 4000
    fig = plots_lecture.plot_decay_vs_constant(k, m, t, runs=R, fig=Figure(
        figsize=(report.CONTENT_W / 72.0, 330.0 / 72.0), layout="constrained"))
    assert plots.audit(fig) == []
    right = fig.get_axes()[1:]
    assert len(right) == 4
    band = 2 * np.sqrt(2 / R)
    for n, a in zip(t, right, strict=True):
        (ratio,) = [ln for ln in a.get_lines() if ln.get_color() != "black"]
        np.testing.assert_allclose(ratio.get_ydata(), noise)
        assert ratio.get_label().startswith(f"{n}: ")
        assert a.get_xlim() == right[0].get_xlim() and a.get_ylim() == right[0].get_ylim()
        lo, hi = a.get_ylim()
        assert lo < noise.min() and noise.max() < hi
        (span,) = a.patches
        assert span.get_y() == pytest.approx(1 - band)  # a rectangle, y in data units
        assert span.get_y() + span.get_height() == pytest.approx(1 + band)
    # the short panels are ticked at the band's edges and at 1: 1 ± 2√(2/4000) = 1 ± 0.0447
    np.testing.assert_allclose(right[0].get_yticks(), [0.95528, 1.0, 1.04472], atol=1e-5)


def test_the_ratio_panels_reference_line_at_one_is_in_the_legend():
    """Study p. 15: the black line at 1.00 of the "Measured over theory" panel had no legend
    entry; it is named, drawn at measured / theory = 1 across the panel."""
    k = np.arange(1, 201)
    t = 1.0 / k
    fig = plots_lecture.plot_decay_vs_constant(k, {"GD": 1.01 * t}, {"GD": t}, fig=_fig())
    fig.canvas.draw()
    right = fig.get_axes()[1]
    (ref,) = [ln for ln in right.get_lines() if ln.get_color() == "black"]
    assert np.allclose(ref.get_ydata(), 1.0)
    assert list(ref.get_xdata()) == [0, 1]  # an axhline: x in axes units, the full width
    entries = dict(_legend_entries(fig))
    h = entries["measured = theory (ratio 1)"]
    assert (h.get_color(), h.get_linewidth()) == ("black", ref.get_linewidth())


def test_the_schedule_effect_figure_keeps_its_labels_inside_at_its_slot_size():
    """Study p. 34: with the reference line's legend entry the legend under "Noisy SGD on
    x²/2 under four schedules" grew by a row and the left axes' label "mean (xₖ − x*)² over
    runs (log)" ran 2 px past the top of its 330-pt slot (the title already says the mean is
    over the runs).  Drawn with the study's four schedule labels, every text stays inside."""
    k = np.arange(1, 201)
    labs = ["constant", "step (s = 50, γ = 0.3)", "cosine (Tₘₐₓ = 200, ηₘᵢₙ = 0)",
            "cosine + warm-up 20 (Tₘₐₓ = 180, ηₘᵢₙ = 0)"]
    t = {lab: np.geomspace(1.0, 1e-3 * (i + 1), k.size) for i, lab in enumerate(labs)}
    m = {lab: v * (1.0 + 0.01 * np.sin(k)) for lab, v in t.items()}
    fig = Figure(figsize=(report.CONTENT_W / 72.0, 330.0 / 72.0), layout="constrained")
    plots_lecture.plot_decay_vs_constant(
        k, m, t, runs=4000, title="Noisy SGD on x²/2 under four schedules, mean over 4000 "
        "runs", fig=fig)
    assert plots.audit(fig) == []
    assert len(dict(_legend_entries(fig))) == len(labs) + 2


def test_the_schedule_ratio_panels_are_tall_enough_to_read():
    """Study p. 35: at its 330-pt slot each of the four per-schedule ratio panels was about
    17 pt (0.6 cm) tall with "1.0" its only y tick, under a 14-entry legend taller than the
    plots.  With one legend entry per schedule each panel is at least 2.5 cm (71 pt) tall
    and its first column labels at least two y ticks in view."""
    k = np.arange(1, 201)
    labs = ["constant", "step (s = 50, γ = 0.3)", "cosine (Tₘₐₓ = 200, ηₘᵢₙ = 0)",
            "cosine + warm-up 20 (Tₘₐₓ = 180, ηₘᵢₙ = 0)"]
    t = {lab: np.geomspace(9.0, 1e-2 * (i + 1), k.size) for i, lab in enumerate(labs)}
    rng = np.random.default_rng(0)
    m = {lab: v * (1.0 + 0.02 * rng.normal(size=k.size)) for lab, v in t.items()}
    fig = Figure(figsize=(report.CONTENT_W / 72.0, 330.0 / 72.0), layout="constrained")
    plots_lecture.plot_decay_vs_constant(
        k, m, t, runs=4000, title="Noisy SGD on x²/2 under four schedules, mean over 4000 "
        "runs", fig=fig)
    fig.canvas.draw()
    right = fig.get_axes()[1:]
    assert len(right) == 4
    for a in right:
        assert a.get_window_extent().height * 72.0 / fig.dpi >= 2.5 / 2.54 * 72.0
        lo, hi = a.get_ylim()
        shown = [tk.label1.get_text() for tk in a.yaxis.get_major_ticks()
                 if lo <= tk.get_loc() <= hi and tk.label1.get_text()
                 and tk.label1.get_visible()]
        if a.get_subplotspec().colspan.start == 1:  # the first column of ratio panels
            assert len(shown) >= 2, shown
    assert plots.audit(fig) == []


def test_schedule_legend_shows_each_schedules_own_markers():
    """Study p. 32: the entry "read back from a run" showed a black open circle while the
    read-back markers are coloured, one shape per schedule; each schedule's entry now
    shows its line with its markers, and the legend's title says what markers are."""
    n = np.arange(100)
    curves = {"constant": np.full(100, 0.5), "exponential": 0.5 * 0.97**n}
    fig = plots_lecture.plot_schedules(curves, recovered=curves, fig=_fig())
    fig.canvas.draw()
    marks = _marker_lines(fig.get_axes()[0])
    entries = dict(_legend_entries(fig))
    assert set(entries) == set(curves)  # no entry of a symbol the panel does not draw
    for name, mk in zip(curves, marks, strict=True):
        h = entries[name]
        assert (h.get_marker(), h.get_color()) == (mk.get_marker(), mk.get_color())
        assert h.get_linestyle() != "None"
    (leg,) = fig.legends
    title = leg.get_title().get_text().replace("\n", " ")
    assert title.startswith("lines: closed forms; markers: read back from a run")


def test_mean_square_figure_has_markers_over_theory_and_a_ratio_panel():
    k = np.arange(1, 2001)
    t = 0.05 + 4.0 / k  # any positive curve
    m = t * (1 + 0.01 * np.sin(k))
    fig = plots_lecture.plot_decay_vs_constant(k, {"a": m}, {"a": t}, runs=2000, fig=_fig())
    fig.canvas.draw()
    left, right = fig.get_axes()
    marks = _marker_lines(left)
    lines = [ln for ln in left.get_lines() if ln.get_linestyle() != "None"]
    assert len(marks) == 1 and len(lines) == 1
    assert marks[0].get_zorder() > lines[0].get_zorder()
    assert len(marks[0].get_xdata()) <= 30  # log-spaced, not 2000 markers over the line
    ratio = right.get_lines()[0]
    assert np.allclose(ratio.get_ydata(), m / t)
    # the band of two standard errors 1 ± 2√(2/R)
    patch = right.patches[0]  # a Rectangle (matplotlib ≥ 3.9) or a Polygon, y in data units
    ys = ([patch.get_y(), patch.get_y() + patch.get_height()] if hasattr(patch, "get_y")
          else patch.get_xy()[:, 1])
    lo, hi = min(ys), max(ys)
    assert (lo, hi) == pytest.approx((1 - 2 * math.sqrt(2 / 2000), 1 + 2 * math.sqrt(2 / 2000)),
                                     rel=1e-6)


def test_equal_chain_bounds_share_one_line_drawn_over_the_data():
    from landscape.vanishing import chain_study

    studies = [chain_study(a, depths=(1, 2, 3, 10, 20), weight=1, x=1)
               for a in ("tanh", "sigmoid", "relu")]
    fig = plots.plot_chain_depth(studies, fig=_fig())
    # 0.25²⁰ ≈ 10⁻¹²: the chains may be split into panels (tanh, relu | sigmoid)
    lines = [ln for ax in fig.get_axes() for ln in ax.get_lines()]
    bounds = [ln for ln in lines if "bound" in ln.get_label()]
    data = [ln for ln in lines if "numeric" in ln.get_label()]
    # tanh and relu both have sup|a′| = 1: one line for the two, sigmoid its own (0.25^d)
    assert sorted(ln.get_label().split(":")[0] for ln in bounds) == ["sigmoid", "tanh, relu"]
    shared = next(ln for ln in bounds if ln.get_label().startswith("tanh, relu"))
    assert np.allclose(shared.get_ydata(), 1.0)
    sig = next(ln for ln in bounds if ln.get_label().startswith("sigmoid"))
    assert np.allclose(sig.get_ydata(), 0.25 ** np.array([1, 2, 3, 10, 20]))
    assert min(ln.get_zorder() for ln in bounds) > max(ln.get_zorder() for ln in data)


# ------------------------------------------------------------------ texts that match the drawing


def test_curve_legend_says_which_iterates_are_numbered():
    path = np.array([3.0, 1.0, 1e-3] + [1e-6 / 2**j for j in range(12)])  # 14 steps
    fig = plots.plot_curve_1d(lambda x: x**2, {"run": path}, xlim=(-4, 4), numbered=5,
                              zoom=False, fig=_fig())
    ax = fig.get_axes()[0]
    drawn = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    label = next(t.get_text() for t in fig.legends[0].get_texts()
                 if t.get_text().startswith("run"))
    assert drawn == [0, 1, 2]
    assert label == "run (14 steps; iterates 0–2 numbered)"


def test_numbered_text_forms():
    assert plots._numbered_text(3, [0, 1, 2, 3], 4) == "3 steps"
    assert plots._numbered_text(14, [0, 1], 15) == "14 steps; iterates 0, 1 numbered"
    assert plots._numbered_text(1, [0], 2) == "1 step; iterate 0 numbered"
    assert plots._numbered_text(9, [], 10) == "9 steps"


@pytest.mark.parametrize("lo, hi, want", [(-2, 2, [-1, 0, 1]), (-6, 6, [-5, 0, 5]),
                                          (-1.5, 1.5, [-1, 0, 1]), (0, 1, [0.2, 0.4, 0.6, 0.8])])
def test_inner_ticks_avoid_the_box_edges(lo, hi, want):
    assert np.allclose(plots.inner_ticks(lo, hi), want)


def test_side_by_side_path_panels_have_no_tick_label_at_the_shared_edge():
    box = [(-2.0, 2.0), (-1.0, 3.0)]
    paths = {"a": np.array([[-1.0, 1.0], [0.0, 0.0]]), "b": np.array([[1.0, 2.0], [0.5, 0.5]])}
    fig = plots.plot_paths_grid(lambda x: x[..., 0] ** 2 + x[..., 1] ** 2, box, paths,
                                fig=_fig())
    for ax in fig.get_axes():
        ticks = [t for t in ax.get_xticks() if -2 <= t <= 2]
        assert ticks and all(-2 < t < 2 for t in ticks)


def test_mean_and_standard_error():
    v = np.array([1.0, 2.0, 4.0, 7.0])
    m, se = study._mean_se(v)
    assert m == 3.5
    assert se == pytest.approx(math.sqrt(((2.5**2 + 1.5**2 + 0.5**2 + 3.5**2) / 3) / 4))
    assert study._pm(0.05583, 0.001654) == "0.0558 ± 0.0017"
    # the study prints points with the reports' formatter (one coordinate: the number)
    from analysis.report import fmt_point

    assert fmt_point([1.8264]) == "1.826" and fmt_point([1.0, 2.0]) == "(1, 2)"


def built(*sections) -> study.Study:
    """A quick study holding only the given sections, built in order."""
    s = study.Study(Builder("study figures test"), quick=True)
    for section in sections:
        section(s)
    return s


@pytest.fixture(scope="module")
def saddle_and_surfaces():
    return built(study.section_saddle, study.section_surfaces)


def test_saddle_escape_is_named_in_the_legend_not_on_the_line(saddle_and_surfaces):
    block = next(b for b in saddle_and_surfaces.doc.figures() if b.label == "saddle")
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)
    fig.canvas.draw()
    texts = [t.get_text() for f in fig.subfigs for ax in f.get_axes() for t in ax.texts]
    assert not any("escape" in t for t in texts)
    legend = [t.get_text() for f in fig.subfigs for lg in f.legends for t in lg.get_texts()]
    assert "predicted escape: k = 76" in legend  # ceil(ln(1/10⁻⁶)/ln 1.2) = 76


def test_saddle_caption_says_what_the_contour_shading_is(saddle_and_surfaces):
    """Study p. 15: the grey shading and the solid and dashed contour lines of the saddle's
    left panel were explained nowhere: the caption says them, as drawn (x² − y² < 0 along y:
    its lines below 0 are dashed, the others solid)."""
    from matplotlib.contour import ContourSet

    block = next(b for b in saddle_and_surfaces.doc.figures() if b.label == "saddle")
    assert ("converges to the saddle (grey shading: f, darker where higher; dashed contour "
            "lines: f < 0).") in block.caption, block.caption
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)
    (lines,) = [c for ax in fig.axes for c in ax.collections
                if isinstance(c, ContourSet) and not c.filled]
    styles = lines.get_linestyles()
    assert min(lines.levels) < 0 < max(lines.levels)
    for level, (_, dashes) in zip(lines.levels, styles, strict=True):
        assert (dashes is not None) == (level < 0), (level, dashes)
    (shade,) = [c for ax in fig.axes for c in ax.collections
                if isinstance(c, ContourSet) and c.filled]
    low, high = (sum(shade.cmap(v)[:3]) for v in (0.0, 1.0))
    assert high < low  # darker where f is higher


def test_surface_text_names_the_path_by_its_legend_label(saddle_and_surfaces):
    from analysis.pages import Paragraph

    texts = [b.text for b in saddle_and_surfaces.doc.blocks if isinstance(b, Paragraph)]
    label = "GD with η = 0.1, 22 steps from (1.4, 0.02)"
    assert any(label in t for t in texts)
    assert not any("red path" in t for t in texts)


def test_surface_text_draws_the_path_as_it_says(saddle_and_surfaces):
    """Study p. 16: the text called GD's path on the saddle "the dotted path", drawn as a
    solid orange line with a dot per iterate (the only broken line is its dashed shadow)."""
    from matplotlib import colors as mcolors

    from analysis.pages import Paragraph

    (text,) = [b.text for b in saddle_and_surfaces.doc.blocks if isinstance(b, Paragraph)
               and "On the saddle" in b.text]
    assert "dotted path" not in text
    assert "the orange path (a solid line, a dot at each iterate) is GD with η = 0.1" in text
    block = next(b for b in saddle_and_surfaces.doc.figures() if b.label == "surfaces")
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)
    (ax, _) = [a for a in fig.axes if a.name == "3d"]
    (path,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("GD with")]
    assert path.get_linestyle() == "-" and path.get_marker() == "o"
    r, g, b_ = mcolors.to_rgb(path.get_color())  # orange: red high, green half, blue low
    assert r > 0.8 and 0.3 < g < 0.6 and b_ < 0.1


def test_surface_panels_name_the_height_and_keep_few_corner_ticks(saddle_and_surfaces):
    """The 3-D panels had no height label, and the x³ panel's x and y tick labels
    (−1.5 … 1.5 in steps of 0.5) ran together at its front corner: each panel's z axis now
    reads "f", and x and y carry the ticks −1, 0, 1 of the grid [−1.5, 1.5]."""
    block = next(b for b in saddle_and_surfaces.doc.figures() if b.label == "surfaces")
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)
    fig.canvas.draw()
    panels = [ax for ax in fig.axes if ax.name == "3d"]
    assert len(panels) == 2
    for ax in panels:
        assert ax.get_zlabel() == "f"
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            assert lo < -1.5 and hi > 1.5
            shown = [float(t) for t in axis.get_majorticklocs() if lo <= t <= hi]
            assert shown == [-1.0, 0.0, 1.0], shown


def test_no_rate_cells_are_the_white_cells_and_say_why():
    from analysis.sweeps import momentum_stability_map
    from landscape import Objective

    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    lrs, betas = [0.2, 0.02 + 8 * 1.18 / 29], [0.75, 0.95]
    smap = momentum_stability_map(obj, [-5.0, -2.0], lrs, betas, steps=200)
    cells = study.no_rate_cells(obj, [-5.0, -2.0], smap)
    white = {(float(smap.lrs[j]), float(smap.momenta[i]))
             for i, j in zip(*np.nonzero(np.isnan(smap.measured_rate) & ~smap.diverged),
                             strict=True)}
    assert {(c["lr"], c["momentum"]) for c in cells} == white
    for c in cells:
        b, lr = c["momentum"], c["lr"]
        # complex roots of z² − (1 + β − ηλ)z + β for both λ ∈ {0.2, 4}: modulus √β
        assert c["complex"] == all((1 + b - lr * lam) ** 2 < 4 * b for lam in (0.2, 4.0))
        if c["complex"]:
            assert c["radius"] == pytest.approx(math.sqrt(b), rel=1e-9)
        assert c["settles"] == (200 * math.log(c["radius"]) <= math.log(1e-3))
        assert c["kind"] != "linear"


def test_the_white_cells_are_counted_all_together_then_by_reason():
    """Study p. 23: "the 15 stable cells … with no measured rate have ρ²⁰⁰ > 10⁻³", then a
    further stable cell without a rate (the marked one, which settles): 16 in all.  The
    sentence now counts every white cell first, then the slow ones, then the marked one."""
    from analysis.sweeps import momentum_stability_map
    from landscape import Objective

    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    lrs, betas = [0.2, 0.02 + 8 * 1.18 / 29], [0.75, 0.95]
    smap = momentum_stability_map(obj, [-5.0, -2.0], lrs, betas, steps=200)
    cells = study.no_rate_cells(obj, [-5.0, -2.0], smap)
    text = study.no_rate_text(cells, 0.99, 200)
    # the white cells counted here: stable (ρ < 0.99 from the 2 × 2 matrices), not diverged,
    # no rate; the slow ones have ρ²⁰⁰ > 10⁻³
    rho = np.array([[_heavy_ball_radius(lr, b) for lr in smap.lrs] for b in smap.momenta])
    white = (rho < 0.99) & ~smap.diverged & np.isnan(smap.measured_rate)
    slow = white & (rho ** 200 > 1e-3)
    n, n_slow = int(white.sum()), int(slow.sum())
    assert n == 2 and n_slow == 1  # one of each kind: the sentence must count both
    assert text.startswith(f"  White: {n} stable cells (ρ < 0.99, not diverged) have no "
                           f"measured rate: {n_slow} with ρ^200 > 10⁻³ (ρ "
                           f"{fmt_num(float(rho[slow][0]), 4)}), too slow"), text
    # √0.75 = 0.866025 to 4 digits
    assert "; the cell η = 0.346, β = 0.75 (marked) does settle (ρ = 0.8660 = √β" in text
    # only slow cells: the count is theirs, and a single one is not "up to"
    only = study.no_rate_text([c for c in cells if not c["settles"]], 0.99, 200)
    assert only.startswith("  White: the 1 stable cell (ρ < 0.99, not diverged) with no "
                           "measured rate has ρ^200 > 10⁻³ (ρ 0.9747)"), only
    assert study.no_rate_text([], 0.99, 200) == ""


def test_zoomed_curve_legend_counts_the_numbers_of_both_panels():
    # x·cos(cx), GD η = 2 from 10: the later iterates crowd into a zoom panel
    from landscape import Objective
    from optimizers import minimize

    obj = Objective.parse("x*cos(c*x)", params={"c": "0.15*pi"})
    path = minimize(obj, [10.0], "gd", lr=2.0, steps=25, record=True).path[:, 0]
    fig = plots.plot_curve_1d(obj, {"gd": path}, xlim=(-20, 20), numbered=6, fig=_fig())
    assert len(fig.get_axes()) == 2  # the zoom is there
    plots._renderer(fig)  # the numbers are placed, or hidden for want of room, when drawn
    drawn = sorted({int(t.get_text()) for ax in fig.get_axes() for t in ax.texts
                    if t.get_text().isdigit() and t.get_visible()})
    label = next(t.get_text() for t in fig.legends[0].get_texts()
                 if t.get_text().startswith("gd"))
    assert label == f"gd ({plots._numbered_text(25, drawn, 26)})"
    assert len(drawn) > 3


def test_the_full_panel_numbers_no_iterate_of_the_zoom():
    """Study p. 14: GD on x³ from 1 (η = 0.1), 11 steps: the full panel printed "6" beside
    the last iterate's square (iterate 11) in the crowd the zoom shows from iterate 6 on; the
    numbers from the zoom's first iterate on are the zoom's alone."""
    from landscape import Objective

    x = [1.0]
    for _ in range(11):
        x.append(x[-1] - 0.1 * 3 * x[-1] ** 2)
    path = np.array(x)
    obj = Objective.parse("x**3")
    m = plots.cluster_window(path, 2.4 + 2 * 0.08 * 2.4)[0]
    fig = plots.plot_curve_1d(obj, {"gd": path.reshape(-1, 1)}, xlim=(-1.2, 1.2), numbered=6,
                              legend=False, fig=_fig())
    full, zoom = fig.get_axes()
    fig.canvas.draw()
    shown = [t for t in full.texts if t.get_text()[:1].isdigit() and t.get_visible()]
    assert shown and all(int(n) < m for t in shown
                         for n in t.get_text().replace("–", ",").split(","))
    assert any(t.get_text().startswith(str(m)) for t in zoom.texts)
    # flush right over the zoom, which its y label narrows (study p. 13)
    title = zoom.get_title(loc="right")
    assert " ".join(title.split()).startswith(f"grey band: iterates {m}–"), title
    # the zoom has a y scale of its own, so it has its y label (study p. 13 had none)
    assert zoom.get_ylabel() == full.get_ylabel() == "f(x)"


def test_run_lengths_are_stated_with_their_stopping_reason():
    from types import SimpleNamespace as R

    text = study._iterations_text({"newton": R(nit=21, status="converged"),
                                   "gd": R(nit=20000, status="maxiter"),
                                   "cg": R(nit=46, status="line_search_failed")})
    # study p. 37: "GD with η = 0.001 31798" ran the name's number into the count
    assert text == ("newton: 21, gd: 20 000 (stopped at its iteration limit), cg: 46 (stopped "
                    "when its line search found no decrease)")


def test_a_run_at_the_automatic_cap_says_the_cap():
    """Study p. 35: the rate-study GD run of 20 000 iterations was 'stopped at its iteration
    limit' under a sentence giving GD 50 000 iterations (that of the batch of starts)."""
    from types import SimpleNamespace as R

    text = study._iterations_text({"gd": R(nit=20000, status="maxiter"),
                                   "adam": R(nit=900, status="maxiter")}, 20000)
    assert text == ("gd: 20 000 (stopped at the automatic iteration cap, 20 000 iterations), "
                    "adam: 900 (stopped at its iteration limit)")


@pytest.fixture(scope="module")
def rosenbrock():
    return built(study.section_rosenbrock)


def test_a_mark_or_a_symbol_has_one_meaning_and_one_wording_in_a_section(rosenbrock):
    """Study pp. 42–43 (the Rosenbrock report's pp. 9–10): one page carried two different
    "†" notes ("step outside the window the run's order is fitted on …" under BFGS's
    table, "step outside the run's fit window …" under GD's), and defined e₍ₖ₊₂₎/eₖ twice
    ("the ratio over two steps, shown for a run whose measured kind rests on it …" under
    L-BFGS's table, "the ratio over 2 steps, the restart period: …" under CG's).  Over
    all the per-step tables of the section (so over any page of it), the notes that
    explain one mark, or define one symbol, are one text, and the rows each mark is put
    on are the rows outside the window its note names."""
    tables = [t for t in rosenbrock.doc.blocks
              if hasattr(t, "rows") and ": errors and ratios" in str(t.title)]
    meanings: dict[str, set[str]] = {}
    for t in tables:
        for n in t.notes:
            head = pages.note_mark(n) or (n.split(": ", 1)[0] if n.startswith("e") else "")
            if head:
                meanings.setdefault(head, set()).add(n)
    twice = {k: v for k, v in meanings.items() if len(v) > 1}
    assert not twice, twice
    # both windows and both reasons for a two-step column are in the section
    assert report.OUTSIDE_MARK in meanings, meanings.keys()
    assert "¶" not in meanings  # one mark for one idea, whichever window (Himmelblau p. 7)
    assert "e₍ₖ₊₂₎/eₖ" in meanings
    notes = " ".join(n for t in tables for n in t.notes)
    assert plots.page_script(report.cycle_step_note(2, "CG")) in notes
    for t in tables:  # a table's rows carry the marks its notes explain, and no other
        rows = [r[0] for r in t.rows if r[0][:1].isdigit() and "–" not in r[0]]
        used = {c for r in rows for c in r.lstrip("0123456789")}
        own = {pages.note_mark(n) for n in t.notes} - {""}
        assert used <= own, (t.title, used, own)
        # the title's first window is the one its marks refer to
        window = re.search(r"\((fit window|order fitted on|kind read on) k = (\d+)–(\d+)",
                           t.title)
        if window is not None:
            a, b = map(int, window.groups()[1:])
            mark = report.OUTSIDE_MARK
            for r in rows:
                k = int(r.rstrip("".join(used)))
                assert r.rstrip(report.STALL_MARK + report.ABOVE_MARK).endswith(mark) == (
                    not a <= k < b), (t.title, r)


def test_rosenbrock_budgets_sit_in_their_paragraph(rosenbrock):
    """The sentence 'GD and momentum may run 50 000 iterations …' stood alone two pages after
    the paragraph introducing the batch of starts it is about, above the rate-study figure."""
    s = rosenbrock
    texts = [blk.text for blk in s.b.doc.blocks if hasattr(blk, "text")]
    batch = [t for t in texts if "The batch of starts below" in t]
    assert batch and "GD and momentum may run 50 000 iterations" in batch[0]
    assert not any(t.startswith("GD and momentum may run") for t in texts)
    captions = [str(getattr(blk, "caption", "")) for blk in s.b.doc.blocks]
    errors = [c for c in captions if c.startswith("Errors of the rate-study runs")]
    assert errors and "its iteration limit" not in errors[0]
    # p. 34: "about 60 in all" promised ratio markers the page does not show (about 37: the
    # markers that would overlap are left out); the caption describes the thinning instead
    assert "about 60" not in errors[0] and "in all" not in errors[0]
    assert "a marker that would overlap one already drawn is left out" in errors[0]
    assert "GD with η = 0.001: 20 000 (stopped at the automatic iteration cap" in errors[0]


def test_rosenbrock_errors_caption_gives_the_cg_bound_and_where_lines_end(rosenbrock):
    """Study p. 34 printed cg's bound ρ = 0.96085 without its formula, and listed the runs'
    iterations (newton 23, lbfgs 45, …) beside lines that end earlier, without saying why."""
    (cap,) = [b.caption for b in rosenbrock.doc.figures() if b.label == "rosenbrock errors"]
    lam = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))  # ∇²f(1, 1)
    kappa = lam[1] / lam[0]
    rho = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    assert round(kappa) == 2508
    assert (f"CG's ρ = (√κ − 1)/(√κ + 1) = {study.fmt_rate(rho)}, κ ≈ {round(kappa)} "
            "the condition number of ∇²f(1, 1), is the bound of linear CG on the quadratic "
            "with that Hessian") in cap, cap
    # p. 35: the linear-CG bound is no theorem for the nonlinear CG run on Rosenbrock
    assert "For the nonlinear CG run here it is no theorem" in cap
    # study p. 38: "only the rate to expect near (1, 1)" while the run's ratios there fell
    # far below ρ (two-step factors 0.08 against ρ² = 0.92): a bound, and linear CG on a
    # quadratic in n = 2 variables ends within 2 steps (N&W Thm. 5.1)
    assert "rate to expect near" not in cap
    # study p. 38: the ratio panel draws each run over its fit window (Newton's ratios
    # at k = 13-17 are not drawn) and the caption did not say so; a run with no window
    # would be drawn over its steps above the floor, and named
    bare = [k for p in plots.rate_studies_panels(rosenbrock.studies) for k in p.unwindowed]
    names = " and ".join(k.split(" / ")[-1] for k in bare)
    assert "left out) over the fit window" in cap, cap
    assert not bare or (f"left out) over the fit window ({names}, with no fit window: over "
                        f"{'its' if len(bare) == 1 else 'their'} steps above the rounding "
                        "floor") in cap, cap
    # a run with nothing fitted is drawn over the window its kind was read on, unshaded
    read = [k for p in plots.rate_studies_panels(rosenbrock.studies) for k in p.read]
    assert [k.split(" / ")[-1] for k in read] == ["L-BFGS"]
    a, b = kind_window(rosenbrock.studies[read[0]].measurement)  # as its table titles it
    assert (f"over the fit window (L-BFGS: over the window its kind was read on, k = {a}–{b}, "
            "unshaded: nothing was fitted there).") in cap, cap
    assert ("not a rate to expect there: linear CG on a quadratic in 2 variables ends within "
            "2 steps in exact arithmetic (Nocedal & Wright, Thm. 5.1)") in cap, cap
    # study p. 38: the caption is the study's first use of the book, which p. 39's notes
    # abbreviate "N&W" after naming it: the caption names it in full
    assert "N&W" not in cap and "(Nocedal & Wright, Eq. 5.36)." in cap
    # CG's yardstick in sentences of its own, not inside "Dashed: …"'s parentheses (study
    # p. 38: three deep)
    assert "under the markers on the right).  CG's ρ = (√κ − 1)/(√κ + 1) = " in cap, cap
    assert "can be far faster.  Right: the ratio" in cap, cap
    # the crosses of BFGS and L-BFGS read solid at the ratio panel's size: no "unfilled"
    assert "unfilled" not in cap and "(each run's legend marker, drawn small;" in cap
    # each curve stops at its first error below 10³·ε·max(1, ‖x*‖), x* = (1, 1), the
    # measurement's floor: those that reach it are named (CG's run stopped there, study
    # p. 34 left it out), those that went on past it with where they end against their
    # run's last iteration, both numbers in the same order; the others end with their runs
    reached, names, ends, rest, exact = [], [], [], [], []
    for label in ("Newton", "BFGS", "L-BFGS", "CG", "GD with η = 0.001"):
        st = rosenbrock.studies[f"{rosenbrock.section} / {label}"]
        e = np.linalg.norm(st.result.path - np.array([1.0, 1.0]), axis=1)
        below = np.nonzero(e < 1e3 * np.finfo(float).eps * np.sqrt(2.0))[0]
        (reached if below.size else rest).append(label)
        if below.size and below[0] < len(e) - 1:
            names.append(label)
            ends.append(f"{below[0]} of {len(e) - 1}")
            exact.append(e[-1] == 0.0)  # the run went on to x* itself
    assert len(ends) >= 2 and names != reached and len(rest) == 1 and all(exact)

    def listed(xs):
        return f"{', '.join(xs[:-1])} and {xs[-1]}"

    assert (f"The curves of {listed(reached)} are drawn until the error first falls below "
            "the rounding floor 10³·ε·max(1, ‖x*‖) = 3.1e-13 (that error a filled disc), a "
            "common cut-off: x* is exact in floating point, so xₖ − x* adds no rounding, but "
            "the iterates' own rounding, about ε·‖x*‖ (the attainable accuracy, far below the "
            "rounding floor), still limits the errors; the runs of "
            f"{listed(names)} went on past it, so their curves end before their runs' last "
            f"iterations: at k = {listed(ends)}, and each run's last iterate is x* itself "
            f"(error 0, which a log axis cannot show).  The curve of {rest[0]} ends with its "
            "run, above the floor.") in cap, cap


@pytest.fixture(scope="module")
def conditioning():
    return built(study.section_conditioning)


def test_momentum_ratio_swing_is_explained_by_complex_roots(conditioning):
    from landscape import Objective
    from optimizers import minimize

    caption = next(b.caption for b in conditioning.doc.figures() if b.label == "x2 errors")
    # η = 0.6, β = 0.5, L = 4: z² + 0.9z + 0.5 has roots −0.45 ± 0.5454i, modulus √0.5
    assert "complex, -0.45 ± 0.545i" in caption and "√β = 0.7071" in caption
    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    x2 = minimize(obj, [-5.0, -2.0], "momentum", lr=0.6, momentum=0.5, steps=20,
                  record=True).path[:, 1]
    gmean = abs(x2[-1] / x2[0]) ** (1 / 20)  # the geometric mean of the 20 ratios
    assert f"over the 20 steps: {plots.fmt(gmean, 4)}" in caption


def test_conditioning_captions_name_each_distance_and_the_ratio_lines(conditioning):
    """Study p. 19: the paths' caption ran labels into numbers ("gd η = 0.4 0.943ᵐ; gd η =
    0.6 1.67e+03ᵐ") and the ratio panel's caption did not say what its lines are."""
    paths = next(b.caption for b in conditioning.doc.figures() if b.label == "conditioning paths")
    # GD with η = 0.4 on x₂: |1 − 0.4·4| = 0.6 per step, x₁ shrinks by 1 − 0.4·0.2 = 0.92
    d = math.hypot(5.0 * 0.92**20, 2.0 * 0.6**20)
    assert f"GD with η = 0.4: {plots.fmt(d, 3)}" in paths, paths
    assert re.search(r"GD with η = 0\.6: \S", paths), paths
    ratios = next(b.caption for b in conditioning.doc.figures() if b.label == "x2 errors")
    assert "thin dashed lines at the predicted ratio" in ratios
    assert "GD's ratio is |1 − ηL| at every step" in ratios


def test_stability_map_rows_state_their_rule(conditioning):
    rows = [c for c in conditioning.checks if c.what.startswith("stability map")]
    assert len(rows) == 2
    for c in rows:
        assert "agrees when at least 98% " in c.reason
    settle = rows[1]
    n_ok, n_all = (int(v) for v in settle.reason.split(";")[1].split(" do")[0].split(" of "))
    assert settle.verdict == ("agrees" if n_ok >= 0.98 * n_all else "disagrees")


def _heavy_ball_radius(lr: float, beta: float) -> float:
    """ρ of heavy ball on 0.1x₁² + 2x₂²: the largest root modulus of z² − (1 + β − ηλ)z + β
    over λ ∈ {0.2, 4}."""
    return max(max(abs(np.roots([1.0, -(1 + beta - lr * lam), beta]))) for lam in (0.2, 4.0))


def test_the_stability_map_row_says_which_cells_count_as_stable(conditioning):
    """Study p. 21 said "over all 349 stable cells" where 349 counts the cells with
    ρ < 0.99 (363 have ρ < 1)."""
    (row,) = [c for c in conditioning.checks if "that settle" in c.what]
    lrs, betas = np.linspace(0.02, 1.2, 14), np.linspace(0.0, 0.95, 10)  # the quick grid
    rho = np.array([[_heavy_ball_radius(a, b) for a in lrs] for b in betas])
    n99, n1 = int(np.sum(rho < 0.99)), int(np.sum(rho < 1.0))
    assert n99 < n1
    # p. 4: "the 293 stable cells that settle" and "all 349 stable cells (ρ < 0.99 …)" named
    # two sets alike: the row says the first are some of the second, defined once
    assert re.match(rf"stability map: share of the settling cells whose rate matches theory "
                    rf"\(1%\): the \d+ of the {n99} stable cells \(ρ < 0\.99, not diverged\) "
                    r"that settle", row.what), row.what
    assert (f"over all {n99} stable cells ({n1} cells have ρ < 1) the share is ") in \
        row.reason, row.reason
    (cells,) = [c for c in conditioning.checks if "divergence matches" in c.what]
    assert cells.what == (f"stability map: share of the {rho.size} cells where divergence "
                          "matches theory")
    (block,) = [b for b in conditioning.doc.figures() if b.label == "momentum map"]
    assert "stable cells with no measured rate" not in block.caption


def test_settled_cells_off_their_rate_are_named():
    """Study p. 21: 289 of 293 settled cells matched, 1 had no rate (marked) and the other 3,
    with a rate more than 1% off ρ, were not named."""
    from analysis.sweeps import momentum_stability_map
    from landscape import Objective

    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    # three columns and rows of the study's grid
    lrs, betas = np.linspace(0.02, 1.2, 30)[[1, 3, 13]], np.linspace(0.0, 0.95, 20)[[9, 14, 16]]
    smap = momentum_stability_map(obj, [-5.0, -2.0], lrs, betas, steps=200)
    cells = study.rate_cells(smap, settled=True)
    assert cells and all(200 * math.log(c["radius"]) <= math.log(1e-3) for c in cells)
    off = [c for c in cells if not c["agrees"]]
    assert all(abs(c["rate"] - c["radius"]) > 0.01 * c["radius"] for c in off)
    # the study's three: (η, β) = (0.0607, 0.8), (0.142, 0.7), (0.549, 0.45)
    assert {(round(c["lr"], 3), round(c["momentum"], 3)) for c in off} >= {
        (0.061, 0.8), (0.142, 0.7), (0.549, 0.45)}
    text = study.settled_off_text(cells)
    assert text.startswith(f"{len(off)} others are more than 1% off ρ, where the dominant "
                           "roots are complex (ρ = √β): "), text
    for c in off:
        rho = _heavy_ball_radius(c["lr"], c["momentum"])
        assert rho == pytest.approx(math.sqrt(c["momentum"]), rel=1e-9)
        assert (f"(η, β) = ({study.fmt_num(c['lr'], 3)}, {study.fmt_num(c['momentum'], 3)}): "
                f"rate {study.fmt_rate(c['rate'])}, ρ = {study.fmt_rate(rho)} "
                f"(Δρ/ρ {study.fmt_num(100 * abs(c['rate'] - rho) / rho, 3)}%, Δln ρ/ln ρ "
                f"{study.fmt_num(100 * abs(math.log(c['rate'] / rho) / math.log(rho)), 3)}%)"
                ) in text, text
    # η = 0.0607, β = 0.8: not "1% off", "more than 1%" said; and its −ln ρ is 9.16% off
    assert "(Δρ/ρ 1.02%, Δln ρ/ln ρ 9.16%)" in text
    assert study.settled_off_text([c for c in cells if c not in off]) == ""


def test_overshoot_caption_follows_the_path():
    """The adaptive-errors caption says 'on its way back' only when ‖xₖ‖ falls at the end."""
    from analysis.study import _overshoot_text
    out = np.array([[-5.0, -2.0], [-1.0, -0.5], [0.2, 0.0], [0.5, 0.0], [1.0, 0.0]])
    back = np.array([[-5.0, -2.0], [-1.0, -0.5], [0.9, 0.0], [0.6, 0.0], [0.3, 0.0]])
    never = np.array([[-5.0, -2.0], [-3.0, -1.0], [-1.0, -0.5], [-0.5, 0.0]])
    assert "still moving away" in _overshoot_text("Adam", out, "momentum", back=2)
    assert "on its way back" in _overshoot_text("Adam", back, "momentum", back=2)
    assert "does not overshoot" in _overshoot_text("Adam", never, "momentum")


def test_ratio_panel_keeps_to_the_fit_windows_and_their_iterations():
    # heavy ball: two early ratios near 1.8 before its window; GD runs 1500 steps but its
    # window ends at 300: the panel shows the windows only, x limits from what is drawn
    hb = np.r_[1.0, 1.8, 1.8 ** 2, 1.8 ** 2 * 0.5 ** np.arange(1, 60)]
    gd = 0.98 ** np.arange(1500)
    fig = plots_lecture.plot_error_ratios({"hb": hb, "gd": gd}, {"hb": 0.5, "gd": 0.98},
                                          windows={"hb": (5, 50), "gd": (0, 300)}, fig=_fig())
    rights = [a for a in fig.get_axes() if any(ln.get_gid() == "ratios" for ln in a.lines)]
    marks = [m for right in rights for m in _marker_lines(right)]
    ks = np.concatenate([m.get_xdata() for m in marks])
    ys = np.concatenate([m.get_ydata() for m in marks])
    assert ks.min() >= 0 and ks.max() <= 300 and max(a.get_xlim()[1] for a in rights) < 320
    assert ys.max() < 1.0  # the 1.8 transients lie before hb's window
    assert "fit windows" in " ".join(rights[0].get_title().split())
    assert plots.audit(fig) == []


def test_the_x3_text_calls_its_critical_point_an_inflection_point():
    """Study p. 11: "it is a saddle" of a function of one variable, where the word is an
    inflection point; the kind's test was "(test: higher-order)"."""
    s = built(study.section_cubic)
    text = " ".join(str(getattr(b, "text", "")) for b in s.b.doc.blocks)
    assert "(higher-order test); it is an inflection point (a saddle, as the analysis" in text
    assert study._kind_1d("minimum") == "a minimum"


def test_a_critical_point_sides_are_computed():
    """Study p. 11: x³ was described as 'f decreases on one side, increases on the other'; x³
    increases everywhere: f < 0 on one side of 0 and f > 0 on the other."""
    from landscape import Objective

    assert study._sides_text(Objective.parse("x**3"), 0.0) == \
        "f < 0 on the left of 0, f > 0 on the right (f increases through 0)"
    assert study._sides_text(Objective.parse("-x**3"), 0.0).endswith("(f decreases through 0)")


def test_tanh_and_adagrad_captions_say_what_is_drawn():
    """Study p. 15: the tanh caption said the iterates 'run towards −∞' while the plot shows
    them slowing near −3.9 by k = 700; p. 31: AdaGrad's 'accumulated squares shrink' (they
    grow; its step shrinks)."""
    s = built(study.section_tanh)
    cap = [str(getattr(b, "caption", "")) for b in s.b.doc.blocks
           if str(getattr(b, "caption", "")).startswith("xₖ against k")][0]
    assert "run towards −∞" not in cap
    assert "by k = 700 they are at x = -3.93" in cap.replace("−", "-")
    s = built(study.section_adaptive)
    caps = " ".join(str(getattr(b, "caption", "")) for b in s.b.doc.blocks)
    assert "accumulated squares shrink" not in caps
    assert "accumulated squared gradients grow every step, so its steps shrink" in caps


def test_a_short_run_numbers_every_iterate_that_has_room():
    """Study p. 8, GD on x² with η = 1.1 (x_k = 10·(−1.2)^k): iterates 8 and 9 lie far apart
    on the outer branches with room around them but were never offered a number (only the
    first six spread apart were)."""
    fig = Figure(figsize=(6.8 / 3, 190 / 72), layout="constrained")
    path = 10.0 * (-1.2) ** np.arange(11.0)
    plots.plot_curve_1d(lambda x: x**2, {"η = 1.1": path}, legend=False, numbered=6,
                        zoom=False, fig=fig)
    fig.canvas.draw()
    ax = fig.axes[0]
    shown = {int(t.get_text()) for t in ax.texts if t.get_visible() and t.get_text()}
    assert {6, 7, 8, 9, 10} <= shown
    assert plots.audit(fig) == []


def test_a_diverged_cross_on_the_threshold_line_stays_visible():
    """Study p. 9: the first ✕ (diverged) sits on the dashed line of the first η that
    diverged, drawn in the same colour.  The line lies under it and is not blanked around
    it (a white halo there cut the threshold lines, study p. 13): it shows just above and
    below the cross, and the cross shows by its arms, which reach beyond the line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb

    lrs = np.geomspace(0.01, 1.5, 31)
    div = lrs > 1.0
    first = float(lrs[div].min())
    sweep = NS(lrs=lrs, final_error=np.where(div, np.inf, np.abs(1 - 2 * lrs) ** 50 * 10),
               diverged=div, predicted_threshold=1.0, observed_threshold=first,
               bracket=(float(lrs[~div].max()), first))
    fig = Figure(figsize=(3.4, 3.0), dpi=200, layout="constrained")
    FigureCanvasAgg(fig)
    plots.plot_lr_sweep(sweep, fig=fig)
    fig.canvas.draw()
    ax = fig.axes[0]
    (cross,) = [ln for ln in ax.lines if ln.get_label().startswith("diverged")]
    (line,) = [ln for ln in ax.lines if ln.get_label().startswith("first η on the grid")]
    assert line.get_zorder() < cross.get_zorder()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    x, y = cross.get_transform().transform([[first, 0.91]])[0]
    px = fig.dpi / 72.0
    half = 0.5 * cross.get_markersize() * px
    orange = np.asarray(to_rgb(plots.color(1)))

    def near_orange(r, c):
        patch = img[r - 1:r + 2, c - 1:c + 2].reshape(-1, 3)
        return np.min(np.abs(patch - orange).sum(axis=1)) < 0.3

    h = img.shape[0]
    arms = [(int(round(h - (y + sy * 0.7 * half))), int(round(x + sx * 0.7 * half)))
            for sx in (-1, 1) for sy in (-1, 1)]
    assert all(near_orange(r, c) for r, c in arms), "the cross's arms do not show"
    white = [np.all(img[int(round(h - (y + s))), int(round(x)) - 1:int(round(x)) + 2] > 0.97)
             for s in np.arange(-half - 3 * px, half + 3 * px, 0.5)]
    assert sum(white) < len(white) / 2  # dashes and their gaps, not a blank around ✕


def test_basin_strips_side_by_side_give_one_minimum_one_colour():
    """Study p. 16, x·cos(cx): with η = 2 every start ends at the minimum −1.83, with η = 0.2
    the starts split between −13.7, −1.83 and 7.27; each strip coloured its own points in
    turn, so one purple meant −1.83 above and −13.7 below."""
    from matplotlib.colors import to_hex

    xs = np.linspace(-20, 20, 41)
    points = np.array([[-13.7], [-1.83], [7.27]])
    kinds = ["minimum"] * 3
    wide = NS(xs=xs, ys=None, labels=np.full(41, 1), points=points, kinds=kinds, counts={})
    small = NS(xs=xs, ys=None, labels=np.digitize(xs, [-7.3, 1.9]), points=points,
               kinds=kinds, counts={})
    shared = plots.basin_colors(wide, small)

    def fills(bm) -> dict[str, str]:
        fig = plots.plot_basins(bm, lambda x: x * np.cos(0.15 * np.pi * x), colors=shared,
                                fig=_fig(3.0))
        strip = fig.axes[1].images[0]
        drawn = {to_hex(strip.cmap(strip.norm(v))) for v in np.unique(strip.get_array())}
        handles = fig.legends[0].legend_handles
        names = [t.get_text() for t in fig.legends[0].get_texts()]
        out = {n.split(":")[0]: to_hex(h.get_facecolor())
               for h, n in zip(handles, names, strict=True) if n.startswith("→")}
        assert set(out.values()) == drawn  # the legend names the colours of the strip
        return out

    top, bottom = fills(wide), fills(small)
    assert top["→ minimum at -1.83"] == bottom["→ minimum at -1.83"]
    assert len(set(bottom.values())) == 3  # three minima, three colours


@pytest.mark.parametrize("labels", [["newton"], ["gd η = 0.2", "gd η = 0.05"]])
def test_fit_window_legend_handle_is_drawn_like_the_shading(labels):
    """Study p. 17: the window was shaded pink along Newton's curve (its colour, pale) but
    its legend handle was a grey band."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D

    errs = {lab: 10.0 * (0.5 + 0.1 * i) ** np.arange(40.0) for i, lab in enumerate(labels)}
    fig = plots.plot_error(errs, windows={lab: (5, 30) for lab in labels}, fig=_fig())
    fig.canvas.draw()

    def look(ln):
        return (to_rgba(ln.get_color(), ln.get_alpha()), ln.get_linewidth())

    shades = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_linewidth() >= 6]
    assert len(shades) == len(labels)
    bands = [ln for ln in fig.legends[0].findobj(Line2D) if ln.get_linewidth() >= 6]
    assert sorted(map(look, bands)) == sorted(map(look, shades))


def test_ratio_markers_stay_open_where_the_joining_line_turns():
    """Study p. 19, heavy ball: the ratio swings up and down; the thin line joining the open
    markers ran through their inside and filled those at the sharp turns, so the panel
    showed filled and open triangles with no explanation.  Inside each marker: white."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    r = np.where(np.arange(20) % 3 == 0, 20.0, 0.05)  # up and down
    e = np.r_[1.0, np.cumprod(r)]
    fig = Figure(figsize=(6.8, 3.0), dpi=300, layout="constrained")
    FigureCanvasAgg(fig)
    plots.plot_error({"momentum η = 0.6, β = 0.5": e}, fig=fig)
    fig.canvas.draw()
    ax = next(a for a in fig.axes if any(ln.get_gid() == "ratios" for ln in a.lines))
    (ln,) = [ln for ln in ax.lines if ln.get_gid() == "ratios"]
    assert any(j.get_gid() == "ratio-join" for j in ax.lines)  # joined by a line
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    every = ln.get_markevery()
    xy = np.asarray(ln.get_xydata(), float)
    xy = xy if every is None else xy[np.asarray(every)]
    centres = ln.get_transform().transform(xy)
    for x, y in centres:
        px = img[int(round(img.shape[0] - y)), int(round(x))]
        assert px.min() > 0.9, (x, y, px)  # white: the line does not show inside


def test_short_fit_windows_get_a_ratio_panel_of_their_own_iterations():
    """Study p. 22, κ = 100: GD's ratios span k = 0–1474, heavy ball's 102–173 and
    Nesterov's 181–308; on one 0–1500 axis heavy ball kept 2 markers and Nesterov 3 (the
    markers may not overlap), so their approach to ρ from above was lost."""
    k = np.arange(1500.0)
    errs = {"gd": 0.9802 ** k, "hb": (1 + k[:180]) * 0.8182 ** k[:180],
            "nest": (1 + k[:320]) * 0.9 ** k[:320]}
    wins = {"gd": (0, 1474), "hb": (102, 173), "nest": (181, 308)}
    fig = plots_lecture.plot_error_ratios(errs, {"gd": 0.9802, "hb": 0.8182, "nest": 0.9},
                                          windows=wins, fig=_fig())
    fig.canvas.draw()
    for ax in fig.axes:
        for ln in ax.lines:
            if ln.get_gid() != "ratios":
                continue
            every = ln.get_markevery()
            shown = len(ln.get_xdata()) if every is None else len(every)
            lo, hi = ax.get_xlim()
            x = np.asarray(ln.get_xdata(), float)
            assert shown >= 8, (ln.get_color(), shown)
            assert (x.max() - x.min()) >= 0.3 * (hi - lo)  # the series fills its axis
    assert plots.ratio_groups({"gd": (0, 1474), "hb": (102, 173), "nest": (181, 308)}) == \
        [["gd"], ["hb", "nest"]]
    assert plots.ratio_groups({"a": (0, 99), "b": (10, 60)}) == [["a", "b"]]
    assert plots.audit(fig) == []
    # each stacked ratio panel has iterations of its own (GD's 0–1500 on top): each names
    # its x axis, not only the bottom one
    rights = plots_lecture.ratio_axes(fig)
    assert len(rights) == 2
    assert [ax.get_xlabel() for ax in rights] == ["iteration k"] * 2


def test_a_marked_iteration_is_drawn_only_in_ratio_panels_that_reach_it():
    """Study p. 25: GD's 20 steps get a ratio panel of their own (k = 0–19) beside the
    80-step momentum runs; the dotted k = 20 mark fell outside that panel's axis."""
    k = np.arange(81.0)
    errs = {"β = 0.5": 0.7 ** k, "β = 0.25": 0.86 ** k, "GD (β = 0)": 1.4 ** k[:21]}
    fig = plots_lecture.plot_error_ratios(errs, {"β = 0.5": 0.7, "β = 0.25": 0.86,
                                                 "GD (β = 0)": 1.4}, mark=20, fig=_fig())
    rights = [a for a in fig.axes if any(ln.get_gid() == "ratios" for ln in a.lines)]
    assert len(rights) == 2
    assert plots.audit(fig) == []


def test_a_theory_line_its_measured_ratios_lie_on_shows_its_dashes():
    """Study p. 19, GD on x₂: the ratio is |1 − ηL| at every step, so the solid line joining
    the markers ran exactly under the dashed theory line of its colour and filled its gaps:
    the theory lines for ρ = 0.6 and ρ = 1.4 could not be seen.  Between the markers, the
    gaps of the dashes show the background."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    k = np.arange(21)
    errors = {"gd η = 0.4": 2.0 * 0.6**k, "gd η = 0.6": 2.0 * 1.4**k}
    fig = Figure(figsize=(6.8, 3.0), dpi=300, layout="constrained")
    FigureCanvasAgg(fig)
    plots.plot_error(errors, rates={"gd η = 0.4": 0.6, "gd η = 0.6": 1.4}, fig=fig)
    fig.canvas.draw()
    ax = next(a for a in fig.axes if any(ln.get_gid() == "ratios" for ln in a.lines))
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    (x0, _), (x1, _) = ax.transData.transform([(0.0, 1.0), (19.0, 1.0)])
    xs = np.arange(int(x0), int(x1))
    for ln in [ln for ln in ax.lines if ln.get_gid() == "ratios"]:  # away from the markers
        drawn = np.asarray(ln.get_xdata(), float)[np.asarray(ln.get_markevery())]
        px = ax.transData.transform(np.c_[drawn, np.ones_like(drawn)])[:, 0]
        reach = ln.get_markersize() * fig.dpi / 72.0
        xs = xs[np.min(np.abs(xs[:, None] - px[None, :]), axis=1) > reach]
    for rho in (0.6, 1.4):
        row = int(round(img.shape[0] - ax.transData.transform((0.0, rho))[1]))
        light = img[row, xs].min(axis=1) > 0.8  # background or the halo: a gap of the dashes
        assert light.mean() > 0.2, (rho, light.mean())


def test_the_rosenbrock_caption_says_how_a_long_path_is_marked():
    """Study p. 32: GD's panel (31798 iterations) showed a line with about three markers
    where the others are densely marked, and the caption said nothing of it: a long path is
    marked every s-th iterate, and most of those marks sit at the minimum."""
    from landscape import Objective

    k = np.arange(401)
    d = np.where(k < 100, 1.0, 0.05)  # far until iteration 100, then within 0.1
    long = np.c_[1.0 + d, np.ones_like(d)]
    short = np.array([[-1.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
    text = study._marked_iterates_text({"newton": short, "gd": long}, (1.0, 1.0))
    # 401 iterates, ⌊401/40⌋ = 10: k = 0, 10, …, 400 are marked (41), those from 100 on close;
    # study p. 37: the panel is named without a possessive ("GD with η = 0.001's panel")
    assert text == ("The panels of newton mark every iterate; the panel of gd marks one "
                    "iterate in "
                    "10 (41 markers): 31 of them lie within 0.1 of (1, 1), inside its "
                    "last-iterate square, where gd stays from iteration 100 on (75% of its "
                    "steps), so its line shows only a few markers along the valley.")
    # the panels draw what the text says
    fig = plots.plot_paths_grid(Objective.parse("(x - 1)**2 + (y - 1)**2"),
                                [(-2.0, 3.0), (-1.0, 3.0)], {"newton": short, "gd": long},
                                fig=_fig())
    marks = {ln.get_label(): len(ln.get_xdata()) for ax in fig.axes for ln in ax.lines
             if ln.get_label().endswith(" iterates")}
    assert marks == {"_newton iterates": 3, "_gd iterates": 41}


def test_a_drawing_of_the_first_steps_names_the_fit_window_past_it():
    """Study p. 15: the legend read "gd η = 2 (25 steps; …)" and the zoom "iterates 2–25"
    beside a table whose fit window for that run is [16–637]: the figure shows only the
    first 25 steps, and says so."""
    assert study._first_steps_text(25, (16, 637)) == (
        "  Only the first 25 steps are drawn; the rate fit in the table below runs on, over "
        "its window k = 16–637.")
    assert study._first_steps_text(25, (3, 20)) == ""  # the window lies in the drawing
    assert study._first_steps_text(25, None) == ""
    s = built(study.section_local_minimum)
    (fig,) = [b for b in s.doc.figures() if b.label == "xcos path"]
    # p. 16: the curve runs to x ≈ ±23 (padding), past the interval [−20, 20] the text calls
    # the box, which was not marked
    drawn = _drawn(fig)
    edges = sorted(float(ln.get_xdata()[0]) for ln in drawn.axes[0].get_lines()
                   if len(set(ln.get_xdata())) == 1 and ln.get_linestyle() == ":")
    assert edges == [-20.0, 20.0]
    assert drawn.axes[0].get_xlim()[0] < -20.0 < 20.0 < drawn.axes[0].get_xlim()[1]
    assert "Dotted lines: the ends of the interval [-20, 20] in which the minima were " \
           "searched." in fig.caption
    (st,) = [v for k, v in s.studies.items() if k.endswith(" / GD with η = 2")]
    win = st.measurement.window
    assert win[1] > 25  # the rate study runs past the 25 steps drawn
    assert f"window k = {win[0]}–{win[1]}" in fig.caption
    # the legend called the square on iterate 25 "last iterate", while the run it begins
    # ends at k = 636: it names the square by its index
    drawn.canvas.draw()
    entries = [text for text, _ in _legend_entries(drawn)]
    assert len(st.result.path) - 1 > 25
    assert "iterate 25 (last drawn)" in entries and "last iterate" not in entries, entries
    assert plots.last_square_label([12]) == "last iterate"
    assert plots.last_square_label([12, 12], cut=True) == "iterate 12 (last drawn)"


def test_the_last_triple_order_says_why_it_differs_from_the_table():
    """Study p. 18: Newton on cosh(x/2) showed order 2.94 in the theory table and 2.99 in the
    check below it, with no word on why: the check reads the last three errors clear of
    rounding, the table fits its whole window."""
    s = built(study.section_newton_cosh)
    (c,) = [c for c in s.checks if c.what.startswith("order q of")]
    (st,) = s.studies.values()
    # p. 18 said "The theory module notices this", a name from inside the code
    text = " ".join(str(getattr(b, "text", "")) for b in s.b.doc.blocks)
    assert "theory module" not in text and "The analysis checks for this" in text
    # x ← x − tanh(cx)/c from 10, c = 1/2: the last triple with e_(k+1) ≥ 10³ε·e_k
    x = [10.0]
    while abs(x[-1]) > 0 and len(x) < 40:
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    e = np.abs(x)
    ks = [k for k in range(1, len(e) - 1) if e[k - 1] > e[k] > e[k + 1] > 0
          and e[k + 1] >= 1e3 * np.finfo(float).eps * e[k] and e[k] < 1]
    k = ks[-1]
    m = st.measurement
    w0, w1 = m.window
    a, b = m.order_window
    # the printed range is the one the order was fitted on: the least-squares slope of
    # ln e_(k+1) on ln e_k over e_a..e_b is the measured order, over the whole window not
    l = np.log(e[a:b + 1])
    assert np.polyfit(l[:-1], l[1:], 1)[0] == pytest.approx(m.order, rel=1e-9)
    whole = np.log(e[w0:w1 + 1])
    assert abs(np.polyfit(whole[:-1], whole[1:], 1)[0] - m.order) > 0.1
    assert w0 < a and b == w1
    early = f"step {w0}" if a - 1 == w0 else f"steps {w0}–{a - 1}"
    assert c.reason.startswith(f"from the errors at iterations {k - 1}–{k + 1}, the last three "
                               "clear of rounding; the convergence table of the "
                               f"Newton-on-cosh(cx) section fits the errors of k = {a}–{b} "
                               f"(the fit drops the pre-asymptotic {early}) by least squares: "
                               f"{plots.fmt(m.order, 3)}"), c.reason
    assert w0 < k - 1  # the window does reach further back than the triple
    # the order of the last triple is computed from three errors, not fitted
    assert c.measured.endswith("ᵐ") and "ᶠ" not in c.measured, c.measured
    # the theory table prints the order with the range it was fitted on, and names the
    # measured order, in the band of the predicted order 3, as the prediction does: cubic
    (row,) = [r for r in s.rows if r[0] == "pure Newton"]
    assert row[1].startswith("cubic (order q = 3") and row[3] == "cubic", row
    assert row[5].endswith(f"[k = {a}–{b}]"), row[5]
    (conv,) = [c for c in s.checks if c.what.endswith(": convergence")]
    assert conv.measured.startswith("cubic (order q = "), conv.measured
    assert conv.theory.startswith("cubic (order q = "), conv.theory
    # the sentence over the per-step table names the kind as the table does, and why
    assert ("Pure Newton is measured cubic (per-step table follows)" in text
            and "is measured superlinear" not in text), text
    assert (f"its fitted order q = {plots.fmt(m.order, 3)} lies in the band [2.7, 3.9] of the "
            "predicted order 3." in text), text


def test_the_order_band_printed_for_newton_on_cosh_is_the_one_the_verdict_uses():
    """The band [0.9 q, 1.3 q] about a predicted exact order was written out in each place
    that tests or prints it: Newton on cosh(cx) (predicted order 3) prints order_band(3),
    in its theory-table row and in the sentence over its per-step table, and the quadratic
    band is the same rule at q = 2."""
    from analysis import empirical as E
    from analysis.compare import compare

    assert E.QUADRATIC_ORDER == E.order_band(2.0) == (1.8, 2.6)
    s = built(study.section_newton_cosh)
    (st,) = s.studies.values()
    q, m = st.prediction.order, st.measurement
    lo, hi = E.order_band(q)
    band = f"[{fmt_num(lo, 3)}, {fmt_num(hi, 3)}]"
    assert q == 3 and band == "[2.7, 3.9]" and lo <= m.order <= hi
    assert compare(st.prediction, m).agree
    (row,) = [r for r in s.rows if r[0] == "pure Newton"]
    assert row[6] == f"q = {fmt_num(m.order, 3)} in {band}", row
    text = " ".join(str(getattr(b, "text", "")) for b in s.b.doc.blocks)
    assert (f"lies in the band {band} of the predicted order {fmt_num(q, 3)}." in text), text


def _drawn(block) -> Figure:
    fig = Figure(figsize=(block.width / 72.0, block.fig_height / 72.0), layout="constrained")
    block.draw_fn(fig)
    return fig


def test_the_x2_ratio_panel_says_it_is_the_ratio_of_x2_and_explains_larger_markers(
        conditioning):
    """Study p. 19: the ratio axis read e₍ₖ₊₁₎/eₖ though the panel plots the ratio of the
    coordinate x₂, and enlarged triangles were drawn with no word.  Heavy ball's first step
    from v = 0 is GD's step, so at k = 0 momentum's ratio |1 − ηL| = 1.4 equals GD η = 0.6's
    and its marker is drawn around that one."""
    from landscape import Objective
    from optimizers import minimize

    (block,) = [b for b in conditioning.doc.figures() if b.label == "x2 errors"]
    fig = _drawn(block)
    (axr,) = [ax for ax in fig.axes if any(ln.get_gid() == "ratios" for ln in ax.get_lines())]
    # the second coordinate of x_(k+1) over that of x_k, every index subscripted
    assert axr.get_ylabel() == "|(xₖ₊₁)₂| / |(xₖ)₂|"
    assert "ratio |(xₖ₊₁)₂| / |(xₖ)₂| per step" in block.caption
    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    hb = minimize(obj, [-5.0, -2.0], "momentum", lr=0.6, momentum=0.5, steps=20,
                  record=True).path[:, 1]
    assert abs(hb[1] / hb[0]) == pytest.approx(abs(1 - 0.6 * 4.0), rel=1e-12)
    around = sorted(int(round(x)) for ln in axr.get_lines()
                    if ln.get_gid() == "ratios-around" for x in ln.get_xdata())
    assert 0 in around
    ks = ", ".join(str(k) for k in around[:-1]) + (" and " if len(around) > 1 else "") + \
        str(around[-1])
    assert (f"A larger hollow marker (momentum with η = 0.6, β = 0.5 at k = {ks}) rings an "
            "equal or nearly equal ratio drawn before it at that k.") in block.caption


def test_the_x2_caption_names_the_left_markers_as_drawn(conditioning):
    """Study p. 23: the caption read "Filled markers: |x₂| at each step (left)" while the
    left panels draw open (white) markers on every third iterate: the caption's words come
    from the markers drawn."""
    from matplotlib.colors import same_color

    (block,) = [b for b in conditioning.doc.figures() if b.label == "x2 errors"]
    fig = _drawn(block)
    lines = [ln for ax in fig.axes
             if not any(ln.get_gid() == "ratios" for ln in ax.get_lines())
             for ln in ax.get_lines() if ln.get_marker() not in ("", "None", None)]
    assert lines
    spacing = set()
    for ln in lines:
        assert same_color(ln.get_markerfacecolor(), "white")
        start, every = ln.get_markevery()
        n = len(ln.get_xdata())
        spacing.add(tuple(int(k) for k in np.asarray(ln.get_xdata())[start:n:every][:3]))
    (ks,) = spacing
    assert ks[1] - ks[0] == ks[2] - ks[1] == 3
    assert "Filled markers" not in block.caption
    assert (f"Open markers on the lines of |x₂| (left), every third step (k = {ks[0]}, "
            f"{ks[1]}, {ks[2]}, …); open markers: the ratio") in block.caption, block.caption


def test_coloured_cells_that_cannot_settle_are_explained():
    """Study p. 20: cells at β = 0.95 that cannot settle in 200 steps (ρ = √0.95, ρ²⁰⁰ =
    0.0058 > 10⁻³) showed a colour with no word; the caption counts them and says how far
    off ρ the rate of those that disagree is."""
    from analysis.sweeps import momentum_stability_map
    from landscape import Objective

    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    lrs = [0.02 + 1.18 / 29, 0.02 + 15 * 1.18 / 29, 0.2]
    smap = momentum_stability_map(obj, [-5.0, -2.0], lrs, [0.0, 0.95], steps=200)
    cells = study.rate_cells(smap)
    for c in cells:
        b, lr = c["momentum"], c["lr"]
        rho = math.sqrt(b) if all((1 + b - lr * lam) ** 2 < 4 * b for lam in (0.2, 4.0)) \
            else max(abs(1 - lr * lam) for lam in (0.2, 4.0)) if b == 0 else None
        if rho is not None:
            assert c["radius"] == pytest.approx(rho, rel=1e-9)
        assert 200 * math.log(c["radius"]) > math.log(1e-3) and math.isfinite(c["rate"])
    # β = 0: |1 − 0.0607·0.2|²⁰⁰ = 0.087 > 10⁻³ (unsettled, a clean geometric decay);
    # η = 0.2: 0.96²⁰⁰ = 2.8e−4 settles; β = 0.95: every stable cell is unsettled
    got = {(round(c["lr"], 4), c["momentum"]) for c in cells}
    assert (round(lrs[0], 4), 0.0) in got and (0.2, 0.0) not in got
    assert any(c["momentum"] == 0.95 for c in cells)
    text = study.unsettled_text(cells, 200)
    off = [c for c in cells if not c["agrees"]]
    assert text.startswith(f"  Coloured though ρ^200 > 10⁻³ (not settled in 200 steps): "
                           f"{len(cells)} cell")
    if off:
        worst = max(abs(c["rate"] - c["radius"]) / c["radius"] for c in off)
        assert f"up to {study.percent(worst)} off ρ" in text
    # study p. 23: the count is of the stable cells (ρ < 0.99); the coloured cells at the
    # edge of stability, 0.99 ≤ ρ < 1, are said apart: here η = 0.499, β = 0, whose
    # ρ = |1 − 0.499·4| = 0.996 (GD, slow but stable: a colour, no diverging)
    edge_map = momentum_stability_map(obj, [-5.0, -2.0], [0.2, 0.499], [0.0], steps=200)
    assert edge_map.predicted_radius[0][1] == pytest.approx(0.996)
    assert not edge_map.diverged[0][1] and math.isfinite(edge_map.measured_rate[0][1])
    assert study.edge_cells(edge_map) == 1 and study.edge_cells(smap) == 0
    said = study.unsettled_text(cells, 200, 0.99, study.edge_cells(edge_map))
    assert said.startswith("  Coloured, stable (ρ < 0.99) though ρ^200 > 10⁻³ (not settled "
                           f"in 200 steps): {len(cells)} cell")
    assert said.endswith("  The other 1 coloured cell, with 0.99 ≤ ρ < 1, lies at the edge "
                         "of stability, where no rate is compared with ρ.")
    # with no unsettled stable cell before it, the edge cells are not "the other" ones
    assert study.unsettled_text([], 200, 0.99, 2) == (
        "  The 2 coloured cells, with 0.99 ≤ ρ < 1, lie at the edge of stability, where no "
        "rate is compared with ρ.")


def test_the_stability_map_caption_explains_its_unsettled_colours(conditioning):
    (block,) = [b for b in conditioning.doc.figures() if b.label == "momentum map"]
    assert "Coloured, stable (ρ < 0.99) though ρ²⁰⁰ > 10⁻³ (not settled in 200 steps)" in \
        block.caption


@pytest.fixture(scope="module")
def quadratic():
    return built(study.section_quadratic)


def test_the_x2_error_panel_title_does_not_repeat_its_axis_label(quadratic):
    """Study p. 11: the title "Error |xₖ − 0| and the rate |1 − ηL|ᵏ" said again what the
    y-label "error ‖xₖ − x*‖₂ (log)" says: the axis names the error, the title the rest."""
    (block,) = [b for b in quadratic.doc.figures() if b.label == "x² errors"]
    fig = _drawn(block)
    (ax,) = [a for a in fig.axes if a.get_yscale() == "log" and "error" in a.get_ylabel()]
    title = ax.get_title() or next(t.get_text() for t in fig.texts if t.get_text())
    assert "error" not in title.lower() and "|1 − ηL|" in title, (title, ax.get_ylabel())


def test_the_ratio_markers_sentence_states_what_is_drawn(quadratic):
    """Study p. 9: the caption said a run of more than 60 steps shows its first steps, its
    extremes and every j-th, but gd η = 0.2 showed 3 markers (those on a theory line are
    spaced so that the line shows): the caption now counts the markers drawn."""
    (block,) = [b for b in quadratic.doc.figures() if b.label == "x² errors"]
    assert "shows its first steps, its extremes and every j-th" not in block.caption
    fig = _drawn(block)
    colours = {}  # the legend's label of each series colour
    for lg in fig.legends:
        for h, t in zip(lg.legend_handles, lg.get_texts(), strict=False):
            if hasattr(h, "get_marker") and h.get_marker() not in ("None", None, ""):
                colours[tuple(np.round(plots.mpl.colors.to_rgba(h.get_color()), 3))] = \
                    " ".join(t.get_text().split())
    counts = {}
    for ax in fig.axes:
        for ln in ax.get_lines():
            if ln.get_gid() == "ratios":
                name = colours[tuple(np.round(plots.mpl.colors.to_rgba(ln.get_color()), 3))]
                every = ln.get_markevery()
                counts[name] = counts.get(name, 0) + (len(ln.get_xdata()) if every is None
                                                      else len(every))
    assert set(counts) == {"GD with η = 0.2", "GD with η = 0.05", "GD with η = 1.1"}
    for name, n in counts.items():
        assert re.search(rf"{re.escape(name)}: {n} markers? \(k = \d+", block.caption), (
            name, n, block.caption)
    assert "spaced so that none overlaps another" in block.caption


def test_runs_and_tests_are_named_in_words(quadratic, saddle_and_surfaces):
    """Study pp. 2–3: the summary read "gd η = 0.2: convergence", "hessian test: the kind
    predicted" and "(test: hessian)": code names where the pages print words."""
    whats = [c.what for c in quadratic.checks]
    assert "GD with η = 0.2: convergence" in whats and "GD with η = 1.1: convergence" in whats
    assert not any(w.startswith("gd") for w in whats), whats
    (kind,) = [c for c in saddle_and_surfaces.checks
               if c.what == "x² − y²: kind of the critical point 0"]
    assert kind.measured == "nondegenerate saddle (Hessian test)"
    assert kind.decided == "Hessian test: the kind predicted"
    assert study.run_name("lbfgs") == "L-BFGS" and study.kind_test("higher-order") == (
        "higher-order test")


def test_summary_convergence_rows_carry_markers_and_the_exponents_they_compare(quadratic):
    """Study pp. 2–3: the convergence rows read "linear, ρ = 0.6" without a marker, where the
    section tables mark ρ as theory (ᵗ) or fit (ᶠ), and the x³ row was decided by
    "Δexponent/exponent 0.022%" between two exponents the row never gave; "quadratic,
    q = 1.79" named a kind that only the order's standard errors allow."""
    rows = {c.what: c for c in quadratic.checks}
    row = rows["GD with η = 0.2: convergence"]  # |1 − 0.2·2| = 0.6
    assert (row.theory, row.measured) == ("linear, ρ = 0.6ᵗ", "linear, ρ = 0.60000ᶠ")
    s = built(study.section_cubic)
    (row,) = [c for c in s.checks if c.what.endswith(": convergence")]
    (st,) = s.studies.values()
    # xₖ ≈ 1/(3ηk): an asymptote, not a bound; the exponent is named apart from the power,
    # so that its marker does not read as part of it ("k⁻¹ᵗ", k to the −1t)
    assert row.theory == "sublinear, ∝ k^−a, a = 1ᵗ"
    assert row.measured == f"sublinear, ∝ k^−a, a = {fmt_num(st.measurement.exponent, 4)}ᶠ"
    assert row.decided.startswith("Δexponent/exponent")
    from analysis.compare import kind_words

    assert kind_words(NS(kind="quadratic", order=1.79)) == (
        "quadratic (within 2 s.e.)")
    assert kind_words(NS(kind="quadratic", order=1.97)) == "quadratic"


def test_an_order_beside_its_kind_reads_as_one_vocabulary():
    """Study p. 3: "superlinear, q = 3ᵗ" beside "quadratic, q = 2": the kinds have no word
    for q = 3, so the order is given in brackets beside the kind it refines, for both."""
    assert study._kind_cell("superlinear", "—", "3ᵗ") == "superlinear (order q = 3ᵗ)"
    assert study._kind_cell("cubic", "—", "3ᵗ") == "cubic (order q = 3ᵗ)"


def test_an_exact_prediction_of_order_three_is_named_cubic():
    """Study pp. 3, 21: pure Newton on tanh(cx)-like f with f‴(x*) = 0 was predicted
    "superlinear" of order 3 beside rows that call order 2 "quadratic"; documents name it
    "cubic" (the JSON kind stays superlinear), a bound or another order keeps its kind."""
    from analysis.report import predicted_kind

    assert predicted_kind(NS(kind="superlinear", exact=True, order=3.0)) == "cubic"
    assert predicted_kind(NS(kind="superlinear", exact=True, order=2.5)) == "superlinear"
    assert predicted_kind(NS(kind="superlinear", exact=False, order=None)) == (
        "superlinear (bound)")
    assert predicted_kind(NS(kind="quadratic", exact=True, order=2.0)) == "quadratic"
    assert study._kind_cell("quadratic", "—", "2ᵗ") == "quadratic (order q = 2ᵗ)"
    assert study._kind_cell("linear", "0.6ᵗ", "—") == "linear, ρ = 0.6ᵗ"


def test_the_chain_bound_row_says_what_h_d_w_and_d_are():
    """Study p. 7: "|dh_d/dx| ≤ (|w|·sup|a′|)ᵈ" used h_d, w and d without defining them."""
    s = built(study.section_chain)
    bounds = [c for c in s.checks if "≤ (|w|·sup|a′|)" in c.what]
    assert len(bounds) == 3
    for c in bounds:
        assert "h_d = a(w·h_(d−1)), the output of layer d; h₀ = x; weight w = 1" in c.theory


def test_the_saddle_states_its_step_and_the_eigenvalue_of_the_escape_time(saddle_and_surfaces):
    """Study p. 13: η was never stated (only "1 − 2η = 0.8") and the escape time's
    ln(1 + η|λₘᵢₙ|) left λₘᵢₙ undefined."""
    from analysis.pages import Paragraph

    texts = [b.text for b in saddle_and_surfaces.doc.blocks if isinstance(b, Paragraph)]
    assert any("GD with step size (learning rate) η = 0.1 multiplies x by 1 − 2η = 0.8" in t
               for t in texts), texts
    # the start as the caption writes it, (1, 10⁻⁶), not (1, 1e−06)
    assert any("Started at (1, 10⁻⁶), almost on the stable manifold" in t for t in texts)
    (esc,) = [c for c in saddle_and_surfaces.checks if c.what.startswith("escape time")]
    # Hessian diag(2, −2) of x² − y²
    assert "η = 0.1, λ_min = -2 the negative Hessian eigenvalue, r = 1" in esc.reason


def test_the_plateau_row_says_where_its_upper_end_comes_from():
    """Study pp. 3, 14: "x₀ in a plateau region: 2.99 ≤ 4 ≤ 6" left the 6 unexplained: it is
    the end of the interval searched, not of the plateau."""
    s = built(study.section_tanh)
    (row,) = [c for c in s.checks if c.what.startswith("x₀ = 4 lies in a plateau")]
    lower = math.acosh(10.0)  # |tanh′| = sech² x < 0.01 ⇔ cosh x > 10
    # the edge the analysis found carries its marker (numeric roots of |f′| = 0.01 here);
    # the 6 is the interval's end, a given
    assert row.decided == (f"x₀ in a plateau region: {fmt_num(lower, 3)}ⁿ ≤ 4 ≤ 6 (6: the "
                           "end of the searched interval [-6, 6])"), row.decided


def test_a_per_step_table_of_a_short_run_shows_every_step():
    """Study p. 18: Newton on cosh(x/2) has 7 steps clear of rounding, and its per-step table
    showed k = 0, 1, 2, 3, 5, 6, leaving out k = 4 without a word."""
    s = study.Study(Builder("study cosh rows"), quick=True)
    study.section_newton_cosh(s)
    (t,) = [b for b in s.doc.blocks if getattr(b, "title", None)
            and ": errors and ratios" in b.title]
    assert "per step" in t.title  # every step shown
    ks = [int(r[0].rstrip("†¶◊")) for r in t.rows if r[0].rstrip("†¶◊").isdigit()]
    # x ← x − tanh(x/2)/(1/2) from 10: the steps k with e_k and e_(k+1) above 10³·ε·e₀
    x = [10.0]
    for _ in range(12):
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    e = np.abs(x)
    floor = 1e3 * np.finfo(float).eps * max(e[0], 1.0)
    clear = [k for k in range(len(e) - 1) if e[k] > floor and e[k + 1] > floor]
    assert clear == list(range(len(clear)))
    # ... and the last error above the floor, e_7, whose ratio cell says why none follows
    last = int(np.flatnonzero(e > floor)[-1])
    assert last == len(clear) and e[last + 1] <= floor
    assert ks == [*clear, last]
    assert t.rows[ks.index(last)][2] == "next error below the floor"


def test_the_nearest_chord_estimate_is_taken_at_its_midpoint():
    """Study p. 2 and p. 10: on the 121-point grid of [−2, 2] the eˣ note put the chords over
    two grid steps nearest 'by about h²·min f″/2 = 7.52e−05' beside the measured gap
    −7.77e−05: f″ was taken at x = −2, the interval's end, while the nearest chord is centred
    at −2 + h. Its gap is e^(−2+h)·(cosh h − 1) exactly, e^(−2+h)·h²/2 to leading order."""
    n, h = 121, 4 / 120
    x = np.linspace(-2.0, 2.0, n)
    f = np.exp(x)
    gap = max(f[i] - (f[i - 1] + f[i + 1]) / 2 for i in range(1, n - 1))  # two-step chords
    exact = math.exp(-2 + h) * (math.cosh(h) - 1)
    assert gap == pytest.approx(-exact, rel=1e-9)
    estimate = math.exp(-2 + h) * h * h / 2
    assert fmt_num(estimate, 3) == fmt_num(exact, 3) == "7.77e-05"
    assert fmt_num(math.exp(-2) * h * h / 2, 3) == "7.52e-05"  # the old estimate, at x = −2
    text = study._closest_chord_text(study._parse("exp(x)"), x, gap)
    assert f"the gap {fmt_num(gap, 3)} is negative" in text
    # p. 2: the note went on "come nearest, the nearest centred at m = −1.97 (where f″ is
    # least among their midpoints), by about …", a clause without a verb
    assert text.endswith(
        f"come nearest: the one centred at m = {fmt_num(-2 + h, 3)}, where f″ is least, lies "
        f"about h²·f″(m)/2 = {fmt_num(estimate, 3)} above the graph"), text
    assert "7.52e-05" not in text and "the nearest centred" not in text


def test_grid_gaps_are_numeric_and_the_escape_level_is_named(saddle_and_surfaces):
    """Study p. 2: chord gaps computed on a 121-point grid were marked ᵐ ('measured in an
    optimizer run') though no optimizer runs; the escape-time formula used r, never
    defined; p. 30: the first adaptive step was written ≈ η·sign(g), the table −0.4·sign(g)."""
    s = built(study.section_convexity)
    gaps = [c for c in s.checks if "chord" in c.what or "convex on" in c.what]
    assert len(gaps) == 6
    for c in gaps:
        assert "ᵐ" not in c.measured and "ⁿ" in c.measured, c
    # p. 8: "box" for an interval, and a negative "largest graph-above-chord gap" unexplained
    assert not any("box" in c.what for c in gaps)
    (x2,) = [c for c in gaps if c.what == "x²: convex on [−2, 2]?"]
    h = 4 / 60  # the quick grid: 61 points on [−2, 2]; f″ = 2, so the gap is −h²
    assert (f"the chords over two grid steps h = {fmt_num(h, 3)} come nearest, by about "
            f"h²·f″/2 = {fmt_num(h * h, 3)} (f″ = 2 throughout)") in x2.reason, x2.reason
    assert f"the gap {fmt_num(-h * h, 3)} is negative" in x2.reason
    (esc,) = [c for c in saddle_and_surfaces.checks if c.what.startswith("escape time")]
    assert "r = 1 the escape level" in esc.reason
    s = built(study.section_adaptive)
    text = " ".join(str(getattr(b, "text", "")) for b in s.b.doc.blocks)
    assert "the first step is ≈ −η·sign(g) in every coordinate (RMSProp: −η·sign(g)/√(1 − α))" \
        in text
    reasons = [c.reason for c in s.checks if c.what.endswith(": first step")]
    # the step against the gradient, −c·sign(g) (RMSProp's note opens with it, study p. 7)
    assert reasons and all(re.search(r"(?:^|≈ )−[\d.]+·sign\(g\) per coordinate", r)
                           for r in reasons), reasons
    # the library defaults: RMSProp's first step is η/√(1 − α) = 0.1, not "0.01 or less";
    # the distances moved in 20 steps recomputed here with torch.optim's update rules
    g = lambda x: np.array([0.2 * x[0], 4.0 * x[1]])  # noqa: E731  ∇(0.1x² + 2y²)
    x0 = np.array([-5.0, -2.0])
    x, acc = x0.copy(), np.zeros(2)
    for _ in range(20):  # AdaGrad, η = 0.01, ε = 1e−10
        acc += g(x) ** 2
        x = x - 0.01 * g(x) / (np.sqrt(acc) + 1e-10)
    moved = [np.linalg.norm(x - x0)]
    x, v = x0.copy(), np.zeros(2)
    for _ in range(20):  # RMSProp, η = 0.01, α = 0.99, ε = 1e−8
        v = 0.99 * v + 0.01 * g(x) ** 2
        x = x - 0.01 * g(x) / (np.sqrt(v) + 1e-8)
    moved.append(np.linalg.norm(x - x0))
    x, m, v = x0.copy(), np.zeros(2), np.zeros(2)
    for k in range(1, 21):  # Adam, η = 0.001, β = (0.9, 0.999), ε = 1e−8
        m = 0.9 * m + 0.1 * g(x)
        v = 0.999 * v + 0.001 * g(x) ** 2
        x = x - 0.001 * (m / (1 - 0.9**k)) / (np.sqrt(v / (1 - 0.999**k)) + 1e-8)
    moved.append(np.linalg.norm(x - x0))
    assert ("With this library's defaults (AdaGrad η = 0.01; RMSProp η = 0.01, α = 0.99; Adam "
            "η = 0.001, as in PyTorch) the first steps are 0.0100, 0.100 and 0.00100 per "
            "coordinate") in text
    three = [study.fmt_num(d, 3) for d in moved]
    assert (f"in 20 steps the iterates move {three[0]}, {three[1]} and {three[2]} (measured) of "
            "the distance 5.39 to the minimum") in text


def test_the_stability_map_gives_one_name_to_the_measured_and_one_to_the_predicted_rate(
        conditioning):
    """Study p. 21: the colour bar read "measured rate ρ" while the caption and the contour
    labels used ρ for the predicted spectral radius.  ρ now names the prediction only: the
    caption defines it, the contour labels use it, the colour bar says "measured rate"."""
    from matplotlib.text import Text

    (block,) = [b for b in conditioning.doc.figures() if b.label == "momentum map"]
    assert "ρ is the predicted spectral radius" in block.caption
    fig = _drawn(block)
    colour_bar = fig.axes[1].get_ylabel()
    assert colour_bar.startswith("measured rate") and "ρ" not in colour_bar
    labels = [t.get_text() for t in fig.axes[0].findobj(Text) if t.get_text().startswith("ρ=")]
    assert labels  # the contour levels are values of the predicted ρ


def test_the_rosenbrock_paths_caption_gives_the_gradient_tolerance(rosenbrock):
    """Study p. 33: "each method's default stopping rule (the gradient tolerance …)" gave no
    value, so the iteration counts could not be reproduced."""
    from landscape import Objective
    from optimizers import minimize
    from optimizers.methods import DEFAULT_GTOL

    (block,) = [b for b in rosenbrock.doc.figures() if b.label == "rosenbrock paths"]
    m = re.search(r"the gradient tolerance 10⁻([⁰¹²³⁴⁵⁶⁷⁸⁹]+): a run stops once "
                  r"‖∇f‖∞ ≤ 10⁻\1;", block.caption)
    assert m, block.caption
    gtol = 10.0 ** -int(m.group(1).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
    assert gtol == DEFAULT_GTOL
    # Study p. 36: the code name gtol is not a symbol of the text
    assert "gtol" not in block.caption
    obj = Objective.parse("(1 - x)**2 + 100*(y - x**2)**2")
    r = minimize(obj, [-1.2, 1.0], "newton")
    n = re.search(r"(?:newton|Newton): (\d+)", block.caption)
    assert r.status == "converged" and int(n.group(1)) == r.nit
    assert np.max(np.abs(obj.grad(r.x))) <= gtol


def test_a_measured_rate_beside_its_prediction_shows_the_prediction_s_digits(rosenbrock):
    """Study pp. 36–37: GD's robust fit read 0.9996ᶠ beside the predicted 0.999601ᵗ (the %g
    format drops the trailing zeros of 0.999600), hiding the 0.21% the verdict quotes: the
    measured rate keeps at least the digits of the rate it is compared with."""
    st = rosenbrock.studies[f"{rosenbrock.section} / GD with η = 0.001"]
    p, m = st.prediction.rate, st.measurement.rate
    assert round(p, 6) == 0.999601 and f"{m:.6f}" == "0.999600", (p, m)  # the case at issue
    tables = [b for b in rosenbrock.doc.blocks if hasattr(b, "rows")]
    (row,) = [r for t in tables if t.title == "Predicted and measured convergence"
              for r in t.rows if r[0] == "GD with η = 0.001"]
    # the row shows enough digits to reproduce its relative difference (next test); the
    # measured rate still shows at least the predicted one's digits
    shown_p, shown_m = row[2].split("ᵗ")[0], row[4].split("ᶠ")[0]
    assert round(float(shown_p), 6) == 0.999601 and round(float(shown_m), 6) == 0.999600, row
    assert len(shown_m) >= len(shown_p), row
    (per_step,) = [t for t in tables if str(t.title).startswith("GD with η = 0.001: errors")]
    (fit,) = [r for r in per_step.rows if r[1] == "robust fit (measured rate)"]
    # one print per number: the per-step table prints both rates as the row above does
    # (study p. 24: 0.85892 there against 0.858916 in the row)
    assert fit[2] == f"{shown_m}ᶠ" and per_step.rows[-1][2] == f"{shown_p}ᵗ", (fit, row)


def test_a_rate_row_shows_the_digits_that_reproduce_its_relative_difference(rosenbrock):
    """Study p. 8: "0.999601 vs 0.999600 with Δln ρ/ln ρ 0.21%": at six digits one unit in
    the last place is already 0.25% of −ln ρ, so the printed rates could not give the 0.21%
    the row quotes.  The two rates now carry the digits that do."""
    from analysis.compare import percent

    tables = [b for b in rosenbrock.doc.blocks if hasattr(b, "rows")]
    (row,) = [r for t in tables if t.title == "Predicted and measured convergence"
              for r in t.rows if r[0] == "GD with η = 0.001"]
    p, m = (float(re.match(r"[\d.]+", c).group(0)) for c in (row[2], row[4]))
    diff = max(abs(m - p) / p, abs(math.log(m) - math.log(p)) / abs(math.log(p)))
    shown = re.search(r"ρ/ln ρ ([\d.]+%)", row[6])
    assert shown is not None, row[6]
    assert percent(diff) == shown.group(1), (row, percent(diff))
    # and the summary row of the check repeats those cells
    (chk,) = [c for c in rosenbrock.checks if c.what == "GD with η = 0.001: convergence"]
    assert row[2] in chk.theory and row[4].split(" [")[0] in chk.measured


def test_rate_pair_digits_are_the_fewest_that_reproduce_the_difference():
    from analysis.compare import percent, rate_diff
    from analysis.report import rate_pair_digits
    from landscape.numfmt import rate_digits

    # a difference below 0.01% needs no more digits than the rate's own
    assert rate_pair_digits(0.78555, 0.78555 * (1 + 1e-9)) == rate_digits(0.78555)
    for p, m in ((0.99960060, 0.99960012), (0.9996006, 0.9995990), (0.85895, 0.85901),
                 (0.5, 0.5)):
        n = rate_pair_digits(p, m)
        assert n >= max(rate_digits(p), rate_digits(m))
        printed = float(f"{m:.{n}g}"), float(f"{p:.{n}g}")
        assert percent(rate_diff(*printed)) == percent(rate_diff(m, p)), (p, m, n)
        if n > max(rate_digits(p), rate_digits(m)):  # one digit fewer does not do it
            fewer = float(f"{m:.{n - 1}g}"), float(f"{p:.{n - 1}g}")
            assert percent(rate_diff(*fewer)) != percent(rate_diff(m, p))


def test_the_chain_text_says_what_tanh_does_and_no_exact_depth_is_skipped():
    """Study p. 37: "tanh is better near 0 but saturates" did not describe the figure (with
    w = x = 1, h_d → 0 where tanh′ → 1; the product decays like d^(−3/2)), and the exact
    SymPy markers were at d = 1–6, 8 under "depth ≤ 8"."""
    from analysis.pages import Paragraph

    s = built(study.section_chain)
    (text,) = [b.text for b in s.doc.blocks if isinstance(b, Paragraph)
               and b.text.startswith("A deep network")]
    assert "saturates" not in text

    def tanh_chain(d: int) -> float:  # Π tanh′(h_(k−1)), h₀ = 1
        h, p = 1.0, 1.0
        for _ in range(d):
            p *= 1.0 - math.tanh(h) ** 2
            h = math.tanh(h)
        return p

    slope = math.log(tanh_chain(50) / tanh_chain(20)) / math.log(50 / 20)
    assert -1.5 < slope < -1.3  # polynomial, approaching d^(−3/2)
    assert (f"slope of log|dh_d/dx| against log d from d = 20 to 50 is "
            f"{study.fmt_num(slope, 3)}") in text
    assert "depths 1–8" in text
    (block,) = [b for b in s.doc.figures() if b.label == "chains"]
    fig = _drawn(block)
    legend = [t.get_text() for lg in fig.legends + [a.get_legend() for a in fig.axes
                                                      if a.get_legend()]
              for t in lg.get_texts()]
    assert any("1–8" in t for t in legend) and not any("1–6, 8" in t for t in legend), legend


def test_the_rosenbrock_section_prints_method_labels_not_code_names(rosenbrock):
    """Documents print a method by its label (registry.label: "L-BFGS"), not by the code
    name of the CLI and JSON ("lbfgs"): panel titles, captions, table rows."""
    from optimizers import registry

    names = ("newton", "bfgs", "lbfgs", "cg")
    (paths,) = [b for b in rosenbrock.doc.figures() if b.label == "rosenbrock paths"]
    assert f"with iterations: {registry.label('newton')}: " in paths.caption
    for m in names:
        assert re.search(rf"(?<![\w-]){m}\b", paths.caption) is None, (m, paths.caption)
    tables = [b for b in rosenbrock.doc.blocks if hasattr(b, "rows")]
    (conv,) = [t for t in tables if t.title == "Predicted and measured convergence"]
    assert [r[0] for r in conv.rows][:4] == [registry.label(m) for m in names]
    assert "GD with η = 0.001" in [r[0] for r in conv.rows]


def test_the_rosenbrock_paths_caption_names_its_panels_and_the_method_without_one(rosenbrock):
    """Study p. 36: the paths figure said "one panel per method" beside a batch table of six
    methods, with five panels; momentum, run only in the batch, had none.  The caption names
    the methods it draws and says why momentum has no panel."""
    from optimizers import registry

    (paths,) = [b for b in rosenbrock.doc.figures() if b.label == "rosenbrock paths"]
    drawn = ", ".join(registry.label(m) for m in ("newton", "bfgs", "lbfgs", "cg"))
    assert paths.caption.startswith(
        f"One panel per method run alone from (−1.2, 1) ({drawn} and GD with η = 0.001; "
        "heavy-ball momentum runs only in the batch of starts), on the same axes")


def test_the_split_chain_figure_says_how_many_decades_its_values_span():
    """Study p. 37: "the values span more than 12 decades" where sigmoid alone spans 32."""
    s = built(study.section_chain)
    (block,) = [b for b in s.doc.figures() if b.label == "chains"]
    h, p = 1.0, 1.0  # sigmoid chain at depth 50, w = x = 1: Π σ′(h_(k−1))
    for _ in range(50):
        sig = 1.0 / (1.0 + math.exp(-h))
        p, h = p * sig * (1.0 - sig), sig
    span = 0.0 - math.log10(p)  # relu's derivative 1 is the largest value
    assert 32 < span < 33
    # study p. 43: the sigmoid panel alone spans those decades, so the reason for two axes
    # is the flat traces' few decades, which one 32-decade axis would flatten
    assert f"on one axis of all {study.fmt_num(span, 2)} decades the first would be " \
        "flattened" in block.caption, block.caption
    assert "more than the 12" not in block.caption
    m = re.search(r"tanh and relu span ([\d.]+) decades, sigmoid ([\d.]+):", block.caption)
    assert m and float(m.group(1)) < 12 < float(m.group(2))


def test_newton_s_error_constants_are_checked_against_f3_over_2f2():
    """Study p. 39: the per-step tables' last row said only "bounded" for e_(k+1)/e_k²; the
    measured constants 0.148 and 0.118 are |f‴/(2f″)| at the two limits, now checked."""
    from scipy.optimize import brentq

    c = 0.15 * math.pi  # f = x cos(cx)
    d1 = lambda x: math.cos(c * x) - c * x * math.sin(c * x)  # noqa: E731
    d2 = lambda x: -2 * c * math.sin(c * x) - c * c * x * math.cos(c * x)  # noqa: E731
    d3 = lambda x: -3 * c * c * math.cos(c * x) + c**3 * x * math.sin(c * x)  # noqa: E731
    s = built(study.section_newton_nonconvex)
    for name, (lo, hi) in (("pure Newton", (1.0, 3.0)), ("saddle-free Newton", (6.0, 8.0))):
        x = brentq(d1, lo, hi)
        want = abs(d3(x) / (2 * d2(x)))
        (chk,) = [k for k in s.checks if k.what.startswith(f"{name}: e_(k+1)/e_k²")]
        assert chk.verdict == "agrees"
        (theory,) = [n.value for n in s.b.ledger if n.item == chk.what and
                     n.quantity == "theory"]
        assert theory == pytest.approx(want, rel=1e-9)
    assert [round(abs(d3(x) / (2 * d2(x))), 3) for x in (brentq(d1, 1, 3), brentq(d1, 6, 8))] \
        == [0.148, 0.118]


def test_rows_read_alone_in_the_summary_give_their_parameters():
    """Study p. 3: the summary repeats each section's rows, and there "the table above" (of the
    Newton-on-cosh section) pointed at nothing; the rows on cosh(cx) and x·cos(cx) never gave
    c, the tanh crossing row not η, on which ∫dx/(η|f′|) rests."""
    s = built(study.section_newton_cosh, study.section_tanh, study.section_local_minimum)
    rows = {c.what: c for c in s.checks}
    assert not any("table above" in c.reason for c in s.checks)
    (order,) = [c for w, c in rows.items() if w.startswith("order q of")]
    assert "the convergence table of the Newton-on-cosh(cx) section fits" in order.reason
    # the section's own checks table, under that convergence table, names it by its run (the
    # table may end a page before it: "above" would point back a page)
    def mine(r):  # the row's what cell is typeset (subscripts): found by its note
        return r[-1].startswith(order.reason.split(",")[0])

    (table,) = [t for t in s.doc.blocks if getattr(t, "title", "") == "Theory and measurement"
                and any(mine(r) for r in t.rows)]
    (row,) = [r for r in table.rows if mine(r)]
    assert row[-1] == order.reason.replace(
        "the convergence table of the Newton-on-cosh(cx) section",
        "the per-step table of pure Newton")
    assert row[-1] != order.reason
    kinds = [type(t).__name__ for t in s.doc.blocks]
    per_step = [i for i, t in enumerate(s.doc.blocks) if "pure Newton" in getattr(t, "title", "")
                and "errors and ratios" in getattr(t, "title", "")]
    assert per_step and per_step[0] < s.doc.blocks.index(table), kinds
    assert "constant C = e_(k+1)/e_k³ vs c²/3 (c = 0.5)" in rows
    # GD with η = 1 from 4 to 1 on tanh: count the steps independently
    x, k = 4.0, 0
    while x > 1.0:
        x -= 1.0 - math.tanh(x) ** 2
        k += 1
    (cross,) = [c for w, c in rows.items() if w == "GD (η = 1) steps from x = 4 to x ≤ 1"]
    assert f"{k}" in cross.measured
    (basin,) = [c for w, c in rows.items() if w.startswith("minima of x·cos(cx), c = 0.15π,")]
    assert "reached from the grid of 201 starts" in basin.measured  # quick: 201 starts
    (fig,) = [b for b in s.doc.figures() if b.label == "xcos basins"]
    assert (f"one of 201 evenly spaced starts in [{fmt_num(-20.0)}, {fmt_num(20.0)}]"
            in fig.caption), fig.caption


def test_the_divergence_sweep_is_stated_and_its_values_marked(conditioning):
    """Study p. 23: "stable at η = 0.4729, diverges at η = 0.5357" did not say which sweep of η
    they come from, and carried no marker."""
    (row,) = [c for c in conditioning.checks if c.what == "GD divergence threshold (η)"]
    n = 14  # quick mode's sweep (the full study runs 25)
    lrs = np.geomspace(0.05, 1.0, n)
    lo = max(v for v in lrs if v < 0.5)
    hi = min(v for v in lrs if v > 0.5)
    assert (f"stable at η = {fmt_num(lo)}ᵐ, diverges at η = {fmt_num(hi)}ᵐ ({n} log-spaced η "
            "in [0.05, 1], 100 steps each from "
            f"({fmt_num(-5.0)}, {fmt_num(-2.0)}))"
            ) == row.measured, row.measured


def test_the_chain_rows_say_where_the_chain_is_evaluated_and_mark_their_ratios():
    """Study p. 7: the activation-chain rows did not say the chain is evaluated at x = 1, and
    their ratios (0.42 = tanh′(1), 0.7864 = σ′(1)/0.25) had no marker; p. 38: the numeric
    entries at depths 10–50 claimed a stated tolerance that was not stated."""
    s = built(study.section_chain)
    bound = [c for c in s.checks if "≤ (|w|·sup|a′|)^d" in c.what]
    assert len(bound) == 3 and all(c.what.endswith("at x = 1") for c in bound)
    sig = 1.0 / (1.0 + math.exp(-1.0))
    by = {c.what.split(":")[0]: c for c in bound}
    assert f"{fmt_num(1 - math.tanh(1.0) ** 2, 4)}ⁿ" in by["tanh"].decided
    assert f"{fmt_num(sig * (1 - sig) / 0.25, 4)}ⁿ" in by["sigmoid"].decided
    exact = [c for c in s.checks if "exact SymPy derivative at x = 1" in c.what]
    assert len(exact) == 3
    (t,) = [b for b in s.doc.blocks if getattr(b, "title", None) == "dh_d/dx at x = 1, w = 1"]
    note = " ".join(t.notes)
    from landscape.vanishing import SYMBOLIC_MAX_DEPTH  # every depth past it is numeric only

    assert f"at depths {SYMBOLIC_MAX_DEPTH + 1}–50 no exact derivative is formed" in note
    assert f"d·ε ≤ {fmt_num(50 * np.finfo(float).eps, 2)} relative" in note


def test_the_newton_end_points_carry_their_marker():
    """Study p. 7: "ended at x = 1.826: maximum" had no provenance marker."""
    from scipy.optimize import brentq

    c = 0.15 * math.pi
    d1 = lambda x: math.cos(c * x) - c * x * math.sin(c * x)  # noqa: E731
    s = built(study.section_newton_nonconvex)
    (pure,) = [k for k in s.checks if k.what == "pure Newton from a point with f″ < 0"]
    assert pure.measured == f"ended at x = {fmt_num(brentq(d1, 1.0, 3.0))}ᵐ: maximum"
    (free,) = [k for k in s.checks if k.what == "saddle-free Newton from the same point"]
    assert free.measured == f"ended at x = {fmt_num(brentq(d1, 6.0, 8.0))}ᵐ: minimum"
    # study p. 44: the caption sent the reader to "the table below" for the kinds of the end
    # points, but the table below gives convergence kinds; the last table has max / min
    (block,) = [b for b in s.doc.figures() if b.label == "newton nonconvex"]
    assert (f"Pure Newton ends at x = {fmt_num(brentq(d1, 1.0, 3.0))}ᵐ; saddle-free Newton at "
            f"x = {fmt_num(brentq(d1, 6.0, 8.0))}ᵐ (maximum or minimum: the last table of this "
            "section; how fast each converges: the table below)") in block.caption
    last = [b for b in s.doc.blocks if hasattr(b, "rows")][-1]
    assert any(r[0] == "pure Newton from a point with f″ < 0" for r in last.rows)


def test_momentum_weights_axis_ticks_are_the_ages_j():
    """Study p. 26: the axis said "age j" but its ticks 10⁰, 10¹ were j + 1 values (the
    weight 0.75 of j = 0 sat at the tick "10⁰"); the ticks now read j at log(j + 1)."""
    fig = plots_lecture.plot_momentum_weights([0.25, 0.5, 0.9, 0.99], 300, fig=_fig())
    fig.canvas.draw()
    (ax,) = fig.get_axes()
    ticks = {float(t): lab.get_text() for t, lab in zip(ax.get_xticks(),
                                                         ax.get_xticklabels(), strict=True)}
    assert ticks == {1.0: "0", 2.0: "1", 4.0: "3", 11.0: "10", 31.0: "30", 101.0: "100",
                     301.0: "300"}
    assert len(ax.xaxis.get_minorticklocs()) == 0
    assert ax.get_xlabel() == "age j of the gradient (drawn at log(j + 1))"
    # the β = 0.25 curve's weight (1 − β)β⁰ = 0.75 sits at the tick labelled "0"
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "β = 0.25")
    assert line.get_xdata()[0] == 1.0 and ticks[1.0] == "0"
    assert line.get_ydata()[0] == pytest.approx(0.75)


def test_the_stability_map_names_its_gradient_descent_markers_and_its_drawn_level(
        conditioning):
    """Study p. 22: the heavy-ball map's legend read "GD η = 0.6 (β = 0)", not saying why GD
    is on a heavy-ball map, and its caption said "dashed white: its levels" where one level
    is drawn.  The markers at β = 0 say that they are gradient descent, in the other markers'
    form; the caption names the levels the map draws."""
    from matplotlib.colors import same_color
    from matplotlib.contour import ContourSet
    from matplotlib.legend import Legend

    (block,) = [b for b in conditioning.doc.figures() if b.label == "momentum map"]
    fig = _drawn(block)
    texts = [t.get_text() for leg in fig.findobj(Legend) for t in leg.get_texts()]
    assert "η = 0.6, β = 0: gradient descent" in texts, texts
    assert "η = 0.4, β = 0: gradient descent" in texts and "η = 0.6, β = 0.5" in texts
    assert not any(t.startswith("GD") for t in texts), texts
    white = [v for cs in fig.axes[0].findobj(ContourSet) for v in cs.levels
             if same_color(cs.get_edgecolor()[0], "white")]
    assert white  # the quick grid spans ρ = 0.9 at least
    words = " and ".join(fmt_num(v) for v in white)
    assert f"dashed white: its {words} level{'s' if len(white) > 1 else ''})" in \
        block.caption, block.caption


def test_the_x2_threshold_row_marks_its_values_and_states_its_grid():
    """Study pp. 2, 13: "stable at η = 0.9088, diverges at η = 1.074" had no provenance
    marker and no η grid, and the final-error figure (p. 11) never said which η were run;
    the ill-conditioning row gives both ("0.4729ᵐ … (25 values of η from 0.05 to 1 …)")."""
    s = built(study.section_quadratic)
    (row,) = [c for c in s.checks if c.what == "GD divergence threshold (η)"]
    grid = np.geomspace(0.01, 1.5, 16)  # the quick grid; GD on x² (L = 2) converges iff η < 1
    lo, hi = grid[grid < 1].max(), grid[grid > 1].min()
    words = f"{grid.size} log-spaced η in [0.01, 1.5], 50 steps each from x₀ = 10"
    assert row.measured == f"stable at η = {fmt_num(lo)}ᵐ, diverges at η = {fmt_num(hi)}ᵐ"
    assert row.reason.endswith(f"; the sweep: {words}"), row.reason
    (fig,) = [b for b in s.doc.figures() if b.label == "x² sweep"]
    assert fig.caption.startswith(f"Final error against η ({words}; log–log"), fig.caption


def test_sweep_grid_text_reads_the_grid_it_is_given():
    lrs = np.geomspace(0.05, 1.0, 25)
    assert study.sweep_grid_text(NS(lrs=lrs, steps=100), [-5.0, -2.0]) == (
        "25 log-spaced η in [0.05, 1], 100 steps each from (-5, -2)")
    assert study.sweep_grid_text(NS(lrs=np.linspace(0.1, 0.5, 5), steps=20), [3.0]) == (
        "5 evenly spaced η in [0.1, 0.5], 20 steps each from x₀ = 3")


def test_summary_rows_state_the_start_their_formula_uses():
    """Study p. 2: "x_K after K = 20000 steps" (1/(1/x₀ + 3ηK)) and the escape time
    (ln(r/|y₀|)) used x₀ = 1 and y₀ = 10⁻⁶ without giving them."""
    s = built(study.section_cubic, study.section_saddle)
    (xk,) = [c for c in s.checks if c.what.startswith("x_K after K = ")]
    K = int(re.search(r"K = (\d+)", xk.what).group(1))
    assert xk.what == f"x_K after K = {K} steps from x₀ = 1"
    assert fmt(1 / (1 / 1.0 + 3 * 0.1 * K), 4) in xk.theory  # the formula with x₀ = 1
    (esc,) = [c for c in s.checks if c.what.startswith("escape time")]
    assert esc.what == "escape time to |y| ≥ 1 from y₀ = 10^-6 (iterations)"
    assert f"{math.ceil(math.log(1 / 1e-6) / math.log(1.2))}ᵗ" == esc.theory


def test_the_plateau_row_states_both_conditions_of_a_plateau():
    """Study p. 3: "x₀ = 4 lies in a plateau (|f′| < 0.01)": "1 plateau region", though by
    |f′| < 0.01 alone [−6, 6] has two (sech² is even); the left one is where f is near its
    lowest value, which the rule of a plateau excludes."""
    from landscape.vanishing import PLATEAU_FRACTION

    s = built(study.section_tanh)
    (row,) = [c for c in s.checks if c.what.startswith("x₀ = 4 lies in a plateau")]
    assert row.what == "x₀ = 4 lies in a plateau (|f′| < 0.01 and f far above its lowest value)"
    x = np.linspace(-6, 6, 12001)
    small = 1 - np.tanh(x) ** 2 < 0.01
    runs = np.split(x[small], np.nonzero(np.diff(x[small]) > 0.01)[0] + 1)
    f = np.tanh(x)
    far = [r for r in runs if np.tanh(r).mean() - f.min() > PLATEAU_FRACTION * np.ptp(f)]
    assert (len(runs), len(far)) == (2, 1)
    # study p. 18: "1 plateau region; x₀ = 4 is inside one" said the same region twice
    assert row.measured == "x₀ = 4 lies in the one plateau region found", row.measured
    assert row.reason == (f"plateau: |f′| < 0.01 and f − min f > {100 * PLATEAU_FRACTION:g}% "
                          "of max f − min f on [-6, 6]; 1 other region with |f′| < 0.01 lies "
                          "where f is near its lowest value"), row.reason


def test_the_cubic_newton_constant_is_marked_as_the_single_ratio_it_is():
    """Study pp. 3, 20: "constant C = e_(k+1)/e_k³" was marked ᶠ (fit) while the per-step
    table gives the same number, the single ratio e₇/e₆³, marked ᵐ; p. 19 wrote the Taylor
    estimate with "=" where p. 20 has "+ O(x⁵)"."""
    s = built(study.section_newton_cosh)
    (c,) = [c for c in s.checks if c.what.startswith("constant C = e_(k+1)/e_k³")]
    k = int(re.search(r"at the single step k = (\d+)", c.reason).group(1))
    x = [10.0]
    while len(x) < k + 2:
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    ratio = abs(x[k + 1]) / abs(x[k]) ** 3
    # printed with the digits its 0.0014% from c²/3 needs: the table's number, extended
    assert c.measured.endswith("ᵐ") and float(c.measured[:-1]) == pytest.approx(ratio, rel=1e-6)
    (t,) = [b for b in s.doc.blocks if getattr(b, "title", None)
            and ": errors and ratios" in b.title]
    (step,) = [r for r in t.rows if r[0].rstrip("†") == str(k)]
    assert f"{fmt_num(ratio)}ᵐ" in step  # the same number with the same marker
    text = " ".join(str(getattr(b, "text", "")) for b in s.doc.blocks)
    assert "e₍ₖ₊₁₎ = (c²/3) eₖ³ + O(eₖ⁵)" in text


def test_the_cubic_hessian_check_is_on_the_surface_the_section_draws(saddle_and_surfaces):
    """Study pp. 3, 15: "x³: Hessian eigenvalues at 0: (0ᵉ)" gave one eigenvalue while the
    section draws z = x³ over (x, y), whose Hessian diag(0, 0) has two."""
    (c,) = [c for c in saddle_and_surfaces.checks
            if c.what.startswith("x³") and "Hessian eigenvalues" in c.what]
    assert c.what == "x³ over (x, y): Hessian eigenvalues at 0"
    assert c.theory == "(0ᵉ, 0ᵉ)" and c.measured == "(0ⁿ, 0ⁿ) by finite differences"
    (kind,) = [c for c in saddle_and_surfaces.checks
               if c.what.startswith("x³") and "kind" in c.what]
    assert kind.verdict == "agrees" and kind.measured.startswith("degenerate saddle")


def test_the_chain_slope_says_it_describes_in_a_sentence_of_its_own():
    """Study p. 41: the slope −1.42 stood beside the d^(−3/2) claim with no tolerance or
    verdict and no word that h_d² ≈ 3/(2d) holds only as d → ∞."""
    from analysis.pages import Paragraph

    s = built(study.section_chain)
    (text,) = [b.text for b in s.doc.blocks if isinstance(b, Paragraph)
               and b.text.startswith("A deep network")]
    h, p, prod = 1.0, 1.0, {}
    for d in range(1, 51):  # Π tanh′(h_(k−1)), h₀ = 1
        p *= 1.0 - math.tanh(h) ** 2
        h = math.tanh(h)
        prod[d] = p
    slope = math.log(prod[50] / prod[20]) / math.log(50 / 20)
    assert slope > -1.5
    # study p. 42: the slope was a 40-word parenthetical inside the main sentence; it is a
    # sentence of its own after it
    assert "like d^(−3/2), not geometrically.  The slope of log|dh_d/dx| against log d " \
           "from d = 20 to 50 is " in text, text
    assert (f"from d = 20 to 50 is {study.fmt_num(slope, 3)}; it describes, it does not test: "
            "−3/2 is the slope as d → ∞, where h_d² ≈ 3/(2d) holds, and at d ≤ 50 the measured "
            "slope is still short of it.  relu") in text


def test_the_momentum_map_names_its_function_and_l(conditioning):
    """Study p. 23: the heat map's caption named neither its function nor L, while the next
    page's GD table is on x₁² + 2x₂²."""
    (block,) = [b for b in conditioning.doc.figures() if b.label == "momentum map"]
    L = max(np.linalg.eigvalsh(np.diag([0.2, 4.0])))  # the Hessian of 0.1x₁² + 2x₂²
    assert block.caption.startswith(
        f"Measured rate of heavy ball on x₁²/10 + 2x₂² (L = {L:g}) over a grid of ")


def test_the_conditioning_heading_writes_its_function_as_its_formula_does(conditioning):
    """Study p. 21: the heading read "0.1x₁² + 2x₂²" above the typeset formula
    "x₁²/10 + 2x₂²": the heading takes the formula printer's form and order."""
    from analysis.pages import Formula

    (head,) = [h for h in conditioning.doc.headings if h.text.startswith("Ill-conditioning")]
    assert head.text == "Ill-conditioning: x₁²/10 + 2x₂², momentum to the rescue", head.text
    formula = next(b for b in conditioning.doc.blocks if isinstance(b, Formula))
    (line,) = formula.lines
    assert line.text.endswith(r"= \frac{x_{1}^{2}}{10} + 2 x_{2}^{2}$"), line.text


def test_the_plateau_and_basin_rows_mark_every_number():
    """Study p. 3: the tanh plateau row printed |f′(4)| = 0.00134 and its plateau edge 2.99
    unmarked, the x·cos(cx) row its minima x ≈ −1.826 and the largest ηf″ 1.96 unmarked."""
    s = built(study.section_tanh, study.section_local_minimum)
    rows = {c.what: c for c in s.checks}
    (plateau,) = [c for w, c in rows.items() if w.startswith("x₀ = 4 lies in a plateau")]
    slope = 1.0 - math.tanh(4.0) ** 2  # f′(4) = sech²(4), exact
    assert plateau.theory == f"|f′(4)| = {fmt_num(slope, 3)}ᵉ < 0.01"
    # the edge: sech² x = 0.01 ⇔ cosh x = 10; found by the analysis (exact or numeric roots)
    (region,) = [r for r in s.b.ledger if r.item == plateau.what and r.quantity.startswith(
        "plateau lower edge")]
    assert region.value == pytest.approx(math.acosh(10.0), rel=1e-6)
    assert re.search(rf"{re.escape(fmt_num(math.acosh(10.0), 3))}[ᵉⁿ] ≤ 4 ≤ 6 \(6: the end",
                     plateau.decided), plateau.decided  # 6: the interval's end, a given
    (basin,) = [c for w, c in rows.items() if w.startswith("minima of x·cos(cx)")]
    # the minimum with f″ < 1 reached with η = 2: a root of f′ = cos(cx) − cx sin(cx)
    c = 0.15 * math.pi
    x = -1.826
    for _ in range(50):  # Newton on f′
        d1 = math.cos(c * x) - c * x * math.sin(c * x)
        d2 = -2 * c * math.sin(c * x) - c * c * x * math.cos(c * x)
        x -= d1 / d2
    f2 = -2 * c * math.sin(c * x) - c * c * x * math.cos(c * x)
    assert basin.theory.endswith(f"x ≈ {fmt_num(x)}ⁿ")
    assert basin.measured.endswith(f"x ≈ {fmt_num(x)}ⁿ")
    assert basin.decided == f"largest ηf″ at a reached point {fmt_num(2 * f2, 3)}ⁿ < 2"


def test_the_saddle_escape_writes_its_ceiling_and_its_start_as_the_text_does(
        saddle_and_surfaces):
    """Study p. 15: the note read "ceil(ln(r/|y₀|)/…)" where p. 7 writes ⌊k/s⌋, and the legend
    "y₀ = 1e−06" where text and caption say 10⁻⁶."""
    (c,) = [c for c in saddle_and_surfaces.checks if c.what.startswith("escape time")]
    assert c.reason.startswith("⌈ln(r/|y₀|)/ln(1 + η|λ_min|)⌉, η = 0.1")
    assert "ceil(" not in c.reason
    block = next(b for b in saddle_and_surfaces.doc.figures() if b.label == "saddle")
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)
    legend = [t.get_text() for f in fig.subfigs for ax in f.get_axes()
              for t in (ax.get_legend().get_texts() if ax.get_legend() else [])]
    legend += [t.get_text() for f in fig.subfigs for lg in f.legends for t in lg.get_texts()]
    assert any(t.startswith("y₀ = 10⁻⁶") for t in legend), legend
    assert not any("1e" in t for t in legend), legend


def test_the_x2_iterates_caption_says_crowded_numbers_are_left_out(quadratic):
    """Study p. 11: "numbers: iteration index" while iterates 5–8 and the last of η = 0.2
    had none: the drawing numbers only iterates with room for one."""
    (block,) = [b for b in quadratic.doc.figures() if b.label == "x² iterates"]
    assert block.caption.endswith("numbers: iteration index, shown where there is room; "
                                  "crowded iterates have none).")
def test_the_cubic_newton_table_gives_the_limit_of_its_cubed_ratio():
    """Study p. 21: the theory row of the e_(k+1)/e_k³ column read "bounded (order q = 3)"
    though theory gives its limit exactly, c²/3, which the caption above announces."""
    s = built(study.section_newton_cosh)
    (t,) = [b for b in s.doc.blocks if getattr(b, "title", None)
            and ": errors and ratios" in b.title]
    last = t.rows[-1]
    assert last[0] == "theory"
    assert last[3] == f"→ c²/3 = {fmt_num(0.5 ** 2 / 3)}ᵉ", last
    # the limit is this section's: a later section's run of the same name keeps its own row
    study.section_newton_nonconvex(s)
    later = [b for b in s.doc.blocks if getattr(b, "title", None)
             and ": errors and ratios" in b.title][-1]
    assert "c²/3" not in later.rows[-1][3] and later.rows[-1][3].startswith("bounded (order q")


def test_the_momentum_divergences_are_told_apart_from_gd_by_the_steps_above_the_limit():
    """Study p. 38: heavy ball's 35 divergences were put down to curvature above
    2(1 + β)/η = 3800, but GD's own limit 2/η = 2000 is lower and the same starts pass it, yet
    GD converged from all of them: the curvature alone predicted GD should diverge too."""
    text = study.gd_contrast_text(1e-3, 30, [2, 1, 1], [5, 4, 9])
    # study p. 39: "but at most at 2 steps of its first 30, and heavy ball at least at 4
    # steps" was hard to parse: the counts are said as steps spent above each limit
    assert "its own, lower, limit 2/η = 2000 from those starts too, but spends at most 2 of " \
           "its first 30 steps above it, while a diverging heavy-ball run spends at least 4 " \
           "steps above its limit" in text, text
    assert "at most at" not in text and "at least at" not in text
    assert "velocity keeps each overshoot" in text
    same = study.gd_contrast_text(1e-3, 30, [3], [3])
    assert "does not by itself decide which starts diverge" in same and "velocity" not in same
    assert ("spends at most 3 of its first 30 steps above it, while a diverging heavy-ball run "
            "can spend as few as 3 steps above its limit") in same, same
    assert "never meets" in study.gd_contrast_text(1e-3, 30, [0, 0], [4])


def test_a_measured_order_gives_its_standard_error_and_window():
    """Study p. 40: BFGS's "order 1.32ᶠ" had neither a standard error nor its fit window,
    while Newton's order was given with "± 0.025"."""
    from types import SimpleNamespace

    from analysis.report import _meas_cells

    m = SimpleNamespace(kind="superlinear", exponent=None, rate=None, order=1.3214,
                        order_se=0.0412, window=(30, 36))
    assert _meas_cells(Builder("order"), "BFGS", m)[2] == "1.32ᶠ ± 0.041 (1 s.e.) [k = 30–36]"
    lin = SimpleNamespace(kind="linear", exponent=None, rate=0.5, order=1.0, order_se=None,
                          window=(3, 9))
    assert _meas_cells(Builder("order"), "GD", lin)[2] == "1.00ᶠ"  # the window is the rate's


def test_one_variable_legends_name_their_interval_not_a_box():
    """Study pp. 17, 19: the legends of the tanh plateau and of the x·cos(cx) basins said "on
    the box" and "outside the box" of a function of one variable, on an interval."""
    s = built(study.section_tanh, study.section_local_minimum)
    texts = []

    def legends(f) -> list[str]:
        out = [t.get_text() for ax in f.get_axes() if ax.get_legend()
               for t in ax.get_legend().get_texts()]
        out += [t.get_text() for leg in f.legends for t in leg.get_texts()]
        return out + [t for sub in getattr(f, "subfigs", ()) for t in legends(sub)]

    for block in s.doc.figures():
        fig = _fig(block.fig_height / 72.0)
        block.draw_fn(fig)
        texts += legends(fig)
    assert not [t for t in texts if "box" in t], texts
    assert any(c.what == "tanh′(4) from the compiled (Numba) derivative vs exact"
               for c in s.checks)
    texts = [t.replace("-", "−") for t in texts]  # the figures print signed numbers with −
    # p. 18: "(basin maps below)" named the maps a page later; p. 19: their shares unmarked
    from analysis.pages import Paragraph, page_refs

    why = [b.text for b in s.doc.blocks if isinstance(b, Paragraph) and "Why that one?" in b.text]
    assert len(why) == 1 and page_refs(why[0]) == ["xcos basins"]
    (maps,) = [b for b in s.doc.figures() if b.label == "xcos basins"]
    assert "legend: limit point and measured share of starts" in maps.caption
    (cross,) = [b for b in s.doc.figures() if b.label == "tanh crossing"]  # p. 17: run's x
    assert re.search(r"they are at x = [-−]?[\d.]+ᵐ, slowing", cross.caption), cross.caption
    assert any("its lowest value on [−6, 6])" in t for t in texts), texts
    assert any("outside [−20, 20]" in t for t in texts), texts


def test_the_tanh_crossing_figure_says_which_level_its_predicted_step_crosses():
    """Study p. 16: the legend read "predicted crossing k ≈ 373" and the caption spoke only
    of the iterates crossing 0, so which level the dashed line predicts was left to the
    table on the next page.  The line sits at the gradient-flow integral
    ∫₁⁴ dx/(η sech²x) = [x/2 + sinh(2x)/4]₁⁴ (η = 1) = 373.21, named as the crossing of
    x = 1 in the legend and the caption."""
    from matplotlib.figure import Figure

    S = built(study.section_tanh)
    flow = 1.5 + (math.sinh(8.0) - math.sinh(2.0)) / 4.0
    assert flow == pytest.approx(373.21, abs=0.005)
    (block,) = [b for b in S.doc.figures() if b.label == "tanh crossing"]
    assert block.caption.endswith("Dashed: the step at which the gradient-flow integral "
                                  "predicts the crossing of x = 1 (dotted).")
    fig = Figure(figsize=(4, 3))
    block.draw_fn(fig)
    dashed = [ln for ax in fig.axes for ln in ax.lines
              if ln.get_label().startswith("predicted crossing")]
    assert len(dashed) == 1
    assert dashed[0].get_label() == f"predicted crossing of x = 1: k ≈ {flow:.0f}"
    assert np.asarray(dashed[0].get_xdata(), float) == pytest.approx(flow, rel=1e-3)


def test_the_rosenbrock_condition_number_is_a_whole_number(rosenbrock):
    """Study p. 36: "κ ≈ 2.51e+03" where p. 39 writes 2508."""
    from analysis.pages import Paragraph

    lam = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))  # ∇²f(1, 1)
    text = " ".join(b.text for b in rosenbrock.doc.blocks if isinstance(b, Paragraph))
    assert f"(κ ≈ {round(lam[1] / lam[0])})" in text and "e+03" not in text


def test_the_chain_text_does_not_reuse_sigma_for_the_sigmoid():
    """Study p. 42: σ, the noise level of the SGD sections, named the sigmoid here."""
    from analysis.pages import Paragraph

    s = built(study.section_chain)
    text = " ".join(b.text for b in s.doc.blocks if isinstance(b, Paragraph))
    assert "σ′" not in text and "sigmoid (sup sigmoid′ = 1/4)" in text


def test_the_newton_caption_says_the_last_iterate_is_the_minimum_exactly():
    """Study p. 20: the curve numbers the last iterates "6–9", but x₉ = 0 exactly, whose error
    has no place on the middle panel's log axis (it ends at k = 8): the caption says so."""
    s = built(study.section_newton_cosh)
    (block,) = [b for b in s.doc.figures() if b.label == "cosh"]
    x = [10.0]
    while x[-1] != 0.0 and len(x) < 50:  # Newton on cosh(x/2): x ← x − tanh(x/2)/(1/2)
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    k = len(x) - 1
    assert x[-1] == 0.0 and k == 9, x
    sub = str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    assert block.caption.startswith(
        f"Left: iterates on the curve (x{sub} = 0 exactly: numbered on the curve, its error 0 "
        f"has no place on the middle panel's log axis, which ends at k = {k - 1}).  "), \
        block.caption


def test_errors_below_the_rounding_floor_are_drawn_apart():
    """Study p. 20: the middle panel plotted e₈ = 2.1e−22, far below the rounding floor
    2.2e−13 the text names, like any other error; it is a filled disc (the series' own
    markers are white-filled)."""
    s = built(study.section_newton_cosh)
    (block,) = [b for b in s.doc.figures() if b.label == "cosh"]
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)

    def walk(f):
        return list(f.axes) + [a for sub in getattr(f, "subfigs", ()) for a in walk(sub)]

    x = [10.0]
    for _ in range(9):
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    floor = 1e3 * np.finfo(float).eps * 10.0  # 10³·ε·e₀
    below = [(k, abs(v)) for k, v in enumerate(x) if 0 < abs(v) < floor]
    assert below, x
    axes = list(dict.fromkeys(walk(fig)))  # a subfigure's axes are also the figure's
    hollow = [ln for ax in axes for ln in ax.get_lines() if ln.get_label() == "_below floor"]
    assert len(hollow) == 1 and hollow[0].get_markerfacecolor() not in ("white", "none")
    ks, ys = hollow[0].get_data()
    assert int(ks[0]) == below[0][0] and ys[0] == pytest.approx(below[0][1], rel=1e-6)
    texts = [t.get_text() for f in [fig, *getattr(fig, "subfigs", ())] for leg in f.legends
             for t in leg.get_texts()]
    texts += [t.get_text() for ax in axes if ax.get_legend()
              for t in ax.get_legend().get_texts()]
    assert any(t.startswith("below the rounding floor") for t in texts), texts
    # the title "Error |xₖ| (log scale)" said again what the axis "error ‖xₖ − x*‖₂ (log)"
    # says: the axis names the quantity and its scale, the title only the panel
    (err,) = [ax for ax in axes if ax.get_ylabel().startswith("error ‖xₖ − x*‖")]
    assert "(log)" in err.get_ylabel()
    assert err.get_title() == "Error"


def test_the_conditioning_text_prints_the_heavy_ball_radius_as_the_tables_do(conditioning):
    """Study p. 22: the text gave the heavy-ball radius at η = 0.6, β = 0.5 as 0.7071 while
    the tables and legends print 0.70711: the prose uses the same rate digits."""
    from analysis.pages import Paragraph

    text = " ".join(b.text for b in conditioning.doc.blocks if isinstance(b, Paragraph))
    rho = max(max(abs(np.roots([1.0, -(1 + 0.5 - 0.6 * lam), 0.5]))) for lam in (0.2, 4.0))
    assert f"(spectral radius {fmt(rho, 5)})." in text


def test_rosenbrock_cg_reads_its_linear_rate_on_its_restart_cycles(rosenbrock):
    """Study pp. 9, 42–43: CG, restarted every 2 steps, read 'linear, ρ = 0.55485' by a
    per-step fit through slow and fast steps in turn, while its per-step table's rows said
    something else.  Its rate is now fitted on its cycles, e_a, e_(a+2), …, e_z (the
    long-baseline median slope of their logs, per step the cycle factor's square root);
    its per-step table shows those rows with their two-step ratios, and its robust fit
    row is the rate the verdict uses."""
    st = rosenbrock.studies[f"{rosenbrock.section} / CG"]
    m = st.measurement
    assert m.kind == "linear" and m.ratio_step == 2
    a, z = m.window
    e = plots.study_errors(st)
    logs = np.log(e[a:z + 1:2])
    h = len(logs) // 2
    slope = float(np.median((logs[h:] - logs[:-h]) / h))  # per cycle of 2 steps
    assert m.rate == pytest.approx(math.exp(slope / 2), rel=1e-12)
    assert any("read per step on its two-step restart cycles" in n for n in m.notes)
    tables = [b for b in rosenbrock.doc.blocks if hasattr(b, "rows")]
    (per_step,) = [t for t in tables if str(t.title).startswith("CG: errors")]
    shown = [int(r[0].rstrip("†*‡")) for r in per_step.rows if r[0].rstrip("†*‡").isdigit()]
    assert set(range(a, z, 2)) <= set(shown)
    for r in per_step.rows:
        if r[0].rstrip("†*‡").isdigit() and int(r[0].rstrip("†*‡")) in range(a, z, 2):
            k = int(r[0].rstrip("†*‡"))
            assert float(re.match(r"[\d.e−-]+", r[3]).group(0).replace("−", "-")) == \
                pytest.approx(e[k + 2] / e[k], rel=1e-3)
    (fit,) = [r for r in per_step.rows if r[1] == "robust fit on the two-step cycles "
              "(measured rate per step)"]
    assert fit[0] == f"{a}–{z}"
    # R-linear over the 20 steps of its window (errors straying > 1 decade about the line):
    # ρ is known to a factor 10^(2·spread/20) ≥ 1.26, its first two digits (study p. 44)
    assert m.spread > 1 and z - a == 20 and fit[2] == f"{m.rate:.2f}ᶠ"
    assert st.comparison.verdict == "agrees"
    notes = " ".join(per_step.notes)
    assert ("CG restart cycles: the restart period is 2 steps; CG's rate is read on them: at "
            "the rows of the fit window i–j that start a cycle (k = i, i + 2, …), e₍ₖ₊₂₎/eₖ is "
            "the cycle factor the robust fit reads") in notes
    # how the robust fit reads the cycles is said under the table that has their column
    assert ("(it is fitted on the errors once per cycle, eᵢ, e₍ᵢ₊₂₎, e₍ᵢ₊₄₎ and so on to eⱼ, "
            "not on every iteration)") in notes


def test_the_cosh_table_and_figure_name_the_window_the_order_was_fitted_on():
    """Study p. 21: the theory table printed Newton's order on cosh(x/2) fitted over k = 4–7,
    while the per-step table's title said "fit window k = 0–7" with no † on k = 0–3, and the
    figure (p. 20) shaded the whole run 0–7 as "window of the rate fit"."""
    s = built(study.section_newton_cosh)
    (st,) = s.studies.values()
    m = st.measurement
    a, b = m.order_window
    # the order printed is the least-squares slope of ln e_(k+1) on ln e_k over e_a..e_b,
    # from a plain loop x ← x − tanh(x/2)/(1/2)
    x = [10.0]
    for _ in range(12):
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    l = np.log(np.abs(x[a:b + 1]))
    assert np.polyfit(l[:-1], l[1:], 1)[0] == pytest.approx(m.order, rel=1e-9)
    assert m.window[0] < a  # the fit dropped pre-asymptotic steps: the two windows differ
    (row,) = [r for r in s.rows if r[0] == "pure Newton"]
    assert row[5].endswith(f"[k = {a}–{b}]"), row[5]
    (t,) = [blk for blk in s.doc.blocks if getattr(blk, "title", None)
            and ": errors and ratios" in blk.title]
    # the printed number is the order, and no row of the table is taken over the kind's
    # window (no geometric mean under a column e_(k+1)/e_k^q): the title names the order's
    # window alone (study p. 22 read "fit window k = 0–7; order fitted on k = 4–7" beside
    # a convergence table and a figure that give the window as 4–7)
    assert not [r for r in t.rows if r[1] == "geometric mean"]
    # (with the order the row beside it prints, row[5]'s first number)
    assert row[5].startswith(report.fmt_num(m.order, 3))
    assert t.title.endswith(f"(order {report.fmt_num(m.order, 3)} fitted on k = {a}–{b})"), \
        t.title
    assert "fit window" not in t.title
    # each step k (a row with its ratio e_(k+1)/e_k) outside it carries † (the steps of a
    # window a–b are k = a to b − 1, as the table's note says), the mark of every window a
    # title names (Himmelblau p. 7 had ¶ and † for one idea)
    mark = report.OUTSIDE_MARK
    marked = {int(r[0].rstrip(mark)): r[0].endswith(mark) for r in t.rows
              if r[0].rstrip(mark).isdigit() and r[2] != "next error below the floor"}
    assert marked and all(v == (not a <= k < b) for k, v in marked.items()), marked
    assert any(marked.values())
    assert plots.page_script(report.OUTSIDE_NOTE) in t.notes, t.notes
    # the figure's shading spans the same errors e_a..e_b (what plot_rate_studies is given)
    assert plots._rate_study_args({"Newton": st})[2]["Newton"] == (a, b)
    (block,) = [blk for blk in s.doc.figures() if blk.label == "cosh"]
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)

    def walk(f):
        return list(f.axes) + [ax for sub in getattr(f, "subfigs", ()) for ax in walk(sub)]

    axes = list(dict.fromkeys(walk(fig)))
    bands = [ln for ax in axes for ln in ax.get_lines() if ln.get_linewidth() == 7
             and ln.get_alpha() == 0.2]
    assert len(bands) == 1
    ks = bands[0].get_xdata()
    legend = [t.get_text() for f in [fig, *getattr(fig, "subfigs", ())] for lg in f.legends
              for t in lg.get_texts()]
    assert "fit window (of the rate or order)" in legend, legend  # no rate is fitted here
    assert (int(ks[0]), int(ks[-1])) == (a, b)
    # the ratio panel plots the steps of that window, as its title says
    (axr,) = [ax for ax in axes if ax.get_title().startswith("Ratio per step")]
    drawn = sorted({int(k) for ln in axr.get_lines() for k in ln.get_xdata()})
    assert " ".join(axr.get_title().split()).startswith("Ratio per step in fit window")
    assert drawn == list(range(a, b)), drawn


def test_the_summary_defines_the_curvature_symbols_its_rows_use():
    """Study pp. 2 and 4: the summary table's "η < 2/L" and "ρ = (κ − 1)/(κ + 1), κ = 100"
    used L, μ and κ before any section defined them: the summary's introduction defines the
    ones its rows use."""
    s = built(study.section_quadratic)
    study._summary(s)
    (table,) = [b for b in s.doc.blocks if getattr(b, "title", None)
                == "Theory against measurement, all sections"]
    cells = "\n".join(str(v) for row in table.rows for v in row)
    assert "2/L" in cells  # the threshold row of GD on x²
    intro = s.doc.blocks[s.doc.blocks.index(table) - 1].text
    assert "L and μ: the largest and smallest eigenvalue of the Hessian" in intro
    assert ("κ = L/μ" in intro) == ("κ" in cells)
    assert study.curvature_symbols_text(["η < 2/(μ + L), κ = 100"]).endswith(
        "; κ = L/μ, the condition number.")
    assert study.curvature_symbols_text(["L-BFGS: superlinear", "ηL < 2"]).endswith(
        "(f″ there in one dimension).")
    assert study.curvature_symbols_text(["L-BFGS: superlinear"]) == ""
    # study p. 2: "linear, ρ = 0.6" and "Δρ/ρ" used ρ before p. 11's footnote defined it
    assert study.curvature_symbols_text(["linear, ρ = 0.6", "ηL < 2"]).endswith(
        "(f″ there in one dimension).  ρ: a linear rate, the factor e₍ₖ₊₁₎/eₖ by which the "
        "error eₖ = ‖xₖ − x*‖ shrinks per step.")
    assert study.curvature_symbols_text(["ρ = 0.6"]).startswith("ρ: a linear rate")


def test_newton_on_cosh_names_its_start_and_last_iterate_markers():
    """Study p. 21: the left panel "Newton iterates from x₀ = 10" drew the start (open circle)
    and the last iterate (square, at x = 0) with no legend entry, while the GD-on-x·cos(cx)
    figure named both: every curve figure now names them with one helper."""
    s = built(study.section_newton_cosh)
    block = next(b for b in s.doc.figures() if b.label == "cosh")
    fig = _fig(block.fig_height / 72.0)
    block.draw_fn(fig)
    fig.canvas.draw()
    left = fig.subfigs[0]
    (leg,) = left.legends
    names = [t.get_text() for t in leg.get_texts()]
    assert names == ["start x₀", "last iterate"]
    # the entries show the markers drawn on the curve: an open circle at x₀ = 10 and a
    # square on the last iterate, x = 0 (Newton reaches the minimum exactly)
    ax = left.axes[0]
    circle = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    square = [ln for ln in ax.get_lines() if ln.get_marker() == "s"]
    assert [float(ln.get_xdata()[0]) for ln in circle] == [10.0]
    assert [float(ln.get_xdata()[0]) for ln in square] == [0.0]
    assert [h.get_marker() for h in leg.legend_handles] == ["o", "s"]


def test_curve_figures_name_start_and_last_iterate_alike():
    """The same entries whether the curve figure draws its full legend or only the markers'
    (a run cut short names the square by the iterate drawn last: 11 of x³'s steps)."""
    x = 1.0 / (1.0 + 0.3 * np.arange(30))
    full = plots.plot_curve_1d(lambda v: v ** 3, {"gd": x[:12]}, zoom=False, cut=True,
                               fig=_fig())
    ends = plots.plot_curve_1d(lambda v: v ** 3, {"gd": x[:12]}, zoom=False, cut=True,
                               legend="ends", fig=_fig())
    none = plots.plot_curve_1d(lambda v: v ** 3, {"gd": x[:12]}, zoom=False, legend=False,
                               fig=_fig())
    last = [t.get_text() for t in full.legends[0].get_texts()][-2:]
    assert last == ["start x₀", "iterate 11 (last drawn)"]
    assert [t.get_text() for t in ends.legends[0].get_texts()] == last
    assert none.legends == []


def test_the_sweep_legend_says_which_diverged_runs_stopped_before_their_steps():
    """Study p. 11: the ✕ of η = 1.27 and 1.5 sat near 10⁹ under "50 steps each", where 50
    steps of GD on x² from x₀ = 10 give |1 − 2η|⁵⁰·10 = 2.3e10 and 1.1e16: the optimizer's
    divergence test stopped them.  The legend says so, for exactly those runs (in the
    figure: a longer caption split the paragraph after it over pp. 11–12)."""
    from analysis.sweeps import lr_sweep
    from landscape import Objective

    obj = Objective.parse("x**2")
    lrs = np.geomspace(0.01, 1.5, 31)
    sweep = lr_sweep(obj, "gd", [10.0], lrs, steps=50)
    bound = 1e8 * (1 + 10.0)
    full = np.abs(1 - 2 * lrs) ** 50 * 10.0  # the error after all 50 steps
    early = [lr for lr, st in zip(lrs, sweep.status, strict=True) if str(st) == "diverged"]
    assert early and all(full[list(lrs).index(lr)] > bound for lr in early)
    assert all(sweep.final_error[list(lrs).index(lr)] <= bound for lr in early)
    # η = 1.074 diverges (1.15⁵⁰·10 = 1.0e4) but runs its 50 steps: not named
    assert sweep.diverged.sum() == len(early) + 1
    ax = plots.plot_lr_sweep(sweep).axes[0]
    (cross,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("diverged")]
    names = ", ".join(fmt(v, 3) for v in early)
    assert cross.get_label() == (f"diverged (3 runs, each at the error where it ended; "
                                 f"η = {names} stopped early, at ‖x‖∞ > $10^{{8}}$·(1 + ‖x₀‖∞))")
    sweep.status = np.array(["steps"] * lrs.size, dtype=object)
    assert plots.diverged_label(sweep, sweep.diverged) == (
        "diverged (3 runs, each at the error where it ended)")
