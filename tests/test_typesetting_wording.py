"""Typesetting and wording of the generated reports, as a reader of the printed pages sees them:
scripts of one symbol set alike, keys the reader types set literally, one style of
percentage, no two brackets in a row, caption clauses only where they apply, number
agreement, references that name what they point to, tables that neither stretch a column by
its header nor break a short cell, and short tables that split rather than leave a third of
a page blank.
"""

import ast
import inspect
import re
from types import SimpleNamespace as NS

import numpy as np
import pytest

from analysis import pages, plots, report

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def page_markup(text: str) -> str:
    """``text`` as a page prints it: the scripts of :meth:`Document.add`, then the markup."""
    return pages.markup(plots.page_script(text))


# ------------------------------------------------------------------ scripts and code


def test_the_subscripts_of_one_symbol_are_set_alike():
    """Campaign p. 1: the cost weights read c_f, c_g lowered by tags beside a Unicode cₕ
    (f and g have no Unicode subscript, h has).  All three now take the same tag."""
    text = ("Cost of a run: weighted evaluations nfev·c_f + njev·c_g + nhev·c_h with "
            "c_f = 1.0, c_g = 1.0, c_h = 1.0.")
    m = page_markup(text)
    assert "cₕ" not in m
    for s in "fgh":
        assert m.count(f"c{plots._SUB_TAG}{s}</sub>") == 2, m
    # a symbol whose subscripts all have a Unicode form keeps them
    assert page_markup("x_k and x_(k+1)") == "xₖ and x₍ₖ₊₁₎"


def test_a_spec_key_the_reader_types_is_set_literally():
    """Campaign p. 2: the instruction to give the spec key f_star printed it as f with a
    subscript "star".  Code spans are set in the monospace font, with no scripts."""
    from analysis.campaign import report as cr
    from analysis.campaign.suites import SUITES

    o = SUITES["classic"]["himmelblau"]
    text = cr.no_f_star_reason({"formula": o.formula, "params": dict(o.params)})
    m = page_markup(text)
    assert f'<font face="{pages.MONO}">f_star</font>' in m, m
    assert f'<font face="{pages.MONO}">suite = "classic", only = ["himmelblau"]</font>' in m
    assert "<sub" not in m and "`" not in m
    # and the page shows it so
    b = report.Builder("Code span")
    b.doc.paragraph("Give " + pages.code("f_star") + " in the spec; the weights c_f, c_h.")
    from pypdf import PdfReader

    res = b.write(pages_tmp() / "code.pdf")
    assert "Give f_star in the spec" in PdfReader(str(res.pdf)).pages[0].extract_text()


def pages_tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp())


def test_a_signed_letter_power_in_a_note_is_a_superscript():
    """Study p. 11: the agreement note read "a sublinear exponent a of k^−a within 10%" with
    its caret.  A signed one-letter power is raised like a signed number: in Unicode where
    the letter has a form (k^-p → k⁻ᵖ), else as a tag (a is a provenance marker's letter)."""
    up = plots._SUP_TAG
    assert page_markup("∝ k^-p") == "∝ k⁻ᵖ"
    assert page_markup("∝ k^−k") == "∝ k⁻ᵏ"
    assert page_markup(report.THEORY_RULES["exponent"]) == (
        f"a sublinear exponent a of (k\u00a0+\u00a0k₀){up}−a</super> within 10%")
    assert "^" not in page_markup(report.THEORY_NOTES)
    assert page_markup("Σ β^t") == "Σ β^t"  # a lone marker letter is still kept


# ------------------------------------------------------------------ percentages

#: the modules whose strings become report text
REPORT_MODULES = ("analysis.report", "analysis.study", "analysis.pages", "analysis.compare",
                  "analysis.starts", "analysis.rates", "analysis.sweeps",
                  "analysis.campaign.report", "analysis.campaign.figures")


def spaced_percents(module_name: str) -> list[str]:
    """The string pieces of a module (docstrings aside) that put a space between a number
    and its % sign: ``"2 %"``, or a formatted value followed by ``" %"``."""
    import importlib

    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    bad = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
            if re.search(r"\d\s%(?![sdfgr(])", n.value):
                bad.append(n.value)
        if isinstance(n, ast.JoinedStr):
            for a, c in zip(n.values, n.values[1:], strict=False):
                if isinstance(a, ast.FormattedValue) and isinstance(c, ast.Constant) \
                        and re.match(r"\s%", str(c.value)):
                    bad.append(ast.unparse(n))
    return bad


def test_one_house_style_for_percentages():
    """Study p. 4: "2 %" beside "2%".  The formatter writes "2%" (most percentages of the
    study: 103 of 126), and so does every percentage the report code writes."""
    from analysis.compare import percent

    assert percent(0.02) == "2%" and percent(0.00069) == "0.069%"
    for name in REPORT_MODULES:
        assert not spaced_percents(name), (name, spaced_percents(name))


# ------------------------------------------------------------------ brackets and clauses


def test_a_clause_joins_the_bracket_before_it():
    assert report.aside("η = 0.021", "consistent") == "η = 0.021 (consistent)"
    assert report.aside("η = 0.021 (3 runs settled on a cycle or band, 0 diverged)",
                        "consistent") == ("η = 0.021 (3 runs settled on a cycle or band, "
                                          "0 diverged; consistent)")
    assert report.aside("η = 0.021", "") == "η = 0.021"


def sweep(bounded, band_away=None):
    n = len(bounded)
    return NS(predicted_threshold=0.5, lrs=np.linspace(0.6, 1.0, n),
              diverged=np.zeros(n, bool), elsewhere=None, bounded=np.array(bounded),
              band_away=None if band_away is None else np.array(band_away))


def test_the_band_rule_is_no_second_bracket():
    """Himmelblau p. 12: "moved in a band not around x* (squares) (“around x*”: …)"."""
    text = report.unstable_steps_text(sweep([True, True], [False, True]))[0]
    assert ") (" not in text and "“around x*”" in text


def test_the_threshold_sentence_has_one_bracket_for_the_runs_and_the_verdict():
    """Himmelblau p. 1: "… η = 0.02107 (3 runs settled on a cycle or band, 0 diverged)
    (consistent)"."""
    s = NS(predicted_threshold=0.019, observed_threshold=0.02107, threshold_basis="2/L",
           diverged=np.zeros(5, bool), elsewhere=None,
           not_convergent=np.array([0, 0, 1, 1, 1], bool), eigenvalues=[],
           brackets_prediction=lambda: True, steps=200)
    text = report._threshold_sentence(NS(lr_sweep=s))
    assert ") (" not in text, text
    # "band" said with what it is (Himmelblau, quadratic and chained Rosenbrock p. 2 used the
    # figure's term with no word on it); not "stayed bounded without converging", which the
    # runs of small steps that have not converged yet do too (chained Rosenbrock p. 2)
    # and "stopped at another point", as the figure's legend says: a run from x₀ never was
    # at x* to leave it (chained Rosenbrock p. 2)
    assert ("the smallest tested step whose run diverged, settled on a cycle or band (its "
            "iterates circling without nearing a point) or stopped at another point is "
            "η = 0.02107") in text
    away = NS(**{**vars(s), "elsewhere": np.array([0, 0, 0, 1, 0], bool)})
    assert "(2 runs settled on a cycle or band, 1 stopped at another point, 0 diverged)." \
        in report._threshold_sentence(NS(lr_sweep=away))
    # Himmelblau p. 2: the counts, the verdict and the figure were one bracket of a sentence
    # of about 90 words; the verdict is a sentence of its own, the figure its bracket
    assert ("(3 runs settled on a cycle or band, 0 diverged).  Consistent (the tested steps "
            "and the bracket they give on the threshold: figure “GD from x₀: final error after "
            "200 steps against η” on p. " + pages.page_ref(report.SWEEP_FIGURE) + ").") in text
    assert "; consistent" not in text


def test_a_start_outside_the_local_prediction_is_said_in_sentences_of_its_own():
    """Chained Rosenbrock p. 2: the GD step-size bullet was one sentence of about 90 words,
    the verdict a bracket holding a colon, the curvature at x₀ and the figure's page.  When
    the smallest failing step lies below the local prediction 2/L* but not below 2/λ₀,
    the bullet says so in three sentences: the step against both thresholds, why (the
    curvature at x₀), and where the tested steps are drawn."""
    lrs = np.geomspace(1e-5, 1e-2, 10)
    diverged = lrs > 1e-4
    s = NS(predicted_threshold=2.0 / 1649.0, observed_threshold=float(lrs[diverged][0]),
           threshold_basis="2/L", diverged=diverged, elsewhere=None,
           not_convergent=diverged, eigenvalues=[], hessian_constant=False,
           brackets_prediction=lambda: False, bracket=None, steps=200)
    H0 = np.diag([29111.0, 3.0])  # 2/λ₀ = 6.870e-05, below the smallest failing step
    A = NS(lr_sweep=s, x0=np.zeros(2), obj=NS(hess=lambda x: H0))
    text = report._threshold_sentence(A)
    obs = report.fmt_num(s.observed_threshold)
    assert (f"is η = {obs}, below the local prediction but not below 2/λ_max(∇²f(x₀)) = "
            f"{report.fmt_num(2.0 / 29111.0)}.  At x₀ the largest curvature is "
            f"{report.fmt_num(29111.0)}, so the run starts outside the region the prediction "
            "at x* covers.  The tested steps and the bracket they give on the threshold: "
            "figure “GD from x₀: final error after 200 steps against η” on p. ") in text, text
    assert f"{obs} (" not in text and ": at x₀" not in text, text  # sentences, no aside
    # the other verdicts are a sentence of their own, after the runs' bracket (the test above)
    s.observed_threshold = 1e-5  # below 2/λ₀ too: inconsistent
    assert ".  Inconsistent with the prediction; 2/λ_max(∇²f(x₀)) = " in \
        report._threshold_sentence(A)


def captions(doc) -> list[str]:
    return [b.caption for b in doc.blocks if isinstance(b, pages.FigureBlock)]


def test_no_caption_has_two_brackets_in_a_row(four_reports):
    """Rosenbrock p. 11, p. 13, kink p. 9: "(floor reached) (drawn until …)", "near x₀ (a
    local prediction) (a blow-up, …)"."""
    for name, (_, doc) in four_reports.items():
        for cap in captions(doc):
            assert ") (" not in cap, (name, cap)


def test_the_floor_clause_only_when_a_drawn_run_reaches_the_floor(four_reports):
    """Kink p. 9: every run of both error figures ends above the floor (its length clause
    says so), yet the caption said the curves are drawn until the error falls below it.
    Himmelblau's Newton-type runs reach the floor: their caption keeps the clause."""
    def error_caps(name):
        return [c for c in captions(four_reports[name][1]) if "These are the rate studies'" in c]

    kink = error_caps("kink")
    assert kink and all("above the floor" in c for c in kink)
    assert not any("drawn until" in c for c in kink), kink
    himmel = [c for c in error_caps("himmelblau") if "(floor reached)" in c]
    assert himmel and all("drawn until the error first falls below" in c for c in himmel)


def test_the_rounding_floor_sentence_names_the_runs_it_applies_to():
    e_cut = 10.0 ** -np.arange(20.0)  # reaches 10³·ε at k = 13
    e_flat = np.full(20, 0.5)
    assert report.floor_cut_text({"gd": e_flat, "cg": e_flat}) == ""
    assert report.floor_cut_text({"gd": e_cut, "cg": e_cut}).startswith("  Each curve is drawn")
    assert report.floor_cut_text({"gd": e_flat, "cg": e_cut}).startswith(
        "  The curve of cg is drawn until")
    # the curve that ends above the floor is said to end with its run
    assert report.floor_cut_text({"gd": e_flat, "cg": e_cut}).endswith(
        "  The curve of gd ends with its run, above the floor.")
    # with ends: where each cut curve stops against its run's last iteration
    assert report.floor_cut_text({"gd": e_flat, "cg": e_cut}, ends=True).endswith(
        "so it ends before its run's last iteration: at k = 13 of 19.  The curve of gd ends "
        "with its run, above the floor.")
    # a run that stopped at its first error below the floor: its curve ends there too
    stopped = report.floor_cut_text({"gd": e_cut[:14], "cg": e_cut})
    assert stopped.startswith("  Each curve is drawn until") and stopped.endswith(
        "; the run of cg went on past it."), stopped
    assert report.floor_cut_text({"gd": e_cut[:14]}).endswith("; the run stopped there.")
    both = report.floor_cut_text({"gd": e_cut[:15], "cg": e_cut}, ends=True)
    assert both.startswith("  Each curve is drawn until") and both.endswith(
        "so they end before their runs' last iterations: at k = 13 of 14 and 13 of 19."), both


# ------------------------------------------------------------------ agreement, references


def test_one_relanded_start_takes_the_singular():
    """Himmelblau p. 11: "1 of the 3721 grid starts landed …; each was run again"."""
    one = report.landings_text(NS(exact_landings=1, labels=np.zeros((61, 61))))
    assert "1 of the 3 721 grid starts" in one and "it was run again" in one
    assert "each" not in one
    many = report.landings_text(NS(exact_landings=61, labels=np.zeros((61, 61))))
    assert "61 of the 3 721 grid starts" in many and "each was run again" in many


def test_the_theory_table_is_named_not_placed_above(four_reports):
    """Rosenbrock p. 8: "the table above" pointed two pages back, past the per-method
    tables.  The sentence names the table by its title, which the section's table has."""
    _, doc = four_reports["rosenbrock5"]
    text = [b.text for b in doc.blocks if isinstance(b, pages.Paragraph)
            and b.text.startswith("No table of ratios")]
    assert text and "table above" not in text[0]
    assert f"“{report.THEORY_TABLE}”" in text[0]
    assert any(isinstance(b, pages.Table) and b.title == report.THEORY_TABLE
               for b in doc.blocks)


def test_the_no_ratio_sentence_is_set_like_the_verdicts_before_it(four_reports):
    """Himmelblau p. 8: "No table of ratios for Adam: …" was set at the body size (9.5 pt)
    under the per-method verdicts it closes, which are small (8 pt) italic notes."""
    _, doc = four_reports["himmelblau"]
    blocks = [b for b in doc.blocks if isinstance(b, pages.Paragraph)]
    at = [i for i, b in enumerate(blocks) if b.text.startswith("No table of ratios")]
    assert at
    verdicts = [b for b in blocks[:at[0]] if b.style == "italic"]
    assert verdicts and {b.size for b in verdicts[-3:]} == {blocks[at[0]].size}


def test_the_tanh_target_is_not_named_like_an_iterate(tmp_path):
    """Study p. 14: x₁ named the target point, while x₁ is the first iterate elsewhere."""
    from pypdf import PdfReader

    from analysis import study

    res = study.build_study(tmp_path, quick=True, sections=[study.section_tanh])
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(res.pdf)).pages)
    assert "from x₀ to x₁" not in text
    assert "from the start x₀ = 4 to the point x = 1" in text


# ------------------------------------------------------------------ tables


def lines_of(text: str, width: float, size: float = pages.TABLE) -> int:
    return pages._column_lines([pages._cell_words(text, size, pages.FONT)], width)[0]


def test_a_short_cell_is_not_broken_when_room_is_left():
    """Study p. 11: "η < 2/L = 1ᵗ" wrapped onto two lines; the row is two lines tall
    anyway (measured, decided by, note), so no height was gained by widening it."""
    t = pages.Table([pages.Column(h) for h in ["what", "theory", "measured", "decided by",
                                               "verdict", "note"]],
                    [["GD divergence threshold (η)", "η < 2/L = 1ᵗ",
                      "stable at η = 0.9088, diverges at η = 1.074", "0.9088 < 1 < 1.074",
                      "agrees", "the predicted threshold lies in the observed bracket"]])
    w = pages.column_widths(t, pages.CONTENT_W)
    assert abs(sum(w) - pages.CONTENT_W) < 1e-6
    assert lines_of("η < 2/L = 1ᵗ", w[1]) == 1, w
    assert lines_of("0.9088 < 1 < 1.074", w[3]) == 1, w


def test_room_left_in_a_narrow_table_goes_to_every_column_alike():
    """Quadratic p. 2: the eigenvalue column of the critical points was three times as wide
    as its cells (its header set its natural width, and the room was shared in proportion
    to natural widths).  Each column now gets its natural width plus the same share."""
    t = pages.Table([pages.Column("#", "r"), pages.Column("point"), pages.Column("f", "r"),
                     pages.Column("kind"), pages.Column("Hessian eigenvalues"),
                     pages.Column("κ", "r"), pages.Column("test"), pages.Column("how found")],
                    [["P1", "(0, 0)ᵉ", "0ᵉ", "minimum", "0.2ᵉ, 4ᵉ", "20ᵉ", "hessian", "exact"]])
    w = pages.column_widths(t, pages.CONTENT_W)
    bold = f"{pages.FONT}-Bold"
    natural = [max(pages.string_width(c.header, t.size, bold),
                   pages.string_width(v, t.size, pages.FONT)) + pages.CELL_PAD
               for c, v in zip(t.columns, t.rows[0], strict=True)]
    extra = [a - n for a, n in zip(w, natural, strict=True)]
    assert abs(sum(w) - pages.CONTENT_W) < 1e-6
    assert max(extra) - min(extra) < 1.0, extra
    header = pages.string_width("Hessian eigenvalues", t.size, bold) + pages.CELL_PAD
    assert w[4] < header + (pages.CONTENT_W - sum(natural)) / 8 + 1.0


def test_a_short_table_splits_rather_than_leave_a_third_of_the_page_blank(tmp_path):
    """Study p. 29: a seven-row table with its title and notes did not fit the 36 % left
    under a figure and moved whole, leaving the page 36 % blank.  It now splits there, its
    header repeated; a table of a few rows still moves whole."""
    from pypdf import PdfReader

    rows = [[f"row {i}", "words that wrap " * 16, f"{i}.5ᵗ"] for i in range(7)]
    cols = [pages.Column("what"), pages.Column("text"), pages.Column("value")]
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows), report.Builder("p").doc)
    _, height = probe.wrap(pages.CONTENT_W, 1e6)
    assert probe.short() and pages.CONTENT_H / 3.0 - 25.0 < height <= pages.CONTENT_H / 3.0
    notes = ["A note long enough to take three lines at the foot of the page: " + "word " * 60]
    gap = pages.CONTENT_H / 3.0 + 4.0  # the table with its title and notes misses it

    def build(n_rows, name):
        b = report.Builder("Split short table")
        b.doc.add(pages.Spacer(pages.CONTENT_H - gap))
        b.doc.table(cols, rows[:n_rows], title="Seven rows", notes=notes)
        res = b.write(tmp_path / name)
        return res, [" ".join(p.extract_text().split()) for p in PdfReader(str(res.pdf)).pages]

    res, texts = build(7, "seven.pdf")
    assert len(texts) == 2
    assert "row 0" in texts[0] and "row 6" in texts[1] and "Seven rows (continued)" in texts[1]
    assert "what text value" in texts[1]  # the header repeated
    for t in texts:
        assert len(re.findall(r"row \d", t)) >= pages.MIN_ROWS
    assert res.page_fill[0].blank <= 1 / 3, res.page_fill
    res, texts = build(4, "four.pdf")  # a few rows: whole, on one page or the next
    assert sum("row 0" in t and "row 3" in t for t in texts) == 1


def test_small_gradient_note_holds_for_a_kink(four_reports):
    """Kink p. 3: the note 'A region holding an exact critical point has its smallest ‖∇f‖ = 0
    there, exactly' stood under row R1, whose ‖∇f‖ cell says 'no gradient (kink)'.  Kink p. 4:
    that cell then read 'no gradient (kink)' under a paragraph that defines ‖∇f‖₂ on a kink
    as the norm of the subgradient the formulas of ∇f give there, (0, 0) at R1's point: the
    cell gives that norm, 0, marked as a kink's."""
    tables = [b for b in four_reports["kink"][1].blocks
              if isinstance(b, pages.Table) and b.title == "Small-gradient regions"]
    assert tables and any(r[3] == "0ᵉ (kink)" for t in tables for r in t.rows), \
        [r[3] for t in tables for r in t.rows]
    assert not any("no gradient" in r[3] for t in tables for r in t.rows)
    # the note explains the cell's "(kink)", not the old "No gradient (kink)"
    assert "(kink): the region's critical point is a kink of f" in " ".join(
        n for t in tables for n in t.notes)
    assert "No gradient (kink)" not in " ".join(n for t in tables for n in t.notes)
    notes = " ".join(n for t in tables for n in t.notes)
    assert "smallest ‖∇f‖₂ = 0 there, exactly" not in notes
    assert "a kink of f, where f has no gradient" in notes
    himmel = [b for b in four_reports["himmelblau"][1].blocks
              if isinstance(b, pages.Table) and b.title == "Small-gradient regions"]
    assert all("no gradient" not in n for t in himmel for n in t.notes)


def test_no_bracket_follows_or_nests_in_the_summary_and_failures(four_reports):
    """Kink p. 2: "x = (0, 0) (x*)", "(symbolic: proved: …)"; Rosenbrock p. 2: "(status
    maxiter, ‖∇f‖∞ = 0.00085, near P3 (minimum))"."""
    for name, (_, doc) in four_reports.items():
        for blk in doc.blocks:
            text = getattr(blk, "text", "")
            if not isinstance(blk, pages.Paragraph):
                continue
            assert ") (x*)" not in text and ": proved:" not in text, (name, text)
            # no bracket opens inside a "(status …)" group, whatever it says after the status
            assert not re.search(r"\(status[^()]*\(", text), (name, text)
    assert report.how_clause("symbolic", "proved: Hessian constant") == (
        "symbolic proof: Hessian constant")
    assert report.how_clause("numeric", "no refutation found") == "numeric: no refutation found"


def test_the_title_page_says_what_s_e_stands_for_when_a_page_prints_it(four_reports):
    """Study p. 3 printed "1.97 ± 0.025 (1 s.e.)" and no page said what "s.e." stands for.
    The title page's legend now says it, in a document that prints it (Himmelblau and
    Rosenbrock fit an order) and only there (the ellipse and the kink fit none)."""
    from pypdf import PdfReader

    from analysis.empirical import SE_MEANS

    printed = {}
    for name, (result, _) in four_reports.items():
        texts = [" ".join(p.extract_text().split()) for p in PdfReader(str(result.pdf)).pages]
        later = any("s.e." in t for t in texts[1:])
        assert (SE_MEANS in texts[0]) == later, (name, texts[0])
        printed[name] = later
    assert printed["himmelblau"] and printed["rosenbrock5"] and not printed["kink"], printed


def test_se_lines_only_for_texts_that_abbreviate_a_standard_error():
    from analysis.empirical import SE_MEANS, one_se, se_lines

    assert se_lines(["order 1.97" + one_se("0.025")]) == [SE_MEANS]
    assert se_lines(["quadratic (within 2 s.e.)"]) == [SE_MEANS]
    assert se_lines(["a standard error of 0.1", "rate 0.5"]) == []


def test_a_per_step_table_with_a_yardstick_says_which_case_it_comes_from(four_reports):
    """Himmelblau p. 8: CG's per-step table printed its theory row "≤ 0.31433ʸ", and the
    legend of ʸ says "a bound proved for another case (its note says which)", but no note
    under that table said which (the theory table's, on p. 5, did).  A per-step table whose
    theory row is a yardstick carries the note of its case (printed in full once, pointed
    to from the later pages)."""
    seen = 0
    for name, (_, doc) in four_reports.items():
        for t in doc.blocks:
            if not isinstance(t, pages.Table) or "errors and ratios" not in (t.title or ""):
                continue
            theory = [r for r in t.rows if r[0] == "theory"]
            if any("ʸ" in v for r in theory for v in r):
                seen += 1
                assert any("(√κ* − 1)/(√κ* + 1)" in n for n in t.notes), (name, t.title)
    assert seen >= 2  # Himmelblau's and Rosenbrock's CG


def test_the_yardstick_legend_names_the_note_each_yardstick_row_has(four_reports):
    """Quadratic p. 5: the legend of ʸ said "(its note says which)", and the CG row's note
    cell says nothing of the case; the note that does is the one headed "CG: …" under the
    table (the kink report's momentum row says it in its own note cell).  The legend names
    both places, on one line, and every row or per-step table with a yardstick has the case
    in one of them: a note under the table headed by its method's name, or its row's note
    cell."""
    assert "another case (said in its row or under the table)," in pages.HOW["yardstick"][1]
    # no longer than a line of footnotes (quadratic p. 5: a legend of two lines took the
    # last lines of the paragraph before the per-step tables to p. 6)
    legend = pages.legend_text(["yardstick"])
    assert pages.string_width(legend, pages.TABLE - 0.4, pages.FONT) < pages.CONTENT_W - 10
    seen = {"row": 0, "under": 0}
    for name, (_, doc) in four_reports.items():
        for t in doc.blocks:
            if not isinstance(t, pages.Table):
                continue
            for r in t.rows:
                if not any("ʸ" in str(v) for v in r):
                    continue
                method = (t.title or "").split(":")[0] if r[0] == "theory" else str(r[0])
                heads = {pages.note_head(n): n for n in t.notes if pages.note_head(n)}
                if method in heads:
                    assert "(√κ* − 1)/(√κ* + 1)" in heads[method], (name, t.title)
                    seen["under"] += 1
                else:
                    assert "heuristic bound for β > 0" in str(r[-1]), (name, t.title, r)
                    seen["row"] += 1
    assert seen["under"] >= 3 and seen["row"] >= 2, seen
