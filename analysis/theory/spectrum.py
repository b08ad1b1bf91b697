"""Spectrum helpers shared by the families: eigenvalues, zero eigenvalues, condition number,
μ and L; and the reading of hyperparameters a predictor needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

ZERO_TOL = 1e-9  # |lambda| <= ZERO_TOL * max|lambda| counts as a zero eigenvalue

# --------------------------------------------------------------------------------------------
# Spectrum helpers
# --------------------------------------------------------------------------------------------


def _eigs(eigenvalues: ArrayLike) -> NDArray[np.float64]:
    lam = np.sort(np.asarray(eigenvalues, dtype=float).ravel())
    if lam.size == 0:
        raise ValueError("eigenvalues: need at least one")
    if not np.all(np.isfinite(lam)):
        raise ValueError("eigenvalues must be finite")
    return lam


def _zero_mask(lam: NDArray[np.float64], tol: float = ZERO_TOL) -> NDArray[np.bool_]:
    scale = float(np.max(np.abs(lam)))
    return np.abs(lam) <= tol * scale if scale > 0 else np.ones_like(lam, dtype=bool)


def condition_number(eigenvalues: ArrayLike) -> float:
    """kappa = L/mu = max(lambda)/min(lambda) for a positive definite spectrum (inf if mu <= 0)."""
    lam = _eigs(eigenvalues)
    return float(lam[-1] / lam[0]) if lam[0] > 0 else math.inf


def _mu_L(eigenvalues: ArrayLike) -> tuple[float, float]:
    lam = _eigs(eigenvalues)
    if lam[0] <= 0:
        raise ValueError("needs a positive definite spectrum (mu > 0)")
    return float(lam[0]), float(lam[-1])


# --------------------------------------------------------------------------------------------
# predict()
# --------------------------------------------------------------------------------------------


def _flt(hyper: Mapping[str, Any], key: str, default: float | None = None) -> float:
    v = hyper.get(key, default)
    if v is None:
        raise ValueError(f"hyperparameter {key!r} is required for this prediction")
    return float(v)


def _line_search(hyper: Mapping[str, Any], default: str | None) -> str | None:
    ls = hyper.get("line_search", default)
    if ls is None or str(ls).lower() in ("none", "false", "no", "off"):
        return None
    return str(ls).lower()


def _leading_order(extra: Mapping[str, Any]) -> int | None:
    p = extra.get("leading_order")
    return None if p is None else int(p)
