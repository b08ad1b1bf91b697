"""What a method declares: its hyperparameters (:class:`Hyper`), its named state
(:class:`State`) and its spec (:class:`MethodSpec`).  Plain Python: read by ``--help`` and the
registry without Numba or NumPy.

The hyperparameter groups shared by many methods (learning rate and its schedule, iterate
averaging, weight decay, gradient noise and minibatches, the line search) are defined here,
once, with their ``hp`` slots (:mod:`optimizers._layout`); a method's own hyperparameters are
defined in its module (:mod:`optimizers.registry` states the contract).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import _layout as L

FIRST_ORDER_MAXITER = 1000
NEWTON_TYPE_MAXITER = 200

#: a condition on the resolved hyperparameters: (name, values for which it holds)
Cond = tuple[str, tuple[Any, ...]]


def holds(cond: bool | Cond | None, eff: Mapping[str, Any]) -> bool:
    """``cond`` on the effective hyperparameters ``eff``: a bool as it is, ``None`` false,
    ``(name, values)`` true when ``eff[name]`` is one of ``values``."""
    if cond is None or isinstance(cond, bool):
        return bool(cond)
    name, values = cond
    return eff.get(name) in values


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter of a method.

    ``kind`` ∈ ``float | int | bool | choice``; ``low``/``high`` bound numbers (``open_low`` /
    ``open_high`` make the bound strict); ``optional`` allows ``None``; ``when`` = (controlling
    hyperparameter, values for which this one applies); ``default_by`` gives a default per
    value of the controlling hyperparameter.  ``slot`` is its index in the compiled engines'
    float array ``hp`` (``None``: read by the driver only); a choice is stored as the
    index of its value in ``codes`` (or ``choices``), a bool as 0/1, ``None`` as 0.
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
    when: Cond | None = None
    default_by: Mapping[str, Any] | None = None
    slot: int | None = None
    codes: Mapping[str, int] | None = None

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

    def code(self, value: Any) -> float:
        """The number stored in ``hp[slot]`` for ``value``."""
        if self.kind == "choice":
            table = self.codes if self.codes is not None else {
                c: i for i, c in enumerate(self.choices)}
            return float(table[value])
        if value is None:
            return 0.0
        return float(value)


class State(NamedTuple):
    """A per-start method's named workspace, as index tuples (compile-time constants):

    ``v``: n-vectors (rows of ``W.v``), ``m``: n × n matrices (``W.m``), ``t``: history
    tables of ``memory`` × n (``W.t``), ``q``: history scalars of length ``memory``
    (``W.q``), ``f``: float scalars (``W.f``), ``i``: integer scalars (``W.i``).
    ``State.v.s`` is the row of the vector named ``s``.  Build one with :func:`state`.
    """

    v: tuple
    m: tuple
    t: tuple
    q: tuple
    f: tuple
    i: tuple


def _names(kind: str, names: tuple[str, ...]) -> tuple:
    cls = namedtuple(kind, names) if names else namedtuple(kind, ())
    return cls(*range(len(names)))


def state(vectors=(), matrices=(), history=(), history_scalars=(), floats=(),
          ints=()) -> State:
    """The named layout of a method's state: ``state(vectors=("s", "y"), ints=("k",))``
    gives ``S.v.s == 0, S.v.y == 1, S.i.k == 0``."""
    return State(_names("vectors", tuple(vectors)), _names("matrices", tuple(matrices)),
                 _names("history", tuple(history)),
                 _names("history_scalars", tuple(history_scalars)),
                 _names("floats", tuple(floats)), _names("ints", tuple(ints)))


NO_STATE = state()


@dataclass(frozen=True)
class MethodSpec:
    """A method (see :mod:`optimizers.registry` for the contract).

    ``family`` (theory's dispatch key), compiled ``engine`` (``lockstep`` or ``per-start``;
    ``per_start_when`` moves a lock-step method to the per-start engine under a condition),
    ``needs_hessian`` (a bool or a condition: whether the kernel passed as ``h`` is compiled),
    ``matrix_kernel`` (``None``: that kernel is the Hessian ∇²f; else a function
    ``(expr, variables, data_symbols) -> {(i, j): entry}``, i ≤ j, defined in the method's
    module, giving from the formula the n × n matrix passed as ``h`` instead, or raising
    :class:`~landscape.errors.InputError` with the reason the formula has none; see
    :meth:`kernel_for_h`),
    a one-line ``formula``, its hyperparameters, the default ``maxiter``, its ``state``,
    ``matrices_when`` (the n × n matrices of the state are allocated only then),
    ``stall_test_off`` (no "stalled" status under this condition: an iteration may
    legitimately leave x unchanged), ``theory`` (False: theory promises nothing for it),
    ``fixed`` (``hp`` slots set to constants: nesterov is momentum with ``NESTEROV`` = 1),
    ``decoupled_decay`` (``weight_decay`` shrinks x instead of adding λx to the gradient),
    ``module`` (the registry entry holding its step), ``label`` (the method's name as documents
    print it in tables and prose: ``GD``, ``L-BFGS``) and ``title`` (its name in words, for a
    first mention: ``gradient descent``), ``restarts_every_n`` (the method restarts every n
    iterations, n the dimension, under this condition: :meth:`restart_period`).
    """

    name: str
    family: str
    engine: str
    formula: str
    hyper: dict[str, Hyper] = field(default_factory=dict)
    maxiter: int = FIRST_ORDER_MAXITER
    doc: str = ""
    needs_hessian: bool | Cond = False
    matrix_kernel: Callable[..., Mapping[tuple[int, int], Any]] | None = None
    state: State = NO_STATE
    matrices_when: bool | Cond = True
    per_start_when: Cond | None = None
    stall_test_off: bool | Cond | None = None
    theory: bool = True
    fixed: Mapping[int, float] = field(default_factory=dict)
    decoupled_decay: bool = False
    module: str = ""
    label: str = ""
    title: str = ""
    restarts_every_n: bool | Cond = False

    @property
    def defaults(self) -> dict[str, Any]:
        """Defaults of the hyperparameters that apply when nothing else is chosen."""
        from .hyperparams import resolve_spec

        return resolve_spec(self, {})

    def per_start(self, eff: Mapping[str, Any]) -> bool:
        """Whether a run with hyperparameters ``eff`` uses the per-start engine."""
        return self.engine == "per-start" or holds(self.per_start_when, eff)

    def restart_period(self, eff: Mapping[str, Any], n: int) -> int | None:
        """The period m of a run's restarts with hyperparameters ``eff`` in dimension ``n`` (its
        progress is read on m-step ratios), or None for a method that does not restart."""
        return n if holds(self.restarts_every_n, eff) and n >= 2 else None

    def uses_hessian(self, eff: Mapping[str, Any]) -> bool:
        return holds(self.needs_hessian, eff)

    def kernel_for_h(self, compiled: Any) -> Any:
        """The compiled kernel the step receives as ``h``: ``compiled.h`` (∇²f), or the kernel
        of the matrix :attr:`matrix_kernel` declares
        (:meth:`landscape.compiled.CompiledObjective.matrix_kernel`)."""
        if self.matrix_kernel is None:
            return compiled.h
        return compiled.matrix_kernel(self.matrix_kernel)

    def matrices(self, eff: Mapping[str, Any]) -> int:
        """How many n × n matrices a run with ``eff`` allocates."""
        return len(self.state.m) if holds(self.matrices_when, eff) else 0


def method(name: str, family: str, engine: str, formula: str, hypers, **kw) -> MethodSpec:
    """A :class:`MethodSpec` from a list of :class:`Hyper` (order kept: a controlling
    hyperparameter comes before those it controls)."""
    return MethodSpec(name, family, engine, formula, {h.name: h for h in hypers}, **kw)


# ------------------------------------------------------------------ hyperparameter builders
def hfloat(name, default, help, low=None, high=None, open_low=False, open_high=False, **kw):
    return Hyper(name, default, "float", help, low, high, open_low, open_high, **kw)


def hint(name, default, help, low=None, high=None, **kw):
    return Hyper(name, default, "int", help, low, high, **kw)


def hbool(name, default, help, **kw):
    return Hyper(name, default, "bool", help, **kw)


def hchoice(name, default, choices, help, **kw):
    return Hyper(name, default, "choice", help, choices=tuple(choices), **kw)


def lr(default, when=None):
    return hfloat("lr", default, "learning rate η", 0.0, None, open_low=True, when=when,
                  slot=L.LR)


def schedule(when=None):
    names = (*L.SCHEDULES, *L.SCHEDULE_ALIASES)
    codes = {name: code for name, (code, _) in L.SCHEDULES.items()} | {
        a: L.SCHEDULES[t][0] for a, t in L.SCHEDULE_ALIASES.items()}

    def by(param):
        return {k: v[1][param] for k, v in L.SCHEDULES.items() if param in v[1]}

    return [
        hchoice("schedule", "constant", names, "learning-rate schedule (optimizers.schedules)",
                when=when, slot=L.SCHEDULE, codes=codes),
        hint("warmup", 0, "linear warm-up steps before the schedule", 0, when=when,
             slot=L.WARMUP),
        hint("step_size", 100, "step schedule: decay every step_size steps", 1,
             when=("schedule", ("step",)), slot=L.STEP_SIZE),
        hfloat("gamma", 0.1, "decay factor (step, exponential) or rate (inverse_time)", 0.0,
               open_low=True, when=("schedule", ("step", "exponential", "inverse_time")),
               default_by=by("gamma"), slot=L.GAMMA),
        hfloat("power", 1.0, "inverse_time: exponent p of (1 + γk)^p", 0.0,
               when=("schedule", ("inverse_time",)), slot=L.POWER),
        hint("tau", 100, "linear: steps τ of the decay", 1, when=("schedule", ("linear",)),
             slot=L.TAU),
        hfloat("final_lr", None, "linear: floor η_τ (default lr/100)", 0.0, optional=True,
               when=("schedule", ("linear",)), slot=L.FINAL_LR),
        hint("T_max", 100, "cosine: steps of the half period", 1,
             when=("schedule", ("cosine",)), slot=L.T_MAX),
        hfloat("eta_min", 0.0, "cosine: final learning rate", 0.0,
               when=("schedule", ("cosine",)), slot=L.ETA_MIN),
    ]


def average():
    return [
        hchoice("average", "none", ("none", "polyak", "ema"), "iterate averaging (x_avg, fun_avg)",
                slot=L.AVERAGE,
                codes={"none": L.AVG_NONE, "polyak": L.AVG_POLYAK, "ema": L.AVG_EMA}),
        hint("average_start", 0, "first iterate averaged", 0,
             when=("average", ("polyak", "ema")), slot=L.AVERAGE_START),
        hfloat("ema_decay", 0.9, "EMA decay d in x̄ ← d x̄ + (1 − d) x", 0.0, 1.0, open_high=True,
               when=("average", ("ema",)), slot=L.EMA_DECAY),
    ]


def weight_decay(default=0.0):
    return hfloat("weight_decay", default, "L2 weight decay λ (coupled: g + λx)", 0.0,
                  slot=L.WEIGHT_DECAY)


def stochastic():
    return [
        hfloat("noise", 0.0, "std σ of additive Gaussian gradient noise", 0.0, slot=L.NOISE),
        hint("batch_size", None, "minibatch size for finite-sum objectives (None = all rows)", 1,
             optional=True, slot=L.BATCH_SIZE),
    ]


def line_search(default, c2, when=None):
    ls = ("line_search", ("armijo", "wolfe"))
    return [
        hchoice("line_search", default, ("none", "armijo", "wolfe"), "step-length rule",
                when=when, slot=L.LINE_SEARCH,
                codes={"none": L.LS_NONE, "armijo": L.LS_ARMIJO, "wolfe": L.LS_WOLFE}),
        hfloat("c1", 1e-4, "sufficient-decrease constant", 0.0, 1.0, True, True, when=ls,
               slot=L.C1),
        hfloat("c2", c2, "curvature constant (strong Wolfe)", 0.0, 1.0, True, True,
               when=("line_search", ("wolfe",)), slot=L.C2),
        hfloat("shrink", 0.5, "Armijo backtracking factor", 0.0, 1.0, True, True,
               when=("line_search", ("armijo",)), slot=L.SHRINK),
    ]


NONE_LS: Cond = ("line_search", ("none",))
