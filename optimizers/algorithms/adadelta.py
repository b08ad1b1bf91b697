r"""AdaDelta (torch.optim.Adadelta).

    v ← ρv + (1 − ρ) g²;   Δ = √(u + ε) / √(v + ε) · g;   u ← ρu + (1 − ρ) Δ²;   x ← x − ηΔ

Defaults as PyTorch: η = 1, ρ = 0.9, ε = 1e-6.  State: v (squared gradients), u (squared
updates).
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import average, hfloat, lr, method, schedule, state, stochastic, weight_decay

STATE = state(vectors=("v", "u"))

SPEC = method(
    "adadelta", "adaptive", "lockstep",
    "v ← ρv + (1−ρ)g²;  Δ = √(u+ε)/√(v+ε)·g;  u ← ρu + (1−ρ)Δ²;  x ← x − ηΔ",
    [lr(1.0), hfloat("rho", 0.9, "decay ρ", 0.0, 1.0, slot=L.RHO),
     hfloat("eps", 1e-6, "ε", 0.0, slot=L.EPS), weight_decay(), *stochastic(), *schedule(),
     *average()],
    state=STATE,
    label="AdaDelta", title="AdaDelta",
)


def update(k, lr, hp, X, G, S, ncols, XO):
    """The AdaDelta step of the module docstring on every coordinate."""
    rho = hp[L.RHO]
    eps = hp[L.EPS]
    V = S[STATE.v.v]
    U = S[STATE.v.u]
    for i in range(X.shape[0]):
        for j in range(ncols):
            g = G[i, j]
            v = rho * V[i, j] + (1.0 - rho) * g * g
            delta = math.sqrt(U[i, j] + eps) / math.sqrt(v + eps) * g
            V[i, j] = v
            U[i, j] = rho * U[i, j] + (1.0 - rho) * delta * delta
            XO[i, j] = X[i, j] - lr * delta
