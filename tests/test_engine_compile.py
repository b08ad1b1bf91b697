"""The lock-step engine's first compilation compiles each called helper once.

A helper that several places call is compiled as a function of its own (not inlined: an
inlined copy per call site repeats its type inference and lowering), and its callers pass
typed values rather than literals (``np.int64(0)``, not ``0``): a literal argument is a type
of its own, and each one compiles the helper again.  Checked in a fresh process with an empty
Numba cache, where every helper is compiled (a cache hit compiles none)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: helpers of optimizers.engine the lock-step chunk worker calls (each with one signature)
CALLED_ONCE = ("_write_result", "_col_detail", "_eval_col", "_fixed_run", "_fixed_diverged",
               "_close_steps", "_open_cols", "_fo_iterate", "_start_cols", "start_detail")

_PROBE = """
import json
from numba.core.registry import CPUDispatcher
import optimizers.engine as E
E.engines("first_order")
print(json.dumps({k: len(v.signatures) for k, v in vars(E).items()
                  if isinstance(v, CPUDispatcher)}))
"""


@pytest.mark.slow
def test_lock_step_helpers_compile_once(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                          text=True, timeout=900, check=True)
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert {name: counts.get(name, 0) for name in CALLED_ONCE} == dict.fromkeys(CALLED_ONCE, 1)
