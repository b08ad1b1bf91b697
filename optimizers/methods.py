"""The method table: names, families, hyperparameters (PyTorch names and defaults), validation.

``METHODS[name]`` is a :class:`MethodSpec`; ``spec.hyper`` maps every hyperparameter the method
accepts to a :class:`Hyper` (default, kind, range or choices, one-line help, and the condition
under which it applies, e.g. ``step_size`` only with ``schedule='step'``).  The command line
builds one flag per name (``_`` → ``-``).  :func:`resolve` validates a user's hyperparameters by
name and range and returns the effective values, defaults included.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landscape.errors import InputError
from landscape.limits import MAX_COUNT, check_count

from . import _layout as L
from ._layout import SCHEDULE_ALIASES, SCHEDULES  # no Numba: the method table is read by --help

FIRST_ORDER_MAXITER = 1000
NEWTON_TYPE_MAXITER = 200

#: stopping tolerances when none is given: ‖∇f‖∞ ≤ gtol; ftol and xtol 0 = off (see
#: :mod:`optimizers.driver` for the tests)
DEFAULT_GTOL = 1e-6
DEFAULT_FTOL = 0.0
DEFAULT_XTOL = 0.0


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter of a method.

    ``kind`` ∈ ``float | int | bool | choice``; ``low``/``high`` bound numbers (``open_low`` /
    ``open_high`` make the bound strict); ``optional`` allows ``None``; ``when`` = (controlling
    hyperparameter, values for which this one applies); ``default_by`` gives a default per
    value of the controlling hyperparameter.
    """

    name: str
    default: Any
    kind: str
    help: str
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False
    when: tuple[str, tuple[str, ...]] | None = None
    default_by: Mapping[str, Any] | None = None

    def range_text(self) -> str:
        if self.kind == "choice":
            return " | ".join(self.choices)
        if self.kind == "bool":
            return "true | false"
        lo = "(" if self.open_low else "["
        hi = ")" if self.open_high else "]"
        a = "-inf" if self.low is None else f"{self.low:g}"
        b = "inf" if self.high is None else f"{self.high:g}"
        return f"{lo}{a}, {b}{hi}"


@dataclass(frozen=True)
class MethodSpec:
    """A method: ``family``, compiled ``engine`` (``lockstep`` or ``per-start``), a one-line
    ``formula``, its hyperparameters, and the default ``maxiter``."""

    name: str
    family: str
    engine: str
    formula: str
    hyper: dict[str, Hyper] = field(default_factory=dict)
    maxiter: int = FIRST_ORDER_MAXITER
    doc: str = ""

    @property
    def defaults(self) -> dict[str, Any]:
        """Defaults of the hyperparameters that apply when nothing else is chosen."""
        return resolve(self.name, {})[1]


# ------------------------------------------------------------------ hyperparameter builders
def _f(name, default, help, low=None, high=None, open_low=False, open_high=False, **kw):
    return Hyper(name, default, "float", help, low, high, open_low, open_high, **kw)


def _i(name, default, help, low=None, high=None, **kw):
    return Hyper(name, default, "int", help, low, high, **kw)


def _b(name, default, help, **kw):
    return Hyper(name, default, "bool", help, **kw)


def _c(name, default, choices, help, **kw):
    return Hyper(name, default, "choice", help, choices=tuple(choices), **kw)


def _lr(default, when=None):
    return _f("lr", default, "learning rate η", 0.0, None, open_low=True, when=when)


def _schedule(when=None):
    names = (*SCHEDULES, *SCHEDULE_ALIASES)

    def by(param):
        return {k: v[1][param] for k, v in SCHEDULES.items() if param in v[1]}

    hs = [
        _c("schedule", "constant", names, "learning-rate schedule (optimizers.schedules)",
           when=when),
        _i("warmup", 0, "linear warm-up steps before the schedule", 0, when=when),
        _i("step_size", 100, "step schedule: decay every step_size steps", 1,
           when=("schedule", ("step",))),
        _f("gamma", 0.1, "decay factor (step, exponential) or rate (inverse_time)", 0.0,
           open_low=True, when=("schedule", ("step", "exponential", "inverse_time")),
           default_by=by("gamma")),
        _f("power", 1.0, "inverse_time: exponent p of (1 + γk)^p", 0.0,
           when=("schedule", ("inverse_time",))),
        _i("tau", 100, "linear: steps τ of the decay", 1, when=("schedule", ("linear",))),
        _f("final_lr", None, "linear: floor η_τ (default lr/100)", 0.0, optional=True,
           when=("schedule", ("linear",))),
        _i("T_max", 100, "cosine: steps of the half period", 1, when=("schedule", ("cosine",))),
        _f("eta_min", 0.0, "cosine: final learning rate", 0.0, when=("schedule", ("cosine",))),
    ]  # fmt: skip
    return hs


def _average():
    return [
        _c("average", "none", ("none", "polyak", "ema"), "iterate averaging (x_avg, fun_avg)"),
        _i("average_start", 0, "first iterate averaged", 0,
           when=("average", ("polyak", "ema"))),
        _f("ema_decay", 0.9, "EMA decay d in x̄ ← d x̄ + (1 − d) x", 0.0, 1.0, open_high=True,
           when=("average", ("ema",))),
    ]  # fmt: skip


def _wd(default=0.0):
    return _f("weight_decay", default, "L2 weight decay λ (coupled: g + λx)", 0.0)


def _stochastic():
    return [
        _f("noise", 0.0, "std σ of additive Gaussian gradient noise", 0.0),
        _i("batch_size", None, "minibatch size for finite-sum objectives (None = all rows)", 1,
           optional=True),
    ]


def _line_search(default, c2, when=None):
    ls = ("line_search", ("armijo", "wolfe"))
    return [
        _c("line_search", default, ("none", "armijo", "wolfe"), "step-length rule", when=when),
        _f("c1", 1e-4, "sufficient-decrease constant", 0.0, 1.0, True, True, when=ls),
        _f("c2", c2, "curvature constant (strong Wolfe)", 0.0, 1.0, True, True,
           when=("line_search", ("wolfe",))),
        _f("shrink", 0.5, "Armijo backtracking factor", 0.0, 1.0, True, True,
           when=("line_search", ("armijo",))),
    ]


def _trust_region():
    """SciPy's trust-region hyperparameters and defaults."""
    return [
        _f("initial_trust_radius", 1.0, "initial trust radius Δ₀", 0.0, open_low=True),
        _f("max_trust_radius", 1000.0, "largest trust radius Δ_max", 0.0, open_low=True),
        _f("eta", 0.15, "acceptance threshold η on ρ = actual / predicted decrease", 0.0, 0.25,
           open_high=True),
        *_average(),
    ]


def _spec(name, family, engine, formula, hypers, maxiter=FIRST_ORDER_MAXITER, doc=""):
    return MethodSpec(name, family, engine, formula, {h.name: h for h in hypers}, maxiter, doc)


_NONE_LS = ("line_search", ("none",))

METHODS: dict[str, MethodSpec] = {
    s.name: s
    for s in [
        _spec("gd", "first-order", "lockstep", "x ← x − η ∇f(x)",
              [*_line_search("none", 0.9), _lr(1e-3, when=_NONE_LS), _wd(),
               *_schedule(when=_NONE_LS), *_average()],
              doc="gradient descent; with a line search: α₀ = 1 then Armijo/Wolfe"),
        _spec("sgd", "first-order", "lockstep", "x ← x − η (∇f_B(x) + σξ)",
              [_lr(1e-3), *_stochastic(), _wd(), *_schedule(), *_average()],
              doc="gd with stochastic gradients (noise and/or minibatches)"),
        _spec("momentum", "first-order", "lockstep", "b ← μb + (1−τ)g;  x ← x − ηb",
              [_lr(1e-3),
               _f("momentum", 0.9, "momentum μ", 0.0, 1.0, open_high=True),
               _f("dampening", 0.0, "dampening τ", 0.0, 1.0),
               _b("nesterov", False, "Nesterov's variant (requires dampening 0)"),
               _wd(), *_stochastic(), *_schedule(), *_average()],
              doc="heavy ball (torch.optim.SGD with momentum; b₀ = g₀)"),
        _spec("nesterov", "first-order", "lockstep", "b ← μb + g;  x ← x − η(g + μb)",
              [_lr(1e-3), _f("momentum", 0.9, "momentum μ", 0.0, 1.0, open_high=True),
               _wd(), *_stochastic(), *_schedule(), *_average()],
              doc="Nesterov momentum (torch.optim.SGD(nesterov=True))"),
        _spec("adagrad", "first-order", "lockstep", "s ← s + g²;  x ← x − η g / (√s + ε)",
              [_lr(1e-2), _f("lr_decay", 0.0, "η_k = η / (1 + k·lr_decay)", 0.0),
               _f("initial_accumulator_value", 0.0, "initial s", 0.0),
               _f("eps", 1e-10, "ε", 0.0), _wd(), *_stochastic(), *_schedule(), *_average()]),
        _spec("rmsprop", "first-order", "lockstep", "v ← αv + (1−α)g²;  x ← x − η g / (√v + ε)",
              [_lr(1e-2), _f("alpha", 0.99, "decay α of the squared-gradient average", 0.0, 1.0,
                             open_high=True),
               _f("eps", 1e-8, "ε", 0.0),
               _f("momentum", 0.0, "momentum μ on the scaled step", 0.0, 1.0, open_high=True),
               _b("centered", False, "divide by the estimated variance √(v − ḡ²)"),
               _wd(), *_stochastic(), *_schedule(), *_average()]),
        _spec("adadelta", "first-order", "lockstep",
              "v ← ρv + (1−ρ)g²;  Δ = √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  x ← x − ηΔ",
              [_lr(1.0), _f("rho", 0.9, "decay ρ", 0.0, 1.0), _f("eps", 1e-6, "ε", 0.0),
               _wd(), *_stochastic(), *_schedule(), *_average()]),
        _spec("adam", "first-order", "lockstep",
              "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  x ← x − η m̂ / (√v̂ + ε)",
              [_lr(1e-3), _f("beta1", 0.9, "β₁", 0.0, 1.0, open_high=True),
               _f("beta2", 0.999, "β₂", 0.0, 1.0, open_high=True), _f("eps", 1e-8, "ε", 0.0),
               _b("amsgrad", False, "AMSGrad: v̂ ← max(v̂, v)"),
               _wd(), *_stochastic(), *_schedule(), *_average()]),
        _spec("adamw", "first-order", "lockstep", "x ← x(1 − ηλ);  then the Adam step",
              [_lr(1e-3), _f("beta1", 0.9, "β₁", 0.0, 1.0, open_high=True),
               _f("beta2", 0.999, "β₂", 0.0, 1.0, open_high=True), _f("eps", 1e-8, "ε", 0.0),
               _b("amsgrad", False, "AMSGrad: v̂ ← max(v̂, v)"),
               _f("weight_decay", 1e-2, "decoupled weight decay λ", 0.0),
               *_stochastic(), *_schedule(), *_average()]),
        _spec("newton", "newton", "per-start", "x ← x − α (∇²f(x) + τI)⁻¹ ∇f(x)",
              [*_line_search("wolfe", 0.9),
               _f("damping", 1.0, "step size α (initial trial step with a line search)", 0.0,
                  open_low=True),
               _c("modification", "shift", ("none", "shift", "saddle-free"),
                  "Hessian modification"),
               *_average()], NEWTON_TYPE_MAXITER),
        _spec("cg", "cg", "per-start", "d ← −∇f(x) + βd;  x ← x + αd",
              [_c("variant", "pr+", ("fr", "pr+", "hs", "dy", "linear"), "β formula, or linear CG"),
               *_line_search("wolfe", 0.1), _lr(1.0, when=_NONE_LS), *_average()],
              NEWTON_TYPE_MAXITER),
        _spec("bfgs", "quasi-newton", "per-start",
              "x ← x − αH∇f;  H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ",
              [*_line_search("wolfe", 0.9), _lr(1.0, when=_NONE_LS), *_average()],
              NEWTON_TYPE_MAXITER),
        _spec("lbfgs", "quasi-newton", "per-start", "x ← x − α H_m ∇f  (two-loop recursion)",
              [_i("memory", 10, "number m of stored (s, y) pairs", 1),
               *_line_search("wolfe", 0.9), _lr(1.0, when=_NONE_LS), *_average()],
              NEWTON_TYPE_MAXITER),
        _spec("coordinate", "coordinate", "per-start",
              "x_i ← x_i − ∂_i f / ∂²_ii f  for i in a sweep (cyclic or random)",
              [_c("order", "cyclic", ("cyclic", "random", "shuffle"), "coordinate order"),
               _c("update", "newton", ("newton", "gradient"),
                  "exact 1-D Newton minimisation or a gradient step"),
               _lr(1e-3), *_average()]),
        _spec("trust-ncg", "trust-region", "per-start",
              "min gᵀp + ½pᵀ∇²f p, ‖p‖ ≤ Δ by Steihaug–Toint CG;  x ← x + p if ρ > η",
              _trust_region(), NEWTON_TYPE_MAXITER),
        _spec("trust-exact", "trust-region", "per-start",
              "(∇²f + λI) p = −∇f, ‖p‖ = Δ or λ = 0 (Moré–Sorensen);  x ← x + p if ρ > η",
              _trust_region(), NEWTON_TYPE_MAXITER),
        _spec("lm", "least-squares", "per-start",
              "(2JᵀJ + μ diag d) p = −∇f,  f = Σ rᵢ²;  x ← x + p if ρ > 0",
              [_f("initial_damping", 1e-3, "initial damping μ₀ (relative to diag JᵀJ)", 0.0,
                  open_low=True), *_average()], NEWTON_TYPE_MAXITER),
    ]  # fmt: skip
}

METHOD_CODES = {
    "gd": L.M_GD, "sgd": L.M_SGD, "momentum": L.M_MOMENTUM, "nesterov": L.M_NESTEROV,
    "adagrad": L.M_ADAGRAD, "rmsprop": L.M_RMSPROP, "adadelta": L.M_ADADELTA, "adam": L.M_ADAM,
    "adamw": L.M_ADAMW, "newton": L.P_NEWTON, "cg": L.P_CG, "bfgs": L.P_BFGS,
    "lbfgs": L.P_LBFGS, "coordinate": L.P_COORDINATE, "trust-ncg": L.P_TRUST_NCG,
    "trust-exact": L.P_TRUST_EXACT, "lm": L.P_LM,
}  # fmt: skip

CHOICE_CODES = {
    "schedule": {name: code for name, (code, _) in SCHEDULES.items()}
    | {a: SCHEDULES[t][0] for a, t in SCHEDULE_ALIASES.items()},
    "average": {"none": L.AVG_NONE, "polyak": L.AVG_POLYAK, "ema": L.AVG_EMA},
    "line_search": {"none": L.LS_NONE, "armijo": L.LS_ARMIJO, "wolfe": L.LS_WOLFE},
    "modification": {"none": L.MOD_NONE, "shift": L.MOD_SHIFT, "saddle-free": L.MOD_SADDLE_FREE},
    "variant": {"fr": L.CG_FR, "pr+": L.CG_PRPLUS, "hs": L.CG_HS, "dy": L.CG_DY,
                "linear": L.CG_LINEAR},
    "order": {"cyclic": L.ORDER_CYCLIC, "random": L.ORDER_RANDOM, "shuffle": L.ORDER_SHUFFLE},
    "update": {"newton": L.UPDATE_NEWTON, "gradient": L.UPDATE_GRADIENT},
}  # fmt: skip


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
