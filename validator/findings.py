"""Findings and the run result, as the policies decided them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from validator.errors import EngineError

SEVERITIES = ("deny", "warn", "info")
_FIELDS = ("rule_id", "severity", "scenario", "title", "resource", "message", "workaround", "docs")


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file (the input, or the .tf file of a plan) and a line."""

    file: str
    line: int
    column: int = 1


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    severity_rank: int
    resource: str
    rule_id: str
    message: str
    severity: str = field(compare=False)
    scenario: str = field(compare=False)
    title: str = field(compare=False)
    workaround: str = field(compare=False)
    docs: str = field(compare=False)
    pointer: str = field(default="", compare=False)  # where the input says it (JSON pointer)
    location: Location | None = field(default=None, compare=False)
    # Set by the policies when an active waiver covers the finding.
    waived: dict[str, str] | None = field(default=None, compare=False)

    def located(self, location: Location | None) -> Finding:
        return replace(self, location=location)

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "scenario": self.scenario,
            "title": self.title,
            "resource": self.resource,
            "path": self.path,
            "message": self.message,
            "workaround": self.workaround,
            "docs": self.docs,
        }
        if self.pointer:
            document["pointer"] = self.pointer
        if self.waived:
            document["waived"] = dict(self.waived)
        if self.location:
            document["location"] = {
                "file": self.location.file,
                "line": self.location.line,
                "column": self.location.column,
            }
        return document


def _waived(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise EngineError("malformed waiver in the decision")
    return {str(k): v for k, v in value.items()}


@dataclass(frozen=True)
class InputResult:
    path: str
    kind: str
    findings: tuple[Finding, ...]
    unresolved: tuple[str, ...] = ()  # template values known only at deployment
    notes: tuple[str, ...] = ()  # what asr-guard could not do for this input (locations)
    decision_id: str | None = None  # an OPA server's id of the decision (its decision log's)


def findings_from_decision(path: str, decision: Any, engine: str) -> tuple[str, list[Finding]]:
    """Read the entrypoint's value; any other shape means evaluation did not happen."""
    if not isinstance(decision, dict) or not isinstance(decision.get("findings"), list):
        raise EngineError(f"{engine} engine: {path}: the policy decision is undefined or malformed")
    findings = []
    for raw in decision["findings"]:
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in _FIELDS):
            raise EngineError(f"{engine} engine: {path}: malformed finding in the decision")
        if raw["severity"] not in SEVERITIES:
            raise EngineError(f"{engine} engine: {path}: unknown severity {raw['severity']!r}")
        findings.append(
            Finding(
                path=path,
                severity_rank=SEVERITIES.index(raw["severity"]),
                resource=raw["resource"],
                rule_id=raw["rule_id"],
                message=raw["message"],
                severity=raw["severity"],
                scenario=raw["scenario"],
                title=raw["title"],
                workaround=raw["workaround"],
                docs=raw["docs"],
                pointer=pointer if isinstance(pointer := raw.get("pointer"), str) else "",
                waived=_waived(raw.get("waived")),
            )
        )
    return str(decision.get("kind")), sorted(findings)


@dataclass(frozen=True)
class Rule:
    """A support-matrix scenario as a rule, for report formats that describe their rules."""

    rule_id: str
    scenario: str
    title: str
    severity: str
    status: str
    workaround: str
    docs: str


def rules_from_matrix(matrix: dict[str, Any]) -> tuple[Rule, ...]:
    rules = [
        Rule(
            row["rule_id"],
            scenario,
            row["title"],
            row["severity"],
            row["status"],
            row["workaround"],
            row["docs"],
        )
        for scenario, row in matrix["scenarios"].items()
    ]
    return tuple(sorted(rules, key=lambda rule: rule.rule_id))


@dataclass(frozen=True)
class WaiverReport:
    """Which waivers applied, which have expired (as the policies said), which matched nothing."""

    applied: tuple[str, ...]
    expired: tuple[str, ...]
    unmatched: tuple[str, ...]
    sources: dict[str, str]  # waiver id -> file:line

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "applied": list(self.applied),
            "expired": list(self.expired),
            "unmatched": list(self.unmatched),
        }


@dataclass(frozen=True)
class RunResult:
    version: str
    policy_version: str
    engine: str
    inputs: tuple[InputResult, ...]
    skipped: tuple[str, ...]
    fail_on: str = "deny"
    rules: tuple[Rule, ...] = ()
    waivers: WaiverReport | None = None

    def fails(self, finding: Finding) -> bool:
        """Whether this finding fails the run (--fail-on); a waived one never does."""
        if finding.waived:
            return False
        return finding.severity == "deny" or (self.fail_on == "warn" and finding.severity == "warn")

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.inputs for finding in result.findings]

    @property
    def passed(self) -> bool:
        return not any(self.fails(finding) for finding in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity and not f.waived)

    def summary(self) -> dict[str, Any]:
        return {
            "inputs": len(self.inputs),
            "deny": self.count("deny"),
            "warn": self.count("warn"),
            "info": self.count("info"),
            "waived": sum(1 for finding in self.findings if finding.waived),
            "passed": self.passed,
        }
