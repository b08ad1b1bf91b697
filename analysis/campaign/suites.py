"""Built-in objective suites of campaigns, with their known minima and best values.

``lecture``: the functions of the lecture notes (the study report's): x², x³, x² − y², tanh x,
x·cos(cx) with c = 0.15π, the ill-conditioned quadratic ½x₁² + 50x₂² (κ = 100) and the 2-D
Rosenbrock function.  Four of them have **no minimum**, which the suite says (``f_star`` None,
``note``): x³ and x² − y² are unbounded below, tanh x only approaches its infimum −1 as
x → −∞, and x·cos(cx) is unbounded below on ℝ (its one local minimum in the box [−5, 5],
where f′(x) = cos(cx) − cx·sin(cx) = 0, is listed as a known minimum, not as f*).

``classic``: the standard test functions of global optimization, each with the minimizers and
f* published in

* [JY13] M. Jamil, X.-S. Yang, "A literature survey of benchmark functions for global
  optimization problems", Int. J. Math. Model. Numer. Optim. 4(2):150–194, 2013;
* [SB]  S. Surjanovic, D. Bingham, "Virtual Library of Simulation Experiments: Test Functions
  and Datasets", Simon Fraser University, https://www.sfu.ca/~ssurjano/optimization.html.

Where a source prints fewer digits than a run resolves (six-hump camel −1.0316, Styblinski–Tang
−39.16599·d), the value below is the source's point refined to ‖∇f‖ ≈ 1e-12 by a Newton/BFGS
solve, and agrees with the printed digits; tests check every f* and minimizer by a second method
(SciPy's BFGS from the listed point, on a SymPy evaluation of the formula).
"""

from __future__ import annotations

from .model import ObjectiveDef

JY13 = "Jamil & Yang 2013 (Int. J. Math. Model. Numer. Optim. 4(2):150-194)"
SB = "Surjanovic & Bingham, Virtual Library of Simulation Experiments (sfu.ca/~ssurjano)"
CLOSED = "closed form"

ROSEN_2D = "(1 - x)**2 + 100*(y - x**2)**2"
ROSEN_CHAINED = "sum(100*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2, i, 1, n-1)"


def _o(id: str, formula: str, box, f_star, minima, source: str, *, params=None, dim=None,
       note: str = "") -> ObjectiveDef:
    n = dim if dim is not None else len(box)
    if len(box) == 1 and n > 1:
        box = box * n
    return ObjectiveDef(id=id, formula=formula, params=dict(params or {}), dim=dim,
                        box=tuple((float(a), float(b)) for a, b in box),
                        f_star=None if f_star is None else float(f_star),
                        minima=tuple(tuple(float(v) for v in m) for m in minima),
                        source=source, note=note)


_LECTURE = [
    _o("parabola", "x**2", [(-5, 5)], 0.0, [[0.0]], CLOSED),
    _o("cubic", "x**3", [(-5, 5)], None, [], CLOSED,
       note="no minimum: unbounded below as x → −∞ (x = 0 is a degenerate saddle)"),
    _o("saddle", "x**2 - y**2", [(-5, 5), (-5, 5)], None, [], CLOSED,
       note="no minimum: unbounded below along y (the origin is a saddle)"),
    _o("tanh", "tanh(x)", [(-5, 5)], None, [], CLOSED,
       note="no minimum: the infimum −1 is approached as x → −∞, never attained"),
    _o("xcos", "x*cos(c*x)", [(-5, 5)], None, [[-1.8256845786723395]],
       "root of cos(cx) − cx·sin(cx) (Brent's method, 1e-14)", params={"c": "0.15*pi"},
       note="no global minimum (f unbounded below); the listed point is its only local "
            "minimum in [−5, 5], f = −1.19068"),
    _o("illcond", "0.5*x1**2 + 50*x2**2", [(-5, 5), (-5, 5)], 0.0, [[0.0, 0.0]], CLOSED,
       note="κ = 100"),
    _o("rosenbrock", ROSEN_2D, [(-5, 5), (-5, 5)], 0.0, [[1.0, 1.0]], CLOSED),
]

_CLASSIC = [
    _o("himmelblau", "(x**2 + y - 11)**2 + (x + y**2 - 7)**2", [(-5, 5), (-5, 5)], 0.0,
       [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]],
       f"{JY13}, function 65; Himmelblau, Applied Nonlinear Programming, 1972"),
    _o("beale", "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
       [(-4.5, 4.5), (-4.5, 4.5)], 0.0, [[3.0, 0.5]], f"{JY13}, function 10; {SB}"),
    _o("rosenbrock", ROSEN_2D, [(-5, 5), (-5, 5)], 0.0, [[1.0, 1.0]],
       f"{JY13}, function 105; {SB}"),
    _o("rosenbrock10", ROSEN_CHAINED, [(-5, 5)], 0.0, [[1.0] * 10],
       f"{JY13}, function 105 (n = 10); {SB}", dim=10),
    _o("goldstein_price",
       "(1 + (x + y + 1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
       "*(30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))",
       [(-2, 2), (-2, 2)], 3.0, [[0.0, -1.0]], f"{JY13}, function 58; {SB}"),
    _o("six_hump_camel", "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
       [(-3, 3), (-2, 2)], -1.0316284534898768,
       [[0.08984201368301331, -0.7126564032704135], [-0.08984201368301331, 0.7126564032704135]],
       f"{JY13}, function 30 (f* = −1.0316, x* = ±(0.0898, −0.7126)); {SB}; digits refined"),
    _o("rastrigin", "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
       [(-5.12, 5.12), (-5.12, 5.12)], 0.0, [[0.0, 0.0]], f"{JY13}, function 102; {SB}"),
    _o("styblinski_tang", "(x**4 - 16*x**2 + 5*x + y**4 - 16*y**2 + 5*y)/2",
       [(-5, 5), (-5, 5)], -78.33233140754282, [[-2.903534027771177, -2.903534027771177]],
       f"{SB} (f* = −39.16599·d, x* = −2.903534 each); digits: root of 4t³ − 32t + 5"),
    _o("booth", "(x + 2*y - 7)**2 + (2*x + y - 5)**2", [(-10, 10), (-10, 10)], 0.0,
       [[1.0, 3.0]], f"{JY13}, function 17; {SB}"),
    _o("three_hump_camel", "2*x**2 - 1.05*x**4 + x**6/6 + x*y + y**2", [(-5, 5), (-5, 5)],
       0.0, [[0.0, 0.0]], f"{JY13}, function 29; {SB}"),
    _o("matyas", "0.26*(x**2 + y**2) - 0.48*x*y", [(-10, 10), (-10, 10)], 0.0, [[0.0, 0.0]],
       f"{JY13}, function 71; {SB}"),
]

#: suite name → objective id → definition
SUITES: dict[str, dict[str, ObjectiveDef]] = {
    "lecture": {o.id: o for o in _LECTURE},
    "classic": {o.id: o for o in _CLASSIC},
}

#: objective id → how documents name it in prose and tables (campaign.json keeps the id)
TITLES: dict[str, str] = {
    "parabola": "x²", "cubic": "x³", "saddle": "x² − y²", "tanh": "tanh x",
    "xcos": "x·cos(cx)", "illcond": "ill-conditioned quadratic", "rosenbrock": "Rosenbrock",
    "himmelblau": "Himmelblau", "beale": "Beale", "rosenbrock10": "Rosenbrock (n = 10)",
    "goldstein_price": "Goldstein–Price", "six_hump_camel": "six-hump camel",
    "rastrigin": "Rastrigin", "styblinski_tang": "Styblinski–Tang", "booth": "Booth",
    "three_hump_camel": "three-hump camel", "matyas": "Matyas",
}
