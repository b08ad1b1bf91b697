"""The method table: names, families, hyperparameters (PyTorch names and defaults), validation.

``METHODS[name]`` is a :class:`MethodSpec` collected by :mod:`optimizers.registry` from the
method's own module; ``spec.hyper`` maps every hyperparameter the method accepts to a
:class:`Hyper` (default, kind, range or choices, one-line help, ``hp`` slot, and the condition
under which it applies, e.g. ``step_size`` only with ``schedule='step'``).  The command line
builds one flag per name (``_`` → ``-``).  :func:`resolve` validates a user's hyperparameters by
name and range and returns the effective values, defaults included.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from landscape.errors import InputError
from landscape.limits import MAX_COUNT, check_count

from ._layout import SCHEDULE_ALIASES, SCHEDULES  # no Numba: the method table is read by --help
from .registry import METHODS, families, names
from .spec import FIRST_ORDER_MAXITER, NEWTON_TYPE_MAXITER, Hyper, MethodSpec

__all__ = [
    "DEFAULT_FTOL", "DEFAULT_GTOL", "DEFAULT_XTOL", "FIRST_ORDER_MAXITER", "METHODS",
    "NEWTON_TYPE_MAXITER", "SCHEDULES", "SCHEDULE_ALIASES", "Hyper", "MethodSpec", "families",
    "get_spec", "names", "resolve",
]  # fmt: skip

#: stopping tolerances when none is given: ‖∇f‖∞ ≤ gtol; ftol and xtol 0 = off (see
#: :mod:`optimizers.driver` for the tests)
DEFAULT_GTOL = 1e-6
DEFAULT_FTOL = 0.0
DEFAULT_XTOL = 0.0


def _did_you_mean(name: str, options) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def get_spec(method: str) -> MethodSpec:
    """The spec of ``method``, or :class:`InputError` listing the methods."""
    spec = METHODS.get(method) if isinstance(method, str) else None
    if spec is None:
        raise InputError(
            f"unknown method {method!r}; valid methods: {', '.join(METHODS)}"
            + _did_you_mean(str(method), METHODS)
        )
    return spec


def _coerce(h: Hyper, value: Any, method: str) -> Any:
    where = f"{h.name} (method {method})"
    if value is None:
        if h.optional:
            return None
        raise InputError(f"{where} needs a value ({h.range_text()})")
    if h.kind == "choice":
        v = str(value).strip().lower() if isinstance(value, str) else value
        if v not in h.choices:
            raise InputError(
                f"{where} must be one of {', '.join(h.choices)}, got {value!r}"
                + _did_you_mean(str(v), h.choices)
            )
        return v
    if h.kind == "bool":
        if isinstance(value, str):
            low = value.strip().lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off"):
                return False
        elif isinstance(value, (bool, int)) and value in (0, 1):
            return bool(value)
        raise InputError(f"{where} must be true or false, got {value!r}")
    if isinstance(value, bool):
        raise InputError(f"{where} must be a number, got {value!r}")
    try:
        num = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where} must be a number, got {value!r}") from None
    if not math.isfinite(num):
        raise InputError(f"{where} must be finite, got {value!r}")
    if h.kind == "int":
        low = -MAX_COUNT if h.low is None or h.low < 0 else 0
        num = check_count(where, num, low, MAX_COUNT)
    bad = (
        (h.low is not None and (num < h.low or (h.open_low and num == h.low)))
        or (h.high is not None and (num > h.high or (h.open_high and num == h.high)))
    )  # fmt: skip
    if bad:
        raise InputError(f"{where} must be in {h.range_text()}, got {value!r}")
    return num


def resolve(method: str, hyper: Mapping[str, Any]) -> tuple[MethodSpec, dict[str, Any]]:
    """Validate ``hyper`` for ``method``; return the spec and the effective hyperparameters.

    Unknown names, values out of range, and hyperparameters that do not apply to the chosen
    options (``gamma`` without a schedule that uses it, ``c2`` without a Wolfe search) raise
    :class:`InputError` with the valid names and a "did you mean" suggestion.
    """
    spec = get_spec(method)
    for name in hyper:
        if name not in spec.hyper:
            raise InputError(
                f"unknown hyperparameter {name!r} for method {method}; valid: "
                f"{', '.join(spec.hyper)}" + _did_you_mean(name, spec.hyper)
            )
    eff: dict[str, Any] = {}
    for h in spec.hyper.values():  # controllers precede the hyperparameters they control
        applies = True
        if h.when is not None:
            ctrl, values = h.when
            cval = eff.get(ctrl)
            if ctrl == "schedule" and cval in SCHEDULE_ALIASES:
                cval = SCHEDULE_ALIASES[cval]
            applies = ctrl in eff and cval in values
        if not applies:
            if h.name in hyper:
                ctrl, values = h.when  # type: ignore[misc]
                raise InputError(
                    f"{h.name} applies to method {method} only with {ctrl} = "
                    f"{' or '.join(values)} (here {ctrl} = {eff.get(ctrl)!r})"
                )
            continue
        if h.name in hyper:
            eff[h.name] = _coerce(h, hyper[h.name], method)
        else:
            default = h.default
            if h.default_by is not None and h.when is not None:
                cval = eff.get(h.when[0])
                cval = SCHEDULE_ALIASES.get(cval, cval)
                default = h.default_by.get(cval, default)
            eff[h.name] = default
    if "final_lr" in eff and eff["final_lr"] is None:
        eff["final_lr"] = eff.get("lr", 1.0) / 100.0
    if eff.get("nesterov") and eff.get("dampening", 0.0) != 0.0:
        raise InputError("Nesterov momentum requires dampening = 0 (as in torch.optim.SGD)")
    return spec, eff
