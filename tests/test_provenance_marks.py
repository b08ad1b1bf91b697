"""Provenance markers and number style in tables: one quantity, one marker; a value that
is zero by the identity a row checks is a closed form (ᵗ), not a SymPy result (ᵉ)."""
from __future__ import annotations

import pytest

from analysis import study
from analysis.report import Builder, fmt_num


@pytest.fixture(scope="module")
def S():
    s = study.Study(Builder("t"), quick=True)
    study.section_schedules(s)
    study.section_adaptive(s)
    return s


def test_floor_and_constant_step_rows_say_which_quantity_they_give(S):
    """Study p. 6: "0.333333ⁿ" (constant step, after 200 steps) beside "below 0.333ᵗ (floor)":
    two quantities, the recursion's value after K steps and the closed-form floor
    η₀σ²/(2 − η₀) = 1/3 at η₀ = 0.5, σ = 1; each row names its own."""
    (floor,) = [c for c in S.checks if c.what.startswith("decaying schedules end below")]
    assert floor.theory == (f"below the floor η₀σ²/(2 − η₀) = {fmt_num(0.5 / 1.5, 3)}ᵗ "
                            "by a factor > 10")
    (const,) = [c for c in S.checks if c.what.endswith("noisy steps: constant")]
    assert const.theory.endswith("ⁿ")
    # v_K − v* = (1 − η₀)^(2K)(v₀ − v*) for x²/2 (L = 1)
    assert "the value after K = 200 steps, not the floor η₀σ²/(2 − η₀)" in const.reason
    gap = fmt_num(0.25**200 * (9 - 1 / 3), 2)  # η₀ = 0.5, v₀ = 9, K = 200
    assert gap.startswith("3.4e") and f"(1 − η₀)²ᴷ(v₀ − floor) = {gap}" in const.reason
    others = [c for c in S.checks if c.what.startswith("E(x_K − x*)² after")
              and c is not const]
    assert len(others) == 3 and all("not the floor" not in c.reason for c in others)


def test_zero_differences_of_identities_are_closed_forms_not_sympy(S):
    """Study p. 33: "all 4 runs … 0ᵉ" marked exact (SymPy) though SymPy computes nothing:
    two implementations of the same rules differ by 0 by a closed form, as do the η_k read
    from runs against the schedules' closed forms."""
    rows = [c for c in S.checks if c.what.startswith((
        "compiled optimizers vs the notes' pseudo-code", "schedules: η_k read"))]
    assert len(rows) == 2
    for c in rows:
        assert c.theory == "0ᵗ", (c.what, c.theory)
        assert c.measured.endswith("ᵐ")


@pytest.fixture(scope="module")
def camp(tmp_path_factory):
    from campaign_store import write_store

    from analysis.campaign import report as cr

    quad = {"quadratic": ("0.5*x**2 + 5*y**2", [[-2.0, 2.0], [-2.0, 2.0]], 0.0, [[0.0, 0.0]])}
    methods = {"gd": ({"lr": [0.05, 0.19, 0.21]}, {}), "bfgs": ({}, {})}
    store = write_store(tmp_path_factory.mktemp("campaign"), starts=8, maxiter=300,
                        objectives=quad, methods=methods)
    return cr.load(store)


def _table(b, start):
    from analysis.pages import Table

    (t,) = [t for t in b.doc.blocks if isinstance(t, Table) and str(t.title).startswith(start)]
    return t


def test_measured_counts_of_the_campaign_tables_carry_the_measured_marker(camp):
    """Campaign p. 3: the best-cell table's "diverged" column ("137/200") had no ᵐ while
    every other measured column had; p. 6: the stability table's counts ("5/6", "1", "0")
    had no marker.  The counts are those of the runs: diverged starts of the best cell
    (recounted from the store), cells that agree and the two disagreement counts (recounted
    from the predicted and measured stability of each grid)."""
    from analysis.campaign import report as cr

    b = cr.campaign_builder(camp)
    best = cr.best_cells(camp, cr.reference_index(camp.targets))
    table = _table(b, cr.BEST_TABLE)
    assert len(table.rows) == len(best)
    for row, ((o, _), s) in zip(table.rows, best.items(), strict=True):
        assert row[0] == camp.label(o)
        assert row[-1] == f"{s.diverged}/{s.starts}ᵐ", row
    stab = _table(b, "Stability cell by cell")
    for row, chk in zip(stab.rows, b.data["stability"], strict=True):
        cells = chk["cells"]
        assert row[4] == f"{round(chk['agree'] * len(cells))}/{len(cells)}ᵐ"
        assert row[7].endswith("ᵐ") and row[8].endswith("ᵐ"), row
        assert int(row[7][:-1]) + int(row[8][:-1]) == len(cells) - round(
            chk["agree"] * len(cells))


def test_tolerances_in_the_reports_prose_read_as_powers_of_ten():
    """Rosenbrock p. 4: "rel. tol 1e−08" and p. 11 "‖x‖∞ > 1e+08·(1 + ‖x₀‖∞)" beside the
    "10⁻⁶" of the gradient tolerance elsewhere in the report: the page writes 10⁻⁸ and 10⁸;
    the analysis's JSON keeps its text (1e-08).  A number that is not a power of ten keeps
    its form."""
    from analysis.report import DIVERGED_NOTE, powers_in_text
    from landscape.convexity import EIG_RTOL
    from optimizers.driver import DIVERGENCE_BOUND

    assert EIG_RTOL == 1e-8 and DIVERGENCE_BOUND == 1e8
    how = f"numeric: max over 5 033 sampled points, rel. tol {EIG_RTOL:g}"
    assert how.endswith("1e-08")
    assert powers_in_text(how) == "numeric: max over 5 033 sampled points, rel. tol 10⁻⁸"
    assert powers_in_text("1e+08, 2.5e-07, x1e-3, 1e-3") == "10⁸, 2.5e-07, x1e-3, 0.001"
    assert "‖x‖∞ > 10⁸·(1 + ‖x₀‖∞)" in DIVERGED_NOTE and "e+08" not in DIVERGED_NOTE


@pytest.mark.parametrize("from_samples, seeded, giving, seeded_words", [
    (0, 3, "; no sampled point has ‖∇f‖₂ < t, so all 3 regions come from seeded points.",
     "starts a region of its own if ‖∇f‖₂ < t there"),
    (2, 3, ", giving 2 of the 5 regions.", "(seeded: 3 of the 5 regions)"),
    (1, 0, ", giving the one region.", "(seeded: no region)"),
    (0, 1, "; no sampled point has ‖∇f‖₂ < t, so the one region comes from seeded points.",
     "starts a region of its own if ‖∇f‖₂ < t there"),
])
def test_the_sampled_regions_and_the_seeded_ones_read_as_shares_of_one_total(
        from_samples, seeded, giving, seeded_words):
    """Rosenbrock p. 4: "join one region, giving 0 such regions" then "(3 seeded regions)"
    under "Regions …: 3": two counts that read as two totals.  Both are now shares of the
    one total (from the samples + seeded)."""
    from landscape.vanishing import seeded_text

    text = seeded_text(from_samples, seeded)
    assert text.startswith(giving), text
    assert seeded_words in text and "such region" not in text
