"""Options and sizes of ``landscape bench``, importable without NumPy (``--help`` lists them
at no start-up cost); the benchmark itself is :mod:`analysis.bench`."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

#: the benchmark's sections, in the order they run
GROUPS = ("multistart", "first_order", "scaling", "overhead", "latency", "symbolic")


@dataclass(frozen=True)
class Sizes:
    """Problem sizes and repeat counts of one benchmark run (:data:`FULL`, :data:`QUICK`)."""

    name: str
    repeat: int = 3
    #: multi-start runs: starts (ours), starts for SciPy's loop, dimension of the chained case
    starts_2d: int = 10_000
    starts_nd: int = 10_000
    peer_starts_2d: int = 200
    peer_starts_nd: int = 40
    n_chained: int = 20
    multistart_methods: tuple[str, ...] = ("bfgs", "lbfgs", "cg", "newton")
    maxiter: int = 1000
    gtol: float = 1e-6
    #: fixed-step first-order runs
    fo_methods: tuple[str, ...] = ("gd", "momentum", "adam")
    fo_starts_2d: int = 10_000
    fo_starts_nd: int = 10_000
    fo_steps: int = 1000
    #: parallel scaling (per-start BFGS and lock-step GD)
    scaling_starts: int = 100_000
    scaling_steps: int = 200
    #: bare loop vs optimizer
    overhead_starts: int = 10_000
    overhead_steps: int = 1000
    #: fresh-process latency: runs per measurement, chained dimension, cold library build
    latency_repeat: int = 3
    latency_dims: tuple[int, ...] = (2, 20)
    cold_build: bool = True
    #: symbolic scale: chained Rosenbrock dimensions
    symbolic_dims: tuple[int, ...] = (10, 50, 100, 200)


#: the full benchmark (the README table; about 2.5 minutes on 2 cores)
FULL = Sizes("full", repeat=5)
#: ``--quick``: the same rows on smaller batches, no cold library build (well under 2 minutes)
QUICK = Sizes(
    "quick", repeat=3, starts_2d=2_000, starts_nd=300, peer_starts_2d=50, peer_starts_nd=10,
    fo_starts_2d=2_000, fo_starts_nd=1_000, fo_steps=300, scaling_starts=20_000,
    scaling_steps=100, overhead_starts=2_000, overhead_steps=300, latency_repeat=1,
    latency_dims=(2,), cold_build=False, symbolic_dims=(10, 50),
)
#: a smoke-test size for the test suite (every section, seconds of work)
TINY = Sizes(
    "tiny", repeat=1, starts_2d=200, starts_nd=40, peer_starts_2d=20, peer_starts_nd=4,
    n_chained=6, multistart_methods=("bfgs", "newton"), fo_starts_2d=256, fo_starts_nd=128,
    fo_steps=50, scaling_starts=512, scaling_steps=20, overhead_starts=256, overhead_steps=50,
    latency_repeat=1, latency_dims=(2,), cold_build=False, symbolic_dims=(4,),
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``landscape bench``."""
    p.add_argument("--quick", action="store_true",
                   help="smaller batches, no cold library build (under 2 minutes)")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.add_argument("--threads", type=int, default=None,
                   help="Numba threads (default: all)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed repeats per measurement, medians reported (default: "
                        f"{FULL.repeat}, {QUICK.repeat} with --quick)")
    p.add_argument("--only", default=None, metavar="GROUP[,GROUP...]",
                   help=f"run only these sections: {', '.join(GROUPS)} (default: all)")
