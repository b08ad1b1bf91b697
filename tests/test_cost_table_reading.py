"""What the many-starts cost table says a reader can check: its spread cells of few starts,
its "converged" column, the lead-in's place of the figure and the weights' names."""

import numpy as np

from analysis import report
from analysis.starts import Cluster, KernelCosts, StartsRun, StartsStudy


def _study(cost, reached, status, gtol=1e-6):
    """One BFGS run from len(cost) starts: ``reached`` at the target, ``status`` per start,
    t_f = 10 ns (so that a cost c takes c/100 µs)."""
    n = len(cost)
    reached = np.asarray(reached, bool)
    status = np.asarray(status, dtype=object)
    conv = np.isin(status.astype(str), ("converged", "steps"))
    run = StartsRun(label="bfgs", method="bfgs", hyper={}, x=np.zeros((n, 1)),
                    fun=np.where(reached, 0.0, 1.0), status=status,
                    nit=np.ones(n, int), nfev=np.ones(n, int), njev=np.ones(n, int),
                    nhev=np.zeros(n, int), seconds=1e-3, cost=np.asarray(cost, float),
                    reached=reached, outcome=np.where(conv, "", "not converged").astype(object),
                    cluster=np.where(conv, 0, -1), gtol=gtol)
    return StartsStudy(X0=np.zeros((n, 1)), box=np.array([[-1.0, 1.0]]), seed=0,
                       runs={"bfgs": run}, clusters=[Cluster(np.zeros(1), 0.0, 0.0)],
                       tolerance=0.1, costs=KernelCosts({"f": 1e-8, "fg": 2e-8}, 4, 3),
                       f_star=0.0)


def _section(study, **kw):
    b = report.Builder("t")
    report.starts_body(b, "many starts", study, f_star_how="known", **kw)
    (table,) = [t for t in b.doc.blocks
                if str(getattr(t, "title", "")).startswith("Cost to reach")]
    return b, table, " ".join(table.notes)


def test_the_lead_in_places_the_figure_truly_and_keeps_the_weights_names_whole():
    """Kink p. 6: "A figure further on" stood a page before a figure right after the table;
    "f / with ∇f 1.138" broke a weight's name across lines; the batch note called its
    times "the figure"."""
    study = _study([40.0, 50.0, 60.0, 70.0], [True] * 4, ["converged"] * 4)
    b, _, notes = _section(study)
    lead = b.doc.blocks[0].text
    assert "A figure after the cost table is the empirical cumulative" in lead
    assert "further on" not in lead
    assert "weights: f\u00a0alone 1; f\u00a0with\u00a0∇f 2 " in lead
    assert "compiling or loading the kernels is not in these times" in notes
    assert "not in the figure" not in notes
