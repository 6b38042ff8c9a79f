"""asr-guard's own bounds on what one input may cost, and the one-line errors past them.

Every bound is listed in the README ("Limits"), with the exit code past it (2). ARM's own
documented limits are in validator.arm_expressions (LimitError); the ones here hold for
every input kind:

- bytes: a file is read with the limit (`--max-bytes`, default DEFAULT_MAX_BYTES), whatever
  `stat` says, and only a regular file is read (a FIFO or a device could block or never end);
- integers: Python converts at most `sys.get_int_max_str_digits()` digits (4,300);
- nesting: past Python's recursion room, a file is refused as nested too deeply.

`named(source, text)` turns what Python raises past these bounds (RecursionError,
MemoryError, the integer-digits ValueError) into an InputError naming the file and, where
it can be found in the text, the line and column.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any

from validator.errors import InputError

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
READ_CHUNK = 1024 * 1024

# The digits Python converts to an int (CPython's default, sys.get_int_max_str_digits()).
MAX_INT_DIGITS = 4300

_INT_DIGITS = "integer string conversion"
_DIGITS = re.compile(r"[0-9]+")
_CONSTANTS = re.compile(r'"(?:[^"\\]|\\.)*"|NaN|-?Infinity', re.DOTALL)
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def max_int_digits() -> int:
    limit = getattr(sys, "get_int_max_str_digits", lambda: MAX_INT_DIGITS)()
    return int(limit) or MAX_INT_DIGITS


def is_int_digits_error(exc: BaseException) -> bool:
    """A ValueError of an integer with more digits than Python converts."""
    return isinstance(exc, ValueError) and _INT_DIGITS in str(exc)


def place(text: str, position: int) -> tuple[int, int]:
    """(line, column), both from 1, of a position in a text."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def long_integer(text: str) -> tuple[int, int, int] | None:
    """(line, column, digits) of the first run of more digits than Python converts."""
    limit = max_int_digits()
    for match in _DIGITS.finditer(text):
        if match.end() - match.start() > limit:
            line, column = place(text, match.start())
            return line, column, match.end() - match.start()
    return None


def deepest(text: str, limit: int) -> tuple[int, int] | None:
    """(line, column) of the first bracket of a JSON text that opens level limit + 1."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                return place(text, match.start())
        elif char in "]}":
            depth -= 1
    return None


class NotFinite(ValueError):
    """NaN or Infinity in a JSON text: Python reads them, JSON and the engines do not."""


def refuse_constant(name: str) -> Any:
    raise NotFinite(name)


def not_finite(source: str, text: str, name: str) -> InputError:
    """NaN, Infinity or -Infinity in a JSON text, at its first place outside strings."""
    for match in _CONSTANTS.finditer(text):
        if match.group() == name:
            line, column = place(text, match.start())
            return InputError(
                source, f"invalid JSON: {name} is not a JSON number (column {column})", line=line
            )
    return InputError(source, f"invalid JSON: {name} is not a JSON number")


def too_long_integer(source: str, text: str | None) -> InputError:
    found = long_integer(text) if text is not None else None
    limit = max_int_digits()
    if found is None:
        return InputError(source, f"an integer of more than {limit} digits: refused")
    line, column, digits = found
    return InputError(
        source,
        f"an integer of {digits} digits, over the {limit} asr-guard reads: refused "
        f"(column {column})",
        line=line,
    )


def too_deep(source: str, text: str | None, what: str = "nested too deeply") -> InputError:
    """Nested past Python's recursion room: where the nesting passes 500 levels, if found."""
    found = deepest(text, 500) if text is not None else None
    if found is None:
        return InputError(source, f"{what}: refused")
    line, column = found
    return InputError(source, f"{what}: refused (past 500 levels at column {column})", line=line)


@contextlib.contextmanager
def named(source: str, text: str | None = None, stage: str = "reading") -> Iterator[None]:
    """Errors past Python's own bounds, raised inside, as an InputError naming the file."""
    try:
        yield
    except RecursionError:
        raise too_deep(source, text) from None
    except MemoryError:
        raise InputError(
            source, f"out of memory {stage} it: the input is too large for this machine"
        ) from None
    except ValueError as exc:
        if is_int_digits_error(exc):
            raise too_long_integer(source, text) from None
        raise
