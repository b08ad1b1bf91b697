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
2000 square roots of 100-digit numbers), building is abandoned after ``TIME_LIMIT`` (1 s of the
building thread's CPU time, the garbage collector paused: a loaded machine or a large process
does not refuse a formula that builds in milliseconds).

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

Modules
-------
:mod:`.limits` (the constants above), :mod:`.functions` (function and constant tables),
:mod:`.source` (column map, pre-scan, guarded ``ast.parse``, literals), :mod:`.checker` (the
allow-list check), :mod:`.key` (canonical key, natural order), :mod:`.numbers` (sizes of exact
numbers, approximations of constants), :mod:`.expansion` (the sum/prod budget),
:mod:`.converter` (checked tree → SymPy), :mod:`.build` (:func:`parse`, :func:`parse_constant`).
Every public name is importable from ``landscape.parse``.
"""

from __future__ import annotations

from landscape.errors import ParseError, UnsafeFormulaError

from .build import ParsedFormula, parse, parse_constant
from .checker import check, names_in
from .functions import CONSTANTS, FUNCTIONS, FunctionSpec
from .key import canonical_key, natural_key
from .limits import (
    MAX_CONSTANT,
    MAX_CONSTANT_DEPTH,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_INDEX,
    MAX_LENGTH,
    MAX_LITERAL_DIGITS,
    MAX_LITERAL_EXPONENT,
    MAX_NAME_LENGTH,
    MAX_RANGE,
    MAX_ROOT_DIGITS,
    MAX_SIGNS,
    MAX_TERMS,
    MAX_WORK,
    TIME_LIMIT,
)
from .numbers import SMALL_NUMBER_NODES

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

#: Also importable from here (not in ``__all__``, as before the split).
_REEXPORTED = (
    ParseError, UnsafeFormulaError, names_in, natural_key, SMALL_NUMBER_NODES, MAX_CONSTANT,
    MAX_CONSTANT_DEPTH, MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, MAX_INDEX, MAX_LITERAL_DIGITS,
    MAX_LITERAL_EXPONENT, MAX_NAME_LENGTH, MAX_RANGE, MAX_ROOT_DIGITS, MAX_SIGNS, MAX_TERMS,
    MAX_WORK, TIME_LIMIT,
)
