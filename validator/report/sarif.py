"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from typing import Any

from validator import rule_docs
from validator.findings import Finding, Rule
from validator.remediation.render import sarif_fixes, sarif_properties
from validator.result import RunResult

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = (
    "https://learn.microsoft.com/azure/site-recovery/site-recovery-backup-interoperability"
)
LEVELS = {"deny": "error", "warn": "warning", "info": "note"}


def _help(rule: Rule) -> tuple[str, str]:
    """The rule's page (docs/rules) as help.markdown and its URI; without a page, the
    workaround and the matrix's documentation link."""
    page = rule_docs.help_for(rule.rule_id)
    if page is not None:
        return page
    return f"**Workaround:** {rule.workaround}\n\n[Microsoft docs]({rule.docs})", rule.docs


def _descriptor(rule: Rule) -> dict[str, Any]:
    help_markdown, help_uri = _help(rule)
    return {
        "id": rule.rule_id,
        "name": "".join(part.capitalize() for part in rule.scenario.split("_")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {
            "text": f"{rule.title} (support status: {rule.status.replace('_', ' ')})."
        },
        "help": {
            "text": f"Workaround: {rule.workaround} See {rule.docs}",
            "markdown": help_markdown,
        },
        "helpUri": help_uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["azure", "site-recovery", "backup", rule.scenario]},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    location = finding.location
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": location.file if location else finding.path}
    }
    if location:
        physical["region"] = {"startLine": location.line, "startColumn": location.column}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message}. Workaround: {finding.workaround}"},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": finding.resource, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"asrGuard/v1": f"{finding.rule_id}:{finding.resource}"},
    }
    if finding.pointer:
        result["properties"] = {"pointer": finding.pointer, "input": finding.path}
    if finding.remediation:
        fixes = sarif_fixes(finding.remediation)
        if fixes:
            result["fixes"] = fixes
        result.setdefault("properties", {})["remediation"] = sarif_properties(finding.remediation)
    if finding.waived:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{finding.waived['justification']} "
                f"(waiver {finding.waived['waiver']}, until {finding.waived['expires']})",
            }
        ]
    return result


def _invocation(result: RunResult) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    decisions = [
        {"input": item.path, "decisionId": item.decision_id}
        for item in result.inputs
        if item.decision_id
    ]
    if decisions:  # an OPA server's decision ids, to find each decision in its log
        invocation["properties"] = {"opaDecisions": decisions}
    return invocation


def as_document(result: RunResult) -> dict[str, Any]:
    index = {rule.rule_id: i for i, rule in enumerate(result.rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "asr-guard",
                        "version": result.version,
                        "semanticVersion": result.version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule) for rule in result.rules],
                        "properties": {"policyVersion": result.policy_version},
                    }
                },
                "results": [_result(finding, index) for finding in result.findings],
                "invocations": [_invocation(result)],
            }
        ],
    }


def render(result: RunResult, color: bool = False) -> str:
    return json.dumps(as_document(result), indent=2) + "\n"
