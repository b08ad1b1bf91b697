"""Figures of landscapes and optimizer runs, as :class:`matplotlib.figure.Figure` objects.

Every function *returns* a figure (it works in Jupyter, where a returned Figure is displayed,
and in scripts, where ``fig.savefig(...)`` writes it); nothing here touches pyplot's global
state, opens a window or calls ``show``.  Each function also accepts ``fig=`` — an existing
:class:`~matplotlib.figure.Figure` or :class:`~matplotlib.figure.SubFigure` to draw into (the
report pages use this) — and then returns that object.

Conventions shared by all figures:

* colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies) and every
  series also differs by line style or marker, so the figures survive grey-scale printing;
* errors, gradient norms and derivatives that span decades are drawn on log axes;
* legends sit outside the data area (below the axes) so they never hide data, and the layout is
  matplotlib's constrained layout so nothing is cut off;
* axis labels say what is plotted; titles say what the figure shows.

Inputs are plain arrays or the result objects of the analysis modules, read by attribute
(duck typing): :class:`landscape.critical.CriticalPoint`, :class:`landscape.vanishing.ChainStudy`,
the sweeps of :mod:`analysis.sweeps` and the rate studies of :mod:`analysis.rates`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from numpy.typing import ArrayLike, NDArray

FigureLike = Figure | SubFigure

#: Okabe & Ito (2008) colour-blind-safe palette (yellow left out: too pale on white).
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
PALETTE = tuple(OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky",
                                       "black"))
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2)),
              (0, (6, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
GREY = "#9a9a9a"
#: basin maps: starts that end on a cycle
CYCLE_COLOR = "#3b3b3b"

#: How critical points are drawn: marker, face colour (all with a black edge).
KIND_STYLE = {
    "minimum": ("*", OKABE_ITO["yellow"], 15),
    "maximum": ("^", OKABE_ITO["vermillion"], 9),
    "saddle": ("X", OKABE_ITO["sky"], 10),
    "unknown": ("D", GREY, 7),
}

#: Default size of a stand-alone figure, inches (fits the text width of an A4 page).
FIGSIZE = (6.8, 4.2)

STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.titlesize": 11,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "lines.markersize": 4,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "viridis",
}


def color(i: int) -> str:
    """The i-th series colour (cycling through :data:`PALETTE`)."""
    return PALETTE[i % len(PALETTE)]


def linestyle(i: int) -> Any:
    """The i-th series line style (cycling through :data:`LINESTYLES`)."""
    return LINESTYLES[i % len(LINESTYLES)]


def marker(i: int) -> str:
    """The i-th series marker."""
    return MARKERS[i % len(MARKERS)]


def styled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a plotting function under :data:`STYLE` (read when the artists are created)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mpl.rc_context(STYLE):
            return fn(*args, **kwargs)

    return wrapper


def new_figure(fig: FigureLike | None = None, figsize: tuple[float, float] = FIGSIZE
               ) -> FigureLike:
    """``fig`` itself, or a new constrained-layout :class:`Figure` (no pyplot involved)."""
    if fig is not None:
        return fig
    return Figure(figsize=figsize, layout="constrained")


def fmt(v: Any, digits: int = 3) -> str:
    """A number in ``%g`` style with ``digits`` significant digits ('—' for None/NaN)."""
    if v is None:
        return "—"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}g}"


def _outside_legend(fig: FigureLike, handles: Sequence[Any], labels: Sequence[str] | None = None,
                    ncols: int | None = None) -> Any:
    """A legend below the axes of ``fig`` (outside the data area)."""
    if not handles:
        return None
    if labels is None:
        labels = [h.get_label() for h in handles]
    n = len(handles)
    size = float(mpl.rcParams["legend.fontsize"]) if isinstance(
        mpl.rcParams["legend.fontsize"], (int, float)) else 8.0
    longest = max((len(s) for s in labels), default=10)
    entry = 0.52 * size * longest + 3.2 * size  # points: text + handle + padding
    try:
        width = fig.get_window_extent().width / fig.dpi * 72.0
    except Exception:  # noqa: BLE001 - unknown container size: assume a full figure
        width = FIGSIZE[0] * 72.0
    fit = max(1, int(width // entry))
    ncols = fit if ncols is None else min(ncols, fit)
    ncols = max(1, min(n, ncols, 4))
    return fig.legend(handles, labels, loc="outside lower center", ncols=ncols)


def _wrap_title(title: str, fig: FigureLike, size: float = 10.0) -> str:
    """Wrap a title to the width of its (sub)figure (about 0.55 em per character)."""
    import textwrap

    try:
        width_in = fig.get_window_extent().width / fig.dpi
    except Exception:  # noqa: BLE001 - unusual containers: no wrapping
        return title
    chars = max(20, int(width_in * 72.0 / (0.55 * size)))
    return "\n".join(textwrap.wrap(title, chars)) if len(title) > chars else title


def _as_series(data: ArrayLike | Mapping[str, ArrayLike], default: str = "run"
               ) -> dict[str, NDArray[np.float64]]:
    """A mapping label → 1-D float array (a bare array becomes ``{default: array}``)."""
    if isinstance(data, Mapping):
        return {str(k): np.asarray(v, dtype=float).ravel() for k, v in data.items()}
    return {default: np.asarray(data, dtype=float).ravel()}


def _as_paths(data: ArrayLike | Mapping[str, ArrayLike], n: int, default: str = "run"
              ) -> dict[str, NDArray[np.float64]]:
    """A mapping label → (K+1, n) float array of iterates."""
    items = data.items() if isinstance(data, Mapping) else [(default, data)]
    return {str(k): np.asarray(v, dtype=float).reshape(-1, n) for k, v in items}


# ============================================================================ evaluation


def evaluator(f: Any, n: int | None = None) -> Callable[[NDArray[np.float64]], NDArray]:
    """A function mapping an (N, n) array of points to the (N,) values of ``f``.

    ``f`` may be an :class:`~landscape.objective.Objective` (its compiled kernels are used), a
    :class:`~landscape.compiled.CompiledObjective`, or a Python callable that accepts the
    (N, n) array (or, failing that, one point at a time; for n = 1 a 1-D array of x values).
    """
    compiled = getattr(f, "compiled", None)
    if compiled is not None and hasattr(compiled, "values"):
        return compiled.values
    if hasattr(f, "values") and callable(f.values):
        return f.values
    if not callable(f):
        raise TypeError("f must be an Objective, a CompiledObjective or a callable")

    def call(points: NDArray[np.float64]) -> NDArray:
        pts = np.asarray(points, dtype=float)
        arg = pts[:, 0] if pts.shape[1] == 1 else pts
        try:
            out = np.asarray(f(arg), dtype=float).ravel()
            if out.shape[0] == pts.shape[0]:
                return out
        except Exception:  # noqa: BLE001 - fall back to one point at a time
            pass
        return np.array([float(f(p[0] if p.shape[0] == 1 else p)) for p in pts])

    return call


def derivative_evaluator(f: Any) -> Callable[[NDArray[np.float64]], NDArray]:
    """For a one-variable objective: x values (N,) → f'(x) values (N,) (compiled kernels)."""
    compiled = getattr(f, "compiled", f)
    if hasattr(compiled, "gradients"):
        return lambda x: compiled.gradients(np.asarray(x, float).reshape(-1, 1))[:, 0]
    raise TypeError("need an Objective (or CompiledObjective) or an explicit fprime")


# ============================================================================ 1-D curve


def _declutter(xs: Sequence[float], span: float, limit: int, min_gap: float = 0.06
               ) -> list[int]:
    """Indices (at most ``limit``) of iterates to number, skipping ones that would overlap."""
    chosen: list[int] = []
    for i, x in enumerate(xs):
        if len(chosen) >= limit:
            break
        if not np.isfinite(x):
            continue
        if all(abs(x - xs[j]) > min_gap * span for j in chosen):
            chosen.append(i)
    return chosen


@styled
def plot_curve_1d(
    f: Any,
    paths: ArrayLike | Mapping[str, ArrayLike],
    *,
    xlim: tuple[float, float] | None = None,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "f(x)",
    numbered: int = 8,
    arrows: int = 25,
    legend: bool = True,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """The curve y = f(x) with the iterates of one or more 1-D runs on it.

    ``paths``: an array of iterates x₀, x₁, … (or a mapping label → array for several runs).
    Successive iterates are joined by arrows (the first ``arrows`` steps), the first
    ``numbered`` iterates carry their index (skipping ones that would overlap), the start is a
    black-edged circle and the last iterate a square.  The x-range covers ``xlim`` (default:
    the iterates, padded) and all iterates.  ``legend=False`` leaves the legend out (for
    small multiples).
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    runs = _as_paths(paths, 1)
    values = evaluator(f, 1)
    allx = np.concatenate([p[:, 0] for p in runs.values()]) if runs else np.zeros(1)
    allx = allx[np.isfinite(allx)]
    lo, hi = (float(allx.min()), float(allx.max())) if allx.size else (-1.0, 1.0)
    if xlim is not None:
        lo, hi = min(lo, xlim[0]), max(hi, xlim[1])
    pad = 0.08 * (hi - lo if hi > lo else max(1.0, abs(hi)))
    lo, hi = lo - pad, hi + pad
    grid = np.linspace(lo, hi, 801)
    ax.plot(grid, values(grid.reshape(-1, 1)), color="0.25", lw=1.3, label=ylabel, zorder=1)
    handles = [ax.lines[-1]]
    span = hi - lo
    for i, (label, p) in enumerate(runs.items()):
        xs = p[:, 0]
        ys = values(p)
        c = color(i)
        (h,) = ax.plot(xs, ys, ls="none", marker=marker(i), color=c, ms=4.5, zorder=3,
                       label=f"{label} ({len(xs) - 1} steps)")
        handles.append(h)
        for k in range(min(arrows, len(xs) - 1)):
            if np.all(np.isfinite([xs[k], ys[k], xs[k + 1], ys[k + 1]])):
                ax.annotate("", xy=(xs[k + 1], ys[k + 1]), xytext=(xs[k], ys[k]),
                            arrowprops=dict(arrowstyle="->", color=c, lw=0.9, alpha=0.8,
                                            shrinkA=2, shrinkB=2), zorder=2)
        for j in _declutter(list(xs), span, numbered):
            ax.annotate(str(j), (xs[j], ys[j]), textcoords="offset points",
                        xytext=(4, 5 + 7 * (i % 2)), fontsize=7, color=c, zorder=4)
        ax.plot(xs[:1], ys[:1], marker="o", ms=9, mfc="none", mec="black", mew=1.4, ls="none",
                zorder=4)
        ax.plot(xs[-1:], ys[-1:], marker="s", ms=7, color=c, mec="black", ls="none", zorder=4)
    handles.append(Line2D([], [], marker="o", ms=9, mfc="none", mec="black", mew=1.4,
                          ls="none", label="start x₀"))
    handles.append(Line2D([], [], marker="s", ms=7, color=GREY, mec="black", ls="none",
                          label="last iterate"))
    ax.set_xlim(lo, hi)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(_wrap_title(title or "Iterates on the curve (numbers = iteration index)",
                             fig))
    if legend:
        _outside_legend(fig, handles)
    return fig


# ============================================================================ contours


def _grid_values(f: Any, box: NDArray, resolution: int) -> tuple[NDArray, NDArray, NDArray]:
    xs = np.linspace(box[0, 0], box[0, 1], resolution)
    ys = np.linspace(box[1, 0], box[1, 1], resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = evaluator(f, 2)(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
    return X, Y, Z


def contour_levels(Z: NDArray, count: int = 18) -> tuple[NDArray, bool]:
    """Contour levels for the values ``Z``: geometric above the minimum when the values span
    more than two decades (a valley like Rosenbrock's), else evenly spaced.  Returns the levels
    and whether they are geometric."""
    z = Z[np.isfinite(Z)]
    if z.size == 0:
        return np.linspace(0.0, 1.0, count), False
    zmin, zmax = float(z.min()), float(z.max())
    if zmax <= zmin:
        return np.array([zmin - 1.0, zmin, zmin + 1.0]), False
    shifted = z - zmin
    pos = shifted[shifted > 0]
    low = float(np.percentile(pos, 0.5)) if pos.size else 1.0
    if pos.size and (zmax - zmin) / max(low, 1e-300) > 1e3:
        levels = zmin + np.geomspace(max(low, (zmax - zmin) * 1e-6), zmax - zmin, count)
        return np.concatenate([[zmin], levels]), True
    return np.linspace(zmin, zmax, count + 1), False


def _critical_handles(ax: Any, critical_points: Iterable[Any], box: NDArray | None,
                      dim: int) -> list[Line2D]:
    """Draw critical points by kind; returns legend handles (kind and count)."""
    counts: dict[str, int] = {}
    for cp in critical_points or ():
        point = np.asarray(_attr(cp, "point"), dtype=float).ravel()
        kind = str(_attr(cp, "kind", "unknown"))
        if kind not in KIND_STYLE:
            kind = "unknown"
        if box is not None and np.any((point < box[:, 0]) | (point > box[:, 1])):
            continue
        m, face, size = KIND_STYLE[kind]
        y = point[1] if dim == 2 else float(_attr(cp, "value"))
        ax.plot(point[0], y, marker=m, ms=size, mfc=face, mec="black", mew=0.9, ls="none",
                zorder=6)
        counts[kind] = counts.get(kind, 0) + 1
    handles = []
    for kind in KIND_STYLE:
        if kind in counts:
            m, face, size = KIND_STYLE[kind]
            handles.append(Line2D([], [], marker=m, ms=size * 0.8, mfc=face, mec="black",
                                  ls="none", label=f"{kind} ({counts[kind]})"))
    return handles


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    """``obj.name`` or ``obj[name]`` (results are dataclasses or JSON dicts)."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


@styled
def plot_contour(
    f: Any,
    box: ArrayLike,
    paths: Mapping[str, ArrayLike] | None = None,
    critical_points: Iterable[Any] | None = None,
    *,
    resolution: int = 160,
    levels: int = 18,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    colorbar: bool = True,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.2),
) -> FigureLike:
    """Filled contours of a two-variable ``f`` over ``box`` with trajectories and critical
    points.

    ``paths``: label → (K+1, 2) iterates (one line per method, each with its own colour, line
    style and marker; the start is a black-edged circle, the last iterate a square; a label
    gains "(leaves the box)" when its iterates leave the plotted box).  ``critical_points``:
    objects or dicts with ``point`` and ``kind`` — minimum ★, maximum ▲, saddle ✕,
    unknown ◆.  Levels are geometric when f spans decades (see :func:`contour_levels`).
    """
    b = np.asarray(box, dtype=float).reshape(2, 2)
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    X, Y, Z = _grid_values(f, b, resolution)
    lv, geometric = contour_levels(Z, levels)
    greys = ListedColormap(mpl.colormaps["Greys"](np.linspace(0.0, 0.45, 256)))
    cs = ax.contourf(X, Y, Z, levels=lv, cmap=greys, extend="both")
    ax.contour(X, Y, Z, levels=lv, colors="0.45", linewidths=0.5)
    if colorbar:
        cb = fig.colorbar(cs, ax=ax, shrink=0.9, pad=0.02)
        cb.set_label("f" + (" (geometric levels above min)" if geometric else ""))
        cb.ax.tick_params(labelsize=7)
        cb.set_ticks(lv[::2])
        cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v, 2)))
    handles: list[Any] = []
    starts: list[NDArray] = []
    for i, (label, p) in enumerate(_as_paths(paths or {}, 2).items()):
        fin = np.all(np.isfinite(p), axis=1)
        leaves = bool(np.any(~fin) or np.any((p < b[:, 0]) | (p > b[:, 1])))
        name = f"{label} ({len(p) - 1} it.)" + (" (leaves the box)" if leaves else "")
        (h,) = ax.plot(p[fin, 0], p[fin, 1], color=color(i), ls=linestyle(i), marker=marker(i),
                       ms=3, lw=1.4, label=name, zorder=4,
                       markevery=max(1, int(fin.sum()) // 40))
        handles.append(h)
        if not any(np.allclose(p[0], s) for s in starts):
            ax.plot(p[0, 0], p[0, 1], marker="o", ms=9, mfc="white", mec="black", mew=1.4,
                    zorder=5)
            starts.append(p[0])
        last = p[fin][-1] if fin.any() else None
        if last is not None:
            ax.plot(last[0], last[1], marker="s", ms=6, color=color(i), mec="black", zorder=5)
    if starts:
        handles.append(Line2D([], [], marker="o", ms=8, mfc="white", mec="black", mew=1.4,
                              ls="none", label="start"))
        handles.append(Line2D([], [], marker="s", ms=6, color=GREY, mec="black", ls="none",
                              label="last iterate"))
    handles += _critical_handles(ax, critical_points or (), b, 2)
    ax.set_xlim(*b[0])
    ax.set_ylim(*b[1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    ax.set_title(title or "Contours of f with trajectories and critical points")
    _outside_legend(fig, handles)
    return fig


# ============================================================================ errors and rates


def theory_line(errors: ArrayLike, rate: float, window: tuple[int, int] | None = None,
                end: int | None = None) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The predicted error ``anchor · rate^k`` for k from the window start to ``end``.

    It is anchored at the first iteration ``a`` of the measured window (``a = 0`` without a
    window): ``anchor = e_a · rate^(−a)``, so the line passes through the measured error at
    ``a`` and has the theoretical slope ``log10(rate)`` per iteration on a log axis.
    """
    e = np.asarray(errors, dtype=float).ravel()
    a = 0 if window is None else int(window[0])
    stop = (len(e) - 1) if end is None else int(end)
    k = np.arange(a, stop + 1)
    anchor = e[a] * float(rate) ** (-a)
    return k, anchor * float(rate) ** k


def _positive(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``y`` with non-positive and non-finite entries masked as NaN (for log axes)."""
    out = np.array(y, dtype=float)
    out[~np.isfinite(out) | (out <= 0)] = np.nan
    return out


@styled
def plot_error(
    errors: ArrayLike | Mapping[str, ArrayLike],
    *,
    rates: Mapping[str, float | None] | None = None,
    windows: Mapping[str, tuple[int, int] | None] | None = None,
    title: str | None = None,
    ylabel: str = "error ‖xₖ − x*‖₂ (log scale)",
    xlabel: str = "iteration k",
    rate_labels: Mapping[str, str] | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Measured error against iteration (log scale) with the theoretical slope beside it.

    ``errors``: label → error sequence e₀, e₁, …  ``rates``: label → predicted linear rate ρ
    (contraction < 1, or growth > 1) — drawn as a dashed line ``anchor·ρ^k`` anchored in the
    measured window (:func:`theory_line`); ``windows``: label → (first, last) iteration of the
    window where the measured rate was fitted, shaded in the series' colour.  Zero errors
    (exact convergence) cannot be drawn on a log axis and are left out.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    rates = rates or {}
    windows = windows or {}
    handles: list[Any] = []
    series = _as_series(errors)
    single = len(series) == 1
    for i, (label, e) in enumerate(series.items()):
        c = color(i)
        k = np.arange(len(e))
        win = windows.get(label)
        name = f"{label}: measured"
        if win is not None and not single:
            name += f" (fit window {win[0]}–{win[1]} shaded)"
        (h,) = ax.plot(k, _positive(e), color=c, ls="-", marker=marker(i),
                       ms=3 if len(e) < 80 else 0, label=name)
        handles.append(h)
        if win is not None:
            if single:
                ax.axvspan(win[0], win[1], color=c, alpha=0.12, lw=0)
                handles.append(Patch(color=c, alpha=0.25,
                                     label=f"fit window {win[0]}–{win[1]}"))
            else:
                a, b = int(win[0]), min(int(win[1]), len(e) - 1)
                ax.plot(k[a:b + 1], _positive(e[a:b + 1]), color=c, lw=8, alpha=0.22,
                        solid_capstyle="butt", zorder=1)
        rho = rates.get(label)
        if rho is not None and np.isfinite(rho) and rho > 0 and len(e):
            a = 0 if win is None else int(win[0])
            if 0 <= a < len(e) and np.isfinite(e[a]) and e[a] > 0:
                kk, yy = theory_line(e, rho, win)
                text = (rate_labels or {}).get(label, f"theory ρ = {fmt(rho, 4)}")
                (t,) = ax.plot(kk, yy, color="black" if len(errors) == 1 else c, ls="--",
                               lw=1.2, label=f"{label}: {text}", zorder=5)
                t.set_dashes((4, 2))
                handles.append(t)
    ax.set_yscale("log")
    if _iteration_axis(ax, [len(e) for e in series.values()]):
        xlabel += " (linear to 10, then log)"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Error against iteration: measured (solid) and theory (dashed)")
    _clip_log_axis(ax)
    _outside_legend(fig, handles)
    return fig


def _clip_log_axis(ax: Any, decades: float = 20.0) -> None:
    """Fit a log y-axis to the positive data of its lines (a small margin, at most
    ``decades`` decades below the maximum) — autoscaling would add margins proportional to
    the span, and rounding-level values (1e-300) would stretch it absurdly."""
    vals = []
    data_y = (ax.transData, ax.get_yaxis_transform())
    for line in ax.get_lines():
        if not any(line.get_transform() == t for t in data_y):
            continue  # e.g. axvline: y in axes coordinates
        y = np.asarray(line.get_ydata(), dtype=float)
        y = y[np.isfinite(y) & (y > 0)]
        if y.size:
            vals.append(y)
    if not vals:
        return
    y = np.concatenate(vals)
    hi = float(y.max())
    lo = max(float(y.min()), hi * 10.0 ** (-decades))
    ax.set_ylim(lo / 2.5, hi * 2.5)


def _iteration_axis(ax: Any, lengths: Sequence[int]) -> bool:
    """Use a symlog iteration axis (linear up to 10, then log) when the runs' lengths span
    more than a factor 20 (Newton's 5 iterations next to GD's 1000); returns whether it did."""
    lengths = [n for n in lengths if n > 0]
    if lengths and max(lengths) > 40 and max(lengths) > 20 * min(lengths):
        ax.set_xscale("symlog", linthresh=10, linscale=0.6)
        ax.set_xlim(left=0)
        return True
    return False


@styled
def plot_grad_norm(
    norms: ArrayLike | Mapping[str, ArrayLike],
    *,
    gtol: float | None = None,
    title: str | None = None,
    ylabel: str = "gradient norm ‖∇f(xₖ)‖∞ (log scale)",
    xlabel: str = "iteration k",
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Gradient norm against iteration, log scale, one line per run (``gtol`` dotted)."""
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    handles = []
    series = _as_series(norms)
    for i, (label, g) in enumerate(series.items()):
        (h,) = ax.plot(np.arange(len(g)), _positive(g), color=color(i), ls=linestyle(i),
                       label=f"{label} ({len(g) - 1} it.)")
        handles.append(h)
    if gtol is not None:
        handles.append(ax.axhline(gtol, color="black", ls=":", lw=1.0,
                                  label=f"tolerance gtol = {fmt(gtol)}"))
    ax.set_yscale("log")
    _clip_log_axis(ax)
    if _iteration_axis(ax, [len(g) for g in series.values()]):
        xlabel += " (linear to 10, then log)"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Gradient norm against iteration")
    _outside_legend(fig, handles)
    return fig


@styled
def plot_iterates(
    series: ArrayLike | Mapping[str, ArrayLike],
    *,
    ylabel: str,
    xlabel: str = "iteration k",
    logy: bool = False,
    hlines: Sequence[tuple[float, str]] = (),
    vlines: Sequence[tuple[float, str]] = (),
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Any per-iteration quantity (a coordinate, |y_k|, f(xₖ)) against iteration.

    ``hlines``/``vlines``: (value, label) reference lines, e.g. a predicted crossing time.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    handles = []
    for i, (label, y) in enumerate(_as_series(series).items()):
        yy = _positive(np.abs(y)) if logy else y
        (h,) = ax.plot(np.arange(len(y)), yy, color=color(i), ls=linestyle(i), label=label)
        handles.append(h)
    refs = [(v, s, "h") for v, s in hlines] + [(v, s, "v") for v, s in vlines]
    for j, (v, s, orient) in enumerate(refs):
        style = dict(color="black" if j == 0 else GREY, ls=(":", "--", "-.")[j % 3], lw=1.1,
                     label=s)
        handles.append(ax.axhline(v, **style) if orient == "h" else ax.axvline(v, **style))
    if logy:
        ax.set_yscale("log")
        _clip_log_axis(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{ylabel} against iteration")
    _outside_legend(fig, handles)
    return fig


# ============================================================================ Hessian spectra


def _eigen_scale(values: NDArray[np.float64]) -> tuple[str, float | None]:
    """Axis scale for eigenvalues: linear, log (all positive over > 2 decades) or symlog
    (mixed signs over > 2 decades, linear threshold at the smallest nonzero |λ|)."""
    nz = np.abs(values[np.isfinite(values) & (values != 0)])
    if nz.size == 0 or nz.max() / nz.min() <= 100:
        return "linear", None
    if np.all(values > 0):
        return "log", None
    return "symlog", float(nz.min())


@styled
def plot_hessian_eigenvalues(
    critical_points: Sequence[Any],
    *,
    title: str | None = None,
    zero_tol: float = 1e-9,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Hessian eigenvalues at each critical point, coloured by sign.

    One column per point (labelled P1, P2, … with its kind and κ); positive eigenvalues are
    blue circles, negative vermillion triangles, (numerically) zero grey squares on the zero
    line.  The y-axis is linear, log or symlog as the spread of |λ| requires.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    allv: list[float] = []
    ticks = []
    style = {
        "positive": ("o", OKABE_ITO["blue"]),
        "negative": ("v", OKABE_ITO["vermillion"]),
        "zero": ("s", GREY),
    }
    seen: set[str] = set()
    for i, cp in enumerate(critical_points):
        lam = np.asarray(_attr(cp, "eigenvalues", ()), dtype=float).ravel()
        scale = max(1.0, float(np.max(np.abs(lam)))) if lam.size else 1.0
        for v in lam:
            sign = "zero" if abs(v) <= zero_tol * scale else ("positive" if v > 0 else "negative")
            m, c = style[sign]
            ax.plot(i, 0.0 if sign == "zero" else v, marker=m, color=c, ms=7, mec="black",
                    mew=0.5, ls="none", zorder=3)
            seen.add(sign)
            allv.append(0.0 if sign == "zero" else float(v))
        kind = str(_attr(cp, "kind", "?"))
        kappa = _attr(cp, "condition_number")
        point = ", ".join(fmt(x, 3) for x in np.asarray(_attr(cp, "point", ()), float).ravel())
        ticks.append(f"P{i + 1} {kind}\n({point})\nκ = {fmt(kappa)}")
    ax.axhline(0.0, color="black", lw=0.8)
    scale, thresh = _eigen_scale(np.asarray(allv))
    if scale == "symlog":
        ax.set_yscale("symlog", linthresh=thresh)
    elif scale == "log":
        ax.set_yscale("log")
    ax.set_xticks(range(len(ticks)), ticks, fontsize=7 if len(ticks) > 5 else 8,
                  rotation=0 if len(ticks) <= 6 else 45)
    ax.set_xlim(-0.6, max(len(ticks), 1) - 0.4)
    ax.set_ylabel("Hessian eigenvalue λ" + ("" if scale == "linear" else f" ({scale} scale)"))
    ax.set_xlabel("critical point")
    ax.set_title(title or "Hessian eigenvalues at the critical points (sign decides the kind)")
    handles = [Line2D([], [], marker=style[s][0], color=style[s][1], mec="black", mew=0.5,
                      ls="none", ms=7, label=f"{s} eigenvalue") for s in style if s in seen]
    _outside_legend(fig, handles)
    return fig


# ============================================================================ basins


@styled
def plot_basins(
    basins: Any,
    f: Any | None = None,
    *,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.0),
) -> FigureLike:
    """Basins of attraction: where each start ends up.

    ``basins`` has ``xs``, ``ys`` (None for one variable), ``labels`` (grid of indices into
    ``points``; negative = diverged or not converged), ``points``, ``kinds`` and ``counts``.
    Two variables: an image of the labels with the critical points marked.  One variable: the
    curve f (when given) above a coloured strip of the start positions.  Diverged starts are
    grey; the legend lists every limit point that attracts starts, with its kind and share of
    the starts (all critical points are marked on the plot by kind).
    """
    fig = new_figure(fig, figsize)
    xs = np.asarray(_attr(basins, "xs"), dtype=float)
    ys = _attr(basins, "ys")
    labels = np.asarray(_attr(basins, "labels"), dtype=int)
    points = [np.atleast_1d(np.asarray(p, dtype=float)) for p in _attr(basins, "points")]
    kinds = list(_attr(basins, "kinds"))
    inside = list(getattr(basins, "inside", None) or [True] * len(points))
    cycles = dict(getattr(basins, "cycles", None) or {})
    total = labels.size
    present = [i for i in range(len(points)) if np.any(labels == i)]
    colors = [color(j) for j in range(len(present))]
    cmap = ListedColormap([CYCLE_COLOR, GREY, *colors])
    norm = BoundaryNorm(np.arange(-2.5, len(present) + 0.5, 1.0), cmap.N)
    compact = {i: j for j, i in enumerate(present)}
    shown = np.vectorize(lambda v: compact.get(int(v), -2 if v == -2 else -1),
                         otypes=[int])(labels) if labels.size else labels
    handles: list[Any] = []
    for j, i in enumerate(present):
        share = float(np.mean(labels == i)) if total else 0.0
        where = ", ".join(fmt(v, 3) for v in points[i])
        out = "" if inside[i] else " (outside the box)"
        handles.append(Patch(color=colors[j], label=f"→ {kinds[i]} at ({where}){out}: "
                                                      f"{100 * share:.0f} % of starts"))
    ncyc = int(np.sum(labels == -2))
    if ncyc:
        periods = ", ".join(f"period {p}" for p in sorted(cycles)) or "cycle"
        handles.append(Patch(color=CYCLE_COLOR, label=f"end on a cycle ({periods}): "
                                                      f"{100 * ncyc / max(total, 1):.0f} %"))
    ndiv = int(np.sum(labels == -1))
    if ndiv:
        handles.append(Patch(color=GREY, label=f"diverged / not converged: "
                                               f"{100 * ndiv / max(total, 1):.0f} %"))
    points = [p for p, keep in zip(points, inside, strict=True) if keep]
    kinds = [k for k, keep in zip(kinds, inside, strict=True) if keep]
    if ys is None or labels.ndim == 1:
        _basins_1d(fig, f, xs, shown.ravel(), points, kinds, cmap, norm, xlabel)
    else:
        ys = np.asarray(ys, dtype=float)
        ax = fig.add_subplot()
        ax.imshow(shown, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap=cmap,
                  norm=norm, aspect="auto", interpolation="nearest")
        if f is not None:
            X, Y, Z = _grid_values(f, np.array([[xs[0], xs[-1]], [ys[0], ys[-1]]]), 120)
            ax.contour(X, Y, Z, levels=contour_levels(Z, 12)[0], colors="white",
                       linewidths=0.5, alpha=0.7)
        cps = [{"point": p, "kind": k} for p, k in zip(points, kinds, strict=True)]
        _critical_handles(ax, cps, None, 2)
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
        ax.set_title(title or "Basins of attraction: colour = where a start converges")
    if ys is None or labels.ndim == 1:
        fig.axes[0].set_title(title or "Basins of attraction: colour = where a start converges")
    _outside_legend(fig, handles, ncols=1 if len(handles) > 3 else None)
    return fig


def _basins_1d(fig: FigureLike, f: Any, xs: NDArray, labels: NDArray, points: list[NDArray],
               kinds: list[str], cmap: Any, norm: Any, xlabel: str) -> None:
    """One-variable basins: curve with limit points on top, coloured strip of starts below."""
    if f is not None:
        ax, strip = fig.subplots(2, 1, sharex=True, height_ratios=[4, 1])
        values = evaluator(f, 1)
        grid = np.linspace(xs[0], xs[-1], 801)
        ax.plot(grid, values(grid.reshape(-1, 1)), color="0.25", lw=1.3)
        cps = [{"point": p, "kind": k, "value": float(values(p.reshape(1, 1))[0])}
               for p, k in zip(points, kinds, strict=True)]
        _critical_handles(ax, cps, None, 1)
        ax.set_ylabel("f(x)")
    else:
        strip = fig.add_subplot()
        ax = strip
    strip.imshow(labels.reshape(1, -1), extent=(xs[0], xs[-1], 0, 1), cmap=cmap, norm=norm,
                 aspect="auto", interpolation="nearest")
    strip.set_yticks([])
    strip.set_ylabel("start x₀", rotation=0, ha="right", va="center")
    strip.set_xlabel(xlabel + " (start x₀)")
    strip.grid(False)


# ============================================================================ sweeps


@styled
def plot_lr_sweep(
    sweep: Any,
    *,
    title: str | None = None,
    ylabel: str = "final error ‖x_K − x*‖₂",
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Final error against learning rate (log–log) with the divergence thresholds.

    ``sweep`` has ``lrs``, ``final_error``, ``diverged`` (bool per lr), ``predicted_threshold``
    and ``observed_threshold`` (and ``bounded``: runs that neither converge nor diverge, drawn
    as squares at their final error).  Diverged runs are drawn as ✕ on the top edge (their
    error is not finite or huge); the predicted threshold (2/L for GD) is a solid vertical
    line, the observed one (smallest η that does not converge) dashed.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    lrs = np.asarray(_attr(sweep, "lrs"), dtype=float)
    err = np.asarray(_attr(sweep, "final_error"), dtype=float)
    div = np.asarray(_attr(sweep, "diverged"), dtype=bool)
    bnd_attr = getattr(sweep, "bounded", None)
    bnd = (np.zeros_like(div) if bnd_attr is None else np.asarray(bnd_attr, dtype=bool)) & ~div
    ok = ~div & ~bnd & np.isfinite(err) & (err > 0)
    handles = []
    (h,) = ax.plot(lrs[ok], err[ok], color=color(0), marker="o", ms=4,
                   label=f"converging ({int(ok.sum())} runs)")
    handles.append(h)
    cyc = bnd & np.isfinite(err) & (err > 0)
    if cyc.any():
        (h,) = ax.plot(lrs[cyc], err[cyc], ls="none", marker="s", ms=5, color=color(3),
                       label=f"bounded: a cycle or band, not converging ({int(cyc.sum())} runs)")
        handles.append(h)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _clip_log_axis(ax, 25)
    if div.any():
        top = ax.get_ylim()[1]
        (h,) = ax.plot(lrs[div], np.full(int(div.sum()), top), ls="none", marker="x",
                       color=color(1), ms=7, mew=1.8, clip_on=False,
                       label=f"diverged ({int(div.sum())} runs, drawn at the top)")
        handles.append(h)
    zero = ~div & np.isfinite(err) & (err <= 0)
    if zero.any():
        bottom = ax.get_ylim()[0]
        (h,) = ax.plot(lrs[zero], np.full(int(zero.sum()), bottom), ls="none", marker="v",
                       color=color(2), ms=6, clip_on=False, label="error exactly 0 (at bottom)")
        handles.append(h)
    pred = _attr(sweep, "predicted_threshold")
    obs = _attr(sweep, "observed_threshold")
    if pred is not None and np.isfinite(pred):
        handles.append(ax.axvline(pred, color="black", lw=1.4,
                                  label=f"predicted threshold η = {fmt(pred, 4)}"))
    if obs is not None and np.isfinite(obs):
        handles.append(ax.axvline(obs, color=color(1), ls="--", lw=1.4,
                                  label=f"observed threshold η ≈ {fmt(obs, 4)}"))
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Learning-rate sensitivity: final error against η")
    _outside_legend(fig, handles, ncols=2)
    return fig


@styled
def plot_momentum_map(
    smap: Any,
    *,
    mark: Sequence[tuple[float, float, str]] = (),
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.0),
) -> FigureLike:
    """Heavy-ball stability map over (η, β): measured rate as colour, theory as contours.

    ``smap`` has ``lrs`` (x), ``momenta`` (y), ``measured_rate`` and ``predicted_radius``
    grids of shape (len(momenta), len(lrs)), and ``diverged`` (bool grid).  Diverged cells are
    grey; the black contour is the predicted stability boundary (spectral radius 1), dashed
    white contours are predicted radii 0.5 and 0.9 to compare with the colours.  ``mark``:
    (η, β, label) points to highlight.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    lrs = np.asarray(_attr(smap, "lrs"), dtype=float)
    mom = np.asarray(_attr(smap, "momenta"), dtype=float)
    rate = np.asarray(_attr(smap, "measured_rate"), dtype=float)
    radius = np.asarray(_attr(smap, "predicted_radius"), dtype=float)
    div = np.asarray(_attr(smap, "diverged"), dtype=bool)
    if rate.shape != (len(mom), len(lrs)) and rate.T.shape == (len(mom), len(lrs)):
        rate, radius, div = rate.T, radius.T, div.T
    ok = ~div & np.isfinite(rate)
    shown = np.ma.masked_where(~ok, np.clip(rate, 0.0, 1.0))
    low = float(np.floor(10 * np.min(shown.compressed())) / 10) if ok.any() else 0.0
    cmap = mpl.colormaps["viridis"].with_extremes(bad="white")
    mesh = ax.pcolormesh(lrs, mom, shown, cmap=cmap, norm=Normalize(min(low, 0.9), 1.0),
                         shading="nearest")
    if div.any():
        ax.pcolormesh(lrs, mom, np.ma.masked_where(~div, np.ones_like(rate)),
                      cmap=ListedColormap([GREY]), shading="nearest")
    cb = fig.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label("measured rate ρ (error factor per iteration)")
    handles: list[Any] = []
    if np.any(~ok & ~div):
        handles.append(Patch(facecolor="white", edgecolor="0.5",
                             label="no linear rate measurable (white)"))
    if np.nanmin(radius) < 1.0 < np.nanmax(radius):
        ax.contour(lrs, mom, radius, levels=[1.0], colors="black", linewidths=2.0)
        handles.append(Line2D([], [], color="black", lw=2.0,
                              label="predicted stability boundary (spectral radius = 1)"))
    inner = [v for v in (0.5, 0.9) if np.nanmin(radius) < v < np.nanmax(radius)]
    if inner:
        cl = ax.contour(lrs, mom, radius, levels=inner, colors="white", linewidths=1.1,
                        linestyles="--")
        ax.clabel(cl, fmt=lambda v: f"ρ={v:g}", fontsize=7)
        handles.append(Line2D([], [], color="0.4", ls="--", lw=1.1,
                              label="predicted spectral radius " + ", ".join(map(str, inner))))
    if div.any():
        handles.append(Patch(color=GREY, label="diverged (measured)"))
    for j, (x, y, text) in enumerate(mark):
        (h,) = ax.plot(x, y, marker=("o", "s", "D", "^")[j % 4], ms=9, mfc=OKABE_ITO["orange"],
                       mec="black", mew=1.2, ls="none", label=text, zorder=6)
        handles.append(h)
    if len(lrs) > 2 and np.all(lrs > 0) and lrs[-1] / lrs[0] > 20:
        ax.set_xscale("log")
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("momentum β")
    ax.grid(False)
    ax.set_title(title or "Heavy-ball momentum: measured rate (colour) vs theory (contours)")
    _outside_legend(fig, handles, ncols=1 if len(handles) > 2 else 2)
    return fig


# ============================================================================ vanishing gradients


@styled
def plot_vanishing_1d(
    f: Any,
    box: tuple[float, float] | ArrayLike,
    *,
    fprime: Callable[[NDArray], NDArray] | None = None,
    threshold: float = 1e-3,
    regions: Iterable[Any] = (),
    x0: float | None = None,
    f_label: str = "f(x)",
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.4),
) -> FigureLike:
    """f and |f′| over ``box`` (one variable): where the gradient vanishes.

    Top: f(x).  Bottom: |f′(x)| on a log axis with the band below ``threshold`` shaded.  The
    small-gradient ``regions`` (objects with ``lower``/``upper`` and ``plateau``) are shaded
    across both panels (plateaus darker); ``x0`` marks a start with its |f′(x0)|.
    """
    fig = new_figure(fig, figsize)
    b = np.asarray(box, dtype=float).ravel()[:2]
    ax, axd = fig.subplots(2, 1, sharex=True)
    x = np.linspace(b[0], b[1], 2001)
    fx = evaluator(f, 1)(x.reshape(-1, 1))
    dfx = np.abs(fprime(x) if fprime is not None else derivative_evaluator(f)(x))
    ax.plot(x, fx, color=color(0), label=f_label)
    axd.plot(x, _positive(dfx), color=color(1), ls="--", label=f"|{f_label}′|")
    handles = [ax.lines[0], axd.lines[0]]
    axd.set_yscale("log")
    _clip_log_axis(axd, 18)
    lo = axd.get_ylim()[0]
    band = axd.axhspan(lo, threshold, color=OKABE_ITO["orange"], alpha=0.18, lw=0,
                       label=f"|f′| below threshold {fmt(threshold)}")
    axd.axhline(threshold, color=OKABE_ITO["orange"], lw=1.0)
    handles.append(band)
    plateau_seen = small_seen = False
    for r in regions:
        lower = float(np.ravel(_attr(r, "lower"))[0])
        upper = float(np.ravel(_attr(r, "upper"))[0])
        plateau = bool(_attr(r, "plateau", False))
        for a in (ax, axd):
            a.axvspan(lower, upper, color=GREY, alpha=0.35 if plateau else 0.15, lw=0)
        plateau_seen |= plateau
        small_seen |= not plateau
    if plateau_seen:
        handles.append(Patch(color=GREY, alpha=0.5, label="plateau (small |f′|, f far above "
                                                          "its minimum)"))
    if small_seen:
        handles.append(Patch(color=GREY, alpha=0.2, label="small |f′|, f near its lowest value"))
    if x0 is not None:
        d0 = float(np.abs(fprime(np.array([x0])) if fprime is not None
                          else derivative_evaluator(f)(np.array([x0])))[0])
        for a in (ax, axd):
            a.axvline(x0, color="black", ls=":", lw=1.1)
        left = x0 > 0.5 * (b[0] + b[1])
        axd.annotate(f"|f′({fmt(x0)})| = {fmt(d0, 3)}", (x0, d0), textcoords="offset points",
                     xytext=(-8 if left else 8, 10), ha="right" if left else "left",
                     fontsize=8, arrowprops=dict(arrowstyle="->", lw=0.8))
        handles.append(Line2D([], [], color="black", ls=":", label=f"start x₀ = {fmt(x0)}"))
    ax.set_ylabel(f_label)
    axd.set_ylabel("|f′(x)| (log scale)")
    axd.set_xlabel("x")
    ax.set_title(title or "Vanishing gradient: the function and the size of its derivative")
    _outside_legend(fig, handles, ncols=2)
    return fig


@styled
def plot_chain_depth(
    studies: Sequence[Any],
    *,
    title: str | None = None,
    show_bound: bool = True,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """|dh_d/dx| of activation chains h_d = a(w·h_(d−1)) against depth d, log scale.

    ``studies``: :class:`~landscape.vanishing.ChainStudy` objects (one per activation).  The
    numeric chain-rule product is the line, the exact SymPy derivative (where computed) the
    markers, and the bound (|w|·sup|a′|)^d the dotted line.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    handles = []
    floor = math.inf
    for i, st in enumerate(studies):
        rows = list(_attr(st, "rows"))
        d = np.array([r.depth for r in rows], dtype=float)
        logs = np.array([r.log10_abs_derivative for r in rows], dtype=float)
        y = np.where(np.isfinite(logs), 10.0 ** np.clip(logs, -300, 300), np.nan)
        c = color(i)
        name = _attr(st, "activation")
        (h,) = ax.plot(d, y, color=c, ls=linestyle(i), label=f"{name}: numeric chain rule")
        handles.append(h)
        ex = [(r.depth, abs(float(r.derivative_exact))) for r in rows
              if r.derivative_exact is not None]
        if ex:
            ed, ev = np.array(ex).T
            (h,) = ax.plot(ed, _positive(ev), ls="none", marker=marker(i), mfc="none", mec=c,
                           ms=8, mew=1.4, label=f"{name}: exact (SymPy)")
            handles.append(h)
        if show_bound:
            bound = np.array([r.bound for r in rows], dtype=float)
            (h,) = ax.plot(d, _positive(bound), color=c, ls=":", lw=1.0,
                           label=f"{name}: bound (|w|·sup|a′|)^d")
            handles.append(h)
        if np.any(np.isfinite(y) & (y > 0)):
            floor = min(floor, float(np.nanmin(y[y > 0])))
    ax.set_yscale("log")
    ax.set_xlabel("depth d (number of layers)")
    ax.set_ylabel("|dh_d/dx| (log scale)")
    w = _attr(studies[0], "weight") if studies else None
    x = _attr(studies[0], "x") if studies else None
    ax.set_title(title or f"Gradient through a chain of activations (w = {fmt(w)}, "
                          f"x = {fmt(x)})")
    _outside_legend(fig, handles, ncols=3)
    return fig


# ============================================================================ ECDF


def ecdf_points(values: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sorted costs (iterations, evaluations, …) of the solved starts and the fraction of
    *all* starts solved by then: ``y_i = i / N`` at the i-th smallest solved cost (NaN, inf,
    None or negative = unsolved, so the curve stays below 1)."""
    v = np.array([np.nan if x is None else float(x) for x in np.ravel(values)], float)
    n = v.size
    solved = np.sort(v[np.isfinite(v) & (v >= 0)])
    frac = np.arange(1, solved.size + 1) / max(n, 1)
    return solved, frac


@styled
def plot_ecdf(
    iterations: Mapping[str, ArrayLike],
    *,
    budget: float | None = None,
    xlabel: str = "iterations to reach the tolerance (log scale)",
    ylabel: str = "fraction of starts solved",
    solved: str = "solved",
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Empirical CDF of a cost to reach a target over many starts, one step curve per method
    (``iterations``: label → per-start costs, NaN where the start did not reach the target).

    As in COCO / benchopt: y is the fraction of starts solved within cost x; unsolved starts
    never count, so a method that fails on some starts ends below 1.  Curves continue flat up
    to ``budget`` (default: the largest value seen).  Costs are drawn on a log axis; a cost of
    0 is drawn at the axis floor (the smallest positive cost; 1 when there is none).  Each
    method has its own colour, line style and marker; the legend sits below the axes, inside
    the figure.
    ``solved`` is the word of the legend's count (``gd: solved 93/100``).
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    pts = {label: ecdf_points(v) for label, v in iterations.items()}
    positive = [float(x[x > 0].min()) for x, _ in pts.values() if np.any(x > 0)]
    floor = min(positive, default=1.0)
    top = budget
    if top is None:
        top = max([floor] + [float(x.max()) for x, _ in pts.values() if x.size])
    top = max(top, floor)
    handles = []
    for i, (label, (xs, ys)) in enumerate(pts.items()):
        n = np.size(iterations[label])
        xs = np.maximum(xs, floor)
        sx = np.concatenate([[xs[0] if xs.size else floor], xs, [top]])
        sy = np.concatenate([[0.0], ys, [ys[-1] if ys.size else 0.0]])
        (h,) = ax.step(sx, sy, where="post", color=color(i), ls=linestyle(i),
                       marker=marker(i), markevery=max(1, sx.size // 6), markersize=4,
                       label=f"{label}: {solved} {xs.size}/{n}")
        handles.append(h)
    ax.axhline(1.0, color="black", lw=0.8, ls=":")
    ax.set_xscale("log")
    lo, hi = floor, top
    if hi <= lo * 1.5:
        lo, hi = lo / 2.0, hi * 2.0
    ax.set_xlim(lo / 1.25, hi * 1.25)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(_wrap_title(title or "Cost to reach the target over many starts (ECDF)", fig))
    _outside_legend(fig, handles, ncols=2)
    return fig


# ============================================================================ rate studies


def study_errors(study: Any) -> NDArray[np.float64]:
    """‖xₖ − x*‖ along the recorded path of a rate study (``result.path``), x* being the
    point the theory was evaluated at (``reference``, else ``minimizer``)."""
    path = np.asarray(_attr(_attr(study, "result"), "path"), dtype=float)
    ref = _attr(study, "reference")
    if ref is None:
        ref = _attr(study, "minimizer")
    if ref is None:
        raise ValueError("the rate study has no reference point: errors are undefined")
    xs = np.asarray(ref, dtype=float).ravel()
    path = path.reshape(path.shape[0], -1)
    return np.linalg.norm(path - xs, axis=1)


def study_rate(study: Any) -> float | None:
    """The predicted linear rate of a rate study when theory gives one (else None)."""
    p = _attr(study, "prediction")
    if p is None or _attr(p, "rate") is None:
        return None
    if _attr(p, "kind") not in ("linear", "diverges", "sublinear"):
        return None
    r = float(_attr(p, "rate"))
    return r if np.isfinite(r) and r > 0 else None


@styled
def plot_rate_studies(
    studies: Mapping[str, Any],
    *,
    title: str | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """:func:`plot_error` for rate studies (:mod:`analysis.rates`): measured error, the
    predicted rate line and the fitted window, per label."""
    errs = {k: study_errors(s) for k, s in studies.items()}
    rates = {k: study_rate(s) for k, s in studies.items()}
    wins = {}
    for k, s in studies.items():
        w = _attr(_attr(s, "measurement"), "window")
        wins[k] = None if w is None else (int(w[0]), int(w[1]))
    labels = {}
    for k, s in studies.items():
        p = _attr(s, "prediction")
        if rates[k] is not None:
            word = "bound" if not _attr(p, "exact", True) else "theory"
            labels[k] = f"{word} ρ = {fmt(rates[k], 4)}"
    return plot_error.__wrapped__(errs, rates=rates, windows=wins, title=title,
                                  rate_labels=labels, fig=fig, figsize=figsize)


__all__ = [
    "FIGSIZE",
    "KIND_STYLE",
    "OKABE_ITO",
    "PALETTE",
    "contour_levels",
    "ecdf_points",
    "evaluator",
    "plot_basins",
    "plot_chain_depth",
    "plot_contour",
    "plot_curve_1d",
    "plot_ecdf",
    "plot_error",
    "plot_grad_norm",
    "plot_hessian_eigenvalues",
    "plot_iterates",
    "plot_lr_sweep",
    "plot_momentum_map",
    "plot_rate_studies",
    "plot_vanishing_1d",
    "study_errors",
    "study_rate",
    "theory_line",
]
