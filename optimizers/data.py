"""Data for finite-sum objectives: loading, binding, and a synthetic regression generator.

A finite-sum objective is an :class:`~landscape.objective.Objective` whose ``data_symbols``
name columns of a data matrix (rows = samples); its value is the mean of the per-sample
expression over the rows, which the compiled kernels compute when given the matrix.  Bind the
matrix with ``obj.compiled.with_data(D)`` (columns in ``data_symbols`` order) or with
:func:`bind_data`, which reorders named columns.

Minibatch SGD (``batch_size`` on any stochastic first-order method) visits the rows in a new
random order each epoch — without replacement, each row exactly once per epoch, the last
batch of an epoch holding the remainder — drawn from the start's own stream: start i of epoch
e uses :func:`optimizers.rng.epoch_permutation` ``(seed, i, e)``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from landscape.errors import InputError

from .rng import epoch_permutation

__all__ = ["bind_data", "epoch_order", "load_data", "make_regression"]


def _select(D: np.ndarray, names: list[str], columns: Sequence[str] | None):
    if columns is None:
        return np.ascontiguousarray(D, dtype=np.float64), names
    idx = []
    for c in columns:
        if c not in names:
            raise InputError(f"column {c!r} not in the data (columns: {', '.join(names)})")
        idx.append(names.index(c))
    return np.ascontiguousarray(D[:, idx], dtype=np.float64), [names[i] for i in idx]


def load_data(
    path: str | Path,
    columns: Sequence[str] | None = None,
    *,
    names: Sequence[str] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Read a data matrix (float64, rows = samples) and its column names.

    * ``.csv``: the first row holds the column names, the others numbers (comma-separated).
    * ``.npy``: a structured array (names from its fields) or a 2-D array whose names are
      ``names`` (default ``c0, c1, …``).

    ``columns`` selects and orders columns by name.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"data file {str(p)!r} does not exist")
    suffix = p.suffix.lower()
    if suffix == ".npy":
        try:
            arr = np.load(p, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read {str(p)!r} as .npy: {exc}") from None
        if arr.dtype.names:
            cols = list(arr.dtype.names)
            D = np.column_stack([_real_column(arr[c], p, c) for c in cols])
        else:
            D = _real_column(arr, p)
            if D.ndim == 1:
                D = D.reshape(-1, 1)
            if D.ndim != 2:
                raise InputError(f"{str(p)!r} must hold a 2-D array, got shape {D.shape}")
            cols = list(names) if names is not None else [f"c{i}" for i in range(D.shape[1])]
            if len(cols) != D.shape[1]:
                raise InputError(f"{len(cols)} names for {D.shape[1]} columns in {str(p)!r}")
    elif suffix in (".csv", ".txt"):
        try:
            header, rows = _read_csv(p)
        except UnicodeDecodeError as exc:
            raise InputError(f"{str(p)!r} is not a text CSV file (byte {exc.start} is not "
                             "UTF-8)") from None
        except csv.Error as exc:
            raise InputError(f"{str(p)!r} is not a readable CSV file: {exc}") from None
        cols = header
        D = np.array(rows, dtype=np.float64).reshape(len(rows), len(header))
    else:
        raise InputError(f"unsupported data file type {suffix!r} (use .csv or .npy)")
    if len(set(cols)) != len(cols):
        raise InputError(f"duplicate column names in {str(p)!r}")
    if D.shape[0] == 0:
        raise InputError(f"{str(p)!r} holds no data rows (only column names)")
    return _select(D, cols, columns)


#: longest CSV field (a column name or a number) in characters
CSV_FIELD_LIMIT = 1000


def _read_csv(p: Path) -> tuple[list[str], list[list[float]]]:
    """Header and rows of a UTF-8 CSV file whose fields are at most CSV_FIELD_LIMIT long."""
    old = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                raise InputError(f"{str(p)!r} is empty") from None
            rows = []
            for lineno, row in enumerate(reader, start=2):
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise InputError(f"{str(p)!r} line {lineno}: {len(row)} fields, "
                                     f"header has {len(header)}")
                try:
                    rows.append([float(c) for c in row])
                except ValueError:
                    shown = ", ".join(c[:20] for c in row[:8])
                    raise InputError(f"{str(p)!r} line {lineno}: not a number in "
                                     f"[{shown}]") from None
    finally:
        csv.field_size_limit(old)
    return header, rows


def _real_column(arr: np.ndarray, p: Path, name: str | None = None) -> np.ndarray:
    """``arr`` as float64, refusing what does not convert exactly: strings, objects, and
    complex numbers (whose imaginary parts would be dropped)."""
    where = f"{str(p)!r}" + (f" column {name!r}" if name else "")
    kind = arr.dtype.kind
    if kind == "c":
        raise InputError(f"{where} holds complex numbers; the data must be real (give the "
                         "real and imaginary parts as two columns)")
    if kind not in "biuf":
        raise InputError(f"{where} holds {arr.dtype} values, not numbers")
    return np.asarray(arr, dtype=np.float64)


def formula_columns(
    D: np.ndarray, names: Sequence[str], text: str
) -> tuple[np.ndarray, list[str]]:
    """The columns of ``D`` (named ``names``) that the formula ``text`` mentions, in their
    order: a column the formula does not use would only make every kernel longer (each data
    column is a symbol bound in every kernel).  Refuses data of which no column is used."""
    from landscape.parse import names_in

    used = names_in(text)
    keep = [c for c in names if c in used]
    if not keep:
        shown = ", ".join(list(names)[:5]) + (", …" if len(names) > 5 else "")
        raise InputError(f"the formula uses none of the {len(names)} data columns ({shown}); "
                         "name the columns in the formula or drop --data")
    return _select(D, list(names), keep)


def bind_data(obj: Any, data: Any, names: Sequence[str] | None = None):
    """The objective's compiled kernels bound to ``data``, columns matched by name.

    ``names`` are the columns of ``data``; the objective's data symbols pick theirs in order.
    Without ``names`` the columns must already be in ``data_symbols`` order.
    """
    compiled = getattr(obj, "compiled", obj)
    D = np.asarray(data, dtype=np.float64)
    if D.ndim != 2:
        raise InputError(f"data must be a 2-D table, got shape {D.shape}")
    want = list(compiled.data_names)
    if not want:
        raise InputError("this objective has no data symbols to bind")
    if names is not None:
        names = list(names)
        if len(names) != D.shape[1]:
            raise InputError(f"{len(names)} names for {D.shape[1]} data columns")
        D, _ = _select(D, names, want)
    elif D.shape[1] != len(want):
        raise InputError(f"data has {D.shape[1]} columns, the objective needs {len(want)} "
                         f"({', '.join(want)})")
    if not np.all(np.isfinite(D)):
        raise InputError("data must be finite numbers")
    return compiled.with_data(np.ascontiguousarray(D))


def make_regression(
    n_samples: int = 100, n_features: int = 2, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Synthetic linear-regression data: rows (x₁ … x_p, y) with y = xᵀw + noise·ε.

    x ~ N(0, I), w ~ N(0, I) and ε ~ N(0, 1) from ``numpy.random.default_rng(seed)``.
    Returns the data matrix (n_samples, p + 1), the column names ``x1 … xp, y`` and w.
    """
    if n_samples < 1 or n_features < 1:
        raise InputError("n_samples and n_features must be positive")
    if noise < 0:
        raise InputError("noise must be ≥ 0")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    w = rng.standard_normal(n_features)
    y = X @ w + noise * rng.standard_normal(n_samples)
    names = [f"x{i + 1}" for i in range(n_features)] + ["y"]
    return np.ascontiguousarray(np.column_stack([X, y])), names, w


def epoch_order(seed: int, start: int, epoch: int, n_rows: int) -> np.ndarray:
    """The row order of start ``start`` in epoch ``epoch`` (the one minibatch SGD uses)."""
    out = np.empty(n_rows, dtype=np.int64)
    epoch_permutation(seed, start, epoch, out)
    return out
