"""BFGS and L-BFGS: superlinear (BFGS) and R-linear (L-BFGS, Liu & Nocedal) local behaviour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .dispatch import register
from .prediction import Prediction
from .spectrum import ZERO_TOL, _line_search, _zero_mask

#: the ``basis`` of the BFGS prediction (superlinear, no order) and of the L-BFGS one
#: (linear, no rate)
BFGS_BASIS = "Dennis-More"
LBFGS_BASIS = "Liu-Nocedal R-linear"

#: how the uniformly convex hypothesis of the L-BFGS theorem is met: only near x*, where the
#: prediction is made (at a degenerate or non-minimizing x* none is), whether or not f is
#: convex elsewhere; named as the minimizer the theory is evaluated at, not "x*", which a
#: page's tables may give to another point (chained Rosenbrock p. 7: its tables measure to
#: P3, L-BFGS ended at P1)
LOCALLY = ("applied near the minimizer the theory is evaluated at, where ∇²f is positive "
           "definite (so f is uniformly convex there, whether or not it is convex elsewhere)")

#: where each quasi-Newton prediction comes from, by its basis, for the documents that print
#: the predicted kind beside a run
QN_SOURCE_TEXT = {
    BFGS_BASIS: ("the theorem that BFGS with a Wolfe line search trying the unit step first "
                 "converges superlinearly near a minimizer with a Lipschitz ∇²f (N&W Thm "
                 "6.6, via the Dennis–Moré condition): its ratios eₖ₊₁/eₖ tend to 0, at no "
                 "predicted order"),
    LBFGS_BASIS: ("the theorem that L-BFGS converges R-linearly on a uniformly convex f (Liu "
                  f"& Nocedal 1989, Thm 7.1), {LOCALLY}, with a constant not computable from "
                  "the spectrum: a linear bound with no rate"),
}


def _predict_quasi_newton(
    method: str, hyper: dict[str, Any], lam: NDArray, extra: dict[str, Any]
) -> Prediction:
    ls = _line_search(hyper, "wolfe")
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    common = dict(line_search=ls, fixed_step=False)
    if np.any(lam <= 0) or np.any(zero):
        notes = [
            f"{method}: convergence theory needs a positive definite Hessian at x*; at a "
            "degenerate or non-minimizing point no rate is promised"
        ]
        return Prediction("none", None, None, "none", False, notes, True,
                          degenerate=bool(np.any(zero)), **common)
    finite = ("a quasi-Newton method terminates in n steps on a quadratic only with exact "
              "line searches (then, from H0 = I, BFGS generates the CG iterates: Nazareth "
              f"1979); the search here is {ls or 'a fixed step'}, so no finite termination is "
              "predicted even there")
    if method == "bfgs":
        notes = [
            "superlinear convergence (Dennis-More characterization; N&W Thm 3.7/6.6) at a "
            "minimizer with Lipschitz Hessian, Wolfe line search trying the unit step first; "
            "no order is predicted (only ratios e_(k+1)/e_k -> 0)",
            finite,
        ]
        return Prediction("superlinear", None, None, BFGS_BASIS, False, notes, True,
                          **common)
    memory = int(hyper.get("memory", 10) or 10)
    notes = [
        f"L-BFGS (memory {memory}, n = {lam.size}): what is proved is R-linear convergence on "
        "uniformly convex functions (Liu & Nocedal 1989, Thm 7.1; N&W §7.2), "
        f"{LOCALLY}, with a constant not computable from the spectrum: a linear bound "
        "without a rate and no order",
        "the matrix is rebuilt each step from H0 = gamma_k I and the last pairs, not the BFGS "
        "sequence, so the Dennis-More superlinear theorem does not carry over; superlinear "
        "runs (common when memory >= n) are faster than the bound and agree",
        finite,
    ]
    return Prediction("linear", None, None, LBFGS_BASIS, False, notes, True,
                      **common)


register(
    "quasi-newton",
    lambda method, hyper, lam, hessian, extra: _predict_quasi_newton(method, hyper, lam, extra),
)
