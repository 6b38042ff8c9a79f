"""`--format json`: one document, described by schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import Any

from validator.result import InputResult, RunResult


def _input(item: InputResult) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": item.path, "kind": item.kind}
    if item.unresolved:
        entry["unresolved"] = list(item.unresolved)
    if item.notes:
        entry["notes"] = list(item.notes)
    if item.decision_id:
        entry["decision_id"] = item.decision_id
    return entry


def as_document(result: RunResult) -> dict[str, Any]:
    return {
        "version": result.version,
        "policy_version": result.policy_version,
        "engine": result.engine,
        "inputs": [_input(item) for item in result.inputs],
        "findings": [finding.as_dict() for finding in result.findings],
        **({"waivers": result.waivers.as_dict()} if result.waivers else {}),
        "summary": result.summary(),
    }


def render(result: RunResult, color: bool = False) -> str:
    return json.dumps(as_document(result), indent=2, sort_keys=False) + "\n"
