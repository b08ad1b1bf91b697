r"""Nesterov momentum (torch.optim.SGD(momentum=μ, nesterov=True); dampening 0).

    b_k = μ b_{k−1} + g_k (b₀ = g₀);   x ← x − η (g_k + μ b_k)

Relation to the look-ahead form of the lecture notes (Sutskever et al. 2013)
``v ← μv + ∇f(y − ημv); y ← y − ηv``: with x = y − ημv (the look-ahead point) the two are the
same recursion, b = v, so PyTorch's iterates are the look-ahead points.  On f = ½xᵀAx it is
linear in z_k = (x_k, b_{k−1}), b₋₁ = 0: z_{k+1} = [[I − η(1 + μ)A, −ημ²I], [A, μI]] z_k.
The update is momentum's with ``nesterov`` fixed on (:mod:`optimizers.algorithms.momentum`).
"""

from __future__ import annotations

from optimizers import _layout as L
from optimizers.algorithms.momentum import STATE, update
from optimizers.spec import average, hfloat, lr, method, schedule, stochastic, weight_decay

SPEC = method(
    "nesterov", "first-order", "lockstep", "b ← μb + g;  x ← x − η(g + μb)",
    [lr(1e-3), hfloat("momentum", 0.9, "momentum μ", 0.0, 1.0, open_high=True, slot=L.MOMENTUM),
     weight_decay(), *stochastic(), *schedule(), *average()],
    doc="Nesterov momentum (torch.optim.SGD(nesterov=True))", state=STATE,
    fixed={L.NESTEROV: 1.0, L.DAMPENING: 0.0},
    label="Nesterov", title="Nesterov's accelerated gradient",
)

__all__ = ["SPEC", "STATE", "update"]
