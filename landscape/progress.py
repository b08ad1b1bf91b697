"""Progress of long computations, for whoever wants to show it: optional and silent by default.

A progress callback is ``progress(done, total, label)``: ``done`` steps of ``total`` are
finished (``total`` is None when the number is not known in advance) and ``label`` says what
runs now (empty when nothing does).  Entry points that take ``progress=`` call it between
steps, never require it, and call nothing when it is None; the command line turns it into a
bar on a terminal.  :class:`Stages` announces the named stages of one computation and hands
each stage a callback for its own sub-steps.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(done, total, label)``; ``label`` may be left out (a batch says only its count)
Progress = Callable[..., None]


class Stages:
    """The named stages of a computation, announced to an optional ``progress`` callback.

    ``stages("convexity")`` says that the previous stage is done and "convexity" starts:
    ``progress(k, total, "convexity")`` with k the number of stages announced before it.
    :meth:`finish` says that all are done (``progress(k, k_or_total, "")``).  With
    ``progress=None`` every method does nothing.
    """

    def __init__(self, progress: Progress | None, total: int | None = None):
        self.progress = progress
        self.total = total
        self.count = 0
        self.label = ""

    def __call__(self, label: str) -> None:
        self.label = label
        if self.progress is not None:
            self.progress(self.count, self.total, label)
        self.count += 1

    def within(self) -> Progress | None:
        """A callback for the sub-steps of the current stage: ``(d, t, what)`` is shown as
        the stage's label followed by ``what`` and, when ``t`` is given, ``d/t``; the count
        of stages stays where it is.  None when there is no ``progress``."""
        if self.progress is None:
            return None
        done, stage = max(self.count - 1, 0), self.label

        def sub(d: int, t: int | None = None, what: str = "") -> None:
            parts = [p for p in (what, "" if t is None else f"{d}/{t}") if p]
            label = f"{stage}: {' '.join(parts)}" if parts else stage
            self.progress(done, self.total, label)  # type: ignore[misc]

        return sub

    def finish(self) -> None:
        """All stages are done."""
        if self.progress is not None:
            total = self.count if self.total is None else self.total
            self.progress(total, total, "")
