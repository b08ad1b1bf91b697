"""Safe formula parser: text → SymPy, through an allow-list over Python's AST.

Nothing here evaluates user text: the formula is parsed with ``ast.parse(..., mode="eval")``,
every node is checked against an allow-list, and SymPy objects are built directly
(``Symbol(name, real=True)``, ``Integer``, ``Rational``, ``Add``, ``Mul``, ``Pow``, ...).
Importing this module, :func:`check` and :func:`canonical_key` do not import SymPy (a cached
formula is looked up by its key in a process that never loads SymPy); :func:`parse` and
:func:`parse_constant` import it lazily.

Grammar
-------
* **Numbers**: decimal integer and float literals (``3``, ``0.1``, ``.5``, ``2.5e3``, ``1_000``),
  converted *exactly* from the source text: ``0.1`` is ``Rational(1, 10)``, ``1e-3`` is
  ``Rational(1, 1000)``.  Hexadecimal/octal/binary literals, complex literals (``1j``), strings,
  bytes, ``None``/``True``/``False`` are refused.
* **Operators**: binary ``+ - * / **`` and ``^``, unary ``-`` and ``+``, parentheses.
  ``^`` means power: every ``^`` is replaced by ``**`` *before* parsing (strings and comments are
  refused, so every ``^`` is an operator), hence it has the precedence and right-associativity
  of ``**``: ``-x^2 == -(x**2)``, ``2^3^2 == 512``.  Columns in errors refer to the text as given.
* **Conditionals**: ``A if COND else B`` → ``Piecewise((A, COND), (B, True))``.  ``COND`` is a
  comparison with ``<``, ``<=``, ``>``, ``>=`` (chains such as ``0 < x < 1`` mean ``and``),
  or ``and``/``or``/``not`` of such comparisons.  ``==``, ``!=``, ``is``, ``in`` are refused, and
  comparisons are allowed only as such conditions.
* **Functions** (:data:`FUNCTIONS`): ``sin cos tan asin acos atan atan2(y, x) sinh cosh tanh
  asinh acosh atanh exp log(x) log(x, base) log1p sqrt abs sign erf min max`` (``min``/``max``
  take two or more arguments), ``sigmoid(u) = 1/(1+exp(-u))``, ``softplus(u) = log(1+exp(u))``,
  ``relu(u) = max(0, u)``, and the reducers ``sum(EXPR, i, LO, HI)`` / ``prod(EXPR, i, LO, HI)``
  (inclusive bounds, Σ_{i=LO}^{HI}), expanded into an explicit sum/product.
* **Constants** (:data:`CONSTANTS`): ``pi`` and ``e`` (Euler's number; ``e`` therefore cannot be
  a variable).
* **Names**: ASCII identifiers of at most 32 characters, not starting with ``_``.  Any other
  bare name is a variable (declared ``real=True``), unless it is bound by ``params`` (its value
  is substituted), listed in ``data`` (a per-sample data symbol), or is ``n`` with ``dim`` given
  (then ``n`` is the number ``dim``).  Any non-ASCII character is refused up front (Python would
  otherwise NFKC-normalise look-alikes such as a full-width ``ｘ``).
* **Indexed variables**: ``x[K]`` is the variable ``x{K}`` (``x[3]`` is ``x3``), 1-based:
  ``1 <= K`` and ``K <= dim`` when ``dim`` is given.  ``K``, ``LO`` and ``HI`` are integer
  expressions of literals, ``n`` (needs ``dim``) and the indices of enclosing sums, with
  ``+ - * // %`` and small ``**``, evaluated with Python ints.  With ``dim`` given (and no explicit
  ``variables``), every indexed base ``x`` contributes all of ``x1..x{dim}`` to the variables,
  used or not.  A sum index is local to its sum and cannot be used outside it.

Variable order: ``x, y, z`` first (when present), then the others in natural order, i.e. by
(name prefix, integer suffix): ``x1 < x2 < x10``, ``a < b``.  An explicit ``variables=`` list is
used as given.

Limits (module constants)
-------------------------
Size: ``MAX_LENGTH`` (10 000) characters; ``MAX_DEPTH`` (100) levels of nesting (brackets, and
the expression tree, where a chain ``a + b - c + ...`` or ``a * b / c * ...`` counts as one
level, so long flat sums are fine); ``MAX_SIGNS`` (100) consecutive signs (``------x`` is
refused before Python's parser sees it); names of at most ``MAX_NAME_LENGTH`` (32) characters;
literals of at most ``MAX_LITERAL_DIGITS`` (400) digits with decimal exponents up to
``MAX_LITERAL_EXPONENT`` (400), finite as doubles.

Sums and products, checked *before* expanding: ``MAX_RANGE`` (10 000) values per index range
(``sum range too large``), ``MAX_TERMS`` (100 000) terms and ``MAX_WORK`` (10 000) operations in
all expansions together.  An operation is one +, *, **, call, ... built per term (SymPy needs
10-150 µs each), so ``MAX_WORK`` is what binds first and keeps expansions under about a second:
the chained Rosenbrock sum (11 operations a term) is accepted up to ``dim`` = 908 (≈ 0.8 s;
0.1 s for ``dim`` = 200), ``sum(x[i]**2, i, 1, n)`` up to 3331, ``sum(x[i], i, 1, n)`` up to
4998.  Index values stay below ``MAX_INDEX``.

Exact numbers (estimated in log space *before* SymPy computes anything, so ``9**9**9**9`` is
refused in microseconds): no power, product or sum of numbers may create a number of more than
``MAX_DIGITS`` (4 000) digits (below Python's 4 300-digit limit for printing integers); SymPy
takes roots (``sqrt(N)``, ``N**(1/3)``, ``sqrt(a)*sqrt(b) = sqrt(a*b)``) only of numbers of at
most ``MAX_ROOT_DIGITS`` (100) digits (it factors them); a numeric exponent on a non-numeric
base (``x**k``, ``pi**k``, also after SymPy merges powers) is at most ``MAX_EXPONENT`` (10 000).

Non-rational constants (``exp(2)``, ``sin(1)*pi``): SymPy decides their signs by evaluating
them numerically, which explodes for nested or huge ones (``sinh(sinh(sinh(sinh(2))))``,
``asin(asin(...(1/2)))``), so each one is approximated in double precision as it is built and
must have a magnitude of at most ``MAX_CONSTANT`` (1e300) and nest at most
``MAX_CONSTANT_DEPTH`` (8) functions or powers.  Non-real constants (``sqrt(-1)``, ``log(-2)``)
and undefined ones (``1/0``, ``log(0)``, ``atanh(1)``, ``atan2(0, 0)``) are refused where they
appear.

As a last resort (nothing known reaches it except SymPy work that is slow per term, such as
2000 square roots of 100-digit numbers), building is abandoned after ``TIME_LIMIT`` (1 s).

Evaluation
----------
SymPy's automatic simplification is kept where it is cheap and skipped where it costs
milliseconds per call without changing the value: function calls are evaluated only when every
argument is a symbol or a small number (``sin(pi/6) = 1/2``, ``abs(x) = Abs(x)``, but
``sin(2*x - y)`` is built unevaluated); ``min``/``max``/``relu`` evaluate only their numeric
arguments (SymPy compares every pair of symbolic arguments through its assumptions system);
``(a + b)**k`` is built directly (evaluation would return the same object).  The result is
always mathematically the same expression.

Not thread-safe in one respect: a formula deeper than CPython's AST-construction limit (a flat
sum of more than ~3000 terms) is re-parsed with a temporarily raised recursion limit.

Errors
------
Every failure is a :class:`~landscape.errors.ParseError` (a construct outside the allow-list:
:class:`~landscape.errors.UnsafeFormulaError`) with a one-line message and, when known, the
1-based column in the text as given.
"""

from __future__ import annotations

import ast
import hashlib
import keyword
import math
import re
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from landscape.errors import ParseError, UnsafeFormulaError

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_LENGTH",
    "FunctionSpec",
    "ParsedFormula",
    "canonical_key",
    "check",
    "parse",
    "parse_constant",
]

# ----------------------------------------------------------------------------- limits

MAX_LENGTH = 10_000  #: characters in a formula
MAX_DEPTH = 100  #: nesting levels (brackets; expression tree with flattened +/- and */ chains)
MAX_SIGNS = 100  #: consecutive sign characters (``+ - ~``), refused before Python's parser
MAX_NAME_LENGTH = 32  #: characters in a name
MAX_LITERAL_DIGITS = 400  #: digits in a number literal
MAX_LITERAL_EXPONENT = 400  #: |decimal exponent| of a float literal
MAX_RANGE = 10_000  #: values of one sum/prod index range
MAX_TERMS = 100_000  #: terms produced by all sum/prod expansions together
MAX_WORK = 10_000  #: operations (tree nodes) built by all sum/prod expansions together
MAX_DIGITS = 4_000  #: digits of any exact number built (below Python's 4300-digit str limit)
MAX_ROOT_DIGITS = 100  #: digits of a number whose root SymPy would extract (sqrt, x**(1/3))
MAX_EXPONENT = 10_000  #: |numeric exponent| on a non-numeric base
MAX_CONSTANT = 1e300  #: magnitude of a non-rational constant (exp(800) is refused, 10**400 not)
MAX_CONSTANT_DEPTH = 8  #: nesting of functions/powers in a non-rational constant
MAX_INDEX = 10**12  #: |value| of any integer index/bound (sub)expression
TIME_LIMIT = 1.0  #: seconds; safety net behind the limits above

_KEY_VERSION = "landscape.parse/1"


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
    # the base is evaluated on its own when it is a number, so that log(u, 1) is seen as a
    # division by zero
    base = sp.log(args[1], evaluate=bool(args[1].is_number))
    return sp.Mul(sp.log(args[0], evaluate=False), sp.Pow(base, sp.S.NegativeOne))


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
    return sp.atan2(args[0], args[1], evaluate=evaluate)


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


# ----------------------------------------------------------------------------- public result


@dataclass(frozen=True)
class ParsedFormula:
    """A parsed formula.

    ``expr`` has the parameters substituted (it contains numbers, not parameter symbols);
    ``parameters`` keeps the exact bound values for display.
    """

    text: str
    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    parameters: dict[str, sympy.Expr] = field(hash=False)
    data_symbols: tuple[sympy.Symbol, ...] = ()


# ----------------------------------------------------------------------------- source text


class _Source:
    """The formula as given and as handed to Python's parser, with a column map between them.

    The parser sees ``code``: leading whitespace removed, tabs and line breaks turned into
    spaces, every ``^`` replaced by ``**``.  ``pos[k]`` is the index in ``text`` of ``code[k]``.
    """

    __slots__ = ("text", "code", "pos")

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        pos: list[int] = []
        started = False
        for i, ch in enumerate(text):
            if ch in "\t\r\n":
                ch = " "
            if not started and ch == " ":
                continue
            started = True
            if ch == "^":
                chars += ("*", "*")
                pos += (i, i)
            else:
                chars.append(ch)
                pos.append(i)
        pos.append(len(text))  # one past the end
        self.code = "".join(chars)
        self.pos = pos

    def column(self, offset: int | None) -> int | None:
        """1-based column in ``text`` of the 0-based ``offset`` in ``code``."""
        if offset is None:
            return None
        offset = min(max(offset, 0), len(self.pos) - 1)
        return self.pos[offset] + 1

    def node_column(self, node: ast.AST) -> int | None:
        """1-based column of the start of ``node``."""
        return self.column(getattr(node, "col_offset", None))

    def segment(self, node: ast.AST) -> str:
        """The text (as given) that ``node`` was parsed from."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or end <= start:
            return ""
        return self.text[self.pos[start] : self.pos[end - 1] + 1]

    def code_segment(self, node: ast.AST) -> str:
        """The parser-side text of ``node`` (``^`` already turned into ``**``)."""
        return self.code[node.col_offset : node.end_col_offset]

    def find(self, chars: str, start: int, end: int | None = None) -> int | None:
        """0-based offset in ``code`` of the first of ``chars`` in ``code[start:end]``."""
        end = len(self.code) if end is None else end
        for k in range(max(start, 0), min(end, len(self.code))):
            if self.code[k] in chars:
                return k
        return None


def _fail(message: str, src: _Source | str, column: int | None = None, *, unsafe=False):
    text = src.text if isinstance(src, _Source) else src
    cls = UnsafeFormulaError if unsafe else ParseError
    raise cls(message, text, column)


_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9_]*")  # names, digit runs


def _prescan(text: str) -> None:
    """Character-level checks made before Python's parser sees the text."""
    if len(text) > MAX_LENGTH:
        _fail(f"formula too long: {len(text)} characters (limit {MAX_LENGTH})", text)
    for i, ch in enumerate(text):
        if not ch.isascii():
            _fail(f"non-ASCII character {ch!r} is not allowed", text, i + 1, unsafe=True)
    for m in _TOKEN_RE.finditer(text):
        if m.group()[0].isdigit() and len(m.group()) > MAX_LITERAL_DIGITS:
            _fail(f"number too large: more than {MAX_LITERAL_DIGITS} digits", text, m.start() + 1)
    depth = signs = 0
    for i, ch in enumerate(text):
        code = ord(ch)
        if (code < 32 and ch not in "\t\r\n") or code == 127:
            _fail(f"control character {ch!r} is not allowed", text, i + 1)
        if ch in "'\"":
            _fail("strings are not allowed", text, i + 1, unsafe=True)
        if ch == "#":
            _fail("comments ('#') are not allowed", text, i + 1)
        if ch == "\\":
            _fail("backslashes are not allowed", text, i + 1)
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                _fail(f"too deeply nested: more than {MAX_DEPTH} levels of brackets", text, i + 1)
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        if ch in "+-~":
            signs += 1
            if signs > MAX_SIGNS:
                _fail(f"more than {MAX_SIGNS} consecutive signs", text, i + 1)
        elif ch not in " \t\r\n":
            signs = 0


_PARSE_LOCK = threading.Lock()


def _quiet_parse(code: str) -> ast.Expression:
    """``ast.parse`` without its SyntaxWarnings (``1if x<0 else 2`` warns about ``1if``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(code, mode="eval")


def _ast_parse(src: _Source) -> ast.Expression:
    """``ast.parse(code, mode='eval')`` with every failure turned into a ParseError.

    CPython builds the Python AST objects recursively and refuses trees deeper than three
    times the recursion limit; long flat sums (``x1 + x2 + ... + x5000``) are such trees, so on
    a RecursionError the parse is retried once with a higher limit (the text is at most
    MAX_LENGTH characters, which bounds the depth).
    """
    if not src.code.strip():
        _fail("empty formula", src)
    try:
        try:
            return _quiet_parse(src.code)
        except RecursionError:
            with _PARSE_LOCK:
                old = sys.getrecursionlimit()
                sys.setrecursionlimit(max(old, MAX_LENGTH // 2))
                try:
                    return _quiet_parse(src.code)
                finally:
                    sys.setrecursionlimit(old)
    except SyntaxError as exc:
        reason = (exc.msg or "invalid syntax").splitlines()[0]
        if "limit" in reason and "digits" in reason:
            reason = f"number too large: more than {MAX_LITERAL_DIGITS} digits"
        offset = exc.offset
        if not offset or offset > len(src.code) or (exc.lineno or 1) > 1:
            column = len(src.text) + 1
            if "never closed" not in reason and "unexpected" not in reason:
                reason += " (unexpected end of formula)"
        else:
            column = src.column(offset - 1)
        _fail(reason, src, column)
    except (RecursionError, MemoryError):
        _fail(f"formula too deeply nested (more than {MAX_DEPTH} levels)", src)
    except (ValueError, OverflowError) as exc:
        _fail(f"cannot parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", src)
    raise AssertionError("unreachable")  # pragma: no cover


# ----------------------------------------------------------------------------- literals

_FLOAT_RE = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def _literal(node: ast.Constant, src: _Source) -> tuple[int, int]:
    """Exact value ``(p, q)`` (``q > 0``, reduced) of an int/float literal, from its text."""
    raw = src.code_segment(node).replace("_", "")
    column = src.node_column(node)
    if isinstance(node.value, int):
        if not raw.isdigit():
            _fail("only decimal numbers are allowed", src, column)
        if len(raw) > MAX_LITERAL_DIGITS:
            _fail(f"number too large: more than {MAX_LITERAL_DIGITS} digits", src, column)
        return int(raw), 1
    m = _FLOAT_RE.fullmatch(raw)
    if m is None:
        _fail(f"invalid number {src.segment(node)!r}", src, column)
    whole, frac, exp_text = m.group(1), m.group(2) or "", m.group(3)
    if len(whole) + len(frac) > MAX_LITERAL_DIGITS:
        _fail(f"number too large: more than {MAX_LITERAL_DIGITS} digits", src, column)
    if exp_text and len(exp_text.lstrip("+-").lstrip("0")) > 6:
        _fail(f"number out of range: {src.segment(node)[:40]}", src, column)
    exponent = int(exp_text) if exp_text else 0
    if exponent < -MAX_LITERAL_EXPONENT:
        limit = f"decimal exponents down to -{MAX_LITERAL_EXPONENT}"
        _fail(f"number too small: {src.segment(node)} ({limit})", src, column)
    if exponent > MAX_LITERAL_EXPONENT or math.isinf(node.value):
        _fail(f"number too large: {src.segment(node)} is beyond double precision", src, column)
    mantissa = int(whole + frac or "0")
    scale = exponent - len(frac)
    if mantissa == 0:
        return 0, 1
    if scale >= 0:
        return mantissa * 10**scale, 1
    q = 10**-scale
    g = math.gcd(mantissa, q)
    return mantissa // g, q // g


# ----------------------------------------------------------------------------- allow-list check

_EXPR, _COND, _INT = "expr", "cond", "int"
_ADD_OPS = (ast.Add, ast.Sub)
_MUL_OPS = (ast.Mult, ast.Div)
_OP_TEXT = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Div: "/",
}
_REFUSED_NODES = {
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.FormattedValue: "strings are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Slice: "slices are not allowed",
}


def _operator_column(src: _Source, node: ast.BinOp) -> int | None:
    """1-based column of the operator of a binary operation (its start when not found)."""
    where = src.find("+-*/%@&|^<>", node.left.end_col_offset, node.right.col_offset)
    return src.column(where if where is not None else node.col_offset)


def _check_name(name: str, src: _Source, column: int | None) -> None:
    """A name used in a formula: no leading underscore, at most MAX_NAME_LENGTH characters."""
    if name.startswith("_"):
        _fail(f"names starting with '_' are not allowed: {name!r}", src, column, unsafe=True)
    if len(name) > MAX_NAME_LENGTH:
        _fail(f"name too long: {name[:40]!r} (limit {MAX_NAME_LENGTH} characters)", src, column)


class _Checker:
    """Iterative allow-list walk over the AST (no recursion: safe on any depth)."""

    def __init__(self, src: _Source):
        self.src = src
        self.index_names: set[str] = set()
        self.free_uses: list[tuple[str, int | None]] = []  # names outside any binding sum

    def run(self, tree: ast.Expression) -> None:
        stack: list[tuple[ast.AST, int, str, frozenset]] = [(tree.body, 1, _EXPR, frozenset())]
        while stack:
            node, depth, ctx, bound = stack.pop()
            if depth > MAX_DEPTH:
                _fail(
                    f"formula too deeply nested (more than {MAX_DEPTH} levels)",
                    self.src,
                    self.src.node_column(node),
                )
            for child, child_ctx, child_bound, flat in self.visit(node, ctx, bound):
                stack.append((child, depth if flat else depth + 1, child_ctx, child_bound))
        for name, column in self.free_uses:
            if name in self.index_names:
                _fail(
                    f"'{name}' is a sum index and cannot be used outside its sum", self.src, column
                )

    # -- dispatch -------------------------------------------------------------------------

    def visit(self, node: ast.AST, ctx: str, bound: frozenset) -> list:
        src = self.src
        column = src.node_column(node)
        kind = type(node)
        if kind in _REFUSED_NODES:
            if kind is ast.Attribute:
                dot = src.find(".", node.value.end_col_offset)
                column = src.column(dot) if dot is not None else column
            _fail(_REFUSED_NODES[kind], src, column, unsafe=True)
        if ctx == _INT:
            return self.visit_int(node, bound)
        if ctx == _COND:
            return self.visit_cond(node, bound)
        return self.visit_expr(node, bound)

    def visit_expr(self, node: ast.AST, bound: frozenset) -> list:
        src = self.src
        column = src.node_column(node)
        if isinstance(node, ast.Constant):
            self.constant(node)
            return []
        if isinstance(node, ast.Name):
            _check_name(node.id, src, column)
            if node.id in FUNCTIONS:
                _fail(f"function '{node.id}' must be called, e.g. {node.id}(x)", src, column)
            if node.id not in bound:
                self.free_uses.append((node.id, column))
            return []
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                return [(node.operand, _EXPR, bound, False)]
            if isinstance(node.op, ast.Not):
                _fail("'not' is only allowed in the condition of 'a if cond else b'", src, column)
            _fail("bitwise operator '~' is not allowed", src, column, unsafe=True)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, (*_ADD_OPS, *_MUL_OPS, ast.Pow)):
                group = _ADD_OPS if isinstance(node.op, _ADD_OPS) else _MUL_OPS
                flat_left = isinstance(node.left, ast.BinOp) and isinstance(node.left.op, group)
                return [(node.left, _EXPR, bound, flat_left), (node.right, _EXPR, bound, False)]
            self.bad_operator(node)
        if isinstance(node, ast.Call):
            return self.call(node, bound)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, bound)
        if isinstance(node, ast.IfExp):
            return [
                (node.test, _COND, bound, False),
                (node.body, _EXPR, bound, False),
                (node.orelse, _EXPR, bound, False),
            ]
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            _fail(
                "comparisons are only allowed as the condition of 'a if cond else b'", src, column
            )
        _fail(f"{type(node).__name__} is not allowed", src, column, unsafe=True)

    def visit_cond(self, node: ast.AST, bound: frozenset) -> list:
        src = self.src
        column = src.node_column(node)
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if not isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                    where = src.find("=!<>isnot", node.left.end_col_offset, right.col_offset)
                    name = type(op).__name__
                    _fail(
                        f"comparison {name} is not supported; use <, <=, >, >=",
                        src,
                        src.column(where) if where is not None else column,
                        unsafe=isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)),
                    )
            return [(c, _EXPR, bound, False) for c in (node.left, *node.comparators)]
        if isinstance(node, ast.BoolOp):
            return [(v, _COND, bound, False) for v in node.values]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return [(node.operand, _COND, bound, False)]
        _fail(
            "the condition of 'a if cond else b' must be a comparison such as x < 1",
            src,
            column,
        )

    def visit_int(self, node: ast.AST, bound: frozenset) -> list:
        src = self.src
        column = src.node_column(node)
        if isinstance(node, ast.Constant):
            if type(node.value) is float:
                _fail("an index or bound must be an integer", src, column)
            self.constant(node)
            return []
        if isinstance(node, ast.Name):
            _check_name(node.id, src, column)
            if node.id != _DIM_NAME and node.id not in bound:
                _fail(
                    f"name '{node.id}' is not allowed in an index or bound "
                    "(only integers, n and sum indices)",
                    src,
                    column,
                )
            return []
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return [(node.operand, _INT, bound, False)]
        if isinstance(node, ast.BinOp):
            ok = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.Pow)
            if isinstance(node.op, ok):
                return [(node.left, _INT, bound, False), (node.right, _INT, bound, False)]
            if isinstance(node.op, ast.Div):
                _fail("use // for integer division in an index or bound", src, self.op_col(node))
            self.bad_operator(node)
        _fail("an index or bound must be an integer expression", src, column)

    # -- pieces ---------------------------------------------------------------------------

    def constant(self, node: ast.Constant) -> None:
        src, value = self.src, node.value
        column = src.node_column(node)
        if isinstance(value, bool) or value is None or value is Ellipsis:
            _fail(f"'{src.segment(node)}' is not allowed", src, column, unsafe=True)
        if isinstance(value, complex):
            _fail("complex numbers are not allowed", src, column, unsafe=True)
        if isinstance(value, (str, bytes)):
            _fail("strings are not allowed", src, column, unsafe=True)
        if not isinstance(value, (int, float)):  # pragma: no cover - nothing else parses
            _fail(f"{type(value).__name__} literals are not allowed", src, column, unsafe=True)
        _literal(node, src)

    def op_col(self, node: ast.BinOp) -> int | None:
        return _operator_column(self.src, node)

    def bad_operator(self, node: ast.BinOp) -> None:
        text = _OP_TEXT.get(type(node.op), type(node.op).__name__)
        _fail(f"operator '{text}' is not allowed", self.src, self.op_col(node), unsafe=True)

    def call(self, node: ast.Call, bound: frozenset) -> list:
        src = self.src
        func = node.func
        if not isinstance(func, ast.Name):
            _fail(
                "only functions from the table can be called",
                src,
                src.node_column(func),
                unsafe=True,
            )
        name, column = func.id, src.node_column(func)
        _check_name(name, src, column)
        for kw in node.keywords:
            _fail("keyword arguments are not allowed", src, src.node_column(kw), unsafe=True)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                _fail("'*' unpacking is not allowed", src, src.node_column(arg), unsafe=True)
        spec = FUNCTIONS.get(name)
        if spec is None:
            if name in CONSTANTS:
                _fail(f"'{name}' is a constant, not a function", src, column)
            _fail(f"unknown function '{name}'", src, column, unsafe=True)
        if not spec.accepts(len(node.args)):
            _fail(
                f"{name}() takes {spec.arity_text()} ({len(node.args)} given)",
                src,
                column,
            )
        if name not in _REDUCERS:
            return [(arg, _EXPR, bound, False) for arg in node.args]
        body, index, lo, hi = node.args
        if not isinstance(index, ast.Name):
            _fail(
                f"{name}(): the second argument must be an index name such as i",
                src,
                src.node_column(index),
            )
        idx, idx_col = index.id, src.node_column(index)
        _check_name(idx, src, idx_col)
        if idx in FUNCTIONS or idx in CONSTANTS or idx == _DIM_NAME:
            _fail(f"'{idx}' cannot be a sum index", src, idx_col)
        if idx in bound:
            _fail(f"sum index '{idx}' is already in use by an enclosing sum", src, idx_col)
        self.index_names.add(idx)
        return [
            (body, _EXPR, bound | {idx}, False),
            (lo, _INT, bound, False),
            (hi, _INT, bound, False),
        ]

    def subscript(self, node: ast.Subscript, bound: frozenset) -> list:
        src = self.src
        base = node.value
        bracket = src.find("[", base.end_col_offset)
        if not isinstance(base, ast.Name):
            _fail(
                "subscripts are only allowed on variable names, as in x[1]",
                src,
                src.column(bracket),
                unsafe=True,
            )
        name, column = base.id, src.node_column(base)
        _check_name(name, src, column)
        if name in FUNCTIONS or name in CONSTANTS or name == _DIM_NAME or name in bound:
            _fail(f"'{name}' cannot be indexed", src, column)
        self.free_uses.append((name, column))
        if isinstance(node.slice, (ast.Slice, ast.Tuple)):
            what = "slices" if isinstance(node.slice, ast.Slice) else "multiple indices"
            _fail(f"{what} are not allowed", src, src.column(bracket), unsafe=True)
        return [(node.slice, _INT, bound, False)]


def _check(text: str) -> tuple[_Source, ast.Expression]:
    if not isinstance(text, str):
        raise ParseError(f"a formula must be a string, not {type(text).__name__}", "", None)
    _prescan(text)
    src = _Source(text)
    tree = _ast_parse(src)
    _Checker(src).run(tree)
    return src, tree


def check(text: str) -> ast.Expression:
    """Validate ``text`` against the allow-list and return its checked AST (no SymPy).

    Checks syntax, node types, names, function arities, literals and nesting; what depends on
    ``variables``/``params``/``dim`` (unknown names, index ranges, ``n`` without ``dim``) and
    numeric blow-ups are checked by :func:`parse`.  Column offsets in the returned tree refer
    to the parser-side text (``^`` replaced by ``**``, leading whitespace removed).
    Raises :class:`ParseError` (or :class:`UnsafeFormulaError`).
    """
    return _check(text)[1]


def names_in(text: str) -> frozenset[str]:
    """Every name the formula mentions (variables, data columns, parameters, functions, sum
    indices), from its checked tree without SymPy; raises :class:`ParseError` like
    :func:`check`."""
    return frozenset(node.id for node in ast.walk(check(text)) if isinstance(node, ast.Name))


# ----------------------------------------------------------------------------- canonical key


def _canon(node: ast.AST, src: _Source) -> str:
    """Whitespace- and spelling-insensitive serialisation of a checked tree (recursion is
    bounded by MAX_DEPTH because +/- and */ chains are walked iteratively)."""
    if isinstance(node, ast.Constant):
        p, q = _literal(node, src)
        return f"{p}/{q}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.BinOp) and isinstance(node.op, (*_ADD_OPS, *_MUL_OPS)):
        group = _ADD_OPS if isinstance(node.op, _ADD_OPS) else _MUL_OPS
        parts: list[str] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, group):
            sign = "+" if isinstance(cur.op, (ast.Add, ast.Mult)) else "-"
            parts.append(sign + _canon(cur.right, src))
            cur = cur.left
        parts.append("+" + _canon(cur, src))
        tag = "A" if group is _ADD_OPS else "M"
        return f"{tag}({','.join(reversed(parts))})"
    if isinstance(node, ast.BinOp):
        tag = {ast.Pow: "P", ast.FloorDiv: "F", ast.Mod: "R"}[type(node.op)]
        return f"{tag}({_canon(node.left, src)},{_canon(node.right, src)})"
    if isinstance(node, ast.UnaryOp):
        inner = _canon(node.operand, src)
        if isinstance(node.op, ast.UAdd):
            return inner
        return f"{'N' if isinstance(node.op, ast.USub) else 'NOT'}({inner})"
    if isinstance(node, ast.Call):
        return f"{node.func.id}({','.join(_canon(a, src) for a in node.args)})"
    if isinstance(node, ast.Subscript):
        return f"{node.value.id}[{_canon(node.slice, src)}]"
    if isinstance(node, ast.IfExp):
        parts = (_canon(node.test, src), _canon(node.body, src), _canon(node.orelse, src))
        return f"IF({','.join(parts)})"
    if isinstance(node, ast.Compare):
        items = [_canon(node.left, src)]
        for op, right in zip(node.ops, node.comparators, strict=True):
            items += [type(op).__name__, _canon(right, src)]
        return f"C({','.join(items)})"
    if isinstance(node, ast.BoolOp):
        tag = "AND" if isinstance(node.op, ast.And) else "OR"
        return f"{tag}({','.join(_canon(v, src) for v in node.values)})"
    raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover


def _value_text(value: str | int | float) -> str:
    """The formula text of a parameter value / constant (floats via their shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParseError(
            f"a constant must be a formula string or a number, not {type(value).__name__}", ""
        )
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError(f"a constant must be finite, not {value!r}", repr(value))
        return repr(value)
    return str(value)


def canonical_key(
    text: str,
    *,
    variables: Sequence[str] | None = None,
    params: Mapping[str, str | int | float] | None = None,
    dim: int | None = None,
    data: Sequence[str] = (),
) -> str:
    """SHA-256 hex digest identifying the formula and its options (no SymPy).

    Insensitive to whitespace, redundant parentheses, ``^`` vs ``**``, unary ``+`` and the
    spelling of numbers (``0.1 == .1 == 1e-1``); sensitive to everything else, including the
    parameters (their values canonicalised the same way), variables, ``dim`` and ``data``.
    Raises :class:`ParseError` when the formula or a parameter value does not check.
    """
    src, tree = _check(text)
    parts = [_KEY_VERSION, _canon(tree.body, src)]
    items = []
    for name, value in sorted((params or {}).items()):
        vsrc, vtree = _check(_value_text(value))
        items.append(f"{name}={_canon(vtree.body, vsrc)}")
    parts.append("params:" + ";".join(items))
    parts.append("variables:" + ("*" if variables is None else ",".join(map(str, variables))))
    parts.append(f"dim:{dim!r}")
    parts.append("data:" + ",".join(map(str, data)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# ----------------------------------------------------------------------------- naming


def natural_key(name: str) -> tuple:
    """Sort key of variable names: x, y, z first, then (prefix, integer suffix, name)."""
    if name in ("x", "y", "z"):
        return (0, "xyz".index(name), "", -1, name)
    m = re.fullmatch(r"(.*?)(\d+)", name)
    if m:
        return (1, 0, m.group(1), int(m.group(2)), name)
    return (1, 0, name, -1, name)


def _user_name(name: Any, what: str) -> str:
    """Validate a name given through the API (variable, parameter, data)."""
    if not isinstance(name, str) or not name.isascii() or not name.isidentifier():
        raise ParseError(f"invalid {what} name {name!r}", str(name))
    if keyword.iskeyword(name) or name.startswith("_") or len(name) > MAX_NAME_LENGTH:
        raise ParseError(f"invalid {what} name {name!r}", name)
    if name in FUNCTIONS or name in CONSTANTS:
        kind = "function" if name in FUNCTIONS else "constant"
        raise ParseError(f"{what} name {name!r} collides with the {kind} '{name}'", name)
    return name


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
        self.deadline = time.perf_counter() + TIME_LIMIT
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
        _ExpansionBudget(self).run(tree.body)
        expr = self.conv(tree.body, {})
        if expr.has(self.sp.I):
            self.fail("the formula has a non-real constant value")
        if expr.has(*self.bad):
            self.fail("the formula has an undefined value (division by zero or infinity)")
        return expr

    def conv(self, node: ast.AST, env: dict[str, int]) -> Any:
        if time.perf_counter() > self.deadline:
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


class _ExpansionBudget:
    """Counts what the sum/prod expansions will build, before building anything.

    Terms: every sum/prod instance counts ``max(range, 1)``.  Work: converted tree nodes,
    i.e. the size of the formula plus, per instance, ``range × size(body)`` and the size of the
    bounds.  Nested sums are counted by iterating their enclosing indices (only the integer
    bounds are evaluated), which stops as soon as a budget is exceeded.
    """

    def __init__(self, conv: _Converter):
        self.conv = conv
        self.terms = 0
        self.work = 0
        self.sizes: dict[int, int] = {}
        self.children: dict[int, list[ast.Call]] = {}
        self.bounds: dict[int, int] = {}

    @staticmethod
    def size(node: ast.AST) -> int:
        """Work of one copy of ``node``: its operations (each builds a SymPy object, tens of
        microseconds) plus a tenth per leaf; integer index arithmetic counts as leaves; a
        nested sum/prod counts its body once here (its expansion is counted per instance)."""
        ops = leaves = 0
        stack = [node]
        while stack:
            cur = stack.pop()
            if isinstance(cur, _OPERATION_NODES):
                ops += 1
            else:
                leaves += 1
            if _is_reducer(cur):
                stack.append(cur.args[0])
            elif isinstance(cur, ast.Subscript):
                leaves += sum(1 for _ in ast.walk(cur.slice))
            else:
                stack.extend(ast.iter_child_nodes(cur))
        return ops + (leaves + 9) // 10

    @staticmethod
    def outer_reducers(node: ast.AST) -> list[ast.Call]:
        """The sum/prod calls in ``node`` (itself included) not inside another one."""
        found, stack = [], [node]
        while stack:
            cur = stack.pop()
            if _is_reducer(cur):
                found.append(cur)
            else:
                stack.extend(ast.iter_child_nodes(cur))
        return found

    def run(self, root: ast.AST) -> None:
        self.work = self.size(root)
        for call in self.outer_reducers(root):
            self.count(call, {})

    def count(self, call: ast.Call, env: dict[str, int]) -> None:
        conv = self.conv
        body, index, lo_node, hi_node = call.args
        key = id(call)
        if key not in self.sizes:
            self.sizes[key] = self.size(body)
            self.children[key] = self.outer_reducers(body)
            self.bounds[key] = self.size(lo_node) + self.size(hi_node)
        self.work += self.bounds[key]
        lo, hi = conv.integer(lo_node, env), conv.integer(hi_node, env)
        span = max(hi - lo + 1, 0)
        if span > MAX_RANGE:
            conv.fail(f"sum range too large: {span} values (limit {MAX_RANGE})", call)
        self.terms += max(span, 1)
        self.work += span * (self.sizes[key] + 1)
        if self.terms > MAX_TERMS:
            conv.fail(f"sum expansion too large: more than {MAX_TERMS} terms in all", call)
        if self.work > MAX_WORK:
            conv.fail(f"sum expansion too large: more than {MAX_WORK} operations to build", call)
        children = self.children[key]
        if children:
            for v in range(lo, hi + 1):
                inner = {**env, index.id: v}
                for child in children:
                    self.count(child, inner)


_OPERATION_NODES = (ast.BinOp, ast.UnaryOp, ast.Call, ast.IfExp, ast.Compare, ast.BoolOp)


def _is_reducer(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REDUCERS
    )


# ----------------------------------------------------------------------------- public API


def _build(text: str, names: _Names) -> tuple[Any, _Converter]:
    src, tree = _check(text)
    conv = _Converter(src, names)
    return conv.convert(tree), conv


def parse_constant(text: str | int | float) -> sympy.Expr:
    """Exact SymPy value of a formula with no free names (``"0.15*pi"``, ``"-1e-3"``,
    ``"sqrt(2)/2"``); ints are exact, floats are read from their shortest repr (``0.1`` is
    ``1/10``).  Used for parameter values and box bounds.  Raises :class:`ParseError`."""
    expr, _ = _build(_value_text(text), _Names(None, {}, (), None, constant_only=True))
    return expr


def _bind_params(params: Mapping[str, str | int | float] | None) -> dict[str, Any]:
    bound: dict[str, Any] = {}
    for name, value in (params or {}).items():
        _user_name(name, "parameter")
        try:
            bound[name] = parse_constant(value)
        except ParseError as exc:
            raise type(exc)(f"in parameter '{name}': {exc.message}", exc.text, exc.column) from None
    return bound


def _validate_options(
    variables: Sequence[str] | None,
    params: dict[str, Any],
    dim: int | None,
    data: Sequence[str],
) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int) or dim < 1):
        raise ParseError(f"dim must be a positive integer, not {dim!r}", "")
    if isinstance(data, str):
        data = (data,)
    data_names = tuple(_user_name(d, "data") for d in data)
    var_names = None
    if variables is not None:
        if isinstance(variables, str):
            variables = (variables,)
        var_names = tuple(_user_name(v, "variable") for v in variables)
    seen: dict[str, str] = {}
    groups = (("variable", var_names or ()), ("data", data_names), ("parameter", params))
    for kind, group in groups:
        for name in group:
            if name in seen:
                raise ParseError(f"{kind} name '{name}' is already a {seen[name]} name", name)
            if name == _DIM_NAME and dim is not None:
                raise ParseError(
                    f"'{_DIM_NAME}' is the dimension (dim) and cannot be a {kind}", name
                )
            seen[name] = kind
    return var_names, data_names


def parse(
    text: str,
    *,
    variables: Sequence[str] | None = None,
    params: Mapping[str, str | int | float] | None = None,
    dim: int | None = None,
    data: Sequence[str] = (),
) -> ParsedFormula:
    """Parse a formula into SymPy (see the module docstring for the grammar and limits).

    ``variables``: the variables, in order (default: every free name, ordered x, y, z first
    then naturally).  ``params``: name → value (a constant formula or number), substituted.
    ``dim``: the dimension ``n`` for indexed variables and sums.  ``data``: names of per-sample
    data symbols.  Raises :class:`ParseError` (:class:`UnsafeFormulaError` for refused
    constructs) with a one-line message and column.
    """
    bound = _bind_params(params)
    var_names, data_names = _validate_options(variables, bound, dim, data)
    names = _Names(var_names, bound, data_names, dim)
    expr, conv = _build(text, names)
    if var_names is not None:
        order = var_names
    else:
        used = set(conv.used)
        if dim is not None:
            for base in conv.indexed_bases:
                used.update(f"{base}{k}" for k in range(1, dim + 1))
        order = tuple(sorted(used, key=natural_key))
    return ParsedFormula(
        text=text,
        expr=expr,
        variables=tuple(conv.symbol(v) for v in order),
        parameters=dict(bound),
        data_symbols=tuple(conv.symbol(d) for d in data_names),
    )
