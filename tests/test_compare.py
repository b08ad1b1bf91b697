import pytest


def test_stochastic_tolerance_is_one_rule_used_by_check_and_text():
    """A level 3.5 standard errors (and 10 %) off agrees exactly when the rule allows 4; the
    tables' note states the same number of standard errors as the check uses."""
    from analysis.compare import SE_RULE, STOCHASTIC_SE, compare
    from analysis.empirical import Measurement
    from analysis.report import THEORY_NOTES
    from analysis.theory.prediction import Prediction

    p = Prediction("none", stochastic=True, error_level=1.0, reason="stochastic")
    for k, verdict in ((STOCHASTIC_SE - 0.5, "agrees"), (STOCHASTIC_SE + 0.5, "disagrees")):
        se = 0.1 / k                                # the difference 0.1 is k standard errors
        m = Measurement("none", error_level=1.1, error_level_se=se, reason="noise")
        assert compare(p, m).verdict == verdict, k
    assert f"{STOCHASTIC_SE} standard errors" == SE_RULE
    assert SE_RULE in THEORY_NOTES
    assert "analysis." not in THEORY_NOTES


def test_rate_diff_is_the_larger_of_rate_and_log_rate_differences():
    """0.8575 against 0.8589: 0.16 % on ρ but 1.07 % on −ln ρ (the larger one decides)."""
    import math

    from analysis.compare import rate_diff
    p, m = 0.8589, 0.8575
    assert math.isclose(rate_diff(m, p), abs(math.log(m / p)) / -math.log(p), rel_tol=1e-12)
    assert 0.0105 < rate_diff(m, p) < 0.011
    assert rate_diff(0.5, 0.5) == 0.0


def test_the_momentum_band_at_a_kink_is_called_a_heuristic():
    """Kink p.5: the cycle bound 2ηG/(1 − β) for momentum and Nesterov stood as a cited
    theorem; the sources bound the plain subgradient method (β = 0) only, and the momentum
    version rests on the effective step η/(1 − β)."""
    from analysis import report
    from analysis.compare import band_formula
    from analysis.theory import predict_kink, subgradient_band

    gd = predict_kink("gd", {"lr": 1.0}, 1.0)
    heavy = predict_kink("momentum", {"lr": 1.0, "momentum": 0.5}, 1.0)
    nest = predict_kink("nesterov", {"lr": 1.0, "momentum": 0.5}, 1.0)
    g = "; G = 1 is the largest gradient norm of the pieces of f at the kink"
    assert band_formula(gd) == (f"2ηG/(1 − β) = {subgradient_band(1.0, 1.0):g} with the "
                                f"momentum β = 0{g}")
    for p in (heavy, nest):
        assert band_formula(p) == (f"2ηG/(1 − β) = {2 * 1.0 * 1.0 / (1 - 0.5):g} with the "
                                   f"momentum β = 0.5{g}; a heuristic bound for β > 0 "
                                   "(effective step η/(1 − β))")
    rule = report.THEORY_RULES["band"]
    cited = rule.index("Nesterov 2018")
    assert cited < rule.index("for momentum β > 0 the bound is a heuristic, not from these "
                              "sources")


def test_a_run_too_fast_for_a_kind_meets_a_linear_bound_and_nothing_more():
    """Quadratic report pp. 2, 5: L-BFGS, predicted 'linear (bound, no rate)', measured kind
    none because its error reached the floor after ratios 0.00059, 0.0037, 0.0032 (too few to
    tell superlinear from fast linear), was 'not comparable'.  Either kind is at least as fast
    as a linear bound whose rate is at least the last ratios, so the verdict agrees; against
    a superlinear prediction, or a bound below those ratios, it stays not comparable."""
    import numpy as np

    from analysis.compare import compare
    from analysis.empirical import measure
    from analysis.theory.prediction import Prediction

    ratios = [0.89082, 0.69774, 0.89889, 0.0023718, 0.00059031, 0.0037369, 0.0031816, 1e-6]
    e = 6.66 * np.cumprod([1.0, *ratios])  # the report's per-step table, then the floor
    m = measure(np.column_stack([e, np.zeros_like(e)]), [0.0, 0.0])
    assert m.kind == "none" and m.floor_index == 8
    assert m.fast_ratio == pytest.approx(max(ratios[4:7]), rel=1e-12)  # the last three
    bound = compare(Prediction(kind="linear", exact=False), m)
    assert bound.agree and bound.verdict == "agrees" and bound.quantity == "kind"
    assert "superlinear or fast linear" in bound.note and "0.00374" in bound.note
    assert compare(Prediction(kind="linear", rate=0.5, exact=False), m).agree
    for p in (Prediction(kind="linear", rate=0.001, exact=False),
              Prediction(kind="superlinear", exact=False)):
        c = compare(p, m)
        assert not c.agree and c.verdict == "not comparable", p
    # the note says how many ratios the bound rests on and at which k (those of the
    # per-step table whose maximum it prints)
    top = int(np.argmax(ratios[4:7])) + 4
    assert ratios[top] == pytest.approx(m.fast_ratio, rel=1e-12) and 4 <= top <= 6
    assert m.fast_steps == (4, 6)
    # the table shows 7 ratios above the floor (k = 0–6): the note says which 3 it counts
    # and why; the first fast step is the first k from which every ratio is ≤ the largest
    # counted one (0.00237 at k = 3; 0.899 at k = 2 is the approach)
    first = min(k for k in range(7) if max(ratios[k:7]) <= max(ratios[4:7]))
    assert first == 3 and m.fast_from == first
    assert ("above the floor to tell superlinear from fast linear (only 3 after the first "
            f"fast step, k = 4–6; the ratio at k = {first}, the first, measures the jump from "
            f"the approach, k = 0–{first - 1}), each ≤ 0.00374") in bound.note
    # a run whose ratios settle at a linear rate decides its kind: no fast ratio
    slow = measure(np.column_stack([0.5 ** np.arange(60), np.zeros(60)]), [0.0, 0.0])
    assert slow.kind == "linear" and slow.fast_ratio is None


def test_a_double_roots_band_note_prints_rates_that_give_back_its_percentage():
    """Rosenbrock p. 6: '0.99605 lies above the range [0.99587, 0.99602] … by 0.84% on −ln ρ',
    but those printed rates give 0.75%: the note prints the three rates with the digits that
    give back the percentage it states."""
    import math
    import re

    from analysis.compare import compare
    from analysis.empirical import Measurement
    from analysis.theory.prediction import Prediction

    rho, window = 0.9958667981101347, (5112, 8515)
    p = Prediction(kind="linear", rate=rho, order=1.0, exact=True, details={"double_root": True})
    m = Measurement(kind="linear", rate=0.9960496979141786, order=1.0, window=window)
    note = compare(p, m).note
    found = re.search(r"the measured rate (\S+) lies above the range \[(\S+), (\S+)\] from ρ "
                      r"to this average factor, by (\S+)% on −ln ρ", note)
    assert found, note
    rate, lo, hi = (float(v) for v in found.groups()[:3])
    eff = rho * ((window[1] + 1) / (window[0] + 1)) ** (1 / (window[1] - window[0]))
    assert lo == pytest.approx(rho, rel=1e-6) and hi == pytest.approx(eff, rel=1e-6)
    # recomputed from the printed numbers, the percentage is the one printed
    off = (math.log(hi) - math.log(rate)) / math.log(hi)
    shown = found.group(4)
    assert f"{100 * off:.{len(shown.replace('0.', '').lstrip('0'))}g}" == shown
    # the exact difference, 0.8449%, lies on a rounding edge of two digits: three are printed
    exact = (math.log(eff) - math.log(m.rate)) / math.log(eff)
    assert f"{100 * exact:.3g}" == shown == "0.845"


def test_a_run_too_fast_for_a_kind_is_named_fast_in_documents():
    """Quadratic report pp. 2, 5: the L-BFGS row printed "measured kind none" and "decided by:
    bound: none ≥ linear" beside a reason saying "superlinear or fast linear", and "the last
    ≤ 0.00374" read as the last ratio (0.00318); BFGS's reason said "measured kind none".
    Documents name such a run's kind "fast (superlinear or fast linear, not decided)"; the
    measurement (and the JSON) keep kind none."""
    import numpy as np

    from analysis import report
    from analysis.compare import compare, kind_words
    from analysis.empirical import measure
    from analysis.theory.prediction import Prediction

    ratios = [0.89082, 0.69774, 0.89889, 0.0023718, 0.00059031, 0.0037369, 0.0031816, 1e-6]
    e = 6.66 * np.cumprod([1.0, *ratios])
    m = measure(np.column_stack([e, np.zeros_like(e)]), [0.0, 0.0])
    assert m.kind == "none" and m.to_json()["kind"] == "none"
    words = "fast (superlinear or fast linear, not decided)"
    assert kind_words(m) == words and kind_words(m, short=True) == "fast"
    bound = Prediction(kind="linear", exact=False)
    c = compare(bound, m)
    assert report.decided_by(c, bound, m) == "bound: fast ≥ linear (at least as fast)"
    top = max(ratios[4:7])
    lacks = ("too few ratios above the floor to tell superlinear from fast linear (only 3 after "
             "the first fast step, k = 4–6; the ratio at k = 3, the first, measures the jump "
             "from the approach, k = 0–2)")
    assert top == 0.0037369  # three digits hold it rounded up: 0.00374
    assert c.note == (f"measured {words}: {lacks}, each ≤ 0.00374; either kind is at least "
                      "as fast as the predicted linear bound")
    # the reason a superlinear prediction is not compared names the same lack the same way
    assert f"): {lacks}; " in m.reason
    sup = compare(Prediction(kind="superlinear", exact=False), m)
    assert sup.verdict == "not comparable" and sup.reason == f"measured {words}: {m.reason}"
    # a measurement of kind none without a fast ratio keeps its name
    short = measure(np.column_stack([e[:3], np.zeros(3)]), [0.0, 0.0])
    assert short.fast_ratio is None and kind_words(short) == "none"
    assert compare(bound, short).reason.startswith("measured kind none: ")


def test_a_linear_rate_that_holds_only_on_average_is_named_r_linear():
    """Himmelblau p.5: Adam's row read "measured kind linear, 0.94927" while its error swung
    by a decade about the fitted line, shrinking by 0.949 per step only on average. A linear
    measurement whose errors swing about the line by more than R_LINEAR_SPREAD decades is
    named "linear on average (R-linear: ...)" in documents; the JSON kind and the verdict stay."""
    import math

    import numpy as np

    from analysis.compare import compare, kind_words
    from analysis.empirical import R_LINEAR_SPREAD, measure
    from analysis.theory.prediction import Prediction

    k = np.arange(400)
    for a, words in ((0.9, "1 decade"), (0.8, f"{-math.log10(0.2):#.2g} decades")):
        e = 0.95**k * (1 + a * np.cos(np.pi * k / 2))  # swings -log10(1 - a) decades
        m = measure(e[:, None], np.zeros(1))
        assert m.kind == "linear" and m.spread > R_LINEAR_SPREAD
        # "R-linear only": the straying is why the rate is not Q-linear (study p. 39 read
        # "R-linear: …" as if the straying defined R-linear)
        assert kind_words(m) == ("linear on average (R-linear only: in each half of the "
                                 f"window the errors stray at least {words} from the fitted line)")
        assert kind_words(m, short=True) == "linear on average"
        assert m.to_json()["kind"] == "linear"
        assert compare(Prediction(kind="linear", rate=0.95), m).verdict == "agrees"
        c = compare(Prediction(kind="quadratic", order=2.0), m)
        assert c.verdict == "disagrees"
        assert c.reason == "kind differs: predicted quadratic, measured linear on average"
    # a swing of 0.3 decade (a = 0.5) is within the threshold: plain linear
    m = measure((0.95**k * (1 + 0.5 * np.cos(np.pi * k / 2)))[:, None], np.zeros(1))
    assert m.spread < R_LINEAR_SPREAD and kind_words(m) == "linear"


@pytest.mark.parametrize("order, exact, pq, words", [
    (2.94, True, 3.0, "cubic"),        # in [0.9, 1.3] × 3 = [2.7, 3.9]: named as predicted
    (3.9, True, 3.0, "cubic"),
    (2.69, True, 3.0, "superlinear"),  # outside the band the order verdict uses
    (4.0, True, 3.0, "superlinear"),
    (2.94, False, 3.0, "superlinear"),  # a bound names no exact order
    (2.94, True, None, "superlinear"),
])
def test_a_measured_order_in_the_band_of_a_predicted_cubic_order_is_named_cubic(
        order, exact, pq, words):
    """Newton on cosh(cx): theory predicts order 3 ("cubic"), the run measured order 2.94
    and the verdict agrees, yet the measured kind read "superlinear", two kinds in one row.
    A measured superlinear order in the band [0.9 q, 1.3 q] of the exact predicted order
    q = 3 is named "cubic", as a measured order in [1.8, 2.6] is "quadratic"; the JSON kind
    stays superlinear."""
    from analysis.compare import compare, kind_words
    from analysis.empirical import Measurement
    from analysis.report import predicted_kind
    from analysis.theory.prediction import Prediction

    m = Measurement("superlinear", None, order, (0, 7), order_se=0.05, order_window=(4, 7))
    p = Prediction(kind="superlinear", order=pq, exact=exact)
    assert kind_words(m) == "superlinear"  # without a prediction: the measured kind
    assert kind_words(m, predicted=p) == words
    assert kind_words(m, short=True, predicted=p) == words
    if words == "cubic":
        assert predicted_kind(p) == "cubic" and compare(p, m).agree
    assert m.to_json()["kind"] == "superlinear" and m.to_json()["order_window"] == [4, 7]


def test_a_fast_run_s_bound_on_its_ratios_is_rounded_up():
    """Quadratic p. 5: the L-BFGS note said "each ≤ 0.00704" while p. 8 gives the largest
    ratio as 0.0070406: rounded to nearest, the bound lay below the value it bounds.  It is
    rounded up (0.00705), and every ratio lies under the printed number."""
    import re

    import numpy as np

    from analysis.compare import compare
    from analysis.empirical import measure
    from analysis.theory.prediction import Prediction

    ratios = [0.89082, 0.69774, 0.89889, 0.0023718, 0.00059031, 0.0070406, 0.0031816, 1e-6]
    e = 6.66 * np.cumprod([1.0, *ratios])
    m = measure(np.column_stack([e, np.zeros_like(e)]), [0.0, 0.0])
    assert m.fast_ratio == pytest.approx(0.0070406, rel=1e-9)
    note = compare(Prediction(kind="linear", exact=False), m).note
    (shown,) = re.findall(r"each ≤ ([0-9.]+)", note)
    assert shown == "0.00705" and all(r <= float(shown) for r in ratios[3:7])


def test_a_measured_growth_factor_shows_its_digits_whether_or_not_they_round_it():
    """Study pp. 2 and 4: "growth factor 1.2 per step" (fitted to 1.2 to the last bit) beside
    "growth factor 1.400 per step" (1.4 up to a rounding): a fitted factor is an estimate,
    so both show their four digits."""
    from analysis.compare import compare
    from analysis.empirical import Measurement
    from analysis.theory.prediction import Prediction

    p = Prediction("diverges", rate=1.2, exact=True)
    for rate, shown in ((1.2, "1.200"), (1.4 + 3e-16, "1.400"), (1.23456, "1.235")):
        c = compare(p, Measurement("diverges", rate=rate))
        assert f"(growth factor {shown} per step)" in c.note, c.note
