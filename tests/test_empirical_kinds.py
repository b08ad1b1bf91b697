"""Property tests of analysis.empirical.measure: paths synthesized with a known kind (and known
finite_steps, order, rate, exponent, period or band) are classified right, also after every
coordinate of every iterate is moved by a few ulps.

The synthesized sequences are the independent answer: each is built from its defining formula
(``e_{k+1} = C e_k^q``, ``e_k = c rho^k``, ``e_k = c (k + k0)^-p``, a repeated set of m points,
...) and placed along a fixed direction from a random ``x*``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis import empirical as E
from landscape.numfmt import fmt

EPS = np.finfo(float).eps
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


def along(err, x_star, seed, alternate=False):
    """Iterates ``x* + s_k e_k u`` for a fixed random unit vector ``u`` (``s_k = (-1)^k`` when
    ``alternate``: an oscillating approach), so that ``||x_k - x*|| = e_k``."""
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(len(x_star))
    u /= np.linalg.norm(u)
    e = np.asarray(err, float)
    sign = (-1.0) ** np.arange(e.size) if alternate else np.ones(e.size)
    return np.asarray(x_star, float) + (sign * e)[:, None] * u


def ulp_perturbed(path, seed):
    """Every coordinate multiplied by ``1 + j eps`` with a random integer ``|j| <= 4``."""
    rng = np.random.default_rng(seed)
    return path * (1.0 + rng.integers(-4, 5, size=path.shape) * EPS)


def versions(path, seed, count=4):
    return [path] + [ulp_perturbed(path, seed + i) for i in range(count)]


x_stars = st.sampled_from([[0.0, 0.0], [1.0, 1.0], [3.584428, -1.848127], [0.5, -2.0, 1.0]])
seeds = st.integers(0, 10_000)


@SETTINGS
@given(k=st.integers(1, 5), rho=st.floats(0.1, 0.9), c=st.floats(1e-2, 1e2), xs=x_stars,
       seed=seeds)
def test_finite_termination(k, rho, c, xs, seed):
    # c rho^j for j < k, then exactly x*: reached in k steps by a jump no trend explains
    err = np.r_[c * rho ** np.arange(k), np.zeros(4)]
    for path in versions(along(err, xs, seed), seed):
        m = E.measure(path, xs)
        assert m.kind == "finite" and m.finite_steps == k and m.floor_index == k
        assert m.rate is None and m.order is None


@SETTINGS
@given(q=st.floats(1.3, 2.5), e0=st.floats(0.3, 0.9), C=st.floats(0.5, 1.0), xs=x_stars,
       seed=seeds)
def test_superlinear_orders(q, e0, C, xs, seed):
    # e_(k+1) = C e_k^q down to the floor: order q, quadratic exactly when 1.8 <= q <= 2.6
    err = [e0]
    while err[-1] > 1e-30:
        err.append(C * err[-1] ** q)
    err = np.r_[err, np.zeros(3)]
    above = int(np.sum(err > E.default_floor(np.linalg.norm(xs))))
    assume(above >= 5)
    assume(abs(q - 1.8) > 0.02)  # a fitted q within rounding of the 1.8 threshold goes either way
    for path in versions(along(err, xs, seed), seed):
        m = E.measure(path, xs)
        assert m.kind == ("quadratic" if 1.8 <= q <= 2.6 else "superlinear")
        assert m.order is not None and m.order == pytest.approx(q, abs=0.05)
        assert m.rate is None and m.order_se is not None and m.order_se < 0.05


@SETTINGS
@given(rho=st.floats(0.05, 0.97), c=st.floats(1e-2, 1e2), alternate=st.booleans(),
       xs=x_stars, seed=seeds)
def test_linear_rates(rho, c, alternate, xs, seed):
    # c rho^k (alternating sides of x* or not) to below the floor, then rounding-level noise;
    # placing x* + e_k u in floating point moves e_k by ~eps |x*|, up to 1e-3 relative near the
    # floor (1e3 eps max(1, |x*|)), hence the rate to 1e-3 when few points lie above it
    K = int(math.log(1e-15 / c) / math.log(rho)) + 1
    err = np.r_[c * rho ** np.arange(K), np.full(10, 1e-17)]
    for path in versions(along(err, xs, seed, alternate), seed):
        m = E.measure(path, xs)
        assert m.kind == "linear" and m.rate == pytest.approx(rho, rel=1e-3)
        assert m.order == 1.0 and m.settled


@SETTINGS
@given(p=st.floats(0.5, 2.0), k0=st.floats(1.0, 50.0), xs=x_stars, seed=seeds)
def test_sublinear_exponents(p, k0, xs, seed):
    # e_k = (k + k0)^-p over 3000 steps
    err = (np.arange(3001) + k0) ** -p
    for path in versions(along(err, xs, seed), seed, count=2):
        m = E.measure(path, xs)
        assert m.kind == "sublinear" and m.exponent == pytest.approx(p, rel=0.03)
        assert m.rate is None and m.order is None


@SETTINGS
@given(m=st.integers(2, 8), n=st.integers(1, 3), rho=st.floats(0.0, 0.9), K=st.integers(60, 400),
       seed=seeds)
def test_cycles(m, n, rho, K, seed):
    # m distinct points z_j visited in turn, approached like rho^k: a cycle of period m whose
    # size is the largest distance between two of the z_j
    rng = np.random.default_rng(seed)
    z = rng.uniform(-2.0, 2.0, size=(m, n))
    sep = min(np.linalg.norm(z[i] - z[j]) for i in range(m) for j in range(i))
    assume(sep > 0.05)
    diam = max(np.linalg.norm(z[i] - z[j]) for i in range(m) for j in range(i))
    v = rng.standard_normal(n)
    # the cycle is established: over the last 3 periods the transient is < 1e-3 of the spacing
    assume(rho ** (K - 3 * m) * np.linalg.norm(v) <= 1e-3 * sep)
    k = np.arange(K + 1)
    path = z[k % m] + (rho ** k)[:, None] * v
    x_star = z.mean(axis=0) + 10.0  # a minimizer the run never reaches
    # the band is the diameter of the last m iterates, each still off its z_j by the transient
    off = max(np.linalg.norm(path[-1 - j] - z[(K - j) % m]) for j in range(m))
    for p in versions(path, seed):
        meas = E.measure(p, x_star)
        assert meas.kind == "bounded" and meas.period == m
        assert abs(meas.band - diam) <= 2 * off + 1e-12


@SETTINGS
@given(radius=st.floats(1e-3, 10.0), n=st.integers(1, 3), K=st.integers(200, 2000), seed=seeds)
def test_bands(radius, n, K, seed):
    # independent uniform points in a cube of half-width `radius` around x*: neither converging
    # nor diverging nor periodic; the band is their diameter (<= 2 sqrt(n) radius)
    rng = np.random.default_rng(seed)
    x_star = rng.standard_normal(n)
    path = x_star + rng.uniform(-radius, radius, size=(K + 1, n))
    tail = path[K // 2:][-512:]
    diam = max(float(np.max(np.linalg.norm(tail - t, axis=1))) for t in tail)
    for p in versions(path, seed):
        m = E.measure(p, x_star)
        assert m.kind == "bounded" and m.period is None
        assert m.band == pytest.approx(diam, rel=1e-9)
        assert m.band <= 2 * math.sqrt(n) * radius


@SETTINGS
@given(g=st.floats(1.05, 3.0), c=st.floats(1e-6, 1.0), xs=x_stars, seed=seeds)
def test_divergence(g, c, xs, seed):
    K = int(math.log(1e6 / c) / math.log(g)) + 1
    err = c * g ** np.arange(K)
    for path in versions(along(err, xs, seed), seed):
        m = E.measure(path, xs)
        assert m.kind == "diverges" and m.rate == pytest.approx(g, rel=1e-6)
    blown = np.r_[along(err, xs, seed), np.full((1, len(xs)), np.inf)]
    assert E.measure(blown, xs).kind == "diverges"


@pytest.mark.parametrize("kind", ["finite", "quadratic", "superlinear", "linear", "sublinear",
                                  "bounded", "diverges", "none"])
def test_every_kind_is_in_kinds(kind):
    assert kind in E.KINDS


def test_contradictions_are_rejected():
    with pytest.raises(ValueError):
        E.Measurement("superlinear", None, 0.748)  # an order <= 1 under a superlinear label
    with pytest.raises(ValueError):
        E.Measurement("quadratic", 0.5, 2.0)  # a linear rate with ratios tending to 0
    with pytest.raises(ValueError):
        E.Measurement("linear", 1.2, 1.0)
    with pytest.raises(ValueError):
        E.Measurement("finite")
    with pytest.raises(ValueError):
        E.Measurement("bounded", period=2)
    with pytest.raises(ValueError):
        E.Measurement("none", 0.5)


@pytest.mark.parametrize("p", [2.0, 13.88])
def test_sublinear_exponent_only_where_the_window_determines_it(p):
    # e_k = (1 + k/3000)^-p over k = 0..3000: over the last half k + k0 grows only from 4500 to
    # 6000 (factor 1.33 < 1.5), so d = p/(k + k0) changes by 25% and p trades off against k0
    # (13.88 and 2 fit the same decays up to the offset): slowing decay, no exponent
    err = (1.0 + np.arange(3001) / 3000.0) ** -p
    m = E.measure(err[:, None], [0.0])
    assert m.kind == "sublinear" and m.exponent is None
    assert any("exponent not determined" in n for n in m.notes)


def _path_from_errors(err):
    """1-d iterates x_k = e_k around x* = 0."""
    return np.asarray(err, dtype=float).reshape(-1, 1)


def test_noisy_acceleration_after_a_linear_transient_is_superlinear():
    # 40 steps at ratio 0.97, then ratios falling 0.9 -> 0.04 with two rebounds (ratio > 1)
    # that defeat rules A/B; a linear fit over the whole run would give a rate near 0.9.
    ratios = [0.97] * 40 + list(np.geomspace(0.9, 0.3, 10)) + [1.02, 0.2, 0.05, 1.01, 0.08, 0.04]
    err = np.cumprod([1.0] + ratios)
    m = E.measure(_path_from_errors(err), [0.0])
    assert m.kind in ("superlinear", "quadratic")
    assert m.window[0] >= 28 and m.window[1] == err.size - 1  # within the last half
    # the same run without the acceleration stays linear at 0.97
    lin = E.measure(_path_from_errors(np.cumprod([1.0] + [0.97] * 56)), [0.0])
    assert lin.kind == "linear" and lin.rate == pytest.approx(0.97, rel=1e-6)


def test_transient_into_a_faster_linear_phase_stays_linear():
    # slow then fast, but the fast phase keeps one rate: D3 ~ D2, not an acceleration
    err = np.cumprod([1.0] + [0.98] * 30 + [0.6] * 30)
    m = E.measure(_path_from_errors(err), [0.0])
    assert m.kind == "linear" and m.rate == pytest.approx(0.6, rel=1e-6)


def test_bfgs_on_five_dimensional_rosenbrock_from_afar_is_superlinear():
    # BFGS (Wolfe) from a far start: ~45 slow steps, then ratios falling to ~0.04 with a
    # rebound, and a final stall when f stops decreasing; the reference minimizer (the local
    # minimum near (-0.96, 0.94, 0.88, 0.78, 0.61)) comes from Newton's method, a second method.
    from landscape import Objective
    from optimizers import minimize

    obj = Objective.parse("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", dim=5)
    xs = minimize(obj, [-0.962, 0.936, 0.881, 0.778, 0.605], "newton").x
    res = minimize(obj, [1.37, -2.3, -4.59, -4.83, 3.13], "bfgs", record=True,
                   line_search="wolfe", gtol=0.0)
    assert np.linalg.norm(res.path[-1] - xs) < 1e-8  # the run ends at that minimizer
    m = E.measure(res.path, xs)
    assert m.kind in ("superlinear", "quadratic"), m.notes
    assert m.window[0] > 30


def test_measured_kind_uses_the_same_two_standard_error_band_as_the_verdict():
    # pure Newton from 3 on x cos(cx) converges to the maximum; the order fitted on its last
    # points is 1.79 +- 0.16: below 1.8 but within two standard errors of [1.8, 2.6]. The
    # comparison with the predicted order 2 agrees by that rule, so the measured kind beside
    # the verdict must say quadratic, not superlinear.
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("x*cos(c*x)", params={"c": "0.15*pi"})
    st = rate_study(obj, "newton", [3.0], line_search="none", modification="none",
                    box=[(-20.0, 20.0)])
    m = st.measurement
    lo, hi = E.QUADRATIC_ORDER
    assert m.order is not None and not lo <= m.order <= hi  # the case at issue
    assert st.comparison.verdict == "agrees"
    assert m.kind == "quadratic"
    assert any("two standard errors" in note for note in m.notes)


def test_a_run_of_two_iterations_above_the_floor_is_too_short_to_measure():
    # two falling ratios (0.3, 0.033) would pass rule A, but two ratios cannot tell a kind
    m = E.measure(_path_from_errors([1.0, 0.3, 0.01]), [0.0])
    assert m.kind == "none" and "too short to measure" in m.reason
    # with three ratios rule A applies again
    assert E.measure(_path_from_errors([1.0, 0.3, 0.01, 1e-5]), [0.0]).kind != "none"


def test_an_uncertain_limit_point_does_not_swallow_the_run():
    # Adam on 5-d Rosenbrock after 1000 steps is still 2 away from x* = (1, ..., 1) and its steps
    # shrink slowly: the estimated remaining distance to a limit point (~0.2) would make a floor
    # 1e3 x larger than every error, and the run would read as "already at its limit" (which
    # cut the automatic budget of the rate study to 10 iterations). It is measured against x*.
    from landscape import Objective
    from optimizers import minimize

    obj = Objective.parse("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", dim=5)
    res = minimize(obj, [1.37, -2.3, -4.59, -4.83, 3.13], "adam", record=True, lr=0.09,
                   maxiter=1000, gtol=0.0)
    m = E.measure(res.path, np.ones(5))
    assert m.floor_index is None and m.kind != "none", m.notes
    assert any("errors measured to x*" in note for note in m.notes)


def _fall(r):
    """The criterion stated in analysis.empirical, recomputed: ratios fall toward 0 when each
    is below the one before with the last <= 1/4 of the first, or the largest of their later
    half is <= 1/4 of the largest of their earlier half."""
    r = np.asarray(r, float)
    h = (r.size + 1) // 2
    steady = bool(np.all(np.diff(r) < 0) and r[-1] <= r[0] / 4)
    return steady or bool(np.max(r[h:]) <= np.max(r[:h]) / 4)


# Himmelblau from x0 = (1.37, -2.3): ||x_k - x*|| of the report's CG (PR+, Wolfe c2 = 0.1) and
# BFGS (Wolfe) rate-study runs, down to the first error at the rounding floor.
HIMMELBLAU_CG = [2.2600625013685147, 0.23114435588392285, 0.023776374292528143,
                 0.0073303858594327958, 0.0022130607335968363, 1.1697761808913273e-04,
                 7.1105292404835660e-05, 1.3566901181222888e-08, 6.6120293599699808e-09,
                 2.2204460492503131e-16]
HIMMELBLAU_BFGS = [2.2600625013685147, 0.32242406142628405, 0.13186710722292294,
                   0.013342945230604189, 8.3025156138314185e-04, 3.4052181366616561e-05,
                   3.8505010337558410e-06, 2.4578398631190980e-09, 9.9851126796065151e-12,
                   2.2204460492503131e-16]


def test_himmelblau_cg_is_superlinear_over_two_steps_not_one():
    """The Himmelblau report called CG 'superlinear: ratios fall toward 0 from iteration 5'
    beside the ratios 0.608, 0.00019, 0.487 (rule B: the geometric mean of the last three
    is small). The per-step ratios do not fall; the two-step ratios e_(k+2)/e_k do."""
    e = np.array(HIMMELBLAU_CG)
    r1, r2 = e[3:9] / e[2:8], e[4:9] / e[2:7]  # steps k = 2..7, two-step k = 2..6
    assert not _fall(e[6:9] / e[5:8]) and not _fall(r1) and _fall(r2)
    m = E.measure(_path_from_errors(e), [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 2 and m.window == (2, 8)
    assert "two-step ratios e_(k+2)/e_k, k = 2–6 (" in m.notes[0]  # from e_2–e_8
    assert "from the errors e_2–e_8), fall toward 0: " in m.notes[0]
    assert ", ".join(f"{fmt(v, 3)}" for v in r2) in m.notes[0]  # what was observed
    assert ", ".join(f"{fmt(v, 3)}" for v in r1) in m.notes[0] and "do not" in m.notes[0]
    # no per-step reading: the note that says ratios fall is the two-step one
    assert not any(n.startswith("ratios e_(k+1)/e_k") and ", fall toward 0:" in n
                   for n in m.notes)


def test_himmelblau_cg_run_is_measured_on_its_two_step_ratios():
    """The run itself, as the report makes it; the verdict names the two-step ratios."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    st = rate_study(obj, "cg", [1.37, -2.3])
    e = E.errors(st.result.path, st.minimizer)
    n = E.valid_length(e, E.default_floor(float(np.linalg.norm(st.minimizer))))
    a, b = st.measurement.window
    assert b == n - 1 and _fall(e[a + 2:n] / e[a:n - 2]) and not _fall(e[a + 1:n] / e[a:n - 1])
    assert st.measurement.kind == "superlinear" and st.measurement.ratio_step == 2
    assert st.comparison.agree and "two-step ratios" in st.comparison.note


def test_himmelblau_bfgs_per_step_rebound_is_read_over_two_steps():
    """BFGS: per-step ratios 0.113, 0.00064, 0.0041 end in a rebound, so they do not keep
    falling (the last is not <= 1/2 of the one before). They zigzag, and the two-step ratios
    0.0063, 0.0026, 0.0046, 7.2e-5, 2.6e-6 fall, the last <= 1/2 of the one two steps before:
    superlinear over two steps, and the note prints these ratios."""
    e = np.array(HIMMELBLAU_BFGS)
    r = e[6:9] / e[5:8]
    assert _fall(r) and not r[-1] <= r[-2] / 2
    r2 = e[4:9] / e[2:7]
    assert _fall(r2) and r2[-1] <= r2[-3] / 2
    m = E.measure(_path_from_errors(e), [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 2 and m.window == (2, 8)
    assert (f"two-step ratios e_(k+2)/e_k, k = 2–6 ({', '.join(f'{fmt(v, 3)}' for v in r2)}; "
            f"from the errors e_2–e_8), fall toward 0: ") in m.notes[0]
    assert m.evidence == m.notes[0]


def test_himmelblau_bfgs_blocks_whose_fall_rests_on_the_last_say_so_with_their_numbers():
    """Himmelblau p. 7, BFGS: 'only the last ≤ 1/2 of the one before: the earlier two are
    about equal (each more than 1/2 of the one before)' left 'each … of the one before' with
    no referent for the first block. The run itself, as the report makes it: the sentence
    gives the numbers of each comparison, the earlier block against the one before it and
    the last against its predecessor."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    st = rate_study(obj, "bfgs", [1.37, -2.3])
    m = st.measurement
    e = E.errors(st.result.path, st.minimizer)
    ks = [k for k, _ in m.blocks]
    assert m.ratio_step == 2 and len(ks) == 3
    b0, b1, b2 = (e[k + 2] / e[k] for k in ks)
    assert b1 > b0 / 2 and b2 <= b1 / 2  # the earlier pair does not halve, the last does
    # the blocks are the note's last caveat, after the tests the ratios passed
    assert m.evidence.endswith(
            f"{fmt(b0, 3)} → {fmt(b1, 3)} (× {fmt(b1 / b0, 3)}, per-step q ≈ "
            f"(ln {fmt(b1, 3)} / ln {fmt(b0, 3)})"
            f"^(1/2) = {fmt((math.log(b1) / math.log(b0)) ** 0.5, 3)}); "
            f"{fmt(b1, 3)} → {fmt(b2, 3)} "
            f"(× {fmt(b2 / b1, 3)}, per-step q ≈ (ln {fmt(b2, 3)} / ln {fmt(b1, 3)})^(1/2) = "
            f"{fmt((math.log(b2) / math.log(b1)) ** 0.5, 3)}): only the last block ratio falls "
            f"to 1/2 or less of the one before ({fmt(b2, 3)} ≤ 1/2 of {fmt(b1, 3)}; "
            f"{fmt(b1, 3)} is more than 1/2 of {fmt(b0, 3)})"), m.evidence
    assert "the fall rests on" not in m.evidence


# ||x_k - x*|| (3 digits) of the quadratic report's BFGS and L-BFGS runs on 0.1 x^2 + 2 y^2
# from (-4.59, -4.83) (x* = 0: the floor is 1e3 eps), down to the first error below the floor.
QUADRATIC_BFGS = [6.66, 5.94, 4.14, 3.72, 0.0173, 0.000653, 2.64e-06, 8.84e-09, 1.66e-13]
QUADRATIC_LBFGS = [6.66, 5.94, 4.14, 3.72, 0.00883, 5.21e-06, 1.95e-08, 6.2e-11, 5.14e-16]


@pytest.mark.parametrize("err", [QUADRATIC_BFGS, QUADRATIC_LBFGS], ids=["bfgs", "lbfgs"])
def test_ratios_that_level_off_before_the_floor_establish_no_kind(err):
    """The quadratic report called BFGS superlinear on the ratios 0.0377, 0.00405, 0.00335
    (the last only 17% below the one before while the error falls 300x per step: an order
    q ~ 1.03) and L-BFGS on two-step ratios 0.627, 0.00213, 1.4e-6, 2.21e-6, 1.19e-5 (the last
    three rise; per step 0.00059, 0.0037, 0.0032). Neither keeps falling to the floor: too few
    ratios to tell superlinear from fast linear, and too few points for a rate: kind none,
    with a reason that gives the ratios."""
    e = np.array(err)
    n = E.valid_length(e, E.default_floor())
    r1 = e[5:n] / e[4:n - 1]
    r2, rb = e[3:n] / e[1:n - 2], e[2:n] / e[1:n - 1]  # the last 6 steps
    zigzag = (rb[-2] - rb[-3]) * (rb[-1] - rb[-2]) < 0
    assert n == 8 and not r1[-1] <= r1[-2] / 2 and not (zigzag and r2[-1] <= r2[-3] / 2)
    m = E.measure(_path_from_errors(e), [0.0])
    assert m.kind == "none" and m.evidence is None
    here = (f"here the last ratio, {fmt(r1[-1], 3)}, is not ≤ 1/2 × {fmt(r1[-2], 3)} = "
            f"{fmt(r1[-2] / 2, 3)}")
    # what the test lacks: ratios above the floor, of which the run has those from k = 4
    # (the first fast step: the first k from which every ratio is ≤ the largest counted one;
    # its ratio measures the jump from the approach, and the ratios before it are the approach)
    r = e[1:n] / e[:n - 1]
    first = min(k for k in range(4 + 1) if max(r[k:]) <= max(r[4:]))
    assert first == 3
    assert (f"): too few ratios above the floor to tell superlinear from fast linear (only "
            f"{n - 1 - 4} after the first fast step, k = 4–{n - 2}; the ratio at k = {first}, "
            f"the first, measures the jump from the approach, k = 0–{first - 1}); ") in m.reason
    # the ratios and the linear fit's window both name the errors they use (quadratic p. 2:
    # "ratios from iteration 4" beside "the asymptotic window [5, 7]")
    fit = E.linear_fit(e[:n], floor=E.default_floor())
    assert fit.window == (5, 7)
    assert ("; the linear fit's window (past the transient), e_5–e_7, has fewer than 5 "
            f"points: no reliable rate (robust fit {fmt(fit.rate, 4)})") in m.reason
    last = ", ".join(f"{fmt(v, 3)}" for v in rb[-3:])
    if not zigzag:
        # BFGS (0.0377, 0.00405, 0.00335): the two-step ratios fall steadily, but a two-step
        # reading applies only when the per-step ratios alternate, which they do not: the
        # reason says so with their numbers, and why the per-step test fails
        assert _fall(r2) and r2[-1] <= r2[-3] / 2
        assert (f"the ratios e_(k+1)/e_k, k = 4–{n - 2} ({', '.join(f'{fmt(v, 3)}' for v in r1)}; "
                f"from the errors e_4–e_{n - 1}), do not fall toward 0 to the end (that needs "
                f"the last ratio ≤ 1/2 of the "
                f"one before it; {here}); a reading of the two-step ratios e_(k+2)/e_k "
                f"applies only when the per-step ratios alternate slow and fast, and here "
                f"they do not (the last three, {last}, do not rise and fall in turn)"
                ) in m.reason
        assert "neither" not in m.reason and "two-step ratios e_(k+2)/e_k from" not in m.reason
        return
    assert (f"neither the ratios e_(k+1)/e_k, k = 4–{n - 2} "
            f"({', '.join(f'{fmt(v, 3)}' for v in r1)}; from the errors e_4–e_{n - 1}), nor the "
            "two-step") in m.reason
    assert ("fall toward 0 to the end (falling to the end needs the last ratio ≤ 1/2 of the "
            "one before it, or, when the per-step ratios alternate slow and fast, the last "
            f"two-step ratio ≤ 1/2 of the one two steps before it; {here}; and for the "
            "two-step ratios ") in m.reason
    # the two-step ratios are printed, from the iteration their reading starts, and the
    # reason that reading fails is the one recomputed here
    assert (f"two-step ratios e_(k+2)/e_k, k = 1–{n - 3} "
            f"({', '.join(f'{fmt(v, 3)}' for v in r2)}; from the errors e_1–e_{n - 1}), fall "
            "toward 0") in m.reason
    why = f"the last, {fmt(r2[-1], 3)}, is not ≤ 1/2 of the one two steps before, {fmt(r2[-3], 3)}"
    assert f"and for the two-step ratios {why}" in m.reason


def test_falling_ratios_are_named_by_their_steps_and_the_errors_they_use():
    """Study p. 21, pure Newton on ln cosh: 'ratios e_(k+1)/e_k fall toward 0 over iterations
    0–7' listed 7 ratios, those of k = 0–6: the errors e_0–e_7 give 7 ratios, and the note
    now names both (as the notes of ratios that do not fall already did)."""
    x = [10.0]
    for _ in range(8):  # Newton on ln cosh(x/2)·4: x ← x − tanh(x/2)/(1/2)
        x.append(x[-1] - math.tanh(0.5 * x[-1]) / 0.5)
    e = np.abs(np.array(x))
    r = e[1:8] / e[:7]  # k = 0–6
    assert r.size == 7 and np.all(np.diff(r) < 0) and r[-1] <= r[-2] / 2
    note = E.falling_ratios(e, 0, 8)
    assert note is not None and note[:2] == (0, 1)
    assert note[2].startswith(f"ratios e_(k+1)/e_k, k = 0–6 ({', '.join(fmt(v, 3) for v in r)}; "
                              "from the errors e_0–e_7), fall toward 0: each below the one "
                              "before"), note[2]
    assert "iterations 0–7" not in note[2]


def test_falling_ratios_read_after_a_rise_say_so():
    """Himmelblau, L-BFGS: the note read the ratios at k = 7–8 (0.0263, 0.00348) as "each
    below the one before", though the ratio at k = 6 (0.0102) was below the first of them:
    the note says the ratios it reads follow a rise, with the ratio before; a window whose
    ratio before is larger says nothing of it."""
    e = np.array([1.0, 0.3, 0.1, 0.03, 0.01])
    e = np.append(e, [e[-1] * 0.0102, e[-1] * 0.0102 * 0.0263,
                      e[-1] * 0.0102 * 0.0263 * 0.00348])  # ratios 0.0102, 0.0263, 0.00348
    note = E.falling_ratios(e, 5, e.size)
    assert note is not None and note[:2] == (5, 1)
    assert f"(0.0263, 0.00348; from the errors e_5–e_7), after a rise from " \
           f"{fmt(e[5] / e[4], 3)} at k = 4, fall toward 0: " in note[2], note[2]
    steady = e.copy()
    steady[5] = steady[4] * 0.5  # the ratio before, 0.5, above the window's first
    steady[6:] = steady[5] * np.array([0.0263, 0.0263 * 0.00348])
    note = E.falling_ratios(steady, 5, steady.size)
    assert note is not None and "rise" not in note[2], note


def test_order_one_and_a_half_is_superlinear_per_step():
    # e_(k+1) = e_k^1.5: ratios e_k^0.5 fall every step; order 1.5, outside [1.8, 2.6]
    e = [0.5]
    while e[-1] > 1e-11:
        e.append(e[-1] ** 1.5)
    e = np.array(e)
    assert _fall(e[1:] / e[:-1])
    m = E.measure(_path_from_errors(e), [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 1
    assert m.order == pytest.approx(1.5, rel=1e-3)
    assert "ratios e_(k+1)/e_k, k = " in m.notes[0] and "), fall toward 0: " in m.notes[0]


def test_restarted_cg_like_two_step_sequence():
    # a slow step at ratio 0.5, then a step that squares the error over the pair:
    # e_(2j+1) = e_(2j)/2, e_(2j+2) = 2 e_(2j)^2 (per-step ratios keep returning to 0.5), the
    # run ending after a slow step and then landing on x* (as the Himmelblau CG run did)
    e = [0.1]
    for _ in range(3):
        e += [e[-1] / 2, 2 * e[-1] ** 2]
    e = np.array([*e, e[-1] / 2, 0.0])  # 0.1, 0.05, 0.02, 0.01, 8e-4, 4e-4, 1.28e-6, 6.4e-7, 0
    r1, r2 = e[2:8] / e[1:7], e[3:8] / e[1:6]  # the last 6 steps above the floor
    assert not _fall(r1) and _fall(r2)
    m = E.measure(_path_from_errors(e), [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 2 and m.window == (1, 7), m.notes
    assert ("two-step ratios e_(k+2)/e_k, k = 1–5 "
            f"({', '.join(f'{fmt(v, 3)}' for v in r2)}; from the errors e_1–e_7)") in m.notes[0]


def test_one_fast_step_then_slow_ones_is_not_superlinear_by_the_ratio_rules():
    # rule B sees the geometric mean of the last 3 ratios (1e-6, 0.9, 0.9) far below the 3
    # before (0.5): but neither those ratios nor the two-step ones fall toward 0
    ratios = [0.5] * 12 + [1e-6, 0.9, 0.9]
    e = np.cumprod([1.0] + ratios)
    assert not _fall(ratios[-3:]) and not _fall(np.array(ratios[-5:]) * ratios[-6:-1])
    m = E.measure(_path_from_errors(e), [0.0])
    assert any("the ratios e_(k+1)/e_k, k = " in n and "do not fall toward 0 to the end"
               in n and "do not rise and fall in turn" in n for n in m.notes)
    # no per-step reading: the note that says ratios fall is the two-step one
    assert not any(n.startswith("ratios e_(k+1)/e_k") and ", fall toward 0:" in n
                   for n in m.notes)


def test_a_restarted_method_is_read_on_the_ratios_of_its_restart_cycles():
    """Rosenbrock (n = 5): CG, restarted every 5 steps, was 'superlinear' on one per-step jump
    (7.4e-5 at k = 85 after ratios ~0.999, rule C). Read on its 5-step ratios e_(k+5)/e_k over
    the last three blocks up to where the error comes within 1000 floors (k = 86: 0.793,
    7.5e-4, 7.2e-5), which fall toward 0 to the end: superlinear over 5 steps, the evidence
    naming each ratio with the k of its row."""
    from recorded import CG_ROSENBROCK5, CG_ROSENBROCK5_FLOOR

    e, fl = np.array(CG_ROSENBROCK5), CG_ROSENBROCK5_FLOOR  # e[0] is e_60
    assert E.measure(e[:, None], [0.0], floor=fl).window == (25, 26)  # the single jump
    m = E.measure(e[:, None], [0.0], floor=fl, restart=5)
    end = int(np.flatnonzero(e > 1e3 * fl)[-1]) + 1  # in the band from here on
    ks = np.array([end - 15, end - 10, end - 5])
    r = e[ks + 5] / e[ks]
    assert end == 26 and _fall(r) and r[-1] <= r[-2] / 2
    assert m.kind == "superlinear" and m.ratio_step == 5 and m.window == (11, 26)
    assert m.band_from == 26 and m.evidence == m.notes[0]
    assert m.evidence.startswith("the 5-step ratios e_(k+5)/e_k over blocks of 5 steps")
    # Himmelblau p. 8, chained Rosenbrock p. 9: "(the restart period)" named a restart the
    # reports say nothing of elsewhere: the period is said with what it is
    assert m.evidence.startswith(
        "the 5-step ratios e_(k+5)/e_k over blocks of 5 steps (the restart period: the method "
        "restarts with a steepest-descent step at least every n = 5 iterations, n the "
        f"dimension) ending at iteration {end}"), m.evidence
    for k, v in zip(ks, r, strict=True):
        assert f"{fmt(v, 3)} at k = {k}" in m.evidence
    q = math.log(r[2]) / math.log(r[1])  # the order the last two imply, per restart cycle
    assert (f"{fmt(r[1], 3)} → {fmt(r[2], 3)} (× {fmt(r[2] / r[1], 3)}, order per 5-step cycle ≈ "
            f"ln {fmt(r[2], 3)} / ln {fmt(r[1], 3)} = {fmt(q, 3)}, per step "
            f"{fmt(q, 3)}^(1/5) = {fmt(q ** (1 / 5), 3)})"
            ) in m.evidence and abs(q - 1.33) < 0.01
    assert m.evidence.endswith(f"{fmt(q ** (1 / 5), 3)})")  # the pairs end the note
    assert "fall toward 0: each ≤ 1/2 of the one before, the last ≤ 1/4 of the first.  Block " \
        "by block: " in m.evidence
    # the first block (0.793: the error barely moved) is not yet in the fast phase: no order
    assert r[0] > 0.5 and (f"{fmt(r[0], 3)} → {fmt(r[1], 3)} (× {fmt(r[1] / r[0], 3)}; no order: "
                           f"{fmt(r[0], 3)} > 1/2, not yet in the fast phase)") in m.evidence
    assert m.evidence.count("≈ ln") == 1
    x = np.array(CG_ROSENBROCK5)[:, None] + 1.0  # around x* = 1, as the run: a few ulps off
    for path in versions(x, 7, count=20):
        mp = E.measure(path, [1.0], floor=fl, restart=5)
        assert (mp.kind, mp.window, mp.ratio_step) == ("superlinear", (11, 26), 5)


def test_a_restarted_method_is_not_fast_on_a_jump_its_cycles_do_not_bear_out():
    """Restart cycles of 5 steps (four at 0.999, one fast step): ratio 0.5 per cycle, one
    cycle with a step of 1e-4, then cycles of 0.3. Per step that is a jump into a faster phase
    (rule C: superlinear); its 5-step ratios level off at 0.299, so a method restarted every
    5 steps is not measured fast, and the note gives those ratios."""
    steps = []
    for x in [0.5] * 6 + [1e-4] + [0.3] * 3:
        steps += [0.999] * 4 + [x]
    e = np.cumprod([1.0, *steps])
    assert E.measure(e[:, None], [0.0]).kind == "superlinear"
    m = E.measure(e[:, None], [0.0], restart=5)
    r = e[[40, 45, 50]] / e[[35, 40, 45]]
    assert not r[-1] <= r[-2] / 2
    assert m.kind == "linear" and m.ratio_step == 5  # its rate read on its cycles
    assert m.rate == pytest.approx(float(r[-1]) ** (1 / 5), rel=1e-12)
    note = next(n for n in m.notes if n.startswith(E.UNBORNE))
    assert ", ".join(f"{fmt(v, 3)} at k = {k}"
                     for k, v in zip((35, 40, 45), r, strict=True)) in note


def test_restarted_cg_declares_its_period_and_the_rate_study_reads_it():
    """The restart period comes from the method's spec (every n iterations, nonlinear
    variants only), and the rate study passes it to the measurement."""
    from analysis.rates import rate_study
    from landscape import Objective
    from optimizers.methods import get_spec

    assert get_spec("cg").restart_period({"variant": "pr+"}, 5) == 5
    assert get_spec("cg").restart_period({"variant": "linear"}, 5) is None
    assert get_spec("bfgs").restart_period({}, 5) is None
    obj = Objective.parse("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", dim=5)
    st = rate_study(obj, "cg", [1.37, -2.3, -4.59, -4.83, 3.13], minimizer=[1.0] * 5)
    assert st.measurement.kind == "superlinear" and st.measurement.ratio_step == 5
    assert "fall toward 0" not in st.comparison.note
    # the note gives the 5-step ratios over the blocks the kind rests on, read here from the
    # run's errors, and the test they pass (each at most half the one before, checked here)
    e = np.linalg.norm(np.asarray(st.result.path) - 1.0, axis=1)
    ks = [k for k, _ in st.measurement.blocks]
    assert len(ks) >= 2 and all(b - a == 5 for a, b in zip(ks, ks[1:], strict=False))
    r = [e[k + 5] / e[k] for k in ks]
    assert all(b <= a / 2 for a, b in zip(r, r[1:], strict=False))
    vals = ", ".join(fmt(v, 3) for v in r)
    assert (f"5-step ratios e_(k+5)/e_k: {vals} at k = {', '.join(map(str, ks))}, each ≤ 1/2 "
            "of the one before" in st.comparison.note)
    assert "per-step table" not in st.comparison.note
    assert "its evidence" not in st.comparison.note


# ||x_k - x*|| of the Himmelblau report's L-BFGS run (x* = (3.58443, -1.84813), floor 8.95e-13)
HIMMELBLAU_LBFGS = [2.26, 0.322, 0.132, 0.0502, 0.0227, 0.000894, 2.6e-05, 2.65e-07, 6.97e-09,
                    2.43e-11, 7.29e-14]


def test_a_fast_kind_on_two_ratios_says_they_are_the_fewest_and_the_order_they_imply():
    """Himmelblau, L-BFGS: 'superlinear' on the two ratios 0.0263 and 0.00348. The rules
    accept two (the last <= 0.1, <= 1/4 and <= 1/2 of the first); the note now says that
    this is the fewest and gives the order they imply, ln r2 / ln r1 = 1.56 (a fast linear
    rate would repeat 0.0263: q ~ 1). Three or more ratios add nothing. The order is the one
    of e_(k+1) = C e_k^q: errors 0.1, 0.01, 1e-4 (order 2) give 2, whatever C."""
    e = np.array(HIMMELBLAU_LBFGS)
    m = E.measure(_path_from_errors(e), [0.0], floor=8.95e-13)
    r1, r2 = e[8] / e[7], e[9] / e[8]
    q = math.log(r2) / math.log(r1)
    assert m.kind == "superlinear" and m.window == (7, 9) and abs(q - 1.56) < 0.01
    assert m.evidence.endswith(f"two ratios, the fewest the rules accept: for an order q each "
                               f"ratio is about the one before to the power q, and these "
                               f"give q ≈ ln {fmt(r2, 3)} / ln {fmt(r1, 3)} = {fmt(q, 3)}")
    for c in (1.0, 3.0, 0.2):  # e_(k+1) = c e_k²: the ratios give back q = 2
        e2 = [0.1 / c]
        for _ in range(2):
            e2.append(c * e2[-1] ** 2)
        assert E.two_ratios([e2[1] / e2[0], e2[2] / e2[1]]).endswith("= 2")
    assert E.two_ratios([0.5, 0.1, 0.01]) == ""


def test_a_two_step_reading_names_the_test_it_passed_and_the_disjoint_blocks_at_the_end():
    """The study's L-BFGS note said its two-step ratios 'fall toward 0' beside 0.0652, 0.633,
    0.00111, 2.69e-06, 1.18e-05, which rise twice: the note now says which test they pass (the
    later half's largest <= 1/4 of the earlier half's) and gives the disjoint blocks of two
    steps that end at the last step, each with its fall and the order it implies."""
    e = np.cumprod([1.0, 0.014, 4.64, 0.136, 0.0081, 0.000332, 0.0354])  # its per-step ratios
    r2 = e[2:] / e[:-2]  # 0.065, 0.631, 0.0011, 2.69e-06, 1.18e-05
    assert r2[1] > r2[0] and r2[4] > r2[3]
    note = E.falling_ratios(e, 0, e.size)
    assert note is not None and note[1] == 2
    text = note[2]
    # himmelblau p. 7: of 5 ratios the note said which form each half (the middle one, k = 2,
    # is the earlier half's: the first ⌈5/2⌉ = 3)
    assert (f"fall toward 0: over the halves k = 0–2 and k = 3–4, the later "
            f"half's largest, {fmt(r2[4], 3)}, ≤ 1/4 of the earlier half's largest, "
            f"{fmt(r2[1], 3)}") in text
    assert max(r2[3:]) == r2[4] and max(r2[:3]) == r2[1]
    assert E.ratios_fall([1.0, 0.9, 0.1, 0.2], [0, 5, 10, 15]).startswith(
        "over the halves k = 0, 5 and k = 10, 15, ")
    assert text.startswith("two-step ratios e_(k+2)/e_k, k = 0–4 (")
    chain = [r2[0], r2[2], r2[4]]
    seen = ", ".join(f"{fmt(v, 3)} at k = {k}" for k, v in zip((0, 2, 4), chain, strict=True))
    assert (f"The superlinear test aside, the disjoint blocks of two steps ending at the last "
            f"step ({seen}) give the orders: ") in text
    q = math.sqrt(math.log(chain[2]) / math.log(chain[1]))  # two-step blocks have order q²
    assert (f"{fmt(chain[1], 3)} → {fmt(chain[2], 3)} (× {fmt(chain[2] / chain[1], 3)}, per-step "
            f"q ≈ (ln {fmt(chain[2], 3)} / ln {fmt(chain[1], 3)})^(1/2) = {fmt(q, 3)})") in text
    assert text.count("q ≈") == 2 and ": each block ratio ≤ 1/2 of the one before (" in text


def test_block_ratios_give_back_the_per_step_order_or_the_order_per_restart_cycle():
    """For e_(k+1) = e_k^q a block of h steps has order q^h: ln r'/ln r of two consecutive
    h-step blocks is q^h exactly, so a method that is not restarted prints the per-step order,
    its h-th root (the study's BFGS blocks read 'q ≈ 2.08', the order of the two-step map),
    and a restarted one the order per restart cycle (q^h, named so)."""
    for q, h in ((2.0, 2), (1.5, 2), (1.3, 3), (2.0, 1)):
        e = [0.5]
        for _ in range(3 * h):
            e.append(e[-1] ** q)
        e = np.array(e)
        r = e[h::h] / e[:-h:h]  # disjoint h-step blocks
        a, b = r[0], r[1]
        assert math.log(b) / math.log(a) == pytest.approx(q ** h, rel=1e-9)
        per_step = E.implied_order(a, b, h)
        # three significant digits, trailing zeros kept (an order computed to rounding
        # prints 2.00, not 2)
        x = math.log(b) / math.log(a)
        assert x ** (1 / h) == pytest.approx(q, rel=1e-9)
        assert per_step.endswith(f" = {fmt(x ** (1 / h), 3)}")
        cycle = E.implied_order(a, b, h, cycle=True)
        if h > 1:
            assert per_step.startswith(f"per-step q ≈ (ln {fmt(b, 3)} / ln {fmt(a, 3)})^(1/{h})")
            # Himmelblau p. 8: CG's order per cycle stood beside BFGS's per-step q on another
            # scale; its per-step equivalent, the h-th root, is q again
            assert cycle == (f"order per {h}-step cycle ≈ ln {fmt(b, 3)} / ln {fmt(a, 3)} = "
                             f"{fmt(x, 3)}, per step {fmt(x, 3)}^(1/{h}) = "
                             f"{fmt(x ** (1 / h), 3)}")
        else:
            assert cycle.endswith(f" = {fmt(x, 3)}")
        assert f", {per_step})" in E.pair_falls(r, h)
        assert f", {cycle})" in E.pair_falls(r, h, cycle=True)


def test_restart_blocks_of_which_only_the_last_falls_are_not_superlinear():
    """The study's CG blocks 0.0799, 0.0776, 5.8e-06 were read as superlinear on the fall of
    the last block alone: the first two are about equal (a linear rate, about 0.28 per step),
    then one sudden drop, no evidence of an order > 1. A restarted method is now fast only
    when every block is <= 1/2 of the one before; the note of the failed reading gives each
    pair's fall and order and says the fall rests on the last block."""
    r = [0.0799, 0.0776, 5.8e-06]
    e = [1.0]
    for v in r:
        e += [e[-1] * math.sqrt(v), e[-1] * v]
    _, _, note, fast = E.restart_ratios(np.array(e), len(e), 1e-30, 2)
    assert not fast and r[1] > r[0] / 2 and r[2] <= r[1] / 2
    assert not E.every_half(r) and E.every_half([0.0931, 0.0321, 9.3e-05])
    e_floor = np.array([*e, e[-1] * 1e-9])  # then the floor
    m = E.measure(e_floor[:, None], [0.0], floor=1e-12, restart=2)
    assert m.kind not in ("quadratic", "superlinear")
    why = next(n for n in m.notes if n.startswith(E.UNBORNE))
    assert "do not fall toward 0 at every block (each ≤ 1/2 of the one before" in why
    for a, b in ((r[0], r[1]), (r[1], r[2])):
        assert (f"order per 2-step cycle ≈ ln {fmt(b, 3)} / ln {fmt(a, 3)} = "
                f"{fmt(math.log(b) / math.log(a), 3)}") in why
    assert (f"{fmt(r[1], 3)} is more than 1/2 of {fmt(r[0], 3)}, so the fall rests on the last "
            "block "
            f"alone ({fmt(r[2], 3)} ≤ 1/2 of {fmt(r[1], 3)})") in why
    assert "only the last ≤ 1/2 of the one before" not in why
    # blocks that fall at every block, each <= 1/2 of the one before, are still superlinear
    r2 = [0.0931, 0.0321, 9.3e-05]
    e2 = [1.0]
    for v in r2:
        e2 += [e2[-1] * math.sqrt(v), e2[-1] * v]
    _, _, note2, fast2 = E.restart_ratios(np.array(e2), len(e2), 1e-30, 2)
    assert fast2 and "fall toward 0: each ≤ 1/2 of the one before, the last" in note2


def test_a_restarted_run_too_fast_for_a_kind_takes_its_fast_ratio_from_its_blocks():
    """Himmelblau, CG from (0, 0): blocks 0.0353, 0.0292, 3.06e-05 (not every one <= 1/2 of
    the one before) and then the floor, too few points for a linear rate. Its per-step
    ratios alternate slow and fast within a cycle (the last ones up to 0.4997), so their
    largest is no measure of the run: the fast ratio is the largest per-step mean of its
    blocks, max r_i^(1/2) = 0.0353^(1/2) = 0.188, which meets the bound 0.283 (the verdict
    agrees) where the largest per-step ratio would not; the note says what it is and where
    from."""
    from analysis.compare import compare
    from analysis.theory.prediction import Prediction

    r = [0.0353, 0.0292, 3.06e-05]
    e = [1.0]
    for v in r:
        e += [e[-1] * 0.4997, e[-1] * v]  # a slow step, then the rest of the cycle
    e = np.array([*e, e[-1] * 1e-12])
    m = E.measure(e[:, None], [0.0], floor=1e-12, restart=2)
    top = math.sqrt(max(r))
    assert m.kind == "none" and m.ratio_step == 2
    assert m.fast_ratio == pytest.approx(top, rel=1e-12) and abs(top - 0.188) < 5e-4
    note = next(n for n in m.notes if n.startswith("the error reached the rounding floor"))
    assert f"{fmt(r[0], 3)}^(1/2) = {fmt(math.sqrt(r[0]), 3)} at k = 0" in note
    assert f"the fast ratio is the largest, {fmt(top, 3)}" in note
    c = compare(Prediction(kind="linear", rate=0.28284, exact=False), m)
    assert c.verdict == "agrees" and 0.4997 > 0.28284
    assert (f"each of its last two-step ratios e_(k+2)/e_k before the floor (blocks of the "
            f"restart period), read per step as r^(1/2), ≤ {fmt(top, 3)}") in c.note
    assert compare(Prediction(kind="linear", rate=0.1, exact=False), m).verdict == (
        "not comparable")


def test_himmelblau_adam_rate_holds_only_on_average():
    """Himmelblau p.5/p.11: Adam (η = ‖x₀ − x*‖/100 = 0.0226, the report's default) is
    measured linear, 0.94927, while its error swings by more than a decade about the fitted
    line in both halves of the window: documents name it R-linear with that swing; GD's
    window starts past its start-up steps (k = 3, 4 shrink the error 0.135 and 0.28 times,
    against 0.728; a window from k = 3 held them) and is plain linear."""
    from analysis.compare import kind_words
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    spreads = {}
    for method in ("adam", "gd"):
        # the report's steps: Adam's above, GD's η = 1/L with L = λmax(∇²f(x*))
        lr = 0.0226 if method == "adam" else 1.0 / max(spreads["adam"][2].eigenvalues)
        st = rate_study(obj, method, [1.37, -2.3], lr=lr)
        m = st.measurement
        e = E.errors(st.result.path, st.minimizer)
        a, b = m.window
        y = np.log10(e[a:b + 1])
        r = y - math.log10(m.rate) * np.arange(y.size)  # about the line of the fitted rate
        d = np.abs(r - np.median(r))
        h = y.size // 2
        assert m.spread == pytest.approx(min(d[:h].max(), d[h:].max()), rel=1e-9)
        spreads[method] = (m, st.comparison.verdict, st)
    adam, verdict, _ = spreads["adam"]
    assert adam.kind == "linear" and adam.spread > 1.0 and verdict == "not comparable"
    # "up to X decades off" would read as the largest distance; X is the least of the two
    # halves' largest distances (asserted above, d two-sided), so each half strays at least X
    assert kind_words(adam) == ("linear on average (R-linear only: in each half of the window "
                                f"the errors stray at least {fmt(adam.spread, 2)} decades from the "
                                "fitted line)")
    gd, verdict, _ = spreads["gd"]
    a = gd.window[0]  # past the start-up steps k = 3, 4 (0.7 and 0.4 decade below the
    r = e[1:] / e[:-1]  # rate), at the first step whose ln ratio is within 1% of ln ρ
    assert a >= 5 and np.all(np.log10(r[3:5] / gd.rate) < -0.4)
    off = np.abs(np.log(r) / math.log(gd.rate) - 1)
    assert off[a - 1] > 0.01 and np.all(off[a:a + 3] <= 0.01)
    assert gd.spread < E.R_LINEAR_SPREAD and kind_words(gd) == "linear" and verdict == "agrees"


def test_a_restarted_method_reads_its_linear_rate_on_its_cycles():
    """A method restarted every m steps whose errors fall by exactly c per cycle, a slow and a
    fast step in turn within each cycle: a robust fit through every step mixes the two
    steps (the study's CG on 2-D Rosenbrock read ρ = 0.555 per step while its window's
    geometric mean was 0.271); read on its cycles, the rate is c^(1/m) exactly, and the note
    says so."""
    for m, c, inside in ((2, 0.01, [1.0, 0.6]), (3, 0.05, [1.0, 0.9, 0.1])):
        e = np.array([c ** j * inside[i] for j in range(14) for i in range(m)] + [c ** 14])
        meas = E.measure(e[:, None], [0.0], floor=1e-60, restart=m)
        assert meas.kind == "linear" and meas.ratio_step == m
        assert meas.rate == pytest.approx(c ** (1.0 / m), rel=1e-12)
        assert meas.spread == pytest.approx(0.0, abs=1e-9)  # on its cycles, on the line
        a, z = meas.window
        assert z == len(e) - 1 and (z - a) % m == 0
        assert (f"the linear rate is read per step on its {E.steps_name(m)} restart cycles: "
                f"fitted on the errors once per cycle, e_{a}, e_{a + m}, e_{a + 2 * m} and so "
                f"on to e_{z}, as (cycle factor)^(1/{m})") in " ".join(meas.notes)


def test_a_two_step_kind_against_a_bound_gives_its_block_ratios_and_their_test():
    """The study's L-BFGS row said only 'its evidence gives the test they pass and on which
    numbers'. The note now gives the two-step ratios over the disjoint blocks the kind rests
    on (0.065, 0.0011, 1.18e-05 at k = 30, 32, 34 here) and the test they pass."""
    from analysis.compare import compare
    from analysis.theory import Prediction

    e = np.cumprod([2.2] + [0.9] * 30 + [0.014, 4.64, 0.136, 0.0081, 0.000332, 0.0354])
    m = E.measure(e[:, None], [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 2
    ks = (30, 32, 34)
    assert [k for k, _ in m.blocks] == list(ks)
    c = compare(Prediction(kind="linear", exact=False, basis="bound"), m)
    vals = ", ".join(fmt(e[k + 2] / e[k], 3) for k in ks)
    assert c.agree
    r = [e[k + 2] / e[k] for k in ks]
    assert r[1] <= r[0] / 2 and r[2] <= r[1] / 2
    assert (f"measured superlinear (two-step ratios e_(k+2)/e_k: {vals} at k = 30, 32, 34, "
            "each ≤ 1/2 of the one before): at least as fast as the predicted linear "
            "bound") == c.note


def test_halving_names_which_ratios_fall_to_half_the_one_before():
    """The test a fast kind read on ratios passes, in words a reader checks on the numbers:
    every pair, only the last (each earlier one by its numbers), or the last not at all (it
    once said 'the last ≤ 1/2 of the one before' for ratios 0.1, 0.01, 0.009)."""
    assert E.halving([0.1, 0.04, 0.001]) == "each ≤ 1/2 of the one before"
    # described after the orders the blocks imply, the words name the block ratios (study
    # p. 40: "… = 1.39): each ≤ 1/2 of the one before" read as a claim on the orders)
    # and by their numbers: after the factors "(× 0.0170 …)" the words read as a claim on
    # the factors (study p. 41: 0.0106 is not ≤ 1/2 of 0.0170)
    assert E.halving([0.1, 0.04, 0.001], test=False) == \
        "each block ratio ≤ 1/2 of the one before (0.04 ≤ 1/2 of 0.1, 0.001 ≤ 1/2 of 0.04)"
    assert E.halving([0.1, 0.09, 0.085], test=False) == \
        "no block ratio ≤ 1/2 of the one before"
    assert E.halving([0.0063, 0.00464, 2.59e-06]) == (
        "0.00464 is more than 1/2 of 0.0063, so the fall rests on the last block alone "
        "(2.59e-06 ≤ 1/2 of 0.00464)")
    assert E.halving([0.1, 0.01, 0.009]) == "the last more than 1/2 of the one before"
    assert E.halving([0.1, 0.09, 0.085]) == "none ≤ 1/2 of the one before"
    # described, not tested (a two-step reading's blocks): no "fall" resting on one block
    assert E.halving([0.0063, 0.00464, 2.59e-06], test=False) == (
        "only the last block ratio falls to 1/2 or less of the one before (2.59e-06 ≤ 1/2 "
        "of 0.00464; 0.00464 is more than 1/2 of 0.0063)")
    assert E.halving([0.1, 0.09, 0.01, 0.004]) == "the last ≤ 1/2 of the one before"


def test_an_order_per_cycle_and_per_step_print_with_three_digits():
    """Himmelblau p. 9: "per step 1.45^(1/2) = 1.2" beside "2.7^(1/2) = 1.64": the trailing
    zeros were dropped, so one line printed orders with two and three digits."""
    a, b = 0.0931, 0.0321
    x = math.log(b) / math.log(a)
    assert f"{x:.2f}" == "1.45" and f"{math.sqrt(x):.2f}" == "1.20"
    assert E.implied_order(a, b, 2, cycle=True).endswith("= 1.45, per step 1.45^(1/2) = 1.20")
    a, b = 0.0321, 9.3e-05  # ln b / ln a = 2.70
    x = math.log(b) / math.log(a)
    assert f"{x:.2f}" == "2.70"
    assert E.implied_order(a, b, 2, cycle=True).endswith(
        f"= 2.70, per step 2.70^(1/2) = {math.sqrt(x):.2f}")
