"""The ``landscape`` command.

Exit codes: 0 success, 1 analysis failed, 2 bad usage or input (one line on stderr; for parse
errors the formula with a caret under the offending column).  A traceback is printed only for
internal errors and only when ``LANDSCAPE_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from analysis import progress_bar
from landscape.defaults import DEFAULT_HALF_WIDTH, REPORT_METHODS, SEED, VANISHING_THRESHOLD
from landscape.errors import (
    CommandTimeout,
    InputError,
    LandscapeError,
    LandscapeWarning,
    ParseError,
)
from landscape.numfmt import fmt, page_minus, plural
from landscape.progress import Progress, Stages


class UsageError(InputError):
    """Bad command-line usage (exit code 2)."""


class _HelpFormatter(argparse.HelpFormatter):
    """Help that shows every option's default: ``(default: V)`` after the value argparse
    fills in, ``(default: off)`` after a flag; an option whose default is decided later (per
    method, drawn, derived) says it in its own help, which then holds the word "default"."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (not action.option_strings or "default" in text or action.required
                or action.default in (None, argparse.SUPPRESS)):
            return text
        if action.default is False and action.nargs == 0:
            return f"{text} (default: off)"
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so that all errors share one path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = ""
        if message.startswith("unrecognized arguments:"):
            import difflib

            known = [o for o in _option_table(self)[0] if o.startswith("--")]
            for tok in message.split(":", 1)[1].split():
                close = difflib.get_close_matches(tok.split("=", 1)[0], known, n=1)
                if tok.startswith("--") and close:
                    hint = f"; did you mean {close[0]}?"
                    break
        raise UsageError(f"{message}{hint} (see '{self.prog} --help')")


# --------------------------------------------------------------------------- shared options
def _add_formula_options(p: argparse.ArgumentParser) -> None:
    w = DEFAULT_HALF_WIDTH
    p.add_argument("formula", help="objective, e.g. '(x**2 + y - 11)**2 + (x + y**2 - 7)**2'")
    p.add_argument("--var", action="append", metavar="NAME",
                   help="variable (repeat; sets order; default: every free symbol of the "
                        "formula that is not a parameter)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="bind a parameter, e.g. c=0.15*pi (default: none)")
    p.add_argument("--dim", type=int, metavar="N",
                   help="dimension n for x[i] / sum(..., i, 1, n) (default: none)")
    p.add_argument("--box", metavar="LO:HI[,LO:HI...]",
                   help=f"analysis box (default: {-w:g}:{w:g} in every variable)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _add_common(p)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="abandon the whole command after this many seconds (exit 1; "
                        "default: no limit)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress on stderr (default: a bar on a terminal, for waits "
                        f"over {progress_bar.DELAY:g} s)")


@contextlib.contextmanager
def _progress(args: argparse.Namespace, what: str, unit: str,
              rate: bool = False) -> Iterator[Progress | None]:
    """A progress callback drawing a bar on stderr (:mod:`analysis.progress_bar`), or None
    when stderr is not a terminal or with ``--quiet``."""
    if not progress_bar.wanted(quiet=getattr(args, "quiet", False)):
        yield None
        return
    with progress_bar.Bar(what, unit, rate=rate) as bar:
        yield bar


def _params(items: Sequence[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"--param expects NAME=VALUE, got {item!r}")
        out[name.strip()] = value.strip()
    return out


def _objective(args: argparse.Namespace):
    from landscape.objective import Objective

    if args.dim is not None and not 1 <= args.dim <= 10_000:
        raise UsageError("--dim must be between 1 and 10000")
    return Objective.parse(
        args.formula, variables=args.var, params=_params(args.param), dim=args.dim
    )


def _emit(args: argparse.Namespace, record: dict[str, Any], text: Callable[[dict], str]) -> None:
    from landscape.jsonutil import dumps

    if args.json:
        print(dumps(record, indent=1))
    else:
        print(text(record))


# --------------------------------------------------------------------------- analyze
def analyze_record(obj, box: Any = None, threshold: float = VANISHING_THRESHOLD,
                   progress: Progress | None = None) -> dict[str, Any]:
    """The ``analyze --json`` object of design.md for an Objective; ``progress`` (optional,
    :mod:`landscape.progress`) is told each stage."""
    import sympy as sp

    stage = Stages(progress, 3)
    b = obj.box(box)
    stage("critical points")
    cps = obj.critical_points(box=b, progress=stage.within())
    stage("convexity")
    conv = obj.convexity(box=b)
    stage("vanishing-gradient regions")
    van = obj.vanishing(box=b, threshold=threshold, critical_points=cps)
    stage.finish()
    return {
        "formula": obj.text,
        "variables": list(obj.names),
        "parameters": {k: str(v) for k, v in obj.parameters.items()},
        "gradient": [sp.sstr(g) for g in obj.gradient_list],
        "hessian": [[sp.sstr(obj.hessian[i, j]) for j in range(obj.n)] for i in range(obj.n)],
        "box": b.tolist(),
        "critical_points": [cp.to_json() for cp in cps],
        "critical_points_complete": bool(cps.complete),
        "critical_points_method": cps.method,
        "critical_points_notes": list(cps.notes),
        "convexity": conv.to_json(),
        "vanishing_gradient": van.to_json(),
    }


def analyze_text(rec: dict[str, Any]) -> str:
    """Readable form of an ``analyze`` record."""
    names = ", ".join(rec["variables"])
    lines = [f"f({names}) = {rec['formula']}"]
    if rec["parameters"]:
        lines.append("parameters: " + ", ".join(f"{k} = {v}" for k, v in rec["parameters"].items()))
    lines.append("box: " + " × ".join(f"[{fmt(lo)}, {fmt(hi)}]" for lo, hi in rec["box"]))
    lines.append("gradient: [" + ", ".join(rec["gradient"]) + "]")
    lines.append("Hessian:  [" + "; ".join(", ".join(r) for r in rec["hessian"]) + "]")
    lines += _critical_points_text(rec)
    lines += _convexity_text(rec["convexity"])
    lines += _vanishing_text(rec["vanishing_gradient"])
    return "\n".join(lines)


def _critical_points_text(rec: dict[str, Any]) -> list[str]:
    """The critical-point lines of :func:`analyze_text` (a blank line first)."""
    cps = rec["critical_points"]
    how = "complete (exact solve)" if rec["critical_points_complete"] else (
        f"{rec['critical_points_method']} search, may be incomplete"
    )
    lines = [""]
    lines.append(f"critical points in the box: {len(cps)} — {how}")
    for note in rec.get("critical_points_notes", []):
        lines.append(f"  note: {note}")
    if cps:
        header = f"  {'point':<28} {'f':>12} {'|grad|':>9} {'eigenvalues':<26} {'kappa':>9}  kind"
        lines.append(header)
        for cp in cps:
            kind = cp["kind"]
            if cp.get("differentiable") is False:
                kind += " (not differentiable: a kink of f, decided by nearby values)"
            elif cp["degenerate"]:
                kind += f" (degenerate, {cp['test']} test)"
            elif cp["kind"] == "saddle":
                kind += f" (index {cp['index']})"
            lines.append(
                f"  {fmt(cp['point']):<28} {fmt(cp['value']):>12} "
                f"{fmt(cp['gradient_norm'], 2):>9} {fmt(cp['eigenvalues'], 4):<26} "
                f"{fmt(cp['condition_number'], 4):>9}  {kind}"
                + ("" if cp.get("exact") else "  [numeric]")
            )
    return lines


def _convexity_text(conv: dict[str, Any]) -> list[str]:
    """The convexity lines of :func:`analyze_text` (a blank line first)."""
    lines = [""]
    line = f"convexity on the box: {conv['verdict']} ({conv['method']})"
    extras = []
    if conv.get("strict"):
        extras.append("strict")
    if conv.get("strong"):
        extras.append("strongly convex")
    if extras:
        line += " — " + ", ".join(extras)
    lines.append(line)
    lines.append(f"  mu = {fmt(conv.get('mu'))}, L = {fmt(conv.get('L'))}")
    w = conv.get("witness")
    if w:
        if w.get("min_eigenvalue") is None:
            lines.append(f"  witness: a chord around {fmt(w.get('point'))} (f has kinks)")
        else:
            lines.append(
                f"  witness: min Hessian eigenvalue {fmt(w.get('min_eigenvalue'))} "
                f"at {fmt(w.get('point'))}"
            )
        chord = w.get("chord")
        if chord:
            lines.append(
                f"  chord: f(a x + (1-a) y) exceeds a f(x) + (1-a) f(y) by {fmt(chord['gap'])} "
                f"at x = {fmt(chord['x'])}, y = {fmt(chord['y'])}, a = {fmt(chord['alpha'])}"
            )
        below = w.get("concave_chord")
        if below:
            lines.append(
                f"  chord: f(a x + (1-a) y) falls short of a f(x) + (1-a) f(y) by "
                f"{fmt(-below['gap'])} at x = {fmt(below['x'])}, y = {fmt(below['y'])}, "
                f"a = {fmt(below['alpha'])} (so f is not concave either)"
            )
    return lines


def _vanishing_text(van: dict[str, Any]) -> list[str]:
    """The vanishing-gradient lines of :func:`analyze_text` (a blank line first)."""
    regions = van.get("regions", [])
    lines = [""]
    found = van.get("regions_found", len(regions))
    listed = plural(len(regions), "region") if found == len(regions) else (
        f"{plural(found, 'region')}, the {len(regions)} largest listed")
    lines.append(f"vanishing gradient (|grad f| < {fmt(van.get('threshold'))}, "
                 f"{van.get('method')}): {listed}")
    for note in van.get("notes", []):
        lines.append(f"  note: {note}")
    for r in regions:
        lines.append(
            f"  {r.get('description')}: {fmt(r.get('box'))}, smallest at "
            f"{fmt(r.get('point'))} |grad f| = {fmt(r.get('gradient_norm'), 3)}"
        )
    return lines


def cmd_analyze(args: argparse.Namespace) -> int:
    from landscape.cost import check_analysis

    with _progress(args, "analyze", "stages") as progress:
        if progress is not None:
            progress(0, None, "reading the formula")
        obj = _objective(args)
        check_analysis(obj.n)
        rec = analyze_record(obj, args.box, args.threshold, progress=progress)
    _emit(args, rec, analyze_text)
    return 0


# --------------------------------------------------------------------------- run
def _hyper_flags() -> dict[str, tuple[str, str]]:
    """Every hyperparameter name of every method → (kind, help with the defaults), for the
    flags of ``run`` and ``rates``."""
    from optimizers import METHODS

    flags: dict[str, tuple[str, str]] = {}
    for spec in METHODS.values():
        for h in spec.hyper.values():
            if h.name not in flags:
                text = h.help + (f": {h.range_text()}" if h.kind == "choice" else "")
                if "default" not in text:  # final_lr's help gives its derived default
                    text += f" (default: {hyper_defaults_text(h.name)})"
                flags[h.name] = (h.kind, text)
    return flags


def _shown(value: Any) -> str:
    """A default as ``--help`` shows it: numbers in %g, booleans and None in words."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, float):
        return fmt(value)
    return str(value)


def hyper_defaults_text(name: str) -> str:
    """The defaults of hyperparameter ``name`` as the methods' specs give them.

    One default for every method that takes ``name``: that value, and the choice under which
    it applies (``"100 (with --schedule step)"``).  Several: each value with its methods
    (``"0.001 for gd (with --line-search none), sgd; 0.01 for adagrad"``).  A default that
    depends on another choice (``gamma`` by ``--schedule``) is given for each of its values.
    """
    from optimizers import METHODS

    groups: dict[str, list[tuple[str, str]]] = {}
    for spec in METHODS.values():
        h = spec.hyper.get(name)
        if h is None:
            continue
        cond = ""
        if h.when is not None:
            ctrl = "--" + h.when[0].replace("_", "-")
            cond = f"with {ctrl} {' or '.join(h.when[1])}"
        if h.default_by:
            value = ", ".join(f"{_shown(v)} with {ctrl} {k}" for k, v in h.default_by.items())
            cond = ""
        else:
            value = _shown(h.default)
        groups.setdefault(value, []).append((spec.name, cond))

    def shared(members: list[tuple[str, str]]) -> str:
        conds = {c for _, c in members}
        return conds.pop() if len(conds) == 1 else ""

    if len(groups) == 1:
        value, members = next(iter(groups.items()))
        cond = shared(members)
        return f"{value} ({cond})" if cond else value
    parts = []
    for value, members in groups.items():
        cond = shared(members)
        if cond:
            who = ", ".join(m for m, _ in members) + f" ({cond})"
        else:
            who = ", ".join(m + (f" ({c})" if c else "") for m, c in members)
        parts.append(f"{value} for {who}")
    return "; ".join(parts)


def _maxiter_text() -> str:
    """``--maxiter``'s default per method, from the specs."""
    from optimizers import METHODS

    groups: dict[int, list[str]] = {}
    for spec in METHODS.values():
        groups.setdefault(spec.maxiter, []).append(spec.name)
    return "; ".join(f"{k} for {', '.join(names)}" for k, names in groups.items())


def _add_run_options(p: argparse.ArgumentParser, batch: bool = True) -> None:
    from optimizers.methods import DEFAULT_FTOL, DEFAULT_GTOL, DEFAULT_XTOL, METHODS

    p.add_argument("--method", "-m", required=True, help="required: " + " ".join(METHODS))
    p.add_argument("--x0", metavar="A,B,...", help="start point (safe constant formulas; "
                   "default: drawn uniformly from the box with --seed)")
    if batch:
        p.add_argument("--starts", type=int, metavar="N",
                       help="N starts drawn uniformly in the box (default: one start)")
    p.add_argument("--seed", type=int, default=SEED, help="seed of the starts and of noise")
    stop = p.add_mutually_exclusive_group()
    stop.add_argument("--steps", type=int, metavar="K",
                      help="exactly K iterations, no early stop (default: off; --maxiter bounds "
                           "the run)")
    stop.add_argument("--maxiter", type=int, metavar="K",
                      help=f"at most K iterations (default: {_maxiter_text()})")
    if batch:
        p.add_argument("--gtol", type=float, default=DEFAULT_GTOL,
                       help="gradient tolerance on ‖∇f‖∞")
        p.add_argument("--ftol", type=float, default=DEFAULT_FTOL,
                       help="relative f decrease tolerance (0 = off)")
        p.add_argument("--xtol", type=float, default=DEFAULT_XTOL,
                       help="step length tolerance (0 = off)")
        p.add_argument("--data", metavar="PATH", help="CSV/.npy data: the objective is the "
                       "mean of the formula over its rows; column names are data symbols "
                       "(default: none)")
        p.add_argument("--columns", metavar="A,B,...",
                       help="names of the data columns to use (default: all)")
    for name, (kind, help_text) in _hyper_flags().items():
        flag = "--" + name.replace("_", "-")
        if kind == "bool":
            p.add_argument(flag, dest=f"hp_{name}", nargs="?", const="true", metavar="BOOL",
                           help=help_text)
        else:
            p.add_argument(flag, dest=f"hp_{name}", metavar="VALUE", help=help_text)


def _number(text: str, what: str) -> float:
    from landscape.errors import InputError as _InputError

    try:
        return float(text)
    except ValueError:
        pass
    from landscape.parse import parse_constant

    try:
        return float(parse_constant(text))
    except (TypeError, ValueError) as exc:
        raise _InputError(f"{what}: {text!r} is not a real number") from exc


def _hyper_values(args: argparse.Namespace) -> dict[str, Any]:
    from optimizers.methods import get_spec

    spec = get_spec(args.method)
    out: dict[str, Any] = {}
    for key, value in vars(args).items():
        if not key.startswith("hp_") or value is None:
            continue
        name = key[3:]
        h = spec.hyper.get(name)
        if h is not None and h.kind in ("float", "int"):
            value = _number(value, "--" + name.replace("_", "-"))
        out[name] = value
    return out


def _compiled_for_run(args: argparse.Namespace):
    """Formula → compiled objective (from the kernel cache without SymPy when possible)."""
    from landscape.loader import load_formula

    data = names = None
    if args.data:
        from optimizers import load_data
        from optimizers.data import formula_columns

        columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
        data, names = formula_columns(*load_data(args.data, columns), args.formula)
    if args.dim is not None and not 1 <= args.dim <= 10_000:
        raise UsageError("--dim must be between 1 and 10000")
    return load_formula(
        args.formula, variables=args.var, params=_params(args.param), dim=args.dim,
        data_names=tuple(names or ()), data=data,
    )


def _x0_values(text: str, n: int) -> list[float]:
    """``--x0 A,B,...`` as n numbers (each a safe constant formula)."""
    x0 = [_number(v.strip(), "--x0") for v in text.split(",")]
    if len(x0) != n:
        raise UsageError(f"--x0 has {len(x0)} coordinates but the formula has {n} variables")
    return x0


def _start_points(args: argparse.Namespace, n: int):
    import numpy as np

    from landscape.box import as_box
    from landscape.limits import check_count, check_memory

    check_count("--seed", args.seed, 0, 2**63 - 1)
    if args.x0 is not None and args.starts is not None:
        raise UsageError("give either --x0 or --starts, not both")
    if args.x0 is not None:
        return np.asarray(_x0_values(args.x0, n)), None
    box = as_box(args.box, n)
    count = 1 if args.starts is None else args.starts
    if not 1 <= count <= 10_000_000:
        raise UsageError("--starts must be between 1 and 10000000")
    # the draw holds the points and two temporaries of the same size
    check_memory(f"drawing {count} starts in {n} dimensions", 3 * 8 * count * n,
                 "use fewer starts")
    from analysis.starts import uniform_starts

    X0 = uniform_starts(box, count, args.seed)
    if args.starts is None:
        return X0[0], f"x0 drawn uniformly from the box with seed {args.seed}"
    return X0, None


#: iterates ``run --trajectory`` keeps per start (every s-th beyond it, said in the output)
TRAJECTORY_ROWS = 100_001


def _run_limits(args: argparse.Namespace, obj: Any, hyper: dict[str, Any]) -> None:
    """Range and memory checks of ``run`` before any start is drawn (exit 2 above a limit)."""
    from landscape.limits import check_count
    from optimizers.driver import check_run_memory
    from optimizers.methods import get_spec

    if args.steps is not None:
        K = check_count("--steps", args.steps)
    elif args.maxiter is not None:
        K = check_count("--maxiter", args.maxiter)
    else:
        K = get_spec(args.method).maxiter
    count = 1 if args.starts is None else args.starts
    if 1 <= count <= 10_000_000:
        check_run_memory(args.method, hyper, obj.n, count, K,
                         TRAJECTORY_ROWS if args.trajectory else False, obj.data.shape[0],
                         single=args.starts is None)


def cmd_run(args: argparse.Namespace) -> int:
    from optimizers import minimize, minimize_batch

    obj = _compiled_for_run(args)
    hyper = _hyper_values(args)
    _run_limits(args, obj, hyper)
    start, note = _start_points(args, obj.n)
    record = TRAJECTORY_ROWS if args.trajectory else False
    common = dict(steps=args.steps, maxiter=args.maxiter, gtol=args.gtol, ftol=args.ftol,
                  xtol=args.xtol, seed=args.seed, **hyper)
    if args.starts is None:
        with _progress(args, args.method, "starts") as progress:
            if progress is not None:  # one start: the bar shows that it runs, and how long
                progress(0, 1, "one start")
            res = minimize(obj, start, args.method, record=record, **common)
        if args.json:
            from landscape.jsonutil import dumps

            print(dumps(res.to_json()))
        else:
            if note:
                print(f"({note}: {', '.join(f'{v:.6g}' for v in start)})")
            print(res.summary())
            if args.trajectory:
                s = res.path_stride
                if s > 1:
                    print(f"\n  every {s}th iterate of {res.nit + 1} ({len(res.path)} kept)")
                print("\n  k  f(x_k)  x_k")
                for r, (x, f) in enumerate(zip(res.path, res.fun_path, strict=True)):
                    print(f"  {r * s}  {f:.10g}  " + ", ".join(f"{v:.10g}" for v in x))
        return 0
    with _progress(args, args.method, "starts", rate=True) as progress:
        if progress is not None:  # the count is known before the first block ends
            progress(0, len(start))
        batch = minimize_batch(obj, start, args.method, record=record, progress=progress,
                               **common)
    ends = _batch_ends(args, obj, batch)
    if args.json:
        from landscape.jsonutil import dumps

        print(dumps({**batch.to_json(), "ends": ends["json"]}))
    else:
        print(f"{args.method} on {obj.text} from {len(start)} starts in the box "
              f"(seed {args.seed})")
        print(batch.summary())
        print(ends["text"])
    return 0


#: ``run --starts`` matches end points to the critical points of an analysis only when it is
#: cheap: polynomial objectives of at most this many variables (no data), whose exact solve
#: gets this many seconds
ENDS_ANALYSIS_MAX_VARS = 2
ENDS_ANALYSIS_SECONDS = 5.0


def _known_critical_points(args: argparse.Namespace, n: int) -> tuple[Any, str]:
    """The critical points in the box when their analysis is cheap (a polynomial in n ≤ 2
    variables, no data), with a phrase saying where the list came from or why there is
    none."""
    tail = "; `landscape analyze` lists them"
    if args.data or n > ENDS_ANALYSIS_MAX_VARS:
        why = "a finite-sum objective" if args.data else f"{n} variables"
        return None, f"not matched to critical points ({why}{tail})"
    from landscape.errors import AnalysisError

    obj = _objective(args)
    if not obj.expr.is_polynomial(*obj.variables):
        return None, f"not matched to critical points (not a polynomial{tail})"
    try:
        cps = obj.critical_points(box=args.box, timeout=ENDS_ANALYSIS_SECONDS)
    except AnalysisError as exc:
        return None, f"not matched to critical points (their analysis failed: {exc})"
    how = "exact, complete" if getattr(cps, "complete", False) else "numeric search"
    points = "critical point" if len(cps) == 1 else f"{len(cps)} critical points"
    return cps, f"matched to the {points} of the analysis ({how})"


def _batch_ends(args: argparse.Namespace, obj: Any, batch: Any) -> dict[str, Any]:
    """Where the starts of a batch ended: clusters of converged end points (matched to the
    critical points when their analysis is cheap), not converged, diverged, outside the box;
    the text lines and the ``ends`` field of the JSON."""
    from analysis import starts as st
    from landscape.box import as_box

    box = as_box(args.box, obj.n)
    run = st.from_batch(args.method, batch)
    cps, known = _known_critical_points(args, obj.n)
    clusters, tol = st.classify([run], box, cps)
    target = st.target_of(st.best_minimum(cps))
    run.set_target(target)
    rows = st.breakdown_rows(run, clusters)
    record = {
        "tolerance": tol, "critical_points_note": known,
        "critical_points": None if cps is None else [cp.to_json() for cp in cps],
        "outcomes": [{k: v for k, v in r.items() if k != "spread" or v is not None}
                     for r in rows],
        "cluster": [None if c < 0 else int(c) for c in run.cluster],
        "outcome": [o if o else "cluster" for o in run.outcome],
        "target": target,
        "target_success_rate": None if target is None else run.success_rate,
    }
    text = st.breakdown_text(run, clusters, tolerance=tol, target=target, known=known)
    return {"json": record, "text": text}


# --------------------------------------------------------------------------- rates
def _kind_details(d: dict[str, Any], predicted: bool) -> str:
    """What a ``predicted``/``measured`` object says beyond its kind, in the JSON's numbers."""
    kind, bound = d["kind"], predicted and d.get("exact") is False
    le = "≤ " if bound else ""
    if kind == "finite":
        k = d.get("finite_steps")
        return "x* reached" + ("" if k is None else f" in {'at most ' if bound else ''}{k} "
                                                    f"step{'s' if k != 1 else ''}")
    if kind == "linear":
        return "rate " + (f"{le}{fmt(d.get('rate'))}" if d.get("rate") is not None
                          else "not predicted (no closed form)")
    if kind in ("quadratic", "superlinear"):
        if d.get("order") is None:
            return "ratios e_(k+1)/e_k → 0; order " + ("not predicted" if predicted else
                                                      "not determined by the data")
        se = d.get("order_se")
        from analysis.empirical import one_se
        return f"order {fmt(d['order'], 3)}" + ("" if se is None else one_se(fmt(se, 2)))
    if kind == "sublinear":
        p = d.get("exponent")
        return "e_k ∝ k^-p, p " + ("not predicted" if p is None else
                                   f"{'≥ ' if bound else '= '}{fmt(p, 4)}")
    if kind == "bounded":
        parts = []
        if d.get("period"):
            parts.append(f"{d['period']}-cycle")
        if d.get("band") is not None:
            parts.append(f"band {le}{fmt(d['band'], 4)}")
        return ", ".join(parts) or "neither converging nor diverging"
    if kind == "diverges":
        rate = d.get("rate")
        grow = "" if rate is None else f"; growth factor {fmt(rate)} per step"
        if predicted and d.get("stable") is False:
            return "not convergent to x*" + grow
        return "error grows" + grow
    return str(d.get("reason") or "")


def rates_text(rec: dict[str, Any], study) -> str:
    """Readable predicted-vs-measured comparison of one run: the same kinds, numbers, verdict
    and reason as ``rates --json``."""
    pred, meas = rec["predicted"], rec["measured"]
    hyper = ", ".join(f"{k}={v}" for k, v in rec["hyper"].items())
    lines = [f"{rec['method']} ({hyper})", f"  from x0 = {fmt(list(study.x0))}"]
    if rec["minimizer"] is not None:
        lines.append(f"  minimizer x* = {fmt(rec['minimizer'])}  [{rec.get('minimizer_how')}]")
        if rec["eigenvalues"] is not None:
            lines.append(f"  Hessian eigenvalues at x*: {fmt(rec['eigenvalues'])}")
    else:
        lines.append(f"  no minimizer: {rec.get('minimizer_how')}")
    lines.append("")
    window = meas.get("window")
    span = (f"iterations {window[0]}–{window[1]} of {meas.get('iterations')}" if window
            else f"{meas.get('iterations')} iterations")
    lines.append(f"  {'predicted':10} {pred['kind']:<12} {_kind_details(pred, True)}"
                 f"   [{pred.get('basis') or '—'}]")
    lines.append(f"  {'measured':10} {meas['kind']:<12} {_kind_details(meas, False)}   [{span}]")
    lines.append("")
    c = study.comparison
    verdict = {"agrees": "agree", "disagrees": "disagree",
               "not comparable": "cannot be compared"}.get(c.verdict, c.verdict)
    rule = ""
    from analysis.compare import decisive_diff

    diff = decisive_diff(c)
    if diff is not None and c.tolerance is not None and c.quantity in ("rate", "exponent"):
        rule = (f" (rel. diff. {fmt(100 * diff, 2)}% "
                f"{'≤' if diff <= c.tolerance else '>'} {fmt(100 * c.tolerance, 2)}%)")
    lines.append(f"  theory and measurement {verdict}{rule}"
                 + (f": {rec['reason']}" if rec["reason"] else ""))
    for note in list(pred.get("notes") or [])[-3:]:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


def _rates_limits(args: argparse.Namespace, n: int, hyper: dict[str, Any]) -> None:
    """``rates`` measures every iterate: refuse (exit 2) a run whose trajectory would have to
    be strided to fit the record limit (:func:`optimizers.driver.record_stride`)."""
    from landscape.limits import check_count
    from optimizers.driver import RECORD_LIMIT_BYTES, record_stride
    from optimizers.methods import get_spec

    K = get_spec(args.method).maxiter
    flag = "--maxiter"
    if args.steps is not None:
        K, flag = check_count("--steps", args.steps), "--steps"
    elif args.maxiter is not None:
        K = check_count("--maxiter", args.maxiter)
    if record_stride(K, 1, n, True)[0] > 1:
        fit = int(RECORD_LIMIT_BYTES // ((n + 2) * 8))
        raise UsageError(f"rates measures every iterate: {flag} {K} needs {K + 1} iterates, "
                         f"more than the {fit} of {plural(n, 'coordinate')} "
                         "that fit the record limit "
                         f"({RECORD_LIMIT_BYTES:g} bytes)")


def cmd_rates(args: argparse.Namespace) -> int:
    from analysis.rates import rate_study

    obj = _objective(args)
    hyper = _hyper_values(args)
    _rates_limits(args, obj.n, hyper)
    x0, note = _start_points(args, obj.n)
    study = rate_study(obj, args.method, x0, steps=args.steps, maxiter=args.maxiter,
                       box=args.box, seed=args.seed, **hyper)
    rec = study.to_json()
    if args.json:
        from landscape.jsonutil import dumps

        print(dumps(rec))
    else:
        if note:
            print(f"({note})")
        print(rates_text(rec, study))
    return 0


# --------------------------------------------------------------------------- report, study, bench
def _report_summary(result: Any, as_json: bool) -> None:
    """What a document's command prints: its files and, as notes, its findings, their
    signed numbers with the document's minus sign "−" (:func:`landscape.numfmt.page_minus`:
    a finding is a sentence of the document, which printed (−0.557468, …) where the note
    read (-0.557468, …)); JSON keeps the ASCII "-" of its numbers."""
    from landscape.jsonutil import dumps

    if as_json:
        print(dumps({"pdf": str(result.pdf), "json": str(result.json), "csv": str(result.csv),
                     "pages": result.pages, "seconds": result.seconds,
                     "failures": [f.text() for f in result.failures],
                     "findings": list(result.findings)}))
        return
    print(result.summary())
    for finding in result.findings:
        print(f"note: {page_minus(finding)}")


def _output_directory(path: str) -> None:
    """Create the output directory, or refuse the path (exit 2) with the reason."""
    try:
        os.makedirs(path, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise PermissionError(f"no write permission for {path}")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"cannot write to the output directory {path!r}: {reason}") from exc


def cmd_report(args: argparse.Namespace) -> int:
    with _progress(args, "report", "parts") as progress:
        if progress is not None:
            progress(0, None, "reading the formula")
        from analysis.report import build_report, check_title

        check_title(args.title)  # before the formula is parsed: a refusal costs no SymPy

        obj = _objective(args)
        x0 = None if args.x0 is None else _x0_values(args.x0, obj.n)
        out = args.output or os.path.join("reports", "report.pdf")
        if not out.lower().endswith(".pdf") or os.path.isdir(out):
            raise UsageError(f"-o must name a .pdf file, got {out!r}"
                             + (", a directory" if os.path.isdir(out) else ""))
        _output_directory(os.path.dirname(os.path.abspath(out)))
        result = build_report(obj, out, methods=args.methods, box=args.box, x0=x0,
                              seed=args.seed, title=args.title, progress=progress)
    _report_summary(result, args.json)
    return 0


def cmd_study(args: argparse.Namespace) -> int:
    _output_directory(args.output)
    with _progress(args, "study", "sections") as progress:
        if progress is not None:
            progress(0, None, "loading")
        from analysis.study import build_study

        result = build_study(args.output, quick=args.quick, progress=progress)
    _report_summary(result, args.json)
    return 0


def cmd_campaign_report(args: argparse.Namespace) -> int:
    out = args.output or os.path.join(args.directory, "report.pdf")
    if not out.lower().endswith(".pdf") or os.path.isdir(out):
        raise UsageError(f"-o must name a .pdf file, got {out!r}")
    with _progress(args, "campaign report", "parts") as progress:
        from analysis.campaign.report import build_campaign_report, load

        store = load(args.directory)  # not a campaign store: exit 2, nothing made
        _output_directory(os.path.dirname(os.path.abspath(out)))
        result = build_campaign_report(store, out, title=args.title, progress=progress)
    _report_summary(result, args.json)
    return 0


def build_campaign_report_parser() -> argparse.ArgumentParser:
    """The parser of ``landscape campaign report DIR``."""
    p = _Parser(prog="landscape campaign report", formatter_class=_HelpFormatter,
                description="a campaign store's rows as a PDF report: ECDFs of cost to "
                            "target, performance profiles, best cells, grids against the "
                            "theory's stability boundary, where starts ended")
    p.add_argument("directory", metavar="DIR", help="campaign store (campaign.json, rows/)")
    p.add_argument("-o", "--output", metavar="PATH.pdf",
                   help="report file (default DIR/report.pdf; .json and .csv beside it)")
    p.add_argument("--title", help="title of the first page (default: Campaign report)")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    _add_common(p)
    p.set_defaults(func=cmd_campaign_report)
    return p


def cmd_campaign(args: argparse.Namespace) -> int:
    if args.spec == "report" and args.dir is not None:  # options before 'report DIR'
        return cmd_campaign_report(argparse.Namespace(
            directory=args.dir, output=args.output, title=None, json=False,
            quiet=args.quiet, timeout=args.timeout))
    from analysis.campaign.cli import cmd_campaign as run

    return run(args, _progress)


def _bench(args: argparse.Namespace) -> int:
    from analysis import bench

    return bench.run_cli(args)


# --------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``landscape`` command."""
    parser = _Parser(prog="landscape", description=__doc__.splitlines()[0],
                     formatter_class=_HelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    real_add = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return real_add(name, formatter_class=_HelpFormatter, **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    p = sub.add_parser("analyze", help="symbolic landscape analysis of a formula")
    _add_formula_options(p)
    p.add_argument("--threshold", type=float, default=VANISHING_THRESHOLD,
                   help="vanishing-gradient threshold on ‖∇f‖")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("run", help="run an optimizer (one start or a parallel batch)")
    _add_formula_options(p)
    _add_run_options(p)
    p.add_argument("--trajectory", action="store_true", help="record and print every iterate")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("rates", help="predicted vs measured convergence rate of one run")
    _add_formula_options(p)
    _add_run_options(p, batch=False)
    p.set_defaults(func=cmd_rates, starts=None)

    p = sub.add_parser("report", help="analysis, optimizer runs and theory checks as a PDF")
    _add_formula_options(p)
    p.add_argument("-o", "--output", metavar="PATH.pdf",
                   help="report file (default reports/report.pdf; .json and .csv beside it)")
    p.add_argument("--methods", metavar="M,M,...",
                   help=f"optimizers to run (default: {','.join(REPORT_METHODS)})")
    p.add_argument("--x0", metavar="X,Y,...", help="start of every run (default: drawn with "
                   "--seed, away from the critical points)")
    p.add_argument("--seed", type=int, default=SEED, help="seed of the default start")
    p.add_argument("--title", help="title of the first page (default: Landscape report)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("study", help="the lecture-note study functions -> DIR/study.pdf")
    p.add_argument("-o", "--output", metavar="DIR", default="reports",
                   help="output directory")
    p.add_argument("--quick", action="store_true", help="coarser grids, fewer starts")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    _add_common(p)
    p.set_defaults(func=cmd_study)

    from analysis.campaign.cli import add_arguments as campaign_arguments  # no NumPy here

    p = sub.add_parser("campaign", help="objectives × methods × grids × starts -> Parquet rows "
                       "(in-process or on Dask); 'campaign report DIR' -> PDF")
    campaign_arguments(p)
    _add_common(p)
    p.set_defaults(func=cmd_campaign)

    from analysis.bench_options import add_arguments  # no NumPy at parse time

    p = sub.add_parser("bench", help="benchmark against SciPy and NumPy (ratios, one run)")
    add_arguments(p)
    _add_common(p)
    p.set_defaults(func=_bench)
    return parser


def _option_table(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """(all option strings, option strings that take exactly one value) of every subcommand."""
    options: set[str] = set()
    valued: set[str] = set()
    parsers = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers.extend(action.choices.values())
    for p in parsers:
        for action in p._actions:
            options.update(action.option_strings)
            if action.option_strings and action.nargs is None and action.const is None:
                valued.update(action.option_strings)
    return options, valued


def normalize_argv(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """Let values and formulas start with ``-``: ``--x0 -1,2`` and ``analyze "-x**2"``.

    argparse takes any token starting with ``-`` for an option.  A value that starts with
    ``-`` is glued to its option (``--x0=-1,2``); any other token that starts with ``-`` but
    is not a known option is a formula and is protected with a leading space (formulas are
    stripped before parsing).
    """
    options, valued = _option_table(parser)
    out: list[str] = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in valued and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            sep = "=" if tok.startswith("--") else ""
            out.append(f"{tok}{sep}{argv[i + 1]}")
            i += 2
            continue
        if tok.startswith("-") and not tok.startswith("--") and tok.split("=", 1)[0] not in options:
            tok = " " + tok
        out.append(tok)
        i += 1
    return out


#: when the command started (:func:`main`'s call, or the process's start for the console
#: script), for --timeout
_START = {"t": time.monotonic()}

#: the message of the --timeout in force (set when it is armed)
_TIMEOUT: dict[str, str] = {}


def _process_age() -> float:
    """Seconds since this process started: now on ``CLOCK_BOOTTIME`` minus field 22 of
    ``/proc/self/stat`` (start time in clock ticks after boot); 0 where either is missing or
    the difference is not between 0 and 10 s (a clock this module cannot trust)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - int(fields[19]) / os.sysconf(
            "SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0
    return age if 0.0 <= age <= 10.0 else 0.0


class _Deadline:
    """``--timeout``: a graceful stop, then a hard one, within half a second of the limit.

    The limit counts from the start of the command (of the process, for the console script).
    At the deadline a SIGALRM handler raises :class:`~landscape.errors.CommandTimeout` in the
    main thread, so ``finally`` blocks run (temporary files removed, worker processes reaped)
    while no numeric fallback and no report section guard catches it.  Compiled loops and C
    libraries do not see Python signals until they return, so a watchdog thread ends the
    process with exit code 1 if the graceful stop has not happened
    :data:`landscape.interrupts.GRACE` seconds later (never in the middle of moving a report
    set into place; workers die with the process).
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.done = None

    def __enter__(self) -> _Deadline:
        if self.seconds is None:
            return self
        import signal
        import threading

        from landscape import interrupts
        from landscape.errors import CommandTimeout
        from landscape.limits import check_seconds

        seconds = check_seconds("--timeout", _number(str(self.seconds), "--timeout"))
        message = f"timed out after {seconds:g} s (--timeout)"
        left = max(seconds - (time.monotonic() - _START["t"]), 1e-3)
        _TIMEOUT["message"] = message

        def expired() -> CommandTimeout:
            _HURRY.add("timeout")
            return CommandTimeout(message)

        interrupts.on_signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, left)
        self.done = threading.Event()

        def watchdog() -> None:
            if not self.done.wait(left + interrupts.GRACE):
                interrupts.hard_exit(1, message)

        threading.Thread(target=watchdog, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self.done is not None:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            self.done.set()


#: errno values that mean "no room to write": the disk, a quota or the file size limit
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def os_error_message(err: OSError) -> tuple[str, int]:
    """One line and an exit code for an OSError: 2 when the user can fix it (no room, no
    permission, a directory where a file was meant), naming the place rather than a temporary
    file; 1 otherwise."""
    from landscape.compiled import cache_root

    name = os.fsdecode(err.filename) if err.filename is not None else ""
    reason = err.strerror or str(err)
    place = os.path.dirname(name) if os.path.basename(name).startswith(".") else name
    cache = os.path.abspath(cache_root())
    if name and os.path.abspath(name).startswith(cache + os.sep):
        return (f"cannot write the kernel cache {cache}: {reason} (set LANDSCAPE_CACHE_DIR "
                "to a directory you can write)", 2)
    if err.errno in _NO_ROOM:
        return f"no room to write {place or 'a file'}: {reason}; free some space", 2
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR):
        return f"cannot write {place or 'a file'}: {reason}", 2
    return f"{reason}: {name}".rstrip(": "), 1


class _Notes:
    """Warnings during a command as one-line notes on stderr, never Python's two-line warnings
    with file names: the project's own (:class:`LandscapeWarning`) when they happen, those of
    the libraries (NumPy, SciPy, matplotlib, Numba, SymPy) collected and printed once each at
    the end, with their count."""

    def __enter__(self) -> _Notes:
        self.seen: dict[tuple[str, str, str], int] = {}
        self.said: set[tuple[str, str, str]] = set()
        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("always")  # every one is counted; each is said once
        for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                      ResourceWarning):  # ignored by Python's defaults: for developers
            warnings.simplefilter("ignore", quiet)
        warnings.showwarning = self._show
        return self

    def _show(self, message, category, filename, lineno, file=None, line=None) -> None:
        if issubclass(category, LandscapeWarning):  # the project's own: said when it happens
            key = ("landscape", category.__name__, str(message))
            if key not in self.said:
                self.said.add(key)
                progress_bar.say(f"landscape: note: {message}")
            return
        parts = os.path.normpath(str(filename)).split(os.sep)
        lib = next((p for p in reversed(parts[:-1]) if p in _LIBRARIES), "")
        text = " ".join(str(message).split())[:200]
        # NumPy's floating-point warnings name the caller's file, not NumPy's
        lib = "numpy" if " encountered in " in text else lib
        key = (_LIBRARIES.get(lib, "Python"), category.__name__, text)
        self.seen[key] = self.seen.get(key, 0) + 1

    def __exit__(self, *exc) -> None:
        self._cm.__exit__(*exc)
        for (lib, kind, text), count in self.seen.items():
            times = f", {count} times" if count > 1 else ""
            print(f"landscape: note: {lib} warned: {text} ({kind}{times})", file=sys.stderr)


_LIBRARIES = {"numpy": "NumPy", "scipy": "SciPy", "matplotlib": "matplotlib",
              "numba": "Numba", "sympy": "SymPy", "mpmath": "mpmath", "landscape": "landscape",
              "optimizers": "landscape", "analysis": "landscape"}


def _check_environment() -> None:
    """Refuse (exit 2) environment variables out of range before any work starts."""
    from landscape.budget import budget_scale
    from landscape.limits import memory_limit_bytes

    budget_scale()
    memory_limit_bytes()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``landscape`` console script; returns the exit code."""
    # the console script counts from the start of the process (Python's start-up and the
    # imports before this call are part of the command); a call in a running process, from now
    _START["t"] = time.monotonic() - (_process_age() if argv is None else 0.0)
    _TIMEOUT.clear()
    from landscape import interrupts

    if argv is None:
        _report_crashes()
    if threading.current_thread() is threading.main_thread():
        interrupts.install()
    _HURRY.clear()
    try:
        code = _main(argv)
    finally:
        interrupts.finished()
    if argv is None and _HURRY:
        # the console script after a timeout or a signal: end now, without the interpreter's
        # teardown (Numba's and LLVM's finalizers take about half a second)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _report_crashes() -> None:
    """A crash in a compiled library (segmentation fault, abort) ends the process at once,
    before any message: have Python's fault handler print the stack of every thread on
    stderr, so that it is not silent (a return code of -11 and an empty stderr say nothing
    of where it happened).  Nothing is printed unless the process dies of such a signal, and
    the return code stays the signal's."""
    import faulthandler

    if faulthandler.is_enabled():  # PYTHONFAULTHANDLER or -X faulthandler
        return
    with contextlib.suppress(AttributeError, ValueError, OSError):  # no usable stderr
        faulthandler.enable(file=sys.stderr, all_threads=True)


#: set when the command ends by a timeout or a signal (then the process ends at once)
_HURRY: set[str] = set()


def _early_timeout(argv: Sequence[str]) -> str | None:
    """The value of ``--timeout`` in ``argv`` (None when absent), read before the parser is
    built, so that the limit covers the whole command."""
    for i, tok in enumerate(argv):
        if tok == "--timeout" and i + 1 < len(argv):
            return argv[i + 1]
        if tok.startswith("--timeout="):
            return tok.split("=", 1)[1]
    return None


def _timed_out() -> bool:
    """True (and the timeout said on stderr) when the deadline passed during the command: an
    error raised after it (a library that turned the timeout into an error of its own, e.g.
    Numba interrupted while compiling) is the timeout, not a failure of the analysis."""
    if "timeout" not in _HURRY:
        return False
    print(f"landscape: {_TIMEOUT.get('message', 'timed out (--timeout)')}", file=sys.stderr)
    return True


def _run(argv: list[str]) -> int:
    """Parse ``argv`` and run the command, under its deadline and note collection."""
    with contextlib.ExitStack() as stack:
        early = _early_timeout(argv)
        if early is not None:
            stack.enter_context(_Deadline(early))
        from landscape.limits import check_thread_env

        check_thread_env()  # before anything imports Numba
        if argv[:2] == ["campaign", "report"]:
            parser, argv = build_campaign_report_parser(), argv[2:]
        else:
            parser = build_parser()
        args = parser.parse_args(normalize_argv(parser, argv))
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        if isinstance(getattr(args, "formula", None), str):
            args.formula = args.formula.strip()
        _check_environment()
        stack.enter_context(_Notes())
        if early is None:
            stack.enter_context(_Deadline(getattr(args, "timeout", None)))
        return int(args.func(args) or 0)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv)
    except CommandTimeout as err:
        print(f"landscape: {err}", file=sys.stderr)
        return err.exit_code
    except ParseError as err:
        if _timed_out():
            return 1
        print(f"landscape: {err}", file=sys.stderr)
        caret = err.caret()
        if caret:
            print(caret, file=sys.stderr)
        return err.exit_code
    except LandscapeError as err:
        if _timed_out():
            return 1
        print(f"landscape: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except BrokenPipeError:
        return 0
    except OSError as err:  # disk full, file removed under us: say so, no traceback
        message, code = os_error_message(err)
        print(f"landscape: {message}", file=sys.stderr)
        return code
    except Exception as err:  # noqa: BLE001 - last line of defence: no traceback for users
        if _timed_out():
            return 1
        from landscape.errors import error_behind

        behind = error_behind(err, KeyboardInterrupt)
        if behind is not None:
            return _interrupted(behind)
        if os.environ.get("LANDSCAPE_DEBUG"):
            raise
        return _internal_error(err)


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Say that a signal ended the command, and give its exit code (130 for SIGINT)."""
    from landscape.interrupts import Terminated, exit_code

    _HURRY.add("signal")
    print(f"landscape: {'terminated' if isinstance(exc, Terminated) else 'interrupted'}",
          file=sys.stderr)
    return exit_code(exc)


def _internal_error(err: Exception) -> int:
    """Say what went wrong in one line (an OS error behind it as such) and give the exit code."""
    from landscape.errors import os_error_behind

    cause = os_error_behind(err)
    if cause is not None:
        message, code = os_error_message(cause)
        print(f"landscape: {message}", file=sys.stderr)
        return code
    print(
        f"landscape: internal error: {type(err).__name__}: {err} "
        "(set LANDSCAPE_DEBUG=1 for a traceback)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
