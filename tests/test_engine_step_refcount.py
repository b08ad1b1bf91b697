"""The per-start engine's step runs without reference counting: no NRT increment or decrement
per iteration (measured cost on 2-D Rosenbrock: about half of a BFGS or Newton iteration),
and a step that allocates is refused at compile time instead of leaking."""

from __future__ import annotations

import re

import pytest
from numba import njit
from numba.core.errors import NumbaError

from landscape.jit import BORROW
from optimizers import registry
from optimizers.engine import STEP_SIG, method_kernel, prepare

_FRESH = {k: v for k, v in BORROW.items() if k != "cache"}  # cached code cannot be inspected


def _step_ir(name: str) -> str:
    """LLVM IR of the body of method ``name``'s step, compiled afresh with the engine's options."""
    disp = njit(**_FRESH)(prepare(registry.spec_module(name)).step)
    disp.compile(STEP_SIG.args)
    ir = disp.inspect_llvm(STEP_SIG.args)
    bodies = [b for b in re.split(r"\n(?=define )", ir)
              if re.match(r"define [^\n]*@_ZN\d+optimizers\w*4stepB", b)]
    assert len(bodies) == 1
    return bodies[0]


@pytest.mark.parametrize("name", ["lbfgs", "newton"])
def test_the_engine_compiles_the_step_without_reference_counting(name):
    assert method_kernel(name, True).targetoptions.get("_nrt") is False
    body = _step_ir(name)
    assert "@NRT_incref" not in body and "@NRT_decref" not in body
    # the same source with reference counting increments its arguments on every call
    counted = njit(**{k: v for k, v in _FRESH.items() if k != "_nrt"})(
        prepare(registry.spec_module(name)).step)
    counted.compile(STEP_SIG.args)
    assert "@NRT_incref" in counted.inspect_llvm(STEP_SIG.args)


def test_a_step_that_allocates_does_not_compile():
    import numpy as np

    from optimizers.workspace import unpack

    def step(fg, h, D, hp, k, fx, F, I):
        x, gx, xn, gn, W, cnt = unpack(F, I)
        tmp = np.empty(x.shape[0])
        for i in range(x.shape[0]):
            tmp[i] = gx[i]
            xn[i] = x[i] - tmp[i]
        return 0, fg(xn, D, gn)

    with pytest.raises(NumbaError, match="empty"):
        njit(**_FRESH)(step).compile(STEP_SIG.args)


def _called(ir: str) -> set[str]:
    """Names of the ``optimizers`` functions an LLVM IR body calls (the last component of
    each mangled ``_ZN<len><name>…`` symbol)."""
    out = set()
    for sym in re.findall(r"call [^\n]*?@_ZN(\w+)", ir):
        parts, i = [], 0
        while i < len(sym) and sym[i].isdigit():
            j = i
            while sym[j].isdigit():
                j += 1
            size = int(sym[i:j])
            parts.append(sym[j:j + size])
            i = j + size
        if parts and parts[0] == "optimizers":
            out.add(parts[-1])
    return out


@pytest.mark.parametrize("name, helpers", [
    ("bfgs", {"sym_matvec", "update_inverse", "line_step", "wolfe", "armijo", "first_alpha"}),
    ("lbfgs", {"two_loop", "line_step", "wolfe", "first_alpha"}),
])
def test_the_step_inlines_its_helpers_and_the_line_search(name, helpers):
    """A compiled call passes each array argument as its whole descriptor (7 words for a
    vector): the step's own helpers and the line search up to the zoom phase are inlined."""
    called = _called(_step_ir(name))
    assert "_zoom" in called  # the zoom phase stays a call (compile time)
    assert not called & helpers


def test_the_shared_linear_algebra_counts_no_references():
    """Newton's step showed NRT increments in a fresh clone's suite: when ``landscape.linalg``
    had been compiled earlier in the same process, LLVM inlined its reference-counted bodies
    into the step.  The factorisations allocate nothing, so they are compiled without
    reference counting, and a fresh compile of each has no count in its IR."""
    import numpy as np

    from landscape import linalg

    A = np.eye(2)
    v = np.ones(2)
    for fn, args in ((linalg.cholesky_index, (A, 0.0, np.zeros((2, 2)))),
                     (linalg.cholesky_solve, (A, v, np.zeros(2))),
                     (linalg.lu_solve, (A, v, np.zeros((2, 2)), np.zeros(2))),
                     (linalg.jacobi_eigh, (A, np.zeros((2, 2)), np.zeros((2, 2)), np.zeros(2)))):
        assert fn.targetoptions.get("_nrt") is False, fn
        fresh = njit(**_FRESH)(fn.py_func)
        fresh(*args)
        ir = "".join(fresh.inspect_llvm().values())
        assert "@NRT_incref" not in ir and "@NRT_decref" not in ir, fn
