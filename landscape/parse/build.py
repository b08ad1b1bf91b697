"""The public entry points: :func:`parse`, :func:`parse_constant` and :class:`ParsedFormula`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from landscape.errors import ParseError

from .checker import _check
from .converter import _Converter, _Names
from .functions import _DIM_NAME
from .key import _user_name, _value_text, natural_key

if TYPE_CHECKING:  # pragma: no cover
    import sympy

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
