"""The test files that share the four reports are scheduled on one worker (conftest)."""

import re
from pathlib import Path

from conftest import FOUR_REPORTS_FILES

ROOT = Path(__file__).resolve().parent.parent


def test_the_files_that_read_the_four_reports_are_the_ones_scheduled_together():
    """A file reads the fixture when a test or a fixture of it names ``four_reports`` as a
    parameter; the list in conftest names exactly those files."""
    reading = {f"tests/{path.name}" for path in sorted((ROOT / "tests").glob("test_*.py"))
               if re.search(r"def \w+\([^)]*\bfour_reports\b", path.read_text())}
    assert reading == set(FOUR_REPORTS_FILES)
