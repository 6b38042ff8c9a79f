"""Reading user files: bytes to text to a JSON value, with errors that name the file and line."""

from __future__ import annotations

import codecs
import json
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validator import bounds, lazy
from validator.errors import InputError

if TYPE_CHECKING:
    from validator import jsonc, yaml_values
else:
    jsonc = lazy.module("validator.jsonc")
    yaml_values = lazy.module("validator.yaml_values")

STDIN = "-"
DEFAULT_MAX_BYTES = bounds.DEFAULT_MAX_BYTES
# Opened without waiting for a writer (a FIFO) and without becoming a controlling terminal.
_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True)
class Loaded:
    """A parsed user file: its display name, its text and its JSON value."""

    source: str
    text: str
    value: Any
    syntax: str  # "json" or "yaml"


def read_bytes(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """At most max_bytes of a regular file (or of standard input for "-"): what is read is
    bounded whatever `stat` says, and a FIFO or a device, which could block or never end,
    is refused before anything is read."""
    if source == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            descriptor = os.open(source, _OPEN_FLAGS)
        except IsADirectoryError:
            raise InputError(source, "is a directory") from None
        except FileNotFoundError:
            raise InputError(source, "no such file") from None
        except PermissionError:
            raise InputError(source, "permission denied") from None
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
        try:
            mode = os.fstat(descriptor).st_mode
            if stat.S_ISDIR(mode):
                raise InputError(source, "is a directory")
            if not stat.S_ISREG(mode):
                what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
                raise InputError(
                    source, f"is {what}, not a regular file: refused (use - for standard input)"
                )
            size = os.fstat(descriptor).st_size
            if size > max_bytes:
                raise InputError(source, f"file is {size} bytes, over the limit of {max_bytes}")
            if _NONBLOCK:
                os.set_blocking(descriptor, True)
            data = _read_bounded(descriptor, max_bytes, size)
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
        finally:
            os.close(descriptor)
    if len(data) > max_bytes:
        raise InputError(source, f"input is over the limit of {max_bytes} bytes")
    return data


def _read_bounded(descriptor: int, max_bytes: int, expected: int = 0) -> bytes:
    """What the descriptor gives up to its end, or max_bytes + 1 bytes if it has more.
    The first read asks for the size expected and one byte more (one copy of a file that
    did not change); the limit holds whatever the reads give."""
    chunks = []
    left = max_bytes + 1
    want = expected + 1
    while left > 0:
        chunk = os.read(descriptor, min(left, max(want, bounds.READ_CHUNK)))
        want = 0
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def decode(source: str, data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"not {encoding.replace('-sig', '')} text (byte {exc.start}): binary file?"
        ) from None
    if "\x00" in text:
        raise InputError(source, "contains NUL characters: binary file?")
    return text


def parse_json(source: str, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=bounds.refuse_constant)
    except bounds.NotFinite as exc:
        raise bounds.not_finite(source, text, str(exc)) from None
    except json.JSONDecodeError as exc:
        # ARM templates may hold comments, trailing commas and multi-line strings: a
        # text that strict JSON refuses is read that way, and kept only if it is one.
        value = jsonc.lenient_template(text)
        if value is not None:
            return value
        raise InputError(
            source, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise bounds.too_deep(source, text, "invalid JSON: nested too deeply") from None
    except ValueError as exc:
        if bounds.is_int_digits_error(exc):
            raise bounds.too_long_integer(source, text) from None
        raise InputError(source, f"invalid JSON: {exc}") from None


def parse_yaml(source: str, text: str) -> Any:
    """A YAML document as JSON values (PyYAML is imported only when a YAML input comes)."""
    return yaml_values.parse(source, text)


def looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith(("{", "["))


def load(
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_json_text: Callable[[str], None] | None = None,
) -> Loaded:
    """Read a JSON or YAML document; JSON is recognised by its first character.
    on_json_text: called with a JSON document's text before it is parsed (the embedded
    engine may begin to read it meanwhile: validator.engines.embedded.Ahead)."""
    with bounds.named(source):
        text = decode(source, read_bytes(source, max_bytes))
    with bounds.named(source, text):
        if looks_like_json(text):
            if on_json_text is not None:
                on_json_text(text)
            return Loaded(source, text, parse_json(source, text), "json")
        if not text.strip():
            raise InputError(source, "is empty")
        return Loaded(source, text, parse_yaml(source, text), "yaml")
