r"""``lm``: Levenberg–Marquardt for sums of squares f(x) = Σᵢ rᵢ(x)² (Levenberg 1944,
Marquardt 1963; the scaling of Moré 1978; the damping rule of Nielsen 1999 as in Madsen,
Nielsen & Tingleff, *Methods for Non-Linear Least Squares Problems*, 2004, Alg. 3.16;
Nocedal & Wright, *Numerical Optimization*, 2nd ed., §10.3).

With J the Jacobian of r, g = ∇f = 2Jᵀr and A = 2JᵀJ the Gauss–Newton matrix (built from the
formula by :func:`gauss_newton_matrix` below; a weighted sum Σ cᵢrᵢ² is Σ (√cᵢ rᵢ)²):

    (A + μ·diag(d)) p = −g,      dⱼ = max over the iterations so far of Aⱼⱼ  (Moré's scaling)
    ρ = (f(x) − f(x + p)) / (m(0) − m(p)),   m(p) = f + gᵀp + ½pᵀAp
    ρ > 0:  x ← x + p,  μ ← min(μ·max(⅓, 1 − (2ρ − 1)³), f(x + p)),  ν ← 2
    ρ ≤ 0:  x stays,    μ ← μ·ν,  ν ← 2ν,  p is recomputed

from μ₀ = ``initial_damping`` (τ = 10⁻³; relative, since d ≈ diag A).  Small μ gives the
Gauss–Newton step, large μ a short scaled gradient step.  The cap μ ≤ f = ‖r̃‖² is the
choice μₖ = ‖r(xₖ)‖² of Yamashita & Fukushima (Computing Suppl. 15, 2001; Fan & Yuan,
Computing 74, 2005, allow ‖r‖^δ, δ ∈ [1, 2]), under which LM converges quadratically to a
zero-residual solution (Nielsen's rule alone lets μ fall only by ⅓ a step: superlinear, not
quadratic; with δ = 1 the damping term's constant, ‖A⁻¹ diag d‖·‖J‖, hid the quadratic rate
for the first ten iterations on Rosenbrock's function); with nonzero residuals the cap is
inactive near x* and LM, like Gauss–Newton, converges linearly.  The system is solved by Cholesky
(the normal equations: their condition number is that of J squared, unlike MINPACK's QR of
J; fine for the small, well-scaled problems this library targets).  One iteration is one
accepted step; rejected trials count in nfev.

Hyperparameter: ``initial_damping`` μ₀ = 10⁻³.  The engine passes the kernel of the
Gauss–Newton matrix where other methods get the Hessian (``matrix_kernel=gauss_newton_matrix``
in the spec; the kernel layer compiles and caches it like the Hessian); a formula that is not
a sum of squares is refused with the reason when it is built.
State: A = 2JᵀJ, the damped matrix and its Cholesky factor, the step p, the scaling d, a work
vector; μ and ν.

**Sums of squares read from the formula**: f = Σᵢ cᵢ·rᵢ(x)², cᵢ > 0 constants, so that

    f = Σᵢ cᵢ rᵢ² = Σᵢ r̃ᵢ²,  r̃ᵢ = √cᵢ·rᵢ,    ∇f = 2J̃ᵀr̃,    A = 2J̃ᵀJ̃ = 2 Σᵢ cᵢ ∇rᵢ∇rᵢᵀ

(∇²f = A + 2 Σᵢ r̃ᵢ∇²r̃ᵢ: A drops the residual-curvature term).  The formula is recognised term
by term after expansion into an ``Add`` (``sum(...)`` is expanded by the parser):

- ``c·u²ᵏ`` (c > 0 a number, k ≥ 1 an integer) is c·(uᵏ)²;
- a product of such squares is the square of the product of their bases, ``x²y² = (xy)²``;
- a positive constant c is the square of the constant residual √c (it shifts f, not the
  minimiser).

Anything else is refused with an :class:`~landscape.errors.InputError` naming the term
(``x*y`` is not a square, a negative coefficient makes f no sum of squares).  For a finite-sum
objective the per-sample loss is read, and the Gauss–Newton matrix is its mean over the data
rows like every other kernel.  These functions are SymPy code, run when the kernel is built
(SymPy is imported then, not when the spec is read).
"""


from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from landscape.errors import InputError
from optimizers import _layout as L
from optimizers.spec import NEWTON_TYPE_MAXITER, average, hfloat, method, state

if TYPE_CHECKING:
    import sympy as sp

#: Madsen–Nielsen–Tingleff's recommended τ for a start that may be far from the solution
INITIAL_DAMPING = 1e-3
#: rejected trials allowed in one iteration (ν doubles each time: μ grows by 2^(k(k+1)/2))
MAX_REJECTIONS = 40
#: μ stays positive, so that a rejected trial can still raise it (μ·ν)
MU_FLOOR = 1e-300
#: floor of the scaling dⱼ relative to the largest (a zero column of J keeps a positive scale)
SCALE_FLOOR = 1e-12
#: hp slot of ``initial_damping``
INITIAL = L.OWN + 0

STATE = state(vectors=("p", "scale", "t"), matrices=("A", "M", "Lm"), floats=("mu", "nu"))
#: helpers of this module compiled for the step
KERNELS = ("nielsen_update", "lm_solve")

#: the text errors quote a term with (at most this many characters)
TERM_CHARS = 60


# ------------------------------------------------------------ the sum of squares (SymPy)
@dataclass(frozen=True)
class SumOfSquares:
    """f = Σᵢ ``weights[i]``·``residuals[i]``²; a constant term c is the residual 1 with the
    weight c.  ``jacobian[i][j]`` = ∂rᵢ/∂xⱼ."""

    weights: tuple[sp.Expr, ...]
    residuals: tuple[sp.Expr, ...]
    jacobian: tuple[tuple[sp.Expr, ...], ...]

    @property
    def m(self) -> int:
        """Number of residuals."""
        return len(self.residuals)

    def scaled_residuals(self) -> list[sp.Expr]:
        """r̃ᵢ = √cᵢ·rᵢ, so that f = Σ r̃ᵢ²."""
        import sympy as sp

        return [sp.sqrt(c) * r for c, r in zip(self.weights, self.residuals, strict=True)]


def _short(term: sp.Expr) -> str:
    import sympy as sp

    text = sp.sstr(term)
    return text if len(text) <= TERM_CHARS else text[: TERM_CHARS - 1] + "…"


def _why_not(term: sp.Expr) -> str:
    return f"lm needs f = Σ rᵢ(x)²; the term {_short(term)} is not a square"


def square_of(term: sp.Expr, variables: Sequence[sp.Symbol]) -> tuple[sp.Expr, sp.Expr]:
    """(c, r) with ``term`` = c·r², c > 0 a number (see the module docstring); raises
    :class:`InputError` saying why otherwise."""
    import sympy as sp

    coeff, rest = term.as_coeff_Mul()
    if not coeff.is_real:
        raise InputError(_why_not(term))
    if rest == 1:  # a constant term
        if coeff < 0:
            raise InputError(f"lm needs f = Σ rᵢ(x)²; the constant term {_short(term)} is "
                             "negative")
        return coeff, sp.Integer(1)
    if coeff <= 0:
        raise InputError(f"lm needs f = Σ rᵢ(x)² with positive weights; the term "
                         f"{_short(term)} has the coefficient {coeff}")
    base = sp.Integer(1)
    weight = sp.Integer(1)
    for factor in sp.Mul.make_args(rest):
        b, e = factor.as_base_exp()
        if e.is_Integer and e > 0 and e % 2 == 0:
            base *= b ** (e // 2)
        elif not factor.has(*variables) and factor.is_positive:
            weight *= factor  # a symbolic positive constant (pi, E, sqrt(2))
        else:
            raise InputError(_why_not(term))
    return coeff * weight, base


def sum_of_squares(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> SumOfSquares:
    """Recognise f = Σ cᵢ rᵢ² (module docstring) and differentiate the residuals."""
    import sympy as sp

    expr = sp.sympify(expr)
    if not expr.has(*variables):
        raise InputError("lm needs f = Σ rᵢ(x)² of the variables; the formula is a constant")
    pairs = [square_of(t, variables) for t in sp.Add.make_args(expr)]
    weights = tuple(c for c, _ in pairs)
    residuals = tuple(r for _, r in pairs)
    jac = tuple(tuple(sp.diff(r, v) for v in variables) for r in residuals)
    return SumOfSquares(weights, residuals, jac)


def gauss_newton_entries(sos: SumOfSquares, n: int) -> dict[tuple[int, int], sp.Expr]:
    """Nonzero entries ``{(i, j): Aᵢⱼ}``, i ≤ j, of A = 2 Σₖ cₖ ∇rₖ∇rₖᵀ."""
    import sympy as sp

    out: dict[tuple[int, int], sp.Expr] = {}
    for c, row in zip(sos.weights, sos.jacobian, strict=True):
        nz = [j for j in range(n) if row[j] != 0]
        for a, i in enumerate(nz):
            for j in nz[a:]:
                out[(i, j)] = out.get((i, j), sp.Integer(0)) + 2 * c * row[i] * row[j]
    return {ij: e for ij, e in out.items() if e != 0}


def gauss_newton_matrix(
    expr: sp.Expr, variables: Sequence[sp.Symbol], data_symbols: Sequence[sp.Symbol] = ()
) -> dict[tuple[int, int], sp.Expr]:
    """The spec's ``matrix_kernel``: entries of A = 2JᵀJ of f = ``expr`` (per data row for a
    finite sum: the kernel layer averages them over the rows); :class:`InputError` when f is
    not a sum of squares."""
    return gauss_newton_entries(sum_of_squares(expr, variables), len(variables))


SPEC = method(
    "lm", "least-squares", "per-start",
    "(2JᵀJ + μ diag d) p = −∇f,  f = Σ rᵢ²;  x ← x + p if ρ > 0",
    [hfloat("initial_damping", INITIAL_DAMPING, "initial damping μ₀ (relative to diag 2JᵀJ)",
            0.0, open_low=True, slot=INITIAL),
     *average()],
    maxiter=NEWTON_TYPE_MAXITER, needs_hessian=True, matrix_kernel=gauss_newton_matrix,
    state=STATE,
    label="LM", title="Levenberg–Marquardt",
)


def link() -> None:
    """Bind the compiled helpers :func:`step` calls."""
    global cholesky, cholesky_solve, model_decrease, unpack
    from landscape.linalg import cholesky, cholesky_solve
    from optimizers.algorithms.trust_ncg import model_decrease
    from optimizers.workspace import unpack


def nielsen_update(mu, nu, rho):
    """Nielsen's damping rule: returns (μ, ν) after a trial with gain ratio ρ.

    ρ > 0: μ·max(⅓, 1 − (2ρ − 1)³), ν = 2;  otherwise μ·ν, 2ν."""
    if rho > 0.0:
        return mu * max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3), 2.0
    return mu * nu, 2.0 * nu


def lm_solve(A, g, mu, scale, p, M, Lm, t):
    """p solving (A + μ·diag(scale)) p = −g by Cholesky (``M``, ``Lm``: n × n workspaces,
    ``t`` a vector); False when the matrix is not numerically positive definite."""
    n = g.shape[0]
    for i in range(n):
        t[i] = -g[i]
        for j in range(n):
            M[i, j] = A[i, j]
        M[i, i] += mu * scale[i]
    if not cholesky(M, 0.0, Lm):
        return False
    cholesky_solve(Lm, t, p)
    return True


def step(fg, h, D, hp, k, fx, F, I):
    """One accepted Levenberg–Marquardt step from (x, f(x), ∇f(x)) into (xn, f, gn).

    ``h`` is the Gauss–Newton matrix's kernel: ``h(x, D, A)`` writes A = 2JᵀJ.  μ, ν and Moré's
    scaling d are set at the first iteration.  Returns ``(rc, f_new)``: rc = 0, or
    ``D_NO_CHANGE`` when the model predicts no decrease or :data:`MAX_REJECTIONS` trials in
    a row fail.
    """
    x, gx, xn, gn, W, cnt = unpack(F, I)
    n = x.shape[0]
    A = W.m[STATE.m.A]
    p = W.v[STATE.v.p]
    scale = W.v[STATE.v.scale]
    h(x, D, A)
    cnt[2] += 1
    dmax = 0.0
    for i in range(n):
        dmax = max(dmax, A[i, i])
    if k == 0:
        for i in range(n):
            scale[i] = 0.0
        W.f[STATE.f.mu] = hp[INITIAL]
        W.f[STATE.f.nu] = 2.0
    floor = SCALE_FLOOR * max(dmax, 1e-300)
    for i in range(n):
        scale[i] = max(scale[i], A[i, i], floor)
    mu = W.f[STATE.f.mu]
    nu = W.f[STATE.f.nu]
    rc = L.D_NO_CHANGE
    fn = fx
    for _ in range(MAX_REJECTIONS):
        if not lm_solve(A, gx, mu, scale, p, W.m[STATE.m.M], W.m[STATE.m.Lm], W.v[STATE.v.t]):
            mu, nu = nielsen_update(mu, nu, -1.0)
            continue
        pred = model_decrease(gx, A, p)
        if not (pred > 0.0):
            break
        for i in range(n):
            xn[i] = x[i] + p[i]
        cnt[0] += 1
        cnt[1] += 1
        fn = fg(xn, D, gn)
        rho = (fx - fn) / pred if math.isfinite(fn) else -math.inf
        mu, nu = nielsen_update(mu, nu, rho)
        if rho > 0.0:
            mu = max(min(mu, max(fn, 0.0)), MU_FLOOR)
            rc = 0
            break
    W.f[STATE.f.mu] = mu
    W.f[STATE.f.nu] = nu
    if rc != 0:
        for i in range(n):
            xn[i] = x[i]
            gn[i] = gx[i]
        fn = fx
    return rc, fn
