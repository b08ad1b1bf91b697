r"""What theory promises for trust-region Newton (``trust-exact``, ``trust-ncg``) near a
critical point x*.

Trust-region Newton (N&W = Nocedal & Wright, *Numerical Optimization*, 2nd ed.)
    Near a nondegenerate minimizer (∇²f(x*) ≻ 0) the radius stays bounded away from zero and
    the steps become unconstrained (N&W Thm. 4.9), so ``trust-exact`` takes Newton steps:
    ‖e_{k+1}‖ = O(‖e_k‖²), quadratic.  ``trust-ncg`` stops CG at ‖r‖ ≤ ηₖ‖g‖ with
    ηₖ = min(½, √‖gₖ‖) (SciPy's forcing term): an inexact Newton method with ηₖ = O(‖gₖ‖^½),
    hence superlinear of order at least 1.5 (N&W Thm. 7.2 and its proof; ‖e_{k+1}‖ =
    O(ηₖ‖e_k‖ + ‖e_k‖²)); CG may also finish exactly within n steps, giving quadratic steps.
    At a saddle (some eigenvalue < 0) ``trust-exact`` exploits the negative curvature (its
    limit points satisfy the second-order conditions, N&W Thm. 4.8): the iterates leave.
    At a degenerate minimizer with leading order p along the flat direction the steps are
    Newton's, e ← e(1 − 1/(p − 1)): linear with rate (p − 2)/(p − 1).

Every function is pure and returns a :class:`Prediction` (or a number).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .dispatch import register
from .newton import newton_degenerate_rate
from .prediction import Prediction
from .spectrum import _leading_order

#: the trust-region methods this module predicts
TRUST_REGION = ("trust-exact", "trust-ncg")
#: |λ| ≤ ZERO_TOL·max|λ| counts as a zero eigenvalue (as in analysis.theory)
ZERO_TOL = 1e-9
#: order of trust-ncg's inexact Newton steps with ηₖ = min(½, √‖gₖ‖)
NCG_ORDER = 1.5


def predict_trust_region(method: str, eigenvalues: Sequence[float] | ArrayLike,
                         leading_order: int | None = None) -> Prediction:
    """Local behaviour of ``trust-exact`` / ``trust-ncg`` at a critical point with Hessian
    spectrum ``eigenvalues`` (module docstring)."""
    if method not in TRUST_REGION:
        raise ValueError(f"unknown trust-region method {method!r}")
    lam = np.asarray(eigenvalues, dtype=float).reshape(-1)
    scale = float(np.max(np.abs(lam))) if lam.size else 0.0
    zero = np.abs(lam) <= ZERO_TOL * max(scale, 1e-300)
    common = dict(fixed_step=False, line_search=None)
    if np.any((lam < 0) & ~zero):
        notes = ["negative curvature: the trust-region step follows it to the boundary "
                 "(N&W Thm. 4.8: limit points satisfy the second-order conditions)"]
        if method == "trust-ncg":
            notes.append("Steihaug's CG follows negative curvature once it meets it; from a "
                         "start exactly on the stable manifold it may not")
        return Prediction("diverges", None, None, "escapes along negative curvature", False,
                          notes, False, **common)
    if np.any(zero):
        if leading_order is None:
            return Prediction("linear", None, 1.0, "|1-1/(p-1)|", False,
                              ["degenerate minimizer: the steps are Newton's, linear with rate "
                               "(p-2)/(p-1); pass the leading order p for the number"], True,
                              degenerate=True, **common)
        rate = newton_degenerate_rate(leading_order, 1.0)
        return Prediction("linear", rate, 1.0, "(p-2)/(p-1)", True,
                          [f"degenerate minimizer of leading order p={leading_order}: unit "
                           "Newton steps inside the region, e <- e (1 - 1/(p-1))"], True,
                          degenerate=True, **common)
    if method == "trust-exact":
        return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True,
                          ["nondegenerate minimizer: the region becomes inactive and the "
                           "steps are Newton's (N&W Thm. 4.9): quadratic"], True,
                          oscillating=False, **common)
    return Prediction("superlinear", None, NCG_ORDER, "e_{k+1} = O(|e_k|^1.5)", False,
                      ["nondegenerate minimizer: inexact Newton steps with forcing term "
                       "min(1/2, sqrt|g|): superlinear of order at least 1.5 (N&W Thm. 7.2); "
                       "quadratic when CG solves exactly"], True, oscillating=False,
                      **common)


register(
    "trust-region",
    lambda method, hyper, lam, hessian, extra: predict_trust_region(
        method, lam, _leading_order(extra)),
)
