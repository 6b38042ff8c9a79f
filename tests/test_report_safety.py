"""Reports that say what the gate could not know, that no input text can steer, and that fit
where they are read (issue 11; issue 15, "When the gate cannot know")."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import CORPUS, EXAMPLES, FIXTURES, INVENTORY, MODULE_PLAN, ROOT, SAFE_PLAN
from validator import report
from validator.cli import main
from validator.findings import Finding, Rule
from validator.report import markdown, sarif
from validator.report.paths import ReportOptions
from validator.result import InputResult, RunResult

HOSTILE = FIXTURES / "reports"
INVENTORY_ARGS = ["--inventory", str(INVENTORY / "replicated-vms.yaml")]
FORMATS = ["text", "json", "sarif", "junit", "github", "azure", "markdown"]
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())


def produce(
    fmt: str, paths: list[str], extra: list[str], tmp_path: Path, base: Path = ROOT
) -> tuple[int, str]:
    target = tmp_path / f"report.{fmt}.out"
    args = ["check", *paths, *extra, "--path-base", str(base)]
    code = main([*args, "--format", fmt, "--output", str(target)])
    return code, target.read_text(encoding="utf-8") if target.exists() else ""


def undecided_template(tmp_path: Path) -> str:
    """A template whose VM name is a parameter without a value: ASR020 (could not decide)."""
    target = tmp_path / "undecided" / "azuredeploy.json"
    target.parent.mkdir()
    shutil.copy(EXAMPLES / "arm" / "attach-restored-disk.json", target)
    return str(target)


# -- could not decide -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_undecided_values_and_never_says_passed(
    fmt: str, tmp_path: Path
) -> None:
    args = [*INVENTORY_ARGS, "--fail-on", "deny"]  # the default (undecided) fails the run
    code, text = produce(fmt, [undecided_template(tmp_path)], args, tmp_path)
    assert code == 0  # a warning: the run does not fail with --fail-on deny
    assert "ASR020" in text or (fmt == "text" and "UNDECIDED" in text)
    if fmt not in ("json", "sarif"):  # (JSON: a "passed" key; SARIF: rule help pages)
        assert not re.search(r"\bpass(ed)?\b", text, re.IGNORECASE), text
    if fmt == "text":
        assert text.splitlines()[-1].endswith("UNDECIDED (no denials, but 3 value(s) could not be "
                                              "decided)")  # fmt: skip
    elif fmt == "json":
        document = json.loads(text)
        jsonschema.validate(document, REPORT_SCHEMA)
        assert document["summary"]["verdict"] == "undecided"
        assert document["summary"]["undecided"] == 3
    elif fmt == "markdown":
        assert "## asr-guard: undecided" in text
        assert "could not be decided" in text
    elif fmt == "sarif":
        assert json.loads(text)["runs"][0]["properties"]["verdict"] == "undecided"
        notes = json.loads(text)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        assert any("could not be decided" in n["message"]["text"] for n in notes)
    elif fmt == "junit":
        skipped = ET.fromstring(text).findall(".//testcase/skipped")
        assert skipped and "could not be decided" in (skipped[0].get("message") or "")
    else:
        assert "could not be decided" in text.splitlines()[-1]


def test_undecided_values_fail_by_default(tmp_path: Path) -> None:
    code, text = produce("text", [undecided_template(tmp_path)], INVENTORY_ARGS, tmp_path)
    assert code == 1
    assert text.splitlines()[-1].endswith(": FAILED")


def test_fail_on_warn_fails_on_undecided_values(tmp_path: Path) -> None:
    code, text = produce("text", [undecided_template(tmp_path)], [*INVENTORY_ARGS,
                         "--fail-on", "warn"], tmp_path)  # fmt: skip
    assert code == 1
    assert text.splitlines()[-1].endswith(": FAILED")


def test_a_passing_summary_line_has_no_fail_in_it(tmp_path: Path) -> None:
    code, text = produce("text", [str(SAFE_PLAN)], INVENTORY_ARGS, tmp_path)
    assert code == 0
    assert text.splitlines()[-1].endswith(": PASSED")
    assert "fail" not in text.lower()  # Atlantis' custom policy check reads "fail" as failure


# -- no inventory -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_says_replication_is_known_only_from_the_input(
    fmt: str, tmp_path: Path
) -> None:
    code, text = produce(fmt, [str(MODULE_PLAN)], [], tmp_path)
    assert code == 0
    assert "replication known only from the input" in text.lower()
    if fmt == "json":
        document = json.loads(text)
        jsonschema.validate(document, REPORT_SCHEMA)
        assert document["inputs"][0]["replication"]["known_only_from_input"] is True
    _, informed = produce(fmt, [str(MODULE_PLAN)], INVENTORY_ARGS, tmp_path)
    assert "replication known only from the input" not in informed.lower()


def test_require_inventory_exits_2_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(MODULE_PLAN), "--require-inventory"]) == 2
    error = capsys.readouterr().err
    assert "replication known only from the input" in error
    assert "\n" not in error.rstrip("\n")
    assert main(["check", str(MODULE_PLAN), "--require-inventory", *INVENTORY_ARGS]) == 1


def test_an_input_naming_its_replicated_items_needs_no_inventory(tmp_path: Path) -> None:
    """A plan that declares the replicated item of its VM says itself what is replicated."""
    plan = EXAMPLES / "terraform" / "replace-replicated-vm.plan.json"
    assert main(["check", str(plan), "--require-inventory"]) == 1


# -- no input text steers the runner or the reader -------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "name", ["newline-address-deny.plan.json", "unresolved-note.template.json"]
)
def test_no_input_text_starts_a_ci_command_or_renders(fmt: str, name: str, tmp_path: Path) -> None:
    _, text = produce(fmt, [str(HOSTILE / name)], INVENTORY_ARGS, tmp_path)
    assert text or fmt in ("github", "azure")  # no finding, nothing to annotate
    if fmt in ("json", "sarif"):  # the same document, parsed: nothing lost
        kept = "##vso[" in json.dumps(json.loads(text))
        assert kept or (fmt == "sarif" and name.startswith("unresolved"))  # SARIF: no notes
    assert "\x1b" not in text and "\r" not in text
    for line in text.splitlines():
        stripped = line.lstrip()
        if fmt == "github":
            assert re.match(r"::(error|warning|notice) [^:]*::", stripped), line
            assert "::" not in stripped.split("::", 2)[2], line
        else:
            assert not stripped.startswith("::"), line
        if fmt == "azure" and stripped.startswith("##vso["):
            assert "##vso[" not in stripped[6:] and "##[" not in stripped[6:], line
        else:
            assert "##vso[" not in line and "##[" not in line, line
    if fmt == "markdown":  # outside fenced code blocks (remediation commands), which are inert
        prose = re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", text, flags=re.M | re.S)
        for danger in ("<img", "![", "](", "onerror=alert", "`|"):
            assert danger not in prose.replace("(https://learn.microsoft.com", ""), danger
    if fmt == "junit":
        ET.fromstring(text)


def test_markdown_neutralises_mentions_html_and_links() -> None:
    from validator.report.escape import markdown as md

    escaped = md("@octo-org/admins <img src=x> `a|b` x](https://evil.example)")
    assert "@octo" not in escaped and "<img" not in escaped and "|" not in escaped
    assert "](" not in escaped and "`" not in escaped


def test_junit_drops_characters_xml_forbids() -> None:
    from validator.report.escape import xml

    assert xml("a\x00b\x1bc\ufffe") == "a\\x00b\\x1bc\\ufffe"


# -- places reports are read: caps and budgets ----------------------------------------------


def _synthetic(count: int, severity: str = "deny") -> RunResult:
    rule = Rule("ASR005", "vm_delete", "Replicated VM is deleted", severity, "documented",
                "Disable replication first.", "https://learn.microsoft.com/x")  # fmt: skip
    findings = tuple(
        Finding(
            path="plan.json",
            severity_rank=0 if severity == "deny" else 1,
            resource=f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/"
            f"virtualMachines/vm-{i:05d}",
            rule_id="ASR005",
            message=f"vm-{i:05d} is deleted but replication of it is not removed " + "x" * 200,
            severity=severity,
            scenario="vm_delete",
            title="Replicated VM is deleted",
            workaround="Disable replication first.",
            docs="https://learn.microsoft.com/x",
        )
        for i in range(count)
    )
    return RunResult("0", "0", "embedded", (InputResult("plan.json", "terraform-plan",
                     findings, inventory_vms=1),), (), rules=(rule,))  # fmt: skip


def test_github_annotations_are_capped_with_a_notice() -> None:
    text = report.render("github", _synthetic(25))
    lines = text.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert lines[-1].startswith("::notice title=asr-guard%3A more findings::15 error(s) more")


def test_markdown_stays_within_a_pull_request_comment() -> None:
    text = markdown.render(_synthetic(3000), ReportOptions())
    assert len(text) < 65_536
    assert re.search(r"\*\*\d+ more finding\(s\)\*\* in the report files", text)
    shown = text.count("\n| <code>")
    left = int(re.search(r"\*\*(\d+) more", text).group(1))  # type: ignore[union-attr]
    assert shown + left == 3000


def test_markdown_marker_and_title_tell_matrix_jobs_apart() -> None:
    text = markdown.render(_synthetic(1), ReportOptions(title="infra/app <b>"))
    assert text.splitlines()[0] == "<!-- asr-guard-report: infra/app-b- -->"
    assert "<b>" not in text


def test_sarif_is_capped_with_a_notification() -> None:
    document = sarif.as_document(_synthetic(30), max_results=20)
    run = document["runs"][0]
    assert len(run["results"]) == 20
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("10 more result(s) were left out" in n["message"]["text"] for n in notes)


def test_sarif_results_always_have_a_region_and_unique_fingerprints(tmp_path: Path) -> None:
    paths = [str(EXAMPLES / "whatif" / "attach-restored-disk.whatif.json"),
             str(EXAMPLES / "restore" / "disks-restore-in-place.yaml"), str(MODULE_PLAN)]  # fmt: skip
    _, text = produce("sarif", paths, INVENTORY_ARGS, tmp_path)  # the plan: no --tf-dir
    run = json.loads(text)["runs"][0]
    prints = [result["partialFingerprints"]["asrGuard/v2"] for result in run["results"]]
    assert len(prints) == len(set(prints)) >= 3
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] >= 1
        assert location["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert not location["artifactLocation"]["uri"].startswith("/")
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["properties"]["problem.severity"] in {"error", "warning", "recommendation"}
        assert float(rule["properties"]["security-severity"]) > 0
        assert rule["properties"]["precision"] in {"very-high", "high", "medium", "low"}


def test_sarif_uris_are_percent_encoded_and_outside_the_root_absolute(tmp_path: Path) -> None:
    folder = tmp_path / "my infra#1"
    folder.mkdir()
    shutil.copy(MODULE_PLAN, folder / "plan 1.json")
    _, text = produce("sarif", [str(folder / "plan 1.json")], INVENTORY_ARGS, tmp_path,
                      base=tmp_path)  # fmt: skip
    artifact = json.loads(text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"] == {"uri": "my%20infra%231/plan%201.json",
                                            "uriBaseId": "SRCROOT"}  # fmt: skip
    _, text = produce("sarif", [str(folder / "plan 1.json")], INVENTORY_ARGS, tmp_path)
    artifact = json.loads(text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"]["uri"].startswith("file:///")


def test_stdin_gets_the_name_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(MODULE_PLAN.read_bytes())))
    args = ["check", "-", *INVENTORY_ARGS, "--stdin-filename", "infra/plan.json"]
    assert main([*args, "--path-base", str(ROOT), "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=infra/plan.json,")


def test_paths_are_relative_to_the_repository_root_from_a_sub_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    infra = tmp_path / "infra"
    shutil.copytree(FIXTURES / "tfconfig", infra)
    shutil.copy(MODULE_PLAN, infra / "plan.json")
    monkeypatch.chdir(infra)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert main(["check", "plan.json", *INVENTORY_ARGS, "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith(
        "::error file=infra/modules/data_disks/main.tf,line=30,"
    )
    monkeypatch.delenv("GITHUB_WORKSPACE")
    monkeypatch.setenv("BUILD_SOURCESDIRECTORY", str(tmp_path))
    assert main(["check", "plan.json", *INVENTORY_ARGS, "--format", "azure"]) == 1
    expected = f"sourcepath={tmp_path.resolve()}/infra/modules/data_disks/main.tf;linenumber=30;"
    assert expected in capsys.readouterr().out
    # Every format, text and JSON too: the same file, named from the repository root.
    monkeypatch.delenv("BUILD_SOURCESDIRECTORY")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert (
        main(["check", "plan.json", *INVENTORY_ARGS, "--format", "text", "--color", "never"]) == 1
    )
    assert "infra/modules/data_disks/main.tf:30" in capsys.readouterr().out
    assert main(["check", "plan.json", *INVENTORY_ARGS, "--format", "json"]) == 1
    paths = {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert paths == {"infra/plan.json"}  # run in infra/ on plan.json


# -- outputs ----------------------------------------------------------------------------


def test_output_is_created_with_the_umask_and_its_format_follows_the_extension(
    tmp_path: Path,
) -> None:
    target = tmp_path / "results.sarif"
    previous = os.umask(0o022)
    try:
        assert main(["check", str(SAFE_PLAN), *INVENTORY_ARGS, "--output", str(target)]) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_output_that_is_an_input_or_empty_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    shutil.copy(SAFE_PLAN, plan)
    before = plan.read_bytes()
    assert main(["check", str(plan), "--format", "json", "--output", str(plan)]) == 2
    assert plan.read_bytes() == before
    assert "is an input" in capsys.readouterr().err
    assert main(["check", str(plan), "--format", "json", "--output", ""]) == 2
    assert "--output for --format json is empty" in capsys.readouterr().err


def test_options_are_not_abbreviated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", str(SAFE_PLAN), "--form", "json"])
    assert exited.value.code == 2


# -- GitHub's SARIF ingestion rules ("SARIF support for code scanning"), on every example ---


def _github_ingestion_problems(document: dict[str, Any]) -> list[str]:
    """What GitHub's documented rules for an uploaded SARIF file would refuse or misread."""
    problems = []
    runs = document["runs"]
    if len(runs) > 20:
        problems.append("more than 20 runs")
    for run in runs:
        rules = run["tool"]["driver"].get("rules", [])
        if len(run["results"]) > 25_000 or len(rules) > 25_000:
            problems.append("more than 25,000 results or rules in a run")
        bases = run.get("originalUriBaseIds", {})
        for rule in rules:
            properties = rule.get("properties", {})
            if len(properties.get("tags", [])) > 20:
                problems.append(f"{rule['id']}: more than 20 tags")
            severity = properties.get("security-severity")
            if severity is not None and not 0 < float(severity) <= 10:
                problems.append(f"{rule['id']}: security-severity out of range")
            if not rule.get("shortDescription", {}).get("text"):
                problems.append(f"{rule['id']}: no shortDescription")
        for result in run["results"]:
            if not result.get("message", {}).get("text"):
                problems.append("a result without message text")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= 10:
                problems.append("a result without a location, or with more than 10")
            for location in locations:
                physical = location["physicalLocation"]
                artifact = physical["artifactLocation"]
                if "startLine" not in physical.get("region", {}):
                    problems.append(f"{artifact['uri']}: no region.startLine (required)")
                if artifact["uri"].startswith("/") or " " in artifact["uri"]:
                    problems.append(f"{artifact['uri']}: not a relative, encoded URI")
                base = artifact.get("uriBaseId")
                if base is not None and base not in bases:
                    problems.append(f"{base}: uriBaseId not in originalUriBaseIds")
            if not result.get("partialFingerprints"):
                problems.append("a result without partialFingerprints")
    return problems


def _example_cases() -> list[tuple[str, list[str]]]:
    import yaml

    cases = yaml.safe_load((EXAMPLES / "expected.yaml").read_text())
    return [
        (name, [str(EXAMPLES / case.get("plan", name)),
                *(a for i in case.get("inventory", []) for a in ("--inventory", str(INVENTORY / i))),
                *(str(ROOT / a) if a.startswith(("examples/", "tests/")) else a
                  for a in case.get("args", []))])
        for name, case in cases.items()
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "args"), _example_cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_sarif_of_every_example_meets_the_schema_and_github_rules(
    name: str, args: list[str], tmp_path: Path
) -> None:
    code, text = produce("sarif", args, [], tmp_path)
    assert code in (0, 1), name
    document = json.loads(text)
    schema = json.loads((CORPUS / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(document)
    assert _github_ingestion_problems(document) == []


def test_the_ingestion_check_finds_what_github_refuses() -> None:
    document = sarif.as_document(_synthetic(1), ReportOptions(base=ROOT))
    assert _github_ingestion_problems(document) == []
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    del location["region"]
    location["artifactLocation"] = {"uri": "/abs/plan.json", "uriBaseId": "NOPE"}
    assert len(_github_ingestion_problems(document)) == 3


def test_fingerprints_tell_apart_two_findings_of_one_rule_on_one_resource(tmp_path: Path) -> None:
    _, text = produce("sarif", [undecided_template(tmp_path)], INVENTORY_ARGS, tmp_path)
    results = json.loads(text)["runs"][0]["results"]
    resources = [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results]
    assert len(set(resources)) < len(resources)  # ASR020 twice on the VM
    prints = {r["partialFingerprints"]["asrGuard/v2"] for r in results}
    assert len(prints) == len(results)


@pytest.mark.parametrize(("fmt", "start"), [("github", "::error title="), ("azure", "##vso[")])
def test_exit_2_shows_its_reason_as_an_annotation(
    fmt: str, start: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n##vso[task.setvariable variable=x]1")
    assert main(["check", str(bad), "--format", fmt]) == 2
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(start) and "bad.json" in out[0]
    assert "##vso[" not in out[0][6:]


# -- a run that could not evaluate (exit 2) -----------------------------------------------


def test_exit_2_writes_a_sarif_that_says_the_run_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"resource_changes": [')
    target = tmp_path / "results.sarif"
    target.write_text('{"stale": "a report of an earlier run"}')
    junit = tmp_path / "results.xml"
    args = ["check", str(bad), *INVENTORY_ARGS, "--format", "sarif", "--output", str(target)]
    assert main([*args, "--format", "junit", "--output", str(junit)]) == 2
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert captured.out == "" and len(errors) == 1 and "bad.json" in errors[0]
    document = json.loads(target.read_text())
    schema = json.loads((CORPUS / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(document)
    assert _github_ingestion_problems(document) == []
    run = document["runs"][0]
    assert run["results"] == [] and run["properties"]["verdict"] == "error"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    reason = errors[0].removeprefix("asr-guard: error: ")
    assert notification["message"]["text"] == f"asr-guard could not evaluate: {reason}"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]][:2] == ["ASR001", "ASR002"]
    assert not junit.exists()  # only SARIF has a way to say the run failed


def test_exit_2_never_writes_its_sarif_over_an_input_or_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    shutil.copy(MODULE_PLAN, plan)
    before = plan.read_bytes()
    assert main(["check", str(plan), "--format", "sarif", "--output", str(plan)]) == 2
    assert plan.read_bytes() == before
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main(["check", str(bad), "--format", "sarif"]) == 2
    assert capsys.readouterr().out == ""


def test_an_evaluated_run_says_it_succeeded(tmp_path: Path) -> None:
    code, text = produce("sarif", [str(MODULE_PLAN)], INVENTORY_ARGS, tmp_path)
    assert code == 1
    assert json.loads(text)["runs"][0]["invocations"][0]["executionSuccessful"] is True
