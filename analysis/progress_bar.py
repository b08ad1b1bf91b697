"""Progress bars of the command line: a :mod:`landscape.progress` callback drawn by tqdm.

Shown on stderr only when it is a terminal (never in a pipe, a file or with ``--quiet``), and
only for waits longer than :data:`DELAY` seconds: a command that ends sooner prints nothing.
A ticker thread redraws the bar every :data:`TICK` seconds so that the elapsed time moves
during a long stage (a symbolic solve, a sweep) that reports nothing until it ends.  The bar
is erased when the command ends, so that stdout reads the same with and without it.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

#: seconds before a bar appears (shorter waits show nothing)
DELAY = 0.5

#: seconds between two redraws of a bar whose count does not move
TICK = 0.25


#: the bars being drawn (the innermost last), for :func:`say`
_ACTIVE: list[Bar] = []


def say(line: str, stream: TextIO | None = None) -> None:
    """Print ``line`` on ``stream`` (default stderr) above the bar being drawn, if any, which
    is then drawn again below it."""
    stream = sys.stderr if stream is None else stream
    if not _ACTIVE:
        print(line, file=stream)
        return
    from tqdm import tqdm

    with tqdm.external_write_mode(file=stream):
        print(line, file=stream)


def wanted(stream: TextIO | None = None, quiet: bool = False) -> bool:
    """True when progress should be drawn on ``stream`` (default stderr): a terminal, and
    not ``quiet``."""
    stream = sys.stderr if stream is None else stream
    if quiet:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def _screen_shape(stream: Any) -> tuple[int | None, int | None]:
    """The (columns, rows) of the terminal behind ``stream``; a size the terminal does not
    report (0 or less, e.g. a pseudo-terminal opened without one) is ``None``, which tqdm
    draws as an untrimmed line."""
    from tqdm.utils import _screen_shape_wrapper

    shape = _screen_shape_wrapper()
    cols, rows = shape(stream) if shape else (None, None)
    return (cols if cols and cols > 0 else None, rows if rows and rows > 0 else None)


class Bar:
    """A tqdm bar fed by ``bar(done, total, label)`` calls (:mod:`landscape.progress`).

    ``what`` names the command ("report", "analyze"), ``unit`` what is counted ("sections",
    "starts").  ``rate``: show the rate and the time left (for many like steps, such as the
    starts of a batch; not for stages of unlike lengths).  Use as a context manager, or call
    :meth:`close`.
    """

    def __init__(self, what: str, unit: str, stream: TextIO | None = None, rate: bool = False):
        from tqdm import tqdm

        self._rate = rate
        self._bar = tqdm(total=None, desc=what, unit=f" {unit}", file=stream or sys.stderr,
                         delay=DELAY, leave=False, miniters=0, mininterval=0.1,
                         smoothing=0,  # the rate is done / elapsed: the ticker's redraws
                         # between two counts would otherwise make tqdm's moving average
                         # see a whole block done in the last quarter second
                         dynamic_ncols=True, unit_scale=rate, bar_format=self._format(None))
        # tqdm reads the terminal's size on every redraw; a terminal that reports none
        # (a pseudo-terminal opened without a size: 0 x 0, which tqdm turns into -1 x -1)
        # would trim every line to nothing, so such a size counts as unknown
        self._bar.dynamic_ncols = _screen_shape
        self._bar.ncols, self._bar.nrows = _screen_shape(self._bar.fp)
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="landscape-progress",
                                        daemon=True)
        self._ticker.start()
        _ACTIVE.append(self)

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            try:
                self._bar.update(0)  # redraws once DELAY has passed (tqdm's own check)
            except Exception:  # noqa: BLE001 - a bar must never end a command
                return

    def _format(self, total: int | None) -> str:
        if total is None:
            return "{desc}: {n_fmt}{unit} done [{elapsed}{postfix}]"
        if self._rate:
            return ("{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{unit} "
                    "[{elapsed}<{remaining}, {rate_fmt}{postfix}]")
        return "{desc}: {n_fmt}/{total_fmt}{unit} done [{elapsed}{postfix}]"

    def __call__(self, done: int, total: int | None = None, label: str = "") -> None:
        bar = self._bar
        if total is not None and bar.total != total:
            bar.total = total
            bar.bar_format = self._format(total)
        bar.set_postfix_str(label, refresh=False)
        bar.update(max(done - bar.n, 0))

    def close(self) -> None:
        """Stop the ticker and erase the bar (a no-op when it never appeared)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._ticker.join()
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
