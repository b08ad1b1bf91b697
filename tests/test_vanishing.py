"""Vanishing-gradient regions, plateaus and deep activation chains (closed forms by hand)."""

import json
import math

import numpy as np
import pytest
import sympy as sp
from level_sets import gradient_level_points

from landscape.errors import InputError
from landscape.numfmt import fmt
from landscape.objective import Objective
from landscape.vanishing import activation_chain, chain_study, find_vanishing_regions


def regions(text, box=None, **kw):
    return find_vanishing_regions(Objective.parse(text), box, **kw)


def test_tanh_plateaus_at_both_ends():
    """1 − tanh²(x) < t ⇔ |x| > atanh(√(1 − t))."""
    rep = regions("tanh(x)", threshold=1e-3)
    edge = math.atanh(math.sqrt(1 - 1e-3))
    assert [(r.lower[0], r.upper[0]) for r in rep.regions] == [
        pytest.approx((-5.0, -edge), abs=1e-10), pytest.approx((edge, 5.0), abs=1e-10)
    ]
    left, right = rep.regions
    assert not left.plateau  # the neighbourhood of the box minimizer x = −5
    assert right.plateau and right.above_min == pytest.approx(2 * math.tanh(5))
    assert left.critical_point is None and right.critical_point is None
    assert rep.f_min == pytest.approx(-math.tanh(5)) and rep.f_max == pytest.approx(math.tanh(5))


def test_polynomial_intervals_are_exact():
    rep = regions("x**2", threshold=1e-3)  # |2x| < 1e-3
    (r,) = rep.regions
    assert rep.method == "exact-roots" and r.exact
    assert (r.lower[0], r.upper[0]) == pytest.approx((-5e-4, 5e-4), abs=1e-15)
    assert not r.plateau and r.critical_point == "nondegenerate"
    (r,) = regions("-x**4").regions  # |4x³| < 1e-3: a flat top, far above the minimum
    assert r.upper[0] == pytest.approx((1e-3 / 4) ** (1 / 3), rel=1e-12)
    assert r.plateau and r.critical_point == "degenerate"


def test_maxima_neighbourhoods_are_not_plateaus():
    rep = regions("x*cos(pi*x)", "0:1.5")
    assert len(rep.regions) == 2
    assert all(r.critical_point == "nondegenerate" and not r.plateau for r in rep.regions)


def test_two_dimensional_components():
    rep = regions("tanh(x) + tanh(y)", threshold=1e-3)
    # ‖∇f‖ < t only where both sech² are small: the four corners of the box
    assert len(rep.regions) == 4
    plateaus = sorted(r.plateau for r in rep.regions)
    assert plateaus == [False, True, True, True]
    for r in rep.regions:
        assert all(abs(p) == 5.0 for p in r.point)
    j = json.loads(json.dumps(rep.to_json()))
    assert j["threshold"] == 1e-3 and len(j["regions"]) == 4 and "box" in j["regions"][0]


def test_sub_grid_region_around_a_minimum():
    rep = regions("x**2 + 3*y**2 + 0.1*x", threshold=1e-6)
    (r,) = rep.regions
    assert r.point == pytest.approx((-0.05, 0.0), abs=1e-9)
    assert r.critical_point == "nondegenerate" and not r.plateau
    # ∇f = (2(x + 0.05), 6y): ‖∇f‖ < t within |x + 0.05| < t/2, |y| < t/6
    assert r.lower == pytest.approx((-0.05 - 5e-7, -1e-6 / 6), rel=1e-6)
    assert r.upper == pytest.approx((-0.05 + 5e-7, 1e-6 / 6), rel=1e-6)


def test_tanh_single_layer_closed_form():
    c = activation_chain("tanh", 1, 1.0, 4)
    assert c.derivative == pytest.approx(1 - math.tanh(4) ** 2, rel=1e-12)
    assert c.derivative == pytest.approx(1.34e-3, rel=1e-2)
    assert sp.simplify(c.derivative_exact - (1 - sp.tanh(4) ** 2)) == 0


def test_sigmoid_chain_vanishes_like_four_to_the_minus_depth():
    study = chain_study("sigmoid", [1, 2, 3, 5, 10, 50, 100], 1.0, 0.0)
    assert study.rows[0].derivative == 0.25  # σ'(0) = 1/4
    for r in study.rows:
        assert 0 < r.derivative <= 4.0 ** -r.depth
        assert r.bound == 4.0 ** -r.depth
        if r.derivative_exact is not None:
            assert float(r.derivative_exact) == pytest.approx(r.derivative, rel=1e-12)
    logs = [r.log10_abs_derivative for r in study.rows]
    assert all(b < a for a, b in zip(logs[:-1], logs[1:], strict=True))
    assert "depth" in study.table()
    json.dumps(study.to_json())


def test_deep_chains_do_not_underflow():
    c = activation_chain("sigmoid", 1000, 1.0, 0.0)
    assert c.derivative == 0.0 or c.derivative < 1e-300  # below float range ...
    assert c.log10_abs_derivative < -600  # ... but the log is still tracked
    assert c.derivative_exact is None


def test_symbolic_and_numeric_chain_agree():
    for act in ("tanh", "sigmoid", "relu"):
        c = activation_chain(act, 4, 1.5, "1/3")
        assert float(c.derivative_exact) == pytest.approx(c.derivative, rel=1e-12)


def test_relu_chain_and_input_checks():
    assert activation_chain("relu", 10, 1.0, 2.0).derivative == 1.0
    assert activation_chain("relu", 10, 1.0, -2.0).derivative == 0.0
    assert activation_chain("relu", 3, 2.0, 1.0).derivative == 8.0
    with pytest.raises(InputError):
        activation_chain("softplus", 2)
    with pytest.raises(InputError):
        regions("x**2", threshold=0)


def test_how_extents_are_computed_is_one_account_not_a_note():
    """Himmelblau p. 3–4: a note "extents computed: first exits … along rays … and along grid
    edges" told the same computation as the table's footnote ("found by bisection along rays
    … (50 halvings)", no grid edges), and was printed after the table, alone at the top of
    the next page.  The search gives one account (``extents``), of what
    :func:`measured_extent` does; it is no longer among the notes."""
    from analysis.report import SOLVER_NAMES
    from landscape.vanishing import extents_text

    f = "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"
    rep = regions(f, threshold=0.02, names=SOLVER_NAMES)
    assert not [n for n in rep.notes if "first exits" in n or "rays" in n], rep.notes
    assert rep.extents == extents_text(True, SOLVER_NAMES["SLSQP"])
    assert rep.to_json()["extents"] == rep.extents
    # rays (48 geometric steps, then 50 bisections), grid nodes and edges (50 bisections),
    # SLSQP as the caller spells it, Newton on the boundary
    for part in ("along rays from that point (a scan of 48 geometric steps to the box's "
                 "edge, then 50 bisections)", "its grid nodes and the exits on the grid edges "
                 "leaving it (50 bisections)", f"pushed outwards by {SOLVER_NAMES['SLSQP']} on",
                 "Newton's method on the boundary ∇f(x) = u, ‖u‖₂ = t"):
        assert part in rep.extents
    assert SOLVER_NAMES["SLSQP"] != "SLSQP"
    assert "by SLSQP on" in regions(f, threshold=0.02).extents
    # the rays' start named as the table's column names it (quadratic p. 3: "inside the
    # region: its point, the first exits …" left "its point" undefined), and it is that
    # column's point: where ‖∇f‖₂ is smallest in the region
    assert "inside the region: the point of its smallest ‖∇f‖₂, the first exits" in rep.extents
    obj = Objective.parse(f)
    assert rep.regions
    for r in rep.regions:
        g = float(np.linalg.norm(obj.grad(np.asarray(r.point, float))))
        assert g == pytest.approx(r.gradient_norm, rel=1e-9, abs=1e-12)
    # one variable, not a polynomial: the interval ends are refined numerically
    one = regions("tanh(x)", [[-6.0, 6.0]], threshold=1e-3, names=SOLVER_NAMES)
    assert one.extents.endswith(f"grid, refined by {SOLVER_NAMES['brentq']}"), one.extents
    assert not one.notes
    # a polynomial in one variable: exact roots, no account of numeric bounds
    assert regions("x**3 - x", [[-2.0, 2.0]], threshold=1e-3).extents == ""


def test_sampled_regions_say_how_samples_are_grouped_and_name_no_grid():
    """Rosenbrock (n = 5) p. 4: "sampled, not gridded" was followed by extents measured
    "along grid edges", and "single linkage" was not said to mean anything: a sampled search
    names no grid and gives the distance below which two samples join one region."""
    from landscape.vanishing import _sample_box, seeded_text

    box = np.array([[-2.0, 2.0]] * 5)
    X, shape, method, spacing = _sample_box(box, 5, [])
    assert shape is None and X.shape == (20_000, 5)
    assert spacing == pytest.approx(math.sqrt(5 * 4.0 ** 2) * 20_000 ** (-1 / 5))
    # Rosenbrock p. 4: "closer than 6.17" said not where 6.17 comes from: twice the spacing,
    # the box diagonal times count^(-1/n)
    diagonal = math.sqrt(5 * 4.0 ** 2)
    assert method == ("20 000 Halton samples, grouped by single linkage: small-gradient "
                      f"samples closer than {fmt(2 * spacing, 3)}, twice the sample spacing "
                      f"{fmt(spacing, 4)} = box diagonal {fmt(diagonal, 4)} × 20 000^(−1/5), "
                      "join one region")
    rep = regions("sum(x[i]**2, i, 1, 5)", box.tolist(), threshold=0.5)
    assert "grid" not in rep.extents and rep.method.startswith(method)
    assert "its small-gradient samples" in rep.extents
    # Himmelblau p.3: 'measured' is kept for optimizer runs (ᵐ); the extents are computed
    assert "measured" not in rep.extents
    # ‖∇f‖ = 2‖x‖ < 2 holds for samples inside the unit ball: they form the one region
    wide = regions("sum(x[i]**2, i, 1, 5)", box.tolist(), threshold=2.0)
    assert np.any(2 * np.linalg.norm(X, axis=1) < 2.0) and len(wide.regions) == 1
    assert wide.method == method + seeded_text(1, 0)
    # Rosenbrock p. 4: regions 2.02 apart, listed apart though 'closer than 6.17': they were
    # seeded by critical points, not by samples; the method says how seeded regions join
    # (here the minimum 0, refined from the samples' smallest ‖∇f‖, where no sample is small)
    tiny = regions("sum(x[i]**2, i, 1, 5)", box.tolist(), threshold=1e-3)
    assert not np.any(2 * np.linalg.norm(X, axis=1) < 1e-3) and len(tiny.regions) == 1
    assert tiny.method == method + seeded_text(0, 1)
    # Rosenbrock p.4: the seeding was one 70-word parenthesis nested in the count's
    # sentence: it is said in sentences of their own
    assert seeded_text(0, 1) == (
        "; no sampled point has ‖∇f‖₂ < t, so the one region comes from seeded points.  "
        "Every critical point, and every local minimum of ‖∇f‖₂ that Newton's method reaches "
        "from the 200 samples of smallest ‖∇f‖₂, starts a region of its own if ‖∇f‖₂ < t "
        "there; it counts in a listed region instead when it lies inside that region's "
        "bounds and ‖∇f‖₂ < t all along the segment from that region's point to it")
    # the 200 are what the search takes: the scattered samples of smallest ‖∇f‖
    from landscape.vanishing import _seeds

    gn = np.random.default_rng(0).random(5000)
    assert np.array_equal(_seeds(gn, None), np.argsort(gn)[:200])
    grid = regions("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", threshold=0.02).extents
    assert "on the grid edges leaving it" in grid and "samples" not in grid


@pytest.mark.parametrize("text, f", [
    ("0.1*x**2 + 2*y**2", lambda x, y: 0.1 * x * x + 2 * y * y),
    ("abs(x) + relu(y-1) + 0.5*y**2", lambda x, y: abs(x) + max(0.0, y - 1) + 0.5 * y * y),
])
def test_a_maximum_at_the_box_corners_is_exact_there(text, f):
    """Both formulas are convex: their maximum over [−5, 5]² is at corners, where SymPy gives
    f exactly; every corner holding the largest value is named."""
    rep = regions(text)
    corners = [(x, y) for x in (-5.0, 5.0) for y in (-5.0, 5.0)]
    top = max(f(*c) for c in corners)
    assert rep.f_max_exact is not None and float(rep.f_max_exact) == top
    assert isinstance(rep.f_max_exact, sp.Rational)
    assert sorted(rep.f_max_at) == sorted(c for c in corners if f(*c) == top)
    data = rep.to_json()
    assert data["f_max_how"] == "exact" and data["f_max_exact"] == sp.sstr(sp.nsimplify(top))


def test_a_maximum_inside_an_edge_at_no_short_rational_stays_sampled():
    """sin(x) + y² is largest at x = π/2, y = ±5: on an edge, at no short rational."""
    rep = regions("sin(x) + y**2")
    assert rep.f_max == pytest.approx(26.0, rel=1e-9)
    assert rep.f_max_exact is None and rep.f_max_at == []
    assert rep.to_json()["f_max_how"] == "sampled"


def test_the_exact_box_maximum_counts_mirror_images_before_making_them():
    """A corner of the box in n variables has 2ⁿ mirror images: ``analyze`` of a sum of 150
    squares made them all (2¹⁵⁰) and ran out of memory. Beyond EXACT_MAX_POINTS only the
    sampled point itself is evaluated, and the images are never listed."""
    import tracemalloc

    from landscape.vanishing import EXACT_MAX_POINTS, exact_box_maximum

    n = 20  # 2²⁰ images: about 200 MB listed
    obj = Objective.parse("sum(x[i]**2, i, 1, n)", dim=n)
    box = np.array([[-5.0, 5.0]] * n)
    assert 2 ** n > EXACT_MAX_POINTS
    tracemalloc.start()
    found = exact_box_maximum(obj, box, [5.0] * n, 25.0 * n)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found is not None
    value, points = found
    assert value == 25 * n and points == [(5.0,) * n]
    assert peak < 20e6, peak
    # in 2 variables the four corners are all listed, each at the maximum
    obj2 = Objective.parse("x**2 + y**2")
    value2, points2 = exact_box_maximum(obj2, np.array([[-5.0, 5.0]] * 2), [5.0, -5.0], 50.0)
    assert value2 == 50 and sorted(points2) == sorted(
        (a, b) for a in (-5.0, 5.0) for b in (-5.0, 5.0))


def test_the_extent_of_a_thin_bent_region_reaches_its_boundary():
    """Rosenbrock p. 4: the region ‖∇f‖ < 0.001 around (1, 1) printed [0.9990, 1.001] ×
    [0.9980, 1.002]: rays from (1, 1), even along the quadratic model's farthest directions,
    leave the thin, bent region early (x = 0.999), and SLSQP failed to move along it.  The
    boundary, sampled independently as ∇f(x) = u over 4 000 angles of ‖u‖ = 0.001 (Newton
    from (1, 1) for each u), reaches x = 0.998883, y = 0.997763: the extent holds it."""
    from landscape import Objective
    from landscape.vanishing import measured_extent

    obj = Objective.parse("100*(y - x**2)**2 + (1 - x)**2")
    box = np.array([[-2.0, 2.0], [-1.0, 3.0]])
    t = 1e-3
    P = gradient_level_points(obj, t, [1.0, 1.0], 4000)
    assert np.allclose(np.linalg.norm([obj.compiled.gradient(q) for q in P], axis=1), t)
    lo, hi = measured_extent(obj, box, np.array([1.0, 1.0]), t)
    assert np.all(lo <= P.min(axis=0) + 1e-9) and np.all(hi >= P.max(axis=0) - 1e-9)
    assert np.allclose(lo, P.min(axis=0), atol=1e-7) and np.allclose(hi, P.max(axis=0),
                                                                         atol=1e-7)
    assert lo[0] < 0.99889 and lo[1] < 0.99777  # not 0.999, 0.998
