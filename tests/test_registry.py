"""The method registry: every method one module with its spec, state and step; theory covers
every registered method; the compiled library's cache key follows every compiled source."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optimizers import _layout as L
from optimizers import registry
from optimizers.methods import METHODS, resolve

ROOT = Path(__file__).resolve().parents[1]


def test_every_registered_module_declares_a_spec_and_the_kernel_of_its_engine():
    assert list(METHODS) == [registry.module(m).SPEC.name for m in registry.MODULES]
    for name, spec in METHODS.items():
        mod = registry.spec_module(name)
        assert mod.__doc__ and len(mod.__doc__.strip().splitlines()) >= 3, name  # the formula
        if spec.engine == "lockstep":
            assert callable(mod.update), name
        if spec.engine == "per-start" or spec.per_start_when is not None:
            assert callable(mod.step), name
        assert spec.state is not None and spec.family in registry.families()


def test_every_method_declares_the_names_documents_print_and_no_two_share_one():
    labels = [spec.label for spec in METHODS.values()]
    assert all(labels) and all(spec.title for spec in METHODS.values())
    assert len({lab.lower() for lab in labels}) == len(labels)
    assert registry.label("lbfgs") == "L-BFGS" and registry.title("gd") == "gradient descent"
    assert registry.label("not-a-method") == "not-a-method"  # printed as given


def test_hyperparameters_have_one_slot_each_and_no_two_share_one():
    for name, spec in METHODS.items():
        slots = [h.slot for h in spec.hyper.values() if h.slot is not None]
        assert len(slots) == len(set(slots)), name
        assert all(0 <= s < L.NHP for s in slots), name
        # the driver needs a slot for everything but the run-level batch size
        assert all(h.slot is not None for h in spec.hyper.values()), name


def test_the_driver_writes_every_effective_hyperparameter_at_its_slot():
    from optimizers.driver import _hp_array

    spec, eff = resolve("adam", {"lr": 0.25, "beta2": 0.5, "amsgrad": True, "schedule": "step",
                                 "gamma": 0.3})
    hp = _hp_array(spec, eff)
    assert (hp[L.LR], hp[L.BETA2], hp[L.AMSGRAD], hp[L.GAMMA]) == (0.25, 0.5, 1.0, 0.3)
    assert hp[L.SCHEDULE] == L.SCHED_STEP and hp[L.BETA1] == 0.9
    assert hp[L.W_VECTORS] == 3  # m, v, v̂
    spec, eff = resolve("nesterov", {})
    assert _hp_array(spec, eff)[L.NESTEROV] == 1.0  # nesterov = momentum with the flag fixed
    spec, eff = resolve("adamw", {"weight_decay": 0.5})
    hp = _hp_array(spec, eff)
    assert (hp[L.WD_COUPLED], hp[L.WD_DECOUPLED]) == (0.0, 0.5)
    spec, eff = resolve("cg", {"variant": "linear"})
    assert _hp_array(spec, eff)[L.W_MATRICES] == 1 and spec.uses_hessian(eff)
    spec, eff = resolve("cg", {})
    assert _hp_array(spec, eff)[L.W_MATRICES] == 0 and not spec.uses_hessian(eff)
    spec, eff = resolve("coordinate", {"order": "random"})
    assert _hp_array(spec, eff)[L.STALL_TEST] == 0.0


def test_one_family_per_method_and_the_report_groups_read_them():
    from analysis.report import FIRST_ORDER_FAMILY

    assert METHODS["coordinate"].family == "coordinate"
    assert registry.names("quasi-newton") == ("bfgs", "lbfgs")
    assert set(FIRST_ORDER_FAMILY) == {
        n for n, s in METHODS.items() if s.family in ("first-order", "adaptive", "coordinate")}


def test_every_registered_method_has_a_theory_predictor_or_declares_none():
    """theory.predict answers for every method whose spec promises theory; on f = ½(x² + 4y²)
    the fixed-step first-order methods get the closed-form rate max|1 − η λᵢ|."""
    from analysis import theory

    lam = [1.0, 4.0]
    for name, spec in METHODS.items():
        hyper = spec.defaults
        if not spec.theory:
            continue
        pred = theory.predict(name, hyper, lam, hessian=np.diag(lam))
        assert isinstance(pred, theory.Prediction), name
        assert pred.kind, name
    for name in ("gd", "sgd"):
        pred = theory.predict(name, {"lr": 0.1}, lam)
        assert pred.rate == pytest.approx(max(abs(1 - 0.1 * v) for v in lam))


def test_spec_reading_imports_neither_numba_nor_numpy():
    code = ("import sys; from optimizers.registry import METHODS; "
            "assert METHODS['bfgs'].state.m.H == 0; "
            "print(sorted({'numba', 'llvmlite', 'numpy'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ cache key of the library
def _copy_sources(tmp_path: Path) -> Path:
    """The optimizers and landscape packages' sources, copied (no caches)."""
    for pkg in ("optimizers", "landscape"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg,
                        ignore=shutil.ignore_patterns("__pycache__", "*.nb*"))
    return tmp_path / "optimizers"


def test_cache_key_covers_method_modules_and_the_landscape_modules_they_import(tmp_path):
    from optimizers.engine import SOURCE_HASH, compiled_sources, source_hash

    pkg = _copy_sources(tmp_path)
    base = source_hash(pkg)
    assert base == SOURCE_HASH  # the copy hashes as the installed package does
    names = {str(p.relative_to(tmp_path)) for p in compiled_sources(pkg)}
    assert {"optimizers/algorithms/bfgs.py", "optimizers/engine.py", "landscape/linalg.py",
            "landscape/jit.py", "landscape/kernel_types.py"} <= names
    assert "landscape/parse.py" not in names  # not imported by the compiled library

    bfgs = pkg / "algorithms" / "bfgs.py"
    bfgs.write_text(bfgs.read_text().replace("SKIP = 1e-10", "SKIP = 1e-11"))
    edited = source_hash(pkg)
    assert edited != base

    (pkg / "algorithms" / "newmethod.py").write_text('"""A new method."""\n')
    added = source_hash(pkg)
    assert added not in (base, edited)

    linalg = tmp_path / "landscape" / "linalg.py"
    linalg.write_text(linalg.read_text() + "\n")
    assert source_hash(pkg) != added
