"""Vanishing-gradient regions: complete, measured, and labelled for what they are.

Answers are independent of the project's code: critical points from brentq on the closed-form
1-D derivative or exact SymPy arithmetic; extents from the linear model |H·x| < t (exact for a
quadratic: the bounding box of that ellipse has half-widths t·‖row_i(H⁻¹)‖) or by hand.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq

from analysis.cli import main as cli_main
from landscape import Objective

RASTRIGIN = "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)"
GOLDSTEIN_PRICE = ("(1 + (x+y+1)**2*(19-14*x+3*x**2-14*y+6*x*y+3*y**2))"
                   "*(30 + (2*x-3*y)**2*(18-32*x+12*x**2+48*y-36*x*y+27*y**2))")


def _inside(point, region, slack=1e-12):
    return all(lo - slack <= p <= hi + slack
               for p, lo, hi in zip(point, region.lower, region.upper, strict=True))


def _rastrigin_roots():
    """Roots of g(x) = 2x + 20π·sin(2πx) in [−1.5, 1.5]: g changes sign on a fine grid; brentq."""
    def g(x):
        return 2 * x + 20 * math.pi * math.sin(2 * math.pi * x)
    xs = np.linspace(-1.5, 1.5, 3001)
    roots = [brentq(g, a, b, xtol=1e-15) for a, b in zip(xs[:-1], xs[1:], strict=True)
             if g(a) * g(b) < 0]
    return roots + [0.0]  # g(0) = 0 exactly (a grid point)


@pytest.mark.parametrize("pass_points", [True, False])
def test_every_critical_point_of_rastrigin_lies_in_a_region(pass_points):
    roots = _rastrigin_roots()
    assert len(roots) == 5
    cps = list(itertools.product(roots, roots))  # f separates: ∇f = 0 ⇔ both g(x), g(y) = 0
    obj = Objective.parse(RASTRIGIN)
    box = [(-1.5, 1.5)]
    listed = obj.critical_points(box=box) if pass_points else ()
    rep = obj.vanishing(box=box, critical_points=listed)
    assert rep.found == len(rep.regions) == 25  # nothing capped, nothing silently dropped
    for p in cps:
        assert sum(_inside(p, r) for r in rep.regions) == 1, p
    assert all(r.label == "critical point" for r in rep.regions)


def test_every_critical_point_of_goldstein_price_lies_in_a_region():
    # nine critical points with rational coordinates: ∇f vanishes there exactly (SymPy)
    points = [(-0.6, -0.4), (-0.4, -0.6), (0, -1), (0.6, 0.4), (0.8, 0.2), (1.2, -0.2),
              (1.2, 0.8), (1.4, 0.6), (1.8, 0.2)]
    obj = Objective.parse(GOLDSTEIN_PRICE)
    for p in points:
        sub = dict(zip(obj.variables, [sp.Rational(str(c)) for c in p], strict=True))
        assert all(sp.expand(g.subs(sub)) == 0 for g in obj.gradient_list)
    rep = obj.vanishing(box=[(-2, 2)])
    for p in points:
        assert sum(_inside(p, r) for r in rep.regions) == 1, p


def test_region_of_a_critical_point_on_a_grid_node_is_its_true_size():
    # x² + 3y² + xy at the origin (the grid's centre node): ∇f = H·x with H = [[2, 1], [1, 6]],
    # so the region is the ellipse |H·x| < t, bounding box half-widths t·‖row_i(H⁻¹)‖
    # (≈ 5.6e-4 and 1.8e-4, where the grid cell is ±0.0112).
    t = 1e-3
    rep = Objective.parse("x**2 + 3*y**2 + x*y").vanishing(threshold=t)
    (r,) = rep.regions
    half = t * np.linalg.norm(np.linalg.inv([[2.0, 1.0], [1.0, 6.0]]), axis=1)
    assert r.lower == pytest.approx(tuple(-half), rel=1e-6)
    assert r.upper == pytest.approx(tuple(half), rel=1e-6)
    assert r.label == "critical point" and r.critical_kind == "minimum"


def test_six_hump_camel_origin_region_is_not_the_grid_cell():
    # the saddle at the origin: H = [[8, 1], [1, −8]], H⁻¹ = [[8, 1], [1, −8]]/65, rows of norm
    # 1/√65: half-widths t/√65 = 1.2403e-4 (the cubic and quartic terms change this by
    # O(t²)); the 447-point grid cell is ±4.48e-3, 36× larger.
    obj = Objective.parse("(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2")
    rep = obj.vanishing(box=[(-2, 2)])
    (r,) = [r for r in rep.regions if _inside((0.0, 0.0), r)]
    assert r.upper == pytest.approx((1e-3 / math.sqrt(65),) * 2, rel=1e-3)
    assert r.lower == pytest.approx((-1e-3 / math.sqrt(65),) * 2, rel=1e-3)
    assert r.critical_kind == "saddle"


def test_curve_of_critical_points_is_one_region_not_the_whole_box():
    # (xy − 1)²: ∇f = 2(xy − 1)(y, x) vanishes on both branches of xy = 1 (minima) and at the
    # origin (a saddle, H = [[0, 2], [2, 0]]: half-widths t/2).  Each branch crosses the box
    # from x = 1/5 to x = 5: one region each, with that extent.
    rep = Objective.parse("(x*y - 1)**2").vanishing()
    assert rep.found == len(rep.regions) == 3
    saddle = [r for r in rep.regions if r.critical_kind == "saddle"]
    branches = sorted((r for r in rep.regions if r.critical_curve), key=lambda r: r.point[0])
    assert len(saddle) == 1 and len(branches) == 2
    assert saddle[0].upper == pytest.approx((5e-4, 5e-4), rel=1e-6)
    assert branches[0].lower == pytest.approx((-5.0, -5.0), abs=1e-9)
    assert branches[0].upper == pytest.approx((-0.2, -0.2), abs=1e-3)
    assert branches[1].lower == pytest.approx((0.2, 0.2), abs=1e-3)
    assert branches[1].upper == pytest.approx((5.0, 5.0), abs=1e-9)
    assert all(r.critical_kind == "minimum" for r in branches)
    assert "curve of minima" in branches[0].describe()


def test_tanh_tails_are_tails_not_critical_points():
    # tanh' = 1 − tanh² < t ⇔ |x| > atanh(√(1 − t)); there is no critical point anywhere
    rep = Objective.parse("tanh(x)").vanishing()
    edge = math.atanh(math.sqrt(1 - 1e-3))
    assert [(r.lower[0], r.upper[0]) for r in rep.regions] == [
        pytest.approx((-5.0, -edge), abs=1e-10), pytest.approx((edge, 5.0), abs=1e-10)]
    assert [r.label for r in rep.regions] == ["tail", "tail"]
    assert all(r.critical_point is None and r.critical_kind is None for r in rep.regions)
    assert [r.describe() for r in rep.regions] == [
        "tail at the box edge (no critical point)",
        "tail at the box edge (no critical point), far above the minimum"]


def test_flat_shelf_without_a_critical_point_is_a_plateau():
    # f = x³ + 1e-4·x + y²: ∇f = (3x² + 1e-4, 2y) never vanishes.  ‖∇f‖ < t = 1e-3: the
    # widest x is at y = 0, 3x² + 1e-4 < 1e-3 → |x| < √3e-4; the widest y at x = 0,
    # 1e-8 + 4y² < 1e-6 → |y| < √(0.99e-6)/2.
    rep = Objective.parse("x**3 + 1e-4*x + y**2").vanishing()
    (r,) = rep.regions
    assert r.label == "plateau" and r.critical_point is None
    assert r.upper == pytest.approx((math.sqrt(3e-4), math.sqrt(0.99e-6) / 2), rel=1e-6)
    assert r.lower == pytest.approx((-math.sqrt(3e-4), -math.sqrt(0.99e-6) / 2), rel=1e-6)


def test_cap_is_stated_with_the_counts():
    rep = Objective.parse(RASTRIGIN).vanishing(box=[(-1.5, 1.5)], max_regions=10)
    assert len(rep.regions) == 10 and rep.found == 25
    assert any("25 regions" in n and "10" in n for n in rep.notes)
    j = rep.to_json()
    assert j["regions_found"] == 25 and len(j["regions"]) == 10


def test_analyze_text_says_what_each_region_is(capsys):
    assert cli_main(["analyze", "tanh(x)"]) == 0
    out = capsys.readouterr().out
    assert out.count("tail at the box edge (no critical point)") == 2
    assert "near a critical point" not in out
    assert cli_main(["analyze", "x**2 - y**2", "--json"]) == 0
    (r,) = json.loads(capsys.readouterr().out)["vanishing_gradient"]["regions"]
    assert r["label"] == "critical point" and r["critical_kind"] == "saddle"
    assert r["description"] == "holds a saddle"


def test_region_at_a_kink_is_the_point_itself():
    # |x| − |y|: the midpoint gradient (sign x, −sign y) has norm ≥ 1 except at the origin,
    # where it is 0 — the region is the single point, a saddle on a kink (no Hessian there)
    rep = Objective.parse("abs(x) - abs(y)").vanishing()
    (r,) = rep.regions
    assert r.lower == (0.0, 0.0) and r.upper == (0.0, 0.0)
    assert r.critical_point == "nondifferentiable" and r.critical_kind == "saddle"
    assert r.describe().startswith("holds a saddle on a kink of f")


def test_extent_around_an_ill_conditioned_minimum_reaches_both_sides():
    """Rosenbrock in 5-D, around x* = (1, …, 1) (κ ≈ 3316): the region {‖∇f‖ < t} is a thin
    ellipsoid along the Hessian's softest direction, and random rays missed its long axis:
    the report printed [0.9985, 1.000] for x₅ (x* on the region's edge; 57% of the extent on
    one side, 0.3% on the other).  The quadratic model gives the extent t·‖H⁻¹eᵢ‖ on each
    side (max dᵢ subject to ‖H d‖ ≤ t); the measured one is within 10% of it, both sides."""
    from landscape.vanishing import measured_extent

    obj = Objective.parse("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", dim=5)
    box = np.array([[-5.0, 5.0]] * 5)
    x_star, t = np.ones(5), 1e-3
    lower, upper = measured_extent(obj, box, x_star, t)
    H = np.array(obj.hessian.subs(dict.fromkeys(obj.variables, 1)), dtype=float)  # SymPy, exact
    model = t * np.linalg.norm(np.linalg.inv(H), axis=1)
    assert np.all(upper - x_star > 0.9 * model) and np.all(upper - x_star < 1.1 * model)
    assert np.all(x_star - lower > 0.9 * model) and np.all(x_star - lower < 1.1 * model)


@pytest.mark.parametrize("text, lo, hi", [("tanh(x)", -10.0, 10.0),
                                          ("1/(1 + exp(-x))", -25.0, 25.0),
                                          ("exp(-x**2)", -5.0, 5.0),
                                          ("x*exp(-x**2)", -6.0, 6.0)])
def test_a_tail_whose_gradient_is_below_the_critical_test_is_no_critical_point(text, lo, hi):
    """tanh on [−10, 10]: ‖∇f‖₂ = sech²(10) = 8.2e−09 at the ends passed the critical test
    (≤ 10⁻⁸·max(1, ‖H‖)) and both tails read "holds a saddle (degenerate)", while the exact
    solve proved there is no critical point.  A region holds a critical point exactly when
    one of SymPy's roots of f′ lies in it; the others, at the box's edge, are tails."""
    obj = Objective.parse(text)
    x = obj.variables[0]
    roots = [float(r) for r in sp.solveset(sp.diff(obj.expr, x), x, sp.Interval(lo, hi))]
    v = obj.vanishing(box=f"{lo}:{hi}")
    assert v.regions
    for r in v.regions:
        holds = any(r.lower[0] <= t <= r.upper[0] for t in roots)
        assert (r.label == "critical point") == holds, (text, r.lower, r.upper, r.label)
        if not holds:
            assert r.label == "tail" and r.point[0] in (lo, hi), r
            assert r.describe().startswith("tail at the box edge (no critical point)")
    # a critical point on a bound stays one: x³ at 0 on [0, 5], where ‖∇f‖₂ = 0
    (r,) = Objective.parse("x**3").vanishing(box="0:5").regions
    assert r.label == "critical point" and r.critical_point == "degenerate"
