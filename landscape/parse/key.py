"""The canonical cache key of a formula (whitespace- and spelling-insensitive) and the natural
order of names.  Imports no SymPy.
"""

from __future__ import annotations

import ast
import hashlib
import keyword
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from landscape.errors import ParseError

from .checker import _ADD_OPS, _MUL_OPS, _check
from .functions import CONSTANTS, FUNCTIONS
from .limits import _KEY_VERSION, MAX_NAME_LENGTH
from .source import _literal, _Source

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
