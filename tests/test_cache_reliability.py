"""The kernel cache survives concurrent writers, corruption and crashes mid-write.

Every test uses its own fresh cache directory (``LANDSCAPE_CACHE_DIR``); the processes that
compile and load are real subprocesses, so Numba's own on-disk cache is exercised as well.
Values are checked against the closed form of the formula.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from landscape import compiled
from landscape.parse import canonical_key

ROOT = Path(__file__).resolve().parent.parent
FORMULA = "x**2 + 3*y**2 + 0.125*x*y + sin(x)"
POINT = (1.0, 2.0)
# f(1, 2) and ∇f(1, 2) = (2x + y/8 + cos x, 6y + x/8) from the closed form.
VALUE = 1.0 + 12.0 + 0.25 + math.sin(1.0)
GRADIENT = (2.25 + math.cos(1.0), 12.125)

WORKER = r"""
import json, os, sys, time
from pathlib import Path
go = Path(sys.argv[2])
while not go.exists():  # start line: both workers compile at the same moment
    time.sleep(0.005)
import numpy as np
from landscape.loader import load_formula
obj = load_formula(sys.argv[1])
p = np.array([1.0, 2.0])
print(json.dumps({"value": obj.value(p), "gradient": obj.gradient(p).tolist(),
                  "directory": str(obj.directory)}))
"""

CRASH = r"""
import os, sys
import landscape.compiled as c
from landscape.loader import load_formula
def crash(src, dst):  # the process dies after writing the temporary entry, before the rename
    os._exit(17)
c.os.rename = crash
load_formula(sys.argv[1])
"""


def _env(cache: Path) -> dict[str, str]:
    return dict(os.environ, LANDSCAPE_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))


def _start(cache: Path, go: Path, formula: str = FORMULA) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, formula, str(go)],
        env=_env(cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _load_in_subprocess(cache: Path, formula: str = FORMULA) -> dict:
    go = cache / "go"
    go.parent.mkdir(parents=True, exist_ok=True)
    go.touch()
    return _finish(_start(cache, go, formula))


def _check_values(result: dict) -> None:
    assert result["value"] == pytest.approx(VALUE, rel=1e-14)
    assert result["gradient"] == pytest.approx(GRADIENT, rel=1e-14)


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "kernels").iterdir())


def _key(formula: str = FORMULA) -> str:
    return canonical_key(formula)


def _valid(entry: Path) -> bool:
    meta = compiled._read_meta(entry)
    return meta is not None and meta["key"] == _key()


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(root))
    return root


def test_two_processes_compile_the_same_new_formula_at_once(cache, tmp_path):
    go = tmp_path / "go"
    procs = [_start(cache, go) for _ in range(2)]
    time.sleep(0.2)
    go.touch()
    results = [_finish(p) for p in procs]
    for r in results:
        _check_values(r)
    entries = _entries(cache)
    assert [e.name for e in entries] == [compiled.entry_name(_key())]  # no temp dirs left
    assert _valid(entries[0])
    assert {r["directory"] for r in results} == {str(entries[0])}
    # A third process loads the entry (Numba machine code included) without recompiling.
    _check_values(_load_in_subprocess(cache))
    assert _entries(cache) == entries


def _compiled_entry(cache: Path) -> Path:
    _check_values(_load_in_subprocess(cache))
    (entry,) = _entries(cache)
    assert _valid(entry)
    assert sorted(p.suffix for p in (entry / "__pycache__").iterdir())  # Numba wrote its cache
    return entry


@pytest.mark.parametrize("damage", ["garble-source", "truncate-source", "delete-source",
                                    "garble-meta", "empty-meta"])
def test_damaged_entry_is_detected_and_rebuilt(cache, damage):
    entry = _compiled_entry(cache)
    target = entry / ("meta.json" if "meta" in damage else "g.py")
    if damage == "garble-source":
        target.write_text(target.read_text().replace("*", "/", 1))
    elif damage == "truncate-source":
        target.write_text(target.read_text()[:40])
    elif damage == "delete-source":
        target.unlink()
    elif damage == "garble-meta":
        target.write_text(target.read_text()[:-9])
    else:
        target.write_text("")
    assert compiled.load(_key()) is None  # detected ...
    assert not entry.exists()  # ... and moved out of the way
    _check_values(_load_in_subprocess(cache))  # rebuilt
    (rebuilt,) = _entries(cache)
    assert rebuilt.name == entry.name and _valid(rebuilt)


@pytest.mark.parametrize("damage", ["truncate", "garble", "empty"])
def test_damaged_numba_cache_files_are_rebuilt(cache, damage):
    entry = _compiled_entry(cache)
    files = sorted((entry / "__pycache__").glob("*.nb[ic]"))
    assert any(f.suffix == ".nbi" for f in files) and any(f.suffix == ".nbc" for f in files)
    for f in files:
        data = f.read_bytes()
        if damage == "truncate":
            f.write_bytes(data[: len(data) // 3])
        elif damage == "garble":
            f.write_bytes(bytes(b ^ 0x5A for b in data))
        else:
            f.write_bytes(b"")
    _check_values(_load_in_subprocess(cache))
    _check_values(_load_in_subprocess(cache))  # and the rewritten files load again


def test_crash_mid_write_does_not_break_later_loads(cache):
    proc = subprocess.run([sys.executable, "-c", CRASH, FORMULA], env=_env(cache),
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 17, proc.stderr[-3000:]
    leftovers = _entries(cache)
    assert leftovers and all(p.name.startswith(".tmp-") for p in leftovers)  # crashed mid-write
    _check_values(_load_in_subprocess(cache))
    entry = cache / "kernels" / compiled.entry_name(_key())
    assert _valid(entry)


def test_partial_entry_in_place_does_not_break_later_loads(cache):
    # A half-written entry at the final name (e.g. copied by hand, or a disk that filled up):
    # some modules, no meta.json.
    entry = cache / "kernels" / compiled.entry_name(_key())
    entry.mkdir(parents=True)
    (entry / "f.py").write_text("def f(x, D):\n    return 0.0\n")
    (entry / "g.py").write_text("raise SystemExit('this module must never be imported')\n")
    _check_values(_load_in_subprocess(cache))
    assert _valid(entry)
    assert "SystemExit" not in (entry / "g.py").read_text()


def test_stale_temporary_entries_are_swept_young_ones_kept(tmp_path):
    root = tmp_path / "kernels"
    root.mkdir()
    old, young = root / ".tmp-abc-old", root / ".tmp-abc-young"
    for d in (old, young):
        d.mkdir()
        (d / "f.py").write_text("# partial")
    past = time.time() - 2 * compiled.STALE_TEMP_SECONDS
    os.utime(old, (past, past))
    compiled._sweep_stale_temps(root)
    assert not old.exists() and young.exists()


def test_generator_version_follows_the_generator_sources(tmp_path):
    """Editing any module that writes kernel text changes the cache entries' names."""
    import shutil
    from pathlib import Path

    import landscape.compiled as compiled

    src = Path(compiled.__file__).parent
    for name in compiled.GENERATOR_SOURCES:
        shutil.copy(src / name, tmp_path / name)
    base = compiled.generator_version(tmp_path)
    assert base == compiled.GENERATOR_VERSION
    for name in compiled.GENERATOR_SOURCES:
        p = tmp_path / name
        text = p.read_text()
        p.write_text(text + "\n# edited\n")
        assert compiled.generator_version(tmp_path) != base, name
        p.write_text(text)
    assert compiled.generator_version(tmp_path) == base
