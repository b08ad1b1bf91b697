"""Table wording and cell breaking: a tie of the rate rule's two tests, the kernel-time
product, notes of one table wrapping alike, formulas kept whole in narrow cells."""

import math

from analysis.compare import Comparison, rate_diffs
from analysis.report import decided_by
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
