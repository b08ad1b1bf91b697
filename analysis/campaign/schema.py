"""The campaign store's row schema: one Parquet row per start.

A campaign directory ``DIR`` holds ``DIR/campaign.json`` (the spec, its hash, the targets, the
cost weights and the objectives with their known minima) and ``DIR/results/<task_id>.parquet``,
one part file per task, every part with :func:`row_schema`'s columns:

=================  ===============  ==========================================================
column             type             meaning
=================  ===============  ==========================================================
task_id            string           the task that computed the row (part file name)
objective_id       string           suite name or the spec's label of the objective
objective_hash     string           sha256 of the canonical formula text
objective          string           formula text
dim                int32            number of variables
method             string           registry name
family             string           registry family (theory's dispatch key)
hyper              string           JSON (sorted keys) of all effective hyperparameters
cell               string           canonical ``"lr=0.01,momentum=0.9"`` of the grid values
hp_<name>          float64          one column per hyperparameter named in any grid: its value
                                    (bool 0/1, a choice its registry code), null when the
                                    row's method has no such grid axis
seed               int64            the spec's seed
start              int64            start index within (objective, cell, seed)
x0                 list<float64>    starting point
x                  list<float64>    final point
fun                float64          f(x)
f_star             float64          best known value (null when unknown)
status             string           driver status (converged, maxiter, diverged, ...)
success            bool             status in {converged, steps}
nit, nfev, njev,   int64            iterations and evaluations of f, ∇f, ∇²f
nhev
minimum            int32            index into the objective's known minima of campaign.json
                                    reached (‖x − x*‖∞ ≤ its tolerance), null if none
hit_iter           list<int64>      per target Δ of campaign.json: first iteration k with
                                    f_k − f* ≤ Δ, −1 if never; null when f* is unknown
hit_cost           list<float64>    weighted cost up to that iteration (how: campaign.json),
                                    null entries where hit_iter is −1
cost               float64          nfev·c_f + njev·c_g + nhev·c_h of the whole run
seconds            float64          task wall seconds / starts in the task
=================  ===============  ==========================================================

``hp_<name>`` columns come after ``cell`` in sorted name order; the other columns are fixed.
"""

from __future__ import annotations

from collections.abc import Iterable

#: bumped when a column changes meaning or type
SCHEMA_VERSION = 1

#: ``hp_<name>`` columns: one per hyperparameter appearing in any grid
HP_PREFIX = "hp_"

#: the fixed columns before the ``hp_<name>`` ones: (name, type name)
HEAD = (
    ("task_id", "string"),
    ("objective_id", "string"),
    ("objective_hash", "string"),
    ("objective", "string"),
    ("dim", "int32"),
    ("method", "string"),
    ("family", "string"),
    ("hyper", "string"),
    ("cell", "string"),
)

#: the fixed columns after the ``hp_<name>`` ones
TAIL = (
    ("seed", "int64"),
    ("start", "int64"),
    ("x0", "list<float64>"),
    ("x", "list<float64>"),
    ("fun", "float64"),
    ("f_star", "float64"),
    ("status", "string"),
    ("success", "bool"),
    ("nit", "int64"),
    ("nfev", "int64"),
    ("njev", "int64"),
    ("nhev", "int64"),
    ("minimum", "int32"),
    ("hit_iter", "list<int64>"),
    ("hit_cost", "list<float64>"),
    ("cost", "float64"),
    ("seconds", "float64"),
)


def _type(name: str):
    import pyarrow as pa

    simple = {
        "string": pa.string(), "int32": pa.int32(), "int64": pa.int64(),
        "float64": pa.float64(), "bool": pa.bool_(),
        "list<float64>": pa.list_(pa.float64()), "list<int64>": pa.list_(pa.int64()),
    }
    return simple[name]


def column_names(hp_names: Iterable[str]) -> list[str]:
    """All column names in order: HEAD, ``hp_<name>`` (sorted), TAIL."""
    hp = [HP_PREFIX + n for n in sorted(set(hp_names))]
    return [n for n, _ in HEAD] + hp + [n for n, _ in TAIL]


def row_schema(hp_names: Iterable[str]):
    """The pyarrow schema of a campaign's rows, ``hp_names`` the hyperparameters of its grids."""
    import pyarrow as pa

    fields = [pa.field(n, _type(t)) for n, t in HEAD]
    fields += [pa.field(HP_PREFIX + n, pa.float64()) for n in sorted(set(hp_names))]
    fields += [pa.field(n, _type(t)) for n, t in TAIL]
    return pa.schema(fields)
