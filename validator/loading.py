"""Reading user files: bytes to text to a JSON value, with errors that name the file and line."""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.errors import InputError

if TYPE_CHECKING:
    from validator import jsonc, yaml_values
else:
    jsonc = lazy.module("validator.jsonc")
    yaml_values = lazy.module("validator.yaml_values")

STDIN = "-"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Loaded:
    """A parsed user file: its display name, its text and its JSON value."""

    source: str
    text: str
    value: Any
    syntax: str  # "json" or "yaml"


def read_bytes(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    if source == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(source, f"file is {size} bytes, over the limit of {max_bytes}")
            data = path.read_bytes()
        except IsADirectoryError:
            raise InputError(source, "is a directory") from None
        except FileNotFoundError:
            raise InputError(source, "no such file") from None
        except PermissionError:
            raise InputError(source, "permission denied") from None
        except OSError as exc:
            raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(source, f"input is over the limit of {max_bytes} bytes")
    return data


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
        return json.loads(text)
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
        raise InputError(source, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputError(source, f"invalid JSON: {exc}") from None


def parse_yaml(source: str, text: str) -> Any:
    """A YAML document as JSON values (PyYAML is imported only when a YAML input comes)."""
    return yaml_values.parse(source, text)


def looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith(("{", "["))


def load(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read a JSON or YAML document; JSON is recognised by its first character."""
    text = decode(source, read_bytes(source, max_bytes))
    if looks_like_json(text):
        return Loaded(source, text, parse_json(source, text), "json")
    if not text.strip():
        raise InputError(source, "is empty")
    return Loaded(source, text, parse_yaml(source, text), "yaml")
