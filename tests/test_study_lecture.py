"""The lecture sections of the study: their measured values against closed forms computed here.

The sections run once in quick mode (module fixture) without writing a PDF; every number a
check shows is in the builder's ledger, and each test recomputes the theory it should match
independently (closed forms typed in, NumPy re-implementations), not with the study's code.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis import study
from analysis.report import Builder, fmt_num, percent
from landscape.numfmt import fmt

LECTURE = (study.section_convexity, study.section_surfaces, study.section_sgd,
           study.section_schedules, study.section_nesterov, study.section_momentum_weights,
           study.section_adaptive)


@pytest.fixture(scope="module")
def S():
    s = study.Study(Builder("lecture test"), quick=True)
    for fn in LECTURE:
        fn(s)
    return s


def number(S, item: str, quantity: str = "measured"):
    """The ledger value of ``item`` (exact match, else the only item starting with it)."""
    hits = [n for n in S.b.ledger if n.quantity == quantity and n.item == item]
    if not hits:
        hits = [n for n in S.b.ledger if n.quantity == quantity and n.item.startswith(item)]
    assert len(hits) == 1, f"{item!r}/{quantity}: {len(hits)} ledger entries"
    return hits[0].value


def test_every_lecture_check_agrees(S):
    bad = [(c.what, c.theory, c.measured) for c in S.checks if c.verdict != "agrees"]
    assert not bad
    sections = {c.section for c in S.checks}
    assert len(sections) == len(LECTURE) and len(S.checks) >= 40


def test_chord_gaps_of_the_three_functions(S):
    # x² on [−2, 2]: the chord from −2 to 2 lies α(1 − α)(b − a)² = 4 above the graph at 0
    assert number(S, "x²: largest chord-above-graph") == pytest.approx(4.0, rel=1e-12)
    # cos on [−π, π]: graph − chord reaches max cos − min cos = 2 (chord −π…π, point 0)
    assert number(S, "cos x: largest graph-above-chord") == pytest.approx(2.0, rel=1e-12)
    # eˣ on [−2, 2]: ℓ(x) − eˣ is largest where eˣ = s = sinh(2)/2, the chord's slope
    s = math.sinh(2.0) / 2.0
    gap = math.exp(-2.0) + s * (math.log(s) + 2.0) - s
    assert number(S, "eˣ: largest chord-above-graph") == pytest.approx(gap, rel=2e-3)
    assert number(S, "eˣ: largest chord-above-graph") <= gap  # a grid cannot exceed the max
    # convex functions have no chord below the graph: the largest graph − chord is ≤ 0
    for name in ("x²", "eˣ"):
        assert number(S, name, "largest graph-above-chord gap") <= 0


def test_the_chords_caption_says_which_chord_is_dashed(S):
    """Study p. 7: each panel drew one chord solid and one dashed, and neither the legend nor
    the caption said why."""
    (block,) = [b for b in S.doc.figures() if b.label == "convexity chords"]
    fig = Figure(figsize=(6.8, block.fig_height / 72.0), layout="constrained")
    block.draw_fn(fig)
    for ax in fig.axes:  # in drawing order: the graph, then the chords (with their markers)
        chords = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
        assert [ln.get_linestyle() for ln in chords] == ["-", "--"]
    assert "the first solid, the second dashed" in block.caption


def test_a_chord_gap_reads_the_same_in_its_measured_and_decided_by_cells(S):
    """The gap of x² printed −0.0011 in its test and −0.00111 beside it (eˣ: −7.8e−05 against
    −7.77e−05): one value, one rounding."""
    rows = [c for c in S.checks if c.what.endswith("?") and "convex on" in c.what]
    assert len(rows) == 3
    for c in rows:
        gap = number(S, c.what.split(":")[0], "largest graph-above-chord gap")
        shown = fmt_num(gap, 3)
        assert c.measured.endswith(shown + "ⁿ"), c.measured
        assert c.decided.startswith(f"gap {shown} "), c.decided
        if gap < 0:
            assert f"the gap {shown} is negative" in c.reason


def test_the_chords_caption_names_the_colour_they_are_drawn_in(S):
    """The chords are Okabe–Ito's reddish purple (#CC79A7), which reads pink; the caption
    called them purple.  The panel of cos x said "nonconvex" and its title wrapped to two
    lines where the others had one."""
    from matplotlib.colors import to_hex

    (block,) = [b for b in S.doc.figures() if b.label == "convexity chords"]
    fig = Figure(figsize=(6.8, block.fig_height / 72.0), layout="constrained")
    block.draw_fn(fig)
    colours = {to_hex(ln.get_color()) for ax in fig.axes for ln in ax.get_lines()
               if ln.get_marker() == "o"}
    assert colours == {"#cc79a7"}
    assert block.caption.startswith("Two chords (reddish purple) ")
    fig.canvas.draw()
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["x²: convex", "cos x: not convex", "eˣ: convex"]  # one line each
    # the rows below the figure say it as its panel does
    (cos,) = [c for c in S.checks if c.what == "cos x: convex on [−π, π]?"]
    assert cos.theory == "not convex (symbolic analysis)"
    assert [ax.get_xlabel() for ax in fig.axes if ax.get_title()] == [
        "x ∈ [−2, 2]", "x ∈ [−π, π]", "x ∈ [−2, 2]"]


def test_the_noise_ball_names_its_runs_r_and_their_steps(S):
    """Study pp. 4, 28: the letter N was both the 20000 runs ("4√(2/N) = 4%") and the data set
    of 100 rows in the rows below it (pp. 27, 29 call the runs R); p. 26: the noise ball did
    not say how many steps each run took, on which the stationary variance rests."""
    (block,) = [b for b in S.doc.figures() if b.label == "noise ball"]
    assert "End points of 4000 SGD runs of 200 steps each" in block.caption
    # from 0, Var(e_k) = V(1 − (1 − ηλ)^(2k)); η = 0.1, λ = 1: 0.9^400 ≈ 5.0e−19
    assert f"by a relative {fmt_num(0.9 ** 400, 2)} at most" in block.caption
    rows = [c for c in S.checks if c.what.startswith("noise ball, η = 0.1: Var")]
    assert len(rows) == 2
    for c in rows:
        # the sample variance (divisor R − 1) has relative standard error √(2/(R − 1))
        assert "R = 4000 runs" in c.reason and "√(2/(R − 1))" in c.reason
        assert "2/N" not in c.reason


def test_the_nested_first_ratio_markers_are_explained(S):
    """Study p. 25: at k = 0 a β = 0.25 square was drawn enlarged around the β = 0.5 circle
    with no word.  Heavy ball's first step from v = 0 is a GD step whatever β, so both first
    ratios are ‖x₀ − η∇f(x₀)‖/‖x₀‖ and the markers coincide; the caption says so."""
    x0, eta, lam = np.array([-5.0, -2.0]), 0.6, np.array([0.2, 4.0])
    r0 = np.linalg.norm(x0 * (1 - eta * lam)) / np.linalg.norm(x0)  # both β
    assert r0 == pytest.approx(math.hypot(5 * 0.88, 2 * 1.4) / math.hypot(5, 2))
    (block,) = [b for b in S.doc.figures() if b.label == "beta 0.25"]
    assert ("At k = 0 both β take the same step (v₀ = g₀: the first step is GD's, −ηg₀), "
            "so their ratios "
            "coincide: β = 0.25's marker is drawn larger, around β = 0.5's.") in block.caption


def test_the_beta_figure_names_the_table_its_fitted_rates_are_in(S):
    """Study p. 27: the caption said "the rate in the table is a least-squares fit … over
    steps 30–80" without saying which table; the table a reader had seen (the
    ill-conditioning section's) fits the same run over k = 0–90 and reads 0.70863, not the
    0.70728 of the fit meant.  The caption names the table after the figure (on the next
    page when the figure ends one), and that table holds both β's rows fitted over those
    steps."""
    import re

    from analysis.pages import Table

    blocks = S.doc.blocks
    (i,) = [i for i, b in enumerate(blocks) if getattr(b, "label", None) == "beta 0.25"]
    got = re.search(r"the rates in the table after the figure are least-squares fits of "
                    r"ln‖xₖ‖ against k over steps (\d+)–(\d+)", blocks[i].caption)
    assert got, blocks[i].caption
    table = next(b for b in blocks[i + 1:] if isinstance(b, Table))
    names = [r[0] for r in table.rows]
    for beta in ("0.25", "0.5"):
        assert (f"β = {beta}, η = 0.6: rate per step (fit over steps {got[1]}–{got[2]})"
                in names), names


def test_the_schedules_caption_says_how_equal_means_are_marked(S):
    """Study p. 32: the caption said equal means "alternate their markers", but at k = 1–4,
    where every step is marked, only the constant step's markers show (the others'
    would cover them, so they are left out); it says so."""
    (block,) = [b for b in S.doc.figures()
                if b.caption.startswith("Left: mean-square error against step")]
    assert ("a step where schedules have the same mean is marked for one of them only, so "
            "no marker covers another") in block.caption
    assert "alternate" not in block.caption


def test_chord_gaps_helper_on_a_line_and_a_kink():
    x = np.linspace(-1, 1, 11)
    assert study.chord_gaps(3 * x + 1, x) == pytest.approx((0.0, 0.0), abs=1e-12)
    above, below = study.chord_gaps(np.abs(x), x)
    assert above == pytest.approx(0.0, abs=1e-12) and below == pytest.approx(1.0)


def test_saddle_hessian_eigenvalues(S):
    ev = sorted(number(S, "x² − y²", q) for q in ("eigenvalue 0 exact", "eigenvalue 1 exact"))
    assert ev == [-2.0, 2.0]  # Hessian of x² − y² is diag(2, −2)
    fd = sorted(number(S, "x² − y²", f"eigenvalue {i} finite differences") for i in (0, 1))
    assert fd == pytest.approx([-2.0, 2.0], abs=1e-8)
    assert number(S, "x³", "eigenvalue 0 exact") == 0.0  # f″(0) = 6·0


def test_noise_ball_variance(S):
    eta, sigma, n = 0.1, 1.0, 4000
    tol = 4 * math.sqrt(2 / n)
    for i, lam in ((1, 1.0), (2, 4.0)):
        var = eta * sigma**2 / (lam * (2 - eta * lam))
        got = number(S, f"noise ball, η = 0.1: Var(x{'₁₂'[i - 1]})")
        assert got == pytest.approx(var, rel=tol)


def test_minibatch_variance_is_one_over_b_with_the_population_correction(S):
    from optimizers import make_regression

    D, _, _ = make_regression(100, 2, noise=0.5, seed=3)
    A, y = D[:, :2], D[:, 2]
    G = -y[:, None] * A  # per-sample gradients of (aᵀw − y)²/2 at w = 0
    N, B = len(y), 10
    s2 = np.sum(np.mean((G - G.mean(axis=0)) ** 2, axis=0))
    want = s2 / B * (N - B) / (N - 1)
    assert number(S, "Var (trace of the covariance) of the minibatch gradient at B = 10") \
        == pytest.approx(want, rel=0.1)
    assert number(S, "slope of log(Var") == pytest.approx(-1.0, abs=0.03)
    assert abs(number(S, "Var of the gradient at B = N")) < 1e-20


def test_the_minibatch_tolerance_is_derived_from_the_spread_of_the_runs(S):
    """The row gave "tolerance 4 standard errors over 20000 runs" and 3.3% with nothing
    between them, where the noise-ball rows above show 4√(2/R) = 4%."""
    from optimizers import make_regression

    c = next(c for c in S.checks
             if c.what == "Var (trace of the covariance) of the minibatch gradient at B = 10")
    m = re.search(r"M = (\d+) runs: 4 standard errors \(4·s_d/\(√M·V\) = "
                  r"4·([\d.]+)/\(√(\d+)·([\d.]+)\) = ([\d.]+)%, s_d the standard deviation "
                  r"of the runs' ‖g_B − ḡ_B‖², ḡ_B the mean of the M minibatch "
                  r"gradients\)", c.reason)
    assert m, c.reason
    runs, sd, root, v, pct = (float(g) for g in m.groups())
    assert runs == root == 4000
    D, _, _ = make_regression(100, 2, noise=0.5, seed=3)
    G = -D[:, 2][:, None] * D[:, :2]  # per-sample gradients at w = 0
    N, B = len(G), 10
    assert v == pytest.approx(np.sum(G.var(axis=0)) * (N - B) / (B * (N - 1)), rel=1e-3)
    # the spread of ‖g_B − ḡ‖² over minibatches drawn here, without replacement
    rng = np.random.default_rng(0)
    gb = np.array([G[rng.permutation(N)[:B]].mean(axis=0) for _ in range(20000)])
    assert sd == pytest.approx(np.std(np.sum((gb - G.mean(axis=0)) ** 2, axis=1)), rel=0.05)
    assert 4 * sd / (math.sqrt(runs) * v) * 100 == pytest.approx(pct, rel=0.02)
    assert c.decided.endswith(f"≤ {m.group(5)}%"), c.decided  # the tolerance the check used


def test_decaying_steps_reach_the_minimum_and_constant_steps_stall(S):
    eta, sigma, L = 0.1, 1.0, 1.0
    floor = eta * sigma**2 / (L * (2 - eta * L))
    runs = 1000
    assert number(S, "constant step η = 0.1: E(x_k") == pytest.approx(
        floor, rel=4 * math.sqrt(2 / runs))
    a, K = 0.5 / 0.25, 2000  # η_k = 0.5/(1 + 0.25k) ~ a/k, 2aL = 4 > 1
    asymptote = a * a * sigma**2 / ((2 * a * L - 1) * K)
    assert number(S, "decaying step η_k = η₀/(1 + γk)") == pytest.approx(asymptote, rel=0.2)
    assert number(S, "decaying step η_k = η₀/(1 + γk)") < 0.05 * floor


def test_the_sgd_rows_define_their_symbols_and_write_out_standard_errors(S):
    """Study p. 5: the summary's SGD rows used σ, s, N and a without saying what they are, and
    abbreviated a standard error as "se"."""
    rows = {c.what.split(":")[0]: c for c in S.checks if c.section.startswith("SGD")}
    ball = rows["noise ball, η = 0.1"].reason
    assert "where σ = 1 is the standard deviation of the gradient noise" in ball
    mini = rows["Var (trace of the covariance) of the minibatch gradient at B = 10"].reason
    s2 = float(re.search(r"s² = ([\d.]+), the variance of the per-sample gradients, "
                         r"N = 100 samples", mini).group(1))
    # the theory value as printed comes back from the printed s² (study p. 31 printed no s²)
    var = rows["Var (trace of the covariance) of the minibatch gradient at B = 10"]
    shown = var.theory.rstrip("ᵗ")
    digits = len(shown.replace(".", "").lstrip("0"))
    assert shown == fmt(s2 * 90 / (10 * 99), digits), (shown, s2)
    # η_k = 0.5/(1 + 0.25k) ≈ a/k with a = η₀/γ = 2
    (decaying,) = [c for c in S.checks if c.section.startswith("SGD")
                   and c.what.startswith("decaying step") and "E(x_K − x*)²" in c.what]
    assert "a = η₀/γ = 2, L = 1, σ = 1" in decaying.reason
    assert all(" se" not in c.decided for c in S.checks), [c.decided for c in S.checks]


def test_schedule_closed_forms_against_hand_values():
    k = np.array([0, 24, 25, 50, 99])
    lr = 0.5
    np.testing.assert_allclose(study.schedule_closed_form(
        "step", k, lr, {"step_size": 25, "gamma": 0.5}), [0.5, 0.5, 0.25, 0.125, 0.0625])
    np.testing.assert_allclose(study.schedule_closed_form(
        "cosine", np.array([0, 50, 100, 120]), lr, {"T_max": 100, "eta_min": 0.0}),
        [0.5, 0.25, 0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(study.schedule_closed_form(
        "linear", np.array([0, 40, 80, 90]), lr, {"tau": 80, "final_lr": 0.005}),
        [0.5, 0.2525, 0.005, 0.005])
    warm = study.schedule_closed_form("cosine", np.array([0, 4, 9, 10]), lr,
                                      {"T_max": 90, "eta_min": 0.0, "warmup": 10})
    np.testing.assert_allclose(warm, [0.05, 0.25, 0.5, 0.5])


def test_schedules_read_back_from_runs(S):
    assert number(S, "schedules: η_k read from runs") <= 1e-12
    # the constant step's noise floor η₀σ²/(L(2 − η₀L)) with η₀ = 0.5, σ = 1, L = 1
    assert number(S, "E(x_K − x*)² after 200 noisy steps: constant") == pytest.approx(
        0.5 / 1.5, rel=4 * math.sqrt(2 / 1000))


def test_the_schedule_drawing_says_its_settings_are_not_the_runs(S):
    """Study p. 33: the drawing shows step (s = 25, γ = 0.5), warm-up 10 and 100 steps, the
    runs after it step (s = 50, γ = 0.3), warm-up 20 and 200 steps, and the caption did not
    say so: it names the runs' schedules that are not drawn and their steps, as the checks
    of those runs name them."""
    (block,) = [b for b in S.doc.figures() if b.label == "schedules"]
    runs = [re.fullmatch(r"E\(x_K − x\*\)² after (\d+) noisy steps: (.+)", c.what)
            for c in S.checks]
    runs = [m for m in runs if m]
    assert len(runs) == 4
    steps = {m.group(1) for m in runs}
    assert steps == {"200"}
    drawn = [study._schedule_label(n, p) for n, p in study._SCHEDULE_CASES]
    other = [m.group(2) for m in runs if m.group(2) not in drawn]
    assert other == ["step (s = 50, γ = 0.3)", "cosine (Tₘₐₓ = 200, ηₘᵢₙ = 0)",
                     "cosine + warm-up 20 (Tₘₐₓ = 180, ηₘᵢₙ = 0)"]
    assert block.caption.endswith(
        f"  Illustrative settings: the runs below use {other[0]}, {other[1]} and {other[2]}, "
        "over 200 steps.")
    assert study.other_settings_text(study._SCHEDULE_CASES, 100, study._SCHEDULE_CASES,
                                     100) == ""


def test_nesterov_and_heavy_ball_rates(S):
    kappa = 100.0
    q = math.sqrt(kappa)
    closed = {"GD with η = 2/(μ + L)": ("(κ − 1)/(κ + 1)", (kappa - 1) / (kappa + 1)),
              "heavy ball, Polyak's tuning": ("(√κ − 1)/(√κ + 1)", (q - 1) / (q + 1)),
              "Nesterov, η = 1/L": ("1 − 1/√κ", 1 - 1 / q)}
    # p. 4: "GD with η = 2/(μ + L): convergence" did not say κ; p. 5: two rows "rate vs the
    # closed form" repeated the heavy-ball and Nesterov convergence rows (same run, same
    # band, same test) and so counted two checks twice: each convergence row now names κ and
    # its closed form, and is the only row of its test
    rows = [c for c in S.checks if c.section.startswith("Nesterov against heavy ball")]
    assert [c.what for c in rows] == [f"{lab}, ρ = {form}, κ = 100: convergence"
                                      for lab, (form, _) in closed.items()]
    assert not [c for c in S.checks if ": rate vs " in c.what]
    measured = {}
    for (lab, (_, rho)), c in zip(closed.items(), rows, strict=True):
        (st,) = [v for k, v in S.studies.items() if k.endswith(f"/ {lab}")]
        assert st.prediction.rate == pytest.approx(rho, rel=1e-6)
        assert st.measurement.rate == pytest.approx(rho, rel=0.02)
        assert c.verdict == "agrees"
        # the tuned heavy ball and Nesterov (a double root) are decided by the band
        assert (c.decided == "measured rate in band") == (not lab.startswith("GD")), c.decided
        measured[lab] = st.measurement.rate
    hb, ne, gd = (measured[k] for k in ("heavy ball, Polyak's tuning", "Nesterov, η = 1/L",
                                         "GD with η = 2/(μ + L)"))
    assert hb < ne < gd


def _heavy_ball(beta: float, steps: int) -> np.ndarray:
    """The notes' momentum v ← βv + g, x ← x − ηv on 0.1x₁² + 2x₂², η = 0.6, from (−5, −2)."""
    x, v = np.array([-5.0, -2.0]), np.zeros(2)
    out = [x.copy()]
    for _ in range(steps):
        v = beta * v + np.array([0.2, 4.0]) * x
        x = x - 0.6 * v
        out.append(x.copy())
    return np.array(out)


def test_beta_quarter_converges_at_the_predicted_rate(S):
    for beta in (0.25, 0.5):
        rho = max(max(abs(np.roots([1.0, -(1 + beta - 0.6 * lam), beta])))
                  for lam in (0.2, 4.0))
        assert number(S, f"β = {beta:g}, η = 0.6: rate per step") == pytest.approx(rho, rel=0.01)
        path = _heavy_ball(beta, 20)
        ratio = np.linalg.norm(path[20]) / np.linalg.norm(path[0])
        assert number(S, f"β = {beta:g}: ‖x₂₀‖/‖x₀‖") == pytest.approx(ratio, rel=1e-9)
    assert 0.85 < number(S, "β = 0.25, η = 0.6: rate per step") < 0.87  # converges (ρ < 1), slowly


def test_the_beta_quarter_text_names_the_figure_of_the_longer_runs(S):
    """The text said "(and the longer run below)" where the figure printed on the next
    page: it names the figure by the title drawn on it."""
    from analysis.pages import Paragraph

    (text,) = [b.text for b in S.doc.blocks if isinstance(b, Paragraph)
               and "Theory settles the question of convergence" in b.text]
    assert "run below" not in text
    m = re.search(r"\(and so do the (\d+)-step runs of the figure titled ‘([^’]+)’, p\. ", text)
    assert m, text
    (block,) = [b for b in S.doc.figures() if b.label == "beta 0.25"]
    fig = Figure(figsize=(6.8, 4.0), layout="constrained")
    block.draw_fn(fig)
    from matplotlib.text import Text

    titles = [t.get_text() for t in fig.findobj(Text)]  # axes titles and the suptitle
    assert m.group(2) in titles, titles
    # the runs drawn are that long: the x axis of the errors reaches their last step
    assert fig.axes[0].get_xlim()[1] >= int(m.group(1))


def test_momentum_buffer_is_the_weighted_sum_of_past_gradients(S):
    assert number(S, "buffer of a real run") <= 1e-12
    assert number(S, "constant gradient g = 1") == pytest.approx(1 / (1 - 0.9), rel=1e-8)


def test_the_constant_gradient_buffer_states_beta_and_steps_and_meets_the_finite_sum(S):
    """Study p. 25: the row compared 200 steps' buffer with the limit 1/(1 − β) = 10 within
    1e−9, just above the truncation β²⁰⁰ = 7.1e−10, and stated neither β nor the steps: it now
    names both and compares with the finite sum Σ_(j<200) 0.9ʲ, to rounding."""
    total = math.fsum(0.9 ** j for j in range(200))
    (c,) = [c for c in S.checks if c.what.startswith("constant gradient g = 1")]
    assert "β = 0.9" in c.what and "200 steps" in c.what
    assert number(S, "constant gradient g = 1", "theory") == pytest.approx(total, rel=1e-13)
    assert number(S, "constant gradient g = 1") == pytest.approx(total, rel=1e-12)
    assert c.verdict == "agrees"
    # the shortfall from the limit 10 is the tail Σ_(j≥200) 0.9ʲ = 0.9²⁰⁰/(1 − 0.9), not 0.9²⁰⁰
    tail = 10.0 - total
    assert f"= {study.fmt_num(tail, 2)} short of it" in c.reason, c.reason
    assert tail == pytest.approx(0.9 ** 200 / 0.1, rel=1e-6)


def test_adaptive_methods_move_as_in_the_notes(S):
    # d2l (Zhang et al., Dive into Deep Learning, §11.7–11.8), the notes' source, prints after
    # 20 steps: AdaGrad η = 0.4 (−2.382563, −0.158591), η = 2 (−0.002295, −0.000000),
    # RMSProp η = 0.4, γ = 0.9 (−0.010599, 0.000000).
    published = {"AdaGrad η = 0.4": (-2.382563, -0.158591),
                 "AdaGrad η = 2": (-0.002295, 0.0),
                 "RMSProp η = 0.4, α = 0.9": (-0.010599, 0.0)}
    for label, want in published.items():
        got = number(S, label, "x after 20 steps")
        assert got == pytest.approx(want, abs=2e-6)
    adam = number(S, "Adam η = 0.4", "x after 20 steps")
    assert math.hypot(*adam) < 0.3 * math.hypot(5.0, 2.0)  # it moves: not stuck near x₀


def test_lecture_figures_keep_their_lines_inside_the_axes(S):
    for block in S.doc.figures():
        fig = Figure(figsize=(6.8, block.fig_height / 72.0), layout="constrained")
        block.draw_fn(fig)
        fig.canvas.draw()
        for ax in fig.get_axes():
            if getattr(ax, "name", "") == "3d":
                continue
            x0, x1 = sorted(ax.get_xlim())
            y0, y1 = sorted(ax.get_ylim())
            for line in ax.get_lines():
                if not isinstance(line, Line2D) or line.get_transform() != ax.transData:
                    continue
                xs, ys = (np.asarray(a, float) for a in line.get_data())
                ok = np.isfinite(xs) & np.isfinite(ys)
                if xs.size != ys.size or not ok.any():
                    continue
                assert np.all((xs[ok] >= x0 - 1e-9 * abs(x0)) & (xs[ok] <= x1 + 1e-9 * abs(x1))
                              ), f"{block.label}: {line.get_label()} leaves the x range"
                assert np.all((ys[ok] >= y0 - 1e-9 * abs(y0)) & (ys[ok] <= y1 + 1e-9 * abs(y1))
                              ), f"{block.label}: {line.get_label()} leaves the y range"


def test_mean_square_recursion_and_minibatch_variance_helpers():
    from analysis import theory

    # constant step: the fixed point is ησ²/(L(2 − ηL)) = 0.3/(2·1.4) for η = 0.3, L = 2
    s = theory.sgd_mean_square_path(np.full(400, 0.3), 2.0, 1.0, 5.0)
    assert s[0] == 25.0 and s[-1] == pytest.approx(0.3 / (2.0 * 1.4), rel=1e-12)
    # one step by hand: (1 − 0.3·2)²·25 + 0.3²
    assert s[1] == pytest.approx(0.16 * 25 + 0.09)
    # drawing the whole population leaves no variance; one sample keeps all of it
    assert theory.minibatch_variance(3.0, 50, 50) == 0.0
    assert theory.minibatch_variance(3.0, 50, 1) == pytest.approx(3.0)
    # brute force over every 2-subset of four values
    import itertools

    vals = np.array([1.0, 2.0, 4.0, 8.0])
    means = [np.mean(c) for c in itertools.combinations(vals, 2)]
    assert theory.minibatch_variance(vals.var(), 4, 2) == pytest.approx(np.var(means))
    with pytest.raises(ValueError):
        theory.minibatch_variance(1.0, 4, 5)


def test_a_rate_check_shows_the_difference_its_verdict_rests_on():
    """The summary's rel. diff. of a rate is the quantity the theory table's 'decided by'
    shows: max(|Δρ|/ρ, |Δln ρ|/|ln ρ|), recomputed here from the two rates (heavy ball on
    0.1x² + 2y² with η = 0.6, β = 0.5: ρ = √β exactly, the fit a little above it)."""
    import math

    from analysis.report import decided_by, percent
    from landscape import Objective

    s = study.Study(Builder("rate check"), quick=True)
    st = s.rate("hb", Objective.parse("0.1*x**2 + 2*y**2"), "momentum", [-5.0, -2.0], lr=0.6,
                momentum=0.5)
    p, m = st.prediction.rate, st.measurement.rate
    assert p == pytest.approx(math.sqrt(0.5), rel=1e-9)
    on_rho, on_log = abs(m - p) / p, abs(math.log(m) - math.log(p)) / abs(math.log(p))
    assert on_log > on_rho  # the log scale decides here
    (check,) = [c for c in s.checks if c.what == "hb: convergence"]
    assert check.rel_diff == pytest.approx(on_log, rel=1e-9)
    assert percent(check.rel_diff) in decided_by(st.comparison, st.prediction)
    assert check.decided == decided_by(st.comparison, st.prediction, st.measurement)
    assert check.decided.startswith(f"Δln ρ/ln ρ {percent(on_log)}")


def test_two_measures_of_the_same_rates_are_each_labelled():
    """The study summary showed 3.6 % in one row and 0.73 % in another for the same pair of
    rates, unlabelled: each cell now names what it measures and the criterion."""
    s = study.Study(Builder("labels"), quick=True)
    p, m = 0.81818, 0.82416
    num = s.numeric_check("rate vs formula", p, m, rtol=0.01)
    rate = s.rate_check("rate rule", p, m, rtol=0.05, reason="r")
    on_rho = abs(m - p) / p
    on_log = abs(math.log(m) - math.log(p)) / abs(math.log(p))
    assert study.check_decided(num) == f"|m − p|/|p| {percent(on_rho)} ≤ 1%"
    assert study.check_decided(rate) == f"Δln ρ/ln ρ {percent(on_log)} ≤ 5%"


def test_the_beta_quarter_factor_is_worded_from_its_numbers(S):
    """'Shrinks by a factor of about N' states 1/ρ²⁰ and the measured 1/(‖x₂₀‖/‖x₀‖), each
    computed here from the heavy-ball roots and an independent run (the text once said 20
    for a measured 1/0.0419 ≈ 24)."""
    rho = max(max(abs(np.roots([1.0, -(1 + 0.25 - 0.6 * lam), 0.25]))) for lam in (0.2, 4.0))
    path = _heavy_ball(0.25, 20)
    measured = np.linalg.norm(path[20]) / np.linalg.norm(path[0])
    text = " ".join(getattr(blk, "text", "") for blk in S.doc.blocks)
    assert f"by a factor of about {fmt(1 / rho ** 20, 2)} (1/ρ²⁰;" in text
    assert f"a factor of {fmt(1 / measured, 2)};" in text


def test_nesterov_step_savings_are_worded_from_the_rates(S):
    """On κ = 100 steps scale as 1/|ln ρ|: heavy ball needs ln ρ_hb / ln ρ_gd ≈ 10.03× fewer
    steps than GD, Nesterov (ρ = 1 − 1/√κ) only ≈ 5.26× (about √κ/2), not √κ."""
    texts = " ".join(str(getattr(b, "text", "")) for b in S.b.doc.blocks)
    gd, hb, ne = 99 / 101, 9 / 11, 0.9
    assert f"heavy ball needs {fmt(math.log(hb) / math.log(gd), 3)}× fewer steps" in texts
    assert f"Nesterov {fmt(math.log(ne) / math.log(gd), 3)}× fewer (about √κ/2)" in texts


def test_the_diverged_heavy_ball_starts_are_explained_by_the_curvature_they_met():
    """Study, Rosenbrock ECDF: 35 momentum starts diverged without a sentence.  On
    f = 1000x⁴ + y² the curvature 12000x² passes heavy ball's limit 2(1 + β)/η = 3800
    (η = 1e-3, β = 0.9) for |x| > 0.563: the start at x = 2 meets it at once and diverges,
    the one at x = 0.1 never does."""
    from types import SimpleNamespace as NS

    from analysis import study
    from analysis.starts import DIVERGED
    from landscape import Objective

    assert study.heavy_ball_limit(1e-3, 0.9) == pytest.approx(3800.0)
    obj = Objective.parse("1000*x**4 + y**2")
    X0 = np.array([[2.0, 1.0], [0.1, 1.0]])
    st = NS(X0=X0, runs={"m": NS(outcome=np.array([DIVERGED, ""], dtype=object))})
    text = study.divergence_curvature_text(obj, st, "m", 1e-3, 0.9, steps=5)
    assert text.startswith("Why 1 of the 2 momentum starts diverged")
    assert "2(1 + β)/η = 3800" in text
    assert "by step 0 every diverged start had met λ_max(∇²f) above that limit (at least " \
           "48000)" in text  # 12000·2² at the start
    assert "none of the 1 converged starts did within 0 steps" in text
    st.runs["m"].outcome = np.array(["", ""], dtype=object)
    assert study.divergence_curvature_text(obj, st, "m", 1e-3, 0.9) == ""


def test_floor_run_text_says_what_the_run_did():
    """The Newton caption said each run went 'until its error reaches the rounding floor,
    pure Newton 14 steps' though pure Newton reached the floor at step 4."""
    from types import SimpleNamespace as NS

    def st(n, k, status):
        return NS(result=NS(path=np.zeros((n + 1, 1)), status=status),
                  measurement=NS(floor_index=k))

    assert study.floor_run_text("pure Newton", st(14, 4, "maxiter")) == (
        "pure Newton reached the floor at step 4 and ran on to step 14, 10 steps past it")
    assert study.floor_run_text("sf", st(7, 6, "stalled")) == (
        "sf reached the floor at step 6 and stopped at step 7, when a step no longer changed x")
    assert "without reaching the floor" in study.floor_run_text("gd", st(200, None, "maxiter"))


def test_max_excursion_in_standard_errors():
    """The SGD caption said 'excursions to three standard errors' while the panel peaked near
    3.2: the largest is computed, |m/s − 1|/√(2/R)."""
    R = 2000
    se = math.sqrt(2 / R)
    theory = {"a": np.ones(5), "b": np.full(3, 2.0)}
    measured = {"a": 1 + se * np.array([0.1, -1.0, 2.0, 0.0, 0.5]),
                "b": 2.0 * (1 + se * np.array([0.0, -3.2, 1.0]))}
    assert study.max_excursion(measured, theory, R) == pytest.approx(3.2)


def test_a_tiny_tolerance_is_told_from_its_value():
    """The study printed "|m − p|/|p| <0.01% ≤ <0.01%" for a check with tolerance 10⁻⁶."""
    assert study.numeric_decided(3e-8, 1e-6, True) == "|m − p|/|p| 3e-08 ≤ 1e-06"
    assert study.numeric_decided(0.0073, 0.02, True) == "|m − p|/|p| 0.73% ≤ 2%"


def test_every_decided_by_cell_names_its_test_and_threshold():
    """Study p. 3 printed '|m − p|/|p| 0%' and '1.4%' for the stability map (rule: at least
    98 % of the cells), p. 5/26 '|m − p|/|p| 3.1%' for a rule 'within 8 steps', p. 32 bare
    '<0.01%'/'0%' for the first steps: the absolute tolerance that decided is shown."""
    from analysis.report import Builder

    s = study.Study(Builder("decided"))
    s.section = "t"
    c = s.numeric_check("steps", 45.4, 44.0, rtol=0.0, abs_tol=8.0, digits=3)
    assert c.decided == "|m − p| 1.4 ≤ 8" and study.check_decided(c) == c.decided
    c = s.numeric_check("share", 1.0, 0.986, rtol=0.0, abs_tol=0.02, digits=3)
    assert c.decided == "|m − p| 0.014 ≤ 0.02"
    c = s.numeric_check("engines", 0.0, 4.4e-16, rtol=0.0, abs_tol=1e-9, digits=2)
    assert c.decided == "|m − p| 4.4e-16 ≤ 1e-09"
    c = s.numeric_check("rel", 2.0, 2.01, rtol=0.01, abs_tol=1e-12)
    assert c.decided == "|m − p|/|p| 0.50% ≤ 1%"  # the relative tolerance decided
    for c in s.checks:
        assert re.search(r"[≤>] \S+$", study.check_decided(c)), c.decided


def test_an_empty_column_is_dropped_from_a_checks_table():
    """Study p. 39: the 'note' column of a table whose rows have no note collapsed, its
    header running into 'verdict'."""
    from analysis.report import Builder, drop_empty_columns

    cols, rows = drop_empty_columns(["a", "b", "c"], [["1", "", "x"], ["2", " ", ""]])
    assert cols == ["a", "c"] and rows == [["1", "x"], ["2", ""]]
    s = study.Study(Builder("empty note"))
    s.section = "t"
    s.statement_check("pure Newton", "ascent step", "ended at a maximum", True,
                      test="nearest critical point 0 < 1e-06: maximum")
    s.checks_table(0)
    table = s.b.doc.blocks[-1]
    assert [getattr(c, "header", c) for c in table.columns][-1] == "verdict"


def test_every_statement_check_names_its_test(S):
    """Study pp. 2–8, 23, 34, 40: statement checks (bracket tests, bounds, yes/no outcomes)
    printed '—' as the test that decided them."""
    from analysis.report import Builder

    blank = [c.what for c in S.checks if not study.check_decided(c).strip("— ")]
    assert not blank
    adaptive = {c.what: c.decided for c in S.checks}
    assert adaptive["AdaGrad η = 2: reaches the minimum in 20 steps"].endswith(" = ‖x₀‖/100")
    assert re.fullmatch(r"0 < \S+ ≤ \S+", adaptive[
        "AdaGrad η = 0.4: progress along the flat x₁ is throttled"])
    s = study.Study(Builder("no test"))
    s.section = "t"
    with pytest.raises(ValueError, match="name the test"):
        s.statement_check("a statement", "holds", "held", True)
    assert study.bracket_decided(0.4729, 0.5, 0.5357, True) == "0.4729 < 0.5 < 0.5357"
    assert study.bracket_decided(0.4729, 0.6, 0.5357, False) == "0.6 ∉ (0.4729, 0.5357)"
    assert study.bound_decided(0.0023, 0.0539, True, strict=True) == "0.0023 < 0.0539"


def test_a_relative_difference_takes_the_unit_of_its_tolerance():
    """Study p. 33 printed '0% ≤ 1e−06', p. 40 '0% ≤ 1e−12', p. 8 '6.9e−06 ≤ 0.2%'."""
    assert study.numeric_decided(0.0, 1e-6, True) == "|m − p|/|p| 0 ≤ 1e-06"
    assert study.numeric_decided(0.0, 1e-12, True) == "|m − p|/|p| 0 ≤ 1e-12"
    assert study.numeric_decided(6.9e-6, 0.002, True) == "|m − p|/|p| 0.00069% ≤ 0.2%"
    assert study.numeric_decided(0.0, 0.01, True) == "|m − p|/|p| 0% ≤ 1%"


def test_schedule_parameters_are_written_in_the_notation_of_the_text(S):
    """Study p. 5–6, 31 printed PyTorch's argument names 'eta_min = 0', 'step_size = 50',
    'final_lr' beside a typeset Tₘₐₓ."""
    from analysis.pages import Paragraph

    assert study._schedule_label("cosine", {"T_max": 100, "eta_min": 0.0}) == \
        "cosine (Tₘₐₓ = 100, ηₘᵢₙ = 0)"
    assert study._schedule_label("step", {"step_size": 25, "gamma": 0.5}) == \
        "step (s = 25, γ = 0.5)"
    text = " ".join([c.what + c.theory + c.measured + c.reason for c in S.checks]
                    + [b.text for b in S.b.doc.blocks if isinstance(b, Paragraph)]
                    + [b.caption for b in S.b.doc.figures()])
    for code in ("eta_min", "step_size", "final_lr", "T_max", "inverse_time"):
        assert code not in text, code
    assert "ηₘᵢₙ + (η₀ − ηₘᵢₙ)" in text


def test_a_measured_value_shows_the_digits_of_the_theory_beside_it():
    """Study p. 29 printed '0.96ᵐ' against 0.9634, p. 32 '0.0197' against 0.01977: the
    trailing zeros of the measured value were dropped."""
    from analysis.report import Builder, fmt_like

    s = study.Study(Builder("digits"))
    s.section = "t"
    c = s.numeric_check("variance", 0.9634, 0.96003, rtol=0.033)
    assert (c.theory, c.measured) == ("0.9634ᵗ", "0.9600ᵐ")
    c = s.numeric_check("error", 0.01977, 0.0197002, rtol=0.09)
    assert c.measured == "0.01970ᵐ"
    assert fmt_like(1.0, "1") == "1" and fmt_like(2e-16, "0") == "2e-16"
    assert fmt_like(0.123456, "0.5") == "0.1235"  # never fewer than its own digits


def test_a_counted_number_of_steps_is_written_as_an_integer():
    """Study p.3/p.13: the tanh crossing measured "376.00ᵐ" steps beside theory's 373.21, and
    p.4 "44.0ᵐ" steps: a count of steps keeps its integer form, while a measured value
    beside a theory value still shows the theory's digits (0.9600 beside 0.9634)."""
    from analysis.report import Builder

    s = study.Study(Builder("counts"))
    s.section = "t"
    c = s.numeric_check("GD steps", 373.21, 376.0, rtol=0.05, digits=5, count=True)
    assert c.measured.startswith("376") and "376." not in c.measured
    c = s.numeric_check("factor", 0.9634, 0.96003, rtol=0.01)
    assert c.measured.startswith("0.9600")


def test_the_beta_half_caption_says_what_the_coordinates_do(S):
    """Study p. 26: the caption said the error "rotates between x₁ and x₂", but the
    coordinates of a diagonal quadratic are decoupled: each is ρᵏ times its own cosine, at
    the angle of its root of z² − (1 + β − ηλ)z + β, cos θ = (1 + β − ηλ)/(2√β)."""
    (block,) = [b for b in S.doc.figures() if b.label == "beta 0.25"]
    assert "rotates between" not in block.caption
    assert "each coordinate is ρᵏ times its own cosine" in block.caption
    for lam, name in ((0.2, "x₁"), (4.0, "x₂")):
        theta = math.acos((1 + 0.5 - 0.6 * lam) / (2 * math.sqrt(0.5)))
        assert f"{fmt_num(theta, 3)} rad for {name} (λ = {lam:g})" in block.caption
    # the radius as every table and legend prints it (fmt_rate), not 0.7071
    assert f"modulus √β = {fmt(math.sqrt(0.5), 5)}" in block.caption
    assert "(the velocity starts at 0)" not in block.caption and "v₀ = g₀" in block.caption


def test_the_sgd_rows_define_their_symbols_and_the_minibatch_text_its_divisor(S):
    """Study p. 28: the table (placed by the page engine above the paragraph on decaying
    steps) used a, K, L and η before the text defined them, and s² had no divisor though
    Cochran's S² has N − 1.  Each row now gives its values; the text says which s²."""
    from analysis.pages import Paragraph

    const = next(c for c in S.checks if c.what.startswith("constant step"))
    assert "η = 0.1" in const.what and "L = 1" in const.reason and "σ = 1" in const.reason
    dec = next(c for c in S.checks if c.what.startswith("decaying step η"))
    assert "η₀ = 0.5, γ = 0.25" in dec.what and "K = 2000" in dec.what
    assert f"a = η₀/γ = {0.5 / 0.25:g}, L = 1, σ = 1" in dec.reason
    (text,) = [b.text for b in S.doc.blocks if isinstance(b, Paragraph)
               and b.text.startswith("Minibatch gradients")]
    assert "s² the variance of the per-sample gradients at w with divisor N" in text
    # the two conventions give the same variance: s²(N − B)/(B(N − 1)) = S²(N − B)/(BN)
    from optimizers import make_regression

    D, _, _ = make_regression(100, 2, noise=0.5, seed=3)
    G = -D[:, 2][:, None] * D[:, :2]
    N, B = len(G), 10
    s2, S2 = np.sum(G.var(axis=0)), np.sum(G.var(axis=0, ddof=1))
    assert s2 * (N - B) / (B * (N - 1)) == pytest.approx(S2 * (N - B) / (B * N), rel=1e-12)
    assert "S²(N − B)/(BN)" in text


def test_the_momentum_window_share_is_given_per_beta(S):
    """Study p. 25: "the last 1/(1 − β) gradients carry ≈ 63% of the weight" holds for β
    near 1 only; for the plotted β = 0.25 the window is 1.33 gradients carrying 84%."""
    from analysis.pages import Paragraph

    (text,) = [b.text for b in S.doc.blocks if isinstance(b, Paragraph)
               and b.text.startswith("The momentum buffer")]
    share = 1 - 0.25 ** (4 / 3)  # Σ over j < 4/3 of (1 − β)βʲ, continued: 1 − β^(1/(1 − β))
    assert share == pytest.approx(0.8425, abs=1e-4)
    assert f"β = 0.25: {percent(share)} on the last 1/(1 − β) = 1.33" in text
    assert "tends to 1 − 1/e ≈ 63% as β → 1" in text
    assert f"β = 0.9: {percent(1 - 0.9 ** 10)} on the last 1/(1 − β) = 10" in text
    # the window lines are drawn in each β's colour; the legend's grey entry says so
    (block,) = [b for b in S.doc.figures() if b.label == "momentum weights"]
    fig = Figure(figsize=(6.8, 4.0), layout="constrained")
    block.draw_fn(fig)
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert "window 1/(1 − β), in its β's colour" in legend, legend


def test_the_caption_says_which_ratio_series_equals_another(S):
    """Study p. 34: the constant step's ratio series lay hidden under the step schedule's
    for the first 50 steps (the same η = 0.5 until the step schedule's first decay after
    s = 50 steps, and the same noise draws), and nothing said so."""
    (block,) = [b for b in S.doc.figures() if b.label == "schedule effect"]
    assert ("  For k ≤ 50, step (s = 50, γ = 0.3) takes the same steps as constant with the "
            "same draws: its ratio equals constant's there.") in \
        block.caption, block.caption
    assert block.caption.count("takes the same steps as") == 1
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.5, 4.0])
    t = np.ones(4)
    assert study.equal_ratio_stretches({"a": a, "b": b}, {"a": t, "b": t}) == [("a", "b", 2)]
    assert study.equal_ratio_stretches({"a": a, "b": a + 1}, {"a": t, "b": t}) == []


def test_the_warm_up_dip_below_the_constant_floor_is_explained(S):
    """Study p. 30: the warm-up curve dips below the constant step's floor 0.333 near k = 14
    and climbs back, with no word on why (its small steps have a lower floor)."""
    (block,) = [b for b in S.doc.figures() if b.label == "schedule effect"]
    W, T, K, s, out = 20, 180, 200, 9.0, []  # s_k = E x_k² from x₀ = 3, σ = L = 1, η₀ = 0.5
    for k in range(K):
        eta = 0.5 * (k + 1) / W if k < W else 0.5 * (1 + math.cos(math.pi * (k - W) / T)) / 2
        s = (1 - eta) ** 2 * s + eta**2
        out.append(s)
    i = int(np.argmin(out[: 2 * W]))
    j = i + int(np.argmax(out[i: 2 * W]))
    assert out[i] < 0.5 / 1.5 - 0.1  # a real dip below the floor η₀σ²/(2 − η₀)
    assert (f"dips below the constant step's floor 0.333 (to {fmt_num(out[i], 3)} at "
            f"k = {i + 1}) and climbs back to {fmt_num(out[j], 3)} at k = {j + 1}") in \
        block.caption, block.caption


def test_summary_rows_state_their_rules_and_parameters(S):
    """Study p. 2: the convexity rows' thresholds 4e−12, 1e−12 and 7.4e−12 differed without a
    word (they are 1e−12·max(1, max|f|)); p. 5: the SGD noise-ball rows did not state η; p. 28:
    "Var" was the trace of the covariance and ḡ_B was not defined; p. 30: the factor 10 of the
    noise-floor test was in neither the what nor the theory column."""
    for name, top in (("x²", 4.0), ("cos x", 1.0), ("eˣ", math.exp(2.0))):
        (row,) = [c for c in S.checks if c.what.startswith(f"{name}: convex on")]
        assert f" {fmt_num(1e-12 * top, 2)} = 1e−12·max(1, max|f|): " in row.decided, row.decided
    ball = [c for c in S.checks if c.what.startswith("noise ball")]
    assert [c.what for c in ball] == ["noise ball, η = 0.1: Var(x₁), λ = 1",
                                      "noise ball, η = 0.1: Var(x₂), λ = 4"]
    # ησ²/(λ(2 − ηλ)) with η = 0.1, σ = 1 — the values the rows show
    assert number(S, "noise ball, η = 0.1: Var(x₁)", "theory") == pytest.approx(0.1 / 1.9)
    (var,) = [c for c in S.checks if c.what.startswith("Var (trace of the covariance) of the "
                                                       "minibatch gradient at B = 10")]
    assert "ḡ_B the mean of the M minibatch gradients" in var.reason
    (floor,) = [c for c in S.checks if c.what.startswith("decaying steps go below")]
    assert floor.what.endswith("noise floor by a factor > 10")
    assert floor.decided.endswith(" standard errors)/10")  # the factor the what column names


def test_the_noise_floor_prints_one_value_and_names_its_two_measurements(S):
    """Study pp. 6–7: the floor ησ²/(L(2 − ηL)) printed 0.05263 in one row and 0.0526 in the
    next; the measured floor 0.05299 printed 0.053 in its own note; and the next row's
    0.0558 (one step, k = 2000) read as a second measured floor, unexplained."""
    from analysis.report import diff_digits

    floor = 0.1 / (1.0 * (2 - 0.1 * 1.0))  # η = 0.1, σ = 1, L = 1
    (row,) = [c for c in S.checks if c.what.endswith("(noise floor)")]
    (dec,) = [c for c in S.checks if c.what.startswith("decaying steps go below")]
    th = number(S, row.what, "theory")
    assert th == pytest.approx(floor, rel=1e-9)
    m = number(S, row.what)
    n = diff_digits(th, m)
    assert row.theory == f"{fmt_num(th, n)}ᵗ" and row.measured == f"{fmt_num(m, n)}ᵐ"
    assert f"measured {fmt_num(m, n)} ± " in row.reason, row.reason
    assert f"from its floor {fmt_num(th, n)}:" in dec.reason, dec.reason
    # study p. 32: the explanation is the note's; the measured cell holds the two values
    runs = re.search(r"standard error over (\d+) runs of each run's average", row.reason)
    assert runs, row.reason
    assert (f"measured: mean ± standard error over {runs.group(1)} runs at the one step "
            "k = 2000, where the noise-floor row averages each run over k = 1000…2000 "
            f"({fmt_num(m, n)}ᵐ); ") in dec.reason, dec.reason
    assert re.fullmatch(r"at k = 2000: \S+ ± \S+ against \S+ ± \S+", dec.measured), dec.measured
    (block,) = [b for b in S.doc.figures() if b.label == "sgd decay"]
    assert f"reaches its floor {fmt_num(th, n)} after" in block.caption


def test_the_steps_to_shrink_the_error_say_where_their_tolerance_comes_from(S):
    """Study p. 6: "within 8 steps" gave no source for the 8: it is the shift of the count
    by a transient factor C up to 3 either way, ⌈ln 3/|ln ρ|⌉ with ρ of β = 0.25."""
    (c,) = [c for c in S.checks if c.what.startswith("β = 0.25: steps to shrink")]
    rho = max(abs(z) for lam in (0.2, 4.0)
              for z in np.roots([1.0, -(1 + 0.25 - 0.6 * lam), 0.25]))
    slack = math.ceil(math.log(3) / -math.log(rho))
    assert slack == 8
    assert c.decided.endswith(f"≤ {slack}"), c.decided
    assert (f"within ⌈ln 3/|ln ρ|⌉ = {slack} steps: C up to 3 times larger or smaller "
            "than 1") in c.reason, c.reason


def test_the_momentum_text_says_how_a_buffer_treats_constant_and_alternating_gradients(S):
    """Study p. 25: "a constant gradient is amplified to g/(1 − β)" followed the average, which
    keeps it at g; "alternating gradients cancel" where they are damped to g/(1 + β)."""
    from analysis.pages import Paragraph

    (text,) = [b.text for b in S.doc.blocks if isinstance(b, Paragraph)
               and b.text.startswith("The momentum buffer")]
    assert "cancel" not in text and "amplified" not in text
    # v ← βv + g with g constant: v → g/(1 − β); with g, −g, g, …: |v| → g/(1 + β)
    for beta in (0.25, 0.9):
        v = w = 0.0
        for k in range(400):
            v = beta * v + 1.0
            w = beta * w + (-1.0) ** k
        assert v == pytest.approx(1 / (1 - beta)) and abs(w) == pytest.approx(1 / (1 + beta))
    assert ("In the un-normalised buffer v ← βv + g a constant gradient g builds up to "
            "g/(1 − β) (the average keeps it at g), while alternating gradients ±g (a zig-zag) "
            "are damped to ±g/(1 + β).") in text


def test_the_heavy_ball_rates_say_they_repeat_the_ill_conditioning_runs(S):
    """Study pp. 5, 27: the heavy-ball runs η = 0.6, β = 0.5 and 0.25 appear twice with two
    measured rates and two tolerances; the second rows now say it is the same run and why."""
    rows = [c for c in S.checks if "rate per step" in c.what]
    assert [c.what for c in rows] == ["β = 0.25, η = 0.6: rate per step (fit over steps 30–80)",
                                      "β = 0.5, η = 0.6: rate per step (fit over steps 30–80)"]
    first, second = rows
    assert "the same parameters and start as the ill-conditioning section's ‘momentum " \
           "with η = 0.6, β = 0.25’ row (its first 80 steps are these)" in first.reason
    # study p. 29: the second row repeated the first's note word for word
    assert second.reason.startswith("as for β = 0.25; "), second.reason
    assert "the ill-conditioning section's ‘momentum with η = 0.6, β = 0.5’ row" in second.reason
    assert "spectral radius" not in second.reason and "same parameters" not in second.reason
    for c in rows:
        assert "hence 2% rather than 1%" in c.reason


def test_the_heavy_ball_rate_rows_give_the_length_and_window_of_the_other_section_s_runs(S):
    """Study p. 29: "the same run as the ill-conditioning section's heavy-ball row, which is
    fitted over the settled steps of a longer run" contradicted itself (80 steps here; 211 and
    101 steps there, fitted over k = 41–200 and, for β = 0.5, from k = 0).  The rows now say
    it is the same parameters and start, and give that run's length and window."""
    from landscape import Objective
    from optimizers import minimize

    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    for b, (n, a, z) in ((0.25, (211, 52, 200)), (0.5, (101, 0, 90))):
        (c,) = [c for c in S.checks if c.what.startswith(f"β = {b:g}, η = 0.6: rate per step")]
        if b == 0.25:
            # p. 29: "211 steps long" beside a per-step table "of 0–199": the note says which
            # of the run's errors lie above the rounding floor 10³·ε (x* = 0)
            e = np.linalg.norm(minimize(obj, [-5.0, -2.0], "momentum", lr=0.6, momentum=b,
                                        steps=n, record=True).path, axis=1)
            last = int(np.flatnonzero(e > 1e3 * np.finfo(float).eps)[-1])
            assert last == z and np.all(e[: last + 1] > 1e3 * np.finfo(float).eps)
            assert (f"whose run is {n} steps, of which k = 0–{last} lie above the rounding "
                    f"floor, and whose rate is fitted over k = {a}–{z} with the 1% rule, "
                    "hence its slightly different measured rate") in c.reason, c.reason
            # p. 5: "the heavy-ball row" named no row of that section: its row is labelled so
            assert (f"the same parameters and start as the ill-conditioning section's "
                    f"‘momentum with η = 0.6, β = {b:g}’ row") in c.reason, c.reason
        else:  # the second row says only what differs from the first
            assert (f"the ill-conditioning section's ‘momentum with η = 0.6, β = {b:g}’ row: "
                    f"{n} steps, fitted over k = {a}–{z} with the 1% rule, measured rate"
                    ) in c.reason, c.reason
        # p. 5: the 2% rule and its percentage came right after the other row's rate, as if
        # they were that row's: they are said to be this row's, with the difference
        # recomputed here: ρ the largest root modulus of z² − (1 + β − ηλ)z + β over
        # λ ∈ {0.2, 4}, the fit a least-squares slope of ln‖xₖ‖ over the row's steps
        rho = max(abs(r) for lam in (0.2, 4.0) for r in np.roots([1.0, -(1 + b - 0.6 * lam), b]))
        lo, hi = map(int, re.search(r"fit over steps (\d+)–(\d+)", c.what).groups())
        e = np.linalg.norm(minimize(obj, [-5.0, -2.0], "momentum", lr=0.6, momentum=b,
                                    steps=hi, record=True).path, axis=1)
        fit = math.exp(np.polyfit(np.arange(lo, hi + 1), np.log(e[lo:hi + 1]), 1)[0])
        d = max(abs(fit - rho) / rho, abs(math.log(fit) - math.log(rho)) / abs(math.log(rho)))
        assert c.reason.endswith(
            f"; this row's rule: within 2% on ρ and on −ln ρ (this row's difference: "
            f"{percent(d)})"), c.reason
        assert "; rule: within" not in c.reason
        assert "the same run as" not in c.reason and "settled steps" not in c.reason
        # the longer run starts as the 80 steps of this section: same parameters and start
        short = minimize(obj, [-5.0, -2.0], "momentum", lr=0.6, momentum=b, steps=80,
                         record=True).path
        long = minimize(obj, [-5.0, -2.0], "momentum", lr=0.6, momentum=b, steps=n,
                        record=True).path
        assert np.array_equal(long[:81], short)


def test_the_heavy_ball_rate_rows_print_rho_as_the_ill_conditioning_table_does(S):
    """Study pp. 4–5: ρ of β = 0.25 printed 0.858945 in the ill-conditioning section's table
    and 0.85895 in this row, and that row's rate 0.858916 as "(0.85892)" in this row's note:
    one number, one precision across the document."""
    from analysis.rates import rate_study
    from analysis.report import theory_row
    from landscape import Objective

    obj = Objective.parse("0.1*x1**2 + 2*x2**2")
    for b in (0.25, 0.5):
        (c,) = [c for c in S.checks if c.what.startswith(f"β = {b:g}, η = 0.6: rate per step")]
        st = rate_study(obj, "momentum", [-5.0, -2.0], lr=0.6, momentum=b)
        row = theory_row(Builder("other section"), "momentum", st)
        assert row[2].endswith(c.theory), (row[2], c.theory)  # "linear, ρ = 0.858945ᵗ"
        if b == 0.25:
            shown = row[4].split("ρ = ")[-1].split("ᶠ")[0]  # that table's measured rate
            assert shown == "0.858928", row[4]
            assert f"hence its slightly different measured rate ({shown})" in c.reason
            assert c.theory == f"{st.prediction.rate:.6f}ᵗ"


def test_the_momentum_buffer_row_names_its_run(S):
    """Study p. 27: "buffer of a real run = Σ βʲ g_(k−j) (β = 0.9, 30 steps …)" gave neither
    the function, nor η, nor the start; with them the check can be redone: here by hand."""
    (c,) = [c for c in S.checks if c.what.startswith("buffer of a real run")]
    m = re.search(r"worst relative difference \(heavy ball on x₁²/10 \+ 2x₂² from "
                  r"\((-?[\d.]+), (-?[\d.]+)\), η = ([\d.]+), β = ([\d.]+), (\d+) steps\)",
                  c.what)
    assert m, c.what
    x = np.array([float(m.group(1)), float(m.group(2))])
    lr, beta, K = float(m.group(3)), float(m.group(4)), int(m.group(5))
    assert (x.tolist(), lr, beta, K) == ([-5.0, -2.0], 0.05, 0.9, 30)
    v, grads, worst = None, [], 0.0
    for _ in range(K):  # v ← βv + g (v₀ = g₀), x ← x − ηv, against Σ βʲ g_(k−j)
        g = np.array([0.2 * x[0], 4.0 * x[1]])
        grads.append(g)
        v = g if v is None else beta * v + g
        total = sum(beta ** j * gk for j, gk in enumerate(reversed(grads)))
        worst = max(worst, float(np.max(np.abs(total - v) / np.abs(v))))
        x = x - lr * v
    assert worst <= 1e-12


def test_the_noise_in_the_sgd_model_is_defined_as_the_code_draws_it(S):
    """Study p. 29: ξ in "noise σξ" was never defined; V = ησ²/(λ(2 − ηλ)) needs independent
    draws of mean 0 and variance 1, and the runs draw standard normal numbers."""
    from landscape import Objective
    from optimizers import minimize_batch

    text = _paragraph(S, "Stochastic gradient descent")
    assert ("the true gradient plus noise σξ, where ξ is a vector of independent standard "
            "normal numbers (mean 0, variance 1), drawn afresh at every step") in text
    assert "eₖ₊₁ = (1 − ηλ)eₖ − ησξₖ (ξₖ: that coordinate's draw at step k)" in text
    # one step of η = 1 from the minimum of a flat f: x₁ = −σξ₀, so x₁/σ are the draws
    flat = Objective.parse("0*x1 + 0*x2")
    R, sigma = 20000, 2.0
    xi = -minimize_batch(flat, np.zeros((R, 2)), "sgd", lr=1.0, noise=sigma, steps=1,
                         seed=5).x / sigma
    se = 1 / math.sqrt(R)
    assert np.all(np.abs(xi.mean(axis=0)) < 4 * se)
    assert np.all(np.abs(xi.var(axis=0) - 1) < 4 * math.sqrt(2) * se)
    assert abs(np.corrcoef(xi.T)[0, 1]) < 4 * se  # the coordinates are independent
    # and the steps: the two steps' draws are uncorrelated
    two = minimize_batch(flat, np.zeros((R, 2)), "sgd", lr=1.0, noise=sigma, steps=2,
                         seed=5).x / -sigma  # ξ₀ + ξ₁: variance 2 when independent
    assert np.all(np.abs(two.var(axis=0) - 2) < 4 * 2 * math.sqrt(2) * se)


def test_the_nesterov_section_states_its_start_and_its_variant(S):
    """Study pp. 24–26: the start (1, 1) and the Nesterov variant were not stated, and
    e₁/e₀ = 0.9037 holds only for PyTorch's form, whose first step is −η(1 + β)∇f(x₀) (the
    textbook form, y₀ = x₀, first takes −η∇f(x₀), e₁ = 0.99).  The start is stated in the
    section's first paragraph: the paragraph on the runs follows their tables on the page
    (it introduces the figure after them), and the tables show e₀ = 1.41 (study p. 25)."""
    intro = _paragraph(S, "On f = ½(μx₁² + Lx₂²)")
    assert intro.endswith("The runs of this section start at x₀ = (1, 1).")
    text = _paragraph(S, "In the three runs below, heavy ball is")
    assert ("Nesterov is PyTorch's form (its SGD with the Nesterov option): v ← βv + ∇f, "
            "x ← x − η(∇f + βv), v₀ = ∇f(x₀), whose first step is −η(1 + β)∇f(x₀)") in text
    assert "its first step is GD's, −η∇f(x₀)" in text
    # κ = 100 on ½(x₁² + 100x₂²): η = 1/L = 0.01, β = (√κ − 1)/(√κ + 1) = 9/11, ∇f(1, 1) =
    # (1, 100); the measured run's first error is that of −η(1 + β)∇f(x₀)
    (st,) = [v for k, v in S.studies.items() if k.endswith("/ Nesterov, η = 1/L")]
    e = np.linalg.norm(st.result.path - st.minimizer, axis=1)
    x1 = np.array([1.0, 1.0]) - 0.01 * (1 + 9 / 11) * np.array([1.0, 100.0])
    assert e[0] == pytest.approx(math.sqrt(2), rel=1e-12)
    assert e[1] == pytest.approx(np.linalg.norm(x1), rel=1e-12)
    assert e[1] / e[0] == pytest.approx(0.90371, abs=1e-5)
    # the heavy ball run starts with GD's step: x₁ = x₀ − η∇f(x₀), η = 4/(√L + √μ)² = 1/30.25
    (hb,) = [v for k, v in S.studies.items() if k.endswith("/ heavy ball, Polyak's tuning")]
    assert hb.result.path[1] == pytest.approx(np.array([1.0, 1.0]) - np.array([1.0, 100.0])
                                              / 30.25, rel=1e-12)


def test_the_beta_quarter_text_says_theory_settles_convergence(S):
    """Study p. 28: "Who is right about convergence is theory" read awkwardly."""
    text = _paragraph(S, "The notes (momentum on")
    assert "Who is right" not in text
    assert ("Theory settles the question of convergence (and so do the 80-step runs of the "
            "figure titled") in text


def test_the_adaptive_distances_carry_their_marker(S):
    """Study p. 7: "‖x₂₀‖ = 0.0023" and "0.0106" had no provenance marker."""
    rows = [c for c in S.checks if c.what.endswith("reaches the minimum in 20 steps")]
    assert len(rows) == 2
    for c in rows:
        assert re.match(r"‖x₂₀‖ = [0-9.e−]+ᵐ \(start ", c.measured), c.measured


def test_the_minibatch_slope_tolerance_is_derived_from_the_spread_of_the_runs(S):
    """Study p. 28: the slope −0.99 against −1 was judged with a tolerance of 3% that no word
    explained; it is now 4 standard errors of the fitted slope."""
    from landscape import Objective
    from optimizers import bind_data, make_regression, minimize_batch

    D, names, _ = make_regression(100, 2, noise=0.5, seed=3)
    ls = Objective.parse("(w1*x1 + w2*x2 - y)**2/2", variables=["w1", "w2"],
                         data=["x1", "x2", "y"])
    c = bind_data(ls, D, names)
    M, sizes, rse = 4000, [1, 2, 5, 10, 20, 50], []  # quick mode: 4000 one-step runs
    for B in sizes:
        g = -minimize_batch(c, np.zeros((M, 2)), "sgd", lr=1.0, batch_size=B, steps=1,
                            seed=7).x
        dev = np.sum((g - g.mean(axis=0)) ** 2, axis=1)
        rse.append(dev.std() / (math.sqrt(M) * dev.mean()))
    # var(slope) = Σ wᵢ² σᵢ², wᵢ = (ln Bᵢ − mean)/Σ(ln B − mean)² for independent points
    lb = np.log(sizes)
    se = math.sqrt(sum(((v - lb.mean()) / np.sum((lb - lb.mean()) ** 2)) ** 2 * r ** 2
                       for v, r in zip(lb, rse, strict=True)))
    (row,) = [k for k in S.checks if k.what.startswith("slope of log(Var")]
    assert f"4 standard errors of the slope (4·{fmt_num(se, 2)})" in row.reason, row.reason
    assert row.decided.endswith(f"≤ {percent(4 * se)}"), row.decided


def _paragraph(S, start: str) -> str:
    from analysis.pages import Paragraph

    (text,) = [b.text for b in S.doc.blocks if isinstance(b, Paragraph)
               and b.text.startswith(start)]
    return text


def test_the_minibatch_text_says_proportional_to_one_over_b_and_what_var_is(S):
    """Study p. 28: "1/B for small batches" (the variance is ∝ 1/B, not 1/B) and "Var" used
    in the table before the text said it is the trace of the covariance."""
    text = _paragraph(S, "Minibatch gradients")
    assert "∝ 1/B for small batches" in text
    assert ("gives a gradient g_B whose variance Var — the trace of its covariance, "
            "E‖g_B − ∇f‖², summed over the coordinates — is s²(N − B)/(B(N − 1))") in text
    # the trace: the sum over the coordinates of the per-coordinate variances, as measured
    g = np.random.default_rng(0).normal(size=(500, 2)) * [1.0, 3.0]
    assert np.sum(np.sum((g - g.mean(axis=0)) ** 2, axis=1)) / 499 == pytest.approx(
        np.trace(np.cov(g.T)), rel=1e-12)


def test_the_decaying_steps_text_gives_l_where_it_first_shows_the_formulas(S):
    """Study p. 29: a²σ²/((2aL − 1)k) and ησ²/(L(2 − ηL)) were shown with L undefined there."""
    text = _paragraph(S, "Decaying steps")
    at = text.index("ησ²/(L(2 − ηL))")
    # f = x²/2 has f″ = 1: the curvature L is 1
    assert text[at:].startswith("ησ²/(L(2 − ηL)); here f = x²/2, so L = 1.")


def test_the_momentum_window_of_a_fraction_of_a_gradient_is_explained(S):
    """Study p. 25: "84% on the last 1.33" counted a fraction of a gradient; the text now says
    "gradients' worth" and, for a window under two gradients, what the newest one carries."""
    text = _paragraph(S, "The momentum buffer")
    for beta in (0.99, 0.9):
        win = 1 / (1 - beta)
        assert (f"β = {beta:g}: {percent(1 - beta ** win)} on the last 1/(1 − β) = "
                f"{fmt_num(win, 3)} gradients' worth;") in text
    # β = 0.25: weights 0.75, 0.1875, …; the window 4/3 holds 1 − 0.25^(4/3) = 84%
    assert ("β = 0.25: 84% on the last 1/(1 − β) = 1.33 gradients' worth, a window of less "
            "than two gradients: the newest alone carries 1 − β = 75%)") in text


def test_adagrad_stalls_rather_than_stops(S):
    """Study p. 33: "it stops halfway along x₁" — it does not stop, its steps shrink."""
    (block,) = [b for b in S.doc.figures() if b.label == "adaptive paths"]
    assert "stops" not in block.caption
    assert ("its steps shrink (along x₁ to at most η/√k at step k) and it stalls halfway "
            "along x₁") in block.caption
    # AdaGrad η = 0.4 from (−5, −2) on 0.1x₁² + 2x₂²: the x₁ step at k is η|g_k|/√Σg² with
    # |g| shrinking, so ≤ η/√k, and it is still moving at step 20
    x, acc = np.array([-5.0, -2.0]), np.zeros(2)
    for k in range(1, 21):
        g = np.array([0.2 * x[0], 4.0 * x[1]])
        acc += g * g
        step = 0.4 * g / (np.sqrt(acc) + 1e-10)
        x = x - step
        assert abs(step[0]) <= 0.4 / math.sqrt(k) + 1e-12
    assert abs(step[0]) > 0.05


def test_values_of_the_exact_recursion_carry_the_numeric_mark(S):
    """Study p. 31 and p. 33: the end values of the iterated recursion (0.0006658, 0.3333,
    0.01111, …) carried ᵗ, the closed-form mark, though their notes say ‘exact recursion’."""
    rec = [c for c in S.checks if c.reason.startswith("exact recursion")
           and c.rel_diff is not None]  # the numeric checks, not the ranking
    assert len(rec) >= 5  # the decaying step and the four schedules
    for c in rec:
        assert c.theory.endswith("ⁿ") and "ᵗ" not in c.theory, (c.what, c.theory)


def test_the_slope_row_defines_sd_m_and_v_where_it_uses_them(S):
    """Study p. 6: the slope row used s_d/(√M·V) and defined s_d, M and V only in the next
    row."""
    c = next(c for c in S.checks if c.what.startswith("slope of log(Var"))
    runs = 4000  # quick mode's M
    assert "s_d/(√M·V) (V the measured variance at B, s_d the standard deviation of the " \
           f"M = {runs} runs' ‖g_B − ḡ_B‖²" in c.reason


def test_the_schedule_rows_give_their_settings_and_forms(S):
    """Study p. 7: the schedule rows gave neither η₀, L, σ nor what s, γ and Tₘₐₓ mean, so
    0.3333 could not be checked from the page; the constant step's value is the recursion's
    fixed point η₀σ²/(L(2 − η₀L)) = 1/3 at η₀ = 0.5, L = σ = 1."""
    rows = {c.what.split(": ", 1)[1]: c for c in S.checks
            if c.what.startswith("E(x_K − x*)² after")}
    assert len(rows) == 4
    for c in rows.values():
        assert "(L = 1), σ = 1, v₀ = x₀² = 9, η₀ = 0.5" in c.reason, c.reason
        # study p. 33: the error recursion's sₖ read as the step period s of "every s steps";
        # vₖ = E(xₖ − x*)² is defined where the section's text first gives the recursion
        assert "vₖ₊₁ = (1 − ηₖL)²vₖ + ηₖ²σ² on x²/2" in c.reason and "sₖ" not in c.reason
    assert "constant: η = η₀" in rows["constant"].reason
    assert "η₀γ^(⌊k/s⌋) (γ every s steps)" in rows["step (s = 50, γ = 0.3)"].reason
    cos = [c for lab, c in rows.items() if lab.startswith("cosine")]
    assert all("cos(πk/Tₘₐₓ))/2 up to k = Tₘₐₓ" in c.reason for c in cos)
    assert sum("a warm-up of W steps" in c.reason for c in cos) == 1
    # study pp. 32-33: after the warm-up the cosine runs on k − W (0.01977 holds only so)
    (warm,) = [c for c in cos if "warm-up" in c.what]
    assert ("then the schedule runs on k − W in place of k (cosine: cos(π(k − W)/Tₘₐₓ) for "
            "k ≥ W)") in warm.reason, warm.reason
    eta, L, sigma = 0.5, 1.0, 1.0
    assert float(rows["constant"].theory.rstrip("ⁿᵗ")) == pytest.approx(
        eta * sigma**2 / (L * (2 - eta * L)), rel=1e-3)


def test_the_surfaces_text_names_its_path_and_its_differences_in_words(S):
    """Study p. 16: the lead-in quoted the legend back ("the path with dots is GD (legend:
    ‘…’)") and the Hessian rows read "central differences of the compiled gradient"."""
    text = _paragraph(S, "A critical point (∇f = 0) is a saddle")
    assert ("the orange path (a solid line, a dot at each iterate) is GD with η = 0.1, 22 "
            "steps from (1.4, 0.02): it slides down") in text, text
    assert "legend" not in text
    rows = [c for c in S.checks if c.what.endswith(": Hessian eigenvalues at 0")]
    assert len(rows) == 2
    for c in rows:
        assert "compiled" not in c.reason
        assert c.reason == ("each Hessian column is the difference of the gradient at 0 ± h "
                            "along one axis, divided by 2h, with h = 10⁻⁵"), c.reason


def test_the_noise_ball_caption_keeps_its_variance_formula_on_one_line(S):
    """Study p. 30: the caption broke "V·(1" from "− (1 − ηλ)²ᵏ)" over two lines; the formula
    is one unbroken piece of the caption (non-breaking spaces, which a line never ends at)."""
    from reportlab.platypus.paragraph import _wsc_re_split

    (block,) = [b for b in S.doc.figures() if b.label == "noise ball"]
    words = _wsc_re_split(block.caption)
    assert "V·(1\u00a0−\u00a0(1\u00a0−\u00a0ηλ)²ᵏ):" in words, block.caption


def test_a_standard_error_prints_two_significant_digits():
    """Study p. 32: "0.000651 ± 2e−05" read as one digit, and 0.000651 + 4·2e−05 = 0.000731
    beside the 0.000733 the test printed; the error keeps its second digit, a rounded 0."""
    se = 2.04e-5
    assert study._pm(0.0006508, se) == f"0.000651 ± {se:.1e}" == "0.000651 ± 2.0e-05"
    assert study._pm(0.0558, 0.00176, "measured") == "0.0558ᵐ ± 0.0018ᵐ"
    assert study._pm(0.5, 0.25) == "0.5 ± 0.25"


def test_the_schedule_rows_print_one_precision_per_column(S):
    """Study p. 33: theory "0.3333" and "0.01111" stood above "0.0184373" in one column.  Every
    row takes the digits the closest pair needs, and each theory value is the exact
    recursion's, computed here."""
    from analysis.report import significant_digits

    rows = [c for c in S.checks if c.what.startswith("E(x_K − x*)² after")]
    assert len(rows) == 4
    assert len({significant_digits(c.theory) for c in rows}) == 1, [c.theory for c in rows]
    assert len({significant_digits(c.measured) for c in rows}) == 1, [c.measured for c in rows]
    s, eta = 9.0, 0.5  # constant step: s_(k+1) = (1 − η)² s_k + η² (L = σ = 1), 200 steps
    for _ in range(200):
        s = (1 - eta) ** 2 * s + eta**2
    (const,) = [c for c in rows if c.what.endswith(": constant")]
    n = significant_digits(const.theory)
    assert n > 4 and const.theory == f"{fmt(s, n)}ⁿ", const.theory


def test_the_summary_rows_of_noise_floors_and_adagrad_mark_their_numbers(S):
    """Study pp. 7–8: "0.000651 ± 2e−05 against 0.0558 ± 0.0018", "below 0.333 (floor)",
    "largest decaying-schedule error 0.0197", "η Σ 1/√k = 3.04", "moved 2.62, to
    x₁ = −2.383" and "(start 5.39)" carried no provenance marker."""
    (dec,) = [c for c in S.checks if c.what.startswith("decaying steps go below")]
    means = re.findall(r"(\d[\d.e−-]*)(ᵐ?) ± (\d[\d.e−-]*)(ᵐ?)", dec.measured)
    assert len(means) == 2 and all(m[1] == m[3] == "ᵐ" for m in means), dec.measured
    (sched,) = [c for c in S.checks if c.what.startswith("decaying schedules end below")]
    # the constant step's floor η₀σ²/(L(2 − η₀L)) = 0.5/1.5, a closed form
    assert sched.theory == (f"below the floor η₀σ²/(2 − η₀) = {fmt_num(0.5 / 1.5, 3)}ᵗ by a "
                            "factor > 10")
    largest = number(S, sched.what, "largest error")
    se = number(S, sched.what, "its standard error")  # the mean with its standard error
    head, tail = sched.measured.split(" ± ")
    assert head == f"largest decaying-schedule error {fmt_num(largest, 3)}ᵐ"
    assert tail.endswith("ᵐ") and float(tail[:-1]) == pytest.approx(se, rel=0.01)
    (ada,) = [c for c in S.checks if c.what.startswith("AdaGrad η = 0.4: progress")]
    bound = 0.4 * sum(1 / math.sqrt(k) for k in range(1, 21))
    assert f"η Σ 1/√k = {fmt_num(bound, 3)}ᵗ in 20 steps" in ada.theory
    assert re.fullmatch(r"moved [\d.]+ᵐ, to x₁ = [−-][\d.]+ᵐ", ada.measured), ada.measured
    for lab in ("AdaGrad η = 2", "RMSProp η = 0.4, α = 0.9"):
        (c,) = [c for c in S.checks if c.what.startswith(f"{lab}: reaches the minimum")]
        assert c.measured.endswith(f"(start {fmt_num(math.hypot(5.0, 2.0), 3)}ⁿ)")


def test_the_decided_by_note_names_only_the_forms_its_rows_use():
    """Study p. 9: the note described a "Δv/v for another quantity v" form no row of the
    document printed: it now lists the forms found in the "decided by" cells it stands under
    (and no "Δq/q", whose q would read as the order of convergence)."""
    s = study.Study(Builder("note"), quick=True)
    num = s.numeric_check("a number", 2.0, 2.001, rtol=0.01)
    rate = s.rate_check("a rate", 0.5, 0.501, rtol=0.02, reason="r")
    cells = [study.check_decided(num), study.check_decided(rate)]
    note = study.decided_note(cells)
    assert "|m − p|/|p| for a number" in note and "Δρ/ρ or Δln ρ/ln ρ" in note
    for absent in ("Δv/v", "Δq/q", "Δexponent/exponent", "double root", "A statement",
                   "bare percentage"):
        assert absent not in note
    only = study.decided_note(cells[:1])
    assert "|m − p|/|p|" in only and "Δρ/ρ" not in only
    assert "ΔC/C: the relative difference" in study.decided_note(["ΔC/C 0.5% ≤ 5%"])
    statement = study.decided_note(["0.47 < 0.5 < 0.54", "1.2%"])
    assert "Other rows state the comparison that decided them, with its threshold" \
        in statement and "A bare percentage" in statement


def test_the_adaptive_distance_caption_names_each_run_s_ratio_course(S):
    """Study p. 35: "No fixed linear rate" was said of all four runs, but AdaGrad with η = 2
    settles at a fixed ratio from about step 5 (its accumulated squared gradients stop
    growing); RMSProp's ratio keeps falling and Adam's rises and falls."""
    (block,) = [b for b in S.doc.figures() if b.label == "adaptive errors"]
    cap = block.caption
    assert "No fixed linear rate" not in cap
    # AdaGrad η = 2 re-run with NumPy (torch's rule: x −= η g/(√Σg² + 1e-10))
    x, G, dist = np.array([-5.0, -2.0]), np.zeros(2), [math.hypot(5.0, 2.0)]
    for _ in range(20):
        g = np.array([0.2, 4.0]) * x
        G += g * g
        x = x - 2.0 * g / (np.sqrt(G) + 1e-10)
        dist.append(float(np.linalg.norm(x)))
    r = np.array(dist[1:]) / np.array(dist[:-1])
    k = 1 + max(i for i in range(20) if abs(math.log(r[i] / r[-1])) > 0.01 * abs(math.log(r[-1])))
    assert k == 5  # where every later ln rₖ lies within 1% of the last one
    # study p. 37: "settles at 0.688 from k = 5 on" while r₅ = e₆/e₅ = 0.6872 prints 0.687:
    # the clause starts at the first k from which every ratio prints as the rate it gives
    rate = math.exp(float(np.mean(np.log(r[6:]))))
    assert fmt_num(rate, 3) == "0.688" and fmt_num(r[5], 3) == "0.687"
    assert all(fmt_num(v, 3) == "0.688" for v in r[6:])
    assert f"AdaGrad η = 2: settles at {fmt_num(rate, 3)}ᵐ from k = 6 on" in cap, cap
    assert "after k = 6, so its step sizes stop changing" in cap
    assert "RMSProp η = 0.4, α = 0.9: falls from k = 3" in cap
    assert "AdaGrad η = 0.4: rises" in cap
    # study p. 38: "rises and falls, between 0.78 and 1.2" said neither order nor end: the
    # extremes in the order they come, and where the ratio ends, from Adam's own run
    from landscape import Objective
    from optimizers import minimize

    adam = minimize(Objective.parse("0.1*x1**2 + 2*x2**2"), [-5.0, -2.0], "adam", lr=0.4,
                    steps=20, record=True).path
    d = np.linalg.norm(adam, axis=1)
    ra = d[1:] / d[:-1]
    lo, hi = int(np.argmin(ra)), int(np.argmax(ra))
    assert lo < hi
    assert (f"Adam η = 0.4, β = (0.9, 0.999): falls to {fmt_num(ra[lo], 3)}ᵐ (k = {lo}), "
            f"rises to {fmt_num(ra[hi], 3)}ᵐ (k = {hi}), ends at {fmt_num(ra[-1], 3)}ᵐ "
            f"(k = {ra.size - 1})") in cap, cap
    for d in re.findall(r"(?:2\.43|0\.00230|0\.0106|1\.02)(.)", cap.split(".  ")[0]):
        assert d == "ᵐ"


def test_the_adaptive_distance_caption_defines_the_error_before_its_ratios(S):
    """Study p. 36: the caption spoke of 'the per-step ratio eₖ₊₁/eₖ' with eₖ defined only in
    a later section (p. 40): it now defines the error at its first use, as the figure's axis
    reads it (‖xₖ − x*‖)."""
    (block,) = [b for b in S.doc.figures() if b.label == "adaptive errors"]
    cap = block.caption
    define = cap.find("the error eₖ = ‖xₖ − x*‖")
    assert define >= 0, cap
    assert define < cap.find("eₖ₊₁/eₖ") and define == cap.find("eₖ") - len("the error "), cap
    assert cap.startswith("Distance to the minimum, the error eₖ = ‖xₖ − x*‖, after 20 steps — ")


def test_an_adaptive_distance_reads_the_same_in_the_caption_and_the_checks(S):
    """Study pp. 36-37: the caption gave RMSProp's distance as "0.011" and Adam's 1.0185 as
    "1", the checks as "0.0106": each distance prints to the checks' three digits."""
    (block,) = [b for b in S.doc.figures() if b.label == "adaptive errors"]
    head = block.caption.split(".  ")[0]
    for c in S.checks:
        if c.what.endswith("reaches the minimum in 20 steps"):
            lab = c.what.split(": reaches")[0]
            shown = re.match(r"‖x₂₀‖ = ([0-9.e−]+)ᵐ", c.measured).group(1)
            assert f"{lab}: {shown}ᵐ" in head, (lab, shown, head)
    adam = number(S, "Adam η = 0.4, β = (0.9, 0.999)", "x after 20 steps")
    assert f"Adam η = 0.4, β = (0.9, 0.999): {fmt_num(math.hypot(*adam), 3)}ᵐ" in head


def test_ratio_course_reads_settled_monotone_and_mixed_series():
    geo = 0.5 ** np.arange(12.0)
    assert study.ratio_course(geo) == {"course": "settled", "k": 0, "rate": pytest.approx(0.5)}
    # ratios 0.6, 0.67, 0.6872, then 0.6884 × 8: within 1% of the last from k = 2, but
    # 0.6872 prints 0.687, not the rate 0.688: settled from k = 3
    near = np.cumprod([1.0, 0.6, 0.67, 0.6872] + [0.6884] * 8)
    assert study.ratio_course(near) == {"course": "settled", "k": 3,
                                        "rate": pytest.approx(0.6884)}
    slowing = np.cumprod([1.0] + [0.5 + 0.04 * k for k in range(10)])  # ratios 0.5 → 0.86
    c = study.ratio_course(slowing)
    assert c["course"] == "rising" and c["k"] == 0 and c["last"] == pytest.approx(0.86)
    zig = np.cumprod([1.0, 0.5, 1.2, 0.4, 1.1, 0.6, 0.9, 0.5, 1.3, 0.7])
    assert study.ratio_course(zig) == {"course": "mixed", "low": pytest.approx(0.4),
                                       "high": pytest.approx(1.3), "k_low": 2, "k_high": 7,
                                       "last": pytest.approx(0.7), "end": 8}


def _printed(text: str) -> float | None:
    """The one number of a cell (markers dropped), None when it holds another count."""
    nums = re.findall(r"−?\d[\d.]*(?:e[−+]?\d+)?", text)
    if len(nums) != 1:
        return None
    return float(nums[0].replace("−", "-"))


def test_printed_values_reproduce_their_stated_relative_difference(S):
    """Study p. 32: theory 0.01562 and measured 0.01566 differ by 0.26%, but the row said
    0.19% (the theory is 1/64 = 0.015625); p. 45: 0.148 beside 0.1479 for 0.0098%."""
    seen = 0
    for c in S.checks:
        m = re.match(r"\|m − p\|/\|p\| ([\d.]+)% ", c.decided)
        p, v = _printed(c.theory), _printed(c.measured)
        if not m or p is None or v is None or not p:
            continue
        seen += 1
        stated = float(m.group(1))
        assert float(f"{100 * abs(v - p) / abs(p):.2g}") == stated, (c.what, c.theory,
                                                                      c.measured, c.decided)
    assert seen >= 5


def test_prose_names_library_options_in_words(S):
    """Study p. 26: "torch.optim.SGD with nesterov=True" put code in the prose; p. 36: the
    "compiled engine" was jargon."""
    from analysis.pages import Paragraph

    text = " ".join(b.text for b in S.doc.blocks if isinstance(b, Paragraph))
    text += " ".join(c.what for c in S.checks)
    for code in ("nesterov=True", "torch.optim", "compiled engine"):
        assert code not in text
    assert "Nesterov is PyTorch's form (its SGD with the Nesterov option)" in text
    assert "compiled optimizers vs the notes' pseudo-code (NumPy): the largest" in text


def test_ratio_captions_say_a_long_run_shows_a_subset_of_steps(S):
    """Study p. 29: "per-step ratios (open markers)" while β = 0.25's 80-step run carries a
    marker at about every 8th step only (p. 26's caption said so, this one did not); p. 28:
    the figure named by its title had no page."""
    from analysis.pages import page_refs

    (beta,) = [b for b in S.doc.figures() if b.label == "beta 0.25"]
    assert ("per-step ratios (open markers; runs longer than 60 steps show a subset of steps: "
            "their first steps, extremes and evenly spaced steps)") in beta.caption
    (nest,) = [b for b in S.doc.figures() if b.label == "nesterov"]
    assert "runs longer than 60 steps show a subset of steps" in nest.caption
    text = _paragraph(S, "The notes (momentum on")
    assert page_refs(text) == ["beta 0.25"]


def test_the_adagrad_throttle_row_marks_its_numbers(S):
    """Study p. 36: "3.04" and "moved 2.62, to x₁ = −2.383" had no provenance marks, unlike
    every other row; "first step x₁ − x₀" used x₁ for the first iterate beside the
    coordinate x₁ of the same table."""
    (c,) = [c for c in S.checks if c.what.startswith("AdaGrad η = 0.4: progress")]
    bound = 0.4 * sum(1 / math.sqrt(k) for k in range(1, 21))
    assert f"= {fmt_num(bound, 3)}ᵗ in 20 steps" in c.theory
    assert re.fullmatch(r"moved [\d.]+ᵐ, to x₁ = [−-][\d.]+ᵐ", c.measured), c.measured
    assert not [c for c in S.checks if "x₁ − x₀" in c.what]
    assert len([c for c in S.checks if c.what.endswith(": first step")]) == 4


def test_the_noise_ball_caption_writes_its_exponent_as_a_power(S):
    """Study p. 30: "V(1 − (1 − ηλ)⁽²ᵏ⁾)" printed the exponent's brackets raised."""
    (block,) = [b for b in S.doc.figures() if b.label == "noise ball"]
    caption = block.caption.replace("\u00a0", " ")  # the formula's spaces do not break
    assert "V·(1 − (1 − ηλ)²ᵏ)" in caption and "^(2k)" not in caption


def test_the_adaptive_section_names_the_section_of_its_ellipse(S):
    """Study p. 34: "The ellipse of the momentum section" named no section that exists."""
    from analysis.pages import Heading, resolve_section_refs, section_page_ref, section_ref

    text = _paragraph(S, "The ellipse")
    # study p. 35: "the section on ill-conditioning and momentum" gave neither number nor page;
    # p. 36: the page was that of a figure of the section, not the page the section starts on
    assert text.startswith(f"The ellipse x₁²/10 + 2x₂² of §{section_ref('Ill-conditioning')} "
                           "(ill-conditioning and momentum, p. "
                           f"{section_page_ref('Ill-conditioning')}), from x₀ = (−5, −2)"), text
    conditioning = study.Study(Builder("conditioning heading"), quick=True)
    conditioning.start(f"{study.CONDITIONING}: {study.conditioned_text()}, momentum to the "
                       "rescue")
    (h,) = conditioning.doc.headings
    h.number = "11"
    assert resolve_section_refs(text, [Heading("Momentum", number="13"), h]).startswith(
        "The ellipse x₁²/10 + 2x₂² of §11 (ill-conditioning")


def test_a_rate_check_prints_its_rates_as_the_theory_tables_do():
    """A rate check printed ρ = √0.5 as 0.7071 while the tables and legends printed 0.70711
    (:func:`fmt_rate`): both rates of a check now have the digits of a theory table's pair,
    at least the rate digits, more when the relative difference needs them."""
    from analysis.compare import rate_diff
    from landscape.numfmt import fmt_rate

    s = study.Study(Builder("rate digits"), quick=True)
    p = math.sqrt(0.5)
    c = s.rate_check("hb", p, 0.72, rtol=0.1, reason="r")
    assert fmt_rate(p) == "0.70711" and c.theory == "0.70711ᵗ"
    assert c.measured == "0.72000ᶠ"
    # pairs whose difference needs more digits get them on both sides, and the printed
    # rates give back the printed difference
    rho = max(max(abs(np.roots([1.0, -(1 + 0.25 - 0.6 * lam), 0.25]))) for lam in (0.2, 4.0))
    for pred, meas in ((p, 0.70730), (rho, 0.858916), (rho, 0.8575)):
        c = s.rate_check("hb 2", pred, meas, rtol=0.02, reason="r")
        tp, tm = c.theory[:-1], c.measured[:-1]
        assert len(tp) >= len(fmt_rate(pred)) and len(tp) == len(tm)
        assert percent(rate_diff(float(tm), float(tp))) == percent(c.rel_diff)


def test_the_tuned_rate_checks_are_decided_by_the_band(S):
    """Study pp. 5, 27, 28: the tuned heavy-ball and Nesterov rates were checked on ρ alone
    within 2%, while the rate rule (on ρ and on −ln ρ) would fail them: they are decided by
    the band from the closed form to the window's average factor, the theory table's rule,
    and the note gives the band, each recomputed here."""
    from analysis.compare import band_diff

    q = math.sqrt(100.0)
    for lab, closed in (("heavy ball, Polyak's tuning", (q - 1) / (q + 1)),
                        ("Nesterov, η = 1/L", 1 - 1 / q)):
        (c,) = [c for c in S.checks if c.what.startswith(f"{lab}, ρ = ")]
        (st,) = [v for k, v in S.studies.items() if k.endswith(f"/ {lab}")]
        m = st.measurement.rate
        on_log = abs(math.log(m) - math.log(closed)) / abs(math.log(closed))
        assert on_log > 0.02 >= abs(m - closed) / closed  # the rate rule alone would fail
        lo, hi = st.comparison.rate_band
        assert lo == pytest.approx(closed, rel=1e-6)  # ρ of the 2 × 2 matrix, numerically
        assert max(band_diff(m, closed, hi)) == 0
        assert c.decided == "measured rate in band" and c.verdict == "agrees"
        band = c.reason.split("range [")[1].split("]")[0]
        assert [float(v) for v in band.split(", ")] == pytest.approx([lo, hi], rel=1e-4)


def test_two_decided_by_notes_on_one_page_print_a_shared_form_once():
    """Study p. 28: two tables' "Decided by" notes merged on one page repeated the shared
    opening and the |m − p|/|p| form; each form is a sentence of its own, printed once, and a
    form opening with ρ keeps its letter (not "Ρ")."""
    from analysis.pages import merge_headed

    one = study.decided_note(["|m − p|/|p| 0.73% ≤ 2%"])
    two = study.decided_note(["|m − p|/|p| 4.4e−15 ≤ 1e−12", "|m − p| 3.6e−15 ≤ 1e−12"])
    (merged,) = merge_headed([one], two)
    assert merged.count("named by what it measures") == 1
    assert merged.count("|m − p|/|p| for a number checked against its formula") == 1
    assert "|m − p| against an absolute tolerance" in merged
    (merged,) = merge_headed([one], study.decided_note(["measured rate in band"]))
    # study pp. 26–27: "ρ within the band [ρ, …]" named the band's own end
    assert "The measured rate within the band [ρ, " in merged and "Ρ" not in merged


def test_the_rosenbrock_curvature_is_named_as_the_hessian_entry_it_is():
    """Study p. 41: "λₘₐₓ ≈ 1200x² − 400y" gave 802 at (1, 1), where λₘₐₓ is 1001.6: the
    formula is the Hessian's (1, 1) entry without its + 2; the text now derives that entry
    and says what it is."""
    import sympy as sp

    obj = study._parse("100*(y - x**2)**2 + (1 - x)**2")
    text = study.curvature_text(obj, 0)
    assert text == "1200·x² − 400·y + 2", text
    x, y = obj.variables
    entry = float(sp.diff(obj.expr, x, 2).subs({x: 1, y: 1}))
    assert entry == pytest.approx(float(obj.hess([1.0, 1.0])[0, 0])) == 802.0
    assert float(np.linalg.eigvalsh(obj.hess([1.0, 1.0]))[-1]) > 1000 > entry


def test_the_schedules_floor_row_gives_its_closed_form():
    """Study p. 35: "below 0.333ⁿ (floor)" with an empty note; the floor η₀σ²/(2 − η₀) (L = 1)
    is a closed form: a theory value, with its formula and settings in the note."""
    s = study.Study(Builder("floor"), quick=True)
    study.section_schedules(s)
    (c,) = [c for c in s.checks if c.what.startswith("decaying schedules end below")]
    eta0, sigma = 0.5, 1.0
    assert c.theory.startswith("below the floor η₀σ²/(2 − η₀) = "
                               f"{fmt_num(eta0 * sigma**2 / (2 - eta0), 3)}ᵗ")
    assert c.reason.startswith("η₀σ²/(2 − η₀), η₀ = 0.5, σ = 1; measured: mean ± standard "
                               "error over "), c.reason
    assert c.decided.endswith(f"< {fmt_num(0.1 * eta0 / (2 - eta0), 3)} = floor/10")


def test_the_schedules_floor_row_tests_the_mean_with_its_standard_errors():
    """Study p. 36: "0.0197 < 0.0333 = floor/10" compared a bare mean where its twin on
    p. 34 adds 4 standard errors: the row prints the largest decaying-schedule mean with its
    standard error and tests mean + 4 standard errors, recomputed here from the printed
    numbers."""
    s = study.Study(Builder("floor"), quick=True)
    study.section_schedules(s)
    (c,) = [c for c in s.checks if c.what.startswith("decaying schedules end below")]
    (m, se), = [(_num(a), _num(b)) for a, b in re.findall(rf"({_NUM})ᵐ ± ({_NUM})ᵐ",
                                                          c.measured)]
    floor = _num(re.search(rf"below the floor η₀σ²/\(2 − η₀\) = ({_NUM})ᵗ", c.theory).group(1))
    assert c.decided == (f"mean + 4 standard errors {fmt(m + 4 * se, 3)} < {fmt(floor / 10, 3)} "
                         "= floor/10"), c.decided
    assert c.verdict == "agrees"
    # a mean whose standard errors reach the tenth fails, where the bare mean would pass
    ok, worst, text = study.below_floor_tenth({"a": (0.0300, 0.0010), "b": (0.0100, 0.0001)},
                                              1 / 3)
    assert not ok and worst == "a" and 0.03 < 0.1 / 3
    assert text == "mean + 4 standard errors 0.034 ≥ 0.0333 = floor/10", text


#: a number as the checks print it (ASCII or page minus)
_NUM = r"\d[\d.]*(?:e[−+-]?\d+)?"


def _num(text: str) -> float:
    return float(text.replace("−", "-"))


def test_standard_error_bounds_are_computed_from_the_printed_numbers():
    """Study pp. 7, 32–35: "0.000733 < 0.00487" could not be had from the printed 0.000651 ±
    2.0e−05 and 0.0558 ± 0.0018 (0.000731, 0.00486), nor "8.7%" from 4·0.0072/0.333 (8.6%):
    the bounds are computed from the means and standard errors as printed."""
    assert percent(study.se_tolerance(0.00724, 1 / 3)) == percent(4 * 0.0072 * 3) == "8.6%"
    ok, text = study.below_tenth(0.00065134, 2.047e-5, 0.05583, 0.00182)
    assert ok and text == f"{fmt(0.000651 + 4 * 2.0e-5, 3)} < {fmt((0.0558 - 4 * 0.0018) / 10, 3)}"
    assert text == "0.000731 < 0.00486"


def test_every_standard_error_bound_reproduces_from_its_printed_numbers(S):
    """Each tolerance or bound of the SGD and schedule checks, recomputed here from the
    numbers its row prints, is the one the row prints."""
    seen = 0
    for c in S.checks:
        pm = re.search(rf"measured ({_NUM}) ± ({_NUM})", c.reason)
        tol = re.search(r"≤ ([\d.]+)%$", c.decided)
        if pm and tol:
            p = _num(re.match(_NUM, c.theory).group(0))
            assert percent(4 * _num(pm.group(2)) / p) == f"{tol.group(1)}%", (c.what, c.reason)
            seen += 1
        ball = re.search(r"R = (\d+) runs: 4 standard errors \(4√\(2/\(R − 1\)\) = ([\d.]+%)\)",
                         c.reason)
        if ball:
            assert percent(4 * math.sqrt(2 / (int(ball.group(1)) - 1))) == ball.group(2)
            assert c.decided.endswith(f"≤ {ball.group(2)}")
            seen += 1
        slope = re.search(rf"4 standard errors of the slope \(4·({_NUM})\)", c.reason)
        if slope:
            assert c.decided.endswith(f"≤ {percent(4 * _num(slope.group(1)))}"), c.decided
            seen += 1
        mini = re.search(rf"= 4·({_NUM})/\(√(\d+)·({_NUM})\) = ([\d.]+%)", c.reason)
        if mini:
            sd, m, v = _num(mini.group(1)), int(mini.group(2)), _num(mini.group(3))
            assert percent(4 * sd / (math.sqrt(m) * v)) == mini.group(4), c.reason
            assert c.decided.endswith(f"≤ {mini.group(4)}")
            seen += 1
    # the noise floor, the decaying step, 4 schedules, 2 noise-ball rows, slope, minibatch
    assert seen == 1 + 1 + 4 + 2 + 1 + 1, seen
    (dec,) = [c for c in S.checks if c.what.startswith("decaying steps go below")]
    (m, se), (cm, cse) = [(_num(a), _num(b)) for a, b in re.findall(
        rf"({_NUM})ᵐ ± ({_NUM})ᵐ", dec.measured)]
    assert f"{fmt(m + 4 * se, 3)} < {fmt((cm - 4 * cse) / 10, 3)}".replace("-", "−") in \
        dec.decided.replace("-", "−"), dec.decided



def test_the_beta_quarter_text_and_legend_quote_rho_as_the_tables_print_it(S):
    """Study pp. 28–29: the text and the legend wrote ρ = 0.85895 where the checks table
    beside them and the ill-conditioning section's table print 0.858945; and the text wrote
    the function 0.1x₁² + 2x₂² where the section and its table write x₁²/10 + 2x₂²."""
    from analysis.pages import Paragraph

    rho = max(max(abs(np.roots([1.0, -(1 + 0.25 - 0.6 * lam), 0.25]))) for lam in (0.2, 4.0))
    (check,) = [c for c in S.checks if c.what.startswith("β = 0.25, η = 0.6: rate per step")]
    shown = check.theory.rstrip("ᵗ")
    assert float(shown) == pytest.approx(rho, abs=10.0 ** -(len(shown) - 2))
    assert len(shown) == len("0.858945")  # the digits that reproduce the 1.1% difference
    (text,) = [b.text for b in S.doc.blocks if isinstance(b, Paragraph)
               and "the heavy-ball spectral radius at η = 0.6" in b.text]
    assert f"ρ = {shown} for β = 0.25" in text
    assert "momentum on x₁²/10 + 2x₂²," in text and "0.1x₁²" not in text
    (block,) = [b for b in S.doc.figures() if b.label == "beta 0.25"]
    fig = Figure(figsize=(6.8, 4.0), layout="constrained")
    block.draw_fn(fig)
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    legend = [t.get_text() for lg in legends for t in lg.get_texts()]
    assert any(t.startswith(f"β = 0.25: theory ρ = {shown} (") for t in legend), legend


def test_the_warmup_dip_is_explained_by_each_steps_own_floor():
    """Study p. 35: the caption said the warm-up's error "falls towards [the lower floor]
    until η reaches η₀", while its lowest value came at k = 14 and it rose from 0.219 to
    0.303 over k = 14–19 with η still ramping.  By the recursion v_(k+1) = (1 − ηₖ)²vₖ +
    ηₖ²σ², the error falls exactly while vₖ lies above ηₖσ²/(2 − ηₖ): checked here step by
    step on the closed-form schedule, and the caption names the step after which it climbs."""
    from analysis.study import schedule_closed_form, warmup_dip_text
    from analysis.theory import sgd_mean_square_path

    lr0, sigma, x0, K = 0.5, 1.0, 3.0, 200
    p = {"T_max": K - 20, "eta_min": 0.0, "warmup": 20}
    eta = schedule_closed_form("cosine", np.arange(K), lr0, p)
    s = sgd_mean_square_path(eta, 1.0, sigma, x0)
    own = eta * sigma**2 / (2 - eta)  # the floor of step k's size
    assert np.all(np.sign(s[1:] - s[:-1]) == np.sign(own - s[:-1]))
    text = warmup_dip_text("warm-up", s[1:], 20, floor=lr0 / (2 - lr0))
    low = int(np.argmin(s[1:41])) + 1  # the lowest expected error in twice the warm-up
    assert f"at k = {low})" in text and f"(after k = {low})" in text
    assert s[low + 1] > s[low] and own[low] > s[low] and own[low - 1] <= s[low - 1]
    assert "until η reaches η₀" not in text and "towards the constant step's floor" in text


def test_the_kappa_figure_titles_the_error_its_axis_plots_and_no_caption_has_an_undefined_j(S):
    """Study p. 25: the figure's title said "Error ‖xₖ‖ on κ = 100" over an axis of
    ‖xₖ − x*‖, and the ratio captions' "every j-th step" left j undefined (j is also a
    window's end, k = i–j, in the notes below)."""
    from matplotlib.text import Text

    (block,) = [b for b in S.doc.figures() if b.label == "nesterov"]
    fig = Figure(figsize=(6.8, 4.0), layout="constrained")
    block.draw_fn(fig)
    titles = [t.get_text() for t in fig.findobj(Text)]
    assert "Error ‖xₖ − x*‖ on κ = 100" in titles, titles
    assert not any(t.startswith("Error ‖xₖ‖") for t in titles)
    for b in S.doc.figures():
        assert "j-th" not in b.caption, b.label
