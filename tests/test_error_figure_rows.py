"""An error figure whose runs are of very different lengths is set as one figure per row.

Chained Rosenbrock (n = 5): the two rows of its error figure ("short runs", Adam's errors
alone, and "long runs", errors beside a ratio panel and a long legend) made one figure of
about 688 pt with its caption, which could not follow the figure before it on p. 11 and
left the foot of that page a quarter blank.  Drawn as figures of their own, the short row
may go on the page before; each caption says what its own figure draws.
"""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis import plots, report

#: rounding floor of errors measured to x* = 0: 10³·ε
FLOOR = 1e3 * np.finfo(float).eps


def _study(errors, rate, window, nit):
    """A rate study whose path is its errors (x* = 0, one coordinate)."""
    return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1), nit=nit,
                        status="maxiter"),
              reference=np.zeros(1), minimizer=np.zeros(1),
              prediction=NS(kind="linear" if rate is not None else "none", rate=rate,
                            exact=True),
              measurement=NS(window=window, kind="linear", floor_index=None, stalled=None),
              comparison=None)


def _studies():
    """Short runs without theory (drawn alone: errors only) and long ones with a rate (a
    ratio panel), 40 against 400 iterations: two rows."""
    return {"short": _study(np.geomspace(1.0, 1e-3, 41), None, None, 40),
            "long": _study(0.97 ** np.arange(401), 0.97, (50, 350), 400)}


def _texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _lines(fig):
    """The data lines of a figure's axes: label, x and y values."""
    return sorted((ln.get_label(), tuple(np.asarray(ln.get_xdata(), float)),
                   tuple(np.asarray(ln.get_ydata(), float)))
                  for ax in fig.axes for ln in ax.lines)


def test_a_row_drawn_alone_is_that_row_of_the_whole_figure():
    st = _studies()
    assert plots.rate_study_groups(st) == [["short"], ["long"]]
    whole = plots.plot_rate_studies(st, title="Error", fig=Figure(figsize=(7, 8)))
    assert len(whole.subfigs) == 2
    for row, (word, n) in enumerate([("short", 40), ("long", 400)]):
        alone = plots.plot_rate_studies(st, title="Error", row=row,
                                        fig=Figure(figsize=(7, 4)))
        assert not alone.subfigs
        title = f"Error: {word} runs (drawn up to {n} iterations)"
        assert title in " ".join(_texts(alone)).replace("\n", " ")
        assert title in " ".join(_texts(whole.subfigs[row])).replace("\n", " ")
        # the same series, with the same values, as the row of the whole figure
        assert _lines(alone) == _lines(whole.subfigs[row])
        assert len(alone.axes) == len(whole.subfigs[row].axes) == (1 if row == 0 else 2)
    # 0.97^k falls below the floor after the 400 iterations drawn: the long run is whole
    assert 0.97 ** 400 > FLOOR


def test_row_zero_of_one_row_is_the_whole_figure():
    st = {"long": _studies()["long"]}
    one = plots.plot_rate_studies(st, title="Error: x", row=0, fig=Figure(figsize=(7, 4)))
    assert _lines(one) == _lines(plots.plot_rate_studies(st, title="Error: x",
                                                          fig=Figure(figsize=(7, 4))))


def test_each_row_caption_says_what_its_own_figure_draws():
    st = _studies()
    panels = plots.rate_studies_panels(st)
    first = report.error_caption([panels[0]], rows=(0, 2))
    second = report.error_caption([panels[1]], rows=(1, 2))
    assert "separate rows" not in first + second
    assert first.count("separate figures") == 1 and "separate figures" not in second
    assert first.endswith("Runs of very different lengths are in separate figures, each "
                          "with a linear iteration axis: the short runs here, the long runs "
                          "in the next figure.")
    # the short runs have no ratio panel, the long ones have
    assert "No ratio panel" in first and "Right:" not in first
    assert second.startswith("Left: measured error") and "Right: the measured ratio" in second
    whole = report.error_caption(panels)
    assert "separate rows" in whole and "separate figures" not in whole
    # Rosenbrock p. 11: "the long runs in the next figure" was read against the Newton
    # family's figure after it; the first caption names the methods its rows are of
    named = report.error_caption([panels[0]], rows=(0, 2), name="first-order methods")
    assert named.endswith("The runs of the first-order methods, of very different lengths, "
                          "are in separate figures, each with a linear iteration axis: the "
                          "short runs here, the long runs in the next figure.")
    three = report.error_caption([panels[0]], rows=(0, 3))
    assert three.endswith("the short runs here, the middle-length and long runs in the next "
                          "two figures.")


def _analysis(studies):
    """Runs of Adam (the short study) and GD (the long one), with no comparison paths."""
    runs = [report.MethodRun(m, m, {}, "", result=NS(nit=int(s.result.nit), path=None),
                             study=s)
            for s, m in zip(studies.values(), ("adam", "gd"), strict=True)]
    return NS(runs=runs, cps=None, basins=None, lr_sweep=None, vanishing=None, x0=None,
              box=None, obj=NS(n=2))


def test_a_report_sets_each_row_as_a_figure_short_runs_first():
    st = _studies()
    A = _analysis(st)
    b = report.Builder("rows")
    report._figures(b, A)
    assert not b.doc.render_failures
    figs = [f for f in b.doc.figures() if f.label.startswith("error ")]
    assert len(figs) == 2
    first, second = figs
    # each figure draws its own row: Adam's 40 iterations, then GD's 400
    assert "short runs (drawn up to 40 iterations)" in " ".join(
        _texts(first.draw_fn(Figure(figsize=(7, 3))))).replace("\n", " ")
    assert "long runs (drawn up to 400 iterations)" in " ".join(
        _texts(second.draw_fn(Figure(figsize=(7, 4))))).replace("\n", " ")
    assert "Adam 40 iterations" in first.caption and "GD" not in first.caption
    assert "GD 400 iterations" in second.caption and "Adam" not in second.caption
    assert "in separate figures" in first.caption and "separate" not in second.caption
    # a row of errors alone asks for less height than a row beside a ratio panel
    assert first.fig_height < second.fig_height == plots.error_rows_height(1)


def test_a_report_keeps_runs_of_similar_lengths_in_one_figure():
    st = {"short": _study(0.5 ** np.arange(41), 0.5, (5, 35), 40),
          "long": _study(0.7 ** np.arange(61), 0.7, (5, 55), 60)}
    b = report.Builder("one")
    report._figures(b, _analysis(st))
    figs = [f for f in b.doc.figures() if f.label.startswith("error ")]
    assert [f.label for f in figs] == ["error first-order and adaptive methods"]
    assert "separate" not in figs[0].caption


def test_a_figure_of_one_method_without_a_ratio_panel_says_so_of_that_method():
    """Rosenbrock: Adam's row, set alone, read 'theory promises no rate for these
    methods'."""
    st = _studies()
    one = report.error_caption([plots.rate_studies_panels(st)[0]], rows=(0, 2))
    assert "No ratio panel: theory promises no rate for this method." in one
    two = {"a": st["short"], "b": _study(np.geomspace(1.0, 1e-3, 31), None, None, 30)}
    (panel,) = plots.rate_studies_panels(two)
    assert panel.ratios == [] and sorted(panel.labels) == ["a", "b"]
    assert ("No ratio panel: theory promises no rate for these methods."
            in report.error_caption([panel]))
