"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

As GitHub ingests it ("SARIF support for code scanning"): every result has a location with
a `region` (line 1 of the input when nothing better is known, as trivy and PSRule do), so
the upload computes its fingerprint; URIs are percent-encoded and relative to the
repository root (`uriBaseId` SRCROOT, in `originalUriBaseIds`); `partialFingerprints` are
unique per rule, resource and file; rules carry `problem.severity`, `precision` and
`security-severity`; at most MAX_RESULTS results a run (GitHub keeps 25,000), with a
notification saying how many were left out. A run that could not evaluate (exit 2) writes,
to an --output file, a log without results whose invocation says `executionSuccessful: false`
with the reason (`failure_document`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from validator import lazy
from validator.findings import Finding, Rule
from validator.remediation.render import sarif_fixes, sarif_properties
from validator.report.escape import json_text
from validator.report.paths import ROOT_ID, ReportOptions
from validator.report.wording import (
    NO_INVENTORY,
    no_inventory_note,
    skipped_rules_note,
    undecided_headline,
)
from validator.result import RunResult

if TYPE_CHECKING:
    from validator import rule_docs
else:
    rule_docs = lazy.module("validator.rule_docs")

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = (
    "https://learn.microsoft.com/azure/site-recovery/site-recovery-backup-interoperability"
)
LEVELS = {"deny": "error", "warn": "warning", "info": "note"}
# GitHub: problem.severity error/warning/recommendation; security-severity buckets
# (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low). A denial breaks disaster
# recovery of a VM: high; a warning: medium; information: low.
PROBLEM_SEVERITY = {"deny": "error", "warn": "warning", "info": "recommendation"}
SECURITY_SEVERITY = {"deny": "8.0", "warn": "5.0", "info": "2.0"}
MAX_RESULTS = 5_000  # GitHub keeps 25,000 results a run and shows the top 5,000


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
        "properties": {
            "tags": ["azure", "site-recovery", "backup", "reliability", rule.scenario],
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
            # documented scenarios are certain; the policies' own readings are high
            "precision": "very-high" if rule.status != "undecided" else "medium",
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _artifact(path: str, options: ReportOptions) -> dict[str, Any]:
    uri, base = options.uri(path)
    return {"uri": uri, "uriBaseId": base} if base else {"uri": uri}


def _result(finding: Finding, index: dict[str, int], options: ReportOptions) -> dict[str, Any]:
    file, line, column = options.where(finding)
    region = {"startLine": line or 1}
    if column:
        region["startColumn"] = column
    artifact = _artifact(file, options)
    identity = "\0".join((finding.rule_id, finding.resource, artifact["uri"], finding.message))
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message}. Workaround: {finding.workaround}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": artifact, "region": region},
                "logicalLocations": [{"fullyQualifiedName": finding.resource, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {
            "asrGuard/v2": hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
        },
    }
    properties: dict[str, Any] = {}
    if finding.pointer:
        properties = {"pointer": finding.pointer, "input": options.name(finding.path)}
    if line is None:
        properties["lineKnown"] = False  # line 1 stands for the file
    if finding.remediation:
        fixes = sarif_fixes(finding.remediation)
        if fixes:
            result["fixes"] = fixes
        properties["remediation"] = sarif_properties(finding.remediation)
    if properties:
        result["properties"] = properties
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


def _notification(
    level: str, text: str, path: str | None, options: ReportOptions
) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": level, "message": {"text": text}}
    if path is not None:
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": _artifact(path, options)}}
        ]
    return notification


def _invocation(
    result: RunResult, options: ReportOptions, left_out: int, index: dict[str, int]
) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if result.skipped_rules:  # the rules left out (--rule, --skip-rule): disabled for this run
        invocation["ruleConfigurationOverrides"] = [
            {
                "descriptor": {"id": rule_id, "index": index[rule_id]},
                "configuration": {"enabled": False},
            }
            for rule_id in result.skipped_rules
        ]
    notifications = [
        _notification("warning", no_inventory_note(options.name(path)), path, options)
        for path in result.blind_inputs
    ]
    undecided = len(result.undecided())
    if result.verdict == "undecided":
        notifications.append(_notification("warning", undecided_headline(undecided), None, options))
    if result.skipped_rules:
        notifications.append(
            _notification("note", skipped_rules_note(result.skipped_rules), None, options)
        )
    if left_out:
        notifications.append(
            _notification(
                "warning",
                f"{left_out} more result(s) were left out: a run holds at most {MAX_RESULTS} "
                "(denials first); the JSON report has all of them",
                None,
                options,
            )
        )
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    decisions = [
        {"input": options.name(item.path), "decisionId": item.decision_id}
        for item in result.inputs
        if item.decision_id
    ]
    if decisions:  # an OPA server's decision ids, to find each decision in its log
        invocation["properties"] = {"opaDecisions": decisions}
    return invocation


def as_document(
    result: RunResult,
    options: ReportOptions | None = None,
    max_results: int = MAX_RESULTS,
) -> dict[str, Any]:
    """The SARIF log of a run that evaluated (a run that could not: `failure_document`)."""
    options = options or ReportOptions()
    index = {rule.rule_id: i for i, rule in enumerate(result.rules)}
    findings = sorted(result.findings, key=lambda f: (bool(f.waived), f.severity_rank))
    kept = findings[:max_results]
    driver = _driver(result.version, result.rules) | {
        "properties": {"policyVersion": result.policy_version}
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "results": [_result(finding, index, options) for finding in kept],
        "invocations": [_invocation(result, options, len(findings) - len(kept), index)],
        "columnKind": "unicodeCodePoints",
        "properties": {"verdict": result.verdict}
        | ({"replication": NO_INVENTORY} if result.blind_inputs else {}),
    }
    if options.base is not None:
        run["originalUriBaseIds"] = {ROOT_ID: {"uri": options.base.as_uri() + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _driver(version: str, rules: Sequence[Rule]) -> dict[str, Any]:
    """The tool of every log, the rules' descriptors with it."""
    return {
        "name": "asr-guard",
        "version": version,
        "semanticVersion": version,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(rule) for rule in rules],
    }


def render(result: RunResult, options: ReportOptions) -> str:
    return json_text(json.dumps(as_document(result, options), indent=2)) + "\n"


def failure_document(reason: str, version: str, rules: tuple[Rule, ...] = ()) -> dict[str, Any]:
    """The SARIF log of a run that could not evaluate (exit 2): no results, and an invocation
    that says `executionSuccessful: false` with the one-line reason as an error notification,
    so that code scanning shows the failure. GitHub's upload API reports such a file as an
    "unsuccessful execution" (github/codeql-action#1732 uploads one for failed CodeQL runs),
    not as an analysis that found nothing, which would close every open alert."""
    run: dict[str, Any] = {
        "tool": {"driver": _driver(version, rules)},
        "results": [],
        "invocations": [
            {
                "executionSuccessful": False,
                "exitCode": 2,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": f"asr-guard could not evaluate: {reason}"},
                        "descriptor": {"id": "asr-guard/could-not-evaluate"},
                    }
                ],
            }
        ],
        "columnKind": "unicodeCodePoints",
        "properties": {"verdict": "error"},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_failure(reason: str, version: str, rules: tuple[Rule, ...] = ()) -> str:
    return json_text(json.dumps(failure_document(reason, version, rules), indent=2)) + "\n"
