"""Source positions of findings: JSON pointers to lines and columns, in JSON or YAML text.

(Terraform addresses are found in .tf blocks by validator.tfsource.)
"""

from __future__ import annotations

import bisect
import json
import re
from typing import TYPE_CHECKING, Any

from validator import lazy

if TYPE_CHECKING:
    from validator import yaml_values
else:
    yaml_values = lazy.module("validator.yaml_values")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


# Strings, structural characters and the comments an ARM template may hold (see
# validator.jsonc); everything else (numbers, true, false, null) lies between.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\[\s\S])*"|[{}\[\]:,]|//[^\n]*|/\*[\s\S]*?\*/')
# The next thing after space and comments.
_NEXT = re.compile(r"(?:\s|//[^\n]*|/\*[\s\S]*?\*/)*(\S)")


def _pointer_parts(pointer: str) -> tuple[str, ...]:
    return tuple(_unescape(part) for part in pointer.split("/")[1:]) if pointer else ()


def json_positions(text: str, pointers: set[str]) -> dict[str, tuple[int, int]]:
    """pointer -> (line, column), both from 1: an object member's key, an array item's value.

    One pass over the text's strings and brackets, stopping when every pointer is found
    (the same positions as json-source-map, which the tests check, at a fraction of its cost).
    A container that no pointer leads into is stepped over by the C JSON scanner, not walked
    token by token. Comments and trailing commas, which ARM templates may hold, are skipped.
    """
    wanted = {_pointer_parts(pointer): pointer for pointer in pointers}
    leads_in = {parts[:depth] for parts in wanted for depth in range(len(parts))}
    offsets: dict[str, int] = {}
    path: list[str] = []
    # One frame a container: [is_object, index of the current item, expecting a key]
    frames: list[list[Any]] = []

    def found(position: int) -> None:
        pointer = wanted.get(tuple(path))
        if pointer is not None and pointer not in offsets:
            offsets[pointer] = position

    def item_at(position: int) -> None:
        """An array item (or the root) starts here; object members are found at their key."""
        if not frames or not frames[-1][0]:
            found(position)

    def primitive_after(end: int) -> None:
        following = _NEXT.match(text, end)
        if following and following.group(1) not in '"{[]/':
            item_at(following.start(1))  # a number, true, false or null

    primitive_after(0)
    position = 0
    while len(offsets) < len(wanted):
        token = _JSON_TOKEN.search(text, position)
        if token is None:
            break
        char, start = token.group()[0], token.start()
        position = token.end()
        if char == "/":
            continue  # a comment
        if char == '"':
            if frames and frames[-1][0] and frames[-1][2]:
                frames[-1][2] = False
                key = token.group()
                # Without a backslash a JSON string says what it holds (a valid text has
                # no raw control characters): only escaped keys need decoding.
                path.append(json.loads(key) if "\\" in key else key[1:-1])
                found(start)
            else:
                item_at(start)
        elif char in "{[":
            item_at(start)
            if tuple(path) not in leads_in:
                end = _end_of_value(text, start)
                if end is not None:
                    position = end
                    continue
            frames.append([char == "{", 0, char == "{"])
            if char == "[":
                path.append("0")
                primitive_after(token.end())
        elif char in "}]":
            if frames and (not frames[-1][0] or not frames[-1][2]):
                path.pop()  # the last member's key, or the item index
            if frames:
                frames.pop()
        elif char == "," and frames:
            if frames[-1][0]:
                path.pop()
                frames[-1][2] = True
            else:
                frames[-1][1] += 1
                path[-1] = str(frames[-1][1])
                primitive_after(token.end())
    if not offsets:
        return {}
    newlines = [match.start() for match in re.finditer("\n", text)]
    return {pointer: _line_and_column(newlines, offset) for pointer, offset in offsets.items()}


_SCANNER = json.JSONDecoder()


def _end_of_value(text: str, start: int) -> int | None:
    """Where the JSON value at start ends, read by the C scanner; None where it is not strict
    JSON (a comment or a trailing comma inside: walked token by token instead)."""
    try:
        return _SCANNER.raw_decode(text, start)[1]
    except (ValueError, RecursionError):
        return None


def _line_and_column(newlines: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_left(newlines, offset)
    line_start = newlines[line - 1] + 1 if line else 0
    return line + 1, offset - line_start + 1


def positions(text: str, syntax: str, pointers: set[str]) -> dict[str, tuple[int, int]]:
    if not pointers:
        return {}
    try:
        if syntax == "yaml":
            return yaml_values.positions(text, pointers)
        return json_positions(text, pointers)
    except Exception:  # positions are a courtesy: a text the map cannot read gives none
        return {}
