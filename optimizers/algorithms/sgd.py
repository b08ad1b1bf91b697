r"""Stochastic gradient descent: gradient descent on noisy or minibatch gradients.

    x ← x − η (∇f_B(x) + σ ξ + λ x),   ξ ~ N(0, I)

∇f_B is the mean gradient over a minibatch B of ``batch_size`` rows of a finite-sum objective
(all rows when ``None``), σ = ``noise``, λ = ``weight_decay``; η = ``lr`` (default 1e-3,
torch.optim.SGD without momentum) after the schedule.  The update is gd's
(:func:`optimizers.algorithms.gd.update`); the engine forms the gradient.
"""

from __future__ import annotations

from optimizers.algorithms.gd import update
from optimizers.spec import average, lr, method, schedule, stochastic, weight_decay

SPEC = method(
    "sgd", "first-order", "lockstep", "x ← x − η (∇f_B(x) + σξ)",
    [lr(1e-3), *stochastic(), weight_decay(), *schedule(), *average()],
    doc="gd with stochastic gradients (noise and/or minibatches)",
    label="SGD", title="stochastic gradient descent",
)

__all__ = ["SPEC", "update"]
