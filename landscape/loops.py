"""Loop extraction: repeated terms of a sum, found as one template under an index shift.

The parser expands ``sum(EXPR, i, LO, HI)`` into an explicit sum, and straight-line kernels of
such a sum cost Numba time in proportion to their length.  This module finds, in the expanded
expression, the terms that are one *template* evaluated at shifted variable positions, so that
:mod:`landscape.codegen` can emit a loop instead.  It works on the expression alone, so a sum
typed out by hand is found just the same.

For a term ``t`` whose variables sit at positions ``S`` of ``variables`` (0-based), with
``base = min(S)``::

    canonical(t) = t.xreplace({variables[base + a]: y_a  for each position base + a in S})

with fixed placeholder symbols ``y_0, y_1, ...`` (:func:`placeholders`).  Terms with equal
canonical forms make a group; the sorted bases of a group are cut into maximal arithmetic
progressions ``start, start + step, ...``, and every progression of at least
:data:`LOOP_MIN` members becomes a :class:`LoopGroup`::

    Σ_{members} t  =  Σ_{i in range(start, stop, step)} T(x[i], x[i + 1], ..., x[i + width - 1])

A term that is a *product* of such factors (the expansion of ``prod(EXPR, i, LO, HI)``) is
found the same way one level down: when every factor of the term that depends on a variable is
one template at the members of a single progression, the term becomes a :class:`ProductGroup`
``c · Π_{i in range(start, stop, step)} T(x[i], …)``, whose derivatives are generated from
``T`` once (prefix and suffix products, see :mod:`landscape.codegen`).

Everything else (constants, terms with symbols that are not variables, groups and runs too
short, irregular members) is the *residual*: ``expr`` equals ``residual + Σ loops + Σ
products`` as a function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import sympy as sp

#: The fewest members (terms) of a progression that is turned into a loop.  Measured on the
#: chained Rosenbrock function (n - 1 members per template, per call, loop vs straight-line):
#: up to 8 members every kernel is faster straight-line (``fg`` 7 vs 13 ns at n = 4, ``g_cols``
#: on 64 columns 106 vs 231 ns at n = 9); from 9-10 members ``g_cols`` is about twice as fast
#: as a loop and ``fg`` within 3-13 %, from about 15 members ``fg`` is faster too (36 vs 45 ns
#: at n = 20, 160 vs 230 ns at n = 100).  Compilation is cheaper as loops from n ≈ 10 on, and
#: only the straight-line form grows with n.
LOOP_MIN = 10


@cache
def _placeholder(a: int) -> sp.Symbol:
    return sp.Dummy(f"y{a}", real=True)


def placeholders(count: int) -> tuple[sp.Symbol, ...]:
    """The template symbols ``y_0 … y_{count-1}`` (real, and distinct from any user symbol)."""
    return tuple(_placeholder(a) for a in range(count))


@dataclass(frozen=True)
class LoopGroup:
    """``Σ_{i in range(start, stop, step)} template(y_a = x[i + a])`` (0-based positions)."""

    template: sp.Expr
    width: int  #: the template reads ``x[i] … x[i + width - 1]``
    start: int
    stop: int
    step: int

    @property
    def count(self) -> int:
        """Number of terms (loop iterations)."""
        return len(range(self.start, self.stop, self.step))

    @property
    def offsets(self) -> tuple[int, ...]:
        """The offsets ``a`` whose placeholder ``y_a`` occurs in the template, ascending."""
        ys = placeholders(self.width)
        return tuple(a for a in range(self.width) if ys[a] in self.template.free_symbols)


@dataclass(frozen=True)
class ProductGroup:
    """``coefficient · Π_{i in range(start, stop, step)} template(y_a = x[i + a])``."""

    coefficient: sp.Expr  #: a number (the factors of the term without variables)
    factor: LoopGroup  #: the template and range of the factors (its ``template`` is ``T``)

    @property
    def count(self) -> int:
        """Number of factors."""
        return self.factor.count


@dataclass(frozen=True)
class LoopPlan:
    """``expr == residual + Σ_g Σ_i groups[g] + Σ_p products[p]`` (see :class:`LoopGroup`,
    :class:`ProductGroup`)."""

    residual: sp.Expr
    groups: tuple[LoopGroup, ...]
    products: tuple[ProductGroup, ...] = ()

    @property
    def has_loops(self) -> bool:
        """True when any term is generated as a loop."""
        return bool(self.groups or self.products)


def canonical_term(
    term: sp.Expr, index: dict[sp.Symbol, int]
) -> tuple[sp.Expr, int, int] | None:
    """``(canonical form, base, width)`` of one term, or ``None`` when it has no variables or
    depends on a symbol that is not a variable (``index`` maps each variable to its position)."""
    positions = []
    for s in term.free_symbols:
        if s not in index:
            return None
        positions.append(index[s])
    if not positions:
        return None
    base = min(positions)
    width = max(positions) - base + 1
    ys = placeholders(width)
    canonical = term.xreplace({s: ys[index[s] - base] for s in term.free_symbols})
    return canonical, base, width


def progressions(bases: Sequence[int], min_run: int) -> tuple[list[range], list[int]]:
    """Cut sorted distinct ``bases`` into maximal arithmetic runs of at least ``min_run``.

    Returns ``(runs, rest)``: each run as a ``range``, and the bases that belong to no run.  A
    run is grown from its first two members as far as the step holds; a run too short gives up
    its first member only, so that a long run starting at its second member is still found.
    """
    runs: list[range] = []
    rest: list[int] = []
    i = 0
    while i < len(bases):
        j = i
        if i + 1 < len(bases):
            step = bases[i + 1] - bases[i]
            j = i + 1
            while j + 1 < len(bases) and bases[j + 1] - bases[j] == step:
                j += 1
        if j - i + 1 >= max(min_run, 2):
            runs.append(range(bases[i], bases[j] + 1, bases[i + 1] - bases[i]))
            i = j + 1
        else:
            rest.append(bases[i])
            i += 1
    return runs, rest


def product_group(
    term: sp.Expr, index: dict[sp.Symbol, int], min_run: int = LOOP_MIN
) -> ProductGroup | None:
    """The term as ``c · Π T(x[i + ·])`` over one progression of at least ``min_run`` factors,
    or ``None`` when it is not such a product (a factor with a symbol that is not a variable,
    two templates, factors off the progression, too few of them)."""
    if not isinstance(term, sp.Mul):
        return None
    coefficient = []
    bases: dict[int, sp.Expr] = {}
    template = width = None
    for factor in term.args:
        if not factor.free_symbols:
            coefficient.append(factor)
            continue
        found = canonical_term(factor, index)
        if found is None or found[1] in bases or (template is not None and found[0] != template):
            return None
        template, base, width = found
        bases[base] = factor
    if template is None or len(bases) < max(min_run, 2):
        return None
    runs, rest = progressions(sorted(bases), min_run)
    if rest or len(runs) != 1:
        return None
    r = runs[0]
    return ProductGroup(sp.Mul(*coefficient), LoopGroup(template, width, r.start, r.stop, r.step))


def find_loops(
    expr: sp.Expr, variables: Sequence[sp.Symbol], min_run: int = LOOP_MIN
) -> LoopPlan:
    """Split ``expr`` into loop groups, product groups and a residual (see the module
    docstring)."""
    index = {v: i for i, v in enumerate(variables)}
    residual: list[sp.Expr] = []
    products: list[ProductGroup] = []
    members: dict[sp.Expr, dict[int, sp.Expr]] = {}
    widths: dict[sp.Expr, int] = {}
    for term in sp.Add.make_args(expr):
        found = canonical_term(term, index)
        if found is None:
            residual.append(term)
            continue
        canonical, base, width = found
        same = members.setdefault(canonical, {})
        if base in same:  # a repeated term of an unevaluated sum
            residual.append(term)
            continue
        same[base] = term
        widths[canonical] = width
    groups: list[LoopGroup] = []
    for canonical, by_base in members.items():
        runs, rest = progressions(sorted(by_base), min_run)
        residual.extend(by_base[b] for b in rest)
        groups.extend(
            LoopGroup(canonical, widths[canonical], r.start, r.stop, r.step) for r in runs
        )
    groups.sort(key=lambda g: (g.start, g.step, g.stop, sp.default_sort_key(g.template)))
    # a term left over may still be a product over a progression (sum loops come first)
    rest_terms = []
    for term in residual:
        product = product_group(term, index, min_run)
        if product is None:
            rest_terms.append(term)
        else:
            products.append(product)
    return LoopPlan(sp.Add(*rest_terms), tuple(groups), tuple(products))


def fuse(groups: Sequence[LoopGroup]) -> tuple[LoopGroup, ...]:
    """One loop per distinct ``range``: groups over the same indices have their templates added
    (one pass over the variables, one CSE over the shared subexpressions)."""
    by_range: dict[tuple[int, int, int], list[LoopGroup]] = {}
    for g in groups:
        by_range.setdefault((g.start, g.stop, g.step), []).append(g)
    return tuple(
        LoopGroup(sp.Add(*(g.template for g in gs)), max(g.width for g in gs), *key)
        for key, gs in by_range.items()
    )
