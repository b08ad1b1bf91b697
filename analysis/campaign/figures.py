"""Figures of the campaign report: hyperparameter grids (the ECDFs and the performance profiles,
which are the ECDFs of the performance ratios over the problems, are drawn by
:func:`analysis.plots.plot_ecdf`).

Drawn with the project's style (:func:`analysis.plots.styled`, one colour, line style and
marker per method from :func:`analysis.plots.series_styles`, legends below the axes inside the
figure); every series lies inside its axes (checked by :func:`analysis.plots.audit`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from numpy.typing import ArrayLike, NDArray

from analysis.plots import (
    OKABE_ITO,
    _outside_legend,
    fmt,
    new_figure,
    styled,
)


def tidy_log_x(fig: Any) -> Any:
    """Label log x axes at 1, 2, 5 × 10^k (a span under a decade), 1, 3 × 10^k (under two) or
    10^k only, with no minor labels: a narrow span otherwise gets overlapping minor labels."""
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullFormatter

    for ax in fig.axes:
        if ax.get_xscale() != "log":
            continue
        lo, hi = ax.get_xlim()
        span = hi / lo if lo > 0 else np.inf
        subs = (1.0, 2.0, 5.0) if span < 10 else (1.0, 3.0) if span < 100 else (1.0,)
        ax.xaxis.set_major_locator(LogLocator(subs=subs))
        ax.xaxis.set_major_formatter(LogFormatterSciNotation(labelOnlyBase=False))
        ax.xaxis.set_minor_formatter(NullFormatter())
    return fig


def log_grid(values: ArrayLike) -> bool:
    """Whether a grid axis is drawn (and interpolated) in log10: all values positive and
    spanning a factor of at least 10 (0.001, 0.003, 0.01, … is not exactly geometric)."""
    v = np.asarray(values, dtype=float)
    return bool(v.size > 1 and np.all(v > 0) and v.max() / v.min() >= 10.0)


#: significant digits of a share of starts wherever the report prints one (a grid's cells,
#: the tables), so that one number reads the same in both (0.145, not 0.14 in the grid)
SHARE_DIGITS = 3
#: significant digits of a stability boundary's η wherever a grid's figure or caption prints
#: it (the legend of a 1-D grid, :func:`boundary_note`): one form of the same threshold
BOUNDARY_DIGITS = 3


def share_text(v: float) -> str:
    """A share as the report prints it: :data:`SHARE_DIGITS` significant digits, as the tables'
    cells (``0.145``, ``1``, ``0``)."""
    return fmt(v, SHARE_DIGITS)


#: edge colour of a grid cell where some start diverged
DIVERGED_EDGE = OKABE_ITO["vermillion"]


def profile_limit(ratios: ArrayLike) -> float:
    """Right end of the τ axis: twice the largest finite ratio, at least 2."""
    r = np.asarray(ratios, dtype=float)
    fin = r[np.isfinite(r)]
    return max(2.0, 2.0 * float(fin.max())) if fin.size else 2.0


# ============================================================================ grids


@dataclass
class Grid:
    """A method's 1- or 2-D hyperparameter grid on one objective: axis names and values,
    ``share`` (len(y) × len(x), NaN = no such cell) of starts reaching the reference target,
    ``diverged`` cells (some start diverged), and the predicted stability boundary as
    ``boundary(y) → largest stable x`` (None without theory)."""

    x_name: str
    x: NDArray[np.float64]
    share: NDArray[np.float64]
    diverged: NDArray[np.bool_]
    y_name: str | None = None
    y: NDArray[np.float64] | None = None
    boundary: Callable[[float], float | None] | None = None
    boundary_label: str = "predicted stability boundary"
    #: what ``share`` counts (starts reaching the target, or converged when f* is unknown)
    share_label: str = "share reaching the target"


def axis_positions(values: ArrayLike, v: ArrayLike) -> NDArray[np.float64]:
    """Cell-index coordinate of ``v`` on a grid axis with cells centred on 0, 1, …: linear
    interpolation between the grid values (in log10 on a :func:`log_grid`), extrapolated by
    the end spacing (half a cell beyond the ends is the axis edge)."""
    g = np.asarray(values, dtype=float)
    w = np.asarray(v, dtype=float)
    if g.size == 1:
        return np.zeros_like(w) if g[0] == 0 else w / g[0] - 1.0
    geo = log_grid(g)
    tr = np.log10 if geo else (lambda a: a)
    with np.errstate(divide="ignore", invalid="ignore"):
        tg, tw = tr(g), tr(np.where(w > 0, w, np.nan) if geo else w)
    idx = np.interp(tw, tg, np.arange(g.size, dtype=float))
    lo = (tw - tg[0]) / (tg[1] - tg[0])
    hi = g.size - 1 + (tw - tg[-1]) / (tg[-1] - tg[-2])
    return np.where(tw < tg[0], lo, np.where(tw > tg[-1], hi, idx))


def _ticks(ax: Any, values: NDArray[np.float64], axis: str,
           lim: tuple[float, float] | None = None) -> None:
    """Ticks at the cells of a grid axis, labelled with their values (at most 8), and, where
    the axis runs on past its cells to ``lim`` (:func:`grid_xlim`), grey ticks at the whole
    cell positions there labelled with the values the axis's end spacing gives them
    (:func:`extension_ticks`), so that a boundary drawn past the cells can be read."""
    pos = np.arange(values.size)
    labels = [fmt(v, 3) for v in values]
    step = max(1, int(np.ceil(values.size / 8)))
    ext_pos, ext_val = extension_ticks(values, lim) if lim is not None else ([], [])
    ticks = [*pos[::step], *ext_pos]
    texts = [*labels[::step], *(fmt(v, 2) for v in ext_val)]
    (ax.set_xticks if axis == "x" else ax.set_yticks)(ticks, texts)
    got = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    for t in got[len(ticks) - len(ext_pos):]:
        t.set_color(EXTENSION_GREY)


#: the colour of the ticks of a grid axis past its cells (:func:`extension_ticks`)
EXTENSION_GREY = "0.45"


def extension_ticks(values: ArrayLike, lim: tuple[float, float]) -> tuple[list[int], list[float]]:
    """The whole cell positions of a grid axis past its cells within ``lim`` and the values
    there by the end spacing :func:`axis_positions` extrapolates with: on a log grid
    0.01, 0.05, 0.1 (×2 from the last column) position 3 is 0.2, on a linear one the last
    difference is added per cell."""
    g = np.asarray(values, dtype=float)
    if g.size < 2:
        return [], []
    geo = log_grid(g)
    tg = np.log10(g) if geo else g
    n = g.size
    out = [p for p in range(n, int(np.floor(lim[1])) + 1)]
    out += [p for p in range(-1, int(np.ceil(lim[0])) - 1, -1)]
    vals = []
    for p in out:
        t = (tg[-1] + (p - (n - 1)) * (tg[-1] - tg[-2]) if p >= n
             else tg[0] + p * (tg[1] - tg[0]))
        vals.append(float(10.0 ** t) if geo else float(t))
    return out, vals


#: how far (in cells) a grid's x axis runs on past its outer cells to hold the stability
#: boundary; a boundary reaching farther is drawn up to there, and the caption says where the
#: rest lies (:func:`boundary_note`).  Two cells hold η < 2(1+β)/L for β = 0, 0.5, 0.9 on
#: an η grid 0.01, 0.05, 0.1 with L = 10: 0.2, 0.3, 0.38 lie at 3.0, 3.58, 3.93, the last
#: column's edge at 2.5 (one cell held only the first)
BOUNDARY_REACH = 2.0
#: room (in cells) between the boundary's farthest point and the edge of the axes
BOUNDARY_PAD = 0.06


def boundary_points(g: Grid, samples: int = 200) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """The boundary x = boundary(y) over the y axis along the cells' edges, not cut: a row
    of cells stands for one y value, so in each row the boundary is a vertical segment from
    the row's lower edge to its upper edge (at x = boundary of the row's y), and the
    segments of adjacent rows are joined along their common edge.  Cell-index coordinates
    (px, py), about ``samples`` points in all, and the values (x, y) they stand for (px
    NaN where the theory has no boundary; x and y NaN on a join, which stands for no
    value)."""
    assert g.y is not None and g.boundary is not None
    ny = g.y.size
    each = max(2, samples // (2 * ny))
    xs_row = np.array([np.nan if (b := g.boundary(float(y))) is None else b for y in g.y])
    px_row = axis_positions(g.x, xs_row)
    px_row[~np.isfinite(px_row)] = np.nan
    px, py, xs, ys = [], [], [], []
    for i in range(ny):
        py.append(np.linspace(i - 0.5, i + 0.5, each))  # up the row, at its boundary
        px.append(np.full(each, px_row[i]))
        xs.append(np.full(each, xs_row[i]))
        ys.append(np.full(each, g.y[i]))
        if i + 1 < ny:  # along the edge to the next row's boundary
            px.append(np.linspace(px_row[i], px_row[i + 1], each))
            py.append(np.full(each, i + 0.5))
            xs.append(np.full(each, np.nan))
            ys.append(np.full(each, np.nan))
    return (np.concatenate(px), np.concatenate(py), np.concatenate(xs),
            np.concatenate(ys))


#: How the campaign's pages write the grid's hyperparameters: the step size (learning rate)
#: η, the momentum β, the dampening δ (not τ, which is the profiles' performance ratio);
#: other names as :data:`analysis.report.HYPER_SYMBOLS` writes them, or as given.
GRID_SYMBOLS = {"lr": "η", "momentum": "β", "dampening": "δ"}


#: hyperparameters whose words on a page are not their names
HYPER_WORDS = {"lr": "step size"}


def hyper_symbol(name: str) -> str:
    """``lr`` → ``η``, ``momentum`` → ``β``, ``dampening`` → ``δ``, ``beta1`` → ``β₁``; a name
    with no symbol as it is."""
    from analysis.report import HYPER_SYMBOLS

    return GRID_SYMBOLS.get(name, HYPER_SYMBOLS.get(name, name))


def axis_name(name: str) -> str:
    """A grid axis as the figures name it: the hyperparameter in words and the page's symbol
    (``lr`` → ``step size η``, ``momentum`` → ``momentum β``); a name with no symbol as is."""
    sym = hyper_symbol(name)
    return name if sym == name else f"{HYPER_WORDS.get(name, name)} {sym}"


def grid_xlim(g: Grid) -> tuple[float, float]:
    """x limits of a 2-D grid's axes in cell-index coordinates: the cells (−½ … n − ½), run
    on past either end to hold the boundary's points there plus :data:`BOUNDARY_PAD`, by at
    most :data:`BOUNDARY_REACH` cells (none when no point of the boundary lies within that
    reach: an empty strip would show nothing)."""
    lo, hi = -0.5, g.x.size - 0.5
    if g.y is None or g.boundary is None:
        return lo, hi
    px = boundary_points(g)[0]
    fin = px[np.isfinite(px)]
    near = fin[(fin >= lo - BOUNDARY_REACH) & (fin <= hi + BOUNDARY_REACH)]
    if near.size:
        cut_hi = bool((fin > hi + BOUNDARY_REACH).any())
        cut_lo = bool((fin < lo - BOUNDARY_REACH).any())
        if near.max() > hi:
            hi = hi + BOUNDARY_REACH if cut_hi else min(near.max() + BOUNDARY_PAD,
                                                        hi + BOUNDARY_REACH)
        if near.min() < lo:
            lo = lo - BOUNDARY_REACH if cut_lo else max(near.min() - BOUNDARY_PAD,
                                                        lo - BOUNDARY_REACH)
    return lo, hi


def boundary_curve(g: Grid, samples: int = 200) -> tuple[NDArray, NDArray]:
    """The boundary x = boundary(y) in cell-index coordinates over the y axis as a step line:
    each row's upright segment where it lies within the axes of :func:`grid_xlim`, and the
    join along the edge between two rows only when both rows' segments are drawn (NaN
    elsewhere) — a join towards a row whose boundary lies off the axes would end in a
    stub along the row edge at the axes' side, standing for no value (the caption gives
    where that row's boundary lies, :func:`boundary_note`)."""
    px, py, xs, _ = boundary_points(g, samples)
    lo, hi = grid_xlim(g)
    out = ~np.isfinite(px) | (px < lo) | (px > hi)
    row = np.isfinite(xs) | np.isnan(px)  # a row's own points (a join's xs are NaN)
    # each join lies between the row points before it and those after it
    before = np.maximum.accumulate(np.where(row, np.arange(px.size), -1))
    after = np.minimum.accumulate(np.where(row, np.arange(px.size), px.size)[::-1])[::-1]
    for t in np.flatnonzero(~row):
        a, b = before[t], after[t]
        if a < 0 or b >= px.size or out[a] or out[b]:
            out[t] = True
    px[out] = np.nan
    return px, py


def boundary_note(g: Grid) -> str:
    """What the caption says of the boundary's drawing: that the x axis runs on past the cells
    to hold it (:func:`grid_xlim`), and where a part it cannot hold lies (its y range and the
    extreme x there), and then the boundary's values at its first and last rows, which the
    axes (ticked at the cells only) do not show, e.g. ``The η axis runs on past the last column
    (same spacing) to hold the boundary; for β = 0.31 … 0.99 it lies right of the axes (η up
    to 0.47); the boundary is at η = 0.02 for β = 0 and η = 0.038 for β = 0.9.``  Within the
    cells only its values: ``The boundary is at η = 0.002 for β = 0 and …``.  A 1-D grid's
    note says how its boundary is drawn: ``The dashed grey line (a triangle on the top
    edge) is the predicted boundary η = 0.2, drawn under the measured line.``  Empty without
    a boundary (or with a 1-D one off the axis)."""
    if g.y is None:
        b = line_boundary(g, *line_xlim(g))
        return "" if b is None else (
            f"The dashed grey line (a triangle on the top edge) is the predicted boundary "
            f"{hyper_symbol(g.x_name)} = {fmt(b, BOUNDARY_DIGITS)}, drawn under the "
            "measured line.")
    if g.boundary is None:
        return ""
    px, _, xs, ys = boundary_points(g, samples=2000)  # the ends to about 1/1000 of the axis
    lo, hi = grid_xlim(g)
    xn, yn = hyper_symbol(g.x_name), hyper_symbol(g.y_name)
    parts = []
    if (lo, hi) != (-0.5, g.x.size - 0.5):
        ends = ("first and last columns" if lo < -0.5 and hi > g.x.size - 0.5
                else "last column" if hi > g.x.size - 0.5 else "first column")
        parts.append(f"The {xn} axis runs on past the {ends} (same spacing, ticked in "
                     "grey) to hold the boundary")
    for side, out, far in (("right", px > hi, np.nanmax), ("left", px < lo, np.nanmin)):
        out = out & np.isfinite(px) & np.isfinite(ys)
        if out.any():
            word = "up to" if side == "right" else "down to"
            a, b = fmt(ys[out].min(), 2), fmt(ys[out].max(), 2)
            parts.append(f"for {yn} = {a if a == b else f'{a} … {b}'} "
                         f"it lies {side} of the axes ({xn} {word} "
                         f"{fmt(float(far(xs[out])), 2)})")
    rows = [(y, b) for y in g.y if (b := g.boundary(float(y))) is not None and math.isfinite(b)]
    if rows:  # between or past the ticked cells the boundary's values are read here, at its ends
        ends = [rows[0]] if len(rows) == 1 else [rows[0], rows[-1]]
        parts.append("the boundary is at " + " and ".join(
            f"{xn} = {fmt(b, BOUNDARY_DIGITS)} for {yn} = {fmt(float(y), 3)}"
            for y, b in ends))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if parts else ""


#: half width and half height of a cell's number, in cells (a 3 × 3 grid in a half-width
#: figure has cells about 70 × 65 pt; "0.145" at 8 pt is about 22 × 8 pt), and the offset of a
#: number moved off the boundary line: the same for every moved number, sideways first
LABEL_HALF = (0.19, 0.09)
LABEL_SHIFT = 0.28


def label_clearance(x: float, y: float, px: ArrayLike, py: ArrayLike) -> float:
    """Smallest distance (in cells, Chebyshev) from the curve (px, py) to the box of a number
    centred at (x, y): ``min_k max(|px_k − x| − w, |py_k − y| − h)`` with (w, h) =
    :data:`LABEL_HALF`; ∞ when no point of the curve is drawn."""
    cx, cy = np.asarray(px, float), np.asarray(py, float)
    ok = np.isfinite(cx) & np.isfinite(cy)
    if not ok.any():
        return math.inf
    d = np.maximum(np.abs(cx[ok] - x) - LABEL_HALF[0], np.abs(cy[ok] - y) - LABEL_HALF[1])
    return float(d.min())


def label_position(j: int, i: int, px: ArrayLike, py: ArrayLike,
                   clear: float = 0.08) -> tuple[float, float]:
    """Where cell (i, j)'s number goes: its centre, or, when the curve comes within ``clear``
    of it there, the first of left/right/below/above by :data:`LABEL_SHIFT` that is clear
    (else the one farthest from the curve), so every moved number moves by the same amount."""
    cands = [(j, i), (j - LABEL_SHIFT, i), (j + LABEL_SHIFT, i), (j, i - LABEL_SHIFT),
             (j, i + LABEL_SHIFT)]
    gaps = [label_clearance(x, y, px, py) for x, y in cands]
    for c, g in zip(cands, gaps, strict=True):
        if g >= clear:
            return float(c[0]), float(c[1])
    k = int(np.argmax(gaps))
    return float(cands[k][0]), float(cands[k][1])


def cell_fontsize(shape: tuple[int, int]) -> float:
    """Size in points of the numbers in the cells: 8 up to 5 cells a row, 7 up to 8."""
    return 8.0 if max(shape) <= 5 else 7.0


def _cells_text(ax: Any, share: NDArray[np.float64], px: NDArray, py: NDArray) -> None:
    """The share written in each cell (grids up to 8 × 8); a number the boundary line would
    cross is moved off it (:func:`label_position`) and outlined, so both read."""
    from matplotlib import patheffects

    ny, nx = share.shape
    if nx > 8 or ny > 8:
        return
    size = cell_fontsize(share.shape)
    for i in range(ny):
        for j in range(nx):
            if not np.isfinite(share[i, j]):
                continue
            x, y = label_position(j, i, px, py)
            moved = (x, y) != (j, i)
            dark = share[i, j] < 0.6
            halo = [patheffects.withStroke(linewidth=2.0,
                                           foreground="black" if dark else "white")]
            ax.text(x, y, share_text(share[i, j]), ha="center", va="center", fontsize=size,
                    color="white" if dark else "black", zorder=6,
                    path_effects=halo if moved else None)


def grid_is_flat(g: Grid) -> bool:
    """Whether a grid has nothing to show: every cell the same share and the same diverged
    mark, and no stability boundary inside its axes (a one-colour map, nothing to compare)."""
    v = g.share[np.isfinite(g.share)]
    same = v.size == 0 or bool(np.all(v == v[0]))
    marks = bool(g.diverged.all() or not g.diverged.any())
    if g.boundary is None:
        line = False
    elif g.y is None:
        b = g.boundary(0.0)
        line = b is not None and bool(-0.5 <= axis_positions(g.x, [b])[0] <= g.x.size - 0.5)
    else:
        line = bool(np.isfinite(boundary_curve(g)[0]).any())
    return same and marks and not line


@styled
def plot_grid(g: Grid, *, title: str, fig: Any = None) -> Any:
    """A 2-D grid as a heatmap (share reaching the reference target), cells where a start
    diverged outlined, the predicted stability boundary drawn over it; a 1-D grid as a line
    of the share against the value, the threshold a vertical line."""
    fig = new_figure(fig)
    ax = fig.add_subplot()
    handles: list[Any] = []
    if g.y is None:
        _line(ax, g, handles)
    else:
        mesh = ax.imshow(np.ma.masked_invalid(g.share), origin="lower", aspect="auto",
                         cmap=mpl.colormaps["viridis"], norm=Normalize(0.0, 1.0),
                         extent=(-0.5, g.x.size - 0.5, -0.5, g.y.size - 0.5))
        fig.colorbar(mesh, ax=ax, pad=0.02).set_label(g.share_label)
        px, py = boundary_curve(g) if g.boundary is not None else (np.zeros(0), np.zeros(0))
        _cells_text(ax, g.share, px, py)
        for i, j in zip(*np.nonzero(g.diverged), strict=True):
            ax.add_patch(Rectangle((j - 0.46, i - 0.46), 0.92, 0.92, fill=False,
                                   ec=DIVERGED_EDGE, lw=1.6))
        if g.diverged.any():
            handles.append(Patch(fill=False, ec=DIVERGED_EDGE, lw=1.6,
                                 label="a start diverged (measured unstable)"))
        if g.boundary is not None:
            if np.isfinite(px).any():
                (h,) = ax.plot(px, py, color="black", lw=2.0, label=g.boundary_label)
                handles.append(h)
        ax.set_xlim(*grid_xlim(g))
        ax.set_ylim(-0.5, g.y.size - 0.5)
        _ticks(ax, g.x, "x", grid_xlim(g))
        _ticks(ax, g.y, "y")
        ax.set_ylabel(axis_name(g.y_name))
        ax.grid(False)
    ax.set_xlabel(axis_name(g.x_name))
    ax.set_title(title)
    _outside_legend(fig, handles, ncols=1)
    return fig


#: the sizes, in points, of a 1-D grid's point, of the square around a diverged cell and of
#: its edge where the cells lie far apart, and the least gap kept between the squares of
#: neighbouring cells
LINE_MARKER, DIVERGED_MARKER, DIVERGED_EDGE_W, MARKER_GAP = 4.0, 8.0, 1.5, 1.0


def neighbour_spacing(x: ArrayLike, lo: float, hi: float, log: bool, width: float) -> float:
    """The least distance, in points, between neighbouring cells of a 1-D grid drawn on an
    axis from ``lo`` to ``hi`` ``width`` points wide (in log10 when ``log``): ``width ·
    min Δu``, u = (x − lo)/(hi − lo) (of log10 x on a log axis); ∞ for one cell."""
    t = np.log10(np.asarray(x, float)) if log else np.asarray(x, float)
    a, b = (math.log10(lo), math.log10(hi)) if log else (lo, hi)
    u = np.sort((t - a) / (b - a))
    return float(width * np.diff(u).min()) if u.size > 1 else math.inf


def line_marker_sizes(spacing: float, squares: float | None = None
                      ) -> tuple[float, float, float]:
    """(point, square, edge) sizes of a 1-D grid's markers, cells ``spacing`` points apart
    and diverged cells (the squared ones) ``squares`` points apart (default ``spacing``):
    :data:`LINE_MARKER` scaled by s(spacing), :data:`DIVERGED_MARKER` and
    :data:`DIVERGED_EDGE_W` by s(squares), s(d) = min(1, (d − :data:`MARKER_GAP`)/(square +
    edge)), so that neighbouring squares (outer side square + edge) stay a gap apart and
    each point stays inside its square (s(spacing) ≤ s(squares)); the edge at least 0.6 pt.
    η = 0.19 and 0.21 both diverged on a log axis from 0.0077 to 0.27, about 200 pt wide,
    lie 5.3 pt apart: s = 0.45, squares of 3.6 pt instead of the 8 that overlapped; a lone
    diverged cell keeps its 8-pt square whatever its neighbours' points (a 3.6-pt square
    beside 4-pt points of other cells was hard to see)."""
    def scale(d: float) -> float:
        return min(1.0, max(d - MARKER_GAP, 0.0) / (DIVERGED_MARKER + DIVERGED_EDGE_W))

    s, q = scale(spacing), scale(spacing if squares is None else max(squares, spacing))
    return LINE_MARKER * s, DIVERGED_MARKER * q, max(0.6, DIVERGED_EDGE_W * q)


#: how a 1-D grid draws its predicted boundary (:func:`_line`): a thin dashed grey line
#: under the measured line (zorder 1.5 < 2.5), marked by a triangle on the axes' top edge,
#: where no data lie.
#: Drawn black, 1.6 pt, over the data, it hid the share's drop between η = 0.19 and 0.21
#: on either side of 2/L = 0.2 (quadratic, GD), and the drop hid it.
LINE_BOUNDARY_STYLE: dict[str, Any] = {
    "color": "0.35", "lw": 0.9, "ls": (0, (4, 2)), "zorder": 1.5, "marker": "v", "ms": 6.0,
    "mfc": "black", "mec": "black", "markevery": [1], "clip_on": False}


def line_xlim(g: Grid) -> tuple[float, float]:
    """The x limits of a 1-D grid's line: its cells' range widened ×1.3 each way on a log
    axis (:func:`log_grid`), else by 5% of the range (at least 0.5% of the largest x)."""
    if log_grid(g.x):
        return float(g.x.min() / 1.3), float(g.x.max() * 1.3)
    pad = 0.05 * max(float(np.ptp(g.x)), abs(float(g.x.max())) * 0.1, 1e-12)
    return float(g.x.min() - pad), float(g.x.max() + pad)


def line_boundary(g: Grid, lo: float, hi: float) -> float | None:
    """The η of a 1-D grid's predicted boundary (its value at y = 0) when it lies on the
    axis [``lo``, ``hi``], else None."""
    b = g.boundary(0.0) if g.boundary is not None else None
    return b if b is not None and lo <= b <= hi else None


def _line(ax: Any, g: Grid, handles: list[Any]) -> None:
    share = g.share.ravel()
    div = g.diverged.ravel()
    geo = log_grid(g.x)
    lo, hi = line_xlim(g)
    fig = ax.get_figure()
    width = fig.get_figwidth() * 72.0 * ax.get_position().width  # before the layout: less
    point, square, edge = line_marker_sizes(neighbour_spacing(g.x, lo, hi, geo, width),
                                            neighbour_spacing(g.x[div], lo, hi, geo, width))
    (h,) = ax.plot(g.x, share, marker="o", color=OKABE_ITO["blue"], ms=point,
                   label=g.share_label, zorder=LINE_BOUNDARY_STYLE["zorder"] + 1)
    handles.append(h)
    if div.any():  # the legend's key at full size: squares shrunk to stay apart are small
        ax.plot(g.x[div], share[div], ls="none", marker="s", ms=square, mfc="none",
                mec=DIVERGED_EDGE, mew=edge, label="a start diverged (measured unstable)",
                zorder=LINE_BOUNDARY_STYLE["zorder"] + 1)
        handles.append(Line2D([], [], ls="none", marker="s", ms=DIVERGED_MARKER, mfc="none",
                              mec=DIVERGED_EDGE, mew=DIVERGED_EDGE_W,
                              label="a start diverged (measured unstable)"))
    if geo:
        ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.05, 1.05)
    b = line_boundary(g, lo, hi)
    if b is not None:
        handles.append(ax.axvline(b, label=f"{g.boundary_label}: {fmt(b, BOUNDARY_DIGITS)}",
                                  **LINE_BOUNDARY_STYLE))
    ax.set_ylabel("share of starts")
