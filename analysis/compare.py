"""Theory against measurement: one verdict and, when they differ, the likely reason.

Agreement rules (``rtol`` default 0.01):

* **exact linear** prediction: the measured kind must be ``linear`` and both the relative rate
  difference ``|r_m - r_p|/r_p`` and the relative *speed* difference
  ``|ln r_m - ln r_p|/|ln r_p|`` must be <= rtol (the second matters for rates near 1, where
  1% on the rate can be a 10x difference in iterations). When the dominant root is double
  (Polyak's and Nesterov's tuned parameters) ``||e_k|| ~ k r^k`` and a window ``[a, b]`` sees
  the mean ratio ``r ((b+1)/(a+1))^(1/(b-a))``; a measured rate in the band from ``r`` to that
  value agrees when its distance outside the band, relative to the nearer end, is <= rtol on
  both scales of the rate rule, ``rho`` and ``-ln rho`` (:func:`band_diff`); the comparison
  then records those two distances as ``rel_diff``/``speed_diff`` and the band as
  ``rate_band``, with a ``note``.
* **bounds** (``exact=False``: CG, line-search GD, L-BFGS, BFGS, random coordinate descent,
  first-order methods at a degenerate point with several zero eigenvalues or no leading
  order; with one, of order p, the exponent 1/(p − 2) is exact): the measurement agrees
  when it is at least as fast — a faster kind (order ``diverges < sublinear < linear <
  superlinear < quadratic < finite``) or the same kind with ``r_m <= r_p (1 + rtol)``. A
  measured ``none`` whose error fell to the floor too fast to tell superlinear from fast
  linear (``fast_ratio``: its last ratios; a restarted method's: the largest per-step mean
  ``r^(1/m)`` of its last m-step block ratios) meets a linear bound with no rate or a rate
  ``>= fast_ratio``: either kind is at least as fast.
* **finite** (Newton's unit step on a quadratic: 1 step; linear CG: at most the number of
  distinct eigenvalues): the run reached x* (measured kind ``finite``, or the error at the
  rounding floor) by iteration ``finite_steps + 1``.
* **order** (predicted order q >= 2: Newton's 2, or 3 when the third derivatives vanish):
  measured kind quadratic or superlinear with q_m in ``order_band(q)`` = ``[0.9 q, 1.3 q]``
  (widened by two standard errors of q_m; ``rel_diff`` = ``|q_m - q|/q``); outside that band
  with fewer than 5 points before the rounding floor: ``not comparable`` (pre-asymptotic
  estimate). A fast measurement without an order (the data do not determine one) or a floor
  reached in one jump agrees on the kind.
* **sublinear**: measured kind sublinear and, when both exponents exist, relative exponent
  difference <= ``exponent_rtol`` (default 0.1; sublinear exponents converge slowly; a bound
  also accepts a larger exponent).
* **diverges** (a saddle, or a fixed step past the stability limit: not convergent to x*):
  measured ``diverges`` agrees; measured ``bounded`` (a cycle or band) agrees unless f is
  quadratic (then the prediction is an exact blow-up). The note says which happened.
* **bounded** (constant-step subgradient method at a kink): measured ``bounded`` with a band no
  wider than the predicted ``2ηG/(1 − β)`` (rtol), or an iterate landing exactly on the kink.
* **stochastic** predictions: compare the stationary level ``E||e||^2`` (or the constant C in
  ``E||e_k||^2 ~ C/k``): agree when ``|m - p| <= max(rtol_level * p, STOCHASTIC_SE * SE)``
  (``rtol_level`` default 0.05, SE the batch-means standard error of the measurement).
* predicted ``none`` (adaptive methods, summable schedules, Hessian methods at a kink):
  ``not comparable`` with the prediction's reason; measured ``none``: ``not comparable`` with
  the measurement's reason.

Reasons for a disagreement, first match wins: no measurable phase -> "not yet in the asymptotic
regime" / "floating-point floor reached before the asymptotic phase"; degenerate minimizer;
"line search changed the step" (theory assumed the hyperparameter step, the run had a line
search); floor reached with a short window; window before ``valid_from`` or not settled -> "not
yet in the asymptotic regime"; different kinds -> "kind differs: predicted X, measured Y";
otherwise "rate differs: ...".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from analysis.empirical import (
    ORDER_BAND,
    QUADRATIC_ORDER,
    R_LINEAR_SPREAD,
    Measurement,
    halving,
    one_se,
    order_band,
    steps_name,
    too_few_ratios,
)
from analysis.theory import Prediction
from landscape.jsonutil import jsonable
from landscape.numfmt import fmt, fmt_rate, plural, rate_digits, round_out

SPEED = {"diverges": 0, "sublinear": 1, "linear": 2, "superlinear": 3, "quadratic": 4,
         "finite": 5}
MIN_WINDOW = 5

NOT_ASYMPTOTIC = "not yet in the asymptotic regime"
FLOOR_EARLY = "floating-point floor reached before the asymptotic phase"
DEGENERATE = "degenerate minimizer"
LINE_SEARCH = "line search changed the step"
STOCHASTIC = "stochastic: compare error levels, not rates"
#: A stochastic measurement agrees with theory within this many of its standard errors
#: (the one rule of every stochastic check: here and in the study's checks).
STOCHASTIC_SE = 4
SE_RULE = f"{STOCHASTIC_SE} standard errors"
NO_THEORY = "theory promises no rate for this method"
DOUBLE_ROOT = (
    "double root (Jordan block) in the iteration matrix: ‖e_k‖ ≈ C (k + 1) ρᵏ, the measured ratio "
    "approaches the rate ρ only like ρ(1 + 1/k)"
)


@dataclass
class Comparison:
    """Verdict of :func:`compare`.

    ``verdict`` is ``agrees``/``disagrees``/``not comparable``; ``agree`` is true only for
    ``agrees``; ``quantity`` names what was compared (``rate``, ``order``, ``exponent``,
    ``kind``, ``error_level``, ``error_constant``, ``finite_termination``) with
    ``predicted``/``measured`` values and ``rel_diff``; ``speed_diff`` is the relative
    difference of ``-ln(rate)``; ``measured_se`` the standard error of ``measured`` when it
    is a fitted order; ``reason`` is None when agreeing; ``note`` an optional remark on how
    agreement was reached; ``rate_band`` the band ``(rho, rho_eff)`` of a double root that
    decided a rate verdict (``rel_diff``/``speed_diff`` are then the distances outside it).
    """

    agree: bool
    verdict: str
    rel_diff: float | None = None
    reason: str | None = None
    quantity: str | None = None
    predicted: float | None = None
    measured: float | None = None
    speed_diff: float | None = None
    tolerance: float | None = None
    note: str | None = None
    measured_se: float | None = None
    rate_band: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return jsonable(
            {
                "agree": self.agree,
                "verdict": self.verdict,
                "rel_diff": self.rel_diff,
                "reason": self.reason,
                "quantity": self.quantity,
                "predicted": self.predicted,
                "measured": self.measured,
                "speed_diff": self.speed_diff,
                "tolerance": self.tolerance,
                "note": self.note,
                "measured_se": self.measured_se,
                "rate_band": None if self.rate_band is None else list(self.rate_band),
            }
        )


def verdict_band(c: Any) -> tuple[float, float] | None:
    """The band [ρ, ρ_eff] that decided the rate verdict ``c`` (a :class:`Comparison` or
    its JSON object) of a double root (theory ‖e_k‖ ≈ C (k + 1) ρᵏ; ρ_eff the window's
    average factor, :func:`double_root_rate`): its ``rate_band`` when the quantity compared
    is the rate, else None."""
    get = c.get if isinstance(c, dict) else (lambda k: getattr(c, k, None))
    band = get("rate_band")
    if get("quantity") != "rate" or band is None:
        return None
    return float(band[0]), float(band[1])


def _rel(m: float | None, p: float | None) -> float | None:
    if m is None or p is None or not (math.isfinite(m) and math.isfinite(p)):
        return None
    if p == 0:
        return 0.0 if m == 0 else math.inf
    return abs(m - p) / abs(p)


def _speed_diff(m: float | None, p: float | None) -> float | None:
    if m is None or p is None or not (0 < m and 0 < p) or p == 1.0:
        return None
    return abs(math.log(m) - math.log(p)) / abs(math.log(p))


def rate_diffs(m: float, p: float) -> tuple[float, float]:
    """``(|m − p|/p, |ln m − ln p|/|ln p|)``: the relative differences of a measured linear
    rate ``m`` from a predicted ``p`` on the two scales of the rate rule (0 where a scale
    does not apply)."""
    return _rel(m, p) or 0.0, _speed_diff(m, p) or 0.0


def rate_diff(m: float, p: float) -> float:
    """Relative difference of a measured linear rate ``m`` from a predicted ``p`` on both
    scales of the rate rule: ``max(|m − p|/p, |ln m − ln p|/|ln p|)`` (:func:`rate_diffs`)."""
    return max(rate_diffs(m, p))


def decisive_diff(c: Comparison) -> float | None:
    """The relative difference a verdict rests on: for a rate the larger of ``|Δρ|/ρ`` and
    ``|Δln ρ|/|ln ρ|`` (both are tested, :func:`rate_diff`), else ``rel_diff``."""
    if c.quantity == "rate" and c.rel_diff is not None and c.speed_diff is not None:
        return max(c.rel_diff, c.speed_diff)
    return c.rel_diff


def _agrees(**kw: Any) -> Comparison:
    return Comparison(True, "agrees", **kw)


def _not_comparable(reason: str, **kw: Any) -> Comparison:
    return Comparison(False, "not comparable", reason=reason, **kw)


def _disagreement_reason(p: Prediction, m: Measurement) -> str | None:
    """The structural reasons, in priority order (None: look at kinds and values)."""
    if p.degenerate:
        return DEGENERATE
    if p.fixed_step and p.line_search is not None:
        return LINE_SEARCH
    if m.kind in ("bounded", "diverges", "finite"):
        return None  # no asymptotic window to be too short: the kinds differ
    if m.floor_index is not None and m.window_length < MIN_WINDOW:
        return FLOOR_EARLY
    if m.window is not None and m.window[0] < p.valid_from:
        return NOT_ASYMPTOTIC + f" (window starts before iteration {p.valid_from})"
    if m.window_length < MIN_WINDOW or (m.kind == "linear" and not m.settled):
        return NOT_ASYMPTOTIC
    return None


def _disagree(p: Prediction, m: Measurement, fallback: str, **kw: Any) -> Comparison:
    reason = _disagreement_reason(p, m) or fallback
    return Comparison(False, "disagrees", reason=reason, **kw)


def _kind_differs(p: Prediction, m: Measurement) -> str:
    return f"kind differs: predicted {p.kind}, measured {kind_words(m, short=True)}"


def _compare_stochastic(p: Prediction, m: Measurement, rtol_level: float) -> Comparison:
    for quantity, pv, mv, se in (
        ("error_level", p.error_level, m.error_level, m.error_level_se),
        ("error_constant", p.error_constant, m.error_constant, m.error_constant_se),
    ):
        if pv is None or mv is None:
            continue
        if se is None:
            return _not_comparable("stochastic: too few samples for an error-level comparison",
                                   quantity=quantity, predicted=pv, measured=mv)
        tol = max(rtol_level * abs(pv), STOCHASTIC_SE * se)
        kw = dict(quantity=quantity, predicted=pv, measured=mv, rel_diff=_rel(mv, pv),
                  tolerance=tol / abs(pv) if pv else None)
        if abs(mv - pv) <= tol:
            return _agrees(**kw)
        reason = DEGENERATE if p.degenerate else (
            f"{quantity} differs: predicted {fmt(pv, 6)}, measured {fmt(mv, 6)} ± {fmt(se, 2)}")
        return Comparison(False, "disagrees", reason=reason, **kw)
    return _not_comparable(STOCHASTIC)


def double_root_rate(p: Prediction, m: Measurement) -> float | None:
    """Effective rate of ``||e_k|| ~ (k + 1) rate^k`` over the measured window ``[a, b]``:
    ``rate * ((b+1)/(a+1))^(1/(b-a))`` (the mean log-slope), for a double dominant root."""
    if not p.details.get("double_root") or p.rate is None or m.window is None:
        return None
    a, b = m.window
    if b <= a:
        return None
    return p.rate * ((b + 1.0) / (a + 1.0)) ** (1.0 / (b - a))


#: a relative difference below 0.01%, spaced as the relation beside it in a 'decided by'
#: cell is ("Δln ρ/ln ρ < 0.01% ≤ 1%", as "0.9088 < 1 < 1.074")
BELOW_PERCENT = "< 0.01%"


def percent(v: float | None, digits: int = 2) -> str:
    """A relative difference as a percentage: ``0%``, ``< 0.01%``, ``1.6%`` ('—' for None),
    to ``digits`` significant digits, or in whole percent from ``10**digits`` % on (``100%``,
    ``8300%``, not ``1e+02%``)."""
    if v is None or not math.isfinite(v):
        return "—"
    if v == 0:
        return "0%"
    if abs(v) < 1e-4:
        return BELOW_PERCENT
    if abs(100 * v) >= 10**digits:  # whole percent, never 1e+02%
        return f"{100 * v:.0f}%"
    return f"{fmt(100 * v, digits)}%"


def rule_text(name: str, diff: float, tol: float | None) -> str:
    """A relative difference with the threshold it was tested against, as the 'decided by'
    cells print it: ``Δln ρ/ln ρ 83% > 1%`` (no threshold when ``tol`` is None)."""
    limit = "" if tol is None else f" {'≤' if diff <= tol else '>'} {percent(tol)}"
    return f"{name} {percent(diff)}{limit}"


def log_scale_decides(on_rho: float, on_log: float | None, p: float | None) -> bool:
    """Whether the rate rule's ``max(|Δρ|/ρ, |Δln ρ|/|ln ρ|)`` is taken by the second: the
    larger one; at a tie (both 0, an exact match) the one that is larger for every small
    difference at this ``p``: ``|Δln ρ|/|ln ρ| ≈ |Δρ|/(ρ |ln ρ|)`` exceeds ``|Δρ|/ρ`` iff
    ``|ln p| < 1`` (``1/e < p < e``, p ≠ 1), so that rows with equal rates name one test."""
    if on_log is None:
        return False
    if on_log != on_rho:
        return on_log > on_rho
    return p is not None and 0 < p and p != 1.0 and abs(math.log(p)) < 1


def rate_rule_text(rel_diff: float, speed_diff: float | None, tol: float | None,
                   p: float | None = None) -> str:
    """The test of the linear-rate rule that decided, named, with its threshold: the larger
    of ``|Δρ|/ρ`` and ``|Δln ρ|/|ln ρ|`` (:func:`rate_diff`; both are tested; a tie at the
    predicted rate ``p`` by :func:`log_scale_decides`), so that the number given is never
    one that passed when the verdict failed."""
    if log_scale_decides(rel_diff, speed_diff, p):
        return rule_text("Δln ρ/ln ρ", speed_diff or 0.0, tol)
    return rule_text("Δρ/ρ", rel_diff, tol)


def reproducing_digits(diff: Callable[..., float], values: Sequence[float], least: int,
                       most: int = 12, shown_digits: int = 2,
                       show: Callable[[float], str] | None = None) -> int | None:
    """The fewest significant digits, at least ``least`` and up to ``most``, at which
    ``values`` printed give back the relative difference ``diff(*values)`` as
    :func:`percent` prints it to ``shown_digits`` (below 0.01% alike, equal printed values
    included), or as ``show`` prints it, so that a reader can recompute a percentage from the
    printed numbers; None when none does."""
    def shown(d: float) -> str:
        if show is not None:
            return show(d)
        return percent(d, shown_digits) if d >= 1e-4 else BELOW_PERCENT

    want = shown(diff(*values))
    for n in range(least, most + 1):
        if shown(diff(*(float(f"{v:.{n}g}") for v in values))) == want:
            return n
    return None


#: the most digits beyond a rate's own a printed rate gets so that a percentage worked out
#: from it is the one printed; past them the percentage gets a digit more instead.  Three:
#: near 1 a distance on −ln ρ needs them (Nesterov on Rosenbrock: 0.99605 against
#: [0.99587, 0.99602] gives 0.75% on −ln ρ; eight digits give back the 0.84% printed)
EXTRA_RATE_DIGITS = 3


def outside_range(x: float, lo: float, hi: float) -> float:
    """How far ``x`` lies outside ``[lo, hi]``, relative to the nearer end: 0 inside,
    ``(x − hi)/|hi|`` above, ``(lo − x)/|lo|`` below (ends given in either order)."""
    lo, hi = min(lo, hi), max(lo, hi)
    if x > hi:
        return (x - hi) / abs(hi) if hi else math.inf
    if x < lo:
        return (lo - x) / abs(lo) if lo else math.inf
    return 0.0


def band_diff(m: float, lo: float, hi: float) -> tuple[float, float]:
    """How far a measured rate ``m`` lies outside the band of rates ``[lo, hi]`` on the two
    scales of the rate rule (:func:`rate_diff`): ``(on rho, on -ln rho)``, each relative to
    the band's nearer end (:func:`outside_range`; 0 inside). Near 1 the second is the
    stricter: 0.99605 is 0.003% above 0.99602 on rho but 0.75% off on -ln rho."""
    on_rho = outside_range(m, lo, hi)
    if not (0 < m < 1 and 0 < lo < 1 and 0 < hi < 1):
        return on_rho, on_rho
    return on_rho, outside_range(-math.log(m), -math.log(lo), -math.log(hi))


def band_digits(rate: float, lo: float, hi: float) -> tuple[int, int]:
    """The significant digits of a double root's band as text prints it: of the measured
    ``rate`` and the band's ends ``[lo, hi]``, and of its distance outside the band as a
    percentage (:func:`band_diff`, the larger of the two scales), such that the printed rates
    give back the percentage printed, with a digit more of the percentage when it lies on a
    rounding edge of its two (Nesterov on Rosenbrock: 0.84%, from 0.8361%, given back by the
    eight digits 0.99604834 and [0.99586680, 0.99601509], not by 0.99605 and [0.99587, 0.99602],
    which give 0.75%).  Every text that
    prints that distance takes its digits here, so that it reads the same in the
    comparison's note, the decided-by cell and the per-step table's note."""
    lo, hi = min(lo, hi), max(lo, hi)
    least = max(rate_digits(v) for v in (rate, lo, hi))
    for shown in (2, 3):
        got = reproducing_digits(lambda x, a, c: max(band_diff(x, a, c)),
                                 (rate, lo, hi), least, least + EXTRA_RATE_DIGITS, shown)
        if got is not None:
            return got, shown
    return least, 2


def scale_name(on_rho: float, on_log: float) -> str:
    """The scale of the rate rule that gave the larger relative difference: ``ρ`` or
    ``−ln ρ``."""
    return "−ln ρ" if on_log > on_rho else "ρ"


def _compare_linear(p: Prediction, m: Measurement, rtol: float) -> Comparison:
    kw = dict(quantity="rate", predicted=p.rate, measured=m.rate, rel_diff=_rel(m.rate, p.rate),
              speed_diff=_speed_diff(m.rate, p.rate), tolerance=rtol)
    if p.rate is None or m.rate is None:
        if p.rate is None and m.kind == "linear":
            return _agrees(quantity="kind")
        return _disagree(p, m, _kind_differs(p, m), quantity="kind")
    if p.exact:
        ok = kw["rel_diff"] <= rtol and (kw["speed_diff"] is None or kw["speed_diff"] <= rtol)
    else:
        ok = m.rate <= p.rate * (1.0 + rtol)
    if ok:
        return _agrees(**kw)
    eff = double_root_rate(p, m)
    off = None if eff is None else band_diff(m.rate, p.rate, eff)
    if off is not None and max(off) <= rtol:
        lo, hi = min(p.rate, eff), max(p.rate, eff)
        n, pd = band_digits(m.rate, lo, hi)
        rng = f"[{fmt(lo, n)}, {fmt(hi, n)}] from ρ to this average factor"
        if max(off) == 0:
            where = f"lies in the range {rng}"
        else:
            side = "above" if m.rate > hi else "below"
            where = (f"lies {side} the range {rng}, by {percent(max(off), pd)} on "
                     f"{scale_name(*off)}, within the tolerance {percent(rtol)}")
        kw.update(rel_diff=off[0], speed_diff=off[1])
        return _agrees(note=f"double root: theory's ‖e_k‖ ≈ C (k + 1) ρᵏ shrinks on average by "
                       f"{fmt(eff, n)} per step over the window k = {m.window[0]}–"
                       f"{m.window[1]}; the measured rate {fmt(m.rate, n)} {where}",
                       rate_band=(p.rate, eff), **kw)
    bound = "" if p.exact else " (above the bound)"
    # the number the rule tested, with its threshold (a bound: m ≤ p (1 + rtol))
    test = (rate_rule_text(kw["rel_diff"], kw["speed_diff"], rtol, p.rate) if p.exact
            else rule_text("Δρ/ρ", kw["rel_diff"], rtol))
    fallback = (f"rate differs{bound}: predicted {fmt_rate(p.rate)}, measured "
                f"{fmt_rate(m.rate)} ({test})")
    if p.details.get("double_root") and m.rate > p.rate:
        fallback = DOUBLE_ROOT
    return _disagree(p, m, fallback, **kw)


def _compare_order(p: Prediction, m: Measurement) -> Comparison:
    """Predicted order q >= 2 against the measured one: agree when q_m lies in
    :func:`~analysis.empirical.order_band` ``(q)`` = ``[0.9 q, 1.3 q]`` (for q = 2 the
    empirical quadratic band 1.8..2.6).  A measured order outside the band
    with fewer than :data:`MIN_WINDOW` points before the rounding floor cannot decide:
    'not comparable'."""
    kw = dict(quantity="order", predicted=p.order, measured=m.order,
              rel_diff=_rel(m.order, p.order), measured_se=m.order_se)
    se = m.order_se or 0.0
    lo, hi = order_band(p.order)
    if m.order is not None and lo <= m.order + 2 * se and m.order - 2 * se <= hi:
        inside = lo <= m.order <= hi
        unc = one_se(f"{fmt(se, 2)}") if se else ""
        how = ("within" if inside else "within two standard errors of")
        return _agrees(note=f"measured order {fmt(m.order, 3)}{unc} {how} "
                            f"[{ORDER_BAND[0]:g}, {ORDER_BAND[1]:g}] × the "
                            f"predicted {fmt(p.order, 3)}", **kw)
    if m.floor_index is not None and m.window_length < MIN_WINDOW:
        return _not_comparable(FLOOR_EARLY + f" (only {m.window_length} iterations in the "
                               "fast phase; the order estimate is pre-asymptotic)", **kw)
    got = "no order" if m.order is None else f"order {fmt(m.order, 3)}"
    return _disagree(p, m, f"order differs: predicted {fmt(p.order, 3)}, measured {got}", **kw)


#: How documents name a measurement of kind ``none`` that has a ``fast_ratio``: its error
#: fell to the floor after ratios too few to tell superlinear from fast linear.
FAST_UNDECIDED = "superlinear or fast linear, not decided"

#: How documents name a ``linear`` measurement whose errors swing about the fitted line by
#: more than :data:`~analysis.empirical.R_LINEAR_SPREAD` decades (its ``spread``): the rate
#: is the error's shrink factor per iteration only on average.
ON_AVERAGE = "linear on average"


def on_average(m: Any) -> bool:
    """Whether measurement ``m`` is linear only on average (R-linear, :data:`ON_AVERAGE`): a
    ``linear`` window whose errors stray ``m.spread`` > :data:`~analysis.empirical.R_LINEAR_SPREAD`
    decades from the fitted line."""
    spread = getattr(m, "spread", None)
    return getattr(m, "kind", None) == "linear" and spread is not None and spread > R_LINEAR_SPREAD


def block_evidence(m: Any) -> str:
    """Where a fast kind read on ``h``-step ratios (``m.ratio_step`` = h >= 2) comes from, as a
    table note gives it: the ratios over its disjoint blocks (``m.blocks``) and which of them
    fall to at most 1/2 of the one before (:func:`~analysis.empirical.halving`), the test
    they pass, so that the note can be checked where it stands."""
    h = m.ratio_step
    blocks = m.blocks or ()
    if not blocks:
        return f"{steps_name(h)} ratios e_(k+{h})/e_k"
    values = [v for _, v in blocks]
    return (f"{steps_name(h)} ratios e_(k+{h})/e_k: {', '.join(fmt(v, 3) for v in values)} at "
            f"k = {', '.join(str(k) for k, _ in blocks)}"
            + (f", {halving(values)}" if len(values) >= 2 else ""))


#: Orders above 2 that documents name in words (order 2 is the kind ``quadratic``); the JSON
#: kind stays ``superlinear`` with its order.
ORDER_WORDS = {3.0: "cubic"}


def order_word(p: Any, m: Any = None) -> str | None:
    """The word for the exact order q of prediction ``p`` (:data:`ORDER_WORDS`), or None; with
    a measurement ``m``, only when its order lies in the band ``order_band(q)`` the order
    verdict uses (:func:`_compare_order`), as a measured order in ``QUADRATIC_ORDER`` is
    ``quadratic``."""
    q = getattr(p, "order", None)
    if getattr(p, "kind", None) != "superlinear" or not getattr(p, "exact", False) or q is None:
        return None
    word = ORDER_WORDS.get(float(q))
    if word is None or m is None:
        return word
    qm = getattr(m, "order", None)
    lo, hi = order_band(q)
    return word if qm is not None and lo <= qm <= hi else None


def r_linear_text(m: Any) -> str:
    """Why a measurement linear only on average (:func:`on_average`) is so: "R-linear only:
    in each half of the window the errors stray at least X decades from the fitted line",
    X its ``spread``."""
    x = fmt(m.spread, 2)
    return (f"R-linear only: in each half of the window the errors stray at least {x} "
            f"{'decade' if x == '1' else 'decades'} from the fitted line")


def kind_words(m: Any, short: bool = False, predicted: Any = None) -> str:
    """A measurement's kind as documents name it (the JSON keeps ``m.kind``): a kind
    ``none`` with a ``fast_ratio`` is ``fast (superlinear or fast linear, not decided)``
    (``short``: ``fast``), not ``none``; ``quadratic (within 2 s.e.)`` when the fitted order
    lies outside the quadratic band and only its two standard errors reach it (the rule of
    :func:`analysis.empirical._superlinear`; ``short``: ``quadratic``); ``linear on average
    (R-linear only: in each half of the window the errors stray at least X decades from the
    fitted line)``: the straying is why it is not Q-linear (study p. 39 read "R-linear: …" as a
    definition of R-linear)
    when the errors of a linear window stray from the fitted line (they swing about it, or
    the run speeds up or slows down through the window) by X = ``m.spread`` >
    :data:`~analysis.empirical.R_LINEAR_SPREAD` decades, the distance, on either side, that
    both halves of the window reach (:func:`~analysis.empirical.line_spread`) (``short``:
    ``linear on average``); a ``superlinear`` order in the band of the
    exact order of prediction ``predicted`` that has a word, ``cubic`` (:func:`order_word`);
    else the kind."""
    kind = getattr(m, "kind", None)
    if kind == "none" and getattr(m, "fast_ratio", None) is not None:
        return "fast" if short else f"fast ({FAST_UNDECIDED})"
    if on_average(m):
        return ON_AVERAGE if short else f"{ON_AVERAGE} ({r_linear_text(m)})"
    order = getattr(m, "order", None)
    lo, hi = QUADRATIC_ORDER
    if kind == "quadratic" and order is not None and not lo <= order <= hi and not short:
        return "quadratic (within 2 s.e.)"
    if kind == "superlinear" and (word := order_word(predicted, m)):
        return word
    return str(kind)


def _measured_none(m: Measurement) -> Comparison:
    """Too little evidence in the run: *not comparable*, with the measurement's own reason
    (its kind named by :func:`kind_words`)."""
    why = m.reason
    if not why:
        why = FLOOR_EARLY if m.floor_index is not None else NOT_ASYMPTOTIC
    kind = "kind none" if m.fast_ratio is None else kind_words(m)
    return _not_comparable(f"measured {kind}: {why}")


def _fast_against_bound(p: Prediction, m: Measurement) -> Comparison | None:
    """A run too fast to tell superlinear from fast linear (``m.fast_ratio``: its error fell to
    the rounding floor, the last ratios ``e_(k+1)/e_k`` all <= it, or for a method restarted
    every ``m.ratio_step`` = h steps its last h-step ratios, each read per step as
    ``r^(1/h)``) against a linear bound
    (``exact`` false): either kind meets the bound when ``fast_ratio`` <= the bound's rate
    (or the bound has none), so the verdict agrees; else None (not comparable)."""
    r = m.fast_ratio
    if r is None or p.exact or p.kind != "linear" or (p.rate is not None and r > p.rate):
        return None
    under = "" if p.rate is None else f" ≤ {fmt(p.rate, 5)}"
    h = m.ratio_step or 1
    most = f"{fmt(round_out(r, 3, up=True), 3)}"  # rounded up: a bound every ratio stays under
    if h >= 2:
        last = (f"{too_few_ratios()}, each of its last {steps_name(h)} ratios "
                f"e_(k+{h})/e_k before the floor (blocks of the restart period), read per "
                f"step as r^(1/{h}), ≤ {most}")
    elif m.fast_steps is not None:
        last = f"{too_few_ratios(m.fast_steps, m.fast_from)}, each ≤ {most}"
    else:
        last = f"{too_few_ratios()}, each of its last ratios before the floor ≤ {most}"
    return _agrees(quantity="kind",
                   note=f"measured {kind_words(m)}: {last}; either kind is at least as fast "
                        f"as the predicted linear bound{under}")


def _limit_set_text(m: Measurement) -> str:
    """``a 2-cycle of size 0.8`` / ``a band of size 0.03`` (period and band of a ``bounded``
    measurement)."""
    period = m.period
    band = m.band
    size = "" if band is None else f" of size {fmt(band, 3)}"
    return f"a {period}-cycle{size}" if period else f"a band{size}"


def _compare_finite(p: Prediction, m: Measurement) -> Comparison:
    """Predicted finite termination in (at most) ``k = p.finite_steps`` iterations.

    Agrees when the run reached x* (kind ``finite``, or its error at the rounding floor) by
    iteration ``k + 1`` (one step of slack: the last step of an exact method leaves a rounding
    error that can sit just above the floor)."""
    k = int(p.finite_steps or 0)
    steps = m.finite_steps if m.kind == "finite" else None
    if steps is None:
        steps = m.floor_index
    bound = "at most " if not p.exact else ""
    kw = dict(quantity="finite_termination", predicted=float(k),
              measured=None if steps is None else float(steps))
    if steps is not None and steps <= k + 1:
        extra = (" (one step more: the rounding error of the exact step sat above the floor)"
                 if steps == k + 1 else "")
        return _agrees(note=f"finite termination: x* reached at iteration {steps} "
                            f"(theory: {bound}{k}){extra}", **kw)
    if m.kind == "none":
        return _measured_none(m)
    got = m.kind if steps is None else f"x* reached only at iteration {steps}"
    return _disagree(p, m, f"kind differs: predicted finite termination in "
                           f"{bound}{plural(k, 'step')}, measured {got}", **kw)


def _compare_not_convergent(p: Prediction, m: Measurement) -> Comparison:
    """Predicted ``diverges``: a saddle the iterates escape, or a fixed step past the stability
    limit (``stable=False``: not convergent to x*). A measured blow-up agrees; a measured
    ``bounded`` (a cycle or band) agrees unless f is quadratic (``exact``: the linearization
    then says blow-up)."""
    kw = dict(quantity="kind", predicted=p.rate, measured=m.rate)
    if m.kind == "diverges":
        grow = "" if m.rate is None else f" (growth factor {fmt(m.rate, 4, zeros=True)} per step)"
        return _agrees(note=f"not convergent to x*: the iterates blow up{grow}", **kw)
    if m.kind == "bounded" and not p.exact:
        return _agrees(note=f"not convergent to x*: the run settled on {_limit_set_text(m)} "
                            "instead of blowing up (held by the higher-order terms of f)", **kw)
    if m.kind == "none":
        return _measured_none(m)
    what = _limit_set_text(m) if m.kind == "bounded" else m.kind
    return _disagree(p, m, f"kind differs: predicted not convergent to x* "
                           f"({p.details.get('outcome', 'diverges')}), measured {what}", **kw)


def band_formula(p: Prediction) -> str:
    """The predicted band at a kink with its numbers, in the notation of the report's notes:
    ``2ηG/(1 − β) = 2 with the momentum β = 0; G = 1 is the largest gradient norm of the
    pieces of f at the kink`` (β named, as a page with GD's row alone does not define it: kink
    p. 5), said to be a heuristic bound for a momentum β > 0 (it rests on the effective step
    η/(1 − β), which the subgradient theory it extends does not treat)."""
    G = p.details.get("G")
    beta = float(p.details.get("momentum", 0.0) or 0.0)
    g = "" if G is None else (f"; G = {fmt(G, 4)} is the largest gradient norm of the pieces "
                              "of f at the kink")
    h = "; a heuristic bound for β > 0 (effective step η/(1 − β))" if beta > 0 else ""
    return f"2ηG/(1 − β) = {fmt(p.band, 3)} with the momentum β = {fmt(beta, 4)}{g}{h}"


def _compare_bounded(p: Prediction, m: Measurement, rtol: float) -> Comparison:
    """Predicted ``bounded`` (constant-step subgradient method at a kink): a measured band or
    cycle no wider than the predicted diameter ``p.band`` (widened by rtol) agrees; a run that
    landed exactly on the kink (kind ``finite``) agrees too."""
    band = m.band
    kw = dict(quantity="band", predicted=p.band, measured=band, rel_diff=_rel(band, p.band),
              tolerance=rtol)
    if m.kind == "bounded":
        if band is None or p.band is None or band <= p.band * (1.0 + rtol):
            limit = "" if p.band is None else f" (bound {band_formula(p)})"
            return _agrees(note=f"the iterates settle on {_limit_set_text(m)} around the kink"
                                f"{limit}", **kw)
        return _disagree(p, m, f"band differs: measured {_limit_set_text(m)}, wider than the "
                               f"bound {band_formula(p)}", **kw)
    if m.kind == "finite":
        return _agrees(note="an iterate landed exactly on the kink, where the conventional "
                            "gradient is 0, and the run stopped there", **kw)
    if m.kind == "none":
        return _measured_none(m)
    return _disagree(p, m, _kind_differs(p, m), **kw)


def _compare_order_or_kind(p: Prediction, m: Measurement) -> Comparison:
    """Predicted quadratic/superlinear with an order q >= 2 against a fast measurement."""
    if m.kind == "finite":
        return _agrees(quantity="kind", note="the floor was reached in one jump (kind finite): "
                       "consistent with the predicted order, which the data cannot measure")
    if m.order is None:
        return _agrees(quantity="kind", predicted=p.order,
                       note=f"measured {m.kind} (ratios -> 0); the data do not determine an "
                            "order")
    return _compare_order(p, m)


def _with_line_search(p: Prediction, line_search: str | None) -> Prediction:
    """The prediction with the line search the run actually used (``None``: keep the recorded
    one; ``"none"``, ``""``, ``"false"``: a fixed step)."""
    if line_search is None:
        return p
    ls = None if str(line_search).lower() in ("none", "", "false") else str(line_search)
    return replace(p, line_search=ls)


def _compare_exponent(p: Prediction, m: Measurement, exponent_rtol: float) -> Comparison:
    """Sublinear ``f_k - f* ~ C k^-a``: agree when ``|a_meas - a_pred| / |a_pred| <=
    exponent_rtol``, or, for a bound (not exact), when ``a_meas > a_pred`` (at least as fast)."""
    rel = _rel(m.exponent, p.exponent)
    kw = dict(quantity="exponent", predicted=p.exponent, measured=m.exponent,
              rel_diff=rel, tolerance=exponent_rtol)
    if rel is not None and rel <= exponent_rtol:
        return _agrees(**kw)
    if not p.exact and m.exponent > p.exponent:
        return _agrees(note=f"measured exponent {fmt(m.exponent, 4)} exceeds the bound "
                            f"{fmt(p.exponent, 4)}: at least as fast", **kw)
    fallback = (f"exponent differs: predicted k^-{fmt(p.exponent, 4)}, "
                f"measured k^-{fmt(m.exponent, 4)}")
    return _disagree(p, m, fallback, **kw)


def compare(
    prediction: Prediction,
    measurement: Measurement,
    *,
    rtol: float = 0.01,
    exponent_rtol: float = 0.1,
    rtol_level: float = 0.05,
    line_search: str | None = None,
) -> Comparison:
    """Compare a :class:`~analysis.theory.Prediction` with a
    :class:`~analysis.empirical.Measurement` (rules in the module docstring).

    ``line_search``: the line search the run actually used, when known (overrides the one
    recorded in the prediction; ``"none"`` means a fixed step).
    """
    p, m = _with_line_search(prediction, line_search), measurement
    if p.stochastic and (p.error_level is not None or p.error_constant is not None):
        return _compare_stochastic(p, m, rtol_level)
    if p.kind == "none":
        return _not_comparable(p.reason or (STOCHASTIC if p.stochastic else NO_THEORY))
    if p.kind == "finite":
        return _compare_finite(p, m)
    if p.kind == "diverges":
        return _compare_not_convergent(p, m)
    if p.kind == "bounded":
        return _compare_bounded(p, m, rtol)
    if m.kind == "none":
        return _fast_against_bound(p, m) or _measured_none(m)
    if p.stochastic:
        return _not_comparable(STOCHASTIC)
    if m.kind in ("diverges", "bounded"):
        what = _limit_set_text(m) if m.kind == "bounded" else m.kind
        return _disagree(p, m, f"kind differs: predicted {p.kind}, measured {what}",
                         quantity="kind")
    fast = ("quadratic", "superlinear")
    if p.kind in fast and m.kind in (*fast, "finite") and p.order is not None and p.order >= 2:
        return _compare_order_or_kind(p, m)
    faster = SPEED[m.kind] > SPEED[p.kind]
    if not p.exact and faster:
        h = m.ratio_step or 1
        two = f" ({block_evidence(m)})" if h >= 2 else ""
        return _agrees(quantity="kind", note=f"measured {kind_words(m, short=True)}{two}: at "
                                             f"least as fast as the predicted {p.kind} bound")
    if p.kind != m.kind:
        return _disagree(p, m, _kind_differs(p, m), quantity="kind")
    if p.kind == "linear":
        return _compare_linear(p, m, rtol)
    if p.kind == "sublinear" and p.exponent is not None and m.exponent is not None:
        return _compare_exponent(p, m, exponent_rtol)
    return _agrees(quantity="kind", predicted=p.order, measured=m.order,
                   rel_diff=_rel(m.order, p.order),
                   note=f"same kind ({m.kind}); no number to compare")


def rates_record(
    method: str,
    hyper: Mapping[str, Any],
    minimizer: Sequence[float] | Any,
    eigenvalues: Sequence[float] | Any,
    prediction: Prediction,
    measurement: Measurement,
    comparison: Comparison,
) -> dict[str, Any]:
    """The ``landscape rates --json`` object of design.md (non-finite numbers -> null).

    Top-level keys exactly ``method, hyper, minimizer, eigenvalues, predicted, measured, agree,
    reason``; ``reason`` says why they do not agree, or, for an agreement that needs a word
    (a cycle instead of a blow-up, finite termination, a bound), how they agree (else null);
    ``predicted``/``measured`` start with the design keys (``kind, rate, order,
    basis`` / ``kind, rate, order, window, iterations``) followed by the extra fields of
    :meth:`Prediction.to_json` / :meth:`Measurement.to_json`.
    """
    return jsonable(
        {
            "method": method,
            "hyper": dict(hyper),
            "minimizer": minimizer,
            "eigenvalues": eigenvalues,
            "predicted": prediction.to_json(),
            "measured": measurement.to_json(),
            "agree": comparison.agree,
            "reason": comparison.reason if not comparison.agree else comparison.note,
        }
    )


def prediction_how(p: Any) -> str:
    """The provenance marker of a predicted rate: ``yardstick`` for the linear-CG bound set
    beside a nonlinear CG run (:data:`analysis.theory.cg.CG_BASIS`, a theorem for linear CG
    on a quadratic only, :func:`analysis.report.cg_bound_notes`), else ``theory``."""
    from analysis.theory.cg import CG_BASIS

    if getattr(p, "basis", "") == CG_BASIS:
        return "yardstick"
    # the cycle bound at a kink with momentum β > 0 rests on the effective step η/(1 − β):
    # a heuristic, not the subgradient theorem (β = 0) it extends
    momentum = (getattr(p, "details", None) or {}).get("momentum") or 0.0
    return "yardstick" if getattr(p, "kind", "") == "bounded" and momentum > 0 else "theory"
