"""The counter-based streams: SplitMix64 written out in Python gives the same permutations, and
the epoch permutation compiles inside code without reference counting (the lock-step engine's
minibatch loop) from an empty cache."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from optimizers.rng import epoch_key, epoch_permutation, permutation

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014), in Python integers."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def _fisher_yates(state: int, m: int) -> tuple[list[int], int]:
    out = list(range(m))
    for i in range(m - 1, 0, -1):
        state = (state + GAMMA) & MASK
        u = (_mix(state) >> 11) * 2.0**-53
        r = min(int(u * (i + 1)), i)
        out[i], out[r] = out[r], out[i]
    return out, state


def test_permutations_match_splitmix64_written_out():
    for seed, start, epoch, m in [(0, 0, 0, 7), (12345, 17, 3, 50), (2**40 + 1, 999, 12, 2)]:
        key = int(epoch_key(seed, start, epoch))
        want, end = _fisher_yates(key, m)
        out = np.empty(m, dtype=np.int64)
        epoch_permutation(seed, start, epoch, out)
        assert out.tolist() == want
        state = np.array([key], dtype=np.uint64)
        permutation(state, 0, out)
        assert out.tolist() == want and int(state[0]) == end  # the stream advanced


def test_epoch_permutation_compiles_without_reference_counting_from_an_empty_cache(tmp_path):
    code = (
        "import numpy as np\n"
        "from numba import njit\n"
        "from optimizers.rng import epoch_permutation\n"
        "@njit(_nrt=False)\n"
        "def f(out):\n"
        "    epoch_permutation(1, 2, 3, out)\n"
        "out = np.empty(6, dtype=np.int64)\n"
        "f(out)\n"
        "print(sorted(out.tolist()))\n"
    )
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == str(list(range(6)))
