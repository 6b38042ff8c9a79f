"""`--format github` and `--format azure`: annotations in the CI tools' own log commands.

Input text is put on one line (validator.report.escape) before the command's own escaping,
so nothing an input says can end a command and start another. GitHub shows 10 error and
10 warning annotations per step: denials come first, and what is over the cap is counted
in one notice. Azure wants an absolute `sourcepath`; GitHub a path from the repository root.
"""

from __future__ import annotations

from validator.findings import Finding
from validator.report.escape import line as safe
from validator.report.paths import ReportOptions
from validator.report.wording import NO_INVENTORY, no_inventory_note, undecided_headline
from validator.result import RunResult

# GitHub shows this many annotations of each kind per step (the rest only in the log).
GITHUB_CAP = 10
GITHUB_COMMANDS = {"deny": "error", "warn": "warning", "info": "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_command(command: str, properties: dict[str, str], message: str) -> str:
    joined = ",".join(f"{key}={_github_property(value)}" for key, value in properties.items())
    return (
        f"::{command} {joined}::{_github_data(message)}"
        if joined
        else (f"::{command}::{_github_data(message)}")
    )


def _order(finding: Finding) -> tuple[int, int]:
    """Denials first, then warnings, then notices (waived findings are notices)."""
    return (3 if finding.waived else finding.severity_rank, 0)


def render_github(result: RunResult, options: ReportOptions) -> str:
    """GitHub Actions workflow commands: ::error file=...,line=...,title=...::message"""
    lines = []
    shown: dict[str, int] = {}
    over: dict[str, int] = {}
    for path in result.blind_inputs:
        name = options.name(path)
        lines.append(
            _github_command("warning", {"file": name, "title": NO_INVENTORY},
                            safe(no_inventory_note(name)))
        )  # fmt: skip
        shown["warning"] = shown.get("warning", 0) + 1
    for finding in sorted(result.findings, key=_order):
        command = "notice" if finding.waived else GITHUB_COMMANDS[finding.severity]
        if shown.get(command, 0) >= GITHUB_CAP:
            over[command] = over.get(command, 0) + 1
            continue
        shown[command] = shown.get(command, 0) + 1
        file, line, _ = options.where(finding)
        properties = {"file": options.name(file)}
        if line is not None:
            properties["line"] = str(line)
        properties["title"] = f"{finding.rule_id} {safe(finding.title)}"
        message = f"{safe(finding.message)}\nWorkaround: {finding.workaround}\n{finding.docs}"
        if finding.waived:
            message = f"(waived until {safe(finding.waived['expires'])}) {message}"
        lines.append(_github_command(command, properties, message))
    if over:
        counted = ", ".join(f"{count} {command}(s)" for command, count in over.items())
        lines.append(
            _github_command(
                "notice",
                {"title": "asr-guard: more findings"},
                f"{counted} more, not annotated (GitHub shows {GITHUB_CAP} of each kind per "
                "step): see the job summary or the report files",
            )
        )
    undecided = len(result.undecided())
    if result.verdict == "undecided":
        lines.append(
            _github_command("warning", {"title": "asr-guard: undecided"},
                            undecided_headline(undecided))
        )  # fmt: skip
    return "".join(line + "\n" for line in lines)


def _azure(text: str) -> str:
    return (
        text.replace("%", "%AZP25")
        .replace(";", "%3B")
        .replace("]", "%5D")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
    )


def _azure_issue(kind: str, properties: list[str], message: str) -> str:
    return f"##vso[task.logissue {';'.join([f'type={kind}', *properties])}]{_azure(message)}"


def render_azure(result: RunResult, options: ReportOptions) -> str:
    """Azure Pipelines logging commands: ##vso[task.logissue type=error;sourcepath=...]message"""
    lines = []
    for path in result.blind_inputs:
        source = options.absolute(path).as_posix() if path != "-" or options.stdin_name else ""
        lines.append(
            _azure_issue(
                "warning",
                [f"sourcepath={_azure(source)}"] if source else [],
                safe(no_inventory_note(options.name(path))),
            )
        )
    for finding in sorted(result.findings, key=_order):
        message = f"{finding.rule_id} {safe(finding.message)}. Workaround: {finding.workaround}"
        if finding.severity == "info" or finding.waived:
            state = f"waived until {finding.waived['expires']}" if finding.waived else "info"
            lines.append(f"{finding.rule_id} ({safe(state)}) {safe(finding.message)}")
            continue
        file, line, column = options.where(finding)
        properties = []
        if file != "-" or options.stdin_name:
            properties.append(f"sourcepath={_azure(options.absolute(file).as_posix())}")
        if line is not None:
            properties.append(f"linenumber={line}")
        if column is not None:
            properties.append(f"columnnumber={column}")
        properties.append(f"code={finding.rule_id}")
        kind = "error" if finding.severity == "deny" else "warning"
        lines.append(_azure_issue(kind, properties, message))
    if result.verdict == "undecided":
        lines.append(_azure_issue("warning", [], undecided_headline(len(result.undecided()))))
    return "".join(line + "\n" for line in lines)


def render_error(fmt: str, message: str) -> str:
    """The one-line reason of an exit 2 as an error annotation of the CI system."""
    text = safe(f"asr-guard: {message}")
    if fmt == "github":
        return _github_command("error", {"title": "asr-guard could not evaluate"}, text) + "\n"
    return _azure_issue("error", [], text) + "\n"
