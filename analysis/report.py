"""PDF reports of one objective (:func:`build_report`), written atomically with JSON and CSV.

A report is an A4 PDF laid out by :mod:`analysis.pages` (ReportLab platypus, TrueType fonts
embedded, so every word and number is selectable and searchable), plus
``NAME.json`` (every result, structured) and ``NAME.csv`` (every number in the report, one per
row, with how it was obtained).  The three files are written to temporary files in the target
directory and moved into place with :func:`os.replace` only when all three are complete: a run
that fails or is interrupted leaves the previous report untouched and no partial file.

Each section is computed inside its own guard: an exception (no critical point in the box, a
failed exact solve, a diverging method, an unplottable figure) is recorded, and the report
still gets written with a **What failed** section that says what went wrong and where.

How every number was obtained is marked (legend on the title page and under the tables):

======  ===========================================================================
 ᵉ      exact — a SymPy result (rational, radical, π, …) shown rounded
 ⁿ      numeric — floating point, to the tolerance stated beside it
 ᵐ      measured — read off an optimizer run
 ᶠ      fitted — estimated from a run by a fit (rates over a window, orders)
 ᵗ      theory — a closed-form prediction evaluated in floating point
 ˢ      setting — an input chosen for the run (hyperparameters, start)
======  ===========================================================================

The page engine (:class:`analysis.pages.Document`) is shared with :mod:`analysis.study`:
headings, paragraphs, typeset formulas, tables (kept whole when short, split with repeated
headers when long, notes as footnotes once per page) and figures drawn by
:mod:`analysis.plots` (two per row when half width) flow onto A4 pages with a table of
contents.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import json
import math
import os
import re
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np

from analysis import empirical as E
from analysis.compare import (
    ON_AVERAGE,
    SE_RULE,
    SPEED,
    band_digits,
    decisive_diff,
    kind_words,
    log_scale_decides,
    on_average,
    order_word,
    percent,
    prediction_how,
    r_linear_text,
    rule_text,
    scale_name,
    verdict_band,
)
from analysis.empirical import (
    BAND_DIAMETER_POINTS,
    CYCLE_RTOL,
    ORDER_BAND,
    float_exact,
    fmt_floor,
    kind_read_below,
    one_se,
    order_band,
    order_printed,
    printed_window,
    se_lines,
    steps_name,
)
from analysis.pages import (  # re-exported: the Document API of analysis.pages
    CONTENT_W as CONTENT_W,
)
from analysis.pages import (
    HOW,
    NBSP,
    SMALL,
    Column,
    Document,
    block_texts,
    how_lines,
    inline_math,
    legend_text,
    mark,
    note_aside,
    page_ref,
    section_ref,
    text_math,
    unbroken,
    used_hows,
)
from analysis.pages import FigureBlock as FigureBlock
from analysis.pages import Heading as Heading
from analysis.pages import MathLine as MathLine
from analysis.pages import PageFill as PageFill
from analysis.pages import Paragraph as Paragraph
from analysis.pages import Table as Table
from analysis.pages import drop_empty_columns as drop_empty_columns
from analysis.pages import typeset as typeset
from analysis.rates import OUTSIDE_EVERY, OUTSIDE_ONLY, radius_rule
from analysis.theory.cg import exact_search_text
from analysis.theory.prediction import NO_RATE_PROMISED
from landscape.critical import REFINE_DPS
from landscape.defaults import REPORT_METHODS, SEED
from landscape.jsonutil import jsonable
from landscape.numfmt import (
    GRAD_DIGITS,
    ORDER_DIGITS,
    POINT_DIGITS,
    RATE_DIGITS,
    as_printed,
    fmt,
    fmt_grad,
    fmt_rate,
    fmt_sci,
    iteration_count,
    iteration_counts,
    plural,
    rate_digits,
    round_out,
    spaced,
)
from landscape.progress import Progress, Stages
from optimizers import registry
from optimizers.driver import DIVERGENCE_BOUND
from optimizers.registry import families, names

# ============================================================================ ledger, results


@dataclass
class Number:
    """One number of the report and how it was obtained (a CSV row)."""

    section: str
    item: str
    quantity: str
    value: Any
    how: str
    note: str = ""


class Ledger(list):
    """Every number shown in a report, with its provenance (``how`` ∈ :data:`HOW`)."""

    def add(self, section: str, item: str, quantity: str, value: Any, how: str,
            note: str = "") -> Any:
        """Record a number and return it unchanged."""
        if how not in HOW:
            raise ValueError(f"unknown provenance {how!r}")
        self.append(Number(section, str(item), quantity, value, how, note))
        return value

    def csv_text(self) -> str:
        """CSV with header ``section,item,quantity,value,how,note`` (non-finite → empty)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["section", "item", "quantity", "value", "how", "note"])
        for n in self:
            v = jsonable(n.value)
            if isinstance(v, (list, dict)):
                v = json.dumps(v)
            w.writerow([n.section, n.item, n.quantity, "" if v is None else v, n.how, n.note])
        return buf.getvalue()

    def to_json(self) -> list[dict[str, Any]]:
        return [jsonable(vars(n)) for n in self]


@dataclass
class Failure:
    """Something that failed while building a report: where, the error type and message."""

    section: str
    error: str
    message: str
    detail: str = ""

    def text(self) -> str:
        return f"{self.section}: {self.error}: {self.message}"


@dataclass
class ReportResult:
    """What :func:`build_report` / :func:`analysis.study.build_study` wrote.

    ``pdf``, ``json``, ``csv``: the paths written; ``failures``: what failed (sections that
    raised, figures that could not be drawn); ``findings``: analysis outcomes a reader must
    know (diverged methods, incomplete critical-point lists, …); ``pages``; ``seconds``;
    ``page_fill``: per page, the blank share of the text area and whether it ends a section.
    """

    pdf: Path
    json: Path
    csv: Path
    failures: list[Failure] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    sections: list[str] = field(default_factory=list)
    page_fill: list[PageFill] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no section failed."""
        return not self.failures

    @property
    def paths(self) -> list[Path]:
        return [self.pdf, self.json, self.csv]

    def summary(self) -> str:
        """One line per file and per failure (for the command line)."""
        lines = [f"wrote {p}" for p in self.paths]
        lines.append(f"{self.pages} pages in {self.seconds:.1f} s")
        lines += [f"failed: {f.text()}" for f in self.failures]
        return "\n".join(lines)


#: a temporary file of a report writer: ``.{stem}.{pid}.{random}{suffix}.tmp``
_TMP_PID = re.compile(r"\.(\d+)\.[^.]+\.[a-z]+\.tmp$")
#: temporary files without a writer's pid (older versions) are swept after this many seconds
_STALE_SECONDS = 600.0


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _journal(path: Path) -> Path:
    return path.with_name(f".{path.stem}.commit")


def recover_set(path: Path) -> None:
    """Finish or clean up what killed writers of ``path``'s set left behind.

    A commit journal (written before the first rename, removed after the last) means a writer
    died while moving its set into place: the renames are completed from it, so the set is
    the new one whole.  Temporary files of writers that no longer run are removed.
    """
    path = Path(path)
    journal = _journal(path)
    with contextlib.suppress(FileNotFoundError):
        for line in journal.read_text(encoding="utf-8").splitlines():
            tmp, sep, target = line.partition("\t")
            if sep and os.path.exists(tmp):
                os.replace(tmp, target)
        journal.unlink()
    now = time.time()
    prefix = f".{path.stem}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent if str(path.parent) else "."):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            m = _TMP_PID.search(entry.name[len(prefix) - 1:])
            stale = (not _alive(int(m.group(1)))) if m else (
                now - entry.stat().st_mtime > _STALE_SECONDS)
            if stale:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def write_atomically(path: Path, writers: Mapping[str, Callable[[Path], None]]) -> None:
    """Write sibling files ``path.with_suffix(suffix)`` for each ``suffix → writer(tmp)``,
    all or nothing.

    Every writer writes a temporary file in the target directory; only when all succeeded
    are they moved into place.  The moves run inside :func:`landscape.interrupts.critical`
    (SIGINT, SIGTERM and the timeout wait until the set is complete) after a journal listing
    them was written, so even a writer killed between two moves leaves a set that the next
    writer (:func:`recover_set`) completes.  On any error or interruption before the moves the
    temporary files are removed and the previous set is left as it was; temporary files of
    killed writers are swept by the next writer.
    """
    from landscape.errors import os_error_behind
    from landscape.interrupts import TEMP_FILES, critical

    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    recover_set(path)
    temps: dict[str, Path] = {}
    umask = os.umask(0)
    os.umask(umask)
    try:
        for suffix, writer in writers.items():
            fd, name = tempfile.mkstemp(prefix=f".{path.stem}.{os.getpid()}.",
                                        suffix=f"{suffix}.tmp", dir=directory)
            os.close(fd)
            TEMP_FILES.add(name)
            temps[suffix] = Path(name)
            try:
                writer(temps[suffix])
            except Exception as exc:
                cause = os_error_behind(exc)
                if cause is None or cause.filename is not None:
                    raise
                # a write into an open file names no file: name the one being written
                raise OSError(cause.errno, cause.strerror, str(path.with_suffix(suffix))) from exc
            os.chmod(temps[suffix], 0o666 & ~umask)  # as open() would create it, not 0600
        journal = _journal(path)
        lines = "".join(f"{tmp}\t{path.with_suffix(sfx)}\n" for sfx, tmp in temps.items())
        with critical():
            fd, name = tempfile.mkstemp(prefix=f".{path.stem}.{os.getpid()}.",
                                        suffix=".journal.tmp", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(lines)
            os.replace(name, journal)
            committed = dict(temps)
            temps.clear()  # from here on the journal completes the set, whatever happens
            for suffix, tmp in committed.items():
                os.replace(tmp, path.with_suffix(suffix))
                TEMP_FILES.discard(str(tmp))
            journal.unlink()
    finally:
        for tmp in temps.values():
            TEMP_FILES.discard(str(tmp))
            with contextlib.suppress(OSError):
                tmp.unlink()


def _write_text(text: str) -> Callable[[Path], None]:
    def writer(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return writer


class Builder:
    """A document with its ledger, JSON data and failure list, and the section guard.

    ``progress`` (optional, :mod:`landscape.progress`) is told each outermost guarded section
    as it starts and the writing of the files; ``total`` is their number when known."""

    def __init__(self, title: str, footer: str | None = None, *,
                 progress: Progress | None = None, total: int | None = None):
        self.doc = Document(title, footer=footer)
        self.ledger = Ledger()
        self.data: dict[str, Any] = {}
        self.failures: list[Failure] = []
        self.findings: list[str] = []
        self.sections: list[str] = []
        self.t0 = time.perf_counter()
        self.stages = Stages(progress, total)
        self._depth = 0

    @contextlib.contextmanager
    def guard(self, section: str, *, note: bool = True) -> Iterator[None]:
        """Run a section; an exception is recorded (and said in the document) instead of
        propagating.  KeyboardInterrupt, SystemExit and the command's --timeout
        (:class:`~landscape.errors.CommandTimeout`) propagate."""
        if not self._depth:
            self.stages(section)
        self._depth += 1
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - that is the point of the guard
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-3)
            f = Failure(section, type(exc).__name__, str(exc) or repr(exc), "".join(tb))
            self.failures.append(f)
            if note:
                self.doc.paragraph(f"This part failed ({f.error}: {f.message}); see "
                                   "“What failed”.", style="italic", color="#aa0000")
        finally:
            self._depth -= 1

    def write(self, path: str | os.PathLike) -> ReportResult:
        """Write PDF, JSON and CSV atomically; returns the :class:`ReportResult`."""
        self.stages(f"writing {Path(path).name}")
        pdf = Path(path)
        if pdf.suffix.lower() != ".pdf":
            pdf = pdf.with_suffix(".pdf")
        pages = [0]

        def write_pdf(tmp: Path) -> None:
            pages[0] = self.doc.render(tmp)

        def write_json(tmp: Path) -> None:
            for label, err in self.doc.render_failures:
                f = Failure(f"figure {label}", "FigureError", err)
                if all(g.text() != f.text() for g in self.failures):
                    self.failures.append(f)
            data = dict(self.data)
            data["failures"] = [vars(f) for f in self.failures]
            data["findings"] = list(self.findings)
            data["numbers"] = self.ledger.to_json()
            data["pages"] = pages[0]
            tmp.write_text(json.dumps(jsonable(data), indent=1, allow_nan=False),
                           encoding="utf-8")

        write_atomically(pdf, {".pdf": write_pdf, ".json": write_json,
                               ".csv": lambda t: _write_text(self.ledger.csv_text())(t)})
        self.stages.finish()
        return ReportResult(pdf, pdf.with_suffix(".json"), pdf.with_suffix(".csv"),
                            list(self.failures), list(self.findings), pages[0],
                            time.perf_counter() - self.t0, list(self.sections),
                            list(self.doc.page_fill))


# ============================================================================ report analysis

#: Longest title of a report, in characters (a title is typeset on one page, word by word).
TITLE_LIMIT = 200

def check_title(title: str | None) -> None:
    """Refuse (:class:`InputError`) a title longer than :data:`TITLE_LIMIT` characters or not
    one line of printable text (typesetting 20,000 characters took minutes)."""
    from landscape.errors import InputError

    if title is not None and (len(title) > TITLE_LIMIT or not title.isprintable()):
        raise InputError(f"the title must be at most {TITLE_LIMIT} printable characters (one "
                         f"line), got {len(title)}")


#: Methods of a report when none are given.
DEFAULT_METHODS = REPORT_METHODS

#: Seed of the default start point.
DEFAULT_SEED = SEED

#: Fraction of the box diagonal the default start keeps from every critical point.
START_CLEARANCE = 0.25
#: decimals a default start's coordinates are rounded to (:func:`default_start`) and
#: printed with (:func:`start_text`)
START_DECIMALS = 2

#: Hyperparameters shown in the comparison table, per method (others are defaults).
SHOWN_HYPER = {
    "gd": ("lr", "line_search"), "sgd": ("lr", "noise", "batch_size"),
    "momentum": ("lr", "momentum", "dampening"), "nesterov": ("lr", "momentum"),
    "adagrad": ("lr",), "rmsprop": ("lr", "alpha"), "adadelta": ("lr", "rho"),
    "adam": ("lr", "beta1", "beta2"), "adamw": ("lr", "beta1", "beta2", "weight_decay"),
    "newton": ("line_search", "modification", "damping"), "cg": ("variant", "line_search"),
    "bfgs": ("line_search",), "lbfgs": ("memory", "line_search"),
    "coordinate": ("update", "order", "lr"),
}

#: How the pages write a hyperparameter whose name spells a letter of the methods' formulas
#: (``beta1`` → β₁, as Adam's m ← β₁m + (1 − β₁)g writes it; ``alpha``, ``rho``, ``eps``;
#: the step size ``lr`` → η, :data:`STEP_SIZE`); names that are words (``momentum``,
#: ``dampening``, ``memory``) are written as given, as the user passes them.
HYPER_SYMBOLS = {"lr": "η", "beta1": "β₁", "beta2": "β₂", "alpha": "α", "rho": "ρ", "eps": "ε",
                 "gamma": "γ", "tau": "τ", "eta": "η", "eta_min": "ηₘᵢₙ"}

#: What a hyperparameter named by a word means, said in the notes of a table that shows it
#: (its name alone is the optimizers' option, taken from PyTorch)
HYPER_MEANINGS = {
    "dampening": ("dampening: the gradient enters the momentum buffer b scaled by "
                  "1 − dampening, b ← momentum·b + (1 − dampening)∇f (0: all of it)"),
    "damping": "damping: Newton's step size α, the first step its line search tries",
}

#: Newton's default Hessian modification in words (N&W Alg. 3.3)
EIGENVALUE_SHIFT = ("eigenvalue shift: τI is added to ∇²f, τ raised until the sum is positive "
                    "definite, so every eigenvalue is shifted by τ")


def hyper_meanings(runs: Sequence[MethodRun]) -> str:
    """The meanings (:data:`HYPER_MEANINGS`) of the word-named hyperparameters that the
    table's cells of ``runs`` show (:data:`SHOWN_HYPER`), each once, as a sentence; '' when
    none is shown."""
    shown = dict.fromkeys(k for r in runs
                          for k in SHOWN_HYPER.get(r.method, ())
                          if k in HYPER_MEANINGS and (r.result.hyper if r.result is not None
                                                      else r.hyper).get(k) is not None)
    return "; ".join(HYPER_MEANINGS[k] for k in shown) + "." if shown else ""


#: The step size's symbol defined in words, where a page first uses it
STEP_SIZE = "step size (learning rate) η"


@dataclass
class MethodRun:
    """One method of a report: label, method name, hyperparameters and why they were chosen,
    the comparison run and the rate study (None where they failed)."""

    label: str
    method: str
    hyper: dict[str, Any]
    why: str
    result: Any = None
    study: Any = None

    @property
    def shown(self) -> str:
        """How the pages print the run: the method's label (:func:`optimizers.registry.label`,
        ``GD``, ``L-BFGS``), with the count of a repeated method (``GD (2)``); ``label`` stays
        the key of the run in the report's data."""
        return registry.label(self.method) + self.label[len(self.method):]


def method_titles(methods: Sequence[str]) -> str:
    """The methods in words for their first mention, each with the label the pages print it
    by when the words do not start with it: ``gradient descent (GD), Adam, limited-memory
    BFGS (L-BFGS)``."""
    out = []
    for m in dict.fromkeys(methods):
        title, label = registry.title(m), registry.label(m)
        out.append(title if title.startswith(label) else f"{title} ({label})")
    return ", ".join(out)


@dataclass
class Analysis:
    """Everything computed for a report (None where a step failed)."""

    obj: Any
    box: np.ndarray
    x0: np.ndarray | None = None
    x0_how: str = ""
    cps: Any = None
    convexity: Any = None
    vanishing: Any = None
    minimum: Any = None
    eigenvalues: np.ndarray | None = None
    #: the minimum the default steps are tuned to (:func:`tuning_minimum`) and its spectrum
    tuned: Any = None
    tuned_eigenvalues: np.ndarray | None = None
    #: the L (and κ) the default steps use, and where each is taken (:func:`default_curvature`)
    curvature: Any = None
    runs: list[MethodRun] = field(default_factory=list)
    lr_sweep: Any = None
    basins: Any = None
    basin_method: str = ""


def _objective(obj_or_formula: Any, params: Mapping[str, Any] | None, dim: int | None) -> Any:
    """An Objective from a formula string (parsed safely) or an Objective as is."""
    if isinstance(obj_or_formula, str):
        from landscape import Objective

        return Objective.parse(obj_or_formula, params=params, dim=dim)
    if params or dim:
        from landscape.errors import InputError

        raise InputError("params and dim apply to a formula string, not to an Objective")
    return obj_or_formula


def _method_list(methods: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """``(label, method, hyper)`` for each requested method (names, or (name, hyper) pairs,
    or a mapping name → hyper); labels are made unique."""
    from landscape.errors import InputError
    from optimizers import METHODS

    if methods is None:
        items: list[tuple[str, dict[str, Any]]] = [(m, {}) for m in DEFAULT_METHODS]
    elif isinstance(methods, str):
        items = [(m.strip(), {}) for m in methods.split(",") if m.strip()]
    elif isinstance(methods, Mapping):
        items = [(str(k), dict(v or {})) for k, v in methods.items()]
    else:
        items = [(m, {}) if isinstance(m, str) else (str(m[0]), dict(m[1])) for m in methods]
    out, seen = [], {}
    for name, hyper in items:
        if name not in METHODS:
            raise InputError(f"unknown method {name!r}; choose from {', '.join(METHODS)}")
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} ({seen[name]})"
        out.append((label, name, hyper))
    if not out:
        raise InputError("no methods given")
    return out


def default_start(obj: Any, box: np.ndarray, points: Sequence[np.ndarray],
                  minimizer: np.ndarray | None = None, seed: int = 0, tries: int = 500,
                  minimizer_is: str | None = None) -> tuple[np.ndarray, str]:
    """The default start: uniform draws (seeded) from the box, rounded to
    :data:`START_DECIMALS` decimals, until
    one is at least :data:`START_CLEARANCE` × the box diagonal from the minimizer (when there
    is one), at least 5 % of the diagonal from every other critical point, and has a finite
    f and ∇f.  Returns the point and a sentence saying how it was chosen, the minimizer
    named by ``minimizer_is`` (:func:`start_minimizer_words`; default ``(0, 0), the
    minimizer of lowest f``).  The 5 % clause is said only when there is another critical
    point for it to speak of."""
    rng = np.random.default_rng(seed)
    lo, hi = box[:, 0], box[:, 1]
    diag = float(np.linalg.norm(hi - lo))
    others = [p for p in points
              if minimizer is None or float(np.linalg.norm(p - minimizer)) > 0.0]
    best, best_score = None, -math.inf
    for _ in range(tries):
        x = np.round(lo + rng.random(lo.size) * (hi - lo), START_DECIMALS)
        try:
            ok = np.isfinite(obj.compiled.value(x)) and np.all(np.isfinite(obj.grad(x)))
        except Exception:  # noqa: BLE001 - a point outside the domain is just skipped
            ok = False
        if not ok:
            continue
        d_min = math.inf if minimizer is None else float(np.linalg.norm(x - minimizer))
        d_any = min((float(np.linalg.norm(x - p)) for p in points), default=math.inf)
        if d_min >= START_CLEARANCE * diag and d_any >= 0.05 * diag:
            how = (f"a uniform draw from the box with seed {seed}, rounded to {START_DECIMALS} "
                   "decimals, at least ")
            if minimizer is None:
                return x, how + "5% of the box diagonal from every critical point"
            who = minimizer_is or f"{fmt_point(minimizer)}, the minimizer of lowest f"
            how += f"{START_CLEARANCE:g} × the box diagonal from {who}"
            if others:
                how += (f", and at least 5% of the box diagonal ({fmt_num(0.05 * diag, 2)}) "
                        "from every other critical point")
            return x, how
        score = min(d_min / START_CLEARANCE, d_any / 0.05)
        if score > best_score:
            best, best_score = x, score
    if best is None:
        raise ValueError("no point of the box has a finite objective and gradient")
    return best, (f"the uniform draw with seed {seed} farthest from the critical points; "
                  "none met the clearance rule")


def start_text(x0: Any, how: str) -> str:
    """``x₀ = (1.37, −2.30), a uniform draw from the box with seed 0, …``: the start and how it
    was chosen, set off by a comma, so that no bracket follows the point's own.  A drawn
    start (:func:`default_start`) prints every coordinate with the
    :data:`START_DECIMALS` decimals its sentence says it was rounded to (``−2.30``, not
    ``−2.3``); a given one as given (:func:`fmt_point`)."""
    if how == "given":
        return f"x₀ = {fmt_point(x0)}, as given"
    v = np.ravel(np.asarray(x0, float))
    parts = [f"{round(c, START_DECIMALS) + 0.0:.{START_DECIMALS}f}" for c in v]  # never −0.00
    return f"x₀ = {parts[0] if v.size == 1 else '(' + ', '.join(parts) + ')'}, {how}"


#: points on the segment from the start to the minimizer where the curvature is sampled
PATH_SAMPLES = 33
#: a default fixed step that diverges is halved at most this many times
MAX_HALVINGS = 12


def path_curvature(obj: Any, x0: np.ndarray, xstar: np.ndarray | None,
                   samples: int = PATH_SAMPLES) -> float | None:
    """The largest Hessian eigenvalue ``max_t λ_max(∇²f(x₀ + t (x* − x₀)))`` over ``samples``
    equally spaced ``t ∈ [0, 1]`` (only ``t = 0`` without a minimizer): the curvature a run
    from x₀ meets on its way in, which a fixed step must respect (``η < 2/λ``) as much as the
    curvature at x*.  None when no sample has a finite Hessian."""
    ts = np.linspace(0.0, 1.0, samples) if xstar is not None else np.zeros(1)
    end = x0 if xstar is None else xstar
    top = -math.inf
    for t in ts:
        H = np.asarray(obj.compiled.hessian(x0 + t * (end - x0)), dtype=float)
        if np.all(np.isfinite(H)):
            top = max(top, float(np.linalg.eigvalsh(0.5 * (H + H.T))[-1]))
    return top if math.isfinite(top) else None


#: The name of the smoothness constant on the box (max over the box of |λ(∇²f)|), which
#: differs from L, the largest Hessian eigenvalue at the minimizer that sets η = 1/L.
L_BOX = "L_box"

#: The convexity table's rows for μ and L_box, each saying what it is the extreme of
#: (Rosenbrock p. 4: "L_box (smoothness, max over the box)" left the maximised quantity out)
MU_LABEL = "μ = min of λ_min(∇²f) on the box (strong convexity)"
L_BOX_LABEL = f"{L_BOX} = max of |λ(∇²f)| on the box (smoothness)"

#: The name of λ_max(∇²f(x*)), the largest Hessian eigenvalue at the minimizer, on which the
#: step-size threshold 2/L* is predicted; the default steps' L (η = 1/L) is larger when the
#: run meets more curvature on its way in (:class:`Curvature`).
L_STAR = "L*"


@dataclass
class Curvature:
    """The curvature the default steps are fitted to (:func:`default_curvature`): ``L`` and
    where it is taken (``L_where``); the spectrum ``lam`` whose κ = L/μ the momentum
    defaults use (None: no κ, momentum :data:`FALLBACK_MOMENTUM`), and where κ comes from
    when it is not the minimizer's own (``kappa_where``, else '')."""

    L: float
    L_where: str
    lam: np.ndarray | None = None
    kappa_where: str = ""

    def text(self, kappa: bool = False) -> str:
        """``L = 4, the largest Hessian eigenvalue at the minimizer P1 = (0, 0), exact``,
        with ``; κ = L/μ = …`` when ``kappa`` and there is a spectrum (else the reason the
        momentum is 0.5)."""
        out = f"L = {fmt_num(self.L)}, {self.L_where}"
        if kappa and self.lam is None:
            beta = FALLBACK_MOMENTUM
            out += (f"; with no κ = L/μ to tune it (μ, the smallest Hessian eigenvalue at "
                    f"the minimizer, needs a minimizer with a positive definite Hessian, and "
                    f"there is none here), the momentum falls back to a fixed "
                    f"{fmt_num(beta)}, the same for every f (not tuned: its effective step "
                    f"η/(1 − β) is {fmt_num(1.0 / (1.0 - beta))}η)")
        if kappa and self.lam is not None:
            mu = float(self.lam[0])
            out += (f"; κ = L/μ = {fmt_num(self.L)}/{fmt_num(mu)} = {fmt_num(self.L / mu)}"
                    + (f", {self.kappa_where}" if self.kappa_where else
                       ", μ the smallest Hessian eigenvalue there"))
        return out


def default_curvature(eigenvalues: np.ndarray | None, L_box: float | None,
                      L_path: float | None = None, at: str = "", exact: bool | None = None
                      ) -> Curvature:
    """The rules for the L (and κ = L/μ) of the default steps, with where each is taken.

    With a minimizer of Hessian spectrum μ … L (μ > 0), L is the larger of the curvature at
    the minimizer and ``L_path``, the curvature on the way to it (:func:`path_curvature`): a
    step fitted to x* alone can diverge before the run gets there (chained Rosenbrock:
    λ_max = 1649 at x*, 2.9·10⁴ at the start); κ is then L/μ with μ at the minimizer, not the
    minimizer's own κ.  With κ = 1 (all eigenvalues equal, e.g. one variable) L is doubled:
    the step 1/λ would be an exact Newton step and hide the linear rate.  Without a minimizer
    with a positive definite Hessian (none, or one on a kink), L is the smoothness constant on
    the box, else ``L_path`` (else 1, "no curvature information"), and there is no κ.  ``at``
    names the minimizer (e.g. ``"P1 = (3, 2)"``), ``exact`` whether its eigenvalues are exact
    (said after them)."""
    lam = None if eigenvalues is None else np.sort(np.asarray(eigenvalues, float))
    at = f" {at}" if at else ""
    how = "" if exact is None else (", exact" if exact else ", numeric")
    if lam is not None and lam.size and lam[0] > 0:
        top = float(lam[-1])
        if L_path is not None and L_path > top * (1 + 1e-9):
            L = float(L_path)
            return Curvature(
                L, f"the largest Hessian eigenvalue on the segment from x₀ to the minimizer"
                f"{at}, above {L_STAR} = {fmt_num(top)} at the minimizer", np.append(lam, L),
                f"μ the smallest Hessian eigenvalue at the minimizer; not the minimizer's own "
                f"κ = {fmt_num(top / float(lam[0]))}")
        if top <= lam[0] * (1 + 1e-9):
            return Curvature(2.0 * top, f"twice the Hessian eigenvalue {fmt_num(top)} at the "
                             f"minimizer{at}{how}: with κ = 1 the step 1/λ would be an exact "
                             "Newton step")
        return Curvature(top, f"the largest Hessian eigenvalue at the minimizer{at}{how}", lam)
    if L_box is not None and math.isfinite(L_box) and L_box > 0:
        return Curvature(float(L_box), "the smoothness constant on the box "
                         f"({L_BOX} of the convexity table)")
    if L_path is not None and math.isfinite(L_path) and L_path > 0:
        return Curvature(float(L_path), "the largest Hessian eigenvalue on the segment from x₀ "
                         f"to the minimizer{at}, which has no usable Hessian itself")
    return Curvature(1.0, "for want of curvature information")


#: the momentum of heavy ball and Nesterov when no spectrum gives a κ to tune it (a fixed
#: fallback, the same for every f)
FALLBACK_MOMENTUM = 0.5


def default_hyper(method: str, curv: Curvature, distance: float) -> tuple[dict[str, Any], str]:
    """Hyperparameters of a method in a report when none are given, and why, with the value:
    ``η = 1/L = 0.25`` (η the step size ``lr``; L and κ from ``curv``,
    :func:`default_curvature`, stated once in the optimizer table's lead-in).

    GD/SGD ``lr = 1/L``; heavy ball ``lr = 1/L`` with Polyak's momentum ``((√κ−1)/(√κ+1))²``
    (not Polyak's step ``4/(√L+√μ)²``, above 2/L once κ > (1 + √2)²: tuned to the minimizer's
    spectrum, it diverges where the curvature on the way from x₀ exceeds that L);
    Nesterov ``lr = 1/L``, ``momentum = (√κ−1)/(√κ+1)``; without a spectrum (no κ) momentum
    :data:`FALLBACK_MOMENTUM`.  Adam, RMSProp, AdaGrad: ``lr = distance/100`` (their steps
    are ≈ lr per coordinate, so about 100 steps cross the distance from the start to the
    minimizer). Newton, CG, BFGS, L-BFGS and the rest keep their defaults (Wolfe line search;
    Newton with eigenvalue shift).
    """
    from analysis import theory

    L, lam = curv.L, curv.lam
    step = f"η = 1/L = {fmt_num(1.0 / L)}"
    if method in ("gd", "sgd"):
        return {"lr": 1.0 / L}, step
    if method in ("momentum", "nesterov") and lam is None:
        return ({"lr": 1.0 / L, "momentum": FALLBACK_MOMENTUM},
                f"{step}, momentum = {fmt_num(FALLBACK_MOMENTUM)}")
    if method == "momentum":
        polyak_lr, mom, _ = theory.polyak_optimal(lam)
        return ({"lr": 1.0 / L, "momentum": mom},
                f"{step}, β = ((√κ−1)/(√κ+1))² = {fmt_num(mom)}: Polyak's β, with η = 1/L "
                f"in place of his step 4/(√L+√μ)² = {fmt_num(polyak_lr)}")
    if method == "nesterov":
        lr, mom, _ = theory.nesterov_standard(lam)
        return ({"lr": lr, "momentum": mom},
                f"η = 1/L = {fmt_num(lr)}, momentum = (√κ−1)/(√κ+1) = {fmt_num(mom)}")
    if method in ("adam", "adamw", "rmsprop", "adagrad"):
        # to the reports' 4 significant digits (fmt_num): the η printed is the one used
        lr = float(f"{max(distance, 1e-3) / 100.0:.4g}")
        return {"lr": lr}, (f"η = ‖x₀ − x*‖/100 = {fmt_num(lr)}: about 100 steps of length "
                            "η cross the distance (set from x*, known here: a user who does "
                            "not know x* cannot choose η this way)")
    return {}, "defaults"


def _minimum_name(A: Any) -> str:
    """``P3 = (3, 2)``: the table name and point of the minimizer the default steps use
    (``A.tuned``), and why that one when there are several."""
    m = A.tuned
    if m is None:
        return ""
    cps = list(A.cps or [])
    name = next((f"P{i} = " for i, cp in enumerate(cps, start=1) if cp is m), "")
    many = sum(1 for cp in cps if cp.kind == "minimum") > 1
    return f"{name}{fmt_point(m.point)}" + (" (the minimum nearest x₀)" if many else "")


def tuning_minimum(A: Any) -> Any:
    """The minimum the default steps are tuned to: the one nearest the start x₀ (the one
    whose basin the runs start in, the one the step-size sweep and the theory of a run that
    converges there use); the lowest minimum without a start."""
    from analysis.rates import nearest_minimum

    if A.x0 is None or not A.cps:
        return A.minimum
    return nearest_minimum(list(A.cps), np.asarray(A.x0, float)) or A.minimum


def page_name(name: str) -> str:
    """A variable's name for page text: a letter and an index as the formula typesets it,
    ``x1`` → ``x_1`` (then ``x₁`` on the page); other names as they are."""
    m = re.fullmatch(r"([^\W\d_])(\d+)", name)
    return f"{m.group(1)}_{m.group(2)}" if m else name


#: a box of at most this many intervals is kept on one line of prose (:func:`box_product`)
BOX_WHOLE = 3


def box_product(box: Any) -> str:
    """``[−2, 2] × [−1, 3]``: a box as the product of its intervals, its spaces non-breaking
    (:func:`analysis.pages.unbroken`) so that a line of prose never ends inside it ("[−4.5,
    4.5] ×" / "[−4.5, 4.5]"); a box of more than :data:`BOX_WHOLE` intervals breaks only
    after a "×", each interval whole."""
    parts = [unbroken(f"[{fmt_num(lo)}, {fmt_num(hi)}]")
             for lo, hi in np.asarray(box, float).reshape(-1, 2)]
    return (f"{NBSP}×{NBSP}" if len(parts) <= BOX_WHOLE else f"{NBSP}× ").join(parts)


def _box_text(obj: Any, box: np.ndarray) -> str:
    return ", ".join(f"{page_name(v)} ∈ [{fmt_num(lo)}, {fmt_num(hi)}]"
                     for v, (lo, hi) in zip(obj.names, box, strict=True))


def fmt_num(v: Any, digits: int = 4) -> str:
    """:func:`landscape.numfmt.fmt` with the reports' default of 4 significant digits
    (``%.4g``, a value they round keeping its trailing zeros, ``104.0``; '—' for None/NaN,
    ∞ for infinities, integers exact)."""
    return fmt(v, digits)


def fmt_point(p: Any, digits: int = POINT_DIGITS) -> str:
    """``(a, b, …)`` with each coordinate to ``digits`` significant digits
    (:func:`landscape.numfmt.fmt` of the coordinates as floats); a point with one
    coordinate is that number, ``0`` rather than ``(0)``."""
    v = np.ravel(np.asarray(p, float))
    return fmt(v[0], digits) if v.size == 1 else fmt(v, digits)


def named_point(name: str, point: str) -> str:
    """A name and a point's text (:func:`fmt_point`) side by side: ``P3 (3, 2)``, and
    ``P3 at 0`` for a one-coordinate point, which prints bare.  The name and the point's
    bracket are joined by a non-breaking space: a line never ends on the name alone."""
    return f"{name}{NBSP}{point}" if point.startswith("(") else f"{name} at {point}"


def _exact_text(values: Sequence[Any] | None, limit: int = 28) -> str | None:
    """``(…)`` of SymPy values in their exact form when short (one value bare, as
    :func:`fmt_point` prints it), else None."""
    if values is None:
        return None
    try:
        import sympy as sp

        parts = [sp.sstr(v) for v in values]
    except Exception:  # noqa: BLE001
        return None
    text = ", ".join(parts)
    if len(text) > limit:
        return None
    return text if len(parts) == 1 else f"({text})"


def _analyse(b: Builder, obj: Any, box: np.ndarray, methods: list[tuple[str, str, dict]],
             x0: Any, seed: int) -> Analysis:
    """Run every analysis of a report, each under its own guard."""
    from analysis.rates import rate_study
    from optimizers import minimize, resolve

    A = Analysis(obj, box)
    with b.guard("critical points", note=False):
        A.cps = obj.critical_points(box=box)
    with b.guard("convexity", note=False):
        A.convexity = obj.convexity(box=box)
    with b.guard("vanishing gradient", note=False):
        A.vanishing = obj.vanishing(box=box, names=SOLVER_NAMES)
        A.vanishing.regions = regions_in_point_order(A.cps, A.vanishing.regions)
    mins = [cp for cp in (A.cps or []) if cp.kind == "minimum"]
    if mins:
        A.minimum = min(mins, key=lambda cp: cp.value)
        A.eigenvalues = np.sort(np.asarray(A.minimum.eigenvalues, float))
    points = [np.asarray(cp.point, float) for cp in (A.cps or [])]
    with b.guard("start point", note=False):
        if x0 is not None:
            A.x0 = np.asarray(x0, dtype=float).ravel()
            A.x0_how = "given"
        else:
            xm = None if A.minimum is None else np.asarray(A.minimum.point, float)
            A.x0, A.x0_how = default_start(
                obj, box, points, xm, seed,
                minimizer_is=None if xm is None else start_minimizer_words(A))
    L_box = None if A.convexity is None else A.convexity.L
    A.tuned = tuning_minimum(A)
    if A.tuned is not None:
        A.tuned_eigenvalues = np.sort(np.asarray(A.tuned.eigenvalues, float))
    xstar = None if A.tuned is None else np.asarray(A.tuned.point, float)
    if A.x0 is not None and xstar is not None:
        distance = float(np.linalg.norm(A.x0 - xstar))
    else:
        distance = float(np.linalg.norm(box[:, 1] - box[:, 0])) / 4.0
    L_path = None
    if A.x0 is not None and any(not given for _, _, given in methods):
        with b.guard("curvature on the way to the minimizer", note=False):
            L_path = path_curvature(obj, A.x0, xstar)
    A.curvature = default_curvature(A.tuned_eigenvalues, L_box, L_path, at=_minimum_name(A),
                                    exact=None if A.tuned is None else
                                    getattr(A.tuned, "eigenvalues_exact", None) is not None)
    for label, method, given in methods:
        run = MethodRun(label, method, dict(given), "given")
        with b.guard(f"hyperparameters of {label}", note=False):
            if not given:
                run.hyper, run.why = default_hyper(method, A.curvature, distance)
            resolve(method, run.hyper)  # validates names and ranges
        A.runs.append(run)
        if A.x0 is None:
            continue
        with b.guard(f"run of {label}", note=False):
            run.result = minimize(obj, A.x0, method, record=True, **run.hyper)
            halvings = 0
            while (not given and "lr" in run.hyper and run.result.status == "diverged"
                   and halvings < MAX_HALVINGS):  # backtracking on the default step
                halvings += 1
                run.hyper = {**run.hyper, "lr": run.hyper["lr"] / 2.0}
                run.result = minimize(obj, A.x0, method, record=True, **run.hyper)
            if halvings:
                run.why += (f"; halved {plural(halvings, 'time')} to "
                            f"{fmt_num(run.hyper['lr'])} because the run diverged with the "
                            "larger step")
        with b.guard(f"rate study of {label}", note=False):
            run.study = rate_study(obj, method, A.x0, box=box,
                                   critical_points=A.cps,  # its complete flag: isolated_exact
                                   **run.hyper)
    _sweeps(b, A, seed)
    return A


def _sweeps(b: Builder, A: Analysis, seed: int) -> None:
    """Learning-rate sweep of GD around 2/L and the basins of attraction (n ≤ 2)."""
    from analysis.sweeps import basins, lr_sweep

    obj = A.obj
    cps = list(A.cps) if A.cps is not None else None
    gd = next((r for r in A.runs if r.method == "gd"), None)
    lam = A.tuned_eigenvalues
    if A.x0 is not None and lam is not None and lam.size and lam[-1] > 0:
        with b.guard("learning-rate sweep", note=False):
            thr = 2.0 / float(lam[-1])
            lrs = np.geomspace(0.02 * thr, 1.6 * thr, 25)
            A.lr_sweep = lr_sweep(obj, "gd", A.x0, lrs, steps=200, critical_points=cps,
                                  box=A.box, progress=b.stages.within())
    if obj.n <= 2 and cps and any(cp.kind == "minimum" for cp in cps):
        with b.guard("basins of attraction", note=False):
            hyper = dict(gd.hyper) if gd is not None else {}
            method = "gd" if gd is not None and "lr" in hyper else "bfgs"
            if method == "bfgs":
                hyper = {}
            A.basin_method = method
            A.basins = basins(obj, method, A.box, resolution=301 if obj.n == 1 else 61,
                              critical_points=cps, seed=seed, progress=b.stages.within(),
                              **hyper)


# ============================================================================ report document


def cell(b: Builder, section: str, item: str, quantity: str, value: Any, how: str,
         digits: int = 4, note: str = "", like: str = "", zeros: bool | None = None,
         decimals: int | None = None, sci: bool = False) -> str:
    """A table cell: the number formatted with its provenance marker, recorded in the
    ledger; to ``digits`` significant digits, a value they round showing all of them
    (:func:`fmt_num`: ``1.00e+06`` in a column of three-digit errors, ``0.5`` as it is); with
    ``like`` (the cell it is compared with) at least as many significant digits as that
    cell shows (:func:`fmt_like`); ``zeros``: every value shows all its digits, trailing
    zeros kept even when they hold it exactly (a column of measured values printed to
    ``digits`` significant digits: ``2.20`` beside ``1.94``; :func:`~landscape.numfmt.fmt`);
    ``decimals``: that many decimals, the column's (:func:`column_decimals`); ``sci``: in
    scientific notation with the significant digits it shows otherwise, the column's
    (:func:`column_scientific`: ``1.05e−04`` beside ``3.13e−05``).  A fitted value
    (``how`` "fit") is an estimate, never exact: it always shows its trailing zeros (a rate
    fitted to 0.92 to the last bit prints ``0.92000``, as the 1.4000 beside it does)."""
    b.ledger.add(section, item, quantity, value, how, note)
    if how == "fit" and zeros is None:
        zeros = True
    text = (fmt_like(value, like, digits, zeros) if like
            else fmt(value, digits, zeros=True) if zeros else fmt_num(value, digits))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        text = spaced(int(value))  # a count: its thousands set apart, as in prose
    if decimals is not None and _finite(value):
        text = f"{float(value):.{decimals}f}"
    if sci and _finite(value):
        text = fmt_sci(value, significant_digits(text))
    return mark(text, how)


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def column_decimals(values: Iterable[Any], digits: int = 4) -> int | None:
    """The decimals a column of numbers prints all its values with, so that they align
    (0.850 beside 0.418, not 0.85): the most that any finite value shows at ``digits``
    significant digits (:func:`fmt_num`); None when one of them prints with an exponent
    (then each keeps its own form)."""
    texts = [fmt_num(v, digits) for v in values if _finite(v)]
    if not texts or any(re.search(r"[eE]", t) for t in texts):
        return None
    return max(len(t.partition(".")[2]) for t in texts)


def column_scientific(values: Iterable[Any], digits: int = 4) -> bool:
    """Whether a column of numbers prints all its values in scientific notation (``sci`` of
    :func:`cell`): when any finite value prints with an exponent at ``digits`` significant
    digits (:func:`fmt_num`), so that ``0.000105`` does not stand in fixed notation beside
    ``3.13e−05`` (one column, one notation)."""
    return any(re.search(r"[eE]", fmt_num(v, digits)) for v in values if _finite(v))


def significant_digits(text: str) -> int:
    """The significant digits a number's text shows: ``0.9634`` → 4, ``0.96`` → 2,
    ``0.01970`` → 4, ``1.2e−05`` → 2 (0 when it holds no number)."""
    m = re.search(r"\d[\d.]*", text)
    if m is None:
        return 0
    body = m.group(0).replace(".", "").lstrip("0")
    return len(body)


def fmt_like(v: Any, ref: str, digits: int = 4, zeros: bool | None = None) -> str:
    """``v`` to ``digits`` significant digits (:func:`fmt_num`; ``zeros``: trailing zeros
    kept, :func:`~landscape.numfmt.fmt`), but showing at least the significant digits of
    ``ref``, the text it is set beside (trailing zeros kept): measured 0.96003 beside theory
    ``0.9634`` is ``0.9600``, not ``0.96``."""
    text = fmt(v, digits, zeros)
    want = significant_digits(ref)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return text
    if not math.isfinite(x) or x == 0 or significant_digits(text) >= want:
        return text
    return fmt(x, want, zeros=True)


def diff_digits(p: float, m: float, digits: int = 4, most: int = 12) -> int:
    """The fewest significant digits, at least ``digits``, at which two numbers compared by
    their relative difference |m − p|/|p| print so that the difference of the printed values
    is the stated one to its two significant digits (theory 0.015625 beside measured
    0.015655 for 0.19%, not 0.01562 beside 0.01566, which differ by 0.26%); ``digits`` when
    p is 0 or no count up to ``most`` does it (:func:`analysis.compare.reproducing_digits`,
    the difference to two significant digits however small)."""
    from analysis.compare import reproducing_digits

    if not (p and math.isfinite(p) and math.isfinite(m)):
        return digits
    n = reproducing_digits(lambda a, b: abs(b - a) / abs(a) if a else math.inf, [p, m],
                           digits, most, show=lambda v: f"{v:.2g}")
    return digits if n is None else n


def column_digits(pairs: Iterable[tuple[float, float]], digits: int = 4) -> int:
    """The significant digits of a column of (predicted, measured) pairs, one table's rows
    compared by their relative difference: the most any pair needs (:func:`diff_digits`),
    so that one column prints every value alike (theory 0.333333, 0.0111121, 0.0184373,
    not 0.3333 and 0.01111 above 0.0184373)."""
    return max((diff_digits(p, m, digits) for p, m in pairs), default=digits)


def interval_digits(lo: float, hi: float, digits: int = 4, most: int = 15,
                    inside: float | None = None) -> int:
    """The fewest significant digits, at least ``digits``, at which the two ends of the
    interval [lo, hi] print differently (``[2.99999, 3.00001]``, not ``[3, 3]``) and, with
    ``inside`` (a point of the interval: the critical point a region surrounds), each end
    that differs from it prints as another number (``[0.99990, 1.0001]`` around 1, not
    ``[0.9999, 1.000]``, which puts 1 on the edge); ``digits`` when the ends are equal or no
    count up to ``most`` does it."""
    def apart(a: float, b: float, d: int) -> bool:
        return as_printed(a, d) != as_printed(b, d)

    if lo == hi:
        return digits
    for d in range(digits, most + 1):
        if apart(lo, hi, d) and (inside is None or all(
                apart(end, inside, d) for end in (lo, hi) if end != inside)):
            return d
    return digits


def cells(b: Builder, section: str, item: str, quantity: str, values: Sequence[Any],
          how: str, digits: int = 4) -> str:
    """Several numbers in one cell (e.g. eigenvalues), each recorded and printed to the
    same ``digits`` significant digits, a value they round keeping its trailing zeros
    (:func:`~landscape.numfmt.fmt`: ``169.0, 201.0, 278.6``, not ``169, 201`` one
    digit shorter than their neighbours); a value they hold exactly prints as it is (``2``)."""
    return ", ".join(cell(b, section, item, f"{quantity}[{i}]", v, how, digits)
                     for i, v in enumerate(values))


def versions() -> str:
    """Versions of landscape and of its dependencies."""
    import numba
    import scipy
    import sympy

    import landscape

    return (f"landscape {landscape.__version__} (numpy {np.__version__}, sympy "
            f"{sympy.__version__}, scipy {scipy.__version__}, numba {numba.__version__}, "
            f"matplotlib {mpl.__version__})")


def lhs_latex(obj: Any) -> tuple[str, str]:
    """``f(x, y)`` as LaTeX and as plain text (``f(x)`` beyond four variables)."""
    import sympy as sp

    if obj.n > 4:
        return r"f(\mathbf{x})", "f(x)"
    return ("f(" + ", ".join(sp.latex(v) for v in obj.variables) + ")",
            "f(" + ", ".join(page_name(v) for v in obj.names) + ")")


def _front_matter(b: Builder, A: Analysis, title: str | None, params: Mapping | None,
                  hows: Sequence[str] | None = None, abbreviations: Sequence[str] = ()) -> None:
    """Title page: title, typeset formula, box, start, methods, date and versions, the
    legend of the markers ``hows`` the report uses (all when None) and of the
    ``abbreviations`` it uses (:func:`~analysis.empirical.se_lines`), contents."""
    d, obj = b.doc, A.obj
    d.heading(title or "Landscape report", level=0, numbered=False)
    d.paragraph("The objective", weight="bold", after=2.0)
    lhs, plain = lhs_latex(obj)
    d.formula(lhs, obj.expr, plain_lhs=plain, sizes=(15.0, 13.0, 11.0, 9.5, 8.0))
    given = f"Formula as given: {obj.text}"
    if getattr(obj, "dim", None) is not None and re.search(r"\bn\b", obj.text):
        given += f", with n = {obj.dim}"
    facts = [given, f"Box: {_box_text(obj, A.box)}"]
    if obj.parameters:
        facts.append("Parameters: " + ", ".join(
            f"{k} = {v} ≈ {fmt_num(float(v), 6)}" for k, v in obj.parameters.items()))
    if A.x0 is not None:
        facts.append(f"Start {start_text(A.x0, A.x0_how)}.")
    facts.append("Methods: " + method_titles([r.method for r in A.runs]) + ".")
    facts.append(f"Generated {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')} by {versions()}.")
    d.bullets(facts, size=SMALL + 0.5)
    d.paragraph("How each number was obtained (marker after the number):", weight="bold",
                size=SMALL + 0.5, after=2.0, before=4.0)
    d.bullets([*how_lines(hows), *abbreviations], size=SMALL + 0.5)
    d.paragraph("Contents", weight="bold", before=6.0, after=3.0)
    d.contents()
    d.page_break()


def _kind_counts(cps: Sequence[Any]) -> str:
    counts: dict[str, int] = {}
    for cp in cps:
        counts[cp.kind] = counts.get(cp.kind, 0) + 1
    parts = []
    for kind in ("minimum", "maximum", "saddle", "unknown"):
        if kind in counts:
            c = counts[kind]
            word = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles",
                    "unknown": "points of unknown kind"}[kind] if c != 1 else (
                "point of unknown kind" if kind == "unknown" else kind)
            parts.append(f"{c} {word}")
    return ", ".join(parts) if parts else "none"


def how_clause(method: str, how: str) -> str:
    """How a verdict was reached, in one clause with one colon: ``symbolic proof: …`` for a
    ``how`` that reads ``proved: …``, else ``method: how``."""
    return (f"{method} proof: {how.removeprefix('proved: ')}" if how.startswith("proved: ")
            else f"{method}: {how}")


def _said(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def term_text(e: Any) -> str:
    """A term of f as a sentence prints it: max(…)/min(…) for Max/Min, else
    :func:`analysis.pages.text_math` (which prints Abs(u) as |u|)."""
    import sympy as sp

    if isinstance(e, (sp.Max, sp.Min)):
        args = sorted(e.args, key=lambda a: (bool(a.free_symbols), sp.default_sort_key(a)))
        return f"{type(e).__name__.lower()}({', '.join(term_text(a) for a in args)})"
    return text_math(e)


def matrix_text(H: Any) -> str:
    """A small matrix in a sentence: ``diag(0, 1)`` when diagonal, else its rows
    ``[[a, b], [b, c]]``."""
    n = H.shape[0]
    if all(H[i, j] == 0 for i in range(n) for j in range(n) if i != j):
        return f"diag({', '.join(text_math(H[i, i]) for i in range(n))})"
    return "[" + ", ".join("[" + ", ".join(text_math(v) for v in H.row(i)) + "]"
                           for i in range(n)) + "]"


def kink_proof_text(cv: Any) -> str:
    """The proof of a convex (concave) verdict on an f with kinks
    (:attr:`landscape.convexity.Convexity.proof`), in words: the smooth part, its constant
    Hessian and that Hessian's exact eigenvalues, then each kink term with the composition
    rule that makes it convex (concave); empty without such a proof."""
    from landscape.convexity import COMPOSITION_RULES

    proof = getattr(cv, "proof", None)
    if not proof or cv.verdict not in ("convex", "concave"):
        return ""
    sign = "≥ 0" if cv.verdict == "convex" else "≤ 0"
    smooth = proof["smooth"]
    parts = []
    if not smooth.free_symbols:
        parts.append("f has no smooth part")
    elif proof.get("eigenvalues") is not None:
        evs = [text_math(e) for e in dict.fromkeys(proof["eigenvalues"])]
        word = "eigenvalue" if len(evs) == 1 else "eigenvalues"
        parts.append(f"the smooth part {term_text(smooth)} has the constant Hessian "
                     f"{matrix_text(proof['hessian'])}, {word} {_said(evs)} {sign} (exact)")
    else:
        how = cv.how.get("verdict", "")
        parts.append(f"the smooth part {term_text(smooth)}: "
                     + how.removeprefix("proved: smooth part ").split(";")[0])
    kinks = [f"{term_text(t)} ({COMPOSITION_RULES[r]})" for t, r in proof["kinks"]]
    if kinks:
        parts.append(f"{_said(kinks)} {'is' if len(kinks) == 1 else 'are'} {cv.verdict}")
    return "; ".join(parts)


def _verdict_how(cv: Any) -> str:
    """How the convexity verdict was reached: the proof of an f with kinks in words
    (:func:`kink_proof_text`), else the analysis's own account."""
    text = kink_proof_text(cv)
    return f"proved: {text}" if text else str(cv.how.get("verdict", cv.method))


def box_curvature_text(cv: Any) -> str:
    """The curvature bounds of a strongly convex verdict: `` with μ = 1 and L_box = 4, the
    smallest and the largest Hessian eigenvalue on the box``; where there is no L_box (an f
    with kinks, whose gradient jumps) the reason the analysis gives, never a dash:
    `` with μ = 0.2, the smallest Hessian eigenvalue on the box; L_box, the largest, is not
    defined: ∇f jumps across the kinks of f``."""
    mu = f" with μ = {fmt_num(cv.mu)}"
    if cv.L is not None and math.isfinite(float(cv.L)):
        return (f"{mu} and {L_BOX} = {fmt_num(cv.L)}, the smallest and the largest Hessian "
                "eigenvalue on the box")
    why = powers_in_text(str(cv.how.get("L", "not known")))
    return f"{mu}, the smallest Hessian eigenvalue on the box; {L_BOX}, the largest, is {why}"


#: where the sentence above the convexity table leaves its verdict's provenance: the table's
#: verdict row gives it (kink p. 3 printed a three-line proof in the summary, above the table
#: and in the table)
HOW_IN_TABLE = "how it was obtained: the table below"


def _convexity_sentence(A: Analysis, how_below: bool = False) -> str:
    """The convexity verdict in a sentence, with how it was obtained in brackets; with
    ``how_below`` (the sentence above the table whose verdict row gives it) the brackets
    point to the table instead (:data:`HOW_IN_TABLE`)."""
    cv = A.convexity
    if cv is None:
        return "Convexity could not be decided (the analysis failed)."
    how = _verdict_how(cv)
    if cv.verdict in ("convex", "concave"):
        said = HOW_IN_TABLE if how_below else how_clause(cv.method, how)
    if cv.verdict == "convex":
        kind = "strongly convex" if cv.strong else ("strictly convex" if cv.strict else "convex")
        extra = box_curvature_text(cv) if cv.strong else ""
        return f"f is {kind} on the box{extra} ({said})."
    if cv.verdict == "concave":
        return f"f is concave on the box ({said})."
    if cv.verdict == "nonconvex":
        w = cv.witness or {}
        where = ""
        if w.get("point") is not None:
            where = (f": at {fmt_point(w['point'])} the Hessian has the negative eigenvalue "
                     f"{fmt_num(w.get('min_eigenvalue'))}")
        return f"f is not convex on the box{where} ({cv.method})."
    return f"Convexity on the box is undecided ({how})."


_VERDICT_PLURAL = {"agrees": "agree", "disagrees": "disagree"}


def verdict_tally(verdicts: Sequence[str]) -> str:
    """Count verdicts in words: ``all 86 agree``, ``80 agree, 1 disagrees, 5 not comparable``.

    The verb follows the count (n = 1: ``agrees``; n > 1: ``agree``); a single kind reads
    ``all n …`` (n > 1)."""
    order = ["agrees", "disagrees", "not comparable"]
    kinds = order + sorted(set(verdicts) - set(order))
    counts = [(v, sum(x == v for x in verdicts)) for v in kinds]
    counts = [(v, n) for v, n in counts if n]

    def word(v: str, n: int) -> str:
        return v if n == 1 else _VERDICT_PLURAL.get(v, v)

    if len(counts) == 1:
        v, n = counts[0]
        return f"1 {v}" if n == 1 else f"all {n} {word(v, n)}"
    return ", ".join(f"{n} {word(v, n)}" for v, n in counts)


def _which_minimum(A: Any, x: Any) -> str:
    """Which minimum ``x`` is, in the summary's words: ``x*`` (the point the runs are compared
    at), ``a lowest minimum`` (one that ties for the lowest value), ``the lowest minimum``,
    or ``another minimum``."""
    x = np.asarray(x, float)

    def same(cp: Any) -> bool:
        p = np.asarray(cp.point, float)
        return bool(np.linalg.norm(x - p) <= 1e-6 * (1 + np.linalg.norm(p)))

    at = getattr(A, "tuned", None)
    if at is not None and same(at):
        return "x*"
    ties = lowest_minima(A)
    if any(same(cp) for _, cp in ties):
        return "the lowest minimum" if len(ties) == 1 else "a lowest minimum"
    return "another minimum"


def minimum_named(which: str, point: str) -> str:
    """A minimum at ``point`` named by :func:`_which_minimum`'s ``which``, with no bracket
    after the point: ``x* = (3, 2)``, ``the lowest minimum (3, 2)``."""
    return f"x* = {point}" if which == "x*" else named_point(which, point)


def grad_text(res: Any) -> str:
    """``‖∇f‖∞ = 4.81``: the final gradient of a run, max |∂f/∂xᵢ| (:func:`grad_max`), as
    the comparison table's column prints it (:func:`~landscape.numfmt.fmt_grad`: ``1.00``,
    not ``1`` in the text beside the table's ``1.00``)."""
    return f"‖∇f‖∞ = {fmt_grad(grad_max(res))}"


def grad_max(res: Any) -> float:
    """A run's final ‖∇f‖∞ = max |∂f/∂xᵢ| (0 without a gradient)."""
    return float(np.max(np.abs(res.jac))) if np.size(res.jac) else 0.0


def _stop_phrase(res: Any) -> str:
    """How a run stopped, without its gradient: ``stopped at the iteration limit of 1 000
    iterations``, ``line search failed after 4 iterations``, ``diverged after 12
    iterations`` (a converged run: its iterations)."""
    if res.status == "converged":
        return iteration_count(res.nit)
    if res.status == "diverged":
        return f"diverged after {iteration_count(res.nit)}"
    if res.status == "maxiter":
        return f"stopped at the iteration limit of {iteration_count(res.nit)}"
    return f"{status_text(res.status)} after {iteration_count(res.nit)}"


def _status_phrase(res: Any) -> str:
    """:func:`_stop_phrase` with the gradient the run stopped at, when it did not converge
    or diverge."""
    if res.status in ("converged", "diverged"):
        return _stop_phrase(res)
    return f"{_stop_phrase(res)}, {grad_text(res)}"


def _critical_points_sentence(A: Analysis) -> str | None:
    """How many critical points of each kind, and whether the list is proved complete."""
    if A.cps is None:
        return None
    where = ("the list is complete (proved by an exact solve)" if A.cps.complete else
             "found by a numeric search of the box, so the list may be incomplete")
    if len(A.cps):
        return f"Critical points in the box: {_kind_counts(A.cps)}; {where}."
    return (f"There is no critical point in the box ({where}): no minimizer to "
            "measure convergence against.")


#: minima whose values differ from the lowest by at most this × max(1, |f_min|) tie with it
TIE_RTOL = 1e-9


def lowest_minima(A: Any) -> list[tuple[str, Any]]:
    """The minima of the critical-point table whose value ties with the lowest one,
    ``|f − f_min| ≤ TIE_RTOL · max(1, |f_min|)``, as ``(name, point)`` with the table's
    names ``P1, P2, …`` (in table order)."""
    cps = list(A.cps or [])
    mins = [(f"P{i}", cp) for i, cp in enumerate(cps, start=1) if cp.kind == "minimum"]
    if not mins:
        return []
    low = min(float(cp.value) for _, cp in mins)
    tol = TIE_RTOL * max(1.0, abs(low))
    return [(n, cp) for n, cp in mins if abs(float(cp.value) - low) <= tol]


def ties_exact(ties: Sequence[tuple[str, Any]]) -> bool:
    """Whether the minima of :func:`lowest_minima` tie exactly: every value exact (SymPy)
    and all equal, so that no tolerance :data:`TIE_RTOL` decided the tie."""
    vals = {float(cp.value) for _, cp in ties}
    return len(vals) == 1 and all(getattr(cp, "exact", False) for _, cp in ties)


def tie_words(ties: Sequence[tuple[str, Any]]) -> str:
    """How the minima of :func:`lowest_minima` tie, for a bracket after their count:
    ``exactly equal values``, or the tolerance :data:`TIE_RTOL` when it decided the tie."""
    return ("exactly equal values" if ties_exact(ties) else
            f"values equal within {fmt_num(TIE_RTOL)} × max(1, |f|)")


def start_minimizer_words(A: Any) -> str:
    """The default start's minimizer (``A.minimum``, the first of the lowest values in the
    critical-point table), named in :func:`default_start`'s sentence: ``(0, 0), the minimizer
    of lowest f``, or, when minima tie for it (:func:`lowest_minima`), which of them:
    ``P1 = (−3.779, −3.283), the first of the 4 minima tied for the lowest f`` (how they tie
    is the Summary's to say)."""
    ties = lowest_minima(A)
    plain = f"{fmt_point(A.minimum.point)}, the minimizer of lowest f"
    if len(ties) < 2:
        return plain
    name = next((n for n, cp in ties if cp is A.minimum), "")
    if not name:
        return plain
    if ties_exact(ties) or all(float(cp.value) == float(A.minimum.value) for _, cp in ties):
        which = "the first"
    else:
        which = "the one of lowest computed value"
    return (f"{name} = {fmt_point(A.minimum.point)}, {which} of the {len(ties)} minima tied "
            "for the lowest f")


def _cp_name(A: Any, m: Any) -> str:
    """``P3 (3, 2)``: a critical point by its table name and point (:func:`named_point`,
    held together; ``P1 = 0`` for one coordinate, which prints bare)."""
    name = next((f"P{i}" for i, cp in enumerate(A.cps or [], start=1) if cp is m), "")
    pt = fmt_point(m.point)
    return pt if not name else named_point(name, pt) if pt.startswith("(") else f"{name} = {pt}"


def _minimum_sentence(A: Analysis) -> str | None:
    """The lowest minimum (or the minima that tie for lowest, :func:`lowest_minima`), its
    value, and the point the runs are compared at — x*, the minimum nearest x₀
    (:func:`tuning_minimum`) — with its Hessian's eigenvalues and κ (or its kink)."""
    if A.minimum is None:
        return None
    how = "exact" if A.minimum.exact else "numeric"
    ties = lowest_minima(A)
    at = A.tuned if getattr(A, "tuned", None) is not None else A.minimum
    if len(ties) > 1:
        first = (f"The lowest value in the box, f = {fmt_num(A.minimum.value)} ({how}), is "
                 f"taken at {len(ties)} minima ({tie_words(ties)}): "
                 + ", ".join(_cp_name(A, cp) for _, cp in ties))
    else:
        first = (f"The lowest minimum in the box is {_cp_name(A, A.minimum)} with "
                 f"f = {fmt_num(A.minimum.value)} ({how})")
    many = sum(1 for cp in (A.cps or []) if cp.kind == "minimum") > 1
    if len(ties) == 1 and at is A.minimum:
        first = (f"The lowest minimum in the box is x* = {_cp_name(A, at)} with "
                 f"f(x*) = {fmt_num(at.value)} ({how})")
    else:
        first += (f". The runs are compared at x* = {_cp_name(A, at)}"
                  + (", the minimum nearest x₀," if many else "")
                  + f" with f(x*) = {fmt_num(at.value)}")
    if not getattr(at, "differentiable", True):
        return (f"{first}; it lies on a kink of f, where f "
                "has no gradient or Hessian: no Hessian-based rate applies there.")
    lam = np.sort(np.asarray(at.eigenvalues, float))
    kappa = at.condition_number
    ehow = "exact" if getattr(at, "eigenvalues_exact", None) is not None else "numeric"
    return (
        f"{first}; the Hessian there has eigenvalues "
        f"{', '.join(fmt_num(v) for v in lam)}, condition number κ = {fmt_num(kappa)} "
        f"({ehow}"
        + (")." if np.isfinite(kappa) and kappa > 0
           else "; degenerate: no linear rate for GD)."))


def _gd_sentence(A: Analysis) -> str | None:
    """Where GD went, the rate theory predicts there and the rate the run measured."""
    gd = next((r for r in A.runs if r.method == "gd" and r.study is not None), None)
    if gd is None or gd.study.minimizer is None:
        if A.minimum is None and A.cps is not None and len(A.cps):
            return "No critical point in the box is a minimum."
        return None
    st = gd.study
    p, m = st.prediction, st.measurement
    which = minimum_named(_which_minimum(A, st.minimizer), fmt_point(st.minimizer))
    rest = _hyper_text("gd", st.hyper, skip=("lr",))
    gd_with = (f"GD with {STEP_SIZE} = {fmt_num(st.hyper['lr'])}" + (f", {rest}," if rest else "")
               if "lr" in st.hyper else f"GD ({_hyper_text('gd', st.hyper)})")
    if gd.result is not None and gd.result.status != "converged":
        said = (f"{gd_with} did not converge "
                f"({_status_phrase(gd.result)}); at {which} theory predicts")
    else:
        said = f"{gd_with} ran to {which}, where theory predicts"
    defined = False
    if p.rate is not None and p.kind == "linear":
        said += (f" the error to shrink by ρ = {fmt_rate(p.rate)} "
                 "per step (theory, from the Hessian's eigenvalues there)")
    elif p.kind == "bounded":
        said += f" a bounded run ({BOUNDED_MEANING})"
        defined = True
    else:
        said += f": {p.kind}"
    # the measurement is the rate study's, a run of another length than the comparison run
    # the next bullet counts (it runs on past the gradient tolerance): named with its length
    # and the section that shows it, in one bracket after the run's name
    run = (f"the {RATE_STUDY} ({NO_GTOL}, {iteration_count(int(st.result.nit))}; "
           f"section {section_ref(THEORY_SECTION)})")
    if m.rate is not None and m.kind == "linear":
        said += f"; {run} measured {measured_rate_text(m)}"
        if m.window is not None:
            said += f" by a fit over k = {int(m.window[0])}–{int(m.window[1])}"
    elif m.kind == "bounded" and not defined:
        said += f"; {run} measured: bounded ({BOUNDED_MEANING})"
    else:
        kind = kind_words(m, predicted=p)
        why = none_why(st) if kind == "none" else None
        said += f"; {run} measured: {kind}" + (f" ({why})" if why else "")
    return said + f" ({st.comparison.verdict})."


#: what the convergence kind ``bounded`` means, said where a document first uses it
BOUNDED_MEANING = "a cycle or band of iterates that neither converges nor diverges"


def _runs_sentences(A: Analysis) -> list[str]:
    """The comparison runs that converged (fewest iterations first) and those that did not,
    named together by how they stopped (kink and chained Rosenbrock p. 2 gave each run its
    status and gradient here and again, in the same words, under “What failed”)."""
    items: list[str] = []
    runs = [r for r in A.runs if r.result is not None]
    conv = [r for r in runs if r.result.status == "converged"]
    other = [r for r in runs if r.result.status != "converged"]
    if conv:
        conv.sort(key=lambda r: r.result.nit)
        where: dict[str, list[str]] = {}
        for r in conv:  # at x* (or a minimum tied with it) first, then per other point
            where.setdefault(_converged_where(A, r.result.x), []).append(
                f"{r.shown} in {iteration_count(r.result.nit)}")
        groups = sorted(where.items(), key=lambda kv: kv[0] != "")
        # beside runs at another point, those at x* say so (chained Rosenbrock p. 2 named
        # P1 for L-BFGS and BFGS and left Newton's and CG's point to be guessed)
        at = {_near_index(A, r.result.x) for r in conv if not _converged_where(A, r.result.x)}
        i = next(iter(at)) if len(at) == 1 else None
        here = (f"at x* = P{i + 1}" if len(groups) > 1 and i is not None
                and A.cps[i] is A.minimum else "")
        items.append(f"Comparison runs from x₀ that converged (‖∇f‖∞ ≤ {gtol_text(conv)}): "
                     + "; ".join(
            (f"{w or here}: " if w or here else "") + ", ".join(v) for w, v in groups) + ".")
    if other:  # the runs that stopped alike named together; their gradients in “What failed”
        stops: dict[str, list[str]] = {}
        for r in other:
            stops.setdefault(_stop_phrase(r.result), []).append(r.shown)
        items.append("Comparison runs from x₀ that did not converge (each with its ‖∇f‖∞ under "
                     "“What failed”): "
                     + "; ".join(f"{', '.join(v)} ({k})" for k, v in stops.items()) + ".")
    return items


def power_text(v: float, digits: int = 4, small: bool = False) -> str:
    """A tolerance as running text: a power of ten that :func:`fmt_num` would write with an
    exponent (``1e−06``) as ``10⁻⁶`` (:func:`inline_math`), any other value as
    :func:`fmt_num` writes it to ``digits`` (``0.001``, ``2.5e−07``).  With ``small`` every
    power of ten below 1 is ``10⁻ᵏ`` (``0.001`` → ``10⁻³``), so that a list of them reads in
    one form: ``10, 1, 10⁻¹, …, 10⁻⁸``."""
    import sympy as sp

    text = fmt_num(v, digits)
    k = round(math.log10(v)) if v > 0 else 0
    if "e" in text and v == 10.0 ** k:
        return inline_math(sp.Pow(10, k, evaluate=False))
    if small and k < 0 and math.isclose(v, 10.0 ** k, rel_tol=1e-12):
        return inline_math(f"10**({k})")  # SymPy would print 10**(-1) as 1/10
    return text


def powers_in_text(text: str) -> str:
    """``text`` with every number written with an exponent that is a power of ten
    (``1e-08``, ``1e+08``) as running text writes it, ``10⁻⁸``, ``10⁸`` (:func:`power_text`):
    a method's description from the analysis (``rel. tol 1e-08``, as the JSON keeps it)
    reads on the page in the form of the report's other tolerances; other numbers
    (``2.5e-07``) are left as they are."""
    return re.sub(r"(?<![\w.])\d+(?:\.\d+)?e[+-]?\d+\b",
                  lambda m: power_text(float(m.group(0))), text)


def gtol_words(values: Iterable[float]) -> str:
    """``the gradient tolerance 10⁻⁶``: the tolerance on ‖∇f‖∞ that runs stop on, in words
    and as running text (:func:`power_text`), each value once, in order, when runs differ
    (``gtol`` is the name of the option, not the reader's word)."""
    return "the gradient tolerance " + " or ".join(
        dict.fromkeys(power_text(float(v)) for v in values))


def gtol_text(runs: Sequence[MethodRun]) -> str:
    """:func:`gtol_words` of the tolerance the comparison runs ``runs`` stopped on."""
    return gtol_words(c.threshold for r in runs for c in r.result.criteria if c.name == "gtol")


def _agreement_sentence(A: Analysis, section: str = "What failed") -> str | None:
    """For how many methods theory and measurement agree, disagree (why), are not comparable
    (the reasons under the section titled ``section``, :func:`failed_heading`); the
    agreements with a yardstick (:func:`~analysis.compare.prediction_how`), a bound proved
    for another case that tests no theorem, named last: "(GD, …, L-BFGS; against a
    yardstick: CG)" (kink p. 2 read "(GD, momentum and Nesterov against a yardstick)" as
    GD's too)."""
    studies = [r for r in A.runs if r.study is not None]
    if not studies:
        return None
    agree = [r.shown for r in studies if r.study.comparison.verdict == "agrees"]
    dis = [r for r in studies if r.study.comparison.verdict == "disagrees"]
    nc = [r for r in studies if r.study.comparison.verdict == "not comparable"]
    # chained Rosenbrock p. 2 counted CG's agreement with no word on what it is with
    yard = [r.shown for r in studies if r.study.comparison.verdict == "agrees"
            and prediction_how(getattr(r.study, "prediction", None)) == "yardstick"]
    named = "; ".join(x for x in (", ".join(a for a in agree if a not in yard),
                                  f"against a yardstick: {', '.join(yard)}" if yard else "")
                      if x)
    text = f"Theory and measurement agree for {len(agree)} of {len(studies)} methods"
    text += f" ({named})." if agree else "."
    longer = [r for r in studies if r.study.comparison.verdict == "agrees"
              and r.result.status != "converged"
              and int(r.study.result.nit) > int(r.result.nit)]
    if longer:
        who = _names([r.shown for r in longer])
        text += (f" {who[:1].upper() + who[1:]}, which did not converge in "
                 f"{'its comparison run' if len(longer) == 1 else 'their comparison runs'} ("
                 + iteration_counts(r.result.nit for r in longer)
                 + f"), agree{'s' if len(longer) == 1 else ''} in "
                 f"{'its' if len(longer) == 1 else 'their'} longer rate-study "
                 f"run{'' if len(longer) == 1 else 's'} ("
                 + iteration_counts(r.study.result.nit for r in longer)
                 + "), which the verdicts rest on.")
    if dis:
        text += " They disagree for " + "; ".join(
            f"{r.shown} ({r.study.comparison.reason})" for r in dis) + "."
    if nc:
        text += (f" Not comparable (reasons under “{section}”): "
                 + ", ".join(r.shown for r in nc) + ".")
    return text


def _threshold_sentence(A: Analysis, define: bool = False) -> str | None:
    """The predicted GD step-size threshold against the smallest tested step that fails;
    ``define``: the sentence is the first to use η, which it defines."""
    if A.lr_sweep is None or A.lr_sweep.predicted_threshold is None:
        return None
    s = A.lr_sweep
    # "stopped at another point", as the figure's legend says, not "left x*": the runs start
    # at x₀ (chained Rosenbrock p. 2)
    obs = ("no tested step diverged, cycled or stopped at another point"
           if s.observed_threshold is None else
           f"the smallest tested step whose run diverged, settled on a cycle or band (its "
           f"iterates circling without nearing a point) or stopped at another point is "
           f"η = {fmt_num(s.observed_threshold)}")
    n_div = int(np.sum(s.diverged))
    n_away = 0 if s.elsewhere is None else int(np.sum(s.elsewhere))
    n_bnd = int(np.sum(s.not_convergent & ~s.diverged)) - n_away
    if n_bnd or n_away:
        obs = aside(obs, f"{plural(n_bnd, 'run')} settled on a cycle or band, "
                    + (f"{n_away} stopped at another point, " if n_away else "")
                    + f"{n_div} diverged")
    eta = f"the {STEP_SIZE}" if define else "η"
    head = (f"GD step-size threshold: theory says {eta} < {sweep_basis(s)} = "
            f"{fmt_num(s.predicted_threshold)}{_sweep_L_text(s)}; ")
    where = ("the tested steps" + ("" if s.brackets_prediction() and _sweep_bracket(s) else
                                   " and the bracket they give on the threshold")
             + f": figure “{sweep_title(s)}” on p. {page_ref(SWEEP_FIGURE)}")
    lam0 = _outside_prediction(A, s)
    if lam0 is not None:
        return (head + f"{obs}, below the local prediction but not below "
                f"2/λ_max(∇²f(x₀)) = {fmt_num(2.0 / lam0)}.  At x₀ the largest curvature is "
                f"{fmt_num(lam0)}, so the run starts outside the region the prediction at x* "
                f"covers.  {where[0].upper()}{where[1:]}.")
    # the verdict a sentence of its own, the figure's page its bracket: one sentence of about
    # 90 words held the counts, the verdict and the figure in one bracket (Himmelblau p. 2)
    verdict = _sweep_verdict(A, s)
    return f"{head}{obs}.  {verdict[0].upper()}{verdict[1:]} ({where})."


#: the label of the figure of GD's step-size sweep, by which the summary names its page
SWEEP_FIGURE = "lr sweep"
#: the run of a rate study, named where its numbers could be read as the comparison run's
#: (another length: it runs on past the gradient tolerance the comparison run stopped on)
RATE_STUDY = "rate-study run"
NO_GTOL = "no gradient tolerance"
RATE_STUDY_RUN = f"{RATE_STUDY}, {NO_GTOL}"
#: the heading of the section of the rate studies, by which other sections point to it
THEORY_SECTION = "Theory against measurement"


def sweep_title(sw: Any) -> str:
    """The title of the figure of GD's step-size sweep ``sw``, which shows the tested steps
    and the bracket they give on the threshold (the summary points to it by this title)."""
    return f"GD from x₀: final error after {sw.steps} steps against η"


def aside(text: str, clause: str) -> str:
    """``text (clause)``; when ``text`` already ends with a bracketed clause of its own, that
    bracket takes ``clause`` after a semicolon, so that two brackets never follow each other:
    ``… η = 0.021 (3 runs settled on a cycle or band, 0 diverged; consistent)``.  For texts
    whose last bracket is a clause (words), not a point or a formula."""
    clause = clause.strip()
    if not clause:
        return text
    if text.rstrip().endswith(")"):
        return text.rstrip()[:-1] + f"; {clause})"
    return f"{text} ({clause})"


def _plateau_sentence(A: Analysis) -> str | None:
    """How many plateau regions (small gradient far above the minimum value) were found."""
    if A.vanishing is None:
        return None
    plateaus = [r for r in A.vanishing.regions if r.plateau]
    if not plateaus:
        return None
    return (f"The gradient is below {fmt_num(A.vanishing.threshold)} on "
            f"{plural(len(plateaus), 'plateau region')} far above the minimum value: "
            "gradient methods crawl there.")


def _summary(b: Builder, A: Analysis) -> None:
    """The key findings in sentences."""
    d = b.doc
    d.heading("Summary")
    items: list[str] = [_convexity_sentence(A)]
    gd = _gd_sentence(A)
    items += [t for t in (_critical_points_sentence(A), _minimum_sentence(A), gd)
              if t is not None]
    items += _runs_sentences(A)
    define = gd is None or STEP_SIZE not in gd  # η is defined where first used
    items += [t for t in (_agreement_sentence(A, failed_heading(b, A)),
                          _threshold_sentence(A, define),
                          _plateau_sentence(A)) if t is not None]
    d.bullets(items)


#: a critical point's kind as the noun a sentence names it by (``near the saddle P2``)
KIND_NOUN = {"unknown": "point of unknown kind"}


def below_floor_text(study: Any) -> str:
    """After the reason of a verdict that lacked ratios above the rounding floor
    (:func:`analysis.empirical.too_few_ratios`): ``; below the floor the error kept falling,
    e₈–e₁₈ = 5.14e−16, …, 5.99e−74 (x* = (0, 0) is exact, so these errors are not rounding
    noise)`` (the errors printed, so that the ratios quoted after them can be checked:
    quadratic p. 5) when x*
    is exactly representable (:func:`float_exact`) and every error past the first below the
    floor is smaller than the one before (an x* whose coordinates are not 0 would stop them at
    a multiple of its rounding), then why the verdict did not read them: their ratios, from
    the measurement's first fast step (``fast_steps``) on, stop falling toward 0, so its
    kind is not read on them
    (:func:`~analysis.empirical.thirds_fall`:
    L-BFGS on 0.1x² + 2y², a cycle of 0.000147, 4.35e−08, 1.06e−05, 3.06e−08), else
    ``, which the verdict does not use``; empty otherwise."""
    from analysis import plots
    from analysis.empirical import ratio_thirds, thirds_fall, too_few_ratios

    ref = plots.study_reference(study)
    if ref is None or too_few_ratios() not in comparison_reason(study.comparison):
        return ""
    e = plots.study_errors(study)
    below = np.nonzero(e < plots.study_floor(study))[0]
    if not below.size or not float_exact(ref):
        return ""
    first = int(below[0])
    tail = e[first:]
    if tail.size < 2 or not (np.all(tail > 0) and np.all(np.diff(tail) < 0)):
        return ""
    text = ("; below the floor the error kept falling, "
            + plots.subscripted(f"e_{first}–e_{e.size - 1}") + " = "
            + ", ".join(fmt_num(float(v), 3) for v in tail)
            + f" (x* = {fmt_point(ref)} is exact, so these errors are not rounding noise)")
    fast = getattr(study.measurement, "fast_steps", None)
    k0 = None if fast is None else int(fast[0])  # its fast ratios above the floor, then below
    r = np.empty(0) if k0 is None else e[k0 + 1:] / e[k0:-1]
    if r.size >= 6 and thirds_fall(r, np.arange(k0, e.size - 1)) is None:
        text += (f", but its ratios there stop falling toward 0 (the largest of the thirds "
                 f"{ratio_thirds(r, np.arange(k0, e.size - 1))}), so its kind is not read "
                 "on them")
    else:
        text += ", which the verdict does not use"
    return text


def study_end(A: Analysis, study: Any) -> str:
    """``; the run ended at (…) after N iterations (status, ‖∇f‖∞ = g, 3.2e−06 from the
    minimum P1)``: where a rate study's run ended (6 digits, and its distance from the
    critical point nearest to it, which the digits may not show), unless its reason already
    says so (empty).  Near or not is the rate study's own rule, the one that chose the point
    its errors are measured to (:func:`analysis.rates.nearest_critical`: within the
    convergence radius); a run inside it but beyond the comparison tables' matching
    tolerance (:func:`_near_index`) gets the radius beside its distance, and one outside
    every radius says so, as :func:`outside_head` does."""
    from analysis.rates import nearest_critical

    res = getattr(study, "result", None)
    reason = comparison_reason(study.comparison)
    if res is None or "run ended" in reason:
        return ""
    cps = list(A.cps) if A.cps is not None else []
    near = nearest_critical(res.x, study.x0, cps) if cps else None
    rule = budget_text(study)
    where = ""
    if near is not None:
        i = near.index
        kind = KIND_NOUN.get(cps[i].kind, cps[i].kind)
        # a distance beside the floor that the rule prints, with digits that tell them apart
        digits = floor_digits(study) if rule and study.budget.rule == "floor" else 2
        if near.distance > near.radius:
            where = (f", {fmt_num(near.distance, 3)} from the nearest critical point, the "
                     f"{kind} P{i + 1}, outside its convergence radius "
                     f"{fmt_num(near.radius, 3)}")
        elif near.distance == 0.0:
            where = f", at the {kind} P{i + 1}"
        elif _near_index(A, res.x) is not None:
            where = f", {fmt_num(near.distance, digits)} from the {kind} P{i + 1}"
        else:  # beside the radius, to as many digits (the per-step table's e = 0.763)
            where = f", {fmt_num(near.distance, max(digits, 3))} from the {kind} P{i + 1}"
            where += (f", inside the radius {fmt_num(near.radius, 3)} within which a rate "
                      "study counts a run as converged to it")
        if getattr(study.measurement, "stalled", None) is not None:  # measured to P_i itself
            where = (f", stalled {fmt_num(near.distance, digits)} from the {kind} P{i + 1}: its "
                     f"iterates converge to a point there, not to P{i + 1}, and its errors "
                     "level off")
    status = status_text(res.status) + (f", {rule};" if rule else ",")
    return (f"; the run ended at {fmt_point(res.x, 6)} after {iteration_count(res.nit)} "
            f"(status: {status} {grad_text(res)}{where})")


def budget_text(study: Any, short: bool = False) -> str | None:
    """The rule of the automatic iteration budget that set the limit a rate-study run ended
    at, in words with its numbers, as :func:`analysis.rates.rate_study` recorded it
    (:class:`analysis.rates.Budget`, ``study.budget``); None when the run did not end at its
    iteration limit or its steps were given.  ``short``: who set the limit, not how
    (:data:`SHORT_BUDGET_WORDS`; "set by the automatic budget" for the other rules)."""
    b = getattr(study, "budget", None)
    if b is None or str(study.result.status) != "maxiter":
        return None
    if short:
        return SHORT_BUDGET_WORDS.get("cap" if b.capped else b.rule,
                                      "set by the automatic budget").format(
            maxiter=spaced(int(b.maxiter)))
    words = BUDGET_WORDS["cap" if b.capped else b.rule]
    if b.capped and b.rule in BUDGET_BASIS:  # the rule the cap overrode, with its numbers
        words += ": " + BUDGET_BASIS[b.rule]
    if b.rule == "floor":
        words += floor_after(study)
    def count(n: int | None) -> str | None:  # as the documents print them: 10 000
        return None if n is None else spaced(int(n))

    return words.format(maxiter=count(b.maxiter), wanted=count(b.wanted),
                        floor_index=count(b.floor_index), margin=b.margin,
                        previous=count(b.previous), window_end=count(b.window_end),
                        error=None if b.error is None else fmt_num(b.error, 5),
                        floor=None if b.floor is None else fmt_num(b.floor, 4),
                        rate=None if b.rate is None else fmt_num(b.rate, 7))


def floor_after(study: Any) -> str:
    """After "where the error reached the floor": the floor (:func:`analysis.plots.study_floor`)
    and, when the run's last error lies above it again (the error oscillates: Adam), that it
    rose again after reaching it."""
    from analysis import plots

    if plots.study_reference(study) is None:
        return ""
    fl = plots.study_floor(study)
    e = plots.study_errors(study)
    rose = (", after which the error, oscillating, rose above it again"
            if e.size and e[-1] > fl else "")
    return f" {fmt_floor(fl)}{rose}"


def floor_digits(study: Any) -> int:
    """The significant digits of a rate study's run's last distance from x*, printed beside
    its floor (:func:`floor_after`), which prints as every floor does
    (:func:`analysis.empirical.fmt_floor`, 2 digits): 2, or as many as tell the distance from
    the floor (:func:`interval_digits`: an error 2.23e−13 that rose above the floor 2.2e−13
    again, not 2.2e−13 beside 2.2e−13)."""
    from analysis import plots

    if plots.study_reference(study) is None:
        return 2
    fl, e = plots.study_floor(study), plots.study_errors(study)
    if not e.size or not np.isfinite(e[-1]) or e[-1] == fl:
        return 2
    return interval_digits(min(float(e[-1]), fl), max(float(e[-1]), fl), 2)


#: the ``rate`` rule of :class:`analysis.rates.Budget` with the numbers it extrapolated from
#: (the budget's previous round ran this run's first iterations alone: runs are
#: deterministic, so the rate it measured is the one of this run's first ``previous`` steps)
RATE_BUDGET = ("the iteration where the linear rate {rate}, measured on this run's first "
               "{previous} iterations, which the budget's previous round ran alone, takes "
               "their error {error} at iteration {window_end}, the end of that fit window, to "
               "the floor {floor}, + 10% + {margin} steps")

#: the ``tenfold`` rule of :class:`analysis.rates.Budget`, its previous round named as
#: :data:`RATE_BUDGET` names it
TENFOLD_BUDGET = ("10 times this run's first {previous} iterations, which the budget's "
                  "previous round ran alone, with no linear rate to extend")

#: :class:`analysis.rates.Budget`'s rules in words, where a run's status 'iteration limit' is
#: given, inside its bracket: no bracket of their own (``cap``: the cap, not the rule's
#: number, set the limit)
BUDGET_WORDS = {
    "floor": ("set by the automatic budget {margin} steps past iteration {floor_index}, where "
              "the error reached the floor"),
    "cap": ("the automatic budget's cap of {maxiter} iterations, below the {wanted} its rule "
            "asked for"),
    "first": "the method's default of {maxiter} iterations",
    "rate": "set by the automatic budget at " + RATE_BUDGET,
    "tenfold": "set by the automatic budget at " + TENFOLD_BUDGET,
    "stochastic": "the automatic budget's {wanted} steps for a run with gradient noise",
}

#: :data:`BUDGET_WORDS` in short, where a run's entry already says where it ended and why it
#: is not compared (:func:`reason_with_budget`): the limit and who set it, not how
SHORT_BUDGET_WORDS = {"cap": "the automatic budget's cap of {maxiter} iterations",
                      "first": BUDGET_WORDS["first"]}


#: how each rule of :class:`analysis.rates.Budget` came to its number ``wanted``, said after
#: the cap that overrode it (:data:`BUDGET_WORDS` ``cap``) so that the number can be checked
BUDGET_BASIS = {
    "floor": "{margin} steps past iteration {floor_index}, where the error reached the floor",
    "rate": RATE_BUDGET,
    "tenfold": TENFOLD_BUDGET,
    "stochastic": "the steps for a run with gradient noise",
}


def yes_no(v: Any) -> str:
    """``yes`` / ``no`` for a truth value on the page (``undecided`` for None), not
    Python's ``True`` / ``False``."""
    return "undecided" if v is None else ("yes" if v else "no")


#: a run's status (:class:`optimizers.OptimizeResult`) in words, for the page
STATUS_WORDS = {"converged": "converged", "maxiter": "iteration limit",
                "steps": "fixed number of steps", "diverged": "diverged",
                "line_search_failed": "line search failed", "stalled": "stalled"}


def status_text(status: Any) -> str:
    """A run's status as the page says it: ``iteration limit``, ``line search failed``, not
    the code words ``maxiter``, ``line_search_failed``."""
    return STATUS_WORDS.get(str(status), str(status).replace("_", " "))


#: code words that reach the page inside messages of the analysis and the optimizers, and
#: what the page says instead
_PROSE = ((re.compile(r"(?<![\w₀-₉])x0(?!\w)"), "x₀"),
          (re.compile(r"\bstatus (" + "|".join(STATUS_WORDS) + r")\b"),
           lambda m: "status: " + status_text(m.group(1))),
          (re.compile(r"\bmaxiter = (\d+) iterations reached"),
           lambda m: f"reached the iteration limit of {iteration_count(int(m.group(1)))}"),
          (re.compile(r"\bthe (wolfe|armijo|strong_wolfe) conditions"),
           lambda m: "the " + {"wolfe": "Wolfe", "armijo": "Armijo",
                               "strong_wolfe": "strong Wolfe"}[m.group(1)] + " conditions"),
          (re.compile(r"obj\.critical_points"), "the critical-point analysis"))


#: How the pages name the numerical methods that the analysis' notes name by SciPy's spelling
#: (:data:`landscape.vanishing.SOLVERS`), which the API and the command line keep
SOLVER_NAMES = {"SLSQP": "sequential quadratic programming (SLSQP)",
                "brentq": "Brent's method"}


def prose(text: str) -> str:
    """``text`` as the page prints it: ``x0`` → ``x₀``, ``the wolfe conditions`` → ``the
    Wolfe conditions``, ``obj.critical_points`` → ``the critical-point analysis`` (messages
    written for the API and the CLI keep their plain spelling)."""
    for rx, rep in _PROSE:
        text = rx.sub(rep, text)
    return text


def said_incomplete(notes: Sequence[str]) -> list[str]:
    """The critical-point analysis's ``notes`` with the closing clause
    :data:`landscape.critical.find.INCOMPLETE` dropped, where the text they follow says
    already that the list is not proved complete (chained Rosenbrock p. 3: "there may be
    others in the box" above the table, "the list may be incomplete" under it)."""
    from landscape.critical.find import INCOMPLETE

    return [n.removesuffix("; " + INCOMPLETE) for n in notes]


def critical_findings(complete: bool, notes: Sequence[str]) -> list[str]:
    """The “What failed” bullets on the critical-point list.  A list not proved complete gets
    one bullet that says so and why, its ``notes`` joined (a note's closing clause
    :data:`landscape.critical.find.INCOMPLETE` dropped, as the bullet already says it), so the
    numeric search is named once; a complete list gets one bullet per note."""
    if complete:
        return [f"Critical points: {n}" for n in notes]
    why = "; ".join(said_incomplete(notes))
    return [f"The critical-point list is not proved complete: {why}." if why else
            "The critical-point list is not proved complete (numeric search)."]


def _failure_lists(A: Analysis) -> tuple[list[str], list[str], list[str]]:
    """What the “What failed” section lists: the analyses that came back empty or
    incomplete, the comparison runs that did not converge, and the rate studies whose
    theory and measurement were not compared or disagree."""
    findings: list[str] = []
    runs: list[str] = []
    theory: list[str] = []
    if A.cps is not None:
        if not len(A.cps):
            findings.append(f"No critical point in the box {_box_text(A.obj, A.box)}: rates "
                            "cannot be measured against a minimizer.")
        elif not A.minimum:
            findings.append("No minimum among the critical points in the box.")
        findings += critical_findings(A.cps.complete, A.cps.notes)
    if A.convexity is not None and A.convexity.verdict == "unknown":
        findings.append("Convexity could not be decided on the box.")
    runs += failed_runs_text([(r.shown, prose(r.result.message)) for r in A.runs
                              if r.result is not None
                              and r.result.status not in ("converged", "steps")])
    uncompared = _uncompared_runs(A)
    for r in uncompared:
        c = r.study.comparison
        theory.append(f"{r.shown} ({RATE_STUDY_RUN}): {c.verdict} — "
                      f"{reason_with_budget(r.study)}"
                      + below_floor_text(r.study) + study_end(A, r.study))
    return findings, runs, said_once(theory, [r.shown for r in uncompared])


#: A run's distance beyond a convergence radius with how the radius is set
#: (:func:`analysis.rates._nearest_text`): "beyond its radius 0.666 (within which a run
#: counts as converged to it: 0.1 × its distance from x₀, 6.66)"
_RADIUS_SAID = re.compile(r"beyond its radius (\S+) \(within which a run counts as "
                          r"converged to it: [^()]+\)")


def said_once(entries: Sequence[str], names: Sequence[str]) -> list[str]:
    """The “What failed” entries on the rate studies ``entries`` (of the runs ``names``),
    each long clause an earlier entry gave word for word said short: "beyond the same radius
    0.666" for a radius set as an earlier entry says (:data:`_RADIUS_SAID`), and "BFGS, like
    Newton, rests on f being twice differentiable at x*: no rate is promised at a kink" for
    the reason :data:`~analysis.theory.kink.TWICE_WHY` gave before (kink p. 2 repeated both
    in the entries of Newton, BFGS and L-BFGS)."""
    from analysis.theory.kink import TWICE_DIFFERENTIABLE, TWICE_WHY

    out: list[str] = []
    radii: set[str] = set()
    first: str | None = None
    for entry, name in zip(entries, names, strict=True):
        for m in list(_RADIUS_SAID.finditer(entry)):
            if m.group(0) in radii:
                entry = entry.replace(m.group(0), f"beyond the same radius {m.group(1)}", 1)
            radii.add(m.group(0))
        said = f"{name} {TWICE_DIFFERENTIABLE}{TWICE_WHY}"
        if said in entry:
            if first is None:
                first = name
            else:
                entry = entry.replace(said, f"{name}, like {first}, {TWICE_DIFFERENTIABLE}", 1)
        out.append(entry)
    return out


#: The gradient norm a run's message ends on, "(‖∇f‖∞ = 1.00)", which runs that stopped alike
#: differ by (:func:`failed_runs_text`)
_GRAD_AT_END = re.compile(r"\(‖∇f‖∞ = ([^()]+)\)")


def failed_runs_text(failed: Sequence[tuple[str, str]]) -> list[str]:
    """The “What failed” bullets of comparison runs that did not converge, from ``(name,
    message)`` pairs: runs whose messages differ only in their final ‖∇f‖∞ share one bullet,
    "GD, momentum, Nesterov and Adam (comparison runs): reached the iteration limit of 1 000
    iterations without meeting the tolerances (‖∇f‖∞ = 62.0, 1.15, 1.13 and 29.3
    respectively)", or "(‖∇f‖∞ = 1.00 each)" when equal (the kink's report gave eight
    bullets, four and four alike word for word, that repeated its summary's)."""
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for name, message in failed:
        found = _GRAD_AT_END.findall(message)
        key = _GRAD_AT_END.sub("(‖∇f‖∞ = \0)", message, count=1) if len(found) == 1 \
            else message
        groups.setdefault(key, []).append((name, found[0] if len(found) == 1 else None))
    out = []
    for key, members in groups.items():
        names = [n for n, _ in members]
        if len(members) == 1:
            out.append(f"{names[0]} (comparison run): "
                       + (key.replace("\0", members[0][1]) if members[0][1] else key))
            continue
        values = [g for _, g in members]
        said = (f"{values[0]} each" if len(set(values)) == 1
                else f"{_names(values)} respectively")
        out.append(f"{_names(names)} (comparison runs): " + key.replace("\0", said))
    return out


#: Points drawn around a minimum on a kink to measure how small ‖∇f‖∞ gets next to it
#: (:func:`kink_minimum_gradient_text`), within this distance of it (times max(1, ‖x*‖)).
KINK_SAMPLES, KINK_RADIUS = 1000, 1e-3


def kink_minimum_gradient_text(A: Analysis, runs: Sequence[MethodRun]) -> str | None:
    """Why runs that end next to a minimum on a kink count as not converged: the gradient
    does not vanish there, ‖∇f‖∞ ≥ m at :data:`KINK_SAMPLES` points drawn uniformly within
    :data:`KINK_RADIUS` of x* (seed 0; f has no gradient at x* itself), m above 10 times the
    gradient tolerance the runs stop on, which they cannot meet there however close to x*
    they end (kink p. 2 listed Adam and CG, 0.0045 and 0.052 from P1, as "did not converge"
    beside a convergence radius of 0.666 and never said why), if they end off the kinks
    through x*: on one the formulas give a subgradient, which may vanish (kink p. 7: 2 of 100
    CG starts converged at P1, on x = 0, where sign(0) = 0).  None when x* is no kink, when
    the gradient gets small next to it, or without runs that stopped on the tolerance."""
    at = A.tuned if getattr(A, "tuned", None) is not None else A.minimum
    tols = [c.threshold for r in runs if r.result is not None
            for c in r.result.criteria if c.name == "gtol"]
    if at is None or getattr(at, "differentiable", True) or not tols:
        return None
    x = np.asarray(at.point, dtype=float).ravel()
    r = KINK_RADIUS * max(1.0, float(np.linalg.norm(x)))
    pts = x + r * np.random.default_rng(0).uniform(-1.0, 1.0, (KINK_SAMPLES, x.size))
    with np.errstate(all="ignore"):
        g = np.array([np.max(np.abs(np.asarray(A.obj.grad(p), float))) for p in pts])
    g = g[np.isfinite(g)]
    if not g.size or float(g.min()) <= 10.0 * max(tols):
        return None
    at_x = {str(v): float(c) for v, c in zip(A.obj.variables, x, strict=True)}
    on = [k for k, arg in kink_args(A.obj.gradient_list).items()
          if arg.subs({v: at_x[v.name] for v in arg.free_symbols if v.name in at_x}).is_zero]
    # on a kink through x* the formulas give a subgradient, which may vanish there: only a
    # run that ends off them is bound to miss the tolerance
    off = (f" that ends off the kink{'' if len(on) == 1 else 's'} {_names(on)}"
           if on else "")
    return (f"Next to x* = {fmt_point(x)}, a kink of f, the gradient does not vanish: "
            f"‖∇f‖∞ ≥ {fmt_grad(float(g.min()))} at {spaced(KINK_SAMPLES)} points drawn "
            f"within {power_text(r, small=True)} of x* (f has no gradient at x* itself), so no "
            f"run{off} can meet {gtol_words(tols)} there, however close to x* it ends.")


def failed_lead(analyses: bool, runs: bool) -> str:
    """The bold line over the findings of the “What failed” section, naming what it lists:
    empty or incomplete ``analyses``, comparison ``runs`` that did not converge, or both (the
    kink's report listed eight runs under a line that named analyses first)."""
    if analyses and runs:
        return "Analyses that came back empty or incomplete, and runs that did not converge:"
    if analyses:
        return "Analyses that came back empty or incomplete:"
    return "Comparison runs that did not converge:"


def reason_with_budget(study: Any) -> str:
    """A rate study's reason (:func:`comparison_reason`) with the budget rule that set its
    iteration limit after the status, as :func:`study_end` gives it where the reason does not
    say where the run ended: "status: iteration limit, the method's default of 1 000
    iterations; ‖∇f‖∞ = 29.3" (chained Rosenbrock p. 2 gave Adam's 1 000 iterations with no
    word on who set them), in short (:func:`budget_text`): the entry is long already."""
    reason = comparison_reason(study.comparison)
    rule = budget_text(study, short=True)
    limit = f"status: {status_text('maxiter')},"
    if rule is None or limit not in reason or rule in reason:
        return reason
    return reason.replace(limit, f"{limit} {rule};", 1)


def _uncompared_runs(A: Analysis) -> list[Any]:
    """The runs whose rate study's theory and measurement were not compared or disagree."""
    return [r for r in A.runs if r.study is not None and r.study.comparison.verdict != "agrees"]


def theory_terms(A: Analysis, items: Sequence[str]) -> str:
    """The terms the “What failed” section's theory entries ``items`` use before the theory
    section explains them (the section comes early, after the summary), defined at this first
    use: a rate-study run (:data:`RATE_STUDY`: the method run again with no gradient
    tolerance, to measure its rate down to the rounding floor, :func:`floor_rule_value`; to
    follow its errors there when no run is fitted, :func:`runs_fitted`: the kink's runs all
    cycle), and its automatic budget when an entry names it; what the floor means only where
    some run's errors reach it (:func:`reach_floor`; kink p. 2 explained a cut-off that cut
    nothing). The budget's definition is a sentence of its own; each entry that names the
    budget gives the rule that applied (quadratic p. 2 said "each entry gives" of one). The
    lead above them gives the theory section's number."""
    studies = [r.study for r in _uncompared_runs(A)]
    every = [r.study for r in A.runs if r.study is not None]
    aim = "measure its rate" if any(runs_fitted(every)) else "follow its errors"
    words = (f"A {RATE_STUDY} is the method run again from x₀ with {NO_GTOL}, to {aim} "
             f"down to the rounding floor {floor_rule_value(studies)}, "
             + (floor_meaning_text(studies, every) if reach_floor(every) else
                "which no run's errors reach here"))
    words += "."
    if any("automatic budget" in item for item in items):
        words += (" The automatic budget is the iteration limit such a run is given from its "
                  "own progress.")
    return words


def exact_below_floor(study: Any) -> bool | None:
    """Whether a rate study's errors below its rounding floor 10³·ε·max(1, ‖x*‖)
    (:func:`analysis.plots.study_floor`) are exact distances: x* is exact in floating point
    (:func:`float_exact`) and the iterates' own rounding, 10³·ε·‖x*‖
    (:func:`analysis.empirical.exact_floor`), lies below the floor (‖x*‖ < 1; on x* = 0 an
    error carries only a relative ε).  None when the study names no x*."""
    from analysis import plots

    ref = _reference(study)
    if ref is None:
        return None
    return float_exact(ref) and E.exact_floor(ref) < plots.study_floor(study)


def floor_meaning_text(studies: Sequence[Any], every: Sequence[Any]) -> str:
    """What the rounding floor of rate studies ``studies`` is, after its value: where
    rounding limits the errors below it, ``below which rounding limits the errors and the
    measurement leaves them out``; where x* is exact (:func:`exact_below_floor`: the
    quadratic's x* = (0, 0)), rounding only may limit them, said as the tables' note says it
    (:func:`exact_floor_text`: on x* = 0 ``the errors carry only a relative rounding ε``),
    and the floor is kept as a common cut-off over the runs ``every``
    (:func:`cut_off_text`); a mix says each where it holds."""
    exact = [e for st in studies if (e := exact_below_floor(st)) is not None]
    if not exact or not any(exact):
        return "below which rounding limits the errors and the measurement leaves them out"
    kept = f"the floor is kept as {cut_off_text(every)}"
    if all(exact):
        # a sentence of its own, the cut-off said shortly: one sentence chained the floor, why
        # the ratios would stay accurate below it and why it is kept (quadratic p. 2)
        why = exact_floor_text([r for st in studies if (r := _reference(st)) is not None])
        still = ("so that all fits follow one rule" if any(runs_fitted(every))
                 else "though no run is fitted")
        return ("below which rounding may limit the errors and the measurement leaves them "
                f"out.  Here {why}; the floor still applies, as a cut-off common to every "
                f"run, {still}")
    return ("below which the measurement leaves the errors out: where x* is rounded, "
            "rounding limits them; where it is exact, the errors below it are exact "
            f"distances, and {kept}")


def only_not_compared(b: Builder, A: Analysis) -> bool:
    """Whether all the “What failed” section would list is methods whose theory and
    measurement were not compared (no error, no empty analysis, no run that failed to
    converge, no disagreement): the section is then named by what it lists."""
    findings, runs, theory = _failure_lists(A)
    return (not b.failures and not findings and not runs and bool(theory)
            and all(r.study.comparison.verdict == "not comparable"
                    for r in A.runs if r.study is not None
                    and r.study.comparison.verdict != "agrees"))


def failed_heading(b: Builder, A: Analysis) -> str:
    """The title of the section on what failed: “Not compared” when it lists only methods
    that theory and measurement were not compared for (:func:`only_not_compared`; such a
    method may have converged), else “What failed”."""
    return "Not compared" if only_not_compared(b, A) else "What failed"


def _what_failed(b: Builder, A: Analysis) -> list[str]:
    """The “What failed” section (:func:`failed_heading`); returns the findings listed
    (besides exceptions)."""
    d = b.doc
    d.heading(failed_heading(b, A))
    analyses, runs, theory = _failure_lists(A)
    findings = analyses + runs
    if b.failures:
        d.paragraph("Parts of the analysis that raised an error (the rest of the report is "
                    "unaffected):", weight="bold", after=2.0)
        d.bullets([f"{f.section}: {f.error}: {f.message}" for f in b.failures])
    if findings:
        d.paragraph(failed_lead(bool(analyses), bool(runs)), weight="bold", after=2.0)
        d.bullets([full_stop(f) for f in findings])
        kink = kink_minimum_gradient_text(A, A.runs) if runs else None
        if kink:
            d.paragraph(kink, after=2.0)
    if theory:
        what = ("not compared" if only_not_compared(b, A)
                else "not compared, or disagreeing")
        d.paragraph(f"Theory and measurement {what} (details in section "
                    f"{section_ref(THEORY_SECTION)}):",
                    weight="bold", after=2.0)
        d.paragraph(theory_terms(A, theory), after=2.0)
        d.bullets([full_stop(t) for t in theory])
    findings += [f"Theory vs measurement, {t}" for t in theory]
    if not b.failures and not findings:
        d.paragraph("Nothing failed: every section was computed, every method converged and "
                    "theory agreed with measurement everywhere it applies.")
    return findings


def derivative_latex(variables: Sequence[Any]) -> str:
    r"""The left-hand side of a gradient or Hessian entry, the derivative of f in the
    ``variables`` (one or two SymPy symbols), as mathtext in running form with a slash:
    ``\partial f/\partial x``, ``\partial^{2} f/\partial y^{2}``, ``\partial^{2} f/\partial x
    \partial y`` — at the size of its right-hand side, where a text-style ``\frac`` set ∂f and
    ∂x as tiny scripts beside "= sign(x)" (kink report p. 3)."""
    import sympy as sp

    names = [sp.latex(v) for v in variables]
    if len(names) == 1:
        return rf"\partial f/\partial {names[0]}"
    den = (rf"\partial {names[0]}^{{2}}" if names[0] == names[1]
           else rf"\partial {names[0]} \partial {names[1]}")
    return rf"\partial^{{2}} f/{den}"


def _symbolic(b: Builder, A: Analysis) -> None:
    """Gradient, Hessian, critical points, convexity, vanishing gradient."""
    import sympy as sp

    d, obj = b.doc, A.obj
    d.heading("Symbolic results")
    d.heading("Gradient and Hessian", 2)
    with b.guard("gradient and Hessian"):
        grad = obj.gradient_list
        shown = len(grad) if len(grad) <= 8 else 6
        for v, g in list(zip(obj.variables, grad, strict=True))[:shown]:
            d.formula(derivative_latex([v]), g,
                      plain_lhs=f"∂f/∂{v.name}", sizes=(11.0, 9.5, 8.0))
        if len(grad) > shown:
            d.paragraph(f"The other {len(grad) - shown} components are in the JSON file "
                        "(field gradient).", style="italic")
        entries = sorted(obj.hessian_entries.items())
        symbols = symbol_notes([*grad, *(h for _, h in entries)])
        kinks = kink_note(grad)
        if symbols or kinks:
            d.paragraph(" ".join(filter(None, (symbols, kinks))), after=2.0)
        d.paragraph(f"Hessian: {hessian_count_text(len(entries), obj.n)}; derived term by "
                    "term with SymPy.", after=2.0)
        n_shown = len(entries) if len(entries) <= 12 else 8
        for (i, j), h in entries[:n_shown]:
            vi, vj = obj.variables[i], obj.variables[j]
            d.formula(derivative_latex([vi, vj]), h,
                      plain_lhs=f"∂²f/∂{vi.name}∂{vj.name}", sizes=(11.0, 9.5, 8.0))
        if len(entries) > n_shown:
            d.paragraph(f"The other {len(entries) - n_shown} entries are in the JSON file "
                        "(field hessian_entries).", style="italic")
        b.data["gradient"] = [sp.sstr(g) for g in grad]
        b.data["hessian_entries"] = {f"{i},{j}": sp.sstr(h) for (i, j), h in entries}
    d.heading("Critical points", 2)
    with b.guard("critical-point table"):
        _critical_table(b, A)
    d.heading("Convexity", 2)
    with b.guard("convexity table"):
        _convexity_table(b, A)
    d.heading("Vanishing gradient", 2)
    with b.guard("vanishing-gradient table"):
        _vanishing_table(b, A)


#: functions whose typeset symbol a reader may not know, and what the symbol means
SYMBOLS = {"Heaviside": ("θ", "θ(t) is the unit step: 0 for t < 0 and 1 for t > 0"),
           "DiracDelta": ("δ", "δ is the Dirac delta, zero except at 0")}


def symbol_notes(exprs: Iterable[Any]) -> str:
    """The sentence defining the symbols of :data:`SYMBOLS` the formulas ``exprs`` use
    (``θ`` for SymPy's Heaviside step, from differentiating relu or max), at their first
    use; empty when they use none."""
    import sympy as sp

    used = {type(f).__name__ for e in exprs for f in sp.sympify(e).atoms(sp.Function)}
    said = [text for name, (_, text) in SYMBOLS.items() if name in used]
    return ("In these formulas " + "; ".join(said) + ".") if said else ""


def kink_sets(grad: Iterable[Any]) -> list[str]:
    """Where the gradient formulas ``grad`` jump — the kinks of f, where f has no gradient:
    the zero sets of the arguments of the sign and unit-step functions in them (from |·|,
    relu, max), each solved for its one variable when it is linear in it (``y − 1`` →
    ``y = 1``), else written ``… = 0``; in order of first appearance, each once."""
    return list(kink_args(grad))


def kink_args(grad: Iterable[Any]) -> dict[str, Any]:
    """The kinks of :func:`kink_sets`, each with the expression whose zero set it is
    (``{"y = 1": y − 1}``), in the same order."""
    import sympy as sp

    out: dict[str, Any] = {}
    for g in grad:
        e = sp.sympify(g)
        for a in sorted(e.atoms(sp.sign, sp.Heaviside), key=sp.default_sort_key):
            arg = sp.expand(a.args[0])
            if arg.could_extract_minus_sign():  # −x + 2y = 0 is x − 2y = 0
                arg = -arg
            free = sorted(arg.free_symbols, key=lambda v: v.name)
            text = f"{sp.sstr(arg).replace('*', '·')} = 0"
            if len(free) == 1 and sp.degree(arg, free[0]) == 1:
                (root,) = sp.solve(arg, free[0])
                text = f"{free[0].name} = {sp.sstr(root)}"
            out.setdefault(text, arg)
    return out


def kink_note(grad: Iterable[Any]) -> str:
    """The sentence that says where the derivative formulas hold: off the kinks of f
    (:func:`kink_sets`), where f has no gradient or Hessian; empty for a smooth f."""
    kinks = kink_sets(grad)
    if not kinks:
        return ""
    return (f"The derivatives hold off the kinks of f, {_names(kinks)}, where f has no "
            "gradient or Hessian.")


def kink_gradient_text(grad: Iterable[Any]) -> str:
    """What ‖∇f‖ means on the kinks of f (:func:`kink_sets`), where f has no gradient: the
    norm of the subgradient the derivative formulas ``grad`` give there, each kink's
    derivative the mean of its one-sided ones (sign(0) = 0, θ(0) = ½, the convention of
    :mod:`landscape.derive`); empty for a smooth f."""
    import sympy as sp

    grad = [sp.sympify(g) for g in grad]
    kinks = kink_sets(grad)
    if not kinks:
        return ""
    conv = [text for cls, text in ((sp.sign, "sign(0) = 0"), (sp.Heaviside, "θ(0) = ½"))
            if any(g.atoms(cls) for g in grad)]
    return (f"On the kinks of f, {_names(kinks)}, where f has no gradient, ‖∇f‖₂ is the norm "
            "of the subgradient the formulas of ∇f give there, each kink's derivative the mean "
            f"of its one-sided ones ({', '.join(conv)}): a region on a kink holds the points "
            "where that subgradient is shorter than t.")


def how_found(cp: Any, cps: Any) -> str:
    """How a critical point was found, true to the search that ran: ``exact`` from a
    completed exact solve; ``numeric root snapped to exact values (∇f = 0 verified by
    SymPy)`` when the exact solve was abandoned or failed (its notes say so) and the point is
    exact anyway (the numeric search's refinement matched it to simple numbers and checked
    ∇f = 0 there); ``exact (∇f = 0 verified by SymPy)`` for other exact points of a numeric
    list (a kink: from the symbolic search of the kinks); ``numeric (‖∇f‖₂ = …)`` otherwise."""
    if not cp.exact:
        return f"numeric (‖∇f‖₂ = {fmt_num(cp.gradient_norm, 2)})"
    if getattr(cps, "method", "exact") == "exact":
        return "exact"
    if not getattr(cp, "differentiable", True):
        return "exact (symbolic search of the kinks of f)"
    notes = [str(n) for n in getattr(cps, "notes", None) or []]
    if any(n.startswith(("exact solve abandoned", "exact solve failed")) for n in notes):
        return "numeric root snapped to exact values (∇f = 0 verified by SymPy)"
    return "exact (∇f = 0 verified by SymPy)"


#: how the pages print a value of a critical point's ``test`` (the JSON keeps the value)
TEST_NAMES = {"hessian": "Hessian"}

#: what each value of the critical-point table's 'test' column means
TEST_WORDS = {"hessian": "eigenvalue signs",
              "higher-order": "Taylor terms beyond the Hessian",
              "inconclusive": "neither the Hessian nor the higher-order terms decide",
              "nondifferentiable": "f has no Hessian at a kink; the kind comes from comparing "
                                   "values of f around the point"}


def critical_note(tests: Sequence[str], kappa: bool) -> str:
    """The critical-point table's footnote on what it shows: κ = max|λ|/min|λ| when some
    κ is printed (``kappa``), and the meaning of each value of the 'test' column present."""
    used = [t for t in TEST_WORDS if t in set(tests)]
    parts = ["κ = max|λ| / min|λ|"] if kappa else []
    if used:
        parts.append("‘test’ says how the kind was decided ("
                     + "; ".join(f"{TEST_NAMES.get(t, t)}: {TEST_WORDS[t]}" for t in used)
                     + ")")
    return "; ".join(parts) + "." if parts else ""


#: significant digits of a value of f (and of f − f*) in the critical-point and small-gradient
#: tables, alike in both, so that one point's value reads the same in each (13.31, not 13.3)
F_DIGITS = 4


def _critical_table(b: Builder, A: Analysis, limit: int = 60) -> None:
    d, cps = b.doc, A.cps
    if cps is None:
        d.paragraph("The critical-point analysis failed; see “What failed”.", style="italic")
        return
    b.data["critical_points"] = cps.to_json()
    how = ("complete: an exact solve (SymPy) proved that "
           + ("this is the only critical point" if len(cps) == 1
              else "these are all the critical points") + " in the box" if cps.complete else
           "found by a numeric search" + ("" if cps.method == "numeric" else
                                          f" ({cps.method})") + "; there may be others in "
           "the box")
    d.paragraph(f"{plural(len(cps), 'critical point')} in the box — {how}."
                + "".join("  " + kink_critical_text(A.obj, f"P{i}", cp)
                          for i, cp in enumerate(list(cps)[:KINK_POINTS_EXPLAINED], start=1)
                          if not getattr(cp, "differentiable", True)))
    rows = []
    sec = "critical points"
    for i, cp in enumerate(list(cps)[:limit], start=1):
        item = f"P{i}"
        exact_pt = _exact_text(cp.point_exact) if cp.exact else None
        point = (mark(exact_pt, "exact") if exact_pt else
                 "(" + ", ".join(cell(b, sec, item, f"x[{k}]", v,
                                      "exact" if cp.exact else "numeric", 6)
                                 for k, v in enumerate(cp.point)) + ")")
        if exact_pt:
            for k, v in enumerate(cp.point):
                b.ledger.add(sec, item, f"x[{k}]", v, "exact", exact_pt)
        ehow = "exact" if cp.eigenvalues_exact is not None else "numeric"
        kind = cp.kind + (" (degenerate)" if cp.degenerate else "")
        rows.append([
            item, point, cell(b, sec, item, "f", cp.value, "exact" if cp.exact else "numeric",
                              F_DIGITS),
            kind, cells(b, sec, item, "eigenvalue", cp.eigenvalues, ehow),
            # a κ its digits round keeps them (3.19976 is 3.200, not 3.2: exact 16/5)
            cell(b, sec, item, "condition number", cp.condition_number, ehow),
            TEST_NAMES.get(cp.test, cp.test), how_found(cp, cps),
        ])
    d.table([Column("#", "r"), "point", Column("f", "r"), "kind", "Hessian eigenvalues",
             Column("κ", "r"), "test", "how found"], rows,
            title="Critical points and their Hessians",
            notes=[legend_text(["exact", "numeric"]) + ".  "
                   + critical_note([cp.test for cp in list(cps)[:limit]],
                                   any(math.isfinite(cp.condition_number)
                                       for cp in list(cps)[:limit]))])
    if len(cps) > limit:
        d.paragraph(f"… {len(cps) - limit} more points (all in the JSON file).",
                    style="italic")
    if cps.notes:
        d.paragraph("Notes from the solver:", weight="bold", after=2.0)
        notes = [str(n) for n in cps.notes]
        d.bullets(notes if cps.complete else said_incomplete(notes), size=SMALL)


#: the first critical points on a kink whose subdifferential the critical-point section states
KINK_POINTS_EXPLAINED = 3
#: the most vertices of a subdifferential printed (more: their count)
SUBDIFFERENTIAL_VERTICES_SHOWN = 8


def kink_critical_text(obj: Any, name: str, cp: Any) -> str:
    """Why critical point ``cp`` (named ``name``) on a kink of f is critical, where f has no
    gradient: 0 lies in its subdifferential ∂f, the convex hull of the limits of ∇f at nearby
    smooth points, whose vertices (:func:`landscape.critical.kinks.subdifferential_vertices`)
    the sentence lists."""
    from landscape.critical.kinks import subdifferential_vertices

    coords = tuple(cp.point_exact) if cp.point_exact is not None else tuple(cp.point)
    vertices = subdifferential_vertices(obj.expr, obj.variables, obj.gradient_list, coords)
    hull = ""
    if 0 < vertices.shape[0] <= SUBDIFFERENTIAL_VERTICES_SHOWN:
        pts = [fmt_point(g) for g in vertices]
        listed = pts[0] if len(pts) == 1 else ", ".join(pts[:-1]) + " and " + pts[-1]
        hull = f", here the hull of {listed}, which contains 0"
    elif vertices.shape[0]:
        hull = f", here the hull of {vertices.shape[0]} such limits, which contains 0"
    return (f"{name} lies on a kink of f, where f has no gradient: it is critical because 0 "
            "lies in its subdifferential ∂f, the convex hull of the limits of ∇f at nearby "
            f"points where f is smooth{hull}.")


def _strict_how(cv: Any) -> str:
    """How the strict/strong convexity answer was obtained: a nonconvex verdict settles both
    ("no" follows from it, as exact as the verdict), otherwise the analysis's reason
    (``how["strict"]``: "implied by μ > 0", "not decided: no proof …", "refuted: f is affine
    on the chord …"), or its method where that reason is "exact"."""
    if cv.verdict == "nonconvex" and not cv.strict and not cv.strong:
        return "follows from the verdict: a nonconvex f is neither"
    why = (getattr(cv, "how", None) or {}).get("strict", "exact")
    return str(cv.method) if why == "exact" else str(why)


def _strict_value(cv: Any) -> bool | None:
    """Whether f is strictly convex as the page says it: None (``undecided``) where the
    analysis did not decide it and its flag is only a default
    (:data:`landscape.convexity.STRICT_UNDECIDED`), not a proof of ``no``."""
    from landscape.convexity import STRICT_UNDECIDED

    undecided = (getattr(cv, "how", None) or {}).get("strict") == STRICT_UNDECIDED
    return None if undecided and not cv.strict else cv.strict


def _convexity_table(b: Builder, A: Analysis) -> None:
    d, cv = b.doc, A.convexity
    if cv is None:
        d.paragraph("The convexity analysis failed; see “What failed”.", style="italic")
        return
    b.data["convexity"] = cv.to_json()
    d.paragraph(_convexity_sentence(A, how_below=True))
    sec = "convexity"

    def how_of(key: str) -> str:
        text = str(cv.how.get(key, cv.method))
        return "exact" if text.startswith(("exact", "proved")) else "numeric"

    rows = [["verdict", cv.verdict, _verdict_how(cv)],
            ["strictly / strongly convex", f"{yes_no(_strict_value(cv))} / {yes_no(cv.strong)}",
             _strict_how(cv)]]
    for key, label in (("mu", MU_LABEL), ("L", L_BOX_LABEL)):
        v = getattr(cv, key)
        if v is not None:
            rows.append([label, cell(b, sec, "box", key, v, how_of(key)),
                         powers_in_text(str(cv.how.get(key, cv.method)))])
    w = cv.witness or {}
    if w.get("point") is not None:
        rows.append(["witness point", fmt_point(w["point"]), "where convexity fails"])
        rows.append(["λ_min there", cell(b, sec, "witness", "min eigenvalue",
                                         w.get("min_eigenvalue"), "numeric"),
                     "negative: the Hessian is not positive semidefinite"])
    chords = [(key, w.get(key)) for key in ("chord", "concave_chord")
              if isinstance(w, Mapping) and w.get(key)]
    for i, (key, chord) in enumerate(chords):
        # each chord named by what it refutes when both are shown (chained Rosenbrock p. 4:
        # "each refuted by a chord" above one chord); the second row names the difference
        # the first wrote out, whose formula with a long number broke over three lines
        rows.append([CHORD_ROWS[key] if len(chords) > 1 else "chord test",
                     f"x = {fmt_point(chord['x'])}, y = {fmt_point(chord['y'])}, "
                     f"α = {fmt_num(chord.get('alpha'))}",
                     ("the same difference = " if i else
                      "f(αx + (1−α)y) − (αf(x) + (1−α)f(y)) = ")
                     + cell(b, sec, "witness", CHORD_KEYS[key], chord.get("gap"), "exact")
                     + chord_verdict(chord.get("gap"))])
    d.table(["quantity", "value", "how it was obtained"], rows, title="Convexity on the box",
            notes=[legend_text(["exact", "numeric"])])


#: the convexity table's rows for the witness's chords, when both are shown, and the keys
#: of their gaps among the table's cells
CHORD_ROWS = {"chord": "chord test (convexity)", "concave_chord": "chord test (concavity)"}
CHORD_KEYS = {"chord": "chord gap", "concave_chord": "concave chord gap"}


def chord_verdict(gap: Any) -> str:
    """What the sign of a chord gap f(αx + (1−α)y) − (αf(x) + (1−α)f(y)) says: above 0, f
    lies above its chord there, which a convex f never does (``" > 0, so f is not convex"``);
    below 0, below it, which a concave f never does (``" < 0, so f is not concave"``); ''
    for a gap that refutes nothing.  The conclusion stays on one line (chained Rosenbrock
    p. 4 ended a cell with "concave" alone)."""
    try:
        g = float(gap)
    except (TypeError, ValueError):
        return ""
    if not g:
        return ""
    return f" {'>' if g > 0 else '<'} 0, " + unbroken(
        f"so f is not {'convex' if g > 0 else 'concave'}")


#: the vanishing analysis's word for a critical point without a Hessian, as the table says it
_KINK_WORD = {"nondifferentiable": "kink"}


def regions_in_point_order(cps: Any, regions: Sequence[Any]) -> list[Any]:
    """Small-gradient regions in the order of the critical points they hold
    (:func:`region_critical_point`), so that R1, R2, … follow P1, P2, …; the regions that hold
    none after them, in their given order."""
    held = [region_critical_point(cps, r) for r in regions]
    order = sorted(range(len(regions)),
                   key=lambda i: (held[i] is None, held[i] or 0, i))
    return [regions[i] for i in order]


def region_critical_point(cps: Any, region: Any) -> int | None:
    """The index in the critical-point table of the point a small-gradient region holds
    (``region.critical_point`` set): the listed point inside the region's bounds (widened by
    10⁻⁹ of the box-free scale max(1, |bound|)) nearest the region's point; None when the
    region holds none or the list has none inside."""
    if region.critical_point is None or not cps:
        return None
    lo = np.asarray(region.lower, float)
    hi = np.asarray(region.upper, float)
    pad = 1e-9 * np.maximum(1.0, np.maximum(np.abs(lo), np.abs(hi)))
    best, dist = None, math.inf
    for i, cp in enumerate(cps):
        x = np.asarray(cp.point, float)
        if x.shape == lo.shape and np.all(lo - pad <= x) and np.all(x <= hi + pad):
            d = float(np.linalg.norm(x - np.asarray(region.point, float)))
            if d < dist:
                best, dist = i, d
    return best


def points_text(points: Sequence[Sequence[float]]) -> str:
    """Points as one text: the coordinates of a set that is every combination of its
    coordinates' values, each a value or ``±a`` (``(±5, 5)``: both signs of the first);
    else the points one by one (:func:`fmt_point`), joined with "and"."""
    pts = [tuple(float(c) for c in p) for p in points]
    per = [sorted(set(c)) for c in zip(*pts, strict=True)] if pts else []
    if pts and len(set(pts)) == math.prod(len(c) for c in per) and all(
            len(c) == 1 or (len(c) == 2 and c[0] == -c[1]) for c in per):
        parts = [fmt_num(c[0]) if len(c) == 1 else f"±{fmt_num(c[1])}" for c in per]
        return parts[0] if len(parts) == 1 else f"({', '.join(parts)})"
    texts = [fmt_point(p) for p in pts]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def box_maximum_text(v: Any, box: Any) -> tuple[str, str]:
    """The largest value of f on the box as the vanishing-gradient analysis found it, and
    what it is, for the sentence "f ranges over [f*, max] on the box, from … to …" (the
    range whole, its explanation after it): ``("52.5ᵉ", "f at the corners (±5, ±5), where
    the sampled maximum lies")`` when f there is exact
    (:func:`landscape.vanishing.exact_box_maximum`: the value at those points is exact; that
    no point is higher rests on the sampling; "boundary points" when a coordinate lies
    inside its interval of ``box``), else ``("52.5", "the largest sampled value")``."""
    if v.f_max_exact is None or not v.f_max_at:
        return fmt_num(v.f_max), "the largest sampled value"
    corners = all(
        any(c == float(b) for b in bounds)
        for p in v.f_max_at for c, bounds in zip(p, box, strict=True))
    many = len(v.f_max_at) > 1
    ends = len(v.f_max_at[0]) == 1
    where = (("the ends" if ends else "the corners") if many
             else ("the end" if ends else "the corner")) if corners else (
        "the boundary points" if many else "the boundary point")
    return (mark(fmt_num(float(v.f_max_exact)), "exact"),
            f"f at {where} {points_text(v.f_max_at)}, where the sampled maximum lies")


def _vanishing_table(b: Builder, A: Analysis, limit: int = 30) -> None:
    d, v = b.doc, A.vanishing
    if v is None:
        d.paragraph("The vanishing-gradient analysis failed; see “What failed”.",
                    style="italic")
        return
    b.data["vanishing_gradient"] = v.to_json()
    sec = "vanishing gradient"
    plateaus = sum(r.plateau for r in v.regions)
    f_star, exact = lowest_value(A)
    vj = b.data["vanishing_gradient"]
    vj.update({"f_star": f_star, "f_star_how": "exact" if exact else "sampled"})
    for rj, r in zip(vj.get("regions", []), v.regions, strict=False):
        rj["above_f_star"] = r.value - f_star
    # the range whole, then what its ends are: a parenthesis inside it broke it after "[0"
    low = ("the exact minimum value f* of the critical-point table" if exact
           else "the least sampled value")
    high, top = box_maximum_text(v, A.box)
    # a method said in sentences (a sampled search's seeding) follows the count, not inside it
    long = ".  " in v.method
    d.paragraph(f"Regions of the box where ‖∇f‖₂ < t = {fmt_num(v.threshold)}"
                + ("" if long else f" ({v.method})") + ": "
                f"{len(v.regions)}, of which {plural(plateaus, 'plateau')} — flat regions "
                "whose value is far above the minimum, where gradient steps become tiny "
                "without being near a solution.  "
                f"f ranges over [{fmt_num(f_star)}, {high}] on the box, from {low} to {top}."
                + (f"  How they were found: {v.method}." if long else "")
                + (f"  {kinks}" if (kinks := kink_gradient_text(A.obj.gradient_list)) else ""))
    rows = []
    shown: dict[str, Any] = {"roots": False, "ellipse": False, "zero": False, "kink": False,
                             "measured": "", "on_kink": [], "refined": [],
                             "checked": v.extents}
    for i, r in enumerate(v.regions[:limit], start=1):
        item = f"R{i}"
        cp = exact_critical_inside(A, r)
        ext = exact_region_extent(A.obj, cp, v.threshold, A.box, r) if cp is not None else None
        kext = (kink_region_extent(A.obj, cp, v.threshold, A.box, r)
                if cp is not None and ext is None else None)
        inside = region_critical_point(A.cps, r)
        at_kink = (inside is not None and not getattr(A.cps[inside], "differentiable", True)
                   and np.allclose(np.asarray(r.point, float),
                                   np.asarray(A.cps[inside].point, float), atol=1e-12))
        shown["roots"] |= bool(r.exact) and ext is None and kext is None
        shown["ellipse"] |= ext is not None
        shown["zero"] |= cp is not None and not at_kink
        shown["kink"] |= at_kink
        if cp is None and inside is not None and not at_kink:
            c = A.cps[inside]  # its ‖∇f‖₂ from the refinement, below double precision's
            g64 = float(np.linalg.norm(A.obj.compiled.gradient(np.asarray(c.point, float))))
            if c.gradient_norm < g64:
                shown["refined"].append((f"P{inside + 1}", c.gradient_norm))
        if kext is not None:
            shown["on_kink"].append((item, kext))
            ext = (kext.lower, kext.upper)
        lower, upper = (r.lower, r.upper) if ext is None else ext
        how = "exact" if r.exact or ext is not None else "numeric"
        if how == "numeric":
            shown["measured"] = v.extents
        # both ends with the digits that tell them apart, trailing zeros kept alike; a
        # region of zero width in some variable lies on a line (plane): its variables named
        flat = zero_width(lower, upper)
        ends = [(f"{cell(b, sec, item, f'lower[{k}]', lo, how, d, like=fmt_num(hi, d))}",
                 f"{cell(b, sec, item, f'upper[{k}]', hi, how, d, like=fmt_num(lo, d))}")
                for k, (lo, hi, d) in enumerate(
                    region_ends(lo, hi, float(at), j in flat) for j, (lo, hi, at) in
                    enumerate(zip(lower, upper, np.ravel(r.point), strict=True)))]
        names = [page_name(v) for v in A.obj.names]
        span = "; ".join(
            (f"{names[k]} = {lo}" if k in flat else f"{names[k]} ∈ [{lo}, {hi}]") if flat
            else f"[{lo}, {hi}]" for k, (lo, hi) in enumerate(ends))
        # a region holding an exact critical point has its smallest ‖∇f‖ = 0 there, exactly
        # marked as every other number of the table (chained Rosenbrock p. 4: R1's and R2's
        # points, found numerically, bore no mark beside R3's (1, 1, 1, 1, 1)ᵉ)
        at = mark(_exact_text(cp.point_exact) or fmt_point(cp.point), "exact") if cp else \
            mark(fmt_point(r.point), "numeric")
        gn, ghow = (0.0, "exact") if cp is not None else (r.gradient_norm, "numeric")
        fv, fhow = ((float(cp.value) - f_star, "exact") if cp is not None and exact
                    else (r.value - f_star, "numeric"))
        # on a kink, the norm of the subgradient the formulas of ∇f give there, as the
        # paragraph before the table defines it (kink_gradient_text), marked as a kink's
        rows.append([item, span, at,
                     cell(b, sec, item, "gradient norm", gn, ghow, 3)
                     + (" (kink)" if at_kink else ""),
                     cell(b, sec, item, "f - f*" if exact else "f - min f", fv, fhow,
                          F_DIGITS),
                     r.describe() + flat_text(flat, names, lower),
                     (r.critical_point or "none") if inside is None else
                     f"P{inside + 1} ({_KINK_WORD.get(r.critical_point, r.critical_point)})"])
    if rows:
        d.table(["#", "region (per variable)", "smallest ‖∇f‖₂ at", Column("‖∇f‖₂", "r"),
                 Column("f − f*" if exact else "f − min f", "r"), "type",
                 "critical point inside"], rows,
                title="Small-gradient regions",
                notes=[legend_text(["exact", "numeric"]) + ".  " + region_note(**shown)
                       + (f"f* = {fmt_num(f_star)}: the exact lowest minimum value."
                          if exact else "min f: the smallest value sampled on the box."),
                       *(sentence(n) for n in v.notes)])
    else:
        for n in v.notes:
            d.paragraph(sentence(n), style="italic", size=SMALL)


def region_ends(lo: float, hi: float, at: float, flat: bool) -> tuple[float, float, int]:
    """A region's interval in one variable as its table prints it, with the digits that tell
    its ends apart and from the point ``at`` inside (:func:`interval_digits`): the lower end
    rounded down and the upper end up (:func:`~landscape.numfmt.round_out`), so that the
    printed interval contains the region ([0.9988, 1.002] for [0.998883, 1.001119], not
    [0.9989, 1.001]); a variable of zero width (``flat``) keeps its one value rounded to
    nearest."""
    d = interval_digits(lo, hi, inside=at)
    if flat:
        return lo, hi, d
    return round_out(lo, d, up=False), round_out(hi, d, up=True), d


def zero_width(lower: Sequence[float], upper: Sequence[float]) -> list[int]:
    """The variables (indices) in which a small-gradient region has zero width: its two ends
    print alike to 15 digits (the kink report's R1 spans [0, 0] in x, a segment of the line
    x = 0 on which |x| has its kink)."""
    return [k for k, (lo, hi) in enumerate(zip(lower, upper, strict=True))
            if as_printed(lo, 15) == as_printed(hi, 15)]


def flat_text(flat: Sequence[int], names: Sequence[str], values: Sequence[float]) -> str:
    """``; zero width: it lies on the line x = 0``, the type column's words for a region of
    zero width in the variables ``flat`` (:func:`zero_width`): on the line (one free
    variable), the plane (two free variables), the hyperplane (one flat variable) or where
    those variables take their ``values``; the point itself when it is flat in every
    variable; empty when none."""
    if not flat:
        return ""
    where = ", ".join(f"{names[k]} = {fmt_num(values[k])}" for k in flat)
    free = len(names) - len(flat)
    if free == 0:
        return f"; zero width: the single point {where}"
    shape = ("the line " if free == 1 else "the plane " if free == 2 else
             "the hyperplane " if len(flat) == 1 else "")
    return f"; zero width: it lies on {shape}{where}"


def full_stop(text: str) -> str:
    """``text`` ending with a full stop (one already there kept): the bullets of “What
    failed” are sentences, as the Summary's are (quadratic p. 2: "… from the minimum P1)"
    ended a bullet with no stop)."""
    text = text.rstrip()
    return text if text.endswith(".") else text + "."


def sentence(clause: str) -> str:
    """A note written as a clause ("sub-grid search stopped …") as a sentence: its first
    letter capital, a full stop at its end (one already there kept)."""
    text = clause.strip()
    return full_stop(text[:1].upper() + text[1:])


def measured_bounds_text(extents: str) -> str:
    """The footnote's sentences on numeric (computed) bounds of small-gradient regions:
    "Numeric region bounds are " and how they are computed (``extents``, the account the search
    gives, :attr:`landscape.vanishing.VanishingReport.extents`), then that printed bounds
    are rounded outward; empty without an account."""
    if not extents:
        return ""
    # "are" and the account, one colon (chained Rosenbrock p. 4 read "are computed: the
    # bounding box of points checked inside the region: the point …", two in a row)
    return (f"Numeric region bounds are {extents}.  Printed bounds are rounded "
            "outward (a lower end down, an upper end up).  ")


def region_note(roots: bool, ellipse: bool, zero: bool, kink: bool = False,
                measured: str = "", on_kink: Sequence[tuple[str, Any]] = (),
                refined: Sequence[tuple[str, float]] = (), checked: str = "") -> str:
    """The small-gradient table's footnote on the entries it shows: bounds that are roots of
    |f′| = t solved by SymPy (``roots``), bounds of the ellipse ‖H(x − x*)‖₂ ≤ t of a
    quadratic (``ellipse``), numeric bounds computed as ``measured`` says
    (:func:`measured_bounds_text`; empty: none shown), a
    smallest ‖∇f‖ of exactly 0 at an exact critical point where f is differentiable
    (``zero``), a critical point at a kink, where f has no gradient (``kink``), exact bounds
    of regions on a kink (``on_kink``: item and :class:`KinkExtent`), numeric critical points
    inside regions whose ‖∇f‖₂ in the critical-point table is the residual of their
    refinement, below the double-precision value at the rounded point (``refined``: name and
    that residual), and, when no numeric bounds are shown, how the computed bounds that the
    exact ones agree with were found (``checked``); each sentence ends with two spaces."""
    out = measured_bounds_text(measured)
    if roots:
        out += "Exact region bounds are roots of |f′| = threshold solved by SymPy.  "
    for item, k in on_kink:
        out += (f"Exact bounds of {item}, on the kink {k.where}: there the formulas of ∇f "
                f"give {k.gradient}, linear in the variables the kink leaves free, so the "
                f"region is the part of the kink where ‖{k.gradient}‖₂ < t, and its bounds "
                "are the extremes of each free variable there (agreeing with the computed "
                "bounds).  ")
    if ellipse:
        out += ("Exact region bounds of a quadratic f with invertible Hessian H are those of "
                "the ellipse ‖H(x − x*)‖₂ ≤ t around its exact minimizer: xᵢ* ± t·‖row i of "
                "H⁻¹‖₂ (agreeing with the computed bounds).  ")
    if checked and not measured and (ellipse or on_kink):
        out += f"Computed bounds are {checked}.  "
    if zero:
        out += ("A region holding an exact critical point where f is differentiable has its "
                "smallest ‖∇f‖₂ = 0 there, exactly.  " if kink else
                "A region holding an exact critical point has its smallest ‖∇f‖₂ = 0 there, "
                "exactly.  ")
    if refined:
        pts = ", ".join(f"{p} ({fmt_num(g, 2)})" for p, g in refined)
        # the point is printed rounded, and ∇f moves by about ∇²f times the rounding
        # (chained Rosenbrock p. 4: ‖∇f‖₂ = 0.074 at R1's printed point, 8.70e−14 printed)
        out += ("A region's smallest ‖∇f‖₂ is evaluated in double precision at the point "
                "found, shown rounded (at the rounded point ‖∇f‖₂ is larger: ∇f moves by "
                "about ∇²f times the rounding); the ‖∇f‖₂ of the critical-point table at "
                f"{pts} is evaluated at "
                f"{REFINE_DPS} digits at the point refined to {REFINE_DPS} digits (shown "
                "rounded there), below what double precision resolves.  ")
    if kink:
        # the mark of the ‖∇f‖₂ cell, "0ᵉ (kink)": the cell gives the norm the paragraph
        # above the table defines on kinks (kink_gradient_text)
        out += ("(kink): the region's critical point is a kink of f, where f has no gradient "
                "(0 lies in its subdifferential); its ‖∇f‖₂ is that of the formulas' "
                "subgradient.  ")
    return out


def exact_critical_inside(A: Analysis, r: Any) -> Any | None:
    """The exact critical point (of the critical-point table) inside vanishing region ``r``
    when the region holds a critical point and exactly one exact point of the table lies in
    its bounds (and by its measured smallest-‖∇f‖ point); else None."""
    if r.critical_point is None or A.cps is None:
        return None
    lo, hi, p = (np.asarray(v, float) for v in (r.lower, r.upper, r.point))
    pad = 1e-9 * max(1.0, float(np.max(np.abs(hi - lo))))
    inside = [cp for cp in A.cps if cp.exact and getattr(cp, "point_exact", None) is not None
              and np.all(np.asarray(cp.point, float) >= lo - pad)
              and np.all(np.asarray(cp.point, float) <= hi + pad)]
    if len(inside) != 1:
        return None
    cp = inside[0]
    near = float(np.linalg.norm(np.asarray(cp.point, float) - p))
    return cp if near <= 1e-6 * max(1.0, float(np.max(np.abs(hi - lo)))) else None


def exact_region_extent(obj: Any, cp: Any, threshold: float, box: Any, r: Any,
                        rtol: float = 1e-6) -> tuple[list[float], list[float]] | None:
    """Exact per-variable bounds of the region {‖∇f‖₂ ≤ t} around the exact critical point
    ``cp`` of a quadratic f with invertible (constant) Hessian H, or None.

    There ∇f(x) = H(x − x*), so the region is the ellipsoid ‖H(x − x*)‖₂ ≤ t and, with
    u = H(x − x*), xᵢ − xᵢ* = (H⁻¹u)ᵢ ranges over ±t·‖row i of H⁻¹‖₂ (Cauchy–Schwarz):
    xᵢ ∈ [xᵢ* − t‖(H⁻¹)ᵢ‖₂, xᵢ* + t‖(H⁻¹)ᵢ‖₂], clipped to the box; evaluated in SymPy with
    t as the rational the threshold prints as.  Returned only when every bound agrees with
    the measured extent of ``r`` within ``rtol`` of the region's span (else the measured
    ones stand, numeric)."""
    import sympy as sp

    from analysis.rates import is_quadratic

    try:
        if not is_quadratic(obj):
            return None
        H = sp.hessian(obj.expr, obj.variables)
        if H.det() == 0:
            return None
        Hi = H.inv()
        t = sp.nsimplify(str(threshold), rational=True)
        B = np.asarray(box, float)
        lower, upper = [], []
        for i, xi in enumerate(cp.point_exact):
            w = t * sp.sqrt(sum(Hi[i, j] ** 2 for j in range(H.shape[0])))
            lower.append(max(float(sp.N(sp.sympify(xi) - w, 30)), float(B[i, 0])))
            upper.append(min(float(sp.N(sp.sympify(xi) + w, 30)), float(B[i, 1])))
    except (TypeError, ValueError, AttributeError, sp.SympifyError):
        return None
    span = max(1e-300, float(np.max(np.asarray(r.upper, float) - np.asarray(r.lower, float))))
    meas = np.r_[np.asarray(r.lower, float), np.asarray(r.upper, float)]
    if not np.all(np.abs(np.r_[lower, upper] - meas) <= rtol * span):
        return None
    return lower, upper


@dataclass
class KinkExtent:
    """Exact bounds of a small-gradient region on a kink (:func:`kink_region_extent`):
    ``lower``/``upper`` per variable, and the subgradient the formulas of ∇f give on the kink
    (``where``: the kink, ``gradient``: its formula there), linear in the free variables."""

    lower: list[float]
    upper: list[float]
    where: str
    gradient: str


def kink_region_extent(obj: Any, cp: Any, threshold: float, box: Any, r: Any,
                       rtol: float = 1e-6) -> KinkExtent | None:
    """Exact per-variable bounds of the region {‖g‖₂ ≤ t} around the exact critical point
    ``cp`` on a kink of f, where the region lies on the kink (zero width in some variables,
    :func:`zero_width`), or None.

    On the kink the variables of zero width keep their values at x*; there the formulas of
    ∇f (sign(0) = 0, θ(0) = ½) give a subgradient g.  Each other sign or unit step in g has
    an argument of one sign over the region's measured extent (checked at its corners), so
    it is constant there; when g is then linear in the free variables, g = M(u − u*) with
    g(x*) = 0, the region on the kink is {‖M(u − u*)‖₂ ≤ t}, and uᵢ ranges over
    uᵢ* ± t·‖row i of M⁺‖₂ (M of full column rank, M⁺ = (MᵀM)⁻¹Mᵀ; the maximum of eᵢᵀM⁺v
    over ‖v‖ ≤ t in the range of M).  Evaluated in SymPy with t as the rational it prints as;
    returned only when every bound agrees with the measured extent of ``r`` within ``rtol``
    of the region's span, clipped to the box."""
    import itertools

    import sympy as sp

    if getattr(cp, "differentiable", True) or cp.point_exact is None:
        return None
    flat = zero_width(r.lower, r.upper)
    free = [k for k in range(len(obj.variables)) if k not in flat]
    if not flat or not free:
        return None
    xs = obj.variables
    star = [sp.sympify(v) for v in cp.point_exact]
    try:
        g = [sp.sympify(e).xreplace({xs[k]: star[k] for k in flat}) for e in obj.gradient_list]
        corners = [dict(zip([xs[k] for k in free], c, strict=True)) for c in itertools.product(
            *[(sp.nsimplify(r.lower[k]), sp.nsimplify(r.upper[k])) for k in free])]
        at = dict(zip(xs, star, strict=True))
        fixed = {}
        for a in set().union(*(e.atoms(sp.sign, sp.Heaviside) for e in g)):
            arg = a.args[0]
            signs = {sp.sign(arg.xreplace(c)) for c in corners} | {sp.sign(arg.xreplace(at))}
            if len(signs) != 1 or 0 in signs:
                return None
            fixed[a] = a.xreplace(at)
        g = [sp.expand(e.xreplace(fixed)) for e in g]
        u = [xs[k] for k in free]
        if any(e.atoms(sp.Function) or not e.is_polynomial(*u)
               or sp.Poly(e, *u).total_degree() > 1 for e in g):
            return None
        if any(sp.simplify(e.xreplace(at)) != 0 for e in g):
            return None
        M = sp.Matrix([[sp.diff(e, v) for v in u] for e in g])
        MtM = M.T * M
        if MtM.det() == 0:
            return None
        P = MtM.inv() * M.T
        t = sp.nsimplify(str(threshold), rational=True)
        B = np.asarray(box, float)
        lower = [float(sp.N(v, 30)) for v in star]
        upper = list(lower)
        for i, k in enumerate(free):
            w = t * sp.sqrt(sum(P[i, j] ** 2 for j in range(P.shape[1])))
            lower[k] = max(float(sp.N(star[k] - w, 30)), float(B[k, 0]))
            upper[k] = min(float(sp.N(star[k] + w, 30)), float(B[k, 1]))
    except (TypeError, ValueError, AttributeError, ZeroDivisionError, sp.SympifyError,
            sp.PolynomialError):
        return None
    span = max(1e-300, float(np.max(np.asarray(r.upper, float) - np.asarray(r.lower, float))))
    meas = np.r_[np.asarray(r.lower, float), np.asarray(r.upper, float)]
    if not np.all(np.abs(np.r_[lower, upper] - meas) <= rtol * span):
        return None
    names = [page_name(v) for v in obj.names]
    where = ", ".join(f"{names[k]} = {sp.sstr(star[k])}" for k in flat)
    grad = "(" + ", ".join(sp.sstr(e).replace("*", "·") for e in g) + ")"
    return KinkExtent(lower, upper, where, grad)


def lowest_value(A: Analysis) -> tuple[float, bool]:
    """The lowest value of f on the box and whether it is exact: the exact value of the lowest
    minimum of the critical-point table when there is one and no sampled value of the
    vanishing-gradient analysis lies below it (beyond 10⁻⁹ relative: then the box's edge is
    lower), else the sampled minimum."""
    sampled = float(A.vanishing.f_min)
    m = A.minimum
    if m is not None and bool(getattr(m, "exact", False)) and math.isfinite(float(m.value)):
        fv = float(m.value)
        if not sampled < fv - 1e-9 * max(1.0, abs(fv)):
            return fv, True
    return sampled, False


#: a method's choices in words in the optimizer table (``line_search = none`` reads
#: "no line search"); a choice not listed reads ``name = value``
CHOICE_WORDS = {
    ("line_search", "none"): "no line search", ("line_search", "armijo"): "Armijo line search",
    ("line_search", "wolfe"): "Wolfe line search",
    ("modification", "none"): "no Hessian modification",
    ("modification", "shift"): "eigenvalue shift",
    ("modification", "saddle-free"): "saddle-free Hessian |H|",
    ("variant", "fr"): "Fletcher–Reeves β", ("variant", "pr+"): "Polak–Ribière+ β",
    ("variant", "hs"): "Hestenes–Stiefel β", ("variant", "dy"): "Dai–Yuan β",
    ("variant", "linear"): "linear CG",
    ("order", "cyclic"): "cyclic order", ("order", "random"): "random order",
    ("order", "shuffle"): "shuffled order",
    ("update", "newton"): "Newton steps per coordinate",
    ("update", "gradient"): "gradient steps per coordinate",
}


def _hyper_text(method: str, hyper: Mapping[str, Any], skip: Sequence[str] = ()) -> str:
    """The hyperparameters of a run the tables list (:data:`SHOWN_HYPER`), a choice in words
    (:data:`CHOICE_WORDS`), a number as ``name = value`` (a letter's name as the letter,
    :data:`HYPER_SYMBOLS`: ``β₁ = 0.9``); ``skip``: names said elsewhere;
    'defaults' when none is listed, '' when all are skipped."""
    keys = SHOWN_HYPER.get(method, tuple(hyper))
    parts = []
    for k in keys:
        if k in hyper and hyper[k] is not None and k not in skip:
            v = hyper[k]
            words = CHOICE_WORDS.get((k, v)) if isinstance(v, str) else None
            parts.append(words or f"{HYPER_SYMBOLS.get(k, k)} = "
                         f"{fmt_num(v) if isinstance(v, float) else v}")
    return ", ".join(parts) or ("" if skip else "defaults")


def hyper_cell(r: MethodRun) -> str:
    """The optimizer table's hyperparameter cell of run ``r``: the rule of a default step
    with its value (``η = 1/L = 0.25``, :func:`default_hyper`; L in the lead-in), then the
    other settings in words (``no line search``); a given or default setting says so."""
    hyper = r.result.hyper if r.result is not None else r.hyper
    if r.why in ("given", "defaults"):
        text = _hyper_text(r.method, hyper)
        if r.why == "given":
            return f"{text}, as given"
        return "the method's defaults" + ("" if text == "defaults" else f": {text}")
    rest = _hyper_text(r.method, hyper, skip=tuple(r.hyper))
    return f"{r.why}; {rest}" if rest else r.why


def curvature_text(A: Analysis, runs: Sequence[MethodRun]) -> str:
    """The sentence of the optimizer table's lead-in giving the L (and κ) the default steps
    use and where each is taken (:func:`default_curvature`); '' when no default step uses
    it."""
    tuned = [r for r in runs if r.why not in ("given", "defaults")
             and r.method in ("gd", "sgd", "momentum", "nesterov")]
    if A.curvature is None or not tuned:
        return ""
    kappa = any(r.method in ("momentum", "nesterov") for r in tuned)
    text = f"  The default steps use {A.curvature.text(kappa)}."
    obj = getattr(A, "obj", None)
    kinks = kink_sets(obj.gradient_list) if obj is not None else []
    if kinks:
        text += (f"  That L is the smooth part's: across the kinks of f, {_names(kinks)}, "
                 "∇f jumps, so f is not L-smooth for any L, and η = 1/L is sized from the "
                 "smooth part only.")
    return text


def _near_index(A: Analysis, x: Any) -> int | None:
    """The index of the critical point within the matching tolerance
    (:func:`analysis.sweeps.basin_tolerance`) of ``x``, the nearest one; None when none is
    (or there is no list)."""
    if A.cps is None or not len(A.cps) or not np.all(np.isfinite(x)):
        return None
    from analysis.sweeps import basin_tolerance

    pts = np.array([cp.point for cp in A.cps], float).reshape(-1, A.obj.n)
    dist = np.linalg.norm(pts - np.asarray(x, float), axis=1)
    i = int(np.argmin(dist))
    return i if dist[i] <= basin_tolerance(A.box, pts) else None


def _match_text(A: Analysis) -> str:
    """The matching tolerance of :func:`_near_index` with its rule (``0.141 (1% of the box
    diagonal 14.1)``)."""
    from analysis.sweeps import basin_tolerance_text

    pts = [cp.point for cp in A.cps] if A.cps is not None else []
    return basin_tolerance_text(A.box, np.array(pts, float).reshape(-1, A.obj.n))


def near_radii_text() -> str:
    """The clause that sets the comparison tables' ‘ended near’ radius apart from the one the
    rate studies use (:func:`analysis.rates.converged_radius`), so that a reader who meets
    both knows which applies where."""
    from analysis.rates import CONVERGED_FRACTION

    return ("; the rate studies (“Theory against measurement”) use their own radius, "
            f"{CONVERGED_FRACTION:g} × a run's distance from x₀ to the point (or to the "
            "nearest other critical point, when that is closer), to decide whether a run "
            "converged to a point and so which point its errors are measured to")


def _ended_near(A: Analysis, x: Any) -> str:
    if A.cps is None or not len(A.cps) or not np.all(np.isfinite(x)):
        return "—"
    i = _near_index(A, x)
    return "no critical point" if i is None else f"P{i + 1} ({A.cps[i].kind})"


def _converged_where(A: Analysis, x: Any) -> str:
    """``at P1 (−0.9621, …) (a minimum with f = 3.931, above f(x*) = 0), not at x*`` for a
    converged run that ended at a critical point whose value lies above the lowest minimum's
    (by more than :data:`TIE_RTOL`); empty at x*, at a minimum tied with it, or when the point
    is not in the list."""
    i = _near_index(A, x)
    if i is None or A.minimum is None or A.cps[i] is A.minimum:
        return ""
    cp, xs = A.cps[i], A.minimum
    if cp.value <= xs.value + TIE_RTOL * max(1.0, abs(xs.value)):
        return ""
    # with its coordinates: the Summary comes before the table that numbers the points
    # (chained Rosenbrock p. 2 named P1 with nothing to find it by)
    return (f"at P{i + 1} {fmt_point(np.asarray(cp.point, float))} (a {cp.kind} with "
            f"f = {fmt_num(cp.value)}, above f(x*) = {fmt_num(xs.value)}), not at x*")


def _optimizers(b: Builder, A: Analysis) -> None:
    """The comparison table of the runs."""
    d = b.doc
    d.heading("Optimizer comparison")
    runs = [r for r in A.runs if r.result is not None]
    if not runs:
        d.paragraph("No optimizer run is available; see “What failed”.", style="italic")
        return
    d.paragraph(
        f"Every method started at {start_text(A.x0, A.x0_how)}, and stopped with the "
        f"optimizers' default rules: ‖∇f‖∞ ≤ {gtol_text(runs)}, or the "
        f"iteration limit ({limit_text(runs)}){other_stops_text(runs)}.  ‘Ended near’ "
        "names the critical point "
        "(table of section 3) within "
        f"{_match_text(A)} of the final iterate{near_radii_text()}." + curvature_text(A, runs))
    sec = "optimizer comparison"
    rows = []
    for r in runs:
        res = r.result
        gmax = grad_max(res)
        rows.append([r.shown, hyper_cell(r),
                     status_text(res.status),
                     cell(b, sec, r.label, "iterations", res.nit, "measured"),
                     cell(b, sec, r.label, "f evaluations", res.nfev, "measured"),
                     cell(b, sec, r.label, "gradient evaluations", res.njev, "measured"),
                     cell(b, sec, r.label, "Hessian evaluations", res.nhev, "measured")
                     if getattr(res, "nhev", 0) else "—",
                     cell(b, sec, r.label, "final f", res.fun, "measured", 6, zeros=True),
                     cell(b, sec, r.label, "final max-norm gradient", gmax, "measured",
                          GRAD_DIGITS, zeros=True),
                     _ended_near(A, res.x)])
        for k, v in res.hyper.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                b.ledger.add(sec, r.label, f"hyper {k}", v, "setting")
    d.table(["method", "hyperparameters", "status", Column("iterations", "r"),
             Column("f evals", "r"), Column("∇f evals", "r"), Column("∇²f evals", "r"),
             Column("final f", "r"), Column("‖∇f‖∞", "r"), "ended near"], rows,
            title="Runs from the same start",
            notes=[legend_text(["measured"]) + ".  Hyperparameters not listed keep the "
                   "optimizers' defaults (PyTorch conventions; Newton: Wolfe line search and "
                   f"{EIGENVALUE_SHIFT})"
                   + (f"; η is the {STEP_SIZE.removesuffix(' η')}" if any(
                       "lr" in (r.result.hyper if r.result is not None else r.hyper)
                       for r in runs) else "") + "."
                   + (f"  {meanings}" if (meanings := hyper_meanings(runs)) else "")])
    b.data["runs"] = {r.label: {"method": r.method, "why": r.why, **r.result.to_json()}
                      for r in runs}


def predicted_kind(p: Any, extra: str = "") -> str:
    """A prediction's kind as a cell says it: ``linear (bound)`` when the theory gives a bound
    (the slowest kind it allows), with ``extra`` joined inside the brackets, ``linear (bound,
    no rate)``; a kind that is itself a bound, ``bounded``, or ``none`` says it once:
    ``bounded, no rate``, never ``bounded (bound)``.  An exact superlinear prediction of a
    named order says its word, ``cubic`` for q = 3, as order 2 is ``quadratic`` (the JSON
    kind stays ``superlinear`` with its order)."""
    kind = order_word(p) or p.kind
    if p.exact or p.kind in ("none", "bounded"):
        return kind + (f", {extra}" if extra else "")
    return f"{p.kind} (bound{', ' + extra if extra else ''})"


def rate_pair_digits(p: float, m: float, most: int = 12) -> int:
    """Significant digits for a predicted rate ``p`` and a measured rate ``m`` printed side
    by side: at least :func:`~landscape.numfmt.rate_digits` of each, and more when needed
    for the relative difference worked out from the printed values to print as the one
    the verdict shows (:func:`~analysis.compare.rate_diff`, :func:`percent`): 0.99960064
    vs 0.99959980 (0.21% of −ln ρ), not 0.999601 vs 0.999600, whose last digits alone
    make 0.25%.  A difference below 0.01% is reproduced by any below it, equal printed
    rates included.  The fewest digits up to ``most`` that do it; the rate digits when
    none does."""
    from analysis.compare import rate_diff, reproducing_digits

    least = max(rate_digits(p), rate_digits(m))
    return reproducing_digits(rate_diff, (m, p), least, most) or least


def exponent_text(a: str) -> str:
    """The rate cell of a sublinear run, its exponent ``a`` (a marked number) named apart from
    the power, so that the marker does not read as part of it: ``∝ k^−a, a = 1ᵗ`` (not
    ``∝ k⁻¹ᵗ``, "k to the −1t")."""
    return f"∝ k^−a, a = {a}"


def _pred_cells(b: Builder, label: str, p: Any, digits: int | None = None
                ) -> tuple[str, str, str]:
    sec = "theory vs measurement"
    kind_only = (p.rate is None and not p.exact and p.order is None
                 and p.kind not in ("none", "bounded", "sublinear"))
    kind = predicted_kind(p, "no rate" if kind_only else "")  # theory gives the kind only
    if p.kind == "none":  # no kind: why, as the measured cell says a stopped run's status
        kind = f"— ({getattr(p, 'short_reason', None) or NO_RATE_PROMISED})"
    if p.kind == "sublinear" and p.exponent is not None:
        rate = exponent_text(cell(b, sec, label, "predicted exponent", p.exponent, "theory", 4))
    elif p.rate is None:
        rate = "—"
    else:
        rate = ("" if p.exact else "≤ ") + cell(b, sec, label, "predicted rate", p.rate,
                                                prediction_how(p),
                                                digits or rate_digits(p.rate))
    order = ("—" if p.order is None or p.order == 1.0  # a linear order: its kind says it
             else cell(b, sec, label, "predicted order", p.order, "theory", 3))
    return kind, rate, order


def kind_with_order(kind: str, order: str) -> str:
    """A predicted kind cell with its order q when it has one to print (``order`` a marked
    number, else "—"): ``quadratic (order q = 2ᵗ)``, ``cubic (order q = 3ᵗ)``, inside the
    brackets of a bound, ``superlinear (bound, order q = 1.5ᵗ)``; a linear kind (q = 1)
    and a kind with no order as they are."""
    if order == "—":
        return kind
    if kind.endswith(")"):
        return f"{kind[:-1]}, order q = {order})"
    return f"{kind} (order q = {order})"


def predicted_rate_text(p: Any, digits: int | None = None) -> str:
    """The predicted rate ρ as a table prints it (:func:`fmt_rate`, or to ``digits``
    significant digits, :func:`row_rate_digits`) when theory gives one (a linear rate or a
    growth factor), else empty: the text a measured rate set beside it shows at least the
    digits of (:func:`fmt_like`), so that 0.999600 is not printed 0.9996 beside 0.999601."""
    if p.kind in ("linear", "diverges") and p.rate is not None:
        return fmt_rate(p.rate) if digits is None else fmt_num(p.rate, digits)
    return ""


def _meas_cells(b: Builder, label: str, m: Any, like: str = "", digits: int | None = None,
                p: Any = None) -> tuple[str, str, str]:
    sec = "theory vs measurement"
    rate = "—"
    if m.kind == "sublinear" and m.exponent is not None:
        rate = exponent_text(cell(b, sec, label, "measured exponent", m.exponent, "fit", 4))
    elif m.rate is not None:
        bound = None if p is None or getattr(p, "exact", True) else getattr(p, "rate", None)
        own = measured_rate_digits(m, bound=bound)
        # a rate known only on average prints the digits its spread supports, not the theory's
        rate = cell(b, sec, label, "measured rate", m.rate, "fit", digits or own,
                    like="" if digits is None and own < rate_digits(m.rate) else like)
    if rate != "—" and m.window is not None:
        rate += f" [k = {int(m.window[0])}–{int(m.window[1])}]"
    order = ("—" if m.order is None
             else cell(b, sec, label, "measured order", m.order, "fit", ORDER_DIGITS))
    if order != "—":  # its standard error and the window it was fitted over, as a rate's
        if getattr(m, "order_se", None):
            order += one_se(fmt_num(m.order_se, 2))
        win = printed_window(m)
        if win is not None and rate == "—":
            order += f" [k = {int(win[0])}–{int(win[1])}]"
    return kind_words(m, predicted=p), rate, order


#: run statuses that stop a run before any kind can be measured: the measured-kind cell of a
#: run of kind ``none`` says the status instead (:func:`none_kind`)
STOPPED_STATUSES = ("line_search_failed", "stalled")


def reason_head(reason: str) -> str:
    """``reason`` up to its first ": " outside brackets, where its detail begins (``the
    asymptotic window [2, 4] has fewer than 5 points: no reliable rate …``), else whole."""
    depth = 0
    for i, ch in enumerate(reason):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and reason.startswith(": ", i):
            return reason[:i]
    return reason


def none_why(study: Any) -> str | None:
    """Why rate study ``study`` measured kind ``none``: its status when that stopped the run
    (:data:`STOPPED_STATUSES`), ``line search failed``; else the head of the measurement's
    reason (:func:`reason_head`), ``no decrease of the error over the asymptotic window``,
    after the status when the run ended on its way to a point other than x*, its error still
    falling (``Measurement.falling``): ``iteration limit, 2.1 from x*, still decreasing``;
    None when it names none."""
    status = str(getattr(getattr(study, "result", None), "status", ""))
    if status in STOPPED_STATUSES:
        return status_text(status)
    m = getattr(study, "measurement", None)
    why = getattr(m, "reason", None)
    if not why:
        return None
    head = prose(reason_head(str(why)))
    return f"{status_text(status)}, {head}" if getattr(m, "falling", None) else head


def none_kind(kind: str, study: Any) -> str:
    """The measured-kind cell of rate study ``study``: ``kind`` (:func:`kind_words`), but
    ``— (why)`` for a run of measured kind ``none`` (:func:`none_why`), ``— (line search
    failed)``: the cell says why no kind was measured."""
    why = none_why(study) if kind == "none" else None
    return kind if why is None else f"— ({why})"


#: The longest note a theory table's row prints in full when a section prints it whole.
ROW_NOTE_CHARS = 240


def row_note(reason: str, full_in: str | None = None, head: str | None = None,
             detail: str | None = None) -> str:
    """A theory table's note: ``reason`` itself, or, when ``full_in`` names a section that
    prints it whole and it is longer than :data:`ROW_NOTE_CHARS`, its head (up to the
    first ": " outside brackets, where the measurement's kind is named, :func:`reason_head`;
    else ``head``, the reason in short when its caller has one, :func:`outside_head`) and
    where the rest is: a note tens of lines tall in a narrow column pushes the table to the
    next page.  A head that ends on a run outside the convergence radius of every critical
    point goes on with ``detail``, the nearest one and how its radius is set
    (:func:`outside_detail`): the radius is named on the page, with its size and its rule."""
    if full_in is None or len(reason) <= ROW_NOTE_CHARS:
        return reason
    first = reason_head(reason)
    if first == reason and head is None:
        return reason
    if first != reason and detail and first.endswith((OUTSIDE_EVERY, OUTSIDE_ONLY)):
        first = f"{first}: {detail}"
    return _add_aside(first if first != reason else head, f"reasons in full under “{full_in}”")


def _add_aside(text: str, aside: str) -> str:
    """``text`` with ``aside`` in brackets after it, inside the bracket ``text`` ends with
    when it ends with one: "… (Hessian model, curvature condition of the line search; reasons
    in full under …)", not two brackets in a row (kink p. 5)."""
    if text.endswith(")"):
        return f"{text[:-1]}; {aside})"
    return f"{text} ({aside})"


def _outside_nearest(study: Any, cps: Sequence[Any] | None) -> Any:
    """The critical point of ``cps`` nearest to where rate study ``study`` ended, when its run
    ended outside the convergence radius of every one (:data:`analysis.rates.OUTSIDE_EVERY`,
    :func:`analysis.rates.nearest_critical`); None for any other run."""
    from analysis.rates import nearest_critical

    how = str(getattr(study, "minimizer_how", ""))
    if not cps or (OUTSIDE_EVERY not in how and OUTSIDE_ONLY not in how):
        return None
    return nearest_critical(study.result.x, study.x0, cps)


def outside_head(study: Any, cps: Sequence[Any] | None) -> str | None:
    """A not-comparable reason in short for a run that ended outside the convergence radius
    of every critical point (:func:`_outside_nearest`): ``the run ended 1.1 from P3, outside
    its convergence radius 0.202 (within which a run counts as converged to it: 0.1 × its
    distance from the nearest other critical point, 2.02)`` (P3 numbered as in the
    critical-point table ``cps``; the radius with its rule,
    :func:`analysis.rates.radius_rule`: chained Rosenbrock p. 7 printed 0.202 with nothing
    on the page to check it by); None for any other run."""
    near = _outside_nearest(study, cps)
    if near is None:
        return None
    return (f"the run ended {fmt_num(near.distance, 3)} from P{near.index + 1}, outside its "
            f"convergence radius {fmt_num(near.radius, 3)} ({radius_rule(near)})")


def outside_detail(study: Any, cps: Sequence[Any] | None) -> str | None:
    """Which critical point a run that ended outside the convergence radius of every one
    (:func:`_outside_nearest`) ended nearest, and how that radius is set: ``1.10 from P3, the
    nearest, whose radius is 0.202 (within which a run counts as converged to it: 0.1 × its
    distance from the nearest other critical point, 2.02)``, for a theory table's note
    (:func:`row_note`): chained Rosenbrock p. 6 named "the convergence radius of every
    critical point" with no size and no definition on the page; None for any other run."""
    near = _outside_nearest(study, cps)
    if near is None:
        return None
    which = "the only critical point" if len(cps or ()) == 1 else "the nearest"
    return (f"{fmt_num(near.distance, 3)} from P{near.index + 1}, {which}, whose radius is "
            f"{fmt_num(near.radius, 3)} ({radius_rule(near)})")


def measured_rate_digits(m: Any, rate: float | None = None, bound: float | None = None) -> int:
    """Significant digits of a rate measured over the fit window [a, z] of measurement ``m``
    (``rate``: its robust fit ``m.rate`` unless told, or another estimate over that window,
    the geometric mean): :func:`~landscape.numfmt.rate_digits`, but for a window linear only
    on average (:func:`~analysis.compare.on_average`: the errors stray s = ``m.spread``
    decades from the fitted line) only the digits that spread supports.  A line within s
    decades of the errors at both ends of the window may tilt by 2s/(z − a) decades per
    step, so ρ is known to a factor 10^(±2s/(z − a)), an uncertainty u = ρ·(10^(2s/(z − a))
    − 1): ρ prints down to one decimal place below u's first significant digit (at least 2
    digits, at most :func:`~landscape.numfmt.rate_digits`), and, beside a bound ``bound``,
    with as many more as keep it printed on its side of the printed bound.  CG on
    Rosenbrock: ρ = 0.47147 over k = 25–45, s = 1.1: u = 0.136, ``0.47``."""
    v = float(m.rate if rate is None else rate)
    most = rate_digits(v)
    win = getattr(m, "window", None)
    if not on_average(m) or win is None or int(win[1]) <= int(win[0]) or not 0 < v:
        return most
    u = v * (10.0 ** (2.0 * float(m.spread) / (int(win[1]) - int(win[0]))) - 1.0)
    digits = min(most, max(2, math.floor(math.log10(v)) - math.floor(math.log10(u)) + 2))
    return side_digits(v, bound, digits)


def side_digits(v: float, bound: float | None, digits: int) -> int:
    """At least ``digits`` significant digits for ``v``, as many more (up to its
    :func:`~landscape.numfmt.rate_digits`) as keep it, printed, on its side of ``bound``
    printed as :func:`~landscape.numfmt.fmt_rate` prints it (``v ≤ bound`` read the same
    from both texts): 0.9603 beside the bound 0.96085 is not ``0.96``."""
    if bound is None:
        return digits
    most, side, shown = rate_digits(v), v <= bound, as_printed(bound, rate_digits(bound))
    while digits < most and (as_printed(v, digits) <= shown) != side:
        digits += 1
    return digits


def measured_rate_text(m: Any, bound: float | None = None) -> str:
    """The robust fit ``m.rate`` as every table and sentence prints it: to
    :func:`measured_rate_digits`, trailing zeros kept (a fitted value, ``how="fit"`` of
    :func:`cell`)."""
    return fmt(m.rate, measured_rate_digits(m, bound=bound), zeros=True)


def row_rate_digits(study: Any) -> int | None:
    """The significant digits :func:`theory_row` prints a rate study's predicted and
    measured rates with: those that reproduce their relative difference
    (:func:`rate_pair_digits`) when it decides the verdict; None when the row prints each
    rate with its own digits (as when the study has no comparison of rates)."""
    c, p, m = getattr(study, "comparison", None), study.prediction, study.measurement
    return (rate_pair_digits(p.rate, m.rate)
            if getattr(c, "quantity", None) == "rate" and getattr(c, "rel_diff", None) is not None
            and p.exact
            and p.kind == m.kind == "linear" and p.rate is not None and m.rate is not None
            and 0 < p.rate and 0 < m.rate else None)


def theory_row(b: Builder, label: str, study: Any, name: str | None = None,
               full_in: str | None = None, cps: Sequence[Any] | None = None) -> list[str]:
    """One row of a theory-vs-measurement table from a :class:`~analysis.rates.RateStudy`
    (``label`` its item in the ledger, ``name`` the row's name on the page, else ``label``;
    ``full_in``: the section that prints a not-comparable run's reasons whole, where the
    row's note then points, :func:`row_note`; ``cps``: the critical-point table, which names
    the point a run ended outside the radius of, :func:`outside_head`)."""
    c, p, m = study.comparison, study.prediction, study.measurement
    digits = row_rate_digits(study)
    pk, pr, po = _pred_cells(b, label, p, digits)
    mk, mr, mo = _meas_cells(b, label, m, predicted_rate_text(p, digits), digits, p)
    # a kind known only on average: the kind column says so, the note column what it means
    # (study p. 21 set the whole explanation six lines tall in the kind column)
    why = r_linear_text(m) if on_average(m) else ""
    mk = ON_AVERAGE if why else none_kind(mk, study)
    if c.rel_diff is not None and c.quantity in RELATIVE_RULES:
        b.ledger.add("theory vs measurement", label, "relative difference", decisive_diff(c),
                     "fit")
    return [name or label, kind_with_order(pk, po), pr, mk, mr, mo,
            decided_by(c, study.prediction, study.measurement),
            c.verdict,
            "; ".join(filter(None, (why, row_note(
                row_reason(c) + below_floor_text(study),
                full_in if c.verdict == "not comparable" else None,
                outside_head(study, cps), outside_detail(study, cps)))))]


def row_reason(c: Any) -> str:
    """The reason a theory table's row gives in its note column: the comparison's
    (:func:`comparison_reason`), but none for a measured order that agrees, where the
    row's cells say it all: "measured order 1.97 ± 0.019 (1 s.e.) within [0.9, 1.3] × the
    predicted 2" beside "1.97ᶠ ± 0.019 (1 s.e.)" and "q = 1.97 in [1.8, 2.6]"
    (:func:`order_decided`; Himmelblau p. 5), "… within two standard errors of [0.9, 1.3] ×
    the predicted 2" beside "q = 1.79 ± 0.16 (1 s.e.) reaches [1.8, 2.6] within 2 s.e."
    (study p. 44).  An order that disagrees keeps its note."""
    if c.quantity == "order" and c.agree and c.measured is not None:
        return ""
    return comparison_reason(c)


#: Quantities whose verdict is a relative difference against a tolerance.
RELATIVE_RULES = {"rate": "ρ", "exponent": "exponent", "error_level": "E‖e‖²",
                  "error_constant": "C"}


def order_decided(m: float, q: float, agree: bool, se: float | None = None) -> str:
    """A measured order q_m against the band [0.9 q, 1.3 q]
    (:func:`analysis.empirical.order_band`), saying how it decided: ``in``
    the band; ``± se reaches`` it when only the tolerance of two standard errors ``se`` of the
    fit (:attr:`analysis.compare.Comparison.measured_se`) brought it in; ``outside`` it."""
    lo, hi = order_band(q)
    band = f"[{fmt_num(lo, 3)}, {fmt_num(hi, 3)}]"
    inside = lo <= m <= hi
    if agree and not inside and se:
        return f"q = {fmt_num(m, 3)}{one_se(fmt_num(se, 2))} reaches {band} within 2 s.e."
    return f"q = {fmt_num(m, 3)} {'in' if inside else 'outside'} {band}"


def double_root_band(c: Any, p: Any = None, meas: Any = None) -> tuple[float, float] | None:
    """The band [ρ, ρ_eff] that decided the verdict of rate comparison ``c`` of a double root
    (theory ‖e_k‖ ≈ C (k + 1) ρᵏ; ρ_eff the window's average factor,
    :func:`analysis.compare.double_root_rate`), as the comparison recorded it
    (:attr:`analysis.compare.Comparison.rate_band`); else None."""
    return verdict_band(c)


def band_decided(on_rho: float, on_log: float, tol: float, digits: int = 2) -> str:
    """The band rule's test of a rate as printed: ``measured rate in band`` (ρ names the
    theory's rate, the band's own lower end), or the larger of its distances outside the
    band on ρ and on −ln ρ (:func:`analysis.compare.band_diff`) against the tolerance,
    ``−ln ρ 0.4% off band ≤ 1%``, the percentage to ``digits`` significant digits (those
    of :func:`analysis.compare.band_digits`, as the comparison's note prints it).  The
    scale's name and the distance keep their words together (non-breaking spaces: "−ln ρ",
    "0.84% off"), so that a narrow cell never leaves "off" alone on a line ("−ln ρ 0.84%" /
    "off" / "band ≤ 1%")."""
    diff = max(on_rho, on_log)
    if diff == 0:
        return "measured rate in band"
    name = scale_name(on_rho, on_log).replace(" ", NBSP)
    return (f"{name} {percent(diff, digits)}{NBSP}off band "
            f"{'≤' if diff <= tol else '>'} {percent(tol)}")


def decided_by(c: Any, p: Any = None, meas: Any = None) -> str:
    """:func:`_decided_by`, and, for a measured kind read also on the errors below the rounding
    floor (``read_to``: x* exact, :func:`analysis.empirical.measure`), which errors:
    ``bound: superlinear ≥ superlinear (at least as fast); ratios read to e₁₈, below the
    floor from e₈ (x* exact)``."""
    from analysis.plots import subscripted

    text = _decided_by(c, p, meas)
    to = getattr(meas, "read_to", None)
    at = getattr(meas, "floor_index", None)
    if to is None or at is None:
        return text
    return f"{text}; " + subscripted(f"ratios read to e_{to}, below the floor from e_{at} "
                                     "(x* exact)")


def _decided_by(c: Any, p: Any = None, meas: Any = None) -> str:
    """The quantity that decided a verdict (:mod:`analysis.compare`) measured against its
    criterion, so that the number beside a verdict never contradicts it: an exact rate (or an
    exponent, a stochastic level) by its relative difference ``|m − p|/p`` against the
    tolerance; a rate of a double root (theory ‖e_k‖ ≈ C (k + 1) ρᵏ) that the relative test did not
    pass but the band [ρ, ρ_eff] did (:func:`double_root_band`) by ``measured rate in band``
    or ``−ln ρ x % off band ≤ tol`` (the larger of its distances outside the band on ρ and
    on −ln ρ, the number the band rule tests; the band's numbers are in the row's reason); a
    bound by ``m ≤ p``; an order q by the band [0.9 q, 1.3 q]; a cycle at a kink by its size
    against 2ηG/(1 − β); finite termination by the iteration reached; a bound compared by kind
    only by ``bound: superlinear ≥ linear``; ``kind`` when only the kinds were compared
    (``not compared`` when nothing was)."""
    q, m, pv, tol = c.quantity, c.measured, c.predicted, c.tolerance
    if q in RELATIVE_RULES and c.rel_diff is not None:
        if q == "rate" and p is not None and not getattr(p, "exact", True) and m is not None:
            shown = (measured_rate_text(meas, pv) if getattr(meas, "rate", None) == m
                     else fmt_rate(m))
            return f"ρ {shown} {'≤' if c.agree else '>'} bound {fmt_rate(pv)}"
        name, diff = f"Δ{RELATIVE_RULES[q]}/{RELATIVE_RULES[q]}", decisive_diff(c)
        if q == "rate" and log_scale_decides(c.rel_diff, c.speed_diff, pv):
            name, diff = "Δln ρ/ln ρ", c.speed_diff  # the rule's second test decided
        band = double_root_band(c, p, meas)
        if band is not None and tol is not None:
            return band_decided(c.rel_diff, c.speed_diff or 0.0, tol,
                                band_digits(float(m), *band)[1])
        return rule_text(name, diff, tol)
    if q == "order" and m is not None and pv is not None:
        return order_decided(m, pv, c.agree, getattr(c, "measured_se", None))
    if q == "band" and m is not None and pv is not None:
        # the measured cycle size against the bound, each with its provenance marker
        return (f"cycle {mark(fmt_num(m, 3), 'measured')} {'≤' if m <= pv * 1.01 else '>'} "
                f"{mark(fmt_num(pv, 3), 'theory' if p is None else prediction_how(p))}")
    if q == "band":
        return "landed on the kink" if c.agree and m is None else "kind"
    if q == "finite_termination" and m is not None and pv is not None:
        return f"x* at k = {fmt_num(m)} (≤ {fmt_num(pv)} + 1)"
    mk = kind_words(meas, short=True, predicted=p) if meas is not None else None
    pk = getattr(p, "kind", None)
    if q is not None and p is not None and not getattr(p, "exact", True) and mk and pk:
        return f"bound: {mk} {'≥' if c.agree else '<'} {pk} (at least as fast)"
    return "kind" if q is not None else "not compared"


def comparison_reason(c: Any) -> str:
    """Why theory and measurement (dis)agree, in words (the comparison's reason or note, or
    what was compared when they agree)."""
    if c.reason:
        return prose(str(c.reason))
    if c.note:
        return prose(str(c.note))
    if c.quantity == "finite_termination":
        return (f"finite termination: floor reached at iteration {fmt_num(c.measured)} "
                f"(theory: within {fmt_num(c.predicted)} + 1)")
    if c.quantity == "kind" and c.verdict == "agrees":
        return "at least as fast as the bound"
    if c.quantity == "order" and c.measured is not None:
        return (f"measured order {fmt_num(c.measured, 3)} vs "
                f"{fmt_num(2.0 if c.predicted is None else c.predicted, 3)}")
    return ""


#: The columns of a theory table.  The predicted order has no column of its own: its kind
#: says it, "linear" (q = 1), else "quadratic (order q = 2ᵗ)" (:func:`kind_with_order`), so
#: that one column reads "order", the measured one (Himmelblau p. 5 headed two "order").
THEORY_COLUMNS = ["method", "predicted kind", Column("predicted rate", "r"), "measured kind",
                  Column("measured rate [window]", "r"), Column("measured order", "r"),
                  "decided by", "verdict", "note"]

#: Per rule a verdict of the theory table can rest on (:func:`theory_criterion`): when
#: theory and measurement agree under it.
THEORY_RULES = {
    "rate": "an exact linear rate within 1% on ρ and on −ln ρ",
    "double root": ("the rate of a double root within 1% of [ρ, the window's average factor] "
                    "(as e_k ≈ C (k + 1) ρ^k) on ρ and on −ln ρ"),
    "bound": "a bound (line-search methods, degenerate minima) when the run is at least as fast",
    "order": (f"an order q when the measured order lies in [{ORDER_BAND[0]:g}q, "
              f"{ORDER_BAND[1]:g}q], or within 2 standard errors of that band"),
    "band": ("a cycle or band at a kink when its size (of a cycle, its diameter: the largest "
             "distance between two of its points; of a band, the diameter of the last half of "
             f"the run, at most its last {BAND_DIAMETER_POINTS} iterates) is no larger than "
             "the predicted 2ηG/(1 − β), G the largest "
             "gradient norm of the pieces of f at the kink: near the kink a step has length "
             "at most ηG, so an iterate that crossed the kink lies within one step of it on "
             "either side (2ηG; the subgradient method with a constant step: Nesterov 2018, "
             "§3.2.3; Boyd & Mutapcic, Subgradient methods, §3); for momentum β > 0 the "
             "bound is a heuristic, not from these sources: β sums a geometric series of "
             "gradients, an effective step η/(1 − β)"),
    # the law the fit takes, with its offset k₀ (:func:`analysis.empirical._sublinear`):
    # study p. 13's reader fitted k^−a alone over the window and found 0.9992, not 0.9998
    "exponent": "a sublinear exponent a of (k + k₀)^−a within 10%",
    "level": f"a stochastic level within 5% or {SE_RULE}",
    "finite": "finite termination when x* is reached by the step theory bounds (+ 1)",
    "kind": ("the kinds alone when theory or the run gives no number to compare, when the "
             "kinds differ, or when theory predicts no convergence to x* (a run that blows up "
             "agrees whatever its growth factor, which is shown but not compared)"),
}
#: How the ‘decided by’ cell of each reading (:func:`decided_by`) reads.
THEORY_READINGS = {
    "rate": ("Δρ/ρ or Δln ρ/ln ρ: the larger of the relative differences of the rates and of "
             "−ln ρ"),
    "double root": ("band: a double root's [ρ, the window's average factor] (in the note); "
                    "the measured rate in it, or how far off on ρ or −ln ρ (the larger)"),
    "bound": "ρ ≤ bound: the measured rate against theory's bound",
    "order": "q: measured order against the band",
    "band": "cycle: its size against 2ηG/(1 − β)",
    "exponent": "Δexponent/exponent: the relative difference of the exponents",
    "level": "ΔE‖e‖²/E‖e‖² or ΔC/C: the relative difference of the levels",
    "finite": "x* at k: the step the run reached x* at, against that bound",
    "bound kind": ("bound: the measured kind against the bound's kind (a run at least as "
                   "fast as a linear bound agrees with it)"),
    "kind": "kind: only the kinds were compared",
}


def theory_criterion(study: Any) -> tuple[str | None, str | None]:
    """The rule (:data:`THEORY_RULES`) the verdict of rate study ``study`` rests on and the
    reading of its ‘decided by’ cell (:data:`THEORY_READINGS`); (None, None) when nothing
    was compared.  A prediction that is a bound is judged by the bound's rule also when only
    the kinds were compared."""
    c, p = study.comparison, study.prediction
    q = c.quantity
    bound = not getattr(p, "exact", True)
    if q is None:
        return None, None
    if q == "kind" or (q in RELATIVE_RULES and c.rel_diff is None):
        return ("bound", "bound kind") if bound else ("kind", "kind")
    if q == "rate":
        if bound:
            return "bound", "bound"
        key = "rate" if double_root_band(c, p, study.measurement) is None else "double root"
        return key, key
    key = {"exponent": "exponent", "error_level": "level", "error_constant": "level",
           "order": "order", "band": "band", "finite_termination": "finite"}.get(q, "kind")
    return key, key


#: The head of a theory table's notes, the same for every table (printed once per page).
THEORY_HEAD = (
    "Rate = factor by which ‖xₖ − x*‖ shrinks per iteration (asymptotically); order = q in "
    "e_(k+1) ≈ C e_k^q.  Predicted from the Hessian at x*, the point the errors are measured "
    "to, and the hyperparameters; measured by a robust fit over its fit window, k = a–b "
    "beside each measured rate and in each per-step table's title, which may run past the "
    "rows a per-step table shows.  A fit window ends at the last error above the floor; it "
    "holds the last third of those errors and reaches back as far as the local rate (a "
    "robust slope over a sliding eighth of them, at least 3) stays within "
    f"{E.SETTLE_RTOL:.0%} (or the noise) of the rate over that third, and starts at the first "
    "step whose own ratio does too: the steps before it are the transient.")

#: Whose iterations the k of a theory table are, a note of its own: short (under
#: :data:`analysis.pages.LONG_NOTE`) and without a head, so that it is printed in full
#: under every such table, where the windows are, not as a pointer to an earlier page.
RATE_STUDY_K = (f"Every k of a fit window or of a ratio is an iteration of its method's "
                f"{RATE_STUDY}: the method run again from x₀ with no gradient tolerance, so "
                "it can exceed the iterations of the same method's run that stopped at its "
                "tolerance.")


#: What the rate columns hold on a row of a sublinear run, a note of its own under a theory
#: table with such a row (study p. 13: "Rate = factor by which ‖xₖ − x*‖ shrinks" over
#: columns that held "∝ k⁻ᵃ, a = 1", an exponent; k₀ was then defined nowhere on the page).
SUBLINEAR_RATE = ("For a sublinear run the rate columns hold the exponent a of "
                  "e_k ∝ (k + k₀)^−a, not a factor (k₀, an offset of the iteration count, is "
                  "fitted with it).")


def shows_exponent(study: Any) -> bool:
    """Whether the theory table's row of rate study ``study`` shows a sublinear exponent in
    a rate column (predicted or measured)."""
    return any(getattr(x, "exponent", None) is not None
               for x in (study.prediction, study.measurement))


def shows_rate(study: Any) -> bool:
    """Whether the theory table's row of rate study ``study`` has a number in a rate or an
    order column (:func:`_pred_cells`, :func:`_meas_cells`): a predicted or measured rate,
    exponent or order."""
    return any(getattr(x, a, None) is not None for x in (study.prediction, study.measurement)
               for a in ("rate", "exponent", "order"))


def theory_notes(studies: Sequence[Any] | None = None) -> list[str]:
    """The notes of a theory table whose rows are the rate studies ``studies``: what rate
    and order are and where the prediction and the measurement come from
    (:data:`THEORY_HEAD`, and whose iterations its k count, :data:`RATE_STUDY_K`; only when
    some row shows a rate or an order, :func:`shows_rate`),
    and, when some row shows a sublinear exponent, what its rate columns hold
    (:data:`SUBLINEAR_RATE`),
    then the agreement rules and ‘decided by’ readings of exactly the criteria its rows use
    (:func:`theory_criterion`; all of them when ``studies`` is None), none when no row
    compared anything."""
    pairs = ([(k, k) for k in THEORY_RULES] if studies is None
             else [theory_criterion(st) for st in studies])
    rules = [k for k in THEORY_RULES if k in {r for r, _ in pairs}]
    readings = [k for k in THEORY_READINGS if k in {d for _, d in pairs}]
    text = ""
    if rules:
        text += "Agreement: " + "; ".join(THEORY_RULES[k] for k in rules) + ".  "
    if readings:
        text += ("‘Decided by’ shows that quantity against its criterion ("
                 + "; ".join(THEORY_READINGS[k] for k in readings) + ").")
    head = studies is None or any(shows_rate(st) for st in studies)
    sublinear = studies is not None and any(shows_exponent(st) for st in studies)
    return (([THEORY_HEAD] if head else []) + ([SUBLINEAR_RATE] if sublinear else [])
            + ([RATE_STUDY_K] if head else []) + ([text.strip()] if text else [])
            + cg_bound_notes(studies or []) + qn_source_notes(studies or []))


def theory_legend(studies: Sequence[Any]) -> str:
    """The markers' legend of a theory table of ``studies``: theory and fit, and the
    yardstick when a row's prediction is one (:func:`prediction_how`)."""
    cycles = any(getattr(st.comparison, "quantity", None) == "band"
                 and getattr(st.comparison, "measured", None) is not None for st in studies)
    return legend_text(["theory", "fit", *(["measured"] if cycles else []),
                        *(["yardstick"] if any(
                            prediction_how(st.prediction) == "yardstick" for st in studies)
                          else [])])


def yardstick_case(study: Any) -> str:
    """Which case the yardstick bound of rate study ``study`` (:func:`prediction_how`) comes
    from: CG's rate on the quadratic with the Hessian at the reference point, and its κ;
    '' when its prediction is no yardstick."""
    if prediction_how(study.prediction) != "yardstick":
        return ""
    lam = np.abs(np.asarray(study.eigenvalues, float))
    where = getattr(study, "reference", None)
    at = "" if where is None else f" at {fmt_point(where)}"
    return (f"ʸ the bound is CG's rate (√κ − 1)/(√κ + 1) on a quadratic with the Hessian"
            f"{at}, κ = {fmt_num(lam.max() / lam.min())}")


def cg_bound_notes(studies: Sequence[Any]) -> list[str]:
    """The note beside a theory table whose CG row's prediction is the linear-CG bound
    (:data:`analysis.theory.cg.CG_BASIS`): what that bound is and that for the nonlinear CG
    run it is a yardstick, not a theorem; none without such a row."""
    from analysis.theory.cg import CG_BASIS, CG_BOUND_TEXT

    cg = [st for st in studies if getattr(st.prediction, "basis", "") == CG_BASIS]
    names = list(dict.fromkeys(registry.label(st.method) for st in cg))
    if not names:
        return []
    kappas = list(dict.fromkeys(k for st in cg if (k := cg_kappa_text(st))))
    which = (f", κ* = {kappas[0]}," if len(kappas) == 1 else
             ", κ* = λ_max/λ_min of each run's ∇²f(x*)," if kappas else "")
    return [f"{_names(names)}: the predicted ρ = (√κ* − 1)/(√κ* + 1){which} is "
            f"{CG_BOUND_TEXT}." + "".join(f"  {t}" for st in cg if (t := cg_termination_text(st)))]


def cg_kappa_text(study: Any) -> str:
    """Which κ a CG bound's rate (√κ* − 1)/(√κ* + 1) uses: ``λ_max/λ_min of ∇²f(x*) = 3316``,
    the condition number of the Hessian at the point the theory was evaluated at (the
    minimizer x*, else that point), not the L/μ of the step sizes; '' without eigenvalues."""
    lam = getattr(study, "eigenvalues", None)
    if lam is None or len(lam) == 0:
        return ""
    a = np.abs(np.asarray(lam, float))
    if a.min() <= 0.0:
        return ""
    if getattr(study, "minimizer", None) is not None:
        at = "∇²f(x*)"
    else:
        where = getattr(study, "reference", None)
        at = "∇²f" if where is None else f"∇²f at {fmt_point(where)}"
    return f"λ_max/λ_min of {at} = {fmt_num(a.max() / a.min())}"


@dataclass
class LineSteps:
    """How exact the line searches of a run on a quadratic f were (:func:`exact_line_steps`):
    ``worst`` = max over steps of ``|∇f(x_(k+1))ᵀs_k| / |∇f(x_k)ᵀs_k|`` (0 for an exact
    search), at step ``step``, whose ``reach`` = ``s_kᵀHs_k / (−∇f(x_k)ᵀs_k)`` is the share
    of the way to the minimum along its line that it went (1 exact; ``worst = |1 − reach|``);
    the first step's ``alpha`` against the exact ``−gᵀd/dᵀHd`` along ``d = −g``."""

    worst: float
    alpha: float
    exact: float
    step: int
    reach: float


def exact_line_steps(study: Any) -> LineSteps | None:
    """How exact the line searches of a run on a quadratic f were, from its path and the
    constant Hessian H (``∇f(x) = H(x − x*)``), over its steps ``s_k = x_(k+1) − x_k`` above
    the rounding floor (:class:`LineSteps`); None without a path, Hessian and minimizer."""
    xs, H = study.minimizer, study.hessian
    path = getattr(study.result, "path", None)
    if xs is None or H is None or path is None or len(path) < 2:
        return None
    P = np.asarray(path, float)
    floor = getattr(study.measurement, "floor_index", None)
    last = len(P) - 1 if floor is None else min(int(floor), len(P) - 1)
    H = np.asarray(H, float)
    g = (P[:last + 1] - np.asarray(xs, float)) @ H.T
    worst, step, reach = 0.0, 0, 1.0
    for k in range(last):
        s = P[k + 1] - P[k]
        before = abs(float(g[k] @ s))
        if before > 0.0 and abs(float(g[k + 1] @ s)) / before > worst:
            worst, step = abs(float(g[k + 1] @ s)) / before, k
            reach = float(s @ H @ s) / -float(g[k] @ s)
    d = -g[0]
    exact = float(d @ d) / float(d @ H @ d)
    alpha = float((P[1] - P[0]) @ d) / float(d @ d)
    return LineSteps(worst, alpha, exact, step, reach)


def cg_termination_text(study: Any) -> str:
    """What exact line searches would give a CG run on a quadratic (x* in at most n steps,
    N&W Thm 5.1, or as many as ∇²f has distinct eigenvalues, Thm 5.4;
    ``details["exact_search_steps"]`` of the prediction), why the prediction stays the bound
    (a Wolfe search is not exact in general, and the bound needs no exact search), whether
    this run's searches were exact (:func:`exact_line_steps`: along a line a quadratic f is
    a parabola, which the zoom step's quadratic interpolation, N&W §3.5, reproduces, so a
    search that zooms lands on the line minimum), and the step at which the run reached the
    rounding floor (from the measurement); empty for a run the prediction records no such
    count for."""
    p, m = study.prediction, study.measurement
    steps = getattr(p, "details", {}).get("exact_search_steps")
    if steps is None:
        return ""
    n = np.size(study.minimizer if study.minimizer is not None else study.result.x)
    search = CHOICE_WORDS.get(("line_search", p.line_search), f"{p.line_search} line search")
    floor = getattr(m, "floor_index", None)
    run = ("the run reached the rounding floor at k = "
           f"{floor} (measured)" if floor is not None else
           "the run did not reach the rounding floor (measured)")
    text = exact_search_text(int(steps), int(n), search)
    seen = exact_line_steps(study)
    if seen is None:
        return f"{text}: {run}."
    if seen.worst <= math.sqrt(np.finfo(float).eps):
        first = f"first step α = {fmt(seen.alpha, 5)}, exact −gᵀd/dᵀHd = {fmt(seen.exact, 5)}"
        return (f"{text}. On this f this run's searches were exact: along a line a quadratic "
                "f is a parabola, and the search's quadratic interpolation (N&W §3.5) lands "
                "on its minimum (each step ends with ∇f orthogonal to it, to "
                f"{fmt_num(seen.worst, 2)} relative; {first}); {run}.")
    # the evidence: the least exact step, and the error after the steps exact searches need
    k, ref = int(steps), np.asarray(study.minimizer, float)
    path = np.asarray(study.result.path, float)
    after = (f"; after {k} steps the error is e_{k} = "
             f"{fmt_num(float(np.linalg.norm(path[k] - ref)), 3)}, not 0"
             if len(path) > k else "")
    # digits of the share that give back its distance from 1 (1.081 for 0.081, not 1.08)
    shown = max(3, 2 + math.ceil(-math.log10(seen.worst)))
    return (f"{text}; this run's searches were not exact (step k = {seen.step} went "
            f"{fmt_num(seen.reach, shown)} × the way to the minimum along its line, 1 for an exact "
            f"search, so ∇f at its end is orthogonal to it only to {fmt_num(seen.worst, 2)} "
            f"relative{after}): {run}.")


def qn_source_notes(studies: Sequence[Any]) -> list[str]:
    """The notes beside a theory table on where its BFGS and L-BFGS rows' predicted kinds come
    from (:data:`analysis.theory.quasi_newton.QN_SOURCE_TEXT`, by the prediction's basis),
    one per basis, naming the methods; none without such a row."""
    from analysis.theory.quasi_newton import QN_SOURCE_TEXT

    by_basis: dict[str, list[str]] = {}
    for st in studies:
        basis = getattr(st.prediction, "basis", "")
        if basis in QN_SOURCE_TEXT:
            by_basis.setdefault(basis, [])
            label = registry.label(st.method)
            if label not in by_basis[basis]:
                by_basis[basis].append(label)
    return [f"{_names(names)}: the predicted kind comes from {QN_SOURCE_TEXT[basis]}."
            for basis, names in by_basis.items()]


#: The full notes of a theory table: every criterion.
THEORY_NOTES = "  ".join(theory_notes())


#: a per-step table shows every step of a run with at most this many steps clear of rounding
#: (leaving a few out of so few would hide steps for little room gained: a fast kind resting
#: on its last two ratios is judged from the whole short sequence)
EVERY_STEP = 10


#: a fit window of at most this many steps has every step shown (its geometric mean can
#: then be checked from the rows)
SHORT_WINDOW = 4


def table_iterations(ks: Sequence[int], rows: int = 6,
                     window: Sequence[int] | None = None, kind: str | None = None,
                     step: int | None = None) -> list[int]:
    """The iterations ``ks`` a convergence table shows: all of them when at most
    ``max(rows, EVERY_STEP)``, else ``rows`` of them, the first two and the rest evenly
    spaced up to the last one, and every step of a fit window ``window = (i, j)`` (steps
    i … j − 1) of at most :data:`SHORT_WINDOW` steps; for a run measured ``quadratic`` or
    ``superlinear`` (``kind``) also the steps of its window where the ratios that decided the
    kind are: all of them in a window of at most ``TWO_STEP_SPAN`` steps (the span of the
    ratio rules, :mod:`analysis.empirical`), else its last :data:`FAST_TAIL`, and, when the
    kind rests on ratios over ``step`` >= 2 steps, the first step of each block of ``step``
    steps of the window (where those ratios are read); for a run measured ``linear`` on its
    restart cycles of ``step`` steps, the first step of each cycle of its window (the errors
    its rate is fitted on)."""
    from analysis.empirical import TWO_STEP_SPAN

    ks = list(ks)
    if len(ks) <= max(rows, EVERY_STEP):
        return ks
    rest = np.linspace(2, len(ks) - 1, rows - 2).round().astype(int)
    inside = [] if window is None else [k for k in ks if int(window[0]) <= k < int(window[1])]
    if window is not None and int(window[1]) - int(window[0]) > SHORT_WINDOW:
        fast = kind in ("quadratic", "superlinear")
        keep = len(inside) if len(inside) <= TWO_STEP_SPAN else FAST_TAIL
        cycles = fast or kind == "linear"
        blocks = ([k for k in range(int(window[0]), int(window[1]), step) if k in inside]
                  if cycles and step is not None and step >= 2 else [])
        inside = [*inside[-keep:], *blocks] if fast else blocks
    return sorted({ks[0], ks[1], *(ks[i] for i in rest), *inside})


#: how many of the last steps of a fast run's fit window its per-step table shows
FAST_TAIL = 4


def convergence_order(p: Any) -> float | None:
    """The q of the column e_(k+1)/e_k^q: the predicted order of a superlinear or quadratic
    prediction (2 for quadratic when unstated), else None (linear: the ratio column)."""
    if p.kind in ("quadratic", "superlinear"):
        return float(p.order) if p.order is not None else (2.0 if p.kind == "quadratic"
                                                           else None)
    return None


#: marks a row of the per-step table outside the window its title names first (where a rate
#: or order was fitted, or a kind read): one mark for one idea, whichever the window
OUTSIDE_MARK = "†"
#: marks a row before the iterations where a bounded run settled (nothing is fitted there)
SETTLED_MARK = "◊"
#: marks a per-step ratio above the predicted bound on the rate
ABOVE_MARK = "‡"


#: marks a per-step ratio whose printed digits the rounding of its errors reaches, printed
#: down to the first digit it reaches (:func:`held_digits`)
ROUNDED_MARK = "∼"
#: marks a per-step ratio inside the fit window that shows far less progress than the window
STALL_MARK = "*"
#: a step inside the window is a stall when its progress −log(e_(k+1)/e_k) is below this share
#: of the window's mean progress per step (or the error grew)
STALL_SHARE = 0.1

#: How a window i–j of a per-step table's title (and its summary rows) counts: its errors and
#: its steps, the ratios e_(k+1)/e_k it holds ("fit window k = 0–61" holds k = 0 to 60)
WINDOW_SPAN = "a window i–j spans the errors e_i to e_j, so its steps are k = i to j − 1"
#: The per-step tables' notes: one general sentence per mark, the same under every table (so
#: printed once per page); what differs per run (its fit window) is in the table's title.
OUTSIDE_NOTE = (f"{OUTSIDE_MARK} step outside the window in the parentheses of the table's title "
                "(the first, when they name two): where the run's rate or order was fitted, "
                "or its kind read; "
                f"{WINDOW_SPAN} "
                "(the step k = j, ratio e_(j+1)/e_j, already lies past it); a fit leaves out "
                "the pre-asymptotic steps before its window, and the measured kind, rate or "
                "order and the verdict rest on that window as a whole, not on single steps "
                "(the theory's limit is asymptotic; a bound need not hold at every step).")
#: The same mark under the table of a run that stays bounded (a cycle or a band): its window
#: is where it settled, by the rule of :func:`analysis.empirical.detect_cycle` (a cycle) or
#: :func:`analysis.empirical.detect_band` (a band), said here with their tolerances; nothing
#: is fitted on it.  The size of a cycle or band is defined where it is printed, in the
#: theory table's agreement rule (:data:`THEORY_RULES` ``band``), not here: kink p. 6
#: defined a size its per-step tables do not print.
BOUNDED_OUTSIDE_NOTE = (
    f"{SETTLED_MARK} step before the run settled, at the start of the iterations named in the "
    "table's title: on a cycle of period m, the first k such that every later m-step move "
    f"‖x_(j+m) − x_j‖, j ≥ k, is at most {CYCLE_RTOL:g}·s, s the smallest distance between "
    "two of the last m iterates (the last period); in a band, k = ⌊K/2⌋, the last half "
    "of the K iterations.  The measured kind and the verdict rest on those iterations, not "
    "single steps; nothing is fitted on them.")
ROUNDED_NOTE = (f"{ROUNDED_MARK} ratio printed only down to the first digit that rounding "
                "reaches.  Near x* the coordinates of the iterate (and of x*, when x* is not "
                "exactly representable) are rounded to about ε·‖x*‖, so an error e_k carries "
                "a relative rounding of ε·(‖x*‖/e_k + 1), and a ratio of two errors carries "
                "the sum of their two roundings.  A ratio e_(k+1)/e_k^q, shown for a method "
                "of order q, carries the rounding of e_(k+1) plus q times that of e_k.")
#: The note of a per-step table whose column of ratios prints more than RATE_DIGITS digits
#: (:func:`ratio_column_digits`): the same first-step ratio printed 0.903448 in BFGS's
#: table and 0.90345 in L-BFGS's beside it, with nothing saying why.
#: Its first clause says what it explains, as a later page's pointer prints it alone
#: (:func:`analysis.pages.note_reference`).
COLUMN_DIGITS_NOTE = ("A ratio can print with more digits here than in a table beside it: the "
                      "ratios e_(k+1)/e_k of one column (or e_(k+h)/e_k, over h steps; not "
                      "e_(k+1)/e_k^q) all print with the significant digits the one "
                      "nearest 1 needs to be told from 1 (⌊−log10|1 − r|⌋ + 3 for r within "
                      "10⁻³ of 1, else 5).")
#: It names no row: what meets or exceeds the bound (the robust fit, a measured kind faster
#: than linear, or the geometric mean) is said in the table's last row (:func:`bound_met`), and
#: a table of a superlinear run has no row 'robust fit' (Himmelblau's CG); nor does it call
#: a yardstick the theory's bound (Himmelblau p. 8: CG's yardstick, "no theorem" for nonlinear
#: CG, was "the theory's bound").
ABOVE_NOTE = (f"{ABOVE_MARK} ratio above the bound of the last row (a theorem's or a "
              "yardstick's): the bound is on the asymptotic rate, so the verdict compares the "
              "window of the table's title as a whole with it (the last row says by what), not "
              "single steps.")
ABOVE_NOTE_NO_WINDOW = (f"{ABOVE_MARK} ratio above the bound of the last row (a theorem's "
                        "or a yardstick's): the bound is on the asymptotic rate and need not "
                        "hold at every step; this run has no fit window to compare with it.")
STALL_NOTE = (f"{STALL_MARK} stall inside the window of the table's title, of a converging run: "
              "a step that increased the error, or one slower than the step before it with "
              "less than a tenth of the window's mean progress, −log(e_(k+1)/e_k) < "
              "0.1·(−log ρ_window), e.g. at the rounding floor; a robust fit over the window "
              "(the measured rate, where one was fitted) uses the errors all through the "
              "window and is not moved by a stalled step, however many the table marks (the "
              "geometric mean uses only the window's end errors).")




def ratio_rounding(e: np.ndarray, k: int, h: int = 1, q: float = 1.0,
                   scale: float = 0.0) -> float:
    """The relative rounding of the ratio e_(k+h)/e_k^q of errors measured to an x* of norm
    ``scale``: rnd(e_(k+h)) + q·rnd(e_k), rnd(e) = ε·(‖x*‖/e + 1) the relative rounding of
    one error (:func:`analysis.empirical.error_rounding`); the same estimate the error
    figure's caption gives for the last drawn ratio (:func:`floor_noise_text`)."""
    from analysis.empirical import error_rounding

    return error_rounding(float(e[k + h]), scale) + q * error_rounding(float(e[k]), scale)


def held_digits(v: float, digits: int, rel: float) -> int | None:
    """The significant digits of ``v``, printed with ``digits``, that a relative rounding
    ``rel`` leaves it, when the rounding u = rel·|v| reaches them (u at least the unit of
    the last digit, 10^(⌊log10|v|⌋ − digits + 1)): down to the first digit u reaches,
    ⌊log10|v|⌋ − ⌊log10 u⌋ + 1, at most ``digits``, at least one (0.99589 with u = 0.0020:
    3, ``0.996``; with u = 2·10⁻⁵ all five, the last uncertain by 2); None when u stays
    below the last digit (the printed digits are exact)."""
    x = abs(float(v))
    if not (math.isfinite(x) and x > 0 and rel > 0 and math.isfinite(rel)):
        return None
    top, u = math.floor(math.log10(x)), rel * x
    if u < 10.0 ** (top - digits + 1):
        return None
    return max(1, min(digits, top - math.floor(math.log10(u)) + 1))


def ratio_cell(b: Builder, section: str, label: str, quantity: str, v: float, digits: int,
               rel: float) -> tuple[str, bool]:
    """A per-step ratio's cell, recorded: ``v`` to ``digits`` significant digits, trailing
    zeros kept; when its relative rounding ``rel`` reaches those digits
    (:func:`held_digits`, :func:`ratio_rounding`), to the digits it leaves, followed by
    :data:`ROUNDED_MARK`; and whether it was so marked.  One rule for every ratio column of
    every per-step table, the rule by which the error figure's caption names a ratio
    (:func:`floor_noise_text`)."""
    held = held_digits(v, digits, rel)
    text = cell(b, section, label, quantity, v, "measured", held or digits, zeros=True)
    return (text + ROUNDED_MARK, True) if held is not None else (text, False)


def _step_ratio_cells(b: Builder, section: str, label: str, e: np.ndarray, k: int,
                      scale: float, ratio: Mapping[int, float], ratio_q: Mapping[int, float],
                      q: float | None, two: Mapping[int, float] | None, h: int,
                      digits: tuple[int, int]) -> tuple[list[str], bool]:
    """The ratio cells of step k of a per-step table (:func:`convergence_table`):
    e_(k+1)/e_k and e_(k+h)/e_k (with ``two``; — past the last error) to their columns'
    ``digits`` (:func:`ratio_column_digits`), e_(k+1)/e_k^q to four (with a predicted order
    q), each by :func:`ratio_cell` with the rounding of its errors measured to an x* of
    norm ``scale`` (:func:`ratio_rounding`); and whether one was marked."""
    cells_ = [ratio_cell(b, section, label, f"e_{k + 1}/e_{k}", float(ratio[k]),
                         digits[0], ratio_rounding(e, k, scale=scale))]
    if q is not None:
        cells_.append(ratio_cell(b, section, label, f"e_{k + 1}/e_{k}^{fmt_num(q, 2)}",
                                 float(ratio_q[k]), 4, ratio_rounding(e, k, q=q, scale=scale)))
    if two is not None:
        cells_.append(ratio_cell(b, section, label, f"e_{k + h}/e_{k}", float(two[k]),
                                 digits[1], ratio_rounding(e, k, h=h, scale=scale))
                      if k in two else ("—", False))
    return [t for t, _ in cells_], any(c for _, c in cells_)


def ratio_column_digits(values: Iterable[float]) -> int:
    """The significant digits of a per-step table's column of ratios: the most that any of
    them needs (:func:`~landscape.numfmt.rate_digits`, more near 1), so that the column
    prints every entry alike: 0.9998500 beside 0.9999251 (seven digits), not 0.999850."""
    return max((rate_digits(float(v)) for v in values), default=RATE_DIGITS)


def outside_marking(settled: bool) -> tuple[str, str]:
    """The mark of a per-step table's rows outside the window its title names, and the note
    that explains it: ◊ before the iterations a bounded run settled on, where nothing is
    fitted (:data:`BOUNDED_OUTSIDE_NOTE`), else † outside the window where a rate or order
    was fitted or a kind read (:data:`OUTSIDE_NOTE`, one note for all of them: Himmelblau
    p. 7 had ¶ and † for one idea under two tables)."""
    return (SETTLED_MARK, BOUNDED_OUTSIDE_NOTE) if settled else (OUTSIDE_MARK, OUTSIDE_NOTE)


#: measured kinds of a run whose error goes to zero (a stall can only interrupt these)
CONVERGING_KINDS = ("finite", "quadratic", "superlinear", "linear", "sublinear")


def run_converges(measurement: Any) -> bool | None:
    """Whether the measured run converges: its kind is one whose error tends to 0, or its
    fitted rate ρ < 1.  A diverging run (growth factor ρ > 1), a cycle or a band around a
    kink does not: an error that rises there is the run's behaviour, not a stall.  None
    without a measured kind."""
    kind = getattr(measurement, "kind", None)
    rate = getattr(measurement, "rate", None)
    if kind is None:
        return None
    if kind in CONVERGING_KINDS:
        return True
    return kind != "diverges" and rate is not None and float(rate) < 1.0


def stall_steps(e: np.ndarray, steps: Sequence[int], window: Sequence[int] | None,
                converges: bool | None = None) -> list[int]:
    """The ``steps`` k inside the fit window [a, z) of a converging run that stalled: the
    error grew, e_(k+1) ≥ e_k, or the step slowed down, −log(e_(k+1)/e_k) < −log(e_k/e_(k−1)),
    to under :data:`STALL_SHARE` of the window's mean progress −log ρ̄,
    ρ̄ = (e_z/e_a)^(1/(z−a)) < 1 (the early steps of a superlinear window are slow but speed
    up: not stalls).  ``converges`` (:func:`run_converges` of the run's measurement; None:
    the window shrank, e_z < e_a) — a run that does not converge (it diverges, cycles or
    wanders in a band) has no stalls: its growing steps are what it does, and its window's
    rate is that growth.  The same mark for the same event in every table."""
    if window is None:
        return []
    a, z = int(window[0]), min(int(window[1]), len(e) - 1)
    if not (z > a and np.isfinite(e[a]) and e[a] > 0):
        return []
    shrank = bool(0 < e[z] < e[a])
    if not (shrank if converges is None else converges):
        return []
    mean_log = float(np.log(e[z] / e[a])) / (z - a) if shrank else 0.0  # < 0 when shrank

    def step(k: int) -> float:  # log(e_(k+1)/e_k), -inf at an exact zero
        return float(np.log(e[k + 1] / e[k])) if e[k + 1] > 0 else -np.inf

    out = []
    for k in steps:
        if not (a <= k < z and k + 1 < len(e) and e[k] > 0):
            continue
        s = step(k)
        slower = k >= 1 and e[k - 1] > 0 and s > step(k - 1)
        if s >= 0 or (shrank and slower and s > STALL_SHARE * mean_log):
            out.append(int(k))
    return out


def window_span(e: np.ndarray, win: Sequence[int]) -> tuple[int, int] | None:
    """The steps [a, z] of fit window ``win`` over which the per-step table takes its
    geometric mean (the window clipped to the errors ``e``), None when its end errors give
    none (not positive or not finite, or a window of no step)."""
    a, z = int(win[0]), min(int(win[1]), len(e) - 1)
    if not (z > a and e[a] > 0 and e[z] > 0 and np.isfinite(e[a]) and np.isfinite(e[z])):
        return None
    return a, z


def window_mean(e: np.ndarray, a: int, z: int) -> float:
    """The geometric mean (e_z/e_a)^(1/(z−a)) of the ratios over the steps [a, z]
    (:func:`window_span`), the row ``geometric mean`` of a per-step table."""
    return float((e[z] / e[a]) ** (1.0 / (z - a)))


def _window_rows(b: Builder, label: str, section: str, e: np.ndarray, win: Sequence[int],
                 measurement: Any, bound: float | None, above: Sequence[int], like: str = "",
                 paired: bool = False) -> tuple[list[list[str]], list[str], bool, str]:
    """The per-step table's rows of the fit window [a, z]: the geometric mean
    (e_z/e_a)^(1/(z−a)) and the robust fit, each with at least the digits of ``like`` (the
    predicted rate of the theory row; ``paired``: the digits that reproduce the rates'
    relative difference, :func:`row_rate_digits`), or, for a window linear only on average
    and not ``paired``, the digits of :func:`window_digits`; their notes; whether the steps
    ``above`` the bound got their note; and, when the theory gives a bound ρ̄, what meets it
    as the theory row says it (:func:`bound_met`: the comparison belongs to the bound's row,
    not to the errors' column); else ""."""

    span = window_span(e, win)
    if span is None:
        return [], [], False, ""
    a, z = span
    rows: list[list[str]] = []
    notes: list[str] = []
    mean = window_mean(e, a, z)
    digits = None if paired else window_digits(measurement, bound)
    what = "geometric mean"
    against = "" if bound is None else bound_met(bound, mean, measurement)
    # computed from two measured errors, as the per-step ratios above it: no fit, so it
    # prints as they do, to its rate digits
    rows.append([f"{a}–{z}", what, window_cell(b, section, label, f"(e_{z}/e_{a})^(1/{z - a})",
                                               mean, "measured", like)])
    like = "" if digits is not None else like
    kind = getattr(measurement, "kind", None)
    if above:
        notes.append(ABOVE_NOTE)
    fitted = getattr(measurement, "rate", None)
    if fitted is not None and kind in ("linear", "diverges"):
        h = getattr(measurement, "ratio_step", None) if kind == "linear" else None
        what = "robust fit (measured rate)" if kind == "linear" else "robust fit (measured growth)"
        if h is not None:
            what = f"robust fit on the {steps_name(h)} cycles (measured rate per step)"
        rows.append([f"{win[0]}–{win[1]}", what,
                     window_cell(b, section, label, "measured rate", fitted, "fit", like,
                                 digits)])
        notes.append(ESTIMATORS_NOTE)
    return rows, notes, bool(above), against


def window_rate_text(v: float, like: str = "", digits: int | None = None) -> str:
    """A rate as a per-step table's window rows (geometric mean, robust fit) print it: its
    rate digits (:func:`~landscape.numfmt.rate_digits`), at least those of ``like`` (the
    theory's ρ beside it, :func:`fmt_like`), trailing zeros kept; a note that names those
    rows prints them so too (0.49490, not 0.4949 in the note under the table); ``digits``:
    that many (:func:`window_digits`)."""
    if digits is not None:
        return fmt(v, digits, zeros=True)
    return fmt_like(v, like, rate_digits(v), zeros=True)


def window_digits(measurement: Any, bound: float | None = None) -> int | None:
    """The digits the robust-fit row of a per-step table prints with when the window is
    linear only on average (:func:`~analysis.compare.on_average`): those its spread
    supports, as the table 'Predicted and measured convergence' prints the fit
    (:func:`measured_rate_digits`: CG on Rosenbrock 0.47, not 0.47147); None otherwise (its
    rate digits, :func:`window_rate_text`).  The geometric mean above it is computed from
    two measured errors, not fitted, and keeps its rate digits (0.25365)."""
    if not on_average(measurement) or getattr(measurement, "rate", None) is None:
        return None
    return measured_rate_digits(measurement, bound=bound)


def window_cell(b: Builder, section: str, item: str, quantity: str, v: float, how: str,
                like: str = "", digits: int | None = None) -> str:
    """A window row's rate cell (:func:`window_rate_text`) with its marker, recorded."""
    b.ledger.add(section, item, quantity, v, how, "")
    return mark(window_rate_text(v, like, digits), how)


def bound_met(bound: float, mean: float, measurement: Any) -> str:
    """The theory row's word on bound ρ̄ of a per-step table, naming what the verdict rests
    on (:data:`ABOVE_NOTE`): the measured rate, the row 'robust fit' (``met by the robust
    fit, as by the geometric mean``), or a measured kind faster than linear (``met by the
    measured kind, superlinear``); the geometric mean ``mean`` of the fit window beside it.
    With neither, the geometric mean alone (``met by the geometric mean``)."""
    kind = getattr(measurement, "kind", None)
    fitted = getattr(measurement, "rate", None)
    met = "met" if mean <= bound else "exceeded"
    if kind == "linear" and fitted is not None:
        first = f"{'met' if fitted <= bound else 'exceeded'} by the robust fit"
    elif SPEED.get(str(kind), 0) > SPEED["linear"]:
        first = f"met by the measured kind, {kind_words(measurement, short=True)}"
    else:
        return f"{met} by the geometric mean"
    return first + (", as by the geometric mean" if first.startswith(met) else
                    f"; {met} by the geometric mean")


def nw_title(label: str, win: Sequence[int] | None, at: int | None, to: str = "",
             shown: Sequence[int] | None = None, steps: Sequence[int] | None = None,
             settled: str = "", order_win: Sequence[int] | None = None,
             order_only: bool = False, below: tuple[int, int] | None = None,
             fitted: bool = True, order: float | None = None) -> str:
    """Title of a per-step table: its fit window, or the step a run reached x* (finite
    termination: no rate fitted, as the error figure says); ``to``: the point x* the errors
    are measured to, named when runs converged to different points.  ``shown`` of the
    ``steps`` clear of rounding (:func:`table_iterations`): when some are left out the
    title names the rows it shows rather than saying "per step".  ``settled``: for a run
    that stays bounded (:func:`bounded_where`), where its window lies, "around the cycle"
    or "in the band": nothing is fitted there, so the window is not called a fit window.
    ``order_win``: the errors a fitted order was fitted on (:func:`printed_window`) when they
    are fewer than the window's, where the kind was read and the geometric mean is taken:
    "(kind read on k = 32–38; order 1.32 fitted on k = 33–38)", with the fitted ``order``
    as the convergence table prints it (study p. 40 named the window of an order printed
    only on the page before, beside two per-step orders of the paragraph above the table,
    1.44 and 1.39, a student could take for it), so that each row of the table and
    the order printed beside it name their own window, and "fit window" names only where a
    rate or order was fitted (the window the error figure shades).  ``order_only``: for a run whose
    printed number is that order, and whose table has no row over the fit window (a method
    of predicted order q: no geometric mean), the title names the order's window alone,
    "(order fitted on k = 4–7)", the window its † marks refer to.  ``below``: for a fast kind
    read also on the errors below the rounding floor (x* exact), the last error read and the
    first below the floor (``read_to``, ``floor_index`` of
    :class:`~analysis.empirical.Measurement`): the kind and the verdict rest on the errors
    from the window's start to that last one, so the title names them, "(kind read on
    k = 4–18, below the floor from e_8; nothing fitted)" (the window above the floor named
    beside them only when something was fitted on it, as ``fitted`` says), not a fit window
    that stops at e_7.  A window where a kind was read and nothing was fitted (``fitted``
    false: a kind faster than linear with no fitted order) is not called a fit window:
    "(kind read on k = 2–8; nothing fitted)"."""
    fit_order = "order" if order is None else f"order {fmt_num(order, ORDER_DIGITS)}"
    skipped = shown is not None and steps is not None and len(shown) < len(steps)
    what = (f"errors and ratios at k = {', '.join(str(int(k)) for k in shown)} of "
            f"{int(steps[0])}–{int(steps[-1])}" if skipped else "errors and ratios per step")
    title = f"{label}: {what}" + (f" to x* = {to}" if to else "")
    if win is not None and settled:
        return title + (f" (iterations k = {int(win[0])}–{int(win[1])} {settled}, "
                        "nothing fitted)")
    if order_only and order_win is not None:
        return title + (f" ({fit_order} fitted on k = {int(order_win[0])}–"
                        f"{int(order_win[1])})")
    if win is not None and below is not None and below[0] > int(win[1]):
        fit = (f"; fit window k = {int(win[0])}–{int(win[1])}" if fitted else
               "; nothing fitted")
        return title + (f" (kind read on k = {int(win[0])}–{int(below[0])}, below the floor "
                        f"from e_{int(below[1])}{fit})")
    if win is not None and not fitted:  # a kind read there, no rate or order fitted
        return title + f" (kind read on k = {int(win[0])}–{int(win[1])}; nothing fitted)"
    if win is not None:
        if order_win is not None and tuple(map(int, order_win)) != tuple(map(int, win)):
            return title + (f" (kind read on k = {int(win[0])}–{int(win[1])}; {fit_order} "
                            f"fitted on k = {int(order_win[0])}–{int(order_win[1])})")
        return title + f" (fit window k = {int(win[0])}–{int(win[1])})"
    if at is not None:
        return title + f" (x* reached at k = {at}: finite termination, no rate fitted)"
    return title


def uncompared_text(study: Any, cps: Sequence[Any] | None = None,
                    full_in: str | None = None) -> str:
    """What the theory row of a per-step table adds for a run whose verdict is *not
    comparable*: that its theory is not held to the measured rate beside it, and why, "not
    comparable: the run ended 1.10 from P3, outside its convergence radius 0.202" (the
    reason of the row of the table ‘Predicted and measured convergence’, :func:`outside_head`,
    with the critical points ``cps``), or where the reason is when it is not that short one
    (Rosenbrock p. 7: GD's theory 0.9999829 under its robust fit 0.9999613, the verdict on
    p. 6 only; then "see the table …", with no reason on p. 7); '' for any other run.  With
    ``full_in``, the section that prints the reasons whole (:func:`failed_heading`), the short
    reason points there, as the row of that table does (:func:`row_note`): the convergence
    radius it names is defined there (chained Rosenbrock p. 7: "radius 0.202", defined on
    p. 2 only)."""
    verdict = getattr(getattr(study, "comparison", None), "verdict", None)
    if verdict != "not comparable":
        return ""
    why = outside_head(study, cps)
    if why and full_in:
        why = _add_aside(why, f"reasons in full under “{full_in}”")
    return f"not comparable: {why}" if why else f"not comparable: see the table ‘{THEORY_TABLE}’"


def _table_windows(m: Any, win: Sequence[int] | None, at: int | None, q: float | None
                   ) -> tuple[Any, bool, Any, Any, Any, bool]:
    """The windows of a per-step table of measurement ``m`` (``win`` its window, None when
    x* was reached at ``at``; ``q`` a predicted order): the window of the number printed
    beside the table (a fitted order's own window), which its title names beside the fit
    window; whether the title names that order's window alone (a method of predicted order,
    no geometric mean, whose printed number is the fitted order); the errors read below the
    floor (:func:`kind_read_below`); the window † marks the steps outside of (◊ those before
    a bounded run settled); the window the title names; whether a rate or order was fitted.
    A kind read with nothing fitted: the title names, and † marks against, the errors it was
    read on, which may start before the window (rule D's blocks, chained Rosenbrock p. 8:
    BFGS read on 36–69, its window 47–69)."""
    printed = printed_window(m) if at is None else None
    order_only = q is not None and printed is not None and order_printed(m)
    below = kind_read_below(m) if win is not None else None
    marked = printed if order_only else win if below is None else (win[0], below[0])
    fitted = E.fitted_window(m) is not None
    titled = win
    if at is None and not fitted and below is None and win is not None:
        titled = marked = E.kind_window(m)
    return printed, order_only, below, marked, titled, fitted


def convergence_table(b: Builder, label: str, study: Any, section: str, rows: int = 6,
                      to: str = "", name: str | None = None, q_limit: str = "",
                      cps: Sequence[Any] | None = None, full_in: str | None = None) -> bool:
    """Nocedal & Wright's table for one run: k, e_k, e_(k+1)/e_k and e_(k+1)/e_k^q at a few
    iterations clear of the rounding floor, with the theory's limit in the last row
    (ρ for linear convergence, 0 for superlinear, 1 for sublinear; with the order q of a
    quadratic or higher-order method, e_(k+1)/e_k^q stays bounded, or tends to ``q_limit``,
    the limit theory gives as printed: ``c²/3 = 0.08333ᵉ``).  For a linear rate the
    rows before it are the geometric mean (e_b/e_a)^(1/(b−a)) over the fit window [a, b] (the
    per-step ratio of an oscillating mode, heavy ball or complex roots, fluctuates around ρ),
    then the robust fit's rate when the run measured one (:func:`_window_rows`).  Returns
    whether a table was added (none without a reference point or usable errors); ``cps``:
    the critical points, which the theory row of a run that is not comparable names in its
    reason, and ``full_in`` the section that prints that reason whole
    (:func:`uncompared_text`)."""
    from analysis import plots

    try:
        e = plots.study_errors(study)
    except ValueError:
        return False
    p = study.prediction
    digits = row_rate_digits(study)  # ρ and the fit as the theory-vs-measurement row prints them
    q = convergence_order(p)
    floor = plots.study_floor(study)
    ks, r1 = plots.error_ratios(e, floor=floor)
    kinds = nw_rows(study)
    if ks.size == 0 and "reached" not in kinds:
        return False
    steps = [int(k) for k in ks]
    at = plots.finite_at(study.measurement, len(e))  # x* reached: no rate is fitted
    win = study.measurement.window if at is None else None
    chosen = table_iterations(steps, rows, win, getattr(study.measurement, "kind", None),
                              getattr(study.measurement, "ratio_step", None))
    printed, order_only, below, marked, titled, fitted = _table_windows(study.measurement,
                                                                         win, at, q)
    ratio = dict(zip((int(k) for k in ks), r1, strict=True))
    kq, rq = plots.error_ratios(e, q, floor) if q is not None else (ks, r1)
    ratio_q = dict(zip((int(k) for k in kq), rq, strict=True))
    two = block_step_ratios(study, e, ratio)
    h = int(getattr(study.measurement, "ratio_step", None) or 2)
    body = []
    outside = [] if marked is None else [k for k in chosen if not marked[0] <= k < marked[1]]
    settled = bounded_where(study.measurement)
    mark, outside_note = outside_marking(bool(settled))
    stalls = stall_steps(e, chosen, marked, run_converges(study.measurement))
    bound = (float(p.rate) if p.kind == "linear" and p.rate is not None and not p.exact
             else None)
    above = [] if bound is None else [k for k in chosen if float(ratio[k]) > bound]
    ref = plots.study_reference(study)
    scale = 0.0 if ref is None else float(np.linalg.norm(ref))
    rounded = False  # a ratio whose digits its rounding reaches (ROUNDED_MARK)
    column = (ratio_column_digits(ratio[k] for k in chosen),
              ratio_column_digits(two[k] for k in chosen if k in two) if two else RATE_DIGITS)
    for k in chosen:
        ratios, cut = _step_ratio_cells(b, section, label, e, k, scale, ratio, ratio_q, q,
                                        two, h, column)
        rounded |= cut
        ratios[0] += (ABOVE_MARK if k in above else "") + (STALL_MARK if k in stalls else "")
        body.append([f"{k}{mark if k in outside else ''}",
                     cell(b, section, label, f"e_{k}", float(e[k]), "measured", 3, zeros=True),
                     *ratios])
    if "reached" in kinds and at is not None:
        body += _reached_rows(b, label, section, e, at, max(chosen, default=-1), q is not None,
                              floor)
    else:
        body += _last_error_row(b, label, section, e, steps, chosen, q is not None, floor)
    data = len(body)  # the rows of steps; those after them sum them up
    notes: list[str] = []
    if outside:
        notes.append(outside_note)
    if stalls:
        notes.append(STALL_NOTE)
    if rounded:
        notes.append(ROUNDED_NOTE)
    if max(column) > RATE_DIGITS:
        notes.append(COLUMN_DIGITS_NOTE)
    against = ""
    if "mean" in kinds and win is not None:
        rows_w, notes_w, compared, against = _window_rows(
            b, label, section, e, win, study.measurement, bound, above,
            predicted_rate_text(p, digits), digits is not None)
        body += rows_w
        notes += notes_w
        above = [] if compared else above
    if above:  # no fit window to compare: the bound alone
        notes.append(ABOVE_NOTE_NO_WINDOW)
    against = against or uncompared_text(study, cps, full_in)
    last = ["theory", "", theory_limit(b, label, section, p, at, digits)
            + (f", {against}" if against else "")]
    if q is not None:
        order = cell(b, section, label, "predicted order", q, "theory", 3)
        last.append(f"→ {q_limit}" if q_limit else f"bounded (order q = {order})")
    if two is not None:
        last.append("")
        body = [row + [""] * (len(last) - len(row)) for row in body]
    body.append(last)
    bands = band_rows(b, label, section, study, win, len(last))
    body += bands
    notes += [BAND_ROW_NOTE] if bands else []
    notes += [n for n in (band_note(name or label, study, win, e,
                                    predicted_rate_text(p, digits)),) if n]
    notes += cg_bound_notes([study])  # the case a yardstick ʸ in the theory row comes from
    cols = [Column("k", "r"), Column("e_k = ‖x_k − x*‖", "r"), Column("e_(k+1)/e_k", "r")]
    if q is not None:
        cols.append(Column(f"e_(k+1)/e_k^{fmt_num(q, 2)}", "r"))
    if two is not None:
        cols.append(Column(f"e_(k+{h})/e_k", "r"))
        linear = getattr(study.measurement, "kind", None) == "linear"
        notes += [step_ratio_note(h)] + ([cycle_step_note(h, name or label)] if linear else [])
    kind_paragraph(b, label, study, name)
    b.doc.table(cols, body, title=nw_title(name or label, titled, at, to, chosen, steps, settled,
                                            printed, order_only, below, fitted,
                                            getattr(study.measurement, "order", None)),
                 notes=notes, summary=len(body) - data, half=True)
    return True


def kind_paragraph(b: Builder, label: str, study: Any, name: str | None = None) -> None:
    """Before a per-step table (:func:`convergence_table`), which it announces (so the page
    keeps the two together): why the run's kind was measured quadratic or superlinear
    (:func:`kind_text`), when it was."""
    why = kind_text(b, label, name or label, study)
    if why:
        b.doc.paragraph(why, size=SMALL, style="italic")


def kind_text(b: Builder, label: str, name: str, study: Any) -> str:
    """The sentence after a per-step table that says why the run's kind was measured
    quadratic or superlinear (``measurement.evidence``: the rule and the numbers it saw),
    followed by :func:`band_text` when the window ends at a landing in the floor band; ""
    for other kinds."""
    from analysis import empirical as E
    from analysis import plots

    m = study.measurement
    evidence = getattr(m, "evidence", None)
    if getattr(m, "kind", None) not in ("quadratic", "superlinear") or not evidence:
        return ""
    order = ""
    if m.kind == "quadratic" and m.order is not None:
        lo, hi = E.QUADRATIC_ORDER
        where = ("in" if lo <= m.order <= hi else
                 f"within two standard errors (2 × {fmt_num(m.order_se or 0.0, 2)}) of")
        order = (f"; its fitted order q = {fmt_num(m.order, 3)} lies {where} the quadratic "
                 f"band [{lo:g}, {hi:g}]") + few_points_text(plots.study_errors(study),
                                                              printed_window(m))
    kind = kind_words(m, short=True, predicted=getattr(study, "prediction", None))
    if kind != m.kind and m.order is not None:  # named by the predicted order's band
        q = study.prediction.order
        lo, hi = E.order_band(q)
        order = (f"; its fitted order q = {fmt_num(m.order, 3)} lies in the band "
                 f"[{fmt_num(lo, 3)}, {fmt_num(hi, 3)}] of the predicted order "
                 f"{fmt_num(q, 3)}")
    # a sentence, its first letter capital: "Pure Newton is measured …" (study p. 44)
    text = sentence(f"{name} is measured {kind} (per-step table follows): "
                    f"{evidence.removesuffix(': superlinear')}{order}")
    band = band_text(b, label, name, study)
    return text + (" " + band if band else "")


def few_points_text(e: np.ndarray, window: Sequence[int] | None) -> str:
    """For an order fitted on the fewest points a fit takes (three pairs (eₖ, eₖ₊₁), the
    window k = a–a + 3 of :func:`analysis.empirical.fit_order`): which errors the pairs use
    (the window its table's title gives), and the order the last pair of ratios alone
    gives, q = ln(r₂)/ln(r₁) with rₖ the ratios e₍ₖ₊₁₎/eₖ (e₂/e₁ = (e₁/e₀)^q); "" for a
    longer fit or without a window."""
    if window is None:
        return ""
    a, z = int(window[0]), int(window[1])
    if z - a != 3 or z >= len(e) or not np.all(e[a:z + 1] > 0):
        return ""
    r1, r2 = e[z - 1] / e[z - 2], e[z] / e[z - 1]
    q = math.log(r2) / math.log(r1)
    # the errors the pairs use, as the table's title gives the window (study p. 40, Himmelblau
    # p. 7: "k = 18–20" here, "order fitted on k = 18–21" over the table)
    # (no "the first e₀ = 1.17" after the bracket: a dangling fragment, study p. 44)
    return (f", a fit on three points (e_k, e_(k+1)), k = {a}–{z - 1}, which use the errors "
            f"e_{a}–e_{z} (the window k = {a}–{z} of its table's title); the last pair of "
            "ratios alone gives "
            f"q = ln(e_{z}/e_{z - 1})/ln(e_{z - 1}/e_{z - 2}) ≈ {fmt(q, 2)}")


def step_ratio_note(h: int) -> str:
    """The definition of the column e_(k+h)/e_k under a per-step table, in the same words
    under every table that has the column (a zigzag's two-step ratios, a restarted method's
    period), so that a page never defines the symbol twice in two wordings; what a run
    reads on it is said apart (:func:`cycle_step_note`; a kind read on it, in the sentence
    before the table)."""
    return (f"e_(k+{h})/e_k: the ratio over {h} steps, shown for a run whose measured kind or "
            f"rate rests on it; — where e_(k+{h}) lies past the last error above the floor.")


def cycle_step_note(h: int, label: str = "") -> str:
    """The note under a per-step table of a restarted method whose linear rate is read on its
    cycles of ``h`` steps (:func:`analysis.empirical.cycle_fit`): which rows of the column
    e_(k+h)/e_k (:func:`step_ratio_note`) are the cycle factors the fit reads.  It names the
    run ``label``: notes that miss their table's page are set at the foot of the next, under
    another table (study p. 42: CG's note under GD's table read as GD's), and its head,
    "CG restart cycles" (:func:`analysis.pages.note_head`), is what the page of the table's
    rows points to it by (:func:`analysis.pages.ending_pointers`; study p. 41 had no pointer
    to the note the next page held)."""
    head, who = (f"{label} restart cycles", f"{label}'s rate") if label else \
        ("Restart cycles", "the rate")
    return (f"{head}: the restart period is {h} steps; {who} is read on them: at the rows of the "
            f"fit window i–j that start a cycle (k = i, i + {h}, …), e_(k+{h})/e_k is the "
            f"cycle factor the robust fit reads, its rate per step being their fitted value "
            f"to the power 1/{h} (it is fitted on the errors once per cycle, e_i, "
            f"e_(i+{h}), e_(i+{2 * h}) and so on to e_j, not on every iteration).")


def block_step_ratios(study: Any, e: np.ndarray, steps: Mapping[int, float]
                      ) -> dict[int, float] | None:
    """The ratios e_(k+h)/e_k over ``h = measurement.ratio_step`` >= 2 steps of a run whose
    measured kind rests on them (two steps: zigzag; h: a restarted method's period), by k, for
    the steps k … k + h − 1 all among ``steps`` (the per-step ratios of the table, clear of
    the rounding floor); None for any other run."""
    h = getattr(study.measurement, "ratio_step", None)
    if h is None or h < 2:
        return None
    return {k: float(e[k + h] / e[k]) for k in steps if all(k + i in steps for i in range(h))}


def study_band(st: Any) -> tuple[float, float] | None:
    """The band [ρ, the window's average factor] the verdict of rate study ``st`` tested (a
    double root: :func:`analysis.plots.study_band`, the band the error figure shades), else
    None."""
    from analysis import plots

    return plots.study_band(st)


#: The note under a per-step table with a row 'theory band' (:func:`band_rows`): its upper
#: end from ρ and the row's window, :func:`analysis.compare.double_root_rate`, so that it can
#: be checked on the page (Himmelblau p. 6 said only "the window's average factor")
BAND_ROW_NOTE = ("Theory band: [ρ, ρ·((j+1)/(i+1))^(1/(j−i))], the rate per step of a "
                 "double root's error C (k + 1) ρᵏ averaged over the window i–j of the row.")


def band_rows(b: Builder, label: str, section: str, study: Any, win: Sequence[int] | None,
              width: int) -> list[list[str]]:
    """The row ``theory band`` of a per-step table ``width`` cells wide, after its theory
    row, when the verdict of ``study`` tested a double root's band (:func:`study_band`), so
    that the measured rates above it are read against the band the verdict used:
    ``0.47831ᵗ–0.49354ᵗ (window 24–39)`` (the note :data:`BAND_ROW_NOTE` says it is a
    double root's: the cell, "(double root, window 78–133)", wrapped over two lines on
    quadratic p. 6 and Himmelblau p. 6); none otherwise."""
    band = study_band(study)
    if band is None:
        return []
    lo, hi = (cell(b, section, label, f"rate band {end}", v, "theory", rate_digits(v))
              for end, v in (("low", band[0]), ("high", band[1])))
    where = "" if win is None else f"window {int(win[0])}–{int(win[1])}"
    return [["theory band", "", f"{lo}–{hi}" + (f" ({where})" if where else "")]
            + [""] * (width - 3)]


def band_note(label: str, study: Any, win: Sequence[int] | None, e: np.ndarray,
              like: str = "") -> str:
    """The per-step table's note, when the geometric mean of its errors ``e`` over the fit
    window lies outside the band of its row ``theory band`` (:func:`band_rows`), that the
    verdict tests the robust fit, not the mean, and where the robust fit lies: in the band
    (a mean 0.82426 above the band's end 0.82425, the robust fit 0.82416 in it), or outside
    it too, then how far off it is, on the scale the band rule reads
    (:func:`analysis.compare.band_diff`), against the rule's tolerance, beside the mean's
    distance (Nesterov on Rosenbrock: 0.99605, 0.845% off on −ln ρ, within 1%; the mean
    1.1% off); "" otherwise.  The two rates print as the table's rows print them
    (:func:`window_rate_text`, at least the digits of ``like``, the theory's ρ), the robust
    fit's distance as the verdict's note and decided-by cell print it
    (:func:`analysis.compare.band_digits`)."""
    from analysis.compare import band_diff

    band = study_band(study)
    span = None if band is None or win is None else window_span(e, win)
    if span is None:
        return ""
    mean = window_mean(e, *span)
    side = "above" if mean > band[1] else "below" if mean < band[0] else ""
    if not side:
        return ""
    rate = getattr(study.measurement, "rate", None)
    fit_off = None if rate is None else band_diff(float(rate), *band)
    if fit_off is None or max(fit_off) == 0:
        return (f"{label}: the geometric mean lies {side} the theory band; the verdict tests "
                "the robust fit (the measured rate), which lies in it, not the geometric mean.")
    fit_side = "above" if rate > band[1] else "below"
    both_where = (f"both lie {side} the theory band" if fit_side == side
                  else f"lie {fit_side} and {side} the theory band")
    mean_off = band_diff(mean, *band)
    tol = getattr(study.comparison, "tolerance", None)
    limit = ("" if tol is None else
             f", {'within' if max(fit_off) <= tol else 'beyond'} the {percent(tol)} tolerance")
    n, shown = band_digits(float(rate), *band)
    fit_text, ends = window_rate_text(rate, like), ""
    if n > significant_digits(fit_text):
        # the rows' digits do not give the distance back: the fit and the band as the
        # verdict's note prints them, with the digits that do
        fit_text = fmt(rate, n, zeros=True)
        ends = f" [{fmt(band[0], n)}, {fmt(band[1], n)}]"
    return (f"{label}: the robust fit {fit_text} and the geometric mean "
            f"{window_rate_text(mean, like)} {both_where}{ends}; the verdict tests the robust "
            f"fit (the measured rate), {percent(max(fit_off), shown)} "
            f"off the band on {scale_name(*fit_off)}{limit}; "
            f"the geometric mean is {percent(max(mean_off))} off on {scale_name(*mean_off)}.")


def bounded_where(m: Any) -> str:
    """Where the window of a measurement that stays bounded lies, as a title says it:
    "around the cycle" (a cycle of some period) or "in the band"; "" for any other kind."""
    if getattr(m, "kind", None) != "bounded":
        return ""
    return "around the cycle" if getattr(m, "period", None) is not None else "in the band"


def gives_limit(p: Any) -> bool:
    """Whether theory gives the ratio e_(k+1)/e_k of prediction ``p`` a limit, or a step
    count, for the theory row (:func:`theory_limit`); else that row only names the kind
    (``bounded, no rate``)."""
    return ((p.kind in ("linear", "diverges") and p.rate is not None)
            or p.kind in ("finite", "quadratic", "superlinear", "sublinear"))


def theory_limit(b: Builder, label: str, section: str, p: Any, at: int | None,
                 digits: int | None = None) -> str:
    """The theory row's cell of a per-step table: the limit of e_(k+1)/e_k (ρ, ≤ ρ for a bound,
    → 0, → 1), or, for a method theory says terminates, after how many steps it is exact
    (:func:`finite_text`); ``at``: the step the run reached x* at (a limit → 0 then says
    that x* came first); ``digits``: those the run's theory-vs-measurement row prints ρ with
    (:func:`row_rate_digits`), else ρ's own."""
    if p.kind in ("linear", "diverges") and p.rate is not None:
        limit = ("" if p.exact else "≤ ") + cell(b, section, label, "predicted rate", p.rate,
                                                 prediction_how(p),
                                                 digits or rate_digits(p.rate))
        return limit + ("" if p.exact else " (asymptotic)")
    if p.kind == "finite":
        return finite_text(p.finite_steps, p.exact)
    if p.kind in ("quadratic", "superlinear"):
        return "→ 0" if at is None else f"→ 0 asymptotically; x* was reached first, at k = {at}"
    if p.kind == "sublinear":
        return "→ 1"
    return predicted_kind(p, "no rate")


def finite_text(steps: int | None, exact: bool = True) -> str:
    """What theory says of a method that terminates: ``exact after 1 step`` (``exact``: the
    step count is the theory's own; else it is a bound, ``exact after at most 2 steps``), not
    a limit of the ratio e_(k+1)/e_k, which a run that reaches x* never takes."""
    if steps is None:
        return "exact after finitely many steps"
    return f"exact after {'' if exact else 'at most '}{plural(int(steps), 'step')}"


def has_fit_row(st: Any) -> bool:
    """Whether the per-step table of rate study ``st`` has a robust-fit row: its run has a
    measured linear rate or growth factor (:func:`_window_rows`)."""
    m = st.measurement
    return getattr(m, "rate", None) is not None and getattr(m, "kind", None) in (
        "linear", "diverges")


def reached_text(e: float, floor: float) -> str:
    """The ratio cell of the step a terminating run reached x* at, with error ``e``: exactly
    (e = 0), at the rounding ``floor`` (no ratio is left to show), or within the tolerance."""
    return ("x* reached exactly" if e == 0 else "x* reached (rounding floor)" if e <= floor
            else "x* reached")


def _reached_rows(b: Builder, label: str, section: str, e: np.ndarray, at: int, shown: int,
                  ordered: bool, floor: float) -> list[list[str]]:
    """The per-step table's last rows of a run that reached x* at step ``at`` (its error at
    the rounding floor, so no ratio of it is kept): the steps after the last one ``shown``
    with their errors, then step ``at`` (:func:`reached_text`); ``ordered``: the table has
    the column e_(k+1)/e_k^q, left blank here; ``floor``: the run's rounding floor
    (:func:`analysis.plots.study_floor`)."""
    tail = [""] if ordered else []
    rows = [[str(k), cell(b, section, label, f"e_{k}", float(e[k]), "measured", 3,
                          zeros=True), "x* at the next step", *tail]
            for k in range(shown + 1, at) if np.isfinite(e[k]) and e[k] > floor]
    return rows + [[str(at), cell(b, section, label, f"e_{at}", float(e[at]), "measured", 3,
                                  zeros=True), reached_text(float(e[at]), floor), *tail]]


#: the ratio cell of the last error above the rounding floor, whose successor lies below it
NEXT_BELOW_FLOOR = "next error below the floor"


def _last_error_row(b: Builder, label: str, section: str, e: np.ndarray, steps: Sequence[int],
                    chosen: Sequence[int], ordered: bool, floor: float) -> list[list[str]]:
    """The row after the last step of a per-step table that shows every step (``chosen``
    all of ``steps``): the last error above the rounding ``floor``, e_(k+1) of the last
    ratio, when the error after it lies below the floor (no ratio of it is kept:
    :data:`NEXT_BELOW_FLOOR`); none when the run ended there or the table shows no step or
    only some.  ``ordered``: the table has the column e_(k+1)/e_k^q, left blank here."""
    if not steps or len(chosen) < len(steps):
        return []
    k = int(steps[-1]) + 1
    if k + 1 >= len(e) or not (np.isfinite(e[k]) and e[k] > floor) or not e[k + 1] <= floor:
        return []
    return [[str(k), cell(b, section, label, f"e_{k}", float(e[k]), "measured", 3,
                          zeros=True), NEXT_BELOW_FLOOR, *([""] if ordered else [])]]


def nw_rows(study: Any) -> frozenset[str]:
    """The kinds of summary rows the per-step table of rate study ``study`` has
    (:func:`convergence_table`): ``mean``, the geometric mean over the fit window (a run
    with a fit window whose method has no order q, the window's end errors positive, that
    did not settle on a cycle or band: measured kind ``bounded``);
    ``fit``, the robust fit's rate beside it (:func:`has_fit_row`); ``reached``, the step a
    terminating run reached x* at (its error at the rounding floor, no ratio)."""
    from analysis import plots

    try:
        e = plots.study_errors(study)
    except ValueError:
        return frozenset()
    at = plots.finite_at(study.measurement, len(e))
    if at is not None:
        ks, _ = plots.error_ratios(e, floor=plots.study_floor(study))
        return frozenset({"reached"} if 0 <= at < len(e) and at not in set(ks.tolist())
                         else ())
    win = getattr(study.measurement, "window", None)
    if (win is None or convergence_order(study.prediction) is not None
            or window_span(e, win) is None):
        return frozenset()
    if getattr(study.measurement, "kind", None) == "bounded":
        # a run settled on a cycle or band does not contract: over whole cycles the mean
        # ratio is 1, over any other window it only says where the window's ends fell
        return frozenset()
    p = study.prediction
    rate = getattr(p, "kind", None) == "linear" and getattr(p, "rate", None) is not None
    if E.fitted_window(study.measurement) is None and not rate:
        # a kind faster than linear with no fitted order and no predicted rate to set the
        # mean beside: no rate for a mean to estimate (the quadratic report's BFGS printed
        # "4–7 geometric mean" under "nothing fitted"); CG's mean is what meets its bound ρ̄
        return frozenset()
    return frozenset({"mean", "fit"} if has_fit_row(study) else {"mean"})


#: the rounding floor of a run's errors (:func:`analysis.empirical.default_floor`), as the
#: pages write it
FLOOR_RULE = "10³·ε·max(1, ‖x*‖)"


def floor_value_text(studies: Sequence[Any]) -> str:
    """The rounding floor of these rate studies' errors with its value
    (:func:`analysis.plots.study_floor`), said once where the per-step tables are introduced:
    ``Errors below the rounding floor 10³·ε·max(1, ‖x*‖) = 2.2e−13``, its range over the
    runs when their x* differ in norm, with ε defined (:data:`EPS_TEXT`)."""
    return f"Errors below the rounding floor {floor_rule_value(studies)}"


def floor_rule_value(studies: Sequence[Any]) -> str:
    """The rounding floor of these rate studies' errors, its rule and its value
    (:func:`analysis.plots.study_floor`) with ε defined: ``10³·ε·max(1, ‖x*‖) = 2.2e−13 (ε =
    2.2e−16, …)``, the value's range over the runs when their x* differ in norm."""
    from analysis import plots

    vals = sorted({float(fmt_floor(plots.study_floor(st))) for st in studies})
    value = (f" = {fmt_floor(vals[0])} ({EPS_TEXT})" if len(vals) == 1 else
             f" ({fmt_floor(vals[0])} to {fmt_floor(vals[-1])} over these runs; {EPS_TEXT})"
             if vals else f" ({EPS_TEXT})")
    return f"{FLOOR_RULE}{value}"


def exact_floor_text(refs: Sequence[Any]) -> str | None:
    """Why the rounding floor :data:`FLOOR_RULE` is only a common cut-off where every x* in
    ``refs`` is exact in floating point (:func:`float_exact`), said alike by the figure's
    caption (:func:`floor_cut_text`) and the tables' note (:func:`floor_why_text`): on
    x* = 0 ``the errors carry only a relative rounding ε, so the ratios stay accurate below
    it``; on another exact x* the subtraction xₖ − x* adds no rounding, but the iterates'
    own rounding, about ε·‖x*‖ in absolute terms, still limits the errors.  None when some
    x* is rounded (or none is known): below the floor the errors are rounding noise."""
    if not refs or any(r is None for r in refs):
        return None
    pts = [np.asarray(r, float).ravel() for r in refs]
    if not all(float_exact(r) for r in pts):
        return None
    if all(not np.any(r) for r in pts):
        return ("on x* = 0 the errors carry only a relative rounding ε, so the ratios would "
                "stay accurate below it")
    return ("x* is exact in floating point, so xₖ − x* adds no rounding, but the iterates' "
            "own rounding, about ε·‖x*‖ (the attainable accuracy, far below the rounding "
            "floor), still limits the errors")


def runs_fitted(studies: Sequence[Any]) -> list[bool]:
    """Per rate study, whether its run is fitted: it has a fit window
    (:func:`analysis.empirical.fitted_window`)."""
    return [E.fitted_window(getattr(st, "measurement", None)) is not None for st in studies]


def cut_off_text(studies: Sequence[Any]) -> str:
    """The rounding floor as a common cut-off, said as true of these rate studies' runs: a
    run is fitted when it has a fit window (:func:`analysis.empirical.fitted_window`; not one
    that stays bounded, nor one that reached x*).  All fitted: ``applied so that every run
    is fitted by one rule``; some: ``applied to every run, so that the fitted ones are fitted
    by one rule``; none (the kink's runs all cycle): ``applied to every run alike, though no
    run is fitted``."""
    fitted = runs_fitted(studies)
    if fitted and all(fitted):
        return "a common cut-off, applied so that every run is fitted by one rule"
    if any(fitted):
        return ("a common cut-off, applied to every run, so that the fitted ones are fitted "
                "by one rule")
    return "a common cut-off, applied to every run alike, though no run is fitted"


#: where the caption of the error figure before a paragraph already gave why the
#: rounding floor is a common cut-off (:func:`exact_floor_text`), the paragraph points to it
FLOOR_REASON_ABOVE = "for the reason the error figure's caption gives"


def all_exact(studies: Sequence[Any]) -> bool:
    """Whether these rate studies name their x* and every one is exact in floating point
    (:func:`float_exact`): then their rounding floor is a common cut-off, not a noise
    level (:func:`floor_why_text`, :func:`floor_sentences`)."""
    refs = [r for st in studies if (r := _reference(st)) is not None]
    return bool(refs) and all(float_exact(r) for r in refs)


def floor_why_text(studies: Sequence[Any], said: bool = False) -> str:
    """Why the errors below the rounding floor are left out of these rate studies' tables:
    ``rounding noise`` when x* is rounded; where every x* is exact in floating point
    (:func:`float_exact`: the quadratic's x* = (0, 0), whose BFGS errors reach 1e−83) the
    floor is a common cut-off (:func:`cut_off_text`), with the reason the caption gives
    (:func:`exact_floor_text`), or, when that caption is just above and gave it
    (``said``), a pointer to it (:data:`FLOOR_REASON_ABOVE`), so that it is said once."""
    refs = [r for st in studies if (r := _reference(st)) is not None]
    exact = [float_exact(r) for r in refs]
    one_rule = cut_off_text(studies)
    if all_exact(studies):
        if said:
            return f"{one_rule}, {FLOOR_REASON_ABOVE}"
        sep = ": " if any(runs_fitted(studies)) else "; "  # the reason is not for "no run"
        return f"{one_rule}{sep}{exact_floor_text(refs)}"
    if any(exact):
        return f"rounding noise where x* is rounded; where it is exact, {one_rule}"
    return "rounding noise"


def hessian_count_text(nonzero: int, n: int) -> str:
    """How many of the n(n + 1)/2 distinct entries of an n × n Hessian (those on and above
    the diagonal) are nonzero: ``all 3 distinct entries (on and above the diagonal) are
    nonzero``, ``9 of its 15 distinct entries (…) are nonzero``, ``its one entry is
    nonzero``."""
    total = n * (n + 1) // 2
    if total == 1:
        return f"its one entry is {'nonzero' if nonzero else 'zero'}"
    where = "distinct entries (on and above the diagonal)"
    if nonzero == total:
        return f"all {total} {where} are nonzero"
    return f"{nonzero} of its {total} {where} {'is' if nonzero == 1 else 'are'} nonzero"


#: the ε of :data:`FLOOR_RULE`, defined where the floor is introduced
EPS_TEXT = (f"ε = {fmt_num(float(np.finfo(float).eps), 2)}, the double-precision machine "
            "epsilon")


def nw_text(studies: Sequence[Any], names: Sequence[str] | None = None,
            floor_said: bool = False) -> str:
    """The lead-in of the per-step tables of the rate studies ``studies``, naming only the
    rows and columns they have (:func:`nw_rows`, :func:`convergence_order`) in the order the
    tables have them (the steps; the geometric mean, then the robust fit; theory, then a
    double root's theory band), one sentence per kind of row: a row that every table has as
    such, one that only some have with the runs that have it (``names``, as the tables'
    titles print them; without them, the condition under which a table has the row), none
    that no table has.  ``floor_said``: the caption of the figure just above gave why the
    rounding floor is a common cut-off (:func:`floor_why_text`)."""
    kinds = [nw_rows(st) for st in studies]
    means = [k for k in kinds if "mean" in k]
    sub = [st for st, k in zip(studies, kinds, strict=True)
           if "mean" in k and getattr(st.measurement, "kind", None) == "sublinear"]
    which = ("this sublinear run" if len(sub) == len(kinds) == 1 else
             "these sublinear runs" if len(sub) == len(kinds) else "a sublinear run")
    sub_note = (f" (for {which}"
                " the measured rate is the exponent a of e_k ∝ (k + k₀)^−a in the table "
                f"‘{THEORY_TABLE}’, fitted as 1/slope of 1/d against k, d the decay −Δln e_k "
                "per step in blocks of the window (medians, not least squares); there is no "
                "ratio for a robust fit, so no row of one)"
                ) if sub else ""
    fits = [k for k in kinds if "fit" in k]
    bands = [study_band(st) is not None for st in studies]

    def who(has: Sequence[bool], cond: str) -> str:
        """Which tables have a row: none said when all do, else their runs, each quoted as
        its table's title names it (a name may hold a comma: ``heavy ball, Polyak's
        tuning``), or ``cond``."""
        if all(has):
            return ""
        if names is None:
            return f" ({cond})"
        tables = [f"‘{n}’" for n, h in zip(names, has, strict=True) if h]
        return f" (only in the {'table' if len(tables) == 1 else 'tables'} of {_names(tables)})"

    bare = list(dict.fromkeys(predicted_kind(st.prediction, "no rate") for st in studies
                              if not gives_limit(st.prediction)))
    here = f"‘{'’, ‘'.join(bare)}’"
    if len(bare) and all(not gives_limit(st.prediction) for st in studies):
        theory = f"what theory says of the ratio, here {here}: it gives no limit"
    else:
        theory = "what theory says the ratio tends to"
    if any(getattr(st.prediction, "kind", None) == "finite" for st in studies):
        theory += " or, for a method it says terminates, after how many steps it is exact"
    if bare and any(gives_limit(st.prediction) for st in studies):
        theory += f" (or, for a method for which it gives no limit, what it says: {here})"
    rows = []
    if means:
        none = ("" if fits or sub_note or len(means) < len(kinds) else
                " (these runs have no measured rate, so no row of a robust fit)")
        has = who(["mean" in k for k in kinds],
                  "a run with a fit window whose theory gives no order q")
        rows.append(f"Row ‘geometric mean’{has}: the geometric mean of the ratio over the "
                    f"window i–j in its first cell{none}{'' if fits else sub_note}.")
    if fits:
        grows = any(has_fit_row(st) and st.measurement.kind == "diverges" for st in studies)
        has = who(["fit" in k for k in kinds],
                  "a run with a measured rate" + " or growth factor" * grows)
        rows.append(f"Row ‘robust fit’{has}: the rate the robust fit measured over the same "
                    f"window{sub_note}.")
    rows.append(f"Row ‘theory’: {theory}.")
    if any(bands):
        rows.append(f"Row ‘theory band’{who(bands, 'a double root')}, after the row "
                    "‘theory’: the band [ρ, the window's average factor] tested for a double "
                    "root.")
    ordered = any(convergence_order(st.prediction) is not None for st in studies)
    reached = any("reached" in k for k in kinds)
    return ("Per run, the errors e_k = ‖x_k − x*‖ and the ratios e_(k+1)/e_k"
            + (" (and e_(k+1)/e_k^q for a method of order q)" if ordered else "")
            + " at a few iterations, as in Nocedal & Wright's tables.  "
            + "  ".join(rows) + "  "
            + floor_sentences(studies, floor_said, reached)
            + kinds_read_below_text(studies, names))


def reach_floor(studies: Sequence[Any]) -> bool:
    """Whether some rate study's errors ‖xₖ − x*‖ (:func:`analysis.plots.study_errors`) fall
    below its rounding floor (:func:`analysis.plots.study_floor`), so that the floor leaves
    some of them out; True when a study's errors are not known (no x*)."""
    from analysis import plots

    for st in studies:
        try:
            e = plots.study_errors(st)
        except (ValueError, TypeError, AttributeError, IndexError):
            return True
        if np.any(e < plots.study_floor(st)):
            return True
    return False


def floor_sentences(studies: Sequence[Any], floor_said: bool = False,
                    reached: bool = False) -> str:
    """The lead-in's sentences on the rounding floor (:func:`floor_value_text`): which errors
    are left out, "except the step at which a terminating run reached x*" (``reached``), and
    why (:func:`floor_why_text`).  Rounding noise is said in brackets; where every x* is
    exact, the floor is no noise level but a common cut-off, said in a sentence of its own
    with its reason after a colon: "Here the floor is not a noise level but a common
    cut-off, …: on x* = 0 the errors carry only a relative rounding ε, so the ratios would
    stay accurate below it."  In the brackets of "are left out (…)" that reason read as an
    argument against leaving them out (quadratic p. 5).  Where no error falls below the
    floor (:func:`reach_floor`: the kink's runs cycle 0.177 from x*), the floor leaves
    nothing out and its value alone is said: "No error of these runs falls below the
    rounding floor …", not a cut-off and its reason (kink p. 6)."""
    if not reached and not reach_floor(studies):
        return (f"No error of {'this run' if len(studies) == 1 else 'these runs'} falls below "
                f"the rounding floor {floor_rule_value(studies)}, where the tables would "
                "leave errors out.")
    why = floor_why_text(studies, floor_said)
    out = f"{floor_value_text(studies)} are left out"
    but = ", except the step at which a terminating run reached x*" if reached else ""
    if all_exact(studies):
        return f"{out}{but}.  Here the floor is not a noise level but {why}."
    return f"{out} ({why}){but}."


def kinds_read_below_text(studies: Sequence[Any], names: Sequence[str] | None = None) -> str:
    """After the sentences on the rounding floor (:func:`floor_sentences`): the runs whose
    measured kind was read also on the errors below it (x* exact, :func:`kind_read_below`),
    so that the lead-in of the per-step tables and the paragraph before such a run's table
    say the same of them: "The kind of ‘BFGS’ is also read on the errors below the floor,
    e₈–e₁₈, exact distances since x* is exact (the paragraph before its table gives them and
    their ratios)."; "" when no run's is.
    ``names``: the runs as the tables' titles print them."""
    runs = [(i, b) for i, st in enumerate(studies)
            if (b := kind_read_below(getattr(st, "measurement", None))) is not None]
    if not runs:
        return ""
    who = [f"‘{names[i]}’" if names is not None else None for i, _ in runs]
    if any(w is None for w in who):
        return ("  Where x* is exact, a fast kind is also read on the errors below the floor, "
                "exact distances there (the paragraph before its run's table gives them and "
                "their ratios).")
    one = len(runs) == 1
    span = ", ".join(f"e_{b[1]}–e_{b[0]}" for _, b in runs)
    return (f"  The kind of {_names([w for w in who if w])} is also read on the errors below "
            f"the floor, {span}, exact distances since x* is exact (the paragraph before "
            f"{'its table' if one else 'each table'} gives them and their ratios).")


def reference_text(runs: Sequence[MethodRun]) -> list[str]:
    """Per distinct reference point of the rate studies, once: the point, then each group of
    methods it applies to with how it was found (a point reached by some runs and used for
    others that did not reach it is named once, the second group saying why).  Every run of
    ``runs`` (the rows of the theory table) is named: those whose prediction is ``none``,
    for which no rate was evaluated, in a last entry that says so."""
    groups: dict[str, dict[str, list[str]]] = {}
    silent: list[str] = []
    for r in runs:
        st = r.study
        if getattr(getattr(st, "prediction", None), "kind", None) == "none":
            silent.append(r.shown)
            continue
        pt = None if st.reference is None else fmt_point(st.reference)
        ref = "no point" if pt is None else f"x = {pt}"
        how = prose(st.minimizer_how or "")
        if how.startswith("none: "):  # not a minimizer the run converged to: say why briefly
            what, _, where = how[len("none: "):].partition("; theory evaluated ")
            where = where.removeprefix("at ")
            if pt is not None:  # the point is named once, at the head of its entry
                where = where.replace(f" {pt}", "")
            # "the minimum nearest to x₀ (exact)" → "the exact minimum nearest to x₀": no
            # bracket inside the bracket this clause is printed in
            how_found = re.fullmatch(r"the (.+) \((exact|numeric)\)", where)
            if how_found and how_found.group(1).startswith("only "):  # not "the exact only …"
                where = f"the {how_found.group(1)}, {how_found.group(2)}"
            elif how_found:
                where = f"the {how_found.group(2)} {how_found.group(1)}"
            short = ("diverged" if what.startswith("the run diverged") else
                     "converged to a critical point that is not a minimizer"
                     if "not a minimizer" in what else "did not converge to a critical point")
            tail = (f", whose run {short} (see the table"
                    + (f"; theory evaluated at {where}" if where and where != "there" else "")
                    + ")")
        else:
            tail = f" ({how})"
        groups.setdefault(ref, {}).setdefault(tail, []).append(r.shown)
    def group(tail: str, v: list[str]) -> str:
        return f"for {', '.join(v)}" + (tail.replace(", whose run ", ", whose runs ")
                                       if len(v) > 1 else tail)

    out = [ref + " " + ", and ".join(group(t, v) for t, v in sorted(  # reached it first
        g.items(), key=lambda tv: tv[0].startswith(", whose"))) for ref, g in groups.items()]
    if silent:
        # the note stands under that table (or is carried under its name to the next page):
        # "the table 'Predicted and measured convergence'" read as another table (Himmelblau
        # p. 5)
        out.append(f"no rate evaluated for {', '.join(silent)}: theory promises none "
                   "(reasons in the table's note column)")
    return out


def grid_size_text(labels: Any) -> str:
    """The size of a grid of starts from its array of labels: ``61 × 61``, ``61-point``."""
    shape = np.shape(labels)
    return f"{shape[0]}-point" if len(shape) == 1 else " × ".join(str(n) for n in shape)


def landings_text(bm: Any, names: Sequence[str] | None = None) -> str:
    """The sentence on the grid starts of basin map ``bm`` that landed exactly on a critical
    point (:func:`analysis.sweeps.exact_landings`) and were re-run from a start moved by a
    relative 10⁻⁶ of the box, whose outcome they are counted by; empty when none did.  It
    names the points they landed on and says only the causes that apply: a start that is the
    point itself, or an iterate that equals it (from a start a whole number of steps from it
    when the point is a kink of f).  Where those other starts all share the point's value of
    some grid variables (``names``: the objective's variable names; a grid line through the
    point), it says so: only the other variables had to reach the point exactly."""
    n = int(getattr(bm, "exact_landings", 0) or 0)
    if not n:
        return ""
    total = int(np.size(bm.labels))
    if n == total:
        who = "The only grid start" if n == 1 else f"All {spaced(n)} grid starts"
    else:
        who = f"{spaced(n)} of the {spaced(total)} grid starts"
    again = "it was" if n == 1 else "each was"
    starts, labels = getattr(bm, "landed_starts", None), getattr(bm, "landed_labels", None)
    where, why = "a critical point", ("an iterate equals the point in floating point, as "
                                      "when the grid's coordinates are whole multiples of "
                                      "what a step moves")
    if starts is not None and labels is not None and len(labels) == n:
        pts = np.asarray(bm.points, float)[np.asarray(labels, int)]
        on = np.all(np.asarray(starts, float) == pts, axis=1)
        idx = list(dict.fromkeys(int(i) for i in labels))
        where = _names([named_point(f"the {bm.kinds[i]}", fmt_point(bm.points[i]))
                        for i in idx])
        kinks = list(getattr(bm, "kinks", []) or [])
        kink = any(i < len(kinks) and kinks[i] for i in np.asarray(labels, int)[~on])
        moved = why + (" (a start a whole number of steps from a kink)" if kink else "")
        line = _landing_line(bm, np.asarray(starts, float)[~on], pts[~on], names)
        if line:
            moved = "an iterate equals the point in floating point: " + line
        if on.all():
            why = ("it is that point itself" if n == 1
                   else "each is the point it landed on")
        elif on.any():
            k = int(on.sum())
            why = (f"{k} of them {'is' if k == 1 else 'are'} the point itself; for the others "
                   + moved)
        else:
            why = moved
    return (f"  {who} landed exactly on {where}: {why}; {again} run again from a start "
            "moved by 10⁻⁶ of the box, and is counted by where that run ended.")


def _landing_line(bm: Any, starts: np.ndarray, pts: np.ndarray,
                  names: Sequence[str] | None) -> str:
    """The grid line (or plane) through the landing point that the grid starts ``starts``
    (landed on ``pts``, not starting on them) all lie on, in words — "all 60 start on the line
    x = 0 through it, so only y had to reach it exactly" — or "" when they share no grid
    variable's value with their point, or every one of them, or ``names`` is not given."""
    if names is None or not len(starts) or len({tuple(p) for p in pts}) != 1:
        return ""
    axes = [int(a) for a in getattr(bm, "axes", range(starts.shape[1]))]
    fixed = [a for a in axes if np.all(starts[:, a] == pts[0, a])]
    free = [a for a in axes if a not in fixed]
    if not fixed or not free:
        return ""
    eqs = _names([f"{page_name(names[a])} = {fmt_num(float(pts[0, a]), 6)}" for a in fixed])
    shape = "line" if len(free) == 1 else "plane"
    n = len(starts)
    who = "it starts" if n == 1 else ("both start" if n == 2 else f"all {n} start")
    return (f"{who} on the {shape} {eqs} through it, so only "
            f"{_names([page_name(names[a]) for a in free])} had to reach it exactly")


def run_outcome(study: Any) -> str:
    """What the run of rate study ``study`` did, as its errors' point x* depends on it — one
    rule for every method, by the run's status and errors, never "converged" for a run that
    only stopped: ``converged`` (status converged: its tolerance met at x*, a minimizer or the
    critical point it ended at), ``reached`` (its error fell to the rounding floor, or it
    reached x* exactly), ``near`` (it ended near x*, with a measured rate, by its iteration cap
    or a stall above the floor: adam with a constant step), ``cycles`` (ended on a cycle or
    band around x*, its centre: measured kind ``bounded``), ``stalled`` (its iterates converge
    to a point near an exact, isolated x*, not to it: ``Measurement.stalled``), ``stopped``
    (ended near x* with no rate measured), ``diverged``, or ``elsewhere`` (ended outside the
    convergence radius of every critical point); the last two are measured to the minimum
    nearest to x₀."""
    how = prose(getattr(study, "minimizer_how", "") or "")
    m = study.measurement
    kind = getattr(m, "kind", None)
    if how.startswith("none: "):
        what = how[len("none: "):]
        if what.startswith("the run diverged"):
            return "diverged"
        if not what.startswith("the run converged"):
            return "elsewhere"
    elif kind == "bounded":
        return "cycles"
    elif kind == "diverges":
        return "diverged"
    elif getattr(m, "stalled", None) is not None:
        return "stalled"
    elif run_converges(m) is False and getattr(m, "floor_index", None) is None:
        return "stopped"
    status = getattr(getattr(study, "result", None), "status", None)
    if status == "converged":
        return "converged"
    if kind == "finite" or getattr(m, "floor_index", None) is not None:
        return "reached"
    return "near"


#: the point the errors of a run of each outcome (:func:`run_outcome`) are measured to
ERROR_POINTS = {
    "converged": "the point the run converged to",
    "reached": "the point the run reached (its error fell to the rounding floor)",
    "near": "the point the run ended near, its error still above the rounding floor",
    "cycles": ("the critical point the run's cycle lies around, not the cycle's midpoint "
               "(the run does not converge: it cycles)"),
    "stalled": ("the exact critical point the run stalled near (its iterates converge to "
                "another point, its errors level off above the rounding floor: no rate "
                "measured)"),
    "stopped": "the critical point the run ended near, with no rate measured",
    "diverged": "the minimum nearest to x₀ (the run diverged)",
    "elsewhere": ("the minimum nearest to x₀ (the run ended " + OUTSIDE_EVERY + ")"),
}


#: what a run of each outcome (:func:`run_outcome`) did at x* when every run's errors are
#: measured to the same point: a run that converged to it and one whose error fell to the
#: rounding floor both reached it
SHARED_POINT_VERBS = {
    "converged": "reached it",
    "reached": "reached it",
    "near": "ended near it, its error still above the rounding floor",
    "stalled": "stalled near it, its errors levelling off above the rounding floor",
    "stopped": "ended near it, with no rate measured",
    "cycles": "settled on a cycle around it, its errors distances to it, not to the cycle's "
              "midpoint",
}


def _shared_minimizer(studies: Any) -> tuple[np.ndarray, str] | None:
    """The point x* and how it was obtained (``exact`` / ``numeric``) when every study in
    ``studies`` measures its errors to the same one, else None."""
    points = [getattr(st, "minimizer", None) for st in studies]
    hows = {prose(getattr(st, "minimizer_how", "") or "") for st in studies}
    if not points or any(p is None for p in points) or len(hows) != 1:
        return None
    how = hows.pop()
    first = np.asarray(points[0], float)
    if how not in ("exact", "numeric") or not all(
            np.array_equal(np.asarray(p, float), first) for p in points):
        return None
    return first, how


def error_point_text(runs: Mapping[str, Any]) -> str:
    """The sentence saying what the errors of the rate studies ``runs`` (label → study) are
    measured to, by what each run did (:func:`run_outcome`): the point a run converged to
    only for the runs that converged; when every run measures to the same point, that point
    and how it was obtained, and what each run did there (:data:`SHARED_POINT_VERBS`): "the
    exact x* = (0, 0), which every run reached"."""
    outcomes = {label: run_outcome(st) for label, st in runs.items()}
    kinds = [k for k in ERROR_POINTS if k in outcomes.values()]
    shared = _shared_minimizer(runs.values())
    if shared is not None and set(kinds) <= set(SHARED_POINT_VERBS):
        # one point for every run: name it, and say what each run did there
        head = f"Each run's error is measured to the {shared[1]} x* = {fmt_point(shared[0])}"
        verbs = {label: SHARED_POINT_VERBS[o] for label, o in outcomes.items()}
        said = list(dict.fromkeys(verbs.values()))
        if said == [SHARED_POINT_VERBS["reached"]]:
            return f"{head}, which {'every run' if len(verbs) > 1 else 'the run'} reached."
        return f"{head}: " + "; ".join(
            f"{', '.join(lab for lab, v in verbs.items() if v == verb)} {verb}"
            for verb in said) + "."
    if len(kinds) == 1:
        return f"Each run's error is measured to {ERROR_POINTS[kinds[0]]}."
    def point(k: str) -> str:
        # the cycling runs' point named, when they share one: the kink, not a cycle's midpoint
        if k != "cycles":
            return ERROR_POINTS[k]
        common = _shared_minimizer([runs[lab] for lab, o in outcomes.items() if o == k])
        return ERROR_POINTS[k] + ("" if common is None else
                                  f", the {common[1]} x* = {fmt_point(common[0])}")

    return "Each run's error is measured to x*: " + "; ".join(
        f"for {', '.join(lab for lab, o in outcomes.items() if o == k)} {point(k)}"
        for k in kinds) + "."


def rerun_end(study: Any) -> str:
    """What ended the run of rate study ``study``: ``the floating-point floor`` when its error
    fell to the rounding floor (``a failed line search at the floating-point floor`` when its
    status says a failed line search or a stalled iteration stopped it there, as the run's
    end says), else its status's cause (:data:`STOP_CAUSES`), a cap with its count of
    iterations, convergence (with no gradient tolerance) an exactly zero gradient."""
    res = study.result
    if getattr(study.measurement, "floor_index", None) is not None:
        if str(res.status) in ("line_search_failed", "stalled"):
            return f"{STOP_CAUSES[str(res.status)]} at the floating-point floor"
        return "the floating-point floor"
    if res.status == "maxiter":
        return f"the iteration limit of {iteration_count(res.nit)}"
    if res.status == "steps":
        return f"a fixed number of {plural(res.nit, 'step')}"
    if res.status == "converged":  # with no gradient tolerance: the gradient vanished
        return "an exactly zero gradient"
    return STOP_CAUSES.get(str(res.status), status_text(res.status))


def rerun_text(studies: Mapping[str, Any]) -> str:
    """The theory section's first sentence: the methods ran again with no gradient tolerance,
    and what ended each run (:func:`rerun_end`), the methods grouped by it, in order of first
    appearance — never "the floor" for a run that did not reach it; when one cause ended
    every run (of two or more), "Every method ran again … until the floating-point floor."
    with no list of all the methods after it (Himmelblau p. 5)."""
    ends: dict[str, list[str]] = {}
    for name, st in studies.items():
        ends.setdefault(rerun_end(st), []).append(name)
    if len(ends) == 1 and len(studies) > 1:
        return ("Every method ran again from x₀ with no gradient tolerance, so that the "
                f"asymptotic phase is visible, until {next(iter(ends))}.")
    said = [f"{end} ({', '.join(names)})" for end, names in ends.items()]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
    return ("Each method ran again from x₀ with no gradient tolerance, so that the asymptotic "
            f"phase is visible, until {listed}.")


#: the book the theory's notes cite by its short name, "N&W Thm 6.6"
NW_BOOK = "N&W: Nocedal & Wright, Numerical Optimization (2nd ed., Springer, 2006)"


def citation_key_text(texts: Sequence[str]) -> str:
    """The sentence that says what a short citation of ``texts`` stands for, before the
    table whose cells and notes use it ("N&W Thm 6.6", "N&W Eq. 5.36": :data:`NW_BOOK`,
    whose theorems, equations and sections they name); "" when none is used."""
    if not any("N&W" in t for t in texts):
        return ""
    return f"  {NW_BOOK}, whose theorems, equations and sections the notes name."


def _theory(b: Builder, A: Analysis) -> None:
    """The theory-vs-measurement table of the rate studies."""
    d = b.doc
    d.heading(THEORY_SECTION)
    studies = [r for r in A.runs if r.study is not None]
    if not studies:
        d.paragraph("No rate study is available; see “What failed”.", style="italic")
        return
    full_in = failed_heading(b, A)
    rows = [theory_row(b, r.label, r.study, r.shown, full_in, A.cps) for r in studies]
    where = reference_text(studies)  # a note of the table: printed with its other notes
    notes = [theory_legend([r.study for r in studies]),
             *theory_notes([r.study for r in studies]),
             *(["Where the theory was evaluated: " + "; ".join(where) + "."] if where else [])]
    d.paragraph(rerun_text({r.shown: r.study for r in studies}) + "  "
                + error_point_text({r.shown: r.study for r in studies})
                + citation_key_text([str(v) for row in rows for v in row] + notes))
    d.table(THEORY_COLUMNS, rows, title=THEORY_TABLE, notes=notes)
    b.data["rates"] = {r.label: r.study.to_json() for r in studies}
    promised = [r for r in studies if r.study.prediction.kind != "none"]
    silent = [r.shown for r in studies if r.study.prediction.kind == "none"]
    if promised:
        d.paragraph(nw_text([r.study for r in promised], [r.shown for r in promised]))
    to = error_points({r.shown: r.study for r in studies}, A.cps, titled=True)
    for r in promised:
        with b.guard(f"convergence table of {r.shown}", note=False):
            convergence_table(b, r.label, r.study, "theory vs measurement",
                              to=to.get(r.shown, ""), name=r.shown, cps=A.cps,
                              full_in=full_in)
    if silent:
        d.paragraph(no_ratio_table_text(silent), size=SMALL, style="italic")


def band_text(b: Builder, label: str, name: str, study: Any) -> str:
    """The sentence after the per-step table of a run whose superlinear window ends where a
    jump landed in the floor band (``measurement.band_from``, rule C of
    :mod:`analysis.empirical`), or where a restarted method's error came into it: where, and
    the ratios of the steps after it that the window leaves out; "" for any other run."""
    from analysis import empirical as E
    from analysis import plots

    m = study.measurement
    i, win = getattr(m, "band_from", None), printed_window(m)
    if i is None or win is None:
        return ""
    e = plots.study_errors(study)
    j, end = win[0], (len(e) - 1 if m.floor_index is None else int(m.floor_index) - 1)
    r = e[i + 1:end + 1] / e[i:end]
    section = "theory vs measurement"
    landed = cell(b, section, label, f"e_{i}", float(e[i]), "measured", 3)
    lo = cell(b, section, label, "band ratios min", float(r.min()), "measured", 2)
    hi = cell(b, section, label, "band ratios max", float(r.max()), "measured", 2)
    where = (f"where the jump landed, e_{i} = {landed}, within {E.FLOOR_BAND_TEXT} times the "
             "rounding floor" if m.ratio_step is None else
             f"where the error came within {E.FLOOR_BAND_TEXT} times the rounding floor, e_{i} = "
             f"{landed}")
    return (f"The window k = {j}–{i} of the table's title ends {where}; the error stays in "
            f"that band to k = "
            f"{end}, and those {plural(end - i, 'step')} (ratios e_(k+1)/e_k from {lo} to "
            f"{hi}) are left out of the window, as the steps at the floor are.")


#: The title of the table of predicted and measured convergence, by which text refers to it.
THEORY_TABLE = "Predicted and measured convergence"
#: Under a per-step table with both rows: one text for every run (so printed once per page),
#: a method read on its restart cycles included (how that fit reads them is the note on its
#: column of cycle ratios, :func:`cycle_step_note`, printed only under a table that has one).
#: It says how a window counts (:data:`WINDOW_SPAN`) where the windows of the titles are
#: first read: "ratios at k = … 60 of 0–60 (fit window k = 0–61)" is no off-by-one; as an
#: aside (:func:`~analysis.pages.note_aside`), left out on a page whose † note says it.
#: The aside comes after "the window of the table's title", which it would otherwise seem
#: to rename ("…, so its steps are k = i to j − 1, the window of the table's title",
#: chained Rosenbrock p. 8).
ESTIMATORS_NOTE = (
    "Geometric mean and robust fit are two estimators of the rate over the same fit window "
    f"i–j, the window of the table's title{note_aside(f' ({WINDOW_SPAN})')}: the geometric "
    "mean of the ratios, (e_j/e_i)^(1/(j−i)), sees only the window's two "
    f"end errors; the robust fit (the measured rate of the table ‘{THEORY_TABLE}’, which the "
    "verdict compares with the theory) uses the errors all through the window. They differ "
    "when the errors do not fall along one line (on a log scale) through the window: "
    "transient first steps, or a run that speeds up or slows down through it.")


def no_ratio_table_text(silent: Sequence[str]) -> str:
    """The sentence on the methods with no table of ratios (theory promises no rate): the
    reasons are in the table :data:`THEORY_TABLE` at the head of the section, named so (the
    per-method tables printed between them can put it pages back, not just "above")."""
    return (f"No table of ratios for {', '.join(silent)}: theory promises no rate there "
            f"(reasons in the table “{THEORY_TABLE}” at the start of this section), so "
            "there is no value to set them beside.")


FIRST_ORDER_FAMILY = names("first-order", "adaptive", "coordinate")


def coinciding(series: Mapping[str, Any], rtol: float = 1e-6, atol: float = 1e-12
               ) -> list[list[str]]:
    """:func:`analysis.plots.coinciding`: groups of series that lie on one another (the
    figures draw them so that each shows; the captions say which)."""
    from analysis.plots import coinciding as groups

    return groups(series, rtol, atol)


def settled_groups(series: Mapping[str, Any], rtol: float = 1e-6, share: float = 0.5
                   ) -> list[tuple[float, int, list[str]]]:
    """Groups of two or more series that end on the same constant value, each holding it
    (within ``rtol``) over at least ``share`` of its length: (value, first iteration at which
    all of the group hold it, labels).  Drawn, they are one horizontal line."""
    ends: dict[str, tuple[float, int]] = {}
    for k, v in series.items():
        y = np.ravel(np.asarray(v, dtype=float))
        if y.size < 2 or not np.isfinite(y[-1]):
            continue
        off = ~np.isclose(y, y[-1], rtol=rtol, atol=0.0)
        start = int(np.nonzero(off)[0][-1]) + 1 if off.any() else 0
        if y.size - start >= share * y.size and y.size - start >= 2:
            ends[k] = (float(y[-1]), start)
    groups: list[tuple[float, int, list[str]]] = []
    for k, (v, start) in ends.items():
        for i, (gv, gs, labels) in enumerate(groups):
            if math.isclose(v, gv, rel_tol=rtol):
                groups[i] = (gv, max(gs, start), [*labels, k])
                break
        else:
            groups.append((v, start, [k]))
    return [g for g in groups if len(g[2]) > 1]


def on_top_text(series: Mapping[str, Any], labels: Sequence[str], start: int = 0) -> str:
    """Which of ``labels`` (in drawing order) is drawn on top of the others from iteration
    ``start`` on: at each k the last drawn of those reaching k, so a short run drawn last is
    on top only to its end: ``cg drawn on top`` or ``cg drawn on top to k = 2, then
    lbfgs``."""
    end = {k: len(np.ravel(np.asarray(series[k]))) - 1 for k in labels}
    segs: list[tuple[str, int]] = []
    k = start
    while k <= max(end.values()):
        top = next(x for x in reversed(labels) if end[x] >= k)
        segs.append((top, end[top]))
        k = end[top] + 1
    if len(segs) <= 1:
        return f"{labels[-1] if not segs else segs[0][0]} drawn on top"
    return ", ".join([f"{segs[0][0]} drawn on top to k = {segs[0][1]}",
                      *(f"{x} to k = {e}" for x, e in segs[1:-1]), f"then {segs[-1][0]}"])


def coinciding_text(series: Mapping[str, Any], what: str) -> str:
    """A caption sentence naming the series of :func:`settled_groups` and of
    :func:`coinciding` (empty when none): which ones lie on one another, on a constant value
    when they do, and which is drawn on top."""
    out, told = [], set()
    for v, start, g in settled_groups(series):
        out.append(f"The {what} of {_names(g)} settle on the same value {fmt_num(v, 3)} "
                   f"(from iteration {start} on, at the latest): one horizontal line there, "
                   f"{on_top_text(series, g, start)}.")
        told.update(g)
    for g in coinciding(series):
        if set(g) <= told:
            continue
        vals = np.concatenate([np.ravel(np.asarray(series[k], float)) for k in g])
        vals = vals[np.isfinite(vals)]
        same = (f" (all at {fmt_num(float(vals[0]), 3)})" if vals.size and np.allclose(
            vals, vals[0], rtol=1e-6, atol=1e-12) else "")
        lens = {len(series[k]) for k in g}
        where = "identical" if len(lens) == 1 else "identical over their shared iterations"
        out.append(f"The {what} of {_names(g)} are {where}{same}: they lie on one another, "
                   f"{on_top_text(series, g)}.")
    return ("  " + "  ".join(out)) if out else ""


def panels_coinciding_text(series: Mapping[str, Any], groups: Sequence[Sequence[str]],
                           what: str) -> str:
    """:func:`coinciding_text` per panel of a figure split into side-by-side panels
    (``groups``, left to right), each sentence naming its panel; the whole figure's text
    when there is one panel."""
    if len(groups) <= 1:
        return coinciding_text(series, what)
    where = ["left", *(["middle"] if len(groups) == 3 else []), "right"]
    if len(groups) > 3:
        where = [f"panel {i + 1}" for i in range(len(groups))]
    out = ""
    for name, g in zip(where, groups, strict=True):
        t = coinciding_text({k: series[k] for k in g}, what).strip()
        if t:
            head = name.capitalize() + ("" if name.startswith("panel") else " panel")
            out += f"  {head}: {t[0].lower()}{t[1:]}"
    return out


def contour_levels_text(minima: int) -> str:
    """Why the contour levels are geometric in f − f_min, worded for the number of minima
    in the box: each of several basins, the one minimum's valley, or structure at every
    scale when there is none."""
    why = ("so that the valley of the one minimum shows at every scale" if minima == 1 else
           f"so that each of the {minima} basins shows" if minima > 1 else
           "so that the structure at every scale shows")
    return f"levels geometric in f − f_min, f_min the lowest f on the plotted grid, {why}"


def box_exit_text(paths: Iterable[np.ndarray], box: np.ndarray) -> str:
    """The trajectory caption's clause on paths that leave the box
    (:func:`analysis.plots.box_exits`, the figure's own rule), naming only what some path
    does; empty when every path stays inside."""
    from analysis.plots import box_exits

    ways = {box_exits(p, box) for p in paths}
    said = (["a path that leaves the box is cut at its edge"] if "cut" in ways else []) + (
        [("one that leaves it" if "cut" in ways else "a path that leaves the box")
         + " for good is drawn up to where it leaves (the legend gives that k)"]
        if "gone" in ways else [])
    return "; " + ", and ".join(said) if said else ""


def _paths_draw(A: Analysis, runs: list[MethodRun]) -> tuple[Callable[[Any], Any], float, str]:
    """Trajectory figure: curve panels (n = 1), contours (n = 2), f − f* (n ≥ 3)."""
    from analysis import plots

    obj = A.obj
    cps = list(A.cps) if A.cps is not None else []
    if obj.n == 1:
        shown = runs[:6]
        rows = (len(shown) + 1) // 2

        def draw(fig: Any) -> None:
            subs = np.atleast_1d(fig.subfigures(rows, 2)).ravel()
            for sub, r in zip(subs, shown, strict=False):
                path = r.result.path[:, 0]
                plots.plot_curve_1d(obj, {r.shown: path}, xlim=tuple(A.box[0]),
                                    title=f"{r.shown}: {_hyper_text(r.method, r.result.hyper)}",
                                    arrows=15, numbered=6, legend="ends", zoom=False,
                                    fig=sub)

        cap = ("Iterates of each method on the curve ("
               + (f"the first {len(shown)} of {len(runs)} methods" if len(runs) > len(shown)
                  else f"all {plural(len(shown), 'method')}") + "): circle = start, "
               "square = last iterate, numbers = iteration index.")
        return draw, 165.0 * rows, cap
    if obj.n == 2:
        paths = {r.shown: r.result.path for r in runs}
        zoom = plots.needs_zoom(paths.values(), A.box)
        hidden = plots.paths_overlap(paths, A.box, zoom)

        def draw(fig: Any) -> None:
            plots.plot_contour(obj, A.box, paths, cps, xlabel=obj.names[0],
                               ylabel=obj.names[1], zoom=zoom, split=bool(hidden), fig=fig)

        minima = sum(1 for cp in (cps or []) if cp.kind == "minimum")
        cap = ("Trajectories of all methods from the same start over the contours of f "
               f"({contour_levels_text(minima)}), with the critical "
               "points by kind" + box_exit_text(paths.values(), A.box) + ".")
        if hidden:
            view = plots.contour_view(paths, A.box, zoom)
            zoomed = not np.array_equal(view, np.asarray(A.box, dtype=float).reshape(2, 2))
            same = "".join(f"  The paths of {_names(g)} are identical."
                           for g in coinciding(paths))
            cap += (f"  In one panel the paths of {_names(hidden)} would lie under those "
                    "drawn after them: one panel per method (panel title: method and "
                    "iterations), on the same axes with equal scales"
                    + (", zoomed on the rectangle around the iterates (they occupy a small "
                       "part of the box); the panel at the top left shows the whole box with every "
                       "path and that rectangle dashed" if zoomed else "") + "." + same)
            return draw, plots.paths_grid_height(len(paths), view,
                                                 A.box if zoomed else None), cap
        cap += coinciding_text(paths, "paths")
        if zoom:
            cap += ("  The iterates occupy a small part of the box: the right panel zooms on "
                    "them (dashed rectangle on the left), with equal axes.")
        return draw, 380.0 if zoom else 420.0, cap
    fstar = A.minimum.value if A.minimum is not None else None

    def draw(fig: Any) -> None:
        series = {r.shown: r.result.fun_path - (fstar if fstar is not None else 0.0)
                  for r in runs}
        plots.plot_iterates(series, ylabel="f(xₖ) − f*" if fstar is not None else "|f(xₖ)|",
                            logy=True, title="Objective gap against iteration", split=True,
                            fig=fig)

    values = {r.shown: r.result.fun_path for r in runs}
    split = plots.grad_norm_groups(values)
    return draw, 300.0, ("Objective gap f(xₖ) − f* of the comparison runs against iteration "
                         "(log scale, all values shown; a gap of exactly 0 cannot be drawn "
                         "on a log axis and is left out)."
                         + ("  Runs of very different lengths are in separate panels, the "
                            "shortest left, each with its own iteration axis (shared y axis)."
                            if len(split) > 1 else "")
                         + "  No trajectory plot for n ≥ 3."
                         + panels_coinciding_text(values, split, "objective values")
                         + level_off_text(A, runs))


def level_off_text(A: Analysis, runs: Sequence[Any]) -> str:
    """``  The gaps of BFGS and L-BFGS level off at 3.931: they ended at P1, a minimum with
    f = 3.931 above f* = 0.`` for the runs that ended at a critical point above the lowest
    minimum (:func:`_converged_where`), whose gap cannot fall to 0."""
    ends: dict[int, list[str]] = {}
    for r in runs:
        if _converged_where(A, r.result.x):
            ends.setdefault(_near_index(A, r.result.x), []).append(r.shown)
    fstar = A.minimum.value if A.minimum is not None else 0.0
    return "".join(
        f"  The {'gaps' if len(labs) > 1 else 'gap'} of {_names(labs)} level"
        f"{'' if len(labs) > 1 else 's'} off at {fmt_num(A.cps[i].value - fstar)}: "
        f"{'they' if len(labs) > 1 else 'it'} ended at P{i + 1}, a "
        f"{KIND_NOUN.get(A.cps[i].kind, A.cps[i].kind)} with f = {fmt_num(A.cps[i].value)} "
        f"above f* = {fmt_num(fstar)}." for i, labs in sorted(ends.items()))


def other_stops_text(runs: Sequence[MethodRun]) -> str:
    """After "stopped with the optimizers' default rules: ‖∇f‖∞ ≤ …, or the iteration limit
    (…)": the runs that stopped on neither, grouped by status (:data:`STOP_WORDS`),
    ``; Newton, BFGS, L-BFGS and CG stopped instead at a failed line search`` (the kink
    report's p. 4 named only the two rules while four of its eight runs stopped on a failed
    line search); "" when every run stopped on one of the two."""
    by: dict[str, list[str]] = {}
    for r in runs:
        status = str(r.result.status)
        if status not in ("converged", "maxiter"):
            by.setdefault(STOP_WORDS.get(status, f"with status ‘{status_text(status)}’"),
                          []).append(r.shown)
    return "".join(f"; {_names(v)} stopped instead {k}" for k, v in by.items())


#: how :func:`other_stops_text` says a run stopped on a rule other than the two defaults
STOP_WORDS = {"line_search_failed": "at a failed line search", "diverged": "on divergence",
              "stalled": "on a stall", "steps": "after their fixed number of steps"}


def limit_text(runs: Sequence[MethodRun]) -> str:
    """Each run's iteration limit, read from its hyperparameters or its method's registered
    default, grouped: ``1 000 for GD, momentum and Adam; 200 for Newton and BFGS`` (thousands
    apart, :func:`~landscape.numfmt.spaced`, as everywhere a count of iterations is printed)."""
    by: dict[int, list[str]] = {}
    for r in runs:
        limit = r.hyper.get("maxiter") or registry.METHODS[r.method].maxiter
        by.setdefault(int(limit), []).append(r.shown)
    return "; ".join(f"{spaced(k)} for {_names(v)}" for k, v in by.items())


def _names(labels: Sequence[str], conj: str = "and") -> str:
    """``GD``, ``GD and Adam``, ``GD, Adam and CG`` (``GD, Adam or CG`` with ``conj``)."""
    labels = list(labels)
    return labels[0] if len(labels) == 1 else (", ".join(labels[:-1]) + f" {conj} "
                                               + labels[-1])


def _reference(study: Any) -> np.ndarray | None:
    """The point a rate study's errors are measured to (``reference``, else ``minimizer``)."""
    from analysis.plots import study_reference

    return study_reference(study)


def point_name(x: np.ndarray, cps: Sequence[Any] | None, titled: bool = False) -> str:
    """``P3 = (1, 1)`` when ``x`` is the i-th critical point of ``cps`` (within
    1e-6·max(1, ‖x‖)), else the coordinates alone.  ``titled``: for a per-step table's title,
    ``P3 (1, 1)``, the name and its bracket apart as prose names a point ("x* = P5 (3.584,
    −1.848)"), with a space a line may break at: the sign of ``P1 = (…)`` binds the name to
    the coordinates (:func:`~analysis.pages.bound_relations`), a piece wider than a column of
    two tables side by side, which ReportLab split where the line ran out (chained
    Rosenbrock p. 8: "… of 0–68 to x* =" / "P1 = (−0.9621, …)").  A one-coordinate point
    keeps its sign, ``P1 = 0``."""
    tol = 1e-6 * max(1.0, float(np.linalg.norm(x)))
    for i, cp in enumerate(cps or (), start=1):
        pt = np.asarray(getattr(cp, "point", np.nan), float).ravel()
        if pt.shape == x.shape and float(np.linalg.norm(pt - x)) <= tol:
            text = fmt_point(x)
            return f"P{i}{' ' if titled and text.startswith('(') else ' = '}{text}"
    return fmt_point(x)


def error_points(studies: Mapping[str, Any], cps: Sequence[Any] | None = None,
                 titled: bool = False) -> dict[str, str]:
    """label → the named point its errors ‖xₖ − x*‖ are measured to (:func:`_reference`,
    :func:`point_name`, as a per-step table's title names it when ``titled``), only when the
    rate studies do not all share one point (else {})."""
    refs = {k: r for k, st in studies.items() if (r := _reference(st)) is not None}
    names_ = {k: point_name(r, cps, titled) for k, r in refs.items()}
    return names_ if len(set(names_.values())) > 1 else {}


def error_points_text(studies: Mapping[str, Any], cps: Sequence[Any] | None = None) -> str:
    """The caption sentence naming, when the runs ended at different points, the point each
    run's errors are measured to (x* is the point the run ended at), else ''."""
    pts = error_points(studies, cps)
    if not pts:
        return ""
    by: dict[str, list[str]] = {}
    for k, v in pts.items():
        by.setdefault(v, []).append(k)
    return ("  The runs ended at different points: each error is measured to the point "
            "its own run ended at, x* = " + "; x* = ".join(
                f"{v} for {_names(ks)}" for v, ks in by.items()) + ".")


def window_cut_text(studies: Mapping[str, Any], rule: bool = True) -> str:
    """A caption sentence naming the rate studies whose drawn error curve stops before the
    end of their fit window: the curve is drawn until the error first falls below the
    rounding floor 10³·ε·max(1, ‖x*‖) (:func:`analysis.plots.study_floor`), while the fit may
    use the errors past it (when x* is exactly representable, :func:`float_exact`, the
    subtraction xₖ − x* is exact and the errors carry only the iterates' own rounding; the
    caption says so); empty when every window lies inside the drawn data (a run that
    terminated has no fit window).  Where each curve ends and where its window runs are in
    the figure's
    legend (:func:`analysis.plots.plot_rate_studies`), so the caption does not repeat them.
    ``rule=False`` leaves out the floor rule (a caption that states it already)."""
    from analysis import plots

    cut = []
    for label, st in studies.items():
        m = getattr(st, "measurement", None)
        win = None if getattr(m, "kind", None) == "finite" else printed_window(m)
        try:
            drawn = len(plots.above_floor(plots.study_errors(st), plots.study_floor(st))) - 1
        except ValueError:
            continue
        if win is not None and int(win[1]) > drawn:
            cut.append(label)
    if not cut:
        return ""
    one = len(cut) == 1
    refs = {fmt_point(r): r for st in (studies[k] for k in cut)
            if (r := _reference(st)) is not None}
    why = ""
    if refs and all(float_exact(r) for r in refs.values()):
        pts = " and ".join(refs)
        why = (f" (x* = {pts} {'is' if len(refs) == 1 else 'are'} exactly representable in "
               "floating point, so the subtraction xₖ − x* adds no rounding: the errors there "
               "carry only the rounding of the iterates themselves)")
    text = (f"{_names(cut)}: the fit window{'' if one else 's'} "
            f"run{'s' if one else ''} past the drawing's cut, where the measured ratios stay "
            f"regular{why}; the legend gives where each curve ends and its window.")
    if not rule:
        return "  " + text
    return (f"  Each curve is drawn down to the rounding floor {FLOOR_RULE}, below which "
            "ratios are rounding noise when x* is not exact.  " + text)


def floor_cut_text(errors: Mapping[str, Any], ends: bool = False,
                   floors: Mapping[str, float] | None = None,
                   refs: Mapping[str, Any] | None = None) -> str:
    """The caption sentence on the curves that end at the rounding floor: those of the runs
    whose error falls below :data:`FLOOR_RULE` (``floors``: label → its value,
    :func:`analysis.plots.study_floor`; :func:`analysis.plots.above_floor`) are drawn until
    it first does, whether the run stopped there or went on past it (those runs are named);
    the others end with their runs, above it; '' when no run reaches it (then the rule applies
    to no curve).  ``ends``: also where each curve cut short ends against its run's last
    iteration (a caption that gives the runs' iteration counts): ``… so they end before their
    runs' last iterations: at k = 22 of 23, 39 of 40 and 41 of 45`` (in the order of the
    names).  ``refs``: label → x*; where every run that reaches the floor has an x* exact in
    floating point the floor is said to be a common cut-off, with why
    (:func:`exact_floor_text`, as the tables' note says it), not where the ratios become
    noise."""
    from analysis import plots

    drawn = {k: plots.above_floor(e, (floors or {}).get(k)) for k, e in errors.items()}
    last = {k: len(d) - 1 for k, d in drawn.items()}
    total = {k: np.asarray(e, float).size - 1 for k, e in errors.items()}
    floor = {k: plots.default_floor() if (floors or {}).get(k) is None else floors[k]
             for k in errors}
    reached = [k for k, d in drawn.items() if len(d) and d[-1] < floor[k]]
    cut = [k for k in reached if last[k] < total[k]]
    if not reached:
        return ""
    one, one_cut = len(reached) == 1, len(cut) == 1
    exact = None if refs is None else exact_floor_text([refs.get(k) for k in reached])
    values = {fmt_floor(floor[k]) for k in reached}
    value = f" = {values.pop()}" if len(values) == 1 else ""
    rule = (f"drawn until the error first falls below the rounding floor {FLOOR_RULE}{value} "
            "(that error a filled disc), "
            # "the ratios" read as drawn ones under a figure with no ratio panel
            # (Himmelblau p. 11, Adam): they are the ratios the rate is measured on
            + ("where the ratios e_(k+1)/e_k the rate is read on become rounding noise"
               if exact is None
               else f"a common cut-off: {exact}"))
    if cut and cut != reached:
        rule += (f"; the run{'' if one_cut else 's'} of {_names(cut)} went on past it")
    elif not cut:
        rule += ("; the run stopped there" if one else "; every run stopped there")
    if ends and cut:
        whose = "" if cut == reached else "their curves " if not one_cut else "its curve "
        rule += (", so " + (whose or ("they " if not one_cut else "it "))
                 + ("end before their runs' last iterations" if not one_cut
                    else "ends before its run's last iteration")
                 + ": at k = " + _names([f"{last[k]} of {total[k]}" for k in cut]))
        if all(np.asarray(errors[k], float)[-1] == 0 for k in cut):
            rule += (", and " + ("its run's last iterate is" if one_cut else
                                 "each run's last iterate is")
                     + " x* itself (error 0, which a log axis cannot show)")
    if len(reached) == len(errors):
        return f"  {'The curve is' if one else 'Each curve is'} {rule}."
    rest = [k for k in errors if k not in reached]
    one_rest = len(rest) == 1
    return (f"  The curve{'' if one else 's'} of {_names(reached)} {'is' if one else 'are'} "
            f"{rule}.  The curve{'' if one_rest else 's'} of {_names(rest)} "
            f"end{'s' if one_rest else ''} with {'its run' if one_rest else 'their runs'}, "
            "above the floor.")


def floor_noise_text(panels: Sequence[Any], studies: Mapping[str, Any]) -> str:
    """The caption sentence on the rounding in the last ratio e_(k+1)/e_k that the ratio
    panel draws of each rate study (:func:`analysis.plots.study_last_ratio`): each error
    carries a relative rounding ε·(‖x*‖/e + 1) (:func:`analysis.empirical.error_rounding`),
    the ratio carries the sum of the two errors' roundings; named, with its value, are only
    the runs where it reaches the digits the per-step tables print (:func:`held_digits`, the
    rule that marks a tabled ratio and prints it to the digits it holds; an error far above
    the floor, or on x* = 0 where the rounding is relative at every size, gives a ratio exact
    to the printed digits); '' when none."""
    from analysis import plots
    from analysis.empirical import error_rounding

    shown = [k for p in panels for k in p.ratios]
    noisy = {}
    for label in shown:
        last = plots.study_last_ratio(studies[label])
        if last is None:
            continue
        k, a, b = last
        ref = plots.study_reference(studies[label])
        scale = 0.0 if ref is None else float(np.linalg.norm(ref))
        rel = error_rounding(a, scale) + error_rounding(b, scale)
        if held_digits(b / a, rate_digits(b / a), rel) is not None:
            noisy[label] = (k, rel)
    if not noisy:
        return ""
    one = len(noisy) == 1
    vals = _names([f"{fmt_num(rel, 2)} ({label}, k = {k})"
                   for label, (k, rel) in noisy.items()])
    return ("  Rounding reaches the printed digits (those of the per-step tables) of the "
            f"last drawn ratio{'' if one else 's'} of {_names(list(noisy))}: near x* the "
            "coordinates of the iterate, and of x* when it is not exactly representable, are "
            "rounded to about ε·‖x*‖, so an error eₖ carries a relative rounding "
            "ε·(‖x*‖/eₖ + 1) and the ratio e₍ₖ₊₁₎/eₖ carries the sum of the two errors' "
            f"roundings, here {vals}.")


def error_caption(panels: Sequence[Any], rows: tuple[int, int] | None = None,
                  name: str = "") -> str:
    """The caption of an error figure, from what it draws (:func:`analysis.plots.
    rate_studies_panels`: per row, the series with a theory line, in the ratio panel, drawn as
    envelopes, with a shaded fit window).  ``rows=(i, n)``: the figure is row i of n drawn
    as figures of their own (``panels`` holds that row); the first says that the runs (of
    the methods ``name``, :func:`families_name`: the other families have figures of their
    own, which "the next figure" does not count) are in separate figures."""
    theory = [k for p in panels for k in p.theory]
    ratios = [k for p in panels for k in p.ratios]
    yards = [k for p in panels for k in getattr(p, "yardsticks", [])]
    env = [k for p in panels for k in p.envelopes]
    wins = [k for p in panels for k in p.windows]
    every = [k for p in panels for k in p.labels]
    side = "Left: " if ratios else ""
    text = side + ("measured" if ratios else "Measured") + " error ‖xₖ − x*‖ (log scale)"
    if theory:
        text += (" and " + ("" if theory == every else f"for {_names(theory)} ")
                 + "the theoretical slope ρ^k (dashed, ending where the run's window ends, "
                 "the fit window or where its kind was read, else at its last step, and "
                 "spanning at least the last third of the steps up to there, ×10 above the "
                 "measurement where the two come closest)")
    if wins:
        text += ("; shaded: " + ("" if wins == every else f"for {_names(wins)}, ")
                 + "the window where the rate, or the order of a faster kind, was fitted")
    text += "."
    finite = {k: v for p in panels for k, v in getattr(p, "finite", {}).items()}
    if finite:
        one = len(finite) == 1
        text += (f"  {_names(list(finite))} {'reaches' if one else 'reach'} x* in finitely many "
                 f"steps (at the k in the legend): no rate is fitted and no window is "
                 f"shaded.")
    if env:
        text += (f"  {_names(env)} {'cycles' if len(env) == 1 else 'cycle'} up and down at "
                 "almost every step: drawn as the lower and upper envelope of "
                 f"{'its' if len(env) == 1 else 'their'} values (two thin lines) so that the "
                 "other series stay visible.")
    if ratios:
        cycling = [k for k in ratios if k in env]  # drawn as envelopes there too
        text += (f"  Right: the measured ratio e_(k+1)/e_k per step of {_names(ratios)}"
                 + ("" if not cycling else
                    " (drawn as the lower and upper envelope of the ratios" + (
                        ")" if cycling == ratios else f" for {_names(cycling)})"))
                 + panels_span_text(panels))
        lined = [k for k in ratios if k in theory]
        rest = [k for k in ratios if k not in theory]
        text += (f" against {lined_rho_text(lined, yards, alone=not rest)} (dashed "
                 "horizontal line" + (f"; {_names(rest)} {'has' if len(rest) == 1 else 'have'} "
                                      "no predicted rate" if rest else "") + ")."
                 if lined else "; no method here has a predicted linear rate to draw beside it.")
        text += band_caption([k for p in panels for k in getattr(p, "bands", [])])
    else:
        text += ("  No ratio panel: theory promises no rate for "
                 + ("this method." if len(every) == 1 else "these methods."))
    if len(panels) > 1:
        text += ("  Runs of very different lengths are in separate rows, each with a linear "
                 "iteration axis.")
    if rows is not None and rows[0] == 0 and rows[1] > 1:
        later = ("the long runs in the next figure" if rows[1] == 2 else
                 "the middle-length and long runs in the next two figures")
        runs = (f"The runs of the {name}, of very different lengths," if name else
                "Runs of very different lengths")
        text += (f"  {runs} are in separate figures, each with a linear iteration axis: "
                 f"the short runs here, {later}.")
    return text + multiples_text(panels)


def ratio_span_text(ratios: Sequence[str], wins: Sequence[str], ended: Sequence[str],
                    bare: Sequence[str], read: Sequence[str] = (),
                    read_windows: Mapping[str, tuple[int, int]] | None = None,
                    read_to: Mapping[str, int] | None = None) -> str:
    """The steps a ratio panel draws of each run, as its caption says them: " over the fit
    window" when some runs have one, then which runs are drawn otherwise: ``ended``, those
    that reached x* (over the steps before), ``bare``, those with no fit window (over all
    their steps above the rounding floor), ``read``, those with nothing fitted, drawn over
    the window their kind was read on (unshaded), with its k as their per-step tables' titles
    count it (``read_windows``; quadratic p. 11 said "over the window its kind was read on"
    and left the k to a table four pages back): "BFGS: over the window its kind was read on,
    k = 2–6, unshaded: …", and for a kind read on past it, below the rounding floor
    (``read_to``: the last error read), the part drawn of the window the title names,
    "k = 4–7 (the errors above the rounding floor; its kind was read on to e_18, below it)"
    (quadratic p. 11 read "k = 4–7 of 4–18 (the errors above the rounding floor)" as if
    4–18 were above it); '' when no run has a window (all are drawn over their steps above
    the floor)."""
    read = [k for k in read if k in ratios]
    read_windows, read_to = read_windows or {}, read_to or {}
    fitted = bool(wins and set(wins) & set(ratios))
    if not (fitted or read):
        return ""

    def k_of(k: str) -> str:  # "2–6", or "4–7 (…, to e_18, below it)" read below the floor
        a, b = (int(v) for v in read_windows[k])
        whose = "its" if one else f"{k}'s"
        return f"{a}–{b}" + (f" (the errors above the rounding floor; {whose} kind was read "
                             f"on to e_{int(read_to[k])}, below it)" if k in read_to else "")

    one = len(read) == 1

    read_span = ("over the window its kind was read on" if one else
                 "over the windows their kinds were read on")
    if read and all(k in read_windows for k in read):
        read_span += ", k = " + _names([k_of(k) for k in read])
    read_span += ", unshaded: nothing was fitted there"
    if not fitted and not ended and set(read) == set(ratios):
        return f" {read_span}"
    notes = [f"{_names(list(ks))}{extra}: over {'its' if len(ks) == 1 else 'their'} {steps}"
             for ks, extra, steps in ((ended, "", "steps before x* was reached"),
                                      (bare if fitted else [], ", with no fit window",
                                       "steps above the rounding floor")) if ks]
    notes += [f"{_names(read)}: {read_span}"] if read else []
    head = " over the fit window" if fitted else " over the steps above the rounding floor"
    return head + (f" ({'; '.join(notes)})" if notes else "")


def lined_rho_text(lined: Sequence[str], yards: Sequence[str], alone: bool = True) -> str:
    """What the dashed lines of a ratio panel are, for the runs ``lined`` drawn beside one:
    "the predicted ρ", or "the yardstick ρ" of runs whose ρ is a yardstick (``yards``: a
    bound proved for another case, as the legend and the tables' ʸ name it; Himmelblau
    p. 12 called CG's yardstick "the predicted ρ of CG"); each named unless ``alone`` (every
    run drawn has a line) and all are of one kind."""
    yard = [k for k in lined if k in yards]
    pred = [k for k in lined if k not in yards]
    if alone and not (yard and pred):
        return "the yardstick ρ" if yard else "the predicted ρ"
    return " and ".join(part for part in (
        f"the predicted ρ of {_names(pred)}" if pred else "",
        f"the yardstick ρ of {_names(yard)}" if yard else "") if part)


def panels_span_text(panels: Sequence[Any]) -> str:
    """:func:`ratio_span_text` of the runs an error figure's rows draw (``panels``:
    :class:`analysis.plots.ErrorPanels`, one per row)."""
    ratios = [k for p in panels for k in p.ratios]
    finite = {k for p in panels for k in getattr(p, "finite", {})}
    return ratio_span_text(ratios, [k for p in panels for k in p.windows],
                           [k for k in ratios if k in finite],
                           [k for p in panels for k in getattr(p, "unwindowed", [])],
                           [k for p in panels for k in getattr(p, "read", [])],
                           {k: w for p in panels
                            for k, w in getattr(p, "read_windows", {}).items()},
                           {k: t for p in panels for k, t in getattr(p, "read_to", {}).items()})


def two_step_text(studies: Mapping[str, Any], panels: Sequence[Any]) -> str:
    """The caption's sentence on runs of the ratio panel drawn beside a theory line whose
    measured kind was read on ratios over h ≥ 2 steps, e_(k+h)/e_k (zigzag, or a method
    restarted every h steps: ``measurement.ratio_step``): the verdict compares those,
    per step as (e_(k+h)/e_k)^(1/h), with the line, not the one-step ratios drawn; '' when
    there are none."""
    lined = [k for p in panels for k in p.ratios if k in p.theory]
    steps = {k: int(h) for k in lined
             if (h := getattr(getattr(studies.get(k), "measurement", None), "ratio_step",
                              None)) is not None and h >= 2}
    if not steps:
        return ""
    parts = [f"{k}'s dashed line with its ratios over {h} steps, e_(k+{h})/e_k, read per "
             f"step as (e_(k+{h})/e_k)^(1/{h})" for k, h in steps.items()]
    one = len(steps) == 1
    return (f"  The {'verdict compares' if one else 'verdicts compare'} {'; '.join(parts)}, "
            f"not with the ratios per step drawn, which may lie above "
            f"{'it' if one else 'them'}.")


def band_caption(labels: Sequence[str]) -> str:
    """The caption's sentence on the theory bands a ratio panel shades
    (:func:`analysis.plots.ratio_band`) for ``labels``, whose verdict tested a double
    root's band rather than ρ alone; '' when there are none."""
    if not labels:
        return ""
    one = len(labels) == 1
    return (f"  Shaded across the ratio panel for {_names(list(labels))}: the band from ρ to "
            f"theory's average factor over the fit window that {'its' if one else 'their'} "
            "verdict tested (a double root: theory's ‖e_k‖ ≈ C (k + 1) ρᵏ, whose ratios "
            "approach ρ only like ρ(1 + 1/k)), its ends in the legend.")


def band_verdict_text(studies: Mapping[str, Any], panels: Sequence[Any]) -> str:
    """The caption's sentence on how the verdict of each run whose theory band a ratio panel
    shades (:func:`band_caption`) used that band: it compares the run's measured rate, one
    number fitted over the whole window, with the band, within its tolerance, not each ratio
    drawn; with how far the rate lies from the band on the scale the rule read and the
    tolerance (as the comparison's note prints them, :func:`analysis.compare.band_digits`),
    and how many of the window's ratios lie outside the band (himmelblau, Nesterov: the rate
    above the band, 0.39% off it on −ln ρ, within 1%, 10 of its 15 ratios above it, so that
    the figure alone read as a failed test; "0.39% above the band on −ln ρ" read wrong, as
    −ln ρ of a rate above the band is below the band's); '' when no band is shaded."""
    from analysis import plots
    from analysis.compare import band_diff

    parts = []
    for k in [k for p in panels for k in getattr(p, "bands", [])]:
        st = studies.get(k)
        band = None if st is None else study_band(st)
        rate = None if st is None else getattr(st.measurement, "rate", None)
        if band is None or rate is None:
            continue
        lo, hi = min(band), max(band)
        off = band_diff(float(rate), lo, hi)
        n, shown = band_digits(float(rate), lo, hi)
        tol = getattr(st.comparison, "tolerance", None)
        where = ("lies in the band" if max(off) == 0 else
                 f"lies {'above' if rate > hi else 'below'} the band, "
                 f"{percent(max(off), shown)} off it on {scale_name(*off)}"
                 + ("" if tol is None else f", within the tolerance {percent(tol)}"))
        _, r = plots.drawn_ratios(plots.study_errors(st), plots.study_floor(st),
                                  st.measurement.window)
        r = r[np.isfinite(r)]
        out = [(c, side) for c, side in ((int(np.sum(r > hi)), "above"),
                                         (int(np.sum(r < lo)), "below")) if c]
        out = [f"{c} {('lies ' if c == 1 else 'lie ') if i == 0 else ''}{side} it"
               for i, (c, side) in enumerate(out)]
        single = ("" if not out else
                  f"; single ratios may lie outside the band: of its {r.size} ratios in the "
                  f"window, {_names(out)}")
        parts.append(f"{k}'s verdict compares the band with its measured rate "
                     f"{fmt(float(rate), n, zeros=True)}, one number fitted over the whole "
                     f"window, not with each ratio: the rate {where}{single}")
    if not parts:
        return ""
    return "  " + "; ".join(p[0].upper() + p[1:] if i == 0 else p
                            for i, p in enumerate(parts)) + "."


def uncompared_lines_text(studies: Mapping[str, Any], panels: Sequence[Any]) -> str:
    """The caption's sentence on the theory lines an error figure draws (``panels``:
    :func:`analysis.plots.rate_studies_panels` of ``studies``, label → rate study) for runs
    whose verdict is *not comparable*: the line is the theory's rate, which the run was not
    held to, and near ρ = 1 the ratio panel's ρ axis hides how far the measured rate is from
    it (the factor between the two on −ln ρ, the speed); "" when there are none."""
    drawn = [k for p in panels for k in p.theory]
    names, parts = [], []
    for k in drawn:
        st = studies.get(k)
        c = getattr(st, "comparison", None)
        if st is None or getattr(c, "verdict", None) != "not comparable":
            continue
        names.append(k)
        rho = getattr(st.prediction, "rate", None)
        rate = getattr(st.measurement, "rate", None)
        if (rho is not None and rate is not None and 0 < rho < 1 and 0 < rate < 1):
            speed = math.log(rate) / math.log(rho)
            factor = speed if speed >= 1 else 1 / speed
            parts.append(f"{k}'s dashed ρ = {fmt_rate(rho)} and measured rate "
                         f"{fmt_rate(rate)} differ by a factor {fmt_num(factor, 2)} in −ln ρ (the "
                         "speed), however close they look on the ρ axis")
        else:
            parts.append(f"{k}'s dashed line is the theory's rate only")
    if not parts:
        return ""
    one = len(names) == 1
    return (f"  {_names(names)}: not comparable with the theory (the table ‘{THEORY_TABLE}’), "
            f"so {'its' if one else 'their'} theory "
            f"{'line does' if one else 'lines do'} not test {'its' if one else 'their'} "
            f"{'run' if one else 'runs'}: {'; '.join(parts)}.")


#: On a log ratio axis, a ratio less than this many decades above a dashed bound cannot be
#: told from it (0.05 decades, a factor 1.12: about 1 px on an axis of 6 decades, 150 px)
HIDDEN_ABOVE = 0.05


def hidden_above_text(studies: Mapping[str, Any], panels: Sequence[Any]) -> str:
    """The caption's sentence on ratios drawn on a dashed theory line, within
    :data:`HIDDEN_ABOVE` decades of it, in a ratio panel drawn on a log axis
    (:func:`analysis.plots.ratio_axis_log`), where the markers seem to sit on the line: a
    run's ratios above its own dashed bound (a predicted rate that is a bound, not exact),
    which seem to meet it though they exceed it (study p. 38: CG's ratios 0.998–0.9996
    beside its bound 0.96085 on an axis of 10⁻⁵–10¹), and another run's ratios on either
    side of a line, lost on it (chained Rosenbrock p. 13: BFGS's ratios 0.97–0.99 on CG's
    line 0.96586); '' when there are none.  Each says how many of the run's drawn ratios
    it names ("10 of the 20 ratios drawn of CG": "CG's 10 ratios" read as all it had).  A
    largest factor is rounded to four decimals, what a student recomputes from the printed
    values (0.999573/0.96085 = 1.0403: rounded up, "at most a factor 1.0404" read as an
    error)."""
    from analysis import plots

    parts, lines, count, whys = [], set(), 0, []
    others: dict[str, list[tuple[str, int, int]]] = {}
    for p in panels:
        drawn = {k: plots.study_drawn_ratios(studies[k]) for k in p.ratios if k in studies}
        rates = {k: float(studies[k].prediction.rate) for k in p.theory if k in studies
                 and (getattr(studies[k].prediction, "rate", None) or 0) > 0}
        if not plots.ratio_axis_log([float(v) for _, r in drawn.values() for v in r]
                                    + list(rates.values())):
            continue
        for k, (kr, r) in drawn.items():
            for j, rho in rates.items():
                own = j == k
                if own and getattr(studies[k].prediction, "exact", True):
                    continue
                with np.errstate(all="ignore"):
                    d = np.log10(r / rho)
                near = (np.abs(d) < HIDDEN_ABOVE) & ((d > 0) if own else np.isfinite(d))
                if not near.any():
                    continue
                n = int(near.sum())
                if own:
                    parts.append(_above_own_bound(k, kr[near], r[near], r.size, rho,
                                                  studies[j].prediction))
                    whys.append(_bound_why(j, studies[j].prediction))
                else:  # how many of the run's drawn ratios, grouped by whose line it is
                    others.setdefault(j, []).append((k, n, r.size))
                lines.add(j)
                count += n
        for j, near_runs in others.items():
            parts.append(_others_near_line(j, near_runs))
        others.clear()
    if not parts:
        return ""
    why = "".join(f"; {w}" for w in dict.fromkeys(whys))
    return (f"  {'; '.join(parts)}: too little to see on the ratio panel's log scale, where "
            f"{'its marker seems' if count == 1 else 'those markers seem'} to sit on the "
            f"line{'' if len(lines) == 1 else 's'}{why}.")


def _above_own_bound(label: str, ks: np.ndarray, near: np.ndarray, drawn: int, rho: float,
                     p: Any) -> str:
    """Run ``label``'s ratios ``near`` (at steps ``ks``, of the ``drawn`` in its panel) just
    above its own dashed bound ρ (``p`` its prediction): "10 of the 20 ratios drawn of CG, at
    k = …, from 0.998 to 0.999573, lie above its dashed yardstick ρ = 0.96085 by up to a factor
    1.0403" (the largest factor to four decimals, as a student recomputes it; one ratio: to
    three significant digits)."""
    from analysis import plots

    lo, hi, n = float(near.min()), float(near.max()), int(near.size)
    far = max(hi / rho, rho / lo)
    most = f"a factor {fmt_num(far, 3) if n == 1 else f'{far:.4f}'}"
    what = "yardstick" if prediction_how(p) == "yardstick" else "bound"
    whose = (f"{label}'s only ratio drawn" if drawn == 1 else
             f"1 of the {drawn} ratios drawn of {label}" if n == 1 else
             f"all {n} ratios drawn of {label}" if n == drawn else
             f"{n} of the {drawn} ratios drawn of {label}")
    return (f"{whose}, at k = {plots.int_ranges(ks)}, "
            + (f"{fmt_rate(lo)}, lies" if n == 1 else f"from {fmt_rate(lo)} to {fmt_rate(hi)}, lie")
            + f" above its dashed {what} ρ = {fmt_rate(rho)} by " + ("" if n == 1 else "up to ")
            + most)


def _others_near_line(line: str, near: Sequence[tuple[str, int, int]]) -> str:
    """Other runs' ratios within :data:`HIDDEN_ABOVE` decades of run ``line``'s dashed line,
    ``near`` as (run, ratios near the line, ratios drawn), in one clause: "17 of the 33 ratios
    drawn of BFGS and 8 of the 24 of L-BFGS lie within a factor 1.12 of CG's dashed line,
    which says nothing of their rates" (chained Rosenbrock p. 13 gave each run its range, its
    largest factor and "the line is CG's and says nothing of BFGS's rate": a caption of 25
    lines)."""
    def count(k: str, n: int, size: int, first: bool) -> str:
        of = "ratios drawn of" if first else "of"
        return (f"{k}'s only ratio drawn" if size == 1 else
                f"all {n} {of} {k}" if n == size else f"{n} of the {size} {of} {k}")

    runs = [k for k, _, _ in near]
    one = len(near) == 1 and near[0][1] == 1
    which = _names([count(k, n, size, i == 0) for i, (k, n, size) in enumerate(near)])
    whose = f"{runs[0]}'s rate" if len(runs) == 1 else "their rates"
    return (f"{which} {'lies' if one else 'lie'} within a factor "
            f"{fmt_num(10.0 ** HIDDEN_ABOVE, 3)} of {line}'s dashed line, which says nothing "
            f"of {whose}")


def _bound_why(label: str, p: Any) -> str:
    """Why single ratios may lie above the dashed bound of run ``label`` (prediction ``p``):
    linear CG's bound, set beside a CG run as a yardstick, bounds the error in the ∇²f-norm
    over k steps (N&W Eq. 5.36), not each step's ratio in the 2-norm; another yardstick is a
    bound proved for another case; a theorem's bound is on the asymptotic rate."""
    from analysis.theory.cg import CG_BASIS

    if getattr(p, "basis", "") == CG_BASIS:
        return (f"{label}'s ρ bounds linear CG's ∇²f-norm error over k steps, not each step's "
                "ratio")
    if prediction_how(p) == "yardstick":
        return (f"{label}'s ρ is a yardstick, a bound proved for another case, which single "
                "steps may exceed")
    return "a bound is on the asymptotic rate, so single steps may exceed it"


def around_text(marks: Mapping[str, tuple[Sequence[int], Sequence[int]]],
                ks: bool = True) -> str:
    """The caption's sentence on ratio markers drawn larger and hollow around an equal one
    of a series drawn before (:func:`analysis.plots_lecture.ratio_marks` of the drawn
    figure): which series, at which k (``ks=False``: the series only, for a figure the page
    may draw at another size, where markers close in k may overlap differently); empty when
    there are none."""
    parts = [f"{name} at k = {_names([str(k) for k in around])}" if ks else name
             for name, (_, around) in marks.items() if around]
    if not parts:
        return ""
    return ("  A larger hollow marker (" + "; ".join(parts) + ") rings an equal or nearly "
            "equal ratio drawn before it at that k.")


def multiples_text(panels: Sequence[Any]) -> str:
    """The caption's sentence for error figures drawn as small multiples (a row of
    :func:`analysis.plots.rate_studies_panels` with ``multiples``), else ''."""
    if not any(getattr(p, "multiples", False) for p in panels):
        return ""
    return "  One panel per method, so that no theory line is lost among other curves."


def _error_figure(b: Builder, A: Analysis, name: str, group: Sequence[MethodRun],
                  studies: Mapping[str, Any], panels: Sequence[Any], row: int | None) -> None:
    """The error figure of the rate studies ``studies`` (label → study) of the runs
    ``group`` (the methods ``name``, :func:`families_name`; ``panels``: what it draws per
    row, :func:`analysis.plots.rate_studies_panels`) or, ``row=i`` of a figure of several
    rows, row i as a figure of its own, with the caption of what that row draws: the rows of
    one figure cannot go to different pages, and a row of short runs (errors alone) may fit
    at the foot of a page where the rows together do not.  Said once, in the first row's
    caption: that the runs are in separate figures, and the points their errors are
    measured to when the runs ended at different points (the y label of every row says
    so)."""
    from analysis import plots

    title = error_title(name, len(panels))
    st, shown, rows = dict(studies), list(panels), None
    if row is not None:
        st = {k: studies[k] for k in plots.rate_study_groups(studies)[row]}
        group = [r for r in group if r.shown in st]
        shown, rows = [panels[row]], (row, len(panels))
    marks: dict[str, tuple[list[int], list[int]]] = {}
    on_lines: list[str] = []

    def draw(fig: Any, studies: Any = studies, title: str = title, row: Any = row,
             marks: Any = marks, on_lines: Any = on_lines) -> Any:
        from analysis.plots_lecture import markers_on_lines, ratio_marks

        out = plots.plot_rate_studies(studies, title=title, row=row, fig=fig)
        marks.clear()
        marks.update(ratio_marks(fig))
        on_lines[:] = markers_on_lines(fig)
        return out

    height = (plots.error_rows_height(len(panels)) if row is None
              else plots.error_row_height(panels[row]))
    block = b.doc.figure(
        draw, height=height,
        caption=error_caption(shown, rows=rows, name=name) + continued_text(group)
                + floor_cut_text({r.shown: plots.study_errors(r.study) for r in group},
                                 floors={r.shown: plots.study_floor(r.study) for r in group},
                                 refs={r.shown: plots.study_reference(r.study)
                                       for r in group})
                + floor_noise_text(shown, st)
                + window_cut_text(st, rule=False)
                + uncompared_lines_text(st, shown)
                + two_step_text(st, shown)
                + hidden_above_text(st, shown)
                + band_verdict_text(st, shown)
                + coinciding_text({r.shown: plots.above_floor(plots.study_errors(
                    r.study), plots.study_floor(r.study)) for r in group}, "errors")
                + ("" if row else error_points_text(studies, A.cps)),
        label=f"error {name}" if row is None else f"error {name}, row {row + 1}")
    block.caption += on_line_text(on_lines) + around_text(marks, ks=False)


def on_line_text(names: Sequence[str]) -> str:
    """The caption's sentence on ratio series whose every marker lies on the series' own
    dashed theory line (:func:`analysis.plots_lecture.markers_on_lines` of the drawn
    figure, legend labels ``names``): threaded on the dashes, such a series reads as a
    dashed line.  A visual fact only: near ρ = 1 a rate far from ρ in −ln ρ still lies on
    the line (:func:`uncompared_lines_text` says how far); '' when there are none."""
    if not names:
        return ""
    one = len(names) == 1
    return (f"  The measured markers of {_names(list(names))} lie on "
            f"{'its' if one else 'their'} dashed theory line{'' if one else 's'}, within a "
            f"marker's size on this axis, so {'the series looks' if one else 'these series look'}"
            " dashed.")


def _figures(b: Builder, A: Analysis) -> None:
    """All figures of a report, each under its own guard."""
    from analysis import plots

    d = b.doc
    d.heading("Figures")
    runs = [r for r in A.runs if r.result is not None and getattr(r.result, "path", None)
            is not None]
    if runs:
        with b.guard("trajectory figure"):
            draw, height, cap = _paths_draw(A, runs)
            d.figure(draw, height=height, caption=cap, label="trajectories")
    studies = [r for r in A.runs if r.study is not None and (
        r.study.reference is not None or r.study.minimizer is not None)]
    groups = [[r for r in studies if r.method in FIRST_ORDER_FAMILY],
              [r for r in studies if r.method not in FIRST_ORDER_FAMILY]]
    for group in groups:
        if not group:
            continue
        name = families_name([r.method for r in group])
        st = {r.shown: r.study for r in group}
        panels: list[Any] = []
        with b.guard(f"error figure ({name})"):
            panels = plots.rate_studies_panels(st)
        for row in [None] if len(panels) == 1 else range(len(panels)):
            with b.guard(f"error figure ({name})"):
                _error_figure(b, A, name, group, st, panels, row)
    if runs:
        with b.guard("gradient-norm figure"):
            norms = {r.shown: r.result.grad_norm_path for r in runs}
            gtol = next((c.threshold for c in runs[0].result.criteria if c.name == "gtol"),
                        None)
            d.figure(lambda fig: plots.plot_grad_norm(norms, gtol=gtol, fig=fig), height=270.0,
                     caption="Gradient norm along the comparison runs (log scale; an "
                             "exact 0 is left out); " + plots.REFERENCE_WORDS + ": "
                             + (gtol_words([gtol]) if gtol is not None
                                else "the gradient tolerance") + ", "
                             "where the norms come within 100× of it (else the legend says "
                             "it is below the axis)."
                             + ("  Runs of very different lengths are in separate "
                                "panels, the shortest left, each with its own iteration axis."
                                if len(plots.grad_norm_groups(norms)) > 1 else "")
                             + panels_coinciding_text(norms, plots.grad_norm_groups(norms),
                                                      "gradient norms"),
                     label="gradient norm")
    if A.cps is not None and len(A.cps) == 1:
        d.paragraph(single_point_eigen_text(A.cps[0]), style="italic")
    if A.cps is not None and len(A.cps) > 1:
        with b.guard("eigenvalue figure"):
            cps = list(A.cps)[:12]
            which = (f"the first {len(cps)} of {len(A.cps)}" if len(A.cps) > len(cps) else
                     f"all {len(cps)}")
            d.figure(lambda fig: plots.plot_hessian_eigenvalues(cps, fig=fig), height=260.0,
                     caption=f"Hessian eigenvalues at the critical points ({which}): all "
                             "positive = minimum, all negative = maximum, mixed = saddle.",
                     label="eigenvalues")
    outcome = None if A.basins is None else plots.single_outcome(A.basins)
    if outcome is not None:
        bm = A.basins
        d.paragraph(f"No basin map: every start of the {spaced(int(np.size(bm.labels)))}-point "
                    f"grid over the box, with {registry.label(A.basin_method)}, {outcome}; a "
                    "map of one colour would show nothing." + landings_text(bm, A.obj.names),
                    style="italic")
        b.ledger.add("figures", "basins", "starts sharing the single outcome",
                     int(np.size(bm.labels)), "measured")
    elif A.basins is not None:
        with b.guard("basin figure"):
            bm = A.basins
            d.figure(lambda fig: plots.plot_basins(
                bm, A.obj, xlabel=A.obj.names[0],
                ylabel=A.obj.names[1] if A.obj.n > 1 else "y",
                title=f"Basins of attraction of {registry.label(A.basin_method)} "
                      f"({_hyper_text(A.basin_method, bm.hyper)})",
                names=[(cp.point, f"P{i}") for i, cp in enumerate(
                    list(A.cps) if A.cps is not None else [], start=1)],
                fig=fig),
                height=280.0 if A.obj.n == 2 else 290.0,  # a square map, its legend beside it
                caption=f"Each start of a {grid_size_text(bm.labels)} grid over the box (its "
                        "basin borders are steps of that grid) is coloured by the critical point "
                        "the method converged to (named in the legend, also when it lies "
                        "outside the box)" + basin_near_text(bm, _match_text(A))
                        + basin_greys_text(bm.labels, plots.basin_converged(bm)) + "."
                        + landings_text(bm, A.obj.names),
                label="basins")
    if A.lr_sweep is not None:
        with b.guard("learning-rate figure"):
            sw = A.lr_sweep
            d.figure(lambda fig: plots.plot_lr_sweep(
                sw, title=sweep_title(sw),
                ylabel=f"final error ‖x_{sw.steps} − x*‖₂", fig=fig),
                height=270.0 + 25.0 * _sweep_band_kinds(sw),
                caption="Learning-rate sensitivity of gradient descent: theory predicts "
                        "no convergence to x* (a blow-up, or a cycle such as a 2-cycle) above "
                        f"{sweep_basis(sw)}{_sweep_L_text(sw)}; the dashed line is the "
                        "smallest tested step whose run diverged, settled on a cycle or "
                        "band, or left x*.  " + sweep_dots(sw) + sweep_local_text(A, sw),
                label=SWEEP_FIGURE)  # full width: no half-width figure to share a row
    if A.obj.n == 1 and A.vanishing is not None:
        with b.guard("vanishing-gradient figure"):
            v = A.vanishing
            d.figure(lambda fig: plots.plot_vanishing_1d(
                A.obj, A.box[0], threshold=v.threshold, regions=v.regions,
                x0=None if A.x0 is None else float(A.x0[0]), fig=fig), height=330.0,
                caption="f(x) and |f′(x)| (log scale): shaded bands are the small-gradient regions "
                        "(darker: plateaus).", label="vanishing")


def single_point_eigen_text(cp: Any) -> str:
    """Why there is no eigenvalue figure for a single critical point: its eigenvalues are in
    the table, or (a kink of f: no Hessian there, "—" in the table) its kind comes from the
    test named in the table."""
    lam = np.asarray(cp.eigenvalues, float)
    if getattr(cp, "differentiable", True) and lam.size and np.all(np.isfinite(lam)):
        return ("No eigenvalue figure: there is a single critical point, and its Hessian "
                "eigenvalues are in the table of critical points.")
    return ("No eigenvalue figure: the single critical point is a kink of f, where f has no "
            f"Hessian (“—” in the table of critical points); its kind ({cp.kind}) is decided "
            f"without one (test “{TEST_NAMES.get(cp.test, cp.test)}” in the table).")


def _study_end(study: Any) -> str:
    """Why a rate-study run ended, the measurement and the run apart: ``floor reached`` (the
    run stopped there), ``error at the floor; the run ended at its iteration budget`` (the
    error sat at its floor while the run went on; when the budget is the automatic one,
    floor + :data:`analysis.rates.FLOOR_MARGIN`, that is said, with no per-run number, so
    that runs ended this way share one clause: a shorter run than its peers' for that
    reason), ``iteration budget used up, above the floor`` or ``stopped: line search failed,
    above the floor``."""
    res, m = study.result, study.measurement
    status = str(res.status)
    floor = getattr(m, "floor_index", None) is not None
    if getattr(m, "stalled", None) is not None:
        gap = fmt_num(m.stalled, 2)
        where = (f"{gap} from x*, still decreasing" if getattr(m, "falling", None)
                 else f"stalled {gap} from x*")
        return f"{where}, above the floor: {status_text(status)}"
    if status in ("converged", "steps"):
        return ("floor reached" + _stop_past_floor(study) if floor
                else f"{status_text(status)}, above the floor")
    if status == "maxiter":
        from analysis.rates import FLOOR_MARGIN

        if getattr(getattr(study, "budget", None), "rule", None) == "floor":
            return f"the automatic budget: {FLOOR_MARGIN} steps past the first error at the floor"
        return ("error at the floor; the run ended at its iteration budget"
                if floor else "iteration budget used up, above the floor")
    stopped = f"stopped: {status_text(status)}"
    return (f"error at the floor; the run {stopped}{_within_budget(study)}" if floor
            else f"{stopped}, above the floor")


def _within_budget(study: Any) -> str:
    """``, within its budget of 1 000 iterations`` for a rate-study run its method stopped
    (a failed line search) after exactly the iterations the automatic budget's ``floor`` rule
    gives, floor index + :data:`analysis.rates.FLOOR_MARGIN` (quadratic report p. 11: Newton's
    11 iterations, its floor at k = 1, read as "the automatic budget: 10 steps past the first
    error at the floor"); '' otherwise."""
    from analysis.rates import FLOOR_MARGIN

    b, m = getattr(study, "budget", None), study.measurement
    k = getattr(m, "floor_index", None)
    if (b is None or k is None or int(study.result.nit) != int(k) + FLOOR_MARGIN
            or int(b.maxiter) <= int(study.result.nit)):
        return ""
    return f", within its budget of {spaced(int(b.maxiter))} iterations"


def _stop_past_floor(study: Any) -> str:
    """After ``floor reached``, for a run that stopped by itself (its gradient tolerance or
    its fixed steps) at an iteration K past the first k at the floor: `` at k = 2; the run
    stopped at k = 3, on x* exactly (∇f = 0)``, why the run is K long — with the
    rate studies' gradient tolerance 0 a run stops only where its gradient is exactly 0;
    empty when it stopped at that k."""
    from analysis import plots

    res, k = study.result, study.measurement.floor_index
    K = int(res.nit)
    if k is None or K <= int(k):
        return ""
    if str(res.status) == "steps":
        why = "its fixed number of steps"
    elif np.any(np.asarray(res.jac, float)):
        why = "where its gradient met the tolerance"
    elif plots.study_reference(study) is not None and plots.study_errors(study)[-1] == 0:
        why = "on x* exactly (∇f = 0)"
    else:
        why = "where ∇f = 0 exactly"
    return f" at k = {k}; stopped at k = {K}, {why}"


def study_length_text(label: str, study: Any) -> str:
    """``gd 20000 iterations (iteration budget used up, above the floor)``: a rate-study run's
    length and why it ended — at the rounding floor, at its iteration budget (the automatic
    budget or the cap), or stopped by the optimizer."""
    return f"{label} {iteration_count(int(study.result.nit))} ({_study_end(study)})"


#: How a family of methods (:func:`optimizers.registry.families`) is written in a figure's
#: title where its key is not the word itself (any other family is named by its key).
FAMILY_WORDS = {"coordinate": "coordinate-descent", "newton": "Newton",
                "quasi-newton": "quasi-Newton", "cg": "CG"}
#: The order in which families are named (first-order before second-order, Newton before
#: the methods that approximate it); families not listed follow in the registry's order.
FAMILY_ORDER = ("first-order", "adaptive", "coordinate", "newton", "quasi-newton", "cg")


def families_name(methods: Sequence[str]) -> str:
    """The families of ``methods`` in words, only those present, in :data:`FAMILY_ORDER`:
    ``first-order methods``, ``first-order and adaptive methods``, ``Newton, quasi-Newton
    and CG methods``."""
    order = sorted(families(), key=lambda f: FAMILY_ORDER.index(f) if f in FAMILY_ORDER
                   else len(FAMILY_ORDER))  # stable: the others in the registry's order
    words = [FAMILY_WORDS.get(f, f) for f in order if set(methods) & set(names(f))]
    if not words:
        return "methods"
    head = ", ".join(words[:-1])
    return (f"{head} and {words[-1]}" if head else words[-1]) + " methods"


def error_title(name: str, rows: int) -> str:
    """The title of an error figure of the methods ``name`` (:func:`families_name`) drawn in
    ``rows`` rows: a figure of rows titles each "<title>: short runs …"
    (:func:`analysis.plots.plot_rate_studies`), where the families of the whole figure would
    be claimed for each row, so its title is ``Error`` alone."""
    return f"Error: {name}" if rows == 1 else "Error"


def continued_text(runs: Sequence[MethodRun]) -> str:
    """The error caption's sentence on the rate studies' runs of ``runs`` and their lengths
    (:func:`study_lengths_text`): continued past the comparison runs' stopping rule toward
    the rounding floor — said of the runs longer than their comparison run only (one with no
    comparison run counts as continued: it ran with no gradient tolerance)."""
    lengths = study_lengths_text([(r.shown, r.study) for r in runs])
    longer = [r.shown for r in runs if r.result is None
              or int(r.study.result.nit) > int(r.result.nit)]
    rule = "continued past the comparison runs' stopping rule toward the rounding floor"
    if len(longer) == len(runs):
        how = f", {rule}"
    elif not longer:
        same = all(int(r.study.result.nit) == int(r.result.nit) for r in runs)
        how = (", as long as the comparison runs" if same
               else ", none longer than the comparison runs")
    else:
        how = f" ({_names(longer)} {rule})"
    return f"  These are the rate studies' runs{how}: {lengths}."


def study_lengths_text(runs: Sequence[tuple[str, Any]]) -> str:
    """The lengths of several rate-study runs, grouped by why they ended:
    ``GD 608, momentum 338 iterations (floor reached); Adam 20 000 iterations (…)``."""
    groups: dict[str, list[str]] = {}
    for label, study in runs:
        groups.setdefault(_study_end(study), []).append(f"{label} {spaced(int(study.result.nit))}")
    return "; ".join(f"{', '.join(v)} iterations ({end})" for end, v in groups.items())


def sweep_basis(sw: Any) -> str:
    """The sweep's threshold formula (:attr:`analysis.sweeps.LRSweep.threshold_basis`, e.g.
    ``2/L``) with its L, the largest Hessian eigenvalue at the minimizer, named
    :data:`L_STAR` (``2/L*``): the L of the default steps (η = 1/L) may be another number."""
    return re.sub(r"\bL\b", L_STAR, sw.threshold_basis or "")


def _sweep_L_text(sw: Any) -> str:
    """Where the sweep's L* is taken: `` with L* = λ_max(∇²f(x*)) = … at the minimizer x*``
    and how far the prediction reaches — near x* only, the minimizer nearest to x₀ (a local
    prediction, from the Hessian at x*),
    or everywhere when f is quadratic (its Hessian is constant, ∇²f ≡ ∇²f(x*))."""
    if not sw.eigenvalues or "L" not in (sw.threshold_basis or ""):
        return ""
    where = "" if sw.minimizer is None else f" = {fmt_point(sw.minimizer)}"
    name = f"{L_STAR} = λ_max(∇²f(x*)) = {fmt_num(max(sw.eigenvalues))}"
    if getattr(sw, "hessian_constant", False):
        return (f" with {name}, the same at every point (f is quadratic, its Hessian "
                "constant: the prediction is exact from any start)")
    return f" with {name} at the minimizer x*{where} nearest to x₀ (a local prediction)"


def start_curvature(A: Any) -> float:
    """λ_max(∇²f(x₀)), the largest curvature at the start of the runs (NaN without a start or
    where the Hessian there is not finite)."""
    if A.x0 is None:
        return float("nan")
    H = np.asarray(A.obj.hess(A.x0), float)
    return float(np.max(np.linalg.eigvalsh(H))) if np.all(np.isfinite(H)) else float("nan")


def sweep_local_text(A: Any, sw: Any) -> str:
    """The η-sweep caption's clause on the steps that did not converge to x* although they lie
    below the predicted threshold 2/L* (L* at x*): the prediction is local, and at x₀ the
    largest curvature λ₀ gives the smaller 2/λ₀ (the Summary's verdict, :func:`_sweep_verdict`,
    rests on the same values); '' when no such step was tested."""
    thr = getattr(sw, "predicted_threshold", None)
    if thr is None or getattr(sw, "hessian_constant", False):
        return ""
    lrs = np.asarray(sw.lrs, float)
    bad = np.asarray(sw.not_convergent, bool)
    below = bad & (lrs < thr)
    if not below.any():
        return ""
    div = np.asarray(sw.diverged, bool)
    what = ("diverged steps" if not np.any(bad & ~div)
            else "steps that did not converge to x*")
    text = (f"  {int(below.sum())} of the {int(bad.sum())} {what} lie below the predicted "
            f"threshold {fmt_num(thr)}: the prediction is local, from the Hessian at x*")
    lam0 = start_curvature(A)
    if not lam0 > 0 or 2.0 / lam0 >= thr:
        return text + "."
    at0 = 2.0 / lam0
    under = int(np.sum(below & (lrs < at0)))
    return (text + f"; at x₀ the largest curvature is λ_max(∇²f(x₀)) = {fmt_num(lam0)}, so "
            f"2/λ_max(∇²f(x₀)) = {fmt_num(at0)} is smaller"
            + (f" ({under} of them lie below even that)" if under else
               (", and every one of them lies above it" if below.sum() > 1
                else ", and the step lies above it")) + ".")


def _sweep_bracket(sw: Any) -> str:
    """The bracket the η sweep ``sw`` gives on the threshold, ``(0.01755, 0.02107]``
    (:attr:`analysis.sweeps.LRSweep.bracket`; an open end is 0 or ∞), "" when it has none."""
    lo, hi = getattr(sw, "bracket", None) or (None, None)
    if lo is None and hi is None:
        return ""
    return (f"({'0' if lo is None else fmt_num(lo)}, "
            + ("∞)" if hi is None else f"{fmt_num(hi)}]"))


def _outside_prediction(A: Any, sw: Any) -> float | None:
    """λ₀ = λ_max(∇²f(x₀)) when the smallest failing step of the η sweep ``sw`` lies below
    the local prediction 2/L* but not below 2/λ₀: the run met larger curvature than at x*,
    so the prediction does not cover its start; else None."""
    obs, thr = sw.observed_threshold, sw.predicted_threshold
    if obs is None or thr is None or not obs < thr or A.x0 is None:
        return None
    lam0 = start_curvature(A)
    return lam0 if lam0 > 0 and 2.0 / lam0 <= obs else None


def _sweep_verdict(A: Any, sw: Any) -> str:
    """``consistent`` when the observed threshold brackets the prediction; when it falls
    below it but not below ``2/λ_max(∇²f(x₀))``, the run met larger curvature than at x*
    (``λ₀ > L``): the local prediction does not cover the start; else inconsistent.  A
    clause, without brackets (:func:`aside` sets it); ``consistent`` gives the bracket
    (:attr:`analysis.sweeps.LRSweep.bracket`) that contains the prediction."""
    if sw.brackets_prediction():
        span = _sweep_bracket(sw)
        if not span:
            return "consistent"
        return (f"consistent: the bracket {span} the tested steps give on the threshold "
                f"contains {sweep_basis(sw)} = {fmt_num(sw.predicted_threshold)}")
    obs, thr = sw.observed_threshold, sw.predicted_threshold
    if (lam0 := _outside_prediction(A, sw)) is not None:
        return (f"below the local prediction, not below 2/λ_max(∇²f(x₀)) = "
                f"{fmt_num(2.0 / lam0)}: at x₀ the largest curvature is "
                f"{fmt_num(lam0)}, so the run starts outside the region the prediction at "
                "x* covers")
    if obs is not None and thr is not None and obs < thr and A.x0 is not None:
        lam0 = start_curvature(A)
        if lam0 > 0:
            return (f"inconsistent with the prediction; 2/λ_max(∇²f(x₀)) = "
                    f"{fmt_num(2.0 / lam0)} at the start")
    return "inconsistent with the prediction"


def unstable_steps_text(sw: Any) -> list[str]:
    """What the runs with a step above the predicted threshold did, beside theory's
    statement (none of them can converge to x*): how many diverged (✕), kept moving on a
    cycle or band around x* (filled squares) or moved in a band not around x* (open squares;
    :func:`analysis.sweeps.band_around`, whose rule :data:`analysis.sweeps.BAND_RULE` is
    said when a run kept moving) or left x* and stopped at another point
    (diamonds)."""
    from analysis.sweeps import BAND_RULE

    thr = getattr(sw, "predicted_threshold", None)
    if thr is None:
        return []
    above = np.asarray(sw.lrs, float) > thr
    if not above.any():
        return []
    div = np.asarray(sw.diverged, bool) & above
    away, bnd = (np.zeros_like(div) if getattr(sw, k, None) is None
                 else np.asarray(getattr(sw, k), bool) & above for k in ("elsewhere", "bounded"))
    rest = int(above.sum() - div.sum() - away.sum() - bnd.sum())
    far = bnd & (np.zeros_like(div) if getattr(sw, "band_away", None) is None
                 else np.asarray(sw.band_away, bool))
    did = [f"{n} {what}" for n, what in ((int(div.sum()), "diverged (✕)"),
                                         (int((bnd & ~far).sum()), "kept moving on a cycle "
                                                                   "or band around x* "
                                                                   "(filled squares)"),
                                         (int(far.sum()), "moved in a band not around x* "
                                                          "(open squares)"),
                                         (int(away.sum()), "left x* and stopped at another "
                                                           "point (diamonds)"),
                                         (rest, "converged all the same")) if n]
    rule = f"; {BAND_RULE}" if bnd.any() else ""
    return [f"above the predicted threshold {fmt_num(thr)} theory says no run converges to "
            f"x*; of the {plural(int(above.sum()), 'step')} tested there, " + ", ".join(did)
            + rule]


def _sweep_band_kinds(sw: Any) -> int:
    """1 when the η sweep has bounded runs both around x* and not around it (two legend
    entries, filled and open squares, where there was one), else 0."""
    bnd = np.zeros(0, bool) if getattr(sw, "bounded", None) is None else np.asarray(
        sw.bounded, bool)
    far = np.zeros_like(bnd) if getattr(sw, "band_away", None) is None else np.asarray(
        sw.band_away, bool)
    return int(bool(np.any(bnd & far)) and bool(np.any(bnd & ~far)))


def sweep_dots(sw: Any) -> str:
    """What the dots of the η-sweep figure are, for the kinds of dot it draws: filled =
    final error ≤ :func:`analysis.plots.sweep_tolerance` (converged; written as the legend
    writes it, :func:`analysis.plots.tolerance_text`), open = above it after
    the sweep's steps without diverging or cycling; the threshold's rule is said at its first
    mention."""
    from analysis import plots

    tol = plots.sweep_tolerance(sw)
    err = np.asarray(sw.final_error, float)
    other = ~np.asarray(sw.not_convergent, bool) & np.isfinite(err) & (err > 0)
    parts = []
    rule = f" ({power_text(plots.SWEEP_TOL)}·max(1, ‖x*‖))"
    shown = plots.tolerance_text(tol, page=True)  # as the figure's legend writes it
    if np.any(other & (err <= tol)):
        parts.append(f"filled dots: final error ≤ {shown}{rule}, converged")
        rule = ""
    if np.any(other & (err > tol)):
        parts.append(f"open dots: final error above {shown}{rule} after {sw.steps} "
                     "steps, not yet converged")
    parts += unstable_steps_text(sw)
    return (parts[0][0].upper() + "; ".join(parts)[1:] + ".") if parts else ""


def _share(b: Builder, section: str, item: str, quantity: str, value: float, n: int) -> str:
    """A fraction of n starts as ``93/100``, recorded in the ledger."""
    b.ledger.add(section, item, quantity, value, "measured")
    return mark(f"{round(value * n)}/{n}", "measured")


def _span(b: Builder, section: str, item: str, quantity: str, lo: float, hi: float,
          scale: float, digits: int, kind: str = "iqr") -> str:
    """``q25 – q75`` of a quantity (scaled), each recorded, with the ``digits`` of the median
    beside it (a quartile equal to the median reads the same), trailing zeros kept as the
    median's (``37.8 – 77.0``, not ``77``: :func:`~landscape.numfmt.fmt`); ``—`` when
    there is none.  ``kind`` "range" (:func:`analysis.starts.table_spread`: too few values
    for quartiles): the lowest and highest value themselves, parted by a comma
    (``48.5, 57.7``), one value once."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "—"
    if kind == "range":
        low = cell(b, section, item, f"lowest {quantity}", lo * scale, "measured", digits)
        if hi == lo:
            return low
        return low + ", " + cell(b, section, item, f"highest {quantity}", hi * scale,
                                 "measured", digits)
    return (cell(b, section, item, f"q25 {quantity}", lo * scale, "measured", digits) + " – "
            + cell(b, section, item, f"q75 {quantity}", hi * scale, "measured", digits))


#: significant digits of the many-starts cost and kernel-time columns (median and IQR alike)
COST_DIGITS = KERNEL_DIGITS = 3


#: why a many-starts run stopped, by status (:data:`STATUS_WORDS`), as a noun phrase of the
#: page; the gradient tolerance gets its value (:func:`ended_by`)
STOP_CAUSES = {"converged": "the gradient tolerance", "maxiter": "the iteration limit",
               "line_search_failed": "a failed line search", "stalled": "a stalled iteration",
               "steps": "its fixed number of steps", "diverged": "divergence"}


def _gtol_value(runs: Mapping[str, Any]) -> str:
    """The gradient tolerance of many-starts runs, each value once (``1e-06``, or
    ``1e-06 or 1e-08`` when they differ); "" when none is known."""
    values = dict.fromkeys(power_text(float(r.gtol)) for r in runs.values()
                           if getattr(r, "gtol", None) is not None)
    return " or ".join(values)


def ended_by(runs: Mapping[str, Any], reached: bool = False) -> list[str]:
    """What stopped the starts of many-starts ``runs`` (only those at the target with
    ``reached``), each cause once in the order of :data:`STOP_CAUSES`: ``the gradient
    tolerance ‖∇f‖∞ ≤ 1e-06``, ``a failed line search``, ``the iteration limit``, …"""
    seen: set[str] = set()
    for r in runs.values():
        st = np.asarray(r.status).astype(str)
        if reached and r.reached is not None:
            st = st[np.asarray(r.reached, bool)]
        seen.update(st.tolist())
    out = []
    for status, noun in STOP_CAUSES.items():
        if status in seen:
            if status == "converged" and _gtol_value(runs):
                noun += f" ‖∇f‖∞ ≤ {_gtol_value(runs)}"
            out.append(noun)
    return out + sorted(status_text(s) for s in seen - set(STOP_CAUSES))


def stop_rule_text(runs: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """The many-starts stopping rule, with the causes the runs met beyond the gradient
    tolerance and the iteration limit and how many starts of which method each stopped:
    ``A run stops at ‖∇f‖∞ ≤ 1e-06 (the gradient tolerance), at its iteration limit or when
    its line search fails (BFGS: 95 of 100, CG: 100 of 100)``."""
    tol = _gtol_value(runs)
    parts = [f"at ‖∇f‖∞ ≤ {tol} (the gradient tolerance)" if tol
             else "at the gradient tolerance", "at its iteration limit"]
    verbs = {"line_search_failed": "when its line search fails",
             "stalled": "when an iteration leaves x unchanged", "diverged": "when it diverges"}
    shown = names or {}
    for status, verb in verbs.items():
        who = [f"{shown.get(lab, lab)}: "
               f"{int(np.sum(np.asarray(r.status).astype(str) == status))} of {r.n}"
               for lab, r in runs.items()
               if np.any(np.asarray(r.status).astype(str) == status)]
        if who:
            parts.append(f"{verb} ({', '.join(who)})")
    return "A run stops " + _names(parts, "or")


def _ecdf_figure(d: Document, study: Any, ecdf: dict[str, Any], label: str) -> None:
    from analysis import plots

    N = int(study.X0.shape[0])
    target = study.target
    none = [lab for lab, c in ecdf.items() if not np.any(np.isfinite(np.asarray(c, float)))]
    d.figure(lambda fig: plots.plot_ecdf(
        ecdf, xlabel="weighted evaluations of the whole run (units of one f evaluation, "
                     "log scale)", ylabel="fraction of starts at the target",
        solved="at target",
        # the target's rule, then its value, as the lead-in gives them (study p. 37: "f ≤ 10⁻⁶
        # (f* + 10⁻⁶·max(1, |f*|))" read as 10⁻⁶ times the bracket)
        title=f"Cost to reach f ≤ f* + {power_text(study.target_tol)}·max(1, |f*|) = "
              f"{power_text(target, 6)} over {N} starts",
        fig=fig), height=280.0,
        # the whole-run cost in a sentence of its own (chained Rosenbrock p. 10: "…, each
        # start's cost being …, on the gradient tolerance …: an upper bound on its cost to
        # reach it" was hard to parse)
        caption="ECDF over the starts (as on COCO): the fraction of all starts that "
                "reached the target within a given weighted cost.  A start's cost is that of "
                "its whole run, which ends on "
                f"{_names(ended_by(study.runs, reached=True), 'or')} at or after its first "
                "iterate below the target, so it is an upper bound on its cost to reach the "
                "target; a curve that ends below 1 "
                "left some starts short of the target (not converged, diverged or at a "
                "higher critical point)." + plots.ecdf_end_text(ecdf) + (
                    f"  {_names(none)} reached the target from no start (0/{N}): no curve, "
                    "no legend entry." if none else "")
                + (f"  No curve rises above {fmt_num(plots.ecdf_zoom(ecdf) / 1.15, 3)}: "
                   "the y axis is zoomed to "
                   f"{plots.ecdf_zoom_range(plots.ecdf_zoom(ecdf))}, just above it (1 is off "
                   "the axis)."
                   if plots.ecdf_zoom(ecdf) is not None else "")
                + coinciding_text({k: np.sort(np.asarray(v, float)) for k, v in ecdf.items()
                                   if k not in none}, "curves"),
        label=label)


def batch_time_text(calls: Sequence[int], N: int, threads: int) -> str:
    """How a many-starts batch time was measured (:func:`analysis.starts.timed_batch`)."""
    lo, hi = min(calls), max(calls)
    count = plural(lo, "timed call") if lo == hi else f"{lo}–{hi} timed calls"
    return (f"Batch ms: CPU time of all {N} starts run on one thread, the fastest of {count} "
            "of each method after an untimed warm-up call on the same starts "
            f"(the results are those of the warm-up call on {plural(threads, 'thread')}; "
            "compiling or loading the kernels is not in these times, nor is the wall time of a "
            "parallel call, which on busy cores waits for a descheduled thread)")


#: the significant digits of a cluster's lowest final f: enough to tell clusters apart
FINAL_F_DIGITS = 6


def final_f_digits(f: float) -> int:
    """The digits a cluster's lowest final f prints to: :data:`FINAL_F_DIGITS`, but 2 for a
    value within machine epsilon of 0 (a minimum's 0 reached to rounding: ``7.1e−30``, not
    ``7.09975e−30``, whose further digits are rounding noise)."""
    return 2 if abs(f) <= np.finfo(float).eps else FINAL_F_DIGITS


def _cost_table(d: Document, rows: list[list[str]], N: int, threads: int,
                calls: Sequence[int], target: float | None = None, t_f: str = "t_f",
                reading: str = "") -> None:
    """The cost table; its title defines the target and the starts, and its note the time
    ``t_f`` of one f evaluation (``t_f = 14.9 ns``) and ``reading`` (what its "converged"
    and its cells of few starts mean: :func:`cost_reading_text`), so that it reads alone
    wherever the pages place it."""
    goal = "the target" if target is None else f"the target f ≤ {power_text(target, 6)}"
    d.table(["method", Column("at target", "r"), Column("converged", "r"),
             Column("median cost", "r"), Column("IQR cost", "r"),
             Column("median kernel µs", "r"), Column("IQR kernel µs", "r"),
             Column(f"batch CPU ms ({N} starts)", "r")], rows,
            title=f"Cost to reach {goal} from {N} starts drawn uniformly from the box "
                  "(medians and IQR over the starts that reached it)",
            notes=[legend_text(["measured"]) + ".  Cost: weighted evaluations (units of one f "
                   f"evaluation).  Kernel µs = cost × t_f ({t_f}: one f evaluation), the time "
                   "spent in the objective's "
                   "kernels (the optimizer's own arithmetic excluded), from the unrounded cost "
                   "and t_f, so that it can differ in its last digit from the product of the "
                   "printed ones.  "
                   + batch_time_text(calls, N, threads) + ".  A start's own wall time is "
                   "not measured: the results' call runs the starts in parallel."
                   + (f"  {reading}" if reading else "")])


def cost_reading_text(runs: Mapping[str, Any], kink_minimum: bool = False) -> str:
    """What the cost table's "converged" column and its spread cells of few starts mean,
    from the many-starts ``runs``: the gradient test (:func:`_gtol_value`) and, only where
    the runs have them, a fixed number of steps, starts at the target but not converged
    (what stopped them, :data:`STOP_CAUSES`; with ``kink_minimum``, the lowest minimum on a
    kink of f, why the test can fail there) and rows of fewer than
    :data:`analysis.starts.QUARTILE_MIN` starts at the target, whose spread cells give the
    lowest and highest cost (:func:`analysis.starts.table_spread`)."""
    from analysis.starts import QUARTILE_MIN
    from analysis.sweeps import SETTLED

    tol = _gtol_value(runs)
    status = {lab: np.asarray(r.status).astype(str) for lab, r in runs.items()}
    steps = any(np.any(st == "steps") for st in status.values())
    text = ("Converged: the run met its gradient test "
            + (f"‖∇f‖∞ ≤ {tol}" if tol else "‖∇f‖∞ ≤ its tolerance")
            + (" or ran its fixed number of steps" if steps else "") + ".")
    short: set[str] = set()
    for lab, r in runs.items():
        if r.reached is not None:
            st = status[lab][np.asarray(r.reached, bool)]
            short.update(st[~np.isin(st, SETTLED)].tolist())
    if short:
        causes = [noun for st, noun in STOP_CAUSES.items() if st in short]
        causes += sorted(status_text(st) for st in short - set(STOP_CAUSES))
        text += (f"  At the target but not converged: stopped by {_names(causes, 'or')} "
                 "before meeting it"
                 + (" (the lowest minimum lies on a kink of f, where ∇f jumps, so ‖∇f‖∞ "
                    "need not become small near it)" if kink_minimum else "") + ".")
    few = sorted({int(np.sum(r.reached)) for r in runs.values() if r.reached is not None
                  and 0 < int(np.sum(r.reached)) < QUARTILE_MIN})
    if few:
        text += (f"  Fewer than {QUARTILE_MIN} starts at the target: the IQR cells give "
                 "their lowest and highest cost, parted by a comma, not quartiles"
                 + ("; one start's cost stands alone" if 1 in few else "")
                 + ("; the median of two is their mean" if 2 in few else "") + ".")
    return text


def critical_numbering(critical_points: Sequence[Any]) -> str:
    """The names of the listed critical points where no table numbers them:
    ``P1 = the minimum (1, 1)``, ``P1 = …; P2 = …`` (the order of the list given to
    :func:`analysis.starts.many_starts`)."""
    return "; ".join(f"P{i + 1} = " + named_point(f"the {cp.kind}", fmt_point(cp.point))
                     for i, cp in enumerate(critical_points))


def basin_greys_text(labels: Any, converged: Any = None) -> str:
    """The caption's clause on the grey starts of a basin map, only for those present:
    labels −2 (ended on a cycle, dark grey) and −1 (diverged or not converged, light
    grey); "" when every start converged to a critical point.  ``converged``
    (:func:`analysis.plots.basin_converged`): when some start ended near a point without
    converging (drawn paler in that point's colour), the light grey ones are those that
    diverged or ended near no critical point."""
    labels = np.asarray(labels, dtype=int)
    present = set(np.unique(labels).tolist())
    near = converged is not None and bool(np.any((labels >= 0) & ~np.asarray(converged, bool)))
    light = "diverged or ended near no critical point" if near else \
        "diverged or did not converge"
    parts = [text for v, text in ((-2, "dark grey starts ended on a cycle"),
                                  (-1, f"light grey ones {light}"))
             if v in present]
    if parts == [f"light grey ones {light}"]:
        parts = [f"light grey starts {light}"]
    return "; " + ", ".join(parts) if parts else ""


def basin_near_text(bm: Any, match: str) -> str:
    """The caption's clause on the starts of basin map ``bm`` that ended within the matching
    tolerance ``match`` (:func:`_match_text`) of a point without converging, drawn in its
    colour paler (the starts table's "not converged, near P"); "" when there are none."""
    from analysis import plots

    near = (np.asarray(bm.labels) >= 0) & ~plots.basin_converged(bm)
    if not np.any(near):
        return ""
    return (f", in a paler shade where the run ended within {match} of that point without "
            "converging (not converged, near it)")


def starts_body(b: Builder, section: str, study: Any, *, f_star_how: str,
                label: str = "many starts",
                numbering: str = "the critical-point table's numbering",
                names: Mapping[str, str] | None = None, kink_minimum: bool = False) -> None:
    """The ECDF of cost to reach the target, the cost table and the table of where the starts
    ended, for an :class:`analysis.starts.StartsStudy` (report and study alike).
    ``numbering``: what the names P1, P2, … of the end points refer to (a document without a
    critical-point table lists the points: :func:`critical_numbering`); ``names``: how the
    tables and the figure's legend print each run's key (:attr:`MethodRun.shown`; the key
    itself when missing); ``kink_minimum``: the lowest minimum, f*, lies on a kink of f
    (:func:`cost_reading_text`)."""
    from analysis import plots
    from analysis.starts import KERNEL_NAMES, outcome_order, quartiles, table_spread

    d = b.doc
    runs = study.runs
    N = int(study.X0.shape[0])
    costs = study.costs
    target = study.target
    drawn = any(np.any(r.reached) for r in runs.values())
    weights = costs.text(KERNEL_DIGITS + 1)  # t_f as the cost table's note prints it
    for name in KERNEL_NAMES.values():  # a kernel's name is one piece: "f with ∇f"
        weights = weights.replace(name, unbroken(name))
    d.paragraph(
        f"Each method ran from the same {N} starts drawn uniformly from the box "
        f"{box_product(study.box)} (seed {study.seed}) with one batch call, with the "
        "hyperparameters and stopping rules of its single run.  A start reaches the target "
        "when its final value is "
        f"f ≤ f* + {power_text(study.target_tol)}·max(1, |f*|) = {power_text(target, 6)}, "
        "where f* = "
        f"{fmt_num(study.f_star, 6)} is {f_star_how}.  The cost of a start is its "
        f"evaluations weighted by the measured cost of the compiled kernels, {weights} "
        f"(best of {costs.repeat} timed loops over "
        f"{costs.points} of the starts; every optimizer evaluates f and ∇f together).  "
        + stop_rule_text(runs, names) + ", not at the first iterate below the target, so the "
        "cost of a start that ends below it bounds the cost of first reaching it from above.  "
        + (f"A figure after the cost table is the {plots.ECDF_WORDS} of that cost over the "
           f"starts, as drawn on {plots.COCO_WORDS}; the table" if drawn else "The table")
        + f" gives the median cost and its {plots.IQR_WORDS} over the starts that reached "
        "the target.")
    for k, w in costs.weights.items():
        b.ledger.add(section, "kernel costs", f"seconds per {k} call", costs.seconds[k],
                     "measured")
        b.ledger.add(section, "kernel costs", f"weight of {k}", w, "measured")
    shown = names or {}
    ecdf = {shown.get(lab, lab): r.cost_to_target() for lab, r in runs.items()}
    if not drawn:
        d.paragraph("No start of any method reached the target, so there is no distribution "
                    "of cost to draw; the tables say where the starts ended.")
    rows = []
    for lab, r in runs.items():
        _, med, _ = quartiles(r.cost_to_target())
        kind, lo, hi = table_spread(r.cost_to_target())
        t_f = costs.seconds["f"]
        conv = float(np.mean(np.isin(r.status.astype(str), ("converged", "steps"))))
        rows.append([
            (names or {}).get(lab, lab),
            _share(b, section, lab, "fraction of starts at the target", r.success_rate, N),
            _share(b, section, lab, "fraction of starts converged", conv, N),
            cell(b, section, lab, "median weighted evaluations to target", med, "measured",
                 COST_DIGITS),
            _span(b, section, lab, "weighted evaluations", lo, hi, 1.0, COST_DIGITS, kind),
            cell(b, section, lab, "median kernel microseconds to target", med * t_f * 1e6,
                 "measured", KERNEL_DIGITS),
            _span(b, section, lab, "kernel microseconds", lo, hi, t_f * 1e6, KERNEL_DIGITS,
                  kind),
            cell(b, section, lab, "batch CPU milliseconds (one thread)", r.seconds * 1e3,
                 "measured", 3),
        ])
    # the table before the figure: under the lead-in and the figure a page has no room left
    # for the whole table, which split there; the figure shrinks to the page or floats
    # t_f to one digit more than the costs and times: their printed product then gives
    # the kernel column's last digit (the quadratic report's 291 × 14.1 ns = 4.10 µs
    # against 4.12 printed, t_f = 14.14 ns)
    _cost_table(d, rows, N, study.threads, [r.timed_calls for r in runs.values()], target,
                costs.t_f_text(KERNEL_DIGITS + 1), cost_reading_text(runs, kink_minimum))
    if drawn:
        _ecdf_figure(d, study, ecdf, label)
    counts = {lab: r.counts() for lab, r in runs.items()}
    keys: list[Any] = sorted({k for c in counts.values() for k in c if isinstance(k, int)})
    keys += [k for k in outcome_order([k for c in counts.values() for k in c])
             if isinstance(k, str)]
    rows = []
    for k in keys:
        if isinstance(k, int):
            c = study.clusters[k]
            name = c.name() or f"cluster {k + 1}"
            item = f"cluster {k + 1}"
            point = fmt_point(c.point, 5)
            fval = cell(b, section, item, "lowest final f", c.fun, "measured",
                        final_f_digits(c.fun))
        else:
            name, item, point, fval = k, k, "—", "—"
        rows.append([name, point, fval] + [
            cell(b, section, f"{lab}: {item}", "starts", counts[lab].get(k, 0), "measured")
            for lab in runs])
    # centred, the numbers: right-aligned, a value of f ended against the first count after it
    # and each count against the next one where the headers are no wider than the numbers
    # ("3.2e−30ᵐ 29ᵐ" under "lowest final f" and "GD")
    d.table(["ended at", "lowest end point", Column("lowest final f", "c")]
            + [Column((names or {}).get(lab, lab), "c") for lab in runs], rows,
            title=f"Where the {N} starts ended (counts per method)",
            notes=[legend_text(["measured"]) + f".  Converged end points within "
                   f"{study.tolerance_how or fmt_num(study.tolerance, 3)} of one another "
                   f"are one row, named after the "
                   f"critical point within that distance ({numbering}).  Not converged: "
                   "iteration limit, stalled or failed line search inside the box (‘near "
                   "P’: within that distance of a critical point); outside the box: a "
                   "finite end point beyond it."
                   + (f"  {DIVERGED_NOTE}" if any(k == "diverged" for k in keys) else "")])


#: what the row "diverged" of an end-point table counts (the engine's divergence test)
DIVERGED_NOTE = ("Diverged: the run met a non-finite x, f or ∇f, or an iterate with ‖x‖∞ > "
                 f"{power_text(DIVERGENCE_BOUND)}·(1 + ‖x₀‖∞); such a start is counted here, "
                 "not at its last finite iterate.")


def _many_starts(b: Builder, A: Analysis, seed: int = DEFAULT_SEED) -> None:
    """Every method of the report from the same uniform starts (:mod:`analysis.starts`)."""
    from analysis.starts import DEFAULT_STARTS, many_starts

    d = b.doc
    d.heading("Many starts")
    runs = [r for r in A.runs if r.result is not None]
    if not runs:
        d.paragraph("No method ran; see “What failed”.", style="italic")
        return
    study = many_starts(A.obj, {r.label: (r.method, r.hyper) for r in runs}, box=A.box,
                        starts=DEFAULT_STARTS, seed=seed,
                        critical_points=A.cps)
    exact = A.minimum is not None and bool(getattr(A.minimum, "exact", False))
    how = (f"the lowest minimum of the critical-point table ({'exact' if exact else 'numeric'})"
           if A.minimum is not None else study.f_star_how)
    kink = A.minimum is not None and not getattr(A.minimum, "differentiable", True)
    starts_body(b, "many starts", study, f_star_how=how, names={r.label: r.shown for r in runs},
                kink_minimum=kink)
    b.data["starts"] = study.to_json()


def build_report(
    obj_or_formula: Any,
    path: str | os.PathLike,
    *,
    methods: Sequence[str] | Mapping[str, Mapping[str, Any]] | str | None = None,
    box: Any = None,
    params: Mapping[str, Any] | None = None,
    dim: int | None = None,
    x0: Any = None,
    title: str | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> ReportResult:
    """Analyse an objective and write ``path`` (PDF) with ``NAME.json`` and ``NAME.csv``.

    ``obj_or_formula``: an :class:`~landscape.objective.Objective` or a formula string (parsed
    safely with ``params`` and ``dim``).  ``methods``: names (``"gd,adam"`` or a list), or a
    mapping name → hyperparameters; default :data:`DEFAULT_METHODS` with hyperparameters from
    the Hessian at the minimizer (:func:`default_hyper`).  ``box``: analysis box (default
    ``-5:5`` per variable).  ``x0``: start of every run (default :func:`default_start`,
    seeded by ``seed``).  ``title``: title of the first page (one line of at most
    :data:`TITLE_LIMIT` characters).  ``progress``: optional callback told each section as
    it starts (:mod:`landscape.progress`).

    Bad input (unparsable formula, unknown method, wrong box or x0 size) raises
    :class:`~landscape.errors.InputError` before anything is written.  A formula that breaks
    an analysis still produces a report whose “What failed” section says what failed.
    The three files are replaced atomically (see :func:`write_atomically`).
    """
    from landscape.errors import InputError

    obj = _objective(obj_or_formula, params, dim)
    B = obj.box(box)
    todo = _method_list(methods)
    if x0 is not None:
        x = np.asarray(x0, dtype=float).ravel()
        if x.size != obj.n or not np.all(np.isfinite(x)):
            raise InputError(f"x0 must be {obj.n} finite numbers")
    check_title(title)
    b = Builder(title or "Landscape report", footer=f"landscape report · {obj.text}",
                progress=progress)
    A = _analyse(b, obj, B, todo, x0, seed)
    b.data.update({"formula": obj.text, "variables": list(obj.names),
                   "parameters": {k: str(v) for k, v in obj.parameters.items()},
                   "box": B, "x0": A.x0, "x0_how": A.x0_how,
                   "methods": {r.label: {"method": r.method, "hyper": r.hyper, "why": r.why}
                               for r in A.runs}})
    if A.minimum is not None:
        b.data["minimizer"] = A.minimum.to_json()
    if A.lr_sweep is not None:
        b.data["lr_sweep"] = A.lr_sweep.to_json()
    if A.basins is not None:
        b.data["basins"] = A.basins.to_json()
    for name, fn in (("symbolic results", _symbolic), ("optimizer comparison", _optimizers),
                     ("theory against measurement", _theory),
                     ("many starts", partial(_many_starts, seed=seed)), ("figures", _figures)):
        with b.guard(name):
            fn(b, A)
    body = b.doc.take()
    with b.guard("summary"):
        _summary(b, A)
    b.findings = _what_failed(b, A)
    middle = b.doc.take()
    with b.guard("title page", note=False):  # lists the markers the pages after it use
        texts = block_texts([*middle, *body])
        _front_matter(b, A, title, params, hows=used_hows(texts), abbreviations=se_lines(texts))
    b.doc.extend(middle)
    b.doc.extend(body)
    b.sections = [h.text for h in b.doc.headings if h.level == 1]
    return b.write(path)
