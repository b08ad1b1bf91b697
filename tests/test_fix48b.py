"""Wording of the rate-study definition, of the sampled regions' count, and the markers of
the study's 3-D surface path."""
from types import SimpleNamespace as NS

import numpy as np

from analysis import report
from analysis.empirical import measure


def _study(minimizer, errors):
    """A not-comparable rate study to ``minimizer`` whose run has the errors ``errors``."""
    m = measure(np.asarray(errors, float)[:, None], [0.0], isolated=True)
    return NS(comparison=NS(verdict="not comparable"), reference=None, minimizer=minimizer,
              measurement=m)


def test_the_rate_study_definition_on_x_star_zero_says_what_the_tables_say():
    """Kink p. 2 said of its x* = (0, 0) that the errors below the floor "are exact
    distances", p. 6 that they "carry only a relative rounding ε"; and that the rate-study
    run is there "to measure its rate" where no run has a rate (all bounded).  Now p. 2 says
    what the tables' note says, and the run follows its errors when none is fitted."""
    cycle = [1.0, 0.5] * 200  # a 2-cycle: bounded, nothing fitted
    bounded = _study([0.0, 0.0], cycle)
    assert report.runs_fitted([bounded]) == [False]
    A = NS(runs=[NS(study=bounded)])
    text = report.theory_terms(A, ["GD (rate-study run, no gradient tolerance): …"])
    assert "exact distances" not in text and "measure its rate" not in text
    assert text.startswith("A rate-study run is the method run again from x₀ with no "
                           "gradient tolerance, to follow its errors down to the rounding "
                           "floor 10³·ε·max(1, ‖x*‖) = 2.2e-13"), text
    assert ("here on x* = 0 the errors carry only a relative rounding ε, so the ratios would "
            "stay accurate below it, and the floor is kept as a common cut-off, applied to "
            "every run alike, though no run is fitted.") in text, text
    # the same clause as the tables' note on p. 6
    assert report.exact_floor_text([np.zeros(2)]) in text
    # a run whose errors halve (rate 0.5, fitted): its rate is measured
    linear = _study([0.0, 0.0], 0.5 ** np.arange(30.0))
    assert report.runs_fitted([linear]) == [True]
    fitted = report.theory_terms(NS(runs=[NS(study=linear)]), ["…"])
    assert "to measure its rate down to the rounding floor" in fitted
    assert "so that every run is fitted by one rule" in fitted


def test_no_sampled_region_is_said_plainly():
    """Rosenbrock p. 4: "join one region, giving none of the 3 regions … (seeded: all 3
    regions)" meant that no sample had ‖∇f‖ < t: said so, and that the regions come from
    seeded points."""
    from landscape.objective import Objective
    from landscape.vanishing import find_vanishing_regions, seeded_text

    none = seeded_text(0, 3)
    assert "none of the" not in none and "(seeded:" not in none
    assert none.startswith("; no sampled point has ‖∇f‖ < t, so all 3 regions come from "
                           "seeded points.  Every critical point, and every local minimum of "
                           "‖∇f‖ refined below the sample spacing, starts a region of its own "
                           "if ‖∇f‖ < t there; it joins a listed region"), none
    assert seeded_text(0, 1).startswith("; no sampled point has ‖∇f‖ < t, so the one region "
                                        "comes from seeded points.")
    # with a sampled region the shares stay (unchanged wording)
    assert seeded_text(2, 3).startswith(", giving 2 of the 5 regions.")
    # |∇ Σx²| = 2‖x‖ < 10⁻³ only within 5e−4 of 0: no Halton sample of [−2, 2]⁵ is there,
    # the one region is seeded by the critical point 0
    box = [[-2.0, 2.0]] * 5
    rep = find_vanishing_regions(Objective.parse("sum(x[i]**2, i, 1, 5)"), box,
                                 threshold=1e-3)
    assert len(rep.regions) == 1
    assert "no sampled point has ‖∇f‖ < t, so the one region comes from seeded points" \
        in rep.method
