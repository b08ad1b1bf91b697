"""Axis-aligned boxes: where critical points are searched, convexity is decided, starts drawn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .defaults import DEFAULT_HALF_WIDTH
from .errors import InputError


def _bound(value: Any) -> float:
    if isinstance(value, str):
        from .parse import parse_constant

        expr = parse_constant(value)
        try:
            return float(expr)
        except (TypeError, ValueError) as exc:
            raise InputError(f"box bound {value!r} is not a real number") from exc
    return float(value)


def parse_box_text(text: str) -> list[tuple[float, float]]:
    """``"LO:HI[,LO:HI...]"`` → list of pairs.  Bounds are safe constant formulas (``-pi:pi``)."""
    pairs = []
    for part in text.split(","):
        pieces = part.split(":")
        if len(pieces) != 2:
            raise InputError(f"box interval {part.strip()!r} is not of the form LO:HI")
        pairs.append((_bound(pieces[0].strip()), _bound(pieces[1].strip())))
    return pairs


def as_box(box: Any, n: int) -> np.ndarray:
    """Normalise ``box`` to an ``(n, 2)`` float array of ``[lo, hi]`` rows.

    Accepts ``None`` (the default ``-5:5`` box), a string ``"LO:HI,..."``, one ``(lo, hi)`` pair
    (used for every variable) or one pair per variable.
    """
    if box is None:
        arr = np.tile([-DEFAULT_HALF_WIDTH, DEFAULT_HALF_WIDTH], (n, 1))
    else:
        if isinstance(box, str):
            box = parse_box_text(box)
        rows = np.asarray(
            [[_bound(b) for b in pair] for pair in _pairs(box)], dtype=np.float64
        )
        if rows.shape[0] == 1 and n > 1:
            rows = np.tile(rows, (n, 1))
        if rows.shape != (n, 2):
            raise InputError(f"the box has {rows.shape[0]} intervals but there are {n} variables")
        arr = rows
    if not np.all(np.isfinite(arr)):
        raise InputError("box bounds must be finite")
    if np.any(arr[:, 0] >= arr[:, 1]):
        raise InputError("each box interval needs LO < HI")
    return arr


def _pairs(box: Any) -> Sequence[Sequence[Any]]:
    seq = list(box)
    if len(seq) == 2 and not isinstance(seq[0], (list, tuple, np.ndarray)):
        return [seq]
    for pair in seq:
        if len(pair) != 2:
            raise InputError(f"box interval {pair!r} must have two bounds")
    return seq


#: Largest |bound| the analyses (critical points, vanishing gradients) accept: beyond ±1e150,
#: squares of coordinates and distances between points of the box overflow double precision.
ANALYSIS_BOUND = 1e150


def require_analysis_box(box: np.ndarray) -> np.ndarray:
    """``box`` itself if every bound lies within ±:data:`ANALYSIS_BOUND`, else InputError."""
    worst = float(np.max(np.abs(box)))
    if worst > ANALYSIS_BOUND:
        raise InputError(
            f"box bound {worst:.3g} is too large for the analysis: beyond ±{ANALYSIS_BOUND:.0e} "
            "squares and distances of points overflow double precision; choose a smaller box"
        )
    return box
