"""What the engine can represent, and the checks that keep every request inside it.

A request outside these limits is refused with :class:`~landscape.errors.InputError` (exit 2
on the command line) that names the limit: a count is never wrapped, a number never replaced
by another, and memory is estimated before it is allocated.

* Counts (steps, maxiter, integer hyperparameters, seeds) travel to the compiled engine in a
  float64 parameter block and come back as int64 counters, so they must be integers of at most
  :data:`MAX_COUNT` = 2⁵³ (every integer up to 2⁵³ is exact in float64; beyond it a count would
  be rounded, and from 2⁶³ on it would wrap to a negative int64).
* Real-valued flags must be finite.
* Memory: a request whose estimated peak exceeds :func:`memory_limit_bytes` is refused.  The
  limit is :data:`DEFAULT_MEMORY` (2 GiB) unless ``$LANDSCAPE_MEMORY_LIMIT`` gives another
  (bytes, or a number with a unit: ``8G``, ``512M``).
* Seconds (``--timeout``, symbolic step budgets): at most :data:`MAX_SECONDS` (about 11.6 days),
  the range every clock and timer of the platform accepts.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

from .errors import InputError, TooLarge

#: largest count (steps, iterations, integer hyperparameter) the engine holds exactly
MAX_COUNT = 2**53
#: longest time limit in seconds (--timeout, scaled step budgets)
MAX_SECONDS = 1e6
#: environment variable overriding the memory limit
MEMORY_ENV = "LANDSCAPE_MEMORY_LIMIT"
#: memory one request may allocate unless ``$LANDSCAPE_MEMORY_LIMIT`` says otherwise
DEFAULT_MEMORY = 2 * 2**30

_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def memory_limit_bytes() -> int:
    """The memory a single request may use: ``$LANDSCAPE_MEMORY_LIMIT`` or
    :data:`DEFAULT_MEMORY`.

    The variable holds bytes or a number with a binary unit (``K``, ``M``, ``G``, ``T``,
    optionally followed by ``B`` or ``iB``); anything else is an :class:`InputError`.
    """
    text = os.environ.get(MEMORY_ENV, "").strip()
    if not text:
        return DEFAULT_MEMORY
    m = re.fullmatch(r"([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([kKmMgGtT]?)(?:i?[bB])?", text)
    value = float(m.group(1)) * _UNITS[m.group(2).lower()] if m else math.nan
    if not (math.isfinite(value) and 1 <= value <= 2**62):
        raise InputError(f"{MEMORY_ENV}={text!r} must be a size such as 4G, 512M or a number "
                         "of bytes (at least 1)")
    return int(value)


def format_bytes(n: float) -> str:
    """``n`` bytes as a short text with a binary unit (``1.5 GiB``)."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def check_memory(what: str, nbytes: float, advice: str = "", detail: str = "") -> None:
    """Refuse ``what`` (:class:`~landscape.errors.TooLarge`) when its estimated ``nbytes``
    exceed :func:`memory_limit_bytes`, in one line: the estimate (with ``detail``: its parts),
    the limit, ``advice`` (what to ask for instead) and how to raise the limit."""
    limit = memory_limit_bytes()
    if nbytes > limit:
        parts = f" ({detail})" if detail else ""
        more = f"; {advice}" if advice else ""
        raise TooLarge(f"{what} needs {format_bytes(nbytes)} of memory{parts}, above the limit "
                       f"of {format_bytes(limit)}{more} (or raise the limit: {MEMORY_ENV}=...)")


def check_count(name: str, value: Any, low: int = 0, high: int = MAX_COUNT) -> int:
    """``value`` as an int in [low, high], else :class:`InputError` naming the range.

    Accepts ints and integer-valued floats (``1e6``); refuses booleans, fractions, NaN, ±inf.
    """
    if isinstance(value, bool):
        raise InputError(f"{name} must be an integer, got {value!r}")
    try:
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be an integer, got {value!r}") from None
    if as_int != value:
        raise InputError(f"{name} must be an integer, got {value!r}")
    if not low <= as_int <= high:
        why = " (2**53: the largest count the engine holds exactly)" if high == MAX_COUNT else ""
        top = "2**53" if high == MAX_COUNT else str(high)
        raise InputError(f"{name} must be between {low} and {top}, got {value!r}{why}")
    return as_int


def check_seconds(name: str, value: Any) -> float:
    """``value`` as a number of seconds in (0, MAX_SECONDS], else :class:`InputError`."""
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number of seconds, got {value!r}") from None
    if not (math.isfinite(v) and 0 < v <= MAX_SECONDS):
        raise InputError(f"{name} must be a positive finite number of seconds up to "
                         f"{MAX_SECONDS:g}, got {value!r}")
    return v


#: environment variable fixing the number of Numba threads
THREADS_ENV = "NUMBA_NUM_THREADS"


def check_thread_env() -> None:
    """Refuse a ``$NUMBA_NUM_THREADS`` that is not a positive integer (up to 4096) before Numba
    is imported (Numba would stop with a traceback)."""
    text = os.environ.get(THREADS_ENV)
    if text is None:
        return
    if not re.fullmatch(r"\s*[0-9]{1,4}\s*", text) or not 1 <= int(text) <= 4096:
        raise InputError(f"{THREADS_ENV}={text!r} must be a whole number of threads from 1 to "
                         "4096 (or unset)")
