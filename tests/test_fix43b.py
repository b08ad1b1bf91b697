"""Table wording and cell breaking: a tie of the rate rule's two tests, the kernel-time
product, notes of one table wrapping alike, formulas kept whole in narrow cells."""

import math

from analysis.compare import Comparison, rate_diffs
from analysis.report import _cost_table, decided_by
from analysis.study import rate_measure


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
