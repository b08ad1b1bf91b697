"""Gradient descent (``gd``, ``sgd`` and the first-order dispatch of ``momentum``/``nesterov``):
rates, thresholds, optimal steps, exact line search, schedules, degenerate minimizers and
additive gradient noise.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.numfmt import fmt

from .dispatch import register
from .momentum import (
    _dominant_sign,
    _double_root,
    _momentum_trace_det,
    _quadratic_radius,
    heavy_ball_stable,
    nesterov_optimal,
    nesterov_stable,
    polyak_optimal,
)
from .prediction import Prediction
from .schedules import schedule_asymptotics
from .sgd import polyak_ruppert_error, sgd_decaying_error, sgd_stationary_error
from .spectrum import (
    ZERO_TOL,
    _eigs,
    _flt,
    _leading_order,
    _line_search,
    _mu_L,
    _zero_mask,
    condition_number,
)

# --------------------------------------------------------------------------------------------
# Gradient descent
# --------------------------------------------------------------------------------------------


def gd_rate(lr: float, eigenvalues: ArrayLike) -> float:
    """Asymptotic rate of GD ``x <- x - lr*grad f``: ``max_i |1 - lr*lambda_i|``.

    The error obeys ``e_{k+1} = (I - lr H) e_k`` whose eigenvalues are ``1 - lr*lambda_i``; for
    a symmetric H the spectral radius equals the 2-norm, so the bound is attained along the
    dominant eigenvector (N&W §3.3, Eq. 3.29 for the exact-line-search variant; Polyak §1.4).
    A value > 1 means divergence (or escape from a saddle).
    """
    lam = _eigs(eigenvalues)
    return float(np.max(np.abs(1.0 - lr * lam)))


def gd_threshold(eigenvalues: ArrayLike) -> float:
    """Largest stable constant step of GD: ``lr < 2/L``, ``L = max lambda`` (|1 - lr L| < 1)."""
    lam = _eigs(eigenvalues)
    if lam[-1] <= 0:
        return math.inf
    return float(2.0 / lam[-1])


def gd_optimal(eigenvalues: ArrayLike) -> tuple[float, float]:
    """Best constant step of GD and its rate: ``lr* = 2/(L+mu)``, ``rate = (kappa-1)/(kappa+1)``.

    Minimizes ``max(|1 - lr mu|, |1 - lr L|)`` (both equal at the optimum); Polyak (1987)
    §1.4.2 Thm 3, Nesterov (2018) Thm 2.1.15.
    """
    mu, L = _mu_L(eigenvalues)
    return 2.0 / (L + mu), (L - mu) / (L + mu)


def gd_exact_line_search_rate(eigenvalues: ArrayLike) -> float:
    """Bound for steepest descent with exact line search on a quadratic: ``(kappa-1)/(kappa+1)``.

    N&W Thm 3.3: ``||e_{k+1}||_H <= (kappa-1)/(kappa+1) ||e_k||_H`` (Kantorovich). A bound,
    attained only for worst-case starting points.
    """
    mu, L = _mu_L(eigenvalues)
    return (L - mu) / (L + mu)


# ---- first-order (gd, sgd, momentum, nesterov) ---------------------------------------------


def _predict_first_order(
    method: str, hyper: dict[str, Any], lam0: NDArray[np.float64], extra: dict[str, Any]
) -> Prediction:
    lr = _flt(hyper, "lr", 1.0 if _line_search(hyper, None) else None)  # ls: unused
    nesterov = method == "nesterov" or bool(hyper.get("nesterov", False))
    default_b = None if method in ("momentum", "nesterov") else 0.0
    b = _flt(hyper, "momentum", default_b)
    damp = float(hyper.get("dampening", 0.0) or 0.0)
    wd = float(hyper.get("weight_decay", 0.0) or 0.0)
    sigma = float(hyper.get("noise", 0.0) or 0.0)
    notes: list[str] = []
    lam = lam0 + wd
    if wd:
        notes.append(
            f"weight_decay={wd:g} adds wd*x to the gradient: eigenvalues shifted by wd and the "
            "fixed point is the minimizer of f + wd/2 |x|^2, not x*"
        )
    if nesterov and damp:
        raise ValueError("Nesterov momentum requires dampening = 0 (as in PyTorch)")
    lr_rec = lr * (1.0 - damp)  # heavy ball with dampening: rescaled velocity
    sched = schedule_asymptotics({**hyper, "lr": lr})
    if sched.note:
        notes.append(sched.note)
    ls = _line_search(hyper, None)
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    common = dict(valid_from=sched.valid_from, line_search=ls, stochastic=sigma > 0)

    basis = _first_order_basis(b, nesterov)

    def radius(step: float, eigs: NDArray[np.float64]) -> tuple[float, bool | None]:
        tr, de = _momentum_trace_det(step, b, eigs, nesterov)
        rad = _quadratic_radius(tr, de)
        return float(np.max(rad)), _dominant_sign(np.asarray(tr), np.asarray(rad))

    if ls is not None and b == 0.0:
        return _predict_gd_line_search(ls, lam, zero, notes, common)
    if sched.regime in ("summable", "to_zero"):
        return Prediction("none", None, None, basis, False, notes, True, **common)
    if sched.regime == "inverse_time":
        return _predict_inverse_time(lr_rec, b, sched.gamma or 1.0, sched.power, sigma, lam,
                                     zero, notes, basis, common)
    step = sched.lr_final * (1.0 - damp)
    rho, osc = radius(step, lam)
    stable = rho < 1.0
    details: dict[str, Any] = {"lr_used": sched.lr_final, "kappa": condition_number(lam)}
    if np.all(lam > 0):
        stable = _stability_details(step, b, nesterov, lam, details, notes) and stable
    if np.any((lam < 0) & ~zero):
        esc = 1.0 + step * abs(float(lam[0]))
        notes.append(
            f"x* is a saddle/maximum (lambda_min = {lam[0]:g}): the iterates leave it, the "
            f"error growing by the spectral radius {fmt(rho, 6)} per step (plain GD along the "
            f"negative curvature: 1+lr|lambda_min| = {esc:g}; see saddle_escape_steps)"
        )
        details["escape_factor"] = rho
        return Prediction("diverges", rho, None, basis, True, notes, False, oscillating=osc,
                          details=details, **common)
    if np.any(zero):
        return _predict_first_order_degenerate(lam, zero, step, b, nesterov, basis, notes,
                                               extra, details, common)
    if not stable:
        return _predict_unstable(rho, osc, basis, notes, details, extra, common)
    if sigma > 0:
        return _predict_noisy(step, b, nesterov, sigma, hyper, lam, rho, notes, details,
                              common)
    if b == 0.0 and extra.get("quadratic") and rho <= 1e-15:
        notes.append("lr*lambda = 1 for every eigenvalue of the quadratic: one step lands on x*")
        return Prediction("finite", 0.0, None, basis, True, notes, True, finite_steps=1,
                          oscillating=False, details=details, **common)
    notes.append("exact asymptotic rate for a generic start (component along the slowest mode)")
    if b != 0.0:
        notes.append(
            "PyTorch's first step v_1 = g_0 only sets the initial state; rate unchanged"
        )
    return Prediction("linear", rho, 1.0, basis, True, notes, True, oscillating=osc,
                      details=details, **common)


def _first_order_basis(b: float, nesterov: bool) -> str:
    """The formula of the rate: ``max|1 - lr λ|`` for plain GD, else the largest root of the
    heavy-ball or Nesterov characteristic polynomial per eigenvalue."""
    if b == 0.0:
        return "max|1-lr*lambda|"
    if nesterov:
        return "max|roots(z^2-(1+m)(1-lr*lambda)z+m(1-lr*lambda))|"
    return "max|roots(z^2-(1+m-lr*lambda)z+m)|"


def _stability_details(
    step: float, b: float, nesterov: bool, lam: NDArray[np.float64], details: dict[str, Any],
    notes: list[str],
) -> bool:
    """On a positive spectrum: the step threshold and optimal parameters into ``details`` (GD:
    ``2/L``, ``2/(μ+L)``; momentum: the stability region and Polyak's or Nesterov's optimum),
    and whether momentum's stability region holds the step (always True for GD)."""
    if b == 0.0:
        details["lr_threshold"] = gd_threshold(lam)
        details["lr_optimal"], details["rate_optimal"] = gd_optimal(lam)
        return True
    stab = nesterov_stable if nesterov else heavy_ball_stable
    details["stable_region"] = (
        "0 < lr*lambda < 2(1+m)/(1+2m)" if nesterov else "0 < lr*lambda < 2(1+m)"
    )
    stable = stab(step, b, lam)
    opt = (nesterov_optimal if nesterov else polyak_optimal)(lam)
    details["lr_optimal"], details["momentum_optimal"], details["rate_optimal"] = opt
    if _double_root(step, b, lam, nesterov):
        details["double_root"] = True
        notes.append(
            "the dominant root is double (Jordan block): ‖e_k‖ ≈ C (k + 1) ρᵏ, so measured "
            "ratios approach the rate ρ only like ρ(1 + 1/k)"
        )
    return stable


def _predict_unstable(
    rho: float, osc: bool | None, basis: str, notes: list[str], details: dict[str, Any],
    extra: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    """A fixed step past the stability limit: not convergent to x*.

    The linearized error grows by ``rho > 1`` per step. On a quadratic f the linearization is
    exact, so the iterates blow up (``exact``). Otherwise only the local statement holds: the
    iterates leave x*'s neighbourhood and then either blow up or are caught by the higher-order
    terms of f on a cycle — a 2-cycle when the dominant root is negative (GD as lr crosses
    2/L: a period-doubling bifurcation) — or a band (``exact=False``: measured ``bounded`` or
    ``diverges`` both agree).
    """
    notes.append(f"unstable: spectral radius {fmt(rho, 6)} >= 1 (lr beyond the stability "
                 "threshold): not convergent to x*")
    if extra.get("quadratic"):
        notes.append("f is quadratic, so the linearization is exact: the error grows by "
                     f"{fmt(rho, 6)} per step without bound (blow-up)")
        details["outcome"] = "blow-up"
        return Prediction("diverges", rho, None, basis, True, notes, False, oscillating=osc,
                          details=details, **common)
    cycle = "a 2-cycle (the dominant root is negative: period doubling)" if osc else "a cycle"
    notes.append("f is not quadratic: the iterates leave x*'s neighbourhood and either blow up "
                 f"or settle on {cycle} or a band held by the higher-order terms of f")
    details["outcome"] = "blow-up, cycle or band"
    return Prediction("diverges", rho, None, basis, False, notes, False, oscillating=osc,
                      details=details, **common)


def _predict_gd_line_search(
    ls: str, lam: NDArray, zero: NDArray, notes: list[str], common: dict[str, Any]
) -> Prediction:
    if np.any(lam < 0) or np.any(zero):
        notes.append("line-search GD at a degenerate or non-minimizing point: no rate promised")
        return Prediction("none", None, None, "none", False, notes, True, fixed_step=False,
                          degenerate=bool(np.any(zero)), **common)
    rate = gd_exact_line_search_rate(lam)
    notes.append(
        "steepest descent with a line search: the Kantorovich factor (kappa-1)/(kappa+1) "
        "bounds the H-norm error contraction for exact line search (N&W Thm 3.3); inexact "
        "searches give a larger factor (N&W Thm 3.4)"
    )
    r = rate if ls == "exact" else None
    return Prediction("linear", r, 1.0, "(kappa-1)/(kappa+1)", False, notes, True,
                      fixed_step=False, **common)


def _predict_inverse_time(
    lr0: float, b: float, gamma: float, power: float, sigma: float, lam: NDArray, zero: NDArray,
    notes: list[str], basis: str, common: dict[str, Any],
) -> Prediction:
    if np.any(lam <= 0) or np.any(zero):
        notes.append("decaying steps at a degenerate/non-minimizing point: no rate promised")
        return Prediction("none", None, None, basis, False, notes, True,
                          degenerate=bool(np.any(zero)), **common)
    step0 = lr0 / (1.0 - b)  # momentum with slowly varying steps ~ GD with lr/(1-b)
    if power < 1.0:
        notes.append(
            "lr_k ~ lr0 (gamma k)^-p, p < 1: the deterministic error decays like "
            "exp(-c k^(1-p)) (faster than any power, slower than linear)"
        )
        exponent = None
        if sigma > 0:
            exponent = power / 2.0
            notes.append("noise: E|x_k-x*|^2 ~ sum lr_k sigma^2/(2 lambda) ~ k^-p (tracking)")
        return Prediction("sublinear", None, None, "exp(-c k^(1-p))", False, notes, True,
                          exponent=exponent, **common)
    a = step0 / gamma
    det_exp = a * float(lam[0])
    notes.append(
        f"deterministic part: prod(1 - lr_j lambda) ~ k^-(lr0 lambda_min/(gamma(1-m))) "
        f"= k^-{fmt(det_exp, 4)}"
    )
    exponent, const = det_exp, None
    if sigma > 0:
        C, e2 = sgd_decaying_error(lam, step0, gamma, sigma)
        exponent = min(det_exp, e2 / 2.0)
        const = C
        if C is not None:
            notes.append(
                f"noise: E|x_k-x*|^2 ~ {fmt(C, 6)}/k since 2 lr0 lambda_min/gamma > 1 (O(1/k), "
                "cf. BCN Thm 4.7)"
            )
        else:
            notes.append("noise: 2 lr0 lambda_min/gamma <= 1, slower than O(1/k); a bound only")
    return Prediction("sublinear", None, None, "k^-(lr0*lambda_min/gamma)", b == 0.0, notes,
                      True, exponent=exponent, error_constant=const, **common)


def _predict_first_order_degenerate(
    lam: NDArray, zero: NDArray, step: float, b: float, nesterov: bool, basis: str,
    notes: list[str], extra: dict[str, Any], details: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    nz = lam[~zero]
    rho_nz = 0.0
    if nz.size:
        tr, de = _momentum_trace_det(step, b, nz, nesterov)
        rho_nz = float(np.max(_quadratic_radius(tr, de)))
    if rho_nz >= 1.0:
        notes.append("unstable along the non-degenerate directions")
        return Prediction("diverges", rho_nz, None, basis, True, notes, False, degenerate=True,
                          details=details, **common)
    p = _leading_order(extra)
    notes.append(
        "degenerate minimizer (zero eigenvalue): local rate 1. If the zero-curvature direction "
        "is curved by order-p terms (x^p), GD converges sublinearly, |e_k| ~ k^-1/(p-2); if it "
        "is a flat valley of minimizers, GD converges linearly (rate over the nonzero "
        f"eigenvalues, {fmt(rho_nz, 6)}) to another minimizer"
    )
    exponent = 1.0 / (p - 2) if p is not None and p > 2 else None
    details["rate_nonzero_eigenvalues"] = rho_nz
    # one degenerate direction curved at order p: the error along it obeys
    # e' = e - c e^(p-1), whose asymptote C k^-1/(p-2) is exact (x³: 1/(3ηk)); with several
    # such directions the slowest sets the law, and without p the point may lie in a flat
    # valley (linear): the exponent is then only a bound
    exact = exponent is not None and int(np.count_nonzero(zero)) == 1
    return Prediction("sublinear", None, None, "k^-1/(p-2)", exact, notes, True,
                      exponent=exponent, degenerate=True, details=details, **common)


def ema_stationary_error(eigenvalues: ArrayLike, lr: float, sigma: float, decay: float) -> float:
    """Stationary ``E||xbar - x*||^2`` of the EMA ``xbar <- d xbar + (1-d) x`` of plain SGD.

    Per eigen-direction the state ``(e, ebar)`` obeys ``e' = r e - lr sigma xi``,
    ``ebar' = d ebar + (1-d) e'`` with ``r = 1 - lr lam``: ``M = [[r, 0], [(1-d) r, d]]``,
    noise vector ``-lr sigma (1, 1-d)``; the stationary covariance solves the discrete
    Lyapunov equation ``P = M P M^T + b b^T`` and the answer is ``sum P[1, 1]``.
    """
    from scipy.linalg import solve_discrete_lyapunov

    total = 0.0
    for l_i in _eigs(eigenvalues):
        r = 1.0 - lr * l_i
        if abs(r) >= 1:
            return math.inf
        M = np.array([[r, 0.0], [(1.0 - decay) * r, decay]])
        b = -lr * sigma * np.array([1.0, 1.0 - decay])
        total += float(solve_discrete_lyapunov(M, np.outer(b, b))[1, 1])
    return total


def _predict_noisy(
    step: float, b: float, nesterov: bool, sigma: float, hyper: dict[str, Any], lam: NDArray,
    rho: float, notes: list[str], details: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    level = sgd_stationary_error(lam, step, sigma, momentum=b, nesterov=nesterov)
    details["transient_rate"] = rho
    details["stationary_error"] = level
    notes.append(
        f"additive gradient noise sigma={sigma:g}: no convergence to x*; E[x_k]-x* contracts "
        f"at {fmt(rho, 6)} per step, E|x_k-x*|^2 -> {fmt(level, 6)} (exact for quadratics); "
        "compare "
        "error levels, not rates"
    )
    average = str(hyper.get("average", "none")).lower()
    if average == "polyak":
        c = polyak_ruppert_error(lam, sigma)
        details["polyak_ruppert_constant"] = c
        notes.append(
            f"x_avg (Polyak-Ruppert): E|xbar_k-x*|^2 ~ tr(H^-1 S H^-1)/k = {fmt(c, 6)}/k "
            "(Polyak & Juditsky 1992), independent of lr and momentum; the path holds the raw "
            "iterates"
        )
    elif average == "ema" and b == 0.0:
        d = float(hyper.get("ema_decay", 0.9))
        details["ema_stationary_error"] = ema_stationary_error(lam, step, sigma, d)
        notes.append(f"x_avg (EMA, decay {d:g}): E|xbar-x*|^2 -> "
                     f"{fmt(details['ema_stationary_error'], 6)}")
    basis = "sum lr*sigma^2/(lambda*(2-lr*lambda))" if b == 0.0 else "Lyapunov P[0,0]"
    return Prediction("none", None, None, basis, True, notes, True, error_level=level,
                      details=details, **common)


register(
    "first-order",
    lambda method, hyper, lam, hessian, extra: _predict_first_order(method, hyper, lam, extra),
)
