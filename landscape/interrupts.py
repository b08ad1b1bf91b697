"""Interrupts that are never lost and never land half-way through a commit.

* :func:`install` makes SIGINT raise :class:`KeyboardInterrupt` and SIGTERM raise
  :class:`Terminated` (a KeyboardInterrupt), so ``finally`` blocks run on both.
* A signal's exception can be raised while Python runs a callback whose exceptions are only
  printed ("Exception ignored in …", e.g. a weakref callback during garbage collection); the
  interrupt would be lost and the command would run on.  :func:`install` sets a
  ``sys.unraisablehook`` that re-sends such a signal to the main thread, so it is raised again
  at the next safe point.
* :func:`critical` defers these signals (and the ``--timeout`` alarm) during a short section
  that must not be cut (moving a set of files into place); they are raised when it ends.
* llvmlite's bindings hand LLVM objects from one owner to another across a C call and the
  Python statement after it (``link_modules`` marks the source module detached only after
  ``LLVMPY_LinkModules`` has destroyed it), and Numba runs Python callbacks as each LLVM call
  returns, where a pending signal's handler runs.  An exception raised there would leave an
  object that frees the module again as the exception unwinds (a segmentation fault), so a
  signal that arrives inside those bindings is sent again :data:`RESEND_DELAY` seconds later
  and raised outside them.
* Compiled loops and C libraries do not return to Python for a while: a watchdog thread (woken
  by the signal through :func:`signal.set_wakeup_fd`) ends the process with the conventional
  exit code (130 for SIGINT, 143 for SIGTERM) when the main thread has not finished
  :data:`GRACE` seconds after the signal.  It never does so inside :func:`critical`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator

#: seconds the main thread gets to unwind after SIGINT/SIGTERM before the process is ended
GRACE = 0.25

#: seconds after which an interrupt swallowed by a callback is sent again
RESEND_DELAY = 0.005

#: held while a section that must not be cut runs; exits of the watchdogs take it first
COMMIT_LOCK = threading.RLock()

#: temporary files being written: a watchdog's exit removes them (``finally`` blocks do not
#: run then)
TEMP_FILES: set[str] = set()

_state: dict = {"depth": 0, "pending": [], "raised": None}
_handlers: dict[int, Callable[[], BaseException]] = {}
_done = threading.Event()


class Terminated(KeyboardInterrupt):
    """SIGTERM: unwind like Ctrl-C, then exit with 143."""


def exit_code(exc: BaseException) -> int:
    """128 + the signal number: 143 for :class:`Terminated`, 130 for other interrupts."""
    return 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)


#: packages in whose Python code a signal's exception is never raised (see the module's doc)
UNSAFE_PACKAGES = ("llvmlite.binding",)


def _in_unsafe_code(frame) -> bool:
    """True when ``frame`` or one of its callers runs code of :data:`UNSAFE_PACKAGES`."""
    while frame is not None:
        name = frame.f_globals.get("__name__") or ""
        if any(name == p or name.startswith(p + ".") for p in UNSAFE_PACKAGES):
            return True
        frame = frame.f_back
    return False


def _dispatch(signum: int, frame) -> None:
    if _state["depth"]:
        _state["pending"].append(signum)
        return
    if _in_unsafe_code(frame):
        _resend_later(signum)
        return
    exc = _handlers[signum]()
    _state["raised"] = (exc, signum)
    raise exc


def on_signal(signum: int, make: Callable[[], BaseException]) -> None:
    """Raise ``make()`` in the main thread on ``signum`` (deferred inside :func:`critical`)."""
    _handlers[signum] = make
    signal.signal(signum, _dispatch)


def _unraisable(hook: Callable) -> Callable:
    def redeliver(unraisable) -> None:
        raised = _state["raised"]
        if raised is not None and unraisable.exc_value is raised[0]:
            _state["raised"] = None
            _resend_later(raised[1])
            return
        hook(unraisable)

    redeliver.landscape = True  # type: ignore[attr-defined]
    return redeliver


def _resend_later(signum: int) -> None:
    """Send ``signum`` again from another thread :data:`RESEND_DELAY` seconds from now, when
    the callback that swallowed it has ended.  While the thread starts, signals are deferred
    (as in :func:`critical`): on a loaded machine the main thread can wait in
    ``Thread.start`` longer than the delay, and the re-sent interrupt, raised there, inside
    the unraisable hook, would only be printed ("Exception ignored in sys.unraisablehook")
    and lost; a signal deferred so is sent again the same way."""
    while True:
        _state["depth"] += 1
        try:
            threading.Thread(target=_resend, args=(signum,), daemon=True).start()
        finally:
            _state["depth"] -= 1
        if not _state["pending"]:
            return
        signum = _state["pending"][0]
        _state["pending"].clear()


def _resend(signum: int) -> None:
    time.sleep(RESEND_DELAY)
    os.kill(os.getpid(), signum)


def hard_exit(code: int, message: str) -> None:
    """Remove :data:`TEMP_FILES`, print ``message`` and end the process now, but never inside
    :func:`critical`."""
    with COMMIT_LOCK:
        for name in list(TEMP_FILES):
            with contextlib.suppress(OSError):
                os.unlink(name)
        try:  # on a terminal, the line replaces a progress bar being drawn there
            erase = "\r\x1b[K" if sys.stderr.isatty() else ""
        except (AttributeError, ValueError):
            erase = ""
        print(f"{erase}landscape: {message}", file=sys.stderr)
        sys.stderr.flush()
        os._exit(code)


def _watch(sock: socket.socket) -> None:
    while True:
        try:
            data = sock.recv(64)
        except OSError:
            return
        if not data:
            return
        sigs = [s for s in data if s in (signal.SIGINT, signal.SIGTERM)]
        if sigs and not _done.wait(GRACE):
            term = signal.SIGTERM in sigs
            hard_exit(143 if term else 130, "terminated" if term else "interrupted")


def install() -> None:
    """SIGINT → KeyboardInterrupt, SIGTERM → :class:`Terminated`, the unraisable hook and the
    watchdog (main thread only; calling it again re-arms them)."""
    on_signal(signal.SIGINT, KeyboardInterrupt)
    on_signal(signal.SIGTERM, Terminated)
    _done.clear()
    if not getattr(sys.unraisablehook, "landscape", False):  # another may have replaced it
        sys.unraisablehook = _unraisable(sys.unraisablehook)
    if "wakeup" in _state:  # installed before in this process (the CLI called in-process)
        signal.set_wakeup_fd(_state["wakeup"][1].fileno(), warn_on_full_buffer=False)
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    _state["wakeup"] = (reader, writer)
    threading.Thread(target=_watch, args=(reader,), daemon=True).start()
    atexit.register(_close_wakeup)


def _close_wakeup() -> None:
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    for sock in _state.pop("wakeup", ()):
        sock.close()


def finished() -> None:
    """The main thread is done: the watchdog no longer ends the process, and signals that
    arrived during the command are forgotten (a later command in the same process starts
    afresh)."""
    _done.set()
    if "wakeup" in _state:
        with contextlib.suppress(OSError):
            while _state["wakeup"][0].recv(4096, socket.MSG_DONTWAIT):
                pass


def reset_in_child() -> None:
    """In a forked worker: default SIGTERM, ignore SIGINT (the parent handles Ctrl-C and ends
    its workers), no wakeup fd, and die with the parent (Linux ``PR_SET_PDEATHSIG``)."""
    with contextlib.suppress(ValueError):  # signals can be set only in the main thread
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, 0)
    die_with_parent()


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); elsewhere a thread
    polls the parent id and exits when it changes."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):
        def watch_parent() -> None:
            while os.getppid() == parent:
                _done.wait(0.2)
            os._exit(1)

        threading.Thread(target=watch_parent, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """Defer SIGINT, SIGTERM and the timeout alarm (and the watchdogs' exits) while the body
    runs; a deferred signal is raised when it ends."""
    with COMMIT_LOCK:
        _state["depth"] += 1
        try:
            yield
        finally:
            _state["depth"] -= 1
    if not _state["depth"] and _state["pending"]:
        signum = _state["pending"][0]
        _state["pending"].clear()
        signal.raise_signal(signum)
