"""The allow-list check: every node of the parsed tree is checked before anything is built
(:func:`check`, :func:`names_in`).  Imports no SymPy.
"""

from __future__ import annotations

import ast

from landscape.errors import ParseError

from .functions import _DIM_NAME, _REDUCERS, CONSTANTS, FUNCTIONS
from .limits import MAX_DEPTH, MAX_NAME_LENGTH
from .source import _ast_parse, _fail, _literal, _prescan, _Source

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
