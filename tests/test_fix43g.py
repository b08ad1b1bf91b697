"""Wording and small content items of the documents: the start's decimals, BFGS spelled out,
the digits of a per-step table's ratios, the study's final distance, the ECDF markers."""

import re
from types import SimpleNamespace as NS

import numpy as np

from analysis import report


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
