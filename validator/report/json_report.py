"""`--format json`: one document, described by schemas/report.schema.json.

Paths are as the other formats show them (relative to the repository root); strings are
JSON strings, which escape every control character.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from validator.findings import Finding
from validator.report.escape import json_text
from validator.report.paths import ReportOptions
from validator.report.wording import NO_INVENTORY, no_inventory_note
from validator.result import InputResult, RunResult


def _input(item: InputResult, result: RunResult, options: ReportOptions) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": options.name(item.path), "kind": item.kind}
    if item.unresolved:
        entry["unresolved"] = list(item.unresolved)
    notes = list(item.notes)
    if result.known_only_from_input(item):
        notes.insert(0, no_inventory_note(options.name(item.path)))
    if notes:
        entry["notes"] = notes
    if item.decision_id:
        entry["decision_id"] = item.decision_id
    entry["replication"] = {
        "named_by_input": item.named_by_input,
        "inventory_vms": item.inventory_vms,
        "known_only_from_input": result.known_only_from_input(item),
    }
    entry["undecided"] = len(result.undecided(item))
    return entry


def _finding(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    document = finding.as_dict()
    document["path"] = options.name(finding.path)
    if "location" in document:
        document["location"]["file"] = options.name(document["location"]["file"])
    return document


def as_document(result: RunResult, options: ReportOptions | None = None) -> dict[str, Any]:
    options = options or ReportOptions()
    summary = result.summary()
    if result.blind_inputs:
        summary["replication"] = NO_INVENTORY
    return {
        "version": result.version,
        "policy_version": result.policy_version,
        "engine": result.engine,
        "inputs": [_input(item, result, options) for item in result.inputs],
        "findings": [_finding(finding, options) for finding in result.findings],
        **({"waivers": result.waivers.as_dict()} if result.waivers else {}),
        **(
            {
                "rules": {
                    "selected": list(result.selected_rules.selected),
                    "skipped": list(result.selected_rules.skipped),
                }
            }
            if result.selected_rules and result.selected_rules.skipped
            else {}
        ),
        "summary": summary,
    }


def render(result: RunResult, options: ReportOptions) -> str:
    return json_text(_dumps(as_document(result, options))) + "\n"


def _dumps(document: dict[str, Any]) -> str:
    """The document indented by two spaces, except each finding's `remediation`, written on
    one line: the plan and runbook data for tools (a few kilobytes a finding), while the
    fields a reader looks at stay one to a line. (Python's JSON encoder indents in Python and
    writes compact output in C: indented, the remediation of 250 findings took 0.03 s.)
    The marker standing in for a remediation holds a random token no input can know."""
    marker = f"remediation-{os.urandom(16).hex()}-"
    compact: list[str] = []
    findings = []
    for finding in document["findings"]:
        remediation = finding.get("remediation")
        if remediation is not None:
            finding = {**finding, "remediation": f"{marker}{len(compact)}"}
            compact.append(json.dumps(remediation))
        findings.append(finding)
    text = json.dumps({**document, "findings": findings}, indent=2)
    if not compact:
        return text
    return re.sub(f'"{marker}(\\d+)"', lambda match: compact[int(match.group(1))], text)
