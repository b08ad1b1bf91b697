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
    assert ("Here on x* = 0 the errors carry only a relative rounding ε, so the ratios would "
            "stay accurate below it; the floor still applies, as a cut-off common to every "
            "run, though no run is fitted.") in text, text
    # the same clause as the tables' note on p. 6
    assert report.exact_floor_text([np.zeros(2)]) in text
    # a run whose errors halve (rate 0.5, fitted): its rate is measured
    linear = _study([0.0, 0.0], 0.5 ** np.arange(30.0))
    assert report.runs_fitted([linear]) == [True]
    fitted = report.theory_terms(NS(runs=[NS(study=linear)]), ["…"])
    assert "to measure its rate down to the rounding floor" in fitted
    assert "so that all fits follow one rule" in fitted


def test_no_sampled_region_is_said_plainly():
    """Rosenbrock p. 4: "join one region, giving none of the 3 regions … (seeded: all 3
    regions)" meant that no sample had ‖∇f‖ < t: said so, and that the regions come from
    seeded points."""
    from landscape.objective import Objective
    from landscape.vanishing import find_vanishing_regions, seeded_text

    none = seeded_text(0, 3)
    assert "none of the" not in none and "(seeded:" not in none
    assert none.startswith("; no sampled point has ‖∇f‖₂ < t, so all 3 regions come from "
                           "seeded points.  Every critical point, and every local minimum of "
                           "‖∇f‖₂ that Newton's method reaches from the 200 samples of "
                           "smallest ‖∇f‖₂, starts a region of its own if ‖∇f‖₂ < t there; it "
                           "counts in a listed region instead"), none
    assert seeded_text(0, 1).startswith("; no sampled point has ‖∇f‖₂ < t, so the one region "
                                        "comes from seeded points.")
    # with a sampled region the shares stay (unchanged wording)
    assert seeded_text(2, 3).startswith(", giving 2 of the 5 regions.")
    # |∇ Σx²| = 2‖x‖ < 10⁻³ only within 5e−4 of 0: no Halton sample of [−2, 2]⁵ is there,
    # the one region is seeded by the critical point 0
    box = [[-2.0, 2.0]] * 5
    rep = find_vanishing_regions(Objective.parse("sum(x[i]**2, i, 1, 5)"), box,
                                 threshold=1e-3)
    assert len(rep.regions) == 1
    assert "no sampled point has ‖∇f‖₂ < t, so the one region comes from seeded points" \
        in rep.method


def test_the_surface_path_marks_its_start_and_its_last_iterate():
    """Study p. 15: the GD path on the saddle's 3-D surface had no start or end marker, its
    direction known only from the text.  Its start x₀ is an open circle and its last iterate
    a square in the path's colour, unshaded, and the legend names both as the curves do."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import to_rgba

    from analysis import plots_lecture
    from analysis.plots import end_marker_key

    # GD with η = 0.1 on x² − y² from (1.4, 0.02): x ← 0.8x, y ← 1.2y, 22 steps
    k = np.arange(23.0)
    xy = np.column_stack([1.4 * 0.8 ** k, 0.02 * 1.2 ** k])
    path = np.column_stack([xy, xy[:, 0] ** 2 - xy[:, 1] ** 2])
    g = np.linspace(-1.5, 1.5, 21)
    X, Y = np.meshgrid(g, g)
    fig = plots_lecture.plot_surfaces([{"title": "saddle", "X": X, "Y": Y, "Z": X**2 - Y**2,
                                        "path": path, "path_label": "GD"}])
    ax = fig.axes[0]
    marks = {}
    for c in ax.collections:
        if not hasattr(c, "_offsets3d"):
            continue  # the surface and its contours
        xs, ys, zs = (np.asarray(v, float) for v in c._offsets3d)
        if xs.size == 1:
            marks[(xs[0], ys[0], zs[0])] = c
    start = marks[tuple(path[0])]
    last = marks[tuple(path[-1])]
    assert np.allclose(start.get_facecolor()[0], to_rgba("white"))
    line = [ln for ln in ax.lines if ln.get_label() == "GD"][0]
    assert np.allclose(last.get_facecolor()[0], to_rgba(line.get_color()))
    assert not start.get_depthshade() and not last.get_depthshade()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    names = end_marker_key({"GD": path})[1]
    assert names == ["start x₀", "last iterate"] and set(names) <= set(labels), labels
