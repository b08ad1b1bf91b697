"""analysis.plots: every function returns a Figure with the expected artists and data."""

import inspect
import math
from types import SimpleNamespace as NS

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis import plots, plots_lecture

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _legend_texts(fig):
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]


def _gd_1d(x0, lr, steps, fprime):
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - lr * fprime(xs[-1]))
    return np.array(xs)


def test_curve_1d_draws_curve_iterates_and_labels():
    path = _gd_1d(10.0, 0.2, 10, lambda x: 2 * x)
    fig = plots.plot_curve_1d(lambda x: x**2, {"η = 0.2": path}, title="GD on x²")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "GD on x²"
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "f(x)"
    iterates = [ln for ln in ax.lines if ln.get_label().startswith("η = 0.2")][0]
    np.testing.assert_allclose(iterates.get_xdata(), path)
    np.testing.assert_allclose(iterates.get_ydata(), path**2)
    numbers = {t.get_text() for t in ax.texts}
    assert {"0", "1", "2"} <= numbers
    assert any("start" in t for t in _legend_texts(fig))
    lo, hi = ax.get_xlim()
    assert lo < path.min() and hi > path.max()


def test_contour_marks_paths_start_and_critical_points_by_kind():
    def f(p):
        return p[:, 0] ** 2 - p[:, 1] ** 2

    paths = {"gd": np.array([[1.0, 0.1], [0.8, 0.12], [0.64, 0.144]]),
             "far": np.array([[1.0, 0.1], [3.0, 3.0]]),
             "back": np.array([[1.0, 0.1], [3.0, 0.1], [0.5, 0.1]])}
    cps = [{"point": [0.0, 0.0], "kind": "saddle"}, {"point": [9.0, 9.0], "kind": "minimum"}]
    fig = plots.plot_contour(f, [(-2, 2), (-2, 2)], paths, cps)
    texts = _legend_texts(fig)
    assert any(t.startswith("gd (2 it.)") for t in texts)
    assert "far (1 it.; leaves the box at k = 1)" in texts  # one bracket, not two in a row
    assert "back (2 it.; leaves the box)" in texts  # and comes back into it
    # study p. 37: "31798 it." in a panel title beside "31 798" in its caption: one form
    t = np.linspace(0.0, 1.0, 1235)[:, None]
    long = plots.plot_contour(f, [(-2, 2), (-2, 2)], {"gd": np.hstack([1 - t, 0.1 * t])}, cps)
    assert any(s.startswith("gd (1 234 it.)") for s in _legend_texts(long))
    assert "saddle" in texts  # one saddle: no count that reads as a numbering "(1)"
    assert not any(t.startswith("minimum") for t in texts)  # outside the box
    assert "start" in texts
    # kink p. 8: a margin of the same share on every side of the box, so that a path along
    # its edge is not drawn on the spine
    m = plots.BOX_MARGIN * 4.0
    assert fig.axes[0].get_xlim() == pytest.approx((-2.0 - m, 2.0 + m))
    assert fig.axes[0].get_ylim() == pytest.approx((-2.0 - m, 2.0 + m))


def test_error_plot_theory_line_is_rate_power_k_times_anchor():
    e = 3.0 * 0.7 ** np.arange(40) * (1 + 0.3 * (np.arange(40) < 5))
    window = (10, 35)
    fig = plots.plot_error({"gd": e}, rates={"gd": 0.7}, windows={"gd": window})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    theory = [ln for ln in ax.lines if "theory" in ln.get_label()][0]
    k = np.asarray(theory.get_xdata())
    anchor = e[window[0]] * 0.7 ** (-window[0])
    # drawn ×10 above the measured line, so both stay visible where they agree
    np.testing.assert_allclose(theory.get_ydata(), plots.THEORY_OFFSET * anchor * 0.7**k)
    assert "×10" in theory.get_label()
    assert k[0] == window[0] and k[-1] == window[1]  # over its window only
    kk, yy = plots.theory_line(e, 0.7, window)
    np.testing.assert_allclose(yy, anchor * 0.7**kk)
    band = [ln for ln in ax.lines if ln.get_linewidth() >= 6][0]  # the fit window
    assert band.get_xdata()[0] == window[0] and band.get_xdata()[-1] == window[1]
    assert any("fit window (of the rate or order)" in t for t in _legend_texts(fig))
    ratio_ax = fig.axes[1]  # measured e_(k+1)/e_k against the predicted ρ
    rho_line = [ln for ln in ratio_ax.lines if list(ln.get_ydata()) == [0.7, 0.7]][0]
    # the measured markers are drawn over the thin dashed ρ line (a marker under a line of
    # its colour is lost), the line joining them under it; the line keeps a white halo
    markers = [ln for ln in ratio_ax.lines if ln.get_gid() == "ratios"]
    joins = [ln for ln in ratio_ax.lines if ln.get_gid() == "ratio-join"]
    assert markers and all(ln.get_zorder() > rho_line.get_zorder() for ln in markers)
    assert all(ln.get_zorder() < rho_line.get_zorder() for ln in joins)
    assert rho_line.get_path_effects()
    measured = ratio_ax.lines[0]
    np.testing.assert_allclose(measured.get_ydata()[6:], 0.7)  # past the bump at k < 5


def test_error_plot_masks_zero_errors_and_keeps_one_linear_iteration_scale():
    fig = plots.plot_error({"newton": np.array([1.0, 1e-3, 1e-9, 0.0]),
                            "gd": 0.9 ** np.arange(300)})
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"  # not "linear to 10, then log": lines stay straight
    assert plots.length_groups({"newton": 4, "gd": 300}) == [["newton"], ["gd"]]
    newton = [ln for ln in ax.lines if ln.get_label().startswith("newton")][0]
    assert np.isnan(newton.get_ydata()[-1])


def test_grad_norm_plot_is_log_with_tolerance_line():
    fig = plots.plot_grad_norm({"a": np.geomspace(1, 1e-8, 30), "b": np.geomspace(1, 1e-3, 30)},
                               gtol=1e-6)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert len([ln for ln in ax.lines if ln.get_label() in ("a (29 it.)", "b (29 it.)")]) == 2
    # the legend says what the line is in words, not by the option's code name 'gtol'
    assert "gradient tolerance $10^{-6}$" in _legend_texts(fig)
    assert not any("gtol" in t for t in _legend_texts(fig))


def test_hessian_eigenvalues_coloured_by_sign_with_symlog():
    cps = [NS(point=(0, 0), kind="minimum", eigenvalues=(0.2, 4.0), condition_number=20.0),
           NS(point=(1, 2), kind="saddle", eigenvalues=(-500.0, 2.0), condition_number=250.0)]
    fig = plots.plot_hessian_eigenvalues(cps)
    ax = fig.axes[0]
    assert ax.get_yscale() == "symlog"
    colours = {ln.get_color() for ln in ax.lines if ln.get_marker() in ("o", "v")}
    assert colours == {plots.OKABE_ITO["blue"], plots.OKABE_ITO["vermillion"]}
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0].startswith("P1 minimum") and "κ = 250" in ticks[1]


def test_close_and_equal_eigenvalues_are_set_side_by_side_without_overlap():
    # chained Rosenbrock, n = 5: at P1 278.6, 605.2, 1025 and 1437 lie within a decade on the
    # symlog axis, where 7 pt circles overlapped; 2 and 2 (x² + y²) hid one another
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    cps = [NS(point=np.zeros(5), kind="minimum", condition_number=2414.0,
              eigenvalues=[0.5954, 278.6, 605.2, 1025.0, 1437.0]),
           NS(point=np.zeros(5), kind="saddle", condition_number=191.5,
              eigenvalues=[-2.71, 169.0, 201.0, 252.0, 519.0]),
           NS(point=np.zeros(2), kind="minimum", condition_number=1.0, eigenvalues=[2.0, 2.0])]
    fig = plots.plot_hessian_eigenvalues(cps, fig=Figure(figsize=(6.1, 3.6),
                                                         layout="constrained"))
    assert plots.audit(fig) == []
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    px = fig.dpi / 72.0
    marks = [ln for ln in ax.lines if ln.get_marker() in ("o", "v", "s")]
    assert len(marks) == 12
    centre = {ln: ln.get_transform().transform(ln.get_xydata()[0]) for ln in marks}
    spacing = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    for i in range(3):
        col = [ln for ln in marks if ln.get_xdata()[0] == i]
        home = ax.transData.transform((i, 0))[0]
        for a in col:  # each marker stays in its column ...
            assert abs(centre[a][0] - home) < 0.45 * spacing
            for b in col:  # ... clear of every other one (7 pt circles: 7 pt apart or more)
                if a is not b:
                    assert np.hypot(*(centre[a] - centre[b])) >= 7.0 * px - 1e-6
    # 2 and 2: one on each side of the column's axis
    two = sorted(centre[ln][0] - ax.transData.transform((2, 0))[0] for ln in marks
                 if ln.get_xdata()[0] == 2)
    assert two[0] == pytest.approx(-two[1]) and two[1] > 0
    # far apart values stay on the axis
    np.testing.assert_allclose(plots.swarm_offsets([0.0, 50.0, 100.0], 8.0), 0.0)
    np.testing.assert_allclose(plots.swarm_offsets([0.0, 0.0], 8.0), [-4.0, 4.0])


def test_basins_2d_image_and_legend_shares():
    xs, ys = np.linspace(-1, 1, 10), np.linspace(-1, 1, 8)
    labels = np.zeros((8, 10), dtype=int)
    labels[:, 5:] = 1
    labels[0, :] = -1
    bm = NS(xs=xs, ys=ys, labels=labels, points=np.array([[-0.5, 0.0], [0.5, 0.0], [0, 0.9]]),
            kinds=["minimum", "minimum", "saddle"], counts={})
    fig = plots.plot_basins(bm)
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    assert shown.shape == labels.shape
    assert shown[0, 0] == -1 and shown[3, 0] == 0 and shown[3, 9] == 1
    texts = [t.replace("\n", " ") for t in _legend_texts(fig)]  # beside the map: wrapped
    # 7 rows × 5 columns of the 80 starts; the top row of 10 diverged
    assert any("minimum at (-0.5, 0)" in t and t.endswith(": 35 of 80 starts, 43.8%")
               for t in texts)
    assert any("diverged" in t and t.endswith(": 10 of 80 starts, 12.5%") for t in texts)
    assert not any("saddle at" in t for t in texts)  # attracts no start
    # Himmelblau p. 12: the legend named the minima by coordinates, not by the P1, P3, …
    # of the critical-point table
    named = [t.replace("\n", " ") for t in _legend_texts(
        plots.plot_basins(bm, names=[((0.5, 0.0), "P2"), ((0, 0.9), "P3")]))]
    assert any(t.startswith("→ P2, minimum at (0.5, 0): ") for t in named)
    assert any(t.startswith("→ minimum at (-0.5, 0): ") for t in named)  # not named: as before


def test_basins_2d_map_draws_x_and_y_to_one_scale():
    """Himmelblau p. 13: the map of the box [−5, 5]² was drawn 2.4 times as wide as tall,
    so the basins and contours looked stretched; one unit of x is now as long as one of y,
    and the legend sits beside the square (a row below would leave its sides empty)."""
    from matplotlib.figure import Figure

    xs, ys = np.linspace(-5, 5, 21), np.linspace(-5, 5, 21)
    labels = (xs[None, :] > 0).astype(int) + np.zeros((21, 1), dtype=int)
    bm = NS(xs=xs, ys=ys, labels=labels, points=np.array([[-3.0, 0.0], [3.0, 0.0]]),
            kinds=["minimum", "minimum"], counts={})
    fig = plots.plot_basins(bm, fig=Figure(figsize=(480 / 72, 330 / 72),
                                           layout="constrained"))
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_window_extent()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert (box.width / (x1 - x0)) / (box.height / (y1 - y0)) == pytest.approx(1.0, rel=0.01)
    assert fig.legends[0].get_window_extent().x0 >= box.x1  # beside, not below
    assert box.height >= 0.6 * fig.bbox.height  # the square is not shrunk to a strip
    assert not plots.legend_beside(4.0, 1.0) and plots.legend_beside(3.0, 2.0)


def test_basins_1d_strip_under_curve():
    xs = np.linspace(-3, 3, 50)
    labels = np.where(xs < 0, 0, 1)
    bm = NS(xs=xs, ys=None, labels=labels, points=np.array([[-1.0], [1.0]]),
            kinds=["minimum", "minimum"], counts={})
    fig = plots.plot_basins(bm, lambda x: (x**2 - 1) ** 2)
    assert len(fig.axes) == 2
    assert fig.axes[1].images[0].get_array().shape == (1, 50)
    assert "minimum (2 points)" in _legend_texts(fig)  # the stars on the curve are named


def test_lr_sweep_log_log_with_threshold_lines():
    lrs = np.geomspace(0.01, 2.0, 20)
    err = np.where(lrs < 1, np.abs(1 - 2 * lrs) ** 50 * 10 + 1e-30, np.inf)
    sweep = NS(lrs=lrs, final_error=err, diverged=lrs >= 1, predicted_threshold=1.0,
               observed_threshold=1.05)
    fig = plots.plot_lr_sweep(sweep)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    vlines = [ln for ln in ax.lines if "threshold" in ln.get_label()
              or "first η on the grid" in ln.get_label()]
    assert sorted(ln.get_xdata()[0] for ln in vlines) == [1.0, 1.05]
    crosses = [ln for ln in ax.lines if ln.get_label().startswith("diverged")][0]
    assert len(crosses.get_xdata()) == int(np.sum(lrs >= 1))
    # the dashed line is the first grid value that diverged, not an estimate of the threshold
    first = float(lrs[lrs >= 1].min())
    sweep.observed_threshold, sweep.bracket = first, (float(lrs[lrs < 1].max()), first)
    labels = [ln.get_label() for ln in plots.plot_lr_sweep(sweep).axes[0].lines]
    assert (f"first η on the grid that diverged = {plots.fmt(first, 4)} (threshold in "
            f"({plots.fmt(sweep.bracket[0], 4)}, {plots.fmt(first, 4)}])") in labels
    # the threshold of the dots (10⁻⁶ with no minimizer given) is written as a power of ten
    # in the legend, as the document writes it (quadratic p. 13 printed "1e−06")
    dots = [lb for lb in labels if lb.startswith(("converged:", "not yet converged"))]
    assert dots and all("$10^{-6}$" in lb and "1e" not in lb for lb in dots), dots


def test_lr_sweep_dashed_line_names_what_happened_there():
    """A sweep where nothing diverged (the runs past the threshold cycle) must not call its
    dashed line the first diverging η."""
    lrs = np.geomspace(0.01, 2.0, 12)
    bnd = lrs >= 1
    err = np.where(bnd, 0.5, 1e-12)
    first = float(lrs[bnd].min())
    sweep = NS(lrs=lrs, final_error=err, diverged=np.zeros(12, bool), bounded=bnd,
               predicted_threshold=1.0, observed_threshold=first,
               bracket=(float(lrs[~bnd].max()), first))
    labels = [ln.get_label() for ln in plots.plot_lr_sweep(sweep).axes[0].lines]
    assert not any("diverg" in lb for lb in labels)
    assert any(lb.startswith("first η on the grid that settled on a cycle or band = "
                             f"{plots.fmt(first, 4)}") for lb in labels)
    sweep.bounded, sweep.elsewhere = np.zeros(12, bool), bnd
    labels = [ln.get_label() for ln in plots.plot_lr_sweep(sweep).axes[0].lines]
    assert any(lb.startswith("first η on the grid that left x* = ") for lb in labels)


def test_momentum_map_heatmap_and_boundary():
    from analysis.theory import momentum_radius_grid

    lrs, mom = np.linspace(0.05, 1.2, 12), np.linspace(0.0, 0.9, 8)
    radius = momentum_radius_grid([0.2, 4.0], lrs, mom)
    smap = NS(lrs=lrs, momenta=mom, measured_rate=np.where(radius < 1, radius, np.nan),
              predicted_radius=radius, diverged=radius >= 1)
    fig = plots.plot_momentum_map(smap, mark=[(0.6, 0.5, "η = 0.6, β = 0.5")])
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("learning rate") and "momentum" in ax.get_ylabel()
    texts = _legend_texts(fig)
    assert any("stability boundary" in t for t in texts)
    assert "η = 0.6, β = 0.5" in texts
    assert len(fig.axes) == 2  # the colour bar


def test_momentum_map_is_framed_so_white_cells_on_its_edge_show():
    """Study p. 22: the 15 cells with no linear rate, drawn white, all lie in the top row
    (β = 0.95); with the style's open top and right sides they merged with the page and
    the row looked ragged.  The map is framed on all four sides, in the grey that edges the
    legend's white patch."""
    from matplotlib.colors import to_rgba

    from analysis.theory import momentum_radius_grid

    lrs, mom = np.linspace(0.05, 1.2, 12), np.linspace(0.0, 0.95, 8)
    radius = momentum_radius_grid([0.2, 4.0], lrs, mom)
    rate = np.where(radius < 1, radius, np.nan)
    rate[-1, : 3] = np.nan  # white cells on the top edge
    smap = NS(lrs=lrs, momenta=mom, measured_rate=rate, predicted_radius=radius,
              diverged=radius >= 1)
    fig = plots.plot_momentum_map(smap)
    ax = fig.axes[0]
    (white,) = [h for h in (fig.legends[0] if fig.legends else ax.get_legend()).legend_handles
                if h.get_label().startswith("no linear rate measurable")]
    for side in ("top", "right", "bottom", "left"):
        spine = ax.spines[side]
        assert spine.get_visible(), side
        assert spine.get_edgecolor() == to_rgba(white.get_edgecolor()), side
        assert spine.get_edgecolor() != to_rgba("white")


def test_momentum_map_draws_the_stability_boundary_where_theory_puts_it():
    """Study p. 22: the boundary ρ = 1, traced through the map's 12 × 20 cells, bent left above
    β = 0.75 (η ≈ 0.93 at β = 0.9 where heavy ball is stable up to η = 2(1 + β)/L = 0.95 on
    f = 2x²).  With the map's eigenvalues it is drawn from theory on a fine grid."""
    from matplotlib.contour import ContourSet

    from analysis.sweeps import StabilityMap
    from analysis.theory import momentum_radius_grid

    lam = [4.0]
    lrs, mom = np.linspace(0.02, 1.2, 12), np.linspace(0.0, 0.95, 20)
    radius = momentum_radius_grid(lam, lrs, mom)
    smap = StabilityMap(lrs=lrs, momenta=mom, measured_rate=np.where(radius < 1, radius, np.nan),
                        predicted_radius=radius, diverged=radius >= 1, nesterov=False,
                        agreement={}, eigenvalues=lam)
    ax = plots.plot_momentum_map(smap).axes[0]
    (black,) = [c for c in ax.findobj(ContourSet) if list(c.levels) == [1.0]]
    verts = np.concatenate([p.vertices for p in black.get_paths()])
    for beta in (0.5, 0.9, 0.95):
        near = verts[np.abs(verts[:, 1] - beta) < 0.003]
        assert near.size, beta
        assert np.all(np.abs(near[:, 0] - (1 + beta) / 2) < 0.004), (beta, near)


def test_momentum_map_radius_contours_look_as_their_legend_entry():
    """Study p. 20: the ρ = 0.9 contour was drawn white dashed, its legend entry grey dashed.
    Both are now white dashes edged in the same dark grey."""
    from matplotlib.colors import to_rgba
    from matplotlib.contour import ContourSet

    from analysis.theory import momentum_radius_grid

    lrs, mom = np.linspace(0.05, 1.2, 12), np.linspace(0.0, 0.9, 8)
    radius = momentum_radius_grid([0.2, 4.0], lrs, mom)
    smap = NS(lrs=lrs, momenta=mom, measured_rate=np.where(radius < 1, radius, np.nan),
              predicted_radius=radius, diverged=radius >= 1)
    fig = plots.plot_momentum_map(smap)
    ax = fig.axes[0]
    (cs,) = [c for c in ax.findobj(ContourSet) if "--" in str(c.get_linestyle()) or
             any(ls[1] is not None for ls in c.get_linestyle())]
    legend = fig.legends[0] if fig.legends else ax.get_legend()
    (entry,) = [h for h in legend.legend_handles
                if h.get_label().startswith("predicted spectral radius")]
    white = to_rgba("white")
    assert all(tuple(c) == white for c in cs.get_edgecolor())
    assert to_rgba(entry.get_color()) == white
    edge = [pe._gc["foreground"] for pe in entry.get_path_effects()]
    assert edge and edge == [pe._gc["foreground"] for pe in cs.get_path_effects()]


def test_vanishing_1d_bands_and_log_derivative():
    regions = [NS(lower=(2.65,), upper=(6.0,), plateau=True)]
    fig = plots.plot_vanishing_1d(np.tanh, (-6, 6), fprime=lambda x: 1 - np.tanh(x) ** 2,
                                  threshold=1e-2, regions=regions, x0=4.0)
    top, bottom = fig.axes
    assert bottom.get_yscale() == "log"
    texts = _legend_texts(fig)
    assert any("plateau" in t for t in texts) and any("threshold" in t for t in texts)
    assert any("|f′(4)| = 0.00134" in t.get_text() for t in bottom.texts)
    # study p. 15: legend '|tanh(x)′|', axis '|f′(x)|', caption '|tanh′|': one notation
    fig = plots.plot_vanishing_1d(np.tanh, (-6, 6), fprime=lambda x: 1 - np.tanh(x) ** 2,
                                  threshold=1e-2, regions=regions, f_label="f(x) = tanh(x)")
    bottom = fig.axes[1]
    assert bottom.lines[0].get_label() == "|f′(x)|"
    assert bottom.get_ylabel().startswith("|f′(x)|")


def test_chain_depth_numeric_line_and_exact_markers():
    from landscape.vanishing import chain_study

    studies = [chain_study(a, depths=(1, 2, 3, 10)) for a in ("tanh", "sigmoid")]
    fig = plots.plot_chain_depth(studies)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    num = [ln for ln in ax.lines if ln.get_label() == "sigmoid: numeric chain rule"][0]
    expected = [10 ** r.log10_abs_derivative for r in studies[1].rows]
    np.testing.assert_allclose(num.get_ydata(), expected)
    exact = [ln for ln in ax.lines if ln.get_label() == "tanh: exact (SymPy, d = 1–3)"][0]
    assert list(exact.get_xdata()) == [1, 2, 3]  # symbolic only up to depth 8


def test_ecdf_stays_below_one_with_unsolved_starts():
    its = {"solver": np.array([3, 5, 8, np.nan]), "all": np.array([1, 2, 3, 4])}
    fig = plots.plot_ecdf(its)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    solver = [ln for ln in ax.lines if ln.get_label().startswith("solver")][0]
    assert solver.get_ydata()[-1] == pytest.approx(0.75)
    assert "solved 3/4" in solver.get_label()
    x, y = plots.ecdf_points([3, None, 1])
    assert list(x) == [1, 3] and list(y) == pytest.approx([1 / 3, 2 / 3])


def test_draws_into_a_given_subfigure():
    parent = Figure(layout="constrained")
    sub = parent.subfigures(1, 2)[1]
    out = plots.plot_iterates({"x": np.arange(5.0)}, ylabel="x_k", fig=sub)
    assert out is sub and len(sub.axes) == 1


def test_iterate_numbers_stand_off_the_arrows():
    """An iterate's number points away from both neighbours (and off a straight path)."""
    import numpy as np

    from analysis.plots import _label_direction
    xs, ys = np.array([2.0, 0.0, -2.0]), np.array([4.0, 0.0, 4.0])    # zig-zag: both above
    u, v = _label_direction(xs, ys, 1, 1.0, 1.0)
    assert abs(u) < 1e-12 and v == -1.0                                # below the iterate
    xs, ys = np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0])      # straight diagonal
    u, v = _label_direction(xs, ys, 1, 1.0, 1.0)
    assert abs(u * 1 + v * 1) < 1e-12 and v > 0                        # normal, upper side
    xs, ys = np.array([1.0, 0.0]), np.array([1.0, 0.0])                # last: away from j − 1
    assert np.allclose(_label_direction(xs, ys, 1, 1.0, 1.0), (-2 ** -0.5, -2 ** -0.5))


@pytest.mark.parametrize("eta", [0.45, 0.95, 1.1])
def test_iterate_numbers_never_overprint_and_stay_inside_the_axes(eta):
    """GD on x² in a narrow panel: numbers near the frame and near the minimum used to run
    together or leave the axes; each is now placed clear of the others inside the frame, or
    left out, and the legend names exactly the numbers shown."""
    fig = Figure(figsize=(2.3, 2.6), layout="constrained")
    path = _gd_1d(10.0, eta, 10, lambda x: 2 * x)
    plots.plot_curve_1d(lambda x: x**2, {"gd": path}, numbered=8, zoom=False, fig=fig)
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    shown = sorted(int(t.get_text()) for t in ax.texts if t.get_visible() and t.get_text())
    assert len(shown) >= 3
    (legend,) = [t for t in _legend_texts(fig) if t.startswith("gd (")]
    assert legend.split() == f"gd ({plots._numbered_text(10, shown, 11)})".split()


def test_thin_indices_keeps_transient_extremes_and_at_most_about_most():
    assert list(plots.thin_indices(5, most=10)) == [0, 1, 2, 3, 4]
    idx = plots.thin_indices(1000, most=100, head=10, keep=[537])
    assert list(idx[:10]) == list(range(10)) and 537 in idx
    assert 100 <= idx.size <= 102  # 10 + ⌈990/90⌉-spaced + the kept index


def test_error_plot_ratio_panel_draws_transient_ratios_and_fits_drawn_series():
    # e_k: a transient ratio 1.5 at k = 1 (above the settled 0.9) in a run of 400 steps,
    # and a short second run: the ratio panel must show the 1.5 inside its y limits and
    # its x limits must come from the ratios drawn, not from a longer undrawn series
    e = 0.9 ** np.arange(400.0)
    e[2:] *= 1.5 / 0.9
    fig = Figure(layout="constrained")  # as on a page: laid out, nothing overprints
    plots.plot_error({"long": e, "other": 0.5 ** np.arange(1200.0) + 1e-300},
                     rates={"long": 0.9}, windows={"long": (0, 398)}, ratio_series=["long"],
                     fig=fig)
    axr = fig.axes[1]
    ys = np.concatenate([ln.get_ydata() for ln in axr.get_lines() if len(ln.get_ydata()) > 2])
    assert np.any(np.isclose(ys, 1.5))
    assert axr.get_ylim()[1] >= 1.5
    assert axr.get_xlim()[1] < 420  # 'other' (1200 steps) is not in this panel
    assert plots.audit(fig) == []


def test_grad_norm_plot_splits_short_runs_and_fits_y_to_the_norms():
    # Newton's 4 iterations beside GD's 400: two panels, each x axis fitted to its runs;
    # norms between 0.1 and 10 with gtol = 1e-6: the y axis fits the norms (not 1e-6…10)
    fig = plots.plot_grad_norm({"newton": np.geomspace(10, 1e-12, 5),
                                "gd": 0.1 + np.abs(np.sin(np.arange(401.0)))}, gtol=1e-6)
    short, long_ = fig.axes[:2]
    assert short.get_xlim()[1] < 5 and long_.get_xlim()[1] > 390
    assert [ln.get_label() for ln in short.lines if "it." in ln.get_label()] == ["newton (4 it.)"]
    lo, hi = long_.get_ylim()
    assert lo > 1e-2 and hi < 100  # fitted to 0.1 … 1.1, gtol far below is not drawn there
    # each panel's legend names its own runs (and says where gtol is)
    own = [[t.get_text() for t in a.get_legend().get_texts()] for a in (short, long_)]
    assert own[0] == ["newton (4 it.)", "gradient tolerance $10^{-6}$"]
    assert own[1] == ["gd (400 it.)", "gradient tolerance $10^{-6}$\n(below the axis)"]
    assert short.get_ylim()[0] < 1e-6  # drawn where the norms reach it
    assert plots.audit(fig) == []


def test_error_plot_iteration_ticks_are_integers_on_short_runs():
    fig = Figure()
    plots.plot_error({"a": np.array([1.0, 0.1, 0.01]), "b": np.array([1.0, 0.5, 0.2])},
                     rates={"a": 0.1}, fig=fig)
    for ax in fig.axes[:2]:
        lo, hi = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if lo <= t <= hi]
        assert ticks and all(float(t).is_integer() for t in ticks)


def test_contour_start_at_the_edge_is_whole_and_an_end_at_the_minimum_shows():
    def f(p):
        return p[:, 0] ** 2 + p[:, 1] ** 2

    paths = {"gd": np.array([[1.0, -1.95], [0.5, -1.0], [0.0, 0.0]])}
    fig = plots.plot_contour(f, [(-2, 2), (-2, 2)], paths, [{"point": [0.0, 0.0],
                                                            "kind": "minimum"}])
    ax = fig.axes[0]
    marks = [ln for ln in ax.lines if len(ln.get_xdata()) == 1]
    start = next(ln for ln in marks if ln.get_marker() == "o")
    end = next(ln for ln in marks if ln.get_marker() == "s")
    star = next(ln for ln in marks if ln.get_marker() not in ("o", "s"))
    assert not start.get_clip_on()  # its lower half would be cut at y = −2
    # both show: a hollow square, larger than the star, around the star; the star on top,
    # so that the edge of a nearby end's square never hides it
    assert end.get_markerfacecolor() == "none"
    assert end.get_markersize() > star.get_markersize()
    assert star.get_zorder() > end.get_zorder()


def test_contour_coinciding_ends_are_nested_squares_and_named():
    def f(p):
        return p[:, 0] ** 2 + p[:, 1] ** 2

    end = [0.0, 0.0]
    paths = {"gd": np.array([[1.0, 1.0], end]), "adam": np.array([[-1.0, 1.0], end]),
             "cg": np.array([[1.0, -1.0], [0.5, 0.5]])}
    fig = plots.plot_contour(f, [(-2, 2), (-2, 2)], paths, [{"point": end,
                                                            "kind": "minimum"}])
    ax = fig.axes[0]
    squares = [(ln.get_markeredgecolor(), ln.get_markersize()) for ln in ax.lines
               if ln.get_marker() == "s" and len(ln.get_xdata()) == 1]
    # one panel, no zoom: a nest would hide the last segments of the paths; gd and adam
    # share one black square of the plain size (named in the legend), cg has its own
    assert len(squares) == 2 and {s for _, s in squares} == {plots.LAST_SQUARE}
    assert "black" in {c for c, _ in squares}
    assert "one black square: gd, adam end at one point" in _legend_texts(fig)
    assert plots.last_square_sizes({"a": [0, 0], "b": [0.01, 0], "c": [1, 0]}, [4, 4]) == (
        {"a": plots.LAST_SQUARE, "b": plots.LAST_SQUARE + plots.LAST_STEP,
         "c": plots.LAST_SQUARE}, [["a", "b"]])


def test_nested_squares_say_one_point_only_when_the_ends_are_one_point():
    # ends 0.08 apart (−0.177 vs −0.257) share a nest on a 10-wide box but are not one point
    ends = {"momentum": [-0.177, 0.0], "nesterov": [-0.257, 0.0], "adam": [-0.022, 0.0],
            "cg": [0.0, 0.052], "bfgs": [0.7, 0.3], "lbfgs": [0.7, 0.3]}
    span = [10.0, 10.0]
    _, groups = plots.last_square_sizes(ends, span)
    labels = [plots.nest_label(ends, g, span) for g in groups]
    assert "nested squares: momentum, nesterov end within 0.08 of each other" in labels
    # ‖(−0.022, 0) − (0, 0.052)‖ = 0.05646… → 0.057 (rounded up: a bound)
    assert "nested squares: adam, cg end within 0.057 of each other" in labels
    assert "nested squares: bfgs, lbfgs end at one point" in labels


def test_theory_line_spans_a_third_of_the_run_and_its_legend_dashes_match_the_colours():
    # a window on the last 3 of 46 steps: the line starts at 46 − ⌈46/3⌉ = 30, not at 43
    e = 0.6 ** np.arange(47.0)
    kk, yy = plots.theory_line(e, 0.6, (43, 46))
    assert kk[0] == 30 and kk[-1] == 46
    np.testing.assert_allclose(yy, e[43] * 0.6 ** (kk - 43.0))
    fig = plots.plot_error({"gd": 0.9 ** np.arange(60.0), "cg": e}, rates={"gd": 0.9, "cg": 0.6},
                           windows={"cg": (43, 46)}, ratios=False)
    leg = fig.legends[0]
    entry = {t.get_text(): h for h, t in zip(leg.legend_handles, leg.get_texts(), strict=True)
             if t.get_text().startswith("theory for")}
    # one entry per dashed line, in the colour it is drawn in, carrying the theory value;
    # the measured lines' entries carry none
    assert entry["theory for gd: slope ρᵏ, ρ = 0.9"].get_color() \
        == plots.METHOD_COLORS["gd"]
    assert entry["theory for cg: slope ρᵏ, ρ = 0.6"].get_color() \
        == plots.METHOD_COLORS["cg"]
    assert {"gd", "cg"} <= set(_legend_texts(fig))
    assert not [t for t in _legend_texts(fig) if "ρ" in t and not t.startswith("theory for")]
    dashes = {ln.get_color() for ln in fig.axes[0].lines if "theory" in ln.get_label()}
    assert dashes == {plots.METHOD_COLORS["gd"], plots.METHOD_COLORS["cg"]}
    assert "black" not in dashes


def test_theory_line_stays_in_its_window_above_the_data_and_a_cut_window_is_said():
    """A cg-like run: drawn to k = 101, its fit window 85–118 and its bound ρ = 0.8 slower
    at first than the measurement settles.  The shading ends at the drawn end and the legend
    says so; the bound line ends at 101 and lies at least ×10 above every measured
    point there, exactly ×10 where they come closest (it used to start at k ≈ 67 and cross
    the data).  A window shorter than a third of the run up to its end (16 of 101 steps)
    draws the line over that third, 67–101: a 16-step segment read as a stub."""
    k = np.arange(102.0)
    e = np.where(k < 90, 0.9 ** k, 0.9 ** 90 * 0.7 ** (k - 90))
    fig = Figure(layout="constrained")
    plots.plot_error({"cg": e}, rates={"cg": 0.8}, windows={"cg": (85, 118)},
                     rate_labels={"cg": "bound ρ = 0.8"}, fig=fig)
    ax = fig.axes[0]
    band = [ln for ln in ax.lines if ln.get_linewidth() >= 6][0]
    assert band.get_xdata()[0] == 85 and band.get_xdata()[-1] == 101
    assert any("cut where the drawing ends: cg k 85–118, drawn to 101" in " ".join(t.split())
               for t in _legend_texts(fig))
    (line,) = [ln for ln in ax.lines if "bound" in ln.get_label()]
    kk, yy = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert kk[0] == 101 - math.ceil(101 / 3) and kk[-1] == 101
    np.testing.assert_allclose(yy[1:] / yy[:-1], 0.8)  # the bound's slope
    q = yy / e[kk.astype(int)]
    assert q.min() == pytest.approx(plots.THEORY_OFFSET)
    assert plots.audit(fig) == []


def test_coinciding_error_series_both_show():
    """gd and momentum with the same errors (Himmelblau's error figure): the one drawn first
    is wider, so it shows on both sides of the one drawn over it."""
    e = 0.8 ** np.arange(120.0)
    fig = Figure(layout="constrained")
    plots.plot_error({"gd": e, "momentum": e.copy(), "adam": 3 * e}, ratios=False, fig=fig)
    lines = {ln.get_label().split(":")[0]: ln for ln in fig.axes[0].lines
             if ln.get_label().endswith("measured")}
    widths = [lines[m].get_linewidth() for m in ("gd", "momentum", "adam")]
    assert widths == sorted(widths, reverse=True) and widths[0] - widths[1] >= 0.8
    assert widths[0] - widths[1] >= plots.COINCIDE_STEP - 1e-9  # coinciding: 0.8 pt border
    assert widths[1:] == pytest.approx(plots.stacked_widths(3)[1:])


def test_coinciding_error_series_in_the_middle_of_the_order_both_show():
    """Kink p.9: bfgs and lbfgs with identical errors were drawn 2.3 and 1.7 pt wide (four
    series stacked evenly), so 0.3 pt of bfgs showed on either side of lbfgs: nothing at
    100 dpi.  The series drawn under another of equal values is COINCIDE_STEP wider."""
    e = np.array([6.6, 5.8, 2.5, 0.72, 0.72])
    fig = Figure(layout="constrained")
    plots.plot_error({"newton": np.array([6.6, 4.8]), "bfgs": e, "lbfgs": e.copy(),
                      "cg": np.array([6.6, 3.6, 0.05])}, ratios=False, fig=fig)
    w = {ln.get_label().split(":")[0]: ln.get_linewidth() for ln in fig.axes[0].lines
         if ln.get_label().endswith("measured")}
    assert w["bfgs"] - w["lbfgs"] >= plots.COINCIDE_STEP - 1e-9
    assert w["cg"] == pytest.approx(plots.stacked_widths(4)[3])


def test_grad_norm_plot_gives_three_length_scales_three_panels():
    # 6, 60 and 360 iterations: 6 steps on a 0–60 axis would be a vertical stroke
    fig = plots.plot_grad_norm({"newton": np.geomspace(1, 1e-9, 7),
                                "gd": np.geomspace(1, 1e-6, 61),
                                "adam": np.geomspace(1, 1e-6, 361)})
    assert [round(ax.get_xlim()[1]) for ax in fig.axes[:3]] == [6, 62, 371]
    assert plots.audit(fig) == []


def test_paths_grid_panel_with_nothing_below_has_its_own_x_tick_labels():
    """Five panels in rows of three: the third has no panel under it, so it shows its x
    tick labels (shared x axes used to hide them) and its x label."""
    path = np.array([[-1.2, 1.0], [0.0, 0.5], [1.0, 1.0]])
    fig = Figure(figsize=(6.9, 5.5), layout="constrained")
    plots.plot_paths_grid(lambda p: (1 - p[:, 0]) ** 2 + 100 * (p[:, 1] - p[:, 0] ** 2) ** 2,
                          [[-2, 2], [-1, 3]], {m: path for m in
                                               ("gd", "momentum", "newton", "bfgs", "lbfgs")},
                          fig=fig)
    plots._renderer(fig)
    for ax in fig.axes:
        shown = [t.get_text() for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        row, col = ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start
        below = any(a.get_subplotspec().rowspan.start == row + 1
                    and a.get_subplotspec().colspan.start == col for a in fig.axes)
        assert bool(shown) == (not below), (ax.get_title(), shown)
        assert (ax.get_xlabel() == "x") == (not below)
    assert plots.audit(fig) == []


# ------------------------------------------------------------ theory lines stay visible


def _theory_lines_clear(fig):
    """Each dashed error-slope theory line of ``fig`` against the other series of its axes:
    the share of its points within THEORY_BAND decades of them (0 = clear)."""
    out = {}
    for ax in fig.axes:
        if ax.get_yscale() != "log":
            continue
        for ln in ax.lines:
            if "theory" not in ln.get_label():
                continue
            own = ln.get_label().split(":")[0]
            others = []
            for o in ax.lines:
                lab = o.get_label()
                if o is ln or lab.startswith(own + ":") or o.get_linewidth() >= 6:
                    continue  # itself, its own measurement (≥ ×10 below), window bands
                y = np.full(int(np.nanmax(o.get_xdata())) + 1, np.nan)
                y[np.asarray(o.get_xdata(), int)] = o.get_ydata()
                others.append(y)
            out[own] = plots.theory_clearance((ln.get_xdata(), ln.get_ydata()), others)
    return out


def test_a_theory_line_lost_among_other_methods_gets_a_panel_of_its_own():
    # Himmelblau's first-order runs: momentum's theory line (×10 above its errors) runs
    # along gd's errors, nesterov's along momentum's; in one panel they are lost
    k = np.arange(90)
    e = {"gd": 2 * 0.728 ** k, "momentum": 2 * 0.68 ** k[:72], "nesterov": 2 * 0.478 ** k[:50]}
    rates = {"gd": 0.728, "momentum": 0.68, "nesterov": 0.478}
    wins = {"gd": (5, 80), "momentum": (10, 60), "nesterov": (20, 40)}
    assert plots.crowded_theory(e, rates, wins)  # one shared panel would hide one
    fig = plots.plot_error(e, rates=rates, windows=wins)
    assert plots.error_panels(e, rates=rates, windows=wins).multiples
    clear = _theory_lines_clear(fig)
    assert set(clear) == set(rates) and max(clear.values()) == 0.0
    assert plots.audit(fig) == []
    # apart: no crowding, one shared panel as before
    far = {"gd": 2 * 0.728 ** k, "newton": np.array([1.0, 1e-2, 1e-5])}
    assert not plots.error_panels(far, rates={"gd": 0.728}).multiples


def test_theory_clearance_counts_points_near_other_series():
    kk = np.arange(10)
    line = (kk, 10.0 ** -kk)
    assert plots.theory_clearance(line, [10.0 ** (-kk - 2.0)]) == 0.0
    assert plots.theory_clearance(line, [10.0 ** (-kk - 0.1)]) == 1.0
    half = np.where(kk < 5, 10.0 ** -kk, 1e9)
    assert plots.theory_clearance(line, [half]) == 0.5


def test_a_short_fit_window_draws_more_than_a_stub():
    # cg on Rosenbrock: window 43–45 of 46 steps; its line ends at 45 and spans a third
    e = 0.6 ** np.arange(47.0)
    kk, yy = plots.offset_theory_line(e, 0.6, (43, 45))
    assert kk[0] == 45 - math.ceil(45 / 3) and kk[-1] == 45
    assert np.min(yy / e[kk]) == pytest.approx(plots.THEORY_OFFSET)


# ------------------------------------------------------------ one outcome: no basin map


def test_single_outcome_names_what_every_start_did():
    pts, kinds = [np.array([0.0, 0.0]), np.array([1.0, 1.0])], ["minimum", "saddle"]
    one = NS(labels=np.zeros((3, 3), int), points=pts, kinds=kinds, cycles={})
    assert plots.single_outcome(one) == "converged to the same point (0, 0) (minimum)"
    cyc = NS(labels=np.full((3, 3), -2), points=pts, kinds=kinds, cycles={2: 9})
    assert plots.single_outcome(cyc) == "ended on a cycle (period 2)"
    assert plots.single_outcome(NS(labels=np.full(4, -1), points=pts, kinds=kinds,
                                   cycles={})) == "diverged or did not converge"
    mixed = NS(labels=np.array([[0, -2], [0, 0]]), points=pts, kinds=kinds, cycles={2: 1})
    assert plots.single_outcome(mixed) is None
    # every start ended near (0, 0), none converged (status iteration limit): not "converged"
    near = NS(labels=np.zeros((2, 2), int), converged=np.zeros((2, 2), bool), points=pts,
              kinds=kinds, cycles={})
    assert plots.single_outcome(near) == \
        "did not converge, ended near the same point (0, 0) (minimum)"
    part = NS(labels=np.zeros((2, 2), int), converged=np.eye(2, dtype=bool), points=pts,
              kinds=kinds, cycles={})
    assert plots.single_outcome(part) is None


# ------------------------------------------------------------ one tick format per axis


def test_audit_wants_one_tick_format_per_axis():
    fig = Figure(layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_yticks([0.0, 0.5, 1.0])
    ax.set_yticklabels(["0", "0.5", "1e+00"])  # mixed: plain and e-notation
    assert any("mix formats" in p for p in plots.audit(fig))
    # the symlog eigenvalue axis of chained Rosenbrock (λ from −1.6 to 1.4·10³)
    cps = [NS(point=[1.0, 1.0], kind="minimum", eigenvalues=[0.4, 1400.0], condition_number=3e3),
           NS(point=[-1.0, 1.0], kind="saddle", eigenvalues=[-1.6, 300.0], condition_number=2e2)]
    fig = plots.plot_hessian_eigenvalues(cps)
    kinds = {plots.tick_format(t.get_text()) for t in fig.axes[0].get_yticklabels()
             if t.get_text()} - {"any"}
    assert kinds == {"power"}
    assert plots.audit(fig) == []


# ------------------------------------------------------------ labels off markers and lines


def test_iterate_numbers_keep_clear_of_markers_lines_and_each_other():
    # the study's GD on x², η = 0.2, in a third of the text width: "6" and "4" used to touch
    x = 10.0 * 0.6 ** np.arange(11)
    fig = Figure(figsize=(165 / 72, 190 / 72), layout="constrained")
    plots.plot_curve_1d(lambda v: v ** 2, {"η = 0.2": x}, legend=False, numbered=6,
                        zoom=False, fig=fig)
    assert plots.audit(fig) == []
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    marks = plots.data_marks(ax, renderer)
    shown = [t for t in ax.texts if t.get_visible() and t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in shown]
    assert shown and not any(plots.covers(b, marks) for b in boxes)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not plots._overlap(boxes[i], boxes[j], -plots.LABEL_GAP + 0.5)


def test_iterate_numbers_of_a_run_sit_on_one_side_of_its_path():
    """The study's GD on x², η = 0.05, in a third of the text width: numbers 1–7 sat
    above-left of their iterates and "8", kept off that side only by x₉'s marker nearer
    its middle, flipped below-right of x₈, where it read as x₉'s.  Every number shown
    lies on one side of the path (the sign of the cross product of the path's direction
    at the iterate and the number's offset, in display pixels)."""
    x = 10.0 * 0.9 ** np.arange(11)
    fig = Figure(figsize=(495 / 72, 190 / 72), layout="constrained")
    sub = fig.subfigures(1, 3)[1]
    plots.plot_curve_1d(lambda v: v ** 2, {"η = 0.05": x}, legend=False, numbered=6,
                        zoom=False, title="η = 0.05: 10 steps from x₀ = 10", fig=sub)
    assert plots.audit(fig) == []
    renderer = fig.canvas.get_renderer()
    ax = sub.axes[0]
    pts = ax.transData.transform(np.column_stack([x, x ** 2]))
    sides = {}
    for t in ax.texts:
        if t.get_visible() and t.get_text().isdigit() and 0 < int(t.get_text()) < len(x) - 1:
            j = int(t.get_text())
            e = t.get_window_extent(renderer)
            off = np.array([0.5 * (e.x0 + e.x1), 0.5 * (e.y0 + e.y1)]) - pts[j]
            tangent = pts[j + 1] - pts[j - 1]
            sides[j] = float(np.sign(tangent[0] * off[1] - tangent[1] * off[0]))
    assert len(sides) >= 5 and len(set(sides.values())) == 1, sides


def test_audit_flags_a_label_on_a_marker():
    fig = Figure(layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0.0, 1.0, 2.0], [0.0, 1.0, 0.0], "o-")
    ax.annotate("0", (1.0, 1.0), textcoords="offset points", xytext=(0, 0), ha="center",
                va="center")
    assert any("sits on a marker or line" in p for p in plots.audit(fig))


# ------------------------------------------------------------ titles without orphans


@pytest.mark.parametrize("title", [
    "GD on x³ from x₀ = 1",  # the study's x³ panel wrapped "= 1" alone
    "Adam (1000 it.)",  # "it.)" alone
    "Error: first-order and adaptive methods: short runs (drawn up to 81 iterations)",
])
def test_wrapped_titles_end_without_a_lone_fragment(title):
    size = 9.0
    full = plots.text_width_pt(title, size)
    for avail in np.linspace(0.35 * full, 0.98 * full, 25):
        text = plots.wrap_words(title, avail, size)
        assert " ".join(text.split()) == title
        assert not plots.orphan_line(text), text
        assert all(plots.text_width_pt(ln, size) <= avail or " " not in ln
                   for ln in text.split("\n"))


def test_audit_flags_a_title_ending_in_a_lone_fragment():
    fig = Figure(layout="constrained")
    fig.add_subplot().set_title("GD on x³ from x₀\n= 1")
    assert any("lone fragment" in p for p in plots.audit(fig))


def _ratio_theory_lines(ax, rates):
    """The horizontal lines y = ρ of a ratio axes, found by their data (not by a tag)."""
    return [ln for ln in ax.get_lines() if len(ln.get_ydata()) == 2
            and np.allclose(ln.get_ydata(), ln.get_ydata()[0])
            and any(np.isclose(ln.get_ydata()[0], r) for r in rates)]


def test_error_plot_ratio_theory_lines_show_over_dense_markers():
    # three runs whose ratios sit exactly on their predicted ρ over 60 … 280 steps (the
    # gd-on-x² page): each dashed ρ line must show over most of its length, not lie under
    # the measured markers that crowd onto it (drawn above it, they are spaced
    # LINE_GAP marker sizes apart on it: at most about a quarter of it lies under them)
    rates = {"a": 0.6, "b": 0.9, "c": 1.2}
    steps = {"a": 60, "b": 280, "c": 100}
    errors = {k: rates[k] ** np.arange(steps[k] + 1.0) for k in rates}
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    plots.plot_error(errors, rates=rates, windows={k: (0, steps[k]) for k in rates},
                     fig=fig)
    axr = fig.axes[-1]
    renderer = plots._renderer(fig)
    lines = _ratio_theory_lines(axr, rates.values())
    assert len(lines) == 3
    for ln in lines:
        assert plots.hidden_share(axr, ln, renderer) < 0.25, ln.get_ydata()[0]
    assert plots.audit(fig) == []


def test_hidden_share_counts_length_under_series_drawn_above():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 2)
    line = ax.axhline(1.0, lw=1, zorder=2, gid="theory")
    ax.plot([0, 4], [1, 1], lw=4, zorder=3)  # covers 40 % of it, drawn above
    ax.plot([5, 10], [1, 1], lw=4, zorder=1)  # right half: drawn below, does not hide it
    share = plots.hidden_share(ax, line, plots._renderer(fig))
    assert 0.35 < share < 0.45
    assert plots.audit(fig) == []  # under the limit
    ax.plot([4, 10], [1, 1], lw=4, zorder=3)
    assert any("theory line" in p for p in plots.audit(fig))


def test_ratio_axis_ticks_have_one_number_of_decimals():
    # ρ = 0.6, 0.9, 1.2: ticks 0.6 … 1.2 written "1.0", not "1" among decimals; and ratios
    # 0.999594 … 0.99960 (a long slow run): every tick with 6 decimals
    rates = {"a": 0.6, "b": 0.9, "c": 1.2}
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    plots.plot_error({k: r ** np.arange(61.0) for k, r in rates.items()}, rates=rates, fig=fig)
    plots._renderer(fig)
    texts = [t.get_text() for t in plots._drawn_tick_labels(fig.axes[-1].yaxis)]
    assert len({plots.tick_decimals(t) for t in texts}) == 1, texts
    assert plots.audit(fig) == []
    e = np.cumprod(np.r_[1.0, 0.999594 + 0.000006 * (1 - np.exp(-np.arange(3000.0) / 500))])
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    plots.plot_error({"gd": e}, rates={"gd": 0.999601}, fig=fig)
    plots._renderer(fig)
    texts = [t.get_text() for t in plots._drawn_tick_labels(fig.axes[-1].yaxis)]
    assert len({plots.tick_decimals(t) for t in texts}) == 1, texts
    assert plots.same_decimals([0.6, 0.8, 1.0, 1.2]) == 1
    assert plots.same_decimals([0.999596, 0.9996]) == 6


def test_audit_flags_mixed_decimals_on_a_linear_axis():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0.6, 1.2])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.7g}"))  # "1" among "0.8"
    assert any("decimals" in p for p in plots.audit(fig))
    ax.yaxis.set_major_formatter(plots.SameDecimals())
    assert plots.audit(fig) == []


def test_log_error_axis_has_a_tick_at_the_top_values_decade():
    # errors from 0.3 down to 1e-15 (on this height matplotlib ticks every 2nd decade,
    # up to 1e-3 only): the start value's decade 1e-1 must have a tick at or above it
    e = np.geomspace(0.3, 1e-15, 23)
    fig = Figure(figsize=(6.4, 2.6), layout="constrained")
    plots.plot_error({"newton": e}, ratios=False, fig=fig)
    plots._renderer(fig)
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
    assert max(ticks) >= 0.1
    assert plots.audit(fig) == []
    bare = Figure(figsize=(6.4, 3.0))
    a = bare.add_subplot()
    a.semilogy(np.arange(23), e)
    a.set_ylim(e.min() / 2.5, e.max() * 2.5)
    a.set_yticks([1e-14, 1e-11, 1e-8, 1e-5, 1e-2])
    assert any("no y tick" in p for p in plots.audit(bare))


@pytest.mark.parametrize("title", ["20 steps: momentum η = 0.6, β = 0.5 (20 it.)",
                                   "Gaussian noise of width σ = 1 on every gradient"])
def test_wrapped_titles_never_break_next_to_a_relation(title):
    for width in (40.0, 60.0, 80.0, 110.0, 150.0):
        for line in plots.wrap_words(title, width, 10.0).split("\n"):
            words = line.split()
            assert words[0] != "=" and words[-1] != "=", (width, line)
    assert plots.bound_words("a η = 0.6, b") == ["a", "η = 0.6,", "b"]


@pytest.mark.parametrize("count", [1000, 20000, 1234567])
def test_wrapped_titles_never_break_inside_a_count(count):
    # the kink page's momentum panel: "momentum (1" / "000 it.; leaves ..." at 8.5 pt
    title = f"momentum ({plots.iterations_text(count)}; leaves the box at k = {count})"
    number = f"{count:,}".replace(",", " ")  # the count as a title writes it, whole
    for width in (40.0, 50.0, 60.0, 75.0, 90.0, 120.0):
        wrapped = plots.wrap_words(title, width, 8.5)
        assert any(number in line for line in wrapped.split("\n")), (width, wrapped)
    assert plots.bound_words("(1 000 it.)") == ["(1 000 it.)"]


def _count_unit_breaks(text):
    """The places where a wrapped ``text`` ends a line on a count's digit and starts the next
    with the count's unit "it." (read from the lines, not from the wrapping code)."""
    lines = text.split("\n")
    return [(a, b) for a, b in zip(lines, lines[1:], strict=False)
            if a.rstrip()[-1:].isdigit() and b.lstrip().startswith("it.")]


def test_a_grid_title_keeps_a_count_with_its_unit():
    # kink p. 8: the trajectory grid's Adam panel read "Adam (1 000" / "it.; ends on" /
    # "a 10-cycle)": the count and its unit on separate lines
    titles = ["GD (1 000 it.; ends on a 2-cycle)", "momentum (1 000 it.; ends on a 6-cycle)",
              "Nesterov (1 000 it.; ends on a 2-cycle)", "Adam (1 000 it.; ends on a 10-cycle)",
              "Newton (1 it.)", "BFGS (4 it.)", "L-BFGS (4 it.)", "CG (2 it.)"]
    for width in (6.0, 7.0, 8.0):
        fig = Figure(figsize=(width, 4.0), layout="constrained")
        axes = fig.subplots(2, 4)
        for ax, title in zip(axes.flat, titles, strict=True):
            ax.set_title(title, fontsize=9.0)
        plots.fit_titles(fig)
        for ax, title in zip(axes.flat, titles, strict=True):
            text = ax.title.get_text()
            assert " ".join(text.split()) == title
            assert not _count_unit_breaks(text), (width, text)
    for avail in (50.0, 60.0, 70.0, 80.0):
        for size in (7.0, 8.0, 9.0, 10.0):
            text = plots.wrap_words(titles[3], avail, size)
            assert not _count_unit_breaks(text), (avail, size, text)


def _box_point(e, p):
    return math.hypot(max(e.x0 - p[0], 0, p[0] - e.x1), max(e.y0 - p[1], 0, p[1] - e.y1))


def test_iterate_numbers_sit_nearest_their_own_point_or_are_dropped():
    # GD on x³ from 1 with η = 0.1: iterates crowd towards 0 (the study's page): every number
    # shown must be nearer its own iterate than any other marker, and within reach
    x = [1.0]
    for _ in range(11):
        x.append(x[-1] - 0.3 * x[-1] ** 2)
    path = np.array(x)
    fig = Figure(figsize=(3.0, 3.3), layout="constrained")
    plots.plot_curve_1d(lambda v: v**3, {"gd": path}, xlim=(-1.2, 1.2), numbered=6,
                        legend=False, title="first 11 GD steps from x₀ = 1", fig=fig)
    renderer = plots._renderer(fig)
    checked = 0
    for ax in fig.axes:
        pts = np.concatenate([ln.get_transform().transform(np.asarray(ln.get_xydata(), float))
                              for ln in ax.get_lines() if ln.get_marker() not in ("None", "")
                              and ln.get_visible()])
        for t in ax.texts:
            if not (t.get_visible() and t.get_text().isdigit()):
                continue
            e = t.get_window_extent(renderer)
            own = ax.transData.transform(np.asarray(t.xy, float))
            d_own = _box_point(e, own)
            assert d_own <= plots.LABEL_REACH, t.get_text()
            assert all(_box_point(e, p) >= d_own for p in pts
                       if math.hypot(*(p - own)) > 1.0), t.get_text()
            checked += 1
    assert checked >= 8


def _numbered_zigzag():
    """GD on x² with η = 1.1 from x₀ = 10 (f' = 2x, 10 steps), drawn as on the study's page
    (one of three panels, 72 dpi) with numbered iterates: ``(xs, ax, renderer, centres,
    radii)``, the centres and radii (px) of every visible marker."""
    from analysis import pages

    xs = [10.0]
    for _ in range(10):
        xs.append(xs[-1] - 1.1 * 2.0 * xs[-1])
    fig = Figure(figsize=(pages.CONTENT_W / 72.0, 190 / 72.0), layout="constrained", dpi=72)
    sub = fig.subfigures(1, 3)[2]
    plots.plot_curve_1d(lambda v: v**2, {"η = 1.1": np.array(xs)}, legend=False, numbered=6,
                        zoom=False, fig=sub)
    renderer = plots._renderer(fig)
    (ax,) = sub.axes
    centres, radii = [], []
    for ln in ax.get_lines():
        if ln.get_marker() not in ("None", "", None) and ln.get_visible():
            p = ln.get_transform().transform(np.asarray(ln.get_xydata(), float))
            centres += list(p)
            radii += [ln.get_markersize() / 2.0] * len(p)  # points = px at 72 dpi
    return xs, ax, renderer, centres, radii


def test_each_iterate_number_sits_beside_its_own_marker():
    """Study p. 9, GD on x² with η = 1.1: the number "4" sat 8 pt below and right of its
    iterate, level with the large start circle, so it read as the start's number.  Laid out
    as on the page (one of three panels, 72 dpi), every number shown lies within a few
    points of its own marker's edge, nearer it than any other marker and over none, and
    the iterates on the outer arms of the zigzag (k = 4 … 10) are all numbered."""
    xs, ax, renderer, centres, radii = _numbered_zigzag()
    shown = set()
    for t in ax.texts:
        if not (t.get_visible() and t.get_text().isdigit()):
            continue
        e = t.get_window_extent(renderer)
        own = ax.transData.transform((xs[int(t.get_text())], xs[int(t.get_text())] ** 2))
        gaps = [(_box_point(e, c) - r, math.hypot(*(c - own)) <= 1.0)
                for c, r in zip(centres, radii, strict=True)]
        mine = min(g for g, here in gaps if here)
        assert -0.5 < mine <= 4.0, (t.get_text(), mine)
        assert all(g >= max(mine, 0.5) for g, here in gaps if not here), (t.get_text(), gaps)
        shown.add(int(t.get_text()))
    assert set(range(4, 11)) <= shown, shown


def test_an_iterate_number_between_two_markers_is_not_shown():
    """Study, GD on x² with η = 1.1: the number "3" sat below and left of iterate 3, its
    middle about as far from iterate 1 (5 px away) as from its own marker, so that it read
    as either's.  Seen from the middle of every number shown, its own marker is now the
    nearest by a clear margin (others at least 1.5 times as far, edge to edge); "3", with
    no such place in the narrow panel, is left out and the others stay."""
    xs, ax, renderer, centres, radii = _numbered_zigzag()
    shown = set()
    for t in ax.texts:
        if not (t.get_visible() and t.get_text().isdigit()):
            continue
        k = int(t.get_text())
        e = t.get_window_extent(renderer)
        mid = ((e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2)
        own = ax.transData.transform((xs[k], xs[k] ** 2))
        gaps = [(math.hypot(c[0] - mid[0], c[1] - mid[1]) - r, math.hypot(*(c - own)) <= 1.0)
                for c, r in zip(centres, radii, strict=True)]
        mine = min(g for g, here in gaps if here)
        assert all(g >= 1.5 * mine for g, here in gaps if not here), (k, mine, gaps)
        shown.add(k)
    assert 3 not in shown and set(range(4, 11)) <= shown, shown


def test_small_multiples_show_the_last_marker_whole():
    # three runs whose theory lines crowd one axes: small multiples, narrow; each run's last
    # marker (at k = n) must lie inside its panel by at least its radius
    errors = {"gd": 0.73 ** np.arange(81.0), "momentum": 0.68 ** np.arange(61.0),
              "nesterov": 0.48 ** np.arange(38.0)}
    rates = {"gd": 0.73, "momentum": 0.68, "nesterov": 0.48}
    fig = Figure(figsize=(6.8, 3.0), layout="constrained")
    plots.plot_error(errors, rates=rates, fig=fig)
    renderer = plots._renderer(fig)
    checked = 0
    for ax in fig.axes:
        for ln in ax.get_lines():
            if ln.get_marker() in ("None", "", None) or ln.get_markersize() <= 0 \
                    or len(ln.get_xdata()) < 20:
                continue
            x = ax.transData.transform((ln.get_xdata()[-1], 1.0))[0]
            r = 0.5 * renderer.points_to_pixels(ln.get_markersize())
            assert x + r <= ax.get_window_extent(renderer).x1, ln.get_label()
            checked += 1
    assert checked >= 3


def test_int_ranges_names_the_depths_with_exact_derivatives():
    assert plots.int_ranges([1, 2, 3, 4, 5, 6, 8]) == "1–6, 8"
    assert plots.int_ranges([8, 1, 2]) == "1, 2, 8"
    assert plots.int_ranges([]) == ""


def _marked_points(ax, ln):
    """Page positions (points) of the markers a line draws."""
    every = ln.get_markevery()
    x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
    idx = np.arange(x.size) if every is None else np.asarray(every)
    return ax.transData.transform(np.c_[x[idx], y[idx]]) * 72.0 / ax.figure.dpi


def test_ratio_markers_of_a_short_window_on_a_long_axis_do_not_merge():
    # the study's κ = 100 page: GD's fit window covers 0–1474, heavy ball's 102–173 and
    # Nesterov's 181–308; 60 markers each in 5 % of the axis were a solid blob
    from analysis import plots_lecture

    k = np.arange(1500.0)
    errs = {"gd": 0.9802 ** k, "hb": (1 + k[:180]) * 0.8182 ** k[:180],
            "nest": (1 + k[:320]) * 0.9 ** k[:320]}
    wins = {"gd": (0, 1474), "hb": (102, 173), "nest": (181, 308)}
    for fig in (plots_lecture.plot_error_ratios(errs, {"gd": 0.9802, "hb": 0.8182,
                                                       "nest": 0.9}, windows=wins),
                plots.plot_error(errs, rates={"gd": 0.9802, "hb": 0.8182, "nest": 0.9},
                                 windows=wins)):
        lines = [(a, ln) for a in fig.axes for ln in a.lines if ln.get_gid() == "ratios"]
        assert len(lines) == 3
        for ax, ln in lines:
            p = _marked_points(ax, ln)
            assert len(p) >= 2
            gaps = np.hypot(*np.diff(p, axis=0).T)
            assert gaps.min() >= plots.MARKER_GAP * ln.get_markersize() - 1e-9
    assert plots.spaced_indices([[0, 0], [1, 0], [3, 0], [3.5, 0]], 2.0) == [0, 3]


def test_a_short_ratio_series_on_its_theory_line_keeps_every_other_marker():
    # Rosenbrock in 5-D: cg's ratios at k = 89 … 98 are ≈ ρ, on its dashed line; spaced
    # LINE_GAP (4) marker sizes apart there, two of the ten were marked. A 4-in axes over
    # k = 0 … 100 puts the steps 288/100 = 2.88 pt apart; markers 3 pt wide need 1.6 · 3 =
    # 4.8 pt: every other step, five of the ten (the last replacing the ninth)
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(1e-4, 2)
    ax.set_yscale("log")
    plots.ratio_theory_line(ax, 0.966, "C1")
    kr = np.arange(89.0, 99.0)
    ln = plots.draw_ratios(ax, kr, np.full(kr.size, 0.966), "C1", "o")
    assert ln.get_markersize() == 3.0
    plots.space_ratio_markers(ax)
    assert list(ln.get_markevery()) == [0, 2, 4, 6, 9]
    # a long series on its line keeps the wider spacing, so that the line shows
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    plots.ratio_theory_line(ax, 0.5, "C1")
    kr = np.arange(0.0, 100.0)
    ln = plots.draw_ratios(ax, kr, np.full(kr.size, 0.5), "C1", "o")
    plots.space_ratio_markers(ax)
    p = _marked_points(ax, ln)
    assert np.hypot(*np.diff(p, axis=0).T)[:-1].min() >= plots.LINE_GAP * ln.get_markersize()


def test_error_legend_shows_the_marker_of_each_series_ratio_markers():
    # gd's 200 errors are drawn as a plain line (no markers past 80 points), its ratios as
    # circles: the legend entry shows the circle; momentum's 40 errors carry their marker
    k = np.arange(201.0)
    errs = {"gd": 0.9 ** k, "momentum": 0.5 ** k[:41]}
    fig = plots.plot_error(errs, rates={"gd": 0.9, "momentum": 0.5},
                           windows={"gd": (0, 199), "momentum": (0, 39)})
    ratio = {ln.get_color(): ln.get_marker() for a in fig.axes for ln in a.lines
             if ln.get_gid() == "ratios"}
    assert len(ratio) == 2
    legend = fig.legends[0]
    for text, h in zip(legend.texts, legend.legend_handles, strict=True):
        name = text.get_text()
        if name in ("gd", "momentum"):
            assert h.get_marker() == ratio[h.get_color()], name
            assert h.get_markersize() > 0
    assert plots.audit(fig) == []


def test_an_error_line_draws_the_marker_its_legend_entry_shows():
    # gd's 200 errors (no markers of their own past 80 points): the legend entry shows the
    # circle of gd's ratios, so the error line itself carries circles too, about 10 of them,
    # white-filled like the ratios'; every marker of the legend is drawn in an error panel
    k = np.arange(201.0)
    errs = {"gd": 0.9 ** k, "momentum": 0.5 ** k[:41]}
    fig = plots.plot_error(errs, rates={"gd": 0.9, "momentum": 0.5},
                           windows={"gd": (0, 199), "momentum": (0, 39)})
    error_axes = [a for a in fig.axes if a.get_yscale() == "log"
                  and "ₖ" in a.get_ylabel() and "/" not in a.get_ylabel()]
    lines = [ln for a in error_axes for ln in a.lines
             if len(ln.get_xdata()) == 201 and ln.get_linestyle() == "-"]
    (gd,) = [ln for ln in lines if ln.get_color() == plots.METHOD_COLORS["gd"]]
    assert gd.get_marker() == "o" and gd.get_markersize() >= 4
    marked = plots.marked_points(gd.get_xydata(), gd.get_markevery())
    assert 8 <= len(marked) <= 12
    drawn = {(ln.get_color(), ln.get_marker()) for a in error_axes for ln in a.lines
             if ln.get_markersize() > 0 and ln.get_marker() not in ("None", "", None)}
    legend = fig.legends[0]
    for text, h in zip(legend.texts, legend.legend_handles, strict=True):
        if h.get_marker() not in ("None", "", None) and h.get_markersize() > 0:
            assert (h.get_color(), h.get_marker()) in drawn, text.get_text()


def test_a_legend_shows_no_marker_its_panels_do_not_draw():
    # a line drawn without markers, its proxy with a square: the entry is the line alone;
    # a marker-only proxy of a series not drawn at all: no entry; a drawn marker: kept
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="C0", label="_line")
    (dots,) = ax.plot([0, 1], [1, 0], color="C1", marker="o", ls="none", label="dots")
    proxy = Line2D([], [], color="C0", marker="s", label="line")
    ghost = Line2D([], [], color="C2", marker="D", ls="none", label="never drawn")
    leg = plots._outside_legend(fig, [proxy, ghost, dots])
    shown = {t.get_text(): h for t, h in zip(leg.get_texts(), leg.legend_handles, strict=True)}
    assert set(shown) == {"line", "dots"}
    assert shown["line"].get_marker() in ("None", "", None)
    assert shown["line"].get_linestyle() == "-"
    assert shown["dots"].get_marker() == "o"


def test_a_lone_ratio_point_at_the_first_iteration_is_inside_the_axes_and_above_theory():
    # CG on a quadratic: one ratio in its fit window, at k = 0, equal to the bound ρ —
    # it sat on the y spine under the dashed ρ line
    e = np.array([10.0, 6.3451, 1e-3, 1e-15])
    fig = plots.plot_error({"cg": e, "bfgs": 0.5 ** np.arange(8.0)}, rates={"cg": 0.63451},
                           windows={"cg": (0, 1), "bfgs": (4, 7)})  # steps 0; 4–6
    ax = next(a for a in fig.axes if any(ln.get_gid() == "ratios" for ln in a.lines))
    lone = next(ln for ln in ax.lines if ln.get_gid() == "ratios" and len(ln.get_xdata()) == 1)
    theory = [ln for ln in ax.lines if ln.get_gid() == "theory"]
    assert theory and lone.get_zorder() > max(t.get_zorder() for t in theory)
    lo, hi = ax.get_xlim()
    assert lo <= -0.5 and hi >= 6.5  # half a step beyond the first and the last point
    assert plots.k_limits(0, 100) == (-4.0, 104.0)


def test_objective_gap_of_runs_of_very_different_lengths_is_split_into_panels():
    # Newton's 24 steps and L-BFGS' 49 beside GD's 1000: on one 0–1000 axis they were
    # squeezed into its first 9 %
    k = np.arange(1001.0)
    series = {"gd": 1e4 / (1 + k), "newton": 1e4 * 0.2 ** np.arange(25.0),
              "bfgs": 1e4 * 0.6 ** np.arange(68.0), "lbfgs": 1e4 * 0.55 ** np.arange(50.0)}
    fig = plots.plot_iterates(series, ylabel="f(xₖ) − f*", logy=True, split=True)
    axes = [a for a in fig.axes if a.lines]
    assert len(axes) == 2
    short, long = axes
    assert {ln.get_label().split(" (")[0] for ln in short.lines} == {"newton", "bfgs", "lbfgs"}
    assert short.get_xlim()[1] < 80 and long.get_xlim()[1] > 1000
    assert short.get_ylim() == long.get_ylim()  # one y axis: the gaps stay comparable
    # without split (the default) one axes, as before
    assert len(plots.plot_iterates(series, ylabel="f", logy=True).axes) == 1


def test_chain_figure_spanning_35_decades_puts_the_decaying_chain_in_its_own_panel():
    from landscape.vanishing import chain_study

    depths = tuple(range(1, 51))
    studies = [chain_study(a, depths=depths) for a in ("tanh", "sigmoid", "relu")]
    assert plots.chain_panels(studies) == [[0, 2], [1]]
    fig = plots.plot_chain_depth(studies)
    left, right = [a for a in fig.axes if a.lines]
    assert {ln.get_label().split(":")[0] for ln in left.lines} == {"tanh", "relu", "tanh, relu"}
    assert {ln.get_label().split(":")[0] for ln in right.lines} == {"sigmoid"}
    lo, hi = left.get_ylim()
    assert math.log10(hi / lo) < 12  # tanh and relu get the axis, not a band at its top
    # a few layers: one panel as before
    short = [chain_study(a, depths=(1, 2, 3)) for a in ("tanh", "sigmoid")]
    assert plots.chain_panels(short) == [[0, 1]]


def test_chain_figure_open_markers_keep_their_hole_and_every_panel_its_label():
    """Study p. 42: relu's exact derivatives at d = 1–8, shrunk to 4.6 pt with a 1.4 pt edge
    and crossed by the bound line, read as filled triangles beside a caption saying "open
    markers", and the right panel had no y label.  The markers are white inside, drawn over
    the lines, with an edge of at most size/OPEN_EDGE_RATIO; each panel has its y label."""
    from landscape.vanishing import chain_study

    depths = tuple(range(1, 51))
    studies = [chain_study(a, depths=depths, weight=1, x=1.0) for a in ("tanh", "sigmoid",
                                                                        "relu")]
    fig = plots.plot_chain_depth(studies)
    panels = [a for a in fig.axes if a.lines]
    assert len(panels) == 2
    labels = {ax.get_ylabel() for ax in panels}  # (its subscript typeset: dh$_{d}$/dx)
    assert len(labels) == 1 and labels.pop().endswith("/dx| (log scale)")
    for ax in panels:
        marks = [ln for ln in ax.lines if ln.get_linestyle() == "None"]
        assert marks
        for ln in marks:
            assert ln.get_markerfacecolor() == "white"
            assert ln.get_markeredgewidth() <= ln.get_markersize() / plots.OPEN_EDGE_RATIO + 1e-9
            assert ln.get_zorder() > max(x.get_zorder() for x in ax.lines
                                         if x.get_linestyle() != "None"
                                         and "bound" not in x.get_label())
    relu = next(ln for ax in panels for ln in ax.lines if ln.get_label().startswith("relu: exact"))
    assert relu.get_markersize() < 8.0  # shrunk: the case that read filled
    # the sweep's y label says what it plots, with no K left undefined (study p. 11)
    assert "x_K" not in inspect.signature(plots.plot_lr_sweep).parameters["ylabel"].default


def test_small_multiples_titles_keep_clear_of_the_panel_above_at_every_height():
    # two-line panel titles ("Adam η = 0.4, β = (0.9, 0.999) (20 it.)") over equal-aspect
    # panels: at some heights the axes shrank inside its slot and its title rose to the
    # x axis of the panel above (1.7 pt apart at 320 pt)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def f(p):
        return 0.1 * p[:, 0] ** 2 + 2 * p[:, 1] ** 2

    t = np.linspace(0, 1, 21)[:, None]
    s = np.array([-5.0, -2.0])
    paths = {"AdaGrad η = 0.4": s * (1 - 0.5 * t), "AdaGrad η = 2": s * (1 - t),
             "RMSProp η = 0.4, α = 0.9": s * (1 - t),
             "Adam η = 0.4, β = (0.9, 0.999)": s * (1 - 1.2 * t)}
    for h in (300, 320, 330, 350, 360, 380):
        fig = Figure(figsize=(497 / 72, h / 72), layout="constrained", dpi=72)
        plots.plot_paths_grid(f, [(-6, 6), (-3, 3)], paths, [], title="20 steps, one "
                              "panel per method (same axes, equal scales)", fig=fig)
        FigureCanvasAgg(fig).draw()
        r = fig.canvas.get_renderer()
        axes = [a for a in fig.axes if a.get_title()]
        gap = axes[1].get_window_extent(r).y0 - axes[3].title.get_window_extent(r).y1
        assert gap >= 4.0, (h, gap)  # points


def test_a_nest_of_eight_ends_is_drawn_only_in_the_zoom_and_sized_to_its_axes():
    # Himmelblau: all eight methods end at P9 (3.58, −1.85); in the overview their 8 nested
    # squares made a block 1.3 units wide that covered the path ends and the zoom box
    def f(p):
        return (p[:, 0] ** 2 + p[:, 1] - 11) ** 2 + (p[:, 0] + p[:, 1] ** 2 - 7) ** 2

    end = np.array([3.5844, -1.8481])
    names = ["gd", "momentum", "nesterov", "adam", "newton", "bfgs", "lbfgs", "cg"]
    paths = {m: np.array([[1.4, -2.3], [2.0 + 0.1 * i, -2.1], end]) for i, m in enumerate(names)}
    # one overview and one zoom (their paths share a first segment: by default, one panel
    # per method)
    fig = plots.plot_contour(f, [(-5, 5), (-5, 5)], paths, [], zoom=True, split=False)
    over, zoom = [a for a in fig.axes if a.get_label() != "<colorbar>" and a.lines][:2]

    def squares(ax):
        return [ln.get_markersize() for ln in ax.lines
                if ln.get_marker() == "s" and len(ln.get_xdata()) == 1]

    assert squares(over) == [plots.LAST_SQUARE]  # one black square, no nest
    zs = squares(zoom)
    assert len(zs) == 8 and len(set(zs)) == 8  # the nest, in the zoom
    # 8 steps of LAST_STEP would be 40 pt across; the panel is half the figure wide
    assert max(zs) < plots.LAST_SQUARE + 7 * plots.LAST_STEP
    assert max(zs) <= plots.NEST_SHARE * fig.get_size_inches()[0] * 72.0 / 2
    assert any("nested squares: gd, momentum" in t for t in _legend_texts(fig))


def test_power_tick_labels_share_one_mantissa_style_and_geometric_colorbars_skip_f_min():
    # the quadratic's colorbar: "5×10⁻¹" beside "5.1×10⁰", and a last tick at f_min that
    # is not on the geometric sequence of the others
    t = [52.0, 16.0, 5.1, 1.6, 0.5, 0.16, 2.1e-3]
    labels = [plots.one_format(t)(v, None) for v in t]
    assert labels[4] == "$5.0{\\times}10^{-1}$" and labels[2] == "$5.1{\\times}10^{0}$"
    assert all("." in s for s in labels)
    whole = [2e-3, 5e-1, 5e1]
    assert [plots.one_format(whole)(v, None) for v in whole][1] == "$5{\\times}10^{-1}$"

    def f(p):
        return 0.1 * p[:, 0] ** 2 + 2 * p[:, 1] ** 2

    fig = plots.plot_contour(f, [(-5, 5), (-5, 5)], {}, [])
    cb = next(a for a in fig.axes if a.get_label() == "<colorbar>")
    ticks = np.asarray(cb.get_yticks())
    ratios = ticks[1:] / ticks[:-1]
    assert np.allclose(ratios, ratios[0], rtol=0.03)  # one geometric step, f_min left out


def test_titles_never_break_inside_a_short_bracketed_group():
    # study p. 8: "cos x on [−π," / "π]: nonconvex"
    for width in (100, 110, 120, 130):
        lines = plots.wrap_words("cos x on [−π, π]: nonconvex", width, 10).split("\n")
        assert not any(ln.rstrip().endswith("[−π,") for ln in lines), lines
    assert "(0.9, 0.999)" in plots.bracket_words("Adam β = (0.9, 0.999) (20 it.)".split(" "))
    # a long parenthetical stays breakable
    long = plots.bracket_words("(levels geometric in f − f_min, so that each basin shows)"
                               .split(" "))
    assert len(long) > 3


def test_figure_texts_have_no_raw_underscores():
    # "‖x_K − x*‖₂", "e_k^q", "t_f", "f_min" were printed with their underscores
    import io
    import re

    from matplotlib.text import Text

    assert plots.subscripted("f − f_min") == "f − fₘᵢₙ"
    assert plots.subscripted("e_(k+1)/e_k") == "e₍ₖ₊₁₎/eₖ"
    assert plots.subscripted("‖x_K − x*‖₂") == "‖x$_{K}$ − x*‖₂"
    assert plots.subscripted("ratio e_k^q") == "ratio e$_{k}^{q}$"
    assert plots.subscripted("lr = 1, line_search = none") == "lr = 1, line_search = none"
    assert plots.subscripted("learning rate η_k") == "learning rate ηₖ"  # Greek symbols too
    fig = plots.plot_iterates({"t_f": np.arange(1.0, 5.0)}, ylabel="e_k^q", title="f_min")
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert not any(re.search(r"(?<![A-Za-z])[A-Za-z]_[A-Za-z0-9(]", t) for t in texts
                   if "$" not in t), texts
    fig.savefig(io.BytesIO(), format="png")  # the mathtext parses


def test_log_ticks_step_by_readable_decades_on_multiples_of_the_step():
    # study p. 10: 10¹⁶, 10⁻³, 10⁻²² — a step of 19 decades
    assert plots.decade_stride(19, 76) == 10
    assert plots.decade_stride(3, 12) == 3 and plots.decade_stride(7, 40) == 10
    assert plots.decade_stride(25, 300) == 50  # 31 ticks of 10 would not fit
    ks = np.log10(plots.TopDecadeLocator(base=10.0, numticks=5).tick_values(1e-60, 1e16))
    assert np.all(np.diff(ks) == 10) and 16 in ks  # from the top decade down
    # the figure of that page: every tick on a multiple of the step, step ≤ 10 decades
    sweep = NS(lrs=np.geomspace(0.01, 1.4, 31), final_error=np.geomspace(1e-59, 1e15, 31),
               diverged=np.r_[np.zeros(28, bool), np.ones(3, bool)], predicted_threshold=1.0,
               observed_threshold=1.07)
    fig = plots.plot_lr_sweep(sweep)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    shown = np.log10([t for t in ax.get_yticks() if lo <= t <= hi])
    assert len(shown) >= 3 and np.all(np.diff(shown) <= 10)


def test_error_and_ratio_panels_over_the_same_iterations_share_one_tick_step():
    # kink p. 9: the error panel ticked every 150, the ratio panel every 250
    k = np.arange(1001.0)
    errs = {"gd": np.r_[6.66, np.where(k[1:] % 2 == 0, 0.41, 0.59)],
            "adam": 6.0 * 0.99 ** k + 1e-3}
    fig = plots.plot_error(errs, ratio_series=["gd"])
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()
    steps = set()
    for a in fig.axes[:2]:
        lo, hi = a.get_xlim()
        t = [v for v in a.get_xticks() if lo <= v <= hi]
        steps.add(round(float(np.diff(t).min()), 9))
    assert len(steps) == 1, steps


def test_equal_means_of_several_schedules_get_markers_side_by_side():
    # study p. 30: for k < 50 the constant, step and cosine schedules have the same mean;
    # their markers sat on one another at the same log-spaced k
    from analysis import plots_lecture

    k = np.arange(1.0, 201.0)
    same = 2.0 * 0.8 ** k + 0.33
    fig = plots_lecture.plot_decay_vs_constant(k, {"constant": same, "step": same.copy(),
                                                   "cosine": same.copy()},
                                               {"constant": same, "step": same,
                                                "cosine": same})
    ax = fig.axes[0]
    marks = [ln for ln in ax.lines if ln.get_linestyle() == "None"]
    xs = [set(np.asarray(ln.get_xdata(), float)) for ln in marks]
    assert len(marks) == 3
    early = [{x for x in s if x < 50} for s in xs]
    assert all(len(e) >= 3 for e in early)
    assert not (early[0] & early[1]) and not (early[0] & early[2])  # no shared position
    # what the study's caption says (p. 32): a step where the means are equal is marked for
    # one series only, so no marker covers another; at the first steps, where every step
    # is marked, the first series has them (the others' markers start where there is room)
    assert not (xs[0] & xs[1]) and not (xs[0] & xs[2]) and not (xs[1] & xs[2])
    assert {1.0, 2.0, 3.0} <= xs[0] and not ({1.0, 2.0, 3.0} & (xs[1] | xs[2]))


# ------------------------------------------------------------ markers whole inside their axes


def test_audit_flags_a_marker_cut_by_the_frame():
    fig = Figure(layout="constrained", figsize=(4, 2))
    ax = fig.add_subplot()
    ax.plot([0.0, 1.0, 2.0], [0.0, 1.0, 0.5], "o-", ms=8)
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(-0.5, 1.0)  # the point (1, 1) sits on the top edge: half its marker is cut
    assert any("cut by the frame" in p for p in plots.audit(fig))
    ax.set_ylim(-0.5, 1.2)
    assert not any("cut by the frame" in p for p in plots.audit(fig))


def test_error_panel_keeps_its_highest_marker_whole():
    """A Newton-like run from e₀ = 21.3 down to 1e-16 on a short figure: the log axis's
    ×2.5 margin is 0.4 of 17 decades, less than a marker's radius; the limits widen."""
    e = {"newton": 21.3 * np.array([1.0, 0.9, 0.5, 0.1, 1e-3, 1e-7, 1e-15])}
    fig = plots.plot_error(e, ratios=False, figsize=(4.0, 1.6))
    problems = plots.audit(fig)
    assert not any("cut by the frame" in p for p in problems), problems
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert hi > 21.3 * 2.5 and lo < 21.3e-15 / 2.5  # widened on both sides


def test_ecdf_curve_and_its_markers_end_at_its_own_last_success():
    """cg's last start reached the target at 45, gd's at 61: cg's curve (with its markers)
    must end at 45; only a pale line without markers carries its level on, to the right
    edge of the axes (past 61, where gd's curve ends and its own pale line starts)."""
    costs = {"cg": np.array([5.0, 9.0, 20.0, 45.0, np.nan]),
             "gd": np.array([10.0, 30.0, 58.0, 61.0, np.nan, 60.0])}
    ax = plots.plot_ecdf(costs).axes[0]
    cg = next(ln for ln in ax.lines if ln.get_label().startswith("cg:"))
    assert max(cg.get_xdata()) == pytest.approx(45.0)
    assert cg.get_ydata()[-1] == pytest.approx(0.8)
    flat = [ln for ln in ax.lines if ln.get_label() == "_flat cg"]
    assert len(flat) == 1
    assert flat[0].get_marker() in ("None", "", None)
    edge = ax.get_xlim()[1]
    assert list(flat[0].get_xdata()) == pytest.approx([45.0, edge])
    assert list(flat[0].get_ydata()) == pytest.approx([0.8, 0.8])
    gd = next(ln for ln in ax.lines if ln.get_label().startswith("gd:"))
    assert max(gd.get_xdata()) == pytest.approx(61.0)
    # the curve ending last carries its level on to the right edge too
    flat_gd = [ln for ln in ax.lines if ln.get_label() == "_flat gd"]
    assert len(flat_gd) == 1 and list(flat_gd[0].get_xdata()) == pytest.approx([61.0, edge])
    # a curve that ends at 1 has none: the reference line at 1 carries that level
    costs["gd"] = costs["gd"][np.isfinite(costs["gd"])]
    ax = plots.plot_ecdf(costs).axes[0]
    assert [ln.get_label() for ln in ax.lines if ln.get_label().startswith("_flat")] == [
        "_flat cg"]


def test_ecdf_of_a_narrow_cost_range_keeps_its_axis_near_the_data():
    """Kink p. 7: every curve lay between 52 and 76 evaluations but the axis ran from about
    21 to 190 (both ends doubled), 40% of it empty on the left: a narrow range is widened
    evenly to a factor ECDF_MIN_SPAN, then the margins: max(1.25, span^0.07), 1.25 here."""
    costs = {"cg": np.array([52.0, 54.0, 55.0, np.nan]),
             "lbfgs": np.array([60.0, 65.0, 76.0, 70.0])}
    lo, hi = plots.plot_ecdf(costs).axes[0].get_xlim()
    g = math.sqrt(plots.ECDF_MIN_SPAN * 52.0 / 76.0)
    m = max(1.25, plots.ECDF_MIN_SPAN ** 0.07)  # the widened range spans ECDF_MIN_SPAN
    assert m == 1.25
    assert (lo, hi) == pytest.approx((52.0 / g / m, 76.0 * g * m))
    # the empty share left of the data, on the log axis, is under 30% (it was 40%)
    assert math.log(52.0 / lo) / math.log(hi / lo) < 0.3
    # a range wider than the factor keeps its margins only (20^0.07 = 1.23 < 1.25)
    wide = {"gd": np.array([10.0, 200.0])}
    assert plots.plot_ecdf(wide).axes[0].get_xlim() == pytest.approx((8.0, 250.0))
    # a range of 4 decades: the margins a share of the log span, 10^(4·0.07) each side
    decades = {"gd": np.array([1e-8, 1e-4])}
    assert plots.plot_ecdf(decades).axes[0].get_xlim() == pytest.approx(
        (1e-8 / 10 ** 0.28, 1e-4 * 10 ** 0.28))


def test_ecdf_final_levels_shared_by_several_methods_lie_side_by_side():
    """bfgs and newton both end at 1, lbfgs and cg both at 0.4 (2 of 5), gd alone at 0.6:
    the pale lines of one level were drawn on one another, one blended band; now each pair
    lies side by side, ±½ · ECDF_FLAT_WIDTH (1.5 pt) about its level, gd's on its level; the
    dotted line at 1 is named in the legend and carries the level 1 alone (study p. 37: the
    pale lines of the curves ending at 1, side by side about it, showed half below it and
    read as curves ending short of 1)."""
    nan = np.nan
    costs = {"bfgs": np.array([3.0, 4.0, 5.0, 6.0, 7.0]),
             "newton": np.array([2.0, 3.0, 4.0, 5.0, 6.0]),
             "lbfgs": np.array([8.0, 9.0, nan, nan, nan]),
             "cg": np.array([10.0, 12.0, nan, nan, nan]),
             "gd": np.array([20.0, 30.0, 40.0, nan, nan])}
    fig = plots.plot_ecdf(costs)
    ax = fig.axes[0]
    plots._renderer(fig)
    pt = 72.0 / fig.dpi

    def page_y(label):
        ln = next(ln for ln in ax.lines if ln.get_label() == "_flat " + label)
        y = ln.get_transform().transform(ln.get_xydata())[:, 1] * pt
        return float(y[0]) - float(ax.transData.transform((1.0, ln.get_ydata()[0]))[1]) * pt

    w = plots.ECDF_FLAT_WIDTH
    flats = [ln.get_label() for ln in ax.lines if ln.get_label().startswith("_flat ")]
    assert sorted(flats) == ["_flat cg", "_flat gd", "_flat lbfgs"]
    assert page_y("lbfgs") == pytest.approx(w / 2) and page_y("cg") == pytest.approx(-w / 2)
    assert page_y("gd") == pytest.approx(0.0)
    assert plots.flat_stripes([1.0, 0.5, 1.0, 1.0]) == [(2.0, 2.0), (0.0, w), (0.0, 2.0),
                                                        (-2.0, 2.0)]  # 3 in a 6-pt band
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "fraction of starts solved = 1" in texts
    assert plots.audit(fig) == []
    # the caption says so where a curve reaches 1, and only there (a zoomed axis shows no 1)
    assert plots.ecdf_end_text(costs) == plots.ECDF_END_TEXT + plots.ECDF_AT_ONE_TEXT
    # every curve at 1: no pale line is drawn, and the caption describes none (quadratic
    # p. 8 said "a wide pale line of its colour carries its final level" over none)
    top = {k: costs[k] for k in ("bfgs", "newton")}
    ax = plots.plot_ecdf(top).axes[0]
    assert not [ln for ln in ax.lines if ln.get_label().startswith("_flat")]
    text = plots.ecdf_end_text(top)
    assert "pale line" not in text and text.startswith(plots.ECDF_MARKER_TEXT)
    # the grey line spans the whole axis: it marks the level, it carries nothing "on to
    # the right" (86th reading of quadratic p. 8)
    assert text.endswith("reached the target; every curve reaches 1, the level the grey "
                         "line marks across the axis.")
    grey = [ln for ln in ax.lines if ln.get_label() == "fraction of starts solved = 1"]
    assert grey and tuple(grey[0].get_xdata()) == (0.0, 1.0)  # axes fraction: edge to edge
    low = {k: v for k, v in costs.items() if k != "bfgs" and k != "newton"}
    assert plots.ecdf_end_text(low) == plots.ECDF_END_TEXT
    zoomed = {"gd": np.r_[3.0, np.full(40, np.nan)]}
    assert plots.ecdf_zoom(zoomed) is not None
    assert plots.ecdf_end_text(zoomed) == plots.ECDF_END_TEXT


def test_curve_legend_last_iterate_square_has_the_colour_of_the_drawn_squares():
    """One run: the legend's 'last iterate' square is the run's colour (it was grey while
    the squares drawn were blue); several runs: one square per run colour."""
    from matplotlib.colors import to_hex

    f = lambda x: x**2  # noqa: E731
    fig = plots.plot_curve_1d(f, {"gd": np.array([[2.0], [-1.0], [0.5], [-0.2]])})
    leg = fig.legends[0]
    (h,) = [h for h, t in zip(leg.legend_handles, leg.get_texts(), strict=True)
            if t.get_text() == "last iterate"]
    drawn = [ln for ln in fig.axes[0].lines if ln.get_marker() == "s"]
    assert drawn and to_hex(h.get_markerfacecolor()) == to_hex(drawn[0].get_markerfacecolor())
    assert to_hex(h.get_markerfacecolor()) == to_hex(plots.METHOD_COLORS["gd"])
    two = plots.plot_curve_1d(f, {"gd": np.array([[2.0], [0.5]]),
                                  "adam": np.array([[-2.0], [-0.5]])})
    assert "last iterate" in _legend_texts(two)


def test_iterate_numbers_keep_off_the_arrows_between_iterates():
    """GD on x² with η = 1.1 in a narrow panel: the first iterates crowd at the bottom under
    their arrows; the number 0 used to sit on those arrows, away from its circle.  A number
    shown touches no arrow."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(2.3, 2.6), dpi=72, layout="constrained")
    FigureCanvasAgg(fig)
    path = 10.0 * (-1.2) ** np.arange(11.0)
    plots.plot_curve_1d(lambda x: x**2, {"gd": path[:, None]}, numbered=6, zoom=False,
                        legend=False, fig=fig)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    arrows = [t.arrow_patch for t in ax.texts if t.arrow_patch is not None]
    assert arrows
    pts = np.concatenate([a.get_transform().transform(a.get_path().vertices) for a in arrows])
    shown = [t for t in ax.texts if t.get_visible() and t.get_text()]
    assert shown
    for t in shown:
        e = t.get_window_extent(r)
        segs = []  # sample each arrow's path densely
        for a in arrows:
            v = a.get_transform().transform(a.get_path().vertices)
            for p, q in zip(v[:-1], v[1:], strict=True):
                segs.append(p + np.linspace(0, 1, 40)[:, None] * (q - p))
        s = np.concatenate(segs)
        inside = (s[:, 0] > e.x0) & (s[:, 0] < e.x1) & (s[:, 1] > e.y0) & (s[:, 1] < e.y1)
        assert not inside.any(), f"number {t.get_text()} lies on an arrow"
    assert pts.size


def test_a_path_that_leaves_the_box_for_good_stops_there_and_marks_no_edge_points():
    """GD zig-zagging out of the box along y (factor −1.4 per step): the drawing used to cross
    the box again and again, cut at its edges, with markers on the edge; now it is drawn up
    to where it leaves, markers only on iterates, and the legend says at which k."""
    def f(p):
        return p[:, 0] ** 2 + p[:, 1] ** 2

    k = np.arange(21.0)
    path = np.column_stack([-5.0 * 0.9 ** k, -0.2 * (-1.4) ** k])
    box = [(-6.0, 6.0), (-3.0, 3.0)]
    gone = int(np.flatnonzero(np.abs(path[:, 1]) <= 3.0)[-1]) + 1
    fig = plots.plot_contour(f, box, {"gd": path}, [])
    ax = fig.axes[0]
    assert any(t.startswith(f"gd (20 it.; leaves the box at k = {gone})")
               for t in _legend_texts(fig))
    marked = np.concatenate([np.asarray(ln.get_xydata()) for ln in ax.lines
                             if ln.get_marker() not in ("None", "", None)
                             and ln.get_label().startswith("_gd")])
    assert len(marked) == gone  # the in-box iterates, none on the box's edge
    assert np.all(np.abs(marked[:, 1]) < 3.0)
    (line,) = [ln for ln in ax.lines if ln.get_label() == "_gd path"]
    xy = np.asarray(line.get_xydata())
    assert np.nanmax(xy[:, 0]) <= path[gone, 0] + 1e-9  # nothing drawn after the exit


def test_lr_sweep_diverged_crosses_do_not_overlap_each_other():
    """A half-width panel, 31 steps from 0.01 to 1.5 (ratio 1.18 between neighbours): the
    three 'diverged' crosses used to be 7 pt wide at about 6 pt apart and ran together."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    lrs = np.geomspace(0.01, 1.5, 31)
    div = lrs > 1.0
    sweep = NS(lrs=lrs, final_error=np.where(div, np.inf, 1e-3), diverged=div,
               predicted_threshold=1.0, observed_threshold=float(lrs[div].min()))
    fig = Figure(figsize=(3.4, 3.0), dpi=72, layout="constrained")
    FigureCanvasAgg(fig)
    plots.plot_lr_sweep(sweep, fig=fig)
    fig.canvas.draw()
    (cross,) = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("diverged")]
    px = cross.get_transform().transform(np.asarray(cross.get_xydata()))[:, 0]
    size_px = cross.get_markersize() * fig.dpi / 72.0
    assert np.min(np.diff(px)) > size_px


def test_no_report_text_half_subscripts_a_double_index():
    """'x₂,k' sets the 2 low and ', k' on the line (half subscripted): no string literal of
    the report writers pairs a subscript digit with a following ',k' (say 'x₂ at iteration
    k' instead)."""
    import pathlib
    import re

    root = pathlib.Path(plots.__file__).parent
    bad = [(f.name, m.group(0)) for f in sorted(root.rglob("*.py"))
           for m in re.finditer(r"[₀-₉],\s?[a-zₖ]\b", f.read_text(encoding="utf-8"))]
    assert bad == []


def test_basin_legend_writes_a_point_of_the_line_as_a_number_and_shares_alike():
    """Study p.16: "→ minimum at (20.2) (outside the box)": a coordinate in brackets, then a
    second bracket; and "12 %" beside "44%".  A point of R is a number, the interval of the
    starts is named after a comma (p. 19: not "the box"), and every share is written alike,
    "n of N starts, p%"."""
    xs = np.linspace(-1, 1, 10)
    labels = np.zeros((1, 10), dtype=int)
    labels[0, 6:] = 1
    labels[0, 9] = -1
    bm = NS(xs=xs, ys=None, labels=labels, points=np.array([[-0.5], [20.2]]),
            kinds=["minimum", "minimum"], counts={}, inside=[True, False])
    texts = _legend_texts(plots.plot_basins(bm, lambda x: x ** 2))
    assert "→ minimum at -0.5: 6 of 10 starts, 60.0%" in texts
    assert "→ minimum at 20.2, outside [-1, 1]: 3 of 10 starts, 30.0%" in texts
    assert "diverged / not converged: 1 of 10 starts, 10.0%" in texts


def _ratio_panels(fig):
    return [ax for ax in fig.axes if any(ln.get_gid() == "ratios" for ln in ax.get_lines())]


def _theory_heights(ax):
    """Where each theory line of a ratio panel lies, as a share of the panel's height."""
    fig = ax.figure
    fig.canvas.draw()
    y0, y1 = ax.transAxes.transform([(0, 0), (0, 1)])[:, 1]
    return [(ax.transData.transform((0.0, ln.get_ydata()[0]))[1] - y0) / (y1 - y0)
            for ln in ax.get_lines() if ln.get_gid() == "theory"]


def test_ratio_panels_keep_their_theory_lines_off_the_frame():
    """Study p. 24: heavy ball's double root has ratios above ρ = 0.818 only, and the
    autoscaled panel drew ρ's dashed line on the bottom axis (5% of the height above it)."""
    from analysis import plots_lecture

    k = np.arange(301)
    rho = 9 / 11
    errs = {"heavy ball": (k + 1.0) * rho ** k, "other": 0.9 ** k}  # double root: above ρ
    rates, wins = {"heavy ball": rho, "other": 0.9}, {"heavy ball": (100, 170), "other": None}
    figs = [plots_lecture.plot_error_ratios(errs, rates, windows=wins, fig=Figure()),
            plots.plot_error(errs, rates=rates, windows=wins, fig=Figure())]
    for fig in figs:
        heights = [h for ax in _ratio_panels(fig) for h in _theory_heights(ax)]
        assert heights and min(heights) >= plots.REF_CLEAR - 1e-6, heights
        assert max(heights) <= 1 - plots.REF_CLEAR + 1e-6, heights


def test_a_log_ratio_panel_writes_each_theory_value_by_its_line():
    """Rosenbrock report p. 11: CG's bound ρ = 0.96586, dashed on a ratio axis over four
    decades, could not be told from 1 by the ticks; the value is written by the line."""
    from matplotlib.colors import same_color

    k = np.arange(30)
    e = np.exp(-0.02 * k ** 2)  # superlinear: ratios e^(−0.02(2k + 1)) from 0.98 to 3e−1
    e = np.r_[e, e[-1] * 1e-4]  # a last step over four decades
    rho = 0.96586
    fig = plots.plot_error({"CG": e}, rates={"CG": rho}, windows={"CG": (0, 30)},
                           rate_labels={"CG": f"bound ρ = {rho}"}, fig=Figure())
    (ax,) = _ratio_panels(fig)
    assert ax.get_yscale() == "log"
    (label,) = [t for t in ax.texts if t.get_text() == f"bound ρ = {rho}"]
    assert label.get_position()[1] == pytest.approx(rho)
    assert same_color(label.get_color(), "black")  # a lone series' theory line is black
    assert label.get_position()[0] > 0.9  # at the line's right end (axes x)


def test_iterates_on_one_spot_share_one_number_beside_it():
    """Study p. 42: saddle-free Newton on x·cos(0.15πx) from 3 settles at the minimum 7.269
    from step 3 on; the numbers 3, 4, 5 crowded that point and "6" was placed far off it,
    beside the arrow into iterate 2.  Iterates on one spot carry one number, "3–7", next
    to them; the legend then counts every iterate as numbered."""
    c = 0.15 * math.pi
    xs = [3.0]
    for _ in range(7):  # x ← x − f′/|f″|, f = x cos(cx)
        x = xs[-1]
        d1 = math.cos(c * x) - c * x * math.sin(c * x)
        d2 = -2 * c * math.sin(c * x) - c * c * x * math.cos(c * x)
        xs.append(x - d1 / abs(d2))
    path = np.array(xs)
    assert abs(path[3] - path[7]) < 0.05 and abs(path[2] - path[3]) > 1  # 3–7 at the minimum
    assert plots.coinciding_groups(path, path * np.cos(c * path), range(8), 12.0, 8.0) == \
        [[0], [1], [2], [3, 4, 5, 6, 7]]
    fig = Figure(figsize=(4.5, 5.0), layout="constrained")
    plots.plot_curve_1d(lambda v: v * np.cos(c * v), {"saddle-free": path}, xlim=(-2, 10),
                        zoom=False, fig=fig)
    renderer = plots._renderer(fig)
    ax = fig.axes[0]
    shown = {t.get_text(): t for t in ax.texts if t.get_visible() and t.get_text()}
    assert set(shown) == {"0", "1", "2", "3–7"}
    spot = ax.transData.transform((path[7], path[7] * math.cos(c * path[7])))
    e = shown["3–7"].get_window_extent(renderer)
    gap = math.hypot(max(e.x0 - spot[0], 0.0, spot[0] - e.x1),
                     max(e.y0 - spot[1], 0.0, spot[1] - e.y1))
    assert gap <= plots.LABEL_REACH
    assert "saddle-free (7 steps)" in _legend_texts(fig)
    assert plots.int_ranges([0, 1, 2, 7]) == "0–2, 7" and plots.int_ranges([3, 4]) == "3, 4"


def _visible_points(ax, line):
    """The points of ``line`` whose marker no filled marker drawn over it (higher z-order,
    or equal and added later) hides whole: a marker of size S (diameter or side, points)
    at distance r hides a dot of size d when r + d/2 ≤ S/2 (its inscribed circle does)."""
    order = sorted(ax.lines, key=lambda ln: ln.get_zorder())  # stable: draw order
    above = order[order.index(line) + 1:]
    scale = 72.0 / ax.figure.dpi
    mine = ax.transData.transform(np.c_[line.get_xdata(), line.get_ydata()]) * scale
    d = line.get_markersize()
    shown = []
    for p in mine:
        hidden = False
        for ln in above:
            if ln.get_marker() in (None, "None", "none", "") or ln.get_markerfacecolor() == "none":
                continue
            pts = ax.transData.transform(np.c_[ln.get_xdata(), ln.get_ydata()]) * scale
            r = np.hypot(*(pts - p).T)
            hidden |= bool(np.any(r + 0.5 * d <= 0.5 * ln.get_markersize()))
        if not hidden:
            shown.append(tuple(p))
    return shown


def test_every_run_on_a_curve_shows_its_iterates():
    """Study p. 44: pure Newton from x₀ = 3 on x·cos(0.15πx) goes to the maximum at
    x ≈ 1.83 in one step and stays: its start lay under saddle-free Newton's dot (same x₀,
    same size, drawn later) and its iterates 1–14 under its own last-iterate square, so none
    of the blue dots the legend shows was visible."""
    c = 0.15 * math.pi

    def run(step, n):
        xs = [3.0]
        for _ in range(n):
            x = xs[-1]
            d1 = math.cos(c * x) - c * x * math.sin(c * x)
            d2 = -2 * c * math.sin(c * x) - c * c * x * math.cos(c * x)
            xs.append(x - d1 / step(d2))
        return np.array(xs)

    pure, free = run(lambda h: h, 14), run(abs, 7)
    assert abs(pure[1] - pure[14]) < 0.05 and pure[0] == free[0]  # as on the page
    fig = Figure(figsize=(4.5, 5.0), layout="constrained")
    plots.plot_curve_1d(lambda v: v * np.cos(c * v), {"pure": pure, "saddle-free": free},
                        xlim=(-2, 10), numbered=5, zoom=False, fig=fig)
    plots._renderer(fig)
    ax = fig.axes[0]
    dots = [ln for ln in ax.lines if ln.get_label().startswith(("pure (", "saddle-free ("))]
    assert len(dots) == 2
    for ln in dots:
        assert _visible_points(ax, ln), ln.get_label()
    squares = [ln for ln in ax.lines if ln.get_marker() == "s" and len(ln.get_xdata()) == 1]
    assert len(squares) == 2 and all(_visible_points(ax, ln) for ln in squares)


def test_a_short_error_line_shows_its_markers_on_a_thick_line():
    """Study p. 11: GD with η = 0.2 (60 errors, drawn thickest of three) carried filled dots
    of its own colour 3 pt wide on a 2.9 pt line: none showed, though the legend drew one."""
    k = np.arange(61.0)
    errs = {"a": 0.6 ** k, "b": 0.9 ** k[:50], "c": 1.2 ** k[:20]}
    fig = plots.plot_error(errs, rates={"a": 0.6, "b": 0.9, "c": 1.2})
    measured = [ln for ax in fig.axes for ln in ax.lines
                if ln.get_label().endswith(": measured")]
    assert len(measured) == 3
    for ax in fig.axes:
        for ln in ax.lines:
            if ln in measured:
                assert ln.get_markerfacecolor() == "white", ln.get_label()
                assert ln.get_markersize() >= ln.get_linewidth() + 2.0
                every = ln.get_markevery()
                assert every is not None and every[1] == -(-len(ln.get_xdata())
                                                           // plots.ERROR_LINE_MARKS)
    assert plots.audit(fig) == []


def test_error_legend_keeps_two_columns_with_a_below_floor_entry():
    """Rosenbrock report p. 12: four series, three theory lines, the window and the hollow
    below-floor entry (9 entries) fell to one column, a legend as tall as the panels, which
    pushed the next figure to a new page and left this one 45% blank. The theory entries are
    short (the caption says the line is drawn ≥ ×10 above), so two columns fit."""
    k = np.arange(20001.0)
    series = {"GD": 10 * 0.9999829 ** k, "momentum": 10 * 0.99888 ** k,
              "Nesterov": 10 * 0.99587 ** k[:8527], "Adam": 1e-3 * (1 + np.sin(k / 300) ** 2)}
    fig = plots.plot_error(series, rates={"GD": 0.9999829, "momentum": 0.99888,
                                          "Nesterov": 0.99587},
                           windows={"GD": (5000, 20000), "momentum": (5000, 20000),
                                    "Nesterov": (4000, 8526)},
                           floors={"Nesterov": 5e-13, "GD": 5e-13, "momentum": 5e-13})
    leg = fig.legends[0]
    texts = [t.get_text() for t in leg.get_texts()]
    assert any(t.startswith("below the rounding floor") for t in texts), texts
    assert len(texts) == 9 and leg._ncols >= 2, (leg._ncols, texts)


def _points_drawn(ax, skip=("theory-value",)):
    """Display points of what the lines of ``ax`` draw (segments sampled every ~0.5 px,
    markers as their centres) with their half size in pixels."""
    px = ax.figure.dpi / 72.0
    out = []
    for ln in ax.get_lines():
        if ln.get_gid() in skip or not ln.get_visible():
            continue
        xy = ln.get_transform().transform(np.c_[np.asarray(ln.get_xdata(), float),
                                                np.asarray(ln.get_ydata(), float)])
        if ln.get_linestyle() not in ("None", "none", "", " "):
            for a, b in zip(xy[:-1], xy[1:], strict=True):
                if np.all(np.isfinite([a, b])):
                    n = int(np.hypot(*(b - a)) * 2) + 2
                    for t in np.linspace(0, 1, n):
                        out.append((a + t * (b - a), 0.5 * ln.get_linewidth() * px))
        if ln.get_marker() not in (None, "None", "none", ""):
            every = ln.get_markevery()
            for i in (range(len(xy)) if every is None else every):
                out.append((xy[i], 0.5 * ln.get_markersize() * px))
    return out


def test_a_theory_value_is_written_where_no_series_and_no_line_passes():
    """Himmelblau report p. 12: 'bound ρ = 0.31433' sat at the right end of its dashed line,
    where CG's last ratios (0.6, 0.5) and their joining line ran through it.  Every value
    written in a ratio panel lies clear of every marker, series line and theory line (its
    own dashes too), or is left out for the legend to give."""
    rho = 0.31433
    r_cg = [0.31, 0.31, 0.05, 0.6, 2e-4, 0.5]  # ratios e_(k+1)/e_k, ending just above ρ
    r_bfgs = [0.1, 0.06, 0.04, 0.11, 6e-4, 4e-3]
    e_cg = np.r_[1.0, np.cumprod(r_cg)]
    e_bfgs = np.r_[1.0, np.cumprod(r_bfgs)]
    fig = plots.plot_error({"BFGS": e_bfgs, "CG": e_cg}, rates={"CG": rho},
                           windows={"CG": (1, 7), "BFGS": (1, 7)},
                           rate_labels={"CG": f"bound ρ = {rho}"}, ratio_series=["BFGS", "CG"],
                           fig=Figure(figsize=(7.0, 4.0), layout="constrained"))
    renderer = plots._renderer(fig)
    (ax,) = _ratio_panels(fig)
    assert ax.get_yscale() == "log"
    labels = [t for t in ax.texts if t.get_text() == f"bound ρ = {rho}"]
    drawn = _points_drawn(ax)
    assert any(abs(ax.transData.transform((0, rho))[1] - p[1]) < 1 for p, _ in drawn)
    for t in labels:
        box = t.get_window_extent(renderer)
        hits = [tuple(np.round(p)) for p, r in drawn
                if box.x0 - r <= p[0] <= box.x1 + r and box.y0 - r <= p[1] <= box.y1 + r]
        assert not hits, (t.get_position(), t.get_horizontalalignment(), hits[:5])
    assert labels  # this panel has an empty spot by the line: the value is written


def test_a_log_axis_over_many_decades_has_ticks_every_few_decades():
    """Rosenbrock report p. 12: a short error panel over 16 decades (10⁻¹⁴ to 10²) was
    ticked at 10² and 10⁻⁸ only; it is ticked every 10⁴ (at least five ticks)."""
    assert plots.decade_stride(10, 16) == 4
    assert plots.decade_stride(10, 12) == 3
    assert plots.decade_stride(2, 6) == 2  # a few decades keep matplotlib's choice
    fig = Figure(figsize=(3.0, 1.6), layout="constrained")
    ax = fig.add_subplot()
    ax.semilogy(np.arange(17), np.logspace(2, -14, 17))
    plots.top_decade_ticks(fig)
    plots._renderer(fig)
    lo, hi = ax.get_ylim()
    ks = [round(math.log10(v)) for v in ax.get_yticks() if lo <= v <= hi]
    assert len(ks) >= plots.LEAST_DECADE_TICKS - 1, ks
    assert set(np.diff(ks)) <= {3, 4}, ks


def test_a_hollow_floor_marker_at_the_lowest_error_lies_whole_inside_its_panel():
    """Study p. 40: CG's hollow circle at k = 46 (its last error, below the rounding floor,
    the lowest value of the panel; drawn unclipped) sat on the bottom spine of the upper of
    two rows, half below it.  Every marker of an error panel, drawn unclipped or not, lies
    whole inside the y limits, also in a row of a figure (a subfigure)."""
    k = np.arange(47)
    e_cg = 2.0 * 0.55 ** k  # down to 2·0.55⁴⁵ ≈ 4e−12, then one error below the floor
    e_cg[-1] = 1e-14
    e_gd = 2.0 * 0.8 ** k[:30]
    fig = Figure(figsize=(6.0, 5.0), layout="constrained")
    top, bottom = fig.subfigures(2, 1)
    plots.plot_error({"GD": e_gd, "CG": e_cg}, floors={"CG": 3e-13, "GD": 3e-13},
                     ratios=False, fig=top)
    plots.plot_error({"GD": e_gd}, ratios=False, fig=bottom)
    renderer = plots._renderer(fig)
    ax = top.axes[0]
    (ring,) = [ln for ln in ax.get_lines() if ln.get_label() == "_below floor"]
    assert not ring.get_clip_on()
    box = ax.get_window_extent(renderer)
    r = 0.5 * (ring.get_markersize() + ring.get_markeredgewidth()) \
        * renderer.points_to_pixels(1.0)
    y = ax.transData.transform(ring.get_xydata())[:, 1]
    assert y.min() - r >= box.y0, (y.min() - r, box.y0)
    assert y.max() + r <= box.y1


def test_ratio_markers_at_the_top_of_their_panel_keep_clear_of_its_frame():
    """Study p. 28: in the lower ratio panel of 'Error ‖xₖ‖ on κ = 100' Nesterov's first
    open triangles (ratio ≈ 0.905) touched the top of the frame: the limits kept 1.5 device
    pixels past a marker's radius, less than the stroke at a triangle's apex reaches.
    Every marker's drawn extent (its path at its size, plus a whole edge width for the
    stroke at a sharp vertex) lies at least a point inside its axes."""
    from matplotlib.markers import MarkerStyle

    k = np.arange(1475)
    errs = {"GD with η = 2/(μ + L)": 1.41 * 0.9802 ** k,
            "heavy ball, Polyak's tuning": 2.0 * (k[:175] + 1) * 0.81818 ** k[:175],
            "Nesterov, η = 1/L": 2.0 * (k[:310] + 1) * 0.9 ** k[:310]}
    rates = dict(zip(errs, (0.9802, 0.81818, 0.9), strict=True))
    wins = dict(zip(errs, ((0, 1474), (102, 173), (181, 308)), strict=True))
    fig = Figure(figsize=(495 / 72, 300 / 72), layout="constrained")
    plots_lecture.plot_error_ratios(errs, rates, windows=wins, title="Error", fig=fig)
    renderer = plots._renderer(fig)
    px = renderer.points_to_pixels(1.0)
    checked = 0
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        for ln in ax.get_lines():
            if not ln.get_visible() or ln.get_marker() in (None, "None", "none", "", " "):
                continue
            style = MarkerStyle(ln.get_marker())
            ext = style.get_path().transformed(style.get_transform()).get_extents()
            grow = ln.get_markeredgewidth() * px
            ms = ln.get_markersize() * px
            xy = plots.marked_points(ax.transData.transform(ln.get_xydata()),
                                     ln.get_markevery())
            if not len(xy):
                continue
            checked += len(xy)
            assert xy[:, 1].max() + ext.y1 * ms + grow <= box.y1 - px, ln.get_label()
            assert xy[:, 1].min() + ext.y0 * ms - grow >= box.y0 + px, ln.get_label()
    assert checked > 20


def test_a_diverged_cross_does_not_blank_the_threshold_line_it_lies_on():
    """Study p. 13 (GD on x²): each ✕ of a diverged run had a white halo that blanked part
    of the black 'predicted threshold η = 1' line (and of the dashed one of the first η that
    diverged).  The black line shows, dark, over its whole height at the crosses' row."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    lrs = np.geomspace(0.01, 1.5, 31)
    div = lrs > 1.0
    sweep = NS(lrs=lrs, final_error=np.where(div, np.inf, np.abs(1 - 2 * lrs) ** 50 * 10),
               diverged=div, predicted_threshold=1.0, observed_threshold=float(lrs[div][0]),
               bracket=(float(lrs[~div][-1]), float(lrs[div][0])))
    fig = plots.plot_lr_sweep(sweep, fig=Figure(figsize=(4.0, 4.0), layout="constrained"))
    FigureCanvasAgg(fig).draw()
    img = np.asarray(fig.canvas.buffer_rgba(), float)[..., :3] / 255.0
    ax = fig.axes[0]
    (cross,) = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    h = img.shape[0]
    x_px = ax.transData.transform((1.0, 1.0))[0]
    y_px = ax.transAxes.transform((0.0, 0.91))[1]
    half = cross.get_markersize() * fig.dpi / 72.0  # a whole marker size above and below
    rows = np.arange(int(h - y_px - half), int(h - y_px + half) + 1)
    col = int(round(x_px - 0.5))
    darkest = img[rows][:, col - 1:col + 2].min(axis=(1, 2))  # the line's ~2 px
    assert np.all(darkest < 0.5), darkest


def test_a_line_ending_at_the_lowest_value_of_a_log_panel_is_off_the_spine():
    """Study p. 44: sigmoid's chain-rule line fell to 3.2e−33 at d = 50 and ended on the
    bottom spine (a margin of ×2.5 is 1 % of 32 decades).  A log axis leaves 3 % of its
    span beyond its extreme values."""
    from landscape.vanishing import chain_study

    fig = plots.plot_chain_depth([chain_study("sigmoid", depths=tuple(range(1, 51)))])
    plots._renderer(fig)
    ax = fig.axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_linestyle() != "None"
               and "numeric" in ln.get_label()]
    lo, hi = (math.log10(v) for v in ax.get_ylim())
    y = np.log10(np.asarray(line.get_ydata(), float))
    assert y.min() == pytest.approx(math.log10(3.2e-33), abs=0.01)
    assert (y.min() - lo) / (hi - lo) >= 0.025, (y.min(), lo, hi)
    assert (hi - y.max()) / (hi - lo) >= 0.025
    assert plots.log_limits([[1e-32, 1.0]]) == pytest.approx((10 ** -32.96, 10 ** 0.96))
    assert plots.log_limits([[1e-3, 1.0]]) == pytest.approx((1e-3 / 2.5, 2.5))


def test_floor_marks_differ_from_every_series_marker_and_the_legend_says_how():
    """Quadratic report p. 11: CG's own markers are hollow circles, and the floor points
    were hollow circles too, named '(hollow)' in the legend.  A floor point has a marker no
    series of the figure is drawn with (shape and fill), its legend entry shows it and names
    that fill, in an entry no longer than before (a longer legend pushed a figure to the
    next page)."""
    from matplotlib.colors import to_rgba

    def fill(c):
        rgba = to_rgba(c)
        return "hollow" if rgba[3] == 0 or rgba[:3] == (1.0, 1.0, 1.0) else "filled"

    k = np.arange(12)
    errs = {"BFGS": 10.0 * 0.08 ** k, "L-BFGS": 10.0 * 0.07 ** k,
            "CG": np.r_[10.0, 1.0, 1e-15]}
    fig = plots.plot_error(errs, floors={k: 2.2e-13 for k in errs}, ratios=False,
                           fig=Figure(figsize=(6.0, 4.0), layout="constrained"))
    ax = fig.axes[0]
    floor = [ln for ln in ax.get_lines() if ln.get_label() == "_below floor"]
    series = [ln for ln in ax.get_lines() if ln.get_label() != "_below floor"
              and ln.get_marker() not in (None, "None", "none", "")]
    assert floor and series
    fills = {fill(ln.get_markerfacecolor()) for ln in series}  # a small hexagon and a
    for ln in floor:  # circle of one fill are hard to tell apart: the fill differs
        assert fill(ln.get_markerfacecolor()) not in fills, fills
    (leg,) = fig.legends
    (entry,) = [(h, t.get_text()) for h, t in zip(leg.legend_handles, leg.get_texts(),
                                                  strict=True)
                if t.get_text().startswith("below the rounding floor")]
    handle, text = entry
    word = fill(floor[0].get_markerfacecolor())
    assert text == f"below the rounding floor {plots.fmt(2.2e-13, 2)} ({word})"
    assert fill(handle.get_markerfacecolor()) == word
    assert len(text) <= len(f"below the rounding floor {plots.fmt(2.2e-13, 2)} (hollow)")


def test_iteration_counts_in_titles_and_legends_have_one_form():
    """Kink report p. 8: the path panels' titles read "GD (1 000 it.)" while the gradient
    panels of pp. 9–10 read "1000 it.": every figure sets a count's thousands apart, as
    prose does (landscape.numfmt.spaced)."""
    from landscape.numfmt import spaced

    n = 1000
    fig = plots.plot_grad_norm({"GD": np.geomspace(1.0, 1e-3, n + 1),
                                "Newton": np.array([1.0, 1e-4, 1e-12])})
    texts = [t.get_text() for ax in fig.axes for lg in [ax.get_legend()] if lg
             for t in lg.get_texts()] + [ax.get_title() for ax in fig.axes]
    words = " ".join(" ".join(t.split()) for t in texts)
    assert f"GD ({spaced(n)} it.)" in words and spaced(n) == "1 000", words
    assert f"runs up to {spaced(n)} it." in words, words
    assert "1000 it." not in words


def test_ecdf_markers_at_one_half_that_coincide_are_set_apart():
    """Campaign p. 2, ECDF over time: GD reached ½ at 4.77e−6 s and momentum at 4.85e−6 s,
    under 1 pt apart on the log axis, and GD's black-edged marker lay under momentum's (only
    a sliver showed) while the caption said to read them.  Markers closer than their size
    are now set above and below ½, each whole; one clear of the others stays on ½."""
    n = 100
    base = np.linspace(1.0, 2.0, n)
    costs = {"gd": 4.77e-6 * base / base[49], "momentum": 4.85e-6 * base / base[49],
             "newton": 4.77e-6 * 3.0 * base / base[49]}
    assert [plots.ecdf_crossing(v) for v in costs.values()] == pytest.approx(
        [4.77e-6, 4.85e-6, 1.431e-5])
    fig = plots.plot_ecdf(costs, apart=True, half=True,
                          fig=Figure(figsize=(270 / 72, 300 / 72), layout="constrained"))
    ax = fig.axes[0]
    plots._renderer(fig)
    pt = 72.0 / fig.dpi
    at = {ln.get_label().removeprefix("_half "): ln.get_transform().transform(
        ln.get_xydata())[0] * pt for ln in ax.lines if ln.get_gid() == "ecdf-half"}
    size = plots.ECDF_HALF_MS + 0.5  # the marker and its edge
    data = {k: float(ax.transData.transform((plots.ecdf_crossing(v), 0.5))[0]) * pt
            for k, v in costs.items()}
    assert abs(data["gd"] - data["momentum"]) < 0.5 * size  # on the data: overlapping
    assert np.hypot(*(at["gd"] - at["momentum"])) >= size
    for k in costs:
        assert at[k][0] == pytest.approx(data[k])  # each still at its cost
    half = float(ax.transData.transform((0.0, 0.5))[1]) * pt
    assert at["newton"][1] == pytest.approx(half)  # clear of the others: on ½
    assert abs(at["gd"][1] - half) <= size and abs(at["momentum"][1] - half) <= size
    assert "set just above and below ½" in plots.ecdf_apart_text(costs, half=True)


def test_every_ecdf_curve_reaches_its_final_level_inside_the_axes():
    """Campaign p. 2, ECDF over time: Newton's curve ended last (1.04e−4 s, the axis running
    to 1.25 × that) and, drawn 7.2 pt right of the data in a half-width panel, ran off the
    right edge at about 0.67: its final level 0.900 and its pale line never showed.  Every
    line's last point (and every pale line's first, where its curve ends) lies inside the
    axes, and every pale line runs to the edge."""
    rng = np.random.default_rng(3)
    costs = {name: np.concatenate([10.0 ** rng.uniform(-7.5, top, 90), np.full(10, np.nan)])
             for name, top in (("bfgs", -4.4), ("gd", -4.7), ("momentum", -4.3),
                               ("newton", -4.0))}
    fig = plots.plot_ecdf(costs, apart=True, half=True,
                          fig=Figure(figsize=(270 / 72, 300 / 72), layout="constrained"))
    ax = fig.axes[0]
    plots._renderer(fig)
    to_axes = ax.transAxes.inverted()
    width_pt = ax.bbox.width * 72.0 / fig.dpi
    curves = 0
    for ln in ax.lines:
        if ln.get_gid() in ("ecdf-half",) or ln.get_label().endswith("= 1"):
            continue
        xy = to_axes.transform(ln.get_transform().transform(ln.get_xydata()))
        assert np.all((xy >= -1e-9) & (xy <= 1 + 1e-9)), (ln.get_label(), xy[[0, -1]])
        if ln.get_label().startswith("_flat"):
            assert xy[-1, 0] == pytest.approx(1.0)
        else:
            curves += 1
            assert (1.0 - xy[-1, 0]) * width_pt > 4.0, ln.get_label()  # its last marker
            # the final level is drawn where the legend's count puts it
            assert ln.get_ydata()[-1] == pytest.approx(0.9)
    assert curves == 4
    assert plots.audit(fig) == []


def test_iteration_tick_labels_of_narrow_panels_stay_apart():
    # the Rosenbrock page's small multiples over 20 000 iterations: "8000" and "16000" drawn
    # with no space between them read "800016000"; every pair of neighbouring x tick labels
    # in view must be at least 2 pt apart, measured on the rendered label boxes
    rates = {"gd": 0.99999, "momentum": 0.99897, "nesterov": 0.99888, "adam": None}
    n = {"gd": 20000, "momentum": 20000, "nesterov": 20000, "adam": 12881}
    errors = {k: (rates[k] or 0.997) ** np.arange(n[k] + 1.0) for k in rates}
    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    plots.plot_error(errors, rates=rates, fig=fig,
                     windows={k: (n[k] // 2, n[k]) for k in rates if rates[k]})
    renderer = plots._renderer(fig)
    pt = fig.dpi / 72.0
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        boxes = sorted((t.get_window_extent(renderer) for t, x in
                        zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
                        if t.get_text() and lo <= x <= hi), key=lambda e: e.x0)
        assert len(boxes) >= 2, ax.get_title()
        for a, b in zip(boxes, boxes[1:], strict=False):
            assert b.x0 - a.x1 >= 2.0 * pt, (ax.get_title(), a, b)
    assert not [p for p in plots.audit(fig) if "tick" in p]
    bare = Figure(figsize=(1.2, 1.5))
    ax = bare.add_subplot()
    ax.plot([0, 20000], [1, 2])
    ax.set_xticks([0, 8000, 16000])
    assert any("tick labels" in p for p in plots.audit(bare))


def test_a_path_cycling_on_the_box_edge_ends_there_marked_not_leaving():
    # kink p.9: momentum settles on a 2-cycle (2.5, 5) ↔ (−2.5, −5) on the box's edge, the
    # latter computed one unit of rounding outside it (−5.000000000000001): the title said
    # "leaves the box at k = 1000" and no last iterate was marked
    below = np.nextafter(-5.0, -np.inf)
    assert below < -5.0  # outside [−5, 5] by the comparison alone
    cycle = np.tile([[2.5, 5.0], [-2.5, below]], (5, 1))
    path = np.vstack([[[-4.59, -4.83], [5.0, 10.0]], cycle])  # out at k = 1, then back
    box = [(-5.0, 5.0), (-5.0, 5.0)]
    assert plots.box_inside(path, box).tolist() == [True, False] + [True] * 10
    assert plots.end_cycle(path, box) == 2
    assert plots.path_end_text(path, box) == "; ends on a 2-cycle on the box's edge"
    inner = np.vstack([path[:2], [[-0.205, -2.585]]])
    assert plots.path_end_text(inner, box) == ""  # no cycle, not on an edge
    assert plots.path_end_text(path[:3], box) == "; ends on the box's edge"  # at (2.5, 5)
    # kink p. 9: momentum's 6-cycle of size 1.9 (p. 6) went unnamed, the title looked for
    # cycles of at most 4 points; a 6-cycle inside the box, drawn here on a hexagon
    hexagon = [[np.cos(a), np.sin(a)] for a in np.arange(6) * np.pi / 3]
    six = np.vstack([[[-4.0, -4.0]], np.tile(hexagon, (4, 1))])
    assert plots.end_cycle(six, box) == 6 and plots.path_end_text(six, box) == (
        "; ends on a 6-cycle")

    def f(p):
        return np.abs(p[:, 0] - 1) + 2 * np.abs(p[:, 1] + 0.5)

    fig = plots.plot_contour(f, box, {"momentum": path}, [])
    assert "momentum (11 it.; leaves the box; ends on a 2-cycle on the box's edge)" in \
        _legend_texts(fig)
    squares = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_marker() == "s"
               and len(ln.get_xdata()) == 1]
    assert [(float(s.get_xdata()[0]), float(s.get_ydata()[0])) for s in squares] == [
        (-2.5, below)]  # the last iterate, marked


def test_the_titles_of_a_grid_of_panels_share_one_size_and_one_line():
    """Quadratic report p. 10: of the eight trajectory panels one title wrapped onto two
    lines ("momentum / (148 it.)") while the other seven fit on one.  The titles of a grid
    now share one size at which each fits its panel on one line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def f(p):
        return 0.1 * p[..., 0] ** 2 + 2 * p[..., 1] ** 2

    steps = {"GD": 268, "momentum": 148, "Nesterov": 65, "Adam": 320, "Newton": 1,
             "BFGS": 6, "L-BFGS": 6, "CG": 2}
    start = np.array([-5.0, -5.0])
    paths = {m: start * np.linspace(1, 0, k + 1)[:, None] for m, k in steps.items()}
    fig = Figure(figsize=(497 / 72, 330 / 72), layout="constrained", dpi=72)
    plots.plot_paths_grid(f, [(-5, 5), (-5, 5)], paths, [], fig=fig)
    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    axes = [a for a in fig.axes if a.get_title()]
    titles = [a.get_title() for a in axes]
    assert titles == [f"{m} ({k} it.)" for m, k in steps.items()]  # one line each
    sizes = {a.title.get_fontsize() for a in axes}
    assert len(sizes) == 1 and plots.GRID_TITLE_LEAST <= sizes.pop() <= 8.5
    # drawn, no title runs into its neighbour's in the row
    for a, b in zip(axes, axes[1:], strict=False):
        ta, tb = a.title.get_window_extent(r), b.title.get_window_extent(r)
        if abs(ta.y0 - tb.y0) < 1:
            assert ta.x1 < tb.x0, (a.get_title(), b.get_title())


def test_grid_title_size_is_the_size_at_which_the_widest_share_fits():
    w = plots.text_width_pt("momentum (148 it.)", 8.5)
    # room for 9/10 of it: 8.5 · 0.9 = 7.65, rounded down to 7.6
    assert plots.grid_title_size(["GD (1 it.)", "momentum (148 it.)"], [w, 0.9 * w], 8.5) \
        == pytest.approx(7.6)
    assert plots.grid_title_size(["GD"], [w], 8.5) == 8.5  # fits: unchanged
    assert plots.grid_title_size(["momentum (148 it.)"], [0.5 * w], 8.5) == 8.5  # < 7: wraps


def test_a_title_too_narrow_for_a_relation_breaks_after_its_sign_not_in_its_brackets():
    """Study p. 33: the narrow panel's title "ηₖ = 0.5/(1 + 0.25k)" was set "ηₖ = 0.5/(1" /
    "+ 0.25k)", broken inside its brackets; where the bracketed formula fits a line it
    breaks after the relation sign (:func:`plots.top_words`), at its top level."""
    title, size = "ηₖ = 0.5/(1 + 0.25k)", 7.0
    room = plots.text_width_pt("0.5/(1 + 0.25k)", size) + 1.0
    assert room < plots.text_width_pt(title, size)
    assert plots.wrap_words(title, room, size) == "ηₖ =\n0.5/(1 + 0.25k)"
    assert plots.top_words("Adam β = (0.9, 0.999) (20 it.)") == [
        "Adam", "β =", "(0.9, 0.999)", "(20 it.)"]
    assert plots.top_words("momentum η = 0.6, β = 0.5") == ["momentum", "η = 0.6,", "β = 0.5"]


def test_noise_ball_draws_the_density_of_the_end_points():
    """Study p. 32: the 20000 SGD end points, drawn as dots, merged into one solid blob, so
    their density could not be read against the 1σ and 2σ ellipses.  They are now counted in
    the cells of a grid and shaded by count (a colour bar), darker where more end points
    lie, with every end point counted once."""
    from matplotlib.collections import QuadMesh

    from analysis import plots_lecture

    rng = np.random.default_rng(5)
    var = np.array([0.1 / 1.9, 0.1 / 6.4])
    P = rng.normal(size=(20000, 2)) * np.sqrt(var)
    fig = plots_lecture.plot_noise_ball(P, var)
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    counts = np.ma.filled(mesh.get_array(), 0).reshape(plots_lecture.NOISE_BALL_BINS, -1)
    assert counts.sum() == len(P)  # every end point in one cell
    # an independent count: the cell of the origin holds the points within half a cell of it
    span = ax.get_xlim()[1]
    half = span / plots_lecture.NOISE_BALL_BINS
    mid = plots_lecture.NOISE_BALL_BINS // 2
    assert counts[mid, mid] == np.sum((P[:, 0] >= 0) & (P[:, 0] < 2 * half)
                                      & (P[:, 1] >= 0) & (P[:, 1] < 2 * half))
    # shades: the densest cell darker than one 9 cells out along x₁, a cell of one end point
    # still tinted
    rgba = mesh.to_rgba(np.array([counts.max(), counts[mid, mid + 9], 1.0]))
    lum = rgba[:, :3] @ [0.299, 0.587, 0.114]
    assert lum[0] < lum[1] < lum[2] < 0.97
    assert not any(len(c.get_offsets()) >= 100 for c in ax.collections
                   if not isinstance(c, QuadMesh))  # no cloud of dots
    assert any(a.get_label() == "end points per cell" or a.xaxis.get_label().get_text()
               == "end points per cell" for a in fig.axes[1:])


def test_lr_sweep_every_marker_lies_above_the_threshold_lines():
    # himmelblau p. 14: the filled square at η = 0.02107 lay under the dashed line drawn at
    # the same η and was half hidden by it
    lrs = np.geomspace(0.001, 0.1, 12)
    bnd = lrs >= lrs[8]
    div = lrs >= lrs[10]
    err = np.where(lrs < lrs[8], 1e-12, 0.5)
    err[3] = 0.0
    away = np.zeros(12, bool)
    away[7] = True
    err[7] = 3.0
    sweep = NS(lrs=lrs, final_error=err, diverged=div, bounded=bnd & ~div, elsewhere=away,
               predicted_threshold=float(lrs[9]), observed_threshold=float(lrs[8]),
               steps=100)
    ax = plots.plot_lr_sweep(sweep).axes[0]
    marked = [ln for ln in ax.lines if ln.get_marker() not in (None, "None", "", " ")]
    ruled = [ln for ln in ax.lines if ln.get_marker() in (None, "None", "", " ")
             and len(set(np.atleast_1d(ln.get_xdata()))) == 1]
    assert len(ruled) == 2 and len(marked) == 5
    top = max(ln.get_zorder() for ln in ruled)
    assert all(ln.get_zorder() > top for ln in marked), \
        [(ln.get_label(), ln.get_zorder()) for ln in marked]


def test_paths_grid_keeps_every_marker_inside_its_panel():
    # kink p. 9: Newton's one step ran along y = −4.83 of the box [−5, 5]², and its start
    # circle and last-iterate square crossed the panel's lower frame (3 % margin = 0.3,
    # less than half a 12-point square on a panel 10.6 units across ≈ 80 points)
    paths = {m: np.array([[-4.8, -4.83], [-1.0, -4.83]]) for m in ("gd", "newton")}
    paths["adam"] = np.array([[-4.8, -4.83], [0.0, 0.0]])
    fig = Figure(figsize=(6.8, 3.0), layout="constrained")
    plots.plot_paths_grid(lambda p: p[:, 0] ** 2 + p[:, 1] ** 2, [[-5, 5], [-5, 5]], paths,
                          [NS(point=np.array([0.0, 0.0]), kind="minimum", value=0.0)],
                          fig=fig, ncols=4)
    plots._renderer(fig)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == 3
    for ax in panels:
        frame = ax.get_window_extent()
        px = fig.dpi / 72.0
        for line in ax.lines:
            if line.get_marker() in (None, "None", "", " "):
                continue
            reach = 0.5 * (line.get_markersize() + line.get_markeredgewidth()) * px
            for x, y in ax.transData.transform(np.column_stack(
                    [np.atleast_1d(line.get_xdata()), np.atleast_1d(line.get_ydata())])):
                assert frame.x0 < x - reach and x + reach < frame.x1, (ax.get_title(), x)
                assert frame.y0 < y - reach and y + reach < frame.y1, (ax.get_title(), y)


def test_a_wrapped_legend_label_keeps_a_point_whole():
    """A basin map's legend beside the map wrapped "minimum at (1," / "1): 6 of 400 starts"
    (word-count wrapping); legend labels now wrap as titles do: every line fits the room
    beside the handle, a point is never broken, and no words are lost."""
    from analysis import plots

    label = "not converged, near P1, minimum at (1, 1): 6 of 400 starts, 1.5%"
    size = 7.0
    for available in (100.0, 130.0, 180.0):
        lines = plots._fit_label(label, available, size).split("\n")
        assert len(lines) > 1
        assert " ".join(lines) == label
        assert any("(1, 1)" in ln for ln in lines), lines
        assert all(plots.text_width_pt(ln, size) <= available - 4.4 * size for ln in lines)


def test_text_width_is_measured_once_per_line_and_font():
    """Balanced wrapping measures the same words many times: a line's width is cached per
    font, equal to a fresh glyph measure, and a style with another font measures anew."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from analysis import plots

    def direct(line: str, size: float) -> float:
        return TextToPath().get_text_width_height_descent(
            line, FontProperties(size=size), ismath=False)[0]

    text = "minimum at (1, 1):\n6 of 400 starts, 1.5%"
    assert plots.text_width_pt(text, 7.0) == max(direct(ln, 7.0) for ln in text.split("\n"))
    with mpl.rc_context({"font.family": ["serif"]}):
        serif = plots.text_width_pt("minimum at (1, 1):", 7.0)
        assert serif == direct("minimum at (1, 1):", 7.0)
    assert serif != plots.text_width_pt("minimum at (1, 1):", 7.0)


def test_ecdf_markers_sit_on_the_tops_of_risers_not_part_way_up_a_tie():
    """Quadratic p. 8: starts that tie at one cost make one riser of several data points;
    the markers, one data point in every few, sat part way up such risers (BFGS's at 0.22
    of a riser from 0.19 to 0.51, Newton's single riser carried six), while the caption says
    they sit on the tops of the risers: a reader reading a marker's level read 22%, not 51%."""
    assert list(plots.riser_tops([1.0, 1.0, 2.0, 2.0, 2.0, 3.0])) == [1, 4, 5]
    costs = {"bfgs": np.array([9.21] * 32 + [7.0] * 19 + [12.0] * 49),
             "newton": np.full(100, 3.42)}
    ax = plots.plot_ecdf(costs).axes[0]
    for name, v in costs.items():
        (ln,) = [ln for ln in ax.lines if ln.get_label().startswith(f"{name}:")]
        marked = plots.marked_points(ln.get_xydata(), ln.get_markevery())
        assert marked.size
        for x, y in marked:  # each marker at its riser's top: the share of starts ≤ x
            assert y == pytest.approx(np.mean(v <= x + 1e-12)), (name, x, y)
    assert "marker at the top of a few of its risers" in plots.ECDF_END_TEXT


def test_momentum_map_ends_at_its_cells_with_its_edge_markers_over_the_frame():
    """Study p. 23: the markers on the β = 0 row widened the axes below the cells, and that
    strip read as a row of cells with no rate (white), then as diverged cells (light grey).
    The axes end at the cells' outer edges and the markers of the edge row are drawn whole,
    over the frame."""
    from analysis.theory import momentum_radius_grid

    lrs, mom = np.linspace(0.02, 1.2, 30), np.linspace(0.0, 0.95, 20)
    radius = momentum_radius_grid([0.2, 4.0], lrs, mom)
    smap = NS(lrs=lrs, momenta=mom, measured_rate=np.where(radius < 1, radius, np.nan),
              predicted_radius=radius, diverged=radius >= 1)
    fig = plots.plot_momentum_map(smap, mark=[(0.4, 0.0, "η = 0.4, β = 0")],
                                  fig=Figure(figsize=(6.8, 5.0), layout="constrained"))
    ax = fig.axes[0]
    edges = ax.collections[0].get_coordinates()
    assert ax.get_ylim() == pytest.approx((edges[..., 1].min(), edges[..., 1].max()))
    assert ax.get_xlim() == pytest.approx((edges[..., 0].min(), edges[..., 0].max()))
    (mark,) = [ln for ln in ax.get_lines() if ln.get_label() == "η = 0.4, β = 0"]
    assert not mark.get_clip_on()
    lo, hi = ax.get_ylim()
    assert lo < 0.0 < hi  # the marker's centre inside the limits, on the β = 0 row



def test_diverged_sweep_runs_are_drawn_at_their_errors_when_the_axis_can_hold_them():
    """Study p. 11: GD on x² after 50 steps, the three diverged runs were drawn on one row
    at about 10¹¹, at no height of their own.  They are drawn at their errors when these
    widen the axis little: here the errors 50 full steps give (1.0e4, 2.3e10, 1.1e16);
    those of 200 steps (up to 10⁶⁸) would squash the data and stay on a row above it."""
    lrs = np.geomspace(0.01, 1.5, 31)
    x0, steps = 10.0, 50
    err = np.abs(1 - 2 * lrs) ** steps * x0  # GD on x²: x_k = (1 − 2η)^k x0
    div = lrs > 1.0
    sweep = NS(lrs=lrs, final_error=err, diverged=div, predicted_threshold=1.0,
               observed_threshold=float(lrs[div][0]),
               bracket=(float(lrs[~div][-1]), float(lrs[div][0])))
    ax = plots.plot_lr_sweep(sweep).axes[0]
    (cross,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("diverged")]
    assert cross.get_label().startswith("diverged (3 runs, each at the error where it ended")
    assert cross.get_transform() == ax.transData
    assert np.allclose(cross.get_ydata(), err[div], rtol=1e-12)
    lo, hi = ax.get_ylim()
    assert lo < err[~div & (err > 0)].min() and err.max() < hi
    huge = err.copy()
    huge[div] = np.abs(1 - 2 * lrs[div]) ** 200 * x0
    sweep.final_error = huge
    ax = plots.plot_lr_sweep(sweep).axes[0]
    (cross,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("diverged")]
    assert "drawn on a row above the data" in cross.get_label()
    assert not plots.diverged_at_value(err[~div], [np.inf])
