r"""Adam and AMSGrad (torch.optim.Adam), bias-corrected.

    m ← β₁m + (1 − β₁) g;   v ← β₂v + (1 − β₂) g²;   amsgrad: v̂ ← max(v̂, v), else v̂ = v;
    x ← x − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε),    t = k + 1

Defaults as PyTorch: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8.  ``weight_decay`` λ is coupled
(λx added to g by the engine); AdamW (:mod:`optimizers.algorithms.adamw`) first decays x by
the factor 1 − ηλ (``hp[WD_DECOUPLED]``, 0 here).  State: m, v, v̂.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import (
    average,
    hbool,
    hfloat,
    lr,
    method,
    schedule,
    state,
    stochastic,
    weight_decay,
)

STATE = state(vectors=("m", "v", "vmax"))


def betas():
    """β₁, β₂, ε, amsgrad: the hyperparameters Adam and AdamW share."""
    return [hfloat("beta1", 0.9, "β₁", 0.0, 1.0, open_high=True, slot=L.BETA1),
            hfloat("beta2", 0.999, "β₂", 0.0, 1.0, open_high=True, slot=L.BETA2),
            hfloat("eps", 1e-8, "ε", 0.0, slot=L.EPS),
            hbool("amsgrad", False, "AMSGrad: v̂ ← max(v̂, v)", slot=L.AMSGRAD)]


SPEC = method(
    "adam", "adaptive", "lockstep",
    "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  x ← x − η m̂ / (√v̂ + ε)",
    [lr(1e-3), *betas(), weight_decay(), *stochastic(), *schedule(), *average()],
    state=STATE,
    label="Adam", title="Adam",
)


def update(k, lr, hp, X, G, S, ncols, XO):
    """x ← x(1 − ηλ_decoupled), then the Adam step of the module docstring."""
    beta1 = hp[L.BETA1]
    beta2 = hp[L.BETA2]
    eps = hp[L.EPS]
    ams = hp[L.AMSGRAD] != 0.0
    t = k + 1.0
    bc1 = 1.0 - beta1**t
    bc2_sqrt = math.sqrt(1.0 - beta2**t)
    shrink = 1.0 - lr * hp[L.WD_DECOUPLED]
    M = S[STATE.v.m]
    V = S[STATE.v.v]
    VM = S[STATE.v.vmax]
    for i in range(X.shape[0]):
        for j in range(ncols):
            x = X[i, j]
            if shrink != 1.0:
                x = x * shrink
            g = G[i, j]
            m = beta1 * M[i, j] + (1.0 - beta1) * g
            v = beta2 * V[i, j] + (1.0 - beta2) * g * g
            M[i, j] = m
            V[i, j] = v
            if ams:
                vmax = VM[i, j]
                if v > vmax:
                    vmax = v
                VM[i, j] = vmax
                denom = math.sqrt(vmax) / bc2_sqrt + eps
            else:
                denom = math.sqrt(v) / bc2_sqrt + eps
            XO[i, j] = x - (lr / bc1) * m / denom
