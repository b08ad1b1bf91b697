r"""Gradient descent.

    x ← x − η ∇f(x)

with a fixed (or scheduled, :mod:`optimizers.schedules`) learning rate η = ``lr`` (default
1e-3), run in lock-step over many starts; with ``line_search`` ``armijo`` or ``wolfe`` the
step is x ← x + α d, d = −∇f(x), α from the line search started at α₀ = 1
(:mod:`optimizers.linesearch`), run by the per-start engine.  Coupled weight decay λ
(``weight_decay``) adds λx to the gradient.
"""

from __future__ import annotations

from optimizers import _layout as L
from optimizers.spec import NONE_LS, average, line_search, lr, method, schedule, state, weight_decay

STATE = state(vectors=("d",))

SPEC = method(
    "gd", "first-order", "lockstep", "x ← x − η ∇f(x)",
    [*line_search("none", 0.9), lr(1e-3, when=NONE_LS), weight_decay(),
     *schedule(when=NONE_LS), *average()],
    doc="gradient descent; with a line search: α₀ = 1 then Armijo/Wolfe",
    state=STATE, per_start_when=("line_search", ("armijo", "wolfe")),
    label="GD", title="gradient descent",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global line_step, unpack
    from optimizers.linesearch import line_step
    from optimizers.workspace import unpack


def update(k, lr, hp, X, G, S, ncols, XO):
    """XO ← X − η G on the first ``ncols`` columns (no state)."""
    for i in range(X.shape[0]):
        for j in range(ncols):
            XO[i, j] = X[i, j] - lr * G[i, j]


def step(fg, h, D, hp, k, fx, F, I):
    """d = −∇f(x); x_new = x + α d with α from the line search (α₀ = 1)."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    d = W.v[STATE.v.d]
    for i in range(x.shape[0]):
        d[i] = -gx[i]
    return line_step(int(hp[L.LINE_SEARCH]), fg, D, x, fx, gx, d, 1.0, hp[L.C1], hp[L.C2],
                     hp[L.SHRINK], xn, gn, cnt)
