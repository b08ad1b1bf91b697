"""The campaign store: ``DIR/campaign.json`` and ``DIR/results/<task_id>.parquet``.

Every part file is written whole to a hidden temporary name in ``DIR/results`` and then renamed
over its final name (``os.replace``, atomic on POSIX), so a reader never sees half a part, a
killed writer leaves at most a hidden temporary file (which readers skip: pyarrow ignores names
starting with ``.`` or ``_``), and a task computed twice (a worker lost after writing, its task
rerun elsewhere) replaces its own part with the same rows: one part per task id, never two.
A task is done exactly when its part exists.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from landscape.errors import InputError

from .schema import SCHEMA_VERSION, row_schema

ROWS = "results"
META = "campaign.json"
PART_SUFFIX = ".parquet"


def rows_dir(root: str | os.PathLike) -> Path:
    """``root/results``, the directory of the part files."""
    return Path(root) / ROWS


def part_path(root: str | os.PathLike, task_id: str) -> Path:
    """Where task ``task_id``'s rows live: ``root/results/<task_id>.parquet``."""
    if not task_id or "/" in task_id or task_id.startswith((".", "_")):
        raise ValueError(f"bad task id {task_id!r}")
    return rows_dir(root) / f"{task_id}{PART_SUFFIX}"


def _atomic_write(path: Path, write) -> None:
    """``write(tmp)`` then ``os.replace(tmp, path)``; the temporary name is hidden."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_part(root: str | os.PathLike, task_id: str, rows: Any,
               hp_names: Iterable[str]) -> Path:
    """Write one task's rows (a pyarrow Table, or column name → list of values) as its part
    file, atomically.

    The columns must be exactly those of :func:`schema.row_schema(hp_names)`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = row_schema(hp_names)
    names = rows.column_names if isinstance(rows, pa.Table) else list(rows)
    missing = set(schema.names) ^ set(names)
    if missing:
        raise ValueError(f"columns differ from the schema: {sorted(missing)}")
    if isinstance(rows, pa.Table):
        table = rows.select(schema.names)
        if table.schema != schema:
            table = table.cast(schema)
    else:
        table = pa.Table.from_pydict({n: rows[n] for n in schema.names}, schema=schema)
    path = part_path(root, task_id)
    _atomic_write(path, lambda tmp: pq.write_table(table, tmp))
    return path


def remove_temporaries(root: str | os.PathLike) -> int:
    """Delete the hidden temporary files of writers that died before their rename (a killed
    worker); call only when no writer of this store is running.  Returns how many."""
    d = rows_dir(root)
    gone = 0
    for p in d.glob(".*.tmp") if d.is_dir() else ():
        p.unlink(missing_ok=True)
        gone += 1
    return gone


def done_tasks(root: str | os.PathLike) -> set[str]:
    """Task ids whose part file exists (the tasks a rerun skips)."""
    d = rows_dir(root)
    if not d.is_dir():
        return set()
    return {p.name[: -len(PART_SUFFIX)] for p in d.iterdir()
            if p.name.endswith(PART_SUFFIX) and not p.name.startswith((".", "_"))}


def read_rows(root: str | os.PathLike, columns: list[str] | None = None):
    """All rows of the campaign in ``root`` as one pyarrow Table (parts in task-id order).

    Hidden temporary files of an interrupted writer are skipped.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted(done_tasks(root))
    if not parts:
        meta = read_meta(root)
        return row_schema(meta.get("hp_names", [])).empty_table()
    tables = [pq.read_table(part_path(root, t), columns=columns) for t in parts]
    return pa.concat_tables(tables)


def write_meta(root: str | os.PathLike, meta: Mapping[str, Any]) -> Path:
    """Write ``root/campaign.json`` atomically (``schema_version`` added)."""
    body = dict(meta)
    body.setdefault("schema_version", SCHEMA_VERSION)
    path = Path(root) / META
    text = json.dumps(body, indent=1, sort_keys=True, allow_nan=False)
    _atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return path


def read_meta(root: str | os.PathLike) -> dict[str, Any]:
    """``root/campaign.json`` as a dict; an InputError when it is missing or unreadable."""
    path = Path(root) / META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{root}: not a campaign directory (no {META})") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{path}: schema_version {meta.get('schema_version')!r}, "
                         f"this version reads {SCHEMA_VERSION}")
    return meta
