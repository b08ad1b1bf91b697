"""Defaults of the analysis that ``landscape ... --help`` shows, in a module that imports
nothing heavy (no NumPy, SymPy or Numba), so that listing them costs no start-up time."""

#: the box used when none is given: ``-5:5`` in every variable
DEFAULT_HALF_WIDTH = 5.0

#: ‖∇f‖ below which a region of the box counts as a vanishing gradient
VANISHING_THRESHOLD = 1e-3

#: methods of ``landscape report`` when none are given
REPORT_METHODS = ("gd", "momentum", "nesterov", "adam", "newton", "bfgs", "lbfgs", "cg")

#: seed of the drawn start points (``run``, ``rates``) and of a report's default start
SEED = 0
