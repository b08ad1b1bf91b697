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

Modules: one per family, each registering its predictor with the dispatch —
:mod:`.first_order` (gd, sgd; momentum and Nesterov through :mod:`.momentum`), :mod:`.adaptive`,
:mod:`.newton`, :mod:`.quasi_newton`, :mod:`.cg`, :mod:`.coordinate`, :mod:`.trust_region`,
:mod:`.least_squares` — and the pieces they share: :mod:`.prediction` (:class:`Prediction`),
:mod:`.spectrum`, :mod:`.schedules`, :mod:`.sgd` (additive noise), :mod:`.saddles`,
:mod:`.kink` (subgradient theory, :func:`predict_kink`) and :mod:`.dispatch` (:func:`predict`:
the family comes from the registry, ``optimizers.methods.METHODS[name].family``; see there how
a new family registers its predictor, and :func:`inputs_at`: what a family's predictor needs
measured at the point beyond the Hessian).  Every public name is importable from
``analysis.theory``.
"""

from __future__ import annotations

from . import (
    adaptive,
    cg,
    coordinate,
    first_order,
    least_squares,
    newton,
    quasi_newton,
    trust_region,
)
from .adaptive import (
    adam_eps_regime_threshold,
    adaptive_effective_lr,
    adaptive_first_step,
    preconditioned_gd_rate,
)
from .cg import cg_bound, cg_rate, cg_termination_steps
from .coordinate import (
    coordinate_gradient_matrix,
    coordinate_rate,
    gauss_seidel_matrix,
    random_coordinate_rate,
    spectral_radius,
)
from .dispatch import (
    PREDICTORS,
    Predictor,
    inputs_at,
    method_family,
    predict,
    predictor_for,
    register,
)
from .first_order import (
    ema_stationary_error,
    gd_exact_line_search_rate,
    gd_optimal,
    gd_rate,
    gd_threshold,
)
from .kink import predict_kink, subgradient_band
from .least_squares import gauss_newton_rate, predict_lm
from .momentum import (
    heavy_ball_matrix,
    heavy_ball_radius,
    heavy_ball_stable,
    momentum_radius_grid,
    nesterov_matrix,
    nesterov_optimal,
    nesterov_radius,
    nesterov_stable,
    nesterov_standard,
    polyak_optimal,
)
from .newton import newton_accepted_step, newton_damped_rate, newton_degenerate_rate
from .prediction import Prediction
from .saddles import plateau_crossing_steps, saddle_escape_steps
from .schedules import ScheduleInfo, schedule_asymptotics
from .sgd import (
    minibatch_variance,
    polyak_ruppert_error,
    sgd_decaying_error,
    sgd_mean_square_path,
    sgd_stationary_error,
)
from .spectrum import ZERO_TOL, condition_number
from .trust_region import predict_trust_region

__all__ = [
    "PREDICTORS",
    "Prediction",
    "Predictor",
    "ScheduleInfo",
    "ZERO_TOL",
    "adam_eps_regime_threshold",
    "adaptive_effective_lr",
    "adaptive_first_step",
    "cg_bound",
    "cg_rate",
    "cg_termination_steps",
    "condition_number",
    "coordinate_gradient_matrix",
    "coordinate_rate",
    "ema_stationary_error",
    "method_family",
    "gauss_newton_rate",
    "gauss_seidel_matrix",
    "gd_exact_line_search_rate",
    "gd_optimal",
    "gd_rate",
    "gd_threshold",
    "heavy_ball_matrix",
    "heavy_ball_radius",
    "heavy_ball_stable",
    "inputs_at",
    "minibatch_variance",
    "momentum_radius_grid",
    "nesterov_matrix",
    "nesterov_optimal",
    "nesterov_radius",
    "nesterov_stable",
    "nesterov_standard",
    "newton_accepted_step",
    "newton_damped_rate",
    "newton_degenerate_rate",
    "plateau_crossing_steps",
    "polyak_optimal",
    "polyak_ruppert_error",
    "preconditioned_gd_rate",
    "predict",
    "predict_kink",
    "predict_lm",
    "predict_trust_region",
    "predictor_for",
    "random_coordinate_rate",
    "register",
    "saddle_escape_steps",
    "schedule_asymptotics",
    "sgd_decaying_error",
    "sgd_mean_square_path",
    "sgd_stationary_error",
    "spectral_radius",
    "subgradient_band",
]

#: The family modules, each registering its predictor with :mod:`.dispatch` when imported;
#: a new family's module is added here.
FAMILY_MODULES = (first_order, adaptive, newton, quasi_newton, cg, coordinate, trust_region,
                  least_squares)
