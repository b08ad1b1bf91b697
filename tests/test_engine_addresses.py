"""What a call of the compiled library costs besides the work: the functions it passes are
resolved to addresses once per dispatcher, and the library's cache key reads the sources'
import statements without parsing them."""

from __future__ import annotations

import ast
from pathlib import Path

import numba.experimental.function_type as ft
import numpy as np
import pytest

from landscape.objective import Objective
from optimizers import engine, minimize, minimize_batch

ROOT = Path(engine.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rosen():
    return Objective.parse("100*(y - x**2)**2 + (1 - x)**2")


def _counting(monkeypatch) -> list[int]:
    """Count the calls of Numba's address look-up of a first-class function (called by Numba
    when a dispatcher is passed as an argument, by :func:`engine.addresses` on a miss)."""
    calls = [0]
    real = ft._get_wrapper_address

    def counted(func, sig):
        calls[0] += 1
        return real(func, sig)

    monkeypatch.setattr(ft, "_get_wrapper_address", counted)
    monkeypatch.setattr(engine, "_get_wrapper_address", counted, raising=False)
    return calls


@pytest.mark.parametrize("method, kw", [("bfgs", {}), ("gd", {"steps": 5, "lr": 1e-3})])
def test_a_repeated_run_looks_up_no_function_address(rosen, monkeypatch, method, kw):
    minimize(rosen, [-1.2, 1.0], method, **kw)  # library, step and kernels loaded
    calls = _counting(monkeypatch)
    a = minimize_batch(rosen, [[-1.2, 1.0], [0.5, 0.5]], method, **kw)
    b = minimize_batch(rosen, [[-1.2, 1.0], [0.5, 0.5]], method, **kw)
    assert calls[0] == 0
    np.testing.assert_array_equal(a.x, b.x)


def test_addresses_are_those_numba_derives(rosen):
    """The scheduler rebuilds each first-class function value from the two addresses Numba
    itself stores in one (its C wrapper, its compiled function), derived once."""
    fg = rosen.compiled.fg
    got = engine.addresses([(fg, engine.FG_TYPE), (engine.no_hessian, engine.H_TYPE)])
    sig_fg, sig_h = engine.FG_TYPE.signature, engine.H_TYPE.signature
    want = [ft._get_wrapper_address(fg, sig_fg), ft._get_jit_address(fg, sig_fg),
            ft._get_wrapper_address(engine.no_hessian, sig_h),
            ft._get_jit_address(engine.no_hessian, sig_h)]
    assert got.tolist() == want and all(v > 0 for v in want)


def _ast_imports(path: Path, package: str) -> set[str]:
    """The same question answered by parsing (the reader the regular expressions replaced)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.split(".")[0] in ("optimizers", "landscape")}


def test_import_reader_agrees_with_the_parser_on_every_package_file():
    files = sorted([*ROOT.joinpath("optimizers").rglob("*.py"),
                    *ROOT.joinpath("landscape").rglob("*.py")])
    assert len(files) > 30
    for path in files:
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        package = ".".join(parts if rel.name == "__init__" else parts[:-1])
        assert engine._imports(path, package) == _ast_imports(path, package), path


def test_import_reader_reads_every_form(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        '"""Doc."""\n'
        "from __future__ import annotations\n"
        "import numba.core as nc, landscape.jit\n"
        "from . import _layout as L\n"
        "from ..landscape.kernel_types import (  # the types\n"
        "    F_TYPE,\n"
        "    FG_TYPE as G,  # a comment\n"
        ")\n"
        "def f():\n"
        "    from optimizers.linesearch import line_step\n"
    )
    got = engine._imports(src, "optimizers.algorithms")
    assert got == _ast_imports(src, "optimizers.algorithms")
    assert {"landscape.jit", "optimizers.algorithms._layout", "optimizers.landscape.kernel_types",
            "optimizers.landscape.kernel_types.FG_TYPE",
            "optimizers.linesearch.line_step"} <= got
    assert engine._uses_numba(src)
    src.write_text("import numpy as np\n")
    assert not engine._uses_numba(src)


def test_the_address_cache_keeps_no_kernel_alive():
    import gc
    import weakref

    from numba import njit

    from landscape.kernel_types import FG_SIG

    def fg(x, D, g):
        g[0] = 2.0 * x[0]
        return x[0] * x[0]

    disp = njit(FG_SIG)(fg)
    assert engine.addresses([(disp, engine.FG_TYPE)])[0] > 0
    ref = weakref.ref(disp)
    del disp
    gc.collect()
    assert ref() is None
