"""Cost estimates made before the work, and the limits above which a request is refused.

Three costs grow without bound with the size of a request, and each is estimated from numbers
that are cheap to get before anything expensive starts:

* **Kernel size** (symbolic differentiation, code generation, Numba compilation).  Terms that
  repeat one template under an index shift, and products over an index, become loops whose
  size does not depend on n (:mod:`landscape.loops`); everything else is straight-line code.
  For the straight-line terms ``t`` with ``ops(t)`` operations and ``v(t)`` variables::

      ops(f) = Σ ops(t),   ops(∇f) ≈ Σ v(t)·ops(t),   ops(∇²f) ≈ Σ v(t)(v(t)+1)/2·ops(t)
      branches(f, ∇f) ≈ Σ c(t)·(1 + v(t))     (c(t): conditionals in t, ``a if cond else b``)

  The largest kernel a request compiles (``fg``: f and ∇f, or ``h``) must stay within
  :data:`KERNEL_ENV` operations and :data:`BRANCH_ENV` branches: Numba's compile time grows
  faster than linearly in both (measured on a 2-core machine: ``sum(i*x[i]**2, i, 1, n)``,
  whose terms differ in their coefficient and stay straight-line, compiles ``fg`` and
  ``fg_cols`` in 4 s at n = 100 and 520 s at n = 1000; 100 terms ``x if x < i else y``
  (300 branches in ``fg``) in 23 s and 0.5 GB, 400 of them in 333 s and 5.4 GB).
* **Memory** of a run or an analysis (workspaces, n × n matrices, trajectories, outputs): at
  most :data:`MEMORY_ENV` bytes.
* **Dense linear algebra of an analysis**: the numeric critical-point search runs Newton from
  S = 200·n starts (:mod:`landscape.critical`), each step factorising an n × n Hessian, so at
  least S·n³ = 200·n⁴ operations; at most :data:`WORK_ENV` (n = 150 is 1.0·10¹¹, measured
  6 s; n = 300 is 1.6·10¹² and ran for over 20 minutes).

This module imports SymPy only to estimate a formula's kernels (a run from the kernel cache
never imports it).  Above a limit the request is refused before any of that work with
:class:`TooLarge` (exit 2), saying what is too large, by how much, and what to do instead.
Each limit is raised by its environment variable (``LANDSCAPE_MEMORY_LIMIT=8G``,
``LANDSCAPE_KERNEL_LIMIT=100000``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import InputError, TooLarge
from .limits import MEMORY_ENV, check_memory, format_bytes, memory_limit_bytes
from .numfmt import spaced

if TYPE_CHECKING:  # SymPy is imported only where a formula is differentiated
    import sympy as sp

#: estimated operations of the largest straight-line kernel
KERNEL_ENV = "LANDSCAPE_KERNEL_LIMIT"
#: estimated conditional branches of the largest kernel
BRANCH_ENV = "LANDSCAPE_BRANCH_LIMIT"
#: estimated work of an analysis's dense linear algebra (an n × n factorisation counts n³)
WORK_ENV = "LANDSCAPE_WORK_LIMIT"

DEFAULTS: dict[str, float] = {
    KERNEL_ENV: 1200,
    BRANCH_ENV: 200,
    WORK_ENV: 2e11,
}



def limit(name: str) -> float:
    """The limit ``name`` (:data:`MEMORY_ENV` or one of :data:`DEFAULTS`) from the environment,
    else its default.

    Raises :class:`InputError` when the variable is set but is not a positive number.
    """
    if name == MEMORY_ENV:
        return float(memory_limit_bytes())
    text = os.environ.get(name, "").strip()
    if not text:
        return DEFAULTS[name]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{name}={text!r} must be a positive number")
    return value


def check(what: str, amount: float, name: str, unit: str, detail: str, advice: str) -> None:
    """Raise :class:`TooLarge` when ``amount`` exceeds the limit ``name``, as one line:
    ``{what} {amount} {unit} ({detail}), above the limit of …; {advice} (or raise …)``."""
    cap = limit(name)
    if amount <= cap:
        return
    raise TooLarge(f"{what} {spaced(round(amount))}{unit} ({detail}), above the limit of "
                   f"{spaced(round(cap))}; {advice} (or raise the limit: {name}=...)")


# ------------------------------------------------------------------------------ kernels
@dataclass(frozen=True)
class KernelCost:
    """Size estimates of an objective's kernels (see the module docstring)."""

    n: int  #: variables
    terms: int  #: additive terms after expansion
    factors: int  #: factors of the products among them
    conditionals: int  #: conditionals (Piecewise) in the straight-line terms
    loops: int  #: terms and factors generated as loops
    f_ops: int
    gradient_ops: int
    hessian_ops: int
    branches: int  #: conditionals in f and ∇f together
    hessian_branches: int
    data_columns: int


def _conditionals(term: sp.Expr) -> int:
    """Number of conditional nodes (``Piecewise``; ``Min``/``Max`` of k arguments count k-1)."""
    import sympy as sp

    count = 0
    for node in sp.preorder_traversal(term):
        if isinstance(node, sp.Piecewise):
            count += len(node.args) - 1
        elif isinstance(node, (sp.Min, sp.Max)):
            count += len(node.args) - 1
    return count


def kernel_cost(
    expr: sp.Expr, variables: Sequence[sp.Symbol], data_symbols: Sequence[sp.Symbol] = ()
) -> KernelCost:
    """Estimate the kernels' sizes from the expression alone (nothing is differentiated)."""
    import sympy as sp

    from .loops import find_loops

    terms = sp.Add.make_args(expr)
    factors = sum(len(sp.Mul.make_args(t)) for t in terms if isinstance(t, sp.Mul))
    looped = 0
    if data_symbols:
        straight = terms
        names = set(variables)
    else:
        plan = find_loops(expr, variables)
        straight = sp.Add.make_args(plan.residual)
        looped = sum(g.count for g in plan.groups) + sum(p.count for p in plan.products)
        # a loop body is one template: its size does not grow with n
        templates = [g.template for g in plan.groups] + [p.factor.template for p in plan.products]
        straight = (*straight, *templates)
        names = set(variables).union(*(t.free_symbols for t in templates))
    f_ops = g_ops = h_ops = conds = branches = h_branches = 0
    for t in straight:
        ops = int(sp.count_ops(t)) + 1
        v = len(t.free_symbols & names)
        c = _conditionals(t)
        f_ops += ops
        g_ops += v * ops
        h_ops += v * (v + 1) // 2 * ops
        conds += c
        branches += c * (1 + v)
        h_branches += c * v * (v + 1) // 2
    return KernelCost(
        n=len(variables), terms=len(terms), factors=factors, conditionals=conds, loops=looped,
        f_ops=f_ops, gradient_ops=g_ops, hessian_ops=h_ops, branches=branches,
        hessian_branches=h_branches, data_columns=len(data_symbols),
    )


def check_kernels(cost: KernelCost, kinds: Sequence[str]) -> None:
    """Refuse (:class:`TooLarge`) kernels ``kinds`` whose estimated size is above the limits.

    ``fg`` (f and ∇f) is the largest of the first-order kernels; ``h`` is checked only when
    asked for (Newton-type methods, analyses).
    """
    first = set(kinds) - {"h"}
    shape = (f"{cost.n} variables, {spaced(cost.terms)} terms, {spaced(cost.factors)} factors "
             f"in products, {spaced(cost.conditionals)} conditionals, {spaced(cost.loops)} terms "
             "as loops")
    advice = ("write repeated terms as sum(..., i, 1, n) or prod(..., i, 1, n) over x[i] with "
              "one template (they compile as loops), or split the formula")
    what = "the kernels of f and its gradient would have about"
    if first:
        check(what, cost.f_ops + cost.gradient_ops, KERNEL_ENV, " operations", shape, advice)
        check(what, cost.branches, BRANCH_ENV, " conditional branches", shape, advice)
    if "h" in kinds:
        second = "use a first-order or quasi-Newton method (lbfgs, bfgs, cg)"
        what = "the Hessian kernel would have about"
        check(what, cost.hessian_ops, KERNEL_ENV, " operations", shape, f"{second}, or {advice}")
        check(what, cost.hessian_branches, BRANCH_ENV, " conditional branches", shape, second)


# ------------------------------------------------------------------------------ analyses
def _starts(n: int) -> int:
    """Starts of the numeric critical-point search (:mod:`landscape.critical`'s default)."""
    from .critical.points import _default_starts

    return _default_starts(n)


def analysis_cost(n: int) -> dict[str, float]:
    """Bytes and work of ``analyze`` in n variables::

        critical    3·S·n doubles (starts, gradients, end points), S = 200·n starts
        convexity   P·(3n + 2) doubles (samples, extreme eigenpairs), P scan samples
        hessian     3·n² doubles (a Hessian, its eigenvectors, the eigensolver's workspace)
        work        S·n³ (one Newton step from each start)
    """
    from .convexity import scan_samples

    S, P, word = _starts(n), scan_samples(n), 8.0
    return {"critical": 3 * S * n * word, "convexity": P * (3 * n + 2) * word,
            "hessian": 3 * n * n * word, "work": float(S) * n**3}


def check_analysis(n: int) -> None:
    """Refuse (:class:`TooLarge`) an analysis in ``n`` variables whose memory or work of
    :func:`analysis_cost` is above the limits."""
    cost = analysis_cost(n)
    work = cost.pop("work")
    detail = ", ".join(f"{k} {format_bytes(v)}" for k, v in cost.items())
    starts = _starts(n)
    advice = (f"the numeric critical-point search runs Newton from {spaced(starts)} starts; "
              "analyze fewer variables, or study large n with run (lbfgs, cg, gd)")
    check_memory(f"analyze in {spaced(n)} variables", sum(cost.values()), advice=advice,
                 detail=detail)
    check(f"analyze in {spaced(n)} variables needs about", work, WORK_ENV, " operations",
          f"{spaced(starts)} starts × n³ per Newton step", advice)
