"""An interrupt that lands in llvmlite's bindings must not leave a module freed twice.

llvmlite's ``link_modules`` calls ``LLVMPY_LinkModules``, which destroys the source module,
and only then marks the Python object as detached.  Numba registers Python callbacks on
llvmlite's lock, run as every LLVM call returns, so a pending SIGINT's handler runs right
there; a KeyboardInterrupt raised at that point skipped the detach, and once the unwound
frames were freed (the interrupt module holds the last exception raised until the next
signal), the object deleted the destroyed module again: a segmentation fault (-11), with
nothing on stderr.  The interrupt is now raised a few milliseconds later, outside
llvmlite's bindings.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: SIGINT delivered as LLVMPY_LinkModules returns (raise_signal runs the Python handler at
#: once, in the frame of the call, inside llvmlite's wrapper); the script then says whether
#: the link completed and where the KeyboardInterrupt came from
SCRIPT = textwrap.dedent("""
    import gc, signal, sys, time
    from landscape import interrupts
    import llvmlite.binding as llvm
    from llvmlite.binding import ffi

    interrupts.install()
    llvm.initialize_native_target()
    wrapper = getattr(ffi.lib, "LLVMPY_LinkModules")
    real = wrapper._cfn

    def link_then_signal(*args):
        result = real(*args)
        signal.raise_signal(signal.SIGINT)
        return result

    wrapper._cfn = link_then_signal
    dst = llvm.parse_assembly("define i32 @f() { ret i32 1 }")
    where = "nowhere"
    try:
        src = llvm.parse_assembly("define i32 @g() { ret i32 2 }")
        where = "link_in"
        dst.link_in(src, preserve=True)  # as Numba links its libraries: a clone is consumed
        print("linked", *sorted(f.name for f in dst.functions), flush=True)
        where = "sleep"
        time.sleep(5.0)
        where = "after 5 s"
    except KeyboardInterrupt:
        pass
    interrupts._state["raised"] = None  # as the next signal does: the unwound frames go
    gc.collect()
    interrupts.finished()
    print("interrupted in", where, flush=True)
    sys.exit(130)
""")


def test_sigint_as_llvm_link_returns_is_raised_outside_llvmlite():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONFAULTHANDLER", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=60, cwd=ROOT)
    assert proc.returncode != -signal.SIGSEGV, ("segmentation fault", proc.stdout, proc.stderr)
    assert proc.returncode == 130, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout.splitlines() == ["linked f g", "interrupted in sleep"], (
        proc.stdout, proc.stderr)
    assert proc.stderr == "", proc.stderr


#: the console script's entry point, with the command replaced by ``body`` (sys.argv as given)
ENTRY = textwrap.dedent("""
    import ctypes, sys
    import analysis.cli as cli
    {body}
    sys.argv = ["landscape", *sys.argv[1:]]
    sys.exit(cli.main())
""")


def _entry(body: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONFAULTHANDLER", None)
    return subprocess.run([sys.executable, "-c", ENTRY.format(body=body), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)


def test_a_crash_of_the_command_says_where_on_stderr():
    """The crash seen once in an interrupted study ended the process with -11 and an empty
    stderr.  A segmentation fault inside the command (here a read at address 0) now prints
    Python's fatal-error report with the stack that led to it; the return code is still the
    signal's."""
    proc = _entry("cli._run = lambda argv: ctypes.string_at(0)", "study")
    assert proc.returncode == -signal.SIGSEGV, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith("Fatal Python error: Segmentation fault"), proc.stderr
    assert "in <lambda>" in proc.stderr and "in _main" in proc.stderr, proc.stderr


def test_the_fault_handler_prints_nothing_on_a_normal_run():
    """Help is printed on stdout, nothing on stderr, exit 0."""
    proc = _entry("", "--help")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: landscape"), proc.stderr
    assert proc.stderr == ""
