"""The one number formatter of the toolkit: numbers in ``%g`` style for text, tables and notes.

Rules of :func:`fmt` (``digits`` significant digits, 6 unless told):

* a float (Python, NumPy or any real number) → ``f"{x:.{digits}g}"``: ``0.1`` → ``0.1``,
  ``1/3`` → ``0.333333``, ``1e-7`` → ``1e-07``, ``123456789.0`` → ``1.23457e+08``;
* an integer (``int``, NumPy integers; not ``bool``) → its exact decimal digits (an integer
  carries no rounding to show): ``123456789`` → ``123456789``;
* ``None`` and NaN → ``—`` (no value); ±∞ → ``∞`` / ``−∞``;
* a sequence (list, tuple, NumPy array of any shape, read in C order) → ``(a, b, …)`` with
  each entry by these rules (a 0-d array is its scalar), its entries in one format: when the
  digits round one real entry every real entry keeps its trailing zeros (below), so that a
  point reads ``(1.0000, 1.0000, 0.99999)``, never ``(1, 1, 0.99999)``;
* anything else (a string, a bool, a SymPy number) → ``str(v)``.

Trailing zeros (the ``#`` flag of ``%g``, without a bare trailing point): a real that its
``digits`` significant digits round keeps all of them, so that the text shows how many digits
it carries: 0.011112044 to 6 digits is ``0.0111120``, 104.015 to 4 is ``104.0``, 1.97e-29 to 2
is ``2.0e-29`` (``0.011112``, ``104`` and ``2e-29`` read as one digit fewer than their
neighbours).  A real those digits hold (up to the rounding of floating point, a relative
10⁻¹⁴, so ``0.1 * 3``) is the number it is and prints short: ``0.5``, ``2``, ``0.3`` (a box
[−2, 2], a step η = 0.1, an axis tick).  ``zeros=True`` keeps the zeros of every nonzero real
(a column of values that all show ``digits`` digits, ``0.5`` → ``0.500`` at 3 digits);
``zeros=False`` drops them all (``%g``).  Integers and 0 print as they are.

On a page (PDF text, tables, captions) a negative number carries the minus sign "−"
(U+2212), not the hyphen-minus: :func:`page_minus` rewrites formatted text for printing
(:func:`figure_minus` the text drawn inside figures); JSON and CSV keep the ASCII "-" of
:func:`fmt`.

A rate ρ (a factor per iteration) is printed by :func:`fmt_rate`, with the digits of
:func:`rate_digits`, wherever it appears (text, tables, notes, legends), so one rate reads
the same everywhere.

Imports nothing beyond the standard library (a NumPy value is recognised by duck typing), so
it can be used from every layer.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

#: Shown for a missing value (None) and for NaN.
MISSING = "—"


def plural(n: int, word: str, grouped: bool = False, count: bool = True) -> str:
    """A count with its noun, in the plural unless the count is one: ``1 iteration``,
    ``2 iterations``, ``0 points`` (the one rule for counts in text, progress lines and
    notes; never ``point(s)``); ``grouped`` writes thousands apart (``10 000 starts``,
    :func:`spaced`); ``count=False`` gives the noun alone (``columns`` for the columns
    listed next)."""
    noun = word if n == 1 else f"{word}s"
    if not count:
        return noun
    return f"{spaced(n)} {noun}" if grouped else f"{n} {noun}"


def spaced(n: int) -> str:
    """A count with its thousands set apart by a space: ``31 798``, ``50 000``, ``899`` (the
    one form of a count of iterations, in prose and in figure titles alike)."""
    return f"{n:,}".replace(",", " ")


#: The space that sets a count's thousands apart (:func:`spaced`: "1 000", "60 000"): a line
#: of text or a wrapped figure title never breaks there ("1" / "000 it.").
THOUSANDS_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def iteration_count(n: int) -> str:
    """A count of iterations as prose says it: ``1 000 iterations``, ``1 iteration``, its
    thousands set apart (:func:`spaced`) as in figure titles' ``1 000 it.``."""
    return f"{spaced(int(n))} {plural(int(n), 'iteration', count=False)}"


def iteration_counts(ns: Any) -> str:
    """The iteration counts of several runs, listed in order (:func:`iteration_count`):
    ``20 000 iterations, 8 526 iterations``; a count shared by them all is said once,
    ``1 000 iterations each`` (not ``1 000 iterations, 1 000 iterations``); one run's count
    alone, ``1 000 iterations``."""
    counts = [int(n) for n in ns]
    if len(counts) > 1 and len(set(counts)) == 1:
        return f"{iteration_count(counts[0])} each"
    return ", ".join(iteration_count(n) for n in counts)


def fmt(v: Any, digits: int = 6, zeros: bool | None = None) -> str:
    """``v`` as text by the rules of this module (``%.{digits}g`` for reals, ``%#.{digits}g``
    for a real those digits round (:func:`holds`); ``zeros``: True keeps the trailing zeros of
    every nonzero real, False of none)."""
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return MISSING
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        if x != 0 and (zeros or (zeros is None and not holds(x, digits))):
            return f"{x:#.{digits}g}".replace(".e", "e").rstrip(".")
        return f"{x:.{digits}g}"
    if hasattr(v, "ndim") and hasattr(v, "tolist"):  # a NumPy array (or scalar)
        flat = v.tolist() if v.ndim == 0 else v.ravel().tolist()
        return fmt(flat, digits, zeros) if v.ndim == 0 else _tuple(flat, digits, zeros)
    if isinstance(v, list | tuple):
        return _tuple(v, digits, zeros)
    return str(v)


def fmt_sci(v: Any, digits: int = 6) -> str:
    """A real in scientific notation with ``digits`` significant digits, trailing zeros kept
    (``%.{digits-1}e``, the exponent as :func:`fmt` writes it): ``0.000105`` to 3 digits is
    ``1.05e-04``, ``3.1e-05`` to 3 is ``3.10e-05``; a column whose values do not all print
    in one notation by :func:`fmt` (``3.13e-05`` beside ``0.000105``) prints them all so.
    0, non-finite values and anything not a real go to :func:`fmt`."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return fmt(v, digits)
    x = float(v)
    if x == 0 or not math.isfinite(x):
        return fmt(x, digits)
    return f"{x:.{max(1, digits) - 1}e}"


#: relative difference below which a real counts as the number its digits print
#: (:func:`holds`): the rounding of floating point, ``0.1 * 3`` for 0.3
HOLD_TOLERANCE = 1e-14


def holds(x: float, digits: int) -> bool:
    """Whether ``digits`` significant digits hold the real ``x``: ``|t − x| ≤ 10⁻¹⁴·|x|`` for
    t the number ``%.{digits}g`` prints (:data:`HOLD_TOLERANCE`): 0.5 and ``0.1 * 3`` at 4
    digits, not 104.015."""
    return abs(as_printed(x, digits) - x) <= HOLD_TOLERANCE * abs(x)


def as_printed(v: Any, digits: int) -> float:
    """The number ``v`` reads as, printed to ``digits`` significant digits (:func:`fmt`):
    ``0.000651`` for 0.00065149 at 3 digits; two values print as the same number when
    these are equal, whatever zeros their texts keep (``2`` and ``2.000``).  A bound or
    tolerance the reader is asked to check is computed from the numbers as printed beside
    it, so that it reproduces from them: 0.000651 + 4·2.0e−05 = 0.000731, where the
    unrounded mean and standard error gave 0.000733."""
    return float(f"{float(v):.{digits}g}")


def round_out(v: float, digits: int, up: bool) -> float:
    """``v`` rounded to ``digits`` significant digits away from the values it bounds: up for
    an upper bound (``0.0070406`` → ``0.00705``, so that "each ≤ 0.00705" holds), down for a
    lower bound (``0.998883`` → ``0.9988``); a value those digits hold (its shortest decimal,
    ``1.001``) stays.  Non-finite values and 0 are returned as they are."""
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

    x = float(v)
    if not math.isfinite(x) or x == 0:
        return x
    d = Decimal(repr(x))
    q = Decimal(1).scaleb(d.adjusted() - digits + 1)
    return float(d.quantize(q, rounding=ROUND_CEILING if up else ROUND_FLOOR))


def _tuple(values: list | tuple, digits: int, zeros: bool | None = None) -> str:
    """``(a, b, …)``: each entry by :func:`fmt`, the entries of one tuple in one format
    (:func:`_shared_zeros`): ``(1.000, 5.000, 2.259)``, not ``(1.000, 5, 2.259)``."""
    if zeros is None:
        zeros = _shared_zeros(values, digits)
    return "(" + ", ".join(fmt(x, digits, zeros) for x in values) + ")"


def _shared_zeros(values: list | tuple, digits: int) -> bool | None:
    """The trailing-zeros rule of one tuple's entries: True (every nonzero real keeps its
    ``digits`` digits) when its digits round any one real entry (not :func:`holds`), so that
    an entry those digits hold prints like its rounded neighbours: ``(1.0000, 1.0000,
    0.99999)`` at 5 digits, where each alone prints ``1``, ``1.0000``, ``0.99999``; else
    None, and entries all held print short: ``(1, 5)``, ``(1, 0.5)``.  Integers (exact
    counts) and nested sequences keep their own rules."""
    for x in values:
        if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral):
            v = float(x)
            if math.isfinite(v) and v != 0 and not holds(v, digits):
                return True
    return None


#: significant digits of a rate not within 10⁻³ of 1
RATE_DIGITS = 5


#: the most significant digits a rate near 1 is printed with
RATE_DIGITS_MAX = 12


def rate_digits(r: Any) -> int:
    """Significant digits that tell a rate from 1 and from a neighbouring rate:
    :data:`RATE_DIGITS`, or ``⌊−log10|1 − r|⌋ + 3`` (at most :data:`RATE_DIGITS_MAX`) when
    r is within 10⁻³ of 1 (0.99998, not 1).  A rate those digits cannot tell from 1
    (|1 − r| below about 5·10⁻¹², such as the rounding of two equal errors of a cycle) prints
    as 1 does, with :data:`RATE_DIGITS` (``1.0000``, not ``1.00000000000``)."""
    try:
        x = float(r)
    except (TypeError, ValueError):
        return RATE_DIGITS
    if not math.isfinite(x):
        return RATE_DIGITS
    gap = abs(1.0 - x)
    if gap == 0 or gap >= 1e-3 or float(f"{x:.{RATE_DIGITS_MAX}g}") == 1.0:
        return RATE_DIGITS
    return min(RATE_DIGITS_MAX, int(-math.log10(gap)) + 3)


def fmt_rate(r: Any) -> str:
    """A rate with :func:`rate_digits` significant digits: ``0.78555``, ``0.99605``,
    ``0.999876``."""
    return fmt(r, rate_digits(r))


#: the significant digits of a run's final gradient max-norm ‖∇f‖∞ (:func:`fmt_grad`)
GRAD_DIGITS = 3

#: the significant digits of each coordinate of a point a report prints; a convexity
#: witness's chord is verified at its ends rounded to them, so that the gap recomputed from
#: the printed ends is the printed gap
POINT_DIGITS = 4

#: the significant digits of a fitted order q, in a convergence table and in the title of
#: the per-step table that names the window it was fitted on
ORDER_DIGITS = 3


def fmt_grad(g: Any) -> str:
    """A run's final ‖∇f‖∞ as every sentence and table prints it: :data:`GRAD_DIGITS`
    significant digits, trailing zeros kept (``fmt(g, 3, zeros=True)``): ``4.81``, ``1.00``
    (an exact 1 reads as the column's ``1.00``, not ``1``), ``0.000850``, ``8.78e-13``."""
    return fmt(g, GRAD_DIGITS, zeros=True)


#: MINUS SIGN (U+2212), the sign of a negative number on a page
MINUS = "\u2212"

#: a hyphen-minus that signs a number: before a digit (or ".5"), not after a letter, digit,
#: point or closing bracket (``y-1``, ``2026-12``, ``(x)-1`` are subtractions or hyphens),
#: or the sign of an exponent (``1e-07``)
_SIGN = re.compile(r"(?<![\w.)\]])-(?=\.?\d)|(?<=\de)-(?=\d)")


def page_minus(text: str) -> str:
    """``text`` with the hyphen-minus of every signed number replaced by "−" (U+2212):
    ``(-0.1263, -0.1866)`` → ``(−0.1263, −0.1866)``, ``f″ = -1.035`` → ``f″ = −1.035``,
    ``1e-07`` → ``1e−07``; ``relu(y-1)``, ``3-D`` and ``2026-12-03`` keep their hyphens."""
    return _SIGN.sub(MINUS, text)


#: a mathtext segment ``$…$`` of a figure's text (``\$`` is a literal dollar sign)
_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")


def figure_minus(text: str) -> str:
    """:func:`page_minus` for text drawn in a figure: the signed numbers of plain text get
    "−", mathtext segments ``$…$`` are left alone (mathtext draws their "-" as a minus
    already): ``η = -0.5, $10^{-3}$`` → ``η = −0.5, $10^{-3}$``."""
    out, last = [], 0
    for m in _MATH.finditer(text):
        out += [page_minus(text[last:m.start()]), m.group(0)]
        last = m.end()
    out.append(page_minus(text[last:]))
    return "".join(out)


def percent_shares(counts: Any) -> list[int]:
    """Whole percentages of the parts ``counts`` of a whole that sum to exactly 100
    (largest-remainder rounding): each part gets ``⌊100 cᵢ/Σc⌋`` and the points still
    missing go, one each, to the parts with the largest remainders (earlier parts first on
    a tie); all zeros when the whole is empty.  Counts 2455, 2555, 2555, 2435 (24.55, 25.55,
    25.55, 24.35 %) give 25, 26, 25, 24 (sum 100) where rounding each gives 25 + 26 + 26 + 24
    = 101; counts 1, 1, 1 give 34, 33, 33 where rounding each gives 99."""
    c = [max(0, int(v)) for v in counts]
    total = sum(c)
    if total == 0:
        return [0] * len(c)
    exact = [100 * v / total for v in c]
    out = [math.floor(e) for e in exact]
    order = sorted(range(len(c)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[:100 - sum(out)]:
        out[i] += 1
    return out
