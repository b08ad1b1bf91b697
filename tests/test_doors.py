"""Code execution through the Python API and through the kernel cache (issue: no door left open).

Each test plants a *canary*: code that would create a file if it ever ran.  The answers are
closed forms of the formulas, so a kernel taken from another formula is caught as well.

* Finding 1: a SymPy symbol name is user text; it must never reach generated source, whether it
  comes through the :class:`~landscape.objective.Objective` constructor, ``from_expr``, the
  kernel generator itself or SymPy's ``lambdify`` (a variable named ``mpf`` used to shadow
  mpmath's ``mpf`` in the 30-digit refinement).
* Finding 2: the kernel cache runs code when it is loaded (modules are imported, Numba's cache
  files are unpickled), so it is used only when it is the user's own, and every entry is
  authenticated under a per-user secret that a writer of the directory cannot forge.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from landscape import Objective, compiled
from landscape.codegen import generate_sources, lambdify_renamed
from landscape.errors import InputError, UnsupportedError
from landscape.parse import canonical_key

ROOT = Path(__file__).resolve().parent.parent


def _payload(canary: Path) -> str:
    """Source text that, run as module code inside a kernel function, creates ``canary``."""
    return (f"1.0\n    return _f\nimport os; os.system('touch {canary}')\n"
            "def _unused():\n    _f = 1.0")


# ------------------------------------------------------------------------------ finding 1


def test_api_symbol_name_does_not_run_as_code(tmp_path):
    canary = tmp_path / "PWNED"
    x = sp.Symbol("x", real=True)
    evil = sp.Symbol(_payload(canary), real=True)
    with pytest.raises(InputError, match="neither variables, parameters nor data"):
        Objective(x**2 + evil, [x]).compiled.value([3.0])
    assert not canary.exists()


def test_hostile_variable_names_are_renamed_in_kernels(tmp_path):
    """Names that are code, keywords or module globals are just names: f = (a-1)^2 + 3 b^2."""
    canary = tmp_path / "PWNED"
    a = sp.Symbol(_payload(canary), real=True)
    b = sp.Symbol("np", real=True)
    obj = Objective((a - 1) ** 2 + 3 * b**2, [a, b])
    assert obj.value([2.0, 1.0]) == 4.0
    assert obj.grad([2.0, 1.0]).tolist() == [2.0, 6.0]
    assert obj.hess([2.0, 1.0]).tolist() == [[2.0, 0.0], [0.0, 6.0]]
    for source in obj.compiled.directory.glob("*.py"):
        assert "os.system" not in source.read_text()
    assert not canary.exists()


def test_kernel_generator_refuses_stray_symbols(tmp_path):
    """Behind the constructor, the generator itself prints only its own locals."""
    canary = tmp_path / "PWNED"
    x = sp.Symbol("x", real=True)
    stray = sp.Symbol(_payload(canary), real=True)
    with pytest.raises(UnsupportedError, match="neither a variable nor a data column"):
        generate_sources(x**2 + stray, [x], [2 * x], {(0, 0): sp.Integer(2)})
    with pytest.raises(UnsupportedError, match="neither a variable nor a data column"):
        generate_sources(x**2, [x], [2 * x + stray], {(0, 0): sp.Integer(2)}, loops=False)
    assert not canary.exists()


@pytest.mark.parametrize("node", [
    sp.Function("os.system")(sp.Symbol("x", real=True)),
    sp.Integral(sp.Symbol("x", real=True), sp.Symbol("x", real=True)),
    sp.Derivative(sp.Function("g")(sp.Symbol("x", real=True)), sp.Symbol("x", real=True)),
    sp.besselj(0, sp.Symbol("x", real=True)),
], ids=["undefined-function", "integral", "derivative", "bessel"])
def test_kernel_generator_prints_only_allowed_nodes(node):
    x = sp.Symbol("x", real=True)
    with pytest.raises(UnsupportedError, match="cannot be compiled"):
        generate_sources(x**2 + node, [x], [2 * x], {(0, 0): sp.Integer(2)}, loops=False)


def test_variable_named_mpf_is_refined_exactly():
    """f = cos(m) + m²/10 + (y-1)²: ∇f = (-sin m + m/5, 2(y-1)) vanishes at (0, 1), where
    ∂²f/∂m² = -cos 0 + 1/5 = -4/5 < 0 and ∂²f/∂y² = 2 > 0: an exact saddle.  The 30-digit
    refinement used to fail there ("'mpf' object is not callable") and keep a float point."""
    m, y = sp.Symbol("mpf", real=True), sp.Symbol("matrix", real=True)
    points = Objective.from_expr(sp.cos(m) + m**2 / 10 + (y - 1) ** 2, [m, y]).critical_points(
        box=[(-5, 5), (-5, 5)])
    saddle = [p for p in points if p.kind == "saddle"]
    assert len(saddle) == 1 and saddle[0].exact and saddle[0].point == (0.0, 1.0)
    assert not any("abandoned" in note for note in points.notes)


def test_lambdify_renamed_shadows_nothing():
    mpf, cos = sp.Symbol("mpf", real=True), sp.Symbol("cos", real=True)
    fn = lambdify_renamed([mpf, cos], [mpf * sp.cos(cos), mpf + cos], "mpmath")
    assert [float(v) for v in fn(2.0, 0.5)] == [2.0 * math.cos(0.5), 2.5]
    with pytest.raises(UnsupportedError):
        lambdify_renamed([mpf], mpf + cos, "numpy")


# ------------------------------------------------------------------------------ finding 2

FORMULA = "x**2 + 3*y"
OTHER = "x**2 + 5*y + 0*x*y"  # same variables; f(1, 1) = 6, ∇f = (2, 5)
# f(1, 1) = 4 and ∇f(1, 1) = (2, 3) for FORMULA, by hand.
EXPECTED = {"value": 4.0, "gradient": [2.0, 3.0]}

LOAD = r"""
import json, sys, warnings
warnings.simplefilter("always")
from landscape.loader import load_formula
with warnings.catch_warnings(record=True) as caught:
    obj = load_formula(sys.argv[1])
    out = {"value": obj.value([1.0, 1.0]), "gradient": obj.gradient([1.0, 1.0]).tolist(),
           "directory": str(obj.directory)}
    obj = load_formula(sys.argv[1])  # a second use says nothing more
out["warnings"] = [str(w.message) for w in caught]
print(json.dumps(out))
"""


def _load(cache: Path, formula: str = FORMULA) -> dict:
    env = dict(os.environ, LANDSCAPE_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", LOAD, formula], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _entry(cache: Path, formula: str = FORMULA) -> Path:
    return cache / "kernels" / compiled.entry_name(canonical_key(formula))


@pytest.fixture
def cache(tmp_path) -> Path:
    root = tmp_path / "cache"
    result = _load(root)
    assert {k: result[k] for k in EXPECTED} == EXPECTED and not result["warnings"]
    return root


class _Boom:
    """Unpickling this runs ``os.system`` (what a planted Numba cache file would do)."""

    def __init__(self, canary: Path):
        self.canary = canary

    def __reduce__(self):
        return (os.system, (f"touch {self.canary}",))


def test_planted_pickle_in_numba_cache_is_never_loaded(cache, tmp_path):
    canary = tmp_path / "PWNED"
    entry = _entry(cache)
    files = sorted((entry / "__pycache__").glob("*.nb[ic]"))
    assert files, "Numba wrote no cache files"
    for f in files:
        f.write_bytes(pickle.dumps(_Boom(canary)))
    result = _load(cache)
    assert not canary.exists()
    assert {k: result[k] for k in EXPECTED} == EXPECTED
    # the planted files were replaced by Numba's own, signed again, and load as usual
    assert all(f.read_bytes() != pickle.dumps(_Boom(canary))
               for f in (entry / "__pycache__").glob("*.nb[ic]"))
    assert {k: _load(cache)[k] for k in EXPECTED} == EXPECTED


def test_forged_entry_with_recomputed_checksums_is_rebuilt(cache):
    """Another formula's kernels copied into the entry, with meta.json's SHA-256 recomputed:
    what a writer of the directory can do without the secret.  It used to return f = 6."""
    forged = _entry(cache)
    donor = _entry(cache, OTHER)
    _load(cache, OTHER)
    meta = json.loads((forged / "meta.json").read_text())
    for module in donor.glob("*.py"):
        text = module.read_text()
        (forged / module.name).write_text(text)
        meta["files"][module.stem] = compiled._sha(text)
    for f in (forged / "__pycache__").iterdir():
        f.unlink()
    for f in (donor / "__pycache__").iterdir():
        (forged / "__pycache__" / f.name.replace(donor.name, forged.name)).write_bytes(
            f.read_bytes())
    (forged / "meta.json").write_text(json.dumps(meta))
    result = _load(cache)
    assert {k: result[k] for k in EXPECTED} == EXPECTED
    assert compiled._read_meta(forged, _secret(cache))["files"] != meta["files"]


def _secret(cache: Path) -> bytes:
    return (cache / "key").read_bytes()


@pytest.mark.parametrize("where", ["root", "kernels"])
def test_cache_writable_by_others_is_not_used(cache, where):
    target = cache if where == "root" else cache / "kernels"
    os.chmod(target, 0o777)
    before = sorted(p.name for p in (cache / "kernels").iterdir())
    result = _load(cache, "x**2 + 3*y + 7")
    assert result["value"] == 11.0 and result["gradient"] == [2.0, 3.0]
    assert len(result["warnings"]) == 1  # said once
    assert "writable by group or others" in result["warnings"][0]
    assert "chmod go-w" in result["warnings"][0]
    assert not result["directory"].startswith(str(cache))
    assert sorted(p.name for p in (cache / "kernels").iterdir()) == before  # nothing written


def test_cache_owned_by_another_user_is_not_used(cache):
    if os.getuid() != 0:
        pytest.skip("changing a directory's owner needs root")
    os.chown(cache, 12345, 12345)
    result = _load(cache)
    assert {k: result[k] for k in EXPECTED} == EXPECTED
    assert len(result["warnings"]) == 1 and "owned by uid 12345" in result["warnings"][0]


def test_secret_readable_by_others_is_not_trusted(cache):
    os.chmod(cache / "key", 0o644)
    result = _load(cache)
    assert {k: result[k] for k in EXPECTED} == EXPECTED
    assert len(result["warnings"]) == 1 and "mode 600" in result["warnings"][0]


def test_entry_writable_by_group_is_rebuilt(cache):
    entry = _entry(cache)
    os.chmod(entry, 0o775)
    result = _load(cache)
    assert {k: result[k] for k in EXPECTED} == EXPECTED and not result["warnings"]
    assert entry.stat().st_mode & 0o077 == 0  # rebuilt private


def test_new_cache_is_private(tmp_path, monkeypatch):
    root = tmp_path / "fresh" / "cache"
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(root))
    monkeypatch.setattr(compiled, "_ROOTS", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        obj = Objective.parse("x**2 + 3*y")
        assert obj.value(np.array([1.0, 1.0])) == 4.0
    for path in (root, root / "kernels", obj.compiled.directory):
        assert path.stat().st_mode & 0o077 == 0
    assert (root / "key").stat().st_mode & 0o777 == 0o600


def test_cli_says_once_why_the_cache_is_not_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o775)
    env = dict(os.environ, LANDSCAPE_CACHE_DIR=str(shared), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "analysis.cli", "run", "x**2 + 3*y**2",
                           "--method", "gd", "--lr", "0.01", "--x0", "1,1", "--steps", "2",
                           "--json"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # GD with lr 0.01 on ∇f = (2x, 6y): x ← 0.98 x, y ← 0.94 y per step
    assert json.loads(proc.stdout)["x"] == pytest.approx([0.98**2, 0.94**2], rel=1e-15)
    lines = proc.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("landscape: note: the kernel cache is "
                                                       "not used")
    assert not (shared / "kernels").exists() or not any((shared / "kernels").iterdir())


def test_a_derivative_with_a_non_real_value_is_refused_with_a_project_error():
    """A fuzzed formula, ``min(x, (sign(x))**-1)``: its derivative holds ``zoo`` (1/sign(x)
    at 0), and printing its kernels raised SymPy's TypeError "Invalid comparison of
    non-real zoo" past the project's errors.  It is now an UnsupportedError that says so."""
    from landscape import Objective
    from landscape.codegen import generate_sources
    from landscape.errors import UnsupportedError

    obj = Objective.parse("min(x, (sign(x))**-1)")
    with pytest.raises(UnsupportedError, match="cannot generate kernel code: Invalid "
                                               "comparison of non-real zoo"):
        generate_sources(obj.expr, obj.variables, obj.gradient_list, obj.hessian_entries)
