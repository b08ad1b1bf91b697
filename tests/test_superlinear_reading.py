"""How a superlinear verdict read on ratios is worded: the test that decided it first, in
numbers a reader checks, then the caveats; and, for a kind read also below the rounding
floor, a table title and a lead-in that name the errors it was read on."""

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

from analysis import empirical as E
from analysis import report
from landscape.numfmt import fmt

# ||x_k - x*|| of BFGS on Himmelblau from (1.37, -2.3) to x* = (3, 2), down to the floor
# (the report's run, p. 7)
HIMMELBLAU_BFGS = [2.2600625013685147, 0.32242406142628405, 0.13186710722292294,
                   0.013342945230604189, 8.3025156138314185e-04, 3.4052181366616561e-05,
                   3.8505010337558410e-06, 2.4578398631190980e-09, 9.9851126796065151e-12,
                   2.2204460492503131e-16]


def _path(err):
    return np.asarray(err, float)[:, None]


def test_a_two_step_reading_says_the_test_first_and_the_rise_in_its_list():
    """Himmelblau p. 7: the two-step ratios 0.00630, 0.00255, 0.00464, 7.22e−05, 2.59e−06
    were 'read as falling toward 0' though they rise at 0.00255 → 0.00464. The note now says
    they fall toward 0 by the tests the kind needs (the later half's largest ≤ 1/4 of the
    earlier half's; the last ≤ 1/2 of the one two steps before), then how far they fell in
    all and where they rose, then the caveats (per-step ratios, disjoint blocks)."""
    e = np.array(HIMMELBLAU_BFGS)
    m = E.measure(_path(e), [0.0])
    assert m.kind == "superlinear" and m.ratio_step == 2 and m.window == (2, 8)
    text = m.evidence
    r2 = e[4:9] / e[2:7]  # k = 2..6
    assert [fmt(v, 3) for v in r2] == ["0.00630", "0.00255", "0.00464", "7.22e-05",
                                       "2.59e-06"]
    assert "read as" not in text and "do not keep falling" not in text
    # the tests, with their numbers: halves k = 2–4 and k = 5–6, and the end
    assert max(r2[3:]) <= max(r2[:3]) / 4 and r2[-1] <= r2[-3] / 2
    tests = ("from the errors e_2–e_8), fall toward 0: over the halves k = 2–4 and k = 5–6, "
             "the later half's largest, 7.22e-05, ≤ 1/4 of the earlier half's largest, "
             "0.00630; and the last, 2.59e-06, ≤ 1/2 of the one two steps before, 0.00464.  ")
    assert tests in text, text
    # in all: 0.00630 / 2.59e-06 = 2 432, to three digits 2 430; one rise, named
    factor = r2[0] / r2[-1]
    assert 2425 < factor < 2435
    fell = ("In all they fell by a factor 2 430, from 0.00630 at k = 2 to 2.59e-06 at k = 6, "
            "though not at every step (0.00255 → 0.00464).  ")
    assert fell in text
    # why not per step: the per-step ratios end 0.113, 0.000638, 0.00406 (fall, then rise
    # above the one before: "larger than" it, not "more than 1/2 of" it, which read oddly for
    # a 6.4-fold rise)
    r1 = e[3:9] / e[2:8]
    assert r1[-1] > r1[-2] and (r1[-2] - r1[-3]) * (r1[-1] - r1[-2]) < 0
    assert (f"They are read over two steps because the per-step ratios "
            f"({', '.join(fmt(v, 3) for v in r1)}) zigzag at the end, the last three, "
            f"{', '.join(fmt(v, 3) for v in r1[-3:])}, falling then rising, the "
            f"last, {fmt(r1[-1], 3)}, larger than the one before, {fmt(r1[-2], 3)}.  ") in text
    # the order: the tests, the total fall, the per-step caveat, the blocks last
    where = [text.index(s) for s in ("≤ 1/4 of", "In all they fell by", "zigzag at the end",
                                     "disjoint blocks")]
    assert where == sorted(where)
    # the blocks are no second test (Himmelblau p. 7 read them as one, half failed)
    # and say so first: "(…), no part of the test, give the orders" read as a chain of
    # clauses (Himmelblau p. 7)
    # and which test it is: "Outside the test" did not say (study p. 40)
    assert ("The superlinear test aside, the disjoint blocks of two steps ending at the last "
            "step (0.00630 at k = 2, 0.00464 at k = 4, 2.59e-06 at k = 6) give the orders: "
            ) in text
    assert "no part of the test" not in text
    assert text.endswith("only the last block ratio falls to 1/2 or less of the one before "
                         "(2.59e-06 ≤ 1/2 of 0.00464; 0.00464 is more than 1/2 of 0.00630)"), text
    assert "the fall rests on" not in text


def test_ratios_that_fall_at_every_step_get_no_rise_clause():
    """Study p. 25, BFGS: two-step ratios 0.101, 0.0436, 0.00856, 0.000472, 9.77e−05, each
    below the one before: the total fall is given, and no 'not at every step'."""
    r1 = [0.369, 0.274, 0.159, 0.0537, 0.00879, 0.0111]  # its per-step ratios
    e = np.cumprod([1.0, *r1])
    seen = E.falling_ratios(e, 0, e.size)
    assert seen is not None and seen[1] == 2
    r2 = e[2:] / e[:-2]
    assert np.all(np.diff(r2) < 0)
    assert (f"fall toward 0: each below the one before, the last ≤ 1/4 of the first; and the "
            f"last, {fmt(r2[-1], 3)}, ≤ 1/2 of the one two steps before, "
            f"{fmt(r2[-3], 3)}.  In all they fell by a factor "
            f"{E.fall_factor(r2[0] / r2[-1])}, from {fmt(r2[0], 3)} at k = 0 to "
            f"{fmt(r2[-1], 3)} at k = 4.  They are read over two steps"
            ) in seen[2], seen[2]
    assert "not at every step" not in seen[2]
    # study p. 40: "alternate slow and fast at the end" of ratios that fall at every step
    # but the last; the clause names the three that turn
    assert "alternate" not in seen[2]
    assert ("(0.369, 0.274, 0.159, 0.0537, 0.00879, 0.0111) zigzag at the end, the last "
            "three, 0.0537, 0.00879, 0.0111, falling then rising") in seen[2], seen[2]


def test_a_fall_from_a_small_first_ratio_is_counted_from_the_largest():
    """The test of halves lets a small first ratio pass (0.001, 0.9, 0.5, 0.002, 0.0005):
    the fall in all is then counted from the largest, 0.9, not from a first ratio below
    the last's double."""
    text = E.overall_fall([0.001, 0.9, 0.5, 0.002, 0.0005], 3)
    assert text.startswith("by a factor 1 800, from the largest, 0.9 at k = 4, "
                           "to 0.0005 at k = 7")
    assert text.endswith("though not at every step (0.001 → 0.9)")


@pytest.mark.parametrize("x, words", [(2432.4, "2 430"), (15.31, "15.3"), (123456.0, "123 000"),
                                      (3.2e7, fmt(3.2e7, 3)), (999_999.0, "1 000 000")])
def test_a_fall_factor_prints_three_digits_with_its_thousands_apart(x, words):
    assert E.fall_factor(x) == words


def test_a_restarted_methods_blocks_fall_without_being_read_as_falling():
    """Himmelblau p. 9, CG: blocks 0.0931, 0.0321, 9.30e−05, each ≤ 1/2 of the one before,
    'are read as falling toward 0': they fall, and the note says so plainly."""
    r = [0.0931, 0.0321, 9.3e-05]
    e = [1.0]
    for v in r:
        e += [e[-1] * math.sqrt(v), e[-1] * v]
    _, _, note, fast = E.restart_ratios(np.array(e), len(e), 1e-30, 2)
    assert fast and "read as" not in note
    # the test said once, then the pairs in a sentence of their own (chained Rosenbrock p. 9:
    # "each below the one before … each ≤ 1/2 of the one before", parentheses three deep)
    assert ("at k = 4) fall toward 0: each ≤ 1/2 of the one before, the last ≤ 1/4 of the "
            "first.  Block by block: 0.0931 → 0.0321 (× 0.345, order per 2-step cycle ≈ ") \
        in note, note
    assert "each below" not in note and note.count("≤ 1/2 of the one before") == 1
    assert note.endswith("per step 2.70^(1/2) = 1.64)"), note


def test_a_kind_read_below_the_floor_names_those_errors_in_its_title():
    """Quadratic p. 6: BFGS's table said '(fit window k = 4–7)' for a run whose kind (no rate
    fitted) rests on the ratios k = 4–17, from e₄ to e₁₈ below the floor: the title names
    those errors and says nothing was fitted; a run with a fit names its window too."""
    m = SimpleNamespace(read_to=18, floor_index=8, window=(4, 7), rate=None, order=None)
    below = report.kind_read_below(m)
    assert below == (18, 8)
    title = report.nw_title("BFGS", (4, 7), None, below=below, fitted=False)
    assert title == ("BFGS: errors and ratios per step (kind read on k = 4–18, below the floor "
                     "from e_8; nothing fitted)")
    assert "fit window" not in title
    assert report.nw_title("BFGS", (4, 7), None, below=below).endswith(
        "(kind read on k = 4–18, below the floor from e_8; fit window k = 4–7)")
    # read no further than the window: the title as before
    assert report.kind_read_below(SimpleNamespace(read_to=None, floor_index=8,
                                                  window=(4, 7))) is None
    assert report.nw_title("GD", (3, 78), None, below=None).endswith("(fit window k = 3–78)")
    # the † note names the window of the title, whichever it is
    assert ("step outside the window in the parentheses of the table's title (the first, when "
            "they name two): where the run's rate or order was fitted, or its kind read"
            ) in report.OUTSIDE_NOTE


def test_the_lead_in_and_the_kinds_paragraph_say_the_same_of_the_errors_below_the_floor():
    """Quadratic p. 5 said errors below the floor 'are left out … applied to every run',
    p. 6 that BFGS's were 'included'. The lead-in now names the run whose kind was read on
    them too, and to which error; the run's note says the fit windows leave them out and
    why they may be read (x* exact)."""
    from analysis.rates import rate_study
    from landscape import Objective

    obj = Objective.parse("0.1*x**2 + 2*y**2")
    st = rate_study(obj, "bfgs", [-4.59, -4.83])
    m = st.measurement
    e = np.linalg.norm(np.asarray(st.result.path, float), axis=1)  # x* = (0, 0)
    first = int(np.argmax(e <= E.default_floor(0.0)))
    assert m.kind == "superlinear" and m.read_to == e.size - 1 == 18 and first == 8
    assert report.kind_read_below(m) == (18, 8)
    printed = ", ".join(fmt(float(x), 3) for x in e[first:])
    assert (f"the errors below the rounding floor 2.2e-13, e_{first}–e_{e.size - 1} "
            f"({printed}), which every fit window leaves out, are read here too: x* is exact "
            "in floating point, so they are exact distances") in m.evidence
    # quadratic p. 6: the ratios of the steps k = 7–17 can be recomputed from the errors the
    # paragraph prints (they were printed nowhere): each printed ratio is the ratio of the
    # printed errors to within their three digits
    listed = re.search(r"ratios e_\(k\+1\)/e_k, k = 4–17 \(([^;]*); from", m.evidence)
    assert listed is not None, m.evidence
    ratios = [float(t.replace("−", "-")) for t in listed.group(1).split(", ")]
    errors = [float(t.replace("−", "-")) for t in printed.split(", ")]
    errors = [float(fmt(float(e[first - 1]), 3).replace("−", "-")), *errors]
    assert len(ratios) == 14 and len(errors) == 12
    for r, a, b in zip(ratios[first - 5:], errors[:-1], errors[1:], strict=True):
        assert b / a == pytest.approx(r, rel=2e-2), (r, a, b)
    assert "included" not in m.evidence
    text = report.nw_text([st], ["BFGS"])
    assert ("are left out." in text and text.endswith(
        ".  The kind of ‘BFGS’ is also read on the errors below the floor, e_8–e_18, exact "
        "distances since x* is exact (the paragraph before its table gives them and their "
        "ratios).")), text
    plain = SimpleNamespace(measurement=SimpleNamespace(read_to=None, floor_index=8,
                                                        window=(4, 7)))
    assert report.kinds_read_below_text([plain], ["GD"]) == ""


def test_the_reason_after_the_zigzag_clause_is_set_off_by_a_comma():
    """Study p. 40, L-BFGS: "… zigzag at the end, the last three, 0.00810, 0.000332, 0.0354,
    falling then rising and do not fall toward 0 from k = 36": the second verb of "the
    per-step ratios" follows the clause on the last three, and needs its comma."""
    e = np.cumprod([1.0, 0.0140, 4.64, 0.136, 0.00810, 0.000332, 0.0354])
    seen = E.falling_ratios(e, 2, e.size)
    assert seen is not None and seen[1] == 2
    assert ("the last three, 0.0081, 0.000332, 0.0354, falling then rising, and do not fall "
            "toward 0 from k = 2.  ") in seen[2], seen[2]
    # study p. 41: the whole reading was one sentence of about 200 words (numbers counted);
    # the test, the fall in all, the per-step caveat and the blocks are a sentence each
    sentences = seen[2].split(".  ")
    assert [t.split(" ", 2)[:2] for t in sentences[1:]] == [["In", "all"], ["They", "are"],
                                                            ["The", "superlinear"]]
    assert max(len(t.split()) for t in sentences) <= 100, [len(t.split()) for t in sentences]


def _superlinear_study(err, window, order=None, bound=None):
    return SimpleNamespace(
        result=SimpleNamespace(path=_path(err)), reference=np.zeros(1), minimizer=np.zeros(1),
        prediction=SimpleNamespace(kind="superlinear" if bound is None else "linear",
                                   rate=bound, order=None, exact=bound is None),
        measurement=SimpleNamespace(kind="superlinear", window=window, rate=None,
                                    order=order, order_window=None if order is None
                                    else window, finite_steps=None, ratio_step=None))


def test_a_superlinear_run_with_nothing_fitted_has_no_fit_window():
    """Quadratic pp. 6 and 11: BFGS's per-step table said "nothing fitted" above a row
    "4–7 geometric mean" (an estimate of a rate a superlinear run does not have), and the
    error figure shaded k = 4–7 as the window "where the rate, or the order of a faster
    kind, was fitted".  With no fitted order and no bound to hold it to, the window is where
    the kind was read: no shade, no mean, and the title says so."""
    from analysis import plots

    st = _superlinear_study(HIMMELBLAU_BFGS, (2, 8))
    assert E.fitted_window(st.measurement) is None
    b = report.Builder("t")
    assert report.convergence_table(b, "BFGS", st, "s")
    table = b.doc.blocks[-1]
    assert table.title.endswith("(kind read on k = 2–8; nothing fitted)"), table.title
    assert not any(r[1] == "geometric mean" for r in table.rows)
    assert plots._rate_study_args({"BFGS": st})[2] == {"BFGS": None}  # no window shaded
    # with a fitted order the window is the order's, a fit window
    fitted = _superlinear_study(HIMMELBLAU_BFGS, (2, 8), order=1.5)
    assert E.fitted_window(fitted.measurement) == (2, 8)


def test_a_run_with_nothing_fitted_is_drawn_over_the_window_its_kind_was_read_on():
    """With no fit window, a superlinear run with nothing fitted is not drawn over all its
    steps (chained Rosenbrock p. 13 lost ratios its tables print when the panel thinned
    them): its ratio panel keeps to the window its table names, unshaded, and the caption
    says so; a run with a fitted order beside it keeps its shaded fit window."""
    from analysis import plots

    read = _superlinear_study(HIMMELBLAU_BFGS, (2, 6))
    fitted = _superlinear_study(HIMMELBLAU_BFGS, (1, 7), order=1.5)
    (panel,) = plots.rate_studies_panels({"BFGS": read, "Newton": fitted})
    assert panel.windows == ["Newton"] and panel.read == ["BFGS"] and not panel.unwindowed
    # the last ratio drawn is that of step 5 (window 2–6: errors e_2 … e_6), not a later one
    k, ek, ek1 = plots.study_last_ratio(read)
    assert k == 5 and ek == HIMMELBLAU_BFGS[5] and ek1 == HIMMELBLAU_BFGS[6]
    text = report.error_caption([panel])
    # the caption gives the window's k as the table's title does (quadratic p. 11 left it
    # to a table four pages back)
    title = _title(read)
    assert title.endswith("(kind read on k = 2–6; nothing fitted)"), title
    assert ("over the fit window (BFGS: over the window its kind was read on, k = 2–6, "
            "unshaded: nothing was fitted there)") in text, text
    alone = plots.rate_studies_panels({"BFGS": read})
    assert report.error_caption(alone).count("over the window its kind was read on, k = 2–6, "
                                             "unshaded: nothing was fitted there") == 1
    assert "shaded: the window where" not in report.error_caption(alone)


def _title(st) -> str:
    b = report.Builder("t")
    assert report.convergence_table(b, "BFGS", st, "s")
    return b.doc.blocks[-1].title


def test_a_kind_read_below_the_floor_names_both_windows_in_the_caption():
    """Quadratic p. 11: BFGS's kind was read on e_4 … e_18, below the rounding floor from
    e_8 (x* exact), its ratios drawn over e_4 … e_7, the errors above the floor.  The caption
    gives the part drawn and the window the table's title names, so that neither reads as
    the other."""
    from analysis import plots

    e = 1e-2 * np.cumprod(np.r_[1.0, 0.5, 0.2, 0.05, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6])
    st = _superlinear_study(e, (1, 5))
    floor = plots.study_floor(st)
    above = int(np.argmax(e < floor))  # the first error below the floor
    assert above == 6, (floor, e)
    st.measurement.read_to, st.measurement.floor_index = 8, above
    title = _title(st)
    assert title.endswith("(kind read on k = 1–8, below the floor from e₆; nothing fitted)"), \
        title
    (panel,) = plots.rate_studies_panels({"BFGS": st})
    assert panel.read_windows == {"BFGS": (1, 5)} and panel.read_to == {"BFGS": 8}
    text = report.error_caption([panel])
    assert ("over the window its kind was read on, k = 1–5 (the errors above the rounding "
            "floor; its kind was read on to e_8, below it), unshaded: nothing was fitted there"
            ) in text, text
    # the ratios drawn are those of e_1 … e_5 (steps 1–4), none below the floor
    kk, _ = plots.drawn_ratios(plots.study_errors(st), floor, panel.read_windows["BFGS"])
    assert list(kk) == [1, 2, 3, 4], kk


def test_several_runs_read_on_their_kind_windows_each_give_their_k():
    """Chained Rosenbrock p. 13 drew BFGS, L-BFGS and CG over the windows their kinds were
    read on: the caption gives each window's k, in the runs' order, once."""
    text = report.ratio_span_text(["Newton", "BFGS", "L-BFGS", "CG"], ["Newton"], [], [],
                                  ["BFGS", "L-BFGS", "CG"],
                                  {"BFGS": (36, 69), "L-BFGS": (34, 40), "CG": (71, 86)},
                                  {"CG": 90})
    assert text == (" over the fit window (BFGS, L-BFGS and CG: over the windows their kinds "
                    "were read on, k = 36–69, 34–40 and 71–86 (the errors above the rounding "
                    "floor; CG's kind was read on to e_90, below it), unshaded: nothing was "
                    "fitted there)"), text
    # without the windows, the runs are named and no k is made up
    bare = report.ratio_span_text(["BFGS", "CG"], [], [], [], ["BFGS", "CG"])
    assert bare == (" over the windows their kinds were read on, unshaded: nothing was fitted "
                    "there"), bare


@pytest.mark.parametrize(("last", "than"), [(0.0111, "larger than"),
                                            (0.006, "more than 1/2 of")])
def test_a_last_ratio_above_half_of_the_one_before_says_whether_it_rose(last, than):
    """Study p. 40 read "the last, 0.0111, more than 1/2 of the one before, 0.00879" as odd:
    0.0111 is larger than 0.00879 outright.  A last ratio above the one before is "larger
    than" it; one that fell, but to more than half of it, is "more than 1/2 of" it."""
    r = np.array([0.2, 0.05, 0.00879, last])
    e = np.concatenate([[1.0], np.cumprod(r)])
    assert E._per_step_miss(e, 0, e.size, 0) == (
        f", the last, {fmt(last, 3)}, {than} the one before, 0.00879")
