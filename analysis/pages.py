"""The PDF page engine of reports and of the study: ReportLab platypus flowables on A4 pages.

A :class:`Document` collects blocks (headings, paragraphs, bullets, typeset formulas, tables,
figures, a table of contents) through a small API; :meth:`Document.render` turns them into
platypus flowables and writes the PDF with ``multiBuild`` (two or three passes until the page
numbers of the contents, and the figure pages paragraphs name with :func:`page_ref`, are
stable).

* Fonts: DejaVu Sans (regular, bold, oblique, bold oblique) and DejaVu Sans Mono, the TrueType
  files that ship with matplotlib, registered with ReportLab and embedded as subsets
  (``FontFile2``): every word is selectable, and the provenance markers ᵉ ⁿ ᵐ ᶠ ᵗ ˢ, Greek
  letters, ², ≤ and ‖ render and extract.
* Figures: ``draw(fig)`` draws into a matplotlib Figure sized to its slot, saved as SVG with
  text kept as text (``svg.fonttype = "none"``) and converted by svglib into a ReportLab
  Drawing: vector graphics, figure labels in the same embedded fonts.  A figure that fails is
  replaced by a red note and recorded in :attr:`Document.render_failures`.  A figure that
  nearly fits the rest of a page is drawn smaller to fill it (down to :data:`MIN_SHRINK` of
  its height, or :data:`LAST_SHRINK` rather than leave a third of the page blank);
  consecutive ``half=True`` figures share a row.  A figure that does not fit the rest of
  the page even at :data:`MIN_SHRINK` floats, LaTeX-style: it waits for the top of the next
  page while the paragraphs, formulas and tables after it (also a lead-in kept with the
  table it announces) fill this one; figures keep their order, and a figure never floats
  past a heading, a page break or text that points back ("above", "preceding",
  "previous"), so such wording stays true, nor into a paragraph or a table split across
  the page (it waits for the paragraph's or the table's end)
  (:attr:`Document.deferred` lists the figures that floated).
* Formulas: matplotlib mathtext (from :func:`sympy.latex`, with full-height bars around
  absolute values: :func:`math_latex`), one line per Drawing, broken between the terms of
  a sum when too wide; plain monospace text, wrapped and whole, when
  mathtext cannot draw them.
* Tables: cells are wrapped paragraphs, column widths follow the content within the text
  width (words, numbers with their markers and short bracketed groups such as
  "[k = 3–78]" never split where the column holds them; the room goes where it takes most
  lines off); a
  table of at most :data:`SHORT_ROWS` rows (and at most :data:`SHORT_HEIGHT` of a page) is
  kept whole unless moving it (with a lead-in kept with it) would leave more than
  :data:`SHORT_SPLIT_GAP` of the page blank; then it splits only with at least
  :data:`MIN_ROWS` rows on this page and, on the next, :data:`MIN_ROWS` rows or a per-step
  table's summary rows with :data:`SUMMARY_WITH` step rows, or :data:`GAP_ROWS` rows (no
  lone row) when moving it whole would leave more than :data:`MAX_GAP` of the page blank
  (one too short for that always moves whole), a
  longer one splits between rows with its header row repeated, never leaving fewer
  than :data:`MIN_ROWS` rows on either side (fewer first only when those rows are
  tall: at least half of the rest of the page and :data:`TALL_ROWS` of a page; fewer last
  only when they are together :data:`TALL_ROWS` of a page, or when the :data:`MIN_ROWS`
  would leave the page before more than :data:`MAX_GAP` blank, as when all the rows
  fit it but the table's footnotes do not; its summary rows, a per-step
  table's mean, fit and theory, never without :data:`SUMMARY_WITH` rows above them), its
  rest starting on the next
  page (never a "(continued)" part on the page of the part before it); a table
  that misses a page with footnotes by at most :data:`NOTE_SQUEEZE` points stays whole on
  it, and so does a figure row shrunk as far as it may; a figure shrinks (within
  :data:`MIN_SHRINK`) so that a short table after it, or a figure that may not float
  (shrunk as far as it may), fits under it rather than move whole and leave more than
  :data:`FILL_GAP` of the page blank (a figure that waited for its page, too, for the
  block that follows it there).
* Notes under tables are footnotes: each distinct note is printed once per page, at its foot,
  on the page where the table (or the table's last part) ends (on the next page when the
  rows fit the page and the notes do not: the rows stay, their page points to the long
  notes; a short table's too, rather than move whole or split), and a note that explains a
  mark ("† …", :func:`note_mark`) on every page where a part of the table shows the mark
  (and where the table ends only when the mark is there); notes with one head
  ("Agreement: …") merge into one per page (:func:`merge_headed`); the provenance legends that
  begin notes (:func:`legend_text`) merge into one legend line per page, and every page that
  holds a part of a split table carries the legend of the markers that part uses.
* The formulas of one display (consecutive formulas), each with all its lines, are kept
  together, and with a short paragraph right before them.
* Prose never breaks inside a short group, a count's thousands, or before a relation sign
  (:func:`bound_spaces`); a heading that wraps balances its lines (:func:`balanced_width`).
* Headings are kept with what follows them, and with up to :data:`INTRO_PARAGRAPHS` short
  paragraphs and the first rows of the table those introduce; a short paragraph ending with
  a colon, or one announcing the table or figure right after it (:func:`lead_in`), is kept
  with what it introduces (keep-with-next): when what it introduces cannot begin on the
  rest of the page, its first lines fill the page and its last lines (at least two) go
  with it (:meth:`KeepWithNext._split_lead`), except that a heading and its text never wait
  for a figure that does not fit more than a third of a page left (the figure follows);
  a section's opening with a table of at most :data:`SHORT_ROWS` rows goes whole to the
  next page rather than split that table, and so does one with a figure that nothing
  after it may float past rather than leave its text alone above a gap (the page it
  leaves ends a section);
  the contents list levels 1 and 2
  with page numbers; every page has the footer "footer · page k of n".
* :attr:`Document.page_fill` records per page the blank fraction of the text area and
  whether the page ends a section (the next page begins with a level-1 heading, or a forced
  page break, or the document ends).
"""

from __future__ import annotations

import copy
import io
import logging
import os
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Any
from xml.sax.saxutils import escape

from landscape.numfmt import THOUSANDS_SPACE, figure_minus, page_minus

# ============================================================================ page geometry

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
MARGIN_X = 50.0
MARGIN_TOP = 50.0
MARGIN_BOTTOM = 58.0
CONTENT_W = PAGE_W - 2.0 * MARGIN_X
CONTENT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM

FONT = "DejaVuSans"
MONO = "DejaVuSansMono"
BODY = 9.5
SMALL = 8.0
TABLE = 7.2
LEADING = 1.28

#: zlib compression of the PDF streams (0 = none: tests may search the raw file).
PDF_COMPRESSION = 6

#: A figure that does not fit the rest of a page shrinks to it down to this share of its height.
MIN_SHRINK = 0.75
#: ... and further, down to this share, when otherwise more than a third of the page would
#: stay blank (titles, labels and legends keep their size: only the panels shrink, and no
#: further than :data:`MIN_PANEL`).
LAST_SHRINK = 0.5
#: ... but never so far that a panel (axes) of the figure ends up lower than this many points:
#: such a figure goes to the next page whole instead of being squashed to a strip.
MIN_PANEL = 90.0
#: Points by which a figure shrunk to fill the rest of a page (scale = rest / height) may
#: miss it in floating point and still fit, as platypus's frame allows (a row at its floor
#: scale that filled the rest exactly was taken for one that misses it: 353.8 pt).
FIT_FUZZ = 1e-6
#: A figure shrinks (down to :data:`MIN_SHRINK`) so that the short table after it, which would
#: otherwise move whole to the next page, fits under it, when the table would leave more than
#: this share of the page blank.
FILL_GAP = 0.25
#: Tables with at most this many rows (and at most :data:`SHORT_HEIGHT` of a page tall) are
#: not split, unless keeping one whole would leave more than :data:`SHORT_SPLIT_GAP` of a page
#: blank and it has rows enough for a split (:meth:`TableFlowable.splits_short`).
SHORT_ROWS = 12
#: ... the height of such a table, as a share of the page: what a table leaves blank when it
#: moves whole is the room it misses, not its height, so a table of a few tall rows (the
#: study's 'First steps and runs', 8 rows taller than a third of a page, split 5 + 3) is
#: kept whole too, as long as the next page keeps room for what follows it.
SHORT_HEIGHT = 2.0 / 3.0
#: The most of a page a table leaves blank in the middle of a section when its rows fit the
#: page but its footnotes do not.
MAX_GAP = 1.0 / 3.0
#: how much more of a page may read blank on the printed PDF than the layout's estimate of
#: it (the footnotes' rule and spacing): the splits aim that much under :data:`MAX_GAP`
PRINTED_SLACK = 0.03
#: The share of a page left blank above which a short table splits rather than move whole
#: (as a long one would), with at least :data:`MIN_ROWS` rows on this page and no lone row or
#: summary rows without :data:`SUMMARY_WITH` step rows on the next: as much as a page may
#: be left blank (:data:`MAX_GAP`, as printed).  At 0.15, ten short tables of the study and
#: the four reports split at a page foot, header repeated (study p. 38: five rows, 2 + 3),
#: and each read as a blemish, while pages a quarter blank in mid-section read fine.
SHORT_SPLIT_GAP = MAX_GAP - PRINTED_SLACK
#: A lead-in that announces a block missing the rest of the page splits, its first lines
#: filling the page and its last lines going with the block, when moving the two whole would
#: leave more than this share of the page blank (:meth:`KeepWithNext._split_lead`): text
#: breaks across pages as a matter of course, so it fills a page that a table, kept whole
#: up to :data:`SHORT_SPLIT_GAP`, would leave blank.
LEAD_SPLIT_GAP = 0.15
#: A table whose rows all fit the page but whose notes do not keeps its rows there and
#: prints its notes at the foot of the next page when the split that would take rows to
#: the notes (:meth:`TableFlowable._tail` of them) leaves more than this share of the page
#: blank: moving rows for the notes' sake emptied himmelblau p. 5 (0.30) and the quadratic
#: report's p. 5 (a quarter) in the middle of a section; a split that leaves less (a few
#: one-line rows) keeps the notes beside the table's end.
NOTES_NEXT_GAP = 0.15
#: A cell at most this share of the table's width on one line is short: room left after
#: the widths that shorten the table goes first to putting such cells on one line.
SHORT_CELL = 0.25
#: A split table leaves at least this many rows on each side of the break.
MIN_ROWS = 3
#: ... or at least this many on the next page when the table has fewer than twice
#: :data:`MIN_ROWS` rows and moving it whole would leave more than :data:`MAX_GAP` blank.
GAP_ROWS = 2
#: A table's summary rows (:attr:`Table.summary`) go to the next page with at least this
#: many of the rows they sum up: as many as any split leaves on a side, since a mean, a fit
#: and a theory row are no rows of data (with two, the study's 'GD with η = 0.2' table split
#: 4 + 5 and read as a stub of 2 steps under a repeated title).
SUMMARY_WITH = MIN_ROWS

#: Fewer than :data:`MIN_ROWS` rows may open a split table only when they are tall: at least
#: this fraction of the frame's height (two one-line rows at the foot of a page are not).
TALL_ROWS = 0.15
#: Horizontal gap between the two figures (or tables) of a row, in points.
FIGURE_GAP = 14.0
#: The width of a half slot of a row: half the text width less half the gap.
HALF_W = (CONTENT_W - FIGURE_GAP) / 2.0
#: Footnote rule: drawn this far above the first footnote line, and this much clear space
#: kept between it and the text area above (a figure or caption that fills the page down
#: to its foot must not sit on the rule).
NOTE_RULE = 4.0
NOTE_CLEAR = 9.0
#: A table that misses the rest of a page with footnotes by at most this many points stays
#: whole on it, taking them from the clear space above the rule (:data:`NOTE_CLEAR`), rather
#: than leave its last rows alone on the next page; so does a figure row shrunk as far as it
#: may (:meth:`FigureRow.least`), rather than leave the rest of the page blank.
NOTE_SQUEEZE = 5.0

#: A heading may end a page with the text under it, what that text introduces going to the
#: next page, when at least this many lines of the text (all of it when shorter) fit under
#: it and moving the block whole would leave more than :data:`MAX_GAP` of the page blank.
OPEN_LINES = 3

HEADING_SIZES = {0: 20.0, 1: 14.5, 2: 11.5, 3: 10.0}
HEADING_BEFORE = {0: 0.0, 1: 10.0, 2: 8.0, 3: 5.0}


def _drop_font_fallback(record: logging.LogRecord) -> bool:
    """False for matplotlib's "findfont: Font family … not found" warnings: mathtext looks up
    its fallback families (STIX, Computer Modern) by name and, where the font list does not
    name them, falls back to DejaVu Sans, the face these pages embed anyway.  Printed on
    stderr they broke commands' one-line messages."""
    return not str(record.msg).startswith("findfont: Font family")


logging.getLogger("matplotlib.font_manager").addFilter(_drop_font_fallback)


# ============================================================================ fonts


def _font_dir() -> str:
    import matplotlib as mpl

    return os.path.join(mpl.get_data_path(), "fonts", "ttf")


#: Our faces: ReportLab name → (file in matplotlib's fonts, family, weight, slant).
FACES = {
    FONT: ("DejaVuSans.ttf", "DejaVu Sans", "normal", "normal"),
    f"{FONT}-Bold": ("DejaVuSans-Bold.ttf", "DejaVu Sans", "bold", "normal"),
    f"{FONT}-Oblique": ("DejaVuSans-Oblique.ttf", "DejaVu Sans", "normal", "italic"),
    f"{FONT}-BoldOblique": ("DejaVuSans-BoldOblique.ttf", "DejaVu Sans", "bold", "italic"),
    MONO: ("DejaVuSansMono.ttf", "DejaVu Sans Mono", "normal", "normal"),
    f"{MONO}-Bold": ("DejaVuSansMono-Bold.ttf", "DejaVu Sans Mono", "bold", "normal"),
}

#: ReportLab names of the fonts svglib may use (registered with it).
_SVG_FONTS: set[str] = set()


@lru_cache(maxsize=1)
def register_fonts() -> dict[str, str]:
    """Register DejaVu Sans (4 faces) and DejaVu Sans Mono (2) with ReportLab, and with
    svglib under the family names matplotlib writes into SVG; returns ReportLab name →
    TrueType file.  (Other faces mathtext may use, STIX and Computer Modern, are registered
    when a drawing names them: :func:`_register_family`.)"""
    from reportlab.lib.fonts import addMapping
    from svglib.fonts import get_global_font_map

    d = _font_dir()
    fm = get_global_font_map()
    files = {}
    for name, (fname, family, weight, slant) in FACES.items():
        files[name] = os.path.join(d, fname)
        # svglib registers the TrueType font with ReportLab under our name
        fm.register_font(family, files[name], weight=weight, style=slant, rlgFontName=name)
        _SVG_FONTS.add(name)
    for bold, italic, suffix in ((0, 0, ""), (1, 0, "-Bold"), (0, 1, "-Oblique"),
                                 (1, 1, "-BoldOblique")):
        addMapping(FONT, bold, italic, f"{FONT}{suffix}")
    for bold, italic in ((0, 0), (1, 0), (0, 1), (1, 1)):
        addMapping(MONO, bold, italic, f"{MONO}-Bold" if bold else MONO)
    return files


@lru_cache(maxsize=1)
def _families() -> dict[str, list[tuple[str, str, str]]]:
    """Font family → [(file, weight, slant)] of the TrueType files shipped with matplotlib."""
    from matplotlib.ft2font import FT2Font

    d = _font_dir()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for fname in sorted(os.listdir(d)):
        if not fname.endswith(".ttf"):
            continue
        try:
            font = FT2Font(os.path.join(d, fname))
        except Exception:  # noqa: BLE001 - an unreadable font is just not offered
            continue
        style = font.style_name.lower()
        out.setdefault(font.family_name, []).append((
            fname, "bold" if "bold" in style else "normal",
            "italic" if ("oblique" in style or "italic" in style) else "normal"))
    return out


@lru_cache(maxsize=64)
def _register_family(family: str) -> None:
    """Register the faces of a matplotlib font family (e.g. STIXGeneral) with svglib."""
    from svglib.fonts import get_global_font_map

    register_fonts()
    if family in ("DejaVu Sans", "DejaVu Sans Mono"):
        return
    fm = get_global_font_map()
    for fname, weight, slant in _families().get(family, []):
        name = "mpl-" + fname[:-4]
        try:
            fm.register_font(family, os.path.join(_font_dir(), fname), weight=weight,
                             style=slant, rlgFontName=name)
            _SVG_FONTS.add(name)
        except Exception:  # noqa: BLE001 - a font ReportLab cannot read is left out
            continue


def string_width(text: str, size: float, font: str = FONT) -> float:
    """Width of ``text`` in points in a registered font (the metrics the PDF uses), as it is
    printed (signed numbers with "−", :func:`landscape.numfmt.page_minus`)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return float(stringWidth(page_minus(text), font, size))


# ============================================================================ provenance markers

#: Provenance markers appended to numbers, and their meaning.
HOW = {
    "exact": ("ᵉ", "exact (SymPy), shown rounded"),
    "numeric": ("ⁿ", "numeric (floating point, to the stated tolerance)"),
    "measured": ("ᵐ", "measured in an optimizer run"),
    "fit": ("ᶠ", "estimated from a run by a fit"),
    "estimated": ("ᵃ", "approximate: estimated from measured counts by a stated rule"),
    "theory": ("ᵗ", "theory: closed-form prediction evaluated in floating point"),
    "yardstick": ("ʸ", "yardstick: a bound proved for another case (said in its row or under "
                       "the table), set beside the run as a heuristic, evaluated in floating "
                       "point"),
    "setting": ("ˢ", "setting chosen for the run"),
}


def mark(text: str, how: str) -> str:
    """``text`` followed by the provenance marker of ``how`` (see :data:`HOW`)."""
    return f"{text}{HOW[how][0]}" if text not in ("—", "") else text


def legend_text(hows: Sequence[str] | None = None) -> str:
    """One line explaining the markers ``hows`` (default: all), its entries parted by
    semicolons: "ᵐ measured in an optimizer run; ʸ yardstick: …" (a run of spaces, which a
    paragraph sets as one, ran them together, Himmelblau p. 8)."""
    keys = list(HOW) if hows is None else [h for h in HOW if h in hows]
    return "; ".join(f"{HOW[k][0]} {HOW[k][1]}" for k in keys)


#: the delimiters of a note's aside (:func:`note_aside`)
ASIDE = ("\ue000", "\ue001")
_ASIDE_SPAN = re.compile(f"{ASIDE[0]}([^{ASIDE[1]}]*){ASIDE[1]}")


def note_aside(text: str) -> str:
    """``text`` marked as a note's aside: printed, unless another footnote of the page
    says it (:func:`drop_said_asides`)."""
    return f"{ASIDE[0]}{text}{ASIDE[1]}"


def drop_said_asides(notes: Sequence[str]) -> list[str]:
    """The footnotes of a page with each aside (:func:`note_aside`) left out where another of
    them says it outside its own asides (its text, less a trailing comma or semicolon and
    the brackets around it; two
    notes with the same aside keep it), else printed without its marks: the note on the
    geometric mean and the robust fit defines a window, "the window of the table's title (a
    window i–j spans the errors eᵢ to eⱼ, so its steps are k = i to j − 1)", for pages
    without the † note, and under both the definition read twice (Himmelblau p. 6)."""
    plain = [_ASIDE_SPAN.sub("", n) for n in notes]

    def kept(i: int, m: re.Match[str]) -> str:
        # an aside in brackets is said where its words are: " (a window …)" as "a window …"
        said = m.group(1).strip(" ,;")
        said = said[1:-1] if said[:1] == "(" and said[-1:] == ")" else said
        return "" if said and any(said in p for j, p in enumerate(plain) if j != i) \
            else m.group(1)

    return [_ASIDE_SPAN.sub(partial(kept, i), n) for i, n in enumerate(notes)]


@lru_cache(maxsize=1)
def _legends() -> list[tuple[str, frozenset[str]]]:
    """The legend text of every non-empty set of markers, longest first."""
    from itertools import combinations

    out = [(legend_text(c), frozenset(c)) for r in range(1, len(HOW) + 1)
           for c in combinations(HOW, r)]
    return sorted(out, key=lambda t: -len(t[0]))


def split_legend(note: str) -> tuple[set[str], str]:
    """(markers, rest) of a note that begins with :func:`legend_text` of some markers
    (``rest`` without the joining ".  "); (∅, note) for any other note."""
    for text, keys in _legends():
        if note.startswith(text):
            return set(keys), note[len(text):].lstrip(" .;")
    return set(), note


#: a marker counts when it follows a number or a closing bracket (``0.5ᵐ``, ``(1, 2)ᵉ``), not
#: an exponent in text (``βᵗ``)
_MARKED = {k: re.compile(rf"(?<=[\d∞)\]%]){re.escape(v[0])}") for k, v in HOW.items()}

#: a note at least this long is explained once per document: later pages refer to it
LONG_NOTE = 240


def used_hows(cells: Iterable[str]) -> list[str]:
    """The keys of :data:`HOW` whose marker appears after a value in ``cells``."""
    text = "\n".join(str(c) for c in cells)
    return [k for k, rx in _MARKED.items() if rx.search(text)]


def block_texts(blocks: Iterable[Any]) -> list[str]:
    """The texts of ``blocks``: paragraphs, formulas' plain text, table titles and cells,
    figure captions (``used_hows(block_texts(blocks))``: the markers a document uses)."""
    texts: list[str] = []
    for blk in blocks:
        if isinstance(blk, Paragraph):
            texts.append(blk.text)
        elif isinstance(blk, Table):
            texts += [blk.title or "", *(v for row in blk.rows for v in row)]
        elif isinstance(blk, FigureBlock):
            texts.append(blk.caption)
        elif isinstance(blk, Formula):
            texts += [m.text for m in blk.lines]
    return texts


def how_lines(hows: Iterable[str] | None = None) -> list[str]:
    """One line per marker, "ᵉ  exact (SymPy), shown rounded", for the keys ``hows`` of
    :data:`HOW` (in its order; all of them when None)."""
    keys = set(HOW if hows is None else hows)
    return [f"{HOW[k][0]}  {HOW[k][1]}" for k in HOW if k in keys]


#: a note that explains a mark of the cells begins with it and a space ("† step outside the
#: run's fit window …", "* stall …"): one character that is no letter, digit or bracket, or
#: the reference of a long cell set under its table ("[1] note: …", :func:`long_cell_notes`)
_NOTE_MARK = re.compile(r"^([^\w\s(\[{‘'\"]|\[\d+\])\s")


def note_mark(note: str) -> str:
    """The mark a note explains ("†" of "† step outside …"; :data:`_NOTE_MARK`), or ''."""
    m = _NOTE_MARK.match(note)
    return m.group(1) if m else ""


def table_notes(t: Table, rows: Sequence[Sequence[str]] | None = None,
                ends: bool = True) -> list[str]:
    """The notes of table ``t`` on a page that holds ``rows`` of it (all of them when None),
    where the table ends (``ends``) or where only a part of it lies:

    * a provenance legend (:func:`legend_text`) of exactly the markers those cells use: a
      given legend is reduced to them (dropped when none is used), and one is added when the
      cells use markers and no note explains them;
    * a note that explains a mark (:func:`note_mark`) wherever its mark is in those cells
      (a mark is explained at the foot of every page on which it appears), and where the
      table ends only when the mark is there or nowhere in the table;
    * the other notes where the table ends."""
    part = t.rows if rows is None else rows
    used = used_hows(v for row in part for v in row)
    here = "\n".join(str(v) for row in part for v in row)
    anywhere = "\n".join(str(v) for row in t.rows for v in row)
    out, legend = [], False
    for n in t.notes:
        keys, rest = split_legend(n)
        if keys:
            legend = True
            n = ".  ".join(x for x in (legend_text(used) if used else "",
                                       rest if ends else "") if x)
        elif mark := note_mark(n):
            if not (mark in here or (ends and mark not in anywhere)):
                n = ""
        elif not ends:
            n = ""
        if n:
            out.append(n)
    return out if legend or not used else [legend_text(used), *out]


def notes_follow(title: str | None) -> str:
    """The footnote of a page whose table's rows end here and whose notes are set at the
    foot of the next page (:meth:`TableFlowable._rows_here_notes_next`), naming the table
    as the notes there are headed (:func:`carried_notes`): "The notes to the table
    ‘Predicted and measured convergence’ are at the foot of the next page."  Text may follow
    the table on its page, so it is not "the table that ends this page" (chained Rosenbrock
    p. 6, where the lead-in of the next tables began under it)."""
    whose = f"the table ‘{title}’" if title else "the table above"
    return f"The notes to {whose} are at the foot of the next page."


def plain_note(note: str) -> bool:
    """Whether ``note`` says nothing of what it explains: no provenance legend
    (:func:`split_legend`), no head ("Decided by: …", :func:`note_head`), no mark ("† …",
    :func:`note_mark`)."""
    return not (split_legend(note)[0] or note_head(note) or note_mark(note))


#: the line before a page's own notes when notes carried from the page before precede them
OWN_NOTES = "This page's own notes:"
#: the line :func:`carried_notes` sets before the notes of a table on the page before
_CARRIED_HEAD = re.compile(r"Notes to the table(?: ‘.*’)? on the page before:")


def own_notes_line(rest: Sequence[str], notes: Sequence[str]) -> bool:
    """Whether the notes ``notes`` of a table added to the footnotes ``rest`` of a page need
    :data:`OWN_NOTES` before them: notes carried from the page before, under their line
    (:func:`carried_notes`), are there, and ``notes`` are not such notes, so that the page's
    own notes are not read as the carried table's (chained Rosenbrock p. 7: the notes of
    its per-step tables followed those of p. 6's table with no line between them)."""
    def carried(ns: Sequence[str]) -> bool:
        return any(_CARRIED_HEAD.fullmatch(n) for n in ns)
    return carried(rest) and not carried(notes) and OWN_NOTES not in rest


def carried_notes(notes: Sequence[str], title: str | None) -> list[str]:
    """``notes`` of a table whose rows ended the page before, set at the foot of the next
    page (``TableFlowable._rows_here_notes_next``): before the first one that does not say
    what it explains (:func:`plain_note`), a line that says whose notes they are, "Notes to
    the table ‘Runs from the same start’ on the page before:", so that they are not read as
    notes to the tables of their own page (the kink report's p. 5 set the note on the
    hyperparameters of p. 4's table under a table that has none); ``notes`` as they are
    when each names what it explains (a legend, "Decided by: …", "† …": study p. 16, where
    the line put p. 15's 'Decided by' under the title of p. 16's own table)."""
    i = next((k for k, n in enumerate(notes) if plain_note(n)), None)
    if i is None:
        return list(notes)
    whose = f"the table ‘{title}’" if title else "the table"
    return [*notes[:i], f"Notes to {whose} on the page before:", *notes[i:]]


def ending_pointers(t: Table, printed: Mapping[str, int], page: int | None = None,
                    rows: Sequence[Sequence[str]] | None = None) -> list[str]:
    """On a page holding a part of table ``t`` that does not end there (``rows``, all of
    them when None), a pointer (:func:`note_reference`) to each long note of the table
    ("Decided by: …", "Rate = factor by which …"), to the page where it is printed in full
    (``printed``: note → page, of the previous pass; none while unknown, nor on that page
    itself, ``page``): the key to a column is found from the column's first page, and what
    a symbol the part prints means (quadratic p. 4 printed ρ and its rates with a pointer to
    the agreement rule only, not to the note that defines a rate).  A note headed by the
    name of a row ("BFGS: …") points only from a page that holds that row."""
    named = {str(row[0]) for row in t.rows if row}
    here = named if rows is None else {str(row[0]) for row in rows if row}
    return [note_reference(n, at) for n in t.notes
            if len(n) >= LONG_NOTE and not note_mark(n)
            and (at := full_note_page(n, printed)) is not None and at != page
            and (note_head(n) not in named or note_head(n) in here)]


#: where a paragraph names the page of a figure (:func:`page_ref`): the figure's label
#: between two private-use characters, replaced by the page number when the PDF is laid out
_PAGE_REF = re.compile("\ue000([^\ue001]*)\ue001")


def page_ref(label: str) -> str:
    """The page of the figure labelled ``label`` (:meth:`Document.figure`), in the text of a
    paragraph: ``f"figure “…” on p. {page_ref('lr sweep')}"`` prints "on p. 13".  The number
    is the page the figure was drawn on in the previous layout pass; the PDF is laid out
    again until every such number is the page it names (``?`` for a figure never drawn)."""
    return f"\ue000{label}\ue001"


_SECTION_REF = re.compile("\ue002([^\ue003]*)\ue003")


def section_ref(title: str) -> str:
    """The number of the section whose heading starts with ``title``, in the text of a
    paragraph: ``f"§{section_ref('Ill-conditioning')}"`` prints "§11".  Headings are
    numbered when the PDF is made, in the order the document then has; the number is set
    in then (``?`` for a heading the document does not have)."""
    return f"\ue002{title}\ue003"


def resolve_section_refs(text: str, headings: Sequence[Heading]) -> str:
    """``text`` with each :func:`section_ref` replaced by the number of the first numbered
    heading whose text starts with its title (``?`` when none does)."""
    return _SECTION_REF.sub(lambda m: next(
        (h.number for h in headings if h.number and h.text.startswith(m.group(1))), "?"),
        text)


def page_refs(text: str) -> list[str]:
    """The labels of the figures whose pages ``text`` names (:func:`page_ref`)."""
    return _PAGE_REF.findall(text)


#: the head of the label under which a heading's page is recorded (:func:`section_page_ref`)
SECTION_PAGE = "§"


def section_page_ref(title: str) -> str:
    """The page on which the section whose heading starts with ``title`` begins, in the text
    of a paragraph: ``f"§{section_ref('Ill-conditioning')} (p. {section_page_ref(
    'Ill-conditioning')})"`` prints "§11 (p. 22)", the page the contents give.  Set as a
    figure's page is (:func:`page_ref`), from the page the heading was drawn on."""
    return page_ref(SECTION_PAGE + title)


def labelled_page(pages: Mapping[str, int], label: str) -> int | None:
    """The page of ``label`` in ``pages`` (label → page, :func:`page_ref`): a figure's label
    exactly, a section's (:func:`section_page_ref`) as the first heading starting with its
    title; None when there is none."""
    if label in pages:
        return pages[label]
    if label.startswith(SECTION_PAGE):
        return next((v for k, v in pages.items()
                     if k.startswith(SECTION_PAGE) and k.startswith(label)), None)
    return None


def resolve_page_refs(text: str, pages: Mapping[str, int]) -> str:
    """``text`` with each :func:`page_ref` (or :func:`section_page_ref`) replaced by its
    page in ``pages`` (:func:`labelled_page`; ``?`` when it is not there)."""
    return _PAGE_REF.sub(lambda m: str(labelled_page(pages, m.group(1)) or "?"), text)


#: a footnote that is only a pointer to a note printed in full on another page
#: (:func:`note_reference`): its head and that page
_POINTER = re.compile(r"(.+): see the full note on p\. (\d+)\.")


#: the longest head of a pointer :func:`merge_pointers` joins with others: a name
#: ("Agreement", "L-BFGS", "Decided by"), not a sentence ("† step outside the window …")
POINTER_NAME = 16


def merge_pointers(notes: Sequence[str]) -> list[str]:
    """A page's footnotes with its pointers to one page (:func:`note_reference`) headed by a
    name (at most :data:`POINTER_NAME` characters) in one line where the first of them
    stood: "Agreement, CG, BFGS and L-BFGS: see the full notes on p. 7." (chained Rosenbrock
    p. 6 ended with four lines "…: see the full note on p. 7."); a pointer headed by a
    sentence keeps its line."""
    def named(n: str) -> re.Match[str] | None:
        m = _POINTER.fullmatch(n)
        return m if m and len(m.group(1)) <= POINTER_NAME else None

    heads: dict[str, list[str]] = {}
    for n in notes:
        if m := named(n):
            heads.setdefault(m.group(2), []).append(m.group(1))
    out = []
    for n in notes:
        m = named(n)
        if m is None or len(heads[m.group(2)]) == 1:
            out.append(n)
        elif heads[m.group(2)][0] == m.group(1):
            names = heads[m.group(2)]
            out.append(", ".join(names[:-1]) + f" and {names[-1]}: see the full notes on "
                       f"p. {m.group(2)}.")
    return out


def note_reference(note: str, page: int) -> str:
    """A later page's pointer to a long note printed in full on ``page``: its first clause
    whole (up to the first '. ', '; ' or ': '), never cut inside it, then the page: "∼ ratio
    printed only down to the first digit that rounding reaches: see the full note on p. 19."
    (a clause cut at a length read "… to the first …: see …", a sentence with a hole)."""
    head = re.split(r"\.\s|;\s|:\s", note, maxsplit=1)[0].rstrip(" .")
    return f"{head}: see the full note on p. {page}."


#: where one sentence of a note's body ends and the next begins (two spaces after the full
#: stop, as :func:`merge_headed` joins them)
_SENTENCE_GAP = r"(?<=\.)  +(?=\S)"


def note_sentences(note: str) -> frozenset[str]:
    """The sentences of the body of ``note`` (after its head, :func:`note_head`), each with
    its first letter in lower case (a sentence merged after another is capitalised)."""
    head = note_head(note)
    body = note[len(head) + 1:] if head else note
    return frozenset(p[:1].lower() + p[1:] for p in
                     (s.strip() for s in re.split(_SENTENCE_GAP, body.strip())) if p)


def full_note_page(note: str, printed: Mapping[str, int]) -> int | None:
    """The page a pointer to long note ``note`` names: the first page of ``printed`` (note
    → page where it was printed in full) that holds ``note`` or a note with its head whose
    sentences include all of its own (:func:`note_sentences`): a note that gives only some
    of another's sentences ("Decided by" under a table whose tests are fewer) is read in
    full where the longer one is, and is not called the full note itself; None when
    neither was printed."""
    head, mine = note_head(note), note_sentences(note)
    return min((p for n, p in printed.items()
                if n == note or head and note_head(n) == head and mine <= note_sentences(n)),
               default=None)


#: the head of a footnote that names what it explains ("Agreement: …", "Decided by: …",
#: "L-BFGS: …"): a capitalised word or two before the colon, a word's parts joined by
#: hyphens, no formula
_NOTE_HEAD = re.compile(r"^([A-Z‘][\w‘’]*(?:-[\w‘’]+)*(?: [\w‘’]+(?:-[\w‘’]+)*){0,2}):\s+")


def note_head(note: str) -> str:
    """The head of a footnote ("Agreement" of "Agreement: …"; :data:`_NOTE_HEAD`), or ''."""
    m = _NOTE_HEAD.match(note)
    return m.group(1) if m else ""


def merge_headed(notes: Sequence[str], note: str) -> list[str]:
    """``notes`` with ``note`` added: into the note with the same head when there is one
    (one "Agreement:" per page, whatever tables brought theirs), its body after the bodies
    there and a pointer to a full note elsewhere (:func:`note_reference`) last, as "See also
    …"; else at the end.  A body already there is not repeated."""
    head = note_head(note)
    at = next((i for i, n in enumerate(notes) if head and note_head(n) == head), None)
    if at is None:
        return [*notes, note]
    pointer = re.compile(r"(?:[Ss]ee(?: also)? )(the full note on p\. \d+\.)")
    plain: list[str] = []
    refs: list[str] = []
    for n in (notes[at], note):
        # sentences apart (two spaces after the full stop), so that one two notes share is
        # printed once
        for part in re.split(r"(?<=\.)\s+(?=See also the full note)|" + _SENTENCE_GAP,
                             n[len(head) + 1:].strip()):
            m = pointer.fullmatch(part.strip())
            group = refs if m else plain
            text = m.group(1) if m else part.strip()
            if text not in group:
                group.append(text)
    if plain:  # each body a sentence of its own
        text = "  ".join([plain[0], *(b[:1].upper() + b[1:] if b[:1].isascii() else b
                                      for b in plain[1:]),
                          *("See also " + r for r in refs)])
    else:
        text = "  ".join(["see " + refs[0], *("See also " + r for r in refs[1:])])
    return [*notes[:at], f"{head}: {text}", *notes[at + 1:]]


# ============================================================================ formulas


@dataclass
class MathLine:
    """One typeset line: mathtext (``math=True``, with ``$`` delimiters) or plain text."""

    text: str
    size: float
    math: bool
    family: str = MONO


#: Longest LaTeX string handed to mathtext (longer ones are shown as plain text).
MAX_LATEX = 1800


@lru_cache(maxsize=4096)
def _math_extent10(s: str) -> tuple[float, float, float]:
    """(width, height, descent) of mathtext ``s`` at 10 pt; raises ValueError when mathtext
    cannot parse it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    w, h, d = TextToPath().get_text_width_height_descent(
        s, FontProperties(family="DejaVu Sans", size=10.0), ismath=True)
    return float(w), float(h), float(d)


def math_width(s: str, size: float) -> float:
    """Width of mathtext ``s`` (with its ``$`` delimiters) in points at ``size`` (measured
    once at 10 pt and scaled linearly: w(size) = w(10) · size / 10)."""
    return _math_extent10(s)[0] * size / 10.0


#: LaTeX of content taller than a line of text, around which ``\left| … \right|`` sizes its
#: bars (:func:`math_latex`)
_TALL_LATEX = re.compile(r"\\(?:frac|dfrac|sqrt|sum|prod|int|begin|binom)\b")


def _degree(expr: Any, v: Any) -> float:
    """Degree of ``expr`` in the symbol ``v`` read off its tree without expanding: a sum takes
    its largest term's, a product adds its factors', a numeric power multiplies; inside any
    other function ``v`` counts 0."""
    if expr == v:
        return 1.0
    if expr.is_Add:
        return max(_degree(a, v) for a in expr.args)
    if expr.is_Mul:
        return sum(_degree(a, v) for a in expr.args)
    if expr.is_Pow and expr.exp.is_number and expr.exp.is_real:
        return _degree(expr.base, v) * float(expr.exp)
    return 0.0


def reading_order(terms: Sequence[Any]) -> list[Any]:
    """The terms of a sum in the order a teacher writes them (SymPy's canonical order puts
    ``-x**2 + y`` and ``x2**2 + x1**2/10``, an order chosen for fast comparison, not for
    reading).  A stable sort of ``terms`` (given in SymPy's order, which breaks ties) by:

    1. terms with a symbol before constants: a polynomial ends with its constant
       (``x**2 + y - 11``, ``2*x1 - 2``);
    2. the term's first symbol in the parser's variable order (:func:`landscape.parse.
       natural_key`: x, y, z, then x1 < x2 < x10): x₁ terms before x₂ terms, so a function
       of x₁, x₂ reads in the order of its variables (``x1**2/10 + 2*x2**2``);
    3. descending degree in that symbol, counted through brackets and powers without
       expanding (``(x**2 + y - 11)**2`` has degree 4 in x, ``x*(y - x**2)`` 3, ``|x|`` 0):
       the convention of polynomials (``1200*x1**2 - 400*x2 + 2``, Himmelblau's
       ``(x**2 + y - 11)**2 + (x + y**2 - 7)**2``, Rosenbrock's ``100*(x2 - x1**2)**2 +
       (1 - x1)**2 + ...``, each index's pair together).

    Then a difference of two terms opens with the positive one: ``-a + b`` reads ``b - a``
    (``x2 - x1**2``, ``1 - x``, ``y - x**2``), as a difference is written.  Longer sums keep
    the order above even when it opens with a minus (``-x**2 + 2*x + 3`` stays): moving a
    positive term first there would break the descending powers.  Only the order changes:
    the terms are the same objects, so the sum is the same expression."""
    from landscape.parse import natural_key

    def key(item: tuple[int, Any]) -> tuple:
        i, t = item
        free = getattr(t, "free_symbols", set())
        if not free:
            return (1, (), 0.0, i)
        lead = min(free, key=lambda v: natural_key(str(v)))
        return (0, natural_key(str(lead)), -_degree(t, lead), i)

    out = [t for _, t in sorted(enumerate(terms), key=key)]
    if (len(out) == 2 and out[0].could_extract_minus_sign()
            and not out[1].could_extract_minus_sign()):
        out.reverse()
    return out


class _ReadingOrderMixin:
    """Sums printed in :func:`reading_order` (SymPy's printers order an ``Add`` through
    ``_as_ordered_terms``); an explicit ``order=`` setting is left to SymPy."""

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        terms = super()._as_ordered_terms(expr, order=order)  # type: ignore[misc]
        if (order or self._settings.get("order")) is None:  # type: ignore[attr-defined]
            return reading_order(terms)
        return terms


def math_latex(expr: Any) -> str:
    """:func:`sympy.latex` of ``expr`` for mathtext, sums in :func:`reading_order`, with
    absolute values of flat content between plain bars, ``|x|``: mathtext sizes ``\\left| …
    \\right|`` (SymPy's form) to the content, and around a lowercase letter draws bars of half
    its height; content taller than a line (a fraction, a root, a sum) keeps the sized bars."""
    from sympy.printing.latex import LatexPrinter

    class _Printer(_ReadingOrderMixin, LatexPrinter):
        def _print_Abs(self, e: Any, exp: Any = None) -> str:
            inner = self._print(e.args[0])
            if _TALL_LATEX.search(inner):
                return super()._print_Abs(e, exp)
            tex = rf"|{inner}|"
            return rf"{tex}^{{{exp}}}" if exp is not None else tex

    return _FACTOR_BEFORE_NAME.sub(r"\\,", _Printer().doprint(expr))


def display_fractions(tex: str) -> str:
    r"""``tex`` set in display style when it is one fraction, ``\frac{x}{5}`` →
    ``\dfrac{x}{5}`` (a sign before it kept): mathtext sets ``\frac`` in text style,
    numerator and denominator at about half the text's height, so that a derivative that is
    a fraction alone (quadratic report p. 2: ∂f/∂x = x/5) was hard to read; a fraction inside
    a longer formula keeps its size, and the formula its height on the page."""
    m = re.match(r"(-\s*)?\\frac\{", tex)
    if m is None:
        return tex
    depth, groups, i = 0, 0, m.end() - 1
    while i < len(tex):  # the two brace groups of the fraction, then the end of ``tex``
        c = tex[i]
        if c == "\\":
            i += 2
            continue
        depth += (c == "{") - (c == "}")
        if depth == 0:
            groups += 1
            if groups == 2:
                break
        i += 1
    if groups != 2 or tex[i + 1:].strip():
        return tex
    return tex[:m.end() - len("\\frac{")] + "\\dfrac" + tex[m.end() - 1:]


#: the space between a factor and a function name that follows it (``x \cos``): LaTeX sets a
#: thin space there, mathtext none (``xcos``); :func:`math_latex` writes it out (``\,``)
_FACTOR_BEFORE_NAME = re.compile(
    r"(?<=[\w}|)])\s+(?=\\(?:operatorname|a?sin|a?cos|a?tan|cot|sec|csc|sinh|cosh|tanh|"
    r"coth|arcsin|arccos|arctan|log|ln|exp)\b)")


def ordered_terms(expr: Any) -> list[Any]:
    """The terms of the sum ``expr`` in the order the formulas print them
    (:func:`reading_order` of SymPy's order)."""
    import sympy as sp

    return reading_order(expr.as_ordered_terms()) if isinstance(expr, sp.Add) else [expr]


def _signed_terms(expr: Any) -> list[str]:
    """LaTeX of the terms of a sum, each with its sign (``+ a``, ``- b``), in the order
    :func:`math_latex` prints them."""
    out = []
    for i, t in enumerate(ordered_terms(expr)):
        neg = t.could_extract_minus_sign()
        body = math_latex(-t if neg else t)
        if i == 0:
            out.append(f"- {body}" if neg else body)
        else:
            out.append(f"- {body}" if neg else f"+ {body}")
    return out


def _pack(lhs: str, terms: list[str], width: float, size: float) -> list[str] | None:
    """Greedy packing of signed terms into lines of at most ``width`` (estimated from the
    widths of the pieces, each measured once); None when a single piece is too wide."""
    gap = 0.35 * size
    first = math_width(f"${lhs} =$", size) + gap
    widths = [math_width(f"${t}$", size) for t in terms]
    indent = math_width(r"$\quad$", size)
    lines: list[list[str]] = [[]]
    used = first
    for t, w in zip(terms, widths, strict=True):
        if lines[-1] and used + gap + w > width:
            lines.append([])
            used = indent
        if used + w > width:
            return None
        lines[-1].append(t)
        used += gap + w
    out = [f"{lhs} = " + " ".join(lines[0])]
    out += [r"\quad " + " ".join(line) for line in lines[1:]]
    return out


def _math_lines(lhs: str, expr: Any, width: float, size: float) -> list[MathLine] | None:
    """``lhs = expr`` as mathtext lines no wider than ``width`` at ``size``, splitting a sum
    between its terms; None when it cannot be done at this size."""
    import sympy as sp

    full = math_latex(expr)
    if len(full) > MAX_LATEX:
        return None
    try:
        terms = _signed_terms(expr) if isinstance(expr, sp.Add) else [display_fractions(full)]
        lines = _pack(lhs, terms, width, size)
        if lines is None:
            return None
        if any(math_width(f"${s}$", size) > width for s in lines):
            return None
        return [MathLine(f"${s}$", size, True) for s in lines]
    except (ValueError, RuntimeError, KeyError, IndexError):
        return None


def typeset(lhs: str, expr: Any, *, plain_lhs: str | None = None, width: float = CONTENT_W,
            sizes: Sequence[float] = (13.0, 11.0, 9.5, 8.0)) -> list[MathLine]:
    """Typeset ``lhs = expr`` (a SymPy expression) as matplotlib mathtext from
    :func:`sympy.latex`, wrapped between the terms of a sum at the largest of ``sizes`` that
    fits ``width``; falls back to plain text (:func:`sympy.sstr`, monospace, wrapped on the
    page and never cut) when mathtext cannot render it.  Never raises."""
    try:
        for size in sizes:
            lines = _math_lines(lhs, expr, width, size)
            if lines is not None:
                return lines
    except Exception:  # noqa: BLE001 - a formula must never break the report
        pass
    return plain_formula(f"{plain_lhs or lhs} = {_sstr(expr)}")


def plain_math(expr: Any, bars: bool = False) -> str:
    """:func:`sympy.sstr` of ``expr`` (text the formula parser reads back), sums in
    :func:`reading_order`, as :func:`math_latex` prints them; with ``bars``, Abs(u) as |u|,
    the absolute value as the typeset formulas show it (running text, not read back)."""
    from sympy.printing.str import StrPrinter

    class _Printer(_ReadingOrderMixin, StrPrinter):
        def _print_Abs(self, e: Any) -> str:
            if not bars:
                return super()._print_Function(e)
            return f"|{self._print(e.args[0])}|"

    return _Printer().doprint(expr)


def _sstr(expr: Any, bars: bool = False) -> str:
    try:
        return plain_math(expr, bars)
    except Exception:  # noqa: BLE001
        return str(expr)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def inline_math(expr: Any) -> str:
    """A SymPy expression as one line of running text: integer powers as superscripts,
    ``*`` as ``·`` and minus as ``−`` (``1 - tanh(4)**2`` → ``1 − tanh(4)²``); other powers
    keep ``^`` (``x^(1/3)``); the constant ``pi`` as ``π``; Abs(u) as |u|, as the typeset
    formulas print it (``2*Abs(y + 1/2)`` → ``2·|y + 1/2|``)."""
    text = re.sub(r"\bpi\b", "π", _sstr(expr, bars=True))
    text = re.sub(r"\*\*(?:\((-\d+)\)|(\d+))",
                  lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPT), text)
    text = text.replace("**", "^").replace("*", "·")
    return text.replace("-", "−")


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def text_math(expr: Any) -> str:
    """A formula in a heading or a sentence, in the order and form the formula printer
    prints it (:func:`inline_math`, sums in :func:`reading_order`), with indexed names as
    typeset (``x1`` → ``x₁``) and a number times a name or an absolute value juxtaposed
    (``2·x₂`` → ``2x₂``, ``2·|y|`` → ``2|y|``): ``0.1*x1**2 + 2*x2**2`` → ``x₁²/10 + 2x₂²``,
    as its formula reads."""
    text = re.sub(r"(?<![\w.])([^\W\d_])(\d+)",
                  lambda m: m.group(1) + m.group(2).translate(_SUBSCRIPT_DIGITS),
                  inline_math(expr))
    return re.sub(r"(\d)·(?=[^\W\d_]|\|)", r"\1", text)


def plain_formula(text: str, size: float = 8.5) -> list[MathLine]:
    """Plain-text fallback for a formula: one monospace line, wrapped on the page, whole."""
    return [MathLine(text, size, False, MONO)]


# ============================================================================ blocks


@dataclass
class Spacer:
    """Vertical space."""

    space: float = 6.0


class PageBreak:
    """Start a new page (a page that ends at one counts as ending a section)."""


@dataclass
class Paragraph:
    """Wrapped text; splits across pages between lines.  ``bullet`` adds a hanging indent."""

    text: str
    size: float = BODY
    weight: str = "normal"
    style: str = "normal"
    color: str = "black"
    family: str = FONT
    bullet: str | None = None
    indent: float = 0.0
    before: float = 0.0
    after: float = 5.0


@dataclass
class Heading:
    """A numbered heading (levels 0–3; 0 is the title, unnumbered); kept with what follows."""

    text: str
    level: int = 1
    number: str = ""
    numbered: bool = True

    @property
    def title(self) -> str:
        return f"{self.number}  {self.text}" if self.number else self.text


@dataclass
class Formula:
    """Typeset formula lines (see :func:`typeset`), indented."""

    lines: list[MathLine]
    indent: float = 14.0
    after: float = 5.0


@dataclass
class Column:
    """A table column: header, alignment (``l``/``r``/``c``) and optional width share;
    ``names``: its cells say what a row is (a "what" column), so a long one shortened keeps
    the longest beginning that fits, not only its first words (:func:`cell_verdict`)."""

    header: str
    align: str = "l"
    share: float | None = None
    names: bool = False


@dataclass
class Table:
    """A table with a bold header row, zebra stripes and wrapped cells; ``notes`` become
    footnotes of the page where the table ends, a note explaining a mark of the cells those
    of the pages showing the mark (each distinct note once per page; :func:`table_notes`).
    ``summary``: how many of the last rows sum up the rows above them (a per-step table's
    geometric mean, fit and theory): a split never leaves them without
    :data:`SUMMARY_WITH` rows above them."""

    columns: list[Column]
    rows: list[list[str]]
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    size: float = TABLE
    summary: int = 0
    #: the cells (row, column) set under the table as its first notes, in their order
    #: (:func:`long_cell_notes`; :func:`number_cell_notes` numbers their references)
    long_cells: list[tuple[int, int]] = field(default_factory=list)
    #: it may be set in half the text width beside the next table that may too, when both
    #: are short and fit there (a per-step table's few narrow columns: :class:`TableRow`)
    half: bool = False


@dataclass
class TablePair:
    """Two tables set side by side (:func:`pair_tables`), with the lead-ins of either
    (the paragraph announcing it, :func:`lead_in`) moved above the pair, in their order."""

    leads: list[Paragraph]
    tables: list[Table]


@dataclass
class FigureBlock:
    """A figure drawn by ``draw(fig)`` (a function of :mod:`analysis.plots` with ``fig=``) into
    a slot ``fig_height`` points tall (full or half text width), with a caption under it."""

    draw_fn: Callable[[Any], Any]
    fig_height: float
    caption: str = ""
    label: str = ""
    error: str | None = None
    half: bool = False
    _drawings: dict[tuple[float, float], Any] = field(default_factory=dict, repr=False)
    #: smallest scale of the slot that keeps every panel :data:`MIN_PANEL` tall (None until
    #: the figure is drawn at full size)
    min_scale: float | None = None

    @property
    def width(self) -> float:
        """Width of the slot in points: the text width, or half of it less half the gap."""
        return HALF_W if self.half else CONTENT_W


@dataclass
class Contents:
    """Table of contents (levels 1–2) with page numbers."""

    size: float = 9.5


Block = Spacer | PageBreak | Paragraph | Heading | Formula | Table | FigureBlock | Contents


# ============================================================================ drawing helpers


def _rc() -> dict[str, Any]:
    """matplotlib settings of every figure and formula drawn into the PDF."""
    return {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"],
            "mathtext.fontset": "dejavusans", "svg.fonttype": "none",
            "figure.facecolor": "white", "savefig.facecolor": "white"}


def _svg_drawing(fig: Any) -> Any:
    """A matplotlib Figure as a ReportLab Drawing (SVG with text as text, read by svglib)."""
    import matplotlib as mpl
    import svglib.svglib as svglib_module
    from svglib.svglib import svg2rlg

    register_fonts()
    buf = io.BytesIO()
    with mpl.rc_context(_rc()):
        fig.savefig(buf, format="svg")
    for family in set(re.findall(rb"font-family: ?'([^']+)'", buf.getvalue())):
        _register_family(family.decode("utf-8", "replace"))
    # matplotlib writes the alpha of a patch drawn with ``color=..., alpha=...`` (axhspan,
    # axvspan, bars) as the element's ``opacity``, which svglib ignores (the patch came out
    # opaque and hid what lies under it); svglib honours fill- and stroke-opacity
    svg = re.sub(rb"(?<![-\w])opacity: ?([0-9.eE+-]+)",
                 rb"fill-opacity: \1; stroke-opacity: \1", buf.getvalue())
    buf = io.BytesIO(svg)
    # svglib stops expanding <use> elements (each scatter marker is one) after a limit meant
    # for untrusted files and silently drops the rest; this SVG is our own, so every marker
    # of it is expanded.
    uses = buf.getvalue().count(b"<use ")
    limit = svglib_module.MAX_USE_EXPANSIONS
    svglib_module.MAX_USE_EXPANSIONS = max(limit, uses + 1)
    try:
        drawing = svg2rlg(buf)
    finally:
        svglib_module.MAX_USE_EXPANSIONS = limit
    if drawing is None:
        raise ValueError("the figure could not be converted to a drawing")
    drawing.initialFontName = FONT  # not Helvetica, which would be an unembedded font
    _own_fonts(drawing, set(_SVG_FONTS))
    return drawing


def _own_fonts(node: Any, ours: set[str]) -> None:
    """Give every string of a Drawing one of our embedded fonts: svglib falls back to
    Helvetica (not embedded) for blank runs and to guesses for styles it does not map
    (mathtext's "oblique"); those become the DejaVu Sans face of the same weight and slant."""
    from reportlab.graphics.shapes import String

    for child in getattr(node, "contents", ()):
        if isinstance(child, String):
            if child.fontName not in ours:
                name = child.fontName.lower()
                bold, slant = "bold" in name, ("oblique" in name or "italic" in name)
                child.fontName = FONT + {(0, 0): "", (1, 0): "-Bold", (0, 1): "-Oblique",
                                         (1, 1): "-BoldOblique"}[(bold, slant)]
        else:
            _own_fonts(child, ours)


def shrink_floor(panels: Sequence[tuple[float, float]], height: float,
                 min_panel: float = MIN_PANEL) -> float:
    """The smallest scale s of a figure ``height`` points tall that keeps each of its panels
    (axes, given as (bottom, top) in points) at least ``min_panel`` tall.

    Constrained layout keeps titles, labels and legends at their size, so the (1 − s)·H points
    a shrink takes come out of the panels, in proportion to their heights: with S the height
    the panels cover (the union of their spans) and h the lowest panel,
    h·(S − (1 − s)·H)/S ≥ m  ⇔  s ≥ 1 − S·(1 − m/h)/H.  1 (no shrink) when h < m already;
    0 without panels."""
    spans = sorted((float(a), float(b)) for a, b in panels if b > a)
    if not spans or height <= 0:
        return 0.0
    h = min(b - a for a, b in spans)
    if h < min_panel:
        return 1.0
    covered, lo, hi = 0.0, spans[0][0], spans[0][1]
    for a, b in spans[1:]:
        if a > hi:
            covered, lo = covered + hi - lo, a
        hi = max(hi, b)
    covered += hi - lo
    return float(min(1.0, max(0.0, 1.0 - covered * (1.0 - min_panel / h) / height)))


def _panels(fig: Any) -> list[tuple[float, float]]:
    """(bottom, top) in points of every axes of a drawn figure, colour bars left out."""
    out = []
    for ax in _all_axes(fig):
        if getattr(ax, "_colorbar", None) is not None:
            continue
        bb = ax.get_window_extent()
        out.append((bb.y0 * 72.0 / fig.dpi, bb.y1 * 72.0 / fig.dpi))
    return out


def _all_axes(fig: Any) -> list[Any]:
    """The axes of a figure and of its subfigures."""
    axes = list(fig.axes)
    for sub in getattr(fig, "subfigs", ()):
        axes += [a for a in _all_axes(sub) if a not in axes]
    return axes


def true_minus(fig: Any) -> None:
    """Give the text drawn in ``fig`` the minus sign of the page ("−", U+2212;
    :func:`landscape.numfmt.figure_minus`): every text artist (titles, labels, legends,
    annotations, table cells) now, and every tick label when the ticks are made (each
    axis's formatters are wrapped: labels built by f-strings or fixed strings carry the
    hyphen-minus, which ``axes.unicode_minus`` only fixes for matplotlib's own formatters)."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        text = t.get_text()
        if isinstance(text, str) and "-" in text:
            t.set_text(figure_minus(text))
    for ax in _all_axes(fig):
        for axis in (getattr(ax, f"{k}axis", None) for k in "xyz"):
            if axis is None:
                continue
            for fmt in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if getattr(fmt, "_true_minus", False):
                    continue
                fmt.format_ticks = _minus_ticks(fmt.format_ticks)
                fmt._true_minus = True


def _minus_ticks(format_ticks: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
    """``format_ticks`` whose labels pass through :func:`landscape.numfmt.figure_minus`."""
    def wrapped(values: Any) -> list[str]:
        return [figure_minus(str(s)) for s in format_ticks(values)]
    return wrapped


def drawn_figure(draw: Callable[[Any], Any], width: float, height: float) -> tuple[Any, float]:
    """:func:`figure_drawing` and the figure's :func:`shrink_floor`; its text carries the
    true minus sign (:func:`true_minus`)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(_rc()):
        fig = Figure(figsize=(width / 72.0, height / 72.0), layout="constrained")
        draw(fig)
        true_minus(fig)
        drawing = _svg_drawing(fig)
        return drawing, shrink_floor(_panels(fig), height)


def bound_now(draw: Callable[..., Any]) -> Callable[..., Any]:
    """``draw`` with the variables it reads from enclosing functions bound to their values
    now, each in a cell of its own: a closure such as ``lambda fig: plot(x, title=f"{R}
    runs")`` keeps the ``R`` of this moment even if its function rebinds ``R`` afterwards (as
    it would when redrawn at another size during the layout).  The values are not copied
    (an array changed in place still shows the change); a variable not yet assigned keeps
    its shared cell; anything but a plain function is returned as it is."""
    cells = getattr(draw, "__closure__", None)
    if not cells or not isinstance(draw, types.FunctionType):
        return draw

    def own(cell: Any) -> Any:
        try:
            return types.CellType(cell.cell_contents)
        except ValueError:  # not assigned yet
            return cell

    bound = types.FunctionType(draw.__code__, draw.__globals__, draw.__name__,
                               draw.__defaults__, tuple(own(c) for c in cells))
    bound.__kwdefaults__ = draw.__kwdefaults__
    return bound


def figure_drawing(draw: Callable[[Any], Any], width: float, height: float) -> Any:
    """``draw(fig)`` into a constrained-layout Figure of ``width`` × ``height`` points, as a
    Drawing of that size (exceptions of ``draw`` propagate)."""
    return drawn_figure(draw, width, height)[0]


@lru_cache(maxsize=512)
def math_drawing(text: str, size: float) -> Any:
    """Mathtext ``text`` at ``size`` as a Drawing just as large as the typeset line (width,
    height + descent from matplotlib's own measurement)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    w, h, d = (v * size / 10.0 for v in _math_extent10(text))
    pad = 0.15 * size
    with mpl.rc_context(_rc()):
        fig = Figure(figsize=((w + 2 * pad) / 72.0, (h + 2 * pad) / 72.0))
        fig.patch.set_alpha(0.0)
        fig.text(pad / (w + 2 * pad), (d + pad) / (h + 2 * pad), text, fontsize=size,
                 ha="left", va="baseline")
        return _svg_drawing(fig)


#: a bracketed group or one between bars ("(√κ + 1)", "(η, β)", "|1 − ηL|") with at most
#: this many characters inside is never broken over two lines of prose (:func:`bound_groups`)
SHORT_GROUP = 12

_CLOSING = {"(": ")", "[": "]", "{": "}"}
#: a group between bars or double bars, its ends no spaces ("|1 − ηL|", "‖x − y‖")
_BARRED = re.compile(r"([|‖])(\S(?:[^|‖\n]*\S)?)\1")


#: a number as prose prints it, with its sign, exponent and one provenance mark ("3.601e+05ᵉ")
_PRINTED_NUMBER = r"[−-]?\d[\d.]*(?:e[+−-]?\d+)?[^\s,\d]?"
#: the inside of an interval or a pair, two numbers ("0, 3.601e+05ᵉ"): bound whatever its
#: length, as a number is (:func:`bound_groups`)
_NUMBER_PAIR = re.compile(rf"{_PRINTED_NUMBER}, {_PRINTED_NUMBER}")


#: a tuple of symbols or numbers, items without spaces or words joined by ", " ("−3.779,
#: −3.283", "0.9, 0.999", "η, β"): a coordinate pair or a pair of settings, never broken
#: while at most :data:`GROUP_CHARS` characters long (:func:`bound_groups`)
_TUPLE = re.compile(r"(?:(?![A-Za-z]{2})[^\s,])+(?:, (?:(?![A-Za-z]{2})[^\s,])+)+")


def _short_group(inside: str, chars: int, formula_chars: int = 0) -> bool:
    """Whether a group with ``inside`` between its brackets or bars is short: at most
    ``chars`` characters, a pair of two numbers (:data:`_NUMBER_PAIR`, whatever its
    length), a tuple (:data:`_TUPLE`) of at most :data:`GROUP_CHARS`, or a formula of at
    most ``formula_chars`` (its only Latin words the names of :data:`FUNCTIONS`: "ln 0.00464
    / ln 0.00630", not "f″ = −cos x < 0 near 0")."""
    return (len(inside) <= chars or bool(_NUMBER_PAIR.fullmatch(inside))
            or (len(inside) <= GROUP_CHARS and bool(_TUPLE.fullmatch(inside)))
            or (len(inside) <= formula_chars
                and all(w in FUNCTIONS for w in re.findall(r"[A-Za-z]{2,}", inside))))


def bound_groups(text: str, chars: int = SHORT_GROUP, formula_chars: int = 0) -> str:
    """``text`` with the spaces inside each bracketed group, matched with its nesting, and
    each group between bars that is short (:func:`_short_group`: at most ``chars``
    characters inside, a tuple such as a coordinate pair "(−3.779, −3.283)", an interval
    or a pair of two numbers, "[0," / "3.601e+05ᵉ]" never, or a formula of at most
    ``formula_chars``, "(ln 0.00464 /" / "ln 0.00630)" never) made non-breaking, so that a
    line never ends inside it ("(√κ +" / "1)", "|1 −" / "ηL|", "(−3.779," / "−3.283)"); a
    longer group breaks as words do."""
    out, stack = list(text), []
    for i, c in enumerate(text):
        if c in _CLOSING:
            stack.append(i)
        elif c in _CLOSING.values():
            while stack and _CLOSING[text[stack[-1]]] != c:
                stack.pop()  # an unmatched opening bracket: no group
            if stack and _short_group(text[(j := stack.pop()) + 1:i], chars, formula_chars):
                out[j + 1:i] = [NBSP if x == " " else x for x in out[j + 1:i]]
    for m in _BARRED.finditer(text):
        if _short_group(m.group(2), chars, formula_chars):
            a, b = m.span(2)
            out[a:b] = [NBSP if x == " " else x for x in out[a:b]]
    return "".join(out)


#: the binary signs whose spaces :func:`bound_operations` binds between short operands
OPERATIONS = "+−×/"
#: a signed symbol standing as a factor before the formula it multiplies ("−η g/(|g| + ε)"):
#: a minus sign and one or two letters, followed by a word that is not a Latin word
_SIGNED_FACTOR = re.compile(r"(?<!\S)(−[^\W\d_]{1,2}) (?=(?![A-Za-z]{2})\S)")
#: the elementary functions and extrema prose names ("ln 0.00464", "max f")
FUNCTIONS = ("cos", "sin", "tan", "cosh", "sinh", "tanh", "exp", "log", "ln", "max", "min")
#: an elementary function or an extremum applied to a one-letter argument or to a number,
#: perhaps signed or after a slash or a Δ ("cos x", "−cos x", "Δln ρ/ln ρ", "max f − min f",
#: "ln 0.00111"): one word, never "−cos" / "x", "ρ/ln" / "ρ" or "(ln" / "0.00111"
_FUNCTION_ARG = re.compile(rf"(?<![^\s(\[−/Δ])((?:{'|'.join(FUNCTIONS)})) "
                           r"(?=[^\W\d_](?![\w(])|\d)")


def bound_operations(text: str, chars: int = SHORT_GROUP) -> str:
    """``text`` with the spaces around each spaced binary sign (:data:`OPERATIONS`) made
    non-breaking when the operands on both sides are short, at most ``chars`` characters
    up to the next breakable space, punctuation after it not counted ("1 − ημ", "f − f*",
    "|η/threshold − 1|", a product of boxes "[−4.5, 4.5] × [−4.5, 4.5]" once
    :func:`bound_groups` has bound each box), and
    the space after a signed symbol multiplying what follows ("−η g/(|g| + ε)") or after
    an elementary function applied to a one-letter argument ("−cos x",
    :data:`_FUNCTION_ARG`), so that a line never ends on the sign or the factor.  The
    operand before a sign counts what the signs before it bound to it, so a chain binds
    only while it is short: a long sum ("(x + 2·y − 7)² + (2·x + y − 5)²") still wraps
    between its terms."""
    words = _FUNCTION_ARG.sub(r"\1" + NBSP, _SIGNED_FACTOR.sub(r"\1" + NBSP, text)).split(" ")
    seps, unit = [" "] * len(words), [len(w.rstrip(".,;:")) for w in words]
    for k in range(1, len(words) - 1):
        if (len(words[k]) == 1 and words[k] in OPERATIONS
                and 0 < unit[k - 1] <= chars and 0 < unit[k + 1] <= chars):
            seps[k - 1] = seps[k] = NBSP
            unit[k + 1] += unit[k - 1] + 3
    return "".join(w + sep for w, sep in zip(words, seps, strict=True))[:-1]


#: a space between a count's thousands ("1 000", "60 000"; :func:`landscape.numfmt.spaced`)
#: or after a page reference's "p." / "pp." ("p. 15", "pp. 5–6"), its number printed or
#: still the :func:`page_ref` set in when the PDF is laid out, or before a range of counts
#: after a two-letter word ("of 0–999", "in 3–5")
_NUMBER_SPACE = re.compile(THOUSANDS_SPACE.pattern
                           + r"|(?<=\bp\.) (?=[\d\ue000])|(?<=\bpp\.) (?=[\d\ue000])"
                           r"|(?<=(?<!\S)[^\W\d_]{2}) (?=\d[\d\u00a0]*–\d)")


def bound_numbers(text: str) -> str:
    """``text`` with the spaces that set a count's thousands apart, and the one after a
    page reference's ``p.``, and the one between a two-letter word and a range of counts
    after it, made non-breaking, so that a line never ends inside a number ("1" / "000
    iterations"), a reference ("on p." / "15") or a span ("999 of" / "0–999")."""
    return _NUMBER_SPACE.sub(NBSP, text)


#: the relation signs of prose mathematics: a line never starts or ends with one (the
#: spaces around it are bound to the words beside it: :func:`bound_relations`)
#: (an assignment "←" among them: "x ←" / "x − η(∇f + βv)" never)
RELATIONS = "=≠<>≤≥≈∝←"
_RELATION_SPACE = re.compile(
    rf"(?<=\S) (?=[{RELATIONS}](?:\s|$))"  # before a spaced sign
    rf"|(?<=\s[{RELATIONS}]) (?=\S)")  # after one, before its operand


def bound_relations(text: str) -> str:
    """``text`` with the spaces on both sides of each spaced relation sign
    (:data:`RELATIONS`) made non-breaking, so that no line of prose begins with a relation
    ("f‴" / "= 6 ≠ 0", "Σηₖ²" / "< ∞") or ends with one ("β =" / "((√κ − 1)/(√κ + 1))²",
    "‖x‖∞ >" / "1e+08·(1 + ‖x₀‖∞)", "f =" / "(x² + y − 11)² + …"): the sign stays with the
    word before it and the first word of its operand, and a line breaks between the
    formula's terms or words instead."""
    return _RELATION_SPACE.sub(NBSP, text)


#: the space before a marker's symbol in brackets, "(×)", "(○)", "[▽]": no letter or digit
_MARK_SPACE = re.compile(r"(?<=\S) (?=[(\[][^\w\s]{1,2}[)\]])")


#: the space after an operator sign that opens a bracket, "(× 0.0114": no line ends on it
_OPEN_OPERATOR = re.compile(r"(?<=[(\[][×÷]) ")


def bound_marks(text: str) -> str:
    """``text`` with the space before a marker's symbol in brackets made non-breaking, so
    that the symbol stays with the word it marks and no line holds it alone ("diverged" /
    "(×)." never), and the space after an operator sign opening a bracket, so that the
    sign stays with its operand ("(×" / "0.0114, per-step q …" never, study p. 40)."""
    return _OPEN_OPERATOR.sub(NBSP, _MARK_SPACE.sub(NBSP, text))


def bound_spaces(text: str, groups: bool = True) -> str:
    """``text`` with the spaces prose must not break at made non-breaking: a count's
    thousands (:func:`bound_numbers`) and, with ``groups`` (prose, not a table cell,
    whose pieces :func:`unbroken_groups` binds as its column allows), the spaces inside
    short groups (:func:`bound_groups`, a group holding a formula and no prose up to
    :data:`GROUP_CHARS` characters, as a table cell holds it) and around relation signs
    (:func:`bound_relations`)."""
    text = bound_numbers(text)
    return bound_marks(bound_relations(bound_formulas(text, GROUP_CHARS))) if groups else text


def bound_formulas(text: str, formula_chars: int = 0) -> str:
    """``text`` with its short formulas bound: short groups and tuples
    (:func:`bound_groups`, formulas in brackets up to ``formula_chars`` characters), then
    implicit products (:func:`bound_products`), then short operations and signed factors
    (:func:`bound_operations`)."""
    return bound_operations(bound_products(bound_groups(text, SHORT_GROUP, formula_chars)))


#: a factor of an implicit product: a symbol of one to three letters, digits as scripts,
#: not a Latin word and not begun by a script ("C", "ρᵏ", "xₖ", not "of" nor a value's
#: lone mark "ᵐ")
_FACTOR = r"(?![A-Za-z]{2}|[\u02b0-\u02ff\u1d2c-\u1d6a\u1d9b-\u1dbf\u2070-\u209f])[^\W\d_]{1,3}"
#: a word of a product: a symbol (:data:`_FACTOR`) or a bracketed group with no two Latin
#: letters in a row and no breakable space, as :func:`bound_groups` leaves a short one
#: ("(k + 1)" with non-breaking spaces), perhaps with a script after it ("(1 − ηλ)²")
_PRODUCT_WORD = re.compile(rf"{_FACTOR}|[(\[](?:(?![A-Za-z]{{2}})[^ ])*[)\]][^\W\d_]*")
#: an opening bracket and a symbol: a line never ends on it ("(V" / "the measured …")
_OPENING_SYMBOL = re.compile(rf"[(\[]{_FACTOR}")
#: a symbol (:data:`_FACTOR`) with scripts written as markup, each one character or a
#: bracket without spaces ("C", "e_k^q", "e_(k+1)", "ρᵏ"): a factor of a product of symbols
_SCRIPTED = re.compile(rf"{_FACTOR}(?:[_^](?:\([^\s()]*\)|[^\s()]))*")


def bound_products(text: str) -> str:
    """``text`` with the space between the factors of an implicit product, a symbol next to
    a short bracketed group (:data:`_PRODUCT_WORD`: "C (k + 1) ρᵏ", never "C" / "(k + 1)
    ρᵏ") or two symbols right after a relation sign (:data:`_SCRIPTED`: "≈ C eₖ^q", never
    "≈ C" / "eₖ^q"), and the space after an opening bracket and a symbol
    (:data:`_OPENING_SYMBOL`: "(V the", never "(V" / "the") made non-breaking."""
    words = text.split(" ")
    seps = [" "] * len(words)
    for k in range(len(words) - 1):
        a, b = words[k], words[k + 1]
        if (_PRODUCT_WORD.fullmatch(a) and _PRODUCT_WORD.fullmatch(b)
                and (a[0] in "([") != (b[0] in "([")) or (_OPENING_SYMBOL.fullmatch(a) and b):
            seps[k] = NBSP
        elif (k > 0 and len(words[k - 1]) == 1 and words[k - 1] in RELATIONS
              and _SCRIPTED.fullmatch(a) and _SCRIPTED.fullmatch(b)):
            seps[k] = NBSP  # the right side of a relation, a product of symbols
    return "".join(w + sep for w, sep in zip(words, seps, strict=True))[:-1]


#: the precision, in points, of the width a heading's lines are balanced in
BALANCE_TOL = 0.5


def widest_word(text: str, size: float, font: str) -> float:
    """The width, in points, of the widest word of paragraph markup ``text`` set in ``font``
    at ``size`` (tags dropped, a word's script kept in it: ``|dh<sub>d</sub>/dx|`` is one
    word; entities read, words split at ordinary spaces and line breaks,
    so a group bound by non-breaking spaces counts as one word), plus :data:`FIT_SLACK`: the
    narrowest width the paragraph can be set in without breaking a word."""
    from html import unescape

    plain = unescape(re.sub(r"<[^>]*>", "", re.sub(r"<br\s*/?>", " ", str(text))))
    return max((string_width(w, size, font) for w in plain.split(" ") if w),
               default=0.0) + FIT_SLACK


def balanced_width(lines: Callable[[float], int], width: float,
                   tol: float = BALANCE_TOL, least: float = 0.0) -> float:
    """The width, within ``tol`` points, a text that takes n = ``lines(width)`` lines in
    ``width`` points is set in so that its lines are balanced: the narrowest width at which
    it still takes n lines (found by bisection; the greedy line count never falls as the
    width narrows), so that the longest line is as short as n lines allow and a wrapped
    heading leaves no lone word on its last line ("… vanishes with" / "depth" becomes two
    lines of about half the text each); ``width`` itself for a single line.  Never narrower
    than ``least`` (the widest word, :func:`widest_word`): ReportLab splits a word longer
    than its line, keeping the count of lines ("predicted" / "kind" would become "predict" /
    "ed kind", the same two lines)."""
    n = lines(width)
    if n <= 1 or least >= width:
        return width
    lo, hi = max(width / (2.0 * n), least), width
    if lines(lo) <= n:
        return lo
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if lines(mid) <= n else (mid, hi)
    return hi


#: short function words a balanced line never ends with: each is bound to the word after it
#: ("18 Deep chains of activations: the" / "derivative …" never)
FUNCTION_WORDS = ("a", "an", "the", "of", "at", "to", "with", "in", "on", "by", "for", "from")
#: a space after a short function word, or between two items of a list of numbers ("6668,"
#: / "13333" never), in paragraph markup (the word starts the text or follows a space)
_HELD_BREAK = re.compile(rf"(?<!\S)((?i:{'|'.join(FUNCTION_WORDS)})) (?=\S)"
                         r"|(?<=\d,) (?=[−-]?\d)")
#: a line may end after this punctuation, the end of a clause or a list item
CLAUSE_END = ":;,"
#: how much wider than its narrowest balanced width (:func:`balanced_width`) a balanced
#: paragraph may be set so that its lines end after punctuation (:func:`phrased_width`)
PHRASE_SLACK = 0.15


#: a space after a short function word before a word of two letters or more ("a maximum"),
#: in a table cell (a symbol or formula after it, "with η = 2/(μ + L)", "to x ≤ 1", is a
#: piece of its own: :func:`cell_words`)
_HELD_WORD = re.compile(rf"(?<!\S)((?i:{'|'.join(FUNCTION_WORDS)})) (?=[A-Za-z]{{2}})")


def held_phrases(text: str) -> str:
    """Paragraph markup ``text`` with the spaces a balanced line must not end at made
    non-breaking: after a short function word (:data:`FUNCTION_WORDS`: "the" / "derivative"
    never) and between the items of a list of numbers ("6668," / "13333" never)."""
    return _HELD_BREAK.sub(lambda m: (m.group(1) or "") + NBSP, text)


def phrased_width(ends: Callable[[float], list[str]], width: float,
                  least: float = 0.0) -> float:
    """The width a balanced paragraph (a heading, a table's title, a table cell) is set in:
    of the widths from its balanced width w₀ (:func:`balanced_width`, the narrowest at
    which it takes as few lines n as in ``width``) up to min(``width``, w₀·(1 +
    :data:`PHRASE_SLACK`)), at which it still takes n lines (``ends(w)``: the last word of
    each line at width w), the one whose lines, the last not counted, most often end after
    a clause's punctuation (:data:`CLAUSE_END`) and least often on a short function word
    (:data:`FUNCTION_WORDS`), the narrowest of those: lines nearly equal, broken where a
    phrase ends ("18 Deep chains of activations:" / "the derivative vanishes with depth",
    a cell's "around" / "a maximum", not "around a" / "maximum")."""
    w0 = balanced_width(lambda w: len(ends(w)), width, least=least)
    n = len(ends(w0))
    if n <= 1:
        return w0
    def score(w: float) -> int:
        got = ends(w)
        if len(got) != n:
            return -n
        return sum((e[-1:] != "" and e[-1] in CLAUSE_END) - (e.lower() in FUNCTION_WORDS)
                   for e in got[:-1])
    top = min(width, w0 * (1.0 + PHRASE_SLACK))
    trials = [w0 + (top - w0) * k / 12.0 for k in range(13)]
    best = max(trials, key=lambda w: (score(w), -w))
    return best if score(best) > score(w0) else w0


def markup(text: str, groups: bool = True) -> str:
    """``text`` escaped for ReportLab's paragraph markup, signed numbers with the minus sign
    "−" (:func:`landscape.numfmt.page_minus`), the scripts with no Unicode form as tags
    (:func:`analysis.plots.page_tags`: ``x_K`` → ``x<sub>K</sub>``), short groups bound
    (:func:`bound_groups`; ``groups=False`` for a table cell, whose groups
    :func:`unbroken_groups` binds as its column allows); code spans
    (:data:`analysis.plots.CODE_SPAN`, between backticks) literally in the monospace font;
    a count's thousands and a page reference kept on one line and, in prose, no line begun
    with a relation sign (:func:`bound_spaces`); newlines become line breaks."""
    from analysis.plots import CODE_SPAN, page_tags

    parts = CODE_SPAN.split(str(text))
    return "".join(f'<font face="{MONO}">{escape(p)}</font>' if i % 2
                   else page_tags(escape(page_minus(bound_spaces(p, groups))))
                   for i, p in enumerate(parts)).replace("\n", "<br/>")


def code(text: str) -> str:
    """``text`` as a code span of page text (a key or command the reader types): set
    literally, in the monospace font, by :func:`markup`."""
    return f"`{text}`"


# ============================================================================ flowables


#: the end of a sentence in a paragraph's markup: a full stop (or "?", "!") and the closing
#: brackets or quotes after it, then a space
_SENTENCE_END = re.compile(r"[.?!][)\]”’]*(?= )")


def _at_sentence_end(para: Any, width: float, height: float) -> list[Any]:
    """Paragraph flowable ``para`` split to fit ``height`` points at the end of a sentence:
    its sentences up to the last one that ends within them, of at least two lines (no
    orphan), and the rest, as two paragraphs of its class and style (the rest marked
    ``continues``, as ``para.split`` marks it); [] when no sentence ends there."""
    text = getattr(para, "text", None)
    if not text or getattr(para, "bulletText", None):
        return []
    tags = [m.span() for m in re.finditer(r"<[^>]*>", text)]
    ends = [m.end() for m in _SENTENCE_END.finditer(text)
            if not any(a <= m.start() < b for a, b in tags)]
    line = para.style.leading
    for end in reversed(ends):
        first = type(para)(text[:end], para.style)
        h = first.wrap(width, 1e6)[1]
        if h < 2.0 * line - 0.5:
            break
        if h <= height:
            rest = type(para)(text[end:].lstrip(), para.style)
            rest.continues = True
            return [first, rest]
    return []


def _flowables() -> Any:
    """The platypus flowable classes of this engine (defined on first use: ReportLab is
    imported only when a PDF is written)."""
    return _define_flowables()


@lru_cache(maxsize=1)
def _define_flowables() -> Any:  # noqa: C901 - one namespace of small classes
    from reportlab.graphics import renderPDF
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable, TableStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus.doctemplate import ActionFlowable, IndexingFlowable

    register_fonts()

    class NS:
        pass

    ns = NS()

    def style(size: float, *, weight: str = "normal", slant: str = "normal",
              color: str = "black", family: str = FONT, align: int = TA_LEFT,
              leading: float | None = None, indent: float = 0.0, hang: float = 0.0,
              before: float = 0.0, after: float = 0.0) -> ParagraphStyle:
        name = family
        if family == FONT:
            name = {(0, 0): FONT, (1, 0): f"{FONT}-Bold", (0, 1): f"{FONT}-Oblique",
                    (1, 1): f"{FONT}-BoldOblique"}[(weight == "bold", slant == "italic")]
        elif family == MONO and weight == "bold":
            name = f"{MONO}-Bold"
        return ParagraphStyle(
            f"s{size}{name}{color}{align}{indent}{hang}", fontName=name, fontSize=size,
            leading=leading or size * LEADING, textColor=colors.HexColor(color)
            if color.startswith("#") else getattr(colors, color, colors.black),
            alignment=align, leftIndent=indent + hang, firstLineIndent=0.0,
            bulletIndent=indent, spaceBefore=before, spaceAfter=after,
            bulletFontName=FONT, bulletFontSize=size, splitLongWords=1, allowWidows=0,
            allowOrphans=0, spaceShrinkage=0.0)  # no line wider than the column

    ns.style = style

    class BodyParagraph(RLParagraph):
        """A paragraph of running text whose rest, when split across a page, is marked
        ``continues``: a waiting figure is placed after that rest, not inside the paragraph."""

        continues = False

        def split(self, aW: float, aH: float) -> list[Flowable]:
            parts = super().split(aW, aH)
            if len(parts) == 2:
                parts[1].continues = True
            return parts

    ns.BodyParagraph = BodyParagraph

    class RefParagraph(BodyParagraph):
        """A paragraph that names the pages of figures (:func:`page_ref`): at each layout
        pass its text is set anew from the pages the figures were drawn on in the pass
        before (``doc._figures_before``)."""

        template: str | None = None  # the text with its references (None on a split part)
        doc: Any = None

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            if self.template is not None:
                text = resolve_page_refs(self.template, self.doc._figures_before)
                if text != self.text:
                    RLParagraph.__init__(self, text, self.style, bulletText=self.bulletText)
            return super().wrap(aW, aH)

    ns.RefParagraph = RefParagraph

    class PageRefCheck(IndexingFlowable):
        """Takes no room; keeps the layout passes going until every figure page a
        paragraph names (``labels``) is the page that figure was drawn on in the last
        pass."""

        def __init__(self, doc: Document, labels: Sequence[str]):
            super().__init__()
            self.doc, self.labels = doc, list(labels)

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            return 0.0, 0.0

        def draw(self) -> None:
            pass

        def isSatisfied(self) -> bool:
            d = self.doc
            return all(labelled_page(d._figure_pages, k) == labelled_page(d._figures_before, k)
                       for k in self.labels)

    ns.PageRefCheck = PageRefCheck

    class BalancedParagraph(RLParagraph):
        """A paragraph whose lines, when it wraps, are balanced (:func:`balanced_width`): a
        heading or a table's title, whose last line is never a lone fragment of it; no line
        ends on a short function word or inside a list of numbers (:func:`held_phrases`),
        and of nearly equal breaks the one after a clause is taken (:func:`phrased_width`)."""

        def __init__(self, text: str, *args: Any, **kw: Any):
            super().__init__(held_phrases(text), *args, **kw)

        def _ends(self, width: float) -> list[str]:
            RLParagraph.wrap(self, width, 1e6)
            return line_ends(self)

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            """Set in ``aW`` points, its lines balanced and broken after a clause where
            they can be (:func:`phrased_width`)."""
            least = widest_word(self.text, self.style.fontSize, self.style.fontName)
            _, h = super().wrap(phrased_width(self._ends, aW, least=least), aH)
            return aW, h

    ns.BalancedParagraph = BalancedParagraph

    def line_ends(para: Any) -> list[str]:
        """The last word of each line of wrapped paragraph ``para`` (its ``blPara``)."""
        bl = para.blPara
        out = []
        for x in bl.lines:
            words = x[1] if bl.kind == 0 else [w.text for w in x.words]
            text = "".join(words) if bl.kind else " ".join(words)
            out.append(text.split()[-1] if text.split() else "")
        return out

    ns.line_ends = line_ends

    class HeadingFlowable(BalancedParagraph):
        """A heading paragraph that, when drawn, adds its contents entry and bookmark."""

        def __init__(self, h: Heading, key: str, document: Any = None):
            size = HEADING_SIZES.get(h.level, 10.0)
            super().__init__(markup(h.title), style(size, weight="bold", leading=size * 1.25,
                                                    before=HEADING_BEFORE.get(h.level, 5.0),
                                                    after=6.0))
            self.heading = h
            self.key = key
            self.document = document  # the Document whose pages it records
            self.starts_section = h.level <= 1

        full_width = CONTENT_W  # the column's width (the rule under a chapter spans it)

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            """Set in ``aW`` points, its lines balanced (:class:`BalancedParagraph`)."""
            self.full_width = aW
            _, h = super().wrap(aW, aH)
            return aW, h + (3.0 if self.heading.level == 1 else 0.0)

        def draw(self) -> None:
            super().draw()
            h = self.heading
            if h.level == 1:
                self.canv.setLineWidth(0.8)
                self.canv.line(0, -1.5, self.full_width, -1.5)
            doc = getattr(self.canv, "_doctemplate", None)
            page = self.canv.getPageNumber()
            if self.document is not None:  # the page a paragraph names for it
                self.document._figure_pages.setdefault(SECTION_PAGE + h.text, page)
            self.canv.bookmarkPage(self.key)
            # outline levels: title and chapters 0, sections 1, …; never deeper than one
            # below the previous entry (a PDF outline cannot skip a level)
            level = min(max(0, h.level - 1), getattr(self.canv, "_outline_level", -1) + 1)
            self.canv._outline_level = level
            self.canv.addOutlineEntry(h.title, self.key, level=level, closed=level >= 1)
            if doc is not None and 1 <= h.level <= 2:
                doc.notify("TOCEntry", (h.level - 1, h.title, page, self.key))

    ns.HeadingFlowable = HeadingFlowable

    class MathFlowable(Flowable):
        """One mathtext line as a vector drawing, indented."""

        def __init__(self, line: MathLine, indent: float, after: float):
            super().__init__()
            self.line, self.indent, self.after = line, indent, after
            self.drawing = math_drawing(line.text, line.size)

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            return aW, self.drawing.height + 0.4 * self.line.size

        def getSpaceAfter(self) -> float:
            return self.after

        def draw(self) -> None:
            renderPDF.draw(self.drawing, self.canv, self.indent, 0.2 * self.line.size)

    ns.MathFlowable = MathFlowable

    class KeepWithNext(Flowable):
        """Headings kept on the page of the first part of the block that follows them."""

        def __init__(self, heads: list[Flowable], nxt: Flowable | None):
            super().__init__()
            self.heads, self.nxt = heads, nxt
            self.starts_section = any(getattr(h, "starts_section", False) for h in heads)
            # the rest of a lead-in split across the page (:meth:`_split_lead`): a waiting
            # figure goes after it, not between the parts of the paragraph
            self.continues = bool(heads) and getattr(heads[0], "continues", False)
            #: the text after it fills this page: it goes whole to the next (:func:`_text_first`)
            self.moves_next = False

        def _parts(self) -> list[Flowable]:
            return self.heads + ([self.nxt] if self.nxt is not None else [])

        def _heads_h(self, aW: float, heads: Sequence[Flowable] | None = None) -> float:
            """The height of ``heads`` (all the heads) set one after the other in ``aW``
            points, with the space after each and between them."""
            total = 0.0
            for i, f in enumerate(self.heads if heads is None else heads):
                _, h = f.wrap(aW, 1e6)
                total += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0.0)
            return total

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            hh = self._heads_h(aW)
            self._hh = hh
            nh = 0.0
            if self.nxt is not None:
                self.nxt.canv = self.canv
                self.nxt._frame = getattr(self, "_frame", None)
                _, nh = self.nxt.wrap(aW, max(aH - hh - self.nxt.getSpaceBefore(), 0.0))
                nh += self.nxt.getSpaceBefore()
            self.width, self.height = aW, hh + nh
            return aW, self.height

        def getSpaceBefore(self) -> float:
            return self.heads[0].getSpaceBefore()

        @property
        def items(self) -> list[FigureBlock]:
            """The figures of a lead-in kept with its figure row (it floats with them)."""
            return self.nxt.items if isinstance(self.nxt, FigureRow) else []

        def fits(self, aH: float, last: bool = False) -> bool:
            """Whether the lead-in and its figure row fit ``aH`` points (see
            :meth:`FigureRow.fits`)."""
            return self.nxt.fits(aH - self._heads_h(self.width or CONTENT_W)
                                 - self.nxt.getSpaceBefore(), last)

        def getSpaceAfter(self) -> float:
            return self.nxt.getSpaceAfter() if self.nxt is not None else \
                self.heads[-1].getSpaceAfter()

        def split(self, aW: float, aH: float) -> list[Flowable]:
            """The part that fits ``aH`` and the rest.  A figure row never splits: when a
            heading, its text and the figure that text announces do not fit the more than a
            third of a page left, the heading and its text stay here and the figure
            follows on its own (:meth:`_release`), rather than leave the page that blank."""
            hh = self._heads_h(aW)
            if isinstance(self.nxt, FigureRow):
                return self._release(aW, aH)
            if self.nxt is None or self.moves_next:
                return []
            self.nxt.canv = self.canv
            self.nxt._frame = getattr(self, "_frame", None)
            if self._whole_on_next(aW):
                return self._release(aW, aH)
            if hh >= aH:
                return self._split_lead(aW, aH)
            lead = self._lead_for_table(aW, aH)
            if lead:
                return lead
            # what moving the block whole would leave blank: the lead-in's room too
            self.nxt.lead = hh + self.nxt.getSpaceBefore()
            parts = self.nxt.split(aW, aH - hh - self.nxt.getSpaceBefore())
            if not parts:  # (one part: the block whole, fitted to the rest of the page)
                return self._split_lead(aW, aH)
            return [KeepWithNext(self.heads, parts[0]), *parts[1:]]

        def _split_lead(self, aW: float, aH: float) -> list[Flowable]:
            """When what the heads introduce cannot begin in ``aH`` points: the lead-in
            paragraph that ends the heads split, its first lines (with the heads before
            it) filling the page and its last lines (at least two: the style allows no
            widow) going to the next page with what it introduces; nothing (all of it goes
            to the next page) when the last head is no paragraph of running text or fewer
            than two of its lines fit (no orphan), when moving the block whole leaves at
            most :data:`LEAD_SPLIT_GAP` of the page blank, or at most
            :data:`SHORT_SPLIT_GAP` while the split would leave more than
            :data:`LEAD_SPLIT_GAP` (a paragraph broken in mid-sentence over a quarter of a
            page blank reads as an accident, Himmelblau p. 7; the lead-in stays with its
            table), or when the heads hold a heading
            (a section's opening may begin the next page: the page it leaves ends a
            section).  Moving the block whole left
            study p. 39 0.36 blank in the middle of a section under a paragraph of 10
            lines.  Heads that hold a heading begin here only as :meth:`_release` lets them.
            The paragraph breaks after the last sentence that ends on this page
            (:func:`_at_sentence_end`) when the page still reads full (at most
            :data:`LEAD_SPLIT_GAP` blank), else at a line: chained Rosenbrock p. 6 broke its
            lead-in after "(4.2e−13 to 5.0e−13 over these runs;", where a sentence had ended
            a line before.  Nor do two lines of it alone end a page in mid-sentence when
            moving the block whole leaves at most :data:`SHORT_SPLIT_GAP` blank (chained
            Rosenbrock p. 7 ended "…after a rise from 0.888 at k = 10, fall" over a sixth of
            the page blank)."""
            last, before = self.heads[-1], self.heads[:-1]
            if any(isinstance(h, HeadingFlowable) for h in self.heads):
                return self._release(aW, aH)
            if not isinstance(last, BodyParagraph) or aH <= LEAD_SPLIT_GAP * self._frame_h():
                return []
            room = aH - (self._heads_h(aW, before) + last.getSpaceBefore() if before else 0.0)
            # (the whole of it may fit: its last two lines go all the same)
            whole = last.wrap(aW, 1e6)[1]
            limit = min(room, whole - 2.0 * last.style.leading + 0.5)
            parts = last.split(aW, limit)
            if len(parts) != 2:
                return []
            first = KeepWithNext(before, parts[0]) if before else parts[0]
            at_end = _at_sentence_end(last, aW, limit)
            if at_end:
                ends = KeepWithNext(before, at_end[0]) if before else at_end[0]
                ends.canv = getattr(self, "canv", None)
                if aH - ends.wrap(aW, aH)[1] <= LEAD_SPLIT_GAP * self._frame_h():
                    parts, first = at_end, ends
            if aH <= SHORT_SPLIT_GAP * self._frame_h():
                first.canv = getattr(self, "canv", None)
                if aH - first.wrap(aW, aH)[1] > LEAD_SPLIT_GAP * self._frame_h():
                    return []
                # two lines of it alone, broken in mid-sentence, at the page's foot: a
                # fragment; the block moves whole
                if parts is not at_end and not before and parts[0].wrap(aW, aH)[1] \
                        < 3.0 * last.style.leading - 0.5:
                    return []
            return [first, KeepWithNext([parts[1]], self.nxt)]

        def _lead_for_table(self, aW: float, aH: float) -> list[Flowable]:
            """The lead-in split (:meth:`_split_lead`) rather than the short table it
            announces (:meth:`TableFlowable.short`, or two side by side, :class:`TableRow`),
            which misses the ``aH`` points left: the
            first lines of the lead-in fill the page and its last lines open the next one
            directly above the whole table, when the page is then left at most
            :data:`LEAD_SPLIT_GAP` blank (it reads full); else the lead-in whole on this
            page and the table on the next (:meth:`_lead_whole_table_next`), when the
            lead-in fits, that leaves less blank and moving the block whole would leave
            more than :data:`SHORT_SPLIT_GAP`; else the split when it leaves at most
            :data:`SHORT_SPLIT_GAP`; else nothing (the table splits or moves as before).
            Text splits across a page as a matter of course, a table of a few rows reads
            badly in two parts: the study's 'GD with η = 2/(μ + L)' split 3 + 6 rows over
            pp. 24-25 under a lead-in of six lines; but a paragraph broken in mid-sentence
            over a quarter of a page blank reads as an accident (Himmelblau p. 7)."""
            if not (isinstance(self.nxt, ns.TableRow)
                    or isinstance(self.nxt, TableFlowable) and self.nxt.short()):
                return []
            parts = self._split_lead(aW, aH)
            blank = aH
            if parts:
                parts[0].canv = getattr(self, "canv", None)
                blank = aH - parts[0].wrap(aW, aH)[1] - parts[0].getSpaceAfter()
                if blank <= LEAD_SPLIT_GAP * self._frame_h():
                    return parts
            whole = self._lead_whole_table_next(aW, aH, blank)
            if whole or not parts or blank > SHORT_SPLIT_GAP * self._frame_h():
                return whole
            return parts

        def _lead_whole_table_next(self, aW: float, aH: float, blank: float) -> list[Flowable]:
            """The heads whole on this page and the short table or the pair of tables
            (:class:`TableRow`) they announce whole at the top of the next, when the table
            misses the ``aH`` points (it moves whole), moving the whole block would leave
            more than :data:`SHORT_SPLIT_GAP` of the page blank, and the heads left whole
            leave less of it blank than ``blank`` (the lead-in split with its last lines
            going with the table, :meth:`_split_lead`, or all ``aH`` points); else nothing.
            The quadratic report's lead-in of its per-step tables (12 lines) ends p. 5 whole,
            118 points above the notes, rather than leave 156 (its last two lines moved) or
            split the 'GD' table 3 + 6 rows; Himmelblau's lead-in of its 'L-BFGS' table ended
            p. 7 in mid-sentence, a quarter of the page blank under it, its last two lines
            above the table on p. 8."""
            if aH <= SHORT_SPLIT_GAP * self._frame_h() \
                    or any(isinstance(h, HeadingFlowable) for h in self.heads):
                return []
            hh = self._heads_h(aW)
            rest = aH - hh - self.nxt.getSpaceBefore()
            # the table alone under the heads: no lead-in moves with it (a lead an earlier
            # split() of this block set would count the heads' room as the table's)
            lead, self.nxt.lead = self.nxt.lead, 0.0
            try:
                alone = rest > 0.0 and rest < blank and self.nxt.wrap(aW, rest)[1] > rest \
                    and not self.nxt.split(aW, rest)
            finally:
                self.nxt.lead = lead
            return [KeepWithNext(self.heads, None), self.nxt] if alone else []

        def _whole_on_next(self, aW: float) -> bool:
            """Whether a section's opening goes whole to the next page instead of splitting:
            with the table of at most :data:`SHORT_ROWS` rows it introduces, or with the
            figure row it introduces when nothing after that row may float past it
            (:func:`_floats_past`; its text alone would leave the rest of the page blank in
            the middle of the section).  The page it leaves then ends the previous section
            (its blank is allowed), and the block fits one page.  A table's opening begins
            here all the same when :meth:`_release` lets it."""
            if isinstance(self.nxt, TableFlowable):
                whole = len(self.nxt.rows) <= SHORT_ROWS
            elif isinstance(self.nxt, FigureRow):
                after = self.nxt.after
                whole = after is None or not _floats_past(after, ns)
            else:
                whole = False
            if not (self.starts_section and whole):
                return False
            _, nh = self.nxt.wrap(aW, 1e6)
            return self._heads_h(aW) + self.nxt.getSpaceBefore() + nh <= self._frame_h()

        def _release(self, aW: float, aH: float) -> list[Flowable]:
            """Headings and the text under them (split over the page when it is long), then
            what they introduce on its own (a figure row may float; a table splits or moves
            by its own rules), when the headings may begin here (:meth:`_opens_here`) and
            the block is no section's opening with a figure nothing may float past
            (:meth:`_whole_on_next`: its text alone would leave the rest of the page blank
            in the middle of the section); else nothing (all of it goes to the next page).
            Moving a section's opening whole with its table left kink p. 4 0.60 blank and
            p. 7 0.55 blank."""
            k = self._head_count()
            if not self._opens_here(aW, aH, k) or (
                    isinstance(self.nxt, FigureRow) and self._whole_on_next(aW)):
                return []
            return [KeepWithNext(self.heads[:k], self.heads[k]), *self.heads[k + 1:], self.nxt]

        def _head_count(self) -> int:
            """The number of heads up to the last heading among them (0: none)."""
            return max((i + 1 for i, f in enumerate(self.heads)
                        if isinstance(f, HeadingFlowable)), default=0)

        def _opens_here(self, aW: float, aH: float, k: int) -> bool:
            """Whether the first ``k`` heads (the headings) and the text under them begin in
            the ``aH`` points left, what they introduce going to the next page: moving the
            block whole would leave more than :data:`MAX_GAP` of the page blank, and the
            headings fit with the first block of text under them whole, or with at least
            :data:`OPEN_LINES` lines of it when it is a paragraph (no heading ends a page
            alone or over a line or two of its text)."""
            if k == 0 or k == len(self.heads) or aH <= MAX_GAP * self._frame_h():
                return False
            text = self.heads[k]
            need = self._heads_h(aW, self.heads[:k]) + text.getSpaceBefore()
            whole = text.wrap(aW, 1e6)[1]
            if isinstance(text, RLParagraph):
                whole = min(whole, OPEN_LINES * text.style.leading)
            return need + whole <= aH

        def _frame_h(self) -> float:
            """The height of the text area (the frame this flowable is laid out in)."""
            frame = getattr(self, "_frame", None)
            return frame._aH if frame is not None else CONTENT_H

        def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
            top = y + self.height
            frame = getattr(self, "_frame", None)
            for i, f in enumerate(self._parts()):
                if i:
                    top -= f.getSpaceBefore()
                f.canv = canv
                f._frame = frame
                _, h = f.wrap(self.width, 1e6 if f is not self.nxt else max(top - y, 0.0))
                f.drawOn(canv, x, top - h, _sW=0)
                top -= h
                if f is not self._parts()[-1]:
                    top -= f.getSpaceAfter()

    ns.KeepWithNext = KeepWithNext

    class TableFlowable(Flowable):
        """Title, table and the footnotes it brings to its page (see module docstring)."""

        def __init__(self, t: Table, doc: Document, widths: list[float] | None = None,
                     continued: bool = False, rows: list[list[str]] | None = None,
                     notes: bool = True):
            super().__init__()
            self.t, self.doc, self.continued = t, doc, continued
            self.rows = t.rows if rows is None else rows
            self.with_notes = notes
            self.full_widths = widths or column_widths(t, CONTENT_W)
            # a table given its widths (half the text width, alone) has its title wrap
            # over the table, not over the text width beside it
            self.title_width = sum(widths) if widths else None
            # a part of a table split over pages shows only the columns it fills (the
            # widths of the others go to them, so no row grows taller)
            keep = [j for j in range(len(t.columns))
                    if any(str(r[j]).strip() for r in self.rows)] or list(range(len(t.columns)))
            scale = sum(self.full_widths) / sum(self.full_widths[j] for j in keep)
            self.cols = [t.columns[j] for j in keep]
            self.cells = [[r[j] for j in keep] for r in self.rows]
            self.widths = [self.full_widths[j] * scale for j in keep]
            # the notes of a table whose rows all fit the page before: no title, no rows
            self.notes_only = rows is not None and not rows
            # the table's summary rows this part holds: its last ones, where the table ends
            ends = bool(self.rows) and self.rows[-1] is t.rows[-1]
            self.summary = min(t.summary, len(self.rows)) if ends else 0
            title = t.title and (f"{t.title} (continued)" if continued else t.title)
            self.title = self._title_paragraph(title) \
                if title and not self.notes_only else None
            self.table = self._table(self.cells)
            self._reserve = 0.0
            self._squeeze = 0.0  # points taken from the clear space above the notes
            self.lead = 0.0  # points of a lead-in kept with it (:class:`KeepWithNext`)
            self.after_page: int | None = None  # a rest: the page of the part before it
            #: all the rows, whose notes are set at the foot of the next page
            #: (:meth:`_rows_here_notes_next`): the page says so (:func:`notes_follow`)
            self.notes_follow = False
            #: all the rows, their notes on the next page, where the footnote
            #: (:func:`notes_follow`) or the title says they are: no pointer to each of them
            self.notes_next = False
            #: a rest goes to the top of the next page before the figures waiting for it
            #: (as the rest of a paragraph does): no figure between the parts of a table
            self.continues = False
            #: the text after it fills this page: it goes whole to the next (:func:`_text_first`)
            self.moves_next = False

        def _cell(self, text: str, align: str, width: float, bold: bool = False,
                  balance: bool = True) -> Any:
            """The paragraph of one cell of a column ``width`` points wide: its bracketed
            groups and lone markers unbroken where the column holds them
            (:func:`unbroken_groups`); its lines balanced (:meth:`_balanced`) unless
            ``balance`` is False (a body cell, balanced with its column: :meth:`_body`)."""
            a = {"r": TA_RIGHT, "c": TA_CENTER}.get(align, TA_LEFT)
            font = f"{FONT}-Bold" if bold else FONT
            text = unbroken_groups(text, width - CELL_PAD, self.t.size, font)
            st = style(self.t.size, weight="bold" if bold else "normal", align=a,
                       leading=self.t.size * 1.25)
            cell = RLParagraph(markup(text, groups=False), st)
            return self._balanced(cell, width - CELL_PAD, a) if balance else cell

        @staticmethod
        def _phrased(cell: Any, inner: float) -> float | None:
            """The width a ``cell`` that wraps in ``inner`` points is balanced to
            (:func:`phrased_width`: the header "smallest ‖∇f‖₂" / "at", the cell "…
            superlinear, as by the" / "geometric mean" become lines of about equal
            length, no word left alone on the last), as many lines as greedy breaking
            gives it; None for a cell of one line."""
            def ends(w: float) -> list[str]:
                cell.wrap(w, 1e6)
                return line_ends(cell)

            least = widest_word(cell.text, cell.style.fontSize, cell.style.fontName)
            if len(ends(inner)) <= 1:
                return None
            return phrased_width(ends, inner, least=least)

        @staticmethod
        def _indented(cell: Any, inner: float, width: float | None, align: int) -> Any:
            """A ``cell`` of a column ``inner`` points wide set in ``width`` points: the
            room it leaves goes to its indents, on the side away from the column's
            alignment (both sides, halved, when centred)."""
            room = 0.0 if width is None else inner - width
            if room <= 0.0:
                return cell
            left = {TA_RIGHT: room, TA_CENTER: room / 2.0}.get(align, 0.0)
            cell.style = ParagraphStyle(f"{cell.style.name}-b{room:.1f}", parent=cell.style,
                                        leftIndent=cell.style.leftIndent + left,
                                        rightIndent=cell.style.rightIndent + room - left)
            return cell

        def _balanced(self, cell: Any, inner: float, align: int) -> Any:
            """A ``cell`` that wraps in ``inner`` points, its lines balanced
            (:meth:`_phrased`)."""
            return self._indented(cell, inner, self._phrased(cell, inner), align)

        def _body(self, rows: list[list[str]]) -> list[list[Any]]:
            """The cells of the body ``rows``, the cells of a column that wrap balanced to
            one width: the widest of their balanced widths (:meth:`_phrased`), so that the
            notes of one table wrap alike (kink p. 6: the GD row's note "… of size 1
            around" / "the kink (bound …" was balanced to 86% of its column beside notes
            that filled it); each keeps the lines greedy breaking gives it, as any width
            between its own balanced width and its column's does."""
            cols, ws = self.cols, self.widths
            cells = [[self._cell(v, c.align, w, balance=False)
                      for v, c, w in zip(r, cols, ws, strict=True)] for r in rows]
            for j, (c, w) in enumerate(zip(cols, ws, strict=True)):
                inner = w - CELL_PAD
                phrased = {i: self._phrased(r[j], inner) for i, r in enumerate(cells)}
                wraps = {i: x for i, x in phrased.items() if x is not None}
                a = {"r": TA_RIGHT, "c": TA_CENTER}.get(c.align, TA_LEFT)
                for i in wraps:
                    self._indented(cells[i][j], inner, max(wraps.values()), a)
            return cells

        def _summary_row(self, row: list[str], i: int) -> tuple[list[Any], list[Any]]:
            """The cells of summary row ``row`` (row ``i`` of the ReportLab table), each set
            across the columns it spans (:func:`summary_spans`), and their SPAN commands."""
            cols, ws = self.cols, self.widths
            out: list[Any] = [""] * len(row)
            spans = []
            for a, z in summary_spans(row, [c.align for c in cols]):
                j = next((k for k in range(a, z + 1) if str(row[k]).strip()), a)
                out[a] = self._cell(row[j], cols[j].align, sum(ws[a:z + 1]))
                if z > a:
                    spans.append(("SPAN", (a, i), (z, i)))
            return out, spans

        def _table(self, rows: list[list[str]]) -> Any:
            cols, ws = self.cols, self.widths
            data = [[self._cell(c.header, c.align, w, True)
                     for c, w in zip(cols, ws, strict=True)]]
            first = len(rows) - self.summary  # the summary rows span their blank cells
            data += self._body(rows[:first])
            spans: list[Any] = []
            for i, r in enumerate(rows[first:], start=first + 1):
                cells, sp = self._summary_row(r, i)
                data.append(cells)
                spans += sp
            tab = RLTable(data, colWidths=self.widths, repeatRows=1, splitByRow=1)
            tab.setStyle(TableStyle([*spans,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("LEFTPADDING", (0, 0), (-1, -1), 3.0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3.0),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.0),
                ("LINEABOVE", (0, 0), (-1, 0), 0.9, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 0.9, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white,
                                                      colors.HexColor("#eef2f7")]),
            ]))
            return tab

        def _title_w(self, aW: float) -> float:
            """The width its title wraps in: the table's own where it was given one,
            else the room ``aW``."""
            return min(aW, self.title_width or aW)

        def _title_h(self, aW: float) -> float:
            if self.title is None:
                return 0.0
            return self.title.wrap(self._title_w(aW), 1e6)[1] + self.title.getSpaceAfter()

        def _notes(self) -> list[str]:
            """The table's notes on the page where it ends; on a page where only a part of
            it lies, the legend of the markers that part uses and the notes of its marks
            (marks are explained on every page where they appear; :func:`table_notes`)."""
            notes = table_notes(self.t, self.rows, ends=self.with_notes)
            if self.with_notes:
                return carried_notes(notes, self.t.title) if self.notes_only else notes
            canv = getattr(self, "canv", None)
            pointers = [] if self.notes_next else ending_pointers(
                self.t, self.doc._notes_before, canv.getPageNumber() if canv else None,
                self.rows)
            return [*notes, *pointers,
                    *([notes_follow(self.t.title)] if self.notes_follow else [])]

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            th = 0.0 if self.notes_only else self.table.wrap(aW, 1e6)[1]
            canv = getattr(self, "canv", None)
            self._reserve = self.doc._note_space(canv, self._notes()) \
                if canv is not None else 0.0
            self.width = aW
            self.height = self._title_h(aW) + th + self._reserve - self._squeeze
            if self.notes_only and canv is not None \
                    and self.after_page == canv.getPageNumber():
                self.height = max(self.height, aH + 1.0)  # the notes go to the next page
            return aW, self.height

        def getSpaceAfter(self) -> float:
            # the footnote space is taken at the foot of the page, not under the table
            return 8.0 - self._reserve

        def short(self) -> bool:
            th = self.table.wrap(CONTENT_W, 1e6)[1]
            return len(self.rows) <= SHORT_ROWS and th <= SHORT_HEIGHT * CONTENT_H

        def splits_short(self, aH: float) -> bool:
            """Whether this short table splits all the same: moving it whole would leave
            more than :data:`SHORT_SPLIT_GAP` of the page blank (``aH`` points, and the
            room of a lead-in kept with it, :attr:`lead`, which would move with it), and it
            has rows enough for :data:`MIN_ROWS` step rows on this page and the part
            :meth:`split` leaves on the next (:meth:`_tail`; a table of a few rows stays
            whole)."""
            return (aH + self.lead > SHORT_SPLIT_GAP * CONTENT_H
                    and len(self.rows) >= MIN_ROWS + self._tail(aH))

        def _tall_first(self, aH: float, k: int, rows_h: Sequence[float],
                        avail: float) -> int:
            """The rows of the first part when this short table splits as a long one does
            (its rows are tall), else 0: of the ``k`` rows that fit (``rows_h``: the heights
            of the header and the rows; ``avail`` points under its title), the most that
            leave :data:`GAP_ROWS` for the next page, at least :data:`GAP_ROWS` of them, when
            with the header they fill at least :data:`TALL_ROWS` of the page and half that
            room and moving the table whole would leave more than :data:`SHORT_SPLIT_GAP` of
            the page blank (``aH`` points and its lead-in's room), as any short table."""
            j = min(k, len(self.rows) - GAP_ROWS)
            fills = sum(rows_h[:j + 1]) >= max(0.5 * avail, TALL_ROWS * self.doc._frame_height)
            gap = aH + self.lead > SHORT_SPLIT_GAP * self.doc._frame_height
            return j if j >= GAP_ROWS and fills and gap else 0

        def _tail(self, aH: float | None = None) -> int:
            """The fewest rows a split leaves for the next page: the summary rows
            (:attr:`Table.summary`) with :data:`SUMMARY_WITH` rows they sum up, else
            :data:`MIN_ROWS`, or :data:`GAP_ROWS` when moving the table whole would leave
            more than :data:`MAX_GAP` of the page blank (``aH`` points and its lead-in's
            room)."""
            if self.t.summary:
                return self.t.summary + SUMMARY_WITH
            if aH is not None and aH + self.lead > MAX_GAP * self.doc._frame_height:
                return GAP_ROWS
            return MIN_ROWS

        def _squeezed(self, aW: float, aH: float) -> Any:
            """This table whole in ``aH`` points when it misses them by at most
            :data:`NOTE_SQUEEZE` and the page has footnotes (their clear space above the
            rule gives the points), else None."""
            canv = getattr(self, "canv", None)
            if canv is None or self._squeeze:
                return None
            over = self.wrap(aW, aH)[1] - aH
            page = canv.getPageNumber()
            if not 0.0 < over <= NOTE_SQUEEZE or not self.doc._lines(
                    *self.doc._merged(page, self._notes())):
                return None
            whole = copy.copy(self)
            whole._squeeze = over
            return whole

        def _goes_next(self, aH: float) -> bool:
            """Whether this table goes whole to the next page without splitting: the notes
            or the rest of a table split on this page (they start the next one), or a table
            the text after it fills this page for (:func:`_text_first`; not on a fresh page
            of ``aH`` points)."""
            canv = getattr(self, "canv", None)
            if self.notes_only or (canv is not None and self.after_page == canv.getPageNumber()):
                return True
            return self.moves_next and aH < self.doc._frame_height - 1.0

        def split(self, aW: float, aH: float) -> list[Flowable]:
            canv = getattr(self, "canv", None)
            if self._goes_next(aH):
                return []
            whole = self._squeezed(aW, aH)
            if whole is not None:
                return [whole]
            full = aH >= self.doc._frame_height - 1.0
            short = self.short() and not full
            self.table.wrap(aW, 1e6)
            rows_h = self.table._rowHeights

            def fitting(room: float) -> tuple[int, float]:
                """The rows that fit ``room`` points under the header, and their height."""
                used, k = rows_h[0], 0
                for rh in rows_h[1:]:
                    if used + rh > room:
                        break
                    used += rh
                    k += 1
                return k, used

            top = aH - self._title_h(aW)
            used_all = used_hows(v for row in self.rows for v in row)
            legend = [legend_text(used_all)] if used_all else []

            def room(j: int) -> float:
                """The points under the title for a first part of ``j`` rows: ``aH`` less
                the title and the notes that part brings to this page (the legend of every
                marker the table uses, the notes of the marks in its rows and the pointers
                to the full notes of its rows, :func:`ending_pointers`)."""
                if canv is None:
                    return top
                marks = [n for n in table_notes(self.t, self.rows[:j], ends=False)
                         if not split_legend(n)[0]]
                marks += ending_pointers(self.t, self.doc._notes_before,
                                         canv.getPageNumber(), self.rows[:j])
                return top - self.doc._note_space(canv, legend + marks)

            # the rows that fit with the legend, then the most of them that fit with the
            # notes they bring (fewer rows bring fewer notes: try each count down, not only
            # the count the notes of all of them left)
            k = fitting(top - (self.doc._note_space(canv, legend) if canv else 0.0))[0]
            while k > 0 and sum(rows_h[:k + 1]) > room(k):
                k -= 1
            avail = room(k)
            used = sum(rows_h[:k + 1])
            n = len(self.rows)
            if k == n and self._notes_go_next(aH, room, rows_h):
                # (a short table too: moving it whole for its notes' sake left study p. 27
                # 0.42 blank, its 3 rows and 8 lines of notes missing the page by 9 points)
                return self._rows_here_notes_next(aW, aH)
            # a short table of tall rows splits as a long table does (GAP_ROWS rows next)
            tall = self._tall_first(aH, k, rows_h, avail) if short else 0
            short, k = short and not tall, tall or k
            used = sum(rows_h[:k + 1])
            if short and not self.splits_short(aH):
                return []
            tail = self._tail() if self.t.summary else 0
            if n - k < tail:
                k = n - tail  # summary rows go with rows they sum up (or the table moves)
                used = sum(rows_h[:k + 1])
            elif n - k < MIN_ROWS <= n - MIN_ROWS and \
                    sum(rows_h[k + 1:]) < TALL_ROWS * self.doc._frame_height:
                # no few short rows alone at the top of the next page, unless taking
                # MIN_ROWS there leaves this page more than MAX_GAP blank (the
                # table's notes missed it, not its rows): then the most rows that keep it
                # filled go, at least one, to end the table over its notes
                # (less PRINTED_SLACK: the page as printed shows a little more blank than
                # this estimate of it)
                gap = (MAX_GAP - PRINTED_SLACK) * self.doc._frame_height
                k = next((j for j in range(n - MIN_ROWS, min(k, n - 1) + 1)
                          if room(j) - sum(rows_h[:j + 1]) <= gap), n - MIN_ROWS)
                used = sum(rows_h[:k + 1])
            if short and n < 2 * MIN_ROWS and not self.t.summary:
                # a table of a few rows split to fill a page that moving it would leave
                # more than MAX_GAP blank: no lone row on the next page
                k = min(k, n - self._tail(aH))
                used = sum(rows_h[:k + 1])
            if k < MIN_ROWS and not full and (short or k < 1 or used < max(
                    0.5 * avail, TALL_ROWS * self.doc._frame_height)):
                # a short table leaves MIN_ROWS rows here; a long one fewer only when tall
                # rows fill most of the rest
                return []
            k = max(1, min(k, n - 1))
            first = TableFlowable(self.t, self.doc, self.full_widths, self.continued,
                                  self.rows[:k], notes=False)
            rest = TableFlowable(self.t, self.doc, self.full_widths, True, self.rows[k:],
                                 notes=self.with_notes)
            rest.after_page = canv.getPageNumber() if canv is not None else None
            rest.continues = True  # a figure waiting meanwhile goes after it
            return [first, rest]

        def _notes_go_next(self, aH: float, room: Callable[[int], float],
                           rows_h: Sequence[float]) -> bool:
            """Whether the notes of this table, whose rows all fit ``aH`` points and whose
            notes do not, go to the next page: the split that keeps them with rows (the
            fewest rows it takes, :meth:`_tail`; ``room(j)``: the points under the title
            for ``j`` rows) would leave more than :data:`NOTES_NEXT_GAP` of the page blank
            (moving it whole, the room all of it), or the table is short and would split
            (:meth:`splits_short`): a short table whose rows fit is not cut in two for its
            notes' sake, the notes go to the foot of the next page, where the part after the
            split would have brought them (the kink report's 'Runs from the same start',
            eight rows that fitted p. 4 with 9 points to spare, split 5 + 3 because its
            note on the hyperparameters missed the page by 27 points)."""
            if not (self.with_notes and table_notes(self.t, self.rows)):
                return False
            if self.short() and aH < self.doc._frame_height - 1.0 and self.splits_short(aH):
                return True
            j = len(self.rows) - self._tail(aH)
            blank = room(j) - sum(rows_h[:j + 1]) if j >= MIN_ROWS else aH
            return blank > NOTES_NEXT_GAP * self.doc._frame_height

        def _title_paragraph(self, title: str) -> Any:
            """The paragraph of a title ``title`` (bold, a point larger than the cells)."""
            return BalancedParagraph(markup(title), style(self.t.size + 1.0, weight="bold",
                                                          after=3.0))

        def _rows_here_notes_next(self, aW: float, aH: float) -> list[Flowable]:
            """Every row on this page, the table's notes at the foot of the next: the rows
            fit the page but the notes of the whole table do not.  Moving rows to the next
            page for the notes' sake would leave this page blank in the middle of a section
            (himmelblau p. 5 kept two rows that fitted for the next page, and the page was
            0.30 blank), or a row or two alone under a repeated header.  This page says
            where the notes are: a footnote (:func:`notes_follow`) when that line fits it
            (``aW`` × ``aH`` points), else the table's title when it takes no more lines so,
            "Runs from the same start (notes at the foot of the next page)" (the kink
            report's p. 4 had no room for the footnote and said nothing).  Either says where
            every note of the table is, so the page points to none of them one by one
            (:func:`ending_pointers`; chained Rosenbrock p. 6 ended with three lines "…: see
            the full note(s) on p. 7." above the footnote that says so)."""
            rows = TableFlowable(self.t, self.doc, self.full_widths, self.continued,
                                 self.rows, notes=False)
            notes = TableFlowable(self.t, self.doc, self.full_widths, True, [],
                                  notes=self.with_notes)
            canv = getattr(self, "canv", None)
            notes.after_page = canv.getPageNumber() if canv is not None else None
            if canv is not None and any(plain_note(n) for n in notes._notes()):
                rows.notes_next = rows.notes_follow = True
                rows.notes_follow = rows.wrapOn(canv, aW, aH)[1] <= aH
                if not rows.notes_follow and rows.title is not None:
                    plain = rows.title
                    where = "notes at the foot of the next page"
                    rows.title = self._title_paragraph(
                        f"{self.t.title} ({'continued; ' if self.continued else ''}{where})")
                    if rows.wrapOn(canv, aW, aH)[1] > aH:
                        rows.title = plain
            notes.continues = True
            return [rows, notes]

        def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
            if self.notes_only:
                self.width = getattr(self, "width", CONTENT_W)
                if self._notes():
                    self.doc._add_notes(canv, self._notes(), getattr(self, "_frame", None),
                                        self._reserve)
                return
            self._draw_body(canv, x, y + self.height, self.width)
            if self._notes():
                self.doc._add_notes(canv, self._notes(), getattr(self, "_frame", None),
                                    self._reserve)

        def at_foot(self, frame: Any) -> None:
            """The notes of a table whose rows ended the page before, set at the foot of
            ``frame``'s page as a frame action: they take the text area's foot and no room
            at its top, so the block after them opens the page as on any page (laid out as
            a flowable of no height, they left the space after it and the space before a
            heading at the top of the page: the kink report's p. 5 opened 18 points low)."""
            canv = getattr(self, "canv", None)
            if canv is None or not self._notes():
                return
            self.wrap(frame._getAvailableWidth(), frame._y - frame._y1p)
            self.doc._add_notes(canv, self._notes(), frame, self._reserve)

        def _body_h(self, width: float) -> float:
            """The height of its title and table set ``width`` points wide."""
            return self._title_h(width) + self.table.wrap(width, 1e6)[1]

        def _draw_body(self, canv: Any, x: float, top: float, width: float,
                       title_h: float | None = None) -> None:
            """Its title and table, ``width`` points wide, from ``top`` down; ``title_h``:
            the room the title takes, when more than its own (the tallest title of a
            :class:`TableRow`, so that the tables side by side start level)."""
            title_top = top
            if self.title is not None:
                _, h = self.title.wrap(self._title_w(width), 1e6)
                self.title.drawOn(canv, x, top - h)
            top = title_top - max(self._title_h(width), title_h or 0.0)
            _, h = self.table.wrap(width, 1e6)
            self.table.drawOn(canv, x, top - h)

    ns.TableFlowable = TableFlowable

    class Row(Flowable):
        """Blocks set side by side across the text width, each in a slot of its own (a
        figure row, a table row): never split; the notes of its blocks go to the footnotes
        of its page (:attr:`_reserve` points of it)."""

        doc: Document
        _reserve = 0.0

        def _notes(self) -> list[str]:
            return []

        @staticmethod
        def _slot_x(i: int, n: int, slot: float, width: float) -> float:
            """The left edge of slot ``i`` of ``n`` slots ``slot`` points wide in a row
            ``width`` points wide: two side by side, :data:`FIGURE_GAP` apart from the left
            margin; a lone slot narrower than the row centred."""
            x0 = 0.0 if n == 2 else (width - slot) / 2.0
            return x0 + i * (slot + FIGURE_GAP)

        def split(self, aW: float, aH: float) -> list[Flowable]:
            return []

        def getSpaceAfter(self) -> float:
            # the footnote space is taken at the foot of the page, not under the row
            return 8.0 - getattr(self, "_reserve", 0.0)

        def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
            super().drawOn(canv, x, y, _sW)
            if self._notes():
                self.doc._add_notes(canv, self._notes(), getattr(self, "_frame", None),
                                    getattr(self, "_reserve", 0.0))

    ns.Row = Row

    class TableRow(Row):
        """Two short tables side by side, each in half the text width (:data:`HALF_W`, its
        title wrapped there), top-aligned (:func:`pair_tables`): the pair takes the height
        of the taller one rather than the sum of both, and neither table splits; a row that
        misses the page goes whole to the next one unless that leaves this one blank
        (:meth:`split`); the notes of both tables are the footnotes of its page."""

        def __init__(self, tables: Sequence[Table], doc: Document):
            super().__init__()
            self.doc = doc
            self.parts = [TableFlowable(t, doc, column_widths(t, HALF_W)) for t in tables]
            self.lead = 0.0  # points of a lead-in kept with it (:class:`KeepWithNext`)
            #: the text after it fills this page: it goes whole to the next (:func:`_text_first`)
            self.moves_next = False
            self.notes_only = self.continued = False  # (a row holds whole tables)

        def split(self, aW: float, aH: float) -> list[Flowable]:
            """Nothing (the row moves whole to the next page), unless that would leave more
            than :data:`SHORT_SPLIT_GAP` of this page blank (``aH`` points and the room of a
            lead-in kept with it), as a short table would: then its tables go one under the
            other, each in half the width as it would be alone, the first filling the page whole
            (the pair, taller than it with its titles wrapped in half the width, missed the
            kink report's p. 6 and left it 0.30 blank); when the first misses the page too,
            the pair moves whole all the same: a table of at most :data:`SHORT_ROWS` rows is
            not split (the quadratic report's 'GD' table split 3 + 6 rows over pp. 5-6, away
            from 'momentum'; a longer one, never paired by :func:`side_by_side`, splits as
            it would alone, :meth:`TableFlowable.splits_short`)."""
            if aH + self.lead <= SHORT_SPLIT_GAP * self.doc._frame_height or \
                    self.moves_next and aH < self.doc._frame_height - 1.0:
                return []
            first, second = (TableFlowable(p.t, self.doc, p.full_widths) for p in self.parts)
            first.canv = getattr(self, "canv", None)
            first._frame = getattr(self, "_frame", None)
            first.lead = self.lead
            if first.wrap(aW, aH)[1] <= aH:
                return [first, second]
            if len(first.rows) <= SHORT_ROWS:
                return []  # a short table is never split: the pair moves whole
            parts = first.split(aW, aH)
            return [*parts, second] if parts else []

        def _notes(self) -> list[str]:
            """The notes of both tables, each once."""
            return list(dict.fromkeys(n for p in self.parts for n in p._notes()))

        def _titles_h(self) -> float:
            """The room of the tallest title: every table of the row starts under it, so
            that their header rows are level (Himmelblau p. 6: GD's title of two lines
            beside momentum's of three set GD's header a line higher)."""
            return max(p._title_h(HALF_W) for p in self.parts)

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            canv = getattr(self, "canv", None)
            self._reserve = self.doc._note_space(canv, self._notes()) \
                if canv is not None else 0.0
            self.width = aW
            self.height = (self._titles_h() + max(p.table.wrap(HALF_W, 1e6)[1]
                                                  for p in self.parts) + self._reserve)
            return aW, self.height

        def draw(self) -> None:
            for i, p in enumerate(self.parts):
                p._draw_body(self.canv, self._slot_x(i, len(self.parts), HALF_W, self.width),
                             self.height, HALF_W, self._titles_h())

    ns.TableRow = TableRow

    class FigureRow(Row):
        """One full-width figure, or two half-width ones side by side, captions under each;
        shrinks to the rest of the page down to :data:`MIN_SHRINK` of its height (to
        :data:`LAST_SHRINK` when the rest is more than a third of the page), never so far
        that a panel is lower than :data:`MIN_PANEL` (:func:`shrink_floor`)."""

        def __init__(self, items: list[FigureBlock], doc: Document):
            super().__init__()
            self.items, self.doc = items, doc
            self.caps = [RLParagraph(markup(bound_tail(b.caption)),
                                     style(SMALL, slant="italic", color="#222222"))
                         if b.caption else None for b in items]
            self.scale = 1.0
            self.wide = False  # the caption takes the text width (:meth:`_layout`)
            self.then: Flowable | None = None  # the block after the row (:meth:`_room_for`)
            self.after: Flowable | None = None  # the block after it in the story (kept)
            self._squeeze = 0.0  # points taken from the clear space above the notes

        def _cap_h(self, wide: bool = False) -> float:
            """The height of the tallest caption, each at its figure's width (``wide``: the
            caption of a lone half-width figure at the text width)."""
            return max((c.wrap(CONTENT_W if wide else b.width, 1e6)[1]
                        for b, c in zip(self.items, self.caps, strict=True) if c),
                       default=0.0)

        def _may_widen(self) -> bool:
            """Whether the caption may take the text width: the row is one half-width
            figure (centred, with room on either side of it)."""
            return len(self.items) == 1 and self.items[0].half and self.caps[0] is not None

        def _fig_h(self) -> float:
            return max(b.fig_height for b in self.items)

        def _floor(self) -> float:
            """The largest :attr:`FigureBlock.min_scale` of the row (drawn at full size
            first when unknown)."""
            for b in self.items:
                if b.min_scale is None:
                    self.doc._figure(b, b.width, b.fig_height)
            return max((b.min_scale or 0.0) for b in self.items)

        def _scale(self, aH: float, last: bool = True, wide: bool = False) -> float:
            """The scale of the row in ``aH`` points: 1 when it fits, else the shrink that
            fills them (down to :data:`MIN_SHRINK`, or :data:`LAST_SHRINK` when ``last`` and
            more than a third of a page is left, never below :meth:`_floor`); 1 when no
            allowed shrink fits."""
            cap = self._cap_h(wide) + 4.0
            fh = self._fig_h()
            fit = (aH - cap) / fh
            if fh + cap > aH and (fit >= MIN_SHRINK or (
                    last and aH > self.doc._frame_height / 3.0 and fit >= LAST_SHRINK)) \
                    and fit >= self._floor():
                return fit
            return 1.0

        def _layout(self, aH: float, last: bool = True) -> tuple[float, bool]:
            """The scale of the row in ``aH`` points and whether its caption takes the text
            width: a lone half-width figure that fits no allowed shrink under its narrow
            caption (a long one is tall there) may fit with the caption spread under it."""
            scale = self._scale(aH, last)
            if self._fig_h() * scale + self._cap_h() + 4.0 <= aH + FIT_FUZZ \
                    or not self._may_widen():
                return scale, False
            wide = self._scale(aH, last, wide=True)
            if self._fig_h() * wide + self._cap_h(wide=True) + 4.0 <= aH + FIT_FUZZ:
                return wide, True
            return scale, False

        def fits(self, aH: float, last: bool = False) -> bool:
            """Whether the row fits ``aH`` points at its size or shrunk to at least
            :data:`MIN_SHRINK` (a float goes to the next page rather than shrink further;
            ``last``: to :data:`LAST_SHRINK` when more than a third of the page is left, as
            :meth:`wrap` shrinks it), or misses them shrunk as far as it may by at most the
            points it may take above the page's footnotes (:meth:`_spare`)."""
            scale, wide = self._layout(aH, last)
            return (self._fig_h() * scale + self._cap_h(wide) + 4.0 <= aH + FIT_FUZZ
                    or self._squeezed_scale(aH) is not None)

        def _spare(self) -> float:
            """The points the row may take from the clear space above the footnotes of its
            page (:data:`NOTE_SQUEEZE` when the page has footnotes, its own or others'), as a
            table that misses the page by so little does (:meth:`TableFlowable._squeezed`)."""
            canv = getattr(self, "canv", None)
            if canv is None:
                return 0.0
            notes = self.doc._merged(canv.getPageNumber(), self._notes())
            return NOTE_SQUEEZE if self.doc._lines(*notes) else 0.0

        def _squeezed_scale(self, aH: float) -> float | None:
            """The scale of the row shrunk as far as it may (:data:`MIN_SHRINK`, never below
            :meth:`_floor`) when at it the row misses ``aH`` points by at most :meth:`_spare`
            (it then takes those points above the footnotes), else None."""
            least = max(MIN_SHRINK, self._floor())
            over = self._fig_h() * least + self._cap_h() + 4.0 - aH
            return least if 0.0 < over <= self._spare() else None

        def least(self) -> float:
            """The height of the row shrunk as far as it may (:data:`MIN_SHRINK`, never
            below :meth:`_floor`), with its caption and the footnote space it takes."""
            canv = getattr(self, "canv", None)
            notes = self.doc._note_space(canv, self._notes()) if canv is not None else 0.0
            return (self._fig_h() * max(MIN_SHRINK, self._floor()) + self._cap_h() + 4.0
                    + notes)

        def _notes(self) -> list[str]:
            """The legend of the provenance markers the captions use (explained in the
            footnotes of the page, as a table's are)."""
            used = used_hows(b.caption for b in self.items)
            return [legend_text(used)] if used else []

        def _room_for(self, aW: float, aH: float, scale: float) -> float:
            """The scale of the row in ``aH`` points (at ``scale`` it fits them) that leaves
            room under it for the block after it (:attr:`then`; a figure row shrunk as far
            as it may, :meth:`least`) when that block moves whole (:func:`_moves_whole`): a
            block that misses the rest of the page would go to the
            next one and leave more than :data:`FILL_GAP` of this page blank in the middle of
            a section, or the closing notes of the document (:class:`ClosingNotes`) would
            sit alone on its last page, however little they leave blank here; the row
            shrinks for it when it may (down to :data:`MIN_SHRINK`, never below
            :meth:`_floor`), else keeps ``scale``."""
            nxt = self.then
            if nxt is None or not _moves_whole(nxt, ns):
                return scale
            cap = self._cap_h(self.wide) + 4.0
            fh = self._fig_h()
            nxt.canv = getattr(self, "canv", None)
            need = (nxt.least() if isinstance(nxt, FigureRow) else nxt.whole(aW)
                    if isinstance(nxt, ns.ClosingNotes) else nxt.wrap(aW, 1e6)[1]) \
                + nxt.getSpaceBefore() + 8.0
            left = aH - fh * scale - cap
            closing = isinstance(nxt, ns.ClosingNotes)  # else they begin a page of their own
            if need <= left or (left <= FILL_GAP * self.doc._frame_height and not closing):
                return scale
            fit = (aH - cap - need - 1.0) / fh
            return fit if max(MIN_SHRINK, self._floor()) <= fit < scale else scale

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            fh = self._fig_h()
            frame_h = self.doc._frame_height
            self._reserve = self.doc._note_space(self.canv, self._notes()) \
                if getattr(self, "canv", None) is not None else 0.0
            scale, self.wide = self._layout(aH - self._reserve)
            squeezed = self._squeezed_scale(aH - self._reserve)
            if fh * scale + self._cap_h(self.wide) + 4.0 > aH - self._reserve and squeezed:
                scale, self.wide = squeezed, False
            scale = self._room_for(aW, aH - self._reserve, scale)
            cap = self._cap_h(self.wide) + 4.0
            if fh * scale + cap > frame_h:  # taller than a page: fit the page
                scale = (frame_h - cap) / fh
            self.scale = scale
            over = fh * scale + cap + self._reserve - aH
            self._squeeze = over if squeezed and 0.0 < over <= NOTE_SQUEEZE else 0.0
            self.width, self.height = aW, fh * scale + cap + self._reserve - self._squeeze
            return aW, self.height

        def draw(self) -> None:
            for b in self.items:  # the page a paragraph names for it (page_ref)
                if b.label:
                    self.doc._figure_pages.setdefault(b.label, self.canv.getPageNumber())
            n = len(self.items)
            slot = self.items[0].width
            fh = self._fig_h() * self.scale
            for i, (b, cap) in enumerate(zip(self.items, self.caps, strict=True)):
                x = self._slot_x(i, n, slot, self.width)
                h = b.fig_height * self.scale
                drawing = self.doc._figure(b, slot, h)
                top = self.height
                if drawing is not None:
                    renderPDF.draw(drawing, self.canv, x, top - h)
                else:
                    self._failed(b, x, top - h, slot, h)
                if cap is not None:
                    cw, cx = (self.width, 0.0) if self.wide else (slot, x)
                    _, ch = cap.wrap(cw, 1e6)
                    cap.drawOn(self.canv, cx, top - fh - 4.0 - ch)

        def _failed(self, b: FigureBlock, x: float, y: float, w: float, h: float) -> None:
            c = self.canv
            c.saveState()
            c.setStrokeColor(colors.HexColor("#aa0000"))
            c.rect(x, y, w, h, stroke=1, fill=0)
            p = RLParagraph(markup(f"figure failed: {b.error}"),
                            style(9.0, color="#aa0000", align=TA_CENTER))
            _, ph = p.wrap(w - 20.0, h)
            p.drawOn(c, x + 10.0, y + (h - ph) / 2.0)
            c.restoreState()

    ns.FigureRow = FigureRow

    def floating(f: Flowable) -> bool:
        """Whether ``f`` may float to the next page: a figure row, or a lead-in paragraph
        kept with its figure row (:func:`lead_in`; the two float together), not a heading."""
        if isinstance(f, FigureRow):
            return True
        return (isinstance(f, KeepWithNext) and isinstance(f.nxt, FigureRow)
                and not any(isinstance(h, HeadingFlowable) for h in f.heads))

    ns.floating = floating

    class FloatBarrier(ActionFlowable):
        """The end of the story: figures still waiting (floats) are placed before it."""

        def apply(self, doc: Any) -> None:
            return None

    ns.FloatBarrier = FloatBarrier

    from reportlab.platypus import KeepTogether

    class ClosingNotes(KeepTogether):
        """The short paragraphs that end a document (:func:`_closing`), kept together: they
        move whole, and the figure row before them shrinks to keep them on its page
        (:meth:`FigureRow._room_for`) rather than let them sit alone on a last page."""

        def whole(self, aW: float) -> float:
            """Their height together in ``aW`` points (:meth:`wrap` answers a height no
            page holds, so that platypus always asks for the split)."""
            self.wrap(aW, 1e6)
            return float(self._H)

    ns.ClosingNotes = ClosingNotes
    return ns


#: padding of a table cell, left plus right, in points
CELL_PAD = 6.0
#: points a column is given beyond the text it must hold on one line: platypus sums a line's
#: word widths in another order than :func:`string_width` measures them, and at exactly the
#: line's width it may break it ("smallest ‖∇f‖₂ at" in 66.009375 pt: "at" alone below)
FIT_SLACK = 0.5


#: A bracketed group of numbers in a table cell ("[k = 3–78]", "(1, 2)ᵉ", "[0.9, 1.3]"), a
#: difference between bars ("|m − p|/|p|"), a setting ("η = 0.001") or a bound ("≤ 0.6345")
#: of at most this many characters reads as one unit: it breaks over lines only where its
#: column cannot hold it (words in brackets, "(bound, no rate)", break as prose does).
GROUP_CHARS = 24
#: Column widths hold such groups unless that makes the table taller by more than this share
#: of its lines (and more than one line): a group broken in a short cell costs less than many
#: more lines of long text.
GROUP_GROWTH = 0.1
_GROUP = re.compile(r"[\[(][^\[\]()\n\d]*\d[^\[\]()\n]*[\])]\S*"
                    # a difference between bars over another: "|m − p|/|p|"
                    r"|\|[^|\n]+\|(?:/\|[^|\n]+\|)?\S*"
                    # a setting, a name equal to a number: "η = 0.001", "ρ = 0.6ᵗ",
                    # "damping = 1"
                    r"|(?<![^\s(\[])[^\W\d_]\w* = [−-]?\d\S*"
                    # a bound, a relation sign before a number, with the symbol it bounds:
                    # "≤ 0.63451ʸ", "x ≤ 1", "f″ < 2/η" (not a word: "band ≤ 1%")
                    r"|(?<!\S)(?:[^\W\d_][^\s\d%]{0,2} )?[≤≥<>≈] [−-]?\d\S*")
#: a marker, dagger or star standing alone after a value goes with it
_LONE_MARK = re.compile(r" (?=[" + "".join(v[0] for v in HOW.values()) + r"†‡¶◊∼*]+(?:\s|$))")
NBSP = "\u00a0"
#: A short formula in a table cell, operands joined by spaced signs ("β = 0.5", "(√κ − 1)/(√κ
#: + 1)", "1 − 1/√κ,", "η = 2/(μ + L)"), of at most :data:`GROUP_CHARS` characters, reads as
#: one unit as a bracketed group does: an operand is a run of non-space characters with no
#: two Latin letters in a row and no percent sign (a symbol or a number, not a word or a
#: test's figure), the signs those of an expression or a definition, not a test's
#: inequality ("<0.01% ≤ 1%", "band ≤ 1%" break as prose)
_OPERAND = r"(?:(?![A-Za-z]{2})[^\s%])+"
_FORMULA = re.compile(rf"(?<!\S){_OPERAND}(?: [=+−×·] {_OPERAND})+(?!\S)")


def unbroken(text: str) -> str:
    """``text`` with its spaces non-breaking, so that a line of prose never ends inside it
    (a formula: ``V·(1 − (1 − ηλ)²ᵏ)``, not ``V·(1`` at the end of one line and ``− (1 −
    ηλ)²ᵏ)`` at the start of the next)."""
    return text.replace(" ", NBSP)


#: the fewest characters a caption's last line holds (:func:`bound_tail`)
LAST_LINE_CHARS = 8


def bound_tail(text: str, least: int = LAST_LINE_CHARS) -> str:
    """``text`` with the spaces before its last words made non-breaking until those words
    hold at least ``least`` characters (at most the last three words), so that a paragraph
    never ends in a lone short word on a line of its own: the quadratic report's caption
    "… drawn below it at that" / "k." now ends "… drawn below it" / "at that k."."""
    words = str(text).rstrip().split(" ")
    n = 1
    while n < min(3, len(words)) and len(" ".join(words[-n:])) < least:
        n += 1
    return " ".join(words[:-n] + [NBSP.join(words[-n:])]) if n > 1 else str(text)


def _bound_cell(text: str) -> str:
    """``text`` with the spaces of its short formulas (:func:`bound_formulas`), of a marker
    standing alone after a value (``0.5 ᵐ``) and of a count's thousands (``1 001ᵐ``,
    :func:`bound_numbers`) made non-breaking."""
    return bound_numbers(_LONE_MARK.sub(NBSP, bound_formulas(text)))


def cell_words(text: str) -> list[str]:
    """The pieces of one line of a table cell that never break over lines where their
    column can hold them: its words, each bracketed group with a number, difference between
    bars, setting or bound of at most :data:`GROUP_CHARS` characters with what sticks to it
    (``[k = 3–78]``, ``|m − p|/|p|``, ``η = 0.001``, ``≤ 0.6345ʸ``) as one piece, and each
    short formula (``β = 0.5``, ``(√κ − 1)/(√κ + 1)``: :data:`_FORMULA`), a marker standing
    alone after a value with that value (``0.5 ᵐ``), a count with its thousands (``1 001ᵐ``,
    :func:`bound_numbers`), a short function word with the word after it (``a maximum``,
    :data:`FUNCTION_WORDS`), a piece that begins with a relation sign with the operand
    before it (``|η/threshold − 1| > 0.1``, ``band ≤ 1%``); the pieces
    join with single spaces."""
    def held(m: re.Match[str]) -> str:
        return m.group(0).replace(" ", NBSP) if len(m.group(0)) <= GROUP_CHARS else m.group(0)

    line = _bound_cell(str(text))  # "1 001ᵐ": one piece
    line = _HELD_WORD.sub(lambda m: m.group(1) + NBSP, line)  # "a maximum": one piece
    line = _GROUP.sub(held, line)
    line = _FORMULA.sub(held, line)
    pieces: list[str] = []
    for w in (w.replace(NBSP, " ") for w in re.split(r"[ \t]+", line.strip()) if w):
        if pieces and _RELATION_START.match(w):
            pieces[-1] += " " + w
        else:
            pieces.append(w)
    return joined_signs(pieces)


#: the spaced signs of a formula in a table cell: its relations and its operations
SIGNS = RELATIONS + OPERATIONS + "·"


def joined_signs(pieces: Sequence[str]) -> list[str]:
    """``pieces`` with each piece that is a lone sign (:data:`SIGNS`) joined to the piece
    before it and the piece after it, so that no line of a cell begins or ends with a sign
    standing alone: ``k``, ``≥``, ``W);`` → ``k ≥ W);``; ``superlinear``, ``≥``,
    ``superlinear`` → ``superlinear ≥ superlinear``; ``(η₀ − ηₘᵢₙ)(1``, ``+``,
    ``cos(πk/Tₘₐₓ))/2`` → one piece."""
    out: list[str] = []
    glue = False
    for p in pieces:
        sign = len(p) == 1 and p in SIGNS
        if out and (sign or glue):
            out[-1] += " " + p
        else:
            out.append(p)
        glue = sign
    return out


#: a piece that begins with a spaced relation sign ("> 0.1"): it goes with the operand
#: before it ("|η/threshold − 1| > 0.1"), so that no line of a cell begins with a relation,
#: as in prose (:func:`bound_relations`), and a word or a test's figure too ("band ≤ 1%",
#: "0.78% ≤ 8.6%"); a long relation still breaks after its sign (:func:`top_parts`)
_RELATION_START = re.compile(rf"[{RELATIONS}] ")
#: a word of two Latin letters or more, perhaps with punctuation after it
_WORD = re.compile(r"[A-Za-z]{2,}[^\w\s]?")


#: the spaces a piece too wide for its column may break at: not the one before a sign
#: ("[k =" and "(√κ −" stay together, no line holds a lone "=" or "−"), nor a count's
#: thousands space ("1 001ᵐ" is one word: :func:`markup` binds it, so a column narrower
#: than the whole count splits it letter by letter, "1 001" / "ᵐ")
_PIECE_BREAK = re.compile(r" (?![=<>≤≥≈+−×·](?: |$))(?!(?<=\d.)\d{3}(?!\d))")


def piece_parts(piece: str) -> list[str]:
    """The parts of a piece of :func:`cell_words` set on lines of their own when its column
    cannot hold it whole: split at its spaces, a sign kept with the word before it:
    ``[k = 3268–20000]`` → ``[k =``, ``3268–20000]``; ``(√κ − 1)/(√κ + 1)`` → ``(√κ −``,
    ``1)/(√κ +``, ``1)``.  A word or a number, with its thousands (``1 001ᵐ``), is never
    split."""
    return _PIECE_BREAK.split(piece)


def formula_parts(piece: str) -> list[str]:
    """The parts of a piece of :func:`cell_words` between the spaces its short formulas
    leave breakable (:func:`bound_formulas`), a sign kept with the word before it:
    ``−η g/(√(1 − α)·|g| + ε) ≈ −1.26`` → ``−η g/(√(1 − α)·|g| + ε) ≈``, ``−1.26``;
    ``(η, β) = (0.549, 0.45):`` → ``(η, β) =``, ``(0.549, 0.45):``."""
    return [p.replace(NBSP, " ") for p in _PIECE_BREAK.split(bound_formulas(piece))]


def _depths(text: str) -> list[int]:
    """The bracket depth at each character of ``text``: how many matched pairs of brackets
    enclose it (a bracket itself at the depth outside it; a bracket whose partner is not in
    ``text``, as in a piece of a longer parenthesis, "(4·s_d/(√M·V) = 4·1.11 = 7.3%,",
    encloses nothing)."""
    stack: list[int] = []
    step = [0] * (len(text) + 1)
    for i, c in enumerate(text):
        if c in _CLOSING:
            stack.append(i)
        elif c in _CLOSING.values() and stack and _CLOSING[text[stack[-1]]] == c:
            a = stack.pop()
            step[a + 1] += 1
            step[i] -= 1
    out, depth = [], 0
    for k in range(len(text)):
        depth += step[k]
        out.append(depth)
    return out


def _top_signs(piece: str, signs: str = SIGNS, depth: int | None = 0) -> list[int]:
    """The indices of the spaced signs (of ``signs``) of ``piece`` at bracket depth
    ``depth`` (None: any): at 0 its operators at the top level (``ρ = (√κ − 1)/(√κ + 1)``:
    the ``=`` alone)."""
    d = _depths(piece)
    return [i for i, c in enumerate(piece)
            if c in signs and depth in (None, d[i]) and 0 < i < len(piece) - 1
            and piece[i - 1] == " " and piece[i + 1] == " "]


def _enclosed(piece: str) -> int:
    """1 when ``piece`` is one bracketed group, perhaps with punctuation after it
    ("(4·s_d/(√M·V) = 4·1.11/(√4000·0.9634) = 7.3%,"): its top level is inside the
    brackets; else 0."""
    d = _depths(piece)
    body = piece.rstrip(".,;:")
    return int(len(body) > 1 and body[0] in _CLOSING and body[-1] == _CLOSING[body[0]]
               and all(x >= 1 for x in d[1:len(body) - 1]))


def top_parts(piece: str, chars: int = SHORT_GROUP, signs: str = SIGNS,
              depth: int = 0, relations: bool = False) -> list[str]:
    """The parts of a piece of :func:`cell_words` a line may end between when its column
    cannot hold it whole: it breaks only after an operator at its top level
    (:func:`_top_signs`, of ``signs``; inside the brackets of a piece that is one group,
    :func:`_enclosed`), the sign ending the line.  Never after a relation sign
    (:data:`RELATIONS`), which binds its sides as in prose (:func:`bound_relations`: "V ="
    / "s²(N − B)/(B(N − 1))" never), unless ``relations``: the last resort for a relation
    whose sides, each kept whole, cannot share a line (``(√(1 − α)·|g| + ε) ≈
    −1.26·sign(g)`` → ``(√(1 − α)·|g| + ε) ≈``, ``−1.26·sign(g)``), where it breaks
    unless the relation, from the start of its part to the end of its right side (up to
    the next relation), is a short group of at most ``chars`` characters ("ρ = 0.5", "k ≥
    W").  After an operation it breaks only
    where the part before the break and the operand after the sign each have more than
    ``chars`` characters, so that a sign stays with a short operand on each side:
    ``(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2`` and ``ηₘᵢₙ + (η₀ − ηₘᵢₙ)(…)/2`` never break;
    ``f = (x² + y − 11)² + (x + y² − 7)²`` → ``f = (x² + y − 11)² +``, ``(x + y² −
    7)²``."""
    at = _top_signs(piece, signs, depth + _enclosed(piece))
    ends = [0, *(i + 2 for i in at), len(piece) + 1]
    operands = [piece[a:b - 3] if k + 1 < len(ends) - 1 else piece[a:]
                for k, (a, b) in enumerate(zip(ends, ends[1:], strict=False))]
    marks = [i for i in at if piece[i] in RELATIONS]
    parts, start = [], 0
    for k, i in enumerate(at):
        if piece[i] in RELATIONS and not relations:  # it binds its sides, as in prose
            cut = False
        elif _WORD.fullmatch(operands[k + 1].split(" ")[0]):  # prose after the sign
            cut = True
        elif piece[i] in RELATIONS:  # to the end of its right side, up to the next one
            cut = next((j - 1 for j in marks if j > i), len(piece)) - start > chars
        elif _in_short_side(piece, i, marks):
            cut = False
        else:
            cut = i + 1 - start > chars and len(operands[k + 1]) > chars
        if cut:
            parts.append(piece[start:i + 1])
            start = i + 2
    return [*parts, piece[start:]]


def _in_short_side(piece: str, i: int, marks: Sequence[int]) -> bool:
    """Whether index ``i`` of ``piece`` lies in a side of a relation (its signs at
    ``marks``) of at most :data:`GROUP_CHARS` characters, the right one up to the next
    relation, the left one from the start of ``piece``: that side stays whole with its
    sign ("0.4200ⁿ ≤" / "1 + 1e−12", never "0.4200ⁿ ≤ 1 +" / "1e−12"; "1 − tanh²(4) ="
    / "sech²(4)", never "1 −" / "tanh²(4) = sech²(4)")."""
    r = max((j for j in marks if j < i), default=None)
    if r is None:  # the left side, before the first relation: "1 − tanh²(4) ="
        return bool(marks) and marks[0] - 1 <= GROUP_CHARS
    end = next((j - 1 for j in marks if j > r), len(piece))
    return end - (r + 2) <= GROUP_CHARS


def inner_parts(piece: str) -> list[str]:
    """``piece`` broken after each spaced sign at the shallowest bracket depth that holds
    one (:func:`top_parts` at that depth, no least length), for a bracketed formula wider
    than its column, a short group kept whole (:func:`bound_groups`, a formula of up to
    :data:`GROUP_CHARS` characters as in prose: "(√(1 − α)·|g| + ε)"): ``(η₀ −
    ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2`` → ``(η₀ − ηₘᵢₙ)(1 +``, ``cos(πk/Tₘₐₓ))/2``."""
    d, bound = _depths(piece), bound_groups(piece, formula_chars=GROUP_CHARS)
    at = [d[i] for i in _top_signs(piece, depth=None)]
    if not at:
        return [piece]
    parts = top_parts(bound, 0, SIGNS, min(at))  # a short group kept whole: "(η₀ − ηₘᵢₙ)"
    return [p.replace(NBSP, " ") for p in parts]


def tuple_parts(piece: str) -> list[str]:
    """``piece``, when it is one bracketed group (:func:`_enclosed`), split after each comma
    of its items' level, so that a tuple wider than its column breaks between its items
    and keeps each whole: ``(Tₘₐₓ = 200, ηₘᵢₙ = 0)`` → ``(Tₘₐₓ = 200,``, ``ηₘᵢₙ = 0)``
    (not ``(Tₘₐₓ =`` / ``200, ηₘᵢₙ = 0)``); ``[piece]`` otherwise."""
    if not _enclosed(piece):
        return [piece]
    d = _depths(piece)
    cuts = [i + 1 for i, c in enumerate(piece) if c == "," and d[i] == 1
            and piece[i + 1:i + 2] == " "]
    return [piece[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(piece)], strict=True)]


#: the operators a formula is written with unspaced ("Var·(N − 1)/(N − B)")
UNSPACED = "/·×"


def operator_parts(piece: str, groups: bool = True, terms: bool = True) -> list[str]:
    """``piece`` in two parts, split after the unspaced operator (:data:`UNSPACED`) or
    between the brackets of an implicit product (``)(``) nearest its middle at the
    shallowest bracket depth that holds one, outside every short group
    (:func:`_short_group`: at most :data:`SHORT_GROUP` characters inside, or a formula of
    at most :data:`GROUP_CHARS`, as prose binds it), never at its end: for a formula wider
    than its column with no spaced sign to break after, ``log(Var·(N − 1)/(N − B))`` →
    ``log(Var·(N − 1)/``, ``(N − B))``, not ``log(Var·(N −`` / ``1)/(N − B))``; ``−η
    g/(√(1 − α)·|g| + ε) ≈`` → ``−η g/``, ``(√(1 − α)·|g| + ε) ≈``; ``(η₀ − ηₘᵢₙ)(1 +
    cos(πk/Tₘₐₓ))/2`` → ``(η₀ − ηₘᵢₙ)``, ``(1 + cos(πk/Tₘₐₓ))/2``; ``[piece]`` when it
    has no such operator.  Never after a product sign with a short factor before it
    (:func:`_short_factor`: "1e−12·" / "max(1, max|f|)" never).  Without ``groups``
    inside short groups too, for a relation whose sides are short groups wider together
    than the column, which breaks nowhere else but after its sign: ``β =
    ((√κ−1)/(√κ+1))² = 0.4026:`` → ``β = ((√κ−1)/``, ``(√κ+1))² = 0.4026:``."""
    d, stack, short = _depths(piece), [], [False] * len(piece)  # outside all: long
    for i, c in enumerate(piece):  # whether a short group encloses each index
        if c in _CLOSING:
            stack.append(i)
        elif c in _CLOSING.values() and stack and _CLOSING[piece[stack[-1]]] == c:
            a = stack.pop()
            if groups and _short_group(piece[a + 1:i], SHORT_GROUP, GROUP_CHARS):
                short[a + 1:i] = [True] * (i - a - 1)
    at = [i for i, c in enumerate(piece[:-1]) if not short[i] and i > 0 and (
        (c in UNSPACED and " " not in piece[i - 1:i + 2] and not _short_factor(piece, i))
        or piece[i:i + 2] in (")(", "](")) and not (terms and _short_term(piece, i, d))]
    if not at:
        return [piece]
    top = min(d[i] for i in at)
    i = min((i for i in at if d[i] == top), key=lambda i: abs(2 * i + 1 - len(piece)))
    return [piece[:i + 1], piece[i + 1:]]


def _short_term(piece: str, i: int, depths: Sequence[int]) -> bool:
    """Whether the unspaced operator at index ``i`` of ``piece`` (bracket depths
    ``depths``, :func:`_depths`) lies in a short term: the run around it at its depth, up
    to a space at that depth or the bracket that encloses it, of at most
    :data:`GROUP_CHARS` characters, punctuation after it not counted.  A short quotient
    or product is one unit, as a typesetter keeps it: "(√κ−1)/(√κ+1)", "s²(N − B)/(B(N −
    1))", "g/(|g| + ε)", "|dh_d/dx|", "α(1 − α)(b − a)²" never break after their "/" or
    between their brackets."""
    top = depths[i]

    def inside(j: int) -> bool:
        return depths[j] >= top and not (piece[j] == " " and depths[j] == top)

    a = i
    while a > 0 and inside(a - 1):
        a -= 1
    b = i + 1
    while b < len(piece) and inside(b):
        b += 1
    return len(piece[a:b].rstrip(".,;:")) <= GROUP_CHARS


def _short_factor(piece: str, i: int) -> bool:
    """Whether the product sign "·" at index ``i`` of ``piece`` has a short factor before
    it: a run of at most :data:`SHORT_GROUP` characters with no space nor opening bracket
    ("1e−12·max(1, max|f|)", "4·s_d"), which a line never leaves alone at its end."""
    if piece[i] != "·":
        return False
    left = re.split(r"[\s(\[]", piece[:i])[-1]
    return 0 < len(left) <= SHORT_GROUP


#: two words in a row, each with two Latin letters in a row: prose, whose spaces break
#: inside brackets too ("(constant − 4 standard errors)/10")
_PROSE = re.compile(r"[A-Za-z]{2}\S* \S*[A-Za-z]{2}")


def unit_parts(piece: str, relations: bool = False) -> list[str]:
    """The least units of a piece of :func:`cell_words` that a line never breaks inside:
    its :func:`top_parts`, each split further at its spaces outside brackets that are not
    next to a sign nor bound as a short formula (:func:`bound_formulas`: a signed factor
    "−η g"), so that prose held with a formula parts from it (``of log(Var·(N − 1)/(N −
    B))`` → ``of``, ``log(Var·(N − 1)/(N − B))``) while the formula stays whole; in a
    part with prose (:data:`_PROSE`) inside its brackets too (``(constant − 4 standard
    errors)/10`` → ``(constant −``, ``4``, ``standard``, ``errors)/10``).  Each
    is one word of the width model (:func:`column_widths`).  A piece that is one bracketed
    group of at most :data:`GROUP_CHARS` characters with no prose in it (a window "[k =
    9639–20000]", "(4√(2/(R − 1)) = 8.9%)") is one unit, as :func:`cell_words` holds it.
    A relation is one unit with its sides (``V = s²(N − B)/(B(N − 1))``); with
    ``relations`` it parts after its sign as after an operation (the least width of a
    column, :func:`_floor_unit`, which a relation wider than its column may take only
    where the table is no taller for it: :func:`column_widths`)."""
    out: list[str] = []
    whole = _enclosed(piece) and len(piece) <= GROUP_CHARS and not _PROSE.search(piece)
    for part in [piece] if whole else top_parts(piece, relations=relations):
        bound, d = _bound_cell(part), _depths(part)
        prose = bool(_PROSE.search(part))
        cut = [i for i, c in enumerate(bound) if c == " " and (prose or d[i] == 0)
               and part[i - 1] not in SIGNS and part[i + 1] not in SIGNS]
        out += [part[a + 1:b] for a, b in zip([-1, *cut], [*cut, len(part)], strict=True)]
    return [p for p in out if p]


def unbroken_groups(text: str, width: float, size: float, font: str = FONT) -> str:
    """``text`` (a table cell) with the spaces inside each piece of :func:`cell_words` no
    wider than ``width`` points made non-breaking, so that the paragraph keeps the piece
    on one line; a wider piece breaks only between its :func:`unit_parts` (after an
    operator at its top level, between words held with a formula), a unit wider still
    between the items of a tuple (:func:`tuple_parts`), then after any operation at its
    top level outside a relation's short right side (:func:`top_parts` with no least
    length: "ηₘᵢₙ +" / "(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2"), then after the signs of its
    shallowest brackets (:func:`inner_parts`: "(η₀ − ηₘᵢₙ)(1 +" / "cos(πk/Tₘₐₓ))/2"),
    then after an unspaced operator (:func:`operator_parts`: "log(Var·(N − 1)/" / "(N −
    B))", the space set between the parts falling at the line's end, as the piece is
    wider than the column), outside short groups, then inside them ("β = ((√κ−1)/" /
    "(√κ+1))² = 0.4026:"); never after a relation sign, as in prose, but as the last
    resort, or where an operator break leaves a part too wide for the column, a relation
    breaks after its sign ("0.4200ⁿ ≤" / "1 + 1e−12"); a part wider still only
    between its :func:`piece_parts`; a part wider than the column even then keeps its
    spaces breakable (a line may end next to its sign, "superlinear" / "≥ superlinear"),
    as ReportLab splits a bound run wider than its line inside a word ("supe" /
    "rlinear ≥")."""
    loose = partial(operator_parts, groups=False)
    loosest = partial(operator_parts, groups=False, terms=False)
    after = partial(top_parts, chars=0, signs=RELATIONS, relations=True)
    unspaced = (operator_parts, loose, loosest)  # parts split where the formula has no space

    def fits(piece: str) -> bool:
        return string_width(piece, size, font) <= width

    def held(piece: str, levels: tuple[Callable[[str], list[str]], ...]) -> str:
        if fits(piece):
            return piece.replace(" ", NBSP)
        if not levels:
            return piece
        parts = levels[0](piece)
        if (levels[0] in (operator_parts, loose) and len(parts) > 1
                and not all(fits(p) for p in parts) and len(after(piece)) > 1):
            # a relation too wide whichever operator it breaks after: after its sign
            return held(piece, (after, *(v for v in levels if v is not after)))
        subs = [held(p, levels[1:]) for p in parts]
        if levels[0] in unspaced:
            return unspaced_join(subs, fits)
        return " ".join(subs)

    def line(s: str) -> str:
        levels = (unit_parts, tuple_parts, partial(top_parts, chars=0), inner_parts,
                  operator_parts, loose, after, loosest, piece_parts)
        return " ".join(held(w, levels) for w in cell_words(s))
    return "\n".join(line(s) for s in str(text).split("\n"))


def unspaced_join(parts: Sequence[str], fits: Callable[[str], bool]) -> str:
    """The parts of a formula split where it has no space (:func:`operator_parts`: after
    an unspaced operator, between the brackets of a product), each set for its column
    (its words joined by spaces, each word unbreakable), joined again: with a space, where
    a line may break, only where the line must break there, the last word of one part and
    the first of the next each fitting a line (``fits``) but not together; else without
    one, so that a line never reads "1)/ (N − B))" or "4/ (√L+√μ)²" with a space the
    formula does not have (the break then falls at another space of the parts, or inside
    a word too wide for any line, which ReportLab splits where the line ends)."""
    out = parts[0]
    for b in parts[1:]:
        last, first = out.rsplit(" ", 1)[-1], b.split(" ", 1)[0]
        apart = fits(last) and fits(first) and not fits(last + first)
        out = f"{out} {b}" if apart else out + b
    return out


def wrapped_lines(words: Sequence[float], space: float, width: float) -> int:
    """Lines a cell of words of widths ``words`` (a space ``space`` between two on a line)
    takes in ``width`` points, broken greedily at spaces as platypus breaks a paragraph: a
    word goes on the current line while Σ words + spaces ≤ ``width``; a word wider than
    ``width`` takes a line alone (words are never split)."""
    lines, used = 1, -space
    for w in words:
        if used + space + w > width + 1e-6 and used > 0:
            lines, used = lines + 1, w
        else:
            used += space + w
    return lines


#: A piece of a cell for the width model, as (width, its :func:`unit_parts`, each as
#: (width, widths of its words, :func:`piece_parts`)).
CellPiece = tuple[float, list[tuple[float, list[float]]]]
#: One text line of a cell for the width model: its pieces (:func:`cell_words`) as
#: :data:`CellPiece`, and the width of a space.
CellLine = tuple[list[CellPiece], float]


def _cell_words(text: str, size: float, font: str) -> list[CellLine]:
    """The lines of a cell's text (split at newlines) as :data:`CellLine`."""
    def width(w: str) -> float:
        return string_width(w, size, font)

    return [([(width(p), [(width(u), [width(w) for w in piece_parts(u)])
                          for u in unit_parts(p)])
              for p in cell_words(line)], width(" "))
            for line in str(text).replace("`", "").split("\n")]


def _cell_lines(cell: Sequence[CellLine], width: float) -> int:
    """Lines a cell takes in a column ``width`` points wide (:data:`CELL_PAD` included, and
    :data:`FIT_SLACK` kept spare on every line): Σ over its text lines of
    :func:`wrapped_lines`, each piece whole where the column holds it, else broken between
    its units (:func:`unit_parts`), a unit wider than the column at its spaces (as
    :func:`unbroken_groups` sets it)."""
    inner = width - CELL_PAD - FIT_SLACK
    return sum(wrapped_lines([v for w, us in pieces
                              for v in ((w,) if w <= inner else
                                        [x for u, ws in us
                                         for x in ((u,) if u <= inner else ws)])],
                             sp, inner) for pieces, sp in cell)


def _column_lines(cells: Sequence[Sequence[CellLine]], width: float) -> list[int]:
    """Lines each cell of a column takes at column width ``width`` (:func:`_cell_lines`)."""
    return [_cell_lines(cell, width) for cell in cells]


def drop_empty_columns(columns: Sequence[Any], rows: Sequence[Sequence[str]]
                       ) -> tuple[list[Any], list[list[str]]]:
    """``columns`` and ``rows`` without the columns whose every cell is empty (blank text or
    a bare dash "—"): such a column would only squeeze its header against the next one."""
    keep = [j for j in range(len(columns)) if any(str(r[j]).strip() not in ("", "—")
                                                  for r in rows)]
    return [columns[j] for j in keep], [[r[j] for j in keep] for r in rows]


def summary_spans(row: Sequence[str], aligns: Sequence[str]) -> list[tuple[int, int]]:
    """The columns (first, last) each cell of a table's summary row (:attr:`Table.summary`)
    is set across: a cell with text takes the blank cells next to it on the side its text
    starts from, those before it in a right-aligned column (its text still ends where the
    column's values end), those after it otherwise, up to the next cell with text; a blank
    cell no such cell takes stays alone.  ``["theory", "", "≤ 0.6ʸ, met by …", ""]``, all
    right-aligned: (0, 0), (1, 2), (3, 3), so that the long words of a summary row do not
    widen one column of the steps' numbers (:func:`column_widths`)."""
    n = len(row)
    blank = [not str(v).strip() for v in row]
    owner = list(range(n))  # the column whose cell each column's space goes to
    for j in range(n):
        if blank[j]:
            continue
        step = -1 if aligns[j] == "r" else 1
        i = j + step
        while 0 <= i < n and blank[i] and owner[i] == i:
            owner[i] = j
            i += step
    spans: dict[int, list[int]] = {}
    for i, j in enumerate(owner):
        spans.setdefault(j, []).append(i)
    return sorted((min(c), max(c)) for c in spans.values())


def _summary_words(t: Table) -> list[list[str]]:
    """Per column of table ``t``, the text of its summary rows' cells that are set in that
    column alone (:func:`summary_spans`): their words must fit it, not their whole text."""
    out: list[list[str]] = [[] for _ in t.columns]
    aligns = [c.align for c in t.columns]
    for r in t.rows[len(t.rows) - t.summary:] if t.summary else []:
        for a, z in summary_spans(r, aligns):
            if a == z:
                out[a].append(r[a])
    return out


#: a table cell that takes more than this many lines in the column :func:`column_widths`
#: gives it is shortened to its verdict with its explanation under the table
#: (:func:`long_cell_notes`): a taller cell sets a row of a few words per line, mostly blank
LONG_CELL_LINES = 6
#: the verdict left in a shortened cell (:func:`cell_verdict`) takes at most this many lines
VERDICT_LINES = 4


def cell_height(text: str, width: float, size: float) -> float:
    """Points a cell of ``text`` takes in a column ``width`` points wide: its lines
    (:func:`_cell_lines`) at the leading 1.25 × ``size`` of a table's cells."""
    return cell_lines(text, width, size) * size * 1.25


def cell_lines(text: str, width: float, size: float) -> int:
    """Lines a cell of ``text`` takes in a column ``width`` points wide (:func:`_cell_lines`)."""
    return _cell_lines(_cell_words(text, size, FONT), width)


def group_end(text: str, start: int, depths: Sequence[int]) -> int:
    """The index of the ")" that closes the parenthesis opening at ``start`` of ``text``
    (the first one after it at the top level, ``depths`` = :func:`_depths` of ``text``), or
    ``len(text)`` when none does."""
    return next((k for k in range(start + 1, len(text)) if depths[k] == 0 and text[k] == ")"),
                len(text))


def verdict_cuts(text: str, clauses: bool = False) -> list[int]:
    """The places where the verdict of a cell may end, its explanation following: before a
    parenthesis at the top level that holds prose (:data:`_PROSE`: "linear on average
    (R-linear: …)", not a formula's "C (k + 1) ρᵏ", nor the operand of a relation sign:
    "0.000731 < 0.00486 = (constant − 4 standard errors)/10" never ends "0.00486 = [42]",
    study p. 31) and before a "; " or ": " at the top
    level ("double root: theory's …", "… (at least as fast); ratios read to …"); with
    ``clauses``, only before a ", " at the top level followed by a word ("the run ended
    1.10 from P3, outside its convergence radius …", not "0.5, 0.25")."""
    d = _depths(text)
    cuts = []
    for i, c in enumerate(text):
        if d[i] or i == 0:
            continue
        if clauses:
            if c == "," and re.match(r" [^\W\d_]{2}", text[i + 1:i + 4]):
                cuts.append(i)
        elif c == "(" and text[i - 1] == " " and text[:i - 1][-1:] not in RELATIONS:
            if _PROSE.search(text[i:group_end(text, i, d)]):
                cuts.append(i - 1)
        elif c in ";:" and text[i + 1:i + 2] == " ":
            cuts.append(i)
    return cuts


def cell_verdict(text: str, ref: str, width: float, size: float,
                 longest: bool = False) -> str | None:
    """The short verdict of a long cell, with the reference ``ref`` of the note that gives
    the cell whole.  With ``longest`` (a cell that names what its row is,
    :attr:`Column.names`), its longest beginning that ends at a :func:`verdict_cuts` place
    (of either kind) and with `` ref`` takes at most :data:`VERDICT_LINES` lines ``width``
    points wide ("stability map: share of the settling cells whose rate matches theory
    (1%) [11]", where the shortest read "stability map [11]"), else as without it: its
    shortest beginning that
    ends at a :func:`verdict_cuts` place,
    "linear on average [3]" of "linear on average (R-linear: in each half of the window
    the errors stray …)", or that beginning with the short tail after its parenthesis
    (:func:`without_group`: "linear on average, ρ = 0.70863ᶠ [10]"), first, if with
    `` ref`` it takes at most :data:`VERDICT_LINES` lines ``width`` points wide; else its
    shortest beginning that ends before a clause ("the run ended 1.10 from P3 [2]"), if
    that is so short; else None."""
    if longest:
        cuts = sorted({*verdict_cuts(text), *verdict_cuts(text, True)}, reverse=True)
        short = next((f"{text[:i].rstrip()} {ref}" for i in cuts if text[:i].strip()
                      and cell_lines(f"{text[:i].rstrip()} {ref}", width, size)
                      <= VERDICT_LINES), None)
        if short is not None:
            return short
    for clauses in (False, True):
        cuts = [i for i in verdict_cuts(text, clauses) if text[:i].strip()]
        shorts = [f"{text[:cuts[0]].rstrip()} {ref}"] if cuts else []
        if cuts and not clauses and text[cuts[0] + 1:cuts[0] + 2] == "(":
            shorts.insert(0, f"{without_group(text, cuts[0] + 1)} {ref}")
        for short in shorts:
            if cell_lines(short, width, size) <= VERDICT_LINES:
                return short
    return None


def without_group(text: str, start: int) -> str:
    """``text`` without the bracketed group that opens at ``start`` and the space before
    it, when what follows the group is a short tail with no verdict cut of its own
    (:func:`verdict_cuts`): "linear on average, ρ = 0.70863ᶠ" of "linear on average
    (R-linear: …), ρ = 0.70863ᶠ", a verdict that keeps its number; else the text up to
    the group ("linear on average")."""
    tail = text[group_end(text, start, _depths(text)) + 1:]
    head = text[:start].rstrip()
    if tail.strip() and not verdict_cuts(tail) and not verdict_cuts(tail, True):
        return head + tail.rstrip()
    return head


def _cell_widths(t: Table, widths: Sequence[float]) -> list[list[float]]:
    """The width each cell of table ``t`` is set in: its column's, or for a cell of a
    summary row the columns it is set across (:func:`summary_spans`)."""
    aligns = [c.align for c in t.columns]
    out = [list(widths) for _ in t.rows]
    for r, row in zip(out[len(t.rows) - t.summary:] if t.summary else [],
                      t.rows[len(t.rows) - t.summary:], strict=True):
        for a, z in summary_spans(row, aligns):
            r[a] = sum(widths[a:z + 1])
    return out


def long_cell_notes(t: Table) -> Table:
    """Table ``t`` with each cell that takes more than :data:`LONG_CELL_LINES` lines in its
    column (:func:`cell_lines`) shortened to its verdict and a reference, "linear on average
    [n]" (:func:`cell_verdict`), or replaced by ``see [n] below`` when it has no short
    verdict, the cell given whole under the table as a note ``[n] header: text``, before
    its other notes (a mark of the cells, :func:`note_mark`: each is printed at the foot of
    the page that holds its row; n counts the table's long cells, :func:`number_cell_notes`
    numbers them through the document); :attr:`Table.long_cells` lists those cells.  The
    tallest cell goes first and the widths are worked out again without it, as the column
    it widened may narrow and the others widen: a note column of a wide table, too narrow
    for a long note, no longer sets one note down a page in a column of a few words per
    line, and the columns balance so that no cell runs more than a few lines."""
    rows = [list(r) for r in t.rows]
    notes: list[str] = []
    cells: list[tuple[int, int]] = []
    while True:
        cur = replace(t, rows=rows)
        widths = _cell_widths(cur, column_widths(cur, CONTENT_W))
        tall = max(((cell_lines(v, widths[i][j], t.size), i, j) for i, r in enumerate(rows)
                    for j, v in enumerate(r) if str(v).strip() and (i, j) not in cells),
                   default=None)
        if tall is None or tall[0] <= LONG_CELL_LINES:
            return replace(cur, notes=[*notes, *t.notes], long_cells=cells)
        _, i, j = tall
        cells.append((i, j))
        ref = f"[{len(cells)}]"
        notes.append(f"{ref} {t.columns[j].header}: {rows[i][j]}")
        rows[i][j] = (cell_verdict(rows[i][j], ref, widths[i][j], t.size, t.columns[j].names)
                      or f"see {ref} below")


#: the reference a long cell ends with ("see [2] below", "linear on average [3]"), or a
#: note begins with: the last "[n]" of the text
_CELL_REFERENCE = re.compile(r"\[\d+\](?!.*\[\d+\])", re.S)


def number_cell_notes(tables: Iterable[Table]) -> None:
    """Number the long cells set under ``tables`` (:func:`long_cell_notes`) 1, 2, … in
    the order of the tables and, in a table, of its rows (not the order the cells were
    found in, the tallest first), so that the references read in order through a document
    whose tables were built in another order than they are printed; their notes are put in
    that order too.  Cells of a table whose notes read alike (the same header and text:
    the study's two finite-difference Hessians, p. 3) share one number, and so one
    footnote (each distinct note is printed once per page), not two notes word for word."""
    n = 0
    for t in tables:
        k = len(t.long_cells)
        order = sorted(range(k), key=lambda m: t.long_cells[m])
        t.notes[:k] = [t.notes[m] for m in order]
        t.long_cells[:] = [t.long_cells[m] for m in order]
        numbers: dict[str, int] = {}
        for m, (i, j) in enumerate(t.long_cells):
            body = t.notes[m][t.notes[m].index("]") + 1:]
            if body not in numbers:
                n += 1
                numbers[body] = n
            t.rows[i][j] = _CELL_REFERENCE.sub(f"[{numbers[body]}]", t.rows[i][j], count=1)
            t.notes[m] = f"[{numbers[body]}]" + body


def column_widths(t: Table, width: float) -> list[float]:
    """Column widths of table ``t`` that add up to ``width``.

    With every column's ``share`` given: ``width · share_j / Σ share``.  Otherwise each column
    has a natural width n_j (its longest cell on one line) and a minimal one m_j (its longest
    word, never split, or its widest unit, :func:`unit_parts`, at most a third of
    ``width``, as far as the table's width allows: :func:`_floors`), both plus
    :data:`CELL_PAD` and :data:`FIT_SLACK`; the widths are n_j plus an equal share of the
    room width − Σ n when Σ n ≤ width (a share in proportion to n_j would give most to the
    column with the longest header, however short its cells), m_j scaled down when even the
    longest words do not fit (Σ m ≥ width).  Else m_j grows to the widest piece of the
    column that breaks only where the column cannot hold it (a short bracketed group such
    as "[k = 3–78]", :func:`cell_words`), the columns that need least first, while
    Σ m ≤ width, unless the table ends up taller than with the words' m_j by more than a
    line and more than :data:`GROUP_GROWTH` of its lines; the widths start at these m_j and
    the room width − Σ m goes by content (:func:`_share_room`): where it shortens the table
    most per point, the table's height counted in lines, H = Σ_rows max_j lines(cell, w_j)
    (:func:`_cell_lines`), then to putting short cells on one line
    (:func:`_unwrap_short_cells`).

    The summary rows (:attr:`Table.summary`: a per-step table's geometric mean, fit and
    theory) are set across the blank cells beside their text (:func:`summary_spans`) and
    do not set the widths: only their words count, each in the column it lies in alone
    (a long label such as "robust fit on the two-step cycles (measured rate)" wraps rather
    than squeezing the columns of the steps' numbers)."""
    cols = t.columns
    if all(c.share for c in cols):
        tot = sum(c.share for c in cols)  # type: ignore[misc]
        return [width * c.share / tot for c in cols]  # type: ignore[operator]
    natural, minimal, groups, cells = _column_measures(t, width)
    if sum(natural) <= width:  # the room left over goes to every column alike
        return [w + (width - sum(natural)) / len(natural) for w in natural]
    if sum(minimal) >= width:
        return [width * m / sum(minimal) for m in minimal]
    plain = _share_room(cells, minimal, natural, width)
    # the columns whose short groups need more than their longest word: widened to hold
    # them, cheapest first, while the room lasts, unless that makes the table taller by
    # more than GROUP_GROWTH
    held = list(minimal)
    for j in sorted(range(len(cols)), key=lambda j: groups[j] - minimal[j]):
        if sum(held) + groups[j] - held[j] <= width:
            held[j] = groups[j]
    if held == minimal:
        return plain
    grouped = _share_room(cells, held, natural, width)

    def height(ws: list[float]) -> int:
        return sum(max(r) for r in zip(*(_column_lines(c, w) for c, w in zip(cells, ws,
                                                                                 strict=True)),
                                       strict=True))

    more = height(grouped) - height(plain)
    return grouped if more <= max(1.0, GROUP_GROWTH * height(plain)) else plain


def _column_measures(t: Table, width: float
                     ) -> tuple[list[float], list[float], list[float], list[Any]]:
    """The natural and minimal widths of the columns of ``t`` in ``width`` points, the
    widths that hold their short groups, and their cells' words
    (:func:`column_widths`)."""
    cols = t.columns
    steps = t.rows[:len(t.rows) - t.summary]
    extra = _summary_words(t)
    fonts = {True: f"{FONT}-Bold", False: FONT}
    nat_j, words, formulas, groups, cells = [], [], [], [], []
    for j, c in enumerate(cols):
        col = [(c.header, True)] + [(r[j], False) for r in steps]
        cells.append([_cell_words(s, t.size, fonts[b]) for s, b in col])
        nat_j.append(max(max((string_width(line, t.size, fonts[b])
                              for line in str(s).split("\n")), default=0.0)
                         for s, b in col) + CELL_PAD + FIT_SLACK)
        alone = [_cell_words(s, t.size, FONT) for s in extra[j]]
        mn = max([w for cell in cells[-1] + alone for ps, _ in cell for _, us in ps
                  for _, ws in us for w in ws] or [10.0])
        words.append(min(mn, width / 3.0) + CELL_PAD + FIT_SLACK)
        formula = max([_floor_unit(s, t.size, fonts[b]) for s, b in col]
                      + [_floor_unit(s, t.size, FONT) for s in extra[j]] or [0.0])
        formulas.append(max(min(formula, width / 3.0) + CELL_PAD + FIT_SLACK, words[-1]))
        group = max([w for cell in cells[-1] for ps, _ in cell for w, _ in ps] or [10.0])
        groups.append(max(min(group, width / 3.0) + CELL_PAD + FIT_SLACK, formulas[-1]))
    minimal = _floors(words, formulas, width)
    natural = [max(n, m) for n, m in zip(nat_j, minimal, strict=True)]
    return natural, minimal, groups, cells


def _floor_unit(text: str, size: float, font: str) -> float:
    """The width of the widest unit of a cell's ``text`` that its column's least width
    holds (:func:`_floors`): its :func:`unit_parts` with a relation parted after its sign,
    so that a long relation ("Δln ρ/ln ρ < 0.01% ≤ 1%") widens its column only as a whole
    piece does, where that makes the table no taller (:func:`column_widths`)."""
    return max([string_width(u, size, font) for line in str(text).replace("`", "").split("\n")
                for p in cell_words(line) for u in unit_parts(p, relations=True)] or [0.0])


def natural_width(t: Table, width: float = CONTENT_W) -> float:
    """The width table ``t`` takes with every cell on one line (its summary rows' words
    each in its column, :func:`column_widths`): Σ n_j, the least width that wraps none of
    its step rows."""
    return sum(_column_measures(t, width)[0])


def _floors(words: list[float], formulas: list[float], width: float) -> list[float]:
    """The least widths of :func:`column_widths`: each column's widest short formula
    (``formulas``, at least its longest word) where Σ of them fits in ``width``; else the
    widest formulas give way first, cut down to a common cap c (Σ max(word_j, min(formula_j,
    c)) = ``width``, found by bisection) and broken at their spaces, while every column
    keeps its longest word (``words``); only when Σ words ≥ ``width`` do the words shrink,
    all alike."""
    if sum(formulas) <= width:
        return list(formulas)
    if sum(words) >= width:
        return list(words)

    def floors(cap: float) -> list[float]:
        return [max(w, min(f, cap)) for w, f in zip(words, formulas, strict=True)]

    lo, hi = 0.0, max(formulas)
    while hi - lo > 0.05:
        mid = (lo + hi) / 2.0
        lo, hi = (mid, hi) if sum(floors(mid)) <= width else (lo, mid)
    return floors(lo)


def _fit_width(cell: list[CellLine], lines: int, lo: float, hi: float
               ) -> float:
    """The least column width in [``lo``, ``hi``] (``hi`` its text on one line per text
    line) at which ``cell`` takes at most ``lines`` lines, to 0.1 pt (bisection; the line
    count falls as the width grows)."""
    if _cell_lines(cell, lo) <= lines:
        return lo
    while hi - lo > 0.1:
        mid = (lo + hi) / 2.0
        if _cell_lines(cell, mid) <= lines:
            hi = mid
        else:
            lo = mid
    return hi


def _share_room(cells: list[list[Any]], minimal: list[float], natural: list[float],
                width: float) -> list[float]:
    """The allocation of :func:`column_widths` above the minimal widths: repeatedly, of the
    moves that take one line off a row (widen each of its tallest cells just enough,
    :func:`_fit_width`), the one that shortens the table most per point of width, while
    room is left; the rest shared in proportion to n_j − w_j."""
    import numpy as np

    widths = list(minimal)
    cache: dict[tuple[int, float], Any] = {}

    def lines(j: int, w: float) -> Any:
        key = (j, round(w, 1))
        if key not in cache:
            cache[key] = np.array(_column_lines(cells[j], w))
        return cache[key]

    while True:
        room = width - sum(widths)
        current = np.array([lines(j, w) for j, w in enumerate(widths)])
        tall = current.max(axis=0)
        height = tall.sum()
        best, seen = None, set()
        for r in np.argsort(-tall, kind="stable"):
            if tall[r] <= 1:
                break
            move = tuple((j, _fit_width(cells[j][r], int(tall[r]) - 1, widths[j], natural[j]))
                         for j in range(len(widths)) if current[j][r] == tall[r])
            if move in seen:
                continue
            seen.add(move)
            cost = sum(w - widths[j] for j, w in move)
            if not 0 < cost <= room + 1e-9:
                continue
            trial = current.copy()
            for j, w in move:
                trial[j] = lines(j, w)
            gain = height - trial.max(axis=0).sum()
            if gain > 0 and (best is None or gain / cost > best[0]):
                best = (gain / cost, move)
        if best is None:
            break
        for j, w in best[1]:
            widths[j] = w
    _unwrap_short_cells(cells, widths, natural, width, lines)
    left = width - sum(widths)
    spare = [max(n - w, 0.0) for n, w in zip(natural, widths, strict=True)]
    if sum(spare) > 0:
        out = [w + left * sp / sum(spare) for w, sp in zip(widths, spare, strict=True)]
    else:
        out = [w * width / sum(widths) for w in widths]
    _lower_tall_rows(cells, out, minimal, natural, lines)
    return out


#: a row of a table taller than this many lines is made shorter, where it can be, by
#: :func:`_lower_tall_rows`
BALANCE_LINES = 4


def _lower_tall_rows(cells: list[list[Any]], widths: list[float], minimal: list[float],
                     natural: list[float], lines: Callable[[int, float], Any]) -> None:
    """Widen in place a column whose cell makes a row taller than :data:`BALANCE_LINES`
    lines just enough to take a line off it (:func:`_fit_width`), the width taken from
    one other column that keeps its minimal width, when that leaves the table's height
    H = Σ_rows h_r no greater and lowers Σ_rows h_r²: the table as tall, its lines spread
    more evenly ("the iterates blow" / "up (growth factor" / "1.400 per step)" five lines
    in a note column beside rows of one or two lines, against a header of three); the
    move that lowers Σ h_r² most first, until none does."""
    import numpy as np

    def rows(ws: Sequence[float]) -> Any:
        return np.array([lines(j, w) for j, w in enumerate(ws)]).max(axis=0)

    while True:
        now = rows(widths)
        key = (int(now.sum()), int((now ** 2).sum()))
        best = None
        for r in np.flatnonzero(now > BALANCE_LINES):
            for b in range(len(widths)):
                if lines(b, widths[b])[r] < now[r]:
                    continue
                need = _fit_width(cells[b][r], int(now[r]) - 1, widths[b],
                                  max(natural[b], widths[b])) - widths[b]
                if need <= 0:
                    continue
                for a in range(len(widths)):
                    if a == b or widths[a] - need < minimal[a]:
                        continue
                    trial = list(widths)
                    trial[a] -= need
                    trial[b] += need
                    got = rows(trial)
                    k = (int(got.sum()), int((got ** 2).sum()))
                    if k[0] <= key[0] and k[1] < key[1] and (best is None or k < best[0]):
                        best = (k, trial)
        if best is None:
            return
        widths[:] = best[1]


def _unwrap_short_cells(cells: list[list[Any]], widths: list[float], natural: list[float],
                        width: float, lines: Callable[[int, float], Any]) -> None:
    """Widen columns in place, cheapest first, so that wrapped short cells (one line at most
    :data:`SHORT_CELL` of ``width``) go on one line while the room ``width − Σ widths``
    lasts: a short cell such as ``η < 2/L = 1`` broken over two lines of a row that other
    cells make two lines tall anyway takes no line off the table (:func:`_share_room` sees
    no gain), yet reads as one expression only on one line."""
    while True:
        room = width - sum(widths)
        best = None
        for j, w in enumerate(widths):
            for r, n in enumerate(lines(j, w)):
                if n <= 1:
                    continue
                need = _fit_width(cells[j][r], len(cells[j][r]), w, natural[j])
                cost = need - w
                if need <= SHORT_CELL * width and 0 < cost <= room + 1e-9 and (
                        best is None or cost < best[0]):
                    best = (cost, j, need)
        if best is None:
            return
        widths[best[1]] = best[2]


# ============================================================================ document


@dataclass
class PageFill:
    """How full one page is: ``blank`` = share of the text area left empty at its foot,
    ``ends_section`` = the page is the last of a section (or of the document)."""

    page: int
    blank: float
    ends_section: bool


class Document:
    """Blocks flowing onto numbered A4 pages; :meth:`render` writes the PDF.

    Headings are numbered (1, 1.1, …) in order unless ``numbered=False``; ``figure`` takes a
    drawing function ``draw(fig)`` and tries it at once on a figure of its slot's size (so a
    failing figure raises inside the caller's guard, not while the PDF is written; the
    drawing is kept and reused on the page).
    """

    def __init__(self, title: str, *, footer: str | None = None):
        self.title = title
        self.footer = footer or title
        self.blocks: list[Any] = []
        self.render_failures: list[tuple[str, str]] = []
        #: figures that floated: (page they were met on, their labels), set by :meth:`render`
        self.deferred: list[tuple[int, list[str]]] = []
        self.pages = 0
        self.page_fill: list[PageFill] = []
        self.page_notes: dict[int, list[str]] = {}
        self._foot: dict[int, tuple[set[str], list[str]]] = {}
        self._note_pages: dict[str, int] = {}
        #: where each long note was printed in full in the previous pass of :meth:`render`
        #: (:func:`ending_pointers`)
        self._notes_before: dict[str, int] = {}
        #: the page each labelled figure was drawn on in this layout pass, and in the pass
        #: before (what the paragraphs that name it print: :func:`page_ref`)
        self._figure_pages: dict[str, int] = {}
        self._figures_before: dict[str, int] = {}
        self._frame_height = CONTENT_H

    # ---------------------------------------------------------------- adding content
    def add(self, block: Any) -> Any:
        """Append ``block``, its text typeset as the figures' (:func:`~analysis.plots.
        page_script`: ``e_k`` → ``eₖ``, ``ρ^200`` → ``ρ²⁰⁰``)."""
        from analysis.plots import page_script

        if isinstance(block, (Paragraph, Heading)):
            block.text = page_script(block.text)
        elif isinstance(block, Table):
            block.title = None if block.title is None else page_script(block.title)
            block.columns = [replace(c, header=page_script(c.header)) for c in block.columns]
            block.rows = [[page_script(v) for v in row] for row in block.rows]
            block.notes = [page_script(n) for n in block.notes]
        elif isinstance(block, FigureBlock):
            block.caption = page_script(block.caption)
        self.blocks.append(block)
        return block

    def heading(self, text: str, level: int = 1, numbered: bool = True) -> Heading:
        """A heading; numbers (1, 1.1, 1.1.1) are assigned in order when the PDF is made."""
        return self.add(Heading(text, level, numbered=numbered and 1 <= level <= 3))

    @property
    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def number_headings(self) -> None:
        counters = [0, 0, 0]
        for h in self.headings:
            if not h.numbered:
                continue
            counters[h.level - 1] += 1
            for k in range(h.level, 3):
                counters[k] = 0
            h.number = ".".join(str(c) for c in counters[: h.level])

    def take(self) -> list[Any]:
        """Remove and return all blocks (to build front matter first and append them)."""
        blocks, self.blocks = self.blocks, []
        return blocks

    def extend(self, blocks: Sequence[Any]) -> None:
        self.blocks.extend(blocks)

    def paragraph(self, text: str, **kw: Any) -> Paragraph:
        return self.add(Paragraph(text, **kw))

    def bullets(self, items: Sequence[str], **kw: Any) -> None:
        for i, s in enumerate(items):
            self.add(Paragraph(s, bullet="•", indent=6.0, after=2.5 if i < len(items) - 1
                               else 6.0, **kw))

    def formula(self, lhs: str, expr: Any, *, plain_lhs: str | None = None,
                sizes: Sequence[float] = (13.0, 11.0, 9.5, 8.0), indent: float = 14.0
                ) -> Formula:
        lines = typeset(lhs, expr, plain_lhs=plain_lhs, width=CONTENT_W - indent, sizes=sizes)
        return self.add(Formula(lines, indent))

    def table(self, columns: Sequence[Column | str], rows: Sequence[Sequence[Any]], *,
              title: str | None = None, notes: Sequence[str] = (), size: float = TABLE,
              summary: int = 0, half: bool = False) -> Table:
        cols = [c if isinstance(c, Column) else Column(str(c)) for c in columns]
        body = [[str(v) for v in r] for r in rows]
        if body:
            cols, body = drop_empty_columns(cols, body)
        if not body:
            body = [["(none)"] + [""] * (len(cols) - 1)]
        return self.add(long_cell_notes(Table(cols, body, title, list(notes), size,
                                              summary, half=half)))

    def figure(self, draw: Callable[[Any], Any], *, height: float = 300.0, caption: str = "",
               label: str = "", trial: bool = True, half: bool = False) -> FigureBlock:
        """Add a figure; ``draw(fig)`` is tried at once on a figure of the slot's size (its
        drawing is kept for the page).  ``half=True`` asks for half the text width:
        consecutive half figures share a row.  The figure shows the data of the moment it
        is added: the variables ``draw`` reads from its caller are bound now
        (:func:`bound_now`), so a drawing made later at another size does not see them
        rebound."""
        draw = bound_now(draw)
        block = FigureBlock(draw, height, caption, label, half=half)
        if trial:
            block._drawings[(round(block.width, 2), round(height, 2))], block.min_scale = \
                drawn_figure(draw, block.width, height)
        return self.add(block)

    def figures(self) -> list[FigureBlock]:
        """Every figure of the document, in order (tests draw and audit them)."""
        return [b for b in self.blocks if isinstance(b, FigureBlock)]

    def contents(self) -> Contents:
        return self.add(Contents())

    def page_break(self) -> None:
        self.add(PageBreak())

    # ---------------------------------------------------------------- figures and notes
    def _figure(self, b: FigureBlock, width: float, height: float) -> Any:
        """The drawing of figure ``b`` at this size (drawn once per size), or None when its
        ``draw`` fails (the error is kept in ``b.error`` and :attr:`render_failures`)."""
        key = (round(width, 2), round(height, 2))
        if key in b._drawings:
            return b._drawings[key]
        try:
            d, floor = drawn_figure(b.draw_fn, width, height)
            if key == (round(b.width, 2), round(b.fig_height, 2)):
                b.min_scale = floor
        except Exception as exc:  # noqa: BLE001 - a figure must not kill the report
            d = None
            b.error = f"{type(exc).__name__}: {exc}"
            entry = (b.label or b.caption, b.error)
            if entry not in self.render_failures:
                self.render_failures.append(entry)
        b._drawings[key] = d
        return d

    def _note_paragraphs(self, notes: Sequence[str]) -> list[Any]:
        ns = _flowables()
        st = ns.style(TABLE - 0.4, slant="italic", color="#333333", after=1.5)
        return [_rl_paragraph(markup(n), st) for n in notes]

    def _notes_height(self, lines: Sequence[str]) -> float:
        """Height of a page's footnote block: its lines, the separator rule
        :data:`NOTE_RULE` above them and :data:`NOTE_CLEAR` of clear space above the rule."""
        if not lines:
            return 0.0
        return (sum(p.wrap(CONTENT_W, 1e6)[1] + 1.5 for p in self._note_paragraphs(lines))
                + NOTE_RULE + NOTE_CLEAR)

    def _merged(self, page: int, notes: Sequence[str],
                register: bool = False) -> tuple[set[str], list[str]]:
        """The footnotes of ``page`` with ``notes`` added: legends merged, each note once, a
        long note (:data:`LONG_NOTE`) in full only on the first page that has it or a note
        that includes it (:func:`full_note_page`; recorded when ``register``) and as a
        :func:`note_reference` to that page on later pages; the page's own notes after notes
        carried from the page before under a line of their own (:func:`own_notes_line`)."""
        keys, rest = self._foot.get(page, (set(), []))
        keys, rest = set(keys), list(rest)
        own = own_notes_line(rest, notes)
        for n in notes:
            k, r = split_legend(n)
            keys |= k
            if r and len(r) >= LONG_NOTE:
                first = full_note_page(r, self._note_pages)
                if first is None and register:
                    self._note_pages[r] = page
                r = r if first in (None, page) else note_reference(r, first)
            if r and r not in rest:
                merged = merge_headed(rest, r)
                if own and len(merged) > len(rest):  # the first of the page's own notes
                    merged.insert(len(rest), OWN_NOTES)
                    own = False
                rest = merged
        return keys, rest

    @staticmethod
    def _lines(keys: set[str], rest: list[str]) -> list[str]:
        return ([legend_text(keys)] if keys else []) + merge_pointers(drop_said_asides(rest))

    def _note_space(self, canv: Any, notes: Sequence[str]) -> float:
        """Height that ``notes`` add to the footnotes of the current page: a note already
        there adds nothing, provenance legends merge into one legend line per page."""
        page = canv.getPageNumber()
        before = self._lines(*self._foot.get(page, (set(), [])))
        after = self._lines(*self._merged(page, notes))
        return self._notes_height(after) - self._notes_height(before)

    def _add_notes(self, canv: Any, notes: Sequence[str], frame: Any, reserve: float) -> None:
        page = canv.getPageNumber()
        self._foot[page] = self._merged(page, notes, register=True)
        self.page_notes[page] = self._lines(*self._foot[page])
        if frame is not None and reserve > 0:
            frame._y1p += reserve  # the foot of the frame now holds the notes

    def _draw_notes(self, canv: Any, page: int) -> None:
        notes = self.page_notes.get(page, [])
        if not notes:
            return
        paras = self._note_paragraphs(notes)
        heights = [p.wrap(CONTENT_W, 1e6)[1] + 1.5 for p in paras]
        y = MARGIN_BOTTOM + sum(heights)
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y + NOTE_RULE, MARGIN_X + 80.0, y + NOTE_RULE)
        canv.restoreState()
        for p, h in zip(paras, heights, strict=True):
            p.drawOn(canv, MARGIN_X, y - h + 1.5)
            y -= h

    # ---------------------------------------------------------------- story
    def story(self) -> list[Any]:
        """The blocks as platypus flowables: headings (and a formula right under a heading)
        kept with what follows, consecutive half figures paired into rows, and so are
        tables that go side by side (:func:`pair_tables`)."""
        from reportlab.platypus import PageBreak as RLPageBreak
        from reportlab.platypus import Spacer as RLSpacer
        from reportlab.platypus import TableStyle
        from reportlab.platypus.tableofcontents import TableOfContents

        ns = _flowables()
        self.number_headings()
        number_cell_notes(b for b in self.blocks if isinstance(b, Table))
        out: list[Any] = []
        heads: list[Any] = []
        blocks = pair_tables(self.blocks)
        i = 0
        intro = 0  # paragraphs after a heading kept with it and the table they introduce
        refs: list[str] = []  # labels of the figures whose pages paragraphs name
        while i < len(blocks):
            b = blocks[i]
            i += 1
            flow: list[Any]
            if isinstance(b, Heading):
                heads.append(ns.HeadingFlowable(b, f"h{i}", self))
                intro = _intro_before_table(blocks, i)
                continue
            if isinstance(b, PageBreak):
                flow = [RLPageBreak()]
            elif isinstance(b, Spacer):
                flow = [RLSpacer(1, b.space)]
            elif isinstance(b, (Paragraph, Formula)):
                flow = [_paragraph(b, self)] if isinstance(b, Paragraph) else \
                    _formula_flowables(b)
                refs += page_refs(b.text) if isinstance(b, Paragraph) else []
                under = bool(heads) and isinstance(heads[-1], ns.HeadingFlowable)
                held = _held(b, flow[0], under, intro > 0, blocks[i:i + 2])
                intro -= held and isinstance(b, Paragraph)
                kept, flow = _kept(b, flow, held)
                heads.extend(kept)
                if not flow:
                    continue
            elif isinstance(b, (Table, FigureBlock)):
                row, i = self._row(b, blocks, i, ns)
                flow = [row]
            elif isinstance(b, TablePair):  # its lead-ins kept with it
                heads += [_paragraph(p, self) for p in b.leads]
                refs += [r for p in b.leads for r in page_refs(p.text)]
                flow = [ns.TableRow(b.tables, self)]
            elif isinstance(b, Contents):
                toc = TableOfContents(dotsMinLevel=0, tableStyle=TableStyle([
                    ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
                toc.levelStyles = [
                    ns.style(b.size, weight="bold", leading=b.size * 1.45),
                    ns.style(b.size, indent=16.0, leading=b.size * 1.45)]
                flow = [toc]
            else:
                raise TypeError(f"not a block of a document: {b!r}")
            if heads:
                if isinstance(flow[0], (RLPageBreak, TableOfContents)):
                    out.append(ns.KeepWithNext(heads, None))
                else:
                    flow[0] = ns.KeepWithNext(heads, flow[0])
                heads = []
            out.extend(flow)
        if heads:
            out.append(ns.KeepWithNext(heads, None))
        out = _closing(out, ns)
        _link_figures(out, ns)
        out.append(ns.FloatBarrier())  # figures still waiting are placed before the end
        if refs:  # first: it takes no room, and multiBuild asks it wherever it stands,
            # but at the end of a page filled to its foot it would begin an empty page
            out.insert(0, ns.PageRefCheck(self, list(dict.fromkeys(refs))))
        return out

    def _row(self, b: Table | FigureBlock, blocks: Sequence[Any], i: int, ns: Any
             ) -> tuple[Any, int]:
        """The flowable of table or figure ``b`` (``blocks[i]`` the block after it) and the
        index of the block after those it takes: two half figures make one figure row (two
        tables side by side come as one :class:`TablePair`, :func:`pair_tables`)."""
        nxt = blocks[i] if i < len(blocks) else None
        if isinstance(b, Table):
            widths = column_widths(b, HALF_W) if fits_half(b) else None
            return ns.TableFlowable(b, self, widths), i
        if b.half and isinstance(nxt, FigureBlock) and nxt.half:
            return ns.FigureRow([b, nxt], self), i + 1
        return ns.FigureRow([b], self), i

    # ---------------------------------------------------------------- rendering
    def render(self, path: str | os.PathLike, *, metadata: Mapping[str, str] | None = None
               ) -> int:
        """Lay out and write the PDF to ``path``; returns the number of pages (also in
        :attr:`pages`; the fill of each page in :attr:`page_fill`)."""
        register_fonts()
        meta = {"Title": self.title, "Creator": "landscape (ReportLab platypus)"}
        meta.update(metadata or {})
        doc = _doc_template(self, str(path), meta)
        doc.multiBuild(self.story(), canvasmaker=_numbered_canvas(self))
        self.pages = doc.page_count
        self.page_fill = doc.fill()
        return self.pages

    def footer_text(self, page: int, pages: int) -> str:
        """``footer · page k of n`` (the title instead of ``footer`` when that does not fit
        one line)."""
        tail = f"  ·  page {page} of {pages}"
        head = self.footer
        if string_width(head + tail, 7.5) > CONTENT_W:
            head = self.title
        return head + tail


def side_by_side(t: Table, nxt: Any) -> bool:
    """Whether table ``t`` and the block ``nxt`` right after it are set side by side
    (:class:`TableRow`): two tables that may take half the text width (:attr:`Table.half`),
    each short (at most :data:`SHORT_ROWS` rows: it is never split) and at most
    :data:`HALF_W` wide with every cell on one line (:func:`natural_width`).  Two per-step
    tables set one under the other at the text width left most of it empty, and moving
    them whole left the page before blank."""
    return isinstance(nxt, Table) and all(fits_half(u) for u in (t, nxt))


def fits_half(t: Table) -> bool:
    """Whether table ``t`` may be set in half the text width (:data:`HALF_W`): it may
    (:attr:`Table.half`), is short (at most :data:`SHORT_ROWS` rows) and every cell fits
    there on one line (:func:`natural_width`).  Such a table is set in half the width beside
    another (:func:`side_by_side`) or alone, at the width of the pairs around it, not
    stretched over the text width (columns 20 em apart)."""
    return t.half and len(t.rows) <= SHORT_ROWS and natural_width(t, HALF_W) <= HALF_W


def _table_unit(blocks: Sequence[Any], i: int) -> tuple[list[Paragraph], Table, int] | None:
    """The table at ``blocks[i]``, or at ``blocks[i + 1]`` after the short paragraph that
    announces it (:func:`lead_in`): its lead-ins, the table and the index after it; None
    when neither."""
    if i < len(blocks) and isinstance(blocks[i], Table):
        return [], blocks[i], i + 1
    if i + 1 < len(blocks) and isinstance(blocks[i], Paragraph) \
            and isinstance(blocks[i + 1], Table) and lead_in(blocks[i].text, blocks[i + 1]) \
            and _short(_paragraph(blocks[i])):
        return [blocks[i]], blocks[i + 1], i + 2
    return None


def pair_tables(blocks: Sequence[Any]) -> list[Any]:
    """``blocks`` with each two tables that go side by side (:func:`side_by_side`), the
    second right after the first or after the short paragraph announcing it, made one
    :class:`TablePair`, from the first on: the paragraphs announcing either go above the
    pair, each still directly above the row that holds its table (a per-step table of a
    measured quadratic run comes after the sentence that says why)."""
    out: list[Any] = []
    i = 0
    while i < len(blocks):
        a = _table_unit(blocks, i)
        b = _table_unit(blocks, a[2]) if a is not None else None
        if a is not None and b is not None and side_by_side(a[1], b[1]):
            out.append(TablePair(a[0] + b[0], [a[1], b[1]]))
            i = b[2]
            continue
        out.append(blocks[i])
        i += 1
    return out


#: at most this many paragraphs between a heading and a table are kept with both
INTRO_PARAGRAPHS = 2


def _intro_before_table(blocks: Sequence[Any], i: int) -> int:
    """How many paragraphs from ``blocks[i]`` on introduce a table: when at most
    :data:`INTRO_PARAGRAPHS` paragraphs (short ones, at most a quarter of a page each) lead
    to a :class:`Table`, their number (the heading, they and the table's first rows then
    share a page), else 0."""
    n = 0
    while i + n < len(blocks) and isinstance(blocks[i + n], Paragraph):
        n += 1
    if n == 0 or n > INTRO_PARAGRAPHS or i + n >= len(blocks) \
            or not isinstance(blocks[i + n], (Table, TablePair)):
        return 0
    short = all(_short(_paragraph(p)) for p in blocks[i:i + n])
    return n if short else 0


def _short(f: Any) -> bool:
    """Whether a paragraph flowable takes at most a quarter of the text area."""
    return f.wrap(CONTENT_W, 1e6)[1] <= CONTENT_H / 4.0


#: words by which a paragraph right before a table or figure announces it (its lead-in):
#: "below" as an adverb ("shown below", "the starts below run", "the lines below are"), not
#: as a preposition ("below the target", "below 1e−6"; whole words only, so "below are" is
#: not "below a"); "the following", "as follows", not "GD follows the valley"; "table",
#: "figure", "panel"
_FORWARD_REFERENCE = re.compile(
    r"\bbelow\b(?!\s+(?:(?:the|a|an|its|their|this|that|these|those|zero|one|some|any|"
    r"every|each|it|them)\b|[\d−\-+.(|‖√]|[^\W\d_]\b))"
    r"|\bthe\s+following\b|\b(?:as|that|which)\s+follows?\b|\bfollows?\s*:"
    r"|\b(?:tables?|figures?|panels?)\b", re.IGNORECASE)


def lead_in(text: str, nxt: Any) -> bool:
    """Whether a paragraph of ``text`` followed by block ``nxt`` introduces it: it ends with
    a colon ("…as follows:"), or ``nxt`` is a table or figure and the text announces one
    (:data:`_FORWARD_REFERENCE`: "below", "the following", "tables", "figure", …; a text
    that names a figure's page, :func:`page_ref`, points at it: its nouns do not count)."""
    t = text.rstrip()
    if t.endswith(":"):
        return True
    if page_refs(t):  # it names a figure by its page: a pointer, not an announcement
        t = _NOUN_REFERENCE.sub("", t)
    return isinstance(nxt, (Table, TablePair, FigureBlock)) \
        and bool(_FORWARD_REFERENCE.search(t))


#: the nouns among :data:`_FORWARD_REFERENCE`'s words
_NOUN_REFERENCE = re.compile(r"\b(?:tables?|figures?|panels?)\b", re.IGNORECASE)


def _held(b: Paragraph | Formula, f: Any, heads: bool, intro: bool, nxt: Sequence[Any]
          ) -> bool:
    """Whether block ``b`` (first flowable ``f``) is kept with the block ``nxt[0]`` after it
    (keep-with-next; ``nxt``: the blocks after it, two of them suffice): a formula right
    under a heading (``heads``), or followed by another (the formulas of one display stay
    together); a paragraph that is the ``intro`` of a heading's table, or a short
    :func:`lead_in` of what follows (a paragraph ending with a colon, or one announcing the
    table or figure after it, itself or through the short lead-in of it that follows:
    :func:`_leads_on`), or a short paragraph right before a display (no page break just
    before a display).  Never at the end; a paragraph never with a heading or a page
    break."""
    if not nxt:
        return False
    if isinstance(b, Formula):
        return heads or isinstance(nxt[0], Formula)
    if isinstance(nxt[0], (Heading, PageBreak)):
        return False
    return intro or ((lead_in(b.text, nxt[0]) or _leads_on(b.text, nxt)
                      or isinstance(nxt[0], Formula)) and _short(f))


def _leads_on(text: str, nxt: Sequence[Any]) -> bool:
    """Whether a paragraph of ``text`` announces the table or figure ``nxt[1]`` that the
    paragraph ``nxt[0]`` right after it leads in (a short :func:`lead_in` of it): the
    study's "Per run, the errors eₖ … as in Nocedal & Wright's tables", then "pure Newton
    is measured cubic (per-step table follows) …", then the table.  Held with them, no
    figure waiting for the next page is placed between it and its table (one was, study
    p. 21, the lead-in alone at the foot of p. 20)."""
    return (len(nxt) > 1 and isinstance(nxt[0], Paragraph)
            and isinstance(nxt[1], (Table, FigureBlock)) and lead_in(text, nxt[1])
            and lead_in(nxt[0].text, nxt[1]) and _short(_paragraph(nxt[0])))


def _kept(b: Paragraph | Formula, flow: list[Any], held: bool
          ) -> tuple[list[Any], list[Any]]:
    """The flowables of block ``b`` kept with what follows, and the rest: all of them when
    the block is held (:func:`_held`), else a formula's lines but its last (a formula's
    lines stay together)."""
    k = len(flow) if held else len(flow) - 1 if isinstance(b, Formula) else 0
    return flow[:k], flow[k:]


def _rl_paragraph(text: str, st: Any) -> Any:
    from reportlab.platypus import Paragraph as RLParagraph

    return RLParagraph(text, st)


def _paragraph(p: Paragraph, doc: Document | None = None) -> Any:
    """The flowable of ``p``; one that names figure pages (:func:`page_ref`) reads them from
    ``doc`` when laid out (``?`` without a document)."""
    ns = _flowables()
    hang = string_width((p.bullet or "") + " ", p.size) if p.bullet else 0.0
    st = ns.style(p.size, weight=p.weight, slant="italic" if p.style == "italic" else "normal",
                  color=p.color, family=p.family if p.family in (FONT, MONO) else FONT,
                  indent=p.indent, hang=hang, before=p.before, after=p.after)
    text = markup(resolve_section_refs(p.text, doc.headings if doc is not None else []))
    if not page_refs(text):
        return ns.BodyParagraph(text, st, bulletText=p.bullet)
    f = ns.RefParagraph(resolve_page_refs(text, {}), st, bulletText=p.bullet)
    if doc is not None:
        f.template, f.doc = text, doc
    return f


def _formula_flowables(f: Formula) -> list[Any]:
    ns = _flowables()
    out: list[Any] = []
    for k, m in enumerate(f.lines):
        after = f.after if k == len(f.lines) - 1 else 0.0
        if m.math:
            try:
                out.append(ns.MathFlowable(m, f.indent, after))
                continue
            except Exception:  # noqa: BLE001 - then shown as plain text
                pass
        st = ns.style(m.size, family=MONO, indent=f.indent, after=after,
                      leading=m.size * 1.3)
        text = m.text[1:-1] if m.math and m.text.startswith("$") else m.text
        out.append(_rl_paragraph(markup(text), st))
    return out


#: words of running text that point back to what precedes it: a figure waiting for the next
#: page never floats past them (they might mean that figure)
#: (not "from above", "bounded above": a bound, not a place on the page; nor "above" before
#: what a value lies above, "above the floor", "above ρ", "above 1": a comparison; "previous"
#: and "preceding" only before a part of the document, "the previous figure", not "each
#: step adds 0.9 × the previous one": a step, which held the Rosenbrock paths figure of the
#: study before the text of the batch of starts and left p. 37 0.16 blank)
_BACK_REFERENCE = re.compile(
    r"\b(?<!from )(?<!bounded )(?:above(?! (?:(?:the|an?|its?|their|this|that|these|those|"
    r"them|one|each|every|all)\b|[\d−-]|[^\W\d_A-Za-z]))|(?:preceding|previous)(?= "
    r"(?:figures?|tables?|panels?|plots?|captions?|pages?|sections?|paragraphs?|chapters?)\b)"
    r")\b", re.IGNORECASE)


def _floats_past(f: Any, ns: Any) -> bool:
    """Whether a waiting figure may float past flowable ``f`` (``f`` then goes before it):
    paragraphs, formulas, tables and spaces may, unless their text points back
    (:data:`_BACK_REFERENCE`), and so may a lead-in kept with the table it announces (no
    heading among them) and the closing paragraphs (:class:`ClosingNotes`); headings, page
    breaks, figures and the end of the document may not."""
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Spacer as RLSpacer
    from reportlab.platypus.doctemplate import ActionFlowable

    if isinstance(f, ActionFlowable):  # the engine's own actions; not the end of the story
        return not isinstance(f, ns.FloatBarrier)
    if isinstance(f, RLParagraph):  # the rest of a split paragraph has no .text
        return not _BACK_REFERENCE.search(f.getPlainText())
    if isinstance(f, ns.TableFlowable):
        return not _BACK_REFERENCE.search(" ".join([f.t.title or "", *f.t.notes]))
    if isinstance(f, ns.TableRow):  # tables side by side: as each of them
        return all(_floats_past(g, ns) for g in f.parts)
    if isinstance(f, ns.ClosingNotes):  # the closing paragraphs: as each of them
        return all(_floats_past(g, ns) for g in f._content)
    if isinstance(f, ns.KeepWithNext):  # a lead-in and the table it announces: as its parts
        return (f.nxt is not None and not any(isinstance(h, ns.HeadingFlowable)
                                               for h in f.heads)
                and all(_floats_past(g, ns) for g in f._parts()))
    return isinstance(f, (ns.MathFlowable, RLSpacer))


#: words of a caption or lead-in that place a figure by what follows it: "the figure below",
#: "the next figure" (not "below the floor", "below 1", "below ρ": a comparison)
_AHEAD_REFERENCE = re.compile(
    r"\b(?:below(?! (?:(?:the|an?|its?|their|this|that|these|those|them|one|each|every|all)"
    r"\b|[\d−-]|[^\W\d_A-Za-z]))|(?:next|following)(?= (?:figures?|tables?|panels?|plots?|"
    r"pages?)\b))\b", re.IGNORECASE)


def _figure_row(f: Any, ns: Any) -> Any:
    """The figure row of a floating flowable ``f`` (alone or kept with its lead-in)."""
    return f.nxt if isinstance(f, ns.KeepWithNext) else f


def _placed_by_neighbours(f: Any, ns: Any) -> bool:
    """Whether the captions of figure row ``f`` or its lead-in place it by its neighbours
    (:data:`_BACK_REFERENCE`: "the figure above"; :data:`_AHEAD_REFERENCE`: "the figure
    below"): such a figure keeps its place among the others."""
    from reportlab.platypus import Paragraph as RLParagraph

    heads = f.heads if isinstance(f, ns.KeepWithNext) else []
    text = " ".join([*(h.getPlainText() for h in heads if isinstance(h, RLParagraph)),
                     *(b.caption for b in _figure_row(f, ns).items)])
    return bool(_BACK_REFERENCE.search(text) or _AHEAD_REFERENCE.search(text))


def _figure_ahead(flowables: Sequence[Any], room: Callable[[Any], float], canv: Any,
                  ns: Any) -> int | None:
    """The index of a later figure of the run of figures that opens ``flowables`` (the
    first misses the rest of the page, and no text follows it to fill it) that fits the
    rest (``room(g)`` points, :meth:`FigureRow.fits`, shrunk as far as :meth:`FigureRow.wrap`
    shrinks it there) and may go first: the figures it
    passes take at most one page together shrunk as far as they may (each moves at most to
    the next page), none of them nor it places itself by its neighbours
    (:func:`_placed_by_neighbours`), and the text after the run does not point back
    (:data:`_BACK_REFERENCE`) at the last of them when it is the one that moves; None when
    no figure may."""
    from reportlab.platypus import Paragraph as RLParagraph

    passed = 0.0
    for j, g in enumerate(flowables):
        if not ns.floating(g) or _placed_by_neighbours(g, ns):
            return None
        g.canv = canv
        if j > 0 and g.fits(room(g), last=True):
            nxt = flowables[j + 1] if j + 1 < len(flowables) else None
            if isinstance(nxt, RLParagraph) and _BACK_REFERENCE.search(nxt.getPlainText()):
                return None
            return j
        passed += _figure_row(g, ns).least()
        if passed > CONTENT_H:
            return None
    return None


def _relinked(f: Any, then: Any, ns: Any) -> Any:
    """A copy of floating flowable ``f`` whose figure row makes room for ``then``
    (:attr:`FigureRow.then`); the story's own flowable keeps its link for the next pass."""
    f = copy.copy(f)
    row = copy.copy(_figure_row(f, ns))
    row.then = then
    if isinstance(f, ns.KeepWithNext):
        f.nxt = row
        return f
    return row


def _bring_forward(flowables: list[Any], j: int, ns: Any) -> None:
    """Move the figure ``flowables[j]`` to the front (:func:`_figure_ahead`): it then makes
    room for the figure it passed first, and the figure before it, for what followed it."""
    after = flowables[j + 1] if j + 1 < len(flowables) else None
    g = flowables.pop(j)
    flowables[j - 1] = _relinked(flowables[j - 1], after, ns)
    flowables.insert(0, _relinked(g, flowables[0], ns))


def _link_figures(flowables: Sequence[Any], ns: Any) -> None:
    """Tell each figure row (alone or kept with its lead-in) the flowable after it: it makes
    room for that block when it may (:attr:`FigureRow.then`, :meth:`FigureRow._room_for`;
    a float changes it to the block it lands before), and whether that block may float
    past it (:attr:`FigureRow.after`, kept for every pass of the layout:
    :meth:`KeepWithNext._whole_on_next`)."""
    for f, nxt in zip(flowables[:-1], flowables[1:], strict=True):
        row = f.nxt if isinstance(f, ns.KeepWithNext) else f
        if isinstance(row, ns.FigureRow):
            row.then = row.after = nxt


def _unlink_float(f: Any, ns: Any) -> None:
    """A figure row ``f`` (alone or with its lead-in) that waits for the next page no longer
    makes room for the block after it here (that block goes first), unless that block is a
    figure row, which waits with it (figures keep their order)."""
    row = f.nxt if isinstance(f, ns.KeepWithNext) else f
    if row.then is not None and not ns.floating(row.then):
        row.then = None


def _moves_whole(f: Any, ns: Any) -> bool:
    """Whether flowable ``f`` goes whole to the next page when it misses the rest of this
    one: a short table (:meth:`TableFlowable.short`) or two side by side
    (:class:`TableRow`), alone or with a lead-in kept with it
    (not a heading: a section's opening may begin the next page), or a figure row that may
    not float, the block after it one no figure passes (:func:`_floats_past`: a figure)."""
    if isinstance(f, ns.KeepWithNext):
        return (not any(isinstance(h, ns.HeadingFlowable) for h in f.heads)
                and f.nxt is not None and _moves_whole(f.nxt, ns))
    if isinstance(f, ns.FigureRow):
        return f.then is not None and not _floats_past(f.then, ns)
    return isinstance(f, (ns.ClosingNotes, ns.TableRow)) or (
        isinstance(f, ns.TableFlowable) and f.short())


#: the paragraphs that end a document stay together (:func:`_closing`) when they take at
#: most this share of the text area
CLOSING_SHARE = 1.0 / 6.0


def _closing(flowables: list[Any], ns: Any) -> list[Any]:
    """``flowables`` with the paragraphs at their end (plain text, after the last heading,
    table, figure or formula) joined into one :class:`ClosingNotes` when something precedes
    them and together they take at most :data:`CLOSING_SHARE` of the text area (the kink
    report's "No eigenvalue figure" and "No basin map" notes, 7 lines: the last of them sat
    alone on the last page)."""
    n = 0
    while n < len(flowables) and type(flowables[-1 - n]) in (ns.BodyParagraph,
                                                            ns.RefParagraph):
        n += 1
    if n == 0 or n == len(flowables):
        return flowables
    tail = flowables[-n:]
    height = sum(f.wrap(CONTENT_W, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                 for f in tail)
    if height > CLOSING_SHARE * CONTENT_H:
        return flowables
    return [*flowables[:-n], ns.ClosingNotes(tail)]


def _is_action(f: Any, ns: Any) -> bool:
    """Whether ``f`` is one of platypus's actions (a page beginning, …), not the end of the
    story."""
    from reportlab.platypus.doctemplate import ActionFlowable

    return isinstance(f, ActionFlowable) and not isinstance(f, ns.FloatBarrier)


def _place_before(f: Any, now: bool, ns: Any) -> bool:
    """Whether waiting figures go before flowable ``f``: ``now`` (at the top of a fresh page,
    or right after the rest of a split paragraph), or when they may not pass ``f``; never
    before one of platypus's actions."""
    if _is_action(f, ns):
        return False
    return now or not (ns.floating(f) or _floats_past(f, ns))


def _rest_of_paragraph_first(t: Any, flowables: list[Any], ns: Any) -> bool:
    """Before template ``t`` lays out ``flowables[0]``: the waiting figures are placed in
    front of it when they must be (:func:`_place_before`), except that the rest of a
    paragraph split across the page goes first (returns True: lay it out; the figures then
    come right after it).  Sets the template's ``_fresh`` / ``_after_rest`` flags."""
    first = flowables[0]
    if t._floats and getattr(first, "continues", False):
        t._fresh, t._after_rest = False, True
        return True
    if t._floats and _place_before(first, t._fresh or t._after_rest, ns):
        _place_floats(t._floats, flowables, t._fresh, ns)
        t._floats = []
    if not _is_action(first, ns):  # (the page's beginning is an action: it sets ``_fresh``)
        t._fresh, t._after_rest = False, False
    return False


def _place_floats(floats: list[Any], flowables: list[Any], fresh: bool, ns: Any) -> None:
    """Put the waiting figures ``floats`` at the front of ``flowables`` (at the top of a
    fresh page, or before a flowable they may not pass).  A flowable that platypus already
    moved to this page (marked ``_postponed``) now follows them: it is replaced by a copy
    without the mark, or not fitting under them would be taken for a flowable too large for
    any page (platypus removes the mark from the original after the pass).  The last of
    them makes room for that flowable (:meth:`FigureRow._room_for`), as it did for the
    block after it before it began to wait."""
    first = flowables[0]
    if fresh and hasattr(first, "_postponed"):
        first = copy.copy(first)
        del first._postponed
        flowables[0] = first
    last = floats[-1]
    row = last.nxt if isinstance(last, ns.KeepWithNext) else last
    if row.then is None:  # unlinked when it began to wait (:func:`_unlink_float`)
        row.then = first  # it now makes room for the block that follows it here
    flowables[0:0] = floats


def _notes_wait(t: Any, flowables: list[Any], ns: Any) -> bool:
    """Before template ``t`` lays out ``flowables[0]``: the notes of a table whose rows end
    this page and whose notes go to the foot of the next
    (:meth:`TableFlowable._rows_here_notes_next`) wait there while the blocks after the
    table fill the rest of this page (returns True: it took them), and are set at the foot
    of the next page before its first block, taking no room at its top
    (:meth:`TableFlowable.at_foot`), or laid out before the end of the story.  Laid out
    here they ended the page: the quadratic report's p. 5 was left 0.28 blank under its
    convergence table, the lead-in after it moved whole to p. 6 although it splits across
    a page."""
    f = flowables[0]
    if isinstance(f, ns.TableFlowable) and f.notes_only and t.canv is not None \
            and f.after_page == t.canv.getPageNumber():
        t._notes.append(flowables.pop(0))
        return True
    if t._notes and (isinstance(f, ns.FloatBarrier) or t._fresh and not _is_action(f, ns)):
        if t._fresh and not isinstance(f, ns.FloatBarrier):
            for n in t._notes:  # they take no room at the top of the page (:meth:`at_foot`)
                n.frameAction = n.at_foot
        flowables[0:0] = t._notes
        t._notes = []
    return False


def _figure_first(t: Any, flowables: list[Any], ns: Any) -> None:
    """Before template ``t`` lays out a figure row ``flowables[0]`` that misses the rest of
    the page (even shrunk as far as :meth:`FigureRow.wrap` shrinks it there) with no text
    after it to fill it (it does not float): a later figure of its run that fits goes first
    (:func:`_figure_ahead`); else it goes to the next page."""
    f, frame = flowables[0], getattr(t, "frame", None)
    if t._floats or not ns.floating(f) or frame is None or frame._atTop:
        return
    f.canv = t.canv

    def room(g: Any) -> float:
        return frame._y - frame._y1p - g.getSpaceBefore()

    if f.fits(room(f), last=True):
        return
    j = _figure_ahead(flowables, room, t.canv, ns)
    if j is not None:
        _bring_forward(flowables, j, ns)


def _text_first(t: Any, flowables: list[Any], ns: Any) -> None:
    """Before template ``t`` lays out a short table ``flowables[0]`` (:meth:`TableFlowable.short`,
    alone or with the lead-in kept with it: :func:`_moves_whole`) that misses the rest of
    the page (its rows, not only its notes): the paragraphs right after it that fit that
    rest whole and do not point back (:func:`_floats_past`: "above", …) go first, and the
    table goes whole, its lead-in still directly above it, to the top of the next page (as
    a figure floats), when with them this page is left at most :data:`SHORT_SPLIT_GAP`
    blank; else it splits or moves as before (:meth:`TableFlowable.splits_short`).  Text
    that follows a table still follows it when read, and a forward pointer ("the runs
    below") still points forward.  The
    study's 'GD with η = 2/(μ + L)' table split 3 + 6 rows over pp. 24-25, followed by a
    paragraph of 62 points that fits the 141 points the table and its lead-in missed."""
    from reportlab.platypus import Paragraph as RLParagraph

    f, frame = flowables[0], getattr(t, "frame", None)
    table = f.nxt if isinstance(f, ns.KeepWithNext) else f
    if frame is None or frame._atTop or not isinstance(table, (ns.TableFlowable, ns.TableRow)) \
            or f.moves_next or table.notes_only or table.continued or not _moves_whole(f, ns):
        return
    f.canv = t.canv
    room = frame._y - frame._y1p - f.getSpaceBefore()
    if f.wrap(frame._width, room)[1] - table._reserve <= room:
        return  # its rows fit (its notes may go to the next page: _rows_here_notes_next)
    k, left = 1, room
    while k < len(flowables) and isinstance(flowables[k], RLParagraph) \
            and not getattr(flowables[k], "continues", False) and _floats_past(flowables[k], ns):
        g = flowables[k]
        g.canv = t.canv
        h = g.wrap(frame._width, left)[1] + g.getSpaceBefore() + g.getSpaceAfter()
        if h > left:
            break
        left -= h
        k += 1
    if k == 1 or left > SHORT_SPLIT_GAP * frame._aH:
        return
    moved = copy.copy(f)
    moved.moves_next = True
    flowables[0:k] = [*flowables[1:k], moved]


def _doc_template(d: Document, path: str, meta: Mapping[str, str]) -> Any:  # noqa: C901
    """A BaseDocTemplate with one frame on A4 that records how full each page is and draws
    the footnotes of each page."""
    from reportlab.platypus import Frame, PageTemplate
    from reportlab.platypus.doctemplate import ActionFlowable, BaseDocTemplate

    ns = _flowables()

    class Template(BaseDocTemplate):
        def beforeDocument(self) -> None:
            d._notes_before = d._note_pages or d._notes_before
            d._figures_before = d._figure_pages or d._figures_before
            d.page_notes, d._foot, d._note_pages, d._figure_pages = {}, {}, {}, {}
            self._fill: list[tuple[int, float, bool]] = []
            self._starts: dict[int, bool] = {}
            self._broken: set[int] = set()
            self.page_count = 0
            self._floats: list[Any] = []  # figures waiting for the top of the next page
            self._notes: list[Any] = []  # table notes waiting for the next page
            self._fresh = False
            self._after_rest = False  # the rest of a split paragraph was just placed
            d.deferred = []

        def handle_pageBegin(self) -> None:
            super().handle_pageBegin()
            self.frame._geom()  # undo the footnote space taken on the previous page
            self._fresh = True

        def handle_flowable(self, flowables: list[Any]) -> None:
            """Figure floats: a figure row that does not fit the rest of the page (even
            shrunk to :data:`MIN_SHRINK`) waits for the top of the next page while the text
            after it fills this one (:func:`_floats_past`); figures keep their order."""
            if _notes_wait(self, flowables, ns):
                return
            if _rest_of_paragraph_first(self, flowables, ns):
                super().handle_flowable(flowables)
                return
            f = flowables[0]
            if ns.floating(f) and (self._floats or self._may_float(f, flowables)):
                if not self._floats:
                    d.deferred.append((self.page, [b.label or b.caption for b in f.items]))
                _unlink_float(f, ns)
                self._floats.append(flowables.pop(0))
                return
            _figure_first(self, flowables, ns)
            _text_first(self, flowables, ns)
            super().handle_flowable(flowables)

        def _may_float(self, f: Any, flowables: list[Any]) -> bool:
            frame = self.frame
            nxt = next((g for g in flowables[1:] if not (isinstance(g, ActionFlowable)
                                                         or ns.floating(g))
                        or isinstance(g, ns.FloatBarrier)), None)  # figures after it wait too
            if frame is None or frame._atTop or nxt is None or not _floats_past(nxt, ns):
                return False
            f.canv = self.canv  # the page's footnotes tell what it may take above them
            return not f.fits(frame._y - frame._y1p - f.getSpaceBefore())

        def handle_pageEnd(self) -> None:
            f = self.frame
            blank = max(0.0, f._y - f._y1p) / f._aH
            self._fill.append((self.page, blank, False))
            d._draw_notes(self.canv, self.page)
            self.canv.footer(self.page, max(self.page, d.pages))
            self.page_count = self.page
            super().handle_pageEnd()

        def handle_pageBreak(self, slow: Any = None) -> None:
            self._broken.add(self.page)
            super().handle_pageBreak(slow)

        def afterFlowable(self, flowable: Any) -> None:
            if self.page not in self._starts and not isinstance(flowable, ActionFlowable):
                self._starts[self.page] = bool(getattr(flowable, "starts_section", False))

        def fill(self) -> list[PageFill]:
            n = len(self._fill)
            out = []
            for k, (page, blank, _) in enumerate(self._fill):
                ends = (k == n - 1 or page in self._broken
                        or self._starts.get(page + 1, False))
                out.append(PageFill(page, round(blank, 4), ends))
            return out

    frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_W, CONTENT_H, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0, id="text",
                  overlapAttachedSpace=0)  # spaces add up: a table's negative space after
    # (its footnotes' room, moved to the foot of the page) must not become space before
    doc = Template(path, pagesize=(PAGE_W, PAGE_H), title=meta.get("Title", ""),
                   author=meta.get("Author", ""), subject=meta.get("Subject", ""),
                   creator=meta.get("Creator", ""), keywords=meta.get("Keywords", ""),
                   pageCompression=1 if PDF_COMPRESSION else 0, initialFontName=FONT,
                   initialFontSize=BODY, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                   topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, allowSplitting=1)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    d._frame_height = CONTENT_H
    return doc


#: name of the form that holds the page count n of "page k of n"
_COUNT_FORM = "landscape-page-count"


def _numbered_canvas(d: Document) -> Any:
    """A canvas class whose pages show the footer "footer · page k of n": n is a form
    (XObject) referenced by every page and defined when the canvas is saved, once n is
    known."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def footer(self, page: int, guess: int) -> None:
            """Draw the footer of page ``page`` (centred for ``guess`` pages)."""
            text = d.footer_text(page, guess)
            head = text[: text.rindex(" of ") + 4]
            x = (PAGE_W - string_width(text, 7.5)) / 2.0
            y = MARGIN_BOTTOM - 26.0
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColorRGB(0.33, 0.33, 0.33)
            self.drawString(x, y, head)
            self.translate(x + string_width(head, 7.5), y)
            self.doForm(_COUNT_FORM)
            self.restoreState()

        def save(self) -> None:
            self.beginForm(_COUNT_FORM)
            self.setFont(FONT, 7.5)
            self.setFillColorRGB(0.33, 0.33, 0.33)
            self.drawString(0, 0, str(self.getPageNumber() - 1))
            self.endForm()
            super().save()

    return NumberedCanvas


__all__ = [
    "BODY", "CONTENT_H", "CONTENT_W", "FONT", "HOW", "MONO", "PAGE_H", "PAGE_W", "SMALL",
    "TABLE", "Column", "Contents", "Document", "FigureBlock", "Formula", "Heading", "MathLine",
    "PageBreak", "PageFill", "Paragraph", "Spacer", "Table", "code", "column_widths",
    "drop_empty_columns", "figure_drawing",
    "legend_text", "mark", "markup", "math_width", "plain_formula", "register_fonts",
    "string_width", "typeset",
]
