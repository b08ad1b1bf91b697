"""Kernel source generation: SymPy expressions → in-place Numba kernels.

For each objective we print plain Python source (SymPy's Python code printer after common
subexpression elimination) for the seven kernels of :mod:`landscape.kernel_types` and hand it to
:func:`landscape.compiled.store`.  Each kernel is compiled with
``njit(signature, cache=True, error_model='numpy')``: floating-point exceptions give inf/NaN
(which the optimizers detect) instead of raising, and machine code is cached on disk.

Terms that repeat one template under an index shift (the expansion of ``sum(..., i, LO, HI)``,
or the same written out; see :mod:`landscape.loops`) become loops whose bodies are printed once,
with the template differentiated once: Numba's compile time grows with the length of the
straight-line code (about 1-2 ms an operation), so a chained sum of n terms would otherwise
cost seconds to compile at n = 100.  Finite-sum objectives (data symbols) keep the
straight-line form.

Why not ``lambdify``: it allocates on every call, cannot use Numba's disk cache, and its
Hessians take minutes to JIT for n ≈ 50 (see the design notes).

Functions Numba cannot compile (Bessel functions, ``polygamma``, ``LambertW``, ...) are refused
before any source is written, with :class:`~landscape.errors.UnsupportedError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.printing.pycode import PythonCodePrinter

from . import derive
from .errors import UnsupportedError
from .kernel_types import KINDS, MATRIX, SIGNATURES
from .loops import LoopGroup, LoopPlan, ProductGroup, find_loops, fuse, placeholders

#: Function classes the printer turns into Numba-compilable code.
COMPILABLE = (
    sp.sin, sp.cos, sp.tan, sp.asin, sp.acos, sp.atan, sp.atan2,
    sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh,
    sp.exp, sp.log, log1p, sp.Abs, sp.sign, sp.erf, sp.erfc,
    sp.Min, sp.Max, sp.Heaviside, sp.Piecewise,
)


#: names the kernel printer emits for symbols: variables ``_v{i}`` / loop placeholders ``_y{a}``,
#: data columns ``_d{j}`` and CSE temporaries ``_c{k}``, ``_c{m}_{k}``, ``_ch{k}``
_LOCAL_NAME = re.compile(r"_[vyd][0-9]+|_c[0-9a-z_]*[0-9]+")


class KernelPrinter(PythonCodePrinter):
    """Python printer tuned for Numba: float constants, integer powers kept integral."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})

    def _print_Integer(self, expr: sp.Integer) -> str:
        return f"{int(expr)}.0"

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"({int(expr.p)}.0/{int(expr.q)}.0)"

    def _print_Half(self, expr: sp.Rational) -> str:
        return "0.5"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp.is_Integer:
            p = int(exp)
            b = self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Pow"] + 1)
            if p == -1:
                return f"(1.0/{b})"
            return f"{b}**{p}" if p > 0 else f"(1.0/{b}**{-p})"
        return super()._print_Pow(expr, rational=rational)

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        """Only the kernel's own locals are printed (``_v0``, ``_d1``, ``_c2``, ...): every
        user symbol was renamed before printing, so any other name is a bug, not code."""
        name = expr.name
        if not _LOCAL_NAME.fullmatch(name):
            raise UnsupportedError(f"symbol {name[:40]!r} is not a kernel variable")
        return name

    def _print_NaN(self, expr) -> str:
        return "math.nan"

    def _print_Infinity(self, expr) -> str:
        return "math.inf"

    def _print_NegativeInfinity(self, expr) -> str:
        return "(-math.inf)"

    def _print_ComplexInfinity(self, expr) -> str:
        return "math.nan"


#: Every other node a kernel expression may contain (an allow-list: whatever is not listed here
#: or in :data:`COMPILABLE` is refused before any source is printed, so no node can bring text
#: of its own into the generated module).
PRINTABLE = (
    sp.Symbol, sp.Number, sp.Add, sp.Mul, sp.Pow, sp.core.numbers.ComplexInfinity,
    sp.core.numbers.Pi, sp.core.numbers.Exp1, sp.functions.elementary.piecewise.ExprCondPair,
    sp.core.relational.Relational, sp.And, sp.Or, sp.Not,
    sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse,
)


def _describe(node: sp.Basic) -> str:
    """A short, printable name for a refused node (never its raw text)."""
    if isinstance(node, sp.Function):
        return f"function {getattr(node.func, '__name__', type(node).__name__)[:40]!r}"
    return type(node).__name__


def check_compilable(exprs: Sequence[sp.Expr]) -> None:
    """Raise :class:`UnsupportedError` if any expression uses something Numba cannot compile.

    Every node must be an arithmetic operation, a number, a symbol, one of the functions of
    :data:`COMPILABLE` or a piece of a ``Piecewise`` (:data:`PRINTABLE`).
    """
    for e in exprs:
        if e.has(sp.I):
            raise UnsupportedError(
                "the expression is complex-valued; only real objectives are supported"
            )
        for node in sp.preorder_traversal(sp.sympify(e)):
            if isinstance(node, COMPILABLE) or isinstance(node, PRINTABLE):
                continue
            what = _describe(node)
            if isinstance(node, sp.Function):
                what += " cannot be compiled (no Numba implementation)"
            else:
                what += " cannot be compiled"
            raise UnsupportedError(f"{what}; rewrite the formula without it")


def lambdify_renamed(variables: Sequence[sp.Symbol], expr: Any, modules: str) -> Callable:
    """``sympy.lambdify`` with every variable renamed ``_v{i}`` first, so no user symbol name
    reaches the generated function (a variable named ``mpf`` or ``cos`` would otherwise shadow
    the module's own names, and a name that is not an identifier would be code).  Symbols of
    ``expr`` that are not among ``variables`` are refused."""
    local = {v: sp.Symbol(f"_v{i}", real=True) for i, v in enumerate(variables)}
    if isinstance(expr, list | tuple):
        renamed: Any = [sp.sympify(e).xreplace(local) for e in expr]
        free = set().union(*(e.free_symbols for e in renamed))
    else:
        renamed = sp.sympify(expr).xreplace(local)
        free = renamed.free_symbols
    stray = free - set(local.values())
    if stray:
        raise UnsupportedError(f"symbol {sorted(s.name for s in stray)[0][:40]!r} is not a "
                               "variable of the objective")
    return sp.lambdify(list(local.values()), renamed, modules)


def _complete_piecewise(e: sp.Expr) -> sp.Expr:
    """Give every Piecewise a final ``(nan, True)`` branch so its printed form is total."""

    def fix(pw: sp.Piecewise) -> sp.Piecewise:
        if pw.args[-1].cond == sp.true:
            return pw
        return sp.Piecewise(*pw.args, (sp.nan, True))

    return e.replace(lambda a: isinstance(a, sp.Piecewise), fix) if e.has(sp.Piecewise) else e


class _Emitter:
    """Builds one kernel's source: bindings, CSE temporaries, outputs.

    ``variables[i]`` is printed as the local ``{prefix}{i}``, data symbol ``j`` as ``_d{j}``
    and CSE temporaries as ``{temps}0, {temps}1, ...``.
    """

    def __init__(
        self,
        variables: Sequence[sp.Symbol],
        data_symbols: Sequence[sp.Symbol],
        prefix: str = "_v",
        temps: str = "_c",
    ):
        self.printer = KernelPrinter()
        self.n = len(variables)
        self.k = len(data_symbols)
        self.prefix = prefix
        self.temps = temps
        # real locals, like the variables: Abs(exp(v)) must not become exp(re(v))
        self.local = {v: sp.Symbol(f"{prefix}{i}", real=True) for i, v in enumerate(variables)}
        self.local.update({d: sp.Symbol(f"_d{j}", real=True) for j, d in enumerate(data_symbols)})
        self.position = {v: i for i, v in enumerate(variables)}
        self.data = tuple(data_symbols)

    def prepare(self, exprs: Sequence[sp.Expr]) -> list[sp.Expr]:
        """The expressions in the kernel's locals; a symbol that is neither a variable nor a
        data column is refused (its name must never reach the generated source)."""
        out = [_complete_piecewise(sp.sympify(e).xreplace(self.local)) for e in exprs]
        known = set(self.local.values())
        for e in out:
            stray = e.free_symbols - known
            if stray:
                name = sorted(s.name for s in stray)[0]
                raise UnsupportedError(
                    f"symbol {name[:40]!r} is neither a variable nor a data column of the "
                    "objective"
                )
        return out

    def block(
        self, exprs: Sequence[sp.Expr], targets: Sequence[str], op: str | Sequence[str] = "="
    ) -> list[str]:
        """CSE temporaries then ``target op expr`` lines (zero outputs print as ``0.0``; a
        ``+=`` of zero is left out).  ``op`` is one operator for all targets or one each."""
        reps, reduced = sp.cse(
            self.prepare(exprs), symbols=sp.numbered_symbols(self.temps), order="none"
        )
        p = self.printer.doprint
        ops = [op] * len(targets) if isinstance(op, str) else list(op)
        lines = [f"{c} = {p(v)}" for c, v in reps]
        for t, o, e in zip(targets, ops, reduced, strict=True):
            if o == "+=" and e == 0:
                continue
            lines.append(f"{t} {o} {p(e)}")
        return lines

    def bind(
        self, src: str, exprs: Sequence[sp.Expr] | None = None, at: Callable[[int], str] = str
    ) -> list[str]:
        """Local names for the variables from ``x[i]`` or ``X[i, _k]``: all of them, or only
        those that occur in ``exprs``; position ``i`` is printed as ``at(i)`` (``_i + 2`` in a
        loop body)."""
        if exprs is None:
            positions: Sequence[int] = range(self.n)
        else:
            used = set().union(*(sp.sympify(e).free_symbols for e in exprs))
            positions = sorted(self.position[v] for v in used if v in self.position)
        return [f"{self.prefix}{i} = {src.format(i=at(i))}" for i in positions]

    def data_bind(self, exprs: Sequence[sp.Expr]) -> list[str]:
        """``_d{j} = D[_r, j]`` for the data columns that occur in ``exprs``."""
        used = set().union(*(sp.sympify(e).free_symbols for e in exprs))
        return [f"_d{j} = D[_r, {j}]" for j, d in enumerate(self.data) if d in used]


def _indent(lines: Sequence[str], depth: int) -> list[str]:
    pad = "    " * depth
    return [pad + line for line in lines]


def _function(kind: str, args: str, body: list[str]) -> str:
    head = [
        "# Generated by landscape.codegen; do not edit.",
        "import math",
        "",
        "import numpy as np",
        "from numba import njit",
        "",
        "from landscape.kernel_types import SIGNATURES",
        "",
        "",
        f"@njit(SIGNATURES[{kind!r}], cache=True, error_model='numpy')",
        f"def {kind}({args}):",
    ]
    return "\n".join(head + _indent(body, 1)) + "\n"


def _mean(em: _Emitter, exprs, targets, init: list[str], finish: list[str]) -> list[str]:
    """Accumulate ``targets += exprs`` over the rows of D, between ``init`` and ``finish``."""
    body = em.data_bind(exprs) + em.block(exprs, targets, "+=")
    loop = ["for _r in range(_m):"] + _indent(body, 1)
    return ["_m = D.shape[0]", *init, *loop, *finish]


def _force(value):
    """``value()`` for a function (a lazily computed gradient or Hessian), else ``value``."""
    return value() if callable(value) else value


def generate_sources(
    expr: sp.Expr,
    variables: Sequence[sp.Symbol],
    gradient: Sequence[sp.Expr] | Callable[[], Sequence[sp.Expr]],
    hessian: Mapping[tuple[int, int], sp.Expr] | Callable[[], Mapping[tuple[int, int], sp.Expr]],
    data_symbols: Sequence[sp.Symbol] = (),
    *,
    loops: bool = True,
    kinds: Sequence[str] = KINDS,
) -> dict[str, str]:
    """Source text of the kernels ``kinds`` (default all seven, see
    :mod:`landscape.kernel_types`).

    Without data symbols, terms of ``expr`` that repeat one template under an index shift
    (:func:`landscape.loops.find_loops`) are generated as loops, with derivatives taken from
    the template once; then ``gradient`` and ``hessian`` are not used, and either may be given
    as a zero-argument function so that it is only computed when needed.  ``loops=False`` (or
    no loop found, or data symbols) gives straight-line code from ``gradient`` and
    ``hessian`` (``{(i, j): ∂²f/∂xᵢ∂xⱼ}``, ``i ≤ j``).  Second derivatives are taken only when
    ``kinds`` contains ``"h"``: first-order and quasi-Newton methods never need them.
    A declared matrix's kernel ``"matrix"`` is printed like ``"h"`` from the entries given as
    ``hessian`` (those the declaring function built, :mod:`landscape.kernel_types`),
    straight-line, on its own.

    Raises :class:`UnsupportedError` when SymPy's printer meets something it cannot print,
    or a comparison it cannot decide: printing ``Heaviside`` of a non-real value (the
    derivative of ``min(x, 1/sign(x))`` holds ``zoo``) raises SymPy's ``TypeError`` "Invalid
    comparison of non-real zoo".
    """
    unknown = set(kinds) - set(SIGNATURES)
    if unknown:
        raise KeyError(f"unknown kernel kinds {sorted(unknown)}")
    wanted = tuple(k for k in SIGNATURES if k in kinds)
    if MATRIX in wanted and len(wanted) > 1:
        raise KeyError("a declared matrix's kernel is generated on its own")
    try:
        own = loops and not data_symbols and MATRIX not in wanted
        plan = find_loops(expr, variables) if own else None
        if plan is not None and plan.has_loops:
            return _loop_sources(plan, variables, wanted)
        hess = _force(hessian) if {"h", MATRIX} & set(wanted) else {}
        return _generate_sources(expr, variables, _force(gradient), hess, data_symbols, wanted)
    except (NotImplementedError, TypeError) as exc:
        text = str(exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        raise UnsupportedError(f"cannot generate kernel code: {reason}") from exc


def _generate_sources(
    expr, variables, gradient, hessian, data_symbols, kinds: Sequence[str]
) -> dict[str, str]:
    """Straight-line kernels.  Outputs are zeroed by loops and only nonzero entries are
    written, and only the variables (data columns) an expression uses are read: a kernel's
    length grows with its nonzero derivatives, not with n (``x[1]**2`` in n = 10⁴ variables
    is a few lines)."""
    check_compilable([expr, *gradient, *hessian.values()])
    em = _Emitter(variables, data_symbols)
    data = em.k > 0
    hkeys = sorted(hessian)
    hexprs = [hessian[ij] for ij in hkeys]
    out: dict[str, str] = {}

    def bind(exprs, src="x[{i}]"):
        return em.bind(src, exprs)

    gpos = [i for i, e in enumerate(gradient) if e != 0]
    gexprs = [gradient[i] for i in gpos]
    gt = [f"out[{i}]" for i in gpos]
    zero_out = ["for _i in range(out.shape[0]):", "    out[_i] = 0.0"]
    mean_out = ["for _i in range(out.shape[0]):", "    out[_i] /= _m"]
    each_h = ["for _i in range(H.shape[0]):", "    for _j in range(H.shape[1]):"]
    zero_h = [*each_h, "        H[_i, _j] = 0.0"]
    mean_h = [*each_h, "        H[_i, _j] /= _m"]
    ht = [f"H[{i}, {j}]" for i, j in hkeys]
    mirror = [f"H[{j}, {i}] = H[{i}, {j}]" for i, j in hkeys if i != j]
    gct = [f"G[{i}, _k]" for i in gpos]
    zero_g = ["for _i in range(G.shape[0]):", "    for _k in range(G.shape[1]):",
              "        G[_i, _k] = 0.0"]
    acc = [f"_a{i}" for i in gpos]
    fg_exprs = [expr, *gexprs]

    if data:
        bodies = {
            "f": lambda: bind([expr]) + _mean(em, [expr], ["_f"], ["_f = 0.0"],
                                              ["return _f / _m"]),
            "g": lambda: bind(gexprs) + _mean(em, gexprs, gt, zero_out, mean_out),
            "fg": lambda: bind(fg_exprs) + _mean(
                em, fg_exprs, ["_f", *gt], ["_f = 0.0", *zero_out],
                [*mean_out, "return _f / _m"]),
            "h": lambda: bind(hexprs) + _mean(em, hexprs, ht, zero_h, mirror + mean_h),
            MATRIX: lambda: bind(hexprs) + _mean(em, hexprs, ht, zero_h, mirror + mean_h),
            "f_cols": lambda: bind([expr], "X[{i}, _k]") + _mean(
                em, [expr], ["_f"], ["_f = 0.0"], ["F[_k] = _f / _m"]),
            "g_cols": lambda: bind(gexprs, "X[{i}, _k]") + _mean(
                em, gexprs, acc, [f"{a} = 0.0" for a in acc],
                [f"{t} = {a} / _m" for t, a in zip(gct, acc, strict=True)]),
            "fg_cols": lambda: bind(fg_exprs, "X[{i}, _k]") + _mean(
                em, fg_exprs, ["_f", *acc], ["_f = 0.0", *(f"{a} = 0.0" for a in acc)],
                ["F[_k] = _f / _m",
                 *(f"{t} = {a} / _m" for t, a in zip(gct, acc, strict=True))]),
        }
    else:
        dense = len(hkeys) == em.n * (em.n + 1) // 2
        bodies = {
            "f": lambda: bind([expr]) + em.block([expr], ["_f"]) + ["return _f"],
            "g": lambda: zero_out + bind(gexprs) + em.block(gexprs, gt),
            "fg": lambda: zero_out + bind(fg_exprs) + em.block(fg_exprs, ["_f", *gt])
            + ["return _f"],
            "h": lambda: ([] if dense else zero_h) + bind(hexprs) + em.block(hexprs, ht)
            + mirror,
            MATRIX: lambda: ([] if dense else zero_h) + bind(hexprs) + em.block(hexprs, ht)
            + mirror,
            "f_cols": lambda: bind([expr], "X[{i}, _k]") + em.block([expr], ["F[_k]"]),
            "g_cols": lambda: bind(gexprs, "X[{i}, _k]") + em.block(gexprs, gct),
            "fg_cols": lambda: bind(fg_exprs, "X[{i}, _k]")
            + em.block(fg_exprs, ["F[_k]", *gct]),
        }
    loop_cols = "for _k in range(X.shape[1]):"
    zero_cols = {"g_cols": zero_g, "fg_cols": zero_g}
    for kind in kinds:
        body = bodies[kind]()
        if kind.endswith("_cols"):  # no column loop when every entry is zero (f constant)
            body = zero_cols.get(kind, []) + ([loop_cols, *_indent(body, 1)] if body else [])
        out[kind] = _function(kind, _ARGS[kind], body)
    return out


#: argument lists of the kernels (see :mod:`landscape.kernel_types`)
_ARGS = {"f": "x, D", "g": "x, D, out", "fg": "x, D, out", "h": "x, D, H", "f_cols": "X, D, F",
         "g_cols": "X, D, G", "fg_cols": "X, D, F, G", MATRIX: "x, D, H"}


# ------------------------------------------------------------------------------ loop form
def _at(a: int) -> str:
    """Index ``_i + a`` as printed in a loop body."""
    return "_i" if a == 0 else f"_i + {a}"


def _range(g: LoopGroup) -> str:
    step = "" if g.step == 1 else f", {g.step}"
    return f"range({g.start}, {g.stop}{step})"


def _symmetric_block(
    em: _Emitter, exprs: Sequence[sp.Expr], keys: Sequence[tuple[int, int]], index: Callable
) -> list[str]:
    """``H[i, j] += e`` and, for ``i != j``, ``H[j, i] += e``: both triangles in one pass
    (``keys`` are ``(i, j)``, ``i ≤ j``; ``index`` prints a position)."""
    names = [f"{em.temps}h{m}" for m in range(len(exprs))]
    lines = em.block(exprs, names)
    for name, (i, j) in zip(names, keys, strict=True):
        lines.append(f"H[{index(i)}, {index(j)}] += {name}")
        if i != j:
            lines.append(f"H[{index(j)}, {index(i)}] += {name}")
    return lines


class _LoopBody:
    """One loop's template with its gradient and Hessian in the placeholders (derived once),
    and the emitter that prints them with locals ``_y{a}`` and temporaries ``_c{number}_*``."""

    def __init__(self, group: LoopGroup, number: int):
        self.group = group
        ys = placeholders(group.width)
        self.ys = ys
        self.value = group.template
        self.grad = derive.gradient(group.template, ys)
        self.em = _Emitter(ys, (), prefix="_y", temps=f"_c{number}_")

    @cached_property
    def _hessian(self) -> tuple[list[tuple[int, int]], list[sp.Expr]]:
        hess = derive.hessian_entries(self.grad, self.ys)
        keys = sorted(hess)
        return keys, [hess[ab] for ab in keys]

    @property
    def hkeys(self) -> list[tuple[int, int]]:
        return self._hessian[0]

    @property
    def hess(self) -> list[sp.Expr]:
        return self._hessian[1]

    def exprs(self, second: bool = True) -> list[sp.Expr]:
        return [self.value, *self.grad, *(self.hess if second else ())]

    def loop(self, body: list[str]) -> list[str]:
        return [f"for _i in {_range(self.group)}:", *_indent(body, 1)]

    def accumulate(self, exprs: Sequence[sp.Expr], targets: Sequence[str], src: str) -> list[str]:
        """Loop body: bind ``_y{a} = src(_i + a)``, then ``targets += exprs``."""
        return self.em.bind(src, exprs, _at) + self.em.block(exprs, targets, "+=")

    def f(self) -> list[str]:
        return self.loop(self.accumulate([self.value], ["_f"], "x[{i}]"))

    def g(self) -> list[str]:
        out = [f"out[{_at(a)}]" for a in range(self.group.width)]
        return self.loop(self.accumulate(self.grad, out, "x[{i}]"))

    def fg(self) -> list[str]:
        out = [f"out[{_at(a)}]" for a in range(self.group.width)]
        return self.loop(self.accumulate([self.value, *self.grad], ["_f", *out], "x[{i}]"))

    def h(self) -> list[str]:
        if not self.hess:
            return []
        bind = self.em.bind("x[{i}]", self.hess, _at)
        return self.loop(bind + _symmetric_block(self.em, self.hess, self.hkeys, _at))

    def f_cols(self) -> list[str]:
        return self.loop(self._columns(self.value, "F[_k]"))

    def g_cols(self) -> list[str]:
        """One column loop per output row ``G[_i + a, :]``: each inner loop updates a single
        row, which lets LLVM vectorise it over the columns (several rows updated in one loop
        may alias as far as it can tell, and then it does not)."""
        body = [
            line
            for a, d in enumerate(self.grad)
            if d != 0
            for line in self._columns(d, f"G[{_at(a)}, _k]")
        ]
        return self.loop(body)

    def fg_cols(self) -> tuple[list[str], list[str]]:
        """F and G in one pass over the columns per loop index: the value and the first
        nonzero gradient row are added in place, the other rows are written to scratch arrays
        ``_c{number}_t{a}`` and added by loops of their own (a loop that updates two rows of G
        is not vectorised, see :meth:`g_cols`; one that updates F and one row of G and writes
        other arrays is).  Returns ``(scratch allocations, loop)``."""
        rows = [a for a, d in enumerate(self.grad) if d != 0]
        exprs = [self.value, *(self.grad[a] for a in rows)]
        scratch = [f"{self.em.temps}t{a}" for a in rows[1:]]
        targets = ["F[_k]", *[f"G[{_at(a)}, _k]" for a in rows[:1]], *(f"{t}[_k]" for t in scratch)]
        ops = ["+="] * (1 + len(rows[:1])) + ["="] * len(scratch)
        body = self.em.bind("X[{i}, _k]", exprs, _at) + self.em.block(exprs, targets, ops)
        adds = [
            line
            for t, a in zip(scratch, rows[1:], strict=True)
            for line in ("for _k in range(X.shape[1]):", f"    G[{_at(a)}, _k] += {t}[_k]")
        ]
        allocs = [f"{t} = np.empty(X.shape[1])" for t in scratch]
        return allocs, self.loop(["for _k in range(X.shape[1]):", *_indent(body, 1), *adds])

    def _columns(self, expr: sp.Expr, target: str) -> list[str]:
        body = self.accumulate([expr], [target], "X[{i}, _k]")
        return ["for _k in range(X.shape[1]):", *_indent(body, 1)]


class _ProductBody:
    """Kernel lines of one product ``c · Π_j u_j`` with ``u_j = T(x[i_j + ·])``,
    ``i_j = start + step·j`` (``j < K``), from the template ``T`` differentiated once::

        q_j = Π_{l<j} u_l,   r_j = Π_{l≥j} u_l,    f = c·q_K
        ∂f/∂x[i_j + a]           += c · ∂T/∂y_a(j) · q_j · r_{j+1}
        ∂²f/∂x[i_j + a]∂x[i_j + b] += c · ∂²T/∂y_a∂y_b(j) · q_j · r_{j+1}
        ∂²f/∂x[i_j + a]∂x[i_l + b] += c · ∂T/∂y_a(j) · ∂T/∂y_b(l) · q_j · Π_{j<m<l} u_m · r_{l+1}

    (``j < l``, added to both triangles): O(K) work for f and ∇f, O(K²) for the Hessian,
    and a kernel whose length does not grow with K.  Locals are ``_P{number}*``.
    """

    def __init__(self, product: ProductGroup, number: int):
        self.group = product.factor
        self.c = product.coefficient
        self.ys = placeholders(self.group.width)
        self.grad = derive.gradient(self.group.template, self.ys)
        self.em = _Emitter(self.ys, (), prefix="_y", temps=f"_P{number}_")
        self.name = f"_P{number}"

    @cached_property
    def _hessian(self) -> tuple[list[tuple[int, int]], list[sp.Expr]]:
        hess = derive.hessian_entries(self.grad, self.ys)
        keys = sorted(hess)
        return keys, [hess[ab] for ab in keys]

    def exprs(self, second: bool = True) -> list[sp.Expr]:
        return [self.group.template, *self.grad, *(self._hessian[1] if second else ())]

    def _position(self, counter: str = "_j") -> str:
        g = self.group
        return f"_i = {g.start} + {g.step} * {counter}"

    def _factors(self, src: str) -> list[str]:
        """``u`` (factor values) and ``q`` (prefix products) arrays at the point ``src``."""
        p, T = self.name, self.group.template
        body = [self._position(), *self.em.bind(src, [T], _at),
                *self.em.block([T], [f"{p}u[_j]"]), f"{p}q[_j + 1] = {p}q[_j] * {p}u[_j]"]
        return [f"{p}q[0] = 1.0", f"for _j in range({self.group.count}):", *_indent(body, 1)]

    def allocations(self, second: bool = False) -> list[str]:
        p, K, w = self.name, self.group.count, self.group.width
        lines = [f"{p}u = np.empty({K})", f"{p}q = np.empty({K + 1})"]
        if second:
            lines += [f"{p}r = np.empty({K + 1})", f"{p}e = np.zeros(({K}, {w}))"]
        return lines

    def value(self, target: str, src: str = "x[{i}]") -> list[str]:
        """``target += c · Π u_j``."""
        return [f"{self.name}v = 1.0", f"for _j in range({self.group.count}):",
                *_indent([self._position(), *self.em.bind(src, [self.group.template], _at),
                          *self.em.block([self.group.template], [f"{self.name}v"], "*=")], 1),
                f"{target} += {self._c()} * {self.name}v"]

    def _c(self) -> str:
        return f"({self.em.printer.doprint(self.c)})"

    def gradient(self, out: Callable[[str], str], src: str, value: str | None) -> list[str]:
        """``out(position) += ∂f/∂x[position]`` (and ``value += f`` unless ``None``), after
        :meth:`allocations`."""
        p, K = self.name, self.group.count
        rows = [a for a, d in enumerate(self.grad) if d != 0]
        back = [self._position(), f"{p}o = {self._c()} * {p}q[_j] * {p}s",
                *self.em.bind(src, [self.grad[a] for a in rows], _at)]
        names = [f"{self.em.temps}g{a}" for a in rows]
        back += self.em.block([self.grad[a] for a in rows], names)
        back += [f"{out(_at(a))} += {t} * {p}o" for a, t in zip(rows, names, strict=True)]
        back.append(f"{p}s *= {p}u[_j]")
        lines = self._factors(src)
        if value is not None:
            lines.append(f"{value} += {self._c()} * {p}q[{K}]")
        return [*lines, f"{p}s = 1.0", f"for _j in range({K - 1}, -1, -1):", *_indent(back, 1)]

    def hessian(self) -> list[str]:
        """``H += ∇²(c · Π u_j)`` (both triangles), after :meth:`allocations` (second)."""
        p, K, w = self.name, self.group.count, self.group.width
        keys, hess = self._hessian
        rows = [a for a, d in enumerate(self.grad) if d != 0]
        first = [self._position(), *self.em.bind("x[{i}]", [self.grad[a] for a in rows], _at),
                 *self.em.block([self.grad[a] for a in rows], [f"{p}e[_j, {a}]" for a in rows])]
        lines = [*self._factors("x[{i}]"), f"for _j in range({K}):", *_indent(first, 1),
                 f"{p}r[{K}] = 1.0", f"for _j in range({K - 1}, -1, -1):",
                 f"    {p}r[_j] = {p}r[_j + 1] * {p}u[_j]"]
        names = [f"{self.em.temps}h{m}" for m in range(len(hess))]
        own = [self._position(), f"{p}o = {self._c()} * {p}q[_j] * {p}r[_j + 1]",
               *self.em.bind("x[{i}]", hess, _at), *self.em.block(hess, names)]
        for name, (a, b) in zip(names, keys, strict=True):
            own.append(f"H[{_at(a)}, {_at(b)}] += {name} * {p}o")
            if a != b:
                own.append(f"H[{_at(b)}, {_at(a)}] += {name} * {p}o")
        pairs = [
            f"{p}m = 1.0",
            f"for _l in range(_j + 1, {K}):",
            f"    _i2 = {self.group.start} + {self.group.step} * _l",
            f"    {p}o = {self._c()} * {p}q[_j] * {p}m * {p}r[_l + 1]",
            f"    for _a in range({w}):",
            f"        for _b in range({w}):",
            f"            {p}t = {p}e[_j, _a] * {p}e[_l, _b] * {p}o",
            "            H[_i + _a, _i2 + _b] += " + f"{p}t",
            "            H[_i2 + _b, _i + _a] += " + f"{p}t",
            f"    {p}m *= {p}u[_l]",
        ]
        return [*lines, f"for _j in range({K}):", *_indent([*own, *pairs], 1)]


def _loop_sources(
    plan: LoopPlan, variables: Sequence[sp.Symbol], kinds: Sequence[str] = KINDS
) -> dict[str, str]:
    """The kernels ``kinds`` as the residual (straight-line, from its own derivatives) plus
    loops::

        f += T(x[i + ·]);   ∂f/∂x[i + a] += ∂T/∂y_a;   ∂²f/∂x[i + a]∂x[i + b] += ∂²T/∂y_a∂y_b

    for ``i`` in each loop's range, with ``T`` differentiated once in its placeholders ``y_a``
    (twice only when ``h`` is wanted).  Outputs are zeroed first; Hessian entries are added to
    both triangles.  The column kernels loop over the columns innermost (``X[i, :]`` is
    contiguous).
    """
    n = len(variables)
    em = _Emitter(variables, ())
    res = plan.residual
    rgrad = derive.gradient(res, variables)
    second = "h" in kinds
    rhess_map = derive.hessian_entries(rgrad, variables) if second else {}
    rkeys = sorted(rhess_map)
    rhess = [rhess_map[ij] for ij in rkeys]
    bodies = [_LoopBody(g, number) for number, g in enumerate(fuse(plan.groups))]
    prods = [_ProductBody(p, number) for number, p in enumerate(plan.products)]
    check_compilable([res, *rgrad, *rhess,
                      *(e for b in [*bodies, *prods] for e in b.exprs(second))])
    allocs = [ln for p in prods for ln in p.allocations()]

    def straight(exprs: Sequence[sp.Expr], targets: Sequence[str], src: str) -> list[str]:
        return em.bind(src, exprs) + em.block(exprs, targets, "+=")

    gt = [f"out[{i}]" for i in range(n)]
    gct = [f"G[{i}, _k]" for i in range(n)]
    each_col = "for _k in range(X.shape[1]):"
    zero_out = ["for _i in range(out.shape[0]):", "    out[_i] = 0.0"]
    zero_h = ["for _i in range(H.shape[0]):", "    for _j in range(H.shape[1]):",
              "        H[_i, _j] = 0.0"]
    zero_g = ["for _i in range(G.shape[0]):", "    for _k in range(G.shape[1]):",
              "        G[_i, _k] = 0.0"]

    def out(i: str) -> str:
        return f"out[{i}]"

    def col(i: str) -> str:
        return f"G[{i}, _k]"

    def per_col(lines: list[str]) -> list[str]:
        return [each_col, *_indent(lines, 1)] if lines else []

    def f_body() -> list[str]:
        return ["_f = 0.0", *straight([res], ["_f"], "x[{i}]"),
                *(ln for b in bodies for ln in b.f()),
                *(ln for p in prods for ln in p.value("_f")), "return _f"]

    def g_body() -> list[str]:
        return [*allocs, *zero_out, *straight(rgrad, gt, "x[{i}]"),
                *(ln for b in bodies for ln in b.g()),
                *(ln for p in prods for ln in p.gradient(out, "x[{i}]", None))]

    def fg_body() -> list[str]:
        return [*allocs, "_f = 0.0", *zero_out,
                *straight([res, *rgrad], ["_f", *gt], "x[{i}]"),
                *(ln for b in bodies for ln in b.fg()),
                *(ln for p in prods for ln in p.gradient(out, "x[{i}]", "_f")), "return _f"]

    def h_body() -> list[str]:
        return [*(ln for p in prods for ln in p.allocations(True)), *zero_h,
                *em.bind("x[{i}]", rhess), *_symmetric_block(em, rhess, rkeys, str),
                *(ln for b in bodies for ln in b.h()), *(ln for p in prods for ln in p.hessian())]

    def fc_body() -> list[str]:
        fc_res = em.bind("X[{i}, _k]", [res]) + em.block([res], ["F[_k]"])
        return [each_col, *_indent(fc_res, 1), *(ln for b in bodies for ln in b.f_cols()),
                *per_col([ln for p in prods for ln in p.value("F[_k]", "X[{i}, _k]")])]

    def gc_body() -> list[str]:
        gc_res = straight(rgrad, gct, "X[{i}, _k]")
        return [*allocs, *zero_g, *per_col(gc_res),
                *(ln for b in bodies for ln in b.g_cols()),
                *per_col([ln for p in prods for ln in p.gradient(col, "X[{i}, _k]", None)])]

    def fgc_body() -> list[str]:
        # F from the residual's value, G zeroed row by row (vectorised) then its gradient added
        fgc_res = em.bind("X[{i}, _k]", [res, *rgrad]) + em.block(
            [res, *rgrad], ["F[_k]", *gct], ["="] + ["+="] * n
        )
        scratch: list[str] = []
        loops: list[str] = []
        for b in bodies:
            a, lp = b.fg_cols()
            scratch += a
            loops += lp
        tail = [ln for p in prods for ln in p.gradient(col, "X[{i}, _k]", "F[_k]")]
        return [*allocs, *scratch, *zero_g, each_col, *_indent(fgc_res, 1), *loops,
                *per_col(tail)]

    makers = {"f": f_body, "g": g_body, "fg": fg_body, "h": h_body, "f_cols": fc_body,
              "g_cols": gc_body, "fg_cols": fgc_body}
    return {kind: _function(kind, _ARGS[kind], makers[kind]()) for kind in kinds}
