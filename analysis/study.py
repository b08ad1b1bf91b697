"""The lecture-note study: every phenomenon of the notes, computed, measured and explained.

:func:`build_study` writes ``study.pdf`` (with ``study.json`` and ``study.csv`` beside it,
atomically, see :func:`analysis.report.write_atomically`).  One section per study function:

1. convexity by chords — x², cos x, eˣ: the exact verdict against every chord on a grid;
2. x² — GD from x = 10 with η = 0.2, 0.05 and 1.1, and the learning-rate sweep (2/L = 1);
3. x³ — a degenerate saddle: GD slows down like 1/k;
4. x² − y² — a saddle: GD near the stable manifold stalls, then escapes (escape time);
5. 3-D surfaces of the saddle x² − y² (with a GD path) and of x³ — exact Hessian eigenvalues;
6. tanh — a plateau: GD from x = 4 barely moves (crossing time ∫dx/(η|f′|), f′(4));
7. x·cos(cx), c = 0.15π — a local-minimum trap with η = 2, and basins of attraction;
8. cosh(cx) — Newton's fast local convergence, and its measured order;
9. x₁²/10 + 2x₂² and x₁² + 2x₂² — ill-conditioning, the threshold 2/L, momentum damping,
   the momentum stability map;
10. Nesterov against heavy ball at tuned parameters — (√κ − 1)/(√κ + 1) and 1 − 1/√κ;
11. momentum's weights βʲ on past gradients (checked on a run's buffer) and the notes'
    "β = 0.25 does not converge in 20 steps" set against ρ = 0.859;
12. SGD — the noise ball ησ²/(λ(2 − ηλ)), minibatch variance s²(N − B)/(B(N − 1)), decaying
    steps (Σηₖ = ∞, Σηₖ² < ∞) against a constant step's noise floor;
13. learning-rate schedules and warm-up — closed forms against the steps of real runs, and
    their effect on noisy SGD against the exact mean-square recursion;
14. AdaGrad, RMSProp, Adam at the notes' settings on the ill-conditioned ellipse — first step
    ≈ lr·sign(g), and the compiled runs against the notes' pseudo-code;
15. Rosenbrock — Newton, BFGS, L-BFGS, CG against GD, and many starts (ECDF of weighted
    evaluations to the target, where the starts ended);
16. activation chains — the vanishing derivative with depth (tanh, sigmoid, relu);
17. Newton on the nonconvex x·cos(cx) — pure Newton finds a maximum, saddle-free Newton
    a minimum.

Each section has its figures, a theory-vs-measurement table and a few sentences for students;
the first pages hold a table of contents and one summary table of every check.  Every number
is computed in the run that writes the report (nothing is typed in).
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analysis import plots, plots_lecture
from analysis.compare import (
    SE_RULE,
    STOCHASTIC_SE,
    decisive_diff,
    kind_words,
    log_scale_decides,
    rate_diff,
    rate_diffs,
)
from analysis.empirical import printed_window, se_lines
from analysis.pages import (
    block_texts,
    how_lines,
    inline_math,
    mark,
    page_ref,
    section_page_ref,
    section_ref,
    text_math,
    unbroken,
    used_hows,
)
from analysis.rates import FLOOR_MARGIN, auto_cap
from analysis.report import (
    HYPER_SYMBOLS,
    SMALL,
    THEORY_COLUMNS,
    THEORY_TABLE,
    Builder,
    Column,
    ReportResult,
    _names,
    around_text,
    cell,
    column_digits,
    comparison_reason,
    convergence_table,
    critical_numbering,
    decided_by,
    diff_digits,
    exact_floor_text,
    floor_cut_text,
    fmt_num,
    fmt_point,
    hidden_above_text,
    legend_text,
    lhs_latex,
    measured_rate_text,
    multiples_text,
    nw_text,
    panels_span_text,
    percent,
    plural,
    power_text,
    rate_pair_digits,
    row_rate_digits,
    starts_body,
    theory_legend,
    theory_notes,
    theory_row,
    verdict_tally,
    versions,
    window_cut_text,
    yardstick_case,
)
from landscape.numfmt import as_printed, fmt, fmt_rate, spaced
from landscape.progress import Progress
from landscape.vanishing import PLATEAU_FRACTION

#: Figure heights in points (A4 text width is about 495 pt).
FULL = 330.0
HALF = 270.0


# ============================================================================ checks


#: a "decided by" cell that is a bare relative difference (:func:`check_decided`)
_BARE_PERCENT = re.compile(r"<?[\d.e−+]+%|—")


def decided_note(decided: Sequence[str]) -> str:
    """The note under a table whose "decided by" column holds the texts ``decided``: what
    each form of test found there measures, and only those forms (no ``Δv/v`` under a table
    whose rows show none)."""
    from analysis.report import RELATIVE_RULES

    texts = [t for t in decided if t]
    band = [t for t in texts if " band" in t]
    rate = [t for t in texts if t.startswith(("Δρ/ρ", "Δln ρ/ln ρ")) and t not in band]
    others = [f"Δ{v}/{v}" for q, v in RELATIVE_RULES.items() if q != "rate"
              and any(t.startswith(f"Δ{v}/{v} ") for t in texts)]
    numeric = any(t.startswith("|m − p|/|p|") for t in texts)
    absolute = any(t.startswith("|m − p| ") for t in texts)
    bare = any(_BARE_PERCENT.fullmatch(t) for t in texts)
    used = band + rate + [t for t in texts if t.startswith(tuple(f"{o} " for o in others))]
    statements = any(not t.startswith("|m − p|") and t not in used
                     and not _BARE_PERCENT.fullmatch(t) for t in texts)
    forms = []
    if rate:
        forms.append("Δρ/ρ or Δln ρ/ln ρ for a rate under the rate rule (the larger of the "
                     "two, both tested)")
    if band:
        forms.append("the measured rate within the band [ρ, average factor over the window] "
                     "for a double root")
    if others:
        forms.append(f"{' and '.join(others)}: the relative difference of the measured and "
                     "predicted values")
    if numeric:
        forms.append("|m − p|/|p| for a number checked against its formula")
    if absolute:
        forms.append("|m − p| against an absolute tolerance where |p| is too small for a "
                     "relative one")
    if statements:
        forms.append("other rows state the comparison that decided them, with its threshold "
                     "(a bracket a < p < b, a bound m ≤ b, a count, the kind found)")
    if bare:
        forms.append("a bare percentage is a relative difference")
    if not forms:
        return ""
    # a sentence per form: two tables' notes merged on one page print a shared form once
    # (:func:`analysis.pages.merge_headed`)
    note = "Decided by: the test the verdict rests on, named by what it measures.  "
    note += "  ".join((f[:1].upper() + f[1:] if f[:1].isascii() else f) + "." for f in forms)
    if rate and (numeric or band):
        note += "  The same two rates can be judged by two of these in different rows."
    return note


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
    #: the test that decided the verdict, as printed (what ``rel_diff`` measures, its value
    #: and the criterion: ``|m − p|/|p| 0.73% ≤ 1%``); empty: the bare percentage
    decided: str = ""
    #: the note as the section's own checks table prints it, which may point at the tables
    #: above it (``reason`` is the note of the summary, read apart from the section, which
    #: names them by their section); empty: ``reason``
    here: str = ""


@dataclass
class Study:
    """The builder of the study plus its list of checks and the per-section quick mode."""

    b: Builder
    quick: bool = False
    checks: list[Check] = field(default_factory=list)
    section: str = ""
    rows: list[list[str]] = field(default_factory=list)
    studies: dict[str, Any] = field(default_factory=dict)
    section_studies: list[tuple[str, Any]] = field(default_factory=list)
    #: per rate-study label of this section, the limit theory gives for e_(k+1)/e_k^q, as
    #: printed in the last row of its per-step table (:func:`analysis.report.convergence_table`)
    q_limits: dict[str, str] = field(default_factory=dict)

    @property
    def doc(self) -> Any:
        return self.b.doc

    def start(self, title: str) -> None:
        """Begin a section: heading and a fresh list of rate-study rows."""
        self.section = title
        self.rows = []
        self.section_studies = []
        self.q_limits = {}
        self.doc.heading(title)

    def value(self, what: str, quantity: str, v: Any, how: str, digits: int = 4,
              like: str = "", zeros: bool | None = None) -> str:
        """A number of this section, formatted with its marker and recorded (with at least
        the significant digits of ``like``, the value it is compared with; ``zeros``: trailing
        zeros kept, a value of a column printed to ``digits`` significant digits)."""
        return cell(self.b, self.section, what, quantity, v, how, digits, like=like,
                    zeros=zeros)

    def numeric_check(self, what: str, predicted: float, measured: float, *, rtol: float,
                      how_p: str = "theory", how_m: str = "measured", digits: int = 4,
                      reason: str = "", abs_tol: float = 0.0, count: bool = False) -> Check:
        """Compare two numbers: agree when |m − p| ≤ max(rtol·|p|, abs_tol).  The measured
        value shows at least the theory value's digits, except a ``count`` (of steps: an
        integer, written as one)."""
        rel = abs(measured - predicted) / abs(predicted) if predicted else None
        ok = abs(measured - predicted) <= max(rtol * abs(predicted), abs_tol)
        if rel is not None and not count:
            digits = diff_digits(predicted, measured, digits)
        theory = self.value(what, "theory", predicted, how_p, digits)
        c = Check(self.section, what, theory,
                  self.value(what, "measured", int(measured) if count else measured, how_m,
                             digits, like="" if count else theory), rel,
                  "agrees" if ok else "disagrees",
                  reason or (f"within {small_share(rtol)}" if ok and rtol else ""),
                  decided=numeric_decided(rel, rtol, ok, abs(measured - predicted), abs_tol,
                                          abs(predicted)))
        if not ok and not reason:
            c.reason = f"differ by more than {small_share(rtol)}"
        self.checks.append(c)
        return c

    def rate_check(self, what: str, predicted: float, measured: float, *, rtol: float,
                   reason: str, how_m: str = "fit", digits: int | None = None) -> Check:
        """Compare two linear rates: agree when max(|Δρ|/ρ, |Δln ρ|/|ln ρ|) ≤ rtol (the
        rule is stated in the row's note, after ``reason``, as this row's: a reason that
        speaks of another row's rate is not read as judged by this rule).  Both rates print
        as a theory table prints a pair (:func:`~analysis.report.rate_pair_digits`):
        ρ = 0.70711 reads the same here as in the tables and legends, not 0.7071; with at
        least ``digits`` significant digits, those another row prints the same rate with
        (0.858945 in both rows, not 0.85895 in one)."""
        d = rate_diff(measured, predicted)
        digits = check_rate_digits(predicted, measured, digits)
        theory = self.value(what, "theory", predicted, "theory", digits)
        c = Check(self.section, what, theory,
                  self.value(what, "measured", measured, how_m, digits, like=theory), d,
                  "agrees" if d <= rtol else "disagrees",
                  f"{reason}; this row's rule: within {percent(rtol)} on ρ and on −ln ρ "
                  f"(this row's difference: {percent(d)})",
                  decided=f"{rate_measure(measured, predicted)} {percent(d)} "
                          f"{'≤' if d <= rtol else '>'} {percent(rtol)}")
        self.checks.append(c)
        return c

    def statement_check(self, what: str, theory: str, measured: str, ok: bool,
                        reason: str = "", *, rel: float | None = None,
                        rtol: float = 0.0, test: str = "") -> Check:
        """A qualitative check (a prediction of what happens, and what happened), with the
        test that decided it as printed: a relative difference ``rel`` against ``rtol``
        (:func:`numeric_decided`), else ``test``, the comparison with its threshold (a
        bracket ``0.47 < 0.5 < 0.54``, a bound ``2.62 ≤ 3.04``, a count, an exact
        outcome); a check without either is refused."""
        decided = numeric_decided(rel, rtol, ok) if rel is not None else test
        if not decided:
            raise ValueError(f"statement check {what!r}: name the test that decides it")
        c = Check(self.section, what, theory, measured, rel,
                  "agrees" if ok else "disagrees", reason, decided=decided)
        self.checks.append(c)
        return c

    def rate(self, label: str, obj: Any, method: str, x0: Sequence[float], *,
             what: str = "", **kw: Any) -> Any:
        """A rate study (theory vs measured rate), recorded as a row of this section; its
        check is named ``what`` (else ``label``) with ": convergence" after it."""
        from analysis.rates import rate_study

        st = rate_study(obj, method, x0, **kw)
        row = theory_row(self.b, label, st)
        self.rows.append(row)
        p, m, c = st.prediction, st.measurement, st.comparison
        self.checks.append(Check(
            self.section, f"{what or label}: convergence", _kind_cell(*row[1:3], "—"),
            _kind_cell(kind_words(m, predicted=p), *row[4:6]), decisive_diff(c), c.verdict,
            "; ".join(filter(None, (comparison_reason(c), yardstick_case(st)))),
            decided=decided_by(c, p, m)))
        self.studies[f"{self.section} / {label}"] = st
        self.section_studies.append((label, st))
        return st

    def theory_table(self, title: str = THEORY_TABLE, floor_said: bool = False) -> None:
        """The rate-study rows of this section as a table (``floor_said``: as for
        :meth:`convergence_tables`)."""
        if self.rows:
            self.doc.table(THEORY_COLUMNS, self.rows, title=title,
                           notes=[theory_legend([st for _, st in self.section_studies]),
                                  *theory_notes([st for _, st in self.section_studies])])
        self.convergence_tables(floor_said)

    def convergence_tables(self, floor_said: bool = False) -> None:
        """Per rate study of this section that theory gives a rate or an order for, the
        table of e_k, e_(k+1)/e_k and e_(k+1)/e_k^q (:func:`analysis.report.convergence_table`)
        — once per section; ``floor_said``: the caption of the figure just above gave why
        the rounding floor is a common cut-off, and their lead-in refers to it
        (:func:`analysis.report.nw_text`)."""
        todo = [(lab, st) for lab, st in self.section_studies if st.prediction.kind != "none"]
        self.section_studies = []
        if not todo:
            return
        self.doc.paragraph(nw_text([st for _, st in todo], [lab for lab, _ in todo],
                                   floor_said), size=SMALL)
        for label, st in todo:
            convergence_table(self.b, label, st, self.section,
                              q_limit=self.q_limits.get(label, ""))

    def checks_table(self, since: int, title: str = "Theory and measurement") -> None:
        """The checks added since index ``since`` as a table."""
        rows = [[c.what, c.theory, c.measured, check_decided(c), c.verdict, c.here or c.reason]
                for c in self.checks[since:] if not c.what.endswith(": convergence")]
        if rows:
            self.doc.table([Column("what", names=True), "theory", "measured", "decided by",
                            "verdict", "note"],
                           rows, title=title,
                           notes=[legend_text(), decided_note([r[3] for r in rows])])

    def text(self, s: str) -> None:
        self.doc.paragraph(s)

    def figure(self, draw: Callable[[Any], Any], height: float, caption: str,
               label: str, half: bool = False) -> Any:
        """Add a figure (drawn at once, :meth:`analysis.pages.Document.figure`); returns its
        block, whose caption may still be completed from what the drawing shows."""
        return self.doc.figure(draw, height=height, caption=caption, label=label, half=half)


#: the adaptive methods' first step against its closed form: largest relative difference
#: over the coordinates
FIRST_STEP_RTOL = 1e-6


def first_step_note(method: str, size: float) -> str:
    """The note to an adaptive method's first step from rest, ``size`` = its length per
    coordinate.  Adam (bias-corrected averages g and g²): −η g/(|g| + ε) ≈ −η·sign(g).
    RMSProp (first average v₁ = (1 − α) g²): −η g/(√v₁ + ε) ≈ −(η/√(1 − α))·sign(g), written
    "−1.26·sign(g) per coordinate, 1.26 = η/√(1 − α)": each formula short enough for the
    note column of the summary table, so that none breaks inside it (study p. 7 set
    "−η g/" on one line and "(√(1 − α)·|g| + ε) ≈" on the next)."""
    if method == "rmsprop":
        return (f"−{fmt_num(size, 3)}·sign(g) per coordinate, {fmt_num(size, 3)} = "
                "η/√(1 − α): the first average is (1 − α) g² (ε negligible)")
    return f"−η g/(|g| + ε) ≈ −{fmt_num(size, 3)}·sign(g) per coordinate"


def check_rate_digits(predicted: float, measured: float, digits: int | None = None) -> int:
    """The significant digits :meth:`Study.rate_check` prints a predicted and a measured
    rate with (:func:`~analysis.report.rate_pair_digits`), at least ``digits``: the text that
    quotes the rate it checks prints it with these."""
    return max(rate_pair_digits(predicted, measured), digits or 0)


def numeric_decided(rel: float | None, rtol: float, ok: bool, diff: float | None = None,
                    abs_tol: float = 0.0, scale: float | None = None) -> str:
    """The test of a number checked against its formula, as printed, always with its
    threshold: ``|m − p|/|p| 0.73% ≤ 1%`` (``>`` when it failed), or, when the absolute
    tolerance decided (``abs_tol`` ≥ ``rtol``·|p|, ``scale`` = |p|; e.g. p = 0),
    ``|m − p| 1.4 ≤ 8`` with ``diff`` = |m − p|."""
    absolute = abs_tol > 0 and diff is not None and (
        scale is None or rel is None or abs_tol >= rtol * scale)
    if absolute:
        return f"|m − p| {fmt_num(diff, 2)} {'≤' if ok else '>'} {fmt_num(abs_tol, 2)}"
    if rel is None:
        return ""
    crit = f" {'≤' if ok else '>'} {small_share(rtol)}" if rtol else ""
    return f"|m − p|/|p| {small_share(rel, rtol)}{crit}"


def sweep_grid_text(sweep: Any, x0: Sequence[float]) -> str:
    """How a step-size sweep (:func:`analysis.sweeps.lr_sweep`) was run, from its own grid:
    ``31 log-spaced η in [0.01, 1.5], 50 steps each from x₀ = 10`` (``evenly spaced`` for a
    linear grid; a start of several coordinates as a point: ``from (−5, −2)``)."""
    lrs = np.asarray(sweep.lrs, float)
    spacing = ""
    if lrs.size > 2 and np.all(lrs > 0) and np.allclose(np.diff(np.log(lrs)),
                                                         math.log(lrs[1] / lrs[0])):
        spacing = "log-spaced "
    elif lrs.size > 2 and np.allclose(np.diff(lrs), lrs[1] - lrs[0]):
        spacing = "evenly spaced "
    start = fmt_point(x0)
    return (f"{lrs.size} {spacing}η in [{fmt_num(lrs[0])}, {fmt_num(lrs[-1])}], "
            f"{sweep.steps} steps each from {start if start.startswith('(') else 'x₀ = ' + start}")


def bracket_decided(lo: float, p: float, hi: float, ok: bool) -> str:
    """The bracket test of a threshold as printed: ``0.4729 < 0.5 < 0.5357`` when the
    prediction ``p`` lies strictly between the last stable value ``lo`` and the first
    diverging one ``hi``, else ``0.5 ∉ (0.4729, 0.5357)``."""
    if ok:
        return f"{fmt_num(lo)} < {fmt_num(p)} < {fmt_num(hi)}"
    return f"{fmt_num(p)} ∉ ({fmt_num(lo)}, {fmt_num(hi)})"


def bound_decided(v: float, bound: float, ok: bool, strict: bool = False,
                  digits: int = 3, bound_digits: int | None = None) -> str:
    """A bound test as printed: ``2.62 ≤ 3.04`` (``<`` when ``strict``; ``>`` / ``≥`` when
    it failed); the bound with ``bound_digits`` when given (a value printed elsewhere with
    ``digits`` beside a tolerance of fewer)."""
    sign = ("<" if ok else "≥") if strict else ("≤" if ok else ">")
    return f"{fmt_num(v, digits)} {sign} {fmt_num(bound, bound_digits or digits)}"


def small_share(v: float, unit_of: float | None = None) -> str:
    """A relative difference or tolerance: a percentage (:func:`percent`) from 10⁻⁴ up, a
    plain number below (``1e−06``, not ``< 0.01%``, so a tolerance of 10⁻⁶ is told from the
    value it bounds).  With ``unit_of`` (the tolerance ``v`` is compared with) ``v`` takes
    that number's unit, so the two sides read alike: ``0 ≤ 1e−06`` (not ``0% ≤ 1e−06``),
    ``0.00069% ≤ 0.2%`` (not ``6.9e−06 ≤ 0.2%``)."""
    if unit_of:
        if abs(unit_of) < 1e-4:
            return fmt_num(v, 2)
        return percent(v) if v == 0 or abs(v) >= 1e-4 else f"{fmt_num(100 * v, 2)}%"
    return percent(v) if v == 0 or abs(v) >= 1e-4 else fmt_num(v, 2)


def rate_measure(m: float, p: float) -> str:
    """Which relative difference of two rates the rate rule's ``max(|Δρ|/ρ, |Δln ρ|/|ln ρ|)``
    took: ``Δρ/ρ`` or ``Δln ρ/ln ρ`` (the larger; a tie by :func:`log_scale_decides`)."""
    return "Δln ρ/ln ρ" if log_scale_decides(*rate_diffs(m, p), p) else "Δρ/ρ"


def ratio_correlations(measured: Mapping[str, Any], exact: Mapping[str, Any],
                       upto: int) -> tuple[float, float]:
    """The smallest and largest Pearson correlation, over every pair of series, of the
    ratios rₖ = measured/theory over the first ``upto`` steps: near 1 when the series were
    run with the same noise draws and their excursions move together."""
    r = np.array([np.asarray(measured[k], float)[:upto] / np.asarray(exact[k], float)[:upto]
                  for k in measured])
    c = np.corrcoef(r)[np.triu_indices(len(r), 1)]
    return float(c.min()), float(c.max())


def together_text(measured: Mapping[str, Any], exact: Mapping[str, Any], upto: int) -> str:
    """The caption's sentence on ratio series run with the same noise draws
    (:func:`ratio_correlations` over the first ``upto`` steps)."""
    if len(measured) < 2:
        return ""
    lo, hi = ratio_correlations(measured, exact, upto)
    span = fmt_num(lo, 2) if as_printed(lo, 2) == as_printed(hi, 2) else \
        f"{fmt_num(lo, 2)}–{fmt_num(hi, 2)}"
    return ("The runs of every schedule use the same noise draws, so their ratios rise and "
            f"fall together step by step (correlation {span} between the series over "
            f"k ≤ {upto}); on one panel they would lie on top of one another, so each is "
            "drawn in a panel of its own.")


def equal_ratio_stretches(measured: Mapping[str, Any], exact: Mapping[str, Any]
                          ) -> list[tuple[str, str, int]]:
    """Pairs of series (in drawing order: ``a`` drawn before ``b``) whose ratios
    measured/theory are equal (to 1e−12, relative) over their first n ≥ 2 steps: (a, b, n).
    Series run with the same step sizes and the same noise draws: on a plot of the ratios,
    b lies exactly on a over those steps and hides it."""
    r = {k: np.asarray(measured[k], float) / np.asarray(exact[k], float) for k in measured}
    labels, out = list(r), []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            m = min(r[a].size, r[b].size)
            same = np.isclose(r[a][:m], r[b][:m], rtol=1e-12, atol=0.0)
            n = m if same.all() else int(np.argmin(same))
            if n >= 2:
                out.append((a, b, n))
    return out


def covered_text(measured: Mapping[str, Any], exact: Mapping[str, Any]) -> str:
    """The caption's sentences on ratio series equal to an earlier one
    (:func:`equal_ratio_stretches`; step k = i + 1 for the i-th value)."""
    return "".join(
        f"  For k ≤ {n}, {b} takes the same steps as {a} with the same draws: its ratio "
        f"equals {a}'s there."
        for a, b, n in equal_ratio_stretches(measured, exact))


def check_decided(c: Check) -> str:
    """The summary cell of a check: the test that decided it (:attr:`Check.decided`), else
    its bare relative difference."""
    return c.decided or percent(c.rel_diff)


def _mean_se(samples: Any) -> tuple[float, float]:
    """Mean and standard error of independent samples: x̄ and s/√n (s with n − 1)."""
    v = np.ravel(np.asarray(samples, float))
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size))


#: significant digits of a mean and of its standard error as :func:`_pm` prints them
MEAN_DIGITS, SE_DIGITS = 3, 2


def _pm(mean: float, se: float, how: str = "", digits: int = MEAN_DIGITS) -> str:
    """``0.0558 ± 0.0017``: a mean (to ``digits`` significant digits: those of its cell
    where a table prints it too) with its standard error (two significant digits, a
    rounded zero kept: ``± 2.0e−05``, not ``± 2e−05``, which reads as one digit); with
    ``how`` both carry its provenance marker (``0.0558ᵐ ± 0.0017ᵐ``), as in a table cell."""
    se_text = fmt(se, SE_DIGITS)
    mean_text = fmt_num(mean, digits)
    return f"{mark(mean_text, how) if how else mean_text} ± " \
        f"{mark(se_text, how) if how else se_text}"


def se_tolerance(se: float, p: float) -> float:
    """The relative tolerance of a mean against its prediction ``p``: :data:`STOCHASTIC_SE`
    standard errors, the error ``se`` taken as :func:`_pm` prints it (:func:`as_printed`),
    so that 4·0.0072/0.333 = 8.6% reproduces from the page (the unrounded 0.00724 gave
    8.7%)."""
    return STOCHASTIC_SE * as_printed(se, SE_DIGITS) / abs(p)


def below_tenth(mean: float, se: float, ref: float, ref_se: float) -> tuple[bool, str]:
    """Whether a mean lies below a tenth of a reference mean beyond sampling noise: mean +
    :data:`STOCHASTIC_SE` standard errors < (reference − as many of its own)/10, both sides
    computed from the means and errors as :func:`_pm` prints them (:func:`as_printed`); with
    the test as printed: ``0.000731 < 0.00486``."""
    hi = as_printed(mean, MEAN_DIGITS) + STOCHASTIC_SE * as_printed(se, SE_DIGITS)
    lo = 0.1 * (as_printed(ref, MEAN_DIGITS) - STOCHASTIC_SE * as_printed(ref_se, SE_DIGITS))
    ok = hi < lo
    return ok, bound_decided(hi, lo, ok, strict=True)


def below_floor_tenth(means: Mapping[str, tuple[float, float]],
                      floor: float) -> tuple[bool, str, str]:
    """Whether every run's mean (``means``: label → (mean, standard error)) lies below a
    tenth of a theory ``floor`` beyond sampling noise, by the test of :func:`below_tenth`
    (mean + :data:`STOCHASTIC_SE` standard errors, from the printed numbers) with a floor
    that carries no error: whether all pass, the label whose mean + its standard errors is
    largest (the one the test prints), and the test as printed, ``mean + 4 standard errors
    0.0216 < 0.0333 = floor/10``."""
    tests = {k: below_tenth(m, se, floor, 0.0) for k, (m, se) in means.items()}
    worst = max(means, key=lambda k: as_printed(means[k][0], MEAN_DIGITS)
                + STOCHASTIC_SE * as_printed(means[k][1], SE_DIGITS))
    return (all(ok for ok, _ in tests.values()), worst,
            f"mean + {STOCHASTIC_SE} standard errors {tests[worst][1]} = floor/10")


def _kind_cell(kind: str, rate: str, order: str) -> str:
    """The summary's cell of a convergence row, from the kind, rate and order cells of its
    section's table (:func:`analysis.report.theory_row`, numbers with their markers):
    ``linear, ρ = 0.6ᵗ``, ``sublinear, ∝ k^−a, a = 1ᵗ``, ``quadratic (order q = 2ᵗ)``,
    ``cubic (order q = 3ᵗ)`` (the order beside the kind it refines, for a prediction of order
    3 named as :func:`analysis.report.predicted_kind` names it); a measured rate's fit window
    is left to the section.  A predicted kind cell holds its order already
    (:func:`analysis.report.kind_with_order`) and comes with the order "—"."""
    parts = [kind]
    rate = re.sub(r"\s*\[k = [^\]]*\]$", "", rate)
    if rate != "—":
        parts.append(rate if rate.startswith("∝") else
                     f"ρ {rate}" if rate.startswith("≤") else f"ρ = {rate}")
    text = ", ".join(parts)
    if order != "—" and kind.split()[0] in ("quadratic", "superlinear", "cubic"):
        text += f" (order q = {order})"
    return text


def run_name(method: str, settings: str = "") -> str:
    """How the study names a run in its tables, legends and prose: the method's label
    (:func:`optimizers.registry.label`) and its settings, ``GD with η = 0.2``, ``momentum
    with η = 0.6, β = 0.5``; the label alone without settings (the code name ``gd`` stays
    the user's key)."""
    from optimizers.registry import label

    return f"{label(method)} with {settings}" if settings else label(method)


#: how a critical point's kind was decided (the ``test`` of
#: :class:`landscape.critical.results.CriticalPoint`), in words
KIND_TESTS = {"hessian": "Hessian test", "higher-order": "higher-order test",
              "nondifferentiable": "comparison of f around the kink",
              "inconclusive": "no test decides"}


def kind_test(test: str) -> str:
    """The test that decided a critical point's kind, in words (:data:`KIND_TESTS`):
    ``hessian`` → ``Hessian test``."""
    return KIND_TESTS.get(test, f"{test} test")


def _parse(text: str, variables: Sequence[str] | None = None, **params: str) -> Any:
    from landscape import Objective

    return Objective.parse(text, variables=variables, params=params or None)


def _run(obj: Any, x0: Sequence[float], method: str, **kw: Any) -> Any:
    from optimizers import minimize

    return minimize(obj, list(x0), method, record=True, **kw)


def _iterations_text(results: Mapping[str, Any], cap: int | None = None) -> str:
    """``newton: 21, gd: 20 000 (stopped at its iteration limit)``: each run's iteration count
    and, unless it converged, its status; a run that stopped at ``cap`` (the rate studies'
    automatic iteration cap) says so with the number, so the count and the limit agree."""
    why = {"maxiter": "stopped at its iteration limit", "steps": "fixed number of steps",
           "line_search_failed": "stopped when its line search found no decrease",
           "diverged": "diverged", "stalled": "stalled"}

    def status(r: Any) -> str:
        if r.status == "maxiter" and cap is not None and int(r.nit) == cap:
            return f"stopped at the automatic iteration cap, {spaced(cap)} iterations"
        return why.get(r.status, r.status)

    return ", ".join(f"{k}: {spaced(int(r.nit))}"
                     + ("" if r.status == "converged" else f" ({status(r)})")
                     for k, r in results.items())


#: The stopping test of a converged run, by the criterion met (``OptimizeResult.criteria``).
STOP_TESTS = {"gtol": "gradient test", "ftol": "test on the decrease of f",
              "xtol": "step test"}


def _stop_text(r: Any, cap: int | None = None) -> str:
    """What stopped run ``r``, read from its status, criteria and message: the stopping test
    a converged run met with the optimizer's own numbers (``stopped by its gradient test,
    ‖∇f‖∞ = 0 ≤ gtol = 0``), a failed line search with why (``no step satisfied the Wolfe
    conditions, at ‖∇f‖∞ = 4.31e-14``), the iteration limit (``cap``: the automatic
    iteration cap, said as such, :func:`_iterations_text`); else the message as given."""
    status, msg = str(r.status), str(getattr(r, "message", "") or "")
    if status == "converged":
        met = [c.name for c in getattr(r, "criteria", ()) if c.met and c.name in STOP_TESTS]
        test = STOP_TESTS[met[0]] if met else "stopping test"
        detail = msg.split(": ", 1)[1] if msg.startswith("converged: ") else ""
        return f"stopped by its {test}" + (f", {detail}" if detail else "")
    if status == "line_search_failed" and msg.startswith("line search failed: "):
        why = msg.removeprefix("line search failed: ").split("; keeping", 1)[0]
        why = re.sub(r" \((‖∇f‖∞ = [^)]*)\)$", r", at \1", why)
        for name in ("wolfe", "armijo"):
            why = why.replace(f"the {name} conditions", f"the {name.capitalize()} conditions")
        return f"stopped when its line search failed: {why}"
    if status == "maxiter":
        return _iterations_text({"": r}, cap).split("(", 1)[1].rstrip(")")
    return msg.split(";", 1)[0] or status


def _stops_text(results: Mapping[str, Any], cap: int | None = None) -> str:
    """``newton: 23 and bfgs: 40 (each stopped by its gradient test, ‖∇f‖∞ = 0 ≤ gtol = 0);
    cg: 46 (…)``: each run's iteration count and what stopped it (:func:`_stop_text`),
    runs stopped alike named together, for runs with no gradient tolerance, whose stops a
    reader cannot infer from a tolerance."""
    groups: dict[str, list[str]] = {}  # runs stopped alike are named together
    for k, r in results.items():
        groups.setdefault(_stop_text(r, cap), []).append(f"{k}: {spaced(int(r.nit))}")
    return "; ".join(f"{_names(runs)} ({'each ' if len(runs) > 1 else ''}{why})"
                     for why, runs in groups.items())


def max_excursion(measured: Mapping[str, Any], theory: Mapping[str, Any], runs: int) -> float:
    """The largest deviation of a mean-square error over ``runs`` runs from its exact value,
    in standard errors of one step's mean: ``max_k |m_k/s_k − 1| / √(2/R)`` over every curve
    (x Gaussian: Var(x²) = 2 s², so the mean of R squares has relative standard error
    √(2/R))."""
    se = math.sqrt(2.0 / runs)
    return max(float(np.max(np.abs(np.asarray(measured[k], float)
                                   / np.asarray(theory[k], float) - 1.0))) / se
               for k in measured)


def floor_run_text(name: str, st: Any) -> str:
    """What a rate-study run did around the rounding floor, from its path and measurement:
    ``pure Newton reached the floor at step 4 and ran on to step 14, 10 steps past it``;
    ``… and stopped at step 7, when a step no longer changed x``; ``… ran 200 steps without
    reaching the floor``."""
    n, k = len(st.result.path) - 1, st.measurement.floor_index
    status = str(st.result.status)
    if k is None:
        return f"{name} ran {n} steps without reaching the floor"
    if n <= k:
        return f"{name} reached the floor at step {k}, where the run ended"
    end = {"maxiter": f"ran on to step {n}, {n - k} steps past it",
           "stalled": f"stopped at step {n}, when a step no longer changed x"}.get(
        status, f"stopped at step {n} ({status})")
    return f"{name} reached the floor at step {k} and {end}"


def _formula(S: Study, obj: Any) -> None:
    lhs, plain = lhs_latex(obj)
    S.doc.formula(lhs, obj.expr, plain_lhs=plain, sizes=(12.0, 10.0, 9.0))


# ============================================================================ 1. x²


#: what a caption says of the iterate numbers of a drawing that numbers only the iterates
#: with room for one (:class:`analysis.plots.IterateLabels`)
CROWDED_NUMBERS = "shown where there is room; crowded iterates have none"


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
    n_path, n_sweep = 10, 50
    paths = {eta: _run(obj, [10.0], "gd", lr=eta, steps=n_path).path[:, 0] for eta in etas}
    studies = {run_name("gd", f"η = {eta}"): S.rate(run_name("gd", f"η = {eta}"), obj, "gd",
                                                    [10.0], lr=eta)
               for eta in etas}

    def draw(fig: Any) -> None:
        for sub, eta in zip(fig.subfigures(1, 3), etas, strict=True):
            plots.plot_curve_1d(obj, {f"η = {eta}": paths[eta]}, legend="ends", numbered=6,
                                zoom=False,
                                title=f"η = {eta}: {n_path} steps from x₀ = 10", fig=sub)

    S.figure(draw, 190.0, f"GD on x² from x₀ = 10 (circle: start, square: after {n_path} "
             f"steps; numbers: iteration index, {CROWDED_NUMBERS}).", "x² iterates")
    rows = len(plots.rate_study_groups(studies))
    marks: dict[str, tuple[list[int], list[int]]] = {}

    def draw_errors(fig: Any) -> Any:
        # the y-label names the error: the title names what the panels set it against
        out = plots.plot_rate_studies(studies, title="Three step sizes against the rate "
                                      "|1 − ηL|^k", fig=fig)
        marks.clear()
        marks.update(plots_lecture.ratio_marks(fig))
        return out

    block = S.figure(draw_errors,
                     HALF if rows == 1 else plots.error_rows_height(rows, each=200.0), "",
                     "x² errors")
    block.caption = (  # now that the drawing tells which ratio markers it shows
        "Left: measured error (solid, log scale) and the theoretical slope |1 − ηL|^k "
        "(dashed, drawn at least ×10 above so that both show); the fitted window is shaded "
        "along each curve.  Right: the measured factor e_(k+1)/e_k per step sits on the "
        "predicted |1 − ηL| (dashed lines, thin, under the markers).  " + marks_text(marks)
        + ("  Runs of very different lengths are in separate rows, each with its own "
           "iteration axis." if rows > 1 else "")
        + multiples_text(plots.rate_studies_panels(studies)) + window_cut_text(studies))
    sweep = lr_sweep(obj, "gd", [10.0], np.geomspace(0.01, 1.5, 16 if S.quick else 31),
                     steps=n_sweep)
    S.figure(lambda fig: plots.plot_lr_sweep(
        sweep, title=f"GD on x²: distance to the minimum after {n_sweep} steps", fig=fig),
        HALF, f"Final error against η ({sweep_grid_text(sweep, [10.0])}; log–log, the "
        "y-axis spans every error, down to the smallest).  The error is smallest "
        f"near η = 1/L = {fmt_num(1 / lam)} (one step lands on the minimum"
        + ("; an error of exactly 0 is drawn as a triangle on the bottom edge"
           if np.any(np.asarray(sweep.final_error) == 0) else "")
        + ") and explodes beyond 2/L.", "x² sweep", half=True)
    lo, hi = sweep.bracket
    S.statement_check(
        "GD divergence threshold (η)",
        f"η < 2/L = {S.value('threshold', 'predicted', sweep.predicted_threshold, 'theory')}",
        f"stable at η = {S.value('threshold', 'last stable η', lo, 'measured')}, diverges at "
        f"η = {S.value('threshold', 'first diverging η', hi, 'measured')}",
        sweep.brackets_prediction(), ("the predicted threshold lies in the observed bracket"
                                      if sweep.brackets_prediction() else
                                      "the observed bracket misses the prediction")
        + f"; the sweep: {sweep_grid_text(sweep, [10.0])}",
        test=bracket_decided(lo, sweep.predicted_threshold, hi, sweep.brackets_prediction()))
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 2. x³


def _sides_text(obj: Any, x: float, h: float = 0.1) -> str:
    """How f compares with f(x) on either side of a 1-D critical point x, from
    f(x − h) and f(x + h): ``f < 0 on the left of 0, f > 0 on the right (f increases
    through 0)``."""
    f0, fl, fr = (float(obj.value([x + d])) for d in (0.0, -h, h))
    x_t, f_t = fmt_num(x), fmt_num(f0)
    left, right = ("<" if fl < f0 else ">"), ("<" if fr < f0 else ">")
    trend = ("increases through" if fl < f0 < fr else "decreases through" if fl > f0 > fr
             else "turns at")
    return (f"f {left} {f_t} on the left of {x_t}, f {right} {f_t} on the right "
            f"(f {trend} {x_t})")


def _kind_1d(kind: str) -> str:
    """A critical point's kind in one variable, in words: a saddle there is an inflection
    point (f falls on one side and rises on the other), which the analysis of several
    variables calls a saddle."""
    if kind == "saddle":
        return "an inflection point (a saddle, as the analysis names it in any dimension)"
    return f"a {kind}"


def section_cubic(S: Study) -> None:
    """The degenerate saddle of x³."""
    S.start("x³: a degenerate critical point slows GD down")
    obj = _parse("x**3")
    _formula(S, obj)
    cps = obj.critical_points(box=[(-2, 2)])
    cp = cps[0]
    S.text(f"f′(0) = 0 and f″(0) = {fmt_num(cp.eigenvalues[0])}: the Hessian test cannot "
           f"classify x = 0, so the kind is decided by higher-order terms ({kind_test(cp.test)}); "
           f"it is {_kind_1d(cp.kind)} — {_sides_text(obj, cp.point[0])}.  Near 0 "
           "the gradient 3x² vanishes quadratically, so GD from x₀ = 1 obeys "
           "xₖ₊₁ = xₖ − 3ηxₖ²: the step shrinks with x and the iterates creep towards 0 "
           "like 1/(3ηk) — sublinear, not geometric.  From a negative start GD runs away "
           "to −∞ instead.")
    since = len(S.checks)
    eta = 0.1
    st = S.rate(run_name("gd", f"η = {eta}"), obj, "gd", [1.0], lr=eta)
    path = st.result.path[:, 0]
    k = np.arange(path.size)
    flow = 1.0 / (1.0 / path[0] + 3.0 * eta * k)

    first = 11

    def draw(fig: Any) -> None:
        left, right = fig.subfigures(1, 2, width_ratios=[1.0, 1.6])
        plots.plot_curve_1d(obj, {"gd": path[:first + 1]}, xlim=(-1.2, 1.2), numbered=6,
                            legend="ends", title=f"{first} GD steps from x₀ = 1",
                            cut=path.size > first + 1, fig=left)
        plots_lecture.plot_decay_vs_constant(
            k[1:], {"GD": path[1:]}, {"GD": flow[1:]}, ylabel="xₖ (log scale)",
            title="xₖ against k: a 1/k decay", fig=right)

    ratio = path[1:] / flow[1:]
    low = int(np.argmin(ratio))
    S.figure(draw, 300.0, f"GD with η = {eta} on x³ from x₀ = 1: the iterates approach the "
             f"degenerate saddle at 0 ever more slowly.  Left: the first {first} steps on the "
             "curve (with a zoom on the later ones).  Middle: xₖ (open markers at "
             "log-spaced k) on the continuous-time theory 1/(1/x₀ + 3ηk) (line; log–log, "
             "slope −1).  Right: their ratio — the discrete steps run ahead of the flow at "
             f"first (ratio {fmt_num(ratio[low], 3)} at k = {low + 1}), then the gap closes "
             f"slowly (ratio {fmt_num(ratio[-1], 4)} at k = {ratio.size}).", "x³")
    K = path.size - 1
    S.numeric_check(f"x_K after K = {K} steps from x₀ = {fmt_num(float(path[0]))}",
                    float(flow[-1]), float(path[-1]), rtol=0.05,
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
           f"{fmt_num(lam[1])}.  GD with step size (learning rate) η = {eta:g} multiplies x "
           f"by 1 − 2η = {fmt_num(1 - 2 * eta)} (stable "
           f"direction) and y by 1 + 2η = {fmt_num(1 + 2 * eta)} (unstable direction).  "
           f"Started at (1, 10^{math.log10(y0):g}), almost on the stable manifold y = 0, GD "
           "first slides "
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
        # one panel: the two paths run together until one escapes, which is the point
        plots.plot_contour(obj, [(-1.5, 1.5), (-1.5, 1.5)],
                           {f"y₀ = {power_text(y0)}": p, "y₀ = 0": stuck.path}, cps, colorbar=False,
                           title="GD paths near the saddle", split=False, fig=left)
        plots.plot_error({"|xₖ| (stable)": np.abs(p[:, 0]),
                          "|yₖ| (unstable)": np.abs(p[:, 1])},
                         rates={"|xₖ| (stable)": 1 - 2 * eta, "|yₖ| (unstable)": 1 + 2 * eta},
                         ylabel="coordinate size (log scale)", ratios=False,
                         title="The two directions, against theory", fig=right)
        ax = right.axes[0]
        ax.axvline(k_esc, color="black", ls=":", lw=1.2)
        ax.axhline(radius, color="0.5", ls=":", lw=1.0)
        # named in the legend, not beside the line: no label can collide with it
        import matplotlib as mpl
        from matplotlib.lines import Line2D

        legend = right.legends[0]
        handles = list(legend.legend_handles)
        labels = [t.get_text().replace("\n", " ") for t in legend.get_texts()]
        legend.remove()
        handles += [Line2D([], [], color="black", ls=":", lw=1.2),
                    Line2D([], [], color="0.5", ls=":", lw=1.0)]
        labels += [f"predicted escape: k = {k_esc}", f"|y| = {radius:g}"]
        with mpl.rc_context(plots.STYLE):  # the legend font of the other figures
            plots._outside_legend(right, handles, labels)

    grid = np.linspace(-1.5, 1.5, 41)
    negative = min(float(obj.value([a, b])) for a in grid for b in grid) < 0
    S.figure(draw, 300.0, "Left: GD from (1, 10⁻⁶) passes close to the saddle and leaves along "
             f"y; from (1, 0) it converges to the saddle ({plots.contour_key(negative)}).  "
             "Right: |xₖ| shrinks by 1 − 2η, "
             "|yₖ| grows by 1 + 2η (dashed: theory slope, drawn at least ×10 above the "
             "measurement); the black dotted line marks the predicted "
             f"escape time to |y| ≥ {radius:g}, the grey one |y| = {radius:g}.", "saddle")
    ks = np.arange(measured + 1)
    grow = math.exp(np.polyfit(ks, np.log(np.abs(p[: measured + 1, 1])), 1)[0])
    shrink = math.exp(np.polyfit(ks, np.log(np.abs(p[: measured + 1, 0])), 1)[0])
    S.numeric_check("growth factor of |yₖ|", 1 + 2 * eta, grow, rtol=1e-6, how_m="fit")
    S.numeric_check("contraction factor of |xₖ|", 1 - 2 * eta, shrink, rtol=1e-6, how_m="fit")
    S.numeric_check(f"escape time to |y| ≥ {radius:g} from y₀ = 10^{math.log10(y0):g} (iterations)",
                    float(k_esc),
                    float(measured), rtol=0.0, abs_tol=1.0, digits=6, count=True,
                    reason=f"⌈ln(r/|y₀|)/ln(1 + η|λ_min|)⌉, η = {eta:g}, λ_min = "
                    f"{fmt_num(lam[0])} the negative Hessian eigenvalue, r = {radius:g} the "
                    "escape level; agree within one step")
    final = S.value("stable manifold", "final norm", float(np.linalg.norm(stuck.x)),
                    "measured")
    S.statement_check("GD started on the stable manifold (y₀ = 0)",
                      "converges to the saddle, never escapes",
                      f"{final} from the saddle after {stuck.nit} steps",
                      bool(np.linalg.norm(stuck.x) < 1e-6 and stuck.x[1] == 0.0),
                      test=bound_decided(float(np.linalg.norm(stuck.x)), 1e-6,
                                         bool(np.linalg.norm(stuck.x) < 1e-6), strict=True,
                                         digits=2)
                      + f", y_K {'=' if stuck.x[1] == 0.0 else '≠'} 0")
    S.checks_table(since)


def thinned_markers_text() -> str:
    """The clause of a ratio panel's caption saying which steps of a long run carry a
    marker (:func:`analysis.plots_lecture.plot_error_ratios` thins them)."""
    return (f"; runs longer than {plots_lecture.MAX_MARKERS} steps show a subset of steps: "
            "their first steps, extremes and evenly spaced steps")


def _overshoot_text(name: str, path: np.ndarray, why: str, back: int = 5) -> str:
    """What a run towards the minimum 0 does along x₁, read from its path: whether x₁ changed
    sign (overshot) and whether ‖xₖ‖ fell or rose over the last ``back`` steps, the two
    distances measured values printed as the caption's final distances are
    (:data:`DISTANCE_DIGITS` digits, ᵐ): 1.02ᵐ, not 1.0 beside that 1.02ᵐ."""
    x1, d = path[:, 0], np.linalg.norm(path, axis=1)
    K, k0 = len(d) - 1, max(len(d) - 1 - back, 0)
    if not np.any(np.sign(x1[1:]) * np.sign(x1[0]) < 0):
        return f"{name} does not overshoot along x₁ in {K} steps."
    trend = ("on its way back" if d[-1] < d[k0] else "still moving away from the minimum")
    return (f"{name} overshoots along x₁ ({why}) and is {trend} at k = {K} "
            f"(‖xₖ‖ = {mark(fmt_num(d[k0], DISTANCE_DIGITS), 'measured')} at k = {k0}, "
            f"{mark(fmt_num(d[-1], DISTANCE_DIGITS), 'measured')} at k = {K}).")


#: a run's per-step ratio has settled from the step where every later ln(eₖ₊₁/eₖ) lies within
#: this share of the last one (the rate rule of the fits, on −ln ρ) ...
RATIO_SETTLE_RTOL = 0.01
#: ... for at least this many steps
RATIO_SETTLE_STEPS = 5
#: the significant digits a ratio course prints its ratios with
RATIO_DIGITS = 3


def printed_settle(r: Sequence[float], k: int, digits: int = RATIO_DIGITS) -> int:
    """The first step j ≥ ``k`` from which every later ratio rᵢ (i ≥ j) prints, to
    ``digits`` significant digits, as the rate said, the geometric mean of rⱼ, rⱼ₊₁, …:
    ``settles at 0.688 from k = 6 on`` where r₅ = 0.6872 prints 0.687 (the last step always
    qualifies, its mean being itself)."""
    r = np.asarray(r, float)
    for j in range(k, r.size):
        rate = as_printed(float(np.exp(np.mean(np.log(r[j:])))), digits)
        if all(as_printed(float(v), digits) == rate for v in r[j:]):
            return j
    return k


def ratio_course(dist: Sequence[float], rtol: float = RATIO_SETTLE_RTOL,
                 min_steps: int = RATIO_SETTLE_STEPS) -> dict[str, Any]:
    """How the per-step ratio rₖ = eₖ₊₁/eₖ of the distances ``dist`` runs: ``settled`` at
    ``rate`` when every later |ln rⱼ − ln r_last| ≤ ``rtol``·|ln r_last| over at least
    ``min_steps`` steps, from the first step ``k`` whose printed ratios all read as the
    printed rate (:func:`printed_settle`); else ``rising`` / ``falling`` over its last
    monotone stretch (from ``k``, where the ratio was ``first``, to the last step, ``last``)
    when that stretch holds at least half the steps or ``min_steps``; else ``mixed`` with
    its ``low`` and ``high``."""
    d = np.asarray(dist, float)
    r = d[1:] / d[:-1]
    K = r.size
    lr = np.log(r)
    off = np.abs(lr - lr[-1]) > rtol * abs(lr[-1])
    k = int(np.flatnonzero(off)[-1]) + 1 if off.any() else 0
    if K - k >= min_steps and lr[-1] < 0:
        k = printed_settle(r, k)
        return {"course": "settled", "k": k, "rate": float(np.exp(np.mean(lr[k:])))}
    step = np.sign(np.diff(r))
    j = K - 1
    while j > 0 and step[j - 1] == step[-1]:
        j -= 1
    if K - 1 - j >= min(min_steps, K // 2):
        return {"course": "rising" if step[-1] > 0 else "falling", "k": j,
                "first": float(r[j]), "last": float(r[-1]), "end": K - 1}
    return {"course": "mixed", "low": float(r.min()), "high": float(r.max()),
            "k_low": int(np.argmin(r)), "k_high": int(np.argmax(r)), "last": float(r[-1]),
            "end": K - 1}


def curvature_text(obj: Any, i: int) -> str:
    """The curvature of ``obj`` along its ``i``-th variable, ∂²f/∂xᵢ² (the Hessian's
    (i + 1, i + 1) entry), expanded, as running text: ``1200·x² − 400·y + 2`` for
    Rosenbrock's x."""
    import sympy as sp

    v = obj.variables[i]
    return inline_math(sp.expand(sp.diff(obj.expr, v, 2)))


def ratio_course_text(name: str, dist: Sequence[float]) -> str:
    """A clause on how ``name``'s per-step ratio eₖ₊₁/eₖ runs (:func:`ratio_course`), its
    numbers marked as measured: whether it has a fixed linear rate."""
    c = ratio_course(dist)
    if c["course"] == "settled":
        return (f"{name}: settles at {mark(fmt_num(c['rate'], RATIO_DIGITS), 'measured')} from "
                f"k = {c['k']} on (a fixed linear rate)")
    if c["course"] == "mixed":  # its extremes in the order they come, then its end
        turns = sorted([(c["k_low"], "falls to", c["low"]), (c["k_high"], "rises to",
                                                             c["high"])])
        return (f"{name}: " + ", ".join(f"{verb} {mark(fmt_num(v, 3), 'measured')} (k = {k})"
                                        for k, verb, v in turns)
                + f", ends at {mark(fmt_num(c['last'], 3), 'measured')} (k = {c['end']})")
    verb = "rises" if c["course"] == "rising" else "falls"
    since = "" if c["k"] == 0 else f" from k = {c['k']}"
    return (f"{name}: {verb}{since}, {mark(fmt_num(c['first'], 3), 'measured')} → "
            f"{mark(fmt_num(c['last'], 3), 'measured')} at k = {c['end']}")


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
           f"{inline_math(exact)}), so a GD step of η = {eta:g} moves x by about "
           f"{fmt_num(eta * exact_val, 1)}.  "
           "Gradient descent is a discretised gradient flow dx/dt = −f′(x); the number of "
           f"steps to cross from the start x₀ = {x0:g} to the point x = {x_end:g} is about "
           "∫ dx /(η|f′(x)|) over that stretch — large where |f′| is small.  This is the "
           "vanishing-gradient problem of saturated activations.")
    since = len(S.checks)
    span = (-6.0, 6.0)  # the interval searched for small gradients, and drawn
    van = obj.vanishing(box=[span], threshold=threshold)
    run = _run(obj, [x0], "gd", lr=eta, steps=700)
    path = run.path[:, 0]
    crossed = int(np.argmax(path <= x_end)) if np.any(path <= x_end) else None
    predicted = theory.plateau_crossing_steps(
        lambda x: float(obj.grad([x])[0]), x0, x_end, eta)
    S.figure(lambda fig: plots.plot_vanishing_1d(
        obj, span, threshold=threshold, regions=van.regions, x0=x0,
        f_label="f(x) = tanh(x)", fig=fig), FULL,
        f"f(x) = tanh(x) and |f′(x)| (log scale).  Shaded: where |f′(x)| < {threshold:g} "
        "(found by the vanishing-gradient analysis); the start x₀ = 4 lies deep in the "
        "plateau.", "tanh")
    vlines = [(predicted, f"predicted crossing of x = {x_end:g}: k ≈ {predicted:.0f}")]
    S.figure(lambda fig: plots.plot_iterates(
        {"GD iterate xₖ (η = 1)": path}, ylabel="xₖ",
        hlines=[(x_end, f"x = {x_end:g}")], vlines=vlines,
        title="GD from x₀ = 4 crawls across the plateau", fig=fig), HALF,
        "xₖ against k: hundreds of steps to leave the plateau, then the slope is steep and "
        f"the iterates cross 0 quickly; by k = {len(path) - 1} they are at "
        f"x = {mark(fmt_num(float(path[-1]), 3), 'measured')}, slowing again in the flat "
        "part on the negative "
        "side, where they drift on towards −∞ ever more slowly (tanh has no minimum).  "
        "Dashed: the step at which the gradient-flow integral predicts the crossing of "
        f"x = {x_end:g} (dotted).",
        "tanh crossing", half=True)
    S.numeric_check("tanh′(4) from the compiled (Numba) derivative vs exact",
                    exact_val, numeric, rtol=1e-12,
                    how_p="exact", how_m="numeric", digits=6, reason="1 − tanh²(4) = sech²(4)")
    if crossed is None:
        S.statement_check(f"GD (η = {eta:g}) crossing time", f"{predicted:.0f} steps",
                          "not crossed in 700 steps",
                          False, test="crossed within 700 steps: no")
    else:
        S.numeric_check(f"GD (η = {eta:g}) steps from x = {x0:g} to x ≤ {x_end:g}",
                        predicted, float(crossed),
                        rtol=0.05, digits=5, count=True,
                        reason="gradient-flow integral ∫dx/(η|f′|) vs counted steps; the flow "
                        "slightly under-estimates the discrete steps")
    plateau = [r for r in van.regions if r.plateau]
    # small |f′| but no plateau by the rule: f within PLATEAU_FRACTION of its lowest value
    low = [r for r in van.regions if not r.plateau and r.critical_point != "nondegenerate"]
    what = f"x₀ = 4 lies in a plateau (|f′| < {threshold:g} and f far above its lowest value)"

    def edge(e: float, r: Any, side: str) -> str:
        # an end of the searched interval is given; an end the analysis found is a root of
        # |f′| = threshold, exact or numeric as the analysis says
        if e in span:
            return fmt_num(e, 3)
        return S.value(what, f"plateau {side} edge", e, "exact" if r.exact else "numeric", 3)

    S.statement_check(what,
                      f"|f′(4)| = {S.value(what, '|f′(4)|', exact_val, 'exact', 3)} "
                      f"< {threshold:g}",
                      plateau_place(x0, len(plateau),
                                    any(r.lower[0] <= x0 <= r.upper[0] for r in plateau)),
                      any(r.lower[0] <= x0 <= r.upper[0] for r in plateau),
                      f"plateau: |f′| < {threshold:g} and f − min f > "
                      f"{percent(PLATEAU_FRACTION)} of max f − min f on "
                      f"[{fmt_num(span[0])}, {fmt_num(span[1])}]" + (
                          f"; {plural(len(low), 'other region')} with |f′| < {threshold:g} "
                          f"{'lies' if len(low) == 1 else 'lie'} where f is near its lowest "
                          "value" if low else ""),
                      test="x₀ in a plateau region: "
                      + next((f"{edge(r.lower[0], r, 'lower')} ≤ {x0:g} ≤ "
                              f"{edge(r.upper[0], r, 'upper')}"
                              + _edge_text((r.lower[0], r.upper[0]), span)
                              for r in plateau if r.lower[0] <= x0 <= r.upper[0]), "no"))
    S.checks_table(since)


def plateau_place(x0: float, n: int, inside: bool) -> str:
    """Where the start lies among the ``n`` plateau regions found: ``x₀ = 4 lies in the one
    plateau region found``, ``… in one of the 2 plateau regions found``, ``… outside the
    plateau region found``, ``no plateau region found``."""
    if n == 0:
        return "no plateau region found"
    if inside:
        where = "in the one plateau region" if n == 1 else f"in one of the {n} plateau regions"
    else:
        where = "outside the plateau region" if n == 1 else f"outside the {n} plateau regions"
    return f"x₀ = {x0:g} lies {where} found"


def _edge_text(region: tuple[float, float], span: tuple[float, float]) -> str:
    """Why an end of a region found in the interval ``span`` is where it is, when it is an
    end of that interval (the region may run on beyond it): ``(6: the end of the searched
    interval [−6, 6])``; empty otherwise."""
    ends = [e for e, s in zip(region, span, strict=True) if e == s]
    if not ends:
        return ""
    return (f" ({' and '.join(fmt_num(e, 3) for e in ends)}: the "
            f"{'ends' if len(ends) > 1 else 'end'} of the searched interval "
            f"[{fmt_num(span[0])}, {fmt_num(span[1])}])")


# ============================================================================ 5. x·cos(cx)


def _first_steps_text(steps: int, window: Sequence[int] | None) -> str:
    """A caption sentence for a drawing of a run's first ``steps`` steps whose rate study
    (the table below it) runs on: the fit ``window`` it uses, when that reaches past the
    drawing; empty otherwise."""
    if window is None or int(window[1]) <= steps:
        return ""
    return (f"  Only the first {steps} steps are drawn; the rate fit in the table below "
            f"runs on, over its window k = {int(window[0])}–{int(window[1])}.")


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
    edge = max(box[0], key=lambda e: -obj.value([e]))  # the box edge where f is lower
    f_edge = obj.value([edge])
    lower_edge = (f"; f is lower still at the edge x = {edge:g} (f = {fmt_num(f_edge)}), "
                  "on the way to a minimum just outside the interval" if f_edge < best.value
                  else "")
    S.text(f"With c = 0.15π the function has {len(mins)} minima in [−20, 20]; the lowest of them "
           f"is at x = {fmt_num(best.point[0])} (f = {fmt_num(best.value)}){lower_edge}.  "
           f"GD with η = {eta:g} "
           f"from x₀ = 10 overshoots into the shallow minimum at x = "
           f"{fmt_num(trap.point[0])} (f = {fmt_num(trap.value)}) and stays there: a local "
           f"minimum.  Why that one?  A minimum with curvature f″ attracts GD only if "
           f"ηf″ < 2, i.e. f″ < {fmt_num(2 / eta)}, and f″ = {fmt_num(trap.eigenvalues[0])} "
           "there: the steeper minima cannot hold GD with this step, whatever the start "
           f"(basin maps, p. {page_ref('xcos basins')}).")
    since = len(S.checks)
    st = S.rate(run_name("gd", f"η = {eta:g}"), obj, "gd", [10.0], lr=eta, box=box,
                critical_points=list(cps))
    steps = len(run.path) - 1

    def draw_path(fig: Any) -> None:
        plots.plot_curve_1d(
            obj, {run_name("gd", f"η = {eta:g}"): run.path[:, 0]}, xlim=box[0], numbered=6,
            title=f"GD with η = 2 from x₀ = 10, its first {steps} steps: into the local "
                  "minimum", cut=len(st.result.path) > len(run.path), fig=fig)
        for edge in box[0]:  # the curve is drawn a little beyond the interval searched
            fig.axes[0].axvline(edge, color="0.4", ls=":", lw=1.1, zorder=1)

    S.figure(draw_path, HALF,
             "The first steps jump across the landscape; the iterates then oscillate into the "
             f"shallow minimum at x = {fmt_num(trap.point[0])} (numbers: iteration).  Dotted "
             f"lines: the ends of the interval [{fmt_num(box[0][0])}, {fmt_num(box[0][1])}] "
             "in which the minima were searched."
             + _first_steps_text(steps, st.measurement.window), "xcos path")
    res = 201 if S.quick else 401
    maps = {e: basins(obj, "gd", box, resolution=res, critical_points=list(cps), lr=e,
                      maxiter=3000) for e in (eta, 0.2)}

    def draw(fig: Any) -> None:
        top, bottom = fig.subfigures(2, 1)
        shared = plots.basin_colors(*maps.values())  # a colour is one minimum in both
        for sub, e in ((top, eta), (bottom, 0.2)):
            plots.plot_basins(maps[e], obj, title=f"Where GD with η = {e:g} ends, by start",
                              colors=shared, fig=sub)

    S.figure(draw, 2 * 250.0, "Basins of attraction (colour strip: start x₀, one of "
             f"{res} evenly spaced starts in [{fmt_num(box[0][0])}, {fmt_num(box[0][1])}]; "
             "legend: limit "
             "point and measured share of starts; a colour is the same minimum in both strips).  "
             "With η = 2 only minima with f″ < 2/η = 1 can attract GD; with η = 0.2 every "
             "minimum has a basin.", "xcos basins")
    m2 = maps[eta]
    curv = {i: float(obj.hess([m2.points[i][0]])[0, 0]) for i in range(len(m2.points))}
    reached = [i for i, c in m2.counts.items() if i >= 0 and c > 0]
    ok = all(m2.kinds[i] == "minimum" and curv[i] * eta < 2 for i in reached)
    what = "minima of x·cos(cx), c = 0.15π, that attract GD with η = 2"
    # the minima are roots of f′ found numerically; a reached one is the minimum the runs
    # ended at (matched within the basin tolerance), named by that root
    largest = max((curv[i] * eta for i in reached), default=0.0)
    S.statement_check(
        what,
        "only those with f″ < 2/η = 1: x ≈ " + ", ".join(
            S.value(what, f"stable minimum {i}", m2.points[i][0], "numeric")
            for i in range(len(m2.points))
            if m2.kinds[i] == "minimum" and curv[i] * eta < 2),
        f"reached from the grid of {res} starts: x ≈ "
        + ", ".join(S.value(what, f"reached minimum {i}", m2.points[i][0], "numeric")
                    for i in reached),
        ok, "stability of GD at a minimum: |1 − ηf″| < 1",
        test="largest ηf″ at a reached point "
        + S.value(what, "largest ηf″ at a reached minimum", largest, "numeric", 3)
        + (" < " if largest < 2 else " ≥ ") + "2")
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


def _fit_window_aside(m: Any, table: str) -> str:
    """Why an order read off the last triple of errors differs from the measured order of
    the theory table: the table's order is a least-squares fit over the errors it names
    (``m.order_window``, the measurement's window less any pre-asymptotic steps the fit
    drops); ``table``: how the text names the per-step table that prints them (``the
    per-step table of pure Newton``); empty when the measurement has no window or no order."""
    win, q = getattr(m, "window", None), getattr(m, "order", None)
    if win is None or q is None:
        return ""
    a, b = printed_window(m)
    early = f"step {a - 1}" if a - 1 == int(win[0]) else f"steps {int(win[0])}–{a - 1}"
    dropped = (f" (the fit drops the pre-asymptotic {early})" if a > int(win[0])
               else ", its whole window")
    return (f", the last three clear of rounding; {table} "
            f"fits the errors of k = {a}–{b}{dropped} by least squares: "
            f"{fmt_num(float(q), 3)}")


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
           "the error vanishes and Taylor's theorem gives e_(k+1) = (c²/3) e_k³ + O(e_k⁵): the "
           "order is 3.  The analysis checks for this: it computes the third derivatives at "
           "the minimizer (central differences of the Hessian) and predicts order 3 instead "
           "of 2.")
    since = len(S.checks)
    label = f"pure {run_name('newton')}"
    st = S.rate(label, obj, "newton", [10.0], line_search="none",
                modification="none", box=[(-12, 12)])
    S.q_limits[label] = "c²/3 = " + S.value(label, "limit of e_(k+1)/e_k³", c * c / 3.0,
                                            "exact", 4)
    path = st.result.path[:, 0]

    def draw(fig: Any) -> None:
        left, right = fig.subfigures(1, 2, width_ratios=[1.0, 1.6])
        plots.plot_curve_1d(obj, {run_name("newton"): path}, numbered=7, legend="ends",
                            zoom=False,
                            title="Newton iterates from x₀ = 10", fig=left)
        plots.plot_rate_studies({run_name("newton"): st}, title="Error",
                                fig=right)

    # an iterate on the minimum 0 exactly: numbered on the curve, but its error 0 has no place
    # on the log axis of the errors
    zero = next((k for k, v in enumerate(path) if v == 0.0), None)
    on_min = ("" if zero is None else
              f" (x_{zero} = 0 exactly: numbered on the curve, its error 0 has no place on "
              f"the middle panel's log axis, which ends at k = {zero - 1})")
    S.figure(draw, FULL, f"Left: iterates on the curve{on_min}.  Middle: the error falls by "
             "steps of "
             f"≈ 1/c = {fmt_num(1 / c)} at first, then the number of correct digits roughly "
             "triples per step.  Right: the ratio e_(k+1)/e_k tends to 0 (superlinear); the "
             "per-step table gives e_(k+1)/e_k³ → c²/3."
             + window_cut_text({run_name("newton"): st}),
             "cosh")
    est = _order_estimate(np.abs(path))
    if est is not None:
        q, C, k = est
        # the predicted order of the theory table above (its value and its marker)
        order = st.prediction.order
        triple = f"from the errors at iterations {k - 1}–{k + 1}"
        # the summary names the table by its section; this section's checks table by the
        # run it is of (it may lie on an earlier page, so not as "the table above")
        check = S.numeric_check(
            "order q of e_(k+1) ≈ C e_k^q (f‴(0) = 0)", 3.0 if order is None else float(order),
            q, rtol=0.05, how_p="exact" if order is None else "theory", how_m="measured",
            digits=3, reason=triple + _fit_window_aside(
                st.measurement, "the convergence table of the Newton-on-cosh(cx) section"))
        check.here = triple + _fit_window_aside(st.measurement, f"the per-step table of {label}")
        S.numeric_check(f"constant C = e_(k+1)/e_k³ vs c²/3 (c = {c:g})", c * c / 3.0, C, rtol=0.05,
                        how_p="exact", how_m="measured", digits=4,
                        reason=f"the ratio e_(k+1)/e_k³ at the single step k = {k}, not a "
                        "fit; "
                        "Taylor: x − tanh(cx)/c = c²x³/3 + O(x⁵)")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 7. conditioning


#: the ill-conditioned quadratic of the conditioning section, as the parser reads it
CONDITIONED = "0.1*x1**2 + 2*x2**2"


def conditioned_text() -> str:
    """:data:`CONDITIONED` as the text writes it, in the form of its typeset formula
    (:func:`analysis.pages.text_math`): ``x₁²/10 + 2x₂²``."""
    return text_math(_parse(CONDITIONED).expr)


#: the opening words of the ill-conditioning section's title, by which later sections name it
CONDITIONING = "Ill-conditioning"


def section_conditioning(S: Study) -> None:
    """GD on x₁²/10 + 2x₂² (η = 0.4, 0.6), momentum damping, the stability map."""
    from analysis import theory
    from analysis.sweeps import lr_sweep, momentum_stability_map
    from optimizers.registry import title

    S.start(f"{CONDITIONING}: {conditioned_text()}, momentum to the rescue")
    obj = _parse(CONDITIONED)
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
           f"(spectral radius {fmt_rate(theory.heavy_ball_radius(0.6, 0.5, lam))}).")
    since = len(S.checks)
    configs = [(run_name("gd", "η = 0.4"), "gd", {"lr": 0.4}),
               (run_name("gd", "η = 0.6"), "gd", {"lr": 0.6}),
               (run_name("momentum", "η = 0.6, β = 0.5"), "momentum",
                {"lr": 0.6, "momentum": 0.5}),
               (run_name("momentum", "η = 0.6, β = 0.25"), "momentum",
                {"lr": 0.6, "momentum": 0.25})]
    runs = {lab: _run(obj, x0, m, steps=20, **h) for lab, m, h in configs}
    for lab, m, h in configs:
        S.rate(lab, obj, m, x0, **h)
    box = [(-6.0, 6.0), (-3.0, 3.0)]
    cps = obj.critical_points(box=box)
    S.figure(lambda fig: plots.plot_paths_grid(
        obj, box, {k: r.path for k, r in runs.items()}, cps, xlabel="x₁", ylabel="x₂",
        title="20 steps from (−5, −2), one panel per method (same axes, equal scales)",
        fig=fig), 330.0,
        "GD with η = 0.6 zig-zags along x₂ with growing amplitude and leaves the plotted box "
        "(its path is drawn up to where it leaves, at the k the title gives); momentum "
        "with the same η stays inside.  Distance to "
        "the minimum after 20 steps: " + "; ".join(
            k + ": " + S.value(k, "distance after 20 steps", float(np.linalg.norm(r.x)),
                              "measured", 3)
            for k, r in runs.items()) + ".", "conditioning paths")
    hb = configs[2][0]  # heavy ball, η = 0.6, β = 0.5
    rates_x2 = {configs[0][0]: abs(1 - 0.4 * L), configs[1][0]: abs(1 - 0.6 * L),
                hb: theory.heavy_ball_radius(0.6, 0.5, [L])}
    roots = np.roots([1.0, -(1.0 + 0.5 - 0.6 * L), 0.5])
    x2 = np.abs(runs[hb].path[:, 1])
    gmean = float(np.exp(np.mean(np.log(x2[1:] / x2[:-1]))))
    swing = ""
    if np.all(np.abs(roots.imag) > 1e-12):
        theta = float(abs(np.angle(roots[0])))
        swing = (f"  For heavy ball the roots of z² − (1 + β − ηL)z + β are complex, "
                 f"{fmt_num(roots[0].real, 3)} ± {fmt_num(abs(roots[0].imag), 3)}i, of modulus "
                 f"√β = {fmt_num(math.sqrt(0.5), 4)} and angle {fmt_num(theta, 3)} rad: x₂ at "
                 f"iteration k is ρᵏ times a rotating cosine, so the single ratio {X2_RATIO} "
                 "swings far above and below √β (whenever x₂ passes near zero); it is their "
                 f"geometric mean that follows √β (over the {len(x2) - 1} steps: "
                 f"{fmt_num(gmean, 4)}).")
    x2_marks: dict[str, tuple[list[int], list[int]]] = {}
    x2_lines: list[tuple[bool, list[int]]] = []

    def draw_x2(fig: Any) -> Any:
        out = plots.plot_error(
            {k: np.abs(runs[k].path[:, 1]) for k in rates_x2}, rates=rates_x2,
            ylabel="|x₂| at iteration k (log scale)",
            title="The steep coordinate x₂ against theory", fig=fig)
        for ax in plots_lecture.ratio_axes(fig):  # the ratio of what the left panel shows
            ax.set_ylabel(X2_RATIO)
        x2_marks.clear()
        x2_marks.update(plots_lecture.ratio_marks(fig))
        x2_lines[:] = plots_lecture.error_marks(fig)
        return out

    block = S.figure(
        draw_x2, HALF, "Along x₂ (λ = L = 4) GD multiplies the error by |1 − ηL| per step; "
        "heavy ball by the spectral radius of its 2×2 iteration matrix (dashed: theory, "
        "drawn at least ×10 above on the left).", "x2 errors")
    # the markers' words from the drawn figure: their fill and the steps that carry one
    block.caption += (
        f"  {error_marks_text(x2_lines, '|x₂| (left)')}; "
        f"open markers: the ratio {X2_RATIO} per step (right), over thin dashed lines at the "
        "predicted ratio.  GD's ratio is |1 − ηL| at every step, so its markers sit on its "
        "line (the line joining the markers is left out there); heavy ball's markers are "
        "joined by a thin solid line." + swing + around_text(x2_marks))
    n_sweep, sweep_steps = (14 if S.quick else 25), 100
    sweep = lr_sweep(obj, "gd", x0, np.geomspace(0.05, 1.0, n_sweep), steps=sweep_steps)
    lo, hi = sweep.bracket
    S.statement_check("GD divergence threshold (η)",
                      f"η < 2/L = {S.value('threshold', 'predicted', 2 / L, 'theory')}",
                      f"stable at η = {S.value('threshold', 'last stable η', lo, 'measured')}, "
                      f"diverges at η = {S.value('threshold', 'first diverging η', hi, 'measured')}"
                      f" ({sweep_grid_text(sweep, x0)})",
                      sweep.brackets_prediction(),
                      test=bracket_decided(lo, 2 / L, hi, sweep.brackets_prediction()))
    n_lr, n_b = (14, 10) if S.quick else (30, 20)
    steps = 200
    smap = momentum_stability_map(obj, x0, np.linspace(0.02, 1.2, n_lr),
                                  np.linspace(0.0, 0.95, n_b), steps=steps)
    ag = smap.agreement
    holes = no_rate_cells(obj, x0, smap)
    settling_holes = [h for h in holes if h["settles"]]
    # β = 0 is gradient descent: its markers say so after the point, in the others' form
    marks = [(lr, b, f"η = {lr:g}, β = {b:g}" + (f": {title('gd')}" if b == 0 else ""))
             for lr, b in ((0.6, 0.5), (0.6, 0.25), (0.6, 0.0), (0.4, 0.0))]
    marks += [(h["lr"], h["momentum"], f"no rate although ρ^{steps} ≤ 10⁻³: η = "
               f"{fmt_num(h['lr'], 3)}, β = {fmt_num(h['momentum'], 3)} (fit: {h['kind']})")
              for h in settling_holes]
    hole_text = no_rate_text(holes, 1.0 - float(ag["boundary_margin"]), steps)
    drawn = plots.momentum_map_levels(smap.predicted_radius)
    levels = " and ".join(fmt_num(v) for v in drawn)
    S.figure(lambda fig: plots.plot_momentum_map(smap, mark=marks, fig=fig), 380.0,
             f"Measured rate of heavy ball on {conditioned_text()} (L = {fmt_num(L)}) over a "
             "grid of "
             f"{n_lr} step sizes η × {n_b} momenta "
             f"β, {steps} steps each (grey: diverged).  ρ is the predicted spectral radius of the "
             "heavy-ball iteration (the rate theory gives"
             + (f"; dashed white: its {levels} level{'s' if len(drawn) > 1 else ''}"
                if drawn else "") + "): the "
             "black curve is where ρ crosses 1; momentum widens the stable range of η from "
             "2/L to 2(1 + β)/L."
             + (hole_text + "." if hole_text else "")
             + unsettled_text(rate_cells(smap), steps, 1.0 - float(ag["boundary_margin"]),
                              edge_cells(smap)), "momentum map")
    S.numeric_check(f"stability map: share of the {ag['cells']} cells where divergence "
                    "matches theory", 1.0,
                    float(ag["stability"]), rtol=0.0, abs_tol=0.02, how_p="theory", digits=3,
                    reason=f"{ag['cells']} cells; agrees when at least 98% match; boundary "
                    f"cells (|ρ − 1| ≤ {ag['boundary_margin']}) may go either way")
    if ag.get("rate_settling") is not None:
        n_set = int(ag["settling_cells"])
        n_ok = int(round(float(ag["rate_settling"]) * n_set))
        off = settled_off_text(rate_cells(smap, settled=True))
        below = 1.0 - float(ag["boundary_margin"])
        S.numeric_check(f"stability map: share of the settling cells whose rate matches "
                        f"theory (1%): the {n_set} of the {ag['stable_cells']} stable cells "
                        f"(ρ < {fmt_num(below)}, not diverged) that settle (ρ^{steps} ≤ 10⁻³)",
                        1.0,
                        float(ag["rate_settling"]), rtol=0.0, abs_tol=0.02, how_p="theory",
                        digits=3, reason=f"agrees when at least 98% of the cells match; "
                        f"{n_ok} of {n_set} do"
                        + (f" ({len(settling_holes)} with no rate, marked on the section's "
                           "stability map)" if settling_holes else "")
                        + (f"; {off}" if off else "")
                        + f"; over all {ag['stable_cells']} stable cells ("
                        f"{int(np.count_nonzero(smap.predicted_radius < 1.0))} cells have "
                        f"ρ < 1) the share is {fmt_num(ag['rate'], 3)}: cells with ρ near 1 "
                        f"do not reach their asymptotic phase in {steps} steps")
    obj2 = _parse("x1**2 + 2*x2**2")
    lam2 = np.linalg.eigvalsh(obj2.hess([0.0, 0.0]))
    S.text(f"Better conditioning helps every method: on x₁² + 2x₂² (κ = "
           f"{fmt_num(lam2[-1] / lam2[0])}) the same η = 0.4 contracts by max|1 − 0.4λ| = "
           f"{fmt_num(theory.gd_rate(0.4, lam2))} per step instead of "
           f"{fmt_num(theory.gd_rate(0.4, lam))}.")
    S.rate(run_name("gd", "η = 0.4") + " on x₁² + 2x₂²", obj2, "gd", x0, lr=0.4)
    S.theory_table()
    S.checks_table(since)


#: the per-step ratio of the coordinate x₂ (the conditioning section's ratio panel)
X2_RATIO = "|(xₖ₊₁)₂| / |(xₖ)₂|"  # the second coordinate of x_(k+1) over that of x_k


def error_marks_text(marks: Sequence[tuple[bool, Sequence[int]]], what: str) -> str:
    """The caption's words on the markers of a figure's error lines
    (:func:`analysis.plots_lecture.error_marks`), their fill and the steps that carry one:
    ``Open markers on the lines of |x₂| (left), every third step (k = 0, 3, 6, …)``; ``what``
    names the lines and their panel."""
    nth = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}

    def steps(ks: Sequence[int]) -> str:
        gaps = set(np.diff(ks).tolist())
        if len(ks) > 2 and len(gaps) == 1:
            (s,) = gaps
            if s == 1:
                return "at every step"
            return (f"every {nth.get(s, f'{s}th')} step (k = {ks[0]}, {ks[1]}, {ks[2]}, …)")
        return "at k = " + ", ".join(str(k) for k in ks)

    kinds = list(dict.fromkeys((filled, steps(ks)) for filled, ks in marks if ks))
    if not kinds:
        return ""
    fills = {filled for filled, _ in kinds}
    fill = ("Filled" if fills == {True} else "Open" if fills == {False}
            else "Filled and open")
    return f"{fill} markers on the lines of {what}, " + "; ".join(
        dict.fromkeys(s for _, s in kinds))


def marks_text(marks: Mapping[str, tuple[Sequence[int], Sequence[int]]]) -> str:
    """The caption's sentence on the ratio markers a drawn figure shows
    (:func:`analysis.plots_lecture.ratio_marks`): the rule that spaces them and, per series,
    how many it shows over which iterations."""
    per = [f"{name}: {plural(len(ks), 'marker')} (k = {min(ks)}–{max(ks)})"
           if len(ks) > 1 else f"{name}: 1 marker (k = {ks[0]})"
           for name, (ks, _) in marks.items() if ks]
    return ("Open markers, spaced so that none overlaps another and that the theory line "
            "they lie on shows between them" + (" (" + "; ".join(per) + ")" if per else "")
            + ".")


def no_rate_cells(obj: Any, x0: Sequence[float], smap: Any) -> list[dict[str, Any]]:
    """The cells of a heavy-ball stability map that are stable (predicted radius ρ below
    1 − margin, not diverged) but have no measured rate, each re-run to say why: its (η, β),
    ρ, whether ρ^steps ≤ 10⁻³ (the run can settle), whether the dominant roots of
    z² − (1 + β − ηλ)z + β are complex (then |z| = √β), and the kind the fit found."""
    from analysis.empirical import measure
    from analysis.sweeps import SETTLE_DROP

    lam = np.asarray(smap.eigenvalues, float)
    margin = float(smap.agreement["boundary_margin"])
    out = []
    for i, j in zip(*np.nonzero((smap.predicted_radius < 1.0 - margin) & ~smap.diverged
                                & np.isnan(smap.measured_rate)), strict=True):
        lr, b, rho = float(smap.lrs[j]), float(smap.momenta[i]), float(smap.predicted_radius[i, j])
        run = _run(obj, x0, "momentum", lr=lr, momentum=b, steps=int(smap.steps))
        out.append({"lr": lr, "momentum": b, "radius": rho,
                    "settles": smap.steps * math.log(rho) <= math.log(SETTLE_DROP),
                    "complex": dominant_root_complex(lr, b, lam),
                    "kind": measure(run.path, smap.minimizer).kind})
    return out


def no_rate_text(holes: Sequence[Mapping[str, Any]], below: float, steps: int) -> str:
    """The stability map caption's sentence on its white cells: the stable cells (ρ <
    ``below``, not diverged) with no measured rate (:func:`no_rate_cells`), counted all
    together, then the ones too slow to settle in ``steps`` steps and, one by one, the marked
    ones that settle; empty when there are none."""
    short = [h for h in holes if not h["settles"]]
    settling = [h for h in holes if h["settles"]]
    if not holes:
        return ""
    slow = (f"ρ^{steps} > 10⁻³ (ρ {'up to ' if len(short) > 1 else ''}"
            f"{fmt_num(max(h['radius'] for h in short), 4)}), too "
            f"slow to reach a measurable asymptotic phase in {steps} steps") if short else ""
    cells = (f"stable {plural(len(holes), 'cell', count=False)} (ρ < {fmt_num(below)}, "
             "not diverged)")
    if not settling:
        return (f"  White: the {len(short)} {cells} with no measured rate "
                f"{'has' if len(short) == 1 else 'have'} {slow}")
    parts = [f"{len(short)} with {slow}"] if short else []
    parts += [f"the cell η = {fmt_num(h['lr'], 3)}, β = {fmt_num(h['momentum'], 3)} (marked) "
              f"does settle (ρ = {fmt_num(h['radius'], 4)}"
              + (" = √β: complex roots, the error oscillates as it shrinks" if h["complex"]
                 else "")
              + f"), but the rate fit classed its error as {h['kind']}, so no rate is shown"
              for h in settling]
    return (f"  White: {len(holes)} {cells} {'has' if len(holes) == 1 else 'have'} no measured "
            "rate: " + "; ".join(parts))


def dominant_root_complex(lr: float, beta: float, lam: Sequence[float]) -> bool:
    """Whether the root of largest modulus of z² − (1 + β − ηλ)z + β over the curvatures
    ``lam`` (the heavy ball's modes on a quadratic) is complex: its error then swings as it
    shrinks, by |z| = √β per step."""
    roots = [z for l_ in lam for z in np.roots([1.0, -(1.0 + beta - lr * float(l_)), beta])]
    return bool(abs(np.imag(max(roots, key=abs))) > 1e-12)


def oscillation_text(lr: float, beta: float, lam: Sequence[float]) -> str:
    """What the heavy ball's iterates do on a quadratic with curvatures ``lam`` (one per
    coordinate, the Hessian diagonal): per coordinate, the roots of z² − (1 + β − ηλ)z + β;
    where they are complex, |z| = √β and the coordinate is ρᵏ times a cosine of angle arg z
    per step, so the norm's single ratios swing wherever one cosine passes near zero."""
    names = [f"x{'₁₂₃₄₅₆₇₈₉'[i]}" if len(lam) < 10 else f"x_{i + 1}" for i in range(len(lam))]
    turns = []
    for name, l_ in zip(names, lam, strict=True):
        z = np.roots([1.0, -(1.0 + beta - lr * float(l_)), beta])
        if abs(z[0].imag) > 1e-12:
            turns.append((name, float(l_), float(abs(np.angle(z[0])))))
    if not turns:
        return "the roots are real, and the ratio settles on ρ"
    which = ("for every coordinate" if len(turns) == len(lam) else
             "for " + _names([t[0] for t in turns]))
    return (f"the roots are complex {which} (modulus √β = {fmt_rate(math.sqrt(beta))}): "
            "each coordinate is ρᵏ times its own cosine, cos(θk + φ), with θ = "
            + _names([f"{fmt_num(t, 3)} rad for {n} (λ = {fmt_num(l_)})" for n, l_, t in turns])
            + " per step; the coordinates do not exchange error, but their cosines pass near "
            "zero at different k, so ‖xₖ‖ wobbles and single ratios scatter around ρ")


def rate_cells(smap: Any, settled: bool = False) -> list[dict[str, Any]]:
    """The cells of a heavy-ball stability map that show a measured rate (a colour) among the
    stable ones (predicted radius ρ below 1 − margin, not diverged) that settle within the run
    (``settled``: ρ^steps ≤ 10⁻³) or cannot (ρ^steps > 10⁻³): their (η, β), ρ, the measured
    rate, whether it agrees with ρ (``rate_agrees``) and whether the dominant root is complex
    (:func:`dominant_root_complex`)."""
    from analysis.sweeps import SETTLE_DROP

    lam = np.asarray(smap.eigenvalues, float)
    rho = np.asarray(smap.predicted_radius, float)
    stable = (rho < 1.0 - float(smap.agreement["boundary_margin"])) & ~smap.diverged
    with np.errstate(divide="ignore"):
        slow = smap.steps * np.log(np.maximum(rho, 1e-300)) > math.log(SETTLE_DROP)
    out = []
    for i, j in zip(*np.nonzero(stable & (~slow if settled else slow)
                                & np.isfinite(smap.measured_rate)), strict=True):
        lr, b = float(smap.lrs[j]), float(smap.momenta[i])
        out.append({"lr": lr, "momentum": b, "radius": float(rho[i, j]),
                    "rate": float(smap.measured_rate[i, j]),
                    "agrees": bool(smap.rate_agrees[i, j]),
                    "complex": dominant_root_complex(lr, b, lam)})
    return out


def settled_off_text(cells: Sequence[Mapping[str, Any]]) -> str:
    """The cells that settle but whose measured rate is more than 1% off ρ (``agrees`` False
    among :func:`rate_cells` with ``settled``), each named with its η, β, measured rate and
    ρ: ``3 others are more than 1% off ρ, where the dominant roots are complex (ρ = √β):
    (η, β) = (0.549, 0.45): rate 0.66026, ρ = 0.67082 (Δρ/ρ 1.57%, Δln ρ/ln ρ 4.00%); …``
    (:func:`off_text`: both scales of the rate rule, not the map's 1% test on ρ alone, which
    read "1.02% off" for a cell 9.2% off on −ln ρ); empty when there are none."""
    off = [c for c in cells if not c["agrees"]]
    if not off:
        return ""
    swing = (", where the dominant roots are complex (ρ = √β)"
             if all(c["complex"] for c in off) else "")
    return (f"{plural(len(off), 'other')} {'are' if len(off) > 1 else 'is'} more than 1% off "
            f"ρ{swing}: "
            + "; ".join(f"(η, β) = ({fmt_num(c['lr'], 3)}, {fmt_num(c['momentum'], 3)}): rate "
                        f"{fmt_rate(c['rate'])}, ρ = {fmt_rate(c['radius'])} ({off_text(c)})"
                        for c in off))


def off_text(c: Mapping[str, Any]) -> str:
    """``Δρ/ρ 1.02%, Δln ρ/ln ρ 9.2%``: how far a cell's measured rate m is off its ρ on both
    scales of the rate rule, |m − ρ|/ρ (the map's 1% test) and |ln m − ln ρ|/|ln ρ|, three
    digits each (1.02% is not 1%)."""
    on_rho, on_log = rate_diffs(c["rate"], c["radius"])
    return f"Δρ/ρ {fmt_num(100 * on_rho, 3)}%, Δln ρ/ln ρ {fmt_num(100 * on_log, 3)}%"


def edge_cells(smap: Any) -> int:
    """How many cells of a heavy-ball stability map show a measured rate (a colour) at the
    edge of stability, 1 − margin ≤ ρ < 1 (``boundary_margin``), not diverged: the map tests
    no rate there (:func:`analysis.sweeps.momentum_stability_map`)."""
    rho = np.asarray(smap.predicted_radius, float)
    edge = (rho >= 1.0 - float(smap.agreement["boundary_margin"])) & (rho < 1.0)
    return int(np.sum(edge & ~smap.diverged & np.isfinite(smap.measured_rate)))


def unsettled_text(cells: Sequence[Mapping[str, Any]], steps: int,
                   below: float | None = None, edge: int = 0) -> str:
    """The caption's sentences on the coloured cells that cannot settle within ``steps``
    (:func:`rate_cells`, the stable ones, ρ < ``below``): how many, how many show a rate that
    agrees with ρ, and where the others are and how far off they are; then the ``edge``
    coloured cells at the edge of stability (:func:`edge_cells`, ``below`` ≤ ρ < 1), which no
    rate test reads.  Study p. 23 counted 41 coloured unsettled cells with no word that they
    are the stable ones, and a reader found 14 more coloured cells with 0.99 ≤ ρ < 1."""
    out = ""
    if below is not None and edge:
        out = (f"  The{' other' if cells else ''} {plural(edge, 'coloured cell')}, with "
               f"{fmt_num(below)} ≤ ρ < 1, "
               f"{'lies' if edge == 1 else 'lie'} at the edge of stability, where no rate is "
               "compared with ρ.")
    if not cells:
        return out
    ok = [c for c in cells if c["agrees"]]
    off = [c for c in cells if not c["agrees"]]
    stable = f", stable (ρ < {fmt_num(below)})" if below is not None else ""
    text = (f"  Coloured{stable} though ρ^{steps} > 10⁻³ (not settled in {steps} steps): "
            f"{plural(len(cells), 'cell')}; ")
    text += (f"{'all' if not off else f'{len(ok)} of them'} show a rate within 1% of ρ "
             "(their error shrinks by ρ per step long before it has fallen by 10³)"
             if ok else "none shows a rate within 1% of ρ")
    if off:
        betas = _names(sorted({fmt_num(c["momentum"], 3) for c in off}, key=float))
        worst = max(abs(c["rate"] - c["radius"]) / c["radius"] for c in off)
        swing = (", where the dominant roots are complex (|z| = √β: the error swings as it "
                 "shrinks)" if all(c["complex"] for c in off) else "")
        text += (f"; the other {len(off)}, at β = {betas}{swing}, show the rate a fit found "
                 f"on that unsettled stretch, up to {percent(worst)} off ρ")
    return text + "." + out


# ============================================================================ 8. Rosenbrock


def heavy_ball_limit(lr: float, beta: float) -> float:
    """The largest curvature λ for which the heavy ball x_(k+1) = x_k − η∇f(x_k) +
    β(x_k − x_(k−1)) is stable on a quadratic: λ < 2(1 + β)/η."""
    return 2.0 * (1.0 + beta) / lr


def divergence_curvature_text(obj: Any, study: Any, label: str, lr: float, beta: float,
                              steps: int = 30, where: str = "") -> str:
    """Why the heavy-ball starts of ``label`` that diverged did: from each start, a recorded
    run of ``steps`` steps and the largest Hessian eigenvalue λ_max(∇²f) met along it, against
    the stability limit 2(1 + β)/η (:func:`heavy_ball_limit`); the first K by which every
    diverged start had met curvature above the limit, and how many converged starts crossed
    it too within K steps (and came back).  ``where`` says where f's curvature is large.
    Empty when no start diverged."""
    from analysis.starts import DIVERGED
    from optimizers import minimize

    run = study.runs[label]
    div = np.asarray(run.outcome == DIVERGED, bool)
    if not div.any():
        return ""
    lim = heavy_ball_limit(lr, beta)

    def curvatures(x: Any, method: str, **kw: Any) -> list[float]:
        path = minimize(obj, x, method, lr=lr, steps=steps, record=True, **kw).path
        return [np.linalg.eigvalsh(obj.hess(p))[-1] if np.all(np.isfinite(p)) else np.inf
                for p in path[:steps + 1]]

    seen = np.zeros((len(div), steps + 1))  # largest λ_max met up to step k
    above = np.zeros(len(div), int)  # steps at a finite iterate with λ_max above the limit
    for i, x in enumerate(study.X0):
        lam = curvatures(x, "momentum", momentum=beta)
        above[i] = sum(1 for v in lam if np.isfinite(v) and v > lim)
        lam += [lam[-1]] * (steps + 1 - len(lam))
        seen[i] = np.maximum.accumulate(lam)
    # GD with the same η from the diverged starts, against its own limit 2/η
    gd_above = [sum(1 for v in curvatures(x, "gd") if v > 2.0 / lr)
                for x in np.asarray(study.X0)[div]]
    over = seen > lim
    ks = np.flatnonzero(np.all(over[div], axis=0))
    n_div, n_ok = int(div.sum()), int((~div).sum())
    head = (f"Why {n_div} of the {len(div)} momentum starts diverged: heavy ball is stable "
            f"on a quadratic only while the curvature λ < 2(1 + β)/η = {fmt_num(lim)} "
            f"(η = {lr:g}, β = {beta:g}){where}.  ")
    if ks.size == 0:
        k = steps
        met = int(over[div, k].sum())
        return head + (f"Measured along recorded runs of {steps} steps: {met} of the "
                       f"{n_div} diverged starts met λ_max(∇²f) above that limit.")
    k = int(ks[0])
    ok_over = over[~div, k]
    lo = float(seen[div, k].min())
    text = (head + f"Measured along recorded runs from the same starts: by step {k} every "
            f"diverged start had met λ_max(∇²f) above that limit (at least {lo:.0f})")
    if ok_over.any():
        text += (f", while {int(ok_over.sum())} of the {n_ok} converged starts crossed it "
                 f"too within {k} steps (at most {float(seen[~div, k].max()):.0f}) "
                 "and came back: beyond the limit the iteration amplifies, and a start "
                 "diverges when the steps it takes there carry it further out.")
    else:
        text += f", and none of the {n_ok} converged starts did within {k} steps."
    return text + gd_contrast_text(lr, steps, gd_above, above[div])


def gd_contrast_text(lr: float, steps: int, gd_above: Sequence[int],
                     hb_above: Sequence[int]) -> str:
    """Why curvature above the limit undoes heavy ball and not GD, from the counts of steps
    (of the first ``steps``) at which GD with the same η (``gd_above``, against its own limit
    2/η) and heavy ball (``hb_above``) stood where λ_max(∇²f) exceeds its limit, over the
    starts heavy ball diverged from."""
    g, h = max(gd_above, default=0), min(hb_above, default=0)
    if not g:
        return (f"  GD with the same η, from those starts, never meets curvature above its own "
                f"limit 2/η = {fmt_num(2.0 / lr)} in {steps} steps.")
    text = (f"  GD with the same η meets curvature above its own, lower, limit 2/η = "
            f"{fmt_num(2.0 / lr)} from those starts too, but spends at most {g} of its first "
            f"{plural(steps, 'step')} above it")
    if h > g:
        return text + (f", while a diverging heavy-ball run spends at least {h} steps above "
                       f"its limit: its velocity keeps each overshoot and carries "
                       "the iterate on into steeper curvature, so the amplification "
                       "compounds, while a GD step forgets the last one and its next step, "
                       f"from flatter ground, brings it back.")
    return text + (f", while a diverging heavy-ball run can spend as few as "
                   f"{plural(h, 'step')} above its limit: standing above the limit for a while "
                   "does not by itself decide which starts diverge.")


def _marked_iterates_text(paths: Mapping[str, Any], xstar: Sequence[float],
                          near: float = 0.1) -> str:
    """What the path panels mark (:func:`analysis.plots.path_mark_stride`): every iterate of
    a short run; of a long one, one iterate in s, how many markers and how many of them lie
    within ``near`` of the minimum ``xstar`` (inside the last-iterate square), with the
    iteration from which the run stays that close."""
    x = np.asarray(xstar, dtype=float)
    where = fmt_point(x)
    every = [k for k, p in paths.items() if plots.path_mark_stride(len(p)) == 1]
    parts = []
    for name, path in paths.items():
        p = np.asarray(path, dtype=float)
        stride = plots.path_mark_stride(len(p))
        if stride == 1:
            continue
        marks = p[::stride]
        far = np.flatnonzero(np.linalg.norm(p - x, axis=1) >= near)
        since = int(far[-1]) + 1 if far.size else 0
        close = int(np.sum(np.linalg.norm(marks - x, axis=1) < near))
        parts.append(
            f"the panel of {name} marks one iterate in {stride} ({plural(len(marks), 'marker')}): "
            f"{close} of them lie within {fmt_num(near)} of {where}, inside its last-iterate "
            f"square, where {name} stays from iteration {since} on "
            f"({percent(1.0 - since / (len(p) - 1))} of its steps), so its line shows only a "
            "few markers along the valley")
    if not parts:
        return "Every iterate is marked."
    head = ("The panels of " + _names(every) + " mark every iterate; ") if every else ""
    text = head + "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def section_rosenbrock(S: Study) -> None:
    """Second-order and quasi-Newton methods against GD on Rosenbrock; ECDF over starts."""
    from analysis.starts import many_starts

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
           f"{fmt_num(lam[0])} and {fmt_num(lam[1])} (κ ≈ {round(lam[1] / lam[0])}).  GD "
           f"needs η < 2/L ≈ {fmt_num(2 / lam[1], 3)} and then crawls along the valley "
           f"(with η = {gd_lr:g}: rate 1 − ημ ≈ {fmt_num(1 - gd_lr * lam[0], 5)} near the "
           "minimum).  Newton rescales by the Hessian and converges "
           "quadratically; BFGS and L-BFGS build a Hessian approximation from gradients "
           "(BFGS superlinear; L-BFGS, with its few pairs, guaranteed only linear); "
           "nonlinear CG needs no matrix at all.")
    since = len(S.checks)
    configs = [(run_name(m), m, {}) for m in ("newton", "bfgs", "lbfgs", "cg")]
    configs.append((run_name("gd", f"η = {gd_lr:g}"), "gd", {"lr": gd_lr}))
    gd_max = 50000
    gd_max_text = spaced(gd_max)
    runs = {lab: _run(obj, x0, m, maxiter=gd_max if m == "gd" else None, **h)
            for lab, m, h in configs}
    studies = {lab: S.rate(lab, obj, m, x0, box=box, critical_points=cps, **h)
               for lab, m, h in configs}
    gtol = " or ".join(dict.fromkeys(power_text(c.threshold) for r in runs.values()
                                     for c in r.criteria if c.name == "gtol"))
    S.figure(lambda fig: plots.plot_paths_grid(
        obj, box, {f"{k}": r.path for k, r in runs.items()}, cps,
        title="Paths from (−1.2, 1) to the minimum (1, 1), one panel per method", fig=fig),
        340.0, f"One panel per method run alone from (−1.2, 1) ({_names(list(runs))}; "
        "heavy-ball momentum runs only in the batch of starts), on the same axes (equal "
        "scales, contours geometric in f − f_min).  These are runs with each method's "
        "default stopping rule (the gradient "
        f"tolerance {gtol}: a run stops once ‖∇f‖∞ ≤ {gtol}; GD may run {gd_max_text} "
        "iterations), with "
        "iterations: "
        f"{_iterations_text(runs)}.  GD follows the curved valley floor in thousands of "
        "tiny steps; the curvature-aware methods reach (1, 1) in tens of steps.  "
        + _marked_iterates_text({k: r.path for k, r in runs.items()}, (1.0, 1.0)),
        "rosenbrock paths")
    n = 100 if S.quick else 200
    methods = {lab: (m, {**h, "maxiter": gd_max} if m == "gd" else h) for lab, m, h in configs}
    methods["momentum η = 0.001, β = 0.9"] = ("momentum", {"lr": 1e-3, "momentum": 0.9,
                                                           "maxiter": gd_max})
    from optimizers.methods import METHODS

    defaults = sorted({METHODS[m].maxiter for _, m, _ in configs if m != "gd"})
    S.text(f"The batch of starts below runs these {len(configs)} methods and a sixth: "
           "heavy-ball momentum with GD's step η = 0.001 and β = 0.9 (each step adds 0.9 × "
           "the previous one, an average over about 1/(1 − β) = 10 steps), labelled "
           f"‘momentum η = 0.001, β = 0.9’.  In this batch GD and momentum may run "
           f"{gd_max_text} iterations, the others their default "
           f"{' or '.join(str(d) for d in defaults)}.")
    study = many_starts(obj, methods, box=box, starts=n, seed=0, critical_points=cps)
    starts_body(S.b, S.section, study, f_star_how="the value at the minimum (1, 1) (exact)",
                label="rosenbrock ecdf", numbering=critical_numbering(cps))
    why = divergence_curvature_text(
        obj, study, "momentum η = 0.001, β = 0.9", 1e-3, 0.9,
        where=f"; Rosenbrock's curvature along x, ∂²f/∂x² = {curvature_text(obj, 0)} (the "
              "Hessian's (1, 1) entry, which drives λ_max), grows away from the valley, and "
              "the first steps −η∇f from a steep start are long")
    if why:
        S.text(why)
    rows = len(plots.rate_study_groups(studies))
    cg = run_name("cg")
    cg_rho = studies[cg].prediction.rate
    kappa = float(lam[-1] / lam[0])
    # sentences of their own: inside the parentheses of "Dashed: …" they nested three deep
    # (study p. 38)
    cg_text = ("" if cg_rho is None else
               f"  {cg}'s ρ = (√κ − 1)/(√κ + 1) = {fmt_rate(cg_rho)}, κ ≈ "
               f"{fmt_num(kappa, 4)} the condition number of ∇²f(1, 1), is the bound of "
               "linear CG on the quadratic with that Hessian, whose error in the ∇²f-norm "
               "shrinks at least like 2ρᵏ (Nocedal & Wright, Eq. 5.36).  For the nonlinear "
               "CG run here it is "
               "no theorem, only a bound to hold it to near (1, 1), where f is close to that "
               "quadratic, not a rate to expect there: linear CG on a quadratic in "
               f"{lam.size} variables ends within {lam.size} steps in exact arithmetic "
               "(Nocedal & Wright, Thm. 5.1), so a run near the minimizer can be far faster.")
    floor_text = floor_cut_text({k: plots.study_errors(v) for k, v in studies.items()},
                                ends=True,
                                floors={k: plots.study_floor(v) for k, v in studies.items()},
                                refs={k: plots.study_reference(v) for k, v in studies.items()})
    # the caption gives every run's iterations and where each curve cut at the floor ends
    # (floor_cut_text, ends=True): the row titles need not repeat them
    panels = plots.rate_studies_panels(studies)
    # the steps the ratio panel draws of each run: over its fit window, a run with none
    # over all its steps above the rounding floor, or over the window its kind was read on
    # when nothing was fitted (study p. 38 did not say)
    span = panels_span_text(panels)
    S.figure(lambda fig: plots.plot_rate_studies(
        studies, title="Error ‖xₖ − (1, 1)‖ against iteration", ends_said=True, fig=fig),
        # rows a little lower than elsewhere: the long caption and the theory table after
        # it share the figure's page
        HALF if rows == 1 else plots.error_rows_height(rows, each=185.0),
        "Errors of the rate-study runs (log scale, linear iteration axes"
        + ("; runs of very different lengths in separate rows" if rows > 1 else "")
        + ").  These are separate runs from the paths above, with no gradient tolerance "
        "(gtol = 0): each runs until a stopping test of its method ends it, or to the "
        "iteration limit the automatic budget sets (at most the automatic iteration cap, "
        f"{spaced(auto_cap(obj.n))}).  Iterations and what stopped each run: "
        + _stops_text({k: v.result for k, v in studies.items()}, auto_cap(obj.n))
        + "." + floor_text + "  "
        "Dashed: theory's rate where it gives one (drawn at least ×10 above on the left, under "
        f"the markers on the right).{cg_text}  Right: the ratio e_(k+1)/e_k per step "
        # no "unfilled markers": BFGS's and L-BFGS's crosses, white inside, read solid at
        # 3 pt (study p. 38)
        "(each run's legend marker, drawn small; a long run is thinned to its first steps, "
        "its extremes and evenly "
        f"spaced steps, and a marker that would overlap one already drawn is left out){span}."
        + hidden_above_text(studies, panels)
        + multiples_text(panels)
        + window_cut_text(studies, rule=not floor_text),
        "rosenbrock errors")
    reason = exact_floor_text([plots.study_reference(v) for v in studies.values()])
    S.theory_table(floor_said=reason is not None and reason in floor_text)
    S.checks_table(since)


# ============================================================================ 9. chains


def _chain_panels_text(studies: list[Any]) -> str:
    """Which activations each panel of the split chain figure shows (empty: one panel)."""
    groups = plots.chain_panels(studies)
    if len(groups) < 2:
        return ""
    names = [" and ".join(studies[i].activation for i in g) for g in groups]

    def span(which: Sequence[int]) -> float:
        logs = [r.log10_abs_derivative for i in which for r in studies[i].rows
                if math.isfinite(r.log10_abs_derivative)]
        return max(logs) - min(logs) if logs else 0.0

    return (f"  {names[0]} span {fmt_num(span(groups[0]), 2)} decades, {names[1]} "
            f"{fmt_num(span(groups[1]), 2)}: on one axis of all "
            f"{fmt_num(span(range(len(studies))), 2)} decades the first would be flattened "
            f"into a band at its top, so each has its own log axis (left {names[0]}, right "
            f"{names[1]}).")


def _chain_numeric_note(depths: Sequence[int]) -> str:
    """The tolerance of the numeric (floating-point) chain-rule products of the chain table:
    checked against exact derivatives to :data:`CHAIN_RTOL` where SymPy gives one, and a
    product of d factors each rounded once beyond (relative error about d·ε)."""
    from landscape.vanishing import SYMBOLIC_MAX_DEPTH

    deep = [d for d in depths if d > SYMBOLIC_MAX_DEPTH]
    eps = float(np.finfo(float).eps)
    return (f"Numeric entries: the floating-point chain-rule product.  At depths ≤ "
            f"{SYMBOLIC_MAX_DEPTH} it agrees with the exact derivative to "
            f"{fmt_num(CHAIN_RTOL, 2)} relative (checks below); at depths "
            f"{deep[0]}–{deep[-1]} no exact derivative is formed, and a product of d rounded "
            f"factors is good to about d·ε ≤ {fmt_num(deep[-1] * eps, 2)} relative.")


#: The depths of the chain section: every d from 1 to 50, so that its lines are drawn
#: through every layer (not corners between d = 10, 15, 20, 30 …).
CHAIN_DEPTHS = tuple(range(1, 51))

#: Relative tolerance of the chain-rule product against the exact SymPy derivative (and of
#: the bound): rounding of a product of ≤ 50 factors stays far below it.
CHAIN_RTOL = 1e-12


def section_chain(S: Study) -> None:
    """The derivative of activation chains against depth."""
    from landscape.vanishing import SUP_DERIVATIVE, SYMBOLIC_MAX_DEPTH, chain_study

    S.start("Deep chains of activations: the derivative vanishes with depth")
    depths = CHAIN_DEPTHS
    at = 1.0  # the input x at which every chain is evaluated
    studies = [chain_study(a, depths=depths, weight=1, x=at) for a in ("tanh", "sigmoid",
                                                                     "relu")]
    tanh = {r.depth: abs(r.derivative) for r in studies[0].rows}
    d1, d2 = 20, depths[-1]
    slope = math.log(tanh[d2] / tanh[d1]) / math.log(d2 / d1)
    S.text("A deep network multiplies one derivative per layer (chain rule): for "
           "h_d = a(w·h_(d−1)) with h₀ = x, dh_d/dx = Π w·a′(w·h_(k−1)), the product over the "
           "layers k = 1, …, d.  With |w|·sup|a′| < 1 "
           "the product shrinks geometrically: sigmoid (sup sigmoid′ = 1/4) loses a factor ≥ 4 "
           "per layer.  tanh has sup tanh′ = 1 (at 0), so its bound is 1 and promises nothing: "
           "here h_d = tanh(h_(d−1)) creeps towards 0 (h_d² ≈ 3/(2d)), each factor "
           "1 − h_d² ≈ 1 − 3/(2d) tends to 1, and the product shrinks only polynomially, "
           "like d^(−3/2), not geometrically.  The slope of log|dh_d/dx| against log d from "
           f"d = {d1} to {d2} is {fmt_num(slope, 3)}; it describes, it does not test: −3/2 "
           "is the slope as d → ∞, where h_d² ≈ 3/(2d) holds, and at "
           f"d ≤ {d2} the measured slope is still {'short of' if slope > -1.5 else 'past'} "
           "it.  relu "
           "passes derivative 1 where it is active.  Exact SymPy "
           f"derivatives (depths 1–{SYMBOLIC_MAX_DEPTH}) and the numeric chain-rule product "
           "are compared below (w = 1, x = 1).")
    since = len(S.checks)
    shared: dict[float, list[str]] = {}
    for st in studies:
        shared.setdefault(float(st.rows[-1].bound), []).append(st.activation)
    same = [names for names in shared.values() if len(names) > 1]
    attained = [st.activation for st in studies
                if all(abs(r.derivative) >= r.bound * (1 - 1e-12) for r in st.rows)]
    S.figure(lambda fig: plots.plot_chain_depth(studies, fig=fig), FULL,
             "|dh_d/dx| against depth (log scale): lines are the numeric chain rule, open "
             "markers the exact SymPy derivative, dotted lines (drawn on top) the bound "
             "(|w|·sup|a′|)^d"
             + "".join(f"; {' and '.join(n)} have the same bound, one black dotted line"
                       for n in same)
             + ("" if not attained else f"; {' and '.join(attained)} "
                f"{'attains' if len(attained) == 1 else 'attain'} the bound at every depth "
                "(its line shows through the dots)") + "." + _chain_panels_text(studies),
             "chains")
    rows = []
    for st in studies:
        exact = [(r.depth, float(r.derivative_exact), r.derivative) for r in st.rows
                 if r.derivative_exact is not None]
        worst = max(abs(n - e) / abs(e) if e else abs(n) for _, e, n in exact)
        deepest = max(d for d, _, _ in exact)
        S.statement_check(f"{st.activation}: chain-rule product vs exact SymPy derivative "
                          f"at x = {at:g} (depths ≤ {deepest})", "equal up to rounding",
                          "worst relative error "
                          + S.value(st.activation, "worst relative error", worst, "numeric", 2),
                          worst <= CHAIN_RTOL, "floating-point product vs exact evaluation",
                          rel=worst, rtol=CHAIN_RTOL)
        within = all(abs(r.derivative) <= r.bound * (1 + CHAIN_RTOL) for r in st.rows)
        S.statement_check(f"{st.activation}: |dh_d/dx| ≤ (|w|·sup|a′|)^d at x = {at:g}",
                          f"bound with sup|a′| = {SUP_DERIVATIVE[st.activation]:g}; h_d = "
                          "a(w·h_(d−1)), the output of layer d; h₀ = x; weight w = 1",
                          "holds at every depth" if within else "violated", within,
                          test="largest |dh_d/dx|/bound "
                          + S.value(st.activation, "largest |dh_d/dx|/bound",
                                    max(abs(r.derivative) / r.bound for r in st.rows),
                                    "numeric", 4) + " "
                          f"{'≤' if within else '>'} 1 + {fmt_num(CHAIN_RTOL, 2)}")
        by_depth = {r.depth: r for r in st.rows}
        rows.append([st.activation] + [
            S.value(st.activation, f"derivative at depth {d}", by_depth[d].derivative,
                    "exact" if by_depth[d].derivative_exact is not None else "numeric", 3,
                    zeros=True)
            for d in (1, 5, 10, 20, 50)])
    S.doc.table(["activation", Column("d = 1", "r"), Column("d = 5", "r"),
                 Column("d = 10", "r"), Column("d = 20", "r"), Column("d = 50", "r")], rows,
                title=f"dh_d/dx at x = {at:g}, w = 1",
                notes=[legend_text(["exact", "numeric"]), _chain_numeric_note(depths)])
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
    pure = S.rate(f"pure {run_name('newton')}", obj, "newton", [x0], line_search="none",
                  modification="none", box=box, critical_points=cps)
    free = S.rate(f"saddle-free {run_name('newton')}", obj, "newton", [x0],
                  line_search="none",
                  modification="saddle-free", box=box, critical_points=cps)
    S.figure(lambda fig: plots.plot_curve_1d(
        obj, {"pure Newton": pure.result.path[:, 0],
              "saddle-free Newton": free.result.path[:, 0]},
        xlim=(-2, 10), numbered=5, zoom=False, title=f"Newton from x₀ = {x0:g}", fig=fig),
        HALF,
        f"Pure Newton ends at x = {mark(fmt_num(pure.result.x[0]), 'measured')}; "
        f"saddle-free Newton at x = {mark(fmt_num(free.result.x[0]), 'measured')} "
        "(maximum or minimum: the last table of this "
        "section; how fast each converges: the table below).  The paths are the "
        "rate-study runs, without a gradient tolerance: each runs on past the rounding floor "
        f"(up to {FLOOR_MARGIN} steps, to show it stays there): "
        f"{floor_run_text('pure Newton', pure)}; {floor_run_text('saddle-free Newton', free)} "
        "(the step counts in the legend).",
        "newton nonconvex", half=True)

    def end_kind(st: Any) -> str:
        x = st.result.x
        near = min(cps, key=lambda cp: abs(cp.point[0] - x[0]))
        return near.kind if abs(near.point[0] - x[0]) < 1e-6 else "no critical point"

    def end_test(st: Any) -> str:
        """|x_K − x_c| to the nearest critical point against 10⁻⁶, and that point's kind."""
        x = st.result.x
        d = min(abs(cp.point[0] - x[0]) for cp in cps)
        return (f"distance to the nearest critical point "
                f"{bound_decided(d, 1e-6, d < 1e-6, strict=True, digits=2)}"
                + (f"; it is a {end_kind(st)}" if d < 1e-6 else ""))

    S.statement_check("pure Newton from a point with f″ < 0",
                      "ascent step: converges to a maximum",
                      "ended at x = " + S.value("pure Newton", "end point",
                                                float(pure.result.x[0]), "measured")
                      + f": {end_kind(pure)}",
                      end_kind(pure) == "maximum", test=end_test(pure))
    S.statement_check("saddle-free Newton from the same point",
                      "descent step: converges to a minimum",
                      "ended at x = " + S.value("saddle-free Newton", "end point",
                                                float(free.result.x[0]), "measured")
                      + f": {end_kind(free)}",
                      end_kind(free) == "minimum", test=end_test(free))
    import sympy as sp

    x_ = obj.variables[0]
    for name, st in (("pure Newton", pure), ("saddle-free Newton", free)):
        xe = float(st.result.x[0])
        f2, f3 = (float(sp.diff(obj.expr, x_, m).subs(x_, xe)) for m in (2, 3))
        ks, r2 = plots.error_ratios(plots.study_errors(st), 2.0, plots.study_floor(st))
        if ks.size:
            e_k = float(plots.study_errors(st)[ks[-1]])
            S.numeric_check(f"{name}: e_(k+1)/e_k² at its last step clear of rounding "
                            f"(k = {int(ks[-1])}) vs |f‴/(2f″)| at x = {fmt_num(xe, 4)}",
                            abs(f3 / (2 * f2)), float(r2[-1]), rtol=0.01, digits=4,
                            reason=f"e_(k+1) = |f‴/(2f″)|·e_k²·(1 + O(e_k)), e_k = "
                            f"{fmt_num(e_k, 2)} here (f″ = {fmt_num(f2, 4)}, f‴ = "
                            f"{fmt_num(f3, 4)}, exact SymPy derivatives); within 1%")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 12. convexity


def chord_gaps(f: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Largest gaps between the graph and its chords on a grid x₀ < … < x_(n−1).

    For every pair i < j and grid point m between them, the chord value is
    ℓ_ij(x_m) = f_i + (f_j − f_i)(x_m − x_i)/(x_j − x_i).  Returns
    (max (f_m − ℓ_ij(x_m)), max (ℓ_ij(x_m) − f_m)): the first is ≤ 0 for a convex f (no
    chord below the graph), the second ≤ 0 for a concave one.
    """
    i, m, j = np.meshgrid(np.arange(x.size), np.arange(x.size), np.arange(x.size),
                          indexing="ij")
    ok = (i < m) & (m < j)
    i, m, j = i[ok], m[ok], j[ok]
    chord = f[i] + (f[j] - f[i]) * (x[m] - x[i]) / (x[j] - x[i])
    return float(np.max(f[m] - chord)), float(np.max(chord - f[m]))


#: a convexity verdict (:class:`landscape.convexity.Convexity`) in words, where its
#: code word is not one
CONVEXITY_WORDS = {"nonconvex": "not convex", "unknown": "undecided"}


def convexity_words(verdict: str) -> str:
    """A convexity verdict in words (:data:`CONVEXITY_WORDS`): ``nonconvex`` → ``not
    convex``."""
    return CONVEXITY_WORDS.get(verdict, verdict)


#: significant digits of a largest chord gap, the same in its measured cell and its test
GAP_DIGITS = 3


def section_convexity(S: Study) -> None:
    """Convexity by chords: x², cos x and eˣ."""
    S.start("Convexity: chords above the graph")
    S.text("A function is convex on an interval when every chord lies on or above its graph: "
           "f(αa + (1 − α)b) ≤ αf(a) + (1 − α)f(b) for all a, b and α ∈ [0, 1] (Boyd & "
           "Vandenberghe, Convex Optimization (2004), §3.1.1); for twice differentiable f this "
           "is f″ ≥ 0 (§3.1.4).  The notes draw chords on three graphs: the parabola x² and "
           "eˣ are convex (f″ = 2 and eˣ > 0), cos x on [−π, π] is not (f″ = −cos x < 0 "
           "near 0): there the graph rises above the chord.  Below, the exact verdict of the "
           "symbolic convexity analysis is set against a brute-force test: every chord between "
           "two grid points, at every grid point between them.")
    since = len(S.checks)
    n = 61 if S.quick else 121
    cases = [("x**2", (-2.0, 2.0), [(-2.0, 1.0), (-1.5, 0.5)], "x²", "[−2, 2]"),
             ("cos(x)", (-math.pi, math.pi), [(-3.0, 0.3), (1.0, 3.1)], "cos x", "[−π, π]"),
             ("exp(x)", (-2.0, 2.0), [(-2.0, 2.0), (-1.0, 1.5)], "eˣ", "[−2, 2]")]
    panels = []
    for text, (lo, hi), chords, name, where in cases:
        obj = _parse(text)
        x = np.linspace(lo, hi, n)
        f = np.array([obj.value([v]) for v in x])
        conv = obj.convexity(box=[(lo, hi)])
        above, below = chord_gaps(f, x)
        # rounding allowance: 1e−12 of the largest |f| on the grid (at least 1e−12)
        tol = 1e-12 * max(1.0, float(np.max(np.abs(f))))
        chord_convex = above <= tol
        # the interval under the axis, so that every title fits a third of the width on one
        # line ("cos x on [−π, π]: not convex" wrapped to two lines beside titles of one)
        panels.append({"title": f"{name}: {convexity_words(conv.verdict)}",
                       "xlabel": f"x ∈ {where}", "x": x, "f": f,
                       "chords": chords})
        S.statement_check(
            f"{name}: convex on {where}?",
            f"{convexity_words(conv.verdict)} ({conv.method} analysis)",
            f"largest graph-above-chord gap on a {n}-point grid: "
            + S.value(name, "largest graph-above-chord gap", above, "numeric", GAP_DIGITS),
            (conv.verdict == "convex") == chord_convex,
            "convex ⇔ no chord below the graph" + _closest_chord_text(obj, x, above),
            test="gap " + bound_decided(above, tol, chord_convex, digits=GAP_DIGITS,
                                        bound_digits=2)
            + " = 1e−12·max(1, max|f|)" + (": convex" if chord_convex else ": not convex"))
        if text == "x**2":
            S.numeric_check("x²: largest chord-above-graph gap, (b − a)²/4 at α = ½",
                            (hi - lo) ** 2 / 4, below, rtol=1e-9, how_p="exact", how_m="numeric",
                            reason="αf(a) + (1 − α)f(b) − f(αa + (1 − α)b) = α(1 − α)(b − a)² "
                            "for f = x²; the grid holds the midpoint")
        elif text == "cos(x)":
            S.numeric_check("cos x: largest graph-above-chord gap, max f − min f = 2",
                            2.0, above, rtol=1e-9, how_p="exact", how_m="numeric",
                            reason="chord from −π to π at height −1, graph at 0 is 1; no gap "
                            "can exceed max f − min f")
        else:
            slope = (math.exp(hi) - math.exp(lo)) / (hi - lo)
            xs = math.log(slope)
            exact = math.exp(lo) + slope * (xs - lo) - slope
            S.numeric_check("eˣ: largest chord-above-graph gap (chord over the whole interval)",
                            exact, below, rtol=2e-3, how_p="exact", how_m="numeric",
                            reason="attained at x = ln s, s the chord's slope; the grid "
                            "misses that point by at most half a cell")
    S.figure(lambda fig: plots_lecture.plot_chords(panels, fig=fig), 230.0,
             f"Two chords ({plots.colour_word(plots_lecture.CHORD_COLOUR)}) between points "
             "of each graph: the first solid, the second dashed, to tell them apart.  "
             "Green: where the graph of cos x "
             "rises above a chord — the witness that cos x is not convex on [−π, π]; near "
             "±π, where cos is convex (f″ > 0), the same chords lie above the graph.  The "
             "chords of x² and eˣ stay above their graphs everywhere.", "convexity chords")
    S.checks_table(since)


def _closest_chord_text(obj: Any, x: np.ndarray, above: float) -> str:
    """Why the largest graph-above-chord gap on the grid ``x`` is negative, when it is: the
    graph lies below every chord and the chords over two grid steps h come nearest. Such a
    chord, centred at the grid point m, lies above the graph at m by
    (f(m − h) + f(m + h))/2 − f(m) ≈ h²·f″(m)/2 (Taylor), so the nearest is centred where f″
    is least among the grid's inner points; the estimate is taken there (not at the interval's
    end, which is no chord's midpoint), in one plain clause: "… come nearest: the one centred
    at m = −1.97, where f″ is least, lies about h²·f″(m)/2 = 7.77e−05 above the graph".
    Empty when the gap is not negative."""
    if above >= 0:
        return ""
    h = float(x[1] - x[0])
    mids = x[1:-1]
    curv = np.array([float(obj.hess([v])[0, 0]) for v in mids])
    i = int(np.argmin(curv))
    est = fmt_num(h * h * curv[i] / 2, 3)
    head = (f"; the gap {fmt_num(above, GAP_DIGITS)} is negative: the graph lies below every "
            f"chord, and the chords over two grid steps h = {fmt_num(h, 3)} come nearest")
    if np.ptp(curv) <= 1e-12 * max(1.0, float(np.max(np.abs(curv)))):
        return f"{head}, by about h²·f″/2 = {est} (f″ = {fmt_num(curv[i], 3)} throughout)"
    return (f"{head}: the one centred at m = {fmt_num(float(mids[i]), 3)}, where f″ is "
            f"least, lies about h²·f″(m)/2 = {est} above the graph")


# ============================================================================ 13. surfaces


def _fd_hessian(obj: Any, x: Sequence[float], h: float = 1e-5) -> np.ndarray:
    """Central differences of the compiled gradient: H_ij ≈ (g_i(x + h e_j) − g_i(x − h e_j))/2h."""
    x = np.asarray(x, float)
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((obj.grad(x + e) - obj.grad(x - e)) / (2 * h))
    H = np.column_stack(cols)
    return (H + H.T) / 2


def section_surfaces(S: Study) -> None:
    """3-D surfaces of the saddle x² − y² and of x³, with a GD path on the saddle."""
    S.start("Saddles in 3-D: x² − y² and x³")
    eta, x0, steps = 0.1, [1.4, 0.02], 22
    path_label = f"{run_name('gd', f'η = {eta:g}')}, {steps} steps from {fmt_point(x0)}"
    saddle = _parse("x**2 - y**2")
    cubic = _parse("x**3", variables=["x", "y"])  # the surface drawn: z = x³ over (x, y)
    S.text("A critical point (∇f = 0) is a saddle when f decreases along some directions and "
           "increases along others.  For x² − y² the Hessian diag(2, −2) has one positive and "
           "one negative eigenvalue: a nondegenerate saddle (second-order test, Nocedal & "
           "Wright, Numerical Optimization (2006), Thm 2.3–2.4).  For x³ the first and second "
           "derivatives vanish at 0 (f″(0) = 0): the Hessian test is silent and the third "
           "derivative f‴ = 6 ≠ 0 decides — an odd-order first nonzero derivative means f "
           "changes sign, a degenerate saddle.  The notes draw x³ as a curve; here it is the "
           "surface z = x³ over (x, y), flat along y.  On the saddle, the orange path (a solid "
           "line, a dot at each iterate) is "
           f"{path_label}: it slides down towards the saddle, then leaves "
           "along y, where f = −y² falls.")
    since = len(S.checks)
    run = _run(saddle, x0, "gd", lr=eta, steps=steps)
    p = run.path
    g = np.linspace(-1.5, 1.5, 31 if S.quick else 41)
    X, Y = np.meshgrid(g, g)
    panels = [
        {"title": "f = x² − y² with a GD path", "X": X, "Y": Y, "Z": X**2 - Y**2,
         "path": np.column_stack([p, p[:, 0] ** 2 - p[:, 1] ** 2]),
         "path_label": path_label, "azim": 60, "elev": 35,  # seen from the escape's side:
         "points": [(0.0, 0.0, 0.0, "saddle")]},            # the fall along y faces us
        {"title": "f = x³ over (x, y)", "X": X, "Y": Y, "Z": X**3, "azim": -120,
         "points": [(0.0, 0.0, 0.0, "saddle")]},
    ]
    S.figure(lambda fig: plots_lecture.plot_surfaces(panels, fig=fig), 260.0,
             "Left: the saddle x² − y² (up along x, down along y) and GD's path on it.  "
             "Dashed: the path's shadow on the contour plane.  Right: f = x³, whose critical "
             "points (0, y) are degenerate saddles; contours below each surface.", "surfaces")
    for obj, name, at in ((saddle, "x² − y²", [0.0, 0.0]),
                          (cubic, "x³ over (x, y)", [0.0, 0.0])):
        box = [(-1.5, 1.5)] * len(at)
        cp = min(obj.critical_points(box=box), key=lambda c: float(np.linalg.norm(
            np.asarray(c.point) - at)))
        fd = np.sort(np.linalg.eigvalsh(_fd_hessian(obj, at)))
        ex = np.sort(np.asarray(cp.eigenvalues, float))
        S.statement_check(
            f"{name}: Hessian eigenvalues at 0",
            "(" + ", ".join(S.value(name, f"eigenvalue {i} exact", v, "exact")
                            for i, v in enumerate(ex)) + ")",
            "(" + ", ".join(S.value(name, f"eigenvalue {i} finite differences", v, "numeric")
                            for i, v in enumerate(fd)) + ") by finite differences",
            bool(np.allclose(ex, fd, atol=1e-6)), "each Hessian column is the difference of "
            "the gradient at 0 ± h along one axis, divided by 2h, with h = 10⁻⁵",
            test=f"max |Δλ| {fmt_num(float(np.max(np.abs(ex - fd))), 2)} "
            f"{'≤' if np.allclose(ex, fd, atol=1e-6) else '>'} 1e−06 + 1e−05·|λ|")
        expected = "nondegenerate saddle" if name == "x² − y²" else "degenerate saddle"
        got = ("degenerate " if cp.degenerate else "nondegenerate ") + cp.kind
        S.statement_check(f"{name}: kind of the critical point 0", expected,
                          f"{got} ({kind_test(cp.test)})", got == expected,
                          test=f"{kind_test(cp.test)}: "
                          + ("the kind predicted" if got == expected else "another kind"))
    S.checks_table(since)


# ============================================================================ 14. SGD


def section_sgd(S: Study) -> None:
    """SGD: the noise ball, minibatch variance, decaying steps."""
    from analysis import theory
    from optimizers import bind_data, make_regression, minimize_batch

    S.start("SGD: the noise ball, minibatches and decaying steps")
    S.text("Stochastic gradient descent uses an unbiased but noisy gradient: a minibatch mean "
           "or, in the simplest model, the true gradient plus noise σξ, where ξ is a vector "
           "of independent standard normal numbers (mean 0, variance 1), drawn afresh at every "
           "step.  With a constant step "
           "the iterates do not converge: they settle in a ball around the minimum whose size "
           "grows with η.  On f = Σ λᵢxᵢ²/2 each coordinate obeys eₖ₊₁ = (1 − ηλ)eₖ − ησξₖ "
           "(ξₖ: that coordinate's draw at step k), "
           "so the stationary variance solves V = (1 − ηλ)²V + η²σ²: V = ησ²/(λ(2 − ηλ)) "
           "(Bottou, Curtis & Nocedal, SIAM Review 60 (2018), §4.2 for the O(η) bound).")
    since = len(S.checks)
    # --- the noise ball
    obj = _parse("0.5*x1**2 + 2*x2**2")
    lam = np.array([1.0, 4.0])
    eta, sigma = 0.1, 1.0
    R = 4000 if S.quick else 20000  # runs
    steps = 200
    batch = minimize_batch(obj, np.zeros((R, 2)), "sgd", lr=eta, noise=sigma, steps=steps,
                           seed=11)
    var_th = eta * sigma**2 / (lam * (2 - eta * lam))
    var_m = batch.x.var(axis=0, ddof=1)
    tol = STOCHASTIC_SE * math.sqrt(2 / (R - 1))
    S.figure(lambda fig: plots_lecture.plot_noise_ball(
        batch.x, var_th, title=f"SGD η = {eta:g}, σ = {sigma:g}: {R} runs",
        fig=fig), 280.0, f"End points of {R} SGD runs of {steps} steps each, started at the "
        "minimum of 0.5x₁² + 2x₂² with gradient noise σ, drawn as their density: the number "
        f"of end points in each cell of a {plots_lecture.NOISE_BALL_BINS} × "
        f"{plots_lecture.NOISE_BALL_BINS} grid, darker for more (colour bar; white: none).  "
        "A Gaussian cloud whose 1σ and 2σ "
        "ellipses (theory, black) have half-axes √(ησ²/(λᵢ(2 − ηλᵢ))); flatter directions "
        "spread wider.  From the minimum the variance after k steps is "
        + unbroken("V·(1 − (1 − ηλ)²ᵏ)") + ": after the "
        f"{steps} steps it differs from V by a relative "
        f"{fmt_num((1 - eta * lam.min()) ** (2 * steps), 2)} at most: the end points sample "
        "the stationary distribution.", "noise ball", half=True)
    for i in range(2):
        S.numeric_check(f"noise ball, η = {eta:g}: Var(x{'₁₂'[i]}), λ = {lam[i]:g}",
                        float(var_th[i]),
                        float(var_m[i]), rtol=tol, how_p="theory",
                        reason=f"ησ²/(λ(2 − ηλ)), where σ = {sigma:g} is the standard "
                        "deviation of "
                        f"the gradient noise; R = {R} runs: {SE_RULE} "
                        f"({STOCHASTIC_SE}√(2/(R − 1)) = {percent(tol)})")
    # --- minibatch variance
    n_rows = 100
    D, names, _ = make_regression(n_rows, 2, noise=0.5, seed=3)
    from landscape import Objective

    ls = Objective.parse("(w1*x1 + w2*x2 - y)**2/2", variables=["w1", "w2"],
                         data=["x1", "x2", "y"])
    c = bind_data(ls, D, names)
    w0 = np.zeros(2)
    A, yv = D[:, :2], D[:, 2]
    per_sample = (A @ w0 - yv)[:, None] * A  # ∇ of (aᵀw − y)²/2 at w0, one row per sample
    s2 = float(per_sample.var(axis=0).sum())
    sizes = [1, 2, 5, 10, 20, 50, n_rows]
    M = 4000 if S.quick else 20000
    measured, theory_v, sd = [], [], []
    for B in sizes:
        one = minimize_batch(c, np.tile(w0, (M, 1)), "sgd", lr=1.0, batch_size=B, steps=1,
                             seed=7)
        gB = w0 - one.x  # x₁ = x₀ − 1·g_B: the minibatch gradient of each run
        dev = np.sum((gB - gB.mean(axis=0)) ** 2, axis=1)
        measured.append(float(dev.sum() / (M - 1)))
        sd.append(float(dev.std()))  # s_d: the standard error of the mean is s_d/√M
        theory_v.append(theory.minibatch_variance(s2, n_rows, B))
    S.text(f"Minibatch gradients: the least-squares loss ½(w₁x₁ + w₂x₂ − y)² averaged over "
           f"N = {n_rows} samples (synthetic regression data, seed 3).  A minibatch of B rows "
           "drawn without replacement (as minibatch SGD draws them, a fresh permutation per "
           "epoch) gives a gradient g_B whose variance Var — the trace of its covariance, "
           "E‖g_B − ∇f‖², summed over the coordinates — is s²(N − B)/(B(N − 1)), s² the "
           "variance of the per-sample gradients at w with divisor N (Cochran, Sampling "
           "Techniques (1977), Thm 2.2, writes it with S², divisor N − 1: S²(N − B)/(BN)): "
           "∝ 1/B for small batches, exactly 0 for the full batch.  Measured over "
           f"{M} one-step runs with η = 1 at w = 0 (the step is the minibatch gradient).")
    S.figure(lambda fig: plots_lecture.plot_minibatch_variance(
        sizes, measured, theory_v, n_rows, fig=fig), 280.0,
        "Variance (trace) of the minibatch gradient against B: measured (markers), theory "
        "with the finite-population correction (black) and the i.i.d. law s²/B (dotted), "
        f"which overstates it as B approaches N.  At B = N = {n_rows} the variance is "
        f"exactly 0 (measured {fmt_num(measured[-1], 2)}, rounding), which a log axis "
        "cannot show.", "minibatch variance", half=True)
    small = [i for i, B in enumerate(sizes) if B < n_rows]
    Bs = np.array([sizes[i] for i in small], float)
    corrected = np.array([measured[i] * (n_rows - 1) / (n_rows - sizes[i]) for i in small])
    slope = float(np.polyfit(np.log(Bs), np.log(corrected), 1)[0])
    # the slope's standard error: each log-variance carries the relative standard error
    # s_d/(√M·V) of its mean, propagated through the least-squares weights
    lb = np.log(Bs)
    wts = (lb - lb.mean()) / np.sum((lb - lb.mean()) ** 2)
    rse = np.array([sd[i] / (math.sqrt(M) * measured[i]) for i in small])
    slope_se = float(np.sqrt(np.sum(wts**2 * rse**2)))
    S.numeric_check("slope of log(Var·(N − 1)/(N − B)) against log B", -1.0, slope,
                    rtol=STOCHASTIC_SE * as_printed(slope_se, SE_DIGITS), how_p="theory",
                    how_m="fit", digits=3,
                    reason=f"least squares over B = {', '.join(str(int(b)) for b in Bs)}; "
                    f"{SE_RULE} of the slope "
                    f"({STOCHASTIC_SE}·{fmt(slope_se, SE_DIGITS)}), its "
                    "standard error from each variance's s_d/(√M·V) (V the measured variance "
                    f"at B, s_d the standard deviation of the M = {M} runs' ‖g_B − ḡ_B‖², ḡ_B "
                    "their mean gradient) through the least-squares weights, the batch sizes "
                    "taken as independent")
    i10 = sizes.index(10)
    # the measured variance is the mean of the runs' squared deviations ‖g_B − ḡ_B‖²: its
    # standard error is s_d/√M, s_d their standard deviation
    sd10 = sd[i10]
    # computed from s_d and V as the note prints them, so that it reproduces from them
    tol_b = STOCHASTIC_SE * as_printed(sd10, 3) / (math.sqrt(M) * as_printed(theory_v[i10], 4))
    # s² to as many digits as V's printed digits need to come back from it (study p. 31 gave
    # V = 0.96344 from an s² printed nowhere)
    v_digits = diff_digits(theory_v[i10], measured[i10], 4)  # as numeric_check prints V
    s2_digits = next(d for d in range(v_digits, 18) if as_printed(theory.minibatch_variance(
        as_printed(s2, d), n_rows, 10), v_digits) == as_printed(theory_v[i10], v_digits))
    S.numeric_check("Var (trace of the covariance) of the minibatch gradient at B = 10",
                    theory_v[i10], measured[i10],
                    rtol=tol_b, how_p="theory",
                    reason=f"V = s²(N − B)/(B(N − 1)), s² = {fmt(s2, s2_digits)}, the variance "
                    f"of the per-sample gradients, N = {n_rows} samples; M = {M} runs: {SE_RULE} "
                    f"({STOCHASTIC_SE}·s_d/(√M·V) = {STOCHASTIC_SE}·{fmt(sd10, 3)}/"
                    f"(√{M}·{fmt(theory_v[i10], 4)}) = {percent(tol_b)}, s_d the "
                    "standard deviation of the runs' ‖g_B − ḡ_B‖², ḡ_B the mean of the M "
                    "minibatch gradients)")
    S.numeric_check(f"Var of the gradient at B = N = {n_rows}", 0.0, measured[-1],
                    rtol=0.0, abs_tol=1e-20, how_p="theory",
                    reason="every minibatch is the whole data set")
    # --- decaying steps
    L_, x0, K = 1.0, 2.0, 2000
    R = 1000 if S.quick else 2000
    a0, gam = 0.5, 0.25
    lrs_dec = a0 / (1 + gam * np.arange(K))
    one_d = _parse("x**2/2")
    runs = {}
    for seed, (lab, h) in enumerate(((f"constant η = {eta:g}", {"lr": eta}),
                                     # γ as 1/(1/γ): "ηₖ = 0.5/(1 + 0.25k)" wider than
                                     # its ratio panel broke as "ηₖ =" / "0.5/(1 + 0.25k)"
                                     (f"η_k = {a0:g}/(1 + k/{1 / gam:g})",
                                      {"lr": a0, "schedule": "inverse_time", "gamma": gam}))):
        runs[lab] = minimize_batch(one_d, np.full((R, 1), x0), "sgd", noise=sigma, steps=K,
                                   seed=5 + seed, record=True, **h)
    labels = list(runs)
    stride = int(runs[labels[0]].path_stride)
    ks = np.arange(runs[labels[0]].path.shape[1]) * stride
    ms = {lab: np.mean(r.path[:, :, 0] ** 2, axis=0) for lab, r in runs.items()}
    exact = {labels[0]: theory.sgd_mean_square_path(np.full(K, eta), L_, sigma, x0),
             labels[1]: theory.sgd_mean_square_path(lrs_dec, L_, sigma, x0)}
    keep = ks >= 1
    z = max_excursion({k: v[keep] for k, v in ms.items()},
                      {k: v[ks[keep]] for k, v in exact.items()}, R)
    S.text("Decaying steps: with ηₖ = η₀/(1 + γk) the sums Σηₖ = ∞ (the iterates can travel "
           "any distance) and Σηₖ² < ∞ (the injected noise has finite total variance) — the "
           "Robbins–Monro conditions of the notes — and E(xₖ − x*)² → 0 like "
           "a²σ²/((2aL − 1)k) with a = η₀/γ when 2aL > 1, while a constant step stalls at "
           f"the noise floor ησ²/(L(2 − ηL)); here f = x²/2, so L = {L_:g}.  The lines "
           "below are the exact expected values (the recursion vₖ₊₁ = (1 − ηₖL)²vₖ + "
           "ηₖ²σ² for vₖ = E(xₖ − x*)²), not fits.")
    # the constant step's floor: theory, and one time average per run over the last half
    # (its steps are correlated), then mean ± SE over the runs; both print with the digits
    # of their check, wherever the section names them
    late = runs[labels[0]].path[:, ks >= K // 2, 0]
    floor_m, floor_se = _mean_se(np.mean(late**2, axis=1))
    floor_th = float(exact[labels[0]][-1])
    floor_digits = diff_digits(floor_th, floor_m)
    S.figure(lambda fig: plots_lecture.plot_decay_vs_constant(
        ks[keep], {k: v[keep] for k, v in ms.items()},
        {k: v[ks[keep]] for k, v in exact.items()}, runs=R,
        title=f"SGD on x²/2 from x₀ = {x0:g}, σ = {sigma:g}, mean over {R} runs", fig=fig),
        FULL, "Left: mean-square error against iteration (log–log), theory as lines and the "
        "mean over the runs as open markers on top (at log-spaced k).  The constant step "
        f"reaches its floor {fmt_num(floor_th, floor_digits)} after a few "
        "dozen steps and stays there; the decaying step keeps going down like 1/k.  Right: "
        "measured/theory at every recorded step, one panel per schedule (same axes), with "
        "the band of two standard errors of one step's mean (±2√(2/R)); neighbouring steps "
        "are correlated, so over a thousand steps "
        f"excursions beyond two are expected: the largest here is {fmt_num(z, 2)} standard "
        "errors.", "sgd decay")
    # the final squared errors of the R independent runs: mean ± standard error
    final = {lab: _mean_se(r.x[:, 0] ** 2) for lab, r in runs.items()}
    S.numeric_check(f"constant step η = {eta:g}: E(x_k − x*)² over k = {K // 2}…{K} "
                    "(noise floor)", floor_th, floor_m, rtol=se_tolerance(floor_se, floor_th),
                    reason=f"floor ησ²/(L(2 − ηL)) on x²/2 (L = {L_:g}), σ = {sigma:g}; "
                    f"measured {_pm(floor_m, floor_se, digits=floor_digits)} (mean "
                    f"± standard error over {R} runs of each run's average over the last "
                    f"{K - K // 2 + 1} steps); agree within {SE_RULE}")
    dec_th = float(exact[labels[1]][-1])
    dec_m, dec_se = final[labels[1]]
    S.numeric_check(f"decaying step η_k = η₀/(1 + γk), η₀ = {a0:g}, γ = {gam:g}: "
                    f"E(x_K − x*)² at the last step K = {K}", dec_th, dec_m,
                    rtol=se_tolerance(dec_se, dec_th), how_p="numeric",
                    reason=f"exact recursion (asymptote a²σ²/((2aL − 1)K) = "
                    f"{fmt_num((a0 / gam) ** 2 / (2 * a0 / gam - 1) / K, 3)}, a = η₀/γ = "
                    f"{fmt_num(a0 / gam)}, L = {L_:g}, σ = {sigma:g}); measured "
                    f"{_pm(dec_m, dec_se)} over {R} runs; agree within {SE_RULE}")
    const_m, const_se = final[labels[0]]
    z = (const_m - floor_th) / const_se
    below = below_tenth(dec_m, dec_se, const_m, const_se)
    S.statement_check("decaying steps go below the constant step's noise floor by a "
                      "factor > 10",
                      "Σηₖ = ∞, Σηₖ² < ∞ ⇒ E(xₖ − x*)² → 0, far below the floor",
                      f"at k = {K}: {_pm(dec_m, dec_se, 'measured')} against "
                      f"{_pm(const_m, const_se, 'measured')}",
                      below[0],
                      # what the measured values are belongs to the note, not to the
                      # measured cell
                      f"measured: mean ± standard error over {R} runs at the one step k = {K}, "
                      f"where the noise-floor row averages each run over k = {K // 2}…{K} "
                      f"({mark(fmt_num(floor_m, floor_digits), 'measured')}); "
                      f"the constant step's value is {fmt_num(z, 2)} standard errors from its "
                      f"floor {fmt_num(floor_th, floor_digits)}: "
                      + (f"within {STOCHASTIC_SE}, sampling noise" if abs(z) <= STOCHASTIC_SE
                         else f"more than {STOCHASTIC_SE}"),
                      test=f"mean + {STOCHASTIC_SE} standard errors {below[1]} = (constant − "
                      f"{STOCHASTIC_SE} standard errors)/10")
    S.checks_table(since)


# ============================================================================ 15. schedules


#: The schedules drawn and checked, each with the closed form the study checks it against.
_SCHEDULE_CASES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("constant", {}),
    ("step", {"step_size": 25, "gamma": 0.5}),
    ("exponential", {"gamma": 0.97}),
    ("inverse_time", {"gamma": 0.1, "power": 1.0}),
    ("linear", {"tau": 80, "final_lr": 0.005}),
    ("cosine", {"T_max": 100, "eta_min": 0.0}),
    ("cosine", {"T_max": 90, "eta_min": 0.0, "warmup": 10}),
)
#: The noisy SGD runs of the schedule section: their steps and schedules.
_EFFECT_STEPS = 200
_SCHEDULE_EFFECT: tuple[tuple[str, dict[str, Any]], ...] = (
    ("constant", {}),
    ("step", {"step_size": 50, "gamma": 0.3}),
    ("cosine", {"T_max": _EFFECT_STEPS, "eta_min": 0.0}),
    ("cosine", {"T_max": _EFFECT_STEPS - 20, "eta_min": 0.0, "warmup": 20}),
)


def schedule_closed_form(name: str, k: np.ndarray, lr0: float, p: Mapping[str, Any]
                         ) -> np.ndarray:
    """η_k of the textbook schedules (PyTorch's closed forms), vectorised over k:

    step η₀γ^⌊k/s⌋; exponential η₀γᵏ; inverse_time η₀/(1 + γk)^p; linear
    (1 − k/τ)η₀ + (k/τ)η_τ then η_τ; cosine η_min + (η₀ − η_min)(1 + cos(πk/T))/2 then η_min;
    a warm-up of W steps first: η₀(k + 1)/W, the schedule then runs from k − W.
    """
    k = np.asarray(k, float)
    W = int(p.get("warmup", 0))
    j = np.maximum(k - W, 0.0)
    if name == "step":
        out = lr0 * p["gamma"] ** np.floor(j / p["step_size"])
    elif name == "exponential":
        out = lr0 * p["gamma"] ** j
    elif name == "inverse_time":
        out = lr0 / (1 + p["gamma"] * j) ** p["power"]
    elif name == "linear":
        t = np.minimum(j / p["tau"], 1.0)
        out = (1 - t) * lr0 + t * p["final_lr"]
    elif name == "cosine":
        T, lo = p["T_max"], p["eta_min"]
        out = np.where(j < T, lo + (lr0 - lo) * (1 + np.cos(np.pi * np.minimum(j, T) / T)) / 2,
                       lo)
    else:
        out = np.full_like(j, lr0)
    return np.where(k < W, lr0 * (k + 1) / max(W, 1), out)


#: the schedules' parameters (PyTorch's argument names) in the notation of the text: the
#: letters of :data:`analysis.report.HYPER_SYMBOLS` (γ, τ, ηₘᵢₙ) and the formulas' own
SCHEDULE_SYMBOLS = HYPER_SYMBOLS | {"step_size": "s", "power": "p", "final_lr": "final η",
                                    "T_max": "Tₘₐₓ"}

#: the schedules' closed forms in that notation, for the text
SCHEDULE_FORMS = ("step: η₀γ^(⌊k/s⌋) (γ every s steps); exponential: η₀γᵏ; "
                  "inverse time: η₀/(1 + γk)ᵖ; linear: from η₀ to the final η at k = τ, "
                  "then constant; cosine: ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2 up to "
                  "k = Tₘₐₓ; a warm-up of W steps first ramps η₀(k + 1)/W for k < W, then "
                  "the schedule runs on k − W in place of k (cosine: cos(π(k − W)/Tₘₐₓ) for "
                  "k ≥ W)")


def _schedule_form(name: str, p: Mapping[str, Any]) -> str:
    """The closed form of schedule ``name`` as :data:`SCHEDULE_FORMS` states it (with the
    warm-up's when ``p`` has one); ``η = η₀`` for the constant step."""
    parts = SCHEDULE_FORMS.split("; ")
    form = next((t for t in parts if t.startswith(f"{name.replace('_', ' ')}: ")),
                "constant: η = η₀")
    return form + (f"; {parts[-1]}" if p.get("warmup") else "")


def _schedule_label(name: str, p: Mapping[str, Any]) -> str:
    """``step (s = 25, γ = 0.5)``: a schedule with its parameters in the notation of the
    text (:data:`SCHEDULE_SYMBOLS`), warm-up as ``+ warm-up W``."""
    extra = ", ".join(f"{SCHEDULE_SYMBOLS.get(k, k)} = {v:g}" for k, v in p.items()
                      if k != "warmup")
    warm = f" + warm-up {p['warmup']}" if p.get("warmup") else ""
    return f"{name.replace('_', ' ')}{warm}" + (f" ({extra})" if extra else "")


def other_settings_text(drawn: Sequence[tuple[str, Mapping[str, Any]]], steps_drawn: int,
                        runs: Sequence[tuple[str, Mapping[str, Any]]], steps_run: int) -> str:
    """A caption sentence for a drawing of the schedules ``drawn`` over ``steps_drawn`` steps
    when the runs measured after it use other settings: the schedules of ``runs`` not drawn
    (:func:`_schedule_label`) and their number of steps; empty when they are the same."""
    shown = {_schedule_label(n, p) for n, p in drawn}
    other = [_schedule_label(n, p) for n, p in runs if _schedule_label(n, p) not in shown]
    if not other and steps_run == steps_drawn:
        return ""
    if not other:
        return f"  Illustrative settings: the runs below take {steps_run} steps."
    names = other[0] if len(other) == 1 else ", ".join(other[:-1]) + " and " + other[-1]
    return (f"  Illustrative settings: the runs below use {names}, over {steps_run} "
            "steps.")


def section_schedules(S: Study) -> None:
    """Learning-rate schedules and warm-up: the curves, and their effect on noisy SGD."""
    from analysis import theory
    from optimizers import minimize_batch

    S.start("Learning-rate schedules and warm-up")
    lr0, K = 0.5, 100
    S.text("A schedule changes η with the step k: decay brakes near the end, where a large "
           "step only bounces in the noise (the notes: ‘learning rate decay’), and warm-up "
           "starts small and ramps up over W steps while the optimizer's statistics are still "
           "poor (the notes: ‘warm up’, used for ResNet and Transformers; Goyal et al. 2017).  "
           f"The curves below are the closed forms ({SCHEDULE_FORMS}); the markers are the "
           "step sizes read back "
           "from GD runs on f = x²/2 (L = 1), where xₖ₊₁ = (1 − ηₖ)xₖ, so ηₖ = 1 − xₖ₊₁/xₖ.")
    since = len(S.checks)
    obj = _parse("x**2/2")
    k = np.arange(K)
    curves, recovered, worst = {}, {}, 0.0
    for name, p in _SCHEDULE_CASES:
        lab = _schedule_label(name, p)
        closed = schedule_closed_form(name, k, lr0, p)
        run = _run(obj, [1.0], "gd", lr=lr0, schedule=name, steps=K, **p)
        path = run.path[:, 0]
        eta_run = 1.0 - path[1:] / path[:-1]
        curves[lab], recovered[lab] = closed, eta_run
        worst = max(worst, float(np.max(np.abs(eta_run - closed) / closed)))
    S.figure(lambda fig: plots_lecture.plot_schedules(
        curves, recovered=recovered, title=f"η₀ = {lr0:g}, {K} steps", fig=fig), 220.0,
        "Learning rate against step: closed forms (lines) and the steps the optimizer took "
        "(markers).  Warm-up ramps linearly from η₀/W to η₀, then the cosine runs."
        + other_settings_text(_SCHEDULE_CASES, K, _SCHEDULE_EFFECT, _EFFECT_STEPS),
        "schedules")
    S.numeric_check(f"schedules: η_k read from runs vs closed form ({len(curves)} schedules × "
                    f"{K} steps, worst relative difference)", 0.0, worst, rtol=0.0,
                    abs_tol=1e-12, how_p="theory", digits=2,
                    reason="rounding of 1 − x_(k+1)/x_k only")
    # effect on noisy SGD
    sigma, x0, R = 1.0, 3.0, (1000 if S.quick else 4000)
    Ks = _EFFECT_STEPS
    finals, exact, rows = {}, {}, []
    curves_m: dict[str, np.ndarray] = {}
    curves_t: dict[str, np.ndarray] = {}
    effect = _SCHEDULE_EFFECT
    ses = {}
    for name, p in effect:
        lab = _schedule_label(name, p)
        b = minimize_batch(obj, np.full((R, 1), x0), "sgd", lr=lr0, noise=sigma, steps=Ks,
                           seed=3, schedule=name, record=True, **p)
        finals[lab], ses[lab] = _mean_se(b.x[:, 0] ** 2)
        curves_m[lab] = np.mean(b.path[:, 1:, 0] ** 2, axis=0)
        curves_t[lab] = theory.sgd_mean_square_path(
            schedule_closed_form(name, np.arange(Ks), lr0, p), 1.0, sigma, x0)[1:]
        exact[lab] = float(curves_t[lab][-1])
    # one column, one precision: every row at the digits the closest pair needs
    digits = column_digits([(exact[lab], finals[lab]) for lab in exact])
    for name, p in effect:
        lab, se = _schedule_label(name, p), ses[_schedule_label(name, p)]
        c = S.numeric_check(f"E(x_K − x*)² after {Ks} noisy steps: {lab}", exact[lab],
                            finals[lab], rtol=se_tolerance(se, exact[lab]), how_p="numeric",
                            digits=digits,
                            reason="exact recursion vₖ₊₁ = (1 − ηₖL)²vₖ + ηₖ²σ² on x²/2 "
                            f"(L = 1), σ = {sigma:g}, v₀ = x₀² = {x0**2:g}, η₀ = {lr0:g}, "
                            f"{_schedule_form(name, p)}"
                            f"{_constant_floor_text(name, lr0, sigma, x0**2, Ks)}; "
                            f"measured {_pm(finals[lab], se)} (mean ± "
                            f"standard error over {R} runs); agree within {SE_RULE}")
        rows.append([lab, c.theory, c.measured, c.verdict])
    S.text(f"Effect on a run: SGD on x²/2 with gradient noise σ = {sigma:g} from x₀ = "
           f"{x0:g}, η₀ = {lr0:g}, {Ks} steps, {R} runs.  A constant step ends at its noise "
           f"floor η₀σ²/(2 − η₀) = {fmt_num(lr0 / (2 - lr0), 3)}; every decaying schedule "
           "ends far below it.  Annealing all the way to 0 is not automatically best: the "
           "last cosine steps are so small that they no longer contract the noise injected "
           "in the middle of the run, and the step schedule, which keeps a moderate final "
           "step, ends lower — the exact recursion vₖ₊₁ = (1 − ηₖL)²vₖ + ηₖ²σ² predicts this "
           "ordering, and the runs follow it.  Warm-up costs a little here (20 steps at small "
           "η): on a quadratic with exact statistics nothing needs it; its benefit is for "
           "methods whose early statistics are poor, such as Adam's second moment.")
    S.figure(lambda fig: plots_lecture.plot_decay_vs_constant(
        np.arange(1, Ks + 1), curves_m, curves_t, runs=R,
        title=f"Noisy SGD on x²/2 under four schedules, mean over {R} runs", fig=fig),
        330.0, "Left: mean-square error against step (log–log) for each schedule: the exact "
        "expected value (lines) and the mean over the runs (open markers on top, at "
        "log-spaced steps; a step where schedules have the same mean is marked for one of "
        "them only, so no marker covers another).  The constant step flattens at its "
        "floor; the "
        "step schedule drops "
        "to a lower floor at each decay; cosine anneals.  Right: measured/theory at every "
        "step, one panel per schedule (same axes), with the band of two standard errors of "
        "one step's mean (±2√(2/R)).  "
        + warmup_dip_text(_schedule_label(*effect[-1]), curves_t[_schedule_label(*effect[-1])],
                          int(effect[-1][1]["warmup"]), floor=lr0 / (2 - lr0))
        + together_text(curves_m, curves_t, Ks // 2) + covered_text(curves_m, curves_t),
        "schedule effect")
    order_th = sorted(exact, key=exact.get)
    order_m = sorted(finals, key=finals.get)
    S.statement_check("ranking of the schedules by final error",
                      "theory: " + " < ".join(lab.split(" (")[0] for lab in order_th),
                      "measured: " + " < ".join(lab.split(" (")[0] for lab in order_m),
                      order_th == order_m, "exact recursion against the mean over the runs",
                      test="same order" if order_th == order_m else "different order")
    # the floor: the constant step's stationary error, a closed form (L = 1); the errors:
    # means over the runs
    floor = theory.sgd_stationary_error([1.0], lr0, sigma)
    what = "decaying schedules end below the constant step's noise floor"
    decaying = {k: (v, ses[k]) for k, v in finals.items() if not k.startswith("constant")}
    ok, worst, test = below_floor_tenth(decaying, floor)
    S.statement_check(what,
                      "below the floor η₀σ²/(2 − η₀) = "
                      f"{S.value(what, 'floor', floor, 'theory', MEAN_DIGITS)} by a factor > 10",
                      "largest decaying-schedule error "
                      + S.value(what, "largest error", decaying[worst][0], "measured",
                                MEAN_DIGITS) + " ± "
                      + S.value(what, "its standard error", decaying[worst][1], "measured",
                                SE_DIGITS, zeros=True),
                      ok, f"η₀σ²/(2 − η₀), η₀ = {lr0:g}, σ = {sigma:g}; measured: mean ± "
                      f"standard error over {R} runs", test=test)
    S.checks_table(since)


def _constant_floor_text(name: str, lr0: float, sigma: float, v0: float, K: int) -> str:
    """For the constant step, how its value after K steps differs from its noise floor
    (a closed form): with L = 1, v_K − v* = (1 − η₀)²ᴷ(v₀ − v*), v* = η₀σ²/(2 − η₀), so the
    row's number is the recursion's, not the floor's, though the two agree to the digits
    shown; other schedules: nothing."""
    if name != "constant":
        return ""
    floor = lr0 * sigma**2 / (2 - lr0)
    gap = (1 - lr0) ** (2 * K) * (v0 - floor)
    return (f"; the value after K = {K} steps, not the floor η₀σ²/(2 − η₀): they differ by "
            f"(1 − η₀)²ᴷ(v₀ − floor) = {fmt_num(gap, 2)}")


def warmup_dip_text(label: str, expected: np.ndarray, warmup: int, floor: float) -> str:
    """Why a warm-up run's expected error (``expected[i]`` at step i + 1) dips below the
    constant step's noise ``floor`` and climbs back: by vₖ₊₁ − vₖ = (ηₖ² − 2ηₖ)vₖ + ηₖ²σ²
    (L = 1) the error falls exactly while it lies above its step's floor ηₖσ²/(2 − ηₖ), which
    rises with ηₖ during the warm-up, and climbs once that rising floor has passed it.
    Empty when it does not dip below the floor within twice the warm-up."""
    head = np.asarray(expected[: 2 * warmup], float)
    i = int(np.argmin(head))
    if head[i] >= floor or i + 1 >= len(head):
        return ""
    j = i + int(np.argmax(head[i:]))
    return (f"The expected error of {label} dips below the constant step's floor "
            f"{fmt_num(floor, 3)} (to "
            f"{fmt_num(head[i], 3)} at k = {i + 1}) and climbs back to {fmt_num(head[j], 3)} "
            f"at k = {j + 1}: each step ηₖ has its own floor ηₖσ²/(2 − ηₖ), lower for the "
            "warm-up's small steps and rising with them; the error falls while it lies above "
            f"its step's floor and climbs once the rising floor has passed it (after k = "
            f"{i + 1}), towards the constant step's floor as η reaches η₀.  ")


# ============================================================================ 16. Nesterov


def section_nesterov(S: Study) -> None:
    """Nesterov against heavy ball on an ill-conditioned quadratic, at tuned parameters."""
    from analysis import theory

    S.start("Nesterov against heavy ball at tuned parameters")
    obj = _parse("0.5*x1**2 + 50*x2**2")
    lam = np.linalg.eigvalsh(obj.hess([0.0, 0.0]))
    mu, L = float(lam[0]), float(lam[-1])
    kappa = L / mu
    q = math.sqrt(kappa)
    hb_lr, hb_b, hb_rho = theory.polyak_optimal(lam)
    ne_lr, ne_b, ne_rho = theory.nesterov_standard(lam)
    gd_lr = 2 / (mu + L)
    gd_rho = (kappa - 1) / (kappa + 1)
    x0 = [1.0, 1.0]
    S.text(f"On f = ½(μx₁² + Lx₂²) with μ = {fmt_num(mu)}, L = {fmt_num(L)} (κ = "
           f"{fmt_num(kappa)}) the best GD step 2/(μ + L) contracts by (κ − 1)/(κ + 1) = "
           f"{fmt_num((kappa - 1) / (kappa + 1), 4)} per step.  Heavy ball with Polyak's "
           # a citation never breaks over lines (study p. 24: "(Nesterov, Lectures on" /
           # "Convex Optimization (2018) §2.2)", then "(Nesterov," / "Lectures on …")
           f"tuning η = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))² "
           f"{unbroken('(Polyak 1964; Introduction to Optimization (1987) §3.2.1)')} contracts "
           f"by (√κ − 1)/(√κ + 1) = {fmt_num(hb_rho, 4)}"
           f"; Nesterov with η = 1/L, β = (√κ − 1)/(√κ + 1) "
           f"{unbroken('(Nesterov, Lectures on Convex Optimization (2018) §2.2)')} by "
           f"1 − 1/√κ = {fmt_num(ne_rho, 4)}.  On a quadratic, "
           "tuned heavy ball is the faster of the two; Nesterov's advantage is that its "
           "guarantee holds for every smooth strongly convex f, where heavy ball can fail "
           "(Lessard, Recht & Packard 2016).  For the same error reduction, steps scale as "
           f"1/|ln ρ|: heavy ball needs {fmt_num(math.log(hb_rho) / math.log(gd_rho), 3)}× "
           f"fewer steps than GD (about √κ = {fmt_num(q, 3)}), Nesterov "
           f"{fmt_num(math.log(ne_rho) / math.log(gd_rho), 3)}× fewer (about √κ/2).  "
           f"The runs of this section start at x₀ = {fmt_point(x0)}.")
    since = len(S.checks)
    S.text("In the three runs below, heavy ball is "
           "v ← βv + ∇f, x ← x − ηv with v₀ = ∇f(x₀), so its first step is GD's, −η∇f(x₀).  "
           "Nesterov is PyTorch's form (its SGD with the Nesterov option): v ← βv + ∇f, "
           "x ← x − η(∇f + βv), v₀ = ∇f(x₀), whose first step is −η(1 + β)∇f(x₀); the "
           "textbook form (a gradient step from the look-ahead point y, with y₀ = x₀) first "
           "takes a plain gradient step −η∇f(x₀), so its first error differs.")
    gd = run_name("gd", "η = 2/(μ + L)")
    hb, ne = "heavy ball, Polyak's tuning", "Nesterov, η = 1/L"
    # each check names κ and the closed form of its ρ: the convergence row is the test of
    # that closed form against the run (ρ in the band of the double root, or the rate rule)
    on = f"κ = {fmt_num(kappa)}"
    studies = {
        gd: S.rate(gd, obj, "gd", x0, lr=gd_lr, what=f"{gd}, ρ = (κ − 1)/(κ + 1), {on}"),
        hb: S.rate(hb, obj, "momentum", x0, lr=hb_lr, momentum=hb_b,
                   what=f"{hb}, ρ = (√κ − 1)/(√κ + 1), {on}"),
        ne: S.rate(ne, obj, "nesterov", x0, lr=ne_lr, momentum=ne_b,
                   what=f"{ne}, ρ = 1 − 1/√κ, {on}"),
    }
    errs = {k: plots.study_errors(v) for k, v in studies.items()}
    rates = {k: v.prediction.rate for k, v in studies.items() if v.prediction.rate is not None}
    wins = {k: v.measurement.window for k, v in studies.items()}
    apart = plots_lecture.error_multiples(errs, rates, wins)
    S.figure(lambda fig: plots_lecture.plot_error_ratios(
        errs, rates, windows=wins, title=f"Error ‖xₖ − x*‖ on κ = {fmt_num(kappa)}", fig=fig),
        300.0,
        "Left: errors (log scale) of GD, heavy ball and Nesterov at their tuned parameters"
        + (", one panel per run" if apart else "") + ", "
        "with theory's slope ρᵏ over each fit window (dashed, drawn at least ×10 above).  "
        "Right: per-step ratios over each run's fit window (open markers"
        + thinned_markers_text() + "; windows of very different lengths in separate panels, "
        "each over its own "
        "iterations) against the predicted "
        "rates (thin dashed lines under the markers); the tuned momentum methods sit at "
        "a double root, so their ratios approach ρ from above like ρ(1 + 1/k).", "nesterov")
    S.theory_table()
    S.checks_table(since)


# ============================================================================ 17. momentum weights


#: the factor by which a heavy-ball run's transient may scale its error either way, when the
#: steps to a given error reduction are checked against ln(reduction)/ln ρ
TRANSIENT_FACTOR = 3


def section_momentum_weights(S: Study) -> None:
    """Momentum's effective weights on past gradients, and the notes' β = 0.25 in 20 steps."""
    from analysis import theory
    from analysis.rates import rate_study

    S.start("Momentum: a weighted sum of past gradients")
    beta, lr = 0.9, 0.05
    S.text("The momentum buffer v ← βv + g (the notes' convention and PyTorch's, v₀ = g₀) is "
           "a weighted sum of all past gradients: vₖ = Σⱼ βʲ gₖ₋ⱼ.  Normalised as an "
           "exponential moving average, v ← βv + (1 − β)g, the weights are (1 − β)βʲ: they "
           "sum to 1, halve every ln 2/ln(1/β) steps, and the last 1/(1 − β) gradients carry "
           "1 − β^(1/(1 − β)) of the weight, which tends to 1 − 1/e ≈ 63% as β → 1 ("
           + "; ".join(f"β = {b:g}: {percent(1 - b ** (1 / (1 - b)))} on the last "
                       f"1/(1 − β) = {fmt_num(1 / (1 - b), 3)} gradients' worth"
                       + ("" if 1 / (1 - b) >= 2 else
                          f", a window of less than two gradients: the newest alone carries "
                          f"1 − β = {percent(1 - b)}") for b in (0.99, 0.9, 0.25))
           + ") — β = 0.9 averages about 10 "
           "steps, β = 0.99 about 100.  In the un-normalised buffer v ← βv + g a constant "
           "gradient g builds up to g/(1 − β) (the average keeps it at g), while alternating "
           "gradients ±g (a zig-zag) are damped to ±g/(1 + β).")
    since = len(S.checks)
    S.figure(lambda fig: plots_lecture.plot_momentum_weights([0.25, 0.5, 0.9, 0.99], 300,
                                                             fig=fig), 300.0,
             "Weights (1 − β)βʲ of the gradient j steps back (log scale), for the notes' "
             "β values; dotted: the window 1/(1 − β).", "momentum weights", half=True)
    obj = _parse(CONDITIONED)
    K, start = 30, [-5.0, -2.0]
    run = _run(obj, start, "momentum", lr=lr, momentum=beta, steps=K)
    P = run.path
    buf = (P[:-1] - P[1:]) / lr  # x_(k+1) = x_k − η v_k
    G = np.array([obj.grad(x) for x in P[:-1]])
    worst = 0.0
    for k in range(K):
        w = beta ** np.arange(k, -1, -1)
        worst = max(worst, float(np.max(np.abs(w @ G[: k + 1] - buf[k])
                                        / np.maximum(np.abs(buf[k]), 1e-300))))
    S.numeric_check(f"buffer of a real run vs Σ βʲ g_(k−j): worst relative difference (heavy "
                    f"ball on {conditioned_text()} from {fmt_point(start)}, η = {lr:g}, "
                    f"β = {beta:g}, {K} steps)", 0.0, worst, rtol=0.0, abs_tol=1e-12,
                    how_p="theory", digits=2, reason="buffer read from the path as "
                    "(x_k − x_(k+1))/η, gradients recomputed at the iterates")
    lin = _parse("x")
    n = 200
    r = _run(lin, [0.0], "momentum", lr=lr, momentum=beta, steps=n)
    v_end = float((r.path[-2, 0] - r.path[-1, 0]) / lr)
    S.numeric_check(f"constant gradient g = 1 (f = x), β = {beta:g}, {n} steps: last buffer "
                    f"(1 − β^{n})/(1 − β)", (1 - beta ** n) / (1 - beta),
                    v_end, rtol=1e-12, digits=12, reason=f"Σ βʲ over j < {n}, read from the "
                    f"path as "
                    f"(x_{n - 1} − x_{n})/η; the sum tends to g/(1 − β) = "
                    f"{fmt_num(1 / (1 - beta))} as the run goes on (β^{n}/(1 − β) = "
                    f"{fmt_num(beta ** n / (1 - beta), 2)} short of it)")
    S.checks_table(since)

    # ---- the notes' β = 0.25
    S.doc.heading("The notes' β = 0.25: does it converge?", level=2)
    eta = 0.6
    lam = np.linalg.eigvalsh(obj.hess([0.0, 0.0]))
    rho = {b: theory.heavy_ball_radius(eta, b, lam) for b in (0.25, 0.5)}
    since = len(S.checks)
    steps = 80
    runs = {b: _run(obj, [-5.0, -2.0], "momentum", lr=eta, momentum=b, steps=steps)
            for b in (0.5, 0.25)}
    runs[0.0] = _run(obj, [-5.0, -2.0], "gd", lr=eta, steps=20)
    err = {b: np.linalg.norm(r.path, axis=1) for b, r in runs.items()}
    e20 = {b: float(err[b][20] / err[b][0]) for b in (0.25, 0.5)}

    def exact_20(b: float) -> float:
        """‖x_20‖/‖x_0‖ from the 2 × 2 iteration matrices (x, v), v = 0 at the start."""
        out = []
        for i, l_ in enumerate(lam):
            z = np.linalg.matrix_power(theory.heavy_ball_matrix(eta, b, float(l_)), 20) @ [
                [-5.0, -2.0][i], 0.0]
            out.append(z[0])
        return float(np.linalg.norm(out) / math.hypot(5.0, 2.0))

    lo, hi = 30, steps
    fit = {b: math.exp(np.polyfit(np.arange(lo, hi + 1), np.log(err[b][lo:hi + 1]), 1)[0])
           for b in (0.25, 0.5)}
    need = math.log(1e-3) / math.log(rho[0.25])
    title = f"‖xₖ‖ with η = {eta:g}"  # the figure's, named in the text before it
    reached = int(np.argmax(err[0.25] <= 1e-3 * err[0.25][0]))
    # the same runs in the ill-conditioning section's table: ρ prints everywhere with the
    # digits of this section's table, which are at least that table's
    rows = {b: rate_study(obj, "momentum", [-5.0, -2.0], lr=eta, momentum=b)
            for b in (0.25, 0.5)}
    shown = {b: row_rate_digits(rows[b]) for b in rows}
    rho_text = {b: fmt_num(rho[b], check_rate_digits(rho[b], fit[b], shown[b])) for b in rows}
    S.text(f"The notes (momentum on {conditioned_text()}, η = 0.6, from (−5, −2), 20 steps) "
           "say: ‘when the β value is [changed] to 0.25, we find that convergence is not "
           "achieved in the end’.  Theory: the heavy-ball spectral radius at η = 0.6 is "
           f"ρ = {rho_text[0.25]} for β = 0.25 (against {rho_text[0.5]} for "
           f"β = 0.5, and |1 − ηL| = {fmt_num(abs(1 - eta * lam[-1]), 3)} > 1 without momentum)"
           f" — below 1, so the iteration converges.  In 20 steps ρ²⁰ = "
           f"{fmt_num(rho[0.25] ** 20, 3)}: the error shrinks only by a factor of about "
           f"{fmt_num(1 / rho[0.25] ** 20, 2)} (1/ρ²⁰; measured ‖x₂₀‖/‖x₀‖ = "
           f"{fmt_num(e20[0.25], 3)}, a factor of {fmt_num(1 / e20[0.25], 2)}; β = 0.5: "
           f"{fmt_num(e20[0.5], 3)}), and the iterate still sits visibly off the minimum, "
           f"at {fmt_point(runs[0.25].path[20])}.  Shrinking the error by 10³ takes "
           f"ln 10⁻³/ln ρ ≈ {fmt_num(need, 3)} steps (measured: {reached}).  So the plot in "
           "the notes is right and the sentence is wrong: β = 0.25 converges, only too slowly "
           "to finish within the 20 steps drawn.  Theory settles the question of convergence "
           f"(and so do the {steps}-step runs of the figure titled ‘{title}’, "
           f"p. {page_ref('beta 0.25')}); the notes "
           "describe a 20-step snapshot.")
    errs = {f"β = {b:g}": err[b] for b in (0.5, 0.25)} | {"GD (β = 0)": err[0.0]}
    rates = {"β = 0.5": rho[0.5], "β = 0.25": rho[0.25], "GD (β = 0)": abs(1 - eta * lam[-1])}
    apart = plots_lecture.error_multiples(errs, rates)
    first = {b: err[b][1] / err[b][0] for b in (0.5, 0.25)}
    swing = oscillation_text(eta, 0.5, np.diag(obj.hess([0.0, 0.0])))
    same_first = ("  At k = 0 both β take the same step (v₀ = g₀: the first step is GD's, "
                  "−ηg₀), so their "
                  "ratios coincide: β = 0.25's marker is drawn larger, around β = 0.5's."
                  if math.isclose(first[0.5], first[0.25], rel_tol=1e-12) else "")
    S.figure(lambda fig: plots_lecture.plot_error_ratios(
        errs, rates, mark=20, title=title, fig=fig,
        rate_texts={f"β = {b:g}": rho_text[b] for b in rows}), 300.0,
        f"Left: distance to the minimum (log scale) over {steps} steps"
        + (", one panel per run" if apart else "") + ", with theory's slope "
        "ρᵏ (dashed, drawn at least ×10 above); GD without momentum "
        f"diverges ({len(err[0.0]) - 1} steps shown); the notes' figure ends at the dotted "
        "line k = 20.  "
        "Right: per-step ratios (open markers"
        + (thinned_markers_text() if steps > plots_lecture.MAX_MARKERS else "")
        + ") against the predicted ρ (thin dashed lines "
        "under the markers).  For β = 0.25 and GD the "
        "dominant root is real and the ratio settles on ρ; for β = 0.5 " + swing
        + f"; the rates in the table after the figure are least-squares fits of ln‖xₖ‖ against k "
        f"over steps {lo}–{hi}, which average these swings out." + same_first,
        "beta 0.25")
    for b in (0.25, 0.5):
        modes = sorted((theory.heavy_ball_radius(eta, b, [v]), v) for v in lam)
        row = rows[b]
        a, z = row.measurement.window
        # ρ and that row's rate print with the digits that section's table gives them
        row_rate = (measured_rate_text(row.measurement) if shown[b] is None
                    else fmt_num(row.measurement.rate, shown[b]))
        mode = (f"both modes have |z| = {fmt_num(modes[0][0], 3)} and rotate"
                if math.isclose(modes[0][0], modes[-1][0], rel_tol=1e-9) else
                f"the window also sees the λ = {modes[0][1]:g} mode "
                f"(|z| = {fmt_num(modes[0][0], 3)})") + ", hence 2% rather than 1%"
        other = (f"‘{run_name('momentum', f'η = {eta:g}, β = {b:g}')}’ row")
        floor_part = above_floor_text(row)
        # the explanation is the first row's; the second says only what differs
        reason = ("spectral radius of the 2 × 2 heavy-ball matrix, max over λ ∈ "
                  f"{{{', '.join(f'{v:g}' for v in lam)}}}; {mode}; the same parameters and "
                  f"start as the ill-conditioning section's {other} (its first {steps} steps "
                  f"are these), whose run is {row.result.nit} steps"
                  + (f", {floor_part}, and" if floor_part else " long and") + " whose rate is "
                  f"fitted over k = {a}–{z} with the {percent(row.comparison.tolerance)} rule, "
                  f"hence its slightly different measured rate ({row_rate})") if b == 0.25 else (
                  f"as for β = 0.25; {mode}; the ill-conditioning section's {other}: "
                  f"{row.result.nit} steps, fitted over k = {a}–{z} with the "
                  f"{percent(row.comparison.tolerance)} rule, measured rate {row_rate}")
        S.rate_check(f"β = {b:g}, η = {eta:g}: rate per step (fit over steps {lo}–{hi})",
                     rho[b], fit[b], rtol=0.02, reason=reason, digits=shown[b])
        S.numeric_check(f"β = {b:g}: ‖x₂₀‖/‖x₀‖", exact_20(b), e20[b], rtol=1e-9,
                        how_p="exact", reason="product of the iteration matrices "
                        f"(ρ²⁰ = {fmt_num(rho[b] ** 20, 3)} is only its asymptote)")
    # the transient scales the error by a factor C (‖xₖ‖ ≈ Cρᵏ‖x₀‖) that theory leaves
    # open: C within a factor TRANSIENT_FACTOR either way shifts the count by up to
    # ln TRANSIENT_FACTOR/|ln ρ| steps
    slack = math.ceil(math.log(TRANSIENT_FACTOR) / abs(math.log(rho[0.25])))
    S.numeric_check("β = 0.25: steps to shrink the error by 10³", need, float(reached),
                    rtol=0.0, abs_tol=float(slack), digits=3, count=True,
                    reason="ln 10⁻³/ln ρ ignores the transient, a factor C in ‖xₖ‖ ≈ "
                    f"Cρᵏ‖x₀‖; within ⌈ln {TRANSIENT_FACTOR}/|ln ρ|⌉ = {slack} steps: C "
                    f"up to {TRANSIENT_FACTOR} times larger or smaller than 1")
    S.checks_table(since)


def above_floor_text(study: Any) -> str:
    """``of which k = 0–200 lie above the rounding floor`` for a rate study whose errors
    lie above their rounding floor (:func:`analysis.plots.study_floor`) from the start up
    to a step k and below it after: the steps its per-step table and fit can use, where the
    run itself may go on below the floor; empty when the errors never fall below it or
    cross it more than once."""
    e = plots.study_errors(study)
    above = np.isfinite(e) & (e > plots.study_floor(study))
    last = int(np.argmin(above)) - 1  # the step before the first error at or below the floor
    if above.all() or last < 0 or above[last + 1:].any():
        return ""
    return f"of which k = 0–{last} lie above the rounding floor"


# ============================================================================ 18. adaptive


def notes_adaptive_path(method: str, x0: Sequence[float], grad: Callable[[np.ndarray], Any],
                        steps: int, h: Mapping[str, float]) -> np.ndarray:
    """The notes' pseudo-code for AdaGrad, RMSProp and Adam, in NumPy (a second method):

    AdaGrad  s ← s + g²;  x ← x − η g/(√s + ε)
    RMSProp  s ← αs + (1 − α)g²;  x ← x − η g/(√s + ε)
    Adam     m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ);
             x ← x − η m̂/(√v̂ + ε)
    """
    x = np.array(x0, float)
    s = np.zeros_like(x)
    m = np.zeros_like(x)
    eps = h.get("eps", 1e-10 if method == "adagrad" else 1e-8)
    out = [x.copy()]
    for t in range(1, steps + 1):
        g = np.asarray(grad(x), float)
        if method == "adagrad":
            s = s + g * g
            x = x - h["lr"] * g / (np.sqrt(s) + eps)
        elif method == "rmsprop":
            s = h["alpha"] * s + (1 - h["alpha"]) * g * g
            x = x - h["lr"] * g / (np.sqrt(s) + eps)
        else:
            b1, b2 = h["beta1"], h["beta2"]
            m = b1 * m + (1 - b1) * g
            s = b2 * s + (1 - b2) * g * g
            x = x - h["lr"] * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        out.append(x.copy())
    return np.array(out)


#: the adaptive runs' distances to the minimum, in the checks and in the caption alike
DISTANCE_DIGITS = 3


def section_adaptive(S: Study) -> None:
    """AdaGrad, RMSProp and Adam at the notes' settings on the ill-conditioned ellipse."""
    from analysis import theory

    S.start("AdaGrad, RMSProp, Adam: one step size per coordinate")
    obj = _parse(CONDITIONED)
    _formula(S, obj)
    x0 = [-5.0, -2.0]
    g0 = obj.grad(x0)
    ratio = abs(g0[1]) / abs(g0[0])
    steps = 20
    configs = [("AdaGrad η = 0.4", "adagrad", {"lr": 0.4}),
               ("AdaGrad η = 2", "adagrad", {"lr": 2.0}),
               ("RMSProp η = 0.4, α = 0.9", "rmsprop", {"lr": 0.4, "alpha": 0.9}),
               ("Adam η = 0.4, β = (0.9, 0.999)", "adam",
                {"lr": 0.4, "beta1": 0.9, "beta2": 0.999})]
    from optimizers.methods import get_spec

    # this library's defaults (torch.optim's): the first step and how far 20 steps move
    library = [("AdaGrad", "adagrad", ("lr",)), ("RMSProp", "rmsprop", ("lr", "alpha")),
               ("Adam", "adam", ("lr", "beta1", "beta2"))]
    dist0 = float(np.linalg.norm(x0))
    default_parts, first_parts, moved_parts = [], [], []
    for name, m, keys in library:
        h = {k: get_spec(m).hyper[k].default for k in keys}
        first = float(np.max(np.abs(theory.adaptive_first_step(m, g0, h, x0))))
        moved = float(np.linalg.norm(_run(obj, x0, m, steps=steps, **h).path[-1] - x0))
        default_parts.append(f"{name} η = {fmt_num(h['lr'])}"
                             + (f", α = {fmt_num(h['alpha'])}" if "alpha" in h else ""))
        first_parts.append(fmt_num(first, 3))
        moved_parts.append(fmt_num(moved, 3))
    S.text(f"The ellipse {conditioned_text()} of §{section_ref(CONDITIONING)} (ill-conditioning "
           "and "
           f"momentum, p. {section_page_ref(CONDITIONING)}), from x₀ = (−5, −2), where the "
           "gradient "
           f"{fmt_point(g0)} is {fmt_num(ratio, 3)} times larger along x₂.  Adaptive methods "
           "divide each coordinate by a running root mean square of its own gradients "
           "(AdaGrad: the sum of all squares, Duchi, Hazan & Singer 2011; RMSProp: an "
           "exponential average with weight α, Tieleman & Hinton 2012; Adam: RMSProp's "
           "denominator with a momentum numerator and bias correction, Kingma & Ba 2015), so "
           "the first step is ≈ −η·sign(g) in every coordinate (RMSProp: "
           "−η·sign(g)/√(1 − α)) — "
           "the same size along the flat and the steep direction.  The settings are the "
           f"notes' ({steps} steps, η = 0.4 and 2 for AdaGrad, η = 0.4 with α = 0.9 for "
           "RMSProp, the same η for Adam with its usual β₁ = 0.9, β₂ = 0.999): steps of "
           "the order of the distance to the minimum.  With this library's defaults "
           f"({'; '.join(default_parts)}, as in PyTorch) the first steps are "
           f"{', '.join(first_parts[:-1])} and {first_parts[-1]} per coordinate (RMSProp's "
           f"is η/√(1 − α)), and in {steps} steps the iterates move {', '.join(moved_parts[:-1])} "
           f"and {moved_parts[-1]} (measured) of the distance {fmt_num(dist0, 3)} to the "
           "minimum — the default η is sized for network weights of order 1, not for this "
           "landscape.")
    since = len(S.checks)
    runs = {lab: _run(obj, x0, m, steps=steps, **h) for lab, m, h in configs}
    for lab, m, h in configs:
        step = runs[lab].path[1] - runs[lab].path[0]
        pred = theory.adaptive_first_step(m, g0, h, x0)
        rel = float(np.max(np.abs(step - pred) / np.abs(pred)))
        sign = h["lr"] / (math.sqrt(1 - h["alpha"]) if m == "rmsprop" else 1.0)
        S.checks.append(Check(
            S.section, f"{lab}: first step",
            "(" + ", ".join(S.value(lab, f"first step[{i}] theory", v, "theory", 5)
                            for i, v in enumerate(pred)) + ")",
            "(" + ", ".join(S.value(lab, f"first step[{i}] measured", v, "measured", 5)
                            for i, v in enumerate(step)) + ")",
            rel, "agrees" if rel <= FIRST_STEP_RTOL else "disagrees",
            first_step_note(m, sign),
            decided="max " + numeric_decided(rel, FIRST_STEP_RTOL, rel <= FIRST_STEP_RTOL)))
    worst = 0.0
    for lab, m, h in configs:
        ref = notes_adaptive_path(m, x0, obj.grad, steps, h)
        worst = max(worst, float(np.max(np.abs(ref - runs[lab].path))))
    S.numeric_check("compiled optimizers vs the notes' pseudo-code (NumPy): "
                    f"the largest coordinate difference of the {len(configs)} runs over "
                    f"{steps} steps", 0.0, worst,
                    rtol=0.0, abs_tol=1e-9, how_p="theory", digits=2,
                    reason="two implementations of the same update rules")
    final = {k: float(np.linalg.norm(r.x)) for k, r in runs.items()}
    for k, r in runs.items():
        S.b.ledger.add(S.section, k, f"x after {steps} steps", [float(v) for v in r.x],
                       "measured")
    start = float(np.linalg.norm(x0))
    ag = runs["AdaGrad η = 0.4"].path[:, 0]
    bound = 0.4 * float(np.sum(1 / np.sqrt(np.arange(1, steps + 1))))
    what = "AdaGrad η = 0.4: progress along the flat x₁ is throttled"
    S.statement_check(what,
                      f"x₁ moves at most η Σ 1/√k = "
                      f"{S.value(what, 'bound on the move', bound, 'theory', 3)} in {steps} "
                      "steps (steps ≤ η/√k while |g₁| shrinks)",
                      f"moved {S.value(what, 'move along x₁', ag[-1] - ag[0], 'measured', 3)}, "
                      f"to x₁ = {S.value(what, 'x₁ after the run', ag[-1], 'measured', 4)}",
                      0 < ag[-1] - ag[0] <= bound,
                      test=f"0 < {fmt_num(ag[-1] - ag[0], 3)} "
                      f"{'≤' if ag[-1] - ag[0] <= bound else '>'} {fmt_num(bound, 3)}")
    for lab in ("AdaGrad η = 2", "RMSProp η = 0.4, α = 0.9"):
        S.statement_check(f"{lab}: reaches the minimum in {steps} steps",
                          "‖x₂₀‖ < 1% of ‖x₀‖",
                          "‖x₂₀‖ = " + S.value(lab, f"distance to the minimum after {steps} "
                                               "steps", final[lab], "measured",
                                               DISTANCE_DIGITS)
                          + f" (start {S.value(lab, '‖x₀‖', start, 'numeric', 3)})",
                          final[lab] < 0.01 * start,
                          test=bound_decided(final[lab], 0.01 * start, final[lab] < 0.01 * start,
                                             strict=True) + " = ‖x₀‖/100")
    box = [(-6.0, 6.0), (-3.0, 3.0)]
    cps = obj.critical_points(box=box)
    S.figure(lambda fig: plots.plot_paths_grid(
        obj, box, {lab: r.path for lab, r in runs.items()}, cps, xlabel="x₁", ylabel="x₂",
        title=f"{steps} steps from (−5, −2), one panel per method (same axes, equal scales)",
        fig=fig), 330.0,
             f"{steps} steps from (−5, −2), one panel per method.  AdaGrad with η = 0.4 moves "
             "diagonally at first, then its accumulated squared gradients grow every step, so "
             "its steps shrink (along x₁ to at most η/√k at step k) and it stalls "
             "halfway along x₁; with η = 2 it reaches the minimum.  RMSProp forgets old "
             "gradients (α = 0.9): its denominator follows the shrinking gradients and it "
             "reaches the minimum; Adam's momentum carries it past the minimum along x₁.",
             "adaptive paths")
    S.figure(lambda fig: plots.plot_iterates(
        {k: np.linalg.norm(r.path, axis=1) for k, r in runs.items()},
        ylabel="‖xₖ − x*‖ (log scale)", logy=True, title="Distance to the minimum",
        fig=fig), 300.0,
        f"Distance to the minimum, the error eₖ = ‖xₖ − x*‖, after {steps} steps — "
        + "; ".join(
            f"{k}: {mark(fmt_num(v, DISTANCE_DIGITS), 'measured')}" for k, v in final.items())
        + ".  The per-step ratio eₖ₊₁/eₖ — " + "; ".join(
            ratio_course_text(k, np.linalg.norm(r.path, axis=1))
            + _accumulator_text(obj, configs[i][1], r.path)
            for i, (k, r) in enumerate(runs.items())) + ".  " + _overshoot_text(
            "Adam", runs["Adam η = 0.4, β = (0.9, 0.999)"].path,
            "its momentum β₁ = 0.9 averages about 10 steps"),
        "adaptive errors", half=True)
    S.checks_table(since, title="First steps and runs: theory and measurement")


def _accumulator_text(obj: Any, method: str, path: np.ndarray) -> str:
    """For an AdaGrad run whose ratio settles (:func:`ratio_course`): how little its
    accumulated squared gradients Σ gⱼ² (per coordinate, the denominator of its steps) grow
    from the settling step on, the reason its steps stop changing; else empty."""
    c = ratio_course(np.linalg.norm(path, axis=1))
    if method != "adagrad" or c["course"] != "settled":
        return ""
    g2 = np.cumsum(np.array([obj.grad(x) for x in path[:-1]], float) ** 2, axis=0)
    grow = float(np.max(g2[-1] / g2[c["k"]])) - 1.0
    return (f" — its accumulated squared gradients grow by only "
            f"{mark(percent(grow), 'measured')} after k = {c['k']}, so its step sizes stop "
            "changing")


# ============================================================================ the document

SECTIONS: tuple[Callable[[Study], None], ...] = (
    section_convexity, section_quadratic, section_cubic, section_saddle, section_surfaces,
    section_tanh, section_local_minimum, section_newton_cosh, section_conditioning,
    section_nesterov, section_momentum_weights, section_sgd, section_schedules, section_adaptive,
    section_rosenbrock, section_chain, section_newton_nonconvex,
)

SECTION_TITLES = {
    section_quadratic: "GD on x²", section_cubic: "x³", section_saddle: "x² − y²",
    section_tanh: "tanh", section_local_minimum: "x·cos(cx)",
    section_newton_cosh: "Newton on cosh(cx)", section_conditioning: "ill-conditioning",
    section_rosenbrock: "Rosenbrock", section_chain: "activation chains",
    section_newton_nonconvex: "Newton, nonconvex", section_convexity: "convexity",
    section_surfaces: "3-D saddles", section_sgd: "SGD", section_schedules: "schedules",
    section_nesterov: "Nesterov vs heavy ball", section_momentum_weights: "momentum weights",
    section_adaptive: "adaptive methods",
}


def _front(S: Study, seconds: float, hows: Sequence[str] | None = None,
           abbreviations: Sequence[str] = ()) -> None:
    """Title page: title, facts, the legend of the markers ``hows`` the study uses (all
    when None; :func:`~analysis.pages.used_hows` of :func:`~analysis.pages.block_texts`)
    and of the ``abbreviations`` it uses (:func:`~analysis.empirical.se_lines`), contents."""
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
               + verdict_tally([c.verdict for c in S.checks]) + "."],
              size=SMALL + 0.5)
    d.paragraph("How each number was obtained (marker after the number):", weight="bold",
                size=SMALL + 0.5, after=2.0)
    d.bullets([*how_lines(hows), *abbreviations], size=SMALL + 0.5)
    d.paragraph("Contents", weight="bold", before=6.0, after=3.0)
    d.contents()
    d.page_break()


#: the curvature symbol L in a text: a capital L standing alone or after a factor ("2/L",
#: "ηL"), not a letter of a word or a name ("L-BFGS")
_SYMBOL_L = re.compile(r"(?<![A-Za-z0-9_])L(?![A-Za-z0-9_-])")


def curvature_symbols_text(texts: Iterable[str]) -> str:
    """The sentence that defines the curvature symbols ``texts`` use before the sections
    that define them (the summary table's "η < 2/L", "(κ − 1)/(κ + 1)"): L and μ, the
    largest and smallest eigenvalue of the Hessian ∇²f at the minimum, and κ = L/μ when κ
    is used; and the rate ρ = e₍ₖ₊₁₎/eₖ when ρ is ("linear, ρ = 0.6"); "" when none is."""
    text = "\n".join(texts)
    kappa = "κ" in text
    rate = ("  ρ: a linear rate, the factor e₍ₖ₊₁₎/eₖ by which the error eₖ = ‖xₖ − x*‖ "
            "shrinks per step." if "ρ" in text else "")
    if not (kappa or "μ" in text or _SYMBOL_L.search(text)):
        return rate.strip()
    return ("L and μ: the largest and smallest eigenvalue of the Hessian ∇²f at the minimum "
            "(f″ there in one dimension)" + ("; κ = L/μ, the condition number." if kappa
                                              else ".") + rate)


def _summary(S: Study) -> None:
    """Summary table of all checks, and what failed."""
    d = S.doc
    d.heading("Summary of all checks")
    rows = [[SECTION_TITLES.get(_section_fn(c.section), c.section), c.what, c.theory,
             c.measured, check_decided(c), c.verdict, c.reason] for c in S.checks]
    symbols = curvature_symbols_text(str(v) for row in rows for v in row)
    d.paragraph("One row per comparison of theory with measurement.  ‘Convergence’ rows "
                "compare the predicted kind and rate (or order) of convergence with the ones "
                "fitted to a run (details in each section); the other rows compare specific "
                "predictions — thresholds, escape and crossing times, first steps — with "
                "what the runs did.  A disagreement is explained in its row."
                + (f"  {symbols}" if symbols else ""))
    d.table(["section", Column("what", names=True), "theory", "measured", "decided by",
             "verdict", "note"],
            rows, title="Theory against measurement, all sections",
            notes=[legend_text(), decided_note([r[4] for r in rows])])
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
                progress=progress, total=len(todo) + 3)
    S = Study(b, quick=quick)
    for fn in todo:
        before = len(b.doc.blocks)
        with b.guard((fn.__doc__ or fn.__name__).splitlines()[0]):
            fn(S)
        heading = next((blk for blk in b.doc.blocks[before:] if hasattr(blk, "level")), None)
        if heading is not None:
            _SECTION_BY_TITLE[heading.text] = fn
    body = b.doc.take()
    seconds = time.perf_counter() - t0
    with b.guard("summary table", note=False):
        _summary(S)
    summary = b.doc.take()
    with b.guard("title page", note=False):  # lists the markers the pages after it use
        texts = block_texts([*summary, *body])
        _front(S, seconds, hows=used_hows(texts), abbreviations=se_lines(texts))
    b.doc.extend(summary)
    b.doc.extend(body)
    b.data["checks"] = [vars(c) for c in S.checks]
    b.data["rate_studies"] = {k: st.to_json() for k, st in S.studies.items()}
    b.data["quick"] = quick
    b.findings = [f"{c.section} — {c.what}: {c.verdict}" for c in S.checks
                  if c.verdict != "agrees"]
    return b.write(Path(out_dir) / "study.pdf")


__all__ = ["SECTIONS", "Check", "Study", "build_study"]
