"""Reading user files: bytes to text to a JSON value, with errors that name the file and line."""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from validator.errors import InputError

STDIN = "-"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonValuesLoader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """A safe loader that keeps YAML 1.1 timestamps as strings: inputs are JSON values."""


_JsonValuesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()
}
_YAML_LOADER = _JsonValuesLoader


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
        raise InputError(
            source, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise InputError(source, "invalid JSON: nested too deeply") from None


# Values a YAML document may expand to through its aliases ("billion laughs" guard).
MAX_YAML_VALUES = 1_000_000


def _expanded_size(node: yaml.Node, sizes: dict[int, int], limit: int) -> int:
    """How many values the node stands for once aliases are expanded (stops past limit)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes, limit)
        if total > limit:
            break
    sizes[id(node)] = total
    return total


def parse_yaml(source: str, text: str, max_values: int = MAX_YAML_VALUES) -> Any:
    try:
        loader = _YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _expanded_size(node, {}, max_values) > max_values:
                raise InputError(
                    source, f"YAML aliases expand to more than {max_values} values: refused"
                )
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        raise InputError(source, f"invalid YAML: {exc.problem}{column}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError(source, "invalid YAML: nested too deeply") from None


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
