"""Predicted local behaviour of optimization methods near a critical point.

Everything here is a small pure function of the Hessian spectrum at the point (``eigenvalues``,
or the full ``hessian`` where a method is not rotation-invariant) and of the hyperparameters,
named as in PyTorch (see ``design.md``). Errors are ``e_k = x_k - x*``; a *rate* is the linear
contraction factor of ``||e_k||`` per iteration (the asymptotic one: the spectral radius of the
iteration matrix of the linearized method), and ``order`` is the q-order.

``predict(method, hyper, eigenvalues, hessian=..., extra=...)`` is the entry point; it returns a
:class:`Prediction` whose ``to_json()`` is the ``predicted`` object of ``landscape rates --json``.

Update rules assumed (per iteration, ``g = grad f(x_k)``):

* ``gd``/``sgd``: ``x <- x - lr*g`` (``sgd``: ``g`` plus N(0, noise^2 I));
* ``momentum`` (heavy ball, PyTorch): ``v <- momentum*v + (1-dampening)*g; x <- x - lr*v``;
* ``nesterov`` (PyTorch): ``v <- momentum*v + g; x <- x - lr*(g + momentum*v)``;
* ``newton``: ``x <- x - damping * H^{-1} g`` (optionally line search / Hessian modification);
* ``coordinate``: one *iteration* is a sweep of n coordinate updates (``order`` cyclic /
  random / shuffle; ``update`` newton = exact minimization, or gradient with ``lr``), unless
  ``extra={"iteration": "coordinate"}``.

References used in the docstrings: N&W = Nocedal & Wright, *Numerical Optimization*, 2nd ed.
(2006); Polyak, *Introduction to Optimization* (1987); Nesterov, *Lectures on Convex
Optimization* (2018); BCN = Bottou, Curtis & Nocedal, *Optimization Methods for Large-Scale
Machine Learning*, SIAM Review 60 (2018); LRP = Lessard, Recht & Packard, SIAM J. Optim. 26
(2016).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.empirical import KINDS
from landscape.jsonutil import jsonable

FIRST_ORDER = ("gd", "sgd", "momentum", "nesterov")
ADAPTIVE = ("adagrad", "rmsprop", "adadelta", "adam", "adamw")
TRUST_REGION = ("trust-ncg", "trust-exact")
METHODS = (FIRST_ORDER + ADAPTIVE + ("newton", "cg", "bfgs", "lbfgs", "coordinate")
           + TRUST_REGION + ("lm",))
ZERO_TOL = 1e-9  # |lambda| <= ZERO_TOL * max|lambda| counts as a zero eigenvalue


# --------------------------------------------------------------------------------------------
# Result type
# --------------------------------------------------------------------------------------------


@dataclass
class Prediction:
    """What theory predicts for the local behaviour of one method at one critical point.

    ``kind`` is one of :data:`KINDS`; ``rate`` the asymptotic linear contraction factor of
    ``||x - x*||`` (a growth factor > 1 for ``diverges``; ``None`` where no factor applies);
    ``order`` the q-order (1 linear, 2 quadratic, 3 cubic, ``None`` when not predicted);
    ``basis`` a short formula; ``exact`` is true for a closed form and false for a bound (then
    ``rate`` is an upper bound and ``kind`` the slowest kind allowed; ``finite_steps`` an upper
    bound); ``stable`` whether the iteration converges to x* (False: "not convergent to x*",
    kind ``diverges``: the error leaves x*'s neighbourhood — a blow-up, or on a non-quadratic
    f possibly a cycle, which ``exact=False`` allows). Further fields used by
    :mod:`analysis.compare`:

    * ``exponent``: for ``sublinear``, ``p`` in ``||e_k|| ~ C k^-p``;
    * ``oscillating``: whether the dominant mode alternates sign (``None``: undecided/n.a.);
    * ``error_level``: stochastic runs, stationary ``E||x_k - x*||^2``;
    * ``error_constant``: stochastic runs, ``C`` in ``E||x_k - x*||^2 ~ C/k``;
    * ``finite_steps``: for ``finite``, the iterations to reach x* (Newton on a quadratic: 1;
      linear CG: at most the number of distinct eigenvalues);
    * ``band``: for ``bounded``, the predicted diameter of the set the iterates settle in
      (constant-step subgradient method at a kink: ``2 lr G``); ``period`` a predicted cycle
      length (None: not predicted);
    * ``reason``: for ``none``, why theory promises nothing here;
    * ``valid_from``: first iteration the prediction applies to (end of warm-up / schedule);
    * ``degenerate``: a zero eigenvalue; ``fixed_step``: theory assumes the step set by the
      hyperparameters is taken as is; ``line_search``: the line search of the run;
    * ``stochastic``: gradient noise present; ``details``: method-specific numbers.
    """

    kind: str
    rate: float | None = None
    order: float | None = None
    basis: str = ""
    exact: bool = True
    notes: list[str] = field(default_factory=list)
    stable: bool = True
    exponent: float | None = None
    oscillating: bool | None = None
    error_level: float | None = None
    error_constant: float | None = None
    finite_steps: int | None = None
    valid_from: int = 0
    degenerate: bool = False
    fixed_step: bool = True
    line_search: str | None = None
    stochastic: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    band: float | None = None
    period: int | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.kind == "none" and self.reason is None:
            self.reason = self.notes[-1] if self.notes else "theory promises no rate here"

    def to_json(self) -> dict[str, Any]:
        """The ``predicted`` object: design keys first, then the extra fields (non-finite→null)."""
        return jsonable(
            {
                "kind": self.kind,
                "rate": self.rate,
                "order": self.order,
                "basis": self.basis,
                "finite_steps": self.finite_steps,
                "exponent": self.exponent,
                "period": self.period,
                "band": self.band,
                "reason": self.reason,
                "exact": self.exact,
                "stable": self.stable,
                "oscillating": self.oscillating,
                "error_level": self.error_level,
                "error_constant": self.error_constant,
                "valid_from": self.valid_from,
                "degenerate": self.degenerate,
                "fixed_step": self.fixed_step,
                "line_search": self.line_search,
                "stochastic": self.stochastic,
                "notes": list(self.notes),
                "details": self.details,
            }
        )


# --------------------------------------------------------------------------------------------
# Spectrum helpers
# --------------------------------------------------------------------------------------------


def _eigs(eigenvalues: ArrayLike) -> NDArray[np.float64]:
    lam = np.sort(np.asarray(eigenvalues, dtype=float).ravel())
    if lam.size == 0:
        raise ValueError("eigenvalues: need at least one")
    if not np.all(np.isfinite(lam)):
        raise ValueError("eigenvalues must be finite")
    return lam


def _zero_mask(lam: NDArray[np.float64], tol: float = ZERO_TOL) -> NDArray[np.bool_]:
    scale = float(np.max(np.abs(lam)))
    return np.abs(lam) <= tol * scale if scale > 0 else np.ones_like(lam, dtype=bool)


def condition_number(eigenvalues: ArrayLike) -> float:
    """kappa = L/mu = max(lambda)/min(lambda) for a positive definite spectrum (inf if mu <= 0)."""
    lam = _eigs(eigenvalues)
    return float(lam[-1] / lam[0]) if lam[0] > 0 else math.inf


def _mu_L(eigenvalues: ArrayLike) -> tuple[float, float]:
    lam = _eigs(eigenvalues)
    if lam[0] <= 0:
        raise ValueError("needs a positive definite spectrum (mu > 0)")
    return float(lam[0]), float(lam[-1])


# --------------------------------------------------------------------------------------------
# Gradient descent
# --------------------------------------------------------------------------------------------


def gd_rate(lr: float, eigenvalues: ArrayLike) -> float:
    """Asymptotic rate of GD ``x <- x - lr*grad f``: ``max_i |1 - lr*lambda_i|``.

    The error obeys ``e_{k+1} = (I - lr H) e_k`` whose eigenvalues are ``1 - lr*lambda_i``; for
    a symmetric H the spectral radius equals the 2-norm, so the bound is attained along the
    dominant eigenvector (N&W §3.3, Eq. 3.29 for the exact-line-search variant; Polyak §1.4).
    A value > 1 means divergence (or escape from a saddle).
    """
    lam = _eigs(eigenvalues)
    return float(np.max(np.abs(1.0 - lr * lam)))


def gd_threshold(eigenvalues: ArrayLike) -> float:
    """Largest stable constant step of GD: ``lr < 2/L``, ``L = max lambda`` (|1 - lr L| < 1)."""
    lam = _eigs(eigenvalues)
    if lam[-1] <= 0:
        return math.inf
    return float(2.0 / lam[-1])


def gd_optimal(eigenvalues: ArrayLike) -> tuple[float, float]:
    """Best constant step of GD and its rate: ``lr* = 2/(L+mu)``, ``rate = (kappa-1)/(kappa+1)``.

    Minimizes ``max(|1 - lr mu|, |1 - lr L|)`` (both equal at the optimum); Polyak (1987)
    §1.4.2 Thm 3, Nesterov (2018) Thm 2.1.15.
    """
    mu, L = _mu_L(eigenvalues)
    return 2.0 / (L + mu), (L - mu) / (L + mu)


def gd_exact_line_search_rate(eigenvalues: ArrayLike) -> float:
    """Bound for steepest descent with exact line search on a quadratic: ``(kappa-1)/(kappa+1)``.

    N&W Thm 3.3: ``||e_{k+1}||_H <= (kappa-1)/(kappa+1) ||e_k||_H`` (Kantorovich). A bound,
    attained only for worst-case starting points.
    """
    mu, L = _mu_L(eigenvalues)
    return (L - mu) / (L + mu)


# --------------------------------------------------------------------------------------------
# Heavy ball and Nesterov (PyTorch update rules)
# --------------------------------------------------------------------------------------------


def heavy_ball_matrix(lr: float, momentum: float, lam: float) -> NDArray[np.float64]:
    """Per-eigenvalue iteration matrix of PyTorch heavy ball on the state ``(e_k, v_k)``.

    Update ``v_{k+1} = b v_k + g_k``, ``x_{k+1} = x_k - lr v_{k+1}`` with ``g_k = lam e_k``::

        [e_{k+1}]   [1 - lr*lam   -lr*b] [e_k]
        [v_{k+1}] = [   lam          b ] [v_k]

    Characteristic polynomial ``z^2 - (1 + b - lr*lam) z + b`` — the same as Polyak's
    ``x_{k+1} = x_k - lr g_k + b (x_k - x_{k-1})`` (since ``x_{k+1} - x_k = -lr v_{k+1}``).
    PyTorch's first step ``v_1 = g_0`` equals this rule with ``v_0 = 0``, so it only sets the
    initial condition; the asymptotic rate (spectral radius) is unchanged. With dampening d,
    replace lr by ``lr*(1-d)`` (rescale ``v``).
    """
    return np.array([[1.0 - lr * lam, -lr * momentum], [lam, momentum]], dtype=float)


def nesterov_matrix(lr: float, momentum: float, lam: float) -> NDArray[np.float64]:
    """Per-eigenvalue iteration matrix of PyTorch Nesterov on the state ``(e_k, v_k)``.

    Update ``v_{k+1} = b v_k + g_k``, ``x_{k+1} = x_k - lr (g_k + b v_{k+1})``::

        [e_{k+1}]   [1 - lr*lam*(1+b)   -lr*b^2] [e_k]
        [v_{k+1}] = [      lam              b  ] [v_k]

    Trace ``(1+b)(1-lr*lam)``, determinant ``b(1-lr*lam)``: characteristic polynomial
    ``z^2 - (1+b)(1-lr*lam) z + b(1-lr*lam)``, identical to Nesterov's/Sutskever's form
    ``y_k = x_k + b(x_k - x_{k-1}); x_{k+1} = y_k - lr grad f(y_k)`` (as analysed in LRP).
    """
    return np.array(
        [[1.0 - lr * lam * (1.0 + momentum), -lr * momentum**2], [lam, momentum]], dtype=float
    )


def _quadratic_radius(trace: ArrayLike, det: ArrayLike) -> NDArray[np.float64]:
    """Largest |root| of ``z^2 - trace z + det`` (vectorized, without cancellation).

    Real roots (disc >= 0): ``(|trace| + sqrt(disc))/2``; complex pair: ``sqrt(det)``.
    """
    tr, de = np.broadcast_arrays(np.asarray(trace, float), np.asarray(det, float))
    disc = tr * tr - 4.0 * de
    real = (np.abs(tr) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
    cplx = np.sqrt(np.maximum(de, 0.0))
    return np.where(disc >= 0.0, real, cplx)


def _momentum_trace_det(
    lr: ArrayLike, momentum: ArrayLike, lam: ArrayLike, nesterov: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lr, b, lam = (np.asarray(a, float) for a in (lr, momentum, lam))
    if nesterov:
        q = 1.0 - lr * lam
        return (1.0 + b) * q, b * q
    return 1.0 + b - lr * lam, b * np.ones_like(lr * lam)


def heavy_ball_radius(lr: float, momentum: float, eigenvalues: ArrayLike) -> float:
    """Rate of heavy ball: ``max_i rho(M(lam_i))``, roots of ``z^2 - (1+b-lr*lam)z + b``.

    When ``(1+b-lr*lam)^2 < 4b`` the roots are complex with modulus ``sqrt(b)`` (Polyak 1964;
    Polyak (1987) §3.2.1; Goh, *Why Momentum Really Works*, Distill 2017).
    """
    tr, de = _momentum_trace_det(lr, momentum, _eigs(eigenvalues), nesterov=False)
    return float(np.max(_quadratic_radius(tr, de)))


def nesterov_radius(lr: float, momentum: float, eigenvalues: ArrayLike) -> float:
    """Rate of Nesterov: ``max_i`` largest |root| of ``z^2 - (1+b)(1-lr*lam)z + b(1-lr*lam)``."""
    tr, de = _momentum_trace_det(lr, momentum, _eigs(eigenvalues), nesterov=True)
    return float(np.max(_quadratic_radius(tr, de)))


def heavy_ball_stable(lr: float, momentum: float, eigenvalues: ArrayLike) -> bool:
    """Stability region of heavy ball (Jury test on ``z^2 - (1+b-lr*lam) z + b``).

    ``|b| < 1`` and ``|1 + b - lr*lam| < 1 + b``; for PyTorch's ``0 <= b < 1`` this is
    ``0 < lr*lam < 2(1+b)`` for every eigenvalue (Polyak (1987) §3.2.1, Thm 1).
    """
    lam = _eigs(eigenvalues)
    b = float(momentum)
    return bool(abs(b) < 1 and np.all(np.abs(1 + b - lr * lam) < 1 + b))


def nesterov_stable(lr: float, momentum: float, eigenvalues: ArrayLike) -> bool:
    """Stability region of Nesterov (Jury test on ``z^2 - (1+b)q z + b q``, ``q = 1 - lr*lam``).

    Conditions ``|b q| < 1`` and ``(1+b)|q| < 1 + b q``; for ``0 <= b < 1`` they reduce to
    ``0 < lr*lam < 2(1+b)/(1+2b)`` (derivation: for q >= 0 the second gives q < 1; for q < 0
    it gives ``q > -1/(1+2b)``).
    """
    lam = _eigs(eigenvalues)
    b = float(momentum)
    q = 1.0 - lr * lam
    return bool(np.all(np.abs(b * q) < 1) and np.all((1 + b) * np.abs(q) < 1 + b * q))


def polyak_optimal(eigenvalues: ArrayLike) -> tuple[float, float, float]:
    """Polyak's heavy-ball parameters and rate for ``mu <= lambda <= L``.

    ``lr = 4/(sqrt L + sqrt mu)^2``, ``momentum = ((sqrt k - 1)/(sqrt k + 1))^2``,
    ``rate = (sqrt k - 1)/(sqrt k + 1)`` (Polyak (1987) §3.2.1 Thm 1; Goh 2017). At both ends
    of the spectrum the roots are double (a Jordan block): ``||e_k|| ~ k rate^k``, the same
    asymptotic factor but a slowly vanishing transient.
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(L / mu)
    r = (s - 1.0) / (s + 1.0)
    return 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, r * r, r


def nesterov_standard(eigenvalues: ArrayLike) -> tuple[float, float, float]:
    """The textbook Nesterov choice and its exact rate for the PyTorch recurrence.

    ``lr = 1/L``, ``momentum = (sqrt k - 1)/(sqrt k + 1)`` (Nesterov (2018) §2.2, constant step
    scheme III). For this recurrence the spectral radius is exactly ``1 - 1/sqrt(kappa)``:
    with ``q = 1 - lam/L`` the roots are complex (modulus ``sqrt(b q)``) for
    ``q < 4b/(1+b)^2 = 1 - 1/kappa`` and double at ``lam = mu`` where
    ``z = (1+b)q/2 = 1 - 1/sqrt(kappa)``. So the quoted ``1 - 1/sqrt(kappa)`` (a bound on
    ``f - f*`` in Nesterov's theorem) is here also the exact asymptotic rate of ``||e_k||``.
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(L / mu)
    return 1.0 / L, (s - 1.0) / (s + 1.0), 1.0 - 1.0 / s


def nesterov_optimal(eigenvalues: ArrayLike) -> tuple[float, float, float]:
    """Rate-optimal Nesterov parameters on quadratics (the quadratic tuning in LRP 2016).

    ``lr = 4/(3L + mu)``, ``momentum = (sqrt(3k+1) - 2)/(sqrt(3k+1) + 2)``,
    ``rate = 1 - 2/sqrt(3 kappa + 1)`` (slightly better than the standard choice).
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(3.0 * L / mu + 1.0)
    return 4.0 / (3.0 * L + mu), (s - 2.0) / (s + 2.0), 1.0 - 2.0 / s


def momentum_radius_grid(
    eigenvalues: ArrayLike,
    lrs: ArrayLike,
    momenta: ArrayLike,
    *,
    nesterov: bool = False,
) -> NDArray[np.float64]:
    """Spectral radius on a (momentum, lr) grid, shape ``(len(momenta), len(lrs))``.

    Entry ``[i, j]`` is :func:`heavy_ball_radius` (or :func:`nesterov_radius`) at
    ``lr = lrs[j]``, ``momentum = momenta[i]``; values >= 1 mark the unstable region (a
    stability map: contour at 1).
    """
    lam = _eigs(eigenvalues)
    lr = np.asarray(lrs, float)[None, :, None]
    b = np.asarray(momenta, float)[:, None, None]
    tr, de = _momentum_trace_det(lr, b, lam[None, None, :], nesterov)
    return np.max(_quadratic_radius(tr, de), axis=-1)


def _double_root(lr: float, momentum: float, eigenvalues: NDArray, nesterov: bool) -> bool:
    """Whether a dominant eigenvalue's 2x2 matrix has a (numerically) double root."""
    tr, de = _momentum_trace_det(lr, momentum, eigenvalues, nesterov)
    rad = _quadratic_radius(tr, de)
    top = rad >= np.max(rad) * (1 - 1e-9)
    disc = np.abs(tr * tr - 4.0 * de)
    return bool(np.any(disc[top] <= 1e-9 * np.maximum(tr[top] ** 2, 1e-300)))


def _dominant_sign(trace: NDArray[np.float64], radius: NDArray[np.float64]) -> bool | None:
    """Oscillation of the dominant mode: Re(root) < 0  <=>  trace < 0 (None on a sign tie)."""
    top = radius >= np.max(radius) * (1 - 1e-9)
    signs = set(np.sign(trace[top]).tolist())
    if len(signs) != 1:
        return None
    return bool(signs.pop() < 0)


# --------------------------------------------------------------------------------------------
# Conjugate gradients
# --------------------------------------------------------------------------------------------


def cg_rate(eigenvalues: ArrayLike) -> float:
    """Per-iteration factor of the linear CG bound: ``(sqrt k - 1)/(sqrt k + 1)``.

    N&W Eq. (5.36): ``||x_k - x*||_A <= 2 ((sqrt k - 1)/(sqrt k + 1))^k ||x_0 - x*||_A``.
    """
    mu, L = _mu_L(eigenvalues)
    s = math.sqrt(L / mu)
    return (s - 1.0) / (s + 1.0)


def cg_bound(eigenvalues: ArrayLike, k: int) -> float:
    """The bound factor ``2 ((sqrt k - 1)/(sqrt k + 1))^k`` on the A-norm error after k steps."""
    return 2.0 * cg_rate(eigenvalues) ** int(k)


def cg_termination_steps(eigenvalues: ArrayLike, tol: float = 1e-8) -> int:
    """Steps after which linear CG terminates in exact arithmetic: the number of distinct
    eigenvalues (N&W Thm 5.4), eigenvalues within ``tol * max|lambda|`` counted as equal.

    (An upper bound: eigen-components absent from the initial residual do not count.)
    """
    lam = _eigs(eigenvalues)
    gap = tol * float(np.max(np.abs(lam)))
    return int(1 + np.count_nonzero(np.diff(lam) > gap))


# --------------------------------------------------------------------------------------------
# Newton
# --------------------------------------------------------------------------------------------


def newton_damped_rate(damping: float) -> float:
    """Damped Newton ``x <- x - eta H^{-1} g`` at a nondegenerate minimizer: rate ``|1 - eta|``.

    Linearizing, ``e_{k+1} = e_k - eta H^{-1} H e_k = (1 - eta) e_k``; ``eta = 1`` gives the
    quadratic convergence of N&W Thm 3.5.
    """
    return abs(1.0 - float(damping))


def newton_degenerate_rate(p: int, damping: float = 1.0) -> float:
    """Newton at a degenerate minimizer whose first non-vanishing derivative has order p.

    For ``f = c x^p`` (p even >= 4): ``f'/f'' = x/(p-1)``, so
    ``x_{k+1} = x_k - eta x_k/(p-1) = (1 - eta/(p-1)) x_k``: linear with rate
    ``|1 - eta/(p-1)|``, i.e. ``(p-2)/(p-1)`` for the full step (2/3 for x^4, 4/5 for x^6).
    Higher-order terms do not change it: ``f = c x^p (1 + O(x))`` gives the same limit ratio.
    """
    if p < 3:
        raise ValueError("p must be >= 3 (p = 2 is the nondegenerate case)")
    return abs(1.0 - float(damping) / (p - 1.0))


def newton_accepted_step(
    damping: float,
    line_search: str | None,
    *,
    p: int = 2,
    c1: float = 1e-4,
    c2: float = 0.9,
    shrink: float = 0.5,
) -> float | None:
    """Step length a line search accepts along the Newton direction near the minimizer.

    Along ``d = -H^{-1} g`` the model is homogeneous: with ``u(a) = 1 - a/(p-1)``,
    ``phi(a)/phi(0) = |u|^p`` and ``phi'(a)/phi'(0) = |u|^(p-1) sign(u)`` (p = 2 for a
    nondegenerate minimizer, where every eigen-component scales by ``1 - a``; p for ``x^p``).
    So whether a trial step is accepted does not depend on the iterate:

    * Armijo ``|u|^p <= 1 - c1 a p/(p-1)`` (p = 2: ``a <= 2(1 - c1)``);
    * strong Wolfe curvature ``|u|^(p-1) <= c2`` (p = 2: ``1 - c2 <= a <= 1 + c2``).

    ``line_search``: None → ``damping``; ``"armijo"`` → backtracking ``damping * shrink^j``;
    ``"wolfe"`` → N&W Alg. 3.5 from ``damping`` (doubling while the curvature condition fails
    with ``phi' < 0``). Returns None when the Wolfe search would enter its zoom phase (the
    interpolated step is implementation-specific).
    """
    if p < 2:
        raise ValueError("p must be >= 2")

    def u(a: float) -> float:
        return 1.0 - a / (p - 1.0)

    def armijo_ok(a: float) -> bool:
        return abs(u(a)) ** p <= 1.0 - c1 * a * p / (p - 1.0)

    a = float(damping)
    if line_search is None:
        return a
    if line_search == "armijo":
        for _ in range(60):
            if armijo_ok(a):
                return a
            a *= shrink
        return None
    prev = math.inf
    for _ in range(30):
        phi = abs(u(a)) ** p
        if not armijo_ok(a) or phi >= prev:
            return None
        if abs(u(a)) ** (p - 1) <= c2:
            return a
        if u(a) <= 0:
            return None
        prev, a = phi, 2.0 * a
    return None


# --------------------------------------------------------------------------------------------
# Coordinate descent on quadratics
# --------------------------------------------------------------------------------------------


def _split(hessian: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    A = np.asarray(hessian, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("hessian must be a square matrix")
    return np.tril(A, -1), np.diag(np.diag(A)), np.triu(A, 1)


def gauss_seidel_matrix(hessian: ArrayLike) -> NDArray[np.float64]:
    """Cyclic coordinate descent with exact minimization on ``1/2 e^T A e`` = Gauss–Seidel.

    With ``A = L + D + U`` (strict lower, diagonal, strict upper) one sweep is
    ``(D + L) e_{k+1} = -U e_k``, i.e. ``M = -(D+L)^{-1} U`` (N&W §9.3; Golub & Van Loan §11.2).
    """
    Lo, D, Up = _split(hessian)
    return -np.linalg.solve(D + Lo, Up)


def coordinate_gradient_matrix(hessian: ArrayLike, lr: float) -> NDArray[np.float64]:
    """One cyclic sweep of coordinate gradient steps ``x_i <- x_i - lr (A x)_i`` (i = 1..n).

    Coordinate i uses the already updated ``x_1..x_{i-1}``, so
    ``e_{k+1} = e_k - lr (L e_{k+1} + (D + U) e_k)``, hence
    ``M = (I + lr L)^{-1} (I - lr (D + U))``. With per-coordinate steps ``omega/A_ii`` this is
    SOR, and ``omega = 1`` recovers Gauss–Seidel.
    """
    Lo, D, Up = _split(hessian)
    eye = np.eye(Lo.shape[0])
    return np.linalg.solve(eye + lr * Lo, eye - lr * (D + Up))


def spectral_radius(matrix: ArrayLike) -> float:
    """``max |eig(M)|``."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(matrix, dtype=float)))))


def coordinate_rate(hessian: ArrayLike, lr: float | None = None) -> float:
    """Per-sweep rate of cyclic coordinate descent: ``rho(M)`` of Gauss–Seidel (``lr=None``,
    exact coordinate minimization) or of :func:`coordinate_gradient_matrix`."""
    M = gauss_seidel_matrix(hessian) if lr is None else coordinate_gradient_matrix(hessian, lr)
    return spectral_radius(M)


def random_coordinate_rate(
    eigenvalues: ArrayLike, n: int, L_max: float, lr: float | None = None
) -> tuple[float, float]:
    """Expected-rate bound of randomized (uniform) coordinate descent, per coordinate update.

    Nesterov (2012, SIAM J. Optim. 22) / Wright (2015, Math. Prog. 151) Thm 1: with step
    ``1/L_max`` (or exact minimization) ``E[f_{k+1} - f*] <= (1 - mu/(n L_max)) E[f_k - f*]``.
    For a general step ``lr < 2/L_max``: factor ``1 - 2 mu lr (1 - lr L_max/2)/n``. Returns
    ``(function-value factor c, error factor sqrt(c))`` — the error bound follows from
    ``mu/2 ||e||^2 <= f - f*`` (both bounds, not exact rates).
    """
    mu = float(_eigs(eigenvalues)[0])
    if mu <= 0:
        raise ValueError("needs mu > 0")
    if lr is None:
        c = 1.0 - mu / (n * L_max)
    elif 0.0 < lr * L_max < 2.0:
        c = 1.0 - 2.0 * mu * lr * (1.0 - lr * L_max / 2.0) / n
    else:
        return math.inf, math.inf
    c = min(max(c, 0.0), 1.0)
    return c, math.sqrt(c)


# --------------------------------------------------------------------------------------------
# SGD with additive gradient noise on a quadratic
# --------------------------------------------------------------------------------------------


def sgd_stationary_error(
    eigenvalues: ArrayLike,
    lr: float,
    sigma: float,
    *,
    momentum: float = 0.0,
    nesterov: bool = False,
) -> float:
    """Stationary ``E||x - x*||^2`` of constant-step SGD with gradient noise N(0, sigma^2 I).

    Plain SGD: per eigen-direction ``e' = (1 - lr lam) e - lr sigma xi``, so the stationary
    variance solves ``s = (1 - lr lam)^2 s + lr^2 sigma^2``:
    ``E||e||^2 = sum_i lr sigma^2 / (lam_i (2 - lr lam_i))`` (exact for quadratics; BCN Thm 4.6
    is the corresponding O(lr) bound for general strongly convex f).
    With momentum the 2x2 state ``(e, v)`` obeys ``s' = M s + b xi`` with
    ``b = sigma (-lr, 1)`` (heavy ball) or ``sigma (-lr (1 + momentum), 1)`` (Nesterov); the
    stationary covariance solves the discrete Lyapunov equation ``P = M P M^T + b b^T`` and
    ``E e^2 = P[0, 0]``. Returns inf when unstable.
    """
    lam = _eigs(eigenvalues)
    if momentum == 0.0:
        x = lr * lam
        if np.any(x <= 0) or np.any(x >= 2):
            return math.inf
        return float(np.sum(lr * sigma**2 / (lam * (2.0 - x))))
    from scipy.linalg import solve_discrete_lyapunov

    total = 0.0
    for l_i in lam:
        M = (nesterov_matrix if nesterov else heavy_ball_matrix)(lr, momentum, l_i)
        if spectral_radius(M) >= 1:
            return math.inf
        b = sigma * np.array([-lr * (1.0 + momentum) if nesterov else -lr, 1.0])
        total += float(solve_discrete_lyapunov(M, np.outer(b, b))[0, 0])
    return total


def sgd_decaying_error(
    eigenvalues: ArrayLike, lr0: float, gamma: float, sigma: float
) -> tuple[float | None, float]:
    """Asymptotics of ``E||e_k||^2`` for SGD with ``lr_k = lr0/(1 + gamma k)`` and noise sigma.

    With ``a = lr0/gamma``, ``lr_k ~ a/k`` and per eigen-direction
    ``s_{k+1} = (1 - lr_k lam)^2 s_k + lr_k^2 sigma^2``. Trying ``s_k = C/k`` gives
    ``C (2 a lam - 1) = a^2 sigma^2``: if ``2 a lam_min > 1`` then
    ``E||e_k||^2 ~ (sum_i a^2 sigma^2/(2 a lam_i - 1)) / k`` (BCN Thm 4.7 gives an O(1/k)
    bound under the analogous condition ``beta > 1/(c mu)`` on the step constant). Otherwise
    the slowest direction decays like ``k^(-2 a lam_min)`` and the constant depends on the
    start. Returns ``(C or None, exponent)``
    for ``E||e_k||^2 ~ C k^-exponent``.
    """
    lam = _eigs(eigenvalues)
    a = lr0 / gamma
    if 2.0 * a * lam[0] > 1.0:
        return float(np.sum(a * a * sigma**2 / (2.0 * a * lam - 1.0))), 1.0
    return None, float(2.0 * a * lam[0])


def sgd_mean_square_path(
    lrs: ArrayLike, lam: float, sigma: float, e0: float
) -> NDArray[np.float64]:
    """Exact ``E e_k^2`` of SGD on ``f = lam x^2 / 2`` with steps ``lr_k`` and noise sigma.

    ``e_{k+1} = (1 - lr_k lam) e_k - lr_k sigma xi_k`` with independent standard normal
    ``xi_k`` gives ``s_{k+1} = (1 - lr_k lam)^2 s_k + lr_k^2 sigma^2`` (``s_0 = e0^2``).
    For a constant step the fixed point is ``lr sigma^2 / (lam (2 - lr lam))``
    (:func:`sgd_stationary_error`); for ``lr_k ~ a/k`` with ``2 a lam > 1`` it decays like
    ``a^2 sigma^2 / ((2 a lam - 1) k)`` (:func:`sgd_decaying_error`).  Returns
    ``s_0 … s_K`` for ``K = len(lrs)``.
    """
    lr = np.asarray(lrs, dtype=float)
    s = np.empty(lr.size + 1)
    s[0] = float(e0) ** 2
    for k, a in enumerate(lr):
        s[k + 1] = (1.0 - a * lam) ** 2 * s[k] + a * a * sigma * sigma
    return s


def minibatch_variance(sample_variance: float, population: int, batch: int) -> float:
    """Variance of the mean of ``batch`` of ``population`` values drawn without replacement.

    ``Var = (s^2 / B) (N - B) / (N - 1)`` with ``s^2`` the population variance (divisor N) of
    the per-sample values (Cochran, *Sampling Techniques*, 3rd ed. (1977), Thm 2.2): ``1/B``
    times the finite-population correction, which makes it 0 at ``B = N``.
    """
    N, B = int(population), int(batch)
    if not 1 <= B <= N:
        raise ValueError("batch must lie in 1..population")
    if N == 1:
        return 0.0
    return float(sample_variance) / B * (N - B) / (N - 1)


def polyak_ruppert_error(
    eigenvalues: ArrayLike,
    sigma: float = 1.0,
    *,
    hessian: ArrayLike | None = None,
    noise_cov: ArrayLike | None = None,
) -> float:
    """Constant c in ``E||xbar_k - x*||^2 ~ c/k`` for the Polyak–Ruppert average.

    The averaged iterate has asymptotic covariance ``H^{-1} S H^{-1} / k`` (Polyak & Juditsky,
    SIAM J. Control Optim. 30 (1992), Thm 2; for constant steps on quadratics Bach & Moulines,
    NeurIPS 2013), so ``c = tr(H^{-1} S H^{-1})``; with ``S = sigma^2 I`` it is
    ``sigma^2 sum_i 1/lam_i^2`` — independent of the step size and of momentum.
    """
    if noise_cov is None and hessian is None:
        lam = _eigs(eigenvalues)
        return float(sigma**2 * np.sum(1.0 / lam**2))
    H = np.asarray(hessian if hessian is not None else np.diag(_eigs(eigenvalues)), float)
    S = sigma**2 * np.eye(H.shape[0]) if noise_cov is None else np.asarray(noise_cov, float)
    Hi = np.linalg.inv(H)
    return float(np.trace(Hi @ S @ Hi))


# --------------------------------------------------------------------------------------------
# Saddles and plateaus
# --------------------------------------------------------------------------------------------


def saddle_escape_steps(y0: float, radius: float, lr: float, lam_min: float) -> int:
    """GD steps to escape a saddle from distance ``y0`` along the negative-curvature direction.

    Along that direction ``y_{k+1} = (1 + lr |lam_min|) y_k``, so ``|y_k| >= r`` first at
    ``k = ceil(ln(r/|y0|) / ln(1 + lr |lam_min|))`` (Dauphin et al. 2014; Du et al. 2017).
    """
    if lam_min >= 0:
        raise ValueError("lam_min must be negative")
    y0 = abs(float(y0))
    if y0 >= radius:
        return 0
    if y0 == 0:
        return math.inf  # type: ignore[return-value]
    return int(math.ceil(math.log(radius / y0) / math.log1p(lr * abs(lam_min))))


def plateau_crossing_steps(
    fprime: Callable[[float], float], x_start: float, x_end: float, lr: float
) -> float:
    """GD steps to cross a flat 1-D region: ``int_{x_end}^{x_start} dx / (lr |f'(x)|)``.

    Continuous-time limit of ``x_{k+1} = x_k - lr f'(x_k)``: ``dx/dk = -lr f'(x)``, so the
    number of steps is the integral of ``1/(lr |f'|)`` along the path (gradient-flow time
    divided by the step). Accurate when ``f'`` varies little over one step.
    """
    from scipy.integrate import quad

    lo, hi = sorted((float(x_start), float(x_end)))
    val, _ = quad(lambda x: 1.0 / abs(fprime(x)), lo, hi, limit=200)
    return float(val / lr)


# --------------------------------------------------------------------------------------------
# Adaptive methods
# --------------------------------------------------------------------------------------------

_ADAPTIVE_DEFAULTS: dict[str, dict[str, float]] = {
    "adagrad": {"lr": 1e-2, "eps": 1e-10, "initial_accumulator_value": 0.0},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
}


def _adaptive_hyper(method: str, hyper: Mapping[str, Any]) -> dict[str, float]:
    if method not in _ADAPTIVE_DEFAULTS:
        raise ValueError(f"not an adaptive method: {method!r}")
    h = dict(_ADAPTIVE_DEFAULTS[method])
    h.update({k: v for k, v in hyper.items() if k in h and v is not None})
    return h


def adaptive_first_step(
    method: str, grad: ArrayLike, hyper: Mapping[str, Any], x0: ArrayLike | None = None
) -> NDArray[np.float64]:
    """The first displacement ``x_1 - x_0`` of an adaptive method (PyTorch rules, zero state).

    * Adam/AdamW: ``m1_hat = g``, ``v1_hat = g^2`` (bias correction) so the step is
      ``-lr g/(|g| + eps) ~ -lr sign(g)`` per coordinate (Kingma & Ba 2015 §2.1); AdamW adds
      the decoupled decay ``-lr wd x0`` (Loshchilov & Hutter 2019).
    * AdaGrad: ``G = G0 + g^2``, step ``-lr g/(sqrt(G) + eps)`` (= ``-lr g/(|g| + eps)`` for
      G0 = 0).
    * RMSProp: ``v = (1-alpha) g^2``, step ``-lr g/(sqrt((1-alpha) g^2) + eps)``
      ~ ``-lr sign(g)/sqrt(1-alpha)`` (10 lr for alpha = 0.99).
    * AdaDelta: ``v = (1-rho) g^2``, step ``-lr sqrt(eps)/sqrt(v + eps) g``.
    """
    h = _adaptive_hyper(method, hyper)
    g = np.asarray(grad, dtype=float)
    if method in ("adam", "adamw"):
        step = -h["lr"] * g / (np.abs(g) + h["eps"])
        if method == "adamw" and x0 is not None:
            step = step - h["lr"] * h["weight_decay"] * np.asarray(x0, float)
        return step
    if method == "adagrad":
        return -h["lr"] * g / (np.sqrt(h["initial_accumulator_value"] + g * g) + h["eps"])
    if method == "rmsprop":
        return -h["lr"] * g / (np.sqrt((1.0 - h["alpha"]) * g * g) + h["eps"])
    v = (1.0 - h["rho"]) * g * g
    return -h["lr"] * np.sqrt(h["eps"]) / np.sqrt(v + h["eps"]) * g


def adaptive_effective_lr(
    method: str,
    hyper: Mapping[str, Any],
    second_moment: ArrayLike,
    *,
    step: int | None = None,
    delta_moment: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Per-coordinate effective step ``lr_eff`` in ``x <- x - lr_eff * (gradient or m_hat)``.

    Adam/AdamW: ``lr/(sqrt(v_hat) + eps)`` with ``v_hat = v/(1 - beta2^t)`` when ``step=t``;
    RMSProp: ``lr/(sqrt(v) + eps)``; AdaGrad: ``lr/(sqrt(G) + eps)`` (``second_moment`` = the
    accumulator G); AdaDelta: ``lr sqrt(u + eps)/sqrt(v + eps)`` with ``u = delta_moment``.
    """
    h = _adaptive_hyper(method, hyper)
    v = np.asarray(second_moment, dtype=float)
    if method in ("adam", "adamw"):
        if step is not None:
            v = v / (1.0 - h["beta2"] ** int(step))
        return h["lr"] / (np.sqrt(v) + h["eps"])
    if method in ("rmsprop", "adagrad"):
        return h["lr"] / (np.sqrt(v) + h["eps"])
    u = np.zeros_like(v) if delta_moment is None else np.asarray(delta_moment, float)
    return h["lr"] * np.sqrt(u + h["eps"]) / np.sqrt(v + h["eps"])


def preconditioned_gd_rate(hessian: ArrayLike, steps: ArrayLike) -> float:
    """Rate of ``x <- x - diag(steps) grad f``: ``rho(I - diag(steps) H)``.

    Used a posteriori for AdaGrad: once the accumulator G has converged (gradients decaying
    geometrically), AdaGrad is GD with the fixed diagonal preconditioner
    ``steps = lr/(sqrt(G_inf) + eps)``.
    """
    H = np.atleast_2d(np.asarray(hessian, dtype=float))
    P = np.diag(np.broadcast_to(np.asarray(steps, float), (H.shape[0],)))
    return spectral_radius(np.eye(H.shape[0]) - P @ H)


def adam_eps_regime_threshold(hyper: Mapping[str, Any], method: str = "adam") -> float:
    """Curvature above which Adam's small-gradient regime (``sqrt(v_hat) << eps``) is unstable.

    There the update is EMA momentum ``m <- b1 m + (1-b1) g; x <- x - (lr/eps) m``, i.e. heavy
    ball with step ``lr (1-b1)/eps``; it is stable iff
    ``lam < 2 (1 + b1) eps / (lr (1 - b1))`` (:func:`heavy_ball_stable`).
    """
    h = _adaptive_hyper(method, hyper)
    return 2.0 * (1.0 + h["beta1"]) * h["eps"] / (h["lr"] * (1.0 - h["beta1"]))


# --------------------------------------------------------------------------------------------
# Learning-rate schedules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInfo:
    """Asymptotics of a learning-rate schedule.

    ``regime``: ``constant`` (lr constant from ``valid_from`` on: no schedule, or a decay to a
    positive floor), ``inverse_time`` (``lr_k = lr0/(1 + gamma k)^power`` with
    ``power <= 1``: lr -> 0 with a divergent sum), ``summable`` (geometric decay or
    ``power > 1``: sum lr < inf, the iterates stop short of x*), ``to_zero`` (lr reaches 0 after
    finitely many steps: the iterates freeze).
    """

    name: str
    regime: str
    lr_final: float
    valid_from: int
    gamma: float | None = None
    power: float = 1.0
    note: str = ""


def _param(params: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for n in names:
        if params.get(n) is not None:
            return params[n]
    return default


def schedule_asymptotics(hyper: Mapping[str, Any]) -> ScheduleInfo:
    """Asymptotic learning rate of ``hyper['schedule']`` (a name, or a mapping with ``name``).

    Names, parameters and defaults as in :mod:`optimizers.schedules` (aliases in brackets):

    * ``constant``;
    * ``linear``: from lr to ``final_lr`` (default lr/100) [``lr*end_factor``, ``lr_min``,
      ``eta_min``] over ``tau`` = 100 steps [``total_iters``, ``total_steps``, ``decay_steps``],
      constant afterwards;
    * ``cosine``: to ``eta_min`` (default 0) [``lr_min``, ``final_lr``] at ``T_max`` = 100
      [``total_iters``], held there;
    * ``step`` (``lr gamma^floor(k/step_size)``, gamma 0.1), ``exponential`` (``lr gamma^k``,
      gamma 0.99);
    * ``inverse_time`` [``polynomial``, ``inverse``]: ``lr/(1 + gamma k)^power`` (1, 1);
    * ``warmup`` W steps in front of any of them (the schedule runs on ``k - W``).
    """
    lr = float(hyper["lr"])
    sched = hyper.get("schedule")
    params: dict[str, Any] = dict(hyper)
    if isinstance(sched, Mapping):
        params.update(sched)
        name = str(_param(sched, "name", "type", default="constant"))
    else:
        name = "constant" if sched is None else str(sched)
    name = name.lower().replace("-", "_")
    warmup = int(_param(params, "warmup", "warmup_steps", default=0) or 0)
    if name in ("constant", "none", "const"):
        return ScheduleInfo("constant", "constant", lr, warmup)
    if name in ("linear", "cosine"):
        if name == "linear":
            total = _param(params, "tau", "total_iters", "total_steps", "decay_steps",
                           default=100)
            if params.get("end_factor") is not None:
                final = lr * float(params["end_factor"])
            else:
                final = float(_param(params, "final_lr", "lr_min", "eta_min", default=lr / 100))
        else:
            total = _param(params, "T_max", "t_max", "total_iters", default=100)
            final = float(_param(params, "eta_min", "lr_min", "final_lr", default=0.0))
        start = warmup + int(total)
        if final > 0:
            note = f"{name} schedule: lr is constant = {final:g} from iteration {start} on"
            return ScheduleInfo(name, "constant", final, start, note=note)
        note = f"{name} schedule decays lr to 0: the iterates freeze at finite distance"
        return ScheduleInfo(name, "to_zero", 0.0, start, note=note)
    if name in ("step", "exponential", "exp"):
        gamma = float(_param(params, "gamma", default=0.1 if name == "step" else 0.99))
        if gamma >= 1:
            return ScheduleInfo(name, "constant", lr, warmup, gamma)
        note = (
            f"{name} decay: sum of lr_k is finite, so the iterates stop at a finite distance "
            "from x* (error -> a constant); no asymptotic rate"
        )
        return ScheduleInfo(name, "summable", 0.0, warmup, gamma, note=note)
    if name in ("inverse_time", "polynomial", "inverse", "1/t", "invtime"):
        gamma = float(_param(params, "gamma", "decay", default=1.0))
        power = float(_param(params, "power", default=1.0))
        if power > 1:
            note = "lr_k = lr/(1 + gamma k)^p with p > 1 is summable: the iterates stop short"
            return ScheduleInfo("inverse_time", "summable", 0.0, warmup, gamma, power, note)
        note = "lr_k = lr/(1 + gamma k)^p -> 0 with a divergent sum: sublinear convergence"
        return ScheduleInfo("inverse_time", "inverse_time", 0.0, warmup, gamma, power, note)
    raise ValueError(f"unknown schedule {name!r}")


# --------------------------------------------------------------------------------------------
# predict()
# --------------------------------------------------------------------------------------------


def _flt(hyper: Mapping[str, Any], key: str, default: float | None = None) -> float:
    v = hyper.get(key, default)
    if v is None:
        raise ValueError(f"hyperparameter {key!r} is required for this prediction")
    return float(v)


def _line_search(hyper: Mapping[str, Any], default: str | None) -> str | None:
    ls = hyper.get("line_search", default)
    if ls is None or str(ls).lower() in ("none", "false", "no", "off"):
        return None
    return str(ls).lower()


def _leading_order(extra: Mapping[str, Any]) -> int | None:
    p = extra.get("leading_order")
    return None if p is None else int(p)


def predict(
    method: str,
    hyper: Mapping[str, Any],
    eigenvalues: Sequence[float] | ArrayLike,
    *,
    hessian: ArrayLike | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Prediction:
    """Predicted local behaviour of ``method`` with ``hyper`` near a critical point.

    ``eigenvalues``: Hessian spectrum there (computed from ``hessian`` when empty).
    ``hessian``: the full matrix, needed by cyclic coordinate descent and a-posteriori AdaGrad.
    ``extra`` (optional):

    * ``leading_order`` p: at a degenerate minimizer, the order of the first non-vanishing
      derivative along the degenerate direction (4 for x^4);
    * ``iteration``: ``"sweep"`` (default) or ``"coordinate"`` for coordinate descent;
    * ``accumulator``: AdaGrad's final accumulator G (a-posteriori rate);
    * ``grad0`` / ``x0``: gradient / point at the start (adaptive first-step size);
    * ``third_derivative_zero``: all third derivatives vanish at the point (Newton with a
      unit step then converges with order 3: ``e_(k+1) = O(|e_k|^3)``);
    * ``quadratic``: f is a quadratic polynomial (its Hessian is the constant ``hessian``), so
      the local model is exact: Newton's unit step and linear CG terminate, and an unstable
      fixed step blows up;
    * ``zero_tol``: relative tolerance for a zero eigenvalue (default 1e-9);
    * ``gauss_newton`` / ``residual_sq``: for ``lm``, A = 2JᵀJ and f = ‖r‖² at the point
      (:mod:`analysis.theory_tr`).
    """
    method = str(method).lower()
    extra = dict(extra or {})
    if (eigenvalues is None or np.size(eigenvalues) == 0) and hessian is not None:
        eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, dtype=float))
    lam = _eigs(eigenvalues)
    if method in FIRST_ORDER:
        return _predict_first_order(method, dict(hyper), lam, extra)
    if method == "newton":
        return _predict_newton(dict(hyper), lam, extra)
    if method == "cg":
        return _predict_cg(dict(hyper), lam, extra)
    if method in ("bfgs", "lbfgs"):
        return _predict_quasi_newton(method, dict(hyper), lam, extra)
    if method == "coordinate":
        return _predict_coordinate(dict(hyper), lam, hessian, extra)
    if method in ADAPTIVE:
        return _predict_adaptive(method, dict(hyper), lam, hessian, extra)
    if method in TRUST_REGION or method == "lm":
        return _predict_tr(method, lam, hessian, extra)
    raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


def _predict_tr(method: str, lam: NDArray, hessian: ArrayLike | None,
                extra: dict[str, Any]) -> Prediction:
    """Trust-region Newton and Levenberg–Marquardt: :mod:`analysis.theory_tr`."""
    from analysis.theory_tr import predict_lm, predict_trust_region

    if method in TRUST_REGION:
        return predict_trust_region(method, lam, _leading_order(extra))
    if hessian is None or "gauss_newton" not in extra or "residual_sq" not in extra:
        return Prediction("none", None, None, "none", False,
                          ["lm's rate needs the Hessian, 2J^T J and the residual at the point"])
    return predict_lm(extra["gauss_newton"], hessian, float(extra["residual_sq"]))


# ---- first-order (gd, sgd, momentum, nesterov) ---------------------------------------------


def _predict_first_order(
    method: str, hyper: dict[str, Any], lam0: NDArray[np.float64], extra: dict[str, Any]
) -> Prediction:
    lr = _flt(hyper, "lr", 1.0 if _line_search(hyper, None) else None)  # ls: unused
    nesterov = method == "nesterov" or bool(hyper.get("nesterov", False))
    default_b = None if method in ("momentum", "nesterov") else 0.0
    b = _flt(hyper, "momentum", default_b)
    damp = float(hyper.get("dampening", 0.0) or 0.0)
    wd = float(hyper.get("weight_decay", 0.0) or 0.0)
    sigma = float(hyper.get("noise", 0.0) or 0.0)
    notes: list[str] = []
    lam = lam0 + wd
    if wd:
        notes.append(
            f"weight_decay={wd:g} adds wd*x to the gradient: eigenvalues shifted by wd and the "
            "fixed point is the minimizer of f + wd/2 |x|^2, not x*"
        )
    if nesterov and damp:
        raise ValueError("Nesterov momentum requires dampening = 0 (as in PyTorch)")
    lr_rec = lr * (1.0 - damp)  # heavy ball with dampening: rescaled velocity
    sched = schedule_asymptotics({**hyper, "lr": lr})
    if sched.note:
        notes.append(sched.note)
    ls = _line_search(hyper, None)
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    common = dict(valid_from=sched.valid_from, line_search=ls, stochastic=sigma > 0)

    if b == 0.0:
        basis = "max|1-lr*lambda|"
    elif nesterov:
        basis = "max|roots(z^2-(1+m)(1-lr*lambda)z+m(1-lr*lambda))|"
    else:
        basis = "max|roots(z^2-(1+m-lr*lambda)z+m)|"

    def radius(step: float, eigs: NDArray[np.float64]) -> tuple[float, bool | None]:
        tr, de = _momentum_trace_det(step, b, eigs, nesterov)
        rad = _quadratic_radius(tr, de)
        return float(np.max(rad)), _dominant_sign(np.asarray(tr), np.asarray(rad))

    if ls is not None and b == 0.0:
        return _predict_gd_line_search(ls, lam, zero, notes, common)
    if sched.regime in ("summable", "to_zero"):
        return Prediction("none", None, None, basis, False, notes, True, **common)
    if sched.regime == "inverse_time":
        return _predict_inverse_time(lr_rec, b, sched.gamma or 1.0, sched.power, sigma, lam,
                                     zero, notes, basis, common)
    step = sched.lr_final * (1.0 - damp)
    rho, osc = radius(step, lam)
    stable = rho < 1.0
    details: dict[str, Any] = {"lr_used": sched.lr_final, "kappa": condition_number(lam)}
    if b == 0.0 and np.all(lam > 0):
        details["lr_threshold"] = gd_threshold(lam)
        details["lr_optimal"], details["rate_optimal"] = gd_optimal(lam)
    elif b != 0.0 and np.all(lam > 0):
        stab = nesterov_stable if nesterov else heavy_ball_stable
        details["stable_region"] = (
            "0 < lr*lambda < 2(1+m)/(1+2m)" if nesterov else "0 < lr*lambda < 2(1+m)"
        )
        stable = stable and stab(step, b, lam)
        opt = (nesterov_optimal if nesterov else polyak_optimal)(lam)
        details["lr_optimal"], details["momentum_optimal"], details["rate_optimal"] = opt
        if _double_root(step, b, lam, nesterov):
            details["double_root"] = True
            notes.append(
                "the dominant root is double (Jordan block): |e_k| ~ k*rate^k, so measured "
                "ratios approach the rate only like rate*(1+1/k)"
            )
    if np.any((lam < 0) & ~zero):
        esc = 1.0 + step * abs(float(lam[0]))
        notes.append(
            f"x* is a saddle/maximum (lambda_min = {lam[0]:g}): the iterates leave it, the "
            f"error growing by the spectral radius {rho:.6g} per step (plain GD along the "
            f"negative curvature: 1+lr|lambda_min| = {esc:g}; see saddle_escape_steps)"
        )
        details["escape_factor"] = rho
        return Prediction("diverges", rho, None, basis, True, notes, False, oscillating=osc,
                          details=details, **common)
    if np.any(zero):
        return _predict_first_order_degenerate(lam, zero, step, b, nesterov, basis, notes,
                                               extra, details, common)
    if not stable:
        return _predict_unstable(rho, osc, basis, notes, details, extra, common)
    if sigma > 0:
        return _predict_noisy(step, b, nesterov, sigma, hyper, lam, rho, notes, details,
                              common)
    if b == 0.0 and extra.get("quadratic") and rho <= 1e-15:
        notes.append("lr*lambda = 1 for every eigenvalue of the quadratic: one step lands on x*")
        return Prediction("finite", 0.0, None, basis, True, notes, True, finite_steps=1,
                          oscillating=False, details=details, **common)
    notes.append("exact asymptotic rate for a generic start (component along the slowest mode)")
    if b != 0.0:
        notes.append(
            "PyTorch's first step v_1 = g_0 only sets the initial state; rate unchanged"
        )
    return Prediction("linear", rho, 1.0, basis, True, notes, True, oscillating=osc,
                      details=details, **common)


def _predict_unstable(
    rho: float, osc: bool | None, basis: str, notes: list[str], details: dict[str, Any],
    extra: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    """A fixed step past the stability limit: not convergent to x*.

    The linearized error grows by ``rho > 1`` per step. On a quadratic f the linearization is
    exact, so the iterates blow up (``exact``). Otherwise only the local statement holds: the
    iterates leave x*'s neighbourhood and then either blow up or are caught by the higher-order
    terms of f on a cycle — a 2-cycle when the dominant root is negative (GD as lr crosses
    2/L: a period-doubling bifurcation) — or a band (``exact=False``: measured ``bounded`` or
    ``diverges`` both agree).
    """
    notes.append(f"unstable: spectral radius {rho:.6g} >= 1 (lr beyond the stability "
                 "threshold): not convergent to x*")
    if extra.get("quadratic"):
        notes.append("f is quadratic, so the linearization is exact: the error grows by "
                     f"{rho:.6g} per step without bound (blow-up)")
        details["outcome"] = "blow-up"
        return Prediction("diverges", rho, None, basis, True, notes, False, oscillating=osc,
                          details=details, **common)
    cycle = "a 2-cycle (the dominant root is negative: period doubling)" if osc else "a cycle"
    notes.append("f is not quadratic: the iterates leave x*'s neighbourhood and either blow up "
                 f"or settle on {cycle} or a band held by the higher-order terms of f")
    details["outcome"] = "blow-up, cycle or band"
    return Prediction("diverges", rho, None, basis, False, notes, False, oscillating=osc,
                      details=details, **common)


def _predict_gd_line_search(
    ls: str, lam: NDArray, zero: NDArray, notes: list[str], common: dict[str, Any]
) -> Prediction:
    if np.any(lam < 0) or np.any(zero):
        notes.append("line-search GD at a degenerate or non-minimizing point: no rate promised")
        return Prediction("none", None, None, "none", False, notes, True, fixed_step=False,
                          degenerate=bool(np.any(zero)), **common)
    rate = gd_exact_line_search_rate(lam)
    notes.append(
        "steepest descent with a line search: the Kantorovich factor (kappa-1)/(kappa+1) "
        "bounds the H-norm error contraction for exact line search (N&W Thm 3.3); inexact "
        "searches give a larger factor (N&W Thm 3.4)"
    )
    r = rate if ls == "exact" else None
    return Prediction("linear", r, 1.0, "(kappa-1)/(kappa+1)", False, notes, True,
                      fixed_step=False, **common)


def _predict_inverse_time(
    lr0: float, b: float, gamma: float, power: float, sigma: float, lam: NDArray, zero: NDArray,
    notes: list[str], basis: str, common: dict[str, Any],
) -> Prediction:
    if np.any(lam <= 0) or np.any(zero):
        notes.append("decaying steps at a degenerate/non-minimizing point: no rate promised")
        return Prediction("none", None, None, basis, False, notes, True,
                          degenerate=bool(np.any(zero)), **common)
    step0 = lr0 / (1.0 - b)  # momentum with slowly varying steps ~ GD with lr/(1-b)
    if power < 1.0:
        notes.append(
            "lr_k ~ lr0 (gamma k)^-p, p < 1: the deterministic error decays like "
            "exp(-c k^(1-p)) (faster than any power, slower than linear)"
        )
        exponent = None
        if sigma > 0:
            exponent = power / 2.0
            notes.append("noise: E|x_k-x*|^2 ~ sum lr_k sigma^2/(2 lambda) ~ k^-p (tracking)")
        return Prediction("sublinear", None, None, "exp(-c k^(1-p))", False, notes, True,
                          exponent=exponent, **common)
    a = step0 / gamma
    det_exp = a * float(lam[0])
    notes.append(
        f"deterministic part: prod(1 - lr_j lambda) ~ k^-(lr0 lambda_min/(gamma(1-m))) "
        f"= k^-{det_exp:.4g}"
    )
    exponent, const = det_exp, None
    if sigma > 0:
        C, e2 = sgd_decaying_error(lam, step0, gamma, sigma)
        exponent = min(det_exp, e2 / 2.0)
        const = C
        if C is not None:
            notes.append(
                f"noise: E|x_k-x*|^2 ~ {C:.6g}/k since 2 lr0 lambda_min/gamma > 1 (O(1/k), "
                "cf. BCN Thm 4.7)"
            )
        else:
            notes.append("noise: 2 lr0 lambda_min/gamma <= 1, slower than O(1/k); a bound only")
    return Prediction("sublinear", None, None, "k^-(lr0*lambda_min/gamma)", b == 0.0, notes,
                      True, exponent=exponent, error_constant=const, **common)


def _predict_first_order_degenerate(
    lam: NDArray, zero: NDArray, step: float, b: float, nesterov: bool, basis: str,
    notes: list[str], extra: dict[str, Any], details: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    nz = lam[~zero]
    rho_nz = 0.0
    if nz.size:
        tr, de = _momentum_trace_det(step, b, nz, nesterov)
        rho_nz = float(np.max(_quadratic_radius(tr, de)))
    if rho_nz >= 1.0:
        notes.append("unstable along the non-degenerate directions")
        return Prediction("diverges", rho_nz, None, basis, True, notes, False, degenerate=True,
                          details=details, **common)
    p = _leading_order(extra)
    notes.append(
        "degenerate minimizer (zero eigenvalue): local rate 1. If the zero-curvature direction "
        "is curved by order-p terms (x^p), GD converges sublinearly, |e_k| ~ k^-1/(p-2); if it "
        "is a flat valley of minimizers, GD converges linearly (rate over the nonzero "
        f"eigenvalues, {rho_nz:.6g}) to another minimizer"
    )
    exponent = 1.0 / (p - 2) if p is not None and p > 2 else None
    details["rate_nonzero_eigenvalues"] = rho_nz
    return Prediction("sublinear", None, None, "k^-1/(p-2)", False, notes, True,
                      exponent=exponent, degenerate=True, details=details, **common)


def ema_stationary_error(eigenvalues: ArrayLike, lr: float, sigma: float, decay: float) -> float:
    """Stationary ``E||xbar - x*||^2`` of the EMA ``xbar <- d xbar + (1-d) x`` of plain SGD.

    Per eigen-direction the state ``(e, ebar)`` obeys ``e' = r e - lr sigma xi``,
    ``ebar' = d ebar + (1-d) e'`` with ``r = 1 - lr lam``: ``M = [[r, 0], [(1-d) r, d]]``,
    noise vector ``-lr sigma (1, 1-d)``; the stationary covariance solves the discrete
    Lyapunov equation ``P = M P M^T + b b^T`` and the answer is ``sum P[1, 1]``.
    """
    from scipy.linalg import solve_discrete_lyapunov

    total = 0.0
    for l_i in _eigs(eigenvalues):
        r = 1.0 - lr * l_i
        if abs(r) >= 1:
            return math.inf
        M = np.array([[r, 0.0], [(1.0 - decay) * r, decay]])
        b = -lr * sigma * np.array([1.0, 1.0 - decay])
        total += float(solve_discrete_lyapunov(M, np.outer(b, b))[1, 1])
    return total


def _predict_noisy(
    step: float, b: float, nesterov: bool, sigma: float, hyper: dict[str, Any], lam: NDArray,
    rho: float, notes: list[str], details: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    level = sgd_stationary_error(lam, step, sigma, momentum=b, nesterov=nesterov)
    details["transient_rate"] = rho
    details["stationary_error"] = level
    notes.append(
        f"additive gradient noise sigma={sigma:g}: no convergence to x*; E[x_k]-x* contracts "
        f"at {rho:.6g} per step, E|x_k-x*|^2 -> {level:.6g} (exact for quadratics); compare "
        "error levels, not rates"
    )
    average = str(hyper.get("average", "none")).lower()
    if average == "polyak":
        c = polyak_ruppert_error(lam, sigma)
        details["polyak_ruppert_constant"] = c
        notes.append(
            f"x_avg (Polyak-Ruppert): E|xbar_k-x*|^2 ~ tr(H^-1 S H^-1)/k = {c:.6g}/k "
            "(Polyak & Juditsky 1992), independent of lr and momentum; the path holds the raw "
            "iterates"
        )
    elif average == "ema" and b == 0.0:
        d = float(hyper.get("ema_decay", 0.9))
        details["ema_stationary_error"] = ema_stationary_error(lam, step, sigma, d)
        notes.append(f"x_avg (EMA, decay {d:g}): E|xbar-x*|^2 -> "
                     f"{details['ema_stationary_error']:.6g}")
    basis = "sum lr*sigma^2/(lambda*(2-lr*lambda))" if b == 0.0 else "Lyapunov P[0,0]"
    return Prediction("none", None, None, basis, True, notes, True, error_level=level,
                      details=details, **common)


# ---- Newton ----------------------------------------------------------------------------------


def _predict_newton(hyper: dict[str, Any], lam: NDArray, extra: dict[str, Any]) -> Prediction:
    eta = float(hyper.get("damping", 1.0) or 1.0)
    ls = _line_search(hyper, "wolfe")
    mod = str(hyper.get("modification", "shift") or "none").lower()
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    notes: list[str] = []
    if "line_search" not in hyper or "modification" not in hyper:
        notes.append(
            f"assumed line_search={ls or 'none'}, modification={mod} (defaults) where not given"
        )
    if ls is not None:
        notes.append(
            f"the {ls} search starts from damping={eta:g}; the accepted step follows from the "
            "homogeneous model along the Newton direction (newton_accepted_step)"
        )
    common = dict(line_search=ls, fixed_step=ls is None)
    if np.any(lam < 0) and not np.any(zero):
        return _predict_newton_saddle(lam, eta, ls, mod, notes, extra, common)
    if np.any(zero):
        return _predict_newton_degenerate(lam, zero, eta, ls, hyper, mod, notes, extra, common)
    step = newton_accepted_step(eta, ls, c1=float(hyper.get("c1", 1e-4)),
                                c2=float(hyper.get("c2", 0.9)),
                                shrink=float(hyper.get("shrink", 0.5)))
    if step is None:
        notes.append("the trial step is rejected and the zoom phase picks the step: no rate")
        return Prediction("linear", None, 1.0, "zoom", False, notes, True, **common)
    if step == 1.0 and extra.get("quadratic"):
        notes.append("f is quadratic: the Newton step x - H^-1 grad f(x) is its exact minimizer, "
                     "reached in one step (N&W §3.3: Newton's model is f itself)")
        return Prediction("finite", None, None, "x_1 = x0 - H^-1 g = x*", True, notes, True,
                          finite_steps=1, oscillating=False, **common)
    if step == 1.0 and extra.get("third_derivative_zero"):
        notes.append("nondegenerate minimizer, unit step, vanishing third derivatives: "
                     "e_(k+1) = H^-1 (T4[e,e,e]/3 ...) = O(|e_k|^3), cubic convergence")
        return Prediction("superlinear", None, 3.0, "e_{k+1} = O(|e_k|^3)", True, notes, True,
                          oscillating=False, **common)
    if step == 1.0:
        notes.append("nondegenerate minimizer, unit step: quadratic convergence (N&W Thm 3.5)")
        return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True, notes, True,
                          oscillating=False, **common)
    rate = newton_damped_rate(step)
    notes.append(f"step {step:g}: e_(k+1) = (1-step) e_k, rate |1-step| (damped Newton)")
    kind = "linear" if rate < 1 else "diverges"
    return Prediction(kind, rate, 1.0 if rate < 1 else None, "|1-damping|", True, notes,
                      rate < 1, oscillating=step > 1, details={"step": step}, **common)


def _predict_newton_saddle(
    lam: NDArray, eta: float, ls: str | None, mod: str, notes: list[str],
    extra: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    if mod == "none":
        notes.append(
            "pure Newton is attracted to any nondegenerate critical point, saddles included "
            "(with a line search an ascent direction may be rejected instead)"
        )
        if ls is None and eta == 1.0 and extra.get("quadratic"):
            notes.append("f is quadratic: the unit Newton step lands on its critical point")
            return Prediction("finite", None, None, "x_1 = x0 - H^-1 g = x*", True, notes, True,
                              finite_steps=1, **common)
        if ls is None and eta == 1.0:
            return Prediction("quadratic", None, 2.0, "e_{k+1} = O(|e_k|^2)", True, notes, True,
                              **common)
        if ls is None:
            r = newton_damped_rate(eta)
            return Prediction("linear" if r < 1 else "diverges", r, 1.0, "|1-damping|", True,
                              notes, r < 1, **common)
        return Prediction("none", None, None, "none", False, notes, True, **common)
    if mod == "saddle-free" and ls is None:
        notes.append(
            "saddle-free Newton (|H|^-1): along negative curvature e <- (1+damping) e: escapes"
        )
        return Prediction("diverges", 1.0 + eta, None, "1+damping", True, notes, False, **common)
    notes.append(
        f"modification={mod} turns negative curvature into descent: the iterates leave the "
        "saddle; the growth factor depends on the shift / line search"
    )
    return Prediction("diverges", None, None, mod, False, notes, False, **common)


def _predict_newton_degenerate(
    lam: NDArray, zero: NDArray, eta: float, ls: str | None, hyper: dict[str, Any], mod: str,
    notes: list[str], extra: dict[str, Any], common: dict[str, Any],
) -> Prediction:
    p = _leading_order(extra)
    if mod == "shift":
        notes.append("shift: tau = 0 while the Hessian at the iterates is positive definite "
                     "(true near a strict minimizer such as x^p), so the step is Newton's")
    elif mod == "saddle-free":
        notes.append("saddle-free floors |lambda| at 1e-8 max(1, max|lambda|): once the "
                     "degenerate curvature drops below it the steps shrink (slower than linear)")
    if np.any(lam < 0):
        notes.append("degenerate point with negative curvature: no rate promised")
        return Prediction("none", None, None, "none", False, notes, True, degenerate=True,
                          **common)
    if p is None:
        notes.append(
            "degenerate minimizer: Newton is linear with rate |1-step/(p-1)| where p is the "
            "leading order along the degenerate direction; pass extra={'leading_order': p}"
        )
        return Prediction("linear", None, 1.0, "|1-damping/(p-1)|", False, notes, True,
                          degenerate=True, **common)
    step = newton_accepted_step(eta, ls, p=p, c1=float(hyper.get("c1", 1e-4)),
                                c2=float(hyper.get("c2", 0.9)),
                                shrink=float(hyper.get("shrink", 0.5)))
    if step is None:
        notes.append("the trial step is rejected and the zoom phase picks the step: no rate")
        return Prediction("linear", None, 1.0, "zoom", False, notes, True, degenerate=True,
                          **common)
    rate = newton_degenerate_rate(p, step)
    if np.any(~zero) and step != 1.0:
        rate = max(rate, newton_damped_rate(step))
    notes.append(
        f"degenerate minimizer with leading order p={p}: x_(k+1) = x_k (1 - step/(p-1)) along "
        f"the degenerate direction (step {step:g}), rate {rate:.6g} ((p-2)/(p-1) for step 1)"
    )
    return Prediction("linear", rate, 1.0, "|1-damping/(p-1)|", True, notes, True,
                      degenerate=True, oscillating=step > p - 1, details={"step": step},
                      **common)


# ---- CG, BFGS, L-BFGS -----------------------------------------------------------------------


def _predict_cg(hyper: dict[str, Any], lam: NDArray, extra: dict[str, Any]) -> Prediction:
    variant = str(hyper.get("variant", "pr+")).lower()
    linear = variant == "linear"
    ls = None if linear else _line_search(hyper, "wolfe")
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    common = dict(line_search=ls, fixed_step=False)
    if np.any(lam <= 0) or np.any(zero):
        notes = ["CG theory needs a positive definite Hessian: no rate promised here"]
        return Prediction("none", None, None, "none", False, notes, True,
                          degenerate=bool(np.any(zero)), **common)
    m = cg_termination_steps(lam)
    if linear and extra.get("quadratic"):
        notes = [f"linear CG on a quadratic reaches x* in at most {m} steps, the number of "
                 "distinct Hessian eigenvalues (N&W Thm 5.4; fewer when x0 - x* lacks some "
                 "eigen-components)"]
        return Prediction("finite", None, None, "distinct eigenvalues of H", False, notes,
                          True, finite_steps=m, **common)
    if linear:
        notes = ["linear CG fixes A = Hessian at x0 and minimizes the quadratic model at x0: "
                 f"it reaches x0 - A^-1 grad f(x0) in at most {m} steps, which is not x* on a "
                 "non-quadratic f; no convergence to x* is promised"]
        return Prediction("none", None, None, "none", False, notes, True, **common)
    rate = cg_rate(lam)
    notes = [
        "bound 2((sqrt k-1)/(sqrt k+1))^k on the A-norm error of CG with exact line searches "
        "(N&W Eq. 5.36); the measured rate should not exceed it",
        f"variant {variant} with an inexact ({ls}) line search does not terminate finitely "
        f"even on a quadratic (the {m}-step termination of N&W Thm 5.4 needs exact steps)",
    ]
    if not extra.get("quadratic"):
        notes.append("on a non-quadratic f the bound holds only approximately; with restarts "
                     "every n steps CG is n-step quadratic (N&W §5.2), so faster is consistent")
    return Prediction("linear", rate, 1.0, "(sqrt(kappa)-1)/(sqrt(kappa)+1)", False, notes,
                      True, **common)


def _predict_quasi_newton(
    method: str, hyper: dict[str, Any], lam: NDArray, extra: dict[str, Any]
) -> Prediction:
    ls = _line_search(hyper, "wolfe")
    zero = _zero_mask(lam, float(extra.get("zero_tol", ZERO_TOL)))
    common = dict(line_search=ls, fixed_step=False)
    if np.any(lam <= 0) or np.any(zero):
        notes = [
            f"{method}: convergence theory needs a positive definite Hessian at x*; at a "
            "degenerate or non-minimizing point no rate is promised"
        ]
        return Prediction("none", None, None, "none", False, notes, True,
                          degenerate=bool(np.any(zero)), **common)
    finite = ("a quasi-Newton method terminates in n steps on a quadratic only with exact "
              "line searches (then, from H0 = I, BFGS generates the CG iterates: Nazareth "
              f"1979); the search here is {ls or 'a fixed step'}, so no finite termination is "
              "predicted even there")
    if method == "bfgs":
        notes = [
            "superlinear convergence (Dennis-More characterization; N&W Thm 3.7/6.6) at a "
            "minimizer with Lipschitz Hessian, Wolfe line search trying the unit step first; "
            "no order is predicted (only ratios e_(k+1)/e_k -> 0)",
            finite,
        ]
        return Prediction("superlinear", None, None, "Dennis-More", False, notes, True,
                          **common)
    memory = int(hyper.get("memory", 10) or 10)
    notes = [
        f"L-BFGS (memory {memory}, n = {lam.size}): what is proved is R-linear convergence on "
        "uniformly convex functions (Liu & Nocedal 1989, Thm 7.1; N&W §7.2), with a constant "
        "not computable from the spectrum: a linear bound without a rate and no order",
        "the matrix is rebuilt each step from H0 = gamma_k I and the last pairs, not the BFGS "
        "sequence, so the Dennis-More superlinear theorem does not carry over; superlinear "
        "runs (common when memory >= n) are faster than the bound and agree",
        finite,
    ]
    return Prediction("linear", None, None, "Liu-Nocedal R-linear", False, notes, True,
                      **common)


# ---- minimizers on a kink (subgradient theory) ----------------------------------------------


def subgradient_band(lr: float, G: float, momentum: float = 0.0) -> float:
    """Predicted diameter ``2 lr G / (1 - momentum)`` of the band a constant-step subgradient
    method settles in around a kink minimizer.

    Near the kink every step has length ``lr |g|`` with ``|g| <= G`` (G bounds the gradients of
    the smooth pieces meeting at x*); an iterate on either side of the kink got there by one
    step from the other side, so the limit set lies within ``lr G`` of the kink on each side:
    diameter ``<= 2 lr G``. Heavy ball / Nesterov settle to the effective step
    ``lr/(1 - momentum)`` (the velocity sums a geometric series of bounded gradients). The
    classical form of the same fact: ``min_j f(x_j) - f* <= (|x0 - x*|^2 + lr^2 G^2 k)/(2 lr k)
    -> lr G^2/2`` (Nesterov 2018 §3.2.3; Boyd & Mutapcic, *Subgradient methods*, §3).
    """
    return 2.0 * float(lr) * float(G) / (1.0 - float(momentum))


_KINK_NOTE = ("x* is a kink of f (f is not differentiable there): subgradient theory applies, "
              "not the Hessian-based rates")


def predict_kink(method: str, hyper: Mapping[str, Any], G: float) -> Prediction:
    """Predicted behaviour of ``method`` at a minimizer on a kink of f (subgradient theory).

    ``G``: a bound on the gradient norms of the pieces of f near x* (the largest subgradient
    norm). First-order methods with a fixed step are subgradient methods there: the iterates do
    not converge but settle in a band of diameter :func:`subgradient_band` (kind ``bounded``,
    a bound: ``exact=False``). With ``lr_k = lr/(1 + gamma k)^p`` (``0 < p <= 1``, sum of steps
    infinite) they converge: ``min_j f(x_j) - f* = O(1/sqrt k)`` for ``p = 1/2`` (Shor 1985;
    Nesterov 2018 Thm 3.2.2) and, at a sharp minimizer (``f - f* >= alpha |x - x*|``), every
    iterate past the kink stays within one step ``lr_k G`` of it: ``|e_k| = O(k^-p)`` (kind
    ``sublinear``, exponent p, a bound). Newton, CG, (L-)BFGS and coordinate descent assume f
    twice differentiable at x*, and the adaptive methods have no theory here: kind ``none``.
    """
    method = str(method).lower()
    hyper = dict(hyper)
    notes = [_KINK_NOTE]
    common = dict(fixed_step=True)
    if method in ADAPTIVE or method not in FIRST_ORDER:
        what = ("has no convergence theory at a kink" if method in ADAPTIVE else
                "rests on f being twice differentiable at x* (Hessian model, curvature "
                "condition of the line search): no rate is promised at a kink")
        return Prediction("none", None, None, "none", False, notes, True,
                          reason=f"{method} {what}", fixed_step=method in ADAPTIVE)
    b = float(hyper.get("momentum", 0.0 if method in ("gd", "sgd") else 0.9) or 0.0)
    damp = float(hyper.get("dampening", 0.0) or 0.0)
    if float(hyper.get("noise", 0.0) or 0.0) > 0 or hyper.get("batch_size") is not None:
        return Prediction("none", None, None, "none", False, notes, True, stochastic=True,
                          reason="stochastic subgradients at a kink: no rate is compared")
    if float(hyper.get("weight_decay", 0.0) or 0.0):
        return Prediction("none", None, None, "none", False, notes, True,
                          reason="weight decay moves the minimizer off the kink x*")
    if _line_search(hyper, None) is not None:
        return Prediction("none", None, None, "none", False, notes, True, fixed_step=False,
                          reason="a line search at a kink has no rate theory (the Armijo "
                                 "steps shrink to zero near x*)")
    lr = _flt(hyper, "lr")
    sched = schedule_asymptotics({**hyper, "lr": lr})
    if sched.note:
        notes.append(sched.note)
    common["valid_from"] = sched.valid_from
    details: dict[str, Any] = {"G": float(G)}
    if sched.regime == "constant":
        step = sched.lr_final * (1.0 - damp)
        band = subgradient_band(step, G, b)
        details["lr_used"] = sched.lr_final
        notes.append(
            f"constant step: the iterates settle in a band of diameter <= 2 lr G/(1-m) = "
            f"{band:.3g} around x* (G = {G:.4g}, the largest gradient norm of the pieces "
            "near x*); they converge only if an iterate lands exactly on the kink"
        )
        return Prediction("bounded", None, None, "2*lr*G/(1-m)", False, notes, True,
                          band=band, details=details, **common)
    if sched.regime == "inverse_time":
        p = float(sched.power)
        notes.append(
            f"diminishing steps lr_k = lr/(1+gamma k)^{p:g} with a divergent sum: "
            "min_j f(x_j) - f* = O(1/sqrt k) for p = 1/2 (Nesterov 2018 Thm 3.2.2); at a "
            f"sharp kink every iterate stays within one step lr_k G of x*: |e_k| = O(k^-{p:g}) "
            "(smooth directions of f may be slower for p = 1)"
        )
        return Prediction("sublinear", None, None, "lr_k*G", False, notes, True, exponent=p,
                          details=details, **common)
    return Prediction("none", None, None, "none", False, notes, True, details=details,
                      reason="the steps are summable: the iterates stop at a finite distance "
                             "from x*", **common)


# ---- coordinate descent ---------------------------------------------------------------------


def _predict_coordinate(
    hyper: dict[str, Any], lam: NDArray, hessian: ArrayLike | None, extra: dict[str, Any]
) -> Prediction:
    order = str(hyper.get("order", hyper.get("selection", "cyclic")) or "cyclic").lower()
    update = str(hyper.get("update", "newton")).lower()
    exact_min = update != "gradient"
    lr = None if exact_min else _flt(hyper, "lr")
    per_coordinate = str(extra.get("iteration", "sweep")).lower().startswith("coord")
    n = lam.size if hessian is None else int(np.shape(hessian)[0])
    notes: list[str] = []
    common = dict(fixed_step=not exact_min)
    if np.any(lam <= 0):
        notes.append("coordinate descent rates need a positive definite Hessian")
        return Prediction("none", None, None, "none", False, notes, True,
                          degenerate=bool(np.any(_zero_mask(lam))), **common)
    unit = "coordinate update" if per_coordinate else f"sweep of {n} coordinate updates"
    if exact_min:
        notes.append("update=newton: exact 1-D minimization per coordinate on the local "
                     "quadratic model")
    if order == "random":
        L_max = (float(np.max(np.diag(np.asarray(hessian, float)))) if hessian is not None
                 else float(lam[-1]))
        c, r = random_coordinate_rate(lam, n, L_max, lr)
        rate = r if per_coordinate else r**n
        notes.append(
            f"randomized coordinate descent: E[f-f*] factor <= {c:.6g} per update (Nesterov "
            f"2012: 1-mu/(n L_max) for exact steps), |e| factor <= its sqrt; rate per {unit}"
        )
        if hessian is None:
            notes.append("L_max bounded by L (no Hessian given): a looser bound")
        return Prediction("linear", rate, 1.0, "sqrt(1-mu/(n*L_max))", False, notes, True,
                          **common)
    if order == "shuffle":
        notes.append("random reshuffling: no closed-form rate (each sweep's matrix depends on "
                     "the permutation); linear convergence on strongly convex quadratics")
        return Prediction("linear", None, 1.0, "none", False, notes, True, **common)
    if hessian is None:
        notes.append("cyclic coordinate descent is not rotation invariant: pass hessian=")
        return Prediction("linear", None, 1.0, "rho(-(D+L)^-1 U)", False, notes, True, **common)
    if exact_min:
        M = gauss_seidel_matrix(hessian)
        basis = "rho(-(D+L)^-1 U)"
        notes.append("exact cyclic coordinate minimization = Gauss-Seidel on H e = 0")
    else:
        M = coordinate_gradient_matrix(hessian, float(lr))
        basis = "rho((I+lr*L)^-1 (I-lr*(D+U)))"
        notes.append("cyclic coordinate gradient steps of size lr (SOR-like sweep)")
    rho = spectral_radius(M)
    if exact_min and order == "cyclic" and extra.get("quadratic") and rho <= 1e-15:
        notes.append("the Hessian of the quadratic is diagonal: each coordinate is minimized "
                     "exactly once, so one sweep reaches x* (Gauss-Seidel matrix 0)")
        return Prediction("finite", 0.0, None, basis, True, notes, True, finite_steps=1,
                          **common)
    rate = rho ** (1.0 / n) if per_coordinate else rho
    if per_coordinate:
        notes.append("per coordinate update: geometric mean rho^(1/n) over a sweep")
    kind = "linear" if rho < 1 else "diverges"
    return Prediction(kind, rate, 1.0 if rho < 1 else None, basis, True, notes, rho < 1,
                      **common)


# ---- adaptive methods -----------------------------------------------------------------------


_ADAPTIVE_NOTES = {
    "adam": (
        "Adam: Kingma & Ba's convex regret bound has a flaw (Reddi, Kale & Kumar 2018: Adam can "
        "fail to converge; AMSGrad repairs the proof); with constant lr no linear rate is "
        "promised. Near a minimizer the step lr*m_hat/(sqrt(v_hat)+eps) does not shrink in "
        "proportion to the gradient (v_hat has memory 1/(1-beta2)), so the iterates typically "
        "oscillate in an O(lr) neighbourhood."
    ),
    "adagrad": (
        "AdaGrad: O(sqrt T) regret for online convex problems (Duchi, Hazan & Singer 2011), "
        "O(1/sqrt k) for averaged iterates; on a strongly convex deterministic problem the "
        "accumulator G converges and AdaGrad becomes GD with the diagonal preconditioner "
        "lr/(sqrt(G_inf)+eps): linear, but G_inf depends on the trajectory (no a-priori rate; "
        "pass extra={'accumulator': G} for the a-posteriori rate)."
    ),
    "rmsprop": (
        "RMSProp (Tieleman & Hinton 2012): no convergence guarantee; as gradients shrink, v "
        "forgets them and the effective step lr/(sqrt v+eps) grows, so constant-lr runs hover "
        "in an O(lr) neighbourhood of the minimizer."
    ),
    "adadelta": (
        "AdaDelta (Zeiler 2012): no convergence rate is promised; the step is the ratio of two "
        "running RMS values and need not shrink near the minimizer."
    ),
}


def _predict_adaptive(
    method: str, hyper: dict[str, Any], lam: NDArray, hessian: ArrayLike | None,
    extra: dict[str, Any],
) -> Prediction:
    h = _adaptive_hyper(method, hyper)
    notes = [_ADAPTIVE_NOTES["adam" if method == "adamw" else method]]
    details: dict[str, Any] = {}
    if method == "adamw":
        notes.append("AdamW: decoupled weight decay moves the fixed point away from x*")
    if method in ("adam", "adamw"):
        thr = adam_eps_regime_threshold(h, method)
        details["eps_regime_lambda_threshold"] = thr
        notes.append(
            "comparable: first step -lr*g/(|g|+eps) ~ -lr*sign(g) per coordinate; if "
            "sqrt(v_hat) << eps Adam is heavy ball with step lr(1-beta1)/eps, stable only for "
            f"lambda < 2(1+beta1)eps/(lr(1-beta1)) = {thr:.3g}"
        )
    elif method == "rmsprop":
        notes.append("comparable: first step -lr*g/(sqrt((1-alpha)g^2)+eps) ~ -lr/sqrt(1-alpha)")
    elif method == "adagrad":
        notes.append("comparable: first step -lr*g/(sqrt(g^2)+eps) ~ -lr*sign(g)")
    if extra.get("grad0") is not None:
        details["first_step"] = adaptive_first_step(method, extra["grad0"], h, extra.get("x0"))
    acc = extra.get("accumulator")
    if method == "adagrad" and acc is not None and np.all(lam > 0):
        steps = adaptive_effective_lr(method, h, acc)
        if hessian is None and lam.size != 1:
            notes.append("a-posteriori AdaGrad rate needs the full Hessian (hessian=)")
        else:
            H = np.diag(lam) if hessian is None else np.asarray(hessian, float)
            rate = preconditioned_gd_rate(H, steps)
            details["effective_lr"] = steps
            notes.append("a-posteriori: rho(I - diag(lr/(sqrt(G)+eps)) H) with the run's G")
            return Prediction("linear" if rate < 1 else "diverges", rate, 1.0,
                              "rho(I-diag(lr/(sqrt(G)+eps))H)", True, notes, rate < 1,
                              details=details)
    why = {"adagrad": "AdaGrad's rate depends on the accumulator the run builds up (no "
                      "a-priori rate; Duchi, Hazan & Singer 2011 bound regret only)",
           "rmsprop": "RMSProp has no convergence guarantee (Tieleman & Hinton 2012)",
           "adadelta": "AdaDelta promises no convergence rate (Zeiler 2012)"}.get(
        method, f"{method} with a constant lr promises no rate (Reddi, Kale & Kumar 2018: Adam "
                "can fail to converge)")
    return Prediction("none", None, None, "none", False, notes, True, details=details,
                      fixed_step=False, reason=why)
