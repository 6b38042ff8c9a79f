"""validator/yaml_values.py: YAML read as JSON values, and the lines of its nodes."""

from __future__ import annotations

from validator import yaml_values


def test_yaml_positions() -> None:
    text = "a:\n  b:\n    - x\n    - y: 1\n"
    assert yaml_values.positions(text, {"/a/b/1/y", "/a/b/0", "/nope"}) == {
        "/a/b/1/y": (4, 10),
        "/a/b/0": (3, 7),
    }


def test_item_lines() -> None:
    text = "# waivers\nwaivers:\n  - rule: ASR007\n    x: 1\n\n  - rule: ASR002\n"
    assert yaml_values.item_lines(text, "waivers") == {0: 3, 1: 6}
    assert yaml_values.item_lines(text, "other") == {}
    assert yaml_values.item_lines("a: [", "waivers") == {}


def test_timestamps_stay_strings() -> None:
    assert yaml_values.parse("x", "expires: 2027-01-15\n") == {"expires": "2027-01-15"}
