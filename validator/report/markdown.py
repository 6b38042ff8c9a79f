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


# A pull-request comment holds 65,536 characters: the remediations shown in full stay within
# this many, the others are counted (asr-guard fix writes them all).
REMEDIATION_BUDGET = 40_000


def _remediations(result: RunResult) -> list[str]:
    """Each denial's remediation: its steps, the patch and the runbook."""
    denials = [f for f in result.findings if f.remediation]
    sections: list[str] = []
    used = 0
    for finding in denials:
        section = remediation_markdown(finding.remediation or {}, finding.as_dict())
        if sections and used + len(section) > REMEDIATION_BUDGET:
            break
        sections.append(section)
        used += len(section)
    if len(sections) < len(denials):
        sections.append(
            f"{len(denials) - len(sections)} more remediation(s) not shown here: "
            "`asr-guard fix --output-dir DIR` writes them all.\n"
        )
    return ["### Remediations", "", *sections] if sections else []
