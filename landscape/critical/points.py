"""The numeric path's pieces: start points, the shared context of one search, candidates
from the compiled Newton kernel, refinement of them all, and the assembly of a classified
:class:`CriticalPoint` (smooth, on a kink, or exact).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import sympy as sp

from ..budget import budget_seconds, run_with_budget
from ..errors import AnalysisError, BudgetExceeded, InputError
from ..numfmt import fmt, plural
from .classify import classify_exact
from .exact import _ExactPoint, _in_box
from .kernel import NONFINITE, newton_batch
from .kinks import clarke_stationary, on_kink, switching_functions
from .probe import probe_kind
from .refine import REFINE_DPS, refine_point
from .results import CriticalPoint

# ============================================================================ orchestration


def _default_starts(n: int) -> int:
    return 200 * n + 56 * (n == 1)


def _start_points(box: np.ndarray, starts: Any, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    n = box.shape[0]
    if starts is not None and not np.isscalar(starts):
        X0 = np.asarray(starts, dtype=float).reshape(-1, n)
        return np.ascontiguousarray(X0)
    count = int(starts) if starts is not None else _default_starts(n)
    if count < 1:
        raise InputError("starts must be a positive number of points")
    U = qmc.Halton(d=n, scramble=True, seed=seed).random(count)
    return np.ascontiguousarray(box[:, 0] + U * (box[:, 1] - box[:, 0]))


def _dedupe(points: list[np.ndarray], gnorms: list[float], radius: float) -> list[int]:
    """Greedy clustering, best gradient first: indices of the representatives."""
    order = np.argsort(gnorms)
    reps: list[int] = []
    for i in order:
        if all(np.linalg.norm(points[i] - points[j]) > radius for j in reps):
            reps.append(int(i))
    return reps


def _collapse_notes(notes: list[str]) -> list[str]:
    """Keep at most three per-point higher-order notes; summarise the rest."""
    per_point = [n for n in notes if n.startswith("higher-order test at")]
    if len(per_point) <= 3:
        return notes
    rest = [n for n in notes if not n.startswith("higher-order test at")]
    return rest + per_point[:3] + [f"... and {len(per_point) - 3} more points where the "
                                   "higher-order test was inconclusive (decided by probing)"]


class _Context:
    """Shared state of one run: objective, box, tolerances, deadlines, notes."""

    def __init__(self, obj, box, tol, timeout, seed):
        self.obj = obj
        self.box = box
        self.n = obj.n
        self.tol = tol
        self.timeout = timeout
        self.rng = np.random.default_rng(seed)
        self.diameter = float(np.linalg.norm(box[:, 1] - box[:, 0]))
        self.radius = 1e-4 * self.diameter
        self.notes: list[str] = []
        self.switches = switching_functions(obj.expr)
        self.kinks_searched = False  # set when the search by strata ran to the end

    def budget(self, name: str) -> float:
        b = budget_seconds(name)
        return min(b, self.timeout) if self.timeout is not None else b


def _numeric_candidates(ctx: _Context, starts: Any, seed: int) -> tuple[list[np.ndarray], int]:
    """Run the compiled Newton/LM from all starts; converged points inside the box, deduped."""
    obj, box = ctx.obj, ctx.box
    X0 = _start_points(box, starts, seed)
    c = obj.compiled
    G0 = c.gradients(X0)
    gscale = float(np.median(np.linalg.norm(G0, axis=1)))
    gtol = ctx.tol * max(1.0, gscale if math.isfinite(gscale) else 1.0)
    X = np.empty_like(X0)
    gnorm = np.empty(X0.shape[0])
    status = np.empty(X0.shape[0], dtype=np.int64)
    newton_batch(c.g, c.h, c.data, X0, np.ascontiguousarray(box), 200, gtol, X, gnorm, status)
    keep = [
        i for i in range(X0.shape[0])
        if gnorm[i] <= 1e3 * gtol and status[i] != NONFINITE and _in_box(tuple(X[i]), box, 1e-9)
    ]
    pts = [np.clip(X[i], box[:, 0], box[:, 1]) for i in keep]
    reps = _dedupe(pts, [float(gnorm[i]) for i in keep], ctx.radius)
    return [pts[i] for i in reps], X0.shape[0]


def _finish_numeric(ctx: _Context, x: np.ndarray, gnorm: float, exact: bool) -> CriticalPoint:
    """Classify a numeric point: compiled Hessian eigenvalues, then probing if degenerate."""
    obj, n = ctx.obj, ctx.n
    kink = _kink_point(ctx, x, gnorm, None, exact)
    if kink is not None:
        return kink
    H = obj.compiled.hessian(x)
    evals, evecs = np.linalg.eigh(0.5 * (H + H.T))
    hnorm = float(np.max(np.abs(evals))) if n else 0.0
    tau = max(ctx.tol, 10 * math.sqrt(max(gnorm, 0.0))) * max(1.0, hnorm)
    null = np.abs(evals) <= tau
    return _assemble(ctx, x, obj.compiled.value(x), gnorm, evals, evecs, null, None, None, exact)


class _OutsideDomain(Exception):
    """A candidate point where f itself is not finite (a kink of log|x| at 0): not a point."""


def _kept(make: Any, *args: Any) -> list[CriticalPoint]:
    """``[make(*args)]``, or ``[]`` when the candidate lies outside the domain of f."""
    try:
        return [make(*args)]
    except _OutsideDomain:
        return []


def _kink_point(ctx: _Context, x, gnorm: float, point_exact, exact: bool) -> CriticalPoint | None:
    """The point classified without a Hessian if it lies on a kink of f, else None."""
    if not ctx.switches:
        return None
    coords = point_exact if point_exact is not None else tuple(float(v) for v in x)
    tol = 1e-20 if point_exact is not None else 1e-8
    if not on_kink(ctx.switches, ctx.obj.variables, coords, tol):
        return None
    n = ctx.n
    xf = np.asarray(x, float)
    if point_exact is not None:
        sub = dict(zip(ctx.obj.variables, point_exact, strict=True))
        v = sp.N(ctx.obj.expr.xreplace(sub), 30)
        if not (v.is_real and v.is_finite):
            raise _OutsideDomain  # e.g. log|x| at 0: f is not defined there
        value = float(v)
    else:
        value = ctx.obj.compiled.value(xf)
        if not math.isfinite(value):
            raise _OutsideDomain
    kind = probe_kind(ctx.obj, xf, np.eye(n), np.ones(n, dtype=bool), _probe_radius(ctx, xf),
                      ctx.rng)
    return CriticalPoint(
        point=tuple(float(v) + 0.0 for v in xf), value=value + 0.0, gradient_norm=float(gnorm),
        eigenvalues=(math.nan,) * n, condition_number=math.nan, index=0,
        kind=kind or "unknown", degenerate=False, test="nondifferentiable", exact=exact,
        point_exact=point_exact, eigenvalues_exact=None, differentiable=False,
    )


def _assemble(ctx, x, value, gnorm, evals, evecs, null, eig_exact, point_exact, exact,
              kind=None, decided_note=None):
    n = ctx.n
    degenerate = bool(np.any(null))
    neg = (evals < 0) & ~null
    pos = (evals > 0) & ~null
    index = int(np.sum(neg))
    if not degenerate:
        kind = "minimum" if index == 0 else ("maximum" if index == n else "saddle")
        test = "hessian"
    elif np.any(neg) and np.any(pos):
        kind, test = "saddle", "hessian"
    else:
        if kind is None:
            kind = probe_kind(ctx.obj, np.asarray(x, float), evecs, null,
                              _probe_radius(ctx, x), ctx.rng)
        test = "higher-order" if kind is not None else "inconclusive"
        kind = kind or "unknown"
    absv = np.abs(evals)
    cond = float(absv.max() / absv.min()) if (not degenerate and absv.min() > 0) else math.inf
    return CriticalPoint(
        point=tuple(float(v) + 0.0 for v in x),
        value=float(value) + 0.0,
        gradient_norm=float(gnorm),
        eigenvalues=tuple(float(v) + 0.0 for v in evals),
        condition_number=cond,
        index=index,
        kind=kind,
        degenerate=degenerate,
        test=test,
        exact=exact,
        point_exact=point_exact,
        eigenvalues_exact=eig_exact,
    )


def _probe_radius(ctx: _Context, x) -> float:
    width = float(np.min(ctx.box[:, 1] - ctx.box[:, 0]))
    r = 0.02 * width
    others = getattr(ctx, "all_points", [])
    for p in others:
        d = float(np.linalg.norm(np.asarray(p) - np.asarray(x)))
        if d > ctx.radius:
            r = min(r, 0.25 * d)
    return r


def _classify_exact_point(ctx: _Context, ep: _ExactPoint) -> CriticalPoint:
    obj = ctx.obj
    floats = np.array([float(sp.N(c, 30)) for c in ep.coords])
    kink = _kink_point(ctx, floats, 0.0, ep.coords, True)
    if kink is not None:
        return kink
    try:
        res = run_with_budget(
            classify_exact, obj.expr, obj.variables, obj.hessian, ep,
            timeout=ctx.budget("eigenvalues"),
        )
    except (BudgetExceeded, AnalysisError) as exc:
        ctx.notes.append(f"exact classification of {fmt(floats)} abandoned ({exc}); "
                         "classified numerically")
        cp = _finish_numeric(ctx, floats, 0.0, True)
        cp.point_exact = ep.coords
        return cp
    evals = np.array(res.eigenvalues)
    H = obj.compiled.hessian(floats)
    _, evecs = np.linalg.eigh(0.5 * (H + H.T))
    null = np.array(res.zero)
    if res.note and res.kind is None:
        ctx.notes.append(f"higher-order test at {fmt(floats)}: {res.note}; probing")
    return _assemble(ctx, floats, res.value, 0.0, evals, evecs, null, res.eigenvalues_exact,
                     ep.coords, True, kind=res.kind)


def _float_settled(obj: Any, x: np.ndarray) -> bool:
    """The double-precision Newton step −H⁺∇f from x is below 1e-8·max(1, ‖x‖): x is where
    Newton stops, not merely where ∇f is tiny."""
    g, H = obj.compiled.gradient(x), obj.compiled.hessian(x)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        return False
    step = np.linalg.pinv(0.5 * (H + H.T), rcond=1e-12) @ g
    return bool(np.linalg.norm(step) <= 1e-8 * max(1.0, float(np.linalg.norm(x))))


def _underflows(obj: Any, x: np.ndarray) -> bool:
    """∇f(x) is 0 in double precision but not at 30 digits: the float zero is underflow
    ((x + y)^10000 at x + y = 0.4), not a critical point."""
    import mpmath

    with mpmath.workdps(REFINE_DPS):
        sub = {v: sp.Float(float(c), REFINE_DPS) for v, c in zip(obj.variables, x, strict=True)}
        try:
            return any(sp.N(g.xreplace(sub), REFINE_DPS) != 0 for g in obj.gradient_list)
        except (TypeError, ValueError, ZeroDivisionError):
            return False


def _float_kink_stationary(ctx: _Context, x: np.ndarray) -> bool:
    """A floating-point point on a kink of f (switch within 1e-8) where 0 ∈ ∂f to 1e-5."""
    coords = tuple(float(v) for v in x)
    if not ctx.switches or not on_kink(ctx.switches, ctx.obj.variables, coords, 1e-8):
        return False
    exact = tuple(sp.Rational(v) for v in coords)
    return clarke_stationary(ctx.obj.expr, ctx.obj.variables, ctx.obj.gradient_list, exact,
                             tol=1e-5, eps=1e-7, active_tol=1e-8)


def _refine_all(ctx: _Context, cands: list[np.ndarray], snap: bool, deadline: float):
    """Refine numeric candidates; drop those the 30-digit Newton refutes."""
    obj = ctx.obj
    out = []
    dropped = kinks = underflow = 0
    for x in cands:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise BudgetExceeded("refinement budget used up")
            r = run_with_budget(refine_point, obj.gradient_list, obj.hessian, obj.variables, x,
                                50 * ctx.radius, snap, timeout=min(left, ctx.budget("refine")))
        except (BudgetExceeded, AnalysisError) as exc:
            g = float(np.linalg.norm(obj.compiled.gradient(x)))
            if not _float_settled(obj, x) or (g == 0.0 and _underflows(obj, x)):
                underflow += 1
                continue
            ctx.notes.append(f"refinement of {fmt(x)} abandoned ({exc}); "
                             "float point kept")
            out.append((x, g, None))
            continue
        if not r.converged:
            if _float_kink_stationary(ctx, x):
                kinks += 1
                out.append((x, float(np.linalg.norm(obj.compiled.gradient(x))), None))
            else:
                dropped += 1
            continue
        out.append((np.array(r.point), r.gnorm, r.exact))
    if underflow:
        ctx.notes.append(f"dropped {plural(underflow, 'unrefined candidate point')}: a Newton "
                         "step from each is not small (or ∇f is 0 only by underflow)")
    if kinks:
        ctx.notes.append(f"kept {plural(kinks, 'candidate point')} on kinks of f, where Newton "
                         "has no derivative to settle on: 0 ∈ ∂f there to 1e-5 (one-sided "
                         "gradients at distance 1e-7)")
    if dropped:
        ctx.notes.append(f"dropped {plural(dropped, 'candidate point')} with small ‖∇f‖ that "
                         f"Newton at {REFINE_DPS} digits did not confirm")
    return out
