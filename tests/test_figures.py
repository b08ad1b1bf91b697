"""Figures show what they claim: plots.audit finds data outside its axes, text outside the
figure and overlapping tick labels; every plot function and every figure of a real report and
of the quick study passes it."""

import json
import math
from types import SimpleNamespace as NS

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis import empirical, pages, plots, report
from landscape.numfmt import fmt

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _fig(w=6.8, h=4.2):
    return Figure(figsize=(w, h), layout="constrained")


def _clean(fig):
    problems = plots.audit(fig)
    assert problems == [], "\n".join(problems)


# ============================================================================ the audit itself


def test_audit_passes_a_plain_figure():
    fig = _fig()
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 4, 9], label="data")
    ax.axhline(5.0)
    ax.set_title("squares")
    fig.legend(loc="outside lower center")
    _clean(fig)


def test_audit_finds_a_line_cut_by_the_limits():
    fig = _fig()
    ax = fig.add_subplot()
    ax.semilogy(np.arange(30), np.geomspace(1, 1e-30, 30), label="error")
    ax.set_ylim(1e-20, 10)  # the old 20-decade clip of plots._clip_log_axis
    problems = plots.audit(fig)
    assert len(problems) == 1 and "'error'" in problems[0] and "10 of 30" in problems[0]


def test_audit_finds_a_reference_line_off_the_plot():
    fig = _fig()
    ax = fig.add_subplot()
    ax.semilogy(np.arange(10), np.geomspace(1, 1e-3, 10))
    ax.axhline(1e-6, label="gtol")  # the gradient-norm figure of the Rosenbrock report
    ax.set_ylim(5e-4, 2)
    assert any("'gtol'" in p for p in plots.audit(fig))
    ax.axvline(20.0, label="threshold")
    ax.set_xlim(0, 10)
    assert any("'threshold'" in p for p in plots.audit(fig))


def test_audit_finds_scatter_polygons_patches_and_annotations_outside():
    fig = _fig()
    ax = fig.add_subplot()
    ax.scatter([0.5, 3.0], [0.5, 0.5], label="points")
    ax.fill_between([0, 2], [0, 0], [1, 1], label="band")
    ax.annotate("here", (5.0, 0.5))
    ax.add_patch(__import__("matplotlib").patches.Rectangle((0.2, 0.2), 4.0, 0.1, label="box"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    text = "\n".join(plots.audit(fig))
    for name in ("PathCollection 'points'", "FillBetweenPolyCollection 'band'",
                 "Annotation", "Rectangle 'box'"):
        if name.startswith("FillBetween") and "FillBetween" not in text:
            name = "PolyCollection 'band'"  # older matplotlib
        assert name in text, text


def test_audit_finds_legends_and_texts_outside_the_figure():
    fig = _fig(3.0, 2.0)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="a label far too long to fit beside the plot " * 2)
    fig.legend(loc="outside lower center", ncols=1)
    fig.text(1.05, 0.5, "off the right edge")
    text = "\n".join(plots.audit(fig))
    assert "legend extends outside" in text and "'off the right edge'" in text


def test_audit_finds_overlapping_tick_labels():
    fig = _fig(3.0, 2.0)
    ax = fig.add_subplot()
    ax.plot(range(12), range(12))
    ax.set_xticks(range(12), [f"label number {i}" for i in range(12)])
    assert any("tick labels" in p and "overlap" in p for p in plots.audit(fig))


def test_audit_finds_overprinting_texts_and_labels_leaving_their_axes():
    fig = _fig(3.0, 2.0)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.annotate("6", (0.5, 0.5), fontsize=7)
    ax.annotate("4", (0.5, 0.5), xytext=(1, 1), textcoords="offset points", fontsize=7)
    ax.annotate("3", (0.5, 0.0), xytext=(0, -4), textcoords="offset points", va="top")
    ax.set_title("a title", y=-0.1)  # drawn over the x tick labels
    problems = "\n".join(plots.audit(fig))
    assert "text '6' and axes 'a title': text '4' overlap" in problems
    assert "label '3' leaves the axes" in problems
    assert "text 'a title' and axes 'a title': tick label" in problems
    fig = _fig(3.0, 2.0)  # the same texts apart: nothing to report
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.annotate("6", (0.2, 0.5), fontsize=7)
    ax.annotate("4", (0.7, 0.5), fontsize=7)
    assert plots.audit(fig) == []


def test_audit_walks_subfigures():
    fig = _fig()
    left, right = fig.subfigures(1, 2)
    left.add_subplot().plot([0, 1], [0, 1])
    ax = right.add_subplot()
    ax.plot([0, 1], [0, 5], label="cut")
    ax.set_ylim(0, 1)
    problems = plots.audit(right)
    assert len(problems) == 1 and "'cut'" in problems[0]


# ============================================================================ helpers


def test_log_limits_hold_every_value_and_reference():
    # over 303 decades the margin is 3 % of them, 10^9.09, the bottom held at the smallest
    # normal double
    assert plots.log_limits([np.array([1e-300, 1.0, 0.0, np.nan]), [1e3]]) == pytest.approx(
        (np.finfo(float).tiny, 1e3 * 10 ** (0.03 * 303)))
    assert plots.log_limits([np.array([1e-6, 1.0, 0.0, np.nan]), [1e3]]) == pytest.approx(
        (1e-6 / 2.5, 1e3 * 2.5))
    assert plots.log_limits([np.zeros(3)]) is None


def test_error_ratios_are_nocedal_wright_columns_clear_of_the_floor():
    e = 2.0 * 0.5 ** np.arange(80)  # exact halving down to 1e-24
    k, r = plots.error_ratios(e)
    np.testing.assert_allclose(r, 0.5)
    floor = 1e3 * np.finfo(float).eps  # the measurement's floor, ‖x*‖ ≤ 1 by default
    assert np.all(e[k + 1] > floor) and e[k[-1] + 2] <= floor
    # with the floor of an x* of norm 4: 10³·ε·4, four times higher, so fewer steps
    k4, _ = plots.error_ratios(e, floor=empirical.default_floor(4.0))
    assert e[k4[-1] + 1] > 4 * floor >= e[k4[-1] + 2] and k4[-1] < k[-1]
    q = np.array([1e-1, 1e-2, 1e-4, 1e-8, 1e-16])  # quadratic: e_(k+1) = e_k²
    kq, rq = plots.error_ratios(q, 2.0, floor=0.0)
    np.testing.assert_allclose(rq, 1.0)
    assert list(kq) == [0, 1, 2, 3]


def test_clip_to_box_keeps_inside_parts_and_cuts_at_the_edge():
    box = [(-1.0, 1.0), (-1.0, 1.0)]
    p = np.array([[0.0, 0.0], [0.0, 2.0], [0.5, 0.0], [3.0, 3.0], [np.nan, 0.0], [0.2, 0.2]])
    c = plots.clip_to_box(p, box)
    fin = c[np.all(np.isfinite(c), axis=1)]
    assert np.all(np.abs(fin) <= 1.0 + 1e-12)
    # (0,0)→(0,2) leaves at (0,1); (0,2)→(0.5,0) re-enters at t = 1/2: (0.25, 1)
    np.testing.assert_allclose(c[:2], [[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(c[3:5], [[0.25, 1.0], [0.5, 0.0]])
    assert np.isnan(c[2]).all()  # a break, not a line along the edge
    # (0.5,0)→(3,3) leaves through x = 1 at t = 0.2: (1, 0.6)
    np.testing.assert_allclose(c[5], [1.0, 0.6])


def test_contour_levels_are_geometric_in_f_minus_fmin():
    x = np.linspace(-5, 5, 161)
    X, Y = np.meshgrid(x, x)
    Z = (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2  # Himmelblau, f_min = 0
    lv, geometric = plots.contour_levels(Z, 18)
    assert geometric
    g = lv[1:] - lv[0]
    np.testing.assert_allclose(g[1:] / g[:-1], g[1] / g[0])  # constant ratio
    # the old evenly spaced levels put none below 1 % of the range, where the basins are
    assert np.sum(lv < Z.min() + 0.01 * np.ptp(Z)) >= 5


def test_basin_fills_never_share_a_colour_with_critical_point_markers():
    markers = {face.lower() for _, face, _ in plots.KIND_STYLE.values()}
    assert not markers & {c.lower() for c in plots.BASIN_PALETTE}


def test_geometric_grid_detection():
    assert plots.is_geometric(np.geomspace(0.01, 1, 9))
    assert not plots.is_geometric(np.linspace(0.02, 1.2, 30))


def test_legend_columns_fit_the_width():
    size = 8.0
    widths = [plots.text_width_pt(s, size) for s in ("gd: measured", "a much longer entry " * 3)]
    c = plots.legend_columns(widths, 200.0, size)
    assert c == 1
    assert plots.legend_columns([20.0] * 6, 495.0, size) == 4


def test_length_groups_split_short_from_long_runs():
    assert plots.length_groups({"a": 10, "b": 12, "c": 15}) == [["a", "b", "c"]]
    assert plots.length_groups({"gd": 5000, "newton": 6, "bfgs": 30, "momentum": 900}) == [
        ["newton", "bfgs"], ["gd", "momentum"]]


def test_cluster_window_finds_the_crowded_tail():
    x = np.concatenate([[10.0, 0.6], -1.9 + 0.3 * (-0.8) ** np.arange(24)])
    m, lo, hi = plots.cluster_window(x, 43.0)
    assert m == 2 and lo < x[2:].min() and hi > x[2:].max() and hi - lo < 0.1 * 43


# ============================================================================ every plot function


def _rate_study(errors, rate, window):
    path = np.asarray(errors, float).reshape(-1, 1)
    return NS(result=NS(path=path), reference=np.zeros(1), minimizer=np.zeros(1),
              prediction=NS(kind="linear", rate=rate, exact=True),
              measurement=NS(window=window))


def _measured(errors, m, kind, rate=None, exact=True):
    """:func:`_study` of ``errors`` carrying the measurement ``m`` (its window) and a
    prediction of ``kind`` (``exact=False``: a bound)."""
    st = _study(errors, kind, rate, window=m.window)
    st.prediction.exact = exact
    st.measurement = m
    return st


def _quadratic(points):
    p = np.atleast_2d(points)
    return 0.1 * p[:, 0] ** 2 + 2.0 * p[:, 1] ** 2


def _gd_path(x0, lr, steps, scale=(0.2, 4.0)):
    xs = [np.array(x0, float)]
    for _ in range(steps):
        xs.append(xs[-1] - lr * np.array(scale) * xs[-1])
    return np.array(xs)


def _himmelblau(p):
    p = np.atleast_2d(p)
    return (p[:, 0] ** 2 + p[:, 1] - 11) ** 2 + (p[:, 0] + p[:, 1] ** 2 - 7) ** 2


CASES = {
    "curve": lambda: plots.plot_curve_1d(lambda x: x**2, {"η = 0.2": 10 * 0.6 ** np.arange(11)}),
    "curve crowded": lambda: plots.plot_curve_1d(
        lambda x: x * np.cos(0.15 * np.pi * x),
        np.concatenate([[10.0, 0.6], -1.9 + 0.3 * (-0.8) ** np.arange(24)]), xlim=(-20, 20)),
    "contour": lambda: plots.plot_contour(
        _quadratic, [(-6, 6), (-3, 3)],
        {"gd η = 0.4": _gd_path([-5, -2], 0.4, 20), "gd η = 0.6": _gd_path([-5, -2], 0.6, 20)},
        [{"point": [0, 0], "kind": "minimum"}]),
    "contour zoom": lambda: plots.plot_contour(
        _himmelblau, [(-5, 5), (-5, 5)], {"path": np.array([[1.4, -2.3], [2.5, -2.0],
                                                            [3.4, -1.9], [3.58, -1.85]])},
        [{"point": [3.584, -1.848], "kind": "minimum"}, {"point": [3.0, 2.0], "kind": "minimum"},
         {"point": [-0.27, -0.92], "kind": "maximum"}]),
    "small multiples": lambda: plots.plot_paths_grid(
        _quadratic, [(-6, 6), (-3, 3)],
        {f"gd η = {lr}": _gd_path([-5, -2], lr, 20) for lr in (0.2, 0.4, 0.45, 0.6)},
        [{"point": [0, 0], "kind": "minimum"}], title="one panel per method"),
    "error": lambda: plots.plot_error(
        {"gd": 3 * 0.7 ** np.arange(60), "slow": 3 * 0.95 ** np.arange(80),
         "blow-up": 0.1 * 1.2 ** np.arange(40)},
        rates={"gd": 0.7, "slow": 0.95, "blow-up": 1.2},
        windows={"gd": (5, 40), "slow": (10, 70), "blow-up": (0, 39)}),
    "rate studies mixed": lambda: plots.plot_rate_studies(
        {"newton": _rate_study([1.0, 1e-2, 1e-4, 1e-8, 1e-16], None, None),
         "gd": _rate_study(0.99 ** np.arange(3000), 0.99, (100, 2900))}),
    "grad norm": lambda: plots.plot_grad_norm(
        {"a": np.geomspace(1e4, 1e-9, 40), "b": np.geomspace(1, 1e-3, 300)}, gtol=1e-6),
    "iterates": lambda: plots.plot_iterates(
        {"x": 1.0 / (1.0 + 0.3 * np.arange(200))}, ylabel="x_k", logy=True, logx=True,
        hlines=[(0.01, "target")], vlines=[(150.0, "predicted")]),
    "eigenvalues": lambda: plots.plot_hessian_eigenvalues(
        [NS(point=(i, -i), kind=k, eigenvalues=e, condition_number=c) for i, (k, e, c) in
         enumerate([("minimum", (0.2, 4.0), 20.0), ("saddle", (-500.0, 2.0), 250.0),
                    ("minimum", (1e-3, 2e3), 2e6), ("maximum", (-3.0, -1.0), 3.0),
                    ("saddle", (-1e-2, 5.0), 500.0), ("minimum", (1.0, 1.0), 1.0)])]),
    "basins": lambda: plots.plot_basins(
        NS(xs=np.linspace(-1, 1, 10), ys=np.linspace(-1, 1, 8),
           labels=np.where(np.arange(80).reshape(8, 10) % 10 < 5, 0, 1),
           points=np.array([[-0.5, 0.0], [0.5, 0.0]]), kinds=["minimum", "minimum"],
           counts={}), _quadratic),
    "lr sweep": lambda: plots.plot_lr_sweep(NS(
        lrs=np.geomspace(0.01, 1.5, 31),
        final_error=np.where(np.geomspace(0.01, 1.5, 31) < 1,
                             10 * np.abs(1 - 2 * np.geomspace(0.01, 1.5, 31)) ** 50, np.inf),
        diverged=np.geomspace(0.01, 1.5, 31) >= 1, predicted_threshold=1.0,
        observed_threshold=1.03)),
    "momentum map": lambda: _momentum_map(),
    "vanishing": lambda: plots.plot_vanishing_1d(
        np.tanh, (-6, 6), fprime=lambda x: 1 - np.tanh(x) ** 2, threshold=1e-2,
        regions=[NS(lower=(2.65,), upper=(6.0,), plateau=True)], x0=4.0),
    "chains": lambda: _chains(),
}


def _momentum_map():
    from analysis.theory import momentum_radius_grid

    lrs, mom = np.linspace(0.02, 1.2, 30), np.linspace(0.0, 0.95, 20)
    radius = momentum_radius_grid([0.2, 4.0], lrs, mom)
    return plots.plot_momentum_map(NS(
        lrs=lrs, momenta=mom, measured_rate=np.where(radius < 1, radius, np.nan),
        predicted_radius=radius, diverged=radius >= 1), mark=[(0.6, 0.5, "η = 0.6, β = 0.5")])


def _chains():
    from landscape.vanishing import chain_study

    return plots.plot_chain_depth([chain_study(a, depths=(1, 2, 3, 10, 20))
                                   for a in ("tanh", "sigmoid", "relu")])


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_plot_function_passes_the_audit(name):
    _clean(CASES[name]())


def test_log_axis_shows_the_tolerance_and_every_value():
    fig = CASES["grad norm"]()
    lo, hi = fig.axes[0].get_ylim()
    assert lo <= 1e-9 and hi >= 1e4  # the old axis stopped 20 decades below the maximum


def test_lr_sweep_shows_the_best_step():
    fig = CASES["lr sweep"]()
    ax = fig.axes[0]
    lines = [ln for ln in ax.lines if ln.get_label().startswith("converged")]
    best = min(np.nanmin(ln.get_ydata()) for ln in lines)
    assert best < 1e-50 and ax.get_ylim()[0] <= best  # η = 1/L at the bottom, not cut


def test_theory_and_measurement_both_visible():
    fig = CASES["error"]()
    ax = next(a for a in fig.axes if any(ln.get_label() == "gd: measured" for ln in a.lines))
    axr = fig.axes[-1]
    measured = [ln for ln in ax.lines if ln.get_label() == "gd: measured"][0]
    theory = [ln for ln in ax.lines if ln.get_label().startswith("gd: theory")][0]
    k = np.asarray(theory.get_xdata(), int)
    # not drawn under the measurement: a constant factor 10 above it
    np.testing.assert_allclose(np.asarray(theory.get_ydata()) / measured.get_ydata()[k],
                               plots.THEORY_OFFSET)
    assert theory.get_zorder() > measured.get_zorder()
    assert sorted(ln.get_ydata()[0] for ln in axr.lines if len(ln.get_ydata()) == 2) == [
        0.7, 0.95, 1.2]


def test_no_symlog_iteration_axis():
    fig = CASES["rate studies mixed"]()
    assert all(ax.get_xscale() == "linear" for ax in fig.axes)
    assert len(fig.subfigs) == 2  # Newton's 5 iterates and GD's 3000 in separate rows


def test_small_multiples_share_equal_axes():
    fig = CASES["small multiples"]()
    axes = fig.axes
    assert len(axes) == 4
    pad = plots.BOX_MARGIN * 12.0  # the box [-6, 6] and its white margin, the same in each
    assert {ax.get_xlim() for ax in axes} == {(-6.0 - pad, 6.0 + pad)}
    assert all(ax.get_aspect() == 1.0 for ax in axes)


def test_momentum_map_linear_grid_on_linear_axis():
    assert CASES["momentum map"]().axes[0].get_xscale() == "linear"


# ============================================================================ real documents


def _documents(monkeypatch, build):
    """The Documents that ``build()`` would write (nothing is rendered)."""
    docs = []
    monkeypatch.setattr(report.Builder, "write", lambda self, path: docs.append(self.doc))
    build()
    return docs


def _audit_document(doc):
    problems = []
    for blk in doc.figures():
        width = report.CONTENT_W * (0.5 if getattr(blk, "half", False) else 1.0)
        fig = Figure(figsize=(width / 72.0, blk.fig_height / 72.0), layout="constrained")
        blk.draw_fn(fig)
        problems += [f"[{blk.label}] {p}" for p in plots.audit(fig)]
    return problems


def test_report_figures_pass_the_audit(four_reports):
    result, doc = four_reports["himmelblau"]
    labels = [b.label for b in doc.figures()]
    assert {"trajectories", "eigenvalues", "basins", "lr sweep"} <= set(labels)
    problems = _audit_document(doc)
    assert problems == [], "\n".join(problems)
    titles = [getattr(b, "title", "") for b in doc.blocks]
    # one per-step table per rate study whose theory promises something (adam's does not)
    runs = json.loads(result.json.read_text())["rates"]
    promised = [k for k, r in runs.items() if r["predicted"]["kind"] != "none"]
    assert sum(": errors and ratios " in str(t) for t in titles) == len(promised) >= 6


def test_figures_of_the_four_reports_pass_the_audit(four_reports):
    """Every figure of the four reports read for the issue, drawn at its slot's size: no
    series outside its axes, no text outside its figure, no two texts overprinting."""
    problems = []
    for name, (_, doc) in four_reports.items():
        assert doc.figures(), name
        problems += [f"{name} {p}" for p in _audit_document(doc)]
    assert problems == [], "\n".join(problems)


def test_no_report_figure_is_half_width_alone_on_its_row(four_reports):
    """Himmelblau and Rosenbrock p. 14: the step-size sweep, the report's one half-width
    figure, stood alone at 40% of the text width above a long narrow caption: a half-width
    figure only beside another, so that every figure of a report fills the text width."""
    from analysis import pages

    for name in ("himmelblau", "rosenbrock5"):
        assert report.SWEEP_FIGURE in {b.label for b in four_reports[name][1].figures()}
    for name, (_, doc) in four_reports.items():
        for i, blk in enumerate(doc.blocks):
            if isinstance(blk, pages.FigureBlock) and blk.half:
                beside = doc.blocks[max(i - 1, 0):i] + doc.blocks[i + 1:i + 2]
                assert any(isinstance(o, pages.FigureBlock) and o.half for o in beside), \
                    (name, blk.label)


def test_report_leaves_out_figures_with_nothing_to_show(four_reports):
    doc = four_reports["ellipse"][1]
    labels = [b.label for b in doc.figures()]
    assert "eigenvalues" not in labels and "basins" not in labels
    text = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "No eigenvalue figure" in text and "No basin map" in text
    assert _audit_document(doc) == []


def test_quick_study_figures_pass_the_audit(monkeypatch, tmp_path):
    from analysis import study

    (doc,) = _documents(monkeypatch, lambda: study.build_study(tmp_path, quick=True))
    assert len(doc.figures()) >= 15
    problems = _audit_document(doc)
    assert problems == [], "\n".join(problems)


def _study(errors, kind, rate=None, order=None, window=None):
    return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
              reference=np.zeros(1), minimizer=np.zeros(1),
              prediction=NS(kind=kind, rate=rate, order=order, exact=True),
              measurement=NS(window=window))


def test_a_per_step_table_of_seven_steps_shows_all_seven():
    """Newton on cosh showed k = 0–3, 5, 6 of its seven steps clear of rounding: a run with at
    most ten such steps shows every one, and its title says "per step"."""
    b = report.Builder("t")
    e = np.r_[10.0 ** -np.arange(8.0), np.zeros(3)]  # e_k, e_(k+1) above the floor for k < 7
    assert report.convergence_table(b, "newton", _study(e, "linear", 0.1, window=(1, 6)), "s")
    table = b.doc.blocks[-1]
    assert [r[0].rstrip("†") for r in table.rows if r[0].rstrip("†").isdigit()] == \
        ["0", "1", "2", "3", "4", "5", "6", "7"]
    # e_7, the last error above the floor, ends the steps, with no ratio (e_8 = 0)
    assert [r[2] for r in table.rows if r[0] == "7"] == [report.NEXT_BELOW_FLOOR]
    assert table.title == "newton: errors and ratios per step (fit window k = 1–6)"
    # Himmelblau p.7: L-BFGS's nine steps printed without k = 3 and 5, the rise before its
    # last two ratios among them: a run of at most ten steps shows every one
    assert report.table_iterations(range(9)) == list(range(9))
    assert report.table_iterations(range(10)) == list(range(10))
    assert report.table_iterations(range(11)) == [0, 1, 2, 5, 7, 10]  # eleven: six of them
    # Himmelblau p.7: lbfgs's fit window k = 7–9 (steps 7 and 8) printed without k = 7, so
    # its geometric mean could not be checked: a short window shows every step
    assert report.table_iterations(range(12), window=(10, 12)) == [0, 1, 2, 5, 8, 10, 11]
    assert report.table_iterations(range(40), window=(3, 38)) == \
        report.table_iterations(range(40))  # a long window keeps the six rows
    # the study's Rosenbrock BFGS: superlinear on the two-step ratios of k = 32–38 (six
    # steps), its table showed k = 34–37 only, so 0.101 and 0.0436 could not be checked: a
    # fast kind's window of at most six steps shows every step, a longer one its last four
    assert report.table_iterations(range(38), window=(32, 38), kind="superlinear") == \
        [0, 1, 2, 14, 25, 32, 33, 34, 35, 36, 37]
    rows = report.table_iterations(range(69), window=(47, 69), kind="superlinear")
    assert rows[-4:] == [65, 66, 67, 68] and 64 not in rows
    b = report.Builder("t")
    e = np.r_[2.26 * 0.3 ** np.arange(10.0), np.zeros(3)]  # steps k = 0 … 8 above the floor
    assert report.convergence_table(b, "lbfgs", _study(e, "linear", 0.5, window=(7, 9)), "s")
    table = b.doc.blocks[-1]
    ks = [r[0].rstrip("†") for r in table.rows if r[0].rstrip("†").isdigit()]
    assert ks == [str(k) for k in range(10)]  # the steps, then e_9, the window's end
    assert table.rows[ks.index("9")][2] == report.NEXT_BELOW_FLOOR
    assert table.title.startswith("lbfgs: errors and ratios per step")


def test_the_error_column_shows_three_digits_also_where_they_round_to_a_power_of_ten():
    """Study p. 21: GD with η = 0.6 grows by 1.4 per step; its row k = 39 read
    "e₃₉ = 1e+06ᵐ" (2·1.4³⁹ = 1.00005e+06 to three digits) between rows with three digits."""
    b = report.Builder("t")
    e = 2.0 * 1.4 ** np.arange(60)
    st = _study(e, "diverges", 1.4, window=(5, 58))
    assert report.convergence_table(b, "gd", st, "s")
    rows = {r[0].rstrip("†"): r for r in b.doc.blocks[-1].rows}
    assert rows["39"][1] == "1.00e+06ᵐ"
    shown = {int(k): r[1].removesuffix("ᵐ") for k, r in rows.items() if k.isdigit()}
    # the column's three digits, trailing zeros kept, exact values too
    assert shown[0] == "2.00" and shown[1] == "2.80"
    rounded = [t for k, t in shown.items() if float(t.replace("−", "-")) != e[k]]
    assert len(rounded) == 4 and all(report.significant_digits(t) == 3 for t in rounded)


def test_convergence_table_columns_are_the_ratios_of_the_errors():
    b = report.Builder("t")
    e = 3.0 * 0.5 ** np.arange(40)  # linear, ρ = 1/2 exactly
    assert report.convergence_table(b, "gd", _study(e, "linear", 0.5, window=(5, 30)), "s")
    table = b.doc.blocks[-1]
    # 39 ratios clear of rounding (k = 0–38), 6 shown: the title names them, not "per step"
    assert table.title == ("gd: errors and ratios at k = 0, 1, 2, 14, 26, 38 of 0–38 "
                           "(fit window k = 5–30)")
    body = table.rows
    assert [r[0] for r in body[:2]] == ["0†", "1†"] and body[-1][0] == "theory"  # before 5
    assert all(r[2].startswith("0.5") for r in body[:-1])  # e_(k+1)/e_k, and the mean
    assert body[-2][:2] == ["5–30", "geometric mean"]
    assert body[-1][2] == "0.5ᵗ"
    k3 = [r for r in body if r[0] == "1†"][0]
    assert k3[1] == "1.50ᵐ"  # e_1 = 3/2, to the column's three digits
    q = np.array([0.5, 0.25, 0.0625, 0.00390625, 1.52587890625e-05])  # e_(k+1) = e_k²
    b2 = report.Builder("t")
    assert report.convergence_table(b2, "newton", _study(q, "quadratic", order=2.0), "s")
    rows = b2.doc.blocks[-1].rows
    assert [r[3] for r in rows[:-1]] == ["1.000ᵐ"] * (len(rows) - 1)  # e_(k+1)/e_k² = 1, 4 digits
    assert rows[-1][2] == "→ 0" and "q = 2" in rows[-1][3]


def test_a_run_measured_on_two_step_ratios_shows_them_in_its_table():
    """A run measured superlinear on its two-step ratios e_(k+2)/e_k (CG on Himmelblau, whose
    per-step ratios 0.308, 0.302, 0.0529, 0.608, 0.00019, 0.487 alternate slow and fast) shows
    them in its table: with only the per-step column a student could not check the kind."""
    from test_empirical_kinds import HIMMELBLAU_CG

    from analysis import empirical as E

    e = np.array(HIMMELBLAU_CG)
    m = E.measure(e[:, None], [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 2 and m.window == (2, 8)
    st = _measured(e, m, "linear", exact=False)
    b = report.Builder("t")
    assert report.convergence_table(b, "cg", st, "s")
    table = b.doc.blocks[-1]
    assert table.columns[-1].header == "e₍ₖ₊₂₎/eₖ"
    steps = {int(r[0].rstrip("†")): r for r in table.rows if r[0].rstrip("†").isdigit()}
    assert sorted(steps) == list(range(9))  # e_0 … e_7 with e_(k+1) above the floor, then e_8
    assert steps.pop(8)[2] == report.NEXT_BELOW_FLOOR
    for k, r in steps.items():
        if k + 2 <= 8:  # e_8 = 6.6e-9 is the last error above the floor
            assert float(r[-1].rstrip("ᵐ")) == pytest.approx(e[k + 2] / e[k], rel=1e-3)
        else:
            assert r[-1] == "—"
    assert any("the ratio over 2 steps" in n for n in table.notes)
    # a run measured per step keeps the three columns
    m1 = E.measure(np.cumprod([1.0] + [0.5] * 30)[:, None], [0.0])
    b1 = report.Builder("t")
    st1 = _study(np.cumprod([1.0] + [0.5] * 30), "linear", 0.5, window=m1.window)
    st1.measurement = m1
    assert report.convergence_table(b1, "gd", st1, "s")
    assert len(b1.doc.blocks[-1].columns) == 3


def test_a_window_ended_by_a_jump_into_the_floor_band_is_explained_after_its_table():
    """Rosenbrock p.6: CG was "superlinear" over k = 85–118 while its ratios after the jump
    at k = 85 climbed back to 0.19–1. The window now ends at the landing (k = 86) and a
    sentence after the table says why, with the numbers of the steps it leaves out."""
    from recorded import CG_ROSENBROCK5, CG_ROSENBROCK5_FLOOR

    from analysis import empirical as E

    e = np.array(CG_ROSENBROCK5)
    m = E.measure(e[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR)
    assert m.band_from == 26 and m.window == (25, 26) and m.to_json()["band_from"] == 26
    st = _measured(e, m, "linear", 0.96586, exact=False)
    b = report.Builder("t")
    text = report.band_text(b, "cg", "CG", st)
    end = m.floor_index - 1  # the last error above the floor: e_58 = 5.446e-13 > 4.97e-13
    assert end == 58
    r = e[27:end + 1] / e[26:end]
    assert text == (f"The window k = 25–26 of the table's title ends where the jump landed, "
                    f"e_26 = {fmt(e[26], 3)}ᵐ, "
                    f"within 1 000 times the rounding floor; the error stays in that band to "
                    f"k = {end}, and those {end - 26} steps (ratios e_(k+1)/e_k from "
                    f"{fmt(r.min(), 2)}ᵐ to {fmt(r.max(), 2)}ᵐ) are left out of the window, as the "
                    "steps at the floor are.")
    st.measurement = E.measure(1e4 * e[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR)
    assert st.measurement.band_from is None and report.band_text(b, "cg", "CG", st) == ""


def _ratio(e, a, b):
    """The mean ratio per step of the errors ``e`` from iteration a to b, (e_b/e_a)^(1/(b−a))."""
    return (e[b] / e[a]) ** (1.0 / (b - a))


def test_a_fast_kind_is_explained_after_its_table_with_the_numbers_that_decided_it():
    """Rosenbrock p.6/p.8: BFGS and CG were "superlinear" while their tables showed one
    in-window row, a stall (0.9996) or a single jump: nothing a student could check the kind
    against. The table now shows the last steps of a fast run's window, and a sentence after
    it gives the rule that decided the kind with the numbers it saw, recomputed here."""
    from recorded import (
        BFGS_ROSENBROCK5,
        BFGS_ROSENBROCK5_FLOOR,
        CG_ROSENBROCK5,
        CG_ROSENBROCK5_FLOOR,
    )

    from analysis import empirical as E

    e = np.array(BFGS_ROSENBROCK5)
    m = E.measure(e[:, None], [0.0], floor=BFGS_ROSENBROCK5_FLOOR)
    assert m.kind == "superlinear" and m.window == (47, 69)
    st = _measured(e, m, "superlinear")
    b = report.Builder("t")
    assert report.convergence_table(b, "bfgs", st, "s")
    steps = [int(r[0].rstrip("†")) for r in b.doc.blocks[-1].rows if r[0].rstrip("†").isdigit()]
    assert steps[-4:] == [65, 66, 67, 68] and 64 not in steps  # the window's last four
    assert b.doc.blocks[-2].text == report.kind_text(b, "bfgs", "bfgs", st)  # lead-in
    text = report.kind_text(b, "bfgs", "BFGS", st)
    r1, r2, r3 = _ratio(e, 36, 47), _ratio(e, 47, 58), _ratio(e, 58, 69)
    assert r1 >= r2 and r3 <= r2 ** 2 and r3 <= 0.5  # rule D, recomputed
    ends = [min(e[:k + 1]) for k in (36, 47, 58, 69)]  # what a reader recomputes them from
    means = [(ends[i + 1] / ends[i]) ** (1 / 11) for i in range(3)]
    assert means == pytest.approx([r1, r2, r3])
    assert text == (f"BFGS is measured superlinear (per-step table follows): the mean ratio per "
                    f"step keeps falling over the last half: {fmt(r1, 3)}, {fmt(r2, 3)} and "
                    f"{fmt(r3, 3)} "
                    "over iterations 36–47, 47–58 and 58–69 (each block at least as fast as the "
                    "one before, the last ≤ the square of the middle one and ≤ 1/2; each mean "
                    "is (b/a)^(1/11) for the smallest errors so far a, b at the block's ends: "
                    f"{fmt(ends[0], 3)}, {fmt(ends[1], 3)}, {fmt(ends[2], 3)} and "
                    f"{fmt(ends[3], 3)} at "
                    "iterations 36, 47, 58 and 69).")
    # the title names the errors the kind was read on, from the first block (chained
    # Rosenbrock p. 8 said "kind read on k = 47–69" above a reading of 36–69), and so does
    # the ratio panel's span; † marks the steps before the first block
    assert m.read_from == 36 and E.kind_window(m) == (36, 69)
    table = b.doc.blocks[-1]
    assert table.title.endswith("(kind read on k = 36–69; nothing fitted)"), table.title
    marks = {int(r[0].rstrip("†")): r[0].endswith("†") for r in table.rows
             if r[0].rstrip("†").isdigit()}
    assert marks and all(v == (k < 36) for k, v in marks.items()), marks
    from analysis import plots

    assert plots._rate_study_args({"bfgs": st})[6] == {"bfgs": (36, 69)}
    assert m.to_json()["read_from"] == 36
    e = np.array(CG_ROSENBROCK5)
    st.result.path = e[:, None]
    st.measurement = E.measure(e[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR)
    text = report.kind_text(b, "cg", "CG", st)
    fell, before = e[26] / e[25], _ratio(e, 22, 25)
    assert fell <= 1e-3 and math.log(fell) <= 8 * math.log(before)  # rule C, recomputed
    assert text.startswith(f"CG is measured superlinear (per-step table follows): in 1 step from "
                           f"iteration 25 the error "
                           f"(its running minimum) falls by the factor {fmt(fell, 3)}, while the 3 "
                           f"steps before averaged a ratio of {fmt(before, 3)} per step")
    # and what it leaves
    assert "The window k = 25–26 of the table's title ends where the jump landed" in text
    q = [0.5]  # e_(k+1) = 1.3 e_k²: order 2
    while q[-1] > 1e-11:
        q.append(1.3 * q[-1] ** 2)
    st.measurement = E.measure(np.array(q)[:, None], [0.0])
    assert st.measurement.kind == "quadratic"
    assert report.kind_text(b, "newton", "Newton", st).endswith(
        "; its fitted order q = 2 lies in the quadratic band [1.8, 2.6].")
    st.measurement = E.measure(np.cumprod([1.0] + [0.5] * 30)[:, None], [0.0])
    assert st.measurement.kind == "linear" and report.kind_text(b, "gd", "GD", st) == ""


def test_an_order_fitted_on_three_points_says_so_and_what_its_last_pair_gives():
    """Study p. 44: pure Newton's order 1.79 ± 0.16 rests on three points, the first from
    the far start; the last pair of ratios alone gives about 2."""
    from analysis import empirical as E

    e = [1.17, 0.0235, 8.42e-05, 1.0484e-09]  # the study's pure Newton errors, then the floor
    st = _study(e + [0.0] * 3, "quadratic", order=2.0)
    st.measurement = E.measure(np.array(e + [0.0] * 3)[:, None], [0.0])
    assert st.measurement.kind == "quadratic" and tuple(st.measurement.window) == (0, 3)
    q = math.log(e[3] / e[2]) / math.log(e[2] / e[1])
    assert 1.95 < q < 2.05
    text = report.kind_text(report.Builder("t"), "newton", "pure Newton", st)
    # study p. 40, Himmelblau p. 7: "k = 18–20" here, "order fitted on k = 18–21" over the
    # table, whose window counts errors: the pairs say which errors they use
    assert text.endswith(", a fit on three points (e_k, e_(k+1)), k = 0–2, which use the "
                         "errors e_0–e_3 (the window k = 0–3 of its table's title); the last "
                         "pair of ratios alone gives "
                         f"q = ln(e_3/e_2)/ln(e_2/e_1) ≈ {q:.1f}."), text
    w = st.measurement.order_window or st.measurement.window
    assert (int(w[0]), int(w[1])) == (0, 3)  # the window its table's title prints


def test_convergence_table_marks_the_steps_outside_the_window_of_a_bound():
    # a transient at ratio 0.6 for 5 steps, then the bound's asymptotic rate 0.3 (window 5-29)
    e = np.cumprod([1.0] + [0.6] * 5 + [0.3] * 24)
    st = _study(e, "linear", 0.314, window=(5, 29))
    st.prediction.exact = False
    b = report.Builder("t")
    assert report.convergence_table(b, "cg", st, "s")
    table = b.doc.blocks[-1]
    steps = [r for r in table.rows if r[0][0].isdigit() and "–" not in r[0]]
    for r in steps:
        k = int(r[0].rstrip("†"))
        assert r[0].endswith("†") == (k < 5)  # exactly the transient steps are marked
        assert float(r[2].rstrip("ᵐ‡")) == pytest.approx(0.6 if k < 5 else 0.3, rel=1e-3)
        assert r[2].endswith("‡") == (k < 5)  # 0.6 lies above the bound 0.314, 0.3 below
    assert any(r[0].endswith("†") for r in steps)
    assert "(asymptotic)" in table.rows[-1][2]
    assert table.title.endswith("(fit window k = 5–29)")
    assert plots.page_script(report.OUTSIDE_NOTE) in table.notes
    assert "cg" not in " ".join(table.notes)


def test_convergence_table_marks_ratios_above_a_bound_and_shows_the_window_mean():
    # cg-like: inside the window 4-8 single ratios (0.61, 0.49) exceed the bound 0.3143 while
    # the window as a whole falls far faster: (e_8/e_4)^(1/4) = (0.61·1e-4·0.2·0.49)^(1/4)
    ratios = [0.1, 0.1, 0.3, 0.1, 0.61, 1e-4, 0.2, 0.49, 0.2, 0.2]
    e = np.cumprod([2.26] + ratios)
    st = _study(e, "linear", 0.3143, window=(4, 8))
    st.prediction.exact = False
    st.measurement.kind = "superlinear"
    b = report.Builder("t")
    assert report.convergence_table(b, "cg", st, "s")
    table = b.doc.blocks[-1]
    steps = {int(r[0].rstrip("†")): r for r in table.rows
             if r[0][0].isdigit() and "–" not in r[0]}
    for k, r in steps.items():
        assert r[2].endswith("‡") == (ratios[k] > 0.3143), (k, r)
    assert steps[4][2].endswith("‡") and steps[7][2].endswith("‡")
    mean = (0.61 * 1e-4 * 0.2 * 0.49) ** (1 / 4)
    (row,) = [r for r in table.rows if r[0] == "4–8"]
    # study p. 42: the comparison with the bound stood in the errors' column; the row is the
    # geometric mean, as in the other tables, and the theory row says the bound is met by
    # what the verdict rests on (here the kind, faster than linear), the mean beside it
    assert row[1] == "geometric mean"
    assert mean <= 0.3143 and table.rows[-1][0] == "theory"
    assert table.rows[-1][2] == ("≤ 0.3143ᵗ (asymptotic), met by the measured kind, "
                                 "superlinear, as by the geometric mean"), table.rows[-1]
    assert float(row[2].rstrip("ᵐ")) == pytest.approx(mean, rel=1e-3)
    assert [n for n in table.notes if n.startswith("‡")] == [plots.page_script(report.ABOVE_NOTE)]
    # the note points at the last row, which names what meets the bound (here the kind);
    # it names no row the table may lack (Himmelblau's CG table has no row 'robust fit')
    assert "(the last row says by what)" in report.ABOVE_NOTE
    # a yardstick is no theorem's bound (Himmelblau p. 8: "the theory's bound" above CG's ʸ)
    for n in (report.ABOVE_NOTE, report.ABOVE_NOTE_NO_WINDOW):
        assert "theory's bound" not in n and "a theorem's or a yardstick's" in n, n
    assert not any(r[1].startswith("robust fit") for r in table.rows)
    assert "robust fit" not in report.ABOVE_NOTE and "geometric mean" not in report.ABOVE_NOTE
    # superlinear with no fitted order: the window is where the kind was read, no fit
    # window (its geometric mean is what meets the bound, no fitted rate)
    assert table.title.endswith("(kind read on k = 4–8; nothing fitted)")
    # an exact rate is no bound: ratios above it are not marked
    st.prediction.exact = True
    b2 = report.Builder("t")
    report.convergence_table(b2, "cg", st, "s")
    assert not any("‡" in c for r in b2.doc.blocks[-1].rows for c in r)


def test_one_rate_reads_the_same_in_every_table():
    """The measured rate of a run in the theory table and in the per-step table's robust-fit
    row, and the predicted rate in both, are one text each (chained Rosenbrock's Nesterov
    read 0.99605 in one and 0.996 in the other)."""
    from landscape.numfmt import fmt_rate

    e = 2.0 * 0.99605 ** np.arange(400)
    st = _study(e, "linear", 0.995867, window=(50, 350))
    st.measurement.kind, st.measurement.rate = "linear", 0.9960512
    st.measurement.order, st.measurement.exponent = 1.0, None
    b = report.Builder("t")
    assert report.convergence_table(b, "nesterov", st, "s")
    rows = b.doc.blocks[-1].rows
    (fit,) = [r for r in rows if r[1] == "robust fit (measured rate)"]
    _, measured, _ = report._meas_cells(b, "nesterov", st.measurement)
    assert measured.split(" [")[0] == fit[2] == "0.99605ᶠ" == fmt_rate(0.9960512) + "ᶠ"
    _, predicted, _ = report._pred_cells(b, "nesterov", st.prediction)
    assert predicted == rows[-1][2] == "0.99587ᵗ"


def test_a_fit_window_beyond_the_drawn_curve_is_said():
    """The x² study's η = 0.05 curve stopped at the rounding-floor cut (k ≈ 277) while its
    fit window ran to 298, unsaid: the caption now names the study whose window runs past the
    cut (the legend gives both ends, computed from the same cut)."""
    e = 10.0 * 0.9 ** np.arange(320)  # x* = 0: the errors stay exact down to 1e-14
    # first below the floor 10³·ε·max(1, ‖x*‖) of x* = 0 (the measurement's)
    cut = int(np.argmax(e < 1e3 * np.finfo(float).eps))
    inside = _study(e, "linear", 0.9, window=(0, cut - 5))
    beyond = _study(e, "linear", 0.9, window=(0, cut + 10))
    assert report.window_cut_text({"gd η = 0.05": inside}) == ""
    text = report.window_cut_text({"gd η = 0.05": beyond, "gd η = 0.2": inside})
    assert text.startswith("  Each curve is drawn down to the rounding floor")
    assert "gd η = 0.05: the fit window runs past the drawing's cut" in text
    assert "gd η = 0.2" not in text  # its window ends inside the drawn curve


def test_convergence_table_marks_a_stall_inside_the_fit_window():
    """Chained Rosenbrock's bfgs: the last step of its superlinear window stalled at the
    rounding floor (ratio 0.9996 while the window's mean ratio is 0.38) and sat unmarked."""
    ratios = [0.5] * 10 + [0.3, 0.1, 0.03, 0.01, 0.9996]  # window 10-15: a stall at k = 14
    e = np.cumprod([1.0] + ratios)
    st = _study(e, "superlinear", window=(10, 15))
    b = report.Builder("t")
    assert report.convergence_table(b, "bfgs", st, "s")
    table = b.doc.blocks[-1]
    steps = {int(r[0].rstrip("†")): r for r in table.rows
             if r[0][0].isdigit() and "–" not in r[0]}
    assert 14 in steps and steps[14][2].endswith(report.STALL_MARK)
    assert [k for k, r in steps.items() if report.STALL_MARK in r[2]] == [14]
    assert plots.page_script(report.STALL_NOTE) in table.notes
    # progress at a tenth of the window's mean is the edge: 0.03 and 0.01 are not stalls
    assert report.stall_steps(e, range(len(e) - 1), (10, 15)) == [14]
    assert report.stall_steps(e, range(len(e) - 1), None) == []


def test_the_stall_note_holds_for_as_many_steps_as_the_table_marks():
    """Study p. 43: five steps of CG's table were starred and the note under it said the
    robust fit "is not moved by this single step".  The note speaks of no count ("a stalled
    step, however many the table marks"), so one wording serves a table with one star and
    one with several, and a page holding both prints it once."""
    ratios = [0.5] * 10 + [0.01, 1.01, 0.01, 1.01, 0.01]  # window 10-15: k = 11, 13 grew
    st = _study(np.cumprod([1.0] + ratios), "superlinear", window=(10, 15))
    st.measurement.kind = "superlinear"  # its table shows every step of the window
    b = report.Builder("t")
    assert report.convergence_table(b, "cg", st, "s")
    table = b.doc.blocks[-1]
    starred = [r[0] for r in table.rows if r[2].endswith(report.STALL_MARK)]
    assert starred == ["11", "13"]
    stall = [n for n in table.notes if n.startswith(report.STALL_MARK)]
    assert stall == [plots.page_script(report.STALL_NOTE)]
    assert "single step" not in stall[0] and "this step" not in stall[0]
    assert "a stalled step, however many the table marks" in stall[0]


def test_the_slow_first_steps_of_a_superlinear_window_are_no_stall():
    """Study §19, saddle-free Newton: its first ratio 0.72 in a quadratic window (mean ratio
    0.013) was marked as a stall; a stall slows down or grows, it does not speed up."""
    e = np.array([4.27, 3.07, 1.39, 0.035, 0.000149, 2.61e-9])
    assert report.stall_steps(e, range(5), (0, 5)) == []
    grow = np.array([6.66, 4.36, 4.49, 4.0, 1e-3, 1e-6])  # heavy ball's first steps
    assert report.stall_steps(grow, range(5), (0, 5)) == [1]


def test_per_step_tables_keep_every_step_of_the_fit_window_above_the_measurements_floor():
    """Study pp. 23–26: "of 0–188 (fit window k = 41–200)": the tables cut the errors at
    10³·ε·max(e₀, 1) while the measurement's floor is 10³·ε·max(1, ‖x*‖), so the fit used
    steps the table dropped as noise.  With the one floor (x* = 0: 10³·ε ≈ 2.2e−13) the
    table's steps run to the last e_k with e_(k+1) above it, past the window's last step, and
    the tables' lead-in gives the floor with its value."""
    e = 10.0 * 0.9 ** np.arange(320)  # e₀ = 10: the old cut was ten times higher
    floor = 1e3 * np.finfo(float).eps
    last = int(np.flatnonzero(e[1:] > floor)[-1])  # the last k with e_(k+1) above it
    old_last = int(np.flatnonzero(e[1:] > floor * e[0])[-1])
    win = (41, last)
    assert old_last < win[1] - 1
    st = _study(e, "linear", 0.9, window=win)
    b = report.Builder("t")
    assert report.convergence_table(b, "gd", st, "s")
    title = b.doc.blocks[-1].title
    assert f" of 0–{last} (fit window k = 41–{last})" in title, title
    assert plots.study_floor(st) == floor
    assert plots.study_floor(NS(reference=np.array([3.0, 4.0]), minimizer=None)) == 5 * floor
    text = report.nw_text([st])
    # Rosenbrock p. 7: ε was not defined anywhere in the report
    eps = report.fmt_num(float(np.finfo(float).eps), 2)
    assert ("Errors below the rounding floor 10³·ε·max(1, ‖x*‖) = "
            f"{report.fmt_num(float(f'{floor:.2g}'), 2)} (ε = {eps}, the double-precision "
            "machine epsilon) are left out.  Here the floor is not a noise level but a "
            "common cut-off, applied so that every run is fitted by one rule: on x* = 0 the "
            "errors carry only a relative rounding ε, so the ratios would stay accurate below "
            "it.") in text
    assert "machine epsilons" not in text


def test_the_floors_reason_is_said_once_when_the_caption_above_gave_it():
    """Study p. 42: "x* is exact in floating point, so xₖ − x* adds no rounding, but the
    iterates' own rounding … still limits the errors" was printed in the error figure's
    caption and again in the tables' lead-in just below it.  Where the caption gave it, the
    lead-in keeps the cut-off and points to the caption; elsewhere it still gives the
    reason."""
    e = 10.0 * 0.9 ** np.arange(320)
    base = _study(e, "linear", 0.9, window=(41, 250))
    one = NS(**{**vars(base), "reference": np.array([1.0, 1.0]),
                "minimizer": np.array([1.0, 1.0]),  # errors e to x* = (1, 1)
                "result": NS(path=1.0 + np.column_stack([e, e]) / np.sqrt(2.0))})
    reason = report.exact_floor_text([np.array([1.0, 1.0])])
    assert reason is not None and reason.startswith("x* is exact in floating point")
    caption = report.floor_cut_text({"GD": e}, refs={"GD": np.array([1.0, 1.0])})
    assert reason in caption  # the caption gives it
    said = report.nw_text([one], floor_said=True)
    assert reason not in said and "adds no rounding" not in said
    assert ("are left out.  Here the floor is not a noise level but a common cut-off, "
            f"applied so that every run is fitted by one rule, {report.FLOOR_REASON_ABOVE}."
            ) in said
    assert reason in report.nw_text([one])  # with no such caption above, the reason itself


def test_the_floor_is_called_rounding_noise_only_where_x_star_is_rounded():
    """Quadratic p. 6: "Errors below the rounding floor … are left out (rounding noise)"
    where x* = (0, 0) is exact and BFGS's errors reach 9e−83: no noise there."""
    e = 10.0 * 0.9 ** np.arange(320)
    exact = _study(e, "linear", 0.9, window=(41, 250))
    rounded = NS(**{**vars(exact), "reference": np.array([np.sqrt(2.0)]),
                    "minimizer": np.array([np.sqrt(2.0)])})
    one_rule = "a common cut-off, applied so that every run is fitted by one rule"
    assert report.floor_why_text([exact]) == (f"{one_rule}: on x* = 0 the errors carry only "
                                              "a relative rounding ε, so the ratios would "
                                              "stay accurate below it")
    # study p. 41: on x* = (1, 1), exact but not 0, the iterates' own rounding (ε·‖x*‖)
    # still limits the errors; the note says so, not "no rounding noise"
    one = NS(**{**vars(exact), "reference": np.array([1.0, 1.0]),
                "minimizer": np.array([1.0, 1.0])})
    assert report.floor_why_text([one]) == (
        f"{one_rule}: x* is exact in floating point, so xₖ − x* adds no rounding, but the "
        "iterates' own rounding, about ε·‖x*‖ (the attainable accuracy, far below the "
        "rounding floor), still limits the errors")
    assert report.floor_why_text([rounded]) == "rounding noise"
    assert report.floor_why_text([exact, rounded]) == (
        f"rounding noise where x* is rounded; where it is exact, {one_rule}")
    # its errors measured to x* = √2, down below the floor
    rounded.result = NS(path=np.sqrt(2.0) + e.reshape(-1, 1))
    assert "are left out (rounding noise)." in report.nw_text([rounded])
    # errors that never reach the floor: nothing is left out, and no cut-off is explained
    # (kink p. 6: every run cycles 0.177 from x*)
    high = NS(**{**vars(exact), "result": NS(path=(1.0 + e).reshape(-1, 1))})
    text = report.nw_text([high])
    assert text.endswith("No error of this run falls below the rounding floor 10³·ε·max(1, "
                         f"‖x*‖) = 2.2e-13 ({report.EPS_TEXT}), where the tables would leave "
                         "errors out."), text
    assert "cut-off" not in text and "left out" not in text
    # kink p. 6: every run cycles at the kink and every table says "nothing fitted", yet the
    # note said the floor was "applied so that every run is fitted by one rule"
    cycles = NS(**{**vars(exact), "measurement": NS(kind="bounded", window=(4, 1000))})
    assert report.floor_why_text([cycles, cycles]) == (
        "a common cut-off, applied to every run alike, though no run is fitted; on x* = 0 "
        "the errors carry only a relative rounding ε, so the ratios would stay accurate below "
        "it")
    assert report.floor_why_text([exact, cycles]).startswith(
        "a common cut-off, applied to every run, so that the fitted ones are fitted by one "
        "rule: on x* = 0")
    reached = NS(**{**vars(exact), "measurement": NS(kind="linear", window=None)})
    assert report.floor_why_text([reached]).startswith(
        "a common cut-off, applied to every run alike, though no run is fitted;")


def test_enlarged_ratio_markers_are_explained_in_the_caption(four_reports):
    """Quadratic p.10: outlined ✕ markers at k = 5 and 6, larger than the others, with no
    word on them: L-BFGS's ratios there equal BFGS's and are drawn around them.  The
    caption of an error figure names every series and k drawn so (read off the drawing)."""
    import matplotlib as mpl

    from analysis import pages

    seen = 0
    for name in ("ellipse", "himmelblau", "kink", "rosenbrock5"):
        for blk in four_reports[name][1].figures():
            if not blk.label.startswith("error"):
                continue
            with mpl.rc_context(pages._rc()):
                fig = Figure(figsize=(blk.width / 72.0, blk.fig_height / 72.0),
                             layout="constrained")
                blk.draw_fn(fig)
            around = sorted({int(round(x)) for sub in [fig, *fig.subfigs] for ax in sub.axes
                             for ln in ax.get_lines() if ln.get_gid() == "ratios-around"
                             for x in ln.get_xdata()})
            if not around:
                assert "larger hollow marker" not in blk.caption, (name, blk.label)
                continue
            seen += 1
            assert "A larger hollow marker (" in blk.caption, (name, blk.caption)
            said = blk.caption.split("A larger hollow marker (")[1].split(")")[0]
            assert "k = " not in said  # the page may draw the figure at another size
            names = {t.get_text() for sub in [fig, *fig.subfigs] for lg in sub.legends
                     for t in lg.get_texts()}
            assert all(n in names for n in said.split("; ")), (said, names)
    assert seen >= 1  # the quadratic's L-BFGS at k = 5, 6


def test_a_restarted_run_shows_its_restart_period_ratios_where_its_evidence_reads_them():
    """Rosenbrock (n = 5): CG measured superlinear on its 5-step ratios at k = 71, 76, 81
    (e_(k+5)/e_k over the restart period) shows those rows and an e_(k+5)/e_k column, so a
    reader finds in the table each ratio the sentence before it names."""
    from recorded import CG_ROSENBROCK5, CG_ROSENBROCK5_FLOOR

    from analysis import empirical as E

    e = np.array(CG_ROSENBROCK5)
    m = E.measure(e[:, None], [0.0], floor=CG_ROSENBROCK5_FLOOR, restart=5)
    st = _measured(e, m, "linear", 0.96586, exact=False)
    b = report.Builder("t")
    assert report.convergence_table(b, "cg", st, "s")
    table = b.doc.blocks[-1]
    assert table.columns[-1].header == "e₍ₖ₊₅₎/eₖ"
    steps = {int(r[0].rstrip("†")): r for r in table.rows if r[0].rstrip("†").isdigit()}
    for k in (11, 16, 21):  # the blocks of the window (11, 26)
        assert f"{fmt(e[k + 5] / e[k], 3)} at k = {k}" in m.evidence
        assert float(steps[k][-1].rstrip("ᵐ")) == pytest.approx(e[k + 5] / e[k], rel=1e-3)
    assert any(n.startswith("e₍ₖ₊₅₎/eₖ: the ratio over 5 steps") for n in table.notes)
    assert not any(n.startswith("Kind read on") for n in table.notes)  # said before it
    why = report.kind_text(b, "cg", "CG", st)
    assert "where the error came within 1 000 times the rounding floor, e_26 = " in why


def test_a_restarted_method_s_linear_window_shows_its_cycle_rows():
    """Study p. 43: CG's rate, read on its restart cycles of 2 steps over the window k =
    25–45, must show the rows it is read on: the first step of each cycle of the window."""
    rows = report.table_iterations(range(45), window=(25, 45), kind="linear", step=2)
    assert set(range(25, 45, 2)) <= set(rows)
    assert report.table_iterations(range(45), window=(25, 45), kind="linear") == \
        report.table_iterations(range(45))  # a per-step linear fit keeps the six rows
    from types import SimpleNamespace as NS

    e = 3.0 * 0.5 ** np.arange(40)
    b = report.Builder("t")
    rows, notes, _, _ = report._window_rows(b, "cg", "s", e, (5, 29),
                                            NS(kind="linear", rate=0.5, ratio_step=2), None, [])
    assert [r[1] for r in rows] == ["geometric mean",
                                    "robust fit on the two-step cycles (measured rate per step)"]
    (note,) = [n for n in notes if n.startswith("Geometric mean and robust fit")]
    # quadratic p. 6: the note spoke of "the rows of the column e_(k+m)/e_k" of a method
    # restarted every m steps under tables none of which has that column; how a fit on cycles
    # reads them is said by the note on that column, printed only under a table that has it
    assert "restarted" not in note and "e_(k+m)" not in note
    assert ("robust fit (the measured rate of the table ‘Predicted and measured convergence’, "
            "which the verdict compares with the theory) uses the errors all through the "
            "window. They differ") in note
    assert report.step_ratio_note(2).startswith("e_(k+2)/e_k: the ratio over 2 steps")
    assert "restart period is 2 steps" in report.cycle_step_note(2)
    # named: set at the foot of the next page, under another run's table, it said whose
    # rate it is (study p. 42: CG's note under GD's table)
    cyc = report.cycle_step_note(2, "CG")
    assert cyc.startswith("CG restart cycles: the restart period is 2 steps; CG's rate is "
                           "read on them: "), cyc
    # headed, so that the page of the rows points to it when it is set on the next page
    # (study p. 41 held CG's rows, p. 42 the note, and nothing pointed there)
    assert pages.note_head(cyc) == "CG restart cycles"
    t = pages.Table([pages.Column("k"), pages.Column("e")], [["25", "1"]], notes=[cyc])
    assert pages.ending_pointers(t, {cyc: 42}, page=41) == [
        "CG restart cycles: see the full note on p. 42."]
    assert ("(it is fitted on the errors once per cycle, e_i, e_(i+2), e_(i+4) and so on to "
            "e_j, not on every iteration)") in report.cycle_step_note(2)
    # study p. 44: a per-step run's table and a restarted one's on the same page printed the
    # note twice (in full, then as a pointer to itself): it is one text for both
    _, notes1, _, _ = report._window_rows(b, "gd", "s", e, (5, 29),
                                          NS(kind="linear", rate=0.5, ratio_step=None), None, [])
    assert [n for n in notes1 if n.startswith("Geometric mean and robust fit")] == [note]
    # CG's run there speeds up through its window (cycle factors 0.665 … 5.8e−06): the
    # reason the two estimators differ covers it, not only a transient start
    assert note.endswith("They differ when the errors do not fall along one line (on a log "
                         "scale) through the window: transient first steps, or a run that "
                         "speeds up or slows down through it.")
    # and the verdict compares the robust fit (the measured rate) with the theory
    assert "which the verdict compares with the theory" in note


def test_a_floor_budget_says_the_floor_and_an_error_that_rose_again_after_it():
    """Himmelblau p. 2: Adam 'reached the floor at iteration 567', then ended 1.9e-12 from
    the minimum, above the floor 9e-13, with no word why: the budget's clause gives the floor
    and, when the last error lies above it again, that the error rose after reaching it."""
    from analysis.rates import Budget

    fl = 1e3 * np.finfo(float).eps  # the floor of errors measured to x* = 0
    for last, rose in ((2.1 * fl, True), (0.5 * fl, False)):
        e = [1.0, 1e-3, 1e-9, 0.5 * fl, 0.3 * fl, last]
        st = _study(e, "linear")
        st.result.status = "maxiter"
        st.budget = Budget("floor", 5, 5, floor_index=3, margin=2)
        text = report.budget_text(st)
        said = ("set by the automatic budget 2 steps past iteration 3, where the error reached "
                f"the floor {report.fmt_num(fl, 2)}")
        assert text.startswith(said), text
        assert text.endswith(", after which the error, oscillating, rose above it "
                             "again") == rose, text



def test_the_theory_row_of_a_bound_names_the_robust_fit_that_decides():
    """Study p. 42: CG's theory row said 'met by the geometric mean' while its verdict rests
    on the robust fit (the measured rate); the row names the fit, the geometric mean beside
    it, and says so when the two fall on either side of the bound."""
    ratios = [0.1, 0.1, 0.3, 0.1, 0.61, 1e-4, 0.2, 0.49, 0.2, 0.2]
    e = np.cumprod([2.26] + ratios)
    mean = (0.61 * 1e-4 * 0.2 * 0.49) ** (1 / 4)
    for fitted, bound, said in [
            (0.2, 0.3143, "met by the robust fit, as by the geometric mean"),
            (0.4, 0.3143, "exceeded by the robust fit; met by the geometric mean"),
            (0.005, 0.01, "met by the robust fit; exceeded by the geometric mean")]:
        st = _study(e, "linear", bound, window=(4, 8))
        st.prediction.exact = False
        st.measurement.kind, st.measurement.rate = "linear", fitted
        b = report.Builder("t")
        assert report.convergence_table(b, "cg", st, "s")
        rows = b.doc.blocks[-1].rows
        assert any(r[1].startswith("robust fit") for r in rows)
        assert (mean <= bound) == ("exceeded by the geometric mean" not in said)
        assert rows[-1][0] == "theory" and rows[-1][2].endswith(f"(asymptotic), {said}"), rows
