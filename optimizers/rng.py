"""Counter-based random numbers for reproducible, thread-independent batches.

Every start owns its streams, derived only from ``(seed, global start index)``, never from a
chunk position or a thread id, so a batch gives bit-identical results with any number of
threads and any chunking, and a start gives the same numbers alone as inside a batch.

The generator is SplitMix64 (Steele, Lea & Flood 2014), used as a counter-based generator: a
stream is a 64-bit state advanced by the golden-ratio increment γ and hashed by the
SplitMix64 finaliser ``mix``::

    state ← state + γ;   output = mix(state)
    key(seed, start)        = mix(mix(seed) ⊕ mix(start + 1))
    key(seed, start, epoch) = mix(key(seed, start) ⊕ mix(epoch ⊕ C))   (minibatch permutations)

Uniforms are the top 53 bits, ``u = (z >> 11)·2⁻⁵³ ∈ [0, 1)``; normals come in pairs from the
Box–Muller transform ``√(−2 ln(1−u₁))·(cos 2πu₂, sin 2πu₂)``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from landscape.jit import CACHED

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_EPOCH_SALT = np.uint64(0xD1B54A32D192ED03)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53

@njit(**CACHED)
def mix(z):
    """SplitMix64 finaliser: ``z ← (z ⊕ z≫30)·M₁; z ← (z ⊕ z≫27)·M₂; z ⊕ z≫31`` (uint64)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(**CACHED)
def stream_key(seed, start):
    """Initial state of start ``start``'s stream: ``mix(mix(seed) ⊕ mix(start + 1))``."""
    return mix(mix(np.uint64(seed)) ^ mix(np.uint64(start) + _ONE))


@njit(**CACHED)
def epoch_key(seed, start, epoch):
    """Initial state of the permutation stream of ``(seed, start, epoch)``."""
    return mix(stream_key(seed, start) ^ mix(np.uint64(epoch) ^ _EPOCH_SALT))


@njit(**CACHED)
def next_u64(state, j):
    """Advance ``state[j]`` by γ and return ``mix(state[j])``."""
    s = state[j] + _GAMMA
    state[j] = s
    return mix(s)


@njit(**CACHED)
def uniform(state, j):
    """A uniform double in [0, 1) from ``state[j]``: ``(z ≫ 11)·2⁻⁵³``."""
    return float(next_u64(state, j) >> _S11) * _INV53


@njit(**CACHED)
def normal_pair(state, j):
    """Two independent N(0, 1) draws by Box–Muller from two uniforms of ``state[j]``."""
    u1 = uniform(state, j)
    u2 = uniform(state, j)
    r = math.sqrt(-2.0 * math.log(1.0 - u1))
    t = 2.0 * math.pi * u2
    return r * math.cos(t), r * math.sin(t)


@njit(**CACHED)
def shuffle(s, out):
    """Fisher–Yates shuffle of ``out[:] = 0, 1, …, m−1`` drawing uniforms from the stream
    whose state is ``s`` (as :func:`uniform` does); returns the advanced state.  Takes the
    state as a number, not an array, so that callers compiled without reference counting
    need not allocate one."""
    m = out.shape[0]
    for i in range(m):
        out[i] = i
    for i in range(m - 1, 0, -1):
        s = s + _GAMMA
        r = int(float(mix(s) >> _S11) * _INV53 * (i + 1))
        if r > i:
            r = i
        t = out[i]
        out[i] = out[r]
        out[r] = t
    return s


@njit(**CACHED)
def permutation(state, j, out):
    """Fisher–Yates shuffle of ``out[:] = 0, 1, …, m−1`` with uniforms from ``state[j]``."""
    state[j] = shuffle(state[j], out)


@njit(**CACHED)
def epoch_permutation(seed, start, epoch, out):
    """The order in which start ``start`` visits the data rows in epoch ``epoch``."""
    shuffle(epoch_key(seed, start, epoch), out)
