"""Analysis where double precision gives out: underflowing gradients, overflowing boxes.

f = (x + y)^10000 has ∇f = 10000·(x + y)^9999·(1, 1), which underflows to 0 in double precision
wherever |x + y| < 0.93 although it vanishes only on the line x + y = 0 — a degenerate valley
of minimizers (f ≥ 0 = f there).  None of the underflow points may be listed as critical.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.cli import main as cli_main
from landscape import Objective
from landscape.critical import refine_point
from landscape.errors import InputError


@pytest.fixture(scope="module")
def valley():
    return Objective.parse("(x+y)**10000")


def test_underflow_is_not_a_critical_point(valley):
    cps = valley.critical_points()
    assert cps.complete is False  # a continuum is never complete
    assert any("continuum" in n and "x = -y" in n for n in cps.notes), cps.notes
    assert 1 <= len(cps) <= 10  # a sample of the valley, not 71 underflow points
    for p in cps:
        assert p.point[0] + p.point[1] == 0.0  # on the valley, exactly
        assert p.kind == "minimum" and p.value == 0.0


def test_numeric_search_lists_no_underflow_points(valley):
    # without the exact solve, the Newton candidates where ∇f underflows must either be refined
    # onto the valley or dropped
    cps = valley.critical_points(exact=False)
    assert all(abs(p.point[0] + p.point[1]) <= 1e-12 for p in cps), [p.point for p in cps]
    assert all(p.kind == "minimum" for p in cps)


def test_refinement_needs_newton_to_settle_not_a_tiny_gradient(valley):
    # at (0.4, 0) the 30-digit gradient is 10000·0.4^9999 ≈ 1e-3975, far below any absolute
    # tolerance, yet the valley is 0.4/√2 away.  Newton's steps shrink by ρ = 1 − 1/9999
    # (a root of multiplicity 9999): the refinement must land on x + y = 0, or refuse.
    r = refine_point(valley.gradient_list, valley.hessian, valley.variables,
                     np.array([0.4, 0.0]), 1.0, False)
    if r.converged:
        assert abs(r.point[0] + r.point[1]) <= 1e-15
    assert not (r.converged and r.point == (0.4, 0.0))


def test_degenerate_minimum_of_high_order_is_refined_not_dropped():
    # x^10 + y^2 from (0.01, 0): Newton converges linearly (ρ = 9/10); the multiplicity step
    # reaches the minimum at the origin
    obj = Objective.parse("x**10 + y**2")
    r = refine_point(obj.gradient_list, obj.hessian, obj.variables, np.array([0.01, 0.0]),
                     1.0, False)
    assert r.converged and np.allclose(r.point, (0.0, 0.0), atol=1e-12)


def test_box_whose_arithmetic_overflows_is_refused(valley, capsys):
    # ±1e300: squares (and distances) of points of the box overflow double precision
    with pytest.raises(InputError, match="too large"):
        valley.critical_points(box=[(-1e300, 1e300)])
    with pytest.raises(InputError, match="too large"):
        valley.vanishing(box=[(-1e300, 1e300)])
    code = cli_main(["analyze", "(x+y)**10000", "--box=-1e300:1e300", "--json"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "too large" in captured.err


def test_large_box_within_the_limit_is_analysed(capsys):
    # x² + y² on ±1e100: one minimum at the origin, found exactly
    code = cli_main(["analyze", "x**2 + y**2", "--box=-1e100:1e100", "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(p["point"], p["kind"]) for p in rec["critical_points"]] == [([0.0, 0.0], "minimum")]


def test_underflow_points_are_dropped_even_when_refinement_runs_out_of_time(valley, monkeypatch):
    # with almost no time to refine, candidates are judged in double precision: a Newton step
    # −H⁺∇f from (x, y) with x + y = s ≠ 0 moves by |s|/9999 per coordinate pair, far from
    # "settled", so none of the underflow points may be kept; a genuine critical point
    # (x² + 3y² + xy − x: ∇f = 0 at (6/11, −1/11)) is still kept as a float point.
    monkeypatch.setenv("LANDSCAPE_BUDGET_SCALE", "0.001")
    cps = valley.critical_points(exact=False)
    assert all(abs(p.point[0] + p.point[1]) <= 1e-12 for p in cps), [p.point for p in cps]
    cps = Objective.parse("x**2 + 3*y**2 + x*y - x").critical_points(exact=False)
    assert [p.point for p in cps] == [pytest.approx((6 / 11, -1 / 11), abs=1e-12)]
