"""`--format markdown`: a pull-request comment or job summary."""

from __future__ import annotations

from validator.remediation.render import markdown as remediation_markdown
from validator.result import RunResult

LABELS = {"deny": "**deny**", "warn": "warn", "info": "info"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: RunResult, color: bool = False) -> str:
    summary = result.summary()
    verdict = "passed" if result.passed else "failed"
    lines = [
        f"## asr-guard: {verdict}",
        "",
        f"{summary['inputs']} input(s) checked: **{summary['deny']} deny**, "
        f"{summary['warn']} warn, {summary['info']} info (fails on {result.fail_on}).",
        "",
    ]
    if result.findings:
        lines += [
            "| Severity | Rule | Resource | Where | Finding | Workaround |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for finding in result.findings:
            where = finding.path
            if finding.location:
                where = f"{finding.location.file}:{finding.location.line}"
            label = LABELS[finding.severity] + (" (waived)" if finding.waived else "")
            lines.append(
                f"| {label} | [{finding.rule_id}]({finding.docs}) "
                f"| `{_cell(finding.resource)}` | `{_cell(where)}` | {_cell(finding.message)} "
                f"| {_cell(finding.workaround)} |"
            )
        lines.append("")
    else:
        lines += ["No change touches Site Recovery replication.", ""]
    lines += _remediations(result)
    return "\n".join(lines)


def _remediations(result: RunResult) -> list[str]:
    """Each denial's remediation: its steps, the patch and the runbook."""
    sections = [
        remediation_markdown(f.remediation, f.as_dict()) for f in result.findings if f.remediation
    ]
    return ["### Remediations", "", *sections] if sections else []
