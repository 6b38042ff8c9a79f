"""A remediation as the reports show it: text lines, a markdown section (the pull-request
comment: the patch and the runbook), SARIF fixes (file patches only) and properties.

Only rendering: the remediation is the policies' (rules/remediation.rego), its patches are
validator.remediation.fix's (with_patches). Commands are argument lists, quoted here.
"""

from __future__ import annotations

import re
from typing import Any

from validator.remediation import quoting, runbook
from validator.report import escape


def terraform_commands(op: str, remediation: dict[str, Any]) -> list[list[str]]:
    """The command lines of a Terraform command step, as argument lists."""
    item = quoting.tf_address(remediation["params"]["item"]["address"], "the replicated item")
    plan = ["terraform", "plan", "-out=asr-guard-fix.tfplan"]
    show = ["terraform", "show", "-json", "asr-guard-fix.tfplan"]
    if op == "terraform_plan_replace":
        return [[*plan, f"-replace={item}"], show]
    if op == "terraform_plan":
        return [plan, show]
    if op == "terraform_apply_plan":
        return [["terraform", "apply", "asr-guard-fix.tfplan"]]
    if op == "terraform_apply_destroy_item":
        return [["terraform", "apply", "-destroy", f"-target={item}"]]
    return []


def _is_terraform(remediation: dict[str, Any]) -> bool:
    return bool(remediation.get("params", {}).get("item")) and str(
        remediation.get("strategy", "")
    ).startswith("terraform-")


def _step_commands(step: dict[str, Any], remediation: dict[str, Any]) -> list[str]:
    try:
        if _is_terraform(remediation):
            lines = [quoting.bash(argv) for argv in terraform_commands(step["op"], remediation)]
            if step["op"] == "expect_remediation":
                lines.append(
                    "asr-guard check plan.json --expect-remediation remediation.json "
                    "(remediation.json: asr-guard fix)"
                )
            return lines
    except quoting.UnsafeValue as exc:
        return [f"(not rendered: {exc})"]
    return []


def text_lines(remediation: dict[str, Any]) -> list[str]:
    """The remediation under a finding of the text report."""
    lines = [f"remediation: {remediation['id']}: {remediation['title']}"]
    for number, step in enumerate(remediation["steps"], start=1):
        lines.append(f"  {number}. [{step['kind']}] {step['text']}")
        lines += [f"     $ {command}" for command in _step_commands(step, remediation)]
    for patch in remediation.get("patches", []):
        where = patch.get("file") or patch.get("note") or ""
        lines.append(f"  patch ({patch['op']}): {where}")
    for phase in remediation["expect"]:
        lines.append(
            f"  expect (phase {phase['phase']}): "
            + ", ".join([*phase["present"], *(f"no {r}" for r in phase["absent"])])
        )
    lines += [f"  risk: {risk['text']}" for risk in remediation["risks"]]
    if remediation["strategy"].startswith(("terraform-", "runbook-")):
        lines.append("  (asr-guard fix --output-dir DIR writes the patches and scripts)")
    return lines


def _fence(text: str, language: str) -> str:
    """A fenced code block no content can close early: a fence longer than any run of
    backticks in the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def markdown(remediation: dict[str, Any], finding: dict[str, Any]) -> str:
    """A finding's remediation in the pull-request comment: steps, patch, runbook."""
    title = _inline(f"{finding['rule_id']} {finding['resource']}: {remediation['title']}")
    lines = [f"<details><summary>Remediation {_inline(remediation['id'])}: {title}</summary>", ""]
    for number, step in enumerate(remediation["steps"], start=1):
        lines.append(f"{number}. **{step['kind']}**: {_inline(step['text'])}")
    commands = [c for step in remediation["steps"] for c in _step_commands(step, remediation)]
    if commands:
        lines += ["", _fence("\n".join(commands), "sh")]
    for patch in remediation.get("patches", []):
        lines.append("")
        if patch.get("diff"):
            lines += [
                f"Patch of {escape.markdown_code(patch['file'])}:",
                "",
                _fence(patch["diff"], "diff"),
            ]
        else:
            note = f" ({_inline(patch['note'])})" if patch.get("note") else ""
            lines += [f"Change{note}:", "", _fence(patch["fragment"], "hcl")]
    if remediation["strategy"].startswith("runbook-"):
        try:
            script = runbook.bash(remediation, finding)
        except quoting.UnsafeValue as exc:
            script = f"# not rendered: {exc}"
        lines += ["", "Runbook (bash; `asr-guard fix` also writes it for PowerShell):", ""]
        lines.append(_fence(script, "bash"))
    expects = [
        f"phase {p['phase']}: " + ", ".join([*p["present"], *(f"no {r}" for r in p["absent"])])
        for p in remediation["expect"]
    ]
    if expects:
        lines += ["", "asr-guard must then report: " + "; ".join(expects) + "."]
    lines += ["", "Risks:", *(f"- {_inline(r['text'])}" for r in remediation["risks"])]
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Text in markdown outside code: one line, no HTML, no markdown that could link. As
    character references (validator.report.escape), which also hold inside the HTML of
    <summary>, where backslash escapes do not."""
    return escape.markdown(text)


def sarif_fixes(remediation: dict[str, Any]) -> list[dict[str, Any]]:
    """SARIF `fixes`: file patches only (a fix needs at least one artifactChange)."""
    fixes = []
    for patch in remediation.get("patches", []):
        if not patch.get("file"):
            continue
        fixes.append(
            {
                "description": {"text": f"{remediation['id']}: {patch['op']}"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": patch["file"]},
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "startLine": patch["start_line"],
                                    "endLine": patch["end_line"],
                                },
                                "insertedContent": {"text": patch["replacement"]},
                            }
                        ],
                    }
                ],
            }
        )
    return fixes


def sarif_properties(remediation: dict[str, Any]) -> dict[str, Any]:
    """What SARIF has no place for: the strategy, the ordered steps and their commands."""
    return {
        "id": remediation["id"],
        "strategy": remediation["strategy"],
        "steps": [
            {
                "kind": step["kind"],
                "text": step["text"],
                "commands": _step_commands(step, remediation),
            }
            for step in remediation["steps"]
        ],
        "expect": remediation["expect"],
        "risks": [risk["id"] for risk in remediation["risks"]],
    }
