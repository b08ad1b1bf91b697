"""The budget of sum/prod expansions, counted before anything is built.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .functions import _REDUCERS
from .limits import MAX_RANGE, MAX_TERMS, MAX_WORK

if TYPE_CHECKING:  # pragma: no cover
    from .converter import _Converter


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
