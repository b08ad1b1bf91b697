"""``landscape bench``: the project against its peers, side by side, on the same work.

Every row runs one workload twice, once with this project and once with the tool a user would
otherwise reach for (the *peer*), on the same starting points with the same tolerances, and
judges both results with the same success criterion.  Times are medians of ``repeat`` runs;
``ratio = peer time / our time`` (above 1: we are faster).  Targets come from the performance
issue; a row says whether its target was met.

Workloads (:data:`GROUPS`)
--------------------------
``multistart``
    BFGS, L-BFGS, nonlinear CG (PR+) and Newton from many uniform starts in [−2, 2]ⁿ on the
    2-D and the chained n = 20 Rosenbrock function, ``gtol`` 1e-6 (max-norm), against
    ``scipy.optimize.minimize`` (BFGS, L-BFGS-B, CG, Newton-CG with the analytic
    ``rosen_der``/``rosen_hess``) looped over the first starts of the same set.  Time per
    start.  Success (both): the final point is within 1e-4 of the minimiser (1, …, 1) in
    max-norm.  SciPy's other stopping rules are set to their strictest (L-BFGS-B ``ftol`` 0,
    Newton-CG ``xtol`` 1e-10) so that ``gtol`` decides, as in our runs.
``first_order``
    GD, heavy-ball momentum and Adam, a fixed number of steps from many starts, against the same
    update rules written with NumPy, vectorised over the starts and in place (and JAX ``jit`` +
    ``vmap`` when JAX is installed).  Success (both): f(x_K) finite and ≤ f(x₀).  The largest
    difference between our final iterates and NumPy's is reported as a check of equal work.
``scaling``
    One thread against all threads (``numba.set_num_threads``) on a large batch.
``overhead``
    The full lock-step GD optimizer against a bare compiled loop doing the same gradient
    evaluations and updates (no bookkeeping, no objective values, no divergence checks).
``latency``
    Fresh processes of the ``landscape`` command: a formula never seen before (fresh kernel
    cache), the same formula again (cache hit, and whether SymPy got imported), the optimizer
    library made ready for a first bfgs run (import, per-start engine and the bfgs step from
    Numba's disk cache; other methods' steps load on first use) and (full run only) its
    one-off cold build of every engine and step (``optimizers.engine.build_library``: one
    build process per core; the note gives the processes and the CPU time of all of them).
``symbolic``
    Parse, gradient, Hessian, kernel source generation and compilation of the chained
    Rosenbrock function in a fresh process with an empty kernel cache.

The header (and ``machine.cpu`` in the record) names the processor, its vector extensions and
the target Numba compiled the library for (:func:`cpu_description`): the lock-step kernels
vectorise across starts and run about twice as fast per step with AVX2/AVX-512 as with
``NUMBA_CPU_NAME=generic`` (SSE2), while the per-start engine at n = 2 runs scalar code and
does not depend on the target.

Entry points: :func:`run_bench` (the record, JSON-ready), :func:`bench_text` (the table),
:func:`add_arguments` and :func:`run_cli` (the ``bench`` subcommand).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from analysis.bench_options import (  # noqa: F401 - TINY, add_arguments: bench's interface
    FULL,
    GROUPS,
    QUICK,
    TINY,
    Sizes,
    add_arguments,
)

#: the 2-D Rosenbrock function (variables x, y; minimiser (1, 1))
ROSEN_2D = "100*(y - x**2)**2 + (1 - x)**2"
#: the chained Rosenbrock function of ``scipy.optimize.rosen`` (minimiser (1, …, 1))
ROSEN_CHAINED = "sum(100*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2, i, 1, n-1)"
#: success of a multi-start run: ‖x − (1, …, 1)‖∞ ≤ this
SUCCESS_RADIUS = 1e-4
#: format version of the record
RECORD_VERSION = 1

_SCIPY_METHODS = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B", "cg": "CG", "newton": "Newton-CG"}


# ============================================================================ helpers
def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls of ``fn`` and the last call's result."""
    times = []
    out = None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _interleaved(
    fns: Sequence[Callable[[], Any]], repeat: int, log: dict[str, Any] | None = None
) -> list[tuple[float, Any]]:
    """Median wall time and last result of each function, run round-robin ``repeat`` times.

    Taking turns exposes every contender to the same bursts of load from other processes.
    Every measured time goes to ``log["times"]`` (one list per function) when given.
    """
    times: list[list[float]] = [[] for _ in fns]
    outs: list[Any] = [None] * len(fns)
    for _ in range(max(1, repeat)):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            outs[i] = fn()
            times[i].append(time.perf_counter() - t0)
    if log is not None:
        log["times"] = times
    return [(statistics.median(t), o) for t, o in zip(times, outs, strict=True)]


def _on_threads(fn: Callable[[], Any], threads: int) -> Callable[[], Any]:
    """``fn`` run with ``threads`` Numba threads (the previous count restored after)."""

    def run() -> Any:
        import numba

        old = numba.get_num_threads()
        numba.set_num_threads(threads)
        try:
            return fn()
        finally:
            numba.set_num_threads(old)

    return run


class _SingleThreadedBLAS:
    """Context manager: every loaded OpenBLAS (NumPy's and SciPy's) runs on one thread.

    SciPy's per-start loop does tiny BLAS calls that only lose from threads, and OpenBLAS
    threads that compete with other processes for the cores slow it down many-fold; a fair
    peer runs them single-threaded (as ``OPENBLAS_NUM_THREADS=1`` would).  ``applied`` lists
    the libraries that were switched.
    """

    def __init__(self) -> None:
        self.applied: list[str] = []
        self._restore: list[tuple[Any, int]] = []

    def __enter__(self) -> _SingleThreadedBLAS:
        import ctypes

        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            return self
        paths = sorted({line.split(None, 5)[-1] for line in maps.splitlines()
                        if "openblas" in line.lower() and "/" in line})
        for path in paths:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for prefix in ("scipy_openblas", "openblas"):
                for suffix in ("", "64_"):
                    get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                    put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                    if get is None or put is None:
                        continue
                    get.restype = ctypes.c_int
                    put.argtypes = [ctypes.c_int]
                    self._restore.append((put, int(get())))
                    put(1)
                    self.applied.append(Path(path).name)
                    break
                else:
                    continue
                break
        return self

    def __exit__(self, *exc: Any) -> None:
        for put, threads in reversed(self._restore):
            put(threads)


def _starts(count: int, n: int, seed: int) -> np.ndarray:
    """``count`` points uniform in [−2, 2]ⁿ (a fixed seed per workload)."""
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=(count, n))


def _row(
    group: str,
    workload: str,
    peer: str | None,
    ours_s: float | None,
    peer_s: float | None,
    *,
    unit: str = "s",
    ours_success: float | None = None,
    peer_success: float | None = None,
    target: str | None = None,
    met: bool | None = None,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One table row; ``ratio = peer_s / ours_s`` when both are known."""
    ratio = None
    if ours_s is not None and peer_s is not None and ours_s > 0:
        ratio = peer_s / ours_s
    return {
        "group": group,
        "workload": workload,
        "peer": peer,
        "unit": unit,
        "ours_s": ours_s,
        "peer_s": peer_s,
        "ratio": ratio,
        "ours_success": ours_success,
        "peer_success": peer_success,
        "target": target,
        "met": met,
        "note": note,
        "detail": detail or {},
    }


def _objective(n: int):
    """The compiled 2-D (n = 2) or chained Rosenbrock objective and its formula label."""
    from landscape.objective import Objective

    if n == 2:
        return Objective.parse(ROSEN_2D).compiled, "Rosenbrock 2-D"
    return Objective.parse(ROSEN_CHAINED, dim=n).compiled, f"chained Rosenbrock n={n}"


def _rosen_cols(X: np.ndarray) -> np.ndarray:
    """Chained Rosenbrock at each column of X (shape (n, N)); NumPy."""
    return np.sum(100.0 * (X[1:] - X[:-1] ** 2) ** 2 + (1.0 - X[:-1]) ** 2, axis=0)


def _rosen_grad_into(X: np.ndarray, G: np.ndarray, T: np.ndarray, U: np.ndarray) -> None:
    """G ← ∇ of the chained Rosenbrock function at each column of X (shape (n, N)), written
    as ``scipy.optimize.rosen_der`` but without temporaries (T, U: (n − 1, N) workspace)."""
    x0 = X[:-1]
    np.multiply(x0, x0, out=T)
    np.subtract(X[1:], T, out=T)  # t = x_{i+1} − x_i²
    np.multiply(x0, T, out=U)
    np.multiply(U, -400.0, out=G[:-1])  # −400 x_i t
    np.multiply(x0, 2.0, out=U)
    np.subtract(U, 2.0, out=U)
    np.add(G[:-1], U, out=G[:-1])  # − 2 (1 − x_i)
    G[-1] = 0.0
    np.multiply(T, 200.0, out=U)
    np.add(G[1:], U, out=G[1:])  # + 200 t_{i−1}


def _solved(X: np.ndarray) -> np.ndarray:
    """Per row of X: within :data:`SUCCESS_RADIUS` of (1, …, 1) in max-norm."""
    return np.max(np.abs(np.asarray(X) - 1.0), axis=1) <= SUCCESS_RADIUS


def _thread_note() -> str:
    import numba

    return f"{numba.get_num_threads()} threads"


# ============================================================================ multi-start
def _scipy_loop(method: str, X0: np.ndarray, gtol: float, maxiter: int) -> np.ndarray:
    """SciPy's minimize from every row of X0 with analytic derivatives; the final points."""
    from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

    name = _SCIPY_METHODS[method]
    kw: dict[str, Any] = {"jac": rosen_der}
    if method == "bfgs" or method == "cg":
        options: dict[str, Any] = {"gtol": gtol, "maxiter": maxiter}
    elif method == "lbfgs":
        options = {"gtol": gtol, "maxiter": maxiter, "ftol": 0.0, "maxcor": 10}
    else:
        options = {"xtol": 1e-10, "maxiter": maxiter}
        kw["hess"] = rosen_hess
    out = np.empty_like(X0)
    for i, x0 in enumerate(X0):
        out[i] = minimize(rosen, x0, method=name, options=options, **kw).x
    return out


def bench_multistart(sizes: Sizes, progress: Callable[[str], Any] | None = None) -> list[dict]:
    """Multi-start BFGS, L-BFGS, CG and Newton vs SciPy's loop, 2-D and chained Rosenbrock."""
    import numba

    from optimizers import minimize_batch

    rows = []
    cases = [(2, sizes.starts_2d, sizes.peer_starts_2d, 500.0),
             (sizes.n_chained, sizes.starts_nd, sizes.peer_starts_nd, 200.0)]
    for n, N, M, bfgs_target in cases:
        obj, label = _objective(n)
        X0 = _starts(N, n, seed=n)
        M = min(M, N)
        kw = dict(gtol=sizes.gtol, maxiter=sizes.maxiter)
        for method in sizes.multistart_methods:
            if progress:
                progress(f"multistart {method} {label}")
            minimize_batch(obj, X0[:8], method, **kw)  # load the kernels and the engine
            ours = partial(minimize_batch, obj, X0, method, **kw)
            fns = [ours, partial(_scipy_loop, method, X0[:M], sizes.gtol, sizes.maxiter)]
            if numba.get_num_threads() > 1:
                fns.append(_on_threads(ours, 1))
            log: dict[str, Any] = {}
            timed = _interleaved(fns, sizes.repeat, log)
            (t_ours, batch), (t_peer, xs) = timed[:2]
            t_one = timed[2][0] if len(timed) > 2 else None
            one = (t_peer / M) / (t_one / N) if t_one else None
            ok = _solved(batch.x)
            ours_sub = float(ok[:M].mean())
            peer_ok = float(_solved(xs).mean())
            target = met = None
            if method == "bfgs":
                target = f"≥ {bfgs_target:g}× per start, success ≥ SciPy's"
                met = bool(t_peer / M >= bfgs_target * t_ours / N and ours_sub >= peer_ok)
            rows.append(_row(
                "multistart", f"{method}, {label}, {N} starts", f"scipy {_SCIPY_METHODS[method]} "
                f"loop ({M} starts)", t_ours / N, t_peer / M, unit="s/start",
                ours_success=float(ok.mean()), peer_success=peer_ok, target=target, met=met,
                note=f"ours on 1 thread: {_fmt_time(t_one / N)}/start, ratio {_fmt_ratio(one)}"
                if t_one else "",
                detail={"ours_1thread_s": t_one / N if t_one else None, "ratio_1thread": one,
                        "n": n, "starts": N, "peer_starts": M, "ours_success_same_starts":
                        ours_sub, "gtol": sizes.gtol, "maxiter": sizes.maxiter,
                        "ours_median_nit": float(np.median(batch.nit)),
                        "times_ours_peer_1thread_s": log["times"],
                        "threads": _thread_note()},
            ))
    return rows


# ============================================================================ first order
_FO_HYPER = {
    2: {"gd": {"lr": 1e-4}, "momentum": {"lr": 1e-5, "momentum": 0.9}, "adam": {"lr": 1e-2}},
    0: {"gd": {"lr": 5e-5}, "momentum": {"lr": 5e-6, "momentum": 0.9}, "adam": {"lr": 1e-2}},
}


def _fo_hyper(method: str, n: int) -> dict[str, float]:
    return dict(_FO_HYPER[2 if n == 2 else 0][method])


def numpy_first_order(method: str, X0: np.ndarray, steps: int, hyper: dict) -> np.ndarray:
    """The peer: ``steps`` fixed steps of gd / momentum / adam (PyTorch's rules, as in
    :mod:`optimizers.algorithms`) with NumPy, vectorised over the starts (one column per
    start) and in place (``out=``, preallocated workspace: no temporaries, no page faults);
    returns the final points."""
    X = np.ascontiguousarray(X0.T)
    n, N = X.shape
    G = np.empty_like(X)
    W = np.empty_like(X)
    T = np.empty((n - 1, N))
    U = np.empty((n - 1, N))
    lr = hyper["lr"]
    if method == "gd":
        for _ in range(steps):
            _rosen_grad_into(X, G, T, U)
            np.multiply(G, lr, out=W)
            np.subtract(X, W, out=X)
    elif method == "momentum":
        mu = hyper["momentum"]
        B = np.empty_like(X)
        for k in range(steps):
            _rosen_grad_into(X, G, T, U)
            if k == 0:
                B[...] = G
            else:
                np.multiply(B, mu, out=B)
                np.add(B, G, out=B)
            np.multiply(B, lr, out=W)
            np.subtract(X, W, out=X)
    elif method == "adam":
        b1, b2, eps = hyper.get("beta1", 0.9), hyper.get("beta2", 0.999), hyper.get("eps", 1e-8)
        m = np.zeros_like(X)
        v = np.zeros_like(X)
        for k in range(steps):
            _rosen_grad_into(X, G, T, U)
            np.multiply(m, b1, out=m)
            np.multiply(G, 1.0 - b1, out=W)
            np.add(m, W, out=m)
            np.multiply(v, b2, out=v)
            np.multiply(G, 1.0 - b2, out=W)
            np.multiply(W, G, out=W)
            np.add(v, W, out=v)
            t = k + 1
            np.sqrt(v, out=W)
            np.divide(W, math.sqrt(1.0 - b2**t), out=W)
            np.add(W, eps, out=W)  # W = √v̂ / √(1 − β₂ᵗ) + ε
            np.multiply(m, lr / (1.0 - b1**t), out=G)
            np.divide(G, W, out=W)  # (η / (1 − β₁ᵗ)) · m / W, in the engine's order
            np.subtract(X, W, out=X)
    else:  # pragma: no cover - the table lists only these
        raise ValueError(method)
    return X.T.copy()


def _jax_first_order(method: str, steps: int, hyper: dict) -> Callable[[np.ndarray], Any]:
    """JAX ``jit`` + ``vmap`` of the same rules (only called when JAX is installed)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    lr = hyper["lr"]
    mu = hyper.get("momentum", 0.9)
    b1, b2, eps = 0.9, 0.999, 1e-8

    def f(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    grad = jax.grad(f)

    def run(x0):
        def body(k, state):
            x, a, b = state
            g = grad(x)
            if method == "gd":
                return x - lr * g, a, b
            if method == "momentum":
                a = jnp.where(k == 0, g, mu * a + g)
                return x - lr * a, a, b
            a = b1 * a + (1.0 - b1) * g
            b = b2 * b + (1.0 - b2) * g * g
            t = k + 1.0
            step = (lr / (1.0 - b1**t)) * a / (jnp.sqrt(b) / jnp.sqrt(1.0 - b2**t) + eps)
            return x - step, a, b

        z = jnp.zeros_like(x0)
        return jax.lax.fori_loop(0, steps, body, (x0, z, z))[0]

    batched = jax.jit(jax.vmap(run))
    return lambda X0: np.asarray(batched(jnp.asarray(X0)).block_until_ready())


def _fo_ok(X0: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Fixed-step success: f(x_K) finite and ≤ f(x₀)."""
    f0 = _rosen_cols(np.ascontiguousarray(X0.T))
    with np.errstate(all="ignore"):
        fk = _rosen_cols(np.ascontiguousarray(np.asarray(X).T))
    return np.isfinite(fk) & (fk <= f0)


def bench_first_order(sizes: Sizes, progress: Callable[[str], Any] | None = None) -> list[dict]:
    """Fixed-step GD, momentum and Adam batches vs NumPy vectorised (and JAX when present)."""
    from optimizers import minimize_batch

    try:
        import jax  # noqa: F401

        have_jax = True
    except ImportError:
        have_jax = False
    rows = []
    K = sizes.fo_steps
    for n, N in ((2, sizes.fo_starts_2d), (sizes.n_chained, sizes.fo_starts_nd)):
        obj, label = _objective(n)
        X0 = _starts(N, n, seed=100 + n)
        for method in sizes.fo_methods:
            if progress:
                progress(f"first-order {method} {label}")
            hyper = _fo_hyper(method, n)
            minimize_batch(obj, X0[:8], method, steps=2, **hyper)
            log: dict[str, Any] = {}
            (t_ours, batch), (t_np, xs) = _interleaved(
                [partial(minimize_batch, obj, X0, method, steps=K, **hyper),
                 partial(numpy_first_order, method, X0, K, hyper)], sizes.repeat, log,
            )
            ours_ok = _fo_ok(X0, batch.x)
            both = ours_ok & _fo_ok(X0, xs)
            diff = float(np.max(np.abs(batch.x[both] - xs[both]), initial=0.0))
            hp = " ".join(f"{k}={v:g}" for k, v in hyper.items())
            work = f"{method} ({hp}), {label}, {N} starts × {K} steps"
            rows.append(_row(
                "first_order", work, "NumPy vectorised over starts", t_ours, t_np,
                ours_success=float(ours_ok.mean()), peer_success=float(_fo_ok(X0, xs).mean()),
                target="≥ 10×", met=bool(t_np >= 10.0 * t_ours),
                detail={"n": n, "starts": N, "steps": K, "hyper": hyper,
                        "max_abs_diff_final_x": diff, "threads": _thread_note(),
                        "times_ours_peer_s": log["times"]},
            ))
            if have_jax:
                rows.append(_jax_row(method, hyper, X0, K, t_ours, ours_ok, work, sizes))
    return rows


def _jax_row(method, hyper, X0, K, t_ours, ours_ok, work, sizes) -> dict:
    """A JAX ``jit`` + ``vmap`` peer row (compile time excluded: one warm-up call)."""
    try:
        fn = _jax_first_order(method, K, hyper)
        fn(X0)
        t_jax, xs = _median_time(lambda: fn(X0), sizes.repeat)
    except Exception as err:  # noqa: BLE001 - an optional peer must not break the benchmark
        return _row("first_order", work, "JAX jit+vmap (CPU)", t_ours, None,
                    ours_success=float(ours_ok.mean()), target="faster than JAX",
                    note=f"JAX failed: {type(err).__name__}: {err}")
    return _row("first_order", work, "JAX jit+vmap (CPU)", t_ours, t_jax,
                ours_success=float(ours_ok.mean()), peer_success=float(_fo_ok(X0, xs).mean()),
                target="faster than JAX", met=bool(t_jax > t_ours))


# ============================================================================ scaling
def bench_scaling(sizes: Sizes, progress: Callable[[str], Any] | None = None) -> list[dict]:
    """All threads vs one thread on large per-start (BFGS) and lock-step (GD) batches."""
    import numba

    from optimizers import minimize_batch

    obj, label = _objective(2)
    N = sizes.scaling_starts
    X0 = _starts(N, 2, seed=7)
    threads = numba.get_num_threads()
    runs = [
        ("bfgs", dict(gtol=sizes.gtol, maxiter=sizes.maxiter)),
        ("gd", dict(steps=sizes.scaling_steps, lr=1e-4)),
    ]
    rows = []
    for method, kw in runs:
        if progress:
            progress(f"scaling {method}")
        minimize_batch(obj, X0[:8], method, **kw)
        shares: list[float] = []

        def run(method=method, kw=kw, shares=shares):
            c0, w0 = time.process_time(), time.perf_counter()
            out = minimize_batch(obj, X0, method, **kw)
            shares.append((time.process_time() - c0) / max(time.perf_counter() - w0, 1e-9))
            return out

        log: dict[str, Any] = {}
        (t_all, batch), (t_one, batch1) = _interleaved([run, _on_threads(run, 1)], sizes.repeat,
                                                       log)
        # CPU time / wall time of the all-thread runs: how many cores the run actually got
        # (about `threads` when no other process competed; threads spin while they wait)
        cores = statistics.median(shares[0::2])
        same = bool(np.array_equal(batch.x, batch1.x))
        steps = f" × {kw['steps']} steps" if "steps" in kw else ""
        met = bool(t_one >= 1.8 * t_all) if threads >= 2 else None
        rows.append(_row(
            "scaling", f"{method}, {label}, {N} starts{steps}, {threads} threads",
            "same, 1 thread", t_all, t_one, ours_success=float(batch.success.mean()),
            peer_success=float(batch1.success.mean()),
            target="≥ 1.8× on 2 threads" if threads >= 2 else None, met=met,
            note=f"cores obtained (CPU time / wall time) {cores:.2f} of {threads}"
            if threads >= 2 else "one thread only: no scaling to measure",
            detail={"threads": threads, "identical_results": same, "cores_obtained": cores,
                    "times_all_one_thread_s": log["times"]},
        ))
    return rows


# ============================================================================ overhead
_BARE: dict[str, Any] = {}


def _bare_gd_loop():
    """A parallel compiled GD loop over chunks of columns as wide as the optimizer's:
    ``g_cols`` then ``x ← x − ηg``, nothing else (the limit the lock-step engine is measured
    against)."""
    if "gd" in _BARE:
        return _BARE["gd"]
    from numba import njit, prange, types

    from landscape.kernel_types import G_COLS_TYPE, MAT

    def bare(g_cols, XT, D, lr, steps, chunk):
        n, N = XT.shape
        nch = (N + chunk - 1) // chunk
        for c in prange(nch):
            a = c * chunk
            b = min(N, a + chunk)
            X = np.empty((n, b - a))
            G = np.empty((n, b - a))
            for i in range(n):
                for j in range(b - a):
                    X[i, j] = XT[i, a + j]
            for _ in range(steps):
                g_cols(X, D, G)
                for i in range(n):
                    for j in range(b - a):
                        X[i, j] -= lr * G[i, j]
            for i in range(n):
                for j in range(b - a):
                    XT[i, a + j] = X[i, j]

    sig = types.void(G_COLS_TYPE, MAT, MAT, types.float64, types.int64, types.int64)
    disp = njit(sig, parallel=True, nogil=True, error_model="numpy", cache=True)(bare)
    _BARE["gd"] = disp
    return disp


def bench_overhead(sizes: Sizes, progress: Callable[[str], Any] | None = None) -> list[dict]:
    """The lock-step GD optimizer against the bare gradient loop on the same work."""
    import numba

    from optimizers import minimize_batch
    from optimizers.driver import lock_step_chunk

    bare = _bare_gd_loop()
    rows = []
    N, K = sizes.overhead_starts, sizes.overhead_steps
    for n in (2, sizes.n_chained):
        if progress:
            progress(f"overhead gd n={n}")
        obj, label = _objective(n)
        X0 = _starts(N, n, seed=200 + n)
        lr = _fo_hyper("gd", n)["lr"]
        D = np.ascontiguousarray(obj.data)

        chunk = lock_step_chunk(n, N, numba.get_num_threads())

        def run_bare(X0=X0, lr=lr, obj=obj, D=D, chunk=chunk):
            XT = np.ascontiguousarray(X0.T)
            # the chunks handed out one at a time, as the driver schedules the optimizer's
            old = numba.get_parallel_chunksize()
            numba.set_parallel_chunksize(1)
            try:
                bare(obj.g_cols, XT, D, lr, K, chunk)
            finally:
                numba.set_parallel_chunksize(old)
            return XT.T

        run_bare()
        minimize_batch(obj, X0[:8], "gd", steps=2, lr=lr)
        log: dict[str, Any] = {}
        (t_opt, batch), (t_bare, xb) = _interleaved(
            [partial(minimize_batch, obj, X0, "gd", steps=K, lr=lr), run_bare], sizes.repeat, log
        )
        ok = _fo_ok(X0, batch.x)
        diff = float(np.max(np.abs(batch.x[ok] - xb[ok]), initial=0.0))
        rows.append(_row(
            "overhead", f"gd optimizer, {label}, {N} starts × {K} steps",
            "bare compiled gradient loop", t_opt, t_bare, ours_success=float(ok.mean()),
            peer_success=float(_fo_ok(X0, xb).mean()),
            target="optimizer ≤ 2× bare loop (ratio ≥ 0.5)", met=bool(t_opt <= 2.0 * t_bare),
            note="ratio < 1 is the optimizer's cost over the limit",
            detail={"n": n, "starts": N, "steps": K, "lr": lr, "max_abs_diff_final_x": diff,
                    "threads": _thread_note(), "times_ours_peer_s": log["times"]},
        ))
    return rows


# ============================================================================ latency
def _cli_command() -> list[str]:
    """How to start the ``landscape`` command with this interpreter."""
    script = Path(sys.executable).with_name("landscape")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "analysis.cli"]


def _timed_process(cmd: Sequence[str], env: dict[str, str],
                   timeout: float = 600.0) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(list(cmd), env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    return time.perf_counter() - t0, proc


def _child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(extra)
    return env


def _unique_formula(n: int) -> tuple[str, list[str], str]:
    """A Rosenbrock-type formula never seen before (random coefficient), its CLI arguments and
    the starting point."""
    a = 50.0 + (uuid.uuid4().int % 10**6) / 10**4
    if n == 2:
        return f"{a:.4f}*(y - x**2)**2 + (1 - x)**2", [], "-1.2,1"
    text = f"sum({a:.4f}*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2, i, 1, n-1)"
    x0 = ",".join("-1.2" if i % 2 == 0 else "1" for i in range(n))
    return text, ["--dim", str(n)], x0


def _run_cli(formula: str, extra: list[str], x0: str, env: dict[str, str]):
    cmd = [*_cli_command(), "run", formula, *extra, "--method", "bfgs", f"--x0={x0}", "--json"]
    seconds, proc = _timed_process(cmd, env)
    ok = False
    if proc.returncode == 0:
        try:
            ok = bool(json.loads(proc.stdout)["success"])
        except (ValueError, KeyError, TypeError):
            ok = False
    return seconds, ok, proc


_SYMPY_PROBE = """
import json, sys
from landscape import load_formula
from optimizers import minimize
obj = load_formula(sys.argv[1], dim=int(sys.argv[2]) if sys.argv[2] != '0' else None)
res = minimize(obj, [float(v) for v in sys.argv[3].split(',')], 'bfgs')
print(json.dumps({'sympy': 'sympy' in sys.modules, 'success': bool(res.success)}))
"""

#: what a fresh process pays before its first run of a method (``sys.argv[1]``): importing
#: the library and loading, from Numba's disk cache, the engine that runs it and the method's
#: step; other methods' steps load when they are first used (the one-off build loads all)
_ENGINE_PROBE = """
import json, os, sys, time
t0 = time.perf_counter()
from optimizers.engine import build_library, engines, method_kernel
build = None
if sys.argv[1:]:
    engines("per_start")
    method_kernel(sys.argv[1], True)
else:
    build = build_library()
t = os.times()
print(json.dumps({'seconds': time.perf_counter() - t0, 'build': build,
                  'cpu_seconds': t.user + t.system + t.children_user + t.children_system}))
"""


def _imports_sympy(stderr: str) -> bool:
    """Whether a ``-X importtime`` log lists a SymPy module."""
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name == "sympy" or name.startswith("sympy."):
                return True
    return False


def _engine_cache_state() -> str:
    """Whether Numba's disk cache holds the optimizer library (index files present)."""
    from optimizers import engine

    here = Path(engine.__file__).resolve().parent
    roots = [here / "__pycache__"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        roots.append(Path(os.environ["NUMBA_CACHE_DIR"]))
    for root in roots:
        if any(root.rglob("engine.*.nbi")):
            return f"present ({root})"
    return "absent"


def bench_latency(sizes: Sizes, progress: Callable[[str], Any] | None = None) -> list[dict]:
    """Fresh-process latency: new formula, cached formula, SymPy on a hit, library build."""
    from optimizers.engine import engines

    engines()  # the one-off build is measured separately; users pay it once per install
    rows = []
    for n in sizes.latency_dims:
        if progress:
            progress(f"latency n={n}")
        new_t, new_ok, hit_t, hit_ok = [], [], [], []
        sympy_cli = sympy_api = None
        failure = ""
        for _ in range(max(1, sizes.latency_repeat)):
            tmp = tempfile.mkdtemp(prefix="landscape-bench-")
            try:
                env = _child_env(LANDSCAPE_CACHE_DIR=tmp)
                formula, extra, x0 = _unique_formula(n)
                t, ok, proc = _run_cli(formula, extra, x0, env)
                new_t.append(t)
                new_ok.append(ok)
                if proc.returncode != 0:
                    failure = proc.stderr.strip().splitlines()[-1:] or ["exit code"]
                    failure = f"landscape run failed: {failure[0]}"
                for _ in range(max(1, sizes.latency_repeat)):
                    t, ok, _proc = _run_cli(formula, extra, x0, env)
                    hit_t.append(t)
                    hit_ok.append(ok)
                if sympy_cli is None:
                    _t, _ok, proc = _run_cli(formula, extra, x0,
                                             dict(env, PYTHONPROFILEIMPORTTIME="1"))
                    sympy_cli = _imports_sympy(proc.stderr)
                    dim = str(n) if n != 2 else "0"
                    _t, proc = _timed_process(
                        [sys.executable, "-c", _SYMPY_PROBE, formula, dim, x0], env)
                    try:
                        probe = json.loads(proc.stdout.strip().splitlines()[-1])
                        sympy_api = bool(probe["sympy"])
                    except (ValueError, KeyError, IndexError):
                        sympy_api = None
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        t_new = statistics.median(new_t)
        t_hit = statistics.median(hit_t)
        rows.append(_row(
            "latency", f"new formula n={n} → first bfgs result (fresh process, empty cache)",
            None, t_new, None, ours_success=float(np.mean(new_ok)), target="≤ 1.5 s",
            met=bool(t_new <= 1.5), note=failure,
            detail={"runs": new_t, "command": "landscape run FORMULA --method bfgs --x0 ..."},
        ))
        no_sympy = sympy_cli is False and sympy_api is not True
        rows.append(_row(
            "latency", f"same formula n={n} again (fresh process, cache hit)", None, t_hit,
            None, ours_success=float(np.mean(hit_ok)),
            target="≤ 0.8 s, SymPy not imported", met=bool(t_hit <= 0.8 and no_sympy),
            note=f"SymPy imported: CLI {sympy_cli}, load_formula+minimize {sympy_api}",
            detail={"runs": hit_t, "sympy_imported_cli": sympy_cli,
                    "sympy_imported_api": sympy_api},
        ))
    if progress:
        progress("latency: optimizer library")
    state = _engine_cache_state()
    t, proc = _timed_process([sys.executable, "-c", _ENGINE_PROBE, "bfgs"], _child_env())
    load = _probe_seconds(proc)
    rows.append(_row(
        "latency", "optimizer library ready for a first bfgs run: import + per-start engine "
        "+ bfgs step from Numba's disk cache (fresh process)", None,
        load, None, note=f"cache {state}; process wall time {t:.2f} s; other methods' steps "
        "load on first use",
        detail={"process_seconds": t, "cache_state": state},
    ))
    if sizes.cold_build:
        tmp = tempfile.mkdtemp(prefix="landscape-bench-numba-")
        try:
            t, proc = _timed_process([sys.executable, "-c", _ENGINE_PROBE],
                                     _child_env(NUMBA_CACHE_DIR=tmp), timeout=1800.0)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        probe = _probe(proc)
        rows.append(_row(
            "latency", "optimizer library one-off build (empty Numba cache)", None,
            probe.get("seconds"), None, note=_build_note(probe),
            detail={"process_seconds": t, "cpu_seconds": probe.get("cpu_seconds"),
                    "build": probe.get("build")},
        ))
    else:
        rows.append(_row(
            "latency", "optimizer library one-off build (empty Numba cache)", None, None, None,
            note=f"not measured with --quick; the library's cache is {state.split()[0]}",
        ))
    return rows


def _probe(proc: subprocess.CompletedProcess) -> dict:
    """The JSON record a probe process printed last (empty when it printed none)."""
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}
    return out if isinstance(out, dict) else {}


def _probe_seconds(proc: subprocess.CompletedProcess) -> float | None:
    seconds = _probe(proc).get("seconds")
    return float(seconds) if isinstance(seconds, (int, float)) else None


def _build_note(probe: dict) -> str:
    """How the one-off build ran: its processes and CPU time (``engine.build_library``)."""
    build = probe.get("build") or {}
    procs = build.get("processes")
    if not procs:
        return "once per installation (or source change)"
    how = ("in this process alone" if procs == 1 else
           f"in {procs} build processes ({build.get('in_workers')} of "
           f"{build.get('compiled')} pieces compiled there)")
    cpu = probe.get("cpu_seconds")
    cpu = f"; {cpu:.0f} s CPU" if isinstance(cpu, (int, float)) else ""
    return f"once per installation (or source change); built {how}{cpu}"


# ============================================================================ symbolic
def symbolic_stages(n: int) -> dict[str, float]:
    """Seconds of each stage for the chained Rosenbrock function of dimension ``n``: parse,
    gradient, Hessian, kernel source generation, compilation of the seven kernels.  Uses the
    current kernel cache (run it with an empty ``LANDSCAPE_CACHE_DIR`` for cold numbers)."""
    from landscape.codegen import generate_sources
    from landscape.compiled import store
    from landscape.kernel_types import KINDS
    from landscape.objective import Objective

    out: dict[str, float] = {}
    t0 = time.perf_counter()
    obj = Objective.parse(ROSEN_CHAINED, dim=n)
    t1 = time.perf_counter()
    grad = obj.gradient_list
    t2 = time.perf_counter()
    hess = obj.hessian_entries
    t3 = time.perf_counter()
    sources = generate_sources(obj.expr, obj.variables, grad, hess, obj.data_symbols)
    t4 = time.perf_counter()
    compiled = store(obj.key, sources, variables=obj.names, text=obj.text)
    for kind in KINDS:
        tk = time.perf_counter()
        compiled.kernel(kind)
        out[f"compile_{kind}"] = time.perf_counter() - tk
    t5 = time.perf_counter()
    out.update(parse=t1 - t0, gradient=t2 - t1, hessian=t3 - t2, codegen=t4 - t3,
               compile=t5 - t4)
    ones = np.ones(n)
    out["check_f_at_minimiser"] = compiled.value(ones)
    out["check_gnorm_at_minimiser"] = float(np.max(np.abs(compiled.gradient(ones))))
    out["hessian_nonzeros_upper"] = float(len(hess))
    return out


def _symbolic_child_main() -> None:  # pragma: no cover - runs in a child process
    print(json.dumps(symbolic_stages(int(sys.argv[1]))))


def bench_symbolic(sizes: Sizes, progress: Callable[[str], Any] | None = None) -> list[dict]:
    """Symbolic pipeline of chained Rosenbrock, each n in a fresh process and empty cache."""
    rows = []
    code = "from analysis.bench import _symbolic_child_main; _symbolic_child_main()"
    for n in sizes.symbolic_dims:
        if progress:
            progress(f"symbolic n={n}")
        tmp = tempfile.mkdtemp(prefix="landscape-bench-sym-")
        try:
            t, proc = _timed_process([sys.executable, "-c", code, str(n)],
                                     _child_env(LANDSCAPE_CACHE_DIR=tmp), timeout=1800.0)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        try:
            st = json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            rows.append(_row("symbolic", f"chained Rosenbrock n={n}", None, None, None,
                             note=f"failed: {err}"))
            continue
        work = st["gradient"] + st["hessian"] + st["codegen"] + st["compile"]
        correct = abs(st["check_f_at_minimiser"]) < 1e-12 and st["check_gnorm_at_minimiser"] < 1e-9
        target = met = None
        if n == 100:
            target, met = "≤ 5 s (gradient + Hessian + kernels)", bool(work <= 5.0)
        stages = ", ".join(f"{k} {st[k]:.2f}" for k in
                           ("parse", "gradient", "hessian", "codegen", "compile"))
        rows.append(_row(
            "symbolic", f"chained Rosenbrock n={n}: gradient + Hessian + codegen + compile",
            None, work, None, ours_success=1.0 if correct else 0.0, target=target, met=met,
            note=f"stages (s): {stages}", detail={**st, "process_seconds": t},
        ))
    return rows


# ============================================================================ run + report
_SECTIONS: dict[str, Callable[..., list[dict]]] = {
    "multistart": bench_multistart,
    "first_order": bench_first_order,
    "scaling": bench_scaling,
    "overhead": bench_overhead,
    "latency": bench_latency,
    "symbolic": bench_symbolic,
}


def _versions() -> dict[str, str | None]:
    import numba
    import scipy

    out: dict[str, str | None] = {
        "python": platform.python_version(), "numpy": np.__version__,
        "numba": numba.__version__, "scipy": scipy.__version__,
    }
    try:
        import jax

        out["jax"] = jax.__version__
    except ImportError:
        out["jax"] = None
    return out


#: the vector extensions the header names, oldest first (LLVM feature names)
VECTOR_EXTENSIONS = ("sse4.2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw",
                     "avx512vl", "avx512vnni", "avx512bf16")


def _cpu_model(cpuinfo: str | None = None) -> str:
    """The processor's model: the first ``model name`` line of ``/proc/cpuinfo`` (Linux),
    else :func:`platform.processor`, else ``"unknown"``."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            cpuinfo = ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return platform.processor() or "unknown"


def cpu_description() -> dict[str, Any]:
    """The processor and the machine code the compiled library was built for.

    ``model`` (:func:`_cpu_model`); ``host_cpu`` and ``host_features``: the CPU LLVM detects on
    this machine (``llvmlite.binding.get_host_cpu_name``) and which of
    :data:`VECTOR_EXTENSIONS` it has; ``numba_target`` / ``numba_features``: what Numba
    compiles for, the host unless ``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES`` say otherwise
    (``"generic"`` = baseline x86-64, SSE2 only).
    """
    import llvmlite.binding as llvm
    import numba

    host = llvm.get_host_cpu_name()
    feats = llvm.get_host_cpu_features()
    have = [f for f in VECTOR_EXTENSIONS if feats.get(f, False)]
    target = numba.config.CPU_NAME or host
    target_feats = numba.config.CPU_FEATURES
    return {
        "model": _cpu_model(),
        "host_cpu": host,
        "host_features": have,
        "numba_target": target,
        "numba_target_source": "NUMBA_CPU_NAME" if numba.config.CPU_NAME else "host",
        "numba_features": "host" if target_feats is None else target_feats,
    }


def _cpu_line(cpu: dict[str, Any]) -> str:
    """One header line: model, vector extensions, Numba's target."""
    ext = ", ".join(cpu["host_features"]) or "none of " + ", ".join(VECTOR_EXTENSIONS)
    feats = cpu["numba_features"]
    feats = {"host": "the host's", "": "the target's baseline"}.get(feats, feats)
    return (f"CPU {cpu['model']} (LLVM: {cpu['host_cpu']}; vector extensions {ext}); Numba "
            f"compiles for {cpu['numba_target']} ({cpu['numba_target_source']}), features: "
            f"{feats}")


def run_bench(
    quick: bool = False,
    *,
    sizes: Sizes | None = None,
    repeat: int | None = None,
    threads: int | None = None,
    groups: Iterable[str] | None = None,
    progress: Callable[[str], Any] | None = None,
) -> dict[str, Any]:
    """Run the benchmark; return its record (plain, JSON-ready data).

    ``quick`` selects :data:`QUICK` sizes instead of :data:`FULL` (``sizes`` overrides both);
    ``repeat`` the number of timed repeats (medians are reported); ``threads`` the Numba thread
    count (default: all); ``groups`` a subset of :data:`GROUPS`; ``progress(message)`` is
    called as each workload starts.

    The record: ``{"version", "mode", "machine", "settings", "rows", "notes", "seconds"}``;
    each row has ``group, workload, peer, unit, ours_s, peer_s, ratio (= peer_s / ours_s),
    ours_success, peer_success, target, met, note, detail``.
    """
    import numba

    sz = sizes if sizes is not None else (QUICK if quick else FULL)
    if repeat is not None:
        sz = replace(sz, repeat=max(1, int(repeat)))
    chosen = tuple(GROUPS if groups is None else groups)
    unknown = [g for g in chosen if g not in _SECTIONS]
    if unknown:
        raise ValueError(f"unknown benchmark groups {unknown}; valid: {', '.join(GROUPS)}")
    old_threads = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    notes = []
    versions = _versions()
    if versions["jax"] is None and "first_order" in chosen:
        notes.append("JAX is not installed: the JAX jit+vmap peer was skipped")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    import scipy.optimize  # noqa: F401 - loads SciPy's OpenBLAS before it is switched

    t0 = time.perf_counter()
    rows: list[dict] = []
    try:
        with _SingleThreadedBLAS() as blas:
            for g in GROUPS:
                if g in chosen:
                    rows.extend(_SECTIONS[g](sz, progress))
    finally:
        numba.set_num_threads(old_threads)
    if blas.applied:
        notes.append("OpenBLAS ran single-threaded (" + ", ".join(blas.applied) + ")")
    seconds = time.perf_counter() - t0
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None
    busy = load[0] if load else 0.0  # the end value counts the benchmark's own threads
    if busy > 0.5:
        notes.append(f"load average {busy:.2f} at the start (other processes): timings, the "
                     "parallel speed-up above all, are pessimistic")
    settings = asdict(sz)
    return {
        "version": RECORD_VERSION,
        "mode": sz.name,
        "machine": {
            "cpus": os.cpu_count(), "threads": numba.config.NUMBA_NUM_THREADS
            if threads is None else threads, "platform": platform.platform(),
            "load_average_at_start": list(load) if load else None,
            "load_average_at_end": list(load_end) if load_end else None,
            "blas_single_threaded": blas.applied, "cpu": cpu_description(), **versions,
        },
        "settings": settings,
        "success_criteria": {
            "multistart": f"‖x − (1, …, 1)‖∞ ≤ {SUCCESS_RADIUS:g}",
            "first_order": "f(x_K) finite and ≤ f(x_0)",
        },
        "rows": rows,
        "notes": notes,
        "seconds": seconds,
    }


def _fmt_time(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.2f} µs"


def _fmt_rate(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _fmt_ratio(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.0f}×" if v >= 100 else f"{v:.2f}×"


def bench_text(record: dict[str, Any]) -> str:
    """The record as a plain-text table, grouped by section, with targets and notes."""
    m = record["machine"]
    lines = [
        f"landscape bench ({record['mode']}): {m['cpus']} CPUs, {m['threads']} Numba threads, "
        f"Python {m['python']}, NumPy {m['numpy']}, Numba {m['numba']}, SciPy {m['scipy']}"
        + (f", JAX {m['jax']}" if m.get("jax") else ""),
        _cpu_line(m["cpu"]),
        "times are medians of "
        f"{record['settings']['repeat']} runs; ratio = peer time / our time; success: "
        + "; ".join(f"{k} {v}" for k, v in record["success_criteria"].items()),
    ]
    headers = ("workload", "peer", "ours", "peer", "ratio", "success ours/peer", "target", "met")
    for group in GROUPS:
        rows = [r for r in record["rows"] if r["group"] == group]
        if not rows:
            continue
        table = []
        for r in rows:
            unit = "/start" if r["unit"] == "s/start" else ""
            ours = _fmt_time(r["ours_s"]) + (unit if r["ours_s"] is not None else "")
            peer = _fmt_time(r["peer_s"]) + (unit if r["peer_s"] is not None else "")
            succ = f"{_fmt_rate(r['ours_success'])} / {_fmt_rate(r['peer_success'])}"
            met = {True: "met", False: "NOT MET", None: ""}[r["met"]]
            table.append((r["workload"], r["peer"] or "—", ours, peer, _fmt_ratio(r["ratio"]),
                          succ, r["target"] or "", met))
        widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(headers)]
        lines.append("")
        lines.append(f"[{group}]")
        lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
        for t, r in zip(table, rows, strict=True):
            lines.append("  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)).rstrip())
            if r["note"]:
                lines.append(f"    note: {r['note']}")
    for note in record["notes"]:
        lines.append(f"note: {note}")
    targets = [r for r in record["rows"] if r["met"] is not None]
    met = sum(1 for r in targets if r["met"])
    lines.append("")
    lines.append(f"targets met: {met} of {len(targets)}; total {record['seconds']:.1f} s")
    return "\n".join(lines)


# ============================================================================ command line
def run_cli(args: argparse.Namespace) -> int:
    """Run ``landscape bench``: the table (or JSON) on stdout, progress on stderr."""
    from landscape.errors import InputError
    from landscape.numfmt import plural

    groups = None
    if getattr(args, "only", None):
        groups = [g.strip().replace("-", "_") for g in args.only.split(",") if g.strip()]
        bad = [g for g in groups if g not in GROUPS]
        if bad:
            raise InputError(f"unknown {plural(len(bad), 'section', count=False)} "
                             f"{', '.join(bad)}; valid: {', '.join(GROUPS)}")
    if getattr(args, "threads", None) is not None and args.threads < 1:
        raise InputError("--threads must be at least 1")
    if getattr(args, "repeat", None) is not None and args.repeat < 1:
        raise InputError("--repeat must be at least 1")

    from analysis.progress_bar import wanted

    show = wanted(quiet=getattr(args, "quiet", False))

    def progress(msg: str) -> None:
        if show:
            print(f"  bench: {msg} …", file=sys.stderr, flush=True)

    record = run_bench(quick=bool(args.quick), repeat=getattr(args, "repeat", None),
                       threads=getattr(args, "threads", None), groups=groups,
                       progress=progress)
    if args.json:
        from landscape.jsonutil import dumps

        print(dumps(record))
    else:
        print(bench_text(record))
    return 0
