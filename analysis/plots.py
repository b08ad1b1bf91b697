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
import itertools
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize, to_hex, to_rgb
from matplotlib.figure import Figure, SubFigure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import offset_copy
from numpy.typing import ArrayLike, NDArray

from analysis.compare import prediction_how, verdict_band
from analysis.empirical import (
    CYCLE_MAX_PERIOD,
    default_floor,
    fitted_window,
    fmt_floor,
    kind_read_below,
    kind_window,
)
from landscape.numfmt import THOUSANDS_SPACE, fmt, fmt_rate, iteration_count, spaced

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
#: how a caption names a colour of :data:`OKABE_ITO` where its key is not its look (Okabe
#: & Ito call #CC79A7 "reddish purple"; on a page it reads pink, not purple)
COLOUR_WORDS = {"purple": "reddish purple"}


def colour_word(key: str) -> str:
    """The colour ``OKABE_ITO[key]`` in a caption's words (:data:`COLOUR_WORDS`, else the
    key)."""
    return COLOUR_WORDS.get(key, key)


PALETTE = tuple(OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky",
                                       "black"))
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2)),
              (0, (6, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
GREY = "#9a9a9a"
#: basin maps: starts that end on a cycle
CYCLE_COLOR = "#3b3b3b"
#: Basin fills: colour-blind-safe (Tol's "muted" scheme) and disjoint from the marker colours of
#: :data:`KIND_STYLE` (yellow, vermillion, sky, grey), so a basin never looks like a marker.
BASIN_PALETTE = ("#332288", "#117733", "#44AA99", "#999933", "#882255", "#AA4499",
                 "#6699CC", "#661100")

#: How critical points are drawn: marker, face colour (all with a black edge).
KIND_STYLE = {
    "minimum": ("*", OKABE_ITO["yellow"], 11),
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


def is_geometric(grid: ArrayLike, rtol: float = 1e-6) -> bool:
    """Whether ``grid`` (≥ 3 positive values) is a geometric progression, x_(i+1)/x_i
    constant — the grids to draw on a log axis (a linear grid there bunches on the right)."""
    g = np.asarray(grid, dtype=float).ravel()
    if g.size < 3 or not np.all(np.isfinite(g)) or np.any(g <= 0):
        return False
    r = g[1:] / g[:-1]
    return bool(np.all(np.abs(r - r[0]) <= rtol * abs(r[0])) and abs(r[0] - 1) > rtol)


def color(i: int) -> str:
    """The i-th series colour (cycling through :data:`PALETTE`)."""
    return PALETTE[i % len(PALETTE)]


def linestyle(i: int) -> Any:
    """The i-th series line style (cycling through :data:`LINESTYLES`)."""
    return LINESTYLES[i % len(LINESTYLES)]


def marker(i: int) -> str:
    """The i-th series marker."""
    return MARKERS[i % len(MARKERS)]


def style_pair(k: int) -> tuple[Any, str]:
    """The k-th (line style, marker) of a series: the line styles in turn, the marker one
    place further on at each new round of :data:`LINESTYLES`, so that the first
    len(LINESTYLES) · len(MARKERS) = 64 pairs are all distinct (k and k + 8 share a line
    style, never a marker)."""
    return linestyle(k), MARKERS[(k + k // len(LINESTYLES)) % len(MARKERS)]


#: Reference lines (a tolerance, a target, the level 1 of an ECDF): a thin grey line of short
#: and long dashes in turn (2.7 pt, 16 pt; 2.7 pt gaps: at 7 pt and 18 pt the two lengths
#: read as one, "evenly spaced long dashes", quadratic p. 10), a pattern no series has
#: (:data:`LINESTYLES`: solid, dashes of one length, dash-dots, dots), so that a reference
#: line never reads as a method's curve, in colour or in grey.  It begins with the short dash,
#: so that a legend's sample line (about 15 pt) shows a gap, not one unbroken long dash (the
#: page's SVG conversion drops a dash offset).
REFERENCE_STYLE = {"color": "0.45", "ls": (0, (3, 3, 18, 3)), "lw": 0.9}
#: How a caption names :data:`REFERENCE_STYLE`.
REFERENCE_WORDS = "grey line of short and long dashes"


#: One colour per optimizer, fixed by the method's name in every figure, all distinct: the
#: report's default methods take the Okabe–Ito colours (and a brown), the others colours of
#: Tol's schemes.  The order of the keys also fixes each method's line style and marker.
METHOD_COLORS = {
    "gd": OKABE_ITO["blue"], "momentum": OKABE_ITO["vermillion"],
    "nesterov": OKABE_ITO["green"], "adam": OKABE_ITO["orange"],
    "newton": OKABE_ITO["purple"], "bfgs": OKABE_ITO["sky"], "lbfgs": OKABE_ITO["black"],
    "cg": "#8C510A", "sgd": "#332288", "adagrad": "#999933", "rmsprop": "#882255",
    "adadelta": "#44AA99", "adamw": "#AA4499", "coordinate": "#661100",
    "trust-ncg": "#117733", "trust-exact": "#6699CC", "lm": "#DDAA33",
}


@dataclass(frozen=True)
class SeriesStyle:
    """Colour, line style and marker of one plotted series."""

    color: str
    linestyle: Any
    marker: str


def series_styles(labels: Iterable[str]) -> dict[str, SeriesStyle]:
    """The style of each label, the one mapping every figure uses.

    A label that is a method, by its code name (``gd``, ``lbfgs``) or by the name documents
    print (``GD``, ``L-BFGS``: :func:`optimizers.registry.label`), always gets that method's
    colour (:data:`METHOD_COLORS`), line style and marker (:func:`style_pair` of its place
    there: the 17 methods' pairs are all distinct), whatever else is drawn beside it; every
    other label (``gd (2)``, ``heavy ball``) gets, in order, the first colour of
    :data:`PALETTE` then :data:`METHOD_COLORS` not taken by a label shown with it, so the
    colours of the labels shown together are distinct (up to 17 + 7 of them), and the first
    pair of :func:`style_pair` not taken by a label shown with it, preferring a line style
    and then a marker no label shown with it has (study p. 37: "GD with η = 0.001", the
    fifth label, took the fifth pair, Newton's, beside Newton)."""
    from optimizers.registry import label

    labels = list(dict.fromkeys(labels))
    order = list(METHOD_COLORS)
    method_of = {name: name for name in order} | {label(name): name for name in order}
    out: dict[str, SeriesStyle] = {}
    for lab in labels:
        if lab in method_of:
            j = order.index(method_of[lab])
            out[lab] = SeriesStyle(METHOD_COLORS[method_of[lab]], *style_pair(j))
    taken = {s.color for s in out.values()}
    free = [c for c in dict.fromkeys((*PALETTE, *METHOD_COLORS.values())) if c not in taken]
    pairs = [style_pair(k) for k in range(len(LINESTYLES) * len(MARKERS))]
    for i, lab in enumerate(labels):
        if lab not in out:
            c = free.pop(0) if free else color(i)
            shown = [(s.linestyle, s.marker) for s in out.values()]
            open_pairs = [p for p in pairs if p not in shown]
            if not open_pairs:
                out[lab] = SeriesStyle(c, *style_pair(i))
                continue
            styles, marks = {p[0] for p in shown}, {p[1] for p in shown}
            pair = min(open_pairs, key=lambda p: (p[0] in styles, p[1] in marks))
            out[lab] = SeriesStyle(c, *pair)
    return out


def styled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a plotting function under :data:`STYLE` (read when the artists are created), then
    wrap every title to the width of its axes (:func:`fit_titles`), fit every axis label
    within its axes' span (:func:`fit_axis_labels`) and, in the final
    layout, place the theory values written by their lines (:func:`place_theory_values`);
    once the titles are wrapped, the rows a figure lists as ``balanced_rows`` get their
    heights (:func:`balance_rows`: it lays the figure out, which the steps after it
    measure)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mpl.rc_context(STYLE):
            out = fn(*args, **kwargs)
            if isinstance(out, (Figure, SubFigure)):
                subscript_texts(out)
                fit_titles(out)
                balance_rows(getattr(out, "balanced_rows", ()))
                fit_axis_labels(out)
                room_for_markers(out)
                room_on_equal_axes(out)
                top_decade_ticks(out)
                plain_log_labels(out)
                spread_ticks(out)
                place_theory_values(out)
            return out

    return wrapper


#: Characters with a Unicode subscript form, and those forms.
_SUB_FROM = "0123456789+-−=()aehijklmnoprstuvx"
_SUB_TO = "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"
_SUB = str.maketrans(_SUB_FROM, _SUB_TO)
#: A one-letter symbol (not inside a word, or after the d of a derivative) with a subscript:
#: one character, min/max, or a bracketed group; then perhaps a one-character power.
_SUB_RE = None


def subscripted(text: str) -> str:
    """``text`` with the raw TeX-style subscripts of one-letter symbols written as such:
    ``x_k`` → ``xₖ``, ``f_min`` → ``fₘᵢₙ``, ``e_(k+1)`` → ``e₍ₖ₊₁₎`` (Unicode subscripts)
    where every character has a subscript form, else mathtext (``x_K`` → ``x$_{K}$``,
    ``t_f`` → ``t$_{f}$``); a power right after (``e_k^q``) in mathtext.  Words with an
    underscore inside (``line_search``) and texts that are mathtext already are kept."""
    import re

    global _SUB_RE
    if "_" not in text or "$" in text:
        return text
    if _SUB_RE is None:
        _SUB_RE = re.compile(r"(?<!\w)(d?[^\W\d_])_(\(([^()]*)\)|min|max|[0-9]+|[^\W\d_])"
                             r"(\^(\w))?(?![^\W⁰¹²³⁴⁵⁶⁷⁸⁹ᵉⁿᵐᶠᵃᵗˢ])")

    def one(m: Any) -> str:
        base, sub, inner, power = m.group(1), m.group(2), m.group(3), m.group(5)
        body = inner if inner is not None else sub
        if power is None and all(c in _SUB_FROM for c in sub):
            return base + sub.translate(_SUB)
        math = "(" + body + ")" if inner is not None else body
        return base + "$_{" + math + "}" + (f"^{{{power}}}" if power else "") + "$"

    return _SUB_RE.sub(one, text)


#: Superscript forms for page text: digits, signs, brackets and the letters that are no
#: provenance marker (ᵉ ⁿ ᵐ ᶠ ᵃ ᵗ ˢ mark how a number was obtained: β^t stays ``β^t``).
_SUP_FROM = "0123456789+-−()bcdghijklopruvwxyz"
_SUP_TO = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾ᵇᶜᵈᵍʰⁱʲᵏˡᵒᵖʳᵘᵛʷˣʸᶻ"
_SUP = str.maketrans(_SUP_FROM, _SUP_TO)
_PAGE_SUP_RE = None


#: A code span of page text: a key or command the reader types, written between backticks
#: (``f_star``); it is set literally, in the monospace font, with no scripts.
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def page_script(text: str) -> str:
    """Page text with its TeX-style sub- and superscripts typeset as the figures typeset
    them (:func:`subscripted`), in Unicode only where every character has a form:
    ``e_k`` → ``eₖ``, ``e_(k+1)`` → ``e₍ₖ₊₁₎``, ``T_max`` → ``Tₘₐₓ``, ``ρ^200`` → ``ρ²⁰⁰``,
    ``|1 − ηL|^k`` → ``|1 − ηL|ᵏ``, ``k^−1`` → ``k⁻¹``, ``e^(−2|x|)`` kept (``|`` has no
    superscript form), and ``x_K``, ``t_f`` kept (no subscript K, f): :func:`page_tags`
    typesets those.  The subscripts of one symbol are set alike within a text: when one of
    them has no Unicode form, all of them are kept for the tags (``c_f``, ``c_g``, ``c_h``,
    not ``c_f``, ``c_g``, ``cₕ``).  A power in a provenance marker's letter (``β^t``) is
    kept, so that it is never read as a marker; code spans (:data:`CODE_SPAN`) are kept."""
    if "`" in text:
        parts = CODE_SPAN.split(text)
        return "".join(f"`{p}`" if i % 2 else page_script(p) for i, p in enumerate(parts))
    if "_" in text:
        text = _page_subscripts(text)
    return _unicode_powers(text, lambda m, body: m.group(0))


def figure_script(text: str) -> str:
    """A figure's text with its sub- and superscripts typeset: :func:`subscripted`, then the
    powers of :func:`page_script` in Unicode where every character has a form
    (``ρ^200`` → ``ρ²⁰⁰``, ``|1 − ηL|^k`` → ``|1 − ηL|ᵏ``), else in mathtext
    (``(|w|·sup|a′|)^d`` → ``…ᵈ``, ``e^(−2|x|)`` → ``e$^{−2|x|}$``); mathtext already in
    the text is kept."""
    text = subscripted(text)
    if "^" not in text:
        return text
    parts = text.split("$")
    for i in range(0, len(parts), 2):  # outside $…$ only
        parts[i] = _unicode_powers(
            parts[i], lambda m, body: m.group(0) if body in _MARKER_LETTERS
            else "$^{" + body + "}$")
    return "$".join(parts)


def _unicode_powers(text: str, otherwise: Callable[[Any, str], str]) -> str:
    """The powers ``^k``, ``^200``, ``^−1``, ``^−p``, ``^(k+1)`` of ``text`` as Unicode
    superscripts where every character has a form; ``otherwise(match, body)`` for the others
    (``^−a``: ``a`` is a provenance marker's letter)."""
    import re

    global _PAGE_SUP_RE
    if "^" not in text:
        return text
    if _PAGE_SUP_RE is None:
        _PAGE_SUP_RE = re.compile(r"\^(\(((?:[^()]|\([^()]*\))*)\)|[−-]?[0-9]+(?:\.[0-9]+)?"
                                  r"|[−-]?[^\W\d_])(?![^\W⁰¹²³⁴⁵⁶⁷⁸⁹ᵉⁿᵐᶠᵃᵗˢ])")

    def up(m: Any) -> str:
        inner = m.group(2)
        body = m.group(1) if inner is None else inner
        if not all(c in _SUP_FROM for c in body):
            return otherwise(m, body)
        bracket = inner is not None and not body.lstrip("−-").isdigit()  # ^(k+1), not ^(−52)
        return "⁽" + body.translate(_SUP) + "⁾" if bracket else body.translate(_SUP)

    return _PAGE_SUP_RE.sub(up, text)


def _page_subscripts(text: str) -> str:
    """The subscripts of :func:`page_script` (the pattern of :func:`subscripted`), a power
    right after a subscript left to the superscript pass."""
    if _SUB_RE is None:
        subscripted("a_b")  # compiles the shared pattern
    tagged = {m.group(1) for m in _SUB_RE.finditer(text)
              if not all(c in _SUB_FROM for c in (m.group(3) or m.group(2)))}

    def one(m: Any) -> str:
        base, sub, inner, power = m.group(1), m.group(2), m.group(3), m.group(4)
        body = inner if inner is not None else sub
        if base in tagged:  # a sibling subscript needs a tag: this one takes one too
            return m.group(0)
        low = ("₍" + body.translate(_SUB) + "₎") if inner is not None else body.translate(_SUB)
        return base + low + (power or "")

    return _SUB_RE.sub(one, text)


#: A one-letter symbol with a word as its subscript (``ρ_window``), not inside a word.
_WORD_SUB_RE = None
#: ReportLab's script tags at the depth and size of the Unicode forms they stand beside
#: (its defaults, half the font size down and 2 pt smaller, reach into the next line)
_SUB_TAG = '<sub rise="18%" size="72%">'
_SUP_TAG = '<super rise="36%" size="72%">'
#: Letters whose superscript is a provenance marker (:data:`analysis.pages.HOW`).
_MARKER_LETTERS = frozenset("enmfats")


def page_tags(text: str) -> str:
    """The scripts :func:`page_script` leaves in ASCII (no Unicode form for a character)
    as ReportLab paragraph tags, for text already escaped for that markup:
    ``x_K`` → ``x<sub>K</sub>``, ``dh_d/dx`` → ``dh<sub>d</sub>/dx``,
    ``ρ_window`` → ``ρ<sub>window</sub>``,
    ``e^(−2|x|)`` → ``e<super>−2|x|</super>``, ``β^(1/(1 − β))`` →
    ``β<super>1/(1 − β)</super>``.  A lone marker letter as a power (``β^t``) is kept, so
    that it is never read as a provenance marker."""
    import re

    global _WORD_SUB_RE
    if "_" in text and _SUB_RE is None:
        subscripted("a_b")  # compiles the shared pattern
    if "_" in text and _WORD_SUB_RE is None:
        _WORD_SUB_RE = re.compile(r"(?<!\w)([^\W\d_])_([^\W\d_]{2,})(?!\w)")
    if "_" in text:

        def low(m: Any) -> str:
            base, sub, inner, power = m.group(1), m.group(2), m.group(3), m.group(5)
            body = f"({inner})" if inner is not None else sub
            tail = "" if power is None else (
                f"^{power}" if power in _MARKER_LETTERS else f"{_SUP_TAG}{power}</super>")
            return f"{base}{_SUB_TAG}{body}</sub>{tail}"

        text = _SUB_RE.sub(low, text)
        text = _WORD_SUB_RE.sub(lambda m: f"{m.group(1)}{_SUB_TAG}{m.group(2)}</sub>", text)
    return _unicode_powers(text, lambda m, body: m.group(0) if body in _MARKER_LETTERS
                           else f"{_SUP_TAG}{body}</super>")


def subscript_texts(fig: FigureLike) -> None:
    """:func:`figure_script` on every text of ``fig``: titles, axis labels, legends."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        old = t.get_text()
        new = figure_script(old)
        if new != old:
            t.set_text(new)


class PlainLogFormatter(mpl.ticker.LogFormatterSciNotation):
    """matplotlib's log-axis labels, written as plain numbers (40, 0.02, 3000) on an axis
    that spans less than a decade within [10⁻³, 10⁴]: such an axis has no decade to label,
    and reads "4 × 10¹ … 7 × 10¹" for 40–70 (kink report p. 7).  Every label of the axis
    changes together (one format per axis, :func:`audit`); which ticks get one is
    matplotlib's choice, unchanged (its ``minor_thresholds``)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = super().__call__(x, pos)
        if not text or self.axis is None:
            return text
        lo, hi = sorted(float(v) for v in self.axis.get_view_interval())
        if not (1e-3 <= lo and hi <= 1e4 and hi < 10.0 * lo):
            return text
        return f"{float(f'{x:.3g}'):g}"


def plain_log_labels(fig: FigureLike) -> None:
    """Give every log axis of ``fig`` labelled by matplotlib's default
    :class:`~matplotlib.ticker.LogFormatterSciNotation` a :class:`PlainLogFormatter` with
    the same settings (major and minor; set formatters are left as they are)."""
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            for get, put in ((axis.get_major_formatter, axis.set_major_formatter),
                             (axis.get_minor_formatter, axis.set_minor_formatter)):
                f = get()
                if type(f) is mpl.ticker.LogFormatterSciNotation:
                    put(PlainLogFormatter(base=f._base, labelOnlyBase=f.labelOnlyBase,
                                          minor_thresholds=f.minor_thresholds,
                                          linthresh=f._linthresh))


class TopDecadeLocator(mpl.ticker.LogLocator):
    """Major ticks of a log axis at every s-th decade counted down from the top decade of
    the view, ⌊log10 v_max⌋, with s the decade stride matplotlib's :class:`LogLocator`
    chooses for the view made readable (:func:`decade_stride`: 10 rather than 19)
    (10⁰, 10⁻³, 10⁻⁶ … rather than 10⁻², 10⁻⁵ … under a top value of 0.5): the axis
    always has a tick at or above the decade of its largest values."""

    def tick_values(self, vmin: float, vmax: float) -> NDArray[np.float64]:
        ticks = np.asarray(super().tick_values(vmin, vmax), dtype=float)
        lo, hi = sorted((float(vmin), float(vmax)))
        if not (lo > 0 and np.isfinite(hi)):
            return ticks
        dec = np.unique(np.round(np.log10(ticks[ticks > 0])))
        stride = int(max(1, np.min(np.diff(dec)))) if dec.size > 1 else 1
        span = math.log10(hi) - math.log10(lo)
        stride = decade_stride(stride, span)
        top = math.floor(math.log10(hi))
        k = np.arange(top + stride, math.floor(math.log10(lo)) - 2 * stride, -stride)
        return 10.0 ** k[::-1].astype(float)


#: Decade strides a log axis may use: readable steps (10⁻³, 10⁻⁶ …; 10⁻¹⁰, 10⁻²⁰ …).
DECADE_STRIDES = (1, 2, 3, 4, 5, 10, 20, 50, 100)


#: A log axis spanning more than this many decades is ticked at least :data:`LEAST_DECADE_TICKS`
#: times: 10² and 10⁻⁸ alone do not tell where 10⁻¹² lies on a short panel over 16 decades.
MANY_DECADES = 10.0
LEAST_DECADE_TICKS = 5


def decade_stride(stride: int, span: float, most: int = 12) -> int:
    """A readable decade stride for a log axis spanning ``span`` decades, from matplotlib's
    ``stride`` (which may be 19): the smallest of :data:`DECADE_STRIDES` ≥ ``stride``, but
    10 instead of a larger one when that gives at most ``most`` ticks, so that a step is at
    most 10 decades whenever the ticks fit; over more than :data:`MANY_DECADES` decades at
    most the largest stride that still gives :data:`LEAST_DECADE_TICKS` ticks (16 decades:
    every 10⁴, not every 10¹⁰)."""
    nice = next((s for s in DECADE_STRIDES if s >= stride), stride)
    if nice > 10 and span / 10 + 1 <= most:
        nice = 10
    if span > MANY_DECADES and span / nice + 1 < LEAST_DECADE_TICKS:
        nice = max((s for s in DECADE_STRIDES if span / s + 1 >= LEAST_DECADE_TICKS),
                   default=1)
    return nice


def top_decade_ticks(fig: FigureLike) -> None:
    """Give every log y axis of ``fig`` that uses matplotlib's automatic decade ticks a
    :class:`TopDecadeLocator` (set ticks are left as they are)."""
    for ax in fig.get_axes():
        loc = ax.yaxis.get_major_locator()
        if (ax.get_yscale() == "log" and type(loc) is mpl.ticker.LogLocator
                and getattr(ax, "_colorbar", None) is None):
            ax.yaxis.set_major_locator(TopDecadeLocator(base=10.0, numticks=loc.numticks))


#: Clear space (points) kept between neighbouring tick labels of an x axis: "8000" and
#: "16000" with none between them read "800016000".
TICK_GAP = 2.0


def tick_label_gap(axis: Any, renderer: Any) -> float:
    """The smallest clear space (display pixels) between neighbouring drawn tick labels of
    an x ``axis``, min over i of x0ᵢ₊₁ − x1ᵢ with the label boxes in order of x0 (negative:
    they overlap); +∞ with fewer than two labels."""
    boxes = sorted((t.get_window_extent(renderer) for t in _drawn_tick_labels(axis)),
                   key=lambda e: e.x0)
    return min((b.x0 - a.x1 for a, b in itertools.pairwise(boxes)), default=math.inf)


def spread_ticks(fig: FigureLike, gap: float = TICK_GAP) -> None:
    """Thin the x ticks of every axes of the laid-out ``fig`` ticked by a
    :class:`~matplotlib.ticker.MaxNLocator` until neighbouring tick labels are at least
    ``gap`` points apart (:func:`tick_label_gap`): its ``nbins`` lowered to n − 2 with n
    labels drawn, so at least one tick fewer each time, down to the two ends."""
    axes = [ax for ax in fig.get_axes()
            if isinstance(ax.xaxis.get_major_locator(), mpl.ticker.MaxNLocator)]
    if not axes:
        return
    root = _root(fig)
    px = root.dpi / 72.0
    for _ in range(4):
        renderer = _renderer(root)
        crowded = [ax for ax in axes if tick_label_gap(ax.xaxis, renderer) < gap * px]
        if not crowded:
            return
        for ax in crowded:
            n = len(_drawn_tick_labels(ax.xaxis))
            ax.xaxis.get_major_locator().set_params(nbins=max(1, n - 2))


def _marker_radius_px(line: Any, px: float) -> float:
    """Half the drawn size of a line's markers in display pixels, r = (ms + mew)/2 · px
    (0 for a line without markers)."""
    if line.get_marker() in (None, "None", "none", "", " ") or line.get_markersize() <= 0:
        return 0.0
    return 0.5 * (line.get_markersize() + line.get_markeredgewidth()) * px


def _marked_lines(ax: Any, clipped: bool = True) -> list[Any]:
    """The visible 2-D lines of ``ax`` drawn with markers: the clipped ones, or all of
    them (``clipped=False``)."""
    if hasattr(ax, "get_zlim"):
        return []
    return [ln for ln in ax.get_lines() if ln.get_visible()
            and (ln.get_clip_on() or not clipped) and _marker_radius_px(ln, 1.0) > 0]


#: Clear space (points) kept between a marker's drawn edge and the frame of its axes.
MARKER_CLEAR = 1.5


def room_for_markers(fig: FigureLike, pad: float = MARKER_CLEAR) -> None:
    """Widen the y limits of every axes of ``fig`` so that each marker lies whole inside
    them, ``pad`` points clear of the frame: with the axes H px tall and p px to a point, a
    marker of radius r px (:func:`_marker_radius_px`) and edge width w points at axes
    fraction u needs (r + (w + pad)·p)/H ≤ u ≤ 1 − (r + (w + pad)·p)/H (the stroke at a
    sharp vertex, a triangle's apex, reaches up to a whole edge width past the radius).
    In the axis scale (log10 on a log axis) with limits [a, b] and a marker at t:
    b' = a + (t − a)/(1 − m) when it sticks out at the top, a' = b − (b − t)/(1 − m) at
    the bottom, m = (r + (w + pad)·p)/H.
    Markers drawn unclipped count too (a ring on the bottom spine shows half below it); those
    outside the limits (a row drawn above the data) are left where they are.  An axes marked
    ``markers_on_frame`` (a heat map whose limits are its cells' edges, its markers drawn
    over the frame) is left as it is."""
    px = fig.dpi / 72.0
    root = _root(fig)
    engine = root.get_layout_engine()
    if engine is not None and any(_marked_lines(a, clipped=False) for a in fig.get_axes()):
        engine.execute(root)  # the axes' laid-out height, which the margin is a share of
    for ax in fig.get_axes():
        lines = _marked_lines(ax, clipped=False)
        if not lines or getattr(ax, "markers_on_frame", False):
            continue
        h = ax.bbox.height  # px (the position of a subfigure's axes is a share of it)
        if h <= 0:
            continue
        scale = ax.yaxis.get_transform()
        for _ in range(3):
            lo, hi = ax.get_ylim()
            flip = lo > hi
            a, b = (float(v) for v in scale.transform([min(lo, hi), max(lo, hi)]))
            if not (np.isfinite(a) and np.isfinite(b)) or b <= a:
                break
            na, nb = a, b
            for ln in lines:
                y = np.asarray(ln.get_ydata(), dtype=float).ravel()
                with np.errstate(all="ignore"):
                    t = np.asarray(scale.transform(y), dtype=float).ravel()
                t = t[np.isfinite(t) & (t >= a) & (t <= b)]
                if not t.size:
                    continue
                m = (_marker_radius_px(ln, px) + (ln.get_markeredgewidth() + pad) * px) / h
                if m >= 0.25:
                    continue
                top, bot = float(t.max()), float(t.min())
                if (b - top) / (b - a) < m:
                    nb = max(nb, a + (top - a) / (1 - m))
                if (bot - a) / (b - a) < m:
                    na = min(na, b - (b - bot) / (1 - m))
            if (na, nb) == (a, b):
                break
            new = [float(v) for v in scale.inverted().transform([na, nb])]
            ax.set_ylim(*(new[::-1] if flip else new))


def _halo_pt(line: Any) -> float:
    """Half the width (points) of a line's stroke path effect (a white halo round its
    markers), 0 without one."""
    return 0.5 * max((float(getattr(e, "_gc", {}).get("linewidth", 0.0))
                      for e in line.get_path_effects()), default=0.0)


def room_on_equal_axes(fig: FigureLike, pad: float = MARKER_CLEAR) -> None:
    """Widen both limits of every equal-aspect axes of ``fig`` (a contour panel) so that
    each marker, its edge and its halo (:func:`_halo_pt`) lie whole inside the frame, ``pad``
    points clear of it: with s px per data unit in the laid-out panel (the smaller of the
    two axes' scales, equal scales) and a marker of radius r px at t, the limits become
    [min(a, t − (r + (h + pad)·p)/s), max(b, t + (r + (h + pad)·p)/s)].  Widening shrinks
    the panel's scale, so the layout is run again and the rule repeated (at most 4 times).
    Shared axes take the union of what their panels need (set on each in turn: limits only
    grow).  :func:`room_for_markers` widens y alone, at a fixed panel height, which an
    equal-aspect panel does not keep."""
    px = fig.dpi / 72.0
    root = _root(fig)
    engine = root.get_layout_engine()
    axes = [a for a in fig.get_axes() if a.get_aspect() == 1.0
            and _marked_lines(a, clipped=False)]
    for _ in range(4 if axes else 0):
        if engine is not None:
            engine.execute(root)
        grown = False
        for ax in axes:
            ax.apply_aspect()
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            if not (x1 > x0 and y1 > y0 and ax.bbox.width > 0 and ax.bbox.height > 0):
                continue
            s = min(ax.bbox.width / (x1 - x0), ax.bbox.height / (y1 - y0))
            lo, hi = np.array([x0, y0]), np.array([x1, y1])
            for ln in _marked_lines(ax, clipped=False):
                xy = np.column_stack([np.atleast_1d(ln.get_xdata()).astype(float),
                                      np.atleast_1d(ln.get_ydata()).astype(float)])
                xy = xy[np.all(np.isfinite(xy), axis=1)
                        & np.all((xy >= [x0, y0]) & (xy <= [x1, y1]), axis=1)]
                if not xy.size:
                    continue
                r = (_marker_radius_px(ln, px) + (_halo_pt(ln) + pad) * px) / s
                lo = np.minimum(lo, xy.min(axis=0) - r)
                hi = np.maximum(hi, xy.max(axis=0) + r)
            if np.any(lo < [x0, y0]) or np.any(hi > [x1, y1]):
                ax.set_xlim(lo[0], hi[0])
                ax.set_ylim(lo[1], hi[1])
                grown = True
        if not grown:
            break


#: Relations that stay on one line with both their sides in a wrapped title.
RELATIONS = frozenset({"=", "≈", "≤", "≥", "<", ">", "≠", "→", "×"})


def bound_words(para: str, units: bool = True) -> list[str]:
    """The words of ``para`` (split at spaces) with every relation of :data:`RELATIONS`
    (``η = 0.6``) joined to the words before and after it, so that a line never breaks next
    to ``=``; a count's thousands (``1 000``, :data:`landscape.numfmt.THOUSANDS_SPACE`)
    stay one word, so that a title never breaks inside a number (``1`` / ``000 it.``), and
    with ``units``, a count stays with its unit (:data:`ITERATIONS_UNIT`: ``1 000 it.``,
    never ``1 000`` / ``it.``)."""
    out: list[str] = []
    glue = False
    for word in (w.replace("\0", " ") for w in THOUSANDS_SPACE.sub("\0", para).split(" ")):
        if units and word.startswith(ITERATIONS_UNIT) and out and out[-1][-1:].isdigit():
            out[-1] += " " + word
            glue = False
        elif word in RELATIONS and out:
            out[-1] += " " + word
            glue = True
        elif glue and out:
            out[-1] += " " + word
            glue = word in RELATIONS
        else:
            out.append(word)
            glue = word in RELATIONS
    return out


def bracket_words(words: list[str], most: int = 24) -> list[str]:
    """``words`` with a short bracketed group (``[−π, π]``, ``(0.9, 0.999)``: at most
    ``most`` characters from its opening to its closing bracket) joined into one unit, so
    that a line never breaks inside it; longer groups stay breakable."""
    out: list[str] = []
    i = 0
    while i < len(words):
        depth, j = 0, i
        while j < len(words):
            depth += sum(words[j].count(c) for c in "([{") - sum(words[j].count(c)
                                                                   for c in ")]}")
            if depth <= 0:
                break
            j += 1
        group = " ".join(words[i:j + 1])
        if j > i and j < len(words) and len(group) <= most:
            out.append(group)
            i = j + 1
        else:
            out.append(words[i])
            i += 1
    return out


def top_words(para: str) -> list[str]:
    """The words of ``para`` a formula breaks between at its top level: each bracketed
    group whole whatever its length (:func:`bracket_words`), a relation sign
    (:data:`RELATIONS`) kept with the word before it and with the word after it unless that
    is such a group of several words, so that a title too narrow for a whole relation
    breaks after its sign, not inside its brackets: ``ηₖ =`` / ``0.5/(1 + 0.25k)``, never
    ``ηₖ = 0.5/(1`` / ``+ 0.25k)`` (a study reading marked it); ``η = 0.6,`` stays whole.
    Titles of one row share a baseline (:func:`top_aligned`), so a title broken after its
    sign stands level with its neighbours."""
    out: list[str] = []
    glue = False
    for word in bracket_words(para.split(" "), most=len(para)):
        if out and (word in RELATIONS or (glue and " " not in word)):
            out[-1] += " " + word
        else:
            out.append(word)
        glue = word in RELATIONS
    return out


def _greedy_lines(words: list[str], available: float, size: float) -> list[str]:
    """Words (units never broken) put greedily into lines of at most ``available``
    points."""
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        if line and text_width_pt(trial, size) > available:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    return lines


def wrap_words(text: str, available: float, size: float) -> str:
    """``text`` broken at spaces into lines of at most ``available`` points at ``size``
    (a single word longer than that stays whole), balanced: of the widths w ≤ ``available``
    that need no more lines than the greedy break at ``available``, the smallest (bisection
    on w), so that a title never ends in a lone fragment (``= 1``, ``it.)``) on a line of
    its own.  A relation stays on one line with both its sides (:func:`bound_words`) unless
    that leaves a lone fragment whatever else is tried; so does a short bracketed group
    (:func:`bracket_words`) when it fits the width, and a count with its unit when that
    fits."""
    out: list[str] = []
    for para in str(text).split("\n"):
        # short bracketed groups whole (:func:`bracket_words`) when that fits, else as before
        tries = []
        for words in (bracket_words(bound_words(para)), top_words(para), bound_words(para)):
            tries.append(_balanced_lines(words, available, size))
            if orphan_line("\n".join(tries[-1])) and len(words) > 1:  # last word glued to
                tries.append(_balanced_lines([*words[:-2], " ".join(words[-2:])],  # the one
                                             available, size))                   # before it
        tries.append(_balanced_lines(bound_words(para, units=False), available, size))
        if orphan_line("\n".join(_balanced_lines(bound_words(para), available, size))):
            tries.append(_balanced_lines(para.split(" "), available, size))  # at worst: a
            # break next to a relation
        fits = [ln for ln in tries if not orphan_line("\n".join(ln))
                and all(text_width_pt(x, size) <= available or " " not in x for x in ln)]
        out += fits[0] if fits else _balanced_lines(bound_words(para), available, size)
    return "\n".join(out)


def _balanced_lines(words: list[str], available: float, size: float) -> list[str]:
    """``words`` (units never broken) broken greedily at ``available`` points, then at the
    smallest width that needs no more lines (bisection)."""
    lines = _greedy_lines(words, available, size)
    if len(lines) > 1:
        lo, hi = 0.0, float(available)
        for _ in range(14):
            mid = 0.5 * (lo + hi)
            if len(_greedy_lines(words, mid, size)) <= len(lines):
                hi = mid
            else:
                lo = mid
        lines = _greedy_lines(words, hi, size)
    return lines


def orphan_line(text: str) -> bool:
    """Whether a wrapped title ends in a lone fragment: more than one line, and the last is
    a single word or shorter than 6 characters while an earlier line has several words."""
    lines = [ln.strip() for ln in str(text).split("\n") if ln.strip()]
    if len(lines) < 2:
        return False
    last = lines[-1]
    return (len(last.split()) == 1 or len(last) < 6) and any(
        len(ln.split()) > 1 for ln in lines[:-1])


#: The smallest size (points) the titles of a grid of panels are set at so that all of them
#: fit on one line (:func:`grid_title_size`); below it they wrap instead.
GRID_TITLE_LEAST = 7.0


def grid_title_size(texts: Sequence[str], rooms: Sequence[float], size: float,
                    least: float = GRID_TITLE_LEAST) -> float:
    """One font size for the titles ``texts`` of a grid of panels, title i having
    ``rooms[i]`` points: ``size`` when every title fits on one line; else
    s = size / max_i(w_i / room_i) (w_i the width of title i at ``size``: widths scale with
    the size; rounded down to 0.1 pt), at which all fit on one line alike, when s ≥
    ``least``; else ``size`` (then they wrap)."""
    over = max((text_width_pt(t, size) / r for t, r in zip(texts, rooms, strict=True)),
               default=0.0)
    if over <= 1.0:
        return size
    fit = math.floor(10.0 * size / over) / 10.0
    return fit if fit >= least else size


def _title_room(ax: Any, width_pt: float) -> float:
    """Points a title of ``ax`` may span in a container ``width_pt`` points wide: 0.92 of
    the axes' width (its grid slot before layout) · 1.1, at most twice its centre's distance
    to the nearer edge less 0.2 of the container."""
    pos = ax.get_position()  # in the container's fraction, before layout
    centre = 0.5 * (pos.x0 + pos.x1)
    return 0.92 * width_pt * min(pos.width * 1.1, 2.0 * min(centre, 1.0 - centre) - 0.2)


def shared_title_size(grids: Mapping[tuple[Any, ...], Sequence[Any]],
                      key: tuple[Any, ...]) -> bool:
    """Whether the titles of the panel group ``key`` of one container (``grids``: (grid,
    width, title size) → its titled axes, :func:`fit_titles`) share their size with another
    group's: shrinking them to fit one line would set titles side by side at two sizes
    (quadratic report: "Error: Newton, quasi-Newton and CG methods" shrunk below 10 pt beside
    "Ratio per step vs ρ" at 10 pt), so they wrap instead."""
    return any(other != key and other[2] == key[2] for other in grids)


def top_aligned(titles: Sequence[str]) -> list[str]:
    """The wrapped ``titles`` of one row of panels with as many lines each: a title of n
    lines gets m − n empty lines below it (m the most lines of the row), so that their
    first lines share one baseline, as do the blocks' bottoms (a title sits on its axes:
    "constant η = 0.1" beside a two-line title was set level with its second line, a line
    lower than its first)."""
    most = max((t.count("\n") + 1 for t in titles), default=1)
    return [t + "\n" * (most - 1 - t.count("\n")) for t in titles]


def fit_titles(fig: FigureLike) -> None:
    """Re-wrap the title of every axes of ``fig`` (and subfigure titles) to the width it has:
    the axes' width (its grid slot before layout) and the subfigure's width, so that no title
    runs past its panel into the next one or off the figure.  The panels of one grid with
    the same width and title size are titled alike: when one title would wrap, all are set
    at the size at which each fits on one line (:func:`grid_title_size`); a lone panel's title
    too, so a narrow panel keeps the height a second title line would take from it — unless
    another panel of the container is titled at the same size (:func:`shared_title_size`):
    then it wraps at that size, and the titles side by side keep one size."""
    root = _root(fig)
    for container in _containers(fig):
        width_pt = container.bbox.width / root.dpi * 72.0
        grids: dict[tuple[Any, ...], list[Any]] = {}
        for ax in _own_axes(container):
            if getattr(ax, "_colorbar", None) is not None or not ax.title.get_text():
                continue
            spec = ax.get_subplotspec()
            key = (id(spec.get_gridspec()) if spec is not None else id(ax),
                   round(ax.get_position().width, 3), float(ax.title.get_fontsize()))
            grids.setdefault(key, []).append(ax)
        for key, group in grids.items():
            flats = [" ".join(ax.title.get_text().replace("\n", " ").split()) for ax in group]
            rooms = [_title_room(ax, width_pt) for ax in group]
            size = float(group[0].title.get_fontsize())
            if not shared_title_size(grids, key):  # alone at its size: may shrink to fit
                size = grid_title_size(flats, rooms, size)
            wrapped = [wrap_words(flat, room, size) for flat, room in zip(flats, rooms,
                                                                           strict=True)]
            for ax, text in zip(group, top_aligned(wrapped), strict=True):
                ax.title.set_fontsize(size)
                ax.title.set_text(text)
        sup = getattr(container, "_suptitle", None)
        if sup is not None and sup.get_text():
            avail = container.bbox.width / root.dpi * 72.0 * 0.95
            flat = " ".join(sup.get_text().replace("\n", " ").split())
            sup.set_text(wrap_words(flat, avail, float(sup.get_fontsize())))


#: the long and short forms of a log axis's note in an axis label (:func:`fit_axis_labels`)
LOG_NOTE, LOG_NOTE_SHORT = " (log scale)", " (log)"


#: the bars of a norm, a pair of which a label's line never breaks between
NORM_BAR = "‖"


def bound_norms(text: str) -> str:
    """``text`` with the spaces between each pair of norm bars (:data:`NORM_BAR`) made
    non-breaking: ``error ‖xₖ − x*‖₂ (log)`` breaks only before or after ``‖xₖ − x*‖₂``."""
    parts = text.split(NORM_BAR)
    return NORM_BAR.join(p.replace(" ", "\u00a0") if i % 2 else p
                         for i, p in enumerate(parts))


def axis_label_forms(label: str, span: float, size: float) -> list[str]:
    """The forms an axis label ``label`` (at ``size`` points) may take along an axis
    ``span`` points long, best first: itself on one line, with its log note shortened
    (:data:`LOG_NOTE` → :data:`LOG_NOTE_SHORT`) on one line, then each of these wrapped
    into two lines (:func:`wrap_words`, balanced, a relation kept whole), then the short
    form wrapped to the span in as many lines as it takes.  The first whose longest line
    is at most ``span`` is used (:func:`fit_axis_labels`).  A norm ‖…‖ stays on one line
    (:func:`bound_norms`): "error ‖xₖ −" / "x*‖₂ (log)" split a formula (study p. 38)."""
    flat = bound_norms(" ".join(label.replace("\n", " ").split()))
    short = flat.replace(LOG_NOTE, LOG_NOTE_SHORT)
    ones = list(dict.fromkeys([flat, short]))
    twos = [wrap_words(t, max(span, 0.55 * text_width_pt(t, size)), size) for t in ones]
    return ones + [t for t in twos if t.count("\n") == 1] + [wrap_words(short, span, size)]


def along_axis(ax: Any, label: Any) -> bool:
    """Whether the axis label ``label`` of ``ax`` runs along its axis: an x label set level
    (rotation 0° or 180°), a y label set upright (90° or 270°).  A y label set level ("start
    x₀" beside a basin strip) runs across the axis: its extent along it is its line height,
    and fitting its width to the strip's 32-pt height broke it into "start" / "x₀" beside a
    one-line label of the same figure's taller strip (study p. 18)."""
    level = round(label.get_rotation()) % 180 == 0
    return level if label is ax.xaxis.label else not level


def fit_axis_labels(fig: FigureLike) -> None:
    """Fit every axis label of ``fig`` within its axes' span: a y label longer than its
    axes is tall (an x label longer than it is wide) would run past the panel, beside the
    title or into the next panel.  The figure is laid out only when some label is longer
    than 0.6 of its axes' span before layout (the layout takes room for titles and
    legends); then each label longer than its axes' span after layout takes its first form
    of :func:`axis_label_forms` that fits.  A label set across its axis (:func:`along_axis`)
    is left as it is: its length does not run along the span."""
    root = _root(fig)
    todo = []
    for container in _containers(fig):
        w_pt = container.bbox.width / root.dpi * 72.0
        h_pt = container.bbox.height / root.dpi * 72.0
        for ax in _own_axes(container):
            pos = ax.get_position()
            for lab, span in ((ax.yaxis.label, pos.height * h_pt),
                              (ax.xaxis.label, pos.width * w_pt)):
                text = lab.get_text()
                if text and along_axis(ax, lab) and \
                        text_width_pt(text, lab.get_fontsize()) > 0.6 * span:
                    todo.append((ax, lab))
    if not todo:
        return
    engine = root.get_layout_engine()
    if engine is not None:
        _renderer(root)
    for ax, lab in todo:
        box = ax.get_window_extent()
        span = (box.height if lab is ax.yaxis.label else box.width) / root.dpi * 72.0
        size = float(lab.get_fontsize())
        if text_width_pt(lab.get_text(), size) <= span:
            continue
        forms = axis_label_forms(lab.get_text(), span, size)
        lab.set_text(next((f for f in forms if text_width_pt(f, size) <= span), forms[-1]))


def new_figure(fig: FigureLike | None = None, figsize: tuple[float, float] = FIGSIZE
               ) -> FigureLike:
    """``fig`` itself, or a new constrained-layout :class:`Figure` (no pyplot involved)."""
    if fig is not None:
        return fig
    return Figure(figsize=figsize, layout="constrained")


def text_width_pt(s: str, size: float) -> float:
    """Width in points of the widest line of ``s`` in the default font at ``size`` points
    (measured on the glyph outlines by :class:`matplotlib.textpath.TextToPath`), each line
    measured once per font (:func:`_line_width_pt`): balanced wrapping measures the same
    words many times, and a measure costs a font lookup."""
    font = (tuple(mpl.rcParams["font.family"]), tuple(mpl.rcParams["font.sans-serif"]))
    return max((_line_width_pt(line, float(size), font) for line in str(s).split("\n")),
               default=0.0)


@functools.lru_cache(maxsize=1 << 16)
def _line_width_pt(line: str, size: float, font: tuple[tuple[str, ...], tuple[str, ...]]
                   ) -> float:
    """The width of one line at ``size`` points in ``font`` (the rcParams font family and
    sans-serif list it is measured with, the cache's key: a style that changes them
    measures anew)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=list(font[0]), size=size)
    return float(TextToPath().get_text_width_height_descent(line, prop, ismath=False)[0])


def legend_columns(widths: Sequence[float], available: float, size: float,
                   most: int = 4) -> int:
    """How many legend columns fit in ``available`` points.

    A column is as wide as its widest entry: handle (2 em) + pad (0.8 em) + text; columns are
    separated by 2 em and the frame adds 0.8 em per side (matplotlib's defaults), so ``c``
    columns need Σ_j max_{i in col j}(wᵢ + 2.8 em) + 2 em·(c − 1) + 1.6 em ≤ available, with
    the entries split into columns as matplotlib does (``np.array_split``)."""
    n = len(widths)
    for c in range(max(1, min(most, n)), 1, -1):
        cols = [list(col) for col in np.array_split(np.asarray(widths, dtype=float), c)]
        need = sum(max(col) + 2.8 * size for col in cols if col) + 2.0 * size * (c - 1)
        if need + 1.6 * size <= available:
            return c
    return 1


def _fit_label(label: str, available: float, size: float) -> str:
    """``label`` wrapped so that each line fits ``available`` points beside its legend
    handle (2.8 + 1.6 times ``size``), as titles wrap (:func:`wrap_words`: balanced lines,
    a point "(1, 1)" or a relation never broken), at least 12 average characters a line."""
    handle = 2.8 * size + 1.6 * size
    if text_width_pt(label, size) + handle <= available:
        return label
    per_char = max(text_width_pt(label, size) / max(len(label), 1), 1e-6)
    return wrap_words(label, max(12 * per_char, available - handle), size) or label


def legend_size() -> float:
    """The legends' font size in points (rcParams ``legend.fontsize``; 8 when it is given
    by name, as "small")."""
    v = mpl.rcParams["legend.fontsize"]
    return float(v) if isinstance(v, (int, float)) else 8.0


_NO_MARKER = (None, "None", "none", "", " ")


#: The unit of a count of iterations in figure titles and legends (:func:`iterations_text`);
#: a wrapped title keeps it on the line of its count (:func:`bound_words`).
ITERATIONS_UNIT = "it."


def iterations_text(n: int) -> str:
    """A count of iterations as figure titles and legends print it: ``1 000 it.`` (its
    thousands set apart, :func:`landscape.numfmt.spaced`, as in prose), one form in every
    figure."""
    return f"{spaced(n)} {ITERATIONS_UNIT}"


def drawn_marker_shapes(fig: FigureLike) -> set[str] | None:
    """The marker shapes the visible lines of ``fig`` (and its subfigures) draw at a
    visible size; None when it also draws a scatter (its shapes are not compared)."""
    shapes: set[str] = set()
    for container in _containers(fig):
        for ax in container.get_axes():
            if any(isinstance(c, mpl.collections.PathCollection) and c.get_visible()
                   for c in ax.collections):
                return None
            for ln in ax.get_lines():
                every = ln.get_markevery()
                if (ln.get_visible() and ln.get_marker() not in _NO_MARKER
                        and ln.get_markersize() > 0 and len(ln.get_xdata()) > 0
                        and not (isinstance(every, (list, np.ndarray)) and len(every) == 0)):
                    shapes.add(str(ln.get_marker()))
    return shapes


def legend_key(handle: Any, drawn: set[str] | None) -> Any:
    """What a legend entry shows for ``handle``: the rule of every legend is that an entry
    looks like what its panels draw.  A line handle keeps its marker only when the figure
    draws that marker shape (``drawn``: :func:`drawn_marker_shapes`; None: not checked);
    otherwise it is shown as its line alone, and an entry left with neither a line nor a
    marker (a series the panels do not draw) is left out (None).  A tuple of handles keeps
    the members that show something."""
    if isinstance(handle, tuple):
        keep = tuple(k for k in (legend_key(h, drawn) for h in handle) if k is not None)
        return keep if len(keep) > 1 else (keep[0] if keep else None)
    if not isinstance(handle, Line2D) or drawn is None or handle.get_marker() in _NO_MARKER \
            or str(handle.get_marker()) in drawn:
        return handle
    if handle.get_linestyle() in _NO_MARKER or handle.get_linewidth() <= 0:
        return None
    line = Line2D([], [])
    line.update_from(handle)
    line.set_marker("None")
    line.set_label(handle.get_label())
    return line


#: the largest share of a figure's width a legend beside its axes takes
#: (:func:`_outside_legend` with ``beside``)
BESIDE_SHARE = 0.4


def _outside_legend(fig: FigureLike, handles: Sequence[Any], labels: Sequence[str] | None = None,
                    ncols: int | None = None, title: str | None = None,
                    beside: bool = False) -> Any:
    """A legend below the axes of ``fig`` (outside the data area, inside the figure).

    The number of columns is the largest (≤ ``ncols``, ≤ 4) whose measured width fits the
    (sub)figure; a label too long for a single column is wrapped.  ``title``: a line above
    the entries for what no single symbol shows (wrapped to the width likewise).
    ``beside``: one column right of the axes instead, in at most :data:`BESIDE_SHARE` of the
    width (for an equal-aspect panel, which would leave the sides of a full-width row
    empty)."""
    if labels is None:
        labels = [h.get_label() for h in handles]
    drawn = drawn_marker_shapes(fig)
    keys = [legend_key(h, drawn) for h in handles]
    labels = [s for s, k in zip(labels, keys, strict=True) if k is not None]
    handles = [k for k in keys if k is not None]
    if not handles:
        return None
    size = legend_size()
    try:
        width = fig.get_window_extent().width / fig.dpi * 72.0
    except Exception:  # noqa: BLE001 - unknown container size: assume a full figure
        width = FIGSIZE[0] * 72.0
    available = (BESIDE_SHARE if beside else 0.96) * width
    labels = [_fit_label(str(s), available, size) for s in labels]
    widths = [text_width_pt(s, size) for s in labels]
    fit = 1 if beside else legend_columns(widths, available, size,
                                          4 if ncols is None else max(1, ncols))
    return fig.legend(handles, labels, loc="outside right center" if beside
                      else "outside lower center", ncols=fit,
                      handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)},
                      title=None if title is None else _fit_label(title, available, size),
                      title_fontsize=size)


def _wrap_title(title: str, fig: FigureLike, size: float = 10.0) -> str:
    """Wrap a title to the width of its (sub)figure (:func:`wrap_words`, balanced lines)."""
    try:
        width_in = fig.get_window_extent().width / fig.dpi
    except Exception:  # noqa: BLE001 - unusual containers: no wrapping
        return title
    return wrap_words(title, max(20 * 0.55 * size, 0.92 * width_in * 72.0), size)


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


def _numbered_text(steps: int, numbered: Sequence[int], drawn: int) -> str:
    """Legend text of a 1-D path: its number of steps and which iterates carry a number,
    ``14 steps; iterates 0–2, 7 numbered`` (all of them: ``3 steps``; none: ``14 steps``)."""
    text = f"{steps} step{'s' if steps != 1 else ''}"
    if not numbered or (len(numbered) == steps + 1 and drawn == steps + 1):
        return text
    idx = sorted(numbered)
    return f"{text}; iterate{'s' if len(idx) > 1 else ''} {int_ranges(idx)} numbered"


#: Successive iterates closer than this fraction of both axis ranges coincide on the page
#: (less than a marker's width apart) and share one number, ``3–6``.
COINCIDE = 0.01


def coinciding_groups(xs: NDArray, ys: NDArray, nums: Sequence[int], sx: float, sy: float
                      ) -> list[list[int]]:
    """The numbered iterates ``nums`` in groups of successive indices that lie on one spot
    of the page: within :data:`COINCIDE` of the axis ranges ``sx``, ``sy`` of the group's
    first iterate (a run settled at its limit: one number ``3–6`` rather than four piled
    up, or pushed far off their point)."""
    groups: list[list[int]] = []
    for j in nums:
        if groups and j == groups[-1][-1] + 1:
            i = groups[-1][0]
            if (abs(xs[j] - xs[i]) <= COINCIDE * sx and abs(ys[j] - ys[i]) <= COINCIDE * sy):
                groups[-1].append(j)
                continue
        groups.append([j])
    return groups


def widest_numbered_text(steps: int, drawn: int) -> str:
    """The longest :func:`_numbered_text` a run of ``steps`` steps can get once its numbers
    are placed (every iterate offered, those with room shown): of the patterns that list
    most numbers singly — every other iterate (0, 2, 4, …) and pairs (0, 1, 3, 4, …).  The
    legend is laid out with it, so that the text of the numbers shown fits its room."""
    n = steps + 1
    texts = [_numbered_text(steps, [j for j in range(n) if j % 2 == 0], drawn),
             _numbered_text(steps, [j for j in range(n) if j % 3 != 2], drawn)]
    return max(texts, key=len)


def _label_direction(xs: NDArray, ys: NDArray, j: int, sx: float, sy: float
                     ) -> tuple[float, float]:
    """Unit direction (axes-scaled) in which to put iterate ``j``'s number clear of the arrows
    to and from its neighbours: v = −(u₋ + u₊) with u± the unit vectors towards iterates
    j ± 1 (coordinates divided by the spans ``sx``, ``sy``); when the neighbours lie on
    opposite sides (|v| small) the normal of the path, on its upper side."""
    p = np.array([xs[j] / sx, ys[j] / sy])
    units = []
    for k in (j - 1, j + 1):
        if 0 <= k < len(xs) and np.isfinite(xs[k]) and np.isfinite(ys[k]):
            d = np.array([xs[k] / sx, ys[k] / sy]) - p
            if np.hypot(*d) > 0:
                units.append(d / np.hypot(*d))
    if not units:
        return (0.6, 0.8)
    v = -np.sum(units, axis=0)
    if np.hypot(*v) < 0.5:  # a straight run through j: step off it sideways
        v = np.array([-units[0][1], units[0][0]])
        v = v if v[1] >= 0 else -v
    v = v / np.hypot(*v)
    return (float(v[0]), float(v[1]))


#: Gap (display px) kept between two iterate numbers, so that "6" and "4" do not read as 64.
LABEL_GAP = 2.5
#: offsets (points) tried in turn for an iterate's number: along its preferred direction
#: first, then around the point, farther out; before them, the ring just clear of its own
#: marker (:data:`LABEL_PAD` off the marker's edge), so that a number with room there sits
#: beside its marker, not nearer another one
_LABEL_RADII = (8.0, 13.0, 19.0)
#: Gap (points) between an iterate's marker and its number on the innermost ring.
LABEL_PAD = 2.5
#: Turns (degrees) from an iterate number's preferred direction below this keep it on the
#: preferred side of its marker (:meth:`IterateLabels._place`).
NEAR_SIDE = 90.0
_LABEL_TURNS = (0.0, 22.5, -22.5, 45.0, -45.0, 67.5, -67.5, 90.0, -90.0, 135.0, -135.0,
                180.0)


def riser_tops(xs: ArrayLike) -> NDArray[np.int_]:
    """The indices ≥ 1 of a step curve's points ``xs`` (sorted; index 0 its foot) where a
    riser ends: the last of the points at each x (ties, several starts at one cost, stack
    on one riser; the quadratic report's Newton riser carried six markers, BFGS's one at
    0.22 on a riser from 0.19 to 0.51)."""
    x = np.asarray(xs, dtype=float)
    j = np.arange(1, x.size)
    return j[(j == x.size - 1) | (x[np.minimum(j + 1, x.size - 1)] != x[j])]


def marked_points(d: NDArray[np.float64], every: Any) -> NDArray[np.float64]:
    """The finite rows of ``d`` (a line's points, N × 2) that carry a marker under the
    line's ``markevery``: all (None), every n-th (an int n), those at a (start, n) slice or
    at a list of indices; other forms (fractions of the length): all."""
    d = np.asarray(d, dtype=float).reshape(-1, 2)
    if isinstance(every, (int, np.integer)) and not isinstance(every, bool):
        d = d[::max(1, int(every))]
    elif isinstance(every, tuple) and len(every) == 2 and all(
            isinstance(v, (int, np.integer)) for v in every):
        d = d[int(every[0])::max(1, int(every[1]))]
    elif isinstance(every, (list, np.ndarray)) and np.asarray(every).dtype.kind in "iu":
        d = d[np.asarray(every, dtype=int)] if len(every) else d[:0]
    return d[np.all(np.isfinite(d), axis=1)]


def data_marks(ax: Any, renderer: Any, step: float = 2.0
               ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """What a label of ``ax`` must keep clear of, in display pixels: the markers of its
    visible lines (centre, radius = half the marker size), their drawn lines and its bare
    arrows (annotations without text), sampled every ``step`` px along each segment
    (radius = half the line width), as points P (N × 2) and radii R (N)."""
    px = renderer.points_to_pixels(1.0)
    pts, rad = [], []
    for ln in ax.get_lines():
        if not ln.get_visible():
            continue
        xy = np.asarray(ln.get_xydata(), dtype=float).reshape(-1, 2)
        with np.errstate(all="ignore"):
            d = ln.get_transform().transform(xy)
        if ln.get_marker() not in (None, "None", "none", "", " ") and ln.get_markersize() > 0:
            m = marked_points(d, ln.get_markevery())
            pts.append(m)
            rad.append(np.full(len(m), 0.5 * ln.get_markersize() * px))
        if ln.get_linestyle() not in ("None", "none", "", " ") and ln.get_linewidth() > 0 \
                and len(d) > 1:
            a, b = d[:-1], d[1:]
            ok = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(b), axis=1)
            a, b = a[ok], b[ok]
            n = np.minimum(np.hypot(*(b - a).T) / step, 1e4).astype(int) + 2
            seg = np.repeat(np.arange(len(a)), n)
            t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n - 1, n)
            pts.append(a[seg] + t[:, None] * (b[seg] - a[seg]))
            rad.append(np.full(len(seg), 0.5 * ln.get_linewidth() * px))
    for t in getattr(ax, "texts", ()):  # bare arrows (iterate to iterate); a callout's
        ap = getattr(t, "arrow_patch", None)  # arrow starts at its own text: not a mark
        if ap is None or not t.get_visible() or t.get_text():
            continue
        with np.errstate(all="ignore"):
            v = ap.get_transform().transform(ap.get_path().vertices)
        v = v[np.all(np.isfinite(v), axis=1)]
        if len(v) > 1:
            a, b = v[:-1], v[1:]
            n = np.minimum(np.hypot(*(b - a).T) / step, 1e4).astype(int) + 2
            seg = np.repeat(np.arange(len(a)), n)
            u = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n - 1, n)
            pts.append(a[seg] + u[:, None] * (b[seg] - a[seg]))
            rad.append(np.full(len(seg), 0.5 * ap.get_linewidth() * px))
    if not pts:
        return np.zeros((0, 2)), np.zeros(0)
    return np.concatenate(pts), np.concatenate(rad)


def covers(ext: Any, marks: tuple[NDArray[np.float64], NDArray[np.float64]],
           slack: float = 0.5) -> bool:
    """Whether the box ``ext`` (display pixels) touches any of ``marks`` (:func:`data_marks`):
    a point p of radius r with x0 − r < pₓ < x1 + r and y0 − r < p_y < y1 + r (less
    ``slack``)."""
    p, r = marks
    if p.size == 0:
        return False
    rr = r - slack
    return bool(np.any((p[:, 0] > ext.x0 - rr) & (p[:, 0] < ext.x1 + rr)
                       & (p[:, 1] > ext.y0 - rr) & (p[:, 1] < ext.y1 + rr)))


def marker_discs(ax: Any, renderer: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The markers of ``ax`` as discs in display pixels: the centres P (N × 2) of the finite
    marked points of every visible line drawn with markers (iterates, starts, last
    iterates; :func:`marked_points`) and their radii R (N; half the marker size)."""
    px = renderer.points_to_pixels(1.0)
    pts, rad = [np.zeros((0, 2))], [np.zeros(0)]
    for ln in ax.get_lines():
        if ln.get_visible() and ln.get_marker() not in (None, "None", "none", "", " ") \
                and ln.get_markersize() > 0:
            xy = np.asarray(ln.get_xydata(), dtype=float).reshape(-1, 2)
            with np.errstate(all="ignore"):
                d = marked_points(ln.get_transform().transform(xy), ln.get_markevery())
            pts.append(d)
            rad.append(np.full(len(d), 0.5 * ln.get_markersize() * px))
    return np.concatenate(pts), np.concatenate(rad)


def box_distance(ext: Any, p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distance (px) from the box ``ext`` to each point of ``p`` (N × 2; 0 inside):
    √(max(x0 − pₓ, 0, pₓ − x1)² + max(y0 − p_y, 0, p_y − y1)²)."""
    p = np.asarray(p, dtype=float).reshape(-1, 2)
    dx = np.maximum.reduce([ext.x0 - p[:, 0], np.zeros(len(p)), p[:, 0] - ext.x1])
    dy = np.maximum.reduce([ext.y0 - p[:, 1], np.zeros(len(p)), p[:, 1] - ext.y1])
    return np.hypot(dx, dy)


#: A point label farther than this (px) from its own point is not placed.
LABEL_REACH = 22.0
#: From the middle of a point's label, every other marker lies at least this many times as
#: far (edge to edge) as its own point's, so that the label is not read as the other's.
LABEL_CLEAR = 1.5


def nearest_is_own(ext: Any, own: ArrayLike,
                   discs: tuple[NDArray[np.float64], NDArray[np.float64]],
                   reach: float = LABEL_REACH, same: float = 1.0) -> bool:
    """Whether a label box ``ext`` reads as the label of the point ``own`` (display px):
    within ``reach`` px of it, and no other marker (:func:`marker_discs`, centre farther
    than ``same`` px from ``own``: 1 px, or the spread of the iterates one number names)
    nearer to the box, edge to edge, than the largest marker drawn at ``own`` (a large
    start circle beside a small iterate draws the eye: its edge counts, not its centre);
    and, seen from the middle of the box, every other marker :data:`LABEL_CLEAR` times as
    far as the nearest marker at ``own`` (a number tucked between two markers reads as
    either's)."""
    own = np.asarray(own, dtype=float).ravel()
    d_own = float(box_distance(ext, own[None, :])[0])
    if d_own > reach:
        return False
    c, r = discs
    c, r = np.asarray(c, dtype=float).reshape(-1, 2), np.asarray(r, dtype=float).ravel()
    here = np.hypot(*(c - own).T) <= same
    gap = d_own - float(r[here].max(initial=0.0))
    if not (~here).any():
        return True
    if not np.all(box_distance(ext, c[~here]) - r[~here] >= gap):
        return False
    # the eye pairs a number with the marker nearest its middle: that one must be its own,
    # clearly (every other marker LABEL_CLEAR times as far, edge to edge)
    mid = np.array([[0.5 * (ext.x0 + ext.x1), 0.5 * (ext.y0 + ext.y1)]])
    d = np.hypot(*(c - mid).T) - r
    return bool(np.all(d[~here] >= LABEL_CLEAR * max(float(d[here].min()), 0.0)))


class ClearLabel(mpl.artist.Artist):
    """Moves one annotation (offset points) when the figure is drawn to the first of
    ``offsets`` where its box lies inside the axes and off the axes' markers and lines
    (:func:`covers`); its alignment follows the offset's side.  With no such place it stays
    at the first offset."""

    zorder = 3.9

    def __init__(self, ann: Any, offsets: Sequence[tuple[float, float]]):
        super().__init__()
        self.set_in_layout(False)
        self.ann, self.offsets = ann, list(offsets)

    def draw(self, renderer: Any) -> None:
        ax, ann = self.axes, self.ann
        box = ax.get_window_extent(renderer)
        marks = data_marks(ax, renderer)
        for dx, dy in [*self.offsets, self.offsets[0]]:
            ann.xyann = (dx, dy)
            ann.set_ha("left" if dx > 0 else "right" if dx < 0 else "center")
            ann.set_va("bottom" if dy > 0 else "top" if dy < 0 else "center")
            ext = ann.get_window_extent(renderer)
            if _inside(ext, box, -0.5) and not covers(ext, marks):
                return


class IterateLabels(mpl.artist.Artist):
    """Places the iterate numbers of one axes when the figure is drawn (after the layout, so
    with the final positions): each number, in order, takes the first offset (preferred
    direction turned by :data:`_LABEL_TURNS` at :data:`LABEL_PAD` off the edge of its own
    marker (:func:`marker_discs`), then at the radii :data:`_LABEL_RADII`) whose box
    lies inside the axes, clear of the numbers already placed and of the markers and lines
    of the axes (:func:`data_marks`, :func:`covers`), and nearer its own point than any
    other marker, edge to edge, and within :data:`LABEL_REACH` (:func:`nearest_is_own`),
    on the far side of its marker (turns of :data:`NEAR_SIDE` or more) only while no place
    on the near side was refused solely for reading as another marker's; a
    number with no such place
    is hidden, and the legend entry of its run then names only the numbers shown.  The
    iterates of one spot (:func:`coinciding_groups`) share one number, ``3–6``, all their
    markers its own; with no place for it, the first of them is numbered alone."""

    zorder = 3.9  # drawn before the numbers (zorder 4), after the markers

    def __init__(self, numbering: dict[str, dict[str, Any]]):
        super().__init__()
        self.set_in_layout(False)
        self.items: list[tuple[str, list[int], Any, tuple[float, float], NDArray]] = []
        self.numbering = numbering

    def add(self, label: str, js: Sequence[int], ann: Any, direction: tuple[float, float],
            spot: ArrayLike | None = None) -> None:
        """The number ``ann`` of the iterates ``js`` (one, or several on one spot: ``spot``
        their points in data coordinates, whose markers all count as its own)."""
        pts = np.asarray(ann.xy if spot is None else spot, dtype=float).reshape(-1, 2)
        self.items.append((label, list(js), ann, direction, pts))

    @staticmethod
    def _offset(ann: Any, u: float, v: float, r: float) -> None:
        ann.xyann = (r * u, r * v)
        ann.set_ha("left" if u > 0.3 else "right" if u < -0.3 else "center")
        ann.set_va("bottom" if v > 0.3 else "top" if v < -0.3 else "center")

    def _place(self, ann: Any, direction: tuple[float, float], radii: Sequence[float],
               box: Any, placed: list[Any], marks: Any, own: NDArray, discs: Any,
               same: float, renderer: Any) -> bool:
        """Move ``ann`` to the first offset that satisfies the rules of the class; whether
        one did."""
        u0, v0 = direction
        # a number goes to the far side of its marker (turns of NEAR_SIDE or more) only
        # while no place on the near side was kept off solely by another marker nearer its
        # middle: flipped there while the others of its run sit on the near side, it would
        # read as that neighbour's (it is not shown)
        crowded = False
        for r in radii:
            for turn in _LABEL_TURNS:
                near = abs(turn) < NEAR_SIDE
                if crowded and not near:
                    continue
                c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
                self._offset(ann, c * u0 - s * v0, s * u0 + c * v0, r)
                ext = ann.get_window_extent(renderer)
                if not (_inside(ext, box, -0.5)
                        and not any(_overlap(ext, e, -LABEL_GAP) for e in placed)
                        and not covers(ext, marks)):
                    continue
                if nearest_is_own(ext, own, discs, same=same):
                    return True
                crowded = crowded or near
        return False

    def draw(self, renderer: Any) -> None:
        ax = self.axes
        box = ax.get_window_extent(renderer)
        marks = data_marks(ax, renderer)
        discs = marker_discs(ax, renderer)
        px = renderer.points_to_pixels(1.0)
        placed: list[Any] = []
        shown: dict[str, set[int]] = {}
        for label, js, ann, (u0, v0), pts in self.items:
            ann.set_visible(True)
            own = ax.transData.transform(np.asarray(ann.xy, dtype=float))
            same = 1.0 + float(np.hypot(*(ax.transData.transform(pts) - own).T).max())
            at = np.hypot(*(discs[0] - own).T) <= same
            close = float(discs[1][at].max(initial=0.0)) / px + LABEL_PAD
            # iterates on one spot: their range "3–6", else (no room) the first one alone
            ok, named = False, js
            for named in ([js, js[:1]] if len(js) > 1 else [js]):
                ann.set_text(int_ranges(named))
                ok = self._place(ann, (u0, v0), (close, *_LABEL_RADII), box, placed, marks,
                                 own, discs, same, renderer)
                if ok:
                    break
            if ok:
                placed.append(ann.get_window_extent(renderer))
                shown.setdefault(label, set()).update(named)
            else:
                ann.set_visible(False)
        for label, entry in self.numbering.items():
            entry["panels"][id(self)] = shown.get(label, set())
            _relabel(entry)


def _relabel(entry: dict[str, Any]) -> None:
    """Set a run's legend label (its handle and any legend text showing the old label) to the
    numbers shown in all its panels (:func:`_numbered_text`)."""
    nums = sorted(set().union(*entry["panels"].values()))
    text = f"{entry['label']} ({_numbered_text(entry['steps'], nums, entry['drawn'])})"
    h = entry["handle"]
    old = h.get_label()
    if old == text:
        return
    h.set_label(text)
    fig = _root(h.axes.figure) if h.axes is not None else None
    legends = [] if fig is None else [leg for c in _containers(fig) for leg in c.legends]
    legends += [a.get_legend() for a in (fig.axes if fig is not None else [])
                if a.get_legend() is not None]
    for leg in legends:
        for t in leg.get_texts():
            shown = t.get_text()
            if shown.split() == old.split():  # the legend may have wrapped it
                t.set_text(text if "\n" not in shown else textwrap.fill(
                    text, max(len(line) for line in shown.split("\n"))))


#: A 1-D run of at most this many iterates offers every iterate a number (those with room
#: show it); a longer one its first ``numbered`` spread apart.
SHORT_RUN = 12


#: The iterates on a curve are drawn over its start circle and last-iterate squares (z 4),
#: each with a white edge, so that iterates that end on the last one's square (a run that
#: stays put) show on it rather than under it.
CURVE_DOT_ZORDER = 4.5
#: Width (points) of the rim of a last-iterate square left around its run's dot on it: the
#: square's side is the dot's size plus twice this (7.5 pt around a lone run's 4.5 pt dot).
CURVE_SQUARE_RIM = 1.5


def curve_dot_size(i: int, n: int, least: float = 4.5, most: float = 7.0) -> float:
    """Marker size (points) of the iterates of run ``i`` of ``n`` on a curve: from ``most``
    for the first run down to ``least`` for the last, evenly (``least`` for a lone run),
    so that where runs share an iterate (a common start) each later, smaller dot sits
    inside the earlier ones and every run shows as a ring around it."""
    return least if n <= 1 else most - (most - least) * i / (n - 1)


def _curve_panel(ax: Any, values: Callable[[NDArray], NDArray], runs: Mapping[str, NDArray],
                 lo: float, hi: float, *, numbered: int, arrows: int, ylabel: str,
                 first: int = 0, last: float = math.inf,
                 record: dict[str, list[int]] | None = None,
                 numbering: dict[str, dict[str, Any]] | None = None) -> list[Any]:
    """The curve over [lo, hi] and the iterates (index ≥ ``first``) that lie in it: markers,
    arrows between successive shown iterates, numbers, start and last iterate.  The numbers
    offered (index ≤ ``last``): every iterate of a run of at most :data:`SHORT_RUN`
    iterates, else the first ``numbered`` spread apart in x (:func:`_declutter`);
    :class:`IterateLabels` shows those that have room.  The iterates lie over the start
    and last-iterate markers, nested by run (:data:`CURVE_DOT_ZORDER`,
    :func:`curve_dot_size`).  ``record``
    (optional) receives, per run label, the indices of the iterates that were numbered."""
    grid = np.linspace(lo, hi, 801)
    ax.plot(grid, values(grid.reshape(-1, 1)), color="0.25", lw=1.3, label=ylabel, zorder=1)
    handles = [ax.lines[-1]]
    span = hi - lo
    sty = series_styles(runs)
    numbering = {} if numbering is None else numbering
    placer = IterateLabels(numbering)
    ax.add_artist(placer)
    for i, (label, p) in enumerate(runs.items()):
        xs = p[:, 0]
        ys = values(p)
        idx = np.arange(len(xs))
        keep = (idx >= first) & np.isfinite(xs) & np.isfinite(ys) & (xs >= lo) & (xs <= hi)
        c = sty[label].color
        shown = [float(x) if keep[j] and j <= last else np.nan for j, x in enumerate(xs)]
        # a short run offers every iterate (those on one spot share a number,
        # :func:`coinciding_groups`): the placer numbers each one that has room
        nums = [j for j, x in enumerate(shown) if np.isfinite(x)] if len(xs) <= SHORT_RUN \
            else _declutter(shown, span, numbered)
        if record is not None:
            record[label] = record.get(label, []) + nums
        what = _numbered_text(len(xs) - 1, nums, int(keep.sum()))
        if len(xs) <= SHORT_RUN:  # the legend keeps room for the numbers placed when drawn
            what = widest_numbered_text(len(xs) - 1, int(keep.sum()))
        (h,) = ax.plot(xs[keep], ys[keep], ls="none", marker=sty[label].marker, color=c,
                       ms=curve_dot_size(i, len(runs)), mec="white", mew=0.6,
                       zorder=CURVE_DOT_ZORDER, label=f"{label} ({what})")
        handles.append(h)
        entry = numbering.setdefault(label, {"label": label, "steps": len(xs) - 1,
                                             "drawn": int(keep.sum()), "panels": {}})
        entry.setdefault("handle", h)
        drawn = 0
        for k in range(first, len(xs) - 1):
            if drawn >= arrows:
                break
            if keep[k] and keep[k + 1]:
                ax.annotate("", xy=(xs[k + 1], ys[k + 1]), xytext=(xs[k], ys[k]),
                            arrowprops=dict(arrowstyle="->", color=c, lw=0.9, alpha=0.8,
                                            shrinkA=2, shrinkB=2), zorder=2)
                drawn += 1
        fin = ys[keep]
        sy = float(np.ptp(fin)) if fin.size and np.ptp(fin) > 0 else 1.0
        for g in coinciding_groups(xs, ys, nums, span or 1.0, sy):
            j = g[0]  # each number off the arrows that meet at its iterate
            u, v = _label_direction(xs, ys, j, span or 1.0, sy)
            r = 8.0 + 5.0 * (i % 2)
            ann = ax.annotate(int_ranges(g), (xs[j], ys[j]),
                              textcoords="offset points",
                              xytext=(r * u, r * v), fontsize=7, color=c, zorder=4,
                              ha="left" if u > 0.3 else "right" if u < -0.3 else "center",
                              va="bottom" if v > 0.3 else "top" if v < -0.3 else "center")
            placer.add(label, g, ann, (u, v), np.column_stack([xs[g], ys[g]]))
        if keep[0]:
            ax.plot(xs[:1], ys[:1], marker="o", ms=9, mfc="none", mec="black", mew=1.4,
                    ls="none", zorder=4)
        if keep[-1]:
            ax.plot(xs[-1:], ys[-1:], marker="s", ms=h.get_markersize() + 2.0 * CURVE_SQUARE_RIM,
                    color=c, mec="black", ls="none", zorder=4)
    ax.set_xlim(lo, hi)
    return handles


def cluster_window(xs: ArrayLike, span: float, fraction: float = 0.05
                   ) -> tuple[int, float, float] | None:
    """Where the iterates ``xs`` crowd together: the first index ``m`` from which all later
    iterates lie within ``fraction`` of ``span``, and their padded range (lo, hi) — or None
    when fewer than 6 iterates crowd (nothing to zoom)."""
    x = np.asarray(xs, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size < 7 or span <= 0:
        return None
    m = x.size - 1
    while m > 0:
        tail = x[m - 1:]
        if tail.max() - tail.min() > fraction * span:
            break
        m -= 1
    if x.size - m < 6:
        return None
    tail = x[m:]
    width = max(float(tail.max() - tail.min()), 1e-3 * span)
    return m, float(tail.min()) - 0.25 * width, float(tail.max()) + 0.25 * width


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
    legend: bool | str = True,
    zoom: bool | None = None,
    cut: bool = False,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """The curve y = f(x) with the iterates of one or more 1-D runs on it.

    ``paths``: an array of iterates x₀, x₁, … (or a mapping label → array for several runs).
    Successive iterates are joined by arrows (the first ``arrows`` steps), the iterates carry
    their index where it has room (every iterate of a run of at most :data:`SHORT_RUN`, else
    the first ``numbered``, skipping ones that would overlap), the start is a
    black-edged circle and the last iterate a square.  The x-range covers ``xlim`` (default:
    the iterates, padded) and all iterates.  When the later iterates of the (first) run crowd
    into less than 5 % of that range (:func:`cluster_window`), a second panel zooms on them
    with their own numbers (``zoom`` forces it on or off).  ``legend=False`` leaves the legend
    out; ``legend="ends"`` names only the start and last-iterate markers
    (:func:`end_marker_key`: for panels whose runs another legend or the title names).
    ``cut``: the paths are the first steps of runs that went on, so the legend names the
    square by its index, "iterate K (last drawn)" (:func:`last_square_label`), not as the
    run's last iterate.
    """
    fig = new_figure(fig, figsize)
    runs = _as_paths(paths, 1)
    values = evaluator(f, 1)
    allx = np.concatenate([p[:, 0] for p in runs.values()]) if runs else np.zeros(1)
    allx = allx[np.isfinite(allx)]
    lo, hi = (float(allx.min()), float(allx.max())) if allx.size else (-1.0, 1.0)
    if xlim is not None:
        lo, hi = min(lo, xlim[0]), max(hi, xlim[1])
    pad = 0.08 * (hi - lo if hi > lo else max(1.0, abs(hi)))
    lo, hi = lo - pad, hi + pad
    crowd = None
    if zoom is not False and runs:
        crowd = cluster_window(next(iter(runs.values()))[:, 0], hi - lo)
    if crowd is None:
        ax = fig.add_subplot()
        handles = _curve_panel(ax, values, runs, lo, hi, numbered=numbered, arrows=arrows,
                               ylabel=ylabel)
        axes = [ax]
    else:
        m, zlo, zhi = crowd
        ax, az = fig.subplots(1, 2, width_ratios=[1.2, 1.0])
        record: dict[str, list[int]] = {}
        numbering: dict[str, dict[str, Any]] = {}
        # the zoom numbers iterates m on: a number ≥ m in the full panel would sit in the
        # crowd by the last iterate's square and read as its number
        handles = _curve_panel(ax, values, runs, lo, hi, numbered=min(numbered, m),
                               arrows=min(arrows, m), ylabel=ylabel, last=m - 1,
                               record=record, numbering=numbering)
        _curve_panel(az, values, runs, zlo, zhi, numbered=numbered, arrows=arrows,
                     ylabel=ylabel, first=m, record=record, numbering=numbering)
        for h, (label, p) in zip(handles[1:], runs.items(), strict=False):
            nums = sorted(set(record.get(label, [])))  # numbered in either panel
            h.set_label(f"{label} ({_numbered_text(len(p) - 1, nums, len(p))})"
                        if len(p) > SHORT_RUN else
                        f"{label} ({widest_numbered_text(len(p) - 1, len(p))})")
            numbering[label]["drawn"] = len(p)
        ax.axvspan(zlo, zhi, color=GREY, alpha=0.3, lw=0, zorder=0)
        az.ticklabel_format(useOffset=False)
        # "grey band:" / "iterates 6–11" in two lines beside a two-line title: "zoom (grey
        # band): iterates 6–11" took three in the narrow zoom (study p. 13)
        # set flush with the zoom's right edge: with its y label the zoom is narrower than
        # its title, which centred ran past the figure's right edge
        az.set_title(f"grey band:\niterates {m}–{len(next(iter(runs.values()))) - 1}",
                     fontsize=8.5, loc="right")
        axes = [ax, az]
    ends, names = end_marker_key(runs, cut)
    for a in axes:  # the zoom is an axes of its own scale: it is labelled too (study p. 13)
        a.set_xlabel(xlabel)
        a.set_ylabel(ylabel)
    axes[0].set_title(_wrap_title(title or "Iterates on the curve (numbers = iteration index)",
                                  fig, 10.0 * len(axes)))
    if legend == "ends":
        _outside_legend(fig, ends, names)
    elif legend:
        _outside_legend(fig, handles + ends, [h.get_label() for h in handles] + names)
    return fig


def end_marker_key(runs: Mapping[str, Any], cut: bool = False) -> tuple[list[Any], list[str]]:
    """The legend entries of the markers that end the iterates on a curve: the start, a
    black-edged open circle named "start x₀", and the last iterate drawn, a black-edged
    square in each run's colour (one entry for all runs) named by
    :func:`last_square_label`.  ``runs``: label → iterates (steps = len − 1)."""
    handles: list[Any] = [Line2D([], [], marker="o", ms=9, mfc="none", mec="black", mew=1.4,
                                 ls="none", label="start x₀")]
    names = ["start x₀"]
    squares = tuple(Line2D([], [], marker="s", ms=7, color=st.color, mec="black", ls="none")
                    for st in series_styles(runs).values())  # in the colours they are drawn in
    if squares:
        handles.append(squares[0] if len(squares) == 1 else squares)
        names.append(last_square_label([len(p) - 1 for p in runs.values()], cut))
    return handles, names


def last_square_label(steps: Sequence[int], cut: bool = False) -> str:
    """The legend name of the square on the last iterate drawn of runs of ``steps`` steps:
    "last iterate", or, when the drawing stops before the runs do (``cut``), "iterate K
    (last drawn)" (K the steps drawn, when all runs share it; else "last iterate drawn")."""
    if not cut:
        return "last iterate"
    ks = set(int(k) for k in steps)
    return f"iterate {ks.pop()} (last drawn)" if len(ks) == 1 else "last iterate drawn"


# ============================================================================ contours


def _grid_values(f: Any, box: NDArray, resolution: int) -> tuple[NDArray, NDArray, NDArray]:
    xs = np.linspace(box[0, 0], box[0, 1], resolution)
    ys = np.linspace(box[1, 0], box[1, 1], resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = evaluator(f, 2)(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
    return X, Y, Z


def contour_levels(Z: NDArray, count: int = 18) -> tuple[NDArray, bool]:
    """Contour levels for the values ``Z``, geometric in f − f_min.

    With m = min Z and g = Z − m: levels m and m + gⱼ, gⱼ geometric from g_lo to max g, where
    g_lo is the 0.5th percentile of the positive g (at least 10⁻⁸·max g) — so the levels are
    dense near every minimum (Himmelblau's four basins) and sparse on the walls.  Evenly spaced
    only when g spans less than a decade.  Returns the levels and whether they are geometric."""
    z = Z[np.isfinite(Z)]
    if z.size == 0:
        return np.linspace(0.0, 1.0, count), False
    zmin, zmax = float(z.min()), float(z.max())
    if zmax <= zmin:
        return np.array([zmin - 1.0, zmin, zmin + 1.0]), False
    shifted = z - zmin
    pos = shifted[shifted > 0]
    span = zmax - zmin
    low = max(float(np.percentile(pos, 0.5)) if pos.size else span, span * 1e-8)
    if span / low >= 10.0:
        levels = zmin + np.geomspace(low, span, count)
        return np.concatenate([[zmin], levels]), True
    return np.linspace(zmin, zmax, count + 1), False


def clip_to_box(path: ArrayLike, box: ArrayLike) -> NDArray[np.float64]:
    """The polyline ``path`` (K+1, 2) cut to the rectangle ``box`` ((lo, hi) per axis).

    Each segment p→q keeps its part p + t(q − p), t ∈ [t₀, t₁], inside the box
    (Liang–Barsky); pieces that are not joined are separated by a row of NaN, and segments
    with a non-finite end are dropped, so nothing drawn leaves the box."""
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    b = np.asarray(box, dtype=float).reshape(2, 2)
    out: list[NDArray] = []
    last: NDArray | None = None
    if p.shape[0] == 1:
        inside = np.all(np.isfinite(p[0])) and np.all((p[0] >= b[:, 0]) & (p[0] <= b[:, 1]))
        return p.copy() if inside else np.zeros((0, 2))
    for a, q in zip(p[:-1], p[1:], strict=True):
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(q))):
            continue
        d = q - a
        t0, t1 = 0.0, 1.0
        for j in range(2):
            for num, den in ((a[j] - b[j, 0], -d[j]), (b[j, 1] - a[j], d[j])):
                if den == 0.0:
                    if num < 0:
                        t0, t1 = 1.0, 0.0
                else:
                    with np.errstate(over="ignore"):  # a nearly parallel edge: t = ±inf
                        t = num / den
                    if den < 0:
                        t0 = max(t0, t)
                    else:
                        t1 = min(t1, t)
        if t0 > t1:
            continue
        start, end = a + t0 * d, a + t1 * d
        if last is None or not np.allclose(start, last, rtol=0, atol=1e-12):
            if out:
                out.append(np.array([np.nan, np.nan]))
            out.append(start)
        out.append(end)
        last = end
    return np.array(out) if out else np.zeros((0, 2))


def path_window(paths: Iterable[ArrayLike], box: ArrayLike, pad: float = 0.12,
                least: float = 0.06, aspect: float = 1.6) -> NDArray[np.float64] | None:
    """The rectangle around the in-box iterates of ``paths``, padded by ``pad`` of its size
    (and at least ``least`` of the box per axis), widened so that its sides differ by at
    most a factor ``aspect``, inside ``box``; None without iterates."""
    b = np.asarray(box, dtype=float).reshape(2, 2)
    pts = [np.asarray(p, dtype=float).reshape(-1, 2) for p in paths]
    allp = np.concatenate(pts) if pts else np.zeros((0, 2))
    ok = np.all(np.isfinite(allp), axis=1)
    allp = allp[ok]
    allp = allp[np.all((allp >= b[:, 0]) & (allp <= b[:, 1]), axis=1)]
    if allp.shape[0] == 0:
        return None
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    size = np.maximum(hi - lo, least * (b[:, 1] - b[:, 0]))
    mid = 0.5 * (lo + hi)
    half = 0.5 * size * (1.0 + 2.0 * pad)
    half = np.maximum(half, half.max() / aspect)  # not thinner than 1 : aspect
    w = np.column_stack([np.maximum(mid - half, b[:, 0]), np.minimum(mid + half, b[:, 1])])
    return w


#: Critical points are drawn over everything of a path (lines 4, starts 5, last iterates 7),
#: so a minimum is never hidden under the squares of the runs that ended there, and with a
#: white halo around their black edge that sets them apart from those squares.
CRITICAL_ZORDER = 8
CRITICAL_HALO = [patheffects.withStroke(linewidth=3.0, foreground="white")]


#: Marker size (points) of a last-iterate square; nested squares grow by LAST_STEP each.
LAST_SQUARE = 12.0
LAST_STEP = 4.0
#: A nest of last-iterate squares is at most this share of its axes' shorter side across
#: (its step shrinks, down to 1.5 points).
NEST_SHARE = 0.15
#: A path panel marks about this many of a path's iterates (:func:`path_mark_stride`).
PATH_MARKS = 40


def path_mark_stride(n: int, most: int = PATH_MARKS) -> int:
    """Every how many iterates a path panel (:func:`_contour_panel`) marks one, for ``n``
    iterates drawn: max(1, ⌊n / most⌋), so every iterate of a short path and about ``most``
    of a long one, at evenly spaced iterations (bunched where the path crawls)."""
    return max(1, n // most)


#: A coordinate within this many units of rounding, EDGE_ULPS·ε·max(|lo|, |hi|), outside a
#: box's side [lo, hi] lies on its edge: the kink's momentum run cycles between (2.5, 5) and
#: (−2.5, −5), the latter computed as −5.000000000000001.
EDGE_ULPS = 4.0


def _edge_tolerance(b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per coordinate of box ``b`` (rows [lo, hi]), EDGE_ULPS·ε·max(|lo|, |hi|)."""
    return EDGE_ULPS * float(np.finfo(float).eps) * np.max(np.abs(b), axis=1)


def box_inside(path: ArrayLike, box: ArrayLike) -> NDArray[np.bool_]:
    """Per iterate of ``path`` (rows; one point alone is a path of one), whether it is
    finite and inside ``box`` (rows: [lo, hi] per coordinate, edges included to their
    rounding: lo − t ≤ x ≤ hi + t with t = :data:`EDGE_ULPS`·ε·max(|lo|, |hi|))."""
    p = np.atleast_2d(np.asarray(path, dtype=float))
    b = np.asarray(box, dtype=float).reshape(-1, 2)
    t = _edge_tolerance(b)
    return np.all(np.isfinite(p), axis=1) & np.all((p >= b[:, 0] - t) & (p <= b[:, 1] + t),
                                                   axis=1)


def on_box_edge(point: ArrayLike, box: ArrayLike) -> bool:
    """Whether ``point`` lies inside ``box`` (:func:`box_inside`) and on one of its edges:
    some coordinate within t = :data:`EDGE_ULPS`·ε·max(|lo|, |hi|) of lo or hi."""
    q = np.asarray(point, dtype=float).ravel()
    b = np.asarray(box, dtype=float).reshape(-1, 2)
    t = _edge_tolerance(b)
    return bool(box_inside(q, b)[0]) and bool(np.any((np.abs(q - b[:, 0]) <= t)
                                                     | (np.abs(q - b[:, 1]) <= t)))


#: A path's last iterates repeat with period m (a cycle) when each lies within this share of
#: the box's side of the one m steps before it.
CYCLE_SHARE = 1e-9


def end_cycle(path: ArrayLike, box: ArrayLike, most: int = CYCLE_MAX_PERIOD) -> int | None:
    """The period m (2 ≤ m ≤ ``most``, the rate study's longest cycle,
    :data:`analysis.empirical.CYCLE_MAX_PERIOD`) of the cycle the finite ``path`` ends on: the
    smallest m whose last 2m iterates repeat, |p_(K−j) − p_(K−j−m)| ≤ CYCLE_SHARE·span on
    every axis for j < m, while the last two iterates differ (a run standing still has no
    cycle); None when there is none."""
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    p = p[np.all(np.isfinite(p), axis=1)]
    b = np.asarray(box, dtype=float).reshape(-1, 2)
    tol = CYCLE_SHARE * (b[:, 1] - b[:, 0])
    if len(p) < 2 or np.all(np.abs(p[-1] - p[-2]) <= tol):
        return None
    return next((m for m in range(2, most + 1) if len(p) >= 2 * m and np.all(
        np.abs(p[-m:] - p[-2 * m:-m]) <= tol)), None)


def path_end_text(path: ArrayLike, box: ArrayLike) -> str:
    """How a path that stays in its box ends, for its title: "; ends on a 2-cycle on the
    box's edge", "; ends on a 3-cycle", "; ends on the box's edge" (:func:`end_cycle`,
    :func:`on_box_edge` of the last finite iterate), or ""."""
    p = np.asarray(path, dtype=float).reshape(-1, 2)
    p = p[np.all(np.isfinite(p), axis=1)]
    if not len(p):
        return ""
    m = end_cycle(p, box)
    edge = " on the box's edge" if on_box_edge(p[-1], box) else ""
    return f"; ends on a {m}-cycle{edge}" if m else ("; ends" + edge if edge else "")


def box_exits(path: ArrayLike, box: ArrayLike) -> str:
    """How :func:`plot_contour` draws ``path`` against ``box`` (:func:`box_inside`):
    ``inside`` (every iterate finite and in the box), ``cut`` (it leaves the box and comes
    back, or never enters it: cut at the box's edge), ``gone`` (its last iterates lie
    outside: it leaves for good, drawn up to where it leaves)."""
    ins = box_inside(path, box)
    if ins.all():
        return "inside"
    return "gone" if ins.any() and not ins[-1] else "cut"


def last_square_sizes(lasts: Mapping[str, ArrayLike], span: ArrayLike, share: float = 0.015
                      ) -> tuple[dict[str, float], list[list[str]]]:
    """Sizes of the last-iterate squares and the groups of labels whose last iterates
    coincide: two ends p, q coincide when |pᵢ − qᵢ| ≤ share·spanᵢ on every axis i (under a
    marker of each other).  The j-th label of a group (in the given order) gets the size
    LAST_SQUARE + j·LAST_STEP, so coinciding ends show as nested squares, none hidden."""
    span = np.asarray(span, dtype=float).ravel()
    sizes: dict[str, float] = {}
    groups: list[list[str]] = []
    for label, q in lasts.items():
        q = np.asarray(q, dtype=float).ravel()
        for g in groups:
            if np.all(np.abs(np.asarray(lasts[g[0]], float).ravel() - q) <= share * span):
                g.append(label)
                break
        else:
            groups.append([label])
        g = next(g for g in groups if label in g)
        sizes[label] = LAST_SQUARE + LAST_STEP * (len(g) - 1)
    return sizes, [g for g in groups if len(g) > 1]


def nest_label(lasts: Mapping[str, ArrayLike], group: Sequence[str], span: ArrayLike,
               same: float = 1e-6) -> str:
    """Legend text of a group of nested last-iterate squares (:func:`last_square_sizes`):
    "end at one point" only when the ends agree within ``same``·spanᵢ on every axis i
    (equal at any printed precision), else "end within d of each other", d = maxᵢⱼ ‖pᵢ − pⱼ‖₂
    to 2 significant digits (rounded up, so that the bound holds)."""
    pts = np.asarray([np.asarray(lasts[k], float).ravel() for k in group])
    span = np.asarray(span, dtype=float).ravel()
    names = ", ".join(group)
    if np.all(np.abs(pts - pts[0]) <= same * span):
        return f"nested squares: {names} end at one point"
    d = float(np.max(np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)))
    e = 10.0 ** (math.floor(math.log10(d)) - 1)
    bound = fmt(math.ceil(round(d / e, 6)) * e, 2)
    return f"nested squares: {names} end within {bound} of each other"


def _critical_handles(ax: Any, critical_points: Iterable[Any], box: NDArray | None,
                      dim: int) -> list[Line2D]:
    """Draw critical points by kind; returns legend handles (kind and count:
    :func:`kind_count`)."""
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
                zorder=CRITICAL_ZORDER, path_effects=CRITICAL_HALO)
        counts[kind] = counts.get(kind, 0) + 1
    handles = []
    for kind in KIND_STYLE:
        if kind in counts:
            m, face, size = KIND_STYLE[kind]
            handles.append(Line2D([], [], marker=m, ms=size * 0.8, mfc=face, mec="black",
                                  ls="none", label=kind_count(kind, counts[kind])))
    return handles


def kind_count(kind: str, n: int) -> str:
    """Legend text of the critical points of one kind: ``minimum`` for one, ``minimum
    (2 points)`` for more (a bare ``minimum (1)`` reads as a numbering P1 that the
    document may not have)."""
    return kind if n == 1 else f"{kind} ({n} points)"


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    """``obj.name`` or ``obj[name]`` (results are dataclasses or JSON dicts)."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


#: the white margin around the box of a contour panel, as a share of each side's span
BOX_MARGIN = 0.03


#: the line style of a filled contour panel's lines at levels below 0 (:func:`contour_key`)
NEGATIVE_CONTOURS = "dashed"


def contour_key(negative: bool) -> str:
    """A caption's key to the shading of :func:`plot_contour`'s panels: grey, darker where f
    is higher; with ``negative`` (f < 0 somewhere in the panel) its dashed lines."""
    return ("grey shading: f, darker where higher"
            + (f"; {NEGATIVE_CONTOURS} contour lines: f < 0" if negative else ""))


def _contour_panel(ax: Any, f: Any, b: NDArray, paths: Mapping[str, NDArray],
                   critical_points: Iterable[Any], *, resolution: int, levels: int,
                   styles: Mapping[str, SeriesStyle] | None = None, nest: bool = True,
                   one_named: bool = False) -> tuple[list[Any], Any, NDArray, bool]:
    """Filled contours of f over ``b`` (geometric in f − f_min), the paths cut to the box
    (:func:`clip_to_box`), starts, last iterates and critical points (start and last-iterate
    markers unclipped at the box's edge; the critical points on top, haloed:
    :data:`CRITICAL_ZORDER`); returns the legend
    handles, the contour set, the levels and whether they are geometric.  Coinciding ends
    are nested squares (at most :data:`NEST_SHARE` of the axes' shorter side across); with
    ``nest=False`` (an overview beside a zoom that shows the nest) they are one black square;
    ``one_named`` (with ``nest=False``, a panel without a zoom: a nest of squares would hide
    the last segments of every path) that square's legend entry names the methods."""
    X, Y, Z = _grid_values(f, b, resolution)
    lv, geometric = contour_levels(Z, levels)
    greys = ListedColormap(mpl.colormaps["Greys"](np.linspace(0.0, 0.45, 256)))
    cs = ax.contourf(X, Y, Z, levels=lv, cmap=greys, extend="both")
    ax.contour(X, Y, Z, levels=lv, colors="0.45", linewidths=0.5,
               negative_linestyles=NEGATIVE_CONTOURS)
    handles: list[Any] = []
    starts: list[NDArray] = []

    def inside(q: NDArray) -> bool:
        return bool(box_inside(q, b)[0])

    sty = {**series_styles(paths), **(styles or {})}
    lasts: dict[str, NDArray] = {}
    for label, p in paths.items():
        st = sty[label]
        fin = np.all(np.isfinite(p), axis=1)
        ins = box_inside(p, b)
        leaves = not bool(ins.all())
        # a path that leaves the box for good is drawn up to where it leaves: the rest would
        # be segments crossing the box, cut at its edges, again and again
        gone = int(np.flatnonzero(ins)[-1]) + 1 if ins.any() and leaves else len(p)
        name = f"{label} ({iterations_text(len(p) - 1)}" + (
            f"; leaves the box at k = {gone})" if gone < len(p) else
            "; leaves the box" + path_end_text(p, b) + ")" if leaves else
            path_end_text(p, b) + ")")
        shown = clip_to_box(p[:gone + 1], b)
        ax.plot(shown[:, 0], shown[:, 1], color=st.color, ls=st.linestyle, lw=1.4, zorder=4,
                label=f"_{label} path")
        dots = p[:gone][ins[:gone]]  # markers on iterates only, never on the box's edge
        dots = dots[::path_mark_stride(dots.shape[0])]
        ax.plot(dots[:, 0], dots[:, 1], color=st.color, ls="none", marker=st.marker, ms=3,
                zorder=4, label=f"_{label} iterates")
        h = Line2D([], [], color=st.color, ls=st.linestyle, marker=st.marker, ms=3, lw=1.4,
                   label=name)
        handles.append(h)
        if inside(p[0]) and not any(np.allclose(p[0], s0) for s0 in starts):
            ax.plot(p[0, 0], p[0, 1], marker="o", ms=9, mfc="white", mec="black", mew=1.4,
                    zorder=5, clip_on=False)  # a start near the edge: the whole circle
            starts.append(p[0])
        last = p[fin][-1] if fin.any() else None
        if last is not None and inside(last):
            lasts[label] = last
    span = b[:, 1] - b[:, 0]
    sizes, groups = last_square_sizes(lasts, span)
    box = ax.get_window_extent()  # display pixels (also inside a subfigure)
    side = min(box.width, box.height) / _root(ax.figure).dpi * 72.0
    for g in groups:
        step = min(LAST_STEP, max(1.5, (NEST_SHARE * side - LAST_SQUARE) / (len(g) - 1)))
        for j, label in enumerate(g):
            sizes[label] = LAST_SQUARE + j * step
    one = [Line2D([], [], ls="none", marker="s", ms=LAST_SQUARE, mfc="none", mec="black",
                  mew=1.6, label=nest_label(lasts, g, span).replace("nested squares",
                                                                    "one black square"))
           for g in groups] if not nest and one_named else []
    if not nest:
        for g in groups:
            q = lasts[g[0]]
            ax.plot(q[0], q[1], marker="s", ms=LAST_SQUARE, mfc="none", mec="black", mew=1.6,
                    zorder=CRITICAL_ZORDER - 1, clip_on=False,
                    path_effects=[patheffects.withStroke(linewidth=2.8, foreground="white")])
            for label in g:
                lasts.pop(label)
    for label, last in lasts.items():
        # hollow and under the critical points: a last iterate at the minimum is a square
        # around its star, and the edge of a nearby end's square never hides a star;
        # coinciding ends are nested squares, the first one innermost
        ax.plot(last[0], last[1], marker="s", ms=sizes[label], mfc="none",
                mec=sty[label].color, mew=1.6, zorder=CRITICAL_ZORDER - 1, clip_on=False,
                path_effects=[patheffects.withStroke(linewidth=2.8, foreground="white")])
    if paths:
        handles.append(Line2D([], [], marker="o", ms=8, mfc="white", mec="black", mew=1.4,
                              ls="none", label="start"))
        handles.append(Line2D([], [], marker="s", ms=LAST_SQUARE, mfc="none", mec="black",
                              mew=1.4, ls="none", label="last iterate"))
        for g in groups if nest else ():
            handles.append(Line2D([], [], ls="none", marker="s", ms=LAST_SQUARE,
                                  mfc="none", mec=GREY, mew=1.0,
                                  label=nest_label(lasts, g, span)))
        handles += one
    handles += _critical_handles(ax, critical_points or (), b, 2)
    # a white margin around the box, the same share of each side, so that a path along the
    # box's edge (the kink report's Newton at y = −4.83 of −5) and the start markers there
    # are not drawn on the spines; the equal scales stay equal
    pad = BOX_MARGIN * (np.asarray(b, float)[:, 1] - np.asarray(b, float)[:, 0])
    ax.set_xlim(b[0][0] - pad[0], b[0][1] + pad[0])
    ax.set_ylim(b[1][0] - pad[1], b[1][1] + pad[1])
    ax.grid(False)
    return handles, cs, lv, geometric


def _contour_colorbar(fig: FigureLike, cs: Any, ax: Any, lv: NDArray, geometric: bool) -> None:
    cb = fig.colorbar(cs, ax=ax, shrink=0.9, pad=0.02)
    cb.set_label("f" + (" (levels geometric in f − f_min)" if geometric else ""))
    cb.ax.tick_params(labelsize=7)
    # geometric levels: tick the geometric sequence only, not its base level f_min
    seq = lv[1:] if geometric else lv
    ticks = seq[::3] if len(lv) > 12 else seq[::2]
    cb.set_ticks(ticks)
    cb.ax.yaxis.set_major_formatter(one_format(ticks))


def needs_zoom(paths: Iterable[ArrayLike], box: ArrayLike, fraction: float = 0.25) -> bool:
    """Whether the iterates occupy less than ``fraction`` of the box's width or height
    (then a zoom shows them; :func:`path_window`)."""
    b = np.asarray(box, dtype=float).reshape(2, 2)
    w = path_window(paths, b, pad=0.0, least=0.0)
    if w is None:
        return False
    rel = (w[:, 1] - w[:, 0]) / (b[:, 1] - b[:, 0])
    return bool(np.min(rel) < fraction or np.prod(rel) < fraction ** 2 * 2)


#: Two drawn paths overlap where they come within this share of the box's side of each other
#: (about a line's width and a half on a report's contour panel)...
PATH_NEAR = 0.01
#: ... and a path is hidden when more than this share of its drawn length lies under the
#: paths drawn after it (on top of it).
PATH_HIDDEN = 0.3


def _path_cells(path: ArrayLike, box: NDArray, cell: float) -> NDArray[np.int64]:
    """The grid cells (side ``cell`` of the box's unit square, row-major codes) that the
    path, cut to the box (:func:`clip_to_box`), passes through, sampled every cell/2."""
    q = clip_to_box(path, box)
    q = (q - box[:, 0]) / (box[:, 1] - box[:, 0])
    a, b = q[:-1], q[1:]
    ok = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(b), axis=1)
    a, b = a[ok], b[ok]
    if not len(a):
        return np.zeros(0, dtype=np.int64)
    n = np.minimum(np.hypot(*(b - a).T) / (0.5 * cell), 1e4).astype(int) + 2
    seg = np.repeat(np.arange(len(a)), n)
    t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n - 1, n)
    pts = a[seg] + t[:, None] * (b[seg] - a[seg])
    side = int(math.ceil(1.0 / cell)) + 1
    ij = np.clip(np.floor(pts / cell).astype(np.int64), 0, side - 1)
    return ij[:, 0] * side + ij[:, 1]


def hidden_paths(paths: Mapping[str, ArrayLike], box: ArrayLike, near: float = PATH_NEAR,
                 share: float = PATH_HIDDEN) -> list[str]:
    """Labels of the paths that would be hidden when drawn in this order in one panel over
    ``box``: more than ``share`` of a path's drawn length (cut to the box, sampled every
    near/2 of the box's side; length counted in grid cells of side ``near``) lies in a cell
    next to (or in) a cell that a path drawn after it passes through — within about
    ``near``…2·``near`` of the box's side of it, a line's width on the page.  Quadratic
    0.1x² + 2y²: gd, bfgs, lbfgs and cg all run along y = 0."""
    b = np.asarray(box, dtype=float).reshape(2, 2)
    side = int(math.ceil(1.0 / near)) + 1
    cells = {k: np.unique(_path_cells(np.asarray(p, float).reshape(-1, 2), b, near))
             for k, p in paths.items()}
    labels = list(cells)
    out = []
    for i, k in enumerate(labels):
        above = [cells[j] for j in labels[i + 1:] if cells[j].size]
        if not cells[k].size or not above:
            continue
        top = np.unique(np.concatenate(above))
        r, c = np.divmod(top, side)
        around = np.unique(np.concatenate([(r + dr) * side + (c + dc) for dr in (-1, 0, 1)
                                           for dc in (-1, 0, 1)]))
        if float(np.mean(np.isin(cells[k], around))) > share:
            out.append(k)
    return out


def contour_view(paths: Mapping[str, ArrayLike], box: ArrayLike, zoom: bool | None = None
                 ) -> NDArray[np.float64]:
    """The rectangle on which :func:`plot_contour` shows the paths: the zoom window
    (:func:`path_window`) when it zooms (``zoom``, default :func:`needs_zoom`), else the
    box."""
    b = np.asarray(box, dtype=float).reshape(2, 2)
    runs = _as_paths(paths or {}, 2)
    if zoom is None:
        zoom = needs_zoom(runs.values(), b)
    w = path_window(runs.values(), b) if zoom else None
    return b if w is None else w


def paths_overlap(paths: Mapping[str, ArrayLike], box: ArrayLike, zoom: bool | None = None
                  ) -> list[str]:
    """The paths that one contour panel of :func:`plot_contour` would hide under the paths
    drawn after them (:func:`hidden_paths` on :func:`contour_view`): when any, it draws
    small multiples instead."""
    runs = _as_paths(paths or {}, 2)
    return hidden_paths(runs, contour_view(runs, box, zoom)) if len(runs) > 1 else []


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
    zoom: bool | None = None,
    split: bool | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.2),
) -> FigureLike:
    """Filled contours of a two-variable ``f`` over ``box`` with trajectories and critical
    points.

    ``paths``: label → (K+1, 2) iterates (one line per method, each with its own colour, line
    style and marker, the markers on the iterates inside the box only; the start is a
    black-edged circle, the last iterate a square; a path is cut where it leaves the box and
    its label "gd (20 it.)" becomes "gd (20 it.; leaves the box)"; a path that leaves it for
    good is drawn only up to there, its label saying "(84 it.; leaves the box at k = 78)").
    ``critical_points``: objects or dicts with ``point`` and ``kind`` — minimum ★,
    maximum ▲, saddle ✕, unknown ◆.  Levels are geometric in f − f_min
    (:func:`contour_levels`).  ``zoom`` (default: when the iterates occupy a small part of
    the box, :func:`needs_zoom`) adds a second panel on the rectangle around the iterates,
    with equal axes and its own levels; the first panel outlines that rectangle.
    ``split`` (default: when a path would lie under the paths drawn after it,
    :func:`paths_overlap`) draws small multiples instead (:func:`plot_paths_grid`): one
    panel per path on the same rectangle (the zoom window when zooming, after an overview
    of the whole box that outlines it), with shared, equal-aspect axes, so that paths
    running along one another all show.
    """
    b = np.asarray(box, dtype=float).reshape(2, 2)
    runs = _as_paths(paths or {}, 2)
    if zoom is None:
        zoom = needs_zoom(runs.values(), b)
    if split is None:
        split = bool(paths_overlap(runs, b, zoom))
    if split and runs:
        view = contour_view(runs, b, zoom)
        zoomed = not np.array_equal(view, b)
        return plot_paths_grid.__wrapped__(  # already under STYLE: not styled twice
            f, view, runs, critical_points, resolution=resolution, levels=levels,
            xlabel=xlabel, ylabel=ylabel, fig=fig, figsize=figsize,
            overview=b if zoomed else None,
            title=title or ("One panel per method (their paths overlap): same axes, equal "
                            "scales" + (", zoomed on the iterates" if zoomed else "")))
    fig = new_figure(fig, figsize)
    window = path_window(runs.values(), b) if zoom else None
    if window is None:
        ax = fig.add_subplot()
        handles, cs, lv, geometric = _contour_panel(  # no zoom: one square, not a nest
            ax, f, b, runs, critical_points or (), resolution=resolution, levels=levels,
            nest=False, one_named=True)
        if colorbar:
            _contour_colorbar(fig, cs, ax, lv, geometric)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(_wrap_title(title or "Contours of f with trajectories and critical "
                                 "points", fig))
    else:
        ax, az = fig.subplots(1, 2)
        cps = list(critical_points or ())
        handles, *_ = _contour_panel(ax, f, b, runs, cps, resolution=resolution,
                                     levels=levels, nest=False)  # the zoom shows the nest
        zoomed, *_ = _contour_panel(az, f, window, runs, cps, resolution=resolution,
                                    levels=levels)
        nests = [h for h in zoomed if str(h.get_label()).startswith("nested squares")]
        at = next((i + 1 for i, h in enumerate(handles) if h.get_label() == "last iterate"),
                  len(handles))
        handles[at:at] = nests
        ax.add_patch(mpl.patches.Rectangle((window[0, 0], window[1, 0]),
                                           window[0, 1] - window[0, 0],
                                           window[1, 1] - window[1, 0], fill=False,
                                           ec="black", lw=1.0, ls="--", zorder=7))
        az.set_aspect("equal", adjustable="box")
        ax.set_aspect("equal", adjustable="box")
        for a in (ax, az):
            a.set_xlabel(xlabel)
            a.set_ylabel(ylabel)
        ax.set_title(_wrap_title(title or "Contours of f (levels geometric in f − f_min)",
                                 fig, 10.0 * 2))
        az.set_title("Zoom on the iterates (dashed box)")
    _outside_legend(fig, handles)
    return fig


#: Width (points) of the figures on a report's page: :func:`paths_grid_rows` sizes rows to it.
PAGE_FIGURE_WIDTH = 440.0


#: Largest height (points) of :func:`plot_paths_grid`'s overview panel.
OVERVIEW_HEIGHT = 140.0


def paths_grid_rows(n: int, box: ArrayLike, overview: ArrayLike | None = None, *,
                    cols: int | None = None, width: float = PAGE_FIGURE_WIDTH
                    ) -> tuple[float, float]:
    """Heights (points) of the axes of :func:`plot_paths_grid`'s rows for ``n`` panels on
    ``box``, ``width`` points wide: (overview row, panel row).  A panel is width/cols wide
    with equal scales, h = min(width/cols · Δy/Δx, 260); the overview (0 without one) is at
    most half the columns wide and :data:`OVERVIEW_HEIGHT` tall on the ``overview``
    rectangle."""
    c = cols or grid_columns(max(n, 1))
    b = np.asarray(box, dtype=float).reshape(2, 2)
    panel = min(width / c * float(np.ptp(b[1]) / np.ptp(b[0])), 260.0)
    if overview is None:
        return 0.0, panel
    w = np.asarray(overview, dtype=float).reshape(2, 2)
    wide = max(1, c // 2) * width / c  # the overview's slot: half the columns
    return min(wide * float(np.ptp(w[1]) / np.ptp(w[0])), OVERVIEW_HEIGHT), panel


def paths_grid_height(n: int, box: ArrayLike, overview: ArrayLike | None = None,
                      width: float = PAGE_FIGURE_WIDTH) -> float:
    """The height (points) that :func:`plot_paths_grid` needs for ``n`` panels on ``box``
    (and an ``overview`` row with the legend beside it): its rows
    (:func:`paths_grid_rows`), 40 points of title and ticks each, and 90 points of
    suptitle and legend (50 when the legend sits beside the overview)."""
    top, panel = paths_grid_rows(n, box, overview, width=width)
    rows = -(-max(n, 1) // grid_columns(max(n, 1)))
    if overview is None:
        return 90.0 + (panel + 40.0) * rows
    return 50.0 + (panel + 40.0) * rows + top + 40.0


def grid_columns(n: int) -> int:
    """Columns of :func:`plot_paths_grid` for ``n`` panels: n up to 3, 2 for 4, 4 for 7
    or 8 (two rows, not three), else 3."""
    return n if n <= 3 else 2 if n == 4 else 4 if n in (7, 8) else 3


#: Padding (points) around each row of equal-aspect small multiples (constrained layout's
#: h_pad; its default is 3 points).
ROW_PAD = 8.0


@styled
def plot_paths_grid(
    f: Any,
    box: ArrayLike,
    paths: Mapping[str, ArrayLike],
    critical_points: Iterable[Any] | None = None,
    *,
    ncols: int | None = None,
    resolution: int = 140,
    levels: int = 16,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.2),
    overview: ArrayLike | None = None,
) -> FigureLike:
    """Small multiples: one contour panel per path, all on the same ``box`` with shared,
    equal-aspect axes and the same geometric levels, so paths that would overlap in one
    panel can be told apart and compared (Tufte).  Each panel shows one path (cut to the
    box), its start and last iterate, and the critical points.  ``overview`` (a larger
    rectangle holding ``box``, e.g. the whole box when ``box`` is a zoom) adds a row above
    the panels: on its left half a panel on its own axes with every path and critical
    point and ``box`` outlined (dashed), so the zoomed panels can be placed in the whole
    landscape, and the legend on its right half."""
    b = np.asarray(box, dtype=float).reshape(2, 2)
    fig = new_figure(fig, figsize)
    runs = _as_paths(paths, 2)
    first = 0 if overview is None else 1  # the panels before the paths'
    n = max(len(runs), 1)
    cols = ncols or grid_columns(n)
    rows = -(-n // cols)
    if overview is None:
        axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    else:  # the overview: a row of its own above the grid, the legend beside it
        heights = paths_grid_rows(n, b, overview, cols=cols)
        gs = fig.add_gridspec(rows + 1, cols, height_ratios=[heights[0]] + [heights[1]] * rows)
        half = max(1, cols // 2)
        axes = np.array([fig.add_subplot(gs[0, :half])]
                        + [fig.add_subplot(gs[1 + i // cols, i % cols])
                           for i in range(rows * cols)], dtype=object)
        key_ax = fig.add_subplot(gs[0, half:]) if cols > 1 else None
    own = axes[first:first + len(runs)]  # the path panels, sharing their axes
    for ax in own[1:]:
        ax.sharex(own[0])
        ax.sharey(own[0])
    handles: list[Any] = []
    styles = series_styles(runs)
    cps = list(critical_points or ())
    if overview is not None:
        whole = np.asarray(overview, dtype=float).reshape(2, 2)
        ax = axes[0]
        h, *_ = _contour_panel(ax, f, whole, runs, cps, resolution=resolution,
                               levels=levels, styles=styles, nest=False)
        handles += [x for x in h if not isinstance(x, Line2D) or x.get_linestyle() == "None"]
        ax.add_patch(mpl.patches.Rectangle((b[0, 0], b[1, 0]), b[0, 1] - b[0, 0],
                                           b[1, 1] - b[1, 0], fill=False, ec="black",
                                           lw=1.0, ls="--", zorder=7))
        ax.set_title("whole box (dashed: the zoom)", fontsize=8.5)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    for ax, (label, p) in zip(own, runs.items(), strict=False):
        h, *_ = _contour_panel(ax, f, b, {label: p}, cps,
                               resolution=resolution, levels=levels, styles=styles)
        kinds = {_legend_kind(y.get_label()) for y in handles}
        handles += [x for x in h if _legend_kind(x.get_label()) not in kinds]
        ax.set_title(h[0].get_label(), fontsize=8.5)
        ax.set_aspect("equal", adjustable="box")
    for ax in axes[first + len(runs):]:
        ax.remove()
    engine = _root(fig).get_layout_engine()
    if rows > 1 and hasattr(engine, "set"):
        # equal scales shrink each axes inside its slot after the layout has measured the
        # titles, which can bring a two-line title up to the panel above: pad the rows
        engine.set(h_pad=ROW_PAD / 72.0)
    if cols > 1 and len(runs) > 1:  # side by side, a tick label at the box's edge would
        own[0].set_xticks(inner_ticks(b[0, 0], b[0, 1]))  # touch its neighbour's
    for ax in own:
        ss = ax.get_subplotspec()
        below = any(a.get_subplotspec().rowspan.start == ss.rowspan.start + 1
                    and a.get_subplotspec().colspan.start == ss.colspan.start for a in own)
        if ss.is_last_row() or not below:
            ax.set_xlabel(xlabel)  # nothing below it: its own x tick labels and label
        else:  # a shared axis: the panel below carries the labels
            ax.xaxis.set_tick_params(labelbottom=False)
        left = any(a.get_subplotspec().colspan.start == ss.colspan.start - 1
                   and a.get_subplotspec().rowspan.start == ss.rowspan.start for a in own)
        if ss.is_first_col() or not left:
            ax.set_ylabel(ylabel)
        else:
            ax.yaxis.set_tick_params(labelleft=False)
    if title:
        fig.suptitle(_wrap_title(title, fig, 11.0))
    keep = [h for h in handles if not isinstance(h, Line2D) or h.get_linestyle() == "None"]
    if overview is not None and key_ax is not None:  # beside the overview: no row below
        key_ax.axis("off")
        size = legend_size()
        room = (cols - half) / cols * _root(fig).get_figwidth() * 72.0
        labels = [_fit_label(str(h.get_label()), room, size) for h in keep]
        key_ax.legend(keep, labels, loc="center", ncols=legend_columns(
            [text_width_pt(t, size) for t in labels], room, size, 2))
    else:
        _outside_legend(fig, keep)
    return fig


def _legend_kind(label: str) -> str:
    """What a legend entry stands for, without its count or note in brackets: the
    overview's "minimum (4 points)" and a zoomed panel's "minimum" are one entry."""
    return str(label).split(" (")[0]


def inner_ticks(lo: float, hi: float, nbins: int = 5) -> NDArray[np.float64]:
    """Round tick positions strictly inside (lo, hi) — matplotlib's MaxNLocator on ``nbins``
    bins with steps 1, 2, 5, without the end points — or all of them when fewer than two
    lie inside."""
    from matplotlib.ticker import MaxNLocator

    t = MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10]).tick_values(lo, hi)
    t = t[(t >= lo) & (t <= hi)]
    inner = t[(t > lo) & (t < hi)]
    return inner if inner.size >= 2 else t


# ============================================================================ errors and rates


def theory_line(errors: ArrayLike, rate: float, window: tuple[int, int] | None = None,
                end: int | None = None) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The predicted error ``anchor · rate^k`` for k from k₀ to ``end`` (default: the last
    iteration K).

    It is anchored at the first iteration ``a`` of the measured window (``a = 0`` without a
    window): ``anchor = e_a · rate^(−a)``, so the line passes through the measured error at
    ``a`` and has the theoretical slope ``log10(rate)`` per iteration on a log axis.  It
    starts at k₀ = max(0, min(a, K − ⌈K/3⌉)): at the window's start, or earlier when the
    window is the last few steps, so that the line spans at least a third of the run (a
    slope over three steps would be a stub).
    """
    e = np.asarray(errors, dtype=float).ravel()
    a = 0 if window is None else int(window[0])
    stop = (len(e) - 1) if end is None else int(end)
    k = np.arange(max(0, min(a, stop - math.ceil(stop / 3))), stop + 1)
    anchor = e[a] * float(rate) ** (-a)
    return k, anchor * float(rate) ** k


def window_style(color: Any) -> dict[str, Any]:
    """The line style of a shaded fit window in the colour of its series: a broad pale band
    (the shading along the curve and its legend handle both use it)."""
    return {"color": color, "lw": 7, "alpha": 0.2, "solid_capstyle": "butt"}


def _shade_window(ax: Any, e: NDArray[np.float64], win: tuple[int, int], color: Any,
                  label: str) -> list[str]:
    """Shade the fit window ``win`` along the errors ``e`` as far as they are drawn; returns
    the legend's note for a window that runs past them (``cg k 85–118, drawn to 101``)."""
    a, b = int(win[0]), min(int(win[1]), len(e) - 1)
    k = np.arange(len(e))
    ax.plot(k[a:b + 1], _positive(e[a:b + 1]), zorder=1, **window_style(color))
    return [f"{label} k {a}–{int(win[1])}, drawn to {b}"] if b < int(win[1]) else []


def offset_theory_line(errors: ArrayLike, rate: float, window: tuple[int, int] | None = None
                       ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The theory line as :func:`plot_error` draws it: :func:`theory_line` ending where the
    fit window ends (clipped to the errors given) when there is one — from the window's
    start, or earlier when the window is short, so that it spans at least a third of the
    iterations up to its end (a 3-step window would draw a stub) — and lifted so that it lies
    :data:`THEORY_OFFSET` times above the measurement where the two come closest and
    farther above everywhere else: y_k = T · m · ℓ_k with ℓ = :func:`theory_line`,
    T = :data:`THEORY_OFFSET`, m = max(1, max_k e_k / ℓ_k) over the drawn k (finite
    positive e_k) — so it never crosses the measured line it is said to be drawn above."""
    e = np.asarray(errors, dtype=float).ravel()
    end = None if window is None else min(int(window[1]), len(e) - 1)
    kk, yy = theory_line(e, rate, window, end=end)  # ends with the window, spans ≥ ⅓ of it
    with np.errstate(all="ignore"):
        q = e[kk] / yy
    q = q[np.isfinite(q) & (q > 0)]
    lift = max(1.0, float(q.max())) if q.size else 1.0
    return kk, THEORY_OFFSET * lift * yy


def _positive(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``y`` with non-positive and non-finite entries masked as NaN (for log axes)."""
    out = np.array(y, dtype=float)
    out[~np.isfinite(out) | (out <= 0)] = np.nan
    return out


#: The theory line of an error plot is drawn this factor above the measured curve, so that
#: both stay visible when they agree (said in its legend entry).
THEORY_OFFSET = 10.0
#: At most about this many ratio markers per series in the ratio panel of :func:`plot_error`.
RATIO_MARKERS = 60


#: Below this many ratio markers drawn, they keep their full size and a joining line.
RATIO_DENSE = 30
#: Theory lines of a ratio panel: their zorder, width (thinner than the measured series) and
#: opacity (lighter), so that the measured markers drawn over them show.
THEORY_ZORDER = 7.0
THEORY_WIDTH = 1.0
THEORY_ALPHA = 0.75
#: Measured ratio markers are drawn above the theory lines (a marker under a dashed line of
#: its own colour is lost), white-filled so that the line through a marker does not blend
#: with its edge; the line joining them stays under the theory lines.
RATIO_ZORDER = THEORY_ZORDER + 0.5


def ratio_marker_size(n: int, full: float = 3.0, least: float = 2.4) -> float:
    """Marker size (points) of ``n`` ratio markers in one series: ``full`` up to
    :data:`RATIO_DENSE` markers, then full·√(RATIO_DENSE / n), never below ``least``, so
    that dense markers stay small dots instead of merging into a bar."""
    if n <= RATIO_DENSE:
        return full
    return max(least, full * math.sqrt(RATIO_DENSE / n))


def k_limits(first: float, last: float) -> tuple[float, float]:
    """Limits of an iteration axis showing iterations first … last with a margin
    m = max(0.04·(last − first), 0.5) on each side, so that a marker at the first or last
    iteration lies inside the axes, clear of the spine."""
    pad = max(0.04 * (last - first), 0.5)
    return first - pad, last + pad


#: A ratio series of at most this many points has large markers (a single small marker on a
#: dashed line reads as a dash).
RATIO_FEW = 3
#: Marker size (points) of such a series: at least 4 × :data:`THEORY_WIDTH`.
RATIO_FEW_SIZE = 5.0


def draw_ratios(ax: Any, kr: NDArray, r: NDArray, color: Any, mark: str,
                most: int = RATIO_MARKERS, zorder: float = 4.0) -> Any:
    """The measured ratios r_k of one series in a ratio panel: white-filled markers above
    the theory lines (:data:`RATIO_ZORDER`), a long run thinned by :func:`thin_indices` (the
    transient, the extremes and every j-th step, about ``most`` in all) and, when not
    thinned, joined by a thin line drawn at ``zorder``, under the theory lines; markers
    shrink when dense (:func:`ratio_marker_size`); a series of at most :data:`RATIO_FEW`
    points has large markers (:data:`RATIO_FEW_SIZE`).  Returns the markers' artist."""
    fin = np.flatnonzero(np.isfinite(r))
    keep = [fin[np.argmin(r[fin])], fin[np.argmax(r[fin])]] if fin.size else []
    idx = thin_indices(kr.size, most=most, keep=keep)
    ms = RATIO_FEW_SIZE if kr.size <= RATIO_FEW else ratio_marker_size(idx.size)
    if idx.size == kr.size and idx.size > 1:
        ax.plot(kr[idx], r[idx], color=color, ls="-", lw=0.8, zorder=zorder,
                gid="ratio-join")
    (h,) = ax.plot(kr[idx], r[idx], color=color, ls="none", marker=mark, ms=ms,
                   mfc="white", mew=0.6 if ms < 3 else 0.9, zorder=RATIO_ZORDER,
                   gid="ratios")
    return h


#: Centres of two ratio markers drawn are at least this many marker sizes apart on the page.
MARKER_GAP = 1.6
#: ... and markers lying on a theory line this many marker sizes apart, so that the line
#: shows between them over about three quarters of its length or more (:func:`hidden_share`).
LINE_GAP = 4.0


def spaced_indices(xy: ArrayLike, least: float | ArrayLike) -> list[int]:
    """Indices of points (page coordinates, points) to mark so that no two marks are closer
    than ``least`` (one distance, or one per point: two marks i, j are at least
    max(leastᵢ, leastⱼ) apart): greedy from the first, each next one kept when it is far
    enough from the last kept; the last point is always kept (replacing a kept one too
    close to it, unless that is the first)."""
    p = np.asarray(xy, dtype=float).reshape(-1, 2)
    if p.shape[0] == 0:
        return []
    gap = np.broadcast_to(np.asarray(least, dtype=float), (p.shape[0],))
    kept = [0]
    for i in range(1, p.shape[0]):
        if np.hypot(*(p[i] - p[kept[-1]])) >= max(gap[i], gap[kept[-1]]):
            kept.append(i)
    last = p.shape[0] - 1
    if kept[-1] != last:
        if len(kept) > 1 and np.hypot(*(p[last] - p[kept[-1]])) < max(gap[last],
                                                                       gap[kept[-1]]):
            kept.pop()
        kept.append(last)
    return kept


def nested_sizes(centres: ArrayLike, sizes: ArrayLike, gap: float = 1.5, fixed: int = 0
                 ) -> NDArray[np.float64]:
    """Sizes (points) of markers (centres and sizes in points) such that a marker i ≥
    ``fixed`` whose centre lies within half the smaller size of the centre of a marker
    j < ``fixed`` (one drawn before, of another series: it would mostly hide it) encloses
    it: its size grows to 1.5 · sⱼ + 2 · (distance of the centres) + ``gap``, so coinciding
    markers of several series show as nested outlines (the 1.5 covers a square's corners
    around a circle, and a circle around a square).  The first ``fixed`` sizes stay."""
    c = np.asarray(centres, dtype=float).reshape(-1, 2)
    base = np.asarray(sizes, dtype=float).ravel()
    out = base.copy()
    for i in range(fixed, c.shape[0]):
        for j in range(fixed):
            d = float(np.hypot(*(c[i] - c[j])))
            if d < 0.5 * min(base[i], base[j]):
                out[i] = max(out[i], 1.5 * base[j] + 2.0 * d + gap)
    return out


def space_ratio_markers(ax: Any) -> None:
    """Mark only points of each ratio series (:func:`draw_ratios`) whose markers do not
    overlap on the page (:func:`spaced_indices`, :data:`MARKER_GAP` marker sizes apart; on a
    theory line :data:`LINE_GAP`, except in a short series of at most :data:`RATIO_DENSE`
    points, whose every run of ratios, also one on a line, keeps as many markers as do not
    overlap), for the axes' final limits: a series covering a small part of a long iteration
    axis shows a few separate markers, not a solid blob, and the theory line a long
    series's markers lie on shows between them.  A marker that would cover one of
    a series drawn before it (an equal ratio at the same k) is drawn larger and hollow,
    around it (:func:`nested_sizes`), so that neither hides.  Call after the limits are
    set.  The joining line is cut where it runs along its series' theory line
    (:func:`off_line_segments`; the line of its colour, any when it is the only series):
    under the dashes, a solid line of their colour fills them."""
    scale = 72.0 / _root(ax.figure).dpi
    ax.get_xlim(), ax.get_ylim()  # autoscale now: the transform below uses the final limits
    theory = [ln for ln in ax.get_lines() if ln.get_gid() == "theory"]
    ty = np.array([ax.transData.transform((0.0, float(ln.get_ydata()[0])))[1] * scale
                   for ln in theory])
    joins = [ln for ln in ax.get_lines() if ln.get_gid() == "ratio-join"]
    for ln in joins:
        x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
        py = ax.transData.transform(np.c_[x, y])[:, 1] * scale
        own = [h for h, t in zip(ty, theory, strict=True)  # a lone series' line is black
               if len(joins) == 1 or mpl.colors.same_color(t.get_color(), ln.get_color())]
        ln.set_data(*off_line_segments(x, y, py, np.asarray(own, float)))
    placed: list[tuple[NDArray, float]] = []  # markers drawn so far: centre (pt), size
    for ln in [ln for ln in ax.get_lines() if ln.get_gid() == "ratios"]:
        x = np.asarray(ln.get_xdata(), float)
        y = np.asarray(ln.get_ydata(), float)
        ms = ln.get_markersize()
        xy = ax.transData.transform(np.c_[x, y]) * scale
        on = (np.min(np.abs(xy[:, 1][:, None] - ty[None, :]), axis=1) < 0.5 * ms
              if ty.size else np.zeros(len(x), dtype=bool))
        gap = np.where(on & (x.size > RATIO_DENSE), LINE_GAP, MARKER_GAP) * ms
        idx = spaced_indices(xy, gap) if x.size > 1 else list(range(x.size))
        pts = [*(c for c, _ in placed), *xy[idx]]
        sizes = nested_sizes(pts, [*(m for _, m in placed), *np.full(len(idx), ms)],
                             fixed=len(placed))
        grown = sizes[len(placed):] > ms
        ln.set_markevery([i for i, g in zip(idx, grown, strict=True) if not g])
        for i, g, m in zip(idx, grown, sizes[len(placed):], strict=True):
            if g:  # around an equal marker drawn before: larger and hollow
                ax.plot(x[i], y[i], ls="none", marker=ln.get_marker(), ms=m, mfc="none",
                        color=ln.get_color(), mec=ln.get_color(), mew=ln.get_markeredgewidth(),
                        zorder=ln.get_zorder() + 0.1, gid="ratios-around")
        placed += [(xy[i], m) for i, m in zip(idx, sizes[len(placed):], strict=True)]


#: A joining line within this many points of a theory line runs along it: half the width
#: of the theory line's white halo (:func:`ratio_theory_line`).
JOIN_ON_LINE = 0.5 * (THEORY_WIDTH + 1.5)


def off_line_segments(x: NDArray, y: NDArray, py: NDArray, lines: NDArray,
                      near: float = JOIN_ON_LINE) -> tuple[NDArray, NDArray]:
    """The segments of the polyline (x, y) that do not run along a horizontal line: the
    segment from point i to i + 1 is dropped when both ends lie within ``near`` points of
    one of the heights ``lines`` (page y, points; ``py`` the points' page y), the others
    are kept, separated by NaN.  All of it when no segment is dropped."""
    if not len(lines) or len(x) < 2:
        return x, y
    d = np.abs(py[:, None] - np.asarray(lines, float)[None, :])
    both = (d[:-1] < near) & (d[1:] < near)  # segment i→i+1 along one line
    drop = both.any(axis=1)
    if not drop.any():
        return x, y
    xs: list[float] = []
    ys: list[float] = []
    for i in np.flatnonzero(~drop):
        xs += [x[i], x[i + 1], np.nan]
        ys += [y[i], y[i + 1], np.nan]
    return np.asarray(xs, float), np.asarray(ys, float)


#: A ratio series shares its panel's iteration axis only when the axis spans at most this
#: many times the series' own iterations (a short fit window on a long axis kept two markers).
RATIO_SPREAD = 3.0


def ratio_groups(spans: Mapping[str, tuple[int, int]], spread: float = RATIO_SPREAD
                 ) -> list[list[str]]:
    """Labels of a ratio panel split into panels of their own iteration axis: each label, in
    order, joins the first group whose iterations together with its own, from the smallest
    first k to the largest last k, span at most ``spread`` times the shortest span
    (last − first + 1) among the group and the label; else it opens a new group.  GD's
    window 0–1474 beside heavy ball's 102–173 and Nesterov's 181–308: [[gd], [hb, nest]]."""
    groups: list[list[str]] = []
    for label, (a, b) in spans.items():
        for g in groups:
            lo = min(a, *(spans[k][0] for k in g))
            hi = max(b, *(spans[k][1] for k in g))
            least = min(b - a + 1, *(spans[k][1] - spans[k][0] + 1 for k in g))
            if hi - lo + 1 <= spread * least:
                g.append(label)
                break
        else:
            groups.append([label])
    return groups


def split_ratio_axes(axr: Any, count: int) -> list[Any]:
    """``count`` ratio axes stacked in the place of ``axr`` (which is removed when count > 1),
    top to bottom."""
    if count <= 1:
        return [axr]
    fig, spec = axr.figure, axr.get_subplotspec()
    axr.remove()
    grid = spec.subgridspec(count, 1)
    return [fig.add_subplot(grid[i, 0]) for i in range(count)]


def ratio_theory_line(ax: Any, rho: float, color: Any, lw: float = THEORY_WIDTH,
                      span: Sequence[float] | None = None) -> Any:
    """The predicted ratio ρ as a horizontal dashed line, thin and light
    (:data:`THEORY_WIDTH`, :data:`THEORY_ALPHA`), with a white halo, under the measured
    markers (zorder :data:`THEORY_ZORDER` < :data:`RATIO_ZORDER`), tagged ``gid="theory"``
    so that :func:`audit` checks that it shows (:func:`hidden_share`).  ``span``: the
    iterations (first, last) of the ratios it is the prediction for (their fit window): the
    line runs from the first to the last only, so that in a panel shared with a longer
    window it does not claim the other run's iterations; without it, across the panel."""
    style = dict(color=color, ls=(0, (4, 2)), lw=lw, alpha=THEORY_ALPHA,
                 zorder=THEORY_ZORDER, gid="theory",
                 path_effects=[patheffects.withStroke(linewidth=lw + 1.5, foreground="white")])
    if span is None:
        return ax.axhline(rho, **style)
    a, b = (float(v) for v in span)
    return ax.plot([a, b], [rho, rho], **style)[0]


def _draw_bands(axr: Any, bands: Mapping[str, tuple[float, float]],
                colors: Mapping[str, Any], values: list[float]) -> dict[str, str]:
    """Draw each label's theory band in the ratio panel ``axr`` (:func:`ratio_band`), its
    ends added to the panel's ``values``; label → its legend text ("theory band for
    nesterov: ρ to the window's average factor, 0.68377–0.69369")."""
    names = {}
    for label, band in bands.items():
        if axr is None:
            break
        lo, hi = sorted(band)
        ratio_band(axr, lo, hi, colors[label])
        values += [lo, hi]
        names[label] = (f"theory band for {label}: ρ to the window's average factor, "
                        f"{fmt_rate(lo)}–{fmt_rate(hi)}")
    return names


def ratio_span(kr: ArrayLike, lines: int = 2) -> tuple[int, int] | None:
    """The iterations (first, last) of the ratios ``kr`` a ratio panel draws for a run, over
    which its theory line runs (:func:`ratio_theory_line`) when the panel holds ``lines``
    ≥ 2 theory lines: each then claims only its own run's window.  None (the line across the
    panel) for a panel's only line, which no other run's iterations can be mistaken for
    (spanning CG's 15-step window of rosenbrock p. 13, the line lay among CG's own markers
    near 1 and could not be seen), or when the run draws fewer than two steps: a line over
    one step would lie under its marker."""
    kr = np.asarray(kr)
    if lines < 2 or not kr.size or kr.max() <= kr.min():
        return None
    return int(kr.min()), int(kr.max())


def ratio_band(ax: Any, lo: float, hi: float, color: Any) -> None:
    """The theory band [``lo``, ``hi``] a verdict tested the measured rate against (a double
    root: ρ to the window's average factor), shaded across a ratio panel in ``color``
    (:func:`band_handle`) under the theory line and the markers, without edge lines (the
    panel's y limits hold both ends, :func:`_fit_linear_axis`): the band's lower end is ρ
    itself, where the dashed theory line lies (:func:`ratio_theory_line`), and an edge line
    of the same colour there hid it (himmelblau, Nesterov ρ = 0.47831)."""
    ax.axhspan(lo, hi, zorder=THEORY_ZORDER - 0.5, label="_theory band", **BAND_STYLE,
               color=color)


#: How a ratio panel shades a theory band (:func:`ratio_band`).
BAND_STYLE = {"alpha": 0.15, "lw": 0}


def band_handle(color: Any) -> Any:
    """The legend handle of a theory band of :func:`ratio_band`: its shading, unedged as the
    band is."""
    return mpl.patches.Patch(facecolor=color, lw=0, alpha=0.3)


#: A theory line of a ratio panel lies at least this share of the panel's height inside its
#: y limits: on the frame, a dashed line reads as the axis.
REF_CLEAR = 0.1


def clear_theory_lines(ax: Any, share: float = REF_CLEAR) -> None:
    """Widen the y limits of ``ax`` (in its scale, linear or log) as little as needed for
    every theory line of :func:`ratio_theory_line` to lie at least ``share`` of the axis
    height from either end.  Call after the limits are fitted to the data."""
    ys = np.array([float(ln.get_ydata()[0]) for ln in ax.get_lines()
                   if ln.get_gid() == "theory"], dtype=float)
    log = ax.get_yscale() == "log"
    ys = ys[np.isfinite(ys) & ((ys > 0) if log else True)]
    if ys.size == 0:
        return
    to, back = (np.log10, lambda v: 10.0 ** v) if log else (float, float)
    lo, hi = (float(to(v)) for v in ax.get_ylim())
    t_lo, t_hi = float(to(ys.min())), float(to(ys.max()))
    for _ in range(60):  # each pass widens by what the last one added times ~share
        span = hi - lo
        new = (min(lo, t_lo - share * span), max(hi, t_hi + share * span))
        if np.allclose(new, (lo, hi), rtol=0.0, atol=1e-9 * max(span, 1e-300)):
            break
        lo, hi = new
    ax.set_ylim(back(lo), back(hi))


#: Where a theory line's value may be written along its line, in order of preference:
#: (x in axes fraction, horizontal alignment): its right end, its left end, its middle.
LABEL_SPOTS = ((0.99, "right"), (0.01, "left"), (0.5, "center"))


def _drawn_paths(ax: Any) -> list[tuple[Any, float]]:
    """What the visible lines of ``ax`` draw, in display coordinates: (a path, half its
    width or marker size in pixels) for each line stroke and each marker."""
    px = _root(ax.figure).dpi / 72.0
    out: list[tuple[Any, float]] = []
    for ln in ax.get_lines():
        if not ln.get_visible():
            continue
        x = np.asarray(ln.get_xdata(), float)
        y = np.asarray(ln.get_ydata(), float)
        if x.size == 0:
            continue
        xy = ln.get_transform().transform(np.c_[x, y])
        if ln.get_linestyle() not in ("None", "none", "", " ") and x.size > 1:
            out.append((Path(xy).cleaned(remove_nans=True),
                        0.5 * ln.get_linewidth() * px))
        r = _marker_radius_px(ln, px)
        if r > 0:
            every = ln.get_markevery()
            idx = np.arange(x.size) if every is None else np.asarray(every, int)
            for i in idx:
                if np.all(np.isfinite(xy[i])):
                    out.append((Path(xy[i][None, :]), r))
    return out


def _crosses(bbox: Any, paths: Sequence[tuple[Any, float]]) -> bool:
    """Whether any of ``paths`` (:func:`_drawn_paths`) passes through ``bbox`` (display
    coordinates), each widened by its half width."""
    for path, r in paths:
        box = bbox.expanded(1.0, 1.0).padded(r)
        if len(path.vertices) == 1:
            if box.contains(*path.vertices[0]):
                return True
        elif path.intersects_bbox(box, filled=False):
            return True
    return False


def label_theory_lines(ax: Any, texts: Sequence[tuple[float, str, Any]],
                       size: float = 7.0) -> None:
    """Write each theory line's value (``texts``: (ρ, text, colour)) by its line inside
    ``ax``: on a log ratio axis over decades, ρ = 0.966 cannot be told from 1 by the ticks.
    The values are made here hidden and placed when the figure is final
    (:func:`place_theory_values`, run by :func:`styled`): where no series passes, or not
    at all."""
    trans = mpl.transforms.blended_transform_factory(ax.transAxes, ax.transData)
    for rho, text, color in sorted(texts, key=lambda t: t[0]):
        ax.text(LABEL_SPOTS[0][0], rho, text, transform=trans, ha=LABEL_SPOTS[0][1],
                va="bottom", fontsize=size, color=color, zorder=RATIO_ZORDER + 1,
                gid="theory-value", visible=False,
                path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")])


def place_theory_values(fig: FigureLike, gap: float = 2.0) -> None:
    """Place the theory values of :func:`label_theory_lines` in the laid-out ``fig``: each
    ``gap`` points above or below its line, at its right end, its left end or its middle
    (:data:`LABEL_SPOTS`), in the first of these spots that lies inside its axes and where
    no drawn line or marker (the measured ratios, any theory line, its own too) nor a value
    placed before passes through it; a value with no such spot is left out (the legend
    gives every value)."""
    waiting = [(ax, [t for t in ax.texts if t.get_gid() == "theory-value"
                     and not t.get_visible()]) for ax in fig.get_axes()]
    waiting = [(ax, ts) for ax, ts in waiting if ts]
    if not waiting:
        return
    root = _root(fig)
    renderer = _renderer(root)  # the laid-out axes the spots are measured in
    for ax, texts in waiting:
        trans = mpl.transforms.blended_transform_factory(ax.transAxes, ax.transData)
        paths = _drawn_paths(ax)
        frame = ax.get_window_extent(renderer)
        for t in texts:
            rho = t.get_position()[1]
            t.set_visible(True)  # a hidden text has no extent
            for (x, ha), up in itertools.product(LABEL_SPOTS, (True, False)):
                t.set_transform(offset_copy(trans, fig=root, y=gap if up else -gap,
                                            units="points"))
                t.set_position((x, rho))
                t.set_horizontalalignment(ha)
                t.set_verticalalignment("bottom" if up else "top")
                box = t.get_window_extent(renderer)
                if (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                        and box.y1 <= frame.y1 and not _crosses(box, paths)):
                    paths.append((Path([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1],
                                        [box.x0, box.y1], [box.x0, box.y0]]), 1.0))
                    break
            else:
                t.remove()


def study_floor(study: Any) -> float:
    """The rounding floor of a rate study's errors, the one its measurement uses
    (:func:`analysis.empirical.default_floor`): 10³·ε·max(1, ‖x*‖), x* the point its errors
    are measured to (:func:`study_reference`; ‖x*‖ = 0 without one)."""
    ref = study_reference(study)
    return default_floor(0.0 if ref is None else float(np.linalg.norm(ref)))


def window_steps(k: ArrayLike, window: Sequence[int]) -> NDArray[np.bool_]:
    """Which steps ``k`` lie in a fit window ``a–b``: ``a <= k < b``.  The window spans the
    errors e_a … e_b, so its last step is ``b − 1``; the ratio e_(b+1)/e_b of step b lies
    past it (the convention of the per-step tables)."""
    k = np.asarray(k)
    return (k >= int(window[0])) & (k < int(window[1]))


def error_ratios(errors: ArrayLike, order: float = 1.0, floor: float | None = None
                 ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Iterations k and ratios rₖ = e_(k+1) / e_k^q (Nocedal & Wright's table columns).

    Only the k with e_k and e_(k+1) both finite and above ``floor`` (the measurement's
    :func:`analysis.empirical.default_floor`; by default that of an x* of norm ≤ 1, a rate
    study's is :func:`study_floor`) are kept: below it the errors are rounding noise.  For linear
    convergence (q = 1) rₖ → ρ; for order q, rₖ → C of e_(k+1) ≈ C e_k^q."""
    e = np.asarray(errors, dtype=float).ravel()
    if e.size < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    fl = default_floor() if floor is None else float(floor)
    a, b = e[:-1], e[1:]
    ok = np.isfinite(a) & np.isfinite(b) & (a > fl) & (b > fl)
    k = np.nonzero(ok)[0]
    with np.errstate(all="ignore"):
        r = b[ok] / a[ok] ** float(order)
    return k.astype(np.int64), r


def length_groups(lengths: Mapping[str, int], spread: float = 20.0, most: int = 2
                  ) -> list[list[str]]:
    """Labels split into runs of similar length, shortest group first, so that each group
    gets a linear iteration axis of its own: while a group's longest run is more than
    ``spread`` times its shortest (L_max > spread·L_min) and there are fewer than ``most``
    groups, the group of largest spread L_max/L_min is cut at the largest ratio between
    consecutive sorted lengths (Newton's 6 iterations apart from GD's 5000).  Labels keep
    their given order within a group."""
    items = sorted(lengths.items(), key=lambda kv: kv[1])
    if not items:
        return [[]]
    ls = [float(max(n, 1)) for _, n in items]
    cuts = [0, len(items)]  # group g = sorted items cuts[g] … cuts[g+1] − 1
    while len(cuts) - 1 < most:
        spreads = [ls[b - 1] / ls[a] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
        g = int(np.argmax(spreads))
        if spreads[g] <= spread:
            break
        a, b = cuts[g], cuts[g + 1]
        gaps = np.asarray(ls[a + 1:b]) / np.asarray(ls[a:b - 1])
        cuts.insert(g + 1, a + 1 + int(np.argmax(gaps)))
    out = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        members = {k for k, _ in items[a:b]}
        out.append([k for k in lengths if k in members])
    return out


#: Runs whose lengths differ by more than this factor do not share an iteration axis in the
#: error figures (:func:`rate_study_groups`): on an axis stretched to Adam's 570 iterations
#: a 60-step run and its theory line would be squeezed against the left edge.
RATE_SPREAD = 5.0
#: At most this many rows of runs of different lengths in an error figure.
RATE_ROWS = 3


def oscillates(values: ArrayLike, least: int = 60, share: float = 0.25) -> bool:
    """Whether a series of at least ``least`` positive values goes up and down so often (more
    than ``share`` of its steps reverse the direction of the one before) that a line through
    it would paint a solid band hiding every series under it (cycles at a kink)."""
    y = np.asarray(values, dtype=float).ravel()
    y = y[np.isfinite(y) & (y > 0)]
    if y.size < least:
        return False
    d = np.sign(np.diff(np.log(y)))
    d = d[d != 0]
    return d.size > 2 and float(np.mean(d[1:] != d[:-1])) > share


def cycle_period(values: ArrayLike) -> int:
    """The period p of a cycle in the last half of a positive series: the lag 1 ≤ p ≤ m/2
    (m values in that half) minimising mean |ln y_(k+p) − ln y_k| over it (0 for an exact
    cycle); 1 for fewer than 4 values."""
    y = np.log(np.asarray(values, dtype=float).ravel())
    tail = y[y.size // 2:]
    lags = range(1, tail.size // 2 + 1)
    if not lags:
        return 1
    err = [float(np.mean(np.abs(tail[p:] - tail[:-p]))) for p in lags]
    return 1 + int(np.argmin(np.round(err, 12)))


def envelope(values: ArrayLike
             ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The lower and upper envelope of a series (k, lo, hi) over its finite positive values
    yₖ, tight and never crossing the data (lo_k ≤ y_k ≤ hi_k):
    lo_k = max(min y[k−w … k], min y[k … k+w]), hi_k = min(max y[k−w … k], max y[k … k+w]),
    so that a monotone stretch (the transient before a cycle) is its own envelope and a
    cycle of period ≤ w is enclosed by its low and high values at every k; w is the cycle's
    period (:func:`cycle_period`), at least 2.  Near the end only the look-back is used."""
    y = np.asarray(values, dtype=float).ravel()
    ks = np.flatnonzero(np.isfinite(y) & (y > 0))
    v = y[ks]
    n = v.size
    if n < 3:
        return ks.astype(float), v.copy(), v.copy()
    w = max(2, cycle_period(v))
    # before the start the windows see only the data (the envelope starts at y₀); past the
    # end the look-ahead drops out (−∞ / +∞), so the last cycle is not cut to its last value
    pad_lo = np.r_[np.full(w, np.inf), v, np.full(w, -np.inf)]
    pad_hi = np.r_[np.full(w, -np.inf), v, np.full(w, np.inf)]
    win = np.lib.stride_tricks.sliding_window_view
    mins, maxs = win(pad_lo, w + 1).min(axis=1), win(pad_hi, w + 1).max(axis=1)
    # entry j covers v[j − w … j]: looking back from k is entry k, looking ahead entry k + w
    lo = np.maximum(mins[:n], mins[w:w + n])
    hi = np.minimum(maxs[:n], maxs[w:w + n])
    return ks.astype(float), lo, hi


def thin_indices(n: int, most: int = RATIO_MARKERS, head: int = 10,
                 keep: Iterable[int] = ()) -> NDArray[np.int64]:
    """Indices 0 … n−1 to draw when at most about ``most`` markers fit: all of them when
    n ≤ most, else the first ``head`` (the transient, where the ratios still move), every
    j-th of the rest with j = ⌈(n − head) / (most − head)⌉, and the indices in ``keep``
    (e.g. the extreme values, so that the drawn points span the values' range)."""
    if n <= most:
        return np.arange(n, dtype=np.int64)
    head = max(0, min(head, most - 1))
    step = -(-(n - head) // (most - head))
    idx = {*range(head), *range(head, n, step), *(int(i) for i in keep if 0 <= i < n)}
    return np.asarray(sorted(idx), dtype=np.int64)


@dataclass
class ErrorPanels:
    """What :func:`plot_error` draws, decided before drawing (captions say what is drawn):
    labels with a theory line, labels in the ratio panel (empty: no ratio panel), labels
    drawn as envelopes (:func:`oscillates`), labels with a shaded fit window, all labels,
    runs that terminated, labels whose ratios are drawn beside a theory band."""

    theory: list[str]
    ratios: list[str]
    envelopes: list[str]
    windows: list[str]
    labels: list[str]
    #: one error panel per label (:func:`crowded_theory` found a theory line among the
    #: other series), instead of all in one
    multiples: bool = False
    #: labels whose run terminated (finite termination: x* reached in finitely many steps):
    #: no rate was fitted, so no window is shaded; label → the iteration x* was reached at
    finite: dict[str, int] = field(default_factory=dict)
    #: labels of the ratio panel drawn beside the theory band their verdict tested (a double
    #: root's [ρ, the window's average factor], :func:`study_band`), shaded across it
    bands: list[str] = field(default_factory=list)
    #: labels of the ratio panel with no fit window (none fitted, and no finite
    #: termination): their ratios are drawn over all their steps clear of the floor
    unwindowed: list[str] = field(default_factory=list)
    #: labels of the ratio panel with no fit window whose ratios are drawn over the window
    #: their kind was read on (``spans`` of :func:`error_panels`: a kind faster than linear
    #: with nothing fitted), not shaded
    read: list[str] = field(default_factory=list)
    #: label of ``read`` → the window its ratios are drawn over (errors e_a … e_b, as its
    #: per-step table's title counts them), so that the caption can give its k
    read_windows: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: label of ``read`` → the last error its kind was read on when that lies past the
    #: drawn window, below the rounding floor (x* exact; its table's title names both)
    read_to: dict[str, int] = field(default_factory=dict)
    #: labels of ``theory`` whose dashed ρ is a yardstick (a bound proved for another case,
    #: :func:`analysis.compare.prediction_how`), not a prediction, as the legend names it
    yardsticks: list[str] = field(default_factory=list)


def drawn_ratios(errors: ArrayLike, floor: float | None = None,
                 window: Sequence[int] | None = None
                 ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The ratios e_(k+1)/e_k a ratio panel draws (:func:`plot_error`): those of
    :func:`error_ratios` above ``floor``, within the fit ``window`` when there is one (the
    asymptotic phase: transients would set the scale)."""
    kr, r = error_ratios(errors, floor=floor)
    if window is not None:
        inwin = window_steps(kr, window)
        kr, r = kr[inwin], r[inwin]
    return kr, r


def error_panels(errors: ArrayLike | Mapping[str, ArrayLike], *,
                 rates: Mapping[str, float | None] | None = None,
                 windows: Mapping[str, tuple[int, int] | None] | None = None,
                 ratios: bool = True, ratio_series: Iterable[str] | None = None,
                 finite: Mapping[str, int] | None = None,
                 floors: Mapping[str, float] | None = None,
                 bands: Mapping[str, tuple[float, float]] | None = None,
                 spans: Mapping[str, tuple[int, int] | None] | None = None) -> ErrorPanels:
    """The :class:`ErrorPanels` of :func:`plot_error` for these arguments (``finite``:
    label → iteration of a run's finite termination; such a label has no fit window;
    ``floors``: label → its rounding floor, :func:`error_ratios`; ``bands``: label → the
    theory band its verdict tested, drawn in the ratio panel; ``spans``: label → the window
    a run with no fit window had its kind read on, :func:`drawn_windows`)."""
    rates, finite = rates or {}, dict(finite or {})
    fit = {k: (None if k in finite else w) for k, w in (windows or {}).items()}
    windows = drawn_windows(fit, spans, finite)
    series = _as_series(errors)
    in_ratios = set(series) if ratio_series is None else set(ratio_series)
    theory, shown, env, wins = [], [], [], []
    for label, e in series.items():
        rho, win = rates.get(label), windows.get(label)
        if oscillates(e):
            env.append(label)
        elif fit.get(label) is not None:
            wins.append(label)
        a = 0 if win is None else int(win[0])
        if (rho is not None and np.isfinite(rho) and rho > 0 and 0 <= a < len(e)
                and np.isfinite(e[a]) and e[a] > 0):
            theory.append(label)
        if ratios and label in in_ratios and len(e) > 1:
            kr, _ = drawn_ratios(e, (floors or {}).get(label), win)
            if kr.size:
                shown.append(label)
    if not (ratios and any(len(e) > 2 for k, e in series.items() if k in in_ratios)):
        shown = []
    crowded = crowded_theory(series, {k: rates[k] for k in theory}, windows)
    return ErrorPanels(theory, shown, env, wins, list(series), multiples=bool(crowded),
                       finite={k: int(v) for k, v in finite.items() if k in series},
                       bands=[k for k in shown if k in (bands or {})],
                       unwindowed=[k for k in shown
                                   if windows.get(k) is None and k not in finite],
                       read=(read := [k for k in shown
                                      if fit.get(k) is None and windows.get(k) is not None]),
                       read_windows={k: (int(windows[k][0]), int(windows[k][1]))
                                     for k in read})


def drawn_windows(windows: Mapping[str, tuple[int, int] | None],
                  spans: Mapping[str, tuple[int, int] | None] | None = None,
                  finite: Iterable[str] = ()) -> dict[str, tuple[int, int] | None]:
    """The window each label is drawn over, in the ratio panel and by its theory line: its
    fit window (``windows``, the shaded one), else the window its kind was read on
    (``spans``: a kind faster than linear with nothing fitted, whose per-step table names
    that window), else None (all its steps clear of the floor); None for a run that
    reached x* (``finite``)."""
    spans, finite = spans or {}, set(finite)
    return {k: (None if k in finite else windows.get(k) or spans.get(k))
            for k in {**spans, **windows}}


#: A theory line closer than this many decades to another series is taken to be lost in
#: it (about 7 px on an error axis of 15 decades, 200 px tall).
THEORY_BAND = 0.5


def theory_clearance(theory: tuple[ArrayLike, ArrayLike], others: Iterable[ArrayLike],
                     band: float = THEORY_BAND) -> float:
    """The share of a theory line's points (k, y_k) that lie within ``band`` decades of
    another series drawn in the same axes: s = #{k : min_j |log10 y_k − log10 o_j(k)| <
    band} / #{k}, with o_j(k) the j-th other series at iteration k (k past its end does not
    count).  0 = the line is clear of the others everywhere."""
    kk, yy = (np.asarray(v, dtype=float).ravel() for v in theory)
    ok = np.isfinite(yy) & (yy > 0)
    kk, yy = kk[ok].astype(int), np.log10(yy[ok])
    if kk.size == 0:
        return 0.0
    near = np.zeros(kk.size, dtype=bool)
    for o in others:
        o = np.asarray(o, dtype=float).ravel()
        inside = kk < o.size
        with np.errstate(all="ignore"):
            lo = np.log10(o[kk[inside]])
        d = np.abs(lo - yy[inside])
        near[np.flatnonzero(inside)[np.isfinite(d) & (d < band)]] = True
    return float(near.mean())


def crowded_theory(series: Mapping[str, ArrayLike], rates: Mapping[str, float],
                   windows: Mapping[str, tuple[int, int] | None] | None = None,
                   share: float = 0.25) -> list[str]:
    """Labels whose theory line (:func:`offset_theory_line`, as :func:`plot_error` draws it)
    would be lost among the other series of one error panel: more than ``share`` of its
    points within :data:`THEORY_BAND` decades (:func:`theory_clearance`) of another label's
    measured errors or theory line.  Its own measurement is ≥ ×10 below by construction."""
    windows = windows or {}
    lines = {k: offset_theory_line(series[k], rho, windows.get(k)) for k, rho in rates.items()}
    out = []
    for k, (kk, yy) in lines.items():
        others = [np.asarray(e, dtype=float) for j, e in series.items() if j != k]
        for j, (kj, yj) in lines.items():
            if j != k:  # another theory line, as a series over its own k
                full = np.full(int(kj.max()) + 1 if kj.size else 0, np.nan)
                full[kj] = yj
                others.append(full)
        if theory_clearance((kk, yy), others) > share:
            out.append(k)
    return out


def coinciding(series: Mapping[str, Any], rtol: float = 1e-6, atol: float = 1e-12
               ) -> list[list[str]]:
    """Groups (of two or more labels, in the given order) of series that lie on one another
    where both are drawn: equal within ``rtol``/``atol`` at every shared index (paths: every
    shared iterate), joined transitively.  One series drawn over the other hides it."""
    labels = list(series)
    arrs = {k: np.asarray(v, dtype=float).reshape(len(v), -1) for k, v in series.items()}
    parent = {k: k for k in labels}

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    for i, a in enumerate(labels):
        for b2 in labels[i + 1:]:
            n = min(len(arrs[a]), len(arrs[b2]))
            if n >= 2 and arrs[a].shape[1] == arrs[b2].shape[1] and np.allclose(
                    arrs[a][:n], arrs[b2][:n], rtol=rtol, atol=atol, equal_nan=True):
                parent[root(b2)] = root(a)
    groups: dict[str, list[str]] = {}
    for k in labels:
        groups.setdefault(root(k), []).append(k)
    return [g for g in groups.values() if len(g) > 1]


#: Where series coincide (:func:`coinciding`), each one drawn under another is at least
#: this many points wider than it: 0.8 pt of it shows on either side, a pixel at 100 dpi.
COINCIDE_STEP = 1.6


def coinciding_widths(widths: Mapping[str, float], groups: Sequence[Sequence[str]],
                      step: float = COINCIDE_STEP) -> dict[str, float]:
    """``widths`` with each group of coinciding series (in drawing order) widened from the
    last drawn to the first, so that w_j ≥ w_(j+1) + ``step``: the series drawn first shows
    as a border on both sides of the one drawn over it."""
    out = dict(widths)
    for g in groups:
        for a, b in zip(list(g)[-2::-1], list(g)[::-1], strict=False):
            out[a] = max(out[a], out[b] + step)
    return out


def stacked_widths(n: int, top: float = 1.1, bottom: float = 2.9) -> list[float]:
    """Line widths of ``n`` series drawn one over the other, in drawing order: from
    ``bottom`` for the first down to ``top`` for the last, evenly (w_i = bottom − (bottom −
    top)·i/(n − 1)), so that where two series coincide the one drawn first still shows as
    a border on both sides of the one drawn over it."""
    if n <= 1:
        return [1.5] * max(n, 0)
    return [bottom - (bottom - top) * i / (n - 1) for i in range(n)]


def _band_or_line(ax: Any, k: NDArray, y: NDArray, st: SeriesStyle, enveloped: bool,
                  label: str | None, zorder: float, ms: float = 3.0,
                  lw: float = 1.5) -> Any:
    """A series as a line with markers, or as its lower and upper envelope (two thin lines
    of its colour and style) when ``enveloped``; returns the legend handle."""
    if enveloped:
        kk, lo, hi = envelope(y)
        kk = np.asarray(k, dtype=float)[kk.astype(int)] if len(k) else kk
        (h,) = ax.plot(kk, hi, color=st.color, ls=st.linestyle, lw=1.1, label=label,
                       zorder=zorder)
        ax.plot(kk, lo, color=st.color, ls=st.linestyle, lw=1.1, zorder=zorder)
        return h
    (h,) = ax.plot(k, _positive(y), color=st.color, ls="-", marker=st.marker,
                   ms=ms if len(y) < 80 else 0, label=label, zorder=zorder, lw=lw)
    if len(y) < 80:  # a filled marker of the line's colour no wider than it does not show
        open_marks(h, st.marker)
    return h


#: About this many markers on an error line drawn with its ratios' marker (:func:`marked_entry`).
ERROR_LINE_MARKS = 10


def marked_entry(line: Any, marks: Any) -> Any:
    """A measured series' error line, marked with the marker its ratios are drawn with
    (``marks``: white-filled, 2 pt wider than the line and at least 4 pt, on about
    :data:`ERROR_LINE_MARKS` iterates evenly spaced in k) when it is drawn without markers
    (a long run), so that the line, its ratios and its legend entry (the line itself) all
    show one marker; returns the line."""
    if line.get_marker() not in ("", "None", None) and line.get_markersize() > 0:
        return line
    return open_marks(line, marks.get_marker())


def open_marks(line: Any, marker: str) -> Any:
    """Mark an error line so that its markers show on it and match its legend entry:
    ``marker`` white-filled, edged in the line's colour, 2 pt wider than the line (at least
    4 pt), on about :data:`ERROR_LINE_MARKS` iterates evenly spaced in k; returns the
    line."""
    n = len(np.asarray(line.get_xdata()))
    line.set_marker(marker)
    line.set_markersize(max(4.0, line.get_linewidth() + 2.0))
    line.set_markerfacecolor("white")
    line.set_markeredgecolor(line.get_color())
    line.set_markeredgewidth(0.9)
    line.set_markevery((0, max(1, -(-n // ERROR_LINE_MARKS))))
    return line


def _error_axes(fig: FigureLike, labels: Sequence[str], plan: ErrorPanels
                ) -> tuple[dict[str, Any], Any]:
    """The axes of :func:`plot_error`: label → its error axes (one shared axes, or one
    panel per label in up to 4 columns when ``plan.multiples``), and the ratio axes (None
    without a ratio panel)."""
    if not plan.multiples:
        if plan.ratios:
            ax, axr = fig.subplots(1, 2, width_ratios=[1.3, 1.0])
        else:
            ax, axr = fig.add_subplot(), None
        return {k: ax for k in labels}, axr
    cols = min(len(labels), 4)
    rows = -(-len(labels) // cols)
    outer = fig.add_gridspec(1, 2, width_ratios=[0.75 * cols, 1.3]) if plan.ratios else None
    grid = outer[0].subgridspec(rows, cols) if outer is not None else \
        fig.add_gridspec(rows, cols)
    axes: dict[str, Any] = {}
    first = None
    for i, k in enumerate(labels):
        axes[k] = fig.add_subplot(grid[i // cols, i % cols], sharey=first)
        first = first or axes[k]
    return axes, (fig.add_subplot(outer[1]) if outer is not None else None)


def _finish_error_axes(fig: FigureLike, axes: Mapping[str, Any],
                       series: Mapping[str, NDArray], plan: ErrorPanels, heading: str,
                       xlabel: str, ylabel: str) -> None:
    """Scales, limits, labels and titles of the error axes of :func:`plot_error`: one log
    y range over all of them; the iteration axis of the shared axes spans the longest run,
    that of a small multiple its own run; small multiples are titled by their label under
    the heading as the (sub)figure's title."""
    from matplotlib.ticker import MaxNLocator

    sty = series_styles(series)
    error_axes = list(dict.fromkeys(axes.values()))
    if not error_axes:
        return
    lim = log_limits([y for a in error_axes for y in _line_ys(a)])
    for a in error_axes:
        a.set_yscale("log")
        if lim is not None:
            a.set_ylim(*lim)
        n = max(max(len(series[k]) - 1, 1) for k in axes if axes[k] is a)
        pad = (0.05 if plan.multiples else 0.02) * n  # a narrow panel: a whole last marker
        a.set_xlim(-pad, n + pad)
        a.set_xlabel(xlabel)
        a.xaxis.set_major_locator(MaxNLocator(nbins=3 if plan.multiples else "auto",
                                              integer=True))
        if plan.multiples:  # narrow panels: smaller tick labels
            a.tick_params(axis="x", labelsize=7)
    error_axes[0].set_ylabel(ylabel)
    if plan.multiples:
        for label, a in axes.items():
            a.set_title(label, fontsize=8, color=sty[label].color)
            if a is not error_axes[0]:
                a.tick_params(labelleft=False)
        fig.suptitle(heading, fontsize=10)
    else:
        error_axes[0].set_title(_wrap_title(heading, fig))


@styled
def plot_error(
    errors: ArrayLike | Mapping[str, ArrayLike],
    *,
    rates: Mapping[str, float | None] | None = None,
    windows: Mapping[str, tuple[int, int] | None] | None = None,
    title: str | None = None,
    ylabel: str = "error ‖xₖ − x*‖₂ (log)",
    xlabel: str = "iteration k",
    rate_labels: Mapping[str, str] | None = None,
    ratios: bool = True,
    ratio_series: Iterable[str] | None = None,
    finite: Mapping[str, int] | None = None,
    floors: Mapping[str, float] | None = None,
    bands: Mapping[str, tuple[float, float]] | None = None,
    spans: Mapping[str, tuple[int, int] | None] | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Measured error against iteration (log scale) beside theory, in two panels.

    Left: the errors e₀, e₁, … of each label (its line style) and, where ``rates`` gives a predicted
    linear rate ρ, the theoretical slope ``THEORY_OFFSET·anchor·ρ^k`` (dashed, shifted ×10
    upwards so that it does not hide the measured line it agrees with, over the fit window
    only and never below ×10 the measurement: :func:`offset_theory_line`).  ``windows``:
    label → (first, last) iteration of the window where the measured rate was fitted, shaded
    along the curve as far as the series is drawn (a window that runs past it is said in the
    legend).  Right (when
    ``ratios``): the measured ratios e_(k+1)/e_k (:func:`error_ratios` clear of each label's
    rounding floor in ``floors``, over the fit window
    when there is one; hollow markers drawn over the line, a long run thinned by
    :func:`thin_indices` to its first steps, its extremes and every j-th step, about
    :data:`RATIO_MARKERS` in all; the x limits are those of the points drawn there)
    against the predicted ρ as a horizontal dashed line with a white halo under them, never
    on the frame (:func:`clear_theory_lines`) and, on a log axis, its value written by its
    right end (:func:`label_theory_lines`) — agreement is the points settling on the line;
    ``ratio_series`` limits that panel to some labels (those theory says something about).
    ``bands``: label → the theory band [lo, hi] its verdict tested (a double root's
    [ρ, the window's average factor]), shaded across the ratio panel under the theory line
    (:func:`ratio_band`) and given in the legend, since its ratios may lie off the ρ line.
    The legend has one entry per label (its measured line), one per dashed theory line
    (``theory for gd: ρ = 0.9``: the predicted value belongs to the dashes, not to the
    measurement) and one for the windows.  A series
    that goes up and down at almost every step (:func:`oscillates`: a cycle) is drawn as its
    lower and upper envelope, in both panels, so that it does not paint a band over the
    others.  ``finite``: label → iteration where a run reached x* (finite termination): no
    rate was fitted there, so no window is shaded and its legend entry says "finite
    termination at k = …".  ``spans``: label → the window a run with no fit window had its
    kind read on (a kind faster than linear with nothing fitted): its ratios and theory
    line are drawn over it, unshaded (:func:`drawn_windows`).  What is drawn is
    :func:`error_panels`.  Colours, line styles
    and markers are the labels' :func:`series_styles`.  The iteration axis is linear; zero
    errors (exact convergence) cannot be drawn on a log axis and are left out.  When a
    theory line would be lost among the other series (:func:`crowded_theory`), the errors
    are drawn as small multiples: one panel per label (shared log axis, each iteration axis
    fitted to its run so that a steep line is not a stroke), each with its own theory line.
    """
    from matplotlib.ticker import MaxNLocator

    fig = new_figure(fig, figsize)
    rates = rates or {}
    windows = windows or {}
    series = _as_series(errors)
    plan = error_panels(series, rates=rates, windows=windows, ratios=ratios,
                        ratio_series=ratio_series, finite=finite, floors=floors, bands=bands,
                        spans=spans)
    windows = drawn_windows(windows, spans, plan.finite)  # shaded: plan.windows only
    sty = series_styles(series)
    axes, axr = _error_axes(fig, list(series), plan)
    ax = axes[next(iter(series))] if series else fig.add_subplot()
    handles: list[Any] = []
    names: list[str] = []  # one legend entry per label (its measured line), then per theory
    theory_names: dict[str, str] = {}  # line its dashes, named with the predicted ρ
    single = len(series) == 1
    kmax = 1
    cut: list[str] = []  # fit windows that run past the drawn series
    below_floor: list[float] = []  # the floors of the series drawn below theirs
    ratio_k: list[int] = []  # first and last iteration drawn in the ratio panel, per label
    ratio_vals: list[float] = []
    ratio_texts: list[tuple[float, str, Any]] = []  # (ρ, its legend text, colour)
    widths = coinciding_widths(dict(zip(series, stacked_widths(len(series)), strict=True)),
                               coinciding(series))
    for label, e in series.items():
        ax = axes[label]
        st = sty[label]
        c = st.color
        env = label in plan.envelopes
        k = np.arange(len(e))
        kmax = max(kmax, len(e) - 1)
        win = windows.get(label)
        name = f"{label}: measured" + (" (cycles: lower and upper envelope)" if env else "")
        handles.append(_band_or_line(ax, k, e, st, env, name, 3 if env else 4,
                                     lw=widths[label]))
        entry = len(handles) - 1
        names.append(label + (" (cycles: envelope)" if env else "")
                     + (f" (finite termination at k = {plan.finite[label]})"
                        if label in plan.finite else ""))
        if label in plan.windows:
            cut += _shade_window(ax, e, win, c, label)
        below_floor += mark_below_floor(ax, e, None if env else (floors or {}).get(label), c)
        if axr is not None and label in plan.ratios:
            kr, r = drawn_ratios(e, (floors or {}).get(label), win)
            if env:
                _band_or_line(axr, kr, r, st, True, None, 3)
            elif kr.size:
                marks = draw_ratios(axr, kr, r, c, st.marker)
                handles[entry] = marked_entry(handles[entry], marks)
            if kr.size:
                ratio_k += [int(kr.min()), int(kr.max())]
            ratio_vals += list(r[np.isfinite(r)])
        rho = rates.get(label)
        if label in plan.theory:
            kk, yy = offset_theory_line(e, rho, win)
            text = (rate_labels or {}).get(label, f"theory ρ = {fmt_rate(rho)}")
            tc = "black" if single else c
            ax.plot(kk, yy, color=tc, ls=(0, (4, 2)), lw=1.5,
                    label=f"{label}: {text} (slope ρᵏ, drawn ≥ ×10 above)", zorder=5)
            # the caption says where the line is drawn (≥ ×10 above): the entry stays short,
            # so that the legend keeps two columns beside the series
            theory_names[label] = f"theory for {label}: slope ρᵏ, {text.removeprefix('theory ')}"
            if axr is not None:
                ratio_theory_line(axr, rho, tc, span=ratio_span(
                    drawn_ratios(e, (floors or {}).get(label), win)[0], len(plan.theory)))
                ratio_vals.append(float(rho))
                ratio_texts.append((float(rho), text.removeprefix("theory "), tc))

    band_names = _draw_bands(axr, {k: (bands or {})[k] for k in plan.bands},
                             {k: "black" if single else sty[k].color for k in plan.bands},
                             ratio_vals)
    heading = title or ("Error against iteration: measured"
                        + (" and theory (dashed, ≥ ×10 above)" if plan.theory else ""))
    _finish_error_axes(fig, axes, series, plan, heading, xlabel, ylabel)
    for k, text in theory_names.items():  # the theory value on its dashed line's entry
        handles.append(Line2D([], [], color="black" if single else sty[k].color,
                              ls=(0, (4, 2)), lw=1.5))
        names.append(text)
    for k, text in band_names.items():
        handles.append(band_handle("black" if single else sty[k].color))
        names.append(text)
    if plan.windows:  # the handle is the shading: one band per series in its colour
        bands = tuple(Line2D([], [], **window_style(sty[k].color)) for k in plan.windows)
        handles.append(bands[0] if len(bands) == 1 else bands)
        names.append("fit window (of the rate or order)" + (f" (cut where the drawing ends: "
                                                 f"{'; '.join(cut)})" if cut else ""))
    for fl in sorted(below_floor)[-1:]:  # one legend entry for the filled discs
        handles.append(Line2D([], [], ls="none", mfc="0.55", **FLOOR_MARK))
        names.append(f"below the rounding floor {fmt_floor(fl)} (filled)")
    if axr is not None:
        lo_k, hi_k = (min(ratio_k), max(ratio_k)) if ratio_k else (0, kmax)
        axr.set_xlim(*k_limits(lo_k, hi_k))  # the limits of the points drawn in this panel
        _fit_ratio_axis(axr, ratio_vals, ratio_texts)
        axr.set_xlabel(xlabel)
        axr.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        if not plan.multiples:
            same_tick_step([ax, axr])
        axr.set_ylabel("e₍ₖ₊₁₎ / eₖ")
        axr.set_title("Ratio per step" + (" in fit window" if plan.windows
                                          and not (plan.unwindowed or plan.read) else "")
                      + (" vs ρ" if plan.theory else ""))
        space_ratio_markers(axr)
    _outside_legend(fig, handles, names)
    return fig


#: How an error below the rounding floor is drawn (:func:`mark_below_floor`): a large disc
#: filled in its series' colour with a black rim, unlike the series' own markers, which
#: are white-filled (a CG curve's hollow circles).
FLOOR_MARK = {"marker": "o", "ms": 7.0, "mec": "black", "mew": 1.0}


def mark_below_floor(ax: Any, e: ArrayLike, floor: float | None, color: Any) -> list[float]:
    """Draw the errors of ``e`` below the rounding ``floor`` as filled discs over the line
    (:data:`FLOOR_MARK`; they take no part in the rate: past the floor a run sits at x* to
    machine precision); ``[floor]`` when there was one, else ``[]`` (also without a
    floor)."""
    if floor is None:
        return []
    e = np.asarray(e, dtype=float)
    low = np.flatnonzero(np.isfinite(e) & (e > 0) & (e < floor))
    if low.size:
        ax.plot(low, e[low], ls="none", mfc=color, **FLOOR_MARK, zorder=6, clip_on=False,
                label="_below floor")  # whole at the axes' end
    return [float(floor)] if low.size else []


def _fit_ratio_axis(axr: Any, values: Sequence[float],
                    texts: Sequence[tuple[float, str, Any]]) -> None:
    """The y axis of :func:`plot_error`'s ratio panel fitted to the ratios and theory values
    ``values``: log when they span more than a factor 100 or exceed 3, else linear; the
    theory lines off the frame (:func:`clear_theory_lines`) and, on a log axis, where ticks
    a decade apart do not tell ρ = 0.966 from 1, their values ``texts`` written by them
    (:func:`label_theory_lines`)."""
    log = ratio_axis_log(values)
    if log:
        axr.set_yscale("log")
        _fit_log_axis(axr)
    else:
        _fit_linear_axis(axr)
        axr.yaxis.set_major_formatter(SameDecimals())
    clear_theory_lines(axr)
    if log:
        label_theory_lines(axr, texts)


def ratio_axis_log(values: Iterable[float]) -> bool:
    """Whether :func:`plot_error`'s ratio panel draws ``values`` (its ratios and theory
    values) on a log axis: when they span more than a factor 100 or exceed 3."""
    v = np.asarray(list(values), dtype=float)
    v = v[np.isfinite(v)]
    return bool(v.size and v.min() > 0 and (v.max() > 3.0 or v.max() / v.min() > 100.0))


def same_tick_step(axes: Sequence[Any]) -> None:
    """Give side-by-side iteration axes one tick step: the largest of the steps their own
    locators choose (a coarser step fits every panel), on its multiples, so that two panels
    over the same iterations are not ticked every 150 and every 250."""
    from matplotlib.ticker import MultipleLocator

    steps = []
    for a in axes:
        t = np.asarray(a.xaxis.get_major_locator().tick_values(*a.get_xlim()), dtype=float)
        if t.size > 1:
            steps.append(float(np.min(np.diff(t))))
    if not steps:
        return
    step = max(steps)
    for a in axes:
        a.xaxis.set_major_locator(MultipleLocator(step))


def log_limits(values: Iterable[ArrayLike], margin: float = 2.5, share: float = 0.03
               ) -> tuple[float, float] | None:
    """Limits of a log axis holding every positive finite value of ``values``:
    (min/m, max·m) with m the larger of ``margin`` and ``share`` of the span in decades
    (a line ending at the lowest value of 32 decades is not drawn on the spine), the lower
    limit no smaller than the smallest normal double; None when there is no value.
    Nothing is cut off: a series that reaches 10⁻³⁰⁰ widens the axis to 10⁻³⁰⁰."""
    vals = [np.asarray(v, dtype=float).ravel() for v in values]
    y = np.concatenate(vals) if vals else np.zeros(0)
    y = y[np.isfinite(y) & (y > 0)]
    if y.size == 0:
        return None
    lo, hi = float(y.min()), float(y.max())
    m = max(margin, 10.0 ** (share * math.log10(hi / lo)))
    return max(lo / m, float(np.finfo(float).tiny)), hi * m


def _line_ys(ax: Any) -> list[NDArray[np.float64]]:
    """The y data of every line of ``ax`` drawn in data y (also horizontal reference lines)."""
    out = []
    for line in ax.get_lines():
        t = line.get_transform()
        if t.contains_branch_seperately(ax.transData)[1]:
            out.append(np.asarray(line.get_ydata(), dtype=float))
    return out


def _fit_log_axis(ax: Any, extra: Iterable[float] = ()) -> None:
    """Fit a log y-axis to all positive data of its lines and reference lines (and
    ``extra`` values): autoscaling adds margins proportional to the span, so set it."""
    lim = log_limits([*_line_ys(ax), np.asarray(list(extra), dtype=float)])
    if lim is not None:
        ax.set_ylim(*lim)


def _fit_linear_axis(ax: Any, extra: Iterable[float] = (), margin: float = 0.06) -> None:
    """Fit a linear y-axis to all finite data of its lines and ``extra`` values."""
    ys = [*_line_ys(ax), np.asarray(list(extra), dtype=float)]
    y = np.concatenate([v.ravel() for v in ys]) if ys else np.zeros(0)
    y = y[np.isfinite(y)]
    if y.size:
        lo, hi = float(y.min()), float(y.max())
        pad = margin * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
        ax.set_ylim(lo - pad, hi + pad)


#: Runs longer than this many times the shortest get a panel of their own in
#: :func:`plot_grad_norm` (a run of 8 steps on a 0–60 axis is a vertical stroke).
GRAD_SPREAD = 5.0


def grad_norm_groups(norms: Mapping[str, ArrayLike]) -> list[list[str]]:
    """The panels of :func:`plot_grad_norm`, left to right: labels grouped by run length
    (:func:`length_groups`, spread :data:`GRAD_SPREAD`, at most three groups)."""
    return length_groups({k: len(np.ravel(v)) for k, v in norms.items()},
                         spread=GRAD_SPREAD, most=3)


#: A panel of :func:`plot_grad_norm` whose runs all end on a constant value from this share
#: of its length on (their changes squeezed into a spike at k ≈ 0 on a linear axis) gets a
#: symlog iteration axis, linear up to k = 1, provided its runs are longer than
#: :data:`EARLY_MIN_STEPS` steps.
EARLY_SHARE = 0.1
EARLY_MIN_STEPS = 50


def settled_from(values: ArrayLike, rtol: float = 1e-6) -> int:
    """The first iteration from which a run stays on its last value (within ``rtol``):
    min{s : |y_k − y_last| ≤ rtol·|y_last| for all k ≥ s}; its length when the last value is
    not finite."""
    y = np.ravel(np.asarray(values, dtype=float))
    if y.size == 0 or not np.isfinite(y[-1]):
        return int(y.size)
    off = ~np.isclose(y, y[-1], rtol=rtol, atol=0.0)
    return int(np.nonzero(off)[0][-1]) + 1 if off.any() else 0


def early_runs(runs: Sequence[ArrayLike]) -> bool:
    """Whether a panel's runs change only early: the longest has more than
    :data:`EARLY_MIN_STEPS` steps n, and each is constant from iteration
    :data:`EARLY_SHARE`·n on (:func:`settled_from`)."""
    n = max((len(np.ravel(r)) - 1 for r in runs), default=0)
    return n > EARLY_MIN_STEPS and all(settled_from(r) <= EARLY_SHARE * n for r in runs)


def early_k_axis(ax: Any, n: int) -> None:
    """A symlog iteration axis 0 … n, linear up to k = 1 and log beyond, ticked at 0 and the
    powers of ten (:func:`symlog_ticks`), written as integers."""
    from matplotlib.ticker import FixedLocator, NullLocator

    ax.set_xscale("symlog", linthresh=1.0, linscale=0.4)
    ax.set_xlim(-0.1, 1.3 * n)
    ax.xaxis.set_major_locator(FixedLocator(symlog_ticks([n], 1.0, most=5)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.xaxis.set_minor_locator(NullLocator())


#: points from the bottom of a panel to the top of the legend under it: its tick labels and
#: axis label take 29 pt; a share of the panel's height (0.2 of it) put the legend over the
#: label once the figure shrank to fit its page (the kink report's gradient norms at 0.75)
PANEL_LEGEND_DROP = 36.0


def panel_legend(ax: Any, handles: Sequence[Any], ncols: int) -> Any:
    """The legend of one of side-by-side panels, centred under it, its top
    :data:`PANEL_LEGEND_DROP` points below the panel (under its axis label at any height
    of the figure)."""
    where = offset_copy(ax.transAxes, fig=ax.figure, y=-PANEL_LEGEND_DROP, units="points")
    return ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     bbox_transform=where, borderaxespad=0.0, fontsize=7.5, ncols=ncols)


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
    """Gradient norm against iteration, log scale, one line per run.

    Runs of very different lengths (:func:`length_groups` with spread
    :data:`GRAD_SPREAD`, up to three groups: Newton's 5 iterations, GD's 60,
    Adam's 350) get panels side by side, the shortest runs left, each with a linear
    iteration axis fitted to its runs; a panel whose runs change only in its first tenth
    and then stay constant (:func:`early_runs`) gets a symlog iteration axis instead
    (:func:`early_k_axis`), so that their early steps are not a spike at k ≈ 0.  The y axis
    fits the norms drawn; ``gtol`` is a reference line (:data:`REFERENCE_STYLE`) when it
    lies within a factor 100 below the smallest norm drawn in a panel,
    else its legend entry says that it lies below the axis (the runs did not come near it).
    Side-by-side panels each have their own legend under them, naming their own runs."""
    from matplotlib.ticker import MaxNLocator

    fig = new_figure(fig, figsize)
    series = _as_series(norms)
    sty = series_styles(series)
    groups = grad_norm_groups(series)
    axes = [fig.add_subplot()] if len(groups) == 1 else list(fig.subplots(1, len(groups)))
    handles = []
    below = False
    panel_handles: list[list[Any]] = []
    for ax, group in zip(axes, groups, strict=True):
        own = []
        for label in group:
            g = series[label]
            (h,) = ax.plot(np.arange(len(g)), _positive(g), color=sty[label].color,
                           ls=sty[label].linestyle, marker=sty[label].marker,
                           ms=3 if len(g) < 40 else 0,
                           label=f"{label} ({iterations_text(len(g) - 1)})")
            own.append(h)
        handles += own
        ax.set_yscale("log")
        lim = log_limits([_positive(series[k]) for k in group])
        if gtol is not None and (lim is None or gtol >= lim[0] * 2.5 / 100.0):
            ax.axhline(gtol, **REFERENCE_STYLE)
            _fit_log_axis(ax)
            own.append(Line2D([], [], **REFERENCE_STYLE,
                              label=f"gradient tolerance {_power_text(gtol)}"))
        else:
            below = below or gtol is not None
            if lim is not None:
                ax.set_ylim(*lim)
            if gtol is not None:
                own.append(Line2D([], [], color="none",
                                  label=f"gradient tolerance {_power_text(gtol)}\n"
                                        "(below the axis)"))
        panel_handles.append(own)
        n = max(len(series[k]) for k in group) - 1
        if early_runs([series[k] for k in group]):
            early_k_axis(ax, n)
            ax.set_xlabel(xlabel + " (log scale past 1)")
        else:
            ax.set_xlim(-0.03 * max(n, 1), 1.03 * max(n, 1))
            ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
            ax.set_xlabel(xlabel)
        if len(axes) > 1:
            ax.set_title(f"runs up to {iterations_text(n)}", fontsize=9)
    axes[0].set_ylabel(ylabel)
    if gtol is not None:
        handles.append(Line2D([], [], **REFERENCE_STYLE,
                              label=f"gradient tolerance {_power_text(gtol)}"
                                    + ("\n(below the axis where not drawn)" if below else "")))
    if len(axes) > 1:
        fig.suptitle(title or "Gradient norm against iteration", fontsize=10)
        for ax, own in zip(axes, panel_handles, strict=True):  # each panel names its runs
            panel_legend(ax, own, ncols=1 if len(axes) > 2 else 2)
        return fig
    axes[0].set_title(title or "Gradient norm against iteration")
    _outside_legend(fig, handles)
    return fig


@styled
def plot_iterates(
    series: ArrayLike | Mapping[str, ArrayLike],
    *,
    ylabel: str,
    xlabel: str = "iteration k",
    logy: bool = False,
    logx: bool = False,
    hlines: Sequence[tuple[float, str]] = (),
    vlines: Sequence[tuple[float, str]] = (),
    title: str | None = None,
    split: bool = False,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Any per-iteration quantity (a coordinate, |y_k|, f(xₖ)) against iteration.

    ``hlines``/``vlines``: (value, label) reference lines, e.g. a predicted crossing time.
    ``logx``: a log iteration axis (for power laws such as 1/k, straight on log–log); it
    starts at k = 1, since k = 0 has no place on it (the x label says so).  ``split`` (linear
    iteration axis, no reference lines): runs of very different lengths get side-by-side
    panels as in :func:`plot_grad_norm` (:func:`grad_norm_groups`, the shortest left, each
    with its own iteration axis, a shared y axis and a legend of its own runs).
    """
    fig = new_figure(fig, figsize)
    data = _as_series(series)
    groups = grad_norm_groups(data) if split and not logx and not hlines and not vlines \
        else [list(data)]
    if len(groups) > 1:
        return _iterates_panels(fig, data, groups, ylabel=ylabel, xlabel=xlabel, logy=logy,
                                title=title)
    ax = fig.add_subplot()
    handles = []
    first = 1 if logx else 0
    sty = series_styles(_as_series(series))
    for label, y in _as_series(series).items():
        yy = _positive(np.abs(y)) if logy else y
        (h,) = ax.plot(np.arange(first, len(y)), yy[first:], color=sty[label].color,
                       ls=sty[label].linestyle,
                       label=label)
        handles.append(h)
    if logx:
        ax.set_xscale("log")
        xlabel += " (log scale, from k = 1)"
    refs = [(v, s, "h") for v, s in hlines] + [(v, s, "v") for v, s in vlines]
    for j, (v, s, orient) in enumerate(refs):
        style = dict(color="black" if j == 0 else GREY, ls=(":", "--", "-.")[j % 3], lw=1.1,
                     label=s)
        handles.append(ax.axhline(v, **style) if orient == "h" else ax.axvline(v, **style))
    if logy:
        ax.set_yscale("log")
        _fit_log_axis(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{ylabel} against iteration")
    _outside_legend(fig, handles)
    return fig


def _iterates_panels(fig: FigureLike, data: Mapping[str, NDArray], groups: list[list[str]],
                     *, ylabel: str, xlabel: str, logy: bool, title: str | None
                     ) -> FigureLike:
    """:func:`plot_iterates` split into side-by-side panels, one per group of run lengths."""
    from matplotlib.ticker import MaxNLocator

    sty = series_styles(data)
    axes = list(fig.subplots(1, len(groups), sharey=True))
    for ax, group in zip(axes, groups, strict=True):
        own = []
        for label in group:
            y = data[label]
            (h,) = ax.plot(np.arange(len(y)), _positive(np.abs(y)) if logy else y,
                           color=sty[label].color, ls=sty[label].linestyle,
                           marker=sty[label].marker, ms=3 if len(y) < 40 else 0,
                           label=f"{label} ({iterations_text(len(y) - 1)})")
            own.append(h)
        n = max(len(data[k]) for k in group) - 1
        ax.set_xlim(-0.03 * max(n, 1), 1.03 * max(n, 1))
        ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        ax.set_xlabel(xlabel)
        ax.set_title(f"runs up to {iterations_text(n)}", fontsize=9)
        panel_legend(ax, own, ncols=1 if len(axes) > 2 else 2)
    if logy:  # shared: fitted to every panel's values
        axes[0].set_yscale("log")
        lim = log_limits([_positive(np.abs(v)) for v in data.values()])
        if lim is not None:
            axes[0].set_ylim(*lim)
    axes[0].set_ylabel(ylabel)
    fig.suptitle(title or f"{ylabel} against iteration", fontsize=10)
    return fig


# ============================================================================ Hessian spectra


#: Short names of the kinds for crowded tick labels.
KIND_SHORT = {"minimum": "min", "maximum": "max", "saddle": "saddle", "unknown": "?"}


def symlog_ticks(values: ArrayLike, thresh: float, most: int = 4) -> list[float]:
    """Ticks of a symlog axis: 0 and ±10^j for the decades the values span (from the linear
    threshold up), every s-th decade so that at most ``most`` ticks fall on each side."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    out = [0.0]
    for sign in (1.0, -1.0):
        side = np.abs(v[v * sign > 0])
        if side.size == 0:
            continue
        lo = math.ceil(math.log10(max(thresh, 1e-300)))
        hi = math.ceil(math.log10(max(float(side.max()), thresh)))
        step = max(1, math.ceil((hi - lo + 1) / most))
        out += [sign * 10.0 ** j for j in range(hi, lo - 1, -step)]
    return sorted(out)


def _mantissa(v: float, digits: int) -> tuple[float, int]:
    """(m, k) with |v| = m·10ᵏ, 1 ≤ m < 10 after rounding m to ``digits`` digits."""
    k = math.floor(math.log10(abs(v)))
    m = abs(v) / 10.0 ** k
    if round(m, digits - 1) >= 10.0:
        k, m = k + 1, m / 10.0
    return m, k


def _power_text(v: float, digits: int = 2, decimals: int | None = None) -> str:
    """``v`` as mathtext m×10ᵏ (``$10^{3}$`` when m = 1, ``$-2{\\times}10^{-3}$``); 0 as
    ``0``.  ``decimals``: the mantissa with exactly that many decimals (``5.0×10⁻¹`` beside
    ``5.1×10⁰``), never shortened to ``10ᵏ``."""
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    m, k = _mantissa(v, digits)
    sign = "-" if v < 0 else ""
    if decimals is not None:
        return f"${sign}{m:.{decimals}f}{{\\times}}10^{{{k}}}$"
    mant = fmt(m, digits, zeros=False)  # a tick's mantissa: 2, not 2.0
    return (f"${sign}10^{{{k}}}$" if mant == "1" else f"${sign}{mant}{{\\times}}10^{{{k}}}$")


def tolerance_text(tol: float, page: bool = False) -> str:
    """A tolerance as the η-sweep's legend writes it: m×10ᵏ when :func:`fmt` would write it
    with an exponent (``4×10⁻⁶``, ``10⁻⁶``; :func:`_power_text`), else :func:`fmt` to 2
    digits (``0.001``); mathtext for the figure, or with ``page`` the same text in Unicode
    for a page (``4×10⁻⁶``), so that the caption writes the legend's number as it does."""
    if "e" not in fmt(tol, 2):
        return fmt(tol, 2)
    text = _power_text(tol)
    if not page:
        return text
    text = re.sub(r"\^\{(-?\d+)\}", lambda m: m.group(1).translate(_SUP), text)
    return text.strip("$").replace("{\\times}", "×").replace("-", "−")


def one_format(ticks: ArrayLike, digits: int = 2) -> FuncFormatter:
    """A tick formatter writing every tick of an axis in one format (no ``1e+04`` beside
    ``1`` and ``0.5``): plain decimals (:func:`landscape.numfmt.fmt`) when every nonzero
    tick t has 10⁻² ≤ |t| < 10⁴ and its plain form is exact to ``digits`` digits, else
    powers of ten m×10ᵏ for all (:func:`_power_text`; 0 stays ``0``)."""
    t = np.asarray(ticks, dtype=float).ravel()
    t = np.abs(t[np.isfinite(t) & (t != 0)])
    plain = bool(np.all((t >= 1e-2) & (t < 1e4))) if t.size else True
    if plain:
        return FuncFormatter(lambda v, _: fmt(v, digits, zeros=False))  # 0.5, not 0.50
    # one mantissa style for all: with decimals when any mantissa needs them
    whole = all(abs(m - round(m)) < 1e-9 for m in
                (round(_mantissa(float(x), digits)[0], digits - 1) for x in t))
    d = None if whole else digits - 1
    return FuncFormatter(lambda v, _: _power_text(v, digits, d))


class SameDecimals(mpl.ticker.Formatter):
    """Plain tick labels of one linear axis, all with the same number of decimals d: the
    fewest d ≤ ``most`` with which every tick t is written exactly,
    |round(t, d) − t| ≤ 10⁻⁹·max|t| (``0.6, 0.8, 1.0, 1.2``, not ``1`` among decimals;
    ``0.999596, 0.999600``, not ``0.9996`` beside ``0.999598``)."""

    def __init__(self, most: int = 7) -> None:
        self.most = most
        self.decimals = 0

    def set_locs(self, locs: ArrayLike) -> None:
        super().set_locs(locs)
        t = np.asarray(locs, dtype=float).ravel()
        t = t[np.isfinite(t)]
        self.decimals = same_decimals(t, self.most)

    def __call__(self, x: float, pos: int | None = None) -> str:
        d = self.decimals
        if abs(x) < 0.5 * 10.0 ** -d:
            x = 0.0
        return f"{x:.{d}f}".replace("-", "\u2212")


def same_decimals(ticks: ArrayLike, most: int = 7) -> int:
    """The fewest decimals d ≤ ``most`` writing every value t of ``ticks`` exactly:
    |round(t, d) − t| ≤ 10⁻⁹·max|t| (``most`` when none does)."""
    t = np.asarray(ticks, dtype=float).ravel()
    t = t[np.isfinite(t)]
    if t.size == 0:
        return 0
    tol = 1e-9 * max(float(np.max(np.abs(t))), 1e-300)
    return next((d for d in range(most + 1) if np.all(np.abs(np.round(t, d) - t) <= tol)),
                most)


def tick_decimals(text: str) -> int | None:
    """Decimals of a plain tick label (``0.50`` → 2, ``12`` → 0); None for other labels."""
    t = text.replace("\u2212", "-").strip()
    if tick_format(t) != "plain":
        return None
    return len(t.split(".")[1]) if "." in t else 0


def tick_format(text: str) -> str:
    """The format of a numeric tick label: ``power`` (mathtext 10ᵏ or m×10ᵏ), ``e``
    (``1e+04``) or ``plain`` (``0.5``, ``1400``); ``0`` and labels that are not one number
    (categories such as ``P1 minimum``) are ``any`` (:func:`audit` wants one format per
    axis)."""
    import re

    t = text.replace("\u2212", "-").strip()
    if "10^" in t and re.fullmatch(r"\$.*\$", t, flags=re.S):
        return "power"
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", t):
        return "any" if float(t) == 0 else "plain"
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)e[+-]?\d+", t):
        return "e"
    return "any"


def _eigen_scale(values: NDArray[np.float64]) -> tuple[str, float | None]:
    """Axis scale for eigenvalues: linear, log (all positive over > 2 decades) or symlog
    (mixed signs over > 2 decades, linear threshold at the smallest nonzero |λ|)."""
    nz = np.abs(values[np.isfinite(values) & (values != 0)])
    if nz.size == 0 or nz.max() / nz.min() <= 100:
        return "linear", None
    if np.all(values > 0):
        return "log", None
    return "symlog", float(nz.min())


#: Marker size (points) of an eigenvalue in :func:`plot_hessian_eigenvalues`.
EIGEN_MS = 7.0


def swarm_offsets(ys: ArrayLike, size: float, most: float = math.inf) -> NDArray[np.float64]:
    """Sideways offsets of markers of diameter ``size`` at heights ``ys`` (both in points)
    in one column, so that no two overlap: in order of height, each marker takes the place
    nearest the column's axis (offset 0) that lies at least ``size`` from every marker
    placed (a neighbour j at height distance d < size bars |x − xⱼ| < √(size² − d²)),
    within ±``most`` when there is such a place; then each run of markers closer than
    ``size`` in height is centred on the axis.  Equal values lie side by side."""
    y = np.asarray(ys, dtype=float).ravel()
    x = np.zeros_like(y)
    placed: list[int] = []
    for i in np.argsort(y, kind="stable"):
        near = [j for j in placed if abs(y[j] - y[i]) < size]
        half = {j: math.sqrt(max(size * size - (y[j] - y[i]) ** 2, 0.0)) for j in near}
        cands = [0.0] + [x[j] + s * half[j] for j in near for s in (1.0, -1.0)]
        free = [c for c in cands
                if all(abs(c - x[j]) >= half[j] - 1e-9 for j in near)]
        inside = [c for c in free if abs(c) <= most + 1e-9]
        x[i] = min(inside or free, key=lambda c: (abs(c), -c))
        placed.append(int(i))
    order = np.argsort(y, kind="stable")  # runs of markers closer than size: centred
    cuts = np.flatnonzero(np.diff(y[order]) >= size) + 1
    for run in np.split(order, cuts):
        x[run] -= 0.5 * (x[run].max() + x[run].min())
    return x


class SwarmColumns(mpl.artist.Artist):
    """Spreads the markers of each column of an axes sideways when the figure is drawn
    (after the layout, so with the final heights): ``columns`` maps a column's x to its
    markers (lines of one point each); their offsets are :func:`swarm_offsets` of their
    heights on the page, within 0.4 of the column spacing.  With ``rows`` the columns are
    rows instead (markers at one y): markers closer than ``size`` along the row are set
    above and below it, as far as needed."""

    zorder = 2.9  # before the markers (zorder 3)

    def __init__(self, columns: Mapping[float, Sequence[Any]], size: float,
                 rows: bool = False):
        super().__init__()
        self.set_in_layout(False)
        self.columns, self.size, self.rows = columns, size, rows

    def draw(self, renderer: Any) -> None:
        from matplotlib.transforms import ScaledTranslation

        ax = self.axes
        fig = ax.figure
        to_pt = 72.0 / _root(fig).dpi
        lo, hi = ax.get_xlim()
        spacing = ax.get_window_extent(renderer).width * to_pt / max(abs(hi - lo), 1e-9)
        along = 0 if self.rows else 1  # the display coordinate the markers differ in
        for markers in self.columns.values():
            at = [ax.transData.transform(np.asarray(m.get_xydata(), float)[0])[along] * to_pt
                  for m in markers]
            d = swarm_offsets(at, self.size, math.inf if self.rows else 0.4 * spacing)
            for m, o in zip(markers, d, strict=True):  # one clear of the rest: on its value
                m.set_transform(ax.transData if o == 0.0 else ax.transData + ScaledTranslation(
                    *((0.0, o / 72.0) if self.rows else (o / 72.0, 0.0)),
                    _root(fig).dpi_scale_trans))


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
    line; markers of close (or equal) eigenvalues are set side by side in their column
    (:class:`SwarmColumns`), so each shows.  The y-axis is linear, log or symlog as the
    spread of |λ| requires.
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
    crowded = len(critical_points) > 4 or any(
        np.size(_attr(cp, "point", ())) > 2 for cp in critical_points)
    columns: dict[float, list[Any]] = {}
    for i, cp in enumerate(critical_points):
        lam = np.asarray(_attr(cp, "eigenvalues", ()), dtype=float).ravel()
        scale = max(1.0, float(np.max(np.abs(lam)))) if lam.size else 1.0
        for v in lam:
            sign = "zero" if abs(v) <= zero_tol * scale else ("positive" if v > 0 else "negative")
            m, c = style[sign]
            (h,) = ax.plot(i, 0.0 if sign == "zero" else v, marker=m, color=c, ms=EIGEN_MS,
                           mec="black", mew=0.5, ls="none", zorder=3)
            columns.setdefault(float(i), []).append(h)
            seen.add(sign)
            allv.append(0.0 if sign == "zero" else float(v))
        kind = str(_attr(cp, "kind", "?"))
        kappa = _attr(cp, "condition_number")
        point = fmt(np.asarray(_attr(cp, "point", ()), float).ravel(), 3)
        ticks.append(f"P{i + 1}\n{KIND_SHORT.get(kind, kind)}" if crowded
                     else f"P{i + 1} {kind}\n{point}\nκ = {fmt(kappa, 3)}")
    ax.add_artist(SwarmColumns(columns, EIGEN_MS + 0.5 + 1.0))  # edge and a 1 pt gap
    ax.axhline(0.0, color="black", lw=0.8)
    scale, thresh = _eigen_scale(np.asarray(allv))
    if scale == "symlog":
        ax.set_yscale("symlog", linthresh=thresh)
        yt = symlog_ticks(np.asarray(allv), thresh)
        ax.set_yticks(yt)
        ax.yaxis.set_major_formatter(one_format(yt))
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
    elif scale == "log":
        ax.set_yscale("log")
    ax.set_xticks(range(len(ticks)), ticks, fontsize=7 if len(ticks) > 5 else 8)
    ax.set_xlim(-0.6, max(len(ticks), 1) - 0.4)
    ax.set_ylabel("Hessian eigenvalue λ" + ("" if scale == "linear" else f" ({scale} scale)"))
    ax.set_xlabel("critical point")
    ax.set_title(title or "Hessian eigenvalues at the critical points (sign decides the kind)")
    handles = [Line2D([], [], marker=style[s][0], color=style[s][1], mec="black", mew=0.5,
                      ls="none", ms=7, label=f"{s} eigenvalue") for s in style if s in seen]
    _outside_legend(fig, handles)
    return fig


# ============================================================================ basins


def basin_converged(basins: Any) -> NDArray[np.bool_]:
    """Per start of a basin map, whether its run met the tolerances (``basins.converged``,
    same shape as ``labels``; every start when the map has no such grid).  A start labelled
    with a point that did not is "not converged, near" it."""
    labels = np.asarray(_attr(basins, "labels"), dtype=int)
    conv = getattr(basins, "converged", None)
    return np.ones(labels.shape, bool) if conv is None else np.asarray(conv, bool)


def single_outcome(basins: Any) -> str | None:
    """What every start of a basin map did, when they all did the same (a map of one colour
    would show nothing): ``converged to the same point (0, 0) (minimum)``, ``did not
    converge, ended near the same point (0, 0) (minimum)``, ``ended on a cycle (period 2)``
    or ``diverged or did not converge``; None when the starts differ.
    Labels (``basins.labels``): index into ``points`` (kinds ``kinds``), −2 a cycle
    (periods in ``cycles``), −1 diverged or not converged; :func:`basin_converged` says
    which starts converged."""
    labels = np.unique(np.asarray(_attr(basins, "labels"), dtype=int))
    if labels.size != 1:
        return None
    v = int(labels[0])
    if v >= 0:
        conv = np.unique(basin_converged(basins))
        if conv.size != 1:
            return None
        where = fmt(np.atleast_1d(np.asarray(_attr(basins, "points")[v], dtype=float)), 3)
        did = "converged to" if conv[0] else "did not converge, ended near"
        return f"{did} the same point {where} ({_attr(basins, 'kinds')[v]})"
    if v == -2:
        periods = ", ".join(f"period {p}" for p in sorted(dict(_attr(basins, "cycles") or {})))
        return f"ended on a cycle ({periods or 'no fixed period'})"
    return "diverged or did not converge"


def _attracting_points(basins: Any) -> list[NDArray[np.float64]]:
    """The limit points of a basin map that attract at least one start, in their order."""
    labels = np.asarray(_attr(basins, "labels"), dtype=int)
    points = [np.atleast_1d(np.asarray(p, dtype=float)) for p in _attr(basins, "points")]
    return [p for i, p in enumerate(points) if np.any(labels == i)]


def _same_point(p: NDArray[np.float64], q: NDArray[np.float64], rtol: float = 1e-6) -> bool:
    """Whether two limit points are one: ‖p − q‖ ≤ rtol · max(1, ‖p‖, ‖q‖)."""
    return p.shape == q.shape and float(np.linalg.norm(p - q)) <= rtol * max(
        1.0, float(np.linalg.norm(p)), float(np.linalg.norm(q)))


def basin_colors(*maps: Any) -> list[tuple[NDArray[np.float64], str]]:
    """One fill colour per limit point over several basin maps, for :func:`plot_basins`
    (``colors=``): each point that attracts starts in any of ``maps`` (the same point to a
    relative 10⁻⁶ in two maps is one) takes the next :data:`BASIN_PALETTE` colour, so a colour
    means the same point in every map drawn with it."""
    out: list[tuple[NDArray[np.float64], str]] = []
    for m in maps:
        for p in _attracting_points(m):
            if not any(_same_point(p, q) for q, _ in out):
                out.append((p, BASIN_PALETTE[len(out) % len(BASIN_PALETTE)]))
    return out


def paler(color: str, white: float = 0.6) -> str:
    """``color`` mixed with ``white`` parts of white (hex): the fill of the starts that ended
    near a point without converging, beside the point's own fill."""
    return to_hex([(1.0 - white) * c + white for c in to_rgb(color)])


def starts_share(n: int, total: int) -> str:
    """A basin's share of the starts as a legend gives it, with the counts it comes from and
    one decimal, so that the reader can check it: ``950 of 3 721 starts, 25.5%`` (counts
    spaced as the caption writes them, :func:`~landscape.numfmt.spaced`)."""
    pct = 100.0 * n / total if total else 0.0
    return f"{spaced(n)} of {spaced(total)} {'start' if total == 1 else 'starts'}, {pct:.1f}%"


@styled
def plot_basins(
    basins: Any,
    f: Any | None = None,
    *,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    colors: Sequence[tuple[ArrayLike, str]] | None = None,
    names: Sequence[tuple[ArrayLike, str]] | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = (6.8, 5.0),
) -> FigureLike:
    """Basins of attraction: where each start ends up.

    ``basins`` has ``xs``, ``ys`` (None for one variable), ``labels`` (grid of indices into
    ``points``; negative = diverged or not converged), ``points``, ``kinds`` and ``counts``.
    Two variables: an image of the labels with the critical points marked, x and y drawn to
    one scale (the legend beside it when :func:`legend_beside`).  One variable: the
    curve f (when given) above a coloured strip of the start positions.  Diverged starts are
    grey; the legend lists every limit point that attracts starts, with its kind and share of
    the starts (all critical points are marked on the plot by kind).  ``colors``: (point,
    colour) pairs from :func:`basin_colors` over several maps drawn side by side, so that a
    colour means the same limit point in each (default: the map's own points in turn).
    ``names``: (point, name) pairs, the document's names of critical points (``P1``): a limit
    point named there is called by its name in the legend, ``→ P1, minimum at (3, 2)``.
    """
    fig = new_figure(fig, figsize)
    xs = np.asarray(_attr(basins, "xs"), dtype=float)
    ys = _attr(basins, "ys")
    labels = np.asarray(_attr(basins, "labels"), dtype=int)
    points = [np.atleast_1d(np.asarray(p, dtype=float)) for p in _attr(basins, "points")]
    kinds = list(_attr(basins, "kinds"))
    inside = list(getattr(basins, "inside", None) or [True] * len(points))
    cycles = dict(getattr(basins, "cycles", None) or {})
    present = [i for i in range(len(points)) if np.any(labels == i)]
    table = basin_colors(basins) if colors is None else [
        (np.atleast_1d(np.asarray(p, dtype=float)), c) for p, c in colors]
    fills = [next((c for q, c in table if _same_point(points[i], q)),
                  BASIN_PALETTE[j % len(BASIN_PALETTE)]) for j, i in enumerate(present)]
    # a start near a point whose run did not converge: the point's colour, paler
    near = (labels >= 0) & ~basin_converged(basins)
    cmap = ListedColormap([CYCLE_COLOR, GREY, *fills, *(paler(c) for c in fills)])
    norm = BoundaryNorm(np.arange(-2.5, 2 * len(present) + 0.5, 1.0), cmap.N)
    compact = {i: j for j, i in enumerate(present)}
    shown = np.vectorize(lambda v: compact.get(int(v), -2 if v == -2 else -1),
                         otypes=[int])(labels) if labels.size else labels
    shown = np.where(near, shown + len(present), shown)
    handles: list[Any] = []
    for j, i in enumerate(present):
        p = np.asarray(points[i], float).ravel()
        where = fmt(p, 3) if p.size > 1 else fmt(p[0], 3)  # a point of R: a number
        out = "" if inside[i] else (  # one variable: the interval of the starts
            ", outside the box" if ys is not None
            else f", outside [{fmt(float(xs.min()), 3)}, {fmt(float(xs.max()), 3)}]")
        name = next((f"{n}, " for q, n in names or ()
                     if _same_point(points[i], np.atleast_1d(np.asarray(q, dtype=float)))), "")
        for lead, fill, mask in (("→ ", fills[j], (labels == i) & ~near),
                                 ("not converged, near ", paler(fills[j]), (labels == i) & near)):
            if np.any(mask):
                share = starts_share(int(np.sum(mask)), labels.size)
                handles.append(Patch(color=fill,
                                     label=f"{lead}{name}{kinds[i]} at {where}{out}: {share}"))
    ncyc = int(np.sum(labels == -2))
    if ncyc:
        periods = ", ".join(f"period {p}" for p in sorted(cycles)) or "cycle"
        handles.append(Patch(color=CYCLE_COLOR, label=f"end on a cycle ({periods}): "
                                                      f"{starts_share(ncyc, labels.size)}"))
    ndiv = int(np.sum(labels == -1))
    if ndiv:
        elsewhere = ", near no critical point" if np.any(near) else ""
        handles.append(Patch(color=GREY, label=f"diverged / not converged{elsewhere}: "
                                               f"{starts_share(ndiv, labels.size)}"))
    points = [p for p, keep in zip(points, inside, strict=True) if keep]
    kinds = [k for k, keep in zip(kinds, inside, strict=True) if keep]
    if ys is None or labels.ndim == 1:
        handles += _basins_1d(fig, f, xs, shown.ravel(), points, kinds, cmap, norm, xlabel)
    else:
        ys = np.asarray(ys, dtype=float)
        ax = fig.add_subplot()
        ax.imshow(shown, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap=cmap,
                  norm=norm, aspect="equal", interpolation="nearest")  # x and y to one scale
        if f is not None:
            X, Y, Z = _grid_values(f, np.array([[xs[0], xs[-1]], [ys[0], ys[-1]]]), 120)
            ax.contour(X, Y, Z, levels=contour_levels(Z, 12)[0], colors="white",
                       linewidths=0.5, alpha=0.7)
        cps = [{"point": p, "kind": k} for p, k in zip(points, kinds, strict=True)]
        handles += _critical_handles(ax, cps, None, 2)  # the markers are named too
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
        ax.set_title(title or "Basins of attraction: colour = where a start converges")
        _outside_legend(fig, handles, ncols=1 if len(handles) > 3 else None,
                        beside=legend_beside(xs[-1] - xs[0], ys[-1] - ys[0]))
    if ys is None or labels.ndim == 1:
        fig.axes[0].set_title(title or "Basins of attraction: colour = where a start converges")
        _outside_legend(fig, handles, ncols=1 if len(handles) > 3 else None)
    return fig


def legend_beside(width: float, height: float) -> bool:
    """Whether an equal-aspect panel of a ``width`` × ``height`` box takes its legend beside
    it rather than below: when the box is at most 1.5 times as wide as tall, a full-width
    row would leave more of its width empty than a legend column fills."""
    return bool(width <= 1.5 * height)


def _basins_1d(fig: FigureLike, f: Any, xs: NDArray, labels: NDArray, points: list[NDArray],
               kinds: list[str], cmap: Any, norm: Any, xlabel: str) -> list[Line2D]:
    """One-variable basins: curve with limit points on top, coloured strip of starts below;
    returns the legend handles of the limit points' markers (by kind)."""
    marks: list[Line2D] = []
    if f is not None:
        ax, strip = fig.subplots(2, 1, sharex=True, height_ratios=[4, 1])
        values = evaluator(f, 1)
        grid = np.linspace(xs[0], xs[-1], 801)
        ax.plot(grid, values(grid.reshape(-1, 1)), color="0.25", lw=1.3)
        cps = [{"point": p, "kind": k, "value": float(values(p.reshape(1, 1))[0])}
               for p, k in zip(points, kinds, strict=True)]
        marks = _critical_handles(ax, cps, None, 1)
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
    return marks


# ============================================================================ sweeps


#: The threshold lines of :func:`plot_lr_sweep` lie under its markers, which are all drawn
#: at :data:`SWEEP_MARKER_ZORDER` (a marker on a line stays whole).
THRESHOLD_ZORDER = 2.5
SWEEP_MARKER_ZORDER = 3.0


@styled
def plot_lr_sweep(
    sweep: Any,
    *,
    title: str | None = None,
    ylabel: str = "‖x − x*‖₂ at the last iterate (log scale)",
    tol: float | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Final error against learning rate (log–log) with the divergence thresholds.

    ``sweep`` has ``lrs``, ``final_error``, ``diverged`` (bool per lr), ``predicted_threshold``
    and ``observed_threshold`` (and ``bounded``: runs that neither converge nor diverge, drawn
    as squares at their final error — filled when their band lies around x*, open when it
    does not (``band_away``), each kind named in the legend; ``elsewhere``: runs that stopped
    at another point, drawn as diamonds).  The other runs are split by their final error against
    ``tol`` (default :func:`sweep_tolerance`): at most ``tol`` = converged, above it = not
    yet converged after the sweep's steps.  Diverged runs are drawn as ✕ at their final
    errors when these widen the axis little (:func:`diverged_at_value`), else on a row above
    the data (their error is not finite or huge); the axis keeps headroom so that no marker
    touches the frame or the title.  The predicted threshold (2/L for GD) is a solid vertical
    line, the observed one (smallest η that does not converge) dashed; both lie under the
    markers, and a ✕ has no white halo, so that a line it lies on shows through it.
    """
    fig = new_figure(fig, figsize)
    ax = fig.add_subplot()
    lrs = np.asarray(_attr(sweep, "lrs"), dtype=float)
    err = np.asarray(_attr(sweep, "final_error"), dtype=float)
    div = np.asarray(_attr(sweep, "diverged"), dtype=bool)
    bnd_attr = getattr(sweep, "bounded", None)
    bnd = (np.zeros_like(div) if bnd_attr is None else np.asarray(bnd_attr, dtype=bool)) & ~div
    ok = ~div & ~bnd & np.isfinite(err) & (err > 0)
    tol = sweep_tolerance(sweep) if tol is None else float(tol)
    steps = _attr(sweep, "steps")
    done = ok & (err <= tol)
    tol_text = tolerance_text(tol)  # 10⁻⁶, not 1e−06
    handles = []
    (h,) = ax.plot(lrs[ok], err[ok], color=color(0), lw=1.0, zorder=2)
    if done.any():
        (h,) = ax.plot(lrs[done], err[done], color=color(0), marker="o", ms=4, ls="none",
                       label=f"converged: final error ≤ {tol_text} "
                             f"({_runs(int(done.sum()))})", zorder=SWEEP_MARKER_ZORDER)
        handles.append(h)
    away_attr = getattr(sweep, "elsewhere", None)
    away = (np.zeros_like(div) if away_attr is None else np.asarray(away_attr, dtype=bool)) \
        & ok & ~done
    if (ok & ~done & ~away).any():
        after = f" after {steps} steps" if steps else ""
        (h,) = ax.plot(lrs[ok & ~done & ~away], err[ok & ~done & ~away], color=color(0),
                       marker="o", ms=4, mfc="white", ls="none", zorder=SWEEP_MARKER_ZORDER,
                       label=f"not yet converged{after}: final error > {tol_text}, "
                             f"not diverging ({_runs(int((ok & ~done & ~away).sum()))})")
        handles.append(h)
    if away.any():
        (h,) = ax.plot(lrs[away], err[away], ls="none", marker="D", ms=5, color=color(2),
                       zorder=SWEEP_MARKER_ZORDER, label=f"left x* and stopped at another point "
                                       f"({_runs(int(away.sum()))})")
        handles.append(h)
    cyc = bnd & np.isfinite(err) & (err > 0)
    far_attr = getattr(sweep, "band_away", None)
    far = cyc & (np.zeros_like(div) if far_attr is None else np.asarray(far_attr, dtype=bool))
    for which, mfc, what in ((cyc & ~far, color(3), "around x*"),
                             (far, "white", "not around x*")):
        if which.any():  # around x*: filled squares; not around x*: open squares
            tell = f" {what}" if far.any() else ""
            (h,) = ax.plot(lrs[which], err[which], ls="none", marker="s", ms=5,
                           color=color(3), mfc=mfc, mew=1.2, zorder=SWEEP_MARKER_ZORDER,
                           label=f"bounded: a cycle or band{tell}, not converging "
                                 f"({_runs(int(which.sum()))})")
            handles.append(h)
    ax.set_xscale("log")
    ax.set_yscale("log")
    at_value = div.any() and diverged_at_value(err[ok], err[div])
    if at_value:
        ms = grid_marker_size(lrs, (lrs.min(), lrs.max()), _axes_width_pt(fig))
        (h,) = ax.plot(lrs[div], err[div], ls="none", marker="x", color=color(1), ms=ms,
                       mew=min(1.8, 0.25 * ms), zorder=SWEEP_MARKER_ZORDER,
                       label=diverged_label(sweep, div))
        handles.append(h)
    _fit_log_axis(ax)
    on_row = div.any() and not at_value
    lo, hi = ax.get_ylim()
    if hi > lo > 0:  # headroom: the data end 80 % up the axis, diverged runs on a row at 91 %
        lo = lo / (hi / lo) ** 0.05  # and a margin of 5 % of the decades below
        ax.set_ylim(lo, lo * (hi / lo) ** (1.0 / (0.8 if on_row else 0.92)))
    if lrs.size:
        span = (lrs.max() / lrs.min()) ** 0.04 if lrs.min() > 0 and lrs.max() > lrs.min() \
            else 1.5
        ax.set_xlim(lrs.min() / span, lrs.max() * span)
    if on_row:
        ms = grid_marker_size(lrs, ax.get_xlim(), _axes_width_pt(fig))
        # no white halo: it would blank the threshold lines a cross lies on
        (h,) = ax.plot(lrs[div], np.full(int(div.sum()), 0.91), ls="none", marker="x",
                       color=color(1), ms=ms, mew=min(1.8, 0.25 * ms),
                       transform=ax.get_xaxis_transform(), zorder=SWEEP_MARKER_ZORDER,
                       label=f"diverged ({_runs(int(div.sum()))}, drawn on a row above the "
                             "data)")
        handles.append(h)
    zero = ~div & np.isfinite(err) & (err <= 0)
    if zero.any():
        bottom = ax.get_ylim()[0]
        (h,) = ax.plot(lrs[zero], np.full(int(zero.sum()), bottom), ls="none", marker="v",
                       color=color(2), ms=6, clip_on=False, zorder=SWEEP_MARKER_ZORDER,
                       label="error exactly 0 (at bottom)")
        handles.append(h)
    pred = _attr(sweep, "predicted_threshold")
    obs = _attr(sweep, "observed_threshold")
    if pred is not None and np.isfinite(pred):
        handles.append(ax.axvline(pred, color="black", lw=1.4, zorder=THRESHOLD_ZORDER,
                                  label=f"predicted threshold η = {fmt(pred, 4)}"))
    if obs is not None and np.isfinite(obs):  # the grid brackets the threshold: (lo, obs]
        lo_b = (_attr(sweep, "bracket") or (None, None))[0]
        within = "" if lo_b is None else f" (threshold in ({fmt(lo_b, 4)}, {fmt(obs, 4)}])"
        handles.append(ax.axvline(obs, color=color(1), ls="--", lw=1.4, zorder=THRESHOLD_ZORDER,
                                  label=f"first η on the grid that {sweep_failure(sweep)} "
                                        f"= {fmt(obs, 4)}" + within))
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Learning-rate sensitivity: final error against η")
    _outside_legend(fig, handles, ncols=2)
    return fig


def diverged_label(sweep: Any, div: NDArray[np.bool_]) -> str:
    """The legend entry of a sweep's diverged runs drawn at their errors
    (:func:`diverged_at_value`): each at the error where its run ended, and which runs the
    optimizer's divergence test stopped before their steps were done (status ``diverged``:
    ‖x‖∞ past 10⁸·(1 + ‖x₀‖∞), :data:`optimizers.driver.DIVERGENCE_BOUND`), whose error is
    then not the one after all the steps (study p. 11: η = 1.27 and 1.5 sat near 10⁹ under
    "50 steps each", where 50 steps give 2.3e10 and 1.1e16)."""
    from optimizers.driver import DIVERGENCE_BOUND

    lrs = np.asarray(_attr(sweep, "lrs"), dtype=float)
    status = getattr(sweep, "status", None)
    early = ([] if status is None else
             [float(v) for v, st, d in zip(lrs, status, div, strict=True)
              if d and str(st) == "diverged"])
    text = f"diverged ({_runs(int(div.sum()))}, each at the error where it ended"
    if early:
        text += (f"; η = {', '.join(fmt(v, 3) for v in early)} stopped early, at "
                 f"‖x‖∞ > {tolerance_text(DIVERGENCE_BOUND)}·(1 + ‖x₀‖∞)")
    return text + ")"


#: diverged runs of a sweep are drawn at their final errors when these widen the error axis
#: by at most this share of its decades (else on a row above the data)
DIVERGED_AT_VALUE = 1.0 / 3.0


def diverged_at_value(errors: ArrayLike, diverged: ArrayLike,
                      share: float = DIVERGED_AT_VALUE) -> bool:
    """Whether :func:`plot_lr_sweep` draws its diverged runs at their final errors: all of
    them finite and positive, and the log axis over ``errors`` (the other runs') and
    ``diverged`` spanning at most (1 + ``share``) × the decades of ``errors`` alone,
    log(max/min).  GD on x² after 50 steps (study p. 11): errors 4.6e−58 to 3.6, diverged
    1.0e4 and, stopped by the divergence test, 7.2e8 and 6.7e8: 66 decades against 58, at
    their values (on a row they sat at one height); on 0.1x² + 2y² after 200 steps (the
    quadratic report): errors 1.7e−8 to 3.1, diverged 3.6e8–5.6e8, 16.5 decades against 8.3:
    on a row."""
    e = np.asarray(errors, dtype=float)
    d = np.asarray(diverged, dtype=float)
    e = e[np.isfinite(e) & (e > 0)]
    if not d.size or not np.all(np.isfinite(d) & (d > 0)) or e.size < 2:
        return False
    span = math.log10(e.max() / e.min())
    whole = math.log10(max(e.max(), d.max()) / min(e.min(), d.min()))
    return span > 0 and whole <= (1.0 + share) * span


def sweep_failure(sweep: Any) -> str:
    """What the run at the sweep's ``observed_threshold`` (the smallest η that does not
    converge to x*) did: ``diverged``, ``settled on a cycle or band``, ``left x*`` or, when
    the run there cannot be found, ``did not converge``."""
    lrs = np.asarray(_attr(sweep, "lrs"), dtype=float)
    obs = _attr(sweep, "observed_threshold")
    at = np.flatnonzero(np.isclose(lrs, obs, rtol=1e-12, atol=0.0)) if obs is not None \
        else np.array([], dtype=int)
    if not at.size:
        return "did not converge"
    i = int(at[0])
    for name, what in (("diverged", "diverged"), ("elsewhere", "left x*"),
                       ("bounded", "settled on a cycle or band")):
        flags = getattr(sweep, name, None)
        if flags is not None and bool(np.asarray(flags, dtype=bool)[i]):
            return what
    return "did not converge"


def grid_marker_size(xs: ArrayLike, xlim: tuple[float, float], width_pt: float,
                     most: float = 7.0, least: float = 3.5, share: float = 0.7) -> float:
    """Size (pt) of the markers on a log-spaced grid ``xs`` drawn on a log x axis ``xlim``
    of ``width_pt`` points, so that neighbours do not overlap: ``share`` × the smallest gap
    g = width · log(x_(i+1)/x_i) / log(x_hi/x_lo), clipped to [``least``, ``most``]."""
    x = np.sort(np.asarray(xs, dtype=float).ravel())
    x = x[np.isfinite(x) & (x > 0)]
    lo, hi = float(xlim[0]), float(xlim[1])
    if x.size < 2 or not (hi > lo > 0):
        return most
    gap = width_pt * float(np.min(np.diff(np.log(x)))) / math.log(hi / lo)
    return float(np.clip(share * gap, least, most))


def _axes_width_pt(fig: FigureLike, share: float = 0.8) -> float:
    """An estimate of an axes' width (pt) in ``fig``: ``share`` of the (sub)figure's width
    (the layout is not final when the markers are drawn)."""
    try:
        return share * fig.get_window_extent().width / _root(fig).dpi * 72.0
    except Exception:  # noqa: BLE001 - unknown container size: a full figure
        return share * FIGSIZE[0] * 72.0


def _runs(n: int) -> str:
    """``1 run``, ``3 runs``."""
    return f"{n} run" if n == 1 else f"{n} runs"


#: A sweep run has converged when its final error is at most this × max(1, ‖x*‖).
SWEEP_TOL = 1e-6


def sweep_tolerance(sweep: Any, rtol: float = SWEEP_TOL) -> float:
    """The final error below which a run of a learning-rate sweep counts as converged:
    ``rtol · max(1, ‖x*‖)`` (x* = the sweep's ``minimizer``; ``rtol`` without one)."""
    xs = _attr(sweep, "minimizer")
    scale = 1.0 if xs is None else max(1.0, float(np.linalg.norm(np.asarray(xs, float))))
    return rtol * scale


#: the predicted spectral radii :func:`plot_momentum_map` draws as dashed white contours
MAP_LEVELS = (0.5, 0.9)


def momentum_map_levels(radius: ArrayLike) -> list[float]:
    """The levels of :data:`MAP_LEVELS` that :func:`plot_momentum_map` draws for the
    predicted spectral radii ``radius`` of its grid: those strictly inside their range."""
    r = np.asarray(radius, dtype=float)
    return [v for v in MAP_LEVELS if np.nanmin(r) < v < np.nanmax(r)]


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
    grey; the black contour is the predicted stability boundary (spectral radius 1; drawn
    from a 401 × 401 grid when ``smap.radius_on(lrs, momenta)`` evaluates theory), dashed
    white contours edged in dark grey (so also their legend entry) are predicted radii 0.5
    and 0.9 (:func:`momentum_map_levels`) to compare with the colours.  ``mark``:
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
    cb.set_label("measured rate (error factor per iteration)")
    handles: list[Any] = []
    if np.any(~ok & ~div):
        handles.append(Patch(facecolor="white", edgecolor="0.5",
                             label="no linear rate measurable (white)"))
    # theory's contours from a fine grid where the map can evaluate it: a contour traced
    # through the runs' coarse cells cuts corners where the boundary bends
    c_lrs, c_mom, c_radius = lrs, mom, radius
    if callable(getattr(smap, "radius_on", None)) and lrs.size > 1 and mom.size > 1:
        fine = (np.geomspace if is_geometric(lrs) else np.linspace)(lrs.min(), lrs.max(), 401)
        fine_mom = np.linspace(mom.min(), mom.max(), 401)
        fine_radius = smap.radius_on(fine, fine_mom)
        if fine_radius is not None:
            c_lrs, c_mom, c_radius = fine, fine_mom, np.asarray(fine_radius, dtype=float)
    if np.nanmin(radius) < 1.0 < np.nanmax(radius):
        ax.contour(c_lrs, c_mom, c_radius, levels=[1.0], colors="black", linewidths=2.0)
        handles.append(Line2D([], [], color="black", lw=2.0,
                              label="predicted stability boundary (spectral radius = 1)"))
    inner = momentum_map_levels(radius)
    if inner:
        # white dashes edged in dark grey, in the map and in the legend alike (a white line
        # alone is lost on the legend's white)
        edge = [patheffects.withStroke(linewidth=2.3, foreground="0.3")]
        cl = ax.contour(c_lrs, c_mom, c_radius, levels=inner, colors="white", linewidths=1.1,
                        linestyles="--")
        cl.set_path_effects(edge)
        ax.clabel(cl, fmt=lambda v: f"ρ={fmt(v)}", fontsize=7)
        handles.append(Line2D([], [], color="white", ls="--", lw=1.1, path_effects=edge,
                              label="predicted spectral radius " + ", ".join(map(str, inner))))
    if div.any():
        handles.append(Patch(color=GREY, label="diverged (measured)"))
    for j, (x, y, text) in enumerate(mark):
        (h,) = ax.plot(x, y, marker=("o", "s", "D", "^", "X", "P")[j % 6], ms=9,
                       mfc=OKABE_ITO["orange"], mec="black", mew=1.2, ls="none", label=text,
                       zorder=6, clip_on=False)
        handles.append(h)
    if is_geometric(lrs):
        ax.set_xscale("log")
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("momentum β")
    ax.grid(False)
    # the axes end at the cells' edges, and a marker on an edge row is drawn whole over the
    # frame: room widened below the β = 0 row for its markers was a strip under the map,
    # read as a row of cells with no rate when white (study p. 23), as diverged cells when
    # grey
    edges = mesh.get_coordinates()
    ax.set_xlim(float(edges[..., 0].min()), float(edges[..., 0].max()))
    ax.set_ylim(float(edges[..., 1].min()), float(edges[..., 1].max()))
    ax.markers_on_frame = True
    # framed on all four sides, as the legend's white patch is: white cells on the map's edge
    # (no linear rate at β = 0.95, study p. 22) otherwise merge with the page
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    for spine in ax.spines.values():
        spine.set(color="0.5", linewidth=0.8)
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

    Top: f(x) (legend ``f_label``).  Bottom: |f′(x)| on a log axis (legend and axis
    ``|f′(x)|``, whatever ``f_label``) with the band below ``threshold`` shaded.  The
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
    # one notation for the derivative in the legend, on the axis and in the captions
    axd.plot(x, _positive(dfx), color=color(1), ls="--", label="|f′(x)|")
    handles = [ax.lines[0], axd.lines[0]]
    axd.set_yscale("log")
    _fit_log_axis(axd, [threshold])
    lo = axd.get_ylim()[0]
    band = axd.axhspan(lo, threshold, color=OKABE_ITO["orange"], alpha=0.18, lw=0,
                       label=f"|f′| below threshold {fmt(threshold, 3)}")
    axd.axhline(threshold, color=OKABE_ITO["orange"], lw=1.0)
    handles.append(band)
    plateau_seen = small_seen = False
    for r in regions:
        lower = float(np.ravel(_attr(r, "lower"))[0])
        upper = float(np.ravel(_attr(r, "upper"))[0])
        plateau = bool(_attr(r, "plateau", False))
        for a in (ax, axd):  # the two kinds in two colours (not two shades of one)
            a.axvspan(lower, upper, color="#cfcfcf" if plateau else "#bfe3d6", lw=0,
                      zorder=0)  # light tints, not alpha: the PDF keeps them as drawn
        plateau_seen |= plateau
        small_seen |= not plateau
    if plateau_seen:
        handles.append(Patch(color="#cfcfcf", label="plateau (small |f′|, f far above "
                                                    "its lowest value on "
                                                    f"[{fmt(b[0], 3)}, {fmt(b[1], 3)}])"))
    if small_seen:
        handles.append(Patch(color="#bfe3d6", label="small |f′|, f near its lowest value"))
    if x0 is not None:
        d0 = float(np.abs(fprime(np.array([x0])) if fprime is not None
                          else derivative_evaluator(f)(np.array([x0])))[0])
        for a in (ax, axd):
            a.axvline(x0, color="black", ls=":", lw=1.1)
        left = x0 > 0.5 * (b[0] + b[1])
        # the label stands clear of the dotted start line, on a white ground
        ann = axd.annotate(f"|f′({fmt(x0, 3)})| = {fmt(d0, 3)}", (x0, d0),
                           textcoords="offset points",
                           xytext=(-24 if left else 24, 14), ha="right" if left else "left",
                           va="bottom", fontsize=8, arrowprops=dict(arrowstyle="->", lw=0.8),
                           bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
        sx = -1 if left else 1  # then farther up or down, then to the other side
        axd.add_artist(ClearLabel(ann, [(sx * 24, 14), (sx * 24, 34), (sx * 24, -34),
                                        (sx * 48, 14), (sx * 48, 48), (sx * 48, -48),
                                        (-sx * 24, 14), (-sx * 24, -34)]))
        handles.append(Line2D([], [], color="black", ls=":", label=f"start x₀ = {fmt(x0, 3)}"))
    ax.set_ylabel(f_label)
    axd.set_ylabel("|f′(x)| (log scale)")
    axd.set_xlabel("x")
    ax.set_title(title or "Vanishing gradient: the function and the size of its derivative")
    _outside_legend(fig, handles, ncols=2)
    return fig


def int_ranges(values: ArrayLike) -> str:
    """Integers as sorted runs of consecutive values: [1, 2, 3, 4, 5, 6, 8] → ``1–6, 8``."""
    v = sorted({int(round(float(x))) for x in np.asarray(values, dtype=float).ravel()})
    runs: list[list[int]] = []
    for x in v:
        if runs and x == runs[-1][-1] + 1:
            runs[-1].append(x)
        else:
            runs.append([x])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r))
                     for r in runs)


#: A chain figure whose values span more than this many decades is split (:func:`chain_panels`).
CHAIN_DECADES = 12.0


def _chain_logs(st: Any) -> NDArray[np.float64]:
    """log₁₀|dh_d/dx| of the rows of a chain study (finite ones)."""
    v = np.array([r.log10_abs_derivative for r in _attr(st, "rows")], dtype=float)
    return v[np.isfinite(v)]


def chain_panels(studies: Sequence[Any], decades: float = CHAIN_DECADES) -> list[list[int]]:
    """Indices of the chain studies per panel of :func:`plot_chain_depth`: one panel, or —
    when the values span more than ``decades`` decades (top T, bottom B) — the studies that
    stay in the top third (min log₁₀ ≥ T − (T − B)/3: tanh, relu) left and those that fall
    below it (sigmoid, down to 10⁻³³) right, so that the flat traces and their exact markers
    are not crushed into a band at the top of a 35-decade axis."""
    logs = [_chain_logs(st) for st in studies]
    ok = [v for v in logs if v.size]
    if not ok:
        return [list(range(len(studies)))]
    top = max(float(v.max()) for v in ok)
    bottom = min(float(v.min()) for v in ok)
    if top - bottom <= decades:
        return [list(range(len(studies)))]
    cut = top - (top - bottom) / 3.0
    flat = [i for i, v in enumerate(logs) if not v.size or float(v.min()) >= cut]
    steep = [i for i in range(len(studies)) if i not in flat]
    return [g for g in (flat, steep) if g]


def _chain_axes(ax: Any, studies: Sequence[Any], which: Sequence[int], show_bound: bool
                ) -> list[Any]:
    """Draw the chain studies ``which`` (indices, which fix their colours) into ``ax``;
    returns the legend handles."""
    handles = []
    bounds: list[tuple[NDArray[np.float64], NDArray[np.float64], list[str], str]] = []
    for i in which:
        st = studies[i]
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
            (h,) = ax.plot(ed, _positive(ev), ls="none", marker=marker(i), mfc="white", mec=c,
                           ms=8, mew=1.4, zorder=3,
                           label=f"{name}: exact (SymPy, d = {int_ranges(ed)})")
            handles.append(h)
        if show_bound:
            bound = np.array([r.bound for r in rows], dtype=float)
            same = next((b for b in bounds if b[0].shape == d.shape and np.array_equal(b[0], d)
                         and np.allclose(b[1], bound, rtol=1e-12)), None)
            if same is None:
                bounds.append((d, bound, [name], c))
            else:
                same[2].append(name)
    for d, bound, names, c in bounds:
        (h,) = ax.plot(d, _positive(bound), color=c if len(names) == 1 else "black",
                       ls=(0, (1, 1.5)), lw=1.4, zorder=5,
                       label=f"{', '.join(names)}: bound (|w|·sup|a′|)^d")
        handles.append(h)
    ax.set_yscale("log")
    _fit_log_axis(ax)
    ax.set_xlabel("depth d (number of layers)")
    _fit_marker_size(ax, [h for h in handles if h.get_linestyle() == "None"])
    for h in handles:  # an open marker shrunk to a few points keeps its hole
        if h.get_linestyle() == "None":
            h.set_markeredgewidth(min(1.4, h.get_markersize() / OPEN_EDGE_RATIO))
    return handles


#: An open marker's edge is at most its size over this (a 4.6 pt triangle drawn with a
#: 1.4 pt edge read as filled: study p. 42, relu's exact derivatives at d = 1–8)
OPEN_EDGE_RATIO = 6.0


def _fit_marker_size(ax: Any, lines: Sequence[Any], most: float = 8.0,
                     least: float = 4.0) -> None:
    """Shrink the markers of ``lines`` so that neighbours one x step apart do not overlap:
    size = clip(step on the page / 1.2, least, most) points, the step being the smallest
    x difference between a line's points (page width from the axes' slot)."""
    lo, hi = ax.get_xlim()
    width_pt = ax.get_window_extent().width / _root(ax.figure).dpi * 72.0
    for ln in lines:
        x = np.unique(np.asarray(ln.get_xdata(), float))
        if x.size < 2 or hi <= lo:
            continue
        step = float(np.min(np.diff(x))) / (hi - lo) * width_pt
        ln.set_markersize(float(np.clip(step / 1.2, least, most)))


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
    open markers, white inside and drawn over the lines so that they read open at any size
    (the legend gives the depths where it was computed: :func:`int_ranges`), and
    the bound (|w|·sup|a′|)^d a dotted line drawn on top of the data (a line it
    coincides with shows through the gaps); activations with the same bound (tanh and relu:
    sup|a′| = 1) share one black bound line labelled with all their names, so no bound hides
    under another line.  Values spanning more than :data:`CHAIN_DECADES` decades are split
    into two panels side by side (:func:`chain_panels`), each with its own log axis and a
    legend under it, and each with its y label.
    """
    fig = new_figure(fig, figsize)
    groups = chain_panels(studies)
    w = _attr(studies[0], "weight") if studies else None
    x = _attr(studies[0], "x") if studies else None
    heading = title or (f"Gradient through a chain of activations (w = {fmt(w, 3)}, "
                        f"x = {fmt(x, 3)})")
    if len(groups) == 1:
        ax = fig.add_subplot()
        handles = _chain_axes(ax, studies, groups[0], show_bound)
        ax.set_ylabel("|dh_d/dx| (log scale)")
        ax.set_title(heading)
        _outside_legend(fig, handles, ncols=3)
        return fig
    axes = list(fig.subplots(1, len(groups)))
    for ax, g in zip(axes, groups, strict=True):
        handles = _chain_axes(ax, studies, g, show_bound)
        ax.set_title(", ".join(str(_attr(studies[i], "activation")) for i in g), fontsize=9)
        panel_legend(ax, handles, ncols=1)
        ax.set_ylabel("|dh_d/dx| (log scale)")
    fig.suptitle(heading, fontsize=10)
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


#: The terms of the cost pages, defined where a document first uses them: the empirical
#: cumulative distribution function, the benchmarking platform it is drawn as on, and the
#: spread of a median.
ECDF_WORDS = "empirical cumulative distribution function (ECDF)"
COCO_WORDS = "the COCO benchmarking platform (COmparing Continuous Optimisers)"
BBOB_WORDS = ("the Black-Box Optimization Benchmarking suite of the COmparing Continuous "
              "Optimisers platform, COCO/BBOB")
IQR_WORDS = "interquartile range (IQR: from the 25th to the 75th percentile)"


#: Bottom of an ECDF's y axis: below 0, so that a method that solved no start draws its flat
#: curve visibly above the axis line instead of on it.
ECDF_FLOOR = -0.06


#: The line that carries an ECDF curve's final level on to the right: solid, wider than the
#: curves (1.6 pt) and pale in the method's colour, so that it shows beside every curve and
#: differs from all of them, dotted ones too (the continuation was a thin dotted line, lost
#: beside a method whose own curve is dotted).
ECDF_FLAT_WIDTH = 3.0
ECDF_FLAT_ALPHA = 0.4

#: The caption sentences for :func:`plot_ecdf`'s markers on the data points and its curve
#: ends: each curve marks a few of its data points with its legend marker (one point in
#: ``every``, staggered between the curves; a curve of few points gets one), which the
#: captions never explained (kink report: one lone marker on each curve).
#: how :func:`plot_ecdf` marks its curves (the first sentence of :data:`ECDF_END_TEXT`)
ECDF_MARKER_TEXT = ("  Each curve shows its legend marker at the top of a few of its risers "
                    "(one on a curve of few points), staggered between the curves, so "
                    "that curves can be told apart in grey print and where they overlap.")
#: how a curve ends, and its level carried on (:func:`ecdf_end_text`)
ECDF_ENDS_TEXT = ("  Each curve ends at the highest cost among its starts that reached the "
                  "target")
ECDF_END_TEXT = (ECDF_MARKER_TEXT + ECDF_ENDS_TEXT + "; a wide pale line of its "
                 "colour carries its final level on to the right (side by side where several "
                 "curves end at one level).")
#: :data:`ECDF_END_TEXT`'s sequel where curves reach 1 (:func:`ecdf_end_text`)
ECDF_AT_ONE_TEXT = "  For the curves that reach 1, the grey line at 1 carries it."
#: the ending where every curve reaches 1: no pale line is drawn (:func:`ecdf_end_text`)
ECDF_ALL_AT_ONE_TEXT = "; every curve reaches 1, the level the grey line marks across the axis."


def ecdf_end_text(iterations: Mapping[str, ArrayLike]) -> str:
    """How :func:`plot_ecdf` of ``iterations`` marks and ends its curves, for its caption:
    :data:`ECDF_END_TEXT` (pale lines carry the final levels), with
    :data:`ECDF_AT_ONE_TEXT` when some curves reach 1 on an axis that shows 1 (the reference
    line carries theirs), or, when every drawn curve reaches 1 there, no pale line at all
    (:data:`ECDF_ALL_AT_ONE_TEXT`: quadratic p. 8 described pale lines it did not draw)."""
    drawn = [np.asarray(v, dtype=float) for v in iterations.values()
             if np.size(v) and np.any(np.isfinite(np.asarray(v, dtype=float)))]
    full = [bool(np.all(np.isfinite(v))) for v in drawn]
    if not any(full) or ecdf_zoom(iterations) is not None:
        return ECDF_END_TEXT
    if all(full):
        return ECDF_MARKER_TEXT + ECDF_ENDS_TEXT + ECDF_ALL_AT_ONE_TEXT
    return ECDF_END_TEXT + ECDF_AT_ONE_TEXT


#: Widths (points) of ECDF curves drawn apart (:func:`curve_widths`): the last curve of the
#: legend the thinnest, each one before it wider by a step and drawn under it, the widths
#: spanning at most the band.  Curves lying on one another then all show, each a border of
#: its colour round the next, and every step stays at its value: the curves were shifted
#: right instead (7.2 pt from the first to the last), which drew Newton's step at ½, tabled
#: at a cost of 11.00, at about 13 on the cost axis.
ECDF_THINNEST = 1.0
ECDF_WIDTH_STEP = 0.8
ECDF_WIDTH_BAND = 2.4


def curve_widths(n: int, thinnest: float = ECDF_THINNEST, step: float = ECDF_WIDTH_STEP,
                 band: float = ECDF_WIDTH_BAND) -> list[float]:
    """Line width (points) of each of ``n`` ECDF curves in drawing order (:func:`plot_ecdf`):
    w_j = ``thinnest`` + (n − 1 − j)·s with s = min(``step``, ``band``/(n − 1)), so that each
    curve, drawn on top of the ones before it, leaves a border of (w_j − w_(j+1))/2 of the
    one under it on either side; ``thinnest`` for a single curve."""
    if n < 2:
        return [thinnest] * n
    s_ = min(step, band / (n - 1))
    return [thinnest + (n - 1 - j) * s_ for j in range(n)]


def ecdf_crossing(values: ArrayLike, level: float = 0.5) -> float:
    """The smallest cost at which the ECDF of ``values`` (:func:`ecdf_points`) reaches
    ``level``: the ⌈level·N⌉-th smallest solved cost of the N starts; NaN when it never
    does."""
    xs, ys = ecdf_points(values)
    at = np.nonzero(ys >= level - 1e-12)[0]
    return float(xs[at[0]]) if at.size else math.nan


def ecdf_first_level(xs: ArrayLike, ys: ArrayLike) -> float:
    """An ECDF's level at its first (smallest) value: the share of all points at that value
    (a performance profile's ρ(1) when the first value is τ = 1)."""
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    return float(y[np.searchsorted(x, x[0], side="right") - 1])


def ecdf_drawn(iterations: Mapping[str, ArrayLike]) -> list[str]:
    """The methods :func:`plot_ecdf` draws a curve for: those that solved a start (a flat
    line at 0 would hide under the axis and under the others)."""
    return [label for label, v in iterations.items() if ecdf_points(v)[0].size]


def ecdf_apart_text(iterations: Mapping[str, ArrayLike], anchor: bool = False,
                    half: bool = False) -> str:
    """The caption sentence for the widths (:func:`curve_widths`) of the curves
    :func:`plot_ecdf` draws apart for ``iterations`` (empty for fewer than two: all are
    drawn alike), with ``anchor`` for the markers of their first levels on a profile, with
    ``half`` for the markers where they reach ½."""
    drawn = ecdf_drawn(iterations)
    n = len(drawn)
    if n < 2:
        return ""
    w = curve_widths(n)
    read = []
    if anchor:
        read.append("a black-edged marker at τ = 1 shows each curve's ρ(1)")
    if half and any(math.isfinite(ecdf_crossing(iterations[k])) for k in drawn):
        read.append("a black-edged marker at ½ shows where each curve reaches ½ (markers "
                    "that would overlap are set just above and below ½)")
    return ("  So that curves lying on one another all show, each is drawn on top of the one "
            f"before it in the legend and {fmt(w[0] - w[1], 2)} pt narrower (from "
            f"{fmt(w[0], 2)} pt to {fmt(w[-1], 2)} pt), every step at its value"
            + "".join(f"; {r}" for r in read) + ".")


def flat_stripes(levels: Sequence[float], width: float = ECDF_FLAT_WIDTH,
                 band: float = 2 * ECDF_FLAT_WIDTH) -> list[tuple[float, float]]:
    """Vertical offset and width (points) of each line carrying an ECDF final level
    (:func:`plot_ecdf`): the m lines at one level (equal within 1e-9) lie side by side as
    stripes of width w = min(``width``, ``band``/m) (so that many methods ending at one
    level stay one band, not a ladder of seeming levels), the j-th in drawing order at
    (½(m − 1) − j)·w, centred on the level; a line alone at its level stays on it, ``width``
    wide."""
    lv = np.asarray(levels, dtype=float)
    out = []
    for i, v in enumerate(lv):
        same = np.flatnonzero(np.isclose(lv, v, rtol=0.0, atol=1e-9))
        w = min(width, band / same.size)
        out.append(((0.5 * (same.size - 1) - int(np.searchsorted(same, i))) * w, w))
    return out


def ecdf_zoom(iterations: Mapping[str, ArrayLike], below: float = 0.5) -> float | None:
    """The top of a zoomed y axis for :func:`plot_ecdf`: 1.15·h when the highest fraction
    solved h = max over methods of (solved starts / starts) is below ``below`` (the curves
    would lie in a strip at the bottom of a 0–1 axis), else None (the full 0–1 axis)."""
    h = max((float(np.mean(np.isfinite(np.asarray(v, dtype=float))))
             for v in iterations.values() if np.size(v)), default=0.0)
    return 1.15 * h if 0.0 < h < below else None


def ecdf_zoom_range(zoom: float) -> str:
    """The range of a zoomed ECDF y axis (:func:`ecdf_zoom`) as its title and its caption
    both print it: ``0–0.057``."""
    return f"0–{fmt(zoom, 2)}"


#: size (points) of the black-edged markers where ECDF curves reach ½ (:func:`plot_ecdf`)
ECDF_HALF_MS = 5.0

#: the least factor between the ends of an ECDF's cost axis before its margins
#: (:func:`ecdf_margin`)
ECDF_MIN_SPAN = 1.5
#: the least factor of an ECDF's cost-axis margins (:func:`ecdf_margin`)
ECDF_MARGIN = 1.25
#: the share of its log span an ECDF's cost axis leaves as margin at either end
#: (:func:`ecdf_margin`)
ECDF_MARGIN_SHARE = 0.07


def ecdf_margin(lo: float, hi: float) -> float:
    """The factor m of the margins of an ECDF's log cost axis over the costs ``lo``–``hi``
    (axis m⁻¹·lo … m·hi): m = max(:data:`ECDF_MARGIN`, (hi/lo)^s), s =
    :data:`ECDF_MARGIN_SHARE` — a share of the log span, so that on an axis of several
    decades the last step (a curve ending at ``hi``) and the pale line carrying its level on
    to the edge still show (a fixed 1.25 was about 3% of a 3.5-decade axis: a stub)."""
    return max(ECDF_MARGIN, (hi / lo) ** ECDF_MARGIN_SHARE)


@styled
def plot_ecdf(
    iterations: Mapping[str, ArrayLike],
    *,
    budget: float | None = None,
    xlabel: str = "iterations to reach the tolerance (log scale)",
    ylabel: str = "fraction of starts solved",
    solved: str = "solved",
    title: str | None = None,
    apart: bool = False,
    anchor: bool = False,
    half: bool = False,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """Empirical CDF of a cost to reach a target over many starts, one step curve per method
    (``iterations``: label → per-start costs, NaN where the start did not reach the target).

    As in COCO / benchopt: y is the fraction of starts solved within cost x; unsolved starts
    never count, so a method that fails on some starts ends below 1.  Each curve (and its
    markers) ends at its own largest solved cost; a wide pale line of its colour without
    markers (:data:`ECDF_FLAT_WIDTH`, :data:`ECDF_FLAT_ALPHA`), under the curves, carries
    its final level below 1 on to the right edge of the axes, a little past ``budget``
    (default: the largest value seen), so that the curve ending last shows its level too;
    lines at one level lie side by side (:func:`flat_stripes`) — say so with
    :func:`ecdf_end_text` in the caption.  A reference line (:data:`REFERENCE_STYLE`) marks 1
    (named in the legend) unless the axis is zoomed, and carries the level of the curves
    that end at 1.
    Costs are drawn on a log axis; a cost of 0 is drawn at the axis floor (the smallest
    positive cost; 1 when there is none).  A method that solved no start has no curve and
    no legend entry (a legend names only what is drawn: say it in the caption); the y axis
    starts at :data:`ECDF_FLOOR`, below 0.  When every curve stays
    low, the y axis is zoomed to 0–:func:`ecdf_zoom` (its title says so).  A curve's markers
    sit on its data points only, each at the top of its riser (x_k, k/N) (never on the
    curve's foot at fraction 0, which is no data point, nor part way up a riser of tied
    costs: :func:`riser_tops`), staggered between the curves, so
    that curves lying on one another still show each one's markers; with ``apart`` the
    curves are drawn in decreasing widths, each on top of the one before
    (:func:`curve_widths`, say so with :func:`ecdf_apart_text`), so that a curve lying on
    another (a profile's risers at τ = 1) still shows, every step drawn at its value; with
    ``anchor`` a marker with a black edge shows each curve's first level
    (:func:`ecdf_first_level`: a profile's ρ(1) at τ = 1); with ``half`` one at ½ where each
    curve reaches it (:func:`ecdf_crossing`: on its riser there); markers at ½ closer than
    their size are set just above and below it (:class:`SwarmColumns` with ``rows``), so
    each shows whole.  Each method
    has its own
    colour, line style and marker (:func:`series_styles`); the legend sits below the axes,
    inside the figure.
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
    flats: list[tuple[str, float, float]] = []  # label, last success, level there
    halves: list[Line2D] = []  # the markers at ½
    sty = series_styles(pts)
    drawn = ecdf_drawn(iterations)
    widths = dict(zip(drawn, curve_widths(len(drawn)), strict=True))
    for i, (label, (xs, ys)) in enumerate(pts.items()):
        n = np.size(iterations[label])
        if label not in widths:
            continue
        xs = np.maximum(xs, floor)
        sx = np.concatenate([[xs[0]], xs])  # the curve ends at this method's last success
        sy = np.concatenate([[0.0], ys])
        # markers on the tops of the risers of sx (index 0 is the curve's foot at 0; starts
        # that tie at one cost make one riser of several data points, marked at its top),
        # curve i from its (i mod every)-th on
        tops = riser_tops(sx)
        every = max(1, min(tops.size, max(len(pts), tops.size // 6)))
        (h,) = ax.step(sx, sy, where="post", color=sty[label].color, ls=sty[label].linestyle,
                       marker=sty[label].marker, markevery=list(tops[i % every::every]),
                       markersize=4, label=f"{label}: {solved} {xs.size}/{n}",
                       **({"lw": widths[label], "zorder": 2.0 + 0.01 * drawn.index(label)}
                          if apart else {}))
        handles.append(h)
        flats.append((label, float(xs[-1]), float(ys[-1])))
        if anchor:  # the first level, on top of every curve (a profile's curves all rise
            # at τ = 1, one riser on another)
            ax.plot([xs[0]], [ecdf_first_level(xs, ys)], ls="none", marker=sty[label].marker,
                    markersize=5, color=sty[label].color, markeredgecolor="black",
                    markeredgewidth=0.5, zorder=4.5, clip_on=False, gid="ecdf-anchor",
                    label="_anchor " + label)
        x_half = ecdf_crossing(iterations[label])
        if half and math.isfinite(x_half):  # where it reaches ½, on its riser, over the curves
            halves += ax.plot([max(x_half, floor)], [0.5], ls="none", marker=sty[label].marker,
                              markersize=ECDF_HALF_MS, color=sty[label].color,
                              markeredgecolor="black", markeredgewidth=0.5, zorder=4.5,
                              clip_on=False, gid="ecdf-half", label="_half " + label)
    if halves:  # markers at ½ closer than their size: set above and below the level
        ax.add_artist(SwarmColumns({0.5: halves}, ECDF_HALF_MS + 0.5 + 1.0, rows=True))
    if ecdf_zoom(iterations) is None:
        handles.append(ax.axhline(1.0, **REFERENCE_STYLE,
                                  label=f"{ylabel} = 1"))
    ax.set_xscale("log")
    lo, hi = floor, top
    if hi < lo * ECDF_MIN_SPAN:  # a narrow range widened evenly to that factor, no more:
        # doubling both ends left the kink report's 52–76 with 40% of the axis empty
        g = math.sqrt(ECDF_MIN_SPAN * lo / hi)
        lo, hi = lo / g, hi * g
    m = ecdf_margin(lo, hi)
    ax.set_xlim(lo / m, hi * m)
    zoom = ecdf_zoom(iterations)
    if zoom is None:  # the reference line carries the level 1 (study p. 37: pale lines side
        # by side centred on 1 showed half below it, read as curves ending short of 1)
        flats = [f for f in flats if f[2] < 1.0 - 1e-9]
    stripes = flat_stripes([level for _, _, level in flats])
    for (label, x_end, level), (dy, lw) in zip(flats, stripes, strict=True):
        # each final level carried on to the right edge (the last curve's too): wide and
        # pale, no markers; levels shared by several side by side, each in its colour
        (ln,) = ax.plot([x_end, hi * m], [level, level], color=sty[label].color,
                lw=lw, alpha=ECDF_FLAT_ALPHA, ls="-", solid_capstyle="butt",
                zorder=1.5, label="_flat " + label,
                # from its curve's end, at its level, to the axes' right edge
                transform=offset_copy(ax.transData, fig=_root(fig), x=0.0, y=dy,
                                      units="points"))
    if zoom is None:
        ax.set_ylim(ECDF_FLOOR, 1.05)  # a curve at 0 (no start solved) stays off the x axis
    else:  # every curve low: zoom in (1 is off the axis, and said in the label)
        ax.set_ylim(ECDF_FLOOR * zoom, zoom)
        title = (title or "Cost to reach the target over many starts (ECDF)") + (
            f" (y zoomed to {ecdf_zoom_range(zoom)})")
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
    xs = study_reference(study)
    if xs is None:
        raise ValueError("the rate study has no reference point: errors are undefined")
    path = path.reshape(path.shape[0], -1)
    return np.linalg.norm(path - xs, axis=1)


def study_reference(study: Any) -> NDArray[np.float64] | None:
    """The point a rate study's errors are measured to: ``reference``, else ``minimizer``."""
    ref = _attr(study, "reference")
    ref = _attr(study, "minimizer") if ref is None else ref
    return None if ref is None else np.asarray(ref, dtype=float).ravel()


#: The error axis of rate studies whose runs converged to different points (the caption
#: names each run's x*, :func:`analysis.report.error_points_text`).
ERROR_LABEL_PER_RUN = "error ‖xₖ − x*‖₂ (log), x* per run"


def error_ylabel(studies: Mapping[str, Any]) -> str:
    """The y label of :func:`plot_rate_studies`: :data:`ERROR_LABEL_PER_RUN` when the
    studies measure their errors to different points (‖x − y‖ > 1e-6·max(1, ‖x‖)), else
    ``error ‖xₖ − x*‖₂ (log)``."""
    refs = [r for st in studies.values() if (r := study_reference(st)) is not None]
    differ = any(r.shape != refs[0].shape or float(np.linalg.norm(r - refs[0]))
                 > 1e-6 * max(1.0, float(np.linalg.norm(refs[0]))) for r in refs[1:])
    return ERROR_LABEL_PER_RUN if differ else "error ‖xₖ − x*‖₂ (log)"


def study_rate(study: Any) -> float | None:
    """The predicted linear rate of a rate study when theory gives one (else None)."""
    p = _attr(study, "prediction")
    if p is None or _attr(p, "rate") is None:
        return None
    if _attr(p, "kind") not in ("linear", "diverges", "sublinear"):
        return None
    r = float(_attr(p, "rate"))
    return r if np.isfinite(r) and r > 0 else None


def above_floor(errors: ArrayLike, floor: float | None = None) -> NDArray[np.float64]:
    """The errors up to and including the first one below the rounding ``floor`` (default as
    in :func:`error_ratios`; a rate study's: :func:`study_floor`): past it a run sits at x*
    to machine precision, and on x* = 0 the errors would shrink through hundreds of decades
    of exact zeros in all but name."""
    e = np.asarray(errors, dtype=float).ravel()
    fl = default_floor() if floor is None else float(floor)
    below = np.nonzero(np.isfinite(e) & (e < fl))[0]
    return e if below.size == 0 else e[: int(below[0]) + 1]


def rate_study_groups(studies: Mapping[str, Any]) -> list[list[str]]:
    """The labels of ``studies`` grouped by the length of their drawn errors
    (:func:`length_groups` with spread :data:`RATE_SPREAD`, at most :data:`RATE_ROWS`
    groups; :func:`above_floor`): one figure row per group, each with a linear iteration
    axis."""
    return length_groups({k: len(above_floor(study_errors(s), study_floor(s)))
                          for k, s in studies.items()}, spread=RATE_SPREAD, most=RATE_ROWS)


def finite_at(measurement: Any, n: int) -> int | None:
    """The iteration at which a run reached x* (measured kind "finite": its steps get no
    fitted rate and no window), else None: ``finite_steps``, else the window's end, else
    the last of its ``n`` errors."""
    if _attr(measurement, "kind") != "finite":
        return None
    steps, w = _attr(measurement, "finite_steps"), _attr(measurement, "window")
    return int(steps if steps is not None else (w[1] if w is not None else n - 1))


def _rate_study_args(studies: Mapping[str, Any]
                     ) -> tuple[dict, dict, dict, dict, list[str], dict, dict]:
    """Errors (to the rounding floor, :func:`study_floor`), predicted rates, fit windows,
    rate labels, the labels theory promises something about, the runs that terminated
    (label → the iteration x* was reached: measured kind "finite", no rate fitted, no
    window; a run that stays bounded has no window either, :func:`fitted_window`) and the
    windows runs with no fit window had their kind read on (label → window: a kind faster
    than linear with nothing fitted, whose per-step table names that window; their ratios
    are drawn over it, :func:`drawn_windows`), of each rate study
    (:func:`plot_rate_studies`)."""
    errs = {k: above_floor(study_errors(s), study_floor(s)) for k, s in studies.items()}
    rates = {k: study_rate(s) for k, s in studies.items()}
    wins, finite, spans = {}, {}, {}
    for k, s in studies.items():
        m = _attr(s, "measurement")
        wins[k] = fitted_window(m)  # a fitted order's own window, as its tables print it;
        # none for a run that stays bounded, or faster than linear with nothing fitted
        if wins[k] is None and _attr(m, "kind") in ("quadratic", "superlinear"):
            spans[k] = kind_window(m)  # where its kind was read, as its table says
        at = finite_at(m, len(errs[k]))
        if at is not None:
            finite[k] = at
            wins[k] = None
            spans.pop(k, None)
    labels = {}
    for k, s in studies.items():
        p = _attr(s, "prediction")
        if rates[k] is not None:
            # a bound proved for another case (linear CG's beside a nonlinear CG run) is
            # a yardstick, as the tables' ʸ says (chained Rosenbrock p. 13 called it a bound)
            word = ("yardstick" if prediction_how(p) == "yardstick" else
                    "bound" if not _attr(p, "exact", True) else "theory")
            labels[k] = f"{word} ρ = {fmt_rate(rates[k])}"
    promised = [k for k, s in studies.items()
                if _attr(_attr(s, "prediction"), "kind") not in ("none", None)]
    return errs, rates, wins, labels, promised, finite, spans


def study_last_ratio(study: Any) -> tuple[int, float, float] | None:
    """The last ratio the ratio panel of :func:`plot_rate_studies` draws for a rate study
    (:func:`drawn_ratios` of its errors to its floor, in its fit window unless it
    terminated) as (k, e_k, e_(k+1)); None when it draws none."""
    errs = _rate_study_args({"s": study})[0]
    e = errs["s"]
    kr, _ = study_drawn_ratios(study)
    if not kr.size:
        return None
    k = int(kr[-1])
    return k, float(e[k]), float(e[k + 1])


def study_drawn_ratios(study: Any) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The steps k and ratios e_(k+1)/e_k the ratio panel of :func:`plot_rate_studies` draws
    for a rate study (:func:`drawn_ratios` of its errors to its floor, over the window it is
    drawn over, :func:`drawn_windows`, unless it terminated), before any thinning."""
    errs, _, wins, _, _, finite, spans = _rate_study_args({"s": study})
    return drawn_ratios(errs["s"], study_floor(study),
                        drawn_windows(wins, spans, finite)["s"])


def study_band(study: Any) -> tuple[float, float] | None:
    """The band [ρ, the window's average factor] the verdict of rate study ``study`` tested
    (a double root: :func:`analysis.compare.verdict_band`), else None."""
    c = _attr(study, "comparison")
    return None if c is None else verdict_band(c)


def study_bands(studies: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Label → the theory band of each rate study whose verdict tested one
    (:func:`study_band`)."""
    return {k: b for k, s in studies.items() if (b := study_band(s)) is not None}


def rate_studies_panels(studies: Mapping[str, Any]) -> list[ErrorPanels]:
    """What :func:`plot_rate_studies` draws, one :class:`ErrorPanels` per row."""
    errs, rates, wins, _, promised, finite, spans = _rate_study_args(studies)
    floors = {k: study_floor(s) for k, s in studies.items()}
    panels = [error_panels({k: errs[k] for k in group}, rates=rates, windows=wins,
                           ratio_series=promised, finite=finite, floors=floors,
                           bands=study_bands(studies), spans=spans)
              for group in rate_study_groups(studies)]
    for p in panels:  # whose ρ is a yardstick; kinds read past the drawn window (x* exact)
        p.yardsticks = [k for k in p.theory
                        if prediction_how(_attr(studies[k], "prediction")) == "yardstick"]
        p.read_to.update({k: below[0] for k in p.read_windows
                          if (below := kind_read_below(_attr(studies[k], "measurement")))})
    return panels


def error_rows_height(rows: int, one: float = 300.0, each: float = 250.0,
                      most: float = 640.0) -> float:
    """Height (points) of an error figure of ``rows`` rows on a page: ``one`` for a single
    row, else min(``each``·rows, ``most``) (three rows still leave room for a caption on an
    A4 page)."""
    return one if rows <= 1 else min(each * rows, most)


def error_row_height(panel: Any, ratios: float = 300.0, alone: float = 150.0) -> float:
    """Height (points) of one row of an error figure drawn as a figure of its own
    (:func:`plot_rate_studies` with ``row``; ``panel``: its :class:`ErrorPanels`):
    ``ratios`` for errors beside a ratio panel, as a figure of one row
    (:func:`error_rows_height`), ``alone`` for errors alone, about what such a row is
    given among the rows of :func:`balance_rows` (half the axes height of a row with a
    ratio panel)."""
    return ratios if _attr(panel, "ratios") else alone


@styled
def plot_rate_studies(
    studies: Mapping[str, Any],
    *,
    title: str | None = None,
    ends_said: bool = False,
    row: int | None = None,
    fig: FigureLike | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> FigureLike:
    """:func:`plot_error` for rate studies (:mod:`analysis.rates`): measured error, the
    predicted rate line and the fitted window, per label, with the ratios e_(k+1)/e_k
    against ρ (for the runs theory promises something about).  Errors are drawn down to the
    first one below the rounding floor (:func:`above_floor`, :func:`study_floor`).  Runs of
    very different lengths (:func:`rate_study_groups`) go to separate rows, each with its
    own linear iteration axis (:func:`error_rows_height`: the height a page gives the
    figure) and a title saying how far its runs are drawn (the runs themselves may go on
    past the floor) — unless ``ends_said``: the caption gives where each curve ends, and the
    title names the row only ("…: long runs"), so that it keeps to the lines its
    neighbours' take.  ``row=i``: row i alone (shortest runs first), drawn as the figure
    with the title it has among the rows and the y label of all the studies — a page may
    then set the rows as figures of their own, which can go to different pages; with one
    row, ``row=0`` is the whole figure."""
    errs, rates, wins, labels, promised, finite, spans = _rate_study_args(studies)
    floors = {k: study_floor(s) for k, s in studies.items()}
    bands = study_bands(studies)
    groups = rate_study_groups(studies)
    ylabel = error_ylabel(studies)
    words = ("short", "long") if len(groups) == 2 else ("short", "middle-length", "long")

    def draw(keys: Sequence[str], fig: Any, title: str | None, **kw: Any) -> FigureLike:
        return plot_error.__wrapped__({k: errs[k] for k in keys}, rates=rates, windows=wins,
                                      rate_labels=labels, ratio_series=promised,
                                      finite=finite, floors=floors, bands=bands, spans=spans,
                                      ylabel=ylabel, fig=fig, title=title, **kw)

    def row_title(i: int) -> str:
        n = max(len(errs[k]) for k in groups[i]) - 1
        return ((f"{title}: " if title else "") + f"{words[i]} runs"
                + ("" if ends_said else f" (drawn up to {iteration_count(n)})"))

    if row is not None and len(groups) > 1:
        return draw(groups[row], fig, row_title(row), figsize=figsize)
    if len(groups) == 1:
        return draw(list(errs), fig, title, figsize=figsize)
    fig = new_figure(fig, (figsize[0], figsize[1] * (0.8 + len(groups))))
    subs = list(fig.subfigures(len(groups), 1))
    for i, sub in enumerate(subs):
        draw(groups[i], sub, row_title(i))
    fig.balanced_rows = subs  # balanced once the titles are wrapped (styled)
    return fig


def row_weight(sub: Any) -> int:
    """How much axes height a row of an error figure asks for: 2 for a row with a ratio
    panel beside its errors (the runs theory promises a rate for, which the verdicts
    compare), 1 for errors alone."""
    return min(len([a for a in _own_axes(sub) if getattr(a, "_colorbar", None) is None]), 2)


def balance_rows(subs: Sequence[Any]) -> None:
    """Heights of the stacked subfigures ``subs`` (one column of one grid) by what they hold:
    row i is given wᵢ·a + oᵢ, oᵢ what its axes leave of it (title, legend, labels, measured
    in a first layout), wᵢ its :func:`row_weight` and a = (H − Σ oᵢ)/Σ wᵢ for the height H
    of them all — equal shares gave a row of one run and one legend entry (Adam's short
    runs) as much as the row of the runs with theory, whose long legend then squeezed its
    error and ratio panels into a strip."""
    if len(subs) < 2:
        return
    root = _root(subs[0])
    grid = subs[0]._subplotspec.get_gridspec()  # noqa: SLF001 - no public accessor
    weights = [row_weight(sub) for sub in subs]
    for _ in range(2):  # once more: a legend's columns may change with the row's height
        _renderer(root)
        heights = [float(sub.bbox.height) for sub in subs]
        tallest = [max((a.get_window_extent().height for a in _own_axes(sub)), default=0.0)
                   for sub in subs]
        other = [h - t for h, t in zip(heights, tallest, strict=True)]
        unit = (sum(heights) - sum(other)) / sum(weights)
        if unit <= 0:
            return
        grid.set_height_ratios([w * unit + o for w, o in zip(weights, other, strict=True)])


# ============================================================================ audit


def _containers(fig: FigureLike) -> list[FigureLike]:
    """``fig`` and all its subfigures, depth first."""
    out = [fig]
    for sub in getattr(fig, "subfigs", ()):
        out += _containers(sub)
    return out


def _root(fig: FigureLike) -> Figure:
    """The top-level :class:`Figure` of a figure or subfigure."""
    while isinstance(fig, SubFigure):
        fig = fig._parent  # noqa: SLF001 - matplotlib has no public accessor before 3.10
    return fig


def _renderer(fig: Figure) -> Any:
    """Lay ``fig`` out and draw it once with the Agg renderer; return that renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _outside_unit(uv: NDArray[np.float64], slack: float) -> NDArray[np.bool_]:
    """Rows of ``uv`` (axes-fraction coordinates) outside [0, 1]² by more than ``slack``;
    rows that are not finite (NaN data, log of a non-positive value) do not count."""
    fin = np.all(np.isfinite(uv), axis=1)
    out = np.any((uv < -slack) | (uv > 1.0 + slack), axis=1)
    return fin & out


def _artist_name(artist: Any) -> str:
    label = str(artist.get_label() or "")
    kind = type(artist).__name__
    return f"{kind} {label!r}" if label and not label.startswith("_") else kind


def _series_points(artist: Any) -> tuple[NDArray[np.float64], Any] | None:
    """The data points of a plotted artist and the transform taking them to display
    coordinates (None when the artist carries no data points to check)."""
    from matplotlib.collections import Collection
    from matplotlib.patches import Patch as _Patch
    from matplotlib.text import Annotation, Text

    if isinstance(artist, Line2D):
        xy = np.asarray(artist.get_xydata(), dtype=float).reshape(-1, 2)
        return xy, artist.get_transform()
    if isinstance(artist, Annotation):
        if artist.xycoords != "data":
            return None
        return np.asarray([artist.xy], dtype=float), artist.axes.transData
    if isinstance(artist, Text):
        return np.asarray([artist.get_position()], dtype=float), artist.get_transform()
    if isinstance(artist, Collection):
        offsets = np.asarray(artist.get_offsets(), dtype=float).reshape(-1, 2)
        paths = artist.get_paths()
        if offsets.size and (len(paths) <= 1 or offsets.shape[0] > 1):
            # scatter: the markers sit at the offsets (their paths are marker shapes)
            if not (offsets.shape[0] == 1 and np.allclose(offsets, 0.0)):
                return offsets, artist.get_offset_transform()
        verts = [np.asarray(p.vertices, dtype=float) for p in paths if len(p.vertices)]
        if not verts:
            return None
        return np.concatenate(verts), artist.get_transform()
    if isinstance(artist, _Patch):
        verts = np.asarray(artist.get_path().vertices, dtype=float)
        return artist.get_patch_transform().transform(verts), artist.get_data_transform()
    return None


def _check_series_3d(ax: Any, slack: float) -> list[str]:
    """Series of 3-D axes (lines and scatters) with finite points outside the x, y, z limits:
    each coordinate c with limits [lo, hi] must satisfy lo − s·(hi − lo) ≤ c ≤ hi + s·(hi − lo).
    (Their 2-D offsets are projections, not data, so the 2-D check does not apply.)"""
    problems = []
    lims = [ax.get_xlim(), ax.get_ylim(), ax.get_zlim()]
    for artist in [*ax.lines, *ax.collections]:
        if not artist.get_visible():
            continue
        data = getattr(artist, "_offsets3d", None)
        if data is None and hasattr(artist, "get_data_3d"):
            data = artist.get_data_3d()
        if data is None:
            continue  # surfaces and other polygons: drawn from the data that set the limits
        xyz = np.column_stack([np.asarray(c, dtype=float).ravel() for c in data])
        with np.errstate(all="ignore"):
            finite = np.all(np.isfinite(xyz), axis=1)
        pts = xyz[finite]
        bad = np.zeros(len(pts), dtype=bool)
        for k, (lo, hi) in enumerate(lims):
            lo, hi = min(lo, hi), max(lo, hi)
            pad = slack * (hi - lo)
            bad |= (pts[:, k] < lo - pad) | (pts[:, k] > hi + pad)
        if bad.any():
            problems.append(f"3-D axes {ax.get_title()!r}: {_artist_name(artist)} has "
                            f"{int(bad.sum())} of {len(pts)} finite points outside the limits")
    return problems


def _check_series(ax: Any, slack: float) -> list[str]:
    """Plotted series of ``ax`` with finite points outside its limits."""
    problems = []
    if hasattr(ax, "get_zlim"):  # 3-D axes: data checked against the three limits
        return _check_series_3d(ax, slack)
    to_axes = ax.transAxes.inverted()
    artists = [*ax.lines, *ax.collections, *ax.patches, *ax.texts]
    for artist in artists:
        if not artist.get_visible():
            continue
        got = _series_points(artist)
        if got is None:
            continue
        xy, transform = got
        if xy.size == 0:
            continue
        with np.errstate(all="ignore"):
            finite = np.all(np.isfinite(xy), axis=1)
            if not finite.any():
                continue
            uv = to_axes.transform(transform.transform(xy[finite]))
        bad = _outside_unit(uv, slack)
        if bad.any():
            pts = xy[finite][bad]
            problems.append(
                f"axes {ax.get_title()!r}: {_artist_name(artist)} has {int(bad.sum())} of "
                f"{int(finite.sum())} finite points outside the limits x "
                f"{fmt(ax.get_xlim()[0], 3)}…{fmt(ax.get_xlim()[1], 3)}, y "
                f"{fmt(ax.get_ylim()[0], 3)}…{fmt(ax.get_ylim()[1], 3)} "
                f"(e.g. {fmt(pts[0, :2], 3)})")
    return problems


def _inside(inner: Any, outer: Any, slack: float) -> bool:
    return (inner.x0 >= outer.x0 - slack and inner.y0 >= outer.y0 - slack
            and inner.x1 <= outer.x1 + slack and inner.y1 <= outer.y1 + slack)


def _own_axes(container: FigureLike) -> list[Any]:
    """The axes placed directly in ``container`` (a root figure's ``axes`` also lists those
    of its subfigures)."""
    subs = {id(a) for sub in getattr(container, "subfigs", ()) for c in _containers(sub)
            for a in c.axes}
    return [a for a in container.axes if id(a) not in subs]


def _texts_of(container: FigureLike) -> list[tuple[str, Any]]:
    """(description, artist) of every legend and text box owned by ``container``."""
    items: list[tuple[str, Any]] = [("legend", leg) for leg in container.legends]
    items += [(f"text {t.get_text()!r}", t) for t in container.texts]
    sup = getattr(container, "_suptitle", None)
    if sup is not None:
        items.append((f"suptitle {sup.get_text()!r}", sup))
    for ax in _own_axes(container):
        name = f"axes {ax.get_title()!r}"
        if ax.get_legend() is not None:
            items.append((f"{name}: legend", ax.get_legend()))
        for t in (ax.title, ax._left_title, ax._right_title,  # noqa: SLF001
                  ax.xaxis.label, ax.yaxis.label, *ax.texts):
            items.append((f"{name}: text {t.get_text()!r}", t))
        for axis in (ax.xaxis, ax.yaxis):
            for t in _drawn_tick_labels(axis):
                items.append((f"{name}: tick label {t.get_text()!r}", t))
    return items


def _drawn_tick_labels(axis: Any) -> list[Any]:
    """The tick labels an axis draws: visible, non-empty, at a tick inside the view."""
    if not axis.get_visible():
        return []
    scale = axis.get_transform()  # compare in scale coordinates (log axes)
    with np.errstate(all="ignore"):
        lo, hi = sorted(scale.transform(np.asarray(axis.get_view_interval(), float)))
    eps = 1e-9 * (abs(hi - lo) + abs(hi) + abs(lo))
    out = []
    for tick in axis.get_major_ticks() + axis.get_minor_ticks():
        loc = tick.get_loc()
        if loc is None:
            continue
        with np.errstate(all="ignore"):
            t = float(scale.transform(np.array([float(loc)]))[0])
        if not (np.isfinite(t) and lo - eps <= t <= hi + eps):
            continue
        out += [lb for lb in (tick.label1, tick.label2) if lb.get_visible() and lb.get_text()]
    return out


def _tick_overlaps(ax: Any, renderer: Any) -> list[str]:
    """Pairs of neighbouring tick labels of ``ax`` whose boxes overlap, and x tick labels
    closer than :data:`TICK_GAP` points (:func:`tick_label_gap`: they read as one number)."""
    px = _root(ax.figure).dpi / 72.0
    close = tick_label_gap(ax.xaxis, renderer)
    problems = [] if close >= TICK_GAP * px or close < -0.5 else [
        f"axes {ax.get_title()!r}: x tick labels less than {TICK_GAP:g} pt apart "
        f"({close / px:.2g} pt)"]
    for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        boxes = [(t.get_text(), t.get_window_extent(renderer))
                 for t in _drawn_tick_labels(axis)]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i][1], boxes[j][1]
                ox = min(a.x1, b.x1) - max(a.x0, b.x0)
                oy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if ox > 0.5 and oy > 0.5:
                    problems.append(f"axes {ax.get_title()!r}: {axis_name} tick labels "
                                    f"{boxes[i][0]!r} and {boxes[j][0]!r} overlap")
    return problems


def _mixed_tick_formats(ax: Any) -> list[str]:
    """Axes of ``ax`` whose drawn tick labels mix formats (:func:`tick_format`: ``1e+04``
    beside ``1`` or ``$10^{2}$``) or, on a linear axis with automatic ticks (not set values
    such as a grid's settings, not a colour bar's), numbers of decimals
    (:func:`tick_decimals`: ``1`` beside ``0.8``)."""
    problems = []
    for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        texts = [t.get_text() for t in _drawn_tick_labels(axis)]
        kinds = {tick_format(t) for t in texts} - {"any"}
        if len(kinds) > 1:
            problems.append(f"axes {ax.get_title()!r}: {axis_name} tick labels mix formats "
                            f"{sorted(kinds)} ({', '.join(texts)})")
        decimals = {tick_decimals(t) for t in texts if tick_format(t) == "plain"}
        linear = (ax.get_xscale() if axis_name == "x" else ax.get_yscale()) == "linear"
        chosen = isinstance(axis.get_major_locator(), mpl.ticker.FixedLocator)  # set values
        if linear and not chosen and getattr(ax, "_colorbar", None) is None \
                and len(decimals) > 1:
            problems.append(f"axes {ax.get_title()!r}: {axis_name} tick labels mix numbers "
                            f"of decimals ({', '.join(texts)})")
    return problems


def _overlap(a: Any, b: Any, slack: float = 0.5) -> bool:
    """Whether two boxes (display pixels) intersect by more than ``slack`` in both
    directions."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > slack
            and min(a.y1, b.y1) - max(a.y0, b.y0) > slack)


def _text_overlaps(items: list[tuple[str, Any, Any]]) -> list[str]:
    """Pairs of overprinting text boxes among ``items`` = (description, artist, extent):
    any two of tick labels, titles, axis labels, annotations and legends whose boxes
    intersect (:func:`_overlap`); two tick labels of one axis are left to
    :func:`_tick_overlaps`, and a legend with a text it frames (its own entries) never
    counts."""
    problems = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            (na, a, ea), (nb, b, eb) = items[i], items[j]
            if getattr(a, "axes", None) is getattr(b, "axes", None) is not None \
                    and ": tick label" in na and ": tick label" in nb \
                    and _same_axis(a, b):
                continue
            if _overlap(ea, eb):
                problems.append(f"{na} and {nb} overlap")
    return problems


def _same_axis(a: Any, b: Any) -> bool:
    """Whether two tick labels belong to the same axis (x or y) of one axes."""
    ax = a.axes
    return any(a in labels and b in labels for labels in (
        [t for tick in axis.get_major_ticks() + axis.get_minor_ticks()
         for t in (tick.label1, tick.label2)] for axis in (ax.xaxis, ax.yaxis)))


def _labels_inside_axes(ax: Any, renderer: Any) -> list[str]:
    """Annotations of ``ax`` (its texts placed in data coordinates: iterate numbers, point
    labels) whose box leaves the axes' frame (1 px slack)."""
    box = ax.get_window_extent(renderer)
    problems = []
    for t in ax.texts:
        in_data = (t.xycoords == "data") if hasattr(t, "xycoords") \
            else t.get_transform() == ax.transData  # an annotation, or a plain text
        if not (t.get_visible() and t.get_text() and in_data):
            continue
        ext = t.get_window_extent(renderer)
        if not _inside(ext, box, 1.0):
            problems.append(f"axes {ax.get_title()!r}: label {t.get_text()!r} leaves the "
                            f"axes ({ext.x0:.0f}…{ext.x1:.0f} × {ext.y0:.0f}…{ext.y1:.0f} px "
                            f"vs {box.x0:.0f}…{box.x1:.0f} × {box.y0:.0f}…{box.y1:.0f})")
    return problems


def _orphan_titles(container: FigureLike) -> list[str]:
    """Titles of ``container`` (its axes' titles and its suptitle) whose last line is a lone
    fragment (:func:`orphan_line`)."""
    texts = [ax.title for ax in _own_axes(container)]
    sup = getattr(container, "_suptitle", None)
    texts += [sup] if sup is not None else []
    return [f"title {t.get_text()!r} ends in a lone fragment" for t in texts
            if t.get_visible() and orphan_line(t.get_text())]


def _labels_on_marks(ax: Any, renderer: Any) -> list[str]:
    """Point labels of ``ax`` (annotations of a data point set off it in offset points:
    iterate numbers, point names) whose box touches a marker or line of the axes
    (:func:`data_marks`, :func:`covers`, 1 px slack)."""
    from matplotlib.text import Annotation

    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.get_visible()
              and t.get_text() and t.xycoords == "data"
              and t.anncoords == "offset points"]
    if not labels:
        return []
    marks = data_marks(ax, renderer)
    return [f"axes {ax.get_title()!r}: label {t.get_text()!r} sits on a marker or line"
            for t in labels if covers(t.get_window_extent(renderer), marks, slack=1.0)]


def hidden_share(ax: Any, line: Any, renderer: Any, step: float = 2.0) -> float:
    """The share of a line's drawn length (inside the axes, sampled every ``step`` px) that
    lies under the markers or lines of the visible series drawn above it (higher zorder):
    s = #{samples p : |p − q| < r_q for a mark q of such a series (:func:`data_marks`)} /
    #{samples}.  0 = nothing is drawn over it."""
    xy = np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2)
    with np.errstate(all="ignore"):
        d = line.get_transform().transform(xy)
    d = d[np.all(np.isfinite(d), axis=1)]
    if len(d) < 2:
        return 0.0
    box = ax.get_window_extent(renderer)
    n = np.minimum(np.hypot(*np.diff(d, axis=0).T) / step, 1e4).astype(int) + 2
    pts = np.concatenate([np.linspace(a, b, m) for a, b, m in zip(d[:-1], d[1:], n,
                                                                    strict=True)])
    pts = pts[(pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1)
              & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)]
    above = [ln for ln in ax.get_lines() if ln is not line and ln.get_visible()
             and ln.get_zorder() > line.get_zorder()]
    if not len(pts) or not above:
        return 0.0
    from types import SimpleNamespace  # data_marks of the lines above only

    p, r = data_marks(SimpleNamespace(get_lines=lambda: above), renderer, step)
    if not p.size:
        return 0.0
    hit = np.zeros(len(pts), dtype=bool)
    for i in range(0, len(p), 4000):
        q, rq = p[i:i + 4000], r[i:i + 4000]
        dist = np.hypot(pts[:, None, 0] - q[None, :, 0], pts[:, None, 1] - q[None, :, 1])
        hit |= np.any(dist < rq[None, :], axis=1)
    return float(hit.mean())


#: A theory line (gid "theory") hidden over more than this share of its length is a defect.
HIDDEN_THEORY = 0.5


def _hidden_theory(ax: Any, renderer: Any) -> list[str]:
    """Theory lines of ``ax`` (``gid="theory"``) more than :data:`HIDDEN_THEORY` of whose
    length lies under series drawn above them (:func:`hidden_share`)."""
    out = []
    for ln in ax.get_lines():
        if ln.get_gid() == "theory" and ln.get_visible():
            s = hidden_share(ax, ln, renderer)
            if s > HIDDEN_THEORY:
                out.append(f"axes {ax.get_title()!r}: theory line at y = "
                           f"{ln.get_ydata()[0]:.4g} hidden over {100 * s:.0f}% of its "
                           "length")
    return out


def _log_top_tick(ax: Any) -> list[str]:
    """A log y axis of ``ax`` whose highest drawn tick lies below the decade of its largest
    drawn value 10^⌊log10 max y⌋ (the values at the top cannot be read off)."""
    if ax.get_yscale() != "log" or getattr(ax, "_colorbar", None) is not None:
        return []
    lo, hi = sorted(ax.get_ylim())
    ys = [np.asarray(y, dtype=float).ravel() for y in _line_ys(ax)]
    y = np.concatenate(ys) if ys else np.zeros(0)
    y = y[np.isfinite(y) & (y > 0) & (y >= lo) & (y <= hi)]
    ticks = [float(t.get_loc()) for t in ax.yaxis.get_major_ticks()
             if t.label1.get_visible() and t.label1.get_text() and t.get_loc() is not None
             and lo <= float(t.get_loc()) <= hi]
    if y.size == 0 or not ticks:
        return []
    decade = 10.0 ** math.floor(math.log10(float(y.max())))
    if max(ticks) < decade * (1 - 1e-9):
        return [f"axes {ax.get_title()!r}: no y tick at or above {decade:g}, the decade of "
                f"the largest value {float(y.max()):.3g} (top tick {max(ticks):g})"]
    return []


def _markers_inside(ax: Any, renderer: Any, slack: float = 1.0) -> list[str]:
    """Markers of ``ax`` (clipped 2-D lines) whose centre lies inside the axes but whose
    drawn extent (centre ± r, :func:`_marker_radius_px`) crosses its frame by more than
    ``slack`` px: the axes clip them."""
    box = ax.get_window_extent(renderer)
    px = renderer.points_to_pixels(1.0)
    out = []
    for ln in _marked_lines(ax):
        xy = np.asarray(ln.get_xydata(), dtype=float).reshape(-1, 2)
        with np.errstate(all="ignore"):
            d = ln.get_transform().transform(xy)
        d = d[np.all(np.isfinite(d), axis=1)]
        d = d[(d[:, 0] >= box.x0) & (d[:, 0] <= box.x1)
              & (d[:, 1] >= box.y0) & (d[:, 1] <= box.y1)]
        r = _marker_radius_px(ln, px) - slack
        cut = (d[:, 0] - r < box.x0) | (d[:, 0] + r > box.x1) \
            | (d[:, 1] - r < box.y0) | (d[:, 1] + r > box.y1)
        if cut.any():
            out.append(f"axes {ax.get_title()!r}: {_artist_name(ln)} has {int(cut.sum())} "
                       "marker(s) cut by the frame of the axes")
    return out


def audit(fig: FigureLike, *, slack: float = 1e-3) -> list[str]:
    """Problems of a drawn figure, one sentence each (an empty list: none found).

    The figure (its top-level :class:`Figure`) is laid out and drawn once with Agg, then:

    * every plotted series — lines (also ``axhline``/``axvline`` references, checked in
      their data coordinate), scatter and polygon collections, patches, text anchors — has
      all its finite points inside its axes' limits: in axes-fraction coordinates
      u = (transAxes⁻¹ ∘ T)(x, y), 0 − s ≤ u ≤ 1 + s with s = ``slack``;
    * every legend, text, title, axis label and tick label lies inside the bounding box of
      the (sub)figure that owns it (1 px slack);
    * no two tick labels of one axis overlap (boxes intersecting by more than ½ px), and
      they share one format (:func:`tick_format`);
    * no two texts of the figure overprint (:func:`_text_overlaps`: tick labels, titles,
      axis labels, annotations, legends), and labels placed in data coordinates stay inside
      their axes' frame (:func:`_labels_inside_axes`) and off its markers and lines
      (:func:`_labels_on_marks`); no title ends in a lone fragment (:func:`orphan_line`);
      no theory line (``gid="theory"``) lies mostly under series drawn above it
      (:func:`_hidden_theory`); a log y axis has a tick at or above the decade of its
      largest value (:func:`_log_top_tick`); no marker is cut by the frame of its axes
      (:func:`_markers_inside`: the centre ± half the marker size inside the axes).
    """
    root = _root(fig)
    renderer = _renderer(root)
    problems: list[str] = []
    seen: set[int] = set()
    drawn: list[tuple[str, Any, Any]] = []
    for container in _containers(fig):
        box = container.bbox
        for ax in _own_axes(container):
            if id(ax) in seen:
                continue
            seen.add(id(ax))
            if getattr(ax, "_colorbar", None) is None:  # a colour bar's extension
                problems += _check_series(ax, slack)   # triangles lie outside by design
            problems += _tick_overlaps(ax, renderer)
            problems += _mixed_tick_formats(ax)
            problems += _labels_inside_axes(ax, renderer)
            problems += _labels_on_marks(ax, renderer)
            problems += _markers_inside(ax, renderer)
            problems += _hidden_theory(ax, renderer)
            problems += _log_top_tick(ax)
        problems += _orphan_titles(container)
        for name, artist in _texts_of(container):
            if id(artist) in seen:
                continue
            seen.add(id(artist))
            if not artist.get_visible():
                continue
            if hasattr(artist, "get_text") and not artist.get_text():
                continue
            ext = artist.get_window_extent(renderer)
            if ext.width <= 0 and ext.height <= 0:
                continue
            if not _inside(ext, box, 1.0):
                problems.append(f"{name} extends outside its figure "
                                f"({ext.x0:.0f}…{ext.x1:.0f} × {ext.y0:.0f}…{ext.y1:.0f} px "
                                f"vs {box.x0:.0f}…{box.x1:.0f} × {box.y0:.0f}…{box.y1:.0f})")
            drawn.append((name, artist, ext))
    return problems + _text_overlaps(drawn)


__all__ = [
    "CODE_SPAN",
    "FIGSIZE",
    "KIND_STYLE",
    "OKABE_ITO",
    "PALETTE",
    "audit",
    "contour_levels",
    "figure_script",
    "page_script",
    "page_tags",
    "ECDF_END_TEXT",
    "ECDF_AT_ONE_TEXT",
    "ECDF_ALL_AT_ONE_TEXT",
    "ECDF_ENDS_TEXT",
    "ECDF_MARKER_TEXT",
    "ecdf_end_text",
    "ECDF_WORDS",
    "COCO_WORDS",
    "BBOB_WORDS",
    "IQR_WORDS",
    "ecdf_apart_text",
    "ecdf_points",
    "ecdf_zoom",
    "evaluator",
    "basin_colors", "basin_converged", "paler",
    "plot_basins",
    "ratio_groups",
    "single_outcome",
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
    "plot_paths_grid",
    "paths_overlap",
    "plot_rate_studies",
    "rate_study_groups",
    "error_rows_height",
    "error_row_height",
    "plot_vanishing_1d",
    "study_errors",
    "study_reference",
    "study_rate",
    "offset_theory_line",
    "theory_line",
]
