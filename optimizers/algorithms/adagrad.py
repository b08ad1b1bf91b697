r"""AdaGrad (torch.optim.Adagrad).

    η̃_k = η / (1 + k·lr_decay);   s ← s + g²  (s₀ = initial_accumulator_value);
    x ← x − η̃_k g / (√s + ε)

Defaults as PyTorch: η = 1e-2, lr_decay 0, s₀ = 0, ε = 1e-10.  State: the accumulator s.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import average, hfloat, lr, method, schedule, state, stochastic, weight_decay

STATE = state(vectors=("s",))

SPEC = method(
    "adagrad", "adaptive", "lockstep", "s ← s + g²;  x ← x − η g / (√s + ε)",
    [lr(1e-2), hfloat("lr_decay", 0.0, "η_k = η / (1 + k·lr_decay)", 0.0, slot=L.LR_DECAY),
     hfloat("initial_accumulator_value", 0.0, "initial s", 0.0, slot=L.INIT_ACC),
     hfloat("eps", 1e-10, "ε", 0.0, slot=L.EPS), weight_decay(), *stochastic(), *schedule(),
     *average()],
    state=STATE,
    label="AdaGrad", title="AdaGrad",
)


def update(k, lr, hp, X, G, S, ncols, XO):
    """s ← s + g² (s = s₀ before the first step);  XO ← X − η̃ g / (√s + ε)."""
    clr = lr / (1.0 + k * hp[L.LR_DECAY])
    eps = hp[L.EPS]
    A = S[STATE.v.s]
    s0 = hp[L.INIT_ACC]
    for i in range(X.shape[0]):
        for j in range(ncols):
            g = G[i, j]
            s = (s0 if k == 0 else A[i, j]) + g * g
            A[i, j] = s
            XO[i, j] = X[i, j] - clr * g / (math.sqrt(s) + eps)
