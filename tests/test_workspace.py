"""The per-start workspace: two flat arrays whose named views tile them exactly, and a step
signature that passes few machine words per call."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit, types

from optimizers import _layout as L
from optimizers.engine import STEP_SIG
from optimizers.workspace import HEADER, allocate, unpack

RNG_VALUE = 2**63 + 12345  # above the int64 range: only a uint64 view holds it


@njit
def _fill(F, I, rng_value):
    """Write a different number through every view of the workspace."""
    x, gx, xn, gn, W, cnt = unpack(F, I)
    x[:] = 1.0
    gx[:] = 2.0
    xn[:] = 3.0
    gn[:] = 4.0
    W.v[:] = 5.0
    W.m[:] = 6.0
    W.t[:] = 7.0
    W.q[:] = 8.0
    W.f[:] = 9.0
    cnt[:] = 12
    W.i[:] = 10
    W.perm[:] = 11
    W.rng[0] = rng_value
    return (W.v.shape, W.m.shape, W.t.shape, W.q.shape, W.f.shape, W.i.shape, W.perm.shape,
            x.shape)


def _hp(nv, nm, nt, nq, nf, ni, memory):
    hp = np.zeros(L.NHP)
    hp[L.W_VECTORS], hp[L.W_MATRICES], hp[L.W_HISTORY] = nv, nm, nt
    hp[L.W_HISTORY_SCALARS], hp[L.W_FLOATS], hp[L.W_INTS], hp[L.MEMORY] = nq, nf, ni, memory
    return hp


@pytest.mark.parametrize("n, nv, nm, nt, nq, nf, ni, memory", [
    (3, 4, 1, 0, 0, 0, 1, 1),     # BFGS-like: vectors, one n × n matrix, one int
    (5, 2, 0, 2, 2, 3, 2, 7),     # L-BFGS-like: history tables, no matrix
    (2, 0, 3, 1, 1, 2, 0, 4),     # Newton-like matrices, no vectors
])
def test_the_views_tile_the_workspace_in_order(n, nv, nm, nt, nq, nf, ni, memory):
    F, I = allocate(_hp(nv, nm, nt, nq, nf, ni, memory), n)
    shapes = _fill(F, I, np.uint64(RNG_VALUE))
    p = n if nm else 0
    mats = max(1, nm)
    assert shapes == ((nv, n), (mats, p, p), (nt, memory, n), (nq, memory), (nf,), (ni,), (n,),
                      (n,))
    expect_f = np.concatenate([np.full(n, 1.0), np.full(n, 2.0), np.full(n, 3.0),
                               np.full(n, 4.0), np.full(nv * n, 5.0),
                               np.full(mats * p * p, 6.0), np.full(nt * memory * n, 7.0),
                               np.full(nq * memory, 8.0), np.full(nf, 9.0)])
    np.testing.assert_array_equal(F, expect_f)  # every float written once, none left over
    tail = I[HEADER:]
    np.testing.assert_array_equal(tail[:3], [12, 12, 12])
    assert int(tail[3:4].view(np.uint64)[0]) == RNG_VALUE
    np.testing.assert_array_equal(tail[4:], [10] * ni + [11] * n)


def _words(ty) -> int:
    """Machine words Numba's calling convention passes for an argument of type ``ty``: an
    array's descriptor is meminfo, parent, size, item size, data, then shape and strides."""
    if isinstance(ty, types.Array):
        return 5 + 2 * ty.ndim
    if isinstance(ty, types.BaseTuple):
        return sum(_words(t) for t in ty.types)
    if isinstance(ty, types.FunctionType):
        return 3
    return 1


def test_a_step_call_passes_few_words():
    # twelve arrays (x, gx, xn, gn, cnt and the eight of the named state) took 127 words; now 38
    assert _words(types.Tuple(STEP_SIG.args)) <= 40
