"""Minimizers on a kink of f: subgradient theory (bands of constant steps, rates of diminishing
ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landscape.numfmt import fmt
from optimizers.registry import label

from .dispatch import method_family
from .prediction import Prediction
from .schedules import schedule_asymptotics
from .spectrum import _flt, _line_search

# ---- minimizers on a kink (subgradient theory) ----------------------------------------------


def subgradient_band(lr: float, G: float, momentum: float = 0.0) -> float:
    """Predicted diameter ``2 lr G / (1 - momentum)`` of the band a constant-step subgradient
    method settles in around a kink minimizer.

    Near the kink every step has length ``lr |g|`` with ``|g| <= G`` (G bounds the gradients of
    the smooth pieces meeting at x*); an iterate on either side of the kink got there by one
    step from the other side, so the limit set lies within ``lr G`` of the kink on each side:
    diameter ``<= 2 lr G``. Heavy ball / Nesterov settle to the effective step
    ``lr/(1 - momentum)`` (the velocity sums a geometric series of bounded gradients). The
    classical form of the same fact: ``min_j f(x_j) - f* <= (|x0 - x*|^2 + lr^2 G^2 k)/(2 lr k)
    -> lr G^2/2`` (Nesterov 2018 §3.2.3; Boyd & Mutapcic, *Subgradient methods*, §3).
    """
    return 2.0 * float(lr) * float(G) / (1.0 - float(momentum))


#: the predicted-kind cell's reason of a method no theory covers at a kink
NO_KINK_THEORY = "no theory at a kink"

_KINK_NOTE = ("x* is a kink of f (f is not differentiable there): subgradient theory applies, "
              "not the Hessian-based rates")


#: Why a method with a Hessian model has no rate at a kink, and what of the method needs
#: it; a report that gives the reason for several such methods says the second part once
#: (:func:`analysis.report.said_once`)
TWICE_DIFFERENTIABLE = "rests on f being twice differentiable at x*"
TWICE_WHY = " (Hessian model, curvature condition of the line search)"


def predict_kink(method: str, hyper: Mapping[str, Any], G: float) -> Prediction:
    """Predicted behaviour of ``method`` at a minimizer on a kink of f (subgradient theory).

    ``G``: a bound on the gradient norms of the pieces of f near x* (the largest subgradient
    norm). First-order methods with a fixed step are subgradient methods there: the iterates do
    not converge but settle in a band of diameter :func:`subgradient_band` (kind ``bounded``,
    a bound: ``exact=False``). With ``lr_k = lr/(1 + gamma k)^p`` (``0 < p <= 1``, sum of steps
    infinite) they converge: ``min_j f(x_j) - f* = O(1/sqrt k)`` for ``p = 1/2`` (Shor 1985;
    Nesterov 2018 Thm 3.2.2) and, at a sharp minimizer (``f - f* >= alpha |x - x*|``), every
    iterate past the kink stays within one step ``lr_k G`` of it: ``|e_k| = O(k^-p)`` (kind
    ``sublinear``, exponent p, a bound). Newton, (L-)BFGS and coordinate descent assume f
    twice differentiable at x*; nonlinear CG has no Hessian model, but its convergence
    theory needs a Lipschitz-continuous gradient (Nocedal & Wright Assumption 5.1), which a
    kink breaks, and its rate results ∇²f at x*; the adaptive methods have no theory here:
    kind ``none``.
    """
    method = str(method).lower()
    hyper = dict(hyper)
    notes = [_KINK_NOTE]
    common = dict(fixed_step=True)
    fam = method_family(method, strict=False)
    if fam != "first-order":
        what = ("has no convergence theory at a kink" if fam == "adaptive" else
                "needs a Lipschitz-continuous gradient for its convergence theory, which a "
                "kink breaks, and ∇²f at x* for its rate results: no rate is promised at a "
                "kink" if fam == "cg" else
                f"{TWICE_DIFFERENTIABLE}{TWICE_WHY}: no rate is promised at a kink")
        return Prediction("none", None, None, "none", False, notes, True,
                          reason=f"{label(method)} {what}", short_reason=NO_KINK_THEORY,
                          fixed_step=fam == "adaptive")
    b = float(hyper.get("momentum", 0.0 if method in ("gd", "sgd") else 0.9) or 0.0)
    damp = float(hyper.get("dampening", 0.0) or 0.0)
    if float(hyper.get("noise", 0.0) or 0.0) > 0 or hyper.get("batch_size") is not None:
        return Prediction("none", None, None, "none", False, notes, True, stochastic=True,
                          reason="stochastic subgradients at a kink: no rate is compared",
                          short_reason="stochastic subgradients")
    if float(hyper.get("weight_decay", 0.0) or 0.0):
        return Prediction("none", None, None, "none", False, notes, True,
                          reason="weight decay moves the minimizer off the kink x*",
                          short_reason="x* moved off the kink")
    if _line_search(hyper, None) is not None:
        return Prediction("none", None, None, "none", False, notes, True, fixed_step=False,
                          reason="a line search at a kink has no rate theory (the Armijo "
                                 "steps shrink to zero near x*)", short_reason=NO_KINK_THEORY)
    lr = _flt(hyper, "lr")
    sched = schedule_asymptotics({**hyper, "lr": lr})
    if sched.note:
        notes.append(sched.note)
    common["valid_from"] = sched.valid_from
    # β > 0: the band rests on the effective step η/(1 − β), a heuristic (the subgradient
    # sources treat β = 0 only); the documents say so by this entry
    details: dict[str, Any] = {"G": float(G), "momentum": b}
    if sched.regime == "constant":
        step = sched.lr_final * (1.0 - damp)
        band = subgradient_band(step, G, b)
        details["lr_used"] = sched.lr_final
        notes.append(
            f"constant step: the iterates settle in a band of diameter ≤ 2ηG/(1 − β) = "
            f"{fmt(band, 3)} around x* (G = {fmt(G, 4)}, the largest gradient norm of the pieces "
            "near x*); they converge only if an iterate lands exactly on the kink"
        )
        return Prediction("bounded", None, None, "2*lr*G/(1-m)", False, notes, True,
                          band=band, details=details, **common)
    if sched.regime == "inverse_time":
        p = float(sched.power)
        notes.append(
            f"diminishing steps lr_k = lr/(1+gamma k)^{p:g} with a divergent sum: "
            "min_j f(x_j) - f* = O(1/sqrt k) for p = 1/2 (Nesterov 2018 Thm 3.2.2); at a "
            f"sharp kink every iterate stays within one step lr_k G of x*: |e_k| = O(k^-{p:g}) "
            "(smooth directions of f may be slower for p = 1)"
        )
        return Prediction("sublinear", None, None, "lr_k*G", False, notes, True, exponent=p,
                          details=details, **common)
    return Prediction("none", None, None, "none", False, notes, True, details=details,
                      reason="the steps are summable: the iterates stop at a finite distance "
                             "from x*", short_reason="summable steps", **common)
