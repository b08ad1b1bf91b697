"""Sizes of exact numbers estimated in log space and double-precision approximations of
non-rational constants, before SymPy computes anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .limits import MAX_ROOT_DIGITS

# ----------------------------------------------------------------------------- conversion


def _int_digits(k: int) -> float:
    """Approximate decimal digits of |k| (0 for 0 and ±1)."""
    k = abs(k)
    return math.log10(k) if k > 1 else 0.0


def _rational_digits(r: Any) -> float:
    return _int_digits(int(r.p)) + _int_digits(int(r.q))


def _numeric_log_size(base: Any) -> float:
    """log10 of the size of the numbers that ``base ** k`` makes SymPy compute, per unit k."""
    if base.is_Rational:
        return _rational_digits(base)
    if base.is_Pow and base.base.is_Rational and base.exp.is_Rational:
        return abs(float(base.exp)) * _rational_digits(base.base)
    if base.is_Mul:
        return sum(_numeric_log_size(a) for a in base.args if a.is_Rational or a.is_Pow)
    return 0.0


def _factors(expr: Any) -> tuple:
    """The factors of ``expr`` (``expr`` itself when it is not a product)."""
    return expr.args if expr.is_Mul else (expr,)


def _root_digits(expr: Any, *, power: bool = False) -> float:
    """Digits of the numbers whose root SymPy extracts for ``expr`` (as a factor of a product,
    or with ``power=True`` as the base of a power with a fractional exponent)."""
    if expr.is_Pow and expr.base.is_Rational and expr.exp.is_Rational and expr.exp.q != 1:
        return max(_int_digits(int(expr.base.p)), _int_digits(int(expr.base.q)))
    if power and expr.is_Rational:
        return max(_int_digits(int(expr.p)), _int_digits(int(expr.q)))
    if power and expr.is_Mul:
        return sum(_root_digits(a, power=True) for a in expr.args)
    return 0.0


def _rational_float(r: Any) -> float:
    try:
        return int(r.p) / int(r.q)
    except OverflowError:
        return math.inf if r.p > 0 else -math.inf


def _sign(u: float) -> float:
    return float((u > 0) - (u < 0))


_APPROXIMATIONS: dict[str, Callable[..., float]] = {
    **{
        f: getattr(math, f)
        for f in (
            "sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh exp log erf log1p atan2"
        ).split()
    },
    "Abs": abs,
    "sign": _sign,
    "Max": max,
    "Min": min,
}


def _approximate(expr: Any, memo: dict[Any, float]) -> float:
    """Double-precision value of a SymPy constant with Python's ``math`` (inf on overflow,
    nan when undefined, non-real or of an unknown kind); ``memo`` caches sub-results."""
    known = memo.get(expr)
    if known is not None:
        return known
    if expr.is_Rational:
        value = _rational_float(expr)
    elif expr.is_NumberSymbol:
        value = float(expr.evalf(17)) if expr.is_finite else math.nan  # pi, E
    else:
        args = [_approximate(a, memo) for a in expr.args]
        name = type(expr).__name__
        try:
            if expr.is_Add:
                value = math.fsum(args) if all(map(math.isfinite, args)) else sum(args)
            elif expr.is_Mul:
                value = math.prod(args)
            elif expr.is_Pow:
                value = args[0] ** args[1]
            elif name in _APPROXIMATIONS:
                value = _APPROXIMATIONS[name](*args)
            else:
                value = math.nan
        except (ValueError, ZeroDivisionError):
            value = math.nan
        except OverflowError:
            value = math.inf
        if isinstance(value, complex):
            value = math.nan
    value = float(value)
    memo[expr] = value
    return value


def _constant_depth(expr: Any, memo: dict[Any, int]) -> int:
    """Nesting of function applications and powers in a constant (rationals and pi count 0)."""
    known = memo.get(expr)
    if known is not None:
        return known
    inner = max((_constant_depth(a, memo) for a in expr.args), default=0)
    depth = inner + (1 if expr.is_Function or expr.is_Pow else 0)
    memo[expr] = depth
    return depth


def _coefficient_times_power(c: Any, f: Any) -> bool:
    """``c * f`` with ``c`` a rational other than 0 and 1 and ``f = (a + b)**k``: a product that
    SymPy's evaluation leaves exactly as it is (only a sum would be distributed over)."""
    return (
        c.is_Rational
        and c.p not in (0, c.q)
        and f.is_Pow
        and f.base.is_Add
        and f.exp.is_Rational
        and not f.base.is_number
    )


SMALL_NUMBER_NODES = 12  #: numeric arguments up to this many nodes are evaluated


def _small_number(expr: Any) -> bool:
    """A number SymPy may simplify cheaply: at most SMALL_NUMBER_NODES nodes, no rational of
    more than MAX_ROOT_DIGITS digits."""
    if not expr.is_number:
        return False
    if expr.is_Rational:
        return _rational_digits(expr) <= MAX_ROOT_DIGITS
    stack, count = [expr], 0
    while stack:
        cur = stack.pop()
        count += 1
        if count > SMALL_NUMBER_NODES:
            return False
        if cur.is_Rational and _rational_digits(cur) > MAX_ROOT_DIGITS:
            return False
        stack.extend(cur.args)
    return True


def _log10_rational(r: Any) -> float:
    """log10 |r| for a nonzero SymPy Rational, without overflowing."""
    return math.log10(abs(int(r.p))) - math.log10(int(r.q))


def _fmt_digits(log10_digits: float) -> str:
    if log10_digits < 15:
        return f"{10**log10_digits:.0f}"
    return f"10^{log10_digits:.0f}"
