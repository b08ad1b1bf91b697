"""analysis.pages: the PDF page engine, checked on the PDFs it writes (read back with pypdf).

Fonts embedded, text extractable (provenance markers, Greek), pages not left a third blank
unless they end a section, short tables whole, long tables with repeated headers, each
footnote once per page, nothing cut with "…", every piece of text inside the text area.
"""

import re
from functools import partial

import pytest

from analysis import pages, report

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

MARKERS = "ᵉⁿᵐᶠᵗˢ"
#: the footer's band: below the text area, above the page edge
FOOTER_BAND = (10.0, pages.MARGIN_BOTTOM - 8.0)


def reader(path):
    from pypdf import PdfReader

    return PdfReader(str(path))


def page_texts(path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in reader(path).pages]


def text_pieces(page) -> list[tuple[str, float, float, float, float, str]]:
    """(text, x, y, a, size, font) of every text run drawn on ``page``: the position and
    horizontal scale ``a`` in page space (text matrix × current matrix, as pypdf reports
    them), the font size, the font's base name."""
    out = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        a, b, c, d, e, f = tm
        A, B, C, D, E, F = cm
        x, y = e * A + f * C + E, e * B + f * D + F
        scale = (a * A + b * C) * size
        name = str(font.get("/BaseFont", "")) if font else ""
        out.append((text, x, y, scale, size, name))

    page.extract_text(visitor_text=visit)
    return out


def fonts_of(obj, seen=None):
    """Every font dictionary reachable from a page or form's resources."""
    seen = set() if seen is None else seen
    res = obj.get("/Resources")
    if res is None:
        return
    res = res.get_object()
    for f in (res.get("/Font") or {}).values():
        f = f.get_object()
        if id(f) not in seen:
            seen.add(id(f))
            yield f
    for x in (res.get("/XObject") or {}).values():
        x = x.get_object()
        if x.get("/Subtype") == "/Form":
            yield from fonts_of(x, seen)


def embedded(font) -> bool:
    """Whether a font dictionary (simple or Type0) carries its font program."""
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    desc = font.get("/FontDescriptor")
    if desc is None:
        return False
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


# ------------------------------------------------------------------ documents made here


def filler(doc, n: int) -> None:
    for k in range(n):
        doc.paragraph(f"Filler paragraph {k}: " + "words that take up room " * 12)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small document exercising every block: markers, Greek, a short table placed where it
    would have to split, a long table, the same note under three tables, figures."""
    import sympy as sp

    x = sp.Symbol("x", real=True)
    b = report.Builder("Engine test ᵉ α")
    d = b.doc
    d.heading("Engine test", level=0, numbered=False)
    d.contents()
    d.heading("Markers and symbols")
    d.paragraph("Markers " + " ".join(f"1.5{m}" for m in MARKERS)
                + " Greek αβγηκλμρ ‖∇f‖ ≤ x² − 1 <tag> & done")
    d.formula("f(x)", sum(sp.sin(k * x) / k for k in range(1, 25)))
    d.table(["kind", "value"], [[f"short row {i}", f"{i}.5ᵗ"] for i in range(10)],
            title="A short table", notes=["NOTE-ONE: the same footnote under every table."])
    d.heading("Tables")
    d.table(["#", "value", "text"],
            [[f"long row {i}", f"{i}ⁿ", "a few words " * (i % 5)] for i in range(130)],
            title="A long table", notes=["NOTE-ONE: the same footnote under every table."])
    for k in range(3):
        d.table(["a", "b"], [[f"t{k} r{i}", "x"] for i in range(3)], title=f"Tiny {k}",
                notes=["NOTE-ONE: the same footnote under every table.", f"NOTE-T{k}"])
    d.heading("Figures")

    def draw(fig):
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [2, 0, 1], label="η = 0.1")
        ax.set_xlabel("iteration k")
        ax.legend()

    d.figure(draw, height=260.0, caption="A full-width figure.")
    d.figure(draw, height=220.0, caption="Left half.", half=True)
    d.figure(draw, height=220.0, caption="Right half.", half=True)
    path = tmp_path_factory.mktemp("pages") / "engine.pdf"
    return b.write(path), b.doc


@pytest.fixture(scope="module")
def real_report(four_reports):
    return four_reports["ellipse"][0]


@pytest.fixture(scope="module")
def quick_study(tmp_path_factory):
    from analysis import study

    return study.build_study(tmp_path_factory.mktemp("study"), quick=True,
                             sections=[study.section_quadratic, study.section_saddle])


# ------------------------------------------------------------------ fonts and text


def test_every_font_is_embedded(synthetic, real_report):
    for result in (synthetic[0], real_report):
        fonts = [f for p in reader(result.pdf).pages for f in fonts_of(p)]
        assert fonts
        missing = {str(f.get("/BaseFont")) for f in fonts if not embedded(f)}
        assert not missing, missing


def test_text_extracts_with_markers_and_greek(synthetic):
    text = " ".join(page_texts(synthetic[0].pdf))
    assert "Markers " + " ".join(f"1.5{m}" for m in MARKERS) in text
    assert "Greek αβγηκλμρ ‖∇f‖ ≤ x² − 1 <tag> & done" in text
    assert "short row 9" in text and "9.5ᵗ" in text
    meta = reader(synthetic[0].pdf).metadata
    assert meta.title == "Engine test ᵉ α" and "landscape" in meta.creator


def test_footer_numbers_pages_and_contents_has_page_numbers(synthetic):
    texts = page_texts(synthetic[0].pdf)
    n = len(texts)
    for k, t in enumerate(texts, start=1):
        assert f"Engine test ᵉ α · page {k} of {n}" in t
    # the contents' page numbers (after the dot leaders) are the pages of the bookmarks
    pdf = reader(synthetic[0].pdf)
    marks = [(m.title, pdf.get_destination_page_number(m) + 1) for m in pdf.outline
             if not isinstance(m, list)]
    listed = [int(v) for v in re.findall(r"\. (\d+)\b", texts[0])]
    numbered = [p for title, p in marks if re.match(r"\d+ ", title)]
    assert len(numbered) == 3 and listed == numbered, (marks, listed)
    tables = next(p for title, p in marks if title.endswith("Tables"))
    assert "2 Tables A long table" in texts[tables - 1]


def test_nothing_is_cut_with_an_ellipsis(synthetic, real_report, quick_study):
    for result in (synthetic[0], real_report, quick_study):
        for k, t in enumerate(page_texts(result.pdf), start=1):
            assert "…" not in t, (result.pdf.name, k)


# ------------------------------------------------------------------ tables and notes


def test_short_table_is_kept_whole(tmp_path):
    """A 10-row table whose upper half would fit at the foot of the page moves whole."""
    b = report.Builder("Short table")
    rows = [[f"short row {i}", f"{i}.5ᵗ"] for i in range(10)]
    probe = pages._flowables().TableFlowable(pages.Table([pages.Column("kind"),
                                                          pages.Column("value")], rows), b.doc)
    _, height = probe.wrap(pages.CONTENT_W, 1e6)
    b.doc.add(pages.Spacer(pages.CONTENT_H - height / 2.0))
    b.doc.table(["kind", "value"], rows)
    res = b.write(tmp_path / "short.pdf")
    texts = page_texts(res.pdf)
    assert len(texts) == 2 and all(f"short row {i} " in texts[1] for i in range(10))
    assert res.page_fill[0].blank * pages.CONTENT_H >= height / 2.0 - 2.0  # it moved


def test_long_table_repeats_its_header(synthetic):
    texts = page_texts(synthetic[0].pdf)
    parts = [t for t in texts if re.search(r"long row \d+ ", t)]
    assert len(parts) >= 2
    rows = [int(r) for t in parts for r in re.findall(r"long row (\d+) ", t)]
    assert sorted(rows) == list(range(130))
    for t in parts:
        assert re.search(r"# value text long row", t), t[:200]
    assert all("A long table (continued)" in t for t in parts[1:])
    for t in parts:  # at least MIN_ROWS rows on each part
        assert len(re.findall(r"long row \d+ ", t)) >= pages.MIN_ROWS


def test_each_footnote_once_per_page(synthetic, real_report, quick_study):
    texts = page_texts(synthetic[0].pdf)
    counts = [t.count("NOTE-ONE") for t in texts]
    assert max(counts) == 1
    tiny = [k for k, t in enumerate(texts) if "Tiny 0" in t or "Tiny 2" in t]
    assert all(counts[k] == 1 for k in tiny)
    for k in range(3):
        assert sum(t.count(f"NOTE-T{k}") for t in texts) == 1
    for result in (real_report, quick_study):
        for k, t in enumerate(page_texts(result.pdf), start=1):
            for note in (report.THEORY_NOTES[:60], "ᵉ exact (SymPy)", "ᵗ theory: closed-form",
                         "ᵐ measured in an optimizer run"):
                assert t.count(" ".join(note.split())) <= 1, (result.pdf.name, k, note)


# ------------------------------------------------------------------ page fill and geometry


#: font size of the footnotes (oblique DejaVu Sans)
NOTE_SIZE = pages.TABLE - 0.4


def blank_share(page) -> float:
    """The blank share of the text area, measured from the PDF alone: from the lowest line
    of text (captions sit under figures, rows in tables) down to the top of the footnotes
    (oblique text at the note size) or to the bottom margin."""
    pieces = [p for p in text_pieces(page) if p[2] > FOOTER_BAND[1]]
    notes = [y for _, _, y, _, size, font in pieces
             if abs(size - NOTE_SIZE) < 1e-6 and "Oblique" in font]
    body = [y for _, _, y, _, size, font in pieces
            if not (abs(size - NOTE_SIZE) < 1e-6 and "Oblique" in font)]
    floor = max(notes) + NOTE_SIZE + 8.0 if notes else pages.MARGIN_BOTTOM
    bottom = min(body) if body else pages.PAGE_H - pages.MARGIN_TOP
    return max(0.0, bottom - floor) / pages.CONTENT_H


def check_fill(result) -> None:
    """No page more than a third blank unless it ends a section: the blank share measured on
    the PDF (:func:`blank_share`), checked against the engine's own record."""
    pdf = reader(result.pdf)
    fill = result.page_fill
    assert len(fill) == len(pdf.pages) == result.pages
    for f, page in zip(fill, pdf.pages, strict=True):
        blank = blank_share(page)
        assert blank <= f.blank + 0.03, (f, blank)  # the record does not hide blank space
        if not f.ends_section:
            assert blank <= 1 / 3 and f.blank <= 1 / 3, (result.pdf.name, f, blank)
    assert fill[-1].ends_section
    for k, page in enumerate(pdf.pages, start=1):  # no page holds its footer alone (the
        # quadratic report's last figure filled p. 11 to its foot and a zero-height flowable
        # after it began an empty p. 12)
        assert any(y > FOOTER_BAND[1] for _, _, y, *_ in text_pieces(page)), (result.pdf.name, k)
    texts = page_texts(result.pdf)
    chapters = [" ".join(m.title.split()) for m in pdf.outline if not isinstance(m, list)]
    for f, nxt in zip(fill[1:-1], texts[2:], strict=True):
        if f.ends_section:  # then the next page begins with a level-1 heading
            assert any(nxt.startswith(c) for c in chapters), (f, nxt[:80])


def test_pages_are_filled_unless_they_end_a_section(synthetic, four_reports, quick_study):
    """Every page of the engine test, of the four reports read for the issue (Himmelblau,
    the ellipse, the kink, chained Rosenbrock n = 5) and of the quick study."""
    for result in (synthetic[0], *(r for r, _ in four_reports.values()), quick_study):
        check_fill(result)


def test_every_text_lies_inside_the_text_area(synthetic, real_report):
    """Text (figure labels and legends included: they are text too) starts inside the text
    area and ends inside it; the footer lies in its band."""
    for result in (synthetic[0], real_report):
        pdf = reader(result.pdf)
        for k, page in enumerate(pdf.pages, start=1):
            for text, x, y, a, size, font in text_pieces(page):
                where = (result.pdf.name, k, text[:40], round(x, 1), round(y, 1))
                if text.strip() == str(len(pdf.pages)) and (x, y) == (0.0, 0.0):
                    continue  # n of the footer's "page k of n": a form, which pypdf
                    # reports at the form's own origin
                assert 0 <= x <= pages.PAGE_W and 0 <= y <= pages.PAGE_H, where
                if FOOTER_BAND[0] <= y <= FOOTER_BAND[1]:
                    continue  # the footer
                assert pages.MARGIN_X - 1.0 <= x <= pages.PAGE_W - pages.MARGIN_X, where
                assert pages.MARGIN_BOTTOM - 2.0 <= y <= pages.PAGE_H - pages.MARGIN_TOP, where
                if abs(a - size) < 1e-6 and text.strip(" ."):  # horizontal text, not
                    # the contents' dot leaders (drawn with character spacing): its right end
                    name = font.split("+")[-1].lstrip("/")
                    face = name if name in pages.register_fonts() else pages.FONT
                    right = x + pages.string_width(text.rstrip(), size, face)
                    assert right <= pages.PAGE_W - pages.MARGIN_X + 1.0, where


def test_failing_figure_is_recorded_not_fatal(tmp_path):
    b = report.Builder("Broken figure")
    b.doc.heading("Figures")

    def broken(fig):
        raise RuntimeError("deliberately broken figure")

    b.doc.figure(broken, height=200.0, caption="never drawn", label="broken", trial=False)
    res = b.write(tmp_path / "b.pdf")
    assert [(f.section, f.error) for f in res.failures] == [("figure broken", "FigureError")]
    assert "figure failed: RuntimeError: deliberately broken figure" in page_texts(res.pdf)[0]


def test_half_figures_share_a_row(synthetic):
    rows = [f for f in synthetic[1].figures()]
    assert [f.half for f in rows] == [False, True, True]
    texts = page_texts(synthetic[0].pdf)
    k = next(i for i, t in enumerate(texts) if "Left half." in t)
    assert "Right half." in texts[k]
    page = reader(synthetic[0].pdf).pages[k]
    caps = {t.strip(): (x, y) for t, x, y, *_ in text_pieces(page) if "half." in t}
    (xl, yl), (xr, yr) = caps["Left half."], caps["Right half."]
    assert abs(yl - yr) < 0.5 and xr - xl == pytest.approx(
        (pages.CONTENT_W + pages.FIGURE_GAP) / 2.0, abs=0.5)


def test_dense_scatter_keeps_every_marker():
    """svglib drops <use> elements past its limit for untrusted files (10 000); a figure of
    ours with more markers than that keeps them all."""
    import numpy as np
    from reportlab.graphics.shapes import Group

    from analysis.pages import figure_drawing

    n = 12_000
    pts = np.random.default_rng(0).normal(size=(n, 2))

    def draw(fig):
        ax = fig.subplots()
        ax.plot(pts[:, 0], pts[:, 1], ".", ms=1)

    drawing = figure_drawing(draw, 300.0, 200.0)
    leaves = 0
    stack = [drawing]
    while stack:
        node = stack.pop()
        kids = list(getattr(node, "contents", ()))
        if not kids and not isinstance(node, Group):
            leaves += 1
        stack.extend(kids)
    assert leaves >= n


def test_transparent_spans_stay_transparent():
    """matplotlib writes an axhspan's alpha as the element's opacity, which svglib ignores:
    the band came out opaque and hid the curves under it."""
    from analysis.pages import figure_drawing

    def draw(fig):
        ax = fig.subplots()
        ax.axhspan(0.0, 1.0, color="orange", alpha=0.2)
        ax.plot([0, 1], [0, 1])

    alphas = []
    stack = [figure_drawing(draw, 200.0, 100.0)]
    while stack:
        node = stack.pop()
        for attr in ("fillOpacity",):
            value = getattr(node, attr, None)
            if value is not None and value < 1:
                alphas.append(value)
        fill = getattr(node, "fillColor", None)
        if fill is not None and getattr(fill, "alpha", 1) < 1:
            alphas.append(fill.alpha)
        stack.extend(getattr(node, "contents", ()))
    assert alphas and min(alphas) == pytest.approx(0.2)


def test_inline_math_typesets_powers_products_and_minus():
    import sympy as sp

    from analysis.pages import inline_math
    x = sp.Symbol("x")
    assert inline_math(1 - sp.tanh(4) ** 2) == "1 − tanh(4)²"
    assert inline_math(2 * x ** 3) == "2·x³"
    assert inline_math(x ** sp.Rational(1, 3)) == "x^(1/3)"
    assert "**" not in inline_math(x ** -12) and inline_math(x ** -12) == "x⁻¹²"


#: Formulas whose printed text must read as a teacher writes them: (formula, parse options,
#: the function's text, the text of ∂f/∂(first variable)), in the parser's syntax.
TEACHER_ORDER = [
    ("sum(100*(x[i+1]-x[i]**2)**2 + (1-x[i])**2, i, 1, n-1)", {"dim": 3},
     "100*(x2 - x1**2)**2 + (1 - x1)**2 + 100*(x3 - x2**2)**2 + (1 - x2)**2",
     "-400*x1*(x2 - x1**2) + 2*x1 - 2"),
    ("100*(y - x**2)**2 + (1 - x)**2", {}, "100*(y - x**2)**2 + (1 - x)**2",
     "-400*x*(y - x**2) + 2*x - 2"),
    ("0.1*x1**2 + 2*x2**2", {}, "x1**2/10 + 2*x2**2", "x1/5"),
    ("2*y**2 + 0.1*x**2", {}, "x**2/10 + 2*y**2", "x/5"),
    ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", {}, "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
     "4*x*(x**2 + y - 11) + 2*x + 2*y**2 - 14"),
]


@pytest.mark.parametrize("formula, options, text, derivative", TEACHER_ORDER)
def test_formulas_print_their_terms_in_the_order_a_teacher_writes_them(
        formula, options, text, derivative):
    """Rosenbrock report pp. 1, 3 and the study printed SymPy's canonical order:
    (1 − x₁)² + 100(−x₁² + x₂)², ∂f/∂x₁ = −2 + 2x₁ − 400x₁(−x₁² + x₂), 2x₂² + x₁²/10:
    now a difference reads b − a, x₁ terms come before x₂ terms, higher degree first."""
    import sympy as sp

    from landscape.parse import parse

    parsed = parse(formula, **options)
    first = parsed.variables[0]
    assert pages.plain_math(parsed.expr) == text
    assert pages.plain_math(sp.diff(parsed.expr, first)) == derivative
    # the typeset formula has the same order: its signed terms, read back as text
    for expr, want in ((parsed.expr, text), (sp.diff(parsed.expr, first), derivative)):
        terms = [pages.plain_math(t) for t in pages.ordered_terms(expr)]
        signed = " ".join(t if i == 0 or t.startswith("-") else f"+ {t}"
                          for i, t in enumerate(terms))
        assert signed.replace("+ -", "- ").replace(" -", " - ").replace("  ", " ") == want
        latex = pages.math_latex(expr)
        assert latex == " ".join(pages._signed_terms(expr))


def test_teacher_order_latex_of_rosenbrock_and_the_quadratic():
    import sympy as sp

    x, y = sp.symbols("x y", real=True)
    assert pages.math_latex(100 * (y - x**2)**2 + (1 - x)**2) == (
        r"100 \left(y - x^{2}\right)^{2} + \left(1 - x\right)^{2}")
    assert pages.math_latex(sp.Rational(1, 10) * x**2 + 2 * y**2) == r"\frac{x^{2}}{10} + 2 y^{2}"
    assert pages.math_latex(-400 * x * (y - x**2) + 2 * x - 2) == (
        r"- 400 x \left(y - x^{2}\right) + 2 x - 2")
    # a longer sum keeps descending powers even when it opens with a minus
    assert pages.plain_math(-x**2 + 2 * x + 3) == "-x**2 + 2*x + 3"
    assert pages.plain_math(1 - 2 * x) == "1 - 2*x"
    assert pages.inline_math(y - x**2) == "y − x²"


def _formula_corpus() -> list[tuple[str, tuple[str, ...] | None]]:
    """The formulas of the MGH collection (but the five longest, which take seconds to
    differentiate) and of the verdict corpus."""
    import mgh
    import test_verdict_corpus as verdicts

    out = [(p.formula, p.variables) for p in mgh.problems() if len(p.formula) <= 1000]
    out += [(f, None) for f in dict.fromkeys(c.formula for c in verdicts.CASES)]
    return out


def test_printed_formulas_parse_back_to_the_same_expression():
    """Reordering never changes a value: the printed text of every corpus formula and of its
    gradient, read back by the formula parser, is the same expression; the typeset terms
    are the sum's own terms."""
    import sympy as sp

    from landscape.parse import parse

    corpus = _formula_corpus()
    assert len(corpus) > 45
    names = {"Abs": "abs", "Max": "max", "Min": "min"}
    checked = 0
    for formula, variables in corpus:
        parsed = parse(formula, variables=variables)
        names_of = [str(v) for v in parsed.variables]
        exprs = [parsed.expr] + [sp.diff(parsed.expr, v) for v in parsed.variables]
        for expr in exprs:
            if expr.has(sp.Heaviside, sp.DiracDelta, sp.Piecewise, sp.Subs, sp.Derivative):
                continue
            text = re.sub(r"\b(Abs|Max|Min)\(", lambda m: names[m.group(1)] + "(",
                          pages.plain_math(expr))
            text = re.sub(r"\bE\b", "e", text)  # SymPy's name of Euler's number
            back = parse(text, variables=names_of).expr
            assert back == expr or sp.simplify(back - expr) == 0, (formula, text)
            if isinstance(expr, sp.Add):
                assert sorted(map(sp.srepr, pages.ordered_terms(expr))) == sorted(
                    map(sp.srepr, expr.args))
            checked += 1
    assert checked > 120


def test_absolute_values_are_typeset_with_bars_of_full_height():
    """Kink report p. 1: |x| was typeset as SymPy's \\left|{x}\\right|, which mathtext
    sizes to the x and draws with bars of half its height."""
    import sympy as sp

    x, y = sp.symbols("x y")
    (line,) = pages.typeset("f(x, y)", sp.Abs(x) + sp.Max(0, y - 1) + y ** 2 / 2)
    assert r"\left|" not in line.text and " |x| " in line.text
    bar = pages._math_extent10("$|$")  # (width, height, descent) of the plain bar
    (alone,) = pages.typeset("g", sp.Abs(x))
    assert pages._math_extent10(alone.text)[1:] == pytest.approx(bar[1:])
    assert pages.math_latex(sp.Abs(x - 1) ** 2) == "|x - 1|^{2}"
    # content taller than a line keeps bars sized to it
    assert pages.math_latex(sp.Abs(x / y)).startswith(r"\left|")


def test_a_section_reference_prints_the_number_its_heading_gets():
    """Study p. 35: a section named by its subject ("the section on ill-conditioning") is
    named by its number, set when the headings are numbered."""
    d = pages.Document("t")
    d.heading("Summary")
    d.heading("Ill-conditioning: an ellipse")
    d.paragraph(f"as in §{pages.section_ref('Ill-conditioning')} and §{pages.section_ref('No')}")
    d.number_headings()
    flow = pages._paragraph(d.blocks[-1], d)
    assert "as in §2 and §?" in flow.text


def test_a_factor_before_a_function_name_is_set_apart():
    """Study p. 18: f(x) = x cos(3πx/20) was typeset "xcos(3πx/20)": mathtext, unlike LaTeX,
    sets no space between a factor and a function name; a sum's terms are left alone."""
    import sympy as sp

    x, y = sp.symbols("x y")
    assert pages.math_latex(x * sp.cos(3 * sp.pi * x / 20)).startswith(r"x\,\cos{")
    assert pages.math_latex(sp.exp(y) * sp.log(x)) == r"e^{y}\,\log{\left(x \right)}"
    assert pages.math_latex(x + sp.cos(x)) == r"x + \cos{\left(x \right)}"
    (line,) = pages.typeset("f(x)", x * sp.cos(3 * sp.pi * x / 20))
    bare = pages._math_extent10(r"$f(x) = x\cos{\left(\frac{3 \pi x}{20} \right)}$")[0]
    assert pages._math_extent10(line.text)[0] > bare


def test_a_split_table_points_to_its_key_from_every_page_before_its_end(tmp_path):
    """Study p. 2: the summary table's 'decided by' column began there, but its key was
    printed only where the table ends, on p. 7, and nothing on pp. 2–6 said where."""
    key = "Decided by: the test each verdict rests on.  " + "More words of the key. " * 12
    assert len(key) >= pages.LONG_NOTE
    b = report.Builder("Key")
    b.doc.contents()  # two passes: the first finds where the key is printed
    b.doc.heading("A long table")
    b.doc.table(["#", "decided by"], [[f"row {i}", "a test ≤ 1"] for i in range(150)],
                title="Long", notes=[key])
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "k.pdf").pdf)]
    full = [i + 1 for i, t in enumerate(texts) if "More words of the key" in t]
    assert len(full) == 1 and full[0] == len(texts) and len(texts) >= 3, texts
    for t in texts[:-1]:
        if "row " in t:
            assert f"Decided by: see the full note on p. {full[0]}." in t, t[-300:]


def test_a_note_with_some_of_a_full_notes_sentences_points_to_the_full_note(tmp_path):
    """Study pp. 10, 19, 46, 47: 'Decided by: see the full note on p. 11', where p. 11 held
    only two of the tests of the note printed in full on p. 10 (a table whose tests are
    fewer), and p. 10 itself ended with 'See also the full note on p. 11': a note whose
    sentences another note holds points to that note's page, and the page printing it points
    nowhere for it."""
    tests = [f"Test {c}{c}{c} measures the {w} with care, against its own threshold, "
             "as the comparison that decided the verdict recorded it."
             for c, w in zip("ABCDEF", ("rate", "order", "number", "bound", "count", "kind"),
                             strict=True)]
    full = "Decided by: the test the verdict rests on.  " + "  ".join(tests)
    part = "Decided by: the test the verdict rests on.  " + "  ".join(tests[2:4])
    assert len(part) >= pages.LONG_NOTE and pages.note_sentences(part) < \
        pages.note_sentences(full)
    assert pages.full_note_page(part, {full: 3, part: 4}) == 3
    assert pages.full_note_page(full, {part: 2}) is None
    b = report.Builder("Subset")
    b.doc.contents()  # two passes: the first finds where each note is printed
    b.doc.heading("Tests")
    b.doc.table(["#", "decided by"], [["all", "Test AAA"]], title="Every test", notes=[full])
    # a table of fewer tests that begins below the first and ends on a later page
    b.doc.table(["#", "decided by"], [[f"row {i}", "Test CCC"] for i in range(80)],
                title="Fewer tests", notes=[part])
    b.doc.page_break()
    b.doc.table(["#", "decided by"], [["one", "Test DDD"]], title="Fewer again", notes=[part])
    texts = page_texts(b.write(tmp_path / "s.pdf").pdf)
    first = next(i for i, t in enumerate(texts) if "Every test" in t) + 1
    assert [i + 1 for i, t in enumerate(texts) if tests[0] in t] == [first], texts
    for i, t in enumerate(texts, 1):
        pointers = re.findall(r"full note on p\. (\d+)", t)
        assert set(pointers) <= ({str(first)} if i != first else set()), (i, t[-400:])
        if i != first and "Test " in t and tests[2] not in t:
            assert f"Decided by: see the full note on p. {first}." in t, (i, t[-400:])
    assert sum("Fewer" in t for t in texts[first:]) >= 1  # later pages hold the fewer tests


def test_a_shortened_note_keeps_its_first_clause_whole_and_ends_with_its_page():
    """Study p. 44: the repeated ∼ note read "∼ rounding reaches the ratio's printed digits,
    so it is printed only down to the first …: see the full note on p. 19", its first clause
    cut at 88 characters.  Every long note of the reports, referred to from a later page, is
    its first clause whole (the note's text up to its first '. ', '; ' or ': ') and the
    page, with no ellipsis."""
    notes = [v for k, v in vars(report).items()
             if k.endswith("_NOTE") and isinstance(v, str) and len(v) >= pages.LONG_NOTE]
    assert report.ROUNDED_NOTE in notes and len(notes) >= 5
    for n in notes:
        ref = pages.note_reference(n, 19)
        first = re.split(r"\.\s|;\s|:\s", n, maxsplit=1)[0].rstrip(" .")
        assert ref == f"{first}: see the full note on p. 19.", ref
        assert "…" not in ref and n.startswith(first) and len(first) < len(n)
    long_clause = "∼ " + "word " * 30 + "end: the rest.  " + "More. " * 50
    assert pages.note_reference(long_clause, 3) == (
        "∼ " + "word " * 30 + "end: see the full note on p. 3.")


def test_the_rounded_ratio_note_defines_the_symbols_it_uses():
    """Study p. 19: the ∼ note ended "a ratio e_(k+h)/e_k the sum of its two errors'
    (e_(k+1)/e_k^q: q times e_k's)" under a table of GD (order 1, ratios e_(k+1)/e_k only),
    h and q defined nowhere.  Every symbol of the note's formulas other than the error e_k,
    x*, ε and its step index k is defined in the note's words ("order q"); its first
    sentence, the pointer's text on later pages, is a whole sentence."""
    note = report.ROUNDED_NOTE
    assert "e_(k+h)" not in note and "e_k's" not in note
    for symbol in re.findall(r"\^(\w)", note):
        assert re.search(rf"\b(order|step|steps) {symbol}\b", note), symbol
    first = note.split(".  ")[0]
    assert pages.note_reference(note, 19) == f"{first}: see the full note on p. 19."
    assert first.startswith(report.ROUNDED_MARK + " ") and "rounding" in first


def test_a_note_headed_by_a_row_points_only_from_the_pages_holding_that_row():
    """Rosenbrock p. 6: 'BFGS: see the full note on p. 7.' at the foot of a page whose part
    of the table has no BFGS row (it is on p. 7): a note named after a row points to its full
    text only from a page holding that row; a column's key still points from every page."""
    key = "Decided by: the test each verdict rests on.  " + "More words of the key. " * 12
    row_note = "BFGS: the rows of BFGS explained.  " + "More words of the row note. " * 12
    rows = [["GD", "a"], ["momentum", "b"], ["BFGS", "c"]]
    t = pages.Table([pages.Column("method"), pages.Column("x")], rows, notes=[key, row_note])
    printed = {key: 7, row_note: 7}
    first = pages.ending_pointers(t, printed, 6, rows[:2])
    assert first == [pages.note_reference(key, 7)]
    assert pages.ending_pointers(t, printed, 6, rows[1:]) == [
        pages.note_reference(key, 7), pages.note_reference(row_note, 7)]
    assert pages.note_reference(row_note, 7) == "BFGS: see the full note on p. 7."


def test_a_part_of_a_table_points_to_its_long_unheaded_notes_too():
    """Quadratic p. 4: the first part of the theory table printed ρ and rates, and pointed
    only to the agreement rule on p. 5 ("Agreement: see the full note on p. 5."), not to the
    note on p. 5 that says what a rate is ("Rate = factor by which ‖xₖ − x*‖ shrinks …"),
    which has no head.  Every long note of the table is pointed to; a short one is printed
    in full where the table ends, and a mark's note under every part that uses the mark."""
    rate = ("Rate = factor by which the error shrinks per iteration (asymptotically); order "
            "= q.  " + "More words of the definition. " * 10)
    key = "Agreement: the test each verdict rests on.  " + "More words of the rule. " * 12
    short = "Every k is an iteration of the run."
    assert min(len(rate), len(key)) >= pages.LONG_NOTE > len(short)
    rows = [["GD", "a"], ["momentum", "b"]]
    t = pages.Table([pages.Column("method"), pages.Column("x")], rows,
                    notes=[rate, short, key])
    assert pages.ending_pointers(t, {rate: 5, key: 5}, 4, rows[:1]) == [
        pages.note_reference(rate, 5), pages.note_reference(key, 5)]
    assert pages.note_reference(rate, 5) == (
        "Rate = factor by which the error shrinks per iteration (asymptotically): see the "
        "full note on p. 5.")
    # not on the page that prints it, nor before it is printed
    assert pages.ending_pointers(t, {rate: 5, key: 5}, 5, rows[:1]) == []
    assert pages.ending_pointers(t, {}, 4, rows[:1]) == []


def test_long_note_once_per_document_and_legend_lists_the_markers_used(tmp_path):
    """A long note is printed in full on the first page that has it and referred to on later
    pages; each page's legend lists exactly the markers its tables use."""
    long_note = "LONG-NOTE explains the table.  " + "More words of explanation. " * 12
    assert len(long_note) >= pages.LONG_NOTE
    b = report.Builder("Notes")
    for k in range(3):
        if k:
            b.doc.page_break()
        cells = [["a", "0.5ᵐ"]] if k < 2 else [["a", "0.5ᵗ"], ["b", "(1, 2)ᶠ"]]
        b.doc.table(["x", "value"], cells, title=f"Table {k}",
                    notes=[pages.legend_text(["theory", "fit"]), long_note])
        if k == 1:  # a table without a legend still gets its markers explained
            b.doc.table(["x", "value"], [["c", "0.7ᵉ"]], title="Table 1b")
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "n.pdf").pdf)]
    assert len(texts) == 3
    assert "More words of explanation" in texts[0]
    for t in texts[1:]:
        assert "More words" not in t
        assert "LONG-NOTE explains the table: see the full note on p. 1" in t
    for t, used in zip(texts, ("ᵐ", "ᵉᵐ", "ᵗᶠ"), strict=True):
        legend = {m for m, what in pages.HOW.values() if f"{m} {what[:12]}" in t}
        assert legend == set(used), (legend, t[-300:])
    # the entries are parted, not run together (Himmelblau p. 8: "ᵐ measured in an
    # optimizer run ʸ yardstick: …", a run of spaces set as one)
    fit, theory = (" ".join(pages.HOW[k]) for k in ("fit", "theory"))
    assert f"{fit}; {theory}" in texts[2], texts[2][-300:]


def test_every_page_of_a_split_table_explains_its_marks(tmp_path):
    """The study's summary and Rosenbrock-5's per-step tables printed the marker legend only
    on the page where the table ended, leaving marks unexplained on the pages before."""
    b = report.Builder("Split")
    rows = [[f"row {i}", f"{i}.5ᵐ", f"{i}ᵗ" if i >= 135 else "—"] for i in range(150)]
    b.doc.table(["x", "measured", "theory"], rows, title="Long table",
                notes=[pages.legend_text(["measured", "theory"]), "A plain note."])
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "s.pdf").pdf)]
    assert len(texts) >= 3
    for t in texts:
        legend = {m for m, what in pages.HOW.values() if f"{m} {what[:12]}" in t}
        marks = {m for m in ("ᵐ", "ᵗ") if re.search(rf"\d{m}", t)}
        assert marks and legend == marks, (legend, marks, t[-200:])
        assert t.count(f"ᵐ {pages.HOW['measured'][1][:12]}") == 1
    assert "A plain note." in texts[-1] and "A plain note." not in texts[0]


def test_a_mark_is_explained_at_the_foot_of_every_page_that_shows_it(tmp_path):
    """Study p. 20 showed a per-step table's first rows marked † (outside the fit window) and
    printed the † note only on p. 21, where the table ended and no † appeared."""
    b = report.Builder("Marks")
    rows = [[f"{i}" + ("†" if i < 3 or 60 <= i < 63 else ""), f"{i}.5",
             f"0.{i}" + ("*" if i == 149 else "")] for i in range(150)]
    dagger, star = "† step outside the fit window.", "* a stall inside the window."
    b.doc.table(["k", "error", "ratio"], rows, title="Per-step table",
                notes=[dagger, star, "A plain note."])
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "m.pdf").pdf)]
    assert len(texts) >= 3
    for t in texts:
        cells = t.replace(dagger, "").replace(star, "")
        assert (dagger in t) == ("†" in cells), t[-300:]
        assert (star in t) == ("*" in cells), t[-300:]
    dagger_pages = [i for i, t in enumerate(texts) if dagger in t]
    assert dagger_pages and dagger_pages[0] == 0 and len(texts) - 1 not in dagger_pages
    assert star in texts[-1] and "A plain note." in texts[-1]
    assert "A plain note." not in texts[0]


def test_a_split_leaves_room_for_the_notes_of_the_rows_that_end_up_above_it(tmp_path):
    """A split sized for the legend of every marker, then for the notes of fewer rows (no
    markers, no marks: a smaller reserve), let more rows onto the page than those notes
    allowed for: a row past the first guess brought a long mark note the page had no room
    for, and the build stopped with a splitting error."""
    note = "‡ ratio above the bound: " + "a long explanation of the mark. " * 12
    for j in range(48, 66):  # a marked row at every place around the first page's foot
        b = report.Builder("Room")
        rows = [[f"row {i}", f"{i}.5" + ("ᵐ‡" if i == j else ""), f"{i}ᵗ" if i > 140 else "—"]
                for i in range(150)]
        b.doc.table(["x", "measured", "theory"], rows, title="Marks late",
                    notes=[pages.legend_text(["measured", "theory"]), note])
        texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / f"r{j}.pdf").pdf)]
        for t in texts:
            assert ("‡ ratio above the bound" in t) == bool(re.search(r"\.5ᵐ‡", t)), (j, t[-300:])


def test_a_column_empty_on_a_page_is_not_printed(tmp_path):
    """Study p. 12/16 printed a convergence table whose 'reason' column was empty in every
    row, p. 34 the continued part of a checks table whose 'note' column was empty there."""
    b = report.Builder("Empty")
    b.doc.table(["method", "rate", "reason"], [["gd", "0.6", ""], ["newton", "—", " "]],
                title="Whole")
    assert [c.header for c in b.doc.blocks[-1].columns] == ["method", "rate"]
    rows = [[f"row {i}", f"{i}.5", f"note {i}" if i < 40 else ""] for i in range(150)]
    b.doc.table(["what", "value", "note"], rows, title="Split")
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "e.pdf").pdf)]
    heads = [t for t in texts if "row 149" in t or "row 0 " in t]
    assert "what value note" in heads[0]
    last = next(t for t in texts if "row 149" in t)
    assert "Split (continued)" in last and "what value" in last and "note" not in last


def test_numbers_on_a_page_carry_the_minus_sign(tmp_path):
    """The reports printed "(-0.1263, -0.1866)" and "f″ = -1.035" with a hyphen-minus."""
    b = report.Builder("Minus")
    b.doc.paragraph(f"The point {report.fmt_point((-0.1263, -0.1866))}, f″ = "
                    f"{report.fmt_num(-1.035)}, relu(y-1).")
    b.doc.table(["x", "value"], [["a", report.fmt_num(-3e-9)]], title="Signs")
    (t,) = page_texts(b.write(tmp_path / "m.pdf").pdf)
    assert "(−0.1263, −0.1866)" in t and "f″ = −1.035" in t and "−3e−09" in t
    assert "relu(y-1)" in t and not re.search(r"(?<![\w.)\]])-\d", t)


def test_used_hows_ignores_exponents_in_text():
    assert pages.used_hows(["Σ βᵗ g", "0.3ᵐ", "(1, 2)ᵉ", "—"]) == ["exact", "measured"]


# ------------------------------------------------------------------ figure floats


def _three_panels(fig):
    """Three stacked panels: the figure cannot shrink much (each panel keeps MIN_PANEL)."""
    for k, ax in enumerate(fig.subplots(3, 1)):
        ax.plot([0, 1, 2], [k, 2 - k, 1])
        ax.set_ylabel(f"panel {k}")


def _float_document(tmp_path, after: list[str], figures: int = 1):
    """Text leaving about 300 pt of the first page, then ``figures`` 500-pt figures that do
    not fit there, then the paragraphs ``after``; returns (result, page texts)."""
    b = report.Builder("Floats")
    b.doc.heading("Floats")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.paragraph("BEFORE-IT: a paragraph of plain text.")  # not a lead-in
    for k in range(figures):
        b.doc.figure(_three_panels, height=500.0, caption=f"CAPTION-{k} of a tall figure.")
    for text in after:
        b.doc.paragraph(text)
    res = b.write(tmp_path / "floats.pdf")
    return res, page_texts(res.pdf), b.doc


def test_a_figure_that_does_not_fit_floats_to_the_next_page_and_text_fills_this_one(tmp_path):
    after = [f"AFTER-{k}: " + "text that fills the rest of the page " * 8 for k in range(12)]
    res, texts, doc = _float_document(tmp_path, after)
    # the figure cannot shrink to the rest of page 1 (its panels would fall below MIN_PANEL)
    assert "AFTER-0" in texts[0] and "CAPTION-0" in texts[1]
    assert texts[1].index("CAPTION-0") < texts[1].index(after[-1].split(":")[0])
    assert res.page_fill[0].blank <= 1 / 3, res.page_fill
    check_fill(res)
    assert doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]


def test_floating_figures_keep_their_order_and_never_pass_a_back_reference(tmp_path):
    after = ["AFTER-0: " + "text that fills the page " * 10,
             "BACK-REF: as the figure above shows, " + "words " * 30,
             "AFTER-2: " + "more words " * 20]
    res, texts, _ = _float_document(tmp_path, after, figures=2)
    joined = " ".join(texts)
    order = [joined.index(k) for k in ("BEFORE", "AFTER-0", "CAPTION-0", "CAPTION-1",
                                       "BACK-REF", "AFTER-2")]
    assert order == sorted(order)  # AFTER-0 filled page 1; the figures wait for BACK-REF
    assert "AFTER-0" in texts[0] and "CAPTION-0" not in texts[0]


def test_a_bound_from_above_is_no_back_reference(tmp_path):
    """Study p. 36: the Rosenbrock paths figure did not float past the text of the batch of
    starts, which says a cost "bounds the cost of first reaching it from above", and left
    40% of the page blank."""
    after = ["AFTER-0: the cost of a start bounds the cost of reaching it from above; "
             + "text that fills the page " * 10, "AFTER-1: " + "more words " * 20]
    res, texts, doc = _float_document(tmp_path, after)
    assert "AFTER-0" in texts[0] and "CAPTION-0" in texts[1]
    assert doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]
    assert pages._BACK_REFERENCE.search("as the figure above shows")


def test_a_value_above_another_is_no_back_reference(tmp_path):
    """Study p. 18: the basin maps of x·cos(cx) did not float past the theory table, whose
    note on fit windows says a window "ends at the last error above the floor", and left 59%
    of the page blank.  "Above" before what a value lies above compares; it points back only
    where nothing it is above follows ("the figure above shows")."""
    after = ["AFTER-0: a fit window ends at the last error above the floor, a rate above ρ, "
             "a ratio above 10; " + "text that fills the page " * 10,
             "AFTER-1: " + "more words " * 20]
    res, texts, doc = _float_document(tmp_path, after)
    assert "AFTER-0" in texts[0] and "CAPTION-0" in texts[1]
    assert doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]
    for back in ("as the figure above shows", "the table above (its value)", "see above.",
                 "the statistics above are taken over the runs"):
        assert pages._BACK_REFERENCE.search(back), back


def test_a_paragraph_naming_a_figure_s_page_is_no_lead_in():
    """Study p. 28: §13.1's paragraph names "the figure titled ‘‖xₖ‖ with η = 0.6’", and was
    kept with that figure as its lead-in, under the heading: neither could float, and 37% of
    the page stayed blank.  With the figure's page named it points at it."""
    fig = pages.FigureBlock(lambda f: None, 100.0, "c", "beta 0.25")
    assert pages.lead_in("the runs of the figure titled ‘x’", fig)
    assert not pages.lead_in(f"the runs of the figure titled ‘x’, p. {pages.page_ref('b')}", fig)
    assert pages.lead_in(f"as the figure below shows (p. {pages.page_ref('b')})", fig)


def test_a_figure_floats_no_further_than_its_section(tmp_path):
    b = report.Builder("Floats")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION-0 of a tall figure.")
    b.doc.paragraph("AFTER-0: a short paragraph.")
    b.doc.heading("Second")
    b.doc.paragraph("SECOND-TEXT: " + "words " * 40)
    res = b.write(tmp_path / "section.pdf")
    joined = " ".join(page_texts(res.pdf))
    assert joined.index("AFTER-0") < joined.index("CAPTION-0") < joined.index("SECOND-TEXT")


def test_a_waiting_figure_goes_after_the_rest_of_a_split_paragraph(tmp_path):
    """A paragraph split across the page is read to its end before a waiting figure (the
    study's noise ball floated into the middle of a paragraph ending "…Thm 2.2):")."""
    long = "SPLIT-PARAGRAPH: " + "a long paragraph that runs over the page " * 60 + "END-OF-IT."
    res, texts, doc = _float_document(tmp_path, [long, "AFTER-1: the end."])
    assert doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]
    assert "SPLIT-PARAGRAPH" in texts[0] and "CAPTION-0" in texts[1]
    assert texts[1].index("END-OF-IT") < texts[1].index("CAPTION-0") < texts[1].index("AFTER-1")


def test_text_ending_with_a_colon_stays_with_what_it_introduces(tmp_path):
    """Keep-with-next: "…as follows:" at the foot of a page goes to the next page with what
    it introduces, and a waiting figure never comes between them."""
    b = report.Builder("Colon")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 60.0))
    b.doc.paragraph("INTRO: the points are:")
    b.doc.table(["a", "b"], [[f"row {k}", "x"] for k in range(6)], title="INTRODUCED")
    res = b.write(tmp_path / "colon.pdf")
    texts = page_texts(res.pdf)
    assert any("INTRO:" in t and "INTRODUCED" in t for t in texts), texts
    after = [f"AFTER-{k}: " + "text that fills the rest of the page " * 8 for k in range(4)]
    after += ["INTRO: the points are:", "INTRODUCED: the first of them."]
    after += [f"MORE-{k}: " + "text " * 80 for k in range(6)]
    _, texts, _ = _float_document(tmp_path, after)
    joined = " ".join(texts)
    i, j = joined.index("INTRO:"), joined.index("INTRODUCED")
    assert "CAPTION-0" not in joined[i:j]


def test_a_lead_in_without_a_colon_stays_with_the_table_it_announces(tmp_path):
    """The quadratic report's "Per run, the errors … as in Nocedal & Wright's tables …"
    sat at the foot of a page, its (short, unsplittable) tables on the next one."""
    b = report.Builder("Lead-in")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 150.0))
    b.doc.paragraph("LEAD-IN: per run, the errors at a few iterations, as in the tables of "
                    "a textbook; the last row is the theory's limit.")
    b.doc.table(["k", "e_k"], [[f"{k}", f"{0.5 ** k:g}"] for k in range(9)],
                title="TABLE-TITLE")
    b.doc.paragraph("PLAIN: a paragraph that announces nothing.")
    b.doc.table(["a", "b"], [[f"row {k}", "x"] for k in range(2)], title="OTHER-TABLE")
    res = b.write(tmp_path / "lead.pdf")
    texts = page_texts(res.pdf)
    (page,) = [t for t in texts if "LEAD-IN" in t]
    assert "TABLE-TITLE" in page, texts
    assert pages.lead_in("The figure below shows it.", pages.FigureBlock(None, 1.0))
    assert pages.lead_in("as follows:", pages.Paragraph("x"))
    assert not pages.lead_in("PLAIN: a paragraph that announces nothing.",
                             pages.Table([], [], None, [], 7.0))
    assert not pages.lead_in("The tables below.", pages.Paragraph("x"))


def test_below_as_a_preposition_announces_nothing(tmp_path):
    """Study p. 35: "not at the first iterate below the target" made the batch description a
    lead-in of the ECDF figure; the two floated to the next page and the cost table, which
    uses the target that paragraph defines, came first.  "below" counts as a forward
    reference as an adverb only, and a paragraph that announces nothing keeps its place."""
    fig = pages.FigureBlock(None, 1.0)
    for text in ("A run stops at its iteration limit, not at the first iterate below the "
                 "target.", "Its value falls below 1e−6.", "GD follows the curved valley.",
                 "Following the valley, GD crawls."):
        assert not pages.lead_in(text, fig), text
    for text in ("The batch of starts below runs six methods.", "The errors are shown below.",
                 "The runs listed below, each with its step.", "The following runs.",
                 "The errors, as follows."):
        assert pages.lead_in(text, fig), text

    def draw(f):
        f.add_subplot(111).plot([0, 1], [0, 1])

    b = report.Builder("Order")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 260.0))
    b.doc.paragraph("DEFINES: a start reaches the target when its value is at most 1e−6; a "
                    "run stops at its iteration limit, not at the first iterate below the "
                    "target.")
    b.doc.figure(draw, height=300.0, caption="A figure too tall for the rest of the page.",
                 label="ecdf", trial=False)
    b.doc.table(["method", "cost"], [["gd", "3"], ["bfgs", "1"]], title="USES-TARGET")
    text = " ".join(page_texts(b.write(tmp_path / "order.pdf").pdf))
    assert text.index("DEFINES") < text.index("USES-TARGET"), text


def test_a_lead_in_floats_with_its_figure_and_text_fills_the_page(tmp_path):
    """A paragraph announcing a figure that must wait for the next page goes with it; the
    text after them fills this page."""
    b = report.Builder("Lead-in figure")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.paragraph("FIG-LEAD: the figure below shows three panels.")
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION-0 of a tall figure.")
    for k in range(6):
        b.doc.paragraph(f"AFTER-{k}: " + "text that fills the rest of the page " * 8)
    res = b.write(tmp_path / "leadfig.pdf")
    texts = page_texts(res.pdf)
    (page,) = [t for t in texts if "CAPTION-0" in t]
    assert "FIG-LEAD" in page and page.index("FIG-LEAD") < page.index("CAPTION-0")
    assert "AFTER-0" in texts[0] and res.page_fill[0].blank <= 1 / 3, res.page_fill
    assert b.doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]


def _rules(page) -> list[float]:
    """Heights of the footnote rules drawn on ``page`` (80-pt lines from the left margin)."""
    data = page.get_contents().get_data().decode("latin-1")
    num = r"(-?[\d.]+)"
    out = []
    for x0, y0, x1, _y1 in re.findall(rf"{num} {num} m\s+{num} {num} l\s+S", data):
        if abs(float(x0) - pages.MARGIN_X) < 0.01 and abs(float(x1) - float(x0) - 80.0) < 0.01:
            out.append(float(y0))
    return out


def test_a_caption_at_the_page_foot_keeps_clear_of_the_footnote_rule(tmp_path):
    """The quadratic report's ECDF caption sat on the footnote rule: a figure shrunk to fill
    the rest of a page that has footnotes ends a clear gap above the rule."""
    b = report.Builder("Rule")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 420.0))
    b.doc.table(["a", "b"], [[f"row {k}", f"{k}.5ᵐ"] for k in range(3)], title="NOTED",
                notes=["NOTE-X: a footnote of the table."])

    def one_panel(fig):
        fig.add_subplot().plot([0, 1], [1, 0])

    b.doc.figure(one_panel, height=420.0, caption="CAPTION-X at the foot of the page.")
    res = b.write(tmp_path / "rule.pdf")
    page = reader(res.pdf).pages[0]
    (rule,) = _rules(page)
    (cap,) = [y for t, x, y, a, size, f in text_pieces(page) if "CAPTION-X" in t]
    descent = 0.24 * pages.SMALL
    assert cap - descent - rule >= 6.0, (cap, rule)
    notes = [y for t, x, y, a, size, f in text_pieces(page) if "NOTE-X" in t]
    assert notes and all(y < rule for y in notes)


def test_a_heading_and_its_intro_stay_with_the_start_of_their_table(tmp_path):
    """The ellipse report's §5 heading and its intro sat at the foot of a page, their table
    on the next one."""
    b = report.Builder("Keep")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 90.0))
    b.doc.heading("TABLE-HEADING")
    b.doc.paragraph("TABLE-INTRO: " + "words that introduce the table " * 5)
    b.doc.table(["a", "b"], [[f"row {k}", "x"] for k in range(8)], title="TABLE-TITLE")
    res = b.write(tmp_path / "keep.pdf")
    texts = page_texts(res.pdf)
    (page,) = [t for t in texts if "TABLE-HEADING" in t]
    assert "TABLE-INTRO" in page and "TABLE-TITLE" in page and "row 0" in page


def _note_pattern(note: str, names: set[str]) -> str:
    """A footnote with what may differ between methods' copies of one sentence blanked out:
    method names, numbers and parenthesised labels."""
    text = re.sub(r"\([^()]{0,40}\)", "()", note)
    text = re.sub(r"\d+(?:[.,]\d+)*(?:e[-+]?\d+)?", "#", text)
    words = [("M" if w.strip(".,;:") in names else w) for w in text.split()]
    return " ".join(words)[:120]


def test_no_page_repeats_a_footnote_that_differs_only_in_method_or_numbers(four_reports):
    """A note is one general sentence given once per page; what differs per method (the fit
    window, the steps) belongs in its table (the old per-step tables carried up to five †
    notes on one page that differed only in the method's name and its window).  A long
    cell set under its table ("[2] note: the run ended 1.10 from P3, …") is a row's own
    text, not a general sentence: two rows may say alike."""
    from optimizers import registry

    names = set(registry.METHODS)
    for name, (_, doc) in four_reports.items():
        assert doc.page_notes, name
        for page, notes in doc.page_notes.items():
            seen: dict[str, str] = {}
            for n in notes:
                if re.match(r"\[\d+\] ", n):
                    continue
                key = _note_pattern(n, names)
                assert key not in seen, (name, page, seen.get(key), n)
                seen[key] = n


def test_widths_are_measured_as_printed():
    """With "−" wider than "-", the marker of "9.79687e-15ᵐ" wrapped onto a second line: the
    columns are measured with the minus sign the page prints."""
    assert pages.string_width("9.79687e-15ᵐ", 8.0) == pages.string_width("9.79687e−15ᵐ", 8.0)
    assert pages.string_width("−", 8.0) > pages.string_width("-", 8.0)


def _strings(node) -> list[str]:
    """Every string drawn in a ReportLab Drawing."""
    from reportlab.graphics.shapes import String

    out = []
    for child in getattr(node, "contents", ()):
        out += [child.text] if isinstance(child, String) else _strings(child)
    return out


def test_text_in_figures_carries_the_minus_sign():
    """Page text prints "−" (U+2212); titles, legends, annotations and tick labels built
    from f-strings inside figures printed the hyphen-minus "-"."""
    from matplotlib.ticker import FuncFormatter

    def draw(fig):
        ax = fig.add_subplot()
        ax.plot([-3.0, 3.0], [-2.0, 2.0], label=f"slope {-0.5:g}")
        ax.set_title(f"η from {-1e-6:g} to 2")
        ax.annotate(f"x = {-2.25:g}", (0.0, 0.0))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_ylabel("relu(y-1)")
        ax.text(0.5, 0.5, "$10^{-3}$", transform=ax.transAxes)  # mathtext: left alone
        ax.legend()

    texts = " ".join(_strings(pages.figure_drawing(draw, 300.0, 200.0)))
    for want in ("slope −0.5", "η from −1e−06 to 2", "x = −2.25", "−2"):
        assert want in texts, (want, texts)
    assert not re.search(r"(?<![\w.)\]])-\d", texts), texts
    assert "relu(y-1)" in texts  # a subtraction keeps its hyphen


def test_markers_in_a_figure_caption_are_in_the_page_legend(tmp_path):
    """Study p. 19: a caption gave 'gd η = 0.4 0.943ᵐ' while the page's footnote legend
    listed only ᵉ and ᶠ (those of its table): a caption's markers are explained too."""
    b = report.Builder("Caption markers")
    b.doc.table(["x", "value"], [["a", "0.5ᵉ"]], title="Table")

    def draw(fig):
        fig.add_subplot(111).plot([0, 1], [0, 1])

    b.doc.figure(draw, height=150.0, caption="Distance after 20 steps: 0.943ᵐ.",
                 label="f", trial=False)
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "c.pdf").pdf)]
    legend = {m for m, what in pages.HOW.values() if f"{m} {what[:12]}" in texts[0]}
    assert legend == {"ᵉ", "ᵐ"}, texts[0][-300:]


def test_page_text_typesets_sub_and_superscripts_as_the_figures():
    """Tables, captions and prose wrote e_(k+1)/e_k, ρ^200, T_max while the figures typeset
    them; Unicode forms where every character has one, the rest kept (no marker letters)."""
    from analysis.pages import Document
    from analysis.plots import page_script

    cases = {"e_k = ‖x_k − x*‖": "eₖ = ‖xₖ − x*‖", "e_(k+1)/e_k": "e₍ₖ₊₁₎/eₖ",
             "e_(k+1)/e_k^3": "e₍ₖ₊₁₎/eₖ³", "ρ^200": "ρ²⁰⁰", "T_max": "Tₘₐₓ",
             "λ_min": "λₘᵢₙ", "|1 − ηL|^k": "|1 − ηL|ᵏ", "(|w|·sup|a′|)^d": "(|w|·sup|a′|)ᵈ",
             "2^(−52)": "2⁻⁵²", "e_k^q": "eₖ^q", "4e^(−2|x|)": "4e^(−2|x|)", "x_K": "x_K",
             "β^t": "β^t", "line_search": "line_search", "eta_min = 0": "eta_min = 0"}
    for raw, want in cases.items():
        assert page_script(raw) == want, raw
    d = Document("t")
    t = d.table(["k", "e_k = ‖x_k − x*‖"], [["0", "ρ^2"]], title="e_(k+1)/e_k",
                notes=["T_max = 200"])
    p = d.paragraph("e_(k+1) ≈ C e_k^2")
    assert (t.columns[1].header, t.rows[0][1], t.title, t.notes[0], p.text) == (
        "eₖ = ‖xₖ − x*‖", "ρ²", "e₍ₖ₊₁₎/eₖ", "Tₘₐₓ = 200", "e₍ₖ₊₁₎ ≈ C eₖ²")


def test_scripts_with_no_unicode_form_are_typeset_as_paragraph_tags(tmp_path):
    """x_K, t_f, dh_d/dx, e^(−2|x|) and β^(1/(1 − β)) stayed ASCII on the page (no Unicode
    sub- or superscript for K, f, d, | or /): ReportLab's <sub>/<super> tags typeset them,
    a lone marker letter as a power excepted, and the text on the page reads as the
    formula without its carets and underscores."""
    from analysis.pages import markup

    cases = {"f(x_K) finite": "f(x<sub>K</sub>) finite",
             "cost × t_f": "cost × t<sub>f</sub>", "dh_d/dx": "dh<sub>d</sub>/dx",
             "4e^(−2|x|)": "4e<super>−2|x|</super>",
             "1 − β^(1/(1 − β))": "1 − β<super>1/(1 − β)</super>",
             "e_k^q": "eₖ<super>q</super>", "Σ β^t": "Σ β^t", "C = e_k³": "C = eₖ³",
             "∝ k^−1ᵗ": "∝ k⁻¹ᵗ", "∝ k^−0.9998ᶠ": "∝ k<super>−0.9998</super>ᶠ",
             "a < b_K": "a &lt; b<sub>K</sub>",
             "line_search": "line_search", "−log ρ_window": "−log ρ<sub>window</sub>",
             "a_b_c": "a_b_c"}
    for raw, want in cases.items():
        got = markup(plots_page_script(raw)).replace(pages.NBSP, " ")  # short groups bound
        assert re.sub(r"<(sub|super) [^>]*>", r"<\1>", got) == want, raw
    assert [report.page_name(v) for v in ("x1", "x12", "y", "w_1", "ab3")] == [
        "x_1", "x_12", "y", "w_1", "ab3"]
    b = report.Builder("Scripts")
    b.doc.paragraph("The last iterate x_K and 4e^(−2|x|) with weight 1 − β^(1/(1 − β)).")
    b = b.write(tmp_path / "s.pdf")
    text = " ".join(page_texts(b.pdf))
    assert "_" not in text and "^" not in text, text
    assert "−2|x|" in text and "1/(1 − β)" in text, text
    # the tags' text rise (PDF operator Ts) and size: about those of the Unicode forms; the
    # defaults (half the 9.5 pt body size down, 2 pt smaller) reached into the next line
    page = reader(b.pdf).pages[0]
    rises = [float(v) for v in re.findall(r"(-?[\d.]+) Ts", page.get_contents().get_data()
                                          .decode("latin-1")) if float(v) != 0.0]
    assert rises and all(abs(r) <= 0.4 * pages.BODY for r in rises), rises
    sizes = {p[4] for p in text_pieces(page) if p[0].startswith(("K", "−2"))}
    assert sizes and max(sizes) <= 0.75 * pages.BODY, sizes


def test_figure_texts_typeset_their_powers():
    """Study p. 9 titled a figure "the rate |1 − ηL|^k", p. 21's legend read "ρ^200" and
    p. 39's "(|w|·sup|a′|)^d": figure texts get Unicode powers where every character has a
    form, mathtext otherwise, and a marker letter as a power stays as written."""
    from matplotlib.figure import Figure

    from analysis.plots import figure_script, subscript_texts

    cases = {"the rate |1 − ηL|^k": "the rate |1 − ηL|ᵏ", "ρ^200 ≤ 10⁻³": "ρ²⁰⁰ ≤ 10⁻³",
             "(|w|·sup|a′|)^d": "(|w|·sup|a′|)ᵈ", "4e^(−2|x|)": "4e$^{−2|x|}$",
             "Σ β^t": "Σ β^t", "x_K": "x$_{K}$", "$x^2$": "$x^2$", "e_k³": "eₖ³"}
    for raw, want in cases.items():
        assert figure_script(raw) == want, raw
    fig = Figure()
    ax = fig.add_subplot(111)
    ax.plot([0, 1], [0, 1], label="no rate although ρ^200 ≤ 10⁻³")
    ax.set_title("Error and the rate |1 − ηL|^k")
    ax.legend()
    subscript_texts(fig)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert not [t for t in texts if "^" in t and "$" not in t], texts


def plots_page_script(text: str) -> str:
    from analysis.plots import page_script

    return page_script(text)


def test_a_subsection_whose_figure_does_not_fit_leaves_no_half_empty_page(tmp_path):
    """A figure floated to the top of a page, then a subsection (heading, a lead-in
    announcing a figure, the figure, a table) too tall for the rest: the heading and its
    text fill the page and the figure follows, rather than the page stay half blank."""
    b = report.Builder("Sections")
    d = b.doc
    d.heading("First")
    d.add(pages.Spacer(pages.CONTENT_H - 330.0))
    d.paragraph("BEFORE-IT: a paragraph of plain text.")
    d.figure(_three_panels, height=420.0, caption="FIRST-FIG of a tall figure.")
    d.table(["a", "b"], [[str(k), "x"] for k in range(6)], title="FIRST-TABLE")
    d.heading("Sub", level=2)
    d.paragraph("LEAD: " + "text of a long lead-in paragraph that explains the run below " * 9)
    d.figure(_three_panels, height=500.0, caption="SUB-FIG of a tall figure.")
    d.table(["a", "b"], [[str(k), "y"] for k in range(6)], title="SUB-TABLE")
    d.heading("Second")
    d.paragraph("END")
    res = b.write(tmp_path / "sections.pdf")
    check_fill(res)
    texts = page_texts(res.pdf)
    (fig,) = [t for t in texts if "FIRST-FIG" in t]
    assert "1.1 Sub" in fig and "LEAD" in fig, fig  # the subsection starts under the figure
    text = " ".join(texts)
    assert text.index("1.1 Sub") < text.index("LEAD") < text.index("SUB-FIG")


def test_a_section_opening_whose_figure_nothing_can_float_past_moves_whole(tmp_path):
    """The quick study's p. 2: section 3 opened (heading, formula, a lead-in) at the foot of
    the page, its figure did not fit the rest even shrunk and went to the next page, and
    the figure after it could not float past it: the page stayed 0.22 blank in the middle
    of section 3.  Such an opening goes whole to the next page; the page it leaves ends
    the section before (its blank is allowed)."""
    b = report.Builder("Sections")
    d = b.doc
    d.heading("First")
    d.add(pages.Spacer(pages.CONTENT_H / 2.0))
    d.paragraph("END-OF-FIRST")
    d.heading("Second")
    d.paragraph("OPENING: " + "text of the opening paragraph of the section " * 4
                + "The panels below show the runs.")  # a lead-in, kept with its figure
    d.figure(_three_panels, height=500.0, caption="SECOND-FIG of a tall figure.")
    d.figure(_three_panels, height=200.0, caption="THIRD-FIG after it.")
    res = b.write(tmp_path / "opening.pdf")
    texts = page_texts(res.pdf)
    (fig,) = [t for t in texts if "SECOND-FIG" in t]
    assert "2 Second" in fig and "OPENING" in fig, fig
    assert "END-OF-FIRST" in texts[0] and "OPENING" not in texts[0]
    check_fill(res)


def test_a_section_opening_whose_figure_text_floats_past_stays_on_its_page(tmp_path):
    """Study p. 33: section 15 opened (heading, a lead-in) with half a page left, its
    figure did not fit and floated, and the paragraph after it filled the page; a later
    pass of the layout read the block the float had landed before (the end of the story)
    for the block after the figure, nothing to float past it, and moved the whole opening
    to the next page, 0.42 of the page blank.
    The opening stays and the text after the figure fills the page, on every pass (the
    contents make the layout run more than one)."""
    b = report.Builder("Sections")
    d = b.doc
    d.contents()
    d.heading("First")
    d.add(pages.Spacer(pages.CONTENT_H * 0.39))
    d.paragraph("END-OF-FIRST")
    d.heading("Second")
    d.paragraph("OPENING: " + "text of the opening paragraph of the section " * 4
                + "The panels below show the runs.")
    d.figure(_three_panels, height=500.0, caption="SECOND-FIG of a tall figure.")
    res, texts = _rest_of_section(b, tmp_path / "opening.pdf")
    (first,) = [t for t in texts if "END-OF-FIRST" in t]
    assert "2 Second" in first and "OPENING" in first and "AFTER-0" in first, first
    check_fill(res)


def test_a_lead_in_whose_below_is_followed_by_a_word_starting_like_an_article(tmp_path):
    """Study pp. 29–31: "The lines below are …" and "The curves below are …" were not taken
    for lead-ins ("are" begins like "a"), so the paragraph stayed while its figure floated
    past a table to the next page.  Words after "below" are matched whole."""
    fig = pages.FigureBlock(None, 1.0)
    for text in ("The lines below are the exact expected values, not fits.",
                 "The curves below are the closed forms.", "The runs below anchor it.",
                 "The panels below itemise it."):
        assert pages.lead_in(text, fig), text
    for text in ("It stays below an upper bound.", "It falls below its floor.",
                 "The value is below a tenth."):
        assert not pages.lead_in(text, fig), text
    b = report.Builder("Lead-in")
    b.doc.heading("First")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.paragraph("LEAD-IN: the sums diverge. The lines below are the exact expected values.")
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION-0 of a tall figure.")
    b.doc.table(["a", "b"], [[str(k), "x"] for k in range(6)], title="TABLE")
    texts = page_texts(b.write(tmp_path / "below.pdf").pdf)
    (page,) = [t for t in texts if "CAPTION-0" in t]
    assert "LEAD-IN" in page and page.index("LEAD-IN") < page.index("CAPTION-0"), texts


def _table_page(tmp_path, over: float):
    """A table with a footnote that misses the rest of its page by ``over`` points; returns
    (result, page texts)."""
    t = pages.Table([pages.Column("name"), pages.Column("value", align="r")],
                    [[f"ROW-{k}", f"{k}.5"] for k in range(20)], title="COUNTS",
                    notes=["NOTE-T: a footnote of the table."])
    probe = pages.Document("probe")
    height = (pages._flowables().TableFlowable(t, probe).wrap(pages.CONTENT_W, 1e6)[1]
              + probe._notes_height(pages.table_notes(t)))
    b = report.Builder("Squeeze")
    b.doc.add(pages.Spacer(pages.CONTENT_H - height + over))
    b.doc.add(t)
    res = b.write(tmp_path / "squeeze.pdf")
    return res, page_texts(res.pdf)


def test_a_table_a_few_points_too_tall_stays_whole_above_its_footnotes(tmp_path):
    """Campaign p. 7: a table missed its page by 0.4 pt, so its last three rows went alone
    to a page of their own.  Up to NOTE_SQUEEZE points come from the clear space above the
    footnote rule; more than that, the table still splits."""
    res, texts = _table_page(tmp_path, 2.0)
    assert res.pages == 1 and "ROW-19" in texts[0] and "NOTE-T" in texts[0], texts
    page = reader(res.pdf).pages[0]
    (rule,) = _rules(page)
    (last,) = [y for t, x, y, a, size, f in text_pieces(page) if "ROW-19" in t]
    assert last - 0.24 * pages.TABLE - rule >= pages.NOTE_CLEAR - pages.NOTE_SQUEEZE - 2.0
    res, texts = _table_page(tmp_path, pages.NOTE_SQUEEZE + 3.0)
    assert res.pages == 2 and "ROW-19" in texts[1], texts


def _cell_lines(t, widths):
    """Lines of every cell of ``t`` (header first) as platypus wraps it in ``widths``."""
    from reportlab.platypus import Paragraph as RLParagraph

    ns = pages._flowables()
    out = []
    for j, c in enumerate(t.columns):
        col = []
        for k, text in enumerate([c.header] + [r[j] for r in t.rows]):
            st = ns.style(t.size, weight="bold" if k == 0 else "normal",
                          leading=t.size * 1.25)
            h = RLParagraph(pages.markup(text), st).wrap(widths[j] - 6.0, 1e6)[1]
            col.append(round(h / (t.size * 1.25)))
        out.append(col)
    return out


def test_column_widths_go_where_cells_wrap_not_to_long_spare_columns():
    """Himmelblau p. 7: IQR cells broke onto two lines while the last column had room;
    study p. 30: "what" and "decided by" took four lines while theory and measured had
    room.  The widths now follow the table's height in lines: numbers and words never
    split, and the table is no taller than with the old widths (proportional to each
    column's excess of natural over minimal width), here strictly shorter."""
    cost = pages.Table(
        [pages.Column(h) for h in ["method", "at target", "converged", "median cost",
                                   "IQR cost", "median kernel µs", "IQR kernel µs",
                                   "batch CPU ms (100 starts)"]],
        [[m, "100/100ᵐ", "100/100ᵐ", f"{c}ᵐ", f"{lo}ᵐ – {hi}ᵐ", "0.853ᵐ",
          f"{a}ᵐ – {b}ᵐ", "0.446ᵐ"]
         for m, c, lo, hi, a, b in [("gd", 61, 26.7, 70.7, 0.373, 0.988),
                                    ("momentum", 50.5, 23.5, 61, 0.328, 0.853),
                                    ("nesterov", 34, 25.8, 42.3, 0.361, 0.59),
                                    ("adam", 451, 405, 504, 5.66, 7.06)]])
    theory = pages.Table(
        [pages.Column(h) for h in ["what", "theory", "measured", "decided by", "verdict",
                                   "note"]],
        [["constant step: E(xₖ − x*)² over k = 1000…2000 (noise floor)", "0.05263ᵗ",
          "0.05299ᵐ", "|m − p|/|p| 0.68% ≤ 1.2%", "agrees",
          "floor ησ²/(L(2 − ηL)); measured 0.053 ± 0.00016 (mean ± standard error over 2000 "
          "runs of each run's average over the last 1001 steps); agree within 4 standard "
          "errors"],
         ["decaying steps go below the constant step's noise floor",
          "Σηₖ = ∞, Σηₖ² < ∞ → E(xₖ − x*)² → 0",
          "at k = 2000: 0.000651 ± 2e−05 against 0.0558 ± 0.0018 (mean ± standard error "
          "over 2000 runs)", "—", "agrees",
          "the constant step's value is 1.8 standard errors from its floor 0.0526"]])

    def old_widths(t, width):
        nat, mins = [], []
        for j, c in enumerate(t.columns):
            cells = [(c.header, True)] + [(r[j], False) for r in t.rows]
            font = {True: f"{pages.FONT}-Bold", False: pages.FONT}
            n = max(pages.string_width(s, t.size, font[b]) for s, b in cells) + 6.0
            m = max(pages.string_width(w, t.size, font[b]) for s, b in cells
                    for w in s.split())
            mins.append(min(m, width / 3.0) + 6.5)
            nat.append(max(n, mins[-1]))
        room = width - sum(mins)
        return [m + room * (n - m) / sum(x - y for x, y in zip(nat, mins, strict=True))
                for n, m in zip(nat, mins, strict=True)]

    for t in (cost, theory):
        widths = pages.column_widths(t, pages.CONTENT_W)
        assert abs(sum(widths) - pages.CONTENT_W) < 1e-6
        for j, c in enumerate(t.columns):  # every word fits its column: nothing is split
            for k, text in enumerate([c.header] + [r[j] for r in t.rows]):
                font = f"{pages.FONT}-Bold" if k == 0 else pages.FONT
                for w in text.split():
                    assert pages.string_width(w, t.size, font) + 6.0 <= widths[j], (w, widths)
        new = [max(r) for r in zip(*_cell_lines(t, widths), strict=True)]
        old = [max(r) for r in zip(*_cell_lines(t, old_widths(t, pages.CONTENT_W)),
                                   strict=True)]
        assert sum(new) < sum(old), (new, old)
    iqr = _cell_lines(cost, pages.column_widths(cost, pages.CONTENT_W))[4]
    assert iqr[1:] == [1, 1, 1, 1], iqr  # "26.7ᵐ – 70.7ᵐ" on one line


def test_one_agreement_note_per_page_whatever_tables_bring_theirs(tmp_path):
    """Two tables on one page, each with its own "Agreement:" note (one a pointer to a long
    note printed in full on an earlier page): the page has one "Agreement:" footnote with
    both rules, the pointer last."""
    long_rule = "Agreement: LONG-RULE " + "words of the rule. " * 16
    assert len(long_rule) >= pages.LONG_NOTE
    b = report.Builder("Agreement")
    b.doc.table(["x", "value"], [["a", "1"]], title="Table 0", notes=[long_rule])
    b.doc.page_break()
    b.doc.table(["x", "value"], [["b", "2"]], title="Table 1",
                notes=["Agreement: SHORT-RULE an order q within its band."])
    b.doc.table(["x", "value"], [["c", "3"]], title="Table 2", notes=[long_rule])
    res = b.write(tmp_path / "agree.pdf")
    texts = page_texts(res.pdf)
    assert len(texts) == 2 and "LONG-RULE" in texts[0]
    assert texts[1].count("Agreement:") == 1, texts[1]
    assert b.doc.page_notes[2] == [
        "Agreement: SHORT-RULE an order q within its band.  See also the full note on p. 1."]


def test_notes_with_one_head_merge_into_one_sentence_each():
    a = "Agreement: an exact linear rate within 1%.  ‘Decided by’ shows Δρ/ρ."
    b = "Agreement: an order q within [0.9 q, 1.3 q]."
    assert pages.merge_headed([a], b) == [
        "Agreement: an exact linear rate within 1%.  ‘Decided by’ shows Δρ/ρ.  An order q "
        "within [0.9 q, 1.3 q]."]
    assert pages.merge_headed(["Decided by: see the full note on p. 7."], b) == [
        "Decided by: see the full note on p. 7.", b]
    assert pages.merge_headed([b], b) == [b]
    ref = "Agreement: see the full note on p. 8."
    assert pages.merge_headed([ref], "Agreement: see the full note on p. 12.") == [
        "Agreement: see the full note on p. 8.  See also the full note on p. 12."]
    assert pages.note_head("Rate = factor by which it shrinks: see p. 8.") == ""


def test_a_lead_in_and_its_table_fill_the_page_a_figure_waits_on(tmp_path):
    """A figure that does not fit floats past the paragraph that announces a table and that
    table (kept together): they fill the page, not a quarter of it left blank."""
    b = report.Builder("Float past a lead-in")
    b.doc.heading("Floats")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 230.0))
    b.doc.paragraph("BEFORE-IT: a paragraph of plain text.")
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION-0 of a tall figure.")
    b.doc.paragraph("LEAD-IN: per run, the errors at a few steps, as in the tables of the book.")
    b.doc.table(["k", "e_k"], [[str(k), f"{0.5 ** k:g}"] for k in range(8)], title="STEPS")
    res = b.write(tmp_path / "leadtable.pdf")
    texts = page_texts(res.pdf)
    assert "LEAD-IN" in texts[0] and "STEPS" in texts[0] and "CAPTION-0" in texts[1]
    assert b.doc.deferred == [(1, ["CAPTION-0 of a tall figure."])]
    assert res.page_fill[0].blank <= 0.15, res.page_fill


def _rest_of_section(b, path, paragraphs: int = 4):
    """Write ``b`` after ``paragraphs`` paragraphs of the same section (text that fills the
    page a block left): its result and the text of each page."""
    for k in range(paragraphs):
        b.doc.paragraph(f"AFTER-{k}: " + "text of the same section " * 12)
    res = b.write(path)
    return res, page_texts(res.pdf)


def _split_rows(texts: list[str], n: int, row: str = r"ROW-(\d+)") -> tuple[list, list]:
    """The row numbers on the first and on the second page of a table of ``n`` rows named
    ``ROW-i``, checked to be all of them, in order, each once."""
    first, rest = re.findall(row, texts[0]), re.findall(row, texts[1])
    assert first + rest == [str(i) for i in range(n)], (first, rest)
    return first, rest


def test_a_short_table_with_its_lead_in_splits_when_a_third_is_left(tmp_path):
    """A lead-in kept with a table of 12 rows (two fifths of a page) that misses the room
    left (a third of the page): moving both whole, or the table alone, would leave more
    than SHORT_SPLIT_GAP of the page blank, and the next section's heading follows (no text
    fills the page for it), so the table splits, with MIN_ROWS rows at least on either
    side (no lone row)."""
    n = pages.SHORT_ROWS
    rows = [[f"ROW-{k}", f"{0.5 ** k:g} " + "words of a cell that wraps onto a second line " * 4]
            for k in range(n)]
    probe = pages._flowables().TableFlowable(
        pages.Table([pages.Column("k"), pages.Column("e_k")], rows, "STEPS"), pages.Document("x"))
    room = (pages.SHORT_SPLIT_GAP + 0.04) * pages.CONTENT_H
    assert probe.short() and room < probe.wrap(pages.CONTENT_W, 1e6)[1]
    b = report.Builder("Split a short table")
    b.doc.add(pages.Spacer(pages.CONTENT_H - room))
    b.doc.paragraph("LEAD-IN: the table below lists the steps.")
    b.doc.table(["k", "e_k"], rows, title="STEPS")
    b.doc.heading("Next section")
    res, texts = _rest_of_section(b, tmp_path / "split.pdf")
    first, rest = _split_rows(texts, n)
    assert "LEAD-IN" in texts[0]
    assert len(first) >= pages.MIN_ROWS and len(rest) >= pages.MIN_ROWS, (first, rest)
    assert "STEPS (continued)" in texts[1]
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill


#: no page in the middle of a section is more than this share blank (the study's pages):
#: a third (a short table moved whole to the next page leaves up to SHORT_SPLIT_GAP)
MID_SECTION_BLANK = pages.MAX_GAP


def test_study_pages_in_mid_section_are_at_most_a_third_blank(quick_study):
    """The study's pages that do not end a section: at most :data:`MID_SECTION_BLANK` of the
    text area blank, measured on the PDF (:func:`blank_share`) and in the engine's record."""
    pdf = reader(quick_study.pdf)
    for f, page in zip(quick_study.page_fill, pdf.pages, strict=True):
        if not f.ends_section:
            assert blank_share(page) <= MID_SECTION_BLANK and f.blank <= MID_SECTION_BLANK, f


def test_two_short_rows_do_not_open_a_split_table(tmp_path):
    """Himmelblau p. 2: the critical-point table split after 2 one-line rows at the
    foot of the page (they filled more than half of the little room left), 7 rows over the
    page.  Fewer than MIN_ROWS rows go first only when they are tall."""
    b = report.Builder("Split table")
    rows = [[f"split row {i}", f"{i}.5ᵗ"] for i in range(20)]
    probe = pages._flowables().TableFlowable(pages.Table([pages.Column("kind"),
                                                          pages.Column("value")], rows), b.doc)
    _, height = probe.wrap(pages.CONTENT_W, 1e6)
    # room for the header and about 2.5 of the 20 rows (and less than the title's height)
    b.doc.add(pages.Spacer(pages.CONTENT_H - height * 3.5 / 21.0 - 12.0))
    b.doc.table(["kind", "value"], rows)
    texts = page_texts(b.write(tmp_path / "split.pdf").pdf)
    on_first = len(re.findall(r"split row \d+ ", texts[0]))
    assert on_first == 0 or on_first >= pages.MIN_ROWS, on_first
    assert sum(len(re.findall(r"split row \d+ ", t)) for t in texts) == 20


def _laid_out(table, widths=None) -> list[list[list[str]]]:
    """The lines of every cell of ``table`` (header row first) as the page lays them out:
    the table flowable wrapped at the text width, each cell paragraph's broken lines as text
    (non-breaking spaces read as spaces)."""
    probe = pages._flowables().TableFlowable(table, pages.Document("probe"), widths)
    probe.wrap(pages.CONTENT_W, 1e6)
    out = []
    for row in probe.table._cellvalues:
        cells = []
        for cell in row:
            (para,) = cell
            cells.append([" ".join(w if isinstance(w, str) else w.text for w in (
                line[1] if isinstance(line, tuple) else line.words)).replace("\u00a0", " ")
                for line in para.blPara.lines])
        out.append(cells)
    return out


def test_a_bracketed_window_stays_on_one_line_with_its_rate():
    """Rosenbrock p. 6: the measured-rate cell "0.99888ᶠ [k = 3268–20000]" broke as
    "0.99888ᶠ [k" / "=" / "3268–20000]".  A short bracketed group is one piece: the column
    is at least as wide as it (when the table is squeezed) and the cell keeps it on one
    line; a group wider than its column still breaks (nothing runs past the column), but
    not next to its "=" sign."""
    rate, window = "0.99888ᶠ", "[k = 3268–20000]"
    reason = ("the run ended at (0.896524, 0.803748, 0.645922, 0.416671, 0.170476), far "
              "from every critical point (1.1 from the nearest, (1, 1, 1, 1, 1), beyond the "
              "radius 0.202 within which a run counts as converged to it)")
    t = pages.Table([pages.Column(h) for h in ["method", "predicted kind", "predicted rate",
                                               "order", "measured kind",
                                               "measured rate [window]", "measured order",
                                               "decided by", "verdict", "reason"]],
                    [["momentum", "linear", "0.99888ᵗ", "1ᵗ", "linear", f"{rate} {window}",
                      "1ᶠ", "Δln ρ/ln ρ < 0.01% ≤ 1%", "agrees", reason]])
    widths = pages.column_widths(t, pages.CONTENT_W)
    col = [c.header for c in t.columns].index("measured rate [window]")
    group_w = pages.string_width(window, t.size)
    assert widths[col] - pages.CELL_PAD >= group_w, (widths[col], group_w)
    lines = _laid_out(t, widths)[1][col]
    assert window in lines, lines
    # a column that holds the group but not the whole cell: the break falls before it
    narrow = list(widths)
    narrow[col] = group_w + pages.CELL_PAD + 1.0
    narrow[-1] += widths[col] - narrow[col]
    assert _laid_out(t, narrow)[1][col] == [rate, window]
    # a column narrower than the group: the group breaks at a space, never leaving the
    # relation sign alone on a line, and each line fits
    narrow[col] = pages.string_width("3268–20000]", t.size) + pages.CELL_PAD + 1.0
    lines = _laid_out(t, narrow)[1][col]
    assert lines == [rate, "[k =", "3268–20000]"], lines
    assert all(pages.string_width(s, t.size) <= narrow[col] - pages.CELL_PAD + 0.1
               for s in lines), lines
    assert pages.cell_words("0.5 ᵐ [k = 1–9] (bound, no rate) (mean ± standard error over 2000 "
                            "runs)") == [
        "0.5 ᵐ", "[k = 1–9]", "(bound,", "no", "rate)", "(mean", "±", "standard", "error",
        "over", "2000", "runs)"]


def test_a_group_is_held_unless_that_makes_the_table_much_taller():
    """Widening a column to hold "[k = 3268–20000]" takes its points from the long column:
    in a wide table that costs a line or none, and the group is held; in a narrow one the
    long column would grow by more than GROUP_GROWTH of the table's lines, and the group
    breaks (after its "=") instead."""
    window = "[k = 3268–20000]"
    reason = "words of a long reason " * 12
    need = pages.string_width(window, pages.TABLE) + pages.CELL_PAD
    for width, held in ((400.0, True), (150.0, False)):
        t = pages.Table([pages.Column("rate"), pages.Column("reason")],
                        [[f"0.99888ᶠ {window}", reason], ["0.5ᵐ", "short"]])
        widths = pages.column_widths(t, width)
        assert (widths[0] >= need) is held, (width, widths)


def test_a_paragraph_names_the_page_a_figure_is_drawn_on(tmp_path):
    """A paragraph may name the page of a figure by its label (pages.page_ref): the number
    printed is the page the figure's caption is on, counted in the PDF; a figure never drawn
    reads '?'."""
    b = report.Builder("Page references")
    d = b.doc
    d.heading("Text")
    d.paragraph(f"The figure below is on p. {pages.page_ref('late')} (PTR-ONE); a missing "
                f"one is on p. {pages.page_ref('absent')} (PTR-TWO).")
    filler(d, 40)  # a few pages of text before the figure
    d.heading("Figures")

    def draw(fig):
        fig.add_subplot().plot([0, 1], [1, 0])

    d.figure(draw, height=200.0, caption="LATE-FIGURE caption.", label="late")
    res = b.write(tmp_path / "refs.pdf")
    texts = [" ".join(t.split()) for t in page_texts(res.pdf)]
    at = [k + 1 for k, t in enumerate(texts) if "LATE-FIGURE" in t]
    assert len(at) == 1 and at[0] >= 3
    first = next(t for t in texts if "PTR-ONE" in t)
    assert f"is on p. {at[0]} (PTR-ONE)" in first
    assert "is on p. ? (PTR-TWO)" in first
    assert "\ue000" not in "".join(texts)


def test_a_paragraph_names_the_page_a_section_starts_on_as_the_contents_do(tmp_path):
    """Study p. 36: "§11 (ill-conditioning and momentum, p. 23)" gave the page of a figure of
    §11, while §11 starts on p. 22: a section's page (pages.section_page_ref) is the page its
    heading is drawn on, the page the contents give."""
    import re

    b = report.Builder("Section pages")
    d = b.doc
    d.contents()
    d.heading("Text")
    d.paragraph(f"As in §{pages.section_ref('Ill-conditioning')} (the ellipse, "
                f"p. {pages.section_page_ref('Ill-conditioning')}) and §"
                f"{pages.section_ref('Missing')} (p. {pages.section_page_ref('Missing')}).")
    filler(d, 30)
    d.heading("Ill-conditioning: an ellipse")
    filler(d, 30)  # the section runs on to a later page, where its figure is

    def draw(fig):
        fig.add_subplot().plot([0, 1], [1, 0])

    d.figure(draw, height=200.0, caption="ELLIPSE-FIGURE caption.", label="ellipse")
    res = b.write(tmp_path / "sections.pdf")
    texts = page_texts(res.pdf)
    starts = [k + 1 for k, t in enumerate(texts) if "2 Ill-conditioning: an ellipse" in t
              and k > 0]
    figure = [k + 1 for k, t in enumerate(texts) if "ELLIPSE-FIGURE" in t]
    assert starts and figure and figure[0] > starts[0]
    refs = re.findall(r"§(\d+) \(the ellipse, p\. (\d+)\)", " ".join(texts))
    assert refs == [("2", str(starts[0]))], refs
    assert "§? (p. ?)" in " ".join(texts)


def _titled(fig, title):
    fig.add_subplot().set_title(title)
    return fig


def test_a_figure_drawn_again_later_shows_the_values_of_the_moment_it_was_added():
    """Study p.29: the noise-ball figure's title read "2000 runs" beside its caption's 20000
    runs. Its drawing function read R from the section, which rebound R to 2000 for a later
    figure before the layout drew the noise ball again at another size."""
    from matplotlib.figure import Figure

    d = pages.Document("t")
    R = 20000
    block = d.figure(lambda fig: _titled(fig, f"{R} runs"), height=200.0, caption="c",
                     label="noise ball")
    R = 2000  # the section goes on and rebinds R for its next figure
    fig = Figure()
    block.draw_fn(fig)
    assert fig.axes[0].get_title() == "20000 runs" and R == 2000
    # a variable assigned only after the figure is added is read when drawn, as before
    late = d.figure(lambda fig: _titled(fig, later), height=200.0, trial=False)
    later = "drawn"
    fig = Figure()
    late.draw_fn(fig)
    assert fig.axes[0].get_title() == "drawn"


def test_a_split_table_continues_on_the_next_page_not_under_its_first_part(tmp_path):
    """Quadratic p. 5: the convergence table split before its last 3 rows (no fewer may
    open the next page), and those, the first of them tall, split again on the same page:
    a "(continued)" part right under the first one.  Two tall rows may end the table on the
    next page; a rest never starts on the page of the part before it."""
    tall = "\n".join(f"line {j} of a tall cell" for j in range(10))
    n = pages.SHORT_ROWS + 1 - 3  # short rows, then 3 tall ones: a table too long to move whole
    rows = [[f"ROW-{i}", "short"] for i in range(n)] + [[f"ROW-{i}", tall]
                                                      for i in range(n, n + 3)]
    table = pages.Table([pages.Column("k"), pages.Column("note")], rows, title="STEPS")
    probe = pages._flowables().TableFlowable(table, pages.Document("probe"))
    probe.wrap(pages.CONTENT_W, 1e6)
    assert not probe.short()
    heights = probe.table._rowHeights
    assert sum(heights[n + 2:]) >= pages.TALL_ROWS * pages.CONTENT_H  # the last two: tall
    # room for the title, the header, the short rows, one tall row and a little more
    b = report.Builder("Split once a page")
    b.doc.add(pages.Spacer(pages.CONTENT_H - sum(heights[:n + 2]) - 30.0 - 8.0))
    # the table as given: Document.table would set cells over LONG_CELL_LINES under it
    b.doc.add(table)
    texts = page_texts(b.write(tmp_path / "once.pdf").pdf)
    assert "STEPS (continued)" not in texts[0]
    assert all(f"ROW-{i} " in texts[0] for i in range(n + 1)), texts[0]
    assert "STEPS (continued)" in texts[1]
    assert f"ROW-{n + 1} " in texts[1] and f"ROW-{n + 2} " in texts[1]


def test_a_lone_half_figure_spreads_its_long_caption_to_fill_the_page(tmp_path):
    """A half-width figure with a long caption (the study's distance-to-the-minimum figure):
    at the figure's width the caption is so tall that no allowed shrink fits the rest of the
    page, and with a heading after it nothing could fill the page, so it stayed more than a
    third blank mid-section.  The caption now takes the text width there and the figure
    fits under the text."""
    def draw(fig):
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [2, 0, 1], label="η = 0.1")
        ax.set_xlabel("iteration k")
        ax.legend()

    b = report.Builder("Wide caption")
    b.doc.heading("One")
    filler(b.doc, 7)
    b.doc.paragraph("LAST: " + "words that take up room " * 18)
    caption = "CAPTION-0 of a half-width figure: " + "a caption that explains every line " * 22
    b.doc.figure(draw, height=300.0, caption=caption, half=True)
    b.doc.heading("Two")
    b.doc.paragraph("AFTER: the next section.")
    res = b.write(tmp_path / "wide.pdf")
    texts = page_texts(res.pdf)
    assert "CAPTION-0" in texts[0] and texts[1].startswith("2 Two"), texts
    check_fill(res)
    slot = (pages.CONTENT_W - pages.FIGURE_GAP) / 2.0
    right = pages.MARGIN_X + (pages.CONTENT_W + slot) / 2.0  # the right edge of the figure
    lines = [p for p in text_pieces(reader(res.pdf).pages[0]) if "caption that" in p[0]]
    assert max(x + pages.string_width(t, size, pages.FONT) for t, x, _, _, size, _ in lines) \
        > right + 20.0  # the caption reaches past the figure


def test_a_difference_between_bars_and_a_setting_stay_on_one_line():
    """Study pp. 34–35: the schedule checks' "decided by" column broke "|m − p|/|p|" as
    "|m −" / "p|/|p|" (and its header as "decided" / "by"); p. 39: the method "GD with η =
    0.001" broke as "GD with η" / "= 0.001".  A difference between bars over another and a
    setting (a symbol equal to a number) are pieces the column holds where it can."""
    assert pages.cell_words("max |m − p|/|p| 0.78% ≤ 8.7%") == [
        "max", "|m − p|/|p|", "0.78% ≤ 8.7%"]
    assert pages.cell_words("GD with η = 0.001") == ["GD", "with", "η = 0.001"]
    assert pages.cell_words("linear, ρ = 0.6ᵗ and a=b") == ["linear,", "ρ = 0.6ᵗ", "and", "a=b"]
    # quadratic report p. 5: a bound kept its relation sign apart from its number; the
    # relation goes with its left operand too ("0" / "< 2.62" would begin a line with "<")
    assert pages.cell_words("≤ 0.63451ʸ, 0 < 2.62") == ["≤ 0.63451ʸ,", "0 < 2.62"]
    note = ("exact recursion sₖ₊₁ = (1 − ηₖL)²sₖ + ηₖ²σ² on x²/2 (L = 1), σ = 1, s₀ = x₀² = 9, "
            "η₀ = 0.5, cosine: ηmin + (η₀ − ηmin)(1 + cos(πk/Tmax))/2 up to k = Tmax; "
            "measured 0.0182 ± 0.00041 (mean ± standard error over 4000 runs); agree within "
            "4 standard errors")
    rows = [[f"E(xK − x*)² after 200 noisy steps: {lab}", f"{p}ⁿ", f"{m}ᵐ",
             f"|m − p|/|p| {d} ≤ {t}", "agrees", note]
            for lab, p, m, d, t in (("constant", "0.333333", "0.330730", "0.78%", "8.6%"),
                                    ("step (s = 50, γ = 0.3)", "0.011112", "0.0106852", "3.8%",
                                     "8.6%"),
                                    ("cosine (Tmax = 200, ηmin = 0)", "0.0184373", "0.0182251",
                                     "1.2%", "8.9%"))]
    t = pages.Table([pages.Column(h) for h in ["what", "theory", "measured", "decided by",
                                               "verdict", "note"]], rows)
    lines = _laid_out(t, pages.column_widths(t, pages.CONTENT_W))
    assert lines[0][3] == ["decided by"], lines[0][3]
    for row in lines[1:]:
        assert row[3][0] == "|m − p|/|p|", row[3]
    method = pages.Table([pages.Column(h) for h in [
        "method", "predicted kind", "predicted rate", "order", "measured kind",
        "measured rate [window]", "order", "decided by", "verdict", "note"]],
        [["Newton", "quadratic", "—", "2ᵗ", "quadratic", "—", "1.97ᶠ ± 0.025 (1 s.e.) "
          "[k = 18–21]", "q = 1.97 in [1.8, 2.6]", "agrees", "measured order 1.97 ± 0.025 "
          "(1 s.e.) within [0.9, 1.3] × the predicted 2"],
         ["GD with η = 0.001", "linear", "0.99960064ᵗ", "1ᵗ", "linear",
          "0.99959980ᶠ [k = 8428–20000]", "1ᶠ", "Δln ρ/ln ρ 0.21% ≤ 1%", "agrees", ""]])
    lines = _laid_out(method, pages.column_widths(method, pages.CONTENT_W))
    assert "η = 0.001" in lines[2][0], lines[2][0]
    assert "[k = 8428–20000]" in lines[2][5], lines[2][5]


def _one_panel(fig):
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_xlabel("iteration k")


def test_a_figure_shrinks_so_that_the_short_table_after_it_fits_the_page(tmp_path):
    """Study p. 29: a figure, then a short table of five tall rows ('Theory and
    measurement') that missed the 37 % left under the figure; the table moved whole to the
    next page and left that much blank in the middle of a section.  The figure now shrinks
    (within :data:`MIN_SHRINK`) so that the table fits under it."""
    cols = [pages.Column("what"), pages.Column("note")]
    rows = [[f"TROW-{i}", "words that wrap over lines " * 14] for i in range(5)]
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "Theory and measurement"),
                                             pages.Document("probe"))
    _, table_h = probe.wrap(pages.CONTENT_W, 1e6)
    # it moves whole (it would split only where that left more than MAX_GAP blank)
    assert probe.short() and not probe.splits_short(pages.MAX_GAP * pages.CONTENT_H)
    fig_h = 300.0
    left = table_h - 25.0  # under the figure at its size: the table misses it by 25 pt
    assert left > pages.CONTENT_H / 4.0  # a gap of more than a quarter of the page
    b = report.Builder("Figure and table")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - fig_h - 4.0 - 8.0 - left - 30.0))
    b.doc.figure(_one_panel, height=fig_h)
    b.doc.table(cols, rows, title="Theory and measurement")
    res, texts = _rest_of_section(b, tmp_path / "figure_table.pdf", 6)
    assert "TROW-0" in texts[0] and "TROW-4" in texts[0], texts[0][-300:]
    assert not res.page_fill[0].ends_section and res.page_fill[0].blank <= 1 / 3, res.page_fill
    check_fill(res)
    fig = b.doc.figures()[0]
    drawn = [h for (_, h), d in fig._drawings.items() if d is not None]
    assert min(drawn) >= pages.MIN_SHRINK * fig_h - 1e-6, drawn  # within its allowed range


def test_a_figure_shrinks_so_that_the_figure_after_it_fits_the_page(tmp_path):
    """The quadratic report's p. 11: two error figures waited for the next page, the first
    at its size left 44% under it, which the second missed even shrunk to MIN_SHRINK; with
    a figure after it, the second could not float and went to the next page.  The first
    now shrinks so that the second fits under it, as it does for a short table."""
    cap = "CAPTION of a figure that waits: " + "words of a caption " * 12
    fig_h = 400.0
    b = report.Builder("Figure and figure")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 250.0))
    for k, h in enumerate((fig_h, fig_h, 200.0)):  # the second's panels keep MIN_PANEL
        b.doc.figure(_three_panels if k == 1 else _one_panel, height=h, caption=f"FIG-{k} {cap}")
    b.doc.paragraph("AFTER-0: " + "text of the same section " * 20)
    b.doc.heading("Next section")
    b.doc.paragraph("NEXT: " + "text of the next section " * 12)
    res = b.write(tmp_path / "figure_figure.pdf")
    texts = page_texts(res.pdf)
    on = {k: next(i for i, t in enumerate(texts) if f"FIG-{k}" in t) for k in range(3)}
    assert on[0] == on[1] == 1 and on[2] == 2, on
    check_fill(res)
    first = b.doc.figures()[0]
    drawn = [h for (_, h), d in first._drawings.items() if d is not None]
    assert min(drawn) >= pages.MIN_SHRINK * fig_h - 1e-6, drawn  # within its allowed range


def _figure_page(tmp_path, over: float):
    """A figure of three stacked panels (it cannot shrink below its panels' floor) whose
    caption gives the page a footnote (the legend of its marker), then a second figure (no
    text may fill the page in its place): the first misses the rest of the page by ``over``
    points shrunk as far as it may.  Returns the page texts."""
    caption = "CAPTION-0 of a figure of three panels, ρ = 0.6ᵗ."
    probe = pages.Document("probe")
    row = pages._flowables().FigureRow([probe.figure(_three_panels, height=400.0,
                                                     caption=caption)], probe)
    assert max(pages.MIN_SHRINK, row._floor()) > pages.MIN_SHRINK  # its panels hold it
    need = row.least() + probe._notes_height([pages.legend_text(pages.used_hows([caption]))])
    b = report.Builder("Figure squeeze")
    b.doc.add(pages.Spacer(pages.CONTENT_H - need + over))
    b.doc.figure(_three_panels, height=400.0, caption=caption)
    b.doc.figure(_one_panel, height=200.0, caption="CAPTION-1 of the figure after it.")
    return page_texts(b.write(tmp_path / "figure_squeeze.pdf").pdf)


def test_a_figure_a_few_points_too_tall_stays_above_the_footnotes(tmp_path):
    """The study's p. 2: the first figure of the x² section missed the rest of the page by
    4 pt shrunk to its panels' floor (the summary table above it had gained a line), went to
    the next page with the figures after it and left 23% of the page blank mid-section.  As
    a table does, a figure takes up to NOTE_SQUEEZE points from the clear space above the
    footnote rule; more than that, it still goes to the next page."""
    texts = _figure_page(tmp_path, pages.NOTE_SQUEEZE - 1.0)
    assert "CAPTION-0" in texts[0] and "CAPTION-1" in texts[1], texts
    texts = _figure_page(tmp_path, pages.NOTE_SQUEEZE + 3.0)
    assert "CAPTION-0" not in texts[0] and "CAPTION-0" in texts[1], texts

def _step_rows(n: int, summary: int) -> list[list[str]]:
    """A per-step table's rows: ``n`` steps, then ``summary`` rows that sum them up."""
    tail = [["0–60", "geometric mean", "0.6ᵐ"], ["0–60", "robust fit (measured rate)", "0.6ᶠ"],
            ["theory", "", "0.6ᵗ"]][-summary:]
    return [[f"{k}", f"STEP-{k} 1.5e−0{k % 10}ᵐ", "0.6ᵐ"] for k in range(n)] + tail


def _table_at_foot(tmp_path, rows, room_rows: float, name: str, heading: bool = False, **kw):
    """A document whose first page leaves room for the title, the header and about
    ``room_rows`` of ``rows`` (one-line rows; the footnotes take some), then the table
    (``kw``: its other arguments), then text of the same section (``heading``: of the next
    section, which no table passes to fill the page)."""
    cols = [pages.Column("k", "r"), pages.Column("e_k", "r"), pages.Column("ratio", "r")]
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "Per step"),
                                             pages.Document("probe"))
    _, height = probe.wrap(pages.CONTENT_W, 1e6)
    heights = probe.table._rowHeights
    title = height - sum(heights)
    b = report.Builder("Per-step table")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 30.0 - title - heights[0]
                           - room_rows * heights[1]))
    b.doc.table(cols, rows, title="Per step", **kw)
    if heading:
        b.doc.heading("Next section")
    return (*_rest_of_section(b, tmp_path / name), height)


@pytest.mark.usefixtures("small_split_gap")
def test_a_short_per_step_table_never_leaves_its_summary_rows_alone(tmp_path):
    """Study p. 12: 'GD with η = 0.2', six steps and three summary rows, split with its
    summary rows alone at the top of the next page (moving it whole would have left 18 % of
    the page blank).  A short table that splits (no text after it fills the page) leaves
    MIN_ROWS step rows at least on this page and takes as many (SUMMARY_WITH) to the next
    with its summary rows; with room for fewer than MIN_ROWS step rows it moves whole."""
    rows = _step_rows(6, 3)
    res, texts, height = _table_at_foot(tmp_path, rows, 6.5, "short.pdf", heading=True,
                                        summary=3)
    assert height < pages.CONTENT_H / 3.0 and len(rows) <= pages.SHORT_ROWS
    first = re.findall(r"STEP-(\d+) ", texts[0])
    rest = re.findall(r"STEP-(\d+) ", texts[1])
    assert first + rest == [str(k) for k in range(6)], (first, rest)
    assert len(first) >= pages.MIN_ROWS and len(rest) >= pages.MIN_ROWS, (first, rest)
    assert "geometric mean" in texts[1] and "geometric mean" not in texts[0]
    assert res.page_fill[0].blank <= pages.SHORT_SPLIT_GAP, res.page_fill
    res, texts, _ = _table_at_foot(tmp_path, rows, 2.5, "whole.pdf", summary=3)
    assert "STEP-" not in texts[0] and "(continued)" not in " ".join(texts), texts


def test_summary_rows_go_with_summary_with_rows_they_sum_up(tmp_path):
    """A long per-step table split right above its three summary rows (geometric mean,
    robust fit, theory) left them alone at the top of the next page; they now take the last
    SUMMARY_WITH step rows with them."""
    rows = _step_rows(30, 3)
    res, texts, _ = _table_at_foot(tmp_path, rows, 32.3, "long.pdf", summary=3)
    nxt = next(t for t in texts if "Per step (continued)" in t)
    steps = re.findall(r"STEP-(\d+) ", nxt)
    assert len(steps) >= pages.SUMMARY_WITH and "geometric mean" in nxt, nxt[:300]
    assert steps == [str(k) for k in range(30 - len(steps), 30)]
    assert sum(len(re.findall(r"STEP-\d+ ", t)) for t in texts) == 30


def _tall_table_with_long_notes() -> tuple[list, list, list[str], object, float]:
    """Seven tall rows whose notes take more than a page's foot: columns, rows, notes, a
    flowable of the table without its notes and the height of its title and rows."""
    cols = [pages.Column("what"), pages.Column("note")]
    rows = [[f"ROW-{i} " + "a tall cell of words " * 26, "and beside it " * 40]
            for i in range(7)]
    notes = ["NOTE, " + "a footnote explained at length, " * 40]  # no head: plain_note
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "TALL"),
                                             pages.Document("probe"))
    return cols, rows, notes, probe, probe.wrap(pages.CONTENT_W, 1e6)[1]


def test_a_table_whose_notes_miss_the_page_leaves_it_filled(tmp_path):
    """Himmelblau p. 5 and the quadratic report's p. 5: every row of 'Predicted and
    measured convergence' fitted the page but its long footnotes did not, and the split
    took rows to the next page with them (MIN_ROWS left the page more than a third blank,
    the 1 or 2 taken later left it 0.25-0.30 blank and the last row alone under a repeated
    header).  Every row stays on the page, the notes go to the foot of the next one."""
    cols, rows, notes, probe, height = _tall_table_with_long_notes()
    heights = probe.table._rowHeights
    spare = 20.0  # all rows fit under the spacer, their footnotes do not
    # MIN_ROWS rows moved would leave more than a third of the page blank
    assert spare + sum(heights[-pages.MIN_ROWS:]) > pages.CONTENT_H / 3.0
    b = report.Builder("Notes miss the page")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 30.0 - height - spare))
    # the table as given: Document.table would set cells over LONG_CELL_LINES under it
    b.doc.add(pages.Table(cols, rows, "TALL", notes))
    res, texts = _rest_of_section(b, tmp_path / "notes.pdf")
    first, rest = _split_rows(texts, 7, r"ROW-(\d+) ")
    assert rest == [], rest
    assert "at length" not in texts[0] and "NOTE," in texts[1]
    assert "TALL" not in texts[1].replace("‘TALL’", "")  # no title, no row: only the notes
    # the notes say whose they are (kink p. 5, chained Rosenbrock p. 7)
    assert "Notes to the table ‘TALL’ on the page before:" in " ".join(texts[1].split())
    assert texts[1].index("on the page before") < texts[1].index("NOTE,")
    # the page holds the rows down to the spare points under them (and the space after)
    assert blank_share(reader(res.pdf).pages[0]) <= (spare + 30.0) / pages.CONTENT_H
    assert res.page_fill[0].blank <= (spare + 30.0) / pages.CONTENT_H, res.page_fill


def test_a_page_with_carried_notes_sets_its_own_notes_under_a_line_of_their_own(tmp_path):
    """Chained Rosenbrock p. 7: the notes of p. 6's table, under "Notes to the table
    ‘Predicted and measured convergence’ on the page before:", ran on into the notes of
    p. 7's own tables with no line between them.  The page's own notes come under
    "This page's own notes:" (not "Notes to the tables on this page:", which kink p. 5, with
    one table, read as a wrong plural); a page with no carried notes has no such line."""
    cols, rows, notes, probe, height = _tall_table_with_long_notes()
    b = report.Builder("Own notes")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 30.0 - height - 20.0))
    b.doc.add(pages.Table(cols, rows, "TALL", notes))
    b.doc.add(pages.Table(cols, [["OWN-ROW", "a cell"]], "OWN", ["OWNNOTE, a note of its own"]))
    b.doc.add(pages.Table(cols, [["LAST-ROW", "a cell"]], "LAST", ["LASTNOTE, one more"]))
    _, texts = _rest_of_section(b, tmp_path / "own.pdf")
    page = " ".join(texts[1].split())
    assert "OWN-ROW" in page and "OWNNOTE" in page and "LASTNOTE" in page
    order = [page.index(s) for s in ("on the page before:", "NOTE, a footnote",
                                     pages.OWN_NOTES, "OWNNOTE", "LASTNOTE")]
    assert order == sorted(order), order
    assert page.count(pages.OWN_NOTES) == 1 and pages.OWN_NOTES == "This page's own notes:"
    assert pages.OWN_NOTES not in " ".join(texts[0].split())
    # the rule on its own: only after a carried table's line, once, not for carried notes
    carried = pages.carried_notes(notes, "TALL")
    assert pages.own_notes_line(carried, ["OWNNOTE"])
    assert not pages.own_notes_line(["NOTE, plain"], ["OWNNOTE"])
    assert not pages.own_notes_line([*carried, pages.OWN_NOTES], ["LASTNOTE"])
    assert not pages.own_notes_line(carried, pages.carried_notes(["MORE"], "OTHER"))


@pytest.mark.parametrize("spare", [8.0, 45.0])
def test_a_page_whose_table_notes_go_next_says_so_where_that_fits(tmp_path, spare):
    """Chained Rosenbrock p. 6 (and kink p. 4): every row of a table fitted the page and its
    notes went to the foot of the next, with nothing on the page to say so.  A line says
    where they are (:func:`pages.notes_follow`) when it fits under the rows (``spare``
    points: 45 do, 8 do not; then the table's title says it, and the rows still stay whole
    on the page)."""
    cols, rows, notes, _, height = _tall_table_with_long_notes()
    b = report.Builder("Pointer")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 30.0 - height - spare))
    b.doc.add(pages.Table(cols, rows, "TALL", notes))
    _, texts = _rest_of_section(b, tmp_path / "pointer.pdf")
    assert re.findall(r"ROW-(\d+) ", texts[0]) == [str(i) for i in range(7)]
    said = " ".join(pages.notes_follow("TALL").split()) in " ".join(texts[0].split())
    assert said == (spare > 40.0), texts[0][-200:]
    titled = "TALL (notes at the foot of the next page)" in " ".join(texts[0].split())
    assert titled == (not said), texts[0][:200]
    assert "NOTE," in texts[1] and "NOTE," not in texts[0]


def test_a_page_that_says_its_table_notes_follow_points_to_none_of_them():
    """Chained Rosenbrock p. 6: every row of the theory table fitted the page, its notes
    went to the foot of p. 7, and the page ended with a pointer to each long one ("Agreement,
    CG, BFGS and L-BFGS: see the full notes on p. 7.", "Where the theory was evaluated: see
    the full note on p. 7.") above the line that says all of them are there
    (:func:`pages.notes_follow`).  That line (or the title that says it) is the pointer."""
    rule = "Agreement: the rule of every verdict.  " + "More words of the rule. " * 12
    rows = [["GD", "a"], ["momentum", "b"]]
    t = pages.Table([pages.Column("method"), pages.Column("x")], rows, "T", [rule])
    doc = pages.Document("probe")
    doc._notes_before = {rule: 7}  # printed in full on p. 7 in the layout pass before
    part = pages._flowables().TableFlowable(t, doc, None, False, rows, notes=False)
    assert part._notes() == ["Agreement: see the full note on p. 7."]
    part.notes_next = True  # the rows here, the notes at the foot of the next page
    assert part._notes() == []
    part.notes_follow = True  # and the page says so, naming the table: text may follow it
    assert part._notes() == [
        "The notes to the table ‘T’ are at the foot of the next page."]


def test_the_rows_that_go_take_the_notes_of_their_marks_with_them(tmp_path):
    """Himmelblau p. 5: every row of 'Predicted and measured convergence' fitted the page,
    its footnotes did not; the split weighed the blank it leaves with the notes of all the
    rows (those of the last rows too), so MIN_ROWS rows went and their notes with them, and
    the page was 0.38 blank.  The blank of each split is weighed with the notes of the rows
    that stay: here a mark of the last MIN_ROWS rows explained in a long note.  The rows
    all fit the page with the notes of their marks: they stay, the table's other notes go
    to the next page."""
    cols = [pages.Column("what"), pages.Column("note")]
    n, marked = 7, range(7 - pages.MIN_ROWS, 7)
    rows = [[f"ROW-{i}{'†' if i in marked else ''} " + "a cell of words " * 10,
             "and beside it " * 12] for i in range(n)]
    dagger = "† " + "a mark explained at length in its own footnote, " * 22
    notes = ["NOTE: " + "a footnote explained at length, " * 80, dagger]
    doc = pages.Document("probe")
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "TALL", notes=notes), doc)
    _, height = probe.wrap(pages.CONTENT_W, 1e6)
    moved = sum(probe.table._rowHeights[-pages.MIN_ROWS:])
    mark_room = doc._notes_height([dagger])
    gap = pages.CONTENT_H / 3.0
    # the room under the rows: MIN_ROWS rows moved leave more than a third of the page blank
    # (by half the dagger's note), less than a third if that note stayed on the page
    spare = gap - moved + mark_room / 2.0
    assert mark_room / 2.0 > 0.04 * pages.CONTENT_H and spare > mark_room
    b = report.Builder("Notes of marks")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 30.0 - height - spare))
    b.doc.table(cols, rows, title="TALL", notes=notes)
    res, texts = _rest_of_section(b, tmp_path / "marks.pdf")
    first, rest = _split_rows(texts, n)
    assert rest == [], rest
    assert "† a mark" in texts[0] and "footnote explained" in texts[1]
    assert "footnote explained" not in texts[0]
    assert blank_share(reader(res.pdf).pages[0]) <= 1 / 3
    assert res.page_fill[0].blank <= 1 / 3, res.page_fill


def test_a_figure_waiting_goes_after_the_rest_of_a_split_table(tmp_path):
    """Study p. 11: section 3's table split 3 + 3 over a page with the figure that waited
    for the top of the next page between its halves.  The rest of a split table goes first
    on the next page, the figure after it, as after the rest of a split paragraph."""
    b = report.Builder("Figure and split table")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.paragraph("BEFORE-IT: a paragraph of plain text.")
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION of a tall figure.")
    b.doc.table(["k", "e_k"], [[f"ROW-{k}", f"{0.5 ** k:g}"] for k in range(40)],
                title="STEPS")
    res, texts = _rest_of_section(b, tmp_path / "figure_rest.pdf")
    first, rest = _split_rows(texts, 40)
    assert len(first) >= pages.MIN_ROWS and len(rest) >= pages.MIN_ROWS, (first, rest)
    assert texts[1].index("STEPS (continued)") < texts[1].index("CAPTION"), texts[1][:400]


def test_per_step_tables_name_their_summary_rows(four_reports):
    """The reports' per-step tables mark as summary rows the rows after their steps (the
    fit window's geometric mean and fit, theory, theory band): the rows whose k is not one
    step."""
    tables = [b for _, d in four_reports.values() for b in d.blocks
              if isinstance(b, pages.Table) and b.title and "errors and ratios" in b.title]
    assert tables
    for t in tables:
        steps = [r for r in t.rows if re.fullmatch(r"\d+\W?", r[0])]
        assert t.rows[:len(steps)] == steps and t.summary == len(t.rows) - len(steps), t.title
        assert t.rows[-t.summary][0] != "" and t.summary >= 1


def test_a_formula_in_running_text_reads_as_its_typeset_formula():
    """Study p. 21: a heading wrote "0.1x₁² + 2x₂²" above the typeset "x₁²/10 + 2x₂²": text
    takes the formula printer's order and form, names indexed as typeset."""
    import sympy as sp

    from analysis.pages import math_latex, text_math

    x1, x2, x, y = sp.symbols("x1 x2 x y")
    expr = sp.Rational(1, 10) * x1**2 + 2 * x2**2
    assert math_latex(expr) == r"\frac{x_{1}^{2}}{10} + 2 x_{2}^{2}"
    assert text_math(expr) == "x₁²/10 + 2x₂²"
    assert text_math(x**2 - y**2) == "x² − y²"
    assert text_math(sp.Rational(1, 2) * x1**2 + 50 * x2**2) == "x₁²/2 + 50x₂²"


def test_a_short_formula_in_a_table_cell_is_one_piece():
    """Study pp. 23, 27: method cells broke inside formulas ("β / = 0.5", "(√κ − 1)/(√κ + /
    1)", "1 / − 1/√κ"): a short formula, operands joined by spaced signs, is one piece, as a
    bracketed group is; a word beside a sign stays apart ("band", "≤ 1%", a bound)."""
    assert pages.cell_words("momentum with η = 0.6, β = 0.5") == [
        "momentum", "with", "η = 0.6,", "β = 0.5"]
    assert pages.cell_words("heavy ball: rate vs (√κ − 1)/(√κ + 1), κ = 100")[-2:] == [
        "(√κ − 1)/(√κ + 1),", "κ = 100"]
    assert pages.cell_words("Nesterov, η = 1/L: rate vs 1 − 1/√κ, κ = 100") == [
        "Nesterov,", "η = 1/L:", "rate", "vs", "1 − 1/√κ,", "κ = 100"]
    assert pages.cell_words("GD with η = 2/(μ + L)") == ["GD", "with", "η = 2/(μ + L)"]
    assert pages.cell_words("−ln ρ 0.84% off band ≤ 1%")[-2:] == ["off", "band ≤ 1%"]
    assert pages.cell_words("Δln ρ/ln ρ < 0.01% ≤ 1%") == ["Δln ρ/ln ρ < 0.01% ≤ 1%"]
    # a formula is held by its column's width; too wide for it, it breaks at its spaces,
    # each sign kept with the operand before it, as a bracketed group does
    for unit in ("(√κ − 1)/(√κ + 1),", "[k = 3–78]"):  # a window is held too
        assert pages.unit_parts(unit) == [unit]
    assert pages.piece_parts("(√κ − 1)/(√κ + 1),") == ["(√κ −", "1)/(√κ +", "1),"]
    assert pages.piece_parts("[k = 3268–20000]") == ["[k =", "3268–20000]"]
    t = pages.Table([pages.Column("what"), pages.Column("note")],
                    [["heavy ball: rate vs (√κ − 1)/(√κ + 1), κ = 100", "words " * 80]])
    widths = pages.column_widths(t, 300.0)
    assert widths[0] >= pages.string_width("(√κ − 1)/(√κ + 1),", t.size) + pages.CELL_PAD
    # laid out in a column that holds the formula, it stays on one line
    t = pages.Table([pages.Column("what"), pages.Column("note")],
                    [["momentum with η = 0.6, β = 0.5", "words " * 40]])
    formula = pages.string_width("β = 0.5", t.size) + pages.CELL_PAD + 1.0
    widths = [formula, 300.0]
    lines = _laid_out(t, widths)[1][0]
    assert "β = 0.5" in lines and all(s not in ("β", "= 0.5", "β =") for s in lines), lines


def test_a_setting_bound_or_window_in_a_table_cell_is_held_whole():
    """Study p. 27 "0.9802ᶠ [k =" / "0–1474]", p. 40 "GD with" / "η =" / "0.001", p. 3 "to
    x" / "≤ 1", kink p. 5 "damping" / "= 1", "memory =" / "10": a piece stating a relation
    (a setting of any name, a bound with the symbol it bounds, a window) is one piece and
    sets its column's least width, so it stays on one line; a bound goes with the word
    before it too ("band ≤ 1%"), no line begins with its sign."""
    assert pages.cell_words("GD (η = 1) steps from x = 4 to x ≤ 1")[-2:] == ["to", "x ≤ 1"]
    assert pages.cell_words("damping = 1") == ["damping = 1"]
    assert pages.cell_words("memory = 10") == ["memory = 10"]
    assert pages.cell_words("off band ≤ 1%") == ["off", "band ≤ 1%"]
    pieces = ["η = 0.001", "[k = 0–1474]", "memory = 10", "x ≤ 1"]
    assert all(pages.unit_parts(p) == [p] for p in pieces)
    t = pages.Table([pages.Column("method"), pages.Column("measured rate [window]"),
                     pages.Column("settings"), pages.Column("what"), pages.Column("note")],
                    [["GD with η = 0.001", "0.9802ᶠ [k = 0–1474]", "memory = 10",
                      "steps from x = 4 to x ≤ 1", "words " * 60]])
    widths = pages.column_widths(t, 300.0)
    for piece, w in zip(pieces, widths, strict=False):
        assert w >= pages.string_width(piece, t.size) + pages.CELL_PAD, (piece, widths)
    cells = _laid_out(t, widths)[1]
    for piece, lines in zip(pieces, cells, strict=False):
        assert any(piece in ln for ln in lines), (piece, lines)


def test_no_column_is_narrower_than_its_longest_word():
    """Study pp. 2–8: the summary's formula pieces ("ρ = (√κ − 1)/(√κ + 1)", "‖x‖ =
    7.237e−09ᵐ") made their columns so wide that the table scaled every column down below
    its longest word: "verdi / ct", "agree / s", "7.237e−0 / 9ᵐ", "graph-ab / ove-chord".
    Each column is at least as wide as its longest word, and every line of every cell is
    made of the cell's whole words; formulas are held where the width allows it, and in a
    narrower table the widest of them break at their spaces first, never a word."""
    note = "largest graph-above-chord gap on chords over two grid steps, h = 0.0333; " * 2
    rows = [["convexity", "GD started on the stable manifold", "‖x‖ = 0ⁿ",
             "‖x‖ = 7.237e−09ᵐ after 84 steps", "|m − p| ≤ 1e−06", "agrees", note],
            ["ill-conditioning", "heavy ball: rate vs (√κ − 1)/(√κ + 1), κ = 100",
             "ρ = (√κ − 1)/(√κ + 1) = 0.818182ᵗ", "0.818190ᶠ [k = 3–78]",
             "Δexponent/exponent 0.1% ≤ 1%", "agrees", "(η, β) = (0.549, 0.45) " * 3],
            ["plateaus", "tanh plateau: |f′(4)| = 0.00134ᵉ < 0.01", "9.99999999294ᵗ",
             "1 − 1/√κ = 0.9ᵗ", "q = 2.94 in [2.7, 3.9]", "agrees", "words " * 30]]
    t = pages.Table([pages.Column(h) for h in ["section", "what", "theory", "measured",
                                               "decided by", "verdict", "note"]], rows)
    cells = [[c.header for c in t.columns]] + rows
    for width, formulas_held in ((pages.CONTENT_W, True), (420.0, False)):
        widths = pages.column_widths(t, width)
        assert abs(sum(widths) - width) < 1e-6
        for j, w in enumerate(widths):
            longest = max(pages.string_width(word, t.size, pages.FONT + ("-Bold" if i == 0
                                                                          else ""))
                          for i, row in enumerate(cells) for word in row[j].split())
            assert w - pages.CELL_PAD >= longest, (width, t.columns[j].header, w, longest)
        laid = _laid_out(t, widths)
        for row, out in zip(cells, laid, strict=True):
            for text, lines in zip(row, out, strict=True):
                # whole words, or a word broken after an unspaced operator ("1)/" "(√κ")
                words = {p for w in text.split() for p in (w, *re.split(r"(?<=[/·×])", w))}
                assert all(word in words for line in lines for word in line.split()), (
                    width, lines)
        what = laid[2][1]
        assert ("(√κ − 1)/(√κ + 1)," in what) is formulas_held, (width, what)
    assert laid[0][5] == ["verdict"] and all(r[5] == ["agrees"] for r in laid[1:])


def _set_lines(f) -> list[str]:
    """The lines a wrapped paragraph flowable ``f`` was set in, as text (its non-breaking
    spaces read as spaces, runs of spaces as one)."""
    bl = f.blPara
    lines = [" ".join(x[1]) if bl.kind == 0 else "".join(w.text for w in x.words)
             for x in bl.lines]
    return [" ".join(ln.replace(pages.NBSP, " ").split()) for ln in lines]


def test_a_short_bracketed_group_in_prose_is_never_broken_over_two_lines():
    """Study pp. 3–12: "(√κ +" / "1)", "(η," / "β)", "(N −" / "1)", "|1 −" / "ηL|" at line
    ends: a group between brackets or bars with at most SHORT_GROUP characters inside stays
    on one line at every width; a longer group still wraps as words do."""
    short = ["(√κ + 1)", "(η, β)", "(N − 1)", "|1 − ηL|", "[k = 4–7]", "‖x − y‖"]
    assert all(len(g) - 2 <= pages.SHORT_GROUP for g in short)
    long = "(a group of many more words than a short one holds)"
    assert len(long) - 2 > pages.SHORT_GROUP
    text = ("The iterates converge when " + ", then ".join(short) + " hold, at ρ = "
            "(√κ − 1)/(√κ + 1), and " + long + " wraps.")
    for p in (pages.Paragraph(text), pages.Paragraph(text, style="italic", bullet="•")):
        broken_long = False
        # from the width of the widest word on (a narrower line splits words themselves),
        # "ρ = (√κ − 1)/(√κ + 1)," one word: a relation sign is bound to its operand
        widest = max(pages.string_width(w, pages.BODY, f"{pages.FONT}-Oblique")
                     for w in pages.bound_spaces(text).split(" "))
        for width in range(int(widest) + 15, 460, 7):
            f = pages._paragraph(p)
            f.wrap(width, 1e6)
            lines = _set_lines(f)
            assert " ".join(lines) == " ".join(text.split()), lines
            for g in short:
                assert any(g in ln for ln in lines), (width, g, lines)
            broken_long |= not any(long in ln for ln in lines)
        assert broken_long
    # the spaces inside are the ones bound; nested groups are bound as a whole when short
    assert pages.bound_groups("(B(N − 1)) and (x)") == f"(B(N{pages.NBSP}−{pages.NBSP}1)) and (x)"
    assert pages.bound_groups(long) == long


def _tall_rows(n: int = 5, words: int = 14) -> tuple[list[pages.Column], list[list[str]]]:
    cols = [pages.Column("what"), pages.Column("note")]
    return cols, [[f"TROW-{i}", "words that wrap over lines " * words] for i in range(n)]


def test_a_figure_placed_after_waiting_shrinks_for_the_short_table_after_it(tmp_path):
    """Study p. 24: the heavy-ball map waited for the next page (the text after it filled
    this one) and, placed at its top, no longer knew the block after it: the short table
    'Predicted and measured convergence' missed the rest of the page and moved whole, which
    left it 36 % blank.  A waiting figure, once placed, makes room for the block that now
    follows it as any figure does (it shrinks within MIN_SHRINK)."""
    cols, rows = _tall_rows()
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "CONVERGENCE"),
                                             pages.Document("probe"))
    _, table_h = probe.wrap(pages.CONTENT_W, 1e6)
    assert probe.short() and not probe.splits_short(pages.CONTENT_H / 4.0)  # it moves whole
    fig_h = 520.0
    left = pages.CONTENT_H - fig_h - 4.0 - 8.0  # under the figure at its size
    assert pages.FILL_GAP * pages.CONTENT_H < left < table_h + 8.0
    b = report.Builder("Float then table")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 250.0))
    b.doc.paragraph("BEFORE-IT: a paragraph of plain text.")
    b.doc.figure(_one_panel, height=fig_h, caption="")  # MIN_SHRINK of it misses the rest
    b.doc.paragraph("AFTER-0: " + "text that fills the page " * 30)
    b.doc.table(cols, rows, title="CONVERGENCE")
    res, texts = _rest_of_section(b, tmp_path / "float_table.pdf")
    assert b.doc.deferred and "AFTER-0" in texts[0] and "TROW-0" not in texts[0]
    assert "TROW-0" in texts[1] and "TROW-4" in texts[1], texts[1][-300:]
    assert res.page_fill[1].blank <= pages.FILL_GAP, res.page_fill
    fig = b.doc.figures()[0]
    drawn = [h for (_, h), d in fig._drawings.items() if d is not None]
    assert min(drawn) >= pages.MIN_SHRINK * fig_h - 1e-6, drawn


def test_a_few_row_table_splits_rather_than_leave_a_third_of_the_page_blank(tmp_path):
    """Study p. 30: a figure that cannot shrink to the 35 % left waited for the next page;
    the short table after it ('Theory and measurement', five tall rows and long footnotes)
    did not fit the gap whole and, too short for MIN_ROWS rows on either side, moved whole
    too, which left the gap blank.  Its rows all fit the gap, its notes do not: the rows
    fill the gap and the notes go to the foot of the next page (a split would have left
    GAP_ROWS tall rows under the figure there, the table in two halves around it, and the
    gap more than NOTES_NEXT_GAP blank)."""
    cols, rows = _tall_rows()
    notes = ["NOTE: " + "a footnote explained at length, " * 30]
    probe = pages._flowables().TableFlowable(pages.Table(cols, rows, "CHECKS", notes=notes),
                                             pages.Document("probe"))
    assert probe.short()
    b = report.Builder("Float then table")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 330.0))
    b.doc.paragraph("BEFORE-IT: a paragraph of plain text.")
    b.doc.figure(_three_panels, height=500.0, caption="CAPTION of a tall figure.")
    b.doc.table(cols, rows, title="CHECKS", notes=notes)
    res, texts = _rest_of_section(b, tmp_path / "float_split.pdf")
    first = re.findall(r"TROW-(\d+)", texts[0])
    rest = re.findall(r"TROW-(\d+)", texts[1])
    assert first + rest == [str(i) for i in range(5)], (first, rest)
    assert rest == [] and "CAPTION" in texts[1], texts[1]
    assert "CHECKS" not in texts[1].replace("‘CHECKS’", ""), texts[1]  # only the notes' line
    assert "NOTE:" in texts[1] and "NOTE:" not in texts[0]
    assert res.page_fill[0].blank <= pages.MAX_GAP, res.page_fill


def test_the_formulas_of_a_display_stay_together_with_their_lead_in(tmp_path):
    """The quadratic report's pp. 2–3: the Hessian's entries ∂²f/∂x² (p. 2) and ∂²f/∂y²
    (p. 3) were split over the page.  The formulas of one display go together, each with
    all its lines, and with the short paragraph that introduces them."""
    b = report.Builder("Display")
    b.doc.heading("Section")
    b.doc.add(pages.Spacer(pages.CONTENT_H - 80.0))  # room for the paragraph and one entry
    b.doc.paragraph("INTRO: the Hessian's entries, derived term by term.")
    for k in range(3):
        b.doc.add(pages.Formula(pages.plain_formula(f"ENTRY-{k} = {k + 1}*x + {k}*y")))
    res, texts = _rest_of_section(b, tmp_path / "display.pdf")
    on = {name: [i for i, t in enumerate(texts) if name in t]
          for name in ("INTRO", "ENTRY-0", "ENTRY-1", "ENTRY-2")}
    assert all(len(v) == 1 for v in on.values()), on
    assert len({v[0] for v in on.values()}) == 1, on
    assert on["INTRO"] == [1], on  # they did not fit the rest of the first page together


def test_a_count_is_never_broken_between_its_thousands():
    """"1" / "000 iterations" at a line end: the space a count's thousands are set apart by
    (:func:`landscape.numfmt.spaced`) is bound, at every width; other spaces still break."""
    from landscape.numfmt import spaced

    counts = [spaced(n) for n in (1000, 60000, 1620000)]
    assert counts == ["1 000", "60 000", "1 620 000"]
    text = " ".join(f"then {c} iterations and 3 more" for c in counts * 3)
    assert pages.bound_numbers("1 000 and 3 100s, 12 3456") == (
        f"1{pages.NBSP}000 and 3{pages.NBSP}100s, 12 3456")
    # a page reference stays with its number; "top. 5" is no reference
    assert pages.bound_numbers("see p. 15 and pp. 5–6, top. 5") == (
        f"see p.{pages.NBSP}15 and pp.{pages.NBSP}5–6, top. 5")
    for width in range(60, 300, 9):
        f = pages._paragraph(pages.Paragraph(text))
        f.wrap(width, 1e6)
        lines = _set_lines(f)
        assert " ".join(lines) == " ".join(text.split())
        assert all(c in " ".join(lines) for c in counts)
        assert not any(re.search(r"\d$", ln) and re.match(r"\d{3}\b", nxt)
                       for ln, nxt in zip(lines, lines[1:], strict=False)), (width, lines)


def test_a_count_in_a_table_cell_is_one_piece_with_its_marker():
    """Kink and Rosenbrock reports p. 5: the evals columns printed "1 001" with the marker
    "ᵐ" alone on the next line: the column was made as wide as "001ᵐ" while the page binds
    the count whole. The count is one piece of the cell, and its column holds it."""
    assert pages.cell_words("1 001ᵐ evals") == ["1 001ᵐ", "evals"]
    assert pages.cell_words("12 345 678ᵐ") == ["12 345 678ᵐ"]
    assert pages.cell_words("3 100s") == ["3 100s"]
    assert pages.cell_words("12 3456") == ["12", "3456"]
    cols = [pages.Column("method"), pages.Column("f evals"), pages.Column("∇f evals")]
    rows = [["GD", "1 001ᵐ", "1 001ᵐ"], ["Newton", "7ᵐ", "7ᵐ"]]
    t = pages.Table(cols, rows, "evals")
    need = pages.string_width("1 001ᵐ", t.size, pages.FONT)
    widths = pages.column_widths(t, 120.0)  # too narrow for every cell on one line
    assert min(widths[1:]) >= need - 1e-9, (widths, need)


def test_a_line_of_prose_never_begins_or_ends_with_a_relation_sign():
    """Study p. 17 "the third derivative f‴" / "= 6 ≠ 0 decides" and p. 32 "and Σηₖ²" /
    "< ∞": the space before a spaced relation sign is bound to the word before it.  Study
    p. 25 "η = 4/(√L + √μ)², β =" / "((√κ − 1)/(√κ + 1))²", Rosenbrock p. 12 "‖x‖∞ >" /
    "1e+08·(1 + ‖x₀‖∞)", campaign p. 1 "Himmelblau: f =" / "(x² + y − 11)² + …": the space
    after a sign is bound to its operand too, at every width; the lines break between the
    formulas' terms and words."""
    text = ("For x³ the Hessian test is silent and the third derivative f‴ = 6 ≠ 0 decides; "
            "the sums Σηₖ = ∞ and Σηₖ² < ∞ hold, E(xₖ − x*)² ≈ a²σ²/k ∝ 1/k, and "
            "the step η ≤ 2/(μ + L) with ρ ≥ 0.123456789 when κ > 1 and "
            "the long ratio = 0.987654 holds.  Heavy ball with Polyak's tuning "
            "η = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))², stopped at an iterate with "
            "‖x‖∞ > 1e+08·(1 + ‖x₀‖∞); Himmelblau: f = (x² + y − 11)² + (x + y² − 7)² "
            "on the box.")
    rel = "[" + pages.RELATIONS + "]"
    # from the width that holds the widest unbreakable piece ("β = ((√κ − 1)/(√κ + 1))²,")
    widest = max(pages.string_width(w, pages.BODY, f"{pages.FONT}-Oblique")
                 for w in pages.bound_spaces(text).split(" "))
    for p in (pages.Paragraph(text), pages.Paragraph(text, style="italic", bullet="•")):
        for width in range(int(widest) + 15, 460, 5):
            f = pages._paragraph(p)
            f.wrap(width, 1e6)
            lines = _set_lines(f)
            assert " ".join(lines) == " ".join(text.split()), lines
            assert not any(re.match(rel + r"(?:\s|$)", ln) for ln in lines[1:]), (width, lines)
            assert not any(re.search(r"(?:^|\s)" + rel + "$", ln) for ln in lines), (
                width, lines)
    nb = pages.NBSP
    assert pages.bound_relations("f‴ = 6 ≠ 0 decides, Σηₖ² < ∞ (the") == (
        f"f‴{nb}={nb}6{nb}≠{nb}0 decides, Σηₖ²{nb}<{nb}∞ (the")
    assert pages.bound_relations("η = 0.001 and <0.01% of a, a => b") == (
        f"η{nb}={nb}0.001 and <0.01% of a, a => b")
    # an operator sign opening a bracket stays with its operand (study p. 40 broke a line
    # after "(×"); a marker's symbol in brackets stays with its word
    assert pages.bound_marks("0.00856 → 9.77e−05 (× 0.0114, per-step") == (
        f"0.00856 → 9.77e−05 (×{nb}0.0114, per-step")
    assert pages.bound_marks("a run diverged (×).") == f"a run diverged{nb}(×)."
    # a long operand keeps its first word with the sign; it breaks at its own spaces
    assert pages.bound_spaces("ρ = (√κ − 1)/(√κ + 1)") == (
        f"ρ{nb}={nb}(√κ{nb}−{nb}1)/(√κ{nb}+{nb}1)")
    assert pages.bound_spaces("f = (x² + y − 11)² + (x + y² − 7)²") == (
        f"f{nb}={nb}(x²{nb}+{nb}y{nb}−{nb}11)² + (x{nb}+{nb}y²{nb}−{nb}7)²")
    # prose only: a table cell's pieces are bound as its column allows
    assert pages.markup("a < b", groups=False) == "a &lt; b"


def test_a_setting_or_bound_with_a_number_in_prose_stays_on_one_line():
    """Study pp. 15, 25: bold table titles broke "(fit window k =" / "10000–20000)": a
    relation sign followed by a number, of any length, keeps the number on its line, as it
    keeps a short operand; the title wraps elsewhere, between words."""
    nb = pages.NBSP
    assert pages.bound_spaces("(fit window k = 10000–20000)") == (
        f"(fit window k{nb}={nb}10000–20000)")
    assert pages.bound_relations("x ≤ 1, f ≈ 2.2e−16, ρ = 0.95773ᵗ.") == (
        f"x{nb}≤{nb}1, f{nb}≈{nb}2.2e−16, ρ{nb}={nb}0.95773ᵗ.")
    title = ("GD with η = 0.1: errors and ratios at k = 0, 1, 2, 6668, 13333, 19999 of "
             "0–19999 (fit window k = 10000–20000)")
    seen = set()
    unit = pages.string_width("(fit window k = 10000–20000)", pages.BODY)
    for width in range(int(unit) + 2, 400, 3):
        f = pages._paragraph(pages.Paragraph(title))
        f.wrap(width, 1e6)
        lines = _set_lines(f)
        assert " ".join(lines) == " ".join(title.split()), lines
        assert not any(ln.endswith(("=", "≤", "k")) for ln in lines[:-1]), (width, lines)
        assert any("k = 10000–20000)" in ln for ln in lines), (width, lines)
        seen.add(len(lines))
    assert len(seen) > 2  # the title did wrap, at several widths


def test_a_wrapped_heading_balances_its_lines():
    """Study p. 44: "18  Deep chains of activations: the derivative vanishes with depth"
    wrapped leaving "depth" alone on its second line.  A heading that wraps takes as many
    lines as greedy breaking gives it, each no longer than they must be but for the slack
    (PHRASE_SLACK) it may take to end a line after a clause: set 1 point narrower than its
    longest line less that slack, it would take one line more; it reports the column's
    width, and its chapter rule spans it."""
    from reportlab.platypus import Paragraph as RLParagraph

    ns = pages._flowables()
    title = "Deep chains of activations: the derivative vanishes with depth"
    h = pages.Heading(title, level=1, number="18")
    f = ns.HeadingFlowable(h, "k")
    w, _ = f.wrap(pages.CONTENT_W, 1e6)
    assert w == pages.CONTENT_W
    lines = _set_lines(f)
    assert len(lines) == 2 and len(lines[-1].split()) > 1, lines
    font = f"{pages.FONT}-Bold"
    for level in (1, 2):
        for width in range(160, 520, 11):
            f = ns.HeadingFlowable(pages.Heading(title, level=level, number="18"), "k")
            f.wrap(width, 1e6)
            lines = _set_lines(f)
            assert " ".join(lines) == " ".join(h.title.split()), lines
            greedy = RLParagraph(f.text, f.style)
            greedy.wrap(width, 1e6)
            assert len(lines) == len(greedy.blPara.lines), (width, lines)
            if len(lines) > 1:  # lines no longer than PHRASE_SLACK over the least
                size = pages.HEADING_SIZES[level]
                longest = max(pages.string_width(ln, size, font) for ln in lines)
                tighter = RLParagraph(f.text, f.style)
                tighter.wrap(longest / (1.0 + pages.PHRASE_SLACK) - 1.0, 1e6)
                assert len(tighter.blPara.lines) > len(lines), (width, lines)
    # a heading of one line is set as before
    f = ns.HeadingFlowable(pages.Heading("Short", level=1), "k")
    f.wrap(pages.CONTENT_W, 1e6)
    assert f.width == pages.CONTENT_W


def _cg_table() -> pages.Table:
    """Study p. 43's CG table, short: steps, then its geometric mean, robust fit and theory
    rows, whose labels are far longer than the steps' numbers."""
    cols = [pages.Column("k", "r"), pages.Column("e_k = ‖x_k − x*‖", "r"),
            pages.Column("e_(k+1)/e_k", "r"), pages.Column("e_(k+2)/e_k", "r")]
    steps = [[f"{k}", f"{2.2 / (k + 1):.3g}ᵐ", "0.92249ᵐ", "0.92328ᵐ"] for k in range(6)]
    tail = [["25–45", "geometric mean", "0.25365ᵐ", ""],
            ["25–45", "robust fit on the two-step cycles (measured rate)", "0.47147ᶠ", ""],
            ["theory", "", "≤ 0.96085ʸ (asymptotic), met by the robust fit, as by the "
             "geometric mean", ""]]
    return pages.Table(cols, steps + tail, "CG: errors and ratios per step", summary=3)


def test_summary_rows_span_their_blank_cells():
    """A summary row's text takes the blank cells on the side it starts from: the theory
    row's bound, right-aligned in the ratio column, spans the blank e_k cell before it (not
    the blank two-step cell after it, where its end would leave the ratio column); a left-
    aligned cell takes the blanks after it."""
    r = ["r"] * 4
    assert pages.summary_spans(["theory", "", "≤ 0.9ʸ, met", ""], r) == [
        (0, 0), (1, 2), (3, 3)]
    assert pages.summary_spans(["2–8", "geometric mean", "0.08ᵐ", ""], r) == [
        (0, 0), (1, 1), (2, 2), (3, 3)]
    assert pages.summary_spans(["note", "", "", "x"], ["l", "r", "r", "r"]) == [
        (0, 2), (3, 3)]


def test_summary_rows_do_not_set_the_column_widths():
    """Himmelblau p. 8, Rosenbrock p. 10, study p. 43: the long labels of a per-step table's
    theory and robust-fit rows set its column widths (k and e_k squeezed at the left, a wide
    gap, the ratios at the right margin).  The widths are now those of the steps alone
    (their summary rows' words fit them), and the built table spans the theory row's bound
    over the e_k and ratio columns, as wide as those two columns."""
    t = _cg_table()
    # the steps, and the words of the summary cells set in one column, a word per row
    words = [[w, "", "", ""] for w in ("25–45", "theory")] + [
        ["", w, "", ""] for w in "geometric mean robust fit on the two-step cycles "
                                 "(measured rate)".split()] + [["", "", "0.47147ᶠ", ""]]
    steps = pages.Table(t.columns, t.rows[:-t.summary] + words, t.title)
    widths = pages.column_widths(t, pages.CONTENT_W)
    assert widths == pytest.approx(pages.column_widths(steps, pages.CONTENT_W))
    assert widths != pytest.approx(pages.column_widths(
        pages.Table(t.columns, t.rows, t.title), pages.CONTENT_W))
    # the steps' natural widths plus an equal share of the room: k is the narrowest
    assert widths[0] == min(widths) and max(widths) - min(widths) < 0.2 * pages.CONTENT_W
    flow = pages._flowables().TableFlowable(t, pages.Document("probe"))
    spans = [(c[1], c[2]) for c in flow.table._spanCmds]
    theory = len(t.rows)  # its row in the ReportLab table (the header is row 0)
    assert spans == [((1, theory), (2, theory))]
    flow.wrap(pages.CONTENT_W, 1e6)
    cell = flow.table._cellvalues[theory][1][0]  # set in the span, less its padding
    assert cell.width == pytest.approx(widths[1] + widths[2] - 6.0)
    assert "0.96085" in cell.text and flow.table._cellvalues[theory][2] == ""


def test_a_part_of_a_split_table_spans_only_the_summary_rows_it_holds():
    """A split table's first part holds steps only (no span); the rest, which ends the
    table, spans its theory row."""
    t = _cg_table()
    ns, doc = pages._flowables(), pages.Document("probe")
    first = ns.TableFlowable(t, doc, rows=t.rows[:4], notes=False)
    rest = ns.TableFlowable(t, doc, continued=True, rows=t.rows[4:])
    assert first.summary == 0 and first.table._spanCmds == []
    assert rest.summary == 3 and [(c[1], c[2]) for c in rest.table._spanCmds] == [
        ((1, 5), (2, 5))]


def test_a_wrapped_table_title_balances_its_lines():
    """Rosenbrock p. 10: the title of CG's per-step table wrapped with "1) (fit window k =
    71–86)" alone on its second line.  Its lines are now balanced: as many as at the full
    width, the last at least half as long as the first."""
    title = ("CG: errors and ratios at k = 0, 1, 2, 40, 71, 76, 79, 81, 82, 83, 84, 85, 117 "
             "of 0–117 to x* = P3 = (1, 1, 1, 1, 1) (fit window k = 71–86)")
    t = pages.Table([pages.Column("k", "r"), pages.Column("e_k", "r")], [["0", "1.0"]], title)
    para = pages._flowables().TableFlowable(t, pages.Document("probe")).title
    para.wrap(pages.CONTENT_W, 1e6)
    lines = para.blPara.lines
    width = [pages.string_width(" ".join(w for w in ln[1]), t.size + 1.0, pages.FONT + "-Bold")
             for ln in lines]
    assert len(lines) == 2 and width[1] >= 0.5 * width[0]


def _summary_table_rows() -> tuple[list[str], list[list[str]]]:
    """Study p. 5: the summary table of seven columns, rows with notes of a few lines and
    one note of some 110 words (the heavy-ball row β = 0.25, η = 0.6)."""
    cols = ["section", "what", "theory", "measured", "decided by", "verdict", "note"]
    short = ("double root: theory's ‖eₖ‖ ≤ C (k + 1) ρᵏ shrinks on average by 0.82425 per "
             "step over the window [102, 173]")
    long = ("spectral radius of the 2 × 2 heavy-ball matrix, max over λ ∈ {0.2, 4}; the window "
            "also sees the λ = 0.2 mode (|z| = 0.828), hence 2% rather than 1%; the same "
            "parameters and start as the ill-conditioning section's 'momentum with η = 0.6, "
            "β = 0.25' row (its first 80 steps are these), whose run is 211 steps, of which "
            "k = 0–200 lie above the rounding floor, and whose rate is fitted over k = 52–200 "
            "with the 1% rule, hence its slightly different measured rate (0.858928); rule: "
            "within 2% on ρ and on −ln ρ (here 1.1%); " * 2)
    row = ["Nesterov vs heavy ball", "heavy ball, Polyak's tuning, ρ = (√κ − 1)/(√κ + 1), "
           "κ = 100: convergence", "linear, ρ = 0.81818ᵗ", "linear, ρ = 0.82424ᶠ",
           "measured rate in band", "agrees"]
    return cols, [[*row, short], [*row, long], [*row, short]]


VERDICT = "spectral radius of the 2 × 2 heavy-ball matrix, max over λ ∈ {0.2, 4}"


def test_a_cell_taller_than_a_fifth_of_the_page_goes_under_its_table():
    """Study p. 5: the note of the row "β = 0.25, η = 0.6: rate per step" ran down some 33
    lines of a narrow note column.  A cell taller than a fifth of the page (LONG_CELL_LINES
    lines since) in the column the widths give it is now set under the table as a note
    "[1] note: …", the cell keeping its verdict, up to its first semicolon, and "[1]"; the
    other cells stay; the references count on through the document."""
    cols, rows = _summary_table_rows()
    ns = pages._flowables()
    FIFTH = pages.CONTENT_H / 5.0  # noqa: N806 (the threshold of the build before)
    # as built before: the long note's row, wrapped by ReportLab, is taller than a fifth
    raw = ns.TableFlowable(pages.Table([pages.Column(c) for c in cols], rows),
                           pages.Document("p"))
    raw.wrap(pages.CONTENT_W, 1e6)
    assert raw.table._rowHeights[2] > FIFTH >= max(raw.table._rowHeights[1::2])
    d = pages.Document("probe")
    t = d.table(cols, rows, title="Theory against measurement", notes=["Decided by: …"])
    assert [r[6] for r in t.rows] == [rows[0][6], f"{VERDICT} [1]", rows[2][6]]
    assert t.notes[0] == f"[1] note: {rows[1][6]}" and t.notes[1] == "Decided by: …"
    assert pages.note_mark(t.notes[0]) == "[1]"
    # its note is at the foot of the page that holds its row, not of the others
    assert t.notes[0] in pages.table_notes(t, t.rows[1:2], ends=False)
    assert t.notes[0] not in pages.table_notes(t, t.rows[:1], ends=False)
    flow = ns.TableFlowable(t, d)
    flow.wrap(pages.CONTENT_W, 1e6)
    assert max(flow.table._rowHeights[1:]) <= FIFTH



def test_the_long_cells_under_tables_are_numbered_in_the_order_they_are_printed():
    """Study pp. 4–5: the summary table, built last but printed first, referred to [2] on
    p. 4 and [1] on p. 5.  The references are numbered when the document is laid out, in
    the order of its tables."""
    cols, rows = _summary_table_rows()
    d = pages.Document("probe")
    built_first = d.table(cols, rows, title="Built first")
    later = d.take()
    d.heading("Summary")
    printed_first = d.table(cols, rows, title="Built last, printed first")
    d.extend(later)
    assert built_first.rows[1][6] == printed_first.rows[1][6] == f"{VERDICT} [1]"
    d.story()
    assert printed_first.rows[1][6] == f"{VERDICT} [1]"
    assert printed_first.notes[0].startswith("[1] note: spectral radius")
    assert built_first.rows[1][6] == f"{VERDICT} [2]"
    assert built_first.notes[0].startswith("[2] note: spectral radius")
    d.story()  # laid out again (a document is built in several passes): the same numbers
    assert built_first.rows[1][6] == f"{VERDICT} [2]" and built_first.notes[0][:4] == "[2] "


def test_the_long_cells_of_one_table_are_numbered_down_its_rows():
    """Study pp. 4–5: the summary table referred to [2] on p. 4 and [1] on p. 5 (its long
    cells were numbered tallest first).  They are numbered in the order of the rows."""
    cols, rows = _summary_table_rows()
    longer = [*rows[1][:6], rows[1][6] + " " + rows[1][6]]
    d = pages.Document("probe")
    t = d.table(cols, [rows[1], rows[0], longer], title="Two long notes")
    assert t.rows[0][6] == f"{VERDICT} [2]" and t.rows[2][6] == f"{VERDICT} [1]"  # tallest
    d.story()
    assert t.rows[0][6] == f"{VERDICT} [1]" and t.rows[2][6] == f"{VERDICT} [2]"
    notes = {n[:3]: n for n in t.notes[:2]}
    assert notes["[1]"] == f"[1] note: {rows[1][6]}"
    assert notes["[2]"] == f"[2] note: {longer[6]}"


def test_long_cells_that_read_alike_share_one_footnote():
    """Study p. 3: the two finite-difference Hessian rows set the same long note under the
    summary table twice, "[5] note: each Hessian column is …" and "[6] note: each Hessian
    column is …" word for word.  Alike cells share one number and so one footnote; the next
    different note takes the next number, and a second layout keeps the numbers."""
    cols, rows = _summary_table_rows()
    other = [*rows[1][:6], rows[1][6] + " " + rows[1][6]]
    d = pages.Document("probe")
    t = d.table(cols, [rows[1], rows[0], rows[1], other], title="Alike notes")
    for _ in range(2):
        d.story()
        refs = [m.group() for r in t.rows if (m := re.search(r"\[\d+\]$", r[6]))]
        assert refs == ["[1]", "[1]", "[2]"], refs
        shown = [n for n in t.notes if n.startswith("[")]
        assert shown[:2] == shown[:1] * 2 and shown[2].startswith("[2] note: ")
        assert len(set(shown)) == 2
    # printed: each distinct note once under the table
    printed = pages.table_notes(t)
    assert sum(n.startswith("[1] ") for n in dict.fromkeys(printed)) == 1
def test_a_header_given_its_one_line_width_is_laid_out_on_one_line():
    """Kink p. 4: the column "smallest ‖∇f‖₂ at" got exactly its one-line width, 66.009375
    pt inside the padding, and platypus, summing the words in its own order, broke the line
    there: "at" sat alone below.  A column holds the text it must keep on one line with
    :data:`FIT_SLACK` to spare."""
    heads = ["#", "region (per variable)", "smallest ‖∇f‖₂ at", "‖∇f‖₂", "f − f*", "type",
             "critical point inside"]
    row = ["R1", "x = 0ᵉ; y ∈ [−0.001ᵉ, 0.001ᵉ]", "(0, 0)ᵉ", "no gradient (kink)", "0ᵉ",
           "around a minimum on a kink of f; zero width: it lies on the line x = 0",
           "P1 (kink)"]
    table = pages.Table([pages.Column(h) for h in heads], [row])
    widths = pages.column_widths(table, pages.CONTENT_W)
    one_line = pages.string_width(heads[2], table.size, f"{pages.FONT}-Bold") + pages.CELL_PAD
    assert widths[2] >= one_line + pages.FIT_SLACK - 1e-6  # the model's own tolerance
    header = _laid_out(table)[0]
    assert header == [[h] for h in heads], header


def test_a_figure_shrinks_so_that_the_closing_notes_share_its_page(tmp_path):
    """Kink p. 11: the report ended with two short notes ("No eigenvalue figure", "No basin
    map", 7 lines) after a figure that filled its page; the last note sat alone on an
    otherwise blank last page.  The closing notes stay together, and the figure before them
    shrinks (within :data:`MIN_SHRINK`) so that they share its page."""
    notes = ["FIRST-NOTE: " + "words of a closing note " * 6,
             "LAST-NOTE: " + "words of a closing note " * 18]
    ns = pages._flowables()
    paras = [pages._paragraph(pages.Paragraph(t)) for t in notes]
    need = sum(p.wrap(pages.CONTENT_W, 1e6)[1] + p.getSpaceBefore() + p.getSpaceAfter()
               for p in paras)
    assert need <= pages.CLOSING_SHARE * pages.CONTENT_H
    fig_h = 400.0
    b = report.Builder("Figure and closing notes")
    # the figure fits the page at its size (4 pt to its caption, 8 pt after it); the notes
    # miss the rest by 30 pt
    b.doc.add(pages.Spacer(pages.CONTENT_H - (fig_h + 12.0 + need - 30.0)))
    b.doc.figure(_one_panel, height=fig_h)
    for t in notes:
        b.doc.paragraph(t)
    res = b.write(tmp_path / "closing.pdf")
    texts = page_texts(res.pdf)
    assert len(texts) == 1 and "LAST-NOTE" in texts[0], [t[-200:] for t in texts]
    fig = b.doc.figures()[0]
    drawn = [h for (_, h), d in fig._drawings.items() if d is not None]
    assert pages.MIN_SHRINK * fig_h - 1e-6 <= min(drawn) < fig_h, drawn
    before = ns.FigureRow([fig], b.doc)
    closed = pages._closing([before, *paras], ns)
    assert closed[0] is before and isinstance(closed[1], ns.ClosingNotes) and len(closed) == 2
    assert pages._closing(paras, ns) == paras  # a document of text alone: nothing to keep
    # notes longer than CLOSING_SHARE of a page are left to flow as text does
    long = pages._paragraph(pages.Paragraph("LONG " + "words " * 400))
    assert pages._closing([before, long], ns) == [before, long]


def test_a_header_that_must_wrap_wraps_in_balanced_lines():
    """Kink p. 4: "smallest ‖∇f‖₂ at" wrapped with "at" alone on its second line.  A header
    narrower than its text sets its lines balanced, the room left to its indents on the
    side away from its alignment."""
    head = "smallest ‖∇f‖₂ at"
    bold = f"{pages.FONT}-Bold"
    one = pages.string_width(head, pages.TABLE, bold)
    for align in ("l", "r", "c"):
        table = pages.Table([pages.Column(head, align), pages.Column("rest")], [["1", "2"]])
        width = one + pages.CELL_PAD - 8.0  # 8 pt short of one line
        lines = _laid_out(table, [width, pages.CONTENT_W - width])[0][0]
        assert lines == ["smallest", "‖∇f‖₂ at"], (align, lines)
    # a header that fits its column stays on one line, its indents untouched
    table = pages.Table([pages.Column(head), pages.Column("rest")], [["1", "2"]])
    assert _laid_out(table)[0][0] == [head]


def test_a_balanced_header_or_title_never_breaks_inside_a_word():
    """Himmelblau p. 5: balancing the headers of "Predicted and measured convergence" set
    "predicted kind" as "predict" / "ed kind" and "decided by" as "decid" / "ed by":
    ReportLab splits a word longer than its line, so the narrowest width with two lines
    fell inside the longest word.  Balanced lines are never narrower than the widest word;
    each line is made of whole words of the header."""
    bold = f"{pages.FONT}-Bold"
    for head in ("predicted kind", "decided by", "measured rate [window]"):
        one = pages.string_width(head, pages.TABLE, bold)
        word = max(pages.string_width(w, pages.TABLE, bold) for w in head.split())
        for short in (2.0, 0.3 * (one - word)):
            width = one + pages.CELL_PAD - short
            table = pages.Table([pages.Column(head), pages.Column("rest")], [["1", "2"]])
            lines = _laid_out(table, [width, pages.CONTENT_W - width])[0][0]
            assert len(lines) == 2, (head, lines)
            assert all(w in head.split() for ln in lines for w in ln.split()), (head, lines)
    assert pages.widest_word("predicted <b>kind</b>", 10.0, bold) == pytest.approx(
        pages.string_width("predicted", 10.0, bold) + pages.FIT_SLACK)
    # a heading balanced in its column keeps its words whole too
    ns = pages._flowables()
    from reportlab.lib.styles import ParagraphStyle

    para = ns.BalancedParagraph("Anexceptionallylongword short", ParagraphStyle(
        "t", fontName=pages.FONT, fontSize=12.0, leading=15.0))
    w = pages.string_width("Anexceptionallylongword", 12.0) + 30.0
    para.wrap(w, 1e6)
    assert [" ".join(ln[1]) for ln in para.blPara.lines] == ["Anexceptionallylongword",
                                                            "short"]


def test_a_page_reference_and_an_interval_of_two_numbers_are_never_broken_over_two_lines():
    """Rosenbrock p. 2: "on p." / "15" (the space after "p." was bound only before a digit,
    while a paragraph holds the reference as pages.page_ref until the PDF is laid out);
    p. 4: "[0," / "3.601e+05ᵉ]" (an interval of two numbers, longer than SHORT_GROUP).  At
    every width each stays on one line."""
    pair = "[0, 3.601e+05ᵉ]"
    assert len(pair) - 2 > pages.SHORT_GROUP  # bound as an interval, not as a short group
    assert pages.bound_numbers(f"on p. {pages.page_ref('late')}") == (
        f"on p.{pages.NBSP}{pages.page_ref('late')}")
    text = ("Words before the reference and the range, many of them to set over lines: the "
            f"figure on p. {pages.page_ref('late')} and f ranges over {pair} on the box, "
            "with words after them too.")
    for width in range(90, 460, 7):
        f = pages._paragraph(pages.Paragraph(text))
        f.wrap(width, 1e6)
        lines = _set_lines(f)
        assert not any(ln.endswith("p.") for ln in lines), (width, lines)
        assert any(pair in ln for ln in lines), (width, lines)
    # a group of more than two numbers, or of words, still wraps as words do
    for group in ("(−0.962051ⁿ, 0.935739ⁿ, 0.880714ⁿ)", "(a few words of text, many)"):
        assert pages.bound_groups(group) == group


#: short formulas of the documents that broke over two lines, as "before" / "after"
_SHORT_FORMULAS = ["1 − ημ ≈ 0.9996",  # study p. 37 "rate 1 −" / "ημ ≈ 0.9996"
                   "(−3.779, −3.283)",  # Himmelblau p. 2, a coordinate pair
                   "f − f* ≤ Δ",  # campaign p. 2 "f −" / "f* ≤ Δ"
                   "|η/threshold − 1| > 0.1",  # campaign p. 6 "|η/threshold −" / "1|"
                   "[−4.5, 4.5] × [−4.5, 4.5]",  # campaign p. 1, a product of boxes
                   "(η, β) = (0.549, 0.45)",  # study p. 25 "(η," / "β)"
                   "of 0–999",  # kink p. 6 "999 of" / "0–999"
                   "−η g/(|g| + ε)"]  # study p. 36 "−η" / "g/(…)"


def test_short_formulas_are_bound_in_the_one_place_that_builds_text():
    """The helper's output: the spaces of a binary minus, plus or times between two short
    operands, inside a short tuple or bracketed group, after a signed factor and before a
    range after a short word are non-breaking; those of words and of a long sum are not."""
    nb = pages.NBSP
    assert pages.bound_spaces("rate 1 − ημ ≈ 0.9996 near") == (
        f"rate 1{nb}−{nb}ημ{nb}≈{nb}0.9996 near")
    assert pages.bound_spaces("P1 (−3.779, −3.283), P3") == f"P1 (−3.779,{nb}−3.283), P3"
    assert pages.bound_spaces("with f − f* ≤ Δ; unsolved") == (
        f"with f{nb}−{nb}f*{nb}≤{nb}Δ; unsolved")
    assert pages.bound_spaces("|η/threshold − 1| > 0.1") == f"|η/threshold{nb}−{nb}1|{nb}>{nb}0.1"
    assert pages.bound_spaces("on [−4.5, 4.5] × [−4.5, 4.5]; Booth") == (
        f"on [−4.5,{nb}4.5]{nb}×{nb}[−4.5,{nb}4.5]; Booth")
    # an operand is counted without the punctuation after it
    assert pages.bound_formulas("([−10, 10] × [−10, 10]),") == (
        f"([−10,{nb}10]{nb}×{nb}[−10,{nb}10]),")
    assert pages.bound_spaces("at k = 0, 999 of 0–999 (iterations") == (
        f"at k{nb}={nb}0, 999 of{nb}0–999 (iterations")
    assert pages.bound_operations("−η g/(|g| + ε) per") == f"−η{nb}g/(|g|{nb}+{nb}ε) per"
    # a factor is a symbol before a formula, not before a word; a tuple holds symbols or
    # numbers, not words
    assert pages.bound_operations("−η and more") == "−η and more"
    text = "(one of them, another of them)"
    assert pages.bound_groups(text) == text
    # a chain binds only while it is short: a long sum still breaks between its terms
    sum_ = "(x + 2·y − 7)² + (2·x + y − 5)² + (x·y + 1)²"
    assert pages.bound_formulas(sum_).split(" ") == [
        f"(x{nb}+{nb}2·y{nb}−{nb}7)²", "+", f"(2·x{nb}+{nb}y{nb}−{nb}5)²", "+", f"(x·y{nb}+{nb}1)²"]


def test_short_formulas_never_break_in_prose_or_a_cell_at_any_width():
    """Prose set at every width from its widest formula on keeps each short formula of
    the documents on one line while the text still wraps; a table cell (its column as
    narrow as the formula) keeps it on one line too."""
    text = "Then " + ", and ".join(_SHORT_FORMULAS) + " hold over the whole box."
    # (the widest word: a formula with the comma after it; a narrower line splits words)
    least = max(pages.string_width(f + ",", pages.BODY, pages.FONT) for f in _SHORT_FORMULAS)
    for width in range(int(least) + 2, 460, 5):
        f = pages._paragraph(pages.Paragraph(text))
        f.wrap(width, 1e6)
        lines = _set_lines(f)
        assert " ".join(lines) == " ".join(text.split()), lines
        assert len(lines) > 1
        for g in _SHORT_FORMULAS:  # a line of prose may end after "=" before a group
            assert all(any(p in ln for ln in lines) for p in g.split(" = ")), (width, g, lines)
    for g in _SHORT_FORMULAS:
        t = pages.Table([pages.Column("what"), pages.Column("note")],
                        [["a", g + " per coordinate"]])
        w = pages.string_width(g, t.size) + pages.CELL_PAD + 1.0
        lines = [" ".join(ln.split()) for ln in _laid_out(t, [60.0, w])[1][1]]
        assert g in lines, (g, lines)


def test_a_count_with_its_thousands_and_marker_is_one_word_of_its_column():
    """Rosenbrock p. 5: the "∇f evals" column printed "1 001" with its marker "ᵐ" alone on
    the line below: the width model split the count at its thousands space ("1", "001ᵐ")
    while the page binds that space, so the column was narrower than the whole count and
    ReportLab split the word letter by letter.  The count and its marker are one word: the
    column is at least as wide as "1 001ᵐ" and each cell is one line."""
    assert pages.piece_parts("1 001ᵐ") == ["1 001ᵐ"]
    assert pages.formula_parts("1 001ᵐ") == ["1 001ᵐ"]
    assert pages.piece_parts("[k = 3268–20000]") == ["[k =", "3268–20000]"]
    cols = [pages.Column("method"), pages.Column("∇f evals", align="r"),
            pages.Column("note")]
    rows = [["GD", "1 001ᵐ", "words " * 60], ["BFGS", "74ᵐ", "words " * 60]]
    t = pages.Table(cols, rows)
    widths = pages.column_widths(t, 300.0)
    assert widths[1] >= pages.string_width("1 001ᵐ", t.size) + pages.CELL_PAD
    cells = _laid_out(t, widths)
    assert cells[1][1] == ["1 001ᵐ"], cells[1][1]


def _balanced_lines(text: str, size: float, width: float) -> list[str]:
    """The lines of ``text`` set as a bold balanced paragraph (a heading, a table's title)
    ``width`` points wide."""
    from reportlab.lib.styles import ParagraphStyle

    para = pages._flowables().BalancedParagraph(pages.markup(text), ParagraphStyle(
        "t", fontName=f"{pages.FONT}-Bold", fontSize=size, leading=1.25 * size))
    para.wrap(width, 1e6)
    return _set_lines(para)


def test_a_balanced_line_ends_after_a_clause_never_after_a_function_word():
    """Study p. 43: the heading "18 Deep chains of activations: the" / "derivative vanishes
    with depth" ended its first line on "the"; p. 14: a table title broke a list of counts,
    "… k = 0, 1, 2, 6668," / "13333, 19999 of 0–19999 …".  Balanced lines never end on a
    short function word nor inside a list of numbers, and among nearly equal breaks take
    the one after a clause's punctuation."""
    head = "18 Deep chains of activations: the derivative vanishes with depth"
    assert _balanced_lines(head, 14.5, pages.CONTENT_W) == [
        "18 Deep chains of activations:", "the derivative vanishes with depth"]
    title = ("GD with η = 0.1: errors and ratios at k = 0, 1, 2, 6668, 13333, 19999 of "
             "0–19999 (fit window k = 10000–20000)")
    counts = "0, 1, 2, 6668, 13333, 19999"
    for size in (pages.TABLE + 1.0, pages.BODY):
        for width in range(300, int(pages.CONTENT_W) + 1, 20):
            lines = _balanced_lines(title, size, width)
            assert " ".join(lines) == " ".join(title.split()), lines
            assert any(counts in ln for ln in lines), (size, width, lines)
            assert not any(ln.split()[-1].lower() in pages.FUNCTION_WORDS
                           for ln in lines[:-1]), (size, width, lines)
    nb = pages.NBSP
    assert pages.held_phrases("of the derivative, 6668, 13333 and x") == (
        f"of{nb}the{nb}derivative, 6668,{nb}13333 and x")


def test_a_wrapped_table_cell_balances_its_lines():
    """Study p. 42, Himmelblau p. 8: CG's "theory" cell, right-aligned, wrapped with
    "mean" (or "geometric mean") alone on its second line.  A wrapped cell balances its
    lines as a header does: as many lines as greedy breaking gives, the last at least half
    as long as the first."""
    text = ("≤ 0.31433ʸ (asymptotic), met by the measured kind, superlinear, as by the "
            "geometric mean")
    size = pages.TABLE
    one = pages.string_width(text, size)
    for short in (pages.string_width("mean", size), pages.string_width("geometric mean", size)):
        width = one + pages.CELL_PAD - short + 2.0
        t = pages.Table([pages.Column("k", "r"), pages.Column("theory", "r")], [["1", text]])
        lines = _laid_out(t, [pages.CONTENT_W - width, width])[1][1]
        assert " ".join(lines) == text and len(lines) == 2, lines
        first, last = (pages.string_width(ln, size) for ln in lines)
        assert last >= 0.5 * first, lines


def test_a_wrapped_table_cell_does_not_end_a_line_on_a_function_word():
    """Himmelblau p. 3: the region type "around a maximum" wrapped as "around a" /
    "maximum".  Of the nearly equal breaks of a wrapped cell, one that ends no line on a
    short function word is taken: "around" / "a maximum"."""
    text = "around a maximum"
    size = pages.TABLE
    width = pages.string_width("a maximum", size) + pages.CELL_PAD + 4.0
    assert width < pages.string_width(text, size) + pages.CELL_PAD  # the cell wraps
    t = pages.Table([pages.Column("#"), pages.Column("type")], [["R4", text]])
    lines = _laid_out(t, [pages.CONTENT_W - width, width])[1][1]
    assert lines == ["around", "a maximum"], lines


#: cells of the study's tables whose formulas broke over lines (a lone sign on a line, a
#: line begun or ended inside a short group), each with the unit the column is given room
#: for, and the lines it is set in then
_FORMULA_CELLS = [
    ("cosine: ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2 up to k = Tₘₐₓ",
     "(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2 up",
     ["cosine: ηₘᵢₙ +", "(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2", "up to k = Tₘₐₓ"]),
    ("exact recursion, cosine: ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2 up to k = Tₘₐₓ; "
     "measured", "exact recursion, cosine:",
     ["exact recursion, cosine:", "ηₘᵢₙ + (η₀ − ηₘᵢₙ)", "(1 + cos(πk/Tₘₐₓ))/2 up",
      "to k = Tₘₐₓ; measured"]),
    ("bound: superlinear ≥ superlinear (at least as fast)", "superlinear ≥ superlinear",
     ["bound:", "superlinear ≥ superlinear", "(at least as fast)"]),
    ("largest graph-above-chord gap −7.77e−05 ≤ 7.4e−12 = 1e−12·max(1, max|f|): convex",
     "gap −7.77e−05 ≤ 7.4e−12 =",
     ["largest graph-above-chord", "gap −7.77e−05 ≤ 7.4e−12 =", "1e−12·max(1, max|f|):",
      "convex"]),
    ("η₀ = 0.5, cosine: ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2 up to k = Tₘₐₓ; measured",
     "(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ)",
     ["η₀ = 0.5, cosine:", "ηₘᵢₙ + (η₀ − ηₘᵢₙ)", "(1 + cos(πk/Tₘₐₓ))/2 up",
      "to k = Tₘₐₓ; measured"]),
    ("gap −7.77e−05 ≤ 7.4e−12 = 1e−12·max(1, max|f|): convex", "1e−12·max(1, max|f|):",
     ["gap −7.77e−05 ≤", "7.4e−12 =", "1e−12·max(1, max|f|):", "convex"]),
    ("−η g/(√(1 − α)·|g| + ε) ≈ −1.26·sign(g) per coordinate", "−η g/(√(1 − α)·|g| + ε) ≈",
     ["−η g/(√(1 − α)·|g| + ε) ≈", "−1.26·sign(g) per", "coordinate"]),
    ("the schedule runs on k − W in place of k (cosine: cos(π(k − W)/Tₘₐₓ) for k ≥ W); "
     "measured", "the schedule runs on k − W in place of",
     ["the schedule runs on k − W in place", "of k (cosine: cos(π(k − W)/Tₘₐₓ) for",
      "k ≥ W); measured"]),
]


@pytest.mark.parametrize(("text", "unit", "want"), _FORMULA_CELLS)
def test_a_sign_in_a_cell_stays_with_its_operands_and_a_formula_breaks_at_its_top(
        text, unit, want):
    """Study pp. 9, 11, 36, 41: "(η₀ − ηₘᵢₙ)(1 +" / "cos(πk/Tₘₐₓ))/2", "superlinear" /
    "≥ superlinear", "≤ 7.4e−12" / "=" / "1e−12·max…", "−η g/(√(1 − α)·|g| +" / "ε)",
    "for k" / "≥ W)".  A relation sign never starts or ends a line alone, it stays with an
    operand on each side; a formula the column cannot hold breaks after an operator at its
    top level, a relation before a sum ("≤" before "+"), inside its brackets only where
    even its top-level parts are too wide, after the signs of its shallowest ones."""
    t = pages.Table([pages.Column("what"), pages.Column("note")], [[text, "x"]])
    width = pages.string_width(unit, t.size) + pages.CELL_PAD + 1.0
    lines = [" ".join(ln.split()) for ln in _laid_out(t, [width, 300.0])[1][0]]
    assert lines == want


def test_the_parts_of_a_formula_a_cell_may_break_between():
    """A lone sign joins the pieces on both sides (:func:`pages.cell_words`); a formula
    breaks only after a top-level sign (:func:`pages.top_parts`): never after a relation,
    as in prose, but as a last resort (``relations``) unless the relation is a short group
    ("superlinear ≥" / "superlinear", "ρ = 0.5" never),
    after an operation only where the part before it and its operand are longer than a
    short group ("ηₘᵢₙ + (η₀ − ηₘᵢₙ)(…)" never); the units of the width model part prose
    from the formula it is held with (:func:`pages.unit_parts`)."""
    assert pages.cell_words("bound: superlinear ≥ superlinear (at least as fast)") == [
        "bound:", "superlinear ≥ superlinear", "(at", "least", "as", "fast)"]
    assert pages.cell_words("(cos(π(k − W)/Tₘₐₓ) for k ≥ W); measured")[-2:] == [
        "k ≥ W);", "measured"]
    assert pages.cell_words("(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2 up to k")[0] == \
        "(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2"
    for whole in ("(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2", "ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2",
                  "ρ = 0.5", "k ≥ W", "0.78% ≤ 8.6%"):
        assert pages.top_parts(whole) == [whole]
    for whole in ("V = s²(N − B)/(B(N − 1)),", "0.4200ⁿ ≤ 1 + 1e−12",
                  "superlinear ≥ superlinear"):
        assert pages.top_parts(whole) == [whole]
    last = partial(pages.top_parts, relations=True)
    assert last("V = s²(N − B)/(B(N − 1)),") == ["V =", "s²(N − B)/(B(N − 1)),"]
    assert last("0.4200ⁿ ≤ 1 + 1e−12") == ["0.4200ⁿ ≤", "1 + 1e−12"]
    assert last("superlinear ≥ superlinear") == ["superlinear ≥", "superlinear"]
    assert last("−7.77e−05 ≤ 7.4e−12 = 1e−12·max(1, max|f|):") == [
        "−7.77e−05 ≤", "7.4e−12 =", "1e−12·max(1, max|f|):"]
    assert pages.top_parts("(x + 2·y − 7)² + (2·x + y − 5)²") == [
        "(x + 2·y − 7)² +", "(2·x + y − 5)²"]
    assert pages.top_parts("0.4200ⁿ ≤ 1 + 1e−12", 0, pages.RELATIONS, relations=True) == [
        "0.4200ⁿ ≤", "1 + 1e−12"]
    assert pages.unit_parts("of log(Var·(N − 1)/(N − B))") == [
        "of", "log(Var·(N − 1)/(N − B))"]
    assert pages.unit_parts("1 001ᵐ") == ["1 001ᵐ"]
    # a piece of a longer parenthesis: its unmatched bracket encloses nothing; a relation
    # keeps a short operand after it; prose in brackets breaks as prose
    assert pages.unit_parts("(4·s_d/(√M·V) = 4·1.11/(√4000·0.9634) = 7.3%,", True) == [
        "(4·s_d/(√M·V) =", "4·1.11/(√4000·0.9634) =", "7.3%,"]
    assert pages.unit_parts("(4√(2/(R − 1)) = 8.9%)") == ["(4√(2/(R − 1)) = 8.9%)"]
    assert pages.unit_parts("0.000731 < 0.00486 = (constant − 4 standard errors)/10",
                            True) == [
        "0.000731 <", "0.00486 =", "(constant − 4", "standard", "errors)/10"]
    # a short formula group is kept whole, as in prose: the product breaks between its
    # groups
    assert pages.inner_parts("(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2") == [
        "(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2"]
    assert pages.operator_parts("(η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2") == [
        "(η₀ − ηₘᵢₙ)", "(1 + cos(πk/Tₘₐₓ))/2"]


@pytest.mark.parametrize("unit", ["log(Var·(N − 1)/(N − B))", "[k = 9639–20000]",
                                  "ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(πk/Tₘₐₓ))/2"])
def test_a_column_is_as_wide_as_the_formula_units_of_its_cells(unit):
    """Study pp. 6, 36, 41: the width model counted "log(Var·(N −", "superlinear" and "(1"
    as the least words of their columns, which were made narrower than the formulas the
    page keeps whole: each unit (:func:`pages.unit_parts`) is one word of the model, so a
    column with room to spare holds it on one line."""
    text = f"slope of {unit} against log B"
    t = pages.Table([pages.Column("what"), pages.Column("note")], [[text, "words " * 80]])
    widths = pages.column_widths(t, pages.CONTENT_W)
    assert widths[0] >= pages.string_width(unit, t.size) + pages.CELL_PAD
    assert any(unit in " ".join(ln.split()) for ln in _laid_out(t, widths)[1][0])


def test_a_word_with_a_script_is_one_word_of_a_balanced_cell():
    """Study p. 9: "largest |dh_d/dx|/bound" was set "largest |dhd" / "/dx|/bound": the
    widest word of the markup was measured with its subscript tag read as a space
    ("|dh", "d/dx|/bound"), so the cell was balanced narrower than the word and ReportLab
    split it.  The tag is dropped inside the word."""
    size = pages.TABLE
    assert pages.widest_word("largest |dh<sub>d</sub>/dx|/bound", size, pages.FONT) == \
        pytest.approx(pages.string_width("|dhd/dx|/bound", size) + pages.FIT_SLACK)
    t = pages.Table([pages.Column("what"), pages.Column("note")],
                    [["largest |dh_d/dx|/bound 0.4200ⁿ ≤ 1 + 1e-12", "x"]])
    lines = [ln.replace(" ", "") for ln in _laid_out(t, [81.9, 300.0])[1][0]]
    assert lines == ["largest", "|dhd/dx|/bound", "0.4200ⁿ≤", "1+1e−12"]


def test_a_function_of_one_letter_is_one_word_of_prose():
    """Study p. 10: "(f″ = −cos" / "x < 0 near 0)": the function and its argument, and the
    relations on both sides of them, stay on one line; a word after a function's name
    ("log file") and a longer argument ("cos xy") are left alone."""
    nb = pages.NBSP
    assert pages.bound_spaces("is not (f″ = −cos x < 0 near 0): there") == (
        f"is not (f″{nb}={nb}−cos{nb}x{nb}<{nb}0 near 0): there")
    assert pages.bound_spaces("the cost of a log file") == "the cost of a log file"
    assert pages.bound_spaces("cos xy, ln y") == f"cos xy, ln{nb}y"


def test_a_function_after_a_slash_or_of_a_number_is_one_word():
    """Study pp. 3, 4, 24, Himmelblau p. 5: "Δln ρ/ln" / "ρ < 0.01%" broke between the
    second logarithm and its argument; study p. 43: "(ln" / "0.00111 / ln 0.0652)" and p. 2
    "max f − min" / "f = 2" did the same. A function's name binds to its argument after a
    slash or a Δ, an extremum ("max f") binds as the functions do, and so does a numeric
    argument; a spaced slash between short operands is an operation like "−"."""
    nb = pages.NBSP
    assert pages.bound_operations("Δln ρ/ln ρ < 0.01%") == f"Δln{nb}ρ/ln{nb}ρ < 0.01%"
    assert pages.cell_words("Δln ρ/ln ρ < 0.01% ≤ 1%") == ["Δln ρ/ln ρ < 0.01% ≤ 1%"]
    assert pages.bound_operations("gap, max f − min f = 2") == (
        f"gap, max{nb}f{nb}−{nb}min{nb}f = 2")
    assert f"(ln{nb}0.00111" in pages.bound_operations("q ≈ (ln 0.00111 / ln 0.0652)¹ᐟ²")
    assert pages.bound_operations("x / y") == f"x{nb}/{nb}y"
    assert pages.bound_operations("the maximum of a log file") == "the maximum of a log file"


def test_a_lead_in_splits_rather_than_move_whole_with_its_table(tmp_path):
    """Study p. 39: a lead-in of 10 lines with the 6-row table it announces did not fit the
    0.35 of the page left, the table's rows could not begin under the paragraph, and the
    paragraph moved whole with it: the page stayed 0.36 blank in the middle of a section.
    Now the paragraph's first lines fill the page and its last lines (at least two) go to
    the next page with the table."""
    b = report.Builder("Lead-in split")
    d = b.doc
    d.heading("First")
    lead = ("LEAD-START: each method ran from the same starts; " + "words of the lead-in " * 40
            + "and the table below gives their costs LEAD-END.")
    probe = pages._paragraph(pages.Paragraph(lead))
    lead_h = probe.wrap(pages.CONTENT_W, 1e6)[1]
    line = probe.style.leading
    assert lead_h >= 8 * line  # a paragraph of many lines, no longer than a quarter page
    d.add(pages.Spacer(pages.CONTENT_H - lead_h - 60.0))  # room for the lead-in, not rows
    d.paragraph(lead)
    d.table(["method", "cost"], [[f"method {k}", f"{k}.5"] for k in range(6)],
            title="COST-TABLE")
    res = b.write(tmp_path / "leadsplit.pdf")
    texts = page_texts(res.pdf)
    assert "LEAD-START" in texts[0] and "COST-TABLE" in texts[1], texts
    assert "LEAD-END" in texts[1]  # its last lines stay with the table
    # the first page is full to within two lines and the foot's spacing
    assert res.page_fill[0].blank * pages.CONTENT_H <= 60.0 + 2 * line, res.page_fill


def test_a_short_table_whose_notes_miss_the_page_keeps_its_rows_there(tmp_path):
    """Study p. 27: a 3-row table with 8 lines of notes, under a figure that could shrink no
    further, missed the rest of the page (0.42 of it) by 9 points; as a short table it moved
    whole and left that room blank in the middle of a section.  Its rows now stay on the
    page and its notes go to the foot of the next, as a longer table's do."""
    rows = [[f"method {k}", f"0.{k}5"] for k in range(3)]
    notes = [f"NOTE-{k}: " + "an explanation of the table's columns " * 9 for k in range(10)]
    b = report.Builder("Short table, long notes")
    d = b.doc
    probe = pages._flowables().TableFlowable(
        pages.Table([pages.Column("method"), pages.Column("rate")], rows, "CONVERGENCE"),
        d)
    rows_h = probe.wrap(pages.CONTENT_W, 1e6)[1]  # title and rows, no notes
    room = pages.CONTENT_H * 0.4
    assert rows_h < room / 2.0
    d.heading("First")
    d.add(pages.Spacer(pages.CONTENT_H - room))
    d.table(["method", "rate"], rows, title="CONVERGENCE", notes=notes)
    d.paragraph("AFTER: " + "text after the table " * 20)
    res = b.write(tmp_path / "shortnotes.pdf")
    texts = page_texts(res.pdf)
    # (the notes' page names the table: "Notes to the table ‘CONVERGENCE’ on the page …")
    (here,) = [t for t in texts if "CONVERGENCE" in t.replace("‘CONVERGENCE’", "")]
    assert texts.index(here) == 0 and "method 2" in texts[0], texts
    assert "NOTE-9" in " ".join(texts[1:]), texts
    assert res.page_fill[0].blank * pages.CONTENT_H < room - rows_h + 20.0, res.page_fill


#: the study's Rosenbrock table "Predicted and measured convergence" (p. 42), its header
#: and rows as the study builds them
_ROSENBROCK_HEADERS = ["method", "predicted kind", "predicted rate", "order", "measured kind",
                       "measured rate [window]", "order", "decided by", "verdict", "note"]
_ROSENBROCK_ROWS = [
    ["Newton", "quadratic", "—", "2ᵗ", "quadratic", "—", "1.97ᶠ ± 0.025 (1 s.e.) [k = 18–21]",
     "q = 1.97 in [1.8, 2.6]", "agrees",
     "measured order 1.97 ± 0.025 (1 s.e.) within [0.9, 1.3] × the predicted 2"],
    ["BFGS", "superlinear (bound, no rate)", "—", "—", "superlinear", "—",
     "1.32ᶠ ± 0.093 (1 s.e.) [k = 33–38]",
     "bound: superlinear ≥ superlinear (at least as fast)", "agrees",
     "same kind (superlinear); no number to compare"],
    ["L-BFGS", "linear (bound, no rate)", "—", "—", "superlinear", "—", "—",
     "bound: superlinear ≥ linear (at least as fast)", "agrees",
     "measured superlinear (two-step ratios e_(k+2)/e_k: 0.0652, 0.00111, 1.18e-05 at "
     "k = 34, 36, 38, each ≤ 1/2 of the one before): at least as fast as the predicted "
     "linear bound"],
    ["CG", "linear (bound)", "≤ 0.96085ʸ", "—",
     "linear on average (R-linear: in each half of the window the errors stray at least "
     "1.1 decades from the fitted line)", "0.47ᶠ [k = 25–45]", "1.00ᶠ",
     "ρ 0.47 ≤ bound 0.96085", "agrees", ""],
    ["GD with η = 0.001", "linear", "0.99960064ᵗ", "1ᵗ", "linear",
     "0.99960001ᶠ [k = 9639–20000]", "1.00ᶠ", "Δln ρ/ln ρ 0.16% ≤ 1%", "agrees", ""],
]


def test_a_relation_floor_is_its_wider_side_and_a_window_stays_whole():
    """Study p. 42: the decided-by column's least width counted "superlinear ≥ superlinear"
    as one unit (91.9 pt), so the formulas of the table no longer fitted its width, were cut
    to a common cap, and the window "[k = 9639–20000]" (65.2 pt) broke as "[k =" /
    "9639–20000]".  A relation breaks after its sign (as TeX breaks after a relation): its
    unit is the wider of "superlinear ≥" and "superlinear"; only a short relation ("ρ =
    0.5", "k ≥ W") and a short bracketed group (the window) are one unit; a relation sign
    still never starts a line nor stands alone on one."""
    assert pages.unit_parts("superlinear ≥ superlinear", True) == [
        "superlinear ≥", "superlinear"]
    assert pages.unit_parts("0.47 ≤ bound", True) == ["0.47 ≤", "bound"]
    assert pages.unit_parts("[k = 9639–20000]") == ["[k = 9639–20000]"]
    for short in ("ρ = 0.5", "k ≥ W", "η = 0.001", "0.78% ≤ 8.6%"):
        assert pages.unit_parts(short) == [short]
    assert pages.cell_words("|m − p|/|p| 0.78% ≤ 8.6%")[-1] == "0.78% ≤ 8.6%"
    t = pages.Table([pages.Column(h) for h in _ROSENBROCK_HEADERS],
                    [list(r) for r in _ROSENBROCK_ROWS])
    widths = pages.column_widths(t, pages.CONTENT_W)
    size = t.size
    window = pages.string_width("[k = 9639–20000]", size) + pages.CELL_PAD
    assert widths[5] >= window, widths
    # the decided-by column is narrower than the whole relation: it breaks after "≥"
    assert widths[7] < pages.string_width("superlinear ≥ superlinear", size) + pages.CELL_PAD
    cells = _laid_out(t, widths)
    assert "[k = 9639–20000]" in cells[5][5], cells[5][5]
    assert "superlinear ≥" in cells[2][7], cells[2][7]
    signs = tuple(pages.RELATIONS)  # a cell may begin with a bound ("≤ 0.96085ʸ")
    for row in cells:
        for lines in row:
            assert not any(ln.strip().startswith(signs) for ln in lines[1:]), lines
            assert not any(ln.strip() in signs for ln in lines), lines


def test_an_aside_another_footnote_says_is_left_out_on_that_page(tmp_path):
    """Himmelblau p. 6 defined the window convention twice in its footnotes: in the † note
    and in the note on the two estimators.  A note's aside is left out on a page where
    another footnote says it, and printed, without its marks, where none does."""
    span = "a window i–j spans the errors e_i to e_j"
    both = "DAGGER-NOTE: " + span + "."
    est = f"ESTIMATORS-NOTE over the window ({pages.note_aside(span + ', ')}the title's)."
    assert pages.drop_said_asides([both, est]) == [both, "ESTIMATORS-NOTE over the window "
                                                         "(the title's)."]
    assert pages.drop_said_asides([est]) == [f"ESTIMATORS-NOTE over the window ({span}, "
                                             "the title's)."]
    # two notes with the same aside: neither says it outside an aside, both keep it
    other = f"OTHER-NOTE ({pages.note_aside(span + ', ')}its own)."
    assert pages.drop_said_asides([est, other]) == [
        f"ESTIMATORS-NOTE over the window ({span}, the title's).", f"OTHER-NOTE ({span}, its own)."]
    # an aside in brackets is said where its words are, and leaves with its brackets
    # (chained Rosenbrock p. 8: the window's definition, set before "the window of the
    # table's title", seemed to rename its steps)
    bracketed = f"ESTIMATORS-NOTE over the window, the title's{pages.note_aside(f' ({span})')}."
    assert pages.drop_said_asides([both, bracketed]) == [both, "ESTIMATORS-NOTE over the "
                                                               "window, the title's."]
    assert pages.drop_said_asides([bracketed]) == [f"ESTIMATORS-NOTE over the window, the "
                                                   f"title's ({span})."]
    assert report.ESTIMATORS_NOTE.startswith(
        "Geometric mean and robust fit are two estimators of the rate over the same fit "
        "window i–j, the window of the table's title" + pages.ASIDE[0]
        + f" ({report.WINDOW_SPAN})" + pages.ASIDE[1] + ": the geometric mean")
    b = report.Builder("Asides")
    b.doc.table(["x", "value"], [["a", "1"]], title="Table 1", notes=[both, est])
    b.doc.page_break()
    b.doc.table(["x", "value"], [["b", "2"]], title="Table 2", notes=[est])
    texts = [" ".join(t.split()) for t in page_texts(b.write(tmp_path / "a.pdf").pdf)]
    assert "ESTIMATORS-NOTE over the window (the title's)." in texts[0], texts[0]
    assert texts[0].count("spans the errors") == 1
    assert "ESTIMATORS-NOTE over the window (a window i–j spans the errors" in texts[1]
    assert not any(c in t for t in texts for c in pages.ASIDE)


def test_pointers_named_alike_to_one_page_share_a_line():
    """Chained Rosenbrock p. 6 ended with four lines "Agreement: / CG: / BFGS: / L-BFGS: see
    the full note on p. 7.".  Pointers headed by a name, to one page, share one line where
    the first stood; a pointer headed by a sentence, or to another page, keeps its own."""
    ref = pages.note_reference
    long_note = ("A ratio can print with more digits here than in a table beside it: the "
                 "table rounds to the digits that rounding leaves.")
    notes = ["ᵐ measured in an optimizer run", ref("Agreement: an exact rate within 1%.", 7),
             ref(long_note, 7), ref("CG: the predicted ρ is a bound.", 7),
             ref("BFGS: the kind comes from a theorem.", 7),
             ref("Decided by: the test the verdict rests on.", 3)]
    assert notes[1] == "Agreement: see the full note on p. 7."
    assert pages.merge_pointers(notes) == [
        "ᵐ measured in an optimizer run",
        "Agreement, CG and BFGS: see the full notes on p. 7.",
        "A ratio can print with more digits here than in a table beside it: see the full "
        "note on p. 7.",
        "Decided by: see the full note on p. 3."]
    assert pages.merge_pointers(notes[:2] + notes[5:]) == notes[:2] + notes[5:]
