"""`--format json`: one document, described by schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import Any

from validator.findings import RunResult


def as_document(result: RunResult) -> dict[str, Any]:
    return {
        "version": result.version,
        "policy_version": result.policy_version,
        "engine": result.engine,
        "inputs": [{"path": item.path, "kind": item.kind} for item in result.inputs],
        "findings": [finding.as_dict() for finding in result.findings],
        "summary": result.summary(),
    }


def render(result: RunResult, color: bool = False) -> str:
    return json.dumps(as_document(result), indent=2, sort_keys=False) + "\n"
