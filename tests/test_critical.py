"""Critical points: exact where provable, numeric otherwise; classification incl. degenerate.

Expected values are derived independently: by hand, closed forms, the literature
(Himmelblau), or a second method (scipy's brentq for x·cos(πx)).
"""

import json
import math
import time

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq

from landscape.critical import CriticalPoints, find_critical_points
from landscape.objective import Objective


def crit(text, box=None, **kw) -> CriticalPoints:
    return find_critical_points(Objective.parse(text), box, **kw)


def only(points):
    assert len(points) == 1, points
    return points[0]


def test_saddle_json_is_the_design_shape():
    cps = crit("x**2 - y**2")
    assert cps.complete and cps.method == "exact"
    assert json.loads(json.dumps(cps.to_json()))["critical_points"] == [
        {"point": [0.0, 0.0], "value": 0.0, "gradient_norm": 0.0,
         "eigenvalues": [-2.0, 2.0], "condition_number": 1.0, "index": 1,
         "kind": "saddle", "degenerate": False, "test": "hessian", "exact": True}
    ]
    assert cps.to_json()["critical_points_complete"] is True
    p = cps[0]
    assert p.point_exact == (0, 0) and set(p.eigenvalues_exact) == {-2, 2}


def test_parabola_minimum():
    p = only(crit("x**2"))
    assert p.kind == "minimum" and p.point == (0.0,) and p.eigenvalues == (2.0,)
    assert p.condition_number == 1.0 and p.index == 0 and not p.degenerate


@pytest.mark.parametrize(
    "text, kind",
    [
        ("x**3", "saddle"),  # inflection: f''' ≠ 0, odd order
        ("x**4", "minimum"),
        ("-x**4", "maximum"),
        ("x**4 + y**4", "minimum"),
        ("x**3 - 3*x*y**2", "saddle"),  # monkey saddle
        ("x**2 + y**4", "minimum"),
        ("x**2 - y**4", "saddle"),  # Hessian diag(2, 0): needs the higher-order test
        ("x**2 + y**3", "saddle"),
        ("x**4 - y**4", "saddle"),
        ("(x - y**2)*(x - 2*y**2)", "saddle"),  # Peano: min on every line, still a saddle
    ],
)
def test_degenerate_points_exact(text, kind):
    cps = crit(text)
    assert cps.complete
    p = only(cps)
    assert p.point == (0.0,) * len(p.point) and p.exact
    assert p.degenerate and p.kind == kind
    assert p.test == "higher-order"
    assert p.to_json()["condition_number"] is None  # singular Hessian: κ = ∞ → null


@pytest.mark.parametrize(
    "text, kind", [("x**4 + y**4", "minimum"), ("x**3", "saddle"), ("x**2 - y**4", "saddle")]
)
def test_degenerate_points_numeric_path(text, kind):
    cps = crit(text, exact=False)
    assert not cps.complete and cps.method == "numeric"
    p = only(cps)
    assert np.allclose(p.point, 0.0, atol=1e-6) and not p.exact
    assert p.degenerate and p.kind == kind and p.test == "higher-order"


def test_himmelblau_nine_points():
    cps = crit("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    assert cps.complete and len(cps) == 9
    kinds = [p.kind for p in cps]
    assert kinds.count("minimum") == 4 and kinds.count("maximum") == 1
    assert kinds.count("saddle") == 4
    minima = sorted(p.point for p in cps if p.kind == "minimum")
    literature = sorted([(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                         (3.584428, -1.848126)])
    for got, want in zip(minima, literature, strict=True):
        assert got == pytest.approx(want, abs=2e-6)
    # the four minima are zeros of f (both squares vanish): exact zero, not evaluation noise
    assert all(p.value == 0.0 for p in cps if p.kind == "minimum")
    (mx,) = [p for p in cps if p.kind == "maximum"]
    assert mx.point == pytest.approx((-0.270845, -0.923039), abs=1e-6)
    assert mx.value == pytest.approx(181.617, abs=1e-3)
    (m32,) = [p for p in cps if p.point == (3.0, 2.0)]
    assert m32.point_exact == (3, 2)


def test_rosenbrock_condition_number():
    p = only(crit("(1 - x)**2 + 100*(y - x**2)**2"))
    assert p.kind == "minimum" and p.point_exact == (1, 1)
    # Hessian [[802, -400], [-400, 200]]: λ = 501 ± √(301² + 400²)
    r = math.sqrt(301**2 + 400**2)
    assert p.eigenvalues == pytest.approx((501 - r, 501 + r), rel=1e-12)
    assert p.condition_number == pytest.approx((501 + r) / (501 - r), rel=1e-9)
    assert p.condition_number == pytest.approx(2508.0, abs=0.05)
    assert sp.simplify(p.eigenvalues_exact[0] - (501 - sp.sqrt(250601))) == 0


@pytest.mark.parametrize("text", ["tanh(x)", "exp(x)", "exp(x) + y", "exp(x)*cosh(y) + x",
                                  "sigmoid(x) - y**3 - y"])
def test_no_critical_point_is_a_complete_empty_list(text):
    cps = crit(text)
    assert list(cps) == [] and cps.complete


def test_cos_critical_points_at_multiples_of_pi():
    cps = crit("cos(x)")
    assert cps.complete
    assert [p.point_exact for p in cps] == [(-sp.pi,), (0,), (sp.pi,)]
    assert [p.kind for p in cps] == ["minimum", "maximum", "minimum"]


def test_quadratic_and_cosh():
    p = only(crit("0.1*x1**2 + 2*x2**2"))
    assert p.kind == "minimum" and p.eigenvalues == pytest.approx((0.2, 4.0))
    assert p.condition_number == pytest.approx(20.0)
    q = only(crit("cosh(x)"))
    assert q.kind == "minimum" and q.point == (0.0,) and q.value == 1.0


def test_x_cos_pi_x_against_brentq():
    """f'(x) = cos(πx) − πx·sin(πx): roots bracketed on a fine grid, solved by brentq."""
    cps = crit("x*cos(pi*x)")
    assert not cps.complete and cps.method == "numeric"
    assert any("numeric search" in n for n in cps.notes)

    def d(x):
        return math.cos(math.pi * x) - math.pi * x * math.sin(math.pi * x)

    grid = np.linspace(-5, 5, 10001)
    vals = [d(x) for x in grid]
    roots = [brentq(d, a, b, xtol=1e-14) for a, b, fa, fb in
             zip(grid[:-1], grid[1:], vals[:-1], vals[1:], strict=True) if fa * fb < 0]
    assert len(cps) == len(roots) == 10
    assert [p.point[0] for p in cps] == pytest.approx(roots, abs=1e-10)
    kinds = [p.kind for p in cps]
    assert set(kinds) == {"minimum", "maximum"}
    assert all(a != b for a, b in zip(kinds[:-1], kinds[1:], strict=True))  # alternate
    assert all(p.gradient_norm < 1e-20 for p in cps)


def test_closed_box_and_boundary_points():
    cps = crit("x**3", "0:5")
    assert cps.complete and [p.point for p in cps] == [(0.0,)]
    assert list(crit("(x - 7)**2")) == []  # minimizer outside the default box


def test_continuum_is_not_complete():
    cps = crit("(x - y)**2")
    assert not cps.complete
    assert any("continuum" in n for n in cps.notes)
    assert len(cps) >= 3 and all(p.point[0] == p.point[1] for p in cps)
    assert all(p.degenerate and p.kind == "minimum" for p in cps)


def test_hanging_solve_falls_back_to_numeric():
    text = "x**7*y**5 + 3*x**3*y**6 - 2*x**5*y**2 + y**7 + x*y - x**4 + y"
    obj = Objective.parse(text)
    assert obj.compiled.h is not None  # compile the kernels outside the timing
    t0 = time.monotonic()
    cps = find_critical_points(obj, timeout=0.5)
    elapsed = time.monotonic() - t0
    assert elapsed < 60.0  # no hang (the exact solve alone runs for minutes); the numeric
    # search after it takes ~1-4 s idle and longer on a loaded machine, so the budget itself
    # is checked on the solve's own abandonment time
    assert cps.method == "numeric" and not cps.complete
    (note,) = [n for n in cps.notes if "abandoned after" in n]
    assert 0.5 <= float(note.split("abandoned after ")[1].split(" s")[0]) < 0.5 + 1.5
    assert any("numeric search" in n for n in cps.notes)
    for p in cps:  # every reported point is a critical point
        assert np.linalg.norm(obj.grad(p.point)) < 1e-8


@pytest.mark.parametrize("text", ["-((x - x))", "3 + 0*y + x - x"])
def test_a_constant_function_lists_no_points_and_says_why(text):
    """Every point of a constant f is critical: a continuum, not 256 numeric points (a
    fuzzed -((x - x)) once listed one per search start)."""
    res = find_critical_points(Objective.parse(text))
    assert list(res) == [] and not res.complete
    assert any("f is constant" in note for note in res.notes)


@pytest.mark.parametrize("text, count", [("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "9 points"),
                                         ("x**2 + 2*y**2", "1 point")])
def test_the_progress_line_counts_points_in_words(text, count):
    """The stage text read 'classification of 9 point(s)': a count takes its noun in the
    singular or plural, as everywhere else."""
    labels: list[str] = []
    find_critical_points(Objective.parse(text), progress=lambda d, t, label="": labels.append(
        label))
    assert f"classification of {count}" in labels
    assert not any("(s)" in label for label in labels)


def test_the_numeric_search_note_counts_its_starts_as_every_count_is_written():
    """Rosenbrock p. 2: "numeric search of the box with 1000 starts" beside "1 000
    iterations": the count of starts sets its thousands apart by a space, as every count."""
    cps = find_critical_points(Objective.parse("x**2 + y**2"), exact=False, starts=1200)
    (search,) = [n for n in cps.notes if n.startswith("numeric search of the box with ")]
    assert search.startswith("numeric search of the box with 1 200 starts ")
