"""The result of a run: each input's findings, the waivers' use, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from validator.findings import Finding, Rule

# The policies' scenario for a value they read but cannot know (rule ASR020).
UNDECIDED = "undecided"


@dataclass(frozen=True)
class InputResult:
    path: str
    kind: str
    findings: tuple[Finding, ...]
    unresolved: tuple[str, ...] = ()  # template values known only at deployment
    notes: tuple[str, ...] = ()  # what asr-guard could not do for this input (locations)
    decision_id: str | None = None  # an OPA server's id of the decision (its decision log's)


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
    fail_on: str = "undecided"
    rules: tuple[Rule, ...] = ()
    waivers: WaiverReport | None = None

    def fails(self, finding: Finding) -> bool:
        """Whether this finding fails the run (--fail-on); a waived one never does.

        --fail-on deny: denials only; undecided (the default, fail closed): denials and what
        the policies could not decide (their `undecided` scenario, ASR020); warn: every warning.
        """
        if finding.waived:
            return False
        if finding.severity == "deny":
            return True
        if finding.scenario == UNDECIDED and self.fail_on in ("undecided", "warn"):
            return True
        return self.fail_on == "warn" and finding.severity == "warn"

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
