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
