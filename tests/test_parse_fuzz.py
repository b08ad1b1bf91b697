"""Property tests of the safe formula parser.

1. Arbitrary text either parses or raises ParseError, quickly.
2. Random valid expression trees parse, and their value at a random point equals the value of
   the same tree computed independently with Python's ``math`` module.
3. Canary: formulas that would create a file if they were executed never create it.
"""

from __future__ import annotations

import math
import uuid

import sympy as sp
from cputime import timed
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landscape.errors import ParseError
from landscape.parse import canonical_key, check, parse

PER_EXAMPLE_SECONDS = 1.0
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

x, y = sp.symbols("x y", real=True)
parse("x")  # import SymPy and warm its caches outside the timed examples


# ----------------------------------------------------------------------------- 1. any text

TOKENS = [
    "x", "y", "z", "x1", "n", "i", "e", "pi", "q", "_", "__class__", "__import__", "os",
    "sin", "exp", "log", "sqrt", "abs", "max", "min", "relu", "sigmoid", "atan2", "sum", "prod",
    "lambda", "if", "else", "and", "or", "not", "for", "in", "is", "None", "True", "open",
    "0", "1", "2", "9", "10", "0.5", "1e3", "1e-3", "1e999", "1j", "1_0", "0x1f", "99999999999",
    "+", "-", "*", "/", "**", "^", "//", "%", "@", "&", "|", "~", "<", "<=", ">", ">=", "==",
    "!=", "=", ":=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", " ", "  ", "\t", "\n",
    "'", '"', "#", "\\", "$", "?", "!", "`",
    "\uff58", "\u00e9", "\u2211", "\u200b", "\u0131", "\x00", "\x7f", "\U0001d431",
]
RAW_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))


@st.composite
def random_text(draw) -> str:
    if draw(st.booleans()):
        return "".join(draw(st.lists(st.sampled_from(TOKENS), max_size=40)))
    return draw(st.text(alphabet=RAW_ALPHABET, max_size=60))


@FUZZ
@given(random_text(), st.sampled_from([None, 1, 5]))
@example("9**9**9**9", None)
@example("sum(sum(x[i]*x[j], j, 1, n), i, 1, n)", 5)
@example("x[" * 60 + "1" + "]" * 60, None)
@example("(" * 150, None)
@example("-" * 3000 + "x", None)
@example("x if x < 1 else " * 500 + "0", None)
def test_any_text_parses_or_raises_parse_error(text, dim):
    result, seconds = timed(parse, text, dim=dim)
    assert seconds < PER_EXAMPLE_SECONDS, (text, seconds)
    if isinstance(result, ParseError):
        message = str(result)
        assert message and "\n" not in message
        assert result.column is None or 1 <= result.column <= len(text) + 1
    else:
        assert isinstance(result.expr, sp.Expr)
        assert all(v.is_real for v in result.variables)
    for fn in (check, canonical_key):
        other, seconds = timed(fn, text)
        assert seconds < PER_EXAMPLE_SECONDS, (fn.__name__, text, seconds)
        if not isinstance(result, ParseError):  # parse succeeded, so must the checks
            assert not isinstance(other, ParseError), (fn.__name__, text, other)


# ----------------------------------------------------------------------------- 2. valid trees

# Tree nodes: ("num", text) | ("var", name) | ("neg", a) | ("bin", op, a, b) | ("pow", a, k)
#             | ("fn", name, args) | ("if", a, op, b, then, else)
NUMBERS = ["0", "1", "2", "3", "7", "10", "0.5", "2.25", ".125", "1e-2", "3E1", "1_5", "0.1"]
UNARY = [
    "sin", "cos", "atan", "tanh", "exp", "log", "sqrt", "abs", "sign", "sigmoid", "softplus",
    "relu", "erf", "log1p", "sinh", "cosh", "asinh", "asin", "acos", "acosh", "atanh", "tan",
]
BINARY_FUNCTIONS = ["atan2", "min", "max", "log"]
POWERS = ["0", "1", "2", "3", "-1", "-2", "0.5", "1.5"]

leaves = st.one_of(
    st.sampled_from(NUMBERS).map(lambda t: ("num", t)),
    st.sampled_from(["x", "y"]).map(lambda n: ("var", n)),
)


def _extend(children):
    return st.one_of(
        children.map(lambda a: ("neg", a)),
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: ("bin", *t)),
        st.tuples(children, st.sampled_from(POWERS)).map(lambda t: ("pow", *t)),
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: ("fn", t[0], [t[1]])),
        st.tuples(st.sampled_from(BINARY_FUNCTIONS), children, children).map(
            lambda t: ("fn", t[0], [t[1], t[2]])
        ),
        st.tuples(children, children).map(lambda t: ("fn", "max", [*t, ("num", "1")])),
        st.tuples(
            children, st.sampled_from(["<", "<=", ">", ">="]), children, children, children
        ).map(lambda t: ("if", *t)),
    )


trees = st.recursive(leaves, _extend, max_leaves=10)


def to_text(node, caret: bool, space: str) -> str:
    """The formula text of a tree (fully parenthesised; ``^`` or ``**`` for powers)."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "var":
        return node[1]
    if kind == "neg":
        return f"-({to_text(node[1], caret, space)})"
    if kind == "bin":
        _, op, a, b = node
        return f"({to_text(a, caret, space)}){space}{op}{space}({to_text(b, caret, space)})"
    if kind == "pow":
        _, a, k = node
        power = "^" if caret else "**"
        exponent = f"({k})" if k.startswith("-") else k
        return f"({to_text(a, caret, space)}){power}{exponent}"
    if kind == "fn":
        _, name, args = node
        return f"{name}({(',' + space).join(to_text(a, caret, space) for a in args)})"
    _, a, op, b, then, other = node
    parts = [to_text(p, caret, space) for p in (then, a, b, other)]
    return f"(({parts[0]}) if ({parts[1]}) {op} ({parts[2]}) else ({parts[3]}))"


class Undefined(Exception):
    """The reference evaluation left the reals (domain error, pole, overflow, complex)."""


def _real(value) -> float:
    if isinstance(value, complex) or not math.isfinite(value) or abs(value) > 1e12:
        raise Undefined
    return float(value) + 0.0  # no signed zeros in exact arithmetic: -0.0 becomes 0.0


REFERENCE_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "atan": math.atan, "tanh": math.tanh,
    "exp": math.exp, "sqrt": math.sqrt, "abs": abs, "erf": math.erf, "log1p": math.log1p,
    "sinh": math.sinh, "cosh": math.cosh, "asinh": math.asinh, "asin": math.asin,
    "acos": math.acos, "acosh": math.acosh, "atanh": math.atanh,
    "min": min, "max": max,
    "sign": lambda u: (u > 0) - (u < 0),
    "sigmoid": lambda u: 1 / (1 + math.exp(-u)),
    "softplus": lambda u: math.log(1 + math.exp(u)),
    "relu": lambda u: max(0.0, u),
    "log": lambda u, base=None: math.log(u) if base is None else math.log(u) / math.log(base),
}
def _atan2(v: float, u: float) -> float:
    if v == 0 and u == 0:  # math says 0; mathematically (and in SymPy) undefined
        raise Undefined
    return math.atan2(v, u)


REFERENCE_FUNCTIONS["atan2"] = _atan2
COMPARE = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}


def reference(node, env: dict[str, float], mags: list[float]) -> float:
    """Value of the tree with Python floats and ``math``; ``mags`` collects magnitudes."""
    kind = node[0]
    try:
        if kind == "num":
            value = float(node[1])
        elif kind == "var":
            value = env[node[1]]
        elif kind == "neg":
            value = -reference(node[1], env, mags)
        elif kind == "bin":
            _, op, a, b = node
            u, v = reference(a, env, mags), reference(b, env, mags)
            value = {"+": u + v, "-": u - v, "*": u * v}[op] if op != "/" else u / v
        elif kind == "pow":
            _, a, k = node
            u = reference(a, env, mags)
            if u == 0 and float(k) <= 0:
                raise Undefined  # 0**0 is 1 in both, but keep it simple: 0**-k is a pole
            value = u ** float(k)
        elif kind == "fn":
            _, name, args = node
            value = REFERENCE_FUNCTIONS[name](*[reference(a, env, mags) for a in args])
        else:
            # both branches are evaluated: the parser refuses an undefined constant anywhere
            _, a, op, b, then, other = node
            test = COMPARE[op](reference(a, env, mags), reference(b, env, mags))
            values = reference(then, env, mags), reference(other, env, mags)
            value = values[0] if test else values[1]
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        raise Undefined from None
    value = _real(value)
    mags.append(abs(value))
    return value


def _near_a_kink(node, env) -> bool:
    """Whether a comparison or sign/abs/min/max/relu argument is within 1e-9 of its switch
    (the float reference and the exact SymPy value may then take different branches)."""
    stack = [node]
    while stack:
        cur = stack.pop()
        kind = cur[0]
        try:
            if kind == "if":
                gap = reference(cur[1], env, []) - reference(cur[3], env, [])
                if abs(gap) < 1e-9:
                    return True
            if (
                kind == "fn"
                and cur[1] in ("sign", "abs", "relu")
                and abs(reference(cur[2][0], env, [])) < 1e-9
            ):
                return True
            if kind == "fn" and cur[1] == "atan2" and abs(reference(cur[2][0], env, [])) < 1e-9:
                return True  # the origin, or the branch cut along the negative x axis
            if kind == "fn" and cur[1] in ("min", "max"):
                values = sorted(reference(a, env, []) for a in cur[2])
                if any(abs(p - q) < 1e-9 for p, q in zip(values, values[1:], strict=False)):
                    return True
        except Undefined:
            pass
        if kind in ("neg", "pow"):
            stack.append(cur[1])
        elif kind == "bin":
            stack += [cur[2], cur[3]]
        elif kind == "fn":
            stack += cur[2]
        elif kind == "if":
            stack += [cur[1], cur[3], cur[4], cur[5]]
    return False


GRID = [k / 16 for k in (-40, -17, -16, -8, -1, 0, 1, 8, 16, 17, 40)]


def _constants(tree) -> set[float]:
    """The numbers written in ``tree`` (its ``num`` leaves)."""
    if isinstance(tree, tuple) and tree and tree[0] == "num":
        return {float(tree[1])}
    items = tree if isinstance(tree, (list, tuple)) else ()
    return set().union(*(_constants(t) for t in items if isinstance(t, (list, tuple))))


def _undefined_somewhere(tree) -> bool:
    """Whether the float reference is undefined at some point of a grid that also holds each
    number written in the tree, on either side and negated, so that a branch switched beyond
    the fixed grid (``0 if x > 3 else 1``) is seen."""
    near = {s * (c + d) for c in _constants(tree) for d in (-1 / 16, 0.0, 1 / 16)
            for s in (1, -1)}
    grid = sorted(set(GRID) | near)
    for u in grid:
        for v in grid:
            try:
                reference(tree, {"x": u, "y": v}, [])
            except Undefined:
                return True
    return False


coords = st.integers(-40, 40).map(lambda k: sp.Rational(k, 16))


@FUZZ
@given(trees, st.booleans(), st.sampled_from(["", " "]), coords, coords)
@example(  # atan2(-1, -tan(sin(1))): real, though SymPy evaluates it to a form with I
    ("fn", "atan2", [("neg", ("pow", ("num", "1"), "0")),
                     ("neg", ("fn", "tan", [("fn", "sin", [("num", "1")])]))]),
    False, "", sp.Rational(0), sp.Rational(0),
)
@example(  # -(1/(0 if x > 3 else 1)): undefined for x > 3, beyond the fixed grid
    ("neg", ("bin", "/", ("num", "1"),
             ("if", ("var", "x"), ">", ("num", "3"), ("num", "0"), ("num", "1")))),
    False, "", sp.Rational(0), sp.Rational(0),
)
def test_valid_trees_parse_and_evaluate_like_math(tree, caret, space, xv, yv):
    text = to_text(tree, caret, space)
    result, seconds = timed(parse, text)
    assert seconds < PER_EXAMPLE_SECONDS, (text, seconds)
    env = {"x": float(xv), "y": float(yv)}
    try:
        mags: list[float] = []
        ref = reference(tree, env, mags)
    except Undefined:
        ref = None
    if isinstance(result, ParseError):
        # only undefined values are refused: constants such as 1/0, log(0), sqrt(-1), or a
        # branch that is undefined everywhere (1/(0 if x > 0 else 1)); the float reference is
        # then undefined somewhere too
        assert ref is None or _undefined_somewhere(tree), (text, str(result))
        return
    if ref is None or _near_a_kink(tree, env):
        return
    # skip ill-conditioned points: the reference must be stable under tiny perturbations
    for scale in (1 + 1e-11, 1 - 1e-11):
        try:
            moved = reference(tree, {k: v * scale for k, v in env.items()}, [])
        except Undefined:
            return
        if abs(moved - ref) > 1e-6 * max(1.0, abs(ref)):
            return
    value = result.expr.xreplace({x: xv, y: yv}).evalf(30)
    assert value.is_real, (text, value)
    tolerance = 1e-9 * max(1.0, max(mags, default=1.0))
    assert abs(float(value) - ref) <= tolerance, (text, float(value), ref)


# ----------------------------------------------------------------------------- 3. canary


def _canary_formulas(path: str) -> list[str]:
    return [
        f"open('{path}', 'w')",
        f'open("{path}", "w").write(\'x\')',
        f"__import__('os').system('touch {path}')",
        f"__import__('subprocess').call(['touch', '{path}'])",
        f"eval(\"open('{path}', 'w')\")",
        f"exec(\"open('{path}', 'w')\")",
        f"x + (lambda: open('{path}', 'w'))()",
        f"[open('{path}', 'w') for _ in (1,)]",
        f"().__class__.__base__.__subclasses__()[0]('{path}')",
        f"sin(x).__globals__['open']('{path}', 'w')",
        f"x if open('{path}', 'w') else y",
        f"sum(open('{path}', 'w'), i, 1, 2)",
        f"breakpoint() or open('{path}', 'w')",
        f"\uff4f\uff50\uff45\uff4e('{path}', 'w')",  # full-width "open"
    ]


@settings(max_examples=20, deadline=None)
@given(index=st.sampled_from(range(14)), pad=st.sampled_from(["", "  ", "\t"]))
def test_canary_never_executes(tmp_path_factory, index, pad):
    directory = tmp_path_factory.mktemp("canary")
    path = str(directory / f"canary-{uuid.uuid4().hex}")
    formula = pad + _canary_formulas(path)[index]
    for fn in (parse, check, canonical_key):
        result, seconds = timed(fn, formula)
        assert isinstance(result, ParseError), (fn.__name__, formula)
        assert seconds < PER_EXAMPLE_SECONDS
    assert not (directory / path).exists()
    assert list(directory.iterdir()) == []


def test_canary_all_formulas(tmp_path):
    path = str(tmp_path / f"canary-{uuid.uuid4().hex}")
    for formula in _canary_formulas(path):
        attempts = [
            (parse, (formula,), {}),
            (parse, (formula,), {"dim": 3}),
            (parse, ("c*x",), {"params": {"c": formula}}),
            (check, (formula,), {}),
            (canonical_key, (formula,), {}),
            (canonical_key, ("c*x",), {"params": {"c": formula}}),
        ]
        for fn, args, kwargs in attempts:
            assert isinstance(timed(fn, *args, **kwargs)[0], ParseError), (formula, kwargs)
    assert list(tmp_path.iterdir()) == []
