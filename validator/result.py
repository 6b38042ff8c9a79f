"""The result of a run: each input's findings, the waivers' use, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from validator.findings import Finding, Rule
from validator.policy import RuleSelection

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
    # What the policies knew of replication (data.asr_guard.main.report.replication):
    # whether the input itself names replicated VMs, and how many the inventory lists.
    named_by_input: bool = False
    inventory_vms: int = 0


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
    inventory_given: bool = False  # an inventory was named (--inventory)
    # The rules the policies reported and left out (--rule, --skip-rule); None: not said.
    selected_rules: RuleSelection | None = None

    @property
    def skipped_rules(self) -> tuple[str, ...]:
        """The rules the policies left out of this run (--rule, --skip-rule)."""
        return self.selected_rules.skipped if self.selected_rules else ()

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

    @property
    def undecided_rules(self) -> frozenset[str]:
        """The rules that say the policies could not decide (status "undecided")."""
        return frozenset(rule.rule_id for rule in self.rules if rule.status == UNDECIDED)

    def undecided(self, item: InputResult | None = None) -> list[Finding]:
        """Findings (not waived) of values the policies could not decide."""
        rules = self.undecided_rules
        findings = item.findings if item is not None else self.findings
        return [f for f in findings if f.rule_id in rules and not f.waived]

    def known_only_from_input(self, item: InputResult) -> bool:
        """No inventory was given, none was loaded in the policies' data, and the input
        names no replicated VM itself: what is replicated is known only from the input."""
        return not self.inventory_given and not item.inventory_vms and not item.named_by_input

    @property
    def blind_inputs(self) -> list[str]:
        """The inputs whose replication is known only from the input (no inventory)."""
        return [item.path for item in self.inputs if self.known_only_from_input(item)]

    @property
    def verdict(self) -> str:
        """failed (the run fails), undecided (it does not, but a value could not be decided)
        or passed. A run with undecided values is never called passed."""
        if not self.passed:
            return "failed"
        return "undecided" if self.undecided() else "passed"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity and not f.waived)

    def summary(self) -> dict[str, Any]:
        return {
            "inputs": len(self.inputs),
            "deny": self.count("deny"),
            "warn": self.count("warn"),
            "info": self.count("info"),
            "waived": sum(1 for finding in self.findings if finding.waived),
            "undecided": len(self.undecided()),
            "passed": self.passed,
            "verdict": self.verdict,
        }
