"""The converter: a checked tree → SymPy objects built directly, with evaluation only where
it is cheap.
"""

from __future__ import annotations

import ast
import math
import time
from dataclasses import dataclass
from typing import Any

from landscape.errors import ParseError

from .checker import _ADD_OPS, _MUL_OPS, _operator_column
from .expansion import _ExpansionBudget
from .functions import _DIM_NAME, _REDUCERS, CONSTANTS, FUNCTIONS
from .limits import (
    MAX_CONSTANT,
    MAX_CONSTANT_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_INDEX,
    MAX_RANGE,
    MAX_ROOT_DIGITS,
    TIME_LIMIT,
    collector_paused,
)
from .numbers import (
    _approximate,
    _coefficient_times_power,
    _constant_depth,
    _factors,
    _fmt_digits,
    _int_digits,
    _log10_rational,
    _numeric_log_size,
    _rational_digits,
    _root_digits,
    _small_number,
)
from .source import _fail, _literal, _Source


@dataclass
class _Names:
    """How the bare names of a formula resolve."""

    variables: tuple[str, ...] | None  # explicit list, or None: every free name is a variable
    params: dict[str, Any]  # name -> SymPy value
    data: tuple[str, ...]
    dim: int | None
    constant_only: bool = False  # parse_constant: no free names at all


class _Converter:
    """Builds the SymPy expression from a checked tree (recursive; depth ≤ MAX_DEPTH)."""

    def __init__(self, src: _Source, names: _Names):
        import sympy

        self.sp = sympy
        self.src = src
        self.names = names
        self.symbols: dict[str, Any] = {}
        self.used: set[str] = set()
        self.indexed_bases: set[str] = set()
        self.deadline = time.thread_time() + TIME_LIMIT
        self.approx: dict[Any, float] = {}
        self.depths: dict[Any, int] = {}
        self.bad = (
            sympy.S.ComplexInfinity,
            sympy.S.NaN,
            sympy.S.Infinity,
            sympy.S.NegativeInfinity,
        )

    # -- helpers --------------------------------------------------------------------------

    def fail(self, message: str, node: ast.AST | None = None, *, unsafe: bool = False):
        column = self.src.node_column(node) if node is not None else None
        _fail(message, self.src, column, unsafe=unsafe)

    def symbol(self, name: str) -> Any:
        sym = self.symbols.get(name)
        if sym is None:
            sym = self.symbols[name] = self.sp.Symbol(name, real=True)
        return sym

    def finite(self, value: Any, node: ast.AST) -> Any:
        for bad in self.bad:
            if value is bad:
                self.fail(f"undefined value: {self.src.segment(node)} is {value}", node)
        return value

    # -- entry ----------------------------------------------------------------------------

    def convert(self, tree: ast.Expression) -> Any:
        with collector_paused():
            _ExpansionBudget(self).run(tree.body)
            expr = self.conv(tree.body, {})
        if expr.has(self.sp.I):
            self.fail("the formula has a non-real constant value")
        if expr.has(*self.bad):
            self.fail("the formula has an undefined value (division by zero or infinity)")
        return expr

    def conv(self, node: ast.AST, env: dict[str, int]) -> Any:
        if time.thread_time() > self.deadline:
            self.fail(f"formula too expensive to build (over {TIME_LIMIT} s)")
        try:
            result = self.dispatch(node, env)
        except ParseError:
            raise
        except (RecursionError, MemoryError):
            self.fail("formula too complex to build", node)
        except Exception as exc:  # SymPy refusing something (e.g. comparing non-reals)
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.fail(f"cannot evaluate {self.src.segment(node)!r}: {reason[:200]}", node)
        self.finite(result, node)
        if result.is_number and not result.is_Rational:
            self.moderate(result, node)
        return result

    def moderate(self, value: Any, node: ast.AST) -> None:
        """Refuse a non-rational constant whose magnitude leaves the double range.

        SymPy decides signs and comparisons of constants by evaluating them numerically; for
        a constant such as sinh(sinh(sinh(sinh(2)))) = sinh(e^(3.3e7)) that needs millions
        of digits and hangs.  Every non-rational constant is therefore approximated in double
        precision (memoised, cheap) as it is built, and must stay below MAX_CONSTANT, which
        keeps every later numeric evaluation of it and of functions of it cheap.
        """
        depth = _constant_depth(value, self.depths)
        if depth > MAX_CONSTANT_DEPTH:
            self.fail(
                f"constant too complex: {self.src.segment(node)[:60]} nests {depth} functions "
                f"or powers (limit {MAX_CONSTANT_DEPTH} for non-rational constants)",
                node,
            )
        approx = _approximate(value, self.approx)
        if not math.isfinite(approx) or abs(approx) > MAX_CONSTANT:
            shown = "not a real number" if math.isnan(approx) else f"about {approx:.3g}"
            self.fail(
                f"constant out of range: {self.src.segment(node)[:60]} is {shown} "
                f"(limit {MAX_CONSTANT:.0e} for non-rational constants)",
                node,
            )

    def dispatch(self, node: ast.AST, env: dict[str, int]) -> Any:
        sp = self.sp
        if isinstance(node, ast.Constant):
            p, q = _literal(node, self.src)
            return sp.Rational(p, q) if q != 1 else sp.Integer(p)
        if isinstance(node, ast.Name):
            return self.name(node, env)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self.power(self.conv(node.left, env), self.conv(node.right, env), node)
            return self.chain(node, env)
        if isinstance(node, ast.UnaryOp):
            operand = self.conv(node.operand, env)
            return operand if isinstance(node.op, ast.UAdd) else sp.Mul(sp.S.NegativeOne, operand)
        if isinstance(node, ast.Call):
            return self.call(node, env)
        if isinstance(node, ast.Subscript):
            return self.symbol(self.indexed(node, env))
        if isinstance(node, ast.IfExp):
            cond = self.condition(node.test, env)
            body, orelse = self.conv(node.body, env), self.conv(node.orelse, env)
            return sp.Piecewise((body, cond), (orelse, True))
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    # -- names ----------------------------------------------------------------------------

    def name(self, node: ast.Name, env: dict[str, int]) -> Any:
        sp, names, name = self.sp, self.names, node.id
        if name in env:
            return sp.Integer(env[name])
        if name in CONSTANTS:
            return getattr(sp, CONSTANTS[name])
        if name in names.params:
            return names.params[name]
        if name in names.data:
            return self.symbol(name)
        if name == _DIM_NAME and names.dim is not None:
            return sp.Integer(names.dim)
        if names.constant_only:
            self.fail(f"a constant cannot contain the name '{name}'", node)
        if names.variables is not None and name not in names.variables:
            self.fail(f"unknown name '{name}'", node)
        self.used.add(name)
        return self.symbol(name)

    def indexed(self, node: ast.Subscript, env: dict[str, int]) -> str:
        names, base = self.names, node.value.id
        if base in names.params or base in names.data:
            kind = "parameter" if base in names.params else "data symbol"
            self.fail(f"{kind} '{base}' cannot be indexed", node)
        if names.constant_only:
            self.fail(f"a constant cannot contain the name '{base}'", node)
        k = self.integer(node.slice, env)
        dim = names.dim
        if k < 1 or (dim is not None and k > dim):
            upper = f"n={dim}" if dim is not None else "∞ (indices start at 1)"
            self.fail(f"index {base}[{k}] out of range 1..{upper}", node)
        name = f"{base}{k}"
        if names.variables is not None and name not in names.variables:
            self.fail(f"unknown name '{name}' (from {self.src.segment(node)})", node)
        self.used.add(name)
        self.indexed_bases.add(base)
        return name

    # -- integer sub-language -------------------------------------------------------------

    def integer(self, node: ast.AST, env: dict[str, int]) -> int:
        """Value of an index/bound expression with Python ints (bounded by MAX_INDEX)."""
        value = self._integer(node, env)
        if abs(value) > MAX_INDEX:
            self.fail(f"index or bound too large: {self.src.segment(node)}", node)
        return value

    def _integer(self, node: ast.AST, env: dict[str, int]) -> int:
        if isinstance(node, ast.Constant):
            p, _ = _literal(node, self.src)
            return p
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            if self.names.dim is None:
                self.fail("'n' in an index or bound needs the dimension (--dim)", node)
            return self.names.dim
        if isinstance(node, ast.UnaryOp):
            value = self.integer(node.operand, env)
            return -value if isinstance(node.op, ast.USub) else value
        a, b = self.integer(node.left, env), self.integer(node.right, env)
        op = node.op
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if isinstance(op, (ast.FloorDiv, ast.Mod)):
            if b == 0:
                self.fail("division by zero in an index or bound", node)
            return a // b if isinstance(op, ast.FloorDiv) else a % b
        # Pow
        if b < 0:
            self.fail("negative exponent in an index or bound", node)
        if abs(a) > 1 and b * math.log10(abs(a)) > math.log10(MAX_INDEX):
            self.fail(f"index or bound too large: {self.src.segment(node)}", node)
        return a**b

    # -- arithmetic -----------------------------------------------------------------------

    def chain(self, node: ast.BinOp, env: dict[str, int]) -> Any:
        """A left-nested chain of + and - (or * and /) built with one Add (Mul) call."""
        sp = self.sp
        additive = isinstance(node.op, _ADD_OPS)
        group = _ADD_OPS if additive else _MUL_OPS
        spine: list[ast.BinOp] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, group):
            spine.append(cur)
            cur = cur.left
        items = [self.conv(cur, env)]
        for link in reversed(spine):
            value = self.conv(link.right, env)
            if isinstance(link.op, ast.Sub):
                value = sp.Mul(sp.S.NegativeOne, value)
            elif isinstance(link.op, ast.Div):
                if value.is_Number and value.is_zero:
                    _fail(
                        f"division by zero: {self.src.segment(link)[:60]}",
                        self.src,
                        _operator_column(self.src, link),
                    )
                value = self.power(value, sp.S.NegativeOne, link.right)
            items.append(value)
        return self.combine(items, additive, node)

    def combine(self, items: list, additive: bool, node: ast.AST) -> Any:
        """``Add(*items)`` or ``Mul(*items)`` after checking the numbers it would create."""
        if additive:
            self.guard_add(items, node)
            return self.sp.Add(*items)
        self.guard_mul(items, node)
        if len(items) == 2 and _coefficient_times_power(*items):
            # c*(a + b)**k: evaluation would re-create the power and ask whether a + b is
            # infinite (a millisecond through the assumptions system) to build this same object
            return self.sp.Mul(*items, evaluate=False)
        result = self.sp.Mul(*items)
        self.guard_exponents(result, node)
        return result

    def too_large(self, what: str, node: ast.AST, digits: float) -> None:
        self.fail(
            f"number too large: {what} {self.src.segment(node)[:60]} would create a number of "
            f"about {_fmt_digits(math.log10(max(digits, 1.0)))} digits (limit {MAX_DIGITS})",
            node,
            unsafe=True,
        )

    def guard_add(self, items: list, node: ast.AST) -> None:
        """Adding rationals multiplies denominators: bound the numbers each like-term group
        (and the numeric part) could produce, before SymPy adds them one by one."""
        coeffs = []
        for item in items:
            for term in item.args if item.is_Add else (item,):
                if term.is_Rational:
                    coeffs.append((term, self.sp.S.One))
                elif term.is_Mul and term.args[0].is_Rational:
                    coeffs.append((term.args[0], term))
        if len(coeffs) < 2:
            return
        total = 2 * sum(_int_digits(int(c.q)) for c, _ in coeffs)
        total += max(_int_digits(int(c.p)) for c, _ in coeffs) + math.log10(len(coeffs))
        if total <= MAX_DIGITS:
            return
        groups: dict[Any, list] = {}
        for c, term in coeffs:
            rest = term if term is self.sp.S.One else term.as_coeff_Mul()[1]
            groups.setdefault(rest, []).append(c)
        for group in groups.values():
            est = 2 * sum(_int_digits(int(c.q)) for c in group)
            est += max(_int_digits(int(c.p)) for c in group) + math.log10(len(group))
            if len(group) > 1 and est > MAX_DIGITS:
                self.too_large("the sum", node, est)

    def guard_mul(self, items: list, node: ast.AST) -> None:
        """Numeric factors multiply (and a number distributes over a sum)."""
        total = 0.0
        for item in items:
            for factor in item.args if item.is_Mul else (item,):
                if factor.is_Rational:
                    total += _rational_digits(factor)
                elif factor.is_Add:
                    total += max(
                        (
                            _rational_digits(t.args[0])
                            for t in factor.args
                            if t.is_Mul and t.args[0].is_Rational
                        ),
                        default=0.0,
                    )
        if total > MAX_DIGITS:
            self.too_large("the product", node, total)
        # SymPy multiplies numeric roots with equal exponents (sqrt(a)*sqrt(b) = sqrt(a*b)) and
        # extracts the root of the product: bound the numbers it would take the root of.
        roots = sum(_root_digits(f) for item in items for f in _factors(item))
        if roots > MAX_ROOT_DIGITS:
            self.fail(
                f"numbers too large: {self.src.segment(node)[:60]} multiplies roots of numbers "
                f"with {roots:.0f} digits in all (limit {MAX_ROOT_DIGITS})",
                node,
                unsafe=True,
            )

    def guard_exponents(self, result: Any, node: ast.AST) -> None:
        """Refuse symbolic powers whose exponents grew past MAX_EXPONENT ((x**100)**1000)."""
        for part in result.args if result.is_Mul else (result,):
            if part.is_Pow and part.exp.is_Rational and not part.base.is_Rational:
                if abs(part.exp) > MAX_EXPONENT:
                    self.fail(
                        f"exponent too large: {self.src.segment(node)[:60]} has exponent "
                        f"{_short(part.exp)} (limit {MAX_EXPONENT})",
                        node,
                        unsafe=True,
                    )

    def power(self, base: Any, exp: Any, node: ast.AST) -> Any:
        """``base ** exp`` refusing blow-ups, estimated in log space before SymPy computes."""
        sp = self.sp
        if exp.is_Rational and exp.p != 0:
            size = _numeric_log_size(base)
            if size > 0:
                log_digits = _log10_rational(exp) + math.log10(size)
                if log_digits > math.log10(MAX_DIGITS):
                    self.fail(
                        f"power too large: {self.src.segment(node)[:60]} would have about "
                        f"{_fmt_digits(log_digits)} digits (limit {MAX_DIGITS})",
                        node,
                        unsafe=True,
                    )
            if exp.q != 1 and _root_digits(base, power=True) > MAX_ROOT_DIGITS:
                self.fail(
                    f"number too large: {self.src.segment(node)[:60]} takes a root of a number "
                    f"with more than {MAX_ROOT_DIGITS} digits",
                    node,
                    unsafe=True,
                )
            if not base.is_Rational and abs(exp) > MAX_EXPONENT:
                self.fail(
                    f"exponent too large: {self.src.segment(node)[:60]} has exponent "
                    f"{_short(exp)} (limit {MAX_EXPONENT})",
                    node,
                    unsafe=True,
                )
        if base.is_Number and base.is_zero and exp.is_negative is True:
            self.fail(f"division by zero: {self.src.segment(node)[:60]}", node)
        if base.is_Add and exp.is_Rational and exp not in (0, 1) and not base.is_number:
            # (a + b)**k: SymPy's evaluation would only ask whether a term is infinite (never,
            # here: infinities are refused), which costs a millisecond through the assumptions
            # system; the unevaluated power is the very object evaluation would return.
            return sp.Pow(base, exp, evaluate=False)
        result = sp.Pow(base, exp)
        self.guard_exponents(result, node)
        if base.is_number and exp.is_number:
            self.real_constant(result, node)
        return result

    def real_constant(self, value: Any, node: ast.AST) -> Any:
        """Refuse a constant that left the reals (sqrt(-1), log(-2)) where it appears, before
        SymPy spends time on complex arithmetic with it."""
        if value.has(self.sp.I):
            self.fail(f"non-real value: {self.src.segment(node)[:60]} is {_short(value)}", node)
        return value

    # -- calls and conditions -------------------------------------------------------------

    def call(self, node: ast.Call, env: dict[str, int]) -> Any:
        name = node.func.id
        if name in _REDUCERS:
            return self.reduce(node, env, additive=(name == "sum"))
        args = [self.conv(a, env) for a in node.args]
        if name == "sqrt":
            return self.power(args[0], self.sp.Rational(1, 2), node)
        # SymPy's automatic simplification of a function call costs milliseconds when the
        # argument is an expression (sin, exp, abs, ... query the assumptions system); it is
        # applied only to numbers and plain symbols (sin(pi/6) = 1/2, abs(x) stays Abs(x)).
        # Numbers are evaluated only when small: SymPy decides e.g. asin(asin(...(1/2)))
        # by evaluating the whole nest numerically at rising precision (seconds at depth 60),
        # and exp(log(N)/2) would take a root of a big N.
        numeric = all(a.is_number for a in args)
        evaluate = all(a.is_Symbol or _small_number(a) for a in args)
        if name == "log" and not numeric:
            # log(a, base) is log(a)/log(base): a constant a or base must be positive on its own
            for a in args:
                if a.is_number:
                    self.real_constant(self.sp.log(a), node)
        result = FUNCTIONS[name].build(self.sp, args, evaluate)
        return self.real_constant(result, node) if numeric else result

    def reduce(self, node: ast.Call, env: dict[str, int], *, additive: bool) -> Any:
        body, index, lo_node, hi_node = node.args
        lo, hi = self.integer(lo_node, env), self.integer(hi_node, env)
        if hi - lo + 1 > MAX_RANGE:  # already checked by the budget; kept as a guard
            self.fail(f"sum range too large: {hi - lo + 1} values (limit {MAX_RANGE})", node)
        idx = index.id
        terms = [self.conv(body, {**env, idx: v}) for v in range(lo, hi + 1)]
        if not terms:
            return self.sp.S.Zero if additive else self.sp.S.One
        return self.combine(terms, additive, node)

    def condition(self, node: ast.AST, env: dict[str, int]) -> Any:
        sp = self.sp
        try:
            if isinstance(node, ast.BoolOp):
                parts = [self.condition(v, env) for v in node.values]
                return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
            if isinstance(node, ast.UnaryOp):
                return sp.Not(self.condition(node.operand, env))
            values = [self.conv(c, env) for c in (node.left, *node.comparators)]
            relations = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}
            parts = [
                relations[type(op)](a, b)
                for op, a, b in zip(node.ops, values, values[1:], strict=False)
            ]
            return parts[0] if len(parts) == 1 else sp.And(*parts)
        except ParseError:
            raise
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.fail(f"cannot evaluate condition {self.src.segment(node)!r}: {reason[:200]}", node)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:12] + "..." + f"({len(text)} characters)"
