"""``minimize`` / ``minimize_batch``: validate, run the compiled engines, package the results.

Conventions (shared by every method)
------------------------------------
* One *iteration* is one update of x (a sweep of n coordinates for ``coordinate``, one
  minibatch step for minibatch SGD).  ``nit`` counts completed iterations.
* ``steps=K`` runs exactly K iterations with no early stop (status ``steps``); ``maxiter=K``
  is an upper bound with the tolerances (status ``maxiter`` when reached).  Default maxiter:
  1000 for first-order and coordinate methods, 200 for newton, cg, bfgs and lbfgs.
* Stopping tests, after each iteration (and at x₀ for gtol):
  gtol: ‖∇f(x)‖∞ ≤ gtol (max-norm, as SciPy's BFGS and Optim.jl; with ``weight_decay`` λ the
  gradient of the regularised objective f + (λ/2)‖x‖², i.e. ‖∇f + λx‖∞);
  ftol: |f_k − f_{k+1}| / max(|f_k|, |f_{k+1}|, 1) ≤ ftol (off when 0);
  xtol: ‖x_{k+1} − x_k‖∞ ≤ xtol (off when 0).
  Minibatch runs test them at epoch ends (and at the last step) on the full-data f and ∇f.
* Divergence (status ``diverged``): x, f(x) or ∇f(x) not finite, or
  ‖x‖∞ > 1e8·(1 + ‖x₀‖∞) (:data:`DIVERGENCE_BOUND`).  The last iterate that passed these
  checks is reported (with its finite f and ∇f), and ``nit`` is its index.  A NaN objective
  at a finite point means the step left the objective's domain (log or sqrt of a negative
  number, …), and the message says so.
* ``stalled``: an iteration left x unchanged without meeting the tolerances, a singular
  Hessian (pure Newton), or negative curvature in linear CG.  ``line_search_failed``: no step
  satisfied the line-search conditions (the best point seen is kept) or the direction was
  not a descent direction.  ``success`` is true for ``converged`` and ``steps``.
* ``nfev`` / ``njev`` / ``nhev`` count evaluations of f / ∇f / ∇²f.  The per-start methods
  (GD with a line search, Newton, CG, BFGS, L-BFGS, coordinate descent) evaluate f and ∇f
  together at every point, line-search trials included (one ``fg`` kernel call), so for
  them ``nfev == njev``.
* Trajectories (``record=True``) store x, f and ‖∇f‖∞ per iterate.  When the K + 1 iterates
  of the N starts, N·(K+1)·(n+2) float64s, exceed :data:`RECORD_LIMIT_BYTES` (2e8 bytes), or
  ``record`` is an int r < K + 1 (the most iterates to keep per start), every s-th iterate is
  kept with the smallest stride s that fits: iterates 0, s, 2s, … ≤ nit.  ``path_stride``
  says which (1: all of them).  A batch whose starts cannot keep two iterates each is refused.
* Limits (:mod:`landscape.limits`): counts are integers of at most 2⁵³, tolerances finite,
  and the run's memory (starts, results, trajectories, workspaces) is estimated before it is
  allocated and refused above the memory limit.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numba
import numpy as np

from landscape.errors import InputError
from landscape.jsonutil import jsonable
from landscape.limits import check_count, check_memory, format_bytes, memory_limit_bytes
from landscape.numfmt import fmt_grad, plural

from . import _layout as L
from .engine import (
    FIRST_ORDER_FUNCTIONS,
    PER_START_FUNCTIONS,
    addresses,
    engines,
    method_kernel,
    no_hessian,
)
from .methods import DEFAULT_FTOL, DEFAULT_GTOL, DEFAULT_XTOL, MethodSpec, resolve
from .spec import holds

#: divergence when ‖x‖∞ > DIVERGENCE_BOUND·(1 + ‖x₀‖∞)
DIVERGENCE_BOUND = 1e8
#: memory guard of recorded trajectories, bytes
RECORD_LIMIT_BYTES = 2e8
#: starts per lock-step chunk (first-order; see :func:`lock_step_chunk`) and the fewest per
#: work item of the per-start engine (see :func:`per_start_chunk`)
FIRST_ORDER_CHUNK = 64
PER_START_CHUNK = 4
#: the most starts per work item of the per-start engine
PER_START_MAX_CHUNK = 64
#: work items per thread the per-start engine aims at (dynamic scheduling balances them)
PER_START_ITEMS_PER_THREAD = 16
#: a lock-step chunk's workspace aims at about this many coordinates (n × chunk) ...
LOCK_STEP_COORDS = 512
#: ... with at most this many starts
LOCK_STEP_MAX_CHUNK = 256
#: cap on the per-chunk minibatch permutation table (rows × chunk int64s)
PERMUTATION_BUDGET = 1 << 22

#: what each stopping criterion measures (the ``name`` of a :class:`Criterion`)
CRITERIA_MEASURES = {
    "gtol": "‖∇f(x)‖∞",
    "ftol": "|f_k − f_{k+1}| / max(|f_k|, |f_{k+1}|, 1)",
    "xtol": "‖x_{k+1} − x_k‖∞",
    "maxiter": "iterations",
    "steps": "iterations",
}


class Criterion(NamedTuple):
    """A stopping criterion: its name, threshold, the value achieved at the end, and whether
    it was met.  ``CRITERIA_MEASURES[name]`` says what is measured (norms are max-norms)."""

    name: str
    threshold: float
    achieved: float
    met: bool


def _criteria(gnorm, fchange, xchange, nit, gtol, ftol, xtol, K, steps_mode) -> list[Criterion]:
    out = [
        Criterion("gtol", gtol, gnorm, bool(gnorm <= gtol)),
        Criterion("ftol", ftol, fchange, bool(ftol > 0 and fchange <= ftol)),
        Criterion("xtol", xtol, xchange, bool(xtol > 0 and xchange <= xtol)),
    ]
    if steps_mode:
        out.append(Criterion("steps", K, nit, bool(nit == K)))
    else:
        out.append(Criterion("maxiter", K, nit, bool(nit >= K)))
    return out


def _converged_message(detail: int, r: np.ndarray, ctx: Mapping[str, Any]) -> str:
    """Which tolerance stopped a converged run: ftol, xtol, else gtol."""
    if detail == L.D_FTOL:
        return (f"converged: relative decrease of f {r[L.R_FCHANGE]:.3g} ≤ ftol = "
                f"{ctx['ftol']:g}")
    if detail == L.D_XTOL:
        return f"converged: step ‖Δx‖∞ = {r[L.R_XCHANGE]:.3g} ≤ xtol = {ctx['xtol']:g}"
    return f"converged: ‖∇f‖∞ = {fmt_grad(r[L.R_GNORM])} ≤ gtol = {ctx['gtol']:g}"


def _diverged_message(detail: int, nit: int) -> str:
    """What was not finite (or too large) when the run diverged, and which iterate is kept."""
    last = f"; reporting the last finite iterate (iteration {nit})"
    if detail == L.D_F_NAN:
        return ("diverged: the objective is NaN at the next iterate: the step left the "
                "objective's domain (e.g. log or sqrt of a negative number)" + last)
    if detail == L.D_F_INF:
        return "diverged: the objective overflowed to ±inf" + last
    if detail == L.D_G_NONFINITE:
        return "diverged: the gradient is not finite at the next iterate" + last
    if detail == L.D_X_NONFINITE:
        return "diverged: the iterate is not finite" + last
    if detail == L.D_X_BOUND:
        return (f"diverged: ‖x‖∞ exceeded {DIVERGENCE_BOUND:g}·(1 + ‖x₀‖∞)" + last)
    if detail == L.D_START_NAN:
        return ("diverged at the start: the objective is NaN at x0, which lies outside "
                "the objective's domain")
    return "diverged at the start: the objective or its gradient is not finite at x0"


def _ls_failed_message(detail: int, g: float, ctx: Mapping[str, Any]) -> str:
    """Why the line search failed: not a descent direction, or no acceptable step."""
    if detail == L.D_LS_NOT_DESCENT:
        hint = (" (the Hessian is not positive definite and modification = 'none')"
                if ctx["method"] == "newton" else "")
        return "line search failed: the direction is not a descent direction" + hint
    return (f"line search failed: no step satisfied the {ctx['line_search']} conditions "
            f"(‖∇f‖∞ = {fmt_grad(g)}); keeping the best point found")


def _stalled_message(detail: int, g: float) -> str:
    """Why the iteration stalled: singular Hessian, negative curvature, or no change in x."""
    if detail == L.D_SINGULAR:
        return ("stalled: the Hessian is singular (or not finite) at the current point; "
                "the Newton step is undefined")
    if detail == L.D_NEG_CURVATURE:
        return ("stalled: dᵀAd ≤ 0, linear CG needs a positive definite quadratic; use "
                "variant 'pr+' for general functions")
    return f"stalled: the iteration did not change x (‖∇f‖∞ = {fmt_grad(g)} > gtol)"


def _message(status: int, detail: int, r: np.ndarray, nit: int, ctx: Mapping[str, Any]) -> str:
    g = r[L.R_GNORM]
    if status == L.ST_CONVERGED:
        return _converged_message(detail, r, ctx)
    if status == L.ST_MAXITER:
        return (f"maxiter = {ctx['K']} iterations reached without meeting the tolerances "
                f"(‖∇f‖∞ = {fmt_grad(g)})")
    if status == L.ST_STEPS:
        return f"ran the requested {ctx['K']} steps (‖∇f‖∞ = {fmt_grad(g)})"
    if status == L.ST_DIVERGED:
        return _diverged_message(detail, nit)
    if status == L.ST_LS_FAILED:
        return _ls_failed_message(detail, g, ctx)
    if status == L.ST_STALLED:
        return _stalled_message(detail, g)
    return "not run"


# ====================================================================== results
class OptimizeResult(dict):
    """Result of :func:`minimize`: a dict with attribute access, like SciPy's.

    Fields: ``x, fun, jac, nit, nfev, njev, nhev, status, success, message, method, hyper,
    criteria, time``; ``path, fun_path, grad_norm_path`` (and ``epoch_fun`` for minibatch
    runs) with ``record``, holding iterates 0, s, 2s, … for ``path_stride`` = s (see the
    module docstring); ``x_avg, fun_avg`` with averaging.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __dir__(self):
        return list(self.keys())

    def __repr__(self) -> str:
        keys = ("status", "fun", "x", "nit", "nfev", "njev", "nhev", "message")
        body = ", ".join(f"{k}={self[k]!r}" for k in keys if k in self)
        return f"OptimizeResult({body})"

    def summary(self) -> str:
        """Optim.jl-style multi-line report: status, solution, work counters, criteria."""
        ok = "success" if self.success else "failure"
        hyper = ", ".join(f"{k}={v}" for k, v in self.hyper.items())
        lines = [
            f" * Status: {ok} ({self.status})",
            f"   {self.message}",
            "",
            f" * Method: {self.method} ({hyper})",
            "",
            " * Candidate solution",
            f"    Final objective value:  {self.fun:.10g}",
            f"    ‖∇f(x)‖∞:               {float(np.max(np.abs(self.jac), initial=0.0)):.3e}",
            f"    x:                      {np.array2string(np.asarray(self.x), precision=6)}",
        ]
        if "x_avg" in self:
            lines.append(f"    f(x_avg):               {self.fun_avg:.10g}")
        lines += [
            "",
            " * Work counters",
            f"    Seconds run:   {self.time:.3g}",
            f"    Iterations:    {self.nit}",
            f"    f(x) calls:    {self.nfev}",
            f"    ∇f(x) calls:   {self.njev}",
            f"    ∇²f(x) calls:  {self.nhev}",
            "",
            " * Convergence measures",
        ]
        steps_mode = any(c.name == "steps" for c in self.criteria)
        for c in self.criteria:
            mark = "✓" if c.met else "✗"
            measure = CRITERIA_MEASURES[c.name]
            if c.name == "steps":
                lines.append(f"    {measure} = {int(c.achieved)} of {int(c.threshold)}  {mark}"
                             "  (steps)")
                continue
            if c.name == "maxiter":
                state = "limit reached" if c.met else "not reached"
                lines.append(f"    {measure} = {int(c.achieved)} of {int(c.threshold)}"
                             f"  ({c.name}, {state})")
                continue
            note = ""
            if steps_mode:
                note = ", not used with steps"
            elif c.name != "gtol" and c.threshold == 0:
                note = ", off"
            lines.append(f"    {measure} = {c.achieved:.2e} ≤ {c.threshold:.1e}  {mark}  "
                         f"({c.name}{note})")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The ``run --json`` object of design.md (non-finite numbers → null)."""
        out = {k: self[k] for k in ("method", "x", "fun", "jac", "nit", "nfev", "njev", "nhev",
                                    "status", "success", "message")}
        out["hyper"] = self.hyper
        out["criteria"] = [
            {"name": c.name, "measure": CRITERIA_MEASURES[c.name], "threshold": c.threshold,
             "achieved": c.achieved, "met": c.met}
            for c in self.criteria
        ]
        if "x_avg" in self:
            out["x_avg"] = self.x_avg
            out["fun_avg"] = self.fun_avg
        if "path" in self:
            traj = {"stride": self.get("path_stride", 1), "count": len(self.path),
                    "iterations": self.nit, "x": self.path, "fun": self.fun_path,
                    "grad_norm": self.grad_norm_path}
            if "epoch_fun" in self:
                traj["epoch_fun"] = self.epoch_fun
            out["trajectory"] = traj
        return jsonable(out)


class BatchSummary(dict):
    """Counts per status, success rate, percentiles of ``nit``, best start.

    A dict (``summary["counts"]``, JSON-ready); ``str(summary)``, ``summary.text()`` and
    ``summary()`` give the multi-line text, so ``batch.summary()`` reads like
    ``result.summary()``.
    """

    def __call__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self["counts"].items())
        nit = self["nit"]
        best = self["best"]
        lines = [
            f" * Starts: {self['n_starts']}  ({counts})",
            f" * Success rate: {100 * self['success_rate']:.1f} %",
            f" * Iterations: median {nit['median']:g}, 10–90 % [{nit['p10']:g}, {nit['p90']:g}],"
            f" min {nit['min']:g}, max {nit['max']:g}",
        ]
        if best["start"] is None:
            lines.append(" * Best: no start reached a finite objective value")
        else:
            lines.append(f" * Best: f = {best['fun']:.10g} from start {best['start']} at "
                         f"{np.array2string(np.asarray(best['x']), precision=6)}")
        lines.append(f" * Seconds run: {self['time']:.3g}")
        return "\n".join(lines)

    def text(self) -> str:
        """Same as ``str(summary)``."""
        return str(self)


class BatchResult:
    """Results of :func:`minimize_batch`, one entry per start, as arrays.

    ``x, jac`` (N, n); ``fun, nit, nfev, njev, nhev, success`` (N,); ``status``, ``message``
    (N,) arrays of str; ``x_avg, fun_avg`` with averaging; ``path`` (N, K+1, n) padded with NaN
    after each start's last iterate, ``fun_path``, ``grad_norm_path`` (N, K+1) with
    ``record=True``; ``gnorm, fchange, xchange`` the achieved criteria values.
    ``batch[i]`` is start i's :class:`OptimizeResult`; ``summary`` a :class:`BatchSummary`.
    """

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)
        self._messages: np.ndarray | None = None

    @property
    def n_starts(self) -> int:
        return int(self.x.shape[0])

    def __len__(self) -> int:
        return self.n_starts

    @property
    def message(self) -> np.ndarray:
        if self._messages is None:
            self._messages = np.array(
                [
                    _message(int(self._status_code[i]), int(self._detail[i]), self._r[i],
                             int(self.nit[i]), self._ctx)
                    for i in range(self.n_starts)
                ],
                dtype=object,
            )
        return self._messages

    def criteria_of(self, i: int) -> list[Criterion]:
        c = self._ctx
        return _criteria(float(self.gnorm[i]), float(self.fchange[i]), float(self.xchange[i]),
                         int(self.nit[i]), c["gtol"], c["ftol"], c["xtol"], c["K"],
                         c["steps_mode"])

    def __getitem__(self, i: int) -> OptimizeResult:
        if not -self.n_starts <= i < self.n_starts:
            raise IndexError(i)
        i = i % self.n_starts
        res = OptimizeResult(
            x=self.x[i].copy(),
            fun=float(self.fun[i]),
            jac=self.jac[i].copy(),
            nit=int(self.nit[i]),
            nfev=int(self.nfev[i]),
            njev=int(self.njev[i]),
            nhev=int(self.nhev[i]),
            status=str(self.status[i]),
            success=bool(self.success[i]),
            message=str(self.message[i]),
            method=self.method,
            hyper=dict(self.hyper),
            criteria=self.criteria_of(i),
            time=self.time / max(1, self.n_starts),
        )
        if self.x_avg is not None:
            res.x_avg = self.x_avg[i].copy()
            res.fun_avg = float(self.fun_avg[i])
        if self.path is not None:
            k = self.path_rows(i)
            res.path = self.path[i, :k].copy()
            res.fun_path = self.fun_path[i, :k].copy()
            res.grad_norm_path = self.grad_norm_path[i, :k].copy()
            res.path_stride = self.path_stride
            if self.epoch_fun is not None:
                e = self._epochs_done(i)
                res.epoch_fun = self.epoch_fun[i, :e].copy()
        return res

    def path_rows(self, i: int) -> int:
        """Rows of start i's trajectory: iterates 0, s, 2s, … ≤ nit (s = ``path_stride``)."""
        return min(int(self.nit[i]) // self.path_stride + 1, self.path.shape[1])

    def _epochs_done(self, i: int) -> int:
        nb = self._ctx.get("batches_per_epoch") or 1
        return min(int(self.nit[i]) // nb + 1, self.epoch_fun.shape[1])

    @property
    def summary(self) -> BatchSummary:
        """Counts per status, success rate, nit percentiles, best f and its start."""
        statuses, counts = np.unique(self.status.astype(str), return_counts=True)
        finite = np.isfinite(self.fun)
        best: dict[str, Any] = {"fun": None, "start": None, "x": None}
        if finite.any():
            i = int(np.flatnonzero(finite)[np.argmin(self.fun[finite])])
            best = {"fun": float(self.fun[i]), "start": i, "x": self.x[i].tolist()}
        nit = self.nit.astype(float)
        return BatchSummary(
            n_starts=self.n_starts,
            counts={str(s): int(c) for s, c in zip(statuses, counts, strict=True)},
            success_rate=float(np.mean(self.success)) if self.n_starts else 0.0,
            nit={
                "median": float(np.median(nit)),
                "p10": float(np.percentile(nit, 10)),
                "p90": float(np.percentile(nit, 90)),
                "min": float(nit.min()),
                "max": float(nit.max()),
            },
            best=best,
            time=self.time,
        )

    def to_json(self) -> dict[str, Any]:
        """``run --json`` with ``--starts N``: the single-run fields as arrays, plus
        ``n_starts`` and ``summary``.

        The wall-clock ``time`` is left out of the JSON summary (it stays in ``summary`` and
        its text), so the same seed gives byte-identical JSON.
        """
        summary = {k: v for k, v in self.summary.items() if k != "time"}
        out: dict[str, Any] = {
            "method": self.method,
            "x": self.x,
            "fun": self.fun,
            "jac": self.jac,
            "nit": self.nit,
            "nfev": self.nfev,
            "njev": self.njev,
            "nhev": self.nhev,
            "status": [str(s) for s in self.status],
            "success": self.success,
            "message": [str(m) for m in self.message],
            "hyper": self.hyper,
            "n_starts": self.n_starts,
            "summary": summary,
        }
        if self.x_avg is not None:
            out["x_avg"] = self.x_avg
            out["fun_avg"] = self.fun_avg
        if self.path is not None:
            trajs = []
            for i in range(self.n_starts):
                k = self.path_rows(i)
                trajs.append({"stride": self.path_stride, "count": k,
                              "iterations": int(self.nit[i]), "x": self.path[i, :k],
                              "fun": self.fun_path[i, :k],
                              "grad_norm": self.grad_norm_path[i, :k]})
            out["trajectory"] = trajs
        return jsonable(out)

    def __repr__(self) -> str:
        return f"BatchResult(method={self.method!r}, n_starts={self.n_starts})"


# ====================================================================== running
def _hp_array(spec: MethodSpec, eff: Mapping[str, Any]) -> np.ndarray:
    """The compiled engines' hyperparameter array: every hyperparameter of the spec at its
    ``slot`` (the effective value, or its declared default where it does not apply), the
    spec's ``fixed`` slots, and the sizes of its named state."""
    hp = np.zeros(L.NHP)
    for h in spec.hyper.values():
        if h.slot is not None:
            hp[h.slot] = h.code(eff.get(h.name, h.default))
    for slot, value in spec.fixed.items():
        hp[slot] = value
    st = spec.state
    hp[L.W_VECTORS] = len(st.v)
    hp[L.W_MATRICES] = spec.matrices(eff)
    hp[L.W_HISTORY] = len(st.t)
    hp[L.W_HISTORY_SCALARS] = len(st.q)
    hp[L.W_FLOATS] = len(st.f)
    hp[L.W_INTS] = len(st.i)
    wd = float(eff.get("weight_decay", 0.0))
    hp[L.WD_COUPLED] = 0.0 if spec.decoupled_decay else wd
    hp[L.WD_DECOUPLED] = wd if spec.decoupled_decay else 0.0
    hp[L.STALL_TEST] = 0.0 if holds(spec.stall_test_off, eff) else 1.0
    return hp


def lock_step_chunk(n: int, starts: int, threads: int) -> int:
    """Starts per chunk of a lock-step batch (results do not depend on it).

    chunk = clamp(⌊LOCK_STEP_COORDS / n⌋, FIRST_ORDER_CHUNK, LOCK_STEP_MAX_CHUNK), lowered to
    ⌈starts / (4 · threads)⌉ (not below FIRST_ORDER_CHUNK) so that every thread gets chunks.
    Wider chunks at small n spread each step's fixed costs (kernel calls, the learning rate,
    loop set-up) over more starts; at n = 2, 256 starts per chunk run ~30 % faster than 64.
    """
    want = min(max(LOCK_STEP_COORDS // max(n, 1), FIRST_ORDER_CHUNK), LOCK_STEP_MAX_CHUNK)
    spread = -(-starts // (4 * max(threads, 1)))
    return max(FIRST_ORDER_CHUNK, min(want, spread))


def per_start_chunk(starts: int, threads: int) -> int:
    """Starts per work item of a per-start batch (results do not depend on it).

    chunk = clamp(⌈starts / (PER_START_ITEMS_PER_THREAD · threads)⌉, PER_START_CHUNK,
    PER_START_MAX_CHUNK).  Each work item allocates its workspace and is handed out by the
    parallel scheduler on its own: at 4 starts per item a 2-D BFGS run (2,000 or 10,000
    starts) spent about 4 % more CPU time than with this rule.  Sixteen items per thread keep
    the wait for the last item (the imbalance) near 1/16 of a thread's share.
    """
    spread = -(-starts // (PER_START_ITEMS_PER_THREAD * max(threads, 1)))
    return max(PER_START_CHUNK, min(PER_START_MAX_CHUNK, spread))


def _output_arrays(N: int, n: int) -> tuple[np.ndarray, ...]:
    """The engine's outputs as views of one zeroed block: ``out_x, out_jac, out_xavg`` (N, n)
    row-major, ``out_r`` (N, NR) and ``out_i`` (N, NI, int64) column-major, so that every
    result field (``fun``, ``nit``, ...) is a contiguous column given to the result as it is.

    One block instead of five arrays and nine column copies: NumPy backs blocks of 4 MiB and
    more with transparent huge pages, so the first write costs one page fault per 2 MiB
    instead of one per 4 KiB; with 100,000 starts the separate arrays spent milliseconds in
    page faults and copies, all of it outside the parallel part of the run.
    """
    widths = (n, n, n, L.NR, L.NI)
    block = np.zeros(N * sum(widths))
    parts = []
    at = 0
    for w in widths:
        parts.append(block[at : at + N * w])
        at += N * w
    rows = [p.reshape(N, n) for p in parts[:3]]
    out_r = parts[3].reshape(L.NR, N).T
    out_i = parts[4].view(np.int64).reshape(L.NI, N).T
    return (*rows, out_r, out_i)


def _as_points(X0: Any, n: int, single: bool) -> np.ndarray:
    try:
        arr = np.array(X0, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"starting points must be numbers: {exc}") from None
    if single:
        arr = arr.reshape(1, -1)
    if arr.ndim == 1 and n == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[1] != n:
        what = "x0" if single else "X0"
        raise InputError(
            f"{what} must have {'' if single else 'shape (N, n) with '}n = {n} coordinates "
            f"(the variables), got shape {np.shape(X0)}"
        )
    if arr.shape[0] == 0:
        raise InputError("X0 holds no starting points")
    if not np.all(np.isfinite(arr)):
        raise InputError("starting points must be finite numbers")
    return np.ascontiguousarray(arr)


def _nonneg(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if not (v >= 0.0 and math.isfinite(v)):
        raise InputError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return v


def record_stride(K: int, N: int, n: int, record: bool | int) -> tuple[int, int]:
    """(stride s, rows per start) of the trajectories of N starts × K + 1 iterates.

    Rows available per start: r = ⌊RECORD_LIMIT_BYTES / (N (n + 2) 8)⌋, and at most ``record``
    when it is an int; s = ⌈(K + 1) / r⌉ and rows = ⌊K / s⌋ + 1 ≤ r (iterates 0, s, 2s, …).
    Raises :class:`InputError` when r < 2.
    """
    per_iter = (n + 2) * 8
    r = int(RECORD_LIMIT_BYTES // (N * per_iter))
    if not isinstance(record, bool):
        r = min(r, check_count("record (iterates kept per start)", record, 2))
    if r < 2:
        raise InputError(
            f"recording {N} trajectories of {n} coordinates needs "
            f"{2 * N * per_iter / 1e6:.0f} MB for just two iterates each, over the "
            f"{RECORD_LIMIT_BYTES / 1e6:.0f} MB limit; record fewer starts"
        )
    s = -(-(K + 1) // r)
    return s, K // s + 1


def _engine_layout(spec: MethodSpec, eff: Mapping[str, Any], n: int, N: int,
                   m: int) -> tuple[bool, int]:
    """(per-start engine?, starts per chunk) of a run of ``N`` starts in ``n`` variables over
    ``m`` data rows."""
    if spec.per_start(eff):
        return True, per_start_chunk(N, numba.get_num_threads())
    if eff.get("batch_size") is not None:
        return False, max(1, min(FIRST_ORDER_CHUNK, PERMUTATION_BUDGET // max(m, 1)))
    return False, lock_step_chunk(n, N, numba.get_num_threads())


#: (n, chunk) arrays of the lock-step engine's workspace (iterates, gradients, method state,
#: the general loop's copies)
LOCK_STEP_ARRAYS = 14
#: n-vectors of the per-start engine's own workspace (x, ∇f, x_new, ∇f_new, x_avg, scratch)
#: and its permutation; the method's named state comes on top (:func:`workspace.allocate`)
PER_START_VECTORS = 7


def run_memory(method: str, hyper: Mapping[str, Any], n: int, starts: int, iterations: int,
               record: bool | int, rows: int = 0, *, single: bool = False,
               resolved: tuple[MethodSpec, dict[str, Any]] | None = None) -> dict[str, float]:
    """Bytes a run allocates, by part (8 bytes a float)::

        starts      N·n                        (the start points)
        results     N·(3n + NR + NI)
        workspace   chunks·(M·n² + (7 + V)·n + T·memory·n + Q·memory)   per-start engine
                    chunks·(W·n + rows)·chunk           lock-step engine
        trajectory  N·rows·(n + 2)             when recorded, rows per start as strided by
                                                :func:`record_stride`

    with ``chunks = min(threads, ⌈N / chunk⌉)`` workspaces alive at once and the method's
    named state (:class:`optimizers.spec.State`): ``M`` n × n matrices
    (:meth:`MethodSpec.matrices`: BFGS 1, Newton 3), ``V`` n-vectors, ``T`` history tables and
    ``Q`` history scalars (L-BFGS: 2 and 2).  ``resolved``: ``resolve(method, hyper)`` when
    the caller has it already.
    """
    spec, eff = resolve(method, hyper) if resolved is None else resolved
    per_start, chunk = _engine_layout(spec, eff, n, starts, rows)
    chunks = min(numba.get_num_threads(), -(-starts // chunk)) if starts else 0
    word = 8.0
    if per_start:
        st = spec.state
        mats = spec.matrices(eff)
        # as the run allocates it: a run of K iterations stores at most K pairs
        memory = min(int(eff.get("memory", 1) or 1), max(iterations, 1))
        work = chunks * (mats * n * n + (PER_START_VECTORS + len(st.v)) * n
                         + len(st.t) * memory * n + len(st.q) * memory) * word
    else:
        work = chunks * (LOCK_STEP_ARRAYS * n + rows) * chunk * word
    out = {
        "starts": starts * n * word,
        "results": starts * (3 * n + L.NR + L.NI) * word,
        "workspace": work,
        "trajectory": 0.0,
    }
    if record:  # strided to fit (record_stride): rows kept per start, n + 2 numbers a row
        out["trajectory"] = starts * record_stride(iterations, starts, n, record)[1] * (
            n + 2) * word
    return out


def check_run_memory(method: str, hyper: Mapping[str, Any], n: int, starts: int,
                     iterations: int, record: bool | int, rows: int = 0, *,
                     single: bool = False,
                     resolved: tuple[MethodSpec, dict[str, Any]] | None = None) -> None:
    """Refuse a run whose :func:`run_memory` exceeds the memory limit of
    :mod:`landscape.limits`, saying which part is too large and what to do instead."""
    parts = run_memory(method, hyper, n, starts, iterations, record, rows, single=single,
                       resolved=resolved)
    total = sum(parts.values())
    if total <= memory_limit_bytes():  # the message is built only for a refusal
        return
    biggest = max(parts, key=parts.get)
    advice = {
        "workspace": (f"{method} keeps dense n × n matrices; use lbfgs (memory O(n)) for "
                      "large n" if resolve(method, hyper)[0].state.m
                      else "use fewer starts or a smaller --memory"),
        "trajectory": "record fewer steps or starts, or run without the trajectory",
        "starts": "use fewer starts",
        "results": "use fewer starts",
    }[biggest]
    detail = ", ".join(f"{k} {format_bytes(v)}" for k, v in parts.items() if v)
    check_memory(f"{method} with {plural(starts, 'start', grouped=True)} in "
                 f"{plural(n, 'variable', grouped=True)}", total, advice=advice, detail=detail)


#: classes that have every kernel of :func:`_has_kernels` as a class attribute
_KERNEL_CLASSES: set[type] = set()
_KERNEL_ATTRS = ("f", "g", "fg", "h", "fg_cols")


def _has_kernels(compiled: Any) -> bool:
    """Whether ``compiled`` has the kernels and data of a compiled objective, checked with
    ``getattr_static`` (checking must not load, and on a cache miss compile, every kernel: a
    run compiles only the ones it passes to its engine); a class that has them all as class
    attributes is remembered (the check took a fifth of a small run's Python time)."""
    if inspect.getattr_static(compiled, "data", None) is None:
        return False
    cls = type(compiled)
    if cls in _KERNEL_CLASSES:
        return True
    if all(inspect.getattr_static(cls, k, None) is not None for k in _KERNEL_ATTRS):
        _KERNEL_CLASSES.add(cls)
        return True
    return all(inspect.getattr_static(compiled, k, None) is not None for k in _KERNEL_ATTRS)


def _run(
    obj: Any,
    X0: Any,
    method: str,
    *,
    steps: int | None,
    maxiter: int | None,
    gtol: float,
    ftol: float,
    xtol: float,
    record: bool | int,
    seed: int,
    progress: Callable[[int, int], Any] | None,
    single: bool,
    hyper: Mapping[str, Any],
    start_index: int = 0,
) -> BatchResult:
    compiled = getattr(obj, "compiled", obj)
    if not _has_kernels(compiled):
        raise InputError("obj must be an Objective or a CompiledObjective")
    spec, eff = resolve(method, hyper)
    n = compiled.n
    pts = _as_points(X0, n, single)
    N = pts.shape[0]
    D = np.ascontiguousarray(compiled.data, dtype=np.float64)
    if getattr(compiled, "is_finite_sum", False) and D.shape[0] == 0:
        raise InputError("this objective averages over data rows; bind data first "
                         "(compiled.with_data(D) or optimizers.data.bind_data)")
    if steps is not None and maxiter is not None:
        raise InputError("give either steps (exact count) or maxiter (upper bound), not both")
    steps_mode = steps is not None
    K = check_count("steps", steps) if steps_mode else (
        spec.maxiter if maxiter is None else check_count("maxiter", maxiter))
    gtol = _nonneg("gtol", gtol)
    ftol = _nonneg("ftol", ftol)
    xtol = _nonneg("xtol", xtol)
    seed_i = check_count("seed", seed, 0, 2**63 - 1)
    first = check_count("start_index", start_index, 0, 2**62)
    batch_size = eff.get("batch_size")
    m = D.shape[0]
    if batch_size is not None and not getattr(compiled, "is_finite_sum", False):
        raise InputError("batch_size needs a finite-sum objective (one with data symbols "
                         "bound to a data matrix)")
    if batch_size is not None and batch_size > m:
        raise InputError(f"batch_size = {batch_size} exceeds the {m} data rows")

    hp = _hp_array(spec, eff)
    hp[L.GTOL] = gtol
    hp[L.FTOL] = ftol
    hp[L.XTOL] = xtol
    hp[L.MAXITER] = K
    # a run of K iterations stores at most K L-BFGS pairs: a ring of min(m, K) slots never
    # wraps and gives the same iterates as one of m slots, without allocating m·n numbers
    hp[L.MEMORY] = min(hp[L.MEMORY], max(K, 1))
    hp[L.STEPS_MODE] = 1.0 if steps_mode else 0.0
    hp[L.BOUND] = DIVERGENCE_BOUND
    per_start, chunk = _engine_layout(spec, eff, n, N, m)
    hp[L.CHUNK] = chunk
    check_run_memory(spec.name, eff, n, N, K, record, m, single=single, resolved=(spec, eff))

    # ---- outputs (trajectories strided under the memory guard)
    stride, Lp = record_stride(K, N, n, record) if record else (1, 0)
    hp[L.STRIDE] = stride
    nb = 0
    E = 0
    if batch_size is not None:
        nb = -(-m // batch_size)
        if record:
            E = K // nb + 1
    out_x, out_jac, out_xavg, out_r, out_i = _output_arrays(N, n)
    path = np.full((N, Lp, n), np.nan)
    fpath = np.full((N, Lp), np.nan)
    gpath = np.full((N, Lp), np.nan)
    epoch_f = np.full((N, E), np.nan)

    kind = "per_start" if per_start else "first_order"
    code = method_kernel(spec.name, per_start)
    eng = engines(kind)
    fn = eng[kind]
    worker = eng[f"{kind}_chunk"]
    if per_start:
        # only the kernels the method evaluates are compiled: fg (value and gradient in one
        # pass) always, the Hessian (or the matrix the method declares instead) when the
        # method uses it
        kernels = (compiled.fg, spec.kernel_for_h(compiled) if spec.uses_hessian(eff)
                   else no_hessian)
        types_ = PER_START_FUNCTIONS
    else:
        kernels = (compiled.f, compiled.fg, compiled.fg_cols)
        types_ = FIRST_ORDER_FUNCTIONS
    fp = addresses([(d, t) for d, (_, t) in zip((worker, code, *kernels), types_, strict=True)])
    t0 = time.perf_counter()
    blocks = [(0, N)]
    if progress is not None and N > 0:
        step = max(chunk * numba.get_num_threads() * 2, -(-N // 20))
        step = -(-step // chunk) * chunk
        blocks = [(a, min(N, a + step)) for a in range(0, N, step)]
    old_chunk = numba.get_parallel_chunksize()
    numba.set_parallel_chunksize(1)
    try:
        for a, b in blocks:
            extra = (epoch_f[a:b],) if not per_start else ()
            fn(fp, hp, seed_i, first + a, pts[a:b], D, out_x[a:b], out_jac[a:b], out_xavg[a:b],
               out_r[a:b], out_i[a:b], path[a:b], fpath[a:b], gpath[a:b], *extra)
            if progress is not None:
                progress(b, N)
    finally:
        numba.set_parallel_chunksize(old_chunk)
    elapsed = time.perf_counter() - t0

    status_code = out_i[:, L.I_STATUS]
    names = np.array(L.STATUS_NAMES, dtype=object)
    averaging = eff.get("average", "none") != "none"
    ctx = {
        "gtol": gtol, "ftol": ftol, "xtol": xtol, "K": K, "steps_mode": steps_mode,
        "method": method, "line_search": eff.get("line_search", "none"),
        "batches_per_epoch": nb,
    }
    return BatchResult(
        x=out_x,
        fun=out_r[:, L.R_FUN],
        jac=out_jac,
        nit=out_i[:, L.I_NIT],
        nfev=out_i[:, L.I_NFEV],
        njev=out_i[:, L.I_NJEV],
        nhev=out_i[:, L.I_NHEV],
        status=names[status_code],
        success=(status_code == L.ST_CONVERGED) | (status_code == L.ST_STEPS),
        gnorm=out_r[:, L.R_GNORM],
        fchange=out_r[:, L.R_FCHANGE],
        xchange=out_r[:, L.R_XCHANGE],
        x_avg=out_xavg if averaging else None,
        fun_avg=out_r[:, L.R_FUN_AVG] if averaging else None,
        path=path if record else None,
        path_stride=stride,
        fun_path=fpath if record else None,
        grad_norm_path=gpath if record else None,
        epoch_fun=epoch_f if (record and batch_size is not None) else None,
        method=method,
        hyper=eff,
        time=elapsed,
        _status_code=status_code,
        _detail=out_i[:, L.I_DETAIL],
        _r=out_r,
        _ctx=ctx,
    )


def minimize(
    obj: Any,
    x0: Any,
    method: str = "gd",
    *,
    steps: int | None = None,
    maxiter: int | None = None,
    gtol: float = DEFAULT_GTOL,
    ftol: float = DEFAULT_FTOL,
    xtol: float = DEFAULT_XTOL,
    record: bool | int = False,
    seed: int = 0,
    **hyper: Any,
) -> OptimizeResult:
    """Minimise ``obj`` (an Objective or CompiledObjective) from ``x0`` with ``method``.

    ``hyper`` are the method's hyperparameters (``METHODS[method].hyper``, PyTorch names).
    See the module docstring for the stopping rules, statuses and divergence handling.
    Runs the compiled batch engine with one start.
    """
    batch = _run(obj, x0, method, steps=steps, maxiter=maxiter, gtol=gtol, ftol=ftol,
                 xtol=xtol, record=record, seed=seed, progress=None, single=True,
                 hyper=hyper)
    res = batch[0]
    res.time = batch.time
    return res


def minimize_batch(
    obj: Any,
    X0: Any,
    method: str = "gd",
    *,
    steps: int | None = None,
    maxiter: int | None = None,
    gtol: float = DEFAULT_GTOL,
    ftol: float = DEFAULT_FTOL,
    xtol: float = DEFAULT_XTOL,
    record: bool | int = False,
    seed: int = 0,
    progress: Callable[[int, int], Any] | None = None,
    start_index: int = 0,
    **hyper: Any,
) -> BatchResult:
    """Minimise from every row of ``X0`` (shape (N, n)) in parallel; see :func:`minimize`.

    Row i is start ``start_index + i`` and draws its random numbers from the stream of
    (seed, start_index + i), so results depend neither on the number of threads nor on how a
    larger batch is cut into calls (rows a..b of a batch = ``start_index=a`` on rows a..b).
    ``progress(done, total)`` is called after each block of starts.
    """
    return _run(obj, X0, method, steps=steps, maxiter=maxiter, gtol=gtol, ftol=ftol, xtol=xtol,
                record=record, seed=seed, progress=progress, single=False,
                hyper=hyper, start_index=start_index)
