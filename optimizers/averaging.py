r"""Iterate averaging on any method (``average`` ∈ ``none | polyak | ema``).

The averaged iterate is reported beside the last one (``x_avg``, ``fun_avg`` = f(x_avg)).
Iterates x_k with k ≥ s = ``average_start`` are averaged (x₀ is included when s = 0):

polyak (Polyak–Ruppert)
    x̄ = (1 / (K − s + 1)) Σ_{k=s}^{K} x_k,  computed as x̄ ← x̄ + (x_k − x̄) / (k − s + 1)
ema (exponential moving average, d = ``ema_decay``)
    x̄_s = x_s;  x̄ ← d x̄ + (1 − d) x_k  for k > s

A run that ends before iterate s reports ``x_avg`` = NaN (``null`` in JSON).
"""

from __future__ import annotations

from numba import njit

from landscape.jit import KERNEL

from . import _layout as L


@njit(**KERNEL)  # uses _layout codes: not cached on its own
def average_value(kind, a, x, count, decay):
    """New average of one coordinate after adding iterate value ``x`` as the ``count``-th one."""
    if count <= 1:
        return x
    if kind == L.AVG_POLYAK:
        return a + (x - a) / count
    return decay * a + (1.0 - decay) * x
