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

from analysis import plots, report
from analysis.plots_lecture import markers_on_lines


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
            "0.37% above the band on −ln ρ, within the tolerance 1%; single ratios may lie "
            f"outside the band: of its {ratios.size} ratios in the window, {above} lie above "
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
    assert report.on_line_text(["gd"]) == (
        "  The measured markers of gd lie on its theory line: its ratios equal ρ to within a "
        "marker's size, so the series looks dashed.")
    assert report.on_line_text(["GD", "momentum"]).startswith(
        "  The measured markers of GD and momentum lie on their theory lines: their ratios")
    assert report.on_line_text([]) == ""
