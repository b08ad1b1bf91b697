"""Measured convergence behaviour from recorded runs.

Everything works on plain arrays — an iterate path ``(K+1, n)`` (row k is ``x_k``; a 1-D array
is a path in one variable), error sequences, function values — so it applies to any optimizer
result that carries ``path``.

Definitions (``e_k = ||x_k - x*||``, ``l_k = ln e_k``, ``d_k = l_k - l_{k+1}`` the per-step
decay, ``r_k = e_{k+1}/e_k = exp(-d_k)`` the successive ratio, ``eps`` the double-precision
machine epsilon):

* **Floor.** Points with ``e_k <= floor`` (default ``1e3 * eps * max(1, ||x*||)``) or non-finite
  are rounding noise: the analysis uses the prefix before the first such point. A later
  *plateau* is also treated as a floor — over the last quarter the robust trend changes the
  error by less than 4x either way while 25–75% of the steps increase it (or it is exactly
  flat), and the iterates from its start span at most ``sqrt(eps) max(1, |x|)`` (iterates
  that still move are not at a rounding floor); the analysis stops where the error first
  comes within 10x of the plateau's maximum.
  When the iterates converge to a point ``x_hat`` visibly different from the given ``x*`` (the
  geometric tail of the steps is < 10% of ``||x_K - x*||``), either ``x*`` is inexact or lies
  in a valley of minimizers -- errors are then measured to ``x_hat = x_K`` and a note says so
  -- or, when ``x*`` is an exact, isolated critical point (``isolated``), neither: the run
  *stalled* at ``x_hat``, its errors to ``x*`` level off at ``||x_K - x*||``; kind ``none``,
  ``stalled`` that distance, nothing fitted.
* **Asymptotic window (linear phase).** Local slopes of ``l`` over sliding windows of
  ``w = max(3, n/8)`` points (:func:`robust_slope`) are compared with the slope of the final
  third; the window starts at the earliest point after which every local slope is within
  ``max(settle_rtol * |final slope|, 3 * robust noise)`` of it (the transient is what comes
  before); it then moves on while the step from it is off, ``|l_{a+1} - l_a - final slope|``
  above ``max(settle_rtol * |final slope|, 3 * robust noise of the final third's steps)``: a
  median slope outvotes some of its baselines, and steps that are off in turn cancel over a
  baseline, so a passing local slope alone can still hold transient steps.
  The rate is ``exp(median of (l_{i+h} - l_i)/h)``, ``h`` = half the window — a Theil–Sen
  estimator restricted to long baselines, robust to rounding noise and to periodic
  modulation (momentum); ordinary least squares is reported beside it as a check. The
  ``spread`` is how far ``log10 e_k`` swings about that line in both halves of the window
  (:func:`line_spread`); above ``R_LINEAR_SPREAD`` = 0.5 decade the rate is a shrink factor
  per step only on average (R-linear; documents say so, the kind stays ``linear``).
* **Order.** ``q`` is the least-squares slope of ``l_{k+1} = ln C + q l_k`` over the last
  clean window before the floor: the last ``w`` points, ``4 <= w <= 6``, ``w`` minimising the
  standard error ``se = sqrt(RSS/(w-3)/Sxx)``. The data *determine* q when
  ``q - 2 se > 1`` and ``se <= 0.1 q``; otherwise no order is reported (null), so an order
  is never <= 1 under a superlinear label.
* **Kinds** (checked in this order; each result carries only the fields of its kind, and the
  :class:`Measurement` constructor rejects contradictions):
  ``diverges``: a non-finite error.
  ``bounded`` (cycle): for the smallest period ``m`` in 2..32 the last ``m`` iterates are
  pairwise at least ``s > sqrt(eps) max(1, |x_K|)`` apart, every m-step move of the last 2
  periods is <= ``0.1 s``, and every phase ``x_i, x_{i+m}, ...`` is within ``0.01 s`` of its
  limit (its last m-step move if that is at the rounding level, else the geometric tail
  ``u1 r/(1-r)`` of its last two m-step moves ``u0, u1``, ``r = u1/u0``): the m limits are
  distinct, so the run settled on an m-cycle, not on a point.
  ``period`` = m, ``band`` = the cycle's diameter (largest distance between two of its points).
  ``bounded`` (band): a run of >= 64 iterates whose last half stays above the floor and whose
  maxima of ``ln e`` over 8 equal blocks are neither strictly decreasing nor strictly
  increasing (last within 2x of first), with step-length block maxima not strictly
  decreasing (last >= half the first), spanning more than ``sqrt(eps) max(1, |x_K|)`` (a
  smaller stagnation is the rounding floor). ``band`` = the diameter of the last half (at
  most its last 512 iterates), ``period`` null.
  ``diverges``: the final error >= 100x ``max(e_0, floor)``, or >= 100x the smallest error with
  >= 90% increasing steps in the last quarter (saddle escape).
  ``none``: a single iterate, or the first iterate already at the floor (``reason`` says).
  ``finite``: the first iterate at the floor, ``x_k`` (``k = finite_steps``), is reached by a
  jump the trend does not explain: ``ln(e_{k-1}/floor) >= ln 1000`` and ``>= 3 max_{j<k-1}
  d_j`` (3: even a cubic step from the largest earlier decay would not reach the floor), and
  the error stays within ``1e3 floor`` afterwards. Newton on a quadratic: 1; linear CG: the
  number of distinct eigenvalues.
  ``none``: fewer than 3 points above the floor (or the plateau), or a run that stops above
  the floor after fewer than 3 iterations (too short to measure), or a run its method stopped
  (``stopped``: a failed line search, a stall) with its last error still above
  ``FLOOR_BAND`` floors and no plateau: its errors did not converge, whatever its last ratios
  (BFGS on a kink: 0.993 then 0.00512, its line search failing 0.0012 from x*, is no
  superlinear run), and no kind describes them.
  ``quadratic`` / ``superlinear``: the ratios ``r_k`` fall toward 0 at the end — rule A: they
  decrease strictly over a final stretch of >= 2 ratios (monotone errors from 3 steps before)
  down to <= 1/4 of the stretch's first ratio (and <= 0.1 if the stretch has only 2 ratios);
  rule B: the geometric mean of the last 3 ratios is <= 1/4 of the median of the 3 before
  (all 6 steps decreasing; noisy acceleration); rule B2: the same on two-step blocks of the
  last 8 steps (mean of the last 2 block decays >= twice and >= ``2 ln 4`` more than the 2
  before; steps alternating slow and fast). The ratios must then bear the rule out (tolerance
  ``RATIO_FALL`` = 1/4): the ratios ``r_k`` from the rule's start fall toward 0 — each below
  the one before with the last <= 1/4 of the first, or the largest of their later half <= 1/4
  of the largest of their earlier half — and keep falling to the end: the last ratio is
  <= ``RATIO_END_FALL`` = 1/2 of the one before (ratios that fall toward 0 with the error fall
  by ``r^(q-1)`` per step for an order q; a last ratio 0.0033 after 0.0040, the error falling
  300x per step, means q ~ 1.03: a fast linear rate reached a few steps before the floor looks
  the same); or else, when the per-step ratios zigzag at the end (the last three alternately
  rise and fall: slow and fast steps in turn, as BFGS's on Himmelblau), the two-step ratios
  ``e_{k+2}/e_k`` over the last 6 steps do the same, the last <= 1/2 of the two-step ratio
  two steps before it (the window then starts there; ``ratio_step`` 2); if neither, rules
  A/B/B2 decide nothing (a note gives the ratios) and the rules below apply. When that is
  for too few ratios above the floor and x* is exact and exactly representable (``exact``;
  its errors below the floor are exact distances, their rounding relative on x* = 0), the
  same test reads the ratios from the same start on the errors down to ``1e3 * eps *
  ||x*||`` (:func:`exact_floor`; every positive error on x* = 0); the window stays the fast
  phase above the floor and the note says which errors were read. The note lists
  the ratios seen; when they are only two, ``r1, r2`` (the fewest the rules accept), it says
  so and gives the order they imply, ``q ~ ln r2 / ln r1`` (``e_{k+1} ~ C e_k^q`` makes each
  ratio the one before to the power q, whatever C).
  *Restarted methods* (``restart`` = m, a method that restarts every m steps: nonlinear CG
  every n) make their progress per cycle, so per-step ratios and jumps are no evidence of a
  fast kind there: the ratios read are the m-step ratios ``e_{k+m}/e_k`` of the last 3
  disjoint blocks of m steps ending where the error comes within ``FLOOR_BAND`` floors to
  stay (else at the last point above the floor), and the kind is fast when they fall toward
  0 and fall at every block, each <= 1/2 of the one before (``ratio_step`` m, the window
  those blocks; blocks about equal and then one drop, 0.0799, 0.0776, 5.8e-06, are a linear
  rate, 0.28 per step, and one sudden fall, no evidence of an order > 1); otherwise rules
  A–D do not apply and the run is measured by the rules below (``linear`` or ``none``), a
  note giving the m-step ratios when a per-step rule saw an acceleration; a ``none`` whose
  error reached the floor takes as ``fast_ratio`` the largest per-step mean ``r^(1/m)`` of
  those block ratios, all < 1 (``ratio_step`` m). ``quadratic`` when the
  order is determined
  and ``[q - 2 se, q + 2 se]`` meets ``[1.8, 2.6]`` (1.8 separates Newton's 2 from the
  secant method's 1.618; two standard errors: the rule of the comparison), else
  ``superlinear`` (with the order if determined). The window is the fast phase, from the
  start of the accelerating stretch to the last point above the floor; the order is fitted
  on its last (at most 6) points.
  ``sublinear``: over the last half, the block decay rates ``d`` are positive, decrease (last
  <= 0.8 x first, at most one increase) and the final ratio ``r`` exceeds 0.9 — the signature
  of ``d ~ p/(k + k0)``; ``p = 1/slope`` of ``1/d`` against ``k`` (offset-free), ``k0`` the
  median of ``p/d - k``. The exponent is reported only when the window ``[a, b]`` spans
  ``(b + k0)/(a + k0) >= 1.5`` (else a large ``k0`` makes ``d`` nearly constant and ``p`` is
  arbitrary: sublinear without an exponent). When >= 25% of the last half's steps increase
  the error (a shrinking oscillation: subgradient steps ``eta_k ~ 1/sqrt(k)`` around a
  kink), the test runs on the upper envelope ``u_k = max_{j>=k} e_j``.
  ``superlinear`` (rule C): on the envelope ``c_k = -ln min_{j<=k} e_j`` a jump over
  ``h <= 3`` steps gains ``>= ln 1000`` and ``>= 8h`` times the mean decay ``pre`` of the
  ``max(3, 2h)`` steps before it, and the steps after it (if any) decay on average between
  ``2 pre`` and half the jump's rate (restarted CG, quasi-Newton arriving at a noisy floor; a
  jump into a faster linear phase keeps its rate, a momentum spiral's near-zero falls back).
  The window runs from the jump to the last point above the floor, or, when the jump lands in
  the floor band (``e <= FLOOR_BAND * floor``, ``FLOOR_BAND`` = 1000, as for ``finite``) and
  the error stays there, to the landing: the steps after it crawl at the floor (a note gives
  their ratios) and are not evidence either way.
  ``superlinear`` (rule D): on the same envelope, the mean decays per step ``D1, D2, D3``
  over the three blocks of the last half (>= 9 steps) satisfy ``D1 <= D2``, ``D3 >= 2 D2``
  and ``D3 >= ln 2``: the ratios keep falling through the last half (BFGS from afar, with
  rebounds that defeat rules A/B); the window starts at the middle block. The note gives the
  running minimum at the four block ends, from which a reader recomputes the three means.
  ``linear``: otherwise, with the fitted rate in (0, 1) and order 1; ``none`` when the error
  does not decrease or the linear window is shorter than 5 points (``reason`` says which).
* **Stochastic runs** (``stochastic=True``): the level ``E||x - x*||^2`` is the mean of
  ``e_k^2`` over the last half with a batch-means standard error (20 batches); if the means
  of ``e^2`` over 20 blocks of ``[K/10, K]`` decay in ``k`` (log-log OLS slope < -0.2 and
  significant: slope + 3 SE < 0) the kind is ``sublinear`` (``||e||`` exponent = -slope/2) and
  ``C = mean(k e_k^2)`` estimates ``E||e_k||^2 ~ C/k``; else ``none`` (stationary).

Robustness: the statistics above are taken above the floor (1000 ulps of ``x*``), where moving
every iterate by a few ulps changes an error by at most ~1e-3 relative, and the decisions
compare them with margins far wider than that (factors of 2 to 1000, telescoped sums over
several steps, envelopes, block maxima), so the kind does not change under such a
perturbation — except for data sitting on a threshold itself (a fitted order within rounding
of 1.8). Tested on synthesized paths of every kind and on SciPy and project runs, each
perturbed many times.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.jsonutil import jsonable
from landscape.numfmt import fmt, plural, spaced

EPS = float(np.finfo(float).eps)
KINDS = ("finite", "quadratic", "superlinear", "linear", "sublinear", "bounded", "diverges",
         "none")
#: Factors (lo, hi) of the band about a predicted exact order q in which a measured order q_m
#: agrees with it: ``lo q <= q_m <= hi q`` (:func:`order_band`).
ORDER_BAND = (0.9, 1.3)


def order_band(q: float) -> tuple[float, float]:
    """The band ``[0.9 q, 1.3 q]`` (factors :data:`ORDER_BAND`) in which a measured order
    q_m agrees with a predicted exact order ``q`` (the comparison also lets two standard
    errors of q_m reach it); at q = 2 it is the quadratic band :data:`QUADRATIC_ORDER`
    [1.8, 2.6], whose 1.8 separates Newton's 2 from the secant method's 1.618; at q = 3
    (Newton where the third derivatives vanish) [2.7, 3.9]."""
    lo, hi = ORDER_BAND
    return lo * q, hi * q


#: The measured orders that read ``quadratic``: the band of :func:`order_band` at q = 2.
QUADRATIC_ORDER = order_band(2.0)
#: Spread (decades) of a linear window's errors about the fitted line above which the rate
#: holds only on average (R-linear): 0.5 decade is a factor 10**0.5 ≈ 3.2 either way, more
#: than the start-up and rounding wobble of a run whose every step shrinks the error by about
#: ρ (a Q-linear run), so reading ρ as the factor of each step would misplace some error of
#: the window by more than a factor 3.
R_LINEAR_SPREAD = 0.5


def one_se(se: str) -> str:
    """`` ± se (1 s.e.)``: a fitted order's uncertainty, one standard error ``se`` (text),
    said as such wherever it is printed, since the rules that test an order allow two."""
    return f" ± {se} (1 s.e.)"


#: what "s.e." stands for (:func:`one_se`, "within 2 s.e."), said once on a document's title
#: page, under the markers' legend
SE_MEANS = "s.e.: standard error; q ± s (1 s.e.): a fitted order q and one standard error s of it"


def se_lines(texts: Iterable[str]) -> list[str]:
    """``[SE_MEANS]`` when one of ``texts`` abbreviates a standard error as "s.e.", else []."""
    return [SE_MEANS] if any("s.e." in t for t in texts) else []


DIVERGENCE_GROWTH = 100.0
MIN_WINDOW = 5
ORDER_MAX_POINTS = 6
ORDER_REL_SE = 0.1
FINITE_FACTOR = 3.0
JUMP_FACTOR = 8.0
CYCLE_MAX_PERIOD = 32
CYCLE_RTOL = 0.01
BAND_MIN_POINTS = 64
BAND_BLOCKS = 8
BAND_DIAMETER_POINTS = 512
SUBLINEAR_SPAN = 1.5
RATIO_FALL = 0.25
#: How close to the rate over the last third of the errors above the floor the local rate must
#: come for the linear fit window to start there (:func:`_settled_window`; the noise of the
#: local rates, when larger, sets it instead).
SETTLE_RTOL = 0.01
RATIO_END_FALL = 0.5
#: How the note of an acceleration that the ratios do not bear out begins.
UNBORNE = "the last steps accelerate on average, but"
TWO_STEP_SPAN = 6
FLOOR_BAND = 1e3
#: FLOOR_BAND as documents write it, a count ("1 000")
FLOOR_BAND_TEXT = spaced(int(FLOOR_BAND))
#: What a restart period is, said where a reading uses one: the reports name no restart
#: elsewhere, so "blocks of 2 steps (the restart period)" left a student asking why 2
#: (Himmelblau p. 8, chained Rosenbrock p. 9).  ``m`` = n, the dimension
#: (:meth:`optimizers.spec.MethodSpec.restart_period`).
RESTART_WORDS = ("the method restarts with a steepest-descent step at least every n = {m} "
                 "iterations, n the dimension")

#: How many disjoint blocks of a restart period the restarted methods' reading compares.
RESTART_BLOCKS = 3


# --------------------------------------------------------------------------------------------
# Basic sequences
# --------------------------------------------------------------------------------------------


def as_path(path: ArrayLike) -> NDArray[np.float64]:
    """The path as a float ``(K+1, n)`` array (a 1-D array is one variable)."""
    p = np.asarray(path, dtype=float)
    if p.ndim == 1:
        p = p[:, None]
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError("path must have shape (K+1, n)")
    return p


def default_floor(scale: float = 1.0) -> float:
    """Errors at or below ``1e3 * eps * max(1, scale)`` are rounding noise."""
    return 1e3 * EPS * max(1.0, abs(float(scale)))


#: The significant digits of a rounding floor (:func:`default_floor`) wherever a document
#: prints it (:func:`fmt_floor`): one figure, one printed form, ``2.2e-13``.
FLOOR_DIGITS = 2


def fmt_floor(floor: float) -> str:
    """A rounding floor as the documents print it: :data:`FLOOR_DIGITS` significant digits,
    a trailing zero kept (10³·ε = 2.220446e-13 → ``2.2e-13``, 10³·ε·√5 = 4.965e-13 →
    ``5.0e-13``, not ``5e-13`` beside ``4.2e-13``), in every sentence, table note and
    legend."""
    return fmt(float(floor), FLOOR_DIGITS, zeros=True)


def float_exact(x: Any, bits: int = 20) -> bool:
    """Whether every coordinate of ``x`` is a short dyadic number, ``c = j/2^bits`` with
    ``|c| < 2^bits`` (0, 1, −2.5, …): such a minimizer is represented exactly in floating
    point, so ‖x_k − x*‖ carries no rounding of x* itself (a point like √2 does)."""
    v = np.asarray(x, float).ravel()
    return bool(np.all(np.isfinite(v)) and np.all(np.abs(v) < 2.0 ** bits)
                and np.all(v * 2.0 ** bits == np.round(v * 2.0 ** bits)))


def exact_floor(x_star: ArrayLike) -> float:
    """The rounding floor of errors to an x* that is exact and exactly representable
    (:func:`float_exact`): ``1e3 * eps * ||x*||``, the iterates' own rounding (about
    ``eps * |x*_i|`` per coordinate) with the margin of :func:`default_floor`, whose
    ``max(1, .)`` covers the rounding of an x* that is not exact; 0 on x* = 0, where an
    error carries only a relative rounding eps at every size."""
    return 1e3 * EPS * float(np.linalg.norm(np.asarray(x_star, dtype=float)))


def error_rounding(error: float, scale: float = 0.0) -> float:
    """The relative rounding of a measured error e = ‖xₖ − x*‖ with ‖x*‖ = ``scale``:
    ε·(‖x*‖/e + 1).  Near x* each coordinate of the iterate (and of x* when it is not
    exactly representable) is rounded to about ε·|x*ᵢ|, an absolute ε·‖x*‖ in e, and the norm
    adds a relative ε; on x* = 0 only that relative ε remains, at every size of e.  At the
    floor :func:`default_floor` it is at most 10⁻³ + ε."""
    return EPS * (abs(float(scale)) / float(error) + 1.0)


def errors(path: ArrayLike, x_star: ArrayLike | None) -> NDArray[np.float64]:
    """``e_k = ||x_k - x*||`` (length K+1); with ``x_star=None`` the step lengths
    ``||x_{k+1} - x_k||`` (length K), which contract at the same linear rate."""
    p = as_path(path)
    if x_star is None:
        return step_lengths(p)
    xs = np.broadcast_to(np.asarray(x_star, dtype=float).ravel(), (p.shape[1],))
    with np.errstate(invalid="ignore", over="ignore"):
        return np.linalg.norm(p - xs, axis=1)


def step_lengths(path: ArrayLike) -> NDArray[np.float64]:
    """``||x_{k+1} - x_k||`` for k = 0..K-1."""
    p = as_path(path)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.linalg.norm(np.diff(p, axis=0), axis=1)


def iterations_to_tolerance(values: ArrayLike, tol: float) -> int | None:
    """First k with ``values[k] <= tol`` (errors, ``f - f*`` or gradient norms); None if never."""
    v = np.asarray(values, dtype=float)
    hit = np.flatnonzero(np.isfinite(v) & (v <= tol))
    return int(hit[0]) if hit.size else None


def detect_divergence(err: ArrayLike, *, growth: float = DIVERGENCE_GROWTH,
                      floor: float | None = None) -> bool:
    """True when an error is non-finite, or the final error is >= ``growth * max(e_0, floor)``,
    or it is >= ``growth * max(min_k e_k, floor)`` while at least 90% of the steps of the last
    quarter increase it (the approach-then-escape of a saddle: "the iterates left x*").
    """
    e = np.asarray(err, dtype=float)
    if e.size == 0:
        return False
    if not np.all(np.isfinite(e)):
        return True
    fl = default_floor() if floor is None else float(floor)
    if e[-1] >= growth * max(float(e[0]), fl):
        return True
    # escape after an approach (a saddle): steady growth to >= growth x the smallest error
    q = e[(3 * e.size) // 4:]
    if q.size < 4 or e[-1] < growth * max(float(np.min(e)), fl):
        return False
    return bool(np.mean(np.diff(q) > 0) >= 0.9)


# --------------------------------------------------------------------------------------------
# Robust slopes and windows
# --------------------------------------------------------------------------------------------


def robust_slope(y: ArrayLike) -> float:
    """Median of ``(y_{i+h} - y_i)/h`` with ``h = len(y)//2``: a long-baseline Theil–Sen slope."""
    y = np.asarray(y, dtype=float)
    n = y.size
    if n < 2:
        return math.nan
    h = max(1, n // 2)
    return float(np.median((y[h:] - y[:-h]) / h))


def line_spread(y: ArrayLike) -> float:
    """How far ``y`` (natural logs of the errors of a fit window) swings about the robust line
    through it, in decades: the line has the slope :func:`robust_slope` and the Theil–Sen
    intercept (the median of ``y_k - slope * k``); the spread is the largest
    ``|y_k - line_k| / ln 10`` that both halves of the window reach (the smaller of the two
    halves' largest), so a swing that recurs counts and a transient seen once at the window's
    start does not.  A geometric sequence gives 0; ``e_k = C ρ^k (1 + a cos(2π k/P))`` over
    whole periods, ``P`` even, gives ``-log10(1 - a)``."""
    y = np.asarray(y, dtype=float)
    if y.size < 2:
        return math.nan
    s = robust_slope(y)
    r = y - s * np.arange(y.size, dtype=float)
    d = np.abs(r - np.median(r)) / math.log(10.0)
    h = y.size // 2
    return float(min(np.max(d[:h]), np.max(d[h:])))


def lstsq_slope(y: ArrayLike) -> float:
    """Ordinary least-squares slope of ``y`` against its index."""
    y = np.asarray(y, dtype=float)
    if y.size < 2:
        return math.nan
    return float(np.polyfit(np.arange(y.size, dtype=float), y, 1)[0])


def valid_length(err: ArrayLike, floor: float) -> int:
    """Length of the prefix of finite errors strictly above ``floor``."""
    e = np.asarray(err, dtype=float)
    bad = np.flatnonzero(~np.isfinite(e) | (e <= floor))
    return int(bad[0]) if bad.size else int(e.size)


def plateau_start(err: ArrayLike, *, min_len: int = 16) -> int | None:
    """Index where a final plateau (stagnation) starts, or None (see the module docstring)."""
    e = np.asarray(err, dtype=float)
    if e.size < min_len or np.any(e <= 0) or not np.all(np.isfinite(e)):
        return None
    l = np.log(e)
    q = l[(3 * e.size) // 4:]
    drop = -robust_slope(q) * (q.size - 1)
    ups = float(np.mean(np.diff(q) > 0))
    flat = float(np.ptp(q)) <= 1e-9
    if not (flat or (abs(drop) < math.log(4.0) and 0.25 <= ups <= 0.75)):
        return None
    return int(np.flatnonzero(l <= np.max(q))[0])


def _settled_window(l: NDArray[np.float64], settle_rtol: float) -> tuple[int, bool]:
    """Start of the asymptotic (constant local slope) phase of ``l`` and whether it settled
    (rule in the module docstring, "Asymptotic window")."""
    n = l.size
    w = max(3, n // 8)
    fl = max(w, n // 3)
    f0 = n - fl
    if f0 <= 0:
        return 0, n >= 5
    stride = max(1, (n - w) // 400)
    starts = np.arange(0, n - w + 1, stride)
    s = np.array([robust_slope(l[j:j + w]) for j in starts])
    s_f = robust_slope(l[f0:])
    tail = s[starts >= f0]
    noise = 1.4826 * float(np.median(np.abs(tail - np.median(tail)))) if tail.size >= 3 else 0.0
    tol = max(settle_rtol * abs(s_f), 3.0 * noise, 1e-14)
    a = f0
    for j, sj in zip(starts[::-1], s[::-1], strict=True):
        if j >= f0:
            continue
        if abs(sj - s_f) > tol:
            break
        a = int(j)
    if a >= f0:
        return a, False
    # A window's median slope outvotes some of its baselines, and steps off in turn cancel
    # over one (0.834 then 0.559 against 0.682): the window starts where the steps settle.
    d = np.diff(l)  # d[i] = l_{i+1} - l_i, the slope of step i
    d_tail = d[f0:]
    d_noise = (1.4826 * float(np.median(np.abs(d_tail - np.median(d_tail))))
               if d_tail.size >= 3 else 0.0)
    d_tol = max(settle_rtol * abs(s_f), 3.0 * d_noise, 1e-14)
    while a < f0 and abs(d[a] - s_f) > d_tol:
        a += 1
    return a, True


@dataclass(frozen=True)
class LinearFit:
    """Result of :func:`linear_fit`: ``window`` = ``(start, end)`` inclusive indices."""

    rate: float
    window: tuple[int, int]
    rate_lstsq: float
    settled: bool
    spread: float = math.nan  # :func:`line_spread` of the window's errors, in decades


def linear_fit(err: ArrayLike, *, floor: float | None = None, scale: float = 1.0,
               settle_rtol: float = SETTLE_RTOL, min_points: int = 3) -> LinearFit | None:
    """Fit the asymptotic linear rate of ``err`` (see the module docstring); None if fewer than
    ``min_points`` points are above the floor."""
    e = np.asarray(err, dtype=float)
    fl = default_floor(scale) if floor is None else float(floor)
    n = valid_length(e, fl)
    p = plateau_start(e[:n])
    if p is not None:
        top = np.max(e[(3 * n) // 4:n])
        n = int(np.flatnonzero(e[:n] <= 10.0 * top)[0]) if p > 0 else 0
    if n < min_points:
        return None
    l = np.log(e[:n])
    a, settled = _settled_window(l, settle_rtol)
    seg = l[a:n]
    return LinearFit(
        rate=math.exp(robust_slope(seg)),
        window=(a, n - 1),
        rate_lstsq=math.exp(lstsq_slope(seg)),
        settled=settled and seg.size >= 5,
        spread=line_spread(seg),
    )


def fit_linear_rate(err: ArrayLike, *, floor: float | None = None, scale: float = 1.0,
                    settle_rtol: float = SETTLE_RTOL
                    ) -> tuple[float | None, tuple[int, int] | None]:
    """``(rate, (start, end))``: the asymptotic contraction factor of ``err`` and the inclusive
    window it was fitted on (floor, plateau and transient removed; robust estimator)."""
    fit = linear_fit(err, floor=floor, scale=scale, settle_rtol=settle_rtol)
    return (None, None) if fit is None else (fit.rate, fit.window)


# --------------------------------------------------------------------------------------------
# Order of convergence
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFit:
    """Result of :func:`fit_order`: ``order`` q and its standard error ``se`` from the
    regression of ``l_{k+1}`` on ``l_k`` over ``window`` (inclusive indices); ``determined``
    when the data fix q > 1 (``q - 2 se > 1`` and ``se <= ORDER_REL_SE * q``)."""

    order: float
    se: float
    window: tuple[int, int]
    determined: bool


def _ols(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float]:
    """Slope of the least-squares line ``y = a + q x`` and its standard error
    ``sqrt(RSS / (m - 2) / Sxx)`` (inf with fewer than 3 points or ``Sxx = 0``)."""
    xm, ym = float(np.mean(x)), float(np.mean(y))
    sxx = float(np.sum((x - xm) ** 2))
    if x.size < 2 or sxx <= 0:
        return math.nan, math.inf
    q = float(np.sum((x - xm) * (y - ym))) / sxx
    if x.size < 3:
        return q, math.inf
    rss = float(np.sum((y - ym - q * (x - xm)) ** 2))
    return q, math.sqrt(rss / (x.size - 2) / sxx)


def fit_order(err: ArrayLike, *, floor: float | None = None, scale: float = 1.0,
              start: int = 0, max_points: int = ORDER_MAX_POINTS) -> OrderFit | None:
    """q-order of ``e_{k+1} ~ C e_k^q``: least-squares slope of ``l_{k+1} = ln C + q l_k``.

    Fitted over the last clean window before the floor: the last ``w`` points above the floor
    (and at or after ``start``) with ``4 <= w <= max_points``, ``w`` chosen to minimise the
    standard error (the window where the data determine q best; the pre-asymptotic points of
    a long transient bias q and widen the error). None with fewer than 4 such points.
    """
    e = np.asarray(err, dtype=float)
    n = valid_length(e, default_floor(scale) if floor is None else float(floor))
    best: OrderFit | None = None
    for w in range(4, max_points + 1):
        a = n - w
        if a < max(0, start):
            break
        l = np.log(e[a:n])
        q, se = _ols(l[:-1], l[1:])
        if not math.isfinite(q):
            continue
        if best is None or se <= best.se:
            det = q - 2.0 * se > 1.0 and se <= ORDER_REL_SE * abs(q)
            best = OrderFit(q, se, (a, n - 1), det)
    return best


def estimate_order(err: ArrayLike, *, floor: float | None = None,
                   scale: float = 1.0) -> float | None:
    """The q of :func:`fit_order` (None with fewer than 4 points above the floor).

    ``e_{k+1} = C e_k^2`` gives exactly 2, a linear sequence exactly 1, the secant method
    values near 1.618. Whether the data *determine* q is :attr:`OrderFit.determined`.
    """
    fit = fit_order(err, floor=floor, scale=scale)
    return None if fit is None else fit.order


def _accelerating_start(d: NDArray[np.float64]) -> int:
    """Start of the final stretch where the decays ``d_k`` are positive and strictly increasing
    (i.e. the ratios ``r_k`` decrease toward 0)."""
    s = d.size - 1
    if s < 0 or d[s] <= 0:
        return d.size
    while s > 0 and 0 < d[s - 1] < d[s]:
        s -= 1
    return s


def _superlinear_tail(d: NDArray[np.float64]) -> int | None:
    """Start (in ``d`` indices) of a superlinear final phase by rule A or B, or None.

    Rule A (clean acceleration): the ratios decrease strictly over a final stretch of >= 2
    ratios, the 3 steps before it decrease the error too, the last ratio is <= 1/4 of the
    stretch's first ratio, and (with only 2 ratios) the last ratio is <= 0.1.
    Rule B (noisy acceleration, e.g. BFGS): the geometric mean of the last 3 ratios is <= 1/4
    of the median of the 3 ratios before, and these 6 steps all decrease the error.
    Rule B2 (two-step acceleration, steps alternating slow and fast): over the last 8 steps the
    decays of the 4 two-step blocks are positive and the mean of the last 2 is >= twice and
    >= ``2 ln 4`` more than the mean of the 2 before.
    """
    if d.size < 2:
        return None
    s = _accelerating_start(d)
    stretch = d.size - s
    if stretch >= 2 and np.all(d[max(0, s - 3):] > 0):
        last, first = math.exp(-d[-1]), math.exp(-d[s])
        if last <= 0.25 * first and (stretch >= 3 or last <= 0.1):
            return s
    if d.size >= 6 and np.all(d[-6:] > 0):
        tail = math.exp(-float(np.mean(d[-3:])))
        before = float(np.median(np.exp(-d[-6:-3])))
        if tail <= 0.25 * before:
            return d.size - 3
    if d.size >= 8:
        pairs = d[-8:].reshape(4, 2).sum(axis=1)
        last, before = float(np.mean(pairs[2:])), float(np.mean(pairs[:2]))
        if np.all(pairs > 0) and last >= before + 2.0 * math.log(4.0) and last >= 2.0 * before:
            return d.size - 4
    return None


def _ratio_list(e: NDArray[np.float64], a: int, n: int, h: int) -> str:
    """The ``h``-step ratios ``e_(k+h)/e_k`` for ``k = a .. n-1-h``, as printed in a note."""
    return ", ".join(f"{fmt(v, 3)}" for v in e[a + h:n] / e[a:n - h])


def _ratio_span(e: NDArray[np.float64], a: int, n: int, h: int) -> str:
    """The ``h``-step ratios of :func:`_ratio_list` by k, with the errors they use:
    "k = 4–6 (0.0377, 0.00405, 0.00335; from the errors e_4–e_7)"."""
    seen = _ratio_list(e, a, n, h) or "none"
    return f"k = {a}–{n - 1 - h} ({seen}; from the errors e_{a}–e_{n - 1})"


def k_list(ks: ArrayLike) -> str:
    """The iterations ``ks`` as a note names them: ``3`` (one), ``0–2`` (consecutive), else
    ``0, 5, 10``."""
    k = [int(v) for v in np.asarray(ks).ravel()]
    if len(k) == 1:
        return str(k[0])
    if all(b == a + 1 for a, b in zip(k, k[1:], strict=False)):
        return f"{k[0]}–{k[-1]}"
    return ", ".join(map(str, k))


def ratios_fall(ratios: ArrayLike, ks: ArrayLike | None = None) -> str | None:
    """How a sequence of (at least 2) ratios was seen to fall toward 0, or None when it does
    not, with the tolerance ``RATIO_FALL`` = 1/4: either each ratio is below the one before
    and the last is <= 1/4 of the first, or the largest ratio of the later half is <= 1/4 of
    the largest of the earlier half (the first ``ceil(m/2)`` of ``m``; a rebound within the
    later half is allowed, a ratio that returns to the earlier level is not).  ``ks``: the k
    of each ratio (default 0, 1, …), by which the note names the two halves (of 5 ratios at
    k = 0–4, the earlier half k = 0–2, the later k = 3–4)."""
    r = np.asarray(ratios, dtype=float)
    if r.size < 2 or not np.all(np.isfinite(r)) or np.any(r <= 0):
        return None
    if np.all(np.diff(r) < 0) and r[-1] <= RATIO_FALL * r[0]:
        return "each below the one before, the last ≤ 1/4 of the first"
    h = (r.size + 1) // 2
    k = np.arange(r.size) if ks is None else np.asarray(ks)
    early, late = float(np.max(r[:h])), float(np.max(r[h:]))
    if late <= RATIO_FALL * early:
        return (f"over the halves k = {k_list(k[:h])} and k = {k_list(k[h:])}, the later "
                f"half's largest, {fmt(late, 3)}, ≤ 1/4 of the earlier half's largest, "
                f"{fmt(early, 3)}")
    return None


def end_fall(ratios: ArrayLike, h: int = 1) -> bool:
    """Whether the last of the ``h``-step ratios ``e_(k+h)/e_k`` is <= ``RATIO_END_FALL`` times
    the one ``h`` steps before it (the previous disjoint block): the ratios still fall at the
    end, rather than levelling off or rising near the floor."""
    r = np.asarray(ratios, dtype=float)
    return r.size > h and bool(r[-1] <= RATIO_END_FALL * r[-1 - h])


def two_ratios(ratios: ArrayLike, every: bool = False) -> str:
    """What a reading that rests on only two ratios ``r1, r2`` adds to its note: that they are
    the fewest the rules accept, and the order they imply (for an order q, ``e_(k+1) ≈ C e_k^q``
    gives ``r_(k+1) / r_k = (e_(k+1)/e_k)^(q−1)``, so each ratio is about the one before to the
    power q, whatever C: q ≈ ln r2 / ln r1; errors 0.1, 0.01, 1e-4 give 2), which a reader can
    set beside the kind (a fast linear rate repeats r1: q ≈ 1); "" for more ratios, unless
    ``every`` (then the order the last two imply)."""
    r = np.asarray(ratios, dtype=float)
    if r.size < 2 or (r.size > 2 and not every):
        return ""
    text = "; two ratios, the fewest the rules accept" if r.size == 2 else ""
    a, b = float(r[-2]), float(r[-1])
    if 0.0 < b < a < 1.0:
        these = "these" if r.size == 2 else "the last two"
        text += (f"{':' if text else ';'} for an order q each ratio is about the one before to "
                 f"the power q, and {these} give {implied_order(a, b)}")
    return text


def implied_order(a: float, b: float, h: int = 1, cycle: bool = False) -> str:
    """The order two consecutive ratios ``a, b`` (both in (0, 1)) over blocks of ``h`` steps
    imply, as printed. Per step (``h`` 1): "q ≈ ln b / ln a = …" (see :func:`two_ratios`).
    For ``e_(k+1) = C e_k^q`` a block of ``h`` steps has order ``q^h`` (``e_(k+2) =
    C^(1+q) e_k^(q²)``), so ``ln b / ln a`` estimates ``q^h`` and the per-step order is its
    ``h``-th root: "per-step q ≈ (ln b / ln a)^(1/2) = …" (errors 0.5, 0.25, 0.0625, …, each
    the square of the one before, give two-step blocks 0.125, 0.000244 and back q = 2). A method
    restarted every ``h`` steps (``cycle``) makes its progress per restart cycle, so its order
    is the one of the cycle (as CG's n-step quadratic convergence), with its per-step
    equivalent, its ``h``-th root, on the scale of the per-step q of a method not restarted:
    "order per 2-step cycle ≈ ln b / ln a = 1.45, per step 1.45^(1/2) = 1.20".  Each order
    shows three significant digits, trailing zeros kept (:func:`~landscape.numfmt.fmt`:
    1.20 beside 1.64, not 1.2)."""
    x = math.log(b) / math.log(a)
    q, root = fmt(x, 3), fmt(x ** (1 / h), 3)
    if h == 1:
        return f"q ≈ ln {fmt(b, 3)} / ln {fmt(a, 3)} = {q}"
    if cycle:
        return (f"order per {h}-step cycle ≈ ln {fmt(b, 3)} / ln {fmt(a, 3)} = {q}, per step "
                f"{q}^(1/{h}) = {root}")
    return f"per-step q ≈ (ln {fmt(b, 3)} / ln {fmt(a, 3)})^(1/{h}) = {root}"


def halving(ratios: ArrayLike, test: bool = True) -> str:
    """Which consecutive ``ratios`` fall to at most ``RATIO_END_FALL`` = 1/2 of the one before,
    the test a fast kind read on ratios passes: "each ≤ 1/2 of the one before"; when only the
    last does, each earlier one by its numbers ("0.00464 is more than 1/2 of 0.0063, so the
    fall rests on the last block alone (2.59e−06 ≤ 1/2 of 0.00464)"); else "the last ≤ 1/2
    of the one before" (and "none ≤ 1/2 of the one before" when not even the last is).
    ``test=False``: the ratios are no test of the kind, only described (a two-step reading's
    disjoint blocks, after the tests it passed): "only the last block ratio falls to 1/2 or
    less of the one before (2.59e−06 ≤ 1/2 of 0.00464; 0.00464 is more than 1/2 of 0.0063)",
    with no "fall" it would rest on (Himmelblau p. 7 read as a second test, half failed).
    Those words follow the orders the blocks imply (:func:`pair_falls`), so they name the
    block ratios: "each ≤ 1/2 of the one before" after "… = 1.39)" read as a claim on the
    orders (study p. 40: 1.39 is not ≤ 1/2 of 1.44)."""
    r = np.asarray(ratios, dtype=float)
    half = r[1:] <= RATIO_END_FALL * r[:-1]
    what = "" if test else " block ratio"
    if np.all(half):
        if not test:  # by their numbers: after the factors "(× 0.0170 …)" the words read as a
            # claim on the factors (study p. 41: 0.0106 is not ≤ 1/2 of 0.0170)
            return (f"each{what} ≤ 1/2 of the one before ("
                    + ", ".join(f"{fmt(b, 3)} ≤ 1/2 of {fmt(a, 3)}"
                                for a, b in zip(r[:-1], r[1:], strict=True)) + ")")
        return f"each{what} ≤ 1/2 of the one before"
    if not half[-1]:
        return f"{'none' if test else 'no block ratio'} ≤ 1/2 of the one before" \
            if not np.any(half) else f"the last{what} more than 1/2 of the one before"
    if not np.any(half[:-1]):
        more = ", ".join(f"{fmt(b, 3)} is more than 1/2 of {fmt(a, 3)}"
                         for a, b in zip(r[:-2], r[1:-1], strict=True))
        if not test:
            return (f"only the last{what} falls to 1/2 or less of the one before "
                    f"({fmt(r[-1], 3)} ≤ 1/2 of {fmt(r[-2], 3)}; {more})")
        return (f"{more}, so the fall rests on the last block alone ({fmt(r[-1], 3)} ≤ 1/2 of "
                f"{fmt(r[-2], 3)})")
    return f"the last{what} ≤ 1/2 of the one before"


def pair_falls(ratios: ArrayLike, h: int = 1, cycle: bool = False, test: bool = True) -> str:
    """Each consecutive pair of ``ratios`` (over blocks of ``h`` steps; ``cycle`` when a block
    is a restart cycle) with the factor by which it falls and, when both lie in (0, 1) and the
    earlier is already in the fast phase (<= ``RATIO_END_FALL`` = 1/2: a block in which the
    error barely moved implies no order), the order it implies (:func:`implied_order`), then
    which pairs fall to at most ``RATIO_END_FALL`` of the one before: every pair, or only the
    last (each earlier block, by its numbers, is more than 1/2 of the one before it, so the
    fall rests on the last block alone, whose numbers follow), or some (``test``: as
    :func:`halving` says it)."""
    r = np.asarray(ratios, dtype=float)
    return f"{pair_steps(r, h, cycle)}: {halving(r, test)}"


def pair_steps(ratios: ArrayLike, h: int = 1, cycle: bool = False) -> str:
    """Each consecutive pair of ``ratios`` by its numbers, the factor by which it falls and
    the order it implies (:func:`pair_falls`, which adds which pairs halve): "0.793 → 0.000751
    (× 0.000947; no order: 0.793 > 1/2, not yet in the fast phase); 0.000751 → 7.20e−05
    (× 0.0959, order per 5-step cycle ≈ … = 1.33, per step 1.33^(1/5) = 1.06)"."""
    r = np.asarray(ratios, dtype=float)
    pairs = []
    for a, b in zip(r[:-1], r[1:], strict=True):
        order = ""
        if 0.0 < b < 1.0 and 0.0 < a < 1.0 and a != b:
            order = (f", {implied_order(a, b, h, cycle)}" if a <= RATIO_END_FALL else
                     f"; no order: {fmt(a, 3)} > 1/2, not yet in the fast phase")
        pairs.append(f"{fmt(a, 3)} → {fmt(b, 3)} (× {fmt(b / a, 3)}{order})")
    return "; ".join(pairs)


def _zigzag(ratios: NDArray[np.float64]) -> bool:
    """Whether the last three ratios alternately rise and fall (slow and fast steps in turn)."""
    return ratios.size >= 3 and bool((ratios[-2] - ratios[-3]) * (ratios[-1] - ratios[-2]) < 0)


def zigzag_end(ratios: ArrayLike) -> str:
    """How per-step ratios that passed :func:`_zigzag` end, in their numbers: "zigzag at the
    end, the last three, 0.0537, 0.00879, 0.0111, falling then rising" (study p. 40 said
    "alternate slow and fast at the end" of ratios that fall at every step but the last)."""
    r = np.asarray(ratios, dtype=float)[-3:]
    turn = "falling then rising" if r[1] < r[0] else "rising then falling"
    return f"zigzag at the end, the last three, {', '.join(fmt(v, 3) for v in r)}, {turn}"


def no_alternation(ratios: ArrayLike) -> str | None:
    """Why (at least 3) per-step ratios admit no two-step reading, which applies only when they
    alternate slow and fast at the end (:func:`_zigzag`): "the last three, 0.0377, 0.00405,
    0.00335, do not rise and fall in turn"; None when they alternate (or are fewer than 3)."""
    r = np.asarray(ratios, dtype=float)
    if r.size < 3 or _zigzag(r):
        return None
    return (f"the last three, {', '.join(fmt(v, 3) for v in r[-3:])}, do not rise and fall "
            "in turn")


def first_fast_step(err: ArrayLike, a: int, n: int) -> int:
    """The first k of the fast steps that end a run at the rounding floor (iteration ``n``):
    going back from ``a``, the first k of the ratios ``e_(k+1)/e_k`` from which every ratio up
    to the floor is at most the largest of those from ``a`` on (the ratios counted); the
    ratios before it belong to the approach."""
    e = np.asarray(err, dtype=float)
    r = e[1:n] / e[:n - 1]
    top = float(np.max(r[a:])) if a < r.size else math.inf
    j = a
    while j > 0 and r[j - 1] <= top:
        j -= 1
    return j


def too_few_ratios(steps: tuple[int, int] | None = None, first: int | None = None) -> str:
    """What a run whose last steps accelerate lacks to tell superlinear from fast linear when
    its error reaches the rounding floor before its ratios show whether they fall toward 0:
    more ratios above the floor; ``steps``, the first and last k of the ratios
    ``e_(k+1)/e_k`` it counts there, says how many, and ``first``, the first fast step
    (:func:`first_fast_step`), which ratios: the per-step table shows every ratio above the
    floor, the approach's included, so the words say why only these count. The ratio of the
    first fast step divides a fast step's error by the approach's last error: it measures the
    jump, not how the fast steps go on. One wording for the measurement's reason and for the
    comparison's note on such a run."""
    words = "too few ratios above the floor to tell superlinear from fast linear"
    if steps is None:
        return words
    a, b = steps
    count = f"only {b - a + 1}"
    span = f"k = {a}–{b}" if b > a else f"k = {a}"
    if first is None or first > a:
        return f"{words} ({count}, {span})"
    before = "" if first == 0 else f"k = 0–{first - 1}" if first > 1 else "k = 0"
    if first == a:
        rest = f"; {before} {'is' if first == 1 else 'are'} the approach" if before else ""
        return f"{words} ({count}, {span}, all of the fast steps{rest})"
    if first == a - 1:
        rest = f", {before}" if before else ""
        return (f"{words} ({count} after the first fast step, {span}; the ratio at k = {first}, "
                f"the first, measures the jump from the approach{rest})")
    return f"{words} ({count}, the last, {span})"


def rise_before(err: ArrayLike, s: int) -> str:
    """A clause saying that the ratios ``e_(k+1)/e_k`` read from iteration ``s`` follow a
    rise: the ratio at ``k = s − 1`` below the one at ``k = s`` (``e_s/e_(s−1) <
    e_(s+1)/e_s``), so that "each below the one before" is not read of the steps before
    ``s`` (Himmelblau, L-BFGS: 0.0102 at k = 6, then 0.0263, 0.00348 at k = 7–8); else "".
    Only that rule needs it: the rule of halves allows rises within.
    """
    e = np.asarray(err, dtype=float)
    if s < 1 or s + 1 >= e.size or not (e[s - 1] > 0 and e[s] > 0):
        return ""
    before, first = e[s] / e[s - 1], e[s + 1] / e[s]
    if not before < first:
        return ""
    return f", after a rise from {fmt(before, 3)} at k = {s - 1}"


def falling_ratios(err: ArrayLike, s: int, n: int) -> tuple[int, int, str] | None:
    """``(start, step, note)`` when the ratios of the errors ``e_0 .. e_(n-1)`` fall toward 0
    (:func:`ratios_fall`) and still fall at the end (:func:`end_fall`): the per-step ratios
    ``e_(k+1)/e_k`` from iteration ``s``, else, when the per-step ratios zigzag at the end, the
    two-step ratios ``e_(k+2)/e_k`` over the last ``TWO_STEP_SPAN`` steps (or from ``s`` if
    earlier: a method whose steps alternate slow and fast, like BFGS on Himmelblau, falls
    toward 0 over two steps); ``step`` 1 or 2 says which; None when neither does. The note
    gives the ratios seen, then the test they passed, then the caveats: of a two-step
    reading, first the two tests (the halves or each below the one before, and the last
    ≤ 1/2 of the one two steps before), then, each in a sentence of its own (one sentence of
    150 words was hard to follow, study p. 41), how far they fell in all and where they rose
    (:func:`overall_fall`), why the per-step ratios were not read one by one
    (:func:`_per_step_miss`), and the disjoint two-step blocks with the orders they imply
    (:func:`pair_falls`), so that a list that rises somewhere is never said to fall at every
    step."""
    e = np.asarray(err, dtype=float)
    r1 = e[s + 1:n] / e[s:n - 1]
    how = ratios_fall(r1, np.arange(s, n - 1)) if n - s >= 3 else None
    if how is not None and end_fall(r1):
        rise = rise_before(e, s) if how.startswith("each below") else ""
        return s, 1, (f"ratios e_(k+1)/e_k, {_ratio_span(e, s, n, 1)}{rise}, "
                      f"fall toward 0: {how}; the last ≤ 1/2 of the one before"
                      f"{two_ratios(r1)}")
    b, r2, how, why_not = two_step_test(e, s, n)
    if why_not is None:
        ks, chain = two_step_blocks(b, r2, n)
        seen = ", ".join(f"{fmt(v, 3)} at k = {k}" for k, v in zip(ks, chain, strict=True))
        return b, 2, (f"two-step ratios e_(k+2)/e_k, {_ratio_span(e, b, n, 2)}, fall toward "
                      f"0: {how}; and the last, {fmt(r2[-1], 3)}, ≤ 1/2 of the one two steps "
                      f"before, {fmt(r2[-3], 3)}.  In all they fell {overall_fall(r2, b)}.  "
                      f"They are read over two steps because the per-step ratios "
                      f"({_ratio_list(e, b, n, 1)}) "
                      f"{zigzag_end(e[b + 1:n] / e[b:n - 1])}{_per_step_miss(e, s, n, b)}.  "
                      # what is no test said first: "(…), no part of the test, give the
                      # orders" read as a chain of clauses (Himmelblau p. 7); and which test:
                      # "Outside the test" did not say (study p. 40)
                      "The superlinear test aside, the disjoint blocks of two steps ending at "
                      f"the last step ({seen}) give the orders: "
                      f"{pair_falls(chain, 2, test=False)}")
    return None


def fall_factor(x: float) -> str:
    """A factor ``x`` (> 1) by which ratios fell, as prose gives it: three significant digits,
    a whole number's thousands set apart below 10⁶ (0.00630 to 2.59e−06: ``2 430``), else
    :func:`~landscape.numfmt.fmt` (``15.3``, ``3.2e+07``)."""
    if not 100.0 <= x < 1e6:
        return fmt(x, 3)
    digits = 3 - 1 - int(math.floor(math.log10(x)))
    return spaced(int(round(x, digits)))


def overall_fall(ratios: ArrayLike, k0: int) -> str:
    """How far ratios that passed the test of falling toward 0 (the first at iteration
    ``k0``, one per step) fell in all, and whether at every step: "by a factor 2 430,
    from 0.00630 at k = 2 to 2.59e−06 at k = 6, though not at every step (0.00255 →
    0.00464)", each rise by its numbers.  From the largest ratio (the first of equals), which
    is the first unless a rise follows it: a test of halves lets a small first ratio pass
    (0.001, 0.9, 0.5, 0.002, 0.0005 fell by 1 800 "from the largest, 0.9", not by 2 from
    0.001; named so, since a reader counts from the first, study p. 40)."""
    r = np.asarray(ratios, dtype=float)
    i = int(np.argmax(r))
    rises = [f"{fmt(a, 3)} → {fmt(b, 3)}" for a, b in zip(r[:-1], r[1:], strict=True) if b > a]
    # "the largest" said when it is not the first: the first is where a reader starts
    text = (f"by a factor {fall_factor(float(r[i] / r[-1]))}, from "
            f"{'the largest, ' if i else ''}{fmt(r[i], 3)} at "
            f"k = {k0 + i}{',' if i else ''} to {fmt(r[-1], 3)} at k = {k0 + r.size - 1}")
    return text + (f", though not at every step ({', '.join(rises)})" if rises else "")


def _per_step_miss(e: NDArray[np.float64], s: int, n: int, b: int) -> str:
    """Why the per-step ratios ``e_(k+1)/e_k`` from iteration ``s`` failed the reading that
    :func:`falling_ratios` tries first, as a clause after "zigzag at the end, the last
    three, …" (:func:`zigzag_end`): too few, not falling toward 0 (:func:`ratios_fall`), or
    "the last, 0.00406, larger than the one before, 0.000638" ("more than 1/2 of" when it
    fell, but by less than half: :func:`end_fall`);
    ``b``: where the printed per-step ratios start (the reading from ``s`` is named when it
    starts later)."""
    r1 = e[s + 1:n] / e[s:n - 1]
    since = f" from k = {s}" if s != b else ""
    if n - s < 3:
        return f", and are too few{since} to read one by one"
    if ratios_fall(r1) is None:
        return f", and do not fall toward 0{since}"
    than = "larger than" if r1[-1] > r1[-2] else "more than 1/2 of"
    return f", the last, {fmt(r1[-1], 3)}, {than} the one before, {fmt(r1[-2], 3)}"


def two_step_blocks(b: int, r2: NDArray[np.float64], n: int
                    ) -> tuple[NDArray[np.int_], NDArray[np.float64]]:
    """``(ks, chain)``: of the two-step ratios ``r2`` (``e_(k+2)/e_k`` for ``k = b .. n-3``),
    those over the disjoint blocks of two steps ending at the last step, and their k."""
    ks = np.arange(b + (r2.size - 1) % 2, n - 2, 2)
    return ks, r2[ks - b]


def two_step_test(err: ArrayLike, s: int, n: int
                  ) -> tuple[int, NDArray[np.float64], str | None, str | None]:
    """``(b, r2, how, why_not)``: the two-step reading of :func:`falling_ratios` for a rule
    that saw the errors ``e_0 .. e_(n-1)`` accelerate from iteration ``s`` — its start ``b``
    (the last ``TWO_STEP_SPAN`` steps, or ``s`` if earlier), its ratios ``e_(k+2)/e_k`` for
    ``k = b .. n-3``, how they fall (:func:`ratios_fall`) and, when the reading fails, why
    (``why_not``, a clause giving the numbers), else None."""
    e = np.asarray(err, dtype=float)
    b = min(s, max(0, n - 1 - TWO_STEP_SPAN))
    r2 = e[b + 2:n] / e[b:n - 2] if n - b >= 3 else np.empty(0)
    how = ratios_fall(r2, np.arange(b, n - 2)) if n - b >= 4 else None
    r1 = e[b + 1:n] / e[b:n - 1]
    if r2.size < 2:
        return b, r2, how, "fewer than two of them: too few to read"
    unlike = no_alternation(r1)
    if unlike is not None:
        return b, r2, how, (f"the per-step ratios do not alternate slow and fast at the end "
                            f"({unlike}), which a two-step reading needs")
    if how is None:
        return b, r2, how, ("they do not fall toward 0 (neither each below the one before "
                            "with the last ≤ 1/4 of the first, nor the later half's largest "
                            "≤ 1/4 of the earlier half's)")
    if not end_fall(r2, 2):
        if r2.size <= 2:
            return b, r2, how, ("too few to compare the last with the one two steps before "
                                "it")
        return b, r2, how, (f"the last, {fmt(r2[-1], 3)}, is not ≤ 1/2 of the one two steps "
                            f"before, {fmt(r2[-3], 3)}")
    return b, r2, how, None


def band_entry(err: ArrayLike, n: int, fl: float) -> int:
    """The last point of the errors ``e_0 .. e_(n-1)`` above the floor that a fast reading uses:
    the first iteration from which the error stays within ``FLOOR_BAND`` floors to ``n - 1``
    (the band ``finite`` counts as the floor, where line-search methods crawl as ``f`` loses
    its last digits), else ``n - 1``."""
    e = np.asarray(err, dtype=float)[:n]
    out = np.flatnonzero(e > FLOOR_BAND * fl)
    if out.size == 0:
        return 0
    return min(int(out[-1]) + 1, n - 1)


def block_ratios(err: ArrayLike, end: int, m: int) -> tuple[int, NDArray[np.float64]]:
    """``(b, r)``: the ratios ``e_(k+m)/e_k`` of the last ``RESTART_BLOCKS`` disjoint blocks of
    ``m`` steps ending at iteration ``end`` (``k = b, b + m, ..., end - m``; fewer blocks when
    the run is shorter): a method restarted every ``m`` steps makes its progress per cycle."""
    e = np.asarray(err, dtype=float)
    blocks = min(RESTART_BLOCKS, end // m)
    b = end - blocks * m
    ks = b + m * np.arange(blocks)
    return b, e[ks + m] / e[ks]


def steps_name(h: int) -> str:
    """How text names ratios over ``h`` steps: "two-step", "5-step"."""
    return f"{'two' if h == 2 else h}-step"


def restart_ratios(err: ArrayLike, n: int, fl: float, m: int) -> tuple[int, int, str, bool]:
    """``(start, end, note, fast)`` of the reading of a method restarted every ``m`` steps
    (:func:`block_ratios` up to :func:`band_entry`): ``fast`` when its ``m``-step ratios fall
    toward 0 (:func:`ratios_fall`) and fall at every block, each <= 1/2 of the one before
    (:func:`every_half`; a fall at the last block alone after blocks about equal is a linear
    rate and one drop); the note gives the ratios and at which iterations they were read,
    then the test they passed ("each ≤ 1/2 of the one before" said once: "each below the one
    before … each ≤ 1/2 of the one before" said the fall twice), then, in a sentence of its
    own, each pair by its numbers (:func:`pair_steps`; inside the test's parentheses they
    nested three deep, chained Rosenbrock p. 9)."""
    e = np.asarray(err, dtype=float)
    end = band_entry(e, n, fl)
    b, r = block_ratios(e, end, m)
    ks = b + m * np.arange(r.size)
    seen = ", ".join(f"{fmt(v, 3)} at k = {k}" for k, v in zip(ks, r, strict=True))
    what = (f"the {steps_name(m)} ratios e_(k+{m})/e_k over blocks of {m} steps (the restart "
            f"period: {RESTART_WORDS.format(m=m)}) ending at iteration {end}"
            + (f" ({seen})" if seen else " (none: too few steps)"))
    how = ratios_fall(r, ks) if r.size >= 2 else None
    if how is not None and every_half(r):
        below = "each below the one before"
        test = (f"each ≤ 1/2 of the one before{how.removeprefix(below)}"
                if how.startswith(below) else f"{how}, and each ≤ 1/2 of the one before")
        return b, end, (f"{what} fall toward 0: {test}.  Block by block: "
                        f"{pair_steps(r, m, True)}"), True
    return b, end, what, False


def every_half(ratios: ArrayLike) -> bool:
    """Whether each of (at least 2) ``ratios`` is <= ``RATIO_END_FALL`` = 1/2 of the one before:
    the blocks of a restarted method fall at every block, not only at the last (blocks 0.0799,
    0.0776, 5.8e-06 are a linear rate, about 0.28 per step, then one sudden drop, which is no
    evidence of an order > 1)."""
    r = np.asarray(ratios, dtype=float)
    return r.size >= 2 and bool(np.all(r[1:] <= RATIO_END_FALL * r[:-1]))


def log_envelope(err: ArrayLike) -> NDArray[np.float64]:
    """``c_k = -ln min_{j<=k} e_j``: the error's running minimum on a log scale (stalls and
    rebounds removed), on which rules C and D read their decays."""
    return -np.log(np.minimum.accumulate(np.asarray(err, dtype=float)))


def accelerating_thirds(err: ArrayLike, *, min_steps: int = 9
                        ) -> tuple[int, int, tuple[float, float, float]] | None:
    """``(start, t, (r1, r2, r3))`` of an accelerating last half (rule D), or None: the
    blocks are ``start - t … start``, ``start … start + t``, ``start + t … start + 2t`` and
    ``r_i = exp(-D_i)`` their mean ratios per step.

    On the envelope ``c_k = -ln min_{j<=k} e_j`` the last half of the run (>= ``min_steps``
    steps) is cut into three equal blocks with mean decays ``D1, D2, D3`` per step. The run
    accelerates when ``D1 <= D2``, ``D3 >= 2 D2`` and ``D3 >= ln 2`` (the last ratios average
    at most 1/2 and keep falling): noisy quasi-Newton ratios that fall toward 0 through the
    last half with rebounds that defeat rules A/B. A linear phase has ``D1 ~ D2 ~ D3``; a
    transient into a faster linear phase has ``D3 ~ D2``. Returns the first index of the
    middle block (where the acceleration is seen).
    """
    e = np.asarray(err, dtype=float)
    if np.any(e <= 0):
        return None
    c = log_envelope(e)
    steps = (e.size - 1) // 2
    t = steps // 3
    if steps < min_steps or t < 3:
        return None
    a = e.size - 1 - 3 * t
    D1, D2, D3 = ((c[a + (i + 1) * t] - c[a + i * t]) / t for i in range(3))
    if D1 <= D2 and D3 >= 2.0 * D2 and D3 >= math.log(2.0):
        return a + t, t, (math.exp(-D1), math.exp(-D2), math.exp(-D3))
    return None


def envelope_jump(err: ArrayLike) -> tuple[int, int] | None:
    """Start ``j`` and length ``h`` of the last unexplained jump of the error envelope (rule
    C), or None.

    On ``c_k = -ln min_{j<=k} e_j`` (the running minimum: stalls and rebounds removed), a jump
    over ``h`` in {1, 2, 3} steps from ``j`` gains ``J = c_{j+h} - c_j >= ln 1000`` and at
    least ``JUMP_FACTOR * h`` times the mean decay ``pre`` of the ``max(3, 2h)`` steps before
    it, and the steps after it (if any) still decay at least twice as fast as ``pre`` on
    average but at most half as fast as during the jump (a jump into a faster *linear* phase
    keeps the jump's rate). A linear iteration cannot do this; restarted CG and quasi-Newton
    steps arriving at the run's noise floor do.
    """
    e = np.asarray(err, dtype=float)
    if e.size < 5 or np.any(e <= 0):
        return None
    c = log_envelope(e)
    b = e.size - 1
    found, length = -1, 0
    for h in (1, 2, 3):
        w = max(3, 2 * h)
        j = np.arange(w, b - h + 1)
        if j.size == 0:
            continue
        jump = c[j + h] - c[j]
        pre = (c[j] - c[j - w]) / w
        after = b - j - h
        with np.errstate(divide="ignore", invalid="ignore"):
            post = np.where(after > 0, (c[b] - c[j + h]) / np.maximum(after, 1), np.nan)
        ok = (jump >= math.log(1e3)) & (jump >= JUMP_FACTOR * h * pre) & (
            (after == 0) | ((2.0 * pre <= post) & (post <= 0.5 * jump / h)))
        if np.any(ok) and int(j[ok][-1]) > found:
            found, length = int(j[ok][-1]), h
    return (found, length) if found >= 0 else None


def _jump_note(e: NDArray[np.float64], j: int, h: int) -> str:
    """What rule C saw, with its numbers: the jump of the error envelope over ``h`` steps from
    iteration ``j``, the mean ratio per step of the steps before it, and after it."""
    c = log_envelope(e)
    w, b = max(3, 2 * h), e.size - 1
    fell = math.exp(-(c[j + h] - c[j]))
    before = math.exp(-(c[j] - c[j - w]) / w)
    after = b - j - h
    post = (f"; after it, over iterations {j + h}–{b}, the mean ratio is "
            f"{fmt(math.exp(-(c[b] - c[j + h]) / after), 3)} per step, faster than before"
            if after > 0 else "")
    return (f"in {plural(h, 'step')} from iteration {j} the error (its running minimum) falls "
            f"by the factor {fmt(fell, 3)}, while the {w} steps before averaged a ratio of "
            f"{fmt(before, 3)} per step: at least 1000× in {plural(h, 'step')} and at least "
            f"{JUMP_FACTOR:g} times their decay per step (on a log scale), which no linear rate "
            f"gives{post}: superlinear")


def _band_landing(e: NDArray[np.float64], j: int, h: int, n: int, fl: float,
                  notes: list[str]) -> int | None:
    """Where a rule-C jump from iteration ``j`` over ``h`` steps lands in the floor band
    (errors ``<= FLOOR_BAND * fl``, the band rule ``finite`` counts as the floor) when the error
    then stays in that band to the last point above the floor ``n - 1``; else None.

    The steps after such a landing are the run's last steps at the rounding floor's band,
    whatever their ratios (restarted CG and quasi-Newton methods crawl there as their line
    searches and gradients lose their last digits); the superlinear window ends at the
    landing, so that no ratio in it contradicts the kind.  A note gives the ratios left out.
    """
    band = FLOOR_BAND * fl
    hits = np.flatnonzero(e[j + 1:j + h + 1] <= band)
    if hits.size == 0:
        return None
    i = j + 1 + int(hits[0])
    if i >= n - 1 or np.any(e[i:n] > band):
        return None
    notes.append(_band_note(e, j, i, n, fl, "the jump lands"))
    return i


def _band_note(e: NDArray[np.float64], j: int, i: int, n: int, fl: float, what: str) -> str:
    """The note of a fast window ``j``–``i`` that ends where the error enters the floor band
    (``FLOOR_BAND`` floors) and stays there to ``n - 1``: those steps are left out."""
    r = e[i + 1:n] / e[i:n - 1]
    return (f"{what} at {fmt(e[i], 3)} (iteration {i}), within {FLOOR_BAND_TEXT} times the "
            f"rounding floor {fmt(fl, 3)}, and the error stays in that band to iteration "
            f"{n - 1} (ratios e_(k+1)/e_k {fmt(np.min(r), 2)} to {fmt(np.max(r), 2)} there): "
            f"the run's last steps at the floor, left out of the window {j}–{i}")


# --------------------------------------------------------------------------------------------
# Oscillation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Oscillation:
    """``reversal_fraction``: share of consecutive steps with ``s_k . s_{k+1} < 0``;
    ``component_flips``: per coordinate, share of sign changes of ``x_k - x*``."""

    oscillating: bool
    reversal_fraction: float
    component_flips: NDArray[np.float64]

    def to_json(self) -> dict[str, Any]:
        return jsonable(
            {"oscillating": self.oscillating, "reversal_fraction": self.reversal_fraction,
             "component_flips": self.component_flips}
        )


def oscillation(path: ArrayLike, x_star: ArrayLike | None = None, *,
                window: tuple[int, int] | None = None) -> Oscillation:
    """Detect the oscillating regime (e.g. GD with ``lr*lambda > 1`` on the dominant mode).

    Consecutive steps ``s_k = x_{k+1} - x_k`` of a linear iteration follow the dominant mode; it
    alternates when its root is negative (GD: ``1 - lr*lambda < 0``) and rotates by the root's
    argument theta when complex (momentum), giving a reversal share of ``theta/pi``.
    ``oscillating`` is ``reversal_fraction > 0.5`` (a root with negative real part).
    """
    p = as_path(path)
    if window is not None:
        p = p[window[0]:window[1] + 1]
    s = np.diff(p, axis=0)
    dots = np.einsum("ij,ij->i", s[:-1], s[1:]) if s.shape[0] >= 2 else np.zeros(0)
    dots = dots[np.isfinite(dots) & (dots != 0)]
    frac = float(np.mean(dots < 0)) if dots.size else 0.0
    if x_star is not None and p.shape[0] >= 2:
        e = p - np.asarray(x_star, dtype=float).ravel()
        prod = e[:-1] * e[1:]
        nz = prod != 0
        flips = np.where(nz.sum(0) > 0, (prod < 0).sum(0) / np.maximum(nz.sum(0), 1), 0.0)
    else:
        flips = np.zeros(p.shape[1])
    return Oscillation(frac > 0.5, frac, np.asarray(flips, dtype=float))


# --------------------------------------------------------------------------------------------
# Bounded behaviour: cycles and bands
# --------------------------------------------------------------------------------------------


def diameter(points: ArrayLike) -> float:
    """Largest distance between two of the points (rows)."""
    p = as_path(points)
    best = 0.0
    for i in range(p.shape[0] - 1):
        d = np.linalg.norm(p[i + 1:] - p[i], axis=1)
        best = max(best, float(np.max(d)))
    return best


def _min_separation(points: NDArray[np.float64]) -> float:
    """Smallest distance between two of the points (rows)."""
    best = math.inf
    for i in range(points.shape[0] - 1):
        best = min(best, float(np.min(np.linalg.norm(points[i + 1:] - points[i], axis=1))))
    return best


@dataclass(frozen=True)
class Bounded:
    """A bounded limit set: ``period`` m of a cycle (None for a band), ``band`` its diameter
    (largest distance between two of its points: for a 2-cycle the distance between the two
    points), ``start`` the first iteration of the window over which it was established."""

    period: int | None
    band: float
    start: int


def _phase_remaining(p: NDArray[np.float64], i: int, m: int) -> float:
    """Distance still to go from ``x_i`` to the limit of its phase ``x_i, x_{i+m}, ...``:
    the last m-step move ``u1 = |x_i - x_{i-m}|`` if it is at the rounding level of ``x_i``,
    else the geometric tail ``u1 r/(1-r)`` with ``r = u1/u0`` (``u0`` the move before; inf
    when ``r >= 1``)."""
    u1 = float(np.linalg.norm(p[i] - p[i - m]))
    if u1 <= default_floor(float(np.linalg.norm(p[i]))):
        return u1
    u0 = float(np.linalg.norm(p[i - m] - p[i - 2 * m]))
    if not (u0 > 0 and u1 < u0):
        return math.inf
    r = u1 / u0
    return u1 * r / (1.0 - r)


def detect_cycle(path: ArrayLike, *, max_period: int = CYCLE_MAX_PERIOD) -> Bounded | None:
    """The smallest period m >= 2 whose m phases converge to m distinct points (a cycle).

    With ``x_K`` the last iterate: the last m iterates are pairwise at least ``s`` apart
    (``s > sqrt(eps) max(1, |x_K|)``: not a rounding-level flicker), every m-step move of the
    last 2 periods is <= ``0.1 s`` (the cycle visibly repeats), and for each phase the
    distance still to go to its limit (:func:`_phase_remaining`) is <= ``CYCLE_RTOL * s``, so
    the m limits are distinct. A run
    converging to a point (even oscillating, with a root near -1) has phases that share one
    limit and fails this; period 1 (a limit point) is not a cycle. ``start``: the first ``k``
    from which every ``|x_{k+m} - x_k| <= CYCLE_RTOL * s``.
    """
    p = as_path(path)
    K = p.shape[0] - 1
    if not np.all(np.isfinite(p)):
        return None
    for m in range(2, min(max_period, K // 3) + 1):
        last = p[K - m + 1:]
        s = _min_separation(last)
        if not s > math.sqrt(EPS) * max(1.0, float(np.linalg.norm(p[-1]))):
            continue
        moves = np.linalg.norm(p[m:] - p[:-m], axis=1)
        if np.any(moves[-2 * m:] > 0.1 * s):
            continue
        rem = max(_phase_remaining(p, K - j, m) for j in range(m))
        if rem > CYCLE_RTOL * s:
            continue
        far = np.flatnonzero(moves > CYCLE_RTOL * s)
        start = int(far[-1]) + 1 if far.size else 0
        return Bounded(m, diameter(last), start)
    return None


def _block_maxima(v: NDArray[np.float64], blocks: int) -> NDArray[np.float64]:
    edges = np.linspace(0, v.size, blocks + 1).astype(int)
    return np.array([np.max(v[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)])


def detect_band(path: ArrayLike, err: ArrayLike, floor: float) -> Bounded | None:
    """A band: over the last half of a run of >= ``BAND_MIN_POINTS`` iterates the error neither
    converges nor grows. All errors there are above ``floor``; the maxima of ``ln e`` over
    ``BAND_BLOCKS`` equal blocks are neither strictly decreasing nor strictly increasing and
    the last is within a factor 2 of the first; the block maxima of the step lengths are not
    strictly decreasing and the last is >= half the first; and the points span more than
    ``sqrt(eps) * max(1, |x_K|)`` (a smaller stagnation is the run's rounding floor).
    ``band``: the diameter of the last half (at most its last ``BAND_DIAMETER_POINTS``
    iterates)."""
    p = as_path(path)
    e = np.asarray(err, dtype=float)
    K = p.shape[0] - 1
    if K + 1 < BAND_MIN_POINTS or e.size < K + 1:
        return None
    t0 = K // 2
    tail = e[t0:]
    if not np.all(np.isfinite(tail)) or np.any(tail <= floor):
        return None
    steps = step_lengths(p[t0:])
    if np.any(steps <= 0) or not np.all(np.isfinite(steps)):
        return None
    for v, both in ((np.log(tail), True), (np.log(steps), False)):
        mx = _block_maxima(v, BAND_BLOCKS)
        dm = np.diff(mx)
        if np.all(dm < 0) or (both and np.all(dm > 0)):
            return None
        if mx[-1] < mx[0] - math.log(2.0) or (both and mx[-1] > mx[0] + math.log(2.0)):
            return None
    pts = p[max(t0, K + 1 - BAND_DIAMETER_POINTS):]
    size = diameter(pts)
    if size <= math.sqrt(EPS) * max(1.0, float(np.linalg.norm(p[-1]))):
        return None
    return Bounded(None, size, t0)


# --------------------------------------------------------------------------------------------
# measure()
# --------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """Measured behaviour of one run (fields as in ``predicted``; see the module docstring).

    ``window`` is ``[start, end]`` (inclusive iteration indices of the fit), ``iterations`` the
    number of iterations in the path (K), ``floor_index`` the first iteration at or below the
    floor, ``settled`` whether the local rate was constant over the window, ``rate_lstsq`` the
    least-squares confirmation of ``rate``; ``error_level`` (+ ``_se``) and ``error_constant``
    (+ ``_se``) are for stochastic runs; ``fun_rate`` the linear rate of ``f - f*`` if given.
    ``finite_steps`` (kind ``finite``): the iteration at which the minimizer was reached;
    ``order_se``: standard error of ``order`` (None when the order is not fitted); ``period``
    and ``band`` (kind ``bounded``): the cycle's period (None for a band) and the diameter of
    the limit set (largest distance between two of its points); ``reason`` (kind ``none``):
    why the evidence does not decide; ``ratio_step`` (kinds ``quadratic``/``superlinear``
    decided from the ratios): 1 when the ratios ``e_(k+1)/e_k`` fall toward 0, 2 when only
    the two-step ratios ``e_(k+2)/e_k`` do, m when a method restarted every m steps is read on
    its m-step ratios ``e_(k+m)/e_k`` (also on a ``none`` whose ``fast_ratio`` they give, and
    on a ``linear`` whose rate is read on its cycles, :func:`cycle_fit`);
    ``band_from`` (kind ``superlinear`` by rule C or by a
    restarted method's m-step ratios): the iteration where the jump landed (the error came)
    within ``FLOOR_BAND`` floors, the error staying in that band after it (the window ends
    there); ``evidence`` (kinds ``quadratic``/``superlinear``):
    what the rule that decided the kind saw, in words and numbers (one of the ``notes``);
    ``fast_ratio`` (kind ``none`` only): the error fell to the rounding floor at the end of an
    accelerating stretch too short to tell superlinear from fast linear, its last ratios
    ``e_(k+1)/e_k`` all <= ``fast_ratio`` < 1 -- at least linear either way; for a method
    restarted every m steps (``ratio_step`` m) the largest per-step mean ``r^(1/m)`` of the
    m-step ratios of its last blocks.
    ``spread`` (kind ``linear``): the largest distance, in decades, of ``log10 e_k`` from the
    fitted line over the window (:func:`line_spread`); above :data:`R_LINEAR_SPREAD` the rate
    holds only on average (R-linear), the error swinging about the line.
    ``fast_steps`` (per-step fast ratios only): the first and last k of those ratios;
    ``fast_from``: the first fast step (:func:`first_fast_step`), the approach before it.
    ``blocks`` (a fast kind read on ``ratio_step`` >= 2): the ``(k, e_(k+h)/e_k)`` over the
    disjoint blocks of ``h = ratio_step`` steps the kind rests on.
    ``order_window`` (with a fitted ``order``): the first and last k of the errors the order
    was fitted on (:attr:`OrderFit.window`), the end of ``window`` without its pre-asymptotic
    start when the fit drops it.
    ``stalled`` (kind ``none`` only): the iterates converge to a point this far from an exact,
    isolated x*: the run stalled there (:func:`_stall`).
    ``read_to`` (a fast kind decided also on errors below the floor, x* exact: see
    :func:`_exact_tail`): the last k of the errors its ratios were read on, past ``window``.
    ``read_from`` (a fast kind read on blocks that start before ``window``, rule D of
    :func:`accelerating_thirds`): the first k of the errors it was read on.
    ``falling`` (with ``stalled``):
    ``(k, e_k, e_K)`` when the error still falls over the run's last quarter
    (:func:`still_falling`): the run ended on its way to that point, not stalled at it.

    The constructor rejects contradictions: ``linear`` needs a rate in (0, 1) (order 1 or
    None); ``quadratic``/``superlinear`` carry no rate and an order only > 1; ``finite`` needs
    ``finite_steps``; ``bounded`` needs ``band``; only ``linear`` and ``diverges`` (its growth
    factor) have a rate.
    """

    kind: str
    rate: float | None = None
    order: float | None = None
    window: tuple[int, int] | None = None
    iterations: int = 0
    oscillating: bool | None = None
    notes: list[str] = field(default_factory=list)
    exponent: float | None = None
    error_level: float | None = None
    error_level_se: float | None = None
    error_constant: float | None = None
    error_constant_se: float | None = None
    floor_index: int | None = None
    settled: bool = False
    rate_lstsq: float | None = None
    fun_rate: float | None = None
    finite_steps: int | None = None
    order_se: float | None = None
    period: int | None = None
    band: float | None = None
    reason: str | None = None
    ratio_step: int | None = None
    band_from: int | None = None
    evidence: str | None = None
    fast_ratio: float | None = None
    spread: float | None = None
    fast_steps: tuple[int, int] | None = None
    fast_from: int | None = None
    blocks: tuple[tuple[int, float], ...] | None = None
    order_window: tuple[int, int] | None = None
    stalled: float | None = None
    read_to: int | None = None
    falling: tuple[int, float, float] | None = None
    read_from: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        problem = _contradiction(self)
        if problem:
            raise ValueError(f"inconsistent measurement ({self.kind}): {problem}")

    @property
    def window_length(self) -> int:
        return 0 if self.window is None else self.window[1] - self.window[0] + 1

    def to_json(self) -> dict[str, Any]:
        """The ``measured`` object: design keys first, then the extra fields (non-finite→null)."""
        return jsonable(
            {
                "kind": self.kind,
                "rate": self.rate,
                "order": self.order,
                "window": None if self.window is None else list(self.window),
                "iterations": self.iterations,
                "finite_steps": self.finite_steps,
                "exponent": self.exponent,
                "period": self.period,
                "band": self.band,
                "reason": self.reason,
                "order_se": self.order_se,
                "order_window": None if self.order_window is None else list(self.order_window),
                "oscillating": self.oscillating,
                "error_level": self.error_level,
                "error_level_se": self.error_level_se,
                "error_constant": self.error_constant,
                "error_constant_se": self.error_constant_se,
                "floor_index": self.floor_index,
                "settled": self.settled,
                "rate_lstsq": self.rate_lstsq,
                "fun_rate": self.fun_rate,
                "ratio_step": self.ratio_step,
                "band_from": self.band_from,
                "evidence": self.evidence,
                "spread": self.spread,
                "stalled": self.stalled,
                "read_to": self.read_to,
                "read_from": self.read_from,
                "falling": None if self.falling is None else list(self.falling),
                "notes": list(self.notes),
            }
        )


def _field(m: Any, name: str) -> Any:
    """Field ``name`` of a :class:`Measurement` or of its JSON object."""
    return m.get(name) if isinstance(m, Mapping) else getattr(m, name, None)


def order_printed(m: Any) -> bool:
    """Whether what a document prints for measurement ``m`` is a fitted order (kinds
    ``quadratic``/``superlinear`` with ``order`` and ``order_window``), whose window
    :func:`printed_window` gives."""
    return (_field(m, "kind") in ("quadratic", "superlinear")
            and _field(m, "order") is not None and bool(_field(m, "order_window")))


def printed_window(m: Any) -> tuple[int, int] | None:
    """The window of what a document prints for measurement ``m``: for a fitted order (kinds
    ``quadratic``/``superlinear`` with ``order_window``) the errors the order was fitted on,
    which leave out the pre-asymptotic steps the fit drops; else ``window`` (the rate's fit
    window, or where a kind was read).  Per-step table titles, their row marks and a figure's
    shaded window name this one, so that they agree with the number printed beside them
    (``m`` may be a :class:`Measurement` or its JSON object)."""
    win = _field(m, "order_window") if order_printed(m) else _field(m, "window")
    return None if win is None else (int(win[0]), int(win[1]))


def kind_window(m: Any) -> tuple[int, int] | None:
    """The window of a kind faster than linear with nothing fitted, as its table's title and
    the error figure's ratio panel name it: where the kind was read, ``window`` from
    ``read_from`` when the blocks it was read on start before it (chained Rosenbrock p. 8:
    BFGS read on iterations 36–69, its window 47–69); else :func:`printed_window`."""
    win, start = printed_window(m), _field(m, "read_from")
    if win is None or start is None or order_printed(m):
        return win
    return min(int(start), win[0]), win[1]


def kind_read_below(m: Any) -> tuple[int, int] | None:
    """``(read_to, floor_index)`` of a measured kind read also on the errors below the rounding
    floor (x* exact: :func:`measure`), past its window; else None.  The per-step table's title
    and the error figure's caption both say it (the figure draws only the errors above the
    floor)."""
    to, at, win = _field(m, "read_to"), _field(m, "floor_index"), _field(m, "window")
    if to is None or at is None or win is None or int(to) <= int(win[1]):
        return None
    return int(to), int(at)


def fitted_window(m: Any) -> tuple[int, int] | None:
    """The window a figure shades as where a rate or an order was fitted: that of
    :func:`printed_window`, but None where nothing was fitted: a run that stays bounded
    (kind ``bounded``: its window is where it settled on a cycle or in a band), and a kind
    faster than linear with no fitted order (its window is where the kind was read; the
    quadratic report's BFGS, whose per-step table said "nothing fitted" while the figure
    shaded k = 4–7 as the window "where the rate, or the order of a faster kind, was
    fitted")."""
    if _field(m, "kind") == "bounded":
        return None
    if _field(m, "kind") in ("quadratic", "superlinear") and not order_printed(m):
        return None
    return printed_window(m)


def _contradiction(m: Measurement) -> str | None:
    """What makes kind, rate, order and the kind's own fields contradict each other."""
    if m.kind == "linear" and not (m.rate is not None and 0.0 < m.rate < 1.0):
        return "a linear kind needs a rate in (0, 1)"
    if m.kind == "linear" and m.order not in (None, 1.0):
        return "a linear kind has order 1"
    if m.kind in ("quadratic", "superlinear"):
        if m.rate is not None:
            return "ratios tending to 0 have no linear rate"
        if m.order is not None and not m.order > 1.0:
            return "an order <= 1 is not superlinear"
    if m.kind == "finite" and m.finite_steps is None:
        return "finite_steps is required"
    if m.kind != "none" and m.stalled is not None:
        return "a run that stalled has no convergence kind"
    if m.kind == "bounded" and m.band is None:
        return "band is required"
    if m.kind not in ("linear", "diverges") and m.rate is not None:
        return "only a linear or diverging run has a rate"
    return None


def _batch_means(values: NDArray[np.float64], batches: int = 20) -> tuple[float, float | None]:
    """Mean and batch-means standard error (None with fewer than 2 points per batch)."""
    m = float(np.mean(values))
    if values.size < 2 * batches:
        return m, None
    size = values.size // batches
    bm = values[values.size - size * batches:].reshape(batches, size).mean(axis=1)
    return m, float(np.std(bm, ddof=1) / math.sqrt(batches))


def _limit_point(p: NDArray, x_star: NDArray, floor: float) -> tuple[float, float] | None:
    """``(distance ||x_K - x*||, estimated remaining distance to the limit)`` when the iterates
    converge to a point visibly different from ``x*`` (else None)."""
    d_lim = float(np.linalg.norm(p[-1] - x_star))
    if not math.isfinite(d_lim) or d_lim <= floor or p.shape[0] < 4:
        return None
    s = step_lengths(p)
    big = np.flatnonzero(s > default_floor(float(np.linalg.norm(p[-1]))))
    if big.size == 0:
        return d_lim, 0.0
    j = int(big[-1])
    seg = s[max(0, j - 10):j + 1]
    seg = seg[seg > 0]
    if seg.size < 3:
        return None
    r = float(np.median(seg[1:] / seg[:-1]))
    remaining = s[j] * r / (1.0 - r) if r < 1.0 else math.inf
    return (d_lim, remaining) if remaining <= 0.1 * d_lim else None


def _sublinear(l: NDArray[np.float64], start: int) -> tuple[float, float] | None:
    """``(p, k0)`` if ``l[start:]`` decays like ``-p ln(k + k0)`` (module docstring rule);
    ``k0`` is the median of ``p/d_i - k_i`` over the blocks."""
    h = l[start:]
    if h.size < 12:
        return None
    m = max(4, min(8, h.size // 3))
    edges = np.linspace(0, h.size, m + 1).astype(int)
    d = np.array([-robust_slope(h[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)])
    centers = start + (edges[:-1] + edges[1:] - 1) / 2.0
    if np.any(~np.isfinite(d)) or np.any(d <= 0):
        return None
    increases = int(np.sum(np.diff(d) > 0))
    if d[-1] > 0.8 * d[0] or increases > 1 or math.exp(-d[-1]) <= 0.9:
        return None
    inv = 1.0 / d
    slopes = [(inv[j] - inv[i]) / (centers[j] - centers[i])
              for i in range(m) for j in range(i + 1, m)]
    slope = float(np.median(slopes))
    if not slope > 0:
        return None
    p = 1.0 / slope
    return p, float(np.median(p * inv - centers))


def _decay_slope(e2: NDArray[np.float64], k0: int, blocks: int = 20) -> tuple[float, float]:
    """OLS slope of ln(block mean of e^2) against ln(block centre) and its standard error."""
    edges = np.linspace(0, e2.size, blocks + 1).astype(int)
    pairs = list(zip(edges[:-1], edges[1:], strict=True))
    bm = np.array([e2[a:b].mean() for a, b in pairs])
    bc = np.array([k0 + (a + b - 1) / 2.0 for a, b in pairs])
    x, y = np.log(np.maximum(bc, 1.0)), np.log(np.maximum(bm, 1e-300))
    slope, icpt = np.polyfit(x, y, 1)
    resid = y - (slope * x + icpt)
    sxx = float(np.sum((x - x.mean()) ** 2))
    se = math.sqrt(float(np.sum(resid**2)) / (blocks - 2) / sxx) if sxx > 0 else math.inf
    return float(slope), se


def _measure_stochastic(e: NDArray, K: int, notes: list[str]) -> Measurement:
    t0 = (K + 1) // 2
    e2 = e[t0:] ** 2
    level, se = _batch_means(e2)
    k1 = max(1, K // 10)
    trend = e[k1:] ** 2
    if trend.size >= 80:
        slope, slope_se = _decay_slope(trend, k1)
    else:
        slope, slope_se = 0.0, math.inf
        notes.append("stochastic: too few points for a trend test")
    if slope < -0.2 and slope + 3.0 * slope_se < 0.0:
        k = np.arange(t0, K + 1, dtype=float)
        c, c_se = _batch_means(e2 * k)
        notes.append(
            f"stochastic: E|e|^2 decays like k^{fmt(slope, 3)} (± {fmt(slope_se, 2)}); "
            "C = mean(k e_k^2) "
            "over the last half (batch-means SE is optimistic when the correlation time grows)"
        )
        return Measurement("sublinear", None, None, (t0, K), K, None, notes, -slope / 2.0,
                           level, se, c, c_se, settled=True)
    reason = "stochastic: stationary error level (mean of e^2 over the last half), no decay"
    notes.append(reason)
    return Measurement("none", None, None, (t0, K), K, None, notes, None, level, se,
                       settled=True, reason=reason)


def _not_convergent(
    p: NDArray[np.float64], e: NDArray[np.float64], K: int, fl: float,
    xs: NDArray[np.float64] | None, stochastic: bool, notes: list[str],
) -> Measurement | None:
    """The measurements decided before any rate is fitted, in this order: divergence (a
    non-finite error), the noise level of a stochastic run, a cycle or a band (bounded), a
    growing error (divergence); None when the run may converge."""
    if not np.all(np.isfinite(e)):
        return _measure_divergence(p, e, K, fl, notes)
    if stochastic:
        if xs is None:
            raise ValueError("stochastic measurement needs x_star")
        return _measure_stochastic(e, K, notes)
    cyc = detect_cycle(p)
    if cyc is not None:
        return _bounded(cyc, e, K, notes)
    band = detect_band(p, e, fl)
    if band is not None:
        return _bounded(band, e, K, notes)
    if detect_divergence(e, floor=fl):
        return _measure_divergence(p, e, K, fl, notes)
    return None


def _usable_limit_point(
    p: NDArray[np.float64], lim: tuple[float, float] | None, notes: list[str]
) -> tuple[float, float] | None:
    """``lim`` = (d_lim, remaining) unless switching the reference to ``x_K`` would leave
    fewer than 3 errors above the floor ``max(default_floor(|x_K|), 1e3 * remaining)`` (a
    remaining distance above every error: the errors stay measured to x*)."""
    if lim is None or not lim[1] > 0:
        return lim
    floor = max(default_floor(float(np.linalg.norm(p[-1]))), 1e3 * lim[1])
    if valid_length(errors(p, p[-1]), floor) >= 3:
        return lim
    notes.append(f"the iterates may approach a point at distance {fmt(lim[0], 3)} from x*, but its "
                 f"estimated remaining distance {fmt(lim[1], 3)} leaves fewer than 3 errors above "
                 "the resulting floor: errors measured to x*")
    return None


def _to_limit_point(
    p: NDArray[np.float64], lim: tuple[float, float], notes: list[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Switch the reference to the final iterate ``x_K`` (the run converges to a point at
    distance ``d_lim`` from x*): ``x* <- x_K``, ``e_k = |x_k - x_K|`` and floor
    ``max(default_floor(|x_K|), 1e3 * remaining)``."""
    d_lim, remaining = lim
    notes.append(
        f"iterates converge to a point at distance {fmt(d_lim, 3)} from x* (inexact x* or "
        "a valley of minimizers): errors measured to the final iterate"
    )
    xs = p[-1].copy()
    e = errors(p, xs)
    fl = max(default_floor(float(np.linalg.norm(xs))), 1e3 * remaining)
    return xs, e, fl


def _errors_and_floor(p: NDArray[np.float64], xs: NDArray[np.float64] | None,
                      floor: float | None, notes: list[str]) -> tuple[NDArray[np.float64], float]:
    """The errors ``|x_k - x*|`` (step lengths when there is no x*, a note says so) and the
    floor: ``floor``, else :func:`default_floor` of ``|x*|``."""
    scale = 0.0 if xs is None else float(np.linalg.norm(xs))
    if xs is None:
        notes.append("no x*: step lengths |x_(k+1)-x_k| used as the error proxy")
    return errors(p, xs), default_floor(scale) if floor is None else float(floor)


def _limit_or_stall(
    p: NDArray[np.float64], xs: NDArray[np.float64], fl: float, isolated: bool,
    notes: list[str],
) -> tuple[tuple[float, float] | None, float | None]:
    """``(lim, stalled)`` for iterates converging to a point visibly different from x*
    (:func:`_limit_point`): the limit point to measure the errors to (``lim``, when x* may be
    inexact or lie in a valley: :func:`_usable_limit_point`), or, when x* is exact and
    ``isolated``, the distance at which the run stalled (``stalled``); ``(None, None)`` when
    the iterates do not converge to another point."""
    found = _limit_point(p, xs, fl)
    if isolated:
        return None, None if found is None else found[0]
    return _usable_limit_point(p, found, notes), None


def _unfinished(e: NDArray[np.float64], n: int, fl: float, stopped: str | None,
                to_point: bool) -> str | None:
    """Why a run whose ``n`` errors all lie above the floor ``fl`` (no plateau) has no kind:
    too short (fewer than 4 errors: at least 3 ratios are needed to tell a kind), or its
    method ``stopped`` it with the last error to x* (``to_point``: not the step-length proxy)
    above ``FLOOR_BAND`` floors -- the errors did not converge, so no convergence kind
    describes them.  None when neither."""
    if n < 4:
        return (f"too short to measure: the run stopped after {n - 1} iterations, above the "
                "floor (at least 3 ratios are needed to tell a kind)")
    if stopped is not None and to_point and e[n - 1] > FLOOR_BAND * fl:
        return (f"the run stopped ({stopped}) {fmt(e[n - 1], 2)} from x*, above the rounding floor "
                f"{fmt_floor(fl)}: its errors did not converge, no convergence kind")
    return None


#: the error still falls over a run's last quarter when it drops by more than this share
#: of itself there (:func:`still_falling`)
FALLING_RTOL = 0.01


def still_falling(e: NDArray[np.float64]) -> tuple[int, float, float] | None:
    """``(k, e_k, e_K)`` with k = ⌊3K/4⌋ when the error still falls over the last quarter of
    the run, e_K < (1 − :data:`FALLING_RTOL`)·e_k (the run ended on its way, not stalled:
    Adam on the chained Rosenbrock function, 2.27 at k = 750, 2.06 at k = 1000); else None."""
    K = e.size - 1
    k = (3 * K) // 4
    if K < 4 or not (np.isfinite(e[k]) and np.isfinite(e[K])):
        return None
    return (k, float(e[k]), float(e[K])) if e[K] < (1.0 - FALLING_RTOL) * e[k] else None


def _stall(d_lim: float, notes: list[str], e: NDArray[np.float64] | None = None,
           **kw: Any) -> Measurement:
    """Kind ``none`` of a run whose iterates converge to a point ``d_lim`` from x*, an exact,
    isolated critical point: neither an inexact x* nor a valley of minimizers explains the
    gap, so the run stalled there; its errors to x* level off at ``d_lim``, no rate is fitted.
    When the errors ``e`` still fall over the run's last quarter (:func:`still_falling`) the
    run ended on its way to that point: the reason says so, not "stalled"."""
    falling = None if e is None else still_falling(e)
    if falling is not None:
        k, ek, eK = falling
        return _none(f"{fmt(d_lim, 2)} from x*, still decreasing: the error fell from "
                     f"{fmt(ek, 3)} at k = {k} to {fmt(eK, 3)} at k = {e.size - 1}, its steps "
                     "shrinking toward a point other than x* (an exact, isolated critical "
                     "point); no rate", notes, stalled=d_lim, falling=falling, **kw)
    return _none(f"stalled {fmt(d_lim, 2)} from x*: the iterates converge to a point there, not to "
                 "x* (an exact, isolated critical point); no rate", notes, stalled=d_lim, **kw)


def _cut_plateau(
    p: NDArray[np.float64], e: NDArray[np.float64], n: int, notes: list[str]
) -> tuple[int, int | None]:
    """``(n, pl)``: a plateau of the error from iteration ``pl`` (None: none, or the iterates
    still move) is treated as a floor, and the window ends at the first ``k`` with
    ``e_k <= 10 * max(e over the last quarter)`` (0 if the plateau starts at 0)."""
    pl = plateau_start(e[:n])
    if pl is not None and not _rounding_level(p[pl:n]):
        notes.append(f"the error stalls from iteration {pl} while the iterates still move: "
                     "not a rounding floor")
        pl = None
    if pl is not None:
        top = float(np.max(e[(3 * n) // 4:n]))
        notes.append(f"error stagnates near {fmt(top, 3)} from iteration {pl}: treated as a floor")
        n = int(np.flatnonzero(e[:n] <= 10.0 * top)[0]) if pl > 0 else 0
    return n, pl


def _sublinear_fit(
    e: NDArray[np.float64], l: NDArray[np.float64], d: NDArray[np.float64], n: int,
    notes: list[str],
) -> tuple[float, float] | None:
    """The sublinear law ``(exponent, k0)`` fitted from ``n // 2`` on to ``l = log e``; when at
    least a quarter of the late decrements ``d = -diff(l)`` are negative (an oscillating error)
    and ``l`` itself fits none, the fit is tried on the upper envelope ``max_(j>=k) e_j``."""
    sub = _sublinear(l, n // 2)
    if sub is None and np.mean(d[(n - 1) // 2:] < 0) >= 0.25:
        sub = _sublinear(np.log(suffix_max(e[:n])), n // 2)
        if sub is not None:
            notes.append("the error oscillates: sublinear test on its upper envelope "
                         "max_(j>=k) e_j")
    return sub


def _sublinear_measurement(
    p: NDArray[np.float64], xs: NDArray[np.float64] | None, n: int, sub: tuple[float, float],
    notes: list[str], base: dict[str, Any],
) -> Measurement:
    """A sublinear measurement over the window ``[n // 2, n - 1]``; the exponent of the law
    ``(k + k0)^-a`` is dropped when ``(n - 1 + k0) / (n // 2 + k0) < SUBLINEAR_SPAN``."""
    a = n // 2
    expo, k0 = sub
    span = (n - 1 + k0) / (a + k0) if a + k0 > 0 else math.inf
    notes.append("decay slows like 1/k: sublinear (exponent from the slope of 1/d vs k)")
    if span < SUBLINEAR_SPAN:
        notes.append(f"exponent not determined: the fitted law (k + {fmt(k0, 3)})^-{fmt(expo, 3)} "
                     f"spans only a factor {fmt(span, 3)} in k + k0 over the window")
        expo = None
    osc = oscillation(p, xs, window=(a, n - 1)).oscillating
    return Measurement("sublinear", None, None, (a, n - 1), oscillating=osc,
                       notes=notes, exponent=expo, settled=True, **base)


def _peaks_rising(e: NDArray[np.float64], window: tuple[int, int]) -> str | None:
    """Why a fitted line through the errors of ``window`` is no rate, or None: the largest
    error of the window's last quarter is at least that of its first quarter, so the error
    does not fall, whatever the fit through its swings says (Adam with a constant step on
    Rosenbrock: errors sawing between 1e−5 and 0.06–0.08 with rising peaks were fitted
    ρ = 0.99992)."""
    a, b = window
    seg = e[a:b + 1]
    q = len(seg) // 4
    if q < 1:
        return None
    first, last = float(np.max(seg[:q])), float(np.max(seg[-q:]))
    if last < first:
        return None
    return (f"the error does not fall over the window [{a}, {b}]: its largest value is "
            f"{fmt(first, 3)} in the first quarter and {fmt(last, 3)} in the last (it swings "
            f"between {fmt(float(np.min(seg)), 3)} and {fmt(float(np.max(seg)), 3)}): no rate")


def cycle_fit(err: ArrayLike, m: int, *, floor: float, settle_rtol: float = SETTLE_RTOL
              ) -> LinearFit | None:
    """The linear fit of a method restarted every ``m`` steps, read on its cycles: its window
    ends where :func:`linear_fit`'s does, at ``z``, and holds the errors once per cycle that
    window spans, ``e_b, e_(b+m), …, e_z`` (at least two); its rates (robust and least
    squares) are their fitted cycle factor to the power ``1/m``, per step.  Within a cycle
    slow and fast steps alternate, and a fit through every step misreads the cycle.  None
    when :func:`linear_fit` finds no window."""
    e = np.asarray(err, dtype=float)
    fit = linear_fit(e, floor=floor, settle_rtol=settle_rtol)
    if fit is None:
        return None
    a, z = fit.window
    b = max(z - m * max(1, (z - a) // m), z % m)
    seg = np.log(e[b:z + 1:m])
    return LinearFit(rate=math.exp(robust_slope(seg) / m), window=(b, z),
                     rate_lstsq=math.exp(lstsq_slope(seg) / m), settled=fit.settled,
                     spread=line_spread(seg))


def _linear_measurement(
    p: NDArray[np.float64], xs: NDArray[np.float64] | None, e: NDArray[np.float64], fl: float,
    settle_rtol: float, notes: list[str], base: dict[str, Any], restart: int | None = None,
) -> Measurement:
    """The linear rate of the errors ``e`` above the floor (:func:`linear_fit`; for a method
    restarted every ``restart`` steps, :func:`cycle_fit`, ``ratio_step`` the period); none
    when the fitted rate is not below 1 or the window has fewer than ``MIN_WINDOW`` points
    (after the ratios seen by :func:`_falling_tail`, when it saw an acceleration they did not
    bear out)."""
    m = _linear_or_none(p, xs, e, fl, settle_rtol, notes, base, restart)
    unborne = next((x for x in notes if x.startswith(UNBORNE)), None)
    if m.kind == "none" and unborne is not None:  # the reason says what was seen, and why
        return replace(m, reason=f"{unborne}; {m.reason}")
    return m


def _linear_or_none(
    p: NDArray[np.float64], xs: NDArray[np.float64] | None, e: NDArray[np.float64], fl: float,
    settle_rtol: float, notes: list[str], base: dict[str, Any], restart: int | None = None,
) -> Measurement:
    """:func:`_linear_measurement` before its reason is completed."""
    fit = (linear_fit(e, floor=fl, settle_rtol=settle_rtol) if restart is None
           else cycle_fit(e, restart, floor=fl, settle_rtol=settle_rtol))
    long_window = fit is not None and fit.window[1] - fit.window[0] + 1 >= MIN_WINDOW
    if fit is None or not fit.rate < 1.0:
        return _none("no decrease of the error over the asymptotic window", notes, **base)
    if abs(fit.rate_lstsq - fit.rate) > 0.01 * fit.rate:
        notes.append(
            f"robust rate {fmt(fit.rate, 6)} and least-squares rate {fmt(fit.rate_lstsq, 6)} "
            "differ by "
            "more than 1% (oscillation or transient in the window)"
        )
    if not long_window:
        return _none(f"the linear fit's window (past the transient), "
                     f"e_{fit.window[0]}–e_{fit.window[1]}, has fewer than {MIN_WINDOW} "
                     f"points: no reliable rate (robust fit {fmt(fit.rate, 4)})", notes, **base)
    rising = _peaks_rising(e, fit.window)
    if rising is not None:
        return _none(rising, notes, **base)
    if not fit.settled:
        notes.append("local rate still drifting: the asymptotic phase may not have been reached")
    if restart is not None:
        a, z = fit.window
        ks = list(range(a, z + 1, restart))
        seen = (", ".join(f"e_{k}" for k in ks) if len(ks) <= 4 else
                f"e_{ks[0]}, e_{ks[1]}, e_{ks[2]} and so on to e_{z}")
        notes.append(f"the linear rate is read per step on its {steps_name(restart)} restart "
                     f"cycles: fitted on the errors once per cycle, {seen}, as (cycle "
                     f"factor)^(1/{restart}) = {fmt(fit.rate, 6)}")
    osc = oscillation(p, xs, window=fit.window).oscillating
    return Measurement("linear", fit.rate, 1.0, fit.window, oscillating=osc, notes=notes,
                       settled=fit.settled, rate_lstsq=fit.rate_lstsq, spread=fit.spread,
                       ratio_step=restart,
                       **base)


def measure(
    path: ArrayLike,
    x_star: ArrayLike | None,
    *,
    fun: ArrayLike | None = None,
    fun_star: float | None = None,
    floor: float | None = None,
    stochastic: bool = False,
    settle_rtol: float = SETTLE_RTOL,
    restart: int | None = None,
    isolated: bool = False,
    stopped: str | None = None,
    exact: bool = False,
) -> Measurement:
    """Measured kind, rate, order and window of a run (rules in the module docstring).

    ``path``: iterates ``(K+1, n)``; ``x_star``: the critical point (``None``: step lengths are
    used as the error proxy); ``fun``/``fun_star``: function values along the path and the
    optimal value (adds the rate of ``f - f*``); ``floor``: override of the rounding floor (it
    also disables the switch to the limit point ``x_K``); ``stochastic``: measure the
    noise-driven error level instead of a rate; ``restart``: the method's restart period m (it
    restarts every m steps, as nonlinear CG every n): a fast kind is then read on its m-step
    ratios alone (:func:`restart_ratios`); ``isolated``: ``x_star`` is an exact, isolated
    critical point (not rounded, not one point of a continuum), so iterates that converge to
    another point stalled there (:func:`_stall`) and errors stay measured to ``x_star``;
    ``stopped``: why the method stopped the run before its iteration limit, in words (``its
    line search failed``), None when it did not (:func:`_unfinished`); ``exact``: ``x_star``
    is exact and exactly representable in floating point (:func:`float_exact`), so the
    errors below the floor are exact distances that a too short fast phase may be read on
    (:func:`_exact_tail`).

    With an optimizer result pass ``res.path``; for row i of a batch result pass
    ``batch.path[i, :batch.nit[i] + 1]`` — the rows after a start's last iterate are NaN
    padding and would otherwise read as divergence.
    """
    p = as_path(path)
    K = p.shape[0] - 1
    notes: list[str] = []
    xs = None if x_star is None else np.broadcast_to(
        np.asarray(x_star, dtype=float).ravel(), (p.shape[1],))
    e, fl = _errors_and_floor(p, xs, floor, notes)
    if K == 0:
        return _none("a single iterate: no iterations to measure", notes, iterations=0)

    early = _not_convergent(p, e, K, fl, xs, stochastic, notes)
    if early is not None:
        return early

    lim = None
    if xs is not None and floor is None:
        lim, stalled = _limit_or_stall(p, xs, fl, isolated, notes)
        if stalled is not None:
            return _stall(stalled, notes, e, iterations=K, fun_rate=_fun_rate(fun, fun_star))
        if lim is not None:
            xs, e, fl = _to_limit_point(p, lim, notes)

    n = valid_length(e, fl)
    floor_index = n if n < e.size else None
    fun_rate = _fun_rate(fun, fun_star)
    base = dict(iterations=K, floor_index=floor_index, fun_rate=fun_rate)
    if n == 0:
        where = "the minimizer" if lim is None else "the point the run stays at"
        return _none(f"the first iterate is already at {where} (error at or below the floor "
                     f"{fmt(fl, 3)})", notes, **base)
    if floor_index is not None:
        k = _finite_steps(e, n, fl)
        if k is not None:
            notes.append(f"error falls from {fmt(e[n - 1], 3)} to the floor {fmt(fl, 3)} in "
                         f"one step at iteration {k}, far faster than the steps before: terminated")
            return Measurement("finite", window=(0, k), notes=notes, finite_steps=k,
                               settled=True, **base)
    n, pl = _cut_plateau(p, e, n, notes)
    if n < 3:
        where = "the plateau" if pl is not None else "the floor"
        return _none(f"only {plural(n, 'point')} above {where}: no asymptotic phase", notes, **base)
    if floor_index is None and pl is None:
        why = _unfinished(e, n, fl, stopped, xs is not None)
        if why is not None:
            return _none(why, notes, **base)

    l = np.log(e[:n])
    d = -np.diff(l)
    seen = len(notes)
    if restart is not None and restart >= 2:
        fast = _restart_tail(e, d, n, fl, restart, notes, base)
    else:
        fast = _falling_tail(e, d, n, fl, notes, base)
    if fast is not None:
        return fast
    cyclic = restart is not None and restart >= 2
    m = _slower_kinds(p, xs, e, l, d, n, fl, settle_rtol, notes, base, fast=not cyclic,
                      restart=restart if cyclic else None)
    if m.kind != "none" or floor_index is None:
        return m
    deep = _exact_tail(e, n, fl, _deep_floor(xs, exact and lim is None and not cyclic),
                       notes[:seen], notes[seen:], base)
    return deep if deep is not None else _fast_undecided(m, e, n, fl, restart, notes[seen:])


def _deep_floor(xs: NDArray[np.float64] | None, exact: bool) -> float | None:
    """:func:`exact_floor` of ``xs`` when ``exact`` (x* exact and exactly representable, the
    errors still measured to it, the method not restarted), else None."""
    return exact_floor(xs) if exact and xs is not None else None


def _thirds(r: NDArray[np.float64]) -> tuple[list[NDArray[np.int_]], list[float]]:
    """The indices of ``r`` split in three runs of consecutive entries, and the largest of
    each."""
    parts = np.array_split(np.arange(r.size), 3)
    return parts, [float(np.max(r[p])) for p in parts]


def ratio_thirds(ratios: ArrayLike, ks: ArrayLike) -> str:
    """``k = 4–8, k = 9–13, k = 14–17, 0.0377, 1.58e-05, 6.15e-08``: the ratios ``ratios`` (at
    iterations ``ks``) split in three runs of consecutive ratios, and the largest of each."""
    k = np.asarray(ks)
    parts, tops = _thirds(np.asarray(ratios, dtype=float))
    return (", ".join(f"k = {k_list(k[p])}" for p in parts) + ", "
            + ", ".join(fmt(t, 3) for t in tops))


def thirds_fall(ratios: ArrayLike, ks: ArrayLike) -> str | None:
    """How the ratios ``ratios`` (at iterations ``ks``) keep falling through a long run: split
    in three runs of consecutive ratios (:func:`ratio_thirds`), the largest of each third is
    at most :data:`RATIO_FALL` of the largest of the third before; None when not (or fewer
    than 6 ratios).  A fixed tiny rate passes a test of halves when it cycles (L-BFGS on
    0.1x² + 2y² below the floor: 0.000147, 4.35e−08, 1.06e−05, 3.06e−08, again and again):
    each third then holds a whole cycle, and their largest do not fall."""
    r = np.asarray(ratios, dtype=float)
    if r.size < 6:
        return None
    _, tops = _thirds(r)
    if not all(b <= RATIO_FALL * a for a, b in zip(tops, tops[1:], strict=False)):
        return None
    return f"the largest of the thirds {ratio_thirds(r, ks)}, each ≤ 1/4 of the one before"


def _exact_tail(e: NDArray[np.float64], n: int, fl: float, exact_fl: float | None,
                notes: list[str], seen: list[str], base: dict[str, Any]
                ) -> Measurement | None:
    """A quadratic or superlinear measurement of a run whose last steps accelerate but whose
    ratios above the rounding floor ``fl`` are too few to tell superlinear from fast linear:
    its ratios from the start of that acceleration (rules A/B/B2, :func:`_superlinear_tail`)
    read by the same test (:func:`falling_ratios`) on its errors down to ``exact_fl``
    (:func:`exact_floor`; x* exact and exactly representable, so these errors are exact
    distances, not rounding noise); the window stays the fast phase above the floor (to
    ``e_(n-1)``, as every fast kind's), and the evidence says which errors were read and
    prints them, so that the ratios it gives can be recomputed from the page.
    None when those errors add none or the ratios do not fall toward 0 on them either (nor
    keep falling through the thirds of the tail, :func:`thirds_fall`); or when
    ``exact_fl`` is None (x* not exact) or no note of ``seen`` (the notes of the reading
    above the floor) begins with ``UNBORNE``; ``notes``: the notes before that reading."""
    if exact_fl is None or not any(note.startswith(UNBORNE) for note in seen):
        return None
    deep = valid_length(e, exact_fl)
    s = _superlinear_tail(-np.diff(np.log(e[:n])))
    if deep <= n or s is None:
        return None
    kept = list(notes)
    m = _ratios_from(e, s, n, fl, kept, base, read=deep)
    if m is None:
        return None
    ks = np.arange(s, deep - 1)
    thirds = thirds_fall(e[s + 1:deep] / e[s:deep - 1], ks)
    if thirds is None:  # a long tail of ratios that level off or cycle: not read as falling
        return None
    limit = (f"down to 10³·ε·‖x*‖ = {fmt_floor(exact_fl)}" if exact_fl > 0
             else "on x* = 0 their rounding is a relative ε")
    below = ", ".join(fmt(float(x), 3) for x in e[n:deep])
    used = (f"{thirds}; the errors below the rounding floor {fmt_floor(fl)}, "
            f"e_{n}–e_{deep - 1} ({below}), which every fit window leaves out, are read here "
            "too: x* is exact in floating point, so they are exact distances, not rounding noise "
            f"({limit})")
    kept[kept.index(m.evidence)] = f"{m.evidence}; {used}"
    return replace(m, evidence=f"{m.evidence}; {used}", notes=kept, read_to=deep - 1)


def _fast_undecided(m: Measurement, e: NDArray[np.float64], n: int, fl: float,
                    restart: int | None, seen: list[str]) -> Measurement:
    """A measurement ``m`` of kind ``none`` whose error reached the rounding floor, with its
    ``fast_ratio`` when it has one: for a method restarted every ``restart`` steps, read on
    its restart cycles (:func:`_restart_fast`); else, when a per-step rule saw the last
    steps accelerate (a note of ``seen`` begins with ``UNBORNE``), the largest of its last
    three ratios ``e_(k+1)/e_k`` (``fast_steps``: their first and last k), if < 1."""
    if restart is not None and restart >= 2:
        return _restart_fast(m, e, n, fl, restart)
    if any(note.startswith(UNBORNE) for note in seen):
        lo = max(0, n - 4)
        top = float(np.max(e[lo + 1:n] / e[lo:n - 1]))
        if top < 1.0:
            return replace(m, fast_ratio=top, fast_steps=(lo, n - 2),
                           fast_from=first_fast_step(e, lo, n))
    return m


def _restart_fast(m: Measurement, e: NDArray[np.float64], n: int, fl: float,
                  h: int) -> Measurement:
    """A measurement ``m`` of kind ``none`` of a method restarted every ``h`` steps whose error
    reached the rounding floor, with its ``fast_ratio`` read on its restart cycles: the
    largest per-step mean ``r_i^(1/h)`` of the ``h``-step ratios ``r_i`` of its last blocks
    (:func:`restart_ratios`), when all are < 1 (``ratio_step`` h, and a note that gives them);
    its per-step ratios, slow and fast steps in turn within a cycle, are no measure of it.
    Else ``m`` unchanged."""
    b, r = block_ratios(e, band_entry(e, n, fl), h)
    if r.size < 2 or not np.all((r > 0) & (r < 1)):
        return m
    per = r ** (1.0 / h)
    top = float(np.max(per))
    ks = b + h * np.arange(r.size)
    seen = ", ".join(f"{fmt(v, 3)}^(1/{h}) = {fmt(w, 3)} at k = {k}"
                     for k, v, w in zip(ks, r, per, strict=True))
    m.notes.append(f"the error reached the rounding floor after the {steps_name(h)} ratios "
                   f"e_(k+{h})/e_k of its last blocks of {h} steps (the restart period: "
                   f"{RESTART_WORDS.format(m=h)}), read "
                   f"per step as r^(1/{h}): {seen}; the fast ratio is the largest, {fmt(top, 3)}: "
                   "at least linear at that rate per step, superlinear or not")
    return replace(m, fast_ratio=top, ratio_step=h)


def _slower_kinds(
    p: NDArray[np.float64], xs: NDArray[np.float64] | None, e: NDArray[np.float64],
    l: NDArray[np.float64], d: NDArray[np.float64], n: int, fl: float, settle_rtol: float,
    notes: list[str], base: dict[str, Any], fast: bool = True, restart: int | None = None,
) -> Measurement:
    """The kinds :func:`measure` tries once the ratios do not decide a fast one: sublinear,
    rule C (a jump of the error envelope), rule D (accelerating thirds), else linear or
    none; without C and D when not ``fast`` (a method restarted every ``restart`` steps, its
    linear rate read on its cycles: :func:`cycle_fit`)."""
    sub = _sublinear_fit(e, l, d, n, notes)
    if sub is not None:
        return _sublinear_measurement(p, xs, n, sub, notes, base)
    if not fast:
        return _linear_measurement(p, xs, e[:n], fl, settle_rtol, notes, base, restart)
    jump = envelope_jump(e[:n])
    if jump is not None:
        j, h = jump
        why = _jump_note(e[:n], j, h)
        notes.append(why)
        end = _band_landing(e, j, h, n, fl, notes)
        m = _superlinear(e, n if end is None else end + 1, j, fl, notes, base)
        return replace(m, band_from=end, evidence=why)
    thirds = accelerating_thirds(e[:n])
    if thirds is not None:
        j, t, (r1, r2, r3) = thirds
        low = np.minimum.accumulate(e[:n])[j - t::t]  # the running minimum at the block ends
        notes.append(f"the mean ratio per step keeps falling over the last half: {fmt(r1, 3)}, "
                     f"{fmt(r2, 3)} and {fmt(r3, 3)} over iterations {j - t}–{j}, {j}–{j + t} and "
                     f"{j + t}–{j + 2 * t} (each block at least as fast as the one before, "
                     "the last ≤ the square of the middle one and ≤ 1/2; each mean is "
                     f"(b/a)^(1/{t}) for the smallest errors so far a, b at the block's ends: "
                     f"{', '.join(fmt(v, 3) for v in low[:-1])} and {fmt(low[-1], 3)} at "
                     f"iterations {j - t}, {j}, {j + t} and {j + 2 * t}): superlinear")
        note = notes[-1]
        return replace(_superlinear(e, n, j, fl, notes, base), evidence=note,
                       read_from=j - t)
    return _linear_measurement(p, xs, e[:n], fl, settle_rtol, notes, base)


def _falling_tail(e: NDArray[np.float64], d: NDArray[np.float64], n: int, fl: float,
                  notes: list[str], base: dict[str, Any]) -> Measurement | None:
    """A quadratic or superlinear measurement when rules A/B/B2 (:func:`_superlinear_tail`)
    see the last steps accelerate and the ratios bear it out (:func:`falling_ratios`);
    else None, with a note when the rules saw an acceleration the ratios do not show."""
    s = _superlinear_tail(d)
    if s is None:
        return None
    fast = _ratios_from(e, s, n, fl, notes, base)
    if fast is not None:
        return fast
    r = e[n - 2] / e[n - 3] if n >= 3 else math.nan
    last = e[n - 1] / e[n - 2]
    half = RATIO_END_FALL * r
    here = (f"the last ratio, {fmt(last, 3)}, is not ≤ 1/2 × {fmt(r, 3)} = {fmt(half, 3)}"
            if last > half
            else f"the last ratio is {fmt(last, 3)}, after {fmt(r, 3)}")
    b, _, _, why_not = two_step_test(e, s, n)
    unlike = no_alternation(e[b + 1:n] / e[b:n - 1]) if n - b >= 4 else None
    lacks = (too_few_ratios((s, n - 2), first_fast_step(e, s, n))
             if base.get("floor_index") == n
             else "too few falling ratios to tell superlinear from fast linear")
    if unlike is not None:  # no two-step reading: only the per-step test applies
        notes.append(f"{UNBORNE} the ratios e_(k+1)/e_k, {_ratio_span(e, s, n, 1)}, do not "
                     "fall toward 0 to the end (that "
                     f"needs the last ratio ≤ 1/2 of the one before it; here {here}); a "
                     "reading of the two-step ratios e_(k+2)/e_k applies only when the per-step "
                     f"ratios alternate slow and fast, and here they do not ({unlike}): "
                     f"{lacks}")
        return None
    notes.append(f"{UNBORNE} neither the ratios e_(k+1)/e_k, {_ratio_span(e, s, n, 1)}, nor "
                 f"the two-step ratios e_(k+2)/e_k, {_ratio_span(e, b, n, 2)}, fall "
                 "toward 0 to the end (falling to the end needs the last "
                 "ratio ≤ 1/2 of the one before it, or, when the per-step ratios alternate "
                 "slow and fast, the last two-step ratio ≤ 1/2 of the one two steps before "
                 f"it; here {here}; and for the two-step ratios {why_not}): {lacks}")
    return None


def _ratios_from(e: NDArray[np.float64], s: int, n: int, fl: float, notes: list[str],
                 base: dict[str, Any], read: int | None = None) -> Measurement | None:
    """A quadratic or superlinear measurement when the ratios of ``e_0 .. e_(read-1)``
    (``read`` = ``n`` by default) from iteration ``s`` fall toward 0 (:func:`falling_ratios`),
    its evidence their note; else None.  The window, where the order is fitted, is the fast
    phase above the floor: from where the ratios are read (per step or over two steps; ``s``
    when that lies past the floor) to ``e_(n-1)``, the last error above the floor ``fl``."""
    read = n if read is None else read
    seen = falling_ratios(e, s, read)
    if seen is None:
        return None
    start, step, note = seen
    notes.append(note)
    blocks = None
    if step == 2:
        ks, chain = two_step_blocks(start, e[start + 2:read] / e[start:read - 2], read)
        blocks = tuple((int(k), float(v)) for k, v in zip(ks, chain, strict=True))
    first = start if start < n - 1 else s
    return replace(_superlinear(e, n, first, fl, notes, base), ratio_step=step,
                   evidence=note, blocks=blocks)


def _restart_tail(e: NDArray[np.float64], d: NDArray[np.float64], n: int, fl: float, m: int,
                  notes: list[str], base: dict[str, Any]) -> Measurement | None:
    """A quadratic or superlinear measurement of a method restarted every ``m`` steps when its
    ``m``-step ratios fall toward 0 at every block (:func:`restart_ratios`; ``ratio_step`` m, the
    window their blocks); else None, with a note when a per-step rule (A/B/B2, C or D) saw an
    acceleration those ratios do not bear out."""
    start, end, note, fast = restart_ratios(e, n, fl, m)
    if fast:
        notes.append(note)
        landed = end < n - 1
        if landed:
            notes.append(_band_note(e, start, end, n, fl, "the error enters the band"))
        b, r = block_ratios(e, end, m)
        blocks = tuple((int(b + m * i), float(v)) for i, v in enumerate(r))
        return replace(_superlinear(e, end + 1, start, fl, notes, base), ratio_step=m,
                       evidence=note, band_from=end if landed else None, blocks=blocks)
    if (_superlinear_tail(d) is not None or envelope_jump(e[:n]) is not None
            or accelerating_thirds(e[:n]) is not None):
        _, r = block_ratios(e, end, m)
        falls = f"; {pair_falls(r, m, True)}" if r.size >= 2 else ""
        notes.append(f"{UNBORNE} the method restarts every {m} steps and {note} do not fall "
                     f"toward 0 at every block (each ≤ 1/2 of the one before, the later "
                     f"ones ≤ 1/4 of the earlier{falls}): too few falling ratios to tell "
                     "superlinear from fast linear")
    return None


def suffix_max(err: ArrayLike) -> NDArray[np.float64]:
    """Upper envelope ``u_k = max_{j>=k} e_j`` (non-increasing; ``u = e`` for a decreasing
    sequence)."""
    e = np.asarray(err, dtype=float)
    return np.maximum.accumulate(e[::-1])[::-1]


def _rounding_level(points: NDArray[np.float64]) -> bool:
    """Whether the iterates span at most ``sqrt(eps) * max(1, |x|)`` (a stagnation at the
    rounding level, as opposed to iterates that keep moving)."""
    if points.shape[0] == 0:
        return True
    scale = max(1.0, float(np.max(np.linalg.norm(points, axis=1))))
    return diameter(points[-BAND_DIAMETER_POINTS:]) <= math.sqrt(EPS) * scale


def _none(reason: str, notes: list[str], **kw: Any) -> Measurement:
    notes.append(reason)
    return Measurement("none", notes=notes, reason=reason, **kw)


def _finite_steps(e: NDArray[np.float64], n: int, fl: float) -> int | None:
    """``n`` (the first iterate at the floor) when it is reached by an unexplained jump
    (module docstring rule ``finite``), else None."""
    if np.any(e[n:] > FLOOR_BAND * fl) or e[n - 1] <= 0:
        return None
    need = math.log(e[n - 1] / fl)
    d = -np.diff(np.log(e[:n]))
    before = float(np.max(d)) if d.size else 0.0
    if need >= math.log(1e3) and need >= FINITE_FACTOR * before:
        return n
    return None


def _superlinear(e: NDArray, n: int, s: int, fl: float, notes: list[str],
                 base: dict[str, Any]) -> Measurement:
    """Kind ``quadratic`` or ``superlinear`` from iteration ``s`` to ``n - 1``; the order where
    :func:`fit_order` determines it (``quadratic`` when ``q - 2 se <= 2.6`` and
    ``q + 2 se >= 1.8``: within two standard errors of ``QUADRATIC_ORDER``, the rule the
    comparison with a predicted order 2 uses)."""
    fit = fit_order(e[:n], floor=fl, start=s)
    lo, hi = QUADRATIC_ORDER
    order = se = window = None
    if fit is not None and fit.determined:
        order, se, window = fit.order, fit.se, fit.window
    elif fit is not None:
        notes.append(f"order not determined by the data (fit {fmt(fit.order, 3)}"
                     f"{one_se(fmt(fit.se, 2))}, over iterations "
                     f"{fit.window[0]}-{fit.window[1]})")
    else:
        notes.append("order not determined by the data (fewer than 4 points in the fast phase)")
    se2 = 2.0 * (se or 0.0)
    kind = ("quadratic" if order is not None and lo <= order + se2 and order - se2 <= hi
            else "superlinear")
    if kind == "quadratic" and not lo <= order <= hi:
        notes.append(f"order {fmt(order, 3)}{one_se(fmt(se, 2))} lies within two standard "
                     "errors "
                     f"of the quadratic band [{lo}, {hi}]: quadratic")
    return Measurement(kind, None, order, (s, n - 1), oscillating=False, notes=notes,
                       settled=n - s >= 4, order_se=se, order_window=window, **base)


def _bounded(b: Bounded, e: NDArray, K: int, notes: list[str]) -> Measurement:
    if b.period is None:
        notes.append(f"neither converging nor diverging: the iterates stay in a band of "
                     f"diameter {fmt(b.band, 3)} (error between {fmt(np.min(e[b.start:]), 3)} and "
                     f"{fmt(np.max(e[b.start:]), 3)})")
    else:
        notes.append(f"the iterates settle on a cycle of period {b.period} (diameter "
                     f"{fmt(b.band, 3)}) from iteration {b.start}")
    return Measurement("bounded", window=(b.start, K), iterations=K, notes=notes,
                       period=b.period, band=b.band, settled=True)


def _measure_divergence(p: NDArray, e: NDArray, K: int, fl: float,
                        notes: list[str]) -> Measurement:
    finite = np.flatnonzero(~np.isfinite(e))
    m = int(finite[0]) if finite.size else e.size
    ef = e[:m]
    if m >= 3 and np.all(ef > 0):
        top = int(np.argmax(ef >= 0.99 * np.max(ef)))
        l = np.log(ef[:top + 1])
        a, _ = _settled_window(l, 0.01) if l.size >= 3 else (0, False)
        rate = math.exp(robust_slope(l[a:])) if l.size - a >= 2 else None
        window: tuple[int, int] | None = (a, top)
    else:
        rate, window = None, None
    if finite.size:
        notes.append(f"non-finite iterate at k={m}")
    notes.append("error grows without bound (or the iterates left x*)")
    osc = oscillation(p[:m], None, window=window).oscillating if m >= 3 else None
    return Measurement("diverges", rate, None, window, K, osc, notes,
                       floor_index=None, settled=False)


def _fun_rate(fun: ArrayLike | None, fun_star: float | None) -> float | None:
    if fun is None or fun_star is None:
        return None
    gap = np.abs(np.asarray(fun, dtype=float) - float(fun_star))
    fit = linear_fit(gap, scale=max(1.0, abs(float(fun_star))))
    return None if fit is None else fit.rate
