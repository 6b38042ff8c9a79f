"""`--format text`: grouped by input and resource, the workaround on every finding.

Input text (paths, resource names, notes) is shown on one line with control characters
escaped (validator.report.escape): a report printed to a CI log cannot issue log commands.
The summary line says "PASSED", "UNDECIDED" or "FAILED"; only a failing run has the word
"fail" in it (Atlantis' custom policy check reads any "fail" in a tool's output as failure).
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from validator import lazy
from validator.report.escape import line as safe
from validator.report.paths import ReportOptions
from validator.report.wording import (
    NO_INVENTORY,
    no_inventory_note,
    skipped_rules_note,
    undecided_headline,
)
from validator.result import RunResult

if TYPE_CHECKING:
    from validator.remediation import render as remediation_render
else:
    remediation_render = lazy.module("validator.remediation.render")

_COLORS = {"deny": "\033[31m", "warn": "\033[33m", "info": "\033[36m", "pass": "\033[32m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"
VERDICTS = {"passed": "PASSED", "undecided": "UNDECIDED", "failed": "FAILED"}
_VERDICT_COLORS = {"passed": "pass", "undecided": "warn", "failed": "deny"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def render(result: RunResult, options: ReportOptions) -> str:
    color = options.color
    lines: list[str] = []
    for item in result.inputs:
        status = "no findings" if not item.findings else f"{len(item.findings)} finding(s)"
        name = safe(options.name(item.path))
        lines.append(_paint(f"{name} ({item.kind}): {status}", _BOLD, color))
        if result.known_only_from_input(item):
            lines.append(f"  note: {safe(no_inventory_note(options.name(item.path)))}")
        for note in item.notes:
            lines.append(f"  note: {safe(note)}")
        if item.unresolved:
            lines.append(
                f"  note: {len(item.unresolved)} template value(s) are known only at deployment "
                f"and were not checked, first: {safe(item.unresolved[0])}"
            )
        for resource, group in groupby(item.findings, key=lambda finding: finding.resource):
            lines.append(f"  {safe(resource)}")
            for finding in group:
                label = _paint(f"{finding.severity.upper():<4}", _COLORS[finding.severity], color)
                if finding.waived:
                    label = f"{label} (waived)"
                lines.append(f"    {label} {finding.rule_id} {safe(finding.message)}")
                if finding.waived:
                    lines.append(
                        f"         waived by {safe(finding.waived['source'])} until "
                        f"{safe(finding.waived['expires'])}: "
                        f"{safe(finding.waived['justification'])}"
                    )
                if finding.location:
                    where = finding.location
                    lines.append(f"         at: {safe(options.name(where.file))}:{where.line}")
                lines.append(f"         workaround: {finding.workaround}")
                if finding.remediation:
                    remediation = remediation_render.text_lines(finding.remediation)
                    lines += [f"         {safe(line)}" for line in remediation]
                lines.append(f"         docs: {finding.docs}")
    for path in result.skipped:
        lines.append(f"{safe(options.name(path))}: skipped (not a supported input kind)")
    if result.waivers:
        for waiver in result.waivers.expired:
            source = result.waivers.sources.get(waiver, "?")
            lines.append(
                f"waiver {safe(waiver)} ({safe(source)}) has expired: it no longer applies"
            )
        for waiver in result.waivers.unmatched:
            source = result.waivers.sources.get(waiver, "?")
            lines.append(f"waiver {safe(waiver)} ({safe(source)}) matched no finding")
    skipped_rules = result.skipped_rules
    if skipped_rules:
        lines.append(safe(skipped_rules_note(skipped_rules)))
    summary = result.summary()
    verdict = result.verdict
    undecided = len(result.undecided())
    lines.append(
        f"asr-guard: {summary['inputs']} input(s), {summary['deny']} deny, "
        f"{summary['warn']} warn, {summary['info']} info, {summary['waived']} waived, "
        f"{undecided} undecided (threshold: {result.fail_on}"
        + (f"; {NO_INVENTORY}" if result.blind_inputs else "")
        + (f"; {len(skipped_rules)} rule(s) skipped" if skipped_rules else "")
        + "): "
        + _paint(VERDICTS[verdict], _COLORS[_VERDICT_COLORS[verdict]], color)
        + (f" ({undecided_headline(undecided)})" if verdict == "undecided" else "")
    )
    return "\n".join(lines[-1:] if options.quiet else lines) + "\n"
