"""No two series of a figure are drawn alike once colour is gone, and no reference line (a
tolerance, the level 1 of an ECDF) looks like a series.

Readers found series told apart only by the legend's fine print: Himmelblau p. 12, L-BFGS's
black dotted gradient norms beside the black dotted gradient tolerance; quadratic p. 8, the
thin black dotted line at 1 beside L-BFGS's dotted ECDF; study p. 37, Newton and "GD with
η = 0.001" both down-triangles on a dash-dot line, BFGS and momentum both plus signs.

A line is compared as a reader of a grey-scale print sees it: by the kind of its pattern
(solid; dots; dashes; long dashes; dash-dot; dash-dot-dot...: two dotted patterns of slightly
different spacing read alike) and by the marker it shows (none where its markers are not
drawn)."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis import plots
from optimizers.registry import label as printed

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NO_MARKER = (None, "None", "none", "", " ")


def pattern_kind(ls) -> str:
    """The look of a line style, from its dash pattern in units of the line width: each on
    segment is a dot (≤ 1.5), a dash (≤ 8) or a long dash; one period of the sequence."""
    return dash_kind(Line2D([], [], ls=ls)._unscaled_dash_pattern[1])


def dash_kind(dashes) -> str:
    """:func:`pattern_kind` of a dash sequence (None: solid)."""
    if not dashes:
        return "solid"
    ons = ["dot" if d <= 1.5 else "dash" if d <= 8.0 else "long dash" for d in dashes[::2]]
    for n in range(1, len(ons) + 1):  # the shortest period: (dot, dot) is "dot"
        if len(ons) % n == 0 and ons == ons[:n] * (len(ons) // n):
            return " ".join(ons[:n])
    raise AssertionError(dashes)


def look(line: Line2D) -> tuple[str, str | None]:
    """(pattern kind, marker drawn) of a plotted line."""
    m = line.get_marker()
    shown = m not in NO_MARKER and line.get_markersize() > 0
    return dash_kind(line._unscaled_dash_pattern[1]), (str(m) if shown else None)


def is_reference(line: Line2D) -> bool:
    """A line across the whole axes at one level (``axhline``)."""
    return list(line.get_xdata()) == [0, 1] and len(set(line.get_ydata())) == 1


def check_axes(ax, series: list[str]) -> None:
    """Every line of ``ax`` whose label begins with a series' name is that series; no two of
    them look alike, and no reference line looks like any of them."""
    looks: dict[str, tuple] = {}
    for ln in ax.lines:
        owner = [s for s in series if ln.get_label().startswith(s + " (")
                 or ln.get_label().startswith(s + ":")]
        if owner:
            looks[owner[0]] = look(ln)
    assert looks, [ln.get_label() for ln in ax.lines]
    alike = [(a, b) for i, a in enumerate(looks) for b in list(looks)[i + 1:]
             if looks[a] == looks[b]]
    assert alike == [], {p: looks[p[0]] for p in alike}
    kinds = {k for k, _ in looks.values()}
    refs = [ln for ln in ax.lines if is_reference(ln)]
    for ref in refs:
        assert look(ref)[1] is None
        assert look(ref)[0] not in kinds, (ref.get_label(), look(ref), looks)


def test_pattern_kinds_are_what_a_reader_sees():
    assert pattern_kind("-") == "solid"
    assert pattern_kind(":") == pattern_kind((0, (1, 2))) == "dot"
    assert pattern_kind("--") == pattern_kind((0, (6, 2))) == "dash"
    assert pattern_kind("-.") == pattern_kind((0, (5, 1, 1, 1))) == "dash dot"
    assert pattern_kind((0, (3, 1, 1, 1, 1, 1))) == "dash dot dot"
    assert pattern_kind((0, (20, 4))) == "long dash"
    assert pattern_kind((0, (8, 3, 20, 3))) == "dash long dash"
    # the reference line's two dashes differ enough to be seen as two (quadratic p. 10 read
    # 8 and 20 as "evenly spaced long dashes"): the long one at least 5 times the short one
    ons = Line2D([], [], ls=plots.REFERENCE_STYLE["ls"])._unscaled_dash_pattern[1][::2]
    assert pattern_kind(plots.REFERENCE_STYLE["ls"]) == "dash long dash"
    assert max(ons) >= 5 * min(ons), ons


def test_every_method_has_a_line_style_and_marker_of_its_own():
    """17 methods, 8 line styles and 8 markers: each method's pair (line style, marker) is its
    own, also by pattern kind, and the same whether it is drawn alone or with all others."""
    names = list(plots.METHOD_COLORS)
    assert len(names) == 17
    every = plots.series_styles(names)
    pairs = [(pattern_kind(every[n].linestyle), every[n].marker) for n in names]
    assert len(set(pairs)) == len(names), pairs
    for n in names:
        assert plots.series_styles([n])[n] == every[n]
        assert plots.series_styles([printed(n), "x"])[printed(n)] == every[n]


def test_labels_beside_methods_take_styles_no_method_shown_has():
    """Study p. 37: "GD with η = 0.001" (not a method's name) took the 5th line style and
    marker, Newton's, and "momentum η = 0.001, β = 0.9" the 6th, BFGS's."""
    labels = ["Newton", "BFGS", "L-BFGS", "CG", "GD with η = 0.001",
              "momentum η = 0.001, β = 0.9"]
    sty = plots.series_styles(labels)
    pairs = [(pattern_kind(sty[s].linestyle), sty[s].marker) for s in labels]
    assert len(set(pairs)) == len(labels), pairs
    assert len({sty[s].marker for s in labels}) == len(labels)


def _study_costs():
    rng = np.random.default_rng(7)
    med = {"Newton": 37.5, "BFGS": 37.7, "L-BFGS": 37.7, "CG": 153.0,
           "GD with η = 0.001": 3.5e4, "momentum η = 0.001, β = 0.9": 3.3e3}
    out = {k: m * 10.0 ** rng.normal(0.0, 0.1, 200) for k, m in med.items()}
    out["momentum η = 0.001, β = 0.9"][165:] = np.nan
    return out


def test_study_ecdf_curves_and_the_line_at_one_differ_without_colour():
    costs = _study_costs()
    fig = plots.plot_ecdf(costs, fig=Figure(figsize=(6.8, 4.2), layout="constrained"))
    ax = fig.axes[0]
    assert any(is_reference(ln) for ln in ax.lines)  # the line at 1 is drawn
    check_axes(ax, list(costs))


def test_quadratic_ecdf_line_at_one_unlike_lbfgs():
    """Quadratic p. 8: the line at 1 was thin black dots, like L-BFGS's curve."""
    rng = np.random.default_rng(3)
    names = ["gd", "momentum", "nesterov", "adam", "newton", "bfgs", "lbfgs", "cg"]
    costs = {n: 10.0 ** rng.uniform(1.5, 3.0, 100) for n in names}
    fig = plots.plot_ecdf(costs, fig=Figure(figsize=(6.8, 4.2), layout="constrained"))
    check_axes(fig.axes[0], names)


def test_himmelblau_gradient_norm_runs_and_tolerance_differ_without_colour():
    """Himmelblau p. 12: three panels (runs of 5–8, 25–46 and 381 iterations); the
    tolerance 10⁻⁶ was black dots like L-BFGS (and, in the last panel, Adam, whose 381
    steps are drawn without markers).  Its legend entry looks like the line drawn."""
    lengths = {"Newton": 5, "BFGS": 7, "L-BFGS": 8, "CG": 8, "GD": 46, "momentum": 34,
               "Nesterov": 25, "Adam": 381}
    norms = {k: 10.0 ** np.linspace(2.0, -7.5, n + 1) for k, n in lengths.items()}
    fig = plots.plot_grad_norm(norms, gtol=1e-6,
                               fig=Figure(figsize=(6.8, 3.75), layout="constrained"))
    assert len(fig.axes) == 3
    for ax in fig.axes:
        refs = [ln for ln in ax.lines if is_reference(ln)]
        assert len(refs) == 1  # the tolerance is drawn in every panel
        check_axes(ax, list(lengths))
        legend = ax.get_legend()
        entry = next(h for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)
                     if t.get_text().startswith("gradient tolerance"))
        assert look(entry) == look(refs[0])
        assert entry.get_color() == refs[0].get_color()
