r"""Coordinate descent: one iteration is a sweep of n coordinate updates.

``order``
    cyclic   i = 0, 1, …, n−1
    random   n coordinates drawn uniformly with replacement (randomised CD, Nesterov 2012)
    shuffle  a fresh random permutation each sweep (random reshuffling)
(random draws come from the start's own stream, so runs are reproducible by ``seed``.)

``update``
    newton (default) — exact minimisation along the coordinate by 1-D Newton iterations
        x_i ← x_i − ∂_i f(x) / ∂²_ii f(x)
        (Hessian diagonal from the Hessian kernel), safeguarded: a non-positive or non-finite
        curvature falls back to the gradient step, and the step is halved until f does not
        increase; at most 20 Newton iterations per coordinate, stopping once the step is below
        10⁻¹⁴(1 + |x_i|).  On a separable quadratic one sweep is exact.
    gradient — x_i ← x_i − η ∂_i f(x)  (η = ``lr``; no safeguard).
Defaults: ``order='cyclic'``, ``update='newton'``, η = 1e-3.  State: the Hessian (Newton
updates only) and, through the workspace, the start's random stream and a permutation.
"""

from __future__ import annotations

import math

from optimizers import _layout as L
from optimizers.spec import average, hchoice, lr, method, state

MAX_INNER = 20
MAX_HALVINGS = 40

STATE = state(matrices=("H",))
#: helpers of this module compiled for the step
KERNELS = ("newton_coordinate",)

_NEWTON = ("update", ("newton",))

SPEC = method(
    "coordinate", "coordinate", "per-start",
    "x_i ← x_i − ∂_i f / ∂²_ii f  for i in a sweep (cyclic or random)",
    [hchoice("order", "cyclic", ("cyclic", "random", "shuffle"), "coordinate order",
             slot=L.ORDER, codes={"cyclic": L.ORDER_CYCLIC, "random": L.ORDER_RANDOM,
                                  "shuffle": L.ORDER_SHUFFLE}),
     hchoice("update", "newton", ("newton", "gradient"),
             "exact 1-D Newton minimisation or a gradient step", slot=L.UPDATE,
             codes={"newton": L.UPDATE_NEWTON, "gradient": L.UPDATE_GRADIENT}),
     lr(1e-3), *average()],
    needs_hessian=_NEWTON, state=STATE, matrices_when=_NEWTON,
    stall_test_off=("order", ("random",)),
    label="coordinate descent", title="coordinate descent",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls (and NumPy, for a typed stream index:
    a literal ``0`` is a type of its own and compiled ``uniform`` and ``next_u64`` once more)."""
    global np, permutation, uniform, unpack
    import numpy as np

    from optimizers.rng import permutation, uniform
    from optimizers.workspace import unpack


def newton_coordinate(fg, h, D, x, i, fcur, gbuf, H, lr, cnt):
    """Minimise f along coordinate i from x (in place) by safeguarded 1-D Newton; returns f.

    Values and gradients come from ``fg`` together (counted as both); ``gbuf`` holds ∇f at the
    current x when the loop starts over."""
    fg(x, D, gbuf)
    cnt[0] += 1
    cnt[1] += 1
    for _ in range(MAX_INNER):
        gi = gbuf[i]
        if gi == 0.0 or not math.isfinite(gi):
            break
        h(x, D, H)
        cnt[2] += 1
        hii = H[i, i]
        step = -gi / hii if (hii > 0.0 and math.isfinite(hii)) else -lr * gi
        xi = x[i]
        accepted = False
        ft = fcur
        for _ in range(MAX_HALVINGS):
            x[i] = xi + step
            ft = fg(x, D, gbuf)
            cnt[0] += 1
            cnt[1] += 1
            if ft <= fcur:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            x[i] = xi
            break
        fcur = ft
        if abs(step) <= 1e-14 * (1.0 + abs(xi)):
            break
    return fcur


def step(fg, h, D, hp, k, fx, F, I):
    """One sweep from x into xn (gn = ∇f(xn)); returns (0, f(xn))."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    n = x.shape[0]
    order = int(hp[L.ORDER])
    newton = int(hp[L.UPDATE]) == L.UPDATE_NEWTON
    lr = hp[L.LR]
    H = W.m[STATE.m.H]  # 0 × 0 unless update = newton
    for i in range(n):
        xn[i] = x[i]
    if order == L.ORDER_SHUFFLE:
        permutation(W.rng, np.int64(0), W.perm)
    fcur = fx
    for t in range(n):
        if order == L.ORDER_CYCLIC:
            i = t
        elif order == L.ORDER_RANDOM:
            i = min(int(uniform(W.rng, np.int64(0)) * n), n - 1)
        else:
            i = W.perm[t]
        if newton:
            fcur = newton_coordinate(fg, h, D, xn, i, fcur, gn, H, lr, cnt)
        else:
            fg(xn, D, gn)
            cnt[0] += 1
            cnt[1] += 1
            xn[i] -= lr * gn[i]
    cnt[0] += 1
    cnt[1] += 1
    return 0, fg(xn, D, gn)
