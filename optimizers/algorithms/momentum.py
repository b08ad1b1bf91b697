r"""Heavy-ball momentum (torch.optim.SGD with ``momentum`` μ, ``dampening`` τ, ``nesterov``).

    b₀ = g₀;   b_k = μ b_{k−1} + (1 − τ) g_k;   x ← x − η d,   d = g_k + μ b_k (Nesterov) or b_k

PyTorch's first step takes b₀ = g₀ (no dampening), as if b₋₁ = 0 with τ = 0.  With τ = 0 this
is ``v ← βv + g; x ← x − ηv``, and on f = ½xᵀAx the pair z_k = (x_k, b_{k−1}), b₋₁ = 0,
follows the linear recurrence z_{k+1} = [[I − ηA, −ημI], [A, μI]] z_k.  Defaults as PyTorch
except μ = 0.9 (η = 1e-3, τ = 0).  State: the momentum buffer b.
"""

from __future__ import annotations

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

STATE = state(vectors=("b",))

SPEC = method(
    "momentum", "first-order", "lockstep", "b ← μb + (1−τ)g;  x ← x − ηb",
    [lr(1e-3),
     hfloat("momentum", 0.9, "momentum μ", 0.0, 1.0, open_high=True, slot=L.MOMENTUM),
     hfloat("dampening", 0.0, "dampening τ", 0.0, 1.0, slot=L.DAMPENING),
     hbool("nesterov", False, "Nesterov's variant (requires dampening 0)", slot=L.NESTEROV),
     weight_decay(), *stochastic(), *schedule(), *average()],
    doc="heavy ball (torch.optim.SGD with momentum; b₀ = g₀)", state=STATE,
    label="momentum", title="heavy-ball momentum",
)


def update(k, lr, hp, X, G, S, ncols, XO):
    """b ← g (k = 0) or μb + (1 − τ)g;  XO ← X − η(g + μb) (Nesterov) or X − ηb."""
    mu = hp[L.MOMENTUM]
    damp = hp[L.DAMPENING]
    nesterov = hp[L.NESTEROV] != 0.0
    B = S[STATE.v.b]
    for i in range(X.shape[0]):
        for j in range(ncols):
            g = G[i, j]
            b = g if k == 0 else mu * B[i, j] + (1.0 - damp) * g
            B[i, j] = b
            XO[i, j] = X[i, j] - lr * (g + mu * b if nesterov else b)
