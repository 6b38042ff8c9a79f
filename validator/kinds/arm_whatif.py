"""ARM what-if results: `az deployment group what-if --result-format FullResourcePayloads`
output ({status, changes}) or the REST WhatIfOperationResult ({properties: {changes}})."""

from __future__ import annotations

from typing import Any

from validator.errors import InputError
from validator.kinds import base

NAME = "arm-whatif"
DESCRIPTION = "ARM what-if result"
SCHEMA = "arm-whatif.schema.json"
NEEDS_DOCUMENT = True

prepare = base.as_json_text
locate = base.locate_by_pointer
inline_waivers = base.no_inline_waivers
unresolved = base.nothing_unresolved


def changes(value: Any) -> tuple[list[Any], str]:
    """The changes of a valid result, and their JSON pointer."""
    if isinstance(value.get("changes"), list):
        return value["changes"], "/changes"
    return value["properties"]["changes"], "/properties/changes"


def detect(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    found = value.get("changes", (value.get("properties") or {}).get("changes"))
    return isinstance(found, list) and (
        "status" in value
        or any(isinstance(c, dict) and "changeType" in c and "resourceId" in c for c in found)
    )


def validate(source: str, value: Any) -> None:
    """A what-if result lists each resource once (Azure resource ids ignore case)."""
    listed, pointer = changes(value)
    repeat = base.first_repeat(change["resourceId"].lower() for change in listed)
    if repeat is not None:
        first, second = repeat
        raise InputError(
            source,
            f"not a valid {DESCRIPTION}: at {pointer}/{second}: a second change for"
            f" {listed[second]['resourceId']} (the first is at {pointer}/{first})",
        )
