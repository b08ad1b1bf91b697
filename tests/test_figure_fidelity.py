"""Figure properties: one label size per figure, ECDF markers where their curves are, curves
drawn at their data, and document numbers with the document's minus sign."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis import plots_lecture


def _fig(height: float = 4.0) -> Figure:
    return Figure(figsize=(6.8, height), layout="constrained")


def test_every_axis_label_of_the_schedules_figure_has_one_size():
    """Study p. 32: the right panels' y label "ratio" was set at 7 pt beside the 9 pt labels
    of the other axes (y of the left panel, x of every panel)."""
    k = np.arange(1, 201)
    t = {"a": 0.05 + 4.0 / k, "b": 1.0 / k}
    m = {n: v * (1 + 0.01 * np.sin(k)) for n, v in t.items()}
    fig = plots_lecture.plot_decay_vs_constant(k, m, t, runs=2000, fig=_fig())
    labels = [lab for a in fig.get_axes() for lab in (a.xaxis.label, a.yaxis.label)
              if lab.get_text()]
    assert "ratio" in [lab.get_text() for lab in labels]
    assert len(labels) >= 4
    assert {lab.get_fontsize() for lab in labels} == {labels[0].get_fontsize()}


def test_a_documents_findings_print_with_the_documents_minus_sign(capsys):
    """The chained-Rosenbrock report's note read "(-0.557468, 0.324740, …)" where the
    document prints "(−0.557468, …)": the note is a sentence of the document, its signed
    numbers take "−" (U+2212); a formula's subtraction keeps its hyphen, JSON its "-"."""
    import json
    from types import SimpleNamespace as NS

    from analysis import cli

    finding = ("the run ended at (-0.557468, 0.324740, -1.5e-07) of relu(y-1) "
               "after 1 000 iterations")
    result = NS(summary=lambda: "wrote x.pdf", findings=[finding], pdf="x.pdf",
                json="x.json", csv="x.csv", pages=1, seconds=1.0, failures=[])
    cli._report_summary(result, False)
    out = capsys.readouterr().out.splitlines()
    assert out == ["wrote x.pdf", "note: the run ended at (\u22120.557468, 0.324740, "
                   "\u22121.5e\u221207) of relu(y-1) after 1 000 iterations"]
    cli._report_summary(result, True)
    assert json.loads(capsys.readouterr().out)["findings"] == [finding]


def _curve(ax, label):
    return next(ln for ln in ax.lines if ln.get_label().startswith(label + ":"))


def _drawn_data(ax, ln):
    """The points of ``ln`` as drawn, back in the data coordinates of ``ax``."""
    return ax.transData.inverted().transform(ln.get_transform().transform(ln.get_xydata()))


def _riser_at(ax, ln, level):
    """The data x of the riser where the drawn step curve ``ln`` (where='post') goes from
    below ``level`` to ``level`` or above: the x of its first point at or above it."""
    xy = _drawn_data(ax, ln)
    return float(xy[np.argmax(xy[:, 1] >= level - 1e-12), 0])


def test_ecdf_curve_markers_sit_on_data_points_only():
    """Kink p. 8: L-BFGS (2 of 100 starts solved) had its marker at fraction 0, on the
    curve's foot, where no start is solved; CG's and BFGS's sat on their data points (the
    tops of their risers).  Every marker is now at a data point (x_k, k/N), k ≥ 1."""
    from analysis import plots

    n = 100
    nan = np.full(n, np.nan)
    costs = {f"m{j}": nan.copy() for j in range(5)}  # methods that solved nothing
    costs["BFGS"] = np.r_[62.7, 64.1, 70.0, 70.0, 77.2, nan[5:]]
    costs["L-BFGS"] = np.r_[61.2, 72.9, nan[2:]]
    costs["CG"] = np.r_[53.9, 56.8, nan[2:]]
    fig = plots.plot_ecdf(costs, fig=_fig())
    ax = fig.axes[0]
    for label in ("BFGS", "L-BFGS", "CG"):
        ln = _curve(ax, label)
        marked = plots.marked_points(ln.get_xydata(), ln.get_markevery())
        solved = np.sort(costs[label][np.isfinite(costs[label])])
        levels = np.arange(1, solved.size + 1) / n
        assert marked.size
        for x, y in marked:  # a data point: the k-th smallest cost at k/N
            k = int(np.searchsorted(solved, x, side="right"))
            assert y > 0 and y == levels[k - 1], (label, x, y)


def _two_methods(n: int = 100):
    rng = np.random.default_rng(3)
    newton = np.r_[rng.uniform(2.0, 10.9, 49), [11.0], rng.uniform(12.0, 200.0, 40),
                   np.full(n - 90, np.nan)]
    bfgs = np.r_[rng.uniform(5.0, 20.0, 49), [20.25], rng.uniform(21.0, 300.0, 40),
                 np.full(n - 90, np.nan)]
    same = np.r_[rng.uniform(2.0, 10.9, 49), [11.0], rng.uniform(12.0, 200.0, 40),
                 np.full(n - 90, np.nan)]
    return {"BFGS": bfgs, "GD": same, "momentum": same.copy(), "Newton": newton}


def test_ecdf_markers_at_one_half_are_on_their_curves_riser():
    """The black-edged marker where a curve reaches ½ sits where the drawn curve crosses ½:
    with the curves drawn apart (campaign p. 2) each curve was shifted right (up to 7.2 pt)
    off its marker."""
    from analysis import plots

    costs = _two_methods()
    fig = plots.plot_ecdf(costs, apart=True, half=True, fig=_fig())
    ax = fig.axes[0]
    fig.canvas.draw()
    marks = {ln.get_label().removeprefix("_half "): ln for ln in ax.lines
             if ln.get_gid() == "ecdf-half"}
    assert set(marks) == set(costs)
    for label, mk in marks.items():
        (x, _y), = mk.get_xydata()
        ln = _curve(ax, label)
        # the 50th smallest of the 100 costs: the step to 0.50 (where='post': its riser)
        assert x == np.sort(costs[label])[49]
        drawn = _drawn_data(ax, ln)
        cross = _riser_at(ax, ln, 0.5)
        assert abs(cross - x) <= 1e-9 * x, (label, cross, x)
        assert np.any(np.isclose(drawn[:, 0], x, rtol=1e-12) & (drawn[:, 1] == 0.5))


def test_campaign_curves_drawn_apart_keep_every_step_at_its_tabled_value():
    """Campaign p. 2: Newton's step to ½, tabled at a cost of 11.00, was drawn at about 13
    (its curve shifted 7.2 pt right so that coincident curves show).  The curves now keep
    their data and are told apart by width: each narrower than the one before it and drawn
    on top of it, so two identical curves both show."""
    from analysis import plots
    from analysis.campaign import report as cr

    costs = _two_methods()
    fig = plots.plot_ecdf(costs, apart=True, half=True, fig=_fig())
    ax = fig.axes[0]
    fig.canvas.draw()
    for label, v in costs.items():
        ln = _curve(ax, label)
        tabled = cr.half_solved_cost(v)
        assert abs(_riser_at(ax, ln, 0.5) - tabled) <= 1e-9 * tabled
        xy = ln.get_xydata()
        np.testing.assert_allclose(_drawn_data(ax, ln), xy, rtol=1e-12)  # every point
    gd, mom = _curve(ax, "GD"), _curve(ax, "momentum")
    # the identical curves: the later narrower and on top, a border of the earlier showing
    assert mom.get_linewidth() < gd.get_linewidth() and mom.get_zorder() > gd.get_zorder()
    widths = [_curve(ax, lab).get_linewidth() for lab in costs]
    assert widths == plots.curve_widths(4)
    np.testing.assert_allclose(widths, [3.4, 2.6, 1.8, 1.0], rtol=1e-12)
    assert plots.ecdf_apart_text(costs, half=True) == (
        "  So that curves lying on one another all show, each is drawn on top of the one "
        "before it in the legend and 0.8 pt narrower (from 3.4 pt to 1 pt), every step at "
        "its value; a black-edged marker at ½ shows where each curve reaches ½ (markers "
        "that would overlap are set just above and below ½).")


def _theory_spans(fig):
    """(colour, (x₀, x₁) as drawn in data coordinates) of each theory line of each ratio panel
    (the axes whose y label names the ratio e_(k+1)/e_k)."""
    import matplotlib as mpl

    out = []
    for ax in fig.axes:
        if "e_(k+1)" not in ax.get_ylabel() and "e₍ₖ₊₁₎" not in ax.get_ylabel():
            continue
        ax.get_xlim()
        for ln in ax.lines:
            if ln.get_gid() == "theory":
                x = _drawn_data(ax, ln)[:, 0]
                out.append((mpl.colors.to_hex(ln.get_color()), (float(x.min()), float(x.max())),
                            ax.get_xlim()))
    return out


def test_theory_lines_of_ratio_panels_span_their_fit_windows_only():
    """Study p. 25: heavy ball's dashed ρ line (window k = 102–173) ran across the whole
    ratio panel it shares with Nesterov (window 100–300), past its own window on both sides.
    Each theory line of a panel holding two or more now runs over the steps of its window
    only: a ≤ k ≤ b − 1 for the window a–b (the ratios e_(k+1)/e_k the window holds,
    :func:`analysis.plots.window_steps`); a panel's only line (gd's) runs across it."""
    import matplotlib as mpl

    k = np.arange(1500)
    rho = {"gd": 0.98, "hb": 0.82, "ne": 0.9}
    wobble = 1.0 + 0.01 * np.sin(k)
    errs = {"gd": rho["gd"] ** k * wobble, "hb": rho["hb"] ** k[:180] * wobble[:180],
            "ne": rho["ne"] ** k[:320] * wobble[:320]}
    wins = {"gd": (0, 1474), "hb": (102, 173), "ne": (100, 300)}
    fig = plots_lecture.plot_error_ratios(errs, rho, windows=wins, fig=_fig(4.5))
    colors = {mpl.colors.to_hex(plots_lecture.color(i)): name for i, name in enumerate(errs)}
    spans = _theory_spans(fig)
    assert sorted(colors[c] for c, _, _ in spans) == ["gd", "hb", "ne"]
    shared = {colors[c]: lim for c, _, lim in spans}
    assert shared["hb"] == shared["ne"]  # hb and ne share a panel, which runs to k = 299
    assert shared["gd"] != shared["hb"]  # gd's panel holds gd's line only
    for c, (x0, x1), lim in spans:
        if colors[c] == "gd":
            assert (x0, x1) == (pytest.approx(lim[0]), pytest.approx(lim[1]))
            continue
        a, b = wins[colors[c]]
        assert (x0, x1) == (pytest.approx(a), pytest.approx(b - 1)), colors[c]


def test_a_ratio_panels_only_theory_line_runs_across_it():
    """Rosenbrock report p. 13: CG's predicted ρ = 0.96586 was drawn over CG's 15-step window
    only (k = 71–85), among CG's own markers near 1, where it could not be seen; the
    panel's only theory line, it now runs across the panel, as the caption's "dashed
    horizontal line" says.  With two theory lines in the panel each keeps its window."""
    from analysis import plots

    k = np.arange(120)
    wobble = 1.0 + 0.05 * np.sin(k)
    errs = {"newton": np.r_[10.0 * 0.1 ** (2.0 ** np.arange(4) - 1), np.zeros(2)],
            "cg": 10.0 * 0.97 ** k * wobble}
    for rates in ({"cg": 0.96586}, {"cg": 0.96586, "newton": 0.5}):
        wins = {"cg": (71, 86), "newton": (0, 3)}
        fig = plots.plot_error(errs, rates=rates, windows=wins, fig=_fig(4.5))
        spans = _theory_spans(fig)
        assert len(spans) == len(rates)
        for _, (x0, x1), lim in spans:
            if len(rates) == 1:
                assert (x0, x1) == (pytest.approx(lim[0]), pytest.approx(lim[1]))
            else:
                assert x1 - x0 < lim[1] - lim[0]
