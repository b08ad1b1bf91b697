r"""The method registry: one module per method, collected here by one line each.

Everything that names, lists or describes methods (the driver, the command line's flags and
help, :mod:`optimizers.methods`, theory's dispatch, sweeps and reports) reads this registry and
nothing else.

Contract of a method module ``optimizers/algorithms/<module>.py``
=================================================================

1. **Docstring**: the update rule, torch.optim / optax style (the formula, the state, the
   defaults and where they come from).

2. **Spec** — a module-level ``SPEC = method(name, family, engine, formula, hypers, ...)``
   (:func:`optimizers.spec.method`, a :class:`optimizers.spec.MethodSpec`):

   ``name``           the user's name (``"trust-ncg"``); unique.
   ``family``         theory's dispatch key: ``first-order``, ``adaptive``, ``newton``, ``cg``,
                      ``quasi-newton``, ``coordinate``, ``trust-region``, ``least-squares`` (a
                      new family needs its predictor in ``analysis.theory`` or ``theory=False``).
   ``engine``         ``"per-start"`` (one start after the other, any step) or ``"lockstep"``
                      (first-order rules applied coordinate-wise to a block of starts);
                      ``per_start_when=(hyper, values)`` moves a lock-step method to the
                      per-start engine (gd with a line search).
   ``formula``        one line for tables and ``--help``; ``doc=`` one more line of help.
   ``hypers``         list of :class:`optimizers.spec.Hyper`, defined **once**, in the module
                      (its own) or taken from :mod:`optimizers.spec` (shared groups ``lr``,
                      ``schedule``, ``average``, ``weight_decay``, ``stochastic``,
                      ``line_search``): ``hfloat/hint/hbool/hchoice(name, default, [choices,]
                      help, low, high, open_low=, open_high=, optional=, when=(hyper, values),
                      slot=, codes=)``.  ``slot`` is its index in the float array ``hp`` the
                      step reads; a method's own hyperparameters take the private slots
                      ``L.OWN + 0 … L.OWN + L.NOWN − 1`` (:mod:`optimizers._layout`; every
                      method may use them, one run has one method) unless they already have a
                      named slot there.  Choices are stored as ``codes[value]`` (default: the
                      index in ``choices``), bools as 0/1, ``None`` as 0.
   ``maxiter``        default iteration cap (``FIRST_ORDER_MAXITER`` 1000 or
                      ``NEWTON_TYPE_MAXITER`` 200).
   ``needs_hessian``  bool or ``(hyper, values)``: the Hessian kernel ``h`` is compiled and
                      passed only then (otherwise ``h`` fills H with NaN).
   ``matrix_kernel``  a function of the module, ``(expr, variables, data_symbols) ->
                      {(i, j): entry}`` (i ≤ j, SymPy expressions), giving from the formula
                      the n × n matrix passed as ``h`` in place of the Hessian (or raising
                      ``InputError`` with the reason the formula has none); the kernel layer
                      compiles and caches it like the Hessian.
   ``state``          the named state layout (below); ``matrices_when=(hyper, values)``
                      allocates its n × n matrices only under that condition.
   ``stall_test_off`` ``True`` or ``(hyper, values)``: an iteration that leaves x unchanged
                      is not reported as ``stalled`` (randomly drawn coordinates, a rejected
                      trust-region step).
   ``label``          the name documents print (``"L-BFGS"``; tables and prose), ``title``
                      the name in words for a first mention (``"limited-memory BFGS"``).
   ``theory``         ``False`` when theory promises nothing for the method (a test checks
                      that every other method has a predictor in ``analysis.theory``).

3. **Named state** — ``STATE = state(vectors=(...), matrices=(...), history=(...),
   history_scalars=(...), floats=(...), ints=(...))`` (:func:`optimizers.spec.state`), passed
   as ``SPEC``'s ``state=``.  ``STATE.v.s`` is the row of vector ``s`` in ``W.v``; ``STATE.m``,
   ``.t``, ``.q``, ``.f``, ``.i`` likewise index ``W.m`` (n × n), ``W.t`` (memory × n),
   ``W.q`` (memory), ``W.f`` (floats), ``W.i`` (int64): views into the start's workspace
   (:mod:`optimizers.workspace`).  The engine zeroes ``W.f`` and ``W.i`` before every start;
   vectors, matrices and history keep the previous start's values (one workspace per chunk
   of starts; zeroing n × n matrices per start would cost more than some runs), so the step
   initialises what it reads at ``k == 0``.  ``memory`` is ``hp[L.MEMORY]`` (1 if unused).

4. **Step** — a plain Python function ``step`` (the engine compiles it with the shared JIT
   options of :mod:`landscape.jit` and the signature ``engine.STEP_SIG``, and passes it to
   the per-start engine as a first-class function, as the objective's kernels are)::

       step(fg, h, D, hp, k, fx, F, I) -> (rc, fn)
           x, gx, xn, gn, W, cnt = unpack(F, I)      # its first line

   ``F`` (float64) and ``I`` (int64) are the start's workspace and :func:`workspace.unpack`
   (bound by ``link()``) its named views, made without a copy: a call through a function
   pointer passes every array as its whole descriptor (7 machine words for a vector), so the
   step takes two arrays instead of twelve (about 130 words pushed per iteration before).

   ``fg(x, D, g) -> f`` value and gradient in one call (``g`` written), ``h(x, D, H)`` the
   Hessian, ``D`` the data matrix, ``hp`` the hyperparameters (by slot), ``k`` the iteration
   (0 = first of this start), ``x, fx, gx`` the current point, value and gradient
   (read-only), ``xn, gn`` where the step writes the new point and its gradient, returning
   ``fn = f(xn)``; ``W`` the named state (:data:`workspace.Work`: ``v, m, t, q, f, i`` as in
   3., ``perm`` an int64 n-vector, ``rng`` the start's random stream, uint64[1], see
   :mod:`optimizers.rng`); ``cnt`` int64[3] = evaluations of f, ∇f, ∇²f, incremented by the
   step for every kernel call (an ``fg`` call counts 1 and 1).  ``rc``: 0 = a step was
   taken; ``L.D_LS_FAILED`` = no step met the line-search conditions (``xn`` holds the best
   point seen); ``L.D_LS_NOT_DESCENT`` = not a descent direction; any other ``L.D_*`` code
   (``D_SINGULAR``, ``D_NEG_CURVATURE``, ...) = stalled.  The step decides nothing else:
   stopping tests, divergence checks, averaging, recording and results are the engine's,
   written once.  The step allocates no array: it is compiled without reference counting
   (``landscape.jit.BORROW``; an allocation fails to compile), its arrays are the engine's
   and its scratch is ``W``.  Reading ``SPEC`` must import neither Numba nor NumPy, so the
   module's own helpers are plain functions too, named in ``KERNELS = ("helper", ...)``
   (compiled in place before the step with ``landscape.jit.INLINE``: inlined into the step,
   so that passing arrays to them costs no call), and helpers from other modules (line
   search, Cholesky in ``landscape.linalg``) are bound by a module function ``link()``
   (``global name; from … import name``), called by the engine before compiling.  A helper
   taken from another method module (``trust-exact`` uses ``trust-ncg``'s trust-region trial)
   is one of that module's ``KERNELS``: the engine prepares that module first and binds the
   compiled helper (:func:`optimizers.engine.prepare`).

   Lock-step modules instead define ``update(k, lr, hp, X, G, S, ncols, XO)``: ``XO ← rule(X,
   G)`` on the first ``ncols`` columns of the (n, chunk) block, state ``S[STATE.v.<name>]``
   (n, chunk) updated in place, and ``init(hp, S)`` (state at k = 0, after zeroing).

5. **Registration** — one line in :data:`MODULES` below (the module's file name).

Adding a method therefore touches one new module and one line here; its theory (a predictor
in ``analysis.theory`` for its family) is the only other addition.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .spec import MethodSpec

#: one line per method module in ``optimizers/algorithms`` (the order of ``--help``)
MODULES = (
    "gd",
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "newton",
    "cg",
    "bfgs",
    "lbfgs",
    "coordinate",
    "trust_ncg",
    "trust_exact",
    "lm",
)

PACKAGE = "optimizers.algorithms"


def module(name: str) -> ModuleType:
    """The module of registry entry ``name`` (a file name of :data:`MODULES`)."""
    return importlib.import_module(f"{PACKAGE}.{name}")


def _load() -> dict[str, MethodSpec]:
    out: dict[str, MethodSpec] = {}
    for mod_name in MODULES:
        spec = module(mod_name).SPEC
        if spec.name in out:
            raise RuntimeError(f"method {spec.name!r} registered twice")
        if spec.module != mod_name:
            object.__setattr__(spec, "module", mod_name)
        out[spec.name] = spec
    return out


#: method name → spec, in registry order
METHODS: dict[str, MethodSpec] = _load()


def spec_module(name: str) -> ModuleType:
    """The module holding method ``name``'s step (``METHODS[name].module``)."""
    return module(METHODS[name].module)


def names(*families: str) -> tuple[str, ...]:
    """Registered methods of the given families, in registry order (all without arguments)."""
    return tuple(n for n, s in METHODS.items() if not families or s.family in families)


def families() -> tuple[str, ...]:
    """The families of the registered methods, in registry order, each once."""
    return tuple(dict.fromkeys(s.family for s in METHODS.values()))


def label(name: str) -> str:
    """How documents print method ``name`` (``"lbfgs"`` → ``"L-BFGS"``); an unregistered
    name is printed as it is."""
    spec = METHODS.get(name)
    return spec.label or spec.name if spec is not None else name


def title(name: str) -> str:
    """Method ``name`` in words, for its first mention (``"gd"`` → ``"gradient descent"``)."""
    spec = METHODS.get(name)
    return spec.title or label(name) if spec is not None else name
