r"""First-order update rules (PyTorch's formulations, names and defaults).

Every rule is coordinate-wise, so each is a small pure function of scalars: it takes one
coordinate of the point ``x``, of the gradient ``g`` the optimizer sees, and of its state, and
returns the new values.  :func:`apply_update` applies the selected rule to every coordinate of
every live column of a lock-step chunk (``(n, chunk)`` arrays, one start per column).

Notation: η = ``lr`` (after the schedule, :mod:`optimizers.schedules`), k = 0, 1, … the step,
t = k + 1, λ = ``weight_decay``, σ = ``noise``.  The gradient every rule receives is

    g_k = ∇f(x_k) + σ ξ_k + λ x_k       ξ_k ~ N(0, I) from the start's own stream
                                        (λ x_k is left out by AdamW, which decays x itself)

where ∇f is the full gradient, or the mean gradient over a minibatch (``batch_size``) for
finite-sum objectives.

gd / sgd
    x ← x − η g
momentum (heavy ball, torch.optim.SGD(momentum=μ, dampening=τ))
    b₀ = g₀ (PyTorch's first step: no dampening, as if b₋₁ = 0 with τ = 0);
    b_k = μ b_{k−1} + (1 − τ) g_k;   x ← x − η b_k.
    With τ = 0 this is ``v ← βv + g; x ← x − ηv`` of the design notes, and on
    f = ½xᵀAx the pair z_k = (x_k, b_{k−1}), b₋₁ = 0, follows the linear recurrence
    z_{k+1} = [[I − ηA, −ημI], [A, μI]] z_k  (the first-step convention b₀ = g₀ is what
    b₋₁ = 0 gives; with τ > 0 only the first step differs from (1 − τ)g₀).
nesterov (torch.optim.SGD(momentum=μ, nesterov=True), dampening must be 0)
    b_k = μ b_{k−1} + g_k (b₀ = g₀);   x ← x − η (g_k + μ b_k).
    Relation to the look-ahead form of the lecture notes (Sutskever et al. 2013)
    ``v ← μv + ∇f(y − ημv); y ← y − ηv``: with x = y − ημv (the look-ahead point) the two are
    the same recursion, b = v, so PyTorch's iterates are the look-ahead points.  On
    f = ½xᵀAx it is linear in z_k = (x_k, b_{k−1}), b₋₁ = 0:
    z_{k+1} = [[I − η(1 + μ)A, −ημ²I], [A, μI]] z_k.
adagrad (torch.optim.Adagrad)
    η̃ = η / (1 + k·lr_decay);  s ← s + g² (s₀ = initial_accumulator_value);
    x ← x − η̃ g / (√s + ε)
rmsprop (torch.optim.RMSprop)
    v ← αv + (1 − α) g²;  centered: ḡ ← αḡ + (1 − α) g, d = √(v − ḡ²) + ε, else d = √v + ε;
    momentum μ > 0: b ← μb + g/d, x ← x − ηb;  else x ← x − η g/d
adadelta (torch.optim.Adadelta)
    v ← ρv + (1 − ρ) g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ) Δ²;  x ← x − ηΔ
adam (torch.optim.Adam, bias-corrected)
    m ← β₁m + (1 − β₁) g;  v ← β₂v + (1 − β₂) g²;  amsgrad: v̂ ← max(v̂, v), else v̂ = v;
    x ← x − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
adamw (torch.optim.AdamW, decoupled weight decay)
    x ← x (1 − ηλ), then the Adam step with g = ∇f(x) (+ noise), no λx term.
"""

from __future__ import annotations

import math

from numba import njit

from . import _layout as L

#: Functions that depend on other modules (``_layout`` constants, helpers elsewhere) are not
#: disk-cached on their own: Numba keys a cache entry on its own file only, so a cached
#: copy could outlive a change elsewhere.  Self-contained leaves are cached (``_LEAF``).
_JIT = dict(nogil=True, error_model="numpy")
_LEAF = dict(cache=True, nogil=True, error_model="numpy")


@njit(**_LEAF)
def gd_rule(x, g, lr):
    """x ← x − η g."""
    return x - lr * g


@njit(**_LEAF)
def momentum_rule(x, g, b, lr, mu, dampening, nesterov, first):
    """Heavy ball / Nesterov (PyTorch SGD with momentum).

    b ← g if first step else μ b + (1 − τ) g;   d = g + μ b (nesterov) or d = b;   x ← x − η d.
    Returns (x, b).
    """
    if first:
        b = g
    else:
        b = mu * b + (1.0 - dampening) * g
    d = g + mu * b if nesterov else b
    return x - lr * d, b


@njit(**_LEAF)
def adagrad_rule(x, g, s, clr, eps):
    """s ← s + g²;  x ← x − η̃ g / (√s + ε), η̃ = η / (1 + k·lr_decay).  Returns (x, s)."""
    s = s + g * g
    return x - clr * g / (math.sqrt(s) + eps), s


@njit(**_LEAF)
def rmsprop_rule(x, g, v, gbar, b, lr, alpha, eps, mu, centered):
    """RMSProp (PyTorch).

    v ← αv + (1 − α)g²;  centered: ḡ ← αḡ + (1 − α)g, d = √(v − ḡ²) + ε, else d = √v + ε;
    μ > 0: b ← μb + g/d, x ← x − ηb;  else x ← x − η g/d.   Returns (x, v, ḡ, b).
    """
    v = alpha * v + (1.0 - alpha) * g * g
    if centered:
        gbar = alpha * gbar + (1.0 - alpha) * g
        d = math.sqrt(v - gbar * gbar) + eps
    else:
        d = math.sqrt(v) + eps
    if mu > 0.0:
        b = mu * b + g / d
        return x - lr * b, v, gbar, b
    return x - lr * g / d, v, gbar, b


@njit(**_LEAF)
def adadelta_rule(x, g, v, u, lr, rho, eps):
    """AdaDelta (PyTorch).

    v ← ρv + (1 − ρ)g²;  Δ = √(u + ε)/√(v + ε)·g;  u ← ρu + (1 − ρ)Δ²;  x ← x − ηΔ.
    Returns (x, v, u).
    """
    v = rho * v + (1.0 - rho) * g * g
    delta = math.sqrt(u + eps) / math.sqrt(v + eps) * g
    u = rho * u + (1.0 - rho) * delta * delta
    return x - lr * delta, v, u


@njit(**_LEAF)
def adam_rule(x, g, m, v, vmax, lr, beta1, beta2, eps, bc1, bc2_sqrt, amsgrad):
    """Adam / AMSGrad (PyTorch), bias-corrected; bc1 = 1 − β₁ᵗ, bc2_sqrt = √(1 − β₂ᵗ).

    m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂ = max(v̂, v) if amsgrad else v;
    x ← x − (η / bc1) · m / (√v̂ / bc2_sqrt + ε).    Returns (x, m, v, v̂).
    """
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g * g
    if amsgrad:
        if v > vmax:
            vmax = v
        denom = math.sqrt(vmax) / bc2_sqrt + eps
    else:
        denom = math.sqrt(v) / bc2_sqrt + eps
    return x - (lr / bc1) * m / denom, m, v, vmax


@njit(**_LEAF)
def decoupled_decay(x, lr, weight_decay):
    """AdamW's decoupled weight decay: x ← x (1 − ηλ)."""
    return x * (1.0 - lr * weight_decay)


@njit(**_JIT, inline="always")
def gd_cols(lr, X, G, ncols, XO):
    """XO ← X − η G on every column (:func:`gd_rule`); inlined where it is called, so the
    fixed-step path runs plain GD without a call per step."""
    for i in range(X.shape[0]):
        for j in range(ncols):
            XO[i, j] = gd_rule(X[i, j], G[i, j], lr)


@njit(**_JIT)
def apply_update(method, k, lr, hp, X, G, S1, S2, S3, ncols, XO):
    """One step of rule ``method`` on every coordinate of the first ``ncols`` columns:
    XO ← update(X), the state ``S1, S2, S3`` updated in place.

    ``G`` holds the gradients the rule sees (noise and coupled weight decay already added);
    ``S1, S2, S3`` are the rule's state (zero-initialised, Adagrad's S1 = initial accumulator).
    ``XO`` may be ``X`` (in place).  Columns of finished starts are updated too (their values
    are no longer used): loops without a branch per column vectorise.
    """
    n = X.shape[0]
    t = k + 1.0
    if method == L.M_GD or method == L.M_SGD:
        gd_cols(lr, X, G, ncols, XO)
    elif method == L.M_MOMENTUM or method == L.M_NESTEROV:
        mu = hp[L.MOMENTUM]
        damp = hp[L.DAMPENING]
        nest = method == L.M_NESTEROV or hp[L.NESTEROV] != 0.0
        first = k == 0
        for i in range(n):
            for j in range(ncols):
                XO[i, j], S1[i, j] = momentum_rule(
                    X[i, j], G[i, j], S1[i, j], lr, mu, damp, nest, first
                )
    elif method == L.M_ADAGRAD:
        clr = lr / (1.0 + k * hp[L.LR_DECAY])
        eps = hp[L.EPS]
        for i in range(n):
            for j in range(ncols):
                XO[i, j], S1[i, j] = adagrad_rule(X[i, j], G[i, j], S1[i, j], clr, eps)
    elif method == L.M_RMSPROP:
        alpha = hp[L.ALPHA]
        eps = hp[L.EPS]
        mu = hp[L.MOMENTUM]
        centered = hp[L.CENTERED] != 0.0
        for i in range(n):
            for j in range(ncols):
                XO[i, j], S1[i, j], S2[i, j], S3[i, j] = rmsprop_rule(
                    X[i, j], G[i, j], S1[i, j], S2[i, j], S3[i, j],
                    lr, alpha, eps, mu, centered,
                )  # fmt: skip
    elif method == L.M_ADADELTA:
        rho = hp[L.RHO]
        eps = hp[L.EPS]
        for i in range(n):
            for j in range(ncols):
                XO[i, j], S1[i, j], S2[i, j] = adadelta_rule(
                    X[i, j], G[i, j], S1[i, j], S2[i, j], lr, rho, eps
                )
    else:  # adam, adamw
        beta1 = hp[L.BETA1]
        beta2 = hp[L.BETA2]
        eps = hp[L.EPS]
        ams = hp[L.AMSGRAD] != 0.0
        bc1 = 1.0 - beta1**t
        bc2_sqrt = math.sqrt(1.0 - beta2**t)
        wd = hp[L.WEIGHT_DECAY] if method == L.M_ADAMW else 0.0
        for i in range(n):
            for j in range(ncols):
                x = X[i, j]
                if wd != 0.0:
                    x = decoupled_decay(x, lr, wd)
                XO[i, j], S1[i, j], S2[i, j], S3[i, j] = adam_rule(
                    x, G[i, j], S1[i, j], S2[i, j], S3[i, j],
                    lr, beta1, beta2, eps, bc1, bc2_sqrt, ams,
                )  # fmt: skip
