"""Theory next to measurement: one run, its minimizer, the predicted and the measured rate.

:func:`rate_study` runs ``method`` from ``x0`` with the compiled optimizers (``record=True``),
decides which point the theory is about, evaluates :func:`analysis.theory.predict` at that
point's Hessian spectrum, measures the run with :func:`analysis.empirical.measure` and compares
the two with :func:`analysis.compare.compare`.  :meth:`RateStudy.to_json` is the
``landscape rates --json`` object of design.md plus ``"minimizer_how"``.

Which point the theory is about (``minimizer`` / ``reference``)
----------------------------------------------------------------
1. ``minimizer=`` given (coordinates, or a :class:`~landscape.critical.CriticalPoint`): that
   point (``minimizer_how`` ``"given"``, or ``"exact"`` for a given exact critical point).
2. Else the critical points of ``obj`` in ``box`` (``obj.critical_points``; default box
   ``-5:5`` per variable; pass ``critical_points=`` to reuse a list): the point nearest to the
   run's final iterate ``x_K``, when the run *converged to it*, i.e.
   ``|x_K - p| <= max(1e-8 (1 + |p|), 0.1 min(|x0 - p|, distance to the other critical
   points))`` (a slow, sublinear run counts once it is well inside p's neighbourhood; a run
   ending on a cycle or band counts when the mean of its last :data:`TAIL_POINTS` iterates
   does, as the subgradient method's 2-cycle around a kink).  If it
   is of kind ``minimum`` (or ``unknown`` with a positive semidefinite Hessian) it is the
   minimizer (``"exact"`` when the point is exact, else ``"numeric: ..."``); its float
   coordinates are the 30-digit ones, so the measured error ``|x_k - x*|`` uses the exact x*.
3. Else ``x_K`` refined by Newton on ``grad f = 0`` with the compiled kernels until the step
   is below ``1e-14 max(1, |x|)`` (:func:`refine_critical_point`); accepted when it moved
   less than ``max(1e-8 (1 + |q|), 0.1 |x0 - q|)`` and the Hessian there is positive
   semidefinite (``minimizer_how`` says how many steps, the last step and the tolerance),
   then polished to 30 digits by :func:`landscape.critical.refine_point` (mpmath Newton, under
   the ``refine`` budget) so that x* is accurate beyond the run's own rounding floor.
4. Otherwise there is **no minimizer** (``minimizer`` is None):

   * the run converged to a critical point that is not a minimum (a saddle reached from its
     stable manifold, or pure Newton attracted to a saddle): the theory is evaluated at that
     point (``reference``) and the run is measured against it;
   * the run diverged, or ended outside the convergence radius of every critical point: the
     theory is evaluated at the minimum nearest to ``x0`` — the minimizer the start was
     near, the one a stability threshold such as GD's ``lr < 2/L`` refers to — and the run
     is measured against it, so "predicted diverges, measured diverges" agrees.  A run
     that neither diverged nor converged is *not comparable* (reason says where it ended).

Which theory (:func:`rate_study`)
---------------------------------
* a point on a kink of f (a critical-point record with ``differentiable=False``, or a switching
  function of f vanishing at the given/refined point): subgradient theory
  (:func:`analysis.theory.predict_kink`) with ``G`` from :func:`probe_kink` — unless a piece of
  f meeting there is itself stationary at x* (``relu(x) + x^2/2`` at 0), whose smooth theory
  then applies with that piece's Hessian;
* otherwise :func:`analysis.theory.predict` with the Hessian spectrum, told whether f is a
  quadratic polynomial (:func:`is_quadratic`: Newton's unit step and linear CG terminate, an
  unstable fixed step blows up exactly);
* a fixed-step run that diverged although theory calls the step stable at x*, with the step
  unstable for ``lambda_max`` of the Hessian at x0: *not comparable*, with that reason
  (:func:`unstable_at_start`).

Automatic number of steps (neither ``steps`` nor ``maxiter`` given)
--------------------------------------------------------------------
A pilot run of the method's default ``maxiter`` (1000 first-order and coordinate, 200 Newton
type) with ``gtol=0`` (so only an exact zero gradient, a stall, a line-search failure or a
divergence stops it early).  Then, at most :data:`AUTO_ROUNDS` times:

* the error reached the rounding floor at iteration f: re-run with ``maxiter = f + 10``
  (the path ends just past the floor; prefixes are identical, runs are deterministic);
* still above the floor at a linear rate r: extend to the step where ``r^k`` reaches the floor
  (+10%); sublinear, no rate yet, or far from any minimizer: 10x the steps; a ``bounded`` or
  ``finite`` measurement, or a run that stalled near an exact, isolated x* (its iterates
  converge to another point, ``Measurement.stalled``): keep the run;
* stochastic runs (gradient noise): at least :data:`STOCHASTIC_STEPS` steps for the level;

capped by :data:`AUTO_CAP` steps and by the recording memory guard.  The rule that set the
kept run's ``maxiter``, with its numbers, is :attr:`RateStudy.budget` (a :class:`Budget`).
``steps=K`` runs exactly K iterations; ``maxiter=K`` is an upper bound (with ``gtol``, default
0 here).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from analysis.compare import Comparison, compare, rates_record
from analysis.empirical import Measurement, default_floor, errors, float_exact, measure
from analysis.theory import Prediction, inputs_at, predict, predict_kink
from landscape.errors import AnalysisError, BudgetExceeded, InputError
from landscape.numfmt import fmt, fmt_grad, iteration_count
from optimizers import RECORD_LIMIT_BYTES, OptimizeResult, minimize, resolve

#: upper bound of the automatic number of steps
AUTO_CAP = 20_000
#: re-runs of the automatic step choice
AUTO_ROUNDS = 4
#: iterations kept after the first iterate at the rounding floor
FLOOR_MARGIN = 10
#: minimum steps of a stochastic run (stationary error level)
STOCHASTIC_STEPS = 4000
#: Newton refinement of a final iterate: relative step tolerance and iteration cap
REFINE_TOL = 1e-14
REFINE_MAXITER = 200
#: a run converged to p when |x_K - p| <= CONVERGED_FRACTION * (its scale), see the docstring
CONVERGED_FRACTION = 0.1
#: where a run ended that converged to no critical point: outside the radius
#: (:func:`converged_radius`) of each
OUTSIDE_EVERY = "outside the convergence radius of every critical point"
#: the same where the box has one critical point (the kink's report said "every")
OUTSIDE_ONLY = "outside the convergence radius of the only critical point"
#: the last iterates whose mean stands for a run that ends on a cycle or band
TAIL_POINTS = 8
#: relative eigenvalue tolerance for a zero eigenvalue at a numerically located minimizer
NUMERIC_ZERO_TOL = 1e-8
#: probe steps of the numeric leading-order estimate along a null direction
_PROBE_T = 0.2 * 0.5 ** np.arange(14)

_RUN_OPTIONS = ("steps", "maxiter", "minimizer", "box", "critical_points", "gtol", "seed")


# ============================================================================ result type


@dataclass(frozen=True)
class Budget:
    """The ``maxiter`` the automatic step choice gave a run, and the rule that set it (module
    docstring): ``first`` (the method's default, the pilot run kept), ``floor`` (the error
    reached the rounding floor at iteration ``floor_index``: ``floor_index + margin``),
    ``rate`` (where the measured linear ``rate`` takes the error to the floor, +10 %, +
    ``margin``), ``tenfold`` (10 times the ``previous`` run's iterations: no linear rate to
    extrapolate), ``stochastic`` (:data:`STOCHASTIC_STEPS` for a run with gradient noise).
    ``wanted`` is the rule's number, ``maxiter`` that number under the cap (``capped``).
    The ``rate`` rule also keeps what it extrapolated from, so that a reader can redo it: the
    ``previous`` run's iterations, the end ``window_end`` of that run's fit window, its error
    ``error`` there and the rounding ``floor``: ``wanted = ⌈1.1 (window_end + ln(floor/error)
    / ln rate)⌉ + margin``."""

    rule: str
    maxiter: int
    wanted: int
    floor_index: int | None = None
    margin: int | None = None
    rate: float | None = None
    previous: int | None = None
    window_end: int | None = None
    error: float | None = None
    floor: float | None = None

    @property
    def capped(self) -> bool:
        """Whether the cap (:func:`auto_cap`), not the rule's number, set ``maxiter``."""
        return self.wanted > self.maxiter


@dataclass
class RateStudy:
    """Theory against measurement for one run (see the module docstring for the rules).

    ``hyper`` are the effective hyperparameters (defaults included); ``minimizer`` the point
    the run converged to when it is a minimizer (None otherwise) and ``minimizer_how`` how it
    was obtained; ``reference`` the point the theory was evaluated at (the minimizer, or the
    point described in ``minimizer_how``); ``eigenvalues``/``hessian`` the Hessian there;
    ``degenerate`` and ``leading_order`` (p of the first non-vanishing term along the
    degenerate directions) for degenerate points; ``result`` the run (with ``path``);
    ``budget`` the rule of the automatic step choice that set the run's ``maxiter`` (None when
    ``steps`` or ``maxiter`` was given).
    """

    method: str
    hyper: dict[str, Any]
    x0: np.ndarray
    minimizer: np.ndarray | None
    minimizer_how: str
    eigenvalues: list[float] | None
    hessian: np.ndarray | None
    degenerate: bool
    leading_order: int | None
    prediction: Prediction
    measurement: Measurement
    comparison: Comparison
    result: OptimizeResult
    reference: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    budget: Budget | None = None

    @property
    def agree(self) -> bool:
        """Whether theory and measurement agree (``comparison.agree``)."""
        return self.comparison.agree

    def to_json(self) -> dict[str, Any]:
        """design.md's ``rates --json`` object (:func:`analysis.compare.rates_record`) plus
        ``"minimizer_how"``."""
        out = rates_record(
            self.method,
            self.hyper,
            None if self.minimizer is None else [float(v) for v in self.minimizer],
            self.eigenvalues,
            self.prediction,
            self.measurement,
            self.comparison,
        )
        out["minimizer_how"] = self.minimizer_how
        return out


@dataclass(frozen=True)
class Refinement:
    """Result of :func:`refine_critical_point`."""

    point: np.ndarray
    converged: bool
    iterations: int
    last_step: float
    gradient_norm: float

    def describe(self) -> str:
        """How the point was refined (for ``minimizer_how``)."""
        return (f"final iterate refined by Newton on grad f = 0 with the compiled kernels "
                f"({self.iterations} steps, last step {fmt(self.last_step, 2)}, |grad f| = "
                f"{fmt(self.gradient_norm, 2)}; tolerance {REFINE_TOL:g} max(1, |x|))")


#: how a Target's ``how`` names the point theory is evaluated at (a point it did not reach)
THEORY_AT = "theory evaluated at"
#: the same point where theory promises nothing there (prediction ``none``): only the
#: errors are measured to it (:func:`without_theory`)
ERRORS_TO = "errors measured to"


def without_theory(how: str) -> str:
    """A ``minimizer_how`` for a run whose prediction is ``none``: the point it names is the
    one the run's errors are measured to, not one theory was evaluated at (no rate is), so
    ``…; theory evaluated at the minimum (0, 0) nearest to x0`` → ``…; errors measured to the
    minimum (0, 0) nearest to x0`` (``theory evaluated there`` → ``errors measured there``)."""
    return how.replace(f"{THEORY_AT} ", f"{ERRORS_TO} ").replace(
        "theory evaluated there", "errors measured there")


@dataclass(frozen=True)
class Target:
    """The point the theory is about: ``minimizer`` (None when the run did not converge to a
    minimizer), ``reference`` (where the theory is evaluated; None when there is no point),
    ``how`` (the ``minimizer_how`` text), ``critical`` (the critical point record, if any),
    ``comparable`` (False: the run ended outside the convergence radius of every critical
    point without diverging), ``isolated`` (the point is exact and isolated:
    :func:`isolated_exact`)."""

    minimizer: np.ndarray | None
    reference: np.ndarray | None
    how: str
    critical: Any = None
    comparable: bool = True
    isolated: bool = False


def isolated_exact(cp: Any, complete: bool) -> bool:
    """Whether critical point ``cp`` is exact and isolated, so that a run's errors are measured
    to it and never to a nearby point the run ends at (:func:`analysis.empirical.measure`,
    ``isolated``): exact (SymPy) and either one of a list an exact solve proved ``complete``
    (finitely many points: no continuum) or smooth with a nondegenerate Hessian (isolated by
    the inverse function theorem).  The sampled points of a continuum are exact but neither."""
    if cp is None or not getattr(cp, "exact", False):
        return False
    smooth = getattr(cp, "differentiable", True)
    return bool(complete) or (smooth and not getattr(cp, "degenerate", True))


# ============================================================================ small helpers


def as_start(obj: Any, x0: Any) -> np.ndarray:
    """``x0`` as a float vector of ``obj.n`` finite coordinates (InputError otherwise)."""
    x = np.asarray(x0, dtype=float).ravel()
    if x.size != obj.n or not np.all(np.isfinite(x)):
        raise InputError(f"x0 must be {obj.n} finite numbers, got {x0!r}")
    return x


def _fmt(x: Any) -> str:
    """Coordinates as ``(a, b, ...)`` with 6 significant digits (:func:`fmt` of floats)."""
    return fmt(np.ravel(np.asarray(x, float)))


_CP_CACHE: dict[tuple[str, bytes], list[Any]] = {}


def critical_points_of(obj: Any, box: Any = None) -> list[Any]:
    """``obj.critical_points(box)``, remembered per (formula, box) for the process (the exact
    solve can take seconds and every study of one formula needs the same list)."""
    B = obj.box(box)
    key = (obj.key, B.tobytes())
    if key not in _CP_CACHE:
        if len(_CP_CACHE) >= 64:
            _CP_CACHE.pop(next(iter(_CP_CACHE)))
        _CP_CACHE[key] = obj.critical_points(box=B)  # a list that says if it is complete
    return _CP_CACHE[key]


def refine_critical_point(obj: Any, x: Any, *, tol: float = REFINE_TOL,
                          maxiter: int = REFINE_MAXITER) -> Refinement:
    """Newton on ``grad f = 0`` from ``x`` with the compiled gradient and Hessian kernels.

    Steps solve ``H s = -g`` in the least-squares sense (so a singular Hessian at a degenerate
    point still gives the minimum-norm step); a step that increases ``|g|`` more than tenfold
    is halved (up to 30 times).  Stops when ``|s| <= tol max(1, |x|)`` or the gradient is
    exactly zero; ``converged`` is False when it hit ``maxiter``, left the finite numbers, or
    stopped with ``|g|`` above ``1e-6 max(1, |g(x)|)`` (a gradient outside the Hessian's range,
    as on the flat side of a kink, gives a zero step without a critical point).
    """
    c = obj.compiled
    x = np.array(x, dtype=float)
    g = c.gradient(x)
    gnorm = float(np.linalg.norm(g))
    g_tol = 1e-6 * max(1.0, gnorm)  # a vanishing step with a gradient that did not vanish: a kink
    last = math.inf
    for k in range(maxiter):
        if not math.isfinite(gnorm):
            return Refinement(x, False, k, last, gnorm)
        if gnorm == 0.0:
            return Refinement(x, True, k, 0.0, gnorm)
        s = np.linalg.lstsq(c.hessian(x), -g, rcond=1e-13)[0]
        for _ in range(30):
            xt = x + s
            gt = c.gradient(xt)
            gtn = float(np.linalg.norm(gt))
            if math.isfinite(gtn) and gtn <= 10.0 * gnorm:
                break
            s = 0.5 * s
        else:
            return Refinement(x, False, k, last, gnorm)
        last = float(np.linalg.norm(s))
        x, g, gnorm = xt, gt, gtn
        if last <= tol * max(1.0, float(np.linalg.norm(x))):
            return Refinement(x, gnorm <= g_tol, k + 1, last, gnorm)
    return Refinement(x, False, maxiter, last, gnorm)


def _separation(p: np.ndarray, points: Sequence[np.ndarray]) -> float:
    """Distance from ``p`` to the nearest other point of ``points`` (inf if none)."""
    d = [float(np.linalg.norm(p - q)) for q in points if q is not p]
    d = [v for v in d if v > 0]
    return min(d) if d else math.inf


def converged_to(x_final: np.ndarray, p: np.ndarray, x0: np.ndarray,
                 separation: float = math.inf) -> bool:
    """Whether a run from ``x0`` that ended at ``x_final`` converged to the point ``p``:
    ``|x_final - p| <=`` :func:`converged_radius`."""
    if not np.all(np.isfinite(x_final)):
        return False
    return float(np.linalg.norm(x_final - p)) <= converged_radius(p, x0, separation)


def converged_radius(p: np.ndarray, x0: np.ndarray, separation: float = math.inf) -> float:
    """The distance from ``p`` within which a run from ``x0`` counts as converged to it:
    ``max(1e-8 (1 + |p|), 0.1 min(|x0 - p|, separation))`` (``separation``: the distance to
    the nearest other critical point)."""
    scale = min(float(np.linalg.norm(x0 - p)), separation)
    return max(1e-8 * (1.0 + float(np.linalg.norm(p))), CONVERGED_FRACTION * scale)


def is_psd(eigenvalues: Sequence[float], tol: float = NUMERIC_ZERO_TOL) -> bool:
    """Whether every eigenvalue is ``>= -tol * max(1, max |lambda|)``."""
    lam = np.asarray(eigenvalues, dtype=float)
    return bool(np.all(lam >= -tol * max(1.0, float(np.max(np.abs(lam))))))


def is_quadratic(obj: Any) -> bool:
    """Whether f is a polynomial of total degree <= 2 in its variables (then its Hessian is
    constant and every local model of the theory is exact)."""
    import sympy as sp

    expr = obj.expr
    if not expr.is_polynomial(*obj.variables):
        return False
    return sp.Poly(expr, *obj.variables).total_degree() <= 2


def on_a_kink(obj: Any, x: np.ndarray, target: Target | None = None) -> bool:
    """Whether the point lies on a kink of f: a critical-point record that says so
    (``differentiable=False``), or a switching function of f (``abs``, ``relu``, ``max``...,
    :func:`landscape.critical.switching_functions`) that vanishes there (``1e-8`` relative)."""
    if target is not None and target.critical is not None:
        return not getattr(target.critical, "differentiable", True)
    from landscape.critical import on_kink, switching_functions

    switches = switching_functions(obj.expr)
    return bool(switches) and on_kink(switches, obj.variables, tuple(float(v) for v in x), 1e-8)


def _probe_directions(n: int) -> np.ndarray:
    """Unit directions around a point, one in every orthant (all 2^n sign patterns for
    n <= 8, else 256 seeded random ones), each tilted off the diagonal by fixed irrational
    weights so that no probe lies on a kink set through the point (x = 0, x = y, ...)."""
    if n <= 8:
        signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * n, indexing="ij")).reshape(n, -1).T
        w = 1.0 + 0.3 * ((np.arange(1, n + 1) * 0.6180339887498949) % 1.0)
        dirs = signs * w
    else:
        dirs = np.random.default_rng(0).standard_normal((256, n))
    return dirs / np.linalg.norm(dirs, axis=1, keepdims=True)


@dataclass(frozen=True)
class KinkProbe:
    """The pieces of f meeting at a kink point, probed at ``x + r u``: ``G`` the largest
    gradient norm (it bounds every subgradient there: the Clarke subdifferential is the convex
    hull of the one-sided gradients), and ``piece_hessian`` the Hessian of a piece whose own
    gradient vanishes at x (None if there is none)."""

    G: float
    piece_hessian: np.ndarray | None


def probe_kink(obj: Any, x: Any, radius: float | None = None) -> KinkProbe:
    """Gradients and Hessians of f at ``x + r u`` over the :func:`_probe_directions` u, with
    ``r = 1e-7 max(1, |x|)``. A piece is stationary at x when its gradient there is explained
    by curvature alone: ``|grad f(x + r u)| <= 10 r (1 + |H(x + r u)|_2)``."""
    x = np.asarray(x, dtype=float)
    r = 1e-7 * max(1.0, float(np.linalg.norm(x))) if radius is None else float(radius)
    c = obj.compiled
    G, piece = 0.0, None
    for u in _probe_directions(x.size):
        g = np.asarray(c.gradient(x + r * u), dtype=float)
        if not np.all(np.isfinite(g)):
            continue
        gnorm = float(np.linalg.norm(g))
        G = max(G, gnorm)
        if piece is None:
            H = symmetric(np.asarray(c.hessian(x + r * u), dtype=float))
            if np.all(np.isfinite(H)) and gnorm <= 10.0 * r * (1.0 + float(np.linalg.norm(H, 2))):
                piece = H
    return KinkProbe(G if G > 0 else math.nan, piece)


def polish(obj: Any, x: np.ndarray) -> tuple[np.ndarray, bool]:
    """``x`` refined to 30 digits by :func:`landscape.critical.refine_point` (mpmath Newton on
    grad f = 0, under the ``refine`` time budget), so that x* is accurate beyond any float64
    run's rounding floor; ``(x, False)`` when it fails or runs out of time."""
    from landscape.budget import budget_seconds, run_with_budget
    from landscape.critical import refine_point

    radius = 1e-6 * max(1.0, float(np.linalg.norm(x)))
    try:
        r = run_with_budget(refine_point, obj.gradient_list, obj.hessian, obj.variables, x,
                            radius, False, timeout=budget_seconds("refine"))
    except (BudgetExceeded, AnalysisError):
        return x, False
    if not r.converged:
        return x, False
    return np.asarray(r.point, dtype=float), True


# ============================================================================ the target point


def _given_target(obj: Any, minimizer: Any) -> Target:
    """A caller's minimizer: coordinates, or a CriticalPoint (its eigenvalues are reused)."""
    if hasattr(minimizer, "point") and hasattr(minimizer, "kind"):
        p = np.asarray(minimizer.point, dtype=float)
        how = "exact" if minimizer.exact else "given (numeric critical point)"
        return Target(p, p, how, minimizer, isolated=isolated_exact(minimizer, False))
    p = as_start(obj, minimizer)
    return Target(p, p, "given")


def nearest_minimum(points: Sequence[Any], x: np.ndarray) -> Any | None:
    """The critical point of kind ``minimum`` nearest to ``x`` (None if there is none)."""
    mins = [cp for cp in points if cp.kind == "minimum"]
    if not mins:
        return None
    return min(mins, key=lambda cp: float(np.linalg.norm(np.asarray(cp.point) - x)))


def _cp_how(cp: Any) -> str:
    """``minimizer_how`` of a critical point the run converged to."""
    if cp.kind != "minimum":
        base = "exact" if cp.exact else "numeric: critical point of obj.critical_points"
        return (f"{base}; kind {cp.kind} ({cp.test} test), taken as the minimizer because the "
                "Hessian is positive semidefinite")
    if cp.exact:
        return "exact"
    return ("numeric: critical point found by the numeric search of obj.critical_points, "
            "refined to 30 digits")


def _far_target(obj: Any, res: OptimizeResult, x0: np.ndarray, points: Sequence[Any]) -> Target:
    """No minimizer: the run diverged or ended outside the convergence radius of every
    critical point."""
    diverged = res.status == "diverged"
    # the distance and the status as clauses of their own, not in parentheses around the
    # nearest point's coordinates and the radius's own (chained Rosenbrock p. 2: four deep)
    where = _nearest_text(res.x, x0, points)
    what = (f"the run diverged ({res.message})" if diverged else
            f"the run ended at {_fmt(res.x)} after {iteration_count(res.nit)}, "
            f"{OUTSIDE_ONLY if len(points) == 1 else OUTSIDE_EVERY}"
            + (f": {where}" if where else "") + f"; status {res.status}, ‖∇f‖∞ = "
            f"{fmt_grad(float(np.max(np.abs(res.jac))))}")
    cp = nearest_minimum(points, x0)
    if cp is not None:
        p = np.asarray(cp.point, dtype=float)
        # "the only minimum" where there is one: "the minimum (0, 0) nearest to x₀" read as if
        # there were others (kink p. 2)
        which = (f"the only minimum {_fmt(p)}"
                 if sum(c.kind == "minimum" for c in points) == 1
                 else f"the minimum {_fmt(p)} nearest to x0")
        how = f"none: {what}; {THEORY_AT} {which} ({'exact' if cp.exact else 'numeric'})"
        return Target(None, p, how, cp, comparable=diverged,
                      isolated=isolated_exact(cp, getattr(points, "complete", False)))
    ref = refine_critical_point(obj, x0)
    if ref.converged:
        lam = np.linalg.eigvalsh(symmetric(obj.compiled.hessian(ref.point)))
        if is_psd(lam):
            how = (f"none: {what}; {THEORY_AT} the minimizer {_fmt(ref.point)} found "
                   "by Newton on grad f = 0 from x0")
            return Target(None, ref.point, how, comparable=diverged)
    return Target(None, None, f"none: {what}; no minimizer found near x0", comparable=False)


def _nearest_text(x: Any, x0: np.ndarray, points: Sequence[Any]) -> str:
    """``1.1 from the nearest, (1, 1), beyond its radius 0.22 (within which a run counts as
    converged to it: 0.1 × its distance from x₀, 2.2)``: how far a run that ended at ``x`` is
    from the nearest critical point of ``points``, against :func:`converged_radius` (empty
    without points); ``4.81 from (0, 0), beyond …`` where ``points`` holds one."""
    near = nearest_critical(x, x0, points)
    if near is None:
        return ""
    coords = np.asarray(points[near.index].point, dtype=float)
    which = "" if len(points) == 1 else "the nearest, "
    return (f"{fmt(near.distance, 3)} from {which}{_fmt(coords)}, beyond its radius "
            f"{fmt(near.radius, 3)} ({radius_rule(near)})")


def radius_rule(near: Nearest) -> str:
    """How the convergence radius of the critical point ``near`` names is set
    (:func:`converged_radius`), in its numbers: "within which a run counts as converged to
    it: 0.1 × its distance from the nearest other critical point, 2.02" (from x₀ when that is
    less)."""
    scale = (f"its distance from x₀, {fmt(near.start, 3)}" if near.start <= near.separation else
             f"its distance from the nearest other critical point, {fmt(near.separation, 3)}")
    return f"within which a run counts as converged to it: {CONVERGED_FRACTION:g} × {scale}"


@dataclass
class Nearest:
    """The critical point nearest to where a run ended (:func:`nearest_critical`): its
    ``index`` in the list, the run's ``distance`` from it, its convergence ``radius``
    (:func:`converged_radius`), its ``separation`` from the nearest other critical point and
    its distance from x₀ (``start``)."""

    index: int
    distance: float
    radius: float
    separation: float
    start: float


def nearest_critical(x: Any, x0: Any, points: Sequence[Any]) -> Nearest | None:
    """The critical point of ``points`` nearest to ``x`` with the radius within which a run
    from ``x0`` counts as converged to it; None without points or for a non-finite ``x``."""
    coords = [np.asarray(cp.point, dtype=float) for cp in points]
    xk = np.asarray(x, dtype=float)
    if not coords or not np.all(np.isfinite(xk)):
        return None
    dist = [float(np.linalg.norm(xk - p)) for p in coords]
    i = int(np.argmin(dist))
    sep = _separation(coords[i], coords)
    return Nearest(i, dist[i], converged_radius(coords[i], np.asarray(x0, dtype=float), sep),
                   sep, float(np.linalg.norm(np.asarray(x0, dtype=float) - coords[i])))


def locate_target(obj: Any, res: OptimizeResult, x0: np.ndarray, *, minimizer: Any = None,
                  points: Callable[[], Sequence[Any]] | None = None) -> Target:
    """The point the theory is about, by the rules of the module docstring.

    ``points`` returns the critical points (called only when needed).
    """
    if minimizer is not None:
        return _given_target(obj, minimizer)
    cps: Sequence[Any] = points() if points is not None else []
    xk = np.asarray(res.x, dtype=float)
    path = getattr(res, "path", None)
    centre = xk if path is None or len(path) < 2 else np.mean(path[-TAIL_POINTS:], axis=0)
    if res.status != "diverged" and np.all(np.isfinite(xk)):
        coords = [np.asarray(cp.point, dtype=float) for cp in cps]
        if coords:
            i = int(np.argmin([np.linalg.norm(xk - p) for p in coords]))
            j = int(np.argmin([np.linalg.norm(centre - p) for p in coords]))
            if not converged_to(xk, coords[i], x0, _separation(coords[i], coords)) and \
                    converged_to(centre, coords[j], x0, _separation(coords[j], coords)):
                i = j  # a cycle or band around the point: its centre converged to it
            p = coords[i]
            if converged_to(xk, p, x0, _separation(p, coords)) or i == j and \
                    converged_to(centre, p, x0, _separation(p, coords)):
                cp = cps[i]
                iso = isolated_exact(cp, getattr(cps, "complete", False))
                if cp.kind == "minimum" or (cp.kind == "unknown" and is_psd(cp.eigenvalues)):
                    return Target(p, p, _cp_how(cp), cp, isolated=iso)
                how = (f"none: the run converged to a critical point of kind {cp.kind} at "
                       f"{_fmt(p)}, not a minimizer; theory evaluated there")
                return Target(None, p, how, cp, isolated=iso)
        ref = refine_critical_point(obj, xk)
        q = ref.point
        if ref.converged and converged_to(xk, q, x0):
            lam = np.linalg.eigvalsh(symmetric(obj.compiled.hessian(q)))
            if is_psd(lam):
                q, digits = polish(obj, q)
                more = "; then to 30 digits (mpmath Newton)" if digits else ""
                return Target(q, q, "numeric: " + ref.describe() + more)
            how = (f"none: the run converged to a critical point with Hessian eigenvalues "
                   f"{_fmt(lam)} (not a minimizer) at {_fmt(q)}; theory evaluated there "
                   f"({ref.describe()})")
            return Target(None, q, how)
    return _far_target(obj, res, x0, cps)


# ============================================================================ local model


def symmetric(H: np.ndarray) -> np.ndarray:
    """The symmetric part ``(H + H^T)/2`` (removes rounding asymmetry of a Hessian)."""
    return 0.5 * (H + H.T)


@dataclass(frozen=True)
class LocalModel:
    """Hessian data at the reference point."""

    eigenvalues: list[float]
    hessian: np.ndarray
    degenerate: bool
    leading_order: int | None
    notes: tuple[str, ...] = ()


def _exact_leading_order(expr: Any, variables: tuple, hess: Any, point: tuple) -> int | None:
    """Lowest order of the reduced function (splitting lemma) at an exact point: p such that
    ``f(x* + z) - f(x*)`` restricted to the Hessian's null space starts with order-p terms."""
    import sympy as sp

    from landscape.critical import (
        TAYLOR_DEGREE_1D,
        TAYLOR_DEGREE_ND,
        is_zero,
        reduced_function,
        taylor_polynomial,
    )

    n = len(variables)
    degree = TAYLOR_DEGREE_1D if n == 1 else TAYLOR_DEGREE_ND
    z = tuple(sp.Symbol(f"_z{i}") for i in range(n))
    taylor = taylor_polynomial(expr, variables, point, z, degree)
    fp = taylor.xreplace({zi: 0 for zi in z})
    H0 = hess.xreplace(dict(zip(variables, point, strict=True))).applyfunc(sp.simplify)
    g, a, _ = reduced_function(sp.expand(taylor - fp), z, H0, degree)
    if g == 0:
        return None
    degrees = [sum(m) for m, c in sp.Poly(sp.expand(g), *a).terms() if not is_zero(c)]
    return min(degrees) if degrees else None


def _numeric_leading_order(obj: Any, x: np.ndarray, null: np.ndarray) -> int | None:
    """p from ``phi(t) = f(x* + t v) - f(x*)`` along each null direction v: the log-log slope
    ``log2(phi(2t)/phi(t))`` at the smallest probe t where phi is clear of rounding (the
    largest p over the directions, which sets the slowest Newton rate)."""
    c = obj.compiled
    f0 = c.value(x)
    orders = []
    for v in null.T:
        phi = np.array([c.value(x + t * v) - f0 for t in _PROBE_T])
        phi_m = np.array([c.value(x - t * v) - f0 for t in _PROBE_T])
        phi = np.minimum(np.abs(phi), np.abs(phi_m))
        ok = phi > 1e-9 * max(1.0, abs(f0))
        slopes = [math.log2(phi[j] / phi[j + 1]) for j in range(len(phi) - 1)
                  if ok[j] and ok[j + 1]]
        if slopes:
            orders.append(int(round(slopes[-1])))
    p = max(orders, default=None)
    return p if p is not None and p >= 3 else None


def leading_order(obj: Any, point: np.ndarray, *, point_exact: tuple | None = None,
                  null: np.ndarray | None = None) -> tuple[int | None, str]:
    """Order p of the first non-vanishing term of f along the degenerate directions at
    ``point`` (4 for x^4 at 0), and how it was found.

    Exact (under the ``higher-order`` time budget) when ``point_exact`` is known: the lowest
    degree of the reduced function of the splitting lemma (in 1-D simply the Taylor series).
    Otherwise numeric, from ``f(x* + t v)`` along the Hessian's ``null`` directions.
    """
    if point_exact is not None:
        from landscape.budget import budget_seconds, run_with_budget

        try:
            p = run_with_budget(_exact_leading_order, obj.expr, obj.variables, obj.hessian,
                                tuple(point_exact), timeout=budget_seconds("higher-order"))
            if p is not None:
                return int(p), "exact Taylor data (splitting lemma)"
        except (BudgetExceeded, AnalysisError):
            pass
    if null is None or null.size == 0:
        return None, "no degenerate direction"
    p = _numeric_leading_order(obj, point, null)
    return p, "numeric directional probe f(x* + t v)"


def third_derivatives_vanish(obj: Any, x: np.ndarray, rtol: float = 1e-6) -> bool:
    """Whether every third derivative of f vanishes at ``x`` (numeric).

    ``T_i = (H(x + h e_i) - H(x - h e_i)) / (2h)`` with ``h = 1e-4 max(1, |x_i|)`` (central
    differences of the compiled Hessian, error ``O(h^2 f^(5)) + O(eps |H| / h)``); the third
    derivatives count as zero when ``max |T| <= rtol * max(1, max |H|)``.  Then Newton's error
    obeys ``e_(k+1) = O(|e_k|^3)`` at a nondegenerate minimizer.
    """
    hess = obj.compiled.hessian
    H = np.asarray(hess(x), dtype=float)
    scale = max(1.0, float(np.max(np.abs(H))))
    for i in range(x.size):
        h = 1e-4 * max(1.0, abs(float(x[i])))
        e = np.zeros_like(x)
        e[i] = h
        T = (np.asarray(hess(x + e), dtype=float) - np.asarray(hess(x - e), dtype=float)) / (2 * h)
        if not np.all(np.isfinite(T)) or float(np.max(np.abs(T))) > rtol * scale:
            return False
    return True


def _zero_eigenvalues(lam: np.ndarray, rel: float) -> np.ndarray:
    """Mask of eigenvalues with ``|lambda| <= rel * max(1, max |lambda|)``."""
    return np.abs(lam) <= rel * max(1.0, float(np.max(np.abs(lam))))


def local_model(obj: Any, target: Target) -> LocalModel | None:
    """Eigenvalues, Hessian, degeneracy and leading order at ``target.reference``.

    With a critical-point record its (exact or 30-digit) eigenvalues and degeneracy verdict
    are used, zero eigenvalues being those below ``1e-12`` relative; at a numerically located
    point the Hessian kernel's eigenvalues, zero below :data:`NUMERIC_ZERO_TOL` relative (the
    point is only accurate to ~1e-14, so a degenerate direction keeps a tiny curvature).
    Zero eigenvalues are passed to the theory as exact zeros.
    """
    if target.reference is None:
        return None
    x = target.reference
    H = symmetric(np.asarray(obj.compiled.hessian(x), dtype=float))
    cp = target.critical
    evals, evecs = np.linalg.eigh(H)
    if cp is not None:
        lam = np.sort(np.asarray(cp.eigenvalues, dtype=float))
        degenerate = bool(cp.degenerate)
        zero = _zero_eigenvalues(lam, 1e-12) if degenerate else np.zeros(lam.size, bool)
    else:
        lam = evals.copy()
        zero = _zero_eigenvalues(lam, NUMERIC_ZERO_TOL)
        degenerate = bool(np.any(zero))
    if not degenerate:
        return LocalModel([float(v) for v in lam], H, False, None)
    lam = np.where(zero, 0.0, lam)
    null = evecs[:, _zero_eigenvalues(evals, NUMERIC_ZERO_TOL)]
    exact_pt = getattr(cp, "point_exact", None) if cp is not None else None
    p, how = leading_order(obj, x, point_exact=exact_pt, null=null)
    note = f"degenerate point: leading order p = {p} ({how})"
    return LocalModel([float(v) for v in lam], H, True, p, (note,))


# ============================================================================ runs and steps


def _run(obj: Any, x0: np.ndarray, method: str, hyper: Mapping[str, Any], *,
         steps: int | None, maxiter: int | None, gtol: float, seed: int) -> OptimizeResult:
    """One recorded compiled run."""
    return minimize(obj, x0, method, steps=steps, maxiter=maxiter, gtol=gtol, record=True,
                    seed=seed, **hyper)


def _measure(obj: Any, res: OptimizeResult, target: Target, stochastic: bool,
             restart: int | None = None) -> Measurement:
    """The run measured against the target point (step lengths when there is none); also a
    run that ended far from it, so that a cycle or band around x* is measured as such;
    ``restart``: the method's restart period (its fast kinds are read on its cycles)."""
    x_star = target.reference
    fun_star = None if x_star is None else float(obj.compiled.value(x_star))
    stopped = None if rounding_stop(obj, res) else STOPPED_WORDS.get(str(res.status))
    meas = measure(res.path, x_star, fun=res.fun_path if x_star is not None else None,
                   fun_star=fun_star, stochastic=stochastic and x_star is not None,
                   restart=restart, isolated=target.isolated, stopped=stopped,
                   exact=exact_target(target))
    if res.status == "diverged" and meas.kind != "diverges":
        meas = replace(meas, kind="diverges", notes=[*meas.notes,
                       f"the optimizer stopped the run: {res.message}"])
    return meas


def exact_target(target: Target) -> bool:
    """Whether the run's errors are measured to an x* that is exact (its critical point is
    SymPy's) and exactly representable in floating point (:func:`float_exact`): the errors
    below the rounding floor are then exact distances (:func:`analysis.empirical.measure`,
    ``exact``).  A numeric or a given x* is not."""
    return (target.reference is not None and getattr(target.critical, "exact", False)
            and float_exact(target.reference))


#: the statuses of a run its method stopped before the iteration limit, in words
#: (:func:`analysis.empirical.measure`, ``stopped``)
STOPPED_WORDS = {"line_search_failed": "its line search failed", "stalled": "it stalled"}


#: how far above the rounding level of its line search a stopped run's gradient may be and
#: the stop still count as rounding's (:func:`rounding_stop`)
ROUNDING_STOP_FACTOR = 10.0


def rounding_stop(obj: Any, res: OptimizeResult) -> bool:
    """Whether a run its method stopped (a failed line search, a stall) stopped where rounding
    hides any decrease of f: a step along −g lowers f by at most ``‖g‖²/(2 λ_max)`` (λ_max the
    largest |eigenvalue| of ∇²f(x_K)), which f's rounding ``ε·max(1, |f(x_K)|)`` swallows when
    ``‖g‖₂ ≤ ROUNDING_STOP_FACTOR · √(2 ε max(1, |f(x_K)|) λ_max)``.  Such a run converged as
    far as f can tell (BFGS on the chained Rosenbrock function stops 4.9e−10 from x* with
    ‖∇f‖∞ = 8e−09); one stopped with a larger gradient (at a kink, ‖∇f‖∞ = 1) did not."""
    if STOPPED_WORDS.get(str(res.status)) is None:
        return False
    x = np.asarray(res.x, dtype=float)
    try:
        g = np.asarray(obj.compiled.gradient(x), dtype=float)
        H = np.asarray(obj.compiled.hessian(x), dtype=float)
        f = float(obj.compiled.value(x))
    except (ArithmeticError, ValueError):
        return False
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H)) and math.isfinite(f)):
        return False
    lam = float(np.max(np.abs(np.linalg.eigvalsh(0.5 * (H + H.T))))) if H.size else 0.0
    eps = float(np.finfo(float).eps)
    level = math.sqrt(2.0 * eps * max(1.0, abs(f)) * lam)
    return float(np.linalg.norm(g)) <= ROUNDING_STOP_FACTOR * level


def auto_cap(n: int) -> int:
    """:data:`AUTO_CAP`, lowered so the recorded path fits the optimizers' memory guard."""
    return int(min(AUTO_CAP, RECORD_LIMIT_BYTES // (8 * (n + 2)) - 1))


def next_budget(res: OptimizeResult, meas: Measurement, target: Target, *, stochastic: bool,
                cap: int) -> tuple[Budget | None, bool]:
    """The next ``maxiter`` of the automatic step choice, with the rule that set it, and
    whether it is the last round (``(None, True)``: keep this run).  Rules in the module
    docstring."""
    K = int(res.nit)
    if res.status == "diverged":
        return None, True
    if stochastic:
        want = min(cap, STOCHASTIC_STEPS)
        return ((Budget("stochastic", want, STOCHASTIC_STEPS), True)
                if res.status == "maxiter" and K < want else (None, True))
    if meas.floor_index is not None:
        k = meas.floor_index + FLOOR_MARGIN
        return ((Budget("floor", k, k, floor_index=int(meas.floor_index), margin=FLOOR_MARGIN),
                 True) if k < K else (None, True))
    if (res.status != "maxiter" or K >= cap or meas.kind in ("bounded", "finite")
            or meas.stalled is not None):
        return None, True
    if meas.kind == "linear" and meas.rate is not None and 0 < meas.rate < 1 and meas.window:
        x_star = target.reference
        e = errors(res.path, x_star) if x_star is not None else None
        if e is not None:
            b = min(meas.window[1], e.size - 1)
            floor = default_floor(float(np.linalg.norm(x_star)))
            need = b + math.log(floor / max(float(e[b]), floor)) / math.log(meas.rate)
            want = int(math.ceil(1.1 * need)) + FLOOR_MARGIN
            if want > K:
                return Budget("rate", min(cap, want), want, margin=FLOOR_MARGIN,
                              rate=float(meas.rate), previous=K, window_end=int(b),
                              error=max(float(e[b]), floor), floor=floor), False
    return Budget("tenfold", min(cap, 10 * K), 10 * K, previous=K), False


# ============================================================================ the study


def _no_point_prediction(target: Target) -> Prediction:
    """Kind ``none``: there is no point to evaluate the theory at."""
    return Prediction("none", None, None, "none", False,
                      [f"no critical point to evaluate the theory at ({target.how})"])


def unstable_at_start(obj: Any, x0: np.ndarray, method: str,
                      hyper: Mapping[str, Any]) -> str | None:
    """Why a fixed-step run that theory calls stable at x* can diverge anyway: the step is
    past the stability limit for the largest curvature at the start, ``lambda_max(H(x0))``
    (the prediction of the same method for the spectrum ``[lambda_max(H(x0))]`` is unstable).
    Returns that reason, or None."""
    if METHODS_FIXED_STEP.get(method) is None or hyper.get("line_search", "none") != "none":
        return None
    H = symmetric(np.asarray(obj.compiled.hessian(x0), dtype=float))
    if not np.all(np.isfinite(H)):
        return None
    lam = float(np.max(np.linalg.eigvalsh(H)))
    if lam <= 0:
        return None
    try:
        at_start = predict(method, hyper, [lam])
    except ValueError:
        return None
    if at_start.stable:
        return None
    return (f"the run diverged before reaching x*'s neighbourhood: the step is past the "
            f"stability limit for the curvature at x0 (lambda_max(H(x0)) = {fmt(lam, 4)}, "
            f"{METHODS_FIXED_STEP[method]} = {fmt(at_start.rate, 4)} > 1), while stable at x*; "
            "the local theory at x* does not describe this path")


#: fixed-step methods and the quantity whose size decides stability
METHODS_FIXED_STEP = {"gd": "max|1 - lr lambda|", "sgd": "max|1 - lr lambda|",
                      "momentum": "spectral radius", "nesterov": "spectral radius"}


def _comparison(pred: Prediction, meas: Measurement, target: Target,
                line_search: str | None, start_reason: Callable[[], str | None]) -> Comparison:
    """:func:`analysis.compare.compare`, or *not comparable* when the run ended outside the
    convergence radius of every critical point (unless theory predicts divergence there), or
    diverged from the start because the step is unstable for the curvature at x0
    (``start_reason``)."""
    if target.reference is None:
        return Comparison(False, "not comparable", reason=target.how.removeprefix("none: "))
    if pred.kind == "none" and not pred.stochastic:
        where = "" if target.comparable else "; " + target.how.removeprefix("none: ")
        return Comparison(False, "not comparable", reason=f"{pred.reason}{where}")
    if target.reference is None or (not target.comparable and pred.kind != "diverges"):
        reason = target.how.removeprefix("none: ")
        if meas.kind == "diverges" and pred.stable and (why := start_reason()):
            reason = why
        return Comparison(False, "not comparable", reason=reason)
    if meas.kind == "diverges" and pred.stable and pred.kind != "none":
        why = start_reason()
        if why:
            return Comparison(False, "not comparable", reason=why)
    return compare(pred, meas, line_search=line_search)


def rate_study(
    obj: Any,
    method: str,
    x0: Any,
    *,
    steps: int | None = None,
    maxiter: int | None = None,
    minimizer: Any = None,
    box: Any = None,
    critical_points: Sequence[Any] | None = None,
    gtol: float = 0.0,
    seed: int = 0,
    **hyper: Any,
) -> RateStudy:
    """Run ``method`` from ``x0`` and put the theoretical rate next to the measured one.

    ``steps``/``maxiter`` as in :func:`optimizers.minimize` (neither: automatic, see the module
    docstring); ``minimizer``: the point the theory is about (else located from the run);
    ``box``: where to look for critical points; ``critical_points``: a precomputed list (e.g.
    ``obj.critical_points(box)``); ``gtol``: the run's gradient tolerance (0: run to the
    floor); ``hyper``: the method's hyperparameters (PyTorch names).
    """
    spec, eff = resolve(method, hyper)
    x = as_start(obj, x0)
    cache: dict[str, Sequence[Any]] = {}
    if critical_points is not None:  # a CriticalPoints list keeps ``complete``
        cache["cps"] = (critical_points if hasattr(critical_points, "complete")
                        else list(critical_points))

    def points() -> Sequence[Any]:
        if "cps" not in cache:
            try:
                cache["cps"] = critical_points_of(obj, box)
            except (InputError, AnalysisError):  # e.g. finite sums: refine the run instead
                cache["cps"] = []
        return cache["cps"]

    stochastic = float(eff.get("noise", 0.0) or 0.0) > 0.0 or eff.get("batch_size") is not None
    restart = spec.restart_period(eff, obj.n)
    auto = steps is None and maxiter is None
    nxt = Budget("first", spec.maxiter, spec.maxiter) if auto else None
    budget = spec.maxiter if auto else maxiter
    cap = auto_cap(obj.n)
    for _ in range(AUTO_ROUNDS + 1):
        res = _run(obj, x, method, hyper, steps=steps, maxiter=budget, gtol=gtol, seed=seed)
        rule = nxt  # the budget rule of this run
        target = locate_target(obj, res, x, minimizer=minimizer, points=points)
        meas = _measure(obj, res, target, stochastic, restart)
        if not auto:
            break
        nxt, last = next_budget(res, meas, target, stochastic=stochastic, cap=cap)
        if nxt is None:
            break
        budget = nxt.maxiter
        if last:
            res = _run(obj, x, method, hyper, steps=None, maxiter=budget, gtol=gtol, seed=seed)
            rule = nxt
            target = locate_target(obj, res, x, minimizer=minimizer, points=points)
            meas = _measure(obj, res, target, stochastic, restart)
            break
    kink = target.reference is not None and on_a_kink(obj, target.reference, target)
    model = None if kink else local_model(obj, target)
    notes = list(model.notes) if model is not None else []
    probe = probe_kink(obj, target.reference) if kink else None
    if probe is not None and probe.piece_hessian is not None:
        H = probe.piece_hessian
        model = LocalModel([float(v) for v in np.linalg.eigvalsh(H)], H, False, None)
        notes.append("x* is a kink of f, but a piece of f meeting there is stationary at x* (its "
                     "own gradient vanishes): runs that settle in that piece follow its smooth "
                     "theory, evaluated with that piece's Hessian")
        pred = predict(method, eff, model.eigenvalues, hessian=H, extra={"quadratic": False})
    elif probe is not None:
        notes.append(f"x* is a kink of f: largest gradient norm of the pieces there "
                     f"G = {fmt(probe.G, 6)} (one-sided gradients probed around x*)")
        pred = predict_kink(method, eff, probe.G)
    elif model is None:
        pred = _no_point_prediction(target)
    else:
        extra: dict[str, Any] = {"quadratic": is_quadratic(obj)}
        if model.leading_order:
            extra["leading_order"] = model.leading_order
        if (method == "newton" and not model.degenerate and not extra["quadratic"]
                and third_derivatives_vanish(obj, target.reference)):  # only Newton's order
            extra["third_derivative_zero"] = True
            notes.append("third derivatives vanish at the point (central differences of the "
                         "Hessian, 1e-6 relative)")
        # what the method's theory needs at x* beyond the Hessian, measured as it asks
        extra.update(inputs_at(method, obj.compiled, target.reference))
        pred = predict(method, eff, model.eigenvalues, hessian=model.hessian, extra=extra)
    if pred.kind == "none" and not pred.stochastic:  # no rate: the point only measures errors
        target = replace(target, how=without_theory(target.how))
    comp = _comparison(pred, meas, target, eff.get("line_search"),
                       lambda: unstable_at_start(obj, x, method, eff))
    return RateStudy(
        method=method,
        hyper=eff,
        x0=x,
        minimizer=target.minimizer,
        minimizer_how=target.how,
        eigenvalues=None if model is None else model.eigenvalues,
        hessian=None if model is None else model.hessian,
        degenerate=False if model is None else model.degenerate,
        leading_order=None if model is None else model.leading_order,
        prediction=pred,
        measurement=meas,
        comparison=comp,
        result=res,
        reference=target.reference,
        notes=notes,
        budget=rule,
    )


def rate_table(obj: Any, runs: Sequence[tuple[str, Mapping[str, Any]]], x0: Any,
               **kw: Any) -> list[RateStudy]:
    """One :func:`rate_study` per ``(method, hyper)`` row, from the same ``x0``.

    ``kw``: run options shared by every row (``steps, maxiter, minimizer, box,
    critical_points, gtol, seed``) and hyperparameters shared by every row (a row's own
    ``hyper`` wins).  The critical points are computed once for the table.
    """
    options = {k: v for k, v in kw.items() if k in _RUN_OPTIONS}
    common = {k: v for k, v in kw.items() if k not in _RUN_OPTIONS}
    if options.get("minimizer") is None and options.get("critical_points") is None:
        options["critical_points"] = critical_points_of(obj, options.get("box"))
    return [rate_study(obj, method, x0, **options, **{**common, **dict(hyper)})
            for method, hyper in runs]
