"""The function and constant tables of the formula language, with their SymPy builders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .numbers import _small_number

# ----------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class FunctionSpec:
    """One entry of :data:`FUNCTIONS`: arity and SymPy builder.

    ``build(sp, args, evaluate)`` receives the ``sympy`` module, the converted arguments and
    whether SymPy should evaluate (simplify) the call; it is ``None`` for the reducers
    ``sum``/``prod``, which the parser expands itself.
    """

    name: str
    min_args: int
    max_args: int | None  # None: unbounded
    summary: str
    build: Callable[[Any, list, bool], Any] | None = field(repr=False, compare=False)

    def arity_text(self) -> str:
        """Human description of the accepted argument counts, e.g. ``'1 or 2 arguments'``."""
        if self.max_args == self.min_args:
            n = self.min_args
            return f"{n} argument" + ("s" if n != 1 else "")
        if self.max_args is None:
            return f"{self.min_args} or more arguments"
        return f"{self.min_args} or {self.max_args} arguments"

    def accepts(self, count: int) -> bool:
        """Whether ``count`` positional arguments are allowed."""
        return count >= self.min_args and (self.max_args is None or count <= self.max_args)


def _sympy_unary(attr: str) -> Callable[[Any, list, bool], Any]:
    def build(sp: Any, args: list, evaluate: bool) -> Any:
        return getattr(sp, attr)(args[0], evaluate=evaluate)

    build.__name__ = f"build_{attr}"
    return build


def _build_log(sp: Any, args: list, evaluate: bool) -> Any:
    if len(args) == 1:
        return sp.log(args[0], evaluate=evaluate)
    if evaluate:
        return sp.log(args[0], args[1])  # exact when possible: log(8, 2) = 3
    # a number argument is evaluated on its own: log(u, 1) is then seen as a division by
    # zero, and log(1, u) is 0 (an unevaluated log(1) is a hidden zero, on which SymPy's
    # numeric evaluation later divides by zero)
    top = sp.log(args[0], evaluate=bool(args[0].is_number))
    base = sp.log(args[1], evaluate=bool(args[1].is_number))
    return sp.Mul(top, sp.Pow(base, sp.S.NegativeOne))


def _build_log1p(sp: Any, args: list, evaluate: bool) -> Any:
    from sympy.codegen.cfunctions import log1p

    return log1p(args[0], evaluate=evaluate)


def _build_sigmoid(sp: Any, args: list, evaluate: bool) -> Any:
    # Pow(Add, -1) evaluation asks whether each term is infinite (milliseconds for exp terms)
    u = sp.Mul(sp.S.NegativeOne, args[0])
    denominator = sp.Add(sp.S.One, sp.exp(u, evaluate=evaluate))
    return sp.Pow(denominator, sp.S.NegativeOne, evaluate=evaluate)


def _build_softplus(sp: Any, args: list, evaluate: bool) -> Any:
    return sp.log(sp.Add(sp.S.One, sp.exp(args[0], evaluate=evaluate)), evaluate=evaluate)


def _min_max(cls: Any, sp: Any, args: list, evaluate: bool) -> Any:
    """Min/Max.  SymPy's evaluation compares every pair of symbolic arguments through the
    assumptions system (milliseconds per pair), so only numbers are evaluated: numeric
    arguments are folded into one, repeated arguments dropped, the rest kept unevaluated."""
    if all(_small_number(a) for a in args):
        return cls(*args)
    numbers = [a for a in args if _small_number(a)]
    rest = list(dict.fromkeys(a for a in args if not _small_number(a)))
    if numbers:
        rest.insert(0, cls(*numbers))
    return rest[0] if len(rest) == 1 else cls(*rest, evaluate=False)


def _build_relu(sp: Any, args: list, evaluate: bool) -> Any:
    return _min_max(sp.Max, sp, [sp.S.Zero, args[0]], evaluate)


def _build_min(sp: Any, args: list, evaluate: bool) -> Any:
    return _min_max(sp.Min, sp, args, evaluate)


def _build_max(sp: Any, args: list, evaluate: bool) -> Any:
    return _min_max(sp.Max, sp, args, evaluate)


def _build_atan2(sp: Any, args: list, evaluate: bool) -> Any:
    """atan2(y, x) of real y, x is real. When SymPy cannot decide the sign of a constant x
    (x = -tan(sin(1))), its evaluation returns the complex form -I*log((x + I*y)/|(x, y)|),
    which is real but would be refused as non-real; the call is then kept unevaluated."""
    result = sp.atan2(args[0], args[1], evaluate=evaluate)
    if evaluate and result.has(sp.I) and not any(a.has(sp.I) for a in args):
        return sp.atan2(args[0], args[1], evaluate=False)
    return result


def _build_sqrt(sp: Any, args: list, evaluate: bool) -> Any:  # parser routes it via its guard
    return sp.sqrt(args[0])


def _spec(name: str, lo: int, hi: int | None, summary: str, build: Any) -> FunctionSpec:
    return FunctionSpec(name, lo, hi, summary, build)


_FUNCTION_LIST = [
    *(_spec(f, 1, 1, f"{f}(u)", _sympy_unary(f)) for f in ("sin", "cos", "tan")),
    *(_spec(f, 1, 1, f"{f}(u)", _sympy_unary(f)) for f in ("asin", "acos", "atan")),
    _spec("atan2", 2, 2, "atan2(y, x): angle of the point (x, y)", _build_atan2),
    *(_spec(f, 1, 1, f"{f}(u)", _sympy_unary(f)) for f in ("sinh", "cosh", "tanh")),
    *(_spec(f, 1, 1, f"{f}(u)", _sympy_unary(f)) for f in ("asinh", "acosh", "atanh")),
    _spec("exp", 1, 1, "exp(u)", _sympy_unary("exp")),
    _spec("log", 1, 2, "log(u) natural logarithm; log(u, base)", _build_log),
    _spec("log1p", 1, 1, "log1p(u) = log(1 + u), accurate near 0", _build_log1p),
    _spec("sqrt", 1, 1, "sqrt(u)", _build_sqrt),
    _spec("abs", 1, 1, "abs(u) = |u|", _sympy_unary("Abs")),
    _spec("sign", 1, 1, "sign(u) in {-1, 0, 1}", _sympy_unary("sign")),
    _spec("sigmoid", 1, 1, "sigmoid(u) = 1/(1 + exp(-u))", _build_sigmoid),
    _spec("softplus", 1, 1, "softplus(u) = log(1 + exp(u))", _build_softplus),
    _spec("relu", 1, 1, "relu(u) = max(0, u)", _build_relu),
    _spec("erf", 1, 1, "erf(u) error function", _sympy_unary("erf")),
    _spec("min", 2, None, "min(a, b, ...)", _build_min),
    _spec("max", 2, None, "max(a, b, ...)", _build_max),
    _spec("sum", 4, 4, "sum(EXPR, i, LO, HI) = Σ_{i=LO}^{HI} EXPR (expanded)", None),
    _spec("prod", 4, 4, "prod(EXPR, i, LO, HI) = Π_{i=LO}^{HI} EXPR (expanded)", None),
]

#: Function table: name → :class:`FunctionSpec` (read-only).
FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType({f.name: f for f in _FUNCTION_LIST})

#: Constants: name → attribute of the ``sympy`` module (``e`` is Euler's number).
CONSTANTS: Mapping[str, str] = MappingProxyType({"pi": "pi", "e": "E"})

_REDUCERS = frozenset({"sum", "prod"})
_DIM_NAME = "n"
