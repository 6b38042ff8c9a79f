"""`--format markdown`: a pull-request comment or job summary.

Findings are grouped by rule, a table each (the short resource name, where, the finding),
the full resource ids and the workaround in `<details>`. The whole stays under a size
budget (GitHub refuses comments over 65,536 characters and step summaries over 1 MiB): what
does not fit is counted in a "N more in the report files" line. A hidden marker names the
report (`--title`), so a workflow can find and update its own comment per root module.
Input text is escaped (validator.report.escape): no HTML, image, link, code span or mention
can come from an input.
"""

from __future__ import annotations

import re
from itertools import groupby

from validator.findings import Finding
from validator.remediation.render import markdown as remediation_markdown
from validator.report.escape import markdown as md
from validator.report.escape import markdown_code as code
from validator.report.paths import ReportOptions
from validator.report.wording import (
    NO_INVENTORY,
    no_inventory_note,
    skipped_rules_note,
    undecided_headline,
)
from validator.result import RunResult

LABELS = {"deny": "**deny**", "warn": "warn", "info": "info"}
# Below GitHub's 65,536-character comment limit, with room for a workflow's own words.
BUDGET = 60_000
MARKER = "asr-guard-report"


def marker(title: str | None) -> str:
    """The hidden line a workflow finds its comment by: one per --title."""
    key = re.sub(r"[^A-Za-z0-9._/-]+", "-", title or "default")[:100]
    return f"<!-- {MARKER}: {key} -->"


def _short(resource: str) -> str:
    """A resource id's type and name (…/virtualMachines/vm1), a Terraform address whole."""
    parts = [part for part in resource.split("/") if part]
    return "/".join(parts[-2:]) if resource.startswith("/") and len(parts) >= 2 else resource


def _where(finding: Finding, options: ReportOptions) -> str:
    file, line, _ = options.where(finding)
    name = options.name(file)
    return f"{name}:{line}" if line is not None else name


def _header(first: Finding) -> list[str]:
    return [
        "",
        f"### [{first.rule_id}]({first.docs}) {md(first.title)} ({LABELS[first.severity]})",
        "",
        "| Resource | Where | Finding |",
        "| --- | --- | --- |",
    ]


def _row(finding: Finding, options: ReportOptions) -> str:
    waived = f" (waived until {md(finding.waived['expires'])})" if finding.waived else ""
    return (
        f"| {code(_short(finding.resource))} | {code(_where(finding, options))} "
        f"| {md(finding.message)}{waived} |"
    )


def _details(first: Finding, resources: list[str]) -> list[str]:
    return [
        "",
        "<details><summary>Workaround and full resource ids</summary>",
        "",
        f"**Workaround:** {md(first.workaround)}",
        "",
        *resources,
        "",
        "</details>",
    ]


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _waivers(result: RunResult) -> list[str]:
    waivers = result.waivers
    if not waivers:
        return []
    waived = sum(1 for finding in result.findings if finding.waived)
    lines = ["", "### Waivers", ""]
    lines.append(f"- {waived} finding(s) waived by: {', '.join(map(code, waivers.applied))}"
                 if waivers.applied else "- no finding waived")  # fmt: skip
    for waiver in waivers.expired:
        source = waivers.sources.get(waiver, "?")
        lines.append(f"- waiver {code(waiver)} ({code(source)}) **has expired**: it no longer "
                     "applies")  # fmt: skip
    for waiver in waivers.unmatched:
        source = waivers.sources.get(waiver, "?")
        lines.append(f"- waiver {code(waiver)} ({code(source)}) matched no finding")
    return lines


def render(result: RunResult, options: ReportOptions, budget: int = BUDGET) -> str:
    summary = result.summary()
    verdict = result.verdict
    title = f" ({md(options.title)})" if options.title else ""
    head = [
        marker(options.title),
        f"## asr-guard: {verdict}{title}",
        "",
        f"{summary['inputs']} input(s) checked: **{summary['deny']} deny**, "
        f"{summary['warn']} warn, {summary['info']} info, {summary['waived']} waived "
        f"(threshold: {result.fail_on}).",
    ]
    undecided = result.undecided()
    if undecided:
        head += [
            "",
            f"> **Could not decide:** {undecided_headline(len(undecided))}; each is listed "
            "below. They fail the run (the gate fails closed) unless `--fail-on deny`.",
        ]
    if result.blind_inputs:
        head += ["", f"> **{NO_INVENTORY[0].upper()}{NO_INVENTORY[1:]}:**"]
        head += [f"> - {md(no_inventory_note(options.name(path)))}" for path in result.blind_inputs]
    if result.skipped_rules:
        head += ["", f"> {md(skipped_rules_note(result.skipped_rules))}"]
    notes = [(item.path, note) for item in result.inputs for note in item.notes]
    tail = _remediations(result) + _waivers(result)
    if notes:
        tail += ["", "<details><summary>Notes</summary>", ""]
        tail += [f"- {code(options.name(path))}: {md(note)}" for path, note in notes[:50]]
        if len(notes) > 50:
            tail.append(f"- {len(notes) - 50} more in the report files")
        tail += ["", "</details>"]
    if not result.findings:
        none = (
            "No finding of the rules checked."
            if result.skipped_rules
            else "No change touches Site Recovery replication."
        )
        return "\n".join([*head, "", none, *tail]) + "\n"
    used = sum(len(line) + 1 for line in head + tail) + 200
    body: list[str] = []
    left = 0
    ordered = sorted(result.findings, key=lambda f: (bool(f.waived), f.severity_rank, f.rule_id))
    for _, group in groupby(ordered, key=lambda f: (bool(f.waived), f.rule_id)):
        findings = list(group)
        first = findings[0]
        size = _size(_header(first)) + _size(_details(first, []))
        rows: list[str] = []
        resources: dict[str, str] = {}
        for finding in findings:
            row = _row(finding, options)
            resource = "" if finding.resource in resources else f"- {code(finding.resource)}"
            grown = len(row) + 1 + (len(resource) + 1 if resource else 0)
            if used + size + grown > budget:
                break
            rows.append(row)
            if resource:
                resources[finding.resource] = resource
            size += grown
        left += len(findings) - len(rows)
        if rows:
            body += [*_header(first), *rows, *_details(first, sorted(resources.values()))]
            used += size
    if left:
        body += ["", f"**{left} more finding(s)** in the report files (the job's artifact)."]
    return "\n".join(head + body + tail) + "\n"


# The share of the comment the remediations may take; the rest are in `asr-guard fix`.
REMEDIATION_BUDGET = 20_000


def _remediations(result: RunResult) -> list[str]:
    """Each denial's remediation: its steps, the patch and the runbook, within a budget."""
    sections: list[str] = []
    left = 0
    for finding in result.findings:
        if not finding.remediation:
            continue
        section = remediation_markdown(finding.remediation, finding.as_dict())
        if _size(sections) + len(section) + 1 > REMEDIATION_BUDGET:
            left += 1
            continue
        sections.append(section)
    if left:
        sections.append(f"**{left} more remediation(s):** `asr-guard fix` writes them all.")
    return ["", "### Remediations", "", *sections] if sections else []
