"""The Moré–Garbow–Hillstrom test collection, as formulas of the project's language.

Source: J. J. Moré, B. S. Garbow and K. E. Hillstrom, "Testing Unconstrained Optimization
Software", ACM Trans. Math. Softw. 7(1):17–41, 1981 (below: MGH).  Each problem of MGH §3 is
a sum of squares f(x) = Σᵢ rᵢ(x)², given by (a) n and m, (b) the residuals rᵢ, (c) the
standard starting point x₀ and (d) the minimum value f* (and where the paper lists them, the
minimizer and other stationary values).  Problem numbers are the paper's.  The paper gives f*
with six significant digits ("8.21487...·10⁻³", the rest cut off), so a published f* ≠ 0 is
matched to a relative 1e-5 (at least one unit of its sixth digit); f* = 0 is matched by
f ≤ 1e-10 (:data:`ZERO_TOL`).

The formula text is generated from the residuals: every data value is written exactly as the
paper prints it (decimal literals, which the parser turns into exact rationals), derived
abscissae as exact fractions (``3/10``), and transcendental constants as expressions
(``exp(-3/10)``, ``sqrt(10)``), so no constant is rounded before SymPy sees it.

:func:`run` minimises one problem with a method of :mod:`optimizers` through the public API
(``optimizers.minimize``) and :func:`classify` names the end: the published minimum, another
known stationary point of the list, or ``failed``.  No test functions live here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

#: |f − f*| ≤ ZERO_TOL counts as reaching f* = 0.  Runs stopped at ‖∇f‖∞ ≤ GTOL that reached a
#: zero-residual minimum all ended below 1e-14 (measured, the degenerate quartic minima of
#: Powell singular and extended Powell included); CG's failed line search at f = 2.2e-8 on
#: Powell's badly scaled problem, at (1.211e-5, 8.258) against x* = (1.098e-5, 9.106), must
#: not count.
ZERO_TOL = 1e-10
#: the paper's six significant digits: |f − f*| ≤ PUBLISHED_RTOL·|f*| (a unit of the sixth
#: digit is between 1e-6 and 1e-5 of f*)
PUBLISHED_RTOL = 1e-5


@dataclass(frozen=True)
class Point:
    """A known stationary value of a problem: f there, a minimizer (None: the paper gives
    only f, or the point is a set), what it is and where it is published."""

    f: float
    kind: str
    source: str
    x: tuple[float, ...] | None = None
    rtol: float = PUBLISHED_RTOL

    def matches(self, value: float) -> bool:
        """|value − f| within the tolerance: ZERO_TOL when f = 0, else rtol·|f|."""
        tol = ZERO_TOL if self.f == 0 else self.rtol * abs(self.f)
        return abs(value - self.f) <= tol


@dataclass(frozen=True)
class Problem:
    """One MGH problem: f = Σᵢ rᵢ², rᵢ given as formula text in x1..xn."""

    number: int
    name: str
    n: int
    residuals: tuple[str, ...]
    x0: tuple[float, ...]
    minimum: Point
    others: tuple[Point, ...] = ()
    #: f(x₀) worked out by hand from the definition (exact), or None
    f0: float | None = None
    notes: str = ""

    @property
    def m(self) -> int:
        return len(self.residuals)

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(f"x{j}" for j in range(1, self.n + 1))

    @property
    def formula(self) -> str:
        """Σᵢ rᵢ² as one formula."""
        return " + ".join(f"({r})**2" for r in self.residuals)

    @property
    def key(self) -> str:
        return f"{self.number:02d}-{self.name}"

    @property
    def points(self) -> tuple[Point, ...]:
        return (self.minimum, *self.others)


def num(q: Fraction | int) -> str:
    """An exact rational as formula text: ``3``, ``(3/10)``, ``(-3/10)``."""
    q = Fraction(q)
    if q.denominator == 1:
        return f"({q.numerator})" if q < 0 else str(q.numerator)
    return f"({q.numerator}/{q.denominator})"


def x(j: int) -> str:
    return f"x{j}"


# ---------------------------------------------------------------------------- the problems
def rosenbrock() -> Problem:
    """MGH 1: r₁ = 10(x₂ − x₁²), r₂ = 1 − x₁."""
    return Problem(1, "rosenbrock", 2, ("10*(x2 - x1**2)", "1 - x1"), (-1.2, 1.0),
                   Point(0.0, "minimum", "MGH 1 (d)", (1.0, 1.0)), f0=24.2)


def freudenstein_roth() -> Problem:
    """MGH 2: r₁ = −13 + x₁ + ((5 − x₂)x₂ − 2)x₂, r₂ = −29 + x₁ + ((x₂ + 1)x₂ − 14)x₂."""
    return Problem(
        2, "freudenstein-roth", 2,
        ("-13 + x1 + ((5 - x2)*x2 - 2)*x2", "-29 + x1 + ((x2 + 1)*x2 - 14)*x2"),
        (0.5, -2.0), Point(0.0, "minimum", "MGH 2 (d)", (5.0, 4.0)),
        (Point(48.9842, "local minimum", "MGH 2 (d): f = 48.9842... at (11.41..., −0.8968...)",
               (11.41, -0.8968)),),
        f0=400.5,
    )


def powell_badly_scaled() -> Problem:
    """MGH 3: r₁ = 10⁴x₁x₂ − 1, r₂ = exp(−x₁) + exp(−x₂) − 1.0001."""
    return Problem(3, "powell-badly-scaled", 2,
                   ("10000*x1*x2 - 1", "exp(-x1) + exp(-x2) - 1.0001"), (0.0, 1.0),
                   Point(0.0, "minimum", "MGH 3 (d)", (1.098e-5, 9.106)))


def brown_badly_scaled() -> Problem:
    """MGH 4: r₁ = x₁ − 10⁶, r₂ = x₂ − 2·10⁻⁶, r₃ = x₁x₂ − 2."""
    return Problem(4, "brown-badly-scaled", 2,
                   ("x1 - 1000000", "x2 - 0.000002", "x1*x2 - 2"), (1.0, 1.0),
                   Point(0.0, "minimum", "MGH 4 (d)", (1e6, 2e-6)),
                   f0=999998000002.999996)


def beale() -> Problem:
    """MGH 5: rᵢ = yᵢ − x₁(1 − x₂ⁱ), y = (1.5, 2.25, 2.625)."""
    y = ("1.5", "2.25", "2.625")
    res = tuple(f"{y[i - 1]} - x1*(1 - x2**{i})" for i in range(1, 4))
    return Problem(5, "beale", 2, res, (1.0, 1.0),
                   Point(0.0, "minimum", "MGH 5 (d)", (3.0, 0.5)), f0=14.203125)


def jennrich_sampson(m: int = 10) -> Problem:
    """MGH 6: rᵢ = 2 + 2i − (exp(i x₁) + exp(i x₂)), m = 10."""
    res = tuple(f"{2 + 2 * i} - (exp({i}*x1) + exp({i}*x2))" for i in range(1, m + 1))
    return Problem(6, "jennrich-sampson", 2, res, (0.3, 0.4),
                   Point(124.362, "minimum", "MGH 6 (d): f = 124.362... at x₁ = x₂ = 0.2578... "
                         "(m = 10)", (0.2578, 0.2578)))


def helical_valley() -> Problem:
    """MGH 7: r₁ = 10(x₃ − 10θ), r₂ = 10(√(x₁² + x₂²) − 1), r₃ = x₃ with
    2πθ = arctan(x₂/x₁) for x₁ > 0 and arctan(x₂/x₁) + π for x₁ < 0."""
    theta = "(atan(x2/x1)/(2*pi) + (1/2 if x1 < 0 else 0))"
    res = (f"10*(x3 - 10*{theta})", "10*(sqrt(x1**2 + x2**2) - 1)", "x3")
    return Problem(7, "helical-valley", 3, res, (-1.0, 0.0, 0.0),
                   Point(0.0, "minimum", "MGH 7 (d)", (1.0, 0.0, 0.0)), f0=2500.0)


BARD_Y = ("0.14", "0.18", "0.22", "0.25", "0.29", "0.32", "0.35", "0.39", "0.37", "0.58", "0.73",
          "0.96", "1.34", "2.10", "4.39")


def bard() -> Problem:
    """MGH 8: rᵢ = yᵢ − (x₁ + uᵢ/(vᵢx₂ + wᵢx₃)), uᵢ = i, vᵢ = 16 − i, wᵢ = min(uᵢ, vᵢ)."""
    res = []
    for i, y in enumerate(BARD_Y, start=1):
        u, v = i, 16 - i
        res.append(f"{y} - (x1 + {u}/({v}*x2 + {min(u, v)}*x3))")
    return Problem(8, "bard", 3, tuple(res), (1.0, 1.0, 1.0),
                   Point(8.21487e-3, "minimum", "MGH 8 (d): f = 8.21487...·10⁻³"),
                   notes="MGH also lists f = 17.4286... at (0.8406..., −∞, −∞): no finite "
                         "point, not a stationary point")


GAUSSIAN_Y = ("0.0009", "0.0044", "0.0175", "0.0540", "0.1295", "0.2420", "0.3521", "0.3989",
              "0.3521", "0.2420", "0.1295", "0.0540", "0.0175", "0.0044", "0.0009")


def gaussian() -> Problem:
    """MGH 9: rᵢ = x₁ exp(−x₂(tᵢ − x₃)²/2) − yᵢ, tᵢ = (8 − i)/2."""
    res = tuple(f"x1*exp(-x2*({num(Fraction(8 - i, 2))} - x3)**2/2) - {y}"
                for i, y in enumerate(GAUSSIAN_Y, start=1))
    return Problem(9, "gaussian", 3, res, (0.4, 1.0, 0.0),
                   Point(1.12793e-8, "minimum", "MGH 9 (d): f = 1.12793...·10⁻⁸"))


MEYER_Y = ("34780", "28610", "23650", "19630", "16370", "13720", "11540", "9744", "8261", "7030",
           "6005", "5147", "4427", "3820", "3307", "2872")


def meyer() -> Problem:
    """MGH 10: rᵢ = x₁ exp(x₂/(tᵢ + x₃)) − yᵢ, tᵢ = 45 + 5i."""
    res = tuple(f"x1*exp(x2/({45 + 5 * i} + x3)) - {y}" for i, y in enumerate(MEYER_Y, start=1))
    return Problem(10, "meyer", 3, res, (0.02, 4000.0, 250.0),
                   Point(87.9458, "minimum", "MGH 10 (d): f = 87.9458..."))


def box_3d(m: int = 10) -> Problem:
    """MGH 12: rᵢ = exp(−tᵢx₁) − exp(−tᵢx₂) − x₃(exp(−tᵢ) − exp(−10tᵢ)), tᵢ = i/10, m = 10."""
    res = []
    for i in range(1, m + 1):
        t = num(Fraction(i, 10))
        res.append(f"exp(-{t}*x1) - exp(-{t}*x2) - x3*(exp(-{t}) - exp(-10*{t}))")
    return Problem(12, "box-3d", 3, tuple(res), (0.0, 10.0, 20.0),
                   Point(0.0, "minimum", "MGH 12 (d): f = 0 at (1, 10, 1), (10, 1, −1) and "
                         "wherever x₁ = x₂, x₃ = 0", (1.0, 10.0, 1.0)))


def powell_singular() -> Problem:
    """MGH 13: r₁ = x₁ + 10x₂, r₂ = √5(x₃ − x₄), r₃ = (x₂ − 2x₃)², r₄ = √10(x₁ − x₄)²."""
    res = ("x1 + 10*x2", "sqrt(5)*(x3 - x4)", "(x2 - 2*x3)**2", "sqrt(10)*(x1 - x4)**2")
    return Problem(13, "powell-singular", 4, res, (3.0, -1.0, 0.0, 1.0),
                   Point(0.0, "minimum", "MGH 13 (d): f = 0 at the origin (singular Hessian)",
                         (0.0, 0.0, 0.0, 0.0)), f0=215.0)


def wood() -> Problem:
    """MGH 14: r₁ = 10(x₂ − x₁²), r₂ = 1 − x₁, r₃ = √90(x₄ − x₃²), r₄ = 1 − x₃,
    r₅ = √10(x₂ + x₄ − 2), r₆ = (x₂ − x₄)/√10."""
    res = ("10*(x2 - x1**2)", "1 - x1", "sqrt(90)*(x4 - x3**2)", "1 - x3",
           "sqrt(10)*(x2 + x4 - 2)", "(x2 - x4)/sqrt(10)")
    return Problem(14, "wood", 4, res, (-3.0, -1.0, -3.0, -1.0),
                   Point(0.0, "minimum", "MGH 14 (d)", (1.0, 1.0, 1.0, 1.0)),
                   f0=19192.0)


KOWALIK_Y = ("0.1957", "0.1947", "0.1735", "0.1600", "0.0844", "0.0627", "0.0456", "0.0342",
             "0.0323", "0.0235", "0.0246")
KOWALIK_U = ("4", "2", "1", "0.5", "0.25", "0.167", "0.125", "0.1", "0.0833", "0.0714",
             "0.0625")


def kowalik_osborne() -> Problem:
    """MGH 15: rᵢ = yᵢ − x₁(uᵢ² + uᵢx₂)/(uᵢ² + uᵢx₃ + x₄) (uᵢ as the paper prints them)."""
    res = tuple(f"{y} - x1*({u}**2 + {u}*x2)/({u}**2 + {u}*x3 + x4)"
                for y, u in zip(KOWALIK_Y, KOWALIK_U, strict=True))
    return Problem(15, "kowalik-osborne", 4, res, (0.25, 0.39, 0.415, 0.39),
                   Point(3.07505e-4, "minimum", "MGH 15 (d): f = 3.07505...·10⁻⁴"),
                   notes="MGH also lists f = 1.02734...·10⁻³ at (+∞, −14.07..., −∞, −∞): no "
                         "finite point")


def brown_dennis(m: int = 20) -> Problem:
    """MGH 16: rᵢ = (x₁ + tᵢx₂ − exp(tᵢ))² + (x₃ + x₄ sin(tᵢ) − cos(tᵢ))², tᵢ = i/5, m = 20."""
    res = []
    for i in range(1, m + 1):
        t = num(Fraction(i, 5))
        res.append(f"(x1 + {t}*x2 - exp({t}))**2 + (x3 + x4*sin({t}) - cos({t}))**2")
    return Problem(16, "brown-dennis", 4, tuple(res), (25.0, 5.0, -5.0, -1.0),
                   Point(85822.2, "minimum", "MGH 16 (d): f = 85822.2... (m = 20)"))


OSBORNE1_Y = ("0.844", "0.908", "0.932", "0.936", "0.925", "0.908", "0.881", "0.850", "0.818",
              "0.784", "0.751", "0.718", "0.685", "0.658", "0.628", "0.603", "0.580", "0.558",
              "0.538", "0.522", "0.506", "0.490", "0.478", "0.467", "0.457", "0.448", "0.438",
              "0.431", "0.424", "0.420", "0.414", "0.411", "0.406")


def osborne1() -> Problem:
    """MGH 17: rᵢ = yᵢ − (x₁ + x₂ exp(−tᵢx₄) + x₃ exp(−tᵢx₅)), tᵢ = 10(i − 1)."""
    res = tuple(f"{y} - (x1 + x2*exp(-{10 * (i - 1)}*x4) + x3*exp(-{10 * (i - 1)}*x5))"
                for i, y in enumerate(OSBORNE1_Y, start=1))
    return Problem(17, "osborne1", 5, res, (0.5, 1.5, -1.0, 0.01, 0.02),
                   Point(5.46489e-5, "minimum", "MGH 17 (d): f = 5.46489...·10⁻⁵"))


def biggs_exp6(m: int = 13) -> Problem:
    """MGH 18: rᵢ = x₃ exp(−tᵢx₁) − x₄ exp(−tᵢx₂) + x₆ exp(−tᵢx₅) − yᵢ, tᵢ = i/10,
    yᵢ = exp(−tᵢ) − 5 exp(−10tᵢ) + 3 exp(−4tᵢ), m = 13."""
    res = []
    for i in range(1, m + 1):
        t = num(Fraction(i, 10))
        y = f"(exp(-{t}) - 5*exp(-10*{t}) + 3*exp(-4*{t}))"
        res.append(f"x3*exp(-{t}*x1) - x4*exp(-{t}*x2) + x6*exp(-{t}*x5) - {y}")
    return Problem(18, "biggs-exp6", 6, tuple(res), (1.0, 2.0, 1.0, 1.0, 1.0, 1.0),
                   Point(5.65565e-3, "local minimum", "MGH 18 (d): f = 5.65565...·10⁻³ "
                         "(m = 13)"),
                   (Point(0.0, "global minimum", "zero residual by construction: yᵢ is the "
                          "model at (1, 10, 1, 5, 4, 3)", (1.0, 10.0, 1.0, 5.0, 4.0, 3.0)),),
                   notes=BIGGS_VALLEY)


#: what Newton's method (Wolfe line search, eigenvalue shift) does on Biggs EXP6 from x₀
BIGGS_VALLEY = (
    "f has a valley to infinity: as x₅ → x₁, x₂ → x₁ and x₃, x₄, x₆ → ∞ the model tends to "
    "the confluent (c₀ + c₁t)e^{−at}, whose best fit is f = 0.2426768 at a = 0.1465 "
    "(computed: SciPy least squares on (a, c₀, c₁)), an infimum no finite point attains; "
    "Newton follows it (x₃, x₄, x₆ ≈ 70, 105, 37 after 6,030 iterations, f = 0.2426771)"
)


def watson(n: int = 6) -> Problem:
    """MGH 20: rᵢ = Σⱼ₌₂ⁿ (j − 1)xⱼtᵢ^{j−2} − (Σⱼ₌₁ⁿ xⱼtᵢ^{j−1})² − 1, tᵢ = i/29 (i ≤ 29),
    r₃₀ = x₁, r₃₁ = x₂ − x₁² − 1; n = 6."""
    res = []
    for i in range(1, 30):
        t = Fraction(i, 29)
        lin = " + ".join(f"{num((j - 1) * t ** (j - 2))}*{x(j)}" for j in range(2, n + 1))
        quad = " + ".join(f"{num(t ** (j - 1))}*{x(j)}" for j in range(1, n + 1))
        res.append(f"{lin} - ({quad})**2 - 1")
    res += ["x1", "x2 - x1**2 - 1"]
    fstar = {6: 2.28767e-3, 9: 1.39976e-6}[n]
    return Problem(20, f"watson{n}", n, tuple(res), (0.0,) * n,
                   Point(fstar, "minimum", f"MGH 20 (d): f = {fstar:g}... (n = {n})"),
                   f0=30.0)


def extended_rosenbrock(n: int = 4) -> Problem:
    """MGH 21: r₂ᵢ₋₁ = 10(x₂ᵢ − x₂ᵢ₋₁²), r₂ᵢ = 1 − x₂ᵢ₋₁; x₀ = (−1.2, 1, ...)."""
    res = []
    for i in range(1, n // 2 + 1):
        res += [f"10*({x(2 * i)} - {x(2 * i - 1)}**2)", f"1 - {x(2 * i - 1)}"]
    return Problem(21, f"extended-rosenbrock{n}", n, tuple(res), (-1.2, 1.0) * (n // 2),
                   Point(0.0, "minimum", "MGH 21 (d)", (1.0,) * n),
                   f0=24.2 * (n // 2))


def extended_powell(n: int = 8) -> Problem:
    """MGH 22: MGH 13's four residuals on each block of four variables; x₀ = (3, −1, 0, 1, ...)."""
    res = []
    for i in range(1, n // 4 + 1):
        a, b, c, d = (x(4 * i - 3), x(4 * i - 2), x(4 * i - 1), x(4 * i))
        res += [f"{a} + 10*{b}", f"sqrt(5)*({c} - {d})", f"({b} - 2*{c})**2",
                f"sqrt(10)*({a} - {d})**2"]
    return Problem(22, f"extended-powell{n}", n, tuple(res), (3.0, -1.0, 0.0, 1.0) * (n // 4),
                   Point(0.0, "minimum", "MGH 22 (d): f = 0 at the origin", (0.0,) * n),
                   f0=215.0 * (n // 4))


def penalty1(n: int = 4) -> Problem:
    """MGH 23: rᵢ = √a (xᵢ − 1) (i ≤ n), rₙ₊₁ = Σⱼ xⱼ² − 1/4, a = 10⁻⁵; x₀ⱼ = j."""
    res = [f"sqrt(0.00001)*({x(i)} - 1)" for i in range(1, n + 1)]
    res.append(" + ".join(f"{x(j)}**2" for j in range(1, n + 1)) + " - 1/4")
    fstar = {4: 2.24997e-5, 10: 7.08765e-5}[n]
    x0 = tuple(float(j) for j in range(1, n + 1))
    f0 = 1e-5 * sum((j - 1) ** 2 for j in range(1, n + 1)) + (sum(j * j for j in range(1, n + 1))
                                                             - 0.25) ** 2
    return Problem(23, f"penalty1-{n}", n, tuple(res), x0,
                   Point(fstar, "minimum", f"MGH 23 (d): f = {fstar:g}... (n = {n})"),
                   f0=f0)


def penalty2(n: int = 4) -> Problem:
    """MGH 24: r₁ = x₁ − 0.2; rᵢ = √a(exp(xᵢ/10) + exp(xᵢ₋₁/10) − yᵢ), yᵢ = exp(i/10) +
    exp((i−1)/10) (2 ≤ i ≤ n); rᵢ = √a(exp(xᵢ₋ₙ₊₁/10) − exp(−1/10)) (n < i < 2n);
    r₂ₙ = Σⱼ (n − j + 1)xⱼ² − 1; a = 10⁻⁵, x₀ = (1/2, ...)."""
    a = "sqrt(0.00001)"
    res = ["x1 - 0.2"]
    for i in range(2, n + 1):
        y = f"(exp({num(Fraction(i, 10))}) + exp({num(Fraction(i - 1, 10))}))"
        res.append(f"{a}*(exp({x(i)}/10) + exp({x(i - 1)}/10) - {y})")
    for i in range(n + 1, 2 * n):
        res.append(f"{a}*(exp({x(i - n + 1)}/10) - exp(-1/10))")
    res.append(" + ".join(f"{n - j + 1}*{x(j)}**2" for j in range(1, n + 1)) + " - 1")
    fstar = {4: 9.37629e-6, 10: 2.93660e-4}[n]
    return Problem(24, f"penalty2-{n}", n, tuple(res), (0.5,) * n,
                   Point(fstar, "minimum", f"MGH 24 (d): f = {fstar:g}... (n = {n})"))


def variably_dimensioned(n: int = 4) -> Problem:
    """MGH 25: rᵢ = xᵢ − 1 (i ≤ n), rₙ₊₁ = Σⱼ j(xⱼ − 1), rₙ₊₂ = (Σⱼ j(xⱼ − 1))²;
    x₀ⱼ = 1 − j/n."""
    s = " + ".join(f"{j}*({x(j)} - 1)" for j in range(1, n + 1))
    res = [f"{x(i)} - 1" for i in range(1, n + 1)] + [s, f"({s})**2"]
    x0 = tuple(1 - j / n for j in range(1, n + 1))
    return Problem(25, f"variably-dimensioned{n}", n, tuple(res), x0,
                   Point(0.0, "minimum", "MGH 25 (d)", (1.0,) * n))


def trigonometric(n: int = 5) -> Problem:
    """MGH 26: rᵢ = n − Σⱼ cos xⱼ + i(1 − cos xᵢ) − sin xᵢ; x₀ = (1/n, ...)."""
    cos_sum = " + ".join(f"cos({x(j)})" for j in range(1, n + 1))
    res = tuple(f"{n} - ({cos_sum}) + {i}*(1 - cos({x(i)})) - sin({x(i)})"
                for i in range(1, n + 1))
    return Problem(26, f"trigonometric{n}", n, res, (1 / n,) * n,
                   Point(0.0, "minimum", "MGH 26 (d)"))


def brown_almost_linear(n: int = 5) -> Problem:
    """MGH 27: rᵢ = xᵢ + Σⱼ xⱼ − (n + 1) (i < n), rₙ = Πⱼ xⱼ − 1; x₀ = (1/2, ...)."""
    s = " + ".join(x(j) for j in range(1, n + 1))
    res = [f"{x(i)} + {s} - {n + 1}" for i in range(1, n)]
    res.append("*".join(x(j) for j in range(1, n + 1)) + " - 1")
    return Problem(27, f"brown-almost-linear{n}", n, tuple(res), (0.5,) * n,
                   Point(0.0, "minimum", "MGH 27 (d): f = 0 at (α, ..., α, α^{1−n}) with "
                         "nαⁿ − (n + 1)αⁿ⁻¹ + 1 = 0, e.g. α = 1"),
                   (Point(1.0, "stationary point", "MGH 27 (d): f = 1 at (0, ..., 0, n + 1)",
                          (0.0,) * (n - 1) + (float(n + 1),)),))


def discrete_boundary_value(n: int = 4) -> Problem:
    """MGH 28: rᵢ = 2xᵢ − xᵢ₋₁ − xᵢ₊₁ + h²(xᵢ + tᵢ + 1)³/2, h = 1/(n + 1), tᵢ = ih,
    x₀ = xₙ₊₁ = 0; x₀ⱼ = tⱼ(tⱼ − 1)."""
    h = Fraction(1, n + 1)
    res = []
    for i in range(1, n + 1):
        left = f" - {x(i - 1)}" if i > 1 else ""
        right = f" - {x(i + 1)}" if i < n else ""
        res.append(f"2*{x(i)}{left}{right} + {num(h * h / 2)}*({x(i)} + {num(i * h)} + 1)**3")
    x0 = tuple(float(i * h * (i * h - 1)) for i in range(1, n + 1))
    return Problem(28, f"discrete-boundary-value{n}", n, tuple(res), x0,
                   Point(0.0, "minimum", "MGH 28 (d)"))


def broyden_tridiagonal(n: int = 4) -> Problem:
    """MGH 30: rᵢ = (3 − 2xᵢ)xᵢ − xᵢ₋₁ − 2xᵢ₊₁ + 1, x₀ = xₙ₊₁ = 0; x₀ = (−1, ...)."""
    res = []
    for i in range(1, n + 1):
        left = f" - {x(i - 1)}" if i > 1 else ""
        right = f" - 2*{x(i + 1)}" if i < n else ""
        res.append(f"(3 - 2*{x(i)})*{x(i)}{left}{right} + 1")
    return Problem(30, f"broyden-tridiagonal{n}", n, tuple(res), (-1.0,) * n,
                   Point(0.0, "minimum", "MGH 30 (d)"))


def broyden_banded(n: int = 4) -> Problem:
    """MGH 31: rᵢ = xᵢ(2 + 5xᵢ²) + 1 − Σ_{j∈Jᵢ} xⱼ(1 + xⱼ),
    Jᵢ = {j ≠ i : max(1, i − 5) ≤ j ≤ min(n, i + 1)}; x₀ = (−1, ...)."""
    res = []
    for i in range(1, n + 1):
        band = [j for j in range(max(1, i - 5), min(n, i + 1) + 1) if j != i]
        s = " + ".join(f"{x(j)}*(1 + {x(j)})" for j in band)
        res.append(f"{x(i)}*(2 + 5*{x(i)}**2) + 1 - ({s})")
    return Problem(31, f"broyden-banded{n}", n, tuple(res), (-1.0,) * n,
                   Point(0.0, "minimum", "MGH 31 (d)"))


def linear_full_rank(n: int = 4, m: int = 6) -> Problem:
    """MGH 32: rᵢ = xᵢ − (2/m)Σⱼ xⱼ − 1 (i ≤ n), rᵢ = −(2/m)Σⱼ xⱼ − 1 (i > n); x₀ = (1, ...)."""
    s = f"{num(Fraction(2, m))}*(" + " + ".join(x(j) for j in range(1, n + 1)) + ")"
    res = [f"{x(i)} - {s} - 1" for i in range(1, n + 1)] + [f"-{s} - 1"] * (m - n)
    return Problem(32, f"linear-full-rank{n}-{m}", n, tuple(res), (1.0,) * n,
                   Point(float(m - n), "minimum", "MGH 32 (d): f = m − n at (−1, ..., −1)",
                         (-1.0,) * n))


def linear_rank1(n: int = 4, m: int = 6) -> Problem:
    """MGH 33: rᵢ = i Σⱼ j xⱼ − 1; f* = m(m − 1)/(2(2m + 1)) on Σⱼ j xⱼ = 3/(2m + 1)."""
    s = " + ".join(f"{j}*{x(j)}" for j in range(1, n + 1))
    res = tuple(f"{i}*({s}) - 1" for i in range(1, m + 1))
    fstar = Fraction(m * (m - 1), 2 * (2 * m + 1))
    return Problem(33, f"linear-rank1-{n}-{m}", n, res, (1.0,) * n,
                   Point(float(fstar), "minimum", "MGH 33 (d): f = m(m − 1)/(2(2m + 1)) on the "
                         "hyperplane Σ j xⱼ = 3/(2m + 1)"))


def linear_rank1_zero(n: int = 4, m: int = 6) -> Problem:
    """MGH 34: r₁ = −1, rᵢ = (i − 1)Σⱼ₌₂ⁿ⁻¹ j xⱼ − 1 (1 < i < m), rₘ = −1;
    f* = (m² + 3m − 6)/(2(2m − 3))."""
    s = " + ".join(f"{j}*{x(j)}" for j in range(2, n))
    res = ("-1", *(f"{i - 1}*({s}) - 1" for i in range(2, m)), "-1")
    fstar = Fraction(m * m + 3 * m - 6, 2 * (2 * m - 3))
    return Problem(34, f"linear-rank1-zero{n}-{m}", n, res, (1.0,) * n,
                   Point(float(fstar), "minimum", "MGH 34 (d): f = (m² + 3m − 6)/(2(2m − 3)) on "
                         "the hyperplane Σⱼ₌₂ⁿ⁻¹ j xⱼ = 3/(2m − 3)"))


def shifted_chebyshev(i: int) -> list[int]:
    """Coefficients c₀..cᵢ of Tᵢ*(x) = Tᵢ(2x − 1), the Chebyshev polynomial shifted to [0, 1]:
    T*₀ = 1, T*₁ = 2x − 1, T*ₖ₊₁ = 2(2x − 1)T*ₖ − T*ₖ₋₁ (integers, exact)."""
    prev, cur = [1], [-1, 2]
    if i == 0:
        return prev
    for _ in range(1, i):
        nxt = [0] * (len(cur) + 1)
        for k, c in enumerate(cur):
            nxt[k] -= 2 * c
            nxt[k + 1] += 4 * c
        for k, c in enumerate(prev):
            nxt[k] -= c
        prev, cur = cur, nxt
    return cur


def chebyquad(n: int = 5) -> Problem:
    """MGH 35: rᵢ = (1/n)Σⱼ Tᵢ*(xⱼ) − ∫₀¹ Tᵢ*, the integral 0 for odd i and −1/(i² − 1) for
    even i (T* the shifted Chebyshev polynomials); m = n, x₀ⱼ = j/(n + 1)."""
    res = []
    for i in range(1, n + 1):
        coeffs = shifted_chebyshev(i)
        poly = " + ".join(f"{c}*{{v}}**{k}" if k else str(c) for k, c in enumerate(coeffs) if c)
        s = " + ".join(f"({poly.format(v=x(j))})" for j in range(1, n + 1))
        integral = Fraction(0) if i % 2 else Fraction(-1, i * i - 1)
        res.append(f"({s})/{n} - {num(integral)}")
    x0 = tuple(j / (n + 1) for j in range(1, n + 1))
    return Problem(35, f"chebyquad{n}", n, tuple(res), x0,
                   Point(0.0, "minimum", f"MGH 35 (d): f = 0 for m = n ≤ 7 (n = {n})"))


BUILDERS = (rosenbrock, freudenstein_roth, powell_badly_scaled, brown_badly_scaled, beale,
            jennrich_sampson, helical_valley, bard, gaussian, meyer, box_3d, powell_singular,
            wood, kowalik_osborne, brown_dennis, osborne1, biggs_exp6, watson,
            extended_rosenbrock, extended_powell, penalty1, penalty2, variably_dimensioned,
            trigonometric, brown_almost_linear, discrete_boundary_value, broyden_tridiagonal,
            broyden_banded, linear_full_rank, linear_rank1, linear_rank1_zero,
            chebyquad)


#: Where each problem's published values were checked, independently of the paper's layout
#: as remembered: n, m, the standard start x₀ and f* (and the other listed stationary values)
#: against funconstrain (an R transcription of MGH, one file per problem, its documentation
#: quoting the paper's minima) and, where a second source was needed, the CUTEst SIF
#: translation of S2MPJ (its ``SOLTN`` comment is CUTEst's recorded optimum).  Every value
#: here agreed with them; the one disagreement between the sources, Brown & Dennis's x₀,₄
#: (funconstrain's code has +1, CUTEst −1), is settled by CUTEst and by Algorithm 566's
#: f(x₀) = 7.93·10⁶ (:data:`test_mgh.ALGORITHM_566_F0`): x₀,₄ = −1 gives 7,926,693, +1 gives
#: 7,632,895.
CHECKED = {
    1: "FC R/01_rosen.R: x0 (-1.2, 1), f* = 0 at (1, 1)",
    2: "FC R/02_freud_roth.R: x0 (0.5, -2), f* = 0 at (5, 4), f = 48.9842 at (11.41, -0.8968)",
    3: "FC R/03_powell_bs.R: x0 (0, 1), f* = 0 at (1.098e-5, 9.106)",
    4: "FC R/04_brown_bs.R: x0 (1, 1), f* = 0 at (1e6, 2e-6)",
    5: "FC R/05_beale.R: x0 (1, 1), f* = 0 at (3, 0.5)",
    6: "FC R/06_jenn_samp.R: x0 (0.3, 0.4), f* = 124.362 at x1 = x2 = 0.2578 (m = 10)",
    7: "FC R/07_helical.R: x0 (-1, 0, 0), f* = 0 at (1, 0, 0)",
    8: "FC R/08_bard.R: x0 (1, 1, 1), f* = 8.214877e-3",
    9: "FC R/09_gauss.R: x0 (0.4, 1, 0), f* = 1.12793e-8",
    10: "FC R/10_meyer.R: x0 (0.02, 4000, 250), f* = 87.9458; S2 python_problems/MEYER3.py: "
        "same x0, SOLTN 87.9458",
    12: "FC R/12_box_3d.R: x0 (0, 10, 20), f* = 0 at (1, 10, 1), (10, 1, -1), x1 = x2 & x3 = 0",
    13: "FC R/13_powell_s.R: x0 (3, -1, 0, 1), f* = 0 at the origin",
    14: "FC R/14_wood.R: x0 (-3, -1, -3, -1), f* = 0 at (1, 1, 1, 1)",
    15: "FC R/15_kow_osb.R: x0 (0.25, 0.39, 0.415, 0.39), f* = 3.07505e-4 (and 1.02734e-3 at "
        "infinity)",
    16: "FC R/16_brown_den.R: f* = 85822.2 (m = 20); S2 python_problems/BROWNDEN.py: x0 "
        "(25, 5, -5, -1), SOLTN 85822.2",
    17: "FC R/17_osborne_1.R: x0 (0.5, 1.5, -1, 0.01, 0.02), f* = 5.46489e-5",
    18: "FC R/18_biggs_exp6.R: x0 (1, 2, 1, 1, 1, 1), f = 5.65565e-3 (m = 13) and f = 0 at "
        "(4, 10, 3, 5, 1, 1)",
    20: "FC R/20_watson.R: x0 = 0, f* = 2.28767e-3 (n = 6), 1.39976e-6 (n = 9)",
    21: "FC R/21_ex_rosen.R: x0 (-1.2, 1, ...), f* = 0 at (1, ..., 1)",
    22: "FC R/22_ex_powell.R: x0 (3, -1, 0, 1, ...), f* = 0 at the origin",
    23: "FC R/23_penalty_1.R: x0_j = j, f* = 2.24997e-5 (n = 4), 7.08765e-5 (n = 10)",
    24: "FC R/24_penalty_2.R: x0 = 1/2, f* = 9.37629e-6 (n = 4), 2.93660e-4 (n = 10)",
    25: "FC R/25_var_dim.R: x0_j = 1 - j/n, f* = 0 at (1, ..., 1)",
    26: "FC R/26_trigon.R: x0 = 1/n, f* = 0",
    27: "FC R/27_brown_al.R: x0 = 1/2, f* = 0 at (a, ..., a^(1-n)), f = 1 at (0, ..., 0, n + 1)",
    28: "FC R/28_disc_bv.R: x0_j = t_j (t_j - 1), f* = 0",
    30: "FC R/30_broyden_tri.R: x0 = -1, f* = 0",
    31: "FC R/31_broyden_band.R: x0 = -1, band i-5..i+1, f* = 0",
    32: "FC R/32_linfun_fr.R: x0 = 1, f* = m - n at (-1, ..., -1)",
    33: "FC R/33_linfun_r1.R: x0 = 1, f* = m(m - 1)/(2(2m + 1)) on sum j x_j = 3/(2m + 1)",
    34: "FC R/34_linfun_r1z.R: x0 = 1, f* = (m^2 + 3m - 6)/(2(2m - 3)) on "
        "sum_{j=2}^{n-1} j x_j = 3/(2m - 3)",
    35: "FC R/35_chebyquad.R: x0_j = j/(n + 1), f* = 0 for m = n <= 7",
}
#: the repositories abbreviated in :data:`CHECKED`
CHECKED_REPOS = {"FC": "jlmelville/funconstrain", "S2": "GrattonToint/S2MPJ"}


@cache
def problems() -> tuple[Problem, ...]:
    """Every problem of the collection, in the paper's order."""
    return tuple(b() for b in BUILDERS)


def problem(key: str) -> Problem:
    """The problem with this key (``"18-biggs-exp6"``) or name (``"biggs-exp6"``)."""
    for p in problems():
        if key in (p.key, p.name):
            return p
    raise KeyError(key)


@cache
def objective(key: str):
    """The problem's :class:`landscape.Objective` (parsed once per process)."""
    from landscape import Objective

    p = problem(key)
    return Objective.parse(p.formula, variables=list(p.variables))


@contextlib.contextmanager
def kernel_limit(key: str) -> Iterator[None]:
    """Raise ``LANDSCAPE_KERNEL_LIMIT`` to the problem's estimated kernel size while inside.

    The limit guards against kernels whose compilation takes minutes; the data-fitting
    problems (Watson's 31 squared polynomials, Biggs, Osborne 1, Chebyquad, ...) are above the
    default of 1,200 operations and compile in 1-15 s each (measured on 2 cores), so the
    harness raises it for them, to exactly the size it estimates for f, ∇f and ∇²f.
    """
    from landscape.cost import DEFAULTS, KERNEL_ENV

    c = objective(key).kernel_cost
    need = max(c.f_ops + c.gradient_ops, c.hessian_ops)
    old = os.environ.get(KERNEL_ENV)
    if need > DEFAULTS[KERNEL_ENV] and old is None:
        os.environ[KERNEL_ENV] = str(need)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(KERNEL_ENV, None)


def compiled(key: str):
    """The problem's compiled kernels (f, ∇f and, compiled on first use, ∇²f)."""
    with kernel_limit(key):
        return objective(key).compiled


# ---------------------------------------------------------------------------- the harness
#: iteration limit of the harness (the paper's problems take up to a few thousand CG steps)
MAXITER = 5000
#: gradient tolerance of the harness, ‖∇f‖∞.  The default 1e-6 stops too early on the badly
#: scaled problems to match six digits of f* (BFGS on Penalty II ended at 9.3824e-6 against
#: 9.37629e-6); a run that cannot reach 1e-10 ends at its rounding floor (a failed line
#: search or a stall), which is classified by its f like any other end.
GTOL = 1e-10


@dataclass(frozen=True)
class End:
    """Where a run ended: ``outcome`` is ``minimum`` (the published f*), ``stationary`` (another
    listed point; ``point`` says which) or ``failed``."""

    problem: str
    method: str
    outcome: str
    f: float
    nit: int
    status: str
    point: Point | None

    @property
    def solved(self) -> bool:
        return self.outcome != "failed"


def classify(p: Problem, f: float) -> tuple[str, Point | None]:
    """``minimum`` when f matches the published f*, ``stationary`` when it matches another
    listed point, else ``failed`` (f compared with each point's tolerance)."""
    if p.minimum.matches(f):
        return "minimum", p.minimum
    for q in p.others:
        if q.matches(f):
            return "stationary", q
    return "failed", None


def run(p: Problem, method: str, *, maxiter: int = MAXITER, gtol: float = GTOL,
        **hyper: Any) -> End:
    """Minimise problem ``p`` from its x₀ with ``optimizers.minimize`` and classify the end."""
    from optimizers import minimize

    with kernel_limit(p.key):
        res = minimize(objective(p.key), list(p.x0), method, maxiter=maxiter, gtol=gtol,
                       **hyper)
    outcome, point = classify(p, float(res.fun))
    return End(p.key, method, outcome, float(res.fun), int(res.nit), str(res.status), point)
