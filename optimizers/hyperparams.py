"""Validation of a method's hyperparameters against its spec: names, kinds, ranges, the
conditions under which each applies, and the defaults (``default_by`` a controlling value).

Works on a :class:`~optimizers.spec.MethodSpec` alone, without the registry, so that a spec
can give its own defaults (:attr:`MethodSpec.defaults`) and :func:`optimizers.methods.resolve`
looks the spec up by name and calls :func:`resolve_spec`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from landscape.errors import InputError
from landscape.limits import MAX_COUNT, check_count

from ._layout import SCHEDULE_ALIASES

if TYPE_CHECKING:
    from .spec import Hyper, MethodSpec


def did_you_mean(name: str, options) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


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
                + did_you_mean(str(v), h.choices)
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
    )
    if bad:
        raise InputError(f"{where} must be in {h.range_text()}, got {value!r}")
    return num


def resolve_spec(spec: MethodSpec, hyper: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``hyper`` for the method of ``spec``; return the effective hyperparameters
    (defaults included).  Unknown names, values out of range, and hyperparameters that do not
    apply to the chosen options raise :class:`InputError` (see :func:`optimizers.methods.resolve`).
    """
    method = spec.name

    for name in hyper:
        if name not in spec.hyper:
            raise InputError(
                f"unknown hyperparameter {name!r} for method {method}; valid: "
                f"{', '.join(spec.hyper)}" + did_you_mean(name, spec.hyper)
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
    return eff
