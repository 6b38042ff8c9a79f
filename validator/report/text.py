"""`--format text`: grouped by input and resource, the workaround on every finding."""

from __future__ import annotations

from itertools import groupby

from validator.remediation.render import text_lines
from validator.result import RunResult

_COLORS = {"deny": "\033[31m", "warn": "\033[33m", "info": "\033[36m", "pass": "\033[32m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def render(result: RunResult, color: bool = False) -> str:
    lines: list[str] = []
    for item in result.inputs:
        status = "no findings" if not item.findings else f"{len(item.findings)} finding(s)"
        lines.append(_paint(f"{item.path} ({item.kind}): {status}", _BOLD, color))
        for note in item.notes:
            lines.append(f"  note: {note}")
        if item.unresolved:
            lines.append(
                f"  note: {len(item.unresolved)} template value(s) are known only at deployment "
                f"and were not checked, first: {item.unresolved[0]}"
            )
        for resource, group in groupby(item.findings, key=lambda finding: finding.resource):
            lines.append(f"  {resource}")
            for finding in group:
                label = _paint(f"{finding.severity.upper():<4}", _COLORS[finding.severity], color)
                if finding.waived:
                    label = f"{label} (waived)"
                lines.append(f"    {label} {finding.rule_id} {finding.message}")
                if finding.waived:
                    lines.append(
                        f"         waived by {finding.waived['source']} until "
                        f"{finding.waived['expires']}: {finding.waived['justification']}"
                    )
                if finding.location:
                    where = finding.location
                    lines.append(f"         at: {where.file}:{where.line}")
                lines.append(f"         workaround: {finding.workaround}")
                if finding.remediation:
                    lines += [f"         {line}" for line in text_lines(finding.remediation)]
                lines.append(f"         docs: {finding.docs}")
    for path in result.skipped:
        lines.append(f"{path}: skipped (not a supported input kind)")
    if result.waivers:
        for waiver in result.waivers.expired:
            lines.append(
                f"waiver {waiver} ({result.waivers.sources.get(waiver, '?')}) has expired: "
                "it no longer applies"
            )
        for waiver in result.waivers.unmatched:
            lines.append(
                f"waiver {waiver} ({result.waivers.sources.get(waiver, '?')}) matched no finding"
            )
    summary = result.summary()
    verdict = "PASSED" if result.passed else "FAILED"
    verdict_style = _COLORS["pass"] if result.passed else _COLORS["deny"]
    lines.append(
        f"asr-guard: {summary['inputs']} input(s), {summary['deny']} deny, "
        f"{summary['warn']} warn, {summary['info']} info, {summary['waived']} waived "
        f"(fail on {result.fail_on}): " + _paint(verdict, verdict_style, color)
    )
    return "\n".join(lines) + "\n"
