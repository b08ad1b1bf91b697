"""Fuzzing the Python API with hostile symbol names, expressions and arguments.

The command line has its corpus (``tests/test_hostile.py``) and its pipeline fuzzer
(``tests/test_fuzz_pipeline.py``); this is the same discipline for Python callers:
:class:`~landscape.objective.Objective`, :meth:`Objective.from_expr`,
:func:`optimizers.minimize` and :func:`optimizers.minimize_batch`.

Symbol names are drawn from a list of attacks (code that would create a canary file if it
ever ran, names of the generated code's own locals and imports, Python keywords, control,
full-width and zero-width characters) and from arbitrary text.  Whatever the input, a call
returns or raises one of the project's documented errors (:class:`LandscapeError`), and the
canary file is never created.  When a hostile name is a *variable*, the objective must work
and give the right numbers: f = v² + 3v at v = 1.5 is 6.75 and f′ = 2v + 3 = 6.

``make test`` runs a small campaign (every new formula compiles kernels, 0.3-1 s each);
``make fuzz`` runs the ``slow`` one with ``LANDSCAPE_FUZZ_EXAMPLES`` examples.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscape.errors import LandscapeError
from landscape.objective import Objective
from optimizers import minimize, minimize_batch

ENV_EXAMPLES = int(os.environ.get("LANDSCAPE_FUZZ_EXAMPLES", "0") or 0)
CANARY = Path(os.environ.get("TMPDIR", "/tmp")) / f"landscape-api-canary-{os.getpid()}"


def _settings(examples: int) -> settings:
    return settings(max_examples=max(1, examples), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def _attacks(canary: Path) -> list[str]:
    touch = f"__import__('os').system('touch {canary}')"
    return [
        f"1.0\n    return _f\nimport os; os.system('touch {canary}')\ndef _g():\n    return 1",
        f"0)\nimport os\nos.system('touch {canary}')\n(",
        touch, f"{touch} or x", f"x; {touch}", f"lambda: {touch}", f"f'{{{touch}}}'",
        f"exec(\"open('{canary}', 'w')\")", f"\n{touch}\n", f"# \n{touch}",
        "mpf", "mpmath", "math", "np", "numpy", "numba", "njit", "_f", "_g", "out", "x", "X",
        "D", "G", "i", "n", "self", "sqrt", "exp", "sin", "Float", "Integer", "pi", "E", "I",
        "oo", "nan", "inf", "True", "None", "lambda", "def", "return", "import", "class",
        "__builtins__", "__import__", "exec", "eval", "open", "print", "1x", "x[0]", "x.y",
        "a b", "", " ", "\t", "\x00", "\u200b", "\uff58", "\u0445", "\u2028", "x\u0301",
        "\U0001d465", "ｘ", "é", "_" * 300, "a" * 5000, "'", '"', "\\", "{", "}", "%s", "$x",
    ]


ATTACKS = _attacks(CANARY)
NAMES = st.one_of(st.sampled_from(ATTACKS), st.text(min_size=0, max_size=40))
METHODS = ["gd", "momentum", "adam", "bfgs", "lbfgs", "newton", "cg", "coordinate"]


@pytest.fixture(autouse=True)
def _no_canary():
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "a hostile name was executed"


def _expect_documented(call):
    """Run ``call``; only the project's errors may escape.  Returns the result or None."""
    try:
        return call()
    except LandscapeError:
        return None


def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _check_variable_objective(obj: Objective) -> None:
    """f = v² + 3v: f(1.5) = 6.75, f′(1.5) = 6, and GD from 1.5 reaches v* = −1.5."""
    assert math.isclose(obj.compiled.value([1.5]), 6.75, rel_tol=1e-12)
    np.testing.assert_allclose(obj.compiled.gradient([1.5]), [6.0], rtol=1e-12)
    res = minimize(obj, [1.5], "bfgs")
    assert res.success and abs(res.x[0] + 1.5) < 1e-6


def _campaign(examples: int):
    @_settings(examples)
    @given(extra=NAMES, var=NAMES, method=st.sampled_from(METHODS))
    def campaign(extra, var, method):
        v = _symbol(var) if var else _symbol("v")
        # a free symbol that is neither a variable nor data: refused, never printed
        if extra != v.name and extra:
            _expect_documented(lambda: Objective(v**2 + _symbol(extra), [v]).compiled.value(
                [3.0]))
            _expect_documented(lambda: Objective.from_expr(v**2 + _symbol(extra), [v]))
        # a hostile name as the variable: it works
        obj = _expect_documented(lambda: Objective(v**2 + 3 * v, [v]))
        if obj is not None:
            _check_variable_objective(obj)
            _expect_documented(lambda: minimize(obj, [1.5], method, maxiter=5))
            _expect_documented(lambda: minimize_batch(obj, [[1.5], [-4.0]], method, maxiter=5))
        # from_expr with the same name as a string variable
        _expect_documented(lambda: Objective.from_expr(v**2 + 3 * v, [var]))

    return campaign


def test_hostile_symbol_names_run_nothing():
    """Every attack of the list, deterministically: as an extra symbol and as the variable."""
    for name in ATTACKS:
        v = _symbol(name) if name else _symbol("v")
        _expect_documented(lambda v=v, name=name: Objective(
            v**2 + _symbol(name + "_extra"), [v]).compiled.value([3.0]))
        obj = _expect_documented(lambda v=v: Objective(v**2 + 3 * v, [v]))
        if obj is not None:
            _check_variable_objective(obj)


def test_extra_symbol_is_refused_by_the_constructor():
    """The constructor printed a non-variable symbol verbatim into the kernel source."""
    x = _symbol("x")
    bad = _symbol(ATTACKS[0])
    with pytest.raises(LandscapeError):
        Objective(x**2 + bad, [x]).compiled.value([3.0])


@pytest.mark.parametrize("hyper", [
    {"lr": "__import__('os')"}, {"lr": float("nan")}, {"lr": float("inf")}, {"lr": 1e308},
    {"lr": -1}, {"lr": None}, {"lr": [1, 2]}, {"memory": 1e300}, {"memory": 2**64},
    {"memory": "10"}, {"momentum": complex(1, 1)}, {"schedule": "__import__"},
    {"__class__": 1}, {"": 1}, {"lr\n": 0.1}, {"steps": -1}, {"steps": 2**63},
    {"steps": 1.5}, {"steps": float("nan")}, {"maxiter": True}, {"gtol": float("inf")},
    {"gtol": "x"}, {"seed": -1}, {"seed": 2**64}, {"record": 10**30},
])
def test_hostile_arguments_raise_documented_errors(hyper):
    obj = Objective.parse("x**2 + 3*x")
    for method in ("gd", "lbfgs"):
        for call in (lambda method=method: minimize(obj, [1.5], method, **hyper),
                     lambda method=method: minimize_batch(obj, [[1.5], [2.0]], method,
                                                          **hyper)):
            _expect_documented(call)


@pytest.mark.parametrize("X0", [
    [], [[]], [[1.0, 2.0]], [["a"]], [[float("nan")]], [[float("inf")]], [[1e308 * 10]],
    "x", None, [[1j]], np.zeros((0, 1)), np.zeros((2, 1, 1)), [[object()]],
])
def test_hostile_start_points_raise_documented_errors(X0):
    obj = Objective.parse("x**2 + 3*x")
    _expect_documented(lambda: minimize_batch(obj, X0, "gd", maxiter=3))
    _expect_documented(lambda: minimize(obj, X0, "gd", maxiter=3))


def test_fuzz_api_small_campaign():
    _campaign(ENV_EXAMPLES // 20 or 15)()


@pytest.mark.slow
def test_fuzz_api_large_campaign():
    _campaign(ENV_EXAMPLES or 500)()
