"""`--format markdown`: a pull-request comment or job summary."""

from __future__ import annotations

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
    return "\n".join(lines)
