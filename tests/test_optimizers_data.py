"""Finite-sum objectives: data loading, binding, minibatch SGD sampling."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from landscape.errors import InputError
from landscape.objective import Objective
from optimizers import bind_data, load_data, make_regression, minimize, minimize_batch
from optimizers.data import epoch_order

w, a = sp.symbols("w a", real=True)
w1, w2, x1, x2, yy = sp.symbols("w1 w2 x1 x2 y", real=True)

VALUES = np.array([3.0, -1.0, 7.5, 0.25, 4.0, -6.0, 2.0, 9.0, -2.5, 1.5])


@pytest.fixture(scope="module")
def mean_loss():
    """Per-sample loss ½(w − a)²: the objective is ½ mean((w − a)²)."""
    obj = Objective.from_expr((w - a) ** 2 / 2, [w], data=[a])
    return obj.compiled.with_data(VALUES.reshape(-1, 1))


@pytest.fixture(scope="module")
def regression():
    D, names, w_true = make_regression(200, 2, noise=0.1, seed=4)
    obj = Objective.from_expr((w1 * x1 + w2 * x2 - yy) ** 2 / 2, [w1, w2], data=[x1, x2, yy])
    return obj, D, names, w_true


def test_full_batch_value_is_the_mean_over_rows(mean_loss):
    res = minimize(mean_loss, [0.0], "bfgs")
    assert res.x[0] == pytest.approx(VALUES.mean(), abs=1e-9)
    assert res.fun == pytest.approx(0.5 * np.mean((VALUES - VALUES.mean()) ** 2))


def test_column_kernels_average_over_rows(regression):
    """fg_cols (the lock-step kernel) against the least-squares mean computed by NumPy."""
    obj, D, names, _ = regression
    c = bind_data(obj, D, names)
    W = np.ascontiguousarray(np.random.default_rng(5).normal(size=(2, 7)))
    F, G = np.full(7, np.nan), np.full((2, 7), np.nan)
    c.fg_cols(W, c.data, F, G)
    X, y = c.data[:, :2], c.data[:, 2]
    R = X @ W - y[:, None]  # residuals, one column per point
    np.testing.assert_allclose(F, 0.5 * np.mean(R**2, axis=0), rtol=1e-12)
    np.testing.assert_allclose(G, X.T @ R / len(y), rtol=1e-12, atol=1e-14)


def test_minibatch_visits_every_sample_once_per_epoch(mean_loss):
    """With batch_size 1 and lr 1 the step is w ← a_i: the path shows the sample order."""
    res = minimize(mean_loss, [0.0], "sgd", lr=1.0, batch_size=1, steps=30, seed=5,
                   record=True)
    visited = res.path[1:, 0]
    orders = []
    for e in range(3):
        chunk = visited[10 * e : 10 * e + 10]
        assert sorted(chunk) == sorted(VALUES)
        orders.append(tuple(chunk))
        np.testing.assert_array_equal(chunk, VALUES[epoch_order(5, 0, e, 10)])
    assert len(set(orders)) == 3  # a new permutation each epoch
    again = minimize(mean_loss, [0.0], "sgd", lr=1.0, batch_size=1, steps=30, seed=5,
                     record=True)
    np.testing.assert_array_equal(again.path, res.path)
    other = minimize(mean_loss, [0.0], "sgd", lr=1.0, batch_size=1, steps=30, seed=6,
                     record=True)
    assert not np.array_equal(other.path, res.path)
    assert len(res.epoch_fun) == 4
    np.testing.assert_allclose(res.epoch_fun[1], mean_loss.value(res.path[10]))


def test_minibatch_remainder_batch_and_batch_starts(mean_loss):
    """batch_size 4 over 10 rows: batches of 4, 4, 2; each start has its own order."""
    batch = minimize_batch(mean_loss, np.zeros((3, 1)), "sgd", lr=1.0, batch_size=4, steps=6,
                           seed=2, record=True)
    for s in range(3):
        for e in range(2):
            order = epoch_order(2, s, e, 10)
            means = [VALUES[order[:4]].mean(), VALUES[order[4:8]].mean(), VALUES[order[8:]].mean()]
            np.testing.assert_allclose(batch.path[s, 1 + 3 * e : 4 + 3 * e, 0], means,
                                       rtol=1e-14)
    assert not np.array_equal(batch.path[0], batch.path[1])


def test_minibatch_sgd_solves_regression(regression):
    obj, D, names, w_true = regression
    bound = bind_data(obj, D, names)
    ls = np.linalg.lstsq(D[:, :2], D[:, 2], rcond=None)[0]
    exact = minimize(bound, [0.0, 0.0], "lbfgs", gtol=1e-10)
    np.testing.assert_allclose(exact.x, ls, atol=1e-8)
    sgd = minimize(bound, [0.0, 0.0], "sgd", lr=0.05, batch_size=10, steps=2000,
                   schedule="inverse_time", gamma=0.01, average="polyak", average_start=1000)
    np.testing.assert_allclose(sgd.x_avg, ls, atol=0.02)
    np.testing.assert_allclose(w_true, ls, atol=0.05)
    stopped = minimize(bound, [0.0, 0.0], "adam", lr=0.05, batch_size=20, gtol=1e-3,
                       maxiter=20000, seed=1)
    assert stopped.status == "converged"
    assert stopped.nit % 10 == 0  # tested at epoch ends (10 batches per epoch)


def test_finite_sum_needs_data():
    obj = Objective.from_expr((w - a) ** 2, [w], data=[a])
    with pytest.raises(InputError, match="bind data"):
        minimize(obj, [0.0], "gd")
    with pytest.raises(InputError, match="exceeds"):
        minimize(obj.compiled.with_data(np.ones((3, 1))), [0.0], "sgd", batch_size=5)


def test_load_csv_and_npy(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,x2,y\n1,2,3\n4,5,6\n\n7,8,9\n")
    D, names = load_data(p)
    assert names == ["x1", "x2", "y"] and D.shape == (3, 3) and D.dtype == np.float64
    D2, names2 = load_data(p, columns=["y", "x1"])
    assert names2 == ["y", "x1"]
    np.testing.assert_array_equal(D2, D[:, [2, 0]])
    q = tmp_path / "d.npy"
    np.save(q, D)
    D3, names3 = load_data(q, names=["a", "b", "c"])
    np.testing.assert_array_equal(D3, D)
    assert names3 == ["a", "b", "c"]
    assert load_data(q)[1] == ["c0", "c1", "c2"]
    s = tmp_path / "s.npy"
    rec = np.zeros(2, dtype=[("u", "f8"), ("v", "i4")])
    rec["u"] = [1.5, 2.5]
    rec["v"] = [3, 4]
    np.save(s, rec)
    D4, names4 = load_data(s)
    assert names4 == ["u", "v"]
    np.testing.assert_array_equal(D4, [[1.5, 3], [2.5, 4]])


def test_load_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_data(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,x\n")
    with pytest.raises(InputError, match="line 2"):
        load_data(bad)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2,3\n")
    with pytest.raises(InputError, match="fields"):
        load_data(ragged)
    good = tmp_path / "g.csv"
    good.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not in the data"):
        load_data(good, columns=["c"])
    with pytest.raises(InputError, match="type"):
        load_data(tmp_path.joinpath("x.parquet").with_suffix(".parquet").touch() or
                  tmp_path / "x.parquet")


def test_bind_data_reorders_columns(regression):
    obj, D, names, _ = regression
    shuffled = D[:, [2, 0, 1]]
    bound = bind_data(obj, shuffled, [names[2], names[0], names[1]])
    np.testing.assert_array_equal(bound.data, D)
    with pytest.raises(InputError, match="columns"):
        bind_data(obj, D[:, :2])


def test_make_regression_shapes():
    D, names, wt = make_regression(50, 3, noise=0.0, seed=1)
    assert D.shape == (50, 4) and names == ["x1", "x2", "x3", "y"] and wt.shape == (3,)
    np.testing.assert_allclose(D[:, :3] @ wt, D[:, 3])
