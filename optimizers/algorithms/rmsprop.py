r"""RMSProp (torch.optim.RMSprop).

    v ← αv + (1 − α) g²;
    centered: ḡ ← αḡ + (1 − α) g,  d = √(v − ḡ²) + ε;   else d = √v + ε;
    momentum μ > 0: b ← μb + g/d, x ← x − ηb;   else x ← x − η g/d

Defaults as PyTorch: η = 1e-2, α = 0.99, ε = 1e-8, μ = 0, not centered.  State: v, ḡ, b.
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

STATE = state(vectors=("v", "gbar", "b"))

SPEC = method(
    "rmsprop", "adaptive", "lockstep", "v ← αv + (1−α)g²;  x ← x − η g / (√v + ε)",
    [lr(1e-2),
     hfloat("alpha", 0.99, "decay α of the squared-gradient average", 0.0, 1.0, open_high=True,
            slot=L.ALPHA),
     hfloat("eps", 1e-8, "ε", 0.0, slot=L.EPS),
     hfloat("momentum", 0.0, "momentum μ on the scaled step", 0.0, 1.0, open_high=True,
            slot=L.MOMENTUM),
     hbool("centered", False, "divide by the estimated variance √(v − ḡ²)", slot=L.CENTERED),
     weight_decay(), *stochastic(), *schedule(), *average()],
    state=STATE,
    label="RMSProp", title="RMSProp",
)


def update(k, lr, hp, X, G, S, ncols, XO):
    """The RMSProp step of the module docstring on every coordinate."""
    alpha = hp[L.ALPHA]
    eps = hp[L.EPS]
    mu = hp[L.MOMENTUM]
    centered = hp[L.CENTERED] != 0.0
    V = S[STATE.v.v]
    GB = S[STATE.v.gbar]
    B = S[STATE.v.b]
    for i in range(X.shape[0]):
        for j in range(ncols):
            g = G[i, j]
            v = alpha * V[i, j] + (1.0 - alpha) * g * g
            V[i, j] = v
            if centered:
                gbar = alpha * GB[i, j] + (1.0 - alpha) * g
                GB[i, j] = gbar
                d = math.sqrt(v - gbar * gbar) + eps
            else:
                d = math.sqrt(v) + eps
            if mu > 0.0:
                b = mu * B[i, j] + g / d
                B[i, j] = b
                XO[i, j] = X[i, j] - lr * b
            else:
                XO[i, j] = X[i, j] - lr * g / d
