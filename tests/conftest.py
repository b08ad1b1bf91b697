"""Shared test configuration.

Compiled kernels go to a cache inside the checkout (``.cache/test-kernels``, git-ignored) so
that repeated test runs do not recompile every formula; tests about the cache itself use their
own temporary directories.
"""

import gc
import os
from pathlib import Path

import pytest

os.environ.setdefault(
    "LANDSCAPE_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache" / "test-kernels")
)


#: the test files that read the session fixture ``four_reports`` (about a minute to build):
#: ``make test`` runs them on one worker, which builds the reports once
#: (``test_scheduling.py`` checks the list against the tests that use the fixture)
FOUR_REPORTS_FILES = frozenset({
    "tests/test_cost_table_reading.py", "tests/test_figures.py", "tests/test_pages.py",
    "tests/test_report.py", "tests/test_typesetting_wording.py",
})


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (``make test``) with one change: the files of
    ``FOUR_REPORTS_FILES`` form one unit of work.  Every other file is its own unit, so its
    module fixtures are built once, as under ``loadfile``."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FourReportsTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return "four_reports" if path in FOUR_REPORTS_FILES else path

    return FourReportsTogether(config, log)


@pytest.fixture(autouse=True, scope="module")
def _settled_objects_frozen():
    """After each test file the objects still alive (imported modules, compiled kernels,
    SymPy's caches, session fixtures) are collected once and frozen (``gc.freeze``): later
    collections skip them.  A test worker holds millions of such objects after a few files,
    and each full collection walked them all: over a suite beside other work, 161 collections
    of a worker took more than 0.1 s, up to 14 s, each charged to whatever test it
    interrupted (a 7 ms parse measured 2.2 s of CPU; a 1000-term sum hit the parser's 1 s
    limit).  Timed checks still pause the collector themselves (``cputime.timed``)."""
    yield
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _patient_watchdog(monkeypatch):
    """Commands run in this process (``run_cli``) and tests that send this process a signal:
    the interrupt watchdog waits a minute for the command to unwind, not ``GRACE``.  Its exit
    ends the whole process, a test worker here; on a loaded machine an in-process command took
    longer than the 0.25 s ``GRACE`` to unwind from the SIGINT a test sent it, and the worker
    was ended mid-suite.  Commands run as subprocesses keep their ``GRACE``."""
    from landscape import interrupts

    monkeypatch.setattr(interrupts, "GRACE", 60.0)


#: the four reports read page by page for the issue on reports (formula, keyword arguments)
FOUR_REPORTS = {
    "himmelblau": ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", {}),
    "ellipse": ("0.1*x**2 + 2*y**2", {}),
    "kink": ("abs(x) + relu(y-1) + 0.5*y**2", {}),
    "rosenbrock5": ("sum(100*(x[i+1] - x[i]**2)**2 + (1 - x[i])**2, i, 1, n-1)", {"dim": 5}),
}


@pytest.fixture(scope="session")
def four_reports(tmp_path_factory):
    """The four reports (default methods), built once per test session: name →
    (ReportResult, Document), the Document kept for the figure audits."""
    from analysis import report

    out, docs = {}, []
    write = report.Builder.write

    def keep(self, path):
        docs.append(self.doc)
        return write(self, path)

    report.Builder.write = keep
    try:
        root = tmp_path_factory.mktemp("four")
        for name, (formula, kw) in FOUR_REPORTS.items():
            result = report.build_report(formula, root / f"{name}.pdf", **kw)
            out[name] = (result, docs[-1])
    finally:
        report.Builder.write = write
    return out


@pytest.fixture
def small_split_gap(monkeypatch):
    """``pages.SHORT_SPLIT_GAP`` at 0.15 for a test of what a short table (or a pair of
    them) does when moving it whole would leave more than that share of a page blank: the
    tables such tests build (a dozen one-line rows, a quarter of a page) are lower than the
    gap's own value (about 0.30), so none could miss a page with more than it left.  The
    mechanism is the same at either value; the value itself is tested on the documents."""
    from analysis import pages

    monkeypatch.setattr(pages, "SHORT_SPLIT_GAP", 0.15)
