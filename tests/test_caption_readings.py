"""Captions of the error figures as a reader takes them: what a shaded theory band was
tested with, which measured markers lie on their theory lines, what stopped each run of
the study's Rosenbrock rate studies, and which of two floors a sentence means."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace as NS

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis import plots, report, study
from analysis.plots_lecture import markers_on_lines
from optimizers.driver import Criterion


def _study(e, rho, window, comparison=None, rate=None):
    return NS(result=NS(path=np.asarray(e, float).reshape(-1, 1)), reference=np.zeros(1),
              minimizer=np.zeros(1),
              prediction=NS(kind="linear", rate=rho, order=None, exact=True),
              measurement=NS(kind="linear", window=window, finite_steps=None, rate=rate),
              comparison=comparison)


def test_the_band_caption_says_the_verdict_tested_one_fitted_rate_not_each_ratio():
    """Himmelblau p. 11: Nesterov's ratio panel shades the band [ρ, theory's average factor
    over the window] "that its verdict tested", and 10 of the 15 ratios lie above it, so
    the figure read as a failed test; the verdict compares the measured rate, one number
    fitted over the window, with the band within a tolerance (p. 5: 0.39% above it on
    −ln ρ, within 1%), which the caption did not say."""
    rho, a, b = 0.68377, 20, 40
    k = np.arange(61.0)
    e = (k + 1) * rho ** k  # a double root: ‖e_k‖ ≈ C (k + 1) ρᵏ
    eff = (e[b] / e[a]) ** (1.0 / (b - a))  # theory's average factor over the window
    rate = math.exp(0.9963 * math.log(eff))  # 0.37% above the band on −ln ρ
    assert (math.log(rate) - math.log(eff)) / -math.log(eff) == pytest.approx(0.0037)
    ratios = e[a + 1:b + 1] / e[a:b]  # the ratios of steps a … b − 1
    above = int(np.sum(ratios > eff))
    assert 0 < above < ratios.size and not np.any(ratios < rho)
    st = _study(e, rho, (a, b), NS(quantity="rate", rate_band=(rho, eff), verdict="agrees",
                                   tolerance=0.01), rate=rate)
    studies = {"Nesterov": st}
    panels = plots.rate_studies_panels(studies)
    assert [k for p in panels for k in p.bands] == ["Nesterov"]
    text = report.band_verdict_text(studies, panels)
    assert text.startswith("  Nesterov's verdict compares the band with its measured rate ")
    printed = float(re.search(r"measured rate (\d\.\d+)", text).group(1))
    assert printed == pytest.approx(rate, abs=1e-5)
    assert ("one number fitted over the whole window, not with each ratio: the rate lies "
            "above the band, 0.37% off it on −ln ρ, within the tolerance 1%; single ratios may "
            f"lie outside the band: of its {ratios.size} ratios in the window, {above} lie above "
            "it.") in text, text
    # the band caption names its upper end as theory's, not the ratios' average
    assert "the band from ρ to theory's average factor over the fit window" in \
        report.error_caption(panels)
    # a rate in the band: no distance, and no band at all: no sentence
    st.measurement.rate = 0.5 * (rho + eff)
    assert "the rate lies in the band; single ratios" in report.band_verdict_text(studies,
                                                                                  panels)
    st.comparison = NS(quantity="rate", rate_band=None, verdict="agrees", tolerance=0.01)
    assert report.band_verdict_text(studies, plots.rate_studies_panels(studies)) == ""


def test_markers_on_their_theory_line_are_named_only_when_they_lie_on_it():
    """Himmelblau p. 11: GD's and momentum's ratios equal ρ to four digits, so their markers
    sit on the dashed theory lines and the series look dashed; Nesterov's lie above its
    line.  The caption names the first, from the drawn figure."""
    k = np.arange(40.0)
    studies = {"gd": _study(5.0 * 0.6 ** k, 0.6, (2, 30)),  # every ratio is ρ
               "nesterov": _study((k + 1) * 0.5 ** k, 0.5, (10, 30))}  # above ρ by ≥ 3%
    r = studies["nesterov"].result.path.ravel()
    assert np.min(r[11:31] / r[10:30]) > 0.5 * 1.03
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    assert markers_on_lines(fig) == ["gd"]
    # quadratic p. 11: one ratio on its line is no series that looks dashed
    studies["gd"] = _study(5.0 * 0.6 ** k[:3], 0.6, (0, 2))
    fig = Figure(figsize=(8, 4))
    plots.plot_rate_studies(studies, fig=fig)
    assert markers_on_lines(fig) == []
    assert report.on_line_text(["gd"]) == (
        "  The measured markers of gd lie on its dashed theory line, within a marker's size "
        "on this axis, so the series looks dashed.")
    assert report.on_line_text(["GD", "momentum"]).startswith(
        "  The measured markers of GD and momentum lie on their dashed theory lines, within")
    assert report.on_line_text([]) == ""


def test_each_run_says_what_stopped_it():
    """Study p. 38: "each runs until its error reaches the rounding floor or the automatic
    iteration cap", while Newton, BFGS and L-BFGS went on past the floor: what stopped them
    (their gradient test with gtol = 0) was not said.  The runs' status, criteria and
    message say it."""
    conv = NS(nit=23, status="converged", message="converged: ‖∇f‖∞ = 0 ≤ gtol = 0",
              criteria=[Criterion("gtol", 0.0, 0.0, True), Criterion("ftol", 0.0, 1.0, False),
                        Criterion("xtol", 0.0, 1.0, False)])
    same = NS(**{**vars(conv), "nit": 40})
    ls = NS(nit=46, status="line_search_failed", criteria=[],
            message="line search failed: no step satisfied the wolfe conditions "
                    "(‖∇f‖∞ = 4.31e-14); keeping the best point found")
    cap = NS(nit=20000, status="maxiter", criteria=[], message="maxiter = 20000 …")
    text = study._stops_text({"Newton": conv, "BFGS": same, "CG": ls, "GD": cap}, 20000)
    assert text == ("Newton: 23 and BFGS: 40 (each stopped by its gradient test, ‖∇f‖∞ = 0 ≤ "
                    "gtol = 0); CG: 46 (stopped when its line search failed: no step "
                    "satisfied the Wolfe conditions, at ‖∇f‖∞ = 4.31e-14); GD: 20 000 "
                    "(stopped at the automatic iteration cap, 20 000 iterations)")
    xtol = NS(nit=9, status="converged", message="converged: step ‖Δx‖∞ = 1e-12 ≤ xtol = 1e-10",
              criteria=[Criterion("gtol", 0.0, 1e-3, False),
                        Criterion("xtol", 1e-10, 1e-12, True)])
    assert study._stop_text(xtol) == "stopped by its step test, step ‖Δx‖∞ = 1e-12 ≤ xtol = 1e-10"


def test_the_floor_sentence_gives_the_rounding_floor_its_value_and_the_runs_end_at_x_star():
    """Study p. 38: the caption's "rounding floor" had no value beside the legend's 3.1e−13,
    and "about ε·‖x*‖" read as a second floor; a run that went on past the floor to x*
    itself (error 0, not drawn on a log axis) was not said to."""
    floor = 1e3 * np.finfo(float).eps  # 10³·ε·max(1, ‖x*‖) on ‖x*‖ ≤ 1: 2.2e-13
    assert f"{floor:.1e}" == "2.2e-13"
    e = np.r_[10.0 ** -np.arange(20.0), 0.0]  # below the floor from k = 13, then x* itself
    text = report.floor_cut_text({"cg": e}, ends=True)
    assert text == ("  The curve is drawn until the error first falls below the rounding floor "
                    "10³·ε·max(1, ‖x*‖) = 2.2e-13 (that error a filled disc), where the ratios "
                    "e_(k+1)/e_k the rate is read on become rounding noise, so it ends before "
                    "its run's last iteration: at k = 13 of 20, and its run's last iterate is "
                    "x* itself (error 0, which a log axis cannot show).")
    one = report.floor_cut_text({"cg": e}, refs={"cg": np.ones(2)})
    assert ("the iterates' own rounding, about ε·‖x*‖ (the attainable accuracy, far below the "
            "rounding floor), still limits the errors") in one
    # a run that ends above zero says nothing of x*
    assert "x* itself" not in report.floor_cut_text({"cg": e[:-1]}, ends=True)


def test_rosenbrock_rate_study_caption_says_what_stopped_each_run():
    """Study p. 38 on the runs themselves: Newton, BFGS and L-BFGS stop at an exactly zero
    gradient (their last iterate is (1, 1) itself), CG at a failed line search, GD at the
    automatic cap; the caption says so, and no longer that each ran to the floor."""
    from analysis.report import Builder

    s = study.Study(Builder("caption readings"), quick=True)
    study.section_rosenbrock(s)
    (cap,) = [b.caption for b in s.doc.figures() if b.label == "rosenbrock errors"]
    assert "until its error reaches the rounding floor" not in cap
    runs = {label: s.studies[f"{s.section} / {label}"].result
            for label in ("Newton", "BFGS", "L-BFGS", "CG", "GD with η = 0.001")}
    zero = [k for k, r in runs.items()
            if np.all(np.asarray(r.x, float) == 1.0)]  # landed on (1, 1) exactly
    assert zero == ["Newton", "BFGS", "L-BFGS"]
    assert all(r.status == "converged" for k, r in runs.items() if k in zero)
    named = " and ".join([", ".join(f"{k}: {runs[k].nit}" for k in zero[:-1]),
                          f"{zero[-1]}: {runs[zero[-1]].nit}"])
    assert f"{named} (each stopped by its gradient test, ‖∇f‖∞ = 0 ≤ gtol = 0)" in cap, cap
    assert f"CG: {runs['CG'].nit} (stopped when its line search failed: " in cap
    assert runs["CG"].status == "line_search_failed"
    assert "GD with η = 0.001: 20 000 (stopped at the automatic iteration cap" in cap


def test_ratios_just_above_a_bound_on_a_log_ratio_axis_are_said_in_the_caption():
    """Study p. 38: CG's ratios 0.98–0.9996 lie above its dashed bound 0.96085, a factor at
    most 1.04, on a ratio axis of 10⁻⁵–10¹, where the markers seem to sit on the line; a
    student reads "CG meets its bound".  The caption names those ratios; on a linear axis,
    or for an exact rate, or with ratios at or below the bound, it says nothing."""
    rho = 0.96
    slow = 5.0 * np.cumprod(np.r_[1.0, np.full(12, 0.5), [0.99, 0.995, 0.97, 0.9]])
    fast = 10.0 * np.cumprod(np.r_[1.0, [0.5, 0.1, 1e-3, 1e-5, 1e-4]])
    cg = _study(slow, rho, (10, 16))
    cg.prediction.exact = False
    other = _study(fast, None, (0, 5))
    studies = {"CG": cg, "BFGS": other}
    panels = plots.rate_studies_panels(studies)
    kr, r = plots.study_drawn_ratios(cg)
    assert list(kr) == [10, 11, 12, 13, 14, 15]
    above = [(int(k), float(v)) for k, v in zip(kr, r, strict=True) if v > rho]
    assert [k for k, _ in above] == [12, 13, 14]  # 0.99, 0.995, 0.97 (0.9 is below ρ)
    text = report.hidden_above_text(studies, panels)
    # how many of the drawn ratios it names (study p. 38: "CG's 10 ratios" read as all)
    assert text == ("  3 of the 6 ratios drawn of CG, at k = 12–14, from 0.97 to 0.995, lie above "
                    "its dashed bound ρ = 0.96 by up to a factor 1.0365: too little to see on the "
                    "ratio panel's "
                    "log scale, where those markers seem to sit on the line; a bound is on the "
                    "asymptotic rate, so single steps may exceed it."), text
    # four decimals, rounded as a student recomputes them (Rosenbrock p. 13: 0.999654/0.96586
    # = 1.035 printed "at most 1.03"; study p. 38: 0.999573/0.96085 = 1.040301 printed
    # "at most 1.0404", rounded up)
    up = _study(5.0 * np.cumprod(np.r_[1.0, np.full(12, 0.5), [0.99358, 0.97, 0.9]]), rho,
                (10, 15))
    up.prediction.exact = False
    assert 1.0349 < 0.99358 / rho < 1.035  # fmt_num prints 1.03
    assert "by up to a factor 1.0350:" in report.hidden_above_text(
        {"CG": up, "BFGS": other}, plots.rate_studies_panels({"CG": up, "BFGS": other}))
    # one ratio: said in the singular (quadratic p. 11: "CG's 1 ratio at k = 0")
    one = _study(5.0 * np.cumprod(np.r_[1.0, np.full(12, 0.5), [0.97, 0.9]]), rho, (10, 14))
    one.prediction.exact = False
    text = report.hidden_above_text({"CG": one, "BFGS": other},
                                    plots.rate_studies_panels({"CG": one, "BFGS": other}))
    assert text == ("  1 of the 4 ratios drawn of CG, at k = 12, 0.97, lies above its dashed "
                    "bound ρ = 0.96 by a factor 1.01: too little to see on the ratio panel's "
                    "log scale, where its marker seems to sit on the line; a bound is on the "
                    "asymptotic rate, so single steps may exceed it."), text
    # another run's ratios on either side of CG's line are lost on it too (chained Rosenbrock
    # p. 13: BFGS's 0.97–0.99 under CG's 0.96586), and named with the line's run
    near = _study(10.0 * np.cumprod(np.r_[1.0, [0.95, 0.97, 1e-3, 1e-4]]), None, (0, 4))
    three = {"CG": up, "BFGS": near, "Newton": other}
    text = report.hidden_above_text(three, plots.rate_studies_panels(three))
    # how many of its drawn ratios, and whose line (chained Rosenbrock p. 13: "BFGS's 17
    # ratios" read as if BFGS had 17, compared with a rate it does not have)
    assert ("2 of the 4 ratios drawn of BFGS lie within a factor 1.12 of CG's dashed line, "
            "which says nothing of BFGS's rate") in text, text
    assert 0.96 / 0.95 < 10 ** 0.05 and 0.97 / 0.96 < 10 ** 0.05 < 0.96 / 0.5
    # two runs near one line: one clause (chained Rosenbrock p. 13 gave each its range, its
    # factor and "the line is CG's and says nothing of BFGS's rate", 25 lines of caption)
    four = {"CG": up, "BFGS": near, "L-BFGS": near, "Newton": other}
    text = report.hidden_above_text(four, plots.rate_studies_panels(four))
    assert ("2 of the 4 ratios drawn of BFGS and 2 of the 4 of L-BFGS lie within a factor "
            "1.12 of CG's dashed line, which says nothing of their rates") in text, text
    assert text.count("CG's dashed line") == 1
    # one of them: in the singular (quadratic p. 11: "1 of the 7 ratios drawn of L-BFGS,
    # from 0.69774 to 0.69774, lie")
    lone = _study(10.0 * np.cumprod(np.r_[1.0, [0.5, 0.97, 1e-3, 1e-4]]), None, (0, 4))
    two = {"CG": up, "BFGS": lone, "Newton": other}
    text = report.hidden_above_text(two, plots.rate_studies_panels(two))
    assert ("1 of the 4 ratios drawn of BFGS lies within a factor 1.12 of CG's dashed "
            "line, which says nothing of BFGS's rate") in text, text
    # alone, its ratios span less than a factor 100: a linear axis shows them apart
    assert report.hidden_above_text({"CG": cg}, plots.rate_studies_panels({"CG": cg})) == ""
    # an exact rate is no bound
    cg.prediction.exact = True
    assert report.hidden_above_text(studies, panels) == ""


def test_the_caption_says_where_a_theory_line_is_drawn_for_a_run_with_nothing_fitted():
    """Chained Rosenbrock p. 13: the caption drew CG's dashed slope "over the fit window or
    at least the run's last third", but CG had nothing fitted and its line ran over k = 57–86,
    the last third of the steps up to the end of the window its kind was read on (71–86),
    not of its run of 123 iterations.  The caption says where the line ends and what it
    spans, and the line drawn is that."""
    e = 5.0 * np.cumprod(np.r_[1.0, np.full(20, 0.9), [0.5, 0.1, 0.01, 1e-3], np.full(8, 0.99)])
    cg = _study(e, 0.9, (21, 25))
    cg.prediction.exact = False
    cg.measurement = NS(kind="superlinear", window=(21, 25), finite_steps=None, rate=None,
                        order=None, order_window=None, ratio_step=None)
    panels = plots.rate_studies_panels({"CG": cg})
    assert panels[0].windows == [] and panels[0].read == ["CG"]
    kk, _ = plots.offset_theory_line(plots.study_errors(cg), 0.9,
                                     plots.drawn_windows({}, {"CG": (21, 25)})["CG"])
    assert kk[-1] == 25 and kk[0] <= 25 - 25 // 3  # to the window's end, ≥ a third back
    cap = report.error_caption(panels)
    assert ("dashed, ending where the run's window ends, the fit window or where its kind was "
            "read, else at its last step, and spanning at least the last third of the steps up "
            "to there") in cap, cap
    assert "run's last third" not in cap


def test_a_yardstick_is_named_a_yardstick_in_the_figure_and_its_caption():
    """Chained Rosenbrock p. 13: the legend and caption called CG's ρ = 0.96586 a "bound"
    while the tables mark it ʸ, a yardstick: linear CG's bound, no theorem for a nonlinear
    CG run.  The ratio panel's label and the caption's sentence say "yardstick"."""
    from analysis.theory.cg import CG_BASIS

    rho = 0.96
    cg = _study(5.0 * np.cumprod(np.r_[1.0, np.full(12, 0.5), [0.99, 0.995, 0.97, 0.9]]), rho,
                (10, 16))
    cg.prediction.exact = False
    cg.prediction.basis = CG_BASIS
    other = _study(10.0 * np.cumprod(np.r_[1.0, [0.5, 0.1, 1e-3, 1e-5, 1e-4]]), None, (0, 5))
    studies = {"CG": cg, "BFGS": other}
    assert plots._rate_study_args(studies)[3] == {"CG": "yardstick ρ = 0.96"}
    text = report.hidden_above_text(studies, plots.rate_studies_panels(studies))
    assert "lie above its dashed yardstick ρ = 0.96 by up to a factor 1.0365" in text, text
    # linear CG's bound is on the error in the ∇²f-norm over k steps, not each step's
    # ratio (quadratic p. 11 said "proved for another case, on the asymptotic rate")
    assert text.endswith("; CG's ρ bounds linear CG's ∇²f-norm error over k steps, not each "
                         "step's ratio."), text
    cg.prediction.basis = ""
    assert plots._rate_study_args(studies)[3] == {"CG": "bound ρ = 0.96"}


def test_a_run_stopped_after_as_many_iterations_as_its_budget_rule_gives_says_its_budget():
    """Quadratic p. 11: "Newton 11 iterations (error at the floor; the run stopped: line
    search failed)" beside "BFGS 18, L-BFGS 18 iterations (the automatic budget: 10 steps
    past the first error at the floor)": Newton's floor at k = 1 plus 10 is 11, so a student
    could not tell which rule stopped it.  Such a run says the budget it stopped within;
    another stopped run, or one whose count no budget rule gives, says nothing more."""
    from analysis.rates import FLOOR_MARGIN

    def run(nit, floor, maxiter=200, status="line_search_failed"):
        return NS(result=NS(status=status, nit=nit),
                  measurement=NS(floor_index=floor, stalled=None, falling=None),
                  budget=NS(rule="first", maxiter=maxiter, capped=False))

    assert FLOOR_MARGIN == 10
    assert report._study_end(run(11, 1)) == (
        "error at the floor; the run stopped: line search failed, within its budget of 200 "
        "iterations")
    assert report._study_end(run(9, 1)) == ("error at the floor; the run stopped: line search "
                                            "failed")
    assert report._study_end(run(11, None)) == "stopped: line search failed, above the floor"
    assert report._study_end(run(11, 1, maxiter=11)) == (
        "error at the floor; the run stopped: line search failed")


def test_a_citation_in_the_nesterov_section_never_breaks_over_lines():
    """Study p. 24: the paragraph broke inside a book's title, "(Nesterov, Lectures on" /
    "Convex Optimization (2018) §2.2)"; each citation there is held on one line."""
    from analysis.pages import NBSP
    from analysis.report import Builder

    s = study.Study(Builder("titles"), quick=True)
    study.section_nesterov(s)
    text = " ".join(getattr(b, "text", "") for b in s.doc.blocks)
    for title in ("(Nesterov, Lectures on Convex Optimization (2018) §2.2)",
                  "(Polyak 1964; Introduction to Optimization (1987) §3.2.1)"):
        assert title.replace(" ", NBSP) in text, title
        assert title not in text  # no breakable space left in it
