"""Shared test configuration.

Compiled kernels go to a cache inside the checkout (``.cache/test-kernels``, git-ignored) so
that repeated test runs do not recompile every formula; tests about the cache itself use their
own temporary directories.
"""

import os
from pathlib import Path

os.environ.setdefault(
    "LANDSCAPE_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache" / "test-kernels")
)
