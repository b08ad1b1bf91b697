"""JSON conversion shared by every ``to_json``: NumPy to Python types, non-finite → null."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """A structure of plain Python types that ``json.dumps`` accepts, with NaN/±inf as ``None``.

    Handles dicts, lists/tuples, NumPy arrays and scalars, objects with ``to_json()``, and
    SymPy numbers (converted to float when they are real numbers, else to their string form).
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return jsonable(to_json())
    if getattr(value, "is_number", False):  # SymPy number
        try:
            return jsonable(float(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps(jsonable(value))`` with ``allow_nan=False`` (strict JSON)."""
    return json.dumps(jsonable(value), allow_nan=False, **kwargs)
