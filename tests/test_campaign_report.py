"""``landscape campaign report DIR``: statistics checked by a second computation, the stability
boundary against its closed form on a quadratic, figures and pages, errors and atomic writing."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from campaign_store import write_store
from matplotlib.figure import Figure

from analysis import plots
from analysis.campaign import report as cr
from analysis.campaign.figures import Grid, axis_positions, plot_grid
from analysis.cli import main
from landscape.errors import InputError
from landscape.numfmt import fmt

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

QUAD = {"quadratic": ("0.5*x**2 + 5*y**2", [[-2.0, 2.0], [-2.0, 2.0]], 0.0, [[0.0, 0.0]])}
HIMMELBLAU = {"himmelblau": ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
                             [[-5.0, 5.0], [-5.0, 5.0]], 0.0,
                             [[3.0, 2.0], [-2.805118086952745, 3.131312518250573],
                              [-3.779310253377747, -3.283185991286170],
                              [3.584428340330492, -1.848126526964404]])}
METHODS = {"gd": ({"lr": [0.05, 0.15, 0.19, 0.21, 0.25]}, {}),
           "momentum": ({"lr": [0.05, 0.2, 0.3], "momentum": [0.0, 0.5, 0.9]}, {}),
           "bfgs": ({}, {})}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return write_store(tmp_path_factory.mktemp("campaign"), starts=8, maxiter=300,
                       objectives={**QUAD, **HIMMELBLAU}, methods=METHODS)


@pytest.fixture(scope="module")
def camp(store) -> cr.Campaign:
    return cr.load(store)


# ============================================================================ pure statistics


def test_performance_profile_of_a_hand_made_table():
    inf = math.inf
    T = [[1.0, 2.0, inf], [3.0, 3.0, 6.0], [inf, inf, inf], [2.0, 1.0, 4.0]]
    R = cr.performance_ratios(T)
    want = [[1, 2, inf], [1, 1, 2], [inf, inf, inf], [2, 1, 4]]
    np.testing.assert_array_equal(R, want)
    rho = cr.performance_profile(R, [1.0, 2.0, 4.0, inf])
    # counted by hand: problems with r ≤ τ, out of 4
    np.testing.assert_allclose(rho, [[2 / 4, 3 / 4, 3 / 4, 3 / 4],
                                     [2 / 4, 3 / 4, 3 / 4, 3 / 4],
                                     [0 / 4, 1 / 4, 2 / 4, 2 / 4]])
    # a target met at every start costs 0: measures are floored at one evaluation of f
    np.testing.assert_array_equal(cr.performance_ratios([[0.0, 2.0, 0.0, inf]]),
                                  [[1.0, 2.0, 1.0, inf]])


def test_average_running_time_and_ecdf_helpers_by_hand():
    # two starts reach the target after 2 and 4, the third spends its whole cost 7
    assert cr.average_running_time([2.0, np.nan, 4.0], [5.0, 7.0, 9.0]) == (2 + 4 + 7) / 2
    assert cr.average_running_time([np.nan], [3.0]) == math.inf
    v = [3.0, np.nan, 1.0, 8.0, np.nan, 2.0]
    assert cr.ecdf_at(v, 2.5) == 2 / 6 and cr.ecdf_at(v, 100) == 4 / 6
    assert cr.half_solved_cost(v) == 3.0  # the 3rd smallest of 6 pairs
    assert math.isnan(cr.half_solved_cost([1.0, np.nan, np.nan]))
    h = cr.hit_matrix([[1.0, -1.0], None, [None, 2.5]], 2)
    np.testing.assert_array_equal(np.isnan(h), [[False, True], [True, True], [True, False]])
    assert cr.reference_index([10.0 ** -k for k in range(-1, 9)]) == 7
    assert cr.ended_counts([0, 1, 0, -1, -1], ["converged"] * 3 + ["maxiter", "diverged"],
                           [0.0, 0.0, 0.0, 1.0, np.inf]) == ({0: 2, 1: 1}, 1, 1)


def test_axis_positions_interpolate_in_log_on_a_geometric_grid():
    g = [0.001, 0.01, 0.1]
    np.testing.assert_allclose(axis_positions(g, [0.001, 10 ** -1.5, 0.1, 1.0, 10 ** -3.5]),
                               [0.0, 1.5, 2.0, 3.0, -0.5])
    np.testing.assert_allclose(axis_positions([0.0, 0.5, 0.9], [0.25, 1.0]), [0.5, 2.25])


# ============================================================================ on a real store


def _rows(store: Path) -> list[dict]:
    out = []
    for p in sorted((store / "results").glob("*.parquet")):
        out += pq.read_table(p).to_pylist()
    return out


def test_ecdf_values_by_a_second_computation(store, camp):
    """Best cells and ECDF pairs recomputed from the raw rows in plain Python."""
    rows = _rows(store)
    ref = 7  # Δ = 1e-6 among 1e1 … 1e-8
    by = {}
    for r in rows:
        by.setdefault((r["objective_id"], r["method"], r["cell"]), []).append(r)
    best = {}
    for (o, m, cell), rs in by.items():
        hits = [r["hit_cost"][ref] for r in rs if r["hit_cost"][ref] >= 0]
        spent = sum(r["hit_cost"][ref] if r["hit_cost"][ref] >= 0 else r["cost"] for r in rs)
        art = spent / len(hits) if hits else math.inf
        conv = [r["cost"] for r in rs if r["status"] in ("converged", "steps")]
        div = sum(r["status"] == "diverged" or not math.isfinite(r["fun"]) for r in rs)
        key = (-len(hits) / len(rs), art, -len(conv) / len(rs), div,
               float(np.median(conv)) if conv else math.inf)
        if (o, m) not in best or key < best[(o, m)][0]:
            best[(o, m)] = (key, cell)
    got_best = cr.best_cells(camp, ref)
    assert {k: v.cell for k, v in got_best.items()} == {k: v[1] for k, v in best.items()}
    costs = cr.ecdf_costs(camp, got_best)
    for m in camp.methods():
        pairs = [c for (o, mm), (_, cell) in best.items() if mm == m
                 for r in by[(o, m, cell)] for c in r["hit_cost"]]
        assert costs[m].size == len(pairs)
        for budget in (1.0, 10.0, 30.0, 1e9):
            want = sum(0 <= c <= budget for c in pairs) / len(pairs)
            assert cr.ecdf_at(costs[m], budget) == pytest.approx(want, abs=1e-15)
        xs, ys = plots.ecdf_points(costs[m])  # the curve drawn: y = share solved at x
        for x, y in zip(xs, ys, strict=True):
            assert y <= cr.ecdf_at(costs[m], x) + 1e-15
        assert ys[-1] == pytest.approx(sum(c >= 0 for c in pairs) / len(pairs))


def test_the_profiles_measure_is_never_below_one_evaluation_of_f(store, camp):
    """Campaign p. 2 says the aRT is "never taken below one evaluation of f", yet
    campaign.json held 0.948 for gd and momentum on (quadratic, Δ = 10): starts meeting the
    target at k = 0 cost 0 (cost × k/K), so the mean fell under 1 and only the ratios were
    floored.  The measure the profile stores is now max(aRT, c_f), aRT recomputed from the
    raw rows."""
    rows = _rows(store)
    best = cr.best_cells(camp, 7)
    problems, methods, T = cr.profile_table(camp, best)
    cf = 1.0  # the store's weight of an evaluation of f
    below = 0
    for p, (o, j) in enumerate((o, j) for o in camp.objectives()
                               for j in range(len(camp.targets))):
        assert problems[p][0] == o
        for k, m in enumerate(methods):
            rs = [r for r in rows if r["objective_id"] == o and r["method"] == m
                  and r["cell"] == best[(o, m)].cell]
            hits = [r["hit_cost"][j] for r in rs if r["hit_cost"][j] >= 0]
            spent = sum(r["hit_cost"][j] if r["hit_cost"][j] >= 0 else r["cost"] for r in rs)
            art = spent / len(hits) if hits else math.inf
            below += art < cf
            assert T[p, k] == pytest.approx(max(art, cf), rel=1e-12), (o, j, m)
    assert below > 0  # the rule is exercised: some raw aRT lies under one evaluation
    b = cr.campaign_builder(camp)
    art = np.asarray(b.data["profile"]["art"], dtype=float)
    assert np.all(art[np.isfinite(art)] >= cf)


def test_stability_boundary_on_a_quadratic_matches_the_closed_form(camp):
    """f = x²/2 + 5y²: ∇²f = diag(1, 10), L = 10; gd is stable for η < 2/L = 0.2 and heavy
    ball for η < 2(1+β)/L; every start that is not exactly on the boundary diverges above it
    and converges below it."""
    curv = cr.minimum_curvatures("0.5*x**2 + 5*y**2", 2, [[0.0, 0.0]])
    assert curv[0].L == pytest.approx(10.0, rel=1e-12)
    gd = cr.stability_check(camp, "quadratic", "gd", curv)
    np.testing.assert_allclose(gd.threshold, 0.2, rtol=1e-12)
    np.testing.assert_array_equal(gd.predicted, gd.lr < 0.2)
    np.testing.assert_array_equal(gd.measured[gd.lr != 0.2], gd.lr[gd.lr != 0.2] < 0.2)
    hb = cr.stability_check(camp, "quadratic", "momentum", curv)
    beta = np.array([cr._cell_axes(c)["momentum"] for c in hb.cells])
    np.testing.assert_allclose(hb.threshold, 2 * (1 + beta) / 10, rtol=1e-12)
    np.testing.assert_array_equal(hb.predicted, hb.lr < 2 * (1 + beta) / 10)
    assert hb.share(hb.away) == 1.0 and hb.away.sum() >= 7
    assert not hb.measured[np.isclose(hb.lr, 0.3) & (beta == 0.0)].any()  # 0.3 > 0.2
    assert cr.stability_check(camp, "quadratic", "bfgs", curv) is None  # no threshold


def test_threshold_formulas_print_the_minus_sign(camp):
    """The heavy-ball threshold 2(1+β)/((1−δ)L) is printed with the minus sign − (U+2212)
    in the theory table, the grid captions and the grid legends, as the page text prints
    subtraction; a hyphen between words stays.  The dampening is δ: τ is the profiles'
    performance ratio, one meaning per symbol in the document."""
    assert cr.short_formula("2(1+momentum)/((1-dampening) L)") == "2(1+β)/((1\u2212δ)L)"
    assert cr.short_formula("no step-size threshold") == "no step-size threshold"
    b = cr.campaign_builder(camp)
    texts = []
    for blk in b.doc.blocks:
        for v in vars(blk).values():
            if isinstance(v, str):
                texts.append(v)
        for row in getattr(blk, "rows", None) or ():
            texts.extend(str(v) for v in row)
    hb = [t for t in texts if "δ" in t]
    assert hb, "the momentum grid's threshold is printed"
    assert not [t for t in hb if "1-δ" in t]
    assert any("(1\u2212δ)L" in t for t in hb)
    assert any("δ = dampening" in t for t in texts)
    assert not [t for t in texts if "τ = dampening" in t or "1\u2212τ" in t]
    curv = cr.minimum_curvatures("0.5*x**2 + 5*y**2", 2, [[0.0, 0.0]])
    g = cr._grid_of(camp, "quadratic", "momentum", cr.reference_index(camp.targets),
                    cr.stability_check(camp, "quadratic", "momentum", curv))
    assert "1-δ" not in g.boundary_label and "(1\u2212δ)L" in g.boundary_label
    # campaign p.4: the boundary crossed a stable cell's coloured box; the caption says a
    # box stands for its centre value
    chk = cr.stability_check(camp, "quadratic", "momentum", curv)
    cap = cr._grid_caption("quadratic", "momentum", g, chk)
    assert cr.CELL_CENTRE_TEXT in cap and "the one value at its centre" in cap


def test_every_figure_passes_the_figure_checks_and_pages_are_filled(camp, tmp_path):
    from test_pages import check_fill

    b = cr.campaign_builder(camp)
    assert not b.failures, [f.text() for f in b.failures]
    figs = b.doc.figures()
    # ECDF ×2, profile, and one grid per method with a grid per objective
    assert len(figs) == 3 + 2 * 2
    for block in figs:
        fig = Figure(figsize=(block.width / 72.0, block.fig_height / 72.0),
                     layout="constrained")
        block.draw_fn(fig)
        assert plots.audit(fig) == [], block.label
    result = b.write(tmp_path / "c.pdf")
    assert result.ok and result.pages >= 4
    check_fill(result)
    data = json.loads(result.json.read_text())
    st = {(s["objective"], s["method"]): s for s in data["stability"]}
    assert st[("quadratic", "gd")]["agree_away_from_boundary"] == 1.0


def test_grid_figure_draws_the_boundary_inside_its_axes():
    g = Grid("lr", np.array([0.05, 0.2, 0.3]), np.array([[1, 1, 0], [1, 1, 1.0]]),
             np.array([[0, 0, 1], [0, 0, 0]], bool), "momentum", np.array([0.0, 0.9]),
             lambda b: 2 * (1 + b) / 10, "η < 2(1+β)/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    assert plots.audit(fig) == []
    # campaign p.5: the axes name the hyperparameters in words with the boundary's symbols,
    # no code name ("η (lr)")
    assert fig.axes[0].get_xlabel() == "step size η"
    assert fig.axes[0].get_ylabel() == "momentum β"
    line = next(ln for ln in fig.axes[0].lines if ln.get_label().startswith("η"))
    x, y = (np.asarray(a, float) for a in line.get_data())
    ok = np.isfinite(x)
    # at β = 0 the boundary is η = 0.2, the middle grid value (index 1)
    assert np.interp(0.0, y[ok], x[ok]) == pytest.approx(1.0, abs=0.02)



def test_the_whole_boundary_is_drawn_within_the_axes_which_run_on_past_the_cells():
    """η < 2(1+β)/L with L = 85 is 2/85 ≈ 0.0235 in the row β = 0 and 3.8/85 ≈ 0.0447 in the
    row β = 0.9, beyond the last column (0.01, index 1, edge 1.5): on the log axis of 0.001,
    0.01 that is index 1 + log10(2.35) ≈ 1.371 and 1 + log10(4.47) ≈ 1.650, which the axes
    hold."""
    from analysis.campaign.figures import boundary_note

    g = Grid("lr", np.array([0.001, 0.01]), np.array([[0.8, 1.0], [1.0, 1.0]]),
             np.zeros((2, 2), bool), "momentum", np.array([0.0, 0.9]),
             lambda b: None if not 0 <= b < 1 else 2 * (1 + b) / 85, "η < 2(1+β)/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    line = next(ln for ln in ax.lines if ln.get_label().startswith("η"))
    x, y = (np.asarray(a, float) for a in line.get_data())
    ok = np.isfinite(x)
    lo, hi = ax.get_xlim()
    assert lo <= x[ok].min() and x[ok].max() <= hi and hi > 1.5
    assert x[ok].min() == pytest.approx(1 + np.log10(2 / 85 / 0.01), abs=0.01)
    assert x[ok].max() == pytest.approx(1 + np.log10(3.8 / 85 / 0.01), abs=0.01)
    # no whole cell position past the cells within the axes: the caption gives the values
    assert [t for t in ax.get_xticks() if t > 1] == []
    assert boundary_note(g) == ("The η axis runs on past the last column (same spacing, "
                                "ticked in grey) to hold the boundary; the boundary is at "
                                f"η = {fmt(2 / 85, 3)} for β = 0 and η = {fmt(3.8 / 85, 3)} "
                                "for β = 0.9.")


def test_an_axis_run_on_past_its_cells_is_ticked_there_with_its_extrapolated_values():
    """Campaign p. 5: Booth's momentum grid (η = 0.01, 0.05, 0.1, L = 18) runs its η axis on
    past 0.1 to hold the boundary η < 2(1+β)/L (0.111, 0.167, 0.211 for β = 0, 0.5, 0.9)
    with no tick there, so the boundary could be read only from the caption.  The axis is
    ticked at its whole cell positions past the cells, in grey, with the values its end
    spacing gives them (×2 per column from 0.05 to 0.1: 0.2 at position 3)."""
    from analysis.campaign.figures import axis_positions, extension_ticks

    g = Grid("lr", np.array([0.01, 0.05, 0.1]), np.ones((3, 3)), np.zeros((3, 3), bool),
             "momentum", np.array([0.0, 0.5, 0.9]),
             lambda b: None if not 0 <= b < 1 else 2 * (1 + b) / 18, "η < 2(1+β)/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    ticks = list(ax.get_xticks())
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[:3] == [0, 1, 2] and ticks[3:] == [3]
    assert labels[3] == "0.2"
    assert axis_positions(g.x, [0.2])[0] == pytest.approx(3.0)
    assert ax.get_xticklabels()[3].get_color() == "0.45"
    assert ax.get_xticklabels()[0].get_color() != "0.45"
    assert extension_ticks([1.0, 2.0, 3.0], (-2.4, 4.2)) == ([3, 4, -1, -2],
                                                            [4.0, 5.0, 0.0, -1.0])


def test_the_boundary_runs_along_the_cell_edges_from_the_lower_to_the_upper_edge():
    """A row of cells is one momentum value: the boundary is upright through each row, from
    its lower edge to its upper edge, and turns only on the edge between two rows — it does
    not start inside the cell of β = 0 (where a β interpolated below 0 has no threshold)."""
    g = Grid("lr", np.array([0.001, 0.01]), np.array([[0.8, 1.0], [1.0, 1.0]]),
             np.zeros((2, 2), bool), "momentum", np.array([0.0, 0.9]),
             lambda b: None if not 0 <= b < 1 else 2 * (1 + b) / 85, "η < 2(1+β)/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    line = next(ln for ln in fig.axes[0].lines if ln.get_label().startswith("η"))
    x, y = (np.asarray(a, float) for a in line.get_data())
    ok = np.isfinite(x)
    x, y = x[ok], y[ok]
    assert y.min() == pytest.approx(-0.5) and y.max() == pytest.approx(1.5)
    rows = {0: 1 + np.log10(2 / 85 / 0.01), 1: 1 + np.log10(3.8 / 85 / 0.01)}
    on_edge = np.isclose(y, 0.5)  # the one edge between the rows
    for i, xb in rows.items():  # off the edge, each point is its row's boundary
        inrow = ~on_edge & (np.abs(y - i) <= 0.5 + 1e-9)
        assert inrow.any()
        np.testing.assert_allclose(x[inrow], xb, atol=1e-9)
    assert x[on_edge].min() == pytest.approx(rows[0]) and \
        x[on_edge].max() == pytest.approx(rows[1])


def test_a_boundary_reaching_far_past_the_cells_is_cut_and_the_caption_says_where():
    """η = 0.02(1 + 1000β) on lr 0.001, 0.01: in the row β = 0 it is 0.02 (index 1.30); the
    axes run BOUNDARY_REACH = 2 cells past the last column (index 3.5); in the row β = 0.9 it
    is 18.02 (index 4.26), right of the axes: the line is the row β = 0's segment alone,
    with no stub along the edge between the rows towards the axes' side (campaign p. 6: a
    horizontal stub ran from η = 0.2 to the right edge)."""
    from analysis.campaign.figures import BOUNDARY_REACH, boundary_note

    g = Grid("lr", np.array([0.001, 0.01]), np.ones((2, 2)), np.zeros((2, 2), bool),
             "momentum", np.array([0.0, 0.9]), lambda b: 0.02 * (1 + 1000 * b), "η")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((-0.5, 1.5 + BOUNDARY_REACH))
    x, y = (np.asarray(a, float) for a in ax.lines[0].get_data())
    ok = np.isfinite(x)
    np.testing.assert_allclose(x[ok], 1 + np.log10(2.0))  # upright: one x, no stub
    assert y[ok].min() == pytest.approx(-0.5) and y[ok].max() == pytest.approx(0.5)
    note = boundary_note(g)
    assert note.startswith("The η axis runs on past the last column")
    assert "for β = 0.9 it lies right of the axes (η up to 18)" in note


def test_a_boundary_in_the_axes_in_two_rows_keeps_its_join_and_drops_the_third():
    """η = 2(1 + β)/L with L = 62.5 on lr 0.01, 0.02, 0.03 (linear: index (η − 0.01)/0.01):
    rows β = 0 and 0.2 at η = 0.032 and 0.0384 (indices 2.2, 2.84) lie within the axes
    (which run one cell on, to 3.5) and are joined along their common edge; row β = 0.9 at
    η = 0.0608 (index 5.08) lies beyond, with neither its segment nor a join towards it."""
    L = 62.5
    g = Grid("lr", np.array([0.01, 0.02, 0.03]), np.ones((3, 3)), np.zeros((3, 3), bool),
             "momentum", np.array([0.0, 0.2, 0.9]), lambda b: 2 * (1 + b) / L, "η")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    x, y = (np.asarray(a, float) for a in fig.axes[0].lines[0].get_data())
    ok = np.isfinite(x)
    x, y = x[ok], y[ok]
    r0, r1 = (2 / L - 0.01) / 0.01, (2.4 / L - 0.01) / 0.01
    assert y.min() == pytest.approx(-0.5) and y.max() == pytest.approx(1.5)
    edge = np.isclose(y, 0.5)
    assert x[edge].min() == pytest.approx(r0) and x[edge].max() == pytest.approx(r1)
    np.testing.assert_allclose(x[np.isclose(y, 1.5)], r1)  # no join along the next edge
    assert x.max() == pytest.approx(r1)  # nothing towards β = 0.9's 5.08


def test_every_row_s_momentum_boundary_on_a_quadratic_lies_within_the_axes():
    """Momentum on a quadratic with Hessian eigenvalue L = 10 is stable for η < 2(1+β)/L:
    0.2, 0.3, 0.38 for β = 0, 0.5, 0.9.  On the log η axis of 0.01, 0.05, 0.1 (cell 2 at
    0.1, one cell a factor 2 further on) they lie at 2 + log2(η/0.1) = 3.0, 3.58, 3.93: the
    axes hold all three upright segments (campaign p. 6 drew only β = 0's, at 0.2, and the
    caption said the others lay right of the axes)."""
    from analysis.campaign.figures import boundary_note

    L, betas = 10.0, np.array([0.0, 0.5, 0.9])
    g = Grid("lr", np.array([0.01, 0.05, 0.1]), np.ones((3, 3)), np.zeros((3, 3), bool),
             "momentum", betas, lambda b: 2 * (1 + b) / L, "η < 2(1+β)/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    x, y = (np.asarray(a, float) for a in ax.lines[0].get_data())
    lo, hi = ax.get_xlim()
    for i, b in enumerate(betas):
        want = 2 + np.log2(2 * (1 + b) / L / 0.1)
        assert lo < want < hi
        inrow = np.isfinite(x) & (np.abs(y - i) < 0.5)
        np.testing.assert_allclose(x[inrow], want, atol=1e-9)
    assert "right of the axes" not in boundary_note(g)
    assert boundary_note(g).endswith("η = 0.2 for β = 0 and η = 0.38 for β = 0.9.")


def test_the_profile_drawn_is_rho_of_the_ratios():
    """ρ_s(τ) is the ECDF of the ratios r_{p,s}: the drawn step curve at each ratio equals
    performance_profile there."""
    R = cr.performance_ratios([[1.0, 3.0], [4.0, 2.0], [np.inf, 5.0], [2.0, np.inf]])
    fig = plots.plot_ecdf({"gd": R[:, 0], "bfgs": R[:, 1]}, solved="solves",
                          fig=Figure(figsize=(6.8, 4), layout="constrained"))
    assert plots.audit(fig) == []
    for i, m in enumerate(["gd", "bfgs"]):
        line = next(ln for ln in fig.axes[0].lines if ln.get_label().startswith(m + ":"))
        x, y = (np.asarray(a, float) for a in line.get_data())
        for tau in np.unique(R[:, i][np.isfinite(R[:, i])]):
            k = np.flatnonzero(x <= tau)[-1]  # steps drawn 'post'
            assert y[k] == pytest.approx(cr.performance_profile(R, [tau])[i, 0])


# ============================================================================ command line


def test_cli_refuses_what_is_not_a_campaign_store(tmp_path, capsys):
    assert main(["campaign", "report", str(tmp_path / "none")]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert main(["campaign", "report", str(tmp_path)]) == 2
    assert "not a campaign" in capsys.readouterr().err
    (tmp_path / "campaign.json").write_text(json.dumps({"targets": [1.0], "objectives": {}}))
    assert main(["campaign", "report", str(tmp_path)]) == 2
    assert "schema_version" in capsys.readouterr().err
    (tmp_path / "campaign.json").write_text(json.dumps({"schema_version": 1}))
    assert main(["campaign", "report", str(tmp_path)]) == 2
    assert "no targets or objectives" in capsys.readouterr().err
    (tmp_path / "campaign.json").write_text(json.dumps(
        {"targets": [], "objectives": {}, "schema_version": 1}))
    assert main(["campaign", "report", str(tmp_path)]) == 2
    assert "targets must be positive numbers" in capsys.readouterr().err
    (tmp_path / "campaign.json").write_text(json.dumps(
        {"targets": [1.0], "objectives": {}, "schema_version": 1}))
    (tmp_path / "results").mkdir()
    assert main(["campaign", "report", str(tmp_path)]) == 2
    assert "no rows" in capsys.readouterr().err
    (tmp_path / "campaign.json").write_text("{")
    assert main(["campaign", "report", str(tmp_path)]) == 2
    assert list(tmp_path.glob("*.pdf")) == []
    with pytest.raises(InputError):
        cr.load(tmp_path)


def test_cli_writes_the_report_whole_or_not_at_all(store, tmp_path, monkeypatch, capsys):
    out = tmp_path / "r.pdf"
    assert main(["campaign", "report", str(store), "-o", str(out), "--quiet"]) == 0
    assert out.exists() and out.with_suffix(".json").exists() and out.with_suffix(".csv").exists()
    # options before the word 'report': through the campaign command's own parser
    other = tmp_path / "other" / "o.pdf"
    assert main(["campaign", "--quiet", "-o", str(other), "report", str(store)]) == 0
    assert json.loads(other.with_suffix(".json").read_text())["rows"] == \
        json.loads(out.with_suffix(".json").read_text())["rows"]
    for p in other.parent.iterdir():
        p.unlink()
    other.parent.rmdir()
    before = out.read_bytes()
    from analysis import pages

    def broken(self, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(pages.Document, "render", broken)
    assert main(["campaign", "report", str(store), "-o", str(out), "--quiet"]) != 0
    assert out.read_bytes() == before  # the previous report untouched, no partial files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.pdf"]


def test_the_title_page_summary_agrees_with_the_tables(camp):
    import re

    b = cr.campaign_builder(camp)
    lines = cr.summary_lines(b.data)
    rho1 = {n.item: n.value for n in b.ledger if n.quantity == "rho(tau=1)"}
    problems = len(b.data["profile"]["problems"])
    m = re.match(r"(\S+) has the smallest aRT on (\d+) of (\d+) problems", lines[1])
    assert m and int(m[3]) == problems
    by_label = {cr.method_label(k): v for k, v in rho1.items()}  # the ledger keeps the names
    assert int(m[2]) == round(by_label[m[1]] * problems) == round(max(rho1.values()) * problems)
    agree = sum(int(chk["agree"] * len(chk["cells"]) + 0.5) for chk in b.data["stability"])
    cells = sum(len(chk["cells"]) for chk in b.data["stability"])
    assert f"in {agree} of {cells} cells" in lines[-1]
    # campaign p. 1: "(3 method grids)" did not say which grids, nor why others are missing
    grids = {(k["method"], k["objective"]) for k in b.data["stability"]}
    assert len(grids) == len(b.data["stability"])
    assert f"cells. They are the cells of {len(grids)} method grids: " in lines[-1]
    # campaign p. 1: the bullet nested brackets, '(8 method grids: … (quadratic: found by …),
    # where L is taken)'; it is plain sentences now
    assert "(" not in lines[-1].partition("cells. ")[2]
    assert lines[-1].endswith(".")
    assert ". These objectives have known minima, where L is taken." in lines[-1]
    half = {n.item: n.value for n in b.ledger
            if n.quantity == "cost where half the pairs are solved"}
    best = min(half, key=half.get)
    assert f"reaches ½ soonest for {cr.method_label(best)}:" in lines[2]


def test_the_time_ecdf_caption_does_not_repeat_the_cost_captions_drawing_rules(camp):
    """Campaign p. 2: both captions repeated the same sentences on the widths and the pale
    lines; the time panel's refers to the cost panel's when the two are drawn alike."""
    from analysis.plots import ECDF_END_TEXT, ecdf_apart_text

    b = cr.campaign_builder(camp)
    caps = {blk.label: blk.caption for blk in b.doc.blocks if getattr(blk, "caption", "")}
    best = cr.best_cells(camp, cr.reference_index(camp.targets))
    shift = ecdf_apart_text(cr.ecdf_costs(camp, best), half=True)
    assert shift and shift in caps["ecdf-cost"] and ECDF_END_TEXT in caps["ecdf-cost"]
    assert shift not in caps["ecdf-time"] and ECDF_END_TEXT not in caps["ecdf-time"]
    assert caps["ecdf-time"].endswith("  Curves drawn in decreasing widths, marked on a few "
                                      "data points and where they reach ½, and continued by "
                                      "pale lines as in the cost panel.")


def test_the_stability_table_says_what_its_shares_are_of(camp):
    """Campaign p. 6: the headers "share" and "away from boundary" did not say share of what
    (the entries are shares of the cells that agree)."""
    from analysis.pages import Table

    b = cr.campaign_builder(camp)
    (table,) = [t for t in b.doc.blocks if isinstance(t, Table)
                and str(t.title).startswith("Stability cell by cell")]
    heads = [c.header for c in table.columns]
    assert heads[5:7] == ["share agreeing", "share agreeing away from boundary (cells)"]
    for row, chk in zip(table.rows, b.data["stability"], strict=True):
        assert row[4] == f"{round(chk['agree'] * len(chk['cells']))}/{len(chk['cells'])}ᵐ"
    assert table.notes[0].startswith("‘Share agreeing’: of the grid's cells, those where "
                                     "theory and measurement agree")


def test_the_stability_tables_shares_print_one_count_of_decimals_per_column(camp):
    """Campaign p. 6: the share column mixed "0.833ᵐ" with "1ᵐ", where section 3 prints the
    same kind of share "1.000ᵐ"; each share column now prints every share with the decimals
    its values need at 3 significant digits (5/6 = 0.833 → three), and the paragraph under
    it no longer calls Beale (degree 8) "a quartic wall"."""
    from analysis.pages import Table

    b = cr.campaign_builder(camp)
    (table,) = [t for t in b.doc.blocks if isinstance(t, Table)
                and str(t.title).startswith("Stability cell by cell")]
    for col in (5, 6):
        shares = [re.match(r"[\d.]+", r[col]).group(0) for r in table.rows]
        values = [float(s) for s in shares]
        decimals = max(len(f"{fmt(v, 3)}".partition(".")[2]) for v in values)
        assert all(s == f"{v:.{decimals}f}" for s, v in
                   zip(shares, values, strict=True)), (col, shares)
    text = " ".join(str(getattr(x, "text", "")) for x in b.doc.blocks)
    assert "quartic" not in text


def test_the_stability_notes_formula_is_never_split_over_lines(camp):
    """Campaign p. 6: the stability table's note broke "|η/threshold − 1| > 0.1" as
    "|η/threshold −" / "1| > 0.1".  Set at every width from a third of the text width to
    all of it, the formula (BOUNDARY_BAND = 0.1) is whole on one line."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph

    from analysis import pages

    b = cr.campaign_builder(camp)
    (table,) = [t for t in b.doc.blocks if isinstance(t, pages.Table)
                and str(t.title).startswith("Stability cell by cell")]
    formula = f"|η/threshold − 1| > {cr.BOUNDARY_BAND:g}"
    assert formula == "|η/threshold − 1| > 0.1"
    assert formula in table.notes[0].replace(pages.NBSP, " ")
    pages.register_fonts()
    st = ParagraphStyle("n", fontName=pages.FONT, fontSize=7.0, leading=9.0)
    para = RLParagraph(pages.markup(table.notes[0]), st)
    for w in np.arange(pages.CONTENT_W / 3.0, pages.CONTENT_W, 3.0):
        para.wrap(float(w), 1e6)
        lines = [(" ".join(ln[1]) if isinstance(ln, tuple)
                  else "".join(f.text for f in ln.words)).replace(pages.NBSP, " ")
                 for ln in para.blPara.lines]
        assert any(formula in ln for ln in lines), (w, lines)


def test_the_title_page_defines_ecdf_and_coco_bbob_at_first_use(camp):
    """Campaign p. 1: "The ECDF over cost" and "as in COCO/BBOB" came before any definition
    (the ECDF's was on p. 2, COCO/BBOB's nowhere)."""
    lines = cr.summary_lines(cr.campaign_builder(camp).data)
    assert lines[0].startswith("aRT (average running time, as in the Black-Box Optimization "
                               "Benchmarking suite of the COmparing Continuous Optimisers "
                               "platform, COCO/BBOB): the expected cost to reach the target")
    # campaign p. 1: the definition, with its weights, was a 60-word parenthesis inside the
    # finding; it is a line of its own, and the finding names no weights
    assert lines[0].endswith("(weights set in the spec: assumed, not measured).")
    assert "has the smallest aRT on " in lines[1] and "c_f" not in lines[1]
    assert lines[2].startswith("The empirical cumulative distribution function (ECDF) over "
                               "cost reaches ½ soonest for ")


def test_art_and_nfev_are_defined_where_the_report_first_uses_them(camp):
    """The title page used "aRT" and "nfev" without saying what they are: the first text
    that names each says it (average running time, as in COCO/BBOB; evaluations of f)."""
    from analysis.pages import FigureBlock, Paragraph, Table

    b = cr.campaign_builder(camp)
    texts = []
    for blk in b.doc.blocks:
        if isinstance(blk, Paragraph):
            texts.append(blk.text)
        elif isinstance(blk, Table):
            texts += [blk.title or "", *(str(v) for row in blk.rows for v in row)]
        elif isinstance(blk, FigureBlock):
            texts.append(blk.caption)
    first = {w: next(t for t in texts if w in t) for w in ("aRT", "evaluations of f")}
    assert "aRT (average running time, as in the Black-Box Optimization" in first["aRT"]
    assert "expected cost" in first["aRT"] and "to reach the target" in first["aRT"]
    # campaign p. 1: "Newton is best" rests on the weights: said in the same sentence
    w = camp.meta["cost_weights"]
    said = f"c_f = {w['f']:g}, c_g = {w['g']:g}, c_h = {w['h']:g}"
    assert f"in weighted evaluations with {said}" in first["aRT"]
    # campaign p. 1: "Newton has the smallest aRT" rests on weights the spec assumes
    assert cr.weights_text({"f": 1, "g": 2, "h": 1}) == (
        " with c_f = 1, c_g = 2, c_h = 1, so that a Hessian costs as much as one f (weights "
        "set in the spec: assumed, not measured)")
    assert cr.weights_text({"f": 1, "g": 2, "h": 5}) == (
        " with c_f = 1, c_g = 2, c_h = 5 (weights set in the spec: assumed, not measured)")
    # campaign p. 1: the cost in words, not in SciPy's field names nfev, njev, nhev
    assert ("weighted evaluations c_f·(evaluations of f) + c_g·(evaluations of ∇f) + "
            "c_h·(evaluations of ∇²f)") in first["evaluations of f"]
    assert not [t for t in texts if any(w in t for w in ("nfev", "njev", "nhev"))]
    # the profiles' definition of aRT is one sentence
    (para,) = [t for t in texts if t.startswith("Dolan–Moré profiles")]
    (art,) = [sent for sent in para.split(". ") if "average running time" in sent]
    assert "divided by the number of starts that reached Δ" in art and ";" not in art


def test_help_of_campaign_report_imports_no_numerical_library():
    import subprocess
    import sys

    code = ("import sys\nfrom analysis.cli import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            "print('MODULES', ' '.join({m.split('.')[0] for m in sys.modules}), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, "campaign", "report", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert "usage: landscape campaign report" in proc.stdout
    assert "-o PATH.pdf" in proc.stdout and "default DIR/report.pdf" in proc.stdout
    loaded = set(next(ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES"))
                 .split()[1:])
    assert not loaded & {"numpy", "numba", "sympy", "matplotlib", "scipy", "pyarrow"}


# ============================================================================ objectives without f*

XCOS_MIN = -1.8256845786723395  # cos(cx) = cx·sin(cx), c = 0.15π (checked below)
NO_F_STAR = {"tanh": ("tanh(x)", [[-5.0, 5.0]], None, []),
             "xcos": ("x*cos(0.15*pi*x)", [[-5.0, 5.0]], None, [[XCOS_MIN]]),
             "saddle": ("x**2 - y**2", [[-5.0, 5.0], [-5.0, 5.0]], None, [])}


@pytest.fixture(scope="module")
def no_f_store(tmp_path_factory) -> Path:
    return write_store(tmp_path_factory.mktemp("nof"), starts=6, maxiter=200,
                       objectives=NO_F_STAR,
                       methods={"momentum": ({"lr": [0.01, 0.1, 0.5], "momentum": [0.0, 0.9]},
                                             {})})


def test_a_grid_without_f_star_shows_the_share_not_diverged(no_f_store):
    """Fixed-step runs are never "converged", so on an objective without f* the grid shows
    the share of starts that did not diverge, recounted here from the raw rows."""
    camp = cr.load(no_f_store)
    by: dict = {}
    for r in _rows(no_f_store):
        by.setdefault((r["objective_id"], r["cell"]), []).append(
            r["status"] == "diverged" or not math.isfinite(r["fun"]))
    for o in NO_F_STAR:
        g = cr._grid_of(camp, o, "momentum", 7, None)
        assert g.share_label == cr.NO_F_STAR_SHARE
        for (oo, cell), div in by.items():
            if oo != o:
                continue
            a = cr._cell_axes(cell)
            i = int(np.flatnonzero(g.y == a["momentum"])[0])
            j = int(np.flatnonzero(g.x == a["lr"])[0])
            assert g.share[i, j] == pytest.approx(1.0 - sum(div) / len(div))


def test_a_one_colour_grid_is_left_out_and_said_so(no_f_store):
    """tanh has a bounded gradient: no start diverges in any cell, every cell shows 1 and
    the map is not drawn; a sentence says so."""
    camp = cr.load(no_f_store)
    b = cr.campaign_builder(camp)
    assert not b.failures, [f.text() for f in b.failures]
    labels = [f.label for f in b.doc.figures()]
    assert "grid-tanh-momentum" not in labels
    text = " ".join(getattr(blk, "text", "") for blk in b.doc.blocks
                    if isinstance(getattr(blk, "text", None), str))
    assert camp.label("tanh") == "tanh x"
    assert "momentum on tanh x, all 6 cells 1 (share of starts not diverged, measured)" in text


def test_grid_is_flat_by_hand():
    from analysis.campaign.figures import grid_is_flat

    x, y = np.array([0.01, 0.1, 1.0]), np.array([0.0, 0.9])
    flat = Grid("lr", x, np.zeros((2, 3)), np.zeros((2, 3), bool), "momentum", y)
    assert grid_is_flat(flat)
    some = np.zeros((2, 3), bool)
    some[0, 2] = True
    assert not grid_is_flat(Grid("lr", x, np.zeros((2, 3)), some, "momentum", y))
    assert not grid_is_flat(Grid("lr", x, np.eye(2, 3), np.zeros((2, 3), bool), "momentum", y))
    # the boundary η = 0.1(1 + β) crosses the grid: something to compare
    assert not grid_is_flat(Grid("lr", x, np.zeros((2, 3)), np.zeros((2, 3), bool),
                                 "momentum", y, lambda b: 0.1 * (1 + b)))
    # a boundary beyond the axes' right edge (BOUNDARY_REACH = 2 cells past the last
    # column, index 4.5; η = 10⁴ is at index 6) draws nothing
    assert grid_is_flat(Grid("lr", x, np.zeros((2, 3)), np.zeros((2, 3), bool),
                             "momentum", y, lambda b: 1e4))


def test_a_best_cell_chosen_among_ties_says_so():
    def s(cell, solved=0.0, diverged=0):
        return cr.CellStats(cell, {}, 10, solved, math.inf if not solved else 5.0, math.nan,
                            diverged, 0.0, math.nan)

    best = cr.best_cell([s("a", diverged=1), s("b"), s("c"), s("d")])
    assert best.cell == "b" and best.ties == 3
    assert cr.cell_label(best) == "b (first of 3 tied)"
    one = cr.best_cell([s("a"), s("b", solved=0.5)])
    assert one.cell == "b" and one.ties == 1 and cr.cell_label(one) == "b"


def test_best_cells_and_methods_read_in_the_pages_symbols_and_labels(camp):
    """Campaign pp. 1 and 4: the best cell printed as "lr=0.01,momentum=0.9" (code names),
    "cell" and "nit" used before any definition, methods printed by their code names."""
    from analysis.report import Paragraph, Table
    from optimizers.registry import label

    assert cr.cell_words("lr=0.01,momentum=0.9") == "η = 0.01, β = 0.9"
    assert cr.cell_words("lr=0.3,momentum=0.0,dampening=0.5") == "η = 0.3, β = 0, δ = 0.5"
    assert cr.cell_words("variant=fr,beta1=0.8") == "variant = fr, β₁ = 0.8"
    b = cr.campaign_builder(camp)
    best = next(t for t in b.doc.blocks if isinstance(t, Table) and t.title == cr.BEST_TABLE)
    bests = cr.best_cells(camp, cr.reference_index(camp.targets))
    want = {(camp.label(o), label(m)): cr.cell_words(s.cell) if s.cell else "(no grid)"
            for (o, m), s in bests.items()}
    got = {(row[0], row[1]): row[2].split(" (first of")[0] for row in best.rows}
    assert got == want and any("η = " in v for v in got.values())
    assert not any("lr=" in v for v in got.values())
    paras = [p.text for p in b.doc.blocks if isinstance(p, Paragraph)]
    assert "Cells read η = step size, β = momentum." in " ".join(paras)
    assert "status steps" not in " ".join(paras)  # the store's status value, not a word
    methods = next(t for t in paras if t.startswith("Methods ("))
    assert "(a cell: one combination of the grid's values" in methods
    assert all(f"{label(m)} (" in methods for m in camp.methods())
    cost = next(t for t in paras if t.startswith("Cost of a run"))
    assert "nit" not in cost and "the run's cost × k/K, k the first of the run's K iterations " \
        "that reached the target" in cost


def test_figures_and_their_captions_name_the_methods_by_their_labels(camp):
    """Campaign pp. 5–8: the legends of the ECDFs and the profile, the grids' titles and
    captions printed the code names (gd, bfgs) where the tables print GD and BFGS."""
    import re

    from matplotlib.text import Text

    from optimizers.registry import label

    renamed = [m for m in METHODS if label(m) != m]  # momentum is printed as it is named
    assert renamed
    code = re.compile(r"(?<![\w-])({})(?![\w-])".format("|".join(renamed)))
    b = cr.campaign_builder(camp)
    figs = b.doc.figures()
    for block in figs:
        fig = Figure(figsize=(block.width / 72.0, block.fig_height / 72.0),
                     layout="constrained")
        block.draw_fn(fig)
        texts = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
        assert [t for t in [*texts, block.caption] if code.search(t)] == [], block.label
        if block.label in ("ecdf-cost", "profile"):
            assert all(any(t.startswith(label(m)) for t in texts) for m in METHODS)
        elif block.label.startswith("grid-"):
            o, m = block.label.removeprefix("grid-").split("-", 1)
            assert f"{camp.label(o)}: {label(m)}" in texts
            assert block.caption.startswith(f"{label(m)} on {camp.label(o)}: ")
    assert {f.label for f in figs} >= {"ecdf-cost", "profile", "grid-quadratic-gd"}


@pytest.mark.parametrize("which", ["camp", "no_f"])
def test_what_a_table_marks_is_said_before_its_first_rows(which, camp, no_f_store):
    """‘First of n tied’ and the rule for objectives without f* were notes printed where the
    best-cell table ended, a page after the first rows that use them: they are said in the
    paragraph right before the table (its heading's intro or a lead-in of the table, both
    kept with the table's first rows), and not repeated as notes."""
    from analysis.pages import lead_in
    from analysis.report import Heading, Paragraph, Table

    c = camp if which == "camp" else cr.load(no_f_store)
    blocks = cr.campaign_builder(c).doc.blocks
    seen = 0
    for i, t in enumerate(blocks):
        if not isinstance(t, Table):
            continue
        cells = " ".join(str(v) for row in t.rows for v in row)
        needs = (["first of n tied’"] if "tied)" in cells else []) + (
            ["Without f* (no target)"] if t.title.startswith("Best cell") and
            any(not cr.has_f_star(c, o) for o in c.objectives()) else [])
        if not needs:
            continue
        lead = blocks[i - 1]
        assert isinstance(lead, Paragraph), t.title
        assert lead_in(lead.text, t) or isinstance(blocks[i - 2], Heading)
        for phrase in needs:
            seen += 1
            assert phrase.lower() in lead.text.lower(), (t.title, phrase)
            assert not any(phrase.lower() in n.lower() for n in t.notes), (t.title, phrase)
    # camp: ties in both tables of best cells; no_f: the rule without f*
    assert seen >= (2 if which == "camp" else 1)


def test_costs_to_a_target_are_marked_estimated(camp):
    """The store's cost to a target is cost·k/nit (campaign.json says "estimated"): every number
    computed from it carries the estimated marker, not the measured one; ρ(∞) counts solved
    problems and stays measured."""
    from analysis.pages import HOW

    assert cr.hit_how(camp.meta) == "estimated"
    assert cr.hit_how({"cost_how": {"hit_cost": "exact: counted per iteration"}}) == "measured"
    assert cr.hit_how({}) == "estimated"
    b = cr.campaign_builder(camp)
    how = {(n.quantity, n.item): n.how for n in b.ledger}
    for q in ("cost where half the pairs are solved", "seconds where half the pairs are solved",
              "median cost to the reference target", "rho(tau=1)", "rho(tau=10)"):
        got = {h for (qq, _), h in how.items() if qq == q}
        assert got == {"estimated"}, (q, got)
    # campaign p. 4: an aRT of ∞ (no start reached the target) is exact, not estimated
    art = {n.item: (n.value, n.how) for n in b.ledger
           if n.quantity == "aRT to the reference target"}
    assert {h for v, h in art.values() if math.isfinite(v)} == {"estimated"}
    assert {h for v, h in art.values() if math.isinf(v)} == {"measured"}
    assert any(math.isinf(v) for v, _ in art.values())
    assert {h for (q, _), h in how.items() if q == "rho(tau=inf)"} == {"measured"}
    assert {h for (q, _), h in how.items() if q == "share of pairs solved"} == {"measured"}
    # campaign p. 2: "pairs solved 5098/6000" had no marker beside "share 0.85ᵐ"
    from analysis.pages import Table

    (ecdf,) = [t for t in b.doc.blocks if isinstance(t, Table)
               and [c.header for c in t.columns][1:3] == ["pairs solved", "share"]]
    assert all(r[1].endswith(HOW["measured"][0]) and r[1][:-1].replace("/", "").isdigit()
               for r in ecdf.rows)
    line = next(s for s in cr.summary_lines(b.data) if "ECDF" in s)
    assert "(estimated: the run's cost × k/K)" in line and "measured" not in line
    assert HOW["estimated"][0] not in {v[0] for k, v in HOW.items() if k != "estimated"}
    # the title page explains the markers the numbers carry, and only those
    legend = [blk.text for blk in b.doc.blocks if getattr(blk, "bullet", False)
              and any(blk.text.startswith(v[0] + " ") for v in HOW.values())]
    assert {t.split()[0] for t in legend} == {HOW[n.how][0] for n in b.ledger}


def test_share_columns_print_their_values_with_one_number_of_decimals(camp):
    """Campaign p. 2: the share column printed "0.85" beside "0.418" and "0.867": every
    share column prints its values with the same number of decimals (0.850)."""
    from analysis.pages import HOW, Table

    b = cr.campaign_builder(camp)
    marks = "".join(v[0] for v in HOW.values()) + "†‡§"
    checked = 0
    for t in b.doc.blocks:
        if not isinstance(t, Table):
            continue
        for j, col in enumerate(t.columns):
            if not (col.header == "share" or col.header.startswith(("ρ(", "share at"))
                    or col.header == "converged"):
                continue
            nums = [str(r[j]).rstrip(marks) for r in t.rows]
            nums = [v for v in nums if re.fullmatch(r"\d+(\.\d+)?", v)]
            if len(nums) < 2:
                continue
            checked += 1
            assert len({len(v.partition(".")[2]) for v in nums}) == 1, (t.title, col.header,
                                                                     nums)
    assert checked >= 3
    # the share of pairs solved is the count over the pairs, at the column's decimals
    (ecdf,) = [t for t in b.doc.blocks if isinstance(t, Table)
               and [c.header for c in t.columns][1:3] == ["pairs solved", "share"]]
    for r in ecdf.rows:
        solved, pairs = (int(v) for v in r[1].rstrip(marks).split("/"))
        share = r[2].rstrip(marks)
        assert float(share) == pytest.approx(solved / pairs, abs=0.5 * 10.0 ** -len(
            share.partition(".")[2]))


def test_a_local_minimum_without_f_star_is_said_to_be_local(no_f_store):
    """x·cos(cx) is unbounded below: its listed minimum is local, so f* is "—" with the reason,
    the same on the ECDF page, under the known minima and in the grid's caption."""
    from analysis.campaign.suites import SUITES
    from analysis.report import Table

    c = 0.15 * math.pi
    assert math.cos(c * XCOS_MIN) == pytest.approx(c * XCOS_MIN * math.sin(c * XCOS_MIN))
    camp = cr.load(no_f_store)
    camp.meta["objectives"]["xcos"]["note"] = SUITES["lecture"]["xcos"].note
    camp.meta["objectives"]["tanh"]["note"] = SUITES["lecture"]["tanh"].note
    reason = "local minima only, no global f*; unbounded below"
    assert cr.no_f_star_reason(camp.meta["objectives"]["xcos"]) == reason
    assert cr.no_f_star_reason(camp.meta["objectives"]["tanh"]) == "no minimum"
    assert cr.no_f_star_reason({"formula": "x**2 + 3*y**2"}) == "no f* given in the spec"
    # Himmelblau's function given as a formula: the classic suite knows f* = 0
    why = cr.no_f_star_reason({"formula": "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"})
    assert why.startswith("no f* given in the spec, yet it is the classic suite's himmelblau "
                          "with f* = 0")
    b = cr.campaign_builder(camp)
    text = " ".join(blk.text for blk in b.doc.blocks if isinstance(getattr(blk, "text", None),
                                                                    str))
    # tanh is the lecture suite's tanh x; this x·cos(0.15πx) has no parameter c, so it is
    # not the suite's x·cos(cx) (c = 0.15π) by formula and keeps the spec's label
    xcos = camp.label("xcos")
    assert xcos == "xcos" and camp.label("tanh") == "tanh x"
    assert f"{xcos} ({reason})" in text and "tanh x (no minimum)" in text
    minima = next(t for t in b.doc.blocks if isinstance(t, Table)
                  and t.title.startswith("Known minima"))
    row = next(r for r in minima.rows if r[0] == xcos)
    assert row[3] == "— (local only)"
    assert any(f"{xcos}: no global minimum (f unbounded below)" in n for n in minima.notes)
    cap = cr._grid_caption("xcos", "momentum", cr._grid_of(camp, "xcos", "momentum", 7, None),
                           None, True)
    assert "no f*: the known minimum is local only, so no target" in cap


def test_cell_numbers_are_legible_and_moved_evenly_off_the_boundary():
    """Numbers ≥ 7 pt at print size (the figure is drawn at its printed size); a number the
    boundary line would cross is moved by the same shift, to the side away from the line,
    and no drawn point of the line falls inside any number's box."""
    from analysis.campaign.figures import LABEL_SHIFT, label_clearance, label_position

    # by hand: a vertical line through x = 1.1 crosses cell (0, 1)'s number (box 0.83…1.17)
    px, py = np.full(50, 1.1), np.linspace(-0.5, 1.5, 50)
    assert label_clearance(1.0, 0.0, px, py) < 0
    assert label_position(1, 0, px, py) == (1.0 - LABEL_SHIFT, 0.0)
    assert label_position(0, 0, px, py) == (0.0, 0.0)  # clear of the line: stays centred
    assert label_position(2, 0, px, py) == (2.0, 0.0)
    assert label_position(1, 0, np.full(50, 0.9), py) == (1.0 + LABEL_SHIFT, 0.0)

    g = Grid("lr", np.array([0.05, 0.2, 0.3]), np.array([[1, 1, 0], [1, 0.5, 1.0]]),
             np.array([[0, 0, 1], [0, 0, 0]], bool), "momentum", np.array([0.0, 0.9]),
             lambda b: 2 * (1 + b) / 10, "η < 2(1+β)/L")
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 2.6), layout="constrained"))
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().replace(".", "").isdigit()]
    assert len(texts) == 6 and min(t.get_fontsize() for t in texts) >= 7
    shifts = {round(math.hypot(t.get_position()[0] - round(t.get_position()[0]),
                               t.get_position()[1] - round(t.get_position()[1])), 9)
              for t in texts}
    assert shifts <= {0.0, LABEL_SHIFT} and LABEL_SHIFT in shifts
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    r = canvas.get_renderer()
    line = next(ln for ln in ax.lines if ln.get_label().startswith("η"))
    pts = ax.transData.transform(np.column_stack(line.get_data()))
    pts = pts[np.isfinite(pts).all(axis=1)]
    for t in texts:
        bb = t.get_window_extent(r)
        inside = (pts[:, 0] > bb.x0) & (pts[:, 0] < bb.x1) & (pts[:, 1] > bb.y0) & \
            (pts[:, 1] < bb.y1)
        assert not inside.any(), t.get_text()


def test_ended_section_typesets_minima_and_does_not_repeat_titles(camp):
    """Campaign p. 6: the lead-in repeated the title of the table under it, and the minima
    were labelled 'x*0'; p. 2: 'hit_cost' (a column name) in a caption."""
    from analysis.report import Paragraph, Table

    assert cr.minimum_label(0) == "x*₀" and cr.minimum_label(12) == "x*₁₂"
    doc = cr.campaign_builder(camp).doc
    blocks = doc.blocks
    tables = [(i, t) for i, t in enumerate(blocks) if isinstance(t, Table)]
    (i, ended), = [(i, t) for i, t in tables if t.title.startswith("Where the starts")]
    lead = blocks[i - 1]
    assert isinstance(lead, Paragraph) and "first of n tied" in lead.text.lower()
    # p. 6: the lead dangled with a colon over the table's title and repeated the definition
    # the best-cell table's lead gives: it refers to that table instead
    assert not lead.text.rstrip().endswith(":") and "equal on every criterion" not in lead.text
    assert f"the table “{cr.BEST_TABLE}”" in lead.text
    assert not lead.text.lower().startswith("where the starts"), lead.text
    cells = " ".join(str(v) for _, t in tables for row in t.rows for v in row)
    assert "x*₀" in cells and "x*0" not in cells
    assert all("hit_cost" not in f.caption for f in doc.figures())


def test_an_objective_without_known_minima_is_not_counted_as_ending_at_none(no_f_store):
    """Campaign p. 6: x·cos(cx) listed no minima, yet its rows read "none 200" (every start
    "reached none") though the runs converged: such an objective gets a row "no known minima;
    not counted" in the minima table and n/a counts, while its diverged starts still count."""
    from analysis.report import Table

    camp = cr.load(no_f_store)
    b = cr.campaign_builder(camp)
    tables = {t.title: t for t in b.doc.blocks if isinstance(t, Table)}
    minima = tables[cr.MINIMA_TABLE]
    by_obj = {r[0]: r for r in minima.rows if r[0]}
    # tanh and saddle list no minima (NO_F_STAR above); xcos lists one
    for o in ("tanh", "saddle"):
        assert by_obj[camp.label(o)][2] == "no known minima; not counted"
    assert by_obj[camp.label("xcos")][1] == "x*₀"
    ended = next(t for title, t in tables.items() if title.startswith("Where the starts"))
    div: dict = {}
    for r in _rows(no_f_store):
        if r["method"] == "momentum":
            div.setdefault((camp.label(r["objective_id"]), cr.cell_words(r["cell"])), []).append(
                r["status"] == "diverged" or not math.isfinite(r["fun"]))
    for row in ended.rows:
        o, cell = row[0], row[2].split(" (first of")[0]
        if o == camp.label("xcos"):
            assert row[5] != "n/a" and not row[4].startswith("n/a")
            continue
        assert row[4].startswith("n/a") and row[5] == "n/a"
        assert int(row[6]) == sum(div[(o, cell)])


def test_the_summary_does_not_credit_a_best_aRT_of_a_mostly_diverged_cell_silently():
    """Campaign p. 1: "momentum: best on 9" came from beale, where its best cell diverged on
    168 of 200 starts (a diverged run stops early and costs little).  A hand-made profile:
    A is best on p0, p1 (objective "a") and p2; B on p3, p4 ("b"); C on p1, p3, p4, p5, but
    C's cell on "a" diverged on 7 of 10 starts and on "b" on 6 of 10: C's 4 become "4, but on
    3 of them …", and A, best on 3 with no such cell, is named first."""
    inf = math.inf
    problems = [("a", 1.0), ("a", 0.1), ("c", 1.0), ("b", 1.0), ("b", 0.1), ("c", 0.1)]
    R = [[1.0, 2.0, 3.0], [1.0, 3.0, 1.0], [1.0, inf, 1.5], [2.0, 1.0, 1.0],
         [2.0, 1.0, 1.0], [3.0, inf, 1.0]]
    cells = {f"{o}/{m}": {"diverged": d, "starts": 10}
             for o, m, d in [("a", "A", 0), ("a", "B", 5), ("a", "C", 7), ("b", "A", 0),
                             ("b", "B", 0), ("b", "C", 6), ("c", "A", 0), ("c", "B", 0),
                             ("c", "C", 1)]}
    data = {"profile": {"problems": problems, "methods": ["A", "B", "C"], "ratios": R},
            "best_cells": cells}
    line = cr.summary_lines(data)[1]
    assert line.startswith("A has the smallest aRT")
    assert "on 3 of 6 problems (objective, target); it solves all 6 (a problem is solved when " \
        "some start reaches its target, so that its aRT is finite; not every start need reach " \
        "it; it is named first: the most problems" in line
    assert "reaches the target on" not in line  # campaign p.1: read as "every start"
    assert ("C: best on 4, but on 3 of them its best cell diverged on most starts "
            "(a: 7 of 10, b: 6 of 10;") in line
    assert "B: best on 2, solves 4" in line  # 5 of 10 diverged on "a" is not most
    # without diverged cells nothing is qualified and the count leads
    data["best_cells"] = {k: {**v, "diverged": 0} for k, v in cells.items()}
    line = cr.summary_lines(data)[1]
    assert line.startswith("C has the smallest aRT") and "diverged" not in line
    assert "it solves all 6 (a problem is solved when some start" in line  # not "on 30"
    # solved = a finite aRT: at least one start reached the target, whatever the others did
    assert all(math.isfinite(r[2]) for r in R)
    R[0][0] = R[1][0] = R[2][0] = R[3][0] = R[4][0] = R[5][0] = inf  # A never solves
    R[0][2] = R[1][2] = R[2][2] = R[3][2] = R[4][2] = R[5][2] = 1.0
    R[5][2] = inf
    line = cr.summary_lines(data)[1]
    assert "it solves 5 of 6 (a problem is solved when" in line
    assert cr.mostly_diverged(168, 200) and not cr.mostly_diverged(100, 200)


def test_a_best_aRT_of_a_mostly_diverged_cell_is_qualified_in_the_profile_and_best_cells(
        camp, monkeypatch):
    """Campaign pp. 3–4: momentum's best beale cell, where 168 of 200 starts diverged, was
    credited at ρ(1) by the profile (caption and table) and by the best-cell table's aRT
    without the qualification the summary gives.  Here bfgs's best cells are made to diverge
    on every start: the profile caption says so in the summary's words, its ρ(1) and the aRT
    of each best cell it is credited for carry †, and the paragraph before the best-cell
    table says what † means there (counts taken from the profile's ratios here).  Campaign
    p. 3: † also marked ρ(1) in the profile table with another meaning on the same page; ρ(1)
    now carries ‡."""
    from analysis.report import Paragraph, Table

    real = cr.best_cells

    def diverging(c, ref):
        return {k: (replace(s, diverged=s.starts) if k[1] == "bfgs" else s)
                for k, s in real(c, ref).items()}

    monkeypatch.setattr(cr, "best_cells", diverging)
    b = cr.campaign_builder(camp)
    assert not b.failures, [f.text() for f in b.failures]
    prof = b.data["profile"]
    R, methods = np.asarray(prof["ratios"], float), prof["methods"]
    k = methods.index("bfgs")
    per_obj: dict[str, int] = {}
    for (o, _), r in zip(prof["problems"], R[:, k], strict=True):
        if r <= 1.0:
            per_obj[o] = per_obj.get(o, 0) + 1
    n = sum(per_obj.values())
    assert n > 0  # bfgs is best somewhere in this store
    starts = {o: real(camp, cr.reference_index(camp.targets))[o, "bfgs"].starts
              for o in per_obj}
    qual = (f"but on all {n} its best cell diverged on most starts ("
            + ", ".join(f"{camp.label(o)}: {starts[o]} of {starts[o]}" for o in sorted(per_obj))
            + "; a diverged run stops early and costs little, which lowers the aRT)")
    caption = next(f.caption for f in b.doc.figures() if f.label == "profile")
    assert f"ρ(1) of BFGS counts the {n} problems where it is best, {qual}." in caption
    labels = {o: camp.label(o) for o in camp.objectives()}
    assert f"BFGS: best on {n}, {qual}, solves" in cr.summary_lines(b.data, labels)[1]
    blocks = b.doc.blocks
    table = next(t for t in blocks if isinstance(t, Table) and t.title.startswith("Profile"))
    rho1 = {row[0]: row[1] for row in table.rows}
    # the profile's mark is not the best-cell table's † (one mark, one meaning per page)
    assert rho1["BFGS"].endswith("‡") and not any(v.endswith(("‡", "†"))
                                                  for m, v in rho1.items() if m != "BFGS")
    assert not any(v.endswith("†") for v in rho1.values())
    # the note points to the caption's counts rather than repeating them
    assert table.notes == ["‡ ρ(1) of BFGS counts problems where its best cell diverged on "
                           "most starts (the figure's caption above gives how many)."]
    assert qual not in table.notes[0]
    i = next(i for i, t in enumerate(blocks) if isinstance(t, Table) and t.title == cr.BEST_TABLE)
    art = {(row[0], row[1]): row[6] for row in blocks[i].rows}
    marked = {key for key, v in art.items() if v.endswith("†")}
    assert marked == {(camp.label(o), "BFGS") for o in per_obj}
    lead = " ".join(p.text for p in blocks[:i] if isinstance(p, Paragraph))
    T = len(camp.targets)
    assert "†\u00a0The smallest aRT, yet most starts diverged (diverging is cheap): " + "; ".join(
        f"BFGS on {camp.label(o)} ({per_obj[o]} of {T} targets; {starts[o]} of {starts[o]} "
        "diverged)"
        for o in per_obj) + "." in lead
    # the same rule as the summary's: a cell where half the starts diverged is not qualified
    assert not cr.diverged_best([("a", 1.0)], ["A"], [[1.0]], {("a", "A"): (5, 10)}).any()
    assert cr.diverged_best([("a", 1.0)], ["A"], [[1.0]], {("a", "A"): (6, 10)}).all()


def test_a_share_reads_the_same_in_a_grid_and_in_the_best_cell_table(camp):
    """Campaign p. 4: beale's momentum cell lr=0.01, β=0.9 read 0.14 in the heat map
    (two decimals) and 0.145 in the best-cell table (three significant digits): each
    momentum grid's number in the best cell is the text of the table's share column."""
    from analysis.report import Table

    b = cr.campaign_builder(camp)
    table = next(t for t in b.doc.blocks if isinstance(t, Table) and t.title == cr.BEST_TABLE)
    ref = cr.reference_index(camp.targets)
    best = cr.best_cells(camp, ref)
    seen = 0
    ids = {camp.label(o): o for o in camp.objectives()}
    for row in table.rows:
        o, m = ids[row[0]], row[1]
        if m != "momentum" or not cr.has_f_star(camp, o):
            continue
        g = cr._grid_of(camp, o, m, ref, None)
        a = cr._cell_axes(best[o, m].cell)
        i, j = int(np.flatnonzero(g.y == a["momentum"])[0]), int(np.flatnonzero(g.x == a["lr"])[0])
        fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 2.6), layout="constrained"))
        texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
                 for t in fig.axes[0].texts}
        assert texts[i, j] == row[3].rstrip("ᵐ"), (o, texts[i, j], row[3])
        seen += 1
    assert seen == 2
    # by hand: 29 of 200 starts is 0.145, printed so in a cell; 1 and 0 as the tables do
    g = Grid("lr", np.array([0.001, 0.01]), np.array([[0.0, 29 / 200], [1.0, 0.785]]),
             np.zeros((2, 2), bool), "momentum", np.array([0.0, 0.9]))
    fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 2.6), layout="constrained"))
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["0", "0.145", "0.785", "1"]


def test_ecdf_curves_drawn_apart_show_where_they_coincide(camp):
    """Campaign p. 3: every profile curve rises at τ = 1, and bfgs's riser lay under
    newton's.  With ``apart`` each curve is drawn on top of the one before it and narrower
    (curve_widths), every point at its data (campaign p. 2: curves shifted right drew
    Newton's step at ½, tabled at 11.00, at about 13), its pale continuation starting where
    the curve ends; the campaign's ECDF and profile figures draw so and their captions say
    it."""
    same = np.array([1.0, 2.0, 4.0, np.nan])
    costs = {"a": same, "b": same.copy(), "c": same.copy(), "none": np.full(4, np.nan)}
    fig = plots.plot_ecdf(costs, apart=True,
                          fig=Figure(figsize=(6.8, 4), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    plots._renderer(fig)

    def line(label):
        return next(ln for ln in ax.lines if ln.get_label().startswith(label))

    w = [line(lab + ":").get_linewidth() for lab in "abc"]
    np.testing.assert_allclose(w, [2.6, 1.8, 1.0])  # 0.8 pt apart, the last 1 pt
    z = [line(lab + ":").get_zorder() for lab in "abc"]
    assert z == sorted(z) and len(set(z)) == 3  # each on top of the one before it
    for lab in "abc":  # on the data; the pale continuation starts where the curve ends
        ln = line(lab + ":")
        assert ln.get_transform() == ax.transData
        assert line("_flat " + lab).get_xydata()[0, 0] == ln.get_xydata()[-1, 0]
    assert plots.ecdf_apart_text(costs) == (
        "  So that curves lying on one another all show, each is drawn on top of the one "
        "before it in the legend and 0.8 pt narrower (from 2.6 pt to 1 pt), every step at "
        "its value.")
    assert plots.ecdf_apart_text({"a": same, "none": costs["none"]}) == ""
    # without apart the curves are drawn alike, as before
    fig = plots.plot_ecdf(costs, fig=Figure(figsize=(6.8, 4), layout="constrained"))
    ax = fig.axes[0]
    lines = [ln for ln in ax.lines if ln.get_label()[:2] in ("a:", "b:")]
    assert lines[0].get_linewidth() == lines[1].get_linewidth()

    b = cr.campaign_builder(camp)
    for block in b.doc.figures():
        if block.label not in ("profile", "ecdf-cost", "ecdf-time"):
            continue
        if block.label == "ecdf-time":  # drawn alike: it refers to the cost panel's caption
            assert block.caption.endswith("as in the cost panel."), block.caption
            continue
        assert "each is drawn on top of the one before it" in block.caption, block.label
        fig = Figure(figsize=(block.width / 72.0, block.fig_height / 72.0),
                     layout="constrained")
        block.draw_fn(fig)
        ax = fig.axes[0]
        curves = [ln for ln in ax.lines if ":" in ln.get_label()
                  and not ln.get_label().startswith("_")]
        assert [ln.get_linewidth() for ln in curves] == plots.curve_widths(len(curves))
        assert all(ln.get_transform() == ax.transData for ln in curves)


def test_each_ecdf_curve_ends_at_the_share_printed_and_its_pale_line_starts_there(camp):
    """Campaign p. 2: the curves drawn apart were shifted up as well as right, so Newton's
    ended at about 0.89 above its pale line and its printed share 0.867.  On the page (in
    points) the last step of every drawn curve lies at the share the table prints, and its
    pale continuation starts at that very point (centred on it with the others ending at
    that share, side by side: flat_stripes), unless that share is 1."""
    from analysis.pages import HOW, Table

    b = cr.campaign_builder(camp)
    (table,) = [t for t in b.doc.blocks if isinstance(t, Table)
                and [c.header for c in t.columns][1:3] == ["pairs solved", "share"]]
    printed = {}
    for row in table.rows:
        solved, total = (int(v) for v in row[1].rstrip(HOW["measured"][0]).split("/"))
        share = float(row[2].rstrip(HOW["measured"][0]))
        assert share == pytest.approx(solved / total, abs=0.0005)
        printed[row[0]] = solved / total
    (block,) = [blk for blk in b.doc.figures() if blk.label == "ecdf-cost"]
    fig = Figure(figsize=(block.width / 72.0, block.fig_height / 72.0), layout="constrained")
    block.draw_fn(fig)
    ax = fig.axes[0]
    plots._renderer(fig)
    curves = {ln.get_label().split(":")[0]: ln for ln in ax.lines
              if ":" in ln.get_label() and not ln.get_label().startswith("_")}
    assert len(curves) >= 2 and set(curves) <= set(printed)
    stripes = plots.flat_stripes([printed[lab] for lab in curves])
    for (lab, ln), (dy, _) in zip(curves.items(), stripes, strict=True):
        end = ln.get_transform().transform(ln.get_xydata()[-1:])[0]
        share = ax.transData.transform([[1.0, printed[lab]]])[0, 1]
        assert ln.get_xydata()[-1, 1] == pytest.approx(printed[lab], abs=1e-12)
        assert end[1] == pytest.approx(share, abs=1e-6), lab
        if printed[lab] == 1.0:  # the reference line at 1 carries it (plot_ecdf)
            assert not [f for f in ax.lines if f.get_label() == "_flat " + lab]
            continue
        flat = next(f for f in ax.lines if f.get_label() == "_flat " + lab)
        start = flat.get_transform().transform(flat.get_xydata()[:1])[0]
        assert start[0] == pytest.approx(end[0], abs=1e-6), lab
        assert start[1] - end[1] == pytest.approx(dy * fig.dpi / 72.0, abs=1e-6), lab


def test_each_kind_of_number_prints_in_one_form(camp, monkeypatch):
    """Campaign pp. 1–2: the targets read "0.001, 0.0001, 1e−05, 1e−06", the cost weights
    "c_f = 1.0" in one bullet and "c_f = 1" in the next, and the ECDF table "36" beside
    "38.08".  Every target below 1 now reads as a power of ten, the weights alike wherever
    printed, and a column of costs at ½ shows one count of significant digits."""
    from analysis.pages import HOW, Paragraph, Table
    from analysis.report import significant_digits

    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

    def power(v):
        k = round(math.log10(v))
        assert v == pytest.approx(10.0 ** k)
        return str(round(v)) if k >= 0 else "10⁻" + str(-k).translate(sup)

    text = cr.targets_text(camp)
    listed = text.split("minimum value: ")[1].split(";")[0].split(", ")
    assert listed == [power(v) for v in camp.targets]
    assert "0.01" not in text and "e−" not in text and "e-" not in text
    assert f"Δ_ref = {power(camp.targets[cr.reference_index(camp.targets)])}." in text

    orig, seen = cr.half_solved_cost, []

    def half(v):  # the first cost at ½ a round number, as Newton's 36 on the campaign page
        x = orig(v)
        if not seen and np.isfinite(x) and x >= 1:
            seen.append(x)
            return float(round(x))
        return x

    monkeypatch.setattr(cr, "half_solved_cost", half)
    b = cr.campaign_builder(camp)
    w = camp.meta["cost_weights"]
    said = f"c_f = {w['f']:g}, c_g = {w['g']:g}, c_h = {w['h']:g}"
    bullets = [blk.text for blk in b.doc.blocks if isinstance(blk, Paragraph)]
    assert any(t.startswith("Cost of a run:") and f"with {said};" in t for t in bullets)
    assert any(f"in weighted evaluations with {said}" in t for t in bullets)
    (table,) = [t for t in b.doc.blocks if isinstance(t, Table)
                and [c.header for c in t.columns][1:3] == ["pairs solved", "share"]]
    costs = [row[3].rstrip(HOW[h][0]) for row in table.rows for h in HOW
             if row[3].endswith(HOW[h][0])]
    costs = [c for c in costs if c != "—"]
    assert seen and len(costs) >= 2
    assert len({significant_digits(c) for c in costs}) == 1, costs
    assert f"{seen[0]:.0f}." + "0" * (significant_digits(costs[0]) - len(f"{seen[0]:.0f}")) \
        in costs


def test_the_seconds_at_half_solved_print_in_one_notation(camp, monkeypatch):
    """Campaign p. 2: the column "seconds at ½ solved" read "3.13e−05", "4.77e−06" beside
    Newton's "0.000105" (%g writes 1.05·10⁻⁴ in fixed notation): when any value of the column
    needs an exponent, every value is written with one, to the digits it showed."""
    from analysis.pages import Table

    orig, queue = cr.half_solved_cost, [3.13e-05, 1.05e-04, 4.77e-06]  # one per method

    def half(v):  # costs (≥ 1 evaluation) as measured; the seconds (< 1) as on that page
        x = orig(v)
        return queue.pop(0) if np.isfinite(x) and x < 1 and queue else x

    monkeypatch.setattr(cr, "half_solved_cost", half)
    b = cr.campaign_builder(camp)
    (table,) = [t for t in b.doc.blocks if isinstance(t, Table)
                and [c.header for c in t.columns][1:3] == ["pairs solved", "share"]]
    assert not queue  # the three methods' seconds were all replaced
    assert [row[4] for row in table.rows] == ["3.13e-05ᵃ", "1.05e-04ᵃ", "4.77e-06ᵃ"]
    # a column that needs no exponent keeps its fixed notation (the costs beside it)
    assert not any("e" in row[3] for row in table.rows), [row[3] for row in table.rows]


def test_the_title_page_defines_every_objective_and_how_the_starts_were_drawn(camp):
    """Campaign p. 1: "Objectives (4): beale, himmelblau, rosenbrock, xcos" left xcos
    undefined, and neither the boxes nor how the starts were drawn were said, so no count
    could be reproduced: each objective now reads with its formula, parameters and box (from
    the store's own description), and the starts with their number and seeds."""
    import json

    from analysis.pages import Paragraph

    meta = json.loads((camp.root / "campaign.json").read_text())
    b = cr.campaign_builder(camp)
    text = " ".join(blk.text for blk in b.doc.blocks if isinstance(blk, Paragraph))
    text = text.replace("−", "-").replace("\u00a0", " ")  # a box's spaces do not break
    for name, o in meta["objectives"].items():
        box = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in o["box"])
        # the formula as running text: powers raised, · for *, − for -
        shown = (o["formula"].replace("**2", "²").replace("*", "·"))
        assert f"{camp.label(name)}: f = {shown}" in text, name
        assert f"{shown} on {box}" in text, (name, box)
    n = meta["starts"]
    assert f"Starts: {n} starts per seed (seed" in text
    assert ", ".join(map(str, meta["seeds"])) in text


def test_a_fixed_step_cell_shows_no_share_converged(tmp_path):
    """Campaign p. 4: momentum's fixed-step runs read "converged 0ᵐ" beside "share at Δref
    1ᵐ" — a run of a fixed number of steps never has status converged, so its column shows
    a dash, marked and explained, while a method that stops on its tolerance keeps its
    share (recounted here from the raw rows)."""
    from analysis.campaign.figures import SHARE_DIGITS
    from analysis.report import Table, fmt_num

    store = write_store(tmp_path, starts=6, objectives=QUAD,
                        methods={"momentum": ({"lr": [0.05, 0.1]}, {"steps": 40}),
                                 "bfgs": ({}, {})})
    camp = cr.load(store)
    rows = _rows(store)
    assert {r["status"] for r in rows if r["method"] == "momentum"} <= {"steps", "diverged"}
    ref = cr.reference_index(camp.targets)
    best = cr.best_cells(camp, ref)
    assert best["quadratic", "momentum"].fixed_steps
    assert not best["quadratic", "bfgs"].fixed_steps
    b = cr.campaign_builder(camp)
    table = next(t for t in b.doc.blocks if isinstance(t, Table) and t.title == cr.BEST_TABLE)
    col = [c.header for c in table.columns].index("converged")
    by = {row[1]: row[col] for row in table.rows}
    assert by["momentum"] == "—" + cr.FIXED_MARK
    bfgs = [r["status"] == "converged" for r in rows if r["method"] == "bfgs"]
    assert by["BFGS"] == fmt_num(sum(bfgs) / len(bfgs), SHARE_DIGITS) + "ᵐ"
    assert cr.FIXED_NOTE in table.notes and cr.FIXED_NOTE.startswith(cr.FIXED_MARK + " ")


def test_objectives_are_named_in_words_and_pi_is_typeset():
    """Campaign p. 1: "beale", "himmelblau" and "xcos" (code names) named the objectives and
    "c = 0.15·pi" printed SymPy's name of π.  A built-in function reads by its name, also
    under a spec's own label when its formula and parameters are the built-in's; any other
    objective by the spec's label."""
    from analysis.campaign.suites import SUITES
    from analysis.pages import inline_math

    beale = SUITES["classic"]["beale"].record()
    assert cr.objective_label("beale", beale) == "Beale"
    assert cr.objective_label("hb", SUITES["classic"]["himmelblau"].record()) == "Himmelblau"
    xcos = {"formula": "x * cos(c*x)", "params": {"c": "0.15*pi"}, "box": [[-20, 20]]}
    assert cr.objective_label("xcos", xcos) == "x·cos(cx)"
    assert cr.objective_label("xcos", {**xcos, "params": {"c": "0.2"}}) == "xcos"
    assert cr.objective_label("mine", {"formula": "x**2 + 3*y**2"}) == "mine"
    assert cr.objective_text("x·cos(cx)", {**xcos, "formula": "x*cos(c*x)"}).startswith(
        "x·cos(cx): f = x·cos(c·x), c = 0.15·π on ")
    assert inline_math("2*pi*x") == "2·π·x" and inline_math("spin") == "spin"


def test_the_title_page_defines_f_star_and_says_which_objectives_have_no_target(no_f_store,
                                                                                  camp):
    """Campaign p. 1: "on 16 of 30 problems" while 4 objectives × 10 targets are listed, and
    f* used undefined: the targets' line defines f*, names the objectives without one and
    counts the problems that remain."""
    t = len(camp.targets)
    assert cr.targets_text(camp).startswith(
        "Targets Δ on f − f*, f* the objective's known global minimum value: ")
    assert "left out" not in cr.targets_text(camp)
    mixed = cr.load(no_f_store)
    # give one of the three objectives an f*: two are left out, one remains
    mixed.meta["objectives"]["saddle"] = {**mixed.meta["objectives"]["saddle"], "f_star": 0.0}
    text = cr.targets_text(mixed)
    n = len(mixed.targets)
    assert (f"  Without a known f*, left out of the targets: {cr.no_f_star_sentence(mixed)}; "
            f"the 1 objective with f* give 1 × {n} = {n} problems (objective, target).") in text
    assert "tanh x" in cr.no_f_star_sentence(mixed) and "saddle" not in \
        cr.no_f_star_sentence(mixed)
    assert t == n


def test_a_grid_caption_gives_the_symbols_values_and_the_cells_predicted_unstable(camp):
    """Campaign p. 5: the Rosenbrock caption neither said which cells are predicted unstable
    nor gave the boundary within the cells, and no caption gave δ's value.  On the quadratic
    (L = 10) the momentum threshold is 2(1 + β)/((1 − δ)·10) with δ = 0: the cells at or
    above it are listed, and δ's value where it is the same in every cell."""
    from analysis.campaign.figures import boundary_note

    ref = cr.reference_index(camp.targets)
    curv = cr.minimum_curvatures("0.5*x**2 + 5*y**2", None, [[0.0, 0.0]], None)
    chk = cr.stability_check(camp, "quadratic", "momentum", curv)
    cap = cr._grid_caption(camp.label("quadratic"), "momentum",
                           cr._grid_of(camp, "quadratic", "momentum", ref, chk), chk)
    unstable = []
    for cell in camp.cells("quadratic", "momentum"):
        a = cr._cell_axes(cell)
        if a["lr"] >= 2 * (1 + a["momentum"]) / 10:
            unstable.append(f"η = {a['lr']:g}, β = {a['momentum']:g}")
    assert unstable and len(unstable) < len(camp.cells("quadratic", "momentum"))
    assert f" Predicted unstable: {'; '.join(unstable)}." in cap
    hyp = dict(chk.hypers[0])
    assert cr.formula_symbols_text(replace(chk, hypers=[{**h, "dampening": 0.0}
                                                          for h in chk.hypers])) == \
        "β = momentum, δ = dampening = 0 in every cell"
    assert "momentum" in hyp
    # a boundary that lies within the cells: its values at the first and last rows are said
    g = Grid("lr", np.array([0.001, 0.01]), np.zeros((2, 2)), np.ones((2, 2), bool),
             "momentum", np.array([0.0, 0.9]), lambda b: 2 * (1 + b) / 1001.6, "η")
    assert boundary_note(g) == (f"The boundary is at η = {fmt(2 / 1001.6, 3)} for β = 0 and "
                                f"η = {fmt(3.8 / 1001.6, 3)} for β = 0.9.")


def test_ecdf_markers_at_one_half_keep_the_order_of_the_crossings():
    """Campaign p. 2: Newton reaches ½ at 36.00, BFGS at 38.08 (0.024 decade, about 2 pt),
    but Newton's curve, drawn 4.8 pt right, crossed ½ right of BFGS's.  With ``half`` a
    black-edged marker of each curve sits at ½ where it reaches it, on its riser (the curves
    are no longer shifted), so markers and curves keep the order of the true crossings."""
    rng = np.random.default_rng(3)
    bfgs = np.concatenate([rng.uniform(5.0, 38.0, 49), [38.08], rng.uniform(40, 200, 50)])
    mom = np.concatenate([rng.uniform(3.0, 300.0, 40), np.full(60, np.nan)])
    newton = np.concatenate([rng.uniform(5.0, 35.9, 49), [36.0], rng.uniform(40, 200, 50)])
    costs = {"BFGS": bfgs, "momentum": mom, "Newton": newton}
    cross = {k: float(np.sort(v[np.isfinite(v)])[49]) if np.sum(np.isfinite(v)) >= 50
             else math.nan for k, v in costs.items()}
    assert cross["Newton"] == 36.0 and cross["BFGS"] == 38.08 and math.isnan(cross["momentum"])
    fig = plots.plot_ecdf(costs, apart=True, half=True,
                          fig=Figure(figsize=(3.4, 3.0), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    plots._renderer(fig)
    pt = 72.0 / fig.dpi
    marks = {ln.get_label().removeprefix("_half "): ln for ln in ax.lines
             if ln.get_gid() == "ecdf-half"}
    assert set(marks) == {"BFGS", "Newton"}  # momentum never reaches ½
    page_x = {}
    for k, ln in marks.items():
        (x, y), = ln.get_xydata()
        assert (x, y) == (cross[k], 0.5)
        # on the data (set above or below ½ only when on another marker)
        assert ln.get_transform().transform((x, y))[0] == pytest.approx(
            ax.transData.transform((x, y))[0])
        page_x[k] = float(ax.transData.transform((x, y))[0]) * pt
    assert page_x["Newton"] < page_x["BFGS"]  # the order of the true crossings

    def drawn_crossing(label):  # where the curve itself crosses ½, in points
        ln = next(ln for ln in ax.lines if ln.get_label().startswith(label + ":"))
        xy = ln.get_transform().transform(ln.get_xydata()) * pt
        return float(xy[np.argmax(ln.get_xydata()[:, 1] >= 0.5), 0])

    for k in marks:  # each marker on its curve's riser
        assert drawn_crossing(k) == pytest.approx(page_x[k])
    assert plots.ecdf_apart_text(costs, half=True).endswith(
        "; a black-edged marker at ½ shows where each curve reaches ½ (markers that would "
        "overlap are set just above and below ½).")
    fig = plots.plot_ecdf(costs, apart=True, fig=Figure(figsize=(3.4, 3.0),
                                                        layout="constrained"))
    assert not [ln for ln in fig.axes[0].lines if ln.get_gid() == "ecdf-half"]


def test_profile_markers_show_rho_at_one_above_the_curves():
    """Campaign p. 3: the profile's curves all rise at τ = 1, one riser on another, hiding
    the value the table leads with: with ``anchor`` a marker of each curve sits at τ = 1,
    above the curves, at its ρ(1) (the share of ratios equal to 1), on the data."""
    r = {"a": np.array([1.0, 1.0, 2.0, 3.0, np.inf]), "b": np.array([1.0, 2.0, 2.0, 1.0, 1.0]),
         "c": np.array([1.0, 5.0, np.inf, np.inf, 1.0])}
    fig = plots.plot_ecdf(r, apart=True, anchor=True,
                          fig=Figure(figsize=(6.8, 4), layout="constrained"))
    assert plots.audit(fig) == []
    ax = fig.axes[0]
    marks = {ln.get_label().removeprefix("_anchor "): ln.get_xydata()[0]
             for ln in ax.lines if ln.get_gid() == "ecdf-anchor"}
    # every curve, the first too: its own marker at τ = 1 lies under the later curves
    # (campaign p. 3: BFGS's ρ(1) = 0.167 under momentum's squares)
    assert set(marks) == {"a", "b", "c"}
    top = max(ln.get_zorder() for ln in ax.lines if ln.get_gid() != "ecdf-anchor")
    assert all(ln.get_zorder() > top for ln in ax.lines if ln.get_gid() == "ecdf-anchor")
    for lab, (x, y) in marks.items():
        assert x == 1.0 and y == pytest.approx(np.mean(r[lab] == 1.0))
        ln = next(ln for ln in ax.lines if ln.get_gid() == "ecdf-anchor"
                  and ln.get_label().endswith(lab))
        assert ln.get_transform() == ax.transData
    fig = plots.plot_ecdf(r, apart=True, fig=Figure(figsize=(6.8, 4), layout="constrained"))
    assert not [ln for ln in fig.axes[0].lines if ln.get_gid() == "ecdf-anchor"]
    assert plots.ecdf_apart_text(r, anchor=True).endswith(
        "; a black-edged marker at τ = 1 shows each curve's ρ(1).")


#: the quadratic with f* = 0 and no minimizers listed, and with its minimizer listed
F_STAR_ONLY = {"quad_f": ("0.5*x**2 + 5*y**2", [[-2.0, 2.0], [-2.0, 2.0]], 0.0, []),
               "quad_m": ("0.5*x**2 + 5*y**2", [[-2.0, 2.0], [-2.0, 2.0]], 0.0, [[0.0, 0.0]])}


@pytest.fixture(scope="module")
def f_only_store(tmp_path_factory) -> Path:
    # η = 0.3 > 2/L = 0.2: every start diverges, so none reaches the listed minimum
    return write_store(tmp_path_factory.mktemp("fonly"), starts=4, maxiter=100,
                       objectives=F_STAR_ONLY, methods={"gd": ({"lr": [0.3]}, {}),
                                                        "bfgs": ({}, {})})


def test_known_minima_print_f_star_without_minimizers_and_say_none_reached(f_only_store):
    """Campaign p. 7: the quadratic (f_star = 0 in the spec, no minimizers) read "—" under
    f* though the report uses its f* (targets, profiles); and Beale GD's "—" under "known
    minimum reached" could mean no minima or none reached.  f* now prints wherever it is
    known, and a cell where minima are listed but no start ended at one reads "none
    reached" (its starts counted under none or diverged)."""
    from analysis.report import Table

    camp = cr.load(f_only_store)
    b = cr.campaign_builder(camp)
    tables = {t.title: t for t in b.doc.blocks if isinstance(t, Table)}
    by_obj = {r[0]: r for r in tables[cr.MINIMA_TABLE].rows if r[0]}
    assert by_obj[camp.label("quad_f")][3] == "0"
    assert by_obj[camp.label("quad_m")][3] == "0"
    ended = next(t for title, t in tables.items() if title.startswith("Where the starts"))
    rows = {(r[0], r[1]): r for r in ended.rows}
    div = {o: sum(r["status"] == "diverged" or not math.isfinite(r["fun"])
                  for r in _rows(f_only_store) if r["objective_id"] == o and r["method"] == "gd")
           for o in F_STAR_ONLY}
    gd_m = rows[(camp.label("quad_m"), cr.method_label("gd"))]
    assert div["quad_m"] == 4 and gd_m[4] == "none reached" and gd_m[6] == "4"
    assert rows[(camp.label("quad_m"), cr.method_label("bfgs"))][4] == "x*₀: 4"
    assert cr.reached_text({1: 3, 0: 2}, True) == "x*₀: 2, x*₁: 3"


def test_a_minimum_found_by_the_exact_solve_is_known_in_every_table(f_only_store):
    """Campaign p. 7: the quadratic 0.5x² + 5y² (f* = 0, no minimizer in the spec) read "n/a
    (no known minima)" in the table of where starts ended, while the title page and the
    stability captions take its minimum (0, 0) from the exact solve of ∇f = 0 and every
    start reached f*.  ∇f = (x, 10y) vanishes only at (0, 0): the minima table lists it as
    x*₀ (saying where it comes from), and each best cell counts the starts whose final x lies
    within the store's tolerance 10⁻³ of it (counted here from the rows' x), the diverged ones
    apart; the lead no longer says the objective has nothing to reach."""
    from analysis.report import Paragraph, Table

    camp = cr.load(f_only_store)
    b = cr.campaign_builder(camp)
    blocks = b.doc.blocks
    tables = {t.title: t for t in blocks if isinstance(t, Table)}
    (row,) = [r for r in tables[cr.MINIMA_TABLE].rows if r[0] == camp.label("quad_f")]
    assert row[1:4] == ["x*₀", f"(0, 0) ({cr.SOLVED_MINIMA}; none listed in the spec)", "0"]
    assert cr.NO_MINIMA not in [r[2] for r in tables[cr.MINIMA_TABLE].rows]
    ended = next(t for title, t in tables.items() if title.startswith("Where the starts"))
    rows = {(r[0], r[1]): r for r in ended.rows}
    for m in ("gd", "bfgs"):
        mine = [r for r in _rows(f_only_store) if r["objective_id"] == "quad_f"
                and r["method"] == m]
        div = [r["status"] == "diverged" or not math.isfinite(r["fun"]) for r in mine]
        at = sum(not d and max(abs(v) for v in r["x"]) <= 1e-3
                 for r, d in zip(mine, div, strict=True))
        none = sum(not d for d in div) - at
        row = rows[(camp.label("quad_f"), cr.method_label(m))]
        assert row[4] == (f"x*₀: {at}" if at else "none reached"), row
        assert row[5:] == [str(none), str(sum(div))], row
    # gd at η = 0.3 > 2/L = 0.2 diverges everywhere; BFGS ends at the minimum from every start
    assert rows[(camp.label("quad_f"), cr.method_label("gd"))][4:] == ["none reached", "0", "4"]
    assert rows[(camp.label("quad_f"), cr.method_label("bfgs"))][4:] == ["x*₀: 4", "0", "0"]
    (lead,) = [p for p in blocks if isinstance(p, Paragraph)
               and p.text.startswith("Known minima of each objective")]
    assert "nothing to reach" not in lead.text and cr.SOLVED_MINIMA in lead.text
    assert cr.known_minima({"minima": [[1.0, 2.0]]}, [[0.0, 0.0]]) == [[1.0, 2.0]]
    assert cr.known_minima({"minima": []}, [[0.0, 0.0]]) == [[0.0, 0.0]]
    assert cr.known_minima({}, None) == []


def test_predicted_unstable_cells_are_listed_in_the_grids_order(camp):
    """Campaign pp. 4–5: "Predicted unstable: η = 0.19; η = 0.1; η = 0.21; η = 0.15;
    η = 0.05", the store's order (the order its tasks finished).  With the store read in
    reverse, the check and the caption list the cells by η, then β, ascending."""
    rev = replace(camp, groups=dict(reversed(list(camp.groups.items()))))
    curv = cr.minimum_curvatures("0.5*x**2 + 5*y**2", 2, [[0.0, 0.0]])
    for m, names in (("gd", ["lr"]), ("momentum", ["lr", "momentum"])):
        chk = cr.stability_check(rev, "quadratic", m, curv)
        want = sorted(chk.cells, key=lambda cell: tuple(
            float(dict(kv.split("=") for kv in cell.split(","))[n]) for n in names))
        assert chk.cells == want and rev.cells("quadratic", m) != want
        g = cr._grid_of(rev, "quadratic", m, 7, chk)
        caption = cr._grid_caption("quadratic", m, g, chk, True)
        rest = caption.split("Predicted unstable: ")[1]
        unstable = [cr.cell_words(cell) for cell, ok in zip(want, chk.predicted, strict=True)
                    if not ok]
        assert unstable and rest.startswith("; ".join(unstable) + "."), caption


def test_the_summary_says_why_the_best_on_counts_exceed_the_problems():
    """Campaign p. 1: "best on" 17 + 12 + 1 + 11 = 41 of 40 problems, because GD and
    momentum tie on (quadratic, Δ = 10).  A hand-made profile with one tie (A and B on
    (a, 10)): the counts printed add to 4 of 3, and the line says where the tie is; without
    a tie nothing is added."""
    problems = [("a", 10.0), ("a", 0.1), ("b", 10.0)]
    R = [[1.0, 1.0, 2.0], [2.0, 1.0, 3.0], [1.5, 2.0, 1.0]]
    data = {"profile": {"problems": problems, "methods": ["A", "B", "C"], "ratios": R},
            "best_cells": {}}
    line = cr.summary_lines(data, {"a": "Alpha", "b": "Beta"})[1]
    counts = [int(n) for n in re.findall(r"(?:smallest aRT on|best on) (\d+)", line)]
    assert sorted(counts) == [1, 1, 2] and sum(counts) == 4
    assert line.endswith(" The best-on counts add to 4 of 3 problems: on (Alpha, Δ = 10) "
                         "A and B tie (equal aRT), and each counts as best."), line
    data["profile"]["ratios"] = [[1.0, 1.5, 2.0], [2.0, 1.0, 3.0], [1.5, 2.0, 1.0]]
    assert "best-on counts" not in cr.summary_lines(data)[1]


def test_a_minimizer_the_spec_does_not_list_is_solved_for_its_threshold(f_only_store):
    """Campaign p. 6: 0.5x² + 5y² (f_star = 0, no minimizers in the spec) had "no known
    minimum, so no threshold".  ∇f = (x, 10y) vanishes only at (0, 0), where ∇²f =
    diag(1, 10): L = 10 and gd's threshold 2/L = 0.2 (closed form); the exact solve finds that
    minimum, the check uses it (η = 0.3 predicted unstable, and every start diverged), and the
    caption and the title page say where the minimum comes from.  A gradient that is not
    polynomial is not solved, and the caption says exactly why there is no threshold."""
    camp = cr.load(f_only_store)
    info = camp.meta["objectives"]["quad_f"]
    assert cr.solved_minima(info) == [[0.0, 0.0]]
    assert cr.solved_minima(camp.meta["objectives"]["quad_m"]) == []  # listed: not solved
    b = cr.campaign_builder(camp)
    (chk,) = [k for k in b.data["stability"] if k["objective"] == "quad_f"]
    assert chk["minima"] == [[0.0, 0.0]] and chk["minima_solved"] is True
    assert chk["L"] == [pytest.approx(10.0, rel=1e-12)]
    assert list(chk["threshold"]) == [pytest.approx(0.2, rel=1e-12)]
    assert list(chk["predicted_stable"]) == [False] and list(chk["measured_stable"]) == [False]
    (other,) = [k for k in b.data["stability"] if k["objective"] == "quad_m"]
    assert other["minima_solved"] is False
    assert (f" For {camp.label('quad_f')}, the known minima were {cr.SOLVED_MINIMA}." in
            cr.grids_text(b.data["stability"], {o: camp.label(o) for o in camp.objectives()}))
    curv = cr.minimum_curvatures(info["formula"], 2, [[0.0, 0.0]])
    check = replace(cr.stability_check(camp, "quad_f", "gd", curv), solved=True)
    g = cr._grid_of(camp, "quad_f", "gd", 7, check)
    cap = cr._grid_caption("quadratic", "gd", g, check, False, [[0.0, 0.0]])
    assert ("boundary from theory (L numeric): η < 2/L; L taken at the minimum (0, 0) found "
            "by the exact solve of ∇f = 0, as the spec lists none; 1/1 cells agree.") in cap
    root = {"formula": "sqrt(1 + x**2) + y**2", "dim": 2, "params": {}, "f_star": 1.0,
            "minima": [], "box": [[-2.0, 2.0], [-2.0, 2.0]]}
    assert cr.solved_minima(root) == []
    g = cr._grid_of(camp, "quad_f", "gd", 7, None)
    assert cr._grid_caption("root", "gd", g, None, False, []).endswith(
        "no minimizer listed in the spec and none found by the exact solve of ∇f = 0, so no "
        "threshold.")


def test_a_threshold_prints_in_one_form_in_the_legend_and_the_caption():
    """Campaign p. 4: Beale's threshold 2/L, L = 48.98, read 0.04083 in the GD legend and
    0.0408 in the momentum caption (β = 0).  Both now print 2/48.98 to three significant
    digits."""
    from analysis.campaign.figures import boundary_note

    want = fmt(2 / 48.98, 3)
    assert want == "0.0408"
    line = Grid("lr", np.array([0.01, 0.05]), np.array([[1.0, 0.0]]),
                np.array([[False, True]]), boundary=lambda y: 2 / 48.98,
                boundary_label="predicted boundary η < 2/L")
    fig = plot_grid(line, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
    labels = [h.get_label() for h in fig.axes[0].get_lines()]
    assert f"predicted boundary η < 2/L: {want}" in labels, labels
    grid = Grid("lr", np.array([0.01, 0.05]), np.zeros((2, 2)), np.zeros((2, 2), bool),
                "momentum", np.array([0.0, 0.9]), lambda b: 2 * (1 + b) / 48.98, "η")
    assert f"η = {want} for β = 0 and η = {fmt(3.8 / 48.98, 3)} for β = 0.9" in boundary_note(grid)


def test_a_cost_prints_in_one_form_in_every_table(camp):
    """Campaign pp. 2 and 4: Newton's cost 11 read "11.00ᵃ" in the table of costs at ½ (set
    like its column's 38.08) but "11ᵃ" in the best-cell table beside "32.28ᵃ".  Each cost
    column of the best-cell table now shows one count of significant digits too, each value
    its own to that count."""
    from analysis.pages import HOW, Table
    from analysis.report import significant_digits

    b = cr.campaign_builder(camp)
    (best,) = [t for t in b.doc.blocks if isinstance(t, Table) and t.title == cr.BEST_TABLE]
    heads = [c.header for c in best.columns]
    stats = list(b.data["best_cells"].values())
    marks = "".join(v[0] for v in HOW.values()) + "†"
    for name, key in (("median cost", "median"), ("aRT", "art")):
        j = heads.index(name)
        texts = [r[j].rstrip(marks) for r in best.rows]
        shown = [(t, s[key]) for t, s in zip(texts, stats, strict=True)
                 if math.isfinite(s[key])]
        assert len(shown) >= 2
        assert len({significant_digits(t) for t, _ in shown}) == 1, texts
        for t, v in shown:
            assert float(t) == pytest.approx(v, rel=5e-4), (t, v)
    # a whole number in a column of four digits shows four: 11 reads 11.00 as on p. 2
    assert cr.column_like([11.0, 32.28, 116.0]) == "32.28"
    assert cr.column_like([11.0, 20.0]) == "11"


def test_a_box_is_never_split_over_lines_of_prose():
    """Campaign p. 1: "Beale: f = … on [−4.5, 4.5] ×" / "[−4.5, 4.5]".  A box of two or
    three intervals is one unbreakable piece; a longer one breaks only after a "×"."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph

    from analysis import pages
    from analysis.report import box_product

    box = box_product([[-4.5, 4.5], [-4.5, 4.5]])
    assert box.replace(pages.NBSP, " ") == "[-4.5, 4.5] × [-4.5, 4.5]" and " " not in box
    five = box_product([[-2.0, 2.0]] * 5)
    assert five.split(" ") == [f"[-2,{pages.NBSP}2]{pages.NBSP}×"] * 4 + [f"[-2,{pages.NBSP}2]"]
    pages.register_fonts()
    st = ParagraphStyle("n", fontName=pages.FONT, fontSize=10.0, leading=12.0)
    text = "Objectives (4): Beale: f = (1.5 − x + x·y)² + (2.25 − x + x·y²)² on " + box + "."
    para = RLParagraph(pages.markup(text), st)
    whole = pages.markup(box).replace(pages.NBSP, " ")
    least = pages.string_width(whole + ".", 10.0, pages.FONT) + 1.0  # a line holding it
    for w in np.arange(least, pages.CONTENT_W, 2.0):
        para.wrap(float(w), 1e6)
        lines = [(" ".join(ln[1]) if isinstance(ln, tuple)
                  else "".join(f.text for f in ln.words)).replace(pages.NBSP, " ")
                 for ln in para.blPara.lines]
        assert any(whole.replace("-", "−") in ln or whole in ln for ln in lines), (w, lines)


def test_neighbouring_cells_of_a_1d_grid_have_markers_apart():
    """Campaign pp. 4–6: GD's diverged cells η = 0.19 and 0.21, about 5 pt apart on the log
    axis, were drawn as 8-pt squares that overlapped.  Measured on the drawn figure, every
    two neighbouring squares (outer side: size + edge width) and points now stay apart; on
    a grid whose cells lie far apart the markers keep their sizes (8-pt squares, 4-pt
    points)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from analysis.campaign import figures

    def drawn(x):
        g = Grid("lr", np.asarray(x), np.zeros((1, len(x))), np.ones((1, len(x)), bool),
                 boundary=lambda y: 0.04, boundary_label="predicted boundary η < 2/L")
        fig = plot_grid(g, title="t", fig=Figure(figsize=(3.4, 3.4), layout="constrained"))
        FigureCanvasAgg(fig).draw()
        ax = fig.axes[0]
        (pts, sq) = [ln for ln in ax.lines if ln.get_marker() in ("o", "s")]
        px = ax.transData.transform(np.column_stack([x, np.zeros(len(x))]))[:, 0]
        gap = np.diff(np.sort(px)).min() * 72.0 / fig.dpi  # points between neighbours
        return gap, pts, sq

    gap, pts, sq = drawn([0.01, 0.05, 0.1, 0.15, 0.19, 0.21])
    assert gap < 8.0  # the old squares could not fit
    assert sq.get_markersize() + sq.get_markeredgewidth() < gap
    assert pts.get_markersize() < sq.get_markersize() - sq.get_markeredgewidth()
    gap, pts, sq = drawn([0.01, 0.1, 1.0])
    assert gap > 20.0
    assert (pts.get_markersize(), sq.get_markersize(), sq.get_markeredgewidth()) == (
        figures.LINE_MARKER, figures.DIVERGED_MARKER, figures.DIVERGED_EDGE_W) == (4.0, 8.0, 1.5)
