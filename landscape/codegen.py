"""Kernel source generation: SymPy expressions → in-place Numba kernels.

For each objective we print plain Python source (SymPy's Python code printer after common
subexpression elimination) for the six kernels of :mod:`landscape.kernel_types` and hand it to
:func:`landscape.compiled.store`.  Each kernel is compiled with
``njit(signature, cache=True, error_model='numpy')``: floating-point exceptions give inf/NaN
(which the optimizers detect) instead of raising, and machine code is cached on disk.

Why not ``lambdify``: it allocates on every call, cannot use Numba's disk cache, and its
Hessians take minutes to JIT for n ≈ 50 (see the design notes).

Functions Numba cannot compile (Bessel functions, ``polygamma``, ``LambertW``, ...) are refused
before any source is written, with :class:`~landscape.errors.UnsupportedError`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.printing.pycode import PythonCodePrinter

from .errors import UnsupportedError

#: Function classes the printer turns into Numba-compilable code.
COMPILABLE = (
    sp.sin, sp.cos, sp.tan, sp.asin, sp.acos, sp.atan, sp.atan2,
    sp.sinh, sp.cosh, sp.tanh, sp.asinh, sp.acosh, sp.atanh,
    sp.exp, sp.log, log1p, sp.Abs, sp.sign, sp.erf, sp.erfc,
    sp.Min, sp.Max, sp.Heaviside, sp.Piecewise,
)  # fmt: skip


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

    def _print_NaN(self, expr) -> str:
        return "math.nan"

    def _print_Infinity(self, expr) -> str:
        return "math.inf"

    def _print_NegativeInfinity(self, expr) -> str:
        return "(-math.inf)"

    def _print_ComplexInfinity(self, expr) -> str:
        return "math.nan"


def check_compilable(exprs: Sequence[sp.Expr]) -> None:
    """Raise :class:`UnsupportedError` if any expression uses something Numba cannot compile."""
    for e in exprs:
        if e.has(sp.I):
            raise UnsupportedError(
                "the expression is complex-valued; only real objectives are supported"
            )
        for fn in e.atoms(sp.Function):
            if not isinstance(fn, COMPILABLE):
                name = getattr(fn.func, "__name__", str(fn.func))
                raise UnsupportedError(
                    f"function {name} cannot be compiled (no Numba implementation); "
                    "rewrite the formula without it"
                )


def _complete_piecewise(e: sp.Expr) -> sp.Expr:
    """Give every Piecewise a final ``(nan, True)`` branch so its printed form is total."""

    def fix(pw: sp.Piecewise) -> sp.Piecewise:
        if pw.args[-1].cond == sp.true:
            return pw
        return sp.Piecewise(*pw.args, (sp.nan, True))

    return e.replace(lambda a: isinstance(a, sp.Piecewise), fix) if e.has(sp.Piecewise) else e


class _Emitter:
    """Builds one kernel's source: bindings, CSE temporaries, outputs."""

    def __init__(self, variables: Sequence[sp.Symbol], data_symbols: Sequence[sp.Symbol]):
        self.printer = KernelPrinter()
        self.n = len(variables)
        self.k = len(data_symbols)
        # real locals, like the variables: Abs(exp(v)) must not become exp(re(v))
        self.local = {v: sp.Symbol(f"_v{i}", real=True) for i, v in enumerate(variables)}
        self.local.update({d: sp.Symbol(f"_d{j}", real=True) for j, d in enumerate(data_symbols)})

    def prepare(self, exprs: Sequence[sp.Expr]) -> list[sp.Expr]:
        return [_complete_piecewise(sp.sympify(e).xreplace(self.local)) for e in exprs]

    def block(self, exprs: Sequence[sp.Expr], targets: Sequence[str], op: str = "=") -> list[str]:
        """CSE temporaries then ``target op expr`` lines (zero outputs print as ``0.0``)."""
        reps, reduced = sp.cse(
            self.prepare(exprs), symbols=sp.numbered_symbols("_c"), order="none"
        )
        p = self.printer.doprint
        lines = [f"{c} = {p(v)}" for c, v in reps]
        for t, e in zip(targets, reduced, strict=True):
            if op == "+=" and e == 0:
                continue
            lines.append(f"{t} {op} {p(e)}")
        return lines

    def bind(self, src: str) -> list[str]:
        """Local names for the variables from ``x[i]`` or ``X[i, _k]``."""
        return [f"_v{i} = {src.format(i=i)}" for i in range(self.n)]

    def data_bind(self) -> list[str]:
        return [f"_d{j} = D[_r, {j}]" for j in range(self.k)]


def _indent(lines: Sequence[str], depth: int) -> list[str]:
    pad = "    " * depth
    return [pad + line for line in lines]


def _function(kind: str, args: str, body: list[str]) -> str:
    head = [
        "# Generated by landscape.codegen; do not edit.",
        "import math",
        "",
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
    loop = ["for _r in range(_m):"] + _indent(em.data_bind() + em.block(exprs, targets, "+="), 1)
    return ["_m = D.shape[0]", *init, *loop, *finish]


def generate_sources(
    expr: sp.Expr,
    variables: Sequence[sp.Symbol],
    gradient: Sequence[sp.Expr],
    hessian: dict[tuple[int, int], sp.Expr],
    data_symbols: Sequence[sp.Symbol] = (),
) -> dict[str, str]:
    """Source text of the six kernels (see :mod:`landscape.kernel_types`).

    Raises :class:`UnsupportedError` when SymPy's printer meets something it cannot print.
    """
    try:
        return _generate_sources(expr, variables, gradient, hessian, data_symbols)
    except NotImplementedError as exc:
        text = str(exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        raise UnsupportedError(f"cannot generate kernel code: {reason}") from exc


def _generate_sources(expr, variables, gradient, hessian, data_symbols) -> dict[str, str]:
    check_compilable([expr, *gradient, *hessian.values()])
    em = _Emitter(variables, data_symbols)
    n = em.n
    data = em.k > 0
    hkeys = sorted(hessian)
    hexprs = [hessian[ij] for ij in hkeys]
    out: dict[str, str] = {}

    bind = em.bind("x[{i}]")
    gt = [f"out[{i}]" for i in range(n)]
    zero_out = ["for _i in range(out.shape[0]):", "    out[_i] = 0.0"]
    mean_out = ["for _i in range(out.shape[0]):", "    out[_i] /= _m"]
    each_h = ["for _i in range(H.shape[0]):", "    for _j in range(H.shape[1]):"]
    zero_h = [*each_h, "        H[_i, _j] = 0.0"]
    mean_h = [*each_h, "        H[_i, _j] /= _m"]
    ht = [f"H[{i}, {j}]" for i, j in hkeys]
    mirror = [f"H[{j}, {i}] = H[{i}, {j}]" for i, j in hkeys if i != j]
    gct = [f"G[{i}, _k]" for i in range(n)]
    acc = [f"_a{i}" for i in range(n)]

    if data:
        f_body = bind + _mean(em, [expr], ["_f"], ["_f = 0.0"], ["return _f / _m"])
        g_body = bind + _mean(em, gradient, gt, zero_out, mean_out)
        fg_body = bind + _mean(em, [expr, *gradient], ["_f", *gt], ["_f = 0.0", *zero_out],
                               [*mean_out, "return _f / _m"])
        h_body = bind + _mean(em, hexprs, ht, zero_h, mirror + mean_h)
        fc_body = em.bind("X[{i}, _k]") + _mean(
            em, [expr], ["_f"], ["_f = 0.0"], ["F[_k] = _f / _m"]
        )
        gc_body = em.bind("X[{i}, _k]") + _mean(
            em, gradient, acc, [f"{a} = 0.0" for a in acc],
            [f"{t} = {a} / _m" for t, a in zip(gct, acc, strict=True)],
        )
    else:
        f_body = bind + em.block([expr], ["_f"]) + ["return _f"]
        g_body = bind + em.block(gradient, gt)
        fg_body = bind + em.block([expr, *gradient], ["_f", *gt]) + ["return _f"]
        dense = len(hkeys) == n * (n + 1) // 2
        h_body = ([] if dense else zero_h) + bind + em.block(hexprs, ht) + mirror
        fc_body = em.bind("X[{i}, _k]") + em.block([expr], ["F[_k]"])
        gc_body = em.bind("X[{i}, _k]") + em.block(gradient, gct)

    loop_cols = "for _k in range(X.shape[1]):"
    out["f"] = _function("f", "x, D", f_body)
    out["g"] = _function("g", "x, D, out", g_body)
    out["fg"] = _function("fg", "x, D, out", fg_body)
    out["h"] = _function("h", "x, D, H", h_body)
    out["f_cols"] = _function("f_cols", "X, D, F", [loop_cols] + _indent(fc_body, 1))
    out["g_cols"] = _function("g_cols", "X, D, G", [loop_cols] + _indent(gc_body, 1))
    return out
