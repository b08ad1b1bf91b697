"""The project's documented errors.

Every failure a user can cause (a bad formula, an impossible request) or meet (an analysis
that cannot be completed) is one of these classes.  The command line maps them to exit codes:
``InputError`` and its subclasses exit with 2 (bad usage or input), every other
``LandscapeError`` exits with 1 (analysis failed).  Anything else escaping is a bug.
"""

from __future__ import annotations

from typing import TypeVar

E = TypeVar("E", bound=BaseException)


class LandscapeError(Exception):
    """Base class of the project's errors; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class InputError(LandscapeError, ValueError):
    """The user's input (formula, option, file) cannot be used.  CLI exit code 2."""

    exit_code = 2


class ParseError(InputError):
    """A formula that does not parse, or uses a construct outside the allow-list.

    ``column`` is 1-based (``None`` when the error is not tied to one place); ``text`` is the
    formula.  ``str(err)`` is a single line; :meth:`caret` renders the formula with a caret
    under the offending column.
    """

    def __init__(self, message: str, text: str = "", column: int | None = None):
        self.message = message
        self.text = text
        self.column = column
        where = f" (column {column})" if column is not None else ""
        super().__init__(f"{message}{where}")

    def caret(self) -> str:
        """The formula and a caret line pointing at the column (empty when unknown).

        Exactly two lines: characters that would break the layout (newlines, tabs, other
        control and invisible characters) are shown as ``?``, one for one, so the caret still
        points at the right column.
        """
        if self.column is None or not self.text or len(self.text) > 200:
            return ""
        shown = "".join(ch if ch.isprintable() else "?" for ch in self.text)
        return f"  {shown}\n  {' ' * (self.column - 1)}^"


class UnsafeFormulaError(ParseError):
    """A formula refused for safety: attribute access, calls outside the table, blow-ups."""


class UnsupportedError(InputError):
    """A well-formed request this toolkit cannot honour (e.g. a function Numba cannot compile)."""


class TooLarge(InputError):
    """A request whose estimated cost (memory, kernel size, work) is above a limit (CLI exit
    code 2); the message says what to do instead and how to raise the limit."""


class AnalysisError(LandscapeError):
    """An analysis step failed (no convergence, nothing found, numerical breakdown)."""


class BudgetExceeded(AnalysisError):
    """A step ran past its time or memory budget and was abandoned."""


class CommandTimeout(BaseException):
    """The whole command's ``--timeout`` passed (CLI exit code 1).

    A :class:`BaseException`, like :class:`KeyboardInterrupt`: a step that falls back to a
    numeric method when its own budget is exceeded (``except BudgetExceeded``) and a report
    section guard (``except Exception``) must not take the end of the command for a failed
    step and carry on.
    """

    exit_code = 1


class LandscapeWarning(UserWarning):
    """Something the user should know that does not stop the work (the CLI prints it as a
    one-line note on stderr)."""


class CacheNotTrustedWarning(LandscapeWarning):
    """The kernel cache directory is not used (not the user's own, or writable by others)."""


def error_behind(err: BaseException | None, kind: type[E]) -> E | None:
    """The error of type ``kind`` behind ``err``: itself, its cause, or the error being
    handled when it was raised (a full disk surfaces from a PDF writer as a compression error
    raised during the cleanup of the failed write; a SIGINT inside the import of a compiled
    extension as that import's ImportError); None when there is none."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, kind):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def os_error_behind(err: BaseException | None) -> OSError | None:
    """The OSError behind ``err`` (:func:`error_behind`)."""
    return error_behind(err, OSError)
