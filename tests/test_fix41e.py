"""Figure properties: one label size per figure, ECDF markers where their curves are, curves
drawn at their data, and document numbers with the document's minus sign."""

from __future__ import annotations

import numpy as np
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
