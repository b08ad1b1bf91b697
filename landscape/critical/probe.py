"""Probing: the kind of a point decided by comparing values of f around it (valid without
derivatives).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

# ============================================================================ probing


def probe_kind(
    obj: Any, x: np.ndarray, eigvecs: np.ndarray, null_mask: np.ndarray, radius: float,
    rng: np.random.Generator,
) -> str | None:
    """Kind from f(x*+r·d) − f(x*) over many directions d and radii r (None if inconsistent).

    Directions: 400·n random unit vectors, ± every Hessian eigenvector, and null-space vectors
    bent towards the range (v + c·r·u) — where degenerate saddles hide (x² − y⁴, Peano's
    (x−y²)(x−2y²)).  At each radius, with "noise" the rounding level of the differences:
    some above and some below the noise → saddle; none below and some above → minimum
    (possibly non-strict, as along a valley of minima); none above and some below → maximum.
    Decided only when every radius that decides agrees, and at least two do.
    """
    n = x.shape[0]
    dirs = [rng.standard_normal((400 * n, n)), eigvecs.T, -eigvecs.T]
    null = eigvecs[:, null_mask]
    rangev = eigvecs[:, ~null_mask]
    verdicts = []
    f0 = obj.compiled.value(x)
    for r in radius * np.array([1.0, 0.3, 0.1, 0.03]):
        extra = []
        for j in range(null.shape[1]):
            for i in range(rangev.shape[1]):
                for c in (-4, -2, -1, -0.5, 0.5, 1, 2, 4):
                    for s in (1, -1):
                        extra.append(s * null[:, j] + c * r * rangev[:, i])
        D = np.vstack(dirs + ([np.array(extra)] if extra else []))
        D /= np.linalg.norm(D, axis=1, keepdims=True)
        vals = obj.compiled.values(x + r * D) - f0
        noise = 64 * np.finfo(float).eps * max(1.0, abs(f0), float(np.max(np.abs(vals + f0))))
        pos, neg = bool(np.any(vals > noise)), bool(np.any(vals < -noise))
        if not np.all(np.isfinite(vals)):
            verdicts.append(None)
        elif pos and neg:
            verdicts.append("saddle")
        elif pos:
            verdicts.append("minimum")
        elif neg:
            verdicts.append("maximum")
        else:
            verdicts.append(None)
    decided = [v for v in verdicts if v is not None]
    if len(decided) >= 2 and len(set(decided)) == 1:
        return decided[0]
    if not decided and hasattr(obj, "expr"):
        # every difference was below double precision's resolution (f underflows, as
        # (x + y)^10000 within 0.9 of its valley): compare the same values at 30 digits
        return _probe_precise(obj, x, D, radius)
    return None


def _probe_precise(obj: Any, x: np.ndarray, D: np.ndarray, radius: float) -> str | None:
    """:func:`probe_kind`'s verdict from f evaluated at 30 digits (mpmath, no underflow), with
    "noise" 10⁻²⁵ of the largest |f| involved, at the radii r and r/10 along the rows of D."""
    import mpmath

    fn = sp.lambdify(obj.variables, obj.expr, "mpmath")
    verdicts = []
    with mpmath.workdps(30):
        x0 = [mpmath.mpf(float(v)) for v in x]
        f0 = fn(*x0)
        for r in (radius, 0.1 * radius):
            diffs = []
            for d in D[:: max(1, D.shape[0] // 400)]:
                v = fn(*[a + mpmath.mpf(float(r * b)) for a, b in zip(x0, d, strict=True)])
                if not mpmath.isfinite(v) or mpmath.im(v) != 0:
                    return None
                diffs.append(v - f0)
            noise = mpmath.mpf(10) ** -25 * max([abs(f0)] + [abs(d + f0) for d in diffs])
            pos = any(d > noise for d in diffs)
            neg = any(d < -noise for d in diffs)
            verdicts.append("saddle" if pos and neg else "minimum" if pos else
                            "maximum" if neg else None)
    if None not in verdicts and len(set(verdicts)) == 1:
        return verdicts[0]
    return None
