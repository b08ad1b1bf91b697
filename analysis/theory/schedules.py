"""Learning-rate schedules: the asymptotic regime (constant, inverse-time, summable) of each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------------------------
# Learning-rate schedules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInfo:
    """Asymptotics of a learning-rate schedule.

    ``regime``: ``constant`` (lr constant from ``valid_from`` on: no schedule, or a decay to a
    positive floor), ``inverse_time`` (``lr_k = lr0/(1 + gamma k)^power`` with
    ``power <= 1``: lr -> 0 with a divergent sum), ``summable`` (geometric decay or
    ``power > 1``: sum lr < inf, the iterates stop short of x*), ``to_zero`` (lr reaches 0 after
    finitely many steps: the iterates freeze).
    """

    name: str
    regime: str
    lr_final: float
    valid_from: int
    gamma: float | None = None
    power: float = 1.0
    note: str = ""


def _param(params: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for n in names:
        if params.get(n) is not None:
            return params[n]
    return default


def schedule_asymptotics(hyper: Mapping[str, Any]) -> ScheduleInfo:
    """Asymptotic learning rate of ``hyper['schedule']`` (a name, or a mapping with ``name``).

    Names, parameters and defaults as in :mod:`optimizers.schedules` (aliases in brackets):

    * ``constant``;
    * ``linear``: from lr to ``final_lr`` (default lr/100) [``lr*end_factor``, ``lr_min``,
      ``eta_min``] over ``tau`` = 100 steps [``total_iters``, ``total_steps``, ``decay_steps``],
      constant afterwards;
    * ``cosine``: to ``eta_min`` (default 0) [``lr_min``, ``final_lr``] at ``T_max`` = 100
      [``total_iters``], held there;
    * ``step`` (``lr gamma^floor(k/step_size)``, gamma 0.1), ``exponential`` (``lr gamma^k``,
      gamma 0.99);
    * ``inverse_time`` [``polynomial``, ``inverse``]: ``lr/(1 + gamma k)^power`` (1, 1);
    * ``warmup`` W steps in front of any of them (the schedule runs on ``k - W``).
    """
    lr = float(hyper["lr"])
    sched = hyper.get("schedule")
    params: dict[str, Any] = dict(hyper)
    if isinstance(sched, Mapping):
        params.update(sched)
        name = str(_param(sched, "name", "type", default="constant"))
    else:
        name = "constant" if sched is None else str(sched)
    name = name.lower().replace("-", "_")
    warmup = int(_param(params, "warmup", "warmup_steps", default=0) or 0)
    if name in ("constant", "none", "const"):
        return ScheduleInfo("constant", "constant", lr, warmup)
    if name in ("linear", "cosine"):
        if name == "linear":
            total = _param(params, "tau", "total_iters", "total_steps", "decay_steps",
                           default=100)
            if params.get("end_factor") is not None:
                final = lr * float(params["end_factor"])
            else:
                final = float(_param(params, "final_lr", "lr_min", "eta_min", default=lr / 100))
        else:
            total = _param(params, "T_max", "t_max", "total_iters", default=100)
            final = float(_param(params, "eta_min", "lr_min", "final_lr", default=0.0))
        start = warmup + int(total)
        if final > 0:
            note = f"{name} schedule: lr is constant = {final:g} from iteration {start} on"
            return ScheduleInfo(name, "constant", final, start, note=note)
        note = f"{name} schedule decays lr to 0: the iterates freeze at finite distance"
        return ScheduleInfo(name, "to_zero", 0.0, start, note=note)
    if name in ("step", "exponential", "exp"):
        gamma = float(_param(params, "gamma", default=0.1 if name == "step" else 0.99))
        if gamma >= 1:
            return ScheduleInfo(name, "constant", lr, warmup, gamma)
        note = (
            f"{name} decay: sum of lr_k is finite, so the iterates stop at a finite distance "
            "from x* (error -> a constant); no asymptotic rate"
        )
        return ScheduleInfo(name, "summable", 0.0, warmup, gamma, note=note)
    if name in ("inverse_time", "polynomial", "inverse", "1/t", "invtime"):
        gamma = float(_param(params, "gamma", "decay", default=1.0))
        power = float(_param(params, "power", default=1.0))
        if power > 1:
            note = "lr_k = lr/(1 + gamma k)^p with p > 1 is summable: the iterates stop short"
            return ScheduleInfo("inverse_time", "summable", 0.0, warmup, gamma, power, note)
        note = "lr_k = lr/(1 + gamma k)^p -> 0 with a divergent sum: sublinear convergence"
        return ScheduleInfo("inverse_time", "inverse_time", 0.0, warmup, gamma, power, note)
    raise ValueError(f"unknown schedule {name!r}")
