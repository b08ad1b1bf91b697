"""Figures of the lecture phenomena the study adds: chords, surfaces, SGD, schedules, momentum.

Same conventions as :mod:`analysis.plots` (whose palette, styles and helpers these reuse):
every function draws into ``fig`` (a Figure or SubFigure, or a new one) and returns it; every
series lies inside its axes (limits are left to matplotlib or set from the data), and legends
sit inside the figure, below the axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch
from matplotlib.ticker import MaxNLocator, NullLocator
from numpy.typing import ArrayLike

from analysis.plots import (
    FIGSIZE,
    GREY,
    KIND_STYLE,
    OKABE_ITO,
    FigureLike,
    _outside_legend,
    _positive,
    color,
    end_marker_key,
    fmt,
    fmt_rate,
    linestyle,
    marker,
    new_figure,
    styled,
    window_steps,
)

#: A run shorter than the longest by more than this factor shares no error axis with it in
#: :func:`plot_error_ratios`: on an axis 3× its length its line is so steep that the theory
#: line drawn ×10 above it (one decade up) merges with it.
STEEP_SPREAD = 3.0
#: At most about this many ratio markers per series in :func:`plot_error_ratios`.
MAX_MARKERS = 60

__all__ = [
    "plot_chords",
    "error_multiples",
    "plot_error_ratios",
    "plot_decay_vs_constant",
    "plot_minibatch_variance",
    "plot_momentum_weights",
    "plot_noise_ball",
    "plot_schedules",
    "plot_surfaces",
    "ratio_axes",
    "ratio_marks",
]


#: the colour (a key of :data:`~analysis.plots.OKABE_ITO`) of the chords of
#: :func:`plot_chords`, named by captions with :func:`~analysis.plots.colour_word`
CHORD_COLOUR = "purple"


@styled
def plot_chords(
    panels: Sequence[Mapping[str, Any]],
    *,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """One panel per function: its graph, chords between pairs of points, and where the graph
    rises above a chord (the refutation of convexity: f(αa + (1 − α)b) > αf(a) + (1 − α)f(b)).

    Each panel is a mapping with ``title``, ``x`` (grid), ``f`` (values on the grid),
    ``chords`` (list of (a, b) pairs of grid abscissae) and optionally ``xlabel`` (default
    ``x``).
    """
    fig = new_figure(fig, figsize)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    above_drawn = False
    for ax, p in zip(axes, panels, strict=True):
        x, f = np.asarray(p["x"], float), np.asarray(p["f"], float)
        ax.plot(x, f, color=OKABE_ITO["blue"], lw=1.8, zorder=3)
        for j, (a, b) in enumerate(p["chords"]):
            fa, fb = np.interp(a, x, f), np.interp(b, x, f)
            ax.plot([a, b], [fa, fb], color=OKABE_ITO[CHORD_COLOUR], lw=1.2, ls=linestyle(j),
                    marker="o", ms=3.5, zorder=4)
            inside = (x >= a) & (x <= b)
            chord = fa + (fb - fa) * (x[inside] - a) / (b - a)
            above = np.where(f[inside] > chord + 1e-12, f[inside], np.nan)
            if np.any(np.isfinite(above)):
                ax.plot(x[inside], above, color=OKABE_ITO["green"], lw=4.0, alpha=0.8,
                        zorder=2, solid_capstyle="butt")
                above_drawn = True
        ax.set_title(p["title"], fontsize=9)
        ax.set_xlabel(p.get("xlabel", "x"))
    axes[0].set_ylabel("f(x)")
    handles = [Line2D([], [], color=OKABE_ITO["blue"], lw=1.8, label="graph of f"),
               Line2D([], [], color=OKABE_ITO[CHORD_COLOUR], lw=1.2, marker="o", ms=3.5,
                      label="chords αf(a) + (1 − α)f(b)")]
    if above_drawn:
        handles.append(Line2D([], [], color=OKABE_ITO["green"], lw=4.0, alpha=0.8,
                              label="graph above a chord (not convex)"))
    _outside_legend(fig, handles)
    return fig


#: At most this many intervals between the x (and the y) ticks of a 3-D surface panel: the two
#: axes' tick labels meet at the panel's front corner, where more would run together.
SURFACE_TICKS = 2


@styled
def plot_surfaces(
    panels: Sequence[Mapping[str, Any]],
    *,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """3-D surfaces z = f(x, y), one panel each, with an optional optimizer path on the surface.

    Each panel: ``title``, ``X``, ``Y``, ``Z`` (meshgrids), optionally ``path`` ((K, 3): x, y,
    f), ``path_label``, ``points`` (list of (x, y, z, kind) critical points) and ``zlabel``
    (the height axis, "f" unless given).  A path's ends are marked as on the curves
    (:func:`analysis.plots.end_marker_key`): its start x₀ an open circle, its last iterate a
    black-edged square in the path's colour, both drawn unshaded above the surface
    (:func:`_surface_ends`).  The x and y axes carry few ticks (:data:`SURFACE_TICKS`).
    """
    fig = new_figure(fig, figsize)
    handles: list[Any] = []
    for i, p in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1, projection="3d")
        ax.plot_surface(p["X"], p["Y"], p["Z"], cmap="viridis", alpha=0.55, linewidth=0,
                        antialiased=True, rstride=2, cstride=2)
        ax.contour(p["X"], p["Y"], p["Z"], zdir="z", offset=float(np.min(p["Z"])),
                   levels=12, cmap="viridis", linewidths=0.6)
        path = p.get("path")
        if path is not None:
            path = np.asarray(path, float)
            (h,) = ax.plot(path[:, 0], path[:, 1], path[:, 2], color=OKABE_ITO["vermillion"],
                           marker="o", ms=2.5, lw=1.4, zorder=10,
                           label=p.get("path_label", "path"))
            base = float(np.min(p["Z"]))
            ax.plot(path[:, 0], path[:, 1], np.full(len(path), base), color=h.get_color(),
                    ls="--", lw=1.0)
            if not any(x.get_label() == h.get_label() for x in handles):
                handles.append(h)
                handles += _surface_ends(ax, path, h.get_color())
            else:
                _surface_ends(ax, path, h.get_color())
        for x, y, z, kind in p.get("points", ()):
            m, c, s = KIND_STYLE.get(kind, KIND_STYLE["unknown"])
            h = ax.scatter([x], [y], [z], marker=m, s=s * 6, c=c, edgecolors="black",
                           depthshade=False, zorder=11, label=f"{kind} (critical point)")
            if not any(x_.get_label() == h.get_label() for x_ in handles):
                handles.append(h)
        ax.set_title(p["title"], fontsize=9)
        ax.set_xlabel("x", labelpad=-2)
        ax.set_ylabel("y", labelpad=-2)
        ax.set_zlabel(p.get("zlabel", "f"), labelpad=-2)
        for axis in (ax.xaxis, ax.yaxis):  # few ticks: the x and y labels meet at a corner
            axis.set_major_locator(MaxNLocator(SURFACE_TICKS, steps=[1, 2, 5, 10]))
        ax.tick_params(labelsize=7, pad=0)
        ax.view_init(elev=p.get("elev", 28), azim=p.get("azim", -58))
    _outside_legend(fig, handles)
    return fig


def _surface_ends(ax: Any, path: np.ndarray, colour: str) -> list[Any]:
    """Mark the start (row 0) and the last iterate (last row) of a path (x, y, f) on a 3-D
    panel as :func:`analysis.plots.end_marker_key` names them — an open circle, a
    black-edged square in ``colour`` — unshaded by depth and above the path (zorder), so
    that the surface does not hide them; returns their legend entries."""
    ends, names = end_marker_key({"path": path})
    start, square = ends
    ax.scatter(*path[:1].T, marker="o", s=start.get_markersize() ** 2, facecolors="white",
               edgecolors="black", linewidths=start.get_markeredgewidth(), depthshade=False,
               zorder=12)
    ax.scatter(*path[-1:].T, marker="s", s=square.get_markersize() ** 2, c=colour,
               edgecolors="black", linewidths=1.0, depthshade=False, zorder=12)
    square.set_color(colour)
    square.set_markerfacecolor(colour)
    for h, name in zip(ends, names, strict=True):
        h.set_label(name)
    return ends


@styled
def plot_noise_ball(
    points: ArrayLike,
    variances: Sequence[float],
    *,
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """End points of many constant-step SGD runs around the minimum (0, 0) with the
    theoretical 1σ and 2σ ellipses of the stationary distribution (axes √Var_i, 2√Var_i).

    The end points are drawn as their density, so that thousands of them do not merge into
    one blot: the count in each cell of a :data:`NOISE_BALL_BINS` × :data:`NOISE_BALL_BINS`
    grid over the square axes, shaded light to dark (colour bar below; white: no end point), under
    the ellipses (:func:`noise_ball_counts`; say so in the caption)."""
    from matplotlib import patheffects

    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    P = np.asarray(points, float)
    sd = np.sqrt(np.asarray(variances, float))
    span = 1.05 * max(np.max(np.abs(P), axis=0).max(), 2.2 * sd.max())
    counts, edges = noise_ball_counts(P, span)
    import matplotlib as mpl

    light = mpl.colors.ListedColormap(  # from a pale blue: a cell of one end point shows
        mpl.colormaps["Blues"](np.linspace(0.15, 1.0, 256)))
    mesh = ax.pcolormesh(edges, edges, np.ma.masked_equal(counts.T, 0), cmap=light,
                         vmin=0.0, vmax=float(counts.max()), rasterized=True, zorder=1)
    cb = fig.colorbar(mesh, ax=ax, orientation="horizontal", pad=0.02, shrink=0.8,
                      aspect=30)  # below: a half-width panel has no width to spare
    cb.set_label("end points per cell")
    halo = [patheffects.withStroke(linewidth=3.0, foreground="white")]  # seen on dark cells
    for j, k in enumerate((1, 2)):
        ax.add_patch(Ellipse((0, 0), 2 * k * sd[0], 2 * k * sd[1], fill=False,
                             color="black", ls=("-", "--")[j], lw=1.3, path_effects=halo,
                             zorder=3))
    ax.plot([0], [0], marker="*", ms=9, color=KIND_STYLE["minimum"][1], mec="black", ls="",
            zorder=4)
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title or "Constant-step SGD: the noise ball")
    handles = [Patch(color=mesh.cmap(0.6), label=f"end points of the {len(P)} runs, per "
                                                 "cell (colour bar)"),
               Line2D([], [], color="black", label="theory: 1σ ellipse"),
               Line2D([], [], color="black", ls="--", label="theory: 2σ ellipse"),
               Line2D([], [], ls="", marker="*", ms=9, color=KIND_STYLE["minimum"][1],
                      mec="black", label="minimum")]
    _outside_legend(fig, handles, ncols=2)
    return fig


#: cells per side of the grid :func:`plot_noise_ball` counts the end points in
NOISE_BALL_BINS = 50


def noise_ball_counts(points: ArrayLike, span: float, bins: int = NOISE_BALL_BINS
                      ) -> tuple[np.ndarray, np.ndarray]:
    """How many of ``points`` (rows (x₁, x₂)) lie in each cell of a ``bins`` × ``bins`` grid
    over [−``span``, ``span``]² (``counts[i, j]``: x₁ in cell i, x₂ in cell j), and the
    cells' edges (the same for both axes)."""
    P = np.asarray(points, float)
    edges = np.linspace(-span, span, bins + 1)
    counts, _, _ = np.histogram2d(P[:, 0], P[:, 1], bins=(edges, edges))
    return counts, edges


def _log_spaced(k: np.ndarray, count: int = 24, phase: float = 0.0) -> np.ndarray:
    """Indices into the increasing positive iterations ``k`` at about ``count`` log-spaced
    values (first and last included): markers that stay readable on a log axis.  ``phase``
    (0 ≤ phase < 1) shifts them by that share of one log step (then the first index is
    not forced), so that series of equal values get their markers side by side instead of
    on one another."""
    if k.size <= count:
        return np.arange(k.size)
    lo, hi = np.log(max(float(k[0]), 1.0)), np.log(float(k[-1]))
    step = (hi - lo) / (count - 1)
    want = np.exp(np.clip(lo + (np.arange(count) + phase) * step, lo, hi))
    idx = np.clip(np.searchsorted(k, want), 0, k.size - 1)
    return np.unique(np.r_[idx, k.size - 1] if phase else np.r_[0, idx, k.size - 1])


def _free_marks(idx: np.ndarray, values: np.ndarray, taken: dict[int, list[float]],
                rtol: float = 0.05) -> np.ndarray:
    """The marker indices ``idx`` of one series moved off the markers of earlier series
    (``taken``: index → values marked there, updated): an index whose value another series
    already marks there (within ``rtol``) moves to the nearest free index within ±2, else is
    dropped — equal series then alternate their markers instead of hiding them."""
    out: list[int] = []
    n = values.size
    for j in (int(i) for i in idx):
        for c in (j, j + 1, j - 1, j + 2, j - 2):
            if 0 <= c < n and c not in out and not any(
                    np.isclose(values[c], v, rtol=rtol) for v in taken.get(c, [])):
                out.append(c)
                break
    for c in out:
        taken.setdefault(c, []).append(float(values[c]))
    return np.asarray(sorted(out), dtype=int)


@styled
def plot_decay_vs_constant(
    k: ArrayLike,
    measured: Mapping[str, ArrayLike],
    theory: Mapping[str, ArrayLike],
    *,
    runs: int | None = None,
    title: str | None = None,
    ylabel: str = "mean (xₖ − x*)² (log)",
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Measured mean-square errors against iteration beside their exact expected values.

    Left (log–log): the exact expected value of each setting as a line (the recursion
    s_(k+1) = (1 − η_k L)² s_k + η_k² σ²) and the measured mean over the runs as markers on
    top of it at log-spaced k, so neither hides the other (staggered between the
    series, :func:`_log_spaced` with a phase, and moved off each other where the means are
    equal, :func:`_free_marks`, so that equal means show side by side).
    Right: the ratio measured/theory against k, each setting in a panel of its own (one
    above the other, sharing both axes: series run with the same noise draws rise and fall
    together and, on one panel, lie on top of one another), titled with the setting, in its
    colour and line style (thinner than its theory line, and with its marker filled at
    intervals) — agreement is the ratio staying near 1 (the black line, named in the
    legend).  The legend has one entry per setting (its theory line with its open marker),
    its title saying what lines, open markers and the right panels are, so that it stays
    short beside panels tall enough to read; with ``runs`` (R) the band
    1 ± 2√(2/R) is two standard errors of a mean of R squared Gaussians (the relative
    standard error of a mean of x² over R runs is at most √(2/R) when x is Gaussian)."""
    fig = new_figure(fig, figsize)
    with_ratio = [lab for lab in measured if theory.get(lab) is not None]
    panels = ratio_panels(fig, max(1, len(with_ratio)))
    ax = panels[0]
    kk = np.asarray(k, float)
    handles: list[Any] = []
    taken: dict[int, list[float]] = {}
    for i, (label, m) in enumerate(measured.items()):
        m = np.asarray(m, float)
        t = theory.get(label)
        if t is not None:
            t = np.asarray(t, float)
            ax.plot(kk, _positive(t), color=color(i), lw=1.2, ls=linestyle(i), zorder=2,
                    label=f"{label}: theory")
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = m / t
            ok = np.isfinite(ratio)
            # the series' marker, filled, spaced along the line: with its theory line's style
            # and colour alone the two legend entries differed only by line width
            # (a few, log-spaced and staggered between the series: the ratios zig-zag)
            every = _log_spaced(kk[ok], count=8, phase=i / max(len(measured), 1)).tolist()
            axr = panels[1 + with_ratio.index(label)]
            if len(with_ratio) > 1:
                axr.set_title(label.split(" (")[0], fontsize=7, pad=2)
                if axr.yaxis.get_tick_params().get("labelleft", True):
                    axr.set_ylabel("ratio")  # the size of the figure's other axis labels
            axr.plot(kk[ok], ratio[ok], color=color(i), lw=0.9, ls=linestyle(i),
                     marker=marker(i), ms=3, markevery=every, zorder=3,
                     label=f"{label}: measured / theory (right)")
        idx = _free_marks(_log_spaced(kk, phase=i / max(len(measured), 1)), m, taken)
        ax.plot(kk[idx], _positive(m[idx]), ls="", marker=marker(i), ms=4, mfc="none",
                mew=1.0, color=color(i), zorder=4, label=f"{label}: measured")
        # one entry per setting: its theory line with its open marker on it (the panels of
        # the ratios are titled with the setting, the legend's title says what is what)
        handles.append(Line2D([], [], color=color(i), lw=1.2,
                              ls=linestyle(i) if t is not None else "", marker=marker(i),
                              ms=4, mfc="none", mew=1.0, label=label))
    for a in panels:
        a.set_xscale("log")
    ax.set_xlabel("iteration k (log scale)")
    for a in panels[1:]:
        if a.xaxis.get_tick_params().get("labelbottom", True):
            a.set_xlabel("k (log scale)")
    ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Constant step: a floor; decaying steps: to the minimum", fontsize=9)
    band = 2.0 * float(np.sqrt(2.0 / runs)) if runs else None
    for axr in panels[1:]:
        one = axr.axhline(1.0, color="black", lw=0.9, zorder=2,
                          label="measured = theory (ratio 1)")
        if band is not None:
            axr.axhspan(1 - band, 1 + band, color=GREY, alpha=0.25, lw=0, zorder=1)
    handles.append(one)
    if band is not None and len(panels) > 2:
        # short shared panels: ticked at 1 and the band's edges, with the same decimals, when
        # their labels stand apart (:func:`band_ticks_fit`); when only the edges' labels,
        # 2·band apart, do, 1 is ticked without one (the black line at 1 is in the legend);
        # else the locator's ticks stay
        ticks = [1 - band, 1.0, 1 + band]
        names = [f"{t:.3f}" for t in ticks]
        if not band_ticks_fit(panels[1], band):
            names[1] = ""
        if band_ticks_fit(panels[1], 2 * band):
            panels[1].set_yticks(ticks, names)
    if band is not None:
        handles.append(Patch(facecolor=GREY, alpha=0.25,
                             label=f"ratio band 1 ± 2√(2/R), R = {runs}"))
    if len(panels) == 2:
        panels[1].set_ylabel("measured / theory")
        panels[1].set_title("Measured over theory", fontsize=9)
    _outside_legend(fig, handles, ncols=3, title=(
        "lines: theory; open markers: measured; right: measured / theory (line with filled "
        "markers" + (", one panel per setting)" if len(panels) > 2 else ")")))
    return fig


#: tick labels stand apart when their ticks are this many label heights apart at least
#: (:func:`band_ticks_fit`)
TICK_GAP = 2.0


def band_ticks_fit(ax: Any, band: float) -> bool:
    """Whether ticks at 1 − band, 1 and 1 + band on ``ax`` stand :data:`TICK_GAP` label heights
    apart: band/(y_max − y_min)·h ≥ TICK_GAP·s, h the axes' height in points (its grid slot,
    an upper bound of its height after layout: titles and labels take up to 65% of a short
    slot, so the slot counts for 0.35) and s the tick labels' size.  The quick study's
    panels, 0.35 of a 4.6 in figure with a band of ±0.089 over 0.85–1.17, fail it: their
    three labels overlapped."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    lo, hi = ax.get_ylim()
    h = 0.35 * ax.get_position().height * ax.get_figure(root=True).get_figheight() * 72.0
    size = FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
    return hi > lo and band / (hi - lo) * h >= TICK_GAP * size


def ratio_panels(fig: FigureLike, n: int) -> list[Any]:
    """The axes of :func:`plot_decay_vs_constant`: the left panel over the full height
    (width 1.4) and ``n`` ratio panels on the right (width 1.0 in all), two a row when
    n > 1, sharing the x and y axes (the panels are short: at most 3 y ticks in steps of 1,
    2 or 5 × 10ⁿ, which put one at 1 on a ratio axis, no closer steps when fewer than two
    fall in view; :func:`plot_decay_vs_constant` ticks them at 1 and its band's edges), x
    tick labels on the lowest row and y tick labels on the first column only."""
    cols = 1 if n == 1 else 2
    rows = -(-n // cols)
    gs = fig.add_gridspec(rows, 1 + cols, width_ratios=[1.4] + [1.0 / cols] * cols)
    left = fig.add_subplot(gs[:, 0])
    right: list[Any] = []
    for j in range(n):
        r, c = divmod(j, cols)
        share = right[0] if right else None
        a = fig.add_subplot(gs[r, 1 + c], sharex=share, sharey=share)
        a.tick_params(labelbottom=r == rows - 1 or j + cols >= n, labelleft=c == 0)
        if n > 1:  # short panels: three y ticks at most, their labels apart
            a.yaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10], min_n_ticks=1))
        right.append(a)
    return [left, *right]


@styled
def plot_minibatch_variance(
    sizes: ArrayLike,
    measured: ArrayLike,
    theory: ArrayLike,
    population: int,
    *,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Variance of the minibatch gradient against the batch size B (log–log): measured
    (markers), theory s²(N − B)/(B(N − 1)) (line), and the i.i.d. law s²/B (dotted).
    B = N (zero variance) cannot be drawn on a log axis and is left out."""
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    B = np.asarray(sizes, float)
    m, t = np.asarray(measured, float), np.asarray(theory, float)
    keep = B < population
    fine = np.geomspace(B[keep].min(), B[keep].max(), 80)
    s2 = t[0] * B[0] * (population - 1) / (population - B[0])
    h1 = ax.plot(fine, s2 * (population - fine) / (fine * (population - 1)), color="black",
                 lw=1.2, label="theory s²(N − B)/(B(N − 1))")[0]
    h2 = ax.plot(fine, s2 / fine, color=GREY, ls=":", lw=1.4,
                 label="s²/B (sampling with replacement)")[0]
    h3 = ax.plot(B[keep], _positive(m[keep]), ls="", marker="o", ms=5,
                 color=OKABE_ITO["vermillion"], label="measured over the runs")[0]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch size B (log scale)")
    ax.set_ylabel("trace of Var[g_B] (log scale)")
    ax.set_title(f"Minibatch gradient variance, N = {population} samples")
    _outside_legend(fig, [h3, h1, h2], ncols=1)
    return fig


@styled
def plot_schedules(
    curves: Mapping[str, ArrayLike],
    *,
    recovered: Mapping[str, ArrayLike] | None = None,
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Learning rate η_k against step k for each schedule (closed form, lines) and the step
    sizes read back from runs (markers, every few steps, in the schedule's colour and
    shape): a schedule's legend entry shows its line with its marker, and the legend's
    title says what lines and markers are.  The legend stands beside the axes: below them,
    its seven entries in one column made the figure as tall as a table of the study."""
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    handles = []
    for i, (label, eta) in enumerate(curves.items()):
        e = np.asarray(eta, float)
        (h,) = ax.plot(np.arange(e.size), e, color=color(i), ls=linestyle(i), lw=1.5,
                       label=label)
        r = (recovered or {}).get(label)
        if r is not None:
            r = np.asarray(r, float)
            idx = np.arange(0, r.size, max(1, r.size // 12))
            ax.plot(idx, r[idx], ls="", marker=marker(i), ms=4, mfc="none", color=color(i))
            h = Line2D([], [], color=color(i), ls=linestyle(i), lw=1.5, marker=marker(i),
                       ms=4, mfc="none", label=label)  # the line with its run's markers
        handles.append(h)
    ax.set_xlabel("step k")
    ax.set_ylabel("learning rate η_k")
    ax.set_title(title or "Learning-rate schedules")
    _outside_legend(fig, handles, title=(
        "lines: closed forms; markers: read back from a run, 1 − x_(k+1)/x_k"
        if recovered else None), beside=True)
    return fig


@styled
def plot_momentum_weights(
    betas: Sequence[float],
    horizon: int,
    *,
    floor: float = 1e-6,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Weight (1 − β)βʲ of the gradient j steps back in the momentum average, for each β,
    with the window j = 1/(1 − β) marked (dotted); weights below ``floor`` are not drawn."""
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    t = np.arange(horizon + 1)
    handles = []
    for i, b in enumerate(betas):
        w = (1 - b) * b**t
        keep = w >= floor  # drawn down to the floor (not clipped by the axes)
        (h,) = ax.plot(t[keep] + 1, w[keep], color=color(i), ls=linestyle(i), marker=marker(i),
                       ms=2.5, markevery=0.08, label=f"β = {fmt(b, 3)}")
        handles.append(h)
        win = 1.0 / (1.0 - b)
        if win <= horizon:
            ax.axvline(win + 1, color=color(i), ls=":", lw=1.0)
    handles.append(Line2D([], [], color=GREY, ls=":",
                          label="window 1/(1 − β), in its β's colour"))
    ax.set_yscale("log")
    ax.set_xscale("log")
    # the axis is log(j + 1) (j = 0 has a place), its ticks are labelled with j itself
    ages = [j for j in (0, 1, 3, 10, 30, 100, 300, 1000) if j <= horizon]
    ax.set_xticks([j + 1 for j in ages], [str(j) for j in ages])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("age j of the gradient (drawn at log(j + 1))")
    ax.set_ylabel("weight (1 − β)βʲ (log scale)")
    ax.set_title("Momentum's weights on past gradients")
    _outside_legend(fig, handles, ncols=2)
    return fig


def error_multiples(errors: Mapping[str, ArrayLike], rates: Mapping[str, float | None],
                    windows: Mapping[str, tuple[int, int] | None] | None = None) -> bool:
    """Whether :func:`plot_error_ratios` draws the errors as small multiples (one panel per
    label): runs of lengths differing by more than :data:`STEEP_SPREAD`
    (:func:`analysis.plots.length_groups`) or a theory line lost among the other series
    (:func:`analysis.plots.crowded_theory`)."""
    from analysis.plots import crowded_theory, length_groups

    series = {k: np.asarray(v, float) for k, v in errors.items()}
    theory = {k: float(r) for k, r in rates.items() if r is not None and k in series}
    return len(series) > 1 and (
        len(length_groups({k: len(v) for k, v in series.items()}, STEEP_SPREAD)) > 1
        or bool(crowded_theory(series, theory, windows)))


@styled
def plot_error_ratios(
    errors: Mapping[str, ArrayLike],
    rates: Mapping[str, float],
    *,
    mark: int | None = None,
    windows: Mapping[str, tuple[int, int] | None] | None = None,
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
    rate_texts: Mapping[str, str] | None = None,
) -> FigureLike:
    """Left: errors e_k against k (log scale) and, for each label with a predicted ρ, its
    slope ρᵏ dashed ≥ ×10 above over the fit window (:func:`analysis.plots.
    offset_theory_line`, the rule of :func:`analysis.plots.plot_error`).  Right: the per-step
    ratios e_(k+1)/e_k
    (hollow markers, at most about ``MAX_MARKERS`` per series: a long run is thinned by
    :func:`analysis.plots.thin_indices`) against the predicted rates ρ (dashed horizontal
    lines, thin and light, under the markers, which are white inside), so theory and measurement are
    both visible instead of one hiding the other.  ``windows``: label → (first, last)
    iteration of its rate fit; the ratios of such a label are drawn over that window only
    (early transients and a long tail would set the scale), the panel's title says so, and
    its x limits are those of the ratios drawn; series whose iterations differ much in
    length (:func:`analysis.plots.ratio_groups`) get ratio panels of their own, stacked,
    each over its own iterations (a short window on a long axis kept two markers) and each
    with its x axis named.
    ``mark``: an iteration to mark (dotted).  ``rate_texts``: label → its ρ as the text and
    tables print it (``0.858945``), else :func:`fmt_rate`'s.
    Runs of very different lengths (:func:`analysis.plots.length_groups`, spread
    :data:`STEEP_SPREAD`) or a theory line lost among the other series
    (:func:`analysis.plots.crowded_theory`) put the errors in small multiples, one panel per
    label (a short run on a long axis is so steep that its offset line merges with it)."""
    from analysis.plots import (
        ErrorPanels,
        _error_axes,
        _finish_error_axes,
        clear_theory_lines,
        draw_ratios,
        k_limits,
        offset_theory_line,
        ratio_groups,
        ratio_span,
        ratio_theory_line,
        space_ratio_markers,
        split_ratio_axes,
    )

    fig = new_figure(fig, figsize)
    series = {k: np.asarray(v, float) for k, v in errors.items()}
    theory = {k: float(r) for k, r in rates.items() if r is not None and k in series}
    multiples = error_multiples(series, rates, windows)
    plan = ErrorPanels(list(theory), list(series), [], [], list(series), multiples=multiples)
    lefts, right = _error_axes(fig, list(series), plan)
    ratios = {}  # label → (k, r_k = e_(k+1)/e_k at iteration k, as in the tables)
    for label, e in series.items():
        k = np.arange(e.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = e[1:] / e[:-1]
        ok = np.isfinite(r) & (e[:-1] > 0)
        kr, rr = k[:-1][ok], r[ok]
        win = (windows or {}).get(label)
        if win is not None:
            inwin = window_steps(kr, win)
            kr, rr = kr[inwin], rr[inwin]
        ratios[label] = (kr, rr)
    spans = {k: (int(kr.min()), int(kr.max())) for k, (kr, _) in ratios.items() if kr.size}
    groups = ratio_groups(spans) or [[]]
    rights = split_ratio_axes(right, len(groups))
    panel = {k: rights[g] for g, members in enumerate(groups) for k in members}
    handles = []
    for i, (label, e) in enumerate(series.items()):
        left = lefts[label]
        axr = panel.get(label, rights[0])
        k = np.arange(e.size)
        # solid with markers: the dashes are theory's (its slope, drawn ≥ ×10 above)
        (h,) = left.plot(k, _positive(e), color=color(i), ls="-", lw=1.4, marker=marker(i),
                         ms=3, markevery=max(1, e.size // 12), label=f"{label}: measured")
        handles.append(h)
        kr, rr = ratios[label]
        win = (windows or {}).get(label)
        if kr.size:
            draw_ratios(axr, kr, rr, color(i), marker(i), most=MAX_MARKERS)
        rho = rates.get(label)
        if rho is not None and np.isfinite(e).any():
            kk, yy = offset_theory_line(e, rho, win)  # the rule of plot_error: ≥ ×10 above
            left.plot(kk, yy, color=color(i), ls=(0, (4, 2)), lw=1.2, zorder=4)
        if rho is not None:
            ratio_theory_line(axr, rho, color(i), span=ratio_span(
                kr, sum(panel.get(m, rights[0]) is axr for m in theory)))
            shown = (rate_texts or {}).get(label, fmt_rate(rho))
            handles.append(Line2D([], [], color=color(i), ls="--",
                                  label=f"{label}: theory ρ = {shown} (left: slope "
                                        "ρᵏ, ≥ ×10 above)"))
    if mark is not None:
        for ax in dict.fromkeys(lefts.values()):
            ax.axvline(mark, color=GREY, ls=":", lw=1.2)
        handles.append(Line2D([], [], color=GREY, ls=":", label=f"k = {mark}"))
    _finish_error_axes(fig, lefts, series, plan, title or "Error against iteration",
                       "iteration k", "error ‖xₖ − x*‖ (log scale)")
    if not multiples:
        next(iter(lefts.values())).title.set_fontsize(9)
    for axr, members in zip(rights, groups, strict=True):
        axr.set_xlabel("iteration k")  # stacked panels each run over iterations of their own
        axr.set_ylabel("ratio e_(k+1)/e_k" if len(rights) == 1 else "e_(k+1)/e_k")
        drawn = [v for k in members for v in spans.get(k, ())]
        if drawn:  # the iterations of its own ratios
            axr.set_xlim(*k_limits(min(drawn), max(drawn)))
        lo, hi = axr.get_xlim()
        if mark is not None and lo <= mark <= hi:  # a panel past the mark does not show it
            axr.axvline(mark, color=GREY, ls=":", lw=1.2)
        clear_theory_lines(axr)
        space_ratio_markers(axr)
    rights[0].set_title("Per-step ratio" + (" in fit windows" if any(
        (windows or {}).get(k) is not None for k in errors) else " (markers)")
        + " vs theory ρ (dashed)", fontsize=9)
    _outside_legend(fig, handles, ncols=2)
    return fig


#: names of the markers a ratio series may be drawn with, as a caption says them
MARKER_NAMES = {"o": "circle", "s": "square", "^": "triangle", "v": "triangle",
                "<": "triangle", ">": "triangle", "D": "diamond", "d": "diamond",
                "p": "pentagon", "h": "hexagon", "X": "cross", "P": "plus", "*": "star"}


def ratio_axes(fig: FigureLike) -> list[Any]:
    """The axes of a drawn figure (and of its subfigures) that hold per-step ratio markers
    (:func:`analysis.plots.draw_ratios`): the ratio panels, whose label the caller may make
    say what the ratio is of."""
    from analysis.plots import _containers

    return [ax for sub in _containers(fig) for ax in sub.axes
            if any(ln.get_gid() == "ratios" for ln in ax.get_lines())]


def series_namer(fig: FigureLike) -> Any:
    """line → the legend label of the series a marked line of a drawn figure belongs to
    (the entry of its colour and marker), else its marker's name."""
    from matplotlib.colors import same_color

    from analysis.plots import _containers

    entries = []  # (legend handle, its text) of every line entry
    for sub in _containers(fig):
        for lg in sub.legends:
            for h, t in zip(lg.legend_handles, lg.get_texts(), strict=False):
                if isinstance(h, Line2D):
                    entries.append((h, " ".join(t.get_text().split())))

    def name(ln: Any) -> str:
        return next((t for h, t in entries if h.get_marker() == ln.get_marker()
                     and same_color(h.get_color(), ln.get_color())),
                    MARKER_NAMES.get(str(ln.get_marker()), str(ln.get_marker())))

    return name


#: A ratio series reads as threaded on its theory line (:func:`markers_on_lines`) from this
#: many markers on: one or two markers on a line make no dashed-looking series (quadratic
#: p. 11: CG's single ratio, on its bound).
ON_LINE_LEAST = 3


def markers_on_lines(fig: FigureLike) -> list[str]:
    """The series of a drawn figure's ratio panels whose every marker, at least
    :data:`ON_LINE_LEAST` of them, lies on the series' own theory line
    (:func:`analysis.plots.ratio_theory_line`, of its colour, or the panel's only one): its
    centre within half the marker's size of the line on the page, the rule by which
    :func:`analysis.plots.space_ratio_markers` spaces markers on a line.  Such a series
    reads as dashed, its markers threaded on the dashes (himmelblau p. 11: GD's and
    momentum's ratios equal ρ to four digits), and a caption says so; named by its legend
    label without a parenthetical ("CG", not "CG (finite termination at k = 2)")."""
    from matplotlib.colors import same_color

    from analysis.plots import _root, marked_points

    name = series_namer(fig)
    out: list[str] = []
    for ax in ratio_axes(fig):
        scale = 72.0 / _root(ax.figure).dpi
        theory = [ln for ln in ax.get_lines() if ln.get_gid() == "theory"]
        for ln in ax.get_lines():
            if ln.get_gid() != "ratios" or not ln.get_visible():
                continue
            own = [t for t in theory if len(theory) == 1
                   or same_color(t.get_color(), ln.get_color())]
            xy = marked_points(np.c_[np.asarray(ln.get_xdata(), float),
                                     np.asarray(ln.get_ydata(), float)], ln.get_markevery())
            if not own or len(xy) < ON_LINE_LEAST:
                continue
            py = ax.transData.transform(xy)[:, 1] * scale
            ty = np.array([ax.transData.transform((0.0, float(t.get_ydata()[0])))[1] * scale
                           for t in own])
            near = np.min(np.abs(py[:, None] - ty[None, :]), axis=1)
            label = name(ln).split(" (", 1)[0]  # not the legend's "(finite termination …)"
            if np.all(near < 0.5 * ln.get_markersize()) and label not in out:
                out.append(label)
    return out


def ratio_marks(fig: FigureLike) -> dict[str, tuple[list[int], list[int]]]:
    """What the ratio panels of a drawn figure mark, per series (the markers of
    :func:`analysis.plots.draw_ratios` left after :func:`analysis.plots.space_ratio_markers`):
    the series' legend label (or its marker's name when no legend entry has its colour and
    marker) → (the iterations k whose ratio has a marker, the ones of them drawn larger and
    hollow around an equal marker of a series drawn before).  For a caption that says what
    is drawn."""
    name = series_namer(fig)
    out: dict[str, tuple[list[int], list[int]]] = {}
    for ax in ratio_axes(fig):
        for ln in ax.get_lines():
            gid = ln.get_gid()
            if gid not in ("ratios", "ratios-around"):
                continue
            x = np.asarray(ln.get_xdata(), float)
            every = ln.get_markevery() if gid == "ratios" else None
            idx = range(x.size) if every is None else every
            ks = [int(round(x[i])) for i in idx]
            drawn, around = out.setdefault(name(ln), ([], []))
            drawn += ks
            if gid == "ratios-around":
                around += ks
    return {k: (sorted(d), sorted(a)) for k, (d, a) in out.items()}


def error_marks(fig: FigureLike) -> list[tuple[bool, list[int]]]:
    """What the marked lines of a drawn figure's panels other than its ratio panels
    (:func:`ratio_axes`) mark, per visible line that draws markers: (whether its markers are
    filled, not white or hollow, the iterations k that carry one, read from the line's
    ``markevery``).  For a caption that says what is drawn."""
    from matplotlib.colors import same_color

    from analysis.plots import _NO_MARKER, _containers, marked_points

    ratios = ratio_axes(fig)
    out = []
    for ax in (ax for sub in _containers(fig) for ax in sub.axes if ax not in ratios):
        for ln in ax.get_lines():
            if (not ln.get_visible() or ln.get_marker() in _NO_MARKER
                    or ln.get_markersize() <= 0):
                continue
            xy = np.column_stack([np.asarray(ln.get_xdata(), float),
                                  np.asarray(ln.get_ydata(), float)])
            ks = [int(round(k)) for k in marked_points(xy, ln.get_markevery())[:, 0]]
            face = ln.get_markerfacecolor()
            filled = not (str(face).lower() == "none" or same_color(face, "white"))
            out.append((filled, ks))
    return out
