"""Every flag is range-checked, every message is one line, nothing is lost to a signal.

Each test is named after what it checks.  The expected values are limits stated in
``landscape.limits`` (2⁵³ for counts), closed forms (GD iterates on x²), or facts of the
operating system (exit code 128 + signal number, a process that no longer exists).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("landscape")


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``main(argv)`` in process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def console(*argv: str, env: dict | None = None, timeout: float = 120, **kw):
    """The installed ``landscape`` command in a subprocess."""
    full = dict(os.environ, **(env or {}))
    return subprocess.run([str(SCRIPT), *argv], capture_output=True, text=True,
                          timeout=timeout, env=full, **kw)


def one_line_refusal(code: int, err: str, *needles: str) -> None:
    """Exit 2 and one line on stderr that starts with ``landscape:`` and holds the needles."""
    assert code == 2, err[-2000:]
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("landscape: "), err[-2000:]
    for bad in ("Traceback", "internal error", ".tmp"):
        assert bad not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


# ------------------------------------------------------------------ finding 3: overflowing flags
@pytest.mark.parametrize("flag", ["--steps", "--maxiter"])
@pytest.mark.parametrize("value", [str(2**63), "10000000000000000000", str(2**53 + 1)])
def test_steps_beyond_int64_is_refused(flag, value):
    """A count above 2⁵³ would be rounded (and from 2⁶³ on wrap to a negative int64 in the
    engine: nit = -9223372036854775808, x left at x0): refused with the limit."""
    code, out, err = run_cli("run", "x**2 + y**2", "--method", "gd", "--x0", "1,1", flag, value)
    one_line_refusal(code, err, flag, "2**53")
    assert out == ""


def test_steps_at_the_limit_is_accepted_by_the_api():
    """2⁵³ itself is exact in float64: accepted (checked without running it)."""
    from landscape.limits import MAX_COUNT, check_count

    assert check_count("steps", 2**53) == MAX_COUNT == 9007199254740992
    from landscape.errors import InputError
    from optimizers import minimize

    with pytest.raises(InputError, match="2\\*\\*53"):
        minimize(_bowl(), [1.0, 1.0], "gd", steps=2**63)


def _bowl():
    from landscape import Objective

    return Objective.parse("x**2 + y**2")


@pytest.mark.parametrize("value", ["1e300", "9.3e18"])
def test_lbfgs_memory_beyond_the_limit_is_refused(value):
    """--memory 1e300 ran as memory 1 (the float wrapped in the engine): now refused."""
    code, _, err = run_cli("run", "x**2 + y**2", "--method", "lbfgs", "--x0", "1,1",
                           "--memory", value)
    one_line_refusal(code, err, "memory", "2**53")


@pytest.mark.parametrize("value", ["1e12", "100000000"])
def test_lbfgs_memory_far_above_the_iterations_runs_in_little_memory(value, tmp_path):
    """--memory 1e12 was an internal SystemError, 100000000 took 4.9 GB on a 2-D quadratic.
    A run of K iterations stores at most K pairs, so the ring holds min(m, K) of them: the
    iterates are those of memory = maxiter (the same arithmetic), in bounded memory."""
    script = (
        "import json, resource, sys\n"
        "from landscape import Objective\n"
        "from optimizers import minimize\n"
        "obj = Objective.parse('(x - 1)**2 + 10*(y - x**2)**2')\n"
        "b = minimize(obj, [-1.2, 1.0], 'lbfgs', memory=200, maxiter=200)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"a = minimize(obj, [-1.2, 1.0], 'lbfgs', memory={value}, maxiter=200)\n"
        "print(json.dumps([list(a.x), list(b.x), a.nit, b.nit,"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    xa, xb, na, nb, rss_kb = json.loads(proc.stdout)
    assert xa == xb and na == nb
    # the peak grows by < 100 MB over a run with memory = 200, which came first and compiled
    # whatever had to be compiled (before: 4.9 GB for 1e8, a crash for 1e12)
    assert rss_kb < 100_000


def test_negative_seed_is_refused():
    """--seed -1 without --x0 reached NumPy's generator: an internal error."""
    for command in ("run", "rates"):
        code, _, err = run_cli(command, "x**2", "--method", "gd", "--seed", "-1")
        one_line_refusal(code, err, "--seed")


def test_infinite_timeout_is_refused():
    code, _, err = run_cli("analyze", "x**2", "--timeout", "inf")
    one_line_refusal(code, err, "--timeout", "finite")


def test_huge_budget_scale_is_refused(monkeypatch):
    """LANDSCAPE_BUDGET_SCALE=1e300 overflowed the worker's wait: an internal OverflowError."""
    monkeypatch.setenv("LANDSCAPE_BUDGET_SCALE", "1e300")
    code, _, err = run_cli("analyze", "x**2")
    one_line_refusal(code, err, "LANDSCAPE_BUDGET_SCALE")


def test_starts_memory_is_estimated_before_drawing_them():
    """--dim 1000 --starts 10000000 asked NumPy for 74.5 GiB and died in MemoryError; the
    estimate (N (4n + 12) float64s of starts and results: 10⁷ · 4012 · 8 B ≈ 299 GiB) is over
    the limit, refused before anything is allocated."""
    t = time.perf_counter()
    code, _, err = run_cli("run", "sum(x[i]**2, i, 1, n)", "--dim", "1000", "--starts",
                           "10000000", "--method", "gd")
    one_line_refusal(code, err, "memory", "LANDSCAPE_MEMORY_LIMIT", "fewer starts")
    assert time.perf_counter() - t < 5.0


def test_memory_limit_can_be_raised_and_lowered(monkeypatch):
    from landscape.errors import InputError
    from landscape.limits import check_memory, memory_limit_bytes

    monkeypatch.setenv("LANDSCAPE_MEMORY_LIMIT", "2G")
    assert memory_limit_bytes() == 2 * 2**30
    check_memory("a request", 2 * 2**30)
    with pytest.raises(InputError, match="2 GiB"):
        check_memory("a request", 2 * 2**30 + 1)
    monkeypatch.setenv("LANDSCAPE_MEMORY_LIMIT", "lots")
    with pytest.raises(InputError, match="LANDSCAPE_MEMORY_LIMIT"):
        memory_limit_bytes()


# ------------------------------------------------------------------ finding 4: trajectories
def test_trajectory_json_says_which_iterates():
    """300,000 steps of GD on x² from x0 = 1 with η = 10⁻⁶: x_k = (1 − 2η)^k exactly in real
    arithmetic.  The CLI keeps at most 100,001 iterates, so the stride is ⌈300001 / 100001⌉ = 3:
    rows are iterates 0, 3, 6, …, 300000 (100,001 of them), and the JSON says so."""
    code, out, err = run_cli("run", "x**2", "--method", "gd", "--lr", "1e-6", "--x0", "1",
                             "--steps", "300000", "--trajectory", "--json")
    assert code == 0, err
    traj = json.loads(out)["trajectory"]
    assert traj["stride"] == 3 and traj["count"] == 100_001 and traj["iterations"] == 300_000
    xs = np.array(traj["x"])[:, 0]
    assert len(xs) == 100_001
    k = 3 * np.arange(len(xs))
    np.testing.assert_allclose(xs, (1 - 2e-6) ** k, rtol=1e-9)


# ------------------------------------------------------------------ finding 7: the report set
def _set(tmp_path: Path, tag: str) -> dict[str, str]:
    from analysis.report import write_atomically

    def text(suffix):
        return lambda p: p.write_text(f"{tag}{suffix}")

    write_atomically(tmp_path / "r.pdf", {s: text(s) for s in (".pdf", ".json", ".csv")})
    return {s: (tmp_path / f"r{s}").read_text() for s in (".pdf", ".json", ".csv")}


def test_report_set_is_replaced_whole(tmp_path, monkeypatch):
    """A writer killed between two renames left a new PDF beside the old JSON and CSV.  Now
    the renames follow a journal: a writer dying after the first rename leaves a set that the
    next writer completes, so the set is never mixed once anyone writes again."""
    import analysis.report as report

    assert _set(tmp_path, "old") == {".pdf": "old.pdf", ".json": "old.json", ".csv": "old.csv"}
    real = os.replace
    calls = []

    def dying_replace(src, dst):
        calls.append(dst)
        if str(dst).endswith("r.json"):  # the PDF is already in place: die now
            raise SystemExit("killed")
        return real(src, dst)

    monkeypatch.setattr(report.os, "replace", dying_replace)
    with pytest.raises(SystemExit):
        _set(tmp_path, "new")
    monkeypatch.setattr(report.os, "replace", real)
    report.recover_set(tmp_path / "r.pdf")
    got = {s: (tmp_path / f"r{s}").read_text() for s in (".pdf", ".json", ".csv")}
    assert got == {".pdf": "new.pdf", ".json": "new.json", ".csv": "new.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.pdf"]


def test_interrupted_writer_leaves_the_old_set(tmp_path):
    from analysis.report import write_atomically

    _set(tmp_path, "old")

    def interrupted(p):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "r.pdf", {".pdf": lambda p: p.write_text("new"),
                                              ".json": interrupted})
    got = {s: (tmp_path / f"r{s}").read_text() for s in (".pdf", ".json", ".csv")}
    assert got == {".pdf": "old.pdf", ".json": "old.json", ".csv": "old.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.pdf"]


def test_temporary_files_of_killed_writers_are_swept(tmp_path):
    """Temporary files carry their writer's pid: those of writers that no longer run are
    removed by the next writer, those of a running writer are left alone."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".r.{dead.pid}.abcd1234.pdf.tmp"
    orphan.write_text("half a PDF")
    live = tmp_path / f".r.{os.getpid()}.efgh5678.pdf.tmp"
    live.write_text("being written")
    old_style = tmp_path / ".r.ijkl9012.pdf.tmp"  # no pid: swept once it is old
    old_style.write_text("from an older version")
    os.utime(old_style, (time.time() - 3600, time.time() - 3600))
    _set(tmp_path, "new")
    assert not orphan.exists() and not old_style.exists() and live.exists()


def test_signals_wait_for_the_end_of_a_critical_section():
    from landscape import interrupts

    interrupts.install()
    try:
        order = []
        with pytest.raises(KeyboardInterrupt):
            with interrupts.critical():
                signal.raise_signal(signal.SIGINT)
                order.append("after the signal, inside")
        assert order == ["after the signal, inside"]
    finally:
        interrupts.finished()


# ------------------------------------------------------------------ findings 6, 7, 12: processes
def _wait(proc: subprocess.Popen, seconds: float) -> float | None:
    """Seconds until ``proc`` exits, or None if it still runs after ``seconds``."""
    t = time.perf_counter()
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_a_compiled_loop_ends_within_half_a_second(signum, code, tmp_path):
    """A long compiled loop (2⁴⁰ GD steps, no Python in between) cannot see a Python signal
    handler; the watchdog ends the process with 128 + signum within half a second."""
    proc = subprocess.Popen([str(SCRIPT), "run", "x**2", "--method", "gd", "--x0", "1",
                             "--steps", str(2**40)], stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    time.sleep(6.0)  # startup, kernel load, well inside the loop
    assert proc.poll() is None
    proc.send_signal(signum)
    took = _wait(proc, 5.0)
    assert took is not None and took < 0.5, took
    assert proc.returncode == code
    assert proc.stderr.read().strip() in ("landscape: interrupted", "landscape: terminated")


def test_timeout_is_honoured(tmp_path):
    """--timeout 1 returned after 4.8–5.2 s: now within half a second of the limit, counted
    from the start of the command, on a compiled loop and on a symbolic step alike."""
    for argv in (["run", "x**2", "--method", "gd", "--x0", "1", "--steps", str(2**40)],
                 ["analyze", "(x+y)**10000"]):
        t = time.perf_counter()
        proc = console(*argv, "--timeout", "1", cwd=tmp_path)
        took = time.perf_counter() - t
        assert proc.returncode == 1, proc.stderr
        assert "timed out after 1 s" in proc.stderr
        assert took < 1.5, (argv, took)


def test_worker_dies_with_parent(tmp_path):
    """kill -9 of a process whose SymPy worker runs left the worker orphaned at 100 % CPU; it
    now dies with its parent (PR_SET_PDEATHSIG)."""
    pidfile = tmp_path / "worker.pid"
    script = (
        "import os, sys\n"
        "from landscape.budget import run_with_budget\n"
        "def spin(path):\n"
        "    open(path, 'w').write(str(os.getpid()))\n"
        "    while True:\n"
        "        pass\n"
        f"run_with_budget(spin, {str(pidfile)!r}, timeout=600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script],
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    for _ in range(300):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.05)
    worker = int(pidfile.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(40):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        # a dead worker not yet reaped by init is a zombie: as good as gone
        with contextlib.suppress(OSError):
            if Path(f"/proc/{worker}/stat").read_text().split(")")[1].split()[0] == "Z":
                break
        time.sleep(0.05)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its parent by 2 s")


# ------------------------------------------------------------------ messages
def test_binary_csv_message(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(bytes(range(256)) * 4)
    code, _, err = run_cli("run", "(w - a)**2", "--method", "gd", "--x0", "0",
                           "--data", str(path))
    one_line_refusal(code, err, "not a text CSV")


def test_huge_header_field_message(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a" * 2_000_000 + ",b\n1,2\n")
    code, _, err = run_cli("run", "(w - b)**2", "--method", "gd", "--x0", "0",
                           "--data", str(path))
    one_line_refusal(code, err, "field larger than")
    assert len(err) < 500


def test_string_npy_message(tmp_path):
    path = tmp_path / "d.npy"
    np.save(path, np.array([["a", "b"], ["c", "d"]]))
    code, _, err = run_cli("run", "(w - c0)**2", "--method", "gd", "--x0", "0",
                           "--data", str(path))
    one_line_refusal(code, err, "not numbers")


def test_complex_npy_message(tmp_path):
    """A complex column lost its imaginary part without a word."""
    path = tmp_path / "d.npy"
    np.save(path, np.array([[1 + 2j], [3 - 1j]]))
    code, _, err = run_cli("run", "(w - c0)**2", "--method", "gd", "--x0", "0",
                           "--data", str(path))
    one_line_refusal(code, err, "complex")


def test_header_only_csv_message(tmp_path):
    """A CSV with names and no rows told a command-line user to call compiled.with_data(D)."""
    path = tmp_path / "d.csv"
    path.write_text("a,b\n")
    code, _, err = run_cli("run", "(w - a)**2", "--method", "gd", "--x0", "0",
                           "--data", str(path))
    one_line_refusal(code, err, "no data rows")
    assert "with_data" not in err


def test_zero_numba_threads_message():
    proc = console("run", "x**2", "--method", "gd", "--x0", "1",
                   env={"NUMBA_NUM_THREADS": "0"})
    one_line_refusal(proc.returncode, proc.stderr, "NUMBA_NUM_THREADS")


def test_output_naming_a_directory_message(tmp_path):
    """-o naming a directory ended in 'Is a directory: …/.r.XXXX.pdf.tmp'."""
    (tmp_path / "out.pdf").mkdir()
    code, _, err = run_cli("report", "x**2", "-o", str(tmp_path / "out.pdf"))
    one_line_refusal(code, err, "a directory")


def test_read_only_cache_message(tmp_path, monkeypatch):
    """A cache that cannot be written said "Operation not permitted: …/.tmp-…" and exited 1.
    Now the command runs without it and says so in one note naming the cache (simulated: the
    test may run as root, whom permissions do not stop)."""
    import tempfile

    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(cache))
    for name in ("mkstemp", "mkdtemp"):
        real = getattr(tempfile, name)

        def refuse(*args, dir=None, _real=real, **kw):
            if dir is not None and str(cache) in str(dir):
                raise PermissionError(errno.EPERM, "Operation not permitted",
                                      os.path.join(str(dir), ".tmp-abc"))
            return _real(*args, dir=dir, **kw)

        monkeypatch.setattr(tempfile, name, refuse)
    code, out, err = run_cli("run", "x**2 + 3*x", "--method", "bfgs", "--x0", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["x"] == pytest.approx([-1.5])  # f' = 2x + 3 = 0
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("landscape: note: "), err
    assert str(cache) in err and "kernel cache" in err and ".tmp" not in err


def test_full_disk_message(tmp_path):
    """A full disk was an internal error.  Simulated with a file-size limit (RLIMIT_FSIZE, with
    SIGXFSZ ignored the write fails with EFBIG as it would with ENOSPC): one line, exit 2, the
    previous report set untouched."""
    import resource

    out = tmp_path / "r.pdf"
    for suffix in (".pdf", ".json", ".csv"):
        out.with_suffix(suffix).write_text("previous")

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    proc = subprocess.run([str(SCRIPT), "report", "x**2", "--methods", "gd", "-o", str(out)],
                          capture_output=True, text=True, timeout=600, preexec_fn=small_files)
    one_line_refusal(proc.returncode, proc.stderr, "no room", str(tmp_path))
    assert all(out.with_suffix(s).read_text() == "previous" for s in (".pdf", ".json", ".csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.pdf"]


def test_long_title_message():
    """A 20,000-character --title took 135 s to typeset; titles are one line of at most 200."""
    t = time.perf_counter()
    code, _, err = run_cli("report", "x**2", "--title", "T" * 20_000)
    one_line_refusal(code, err, "title", "200")
    assert time.perf_counter() - t < 5.0


# ------------------------------------------------------------------ finding 6: Ctrl-C in study
#: seconds after the start of ``study --quick`` at which SIGINT is sent (the lost interrupts
#: were seen at 13.0 s and 14.6 s; the others spread over imports, analyses, runs and plots)
STUDY_POINTS = (2.0, 4.5, 7.0, 9.5, 13.0, 14.6)
STUDY_POINTS_SLOW = tuple(1.0 + 1.7 * i for i in range(40))


#: exit codes of a command ended by a signal: 128 + signum, or -signum when the signal came
#: after the command had finished, while the interpreter exits (Python then restores the
#: default handlers, and a shell shows the same 128 + signum)
_ENDED_BY = {signal.SIGINT: (130, -signal.SIGINT), signal.SIGTERM: (143, -signal.SIGTERM)}


def _assert_whole_set(pdf: Path, prev: dict[str, bytes], code: int) -> None:
    """The set beside ``pdf`` is the previous one, or (only if the command had finished) the
    new one whole; nothing else is in the directory."""
    now = {s: pdf.with_suffix(s).read_bytes() for s in prev}
    if code in (130, 143):
        assert now == prev
    else:
        assert now[".pdf"].startswith(b"%PDF") and json.loads(now[".json"])["pages"] > 0
    assert sorted(p.name for p in pdf.parent.iterdir()) == sorted(
        pdf.with_suffix(s).name for s in prev)


def _previous_set(directory: Path) -> dict[str, bytes]:
    prev = {s: f"previous study{s}".encode() for s in (".pdf", ".json", ".csv")}
    for suffix, data in prev.items():
        (directory / f"study{suffix}").write_bytes(data)
    return prev


def _interrupt_study_at(seconds: float, directory: Path) -> None:
    """SIGINT ``seconds`` into ``study --quick``: exit 130 within half a second, no
    "Exception ignored", the previous set unchanged and nothing else left in the directory
    (unless the study had already finished: then the set is the new one, whole)."""
    prev = _previous_set(directory)
    proc = subprocess.Popen([str(SCRIPT), "study", "--quick", "-o", str(directory)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        took = _wait(proc, 10.0)
        err = proc.stderr.read()
        assert took is not None and took < 0.5, (seconds, took, err[-500:])
        assert proc.returncode in _ENDED_BY[signal.SIGINT], (seconds, proc.returncode, err)
        assert "Exception ignored" not in err and "Traceback" not in err, err[-2000:]
    _assert_whole_set(directory / "study.pdf", prev, proc.returncode)


def test_sigint_during_study_is_not_lost(tmp_path):
    for seconds in STUDY_POINTS:
        _interrupt_study_at(seconds, tmp_path)


@pytest.mark.slow
def test_sigint_during_study_is_not_lost_anywhere(tmp_path):
    for seconds in STUDY_POINTS_SLOW:
        _interrupt_study_at(seconds, tmp_path)


def test_library_warnings_become_notes(monkeypatch):
    """NumPy's RuntimeWarnings (and any library's) leaked to stderr as Python's two-line
    warnings with a file name; now each distinct one is a one-line note with its count, and
    the command's output is unchanged."""
    import analysis.cli as cli

    real = cli.analyze_record

    def noisy(*args, **kw):
        with np.errstate(all="warn"):
            for _ in range(3):
                np.log(np.zeros(1))  # RuntimeWarning: divide by zero encountered in log
            np.exp(np.array([1e3]))  # RuntimeWarning: overflow encountered in exp
        return real(*args, **kw)

    monkeypatch.setattr(cli, "analyze_record", noisy)
    code, out, err = run_cli("analyze", "x**2 - y**2", "--json")
    assert code == 0 and json.loads(out)["critical_points"][0]["kind"] == "saddle"
    assert err.splitlines() == [
        "landscape: note: NumPy warned: divide by zero encountered in log "
        "(RuntimeWarning, 3 times)",
        "landscape: note: NumPy warned: overflow encountered in exp (RuntimeWarning)",
    ]


def test_rates_refuses_runs_it_cannot_record_whole():
    """rates measures the rate per iteration from the recorded iterates; a run longer than
    the record limit (2·10⁸ bytes = 8,333,333 iterates of x, f, ‖∇f‖ for n = 1) would be
    strided, and its rows mistaken for iterations ("iterations 0–4999999 of 5000000" for a
    run of 10⁷): refused."""
    code, _, err = run_cli("rates", "x**2", "--method", "gd", "--x0", "1", "--steps",
                           "10000000")
    one_line_refusal(code, err, "every iterate", "8333333")


@pytest.mark.parametrize("seconds", [2.5, 5.0, 8.0])
def test_sigterm_during_report_keeps_the_previous_set(seconds, tmp_path):
    """SIGTERM killed ``report`` on the spot, leaving ``.r.XXXX.pdf.tmp`` files; now it unwinds:
    exit 143 within half a second, the previous set untouched, no temporary file left."""
    out = tmp_path / "r.pdf"
    prev = {s: f"previous{s}".encode() for s in (".pdf", ".json", ".csv")}
    for suffix, data in prev.items():
        out.with_suffix(suffix).write_bytes(data)
    proc = subprocess.Popen([str(SCRIPT), "report", "(x-1)**2 + 4*y**2", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)
    if proc.poll() is not None:
        pytest.skip(f"the report finished within {seconds} s")
    proc.send_signal(signal.SIGTERM)
    took = _wait(proc, 10.0)
    err = proc.stderr.read()
    assert took is not None and took < 0.5, (took, err[-500:])
    assert proc.returncode in _ENDED_BY[signal.SIGTERM], (proc.returncode, err[-2000:])
    assert "Traceback" not in err
    _assert_whole_set(out, prev, proc.returncode)


def _interrupt_from_a_weakref_callback(monkeypatch, loops: int = 100_000):
    """Run ``analyze x**2`` with SIGINT sent from inside a weakref callback (WeakSet._remove
    during garbage collection is such a callback), then ``loops`` steps of Python, where a
    re-sent interrupt is raised: the command's exit code, stdout and stderr."""
    import weakref

    import analysis.cli as cli

    real = cli.analyze_record

    class Thing:
        pass

    def in_callback(ref):
        signal.raise_signal(signal.SIGINT)
        total = 0
        for i in range(1000):  # the handler runs here, inside the callback
            total += i

    def collected(*args, **kw):
        thing = Thing()
        keep = weakref.ref(thing, in_callback)
        del thing  # the callback runs now
        total = 0
        for i in range(loops):  # a re-sent interrupt is raised here
            total += i
        assert keep() is None
        return real(*args, **kw)

    monkeypatch.setattr(cli, "analyze_record", collected)
    return run_cli("analyze", "x**2")


def test_sigint_in_a_weakref_callback_is_not_lost(monkeypatch):
    """The cause of the lost Ctrl-C in ``study``: SIGINT's KeyboardInterrupt raised while a
    weakref callback (WeakSet._remove during garbage collection) runs is only printed
    ("Exception ignored in …"), and the command ran on and exited 0.  Here the signal is sent
    from inside such a callback, so its handler runs there: the command must still end with
    130, without "Exception ignored"."""
    code, out, err = _interrupt_from_a_weakref_callback(monkeypatch)
    assert code == 130 and out == "", err
    assert "Exception ignored" not in err and err.strip() == "landscape: interrupted"


def test_an_interrupt_resent_while_its_thread_starts_is_not_lost(monkeypatch):
    """On a loaded machine the main thread waited in ``Thread.start`` (starting the thread that
    re-sends an interrupt a weakref callback swallowed) longer than RESEND_DELAY: the re-sent
    SIGINT was raised inside the unraisable hook, printed as "Exception ignored in
    sys.unraisablehook" and lost.  Here the first such start is held 20 × RESEND_DELAY: the
    command still ends with 130 and prints nothing but the interruption."""
    import threading

    from landscape import interrupts

    real_start, held = threading.Thread.start, []

    def slow_start(self):
        real_start(self)
        if getattr(self, "_target", None) is interrupts._resend and not held:
            held.append(True)
            time.sleep(20 * interrupts.RESEND_DELAY)  # the re-sent signal arrives here

    monkeypatch.setattr(threading.Thread, "start", slow_start)
    code, out, err = _interrupt_from_a_weakref_callback(monkeypatch, loops=2_000_000)
    assert held == [True]
    assert code == 130 and out == "", err
    assert "Exception ignored" not in err and err.strip() == "landscape: interrupted"


def test_timeout_counts_from_the_call():
    """In a process that imported the CLI long ago (this one), --timeout still counts from the
    call of main: a one-second command with a 30 s limit completes."""
    code, out, err = run_cli("analyze", "x**2 - y**2", "--timeout", "30", "--json")
    assert code == 0, err
    assert json.loads(out)["critical_points"][0]["kind"] == "saddle"


def test_an_interrupt_inside_an_import_is_an_interrupt(monkeypatch, capsys):
    """A SIGINT two seconds into ``study`` landed inside the import of one of Numba's compiled
    extensions, which re-raised it as ``ImportError: numba._devicearray failed to import``:
    the command said "internal error" instead of "interrupted" and exited 1, not 130."""
    import analysis.cli as cli

    def run(argv):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ImportError("numba._devicearray failed to import") from None

    monkeypatch.setattr(cli, "_run", run)
    monkeypatch.setattr(cli, "_HURRY", set())
    assert cli._main(["study"]) == 130
    assert capsys.readouterr().err == "landscape: interrupted\n"

    def other(argv):
        raise ImportError("no module named nowhere")

    monkeypatch.setattr(cli, "_run", other)
    assert cli._main(["study"]) == 1
    assert "internal error: ImportError" in capsys.readouterr().err
