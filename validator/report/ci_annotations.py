"""`--format github` and `--format azure`: annotations in the CI tools' own log commands."""

from __future__ import annotations

from validator.findings import Finding
from validator.result import RunResult


def _where(finding: Finding) -> tuple[str, int | None]:
    if finding.location:
        return finding.location.file, finding.location.line
    return finding.path, None


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


GITHUB_COMMANDS = {"deny": "error", "warn": "warning", "info": "notice"}


def render_github(result: RunResult, color: bool = False) -> str:
    """GitHub Actions workflow commands: ::error file=...,line=...,title=...::message"""
    lines = []
    for finding in result.findings:
        file, line = _where(finding)
        properties = [f"file={_github_property(file)}"]
        if line is not None:
            properties.append(f"line={line}")
        properties.append(f"title={_github_property(f'{finding.rule_id} {finding.title}')}")
        message = f"{finding.message}\nWorkaround: {finding.workaround}\n{finding.docs}"
        command = "notice" if finding.waived else GITHUB_COMMANDS[finding.severity]
        if finding.waived:
            message = f"(waived until {finding.waived['expires']}) {message}"
        lines.append(f"::{command} {','.join(properties)}::{_github_data(message)}")
    return "".join(line + "\n" for line in lines)


def _azure(text: str) -> str:
    return (
        text.replace("%", "%AZP25")
        .replace(";", "%3B")
        .replace("]", "%5D")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
    )


def render_azure(result: RunResult, color: bool = False) -> str:
    """Azure Pipelines logging commands: ##vso[task.logissue type=error;sourcepath=...]message"""
    lines = []
    for finding in result.findings:
        message = f"{finding.rule_id} {finding.message}. Workaround: {finding.workaround}"
        if finding.severity == "info" or finding.waived:
            state = f"waived until {finding.waived['expires']}" if finding.waived else "info"
            lines.append(f"{finding.rule_id} ({state}) {finding.message}")
            continue
        file, line = _where(finding)
        properties = [
            f"type={'error' if finding.severity == 'deny' else 'warning'}",
            f"sourcepath={_azure(file)}",
        ]
        if line is not None:
            properties.append(f"linenumber={line}")
        if finding.location:
            properties.append(f"columnnumber={finding.location.column}")
        properties.append(f"code={finding.rule_id}")
        lines.append(f"##vso[task.logissue {';'.join(properties)}]{_azure(message)}")
    return "".join(line + "\n" for line in lines)
