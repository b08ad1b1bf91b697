"""Learning-rate schedules for the first-order methods: pure compiled functions of the step k.

``k = 0, 1, 2, …`` counts optimizer steps (minibatch steps for minibatch SGD); η₀ is ``lr``.

=================  =========================================================================
``constant``       η_k = η₀
``step``           η_k = η₀ · γ^⌊k / step_size⌋                        (torch StepLR)
``exponential``    η_k = η₀ · γ^k                                       (torch ExponentialLR)
``inverse_time``   η_k = η₀ / (1 + γ k)^p      (``power`` = p; alias ``polynomial``;
                   p = 1, γ = 1 is the Robbins–Monro η₀/(k+1))
``linear``         η_k = (1 − k/τ) η₀ + (k/τ) η_τ  for k ≤ τ,  η_τ afterwards
                   (``tau`` = τ, ``final_lr`` = η_τ, default η₀/100; Goodfellow et al. §8.3.1)
``cosine``         η_k = η_min + (η₀ − η_min)(1 + cos(π k / T_max)) / 2  for k ≤ T_max,
                   η_min afterwards (torch CosineAnnealingLR's closed form, held at its end
                   as optax's ``cosine_decay_schedule``)
=================  =========================================================================

Linear warm-up (``warmup`` = W > 0) runs in front of any of them::

    η_k = η₀ · (k + 1) / W            for k < W
    η_k = schedule(k − W)             for k ≥ W
"""

from __future__ import annotations

import math

from numba import njit

from landscape.jit import CACHED, KERNEL

from . import _layout as L
from ._layout import SCHEDULE_ALIASES, SCHEDULES  # noqa: F401 - the table lives with the codes


@njit(**CACHED)
def lr_at(k, lr0, code, step_size, gamma, power, tau, final_lr, t_max, eta_min, warmup):
    """Learning rate at step ``k`` (see the module docstring for each ``code``'s formula)."""
    if warmup > 0:
        if k < warmup:
            return lr0 * (k + 1.0) / warmup
        k = k - warmup
    if code == 1:  # step
        return lr0 * gamma ** math.floor(k / step_size)
    if code == 2:  # exponential
        return lr0 * gamma**k
    if code == 3:  # inverse time / polynomial
        return lr0 / (1.0 + gamma * k) ** power
    if code == 4:  # linear decay to a floor
        if k >= tau:
            return final_lr
        t = k / tau
        return (1.0 - t) * lr0 + t * final_lr
    if code == 5:  # cosine
        if k >= t_max:
            return eta_min
        return eta_min + (lr0 - eta_min) * 0.5 * (1.0 + math.cos(math.pi * k / t_max))
    return lr0


@njit(**KERNEL)  # reads _layout slots: not cached on its own
def lr_from_hp(k, hp):
    """``lr_at(k, …)`` with every argument read from the engine's hyperparameter array."""
    return lr_at(
        k,
        hp[L.LR],
        int(hp[L.SCHEDULE]),
        hp[L.STEP_SIZE],
        hp[L.GAMMA],
        hp[L.POWER],
        hp[L.TAU],
        hp[L.FINAL_LR],
        hp[L.T_MAX],
        hp[L.ETA_MIN],
        hp[L.WARMUP],
    )
