"""Findings as the policies decide them, and the rules (support-matrix scenarios) they come from."""

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
    # A denial's remediation as the policies chose it (policies/asr_guard/rules/remediation.rego).
    remediation: dict[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, raw: Any, path: str, engine: str) -> Finding:
        """A finding from the policy decision; any other shape means evaluation did not happen."""
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in _FIELDS):
            raise EngineError(f"{engine} engine: {path}: malformed finding in the decision")
        if raw["severity"] not in SEVERITIES:
            raise EngineError(f"{engine} engine: {path}: unknown severity {raw['severity']!r}")
        return cls(
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
            remediation=_remediation(raw.get("remediation"), path, engine),
        )

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
        if self.remediation:
            document["remediation"] = self.remediation
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


_REMEDIATION_FIELDS = {"id": str, "strategy": str, "title": str, "steps": list, "expect": list}


def _remediation(value: Any, path: str, engine: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(key), kind) for key, kind in _REMEDIATION_FIELDS.items()
    ):
        raise EngineError(f"{engine} engine: {path}: malformed remediation in the decision")
    return value


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
