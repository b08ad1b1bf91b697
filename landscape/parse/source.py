"""The formula text: the column map between the text as given and as parsed, the pre-scan
refusals before Python's parser, the guarded ``ast.parse`` and exact literal sizes.
"""

from __future__ import annotations

import ast
import math
import re
import sys
import threading
import warnings

from landscape.errors import ParseError, UnsafeFormulaError

from .limits import MAX_DEPTH, MAX_LENGTH, MAX_LITERAL_DIGITS, MAX_LITERAL_EXPONENT, MAX_SIGNS

# ----------------------------------------------------------------------------- source text


class _Source:
    """The formula as given and as handed to Python's parser, with a column map between them.

    The parser sees ``code``: leading whitespace removed, tabs and line breaks turned into
    spaces, every ``^`` replaced by ``**``.  ``pos[k]`` is the index in ``text`` of ``code[k]``.
    """

    __slots__ = ("text", "code", "pos")

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        pos: list[int] = []
        started = False
        for i, ch in enumerate(text):
            if ch in "\t\r\n":
                ch = " "
            if not started and ch == " ":
                continue
            started = True
            if ch == "^":
                chars += ("*", "*")
                pos += (i, i)
            else:
                chars.append(ch)
                pos.append(i)
        pos.append(len(text))  # one past the end
        self.code = "".join(chars)
        self.pos = pos

    def column(self, offset: int | None) -> int | None:
        """1-based column in ``text`` of the 0-based ``offset`` in ``code``."""
        if offset is None:
            return None
        offset = min(max(offset, 0), len(self.pos) - 1)
        return self.pos[offset] + 1

    def node_column(self, node: ast.AST) -> int | None:
        """1-based column of the start of ``node``."""
        return self.column(getattr(node, "col_offset", None))

    def segment(self, node: ast.AST) -> str:
        """The text (as given) that ``node`` was parsed from."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or end <= start:
            return ""
        return self.text[self.pos[start] : self.pos[end - 1] + 1]

    def code_segment(self, node: ast.AST) -> str:
        """The parser-side text of ``node`` (``^`` already turned into ``**``)."""
        return self.code[node.col_offset : node.end_col_offset]

    def find(self, chars: str, start: int, end: int | None = None) -> int | None:
        """0-based offset in ``code`` of the first of ``chars`` in ``code[start:end]``."""
        end = len(self.code) if end is None else end
        for k in range(max(start, 0), min(end, len(self.code))):
            if self.code[k] in chars:
                return k
        return None


def _fail(message: str, src: _Source | str, column: int | None = None, *, unsafe=False):
    text = src.text if isinstance(src, _Source) else src
    cls = UnsafeFormulaError if unsafe else ParseError
    raise cls(message, text, column)


_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9_]*")  # names, digit runs


def _prescan(text: str) -> None:
    """Character-level checks made before Python's parser sees the text."""
    if len(text) > MAX_LENGTH:
        _fail(f"formula too long: {len(text)} characters (limit {MAX_LENGTH})", text)
    for i, ch in enumerate(text):
        if not ch.isascii():
            _fail(f"non-ASCII character {ch!r} is not allowed", text, i + 1, unsafe=True)
    for m in _TOKEN_RE.finditer(text):
        if m.group()[0].isdigit() and len(m.group()) > MAX_LITERAL_DIGITS:
            _fail(f"number too large: more than {MAX_LITERAL_DIGITS} digits", text, m.start() + 1)
    depth = signs = 0
    for i, ch in enumerate(text):
        _refuse_character(ch, text, i)
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                _fail(f"too deeply nested: more than {MAX_DEPTH} levels of brackets", text, i + 1)
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        if ch in "+-~":
            signs += 1
            if signs > MAX_SIGNS:
                _fail(f"more than {MAX_SIGNS} consecutive signs", text, i + 1)
        elif ch not in " \t\r\n":
            signs = 0


def _refuse_character(ch: str, text: str, i: int) -> None:
    """Refuse a control character, a string quote, a comment or a backslash at ``text[i]``."""
    code = ord(ch)
    if (code < 32 and ch not in "\t\r\n") or code == 127:
        _fail(f"control character {ch!r} is not allowed", text, i + 1)
    if ch in "'\"":
        _fail("strings are not allowed", text, i + 1, unsafe=True)
    if ch == "#":
        _fail("comments ('#') are not allowed", text, i + 1)
    if ch == "\\":
        _fail("backslashes are not allowed", text, i + 1)


_PARSE_LOCK = threading.Lock()


def _quiet_parse(code: str) -> ast.Expression:
    """``ast.parse`` without its SyntaxWarnings (``1if x<0 else 2`` warns about ``1if``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(code, mode="eval")


def _ast_parse(src: _Source) -> ast.Expression:
    """``ast.parse(code, mode='eval')`` with every failure turned into a ParseError.

    CPython builds the Python AST objects recursively and refuses trees deeper than three
    times the recursion limit; long flat sums (``x1 + x2 + ... + x5000``) are such trees, so on
    a RecursionError the parse is retried once with a higher limit (the text is at most
    MAX_LENGTH characters, which bounds the depth).
    """
    if not src.code.strip():
        _fail("empty formula", src)
    try:
        try:
            return _quiet_parse(src.code)
        except RecursionError:
            with _PARSE_LOCK:
                old = sys.getrecursionlimit()
                sys.setrecursionlimit(max(old, MAX_LENGTH // 2))
                try:
                    return _quiet_parse(src.code)
                finally:
                    sys.setrecursionlimit(old)
    except SyntaxError as exc:
        reason = (exc.msg or "invalid syntax").splitlines()[0]
        if "limit" in reason and "digits" in reason:
            reason = f"number too large: more than {MAX_LITERAL_DIGITS} digits"
        offset = exc.offset
        if not offset or offset > len(src.code) or (exc.lineno or 1) > 1:
            column = len(src.text) + 1
            if "never closed" not in reason and "unexpected" not in reason:
                reason += " (unexpected end of formula)"
        else:
            column = src.column(offset - 1)
        _fail(reason, src, column)
    except (RecursionError, MemoryError):
        _fail(f"formula too deeply nested (more than {MAX_DEPTH} levels)", src)
    except (ValueError, OverflowError) as exc:
        _fail(f"cannot parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", src)
    raise AssertionError("unreachable")  # pragma: no cover


# ----------------------------------------------------------------------------- literals

_FLOAT_RE = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def _literal(node: ast.Constant, src: _Source) -> tuple[int, int]:
    """Exact value ``(p, q)`` (``q > 0``, reduced) of an int/float literal, from its text."""
    raw = src.code_segment(node).replace("_", "")
    column = src.node_column(node)
    if isinstance(node.value, int):
        if not raw.isdigit():
            _fail("only decimal numbers are allowed", src, column)
        if len(raw) > MAX_LITERAL_DIGITS:
            _fail(f"number too large: more than {MAX_LITERAL_DIGITS} digits", src, column)
        return int(raw), 1
    m = _FLOAT_RE.fullmatch(raw)
    if m is None:
        _fail(f"invalid number {src.segment(node)!r}", src, column)
    whole, frac, exp_text = m.group(1), m.group(2) or "", m.group(3)
    if len(whole) + len(frac) > MAX_LITERAL_DIGITS:
        _fail(f"number too large: more than {MAX_LITERAL_DIGITS} digits", src, column)
    if exp_text and len(exp_text.lstrip("+-").lstrip("0")) > 6:
        _fail(f"number out of range: {src.segment(node)[:40]}", src, column)
    exponent = int(exp_text) if exp_text else 0
    if exponent < -MAX_LITERAL_EXPONENT:
        limit = f"decimal exponents down to -{MAX_LITERAL_EXPONENT}"
        _fail(f"number too small: {src.segment(node)} ({limit})", src, column)
    if exponent > MAX_LITERAL_EXPONENT or math.isinf(node.value):
        _fail(f"number too large: {src.segment(node)} is beyond double precision", src, column)
    mantissa = int(whole + frac or "0")
    scale = exponent - len(frac)
    if mantissa == 0:
        return 0, 1
    if scale >= 0:
        return mantissa * 10**scale, 1
    q = 10**-scale
    g = math.gcd(mantissa, q)
    return mantissa // g, q // g
