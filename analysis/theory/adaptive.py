"""Adaptive methods (AdaGrad, RMSProp, AdaDelta, Adam, AdamW): first steps, effective learning
rates, the ε regime of Adam, and their (mostly absent) rate guarantees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscape.numfmt import fmt
from optimizers.registry import label

from .coordinate import spectral_radius
from .dispatch import register
from .prediction import Prediction

# --------------------------------------------------------------------------------------------
# Adaptive methods
# --------------------------------------------------------------------------------------------

_ADAPTIVE_DEFAULTS: dict[str, dict[str, float]] = {
    "adagrad": {"lr": 1e-2, "eps": 1e-10, "initial_accumulator_value": 0.0},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
}


def _adaptive_hyper(method: str, hyper: Mapping[str, Any]) -> dict[str, float]:
    if method not in _ADAPTIVE_DEFAULTS:
        raise ValueError(f"not an adaptive method: {method!r}")
    h = dict(_ADAPTIVE_DEFAULTS[method])
    h.update({k: v for k, v in hyper.items() if k in h and v is not None})
    return h


def adaptive_first_step(
    method: str, grad: ArrayLike, hyper: Mapping[str, Any], x0: ArrayLike | None = None
) -> NDArray[np.float64]:
    """The first displacement ``x_1 - x_0`` of an adaptive method (PyTorch rules, zero state).

    * Adam/AdamW: ``m1_hat = g``, ``v1_hat = g^2`` (bias correction) so the step is
      ``-lr g/(|g| + eps) ~ -lr sign(g)`` per coordinate (Kingma & Ba 2015 §2.1); AdamW adds
      the decoupled decay ``-lr wd x0`` (Loshchilov & Hutter 2019).
    * AdaGrad: ``G = G0 + g^2``, step ``-lr g/(sqrt(G) + eps)`` (= ``-lr g/(|g| + eps)`` for
      G0 = 0).
    * RMSProp: ``v = (1-alpha) g^2``, step ``-lr g/(sqrt((1-alpha) g^2) + eps)``
      ~ ``-lr sign(g)/sqrt(1-alpha)`` (10 lr for alpha = 0.99).
    * AdaDelta: ``v = (1-rho) g^2``, step ``-lr sqrt(eps)/sqrt(v + eps) g``.
    """
    h = _adaptive_hyper(method, hyper)
    g = np.asarray(grad, dtype=float)
    if method in ("adam", "adamw"):
        step = -h["lr"] * g / (np.abs(g) + h["eps"])
        if method == "adamw" and x0 is not None:
            step = step - h["lr"] * h["weight_decay"] * np.asarray(x0, float)
        return step
    if method == "adagrad":
        return -h["lr"] * g / (np.sqrt(h["initial_accumulator_value"] + g * g) + h["eps"])
    if method == "rmsprop":
        return -h["lr"] * g / (np.sqrt((1.0 - h["alpha"]) * g * g) + h["eps"])
    v = (1.0 - h["rho"]) * g * g
    return -h["lr"] * np.sqrt(h["eps"]) / np.sqrt(v + h["eps"]) * g


def adaptive_effective_lr(
    method: str,
    hyper: Mapping[str, Any],
    second_moment: ArrayLike,
    *,
    step: int | None = None,
    delta_moment: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Per-coordinate effective step ``lr_eff`` in ``x <- x - lr_eff * (gradient or m_hat)``.

    Adam/AdamW: ``lr/(sqrt(v_hat) + eps)`` with ``v_hat = v/(1 - beta2^t)`` when ``step=t``;
    RMSProp: ``lr/(sqrt(v) + eps)``; AdaGrad: ``lr/(sqrt(G) + eps)`` (``second_moment`` = the
    accumulator G); AdaDelta: ``lr sqrt(u + eps)/sqrt(v + eps)`` with ``u = delta_moment``.
    """
    h = _adaptive_hyper(method, hyper)
    v = np.asarray(second_moment, dtype=float)
    if method in ("adam", "adamw"):
        if step is not None:
            v = v / (1.0 - h["beta2"] ** int(step))
        return h["lr"] / (np.sqrt(v) + h["eps"])
    if method in ("rmsprop", "adagrad"):
        return h["lr"] / (np.sqrt(v) + h["eps"])
    u = np.zeros_like(v) if delta_moment is None else np.asarray(delta_moment, float)
    return h["lr"] * np.sqrt(u + h["eps"]) / np.sqrt(v + h["eps"])


def preconditioned_gd_rate(hessian: ArrayLike, steps: ArrayLike) -> float:
    """Rate of ``x <- x - diag(steps) grad f``: ``rho(I - diag(steps) H)``.

    Used a posteriori for AdaGrad: once the accumulator G has converged (gradients decaying
    geometrically), AdaGrad is GD with the fixed diagonal preconditioner
    ``steps = lr/(sqrt(G_inf) + eps)``.
    """
    H = np.atleast_2d(np.asarray(hessian, dtype=float))
    P = np.diag(np.broadcast_to(np.asarray(steps, float), (H.shape[0],)))
    return spectral_radius(np.eye(H.shape[0]) - P @ H)


def adam_eps_regime_threshold(hyper: Mapping[str, Any], method: str = "adam") -> float:
    """Curvature above which Adam's small-gradient regime (``sqrt(v_hat) << eps``) is unstable.

    There the update is EMA momentum ``m <- b1 m + (1-b1) g; x <- x - (lr/eps) m``, i.e. heavy
    ball with step ``lr (1-b1)/eps``; it is stable iff
    ``lam < 2 (1 + b1) eps / (lr (1 - b1))`` (:func:`heavy_ball_stable`).
    """
    h = _adaptive_hyper(method, hyper)
    return 2.0 * (1.0 + h["beta1"]) * h["eps"] / (h["lr"] * (1.0 - h["beta1"]))


# ---- adaptive methods -----------------------------------------------------------------------


_ADAPTIVE_NOTES = {
    "adam": (
        "Adam: Kingma & Ba's convex regret bound has a flaw (Reddi, Kale & Kumar 2018: Adam can "
        "fail to converge; AMSGrad repairs the proof); with constant lr no linear rate is "
        "promised. Near a minimizer the step lr*m_hat/(sqrt(v_hat)+eps) does not shrink in "
        "proportion to the gradient (v_hat has memory 1/(1-beta2)), so the iterates typically "
        "oscillate in an O(lr) neighbourhood."
    ),
    "adagrad": (
        "AdaGrad: O(sqrt T) regret for online convex problems (Duchi, Hazan & Singer 2011), "
        "O(1/sqrt k) for averaged iterates; on a strongly convex deterministic problem the "
        "accumulator G converges and AdaGrad becomes GD with the diagonal preconditioner "
        "lr/(sqrt(G_inf)+eps): linear, but G_inf depends on the trajectory (no a-priori rate; "
        "pass extra={'accumulator': G} for the a-posteriori rate)."
    ),
    "rmsprop": (
        "RMSProp (Tieleman & Hinton 2012): no convergence guarantee; as gradients shrink, v "
        "forgets them and the effective step lr/(sqrt v+eps) grows, so constant-lr runs hover "
        "in an O(lr) neighbourhood of the minimizer."
    ),
    "adadelta": (
        "AdaDelta (Zeiler 2012): no convergence rate is promised; the step is the ratio of two "
        "running RMS values and need not shrink near the minimizer."
    ),
}


def _predict_adaptive(
    method: str, hyper: dict[str, Any], lam: NDArray, hessian: ArrayLike | None,
    extra: dict[str, Any],
) -> Prediction:
    h = _adaptive_hyper(method, hyper)
    notes = [_ADAPTIVE_NOTES["adam" if method == "adamw" else method]]
    details: dict[str, Any] = {}
    if method == "adamw":
        notes.append("AdamW: decoupled weight decay moves the fixed point away from x*")
    if method in ("adam", "adamw"):
        thr = adam_eps_regime_threshold(h, method)
        details["eps_regime_lambda_threshold"] = thr
        notes.append(
            "comparable: first step -lr*g/(|g|+eps) ~ -lr*sign(g) per coordinate; if "
            "sqrt(v_hat) << eps Adam is heavy ball with step lr(1-beta1)/eps, stable only for "
            f"lambda < 2(1+beta1)eps/(lr(1-beta1)) = {fmt(thr, 3)}"
        )
    elif method == "rmsprop":
        notes.append("comparable: first step -lr*g/(sqrt((1-alpha)g^2)+eps) ~ -lr/sqrt(1-alpha)")
    elif method == "adagrad":
        notes.append("comparable: first step -lr*g/(sqrt(g^2)+eps) ~ -lr*sign(g)")
    if extra.get("grad0") is not None:
        details["first_step"] = adaptive_first_step(method, extra["grad0"], h, extra.get("x0"))
    acc = extra.get("accumulator")
    if method == "adagrad" and acc is not None and np.all(lam > 0):
        steps = adaptive_effective_lr(method, h, acc)
        if hessian is None and lam.size != 1:
            notes.append("a-posteriori AdaGrad rate needs the full Hessian (hessian=)")
        else:
            H = np.diag(lam) if hessian is None else np.asarray(hessian, float)
            rate = preconditioned_gd_rate(H, steps)
            details["effective_lr"] = steps
            notes.append("a-posteriori: rho(I - diag(lr/(sqrt(G)+eps)) H) with the run's G")
            return Prediction("linear" if rate < 1 else "diverges", rate, 1.0,
                              "rho(I-diag(lr/(sqrt(G)+eps))H)", True, notes, rate < 1,
                              details=details)
    why = {"adagrad": "AdaGrad's rate depends on the accumulator the run builds up (no "
                      "a-priori rate; Duchi, Hazan & Singer 2011 bound regret only)",
           "rmsprop": "RMSProp has no convergence guarantee (Tieleman & Hinton 2012)",
           "adadelta": "AdaDelta promises no convergence rate (Zeiler 2012)"}.get(
        method, f"{label(method)} with a constant step size η promises no rate (Reddi, Kale & "
                "Kumar 2018: Adam can fail to converge)")
    return Prediction("none", None, None, "none", False, notes, True, details=details,
                      fixed_step=False, reason=why)


register("adaptive", _predict_adaptive)
