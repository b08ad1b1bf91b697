"""The CPU time of one call, measured as the parser's own time limit is
(:func:`landscape.parse.limits.collector_paused`): this thread's CPU seconds with the garbage
collector paused.  Neither a loaded machine nor a collection of all the objects a test worker
holds (once 2.2 s, charged to a call that takes 7 ms) is charged to the call."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from landscape.errors import ParseError
from landscape.parse.limits import collector_paused


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """Run ``fn``; return (its result, or the ParseError it raised; CPU seconds).  Anything
    else escapes."""
    with collector_paused():
        start = time.thread_time()
        try:
            result = fn(*args, **kwargs)
        except ParseError as exc:
            result = exc
        return result, time.thread_time() - start
