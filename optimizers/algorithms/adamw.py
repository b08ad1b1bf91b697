r"""AdamW (torch.optim.AdamW): Adam with decoupled weight decay.

    x ← x (1 − ηλ);   then the Adam step (:mod:`optimizers.algorithms.adam`) with g = ∇f(x)
    (+ noise), no λx term

Defaults as PyTorch: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 1e-2.
"""

from __future__ import annotations

from optimizers import _layout as L
from optimizers.algorithms.adam import STATE, betas, update
from optimizers.spec import average, hfloat, lr, method, schedule, stochastic

SPEC = method(
    "adamw", "adaptive", "lockstep", "x ← x(1 − ηλ);  then the Adam step",
    [lr(1e-3), *betas(),
     hfloat("weight_decay", 1e-2, "decoupled weight decay λ", 0.0, slot=L.WEIGHT_DECAY),
     *stochastic(), *schedule(), *average()],
    state=STATE, decoupled_decay=True,
    label="AdamW", title="AdamW (Adam with decoupled weight decay)",
)

__all__ = ["SPEC", "STATE", "update"]
