"""Formulas kept whole over lines: short formula groups in prose, implicit products, an
opening bracket with its symbol, an interval of two numbers in a table cell."""

from analysis import pages

#: Himmelblau p. 7: the BFGS paragraph as it then read, whose groups "(ln 0.00464 /
#: ln 0.00630)" broke after their "/" (a fixed text: the test is of line breaking)
BFGS = ("BFGS is measured superlinear (per-step table follows): two-step ratios e₍ₖ₊₂₎/eₖ, "
        "k = 2–6 (0.00630, 0.00255, 0.00464, 7.22e-05, 2.59e-06; from the errors e₂–e₈), "
        "are read as falling toward 0: over the halves k = 2–4 and k = 5–6, the later half's "
        "largest, 7.22e-05, ≤ 1/4 of the earlier half's largest, 0.00630; and over the "
        "disjoint blocks of two steps ending at the last step (0.00630 at k = 2, 0.00464 at "
        "k = 4, 2.59e-06 at k = 6): 0.00630 → 0.00464 (× 0.737, per-step q ≈ (ln 0.00464 / "
        "ln 0.00630)^(1/2) = 1.03); 0.00464 → 2.59e-06 (× 0.000559, per-step q ≈ "
        "(ln 2.59e-06 / ln 0.00464)^(1/2) = 1.55): 0.00464 is more than 1/2 of 0.00630, so "
        "the fall rests on the last block alone (2.59e-06 ≤ 1/2 of 0.00464); the per-step "
        "ratios (0.101, 0.0622, 0.0410, 0.113, 0.000638, 0.00406) do not keep falling to the "
        "end.")

#: Himmelblau p. 5: Nesterov's note, "‖eₖ‖ ≈ C" / "(k + 1) ρᵏ" and "[0.47831," / "0.49354]"
NESTEROV = ("double root: theory's ‖eₖ‖ ≈ C (k + 1) ρᵏ shrinks on average by 0.49354 per "
            "step over the window [24, 39]; the measured rate 0.49490 lies above the range "
            "[0.47831, 0.49354] from ρ to this average factor, by 0.39% on −ln ρ, within the "
            "tolerance 1%")

#: Study p. 6: the note of the slope of the minibatch variance, "… (V" / "the measured …"
SLOPE_NOTE = ("least squares over B = 1, 2, 5, 10, 20, 50; 4 standard errors of the slope "
              "(4·0.0038), its standard error from each variance's s_d/(√M·V) (V the "
              "measured variance at B, s_d the standard deviation of the M = 20000 runs' "
              "‖g_B − ḡ_B‖², ḡ_B their mean gradient) through the least-squares weights, the "
              "batch sizes taken as independent")


def _prose_lines(text: str, width: float) -> list[str]:
    """The lines of paragraph ``text`` set ``width`` points wide, non-breaking spaces read as
    spaces."""
    f = pages._paragraph(pages.Paragraph(text))
    f.wrap(width, 1e6)
    bl = f.blPara
    lines = [" ".join(x[1]) if bl.kind == 0 else "".join(w.text for w in x.words)
             for x in bl.lines]
    return [" ".join(ln.replace(pages.NBSP, " ").split()) for ln in lines]


def _cell_lines(text: str, width: float) -> list[str]:
    """The lines of table cell ``text`` in a column ``width`` points wide (the other column
    takes the rest of the page)."""
    t = pages.Table([pages.Column("what"), pages.Column("note")], [["x", text]])
    probe = pages._flowables().TableFlowable(t, pages.Document("probe"),
                                             [pages.CONTENT_W - width, width])
    probe.wrap(pages.CONTENT_W, 1e6)
    (para,) = probe.table._cellvalues[1][1]
    return [" ".join(" ".join(w if isinstance(w, str) else w.text for w in (
        line[1] if isinstance(line, tuple) else line.words)).replace(pages.NBSP, " ").split())
        for line in para.blPara.lines]


def test_a_short_formula_group_in_prose_stays_on_one_line():
    """Himmelblau p. 7: "(ln 0.00464 /" / "ln 0.00630)^1/2 = 1.03": a bracketed formula of
    at most GROUP_CHARS characters (no words but function names) is never broken in prose;
    a group of words still is, and a short one of words as before."""
    lines = _prose_lines(BFGS, pages.CONTENT_W)
    assert lines[4:7] == [
        "k = 4, 2.59e−06 at k = 6): 0.00630 → 0.00464 (× 0.737, per-step",
        "q ≈ (ln 0.00464 / ln 0.00630)1/2 = 1.03); 0.00464 → 2.59e−06 (× 0.000559, per-step",
        "q ≈ (ln 2.59e−06 / ln 0.00464)1/2 = 1.55): 0.00464 is more than 1/2 of 0.00630, so "
        "the fall rests on the"], lines
    assert not any(ln.endswith("/") for ln in lines)
    nb = pages.NBSP
    assert pages.bound_groups("(ln 0.00464 / ln 0.00630)", formula_chars=24) == (
        f"(ln{nb}0.00464{nb}/{nb}ln{nb}0.00630)")
    for words in ("(mean ± standard error)", "(f″ = −cos x near 0)"):
        assert pages.bound_groups(words, formula_chars=24) == words


def test_an_implicit_product_and_an_opening_symbol_stay_together():
    """Himmelblau p. 5: "‖eₖ‖ ≈ C" / "(k + 1) ρᵏ"; study p. 6: "… s_d/(√M·V) (V" / "the
    measured variance": a symbol next to a short bracketed group is one word of a product,
    and an opening bracket never ends a line with the symbol after it."""
    nb = pages.NBSP
    assert pages.bound_products(f"≈ C (k{nb}+{nb}1) ρᵏ shrinks") == (
        f"≈ C{nb}(k{nb}+{nb}1){nb}ρᵏ shrinks")
    assert pages.bound_products("s/(√M·V) (V the measured") == f"s/(√M·V) (V{nb}the measured"
    for alone in ("P4 (nondegenerate)", "of (x) the", "1.03 (0.5)", f"0.5 ᵐ [k{nb}={nb}1–9]"):
        assert pages.bound_products(alone) == alone
    assert _cell_lines(NESTEROV, 74.46)[:4] == [
        "double root:", "theory's", "‖eₖ‖ ≈ C (k + 1) ρᵏ", "shrinks"]
    lines = _cell_lines(SLOPE_NOTE, 100.7)
    assert not any(ln.endswith("(V") for ln in lines), lines
    assert "(V the measured" in lines, lines


def test_a_long_group_breaks_after_an_unspaced_operator_not_inside_a_short_group():
    """Study p. 6: "log(Var·(N −" / "1)/(N − B))" in a column too narrow for the formula:
    it has no spaced sign outside its short groups, so it breaks after the unspaced
    operator of its shallowest brackets nearest its middle, never inside "(N − 1)"."""
    assert pages.operator_parts("log(Var·(N − 1)/(N − B))", terms=False) == [
        "log(Var·(N − 1)/", "(N − B))"]  # a short term: the last resort
    assert pages.operator_parts("(√M·V)", terms=False) == ["(√M·V)"]  # a short group
    lines = _cell_lines("slope of log(Var·(N − 1)/(N − B)) against log B", 75.3)
    assert lines == ["slope of", "log(Var·(N − 1)/", "(N − B))", "against log B"]


def test_a_markers_symbol_stays_with_the_word_it_marks():
    """Quadratic p. 11: a caption ended "… 3 diverged" / "(✕)." with the symbol alone on its
    last line; the space before a bracketed symbol is non-breaking, the one before a
    bracketed letter or formula is not touched."""
    from analysis import pages

    text = "of the 3 steps tested there, 3 diverged (✕). Filled (●) ones converged (a) to x*"
    bound = pages.bound_marks(text)
    assert "diverged\u00a0(✕)." in bound and "Filled\u00a0(●)" in bound
    assert "converged (a)" in bound
    assert bound.replace("\u00a0", " ") == text
