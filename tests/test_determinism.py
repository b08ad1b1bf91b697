"""Same seed, same results: across runs, across thread counts, and through the CLI.

(The driver's own test covers sgd with noise and bfgs with 1 vs 2 threads on a smooth
function; here: minibatch sgd on a finite sum, adam with noise, momentum with noise, a start
alone vs inside a batch, different seeds differ, and the command line end to end.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest
import sympy as sp

from landscape import Objective
from optimizers import minimize, minimize_batch

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("x", "fun", "jac", "nit", "nfev", "status")

w1, w2, a, b, t = sp.symbols("w1 w2 a b t", real=True)
x, y = sp.symbols("x y", real=True)


@pytest.fixture(scope="module")
def regression():
    """Least squares over 64 rows: mean of (w1·a + w2·b − t)²/2 (a finite sum)."""
    obj = Objective.from_expr((w1 * a + w2 * b - t) ** 2 / 2, [w1, w2], data=[a, b, t])
    rng = np.random.default_rng(3)
    A = rng.normal(size=(64, 2))
    T = A @ np.array([1.5, -0.5]) + 0.1 * rng.normal(size=64)
    return obj.compiled.with_data(np.column_stack([A, T]))


@pytest.fixture(scope="module")
def smooth():
    return Objective.from_expr(x**2 / 2 + 2 * y**2 + sp.sin(x * y)).compiled


def _starts(n: int, count: int = 600) -> np.ndarray:
    return np.random.default_rng(7).uniform(-3, 3, (count, n))


def _runs(regression, smooth, seed: int) -> dict:
    return {
        "minibatch": minimize_batch(regression, _starts(2), "sgd", lr=0.05, batch_size=8,
                                    steps=40, seed=seed),
        "adam-noise": minimize_batch(smooth, _starts(2), "adam", lr=0.05, noise=0.5,
                                     steps=50, seed=seed),
        "momentum-noise": minimize_batch(smooth, _starts(2), "momentum", lr=0.05,
                                         momentum=0.9, noise=0.2, steps=50, seed=seed),
        "lbfgs": minimize_batch(smooth, _starts(2, 200), "lbfgs", maxiter=100, seed=seed),
    }


def _assert_identical(r1: dict, r2: dict) -> None:
    for name in r1:
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(r1[name], f), getattr(r2[name], f),
                                          err_msg=f"{name}.{f}")


def test_same_seed_same_results_across_runs_and_thread_counts(regression, smooth):
    before = numba.get_num_threads()
    two = min(2, numba.config.NUMBA_NUM_THREADS)
    try:
        numba.set_num_threads(1)
        one_a = _runs(regression, smooth, seed=42)
        one_b = _runs(regression, smooth, seed=42)
        numba.set_num_threads(two)
        two_a = _runs(regression, smooth, seed=42)
    finally:
        numba.set_num_threads(before)
    _assert_identical(one_a, one_b)
    _assert_identical(one_a, two_a)
    # The stochastic runs really are stochastic: another seed gives other iterates.
    other = _runs(regression, smooth, seed=43)
    for name in ("minibatch", "adam-noise", "momentum-noise"):
        assert not np.array_equal(other[name].x, one_a[name].x), name
    np.testing.assert_array_equal(other["lbfgs"].x, one_a["lbfgs"].x)  # deterministic method


def test_results_do_not_depend_on_batch_size_or_api(smooth):
    X0 = _starts(2, 50)
    batch = minimize_batch(smooth, X0, "sgd", lr=0.05, noise=0.5, steps=30, seed=9)
    prefix = minimize_batch(smooth, X0[:10], "sgd", lr=0.05, noise=0.5, steps=30, seed=9)
    np.testing.assert_array_equal(prefix.x, batch.x[:10])  # start i owns the stream (seed, i)
    single = minimize(smooth, X0[0], "sgd", lr=0.05, noise=0.5, steps=30, seed=9)
    np.testing.assert_array_equal(single.x, batch.x[0])
    assert not np.array_equal(batch.x[0], batch.x[1])


def _cli(*args: str, threads: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NUMBA_NUM_THREADS=threads)
    return subprocess.run([sys.executable, "-m", "analysis.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, timeout=300)


def test_cli_same_seed_gives_byte_identical_json():
    args = ["run", "x**2/2 + 2*y**2 + sin(x*y)", "--method", "sgd", "--lr", "0.05",
            "--noise", "0.3", "--steps", "25", "--starts", "300", "--seed", "123", "--json"]
    # Twice with one thread, once with two: byte-identical output.
    first = _cli(*args, threads="1")
    second = _cli(*args, threads="1")
    other = _cli(*args, threads="2")
    for proc in (first, second, other):
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert first.stdout == second.stdout == other.stdout
    assert b'"n_starts": 300' in first.stdout
    changed = _cli(*[v if v != "123" else "124" for v in args], threads="2")
    assert changed.returncode == 0 and changed.stdout != first.stdout
