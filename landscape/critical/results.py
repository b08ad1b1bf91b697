"""The results: :class:`CriticalPoint` (one classified point, design.md's JSON shape) and
:class:`CriticalPoints` (the list with how it was obtained).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..jsonutil import jsonable

#: Kinds of critical points.
KINDS = ("minimum", "maximum", "saddle", "unknown")

# ============================================================================ results


@dataclass
class CriticalPoint:
    """One critical point, classified (JSON fields of design.md, plus the exact forms)."""

    point: tuple[float, ...]
    value: float
    gradient_norm: float
    eigenvalues: tuple[float, ...]
    condition_number: float
    index: int
    kind: str
    degenerate: bool
    test: str
    exact: bool
    point_exact: tuple[sp.Expr, ...] | None = None
    eigenvalues_exact: tuple[sp.Expr, ...] | None = None
    differentiable: bool = True

    def to_json(self) -> dict[str, Any]:
        """The design.md shape (non-finite numbers → ``None``).

        A point on a kink of f adds ``"differentiable": false`` (the key is absent otherwise,
        so smooth results keep exactly the documented shape).
        """
        extra = {} if self.differentiable else {"differentiable": False}
        return jsonable(
            {
                "point": [float(v) for v in self.point],
                "value": float(self.value),
                "gradient_norm": float(self.gradient_norm),
                "eigenvalues": [float(v) for v in self.eigenvalues],
                "condition_number": float(self.condition_number),
                "index": int(self.index),
                "kind": self.kind,
                "degenerate": bool(self.degenerate),
                "test": self.test,
                "exact": bool(self.exact),
                **extra,
            }
        )


class CriticalPoints(list):
    """A list of :class:`CriticalPoint` with how it was obtained.

    ``complete`` is True only when an exact solve proved the list complete in the box;
    ``method`` is ``"exact"`` or ``"numeric"``; ``notes`` say what failed or was abandoned.
    """

    def __init__(
        self,
        points: Any = (),
        *,
        complete: bool = False,
        method: str = "numeric",
        notes: list[str] | None = None,
    ):
        super().__init__(points)
        self.complete = bool(complete)
        self.method = method
        self.notes = list(notes or [])

    def to_json(self) -> dict[str, Any]:
        """``{"critical_points": [...], "critical_points_complete", "..._method", "..._notes"}``."""
        return {
            "critical_points": [p.to_json() for p in self],
            "critical_points_complete": self.complete,
            "critical_points_method": self.method,
            "critical_points_notes": list(self.notes),
        }
