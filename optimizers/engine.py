r"""The compiled entry points of the optimizer library.

The schedulers take the objective's kernels as first-class functions
(``numba.types.FunctionType``, see :mod:`landscape.kernel_types`), all hyperparameters in one
float64 array ``hp`` (slots in :mod:`optimizers._layout`), and run ``prange`` over chunks of
starts, each chunk with its own workspace.  They are compiled once for every formula, stored
in Numba's disk cache, and loaded from there by later processes; a new formula only compiles
its own kernels.

``first_order_engine(fp, hp, seed, offset, X0, D,
                     out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath, epoch_f)``
    ``fp``: the addresses of the chunk worker, the method's ``update`` and the objective's
    ``f, fg, fg_cols`` (:data:`FIRST_ORDER_FUNCTIONS`, :func:`addresses`).
    Lock-step first-order methods (gd … adamw): a chunk's points are the columns of an
    ``(n, chunk)`` workspace, values and gradients come from one ``fg_cols`` call per step for
    the whole chunk (or per start on its own minibatch), and each start stops on its own
    criterion.  Columns of finished starts are compacted away once half of the chunk is done.
    A plain fixed-step run (``steps``, no minibatch, noise, coupled weight decay, averaging or
    recording) takes a fast path with the same results (:func:`_fo_fixed_steps`).  Both paths
    share one stopping test (:func:`_stop_test`), one divergence test (:func:`_col_detail`)
    and one result writer (:func:`_write_result`).
``per_start_engine(fp, hp, seed, offset, X0, D,
                   out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath)``
    ``fp``: the addresses of the chunk worker, the method's ``step`` and the objective's
    ``fg, h`` (:data:`PER_START_FUNCTIONS`).
    Line-search, Newton-type, CG, quasi-Newton and coordinate methods, one start after the
    other inside a chunk.

``update`` and ``step`` are the method's own compiled functions (:func:`method_kernel`, the
contract in :mod:`optimizers.registry`), passed as first-class functions like the objective's
kernels: the engines' loops name no method.

Outputs are preallocated by :mod:`optimizers.driver`: ``out_x, out_jac, out_xavg`` (N, n),
``out_r`` (N, NR) floats, ``out_i`` (N, NI) ints, ``path`` (N, Lp, n), ``fpath, gpath``
(N, Lp) with Lp = 0 when not recording, ``epoch_f`` (N, E) full-data loss per epoch.
Random numbers come from per-start streams keyed by ``(seed, offset + start)``
(:mod:`optimizers.rng`), so results are bit-identical for any thread count or chunking.

Iteration bookkeeping shared by both engines (documented in :mod:`optimizers.driver`):
``‖·‖∞`` norms for gtol (gradient) and xtol (step), relative decrease for ftol, divergence when
x, f or ∇f is not finite or ‖x‖∞ > ``BOUND``·(1 + ‖x₀‖∞), reporting the last iterate that passed
these checks.

Compilation: each compiled function's machine code contains every function it calls, and
Numba re-optimises that whole tree at each level of the call graph.  The parallel schedulers
therefore call the chunk workers through a function pointer (a ``FunctionType`` argument),
which keeps them out of the schedulers' code; four dispatchers are compiled, each once, with
explicit signatures: ``first_order_chunk``, ``per_start_chunk`` (the work) and
``first_order``, ``per_start`` (the ``prange`` schedulers).  The one-off build of the whole
library (:func:`build_library`: the four entry points and every method's step or update,
about a minute of CPU time) compiles its independent pieces in one build process per core,
into the disk cache, and loads them from there.

Numba's cache key of a function covers only its own file and bytecode, not the helpers it
calls in other files; a stamp of :data:`SOURCE_HASH` beside each entry point's and each
method kernel's cache empties its cache index when any source changed.  The hash covers
:func:`compiled_sources`, derived from the files themselves: the method modules, every module
of the package that imports Numba, and all they import from ``optimizers`` and
``landscape``.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
import threading
import weakref
from collections import namedtuple
from contextlib import contextmanager
from pathlib import Path
from types import FunctionType, ModuleType

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.core.registry import CPUDispatcher
from numba.experimental.function_type import _get_jit_address, _get_wrapper_address
from numba.extending import intrinsic

from landscape.jit import BORROW, CACHED, INLINE, KERNEL, KERNEL_NORC, REASSOC
from landscape.kernel_types import (
    F_TYPE,
    FG_COLS_TYPE,
    FG_TYPE,
    H_SIG,
    H_TYPE,
    MAT,
    VEC,
)

from . import _layout as L
from .averaging import average_value
from .registry import METHODS, PACKAGE, spec_module
from .rng import epoch_permutation, normal_pair, stream_key
from .schedules import lr_from_hp
from .workspace import allocate, unpack

PACKAGE_DIR = Path(__file__).resolve().parent


#: ``from X import a, b`` / ``from X import (a, b)`` and ``import X, Y as Z`` statements at
#: the start of a line (a docstring line that reads like one only adds a file to the key)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)",
                          re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+"
                     r"(?:[ \t]+as[ \t]+\w+)?)*)", re.M)
_COMMENT = re.compile(r"#[^\n]*")


def _import_statements(text: str) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import statement of a source text; ``module`` keeps
    its leading dots (relative imports), names are empty for ``import X``.

    Read with regular expressions instead of :mod:`ast`: parsing the package's 38 compiled
    sources took about 0.3 s of every process's start."""
    out: list[tuple[str, list[str]]] = []
    for m in _FROM_IMPORT.finditer(text):
        names = _COMMENT.sub("", m.group(2)).strip("()")
        out.append((m.group(1), [n.split()[0] for n in names.replace("\n", " ").split(",")
                                 if n.strip()]))
    for m in _IMPORT.finditer(text):
        out.extend((n.split()[0], []) for n in m.group(1).split(",") if n.strip())
    return out


def _imports(path: Path, package: str) -> set[str]:
    """Dotted names of the ``optimizers`` / ``landscape`` modules (or packages) that the file
    at ``path``, a module of ``package``, imports (absolute or relative)."""
    out: set[str] = set()
    for module, names in _import_statements(path.read_text(encoding="utf-8")):
        level = len(module) - len(module.lstrip("."))
        base = module[level:]
        if level:
            parent = package.rsplit(".", level - 1)[0] if level > 1 else package
            base = f"{parent}.{base}" if base else parent
        out.add(base)
        out.update(f"{base}.{n}" for n in names)
    return {m for m in out if m.split(".")[0] in ("optimizers", "landscape")}


def _uses_numba(path: Path) -> bool:
    return any(module.split(".")[0] == "numba"
               for module, _ in _import_statements(path.read_text(encoding="utf-8")))


def compiled_sources(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Every source file whose code can end up in the compiled library, derived from the
    files (no list kept by hand): the method modules (``algorithms/``, compiled by the engine)
    and every module of this package that imports Numba, with everything they import from
    the ``optimizers`` and ``landscape`` packages, transitively."""
    root = package_dir.parent
    todo = [p for p in sorted(package_dir.rglob("*.py"))
            if p.parent.name == "algorithms" or _uses_numba(p)]
    seen = set(todo)
    while todo:
        path = todo.pop()
        rel = path.relative_to(root).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        package = ".".join(parts if rel.name == "__init__" else parts[:-1])
        for mod in _imports(path, package):
            bits = mod.split(".")
            for cand in (root.joinpath(*bits).with_suffix(".py"),
                         root.joinpath(*bits, "__init__.py")):
                if cand.is_file() and cand not in seen:
                    seen.add(cand)
                    todo.append(cand)
    return sorted(seen)


def source_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the relative paths and contents of :func:`compiled_sources`."""
    h = hashlib.sha256()
    root = package_dir.parent
    for path in sorted(compiled_sources(package_dir)):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


SOURCE_HASH = source_hash()

#: ``out_r`` and ``out_i`` are column-major (N, NR) / (N, NI) arrays (any strides): each
#: result field is a contiguous column, handed to the user without a copy
R_OUT = types.float64[:, :]
I_OUT = types.int64[:, :]
F64_3D = types.float64[:, :, ::1]

#: step(fg, h, D, hp, k, fx, F, I) -> (rc, fn) of a per-start method: its point, gradients,
#: counters and named state are views into the workspace (F, I) (:mod:`optimizers.workspace`)
STEP_SIG = types.Tuple((types.int64, types.float64))(
    FG_TYPE, H_TYPE, MAT, VEC, types.int64, types.float64, VEC, types.int64[::1],
)
#: update(k, lr, hp, X, G, S, ncols, XO) of a lock-step method
UPDATE_SIG = types.void(types.int64, types.float64, VEC, MAT, MAT, F64_3D, types.int64, MAT)
STEP_TYPE = types.FunctionType(STEP_SIG)
UPDATE_TYPE = types.FunctionType(UPDATE_SIG)

FIRST_ORDER_CHUNK_SIG = types.void(
    UPDATE_TYPE, VEC, types.int64, types.int64,
    F_TYPE, FG_TYPE, FG_COLS_TYPE,
    MAT, MAT, types.int64, types.int64,
    MAT, MAT, MAT, R_OUT, I_OUT, F64_3D, MAT, MAT, MAT,
)
PER_START_CHUNK_SIG = types.void(
    STEP_TYPE, VEC, types.int64, types.int64,
    FG_TYPE, H_TYPE,
    MAT, MAT, types.int64, types.int64,
    MAT, MAT, MAT, R_OUT, I_OUT, F64_3D, MAT, MAT,
)
FIRST_ORDER_CHUNK_TYPE = types.FunctionType(FIRST_ORDER_CHUNK_SIG)
PER_START_CHUNK_TYPE = types.FunctionType(PER_START_CHUNK_SIG)
#: the schedulers take their functions as addresses (:func:`addresses`), not as first-class
#: function objects: see :func:`_function`
FIRST_ORDER_SIG = types.void(
    types.int64[::1], VEC, types.int64, types.int64,
    MAT, MAT, MAT, MAT, MAT, R_OUT, I_OUT, F64_3D, MAT, MAT, MAT,
)
PER_START_SIG = types.void(
    types.int64[::1], VEC, types.int64, types.int64,
    MAT, MAT, MAT, MAT, MAT, R_OUT, I_OUT, F64_3D, MAT, MAT,
)


# ============================================================================ function addresses
def _function_maker(fty):
    """An intrinsic ``make(c_addr, jit_addr)`` building a first-class function value of type
    ``fty`` from the two addresses Numba stores in one (:func:`addresses`)."""

    @intrinsic
    def make(typingctx, c_addr, jit_addr):
        def codegen(context, builder, sig, args):
            ptr = context.get_value_type(types.voidptr)
            fn = cgutils.create_struct_proxy(fty)(context, builder)
            fn.c_addr = builder.inttoptr(args[0], ptr)
            fn.py_addr = ir.Constant(ptr, None)  # no Python object: never boxed
            fn.jit_addr = builder.inttoptr(args[1], ptr)
            return fn._getvalue()

        return fty(types.int64, types.int64), codegen

    return make


_FO_CHUNK_FN = _function_maker(FIRST_ORDER_CHUNK_TYPE)
_PS_CHUNK_FN = _function_maker(PER_START_CHUNK_TYPE)
_UPDATE_FN = _function_maker(UPDATE_TYPE)
_STEP_FN = _function_maker(STEP_TYPE)
_F_FN = _function_maker(F_TYPE)
_FG_FN = _function_maker(FG_TYPE)
_FG_COLS_FN = _function_maker(FG_COLS_TYPE)
_H_FN = _function_maker(H_TYPE)

#: the order of the functions in the scheduler's address array (two entries each)
FIRST_ORDER_FUNCTIONS = (
    ("first_order_chunk", FIRST_ORDER_CHUNK_TYPE), ("update", UPDATE_TYPE), ("f", F_TYPE),
    ("fg", FG_TYPE), ("fg_cols", FG_COLS_TYPE),
)
PER_START_FUNCTIONS = (
    ("per_start_chunk", PER_START_CHUNK_TYPE), ("step", STEP_TYPE), ("fg", FG_TYPE),
    ("h", H_TYPE),
)

#: dispatcher → {function type: its two addresses}; weak, so that it keeps no objective's
#: kernels alive
_ADDRESSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def addresses(functions) -> np.ndarray:
    """The addresses the schedulers take instead of first-class function objects: for each
    ``(dispatcher, FunctionType)`` of ``functions``, the address of its C wrapper and of its
    compiled function (``c_addr``, ``jit_addr``: what Numba stores in a first-class function
    value), derived once per dispatcher and kept with it.

    Passing a dispatcher as a first-class function makes every call re-derive both addresses
    in Python (a signature look-up and an LLVM symbol look-up each: about 30 µs a function,
    four or five functions per call); the scheduler rebuilds the values from these integers
    (:func:`_function_maker`), bit for bit what Numba's unboxing would have built, so the
    machine code that runs is the same."""
    out = np.empty(2 * len(functions), dtype=np.int64)
    for k, (disp, fty) in enumerate(functions):
        known = _ADDRESSES.setdefault(disp, {})
        hit = known.get(fty)
        if hit is None:
            sig = fty.signature
            hit = known[fty] = (_get_wrapper_address(disp, sig), _get_jit_address(disp, sig))
        out[2 * k : 2 * k + 2] = hit
    return out


# ============================================================================ stubs
@njit(H_SIG, **CACHED)
def no_hessian(x, D, H):
    """H ← NaN: the Hessian slot of the per-start engine for methods that never evaluate it
    (GD with a line search, nonlinear CG, BFGS, L-BFGS), so that a new formula run by them
    does not compile its Hessian kernel, the largest of its kernels."""
    for i in range(H.shape[0]):
        for j in range(H.shape[1]):
            H[i, j] = math.nan


# ============================================================================ shared helpers
@njit(**INLINE)
def rel_change(fa, fb):
    """|f_a − f_b| / max(|f_a|, |f_b|, 1)."""
    return abs(fa - fb) / max(abs(fa), abs(fb), 1.0)


@njit(**INLINE)
def f_detail(fval):
    """Divergence detail for a non-finite objective value (0 when finite)."""
    if math.isnan(fval):
        return L.D_F_NAN
    if math.isinf(fval):
        return L.D_F_INF
    return 0


@njit(**INLINE)
def point_detail(x, fval, gvec, bound):
    """Divergence detail of a point (0 when x, f and ∇f are finite and ‖x‖∞ ≤ bound)."""
    xm = 0.0
    for i in range(x.shape[0]):
        if not math.isfinite(x[i]):
            return L.D_X_NONFINITE
        xm = max(xm, abs(x[i]))
    d = f_detail(fval)
    if d != 0:
        return d
    for i in range(gvec.shape[0]):
        if not math.isfinite(gvec[i]):
            return L.D_G_NONFINITE
    if xm > bound:
        return L.D_X_BOUND
    return 0


@njit(**KERNEL)
def start_detail(x, fval, gvec):
    """Detail for an unusable start: NaN objective (outside the domain) or non-finite values."""
    d = point_detail(x, fval, gvec, math.inf)
    if d == 0:
        return 0
    return L.D_START_NAN if d == L.D_F_NAN else L.D_START_NONFINITE


@njit(**INLINE)
def _vmin(v):
    """min_j v_j of a non-empty vector without NaN (a loop: ``np.min`` compiles NumPy's
    reduction and its empty-array error, about 0.4 s of the cold build)."""
    m = math.inf
    for j in range(v.shape[0]):
        m = min(m, v[j])
    return m


@njit(**INLINE)
def norm_inf(v):
    """max_i |v_i|."""
    m = 0.0
    for i in range(v.shape[0]):
        m = max(m, abs(v[i]))
    return m


# ============================================================================ lock-step engine
#: where a lock-step chunk writes its results (the engine's output arrays, module docstring)
Out = namedtuple("Out", "x jac xavg r i path fpath gpath epoch_f")
#: per-column bookkeeping of a lock-step chunk: the start of each column, its evaluations of f
#: and ∇f, its last relative f change and ‖Δx‖∞, its averaged iterates (count, average), its
#: divergence bound and whether it still runs
Cols = namedtuple("Cols", "gid nf ng fc xc na xa bnd alive")


@njit(**INLINE)
def _col_gnorm(G, X, j, wd):
    """‖g + λx‖∞ of column j (λ = the weight decay)."""
    m = 0.0
    for i in range(G.shape[0]):
        m = max(m, abs(G[i, j] + wd * X[i, j]))
    return m


@njit(**INLINE)
def _col_step(X, XP, j):
    """‖x − x_prev‖∞ of column j."""
    m = 0.0
    for i in range(X.shape[0]):
        m = max(m, abs(X[i, j] - XP[i, j]))
    return m


@njit(**KERNEL_NORC)
def _col_detail(X, j, bound, fval, G, check_fg):
    """The divergence test of column j (0 = passed): x finite with ‖x‖∞ ≤ bound, and (when
    ``check_fg``) f and ∇f finite; the detail code of the first failure otherwise."""
    xm = 0.0
    for i in range(X.shape[0]):
        if not math.isfinite(X[i, j]):
            return L.D_X_NONFINITE
        xm = max(xm, abs(X[i, j]))
    if check_fg:
        d = f_detail(fval)
        if d != 0:
            return d
        for i in range(G.shape[0]):
            if not math.isfinite(G[i, j]):
                return L.D_G_NONFINITE
    if xm > bound:
        return L.D_X_BOUND
    return 0


@njit(**REASSOC)
def _block_sum(X, G, F):
    """s = Σ_ij (|x_ij| + 0·g_ij) + Σ_j 0·f_j, summed in any order (vectorised).

    The cheap divergence filter of the fixed-step path: s is finite only if every x, ∇f and
    f of the block is, and s ≥ max_ij |x_ij| (a sum of non-negative terms, in any order), so
    s ≤ ½ min_j bound_j means every column passes :func:`_col_detail`.  A block that fails
    the filter is checked column by column."""
    s = 0.0
    for j in range(F.shape[0]):
        s += F[j] * 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            s += abs(X[i, j]) + G[i, j] * 0.0
    return s


@njit(**INLINE)
def _stop_test(check, kk, K, gn, fc, xc, gtol, ftol, xtol, done_st):
    """(status, detail) of a start at iterate kk, (0, 0) to go on: the one stopping test.

    With ``check``: converged when ‖∇f‖∞ ≤ gtol, else when ftol > 0 and the relative f change
    ≤ ftol, else when xtol > 0 and ‖Δx‖∞ ≤ xtol; otherwise ``done_st`` (steps or maxiter)
    once kk = K."""
    if check:
        if gn <= gtol:
            return L.ST_CONVERGED, L.D_GTOL
        if ftol > 0.0 and fc <= ftol:
            return L.ST_CONVERGED, L.D_FTOL
        if xtol > 0.0 and xc <= xtol:
            return L.ST_CONVERGED, L.D_XTOL
    if kk == K:
        return done_st, 0
    return 0, 0


@njit(**INLINE)
def _slot(k, st, length):
    """Row of iterate k in a trajectory that keeps every st-th iterate, or -1 if none."""
    if k % st != 0 or k // st >= length:
        return -1
    return k // st


@njit(**INLINE)
def _record_col(out, s, k, stride, X, j, fval, gn):
    """Iterate k of column j (start s) into the trajectory, if it keeps iterate k."""
    r = _slot(k, stride, out.path.shape[1])
    if r >= 0:
        for i in range(X.shape[0]):
            out.path[s, r, i] = X[i, j]
        out.fpath[s, r] = fval
        out.gpath[s, r] = gn


@njit(**INLINE)
def _average_col(cols, X, j, kind, decay):
    """Add column j's iterate to its running average (Polyak mean or EMA)."""
    cols.na[j] += 1.0
    for i in range(X.shape[0]):
        cols.xa[i, j] = average_value(kind, cols.xa[i, j], X[i, j], cols.na[j], decay)


@njit(**KERNEL_NORC)
def _write_result(j, status, detail, nit, X, G, fval, cols, out, wd, minibatch, stride, f, fg,
                  D):
    """Write the result of column j's start (the point = column j of X, its gradient column
    j of G, its value fval, reached at iterate nit) and retire the column: the one result
    writer.  Minibatch runs report the full-data f and ∇f at the point (one more evaluation);
    with averaging, x_avg and f(x_avg).

    Called, not inlined: nine call sites, each an inlined copy otherwise (about 5 s of the
    engine's first compilation).  Callers pass typed values (``np.int64(0)``, not ``0``):
    a literal argument is a type of its own and would compile another copy."""
    s = cols.gid[j]
    n = X.shape[0]
    for i in range(n):
        out.x[s, i] = X[i, j]
        out.jac[s, i] = G[i, j]
    if minibatch:
        fval = fg(out.x[s], D, out.jac[s])
        cols.nf[j] += 1
        cols.ng[j] += 1
    gn = 0.0
    for i in range(n):
        gn = max(gn, abs(out.jac[s, i] + wd * out.x[s, i]))
    r = _slot(nit, stride, out.fpath.shape[1]) if minibatch else -1
    if r >= 0:
        out.fpath[s, r] = fval
        out.gpath[s, r] = gn
    out.r[s, L.R_FUN] = fval
    out.r[s, L.R_GNORM] = gn
    out.r[s, L.R_FCHANGE] = cols.fc[j]
    out.r[s, L.R_XCHANGE] = cols.xc[j]
    out.r[s, L.R_NAVG] = cols.na[j]
    if cols.na[j] > 0:
        for i in range(n):
            out.xavg[s, i] = cols.xa[i, j]
        out.r[s, L.R_FUN_AVG] = f(out.xavg[s], D)
    else:
        for i in range(n):
            out.xavg[s, i] = math.nan
        out.r[s, L.R_FUN_AVG] = math.nan
    out.i[s, L.I_NIT] = nit
    out.i[s, L.I_NFEV] = cols.nf[j]
    out.i[s, L.I_NJEV] = cols.ng[j]
    out.i[s, L.I_NHEV] = 0
    out.i[s, L.I_STATUS] = status
    out.i[s, L.I_DETAIL] = detail
    cols.alive[j] = False


#: :func:`_write_result` inlined, for the one place that finishes every start of a fixed-step
#: run (:func:`_close_steps`), where a call per start costs a measurable share of a 2-D run
_write_result_inline = njit(**INLINE)(_write_result.py_func)


@njit(**KERNEL)
def _compact_cols(A, keep):
    out = np.empty((A.shape[0], keep.shape[0]), dtype=A.dtype)
    for i in range(A.shape[0]):
        for t in range(keep.shape[0]):
            out[i, t] = A[i, keep[t]]
    return out


@njit(**KERNEL)
def _compact_rows(A, keep):
    out = np.empty((keep.shape[0], A.shape[1]), dtype=A.dtype)
    for t in range(keep.shape[0]):
        for i in range(A.shape[1]):
            out[t, i] = A[keep[t], i]
    return out


@njit(**KERNEL)
def _compact_state(S, keep):
    out = np.empty((S.shape[0], S.shape[1], keep.shape[0]))
    for r in range(S.shape[0]):
        for i in range(S.shape[1]):
            for t in range(keep.shape[0]):
                out[r, i, t] = S[r, i, keep[t]]
    return out


@njit(**KERNEL)
def _compact_vec(a, keep):
    out = np.empty(keep.shape[0], dtype=a.dtype)
    for t in range(keep.shape[0]):
        out[t] = a[keep[t]]
    return out


@njit(**INLINE)
def _alive_cols(cols, ncols, nalive):
    """Indices of the running columns among the first ncols (nalive of them)."""
    keep = np.empty(nalive, dtype=np.int64)
    t = 0
    for j in range(ncols):
        if cols.alive[j]:
            keep[t] = j
            t += 1
    return keep


@njit(**INLINE)
def _compact_book(cols, keep):
    """The bookkeeping of the columns ``keep`` only (all running)."""
    return Cols(_compact_vec(cols.gid, keep), _compact_vec(cols.nf, keep),
                _compact_vec(cols.ng, keep), _compact_vec(cols.fc, keep),
                _compact_vec(cols.xc, keep), _compact_vec(cols.na, keep),
                _compact_cols(cols.xa, keep), _compact_vec(cols.bnd, keep),
                np.ones(keep.shape[0], dtype=np.bool_))


@njit(**KERNEL_NORC)
def _start_cols(X0, s0, seed, offset, bound, X, cols, rng):
    """Column j ← start s0 + j, its random stream and divergence bound·(1 + ‖x₀‖∞)."""
    n, c = X.shape
    for j in range(c):
        s = s0 + j
        cols.gid[j] = s
        rng[j] = stream_key(seed, offset + s)
        xm = 0.0
        for i in range(n):
            X[i, j] = X0[s, i]
            xm = max(xm, abs(X0[s, i]))
        cols.bnd[j] = bound * (1.0 + xm)


@njit(**KERNEL_NORC)
def _fixed_diverged(k, X, XQ, G, F, FQ, XN, GN, FN, cols, out, wd, f, fg, D):
    """Finish the columns whose new iterate x_{k+1} fails :func:`_col_detail`, at their last
    finite iterate x_k (f/x changes of step k − 1); returns how many were finished."""
    dead = 0
    for j in range(X.shape[1]):
        det = _col_detail(XN, j, cols.bnd[j], FN[j], GN, np.bool_(True))
        if det == 0:
            continue
        if k > 0:
            cols.fc[j] = rel_change(FQ[j], F[j])
            cols.xc[j] = _col_step(X, XQ, j)
        cols.nf[j] = k + 2
        cols.ng[j] = k + 2
        _write_result(j, L.ST_DIVERGED, det, k, X, G, F[j], cols, out, wd, np.bool_(False),
                      np.int64(1), f, fg, D)
        dead += 1
    return dead


@njit(**KERNEL_NORC)
def _fixed_run(update, fg_cols, hp, D, k, K, XB, GB, FB, S, limit):
    """Steps k, k + 1, … of the fixed-step path until K, or until the step whose new block
    fails the filter :func:`_block_sum` ≤ ``limit``; returns the index of that step (K if
    none).  Iterate k lives in ``XB[k % 3]``, ``GB[k % 2]``, ``FB[k % 3]``: the buffers rotate
    by index, nothing is copied or allocated, and without reference counting
    (:data:`landscape.jit.KERNEL_NORC`) the loop does per step only the update, the
    evaluation and the sum."""
    c = FB.shape[1]
    while k < K:
        lr = lr_from_hp(k, hp)
        XN = XB[(k + 1) % 3]
        GN = GB[(k + 1) % 2]
        FN = FB[(k + 1) % 3]
        update(k, lr, hp, XB[k % 3], GB[k % 2], S, c, XN)
        fg_cols(XN, D, FN, GN)
        if not _block_sum(XN, GN, FN) <= limit:
            return k
        k += 1
    return K


@njit(**KERNEL)
def _fo_fixed_steps(update, K, hp, f, fg, fg_cols, D, X, G, F, S, cols, out):
    """K fixed steps of a lock-step chunk whose columns all run, with nothing per step but the
    update, the evaluation and one sum.

    The fast path of :func:`first_order_chunk` for ``steps`` runs that need nothing per step
    but the update (no minibatch, noise, coupled weight decay, averaging or recording); its
    results are bit-identical to the general loop.  Per step, on the whole ``(n, chunk)``
    block (:func:`_fixed_run`)::

        X⁺ = update(X, G)                       (the method's update, into the next buffer)
        F⁺, G⁺ = fg_cols(X⁺)                    (values and gradients in one pass)
        s = Σ_ij |x⁺_ij| + 0·g⁺_ij + Σ_j 0·f⁺_j  (:func:`_block_sum`, vectorised)

    and only when s > ½ min_j bound_j (or s is not finite) are the columns tested one by one
    (:func:`_col_detail`); a column that fails is finished (diverged, at its last finite
    iterate x_k, with f, ∇f and the f/x changes of step k − 1) and removed from the block,
    so the sum stays a test of the running columns.  Three point buffers used in rotation
    (x_{k−1}, x_k, x_{k+1}) give the last step's ‖x_K − x_{K−1}‖∞ and relative f change
    without copies; the stopping criteria of a fixed-step run are not checked.
    """
    n, c = X.shape
    wd = hp[L.WEIGHT_DECAY]
    XB = np.empty((3, n, c))
    GB = np.empty((2, n, c))
    FB = np.empty((3, c))
    for i in range(n):  # element by element: an array assignment compiles NumPy's broadcasting
        for j in range(c):  # and its error message (string formatting), ~3 s of cold build
            XB[0, i, j] = X[i, j]
            GB[0, i, j] = G[i, j]
    for j in range(c):
        FB[0, j] = F[j]
    limit = 0.5 * _vmin(cols.bnd)
    k = np.int64(0)  # typed, not Literal[int](0): one compilation of _fixed_run
    while True:
        k = _fixed_run(update, fg_cols, hp, D, k, K, XB, GB, FB, S, limit)
        if k == K:
            break
        dead = _fixed_diverged(k, XB[k % 3], XB[(k + 2) % 3], GB[k % 2], FB[k % 3],
                               FB[(k + 2) % 3], XB[(k + 1) % 3], GB[(k + 1) % 2],
                               FB[(k + 1) % 3], cols, out, wd, f, fg, D)
        if dead == c:
            return
        if dead > 0:
            keep = _alive_cols(cols, c, c - dead)
            XB = _compact_state(XB, keep)
            GB = _compact_state(GB, keep)
            FB = _compact_cols(FB, keep)
            S = _compact_state(S, keep)
            cols = _compact_book(cols, keep)
            c -= dead
            limit = 0.5 * _vmin(cols.bnd)
        k += 1
    _close_steps(K, XB[K % 3], XB[(K + 2) % 3], GB[K % 2], FB[K % 3], FB[(K + 2) % 3], cols,
                 out, wd, f, fg, D)


@njit(**KERNEL_NORC)
def _close_steps(K, X, XQ, G, F, FQ, cols, out, wd, f, fg, D):
    """Finish every column after K fixed steps: x_K, f, ∇f and the changes of step K − 1
    (without reference counting, as :func:`_open_cols`)."""
    for j in range(X.shape[1]):
        cols.fc[j] = rel_change(FQ[j], F[j])
        cols.xc[j] = _col_step(X, XQ, j)
        cols.nf[j] = K + 1
        cols.ng[j] = K + 1
        _write_result_inline(j, L.ST_STEPS, L.D_NONE, K, X, G, F[j], cols, out, wd, False, 1,
                             f, fg, D)


@njit(**KERNEL_NORC)
def _eval_col(j, X, D, xv, gv, fg, cols):
    """xv ← column j of X; (divergence detail of (xv, f, ∇f), f) with f, gv ← f(xv), ∇f(xv)
    on the data rows D, counted as one evaluation of each for column j."""
    for i in range(X.shape[0]):
        xv[i] = X[i, j]
    fv = fg(xv, D, gv)
    cols.nf[j] += 1
    cols.ng[j] += 1
    return point_detail(xv, fv, gv, math.inf), fv


@njit(**INLINE)
def _batch_gradient(j, k, nb, bs, rem, perm, Db, Dr, seed, offset, fg, X, D, xv, gv, cols,
                    out, stride):
    """∇f of column j on its minibatch k mod nb into gv (each start draws its own order of
    the rows every epoch); returns the divergence detail of (x, f_batch, ∇f_batch)."""
    b = k % nb
    rows = bs if b < nb - 1 else rem
    Dm = Db if rows == bs else Dr
    s = cols.gid[j]
    if b == 0:
        epoch_permutation(seed, offset + s, k // nb, perm[j])
    for r in range(rows):
        src = perm[j, b * bs + r]
        for q in range(D.shape[1]):
            Dm[r, q] = D[src, q]
    det, fb = _eval_col(j, X, Dm, xv, gv, fg, cols)
    if det == 0:
        r = _slot(k, stride, out.fpath.shape[1])
        if r >= 0:
            out.fpath[s, r] = fb
            out.gpath[s, r] = norm_inf(gv)
    return det


@njit(**INLINE)
def _perturb(GW, X, j, noise, wd_coupled, rng):
    """The gradient the rule sees: + σ·N(0, 1) per coordinate (the start's stream), + λx."""
    n = X.shape[0]
    if noise > 0.0:
        for i in range(0, n, 2):
            z1, z2 = normal_pair(rng, j)
            GW[i, j] += noise * z1
            if i + 1 < n:
                GW[i + 1, j] += noise * z2
    if wd_coupled != 0.0:
        for i in range(n):
            GW[i, j] += wd_coupled * X[i, j]


@njit(**INLINE)
def _epoch_eval(j, X, D, xv, gv, fg, cols, out, FE, kk, nb, wd):
    """Full-data f and ∇f at column j's iterate kk (an epoch end or the last step of a
    minibatch run): returns (detail, ‖∇f + λx‖∞); stores the epoch's loss and the f change
    since the last evaluation."""
    det, fe = _eval_col(j, X, D, xv, gv, fg, cols)
    if det != 0:
        return det, math.inf
    s = cols.gid[j]
    if kk % nb == 0 and kk // nb < out.epoch_f.shape[1]:
        out.epoch_f[s, kk // nb] = fe
    cols.fc[j] = rel_change(FE[j], fe)
    FE[j] = fe
    gn = 0.0
    for i in range(X.shape[0]):
        gn = max(gn, abs(gv[i] + wd * xv[i]))
    return 0, gn


@njit(**KERNEL_NORC)
def _open_cols(hp, f, fg, D, X, G, F, FE, cols, out, xv, gv):
    """Iterate 0 of every column: an unusable start (:func:`start_detail`) is finished as
    diverged, a start that meets the stopping test (gtol, or K = 0) as such; the others are
    recorded, averaged from ``average_start`` = 0 and counted (the return value).  Without
    reference counting (:data:`landscape.jit.KERNEL_NORC`): the loop passes ``cols`` and
    ``out`` (18 arrays) per column."""
    n, c = X.shape
    K = int(hp[L.MAXITER])
    steps_mode = hp[L.STEPS_MODE] != 0.0
    wd = hp[L.WEIGHT_DECAY]
    minibatch = int(hp[L.BATCH_SIZE]) > 0
    averaging = int(hp[L.AVERAGE]) != L.AVG_NONE
    done_st = L.ST_STEPS if steps_mode else L.ST_MAXITER
    stride = max(1, int(hp[L.STRIDE]))
    nalive = 0
    for j in range(c):
        s = cols.gid[j]
        for i in range(n):
            xv[i] = X[i, j]
            gv[i] = G[i, j]
        det = start_detail(xv, F[j], gv)
        if det != 0:
            _write_result(j, L.ST_DIVERGED, det, np.int64(0), X, G, F[j], cols, out, wd, minibatch,
                          stride, f, fg, D)
            continue
        gn = _col_gnorm(G, X, j, wd)
        _record_col(out, s, 0, stride, X, j, F[j], gn)
        FE[j] = F[j]
        if out.epoch_f.shape[1] > 0:
            out.epoch_f[s, 0] = F[j]
        if averaging and int(hp[L.AVERAGE_START]) == 0:
            cols.na[j] = 1.0
            for i in range(n):
                cols.xa[i, j] = X[i, j]
        st, det = _stop_test(not steps_mode, 0, K, gn, math.inf, math.inf, hp[L.GTOL],
                             hp[L.FTOL], hp[L.XTOL], done_st)
        if st != 0:
            _write_result(j, st, det, np.int64(0), X, G, F[j], cols, out, wd, minibatch, stride,
                          f, fg, D)
            continue
        nalive += 1
    return nalive


def first_order_chunk(
    update, hp, seed, offset, f, fg, fg_cols, X0, D, s0, s1,
    out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath, epoch_f,
):
    """Run starts s0 … s1−1 in lock-step (see the module docstring).

    Columns start (:func:`_start_cols`, :func:`_open_cols`: unusable starts and those
    already stationary are finished at once); a plain fixed-step run goes on in
    :func:`_fo_fixed_steps`, any other in the general loop (:func:`_fo_general`).  All
    finish through :func:`_write_result`."""
    n = X0.shape[1]
    c = s1 - s0
    K = int(hp[L.MAXITER])
    steps_mode = hp[L.STEPS_MODE] != 0.0
    minibatch = int(hp[L.BATCH_SIZE]) > 0
    averaging = int(hp[L.AVERAGE]) != L.AVG_NONE
    out = Out(out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath, epoch_f)
    cols = Cols(np.empty(c, dtype=np.int64), np.ones(c, dtype=np.int64),
                np.ones(c, dtype=np.int64), np.zeros(c), np.zeros(c), np.zeros(c),
                np.zeros((n, c)), np.empty(c), np.ones(c, dtype=np.bool_))
    X = np.empty((n, c))
    G = np.empty((n, c))
    F = np.empty(c)
    FE = np.empty(c)
    S = np.zeros((max(1, int(hp[L.W_VECTORS])), n, c))  # the method's named state
    rng = np.empty(c, dtype=np.uint64)
    xv = np.empty(n)
    gv = np.empty(n)
    _start_cols(X0, s0, seed, offset, hp[L.BOUND], X, cols, rng)
    fg_cols(X, D, F, G)
    nalive = _open_cols(hp, f, fg, D, X, G, F, FE, cols, out, xv, gv)
    if nalive == 0:
        return
    lean = (steps_mode and not minibatch and hp[L.NOISE] == 0.0 and hp[L.WD_COUPLED] == 0.0
            and not averaging and path.shape[1] == 0)
    if lean:
        if nalive < c:
            keep = _alive_cols(cols, c, nalive)
            X = _compact_cols(X, keep)
            G = _compact_cols(G, keep)
            F = _compact_vec(F, keep)
            cols = _compact_book(cols, keep)
            S = np.zeros((S.shape[0], n, nalive))
        _fo_fixed_steps(update, K, hp, f, fg, fg_cols, D, X, G, F, S, cols, out)
    else:
        _fo_general(update, hp, seed, offset, f, fg, fg_cols, D, X, G, F, FE, S, rng, cols,
                    out, nalive)


#: the general loop's settings, read from ``hp`` once per chunk (:func:`_fo_settings`)
Loop = namedtuple("Loop", "K steps_mode gtol ftol xtol wd wd_coupled noise minibatch nb bs rem "
                          "averaging avg_kind avg_start decay done_st stride")
#: the general loop's buffers per column: previous point, gradient and value, the gradient the
#: rule sees, each start's order of the data rows and the minibatch row buffers (all but the
#: first four empty without minibatches)
Prev = namedtuple("Prev", "XP GP GW FP perm Db Dr xv gv")


@njit(**INLINE)
def _fo_settings(hp, m):
    """The general loop's settings from ``hp``.  With batches of b of the m data rows an epoch
    has n_b = ⌈m / b⌉ batches, the last one of m − (n_b − 1)·b rows."""
    bs = int(hp[L.BATCH_SIZE])
    nb = 1
    rem = 0
    if bs > 0:
        nb = (m + bs - 1) // bs
        rem = m - (nb - 1) * bs
    steps_mode = hp[L.STEPS_MODE] != 0.0
    avg_kind = int(hp[L.AVERAGE])
    return Loop(int(hp[L.MAXITER]), steps_mode, hp[L.GTOL], hp[L.FTOL], hp[L.XTOL],
                hp[L.WEIGHT_DECAY], hp[L.WD_COUPLED], hp[L.NOISE], bs > 0, nb, bs, rem,
                avg_kind != L.AVG_NONE, avg_kind, int(hp[L.AVERAGE_START]), hp[L.EMA_DECAY],
                L.ST_STEPS if steps_mode else L.ST_MAXITER, max(1, int(hp[L.STRIDE])))


@njit(**INLINE)
def _fo_buffers(lp, n, c, D):
    """Fresh :data:`Prev` buffers for c columns of dimension n on the data rows D."""
    m, nd = D.shape
    if lp.minibatch:
        perm = np.empty((c, m), dtype=np.int64)
        Db = np.empty((lp.bs, nd))
        Dr = np.empty((lp.rem, nd))
    else:
        perm = np.empty((c, 0), dtype=np.int64)
        Db = np.empty((0, nd))
        Dr = np.empty((0, nd))
    return Prev(np.empty((n, c)), np.empty((n, c)), np.empty((n, c)), np.empty(c), perm, Db,
                Dr, np.empty(n), np.empty(n))


@njit(**INLINE)
def _fo_seen(k, lp, seed, offset, f, fg, D, X, G, F, P, rng, cols, out, ncols, nalive):
    """Before step k: the gradient each live column's rule sees into ``P.GW``,

        g̃_j = ∇f_B(x_j) (its minibatch B) or ∇f(x_j),  + σ·ξ_j (noise),  + λ·x_j (coupled decay),

    and (x, ∇f, f) of every column saved into ``P``.  A column whose minibatch gradient is
    unusable is finished as diverged at its last good iterate.  Returns the live count."""
    n = X.shape[0]
    for j in range(ncols):
        if not cols.alive[j]:
            continue
        if lp.minibatch:
            det = _batch_gradient(j, k, lp.nb, lp.bs, lp.rem, P.perm, P.Db, P.Dr, seed, offset,
                                  fg, X, D, P.xv, P.gv, cols, out, lp.stride)
            if det != 0:
                if k == 0:
                    _write_result(j, L.ST_DIVERGED, det, k, X, G, F[j], cols, out, lp.wd,
                                  lp.minibatch, lp.stride, f, fg, D)
                else:
                    _write_result(j, L.ST_DIVERGED, det, k - 1, P.XP, P.GP, P.FP[j], cols, out,
                                  lp.wd, lp.minibatch, lp.stride, f, fg, D)
                nalive -= 1
                continue
            for i in range(n):
                P.GW[i, j] = P.gv[i]
        else:
            for i in range(n):
                P.GW[i, j] = G[i, j]
    for j in range(ncols):
        if not cols.alive[j]:
            continue
        _perturb(P.GW, X, j, lp.noise, lp.wd_coupled, rng)
        P.FP[j] = F[j]
    for i in range(n):
        for j in range(ncols):
            P.XP[i, j] = X[i, j]
            P.GP[i, j] = G[i, j]
    return nalive


@njit(**INLINE)
def _fo_settle(j, kk, lp, f, fg, D, X, G, F, FE, P, cols, out):
    """After step kk of a live column j: divergence (finished at its previous iterate),
    ‖Δx‖∞, the f change and ‖∇f + λx‖∞ (with minibatches at epoch ends only, on the full
    data), recording, averaging and the stopping test.  Returns True when j finished."""
    n = X.shape[0]
    s = cols.gid[j]
    k = kk - 1
    if not lp.minibatch:
        cols.nf[j] += 1
        cols.ng[j] += 1
    det = _col_detail(X, j, cols.bnd[j], F[j], G, not lp.minibatch)
    if det != 0:
        _write_result(j, L.ST_DIVERGED, det, k, P.XP, P.GP, P.FP[j], cols, out, lp.wd,
                      lp.minibatch, lp.stride, f, fg, D)
        return True
    xc = _col_step(X, P.XP, j)
    cols.xc[j] = xc
    check = not lp.steps_mode
    gn = math.inf
    if lp.minibatch:
        full = kk % lp.nb == 0 or kk == lp.K
        check = check and full
        if full:
            det, gn = _epoch_eval(j, X, D, P.xv, P.gv, fg, cols, out, FE, kk, lp.nb, lp.wd)
            if det != 0:
                _write_result(j, L.ST_DIVERGED, det, k, P.XP, P.GP, P.FP[j], cols, out, lp.wd,
                              lp.minibatch, lp.stride, f, fg, D)
                return True
        r = _slot(kk, lp.stride, out.path.shape[1])
        if r >= 0:
            for i in range(n):
                out.path[s, r, i] = X[i, j]
    else:
        cols.fc[j] = rel_change(P.FP[j], F[j])
        gn = _col_gnorm(G, X, j, lp.wd)
        _record_col(out, s, kk, lp.stride, X, j, F[j], gn)
    if lp.averaging and kk >= lp.avg_start:
        _average_col(cols, X, j, lp.avg_kind, lp.decay)
    st, det = _stop_test(check, kk, lp.K, gn, cols.fc[j], xc, lp.gtol, lp.ftol, lp.xtol,
                         lp.done_st)
    if st != 0:
        _write_result(j, st, det, kk, X, G, F[j], cols, out, lp.wd, lp.minibatch, lp.stride, f,
                      fg, D)
        return True
    return False


@njit(**INLINE)
def _fo_compact(X, G, F, FE, S, rng, P, cols, ncols, nalive):
    """Keep only the live columns of every per-column array (their order kept)."""
    keep = _alive_cols(cols, ncols, nalive)
    P = Prev(_compact_cols(P.XP, keep), _compact_cols(P.GP, keep), _compact_cols(P.GW, keep),
             _compact_vec(P.FP, keep), _compact_rows(P.perm, keep), P.Db, P.Dr, P.xv, P.gv)
    return (_compact_cols(X, keep), _compact_cols(G, keep), _compact_vec(F, keep),
            _compact_vec(FE, keep), _compact_state(S, keep), _compact_vec(rng, keep), P,
            _compact_book(cols, keep))


@njit(**KERNEL_NORC)
def _fo_iterate(k, update, hp, lp, seed, offset, f, fg, fg_cols, D, X, G, F, FE, S, P, rng, cols,
                out, ncols, nalive):
    """Step k of every live column: g̃ (:func:`_fo_seen`), X ← update(k, η_k, X, g̃, S), f and
    ∇f at the new X (full data), each column settled (:func:`_fo_settle`); returns the live
    count.  Without reference counting (:data:`landscape.jit.KERNEL_NORC`): the buffers come
    in named tuples, and every field read of one would otherwise count a reference."""
    nalive = _fo_seen(k, lp, seed, offset, f, fg, D, X, G, F, P, rng, cols, out, ncols, nalive)
    update(k, lr_from_hp(k, hp), hp, X, P.GW, S, ncols, X)
    if not lp.minibatch:
        fg_cols(X, D, F, G)
    for j in range(ncols):
        if cols.alive[j] and _fo_settle(j, k + 1, lp, f, fg, D, X, G, F, FE, P, cols, out):
            nalive -= 1
    return nalive


@njit(**KERNEL)
def _fo_general(update, hp, seed, offset, f, fg, fg_cols, D, X, G, F, FE, S, rng, cols, out,
                nalive):
    """The general lock-step loop.  Per step k, with η_k the scheduled rate:

        g̃ ← the gradient each rule sees;  X ← update(k, η_k, X, g̃, S);  f, ∇f ← at X;
        each column settled                                      (:func:`_fo_iterate`)

    and finished columns are compacted away once half of the block is idle."""
    n, c = X.shape
    lp = _fo_settings(hp, D.shape[0])
    P = _fo_buffers(lp, n, c, D)
    ncols = c
    for k in range(lp.K):
        if nalive == 0:
            break
        nalive = _fo_iterate(k, update, hp, lp, seed, offset, f, fg, fg_cols, D, X, G, F, FE, S,
                             P, rng, cols, out, ncols, nalive)
        if nalive > 0 and 2 * nalive <= ncols and ncols >= 8:
            X, G, F, FE, S, rng, P, cols = _fo_compact(X, G, F, FE, S, rng, P, cols, ncols,
                                                       nalive)
            ncols = nalive


# ============================================================================ per-start engine
@njit(**INLINE)
def _ps_record(path, fpath, gpath, s, k, stride, x, fval, gn):
    r = _slot(k, stride, path.shape[1])
    if r >= 0:
        for i in range(x.shape[0]):
            path[s, r, i] = x[i]
        fpath[s, r] = fval
        gpath[s, r] = gn


@njit(**INLINE)
def _ps_measure(x, xn, fn, gn, bound):
    """(``point_detail(xn, fn, gn, bound)``, ‖xn − x‖∞, ‖gn‖∞) of a proposed iterate in one
    pass over the coordinates instead of four (the norms are meaningful when the detail is 0)."""
    xm = 0.0
    xc = 0.0
    gm = 0.0
    x_ok = True
    g_ok = True
    for i in range(x.shape[0]):
        v = xn[i]
        g = gn[i]
        x_ok = x_ok and math.isfinite(v)
        g_ok = g_ok and math.isfinite(g)
        xm = max(xm, abs(v))
        xc = max(xc, abs(v - x[i]))
        gm = max(gm, abs(g))
    if not x_ok:
        return L.D_X_NONFINITE, xc, gm
    d = f_detail(fn)
    if d != 0:
        return d, xc, gm
    if not g_ok:
        return L.D_G_NONFINITE, xc, gm
    if xm > bound:
        return L.D_X_BOUND, xc, gm
    return 0, xc, gm


def per_start_chunk(step, hp, seed, offset, fg, h, X0, D, s0, s1,
                    out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath):
    """Run starts s0 … s1−1 one after the other with one workspace, each iteration one call
    of the method's ``step`` (a first-class function: this loop names no method); stopping,
    divergence, averaging, recording and results are written here once."""
    n = X0.shape[1]
    stride = max(1, int(hp[L.STRIDE]))
    F, I = allocate(hp, n)  # the step's workspace: x, gx, xn, gn, counters and state
    x, gx, xn, gn, W, cnt = unpack(F, I)
    E = np.zeros((2, n))  # the engine's own vectors
    xa = E[0]
    scratch = E[1]
    K = int(hp[L.MAXITER])
    steps_mode = hp[L.STEPS_MODE] != 0.0
    gtol = hp[L.GTOL]
    ftol = hp[L.FTOL]
    xtol = hp[L.XTOL]
    avg_kind = int(hp[L.AVERAGE])
    avg_start = int(hp[L.AVERAGE_START])
    decay = hp[L.EMA_DECAY]
    averaging = avg_kind != L.AVG_NONE  # without it x_avg and f(x_avg) are not reported
    recording = path.shape[1] > 0
    stall_test = hp[L.STALL_TEST] != 0.0
    for s in range(s0, s1):
        W.rng[0] = stream_key(seed, offset + s)
        W.f[:] = 0.0
        W.i[:] = 0
        cnt[:] = 0
        calls = 0
        for i in range(n):
            x[i] = X0[s, i]
        fx = fg(x, D, gx)
        cnt[0] = 1
        cnt[1] = 1
        bound = hp[L.BOUND] * (1.0 + norm_inf(x))
        gnorm = norm_inf(gx)
        nit = 0
        na = 0.0
        fc = 0.0
        xc = 0.0
        status = L.ST_DIVERGED
        detail = start_detail(x, fx, gx)
        if detail == 0:
            if recording:
                _ps_record(path, fpath, gpath, s, 0, stride, x, fx, gnorm)
            if averaging and avg_start == 0:
                na = 1.0
                for i in range(n):
                    xa[i] = x[i]
            while True:
                if not steps_mode and gnorm <= gtol:
                    status = L.ST_CONVERGED
                    detail = L.D_GTOL
                    break
                if nit >= K:
                    status = L.ST_STEPS if steps_mode else L.ST_MAXITER
                    break
                if gnorm == 0.0:  # --steps at an exact critical point: every method stays put
                    for i in range(n):
                        xn[i] = x[i]
                        gn[i] = gx[i]
                    rc = 0
                    fn = fx
                else:
                    # ---- one iteration of the method into (xn, fn, gn)
                    rc, fn = step(fg, h, D, hp, calls, fx, F, I)
                    calls += 1
                if rc == L.D_LS_NOT_DESCENT or (rc != 0 and rc != L.D_LS_FAILED):
                    status = L.ST_LS_FAILED if rc == L.D_LS_NOT_DESCENT else L.ST_STALLED
                    detail = rc
                    break
                det, xc_new, gnorm_new = _ps_measure(x, xn, fn, gn, bound)
                if det != 0:
                    if rc == L.D_LS_FAILED:
                        status = L.ST_LS_FAILED
                        detail = rc
                    else:
                        status = L.ST_DIVERGED
                        detail = det
                    break
                fc = rel_change(fx, fn)
                xc = xc_new
                if rc == L.D_LS_FAILED and not (fn < fx):
                    status = L.ST_LS_FAILED
                    detail = rc
                    break
                for i in range(n):
                    x[i] = xn[i]
                    gx[i] = gn[i]
                fx = fn
                nit += 1
                gnorm = gnorm_new
                if recording:
                    _ps_record(path, fpath, gpath, s, nit, stride, x, fx, gnorm)
                if averaging and nit >= avg_start:
                    na += 1.0
                    for i in range(n):
                        xa[i] = average_value(avg_kind, xa[i], x[i], na, decay)
                if rc == L.D_LS_FAILED:
                    status = L.ST_LS_FAILED
                    detail = rc
                    break
                if not steps_mode:
                    if ftol > 0.0 and fc <= ftol:
                        status = L.ST_CONVERGED
                        detail = L.D_FTOL
                        break
                    if xtol > 0.0 and xc <= xtol:
                        status = L.ST_CONVERGED
                        detail = L.D_XTOL
                        break
                    if xc == 0.0 and gnorm > gtol and stall_test:
                        status = L.ST_STALLED
                        detail = L.D_NO_CHANGE
                        break
        for i in range(n):
            out_x[s, i] = x[i]
            out_jac[s, i] = gx[i]
        out_r[s, L.R_FUN] = fx
        out_r[s, L.R_GNORM] = gnorm
        out_r[s, L.R_FCHANGE] = fc
        out_r[s, L.R_XCHANGE] = xc
        out_r[s, L.R_NAVG] = na
        if na > 0:
            for i in range(n):
                out_xavg[s, i] = xa[i]
            out_r[s, L.R_FUN_AVG] = fg(out_xavg[s], D, scratch)
        else:
            for i in range(n):
                out_xavg[s, i] = math.nan
            out_r[s, L.R_FUN_AVG] = math.nan
        out_i[s, L.I_NIT] = nit
        out_i[s, L.I_NFEV] = cnt[0]
        out_i[s, L.I_NJEV] = cnt[1]
        out_i[s, L.I_NHEV] = cnt[2]
        out_i[s, L.I_STATUS] = status
        out_i[s, L.I_DETAIL] = detail


# ============================================================================ entry points
def first_order_engine(fp, hp, seed, offset, X0, D,
                       out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath,
                       epoch_f):
    """prange over chunks of starts, each run by ``worker`` (= :func:`first_order_chunk`);
    ``fp`` holds the addresses of :data:`FIRST_ORDER_FUNCTIONS` (:func:`addresses`)."""
    worker = _FO_CHUNK_FN(fp[0], fp[1])
    update = _UPDATE_FN(fp[2], fp[3])
    f = _F_FN(fp[4], fp[5])
    fg = _FG_FN(fp[6], fp[7])
    fg_cols = _FG_COLS_FN(fp[8], fp[9])
    N = X0.shape[0]
    chunk = max(1, int(hp[L.CHUNK]))
    nchunks = (N + chunk - 1) // chunk
    for c in prange(nchunks):
        s0 = c * chunk
        s1 = min(N, s0 + chunk)
        worker(update, hp, seed, offset, f, fg, fg_cols, X0, D, s0, s1,
               out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath, epoch_f)


def per_start_engine(fp, hp, seed, offset, X0, D,
                     out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath):
    """prange over chunks of starts, each run by ``worker`` (= :func:`per_start_chunk`);
    ``fp`` holds the addresses of :data:`PER_START_FUNCTIONS` (:func:`addresses`)."""
    worker = _PS_CHUNK_FN(fp[0], fp[1])
    step = _STEP_FN(fp[2], fp[3])
    fg = _FG_FN(fp[4], fp[5])
    h = _H_FN(fp[6], fp[7])
    N = X0.shape[0]
    chunk = max(1, int(hp[L.CHUNK]))
    nchunks = (N + chunk - 1) // chunk
    for c in prange(nchunks):
        s0 = c * chunk
        s1 = min(N, s0 + chunk)
        worker(step, hp, seed, offset, fg, h, X0, D, s0, s1,
               out_x, out_jac, out_xavg, out_r, out_i, path, fpath, gpath)


_LOCK = threading.RLock()
_ENGINES: dict[str, object] = {}

#: (name, Python function, signature, parallel)
ENTRY_POINTS = (
    ("first_order_chunk", first_order_chunk, FIRST_ORDER_CHUNK_SIG, False),
    ("per_start_chunk", per_start_chunk, PER_START_CHUNK_SIG, False),
    ("first_order", first_order_engine, FIRST_ORDER_SIG, True),
    ("per_start", per_start_engine, PER_START_SIG, True),
)


def _stamp_path(disp, name: str) -> Path | None:
    """The file beside ``disp``'s disk cache that records the :data:`SOURCE_HASH` it was built
    from (``None`` when the dispatcher has no usable disk cache)."""
    cache = getattr(disp, "_cache", None)
    path = getattr(cache, "cache_path", None)
    if not path or not hasattr(cache, "flush"):
        return None
    return Path(path) / f"optimizers.engine.{name}.sources"


def _stale_guard(disp, name: str) -> Path | None:
    """Empty ``disp``'s disk-cache index when it was built from other sources.

    Numba keys a cached function on its own file only; the entry points contain code from the
    whole package, so a stamp file beside the cache records :data:`SOURCE_HASH`.  Returns the
    stamp path to write after compiling (``None`` when it is current or cannot be used).
    """
    stamp = _stamp_path(disp, name)
    if stamp is None:
        return None
    try:
        if stamp.read_text() == SOURCE_HASH:
            return None
    except OSError:
        pass
    disp._cache.flush()
    return stamp


def _write_stamp(stamp: Path | None) -> None:
    if stamp is not None:
        try:
            stamp.write_text(SOURCE_HASH)
        except OSError:
            pass


def prepare(module: ModuleType) -> ModuleType:
    """Make a method module's step compilable: bind its helpers from other modules
    (``link()``) and compile its own helpers (``KERNELS``) in place, once, to be inlined
    into the step (a call would pass each of their array arguments as a whole descriptor).
    A helper ``link()`` took from another method module (a plain function there, one of its
    ``KERNELS``) is replaced by that module's compiled one, the module prepared first."""
    if not getattr(module, "_prepared", False):
        link = getattr(module, "link", None)
        if link is not None:
            link()
        for name, value in list(vars(module).items()):
            home = getattr(value, "__module__", None) or ""
            if (isinstance(value, FunctionType) and home != module.__name__
                    and home.startswith(f"{PACKAGE}.")):
                setattr(module, name, getattr(prepare(sys.modules[home]), value.__name__))
        for name in getattr(module, "KERNELS", ()):
            fn = getattr(module, name)
            if not isinstance(fn, CPUDispatcher):
                setattr(module, name, njit(**INLINE)(fn))
        module._prepared = True
    return module


# ============================================================================ the pieces
#: a piece of the compiled library: ``("entry", name)`` an entry point of
#: :data:`ENTRY_POINTS`, ``("step", method)`` / ``("update", method)`` a method's kernel
Job = tuple[str, str]

_KERNELS: dict[tuple[str, bool], object] = {}


def _dispatcher(job: Job):
    """``(dispatcher, signature, stamp name)`` of ``job``, not compiled yet."""
    kind, name = job
    if kind == "entry":
        for entry, fn, sig, parallel in ENTRY_POINTS:
            if entry == name:
                return njit(**dict(KERNEL, cache=True, parallel=parallel))(fn), sig, name
        raise ValueError(f"unknown entry point {name!r}")
    if kind not in ("step", "update"):
        raise ValueError(f"unknown kind of library piece {kind!r}")
    module = prepare(spec_module(name))
    sig = STEP_SIG if kind == "step" else UPDATE_SIG
    fn = getattr(module, kind, None)
    if fn is None:
        raise ValueError(f"method {name!r} has no {kind} for the "
                         f"{'per-start' if kind == 'step' else 'lock-step'} engine")
    return njit(**BORROW)(fn), sig, f"{module.__name__}.{kind}"


def _ready(job: Job):
    """``job``'s dispatcher in this process: loaded from the disk cache or compiled (and
    stored there), once; it holds exactly one signature and refuses to compile another."""
    kind, name = job
    store, key = (_ENGINES, name) if kind == "entry" else (_KERNELS, (name, kind == "step"))
    with _LOCK:
        disp = store.get(key)
        if disp is None:
            disp, sig, stamp_name = _dispatcher(job)
            stamp = _stale_guard(disp, stamp_name)
            disp.compile(sig.args)
            disp.disable_compile()
            _write_stamp(stamp)
            store[key] = disp
        return disp


def method_kernel(method: str, per_start: bool):
    """Method ``method``'s compiled ``step`` (per-start engine) or ``update`` (lock-step), as
    a first-class function for the engine; compiled once with its signature and disk-cached
    (the cache emptied when :data:`SOURCE_HASH` changed, as the entry points').

    Steps and updates are compiled with :data:`landscape.jit.BORROW` (no reference counting,
    for them and the helpers they call): they work in the engine's workspace and allocate
    nothing, and they run once per iteration behind a function pointer, where the increments
    and decrements of their array arguments (fifteen for a step, eight of them in ``W``) and
    of the views they take cost more than the rest of an iteration on a small problem."""
    return _ready(("step" if per_start else "update", method))


def engines(kind: str | None = None, processes: int | None = None) -> dict[str, object]:
    """The compiled entry points, compiled or loaded from the disk cache on first use.

    ``first_order`` / ``per_start`` are the parallel schedulers; they run the chunk workers
    ``first_order_chunk`` / ``per_start_chunk`` (passed as their first argument) through a
    function pointer, so the scheduler's machine code does not contain (and re-optimise) the
    workers'.  Each dispatcher holds exactly one signature and refuses to compile another.
    ``kind`` (``"first_order"`` or ``"per_start"``) loads only that family (scheduler and
    worker), which halves the start-up of a process that runs one kind of method.  Without
    ``kind`` the whole library is built (:func:`build_library`, ``processes`` as there): both
    engines and every registered method's step or update (:func:`method_kernel`).
    """
    wanted = [e[0] for e in ENTRY_POINTS if kind is None or e[0] in (kind, f"{kind}_chunk")]
    if not wanted:
        raise ValueError(f"unknown engine family {kind!r}")
    if kind is None:
        build_library(processes=processes)
    for name in wanted:
        _ready(("entry", name))
    with _LOCK:
        return dict(_ENGINES)


# ============================================================================ the one-off build
def library_jobs() -> list[Job]:
    """Every piece of the library, roughly the longest to compile first (the chunk workers,
    the schedulers, the per-start steps, the lock-step updates)."""
    jobs: list[Job] = [("entry", e[0]) for e in ENTRY_POINTS]
    jobs += [("step", m) for m, s in METHODS.items()
             if s.engine == "per-start" or s.per_start_when is not None]
    jobs += [("update", m) for m, s in METHODS.items() if s.engine == "lockstep"]
    return jobs


def _loaded(job: Job) -> bool:
    kind, name = job
    return name in _ENGINES if kind == "entry" else (name, kind == "step") in _KERNELS


def cached(job: Job) -> bool | None:
    """Whether Numba's disk cache holds ``job`` compiled from the current sources for this
    process's target, whole (stamp current, index entry present, its data file written);
    ``None`` when this cannot be told (no disk cache, or a Numba without these internals)."""
    return _cache_state(*_dispatcher(job))


def _cache_state(disp, sig, stamp_name: str) -> bool | None:
    stamp = _stamp_path(disp, stamp_name)
    if stamp is None:
        return None
    try:
        if not stamp.is_file() or stamp.read_text() != SOURCE_HASH:
            return False
        cache = disp._cache
        index = cache._cache_file._load_index()
        data = index.get(cache._index_key(sig.args, disp.targetctx.codegen()))
        return data is not None and Path(cache._cache_file._data_path(data)).is_file()
    except Exception:  # an unreadable index or another Numba: let the serial build decide
        return None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


#: the command a build process runs (the package's root first on ``sys.path``, so that it
#: compiles the same sources as its parent whatever its working directory)
_WORKER_MAIN = ("import sys; sys.path.insert(0, {root!r}); "
                "from optimizers.engine import build_worker; build_worker()")


def build_library(processes: int | None = None,
                  jobs: list[Job] | None = None) -> dict[str, object]:
    """Make every piece of the library (``jobs``, default :func:`library_jobs`) ready in this
    process, compiling what Numba's disk cache lacks; returns how the build ran
    (``processes``: the processes that compiled, 1 for this one alone; ``pieces``;
    ``compiled``: pieces the cache lacked; ``in_workers``: pieces compiled by other
    processes).

    Compilation is slow (about a minute of CPU time for the whole library) and its pieces are
    independent, so when two or more are missing it runs like ``make -j``: ``processes``
    build processes (default: one per core available to this one) take the missing pieces one
    at a time, the longest first, and compile each into the disk cache (:func:`build_worker`);
    this process then loads every piece from the cache.  Two methods sharing a function
    (``sgd`` runs ``gd``'s update) compile it once.  It builds here alone on one core, when
    the cache's state cannot be read, or when no process starts; a piece a build process did
    not report built (it failed or died) is compiled here afterwards.

    A build process leaves no entry that a later process loads half-written: Numba writes
    each cache file to a temporary name and renames it; an index entry whose data file is
    missing is a miss, and the stamp of :data:`SOURCE_HASH` is written after the entry.
    """
    jobs = library_jobs() if jobs is None else [tuple(job) for job in jobs]
    report: dict[str, object] = {"processes": 1, "pieces": len(jobs), "compiled": 0,
                                 "in_workers": 0}
    with _LOCK:
        todo: list[Job] = []
        functions: set[object] = set()
        known = True
        for job in jobs:
            if _loaded(job):
                continue
            piece = _dispatcher(job)
            state = _cache_state(*piece)
            known = known and state is not None
            fn = piece[0].py_func
            if not state and fn not in functions:
                functions.add(fn)
                todo.append(job)
        report["compiled"] = len(todo)
        wanted = min(processes if processes is not None else _cores(), len(todo))
        if known and wanted > 1:
            started, built = _build_in_processes(todo, wanted)
            if started:
                report.update(processes=started, in_workers=len(built))
        for job in jobs:
            _ready(job)
    return report


def _build_in_processes(todo: list[Job], count: int) -> tuple[int, list[Job]]:
    """Compile ``todo`` into the disk cache in ``count`` build processes, each fed the next
    piece when it reports the last one; returns (processes started, pieces reported built)."""
    from numba.core import config

    env = dict(os.environ)
    if config.CACHE_DIR:
        env["NUMBA_CACHE_DIR"] = str(config.CACHE_DIR)
    command = [sys.executable, "-c", _WORKER_MAIN.format(root=str(PACKAGE_DIR.parent))]
    procs = []
    for _ in range(count):
        try:
            procs.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, env=env))
        except OSError:
            break
    queue = list(todo)
    built: list[Job] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_feed, args=(p, queue, built, lock), daemon=True)
               for p in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(procs), built


def _feed(proc: subprocess.Popen, queue: list[Job], built: list[Job],
          lock: threading.Lock) -> None:
    """Hand build process ``proc`` the pieces of ``queue`` one at a time until none is left
    or it stops answering; record those it reports built."""
    try:
        while True:
            with lock:
                if not queue:
                    break
                job = queue.pop(0)
            line = " ".join(job)
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            reply = proc.stdout.readline()
            while reply and reply.split(" ", 1)[-1].strip() != line:
                reply = proc.stdout.readline()  # not an answer (output of the compiler)
            if not reply:
                break  # the process ended: what it had is compiled here afterwards
            if reply.startswith("built "):
                with lock:
                    built.append(job)
    except OSError:
        pass
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def build_worker(lines=None, out=None) -> None:
    """A build process of :func:`build_library`: for each line ``KIND NAME`` read (standard
    input), compile that piece into Numba's disk cache and answer ``built KIND NAME`` (or
    ``failed KIND NAME``) on standard output.

    Several build processes write the cache at once.  Each piece is a function of its own,
    with files of its own; the helpers they share that Numba caches on their own (random
    streams, line search, Cholesky) are written by several, and Numba updates a function's
    index without a lock (two processes adding different signatures at once can leave an entry
    naming the other's data file), so here each index update holds a lock on its directory."""
    lines = sys.stdin if lines is None else lines
    out = sys.stdout if out is None else out
    with _locked_cache_writes():
        for line in lines:
            job = tuple(line.split())
            if len(job) != 2:
                continue
            try:
                _ready(job)
                reply = "built"
            except Exception:
                reply = "failed"  # the parent compiles it again and reports the error
            out.write(f"{reply} {' '.join(job)}\n")
            out.flush()


@contextmanager
def _locked_cache_writes():
    """While active, each write of a Numba cache entry (its index and data files) holds an
    exclusive ``flock`` on the cache directory (none where ``fcntl`` is missing)."""
    try:
        import fcntl

        from numba.core.caching import IndexDataCacheFile
    except ImportError:
        yield
        return
    save = IndexDataCacheFile.save

    def locked_save(self, key, data):
        try:
            fd = os.open(self._cache_path, os.O_RDONLY)
        except OSError:
            return save(self, key, data)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return save(self, key, data)
        finally:
            os.close(fd)

    IndexDataCacheFile.save = locked_save
    try:
        yield
    finally:
        IndexDataCacheFile.save = save
