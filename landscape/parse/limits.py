"""The parser's limits: sizes, depths, digits, expansion budgets and the time limit
(module constants, described in :mod:`landscape.parse`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# ----------------------------------------------------------------------------- limits

MAX_LENGTH = 10_000  #: characters in a formula
MAX_DEPTH = 100  #: nesting levels (brackets; expression tree with flattened +/- and */ chains)
MAX_SIGNS = 100  #: consecutive sign characters (``+ - ~``), refused before Python's parser
MAX_NAME_LENGTH = 32  #: characters in a name
MAX_LITERAL_DIGITS = 400  #: digits in a number literal
MAX_LITERAL_EXPONENT = 400  #: |decimal exponent| of a float literal
MAX_RANGE = 10_000  #: values of one sum/prod index range
MAX_TERMS = 100_000  #: terms produced by all sum/prod expansions together
MAX_WORK = 10_000  #: operations (tree nodes) built by all sum/prod expansions together
MAX_DIGITS = 4_000  #: digits of any exact number built (below Python's 4300-digit str limit)
MAX_ROOT_DIGITS = 100  #: digits of a number whose root SymPy would extract (sqrt, x**(1/3))
MAX_EXPONENT = 10_000  #: |numeric exponent| on a non-numeric base
MAX_CONSTANT = 1e300  #: magnitude of a non-rational constant (exp(800) is refused, 10**400 not)
MAX_CONSTANT_DEPTH = 8  #: nesting of functions/powers in a non-rational constant
MAX_INDEX = 10**12  #: |value| of any integer index/bound (sub)expression
TIME_LIMIT = 1.0  #: seconds of the building thread's CPU time; safety net behind the limits above

_KEY_VERSION = "landscape.parse/1"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a formula is built, as ``timeit`` does
    while it times code: ``TIME_LIMIT`` counts the builder's own CPU time (this thread's), not
    a collection of the whole process's objects that its allocations happened to trigger
    (over a second in a process holding millions of them), nor other processes' load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
