"""The lecture-note study: every phenomenon of the notes, computed, measured and explained.

:func:`build_study` writes ``study.pdf`` (with ``study.json`` and ``study.csv`` beside it,
atomically, see :func:`analysis.report.write_atomically`).  One section per study function:

1. x² — GD from x = 10 with η = 0.2, 0.05 and 1.1, and the learning-rate sweep (2/L = 1);
2. x³ — a degenerate saddle: GD slows down like 1/k;
3. x² − y² — a saddle: GD near the stable manifold stalls, then escapes (escape time);
4. tanh — a plateau: GD from x = 4 barely moves (crossing time ∫dx/(η|f′|), f′(4));
5. x·cos(cx), c = 0.15π — a local-minimum trap with η = 2, and basins of attraction;
6. cosh(cx) — Newton's fast local convergence, and its measured order;
7. 0.1x₁² + 2x₂² and x₁² + 2x₂² — ill-conditioning, the threshold 2/L, momentum damping,
   the momentum stability map;
8. Rosenbrock — Newton, BFGS, L-BFGS, CG against GD, and an ECDF over many starts;
9. activation chains — the vanishing derivative with depth (tanh, sigmoid, relu);
10. Newton on the nonconvex x·cos(cx) — pure Newton finds a maximum, saddle-free Newton
    a minimum;
11. Adam, RMSProp, AdaGrad on the ill-conditioned quadratic — the first step ≈ lr·sign(g).

Each section has its figures, a theory-vs-measurement table and a few sentences for students;
the first pages hold a table of contents and one summary table of every check.  Every number
is computed in the run that writes the report (nothing is typed in).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analysis import plots
from analysis.report import (
    HOW,
    SMALL,
    THEORY_COLUMNS,
    THEORY_NOTES,
    Builder,
    Column,
    ReportResult,
    cell,
    comparison_reason,
    fmt_num,
    fmt_point,
    legend_text,
    lhs_latex,
    percent,
    theory_row,
    versions,
)
from landscape.progress import Progress

#: Figure heights in points (A4 text width is about 495 pt).
FULL = 330.0
HALF = 270.0


# ============================================================================ checks


@dataclass
class Check:
    """One theory-vs-measurement row of the study (also a row of the summary table)."""

    section: str
    what: str
    theory: str
    measured: str
    rel_diff: float | None
    verdict: str
    reason: str = ""


@dataclass
class Study:
    """The builder of the study plus its list of checks and the per-section quick mode."""

    b: Builder
    quick: bool = False
    checks: list[Check] = field(default_factory=list)
    section: str = ""
    rows: list[list[str]] = field(default_factory=list)
    studies: dict[str, Any] = field(default_factory=dict)

    @property
    def doc(self) -> Any:
        return self.b.doc

    def start(self, title: str) -> None:
        """Begin a section: heading and a fresh list of rate-study rows."""
        self.section = title
        self.rows = []
        self.doc.heading(title)

    def value(self, what: str, quantity: str, v: Any, how: str, digits: int = 4) -> str:
        """A number of this section, formatted with its marker and recorded."""
        return cell(self.b, self.section, what, quantity, v, how, digits)

    def numeric_check(self, what: str, predicted: float, measured: float, *, rtol: float,
                      how_p: str = "theory", how_m: str = "measured", digits: int = 4,
                      reason: str = "", abs_tol: float = 0.0) -> Check:
        """Compare two numbers: agree when |m − p| ≤ max(rtol·|p|, abs_tol)."""
        rel = abs(measured - predicted) / abs(predicted) if predicted else None
        ok = abs(measured - predicted) <= max(rtol * abs(predicted), abs_tol)
        c = Check(self.section, what, self.value(what, "theory", predicted, how_p, digits),
                  self.value(what, "measured", measured, how_m, digits), rel,
                  "agrees" if ok else "disagrees",
                  reason or (f"within {percent(rtol)}" if ok and rtol else ""))
        if not ok and not reason:
            c.reason = f"differ by more than {percent(rtol)}"
        self.checks.append(c)
        return c

    def statement_check(self, what: str, theory: str, measured: str, ok: bool,
                        reason: str = "") -> Check:
        """A qualitative check (a prediction of what happens, and what happened)."""
        c = Check(self.section, what, theory, measured, None,
                  "agrees" if ok else "disagrees", reason)
        self.checks.append(c)
        return c

    def rate(self, label: str, obj: Any, method: str, x0: Sequence[float], **kw: Any) -> Any:
        """A rate study (theory vs measured rate), recorded as a row of this section."""
        from analysis.rates import rate_study

        st = rate_study(obj, method, x0, **kw)
        self.rows.append(theory_row(self.b, label, st))
        p, m, c = st.prediction, st.measurement, st.comparison
        self.checks.append(Check(
            self.section, f"{label}: convergence", _kind_text(p.kind, p.rate, p.order, p.exact),
            _kind_text(m.kind, m.rate, m.order, True), c.rel_diff, c.verdict,
            comparison_reason(c)))
        self.studies[f"{self.section} / {label}"] = st
        return st

    def theory_table(self, title: str = "Predicted and measured convergence") -> None:
        """The rate-study rows of this section as a table."""
        if self.rows:
            self.doc.table(THEORY_COLUMNS, self.rows, title=title,
                           notes=[legend_text(["theory", "fit"]), THEORY_NOTES])

    def checks_table(self, since: int, title: str = "Theory and measurement") -> None:
        """The checks added since index ``since`` as a table."""
        rows = [[c.what, c.theory, c.measured, _rel(c.rel_diff), c.verdict, c.reason]
                for c in self.checks[since:] if not c.what.endswith(": convergence")]
        if rows:
            self.doc.table(["what", "theory", "measured", Column("rel. diff.", "r"), "verdict",
                            "note"], rows, title=title, notes=[legend_text()])

    def text(self, s: str) -> None:
        self.doc.paragraph(s)

    def figure(self, draw: Callable[[Any], Any], height: float, caption: str,
               label: str) -> None:
        self.doc.figure(draw, height=height, caption=caption, label=label)


def _rel(v: float | None) -> str:
    return percent(v)


def _kind_text(kind: str, rate: float | None, order: float | None, exact: bool) -> str:
    """``linear, ρ = 0.6`` / ``quadratic`` / ``sublinear`` for the summary table."""
    parts = [kind + ("" if exact or kind == "none" else " (bound)")]
    if rate is not None:
        parts.append(f"ρ {'=' if exact else '≤'} {fmt_num(rate, 4)}")
    if order is not None and kind in ("quadratic", "superlinear"):
        parts.append(f"q = {fmt_num(order, 3)}")
    return ", ".join(parts)


def _parse(text: str, **params: str) -> Any:
    from landscape import Objective

    return Objective.parse(text, params=params or None)


def _run(obj: Any, x0: Sequence[float], method: str, **kw: Any) -> Any:
    from optimizers import minimize

    return minimize(obj, list(x0), method, record=True, **kw)


def _formula(S: Study, obj: Any) -> None:
    lhs, plain = lhs_latex(obj)
    S.doc.formula(lhs, obj.expr, plain_lhs=plain, sizes=(12.0, 10.0, 9.0))


# ============================================================================ 1. x²


def section_quadratic(S: Study) -> None:
    """GD on x² from x = 10 with η = 0.2, 0.05, 1.1 and the learning-rate sweep."""
    from analysis.sweeps import lr_sweep

    S.start("GD on x²: the step size decides everything")
    obj = _parse("x**2")
    _formula(S, obj)
    lam = float(obj.hess([0.0])[0, 0])
    etas = (0.2, 0.05, 1.1)
    f1 = {eta: abs(1 - eta * lam) for eta in etas}
    S.text(f"f″ = L = {fmt_num(lam)} everywhere, so one GD step multiplies the error by "
           f"1 − ηL: the iterates converge when |1 − ηL| < 1, i.e. η < 2/L = "
           f"{fmt_num(2 / lam)}.  Below, η = {etas[0]} converges fast (factor "
           f"{fmt_num(f1[etas[0]])} per step), η = {etas[1]} crawls ({fmt_num(f1[etas[1]])}) "
           f"and η = {etas[2]} overshoots further and further (|1 − ηL| = "
           f"{fmt_num(f1[etas[2]])} > 1): every iterate jumps to the other side of the "
           "minimum, farther away.")
    since = len(S.checks)
    paths = {eta: _run(obj, [10.0], "gd", lr=eta, steps=10).path[:, 0] for eta in etas}
    studies = {f"gd η = {eta}": S.rate(f"gd η = {eta}", obj, "gd", [10.0], lr=eta)
               for eta in etas}

    def draw(fig: Any) -> None:
        for sub, eta in zip(fig.subfigures(1, 3), etas, strict=True):
            plots.plot_curve_1d(obj, {f"η = {eta}": paths[eta]}, legend=False, numbered=6,
                                title=f"η = {eta}: 10 steps from x₀ = 10", fig=sub)

    S.figure(draw, 190.0, "GD on x² from x₀ = 10 (circle: start, square: after 10 steps; "
             "numbers: iteration index).", "x² iterates")
    S.figure(lambda fig: plots.plot_rate_studies(
        studies, title="Error |xₖ − 0| and the rate |1 − ηL|^k", fig=fig), HALF,
        "Measured error (solid, log scale) against the theoretical factor |1 − ηL| per step "
        "(dashed); the fitted window is shaded along each curve.", "x² errors")
    sweep = lr_sweep(obj, "gd", [10.0], np.geomspace(0.01, 1.5, 16 if S.quick else 31),
                     steps=50)
    S.figure(lambda fig: plots.plot_lr_sweep(
        sweep, title="GD on x²: distance to the minimum after 50 steps", fig=fig), HALF,
        "Final error after 50 steps from x₀ = 10 against η (log–log).  The error is smallest "
        f"near η = 1/L = {fmt_num(1 / lam)} (one step lands on the minimum) and explodes "
        "beyond 2/L.", "x² sweep")
    lo, hi = sweep.bracket
    S.statement_check(
        "GD divergence threshold (η)",
        f"η < 2/L = {S.value('threshold', 'predicted', sweep.predicted_threshold, 'theory')}",
        f"stable at η = {fmt_num(lo)}, diverges at η = {fmt_num(hi)}",
        sweep.brackets_prediction(), "the predicted threshold lies in the observed bracket"
        if sweep.brackets_prediction() else "the observed bracket misses the prediction")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 2. x³


def section_cubic(S: Study) -> None:
    """The degenerate saddle of x³."""
    S.start("x³: a degenerate critical point slows GD down")
    obj = _parse("x**3")
    _formula(S, obj)
    cps = obj.critical_points(box=[(-2, 2)])
    cp = cps[0]
    S.text(f"f′(0) = 0 and f″(0) = {fmt_num(cp.eigenvalues[0])}: the Hessian test cannot "
           f"classify x = 0, so the kind is decided by higher-order terms (test: {cp.test}); "
           f"it is a {cp.kind} — f decreases on one side, increases on the other.  Near 0 "
           "the gradient 3x² vanishes quadratically, so GD from x₀ = 1 obeys "
           "xₖ₊₁ = xₖ − 3ηxₖ²: the step shrinks with x and the iterates creep towards 0 "
           "like 1/(3ηk) — sublinear, not geometric.  From a negative start GD runs away "
           "to −∞ instead.")
    since = len(S.checks)
    eta = 0.1
    st = S.rate(f"gd η = {eta}", obj, "gd", [1.0], lr=eta)
    path = st.result.path[:, 0]
    k = np.arange(path.size)
    flow = 1.0 / (1.0 / path[0] + 3.0 * eta * k)

    def draw(fig: Any) -> None:
        left, right = fig.subfigures(1, 2)
        plots.plot_curve_1d(obj, {"gd": path[:12]}, xlim=(-1.2, 1.2), numbered=6,
                            legend=False, title="first 11 GD steps from x₀ = 1", fig=left)
        plots.plot_iterates({"GD iterates xₖ": path, "theory 1/(1/x₀ + 3ηk)": flow},
                            ylabel="xₖ (log scale)", logy=True,
                            title="xₖ against k: a 1/k decay", fig=right)
        right.axes[0].set_xscale("log")

    S.figure(draw, HALF, "GD with η = 0.1 on x³ from x₀ = 1: the iterates approach the "
             "degenerate saddle at 0 ever more slowly (right: log–log, slope −1).", "x³")
    K = path.size - 1
    S.numeric_check(f"x_K after K = {K} steps", float(flow[-1]), float(path[-1]), rtol=0.05,
                    how_p="theory", reason="continuous-time estimate 1/(1/x₀ + 3ηK); the "
                    "discrete map adds a log K correction")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 3. x² − y²


def section_saddle(S: Study) -> None:
    """GD near the stable manifold of the saddle of x² − y²."""
    from analysis import theory

    S.start("x² − y²: stalling near a saddle, then escaping")
    obj = _parse("x**2 - y**2")
    _formula(S, obj)
    H = obj.hess([0.0, 0.0])
    lam = np.linalg.eigvalsh(H)
    eta, y0, radius = 0.1, 1e-6, 1.0
    S.text(f"The Hessian at the saddle (0, 0) has eigenvalues {fmt_num(lam[0])} and "
           f"{fmt_num(lam[1])}.  GD multiplies x by 1 − 2η = {fmt_num(1 - 2 * eta)} (stable "
           f"direction) and y by 1 + 2η = {fmt_num(1 + 2 * eta)} (unstable direction).  "
           f"Started at (1, {y0:g}), almost on the stable manifold y = 0, GD first slides "
           "towards the saddle and the gradient nearly vanishes — it looks converged — until "
           "the tiny y component has grown enough to carry it away.  Started exactly on "
           "y = 0, it never escapes.")
    since = len(S.checks)
    k_esc = theory.saddle_escape_steps(y0, radius, eta, float(lam[0]))
    run = _run(obj, [1.0, y0], "gd", lr=eta, steps=int(k_esc) + 8)
    stuck = _run(obj, [1.0, 0.0], "gd", lr=eta, steps=int(k_esc) + 8)
    p = run.path
    measured = int(np.argmax(np.abs(p[:, 1]) >= radius))

    def draw(fig: Any) -> None:
        left, right = fig.subfigures(1, 2, width_ratios=[1, 1.15])
        cps = obj.critical_points(box=[(-1.5, 1.5), (-1.5, 1.5)])
        plots.plot_contour(obj, [(-1.5, 1.5), (-1.5, 1.5)],
                           {f"y₀ = {y0:g}": p, "y₀ = 0": stuck.path}, cps, colorbar=False,
                           title="GD paths near the saddle", fig=left)
        plots.plot_error({"|xₖ| (stable)": np.abs(p[:, 0]),
                          "|yₖ| (unstable)": np.abs(p[:, 1])},
                         rates={"|xₖ| (stable)": 1 - 2 * eta, "|yₖ| (unstable)": 1 + 2 * eta},
                         ylabel="coordinate size (log scale)",
                         title="The two directions, against theory", fig=right)
        ax = right.axes[0]
        ax.axvline(k_esc, color="black", ls=":", lw=1.2)
        ax.axhline(radius, color="0.5", ls=":", lw=1.0)
        ax.annotate(f"predicted escape k = {k_esc}", (k_esc, radius),
                    textcoords="offset points", xytext=(-6, 8), ha="right", fontsize=7.5)

    S.figure(draw, 300.0, "Left: GD from (1, 10⁻⁶) passes close to the saddle and leaves along "
             "y; from (1, 0) it converges to the saddle.  Right: |xₖ| shrinks by 1 − 2η, "
             "|yₖ| grows by 1 + 2η (dashed: theory); the dotted line marks the predicted "
             f"escape time to |y| ≥ {radius:g}.", "saddle")
    ks = np.arange(measured + 1)
    grow = math.exp(np.polyfit(ks, np.log(np.abs(p[: measured + 1, 1])), 1)[0])
    shrink = math.exp(np.polyfit(ks, np.log(np.abs(p[: measured + 1, 0])), 1)[0])
    S.numeric_check("growth factor of |yₖ|", 1 + 2 * eta, grow, rtol=1e-6, how_m="fit")
    S.numeric_check("contraction factor of |xₖ|", 1 - 2 * eta, shrink, rtol=1e-6, how_m="fit")
    S.numeric_check(f"escape time to |y| ≥ {radius:g} (iterations)", float(k_esc),
                    float(measured), rtol=0.0, abs_tol=1.0, digits=6,
                    reason="ceil(ln(r/|y₀|)/ln(1 + η|λ_min|)); agree within one step")
    final = S.value("stable manifold", "final norm", float(np.linalg.norm(stuck.x)),
                    "measured")
    S.statement_check("GD started on the stable manifold (y₀ = 0)",
                      "converges to the saddle, never escapes",
                      f"‖x_K‖ = {final} after {stuck.nit} steps",
                      bool(np.linalg.norm(stuck.x) < 1e-6 and stuck.x[1] == 0.0))
    S.checks_table(since)


# ============================================================================ 4. tanh


def section_tanh(S: Study) -> None:
    """The tanh plateau: vanishing derivative and the crossing time of GD."""
    import sympy as sp

    from analysis import theory

    S.start("tanh: a plateau where the gradient vanishes")
    obj = _parse("tanh(x)")
    _formula(S, obj)
    x0, x_end, eta, threshold = 4.0, 1.0, 1.0, 1e-2
    exact = sp.diff(obj.expr, obj.variables[0]).subs(obj.variables[0], 4)
    exact_val = float(sp.N(exact, 30))
    numeric = float(obj.grad([x0])[0])
    S.text("Far from 0, tanh is flat: f′(x) = 1 − tanh²(x) decays like 4e^(−2|x|).  At "
           f"x = 4 the slope is only {fmt_num(exact_val, 3)} (exact value "
           f"{str(exact).replace('**', '^')}), so a GD step of η = {eta:g} moves x by about "
           f"{fmt_num(eta * exact_val, 1)}.  "
           "Gradient descent is a discretised gradient flow dx/dt = −f′(x); the number of "
           "steps to cross from x₀ to x₁ is about ∫ dx /(η|f′(x)|) — large where |f′| is "
           "small.  This is the vanishing-gradient problem of saturated activations.")
    since = len(S.checks)
    van = obj.vanishing(box=[(-6, 6)], threshold=threshold)
    run = _run(obj, [x0], "gd", lr=eta, steps=700)
    path = run.path[:, 0]
    crossed = int(np.argmax(path <= x_end)) if np.any(path <= x_end) else None
    predicted = theory.plateau_crossing_steps(
        lambda x: float(obj.grad([x])[0]), x0, x_end, eta)
    S.figure(lambda fig: plots.plot_vanishing_1d(
        obj, (-6, 6), threshold=threshold, regions=van.regions, x0=x0, f_label="tanh(x)",
        fig=fig), FULL, f"tanh and |tanh′| (log scale).  Shaded: where |f′| < {threshold:g} "
        "(found by the vanishing-gradient analysis); the start x₀ = 4 lies deep in the "
        "plateau.", "tanh")
    vlines = [(predicted, f"predicted crossing k ≈ {predicted:.0f}")]
    S.figure(lambda fig: plots.plot_iterates(
        {"GD iterate xₖ (η = 1)": path}, ylabel="xₖ",
        hlines=[(x_end, f"x = {x_end:g}")], vlines=vlines,
        title="GD from x₀ = 4 crawls across the plateau", fig=fig), HALF,
        "xₖ against k: hundreds of steps to leave the plateau, then the slope is steep and "
        "the iterates run towards −∞ (tanh has no minimum).", "tanh crossing")
    S.numeric_check("tanh′(4) compiled kernel vs exact", exact_val, numeric, rtol=1e-12,
                    how_p="exact", how_m="numeric", digits=6, reason="1 − tanh²(4) = sech²(4)")
    if crossed is None:
        S.statement_check("crossing time", f"{predicted:.0f} steps", "not crossed in 700 steps",
                          False)
    else:
        S.numeric_check(f"GD steps from x = {x0:g} to x ≤ {x_end:g}", predicted, float(crossed),
                        rtol=0.05, digits=5, reason="gradient-flow integral ∫dx/(η|f′|) vs "
                        "counted steps; the flow slightly under-estimates the discrete steps")
    plateau = [r for r in van.regions if r.plateau]
    S.statement_check(f"x₀ = 4 lies in a plateau (|f′| < {threshold:g})",
                      f"|f′(4)| = {fmt_num(exact_val, 3)} < {threshold:g}",
                      f"{len(plateau)} plateau region(s); x₀ = {x0:g} is "
                      + ("inside one" if any(r.lower[0] <= x0 <= r.upper[0] for r in plateau)
                         else "outside them"),
                      any(r.lower[0] <= x0 <= r.upper[0] for r in plateau))
    S.checks_table(since)


# ============================================================================ 5. x·cos(cx)


def section_local_minimum(S: Study) -> None:
    """GD with η = 2 trapped in a local minimum of x·cos(cx); basins of attraction."""
    from analysis.sweeps import basins

    S.start("x·cos(cx): trapped in a local minimum")
    obj = _parse("x*cos(c*x)", c="0.15*pi")
    _formula(S, obj)
    box = [(-20.0, 20.0)]
    cps = obj.critical_points(box=box)
    mins = [cp for cp in cps if cp.kind == "minimum"]
    best = min(mins, key=lambda cp: cp.value)
    eta = 2.0
    run = _run(obj, [10.0], "gd", lr=eta, steps=25)
    trap = min(mins, key=lambda cp: abs(cp.point[0] - run.x[0]))
    S.text(f"With c = 0.15π the function has {len(mins)} minima in [−20, 20]; the lowest is at "
           f"x = {fmt_num(best.point[0])} (f = {fmt_num(best.value)}).  GD with η = {eta:g} "
           f"from x₀ = 10 overshoots into the shallow minimum at x = "
           f"{fmt_num(trap.point[0])} (f = {fmt_num(trap.value)}) and stays there: a local "
           f"minimum.  Why that one?  A minimum with curvature f″ attracts GD only if "
           f"η f″ < 2, i.e. f″ < {fmt_num(2 / eta)}, and f″ = {fmt_num(trap.eigenvalues[0])} "
           "there: the steeper minima cannot hold GD with this step, whatever the start "
           "(basin maps below).")
    since = len(S.checks)
    S.rate(f"gd η = {eta:g}", obj, "gd", [10.0], lr=eta, box=box, critical_points=list(cps))
    S.figure(lambda fig: plots.plot_curve_1d(
        obj, {"gd η = 2": run.path[:, 0]}, xlim=(-20, 20), numbered=6,
        title="GD with η = 2 from x₀ = 10: into the local minimum", fig=fig), HALF,
        "The first steps jump across the landscape; the iterates then oscillate into the "
        f"shallow minimum at x = {fmt_num(trap.point[0])} (numbers: iteration).", "xcos path")
    res = 201 if S.quick else 401
    maps = {e: basins(obj, "gd", box, resolution=res, critical_points=list(cps), lr=e,
                      maxiter=3000) for e in (eta, 0.2)}

    def draw(fig: Any) -> None:
        top, bottom = fig.subfigures(2, 1)
        for sub, e in ((top, eta), (bottom, 0.2)):
            plots.plot_basins(maps[e], obj, title=f"Where GD with η = {e:g} ends, by start",
                              fig=sub)

    S.figure(draw, 2 * 250.0, "Basins of attraction (colour strip: start x₀; legend: limit "
             "point and share of starts).  With η = 2 only minima with f″ < 2/η = 1 can "
             "attract GD; with η = 0.2 every minimum has a basin.", "xcos basins")
    m2 = maps[eta]
    curv = {i: float(obj.hess([m2.points[i][0]])[0, 0]) for i in range(len(m2.points))}
    reached = [i for i, c in m2.counts.items() if i >= 0 and c > 0]
    ok = all(m2.kinds[i] == "minimum" and curv[i] * eta < 2 for i in reached)
    S.statement_check(
        "minima that attract GD with η = 2",
        "only those with f″ < 2/η = 1: x ≈ " + ", ".join(
            fmt_num(m2.points[i][0]) for i in range(len(m2.points))
            if m2.kinds[i] == "minimum" and curv[i] * eta < 2),
        "reached from the grid: x ≈ " + ", ".join(fmt_num(m2.points[i][0]) for i in reached),
        ok, "stability of GD at a minimum: |1 − ηf″| < 1")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 6. cosh


def _order_estimate(err: np.ndarray) -> tuple[float, float, int] | None:
    """Order q and constant C of e_(k+1) ≈ C e_k^q from the last triple of errors clear of
    rounding (e_(k+1) ≥ 10³·ε·e_k): returns (q, C, k) or None."""
    eps = float(np.finfo(float).eps)
    best = None
    for k in range(1, err.size - 1):
        a, b_, c = err[k - 1], err[k], err[k + 1]
        if a > b_ > c > 0 and c >= 1e3 * eps * b_ and b_ < 1:
            q = math.log(c / b_) / math.log(b_ / a)
            best = (q, c / b_ ** round(q), k)
    return best


def section_newton_cosh(S: Study) -> None:
    """Newton on cosh(cx): fast local convergence and its order."""
    S.start("Newton on cosh(cx): convergence of high order")
    c = 0.5
    obj = _parse("cosh(c*x)", c=str(c))
    _formula(S, obj)
    S.text("Newton's method divides the gradient by the curvature: x ← x − f′(x)/f″(x) = "
           f"x − tanh(cx)/c.  Far from 0 this is a step of about 1/c = {fmt_num(1 / c)}; "
           "near 0 it is "
           "extremely accurate.  Textbooks promise quadratic convergence (e_(k+1) ≈ C e_k²) "
           "at a nondegenerate minimum.  Here f is even, so f‴(0) = 0, the quadratic term of "
           "the error vanishes and Taylor's theorem gives e_(k+1) = (c²/3) e_k³: the order is "
           "3.  The theory module notices this: it checks the third derivatives at the minimizer "
           "(central differences of the Hessian) and predicts order 3 instead of 2.")
    since = len(S.checks)
    st = S.rate("newton (pure)", obj, "newton", [10.0], line_search="none",
                modification="none", box=[(-12, 12)])
    path = st.result.path[:, 0]

    def draw(fig: Any) -> None:
        left, right = fig.subfigures(1, 2)
        plots.plot_curve_1d(obj, {"newton": path}, numbered=7, legend=False,
                            title="Newton iterates from x₀ = 10", fig=left)
        plots.plot_rate_studies({"newton": st}, title="Error |xₖ| (log scale)", fig=right)

    S.figure(draw, HALF, "Left: iterates on the curve.  Right: the error falls by steps of "
             f"≈ 1/c = {fmt_num(1 / c)} at first, then the number of correct digits roughly "
             "triples per step.", "cosh")
    est = _order_estimate(np.abs(path))
    if est is not None:
        q, C, k = est
        S.numeric_check("order q of e_(k+1) ≈ C e_k^q (f‴(0) = 0)", 3.0, q, rtol=0.05,
                        how_p="exact", how_m="fit", digits=3,
                        reason=f"from the errors at iterations {k - 1}–{k + 1}")
        S.numeric_check("constant C = e_(k+1)/e_k³ vs c²/3", c * c / 3.0, C, rtol=0.05,
                        how_p="exact", how_m="fit", digits=4, reason="Taylor: x − tanh(cx)/c "
                        "= c²x³/3 + O(x⁵)")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 7. conditioning


def section_conditioning(S: Study) -> None:
    """GD on 0.1x₁² + 2x₂² (η = 0.4, 0.6), momentum damping, the stability map."""
    from analysis import theory
    from analysis.sweeps import lr_sweep, momentum_stability_map

    S.start("Ill-conditioning: 0.1x₁² + 2x₂², momentum to the rescue")
    obj = _parse("0.1*x1**2 + 2*x2**2")
    _formula(S, obj)
    lam = np.linalg.eigvalsh(obj.hess([0.0, 0.0]))
    mu, L = float(lam[0]), float(lam[-1])
    x0 = [-5.0, -2.0]
    S.text(f"The curvatures are μ = {fmt_num(mu)} along x₁ and L = {fmt_num(L)} along x₂ "
           f"(condition number κ = {fmt_num(L / mu)}).  One step size serves both directions: "
           f"it must stay below 2/L = {fmt_num(2 / L)} for x₂ to converge, and then x₁ "
           "contracts only by 1 − ημ per step.  η = 0.4 converges (factor "
           f"{fmt_num(1 - 0.4 * mu)} per step along x₁); η = 0.6 makes x₂ oscillate with "
           f"growing amplitude (|1 − 0.6·L| = {fmt_num(abs(1 - 0.6 * L))}).  Heavy-ball "
           "momentum (v ← βv + ∇f, x ← x − ηv) with η = 0.6 and β = 0.5 is stable again: "
           "the velocity averages the alternating x₂ gradients and damps the oscillation "
           f"(spectral radius {fmt_num(theory.heavy_ball_radius(0.6, 0.5, lam))}).")
    since = len(S.checks)
    configs = [("gd η = 0.4", "gd", {"lr": 0.4}), ("gd η = 0.6", "gd", {"lr": 0.6}),
               ("momentum η = 0.6, β = 0.5", "momentum", {"lr": 0.6, "momentum": 0.5}),
               ("momentum η = 0.6, β = 0.25", "momentum", {"lr": 0.6, "momentum": 0.25})]
    runs = {lab: _run(obj, x0, m, steps=20, **h) for lab, m, h in configs}
    for lab, m, h in configs:
        S.rate(lab, obj, m, x0, **h)
    box = [(-6.0, 6.0), (-3.0, 3.0)]
    cps = obj.critical_points(box=box)
    S.figure(lambda fig: plots.plot_contour(
        obj, box, {k: r.path for k, r in runs.items()}, cps, xlabel="x₁", ylabel="x₂",
        title="20 steps from (−5, −2)", fig=fig), FULL,
        "GD with η = 0.6 zig-zags out of the plot along x₂; momentum with the same η "
        "converges.", "conditioning paths")
    rates_x2 = {"gd η = 0.4": abs(1 - 0.4 * L), "gd η = 0.6": abs(1 - 0.6 * L),
                "momentum η = 0.6, β = 0.5": theory.heavy_ball_radius(0.6, 0.5, [L])}
    S.figure(lambda fig: plots.plot_error(
        {k: np.abs(runs[k].path[:, 1]) for k in rates_x2}, rates=rates_x2,
        ylabel="|x₂,k| (log scale)", title="The steep coordinate x₂ against theory",
        fig=fig), HALF, "Along x₂ (λ = L = 4) GD multiplies the error by |1 − ηL| per step; "
        "heavy ball by the spectral radius of its 2×2 iteration matrix (dashed: theory).",
        "x2 errors")
    sweep = lr_sweep(obj, "gd", x0, np.geomspace(0.05, 1.0, 14 if S.quick else 25),
                     steps=100)
    lo, hi = sweep.bracket
    S.statement_check("GD divergence threshold (η)",
                      f"η < 2/L = {S.value('threshold', 'predicted', 2 / L, 'theory')}",
                      f"stable at η = {fmt_num(lo)}, diverges at η = {fmt_num(hi)}",
                      sweep.brackets_prediction())
    n_lr, n_b = (14, 10) if S.quick else (30, 20)
    smap = momentum_stability_map(obj, x0, np.linspace(0.02, 1.2, n_lr),
                                  np.linspace(0.0, 0.95, n_b), steps=200)
    marks = [(0.6, 0.5, "η = 0.6, β = 0.5"), (0.6, 0.25, "η = 0.6, β = 0.25"),
             (0.6, 0.0, "GD η = 0.6 (β = 0)"), (0.4, 0.0, "GD η = 0.4 (β = 0)")]
    S.figure(lambda fig: plots.plot_momentum_map(smap, mark=marks, fig=fig), 360.0,
             f"Measured rate of heavy ball over a {n_b} × {n_lr} grid of (η, β), 200 steps "
             "each (grey: diverged).  The black curve is where the predicted spectral radius "
             "crosses 1; momentum widens the stable range of η from 2/L to 2(1 + β)/L.",
             "momentum map")
    ag = smap.agreement
    S.numeric_check("stability map: cells where divergence matches theory", 1.0,
                    float(ag["stability"]), rtol=0.0, abs_tol=0.02, how_p="theory", digits=3,
                    reason=f"{ag['cells']} cells; boundary cells (|ρ − 1| ≤ "
                    f"{ag['boundary_margin']}) may go either way")
    if ag.get("rate_settling") is not None:
        S.numeric_check(f"stability map: the {ag['settling_cells']} stable cells that settle "
                        "(ρ^200 ≤ 10⁻³) whose rate matches theory (1 %)", 1.0,
                        float(ag["rate_settling"]), rtol=0.0, abs_tol=0.02, how_p="theory",
                        digits=3, reason=f"over all {ag['stable_cells']} stable cells "
                        f"{fmt_num(ag['rate'], 3)}: cells with ρ near 1 do not reach their "
                        "asymptotic phase in 200 steps")
    obj2 = _parse("x1**2 + 2*x2**2")
    lam2 = np.linalg.eigvalsh(obj2.hess([0.0, 0.0]))
    S.text(f"Better conditioning helps every method: on x₁² + 2x₂² (κ = "
           f"{fmt_num(lam2[-1] / lam2[0])}) the same η = 0.4 contracts by max|1 − 0.4λ| = "
           f"{fmt_num(theory.gd_rate(0.4, lam2))} per step instead of "
           f"{fmt_num(theory.gd_rate(0.4, lam))}.")
    S.rate("gd η = 0.4 on x₁² + 2x₂²", obj2, "gd", x0, lr=0.4)
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 8. Rosenbrock


def section_rosenbrock(S: Study) -> None:
    """Second-order and quasi-Newton methods against GD on Rosenbrock; ECDF over starts."""
    from optimizers import minimize_batch

    S.start("Rosenbrock: curvature information pays")
    obj = _parse("(1 - x)**2 + 100*(y - x**2)**2")
    _formula(S, obj)
    box = [(-2.0, 2.0), (-1.0, 3.0)]
    x0 = [-1.2, 1.0]
    cps = obj.critical_points(box=box)
    H = obj.hess([1.0, 1.0])
    lam = np.linalg.eigvalsh(H)
    gd_lr = 1e-3
    S.text(f"The minimum (1, 1) sits in a long curved valley; the Hessian there has eigenvalues "
           f"{fmt_num(lam[0])} and {fmt_num(lam[1])} (κ ≈ {fmt_num(lam[1] / lam[0], 3)}).  GD "
           f"needs η < 2/L ≈ {fmt_num(2 / lam[1], 3)} and then crawls along the valley "
           f"(with η = {gd_lr:g}: rate 1 − ημ ≈ {fmt_num(1 - gd_lr * lam[0], 5)} near the "
           "minimum).  Newton rescales by the Hessian and converges "
           "quadratically; BFGS and L-BFGS build a Hessian approximation from gradients "
           "(superlinear); nonlinear CG needs no matrix at all.")
    since = len(S.checks)
    configs = [("newton", "newton", {}), ("bfgs", "bfgs", {}), ("lbfgs", "lbfgs", {}),
               ("cg", "cg", {}), (f"gd η = {gd_lr:g}", "gd", {"lr": gd_lr})]
    runs = {lab: _run(obj, x0, m, maxiter=50000 if m == "gd" else None, **h)
            for lab, m, h in configs}
    studies = {lab: S.rate(lab, obj, m, x0, box=box, critical_points=list(cps), **h)
               for lab, m, h in configs}
    S.figure(lambda fig: plots.plot_contour(
        obj, box, {f"{k}": r.path for k, r in runs.items()}, cps,
        title="Paths from (−1.2, 1) to the minimum (1, 1)", fig=fig), FULL,
        "Contours are geometric (f spans decades).  GD follows the valley floor in thousands "
        "of tiny steps; Newton and the quasi-Newton methods cut across.", "rosenbrock paths")
    S.figure(lambda fig: plots.plot_rate_studies(
        studies, title="Error ‖xₖ − (1, 1)‖ against iteration", fig=fig), HALF,
        "Errors of the rate-study runs (log scale; iteration axis linear to 10, then log).  "
        "Dashed: theory's rate where it gives one.", "rosenbrock errors")
    n = 60 if S.quick else 200
    rng = np.random.default_rng(0)
    X0 = np.column_stack([rng.uniform(*box[0], n), rng.uniform(*box[1], n)])
    ecdf = {}
    for lab, m, h in configs + [("momentum η = 0.001, β = 0.9", "momentum",
                                 {"lr": 1e-3, "momentum": 0.9})]:
        batch = minimize_batch(obj, X0, m, maxiter=50000 if m in ("gd", "momentum") else None,
                               **h)
        its = np.where(batch.status == "converged", batch.nit, np.nan)
        ecdf[lab] = its
        S.b.ledger.add(S.section, lab, "fraction of starts solved",
                       float(np.mean(np.isfinite(its))), "measured")
    S.figure(lambda fig: plots.plot_ecdf(
        ecdf, title=f"Iterations to ‖∇f‖∞ ≤ 10⁻⁶ over {n} random starts in the box",
        fig=fig), HALF, "Empirical CDF over starts drawn uniformly in the box (seed 0): a "
        "curve that ends below 1 did not solve every start within its budget (50 000 "
        "iterations for GD and momentum, 200 for the others).", "rosenbrock ecdf")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 9. chains


def section_chain(S: Study) -> None:
    """The derivative of activation chains against depth."""
    from landscape.vanishing import SUP_DERIVATIVE, chain_study

    S.start("Deep chains of activations: the derivative vanishes with depth")
    depths = (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 40, 50)
    S.text("A deep network multiplies one derivative per layer (chain rule): for "
           "h_d = a(w·h_(d−1)) with h₀ = x, dh_d/dx = Π w·a′(w·h_(k−1)).  With |w|·sup|a′| < 1 "
           "the product shrinks geometrically: sigmoid (sup σ′ = 1/4) loses a factor ≥ 4 "
           "per layer; tanh is better near 0 but saturates; relu passes derivative 1 where "
           "it is active.  Exact SymPy derivatives (depth ≤ 8) and the numeric chain-rule "
           "product are compared below (w = 1, x = 1).")
    since = len(S.checks)
    studies = [chain_study(a, depths=depths, weight=1, x=1) for a in ("tanh", "sigmoid",
                                                                     "relu")]
    S.figure(lambda fig: plots.plot_chain_depth(studies, fig=fig), FULL,
             "|dh_d/dx| against depth (log scale): lines are the numeric chain rule, open "
             "markers the exact SymPy derivative, dotted lines the bound (|w|·sup|a′|)^d.",
             "chains")
    rows = []
    for st in studies:
        exact = [(r.depth, float(r.derivative_exact), r.derivative) for r in st.rows
                 if r.derivative_exact is not None]
        worst = max(abs(n - e) / abs(e) if e else abs(n) for _, e, n in exact)
        deepest = max(d for d, _, _ in exact)
        S.statement_check(f"{st.activation}: chain-rule product vs exact SymPy derivative "
                          f"(depths ≤ {deepest})", "equal up to rounding",
                          "worst relative error "
                          + S.value(st.activation, "worst relative error", worst, "numeric", 2),
                          worst <= 1e-12, "floating-point product vs exact evaluation")
        within = all(abs(r.derivative) <= r.bound * (1 + 1e-12) for r in st.rows)
        S.statement_check(f"{st.activation}: |dh_d/dx| ≤ (|w|·sup|a′|)^d",
                          f"bound with sup|a′| = {SUP_DERIVATIVE[st.activation]:g}",
                          "holds at every depth" if within else "violated", within)
        by_depth = {r.depth: r for r in st.rows}
        rows.append([st.activation] + [
            S.value(st.activation, f"derivative at depth {d}", by_depth[d].derivative,
                    "exact" if by_depth[d].derivative_exact is not None else "numeric", 3)
            for d in (1, 5, 10, 20, 50)])
    S.doc.table(["activation", Column("d = 1", "r"), Column("d = 5", "r"),
                 Column("d = 10", "r"), Column("d = 20", "r"), Column("d = 50", "r")], rows,
                title="dh_d/dx at x = 1, w = 1", notes=[legend_text(["exact", "numeric"])])
    S.checks_table(since)


# ============================================================================ 10. Newton nonconvex


def section_newton_nonconvex(S: Study) -> None:
    """Pure Newton is attracted by a maximum; the saddle-free modification is not."""
    S.start("Newton on a nonconvex function: maxima attract it too")
    obj = _parse("x*cos(c*x)", c="0.15*pi")
    _formula(S, obj)
    box = [(-20.0, 20.0)]
    cps = obj.critical_points(box=box)
    x0 = 3.0
    h0 = float(obj.hess([x0])[0, 0])
    g0 = float(obj.grad([x0])[0])
    S.text(f"Pure Newton solves f′ = 0; it does not care whether that is a minimum.  At "
           f"x₀ = {x0:g}, f″ = {fmt_num(h0)} < 0, so the step −f′/f″ points uphill (same sign "
           f"as f′ = {fmt_num(g0)}) and the iteration converges — quadratically — to the "
           "nearby maximum.  The saddle-free modification uses |f″| instead of f″: the step "
           "then always goes downhill and Newton converges to a minimum.  (The default "
           "Newton of this project shifts the Hessian and adds a line search for the same "
           "reason.)")
    since = len(S.checks)
    pure = S.rate("newton, pure", obj, "newton", [x0], line_search="none",
                  modification="none", box=box, critical_points=list(cps))
    free = S.rate("newton, saddle-free", obj, "newton", [x0], line_search="none",
                  modification="saddle-free", box=box, critical_points=list(cps))
    S.figure(lambda fig: plots.plot_curve_1d(
        obj, {"pure Newton": pure.result.path[:, 0],
              "saddle-free Newton": free.result.path[:, 0]},
        xlim=(-2, 10), numbered=5, title=f"Newton from x₀ = {x0:g}", fig=fig), HALF,
        f"Pure Newton ends at x = {fmt_num(pure.result.x[0])}; saddle-free Newton at "
        f"x = {fmt_num(free.result.x[0])} (kinds in the table below).", "newton nonconvex")

    def end_kind(st: Any) -> str:
        x = st.result.x
        near = min(cps, key=lambda cp: abs(cp.point[0] - x[0]))
        return near.kind if abs(near.point[0] - x[0]) < 1e-6 else "no critical point"

    S.statement_check("pure Newton from a point with f″ < 0",
                      "ascent step: converges to a maximum",
                      f"ended at x = {fmt_point(pure.result.x)}: {end_kind(pure)}",
                      end_kind(pure) == "maximum")
    S.statement_check("saddle-free Newton from the same point",
                      "descent step: converges to a minimum",
                      f"ended at x = {fmt_point(free.result.x)}: {end_kind(free)}",
                      end_kind(free) == "minimum")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 11. adaptive


def section_adaptive(S: Study) -> None:
    """Adam, RMSProp and AdaGrad on the ill-conditioned quadratic: the first step."""
    from analysis import theory

    S.start("Adam, RMSProp, AdaGrad: steps that ignore the gradient's size")
    obj = _parse("0.1*x1**2 + 2*x2**2")
    _formula(S, obj)
    x0 = [-5.0, -2.0]
    g0 = obj.grad(x0)
    ratio = abs(g0[1]) / abs(g0[0])
    alpha = 0.99
    S.text(f"At x₀ = (−5, −2) the gradient is {fmt_point(g0)}: {fmt_num(ratio, 3)} times "
           "larger along x₂ than along x₁.  Adaptive methods divide each coordinate by a "
           "running root mean square of its gradients, so the first step is ≈ lr·sign(g) in "
           "every coordinate (Adam, AdaGrad) or lr·sign(g)/√(1 − α) (RMSProp: "
           f"{fmt_num(1 / math.sqrt(1 - alpha), 3)}·lr for α = {alpha:g}) — the same size "
           "along the flat and the steep direction.  That fixes ill-conditioning early on, "
           "but with a constant lr theory promises no linear rate for these methods: the "
           "rate rows below are therefore ‘not comparable’.")
    since = len(S.checks)
    configs = [("adam lr = 0.1", "adam", {"lr": 0.1}),
               ("rmsprop lr = 0.01", "rmsprop", {"lr": 0.01, "alpha": alpha}),
               ("adagrad lr = 0.1", "adagrad", {"lr": 0.1})]
    steps = 200
    runs = {lab: _run(obj, x0, m, steps=steps, **h) for lab, m, h in configs}
    runs["gd η = 0.4 (reference)"] = _run(obj, x0, "gd", steps=steps, lr=0.4)
    for lab, m, h in configs:
        step = runs[lab].path[1] - runs[lab].path[0]
        pred = theory.adaptive_first_step(m, g0, h, x0)
        rel = float(np.max(np.abs(step - pred) / np.abs(pred)))
        S.checks.append(Check(
            S.section, f"{lab}: first step x₁ − x₀",
            "(" + ", ".join(S.value(lab, f"first step[{i}] theory", v, "theory", 5)
                            for i, v in enumerate(pred)) + ")",
            "(" + ", ".join(S.value(lab, f"first step[{i}] measured", v, "measured", 5)
                            for i, v in enumerate(step)) + ")",
            rel, "agrees" if rel <= 1e-6 else "disagrees", "per coordinate; ε shifts the "
            "sign(g) value by ε/|g|"))
        S.rate(lab, obj, m, x0, **h)
    S.checks_table(since, title="First steps: theory and measurement")
    S.theory_table()
    box = [(-6.0, 6.0), (-3.0, 3.0)]
    cps = obj.critical_points(box=box)
    S.figure(lambda fig: plots.plot_contour(
        obj, box, {k: r.path for k, r in runs.items()}, cps, xlabel="x₁", ylabel="x₂",
        title=f"{steps} steps from (−5, −2)", fig=fig), FULL,
        "The adaptive methods first move diagonally (equal steps in both coordinates), "
        "unlike GD, which first removes the steep x₂ component.", "adaptive paths")
    final = {k: float(np.linalg.norm(r.x)) for k, r in runs.items()}
    S.figure(lambda fig: plots.plot_iterates(
        {k: np.linalg.norm(r.path, axis=1) for k, r in runs.items()},
        ylabel="‖xₖ − x*‖ (log scale)", logy=True,
        title="Distance to the minimum", fig=fig), HALF,
        f"Distance to the minimum after {steps} steps: " + "; ".join(
            f"{k} {fmt_num(v, 2)}" for k, v in final.items()) + ".  GD's linear rate here "
        f"is {fmt_num(theory.gd_rate(0.4, np.linalg.eigvalsh(obj.hess([0.0, 0.0]))))} per "
        "step; the adaptive methods follow no fixed rate.", "adaptive errors")


# ============================================================================ the document

SECTIONS: tuple[Callable[[Study], None], ...] = (
    section_quadratic, section_cubic, section_saddle, section_tanh, section_local_minimum,
    section_newton_cosh, section_conditioning, section_rosenbrock, section_chain,
    section_newton_nonconvex, section_adaptive,
)

SECTION_TITLES = {
    section_quadratic: "GD on x²", section_cubic: "x³", section_saddle: "x² − y²",
    section_tanh: "tanh", section_local_minimum: "x·cos(cx)",
    section_newton_cosh: "Newton on cosh(cx)", section_conditioning: "ill-conditioning",
    section_rosenbrock: "Rosenbrock", section_chain: "activation chains",
    section_newton_nonconvex: "Newton, nonconvex", section_adaptive: "adaptive methods",
}


def _front(S: Study, seconds: float) -> None:
    """Title page, contents, summary table of all checks, and what failed."""
    d = S.doc
    d.heading("Optimization landscapes: the lecture notes, computed and measured",
              level=0, numbered=False)
    d.paragraph("Every phenomenon of the notes on optimization for machine learning — step "
                "sizes, saddles, plateaus, local minima, ill-conditioning, momentum, Newton's "
                "method, adaptive methods, vanishing gradients — reproduced with exact "
                "symbolic analysis (SymPy) where possible, compiled optimizers (Numba) where "
                "necessary, and each time a measured check of what theory predicts.",
                after=8.0)
    import datetime as dt

    d.bullets([f"Generated {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} by {versions()}.",
               f"Computation time {seconds:.0f} s (analysis and runs, before writing the PDF).",
               f"{len(S.checks)} checks of theory against measurement: "
               + ", ".join(f"{sum(c.verdict == v for c in S.checks)} {v}"
                           for v in ("agrees", "disagrees", "not comparable")
                           if any(c.verdict == v for c in S.checks)) + "."],
              size=SMALL + 0.5)
    d.paragraph("How each number was obtained (marker after the number):", weight="bold",
                size=SMALL + 0.5, after=2.0)
    d.bullets([f"{HOW[k][0]}  {HOW[k][1]}" for k in HOW], size=SMALL + 0.5)
    d.paragraph("Contents", weight="bold", before=6.0, after=3.0)
    d.contents()
    d.page_break()
    d.heading("Summary of all checks")
    d.paragraph("One row per comparison of theory with measurement.  ‘Convergence’ rows "
                "compare the predicted kind and rate (or order) of convergence with the ones "
                "fitted to a run (details in each section); the other rows compare specific "
                "predictions — thresholds, escape and crossing times, first steps — with "
                "what the runs did.  A disagreement is explained in its row.")
    rows = [[SECTION_TITLES.get(_section_fn(c.section), c.section), c.what, c.theory,
             c.measured, _rel(c.rel_diff), c.verdict, c.reason] for c in S.checks]
    d.table(["section", "what", "theory", "measured", Column("rel. diff.", "r"), "verdict",
             "note"], rows, title="Theory against measurement, all sections",
            notes=[legend_text()])
    d.heading("What failed")
    if S.b.failures:
        d.bullets([f"{f.section}: {f.error}: {f.message}" for f in S.b.failures])
    else:
        d.paragraph("Nothing failed: every section, figure and table was computed.")
    bad = [c for c in S.checks if c.verdict != "agrees"]
    if bad:
        d.paragraph("Checks where theory and measurement do not agree, or cannot be "
                    "compared (see their sections):", weight="bold", after=2.0)
        d.bullets([f"{c.section} — {c.what}: {c.verdict}"
                   + (f" ({c.reason})" if c.reason else "") for c in bad])


_SECTION_BY_TITLE: dict[str, Callable[[Study], None]] = {}


def _section_fn(title: str) -> Any:
    return _SECTION_BY_TITLE.get(title)


def build_study(out_dir: str | os.PathLike = "reports", *, quick: bool = False,
                sections: Sequence[Callable[[Study], None]] | None = None,
                progress: Progress | None = None) -> ReportResult:
    """Write ``out_dir/study.pdf`` (+ ``study.json``, ``study.csv``) atomically.

    ``quick=True`` uses coarser grids and fewer starts (for smoke tests); ``sections``
    selects study functions (default :data:`SECTIONS`).  A section that raises is reported
    under “What failed”; the others are unaffected.  ``progress``: optional callback told
    each section as it starts, then the title page and the writing (:mod:`landscape.progress`).
    """
    t0 = time.perf_counter()
    todo = list(sections or SECTIONS)
    b = Builder("Optimization landscapes: the lecture notes", footer="landscape study",
                progress=progress, total=len(todo) + 2)
    S = Study(b, quick=quick)
    for fn in todo:
        before = len(b.doc.blocks)
        with b.guard((fn.__doc__ or fn.__name__).splitlines()[0]):
            fn(S)
        heading = next((blk for blk in b.doc.blocks[before:] if hasattr(blk, "level")), None)
        if heading is not None:
            _SECTION_BY_TITLE[heading.text] = fn
    body = b.doc.take()
    with b.guard("title page and summary table", note=False):
        _front(S, time.perf_counter() - t0)
    b.doc.extend(body)
    b.data["checks"] = [vars(c) for c in S.checks]
    b.data["rate_studies"] = {k: st.to_json() for k, st in S.studies.items()}
    b.data["quick"] = quick
    b.findings = [f"{c.section} — {c.what}: {c.verdict}" for c in S.checks
                  if c.verdict != "agrees"]
    return b.write(Path(out_dir) / "study.pdf")


__all__ = ["SECTIONS", "Check", "Study", "build_study"]
