"""Time budgets for symbolic steps that can explode (solve, simplify, eigenvalues, proofs).

SymPy has no cancellation: a ``solve`` that runs away cannot be interrupted from inside the
process.  :func:`run_with_budget` therefore runs the step in a forked worker process and sends
the (pickled) result back through a pipe.  When the budget passes, the worker is terminated
(SIGTERM, then SIGKILL) and reaped, and :class:`~landscape.errors.BudgetExceeded` is raised;
the caller then falls back to a numeric method and says so.

The worker is forked (not spawned): it inherits the parent's imported modules, so starting it
costs milliseconds and the callable need not be importable by name (closures work); only the
*result* must be picklable.  Workers only do SymPy/mpmath work, never Numba parallel code
(threads do not survive a fork).

Per-step defaults are in :data:`DEFAULT_BUDGETS`; the environment variable
``LANDSCAPE_BUDGET_SCALE`` (a positive multiplier up to :data:`MAX_SCALE`) scales all of
them, which is how a global ``--timeout`` is implemented.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from . import errors
from .errors import AnalysisError, BudgetExceeded, InputError
from .interrupts import reset_in_child
from .limits import MAX_SECONDS

T = TypeVar("T")

#: Default budget in seconds for each named symbolic step.
DEFAULT_BUDGETS: dict[str, float] = {
    "solve": 10.0,
    "eigenvalues": 5.0,
    "convexity": 10.0,
    "simplify": 5.0,
    "refine": 5.0,
    "higher-order": 5.0,
    "verify": 5.0,
    "vanishing": 5.0,
}

#: Name of the environment variable holding the global budget multiplier.
SCALE_ENV = "LANDSCAPE_BUDGET_SCALE"

#: Largest multiplier: the longest default budget (10 s) times it stays within MAX_SECONDS.
MAX_SCALE = MAX_SECONDS / max(DEFAULT_BUDGETS.values())

#: Seconds a terminated worker gets to exit before it is killed.
_GRACE = 0.5


def budget_scale() -> float:
    """The global multiplier from ``$LANDSCAPE_BUDGET_SCALE`` (1.0 when unset).

    Raises :class:`InputError` when the variable is set but is not a positive finite number.
    """
    text = os.environ.get(SCALE_ENV, "").strip()
    if not text:
        return 1.0
    try:
        scale = float(text)
    except ValueError as exc:
        raise InputError(f"{SCALE_ENV}={text!r} is not a number") from exc
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise InputError(f"{SCALE_ENV}={text!r} must be a positive number up to {MAX_SCALE:g}")
    return scale


def budget_seconds(name: str, default: float | None = None) -> float:
    """Budget in seconds for the step ``name``: its default times :func:`budget_scale`.

    ``default`` overrides the table :data:`DEFAULT_BUDGETS` (unknown names without a default
    get 5 s).
    """
    base = default if default is not None else DEFAULT_BUDGETS.get(name, 5.0)
    return float(base) * budget_scale()


def _child(conn: Any, func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Worker body: run ``func`` and send ``("ok", result)`` or ``("error", name, message)``.

    The worker dies with its parent (even a ``kill -9`` of the parent): it cannot be orphaned.
    """
    reset_in_child()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        result = func(*args, **kwargs)
        message: tuple = ("ok", result)
    except BaseException as exc:  # everything is reported to the parent
        message = ("error", type(exc).__name__, str(exc) or traceback.format_exc(limit=1))
    try:
        conn.send(message)
    except Exception as exc:  # the result did not pickle
        conn.send(("error", type(exc).__name__, f"result could not be sent back: {exc}"))
    finally:
        conn.close()


def _stop(proc: Any) -> None:
    """Terminate (then kill) a worker if it still runs, and always reap it."""
    if proc.is_alive():
        proc.terminate()
        proc.join(_GRACE)
        if proc.is_alive():
            proc.kill()
    proc.join()


def _child_error(name: str, message: str) -> AnalysisError:
    """Map a worker's exception to a project error (LandscapeError subclasses keep their class)."""
    cls = getattr(errors, name, None)
    text = message if cls is not None else f"{name}: {message}"
    if isinstance(cls, type) and issubclass(cls, AnalysisError):
        return cls(text)
    if isinstance(cls, type) and issubclass(cls, errors.LandscapeError):
        return AnalysisError(f"{name}: {message}")
    return AnalysisError(text)


def run_with_budget(func: Callable[..., T], *args: Any, timeout: float | None, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a forked worker, abandoned after ``timeout`` seconds.

    Returns the worker's result.  Raises :class:`BudgetExceeded` when the budget passes (the
    worker is terminated, killed if needed, and reaped: no zombie, no hang), and
    :class:`AnalysisError` carrying the worker's exception type and message when ``func``
    raises (project errors that are analysis errors keep their class).  ``timeout=None`` runs
    ``func`` in this process without a limit (exceptions are mapped the same way).
    """
    if timeout is None:
        try:
            return func(*args, **kwargs)
        except AnalysisError:
            raise
        except Exception as exc:
            raise _child_error(type(exc).__name__, str(exc)) from exc
    if not timeout > 0:
        raise BudgetExceeded(f"no time budget left ({timeout:g} s)")
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, func, args, kwargs), daemon=True)
    start = time.monotonic()
    # SIGINT/SIGTERM blocked across the fork: the child starts with them blocked and unblocks
    # them only after reset_in_child (before, Ctrl-C in the first instants of a worker ran the
    # parent's handler there and printed a traceback); the parent gets them when unblocked
    shield = {signal.SIGINT, signal.SIGTERM}
    masked = signal.pthread_sigmask(signal.SIG_BLOCK, shield)
    try:
        proc.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, masked)
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise BudgetExceeded(f"step abandoned after {timeout:.3g} s (time budget exceeded)")
        try:
            message = receiver.recv()
        except EOFError:
            proc.join(max(0.0, timeout - (time.monotonic() - start)))
            raise AnalysisError(
                f"worker process died without a result (exit code {proc.exitcode})"
            ) from None
    finally:
        receiver.close()
        _stop(proc)
    if message[0] == "ok":
        return message[1]
    raise _child_error(message[1], message[2])
