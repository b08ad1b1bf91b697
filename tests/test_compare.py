

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
