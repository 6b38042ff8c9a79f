"""validator/locate.py: JSON pointer positions agree with json-source-map, the reference, on
every file and at random."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import json_source_map
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, FIXTURES
from validator.locate import json_positions

FILES = sorted(FIXTURES.rglob("*.json")) + sorted(CORPUS.rglob("*.json"))


def pointers(value: Any, prefix: str = "") -> Iterator[str]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from pointers(item, f"{prefix}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from pointers(item, f"{prefix}/{i}")


def reference(text: str) -> dict[str, tuple[int, int]]:
    positions = {}
    for pointer, entry in json_source_map.calculate(text).items():
        start = entry.key_start or entry.value_start
        positions[pointer] = (start.line + 1, start.column + 1)
    return positions


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_pointer_of_every_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    wanted = set(pointers(json.loads(text)))
    assert json_positions(text, wanted) == {p: v for p, v in reference(text).items() if p in wanted}


# Plain ASCII keys: json-source-map, the reference, gets keys with JSON escapes (which
# json.dumps writes for anything else) or pointer escapes wrong; those are checked below.
keys = st.text(alphabet=string.ascii_letters + string.digits + " -_.[]:", max_size=6)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(values, st.sampled_from([None, 0, 1, 2, 4]))
def test_random_documents(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    wanted = set(pointers(value))
    assert json_positions(text, wanted) == {p: v for p, v in reference(text).items() if p in wanted}


@settings(max_examples=200, deadline=None)
@given(values, st.sampled_from([None, 2]), st.data())
def test_some_pointers_of_random_documents(value: Any, indent: int | None, data: Any) -> None:
    """Asked for some pointers only, the containers no pointer leads into are stepped over."""
    text = json.dumps(value, indent=indent)
    every = sorted(set(pointers(value)))
    wanted = set(data.draw(st.lists(st.sampled_from(every), max_size=3)))
    assert json_positions(text, wanted) == {p: v for p, v in reference(text).items() if p in wanted}


def test_a_container_with_comments_or_trailing_commas_is_walked_not_stepped_over() -> None:
    text = '{\n  "a": {"x": [1, 2,], /* ] } */ "y": "]"},\n  "b": [0, {"c": 1}]\n}'
    assert json_positions(text, {"/b/1/c"}) == {"/b/1/c": (3, 13)}
    strict = '{\n  "a": {"x": [1, 2], "y": "]}"},\n  "b": [0, {"c": 1}]\n}'
    assert json_positions(strict, {"/b/1/c", "/b/0"}) == {"/b/1/c": (3, 13), "/b/0": (3, 9)}


def test_keys_with_escapes() -> None:
    text = '{"a\\"b": 1, "c\\\\": {"d": 2}}'
    assert json.loads(text) == {'a"b': 1, "c\\": {"d": 2}}
    assert json_positions(text, {'/a"b', "/c\\/d"}) == {'/a"b': (1, 2), "/c\\/d": (1, 21)}
    assert json_positions('{"~a/b": [0]}', {"/~0a~1b/0"}) == {"/~0a~1b/0": (1, 11)}


def test_pointers_that_are_not_there_are_left_out() -> None:
    assert json_positions('{"a": [1]}', {"/b", "/a/3", "/a/0"}) == {"/a/0": (1, 8)}
