"""Points of a gradient level set, sampled independently of the analysis under test."""

from __future__ import annotations

from typing import Any

import numpy as np


def gradient_level_points(obj: Any, t: float, center: Any, count: int,
                          newton_steps: int = 40) -> np.ndarray:
    """``count`` points x with ∇f(x) = u, ``u = t·(cos a, sin a)`` over ``count`` angles a: the
    boundary ‖∇f‖ = t of the small-gradient region around ``center`` (Newton on ∇f(x) = u
    from ``center``; a two-variable f whose Hessian is invertible there)."""
    pts = []
    for a in np.linspace(0.0, 2 * np.pi, count, endpoint=False):
        u, x = t * np.array([np.cos(a), np.sin(a)]), np.array(center, dtype=float)
        for _ in range(newton_steps):
            x = x - np.linalg.solve(obj.compiled.hessian(x), obj.compiled.gradient(x) - u)
        pts.append(x)
    return np.array(pts)
