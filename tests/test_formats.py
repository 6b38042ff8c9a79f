"""Every output format, produced from denying fixtures and checked as its consumers read it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import (
    CORPUS,
    EXAMPLES,
    FIXTURES,
    INVENTORY,
    MODULE_PLAN,
    ROOT,
    SAFE_PLAN,
)
from validator import report
from validator.cli import main
from validator.errors import UsageError
from validator.policy import load_pack

SCOPE = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu"
# Denying inputs of every kind, with the options each needs.
DENYING = [
    str(EXAMPLES / "restore" / "vm-restore-in-place.json"),
    str(EXAMPLES / "restore" / "disks-restore-in-place.yaml"),
    str(EXAMPLES / "whatif" / "delete-replicated-vm.whatif.json"),
    str(FIXTURES / "arm" / "module-disks-from-snapshots.json"),
    str(MODULE_PLAN),
]
OPTIONS = [
    "--inventory", str(INVENTORY / "replicated-vms.yaml"),
    "--scope", SCOPE,
    "--tf-dir", str(FIXTURES / "tfconfig"),
    "--path-base", str(ROOT),
]  # fmt: skip
# The inputs as the reports name them: relative to the repository root.
NAMES = [str(Path(path).relative_to(ROOT)) for path in DENYING]


def produce(fmt: str, tmp_path: Path, extra: list[str] | None = None) -> tuple[int, str]:
    target = tmp_path / f"report.{fmt}"
    code = main(
        ["check", *DENYING, *OPTIONS, *(extra or []), "--format", fmt, "--output", str(target)]
    )
    return code, target.read_text(encoding="utf-8")


def json_findings(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    main(["check", *DENYING, *OPTIONS, "--format", "json"])
    findings: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def test_sarif_is_valid_against_the_official_schema(tmp_path: Path) -> None:
    code, text = produce("sarif", tmp_path)
    sarif = json.loads(text)
    schema = json.loads((CORPUS / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)
    assert code == 1
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for rule in rules:
        assert rule["helpUri"].startswith("https://")
        assert "Workaround:" in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert "Workaround:" in result["message"]["text"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
    artifacts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {
        "uri": "tests/fixtures/tfconfig/modules/data_disks/main.tf",
        "uriBaseId": "SRCROOT",
    } in (artifacts)
    assert {a["uri"] for a in artifacts} == {
        *NAMES[:-1],
        "tests/fixtures/tfconfig/modules/data_disks/main.tf",
    }
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == ROOT.resolve().as_uri() + "/"


def test_junit_parses_back_with_one_case_per_input_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = produce("junit", tmp_path)
    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == NAMES
    restore = {case.get("name", "").split()[0] for case in suites[0].findall("testcase")}
    assert restore == {"ASR001", "ASR002", "ASR003", "ASR010"}  # the restore rules
    whatif = {case.get("name", "").split()[0] for case in suites[2].findall("testcase")}
    rows = load_pack().matrix["scenarios"].values()
    assert whatif == {row["rule_id"] for row in rows if "arm-whatif" in row["applies_to"]}
    assert not whatif & {"ASR001", "ASR003", "ASR010", "ASR026"}  # restore / plan-only rules
    failed = {
        (suite.get("name"), case.get("name", "").split()[0])
        for suite in suites
        for case in suite.findall("testcase")
        if case.find("failure") is not None
    }
    expected = {(f["path"], f["rule_id"]) for f in json_findings(capsys) if f["severity"] == "deny"}
    assert failed == expected
    assert code == 1
    for suite in suites:
        assert int(suite.get("failures", "0")) == sum(
            1 for case in suite.findall("testcase") if case.find("failure") is not None
        )


def test_github_annotations_carry_file_line_and_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text = produce("github", tmp_path)
    lines = text.splitlines()
    findings = json_findings(capsys)
    assert len(lines) == len(findings)
    for line, finding in zip(lines, findings, strict=True):
        location = finding["location"]
        assert line.startswith(
            f"::error file={location['file']},line={location['line']},title={finding['rule_id']} "
        )
        assert "%0AWorkaround: " in line
        assert "\n" not in line


def test_azure_logging_commands_carry_sourcepath_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text = produce("azure", tmp_path)
    lines = text.splitlines()
    findings = json_findings(capsys)
    for line, finding in zip(lines, findings, strict=True):
        location = finding["location"]
        assert line.startswith(
            f"##vso[task.logissue type=error;sourcepath={ROOT.resolve() / location['file']};"
            f"linenumber={location['line']};columnnumber={location['column']};code={finding['rule_id']}]"
        )
        message = line.split("]", 1)[1]
        assert ";" not in message and "]" not in message


def test_annotation_escaping() -> None:
    from validator.report.ci_annotations import _azure, _github_data, _github_property

    assert _github_data("50%\nnext") == "50%25%0Anext"
    assert _github_property("a:b,c") == "a%3Ab%2Cc"
    assert _azure("a;b]c%\r\n") == "a%3Bb%5Dc%AZP25%0D%0A"


def test_markdown_is_a_table_with_workarounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text = produce("markdown", tmp_path)
    assert text.splitlines()[1] == "## asr-guard: failed"
    rows = [line for line in text.splitlines() if line.startswith("| <code>")]
    findings = json_findings(capsys)
    assert len(rows) == len(findings)
    for row in rows:
        assert row.count("|") == 4
    groups = [line for line in text.splitlines() if line.startswith("### [ASR")]
    assert len(groups) == len({f["rule_id"] for f in findings})
    assert text.count("**Workaround:**") == len(groups)


def test_markdown_when_nothing_is_found(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    plan = SAFE_PLAN
    assert main(["check", str(plan), "--format", "markdown", "--output", str(target)]) == 0
    assert "No change touches Site Recovery replication." in target.read_text()


def test_several_formats_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    args = ["check", *DENYING, *OPTIONS, "--format", "sarif", "--output", str(sarif)]
    args += ["--format", "junit", "--output", str(junit), "--format", "text"]
    assert main(args) == 1
    assert "FAILED" in capsys.readouterr().out
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert ET.fromstring(junit.read_text()).tag == "testsuites"


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], [("text", None)]),
        ([("output", "r.txt")], [("text", "r.txt")]),
        ([("format", "json")], [("json", None)]),
        ([("output", "a"), ("format", "json")], [("json", "a")]),
        (
            [("format", "sarif"), ("output", "s"), ("format", "text")],
            [("sarif", "s"), ("text", None)],
        ),
    ],
)
def test_outputs_pair_with_formats(events: list[tuple[str, str]], expected: list[Any]) -> None:
    assert report.targets(events) == expected


@pytest.mark.parametrize(
    "events",
    [
        [("format", "json"), ("format", "text")],
        [("format", "json"), ("output", "a"), ("output", "b")],
    ],
)
def test_ambiguous_outputs_are_usage_errors(events: list[tuple[str, str]]) -> None:
    with pytest.raises(UsageError):
        report.targets(events)
