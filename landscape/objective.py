"""The :class:`Objective`: a real function of n variables, its derivatives and its kernels."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from . import derive
from .compiled import FIRST_KINDS, CompiledObjective, load, store
from .errors import InputError


def variable_sort_key(name: str) -> tuple:
    """``x, y, z`` first, then natural order: ``x1 < x2 < x10``, ``a < b``."""
    if name in ("x", "y", "z"):
        return (0, "xyz".index(name), "", 0)
    m = re.fullmatch(r"(.*?)(\d+)", name)
    if m:
        return (1, 0, m.group(1), int(m.group(2)))
    return (1, 0, name, -1)


def _realify(expr: sp.Expr) -> tuple[sp.Expr, dict[str, sp.Symbol]]:
    """Replace every free symbol by a real symbol of the same name."""
    symbols = [s for s in expr.free_symbols if isinstance(s, sp.Symbol)]
    mapping = {s: sp.Symbol(s.name, real=True) for s in symbols}
    return expr.xreplace(mapping), {s.name: r for s, r in mapping.items()}


class Objective:
    """A real objective f(x₁, …, xₙ): expression, variables, parameters and derivatives.

    Build it with :meth:`parse` (from user text, safely) or :meth:`from_expr` (from a SymPy
    expression).  ``gradient`` and ``hessian`` are SymPy matrices derived term by term;
    ``compiled`` holds the Numba kernels (generated and cached on first use).

    For a finite-sum objective (``data_symbols`` non-empty) ``expr`` is the per-sample loss and
    the objective is its mean over the rows of a data matrix bound with
    ``compiled.with_data(D)``.
    """

    def __init__(
        self,
        expr: sp.Expr,
        variables: Sequence[sp.Symbol],
        *,
        parameters: Mapping[str, sp.Expr] | None = None,
        data_symbols: Sequence[sp.Symbol] = (),
        text: str | None = None,
        key: str | None = None,
        dim: int | None = None,
    ):
        self.expr = expr
        #: the dimension ``n`` the formula text was parsed with (``None`` when it had none)
        self.dim = dim
        self.variables: tuple[sp.Symbol, ...] = tuple(variables)
        self.parameters: dict[str, sp.Expr] = dict(parameters or {})
        self.data_symbols: tuple[sp.Symbol, ...] = tuple(data_symbols)
        self.text = text if text is not None else sp.sstr(expr)
        self.key = key or self._expr_key()
        if len(set(self.variables)) != len(self.variables):
            raise InputError("variables must be distinct")
        _check_symbols(expr, self.variables, self.data_symbols)
        if expr.has(sp.I):  # formulas are checked where they are parsed; this is SymPy input
            raise InputError("the formula takes complex values: only real-valued objectives "
                             "are supported")

    # ----------------------------------------------------------------- construction
    @classmethod
    def parse(
        cls,
        text: str,
        *,
        variables: Sequence[str] | None = None,
        params: Mapping[str, Any] | None = None,
        dim: int | None = None,
        data: Sequence[str] = (),
    ) -> Objective:
        """Parse a formula safely (see :mod:`landscape.parse`)."""
        from .parse import canonical_key, parse

        pf = parse(text, variables=variables, params=params, dim=dim, data=data)
        key = canonical_key(text, variables=variables, params=params, dim=dim, data=data)
        return cls(
            pf.expr,
            pf.variables,
            parameters=pf.parameters,
            data_symbols=pf.data_symbols,
            text=text,
            key=key,
            dim=dim,
        )

    @classmethod
    def from_expr(
        cls,
        expr: sp.Expr | str,
        variables: Iterable[sp.Symbol | str] | None = None,
        *,
        params: Mapping[sp.Symbol | str, Any] | None = None,
        data: Sequence[sp.Symbol | str] = (),
    ) -> Objective:
        """Wrap a SymPy expression (trusted Python input).  Symbols are re-declared real.

        A string is parsed safely instead (never ``sympify``-ed).
        """
        if isinstance(expr, str):
            return cls.parse(
                expr,
                variables=[str(v) for v in variables] if variables is not None else None,
                params={str(k): v for k, v in (params or {}).items()},
                data=[str(d) for d in data],
            )
        expr = sp.sympify(expr)
        bound: dict[str, sp.Expr] = {}
        if params:
            subs = {}
            for k, v in params.items():
                name = str(k)
                value = sp.sympify(v) if not isinstance(v, str) else _constant(v)
                bound[name] = value
                for s in expr.free_symbols:
                    if s.name == name:
                        subs[s] = value
            expr = expr.xreplace(subs)
        expr, by_name = _realify(expr)
        data_names = [str(d) for d in data]
        data_syms = [by_name.get(d, sp.Symbol(d, real=True)) for d in data_names]
        if variables is None:
            names = sorted((n for n in by_name if n not in data_names), key=variable_sort_key)
        else:
            names = [str(v) for v in variables]
        syms = [by_name.get(n, sp.Symbol(n, real=True)) for n in names]
        return cls(expr, syms, parameters=bound, data_symbols=data_syms)

    def _expr_key(self) -> str:
        blob = "|".join(
            [
                "expr",
                sp.srepr(self.expr),
                ",".join(v.name for v in self.variables),
                ",".join(d.name for d in self.data_symbols),
            ]
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    # ----------------------------------------------------------------- symbolic
    @property
    def n(self) -> int:
        """Number of variables."""
        return len(self.variables)

    @property
    def names(self) -> tuple[str, ...]:
        """Variable names, in order."""
        return tuple(v.name for v in self.variables)

    @cached_property
    def gradient_list(self) -> list[sp.Expr]:
        """∇f as a list of SymPy expressions."""
        return derive.gradient(self.expr, self.variables)

    @cached_property
    def hessian_entries(self) -> dict[tuple[int, int], sp.Expr]:
        """Nonzero Hessian entries ``{(i, j): ∂²f/∂xᵢ∂xⱼ}`` with ``i ≤ j``."""
        return derive.hessian_entries(self.gradient_list, self.variables)

    @cached_property
    def kernel_cost(self):
        """Size estimates of the kernels (:func:`landscape.cost.kernel_cost`)."""
        from .cost import kernel_cost

        return kernel_cost(self.expr, self.variables, self.data_symbols)

    @property
    def gradient(self) -> sp.ImmutableMatrix:
        """∇f as an (n, 1) SymPy matrix."""
        return sp.ImmutableMatrix(self.gradient_list)

    @cached_property
    def hessian(self) -> sp.ImmutableMatrix:
        """∇²f as an (n, n) SymPy matrix."""
        return derive.hessian_matrix(self.hessian_entries, self.n)

    # ----------------------------------------------------------------- numeric
    def _require_variables(self) -> None:
        """A constant (no variables) has nothing to compile, optimize or analyze."""
        if not self.variables:
            raise InputError(f"the formula {self.text!r} has no variables: it is a constant, "
                             "so there is nothing to analyze or optimize")

    @cached_property
    def compiled(self) -> CompiledObjective:
        """The compiled kernels (from the disk cache, or generated and compiled now)."""
        self._require_variables()
        hit = load(self.key, sources=self.kernel_sources)
        if hit is not None:
            return hit
        return store(
            self.key,
            self.kernel_sources(FIRST_KINDS),
            variables=self.names,
            data_names=[d.name for d in self.data_symbols],
            text=self.text,
            generate=self.kernel_sources,
        )

    def kernel_sources(
        self, kinds: Sequence[str], build: Callable[..., Mapping[tuple[int, int], sp.Expr]]
        | None = None
    ) -> dict[str, str]:
        """Source text of the kernels ``kinds`` (see :func:`landscape.codegen.generate_sources`):
        the Hessian is derived only when ``"h"`` is among them.  Kernels whose estimated size
        is above the limits of :mod:`landscape.cost` are refused first (:class:`TooLarge`).

        With ``build`` (``kinds`` = ``("matrix",)``): the kernel of the n × n matrix whose
        entries ``build(expr, variables, data_symbols) -> {(i, j): entry}`` (i ≤ j) gives,
        printed like the Hessian, straight-line; ``build`` raises :class:`InputError` for a
        formula that has no such matrix
        (:meth:`landscape.compiled.CompiledObjective.matrix_kernel`)."""
        from .codegen import generate_sources
        from .cost import check_kernels

        if build is not None:
            entries = build(self.expr, self.variables, self.data_symbols)
            return generate_sources(self.expr, self.variables, [], entries, self.data_symbols,
                                    loops=False, kinds=kinds)
        check_kernels(self.kernel_cost, kinds)

        # the derivatives are passed lazily: loop kernels differentiate their templates only
        return generate_sources(
            self.expr,
            self.variables,
            lambda: self.gradient_list,
            lambda: self.hessian_entries,
            self.data_symbols,
            kinds=kinds,
        )

    def value(self, x: Any) -> float:
        """f(x), compiled."""
        return self.compiled.value(x)

    def grad(self, x: Any) -> np.ndarray:
        """∇f(x), compiled."""
        return self.compiled.gradient(x)

    def hess(self, x: Any) -> np.ndarray:
        """∇²f(x), compiled."""
        return self.compiled.hessian(x)

    def box(self, box: Any = None) -> np.ndarray:
        """The analysis box as an (n, 2) array (default ``-5:5`` per variable)."""
        from .box import as_box

        self._require_variables()
        return as_box(box, self.n)

    # ----------------------------------------------------------------- analyses
    def critical_points(self, box: Any = None, **options: Any):
        """Critical points in the box, classified (see :mod:`landscape.critical`)."""
        from .critical import find_critical_points

        self._require_variables()
        return find_critical_points(self, box=box, **options)

    def convexity(self, box: Any = None, **options: Any):
        """Convexity verdict on the box with proof or witness (see :mod:`landscape.convexity`)."""
        from .convexity import analyze_convexity

        self._require_variables()
        return analyze_convexity(self, box=box, **options)

    def vanishing(self, box: Any = None, **options: Any):
        """Small-gradient regions and plateaus in the box (see :mod:`landscape.vanishing`)."""
        from .vanishing import find_vanishing_regions

        self._require_variables()
        return find_vanishing_regions(self, box=box, **options)

    # ----------------------------------------------------------------- display
    def latex(self) -> str:
        """LaTeX of ``f(vars) = expr``."""
        args = ", ".join(sp.latex(v) for v in self.variables)
        return f"f({args}) = {sp.latex(self.expr)}"

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    def pretty(self) -> str:
        """Unicode pretty-printed expression."""
        return sp.pretty(self.expr, use_unicode=True)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Objective({self.text!r}, variables={self.names})"


def _short(name: str) -> str:
    """A symbol name fit for a one-line message: escaped and cut to 40 characters."""
    text = repr(name)
    return text if len(text) <= 42 else text[:40] + "…"


def _check_symbols(
    expr: sp.Expr, variables: Sequence[sp.Symbol], data_symbols: Sequence[sp.Symbol]
) -> None:
    """Every variable and data column is a SymPy ``Symbol``, and every free symbol of ``expr``
    is one of them (parameters are substituted before an Objective is made)."""
    for s in (*variables, *data_symbols):
        if not isinstance(s, sp.Symbol):
            raise InputError(f"variables and data columns must be SymPy symbols, got "
                             f"{type(s).__name__}")
    if not isinstance(expr, sp.Expr):
        raise InputError(f"the objective must be a SymPy expression, got {type(expr).__name__}")
    stray = expr.free_symbols - set(variables) - set(data_symbols)
    if stray:
        names = ", ".join(_short(getattr(s, "name", str(type(s).__name__)))
                          for s in sorted(stray, key=sp.default_sort_key)[:3])
        raise InputError(f"symbols {names} are neither variables, parameters nor data")


def _constant(text: str) -> sp.Expr:
    from .parse import parse_constant

    return parse_constant(text)
