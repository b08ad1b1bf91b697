"""analysis.report / analysis.study: files written atomically, text searchable, failures said."""

import csv
import dataclasses
import json
import math
import os
import re
import shutil

import numpy as np
import pytest
from level_sets import gradient_level_points

from analysis import report
from analysis.pages import NBSP
from landscape.numfmt import fmt, rate_digits, spaced

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def pdf_text(path) -> str:
    """The text of a PDF as a reader extracts it (pypdf: no system tools needed), pages joined
    by newlines."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def squash(text: str) -> str:
    """The text with runs of white space as one space and the minus signs (U+2212) of the
    page's numbers read as the ASCII "-" of the formatted values it is compared with."""
    return re.sub("\u2212(?=\\.?\\d)", "-", " ".join(text.split()))


@pytest.fixture(scope="module")
def small_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("rep") / "quad.pdf"
    result = report.build_report("x**2 + 2*y**2", path, methods=["gd", "newton"])
    return path, result


def test_writes_pdf_json_csv_with_searchable_tables(small_report):
    path, result = small_report
    assert result.pdf == path and path.exists()
    assert result.json.exists() and result.csv.exists()
    assert result.ok and result.pages >= 3
    text = squash(pdf_text(path))
    for header in ("Runs from the same start", "Predicted and measured convergence",
                   "Critical points and their Hessians", "Convexity on the box",
                   "What failed", "Summary", "hyperparameters", "verdict"):
        assert header in text, header
    assert "Formula as given: x**2 + 2*y**2" in text
    data = json.loads(result.json.read_text())
    assert data["formula"] == "x**2 + 2*y**2"
    assert set(data["rates"]) == {"gd", "newton"}
    assert data["critical_points"]["critical_points_complete"] is True
    rows = list(csv.DictReader(result.csv.open()))
    assert {"section", "item", "quantity", "value", "how"} <= set(rows[0])
    assert {r["how"] for r in rows} <= set(report.HOW)
    its = [r for r in rows if r["item"] == "gd" and r["quantity"] == "iterations"]
    assert its and int(its[0]["value"]) == data["runs"]["gd"]["nit"]


def test_pages_print_method_labels_and_the_step_size_as_eta(small_report):
    """The pages printed the code names ('Methods: gd, newton', 'newton in 1 iteration', a
    theory row 'gd') and the argument name 'lr = 1/L'; they print the registry's labels (the
    title page gives the names in words), η for the step size (defined where first used)
    and 'Hessian' for the critical-point test, while the JSON keeps the code names."""
    from optimizers import registry

    path, result = small_report
    text = squash(pdf_text(path))
    data = json.loads(result.json.read_text())
    assert set(data["runs"]) == set(data["methods"]) == {"gd", "newton"}
    assert data["critical_points"]["critical_points"][0]["test"] == "hessian"
    assert (f"Methods: {registry.title('gd')} ({registry.label('gd')}), "
            f"{registry.title('newton')}.") in text  # "Newton's method" starts with "Newton"
    lr = data["methods"]["gd"]["hyper"]["lr"]
    first = text.index("η")
    assert text[first - len("step size (learning rate) "):].startswith(
        f"step size (learning rate) η = {report.fmt_num(lr)}")
    assert re.search(r"\blr\b", text) is None, re.findall(r".{40}\blr\b.{40}", text)
    assert f"η = 1/L = {report.fmt_num(lr)}; no line search" in text
    nit = data["runs"]["newton"]["nit"]
    assert f"Newton in {nit} iteration" in text and "newton in" not in text
    assert re.search(r"\bGD Linear\b|\bGD linear\b", text), "theory row named GD"
    assert "Hessian: eigenvalue signs" in text and "hessian: eigenvalue" not in text


def test_summary_and_tables_name_their_norms_counts_and_sources(small_report):
    """Quadratic p. 2 gave the GD step-size threshold with no pointer to the tested steps and
    their bracket; p. 3 wrote ‖∇f‖ for a 2-norm among ‖∇f‖∞; Rosenbrock p. 2 gave the
    minimizer's eigenvalues with no provenance, and p. 5 Newton's f and ∇f evaluations but
    not its Hessian evaluations, which its cost weighs."""
    path, result = small_report
    text = squash(pdf_text(path))
    data = json.loads(result.json.read_text())
    steps = data["lr_sweep"]["steps"]
    sweep = data["lr_sweep"]
    told = ("the tested steps: figure “GD" if sweep["brackets_prediction"] else
            "the tested steps and the bracket they give on the threshold: figure “GD")
    assert (f"{told} from x₀: final error after {steps} steps against η” on p. ") in text
    if sweep["brackets_prediction"]:
        lo, hi = sweep["bracket"]
        assert (f"Consistent: the bracket ({report.fmt_num(lo)}, {report.fmt_num(hi)}] the "
                "tested steps give on the threshold contains 2/L* = ") in text
    assert "Regions of the box where ‖∇f‖₂ < t = " in text
    assert "condition number κ = 2 (exact)." in text  # x² + 2y²: eigenvalues 2, 4
    rows = list(csv.DictReader(result.csv.open()))
    hess = {r["item"]: int(float(r["value"])) for r in rows
            if r["quantity"] == "Hessian evaluations"}
    assert hess == {"newton": data["runs"]["newton"]["nhev"]} and hess["newton"] > 0
    assert "∇²f evals" in text
    assert ("measured by a robust fit over its fit window, k = a–b beside each measured rate "
            "and in each per-step table's title") in text


def test_the_summary_names_the_page_of_the_step_size_figure(small_report):
    """Himmelblau p. 2 named the η-sweep figure by its title only: the summary gives the
    page it is drawn on, read here as the one page past the summary's that shows the
    figure's title (drawn in the figure)."""
    from pypdf import PdfReader

    path, result = small_report
    data = json.loads(result.json.read_text())
    title = f"GD from x₀: final error after {data['lr_sweep']['steps']} steps against η"
    texts = [squash(p.extract_text()) for p in PdfReader(str(path)).pages]
    pointer = f"figure “{title}” on p. "
    summary = next(k for k, t in enumerate(texts) if pointer in t)
    drawn = [k + 1 for k, t in enumerate(texts) if title in t and k != summary]
    assert len(drawn) == 1, drawn
    assert f"{pointer}{drawn[0]})" in texts[summary]


def test_every_report_defines_eta_where_it_first_uses_it(four_reports):
    """Rosenbrock p. 2: the summary has no GD sentence (its run ended far from x*), so the
    step-size threshold's 'η < 2/L' was the first η of the report, undefined."""
    for name, (res, _) in four_reports.items():
        text = squash(pdf_text(res.pdf))
        first = text.index("η")
        assert text[:first + 1].endswith("step size (learning rate) η"), (name, text[:first + 1])


def test_every_report_says_what_nw_stands_for_before_it_first_uses_it(four_reports):
    """Quadratic p. 5: "N&W Eq. 5.36", "N&W Thm 6.6" were cited in the theory table's notes
    before "Nocedal & Wright" was written anywhere; the theory section's introduction names
    the book wherever its table cites it, before the table, so before any of its citations."""
    for name, (res, _) in four_reports.items():
        text = squash(pdf_text(res.pdf))
        if "N&W" not in text:
            continue
        key = squash(report.NW_BOOK)
        assert key in text, name
        assert text.index(key) <= text.index("N&W"), name
    assert report.citation_key_text(["Thm 3.5", "linear"]) == ""
    assert report.citation_key_text(["see N&W Thm 6.6"]).startswith("  N&W: Nocedal & Wright")


def test_method_titles_and_shown_names():
    assert report.method_titles(["gd", "adam", "lbfgs", "newton"]) == (
        "gradient descent (GD), Adam, limited-memory BFGS (L-BFGS), Newton's method")
    run = report.MethodRun("lbfgs (2)", "lbfgs", {}, "defaults")
    assert (run.shown, run.label) == ("L-BFGS (2)", "lbfgs (2)")


def test_pdf_text_is_selectable(tmp_path):
    doc = report.Builder("Test document")
    doc.doc.heading("Theory against measurement")
    doc.doc.table(["method", "predicted kind"], [["gd", "linear"]], title="The table")
    res = doc.write(tmp_path / "t.pdf")
    text = pdf_text(res.pdf)
    assert "Theory against measurement" in text and "predicted kind" in text


def test_formula_typeset_with_plain_fallback():
    import sympy as sp

    x = sp.Symbol("x", real=True)
    lines = report.typeset("f(x)", x**2 / 10 + sp.cos(3 * x))
    assert lines[0].math and lines[0].text.startswith("$f(x) = ")
    piecewise = report.typeset("f(x)", sp.Piecewise((x, x > 0), (x**2, True)))
    assert not piecewise[0].math and "Piecewise" in piecewise[0].text
    long = report.typeset("f(x)", sum(sp.sin(k * x) for k in range(1, 40)))
    assert len(long) > 1 and all(m.math for m in long)


def _previous(small_report, tmp_path):
    """A copy of the module's report in ``tmp_path`` (the "previous" report)."""
    path, result = small_report
    for p in result.paths:
        shutil.copy(p, tmp_path / p.name)
    return tmp_path / path.name, {p.name: p.read_bytes() for p in result.paths}


def test_interrupted_run_keeps_previous_report(small_report, tmp_path, monkeypatch):
    path, before = _previous(small_report, tmp_path)

    def interrupt(b, A):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "_figures", interrupt)
    with pytest.raises(KeyboardInterrupt):
        report.build_report("x**2 + 1", path, methods=["gd"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_failure_while_writing_leaves_no_partial_file(small_report, tmp_path, monkeypatch):
    path, before = _previous(small_report, tmp_path)

    def render_then_fail(self, target, **kw):
        with open(target, "wb") as fh:  # half a PDF in the temporary file ...
            fh.write(b"%PDF-1.4 partial")
        raise OSError("disk full")  # ... and then the run fails

    monkeypatch.setattr(report.Document, "render", render_then_fail)
    with pytest.raises(OSError):
        report.build_report("x**4", path, methods=["gd"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_section_exception_is_reported_not_fatal(tmp_path, monkeypatch):
    def broken(b, A):
        raise ValueError("deliberately broken section")

    monkeypatch.setattr(report, "_symbolic", broken)
    res = report.build_report("x**2", tmp_path / "r.pdf", methods=["gd"])
    assert res.pdf.exists()
    assert [f.section for f in res.failures] == ["symbolic results"]
    text = squash(pdf_text(res.pdf))
    assert "deliberately broken section" in text and "This part failed" in text
    data = json.loads(res.json.read_text())
    assert data["failures"][0]["error"] == "ValueError"


def test_no_critical_point_and_diverging_method_are_said(tmp_path):
    res = report.build_report("exp(x)", tmp_path / "e.pdf", methods=["gd", "bfgs"])
    text = squash(pdf_text(res.pdf))
    assert "No critical point in the box" in text
    assert any("No critical point" in f for f in res.findings)
    res = report.build_report("x**2", tmp_path / "d.pdf", methods={"gd": {"lr": 1.5}})
    text = squash(pdf_text(res.pdf))
    assert "diverged" in text
    assert any("diverged" in f for f in res.findings)
    assert res.ok  # a diverging method is a finding, not a failure of the report


def test_bad_input_raises_before_writing(tmp_path):
    from landscape.errors import InputError

    with pytest.raises(InputError):
        report.build_report("x**2", tmp_path / "r.pdf", methods=["nope"])
    with pytest.raises(InputError):
        report.build_report("x**2", tmp_path / "r.pdf", x0=[1.0, 2.0])
    assert not list(tmp_path.iterdir())


def test_reduced_study_smoke(tmp_path):
    from analysis import study

    res = study.build_study(tmp_path, quick=True, sections=[study.section_quadratic])
    assert res.pdf == tmp_path / "study.pdf" and res.ok
    data = json.loads(res.json.read_text())
    verdicts = {c["what"]: c["verdict"] for c in data["checks"]}
    assert verdicts["GD divergence threshold (η)"] == "agrees"
    assert verdicts["GD with η = 0.2: convergence"] == "agrees"
    text = squash(pdf_text(res.pdf))
    assert "Summary of all checks" in text and "GD on x²" in text
    # the title page lists exactly the markers the pages after it use
    from pypdf import PdfReader

    from analysis.pages import HOW, used_hows

    pages = [p.extract_text() for p in PdfReader(str(res.pdf)).pages]
    first, rest = squash(pages[0]), "\n".join(pages[1:])
    used = used_hows([rest])
    assert used and len(used) < len(HOW)  # the check below can tell them apart
    assert {k for k in HOW if squash(HOW[k][1]) in first} == set(used)


def test_atomic_files_get_the_usual_permissions(tmp_path):
    from analysis.report import write_atomically

    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "r.pdf", {".pdf": lambda p: p.write_bytes(b"%PDF-1.4\n"),
                                              ".json": lambda p: p.write_text("{}")})
    finally:
        os.umask(old)
    assert (tmp_path / "r.pdf").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ------------------------------------------------------------------ one number, one value

#: ledger quantities of the report's tables and where the same number lives in its JSON
_RUN_FIELDS = {"iterations": "nit", "f evaluations": "nfev", "gradient evaluations": "njev",
               "Hessian evaluations": "nhev",
               "final f": "fun"}
_RATE_FIELDS = {"predicted rate": ("predicted", "rate"), "predicted order": ("predicted", "order"),
                "predicted exponent": ("predicted", "exponent"),
                "measured rate": ("measured", "rate"), "measured order": ("measured", "order"),
                "measured exponent": ("measured", "exponent")}


def check_one_number_one_value(result) -> int:
    """Every number of the runs and theory tables (CSV ledger, JSON ``numbers``) equals the
    value of the same quantity in the JSON's ``runs`` and ``rates`` objects; returns how many
    numbers were checked."""
    data = json.loads(result.json.read_text())
    rows = list(csv.DictReader(result.csv.open()))
    assert len(rows) == len(data["numbers"])
    checked = 0
    for row, entry in zip(rows, data["numbers"], strict=True):
        assert (row["section"], row["item"], row["quantity"]) == (
            entry["section"], entry["item"], entry["quantity"])
        if entry["value"] is not None and not isinstance(entry["value"], (list, dict)):
            assert float(row["value"]) == pytest.approx(float(entry["value"]), rel=1e-12)
        label, quantity = row["item"], row["quantity"]
        if row["section"] == "optimizer comparison" and quantity in _RUN_FIELDS:
            want = data["runs"][label][_RUN_FIELDS[quantity]]
        elif row["section"] == "theory vs measurement" and quantity in _RATE_FIELDS:
            side, key = _RATE_FIELDS[quantity]
            want = data["rates"][label][side][key]
        else:
            continue
        assert float(row["value"]) == pytest.approx(float(want), rel=1e-12), (label, quantity)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def himmelblau_report(four_reports):
    """Himmelblau's report with the default methods (gd, bfgs and newton among them), built
    once per session (conftest)."""
    return four_reports["himmelblau"][0]


def test_report_numbers_agree_between_tables_json_and_csv(small_report, himmelblau_report):
    for result in (small_report[1], himmelblau_report):
        assert check_one_number_one_value(result) >= 8


def test_summary_quotes_the_rate_of_the_point_gd_reached(himmelblau_report):
    """The summary's GD rate is the theory table's, at the minimizer the run reached (not at
    the lowest minimum of the box when the run went elsewhere)."""
    data = json.loads(himmelblau_report.json.read_text())
    gd = data["rates"]["gd"]
    text = squash(pdf_text(himmelblau_report.pdf))
    pt = report.fmt_point(gd["minimizer"])
    assert f"ran to x* = {pt}" in text or f"minimum {pt}" in text, text
    assert f"{pt} (x*)" not in text  # no bracket after the point's own
    if gd["predicted"]["kind"] == "linear":
        assert f"shrink by ρ = {report.fmt_num(gd['predicted']['rate'], 5)} per step" in text
        # Himmelblau p.2: each number of the bullet says where it comes from
        assert "per step (theory, from the Hessian's eigenvalues there)" in text
        m = gd["measured"]
        if m["kind"] == "linear":
            w = m["window"]
            # Himmelblau p.2: the fit window ran past the comparison run's length ("GD in 46
            # iterations"): the bullet names the run the fit comes from, and its length, which
            # holds the window; its bracket holds all it says of the run (Himmelblau p.2 read
            # "the rate-study run, no gradient tolerance (89 iterations), measured …"), with
            # the section that shows it
            found = re.search(
                rf"the rate-study run \(no gradient tolerance, (\d+) iterations; section "
                rf"(\d+)\) measured "
                rf"{re.escape(report.fmt_rate(m['rate']))} by a fit over k = {w[0]}–{w[1]} \(",
                text)
            assert found, text
            assert int(found.group(1)) > w[1]
            assert f"{found.group(2)} Theory against measurement" in text


def test_a_measured_order_says_its_plus_minus_is_one_standard_error(himmelblau_report):
    """Himmelblau p.5: Newton's "1.97ᶠ ± 0.019" was one standard error of the fit, while the
    footnote's rule allows two: every measured order's ± says "(1 s.e.)", in the table cell
    and in the verdict's reason."""
    data = json.loads(himmelblau_report.json.read_text())
    text = squash(pdf_text(himmelblau_report.pdf))
    orders = [(name, r) for name, r in data["rates"].items() if r["measured"].get("order_se")]
    assert orders  # Newton's quadratic order
    for name, r in orders:
        se = r["measured"]["order_se"]
        assert f"± {report.fmt_num(se, 2)} (1 s.e.)" in text, name
        assert f"± {fmt(se, 2)} (1 s.e.)" in r["reason"], name


def test_lr_sweep_axis_names_the_iterate_it_plots(himmelblau_report):
    """Himmelblau p.13: the y label "final error ‖x_K − x*‖₂" used K, defined nowhere (the
    title says 200 steps): the label names the step, x₂₀₀."""
    data = json.loads(himmelblau_report.json.read_text())
    steps = int(data["lr_sweep"]["steps"])
    sub = str(steps).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    text = pdf_text(himmelblau_report.pdf)
    assert f"final error ‖x{sub} − x*‖₂" in text and "‖xK − x*‖" not in text
    # p.8: the many-starts table's column reads "lowest end point"
    assert "lowest end point" in text and "point (lowest end point)" not in text


def test_many_starts_ecdf_says_its_costs_are_whole_runs(himmelblau_report):
    """Himmelblau p. 8: the x axis read "weighted evaluations to reach the target" while each
    start's cost is its whole run's (StartsRun.cost_to_target), an upper bound on it."""
    text = squash(pdf_text(himmelblau_report.pdf))
    assert "weighted evaluations of the whole run" in text
    assert "to reach the target (units" not in text
    assert "an upper bound on its cost to reach the target" in text


def test_numeric_region_bounds_say_what_they_are_and_to_what_tolerance(himmelblau_report):
    """Kink p. 3, Rosenbrock p. 4: region bounds marked ⁿ, "to the stated tolerance", with
    none stated: measured bounds say how they were measured and what they guarantee."""
    data = json.loads(himmelblau_report.json.read_text())
    assert data["vanishing_gradient"]["regions"]  # measured: not a quadratic
    text = squash(pdf_text(himmelblau_report.pdf))
    extents = data["vanishing_gradient"]["extents"]
    assert squash(report.measured_bounds_text(extents).strip()) in text
    assert report.region_note(False, False, False) == ""
    assert report.region_note(False, False, False, measured=extents) == \
        report.measured_bounds_text(extents)


def test_error_figure_caption_counts_the_runs_it_draws(himmelblau_report):
    data = json.loads(himmelblau_report.json.read_text())
    text = squash(pdf_text(himmelblau_report.pdf))
    from optimizers.registry import label

    for m in ("gd", "bfgs", "newton"):  # grouped by how the runs ended: "GD 86, … iterations"
        its = data["rates"][m]["measured"]["iterations"]
        assert re.search(rf"(?<![\w-]){re.escape(label(m))} {its}(, [\w-]+ \d+)* iterations? \(",
                         text), (m, its)


def test_summary_without_gd_does_not_deny_the_minimum(tmp_path):
    """A report without a GD rate study used to say "No critical point in the box is a
    minimum" beside the minimum it had just named."""
    res = report.build_report("x**2 + y**2", tmp_path / "n.pdf", methods=["newton"])
    text = squash(pdf_text(res.pdf))
    assert "The lowest minimum in the box is x* = P1 (0, 0)" in text
    assert "No critical point in the box is a minimum" not in text


def test_summary_does_not_say_gd_reached_a_minimum_it_did_not(four_reports):
    """GD on abs(x) + relu(y-1) + y²/2 cycles around the kink at (0, 0) until maxiter; the
    summary used to say it "ran to x = (0, 0) (the lowest minimum)"."""
    res = four_reports["kink"][0]
    text = squash(pdf_text(res.pdf))
    assert "GD with step size (learning rate) η = " in text
    assert "ran to x = (0, 0)" not in text and "ran to x* = (0, 0)" not in text
    assert "did not converge" in text
    # not "x = (0, 0) (x*)"; "bounded" defined where the document first uses it (kink p. 2),
    # not pages later in a table note, and theory named once, not "theory … where theory"
    assert re.search(re.escape("at x* = (0, 0) theory predicts a bounded run ("
                               + report.BOUNDED_MEANING + "); the rate-study run (no gradient "
                               "tolerance, ")
                     + r"\d[\d ]* iterations; section \d+\) measured: bounded",
                     text), text
    assert "theory is evaluated" not in text
    assert text.index("bounded") == text.index("a bounded run (" + report.BOUNDED_MEANING) + 2


def test_the_hessian_count_says_which_entries_it_counts():
    """Himmelblau p. 2: "Hessian: 3 nonzero entries on or above the diagonal (of 3)" read
    awkwardly: all 3 distinct entries are nonzero."""
    assert report.hessian_count_text(3, 2) == ("all 3 distinct entries (on and above the "
                                               "diagonal) are nonzero")
    assert report.hessian_count_text(9, 5) == ("9 of its 15 distinct entries (on and above "
                                               "the diagonal) are nonzero")
    assert report.hessian_count_text(1, 2).startswith("1 of its 3 distinct") and \
        report.hessian_count_text(1, 2).endswith(" is nonzero")
    assert report.hessian_count_text(1, 1) == "its one entry is nonzero"


def test_the_basin_grid_says_its_size():
    """Himmelblau p. 12: the basin borders are staircases of the start grid, whose size the
    caption did not give."""
    assert report.grid_size_text(np.zeros((61, 61), int)) == "61 × 61"
    assert report.grid_size_text(np.zeros(41, int)) == "41-point"


def test_numeric_region_bounds_are_computed_not_measured():
    """Himmelblau p. 3: the footnote called the ⁿ bounds "measured", the word the legend keeps
    for ᵐ (optimizer runs)."""
    text = report.measured_bounds_text("the bounding box of the points checked: …")
    # and is one sentence with one colon, the account's (chained Rosenbrock p. 4: "are
    # computed: the bounding box of points checked inside the region: the point …")
    assert text.startswith("Numeric region bounds are the bounding box of the points checked: "
                           "….  ")
    assert "are measured" not in text and report.measured_bounds_text("") == ""


def test_short_hessian_lists_are_shown_whole(four_reports):
    """Chained Rosenbrock in 5 variables has 9 Hessian entries on or above the diagonal; the
    report used to show 8 and end with "… 1 more entries"."""
    res = four_reports["rosenbrock5"][0]
    text = squash(pdf_text(res.pdf))
    assert ("Hessian: 9 of its 15 distinct entries (on and above the diagonal) are "
            "nonzero") in text
    assert "more entries" not in text and "entries are in the JSON" not in text
    # the list itself is whole (a long table note elsewhere may still end "…: see p. N")
    hessian = text[text.index("Hessian: 9 of its 15"):text.index("3.2 Critical points")]
    assert "…" not in hessian


def test_captions_and_tables_state_what_they_show(himmelblau_report):
    """Captions said "first 12" for 9 points; the vanishing-gradient section quoted the
    sampled minimum 8.5e-16 (and f − min f against it) although the exact f* = 0 is known;
    the geometric mean beside the fitted rate was not said to be a second estimator."""
    data = json.loads(himmelblau_report.json.read_text())
    text = squash(pdf_text(himmelblau_report.pdf))
    n = len(data["critical_points"]["critical_points"])
    assert n == 9
    assert "first 12" not in text and f"at the critical points (all {n})" in text
    assert data["vanishing_gradient"]["f_min"] > 0.0  # sampled, not the exact 0
    # the range whole, its ends explained after it
    assert re.search(r"f ranges over \[0, [\d.]+ᵉ?\] on the box, from the exact minimum value "
                     r"f\* of the critical-point table to ", text), text
    assert "f − f*" in text and "f − min f" not in text
    assert "two estimators of the rate" in text
    assert "robust fit (measured rate)" in text


def test_the_starts_say_which_box_they_are_drawn_from(himmelblau_report):
    """Study p. 32: '200 starts drawn uniformly from the box' with the box given nowhere."""
    assert report.box_product([[-2.0, 2.0], [-1.0, 3.0]]).replace("\u00a0", " ") == \
        "[-2, 2] × [-1, 3]"
    text = squash(pdf_text(himmelblau_report.pdf)).replace("−", "-")
    assert "starts drawn uniformly from the box [-5, 5] × [-5, 5] (seed" in text


def test_the_matching_tolerance_is_given_with_its_rule(himmelblau_report):
    """'Ended near' named the critical point 'within the matching tolerance of the final
    iterate', and the many-starts table grouped end points 'within 0.141 of one another',
    with no value or no source: both give 1% of the diagonal √200 = 14.14 of [−5, 5]²."""
    text = squash(pdf_text(himmelblau_report.pdf))
    assert "matching tolerance" not in text
    rule = "0.141 (1% of the box diagonal 14.1)"
    assert f"within {rule} of the final iterate" in text
    assert f"within {rule} of one another" in text


def test_verdict_tally_grammar_follows_the_counts():
    from analysis.report import verdict_tally
    assert verdict_tally(["agrees"] * 86) == "all 86 agree"
    assert verdict_tally(["agrees"]) == "1 agrees"
    assert (verdict_tally(["agrees"] * 3 + ["disagrees"] + ["not comparable"] * 2)
            == "3 agree, 1 disagrees, 2 not comparable")
    assert verdict_tally(["disagrees", "agrees", "disagrees"]) == "1 agrees, 2 disagree"


def test_reference_text_says_briefly_why_the_point_is_not_the_runs_limit():
    from types import SimpleNamespace as NS

    far = ("none: the run ended at (7e-12, -4.8), far from every critical point (status "
           "line_search_failed, |grad f|_inf = 4.81); theory evaluated at the minimum (0, 0) "
           "nearest to x0 (exact)")
    def run(name, **study):
        return report.MethodRun(name, name, {}, "defaults", study=NS(**study))

    runs = [run("gd", reference=[0.0, 0.0], minimizer=[0.0, 0.0], minimizer_how="exact"),
            run("newton", reference=[0.0, 0.0], minimizer=None, minimizer_how=far),
            run("bfgs", reference=[0.0, 0.0], minimizer=None,
                minimizer_how=far.replace("4.81", "1"))]
    text = report.reference_text(runs)
    # one point, named once (the kink report listed (0, 0) in two groups)
    assert text == ["x = (0, 0) for GD (exact), and for Newton, BFGS, whose runs did not "
                    "converge to a critical point (see the table; theory evaluated at the "
                    "exact minimum nearest to x₀)"]
    assert "(none:" not in text[0] and "|grad f|" not in text[0]  # no contradiction, no repeat
    assert text[0].count("(0, 0)") == 1
    # a box with one minimum: "the only minimum, exact", not "the exact only minimum"
    only = [run("newton", reference=[0.0, 0.0], minimizer=None,
                minimizer_how=far.replace("the minimum (0, 0) nearest to x0",
                                          "the only minimum (0, 0)"))]
    assert report.reference_text(only)[0].endswith(
        "(see the table; theory evaluated at the only minimum, exact)")
    runs.append(run("cg", reference=[1.0, 0.0], minimizer=[1.0, 0.0], minimizer_how="numeric"))
    assert report.reference_text(runs)[1] == "x = (1, 0) for CG (numeric)"
    # rosenbrock5 p. 6 listed adam, whose prediction is 'none', where theory was evaluated
    runs.append(run("adam", reference=[1.0, 0.0], minimizer=[1.0, 0.0], minimizer_how="exact",
                    prediction=NS(kind="none")))
    *where, last = report.reference_text(runs)
    assert "Adam" not in " ".join(where) and last.startswith("no rate evaluated for Adam:")


def test_sweep_verdict_judges_against_the_curvature_along_the_run():
    # f = x^4/4 + x^2/2: L = f''(0) = 1 at the minimizer (2/L = 2), f''(x0 = 2) = 3*4 + 1 = 13
    from types import SimpleNamespace as NS

    import numpy as np

    from landscape import Objective

    A = NS(obj=Objective.parse("x**4/4 + x**2/2"), x0=np.array([2.0]))

    def sweep(observed):
        return NS(observed_threshold=observed, predicted_threshold=2.0, eigenvalues=[1.0],
                  threshold_basis="2/L", brackets_prediction=lambda: False,
                  minimizer=np.array([0.0]))

    # Himmelblau p. 2: "consistent" said not with what; the bracket it rests on is given
    ok = NS(observed_threshold=0.02107, predicted_threshold=0.018973, threshold_basis="2/L",
            bracket=(0.017554, 0.021067), brackets_prediction=lambda: True)
    assert report._sweep_verdict(A, ok) == (
        f"consistent: the bracket ({report.fmt_num(0.017554)}, {report.fmt_num(0.021067)}] "
        f"the tested steps give on the threshold contains 2/L* = {report.fmt_num(0.018973)}")
    between = report._sweep_verdict(A, sweep(0.5))  # 2/13 = 0.1538 <= 0.5 < 2
    assert "outside the region" in between and "0.1538" in between and "13" in between
    below = report._sweep_verdict(A, sweep(0.1))  # below 2/13 too: inconsistent
    assert below.startswith("inconsistent") and "0.1538" in below
    assert report._sweep_L_text(sweep(0.5)) == (" with L* = λ_max(∇²f(x*)) = 1 at the minimizer "
                                                "x* = 0 nearest to x₀ (a local prediction)")
    # a quadratic's Hessian is constant: the same L everywhere, the prediction is global
    quad = sweep(0.5)
    quad.hessian_constant = True
    text = report._sweep_L_text(quad)
    assert "local" not in text and "nearest to x₀" not in text
    assert "L* = λ_max(∇²f(x*)) = 1, the same at every point" in text and "exact" in text


def test_single_point_note_does_not_promise_eigenvalues_at_a_kink():
    from landscape import Objective

    kink = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2").critical_points(
        box=[(-5.0, 5.0), (-5.0, 5.0)])
    assert len(kink) == 1
    text = report.single_point_eigen_text(kink[0])
    assert "eigenvalues are in the table" not in text and "kink" in text
    smooth = Objective.parse("x**2 + 2*y**2").critical_points(box=[(-5.0, 5.0), (-5.0, 5.0)])
    assert "eigenvalues are in the table" in report.single_point_eigen_text(smooth[0])


def test_every_default_step_says_where_its_L_is_taken():
    curv = report.default_curvature([1.0, 4.0], 30.0, at="P1 = (3, 2)", exact=True)
    assert curv.text() == ("L = 4, the largest Hessian eigenvalue at the minimizer P1 = (3, 2), "
                           "exact")
    hyper, why = report.default_hyper("gd", curv, 1.0)
    assert hyper == {"lr": 0.25} and why == "η = 1/L = 0.25"
    curv = report.default_curvature(None, 30.0)
    assert curv.L == 30.0 and curv.text() == ("L = 30, the smoothness constant on the box "
                                              "(L_box of the convexity table)")
    assert report.default_hyper("gd", curv, 1.0) == ({"lr": 1.0 / 30.0}, "η = 1/L = 0.03333")
    curv = report.default_curvature([1.0, 4.0], 30.0, L_path=9.0, at="P1 = (3, 2)")
    assert curv.text() == ("L = 9, the largest Hessian eigenvalue on the segment from x₀ to the "
                           "minimizer P1 = (3, 2), above L* = 4 at the minimizer")
    # κ = 1: twice the eigenvalue, so that the step is no exact Newton step
    curv = report.default_curvature([2.0], None, at="P1 = 0", exact=True)
    assert curv.L == 4.0 and curv.text().startswith(
        "L = 4, twice the Hessian eigenvalue 2 at the minimizer P1 = 0, exact: with κ = 1")


def test_the_curvature_at_the_minimizer_and_the_default_steps_L_have_two_names():
    """Chained Rosenbrock: the step-size threshold read "2/L = 0.001213 with L = 1649" (the
    largest Hessian eigenvalue at x*) and the default steps "η = 1/L = 3.435e−05" with
    L = 2.911e4 (the segment from x₀): one letter for two numbers.  The threshold's curvature
    at x* is L*, in its formula, where it is defined, and where the default L is compared."""
    from types import SimpleNamespace as NS

    lam = np.array([0.4973, 354.6, 754.6, 1249.0, 1649.0])
    sw = NS(eigenvalues=list(lam), threshold_basis="2/L", minimizer=np.ones(5),
            predicted_threshold=2.0 / 1649.0)
    assert report.sweep_basis(sw) == "2/L*"
    assert report.sweep_basis(NS(threshold_basis="2(1+momentum)/((1-dampening) L)")) == (
        "2(1+momentum)/((1-dampening) L*)")
    text = report._sweep_L_text(sw)
    assert text.startswith(f" with L* = λ_max(∇²f(x*)) = {report.fmt_num(lam.max())} at the "
                           "minimizer x*")
    assert "L =" not in text
    curv = report.default_curvature(lam, 3.5e4, L_path=2.911e4, at="P3 = (1, 1, 1, 1, 1)")
    assert curv.L == 2.911e4 and f"above L* = {report.fmt_num(lam.max())} at the minimizer" \
        in curv.text()


def test_momentum_defaults_state_the_kappa_they_use():
    """Chained Rosenbrock's momentum/nesterov 'why' cells gave ((√κ−1)/(√κ+1))² = 0.9836 with
    a κ that is not the report's κ = 3316 (L came from the segment): the lead-in must name κ,
    L and μ so that the momentum can be checked from the page."""
    lam = np.array([0.4973, 354.6, 754.6, 1249.0, 1649.0])
    curv = report.default_curvature(lam, 3.5e4, L_path=2.911e4, at="P3 = (1, 1, 1, 1, 1)")
    text = curv.text(kappa=True)
    m = re.search(r"κ = L/μ = ([\d.e+]+)/([\d.]+) = ([\d.e+]+), μ the smallest Hessian "
                  r"eigenvalue at the minimizer", text)
    assert m, text
    L, mu, kappa = (float(v) for v in m.groups())
    assert (L, mu) == (2.911e4, 0.4973) and abs(kappa - L / mu) < 1e-3 * kappa
    assert "not the minimizer's own κ = 3316" in text  # 1649/0.4973
    s = math.sqrt(kappa)
    for method, power in (("momentum", 2), ("nesterov", 1)):
        hyper, why = report.default_hyper(method, curv, 9.0)
        assert abs(((s - 1) / (s + 1)) ** power - hyper["momentum"]) < 1e-4
        assert why.startswith("η = 1/L = 3.435e-05, ") and "(L" not in why
    curv = report.default_curvature([1.0, 4.0], 30.0)
    hyper, why = report.default_hyper("momentum", curv, 1.0)
    # κ = 4: Polyak's step 4/(√4 + √1)² = 4/9
    assert why == ("η = 1/L = 0.25, β = ((√κ−1)/(√κ+1))² = 0.1111: Polyak's β, with η = 1/L "
                   "in place of his step 4/(√L+√μ)² = 0.4444")
    assert hyper["momentum"] == pytest.approx(1 / 9)
    assert curv.text(kappa=True).endswith(
        "; κ = L/μ = 4/1 = 4, μ the smallest Hessian eigenvalue there")
    # Himmelblau p.4: 'Adam η = ‖x₀ − x*‖/100 = 0.023' with ‖x₀ − x*‖ = 2.2600: the step
    # is the formula's value to the 4 significant digits printed everywhere else
    distance = float(np.hypot(3.584428 - 2.12, -1.848126 - 3.77 + 5.5))
    hyper, why = report.default_hyper("adam", curv, distance)
    assert hyper["lr"] == float(f"{distance / 100:.4g}") != float(f"{distance / 100:.2g}")
    assert why == (f"η = ‖x₀ − x*‖/100 = {report.fmt_num(distance / 100)}: about 100 steps "
                   "of length η cross the distance (set from x*, known here: a user who does "
                   "not know x* cannot choose η this way)")
    assert abs(hyper["lr"] - distance / 100) <= 5e-4 * distance / 100
    # kink p. 4: 'momentum = 0.5' stood in its cell with no reason; no minimizer Hessian, no κ
    curv = report.default_curvature(None, 1.0)
    hyper, _ = report.default_hyper("momentum", curv, 1.0)
    assert hyper["momentum"] == 0.5 and curv.lam is None
    # kink p. 4: where the 0.5 comes from: a fixed fallback, not tuned to f
    assert curv.text(kappa=True).endswith(
        "; with no κ = L/μ to tune it (μ, the smallest Hessian eigenvalue at the minimizer, "
        "needs a minimizer with a positive definite Hessian, and there is none here), the "
        "momentum falls back to a fixed 0.5, the same for "
        f"every f (not tuned: its effective step η/(1 − β) is {1 / (1 - 0.5):g}η)")
    assert "momentum" not in curv.text(kappa=False)


def test_hyperparameter_cells_nest_no_brackets_and_read_in_words():
    """The quadratic report's cells read 'lr = 0.25  (lr = 1/L (L = 4, largest Hessian
    eigenvalue at the minimizer P1 (0, 0)))' and 'line_search = none': L is stated once in
    the lead-in, each cell gives its rule and value, a choice in words."""
    from types import SimpleNamespace as NS

    curv = report.default_curvature([0.2, 4.0], 30.0, at="P1 = (0, 0)", exact=True)
    hyper, why = report.default_hyper("gd", curv, 1.0)
    gd = report.MethodRun("gd", "gd", hyper, why,
                          result=NS(hyper={"lr": 0.25, "line_search": "none"}))
    assert report.hyper_cell(gd) == "η = 1/L = 0.25; no line search"
    mom = report.MethodRun("momentum", "momentum", *report.default_hyper("momentum", curv, 1.0))
    bfgs = report.MethodRun("bfgs", "bfgs", {}, "defaults",
                            result=NS(hyper={"line_search": "wolfe"}))
    assert report.hyper_cell(bfgs) == "the method's defaults: Wolfe line search"
    given = report.MethodRun("gd", "gd", {"lr": 0.1}, "given",
                             result=NS(hyper={"lr": 0.1, "line_search": "armijo"}))
    assert report.hyper_cell(given) == "η = 0.1, Armijo line search, as given"
    A = NS(curvature=curv)
    assert report.curvature_text(A, [gd, bfgs]) == (
        "  The default steps use L = 4, the largest Hessian eigenvalue at the minimizer "
        "P1 = (0, 0), exact.")
    assert report.curvature_text(A, [gd, mom]).endswith("; κ = L/μ = 4/0.2 = 20, μ the "
                                                        "smallest Hessian eigenvalue there.")
    assert report.curvature_text(A, [bfgs, given]) == ""
    for cell in (report.hyper_cell(gd), mom.why):
        assert not re.search(r"\([^()]*\(", cell.replace("(√κ−1)/(√κ+1)", "")), cell


def test_rate_study_lengths_say_whether_the_floor_was_reached():
    from types import SimpleNamespace as NS

    from analysis.rates import FLOOR_MARGIN, Budget

    def st(nit, status, floor_index):
        # the automatic budget's floor rule, as rate_study records it, when the run's length
        # is the floor iteration + the margin
        budget = (Budget("floor", nit, nit, floor_index=floor_index, margin=FLOOR_MARGIN)
                  if floor_index is not None and nit == floor_index + FLOOR_MARGIN else None)
        return NS(result=NS(nit=nit, status=status, jac=np.zeros(2)),
                  measurement=NS(floor_index=floor_index), budget=budget)

    assert report.study_length_text("newton", st(26, "converged", 26)) == \
        "newton 26 iterations (floor reached)"
    # a run that went on past the floor says why it stopped where it did
    assert report.study_length_text("newton", st(26, "converged", 20)) == \
        "newton 26 iterations (floor reached at k = 20; stopped at k = 26, where ∇f = 0 exactly)"
    assert report.study_length_text("adam", st(20000, "maxiter", None)) == \
        "adam 20 000 iterations (iteration budget used up, above the floor)"
    assert report.study_length_text("bfgs", st(69, "line_search_failed", None)) == \
        "bfgs 69 iterations (stopped: line search failed, above the floor)"
    # the measurement reached its floor, the run its budget: both said, not "floor reached"
    assert report.study_length_text("adam", st(544, "maxiter", 460)) == \
        ("adam 544 iterations (error at the floor; the run ended at its iteration budget)")
    # chained Rosenbrock's nesterov: 8526 iterations against the others' 20000, unexplained;
    # its error reached the floor at k = 8516 and the automatic budget became 8516 + 10
    assert report.study_length_text("nesterov", st(8526, "maxiter", 8516)) == \
        ("nesterov 8 526 iterations (the automatic budget: 10 steps past the first error at "
         "the floor)")
    # runs ended by the automatic budget share one clause, whatever their floor iteration
    assert report.study_lengths_text([("gd", st(608, "maxiter", 598)),
                                      ("momentum", st(338, "maxiter", 328))]) == \
        ("gd 608, momentum 338 iterations (the automatic budget: 10 steps past the first "
         "error at the floor)")
    assert report.study_length_text("cg", st(40, "line_search_failed", 30)) == \
        "cg 40 iterations (error at the floor; the run stopped: line search failed)"
    # quadratic p. 11: CG "3 iterations (floor reached)", its error at the floor at k = 2:
    # the run stops only where the gradient is exactly 0 (gradient tolerance 0), here at
    # k = 3, where its iterate is x* itself
    cg = NS(result=NS(nit=3, status="converged", jac=np.zeros(2), path=np.array(
        [[-4.59, -4.83], [-4.36, 0.0], [8.15e-16, 0.0], [0.0, 0.0]])),
        measurement=NS(floor_index=2), budget=None, reference=np.zeros(2), minimizer=None)
    assert report.study_length_text("CG", cg) == (
        "CG 3 iterations (floor reached at k = 2; stopped at k = 3, on x* exactly (∇f = 0))")
    assert report.study_lengths_text([("gd", st(608, "converged", 608)),
                                      ("adam", st(20000, "maxiter", None)),
                                      ("momentum", st(338, "converged", 338)),
                                      ("nesterov", st(544, "maxiter", 400))]) == \
        ("gd 608, momentum 338 iterations (floor reached); adam 20 000 iterations (iteration "
         "budget used up, above the floor); nesterov 544 iterations (error at the floor; the "
         "run ended at its iteration budget)")


def test_contour_caption_counts_the_basins():
    one = report.contour_levels_text(1)
    assert "basins" not in one and "every basin" not in one and "one minimum" in one
    assert "each of the 4 basins" in report.contour_levels_text(4)
    assert "basin" not in report.contour_levels_text(0)


def test_default_steps_are_tuned_at_the_minimum_nearest_the_start():
    from types import SimpleNamespace as NS

    # Himmelblau's four minima all have f = 0; the runs from x0 near P4 go to P4, so the
    # steps, the sweep and the theory must all use P4, not the first-listed lowest minimum
    pts = [(-3.779, -3.283), (-2.805, 3.131), (3.0, 2.0), (3.584, -1.848)]
    cps = [NS(kind="minimum", point=np.array(p), eigenvalues=[i + 1.0, 10.0 * (i + 1)],
              value=0.0) for i, p in enumerate(pts)]
    cps.insert(1, NS(kind="saddle", point=np.array([3.3, -1.9]), eigenvalues=[-1.0, 1.0],
                     value=1.0))  # nearer x0 than P4, but no minimum
    A = NS(x0=np.array([3.4, -1.7]), cps=cps, minimum=cps[0])
    assert report.tuning_minimum(A) is cps[4]
    A.tuned = report.tuning_minimum(A)
    assert report._minimum_name(A) == "P5 = (3.584, -1.848) (the minimum nearest x₀)"
    # without a start the lowest minimum is used
    A.x0 = None
    assert report.tuning_minimum(A) is cps[0]


def test_minima_tied_for_lowest_are_said_and_x_star_is_the_compared_one():
    """Himmelblau's summary named one of four minima with f = 0 "the lowest minimum x*", then
    used another (P9, nearest x₀) as x* in the threshold bullet."""
    from types import SimpleNamespace as NS

    def cp(kind, p, v, lam):
        return NS(kind=kind, point=np.array(p), value=v, eigenvalues=lam, exact=True,
                  condition_number=max(lam) / min(lam), differentiable=True)

    cps = [cp("minimum", (-3.779, -3.283), 0.0, [70.71, 133.8]),
           cp("saddle", (0.0, 0.0), 5.0, [-1.0, 1.0]),
           cp("minimum", (3.0, 2.0), 1e-12, [34.0, 82.0]),
           cp("minimum", (1.0, 1.0), 0.5, [1.0, 2.0]),
           cp("minimum", (3.584, -1.848), 0.0, [2.0, 4.0])]
    A = NS(cps=cps, minimum=cps[0], tuned=cps[4])
    assert [n for n, _ in report.lowest_minima(A)] == ["P1", "P3", "P5"]
    text = report._minimum_sentence(A)
    assert "taken at 3 minima" in text and "P1\u00a0(−3.779, −3.283)" in text.replace("-", "−")
    assert "x* = P5\u00a0(3.584, −1.848), the minimum nearest x₀" in text.replace("-", "−")
    assert "κ = 2" in text and "lowest minimum in the box is x*" not in text
    assert report._which_minimum(A, (3.584, -1.848)) == "x*"
    assert report._which_minimum(A, (3.0, 2.0)) == "a lowest minimum"
    assert report._which_minimum(A, (1.0, 1.0)) == "another minimum"


def _one_method_starts_table(title: str, outcomes, cost, fun=0.0, seconds=1e-3, point=None):
    """The table (by the start of its title) of the many-starts section of one GD run from
    len(outcomes) starts: outcome "" converged to the one cluster, else that outcome."""
    b = _one_method_starts(outcomes, cost, fun, seconds, point)
    (table,) = [t for t in b.doc.blocks if str(getattr(t, "title", "")).startswith(title)]
    return table


def _one_method_starts(outcomes, cost, fun=0.0, seconds=1e-3, point=None):
    """The builder of the many-starts section of one GD run (:func:`_one_method_starts_table`),
    its one cluster's lowest final f ``fun`` at ``point`` (0), its batch time ``seconds``."""
    from analysis.starts import Cluster, KernelCosts, StartsRun, StartsStudy

    n = len(outcomes)
    conv = np.array([o == "" for o in outcomes])
    run = StartsRun(label="gd", method="gd", hyper={}, x=np.zeros((n, 1)), fun=np.zeros(n),
                    status=np.where(conv, "converged", "diverged").astype(object),
                    nit=np.ones(n, int), nfev=np.ones(n, int), njev=np.ones(n, int),
                    nhev=np.zeros(n, int), seconds=seconds, cost=np.asarray(cost, float),
                    reached=conv, outcome=np.array(outcomes, dtype=object),
                    cluster=np.where(conv, 0, -1))
    study = StartsStudy(X0=np.zeros((n, 1)), box=np.array([[-1.0, 1.0]]), seed=0,
                        runs={"gd": run}, clusters=[Cluster(np.zeros(1) if point is None else
                                          np.asarray(point, float), fun, 0.0)],
                        tolerance=0.1, costs=KernelCosts({"f": 1e-8, "fg": 2e-8}, 4, 3),
                        f_star=0.0)
    b = report.Builder("t")
    report.starts_body(b, "many starts", study, f_star_how="known")
    return b


def test_the_lowest_end_point_prints_its_coordinates_in_one_format():
    """Rosenbrock p. 12: the lowest end point read "(1, 1, 1, 1.0000, 1.0000)", each
    coordinate formatted alone (three exactly 1, two 1 ± a rounding); the point prints as
    every point does (fmt_point), its five coordinates to five digits in one format."""
    eps = 2.0 ** -40
    table = _one_method_starts_table("Where the", [""], [3.0],
                                     point=[1.0, 1.0, 1.0, 1 - eps, 1 + eps])
    assert table.rows[0][1] == "(1.0000, 1.0000, 1.0000, 1.0000, 1.0000)", table.rows[0]
    table = _one_method_starts_table("Where the", [""], [3.0], point=[3.0, 2.0])
    assert table.rows[0][1] == "(3, 2)", table.rows[0]


def test_a_final_f_at_rounding_prints_two_digits_and_any_other_six():
    """Study p. 39: Rosenbrock's lowest final f read "7.09975e−30": six digits of a minimum's 0
    reached to rounding.  Such a value prints to two digits; a value telling clusters apart
    keeps six."""
    for fun, want in [(7.09975e-30, "7.1e-30ᵐ"), (3.7015944, "3.70159ᵐ"),
                      (-2.2e-17, "-2.2e-17ᵐ")]:
        table = _one_method_starts_table("Where the", [""], [3.0], fun=fun)
        assert table.rows[0][2] == want, table.rows[0]


def test_the_many_starts_target_writes_a_power_of_ten_as_the_gradient_tolerance_does():
    """Study p. 38: "f ≤ f* + 1e−06·max(1, |f*|) = 1e−06" two lines above "‖∇f‖∞ ≤ 10⁻⁶": the
    target and its tolerance are written 10⁻⁶ in the lead-in, the figure title and the table."""
    from analysis.report import power_text

    b = _one_method_starts(["", ""], [3.0, 4.0])
    tol = power_text(1e-6)
    assert tol == "10⁻⁶"
    lead = b.doc.blocks[0].text
    assert f"f ≤ f* + {tol}·max(1, |f*|) = {tol}, where f* = 0" in lead, lead
    assert "1e-06" not in lead and "1e−06" not in lead
    (fig,) = [f for f in b.doc.blocks if getattr(f, "caption", "")]
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    drawn = fig.draw_fn(Figure(figsize=(6.9, 3.9)))
    texts = [t.get_text() for t in drawn.findobj(Text)]
    # the rule, then its value (study p. 37: "f ≤ 10⁻⁶ (f* + 10⁻⁶·max(1, |f*|))" read as
    # 10⁻⁶ times the bracket)
    want = f"Cost to reach f ≤ f* + {tol}·max(1, |f*|) = {tol} over"
    assert any(t.replace("\n", " ").startswith(want) for t in texts), texts


def test_the_many_starts_lead_in_defines_ecdf_coco_and_iqr():
    """Quadratic p. 8, Himmelblau p. 8, kink pp. 6–7, Rosenbrock p. 10: "COCO-style", "ECDF"
    and "IQR" were used undefined; the section's lead-in defines them before the figure, its
    caption and the table use them (the figure's sentence only when a figure is drawn)."""
    from analysis import plots

    b = _one_method_starts(["", ""], [3.0, 4.0])
    lead = b.doc.blocks[0].text
    assert ("A figure after the cost table is the empirical cumulative distribution function "
            "(ECDF) of that cost over the starts, as drawn on the COCO benchmarking platform "
            "(COmparing "
            "Continuous Optimisers); the table gives the median cost and its interquartile "
            "range (IQR: from the 25th to the 75th percentile) over the starts that reached "
            "the target.") in lead
    (fig,) = [f for f in b.doc.blocks if getattr(f, "caption", "")]
    assert fig.caption.startswith("ECDF over the starts (as on COCO): ")
    assert "COCO-style" not in fig.caption
    none = _one_method_starts(["diverged", "diverged"], [3.0, 4.0]).doc.blocks[0].text
    assert plots.ECDF_WORDS not in none
    assert f"The table gives the median cost and its {plots.IQR_WORDS}" in none


def test_the_many_starts_weights_are_printed_once_in_the_lead_in():
    """Reports' cost sections: the kernel weights stood in the lead-in and again in the ECDF
    caption; the lead-in gives them (their own text), the caption does not repeat them."""
    b = _one_method_starts(["", ""], [3.0, 4.0])
    weights = b.doc.blocks[0].text.split("compiled kernels, ")[1]
    weights = weights.replace("\u00a0", " ")  # a kernel's name is held on one line
    assert weights.startswith("in units of one f evaluation (t_f = 10 ns): f alone 1; f "
                              "with ∇f 2 (")
    (fig,) = [f for f in b.doc.blocks if getattr(f, "caption", "")]
    assert "weights" not in fig.caption.lower() and "t_f" not in fig.caption


def test_the_cost_table_comes_before_the_ecdf_figure():
    """Kink pp. 7–8: under the lead-in and the ECDF figure the page had room for 5 of the
    cost table's 8 rows, and the 3 with data went to the next page: the table comes right
    after the lead-in, the figure (which shrinks or floats) after it."""
    from analysis.pages import FigureBlock, Table

    kinds = [type(blk) for blk in _one_method_starts(["", ""], [3.0, 4.0]).doc.blocks
             if isinstance(blk, (Table, FigureBlock))]
    assert kinds == [Table, FigureBlock, Table]  # cost, ECDF, where the starts ended


def test_many_starts_median_and_quartiles_read_alike():
    """A quartile equal to the median prints as the same text (the kink report showed the
    median 55.85 beside an IQR top 55.8)."""
    from landscape.numfmt import fmt

    cost = np.array([50.0, 55.85, 55.85, 55.85, 60.0])  # q25 = median = q75 = 55.85
    table = _one_method_starts_table("Cost to", [""] * 5, cost)
    row = table.rows[0]
    median, (q25, q75) = row[3], row[4].split(" – ")
    assert median == q25 == q75 == fmt(55.85, report.COST_DIGITS) + "ᵐ"
    kmedian, (k25, k75) = row[5], row[6].split(" – ")
    assert kmedian == k25 == k75  # 55.85 × 10 ns = 0.5585 µs, one text


def test_many_starts_costs_keep_the_digits_of_their_column():
    """Study p. 38: the IQR cell '37.8ᵐ – 77ᵐ' (76.998) dropped the zero every other cost of
    the column shows to three digits: '77.0ᵐ'; a value three digits hold exactly (49.5)
    prints as it is."""
    cost = np.array([30.0, 37.8, 49.5, 76.998, 90.0])  # q25 = 37.8, median 49.5, q75 76.998
    row = _one_method_starts_table("Cost to", [""] * 5, cost).rows[0]
    assert row[3] == "49.5ᵐ"
    assert row[4] == f"37.8ᵐ – {76.998:#.3g}ᵐ" == "37.8ᵐ – 77.0ᵐ"


def test_many_starts_batch_time_keeps_the_digits_of_its_column():
    """Study p. 38: L-BFGS's batch CPU time printed '1.2ᵐ' (1.1997 ms) where the column
    prints three digits (0.498, 0.937, 21.2): '1.20ᵐ'; a whole 1 ms prints as it is."""
    cost = np.ones(3)
    ms = 1.1997
    row = _one_method_starts_table("Cost to", [""] * 3, cost, seconds=ms * 1e-3).rows[0]
    assert row[7] == f"{ms:#.3g}ᵐ" == "1.20ᵐ"
    assert _one_method_starts_table("Cost to", [""] * 3, cost).rows[0][7] == "1ᵐ"


def test_the_end_point_table_defines_its_diverged_row_only_when_it_has_one():
    """Rosenbrock p. 10: the end-point table had a row "diverged" (Nesterov 1) that its note
    did not define; the note now says what counts, by the engine's own divergence test."""
    from optimizers.driver import DIVERGENCE_BOUND

    def notes(outcomes):
        table = _one_method_starts_table("Where", outcomes, np.ones(len(outcomes)))
        return [r[0] for r in table.rows], " ".join(table.notes)

    names, text = notes(["", "", "diverged"])
    assert "diverged" in names
    assert "Diverged: the run met a non-finite x, f or ∇f, or an iterate with ‖x‖∞ > " in text
    exp = round(math.log10(DIVERGENCE_BOUND))  # printed as a power of ten, as in prose
    assert DIVERGENCE_BOUND == 10.0 ** exp
    sup = str(exp).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    assert f"10{sup}·(1 + ‖x₀‖∞)" in text
    names, text = notes(["", "", ""])
    assert "diverged" not in names and "Diverged:" not in text


def _one_region_analysis(formula: str):
    """The objective, an analysis stand-in (box [−5, 5]², exact critical points, small-gradient
    regions) and its one small-gradient region."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse(formula)
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    cps = obj.critical_points(box=box)
    v = obj.vanishing(box=box)
    A = NS(obj=obj, box=box, cps=cps, vanishing=v, minimum=list(cps)[0])
    (r,) = v.regions
    return obj, A, r


def test_small_gradient_region_of_a_quadratic_is_exact():
    """The quadratic report printed the region {‖∇f‖ < 0.001} of 0.1x² + 2y² as
    [−0.005ⁿ, 0.005ⁿ]; [−0.00025ⁿ, 0.00025ⁿ] with ‖∇f‖ = 0ⁿ at (0, 0): these are exact
    (∇f = H x with H = diag(0.2, 4), so |xᵢ| ≤ t/Hᵢᵢ, and ∇f(0) = 0)."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj, A, r = _one_region_analysis("0.1*x**2 + 2*y**2")
    box, v = A.box, A.vanishing
    cp = report.exact_critical_inside(A, r)
    assert cp is not None and np.allclose(cp.point, [0.0, 0.0])
    lower, upper = report.exact_region_extent(obj, cp, v.threshold, box, r)
    t = v.threshold
    assert lower == pytest.approx([-t / 0.2, -t / 4.0], rel=1e-15)
    assert upper == pytest.approx([t / 0.2, t / 4.0], rel=1e-15)
    # a rotated quadratic: the ellipse's extents are t·‖row of H⁻¹‖₂, not t/Hᵢᵢ
    obj2 = Objective.parse("x**2 + x*y + y**2")
    H = np.array([[2.0, 1.0], [1.0, 2.0]])
    w = t * np.linalg.norm(np.linalg.inv(H), axis=1)
    r2 = NS(lower=tuple(-w), upper=tuple(w), point=(0.0, 0.0), critical_point="nondegenerate")
    cp2 = list(obj2.critical_points(box=box))[0]
    lo2, hi2 = report.exact_region_extent(obj2, cp2, t, box, r2)
    assert hi2 == pytest.approx(list(w), rel=1e-12) and lo2 == pytest.approx(list(-w), rel=1e-12)
    # not quadratic: no exact extent
    obj3 = Objective.parse("x**4 + y**2")
    cp3 = list(obj3.critical_points(box=box))[0]
    assert report.exact_region_extent(obj3, cp3, t, box, r2) is None
    b = report.Builder("Regions")
    report._vanishing_table(b, A)
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    row = table.rows[0]
    assert "ⁿ" not in row[1] + row[2] + row[3] + row[4], row
    assert row[1].count("ᵉ") == 4 and row[3] == "0ᵉ" and row[4] == "0ᵉ"
    assert "ellipse" in table.notes[0] and "solved by SymPy" not in table.notes[0]
    # Quadratic p. 3: the exact bounds agree 'with the measured extents', which nothing on
    # the page described once the paragraph on them joined the notes: the notes say how
    # they were computed (the search's account), and call them computed, not measured
    assert "(agreeing with the computed bounds).  " in table.notes[0]
    assert f"Computed bounds are {v.extents}.  " in table.notes[0] and v.extents
    assert "measured extents" not in table.notes[0]
    assert "Computed bounds are " not in report.region_note(False, True, False, measured="how",
                                                         checked="how")


def test_title_page_lists_exactly_the_markers_the_report_uses(small_report):
    """The title page listed every marker (ᵃ "estimated" too) although no value of the
    report carried it: it lists the markers that follow a value on the later pages."""
    from pypdf import PdfReader

    from analysis import pages

    path, _ = small_report
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages]
    listed = [k for k, (m, what) in pages.HOW.items() if f"{m} {what}" in texts[0]]
    used = pages.used_hows(texts[1:])
    assert listed == used and listed, (listed, used)
    assert pages.used_hows(pages.block_texts([
        pages.Paragraph("f = 2ᵉ, βᵗ"), pages.Table([], [["0.5ᵐ"]], "t ᵃ", []),
        pages.FigureBlock(None, 1.0, caption="ρ = 0.9ᵗ")])) == ["exact", "measured", "theory"]


def test_study_numeric_statement_checks_name_their_test(tmp_path):
    """The chain rule against the exact derivative is decided by a relative error against a
    threshold: its summary cell names both (not "—")."""
    from analysis import study

    res = study.build_study(tmp_path, quick=True, sections=[study.section_chain])
    checks = json.loads(res.json.read_text())["checks"]
    rows = [c for c in checks if "exact SymPy derivative" in c["what"]]
    assert rows
    for c in rows:
        assert c["rel_diff"] is not None and c["rel_diff"] <= study.CHAIN_RTOL
        assert c["decided"] == (f"|m − p|/|p| {study.small_share(c['rel_diff'], 1e-12)} "
                                "≤ 1e-12")
    assert all(c["decided"] for c in checks)  # the bound rows too (study p. 40)
    text = squash(pdf_text(res.pdf))
    assert "≤ 1e-12" in text or "≤ 1e−12" in text


def test_study_predicted_order_has_one_marker(tmp_path):
    """Newton on cosh(cx): the predicted order 3 of the theory table (theory module, ᵗ) and
    of the check below it are one value from one source, with one marker."""
    from analysis import study

    res = study.build_study(tmp_path, quick=True, sections=[study.section_newton_cosh])
    data = json.loads(res.json.read_text())
    (st,) = data["rate_studies"].values()
    order = st["predicted"]["order"]
    assert order == pytest.approx(3.0, rel=0.05)
    (c,) = [c for c in data["checks"] if c["what"].startswith("order q of")]
    assert c["theory"] == report.fmt_num(order, 3) + "ᵗ"


def test_schedule_ratios_said_to_move_together():
    """Series run with the same noise draws: their ratios measured/theory correlate (the
    caption says so and by how much); independent draws do not."""
    from analysis import study

    rng = np.random.default_rng(0)
    noise = 1.0 + 0.01 * rng.standard_normal(200)
    exact = {"a": np.geomspace(1.0, 1e-3, 200), "b": np.geomspace(2.0, 1e-2, 200)}
    measured = {"a": exact["a"] * noise, "b": exact["b"] * (noise + 0.001)}
    lo, hi = study.ratio_correlations(measured, exact, 100)
    assert lo == hi == pytest.approx(1.0)
    assert "correlation 1 between the series over k ≤ 100" in study.together_text(
        measured, exact, 100)
    measured["b"] = exact["b"] * (1.0 + 0.01 * rng.standard_normal(200))
    assert abs(study.ratio_correlations(measured, exact, 100)[0]) < 0.3


def test_many_starts_tables_name_their_target_and_points():
    """The cost table says its target and starts in its title (it may be placed before the
    paragraph that defines them); without a critical-point table the note of where the
    starts ended says what P1 is."""
    from types import SimpleNamespace as NS

    from analysis.starts import Cluster, KernelCosts, StartsRun, StartsStudy

    n = 4
    run = StartsRun(label="newton", method="newton", hyper={}, x=np.ones((n, 2)),
                    fun=np.zeros(n), status=np.array(["converged"] * n, dtype=object),
                    nit=np.ones(n, int), nfev=np.ones(n, int), njev=np.ones(n, int),
                    nhev=np.ones(n, int), seconds=1e-3, cost=np.full(n, 20.0),
                    reached=np.ones(n, bool), outcome=np.array([""] * n, dtype=object),
                    cluster=np.zeros(n, int))
    study = StartsStudy(X0=np.zeros((n, 2)), box=np.array([[-2.0, 2.0], [-1.0, 3.0]]),
                        seed=0, runs={"newton": run},
                        clusters=[Cluster(np.ones(2), 0.0, 0.0, match=0, kind="minimum")],
                        tolerance=0.1, costs=KernelCosts({"f": 1e-8, "fg": 2e-8}, 4, 3),
                        f_star=0.0)
    cps = [NS(kind="minimum", point=(1.0, 1.0))]
    b = report.Builder("t")
    report.starts_body(b, "many starts", study, f_star_how="the value at (1, 1)",
                       numbering=report.critical_numbering(cps))
    titles = [str(getattr(t, "title", "")) for t in b.doc.blocks]
    assert f"Cost to reach the target f ≤ 10⁻⁶ from {n} starts drawn uniformly from the box" \
        in squash(" ".join(titles))
    (where,) = [t for t in b.doc.blocks if str(getattr(t, "title", "")).startswith("Where")]
    assert where.rows[0][0] == "P1 (minimum)"
    assert "(P1 = the minimum\u00a0(1, 1))" in " ".join(where.notes)
    assert "critical-point table" not in " ".join(where.notes)
    # Himmelblau p. 10: "3.2e−30ᵐ 29ᵐ", the lowest f and the GD count both right-aligned in
    # adjacent columns, ran together; no two right-aligned columns stand side by side
    aligns = [c.align for c in where.columns]
    assert aligns[2:] == ["c"] * (len(aligns) - 2), aligns
    assert not any(a == b == "r" for a, b in zip(aligns, aligns[1:], strict=False))


def test_basin_caption_names_only_the_grey_starts_present():
    """Himmelblau's map had only converged starts, yet its caption explained dark-grey
    (cycle) and light-grey (diverged) starts."""
    assert report.basin_greys_text(np.array([[0, 1], [2, 3]])) == ""
    assert report.basin_greys_text(np.array([0, -1])) == \
        "; light grey starts diverged or did not converge"
    assert report.basin_greys_text(np.array([0, -2])) == "; dark grey starts ended on a cycle"
    both = report.basin_greys_text(np.array([-1, 0, -2]))
    assert "dark grey" in both and "light grey" in both


def test_basin_caption_says_which_starts_ended_near_without_converging():
    """Rosenbrock p. 14: 60 starts that stopped at the iteration limit within 0.141 of P1
    were coloured as converged to it; drawn paler, the caption says what the shade counts,
    and the grey ones are then those near no critical point."""
    from types import SimpleNamespace as NS

    labels, conv = np.array([0, 0, -1]), np.array([True, False, False])
    assert report.basin_greys_text(labels, conv) == \
        "; light grey starts diverged or ended near no critical point"
    assert report.basin_greys_text(labels, np.array([True, True, False])) == \
        "; light grey starts diverged or did not converge"
    bm = NS(labels=labels, converged=conv)
    assert report.basin_near_text(bm, "0.141 (1% of the box diagonal 14.1)") == (
        ", in a paler shade where the run ended within 0.141 (1% of the box diagonal 14.1) "
        "of that point without converging (not converged, near it)")
    assert report.basin_near_text(NS(labels=labels, converged=None), "0.1") == ""


def test_finite_termination_table_fits_no_window():
    """CG on 0.1x² + 2y² reaches x* in two steps: its per-step table said "fit window
    k = 0–2" with a window mean while the error figure said no rate is fitted."""
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("0.1*x**2 + 2*y**2"), "cg", [-4.5, -4.7])
    assert st.measurement.kind == "finite"
    b = report.Builder("t")
    assert report.convergence_table(b, "cg", st, "s")
    (t,) = [blk for blk in b.doc.blocks if str(getattr(blk, "title", "")).startswith("cg")]
    assert "finite termination, no rate fitted" in t.title and "fit window" not in t.title
    assert not any("geometric mean" in str(c) for row in t.rows for c in row)


def test_region_bounds_keep_the_digits_that_tell_their_ends_apart():
    """The Himmelblau report printed regions [3ⁿ, 3ⁿ]; [2ⁿ, 2ⁿ] and [3.584ⁿ, 3.584ⁿ]: the
    two ends of a bound took four digits and rounded to the same text."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    assert report.interval_digits(2.99999, 3.00001) == 6
    assert report.interval_digits(0.07378, 0.07392) == 4
    assert report.interval_digits(1.0, 1.0) == 4
    # around the minimum x* = 1 of the 5-D Rosenbrock function (x₁ of its region): 4 digits
    # printed [0.9999, 1.000], x* on the region's edge
    assert report.interval_digits(0.99989645, 1.00010357) == 4
    assert report.interval_digits(0.99989645, 1.00010357, inside=1.0) == 5
    assert report.fmt_num(1.00010357, 5) == "1.0001"
    assert report.interval_digits(0.9983, 1.0017, inside=1.0) == 4  # already apart
    # ends that print as one number with different zeros ("2" and "2.000") are not apart:
    # 2.0000001 first reads as another number at 8 digits
    assert report.interval_digits(2.0, 2.0000001) == 8
    assert (report.fmt_num(2.0, 4), report.fmt_num(2.0000001, 4)) == ("2", "2.000")
    obj = Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    cps = obj.critical_points(box=box)
    v = obj.vanishing(box=box)
    A = NS(obj=obj, box=box, cps=cps, vanishing=v, minimum=min(cps, key=lambda c: c.value))
    b = report.Builder("Regions")
    report._vanishing_table(b, A)
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    assert len(table.rows) >= 9
    for row in table.rows:
        for lo, hi in re.findall(r"\[([^,\]]+), ([^\]]+)\]", row[1]):
            assert lo != hi, row[1]
            assert report.significant_digits(lo) == report.significant_digits(hi), row[1]
    # every bound is numeric: the note explains no exact bound (Himmelblau p. 3)
    assert "ᵉ" not in "".join(row[1] for row in table.rows)
    assert "ellipse" not in table.notes[0] and "Region bounds" not in table.notes[0]
    assert "smallest ‖∇f‖₂ = 0 there" in table.notes[0]


def test_how_region_bounds_are_computed_is_told_once_in_the_table_notes():
    """Himmelblau p. 3–4: the small-gradient table's footnote said its numeric bounds were
    "found by bisection along rays … (50 halvings)", and an italic paragraph after the table,
    which opened p. 4 alone before the next heading, said "extents computed: first exits …
    along rays … and along grid edges": two accounts of one computation, the second cut off
    from its table.  One account, the search's, is in the table's notes, and so is every
    other note of the search (a sentence); nothing follows the table."""
    from types import SimpleNamespace as NS

    from landscape import Objective
    from landscape.vanishing import extents_text

    obj = Objective.parse("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    cps = obj.critical_points(box=box)
    v = obj.vanishing(box=box, names=report.SOLVER_NAMES)
    v.notes.append("sub-grid search stopped by the time budget after 20 of 30 points")
    A = NS(obj=obj, box=box, cps=cps, vanishing=v, minimum=min(cps, key=lambda c: c.value))
    b = report.Builder("Regions")
    report._vanishing_table(b, A)
    blocks = b.doc.blocks
    assert isinstance(blocks[-1], report.Table), blocks[-1]
    table = blocks[-1]
    account = extents_text(True, report.SOLVER_NAMES["SLSQP"])
    notes = " ".join(table.notes)
    assert notes.count("along rays") == 1 and account in table.notes[0]
    assert "halvings" not in notes
    assert table.notes[-1] == ("Sub-grid search stopped by the time budget after 20 of 30 "
                               "points.")
    said = " ".join(getattr(blk, "text", "") for blk in blocks[:-1])
    assert "rays" not in said and "sub-grid" not in said
    # no table: the notes stay paragraphs
    A.vanishing = dataclasses.replace(v, regions=[])
    b = report.Builder("Regions")
    report._vanishing_table(b, A)
    assert [blk.text for blk in b.doc.blocks[1:]] == [
        "Sub-grid search stopped by the time budget after 20 of 30 points."]


def test_critical_point_note_explains_only_what_the_table_shows():
    """Kink p. 3: the footnote explained the test values 'hessian' and 'higher-order' and
    the κ formula, but not 'nondifferentiable', the only test value in the table (κ '—')."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    box = np.array([[-3.0, 3.0], [-3.0, 3.0]])
    b = report.Builder("Kink")
    report._critical_table(b, NS(obj=obj, box=box, cps=obj.critical_points(box=box)))
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    note = table.notes[0]
    assert "nondifferentiable: f has no Hessian" in note
    assert "κ =" not in note and "hessian:" not in note and "higher-order" not in note
    assert report.critical_note(["hessian", "hessian"], True) == (
        "κ = max|λ| / min|λ|; ‘test’ says how the kind was decided (Hessian: eigenvalue signs).")


def test_a_rounded_condition_number_keeps_its_digits():
    """Himmelblau p. 3: κ = 3.19976 printed "3.2ᵉ", which beside the exact marker reads as
    16/5; a κ its four digits round prints 3.200."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse("0.5*x**2 + 1.59988*y**2")  # eigenvalues 1 and 3.19976
    box = np.array([[-3.0, 3.0], [-3.0, 3.0]])
    b = report.Builder("κ")
    report._critical_table(b, NS(obj=obj, box=box, cps=obj.critical_points(box=box)))
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    kappa = table.rows[0][5]
    assert kappa[:-1] == f"{3.19976:#.4g}" == "3.200", kappa


def test_per_step_lead_in_names_only_the_rows_the_tables_have():
    """Kink p. 6: the lead-in promised a row with 'the rate the robust fit measured', but
    the bounded runs' tables had only the geometric-mean row."""
    e = 3.0 * 0.5 ** np.arange(40)
    # a run with a mean row and no fit row (a bound beaten superlinearly: cg, lbfgs); a
    # run settled on a cycle has neither (test_a_cycling_run_has_no_geometric_mean_row)
    nofit = _nw_study(e, "linear", 0.5, window=(5, 30), kind="superlinear")
    linear = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.5)
    assert not report.has_fit_row(nofit) and report.has_fit_row(linear)
    assert report.nw_rows(nofit) == {"mean"}
    text = report.nw_text([nofit, nofit])
    assert "robust fit measured there" not in text and "no row of a robust fit" in text
    assert "Row ‘robust fit’: the rate the robust fit measured over the same window." in \
        report.nw_text([linear])
    assert "Row ‘robust fit’ (a run with a measured rate): " in report.nw_text([linear, nofit])
    # Himmelblau p. 6: no run of the page had a growth factor
    assert "growth factor" not in report.nw_text([linear, nofit])
    grows = _nw_study(3.0 * 2.0 ** np.arange(40), "diverges", 2.0, window=(5, 30),
                      kind="diverges", rate=2.0)
    assert "(a run with a measured rate or growth factor): " in report.nw_text([grows, nofit])


def test_the_double_root_rule_says_why_its_band_lies_above_rho():
    """Himmelblau p. 5, quadratic p. 5, chained Rosenbrock p. 7: "[ρ, the window's average
    factor] (the window's k-bias)", a term defined nowhere. The rule now gives the reason in
    a formula, in the form the double root's own note gives ("theory's ‖eₖ‖ ≈ C (k + 1) ρᵏ"):
    over a window k = i..j the average factor (e_j/e_i)^(1/(j−i)) = ρ ((j + 1)/(i + 1))^(1/(j−i))
    lies above ρ, and tends to it."""
    rule = report.THEORY_RULES["double root"]
    assert "(as e_k ≈ C (k + 1) ρ^k)" in rule and "k-bias" not in rule
    rho, C = 0.5, 3.0
    for i, j in ((10, 30), (100, 300)):
        avg = ((C * (j + 1) * rho ** j) / (C * (i + 1) * rho ** i)) ** (1.0 / (j - i))
        assert avg == pytest.approx(rho * ((j + 1) / (i + 1)) ** (1.0 / (j - i)), rel=1e-12)
        assert rho < avg < rho * (1.0 + 1.0 / (i + 1))


def test_a_double_roots_per_step_table_gives_the_band_its_verdict_tests():
    """Himmelblau p. 6: Nesterov's table ended "theory 0.47831" under measured 0.4949, 0.49822
    and 0.49167 (3.5% off) while p. 5 said "agrees": the verdict tested the band from ρ to
    the window's average factor, which the table now gives after its theory row."""
    from types import SimpleNamespace as NS

    e = 3.0 * 0.51 ** np.arange(40)
    st = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.51)
    lo, hi = 0.5, 0.5 * (31 / 6) ** (1 / 25)
    st.comparison = NS(quantity="rate", rate_band=(lo, hi))
    b = report.Builder("t")
    assert report.convergence_table(b, "Nesterov", st, "s")
    table = b.doc.blocks[-1]
    assert table.rows[-2][0] == "theory"
    assert table.rows[-1] == ["theory band", "",
                              f"{report.fmt_num(lo, rate_digits(lo))}ᵗ–"
                              f"{report.fmt_num(hi, rate_digits(hi))}ᵗ (window 5–30)"]
    # one line: "(double root, window 78–133)" wrapped (quadratic p. 6, Himmelblau p. 6); the
    # note says whose band it is
    # its note gives the upper end's formula, which gives it back from ρ and the window
    assert report.BAND_ROW_NOTE in table.notes
    assert "ρ·((j+1)/(i+1))^(1/(j−i))" in report.BAND_ROW_NOTE
    i, j = 5, 30
    assert 0.5 * ((j + 1) / (i + 1)) ** (1 / (j - i)) == pytest.approx(hi, rel=1e-15)
    # (Himmelblau p. 6: "… average factor] a double root's verdict tests" read as a puzzle)
    assert ("Row ‘theory band’, after the row ‘theory’: the band [ρ, the window's average "
            "factor] tested for a double root.") in report.nw_text([st])
    st.comparison = NS(quantity="rate", rate_band=None)  # a simple root: no band row
    b = report.Builder("t")
    assert report.convergence_table(b, "GD", st, "s")
    assert b.doc.blocks[-1].rows[-1][0] == "theory"
    assert report.BAND_ROW_NOTE not in b.doc.blocks[-1].notes
    assert "theory band" not in report.nw_text([st])
    # study p. 27: "(heavy ball, Polyak's tuning, Nesterov, η = 1/L)" read as four runs;
    # each name is quoted as its table's title gives it
    both = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.51)
    both.comparison = NS(quantity="rate", rate_band=(lo, hi))
    simple = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.51)
    simple.comparison = NS(quantity="rate", rate_band=None)
    text = report.nw_text([simple, both, both],
                          ["GD", "heavy ball, Polyak's tuning", "Nesterov, η = 1/L"])
    assert ("Row ‘theory band’ (only in the tables of ‘heavy ball, Polyak's tuning’ and "
            "‘Nesterov, η = 1/L’), after the row ‘theory’: the band") in text, text


def test_the_per_step_table_prints_rho_and_the_fit_with_the_theory_rows_digits():
    """Study p. 24: the heavy-ball β = 0.25 per-step table printed 'robust fit 0.85892ᶠ' and
    'theory 0.85895ᵗ' where the theory-vs-measurement row of the same run printed 0.858916
    and 0.858945 (the digits that reproduce its relative difference): one print per number."""
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("0.1*x**2 + 2*y**2"), "momentum", [-5.0, -2.0], lr=0.6,
                    momentum=0.25)
    digits = report.row_rate_digits(st)
    assert digits is not None and digits > 5  # more than the rates' own 5 digits
    rho = max(max(abs(np.roots([1.0, -(1 + 0.25 - 0.6 * lam), 0.25]))) for lam in (0.2, 4.0))
    assert st.prediction.rate == pytest.approx(rho, rel=1e-12)
    row = report.theory_row(report.Builder("t"), "momentum", st)
    b = report.Builder("t")
    assert report.convergence_table(b, "momentum", st, "s")
    rows = {r[1] if r[0] != "theory" else "theory": r[2] for r in b.doc.blocks[-1].rows}
    theory = f"{report.fmt_num(rho, digits)}ᵗ"
    assert rows["theory"].startswith(theory) and row[2] == theory
    fit = f"{report.fmt_num(st.measurement.rate, digits)}ᶠ"
    assert rows["robust fit (measured rate)"] == fit and row[4].startswith(fit)

def test_a_rate_linear_only_on_average_prints_the_digits_its_spread_supports():
    """Study pp. 41, 44: CG on Rosenbrock measured "0.47147ᶠ", five digits, for a rate its
    window's errors stray 1.1 decades about (R-linear over k = 25–45): a line that close to
    the errors at both ends may tilt by 2·1.1/20 decades per step, ρ known only to a factor
    10^0.11 = 1.29 (±0.14), two digits.  The table's cell, the 'decided by' comparison with
    the bound and both window rows of the per-step table print it so; a window the line
    follows (Q-linear) keeps the rate's five digits, and a value next to the bound keeps
    the digits that leave it on its side."""
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison

    rho, mean, bound = 0.4714693145238614, 0.25365, 0.96085
    u = rho * (10 ** (2 * 1.1226736769118695 / 20) - 1)
    assert 0.1 < u < 0.2  # the first uncertain digit is ρ's first: ρ to 0.01
    m = NS(kind="linear", rate=rho, window=(25, 45), spread=1.1226736769118695, order=None,
           exponent=None, ratio_step=2)
    p = NS(kind="linear", rate=bound, exact=False, order=None)
    b = report.Builder("t")
    assert report._meas_cells(b, "cg", m, "0.96085", None, p)[1] == "0.47ᶠ [k = 25–45]"
    c = Comparison(True, "agrees", rel_diff=0.5, quantity="rate", predicted=bound,
                   measured=rho, tolerance=0.01)
    assert report.decided_by(c, p, m) == "ρ 0.47 ≤ bound 0.96085"
    # the window rows: the robust fit so; the geometric mean, computed from two measured
    # errors (no fit), to its rate digits as the ratios above it, over errors with that mean
    e = 0.64 * mean ** (np.arange(50) - 25.0)
    rows, _, _, _ = report._window_rows(b, "cg", "s", e, (25, 45), m, bound, [], "0.96085")
    assert [r[2] for r in rows] == ["0.25365ᵐ", "0.47ᶠ"]
    # a Q-linear window (errors on the line) keeps the rate's digits
    q = NS(**{**vars(m), "spread": 1e-3})
    assert report._meas_cells(b, "cg", q, "0.96085", None, p)[1] == "0.47147ᶠ [k = 25–45]"
    # beside the bound: 0.9609 > 0.96085 must not print as 0.96 (≤ 0.96085 as printed)
    near = NS(**{**vars(m), "rate": 0.9609})
    assert report.measured_rate_text(near) == "0.96"
    assert report.measured_rate_text(near, bound) == "0.961"
    assert report.measured_rate_text(NS(**{**vars(m), "rate": 0.9})) == "0.90"


def test_a_sublinear_rate_has_its_window_and_the_lead_in_calls_it_the_measured_rate():
    """Kink: the sublinear '∝ k^−a' cell had no fit window (a linear rate has one), and the
    lead-in said 'these runs have no measured rate' beside it."""
    from types import SimpleNamespace as NS

    k = np.arange(1.0, 200.0)
    sub = _nw_study(3.0 / k, "sublinear", 1.0, window=(20, 180), kind="sublinear")
    sub.measurement.exponent, sub.measurement.order = 1.0, None
    lin = NS(kind="linear", rate=0.5, exponent=None, order=None, window=(5, 30))
    b = report.Builder("t")
    assert report._meas_cells(b, "gd", sub.measurement)[1] == "∝ k^−a, a = 1.000ᶠ [k = 20–180]"
    assert report._meas_cells(b, "gd", lin)[1] == "0.50000ᶠ [k = 5–30]"
    assert report.nw_rows(sub) == {"mean"}
    text = report.nw_text([sub])
    assert "no measured rate" not in text
    # (study p. 13: one run, 'these runs'; the law as fitted, with its offset k₀: a reader
    # fitted k^−a alone and found 0.9992 for the printed 0.9998)
    assert ("(for this sublinear run the measured rate is the exponent a of e_k ∝ (k + "
            f"k₀)^−a in the table ‘{report.THEORY_TABLE}’, fitted as 1/slope of 1/d against k, "
            "d the decay −Δln e_k per step in blocks of the window (medians, not least "
            "squares); there is no ratio for a robust fit, so no row of one)") in text
    assert "(for these sublinear runs the measured" in report.nw_text([sub, sub])
    # that rule, applied by hand to GD on x³ (x ← x − 0.3x², e_k = x_k, window 10000–20000;
    # study p. 13): in each of 8 blocks the median decay per step over half the block, then
    # 1/(the median of the slopes of 1/d between block centres), is the printed exponent; a
    # least-squares fit of k^−a alone gives 0.9992, the reader's number, not it
    from analysis.empirical import measure

    xs = [1.0]
    for _ in range(20000):
        xs.append(xs[-1] - 0.3 * xs[-1] ** 2)
    e = np.array(xs)
    m = measure(e[:, None], [0.0])
    assert m.kind == "sublinear" and tuple(m.window) == (10000, 20000)
    log_e = np.log(e[10000:])
    edges = np.linspace(0, log_e.size, 9).astype(int)
    d, centres = [], []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        y, h = log_e[lo:hi], (hi - lo) // 2
        d.append(-np.median((y[h:] - y[:-h]) / h))
        centres.append(10000 + (lo + hi - 1) / 2)
    inv = 1.0 / np.array(d)
    slopes = [(inv[j] - inv[i]) / (centres[j] - centres[i])
              for i in range(8) for j in range(i + 1, 8)]
    assert 1.0 / np.median(slopes) == pytest.approx(m.exponent, rel=1e-9)
    assert f"{m.exponent:.4f}" == "0.9998"
    least = -np.polyfit(np.log(np.arange(10000, 20001)), log_e, 1)[0]
    assert f"{least:.4f}" == "0.9992"
    linear = _nw_study(3.0 * 0.5 ** np.arange(40), "linear", 0.5, window=(5, 30),
                       kind="linear", rate=0.5)
    assert "for a sublinear run the measured rate is the exponent a of" in \
        report.nw_text([linear, sub])


def test_the_order_rule_says_the_band_may_be_reached_within_two_standard_errors():
    """Study p. 21: "lies in [0.9 q, 1.3 q] (± 2 standard errors)" read as a band widened on
    both sides; the rule is: in the band, or within 2 standard errors of it (p. 9's order
    1.79 ± 0.16 against [1.8, 2.6] agrees so).  Chained Rosenbrock p. 7: "or reaches it
    within 2 standard errors" left "it" to be q or the band; the rule names the band, which
    an order 1.70 ± 0.06 reaches (1.82) and q = 2 does not (1.70 ± 0.06 agrees)."""
    from analysis import compare

    rule = report.THEORY_RULES["order"]
    assert rule == ("an order q when the measured order lies in [0.9q, 1.3q], or within 2 "
                    "standard errors of that band"), rule
    assert "(± 2" not in report.THEORY_NOTES
    from analysis.empirical import Measurement
    from analysis.theory.prediction import Prediction

    p = Prediction(kind="superlinear", order=2.0, exact=True)
    for q, se, agree in ((1.79, 0.16, True), (1.79, 0.0, False), (1.5, 0.1, False),
                         (1.70, 0.06, True), (1.70, 0.04, False), (2.70, 0.06, True),
                         (2.80, 0.06, False)):
        m = Measurement("superlinear", None, q, (0, 7), order_se=se, order_window=(4, 7))
        assert compare.compare(p, m).agree is agree, (q, se)
        assert (0.9 * 2.0 <= q + 2 * se and q - 2 * se <= 1.3 * 2.0) is agree


def test_an_order_that_agrees_has_no_note_that_says_its_cells_again():
    """Himmelblau p. 5: Newton's note "measured order 1.97 ± 0.019 (1 s.e.) within [0.9,
    1.3] × the predicted 2" said again what its cells "1.97ᶠ ± 0.019 (1 s.e.)" and "q = 1.97
    in [1.8, 2.6]" say; study p. 44 alike, "… within two standard errors of [0.9, 1.3] × the
    predicted 2" beside "q = 1.79 ± 0.16 (1 s.e.) reaches [1.8, 2.6] within 2 s.e.".  An
    order that agrees has no note; one that disagrees keeps it."""
    from analysis import compare
    from analysis.empirical import Measurement
    from analysis.theory.prediction import Prediction

    p = Prediction(kind="superlinear", order=2.0, exact=True)

    def row(q, se):
        m = Measurement("superlinear", None, q, (0, 7), order_se=se, order_window=(4, 7))
        c = compare.compare(p, m)
        return c, report.row_reason(c), report.decided_by(c, p, m)

    c, note, cell = row(1.97, 0.019)
    assert c.agree and note == "" and cell == "q = 1.97 in [1.8, 2.6]"
    assert "within [0.9, 1.3] × the predicted 2" in report.comparison_reason(c)
    c, note, cell = row(1.70, 0.06)
    assert c.agree and note == "", note
    assert "within two standard errors of [0.9, 1.3]" in report.comparison_reason(c)
    assert cell == "q = 1.7 ± 0.06 (1 s.e.) reaches [1.8, 2.6] within 2 s.e.", cell
    c, note, _ = row(2.80, 0.06)
    assert not c.agree and note == report.comparison_reason(c) != ""


def test_a_predicted_kind_cell_says_the_order_a_linear_kind_implies_not():
    """The predicted kind carries the predicted order q, which has no column: inside the
    brackets of a bound, beside an exact kind, never for a linear kind (q = 1)."""
    assert report.kind_with_order("quadratic", "2ᵗ") == "quadratic (order q = 2ᵗ)"
    assert report.kind_with_order("superlinear (bound)", "1.5ᵗ") == (
        "superlinear (bound, order q = 1.5ᵗ)")
    assert report.kind_with_order("linear (bound, no rate)", "—") == "linear (bound, no rate)"
    from types import SimpleNamespace as NS

    b = report.Builder("t")
    for order, shown in ((1.0, "—"), (None, "—"), (2.0, "2ᵗ")):
        p = NS(kind="linear" if order == 1.0 else "quadratic", rate=None, exact=True,
               order=order, details={})
        assert report._pred_cells(b, "m", p)[2] == shown, order


def test_an_on_average_kind_gives_its_explanation_in_the_note_column():
    """Study p. 21: with room in the table, the measured kind "linear on average (R-linear
    only: …)" was set whole, six lines tall in its column, and the table split over two
    pages.  The kind column says "linear on average"; the note column, what it means."""
    from analysis.compare import kind_words
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("0.1*x1**2 + 2*x2**2"), "momentum", [-5.0, -2.0],
                    lr=0.6, momentum=0.5)
    whole = kind_words(st.measurement, predicted=st.prediction)
    assert whole.startswith("linear on average (R-linear only: in each half of the window")
    row = report.theory_row(report.Builder("t"), "momentum", st)
    assert row[3] == "linear on average"
    assert row[-1] == whole[len("linear on average ("):-1], row[-1]
    # a run linear step by step keeps its kind and no note (β = 0.25 on the same f)
    steady = rate_study(Objective.parse("0.1*x1**2 + 2*x2**2"), "momentum", [-5.0, -2.0],
                        lr=0.6, momentum=0.25)
    row = report.theory_row(report.Builder("t"), "momentum", steady)
    assert row[3] == "linear" and row[-1] == "", row


def test_per_step_lead_in_reads_the_rows_in_the_tables_order():
    """Himmelblau p. 5, quadratic p. 5: the lead-in said the row before theory's is the
    geometric mean, 'followed' by the robust fit's rate, but the tables run geometric mean,
    robust fit, theory; kink p. 5: it named a column e_(k+1)/e_k^q no table there has."""
    e = 3.0 * 0.5 ** np.arange(40)
    linear = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.5)
    nofit = _nw_study(e, "linear", 0.5, window=(5, 30), kind="superlinear")
    for studies in ([linear], [linear, nofit], [nofit]):
        text = _check_lead_in(studies)
        assert "e_(k+1)/e_k^q" not in text, text
        mean = r"geometric mean of the ratio over the window i–j in its first cell"
        assert re.search(mean + r".*robust fit|" + mean + r" \(", text), text
        assert text.index("geometric mean") < text.index("Row ‘theory’: what theory says")
    assert ("tables.  Row ‘geometric mean’: the geometric mean of the ratio over the window "
            "i–j in its first cell.  Row ‘robust fit’: the rate the robust fit measured over "
            "the same window."
            "  Row ‘theory’: what theory says the ratio tends to.") in report.nw_text([linear])


def _nw_study(errors, predicted, p_rate=None, order=None, window=None, kind=None, rate=None,
              how="exact"):
    """A rate study with errors ``errors`` (one coordinate, x* = 0), a prediction and a
    measurement (kind, rate, fit window)."""
    from types import SimpleNamespace as NS

    return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
              reference=np.zeros(1), minimizer=np.zeros(1), minimizer_how=how,
              prediction=NS(kind=predicted, rate=p_rate, order=order, exact=True),
              measurement=NS(kind=kind, rate=rate, window=window))


def _row_kinds(table) -> set[str]:
    """The kinds of summary rows a per-step table has, read from its cells."""
    kinds = set()
    for row in table.rows:
        kinds |= {"mean"} if "geometric mean" in row[1] else set()
        kinds |= {"fit"} if "robust fit" in row[1] else set()
        kinds |= {"reached"} if any("x* reached" in c for c in row) else set()
    return kinds


def _check_lead_in(studies) -> str:
    """Build the per-step tables of ``studies`` and check their lead-in against them: each
    row it names is in some table, a row it gives every table as such is in each one."""
    b = report.Builder("t")
    tables = []
    for i, st in enumerate(studies):
        if report.convergence_table(b, f"run{i}", st, "s"):
            tables.append(b.doc.blocks[-1])
    have = [_row_kinds(t) for t in tables]
    text = report.nw_text(studies)
    named = {"mean": "geometric mean" in text,
             "fit": "robust fit measured" in text,
             "reached": "reached x*" in text}
    for kind, said in named.items():
        if said:
            assert any(kind in h for h in have), (kind, text, have)
    if "Row ‘geometric mean’:" in text:  # said of every table
        assert all("mean" in h for h in have), (text, have)
    if "Row ‘robust fit’:" in text:
        assert all("fit" in h for h in have), (text, have)
    order = [text.find(w) for w in ("geometric mean", "robust fit measured", "what theory says")]
    order = [i for i in order if i >= 0]
    assert order == sorted(order), text  # the rows in the order the tables have them
    q_column = "e_(k+1)/e_k^q" in text
    assert q_column == any(len(t.columns) == 4 for t in tables), (text, tables)
    return text


def test_per_step_lead_in_names_no_row_that_a_newton_table_lacks():
    """Study p. 18: above Newton's table (ratios e_(k+1)/e_k^q, no fit window rows) the
    lead-in said 'the row before it the geometric mean of the ratio over the fit window'."""
    linear = _nw_study(3.0 * 0.5 ** np.arange(40), "linear", 0.5, window=(5, 30),
                       kind="linear", rate=0.5)
    e = [0.5]  # e_(k+1) = e_k²: quadratic, order 2
    while e[-1] > 1e-9:
        e.append(e[-1] ** 2)
    newton = _nw_study(e, "quadratic", order=2.0, window=(0, len(e) - 1), kind="quadratic")
    text = _check_lead_in([newton])
    assert "geometric mean" not in text and "robust fit" not in text
    assert report.nw_rows(newton) == frozenset()
    assert report.nw_rows(linear) == {"mean", "fit"}
    both = _check_lead_in([linear, newton])
    assert "(a run with a fit window whose theory gives no order q)" in both
    _check_lead_in([linear])
    bounded = _nw_study(3.0 * 0.5 ** np.arange(40), "linear", 0.5, window=(5, 30),
                        kind="bounded")
    _check_lead_in([bounded, newton])
    _check_lead_in([bounded, linear])


def test_a_cycling_run_has_no_geometric_mean_row():
    """Kink p.6: "geometric mean 0.99971" (momentum, window 21–1000) and "0.9999356"
    (nesterov, window 8–1000) read like slow contraction, but both runs cycle; a window of
    whole cycles would give exactly 1.  A run settled on a cycle (measured kind bounded)
    has no mean row; its table still ends with the theory row."""
    cycle = np.tile([0.59, 0.41], 60)  # gd's 2-cycle around the kink of |x|
    st = _nw_study(cycle, "bounded", window=(5, 119), kind="bounded")
    assert report.nw_rows(st) == frozenset()
    b = report.Builder("t")
    assert report.convergence_table(b, "gd", st, "s")
    table = b.doc.blocks[-1]
    assert not any("geometric mean" in str(c) for r in table.rows for c in r)
    assert table.rows[-1][0] == "theory"
    text = _check_lead_in([st])
    assert "geometric mean" not in text


def test_finite_termination_table_shows_the_step_onto_x_star():
    """Quadratic p. 5: CG reaches x* of a 2-D quadratic in two steps (exact arithmetic: n
    steps), but the rule dropping errors at the rounding floor left that step out, so the
    table did not show that CG finished; from a start on an eigenvector its first step lands
    exactly on x* (one exact line search along an eigenvector)."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("0.1*x**2 + 2*y**2")
    for x0, at in (([-4.5, -4.7], 2), ([0.0, -4.7], 1)):
        st = rate_study(obj, "cg", x0)
        b = report.Builder("t")
        assert report.convergence_table(b, "cg", st, "s")
        table = b.doc.blocks[-1]
        (row,) = [r for r in table.rows if "x* reached" in r[2]]
        assert row[0] == str(at), table.rows
        steps = [r[0].rstrip("†‡*") for r in table.rows[:-1]]
        assert steps == [str(k) for k in range(at + 1)], table.rows  # no step left out
        assert report.nw_rows(st) == {"reached"}
        assert "except the step at which a terminating run reached x*" in _check_lead_in([st])
    assert row[2] == "x* reached exactly" and row[1].startswith("0")


def test_a_terminating_run_gets_no_limit_of_its_ratio():
    """Quadratic p. 5: Newton reaches x* of 0.1x² + 2y² in one step, yet the theory row of
    its per-step table said '→ 0' (a limit of e_(k+1)/e_k, which a run that ends on x* never
    takes): it says after how many steps theory makes the method exact."""
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("0.1*x**2 + 2*y**2"), "newton", [-4.59, -4.83])
    assert st.prediction.kind == "finite" and st.measurement.kind == "finite"
    b = report.Builder("t")
    assert report.convergence_table(b, "newton", st, "s")
    table = b.doc.blocks[-1]
    assert table.rows[-1][0] == "theory" and table.rows[-1][2] == "exact after 1 step"
    assert not any("→" in str(c) for row in table.rows for c in row)
    assert "after how many steps it is exact" in report.nw_text([st])
    assert report.finite_text(3, exact=False) == "exact after at most 3 steps"


def test_a_bounded_run_has_no_fit_mark_and_says_bound_once():
    """Kink p. 5: gd's per-step table marked its window geometric mean ᶠ (a fit) beside a
    lead-in saying the run has no robust fit, and the theory cells read 'bounded (bound)'
    and 'bounded (bound, no rate)'.  A kind that is a bound says so once; the run cycles,
    so its table has no mean row either (kink p. 6), only measured ratios."""
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("abs(x) + relu(y-1) + 0.5*y**2"), "gd", [-4.59, -4.83],
                    lr=1.0)
    assert st.prediction.kind == "bounded" and not st.prediction.exact
    assert st.measurement.kind == "bounded" and not report.has_fit_row(st)
    b = report.Builder("t")
    assert report.convergence_table(b, "gd", st, "s")
    table = b.doc.blocks[-1]
    assert not [r for r in table.rows if r[1] == "geometric mean"]
    assert "ᶠ" not in "".join(str(c) for r in table.rows for c in r)
    assert table.rows[-1] == ["theory", "", "bounded, no rate"]
    assert report._pred_cells(b, "gd", st.prediction)[0] == "bounded"
    from types import SimpleNamespace as NS

    assert report.predicted_kind(NS(kind="linear", exact=False), "no rate") == (
        "linear (bound, no rate)")


def test_a_cycling_runs_table_names_its_window_for_what_it_is_and_the_lead_in_is_true():
    """Kink p. 6: the table of a run that cycles said 'fit window k = 4–1000' though nothing
    is fitted, and the lead-in promised 'what theory says the ratio tends to' above a last
    row reading 'bounded, no rate'.  The title names the iterations around the cycle (or in
    the band), the † note says what they are, and the lead-in says what theory says here."""
    from analysis import plots
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("abs(x) + relu(y-1) + 0.5*y**2"), "gd", [-4.59, -4.83],
                    lr=1.0)
    m = st.measurement
    assert m.kind == "bounded"
    where = "around the cycle" if m.period is not None else "in the band"
    b = report.Builder("t")
    assert report.convergence_table(b, "gd", st, "s")
    table = b.doc.blocks[-1]
    a, z = m.window
    assert table.title.endswith(f" (iterations k = {a}–{z} {where}, nothing fitted)")
    assert "fit window" not in table.title
    if any(str(r[0]).endswith(report.SETTLED_MARK) for r in table.rows):
        assert report.OUTSIDE_NOTE not in table.notes
        # the page prints the note with its subscripts set (x_j → xⱼ)
        assert plots.page_script(report.BOUNDED_OUTSIDE_NOTE) in table.notes
    text = report.nw_text([st])
    assert "tends to" not in text
    assert "what theory says of the ratio, here ‘bounded, no rate’: it gives no limit" in text
    e = 3.0 * 0.5 ** np.arange(40)
    linear = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.5)
    both = report.nw_text([linear, st])
    assert ("what theory says the ratio tends to (or, for a method for which it gives no "
            "limit, what it says: ‘bounded, no rate’)") in both


def _compared(quantity, exact=True, **kw):
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison

    c = Comparison(kw.pop("agree", True), kw.pop("verdict", "agrees"), quantity=quantity, **kw)
    return NS(comparison=c, prediction=NS(exact=exact, kind="linear", rate=kw.get("predicted")),
              measurement=NS(kind="linear", rate=kw.get("measured"), window=(0, 50)))


def test_theory_note_explains_only_the_criteria_its_rows_use():
    """Study p. 10, kink p. 5, Rosenbrock p. 6: the theory table's note explained orders,
    cycles at a kink, stochastic levels and double roots beside rows that use none of them."""
    rate = _compared("rate", rel_diff=0.001, speed_diff=0.002, predicted=0.6, measured=0.6006,
                     tolerance=0.01)
    none = _compared(None, agree=False, verdict="not comparable", reason="no rate")
    assert report.theory_criterion(rate) == ("rate", "rate")
    assert report.theory_criterion(none) == (None, None)
    head, _, note = report.theory_notes([rate, none])
    assert "within 1% on ρ and on −ln ρ" in note and "Δρ/ρ or Δln ρ/ln ρ" in note
    for unused in ("[0.9q, 1.3q]", "2ηG/(1 − β)", "stochastic level", "double root",
                   "kind: only", "a bound (line-search"):
        assert unused not in note, unused
    cycle = _compared("band", exact=False, predicted=2.0, measured=1.0, rel_diff=0.5)
    head, _, note = report.theory_notes([cycle])
    assert "2ηG/(1 − β)" in note and "Δρ/ρ" not in note and "within 1% on ρ" not in note
    # kink p.5: the cycle bound comes with its size's meaning, derivation and source
    assert "its diameter: the largest distance between two of its points" in note
    assert "within one step of it on either side (2ηG; the subgradient method" in note
    assert "η/(1 − β)" in note
    assert "Nesterov 2018, §3.2.3" in note
    assert "[0.9q, 1.3q]" not in note
    assert report.theory_notes([none]) == []  # nothing compared, no rate shown
    assert head == report.THEORY_HEAD  # the same for every table: once per page
    # the full note (every criterion) is still the union
    assert all(r in report.THEORY_NOTES for r in report.THEORY_RULES.values())


def test_theory_note_says_how_a_fit_window_is_chosen():
    """Quadratic p. 5: the note under the theory table said how a fit window is used but not
    how it is chosen (Nesterov's starts at k = 78: why?). It says so, and the rule it states
    is the one the fit follows: a transient at rate 0.5, then rate 0.9 down to the floor."""
    import numpy as np

    from analysis import empirical as E

    head = report.THEORY_HEAD
    assert ("A fit window ends at the last error above the floor; it holds the last third of "
            "those errors and reaches back as far as the local rate (a robust slope over a "
            "sliding eighth of them, at least 3) stays within 1% (or the noise) of the rate "
            "over that third, and starts at the first step whose own ratio does too: the "
            "steps before it are the transient.") in head
    # study p. 39: CG's window [k = 25–45] and L-BFGS's ratios at k = 34, 36, 38 passed the
    # 43 and 39 iterations of those methods' runs two pages before; a note of the table says
    # whose k they are, short and headless so that every such table prints it in full
    from analysis.pages import LONG_NOTE, note_head

    k_note = ("Every k of a fit window or of a ratio is an iteration of its method's "
              f"{report.RATE_STUDY}: the method run again from x₀ with no gradient tolerance, "
              "so it can exceed the iterations of the same method's run that stopped at its "
              "tolerance.")
    rate = _compared("rate", rel_diff=0.001, speed_diff=0.002, predicted=0.6, measured=0.6006,
                     tolerance=0.01)
    assert report.theory_notes([rate])[:2] == [head, k_note]
    assert len(k_note) < LONG_NOTE and note_head(k_note) == ""
    e = np.concatenate([0.5 ** np.arange(20), 0.5 ** 19 * 0.9 ** np.arange(1, 300)])
    n = E.valid_length(e, E.default_floor())
    a, z = E.linear_fit(e).window
    assert z == n - 1 and a <= n - n // 3
    w = max(3, n // 8)
    third = E.robust_slope(np.log(e[n - n // 3:n]))
    local = [E.robust_slope(np.log(e[j:j + w])) for j in range(a, n - n // 3)]
    assert all(abs(s - third) <= 0.01 * abs(third) for s in local)
    l = np.log(e)  # the step before it is off by more than 1%, its own is not
    assert abs(l[a] - l[a - 1] - third) > 0.01 * abs(third) >= abs(l[a + 1] - l[a] - third)
    assert a == 19  # the transient (rate 0.5 to k = 19) is left out, all of it


def test_theory_notes_define_rates_only_beside_a_rate():
    """Kink p. 5: the note 'Rate = factor …  Predicted from the Hessian at x* …  measured by
    a robust fit' stood under a table of cycles at a kink, with no rate or order column and
    no Hessian at x*."""
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison

    cycle = NS(comparison=Comparison(True, "agrees", quantity="band", predicted=2.0,
                                     measured=1.0),
               prediction=NS(kind="bounded", exact=False, rate=None, order=None, exponent=None),
               measurement=NS(kind="bounded", rate=None, order=None, exponent=None,
                              window=(4, 1000)))
    notes = report.theory_notes([cycle])
    assert not any("Rate = factor" in n or "Hessian" in n for n in notes), notes
    assert any("2ηG/(1 − β)" in n for n in notes)
    rate = _compared("rate", rel_diff=0.001, speed_diff=0.002, predicted=0.6, measured=0.6006,
                     tolerance=0.01)
    assert report.theory_notes([cycle, rate])[0].startswith("Rate = factor")


def test_theory_lead_in_says_what_the_runs_did():
    """Kink p. 4: 'Its error is measured to the point the run converged to' above runs that
    cycle around the kink (a 2-cycle of size 1 for gd with lr = 1 on |x|)."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    st = rate_study(obj, "gd", [-4.59, -4.83], lr=1.0)
    assert report.run_outcome(st) == "cycles"
    text = report.error_point_text({"gd": st})
    assert "converged to" not in text and "cycle" in text
    # kink p.5: "measured to the point the cycle settles around", while the errors are
    # distances to the kink (0, 0), which is not the midpoint of the cycle
    err = np.linalg.norm(np.asarray(st.result.path, float) - np.asarray(st.minimizer), axis=1)
    assert np.allclose(np.asarray(st.minimizer, float), 0.0) and err[-1] > 0
    assert text == ("Each run's error is measured to the exact x* = (0, 0): gd settled on a "
                    "cycle around it, its errors distances to it, not to the cycle's "
                    "midpoint.")
    assert "settles around" not in text
    e = 3.0 * 0.5 ** np.arange(40)
    conv = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.5)
    far = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.99,
                    how="none: the run ended far from every critical point (…)")
    conv.result.status = "converged"
    assert report.error_point_text({"a": conv}) == (
        "Each run's error is measured to the exact x* = 0, which the run reached.")
    # quadratic p.5: 'for CG the point the run converged to; for GD, … the point the run
    # reached', both the exact x* = (0, 0): one point, which every run reached
    floor = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.5)
    floor.measurement.floor_index = 35
    assert report.run_outcome(floor) == "reached"
    assert report.error_point_text({"CG": conv, "GD": floor}) == (
        "Each run's error is measured to the exact x* = 0, which every run reached.")
    # quadratic p.4: 'BFGS, L-BFGS ended near it, with no rate measured' for runs whose error
    # fell to the rounding floor too fast for a kind (measured none): they reached x*
    fast = _nw_study(e, "linear", 0.5, window=None, kind="none", rate=None)
    fast.measurement.floor_index = 8
    assert report.run_outcome(fast) == "reached"
    fast.measurement.floor_index = None
    assert report.run_outcome(fast) == "stopped"
    mixed = report.error_point_text({"a": conv, "gd": far, "b": st})
    assert "for a the point the run converged to" in mixed
    assert ("for gd the minimum nearest to x₀ (the run ended outside the convergence radius "
            "of every critical point)") in mixed
    assert "for b the critical point the run's cycle lies around, not the cycle's midpoint" \
        in mixed
    # kink p.5: the cycling runs' point is named, when they share one (here st's, the kink)
    pt = report.fmt_point(st.minimizer)
    assert f"(the run does not converge: it cycles), the exact x* = {pt}" in mixed


def test_the_verb_of_a_run_follows_its_status():
    """Rosenbrock p. 6: 'for …, adam … the point the run converged to' although adam's run
    stopped at its iteration cap with ‖∇f‖∞ = 8.5e-4: a run converged only when its status
    says so; one whose error fell to the rounding floor reached x*; any other ended near it."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("0.1*x**2 + 2*y**2")
    capped = rate_study(obj, "gd", [-4.59, -4.83], lr=0.25, maxiter=100)
    assert capped.result.status == "maxiter" and capped.minimizer_how == "exact"
    assert capped.measurement.floor_index is None
    assert report.run_outcome(capped) == "near"
    floor = rate_study(obj, "gd", [-4.59, -4.83], lr=0.25)
    assert floor.measurement.floor_index is not None and floor.result.status != "converged"
    assert report.run_outcome(floor) == "reached"
    text = report.error_point_text({"gd": capped, "nesterov": floor})
    assert "converged" not in text
    # quadratic p. 4: both measure to the same exact minimizer, which the sentence names
    assert text == ("Each run's error is measured to the exact x* = (0, 0): gd ended near "
                    "it, its error still above the rounding floor; nesterov reached it.")


def test_the_kink_report_defines_theta_and_says_statuses_in_words():
    """Kink report: ∂f/∂y = y + θ(y − 1) with θ never defined, and statuses written as code
    names in prose ('line_search_failed after 1 iteration', '(status maxiter, …)')."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    b = report.Builder("Kink")
    report._symbolic(b, report.Analysis(obj, np.array([[-5.0, 5.0], [-5.0, 5.0]])))
    texts = [getattr(blk, "text", "") for blk in b.doc.blocks]
    (note,) = [t for t in texts if "θ" in t]
    assert "θ(t) is the unit step: 0 for t < 0 and 1 for t > 0" in note
    assert report.symbol_notes(Objective.parse("x**2 + y**2").gradient_list) == ""
    # kink p.3: ∂f/∂x = sign(x) and ∂²f/∂y² = 1 hold only off the kinks x = 0 and y = 1
    assert note.endswith("The derivatives hold off the kinks of f, x = 0 and y = 1, where f "
                         "has no gradient or Hessian.")
    assert report.kink_sets(Objective.parse("abs(x + y) + max(x, 2*y)").gradient_list) == [
        "x - 2·y = 0", "x + y = 0"]  # −x + 2y = 0 is the same line, said once
    assert report.kink_note(Objective.parse("x**2 + y**2").gradient_list) == ""
    res = NS(status="line_search_failed", nit=1, jac=np.array([4.81, 0.0]))
    assert report._status_phrase(res) == "line search failed after 1 iteration, ‖∇f‖∞ = 4.81"
    far = report.prose("the run ended at (1, 2), far from every critical point (status maxiter)")
    assert "(status: iteration limit)" in far and "maxiter" not in far
    assert report.prose("maxiter = 1000 iterations reached without meeting the tolerances") == (
        "reached the iteration limit of 1 000 iterations without meeting the tolerances")
    res.status, res.nit = "maxiter", 1000
    assert report._status_phrase(res) == (
        "stopped at the iteration limit of 1 000 iterations, ‖∇f‖∞ = 4.81")


def test_a_long_note_of_a_run_that_ended_outside_every_radius_keeps_its_head():
    """Rosenbrock (n = 5) p. 6: GD's not-comparable note, the whole of What failed's text
    (where it ended, the radius and how it is set, its status, where theory was evaluated),
    was 28 lines in the note column; it says how far from which point the run ended against
    that point's radius, and points to the section that says the rest."""
    from types import SimpleNamespace as NS

    from analysis.rates import OUTSIDE_EVERY, _nearest_text

    x0 = np.array([-1.2, 1.0, -1.2, 1.0, -1.2])
    cps = [NS(point=np.array([-0.7756, 0.6130, 0.3820, 0.1459, 0.0213])),
           NS(point=np.array([1.0, 1.0, 1.0, 1.0, 1.0]))]
    end = np.array([0.896524, 0.803748, 0.645922, 0.416671, 0.170476])
    far = (f"none: the run ended at {tuple(end)} after 20 000 iterations, {OUTSIDE_EVERY} ("
           + _nearest_text(end, x0, cps) + "status maxiter, ‖∇f‖∞ = 0.752); theory evaluated "
           "at the minimum (1, 1, 1, 1, 1) nearest to x₀ (exact)")
    study = NS(minimizer_how=far, result=NS(x=end), x0=x0)
    d = float(np.linalg.norm(end - cps[1].point))
    sep = float(np.linalg.norm(cps[1].point - cps[0].point))
    radius = 0.1 * min(float(np.linalg.norm(x0 - cps[1].point)), sep)
    head = report.outside_head(study, cps)
    # the radius with its rule, in numbers the page can check (chained Rosenbrock p. 7):
    # here the nearer scale is the distance to the other critical point
    assert sep < float(np.linalg.norm(x0 - cps[1].point))
    rule = ("within which a run counts as converged to it: 0.1 × its distance from the "
            f"nearest other critical point, {fmt(sep, 3)}")
    assert head == (f"the run ended {fmt(d, 3)} from P2, outside its convergence radius "
                    f"{fmt(radius, 3)} ({rule})")
    reason = far.removeprefix("none: ")
    assert len(reason) > report.ROW_NOTE_CHARS
    assert report.row_note(reason, "What failed", head) == (
        f"{head[:-1]}; reasons in full under “What failed”)")
    assert report.row_note(reason, None, head) == reason  # no section prints it: whole
    # the reason as the report writes it, its detail after ": ": the note keeps the head,
    # then which point the run ended nearest and how its radius is set (chained Rosenbrock
    # p. 6 said "outside the convergence radius of every critical point" and no more)
    written = (f"the run ended at {tuple(end)} after 20 000 iterations, {OUTSIDE_EVERY}: "
               + _nearest_text(end, x0, cps) + "; status maxiter, ‖∇f‖∞ = 0.752; theory "
               "evaluated at the minimum (1, 1, 1, 1, 1) nearest to x₀ (exact)")
    assert len(written) > report.ROW_NOTE_CHARS
    detail = report.outside_detail(study, cps)
    assert detail == (f"{fmt(d, 3)} from P2, the nearest, whose radius is {fmt(radius, 3)} "
                      f"({rule})")
    assert report.row_note(written, "What failed", head, detail) == (
        f"the run ended at {tuple(end)} after 20 000 iterations, {OUTSIDE_EVERY}: "
        f"{detail[:-1]}; reasons in full under “What failed”)")
    assert report.row_note(written, "What failed", head) == (
        f"the run ended at {tuple(end)} after 20 000 iterations, {OUTSIDE_EVERY} (reasons "
        "in full under “What failed”)")
    assert report.outside_detail(NS(minimizer_how="exact", result=NS(x=end), x0=x0),
                                 cps) is None
    assert report.outside_head(NS(minimizer_how="exact", result=NS(x=end), x0=x0), cps) is None


def test_counts_of_iterations_set_their_thousands_apart_as_the_figures_do():
    """Kink p. 8's panel titles read "GD (1 000 it.)", p. 9's caption "GD 1000, …
    iterations": a count of iterations has one form, its thousands apart, in prose, captions
    and figure titles alike."""
    from types import SimpleNamespace as NS

    from analysis.plots import iterations_text

    def st(nit):
        return NS(result=NS(nit=nit, status="maxiter"), measurement=NS(floor_index=None),
                  budget=None)

    text = report.study_lengths_text([("GD", st(1000)), ("Adam", st(1000))])
    count = iterations_text(1000).removesuffix(" it.")
    assert count == "1 000" and text.startswith(f"GD {count}, Adam {count} iterations (")
    assert report.study_length_text("Adam", st(20000)).startswith("Adam 20 000 iterations")
    res = NS(status="maxiter", nit=1000, jac=np.array([1.0, 0.0]))
    assert report._status_phrase(res).startswith(f"stopped at the iteration limit of {count} "
                                                 "iterations")
    assert report.prose("maxiter = 1000 iterations reached") == (
        f"reached the iteration limit of {count} iterations")
    runs = [NS(hyper={}, method="gd", shown="GD"), NS(hyper={"maxiter": 200}, method="bfgs",
                                                     shown="BFGS")]
    from optimizers import registry

    assert report.limit_text(runs) == (
        f"{spaced(registry.METHODS['gd'].maxiter)} for GD; 200 for BFGS")


def test_the_stopping_rules_name_every_stop_the_runs_made():
    """Kink p. 4: "stopped with the optimizers' default rules: ‖∇f‖∞ ≤ the gradient tolerance
    10⁻⁶, or the iteration limit (…)", while Newton, BFGS, L-BFGS and CG all stopped on a
    failed line search (the table's status column).  The sentence names the runs that
    stopped on another rule, and that rule in words (kink p. 4 then read "stopped instead on:
    line search failed", a stray colon)."""
    from types import SimpleNamespace as NS

    def run(shown: str, status: str) -> NS:
        return NS(shown=shown, result=NS(status=status))

    runs = [run("GD", "maxiter"), run("Newton", "line_search_failed"),
            run("Adam", "converged"), run("BFGS", "line_search_failed"),
            run("CG", "diverged")]
    assert report.other_stops_text(runs) == (
        "; Newton and BFGS stopped instead at a failed line search"
        "; CG stopped instead on divergence")
    assert report.other_stops_text([run("GD", "odd_status")]) == (
        "; GD stopped instead with status ‘odd status’")
    assert report.other_stops_text(runs[:1] + runs[2:3]) == ""
    assert report.status_text("line_search_failed") == "line search failed"


def test_the_start_is_followed_by_no_second_bracket():
    """Every report: 'x₀ = (−4.59, −4.83) (uniform draw from the box (seed 0), …)', two
    bracket groups back to back and one nested: how the start was chosen follows a comma."""
    import types

    obj = types.SimpleNamespace(compiled=types.SimpleNamespace(value=lambda x: 0.0),
                                grad=lambda x: np.zeros(2))
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    x0, how = report.default_start(obj, box, [np.zeros(2)], np.zeros(2), seed=0)
    text = report.start_text(x0, how)
    assert text.startswith(f"x₀ = {report.fmt_point(x0)}, a uniform draw from the box with "
                           "seed 0, rounded to 2 decimals")
    assert ") (" not in text and "(seed" not in how
    assert report.start_text([1.0, 2.0], "given") == "x₀ = (1, 2), as given"


def test_columns_of_dashes_only_are_dropped():
    """Study p. 18: Newton's theory table kept its 'predicted rate' and 'measured rate'
    columns though every cell was '—', squeezing the 'decided by' cell."""
    cols, rows = report.drop_empty_columns(["a", "b", "c"],
                                           [["1", "—", "—"], ["2", " — ", "x"]])
    assert cols == ["a", "c"] and rows == [["1", "—"], ["2", "x"]]
    b = report.Builder("t")
    t = b.doc.table(report.THEORY_COLUMNS, [["newton", "cubic (order q = 3ᵗ)", "—",
                                             "superlinear", "—", "2.94ᶠ",
                                             "q = 2.94 in [2.7, 3.9]", "agrees", "r"]])
    assert [c.header for c in t.columns] == ["method", "predicted kind", "measured kind",
                                            "measured order", "decided by", "verdict",
                                            "note"]


def test_decided_by_is_short_and_never_a_bare_dash():
    """Rosenbrock p. 6: '—' as the decided-by of the two not-comparable rows, and a
    double root's decided-by cell of 8 lines (its band's numbers are in the reason)."""

    from analysis.compare import Comparison

    c = Comparison(False, "not comparable", reason="the run ended far from every point")
    assert report.decided_by(c) == "not compared"
    from analysis.compare import compare
    from analysis.empirical import Measurement
    from analysis.theory import Prediction

    p = Prediction(kind="linear", rate=0.99587, order=1.0, exact=True,
                   details={"double_root": True})
    m = Measurement(kind="linear", rate=0.99605, order=1.0, window=(5112, 8515))
    eff = 0.99587 * (8516 / 5113) ** (1 / (8515 - 5112))  # the window's average factor
    c = compare(p, m)
    # above the band: 0.003% on ρ, but (ln 0.99605 − ln eff)/|ln eff| = 0.75% on −ln ρ, the
    # larger, which the band rule tests and the cell states (it read 'ρ <0.01% off band')
    off = (math.log(eff) - math.log(0.99605)) / math.log(eff)
    assert 0.007 < off < 0.008 and (0.99605 - eff) / eff < 1e-4
    got = report.decided_by(c, p, m)
    assert got.replace("\u00a0", " ") == f"−ln ρ {fmt(100 * off, 2)}% off band ≤ 1%" \
        and len(got) <= 25  # 3 short lines


def test_basin_note_says_which_starts_landed_exactly_and_were_moved():
    """Kink p. 8 said every grid start ended on a cycle, but 671 of them had hit x* exactly
    (kink.json) and were counted by a re-run from a start moved by 10⁻⁶."""
    from analysis import plots
    from analysis.sweeps import basins
    from landscape import Objective

    obj = Objective.parse("abs(x)")
    box = [(-3.0, 3.0)]
    # GD with η = 0.5 from multiples of 0.5 lands exactly on the kink at 0
    bm = basins(obj, "gd", box, resolution=13, lr=0.5, maxiter=200,
                critical_points=list(obj.critical_points(box=box)))
    assert bm.exact_landings == 13 and plots.single_outcome(bm) == "ended on a cycle (period 2)"
    text = report.landings_text(bm)
    assert "All 13 grid starts landed exactly on the minimum at 0" in text
    assert "moved by 10⁻⁶ of the box" in text
    # why a start lands exactly, in words a student can check (here: multiples of the step
    # 0.5·|f′| = 0.5 from the kink), not "a grid aligned with the step"
    assert "a start a whole number of steps from a kink" in text and "aligned" not in text
    assert "landed exactly on the minimum at 0: 1 of them is the point itself" in text
    bm.exact_landings = 0
    assert report.landings_text(bm) == ""


def test_trajectory_caption_speaks_of_leaving_the_box_only_when_a_path_does():
    """Kink p. 8: the caption said how a path that leaves the box is drawn, though every
    path stayed inside it."""
    from analysis import plots

    box = np.array([[-1.0, 1.0], [-1.0, 1.0]])
    inside = np.array([[0.5, 0.5], [0.1, -0.2], [0.0, 0.0]])
    back = np.array([[0.5, 0.5], [1.5, 0.0], [0.0, 0.0]])  # out at k = 1, back at k = 2
    gone = np.array([[0.5, 0.5], [0.9, 0.0], [3.0, 0.0], [9.0, 0.0]])  # out from k = 2 on
    assert report.box_exit_text([inside, inside], box) == ""
    assert report.box_exit_text([inside, back], box) == (
        "; a path that leaves the box is cut at its edge")
    assert report.box_exit_text([gone], box) == (
        "; a path that leaves the box for good is drawn up to where it leaves (the legend "
        "gives that k)")
    assert report.box_exit_text([back, gone], box) == (
        "; a path that leaves the box is cut at its edge, and one that leaves it for good is "
        "drawn up to where it leaves (the legend gives that k)")
    assert plots.box_exits(np.array([[0.0, 0.0], [np.nan, np.nan]]), box) == "gone"


def test_error_caption_says_continued_only_of_runs_that_were():
    """Kink p. 9: both error captions said the rate studies' runs were 'continued past the
    comparison runs' stopping rule toward the rounding floor', though each was as long as
    its comparison run (1000 iterations; 1, 4, 4, 2)."""
    from types import SimpleNamespace as NS

    def run(label, compared, studied):
        return report.MethodRun(label, label, {}, "", result=NS(nit=compared),
                                study=NS(result=NS(nit=studied, status="maxiter"),
                                         measurement=NS(floor_index=None)))

    same = report.continued_text([run("gd", 1000, 1000), run("adam", 1000, 1000)])
    assert "continued" not in same and ", as long as the comparison runs: GD 1 000" in same
    longer = report.continued_text([run("gd", 60, 89), run("adam", 300, 569)])
    assert "runs, continued past the comparison runs' stopping rule" in longer
    mixed = report.continued_text([run("gd", 60, 89), run("adam", 1000, 1000)])
    assert "runs (GD continued past the comparison runs' stopping rule" in mixed


def test_error_figures_are_named_by_the_families_they_hold():
    """Himmelblau p. 9: 'Error: first-order and adaptive methods: short runs' titled a row of
    gd, momentum and nesterov, adam being in the row of long runs."""
    assert report.families_name(["gd", "momentum", "nesterov"]) == "first-order methods"
    assert report.families_name(["gd", "adam"]) == "first-order and adaptive methods"
    assert report.families_name(["adam"]) == "adaptive methods"
    assert report.families_name(["newton", "bfgs", "lbfgs", "cg"]) == (
        "Newton, quasi-Newton and CG methods")
    assert report.error_title("first-order and adaptive methods", 2) == "Error"
    assert report.error_title("first-order methods", 1) == "Error: first-order methods"


def test_known_counts_are_written_without_plural_placeholders():
    """Rosenbrock, Himmelblau: '9 critical point(s)', '0 plateau(s)', '5 timed call(s)',
    '2 thread(s)', '2–5 timed call(s)' where the count is known."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    one = report.batch_time_text([5, 5], 100, 2)
    assert "fastest of 5 timed calls of each method" in one and "on 2 threads;" in one
    spread = report.batch_time_text([2, 5], 100, 1)
    assert "fastest of 2–5 timed calls" in spread and "on 1 thread;" in spread
    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    box = np.array([[-3.0, 3.0], [-3.0, 3.0]])
    b = report.Builder("Kink")
    report._critical_table(b, NS(obj=obj, box=box, cps=obj.critical_points(box=box)))
    text = " ".join(blk.text for blk in b.doc.blocks if hasattr(blk, "text"))
    assert "1 critical point in the box" in text
    assert "(s)" not in one + spread + text


def test_chord_gap_is_marked_exact_as_its_verification_is():
    """Rosenbrock p. 4: the verdict said 'chord witnesses verified exactly' while the chord's
    gap was marked ⁿ (numeric); a witness's gap is evaluated exactly (SymPy, 50 digits at the
    rationals of its float ends) and kept only when positive."""
    from landscape import Objective
    from landscape.convexity import _chord_gap_exact

    obj = Objective.parse("x**4 - 3*x**2 + y**2")
    gap = _chord_gap_exact(obj.expr, obj.variables, [-0.5, 0.0], [0.5, 0.0])
    assert gap == 0.0 - (0.0625 - 0.75)  # f(0) − (f(−½) + f(½))/2 = 0.6875, exactly
    from types import SimpleNamespace as NS

    cv = NS(verdict="nonconvex", method="numeric", strict=False, strong=False, mu=None, L=None,
            how={"verdict": "neither convex nor concave: λ_min < 0 and λ_max > 0 on the "
                            "box, each refuted by a chord verified exactly"},
            witness={"point": [0.0, 0.0], "min_eigenvalue": -6.0,
                     "chord": {"x": [-0.5, 0.0], "y": [0.5, 0.0], "alpha": 0.5, "gap": gap}},
            to_json=dict)
    b = report.Builder("t")
    report._convexity_table(b, NS(convexity=cv, obj=obj))
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    (row,) = [[c.replace(NBSP, " ") for c in r] for r in table.rows if r[0] == "chord test"]
    assert row[2].endswith("= 0.6875ᵉ > 0, so f is not convex"), row
    # a chord against concavity too (chained Rosenbrock p. 4: "each refuted by a chord"
    # above one): each row named by what it refutes, f below its chord there
    below = _chord_gap_exact(-obj.expr, obj.variables, [0.0, -1.0], [0.0, 1.0])
    assert below == 1.0  # −(f(0, 0) − (f(0, −1) + f(0, 1))/2) = 1: f is 1 below
    cv.witness["concave_chord"] = {"x": [0.0, -1.0], "y": [0.0, 1.0], "alpha": 0.5,
                                   "gap": -below}
    b = report.Builder("t")
    report._convexity_table(b, NS(convexity=cv, obj=obj))
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    rows = {r[0]: [c.replace(NBSP, " ") for c in r] for r in table.rows}
    assert rows["chord test (convexity)"][2].endswith("= 0.6875ᵉ > 0, so f is not convex")
    assert rows["chord test (concavity)"][2] == ("the same difference = -1ᵉ < 0, so f is not "
                                                 "concave"), rows
    assert "chord test" not in rows


def test_convexity_table_says_how_strictness_follows_and_names_the_box_L_apart():
    """Himmelblau p.3: "strictly / strongly convex — no / no — numeric" under a nonconvexity
    verified exactly, and "L (smoothness, max over the box) 326.8" while p.2 and p.4 set
    η = 1/L with L = 105.4 (the largest eigenvalue at the minimizer): two values, one name."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse("x**4 - 3*x**2 + y**2")
    cv = NS(verdict="nonconvex", method="numeric", strict=False, strong=False, mu=None,
            L=326.8, how={"verdict": "neither convex nor concave: λ_min < 0 and λ_max > 0 "
                                     "on the box, each refuted by a chord verified exactly",
                          "L": "numeric: sampled"},
            witness={}, to_json=dict)
    b = report.Builder("t")
    report._convexity_table(b, NS(convexity=cv, obj=obj))
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    rows = {r[0]: r for r in table.rows}
    assert rows["strictly / strongly convex"][2].startswith("follows from the verdict")
    # and says what L_box is the largest of (Rosenbrock p. 4: "max over the box" of what?)
    assert "L_box = max of |λ(∇²f)| on the box (smoothness)" in rows
    assert not [r for r in rows if r.startswith("L (")]
    # a convex verdict keeps the analysis's own provenance
    assert report._strict_how(NS(verdict="convex", strict=True, strong=True,
                                 method="exact")) == "exact"
    # the sentence above the table names it so too (quadratic p.2: "L = 4" for the box's)
    strong = NS(verdict="convex", strict=True, strong=True, mu=0.2, L=4.0, method="symbolic",
                how={"verdict": "proved: Hessian constant"})
    # each defined where the summary first uses it (quadratic p. 2: "μ = 0.2 and Lbox = 4"
    # with no word on what they are)
    assert (" with μ = 0.2 and L_box = 4, the smallest and the largest Hessian eigenvalue on "
            "the box (") in report._convexity_sentence(NS(convexity=strong))
    # above the table whose verdict row gives the proof, the sentence points there instead
    # of printing it a second time (kink p. 3: a three-line proof in the summary, above the
    # table and in it)
    assert report._convexity_sentence(NS(convexity=strong)).endswith(
        "(symbolic proof: Hessian constant).")
    b = report.Builder("t")
    report._convexity_table(b, NS(convexity=NS(**vars(strong), witness={}, to_json=dict),
                                  obj=obj))
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    assert [r[0] for r in table.rows][2:] == ["μ = min of λₘᵢₙ(∇²f) on the box (strong "
                                              "convexity)", "L_box = max of |λ(∇²f)| on the "
                                              "box (smoothness)"]
    above = report._convexity_sentence(NS(convexity=strong), how_below=True)
    assert above.endswith("on the box (how it was obtained: the table below)."), above
    assert "Hessian constant" not in above
    # where the default step falls back on the box's constant, it is named the same way
    assert "L_box" in report.default_curvature(None, 326.8).text()


def test_minima_tied_exactly_name_the_one_the_start_rule_measures_from():
    """Himmelblau p.1: "at least 0.25 × the box diagonal from (−3.779, −3.283), the minimizer
    of lowest f" while four minima tie at f = 0 exactly; p.2 "(values equal within 1e−09)"
    for values that are all exact zeros.  The rule names which tied minimum it used and why,
    and the tolerance is said only when it decided the tie."""
    from types import SimpleNamespace as NS

    def cp(p, v, exact=True):
        return NS(kind="minimum", point=np.array(p), value=v, eigenvalues=[1.0, 2.0],
                  exact=exact, condition_number=2.0, differentiable=True,
                  eigenvalues_exact=None)

    cps = [cp((-3.779, -3.283), 0.0), cp((3.0, 2.0), 0.0), cp((3.584, -1.848), 0.0)]
    A = NS(cps=cps, minimum=min(cps, key=lambda c: c.value), tuned=cps[2])
    assert A.minimum is cps[0]
    words = report.start_minimizer_words(A)
    assert words == (f"P1 = {report.fmt_point(cps[0].point)}, the first of the 3 minima tied "
                     "for the lowest f")
    text = report._minimum_sentence(A)
    assert "taken at 3 minima (exactly equal values)" in text and "1e" not in text
    # p. 2: "…(exactly equal values): P1" ended a line, "(−3.779, −3.283)" began the next;
    # each name is held to its point
    for i, c in enumerate(cps, start=1):
        assert f"P{i}\u00a0{report.fmt_point(c.point)}" in text
    assert "P1 (" not in text
    assert "κ = 2 (numeric)" in text
    # ties decided by the tolerance say it, and which one was taken
    cps[1] = cp((3.0, 2.0), 1e-12, exact=False)
    cps[0] = cp((-3.779, -3.283), 2e-12, exact=False)
    A = NS(cps=cps, minimum=min(cps, key=lambda c: c.value), tuned=cps[2])
    words = report.start_minimizer_words(A)
    assert words == (f"P3 = {report.fmt_point(cps[2].point)}, the one of lowest computed "
                     "value of the 3 minima tied for the lowest f")
    # one lowest minimum: the plain words
    A = NS(cps=[cp((0.0, 0.0), 0.0), cp((1.0, 1.0), 3.0)], minimum=None, tuned=None)
    A.minimum = A.cps[0]
    assert report.start_minimizer_words(A) == "(0, 0), the minimizer of lowest f"


def test_an_incomplete_critical_point_list_is_said_once():
    """Rosenbrock p. 2: 'The critical-point list is not proved complete' and, two bullets on,
    '…numeric search of the box with 1000 starts (…); the list may be incomplete'."""
    from landscape import Objective

    notes = ["exact solve abandoned after 10 s",
             "numeric search of the box with 1000 starts (Newton/Levenberg–Marquardt on "
             "∇f = 0); the list may be incomplete"]
    out = report.critical_findings(False, notes)
    assert sum("complete" in f for f in out) == 1, out
    # Rosenbrock p. 2: 'not proved complete (numeric search)' and a bullet 'numeric search of
    # the box …' said the search twice: one bullet says it once, with the reason
    assert out == ["The critical-point list is not proved complete: exact solve abandoned "
                   "after 10 s; numeric search of the box with 1000 starts "
                   "(Newton/Levenberg–Marquardt on ∇f = 0)."]
    assert report.critical_findings(False, []) == [
        "The critical-point list is not proved complete (numeric search)."]
    assert report.critical_findings(True, ["x"]) == ["Critical points: x"]
    cps = Objective.parse("x**4 - x**2").critical_points(exact=False, starts=20)
    assert cps.notes[-1].endswith("; the list may be incomplete")  # the clause stripped
    # the note says the points were polished at 30 digits, which their residuals bear out
    # (chained Rosenbrock p. 3 printed ‖∇f‖₂ = 3.0e−23 with no word on how it got there):
    # ∇f = 4x³ − 2x vanishes at 0 and ±1/√2, and a float point carries ~1e-16 of error
    assert "(Newton/Levenberg–Marquardt on ∇f = 0, then Newton at 30 digits)" in cps.notes[-1]
    # under the table, whose lead says "there may be others in the box", the notes do not
    # say it again (chained Rosenbrock p. 3)
    assert report.said_incomplete(cps.notes)[-1].endswith("then Newton at 30 digits)")
    assert report.said_incomplete(["exact solve abandoned after 10 s"]) == [
        "exact solve abandoned after 10 s"]
    assert sorted(round(p.point[0], 12) for p in cps) == [
        round(-0.5 ** 0.5, 12), 0.0, round(0.5 ** 0.5, 12)]
    assert all(p.gradient_norm < 1e-20 for p in cps), list(cps)


def test_the_default_start_names_the_minimizer_it_keeps_clear_of():
    """Himmelblau p.4: "at least 0.25 × the box diagonal from the minimizer", with four
    minimizers and the page naming P9 (2.26 away) as x*.  The sentence names the point the
    rule measured from, and the start lies that far from it (distance recomputed here)."""
    import types

    def f(x):
        return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2

    obj = types.SimpleNamespace(compiled=types.SimpleNamespace(value=f),
                                grad=lambda x: np.array([1.0, 1.0]))
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    minima = [np.array([3.0, 2.0]), np.array([3.584428, -1.848126])]
    x0, how = report.default_start(obj, box, minima, minima[0], seed=0)
    # Himmelblau p. 1: "5% of it" could be read as of the distance to the minimizer
    five = report.fmt_num(0.05 * 10 * math.sqrt(2), 2)
    assert how.endswith("at least 0.25 × the box diagonal from (3, 2), the minimizer of "
                        f"lowest f, and at least 5% of the box diagonal ({five}) from every "
                        "other critical point")
    _, tied = report.default_start(obj, box, minima, minima[0], seed=0,
                                   minimizer_is="P7 = (3, 2), the first of the 4 tied minima")
    assert tied.endswith("from P7 = (3, 2), the first of the 4 tied minima, and at least 5% "
                         f"of the box diagonal ({five}) from every other critical point")
    # quadratic p.1: with the minimizer the only critical point, no clause on 'every other'
    _, alone = report.default_start(obj, box, minima[:1], minima[0], seed=0)
    assert alone.endswith("at least 0.25 × the box diagonal from (3, 2), the minimizer of "
                          "lowest f") and "other" not in alone
    assert np.linalg.norm(x0 - minima[0]) >= 0.25 * np.hypot(10.0, 10.0)
    assert min(np.linalg.norm(x0 - p) for p in minima) >= 0.05 * np.hypot(10.0, 10.0)
    _, none = report.default_start(obj, box, [], None, seed=0)
    assert none.endswith("at least 5% of the box diagonal from every critical point")
    assert "minimizer" not in none


def test_per_step_lead_in_gives_each_row_a_sentence_and_names_the_runs_that_have_it():
    """Quadratic p.6: "the rows after them give, for a run with a fit window and no order q,
    the geometric mean …, then, for a run with a measured rate, …, and the last row …" ran
    four rows into one sentence, and "no order q" read against GD's measured order 1ᶠ: one
    sentence per kind of row, naming the runs whose tables have it when not all do."""
    e = 3.0 * 0.5 ** np.arange(50)  # down to 5.3e−15, below the floor 2.2e−13
    linear = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.5)
    nofit = _nw_study(e, "linear", 0.5, window=(5, 30), kind="superlinear")
    newton = _nw_study(e, "quadratic", None, order=2.0, window=(5, 30), kind="quadratic")
    studies = [linear, nofit, newton]
    names = ["GD", "CG", "Newton"]
    text = report.nw_text(studies, names)
    have = {n: report.nw_rows(st) for n, st in zip(names, studies, strict=True)}
    means = [n for n in names if "mean" in have[n]]
    fits = [n for n in names if "fit" in have[n]]
    assert (means, fits) == (["GD", "CG"], ["GD"])
    assert (f"tables.  Row ‘geometric mean’ (only in the tables of ‘{means[0]}’ and "
            f"‘{means[1]}’): the geometric mean of the ratio over the window i–j in its first "
            "cell.  Row ‘robust "
            f"fit’ (only in the table of ‘{fits[0]}’): the rate the robust fit measured "
            "over the same window.  Row ‘theory’: what theory says the ratio tends to.  "
            "Errors below") in text, text
    assert "no order q" not in text and "the rows after them" not in text


def test_the_critical_point_lead_in_counts_its_words():
    """Kink and quadratic p.3: "1 critical point in the box — complete: … proved that these
    are all the critical points"; Rosenbrock p.3: "found by a numeric search (numeric)"."""
    from types import SimpleNamespace as NS

    for n, complete, method, want, never in (
            (1, True, "exact", "this is the only critical point in the box", "these are all"),
            (2, True, "exact", "these are all the critical points in the box", "only"),
            (3, False, "numeric", "found by a numeric search; there may be", "(numeric)")):
        cps = [NS(point=np.array([float(i), 0.0]), kind="minimum", value=0.0,
                  eigenvalues=np.array([1.0, 1.0]), degenerate=False, how="exact",
                  name=f"P{i + 1}") for i in range(n)]
        b = report.Builder("t")
        A = NS(cps=_CPS(cps, complete, method))
        try:
            report._critical_table(b, A)
        except Exception:  # noqa: BLE001 - the rows need more than the lead-in: not ours
            pass
        text = " ".join(p.text for p in b.doc.blocks if hasattr(p, "text"))
        assert want in text and never not in text, text


class _CPS(list):
    """A list of critical points with the fields of landscape's CriticalPoints."""

    def __init__(self, items, complete, method):
        super().__init__(items)
        self.complete, self.method = complete, method

    def to_json(self):
        return []


def test_hyperparameter_cells_write_a_letter_name_as_the_letter():
    """Kink p. 4: adam's cell read 'beta1 = 0.9, beta2 = 0.999', the code names, where the
    methods' formulas write β₁, β₂; one table of names → letters serves every method."""
    from optimizers import METHODS

    adam = report.MethodRun("adam", "adam", {"lr": 0.067}, "lr = 0.067")
    adam.result = NS_result(METHODS["adam"])
    assert report.hyper_cell(adam) == "lr = 0.067; β₁ = 0.9, β₂ = 0.999"
    rms = report.MethodRun("rmsprop", "rmsprop", {}, "given")
    rms.result = NS_result(METHODS["rmsprop"], lr=0.01)
    assert report.hyper_cell(rms) == "η = 0.01, α = 0.99, as given"
    # the letters are the ones the optimizers' own descriptions of the names give
    for name in ("beta1", "beta2", "alpha", "rho", "eps"):
        helps = [h.help for s in METHODS.values() for k, h in s.hyper.items() if k == name]
        assert helps and all(report.HYPER_SYMBOLS[name] in h for h in helps), (name, helps)
    # the step size is η, as the methods' formulas write it; names that are words stay as given
    assert report.hyper_cell(report.MethodRun("gd", "gd", {"lr": 0.5}, "given")) == \
        "η = 0.5, as given"
    assert report.hyper_cell(report.MethodRun(
        "lbfgs", "lbfgs", {"memory": 5}, "given")) == "memory = 5, as given"


def NS_result(spec, **given):
    """A run result carrying the effective hyperparameters of ``spec`` (defaults + given)."""
    from types import SimpleNamespace as NS

    return NS(hyper={k: h.default for k, h in spec.hyper.items()} | given)


def test_reference_list_names_every_method_of_the_theory_table():
    """Kink p. 5: 'Where the theory was evaluated: x = (0, 0) for gd, momentum, nesterov' —
    the table above it has eight rows; the methods theory promises no rate are named too."""
    from types import SimpleNamespace as NS

    def run(label, kind):
        return report.MethodRun(label, label, {}, "defaults", study=NS(
            reference=[0.0, 0.0], minimizer=[0.0, 0.0], minimizer_how="exact",
            prediction=NS(kind=kind)))

    runs = [run("gd", "bounded"), run("adam", "none"), run("momentum", "bounded"),
            run("cg", "none")]
    text = "; ".join(report.reference_text(runs))
    assert text == ("x = (0, 0) for GD, momentum (exact); no rate evaluated for Adam, CG: "
                    "theory promises none (reasons in the table's note column)")
    for r in runs:
        assert re.search(rf"\b{r.shown}\b", text)


def test_where_the_theory_was_evaluated_is_a_note_of_its_table(monkeypatch):
    """Quadratic and Himmelblau p. 6: "Where the theory was evaluated: …", an italic
    paragraph after the table "Predicted and measured convergence" of p. 5, opened p. 6
    apart from its table (whose long notes went to the foot of p. 6).  It is the table's
    last note, printed with the table's other notes, and no paragraph of it follows."""
    from types import SimpleNamespace as NS

    def run(label, kind):
        return report.MethodRun(label, label, {}, "defaults", study=NS(
            reference=[0.0, 0.0], minimizer=[0.0, 0.0], minimizer_how="exact",
            prediction=NS(kind=kind), to_json=dict))

    runs = [run("gd", "none"), run("adam", "none")]
    width = len(report.THEORY_COLUMNS)
    monkeypatch.setattr(report, "theory_row",
                        lambda b, label, st, shown, *a: [shown] + ["x"] * (width - 1))
    monkeypatch.setattr(report, "theory_legend", lambda studies: "legend")
    monkeypatch.setattr(report, "theory_notes", lambda studies: ["a note"])
    monkeypatch.setattr(report, "rerun_text", lambda studies: "Ran.")
    monkeypatch.setattr(report, "error_point_text", lambda studies: "Measured.")
    monkeypatch.setattr(report, "error_points", lambda studies, cps, titled=False: {})
    monkeypatch.setattr(report, "failed_heading", lambda b, A: "")
    b = report.Builder("t")
    report._theory(b, NS(runs=runs, cps=None))
    blocks = b.doc.blocks
    (at,) = [i for i, blk in enumerate(blocks) if isinstance(blk, report.Table)]
    where = "; ".join(report.reference_text(runs))
    assert blocks[at].notes == ["legend", "a note",
                                f"Where the theory was evaluated: {where}."]
    assert not [blk for blk in blocks if "Where the theory" in getattr(blk, "text", "")]


def test_a_rate_study_at_its_iteration_limit_says_which_budget_rule_set_it():
    """Quadratic p. 2: adam's rate study 'ended … after 627 iterations (status: iteration
    limit …)' — 627 is the automatic budget's floor iteration + 10, which the page did not
    say.  The page prints the rule the rate study recorded (with its numbers), not one
    guessed from the run's length: a run of the method's default length whose budget the
    linear-rate rule set is not called the default."""
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison
    from analysis.rates import FLOOR_MARGIN, Budget
    from landscape.numfmt import spaced
    from optimizers import METHODS

    A = NS(cps=None)

    def st(nit, budget, status="maxiter", n=2):
        res = NS(x=np.full(n, 0.5), jac=np.array([1e-12, 0.0]), nit=nit, status=status)
        return NS(result=res, method="adam", hyper={"lr": 0.067}, budget=budget,
                  measurement=NS(floor_index=None),
                  comparison=Comparison(False, "not comparable", reason="no rate"))

    fi = 617
    floor = Budget("floor", fi + FLOOR_MARGIN, fi + FLOOR_MARGIN, floor_index=fi,
                   margin=FLOOR_MARGIN)
    assert (f"after {fi + FLOOR_MARGIN} iterations (status: iteration limit, set by the "
            f"automatic budget {FLOOR_MARGIN} steps past iteration {fi}, where the error "
            "reached the floor; ‖∇f‖∞ = 1.00e-12)") in report.study_end(A, st(fi + 10, floor))
    capped = Budget("tenfold", 20000, 50000, previous=5000)
    # Rosenbrock p. 2: 'below the 23810 its rule asked for' never said the rule: it does,
    # with the numbers that give 23810 (here 10 × 5000)
    assert ("iteration limit, the automatic budget's cap of 20 000 iterations, below the "
            "50 000 its rule asked for: 10 times this run's first 5 000 iterations, which the "
            "budget's previous round ran alone, with no linear rate to extend;"
            ) in report.study_end(A, st(20000, capped, n=5))
    # Rosenbrock p. 2: "the measured linear rate 0.99823" named no run (the final run
    # measured none), then "the previous run of 10000 iterations", shown nowhere: the rule
    # names the run (this one's first 10 000 iterations, which the budget's previous round
    # ran alone) and gives what it extrapolated from,
    # so that the number asked for is recomputed from the printed numbers
    # (the numbers of the Rosenbrock n = 5 report: its floor 10³·ε·√5 printed to 3 digits,
    # 4.97e-13, gave back 23809)
    fl = 1e3 * np.finfo(float).eps * math.sqrt(5)
    want = math.ceil(1.1 * (10000 + math.log(fl / 0.00044738) / math.log(0.99822951))) \
        + FLOOR_MARGIN
    by_rate = Budget("rate", 20000, want, margin=FLOOR_MARGIN, rate=0.99822951,
                     previous=10000, window_end=10000, error=0.00044738, floor=fl)
    text = report.study_end(A, st(20000, by_rate))
    assert "after 20 000 iterations (status" in text
    found = re.search(r"below the (\d+ \d+) its rule asked for: the iteration where the "
                      r"linear rate (\S+), measured on this run's first 10 000 iterations, which "
                      r"the budget's previous round ran alone, takes their error "
                      r"(\S+) at iteration (\d+ \d+), the end of that fit window, to the "
                      r"floor (\S+), \+ 10% \+ (\d+) steps;", text)
    assert found, text
    wanted, rate_, err, end, fl, margin = found.groups()
    num = lambda v: float(v.replace("e−", "e-"))  # noqa: E731
    wanted, end = (int(v.replace(" ", "")) for v in (wanted, end))
    assert wanted == math.ceil(1.1 * (end + math.log(num(fl) / num(err))
                                      / math.log(num(rate_)))) + int(margin)
    first = METHODS["adam"].maxiter
    # kink p.2: "the method's default 1000, which the automatic budget kept" named a budget
    # the page never defines: the limit says what it is
    kept = report.study_end(A, st(first, Budget("first", first, first)))
    assert f"iteration limit, the method's default of {spaced(first)} iterations;" in kept
    assert "budget" not in kept
    rate = Budget("rate", first, first, margin=FLOOR_MARGIN, rate=0.99605, previous=300,
                  window_end=290, error=0.5, floor=2.2e-13)
    assert ("iteration limit, set by the automatic budget at the iteration where the linear "
            "rate 0.99605, measured on this run's first 300 iterations, which the budget's "
            "previous round ran alone, takes their error 0.5 at iteration 290, the end of that "
            f"fit window, to the floor 2.2e-13, + 10% + {FLOOR_MARGIN} steps;"
            ) in report.study_end(A, st(first, rate))
    assert ("iteration limit, set by the automatic budget at 10 times this run's first 300 "
            "iterations, which the budget's previous round ran alone, with no linear rate to "
            "extend;") in \
        report.study_end(A, st(3000, Budget("tenfold", 3000, 3000, previous=300)))
    # the rule is said inside the status's bracket: no bracket of its own
    for b in (floor, capped, by_rate, rate, Budget("first", first, first)):
        assert not re.search(r"\([^()]*\(", report.study_end(A, st(b.maxiter, b)))
    # given steps (no record), another status: the status alone
    assert "(status: iteration limit, ‖∇f‖∞" in report.study_end(A, st(first, None))
    assert "(status: converged, ‖∇f‖∞" in report.study_end(A, st(fi, floor, "converged"))


def test_the_summary_gives_gtol_with_its_value_where_it_first_uses_it():
    """Rosenbrock p. 2: 'Converged, comparison runs from x₀ (‖∇f‖∞ ≤ gtol)' — gtol's value
    came two pages later, in the optimizer table's lead-in."""
    from types import SimpleNamespace as NS

    from landscape import Objective
    from optimizers import minimize

    obj = Objective.parse("0.1*x**2 + 2*y**2")
    res = minimize(obj, [1.0, 1.0], "bfgs")
    gtol = next(c.threshold for c in res.criteria if c.name == "gtol")
    A = NS(runs=[report.MethodRun("bfgs", "bfgs", {}, "defaults", result=res)], cps=None,
           minimum=None)
    (sentence,) = report._runs_sentences(A)
    # Summary, comparison lead-in, gradient-norm caption: the option's code name 'gtol' is
    # no word of the prose; its value is a power of ten, written as one
    k = round(np.log10(gtol))
    assert gtol == 10.0 ** k
    power = "10" + str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    assert sentence.startswith(f"Comparison runs from x₀ that converged (‖∇f‖∞ ≤ the gradient "
                               f"tolerance {power}): BFGS in ")
    assert report.gtol_text(A.runs) == f"the gradient tolerance {power}"
    assert report.gtol_words([1e-6, 2.5e-7, 1e-6]) == (
        f"the gradient tolerance 10⁻⁶ or {report.fmt_num(2.5e-7)}")


def test_a_small_gradient_region_of_zero_width_is_said_to_lie_on_a_line():
    """Kink p. 3: R1 spanned '[0ⁿ, 0ⁿ]; [−0.001ⁿ, 0.001ⁿ]', a region of zero width in x: the
    segment of the kink line x = 0 where |y| < t (there sign(0) = 0 makes ∇f = (0, y))."""
    obj, A, r = _one_region_analysis("abs(x) + relu(y-1) + 0.5*y**2")
    assert r.lower[0] == r.upper[0] and r.lower[1] < r.upper[1]
    assert report.zero_width(r.lower, r.upper) == [0]
    b = report.Builder("Kink")
    report._vanishing_table(b, A)
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    row = table.rows[0]
    # kink p. 4: on x = 0 the subgradient is (0, y): the bounds are exact, |y| ≤ t
    t = report.fmt_num(A.vanishing.threshold)
    lo = report.fmt_num(-A.vanishing.threshold)
    assert row[1] == f"x = {report.fmt_num(r.lower[0])}ᵉ; y ∈ [{lo}ᵉ, {t}ᵉ]", row[1]
    assert row[5].endswith("; zero width: it lies on the line x = 0"), row[5]
    # in general: the line, the plane, the hyperplane, the point
    assert report.flat_text([1], ["x", "y"], [0.0, 2.0]) == \
        "; zero width: it lies on the line y = 2"
    assert report.flat_text([0], ["a", "b", "c"], [1.0, 0, 0]) == \
        "; zero width: it lies on the plane a = 1"
    assert report.flat_text([0, 1], ["x", "y"], [0.0, 0.0]) == \
        "; zero width: the single point x = 0, y = 0"
    assert report.flat_text([], ["x", "y"], [0.0, 0.0]) == ""


def test_the_iteration_limits_are_read_per_run_not_said_per_family():
    """Himmelblau p. 4: "1000 for first-order methods, 200 for Newton, CG, BFGS and L-BFGS"
    put CG, BFGS and L-BFGS outside the first-order methods they are; the limits are now
    grouped by value from each run (its maxiter, else its method's default)."""
    from optimizers.spec import FIRST_ORDER_MAXITER, NEWTON_TYPE_MAXITER

    runs = [report.MethodRun("gd", "gd", {}, ""), report.MethodRun("lbfgs", "lbfgs", {}, ""),
            report.MethodRun("adam", "adam", {}, ""),
            report.MethodRun("gd (2)", "gd", {"maxiter": 50}, "")]
    assert report.limit_text(runs) == (f"{spaced(FIRST_ORDER_MAXITER)} for GD and Adam; "
                                       f"{NEWTON_TYPE_MAXITER} for L-BFGS; 50 for GD (2)")


def test_the_contour_levels_say_what_f_min_is_and_it_is_the_grids_lowest_value():
    """Quadratic p. 9: the caption's "f − fₘᵢₙ" left fₘᵢₙ undefined beside the f* of the
    rest of the report; it is the lowest f on the plotted grid, which the levels start at."""
    from analysis import plots

    assert "f_min the lowest f on the plotted grid" in report.contour_levels_text(4)
    x = np.linspace(-1.0, 1.3, 41)
    Z = (x[:, None] - 0.35) ** 2 + 2.0 * x[None, :] ** 2 + 3.0  # f* = 3 at (0.35, 0): off-grid
    levels, geometric = plots.contour_levels(Z)
    assert geometric and levels[0] == Z.min() > 3.0


def _doc_table(doc, title: str):
    return next(t for t in doc.blocks if isinstance(t, report.Table) and t.title == title)


def test_a_point_value_reads_alike_in_the_critical_point_and_small_gradient_tables(
        four_reports):
    """Himmelblau p. 3: the small-gradient table gave f − f* = 13.3, 182 and 67.7 for the
    saddles and maximum the critical-point table just above gives as 13.31, 181.6 and 67.72
    (f* = 0): the same quantity, one precision."""
    doc = four_reports["himmelblau"][1]
    cps = _doc_table(doc, "Critical points and their Hessians")
    f_of = {row[0]: row[2] for row in cps.rows}
    regions = _doc_table(doc, "Small-gradient regions")
    col = [c.header for c in regions.columns].index("f − f*")
    compared = 0
    for row in regions.rows:
        p = re.match(r"P\d+", row[-1])
        if p is not None:
            assert row[col] == f_of[p.group(0)], (row[col], f_of[p.group(0)])
            compared += 1
    assert compared == 9 and f_of["P8"] == "13.31ᵉ"


def test_the_chord_test_says_which_sign_refutes_convexity(four_reports):
    """Himmelblau p. 3: the chord gap 30.48 was printed bare; a positive gap puts f above
    its chord, which refutes convexity, and the row says so."""
    result, doc = four_reports["himmelblau"]
    witness = json.loads(result.json.read_text())["convexity"]["witness"]
    gap = witness["chord"]["gap"]
    assert gap > 0
    rows = {r[0]: [c.replace(NBSP, " ") for c in r]
            for r in _doc_table(doc, "Convexity on the box").rows}
    row = rows["chord test (convexity)"]
    assert row[2].endswith(f"= {report.fmt_num(gap)}ᵉ > 0, so f is not convex"), row[2]
    # and the chord that refutes concavity, which the verdict's "each refuted by a chord"
    # names (f below it: a negative gap)
    below = witness["concave_chord"]["gap"]
    assert below < 0
    assert rows["chord test (concavity)"][2] == (
        f"the same difference = {report.fmt_num(below)}ᵉ < 0, so f is not concave")
    assert report.chord_verdict(0.0) == "" and report.chord_verdict(None) == ""
    # the conclusion never breaks over lines (chained Rosenbrock p. 4: "concave" alone)
    assert report.chord_verdict(-2.0) == " < 0, so\u00a0f\u00a0is\u00a0not\u00a0concave"


def test_what_failed_names_the_rate_study_run_apart_from_the_comparison_run(
        himmelblau_report):
    """Himmelblau p. 2: the summary's "Adam in 375 iterations" (comparison run) and What
    failed's "after 569 iterations" read as a contradiction: each names its run, the second
    the one without a gradient tolerance."""
    data = json.loads(himmelblau_report.json.read_text())
    text = squash(pdf_text(himmelblau_report.pdf))
    nit = data["runs"]["adam"]["nit"]
    assert "Comparison runs from x₀ that converged (‖∇f‖∞ ≤ the gradient tolerance 10⁻⁶" in text
    assert f"Adam in {spaced(nit)} iterations" in text
    assert "Adam (rate-study run, no gradient tolerance): not comparable" in text
    # Himmelblau p.2: the section listing only Adam, which converged and has no rate to
    # compare, was headed "What failed": it is named by what it lists, and so is its reference
    assert data["runs"]["adam"]["status"] == "converged"
    assert "Not comparable (reasons under “Not compared”): Adam." in text
    # the lead points to the theory section by its number, and the terms its entries use
    # before that section explains them are defined first (theory_terms)
    lead = re.search(r"2 Not compared Theory and measurement not compared \(details in section "
                     r"(\d+)\): A rate-study run is the method run "
                     r"again from x₀ with no gradient tolerance, to measure its rate down to the "
                     r"rounding floor .*? • Adam", text)
    assert lead is not None, text[:3000]
    assert f"{lead.group(1)} Theory against measurement " in text
    assert "What failed" not in text and "disagreeing" not in text


def _stopping_starts_study(statuses, reached, gtol=1e-6):
    """A one-method (BFGS) many-starts study whose starts ended with ``statuses``, those in
    ``reached`` below the target."""
    from analysis.starts import Cluster, KernelCosts, StartsRun, StartsStudy

    n = len(statuses)
    reached = np.asarray(reached, bool)
    run = StartsRun(label="bfgs", method="bfgs", hyper={}, x=np.zeros((n, 1)),
                    fun=np.where(reached, 0.0, 1.0), status=np.array(statuses, dtype=object),
                    nit=np.ones(n, int), nfev=np.arange(1, n + 1), njev=np.arange(1, n + 1),
                    nhev=np.zeros(n, int), seconds=1e-3, cost=np.arange(1.0, n + 1),
                    reached=reached, outcome=np.array([""] * n, dtype=object),
                    cluster=np.zeros(n, int), gtol=gtol)
    return StartsStudy(X0=np.zeros((n, 1)), box=np.array([[-1.0, 1.0]]), seed=0,
                       runs={"bfgs": run}, clusters=[Cluster(np.zeros(1), 0.0, 0.0)],
                       tolerance=0.1, costs=KernelCosts({"f": 1e-8, "fg": 2e-8}, 4, 3),
                       f_star=0.0)


def test_the_many_starts_stopping_rule_names_a_failed_line_search():
    """Kink p. 6–7: "A run stops at ‖∇f‖∞ ≤ gtol or its iteration limit" while every BFGS start
    stopped on a failed line search, and the ECDF caption said each run "stops on the gradient
    tolerance" — also of the starts at the target that stopped otherwise."""
    statuses = ["line_search_failed"] * 3 + ["converged", "maxiter"]
    study = _stopping_starts_study(statuses, [True, True, False, True, False], gtol=1e-7)
    b = report.Builder("t")
    report.starts_body(b, "many starts", study, f_star_how="known",
                       names={"bfgs": "BFGS"})
    text = squash(" ".join(str(getattr(blk, "text", "")) for blk in b.doc.blocks))
    assert ("A run stops at ‖∇f‖∞ ≤ 10⁻⁷ (the gradient tolerance), at its iteration limit "
            "or when its line search fails (BFGS: 3 of 5)") in text, text
    assert "gtol" not in text
    (fig,) = [blk for blk in b.doc.blocks
              if "ECDF over the starts" in str(getattr(blk, "caption", ""))]
    cap = squash(fig.caption)
    # the starts at the target ended on a failed line search (2) and the gradient tolerance (1)
    # the whole-run cost in a sentence of its own (chained Rosenbrock p. 10)
    assert ("weighted cost. A start's cost is that of its whole run, which ends on the "
            "gradient tolerance ‖∇f‖∞ ≤ 10⁻⁷ or a failed line search at or after its first "
            "iterate below the target, so it is an upper bound on its cost to reach the "
            "target;") in cap, cap
    assert "stops on the gradient tolerance" not in cap


def test_the_stopping_rule_lists_only_the_causes_met():
    """Runs that all met the gradient tolerance: the rule names it and the iteration limit
    only, and the ECDF caption only the gradient tolerance."""
    study = _stopping_starts_study(["converged"] * 4, [True] * 4)
    assert report.stop_rule_text(study.runs) == (
        "A run stops at ‖∇f‖∞ ≤ 10⁻⁶ (the gradient tolerance) or at its iteration limit")
    assert report.ended_by(study.runs, reached=True) == ["the gradient tolerance ‖∇f‖∞ ≤ 10⁻⁶"]


def test_the_stopping_rule_counts_do_not_run_into_a_method_s_settings():
    """Study p. 37: "(momentum η = 0.001, β = 0.9 35/200)" ran the count into the setting."""
    from types import SimpleNamespace

    runs = {"momentum η = 0.001, β = 0.9": SimpleNamespace(
        status=np.array(["diverged"] * 35 + ["converged"] * 165), n=200)}
    assert report.stop_rule_text(runs).endswith(
        "when it diverges (momentum η = 0.001, β = 0.9: 35 of 200)")


def test_the_cg_bound_is_named_the_linear_cg_yardstick_beside_the_theory_table():
    """Himmelblau p. 5: CG's predicted ≤ 0.31433ᵗ, (√κ − 1)/(√κ + 1), was marked theory with
    nothing saying it is the bound of linear CG on a quadratic with exact line searches, used
    as a yardstick for the nonlinear (PR+, Wolfe) CG run."""
    from types import SimpleNamespace as NS

    from analysis.theory.dispatch import predict

    lam = [2.0, 50.0]
    p = predict("cg", {}, lam)
    kappa = lam[1] / lam[0]
    assert p.rate == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1))
    cg = NS(method="cg", prediction=p, measurement=NS(kind="linear", rate=0.2, window=(0, 9)),
            comparison=NS(quantity="rate", agree=True, verdict="agrees"))
    gd = NS(method="gd", prediction=predict("gd", {"lr": 0.01}, lam),
            measurement=NS(kind="linear", rate=0.98, window=(0, 9)),
            comparison=NS(quantity="rate", agree=True, verdict="agrees"))
    notes = report.cg_bound_notes([gd, cg])
    assert notes == ["CG: the predicted ρ = (√κ* − 1)/(√κ* + 1) is the bound of linear CG on a "
                     "quadratic with exact line searches (its error in the ∇²f-norm shrinks "
                     "at least like 2ρᵏ, N&W Eq. 5.36), a yardstick for nonlinear CG, for "
                     "which it is no theorem."]
    assert report.cg_bound_notes([gd]) == []
    # linear CG on a quadratic terminates: its prediction is no such bound
    assert report.cg_bound_notes([NS(method="cg", prediction=predict(
        "cg", {"variant": "linear"}, lam, extra={"quadratic": True}))]) == []


def test_the_cg_note_says_why_a_quadratic_gives_no_finite_termination_here():
    """Quadratic p. 6: the note said the run's Wolfe search "is not exact, so finite
    termination is not its prediction", yet CG's first ratio 0.65435 is the exact line
    search's: along a line a quadratic f is a parabola, and the search's quadratic
    interpolation lands on its minimum.  The note says what exact searches give (N&W Thm
    5.1), that the prediction stays the bound (which needs no exact search), that this run's
    searches were exact, with the first step against −gᵀd/dᵀHd, and where the run reached the
    floor; a non-quadratic f gets no such sentence."""
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("0.1*x**2 + 2*y**2"), "cg", [-4.59, -4.83])
    assert st.prediction.kind == "linear" and st.prediction.line_search == "wolfe"
    floor = st.measurement.floor_index
    assert floor is not None
    # the exact step along d = −∇f(x0), computed here from H = diag(0.2, 4)
    x0 = np.array([-4.59, -4.83])
    H = np.diag([0.2, 4.0])
    g = H @ x0
    exact = float(g @ g) / float(g @ H @ g)
    x1 = np.asarray(st.result.path[1], float)
    alpha = float((x1 - x0) @ -g) / float(g @ g)
    assert alpha == pytest.approx(exact, rel=1e-12)
    assert (np.linalg.norm(x0 - exact * g) / np.linalg.norm(x0)
            == pytest.approx(0.65435, abs=5e-6))  # the first ratio of the per-step table
    (note,) = report.cg_bound_notes([st])
    assert ("  With exact line searches CG reaches x* of this quadratic in at most 2 steps "
            "(n = 2, N&W Thm 5.1). A Wolfe line search is not exact in general, so the "
            "prediction stays the bound, which needs no exact search. On this f this run's "
            "searches were exact: along a line a quadratic f is a parabola, and the search's "
            "quadratic interpolation (N&W §3.5) lands on its minimum") in note
    assert (f"first step α = {fmt(alpha, 5)}, exact −gᵀd/dᵀHd = {fmt(exact, 5)}); the run "
            f"reached the rounding floor at k = {floor} (measured).") in note
    assert "is not exact, so finite termination" not in note
    assert report.exact_line_steps(st).worst < 1e-12
    # three distinct eigenvalues in four variables: Thm 5.4's count, below n
    st4 = rate_study(Objective.parse("x**2 + y**2 + 2*z**2 + 3*w**2"), "cg", [1.0, 2.0, 3.0, 4.0])
    assert "at most 3 steps (the number of distinct eigenvalues of ∇²f, N&W Thm 5.4; n = 4)" in (
        report.cg_termination_text(st4))
    rosen = rate_study(Objective.parse("100*(y - x**2)**2 + (1 - x)**2"), "cg", [-1.2, 1.0])
    assert report.cg_termination_text(rosen) == ""


def test_basin_note_names_the_landing_and_only_the_causes_that_apply():
    """Himmelblau p. 11: the note on a start that landed exactly on a critical point spoke
    of a kink and of an undefined λ on a smooth f; the start was the minimum (3, 2) itself.
    The note names the point and says only what happened: a start on the point itself, and
    a kink only where the point is one."""
    from analysis.sweeps import basins
    from landscape import Objective

    obj = Objective.parse("(x - 1)**2 + (y - 2)**2")
    box = [(-2.0, 4.0), (-1.0, 5.0)]  # a 7-point grid per axis: (1, 2) is a grid start
    bm = basins(obj, "gd", box, resolution=7, lr=0.1,
                critical_points=list(obj.critical_points(box=box)))
    assert bm.exact_landings == 1 and bm.kinks == [False]
    text = report.landings_text(bm)
    assert "1 of the 49 grid starts landed exactly on the minimum\u00a0(1, 2): it is that point " \
           "itself; it was run again" in text
    assert "kink" not in text and "λ" not in text
    # a smooth quadratic whose grid column x = 0 reaches (0, 0) in one step of η = 1/4
    obj = Objective.parse("0.1*x**2 + 2*y**2")
    box = [(-5.0, 5.0), (-5.0, 5.0)]
    bm = basins(obj, "gd", box, resolution=61, lr=0.25,
                critical_points=list(obj.critical_points(box=box)))
    text = report.landings_text(bm)
    assert bm.exact_landings == 61
    assert "61 of the 3 721 grid starts landed exactly on the minimum\u00a0(0, 0): 1 of them " \
           "is the point itself; for the others an iterate equals the point" in text
    assert "kink" not in text and "λ" not in text
    # the cause, with the variables named: the 61 are the grid column x = 0, where η·∂²f/∂y²
    # = 0.25·4 = 1 puts y on 0 in one step and x stays 0 — not "whole multiples of a step"
    starts = np.asarray(bm.landed_starts, float)
    assert np.all(starts[:, 0] == 0.0) and len(starts) == 61
    y = starts[:, 1] - 0.25 * 4.0 * starts[:, 1]
    assert np.all(y == 0.0)
    text = report.landings_text(bm, obj.names)
    assert "for the others an iterate equals the point in floating point: all 60 start on " \
           "the line x = 0 through it, so only y had to reach it exactly;" in text
    assert "whole multiples" not in text


def test_small_gradient_regions_on_a_kink_say_which_subgradient_they_measure(four_reports):
    """Kink p.3: 'Regions of the box where ‖∇f‖₂ < t' listed R1 on x = 0, where f has no
    gradient: the page says which subgradient ‖∇f‖₂ stands for there."""
    import sympy as sp

    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    text = report.kink_gradient_text(obj.gradient_list)
    assert text == ("On the kinks of f, x = 0 and y = 1, where f has no gradient, ‖∇f‖₂ is the "
                    "norm of the subgradient the formulas of ∇f give there, each kink's "
                    "derivative the mean of its one-sided ones (sign(0) = 0, θ(0) = ½): a "
                    "region on a kink holds the points where that subgradient is shorter "
                    "than t.")
    # the convention stated is the one the formulas evaluate to: at (0, 1) the one-sided
    # derivatives of |x| are ∓1 and of relu(y − 1) are 0 and 1
    x, y = obj.variables
    at = {x: 0, y: 1}
    g = [sp.sympify(e).subs(at) for e in obj.gradient_list]
    assert g == [(-1 + 1) / sp.S(2), y.subs(at) + (0 + 1) / sp.S(2)]
    assert report.kink_gradient_text(Objective.parse("x**2 + y**2").gradient_list) == ""
    pdf = squash(pdf_text(four_reports["kink"][0].pdf))
    # the sentence follows the box's f range (and what its ends are)
    assert re.search(r"on the box(, from [^.]*)?\. On the kinks of f, x = 0 and "
                     r"y = 1, where f has no gradient", pdf)


def test_a_critical_point_on_a_kink_says_why_it_is_critical(four_reports):
    """Kink p. 3: '1 critical point … proved' for (0, 0), where f has no gradient, and what
    makes it critical (0 ∈ ∂f) only in a footnote on the next page: the critical-point section
    says it at first use, with ∂f(0, 0) = [−1, 1] × {0}, the hull of the one-sided gradients
    (±1, 0) of |x| (relu(y − 1) and y²/2 are flat in y at y = 0)."""
    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    cp = obj.critical_points(box=[(-5, 5), (-5, 5)])[0]
    text = report.kink_critical_text(obj, "P1", cp)
    assert text == ("P1 lies on a kink of f, where f has no gradient: it is critical because 0 "
                    "lies in its subdifferential ∂f, the convex hull of the limits of ∇f at "
                    "nearby points where f is smooth, here the hull of "
                    f"{report.fmt_point([-1, 0])} and {report.fmt_point([1, 0])}, which "
                    "contains 0.")
    pdf = squash(pdf_text(four_reports["kink"][0].pdf))
    assert "in the box. P1 lies on a kink of f, where f has no gradient: it is critical" in pdf
    # a smooth f's section says nothing of the kind
    assert "lies on a kink" not in squash(pdf_text(four_reports["ellipse"][0].pdf))


def test_the_theory_section_says_what_ended_each_rerun(four_reports):
    """Kink p. 5: 'long enough to reach the floating-point floor (or a cap)' where no run
    reached the floor: the first sentence says what ended each run, the floor only for runs
    whose error fell to it."""
    from types import SimpleNamespace as NS

    def study(status, nit, floor=None):
        return NS(result=NS(status=status, nit=nit), measurement=NS(floor_index=floor))

    text = report.rerun_text({"GD": study("maxiter", 1000), "BFGS": study("stalled", 40, 31),
                              "CG": study("line_search_failed", 2),
                              "Newton": study("line_search_failed", 1),
                              "Nesterov": study("maxiter", 900, 880),
                              "L-BFGS": study("line_search_failed", 30, 28)})
    # Rosenbrock p. 6 said Newton and CG ended at 'the floating-point floor' where p. 12 said
    # their line search failed there: a run stopped at the floor by its status says both
    assert text == ("Each method ran again from x₀ with no gradient tolerance, so that the "
                    "asymptotic phase is visible, until the iteration limit of 1 000 "
                    "iterations (GD), a stalled iteration at the floating-point floor (BFGS), "
                    "a failed line search (CG, Newton), the floating-point floor (Nesterov) or "
                    "a failed line search at the floating-point floor (L-BFGS).")
    assert report.rerun_text({"Newton": study("converged", 5)}).endswith(
        "until an exactly zero gradient (Newton).")
    # Himmelblau p. 5: "until the floating-point floor (GD, momentum, …, CG)", every method
    # listed after the one cause that ended them all
    assert report.rerun_text({"GD": study("maxiter", 90, 80), "CG": study("maxiter", 9, 7)}) \
        == ("Every method ran again from x₀ with no gradient tolerance, so that the asymptotic "
            "phase is visible, until the floating-point floor.")
    kink = four_reports["kink"][0]
    rates = json.loads(kink.json.read_text())["rates"]
    # no kink run's error fell to the rounding floor
    assert all(r["measured"]["floor_index"] is None for r in rates.values())
    pdf = squash(pdf_text(kink.pdf))
    assert "reach the floating-point floor" not in pdf
    assert ("until the iteration limit of 1 000 iterations (GD, momentum, Nesterov, Adam) or a "
            "failed line search (Newton, BFGS, L-BFGS, CG).") in pdf


def test_a_region_on_a_kink_has_exact_bounds_where_its_subgradient_is_linear(four_reports):
    """Kink p. 4: R1 'x = 0ⁿ; y ∈ [−0.001ⁿ, 0.001ⁿ]' was marked numeric, but on x = 0 the
    formulas of ∇f give (sign(0), y + θ(y − 1)) = (0, y) near y = 0, so the region is |y| ≤ t
    exactly.  A region on a kink whose subgradient there is not linear keeps measured
    bounds."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    t, box = 1e-3, [(-5.0, 5.0), (-5.0, 5.0)]
    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    cp = obj.critical_points(box=box)[0]
    r = NS(lower=(0.0, -t * (1 - 1e-14)), upper=(0.0, t * (1 - 1e-14)))
    ext = report.kink_region_extent(obj, cp, t, box, r)
    assert ext is not None and ext.lower == [0.0, -t] and ext.upper == [0.0, t]
    assert (ext.where, ext.gradient) == ("x = 0", "(0, y)")
    # |x| + y²·(1 + |y|)/2: on x = 0 the subgradient (0, y + 3y|y|/2) is not linear in y
    curved = Objective.parse("abs(x) + y**2*(1 + abs(y))/2")
    ccp = curved.critical_points(box=box)[0]
    assert report.kink_region_extent(curved, ccp, t, box, r) is None
    # measured bounds far from the exact ones are not replaced
    assert report.kink_region_extent(obj, cp, t, box, NS(lower=(0.0, -2 * t),
                                                          upper=(0.0, 2 * t))) is None
    note = report.region_note(False, False, False, kink=True, on_kink=[("R1", ext)])
    # Kink p.4: the note used M, u, u* and M⁺, defined nowhere: plain words
    assert ("Exact bounds of R1, on the kink x = 0: there the formulas of ∇f give (0, y), "
            "linear in the variables the kink leaves free, so the region is the part of the "
            "kink where ‖(0, y)‖₂ < t, and its bounds are the extremes of each free variable "
            "there (agreeing with the computed bounds).") in note
    assert not any(s in note for s in ("M⁺", "u*", "M(u"))
    pdf = squash(pdf_text(four_reports["kink"][0].pdf))
    assert "Exact bounds of R1, on the kink x = 0" in pdf
    assert "0.001ⁿ" not in pdf


def test_default_steps_on_an_f_with_kinks_say_l_is_the_smooth_parts():
    """Kink p.4: 'η = 1/L, L = 1, the largest Hessian eigenvalue on the segment' read as
    a smoothness constant, but ∇f of |x| jumps by 2 across x = 0: no L bounds it there."""
    from types import SimpleNamespace as NS

    import sympy as sp

    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    x, _ = obj.variables
    dfdx = sp.sympify(obj.gradient_list[0])
    h = sp.Rational(1, 10 ** 9)
    assert dfdx.subs(x, h) - dfdx.subs(x, -h) == 2  # the jump: |Δ∇f|/|Δx| is unbounded
    A = NS(obj=obj, curvature=report.default_curvature(None, 1.0))
    runs = [report.MethodRun("gd", "gd", {"lr": 1.0}, "η = 1/L = 1")]
    text = report.curvature_text(A, runs)
    assert text.endswith("  That L is the smooth part's: across the kinks of f, x = 0 and "
                         "y = 1, ∇f jumps, so f is not L-smooth for any L, and η = 1/L is "
                         "sized from the smooth part only.")
    A.obj = Objective.parse("0.1*x**2 + 2*y**2")
    assert "smooth part" not in report.curvature_text(A, runs)


def test_the_linear_cg_bound_beside_nonlinear_cg_is_marked_a_yardstick():
    """Himmelblau p.5: CG's 'linear (bound) ≤ 0.31433ᵗ' was marked as theory while the note
    under the table calls the linear-CG bound a yardstick for nonlinear CG, no theorem: the
    cell, the per-step table's theory row and the legend carry the yardstick's marker."""
    from analysis.rates import rate_study
    from analysis.theory.cg import CG_BASIS
    from landscape import Objective

    obj = Objective.parse("0.1*x**2 + 2*y**2")
    cg = rate_study(obj, "cg", [-4.59, -4.83])
    gd = rate_study(obj, "gd", [-4.59, -4.83], lr=0.25)
    assert cg.prediction.basis == CG_BASIS and not cg.prediction.exact
    kappa = 2.0 * 2 / (0.1 * 2)
    bound = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    assert cg.prediction.rate == pytest.approx(bound)
    b = report.Builder("t")
    _, rate, _ = report._pred_cells(b, "cg", cg.prediction)
    assert rate == f"≤ {report.fmt_num(bound, report.rate_digits(bound))}ʸ"
    assert report.theory_limit(b, "cg", "s", cg.prediction, None).startswith(
        f"≤ {report.fmt_num(bound, report.rate_digits(bound))}ʸ")
    _, gd_rate, _ = report._pred_cells(b, "gd", gd.prediction)
    assert gd_rate.endswith("ᵗ")  # a closed form for GD stays theory
    legend = report.theory_legend([gd, cg])
    assert legend.endswith("ʸ " + report.HOW["yardstick"][1]) and "ᵗ theory" in legend
    assert "ʸ" not in report.theory_legend([gd])
    assert "yardstick for nonlinear CG" in report.cg_bound_notes([cg])[0]


def test_bound_compared_by_kind_names_the_bound_test():
    """Study p. 8 and p. 39: L-BFGS's and CG's rows read 'decided by: kind, verdict: agrees'
    beside a linear bound and a measured superlinear kind, the kinds differing; the test
    applied is the bound's (at least as fast), and the cell and the note say so."""
    from analysis.compare import compare
    from analysis.empirical import Measurement
    from analysis.theory import Prediction
    from analysis.theory.cg import CG_BASIS, cg_rate

    p = Prediction(kind="linear", rate=cg_rate([1.0, 2508.0]), basis=CG_BASIS, exact=False)
    m = Measurement(kind="superlinear", rate=None, order=None, window=(43, 45))
    c = compare(p, m)
    assert c.agree
    assert report.decided_by(c, p, m) == "bound: superlinear ≥ linear (at least as fast)"
    from types import SimpleNamespace as NS

    st = NS(comparison=c, prediction=p, measurement=m, method="cg")
    assert report.theory_criterion(st) == ("bound", "bound kind")
    note = "  ".join(report.theory_notes([st]))
    assert "bound: the measured kind against the bound's kind" in note
    assert "kind: only the kinds were compared" not in note


def test_yardstick_note_says_which_case_the_bound_comes_from():
    """Study p. 8: the ʸ legend promised that the note says which case CG's bound was proved
    for, but the note said only 'at least as fast as the predicted linear bound'."""
    from types import SimpleNamespace as NS

    from analysis.theory import Prediction
    from analysis.theory.cg import CG_BASIS

    hess = np.array([[802.0, -400.0], [-400.0, 200.0]])  # Rosenbrock's Hessian at (1, 1)
    lam = np.linalg.eigvalsh(hess)
    kappa = lam.max() / lam.min()
    assert 2507 < kappa < 2509
    p = Prediction(kind="linear", rate=0.96085, basis=CG_BASIS, exact=False)
    st = NS(prediction=p, eigenvalues=list(lam), reference=np.array([1.0, 1.0]))
    assert report.yardstick_case(st) == (
        "ʸ the bound is CG's rate (√κ − 1)/(√κ + 1) on a quadratic with the Hessian at "
        f"(1, 1), κ = {kappa:.0f}")
    exact = NS(prediction=Prediction(kind="linear", rate=0.5), eigenvalues=[1.0, 2.0],
               reference=np.array([0.0, 0.0]))
    assert report.yardstick_case(exact) == ""


def test_front_page_states_the_dimension_a_formula_in_n_was_read_with(tmp_path):
    """A formula written in ``n`` is read with the dimension given: the front page says which
    n it was, once, after the formula as given; a formula without ``n`` gets no such note."""
    from landscape.objective import Objective

    text = "sum((x[i] - 1)**2, i, 1, n)"
    obj = Objective.parse(text, dim=3)
    assert obj.dim == 3 and len(obj.variables) == 3
    path = tmp_path / "sumsq.pdf"
    report.build_report(obj, path, methods=["newton"])
    page = squash(pdf_text(path))
    assert f"Formula as given: {text}, with n = {len(obj.variables)}" in page
    plain = Objective.parse("x**2 + y**2", dim=2)
    assert plain.dim == 2
    path2 = tmp_path / "plain.pdf"
    report.build_report(plain, path2, methods=["newton"])
    assert "with n =" not in squash(pdf_text(path2))


def test_theory_notes_give_the_source_of_the_quasi_newton_predicted_kinds():
    """The predicted kinds of BFGS (superlinear) and L-BFGS (linear, no rate) cite their
    theorems beside the table, as CG's bound cites N&W Eq. 5.36; a row without such a
    prediction adds no note."""
    from types import SimpleNamespace as NS

    from analysis.theory.dispatch import predict

    lam = [2.0, 50.0]
    meas = NS(kind="superlinear", rate=None, window=(0, 9))
    agree = NS(quantity="kind", agree=True, verdict="agrees")
    rows = [NS(method=m, prediction=predict(m, {"lr": 0.01} if m == "gd" else {}, lam),
               measurement=meas, comparison=agree) for m in ("gd", "bfgs", "lbfgs")]
    assert [r.prediction.kind for r in rows[1:]] == ["superlinear", "linear"]
    notes = report.qn_source_notes(rows)
    assert len(notes) == 2
    assert notes[0].startswith("BFGS: the predicted kind comes from the theorem that BFGS")
    # Thm 6.6 is the BFGS theorem, proved through the Dennis–Moré condition (N&W Eq. 3.36),
    # which is no theorem 6.6 of its own: "(the Dennis–Moré condition, N&W Thm 6.6)" gave
    # the condition the theorem's number (chained Rosenbrock p. 7)
    assert "(N&W Thm 6.6, via the Dennis–Moré condition)" in notes[0]
    assert "condition, N&W Thm" not in notes[0]
    assert notes[1].startswith("L-BFGS: the predicted kind comes from the theorem that L-BFGS "
                               "converges R-linearly")
    assert "Liu & Nocedal 1989, Thm 7.1" in notes[1]
    # Himmelblau p. 5, Rosenbrock p. 7: f is nonconvex, so the uniformly convex hypothesis
    # holds only near x*, where ∇²f is positive definite (the only place a kind is predicted)
    # (chained Rosenbrock p. 7: "near the minimizer x*" where the page's tables call P3 x*
    # and L-BFGS ended at P1: the note names the point as the page's list of where the theory
    # was evaluated does)
    local = ("Thm 7.1), applied near the minimizer the theory is evaluated at, where ∇²f is "
             "positive definite (so f is uniformly convex there, whether or not it is convex "
             "elsewhere), with a constant")
    assert local in notes[1]
    assert local.removeprefix("Thm 7.1)") in rows[2].prediction.notes[0]
    assert notes == report.theory_notes(rows)[-2:]
    assert report.qn_source_notes(rows[:1]) == []
    # at a saddle no rate is promised: no source to cite
    assert report.qn_source_notes([NS(method="bfgs", prediction=predict("bfgs", {}, [-1.0, 2.0]),
                                      measurement=meas, comparison=agree)]) == []


def test_agreement_sentence_says_a_run_that_did_not_converge_agrees_in_its_rate_study_run():
    """Rosenbrock p. 2: momentum and Nesterov "did not converge" (comparison runs of 1000
    iterations), then "agree" with no word that the verdict comes from the longer rate-study
    runs (20000 and 8526 iterations)."""
    from types import SimpleNamespace as NS

    def run(shown, status, nit, study_nit, verdict):
        return NS(shown=shown, result=NS(status=status, nit=nit),
                  study=NS(result=NS(nit=study_nit), comparison=NS(verdict=verdict)))

    runs = [run("GD", "converged", 900, 950, "agrees"),
            run("momentum", "iteration limit", 1000, 20000, "agrees"),
            run("Nesterov", "iteration limit", 1000, 8526, "agrees"),
            run("Adam", "iteration limit", 1000, 1000, "not comparable")]
    text = report._agreement_sentence(NS(runs=runs))
    assert text.startswith("Theory and measurement agree for 3 of 4 methods (GD, momentum, "
                           "Nesterov).")
    # p. 2 then read "(1 000 iterations, 1 000 iterations)": a count shared by all is said once
    assert (" Momentum and Nesterov, which did not converge in their comparison runs (1 000 "
            "iterations each), agree in their longer rate-study runs (20 000 "
            "iterations, 8 526 iterations), which the verdicts rest on.") in text
    same = [run("momentum", "iteration limit", 1000, 5000, "agrees"),
            run("Nesterov", "iteration limit", 900, 5000, "agrees")]
    assert ("in their comparison runs (1 000 iterations, 900 iterations), agree in their "
            "longer rate-study runs (5 000 iterations each)") in report._agreement_sentence(
                NS(runs=same))
    one = report._agreement_sentence(NS(runs=runs[:2]))
    assert (" Momentum, which did not converge in its comparison run (1 000 iterations), "
            "agrees in its longer rate-study run (20 000 iterations)") in one
    assert "rate-study" not in report._agreement_sentence(NS(runs=runs[:1]))
    # kink p.2: runs that cycle agree in rate-study runs no longer than their comparison runs:
    # nothing to set apart
    cycles = [run("GD", "iteration limit", 1000, 1000, "agrees")]
    assert "rate-study" not in report._agreement_sentence(NS(runs=cycles))


def test_agreement_sentence_says_which_agreements_are_with_a_yardstick():
    """Chained Rosenbrock p. 2: "Theory and measurement agree for 6 of 8 methods (…, CG)"
    counted CG's agreement with the linear-CG bound, a yardstick for nonlinear CG and no
    theorem for it (p. 6 marks it ʸ), with no word of it.  The Summary names the agreements
    with a yardstick last, as such; an agreement with a theorem, or a yardstick run that
    does not agree, is not so named."""
    from types import SimpleNamespace as NS

    from analysis.theory.cg import CG_BASIS

    def run(shown, verdict, basis="", kind="linear", momentum=0.0):
        p = NS(basis=basis, kind=kind, details={"momentum": momentum})
        return NS(shown=shown, result=NS(status="converged", nit=10),
                  study=NS(result=NS(nit=10), comparison=NS(verdict=verdict, reason="r"),
                           prediction=p))

    runs = [run("CG", "agrees", CG_BASIS), run("GD", "agrees")]
    text = report._agreement_sentence(NS(runs=runs))
    assert text == "Theory and measurement agree for 2 of 2 methods (GD; against a yardstick: CG)."
    # the kink's cycle bounds with momentum β > 0 are yardsticks too
    kink = [run("GD", "agrees", kind="bounded"),
            run("momentum", "agrees", kind="bounded", momentum=0.5),
            run("Nesterov", "agrees", kind="bounded", momentum=0.5)]
    # kink p. 2 read "(GD, momentum and Nesterov against a yardstick)" as GD's too
    assert report._agreement_sentence(NS(runs=kink)) == (
        "Theory and measurement agree for 3 of 3 methods (GD; against a yardstick: momentum, "
        "Nesterov).")
    assert report._agreement_sentence(NS(runs=kink[1:])) == (
        "Theory and measurement agree for 2 of 2 methods (against a yardstick: momentum, "
        "Nesterov).")
    assert "yardstick" not in report._agreement_sentence(
        NS(runs=[run("GD", "agrees"), run("CG", "disagrees", CG_BASIS)]))


def test_word_named_hyperparameters_are_defined_in_the_table_notes():
    """Himmelblau p. 4: "dampening = 0" (momentum), "damping = 1" and "eigenvalue shift"
    (Newton) stood undefined, the footnote saying only "PyTorch conventions"."""
    from types import SimpleNamespace as NS

    mom = report.MethodRun("momentum", "momentum", {"lr": 0.1, "momentum": 0.5}, "given",
                           result=NS(hyper={"lr": 0.1, "momentum": 0.5, "dampening": 0.0}))
    newton = report.MethodRun("newton", "newton", {}, "defaults",
                              result=NS(hyper={"damping": 1.0, "modification": "shift"}))
    gd = report.MethodRun("gd", "gd", {"lr": 0.1}, "given", result=NS(hyper={"lr": 0.1}))
    assert "dampening = 0" in report.hyper_cell(mom) and "damping = 1" in report.hyper_cell(newton)
    text = report.hyper_meanings([gd, mom, newton])
    assert text == ("dampening: the gradient enters the momentum buffer b scaled by "
                    "1 − dampening, b ← momentum·b + (1 − dampening)∇f (0: all of it); "
                    "damping: Newton's step size α, the first step its line search tries.")
    assert report.hyper_meanings([gd]) == ""
    assert report.EIGENVALUE_SHIFT.startswith("eigenvalue shift: τI is added to ∇²f")


def test_comparison_lead_in_sets_the_two_near_radii_apart(small_report):
    """Kink p. 2 and p. 4: a rate-study run counted as converged within "the radius 0.666 …
    0.1 × its distance from x₀", the tables' ‘ended near’ within "0.141 (1% of the box
    diagonal)", with nothing saying which applies where."""
    from analysis.rates import CONVERGED_FRACTION, converged_radius

    p, x0 = np.zeros(2), np.array([3.0, 4.0])
    assert converged_radius(p, x0) == pytest.approx(CONVERGED_FRACTION * 5.0)
    clause = report.near_radii_text()
    assert f"{CONVERGED_FRACTION:g} × a run's distance from x₀ to the point" in clause
    path, _ = small_report
    text = squash(pdf_text(path))
    assert ("of the final iterate; the rate studies (“Theory against measurement”) use their "
            "own radius, 0.1 × a run's distance from x₀ to the point (or to the nearest other "
            "critical point, when that is closer), to decide whether a run converged to a "
            "point and so which point its errors are measured to.") in text


def test_cycle_verdict_marks_its_numbers_and_the_momentum_bound_as_a_yardstick():
    """Kink p. 5: "cycle 1.9 ≤ 4" carried no markers, though 1.9 is measured and the bound
    for momentum (β > 0) is declared a heuristic, "not from these sources": a yardstick."""
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison
    from analysis.theory.kink import predict_kink, subgradient_band

    G, lr, beta = 1.0, 1.0, 0.5
    hb = predict_kink("momentum", {"lr": lr, "momentum": beta}, G)
    gd = predict_kink("gd", {"lr": lr}, G)
    assert hb.kind == gd.kind == "bounded"
    assert hb.band == pytest.approx(subgradient_band(lr, G, beta)) == pytest.approx(4.0)
    assert report.prediction_how(hb) == "yardstick" and report.prediction_how(gd) == "theory"
    c = Comparison(True, "agrees", rel_diff=0.5, quantity="band", predicted=hb.band,
                   measured=1.905, tolerance=0.01)
    assert report.decided_by(c, hb) == "cycle 1.91ᵐ ≤ 4ʸ"
    c0 = Comparison(True, "agrees", rel_diff=0.5, quantity="band", predicted=gd.band,
                    measured=1.0, tolerance=0.01)
    assert report.decided_by(c0, gd) == "cycle 1ᵐ ≤ 2ᵗ"
    legend = report.theory_legend([NS(prediction=hb, comparison=c), NS(prediction=gd,
                                                                       comparison=c0)])
    assert "ᵐ measured in an optimizer run" in legend and "ʸ yardstick" in legend
    # the CG bound's note is for CG only, not for every yardstick
    assert report.cg_bound_notes([NS(method="momentum", prediction=hb)]) == []


def test_the_robust_fit_note_names_the_table_that_holds_the_measured_rate():
    """Study p. 13: "the robust fit (the measured rate of the theory table)" named a table
    no page has; the measured rate is in the table titled by THEORY_TABLE."""
    from types import SimpleNamespace as NS

    e = 3.0 * 0.5 ** np.arange(40)
    b = report.Builder("t")
    _, notes, _, _ = report._window_rows(b, "gd", "s", e, (5, 30),
                                         NS(kind="linear", rate=0.5), None, [])
    (note,) = [n for n in notes if n.startswith("Geometric mean and robust fit")]
    assert "theory table" not in note
    assert f"the measured rate of the table ‘{report.THEORY_TABLE}’" in note
    assert report.THEORY_TABLE == "Predicted and measured convergence"


def test_the_kind_rule_covers_a_predicted_divergence_whose_growth_factor_is_shown():
    """Study p. 12: GD on x² with η = 1.1 printed a theory growth factor 1.2ᵗ and was
    "decided by: kind", while the note said the kinds decide only when theory gives no
    number to compare: a predicted blow-up is judged by its kind (compare.py)."""
    from analysis.rates import rate_study
    from landscape import Objective

    st = rate_study(Objective.parse("x**2"), "gd", [10.0], lr=1.1, maxiter=60)
    assert st.prediction.kind == "diverges" and st.prediction.rate == pytest.approx(1.2)
    assert report.theory_criterion(st) == ("kind", "kind")
    assert report.decided_by(st.comparison, st.prediction, st.measurement) == "kind"
    (rules,) = [n for n in report.theory_notes([st]) if n.startswith("Agreement:")]
    assert "when theory predicts no convergence to x*" in rules
    assert "whatever its growth factor" in rules


def test_a_rate_that_holds_only_on_average_is_named_so_in_the_table(himmelblau_report):
    """Himmelblau p.5: Adam's row read "measured kind linear, 0.94927ᶠ [k = 303–566]" while
    its error swung by more than a decade inside that window (p.11): the row names the kind
    "linear on average", its note "R-linear only: …" with the swing the JSON gives (in the
    note column, :func:`report.theory_row`; Adam's note is long and goes under the table);
    runs whose error does not swing keep "linear"; the JSON kind stays "linear"."""
    from analysis.empirical import R_LINEAR_SPREAD

    data = json.loads(himmelblau_report.json.read_text())
    text = squash(pdf_text(himmelblau_report.pdf))
    adam = data["rates"]["adam"]["measured"]
    assert adam["kind"] == "linear" and adam["spread"] > R_LINEAR_SPREAD
    # the kind cell says the kind, the note column (here its note under the table) what it
    # means
    ref = re.search(r"Adam — \(no rate promised\) — linear on average "
                    + re.escape(f"{adam['rate']:.3f}ᶠ") + r".*?R-linear only \[(\d+)\]", text)
    assert ref is not None
    assert (f"[{ref.group(1)}] note: R-linear only: in each half of the window the errors "
            f"stray at least {fmt(adam['spread'], 2)} decades from the fitted line; Adam with a "
            "constant step size η promises no rate") in text
    # its rate to the digits that swing supports: a line within it of the errors at both ends
    # of the window may tilt by 2·spread/(z − a) decades per step, ρ ± u with u in [0.01, 0.1)
    a, z = adam["window"]
    u = adam["rate"] * (10 ** (2 * adam["spread"] / (z - a)) - 1)
    assert 0.01 <= u < 0.1 and 0.1 <= adam["rate"] < 1  # ρ to 0.001: three digits
    for name in ("gd", "momentum", "nesterov"):
        m = data["rates"][name]["measured"]
        assert m["kind"] == "linear" and m["spread"] <= R_LINEAR_SPREAD, name
    assert text.count("linear on average") == 1  # the cell; its note says what it means


def test_a_per_step_table_ends_with_the_last_error_above_the_floor():
    """Quadratic p.7: BFGS's and L-BFGS's tables stopped at k = 6 though e₇ lay above the
    rounding floor (BFGS's window was [5, 7]); the table shows k = 7 with its error and says
    why no ratio follows.  A table that shows only some steps (GD's) gets no such row."""
    from analysis import plots

    ratios = [0.89082, 0.69774, 0.89893, 0.0046529, 0.03768, 0.0040453, 0.0033464, 1e-6]
    e = 6.66 * np.cumprod([1.0, *ratios])
    st = _nw_study(e, "superlinear", kind="none")
    floor = plots.study_floor(st)
    last = int(np.flatnonzero(e > floor)[-1])
    assert last == 7 and e[last + 1] <= floor
    b = report.Builder("t")
    assert report.convergence_table(b, "BFGS", st, "s")
    table = b.doc.blocks[-1]
    assert [r[0] for r in table.rows] == [*map(str, range(last + 1)), "theory"]
    row = table.rows[-2]
    assert row[1].startswith(report.fmt_num(float(e[last]), 3))
    assert row[2] == "next error below the floor"
    # a long run whose table picks a few steps keeps its rows as they were
    long = 3.0 * 0.5 ** np.arange(60)
    lin = _nw_study(long, "linear", 0.5, window=(5, 40), kind="linear", rate=0.5)
    b = report.Builder("t")
    assert report.convergence_table(b, "GD", lin, "s")
    assert not any("next error below" in c for r in b.doc.blocks[-1].rows for c in r)


def test_a_run_stopped_by_its_line_search_has_no_measured_kind_but_its_status():
    """Kink p.5: Newton, BFGS, L-BFGS and CG, whose line searches failed after 1–4
    iterations, had 'none' as measured kind; the cell says why none was measured."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    st = rate_study(obj, "cg", [-4.59, -4.83])
    assert st.result.status == "line_search_failed" and st.measurement.kind == "none"
    row = report.theory_row(report.Builder("t"), "CG", st)
    assert row[3] == f"— ({report.status_text(st.result.status)})" == "— (line search failed)"
    # a run that ran to its limit keeps its measured kind
    gd = rate_study(obj, "gd", [-4.59, -4.83], lr=1.0)
    assert gd.result.status == "maxiter"
    assert report.theory_row(report.Builder("t"), "GD", gd)[3] == gd.measurement.kind


def test_a_method_theory_gives_no_kind_says_why_in_its_predicted_kind_cell():
    """Kink p. 5: 'none' as predicted kind of Adam, Newton, BFGS, L-BFGS and CG read like a
    kind; the cell says why theory gives none, as the measured cell says a stopped run's
    status.  GD's bounded kind is unchanged; Adam on a smooth f gives no rate either."""
    from analysis.rates import rate_study
    from analysis.theory.kink import NO_KINK_THEORY
    from analysis.theory.prediction import NO_RATE_PROMISED
    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    for method in ("adam", "newton", "bfgs", "lbfgs", "cg"):
        st = rate_study(obj, method, [-4.59, -4.83], maxiter=50)
        assert st.prediction.kind == "none"
        row = report.theory_row(report.Builder("t"), method, st)
        assert row[1] == f"— ({NO_KINK_THEORY})" == "— (no theory at a kink)"
        assert st.prediction.to_json()["short_reason"] == NO_KINK_THEORY
    gd = rate_study(obj, "gd", [-4.59, -4.83], lr=1.0, maxiter=50)
    assert report.theory_row(report.Builder("t"), "GD", gd)[1] == "bounded"
    smooth = rate_study(Objective.parse("0.1*x**2 + 2*y**2"), "adam", [3.0, 2.0], maxiter=50)
    assert smooth.prediction.kind == "none"
    assert report.theory_row(report.Builder("t"), "Adam", smooth)[1] == (
        f"— ({NO_RATE_PROMISED})")


def test_small_gradient_regions_come_in_the_order_of_the_points_they_hold(four_reports):
    """Himmelblau p.3: the rows R1 … R9 held P8, P4, P7, … P1, an order unrelated to the
    critical-point table's; a region holding Pk now comes in P order (regions holding no
    listed point after them)."""
    from types import SimpleNamespace as NS

    _, doc = four_reports["himmelblau"]
    (table,) = [blk for blk in doc.blocks if isinstance(blk, report.Table)
                and blk.title == "Small-gradient regions"]
    held = [int(re.match(r"P(\d+) ", row[-1]).group(1)) for row in table.rows]
    assert [row[0] for row in table.rows] == [f"R{i}" for i in range(1, len(held) + 1)]
    assert held == list(range(1, 10))
    cps = [NS(point=np.array([float(i), 0.0])) for i in range(3)]
    reg = [NS(critical_point=cp, lower=np.array([x - 0.1, -0.1]),
              upper=np.array([x + 0.1, 0.1]), point=np.array([x, 0.0]))
           for cp, x in (("minimum", 2.0), (None, 5.0), ("saddle", 0.0), ("minimum", 1.0))]
    ordered = report.regions_in_point_order(cps, reg)
    assert [float(r.point[0]) for r in ordered] == [0.0, 1.0, 2.0, 5.0]


def test_a_sampled_search_says_how_it_found_its_regions_after_the_count(four_reports):
    """Rosenbrock p.4: the count of small-gradient regions came after one 70-word sentence
    with a parenthesis nested in a parenthesis (the sampled search and its seeding); the
    method follows in sentences of its own, the count first.  A grid search keeps its
    short bracket (Himmelblau)."""
    from analysis import pages

    def lead(name):
        _, doc = four_reports[name]
        (text,) = [blk.text for blk in doc.blocks if isinstance(blk, pages.Paragraph)
                   and blk.text.startswith("Regions of the box where")]
        return text

    text = lead("rosenbrock5")
    head, how = text.split("  How they were found: ")
    assert re.match(r"Regions of the box where ‖∇f‖₂ < t = \S+: \d+, of which", head), head
    assert how.startswith("20 000 Halton samples") and "from seeded points" in how
    for sentence in re.split(r"\.  ", text):
        depth = 0
        for ch in sentence:
            depth += (ch == "(") - (ch == ")")
            assert depth <= 1, sentence
    assert re.match(r"Regions of the box where ‖∇f‖₂ < t = \S+ \(grid \d+×\d+\): ",
                    lead("himmelblau"))


def test_study_chain_lines_are_drawn_through_every_depth(tmp_path, monkeypatch):
    """Study p. 44: the tanh line was computed at d = 1–8, 10, 15, 20, 30, 40, 50 only and
    drawn as corners; the chain section computes every depth from 1 to 50."""
    from analysis import plots, study

    drawn = []
    original = plots.plot_chain_depth

    def spy(studies, **kw):
        drawn.append([[r.depth for r in st.rows] for st in studies])
        return original(studies, **kw)

    monkeypatch.setattr(plots, "plot_chain_depth", spy)
    study.build_study(tmp_path, quick=True, sections=[study.section_chain])
    assert drawn and all(d == list(range(1, 51)) for d in drawn[0]), drawn


def test_region_note_says_where_each_smallest_gradient_norm_is_evaluated():
    """Rosenbrock p. 4: the regions R1, R2 gave smallest ‖∇f‖₂ = 8.7e−14, 9.2e−15 while p. 3
    gave 3e−23, 1.6e−24 at the critical points P1, P2 inside them, with nothing to say why:
    the region's value is evaluated in double precision at the point found, the critical
    point's at the point refined to REFINE_DPS digits.  The note says so, with the values,
    and that the region's point is shown rounded (chained Rosenbrock p. 4: ‖∇f‖₂ = 0.074 at
    R1's printed point (−0.9621, 0.9357, 0.8807, 0.7779, 0.6051), 8.70e−14 printed)."""
    from landscape.critical import REFINE_DPS

    assert "double precision" not in report.region_note(False, False, False, measured="how")
    note = report.region_note(False, False, False, measured="how",
                              refined=[("P1", 3e-23), ("P2", 1.6e-24)])
    assert note.startswith(report.measured_bounds_text("how"))
    assert ("A region's smallest ‖∇f‖₂ is evaluated in double precision at the point found, "
            "shown rounded (at the rounded point ‖∇f‖₂ is larger: ∇f moves by about ∇²f times "
            "the rounding); the ‖∇f‖₂ of the critical-point table at "
            f"P1 ({report.fmt_num(3e-23, 2)}), "
            f"P2 ({report.fmt_num(1.6e-24, 2)}) is evaluated at {REFINE_DPS} digits at the "
            f"point refined to {REFINE_DPS} digits") in note


def test_a_long_not_comparable_note_points_to_where_it_is_printed_whole():
    """Quadratic p. 5–6: BFGS's row printed its whole not-comparable reason (30 lines in the
    narrow note column), which pushed the convergence table over a page and left p. 5 half
    blank; the row keeps the reason's head and says where the rest is, short notes stay."""
    long = ("measured fast (superlinear or fast linear, not decided): the last steps "
            "accelerate (0.0377, 0.00405: ratios) " + "x" * 300)
    assert report.row_note(long, "Not compared") == (
        "measured fast (superlinear or fast linear, not decided; reasons in full under "
        "“Not compared”)")
    assert report.row_note(long) == long  # no section prints it whole: all of it
    short = "Adam with a constant step size η promises no rate: see Reddi et al."
    assert report.row_note(short, "Not compared") == short
    # a head that ends in brackets takes the pointer inside them (kink p. 5: "… line search)
    # (reasons in full under …)", two brackets in a row)
    bracketed = ("not comparable (Hessian model, curvature condition of the line search): "
                 + "y" * 300)
    assert report.row_note(bracketed, "What failed") == (
        "not comparable (Hessian model, curvature condition of the line search; reasons in "
        "full under “What failed”)")


def test_the_box_maximum_is_exact_where_f_is_exact_at_the_corners():
    """The largest value of f on the box: exact with where at corners, sampled elsewhere;
    where follows the interval, with no bracket in a bracket."""
    from analysis.report import box_maximum_text
    from landscape.objective import Objective
    from landscape.vanishing import find_vanishing_regions

    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])

    def text(formula):
        return box_maximum_text(find_vanishing_regions(Objective.parse(formula), box), box)

    quad = 0.1 * 25 + 2 * 25
    assert text("0.1*x**2 + 2*y**2") == (
        f"{quad:g}ᵉ", "f at the corners (±5, ±5), where the sampled maximum lies")
    kink = 5 + max(0, 5 - 1) + 0.5 * 25  # at y = −5 the relu is 0: only y = 5 is the top
    assert text("abs(x) + relu(y-1) + 0.5*y**2") == (
        f"{kink:g}ᵉ", "f at the corners (±5, 5), where the sampled maximum lies")
    assert text("-x**2 + y**2") == (
        "25ᵉ", "f at the boundary points (0, ±5), where the sampled maximum lies")
    assert text("sin(x) + y**2") == ("26", "the largest sampled value")


def test_the_settled_note_states_the_cycle_rule_so_that_its_numbers_can_be_redone():
    """Kink p. 6: the titles said 'iterations k = 21–1000 around the cycle' (momentum) and
    'k = 8–1000' (Nesterov) with no word on how 'settled' is decided: a reader found x₈ of
    Nesterov still 7% off its cycle value, and the diameter of k = 8–1000 is 1.35, not the
    printed 1.33.  The † note states the rule and its tolerance, and what the size is; a plain
    NumPy loop redoes both numbers from the note."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    x0 = [-4.59, -4.83]

    def grad(p):
        return np.array([np.sign(p[0]), (1.0 if p[1] > 1.0 else 0.0) + p[1]])

    def diam(pts):
        return max(float(np.linalg.norm(u - v)) for u in pts for v in pts)

    literal = {}
    for method in ("momentum", "nesterov"):
        st = rate_study(obj, method, x0, lr=1.0, momentum=0.5)
        m = st.measurement
        assert m.kind == "bounded" and m.period is not None
        b = report.Builder("t")
        assert report.convergence_table(b, method, st, "s")
        table = b.doc.blocks[-1]
        (note,) = [n for n in table.notes if n.startswith(report.SETTLED_MARK)]
        words = " ".join(note.split())
        hit = re.search(r"the first k such that every later m-step move "
                        r"‖x₍ⱼ₊ₘ₎ − xⱼ‖, j ≥ k, is at most ([0-9.]+)·s, s the smallest "
                        r"distance between two of the last m iterates", words)
        assert hit, words
        # the size is defined where it is printed, in the theory table's agreement rule,
        # not under the per-step tables, which print none (kink p. 6)
        assert "Size" not in words and "diameter" not in words, words
        assert words.startswith("◊ step before the run settled, at the start of the "
                                "iterations named in the table's title: on a cycle"), words
        rule = report.theory_notes([st])[-1]
        assert ("(of a cycle, its diameter: the largest distance between two of its points; "
                "of a band, the diameter of the last half of the run, at most its last 512 "
                "iterates)") in " ".join(rule.split()), rule
        tol = float(hit.group(1))
        # the run, as torch's SGD(momentum=0.5[, nesterov=True]) with η = 1 takes it
        x, v, path = np.array(x0), np.zeros(2), [np.array(x0)]
        for k in range(int(st.result.nit)):
            g = grad(x)
            v = g if k == 0 else 0.5 * v + g
            x = x - (g + 0.5 * v if method == "nesterov" else v)
            path.append(x.copy())
        p = np.array(path)
        K, per = len(p) - 1, m.period
        last = p[K - per + 1:]
        s = min(float(np.linalg.norm(last[i] - last[j]))
                for i in range(per) for j in range(i + 1, per))
        moves = np.linalg.norm(p[per:] - p[:-per], axis=1)
        start = next(k for k in range(K + 1) if np.all(moves[k:] <= tol * s))
        assert table.title.endswith(f"(iterations k = {start}–{K} around the cycle, "
                                    "nothing fitted)"), table.title
        size = diam(last)
        assert m.band == pytest.approx(size, rel=1e-12)
        row = " ".join(report.theory_row(b, method, st))
        assert f"cycle of size {report.fmt_num(size, 3)} around the kink" in row, row
        literal[method] = (diam(p[start:]), size)
    # Nesterov's diameter over its whole window is not the size printed (1.35 against 1.33):
    # hence the note's "last period"
    whole, size = literal["nesterov"]
    assert round(whole, 2) != round(size, 2)


def test_a_run_of_measured_kind_none_says_why_in_its_kind_cell_and_summary():
    """Rosenbrock p.6: Adam's measured kind read 'none' with no reason, while its measurement
    had one ('no decrease of the error over the asymptotic window')."""
    from types import SimpleNamespace as NS

    from analysis import empirical as E
    from analysis.compare import compare
    from analysis.theory.prediction import Prediction

    k = np.arange(2000)  # errors that saw with rising peaks: nothing falls to fit
    path = (np.where(k % 2 == 0, 1e-2, 1e-5) * (1 + k / 4000)).reshape(-1, 1)
    m = E.measure(path, [0.0])
    assert m.kind == "none" and m.reason
    p = Prediction(kind="none", reason="no rate is promised", exact=False)
    st = NS(result=NS(status="maxiter", path=path, nit=len(k) - 1), prediction=p,
            measurement=m, comparison=compare(p, m))
    row = report.theory_row(report.Builder("t"), "Adam", st)
    head = report.reason_head(m.reason)
    assert row[3] == f"— ({head})" == "— (no decrease of the error over the asymptotic window)"
    assert report.none_why(st) == head
    # a reason with its detail after ": " gives its head; a run its status stopped, the status
    assert report.reason_head("the window [2, 4: x] has 3 points: no rate") == (
        "the window [2, 4: x] has 3 points")
    stopped = NS(result=NS(status="stalled"), measurement=m)
    assert report.none_kind("none", stopped) == f"— ({report.status_text('stalled')})"
    assert report.none_kind("linear", st) == "linear"


def test_a_band_table_says_the_verdict_tests_the_robust_fit_when_the_mean_lies_outside():
    """Study p. 27: heavy ball's geometric mean 0.82426 printed above the band's end 0.82425
    while the verdict ('agrees') rests on the robust fit 0.82416, inside it; the table's
    note says which value the verdict tests (the band row keeps its short text, which sets
    the column's width)."""
    from types import SimpleNamespace as NS

    e = 3.0 * 0.51 ** np.arange(40)
    st = _nw_study(e, "linear", 0.5, window=(5, 30), kind="linear", rate=0.505)
    mean = (e[30] / e[5]) ** (1 / 25)
    assert report.window_mean(e, 5, 30) == pytest.approx(mean) == pytest.approx(0.51)
    for band, side in [((0.5, 0.509), "above"), ((0.511, 0.52), "below"), ((0.5, 0.52), "")]:
        st.comparison = NS(quantity="rate", rate_band=band)
        b = report.Builder("t")
        assert report.convergence_table(b, "heavy ball", st, "s")
        table = b.doc.blocks[-1]
        assert table.rows[-1][0] == "theory band"
        assert table.rows[-1][2].endswith("ᵗ (window 5–30)")
        if band[0] <= 0.505 <= band[1]:  # the robust fit in the band
            said = (f"heavy ball: the geometric mean lies {side} the theory band; the verdict "
                    "tests the robust fit (the measured rate), which lies in it, not the "
                    "geometric mean.")
        else:  # below the band, like the mean: both, with how far off
            said = ("heavy ball: the robust fit 0.50500 and the geometric mean 0.51000 both lie "
                    "below the theory band; the verdict tests the robust fit")
        assert any(said in n for n in table.notes) == bool(side), table.notes
        assert any("the verdict tests the robust fit" in n for n in table.notes) == bool(side)


def test_a_per_step_title_names_the_order_window_beside_the_fit_window():
    """Study p. 42: BFGS's per-step table was titled 'fit window k = 33–38' (the window its
    order was fitted on) above a geometric mean over k = 32–38 and a † on k = 32: the title
    names both windows when they differ, and only the fit window when they agree.  The
    wider one is where the kind was read, not a fit window (study p. 38 drew BFGS's ratios
    from k = 33 under a title "fit window k = 32–38"): "fit window" names only where a rate
    or order was fitted, the window the error figure shades and its ratio panel draws."""
    assert report.nw_title("BFGS", (32, 38), None, order_win=(33, 38)).endswith(
        "(kind read on k = 32–38; order fitted on k = 33–38)")
    assert report.nw_title("GD", (3, 78), None, order_win=(3, 78)).endswith(
        "(fit window k = 3–78)")
    assert report.nw_title("GD", (3, 78), None).endswith("(fit window k = 3–78)")
    # a run whose printed number is the order, with no row over the fit window: its window
    # alone, under one name (study p. 22: 'fit window k = 0–7; order fitted on k = 4–7')
    assert report.nw_title("Newton", (0, 7), None, order_win=(4, 7), order_only=True
                           ).endswith(": errors and ratios per step (order fitted on k = 4–7)")
    # with the order fitted there, as the convergence table prints it (study p. 40: the
    # order named by its window was printed only on the page before)
    assert report.nw_title("BFGS", (32, 38), None, order_win=(33, 38), order=1.32014).endswith(
        "(kind read on k = 32–38; order 1.32 fitted on k = 33–38)")
    assert report.nw_title("Newton", (0, 7), None, order_win=(4, 7), order_only=True,
                           order=1.9652).endswith("(order 1.97 fitted on k = 4–7)")


def test_a_band_note_says_when_the_robust_fit_lies_outside_the_band_too():
    """Rosenbrock p. 8: "the geometric mean lies above the theory band; the verdict tests the
    robust fit" implied the robust fit 0.99605 lies in the band [0.99587, 0.99602]; it lies
    above it too, and "agrees" holds through the 1% tolerance on −ln ρ (0.845%).  The note
    says both lie above, how far off the robust fit is against the tolerance, and the mean's
    distance, each computed here from the band's upper end."""
    import math
    from types import SimpleNamespace as NS

    rho = 0.9958668  # Nesterov's double root on Rosenbrock, the band's lower end
    hi, fit, mean = 0.9960161, 0.9960497, 0.99606
    e = 3.0 * mean ** np.arange(60)
    st = _nw_study(e, "linear", rho, window=(5, 50), kind="linear", rate=fit)
    st.comparison = NS(quantity="rate", rate_band=(rho, hi), tolerance=0.01)
    b = report.Builder("t")
    assert report.convergence_table(b, "Nesterov", st, "s")
    (note,) = [n for n in b.doc.blocks[-1].notes if n.startswith("Nesterov: ")]
    off = (math.log(hi) - math.log(fit)) / math.log(hi)  # on −ln ρ, relative to the end
    off_mean = (math.log(hi) - math.log(mean)) / math.log(hi)
    assert off < 0.01 < off_mean  # the fit within the tolerance, the mean beyond it
    # the robust fit's distance to the digits that give it back from the printed rates, as
    # the comparison's note prints it (0.845% here, on a rounding edge of two digits)
    from analysis.compare import band_digits

    shown = f"{100 * off:.{band_digits(fit, rho, hi)[1]}g}"
    got = re.fullmatch(
        r"Nesterov: the robust fit (0\.\d+) and the geometric mean 0\.99606 both lie above the "
        r"theory band \[(0\.\d+), (0\.\d+)\]; the verdict tests the robust fit \(the measured "
        rf"rate\), {re.escape(shown)}% off the band on −ln ρ, within the 1% tolerance; "
        rf"the geometric mean is {re.escape(fmt(100 * off_mean, 2))}% off on −ln ρ\.", note)
    # the rows' five digits (0.99605 against 0.99587–0.99602) do not give the distance
    # back, so the note prints the fit and the band with digits that do (Rosenbrock p. 8)
    assert got, note
    p_fit, p_lo, p_hi = (float(v) for v in got.groups())
    assert (p_lo, p_hi) == (pytest.approx(rho, abs=1e-7), pytest.approx(hi, abs=1e-7))
    from_printed = (math.log(p_hi) - math.log(p_fit)) / math.log(p_hi)
    assert f"{100 * from_printed:.{len(shown.replace('.', '').lstrip('0'))}g}" == shown
    five = (math.log(0.99602) - math.log(0.99605)) / math.log(0.99602)
    assert f"{100 * five:.2g}" != f"{100 * off:.2g}"  # why the rows' digits are not enough


def test_a_double_roots_distance_off_its_band_reads_alike_everywhere():
    """Rosenbrock p. 6: Nesterov's robust fit lay "0.84% off band" in the decided-by cell, "by
    0.845% on −ln ρ" in the verdict's note and "0.84%" in the per-step table's note (p. 8);
    Himmelblau p. 7: the note named "the robust fit 0.4949" beside the table's row 0.49490.
    One value, one rounding: the cell and the table's note print the note's percentage, and
    the table's note prints the rates as its rows do."""
    import re
    from types import SimpleNamespace as NS

    from analysis.compare import compare
    from analysis.empirical import Measurement
    from analysis.theory.prediction import Prediction

    rho, window, fit = 0.9958667981101347, (5112, 8515), 0.9960496979141786
    p = Prediction(kind="linear", rate=rho, order=1.0, exact=True, details={"double_root": True})
    m = Measurement(kind="linear", rate=fit, order=1.0, window=window)
    c = compare(p, m)
    pct = re.search(r"by (\S+%) on −ln ρ", c.note).group(1)
    assert report.decided_by(c, p, m).replace("\u00a0", " ") == f"−ln ρ {pct} off band ≤ 1%"
    e = 1e3 * 0.99606 ** np.arange(window[1] + 40)  # the mean above the band too
    st = _nw_study(e, "linear", rho, window=window, kind="linear", rate=fit)
    st.comparison = c
    b = report.Builder("t")
    assert report.convergence_table(b, "Nesterov", st, "s")
    table = b.doc.blocks[-1]
    (note,) = [n for n in table.notes if n.startswith("Nesterov: ")]
    assert f"(the measured rate), {pct} off the band on −ln ρ" in note, note
    # the rates as the rows print them, trailing zeros kept: 0.49490, not 0.4949
    st = _nw_study(1e3 * 0.495 ** np.arange(40), "linear", 0.4947, window=(5, 30),
                   kind="linear", rate=0.4949)
    st.comparison = NS(quantity="rate", rate_band=(0.4947, 0.4948), tolerance=0.01)
    b = report.Builder("t")
    assert report.convergence_table(b, "Nesterov", st, "s")
    table = b.doc.blocks[-1]
    rows = {r[1]: r[2] for r in table.rows}
    fit_text = rows["robust fit (measured rate)"].rstrip("ᶠ")
    mean_text = rows["geometric mean"].rstrip("ᵐ")
    assert fit_text == "0.49490"
    (note,) = [n for n in table.notes if n.startswith("Nesterov: ")]
    assert note.startswith(f"Nesterov: the robust fit {fit_text} and the geometric mean "
                           f"{mean_text} both lie above the theory band"), note


def test_the_cg_note_names_the_kappa_of_its_rate():
    """Rosenbrock p. 7: the CG note wrote ρ = (√κ − 1)/(√κ + 1) without saying which κ; the
    only κ the page defines is L/μ = 5.854e4, while the printed 0.96586 uses the condition
    number 3316 of ∇²f(x*).  The note names κ* and its value, from the run's eigenvalues."""
    import math
    from types import SimpleNamespace as NS

    from analysis.theory.dispatch import predict

    lam = [0.4973, 3.1, 17.0, 120.0, 1649.0]  # the P3 spectrum's ends, as on the page
    p = predict("cg", {}, lam)
    kappa = max(lam) / min(lam)
    assert p.rate == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1))
    cg = NS(method="cg", prediction=p, eigenvalues=lam, minimizer=np.ones(5),
            reference=np.ones(5), measurement=NS(kind="linear", rate=0.5, window=(0, 9)))
    (note,) = report.cg_bound_notes([cg])
    assert note.startswith(f"CG: the predicted ρ = (√κ* − 1)/(√κ* + 1), κ* = λ_max/λ_min of "
                           f"∇²f(x*) = {fmt(kappa, 4)}, is the bound of linear CG")
    assert f"{kappa:.4g}" == "3316"


def test_an_error_figure_says_a_theory_line_of_a_run_not_compared_tests_nothing():
    """Rosenbrock p. 12: GD's dashed theory line 0.9999829 lay on its measured ratios 0.99996
    at the ratio panel's scale, reading as agreement, while the theory table calls GD not
    comparable and the two differ by a factor 2.3 in −ln ρ.  The caption says so, with the
    factor computed from the two rates; a compared run's line gets no such sentence."""
    import math
    from types import SimpleNamespace as NS

    def study(verdict, rho, rate):
        return NS(prediction=NS(rate=rho), measurement=NS(rate=rate),
                  comparison=NS(verdict=verdict))

    rho, rate = 0.9999829, 0.9999614  # as the theory table prints them
    st = {"GD": study("not comparable", rho, rate), "momentum": study("agrees", 0.99888, 0.99888)}
    panels = [NS(theory=["GD", "momentum"])]
    factor = math.log(rate) / math.log(rho)
    assert f"{factor:.2g}" == "2.3"
    assert report.uncompared_lines_text(st, panels) == (
        "  GD: not comparable with the theory (the table ‘Predicted and measured convergence’), "
        "so its theory line does not test its run: GD's dashed ρ = 0.9999829 and measured rate "
        f"0.9999614 differ by a factor {fmt(factor, 2)} in −ln ρ (the speed), however close they "
        "look on the ρ axis.")
    st["GD"].comparison.verdict = "agrees"
    assert report.uncompared_lines_text(st, panels) == ""


def test_a_per_step_table_keeps_the_trailing_zeros_of_its_columns():
    """Study pp. 43–47: the per-step columns dropped trailing zeros, e₀ "2.2ᵐ" beside
    "2.00ᵐ", the ratio "1.012ᵐ" among five-digit ratios, "0.152ᵐ" among four-digit
    e₍ₖ₊₁₎/eₖ²: every value of a column shows the column's significant digits."""
    ratios = [1.012, 0.5, 0.25, 0.152, 0.08, 0.04, 0.02, 0.01]
    e = 2.2 * np.cumprod([1.0, *ratios])
    b = report.Builder("t")
    assert report.convergence_table(b, "BFGS", _nw_study(e, "superlinear", order=2.0,
                                                         kind="none"), "s")
    rows = [r for r in b.doc.blocks[-1].rows if r[0].rstrip("†¶").isdigit()]
    cells = {int(r[0].rstrip("†¶")): r for r in rows}
    assert cells[0][1] == "2.20ᵐ" and cells[0][2] == "1.0120ᵐ"
    for r in rows:
        k = int(r[0].rstrip("†¶"))
        assert report.significant_digits(r[1]) == 3, r
        if k + 1 < len(e):
            assert report.significant_digits(r[2]) == rate_digits(e[k + 1] / e[k]), r
            assert float(r[2].rstrip("ᵐ*‡")) == pytest.approx(e[k + 1] / e[k], rel=1e-4)
            assert report.significant_digits(r[3]) == 4, r


def test_counts_in_table_cells_set_their_thousands_apart():
    """The kink report's comparison table printed "1000ᵐ" iterations and its basin note a
    "3721-point grid" where prose writes "1 000 iterations": a count of four digits or more
    is set apart by thousands wherever a document prints it (:func:`spaced`)."""
    from landscape.numfmt import spaced

    b = report.Builder("t")
    for n in (999, 1000, 3721, 123456, np.int64(5098)):
        text = report.cell(b, "s", "i", "iterations", n, "measured")
        assert text == spaced(int(n)) + report.HOW["measured"][0], text
    assert report.cell(b, "s", "i", "f", 1234.5, "measured") == "1234ᵐ" or \
        " " not in report.cell(b, "s", "i", "f", 1234.5, "measured")  # not a count


def test_a_fitted_value_keeps_its_trailing_zeros_even_when_it_lands_on_a_short_number():
    """Study pp. 24–25: the measured-rate column read "0.92ᶠ" and "0.6ᶠ" beside "1.4000ᶠ" and
    "0.70863ᶠ" (a GD rate fitted on a quadratic lands on 0.92 to the last bit, and a number
    its digits hold exactly prints short), while its own table printed "0.92000ᶠ": a fitted
    value is an estimate and shows all its digits; an exact value still prints short."""
    b = report.Builder("t")
    rho = float(np.exp(np.mean(np.log(np.full(50, 0.92)))))  # a fit of an exact 0.92ⁿ
    assert report.cell(b, "s", "i", "rate", rho, "fit", 5) == "0.92000ᶠ"
    assert report.cell(b, "s", "i", "rate", 0.6, "fit", 5) == "0.60000ᶠ"
    assert report.cell(b, "s", "i", "rate", 1.4000000001, "fit", 5) == "1.4000ᶠ"
    assert report.cell(b, "s", "i", "rate", 0.92, "theory", 5) == "0.92ᵗ"
    # beside a theory value with more digits, the fitted one shows at least as many
    assert report.cell(b, "s", "i", "rate", 0.92, "fit", 3, like="0.91998ᵗ") == "0.92000ᶠ"


def test_strictness_of_a_convex_f_with_kinks_is_refuted_by_a_flat_chord_or_undecided():
    """Kink report p. 3: "strictly / strongly convex — no / no — not decided for a non-smooth
    f (reported false)": the value said no where its reason said the analysis never decided.
    f = |x| + relu(y − 1) + 0.5y² is convex and affine in x on x < 0: a chord there, checked
    here exactly in rationals, refutes strictness ("no", with the chord); |x| + x⁴ + y⁴ is
    strictly convex but μ = 0 and no chord is flat: "undecided"; with μ > 0 "yes"."""
    from types import SimpleNamespace as NS

    import sympy as sp

    from landscape import Objective
    from landscape.convexity import STRICT_UNDECIDED

    for formula, want in (("abs(x) + relu(y-1) + 0.5*y**2", "no / no"),
                          ("abs(x) + x**4 + y**4", "undecided / no"),
                          ("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)", "yes / yes")):
        obj = Objective.parse(formula)
        cv = obj.convexity()
        assert cv.verdict == "convex"
        assert (cv.how["strict"] == STRICT_UNDECIDED) is (want == "undecided / no")
        if want == "no / no":  # the chord it names: f at the midpoint is the mean, exactly
            ends = re.search(r"from \(([^)]*)\) to \(([^)]*)\)", cv.how["strict"])
            a, c = ([sp.Rational(t) for t in g.split(", ")] for g in ends.groups())
            f = sp.lambdify(obj.variables, obj.expr, "sympy")
            mid = [(u + v) / 2 for u, v in zip(a, c, strict=True)]
            assert a != c and f(*mid) - (f(*a) + f(*c)) / 2 == 0
        b = report.Builder("t")
        report._convexity_table(b, NS(convexity=cv, obj=obj))
        (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
        rows = {r[0]: r for r in table.rows}
        assert rows["strictly / strongly convex"][1] == want, rows


def test_a_rate_study_run_is_near_a_point_by_the_rule_that_measured_it():
    """Rosenbrock p. 2 said GD's rate-study run, ended at (0.595468, 0.352586), was near "no
    critical point" (the comparison tables' 0.141), while its errors were measured to P1 and
    its table gave e = 0.763: inside the rate study's radius 0.1 × |x₀ − P1| = 0.808.
    Independent numbers: both distances by hand from x₀ = (−4.59, −4.83)."""
    import math
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison

    p1 = NS(point=np.array([1.0, 1.0]), kind="minimum")
    A = NS(cps=[p1], box=np.array([[-5.0, 5.0], [-5.0, 5.0]]), obj=NS(n=2))
    x0, x = np.array([-4.59, -4.83]), np.array([0.595468, 0.352586])
    dist = math.hypot(1 - x[0], 1 - x[1])
    radius = 0.1 * math.hypot(1 - x0[0], 1 - x0[1])
    assert 0.141 < dist < radius  # beyond the tables' tolerance, inside the rate study's
    res = NS(x=x, jac=np.array([0.399, 0.1]), nit=20000, status="maxiter")
    study = NS(result=res, x0=x0, budget=None, measurement=NS(floor_index=None),
               comparison=Comparison(False, "disagrees", reason="rate differs"))
    text = report.study_end(A, study)
    assert "no critical point" not in text
    assert text.endswith(f"{dist:.3f} from the minimum P1, inside the radius {radius:.3f} "
                         "within which a rate study counts a run as converged to it)")
    # a run outside that radius is said to be, with the nearest point and its radius
    res.x = np.array([-3.55893, 12.6722])
    far = math.hypot(1 + 3.55893, 1 - 12.6722)
    assert report.study_end(A, study).endswith(
        f"{fmt(far, 3)} from the nearest critical point, the minimum P1, outside its convergence "
        f"radius {radius:.3f})")
    # within the tables' tolerance: the distance alone
    res.x = np.array([1.0, 1.0 + 2.6e-13])
    assert report.study_end(A, study).endswith("2.6e-13 from the minimum P1)")


def test_the_cg_note_quotes_evidence_that_a_search_was_not_exact():
    """Quadratic p. 6: "this run's searches were not exact (… first step α = 0.10081, exact
    −gᵀd/dᵀHd = 0.10081)" quoted a first step exact to 5 digits as its evidence.  The note
    now names the least exact step, how far along its line it went (1 exact), and the error
    after the n steps exact searches need.  A path built here on H = diag(1, 10): an exact
    first step along −g, then a step along −g 1.2 × past its line minimum."""
    from types import SimpleNamespace as NS

    H = np.diag([1.0, 10.0])
    x0 = np.array([1.0, 1.0])
    g0 = H @ x0
    x1 = x0 - float(g0 @ g0) / float(g0 @ H @ g0) * g0  # exact: τ = gᵀg/gᵀHg
    g1 = H @ x1
    x2 = x1 - 1.2 * float(g1 @ g1) / float(g1 @ H @ g1) * g1
    x3 = x2 - float((H @ x2) @ (H @ x2)) / float((H @ x2) @ H @ (H @ x2)) * (H @ x2)
    st = NS(minimizer=np.zeros(2), hessian=H, result=NS(path=np.array([x0, x1, x2, x3])),
            measurement=NS(floor_index=None),
            prediction=NS(details={"exact_search_steps": 2}, line_search="wolfe"))
    seen = report.exact_line_steps(st)
    # along its line the step went 1.2 × the way: ∇f(x₂)ᵀs = (1 − 1.2) ∇f(x₁)ᵀs
    assert seen.step == 1 and seen.reach == pytest.approx(1.2, rel=1e-12)
    assert seen.worst == pytest.approx(0.2, rel=1e-9)
    assert seen.alpha == pytest.approx(seen.exact, rel=1e-12)  # the first step is exact
    text = report.cg_termination_text(st)
    e2 = float(np.linalg.norm(x2))
    assert e2 > 0.01
    assert ("this run's searches were not exact (step k = 1 went 1.2 × the way to the minimum "
            "along its line, 1 for an exact search, so ∇f at its end is orthogonal to it only "
            f"to 0.2 relative; after 2 steps the error is e_2 = {fmt(e2, 3)}, not 0)") in text
    assert "first step" not in text  # an exact first step is no evidence of inexact ones
    # the share printed gives back its distance from 1: 1.081 beside 0.081, not 1.08
    x2 = x1 - 1.081 * float(g1 @ g1) / float(g1 @ H @ g1) * g1
    st.result.path = np.array([x0, x1, x2])
    assert "went 1.081 × the way" in report.cg_termination_text(st)


def test_a_kinked_f_has_no_l_box_and_its_terms_print_abs_as_bars():
    """Kink p. 2: "μ = 0.2 and L_box = —, the smallest and the largest Hessian eigenvalue on
    the box" defined a value that does not exist (∇f jumps across the kinks), and the proof
    printed SymPy's "2Abs(y + 1/2)" beside "|x − 1|"."""
    from types import SimpleNamespace

    import sympy as sp

    from landscape import Objective
    from landscape.convexity import analyze_convexity

    obj = Objective.parse("abs(x-1) + 2*abs(y+0.5) + 0.1*(x**2+y**2)")
    cv = analyze_convexity(obj, [[-10.0, 10.0], [-10.0, 10.0]])
    assert cv.verdict == "convex" and cv.strong and cv.L is None
    text = report._convexity_sentence(SimpleNamespace(convexity=cv))
    # the smooth part's Hessian is diag(1/5, 1/5): μ = 1/5, and no largest eigenvalue
    assert (" with μ = 0.2, the smallest Hessian eigenvalue on the box; L_box, the largest, "
            "is not defined: ∇f jumps across the kinks of f (") in text, text
    assert "—" not in text and "Abs" not in text
    assert "2|y + 1/2|" in text and "|x − 1|" in text
    y = sp.Symbol("y")
    assert report.text_math(3 * sp.Abs(y) ** 2) == "3|y|²"
    from analysis.pages import plain_math

    assert plain_math(2 * sp.Abs(y)) == "2*Abs(y)"  # read back by the parser


def test_printed_region_bounds_contain_the_region():
    """Rosenbrock p. 4: the region ‖∇f‖ < 0.001 around (1, 1) printed [0.9990, 1.001] ×
    [0.9980, 1.002] while its boundary (∇f(x) = u, ‖u‖ = 0.001, sampled over 2 000 angles by
    Newton from (1, 1)) reaches 0.998883–1.001119 × 0.997763–1.002244: printed lower ends
    round down and upper ends up, so the printed box holds every boundary point."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    assert report.region_ends(0.998883, 1.001119, 1.0, False) == (0.9988, 1.002, 4)
    assert report.region_ends(0.5, 0.5, 0.5, True) == (0.5, 0.5, 4)  # a value, not a bound
    obj = Objective.parse("100*(y - x**2)**2 + (1 - x)**2")
    box = np.array([[-2.0, 2.0], [-1.0, 3.0]])
    t = 1e-3
    P = gradient_level_points(obj, t, [1.0, 1.0], 2000)
    cps = obj.critical_points(box=box)
    v = obj.vanishing(box=box, threshold=t)
    A = NS(obj=obj, box=box, cps=cps, vanishing=v, minimum=min(cps, key=lambda c: c.value))
    b = report.Builder("Regions")
    report._vanishing_table(b, A)
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    (row,) = [r for r in table.rows if "P1" in r[-1]]
    ends = [(float(lo.rstrip("ⁿᵉ")), float(hi.rstrip("ⁿᵉ")))
            for lo, hi in re.findall(r"\[([^,\]]+), ([^\]]+)\]", row[1])]
    assert len(ends) == 2, row[1]
    for k, (lo, hi) in enumerate(ends):
        assert lo <= P[:, k].min() and hi >= P[:, k].max(), (row[1], P.min(0), P.max(0))


def test_a_stalled_run_is_said_to_stall_where_it_does():
    """Kink pp. 3, 6, 11: Newton's errors to the exact, isolated minimum P1 level off at
    4.3e-4 (its iterates converge to another point); the documents said it 'reached the
    floor 2.5e-13' and shaded a fit window.  Its length, its outcome and the point its errors
    are measured to now say that it stalled there."""
    from types import SimpleNamespace as NS

    m = NS(kind="none", floor_index=None, stalled=4.3e-4, rate=None, order=None,
           exponent=None, window=None)
    st = NS(result=NS(nit=200, status="maxiter"), measurement=m, budget=None,
            minimizer_how="exact", minimizer=np.array([1.0, -0.5]))
    assert report.study_length_text("Newton", st) == (
        "Newton 200 iterations (stalled 0.00043 from x*, above the floor: iteration limit)")
    assert report.run_outcome(st) == "stalled"
    assert report.error_point_text({"Newton": st}) == (
        "Each run's error is measured to the exact x* = (1, -0.5): Newton stalled near it, "
        "its errors levelling off above the rounding floor.")


def test_a_run_ended_on_its_way_is_said_to_be_still_decreasing():
    """Rosenbrock p. 6: Adam's measured kind read '— (stalled 2.1 from x*)' beside the status
    'iteration limit' while its error still fell; the cell and the run's length now say what
    happened, from the measurement (x_k = 2 + 0.997^k, x* = 0: 2.6% down over the last
    quarter)."""
    from types import SimpleNamespace as NS

    from analysis.empirical import measure

    m = measure((2.0 + 0.997 ** np.arange(1001.0))[:, None], [0.0], isolated=True)
    st = NS(result=NS(nit=1000, status="maxiter"), measurement=m, budget=None)
    assert report.none_kind("none", st) == "— (iteration limit, 2.0 from x*, still decreasing)"
    assert report.study_length_text("Adam", st) == (
        "Adam 1 000 iterations (2.0 from x*, still decreasing, above the floor: iteration limit)")


def test_a_run_outside_every_radius_says_who_set_its_iteration_limit():
    """Chained Rosenbrock p. 2: Adam's rate-study run ended outside every convergence radius
    after 1 000 iterations, "status: iteration limit, ‖∇f‖∞ = 29.3", with no word on what set
    the limit, which the entries that end inside a radius give (kink: "the method's default
    of 1 000 iterations"). The reason now gives the rule after the status, once."""
    from types import SimpleNamespace as NS

    from analysis.rates import Budget

    reason = ("the run ended at (0.417, 0.170) after 1000 iterations, outside the convergence "
              "radius of every critical point (1.01 from the nearest; status maxiter, "
              "‖∇f‖∞ = 29.3)")
    study = NS(comparison=NS(reason=reason, note=None), result=NS(status="maxiter"),
               budget=Budget("first", 1000, 1000))
    said = report.reason_with_budget(study)
    assert said.endswith("(1.01 from the nearest; status: iteration limit, the method's "
                         "default of 1 000 iterations; ‖∇f‖∞ = 29.3)"), said
    # a run stopped by anything else, or with no budget, keeps its reason as it was
    assert report.reason_with_budget(NS(comparison=study.comparison,
                                        result=NS(status="maxiter"), budget=None)) == \
        report.prose(reason)
    ls = NS(comparison=NS(reason=reason.replace("maxiter", "line_search_failed"), note=None),
            result=NS(status="line_search_failed"), budget=Budget("first", 1000, 1000))
    assert "default" not in report.reason_with_budget(ls)


def test_theory_terms_define_the_rate_study_run_its_floor_and_its_budget():
    """Quadratic p. 2, “Not compared”: its entries spoke of a 'rate-study run', of 'the floor
    2.2e−13' and of 'the automatic budget' four pages before the theory section explains
    them. The list is now preceded by their definitions, the floor with its rule and value
    (10³·ε·max(1, ‖x*‖) for x* = (3, 4): 10³·2.22e−16·5 = 1.1e−12)."""
    from types import SimpleNamespace as NS

    from analysis.empirical import measure

    # a run whose errors halve is fitted (rate 0.5): the run is there to measure its rate
    halving = measure((0.5 ** np.arange(30.0))[:, None], [0.0], isolated=True)
    st = NS(comparison=NS(verdict="not comparable"), reference=None, minimizer=[3.0, 4.0],
            measurement=halving)
    A = NS(runs=[NS(study=st), NS(study=NS(comparison=NS(verdict="agrees")))])
    floor = 1e3 * np.finfo(float).eps * 5.0
    assert report.fmt_floor(floor) == "1.1e-12"
    with_budget = report.theory_terms(A, ["Adam (rate-study run, no gradient tolerance): … "
                                          "set by the automatic budget 10 steps past …"])
    assert with_budget.startswith(
        "A rate-study run is the method run again from x₀ with no gradient tolerance, to "
        "measure its rate down to the rounding floor 10³·ε·max(1, ‖x*‖) = 1.1e-12 (ε = "
        "2.2e-16, the double-precision machine epsilon), below which rounding limits the "
        "errors and the measurement leaves them out. The automatic budget is the iteration "
        "limit such a run is given from its own progress."), with_budget
    # the entry that names the budget gives its rule: no word on "each entry" (quadratic
    # p. 2 said "each entry gives the rule that applied" of its one entry)
    assert "entry" not in with_budget
    plain = report.theory_terms(A, ["BFGS (rate-study run, no gradient tolerance): …"])
    assert "automatic budget" not in plain and plain.endswith("leaves them out.")
    # quadratic p. 2 said rounding limits the errors below the floor, pp. 5 and 7 that on its
    # x* = (0, 0), exact in floating point, they are exact distances, not rounding noise: the
    # definition says which holds (x* = (3, 4) above: the iterates' rounding 10³·ε·5 is the
    # floor itself, so there rounding does limit them)
    st.minimizer = [0.0, 0.0]
    zero = report.theory_terms(A, ["BFGS (rate-study run, no gradient tolerance): …"])
    assert "= 2.2e-13" in zero and "below which rounding limits" not in zero
    # quadratic p. 2: one sentence chained the floor, why the ratios would stay accurate
    # below it and why it is kept; the last two are a sentence of their own
    assert ("below which rounding may limit the errors and the measurement leaves them out.  "
            "Here on x* = 0 the errors carry only a relative rounding ε, so the ratios would "
            "stay accurate below it; the floor still applies, as a cut-off common to every "
            "run, so that all fits follow one rule") in zero, zero
    st.minimizer = [2 ** 0.5, 0.0]  # rounded: rounding limits them
    assert "below which rounding limits the errors" in report.theory_terms(A, ["…"])
    # kink p. 2: every run cycles 0.177 from x* = 0, far above the floor, and the definition
    # explained a cut-off that cut nothing; it now says no run's errors reach the floor
    cycle = np.array([[0.177, 0.0], [-0.177, 0.0]] * 20)
    st.minimizer, st.result = [0.0, 0.0], NS(path=cycle)
    A.runs[1].study = NS(comparison=NS(verdict="agrees"), reference=None,
                         minimizer=[0.0, 0.0], result=NS(path=cycle))
    kink = report.theory_terms(A, ["Adam (rate-study run, no gradient tolerance): …"])
    assert kink.endswith("down to the rounding floor 10³·ε·max(1, ‖x*‖) = 2.2e-13 (ε = "
                         "2.2e-16, the double-precision machine epsilon), which no run's "
                         "errors reach here."), kink
    assert "cut-off" not in kink


def test_the_eigenvalues_of_a_critical_point_keep_their_trailing_zeros():
    """Rosenbrock p. 3: P2's eigenvalues printed '−2.71, 169, 201, 252, 519' beside P1's
    '278.6, 605.2': each list is printed to four significant digits, a value they round
    keeping its zeros; a value they hold exactly (an exact eigenvalue 2) prints as it is."""
    lam = [-2.7100034, 168.99987, 201.00021, 252.000049, 519.00003, 278.61, 2.0]
    b = report.Builder("eigenvalues")
    text = report.cells(b, "critical points", "P2", "eigenvalue", lam, "numeric")
    assert text.replace("ⁿ", "") == "-2.710, 169.0, 201.0, 252.0, 519.0, 278.6, 2"
    # four significant digits each: the digits of every value but the exact one
    assert all(len(re.sub(r"\D", "", t)) == 4 for t in text.replace("ⁿ", "").split(", ")[:-1])


def test_held_digits_cut_a_ratio_to_the_digit_its_rounding_reaches():
    """A ratio 0.99589 whose relative rounding is 0.002 (u = 0.0020) holds three digits,
    the last the first u reaches (0.996); one that reaches only the last printed digit
    leaves all of them (marked), one below it none (unmarked)."""
    assert report.held_digits(0.9958924, 5, 0.002) == 3
    assert report.held_digits(0.9958924, 5, 2e-6) is None  # u = 2e-6 < 1e-5: exact
    assert report.held_digits(0.9958924, 5, 2e-5) == 5  # u = 2e-5: the fifth, ±2
    assert report.held_digits(0.9958924, 5, 2e-4) == 4  # u = 2e-4: the fourth
    assert report.held_digits(0.28368, 5, 1e-12) is None
    assert report.held_digits(0.5, 5, 3.0) == 1  # all noise: one digit, marked
    b = report.Builder("ratios")
    text, cut = report.ratio_cell(b, "s", "nesterov", "e_8515/e_8514", 0.9958924, 5, 0.002)
    assert (text, cut) == ("0.996ᵐ" + report.ROUNDED_MARK, True)
    assert report.ratio_cell(b, "s", "m", "q", 0.99610, 5, 1e-8) == ("0.99610ᵐ", False)


def test_a_ratio_column_prints_every_entry_to_the_same_significant_digits():
    """Study p. 14 (GD on a sublinear run): the ratio column printed 0.999850 (six digits)
    above 0.9999251 and 0.9999500 (seven), each ratio to its own rate digits: a column of
    ratios takes the most digits any of its entries needs (0.99995 needs seven to be told
    from 1), and every entry shows them, trailing zeros kept."""
    e = 1.0 / np.arange(1.0, 20001.0)  # e_(k+1)/e_k = (k + 1)/(k + 2), toward 1
    st = _nw_study(e, "sublinear", 1.0, window=(10000, 20000), kind="sublinear")
    st.measurement.exponent, st.measurement.order = 1.0, None
    b = report.Builder("t")
    assert report.convergence_table(b, "gd", st, "s")
    steps = [(int(r[0].rstrip("†")), r[2].rstrip("ᵐ")) for r in b.doc.blocks[-1].rows
             if r[0].rstrip("†").isdigit()]
    assert len(steps) >= 5 and max(k for k, _ in steps) >= 19000
    for k, text in steps:
        assert text == f"{(k + 1) / (k + 2):#.7g}", (k, text)
    assert {report.significant_digits(t) for _, t in steps} == {7}


def test_a_tabled_ratio_is_printed_to_the_digits_its_rounding_leaves(four_reports):
    """Rosenbrock p. 8: Nesterov's ratio at k = 8514 was printed '0.99589ᵐ' unflagged, while
    the error figure's caption says rounding reaches its printed digits (a relative 0.002:
    0.994–0.998), and a reader took it for a match with theory's 0.99587.  Recomputed from
    the ledger's e_8514 and ratio, with x* = (1, 1, 1, 1, 1): each error carries a relative
    rounding ε·(‖x*‖/e + 1), the ratio the sum of its two errors'; the table prints the
    ratio to the digit that rounding reaches, marked and explained in its notes."""
    res = four_reports["rosenbrock5"][0]
    rows = {(r["item"], r["quantity"]): float(r["value"])
            for r in csv.DictReader(res.csv.open()) if r["section"] == "theory vs measurement"}
    eps, scale = np.finfo(float).eps, math.sqrt(5.0)
    text = squash(pdf_text(res.pdf))
    steps = [int(q[2:]) for (item, q) in rows if item == "nesterov"
             and re.fullmatch(r"e_\d+", q) and ("nesterov", f"e_{int(q[2:]) + 1}/{q}") in rows]
    assert 8514 in steps
    # the column's digits: the most any of its ratios needs
    d = max(rate_digits(rows[("nesterov", f"e_{k + 1}/e_{k}")]) for k in steps)
    for k in steps:
        ek, v = rows[("nesterov", f"e_{k}")], rows[("nesterov", f"e_{k + 1}/e_{k}")]
        rel = eps * (scale / ek + 1) + eps * (scale / (v * ek) + 1)
        held = math.floor(math.log10(v)) - math.floor(math.log10(rel * v)) + 1
        if rel * v >= 10.0 ** (math.floor(math.log10(v)) - d + 1):  # reaches the digits
            held = min(held, d)
            assert f"{v:#.{held}g}ᵐ{report.ROUNDED_MARK}" in text, (k, v, rel)
        else:
            assert f"{v:#.{d}g}ᵐ" in text, (k, v)
    assert rows[("nesterov", "e_8515/e_8514")] == pytest.approx(0.99589, abs=1e-5)
    assert f"0.996ᵐ{report.ROUNDED_MARK}" in text and "0.99589ᵐ" not in text
    assert report.ROUNDED_NOTE.split(".  ")[0] in text


def test_a_theory_row_beside_a_rate_it_is_not_held_to_says_so_on_its_page():
    """Rosenbrock p. 7: GD's per-step table printed "theory 0.9999829" under its robust fit
    0.9999613 with no word that the two are not compared (that verdict was on p. 6 only):
    the theory row of a run whose verdict is *not comparable* says so, and points to the
    table that says why; a compared run's row does not."""
    from types import SimpleNamespace as NS

    e = 3.0 * 0.6 ** np.arange(40)
    st = _nw_study(e, "linear", 0.9, window=(5, 30), kind="linear", rate=0.6)
    st.comparison = NS(verdict="not comparable")
    b = report.Builder("t")
    assert report.convergence_table(b, "GD", st, "s")
    (theory,) = [r for r in b.doc.blocks[-1].rows if r[0] == "theory"]
    assert theory[2].endswith(", not comparable: see the table ‘Predicted and measured "
                              "convergence’"), theory
    # chained Rosenbrock p. 7: the reason on the page, the short one of p. 6's row, for a
    # run that ended outside every convergence radius (here 1 from P2 = 4, whose radius
    # is 0.1 × its distance 4 from P1 = 0)
    from analysis.rates import OUTSIDE_EVERY, nearest_critical

    st.minimizer_how, st.x0 = f"the run ended {OUTSIDE_EVERY}", np.array([9.0])
    st.result.x = np.array([3.0])
    cps = [NS(point=np.zeros(1)), NS(point=np.array([4.0]))]
    near = nearest_critical(st.result.x, st.x0, cps)
    b = report.Builder("t")
    assert report.convergence_table(b, "GD", st, "s", cps=cps)
    (theory,) = [r for r in b.doc.blocks[-1].rows if r[0] == "theory"]
    # the radius with its rule: 0.1 × 4, P2's distance from P1 (less than from x₀, 5)
    rule = ("within which a run counts as converged to it: 0.1 × its distance from the "
            "nearest other critical point, 4")
    assert theory[2].endswith(
        f", not comparable: the run ended 1 from P2, outside its convergence radius "
        f"{report.fmt_num(near.radius, 3)} ({rule})"), theory
    assert near.index == 1 and near.distance == 1.0 and near.radius == 0.4
    # the radius is defined in the section that prints the reason whole: the cell points
    # there, as the table's row does (chained Rosenbrock p. 7, the radius defined on p. 2)
    b = report.Builder("t")
    assert report.convergence_table(b, "GD", st, "s", cps=cps, full_in="What failed")
    (theory,) = [r for r in b.doc.blocks[-1].rows if r[0] == "theory"]
    assert theory[2].endswith(
        f", not comparable: the run ended 1 from P2, outside its convergence radius "
        f"{report.fmt_num(near.radius, 3)} ({rule}; reasons in full under “What failed”)"), \
        theory
    st.comparison = NS(verdict="disagrees")
    b = report.Builder("t")
    assert report.convergence_table(b, "GD", st, "s", cps=cps)
    (theory,) = [r for r in b.doc.blocks[-1].rows if r[0] == "theory"]
    assert "not comparable" not in theory[2], theory


def test_a_per_step_theory_cell_points_to_where_its_radius_is_defined(four_reports):
    """Chained Rosenbrock p. 7: GD's theory cell said "outside its convergence radius 0.202",
    a radius defined only under “What failed” (p. 2).  The cell gives the radius's rule in
    its numbers (0.202 = 0.1 × 2.02) and points there, and that section gives the same
    radius with the same rule."""
    result, doc = four_reports["rosenbrock5"]
    (table,) = [blk for blk in doc.blocks
                if str(getattr(blk, "title", "")).startswith("GD: errors and ratios")]
    (theory,) = [r for r in table.rows if r[0] == "theory"]
    # in the cell, or in the note its mark points to when the cell is too long for it
    said = " ".join([theory[2], *table.notes])
    m = re.search(r"outside its convergence radius (\S+) \((within which a run counts as "
                  r"converged to it: 0\.1 × its distance from [^;]+, (\S+)); reasons in full "
                  r"under “(.+?)”\)", said)
    assert m, (theory, table.notes)
    radius, rule, scale, section = m.groups()
    assert float(radius) == pytest.approx(0.1 * float(scale), rel=5e-3)
    text = squash(pdf_text(result.pdf))
    after = text[text.index(f"{section} "):]
    assert f"beyond its radius {radius} ({rule})" in after


def test_what_failed_names_what_it_lists_in_its_lead():
    """Kink p. 2: eight runs that did not converge were listed under "Analyses that came back
    empty or incomplete, and runs that did not converge:", and no analysis had."""
    assert report.failed_lead(False, True) == "Comparison runs that did not converge:"
    assert report.failed_lead(True, False) == "Analyses that came back empty or incomplete:"
    both = report.failed_lead(True, True)
    assert both.startswith("Analyses that came back empty") and "runs that did not" in both


def test_runs_that_stopped_alike_share_one_what_failed_bullet():
    """Kink p. 2: eight “What failed” bullets, "Method GD (comparison run): reached the
    iteration limit of 1 000 iterations without meeting the tolerances (‖∇f‖∞ = 1.00)" and
    three more word for word, then four alike on the line search, repeated the summary.
    Runs whose messages differ only in the final ‖∇f‖∞ share a bullet that gives each
    value; a message unlike the others keeps its own."""
    limit = ("reached the iteration limit of 1 000 iterations without meeting the tolerances "
             "(‖∇f‖∞ = {})")
    wolfe = ("line search failed: no step satisfied the Wolfe conditions (‖∇f‖∞ = {}); keeping "
             "the best point found.")
    got = report.failed_runs_text([("GD", limit.format("62.0")), ("Newton", wolfe.format("4.81")),
                                   ("momentum", limit.format("1.15")),
                                   ("BFGS", wolfe.format("1.00")), ("CG", wolfe.format("1.00")),
                                   ("Adam", "diverged after 12 iterations")])
    assert got == [
        "GD and momentum (comparison runs): reached the iteration limit of 1 000 iterations "
        "without meeting the tolerances (‖∇f‖∞ = 62.0 and 1.15 respectively)",
        "Newton, BFGS and CG (comparison runs): line search failed: no step satisfied the "
        "Wolfe conditions (‖∇f‖∞ = 4.81, 1.00 and 1.00 respectively); keeping the best point "
        "found.",
        "Adam (comparison run): diverged after 12 iterations"]
    same = report.failed_runs_text([("GD", limit.format("1.00")), ("Adam", limit.format("1.00"))])
    assert same == ["GD and Adam (comparison runs): reached the iteration limit of 1 000 "
                    "iterations without meeting the tolerances (‖∇f‖∞ = 1.00 each)"]
    assert report.failed_runs_text([("GD", limit.format("2.00"))]) == [
        "GD (comparison run): " + limit.format("2.00")]
    assert report.failed_runs_text([]) == []


def test_rate_study_entries_say_a_long_clause_once():
    """Kink p. 2: the entries of Newton, BFGS and L-BFGS repeated word for word "rests on f
    being twice differentiable at x* (Hessian model, curvature condition of the line
    search)" and the radius 0.666 with how it is set ("within which a run counts as
    converged to it, 0.1 × its distance from x₀, 6.66").  The first entry says each; the
    later ones refer to it, and a radius set otherwise is said in full."""
    from types import SimpleNamespace

    from analysis.rates import _nearest_text
    from analysis.theory.kink import TWICE_DIFFERENTIABLE, TWICE_WHY

    cps = [SimpleNamespace(point=np.array([0.0, 0.0]))]
    x0 = np.array([-4.59, -4.83])

    def entry(name, end):
        return (f"{name} (rate-study run, no gradient tolerance): not comparable — {name} "
                f"{TWICE_DIFFERENTIABLE}{TWICE_WHY}: no rate is promised at a kink; the run "
                f"ended outside the convergence radius of the only critical point: "
                f"{_nearest_text(np.array(end), x0, cps)}; status: line search failed")

    names = ["Newton", "BFGS", "L-BFGS"]
    got = report.said_once([entry("Newton", [0.0, -4.8]), entry("BFGS", [0.0, 0.727]),
                            entry("L-BFGS", [0.0, 0.727])], names)
    assert got[0] == entry("Newton", [0.0, -4.8])  # the first says all
    radius = _nearest_text(np.array([0.0, 0.727]), x0, cps)
    assert radius == ("0.727 from (0, 0), beyond its radius 0.666 (within which a run counts "
                      "as converged to it: 0.1 × its distance from x₀, 6.66)")
    for name, text in zip(names[1:], got[1:], strict=True):
        assert text.startswith(f"{name} (rate-study run, no gradient tolerance): not comparable "
                               f"— {name}, like Newton, rests on f being twice differentiable "
                               "at x*: no rate is promised at a kink; "), text
        assert text.endswith("only critical point: 0.727 from (0, 0), beyond the same radius "
                             "0.666; status: line search failed"), text
        assert TWICE_WHY not in text and "within which" not in text
    # a radius set from another distance is a clause of its own
    other = report.said_once([entry("Newton", [0.0, -4.8]),
                              entry("BFGS", [0.0, 0.727]).replace("6.66", "7.00")],
                             ["Newton", "BFGS"])
    assert "within which a run counts as converged" in other[1]
    assert report.said_once([], []) == []


def test_a_run_outside_the_radius_of_the_one_critical_point_is_placed_by_it():
    """Kink p. 2: "outside the convergence radius of every critical point (4.81 from the
    nearest, (0, 0), …)" of the one critical point of the box; the short reason finds the
    point under either wording."""
    from types import SimpleNamespace as NS

    from analysis.rates import OUTSIDE_ONLY, _nearest_text

    x0, end = np.array([6.0, 8.0]), np.array([0.0, -4.8])
    cps = [NS(point=np.array([0.0, 0.0]))]
    text = _nearest_text(end, x0, cps)
    assert text.startswith("4.8 from (0, 0), beyond its radius 1 (within which"), text
    study = NS(minimizer_how=f"none: the run ended at (0, -4.8), {OUTSIDE_ONLY}: {text}",
               result=NS(x=end), x0=x0)
    # x₀ is the only scale with one critical point: 1 = 0.1 × 10, its distance from x₀
    assert report.outside_head(study, cps) == (
        "the run ended 4.8 from P1, outside its convergence radius 1 (within which a run "
        "counts as converged to it: 0.1 × its distance from x₀, 10)")
    assert report.outside_detail(study, cps).startswith(
        "4.8 from P1, the only critical point, whose radius is 1 (within")


def test_theory_notes_say_a_sublinear_row_holds_an_exponent_not_a_factor():
    """Study p. 13: the note "Rate = factor by which ‖xₖ − x*‖ shrinks per iteration" stood
    under a table whose rate columns held "∝ k⁻ᵃ, a = 1", an exponent.  A table with such a
    row says what its rate columns hold; one without does not."""
    from types import SimpleNamespace as NS

    from analysis.compare import Comparison

    sub = NS(comparison=Comparison(True, "agrees", quantity="exponent", predicted=1.0,
                                   measured=0.9998, rel_diff=0.0002),
             prediction=NS(kind="sublinear", exact=True, rate=None, order=None, exponent=1.0),
             measurement=NS(kind="sublinear", rate=None, order=None, exponent=0.9998,
                            window=(10000, 20000)))
    notes = report.theory_notes([sub])
    assert notes[:3] == [report.THEORY_HEAD, report.SUBLINEAR_RATE, report.RATE_STUDY_K]
    assert report.SUBLINEAR_RATE.startswith("For a sublinear run the rate columns hold the "
                                            "exponent a of")
    # study p. 13: k₀ of "(k + k₀)⁻ᵃ" was defined nowhere on the page
    assert "(k₀, an offset of the iteration count, is fitted with it)" in report.SUBLINEAR_RATE
    rate = _compared("rate", rel_diff=0.001, speed_diff=0.002, predicted=0.6, measured=0.6006,
                     tolerance=0.01)
    assert report.SUBLINEAR_RATE not in report.theory_notes([rate])
    assert report.SUBLINEAR_RATE in report.theory_notes([rate, sub])


def test_what_failed_bullets_are_sentences_with_a_full_stop(four_reports):
    """Quadratic p. 2: the Adam entry of “Not compared” ended "… from the minimum P1)" with
    no full stop, under a Summary whose bullets end with one; the kink's eight “What failed”
    runs likewise."""
    from analysis import pages

    seen = 0
    for _, doc in four_reports.values():
        inside = False
        for blk in doc.blocks:
            if isinstance(blk, pages.Heading):
                inside = blk.text in ("What failed", "Not compared")
            elif inside and isinstance(blk, pages.Paragraph) and blk.bullet:
                assert blk.text.endswith("."), blk.text
                seen += 1
    assert seen >= 8
    assert report.full_stop("(‖∇f‖∞ = 1.00)") == "(‖∇f‖∞ = 1.00)."
    assert report.full_stop("ends.") == "ends."


def test_what_failed_says_why_runs_next_to_a_kink_minimum_count_as_not_converged():
    """Kink p. 2: Adam and CG ended 0.0045 and 0.052 from P1 = (0, 0), inside its convergence
    radius 0.666, and were listed as runs that "did not converge" with ‖∇f‖∞ = 1.00; the page
    never said that next to the kink |∂f/∂x| = |sign x| = 1, so no run can meet the gradient
    tolerance there (76th reading, minor).  On a smooth minimum nothing is said."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse("abs(x) + relu(y-1) + 0.5*y**2")
    runs = [NS(result=NS(criteria=[NS(name="gtol", threshold=1e-6)]))]
    kink = NS(point=np.array([0.0, 0.0]), differentiable=False)
    A = NS(tuned=None, minimum=kink, obj=obj)
    assert report.kink_minimum_gradient_text(A, runs) == (
        "Next to x* = (0, 0), a kink of f, the gradient does not vanish: ‖∇f‖∞ ≥ 1.00 at "
        "1 000 points drawn within 10⁻³ of x* (f has no gradient at x* itself), so no run that "
        "ends off the kink x = 0 can meet the gradient tolerance 10⁻⁶ there, however close to "
        "x* it ends.")
    # kink p. 2 said "no run can" while 2 of 100 CG starts (p. 7) converged at P1: on x = 0
    # exactly the formula's sign(0) = 0 leaves ∂f/∂y = y, which can meet the tolerance
    assert np.max(np.abs(obj.grad(np.array([0.0, 1e-7])))) <= 1e-6
    # the kink y = 1 does not pass through x* = (0, 0): only x = 0 is named; |x| + |y| has two
    two = NS(tuned=None, minimum=kink, obj=Objective.parse("abs(x) + abs(y)"))
    assert "so no run that ends off the kinks x = 0 and y = 0 can meet" in \
        report.kink_minimum_gradient_text(two, runs)
    # |x| + y²: |∂f/∂x| = 1 off x = 0 too; a smooth minimum (x² + y²) gets no sentence
    smooth = NS(point=np.array([0.0, 0.0]), differentiable=True)
    assert report.kink_minimum_gradient_text(NS(tuned=None, minimum=smooth,
                                        obj=Objective.parse("x**2 + y**2")), runs) is None
    # a kink whose gradient vanishes beside it (relu(x) + y² at (−1, 0): flat for x < 0)
    flat = NS(point=np.array([0.0, 0.0]), differentiable=False)
    assert report.kink_minimum_gradient_text(NS(tuned=None, minimum=flat,
                                        obj=Objective.parse("relu(x) + y**2")), runs) is None


def test_a_region_point_found_numerically_is_marked_numeric():
    """Chained Rosenbrock p. 4: R1's and R2's points of smallest ‖∇f‖₂, found numerically,
    bore no mark, beside R3's (1, 1, 1, 1, 1)ᵉ and every other number of the table marked.
    tanh's plateaus hold no critical point: each point is a numeric one, where
    sech²(x) = ‖∇f‖₂ is below the threshold (checked here from the printed x)."""
    from types import SimpleNamespace as NS

    from landscape import Objective

    obj = Objective.parse("tanh(x)")
    box = np.array([[-10.0, 10.0]])
    cps = obj.critical_points(box=box)
    v = obj.vanishing(box=box)
    assert not cps and v.regions
    A = NS(obj=obj, box=box, cps=cps, vanishing=v, minimum=None)
    b = report.Builder("Regions")
    report._vanishing_table(b, A)
    (table,) = [blk for blk in b.doc.blocks if isinstance(blk, report.Table)]
    for row in table.rows:
        assert row[2].endswith("ⁿ"), row
        x = float(row[2].strip("()ⁿ").replace("−", "-"))
        assert 1.0 / math.cosh(x) ** 2 < v.threshold


def test_no_table_of_the_four_reports_heads_two_columns_alike(four_reports):
    """Himmelblau p. 5, chained Rosenbrock p. 6: the theory table headed two columns
    "order", the predicted one and the measured one, where its rates read "predicted rate"
    and "measured rate [window]".  No table of a report heads two of its columns alike.
    The predicted order is said by the predicted kind, "quadratic (order q = 2ᵗ)" for
    Newton, and a linear kind has none to say (study p. 39 printed GD's "1ᵗ" beside CG's
    "—", both linear); the JSON keeps every predicted order."""
    from analysis.pages import Table

    seen = 0
    for name, (result, doc) in four_reports.items():
        data = json.loads(result.json.read_text())
        for t in (b for b in doc.blocks if isinstance(b, Table)):
            heads = [c.header for c in t.columns]
            assert len(set(heads)) == len(heads), (name, t.title, heads)
            if t.title != report.THEORY_TABLE:
                continue
            seen += 1
            # (a column of dashes only is left out: the kink report has no measured order)
            assert "predicted order" not in heads and sum("order" in h for h in heads) <= 1
            # the rows in the order of the JSON's rate studies (report._theory)
            for row, rec in zip(t.rows, data["rates"].values(), strict=True):
                p, kind = rec["predicted"], row[heads.index("predicted kind")]
                if p["order"] is not None and p["order"] != 1.0:
                    assert f"order q = {report.fmt_num(p['order'], 3)}ᵗ" in kind, kind
                else:
                    assert "order q" not in kind, kind
                if p["kind"] == "linear":
                    assert p["order"] in (None, 1.0) and kind.startswith("linear"), kind
    assert seen == 4  # every report has its theory table
