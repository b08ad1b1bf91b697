"""A campaign spec: TOML (``tomllib``) read, checked and expanded before any task starts.

::

    [campaign]
    seed = 1                      # or seeds = [1, 2, 3]
    starts = 1000                 # starts per (objective, method, cell, seed), uniform in the box
    targets = [1e1, 1e0, 1e-2]    # optional: f − f* targets (default 1e1, 1e0, …, 1e-8)
    cost_weights = { f = 1, g = 1, h = 1 }   # optional: cost = nfev·f + njev·g + nhev·h
    minimum_tol = 1e-3            # optional: ‖x − x*‖∞ that counts as reaching x*
    chunk = 256                   # optional: starts per task (default: calibrated, 5 % rule)

    [[objective]]
    formula = "x*cos(c*x)"        # parsed by the project's parser (never eval)
    label = "xcos"                # optional (default: the formula text)
    params = { c = "0.15*pi" }    # optional; values are safe formulas themselves
    box = "-5:5"                  # optional (default -5:5 per variable)
    dim = 10                      # for x[i] / sum(..., i, 1, n) formulas
    f_star = 0.0                  # optional best known value; minima = [[…], …] optional

    [[objective]]
    suite = "classic"             # or "lecture"; only = ["himmelblau", ...] optional

    [[method]]
    name = "momentum"
    lr = [0.001, 0.01, 0.1]       # a list is a grid axis; the cells are the product of the axes
    momentum = [0.0, 0.9]
    steps = 200                   # run options: steps | maxiter, gtol, ftol, xtol

Every mistake is an :class:`~landscape.errors.InputError` ``"SPEC:LINE: reason"`` (the line of
the offending key, or of its table's header), raised by :func:`load` before anything runs:
TOML syntax, unknown keys, an unknown suite or objective, a formula that does not parse, a bad
box, an unknown method or hyperparameter, a value out of its range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from landscape.errors import InputError

from .model import Campaign, MethodDef, ObjectiveDef

#: targets Δ of f − f* (COCO's 1e1 … 1e-8)
DEFAULT_TARGETS = tuple(10.0 ** -k for k in range(-1, 9))
#: ‖x − x*‖∞ at most this counts as having reached the known minimizer x*
DEFAULT_MINIMUM_TOL = 1e-3
#: cost of one evaluation of f, ∇f, ∇²f (a setting; the spec may change it)
DEFAULT_COST_WEIGHTS = {"f": 1.0, "g": 1.0, "h": 1.0}
#: default box half-width when an objective gives none
DEFAULT_BOX = "-5:5"
#: run options of a [[method]] table (the driver's, not hyperparameters)
RUN_OPTIONS = ("steps", "maxiter", "gtol", "ftol", "xtol")
#: at most this many tasks' worth of starts per (objective, method, cell, seed)
MAX_STARTS = 10**9

CAMPAIGN_KEYS = {"seed", "seeds", "starts", "targets", "cost_weights", "minimum_tol", "name",
                 "chunk"}
OBJECTIVE_KEYS = {"formula", "label", "params", "box", "dim", "f_star", "minima", "suite",
                  "only", "var"}


# ------------------------------------------------------------------------ locating lines
class Lines:
    """Line numbers of a TOML text's table headers and keys (1-based), for error messages."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.splitlines()

    def header(self, table: str, index: int = 0) -> int | None:
        """Line of the ``index``-th ``[table]`` or ``[[table]]`` header."""
        pat = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
        hits = [i + 1 for i, line in enumerate(self.lines) if pat.match(line)]
        return hits[index] if index < len(hits) else None

    def key(self, table: str, index: int, key: str) -> int | None:
        """Line of ``key = …`` inside the ``index``-th ``table``, else the header's line."""
        start = self.header(table, index)
        if start is None:
            return None
        pat = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in range(start, len(self.lines)):
            if self.lines[i].lstrip().startswith("["):
                break
            if pat.match(self.lines[i]):
                return i + 1
        return start

    def error(self, line: int | None, reason: str) -> InputError:
        where = f"{self.path}:{line}" if line else self.path
        return InputError(f"{where}: {reason}")


# ------------------------------------------------------------------------ reading
def load(path: str | Path) -> Campaign:
    """Read, check and expand the spec at ``path`` (see the module docstring)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such spec file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the spec ({exc})") from None
    return parse(text, str(path))


def parse(text: str, path: str = "<spec>") -> Campaign:
    """Check and expand a spec given as TOML text (``path`` names it in errors)."""
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise Lines(path, text).error(line, f"not valid TOML: {reason}") from None
    at = Lines(path, text)
    unknown = set(raw) - {"campaign", "objective", "method"}
    if unknown:
        name = sorted(unknown)[0]
        raise at.error(at.header(name) or at.key("", 0, name),
                       f"unknown table {name!r}; a spec has [campaign], [[objective]], "
                       "[[method]]")
    camp = raw.get("campaign", {})
    if not isinstance(camp, dict):
        raise at.error(None, "[campaign] must be a table")
    seeds, starts, targets, weights, mtol = _campaign(camp, at)
    chunk = camp.get("chunk")
    if chunk is not None:
        chunk = _int(chunk, "chunk", 1, MAX_STARTS, at, at.key("campaign", 0, "chunk"))
    objs = raw.get("objective")
    meths = raw.get("method")
    if not isinstance(objs, list) or not objs:
        raise at.error(None, "no [[objective]] table: a campaign needs at least one objective")
    if not isinstance(meths, list) or not meths:
        raise at.error(None, "no [[method]] table: a campaign needs at least one method")
    objectives = _objectives(objs, at)
    methods = [_method(m, i, at) for i, m in enumerate(meths)]
    hp_names = sorted({name for m in methods for name in m.axes})
    return Campaign(path=path, text=text, raw=raw, objectives=objectives, methods=methods,
                    seeds=seeds, starts=starts, targets=targets, cost_weights=weights,
                    minimum_tol=mtol, hp_names=hp_names, chunk=chunk)


def _int(value: Any, what: str, low: int, high: int, at: Lines, line: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise at.error(line, f"{what} must be an integer in [{low}, {high}], got {value!r}")
    return value


def _positive(value: Any, what: str, at: Lines, line: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            math.isfinite(value) and value > 0):
        raise at.error(line, f"{what} must be a positive finite number, got {value!r}")
    return float(value)


def _campaign(camp: Mapping[str, Any], at: Lines):
    """seeds, starts, targets, cost weights and minimum tolerance of [campaign]."""
    for k in camp:
        if k not in CAMPAIGN_KEYS:
            raise at.error(at.key("campaign", 0, k),
                           f"unknown key {k!r} in [campaign]; valid: "
                           f"{', '.join(sorted(CAMPAIGN_KEYS))}")
    if "seed" in camp and "seeds" in camp:
        raise at.error(at.key("campaign", 0, "seeds"), "give seed or seeds, not both")
    raw_seeds = camp.get("seeds", [camp.get("seed", 0)])
    line = at.key("campaign", 0, "seeds" if "seeds" in camp else "seed")
    if not isinstance(raw_seeds, list) or not raw_seeds:
        raise at.error(line, "seeds must be a non-empty list of integers")
    seeds = [_int(s, "a seed", 0, 2**63 - 1, at, line) for s in raw_seeds]
    if len(set(seeds)) != len(seeds):
        raise at.error(line, "seeds repeat")
    starts = _int(camp.get("starts", 100), "starts", 1, MAX_STARTS, at,
                  at.key("campaign", 0, "starts"))
    line = at.key("campaign", 0, "targets")
    raw_t = camp.get("targets", list(DEFAULT_TARGETS))
    if not isinstance(raw_t, list) or not raw_t:
        raise at.error(line, "targets must be a non-empty list of positive numbers")
    targets = tuple(sorted((_positive(t, "a target", at, line) for t in raw_t), reverse=True))
    line = at.key("campaign", 0, "cost_weights")
    raw_w = camp.get("cost_weights", {})
    if not isinstance(raw_w, dict) or set(raw_w) - set(DEFAULT_COST_WEIGHTS):
        raise at.error(line, "cost_weights must be a table with keys f, g, h")
    weights = dict(DEFAULT_COST_WEIGHTS)
    for k, v in raw_w.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (
                math.isfinite(v) and v >= 0):
            raise at.error(line, f"cost weight {k} must be a finite number ≥ 0, got {v!r}")
        weights[k] = float(v)
    mtol = _positive(camp.get("minimum_tol", DEFAULT_MINIMUM_TOL), "minimum_tol", at,
                     at.key("campaign", 0, "minimum_tol"))
    return seeds, starts, targets, weights, mtol


# ------------------------------------------------------------------------ objectives
def _objectives(objs: Sequence[Any], at: Lines) -> list[ObjectiveDef]:
    out: list[ObjectiveDef] = []
    seen: dict[str, tuple[int, int]] = {}
    for i, o in enumerate(objs):
        header = at.header("objective", i)
        if not isinstance(o, dict):
            raise at.error(header, "[[objective]] must be a table")
        for k in o:
            if k not in OBJECTIVE_KEYS:
                raise at.error(at.key("objective", i, k),
                               f"unknown key {k!r} in [[objective]]; valid: "
                               f"{', '.join(sorted(OBJECTIVE_KEYS))}")
        made = _suite(o, i, at) if "suite" in o else [_formula(o, i, at)]
        for obj in made:
            if obj.id in seen:
                first = out[seen[obj.id][1]]
                if first.same_as(obj):  # the same objective twice (from two suites)
                    continue
                raise at.error(header, f"objective {obj.id!r} appears twice (also in the "
                                       f"[[objective]] at line {seen[obj.id][0]}); give a "
                                       "label")
            seen[obj.id] = (header or 0, len(out))
            out.append(obj)
    return out


def _suite(o: Mapping[str, Any], i: int, at: Lines) -> list[ObjectiveDef]:
    from .suites import SUITES

    name = o["suite"]
    line = at.key("objective", i, "suite")
    extra = set(o) - {"suite", "only"}
    if extra:
        raise at.error(at.key("objective", i, sorted(extra)[0]),
                       f"a suite takes only 'only' beside 'suite', got {sorted(extra)}")
    if name not in SUITES:
        raise at.error(line, f"unknown suite {name!r}; suites: {', '.join(SUITES)}")
    suite = SUITES[name]
    only = o.get("only")
    if only is None:
        return list(suite.values())
    line = at.key("objective", i, "only")
    if not isinstance(only, list) or not all(isinstance(s, str) for s in only) or not only:
        raise at.error(line, "only must be a non-empty list of objective names")
    for s in only:
        if s not in suite:
            raise at.error(line, f"suite {name!r} has no objective {s!r}; it has "
                                 f"{', '.join(suite)}")
    return [suite[s] for s in only]


def _formula(o: Mapping[str, Any], i: int, at: Lines) -> ObjectiveDef:
    from landscape.box import parse_box_text
    from landscape.objective import Objective

    line = at.key("objective", i, "formula")
    text = o.get("formula")
    if not isinstance(text, str) or not text.strip():
        raise at.error(line, "[[objective]] needs formula = \"...\" (or suite = \"...\")")
    params = o.get("params", {})
    pline = at.key("objective", i, "params")
    if not isinstance(params, dict) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool)
            for v in params.values()):
        raise at.error(pline, "params must be a table of NAME = \"formula\" or number")
    params = {str(k): str(v) for k, v in params.items()}
    dim = o.get("dim")
    if dim is not None:
        dim = _int(dim, "dim", 1, 10_000, at, at.key("objective", i, "dim"))
    var = o.get("var")
    if var is not None and (not isinstance(var, list) or not all(isinstance(v, str)
                                                                   for v in var)):
        raise at.error(at.key("objective", i, "var"), "var must be a list of variable names")
    try:
        obj = Objective.parse(text.strip(), variables=var, params=params or None, dim=dim)
    except InputError as exc:
        raise at.error(line, f"formula {text.strip()!r}: {exc}") from None
    if obj.n == 0:
        raise at.error(line, f"formula {text!r} has no variables: nothing to minimize")
    bline = at.key("objective", i, "box")
    box_text = o.get("box", ",".join([DEFAULT_BOX] * obj.n))
    try:
        box = parse_box_text(str(box_text))
    except (InputError, ValueError) as exc:
        raise at.error(bline, f"box {box_text!r}: {exc}") from None
    if len(box) == 1 and obj.n > 1:
        box = box * obj.n
    if len(box) != obj.n:
        raise at.error(bline, f"box has {len(box)} intervals for {obj.n} variables")
    if any(not (math.isfinite(a) and math.isfinite(b) and a < b) for a, b in box):
        raise at.error(bline, f"box {box_text!r}: every interval needs finite LO < HI")
    f_star = o.get("f_star")
    if f_star is not None and (isinstance(f_star, bool) or not isinstance(f_star, (int, float))
                               or not math.isfinite(f_star)):
        raise at.error(at.key("objective", i, "f_star"), "f_star must be a finite number")
    minima = _minima(o.get("minima", []), obj.n, at, at.key("objective", i, "minima"))
    label = o.get("label", text.strip())
    if not isinstance(label, str) or not label.strip():
        raise at.error(at.key("objective", i, "label"), "label must be a non-empty string")
    return ObjectiveDef(id=label.strip(), formula=text.strip(), params=params, dim=dim,
                        box=tuple((float(a), float(b)) for a, b in box),
                        f_star=None if f_star is None else float(f_star), minima=minima,
                        source="given in the spec" if (f_star is not None or minima) else "",
                        variables=tuple(var) if var else None)


def _minima(raw: Any, n: int, at: Lines, line: int | None) -> tuple[tuple[float, ...], ...]:
    ok = isinstance(raw, list) and all(
        isinstance(p, list) and len(p) == n and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in p) for p in raw)
    if not ok:
        raise at.error(line, f"minima must be a list of points with {n} finite coordinates")
    return tuple(tuple(float(v) for v in p) for p in raw)


# ------------------------------------------------------------------------ methods
def _method(m: Any, i: int, at: Lines) -> MethodDef:
    from optimizers.methods import get_spec, resolve

    header = at.header("method", i)
    if not isinstance(m, dict):
        raise at.error(header, "[[method]] must be a table")
    name = m.get("name")
    nline = at.key("method", i, "name")
    if not isinstance(name, str):
        raise at.error(header, "[[method]] needs name = \"...\" (a registry method)")
    try:
        spec = get_spec(name)
    except InputError as exc:
        raise at.error(nline, str(exc)) from None
    options: dict[str, Any] = {}
    axes: dict[str, list[Any]] = {}
    fixed: dict[str, Any] = {}
    for k, v in m.items():
        if k == "name":
            continue
        kline = at.key("method", i, k)
        if k in RUN_OPTIONS:
            options[k] = _run_option(k, v, at, kline)
        elif isinstance(v, list):
            if not v:
                raise at.error(kline, f"grid axis {k} is empty")
            if len(set(map(repr, v))) != len(v):
                raise at.error(kline, f"grid axis {k} repeats a value")
            axes[k] = v
        elif isinstance(v, dict):
            raise at.error(kline, f"{k}: a hyperparameter is a value or a list of values")
        else:
            fixed[k] = v
    if "steps" in options and "maxiter" in options:
        raise at.error(at.key("method", i, "maxiter"), "give steps or maxiter, not both")
    method = MethodDef(name=name, family=spec.family, axes=axes, fixed=fixed,
                       options=options, line=header or 0)
    for cell in method.cells():
        try:
            resolve(name, {**fixed, **cell})
        except InputError as exc:
            raise at.error(_culprit(str(exc), m, i, at, header), str(exc)) from None
    return method


def _culprit(message: str, table: Mapping[str, Any], i: int, at: Lines,
             header: int | None) -> int | None:
    """The line of the key a registry message is about (its first word, or quoted), else the
    table's header."""
    first = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)", message)
    names = [k for k in table if k != "name"]
    for k in names:
        if (first and first.group(1) == k) or f"'{k}'" in message:
            return at.key("method", i, k)
    return header


def _run_option(k: str, v: Any, at: Lines, line: int | None) -> Any:
    if k in ("steps", "maxiter"):
        return _int(v, k, 1, 10**7, at, line)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not (
            math.isfinite(v) and v >= 0):
        raise at.error(line, f"{k} must be a finite number ≥ 0, got {v!r}")
    return float(v)
