"""``landscape campaign SPEC.toml`` (and ``landscape campaign report DIR``): the command glue.

Imports nothing heavy at parse time: the spec is read when the command runs, Dask only with
``--workers`` or ``--scheduler``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

#: where rows go without -o: campaigns/<spec file name without .toml>
DEFAULT_ROOT = "campaigns"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``landscape campaign``."""
    p.add_argument("spec", metavar="SPEC.toml",
                   help="campaign spec (TOML); or the word 'report' followed by DIR")
    p.add_argument("dir", nargs="?", metavar="DIR", help=argparse.SUPPRESS)
    p.add_argument("-o", "--output", metavar="DIR",
                   help=f"campaign directory: campaign.json and rows/*.parquet (default: "
                        f"{DEFAULT_ROOT}/<spec name>; with 'report DIR': the PDF)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="run on a Dask LocalCluster of N worker processes (default: in "
                            "this process, no cluster)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                            "(default: none)")
    p.add_argument("--warm", action="store_true",
                   help="only compile the spec's kernels and engines into this machine's "
                        "disk cache (warm a node), then exit")


def output_root(spec_path: str, output: str | None) -> Path:
    """``-o DIR``, else campaigns/<spec stem>."""
    if output:
        return Path(output)
    return Path(DEFAULT_ROOT) / Path(spec_path).stem


def cmd_campaign(args: argparse.Namespace, progress_factory) -> int:
    """Run the command; ``progress_factory(args, what, unit, rate)`` is the CLI's bar."""
    from landscape.errors import InputError

    if args.dir is not None:
        raise InputError(f"unexpected argument {args.dir!r} (see 'landscape campaign --help')")
    from . import execute, spec, store

    camp = spec.load(args.spec)
    if args.warm:
        with progress_factory(args, "warm", "runs", False) as progress:
            count = execute.warm(camp, progress)
        print(f"compiled: {len(camp.objectives)} objectives × {len(camp.methods)} method "
              f"tables ({count} runs); the disk caches of this machine are warm")
        return 0
    root = output_root(args.spec, args.output)
    _writable(root)
    from analysis.progress_bar import say as above_bar

    say = None if args.quiet else (lambda line: above_bar(f"landscape: {line}"))
    with progress_factory(args, "calibrating", "runs", False) as progress:
        execute.prepare(camp, root, progress)  # chunk sizes, campaign.json (once per DIR)
    with progress_factory(args, "campaign", "tasks", True) as progress:
        outcome = execute.run(camp, root, workers=args.workers, scheduler=args.scheduler,
                              progress=progress, say=say)
    print(outcome.text())
    print(f"rows: {store.rows_dir(root)} (Parquet, one row per start); campaign: "
          f"{root / store.META}")
    return 0


def _writable(root: Path) -> None:
    from landscape.errors import InputError

    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the campaign directory {str(root)!r}: "
                         f"{exc.strerror or exc}") from None
    if not os.access(root, os.W_OK):
        raise InputError(f"cannot write to the campaign directory {str(root)!r}")
