"""Small figure items: a theory line on its band's edge, a 1-D grid's boundary under its
data, panel titles in at most two lines with no break after a relation's sign, and one
style for the y labels of one figure."""

from __future__ import annotations

from types import SimpleNamespace as NS

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from analysis import pages, plots, study
from analysis.campaign.figures import Grid, boundary_note, plot_grid
from analysis.report import Builder


def _drawn(block) -> Figure:
    """A study figure block drawn as its page draws it (the text width, its height)."""
    with mpl.rc_context(pages._rc()):
        fig = Figure(figsize=(pages.CONTENT_W / 72.0, block.fig_height / 72.0),
                     layout="constrained")
        block.draw_fn(fig)
        fig.canvas.draw()
    return fig


def _all_axes(fig) -> list:
    figs, out = [fig], []
    while figs:
        f = figs.pop(0)
        out += [a for a in f.axes if a not in out]
        figs += list(f.subfigs)
    return out


def _built(*sections) -> study.Study:
    s = study.Study(Builder("t"), quick=True)
    for section in sections:
        section(s)
    return s


def test_a_theory_line_on_its_bands_edge_is_the_only_line_there_and_drawn_above():
    """Himmelblau p. 11: Nesterov's dashed ρ = 0.47831 lay on the lower edge of its theory
    band [ρ, 0.49354], which was drawn as a solid line of the same green: the dashes could
    not be told from the edge.  The band is now shading only, under the theory line."""
    rho, a, b = 0.47831, 20, 36
    k = np.arange(45.0)
    e = (k + 1) * rho ** k  # a double root: its ratios lie above ρ, in the band
    eff = (e[b] / e[a]) ** (1.0 / (b - a))
    study_ = NS(result=NS(path=e.reshape(-1, 1)), reference=np.zeros(1),
                minimizer=np.zeros(1),
                prediction=NS(kind="linear", rate=rho, order=None, exact=True),
                measurement=NS(kind="linear", window=(a, b), finite_steps=None),
                comparison=NS(quantity="rate", rate_band=(rho, eff), verdict="agrees"))
    fig = plots.plot_rate_studies({"nesterov": study_}, fig=Figure(figsize=(8, 4)))
    axr = fig.axes[-1]
    (band,) = [p for p in axr.patches if p.get_label() == "_theory band"]
    theory = [ln for ln in axr.get_lines() if ln.get_gid() == "theory"]
    assert theory and all(ln.get_zorder() > band.get_zorder() for ln in theory)
    at_rho = [ln for ln in axr.get_lines()
              if np.allclose(np.asarray(ln.get_ydata(), float), rho)]
    assert at_rho == theory  # no edge line of the band's colour under the dashes
    assert at_rho[0].get_linestyle() != "-"


def _quadratic_gd_grid() -> Grid:
    """Campaign p. 6, quadratic GD: η = 0.01 … 0.21, the share falling from 1 at η = 0.19 to
    0 at η = 0.21 across the boundary 2/L = 0.2 (L = 10)."""
    x = np.array([0.01, 0.05, 0.1, 0.15, 0.19, 0.21])
    share = np.array([[0.015, 1.0, 1.0, 1.0, 1.0, 0.0]])
    div = np.array([[False, False, False, False, False, True]])
    return Grid("lr", x, share, div, boundary=lambda y: 2 / 10.0,
                boundary_label="predicted boundary η < 2/L")


def test_a_1d_grids_boundary_lies_under_the_data_and_the_caption_says_what_it_is():
    """Campaign p. 6: the dashed boundary η = 0.2 was drawn black, 1.6 pt, over the share's
    drop from η = 0.19 to 0.21, and neither could be read.  It is now thin and grey under
    the data line (whose markers lie on top), marked by a triangle on the top edge, and
    the caption names it."""
    g = _quadratic_gd_grid()
    fig = plot_grid(g, title="quadratic: GD",
                    fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    ax = fig.axes[0]
    (bound,) = [ln for ln in ax.get_lines() if ln.get_label().startswith(g.boundary_label)]
    (data,) = [ln for ln in ax.get_lines() if ln.get_label() == g.share_label]
    assert np.allclose(np.asarray(bound.get_xdata(), float), 0.2)
    assert bound.get_zorder() < data.get_zorder()
    assert all(ln.get_zorder() > bound.get_zorder() for ln in ax.get_lines()
               if ln is not bound)
    assert bound.get_linewidth() < data.get_linewidth()
    assert to_rgba(bound.get_color()) != to_rgba("black")
    assert bound.get_marker() == "v" and not bound.get_clip_on()
    assert boundary_note(g) == ("The dashed grey line (a triangle on the top edge) is the "
                                "predicted boundary η = 0.2, drawn under the measured line.")
    g.boundary = lambda y: 5.0  # off the axis: not drawn, not said
    assert boundary_note(g) == ""


def test_the_cubic_figures_panel_titles_take_two_lines_at_most():
    """Study p. 13: "first 11 GD steps from x₀ = 1" and "zoom (grey band): iterates 6–11"
    took three lines each beside two-line titles."""
    (block,) = [b for b in _built(study.section_cubic).doc.figures()]
    titles = [t.get_text() for a in _all_axes(_drawn(block))
              for t in (a.title, a._left_title, a._right_title) if t.get_text()]
    assert len(titles) == 4
    assert all(t.rstrip("\n").count("\n") <= 1 for t in titles), titles


@pytest.fixture(scope="module")
def local_minimum():
    return _built(study.section_local_minimum)


def test_the_basin_strips_y_labels_are_set_alike(local_minimum):
    """Study p. 18: the two basin strips labelled their y axis "start x₀" on one line and
    "start" / "x₀" on two: a level label was fitted, by its width, to the shorter strip's
    height, along which it does not run."""
    (block,) = [b for b in local_minimum.doc.figures() if b.label == "xcos basins"]
    fig = _drawn(block)
    labels = [a.get_ylabel() for a in _all_axes(fig) if a.get_ylabel().startswith("start")]
    assert len(labels) == 2
    assert labels == ["start x₀", "start x₀"]


def test_a_level_y_label_is_not_fitted_to_its_axes_height():
    fig = Figure(figsize=(4, 1.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_ylabel("a long level label here", rotation=0, ha="right", va="center")
    ax.set_xlabel("x")
    plots.fit_axis_labels(fig)
    assert ax.get_ylabel() == "a long level label here"
    assert plots.along_axis(ax, ax.xaxis.label)
    assert not plots.along_axis(ax, ax.yaxis.label)
    ax.yaxis.label.set_rotation(90)
    assert plots.along_axis(ax, ax.yaxis.label)


def test_the_decaying_steps_panel_title_keeps_its_formula_whole():
    """Study p. 30: the right panel's title broke as "ηₖ =" / "0.5/(1 + 0.25k)" (71 pt at
    7 pt in a 65-pt room); it is "ηₖ = 0.5/(1 + k/4)" (γ = 0.25 = 1/4) on one line, at the
    size of its neighbour."""
    s = study.Study(Builder("t"), quick=True)
    study.section_sgd(s)
    (block,) = [b for b in s.doc.figures() if b.label == "sgd decay"]
    fig = _drawn(block)
    titles = [a.title for a in _all_axes(fig)[1:] if a.title.get_text()]  # right panels
    texts = [t.get_text().strip("\n") for t in titles]
    assert texts == ["constant η = 0.1", "ηₖ = 0.5/(1 + k/4)"]
    assert len({t.get_fontsize() for t in titles}) == 1
