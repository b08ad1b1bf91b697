"""Critical points on kinks: every point where 0 ∈ ∂f (Clarke), found by strata.

Each expected answer is worked out by hand from the subdifferential at the point (written in the
case's comment) and the pieces of f off the kinks; none comes from the project's code.
Notation: ∂|u| = [−1, 1]·∇u where u = 0; ∂relu(u) = [0, 1]·∇u where u = 0; on a tie of
max(a, b), ∂max = conv{∇a, ∇b}.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from analysis.cli import main as cli_main
from landscape import Objective
from landscape.critical import clarke_stationary, limiting_gradients

# formula, [(point, kind, f(point))], complete
CASES = [
    # ∂f(1, −½) = (0.2 + [−1, 1], −0.1 + 2·[−1, 1]) ∋ 0.  Off the kinks ∇f = (±1 + 0.2x,
    # ±2 + 0.2y) = 0 needs |y| = 10, outside the box; on x = 1, 0.2y ± 2 = 0 likewise; on
    # y = −½, 0.2x ± 1 = 0 gives x = ∓5 on the wrong side of x = 1.  f = 0.1·(1 + ¼).
    ("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)", [((1.0, -0.5), "minimum", 0.125)], True),
    # ∂f(0, 1) = ([0, 1] + 0, 0) ∋ 0 (0 is an end of [0, 1]).  x > 0: 1 + x ≠ 0; x < 0: x = 0
    # is not in x < 0.  The conventional gradient there is (½, 0) ≠ 0.
    ("relu(x) + (y-1)**2 + 0.5*x**2", [((0.0, 1.0), "minimum", 0.0)], True),
    # ∂f(0, 0) = ([−1, 1], 0) ∋ 0 (y < 1: relu(y − 1) = 0, ∂/∂y = y = 0).  On y = 1:
    # ∂/∂y = [0, 1] + 1 ∌ 0; for y > 1: 1 + y ≠ 0.
    ("abs(x) + relu(y-1) + 0.5*y**2", [((0.0, 0.0), "minimum", 0.0)], True),
    # a kink that is NOT critical: ∂f(0) = [−1, 1] + 2 = [1, 3] ∌ 0; f' = ±1 + 2 ≠ 0 elsewhere
    ("abs(x) + 2*x", [], True),
    # a maximum on a kink: ∂f(0) = [−1, 1]; f(t) = −|t| < 0 = f(0)
    ("-abs(x)", [((0.0,), "maximum", 0.0)], True),
    # a maximum where the conventional derivative is 0.3 ≠ 0: ∂f(0) = [−0.7, 1.3] ∋ 0, and
    # f(t) = −|t| + 0.3t < 0 for t ≠ 0
    ("-abs(x) + 0.3*x", [((0.0,), "maximum", 0.0)], True),
    # a saddle on a kink, conventional gradient (0.5, 0) ≠ 0: ∂f(0, 0) = ([−0.5, 1.5], 0) ∋ 0;
    # f(t, 0) = |t| + t/2 > 0 and f(0, t) = −t² < 0.  Off x = 0: ±1 + 0.5 ≠ 0.
    ("abs(x) + 0.5*x - y**2", [((0.0, 0.0), "saddle", 0.0)], True),
    # max(x, y): on the ridge x = y, ∂f = conv{(1, 0), (0, 1)} (coordinates sum to 1) ∌ 0;
    # off it ∇f = (1, 0) or (0, 1).  A 1-D set of kinks, none critical.
    ("max(x, y)", [], True),
    # ridge with a minimum on it: φ(t) = f(t, t) = t + t², φ' = 0 at t = −½;
    # ∂f = conv{(1, 0), (0, 1)} + (−½, −½) ∋ 0 (λ = ½).  x > y: (1 + x, y) = 0 at (−1, 0),
    # not in x > y; y > x likewise.  f = −½ + ¼.
    ("max(x, y) + 0.5*(x**2 + y**2)", [((-0.5, -0.5), "minimum", -0.25)], True),
    # nested kinks: |(|x| − 1)| has minima at ±1 (∂ = [−1, 1]) and, at 0, f = 1 − |x| nearby:
    # ∂ = [−1, 1] ∋ 0, a maximum in x; with + |y| (a minimum in y) the origin is a saddle.
    ("abs(abs(x)-1) + abs(y)",
     [((-1.0, 0.0), "minimum", 0.0), ((0.0, 0.0), "saddle", 1.0), ((1.0, 0.0), "minimum", 0.0)],
     True),
    # kinks on a non-polynomial curve: f = |sin x| + |y − 1|.  Off y = 1, ∂f/∂y = ±1 ≠ 0.  On
    # y = 1, ∂f/∂y = [−1, 1] ∋ 0 and in x: where sin x = 0, ∂ = [−1, 1]·|cos x| ∋ 0 (minima,
    # f = 0); elsewhere (|sin x|)' = sign(sin x)·cos x = 0 at x = π/2 + kπ, maxima of |sin x|
    # (saddles of f, f = 1).  In [−5, 5]: kπ for k = −1, 0, 1 and π/2 + kπ for k = −2..1.
    ("abs(sin(x)) + abs(y-1)",
     [((-3 * math.pi / 2, 1.0), "saddle", 1.0), ((-math.pi, 1.0), "minimum", 0.0),
      ((-math.pi / 2, 1.0), "saddle", 1.0), ((0.0, 1.0), "minimum", 0.0),
      ((math.pi / 2, 1.0), "saddle", 1.0), ((math.pi, 1.0), "minimum", 0.0),
      ((3 * math.pi / 2, 1.0), "saddle", 1.0)],
     True),
]


@pytest.mark.parametrize("formula, expected, complete", CASES)
def test_every_point_where_zero_is_in_the_subdifferential_is_found(formula, expected, complete):
    cps = Objective.parse(formula).critical_points()
    assert [p.point for p in cps] == [pytest.approx(p, abs=1e-12) for p, _, _ in expected]
    assert [p.kind for p in cps] == [k for _, k, _ in expected]
    assert [p.value for p in cps] == [pytest.approx(v, abs=1e-12) for _, _, v in expected]
    assert cps.complete is complete, cps.notes
    for p in cps:  # all of them lie on kinks: no Hessian, kind from values
        assert p.differentiable is False and p.test == "nondifferentiable"
        assert all(math.isnan(v) for v in p.eigenvalues)


def test_convex_kinked_function_with_interior_minimizer_always_reports_it():
    # f = |x − 1| + 2|y + ½| + 0.1(x² + y²) is strongly convex (μ = 0.2 from the quadratic):
    # its unique minimizer (1, −½) must be listed, and the convexity verdict agrees.
    obj = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)")
    conv = obj.convexity()
    assert conv.verdict == "convex" and conv.mu == pytest.approx(0.2)
    minima = [p for p in obj.critical_points() if p.kind == "minimum"]
    assert [p.point for p in minima] == [pytest.approx((1.0, -0.5), abs=1e-12)]


def test_kink_ridge_of_minimizers_is_a_continuum_not_complete():
    # |x − y|: every point of the line x = y is a minimum (∂f = [−1, 1]·(1, −1) ∋ 0), so the
    # list is a sample of a continuum and never complete; off the line ∇f = ±(1, −1) ≠ 0.
    cps = Objective.parse("abs(x - y)").critical_points()
    assert cps.complete is False
    assert any("continuum" in n and "x - y = 0" in n for n in cps.notes)
    assert cps and all(abs(p.point[0] - p.point[1]) < 1e-12 for p in cps)
    assert all(p.kind == "minimum" and p.value == 0.0 for p in cps)


def test_branches_that_may_jump_are_never_claimed_complete():
    # sign(x)·x + x/2 = |x| + x/2: ∂f(0) = [−0.5, 1.5] ∋ 0, a minimum, found; but sign may
    # jump in general, so completeness is not claimed.
    cps = Objective.parse("sign(x)*x + 0.5*x").critical_points()
    assert [(p.point, p.kind) for p in cps] == [((0.0,), "minimum")]
    assert cps.complete is False and any("sign" in n for n in cps.notes)


def test_limiting_gradients_span_the_subdifferential():
    # |x| + |y| at the origin: the four pieces ±x ± y have gradients (±1, ±1); their hull is
    # ∂f(0) = [−1, 1]², which contains 0.
    obj = Objective.parse("abs(x) + abs(y)")
    G = limiting_gradients(obj.expr, obj.variables, obj.gradient_list, (0, 0))
    corners = {tuple(np.round(g, 12)) for g in G}
    assert {(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)} <= corners
    assert clarke_stationary(obj.expr, obj.variables, obj.gradient_list, (0, 0))
    # |x| + 2x at 0: hull [1, 3], distance 1 from 0
    obj = Objective.parse("abs(x) + 2*x")
    assert not clarke_stationary(obj.expr, obj.variables, obj.gradient_list, (0,))


def test_subdifferential_vertices_are_the_pieces_gradients_at_the_point():
    """Kink p. 3: the report says why a point on a kink is critical, ∂f and 0 ∈ ∂f, from the
    vertices of ∂f.  |x| + |y| + |x − y| at 0: the pieces are s₁x + s₂y + s₃(x − y) for the
    sign vectors s a point near 0 can have; their gradients (s₁ + s₃, s₂ − s₃) are the six
    vertices of a hexagon (the midpoint gradients on the kinks, sign(0) = 0, lie inside)."""
    from landscape.critical.kinks import subdifferential_vertices

    obj = Objective.parse("abs(x) + abs(y) + abs(x - y)")
    pts = np.random.default_rng(1).standard_normal((400, 2))
    signs = {(np.sign(a), np.sign(b), np.sign(a - b)) for a, b in pts}
    expected = {(s1 + s3, s2 - s3) for s1, s2, s3 in signs}
    V = subdifferential_vertices(obj.expr, obj.variables, obj.gradient_list, (0, 0))
    assert len(expected) == 6 and {tuple(v) for v in V} == expected
    # abs(x) + relu(y − 1) + y²/2 at 0: ∂f = [−1, 1] × {0}, its vertices (±1, 0)
    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    V = subdifferential_vertices(obj.expr, obj.variables, obj.gradient_list, (0, 0))
    assert [tuple(v) for v in V] == [(-1.0, 0.0), (1.0, 0.0)]
    # a smooth point: the one gradient
    obj = Objective.parse("x**2 + (y - 1)**2")
    V = subdifferential_vertices(obj.expr, obj.variables, obj.gradient_list, (1, 0))
    assert [tuple(v) for v in V] == [(2.0, -2.0)]


def test_analyze_lists_the_kink_minimizer_and_calls_the_list_complete(capsys):
    code = cli_main(["analyze", "relu(x) + (y-1)**2 + 0.5*x**2", "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert code == 0
    assert rec["critical_points_complete"] is True
    (cp,) = rec["critical_points"]
    assert cp["point"] == [0.0, 1.0] and cp["kind"] == "minimum"
    assert cp["differentiable"] is False and cp["eigenvalues"] == [None, None]


def test_numeric_search_keeps_a_kink_candidate_newton_cannot_settle():
    # without the exact search, Newton on the midpoint gradient (x + H(x), 2y − 2) creeps to
    # x → 0⁻ and the 30-digit refinement jumps at the kink (H(0) = ½); since
    # ∂f(0, 1) = ([0, 1], 0) ∋ 0, the point is kept, not dropped as unconfirmed.
    cps = Objective.parse("relu(x) + (y-1)**2 + 0.5*x**2").critical_points(exact=False)
    assert [p.point for p in cps] == [pytest.approx((0.0, 1.0), abs=1e-9)]
    assert cps[0].kind == "minimum" and cps[0].differentiable is False
    assert any("on kinks of f" in n for n in cps.notes)


def test_convex_kink_minimizer_is_found_without_the_search_by_strata():
    # exact=False (as when the symbolic search runs out of time): Newton on the midpoint
    # gradient cannot reach the kink (1, −½) of |x − 1| + 2|y + ½| + 0.1(x² + y²); minimising
    # f itself reaches it, and ∂f(1, −½) ∋ 0 (see CASES) confirms it.
    cps = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)").critical_points(
        exact=False)
    assert [p.point for p in cps] == [pytest.approx((1.0, -0.5), abs=1e-9)]
    assert cps[0].kind == "minimum" and cps[0].differentiable is False
    assert cps.complete is False


def test_subdifferential_vertices_leave_out_the_midpoint_gradients_on_a_kink():
    """Kink p. 3: |x − 1| + 2|y + 1/2| + (x² + y²)/10 at (1, −1/2).  The pieces' gradients
    there are (±1 + 2·1/10, ±2 + 2·(−1/2)/10) = (1.2 or −0.8, 1.9 or −2.1): ∂f is that
    rectangle, its four corners the vertices.  The midpoint-convention gradient on the kink
    x = 1 (sign(0) = 0), (0.2, −2.1), is the midpoint of two corners: no vertex (the hull
    distance used to come out 8.6e-10 and listed it)."""
    from landscape.critical.kinks import _simplex_distance, subdifferential_vertices

    obj = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)")
    V = subdifferential_vertices(obj.expr, obj.variables, obj.gradient_list,
                                 (1, sp.Rational(-1, 2)))
    corners = {(round(sx + 0.2, 12), round(2 * sy - 0.1, 12)) for sx in (1, -1) for sy in (1, -1)}
    assert {(round(float(a), 12), round(float(b), 12)) for a, b in V} == corners
    # the distance from 0 to the hull of (−1, 0), (1, 0), (0, 4): 0, the midpoint of the first two
    assert _simplex_distance(np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 4.0]])) <= 1e-15
