"""What the many-starts cost table says a reader can check: its spread cells of few starts,
its "converged" column, the lead-in's place of the figure and the weights' names."""

import json

import numpy as np
import pytest

from analysis import report
from analysis.starts import (
    QUARTILE_MIN,
    Cluster,
    KernelCosts,
    StartsRun,
    StartsStudy,
    table_spread,
)


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


def test_the_spread_of_fewer_than_four_values_is_their_range():
    """Kink p. 7: 2 starts at the target (costs near 48.5 and 57.7) printed the quartiles
    50.8 – 55.4, costs neither start had.  Below QUARTILE_MIN values the spread is the
    lowest and highest value; from it on, the quartiles of linear interpolation."""
    assert QUARTILE_MIN == 4
    assert table_spread([48.5, np.nan, 57.7]) == ("range", 48.5, 57.7)
    assert table_spread([57.7, 50.0, 48.5]) == ("range", 48.5, 57.7)
    assert table_spread([48.5]) == ("range", 48.5, 48.5)
    kind, lo, hi = table_spread([np.nan])
    assert kind == "none" and np.isnan(lo) and np.isnan(hi)
    # 4 values 1, 2, 3, 4: the 25th percentile at order position 3/4, 1 + 0.75 = 1.75;
    # the 75th at 9/4, 3 + 0.25 = 3.25
    assert table_spread([4.0, 1.0, 3.0, 2.0]) == ("iqr", 1.75, 3.25)


def test_two_starts_at_the_target_print_their_own_costs_not_quartiles():
    """Kink p. 7: L-BFGS and CG, 2 starts each at the target, printed interpolated quartiles
    in the IQR columns; the cells now hold the two costs, and the note says what such a
    cell is and that the median of two is their mean."""
    study = _study([48.5, 57.7, 90.0], [True, True, False],
                   ["converged", "converged", "maxiter"])
    _, table, notes = _section(study)
    row = table.rows[0]
    assert row[3] == "53.1ᵐ"  # (48.5 + 57.7)/2
    assert row[4] == "48.5ᵐ, 57.7ᵐ"  # the costs, not 50.8 – 55.4
    assert row[6] == "0.485ᵐ, 0.577ᵐ"  # × t_f = 10 ns
    assert "–" not in row[4] + row[6]
    assert ("Fewer than 4 starts at the target: the IQR cells give their lowest and highest "
            "cost, parted by a comma, not quartiles; the median of two is their mean.") in notes


def test_one_start_prints_its_cost_once_and_many_print_quartiles():
    one = _study([48.5, 90.0], [True, False], ["converged", "maxiter"])
    _, table, notes = _section(one)
    assert table.rows[0][4] == "48.5ᵐ" and table.rows[0][3] == "48.5ᵐ"
    assert "; one start's cost stands alone." in notes and "median of two" not in notes
    many = _study([10.0, 20.0, 30.0, 40.0, 50.0], [True] * 5, ["converged"] * 5)
    _, table, notes = _section(many)
    assert table.rows[0][4] == "20ᵐ – 40ᵐ"  # the 2nd and 4th of 5 values
    assert "fewer than" not in notes


def test_the_printed_spread_is_the_one_in_the_ledger_and_the_json():
    """The cells of the cost table, its ledger rows (the CSV) and the JSON's new fields
    cost_min, cost_max and cost_spread give the same numbers; cost_q25 and cost_q75 stay."""
    study = _study([48.5, 57.7, 90.0], [True, True, False],
                   ["converged", "converged", "maxiter"])
    b, table, _ = _section(study)
    got = {(e.item, e.quantity): e.value for e in b.ledger
           if e.section == "many starts"}
    data = json.loads(json.dumps(study.to_json()))["runs"]["bfgs"]
    assert data["cost_spread"] == "range"
    assert got[("bfgs", "lowest weighted evaluations")] == data["cost_min"] == 48.5
    assert got[("bfgs", "highest weighted evaluations")] == data["cost_max"] == 57.7
    assert got[("bfgs", "highest kernel microseconds")] == pytest.approx(0.577)
    assert data["cost_q25"] == pytest.approx(48.5 + 0.25 * 9.2)
    assert ("bfgs", "q25 weighted evaluations") not in got
    many = _study([10.0, 20.0, 30.0, 40.0, 50.0], [True] * 5, ["converged"] * 5)
    b, _, _ = _section(many)
    got = {(e.item, e.quantity): e.value for e in b.ledger}
    data = many.to_json()["runs"]["bfgs"]
    assert data["cost_spread"] == "iqr"
    assert got[("bfgs", "q25 weighted evaluations")] == data["cost_q25"] == 20.0
    assert got[("bfgs", "q75 weighted evaluations")] == data["cost_q75"] == 40.0


def test_the_note_defines_converged_and_says_why_a_start_at_the_target_is_not():
    """Kink p. 7: "converged" was defined only in the lead-in a page earlier, and BFGS read
    5/100 at the target, 0/100 converged: the note defines the column by the run's gradient
    test and names what stopped the starts at the target that did not meet it."""
    study = _study([40.0, 50.0, 60.0, 70.0, 90.0], [True] * 4 + [False],
                   ["line_search_failed"] * 4 + ["maxiter"])
    _, table, notes = _section(study)
    assert table.rows[0][1:3] == ["4/5ᵐ", "0/5ᵐ"]
    assert "Converged: the run met its gradient test ‖∇f‖∞ ≤ 10⁻⁶." in notes
    said = "At the target but not converged: stopped by a failed line search before meeting it"
    assert said + "." in notes  # the iteration limit stopped only a start short of it
    _, _, notes = _section(study, kink_minimum=True)
    assert (said + " (the lowest minimum lies on a kink of f, where ∇f jumps, so ‖∇f‖∞ need "
            "not become small near it).") in notes
    fine = _study([40.0, 50.0, 60.0, 70.0], [True] * 4, ["converged"] * 3 + ["steps"])
    _, _, notes = _section(fine, kink_minimum=True)
    assert ("Converged: the run met its gradient test ‖∇f‖∞ ≤ 10⁻⁶ or ran its fixed number of "
            "steps.") in notes
    assert "not converged" not in notes and "kink" not in notes


def test_the_lead_in_places_the_figure_truly_and_keeps_the_weights_names_whole():
    """Kink p. 6: "A figure further on" stood a page before a figure right after the table;
    "f / with ∇f 1.138" broke a weight's name across lines; the batch note called its
    times "the figure"."""
    study = _study([40.0, 50.0, 60.0, 70.0], [True] * 4, ["converged"] * 4)
    b, _, notes = _section(study)
    lead = b.doc.blocks[0].text
    assert "A figure after the cost table is the empirical cumulative" in lead
    assert "further on" not in lead
    assert "): f\u00a0alone 1; f\u00a0with\u00a0∇f 2 " in lead
    assert "compiling or loading the kernels is not in these times" in notes
    assert "not in the figure" not in notes


def test_the_kink_report_says_why_its_starts_at_the_target_did_not_converge(four_reports):
    """The kink report, whose lowest minimum (0, 0) lies on the kink x = 0: its starts at the
    target stopped without converging, and the note says why from the analysis's own
    finding; its JSON and ledger agree on every spread of few starts."""
    import csv

    result = four_reports["kink"][0]
    data = json.loads(result.json.read_text())
    runs = data["starts"]["runs"]
    rows = {(r["item"], r["quantity"]): float(r["value"] or "nan")  # a median of none: ""
            for r in csv.DictReader(result.csv.open()) if r["section"] == "many starts"}
    few = [lab for lab, r in runs.items() if r["cost_spread"] == "range"]
    assert few  # L-BFGS and CG reach it from 2 starts or so
    for lab in few:
        assert rows[(lab, "lowest weighted evaluations")] == pytest.approx(runs[lab]["cost_min"])
        if runs[lab]["cost_max"] != runs[lab]["cost_min"]:
            assert rows[(lab, "highest weighted evaluations")] == \
                pytest.approx(runs[lab]["cost_max"])
    (_, doc) = four_reports["kink"]
    (table,) = [t for t in doc.blocks if str(getattr(t, "title", "")).startswith("Cost to")]
    notes = " ".join(table.notes)
    assert "(the lowest minimum lies on a kink of f, where ∇f jumps" in notes
