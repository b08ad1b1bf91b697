"""Convexity on the box: proofs, moduli μ and L, and exactly verified chord witnesses.

Expected values by hand: f'' (or the constant Hessian) and its extremes on the box.
"""

import json
import math

import numpy as np
import pytest
import sympy as sp

from landscape.convexity import analyze_convexity, interval_nonnegative
from landscape.objective import Objective


def conv(text, box=None, **kw):
    obj = Objective.parse(text)
    return obj, analyze_convexity(obj, box, **kw)


def check_chord(obj, chord):
    """Independent check of a chord witness: f(αx+(1−α)y) − αf(x) − (1−α)f(y) > 0."""
    a = chord["alpha"]
    x, y = chord["x"], chord["y"]
    mid = [a * u + (1 - a) * v for u, v in zip(x, y, strict=True)]
    gap = obj.value(mid) - a * obj.value(x) - (1 - a) * obj.value(y)
    assert gap > 0 and gap == pytest.approx(chord["gap"], rel=1e-9, abs=1e-12)


def test_parabola():
    _, c = conv("x**2")
    assert (c.verdict, c.strict, c.strong, c.method) == ("convex", True, True, "symbolic")
    assert c.mu == 2.0 and c.L == 2.0 and c.witness is None
    assert c.how["mu"] == "exact" and c.how["verdict"].startswith("proved")


def test_saddle_witness_design_shape():
    obj, c = conv("x**2 - y**2")
    j = json.loads(json.dumps(c.to_json()))
    assert j["verdict"] == "nonconvex" and j["method"] == "symbolic"
    assert j["mu"] is None and j["L"] == 2.0 and not j["strict"] and not j["strong"]
    w = j["witness"]
    assert w["min_eigenvalue"] == -2.0 and w["point"] == [0.0, 0.0]
    # along y: gap = s²·|λ|/2 = 1 for s = 1
    assert w["chord"] == {"x": [0.0, -1.0], "y": [0.0, 1.0], "alpha": 0.5, "gap": 1.0}
    check_chord(obj, w["chord"])


def test_ill_conditioned_quadratic():
    _, c = conv("0.1*x1**2 + 2*x2**2")
    assert c.verdict == "convex" and c.strong and c.method == "symbolic"
    assert c.mu_exact == sp.Rational(1, 5) and c.L_exact == 4
    assert c.mu == pytest.approx(0.2) and c.L == 4.0


def test_quartic_strict_not_strong():
    _, c = conv("x**4")
    assert c.verdict == "convex" and c.strict and not c.strong
    assert c.mu == 0.0 and c.L == 300.0  # f'' = 12x² ∈ [0, 300]


def test_cosh_moduli_exact():
    _, c = conv("cosh(x)")
    assert c.verdict == "convex" and c.strong and c.mu == 1.0
    assert c.L_exact == sp.cosh(5) and c.L == pytest.approx(math.cosh(5), rel=1e-15)


def test_cubic_depends_on_box():
    obj, c = conv("x**3")
    assert c.verdict == "nonconvex" and c.L == 30.0
    assert c.witness["min_eigenvalue"] == -30.0
    check_chord(obj, c.witness["chord"])
    _, c = conv("x**3", "0:5")
    assert c.verdict == "convex" and c.strict and c.mu == 0.0 and c.L == 30.0


def test_concave_functions():
    _, c = conv("-x**2")
    assert c.verdict == "concave" and c.strict and c.mu is None and c.L == 2.0
    _, c = conv("log(x)", "1:5")
    assert c.verdict == "concave" and c.strict and c.L == 1.0  # |f''| = 1/x² ≤ 1


def test_exp_convex_with_exact_moduli():
    _, c = conv("exp(x)")
    assert c.verdict == "convex" and c.strong
    assert c.mu == pytest.approx(math.exp(-5)) and c.L == pytest.approx(math.exp(5))


@pytest.mark.parametrize("text", ["x*cos(pi*x)", "cos(x)", "tanh(x)"])
def test_nonconvex_with_verified_witness(text):
    obj, c = conv(text)
    assert c.verdict == "nonconvex"
    assert c.witness["min_eigenvalue"] < 0
    check_chord(obj, c.witness["chord"])


def test_nonconvex_verdict_says_neither_convex_nor_concave():
    """Rosenbrock p. 4: the verdict's row read "refuted: λ_min < 0 and λ_max > 0" without
    what was refuted; curvature of both signs refutes convexity and concavity, and the row
    says so, exact or with the chords that verify each."""
    _, c = conv("x**2 - y**2")  # λ = 2 and −2 everywhere: exact
    assert c.how["verdict"] == ("neither convex nor concave: λ_min < 0 and λ_max > 0 on the "
                                "box (exact)")
    obj, c = conv("x*cos(pi*x)")  # f'' = −2π sin(πx) − π²x cos(πx): π² at 1, −2π² at 2
    f2 = sp.diff(obj.expr, obj.variables[0], 2)
    assert f2.subs(obj.variables[0], 1) == sp.pi**2 and f2.subs(obj.variables[0], 2) < 0
    assert c.how["verdict"] == ("neither convex nor concave: λ_min < 0 and λ_max > 0 on the "
                                "box, each refuted by a chord verified exactly")
    # both chords are kept, so that the page can show each: f above one chord, below the
    # other (each gap that of f itself, checked here in floating point)
    for key, sign in (("chord", 1.0), ("concave_chord", -1.0)):
        ch = c.witness[key]
        x, y = np.array(ch["x"]), np.array(ch["y"])
        gap = obj.value((x + y) / 2) - (obj.value(x) + obj.value(y)) / 2
        assert sign * ch["gap"] > 0 and gap == pytest.approx(ch["gap"], rel=1e-9), key
    assert "concave_chord" not in conv("x**2 - y**2")[1].witness  # exact: no chord needed
    kink = Objective.parse("x**2 - abs(x)")
    k = kink.convexity()
    assert k.how["verdict"] == ("neither convex nor concave: each refuted by a chord verified "
                                "exactly")
    ch = k.witness["concave_chord"]
    x, y = np.array(ch["x"]), np.array(ch["y"])
    assert kink.value((x + y) / 2) - (kink.value(x) + kink.value(y)) / 2 == pytest.approx(
        ch["gap"])
    assert ch["gap"] < 0


def test_chords_are_verified_at_the_ends_a_report_prints():
    """Himmelblau p. 3: the gap recomputed from the printed ends (0.9778, −4.881) and
    (−1.019, −5.000) was 30.49, the printed gap 30.48, verified at ends not printed.  The
    ends are rounded to the digits a report prints before the exact check, so the gap
    from the printed ends is the printed gap."""
    from analysis.report import fmt_point

    obj, c = conv("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    for key in ("chord", "concave_chord"):
        ch = c.witness[key]
        for end in (ch["x"], ch["y"]):
            printed = [float(t.replace("−", "-")) for t in fmt_point(end).strip("()").split(", ")]
            assert printed == end, (key, end)  # the printed ends are the ends verified
        x, y = np.array(ch["x"]), np.array(ch["y"])
        assert obj.value((x + y) / 2) - (obj.value(x) + obj.value(y)) / 2 == pytest.approx(
            ch["gap"], rel=1e-12)


def test_x_cos_pi_x_curvature_bound():
    """|f''| = |−2π sin(πx) − π²x cos(πx)| ≤ 2π + 5π² on [−5, 5], attained near ±5."""
    _, c = conv("x*cos(pi*x)")
    assert c.L == pytest.approx(5 * math.pi**2, rel=1e-6)


def test_two_dimensional_nonpolynomial_proof():
    _, c = conv("exp(x + y) + x**2")
    assert c.verdict == "convex" and c.method == "symbolic"
    assert c.how["verdict"].startswith("proved: principal minors")


def test_interval_proof_and_refutation():
    x, y = sp.symbols("x y", real=True)
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    assert interval_nonnegative(144 * x**2 * y**2, (x, y), box) is True
    assert interval_nonnegative(sp.cosh(x) - 1, (x, y), box) is True
    assert interval_nonnegative(x - 1, (x, y), box) is False


# ------------------------------------------------------------------------ non-smooth f


@pytest.mark.parametrize(("text", "curv"), [
    ("abs(x - 2*y + 1)", 1), ("-3*abs(x)", -1), ("max(x, y, 0)", 1), ("min(x, -y)", -1),
    ("abs(x)**1.5", 1), ("relu(x - y)**2", 1), ("abs(x*y)", None), ("abs(x) - abs(y)", None),
    ("max(x**2, y)", None), ("2*x + 3", 0),
])
def test_composition_curvature(text, curv):
    from landscape.convexity import composition_curvature

    obj = Objective.parse(text, variables=["x", "y"])
    assert composition_curvature(obj.expr, obj.variables) == curv


@pytest.mark.parametrize(("text", "verdict"), [
    ("-abs(x)", "concave"), ("abs(x) + abs(y)", "convex"), ("relu(x) + y**2", "convex"),
    ("abs(x - 1) + 2*(y + 1)**2", "convex"), ("max(x, y) + x**2", "convex"),
])
def test_kinks_proved_by_composition(text, verdict):
    c = Objective.parse(text).convexity()
    assert (c.verdict, c.method) == (verdict, "symbolic")
    assert c.L is None and c.witness is None  # ∇f jumps at the kink: no Lipschitz constant


def test_a_kink_proof_names_the_smooth_hessian_its_eigenvalues_and_each_rule():
    """The kink report's p. 2: "symbolic proof: smooth part Hessian constant; exact
    eigenvalues; kink terms convex by composition rules (|affine|, max of convex)" named
    no eigenvalue and no term.  The proof object carries the smooth part, its Hessian and
    exact eigenvalues and each kink term with its rule; the report says them."""
    from analysis import report

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    x, y = obj.variables
    c = obj.convexity()
    assert (c.verdict, c.method) == ("convex", "symbolic")
    smooth = y**2 / 2
    H = sp.hessian(smooth, (x, y))
    assert sp.simplify(c.proof["smooth"] - smooth) == 0 and c.proof["hessian"] == H
    assert sorted(c.proof["eigenvalues"]) == sorted(H.eigenvals(multiple=True))  # 0, 1
    assert dict(c.proof["kinks"]) == {sp.Abs(x): "abs", sp.Max(0, y - 1): "max"}
    text = report._verdict_how(c)
    assert text.startswith("proved: the smooth part y²/2 has the constant Hessian "
                           "diag(0, 1), eigenvalues 0 and 1 ≥ 0 (exact); "), text
    assert "|x| (absolute value of an affine function)" in text
    assert "max(0, y − 1) (maximum of convex functions)" in text and text.endswith("convex")
    # not strictly convex: the analysis's reason, not the bare method
    assert not c.strict and report._strict_how(c) == c.how["strict"] != c.method


@pytest.mark.parametrize("text", ["x**2 - abs(x)", "abs(x*y)", "sign(x)*x**2"])
def test_kinks_refuted_by_a_chord_that_really_violates_convexity(text):
    obj = Objective.parse(text)
    c = obj.convexity()
    assert c.verdict == "nonconvex" and c.method == "numeric"
    ch = c.witness["chord"]
    x, y = np.array(ch["x"]), np.array(ch["y"])
    f = obj.value
    # independent float check of the exactly verified gap
    assert f((x + y) / 2) - (f(x) + f(y)) / 2 == pytest.approx(ch["gap"], rel=1e-9)
    assert ch["gap"] > 0


def test_minus_abs_is_not_called_convex_by_its_hessian():
    # the Hessian of -|x| is 0 away from the kink (point mass dropped): a Hessian-only proof
    # would call it convex; -|x| violates convexity on the chord (-1, 1): f(0) = 0 > -1
    c = Objective.parse("-abs(x)").convexity()
    assert c.verdict == "concave"
