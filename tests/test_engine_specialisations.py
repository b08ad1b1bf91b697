"""The compiled library compiles each shared helper once: a literal int argument (``0``) is a
type of its own in Numba and compiles the helper again beside its ``int64`` version."""

from __future__ import annotations

import numpy as np
from numba import njit

from landscape.jit import BORROW
from optimizers import registry, rng
from optimizers.engine import STEP_SIG, _vmin, prepare


def test_coordinate_descent_passes_a_typed_stream_index():
    step = njit(**{k: v for k, v in BORROW.items() if k != "cache"})(
        prepare(registry.spec_module("coordinate")).step)
    step.compile(STEP_SIG.args)
    for helper in (rng.uniform, rng.next_u64):
        assert not [s for s in helper.signatures if "Literal" in str(s)], helper


def test_block_minimum_matches_numpy():
    v = np.random.default_rng(1).uniform(-5.0, 5.0, 37)
    assert _vmin(v) == np.min(v)
    assert _vmin(np.array([np.inf, 3.0])) == 3.0
