"""The Moré–Garbow–Hillstrom collection (ACM TOMS 7(1):17–41, 1981) from its standard starts.

Three kinds of checks, the last two on the optimizers:

* the formulas of :mod:`mgh` are the paper's problems: equal to an independent NumPy
  implementation of the residuals (below, written from the paper's definitions, not from the
  formula text) at random points; f(x₀) equal to its value worked out by hand where that is
  short; SciPy's Levenberg–Marquardt from x₀ ends at the published f* (or at another listed
  point) — a mistyped data value or a wrong sign moves f* in its six published digits;
* BFGS, L-BFGS, CG and Newton solve at least the problems they solved when this collection
  was added (:data:`BASELINE`, measured: each run ended at f* or at another listed
  stationary value), problem by problem;
* the trust-region methods and Levenberg–Marquardt solve every problem.
"""

from __future__ import annotations

import math
import re

import mgh
import numpy as np
import pytest
from scipy.optimize import least_squares

PROBLEMS = mgh.problems()
KEYS = [p.key for p in PROBLEMS]


# ------------------------------------------------------------------ independent residuals
def _t(m: int, scale: float, start: int = 1) -> np.ndarray:
    return np.arange(start, start + m) * scale


def r_rosenbrock(x):
    return np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])


def r_freudenstein_roth(x):
    return np.array([-13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1],
                     -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]])


def r_powell_bs(x):
    return np.array([1e4 * x[0] * x[1] - 1, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001])


def r_brown_bs(x):
    return np.array([x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2])


def r_beale(x):
    i = np.arange(1, 4)
    return np.array([1.5, 2.25, 2.625]) - x[0] * (1 - x[1] ** i)


def r_jennrich_sampson(x):
    i = np.arange(1, 11)
    return 2 + 2 * i - (np.exp(i * x[0]) + np.exp(i * x[1]))


def r_helical(x):
    theta = np.arctan(x[1] / x[0]) / (2 * np.pi) + (0.5 if x[0] < 0 else 0.0)
    return np.array([10 * (x[2] - 10 * theta), 10 * (np.hypot(x[0], x[1]) - 1), x[2]])


def r_bard(x):
    u = np.arange(1, 16)
    v = 16 - u
    w = np.minimum(u, v)
    y = np.array([float(s) for s in mgh.BARD_Y])
    return y - (x[0] + u / (v * x[1] + w * x[2]))


def r_gaussian(x):
    t = (8 - np.arange(1, 16)) / 2
    y = np.array([float(s) for s in mgh.GAUSSIAN_Y])
    return x[0] * np.exp(-x[1] * (t - x[2]) ** 2 / 2) - y


def r_meyer(x):
    t = 45 + 5 * np.arange(1, 17)
    y = np.array([float(s) for s in mgh.MEYER_Y])
    return x[0] * np.exp(x[1] / (t + x[2])) - y


def r_box(x):
    t = _t(10, 0.1)
    return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * (np.exp(-t) - np.exp(-10 * t))


def _powell_block(x):
    return [x[0] + 10 * x[1], math.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
            math.sqrt(10) * (x[0] - x[3]) ** 2]


def r_powell_singular(x):
    return np.array(_powell_block(x))


def r_wood(x):
    return np.array([10 * (x[1] - x[0] ** 2), 1 - x[0], math.sqrt(90) * (x[3] - x[2] ** 2),
                     1 - x[2], math.sqrt(10) * (x[1] + x[3] - 2),
                     (x[1] - x[3]) / math.sqrt(10)])


def r_kowalik(x):
    y = np.array([float(s) for s in mgh.KOWALIK_Y])
    u = np.array([float(s) for s in mgh.KOWALIK_U])
    return y - x[0] * (u**2 + u * x[1]) / (u**2 + u * x[2] + x[3])


def r_brown_dennis(x):
    t = _t(20, 0.2)
    return ((x[0] + t * x[1] - np.exp(t)) ** 2 + (x[2] + x[3] * np.sin(t) - np.cos(t)) ** 2)


def r_osborne1(x):
    t = 10 * np.arange(33)
    y = np.array([float(s) for s in mgh.OSBORNE1_Y])
    return y - (x[0] + x[1] * np.exp(-t * x[3]) + x[2] * np.exp(-t * x[4]))


def r_biggs(x):
    t = _t(13, 0.1)
    y = np.exp(-t) - 5 * np.exp(-10 * t) + 3 * np.exp(-4 * t)
    return (x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1]) + x[5] * np.exp(-t * x[4])
            - y)


def r_watson(x):
    n = len(x)
    t = np.arange(1, 30) / 29
    j = np.arange(1, n + 1)
    lin = ((j[1:] - 1) * x[1:] * t[:, None] ** (j[1:] - 2)).sum(axis=1)
    quad = (x * t[:, None] ** (j - 1)).sum(axis=1)
    return np.concatenate([lin - quad**2 - 1, [x[0], x[1] - x[0] ** 2 - 1]])


def r_ext_rosenbrock(x):
    odd, even = x[0::2], x[1::2]
    return np.column_stack([10 * (even - odd**2), 1 - odd]).ravel()


def r_ext_powell(x):
    return np.concatenate([_powell_block(x[k:k + 4]) for k in range(0, len(x), 4)])


def r_penalty1(x):
    return np.concatenate([math.sqrt(1e-5) * (x - 1), [np.sum(x**2) - 0.25]])


def r_penalty2(x):
    n = len(x)
    a = math.sqrt(1e-5)
    i = np.arange(2, n + 1)
    y = np.exp(i / 10) + np.exp((i - 1) / 10)
    mid = a * (np.exp(x[1:] / 10) + np.exp(x[:-1] / 10) - y)
    tail = a * (np.exp(x[1:] / 10) - np.exp(-0.1))
    last = np.sum((n - np.arange(1, n + 1) + 1) * x**2) - 1
    return np.concatenate([[x[0] - 0.2], mid, tail, [last]])


def r_variably_dimensioned(x):
    s = np.sum(np.arange(1, len(x) + 1) * (x - 1))
    return np.concatenate([x - 1, [s, s**2]])


def r_trigonometric(x):
    n = len(x)
    i = np.arange(1, n + 1)
    return n - np.sum(np.cos(x)) + i * (1 - np.cos(x)) - np.sin(x)


def r_brown_almost_linear(x):
    n = len(x)
    return np.concatenate([x[:-1] + np.sum(x) - (n + 1), [np.prod(x) - 1]])


def r_discrete_bv(x):
    n = len(x)
    h = 1 / (n + 1)
    t = np.arange(1, n + 1) * h
    xp = np.concatenate([[0.0], x, [0.0]])
    return 2 * x - xp[:-2] - xp[2:] + h**2 * (x + t + 1) ** 3 / 2


def r_broyden_tridiagonal(x):
    xp = np.concatenate([[0.0], x, [0.0]])
    return (3 - 2 * x) * x - xp[:-2] - 2 * xp[2:] + 1


def r_broyden_banded(x):
    n = len(x)
    out = np.empty(n)
    for i in range(n):
        js = [j for j in range(max(0, i - 5), min(n - 1, i + 1) + 1) if j != i]
        out[i] = x[i] * (2 + 5 * x[i] ** 2) + 1 - sum(x[j] * (1 + x[j]) for j in js)
    return out


def r_linear_full_rank(x, m=6):
    s = 2 / m * np.sum(x)
    return np.concatenate([x - s - 1, np.full(m - len(x), -s - 1)])


def r_linear_rank1(x, m=6):
    return np.arange(1, m + 1) * np.sum(np.arange(1, len(x) + 1) * x) - 1


def r_linear_rank1_zero(x, m=6):
    n = len(x)
    s = np.sum(np.arange(2, n) * x[1:-1])
    return np.concatenate([[-1.0], np.arange(1, m - 1) * s - 1, [-1.0]])


def r_chebyquad(x):
    n = len(x)
    out = np.empty(n)
    for i in range(1, n + 1):
        ti = np.polynomial.chebyshev.Chebyshev.basis(i)(2 * x - 1)
        out[i - 1] = ti.mean() - (0.0 if i % 2 else -1 / (i * i - 1))
    return out


RESIDUALS = {
    1: r_rosenbrock, 2: r_freudenstein_roth, 3: r_powell_bs, 4: r_brown_bs, 5: r_beale,
    6: r_jennrich_sampson, 7: r_helical, 8: r_bard, 9: r_gaussian, 10: r_meyer, 12: r_box,
    13: r_powell_singular, 14: r_wood, 15: r_kowalik, 16: r_brown_dennis, 17: r_osborne1,
    18: r_biggs, 20: r_watson, 21: r_ext_rosenbrock, 22: r_ext_powell, 23: r_penalty1,
    24: r_penalty2, 25: r_variably_dimensioned, 26: r_trigonometric, 27: r_brown_almost_linear,
    28: r_discrete_bv, 30: r_broyden_tridiagonal, 31: r_broyden_banded, 32: r_linear_full_rank,
    33: r_linear_rank1, 34: r_linear_rank1_zero, 35: r_chebyquad,
}


def f_numpy(p: mgh.Problem, x) -> float:
    r = RESIDUALS[p.number](np.asarray(x, dtype=float))
    return float(r @ r)


# ------------------------------------------------------------------ the formulas
def test_collection_size():
    """The acceptance asks for at least 20 problems; every one has a NumPy twin below."""
    assert len(PROBLEMS) >= 22
    assert sorted(RESIDUALS) == sorted(p.number for p in PROBLEMS)
    assert len(set(KEYS)) == len(KEYS)


def test_every_problem_names_the_source_it_was_checked_against():
    """Each problem's x₀ and f* were checked against a public transcription of MGH
    (:data:`mgh.CHECKED`): the record names a repository and a file, and quotes the f* that
    the problem's :class:`mgh.Point` carries."""
    assert sorted(mgh.CHECKED) == sorted(p.number for p in PROBLEMS)
    for p in PROBLEMS:
        note = mgh.CHECKED[p.number]
        abbrev = note.split()[0]
        assert abbrev in mgh.CHECKED_REPOS and "/" in note.split()[1], note
        if p.number in (32, 33, 34):  # closed forms, quoted as formulas
            continue
        quoted = [float(v) for v in re.findall(r"f\*? = ([0-9.]+(?:e-?[0-9]+)?)", note)]
        assert any(p.minimum.matches(v) for v in quoted), (note, p.minimum)


@pytest.mark.parametrize("key", KEYS)
def test_formula_matches_numpy_residuals(key):
    """The compiled Σ rᵢ² equals the NumPy residuals' at x₀ and at 20 random points around it
    (relative 1e-10: both are sums of the same doubles in different orders)."""
    p = mgh.problem(key)
    c = mgh.compiled(key)
    x0 = np.array(p.x0)
    rng = np.random.default_rng(p.number)
    points = [x0] + [x0 + rng.normal(0, 0.3, p.n) * (1 + np.abs(x0)) for _ in range(20)]
    for pt in points:
        want = f_numpy(p, pt)
        got = c.value(pt)
        assert got == pytest.approx(want, rel=1e-10, abs=1e-300), (pt, got, want)


@pytest.mark.parametrize("key", [p.key for p in PROBLEMS if p.f0 is not None])
def test_f_at_start_by_hand(key):
    """f(x₀) worked out by hand from the definition (e.g. Rosenbrock: 4.4² + 2.2² = 24.2)."""
    p = mgh.problem(key)
    assert mgh.compiled(key).value(p.x0) == pytest.approx(p.f0, rel=1e-12)


#: f(x₀) computed by the paper's companion Fortran code (TOMS Algorithm 566, same authors and
#: issue, pp. 136–140) as reported to three digits by its Julia interface Toms566.jl, for the
#: problems whose n and m are the same here
ALGORITHM_566_F0 = {
    "07-helical-valley": 2.50e3, "18-biggs-exp6": 7.79e-1, "09-gaussian": 3.89e-6,
    "03-powell-badly-scaled": 1.14, "12-box-3d": 1.03e3, "20-watson6": 3.00e1,
    "04-brown-badly-scaled": 1.00e12, "16-brown-dennis": 7.93e6, "05-beale": 1.42e1,
    "14-wood": 1.92e4,
}


@pytest.mark.parametrize("key", sorted(ALGORITHM_566_F0))
def test_f_at_start_algorithm_566(key):
    p = mgh.problem(key)
    want = ALGORITHM_566_F0[key]
    assert mgh.compiled(key).value(p.x0) == pytest.approx(want, rel=5e-3)


@pytest.mark.parametrize("key", KEYS)
def test_scipy_reaches_a_listed_point(key):
    """SciPy's MINPACK Levenberg–Marquardt on the NumPy residuals, from x₀, ends at f* or at
    another listed point; with it the published f* is confirmed for our residuals."""
    p = mgh.problem(key)
    fun = RESIDUALS[p.number]
    sol = least_squares(fun, np.array(p.x0), method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15,
                        max_nfev=20000)
    f = float(sol.fun @ sol.fun)
    outcome, _ = mgh.classify(p, f)
    assert outcome != "failed", (f, sol.x)


@pytest.mark.parametrize(
    ("key", "index"),
    [(p.key, i) for p in PROBLEMS for i, q in enumerate(p.points) if q.x is not None],
)
def test_listed_minimizers(key, index):
    """At a minimizer the paper prints (to 4-5 digits, or exactly), f is the listed value
    (to what the printed digits allow: relative 1e-4, or 1e-6 for f* = 0); at an exactly
    printed point the compiled ∇f vanishes."""
    p = mgh.problem(key)
    q = p.points[index]
    x = np.array(q.x)
    assert f_numpy(p, x) == pytest.approx(q.f, rel=1e-4, abs=1e-6)
    if all(float(v).is_integer() for v in x):
        g = mgh.compiled(key).gradient(x)
        assert np.abs(g).max() <= 1e-9 * max(1.0, abs(f_numpy(p, x)))


# ------------------------------------------------------------------ the harness
def test_harness_tells_the_ends_apart():
    """A run cut short fails, a run into Freudenstein–Roth's local minimum is ``stationary``,
    a run to f* is ``minimum``: the classification is by f and each listed point."""
    fr = mgh.problem("freudenstein-roth")
    assert mgh.classify(fr, 0.0) == ("minimum", fr.minimum)
    assert mgh.classify(fr, 48.98425) == ("stationary", fr.others[0])
    assert mgh.classify(fr, 48.99)[0] == "failed"
    assert mgh.classify(fr, 2e-10)[0] == "failed"
    rosen = mgh.problem("rosenbrock")
    short = mgh.run(rosen, "bfgs", maxiter=3)
    assert (short.outcome, short.status, short.nit) == ("failed", "maxiter", 3)
    end = mgh.run(fr, "bfgs")
    assert end.outcome == "stationary" and end.point.f == 48.9842
    end = mgh.run(rosen, "bfgs")
    assert end.outcome == "minimum" and end.solved


#: Problems each method did NOT solve from x₀ when the collection was added (maxiter 5000,
#: gtol 1e-10, default hyperparameters), measured; every other problem of the collection it
#: solved (f*, or another listed point: Freudenstein–Roth's local minimum for all four, Biggs'
#: global minimum 0 for CG).  The ends that failed:
#:   cg      03 powell-badly-scaled  f = 2.16e-8, line search failed after 118 iterations
#:   cg      10 meyer                f = 97894.7, line search failed after 2,214 iterations
#:   cg      17 osborne1             f = 5.48724e-5 at maxiter (5.46502e-5 with a failed line
#:                                   search after 8,366 iterations when allowed more)
#:   newton  18 biggs-exp6           f = 0.242678 at maxiter: the valley to infinity of
#:                                   mgh.BIGGS_VALLEY
UNSOLVED_AT_BASELINE = {
    "bfgs": frozenset(),
    "lbfgs": frozenset(),
    "cg": frozenset({"03-powell-badly-scaled", "10-meyer", "17-osborne1"}),
    "newton": frozenset({"18-biggs-exp6"}),
}
#: the problems of the collection when the baseline was measured
BASELINE_KEYS = (
    "01-rosenbrock", "02-freudenstein-roth", "03-powell-badly-scaled", "04-brown-badly-scaled",
    "05-beale", "06-jennrich-sampson", "07-helical-valley", "08-bard", "09-gaussian", "10-meyer",
    "12-box-3d", "13-powell-singular", "14-wood", "15-kowalik-osborne", "16-brown-dennis",
    "17-osborne1", "18-biggs-exp6", "20-watson6", "21-extended-rosenbrock4",
    "22-extended-powell8", "23-penalty1-4", "24-penalty2-4", "25-variably-dimensioned4",
    "26-trigonometric5", "27-brown-almost-linear5", "28-discrete-boundary-value4",
    "30-broyden-tridiagonal4", "31-broyden-banded4", "32-linear-full-rank4-6",
    "33-linear-rank1-4-6", "34-linear-rank1-zero4-6", "35-chebyquad5",
)
BASELINE = [(m, k) for m, skip in UNSOLVED_AT_BASELINE.items() for k in BASELINE_KEYS
            if k not in skip]


def test_baseline_covers_the_collection():
    assert set(BASELINE_KEYS) == set(KEYS)


@pytest.mark.parametrize(("method", "key"), BASELINE)
def test_no_regression(method, key):
    """BFGS, L-BFGS, CG and Newton solve at least what they solved at the baseline."""
    end = mgh.run(mgh.problem(key), method)
    assert end.solved, end


#: methods that must solve every problem (f* or a listed stationary point), SciPy's names
EVERY_PROBLEM = ("trust-ncg", "trust-exact", "lm")


#: the pairs that fail today, each with what it does (strict: a fix makes the test say so);
#: none since trust-exact's subproblem stops at Moré–Sorensen's tolerances (Biggs EXP6 left
#: the valley of mgh.BIGGS_VALLEY) and trust-ncg re-solves a rejected interior step with CG
#: run to completion (Meyer no longer stalls at f = 89.02)
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
EVERY_PAIR = [pytest.param(m, k, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[m, k]))
              if (m, k) in KNOWN_FAILURES else (m, k)
              for m in EVERY_PROBLEM for k in KEYS]


@pytest.mark.parametrize(("method", "key"), EVERY_PAIR)
def test_solves_every_problem(method, key):
    from optimizers import METHODS

    if method not in METHODS:
        pytest.skip(f"method {method!r} is not registered in optimizers.methods.METHODS yet "
                    f"(registered: {', '.join(METHODS)})")
    end = mgh.run(mgh.problem(key), method)
    assert end.solved, end
