"""Every fixture through the CLI, on both engines: exit code and findings as expected."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import (
    REPLACED_PLAN,
    TERRAFORM,
    all_expectations,
    case_options,
    reported,
)
from tests.schema_check import validate
from validator.cli import main

CASES = all_expectations()


def check_args(case: dict[str, Any]) -> list[str]:
    return ["check", str(case["file"]), "--format", "json", *case_options(case)]


def triples(report: dict[str, Any]) -> list[list[str]]:
    return sorted([f["severity"], f["rule_id"], f["resource"]] for f in report["findings"])


@pytest.mark.parametrize("engine", ["embedded", "opa"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_verdict(
    name: str, engine: str, opa_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    args = [*check_args(case), "--engine", engine]
    if engine == "opa":
        args += ["--opa-url", opa_url]
    code = main(args)
    out = capsys.readouterr()
    assert code == case["exit"], out.err
    report = json.loads(out.out)
    assert triples(report) == sorted(case["findings"])
    assert report["engine"] == engine
    validate(report, "report.schema.json")


def test_each_matrix_scenario_is_shown_both_ways() -> None:
    rejected = {f[1] for case in CASES.values() for f in case["findings"] if f[0] == "deny"}
    allowed = [case for case in CASES.values() if case["exit"] == 0]
    assert {"ASR002", "ASR003", "ASR004", "ASR005", "ASR006"} <= rejected
    assert len(allowed) >= 6


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_output_has_workaround_and_summary(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    args = [a for a in check_args(case) if a not in ("--format", "json")]
    code = main(args)
    text = capsys.readouterr().out
    assert code == case["exit"]
    assert text.count("workaround:") == len(case["findings"])
    assert text.count("docs: https://") == len(case["findings"])
    last = text.strip().splitlines()[-1]
    assert last.startswith("asr-guard: 1 input(s)")
    assert last.endswith("PASSED" if case["exit"] == 0 else "FAILED")
    assert "\033[" not in text  # not a terminal: no colour


def test_colour_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(REPLACED_PLAN), "--color", "always"])
    assert "\033[31mDENY" in capsys.readouterr().out


def test_directory_scan_evaluates_every_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(TERRAFORM), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    plans = sorted(TERRAFORM.glob("*.plan.json"))
    assert [i["path"] for i in report["inputs"]] == [reported(p) for p in plans]
    assert code == 1
    assert report["summary"]["deny"] == sum(
        1
        for name, case in CASES.items()
        if name.startswith("terraform/") and not case["inventory"] and not case["args"]
        for f in case["findings"]
        if f[0] == "deny"
    )


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    data = REPLACED_PLAN.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["check", "-", "--format", "json"]) == 1
    inputs = json.loads(capsys.readouterr().out)["inputs"]
    assert [(i["path"], i["kind"]) for i in inputs] == [("-", "terraform-plan")]


def test_output_file_is_written(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    plan = REPLACED_PLAN
    before = plan.read_bytes()
    code = main(["check", str(plan), "--format", "json", "--output", str(target)])
    assert code == 1
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["summary"]["deny"] == 1
    assert plan.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_module_entrypoint_runs() -> None:
    import subprocess
    import sys

    plan = TERRAFORM / "vm-replaced-not-replicated.plan.json"
    done = subprocess.run(
        [sys.executable, "-m", "validator", "check", str(plan)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "PASSED" in done.stdout


@pytest.mark.parametrize("plan", [REPLACED_PLAN, TERRAFORM / "missing.plan.json"], ids=str)
def test_check_leaves_the_garbage_collector_as_it_found_it(
    plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    assert gc.isenabled()
    assert main(["check", str(TERRAFORM / plan)]) in (1, 2)
    capsys.readouterr()
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("fail_on", "expected"), [(None, 1), ("undecided", 1), ("warn", 1), ("deny", 0)]
)
def test_what_the_policies_could_not_decide_fails_the_run_unless_told_otherwise(
    fail_on: str | None, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # A what-if change ARM could not evaluate, beside a replicated item: ASR020 (warn).
    case = CASES["whatif/unsupported-change.whatif.json"]
    args = check_args(case) + (["--fail-on", fail_on] if fail_on else [])
    assert main(args) == expected
    report = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in report["findings"]] == ["ASR020"]
    assert report["summary"]["passed"] is (expected == 0)


def test_an_ordinary_warning_fails_only_with_fail_on_warn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES["terraform/empty-disk-attached-unprotected.plan.json"]
    assert main(check_args(case)) == 0
    assert main([*check_args(case), "--fail-on", "warn"]) == 1
    capsys.readouterr()
