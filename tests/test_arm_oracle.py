"""The evaluator against Microsoft's own documentation: every example of the ARM template
function reference whose output does not depend on the deployment (../shared/arm-oracle,
46 templates, 102 documented outputs) must resolve to exactly the documented value."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROOT
from validator.cli import main

ORACLE = ROOT.parent / "shared" / "arm-oracle"
CASES: list[dict[str, Any]] = (
    json.loads((ORACLE / "cases.json").read_text(encoding="utf-8"))
    if (ORACLE / "cases.json").is_file()
    else []
)


def same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 is 1.0, objects in any key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def test_the_oracle_is_there() -> None:
    assert len(CASES) == 46, f"the ARM function examples are not at {ORACLE}"
    assert sum(len(case["expected"]) for case in CASES) == 102


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["case"])
def test_documented_output(case: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", str(ORACLE / case["file"])]) == 0
    resolved = json.loads(capsys.readouterr().out)
    tags = next(
        r["properties"]["tags"]
        for r in resolved["resources"]
        if r["type"].lower() == "microsoft.resources/tags" and r["name"] == "default"
    )
    wrong = {
        name: tags.get(name)
        for name, expected in case["expected"].items()
        if not same(tags.get(name), expected)
    }
    assert not wrong, f"{case['doc']}: expected {case['expected']}, got {wrong}"


def test_same_is_strict() -> None:
    assert not same(1, True)
    assert not same([1], [True])
    assert same({"a": 1, "b": [2.0]}, {"b": [2], "a": 1})
    assert not same("1", 1)
