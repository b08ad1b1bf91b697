"""Saddles and plateaus: steps to escape a strict saddle and to cross a plateau.
"""

from __future__ import annotations

import math
from collections.abc import Callable

# --------------------------------------------------------------------------------------------
# Saddles and plateaus
# --------------------------------------------------------------------------------------------


def saddle_escape_steps(y0: float, radius: float, lr: float, lam_min: float) -> int:
    """GD steps to escape a saddle from distance ``y0`` along the negative-curvature direction.

    Along that direction ``y_{k+1} = (1 + lr |lam_min|) y_k``, so ``|y_k| >= r`` first at
    ``k = ceil(ln(r/|y0|) / ln(1 + lr |lam_min|))`` (Dauphin et al. 2014; Du et al. 2017).
    """
    if lam_min >= 0:
        raise ValueError("lam_min must be negative")
    y0 = abs(float(y0))
    if y0 >= radius:
        return 0
    if y0 == 0:
        return math.inf  # type: ignore[return-value]
    return int(math.ceil(math.log(radius / y0) / math.log1p(lr * abs(lam_min))))


def plateau_crossing_steps(
    fprime: Callable[[float], float], x_start: float, x_end: float, lr: float
) -> float:
    """GD steps to cross a flat 1-D region: ``int_{x_end}^{x_start} dx / (lr |f'(x)|)``.

    Continuous-time limit of ``x_{k+1} = x_k - lr f'(x_k)``: ``dx/dk = -lr f'(x)``, so the
    number of steps is the integral of ``1/(lr |f'|)`` along the path (gradient-flow time
    divided by the step). Accurate when ``f'`` varies little over one step.
    """
    from scipy.integrate import quad

    lo, hi = sorted((float(x_start), float(x_end)))
    val, _ = quad(lambda x: 1.0 / abs(fprime(x)), lo, hi, limit=200)
    return float(val / lr)
