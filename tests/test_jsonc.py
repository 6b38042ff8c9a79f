"""Template JSON beyond strict JSON (comments, trailing commas, multi-line strings): read
exactly, and the positions of findings stay right (checked against json-source-map on the
same text with comments and trailing commas blanked out)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import json_source_map
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.test_locate import pointers, reference
from validator.jsonc import LenientJSONError, blank, loads_lenient
from validator.locate import json_positions

QUICKSTARTS = ROOT.parent / "shared" / "quickstarts"
FIELD = ROOT.parent / "shared" / "field" / "2026-12-02"


def lenient_files() -> list[Path]:
    found = [FIELD / "d8-comments.json"]
    for path in sorted(QUICKSTARTS.rglob("azuredeploy.json")):
        try:
            json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError:
            found.append(path)
    return found


LENIENT = lenient_files()


def test_the_quickstarts_that_need_it_are_there() -> None:
    assert len(LENIENT) == 23


@pytest.mark.parametrize("path", LENIENT, ids=lambda p: p.parent.name)
def test_positions_in_commented_templates(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    value = loads_lenient(text)
    blanked = blank(text)
    assert len(blanked) == len(text)
    assert blanked.count("\n") == text.count("\n")
    # json-source-map gets keys with pointer escapes wrong: those are checked in test_locate.
    wanted = {p for p in pointers(value) if "~" not in p}
    expected = reference_positions(blanked, text)
    assert json_positions(text, wanted) == {p: v for p, v in expected.items() if p in wanted}


def reference_positions(blanked: str, text: str) -> dict[str, tuple[int, int]]:
    """json-source-map's positions, as lines and columns of the original text: line breaks
    inside strings (which it refuses) become spaces, at the same offsets."""
    strict = re.sub(
        r'"(?:[^"\\]|\\[\s\S])*"', lambda m: re.sub(r"[\x00-\x1f]", " ", m.group()), blanked
    )
    positions = {}
    for pointer, entry in json_source_map.calculate(strict).items():
        start = entry.key_start or entry.value_start
        offset = start.position
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
        positions[pointer] = (line + 1, column + 1)
    return positions


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": 1, // x\n "b": [1, 2, ], /* y */ }', {"a": 1, "b": [1, 2]}),
        ('{"a": "line 1\nline 2"}', {"a": "line 1\nline 2"}),
        (
            '{"url": "http://x/y", "c": "/* not a comment */"}',
            {"url": "http://x/y", "c": "/* not a comment */"},
        ),
        ('[{"a": [{}, ], }, ]', [{"a": [{}]}]),
    ],
)
def test_lenient_values(text: str, value: object) -> None:
    assert loads_lenient(text) == value


@pytest.mark.parametrize(
    "text", ['{"a": 1 /* open', "{,}", "[,]", '{"a": [1,,]}', "{'a': 1}", '{"a":,}']
)
def test_what_is_still_not_json(text: str) -> None:
    with pytest.raises(LenientJSONError):
        loads_lenient(text)


def test_single_quotes_for_json_function() -> None:
    assert loads_lenient("{'one': 'a', 'two': 'it\\'s'}", single_quotes=True) == {
        "one": "a",
        "two": "it's",
    }


comment = st.sampled_from(["", " // note\n", " /* note */ ", "\n/* a\nb */\n"])
trailing = st.sampled_from(["", ","])


@st.composite
def commented(draw: st.DrawFn) -> tuple[str, object]:
    value = draw(
        st.recursive(
            st.integers() | st.text(alphabet="ab /*,", max_size=5) | st.booleans() | st.none(),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(st.text("abc", max_size=3), children, max_size=3)
            ),
            max_leaves=12,
        )
    )

    def write(v: object) -> str:
        if isinstance(v, list):
            items = [draw(comment) + write(x) for x in v]
            return "[" + ",".join(items) + (draw(trailing) if items else "") + draw(comment) + "]"
        if isinstance(v, dict):
            items = [
                draw(comment) + json.dumps(k) + ":" + draw(comment) + write(x) for k, x in v.items()
            ]
            return "{" + ",".join(items) + (draw(trailing) if items else "") + draw(comment) + "}"
        return json.dumps(v)

    return write(value), value


@settings(max_examples=200, deadline=None)
@given(commented())
def test_random_commented_documents(case: tuple[str, object]) -> None:
    text, value = case
    assert loads_lenient(text) == value
    wanted = set(pointers(value))
    expected = reference(blank(text))
    assert json_positions(text, wanted) == {p: v for p, v in expected.items() if p in wanted}
