"""Hostile input: a corpus of injection attempts and resource bombs, each refused by the CLI.

Every formula of ``tests/corpus/hostile.txt`` goes through the real command-line entry point
(``analysis.cli.main(["analyze", formula])``, in process) and must be refused with exit code 2
and a one-line reason on stderr (plus, for parse errors, the formula and a caret line), never a
traceback or an internal error, in well under a second.  A subprocess runs the canary formulas
(which would create a file if anything executed them) and checks that the file never appears.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.cli import main
from landscape.parse import MAX_DEPTH, MAX_LENGTH

CORPUS = Path(__file__).resolve().parent / "corpus" / "hostile.txt"
CANARY = "CANARY"
SECONDS = 1.0


def load_corpus(canary: str = CANARY) -> list[str]:
    """The corpus formulas (comments and blank lines skipped, ``esc:`` lines decoded)."""
    out = []
    for raw in CORPUS.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("esc:"):
            raw = raw[4:].encode("ascii").decode("unicode_escape")
        out.append(raw.replace("CANARY", canary))
    return out


# Generated bombs that do not fit on a line of the corpus file.
GENERATED = [
    "(" * 1000 + "x" + ")" * 1000,
    "sin(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5),
    "-" * 10_000 + "x",
    "x" + "**x" * 2000,
    "+".join(["x"] * (MAX_LENGTH // 2 + 1)),
    "x" * (MAX_LENGTH + 1),
    "1" * 5000,
    "sigmoid(" * 40 + "0.5" + ")" * 40,
    "[" * 200 + "x" + "]" * 200,
]

FORMULAS = load_corpus() + GENERATED


def run_cli(argv: list[str]) -> tuple[int, str, str, float]:
    """``main(argv)`` in process: (exit code, stdout, stderr, seconds)."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Import SymPy and the CLI's modules once, outside the timed calls."""
    assert run_cli(["analyze", "foo(x)"])[0] == 2


def test_corpus_is_large_and_distinct():
    formulas = load_corpus()
    assert len(formulas) >= 80
    assert len(set(formulas)) == len(formulas)


def _assert_refused(formula: str) -> None:
    code, out, err, seconds = run_cli(["analyze", formula])
    shown = repr(formula[:60])
    assert code == 2, (shown, code, err[:300])
    assert out == "", shown
    lines = err.rstrip("\n").split("\n")
    assert lines[0].startswith("landscape: ") and len(lines[0]) > len("landscape: ") + 5, shown
    assert len(lines[0]) < 500, shown
    # Nothing but the reason, optionally followed by the formula and a caret under a column.
    assert len(lines) in (1, 3), (shown, err[:300])
    if len(lines) == 3:
        assert lines[2].strip() == "^", (shown, err[:300])
    for bad in ("Traceback", "internal error", 'File "', "Error:"):
        assert bad not in err, (shown, err[:300])
    assert seconds < SECONDS, (shown, seconds)


@pytest.mark.parametrize("formula", FORMULAS, ids=[f"{i:03d}" for i in range(len(FORMULAS))])
def test_refused_by_the_cli(formula):
    _assert_refused(formula)


@pytest.mark.parametrize("command", ["run", "rates"])
def test_refused_by_run_and_rates(command):
    extra = ["--method", "gd", "--x0", "1"]
    for formula in load_corpus()[::7]:
        code, out, err, seconds = run_cli([command, formula, *extra])
        assert code == 2, (formula, code, err[:300])
        assert "Traceback" not in err and "internal error" not in err, formula
        assert seconds < SECONDS, (formula, seconds)


def test_refused_as_parameter_values():
    for formula in load_corpus()[::5]:
        code, _, err, seconds = run_cli(["analyze", "c*x", "--param", f"c={formula}"])
        assert code == 2, (formula, code, err[:300])
        assert "Traceback" not in err and "internal error" not in err, formula
        assert seconds < SECONDS, (formula, seconds)


CANARY_SCRIPT = """
import contextlib, io, sys
from analysis.cli import main
codes = []
for formula in sys.argv[1:]:
    for argv in (["analyze", formula], ["run", formula, "--method", "gd", "--x0", "1"],
                 ["analyze", "c*x", "--param", "c=" + formula]):
        with contextlib.redirect_stderr(io.StringIO()):
            codes.append(main(argv))
print(",".join(map(str, codes)))
"""


def test_canary_is_never_created(tmp_path):
    canary = tmp_path / "canary-file"
    formulas = [f for f in load_corpus(str(canary)) if str(canary) in f]
    formulas += [f.replace(str(canary), CANARY) for f in formulas]  # relative to the cwd too
    assert len(formulas) >= 20
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.run(
        [sys.executable, "-c", CANARY_SCRIPT, *formulas],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    codes = [int(c) for c in proc.stdout.strip().split(",")]
    assert codes == [2] * (3 * len(formulas))
    assert not canary.exists()
    assert not (tmp_path / CANARY).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_console_script_refuses_with_exit_code_2(tmp_path):
    """The installed ``landscape`` command, end to end, on one canary formula."""
    script = Path(sys.executable).with_name("landscape")
    if not script.exists():
        pytest.skip("console script not installed")
    proc = subprocess.run(
        [str(script), "analyze", f"__import__('os').system('touch {CANARY}')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("landscape: ") and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
