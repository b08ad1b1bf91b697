

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
