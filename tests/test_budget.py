"""run_with_budget: results come back, runaway steps are abandoned and reaped, errors mapped."""

import os
import signal
import time

import pytest

from landscape.budget import budget_seconds, run_with_budget
from landscape.errors import AnalysisError, BudgetExceeded, InputError


def _gone(pid: int) -> bool:
    """True when no process (not even a zombie) has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _sleep_and_record(path, seconds, ignore_term=False):
    if ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(path, "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(seconds)
    return "woke up"


def test_returns_value_args_and_kwargs():
    assert run_with_budget(pow, 2, 10, timeout=10) == 1024
    assert run_with_budget(sorted, [3, 1, 2], reverse=True, timeout=10) == [3, 2, 1]


def test_closures_need_not_pickle_only_results_do():
    base = 7
    assert run_with_budget(lambda k: base * k, 6, timeout=10) == 42


def test_timeout_raises_quickly_and_reaps_the_worker(tmp_path):
    path = tmp_path / "pid"
    t0 = time.monotonic()
    with pytest.raises(BudgetExceeded):
        run_with_budget(_sleep_and_record, path, 60, timeout=0.5)
    assert time.monotonic() - t0 < 3.0
    assert _gone(int(path.read_text()))


def test_worker_ignoring_sigterm_is_killed(tmp_path):
    path = tmp_path / "pid"
    t0 = time.monotonic()
    with pytest.raises(BudgetExceeded):
        run_with_budget(_sleep_and_record, path, 60, True, timeout=0.5)
    assert time.monotonic() - t0 < 4.0
    assert _gone(int(path.read_text()))


def _boom():
    raise ValueError("boom at 42")


def _exceeded():
    raise BudgetExceeded("inner budget")


def _die():
    os._exit(3)


def test_child_exception_is_mapped_with_its_message():
    with pytest.raises(AnalysisError, match="ValueError: boom at 42"):
        run_with_budget(_boom, timeout=10)


def test_project_analysis_errors_keep_their_class():
    with pytest.raises(BudgetExceeded, match="inner budget"):
        run_with_budget(_exceeded, timeout=10)


def test_worker_dying_without_result():
    with pytest.raises(AnalysisError, match="exit code 3"):
        run_with_budget(_die, timeout=10)


def test_unpicklable_result_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="could not be sent back"):
        run_with_budget(lambda: (lambda: 1), timeout=10)


def test_no_timeout_runs_in_process_with_the_same_mapping():
    assert run_with_budget(os.getpid, timeout=None) == os.getpid()
    with pytest.raises(AnalysisError, match="boom"):
        run_with_budget(_boom, timeout=None)


def test_budget_seconds_defaults_and_scale(monkeypatch):
    monkeypatch.delenv("LANDSCAPE_BUDGET_SCALE", raising=False)
    assert budget_seconds("solve") == 10.0
    assert budget_seconds("eigenvalues") == 5.0
    assert budget_seconds("convexity") == 10.0
    assert budget_seconds("anything", 2.5) == 2.5
    monkeypatch.setenv("LANDSCAPE_BUDGET_SCALE", "0.1")
    assert budget_seconds("solve") == pytest.approx(1.0)
    monkeypatch.setenv("LANDSCAPE_BUDGET_SCALE", "-1")
    with pytest.raises(InputError):
        budget_seconds("solve")
    monkeypatch.setenv("LANDSCAPE_BUDGET_SCALE", "fast")
    with pytest.raises(InputError):
        budget_seconds("solve")
