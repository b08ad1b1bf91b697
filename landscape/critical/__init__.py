"""Critical points of an objective in a box: exact where SymPy can prove it, numeric otherwise.

**Exact path** (symbolic steps run under :func:`landscape.budget.run_with_budget`):

* one variable, polynomial f': the real roots of f' (``Poly.real_roots``: rationals, radicals
  and ``CRootOf``) — complete;
* one variable, otherwise: ``solveset(f', x, [lo, hi])``.  A ``FiniteSet`` (also inside unions,
  intersections with the box, complements of finite sets) is complete; ``ImageSet`` families
  ``a + b·k, k ∈ ℤ`` are enumerated on the bounded interval; a ``ConditionSet`` is not complete;
* n variables, polynomial ∇f: a lex Gröbner basis.  When the system is zero-dimensional we bring
  it to *shape* form ``{x_i − p_i(t), q(t)}`` for a separating linear form ``t`` (after making the
  ideal radical with the square-free parts of its univariate elimination polynomials,
  Seidenberg's lemma), so the real solutions are exactly ``x_i = p_i(θ)`` for the real roots θ of
  ``q`` — complete.  (``sympy.solve_poly_system`` silently drops roots of unsolvable quintics,
  e.g. 5 of Himmelblau's 9 critical points, so it is not used.)  A positive-dimensional system
  is reported as a continuum with a few sampled points (never complete);
* non-polynomial systems in n ≥ 2 variables have no complete symbolic method here.

**Numeric path**: Halton starts in the box, Newton on ∇f = 0 with a Levenberg–Marquardt
safeguard (one Numba kernel compiled once, the objective's kernels passed as first-class
functions), deduplication, refinement to 30 digits (mpmath Newton, under a budget) which also
*confirms* each point, and an attempt to recognise the refined point as an exact number
(0, p/q, p/q·π, ±√(p/q)) verified by substituting it into ∇f exactly.

**Classification**: Hessian eigenvalues (exact with SymPy at exact points for n ≤ 4, else
NumPy/mpmath).  Nondegenerate → by signs.  Degenerate with both signs → saddle.  Otherwise a
higher-order test: at exact points the splitting lemma (reduce f to the Hessian's null space by
solving ∂f/∂(range) = 0 as a power series, then read the lowest non-vanishing homogeneous
term); elsewhere local probing of f(x*+r·d) − f(x*) over many directions and radii.

**Non-smooth points**: a critical point of a non-smooth f is a point where 0 lies in the
Clarke subdifferential ∂f (the convex hull of the limits of ∇f at nearby smooth points), found
whether or not the midpoint-convention gradient (see :mod:`landscape.derive`: sign(0) = 0,
Heaviside(0) = 1/2) vanishes there.  The kinks of f are the surfaces where the argument of an
``Abs``/``sign``/``Heaviside`` vanishes, two arguments of a ``Max``/``Min`` (``relu``) tie,
or a ``Piecewise`` condition is on its boundary.  :func:`kink_points` visits every stratum —
an intersection of at most n kink surfaces, down to the open regions — restricts f to it,
solves for the stationary points of each smooth piece exactly, and keeps a point on a kink
when 0 is in the hull of the one-sided gradients there (computed at 60 digits,
:func:`clarke_stationary`).  For continuous f (``Abs``/``Max``/``Min``) with polynomial kink
surfaces and pieces this is complete; a stratum along which f is constant (|x − y| on x = y)
is a continuum, sampled and never complete; ``sign``/``Heaviside``/``Piecewise`` may jump, so
their lists are not claimed complete.  A point on a kink has no Hessian: it is reported with
``differentiable = False``, ``test = "nondifferentiable"``, no eigenvalues (NaN, ``null`` in
JSON), and its kind decided by probing f itself around the point (a comparison of values,
valid without derivatives), never by Hessian signs.

Modules
-------
:mod:`.results` (:class:`CriticalPoint`, :class:`CriticalPoints`), :mod:`.kernel` (compiled
parallel Newton, :func:`newton_batch`), :mod:`.exact` (exact solving), :mod:`.kinks` (switching
functions, strata, Clarke stationarity), :mod:`.classify` (exact Hessian classification),
:mod:`.splitting` (higher-order test, splitting lemma), :mod:`.refine` (mpmath refinement,
snapping), :mod:`.probe` (kinds by comparing values), :mod:`.points` (the numeric path's pieces)
and :mod:`.find` (:func:`find_critical_points`).  Every public name is importable from
``landscape.critical``.
"""

from __future__ import annotations

from .classify import classify_exact
from .exact import exact_critical_points, is_zero, rationalize
from .find import find_critical_points
from .kernel import CONVERGED, LEFT_BOX, MAXITER, NONFINITE, STALLED, newton_batch
from .kinks import (
    MAX_BRANCHES,
    branch_pieces,
    clarke_stationary,
    kink_points,
    limiting_gradients,
    on_kink,
    switching_functions,
)
from .probe import probe_kind
from .refine import REFINE_DPS, refine_point
from .results import KINDS, CriticalPoint, CriticalPoints
from .splitting import (
    TAYLOR_DEGREE_1D,
    TAYLOR_DEGREE_ND,
    higher_order_kind,
    reduced_function,
    taylor_polynomial,
)

__all__ = [
    "CONVERGED",
    "CriticalPoint",
    "CriticalPoints",
    "KINDS",
    "LEFT_BOX",
    "MAXITER",
    "MAX_BRANCHES",
    "NONFINITE",
    "REFINE_DPS",
    "STALLED",
    "TAYLOR_DEGREE_1D",
    "TAYLOR_DEGREE_ND",
    "branch_pieces",
    "clarke_stationary",
    "classify_exact",
    "exact_critical_points",
    "find_critical_points",
    "higher_order_kind",
    "is_zero",
    "kink_points",
    "limiting_gradients",
    "newton_batch",
    "on_kink",
    "probe_kind",
    "rationalize",
    "reduced_function",
    "refine_point",
    "switching_functions",
    "taylor_polynomial",
]
