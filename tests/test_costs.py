"""Unbounded work (issue findings 9, 10 and 11): every such request now either finishes within
a stated memory bound or is refused within 5 s with exit 2, saying what is too large and what
to do instead (:mod:`landscape.cost`).

Expected values are independent of the code under test: closed forms of the product
``f = Π (1 + x_i²)`` (∂f/∂x_j = 2x_j f/(1 + x_j²), ∂²f/∂x_j∂x_k = 4x_j x_k f/((1 + x_j²)(1 +
x_k²)) for j ≠ k, ∂²f/∂x_j² = 2f/(1 + x_j²)), gradient descent replayed in NumPy, the
straight-line kernels from SymPy's full derivatives (``loops=False``), and byte counts written
out by hand.  Peak memory of a command is ``ru_maxrss`` of a wrapper's only child, and its
time the child's CPU time (user + system: wall-clock time on a shared machine measures the
other processes too).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from landscape.codegen import generate_sources
from landscape.compiled import FIRST_KINDS, store
from landscape.convexity import _spectra
from landscape.cost import TooLarge, kernel_cost
from landscape.objective import Objective
from optimizers.driver import run_memory

PRODUCT = "prod(1 + x[i]**2, i, 1, n)"

_WRAPPER = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": p.returncode, "out": p.stdout, "err": p.stderr,
                      "seconds": time.perf_counter() - t, "cpu": u.ru_utime + u.ru_stime,
                      "peak_mb": u.ru_maxrss / 1024}))
""")


def landscape(tmp_path: Path, *argv: str, env: dict | None = None) -> dict:
    """Run the command line in a fresh kernel cache: exit code, output, seconds, peak MB."""
    full = {**os.environ, "LANDSCAPE_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    cmd = [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "analysis.cli", *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full, timeout=600)
    return json.loads(proc.stdout)


def _entries(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "cache" / "kernels").iterdir() if not p.name.startswith(".")]


def _product(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """f, ∇f, ∇²f of Π (1 + x_i²) in closed form."""
    u = 1 + x**2
    f = float(np.prod(u))
    g = 2 * x * f / u
    H = 4 * np.outer(x, x) * f / np.outer(u, u)
    np.fill_diagonal(H, 2 * f / u)
    return f, g, H


# ------------------------------------------------------------------- finding 9: products, Hessian
def test_finding9_gd_on_a_product_of_100_factors_derives_no_hessian(tmp_path):
    n, lr, steps = 100, 1e-3, 5
    x0 = np.linspace(-0.3, 0.3, n)
    start = ",".join(repr(float(v)) for v in x0)
    r = landscape(tmp_path, "run", PRODUCT, "--dim", str(n), "--method", "gd", "--steps",
                  str(steps), "--lr", str(lr), "--x0", start, "--json")
    assert r["rc"] == 0, r["err"]
    assert r["peak_mb"] < 600, r  # measured 220 MB (was > 300 s, killed)
    x = x0.copy()
    for _ in range(steps):  # gradient descent replayed with the closed-form gradient
        x = x - lr * _product(x)[1]
    got = json.loads(r["out"])
    np.testing.assert_allclose(got["x"], x, rtol=1e-12, atol=1e-15)
    # no Hessian kernel was generated: one entry, without h.py
    (entry,) = _entries(tmp_path)
    assert not (entry / "h.py").exists() and (entry / "fg.py").exists()


def test_finding9_newton_builds_the_hessian_on_demand_from_a_cached_entry(tmp_path):
    n = 40
    x0 = np.linspace(-0.3, 0.2, n)
    argv = ("run", PRODUCT, "--dim", str(n), "--x0", ",".join(repr(float(v)) for v in x0), "--json",
            "--steps", "1")
    first = landscape(tmp_path, *argv, "--method", "gd")
    assert first["rc"] == 0, first["err"]
    r = landscape(tmp_path, *argv, "--method", "newton", "--line-search", "none",
                  "--modification", "none")
    assert r["rc"] == 0, r["err"]
    _, g, H = _product(x0)
    expected = x0 - np.linalg.solve(H, g)  # one plain Newton step from the closed forms
    np.testing.assert_allclose(json.loads(r["out"])["x"], expected, rtol=1e-9, atol=1e-12)
    assert len(_entries(tmp_path)) == 2  # the main entry and the Hessian's own


@pytest.mark.parametrize("text", [PRODUCT, "3*prod(1 + x[i]*x[i+1], i, 1, n-1) - x[2]",
                                  "prod(cos(x[2*i]) + x[2*i-1]/2, i, 1, n//2)/7"])
def test_finding9_product_loops_match_straight_line_kernels(text):
    obj = Objective.parse(text, dim=12)
    kernels = {}
    for loops in (True, False):
        src = generate_sources(obj.expr, obj.variables, lambda: obj.gradient_list,
                               lambda: obj.hessian_entries, loops=loops)
        blob = "".join(src[k] for k in sorted(src))
        key = "test-costs:" + hashlib.sha256(blob.encode()).hexdigest()
        kernels[loops] = store(key, src, variables=obj.names)
    rng = np.random.default_rng(3)
    X = rng.uniform(-1.2, 1.2, (12, 5))
    for c in kernels.values():
        assert c.h is not None
    loop, flat = kernels[True], kernels[False]
    for x in X.T:
        np.testing.assert_allclose(loop.value(x), flat.value(x), rtol=1e-13)
        np.testing.assert_allclose(loop.gradient(x), flat.gradient(x), rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(loop.hessian(x), flat.hessian(x), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(loop.values(X.T), flat.values(X.T), rtol=1e-13)
    np.testing.assert_allclose(loop.gradients(X.T), flat.gradients(X.T), rtol=1e-12,
                               atol=1e-13)
    if text == PRODUCT:
        x = X[:, 0]
        f, g, H = _product(x)
        np.testing.assert_allclose(loop.value(x), f, rtol=1e-13)
        np.testing.assert_allclose(loop.gradient(x), g, rtol=1e-12)
        np.testing.assert_allclose(loop.hessian(x), H, rtol=1e-12)


def test_finding9_product_kernels_do_not_grow_with_n():
    sizes = []
    for n in (20, 2000):
        obj = Objective.parse(PRODUCT, dim=n)
        sizes.append(sum(map(len, obj.kernel_sources(FIRST_KINDS + ("h",)).values())))
    assert sizes[1] - sizes[0] < 100  # only the loop bounds' digits differ


# ------------------------------------------------------------------- finding 9: n = 10⁴
def test_finding9_x1_squared_in_10000_variables_has_kernels_of_a_few_lines():
    obj = Objective.parse("x[1]**2", dim=10_000)
    sources = obj.kernel_sources(FIRST_KINDS)
    assert max(map(len, sources.values())) < 1500  # was 200-550 KB of straight-line code
    for src in sources.values():
        assert "x[1]" not in src and "[9999" not in src  # only x[0] is read or written


def test_finding9_bfgs_in_10000_variables_runs_within_its_matrix(tmp_path):
    r = landscape(tmp_path, "run", "x[1]**2", "--dim", "10000", "--method", "bfgs", "--json",
                  "--x0", ",".join(["0.5"] * 10_000))
    assert r["rc"] == 0, r["err"]
    # the dense inverse Hessian is 10⁸ doubles = 800 MB: the stated bound is that plus 400 MB
    assert r["peak_mb"] < 1200, r
    res = json.loads(r["out"])
    assert abs(res["x"][0]) < 1e-6 and res["x"][1:] == [0.5] * 9999


def test_finding9_newton_in_10000_variables_is_refused_with_advice(tmp_path):
    r = landscape(tmp_path, "run", "x[1]**2", "--dim", "10000", "--method", "newton")
    assert r["rc"] == 2 and r["cpu"] < 5, r
    err = r["err"].strip()
    assert len(err.splitlines()) == 1 and "lbfgs" in err and "LANDSCAPE_MEMORY_LIMIT" in err
    assert "needs 2.24 GiB" in err  # 3 matrices of 10⁸ doubles + vectors: 2,400,960,000 bytes


def test_finding9_memory_limit_is_raised_by_its_variable(tmp_path):
    small = {"LANDSCAPE_MEMORY_LIMIT": "100M"}
    r = landscape(tmp_path, "run", "x[1]**2", "--dim", "5000", "--method", "bfgs", env=small)
    assert r["rc"] == 2 and "bfgs keeps dense n × n matrices; use lbfgs" in r["err"], r
    r = landscape(tmp_path, "run", "x[1]**2", "--dim", "5000", "--method", "lbfgs", env=small)
    assert r["rc"] == 0, r["err"]


def test_run_memory_counts_each_part():
    # bfgs, one start, n = 10⁴: one chunk holding one n × n matrix, the engine's 7 n-vectors
    # and BFGS's 4 (d, s, y, Hy)
    parts = run_memory("bfgs", {}, 10_000, 1, 1000, False, single=True)
    assert parts["workspace"] == (10_000**2 + 11 * 10_000) * 8
    assert parts["starts"] == 10_000 * 8 and parts["results"] == (3 * 10_000 + 12) * 8
    # lbfgs keeps no matrix: memory m of s and y pairs
    parts = run_memory("lbfgs", {"memory": 7}, 100, 1, 10, False, single=True)
    assert parts["workspace"] == ((7 + 1 + 2 * 7) * 100 + 2 * 7) * 8  # + d; S, Y; ρ, α
    # a recorded batch: N (K + 1) (n + 2) doubles
    parts = run_memory("gd", {}, 3, 50, 99, True)
    assert parts["trajectory"] == 50 * 100 * 5 * 8


def test_finding4_large_trajectories_are_estimated_as_strided():
    """1000 starts × 200,001 iterates × 4 doubles would be 5.96 GiB; the engine keeps every
    s-th iterate so that all trajectories fit in RECORD_LIMIT_BYTES (2e8 bytes): s = ⌈200001 /
    ⌊2e8 / (1000·4·8)⌋⌉ = 33 and ⌊200000 / 33⌋ + 1 = 6061 rows a start, and the estimate is
    that, not the unstrided size."""
    from optimizers.driver import RECORD_LIMIT_BYTES, record_stride

    assert record_stride(200_000, 1000, 2, True) == (33, 6061)
    parts = run_memory("gd", {}, 2, 1000, 200_000, True)
    assert parts["trajectory"] == 1000 * 6061 * 4 * 8 <= RECORD_LIMIT_BYTES
    # L-BFGS stores at most K pairs whatever --memory says (the iterates are the same)
    parts = run_memory("lbfgs", {"memory": 10**12}, 2, 1, 50, False, single=True)
    assert parts["workspace"] == ((7 + 1 + 2 * 50) * 2 + 2 * 50) * 8


# ------------------------------------------------------------------- finding 9: kernel size
def test_finding9_400_conditionals_are_refused_in_seconds(tmp_path):
    # 100 of the 400 terms already exceed the limit (400 took 333 s and 5.4 GB; 100 took 23 s
    # and 0.5 GB to compile); fewer terms keep the parser's own 1 s guard out of the way
    r = landscape(tmp_path, "run", "sum(x if x < i else y, i, 1, 100)", "--method", "gd",
                  "--steps", "3")
    assert r["rc"] == 2 and r["cpu"] < 5, r
    err = r["err"].strip()
    assert len(err.splitlines()) == 1
    assert "100 conditionals" in err and "LANDSCAPE_BRANCH_LIMIT" in err
    assert "about 300 conditional branches" in err  # 100 in f, 100 in each partial derivative


def test_finding9_50_conditionals_compile_within_bounds(tmp_path):
    r = landscape(tmp_path, "run", "sum(x if x < i else y, i, 1, 50)", "--method", "gd",
                  "--steps", "1", "--x0", "10.5,2", "--lr", "0.1", "--json")
    assert r["rc"] == 0, r["err"]
    assert r["peak_mb"] < 600, r  # measured 280 MB
    # x = 10.5 is below i for i = 11 … 50 and above it for i = 1 … 10: f = 40 x + 10 y,
    # ∇f = (40, 10); one step of lr 0.1 gives (6.5, 1)
    assert json.loads(r["out"])["x"] == pytest.approx([6.5, 1.0], abs=1e-12)


def test_finding9_long_straight_line_kernel_is_refused_in_seconds(tmp_path):
    # coefficients that change with i make n different terms (no loop): compiling them took
    # 560 s at n = 1000 (the parser's own 1 s guard may refuse n = 1000 on a busy machine)
    r = landscape(tmp_path, "run", "sum(i*x[i]**2, i, 1, n)", "--dim", "500", "--method",
                  "lbfgs")
    assert r["rc"] == 2 and r["cpu"] < 5, r
    assert "operations" in r["err"] and "LANDSCAPE_KERNEL_LIMIT" in r["err"]
    r = landscape(tmp_path, "run", "sum(i*x[i]**2, i, 1, n)", "--dim", "500", "--method",
                  "lbfgs", env={"LANDSCAPE_KERNEL_LIMIT": "x"})
    assert r["rc"] == 2 and "LANDSCAPE_KERNEL_LIMIT='x' must be a positive number" in r["err"]


def test_kernel_cost_counts_terms_factors_and_conditionals():
    obj = Objective.parse("sum(x if x < i else y, i, 1, 100)")
    c = kernel_cost(obj.expr, obj.variables)
    assert (c.n, c.terms, c.conditionals, c.branches) == (2, 100, 100, 300)
    obj = Objective.parse("x[1]*prod(1 + x[i]**2, i, 1, n)", dim=100)
    c = obj.kernel_cost
    assert c.factors == 101 and c.loops == 0  # x[1] times the product: straight-line
    with pytest.raises(TooLarge, match="factors in products"):
        obj.kernel_sources(FIRST_KINDS)
    c = Objective.parse(PRODUCT, dim=100).kernel_cost
    assert c.loops == 100 and c.f_ops + c.gradient_ops < 20


# ------------------------------------------------------------------- finding 10: spectra
def test_finding10_spectra_memory_is_per_point():
    n, points = 300, 40
    # H = diag(1, 2, …, 2, 12): extremes 1 and 12 with unit vectors e_1 and e_n
    obj = Objective.parse("sum(x[i]**2, i, 1, n) - x[1]**2/2 + 5*x[n]**2", dim=n)
    X = np.random.default_rng(0).uniform(-1, 1, (points, n))
    assert obj.compiled.h is not None  # compiled first: only the spectra's arrays are measured
    tracemalloc.start()
    spectra = _spectra(obj, X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # all matrices at once would be 2 · 40 · 300² doubles = 57.6 MB; per point: the (n, n)
    # buffer, eigh's output and workspace, and 2 · 40 · 301 doubles of results
    assert peak < 8e6, peak
    np.testing.assert_allclose(spectra.mins, 1.0)
    np.testing.assert_allclose(spectra.maxs, 12.0)
    np.testing.assert_allclose(np.abs(spectra.vec_min[:, 0]), 1.0)
    np.testing.assert_allclose(np.abs(spectra.vec_max[:, -1]), 1.0)


def test_finding10_analyze_in_150_variables_within_memory(tmp_path):
    r = landscape(tmp_path, "analyze", "sum(x[i]**2, i, 1, n)", "--dim", "150", "--json")
    assert r["rc"] == 0, r["err"]
    assert r["peak_mb"] < 800, r  # was 3.1 GB; measured 357 MB
    conv = json.loads(r["out"])["convexity"]
    assert conv["verdict"] == "convex" and conv["mu"] == pytest.approx(2.0)


def test_finding10_analyze_in_300_variables_is_refused_with_the_estimate(tmp_path):
    r = landscape(tmp_path, "analyze", "sum(x[i]**2, i, 1, n)", "--dim", "300")
    assert r["rc"] == 2 and r["cpu"] < 5, r  # was a MemoryError, then over 20 minutes
    err = r["err"].strip()
    # 60 000 starts (200 per variable) times one 300 × 300 factorisation each, counts written
    # with their thousands set apart by a space as the documents write them
    assert "1 620 000 000 000 operations" in err and "LANDSCAPE_WORK_LIMIT" in err
    assert "Newton from 60 000 starts" in err and "60 000 starts × n³" in err
    assert not re.search(r"\d,\d{3}", err), err
    r = landscape(tmp_path, "analyze", "sum(x[i]**2, i, 1, n)", "--dim", "300",
                  env={"LANDSCAPE_WORK_LIMIT": "1e13", "LANDSCAPE_MEMORY_LIMIT": "1M"})
    # 3·60,000·300 + 200·902 + 3·300² doubles = 435,603,200 bytes
    assert r["rc"] == 2 and "needs 415 MiB" in r["err"], r


# ------------------------------------------------------------------- finding 11: data columns
def _wide_csv(path: Path, columns: int, rows: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    a = rng.standard_normal(rows)
    b = 1.5 * a + 0.1 * rng.standard_normal(rows)
    D = np.column_stack([a, b, rng.standard_normal((rows, columns - 2))])
    names = ["a", "b"] + [f"c{i}" for i in range(columns - 2)]
    np.savetxt(path, D, delimiter=",", header=",".join(names), comments="", fmt="%.17g")
    return a, b


@pytest.mark.parametrize("columns", [1000, 5000])
def test_finding11_csv_binds_only_the_columns_the_formula_names(tmp_path, columns):
    a, b = _wide_csv(tmp_path / "wide.csv", columns)
    r = landscape(tmp_path, "run", "(w*a - b)**2", "--data", str(tmp_path / "wide.csv"),
                  "--method", "lbfgs", "--x0", "0", "--json", "--gtol", "1e-12")
    assert r["rc"] == 0, r["err"]
    assert r["seconds"] < 60 and r["peak_mb"] < 800, r  # was 166 s (1000) and > 300 s (5000)
    w_star = float(a @ b / (a @ a))  # least squares in closed form
    assert json.loads(r["out"])["x"][0] == pytest.approx(w_star, rel=1e-9)
    (entry,) = _entries(tmp_path)
    assert json.loads((entry / "meta.json").read_text())["data"] == ["a", "b"]


def test_finding11_data_of_which_no_column_is_used_is_refused(tmp_path):
    _wide_csv(tmp_path / "wide.csv", 10)
    r = landscape(tmp_path, "run", "(w - 1)**2", "--data", str(tmp_path / "wide.csv"),
                  "--method", "gd")
    assert r["rc"] == 2 and "uses none of the 10 data columns (a, b, c0, c1, c2, …)" in r["err"]
