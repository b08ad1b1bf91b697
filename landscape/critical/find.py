"""Orchestration: :func:`find_critical_points`, the exact path first, the numeric path
(compiled Newton from many starts, refinement, classification) otherwise.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import sympy as sp

from ..box import require_analysis_box
from ..budget import run_with_budget
from ..errors import AnalysisError, BudgetExceeded, InputError
from ..numfmt import plural, spaced
from ..progress import Progress, Stages
from .exact import _ExactPoint, _ExactSolution, exact_critical_points
from .kinks import clarke_stationary, kink_points, limiting_gradients, on_kink
from .points import (
    _classify_exact_point,
    _collapse_notes,
    _Context,
    _dedupe,
    _finish_numeric,
    _kept,
    _numeric_candidates,
    _refine_all,
    _start_points,
)
from .refine import REFINE_DPS
from .results import CriticalPoint, CriticalPoints

#: the clause a numeric search's note ends with (a reader of the notes that says so
#: already can strip it)
INCOMPLETE = "the list may be incomplete"


@np.errstate(all="ignore")  # overflow to inf/nan is handled where it matters
def find_critical_points(
    obj: Any,
    box: Any = None,
    *,
    exact: bool = True,
    starts: Any = None,
    seed: int = 0,
    tol: float = 1e-10,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> CriticalPoints:
    """Critical points of ``obj`` in the (closed) box, classified.

    ``exact``: try the symbolic solve first (under the ``solve`` budget, or ``timeout``
    seconds); ``starts``: number of numeric starts (default 200·n) or an explicit (N, n)
    array; ``tol``: gradient tolerance of the numeric search (scaled by the typical gradient
    size) and relative eigenvalue tolerance for degeneracy.  ``complete`` is True only when
    the exact solve proved the list complete.  ``progress``: optional callback told each
    stage (exact solve, kinks, classification, numeric search; :mod:`landscape.progress`).
    """
    if obj.data_symbols:
        raise InputError("critical points of finite-sum objectives need bound data; "
                         "not supported by the symbolic analysis")
    B = require_analysis_box(obj.box(box))
    ctx = _Context(obj, B, tol, timeout, seed)
    stage = Stages(progress)
    if all(gi == 0 for gi in obj.gradient_list):  # nothing to search: a continuum, not a list
        return CriticalPoints([], complete=False, method="exact", notes=[
            "f is constant: every point of the box is critical (each a global minimum and "
            "maximum), so none is listed"])
    sol: _ExactSolution | None = None
    if exact:
        stage(f"exact solve (at most {ctx.budget('solve'):.3g} s)")
        t0 = time.monotonic()
        try:
            sol = run_with_budget(exact_critical_points, obj.expr, obj.variables,
                                  obj.gradient_list, B, timeout=ctx.budget("solve"))
            ctx.notes.extend(sol.notes)
        except BudgetExceeded:
            ctx.notes.append(f"exact solve abandoned after {time.monotonic() - t0:.3g} s")
        except AnalysisError as exc:
            ctx.notes.append(f"exact solve failed ({exc})")
    if exact and ctx.switches:
        stage("kinks of f")
    ksol = _search_kinks(ctx) if exact else None
    ctx.kinks_searched = ksol is not None and ksol.status in ("complete", "continuum")
    kinks = ksol.points if ksol is not None else []
    kinks_done = ksol.status == "complete" if ksol is not None else not ctx.switches
    kinks_solved = ksol is not None and ksol.status in ("complete", "continuum")
    solved = sol is not None and sol.status in ("complete", "continuum") and (
        sol.status == "complete" or bool(sol.points))
    if solved or kinks_solved:
        # with kinks, the search by strata covers the smooth regions too: it alone is complete
        points = _merge_points(sol.points if sol is not None else [], kinks, ctx.radius)
        ctx.all_points = [tuple(float(sp.N(c, 20)) for c in p.coords) for p in points]
        stage(f"classification of {plural(len(points), 'point')}")
        pts = [cp for ep in points for cp in _kept(_classify_exact_point, ctx, ep)]
        complete = kinks_done and (not solved or sol.status == "complete")
        if complete and ctx.n == 1 and not obj.expr.is_polynomial(*obj.variables):
            complete = _cross_check(ctx, pts, starts, seed)
        if not solved and sol is not None:  # the strata answered what ∇f = 0 could not
            ctx.notes = [note for note in ctx.notes if note not in sol.notes]
        pts.sort(key=lambda p: p.point)
        return CriticalPoints(pts, complete=complete, method="exact",
                              notes=_collapse_notes(ctx.notes))
    points = _merge_points([] if sol is None else sol.points, kinks, ctx.radius)
    exact_pts = [cp for ep in points for cp in _kept(_classify_exact_point, ctx, ep)]
    return _numeric_path(ctx, starts, seed, exact_pts, snap=exact, stage=stage)


def _search_kinks(ctx: _Context) -> _ExactSolution | None:
    """Points where 0 ∈ ∂f found by strata (:func:`kink_points`), or None without kinks."""
    if not ctx.switches:
        return None
    obj = ctx.obj
    try:
        res = run_with_budget(kink_points, obj.expr, obj.variables, obj.gradient_list,
                              ctx.box, timeout=ctx.budget("solve"))
    except (BudgetExceeded, AnalysisError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        ctx.notes.append(f"symbolic search of the kinks of f abandoned ({first})")
        return _ExactSolution("partial")
    ctx.notes.extend(res.notes)
    return res


def _merge_points(points: list[_ExactPoint], more: list[_ExactPoint],
                  radius: float) -> list[_ExactPoint]:
    """``points`` plus those of ``more`` that are not within ``radius`` of one of them."""
    out = list(points)
    have = [np.array([float(sp.N(c, 20)) for c in p.coords]) for p in out]
    for p in more:
        x = np.array([float(sp.N(c, 20)) for c in p.coords])
        if all(np.linalg.norm(x - h) > radius for h in have):
            out.append(p)
            have.append(x)
    return out


def _cross_check(ctx: _Context, pts: list[CriticalPoint], starts: Any, seed: int) -> bool:
    """Measured check of a solveset answer: numeric roots it misses make the list incomplete."""
    cands, _ = _numeric_candidates(ctx, starts, seed)
    missing = [x for x in cands
               if all(np.linalg.norm(x - np.array(p.point)) > 10 * ctx.radius for p in pts)]
    if not missing:
        return True
    deadline = time.monotonic() + ctx.budget("refine")
    confirmed = _refine_all(ctx, missing, False, deadline)
    for x, g, _ in confirmed:
        pts.extend(_kept(_finish_numeric, ctx, x, g, False))
    if confirmed:
        found = plural(len(confirmed), "critical point")
        ctx.notes.append(f"numeric search found {found} the exact solver missed; list not "
                         "proved complete")
    return not confirmed


def _kink_minima(ctx: _Context, seed: int, count: int = 8) -> list[np.ndarray]:
    """Minima of f on kinks when the search by strata did not run to the end: Powell's method
    (no derivatives) on f from the box's centre and ``count`` Halton starts; an end point is
    kept where f is Lipschitz nearby (the one-sided gradients at 1e-6 are not much larger than
    at 1e-4) and 0 ∈ ∂f to 1e-4 (one-sided gradients at 1e-6, kinks active within 1e-6).
    Finds minimizers only — maxima and saddles on kinks need the search by strata."""
    from scipy.optimize import minimize

    obj, box = ctx.obj, ctx.box
    X0 = np.vstack([box.mean(axis=1), _start_points(box, count, seed + 1)])
    out: list[np.ndarray] = []

    def fun(x):
        v = obj.compiled.value(x)
        return v if math.isfinite(v) else 1e300

    deadline = time.monotonic() + ctx.budget("refine")
    for x0 in X0:
        if time.monotonic() > deadline:
            break
        res = minimize(fun, x0, method="Powell", bounds=[tuple(b) for b in box],
                       options={"xtol": 1e-13, "ftol": 1e-15, "maxfev": 5_000})
        x = np.asarray(res.x, float)
        coords = tuple(float(v) for v in x)
        if any(np.linalg.norm(x - y) <= 10 * ctx.radius for y in out):
            continue
        if not on_kink(ctx.switches, obj.variables, coords, 1e-6):
            continue
        exact = tuple(sp.Rational(v) for v in coords)
        near = [limiting_gradients(obj.expr, obj.variables, obj.gradient_list, exact, eps=e,
                                   active_tol=1e-6) for e in (1e-6, 1e-4)]
        if near[0].shape != near[1].shape or not near[0].size or not np.all(
                np.linalg.norm(near[0], axis=1) <= 2 * np.linalg.norm(near[1], axis=1) + 1):
            continue  # gradients blow up towards x (log|x| at 0): f is not Lipschitz there
        if clarke_stationary(obj.expr, obj.variables, obj.gradient_list, exact, tol=1e-4,
                             eps=1e-6, active_tol=1e-6):
            out.append(x)
    if out:
        ctx.notes.append(f"{len(out)} minimum/minima on kinks of f found by minimising f "
                         "(Powell) and checked: 0 ∈ ∂f to 1e-4")
    return out


def _numeric_path(ctx: _Context, starts: Any, seed: int, exact_pts: list[CriticalPoint],
                  snap: bool, stage: Stages | None = None) -> CriticalPoints:
    stage = stage or Stages(None)
    stage("numeric search")
    cands, count = _numeric_candidates(ctx, starts, seed)
    cands = [x for x in cands
             if all(np.linalg.norm(x - np.array(p.point)) > 10 * ctx.radius for p in exact_pts)]
    deadline = time.monotonic() + 3.0 * ctx.budget("refine")
    refined = _refine_all(ctx, cands, snap, deadline)
    if ctx.switches and not ctx.kinks_searched:
        known = [np.array(p.point) for p in exact_pts] + [r[0] for r in refined]
        refined += [(x, float(np.linalg.norm(ctx.obj.compiled.gradient(x))), None)
                    for x in _kink_minima(ctx, seed)
                    if all(np.linalg.norm(x - k) > 10 * ctx.radius for k in known)]
    pts_arr = [r[0] for r in refined]
    reps = _dedupe(pts_arr, [r[1] for r in refined], ctx.radius)
    refined = [refined[i] for i in reps]
    ctx.all_points = [p.point for p in exact_pts] + [tuple(r[0]) for r in refined]
    stage(f"classification of {plural(len(refined), 'point')}")
    points = list(exact_pts)
    for x, g, ex in refined:
        if ex is not None:
            points.extend(_kept(_classify_exact_point, ctx, _ExactPoint(ex)))
        else:
            points.extend(_kept(_finish_numeric, ctx, x, g, False))
    points.sort(key=lambda p: p.point)
    ctx.notes.append(
        f"numeric search of the box with {spaced(count)} starts "
        f"(Newton/Levenberg–Marquardt on ∇f = 0, then Newton at {REFINE_DPS} digits); "
        + INCOMPLETE
    )
    if len(points) > 20 and sum(p.degenerate for p in points) > 0.8 * len(points):
        ctx.notes.append("most points are degenerate: the critical points may form a continuum")
    return CriticalPoints(points, complete=False, method="numeric",
                          notes=_collapse_notes(ctx.notes))
