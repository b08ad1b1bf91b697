"""Figures and captions of the reports: what each figure draws is visible and the captions and
tables say what is drawn (the defects found reading the reports page by page)."""

from __future__ import annotations

import math
import re
import warnings
from types import SimpleNamespace as NS

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis import pages, plots, report
from analysis.compare import Comparison
from analysis.rates import Budget

# ---------------------------------------------------------------- panels keep their height


def _error_figure(fig):
    """A figure like the quadratic report's old error figure: a panel under a title, above
    a legend of seven one-column rows (which constrained layout keeps at full size)."""
    ax = fig.add_subplot()
    k = np.arange(600)
    for i, r in enumerate((0.95, 0.91, 0.78, 0.97, 0.9, 0.8, 0.99)):
        ax.plot(k, 2.0 * r ** k, label=f"series {i}: measured error and its theory line, "
                                       f"ρ = {r} (slope ρᵏ, drawn ×10 above the data)")
    ax.set_yscale("log")
    ax.set_title("Error against iteration")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("error (log scale)")
    fig.legend(loc="outside lower center", ncols=1)


def _lowest_axes_pt(draw, width, height):
    import matplotlib as mpl

    with mpl.rc_context(pages._rc()), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(width / 72.0, height / 72.0), layout="constrained")
        draw(fig)
        pages._svg_drawing(fig)  # laid out as for the PDF
    if any("collapsed" in str(w.message) for w in caught):
        return 0.0  # no room left for the panel: matplotlib gave up the layout
    return min(b - a for a, b in pages._panels(fig))


def test_shrink_floor_closed_form():
    # one panel 200 pt tall in a 300 pt figure: 200·(200 − (1 − s)·300)/200 ≥ 110 ⇔ s ≥ 0.7
    assert pages.shrink_floor([(50.0, 250.0)], 300.0, 110.0) == pytest.approx(0.7)
    # two rows of 120 pt: S = 240, h = 120: s ≥ 1 − 240·(1 − 110/120)/400 = 0.95
    assert pages.shrink_floor([(20.0, 140.0), (200.0, 320.0)], 400.0, 110.0) == \
        pytest.approx(1.0 - 240.0 * (1.0 - 110.0 / 120.0) / 400.0)
    assert pages.shrink_floor([(0.0, 90.0)], 300.0, 110.0) == 1.0  # already too low
    assert pages.shrink_floor([], 300.0) == 0.0


def test_a_shrunk_figure_keeps_every_panel_min_panel_tall():
    """The page engine used to shrink a figure to 60 % of its height: the quadratic report's
    error figure became a strip whose label ran into the caption above.  Drawn at its
    :func:`shrink_floor`, its lowest panel is still MIN_PANEL tall (measured by drawing)."""
    W, H = pages.CONTENT_W, 300.0
    _, floor = pages.drawn_figure(_error_figure, W, H)
    assert pages.LAST_SHRINK < floor < 1.0
    assert _lowest_axes_pt(_error_figure, W, floor * H) >= pages.MIN_PANEL - 2.0
    # the old floor, 60 %, squashed it below that (to a strip)
    assert _lowest_axes_pt(_error_figure, W, 0.6 * H) < pages.MIN_PANEL


def test_a_figure_that_would_be_squashed_goes_to_the_next_page(tmp_path):
    d = pages.Document("t")
    d.paragraph("x " * 2600)  # most of the first page
    d.figure(_error_figure, height=300.0, caption="error")
    row = None
    ns = pages._flowables()
    story = d.story()
    row = next(f for f in story if isinstance(f, ns.FigureRow))
    for aH in (300.0 * pages.LAST_SHRINK + 30.0, 300.0 * 0.8):
        row.wrap(pages.CONTENT_W, aH)
        assert row.scale == 1.0 or row.scale >= row._floor() - 1e-9
    d.render(tmp_path / "t.pdf")


# ---------------------------------------------------------------- one colour per method


def test_every_method_has_its_own_colour_in_every_figure():
    from optimizers import METHODS

    assert set(plots.METHOD_COLORS) == set(METHODS)
    assert len(set(plots.METHOD_COLORS.values())) == len(METHODS)
    alone = plots.series_styles(["adam"])["adam"]
    together = plots.series_styles(["gd", "momentum", "nesterov", "adam", "newton", "bfgs",
                                    "lbfgs", "cg"])
    assert alone == together["adam"]
    assert len({s.color for s in together.values()}) == 8
    # other labels take colours no method shown with them has
    mixed = plots.series_styles(["gd", "gd (2)", "heavy ball"])
    assert len({s.color for s in mixed.values()}) == 3
    # a series named by the label documents print keeps its method's style
    printed = plots.series_styles(["Newton", "L-BFGS", "heavy ball"])
    assert printed["L-BFGS"] == plots.series_styles(["lbfgs"])["lbfgs"]
    assert printed["Newton"].color == plots.METHOD_COLORS["newton"]


def test_a_one_method_panel_draws_that_methods_colour():
    fig = plots.plot_grad_norm({"adam": np.geomspace(1.0, 1e-3, 20)})
    (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("adam")]
    assert to_hex(line.get_color()) == to_hex(plots.METHOD_COLORS["adam"])
    fig = plots.plot_ecdf({"cg": np.arange(1.0, 11.0), "gd": np.arange(2.0, 12.0)})
    cols = {ln.get_label().split(":")[0]: to_hex(ln.get_color())
            for ln in fig.axes[0].get_lines() if ":" in ln.get_label()}
    assert cols["cg"] != cols["gd"] and cols["gd"] == to_hex(plots.METHOD_COLORS["gd"])


# ---------------------------------------------------------------- cycles and captions


def _two_cycle(n, a, b):
    return np.where(np.arange(n) % 2 == 0, a, b).astype(float)


def test_envelope_starts_at_the_first_error_never_crosses_the_data_and_has_no_spikes():
    # a fall from e₀ = 6.66 onto a 2-cycle (0.41, 0.59), and onto a 10-cycle whose lowest
    # value comes once per period (Adam at a kink): a block minimum over 8 steps would miss
    # it in some blocks and spike up to the second-lowest value
    two = np.r_[6.66, 3.59, 2.59, _two_cycle(998, 0.41, 0.59)]
    ten = np.r_[6.66 * 0.95 ** np.arange(150),
                np.tile([0.022, 0.0232, 0.0176, 0.006, 0.0114, 0.0202, 0.0215, 0.0159,
                         0.0044, 0.0132], 85)]
    for y, low, high in ((two, 0.41, 0.59), (ten, 0.0044, 0.0232)):
        kk, lo, hi = plots.envelope(y)
        assert np.all(lo <= y[kk.astype(int)]) and np.all(hi >= y[kk.astype(int)])
        assert lo[0] == hi[0] == 6.66  # the transient is its own envelope
        tail = kk > 200
        assert np.all(lo[tail] == low) and np.all(hi[tail] == high)  # flat: no spikes
    assert plots.cycle_period(ten) == 10 and plots.cycle_period(two) == 2


def test_cycling_series_are_envelopes_and_the_caption_says_what_is_drawn():
    k = np.arange(1000)
    errs = {"gd": np.r_[6.0, _two_cycle(999, 0.4, 0.6)],
            "momentum": np.r_[6.0, _two_cycle(999, 0.01, 1.3)],
            "adam": 6.0 * 0.9 ** k + 1e-3}
    assert plots.oscillates(errs["gd"]) and not plots.oscillates(errs["adam"])
    kk, lo, hi = plots.envelope(errs["momentum"])
    assert lo.min() == pytest.approx(0.01) and hi.max() == pytest.approx(6.0)
    panels = plots.error_panels(errs, windows={"adam": (10, 200)}, ratio_series=["gd"])
    assert panels.envelopes == ["gd", "momentum"] and panels.theory == []
    assert panels.windows == ["adam"] and panels.ratios == ["gd"]
    cap = report.error_caption([panels])
    assert "theoretical slope" not in cap and "predicted ρ" not in cap
    assert "gd and momentum cycle" in cap and "Right:" in cap
    # kink p. 9: the ratio panel draws gd's ratios as envelopes too, and the caption says so
    assert ("Right: the measured ratio e_(k+1)/e_k per step of gd (drawn as the lower and "
            "upper envelope of the ratios)") in cap
    both = plots.error_panels(errs, ratio_series=["gd", "adam"])
    assert ("per step of gd and adam (drawn as the lower and upper envelope of the ratios "
            "for gd)") in report.error_caption([both])
    assert "envelope of the ratios" not in report.error_caption(
        [plots.error_panels({"adam": errs["adam"]}, ratio_series=["adam"])])
    assert "solid" not in cap  # envelopes and methods have dashed/dotted styles: the legend
    # with a rate, the theory line and its mention come back
    p2 = plots.error_panels({"adam": errs["adam"]}, rates={"adam": 0.9})
    assert p2.theory == ["adam"] and "theoretical slope" in report.error_caption([p2])
    fig = plots.plot_error(errs, windows={"adam": (10, 200)}, ratio_series=["gd"])
    assert plots.audit(fig) == []
    # no line is a solid band: the cycling series are drawn as two envelope lines
    ax = fig.axes[0]
    wide = [ln for ln in ax.get_lines() if ln.get_color() == plots.METHOD_COLORS["momentum"]]
    assert len(wide) == 2 and not any(plots.oscillates(ln.get_ydata()) for ln in wide)


# ---------------------------------------------------------------- ECDF at 0


def test_ecdf_of_a_method_that_never_reaches_the_target_is_not_hidden_on_the_axis():
    fig = plots.plot_ecdf({"gd": np.full(100, np.nan), "cg": np.r_[np.arange(1.0, 6.0),
                                                                   np.full(95, np.nan)]})
    ax = fig.axes[0]
    assert ax.get_ylim()[0] < 0.0
    drawn = [ln.get_label() for ln in ax.get_lines() if len(ln.get_xdata())]
    assert not any(lab.startswith("gd") for lab in drawn)
    # a legend names only what is drawn: no entry for gd (the caption says it)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any(t.startswith("gd") for t in legend) and any(t.startswith("cg:")
                                                               for t in legend)


def test_ecdf_of_low_curves_is_zoomed_and_coinciding_curves_are_told():
    # 3 and 4 of 100 starts reach the target: the y axis is zoomed to 1.15 · 0.04, every
    # point inside it; two methods with the same costs are named in the caption sentence
    low = np.r_[np.arange(1.0, 4.0), np.full(97, np.nan)]
    ecdf = {"lbfgs": low, "cg": low.copy(), "bfgs": np.r_[np.arange(1.0, 5.0),
                                                          np.full(96, np.nan)]}
    assert plots.ecdf_zoom(ecdf) == pytest.approx(1.15 * 0.04)
    assert plots.ecdf_zoom({"gd": np.arange(1.0, 101.0)}) is None
    fig = plots.plot_ecdf(ecdf)
    ax = fig.axes[0]
    assert ax.get_ylim()[1] == pytest.approx(0.046) and "zoomed" in ax.get_title()
    assert plots.audit(fig) == []
    curves = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    assert len({str(ln.get_markevery()) for ln in curves}) == len(curves)
    text = report.coinciding_text({k: np.sort(v) for k, v in ecdf.items()}, "curves")
    assert "lbfgs and cg are identical" in text


# ---------------------------------------------------------------- exact f*


def test_the_vanishing_table_uses_the_exact_minimum_value():
    A = NS(vanishing=NS(f_min=8.543e-16), minimum=NS(exact=True, value=0.0))
    assert report.lowest_value(A) == (0.0, True)
    A = NS(vanishing=NS(f_min=3.93), minimum=NS(exact=True, value=0.0))
    assert report.lowest_value(A) == (0.0, True)
    # the box's edge lower than the lowest critical minimum: the sampled value
    A = NS(vanishing=NS(f_min=-5.0), minimum=NS(exact=True, value=0.0))
    assert report.lowest_value(A) == (-5.0, False)
    A = NS(vanishing=NS(f_min=0.25), minimum=NS(exact=False, value=0.2))
    assert report.lowest_value(A) == (0.25, False)


# ---------------------------------------------------------------- verdict beside its number


@pytest.mark.parametrize("c, p, want", [
    (Comparison(True, "agrees", rel_diff=0.5, quantity="band", predicted=2.0, measured=1.0,
                tolerance=0.01), None, "cycle 1ᵐ ≤ 2ᵗ"),
    (Comparison(False, "disagrees", rel_diff=0.5, quantity="band", predicted=2.0,
                measured=3.0, tolerance=0.01), None, "cycle 3ᵐ > 2ᵗ"),
    (Comparison(True, "agrees", rel_diff=0.015, quantity="order", predicted=2.0,
                measured=1.97), None, "q = 1.97 in [1.8, 2.6]"),
    (Comparison(True, "agrees", rel_diff=0.1, quantity="order", predicted=2.0, measured=1.79,
                measured_se=0.16), None,
     "q = 1.79 ± 0.16 (1 s.e.) reaches [1.8, 2.6] within 2 s.e."),
    (Comparison(False, "disagrees", rel_diff=0.3, quantity="order", predicted=2.0,
                measured=1.4), None, "q = 1.4 outside [1.8, 2.6]"),
    (Comparison(True, "agrees", rel_diff=2e-5, quantity="rate", predicted=0.78555,
                measured=0.78554, tolerance=0.01), NS(exact=True), "Δρ/ρ < 0.01% ≤ 1%"),
    (Comparison(True, "agrees", rel_diff=0.4, quantity="rate", predicted=0.5,
                measured=0.3, tolerance=0.01), NS(exact=False), "ρ 0.3 ≤ bound 0.5"),
    (Comparison(True, "agrees", quantity="kind"), None, "kind"),
    (Comparison(False, "not comparable", reason="x"), None, "not compared"),
])
def test_the_theory_table_shows_the_quantity_that_decided_the_verdict(c, p, want):
    """The kink report showed a 50 % rate difference beside 'agrees' for a cycle that the rule
    judges by its size against 2ηG/(1 − β)."""
    assert report.decided_by(c, p) == want


# ---------------------------------------------------------------- coinciding series


def test_coinciding_paths_and_lines_are_found_and_said():
    p = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 1.5]])
    paths = {"bfgs": p, "lbfgs": p.copy(), "gd": p + 0.1}
    assert report.coinciding(paths) == [["bfgs", "lbfgs"]]
    assert "bfgs and lbfgs are identical" in report.coinciding_text(paths, "paths")
    norms = {"gd": np.r_[5.0, np.ones(999)], "momentum": np.r_[3.0, 2.0, np.ones(998)],
             "newton": np.array([4.81, 4.81]), "adam": np.r_[np.linspace(5, 1.1, 70),
                                                              np.ones(930)],
             "cg": np.geomspace(1.0, 1e-8, 30)}
    groups = report.settled_groups(norms)
    assert groups == [(1.0, 70, ["gd", "momentum", "adam"])]
    text = report.coinciding_text(norms, "gradient norms")
    assert "gd, momentum and adam settle on the same value 1" in text
    assert report.coinciding_text({"a": np.arange(5.0), "b": np.arange(5.0) + 1}, "x") == ""


# ---------------------------------------------------------------- η sweep


def test_lr_sweep_markers_keep_clear_of_the_frame_and_words_match_the_errors():
    lrs = np.geomspace(1e-4, 2e-3, 12)
    err = np.r_[np.geomspace(4.0, 2.0, 6), np.geomspace(1e-7, 1e-10, 4), [0.5], [np.nan]]
    sweep = NS(lrs=lrs, final_error=err, diverged=np.r_[np.zeros(11, bool), True],
               bounded=np.r_[np.zeros(10, bool), True, False], predicted_threshold=1.2e-3,
               observed_threshold=lrs[10], minimizer=np.ones(5), steps=200)
    fig = plots.plot_lr_sweep(sweep)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    frame = ax.get_window_extent()
    title = ax.title.get_window_extent()
    for ln in ax.get_lines():
        if ln.get_marker() in ("x", "s", "o"):
            for pt in ln.get_transform().transform(np.column_stack(ln.get_data())):
                if np.all(np.isfinite(pt)):
                    assert frame.y0 + 4 < pt[1] < frame.y1 - 4, ln.get_label()
                    assert pt[1] < title.y0
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    tol = plots.sweep_tolerance(sweep)
    assert tol == pytest.approx(1e-6 * math.sqrt(5))
    assert any(t.startswith("not yet converged after 200 steps") and "(6 runs)" in t
               for t in labels)
    assert any(t.startswith("converged: final error") and "(4 runs)" in t for t in labels)
    assert not any(t.startswith("converging") for t in labels)
    assert any("(1 run," in t for t in labels)


def test_a_rate_decided_by_its_speed_shows_the_speed_difference():
    """An exact rate near 1 agrees only when −ln ρ is within 1 % too: beside 'disagrees' the
    cell shows that difference, not the smaller rate difference."""
    c = Comparison(False, "disagrees", rel_diff=0.004, speed_diff=0.4, quantity="rate",
                   predicted=0.99, measured=0.994, tolerance=0.01)
    assert report.decided_by(c, NS(exact=True)) == "Δln ρ/ln ρ 40% > 1%"


def test_the_sweep_caption_names_only_the_dots_drawn():
    """The chained-Rosenbrock caption explained filled dots that the figure did not have."""
    sw = NS(final_error=np.array([3.0, 2.0, np.nan]), not_convergent=np.array([0, 0, 1], bool),
            minimizer=np.ones(5), steps=200)
    text = report.sweep_dots(sw)
    # the threshold says its rule where it first appears (Rosenbrock p. 13 gave 2.2e-06 bare):
    # 1e-06 · ‖(1, 1, 1, 1, 1)‖ = 1e-06 · √5, written as the legend writes it (Himmelblau
    # p. 14 read "4×10⁻⁶" in the legend and "4e−06" in the caption)
    assert text.startswith("Open dots: final error above 2.2×10⁻⁶ (10⁻⁶·max(1, ‖x*‖)) after "
                           "200 steps")
    assert "filled" not in text.lower()
    sw.final_error = np.array([1e-9, 2.0, np.nan])
    assert "Filled dots" in report.sweep_dots(sw) and "open dots" in report.sweep_dots(sw)
    assert report.sweep_dots(sw).count("max(1, ‖x*‖)") == 1
    # quadratic p. 13: x* = 0 gives the threshold 10⁻⁶ itself, written as the rest of the
    # document writes it (10⁻⁶, not 1e−06), in the caption and in the legend
    sw = NS(final_error=np.array([1e-9, 2.0, np.nan]), not_convergent=np.array([0, 0, 1], bool),
            minimizer=np.zeros(2), steps=200, lrs=np.array([0.1, 0.2, 0.3]))
    text = report.sweep_dots(sw)
    assert text.startswith("Filled dots: final error ≤ 10⁻⁶ (10⁻⁶·max(1, ‖x*‖)), converged; "
                           "open dots: final error above 10⁻⁶ after 200 steps")
    assert "1e-06" not in text and "1e−06" not in text


def test_the_sweep_caption_writes_the_tolerance_as_its_legend_does():
    """Himmelblau p. 14: the legend read "final error ≤ 4×10⁻⁶" and the caption "final error
    ≤ 4e−06" for the same tolerance 10⁻⁶·‖x*‖ = 4.03e−06: the caption writes the legend's
    number, its mathtext read as page text."""
    import re

    xs = np.array([3.584428, -1.848126])
    lrs = np.array([0.001, 0.002, 0.003])
    sw = NS(lrs=lrs, final_error=np.array([1e-9, 2.0, 1.0]), not_convergent=np.zeros(3, bool),
            diverged=np.zeros(3, bool), minimizer=xs, steps=200)
    tol = plots.sweep_tolerance(sw)
    assert tol == pytest.approx(1e-6 * np.linalg.norm(xs))
    fig = plots.plot_lr_sweep(sw)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    (legend,) = [re.search(r"final error ≤ (\S+)", t).group(1) for t in labels
                 if t.startswith("converged")]
    assert legend == "$4{\\times}10^{-6}$"  # mathtext: 4×10⁻⁶
    text = report.sweep_dots(sw)
    assert "final error ≤ 4×10⁻⁶ (10⁻⁶·max(1, ‖x*‖))" in text
    assert "final error above 4×10⁻⁶ after 200 steps" in text
    assert "e−06" not in text and "e-06" not in text


def test_every_rate_study_bullet_says_where_its_run_ended():
    """The kink report's CG bullet lacked the end point the others had (their reasons carry
    it): it is added, once, to every bullet whose reason does not say it."""
    A = NS(cps=None)
    res = NS(x=np.array([1.0, 2.0]), jac=np.array([0.5, -1.0]), nit=7, status="maxiter")
    st = NS(result=res, comparison=Comparison(False, "not comparable",
                                              reason="no rate is promised at a kink"))
    assert report.study_end(A, st) == ("; the run ended at (1, 2) after 7 iterations "
                                       "(status: iteration limit, ‖∇f‖∞ = 1.00)")
    st.comparison = Comparison(False, "not comparable", reason="x; the run ended far from "
                                                               "every critical point (…)")
    assert report.study_end(A, st) == ""


def test_a_run_ending_beside_a_minimum_gives_its_distance_not_the_rounded_minimum():
    """Rosenbrock's adam rate study 'ended at (1, 1, 1, 1, 1)' with ‖∇f‖∞ = 0.00085: four
    digits rounded its end point onto the minimizer.  Six significant digits (1 + 3e-6 still
    prints 1), and the distance, which the digits may not show."""
    x_star = np.ones(5)
    A = NS(cps=[NS(point=x_star, kind="minimum", value=0.0)], box=np.tile([-2.0, 2.0], (5, 1)),
           obj=NS(n=5))
    x = x_star + np.array([3e-6, -4e-6, 0.0, 0.0, 0.0])  # 5e-06 from x*
    res = NS(x=x, jac=np.full(5, 8.5e-4), nit=20000, status="maxiter")
    st = NS(result=res, comparison=Comparison(False, "not comparable",
                                              reason="adam promises no rate"),
            budget=Budget("tenfold", 20000, 100000, previous=10000),
            x0=np.full(5, -1.5), measurement=NS(stalled=None))
    assert report.study_end(A, st) == (
        "; the run ended at (1.00000, 0.999996, 1.00000, 1.00000, 1.00000) after 20 000 "
        "iterations (status: "
        "iteration limit, the automatic budget's cap of 20 000 iterations, below the 100 000 "
        "its rule asked for: 10 times this run's first 10 000 iterations, which the budget's "
        "previous round ran alone, with no linear rate to extend; ‖∇f‖∞ = 0.000850, 5.0e-06 from "
        "the minimum P1)")
    res.x = x_star
    assert report.study_end(A, st).endswith("‖∇f‖∞ = 0.000850, at the minimum P1)")


def test_a_double_root_rate_shows_the_band_that_decided_it():
    """Himmelblau's nesterov row read 'agrees' beside 'Δln ρ/ln ρ 4.6% > 1%': the band test
    that decided it is shown instead, with the window's average factor
    ρ ((b + 1)/(a + 1))^(1/(b − a)) recomputed here, and its distance outside the band on the
    larger of the two scales the band rule tests (here −ln ρ: 0.39%, against 0.28% on ρ)."""
    from analysis import compare
    from analysis.empirical import Measurement
    from analysis.theory import Prediction

    p = Prediction(kind="linear", rate=0.47831, order=1.0, exact=True,
                   details={"double_root": True})
    m = Measurement(kind="linear", rate=0.4949, order=1.0, window=(24, 39))
    eff = 0.47831 * (40 / 25) ** (1 / 15)
    c = compare.compare(p, m)
    on_rho = (0.4949 - eff) / eff  # above the band's upper end: 0.28 %
    on_log = (math.log(0.4949) - math.log(eff)) / -math.log(eff)  # 0.39 %
    assert c.agree and report.double_root_band(c, p, m) == pytest.approx((0.47831, eff))
    assert (c.rel_diff, c.speed_diff) == pytest.approx((on_rho, on_log))
    assert compare.decisive_diff(c) == pytest.approx(on_log)  # the number the JSON records
    assert report.decided_by(c, p, m).replace("\u00a0", " ") == \
        f"−ln ρ {100 * on_log:.2g}% off band ≤ 1%"
    # the note's model is the one its number comes from: C (k + 1) ρᵏ averages
    # ((b + 1)/(a + 1))^(1/(b − a)) over [a, b]; C k ρᵏ would give (39/24)^(1/15), 0.49405
    assert f"‖e_k‖ ≈ C (k + 1) ρᵏ shrinks on average by {compare.fmt_rate(eff)} " in c.note
    assert compare.fmt_rate(eff) != compare.fmt_rate(0.47831 * (39 / 24) ** (1 / 15))
    inside = Measurement(kind="linear", rate=0.49, order=1.0, window=(24, 39))
    c_in = compare.compare(p, inside)
    # the band's own lower end is ρ: the cell names what lies in the band, the measured rate
    assert report.decided_by(c_in, p, inside) == "measured rate in band"
    assert compare.decisive_diff(c_in) == 0
    # a rate the point test passes needs no band
    near = Measurement(kind="linear", rate=0.4785, order=1.0, window=(24, 39))
    assert report.double_root_band(compare.compare(p, near), p, near) is None


def test_lies_between_is_computed_from_the_numbers():
    """Chained Rosenbrock's nesterov reason said the measured 0.99605 'lies between ρ =
    0.99587 and this average factor 0.99602': it is above both. Its distance is stated on
    the scale the band rule tests: 0.003% above on ρ is 0.75% on −ln ρ."""
    from analysis import compare
    from analysis.empirical import Measurement
    from analysis.theory import Prediction

    assert compare.band_diff(0.5, 0.4, 0.6) == (0.0, 0.0)
    on_rho, on_log = compare.band_diff(0.63, 0.6, 0.4)
    assert on_rho == pytest.approx(0.05)  # (0.63 − 0.6)/0.6
    assert on_log == pytest.approx((math.log(0.63) - math.log(0.6)) / -math.log(0.6))
    a, b = 5112, 8515
    eff = 0.99587 * ((b + 1) / (a + 1)) ** (1 / (b - a))
    p = Prediction(kind="linear", rate=0.99587, order=1.0, exact=True,
                   details={"double_root": True})
    m = Measurement(kind="linear", rate=0.99605, order=1.0, window=(a, b))
    c = compare.compare(p, m)
    assert c.agree and "lies between" not in c.note
    off = (math.log(eff) - math.log(0.99605)) / math.log(eff)
    assert 0.007 < off < 0.008
    # the band's end with the digits that give back the percentage (0.99602 gives 0.75%)
    assert (f"lies above the range [0.99587, {eff:.7g}] from ρ to this average factor, by "
            f"{100 * off:.2g}% on −ln ρ") in c.note and "within the tolerance 1%" in c.note
    assert f"{100 * (math.log(float(f'{eff:.7g}')) - math.log(0.99605)) / math.log(eff):.2g}" \
        == f"{100 * off:.2g}"
    # quadratic p. 4: 'lies between the two from ρ = 0.77639 to this average factor' (garbled):
    # inside the range it names the range
    m_in = Measurement(kind="linear", rate=0.99600, order=1.0, window=(a, b))
    assert (f"lies in the range [0.99587, {eff:.5f}] from ρ to this average factor"
            in compare.compare(p, m_in).note)
    # the band is tested on −ln ρ too: 0.9963 is 0.03% above on ρ, but 7% off on −ln ρ
    far = Measurement(kind="linear", rate=0.9963, order=1.0, window=(a, b))
    assert (0.9963 - eff) / eff < 0.01 and not compare.compare(p, far).agree


def test_basin_legend_gives_each_share_with_its_counts():
    """Himmelblau's basin legend read 24 + 26 + 26 + 25 = 101 %, then, rounded by largest
    remainder, "24% / 26% / 25% / 25%" for 885, 967, 950, 919 of 3721 starts (25.5% and 24.7%
    both shown as 25%): each share gives its count of the starts and one decimal."""
    import re as _re

    labels = np.repeat(np.array([0, 1, 2]), 10).reshape(3, 10)
    bm = NS(xs=np.linspace(-1, 1, 10), ys=np.linspace(-1, 1, 3), labels=labels,
            points=np.array([[-0.5, 0.0], [0.5, 0.0], [0.0, 0.9]]),
            kinds=["minimum", "minimum", "minimum"], counts={})
    fig = plots.plot_basins(bm)
    texts = [t.get_text().replace("\n", " ") for lg in fig.legends + [
        a.get_legend() for a in fig.axes if a.get_legend()] for t in lg.get_texts()]
    shares = [m.groups() for t in texts
              if (m := _re.search(r": (\d+) of (\d+) starts, (\d+\.\d)%$", t))]
    assert len(shares) == 3
    for n, total, pct in shares:
        assert (int(n), int(total)) == (10, labels.size)
        assert pct == f"{100 * int(n) / int(total):.1f}" == "33.3"
    assert plots.starts_share(950, 3721) == "950 of 3 721 starts, 25.5%"  # spaced as prose


def test_a_run_that_does_not_converge_has_no_stalls():
    """The kink report's gd table marked the ratio 1.439 of its 2-cycle (0.41 ↔ 0.59) as a
    stall, and the study's diverging gd η = 1.1 and η = 0.6 runs marked their steady growth
    ratio 1.4: a stall interrupts a converging run; a cycle's or a divergence's rising error
    is the run's behaviour (and the window's rate is that growth)."""
    e = np.r_[6.66, 3.59, 2.59, np.tile([0.59, 0.41], 6)]
    cycle = NS(kind="bounded", rate=None)
    assert report.run_converges(cycle) is False
    assert report.stall_steps(e, range(len(e) - 1), (4, len(e) - 1)) == []
    assert report.stall_steps(e, range(len(e) - 1), (4, len(e) - 1), False) == []
    grow = 5.39 * 1.4 ** np.arange(60.0)
    diverging = NS(kind="diverges", rate=1.4)
    assert report.run_converges(diverging) is False
    assert report.stall_steps(grow, range(59), (5, 58), report.run_converges(diverging)) == []
    # a converging run (fitted ρ < 1) still marks the step whose error rose
    conv = np.array([6.66, 4.36, 4.49, 4.0, 1e-3, 1e-6])
    assert report.run_converges(NS(kind="linear", rate=0.5)) is True
    assert report.stall_steps(conv, range(5), (0, 5), True) == [1]


def test_a_diverging_run_table_has_its_fitted_growth_and_no_stall_mark():
    """Study p. 21: gd η = 0.6's per-step table marked every 1.4 with "*" and lacked the
    robust-fit row although the top table reported the fitted growth 1.4ᶠ."""
    e = 5.39 * 1.4 ** np.arange(60.0)
    st = NS(result=NS(path=e.reshape(-1, 1)), reference=np.zeros(1), minimizer=np.zeros(1),
            prediction=NS(kind="diverges", rate=1.4, order=None, exact=True),
            measurement=NS(kind="diverges", rate=1.3993, window=(5, 58)))
    b = report.Builder("t")
    assert report.convergence_table(b, "gd η = 0.6", st, "s")
    table = b.doc.blocks[-1]
    assert not any(report.STALL_MARK in r[2] for r in table.rows)
    assert not any(n.startswith(report.STALL_MARK) for n in table.notes)
    fit = [r for r in table.rows if r[1].startswith("robust fit")]
    assert fit and fit[0][0] == "5–58" and fit[0][2].startswith("1.3993")


def _last_ratio_rounding(study):
    """The relative rounding of the last ratio e_(k+1)/e_k the ratio panel draws of a rate
    study, recomputed from its path: the errors to x*, cut at the floor 10³·ε·max(1, ‖x*‖),
    the ratios of two errors above it, within the fit window (all of them after a finite
    termination); each error off by ε·‖x*‖ absolute plus ε relative."""
    eps = np.finfo(float).eps
    ref = study.reference if study.reference is not None else study.minimizer
    xs = np.asarray(ref, float).ravel()
    e = np.linalg.norm(np.asarray(study.result.path, float) - xs, axis=1)
    floor = 1e3 * eps * max(1.0, np.linalg.norm(xs))
    n = int(np.argmax(e < floor)) if np.any(e < floor) else e.size
    ks = [k for k in range(n - 1)]
    m = study.measurement
    if m.kind != "finite" and m.window is not None:
        from analysis.empirical import printed_window

        a, b = printed_window(m)
        ks = [k for k in ks if a <= k < b]
    k = ks[-1]
    s = float(np.linalg.norm(xs))
    return k, eps * (s / e[k] + 1) + eps * (s / e[k + 1] + 1), e[k + 1] / e[k]


def _cuts_printed_digits(v, rel):
    """Whether a relative rounding ``rel`` of a ratio ``v`` reaches the digits a per-step
    table prints it with (rate_digits d): rel·v ≥ 10^(⌊log10 v⌋ − d + 1), the unit of the
    last."""
    from landscape.numfmt import rate_digits

    d = rate_digits(v)
    return rel * v >= 10.0 ** (math.floor(math.log10(v)) - d + 1)


@pytest.fixture(scope="module")
def floor_runs():
    """The rate studies of Himmelblau's and the quadratic's reports (their starts and default
    hyperparameters): Newton-type runs on Himmelblau end far above or near the floor at an
    x* of norm 4.2; on the quadratic x* = 0."""
    from analysis.rates import rate_study
    from landscape import Objective

    himmel = Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    quad = Objective.parse("0.1*x**2 + 2*y**2")
    h = {m: rate_study(himmel, m, [1.37, -2.3]) for m in ("newton", "bfgs", "lbfgs", "cg")}
    q = {"gd": rate_study(quad, "gd", [-4.59, -4.83], lr=0.25),
         "momentum": rate_study(quad, "momentum", [-4.59, -4.83], lr=0.25,
                                momentum=0.40260548415522257),
         **{m: rate_study(quad, m, [-4.59, -4.83]) for m in ("bfgs", "lbfgs")},
         "adam": rate_study(quad, "adam", [-4.59, -4.83], lr=0.06663)}
    return h, q


def test_the_rounding_of_the_last_ratios_is_named_only_where_it_shows(floor_runs):
    """Himmelblau p. 12 said "the ratios of Newton and L-BFGS already carry rounding noise …
    a relative 0.001 at the floor", but Newton's last error above the floor is 6.6e−08
    (relative rounding ≈ 1e−8); the quadratic p. 11 said it of GD, momentum and the rest,
    whose x* = 0 leaves only a relative ε.  Named now: the runs whose last drawn ratio has a
    relative rounding reaching the last digit the per-step tables print, each with its
    value."""
    h, q = floor_runs
    want = {k: _last_ratio_rounding(st) for k, st in h.items()}
    assert want["newton"][1] < 1e-7  # its last error far above the floor
    shown = {k: v for k, v in want.items() if _cuts_printed_digits(v[2], v[1])}
    assert "newton" not in shown and shown  # BFGS and L-BFGS end near the floor
    panels = plots.rate_studies_panels(h)
    text = report.floor_noise_text(panels, h)
    assert text.startswith("  Rounding reaches the printed digits (those of the per-step tables) "
                           "of the last drawn ratio")
    for k, (step, rel, _) in shown.items():
        assert f"{report.fmt_num(rel, 2)} ({k}, k = {step})" in text, (k, text)
    assert "newton" not in text and "cg" not in text
    # x* = 0: each error's rounding is relative, the ratios are exact to the printed digits
    assert all(_last_ratio_rounding(st)[1] < 1e-15 for st in q.values())
    assert report.floor_noise_text(plots.rate_studies_panels(q), q) == ""


def test_the_floor_sentence_says_every_curve_ends_at_the_floor(floor_runs):
    """Himmelblau p. 12 named only Newton and L-BFGS as drawn until the floor; BFGS's and
    CG's curves end there too (their runs stopped at their first error below it)."""
    h, _ = floor_runs
    errs = {k: plots.study_errors(st) for k, st in h.items()}
    floors = {k: plots.study_floor(st) for k, st in h.items()}
    reached = {k: bool(np.any(e < floors[k])) for k, e in errs.items()}
    past = [k for k, e in errs.items() if reached[k] and int(np.argmax(e < floors[k])) < e.size - 1]
    assert all(reached.values()) and 0 < len(past) < len(h)
    text = report.floor_cut_text(errs, floors=floors)
    assert text.startswith("  Each curve is drawn until the error first falls below")
    assert text.endswith(f"; the run{'s' if len(past) > 1 else ''} of {report._names(past)} "
                         "went on past it."), text


def test_errors_below_the_floor_on_an_exact_x_star_decide_the_verdict(floor_runs):
    """Quadratic p. 2: BFGS was "not decided … too few ratios above the floor" while the
    bullet printed its end point 9e−83 and said those errors, on x* = 0, are exact: the
    measurement now reads them (the verdict agrees, the sentence that the verdict does not
    use them is gone); on Himmelblau (x* numeric) nothing changes."""
    h, q = floor_runs
    st = q["bfgs"]
    e = np.linalg.norm(np.asarray(st.result.path, float), axis=1)  # x* = (0, 0)
    first = int(np.argmax(e < 1e3 * np.finfo(float).eps))
    assert np.all(np.diff(e[first:]) < 0) and e[-1] < 1e-40
    assert st.comparison.verdict == "agrees" and st.measurement.kind == "superlinear"
    assert "too few ratios above the floor" not in report.comparison_reason(st.comparison)
    assert report.below_floor_text(st) == ""
    assert f"e_{first}–e_{e.size - 1} (" in st.measurement.evidence
    assert "), which every fit window leaves out, are read here too" in st.measurement.evidence
    for s in h.values():
        assert report.below_floor_text(s) == ""
        assert "below the rounding floor" not in (s.measurement.evidence or "")


def test_a_distance_beside_the_floor_prints_digits_that_differ_from_it(floor_runs):
    """Quadratic p. 2: Adam's error "rose above it [the floor 2.2e−13] again; … 2.2e−13 from
    the minimum P1": the distance printed equal to the floor it rose above."""
    from landscape import Objective

    _, q = floor_runs
    st = q["adam"]
    fl = 1e3 * np.finfo(float).eps
    dist = float(np.linalg.norm(st.result.x))
    assert dist > fl and report.fmt_num(dist, 2) == report.fmt_num(fl, 2)
    obj = Objective.parse("0.1*x**2 + 2*y**2")
    A = NS(cps=[NS(point=np.zeros(2), kind="minimum")], obj=obj,
           box=np.array([[-10.0, 10.0], [-10.0, 10.0]]))
    end = report.study_end(A, st)
    assert "rose above it again" in end
    d = next(d for d in range(2, 16) if float(f"{dist:.{d}g}") != float(f"{fl:.{d}g}"))
    assert d == 3  # 2.23e-13 beside 2.22e-13
    assert (f"the floor {fl:.2g}, after which" in end
            and f", {dist:.{d}g} from the minimum P1)" in end), end
    assert f"{dist:.{d}g}" != f"{fl:.2g}"


def test_one_floor_prints_one_way_in_every_bullet(floor_runs):
    """Quadratic p. 2: the floor 10³·ε = 2.220446e−13 read "reached the floor 2.22e−13" in
    Adam's bullet (its digits raised to tell it from Adam's last error) and "2.2e−13" in BFGS's
    beside it and on pp. 6 and 11: every run's floor now prints to 2 digits, and only the
    distance beside it gets the digits that tell the two apart."""
    from landscape import Objective

    _, q = floor_runs
    fl = 1e3 * np.finfo(float).eps
    obj = Objective.parse("0.1*x**2 + 2*y**2")
    A = NS(cps=[NS(point=np.zeros(2), kind="minimum")], obj=obj,
           box=np.array([[-10.0, 10.0], [-10.0, 10.0]]))
    ends = {k: report.study_end(A, q[k]) for k in ("adam", "bfgs")}
    for k, end in ends.items():
        printed = re.findall(r"reached the floor (\S+?)[,;]", end)
        assert printed == ["2.2e-13"] == [f"{fl:.2g}"], (k, end)
    assert report.floor_value_text(list(q.values())).endswith(
        f"= {fl:.2g} ({report.EPS_TEXT})")
    # Rosenbrock (n = 5): floors 10³·ε·‖x*‖ of ‖x*‖ = 1.9 and √5 read "4.2e−13 to 5e−13",
    # the second with one digit: both show two
    studies = [NS(reference=np.array([1.9, 0.0]), minimizer=None),
               NS(reference=np.sqrt([1.0, 1.0, 1.0, 1.0, 1.0]), minimizer=None)]
    assert [f"{fl * r:#.2g}" for r in (1.9, math.sqrt(5.0))] == ["4.2e-13", "5.0e-13"]
    assert "(4.2e-13 to 5.0e-13 over these runs;" in report.floor_value_text(studies)


def test_the_floor_cut_on_x_star_zero_is_a_common_cut_off(floor_runs):
    """Quadratic p. 11: "drawn until the error first falls below …, where the ratios become
    rounding noise", but on x* = 0 the errors keep a relative ε below the floor."""
    _, q = floor_runs
    errs = {k: plots.study_errors(st) for k, st in q.items()}
    floors = {k: plots.study_floor(st) for k, st in q.items()}
    zero = report.floor_cut_text(errs, floors=floors, refs={k: np.zeros(2) for k in q})
    assert "a common cut-off: on x* = 0 the errors carry only a relative rounding ε" in zero
    assert "rounding noise" not in zero
    # study p. 41: x* = (1, 1) is exact too: a common cut-off, as the tables' note says,
    # where the iterates' own rounding still limits the errors
    one = report.floor_cut_text(errs, floors=floors, refs={k: np.ones(2) for k in q})
    assert ("a common cut-off: x* is exact in floating point, so xₖ − x* adds no rounding, "
            "but the iterates' own rounding, about ε·‖x*‖ (the attainable accuracy, far below "
            "the rounding floor), still limits the errors") in one
    assert "rounding noise" not in one
    assert "where the ratios e_(k+1)/e_k the rate is read on become rounding noise" in \
        report.floor_cut_text(errs, floors=floors,
                              refs={k: np.array([np.sqrt(2.0), 1.0]) for k in q})


def test_the_stall_note_and_the_estimators_note_agree_on_what_each_estimator_uses():
    """Quadratic p. 7: the stall note said "the window's rate rests on its end errors", while
    the note on the two estimators (p. 6) says the robust fit, the window's measured rate,
    uses the errors all through the window and only the geometric mean its end errors."""
    stall, est = report.STALL_NOTE, report.ESTIMATORS_NOTE
    assert "rests on its end errors" not in stall
    for words in ("uses the errors all through the window", "end errors"):
        assert words in stall and words in est, words
    # each claim is made of the estimator the estimators' note makes it of
    assert stall.index("robust fit") < stall.index("all through") < stall.index(
        "geometric mean") < stall.index("end errors")
    assert est.index("the geometric mean") < est.index("end errors") < est.index(
        "the robust fit") < est.index("all through")


def test_an_error_caption_without_ratio_panel_starts_with_a_capital():
    """The kink report's second error caption began "measured error …" (its 'Left: ' was
    dropped with the ratio panel)."""
    k = np.arange(30)
    panels = plots.error_panels({"newton": 6.0 * 0.5 ** k}, ratio_series=[])
    assert panels.ratios == []
    cap = report.error_caption([panels])
    assert cap.startswith("Measured error")
    with_ratio = plots.error_panels({"gd": 6.0 * 0.9 ** k}, ratio_series=["gd"])
    assert report.error_caption([with_ratio]).startswith("Left: measured error")


def test_the_ratio_panel_caption_names_whose_predicted_rate_is_drawn():
    """Himmelblau p. 11: the caption set the ratios of Newton, BFGS, L-BFGS and CG "against
    the predicted ρ", but only CG had one (the one dashed line)."""
    k = np.arange(30)
    errs = {"newton": 6.0 * 0.1 ** k, "cg": 6.0 * 0.3 ** k}
    panels = plots.error_panels(errs, rates={"cg": 0.31}, ratio_series=["newton", "cg"])
    assert panels.ratios == ["newton", "cg"] and panels.theory == ["cg"]
    assert report.error_caption([panels]).split("Right: ")[1].startswith(
        "the measured ratio e_(k+1)/e_k per step of newton and cg against the predicted ρ of "
        "cg (dashed horizontal line; newton has no predicted rate).")
    both = plots.error_panels(errs, rates={"cg": 0.31, "newton": 0.1},
                              ratio_series=["newton", "cg"])
    assert "against the predicted ρ (dashed horizontal line)." in report.error_caption([both])
    # a yardstick is called one (Himmelblau p. 12: "the predicted ρ of CG" beside a legend
    # "yardstick ρ = 0.31433"), alone or beside a predicted rate
    panels.yardsticks = ["cg"]
    assert ("of newton and cg against the yardstick ρ of cg (dashed horizontal line; newton "
            "has no predicted rate).") in report.error_caption([panels])
    both.yardsticks = ["cg"]
    assert ("against the predicted ρ of newton and the yardstick ρ of cg (dashed horizontal "
            "line).") in report.error_caption([both])
    both.yardsticks = ["cg", "newton"]
    assert "against the yardstick ρ (dashed horizontal line)." in report.error_caption([both])


def test_the_outside_mark_explains_the_window_end():
    """Himmelblau's table marked "39†" inside the window "24–39" without saying why: the
    step k = j uses e_(j+1), past the window; the note says so."""
    assert "k = i to j − 1" in report.OUTSIDE_NOTE


def test_a_final_gradient_reads_the_same_in_every_sentence():
    """The kink summary said ‖∇f‖∞ = 4.8 where the rest of the report said 4.81."""
    res = NS(jac=np.array([7e-12, -4.80785]), status="line_search_failed", nit=1)
    assert report._status_phrase(res).endswith("‖∇f‖∞ = 4.81")
    assert report.grad_text(res) == "‖∇f‖∞ = 4.81"


def test_a_step_without_a_hessian_at_the_minimizer_says_where_l_comes_from():
    """The kink report said "no curvature information: L = 1" although ∂²f/∂y² = 1 on the
    way to the kink: L is then the curvature on the segment from x₀."""
    curv = report.default_curvature(None, None, L_path=4.0, at="P1 = (0, 0)")
    assert report.default_hyper("gd", curv, 1.0)[0] == {"lr": 0.25}
    assert "no curvature information" not in curv.text() and "segment from x₀" in curv.text()
    assert report.default_curvature(None, None).text() == \
        "L = 1, for want of curvature information"


def test_a_run_that_terminates_has_no_shaded_window_and_the_legend_says_so():
    """Newton on a quadratic reaches x* in one step (kind "finite"): the quadratic report's
    error figure shaded a "window of the rate fit" along it although no rate was fitted."""
    from matplotlib.figure import Figure

    from analysis import plots

    def study(errors, kind, rate=None, window=None, steps=None):
        return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
                  reference=np.zeros(1), minimizer=np.zeros(1),
                  prediction=NS(kind="linear" if rate else kind, rate=rate, order=None,
                                exact=True),
                  measurement=NS(kind=kind, window=window, finite_steps=steps))

    studies = {"newton": study([6.0, 4.0, 2e-13], "finite", window=(0, 2), steps=2),
               "gd": study(6.0 * 0.1 ** np.arange(9), "linear", 0.1, window=(2, 7))}
    panels = plots.rate_studies_panels(studies)
    assert [w for p in panels for w in p.windows] == ["gd"]
    assert {k: v for p in panels for k, v in p.finite.items()} == {"newton": 2}
    cap = report.error_caption(panels)
    assert "for gd, the window where the rate, or the order of a faster kind, was fitted" in cap
    assert "newton reaches x* in finitely many steps" in cap and "no window is shaded" in cap
    assert "over the fit window (newton: over its steps before x* was reached)" in cap
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    figs = [fig, *fig.subfigs]
    texts = [t.get_text() for f in figs for lg in (f.legends + [a.get_legend() for a in f.axes])
             if lg is not None for t in lg.get_texts()]
    assert any("newton (finite termination at k = 2)" in t for t in texts), texts
    shaded = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_linewidth() == 7]
    assert len(shaded) == 1  # gd's window only
    assert report.window_cut_text(studies) == ""


def test_a_double_roots_theory_band_is_drawn_in_the_ratio_panel_and_captioned():
    """Quadratic p.11: Nesterov's measured ratios (0.6912–0.6960) all lie above the one
    reference line ρ = 0.68377, while its verdict "agrees" rests on the double root's band
    [ρ, the window's average factor] = [0.68377, 0.69369], which was neither drawn nor said."""
    rho, a, b = 0.68377, 20, 40
    k = np.arange(61.0)
    e = (k + 1) * rho ** k  # a double root: ‖e_k‖ ≈ C (k + 1) ρᵏ
    eff = (e[b] / e[a]) ** (1.0 / (b - a))  # the window's average factor
    ratios = e[a + 1:b + 1] / e[a:b]
    assert (ratios > rho).all() and (ratios.min() < eff)  # off the ρ line, in the band
    study = NS(result=NS(path=e.reshape(-1, 1)), reference=np.zeros(1),
               minimizer=np.zeros(1),
               prediction=NS(kind="linear", rate=rho, order=None, exact=True),
               measurement=NS(kind="linear", window=(a, b), finite_steps=None),
               comparison=NS(quantity="rate", rate_band=(rho, eff), verdict="agrees"))
    studies = {"nesterov": study}
    panels = plots.rate_studies_panels(studies)
    assert [k for p in panels for k in p.bands] == ["nesterov"]
    cap = report.error_caption(panels)
    assert "Shaded across the ratio panel for nesterov: the band from ρ to theory's " \
           "average factor over the fit window that its verdict tested" in cap
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    axr = fig.axes[-1]
    spans = [p for p in axr.patches if p.get_label() == "_theory band"]
    assert len(spans) == 1
    box = spans[0].get_transform().transform(spans[0].get_path().vertices)
    y = axr.transData.inverted().transform(box)[:, 1]  # its corners in data coordinates
    assert (y.min(), y.max()) == pytest.approx((rho, eff), rel=1e-9)
    y0, y1 = axr.get_ylim()
    assert y0 < rho and eff < y1  # the whole band in view
    texts = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert any(t.startswith("theory band for nesterov: ρ to the window's average factor, "
                            f"{plots.fmt_rate(rho)}–{plots.fmt_rate(eff)}") for t in texts), texts
    assert not [p for p in plots.audit(fig) if "band" in p]
    # without a band verdict, nothing is shaded there and the caption says nothing of it
    study.comparison = NS(quantity="rate", rate_band=None, verdict="agrees")
    assert "Shaded across" not in report.error_caption(plots.rate_studies_panels(studies))


def test_ratio_caption_says_how_runs_without_a_window_are_drawn_and_cgs_two_steps():
    """Quadratic p.12: the ratio panel's title and caption said the ratios are drawn "in/over
    the fit window", but L-BFGS and CG have none and are drawn over all their steps; CG's
    ratios per step lie above its dashed bound while its verdict "agrees": the verdict reads
    its two-step ratios e_(k+2)/e_k (per step, their square root)."""
    def study(errors, kind, rate=None, window=None, step=None, order=None):
        return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
                  reference=np.zeros(1), minimizer=np.zeros(1),
                  prediction=NS(kind="linear", rate=rate, order=None, exact=rate is None),
                  measurement=NS(kind=kind, window=window, finite_steps=None,
                                 ratio_step=step, order=order,
                                 order_window=None if order is None else window))

    zigzag = 10.0 * np.cumprod(np.r_[1.0, np.tile([0.9, 0.01], 5)])  # slow, fast, slow, …
    two = zigzag[2:] / zigzag[:-2]
    assert np.sqrt(two).max() < 0.52 < (zigzag[1:] / zigzag[:-1]).max()  # off the bound
    # bfgs with a fitted order: a fit window (a superlinear kind with nothing fitted has
    # none, and is drawn over its steps as cg is)
    studies = {"bfgs": study(10.0 * 0.1 ** np.arange(9), "superlinear", window=(2, 7),
                             order=1.6),
               "cg": study(zigzag, "none", rate=0.51949, step=2)}
    panels = plots.rate_studies_panels(studies)
    assert [k for p in panels for k in p.unwindowed] == ["cg"]
    cap = report.error_caption(panels)
    assert ("over the fit window (cg, with no fit window: over its steps above the rounding "
            "floor)") in cap, cap
    text = report.two_step_text(studies, panels)
    assert text == ("  The verdict compares cg's dashed line with its ratios over 2 steps, "
                    "e_(k+2)/e_k, read per step as (e_(k+2)/e_k)^(1/2), not with the ratios "
                    "per step drawn, which may lie above it.")
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    assert " ".join(fig.axes[-1].get_title().split()) == "Ratio per step vs ρ"
    # every run with a window: the title and caption say the window alone
    studies["cg"].measurement.window = (1, 8)
    panels = plots.rate_studies_panels(studies)
    assert "over the fit window against" in report.error_caption(panels)
    assert report.two_step_text({"bfgs": studies["bfgs"]},
                                plots.rate_studies_panels({"bfgs": studies["bfgs"]})) == ""


def test_a_run_that_stays_bounded_has_no_shaded_window_nor_one_in_the_caption():
    """Kink p.10: the caption said the rate was fitted in shaded windows "for GD and
    Nesterov", whose runs settle on a 2-cycle (kind "bounded") and whose tables say "nothing
    fitted": their window (where they settled) was shaded as a fit window."""
    from matplotlib.figure import Figure

    def study(errors, kind, rate=None, window=None):
        return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
                  reference=np.zeros(1), minimizer=np.zeros(1),
                  prediction=NS(kind="linear" if rate else kind, rate=rate, order=None,
                                exact=True),
                  measurement=NS(kind=kind, window=window, finite_steps=None, period=2))

    cycle = np.r_[5.0, np.tile([10.0, 11.0], 6)]  # settles on a 2-cycle from k = 1
    studies = {"gd": study(cycle, "bounded", window=(1, 12)),
               "cg": study(6.0 * 0.5 ** np.arange(13), "linear", 0.5, window=(2, 9))}
    panels = plots.rate_studies_panels(studies)
    assert [w for p in panels for w in p.windows] == ["cg"]
    cap = report.error_caption(panels)
    assert "shaded: for cg, the window where the rate" in cap and "for gd and" not in cap
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    shaded = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_linewidth() == 7]
    assert len(shaded) == 1 and shaded[0].get_color() != plots.series_styles(
        studies)["gd"].color  # cg's window only


def test_split_error_figure_titles_say_how_far_the_runs_are_drawn():
    """Himmelblau p.10: titles 'short runs (up to 81 iterations)' beside the caption's 'GD
    89 iterations': the errors are drawn down to the rounding floor, the runs go on past it,
    so each row's title says how far its runs are drawn."""
    from matplotlib.figure import Figure

    from analysis import plots

    def study(errors, rate):
        return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
                  reference=np.zeros(1), minimizer=np.zeros(1),
                  prediction=NS(kind="linear", rate=rate, order=None, exact=True),
                  measurement=NS(kind="linear", window=(2, 20), finite_steps=None))

    # each run sits on the floor (1e-17) for its last 10 steps
    studies = {"a": study(np.r_[0.5 ** np.arange(30), np.full(10, 1e-17)], 0.5),
               "b": study(np.r_[0.99 ** np.arange(3000), np.full(10, 1e-17)], 0.99)}
    assert len(plots.rate_study_groups(studies)) == 2
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    titles = [sf.get_suptitle() or " ".join(ax.get_title() for ax in sf.axes)
              for sf in fig.subfigs]
    drawn = {k: len(plots.above_floor(plots.study_errors(st))) - 1 for k, st in studies.items()}
    assert drawn["a"] < 39 and drawn["b"] < 3009  # the cut at the floor
    titles = [" ".join(t.split()) for t in titles]
    long = f"{drawn['b']:,}".replace(",", " ")  # a count's thousands set apart, as in prose
    assert any(f"short runs (drawn up to {drawn['a']} iterations)" in t for t in titles), titles
    assert any(f"long runs (drawn up to {long} iterations)" in t for t in titles), titles
    # quadratic p.12: Newton's row, one step to x*, said "drawn up to 1 iterations"
    one = {"newton": study([6.0, 4e-15], None), "b": studies["b"]}
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(one, fig=fig)
    titles = [" ".join((sf.get_suptitle() or " ".join(ax.get_title() for ax in sf.axes)).split())
              for sf in fig.subfigs]
    assert any("short runs (drawn up to 1 iteration)" in t for t in titles), titles


def test_coinciding_text_of_a_split_gradient_figure_names_each_panel():
    # Newton-type runs of 1–4 iterations, first-order runs of 1000: two panels; each
    # panel's horizontal line is told for that panel, with the series drawn on top there
    # (cg, drawn last, only to its end at k = 2; lbfgs, drawn after bfgs, beyond)
    norms = {"newton": np.r_[4.8, 4.8], "bfgs": np.r_[4.8, 3.7, 1.0, 1.0, 1.0],
             "lbfgs": np.r_[4.8, 3.7, 1.0, 1.0, 1.0], "cg": np.r_[4.8, 1.0, 1.0],
             "gd": np.r_[4.8, np.ones(1000)], "adam": np.r_[np.linspace(4.8, 1.1, 72),
                                                          np.ones(929)]}
    groups = plots.grad_norm_groups(norms)
    assert groups == [["newton", "bfgs", "lbfgs", "cg"], ["gd", "adam"]]
    text = report.panels_coinciding_text(norms, groups, "gradient norms")
    left, right = text.split("Right panel:")
    assert "Left panel: the gradient norms of bfgs, lbfgs and cg" in left
    assert "cg drawn on top to k = 2, then lbfgs." in left and "gd" not in left
    assert "of gd and adam" in right and "adam drawn on top" in right and "cg" not in right
    fig = plots.plot_grad_norm(norms)
    assert len(fig.axes) == len(groups)
    # one panel: the whole figure's sentence, as before
    one = {k: norms[k] for k in ("gd", "adam")}
    assert report.panels_coinciding_text(one, plots.grad_norm_groups(one), "gradient norms") \
        == report.coinciding_text(one, "gradient norms")


def test_gradient_norms_that_change_only_early_get_a_symlog_iteration_axis():
    # the kink page: gd, momentum and nesterov differ over their first few steps, adam
    # over 72, then all stay at 1 for 1000 steps: on a linear 0–1000 axis k = 0 … 5 is a
    # spike 5/1030 of the width; linear to 1 (a unit w = 0.4 / (1 − 1/10) decade wide, as
    # matplotlib's symlog scales linscale 0.4) and log beyond, on limits −0.1 … 1300, k = 5
    # lies (w + log10 5) / (1.1·w + log10 1300) ≈ 0.32 of the width right of k = 0
    k = np.arange(1001.0)
    norms = {"newton": np.r_[4.8, 4.8], "cg": np.r_[4.8, 1.0, 1.0],
             "gd": np.r_[4.8, np.ones(1000)],
             "momentum": np.r_[4.8, 1.0, 3.3, 1.1, np.ones(997)],
             "adam": np.r_[np.linspace(4.8, 1.1, 72), np.ones(929)]}
    fig = plots.plot_grad_norm(norms, gtol=1e-6)
    short, long = fig.axes
    assert short.get_xscale() == "linear" and long.get_xscale() == "symlog"
    to_ax = long.transAxes.inverted()
    u0, u5 = (to_ax.transform(long.transData.transform((x, 1.0)))[0] for x in (0.0, 5.0))
    w = 0.4 / 0.9
    assert u5 - u0 == pytest.approx((w + np.log10(5)) / (1.1 * w + np.log10(1300)), abs=1e-3)
    plots._renderer(fig)
    labels = [t.get_text() for t in plots._drawn_tick_labels(long.xaxis)]
    assert labels == ["0", "1", "10", "100", "1000"]
    assert "log scale past 1" in long.get_xlabel() and "log" not in short.get_xlabel()
    assert plots.audit(fig) == []
    # a run still changing late keeps the linear axis
    late = {**norms, "gd": 4.8 * 0.999 ** k}
    assert plots.plot_grad_norm(late).axes[-1].get_xscale() == "linear"
    assert plots.settled_from([3.0, 2.0, 1.0, 1.0]) == 2 and plots.settled_from([1.0]) == 0


def test_how_found_is_true_to_the_search_that_ran():
    """Chained Rosenbrock: P3 read 'how found: exact' beside the note 'exact solve abandoned
    after 10 s' (the numeric search's refinement snapped it to exact values)."""
    cp = NS(exact=True, gradient_norm=0.0, differentiable=True)
    numeric = NS(method="numeric", notes=["exact solve abandoned after 10 s"])
    assert report.how_found(cp, numeric) == \
        "numeric root snapped to exact values (∇f = 0 verified by SymPy)"
    assert report.how_found(cp, NS(method="exact", notes=[])) == "exact"
    assert report.how_found(NS(exact=False, gradient_norm=3e-23), numeric) == \
        "numeric (‖∇f‖₂ = 3e-23)"


def test_window_cut_caption_names_the_actual_minimizer():
    """Chained Rosenbrock's caption said 'as when x* = 0 is representable' for x* =
    (1, 1, 1, 1, 1); a point like √2 is not representable and gets no such claim."""
    e = 0.5 ** np.arange(80.0)

    def study(ref):
        path = ref + np.outer(e, np.ones_like(ref))  # ‖x_k − x*‖ = e_k·√n
        return NS(result=NS(path=path), reference=ref, minimizer=ref,
                  measurement=NS(window=(5, 79)))

    text = report.window_cut_text({"nesterov": study(np.ones(5))}, rule=False)
    assert "x* = 0" not in text and "x* = (1, 1, 1, 1, 1) is exactly representable" in text
    # Rosenbrock p. 11: the subtraction is exact, the iterates are not: the errors are not
    # "still exact" there
    assert "still exact" not in text
    assert ("so the subtraction xₖ − x* adds no rounding: the errors there carry only the "
            "rounding of the iterates themselves") in text
    root2 = report.window_cut_text({"nesterov": study(np.full(2, np.sqrt(2.0)))}, rule=False)
    assert "past the drawing's cut" in root2 and "representable" not in root2
    assert report.float_exact([0.0, -2.5, 1.0]) and not report.float_exact([np.sqrt(2.0)])


def test_a_one_coordinate_point_prints_as_a_number():
    """The study's GD on x² caption said 'x* = (0)': a point with one coordinate prints as
    the number, both in the window-cut caption and in an exact point's text."""
    import sympy as sp

    e = 0.5 ** np.arange(80.0)
    ref = np.zeros(1)
    st = NS(result=NS(path=ref + e[:, None]), reference=ref, minimizer=ref,
            measurement=NS(window=(5, 79)))
    text = report.window_cut_text({"gd": st}, rule=False)
    assert "x* = 0 is exactly representable" in text and "(0)" not in text
    assert report.fmt_point([0.0]) == "0" and report.fmt_point(np.array([[1 / 3]])) == "0.3333"
    assert report.fmt_point([1.0, 2.0]) == "(1, 2)"
    assert report._exact_text([sp.Rational(1, 2)]) == "1/2"
    assert report._exact_text([sp.Integer(1), sp.Integer(2)]) == "(1, 2)"
    assert report.critical_numbering([NS(kind="minimum", point=[0.0])]) == \
        "P1 = the minimum at 0"
    m1, m2 = NS(point=np.zeros(1)), NS(point=np.array([3.0, 2.0]))
    assert report._cp_name(NS(cps=[m1]), m1) == "P1 = 0"  # "x* = P1 = 0", not "x* = P1 at 0"
    assert report._cp_name(NS(cps=[m2]), m2) == "P1\u00a0(3, 2)"
    assert report.critical_numbering([NS(kind="minimum", point=[1.0, 1.0])]) == \
        "P1 = the minimum\u00a0(1, 1)"


def test_converged_summary_says_which_minimum_a_run_reached():
    """Chained Rosenbrock's summary listed bfgs and lbfgs as converged without saying they
    ended at the higher minimum P1 (f = 3.931), not at x*."""
    p1 = NS(point=(-0.962, 0.936), value=3.931, kind="minimum")
    p3 = NS(point=(1.0, 1.0), value=0.0, kind="minimum")
    A = NS(cps=[p1, p3], minimum=p3, obj=NS(n=2), box=np.array([[-5.0, 5.0], [-5.0, 5.0]]))
    gtol = [NS(name="gtol", threshold=1e-6)]
    run = lambda label, x, nit: report.MethodRun(  # noqa: E731
        label, label, {}, "defaults",
        result=NS(x=np.array(x), nit=nit, status="converged", criteria=gtol))
    A.runs = [run("bfgs", [-0.962, 0.936], 67), run("newton", [1.0, 1.0], 24),
              run("lbfgs", [-0.962, 0.936], 49)]
    text = report._runs_sentences(A)[0]
    # P1 with its coordinates: the Summary comes before the table that numbers the points
    # beside them, the runs at x* say so (chained Rosenbrock p. 2 left Newton's and CG's
    # point to be guessed)
    assert text == ("Comparison runs from x₀ that converged (‖∇f‖∞ ≤ the gradient tolerance "
                    "10⁻⁶): at x* = P2: Newton in 24 iterations; at P1 (-0.962, 0.936) (a "
                    "minimum with "
                    "f = 3.931, above f(x*) = 0), not at x*: L-BFGS in 49 iterations, BFGS in "
                    "67 iterations.")
    p1.value = 0.0  # a minimum tied with x* (Himmelblau's four): nothing to add
    assert "not at x*" not in report._runs_sentences(A)[0]
    assert "at x* = " not in report._runs_sentences(A)[0]


def test_runs_that_did_not_converge_are_named_together_by_how_they_stopped():
    """Kink and chained Rosenbrock p. 2: the Summary gave each run that did not converge its
    status and gradient, and “What failed” below it said the same of each, in the same words.
    The Summary now names the runs together by how they stopped, in the order of the runs,
    and leaves the gradients to “What failed”."""
    A = NS(cps=[], minimum=None, obj=NS(n=2), box=np.array([[-5.0, 5.0], [-5.0, 5.0]]))

    def run(label, status, nit, g):
        return report.MethodRun(label, label, {}, "defaults", result=NS(
            x=np.zeros(2), nit=nit, status=status, jac=np.array([g, 0.0]), criteria=[]))

    A.runs = [run("gd", "maxiter", 1000, 62.0), run("newton", "line_search_failed", 1, 4.81),
              run("adam", "maxiter", 1000, 29.3), run("bfgs", "line_search_failed", 4, 1.0),
              run("lbfgs", "line_search_failed", 4, 1.0)]
    (text,) = report._runs_sentences(A)
    assert text == ("Comparison runs from x₀ that did not converge (each with its ‖∇f‖∞ under "
                    "“What failed”): GD, Adam (stopped at the iteration limit of 1 000 "
                    "iterations); Newton (line search failed after 1 iteration); BFGS, L-BFGS "
                    "(line search failed after 4 iterations)."), text
    # and “What failed” gives each its gradient, as the status phrase does
    assert report._status_phrase(A.runs[0].result) == (
        "stopped at the iteration limit of 1 000 iterations, " + report.grad_text(
            A.runs[0].result))


def test_kink_wording_names_the_point_the_bound_and_no_gradient():
    """Kink report: the small-gradient table said 'nondifferentiable' for P1 and gave
    ‖∇f‖ = 0 at the kink (0, 0), where f has no gradient; the cycle reason read 'bound 2 lr
    G/(1-m)' with G undefined; 'x0', 'wolfe' and 'obj.critical_points' reached the page."""
    from analysis import compare
    from analysis.empirical import Measurement
    from analysis.theory.kink import predict_kink

    cps = [NS(point=(0.0, 0.0), differentiable=False), NS(point=(3.0, 3.0))]
    region = NS(critical_point="nondifferentiable", lower=(-1e-3, -1e-3), upper=(1e-3, 1e-3),
                point=(0.0, 0.0))
    assert report.region_critical_point(cps, region) == 0
    assert report.region_critical_point(cps, NS(critical_point=None)) is None
    p = predict_kink("gd", {"lr": 1.0}, 1.0)
    c = compare.compare(p, Measurement(kind="bounded", band=1.0, period=2))
    assert c.agree and ("2ηG/(1 − β) = 2 with the momentum β = 0; G = 1 is the largest "
                        "gradient norm") in c.note
    assert "lr G" not in c.note and "(1-m)" not in c.note
    assert report.prose("no step satisfied the wolfe conditions near x0") == \
        "no step satisfied the Wolfe conditions near x₀"
    assert report.prose("found by the numeric search of obj.critical_points") == \
        "found by the numeric search of the critical-point analysis"
    assert (report.yes_no(False), report.yes_no(True), report.yes_no(None)) == \
        ("no", "yes", "undecided")


def test_errors_measured_to_different_points_are_named_in_label_caption_and_tables():
    """bfgs and lbfgs converged to P1, newton to P3: the error axis, the caption and the
    per-step tables must say each run's errors are measured to its own limit, by name."""
    _NS = NS
    p1, p3 = np.array([-1.0, 1.0]), np.array([1.0, 1.0])
    cps = [_NS(point=p1, kind="minimum"), _NS(point=np.zeros(2), kind="saddle"),
           _NS(point=p3, kind="minimum")]
    st = {"newton": _NS(reference=p3), "bfgs": _NS(reference=p1),
          "lbfgs": _NS(reference=None, minimizer=p1)}
    # Rosenbrock p.11: 'error ‖xₖ − own x*‖' read awkwardly: the norm as on the other axes,
    # then that x* is each run's own (the caption names them)
    assert plots.error_ylabel(st) == plots.ERROR_LABEL_PER_RUN == \
        "error ‖xₖ − x*‖₂ (log), x* per run"
    assert plots.error_ylabel({"a": _NS(reference=p3), "b": _NS(reference=p3 + 1e-12)}) \
        == "error ‖xₖ − x*‖₂ (log)"
    text = report.error_points_text(st, cps)
    assert "x* = P3 = (1, 1) for newton" in text
    assert "x* = P1 = (-1, 1) for bfgs and lbfgs" in text
    assert report.error_points_text({"a": _NS(reference=p3), "b": _NS(reference=p3)}, cps) \
        == ""
    to = report.error_points(st, cps, titled=True)
    assert report.nw_title("bfgs", (47, 69), None, to["bfgs"]) == (
        "bfgs: errors and ratios per step to x* = P1 (-1, 1) (fit window k = 47–69)")


def test_a_per_step_title_breaks_between_words_at_a_narrow_column():
    """Chained Rosenbrock p. 8: "… of 0–68 to x* =" / "P1 = (−0.9621, 0.9357, 0.8807,
    0.7779, 0.6051)".  The title wrote x* as "P1 = (…)", whose signs bind the name to its
    coordinates: one piece wider than the column of two tables side by side, which
    ReportLab split where the line ran out.  The title names the point "P1 (…)", as prose
    does, and at every width of such a column its lines end between words of the title."""
    from analysis.pages import _flowables, markup

    ns = _flowables()
    p1 = np.array([-0.96206, 0.93574, 0.88071, 0.77788, 0.60509])
    assert report.point_name(p1, [NS(point=p1)]) == \
        "P1 = (-0.9621, 0.9357, 0.8807, 0.7779, 0.6051)"  # prose and captions keep the sign
    to = report.point_name(p1, [NS(point=p1)], titled=True)
    assert to == "P1 (-0.9621, 0.9357, 0.8807, 0.7779, 0.6051)"
    # a one-coordinate point prints bare: its name keeps the sign
    assert report.point_name(np.zeros(1), [NS(point=np.zeros(1))], titled=True) == "P1 = 0"
    title = report.nw_title("BFGS", (36, 69), None, to, shown=[0, 1, 2, 24, 46, 65, 66, 67, 68],
                            steps=list(range(69)), fitted=False)
    assert "to x* = P1 (-0.9621, 0.9357, 0.8807, 0.7779, 0.6051) (kind read" in title
    words = set(title.replace("-", "−").split())
    for width in range(220, 300, 10):
        para = ns.BalancedParagraph(markup(title), ns.style(8.2, weight="bold"))
        para.wrap(width, 1e6)
        bl = para.blPara
        lines = [" ".join(x[1]) if bl.kind == 0 else "".join(w.text for w in x.words)
                 for x in bl.lines]
        pieces = [w for ln in lines for w in ln.replace("\u00a0", " ").split()]
        assert set(pieces) <= words, (width, lines)
        assert not any(ln.replace("\u00a0", " ").rstrip().endswith("=") for ln in lines), lines


def test_sweep_runs_around_x_star_and_not_around_it_have_their_own_markers():
    """Himmelblau's η sweep: two bounded runs moved in a band around x*, one in a band away
    from it; the three were one kind of square.  Around x*: filled squares, not around:
    open squares, each named in the legend and in the caption."""
    lrs = np.geomspace(1e-3, 3e-2, 8)
    bnd = np.r_[np.zeros(5, bool), True, True, True]
    away = np.r_[np.zeros(7, bool), True]
    sweep = NS(lrs=lrs, final_error=np.r_[np.geomspace(1e-2, 1e-12, 5), 0.1, 0.2, 0.3],
               diverged=np.zeros(8, bool), bounded=bnd, band_away=away,
               predicted_threshold=0.01, observed_threshold=float(lrs[5]), steps=200,
               minimizer=np.array([3.584, -1.848]))
    ax = plots.plot_lr_sweep(sweep).axes[0]
    squares = [ln for ln in ax.get_lines() if ln.get_marker() == "s"]
    assert len(squares) == 2
    faces = {to_hex(ln.get_markerfacecolor()): ln for ln in squares}
    assert len(faces) == 2  # filled and open: different markers
    inner = faces["#ffffff"]
    filled = next(ln for c, ln in faces.items() if c != "#ffffff")
    assert list(inner.get_xdata()) == [lrs[7]]
    assert list(filled.get_xdata()) == list(lrs[5:7])
    assert "not around x*" in inner.get_label() and "(1 run)" in inner.get_label()
    assert "around x*" in filled.get_label() and "not around" not in filled.get_label()
    assert "(2 runs)" in filled.get_label()
    text = " ".join(report.unstable_steps_text(sweep))
    assert "around x* (filled squares)" in text and "not around x* (open squares)" in text


def test_an_ecdf_level_carried_on_is_visible_and_unlike_every_curve():
    """Himmelblau's ECDF: adam's curve is dotted, and the thin dotted line carrying its level
    on after its last success was lost.  The continuation is drawn in the method's colour,
    wider than the curves, pale (alpha < 1) and not in the dash pattern of its own curve,
    so that it shows and differs from the curve of every method (solid, dashed or
    dotted)."""
    from matplotlib.colors import to_rgba

    costs = {"gd": np.array([10.0, 30.0, 61.0]), "momentum": np.array([8.0, 20.0, 55.0]),
             "adam": np.array([40.0, 45.0, np.nan, np.nan])}
    ax = plots.plot_ecdf(costs).axes[0]
    curves = {lab: next(ln for ln in ax.lines if ln.get_label().startswith(lab + ":"))
              for lab in costs}
    flat = next(ln for ln in ax.lines if ln.get_label() == "_flat adam")
    assert list(flat.get_xdata()) == pytest.approx([45.0, ax.get_xlim()[1]])
    assert list(flat.get_ydata()) == pytest.approx([0.5, 0.5])  # 2 of adam's 4 starts
    assert to_hex(flat.get_color()) == to_hex(curves["adam"].get_color())
    assert flat.get_linewidth() > max(c.get_linewidth() for c in curves.values())
    alpha = flat.get_alpha() if flat.get_alpha() is not None else to_rgba(flat.get_color())[3]
    assert 0.25 <= alpha < 1.0
    assert flat.get_linestyle() != curves["adam"].get_linestyle()  # not adam's dots
    assert flat.get_zorder() < min(c.get_zorder() for c in curves.values())  # under them
    # adam ending last (Himmelblau: 98/100 at the largest cost) still shows its level
    ax = plots.plot_ecdf({"gd": costs["gd"], "adam": np.array([40.0, 90.0, np.nan])}).axes[0]
    flat = [ln for ln in ax.lines if ln.get_label() == "_flat adam"]
    assert len(flat) == 1 and flat[0].get_xdata()[0] == pytest.approx(90.0)
    assert flat[0].get_xdata()[1] == pytest.approx(ax.get_xlim()[1])
    assert ax.get_xlim()[1] > 90.0


# ---------------------------------------------------------------- ratio markers


def _shown_markers(ax):
    """(line, centre in points, size in points, hollow) of every ratio marker drawn."""
    fig = ax.figure
    fig.canvas.draw()
    scale = 72.0 / fig.dpi
    out = []
    for ln in ax.get_lines():
        if ln.get_gid() not in ("ratios", "ratios-around"):
            continue
        d = ln.get_transform().transform(np.column_stack(ln.get_data())) * scale
        for p in plots.marked_points(d, ln.get_markevery()):
            out.append((ln, p, ln.get_markersize(), ln.get_markerfacecolor() == "none"))
    return out


def test_ratio_markers_are_drawn_above_thin_theory_lines_and_show():
    """Quadratic p.8: cg's single ratio marker sat on its dashed bound line, and Rosenbrock
    p.11: gd's dense markers lay under its line at 0.99998.  The markers are drawn above
    the theory lines, which are thinner and lighter; a lone marker is large (≥ 4 × the
    line's width) and white-filled, so the line through it does not blend with it."""
    rho = 0.63451
    errors = {"newton": np.array([20.0, 1e-15]),
              "cg": np.array([20.0, 20.0 * rho, 1e-16]),
              "gd": 5.0 * 0.99998 ** np.arange(2000.0)}
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    plots.plot_error(errors, rates={"cg": rho, "gd": 0.99998},
                     windows={"gd": (100, 1999)}, fig=fig)
    axr = fig.axes[-1]
    theory = {round(float(ln.get_ydata()[0]), 5): ln for ln in axr.get_lines()
              if ln.get_gid() == "theory"}
    assert set(theory) == {rho, 0.99998}
    shown = _shown_markers(axr)
    for t in theory.values():
        assert t.get_linewidth() <= 1.0 and (t.get_alpha() or 1.0) < 1.0  # thin, light
    for ln, *_ in shown:
        assert ln.get_zorder() > max(t.get_zorder() for t in theory.values())
    cg = [m for m in shown if m[0].get_color() == plots.METHOD_COLORS["cg"]]
    assert len(cg) == 1 and cg[0][2] >= 4 * theory[rho].get_linewidth()
    assert cg[0][0].get_markerfacecolor() == "white"
    gd = [m for m in shown if m[0].get_color() == plots.METHOD_COLORS["gd"]]
    assert len(gd) >= 3  # some of gd's ratios show on its line
    assert plots.audit(fig) == []  # and the theory lines still show between them


def test_the_ratio_panel_draws_the_steps_of_the_fit_window_and_no_later_one():
    """Rosenbrock p.11: CG's fit window 85–86 (one step, ratio 7.4e−5, a jump into the floor
    band) drew a second marker, the ratio 0.45 of step 86, which lies past the window (a
    window a–b spans e_a … e_b, its steps are k = a … b − 1, as in the per-step tables)."""
    e = np.r_[5.0 * 0.99 ** np.arange(86.0), 2.2e-10, 9.7e-11, 4.5e-11]
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    plots.plot_error({"cg": e}, rates={"cg": 0.96586}, windows={"cg": (85, 86)}, fig=fig)
    lines = [ln for ln in fig.axes[-1].get_lines() if ln.get_gid() in ("ratios",
                                                                       "ratios-around")]
    ks = sorted({float(k) for ln in lines for k in ln.get_xdata()})
    assert ks == [85.0]
    ys = [float(y) for ln in lines for y in ln.get_ydata()]
    assert max(ys) == pytest.approx(2.2e-10 / e[85])


def test_equal_ratio_markers_of_two_series_are_nested_not_hidden():
    """Quadratic p.8: gd's ratio at k = 0 equals momentum's (the first momentum step is a
    gradient step), and gd's marker lay under momentum's.  The later marker is drawn
    larger and hollow around the earlier one: every pair of markers of two series whose
    centres lie within half the smaller size is nested, the outer one at least 1.5 × the
    inner one's size."""
    k = np.arange(300.0)
    gd = np.r_[10.0, 6.5 * 0.95 ** k]  # e₁/e₀ = 0.65 for both
    momentum = np.r_[10.0, 6.5 * 0.91 ** k]
    fig = Figure(figsize=(6.4, 3.2), layout="constrained")
    plots.plot_error({"gd": gd, "momentum": momentum}, rates={"gd": 0.95, "momentum": 0.91},
                     windows={"gd": (0, 299), "momentum": (0, 299)}, fig=fig)
    shown = _shown_markers(fig.axes[-1])
    first = [m for m in shown if abs(m[1][0] - min(s[1][0] for s in shown)) < 0.1]
    assert len(first) == 2  # both k = 0 markers are drawn
    pairs = 0
    for i, (la, pa, sa, _) in enumerate(shown):
        for lb, pb, sb, hb in shown[i + 1:]:
            if la.get_color() == lb.get_color():
                continue
            d = float(np.hypot(*(pa - pb)))
            if d < 0.5 * min(sa, sb):  # one would (mostly) cover the other
                pairs += 1
                small, big = sorted((sa, sb))
                assert big >= 1.5 * small + 2 * d
                outer = (la, pa, sa, _) if sa > sb else (lb, pb, sb, hb)
                assert outer[0].get_markerfacecolor() == "none"  # the inner one shows
    assert pairs >= 1


# ---------------------------------------------------------------- overlapping paths


def test_a_path_under_later_paths_is_found_by_the_length_it_shares():
    """Over the box −5…5: a runs along y = 0 from x = −4 to 0, b along y = 0 from −2 to 0
    (drawn after a: half of a's length lies under b), c parallel to a at y = 0.5 (5 % of
    the box's side away: beside it, not on it)."""
    t = np.linspace(0.0, 1.0, 50)[:, None]
    a = np.hstack([-4.0 + 4.0 * t, 0.0 * t])
    b = np.hstack([-2.0 + 2.0 * t, 0.0 * t])
    c = np.hstack([-4.0 + 4.0 * t, 0.5 + 0.0 * t])
    box = [(-5.0, 5.0), (-5.0, 5.0)]
    assert plots.hidden_paths({"a": a, "b": b}, box) == ["a"]  # b is on top
    assert plots.hidden_paths({"b": b, "a": a}, box) == ["b"]  # all of b lies under a
    assert plots.hidden_paths({"a": a, "c": c}, box) == []
    assert plots.hidden_paths({"a": a, "b": b}, box, share=0.6) == []  # a: half hidden


def test_contour_paths_that_overlap_are_drawn_as_small_multiples():
    """Quadratic 0.1x² + 2y², p.7: gd's path lay under cg's along y = 0 and no zoom set
    them apart.  Paths that overlap are drawn one panel per method, on shared equal-aspect
    axes over the same box, each panel showing its own path only."""
    def f(x):
        return 0.1 * x[..., 0] ** 2 + 2.0 * x[..., 1] ** 2

    x0 = np.array([-4.5, -4.8])
    gd = [x0]
    for _ in range(120):
        gd.append(gd[-1] - 0.24 * np.array([0.2, 4.0]) * gd[-1])
    paths = {"gd": np.array(gd), "newton": np.array([x0, [0.0, 0.0]]),
             "cg": np.array([x0, [-4.5 + 0.0, 0.0], [0.0, 0.0]])}
    box = [(-5.0, 5.0), (-5.0, 5.0)]
    assert plots.paths_overlap(paths, box) == ["gd"]
    fig = plots.plot_contour(f, box, paths, [{"point": [0.0, 0.0], "kind": "minimum"}])
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == 3
    for ax, label in zip(panels, paths, strict=True):
        drawn = [ln.get_label() for ln in ax.get_lines() if ln.get_label().endswith(" path")]
        assert drawn == [f"_{label} path"]
        assert ax.get_aspect() == 1.0
        assert ax.get_xlim() == panels[0].get_xlim() and ax.get_ylim() == panels[0].get_ylim()
    assert plots.audit(fig) == []
    one = plots.plot_contour(f, box, {"gd": paths["gd"], "newton": paths["newton"]})
    assert len([ax for ax in one.axes if ax.get_label() != "<colorbar>"]) == 1  # apart


def test_zoomed_small_multiples_keep_an_overview_of_the_whole_box():
    """Himmelblau, p.8: the paths ran to one of four minima in a corner of the box, so the
    small multiples showed only the zoom window and the caption's "each of the 4 basins
    shows" described nothing drawn.  Zoomed small multiples now start with a panel of the
    whole box holding every path, the critical points and the zoom window dashed; the path
    panels keep the window's shared limits, and the legend names each kind once."""
    def f(x):
        return (x[..., 0] ** 2 + x[..., 1] - 11) ** 2 + (x[..., 0] + x[..., 1] ** 2 - 7) ** 2

    x0, xs = np.array([1.37, -2.3]), np.array([3.584428, -1.848126])
    t = np.linspace(0.0, 1.0, 30)[:, None]
    line = x0 + t * (xs - x0)
    paths = {"gd": line, "cg": line.copy(), "newton": np.array([x0, xs])}
    box = [(-5.0, 5.0), (-5.0, 5.0)]
    cps = [{"point": [3.0, 2.0], "kind": "minimum"}, {"point": list(xs), "kind": "minimum"},
           {"point": [-0.270845, -0.923039], "kind": "maximum"}]
    assert plots.needs_zoom(paths.values(), box) and plots.paths_overlap(paths, box, True)
    window = plots.contour_view(paths, box, True)
    fig = plots.plot_contour(f, box, paths, cps)
    panels = [ax for ax in fig.axes if ax.axison]
    whole, own = panels[0], panels[1:]
    assert len(own) == 3
    m = plots.BOX_MARGIN * 10.0  # the white margin around the box
    assert whole.get_xlim() == pytest.approx((-5.0 - m, 5.0 + m))
    assert whole.get_ylim() == pytest.approx((-5.0 - m, 5.0 + m))
    drawn = {ln.get_label() for ln in whole.get_lines() if ln.get_label().endswith(" path")}
    assert drawn == {f"_{k} path" for k in paths}
    dashed = [p for p in whole.patches if isinstance(p, Rectangle) and p.get_linestyle()
              == "--"]
    assert len(dashed) == 1
    assert np.allclose(dashed[0].get_xy(), window[:, 0])
    assert np.isclose(dashed[0].get_width(), np.ptp(window[0]))
    for ax in own:
        pad = plots.BOX_MARGIN * np.ptp(window, axis=1)
        assert np.allclose(ax.get_xlim(), window[0] + [-pad[0], pad[0]])
        assert np.allclose(ax.get_ylim(), window[1] + [-pad[1], pad[1]])
        assert ax.get_aspect() == 1.0
    labels = [t.get_text() for lg in fig.legends + [a.get_legend() for a in fig.axes
                                                     if a.get_legend()] for t in lg.texts]
    kinds = [plots._legend_kind(t) for t in labels]
    assert "minimum" in kinds and len(kinds) == len(set(kinds))
    assert plots.audit(fig) == []
    assert plots.paths_grid_height(3, window, box) > plots.paths_grid_height(3, window)


def test_a_gap_that_levels_off_above_zero_is_explained():
    """Rosenbrock p. 10: the objective gaps of bfgs and lbfgs go flat near 3.9 with no word
    why: they converged to the local minimum P1 (f = 3.931, above f* = 0)."""
    lo, hi = NS(point=np.array([1.0, 1.0]), kind="minimum", value=0.0), \
        NS(point=np.array([-1.0, 1.0]), kind="minimum", value=3.931)
    A = NS(cps=[lo, hi], minimum=lo, box=np.array([[-2.0, 2.0], [-2.0, 2.0]]), obj=NS(n=2))
    runs = [report.MethodRun(lab, lab, {}, "defaults", result=NS(x=x)) for lab, x in
            [("gd", np.array([1.0, 1.0])), ("bfgs", np.array([-1.0, 1.0 + 1e-9])),
             ("lbfgs", np.array([-1.0, 1.0]))]]
    assert report.level_off_text(A, runs) == (
        "  The gaps of BFGS and L-BFGS level off at 3.931: they ended at P2, a minimum with "
        "f = 3.931 above f* = 0.")
    assert report.level_off_text(A, runs[:2]).startswith("  The gap of BFGS levels off at")
    assert report.level_off_text(A, runs[:1]) == ""


def figure_texts(block):
    """Every text a document's figure draws (titles, legends, axis labels), drawn at its
    slot's size."""
    from matplotlib.text import Text

    fig = Figure(figsize=(block.width / 72.0, block.fig_height / 72.0), layout="constrained")
    block.draw_fn(fig)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


#: a method's code name as a word of its own (``gd``, ``lbfgs``; not inside ``L-BFGS``)
CODE_NAME = r"(?<![\w-])({})(?![\w-])"


def test_report_figures_name_the_methods_by_their_labels(monkeypatch, tmp_path):
    """The figures printed the code names (legends "lbfgs (12 it.)", panel titles, captions
    "the paths of gd and lbfgs") where the tables print the labels GD and L-BFGS: every
    legend, title and caption names a method by its label, and each label is drawn."""
    import re

    from optimizers.registry import label

    docs = []
    monkeypatch.setattr(report.Builder, "write", lambda self, path: docs.append(self.doc))
    methods = ["gd", "lbfgs", "adam"]
    report.build_report("x**2 + 2*y**2", tmp_path / "r.pdf", methods=methods)
    (doc,) = docs
    code = re.compile(CODE_NAME.format("|".join(methods)))
    figs = doc.figures()
    assert {"trajectories", "gradient norm", "many starts"} <= {b.label for b in figs}
    for block in figs:
        texts = figure_texts(block)
        bare = [t for t in [*texts, block.caption] if code.search(t)]
        assert bare == [], block.label
        if block.label in ("trajectories", "gradient norm", "many starts"):
            for m in methods:
                assert any(label(m) in t for t in texts), (block.label, label(m))
    errors = [b for b in figs if b.label.startswith("error")]
    assert errors and any("L-BFGS" in t for b in errors for t in figure_texts(b))
    assert any("L-BFGS" in b.caption for b in errors)
    # the small-gradient note names its numerical methods as the pages do, not as SciPy does
    # (its account of how the region bounds are computed is a note of the regions' table)
    text = " ".join([str(getattr(b, "text", "")) for b in doc.blocks]
                    + [str(n) for b in doc.blocks for n in getattr(b, "notes", None) or ()])
    assert f"by {report.SOLVER_NAMES['SLSQP']} on" in text and "SLSQP on" not in text


def test_sweep_caption_says_why_steps_below_the_threshold_diverged():
    """Rosenbrock p. 13: 10 of the 13 diverged steps lay below the predicted 2/L = 0.001213
    (L at x*) and the caption did not say why; the Summary did: at x₀ the largest curvature
    gives a far smaller 2/λ₀.  The caption says it from the same values."""
    lrs = np.geomspace(1e-5, 1e-2, 10)
    thr = 2.0 / 1649.0
    diverged = lrs > 1e-4
    H0 = np.diag([29111.0, 3.0])  # λ_max(∇²f(x₀)) = 29111: 2/λ₀ = 6.87e-05
    A = NS(x0=np.zeros(2), obj=NS(hess=lambda x: H0))
    sw = NS(predicted_threshold=thr, lrs=lrs, not_convergent=diverged, diverged=diverged,
            hessian_constant=False)
    below = int(np.sum(diverged & (lrs < thr)))
    assert 0 < below < int(diverged.sum())
    text = report.sweep_local_text(A, sw)
    assert (f"{below} of the {int(diverged.sum())} diverged steps lie below the predicted "
            f"threshold {report.fmt_num(thr)}: the prediction is local") in text
    assert (f"λ_max(∇²f(x₀)) = {report.fmt_num(29111.0)}, so 2/λ_max(∇²f(x₀)) = "
            f"{report.fmt_num(2.0 / 29111.0)} is smaller, and every one of them lies above it"
            ) in text
    # the Summary's verdict rests on the same curvature at x₀
    sw.observed_threshold, sw.brackets_prediction = lrs[diverged][0], lambda: False
    assert f"2/λ_max(∇²f(x₀)) = {report.fmt_num(2.0 / 29111.0)}" in report._sweep_verdict(A, sw)
    # nothing to explain: every failing step lies above the threshold, or f is quadratic
    sw.not_convergent = sw.diverged = lrs > thr
    assert report.sweep_local_text(A, sw) == ""
    sw.not_convergent, sw.hessian_constant = diverged, True
    assert report.sweep_local_text(A, sw) == ""


def test_a_zoomed_ecdf_gives_one_range_in_its_title_and_its_caption():
    """Kink p. 7: the title said "y zoomed to 0–0.057" and the caption "the y axis is zoomed
    to that range" after "No curve rises above 0.05": one range, printed from one place."""
    from analysis.pages import Document

    low = np.r_[np.arange(1.0, 6.0), np.full(95, np.nan)]  # 5 of 100 starts: 0.05
    ecdf = {"bfgs": low, "cg": np.r_[np.arange(1.0, 3.0), np.full(98, np.nan)]}
    zoom = plots.ecdf_zoom(ecdf)
    assert zoom == pytest.approx(1.15 * 0.05)
    shown = f"0–{1.15 * 0.05:.2g}"
    assert shown == "0–0.057"
    d = Document("t")
    study = NS(X0=np.zeros((100, 2)), target=1e-6, target_tol=1e-6,
               runs={"bfgs": NS(status=np.array(["converged"] * 5), reached=None, gtol=1e-6)})
    report._ecdf_figure(d, study, ecdf, "ecdf")
    block = d.blocks[-1]
    assert (f"No curve rises above 0.05: the y axis is zoomed to {shown}, just above it (1 is "
            "off the axis).") in block.caption
    fig = plots.plot_ecdf(ecdf)
    assert f"(y zoomed to {shown})" in fig.axes[0].get_title()


def test_a_panel_legend_stays_under_its_axis_label_when_the_figure_shrinks():
    """Kink report: the gradient-norm figure shrank to 0.75 to keep the closing notes on its
    page, and each panel's legend, placed 0.2 of the panel's height below it, then covered
    the axis label 'iteration k' (3.4 pt of overlap).  The legend now hangs a fixed
    PANEL_LEGEND_DROP below the panel, under the label at any height."""
    norms = {"newton": np.r_[4.8, 4.8], "cg": np.r_[4.8, 1.0, 1.0],
             "gd": np.r_[4.8, np.ones(1000)], "adam": np.r_[np.linspace(4.8, 1.1, 72),
                                                            np.ones(929)]}
    for scale in (1.0, 0.75, 0.6):
        fig = plots.plot_grad_norm(norms, gtol=1e-6, figsize=(plots.FIGSIZE[0],
                                                              plots.FIGSIZE[1] * scale))
        r = plots._renderer(fig)
        for ax in fig.axes:
            label = ax.xaxis.label.get_window_extent(r)
            legend = ax.get_legend().get_window_extent(r)
            assert legend.y1 < label.y0, (scale, legend.y1, label.y0)


def test_the_runs_table_prints_every_final_f_and_gradient_to_its_digits():
    """Quadratic p. 4: BFGS's final f 7.362599e−13 read "7.3626e−13" and kink p. 5 GD's
    0.5899999999999999 read "0.59" among six-digit rows (0.177302, 0.256667): the column
    dropped trailing zeros.  Kink p. 5: the ‖∇f‖∞ column read "1.00" where the text beside it
    said "‖∇f‖∞ = 1".  Every final f shows 6 significant digits, and the text prints ‖∇f‖∞ as
    the column does."""
    from landscape.objective import Objective

    def run(label, fun, jac):
        res = NS(status="maxiter", nit=1000, nfev=1001, njev=1001, nhev=0, fun=fun,
                 jac=np.asarray(jac, float), x=np.array([0.3, 2.0]), hyper={}, criteria=[],
                 to_json=lambda: {})
        return NS(shown=label, label=label, method="gd", why="defaults", hyper={}, result=res)

    funs = {"GD": 0.5899999999999999, "BFGS": 7.362599e-13, "CG": 0.1773015873015873}
    runs = [run(k, v, [1.0, -0.25]) for k, v in funs.items()]
    A = NS(runs=runs, x0=np.array([1.0, 2.0]), x0_how="as given", cps=None, curvature=None,
           obj=Objective.parse("0.1*x**2 + 2*y**2"), box=np.array([[-5.0, 5.0], [-5.0, 5.0]]))
    b = report.Builder("t")
    report._optimizers(b, A)
    table = next(t for t in b.doc.blocks if getattr(t, "title", "") == "Runs from the same start")
    heads = [c.header for c in table.columns]
    f_col, g_col = heads.index("final f"), heads.index("‖∇f‖∞")
    m = report.mark("x", "measured").removeprefix("x")  # the marker ᵐ
    got = {r[0]: (r[f_col].removesuffix(m), r[g_col].removesuffix(m)) for r in table.rows}
    assert got == {"GD": ("0.590000", "1.00"), "BFGS": ("7.36260e-13", "1.00"),
                   "CG": ("0.177302", "1.00")}
    assert all(f"{v:#.6g}" == got[k][0] for k, v in funs.items())
    text = report._status_phrase(runs[0].result)
    assert text.endswith(f"‖∇f‖∞ = {got['GD'][1]}"), text


def test_a_run_message_prints_the_final_gradient_as_the_runs_table_does():
    """Kink p. 2: "What failed" read "without meeting the tolerances (‖∇f‖∞ = 1)" (the
    optimizer's message) beside the table's 1.00: the message prints it as the table."""
    from optimizers import _layout as L
    from optimizers import driver

    r = np.zeros(max(L.R_GNORM, L.R_FCHANGE, L.R_XCHANGE) + 1)
    for g, shown in ((1.0, "1.00"), (4.80785, "4.81"), (8.5e-4, "0.000850")):
        r[L.R_GNORM] = g
        assert f"{g:#.3g}" == shown
        msg = driver._message(L.ST_MAXITER, 0, r, 1000, {"K": 1000})
        assert msg.endswith(f"(‖∇f‖∞ = {shown})"), msg
        res = NS(jac=np.array([0.0, -g]), status="maxiter", nit=1000)
        assert report.grad_text(res) == f"‖∇f‖∞ = {shown}"


def test_rows_of_the_error_figure_get_their_heights_by_what_they_hold():
    """Chained Rosenbrock p. 13: the short-runs row (Adam alone, one legend entry) took half
    the figure while the long-runs row, whose ten-entry legend holds the runs the verdicts
    rest on, had its error and ratio panels squeezed into a strip.  Each row now gets what
    its title, labels and legend need, and its axes a share by weight: 2 for the row with a
    ratio panel, 1 for Adam's errors alone, so the long row's axes are twice as tall."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from analysis import plots

    def study(errors, rate):
        return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
                  reference=np.zeros(1), minimizer=np.zeros(1),
                  prediction=NS(kind="linear" if rate else "none", rate=rate, order=None,
                                exact=True),
                  measurement=NS(kind="linear", window=(200, 2000), finite_steps=None))

    k = np.arange(20001)
    studies = {"adam": study(10.0 / (1 + np.arange(1001)) ** 0.2, None),
               "gd": study(np.maximum(0.9995 ** k, 1e-17), 0.9995),
               "momentum": study(np.maximum(0.9988 ** k, 1e-17), 0.9988),
               "nesterov": study(np.maximum(0.9958 ** k, 1e-17), 0.9958)}
    assert len(plots.rate_study_groups(studies)) == 2
    fig = Figure(figsize=(6.8, 500 / 72), layout="constrained", dpi=72)
    plots.plot_rate_studies(studies, fig=fig)
    FigureCanvasAgg(fig).draw()
    short, long = fig.subfigs
    h_short = max(a.get_window_extent().height for a in short.axes)
    h_long = max(a.get_window_extent().height for a in long.axes)
    assert len(short.axes) == 1 and len(long.axes) > 1  # errors alone; errors and ratios
    assert h_long == pytest.approx(2 * h_short, rel=0.05), (h_short, h_long)
    assert short.bbox.height < 0.4 * fig.bbox.height  # a third or so, not half
    # the long row's legend (its runs, their theory lines, the fit window) is the longer
    legend = {id(sf): sum(len(lg.get_texts()) for lg in sf.legends) for sf in fig.subfigs}
    assert legend[id(long)] > legend[id(short)]
    assert long.bbox.height > short.bbox.height
