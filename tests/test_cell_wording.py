"""Table wording and cell breaking: a tie of the rate rule's two tests, the kernel-time
product, notes of one table wrapping alike, formulas kept whole in narrow cells."""

import math

from analysis import pages
from analysis.compare import Comparison, rate_diffs
from analysis.report import _cost_table, decided_by
from analysis.study import rate_measure
from landscape import Objective
from tests.test_formula_breaks import _cell_lines


def _exact_rate(p: float) -> Comparison:
    return Comparison(True, "agrees", rel_diff=0.0, quantity="rate", predicted=p,
                      measured=p, speed_diff=0.0, tolerance=0.01)


def test_an_exact_rate_names_the_test_a_small_difference_would_be_decided_by():
    """Quadratic p. 5: GD's exact rate 0.95 read "Δρ/ρ 0% ≤ 1%" beside momentum's
    "Δln ρ/ln ρ < 0.01% ≤ 1%": at a tie (both differences 0) the first test was named.  The
    tie now names the test the rule takes for any small difference at that ρ (the log one
    for ρ > 1/e), found here by perturbing the rate by 10⁻⁹."""
    for p in (0.95, 0.91035, 0.6, 0.3, 0.05):
        on_rho, on_log = rate_diffs(p * (1 + 1e-9), p)
        name = "Δln ρ/ln ρ" if on_log > on_rho else "Δρ/ρ"
        assert (name == "Δln ρ/ln ρ") == (p > 1 / math.e)
        assert decided_by(_exact_rate(p)) == f"{name} 0% ≤ 1%", p
        assert rate_measure(p, p) == name, p
    assert decided_by(_exact_rate(0.95)) == "Δln ρ/ln ρ 0% ≤ 1%"


class _Doc:
    def table(self, columns, rows, title=None, notes=None):
        self.notes = notes


def test_the_kernel_time_note_says_it_is_the_product_of_unrounded_values():
    """Himmelblau p. 8: "Kernel µs = cost × t_f" did not give the printed last digit from the
    printed inputs (L-BFGS 14.6 × 6.09 ns = 0.0889 µs, printed 0.0886; Adam 566 × 6.09 =
    3.447, printed 3.44): the cost and t_f printed to 3 digits are rounded (14.565 → 14.6,
    14.565 × 6.0861 ns = 0.0886).  The note says the product is of the unrounded values."""
    assert f"{14.6 * 6.09e-3:.3g}" != f"{14.565 * 6.0861e-3:.3g}" == "0.0886"
    d = _Doc()
    _cost_table(d, [], 100, 1, [1])
    note = d.notes[0]
    assert "Kernel µs = cost × t_f" in note
    assert "from the unrounded cost and t_f" in note


def _notes(t: pages.Table, widths: list[float]) -> list[tuple[float, int]]:
    """Of each body cell of the last column: the room its indents take and its lines."""
    probe = pages._flowables().TableFlowable(t, pages.Document("probe"), widths)
    probe.wrap(pages.CONTENT_W, 1e6)
    out = []
    for row in probe.table._cellvalues[1:]:
        (para,) = row[-1]
        out.append((para.style.leftIndent + para.style.rightIndent, len(para.blPara.lines)))
    return out


def test_notes_of_one_column_wrap_at_one_width():
    """Kink p. 6: the GD row's note wrapped at a narrower width than the notes of momentum
    and Nesterov below it ("… a 2-cycle of size 1 around" / "the kink (bound …"): each
    cell was balanced to its own narrowest width.  The cells of a column that wrap are now
    set at one width, the widest of their balanced widths, and keep their lines (as many
    as in the whole column unbalanced)."""
    gd = ("the iterates settle on a 2-cycle of size 1 around the kink (bound 2ηG/(1 − β) = "
          "2; G = 1 is the largest gradient norm of the pieces of f at the kink)")
    mom = ("the iterates settle on a 6-cycle of size 1.90 around the kink (bound 2ηG/(1 − β)"
           " = 4; G = 1 is the largest gradient norm of the pieces of f at the kink; a "
           "heuristic bound for β > 0 (effective step η/(1 − β)))")
    widths = [pages.CONTENT_W - 279.0, 279.0]
    t = pages.Table([pages.Column("method"), pages.Column("note")],
                    [["GD", gd], ["momentum", mom], ["Adam", "no theory"]])
    (gd_room, gd_lines), (mom_room, mom_lines), (adam_room, _) = _notes(t, widths)
    alone = pages.Table([pages.Column("method"), pages.Column("note")], [["GD", gd]])
    ((own_room, own_lines),) = _notes(alone, widths)
    assert own_room > 10.0  # alone, the GD note is balanced well inside its column
    assert gd_room == mom_room < own_room
    assert adam_room == 0.0
    assert gd_lines == own_lines == pages.cell_lines(gd, widths[1], t.size)
    assert mom_lines == pages.cell_lines(mom, widths[1], t.size)


#: the width of the 'what' and 'note' columns of the study's summary table (study pp. 3-6)
SUMMARY_COLUMN = 79.4


def test_a_relation_with_a_product_of_symbols_stays_whole_in_a_cell_lines():
    """Study p. 3: "order q of e₍ₖ₊₁₎ ≈ C" / "eₖ^q (f‴(0) = 0)": the right side of the
    relation, a product of two symbols, was broken.  After a relation sign two symbols (with
    their scripts) are one word of a product, as "C (k + 1) ρᵏ" is."""
    nb = pages.NBSP
    assert pages.bound_products("e_(k+1) ≈ C e_k^q (f") == f"e_(k+1) ≈ C{nb}e_k^q (f"
    for alone in ("is a maximum", "of x y", "= 0.5 x"):
        assert pages.bound_products(alone) == alone
    lines = _cell_lines("order q of e_(k+1) ≈ C e_k^q (f‴(0) = 0)", SUMMARY_COLUMN)
    assert not any(ln.endswith("≈ C") for ln in lines), lines
    assert any("≈ C e" in ln for ln in lines), lines  # "eₖ^q" after "C" on its line
    assert lines[-1] == "(f‴(0) = 0)", lines


def test_a_tuple_too_wide_for_its_column_breaks_between_its_items():
    """Study p. 6: "cosine (Tₘₐₓ =" / "200, ηₘᵢₙ = 0)": a group of two settings wider than
    its column broke after its first '='; it breaks after its comma, each setting whole."""
    assert pages.tuple_parts("(Tₘₐₓ = 200, ηₘᵢₙ = 0)") == ["(Tₘₐₓ = 200,", "ηₘᵢₙ = 0)"]
    assert pages.tuple_parts("f(x, y) = 0") == ["f(x, y) = 0"]
    lines = _cell_lines("E(x_K − x*)² after 200 noisy steps: cosine (Tₘₐₓ = 200, ηₘᵢₙ = 0)",
                        SUMMARY_COLUMN)
    assert lines[-2:] == ["cosine (Tₘₐₓ = 200,", "ηₘᵢₙ = 0)"], lines


def test_a_short_formula_group_is_not_broken_in_a_cell_lines():
    """Study p. 6: the RMSProp note "−η g/(√(1 − α)·|g| +" / "ε) ≈ −1.26·sign(g)": a
    bracketed formula of at most GROUP_CHARS characters, which prose never breaks, was
    broken after its '+'.  In a cell too it is kept whole: the formula, wider than the
    column, breaks after the fraction bar before it."""
    group = "(√(1 − α)·|g| + ε)"
    assert len(group) - 2 <= pages.GROUP_CHARS
    lines = _cell_lines("−η g/(√(1 − α)·|g| + ε) ≈ −1.26·sign(g) per coordinate (the first "
                        "average is (1 − α) g²)", SUMMARY_COLUMN)
    assert any(group in ln for ln in lines), lines
    assert lines[0] == "−η g/", lines


def test_the_first_step_notes_keep_each_formula_whole_in_the_summary_column():
    """Study p. 7: RMSProp's note "−η g/" / "(√(1 − α)·|g| + ε) ≈ −1.26·sign(g) …": the
    formula, wider than the note column, broke after its fraction bar.  The note now gives
    the step and its length as two short formulas, each on one line, and the length is
    η/√(1 − α) for RMSProp's first average (1 − α) g² (the run's η = 0.4, α = 0.9)."""
    from analysis.study import first_step_note

    size = 0.4 / math.sqrt(1 - 0.9)
    note = first_step_note("rmsprop", size)
    assert "−1.26·sign(g)" in note and "1.26 = η/√(1 − α)" in note
    lines = _cell_lines(note, SUMMARY_COLUMN)
    for piece in ("−1.26·sign(g)", "1.26 = η/√(1 − α):", "(1 − α) g²"):
        assert any(piece in ln for ln in lines), (piece, lines)
    assert not any(ln.endswith(("/", "=", "≈")) for ln in lines), lines
    adam = _cell_lines(first_step_note("adam", 0.4), SUMMARY_COLUMN)
    assert any("−η g/(|g| + ε) ≈" in ln for ln in adam), adam


SMALL_GRADIENT = [
    ['R1', '[−3.77933ⁿ, −3.77930ⁿ]; [−3.28320ⁿ, −3.28317ⁿ]',
     '(−3.779, −3.283)ᵉ', '0ᵉ', '0ᵉ', 'holds a minimum', 'P1 (nondegenerate)'],
    ['R2', '[−3.07304ⁿ, −3.07301ⁿ]; [−0.08138ⁿ, −0.08132ⁿ]',
     '(−3.073, −0.08135)ᵉ', '0ᵉ', '104.0ᵉ', 'holds a saddle', 'P2 (nondegenerate)'],
    ['R3', '[−2.80514ⁿ, −2.80510ⁿ]; [3.13130ⁿ, 3.13133ⁿ]',
     '(−2.805, 3.131)ᵉ', '0ᵉ', '0ᵉ', 'holds a minimum', 'P3 (nondegenerate)'],
    ['R4', '[−0.27087ⁿ, −0.27082ⁿ]; [−0.92311ⁿ, −0.92297ⁿ]',
     '(−0.2708, −0.9230)ᵉ', '0ᵉ', '181.6ᵉ', 'holds a maximum', 'P4 (nondegenerate)'],
    ['R5', '[−0.12799ⁿ, −0.12794ⁿ]; [−1.95377ⁿ, −1.95366ⁿ]',
     '(−0.1280, −1.954)ᵉ', '0ᵉ', '178.3ᵉ', 'holds a saddle', 'P5 (nondegenerate)'],
    ['R6', '[0.08664ⁿ, 0.08671ⁿ]; [2.88424ⁿ, 2.88427ⁿ]',
     '(0.08668, 2.884)ᵉ', '0ᵉ', '67.72ᵉ', 'holds a saddle', 'P6 (nondegenerate)'],
    ['R7', '[2.99998ⁿ, 3.00002ⁿ]; [1.99996ⁿ, 2.00004ⁿ]',
     '(3, 2)ᵉ', '0ᵉ', '0ᵉ', 'holds a minimum', 'P7 (nondegenerate)'],
    ['R8', '[3.38514ⁿ, 3.38517ⁿ]; [0.07378ⁿ, 0.07393ⁿ]',
     '(3.385, 0.07385)ᵉ', '0ᵉ', '13.31ᵉ', 'holds a saddle', 'P8 (nondegenerate)'],
    ['R9', '[3.58441ⁿ, 3.58444ⁿ]; [−1.84817ⁿ, −1.84809ⁿ]',
     '(3.584, −1.848)ᵉ', '0ᵉ', '0ᵉ', 'holds a minimum', 'P9 (nondegenerate)'],
]


def test_each_region_type_fits_on_one_line_when_the_cells_do():
    """Himmelblau p. 3: R4's type wrapped "around" / "a maximum" in 75.2 pt of the 77.2 pt
    it needed, every other column at the width of its longest cell on one line.  The type
    now says what the classifier found, the critical point of that kind inside the region
    ("holds a maximum", as the column "critical point inside" names it), 6.2 pt narrower:
    the one-line widths of the cells, with padding and slack, fit the page, and every row
    is one line."""
    assert Objective.parse("x**2 - y**2").vanishing().regions[0].describe() == "holds a saddle"
    heads = ["#", "region (per variable)", "smallest ‖∇f‖₂ at", pages.Column("‖∇f‖₂", "r"),
             pages.Column("f − f*", "r"), "type", "critical point inside"]
    cols = [c if isinstance(c, pages.Column) else pages.Column(c) for c in heads]
    t = pages.Table(cols, SMALL_GRADIENT, "Small-gradient regions")
    one_line = [max(pages.string_width(r[j], t.size) for r in SMALL_GRADIENT) for j in range(7)]
    assert sum(one_line) + 7 * (pages.CELL_PAD + pages.FIT_SLACK) < pages.CONTENT_W
    widths = pages.column_widths(t, pages.CONTENT_W)
    probe = pages._flowables().TableFlowable(t, pages.Document("probe"), widths)
    probe.wrap(pages.CONTENT_W, 1e6)
    for row in probe.table._cellvalues[1:]:
        assert all(len(p.blPara.lines) == 1 for (p,) in row), row


def test_the_cost_table_note_gives_t_f():
    """Rosenbrock p. 10: the cost table's note said "Kernel µs = cost × t_f" and gave t_f
    nowhere on the page (only on p. 5, "t_f = 14.9 ns"), so its column could not be checked
    there.  The note now gives it, as measured for the kernels of that report."""
    from analysis.starts import KernelCosts

    costs = KernelCosts(seconds={"f": 14.86e-9, "fg": 28.0e-9}, points=8, repeat=5)
    assert costs.t_f_text() == "t_f = 14.9 ns" and costs.t_f_text(4) == "t_f = 14.86 ns"
    assert costs.text().startswith("in units of one f evaluation (t_f = 14.9 ns): ")
    # the lead-in prints t_f as the cost table's note does (kink pp. 6–7: 14.5 ns, 14.52 ns)
    assert costs.text(4).startswith("in units of one f evaluation (t_f = 14.86 ns): ")
    d = _Doc()
    _cost_table(d, [], 100, 1, [1], t_f=costs.t_f_text())
    assert ("Kernel µs = cost × t_f (t_f = 14.9 ns: one f evaluation), the time spent in the "
            "objective's") in d.notes[0]
