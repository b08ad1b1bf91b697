"""Wording and small content items of the documents: the start's decimals, BFGS spelled out,
the digits of a per-step table's ratios, the study's final distance, the ECDF markers."""

import re
from types import SimpleNamespace as NS

import numpy as np
from matplotlib.figure import Figure

from analysis import plots, report


def test_a_drawn_start_prints_the_decimals_its_sentence_says():
    """Rosenbrock p. 1: x₀ = (1.37, −2.3, …) beside 'rounded to 2 decimals': every
    coordinate of a drawn start prints with those two decimals, −2.30."""
    obj = NS(compiled=NS(value=lambda x: 0.0), grad=lambda x: np.zeros(2))
    box = np.array([[-5.0, 5.0], [-5.0, 5.0]])
    x, how = report.default_start(obj, box, [], None, seed=0)
    assert "rounded to 2 decimals" in how
    text = report.start_text(x, how)
    point = re.match(r"x₀ = \(([^)]*)\), ", text).group(1).split(", ")
    assert all(re.fullmatch(r"-?\d+\.\d\d", c) for c in point), text
    assert np.array_equal([float(c) for c in point], x)
    assert report.start_text(np.array([1.37, -2.3]), "a draw") == "x₀ = (1.37, -2.30), a draw"
    assert report.start_text(np.array([-0.001, 4.0]), "a draw") == "x₀ = (0.00, 4.00), a draw"
    # a given start prints as given
    assert report.start_text(np.array([1.0, 1.0]), "given") == "x₀ = (1, 1), as given"


def test_bfgs_is_spelled_out_at_its_first_mention():
    """Himmelblau p. 1: 'Methods: …, BFGS, limited-memory BFGS (L-BFGS), …' never said what
    BFGS stands for."""
    assert report.method_titles(["gd", "bfgs", "lbfgs"]) == (
        "gradient descent (GD), Broyden–Fletcher–Goldfarb–Shanno (BFGS), "
        "limited-memory BFGS (L-BFGS)")


def _study(errors, window):
    return NS(result=NS(path=np.asarray(errors, float).reshape(-1, 1)),
              reference=np.zeros(1), minimizer=np.zeros(1),
              prediction=NS(kind="superlinear", rate=None, order=None, exact=True),
              measurement=NS(window=window, kind="superlinear"))


def _table(ratios):
    b = report.Builder("t")
    assert report.convergence_table(b, "bfgs", _study(np.cumprod([9.15] + ratios),
                                                      (3, len(ratios))), "s")
    return b.doc.blocks[-1]


def test_a_ratio_printed_with_more_digits_than_beside_it_is_explained():
    """Rosenbrock p. 8: the first-step ratio 0.903448 printed 0.903448 in BFGS's table and
    0.90345 in L-BFGS's beside it: a column prints all its ratios with the digits its ratio
    nearest 1 needs (0.999592: ⌊−log10(0.000408)⌋ + 3 = 6), and the table's note says so."""
    near = _table([0.903448, 0.8, 0.5, 0.5, 0.999592])  # a ratio within 10⁻³ of 1
    far = _table([0.903448, 0.8, 0.5, 0.5, 0.99819])    # none: five digits
    first = [next(r[2] for r in t.rows if r[0].rstrip("†") == "0") for t in (near, far)]
    assert first[0].startswith("0.903448ᵐ") and first[1].startswith("0.90345ᵐ"), first
    note = plots.page_script(report.COLUMN_DIGITS_NOTE)
    assert note in near.notes and note not in far.notes
    assert "within 10⁻³ of 1" in report.COLUMN_DIGITS_NOTE
    # it names the columns it holds for (chained Rosenbrock p. 8: Newton's e_(k+1)/e_k²
    # column prints four digits beside a note that said "the ratios of one column")
    assert "not e_(k+1)/e_k^q" in report.COLUMN_DIGITS_NOTE


def test_the_overshoot_clause_prints_distances_as_the_caption_does():
    """Study p. 35: the caption gave Adam's final distance as 1.02ᵐ, then '1.0 at k = 20'
    with no marker: one value, one format, marked measured."""
    from analysis.study import _overshoot_text

    path = np.array([[-1.0, 0.0], [0.503, 0.0], [0.7, 0.0], [1.0203, 0.0]])
    text = _overshoot_text("Adam", path, "momentum", back=2)
    assert "(‖xₖ‖ = 0.503ᵐ at k = 1, 1.02ᵐ at k = 3)" in text, text


def test_the_ecdf_caption_explains_the_markers_on_the_curves():
    """Kink p. 7: each ECDF curve carried one lone marker (CG ● at about (55.5, 0.02)) that
    the caption never explained: the curves mark data points with their legend markers, and
    the caption sentence shared by every ECDF figure says so."""
    costs = {"CG": np.r_[55.5, 52.0, np.full(98, np.nan)],
             "BFGS": np.r_[61.2, 63.0, np.full(98, np.nan)]}
    fig = plots.plot_ecdf(costs, xlabel="cost", ylabel="fraction", fig=Figure())
    curves = [ln for ln in fig.axes[0].lines if not ln.get_label().startswith("_")
              and ln.get_marker() not in (None, "None", "", " ")]
    assert len(curves) == 2  # both curves draw markers on their data points
    assert "legend marker at the top of a few of its risers" in plots.ECDF_END_TEXT
