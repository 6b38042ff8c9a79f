"""Every way evaluation can fail ends in exit 2 with one line naming the file or server."""

from __future__ import annotations

import codecs
import json
import pickle
import socket
from pathlib import Path

import pytest

from tests.conftest import INVENTORY, REPLACED_PLAN, TERRAFORM
from tests.opa_rest_server import faulty_server
from validator.cli import main
from validator.errors import AsrGuardError, EngineError, InputError, OutputError, UsageError

PLAN = REPLACED_PLAN


def run_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args)
    out = capsys.readouterr()
    assert code == 2, out
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert "Traceback" not in out.err
    assert out.out == ""
    return lines[0]


def write(tmp_path: Path, name: str, content: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def test_invalid_json_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "plan.json", '{\n  "format_version": "1.2",\n  oops\n}')
    line = run_error(["check", path], capsys)
    assert f"{path}:3: invalid JSON" in line


def test_json_that_is_not_a_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "package.json", '{"name": "x", "version": "1.0.0"}')
    assert "not a supported input" in run_error(["check", path], capsys)


def test_plan_with_wrong_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        "plan.json",
        '{"format_version": "1.2", "terraform_version": "1.9.8",'
        ' "resource_changes": [{"address": "a.b", "type": "a", "name": "b",'
        ' "change": {"actions": ["explode"]}}]}',
    )
    line = run_error(["check", path], capsys)
    assert path in line
    assert "/resource_changes/0/change/actions/0" in line


def _change(address: str, **extra: str) -> dict[str, object]:
    type_, name = address.split(".")
    change = {"actions": ["no-op"], "before": {}, "after": {}}
    return {"address": address, "type": type_, "name": name, "change": change, **extra}


@pytest.mark.parametrize(
    ("changes", "configuration", "expected"),
    [
        (
            [_change("a.b"), _change("a.c"), _change("a.b")],
            None,
            "at /resource_changes/2: a second change for a.b (the first is at /resource_changes/0)",
        ),
        (
            [_change("a.b", deposed="d1"), _change("a.b", deposed="d1")],
            None,
            "at /resource_changes/1: a second change for a.b (deposed object d1)",
        ),
        (
            [],
            {"module_calls": {"m/n": {"module": {"resources": [{"address": "a.b"}] * 2}}}},
            "at /configuration/root_module/module_calls/m~1n/module/resources/1:"
            " a second configuration block for a.b",
        ),
    ],
)
def test_plan_that_terraform_did_not_write(
    changes: list[object],
    configuration: dict[str, object] | None,
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One change per resource instance object, one block per address: else refused, not
    left to fail inside the engine."""
    plan: dict[str, object] = {
        "format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes
    }  # fmt: skip
    if configuration is not None:
        plan["configuration"] = {"root_module": configuration}
    path = write(tmp_path, "plan.json", json.dumps(plan))
    line = run_error(["check", path], capsys)
    assert path in line and expected in line, line


def test_a_deposed_object_beside_its_current_one_is_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = [_change("a.b"), _change("a.b", deposed="d1"), _change("a.b", deposed="d2")]
    plan = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    assert main(["check", write(tmp_path, "plan.json", json.dumps(plan))]) == 0


def test_unsupported_format_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "plan.json", '{"format_version": "2.0", "terraform_version": "2.0.0"}')
    assert "/format_version" in run_error(["check", path], capsys)


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert "nope.json: no such file" in run_error(["check", "nope.json"], capsys)


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "plan.json", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    assert "binary file?" in run_error(["check", path], capsys)


def test_empty_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "plan.json", "")
    assert run_error(["check", path], capsys).endswith(f"{path}: is empty")


def test_no_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert "no input given" in run_error(["check"], capsys)


def test_directory_without_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "package.json", '{"name": "x"}')
    assert "no supported input" in run_error(["check", str(tmp_path)], capsys)


def test_broken_json_in_a_scanned_directory_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "good.json", PLAN.read_text())
    write(tmp_path, "broken.json", '{"format_version": ')
    assert "broken.json:1: invalid JSON" in run_error(["check", str(tmp_path)], capsys)


def test_other_json_in_a_scanned_directory_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "plan.json", PLAN.read_text())
    write(tmp_path, "tsconfig.json", '{"compilerOptions": {}}')
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "tsconfig.json: skipped" in out


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)]
)
def test_byte_order_marks_are_read(
    encoding: str, bom: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "plan.json", bom + PLAN.read_text().encode(encoding))
    assert main(["check", path]) == 1
    assert "ASR004" in capsys.readouterr().out


def test_invalid_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory = write(tmp_path, "inv.yaml", "replicated_vms:\n  - not-an-id\n")
    line = run_error(["check", str(PLAN), "--inventory", inventory], capsys)
    assert inventory in line


def test_inventory_yaml_syntax_error_has_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = write(tmp_path, "inv.yaml", "replicated_vms:\n  - a\n - b: [\n")
    line = run_error(["check", str(PLAN), "--inventory", inventory], capsys)
    assert f"{inventory}:3: invalid YAML" in line


def test_unknown_inventory_form(capsys: pytest.CaptureFixture[str]) -> None:
    line = run_error(["check", str(PLAN), "--inventory", str(PLAN)], capsys)
    assert "not a replication inventory" in line


def test_yaml_objects_are_not_constructed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = write(tmp_path, "inv.yaml", "!!python/object/apply:os.system ['false']\n")
    assert "invalid YAML" in run_error(["check", str(PLAN), "--inventory", inventory], capsys)


def test_inputs_are_not_modified(capsys: pytest.CaptureFixture[str]) -> None:
    files = [PLAN, INVENTORY / "replicated-vms.yaml"]
    before = [p.read_bytes() for p in files]
    main(["check", str(PLAN), "--inventory", str(files[1])])
    capsys.readouterr()
    assert [p.read_bytes() for p in files] == before


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_opa_server_down(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    line = run_error(["check", str(PLAN), "--opa-url", url], capsys)
    assert line.endswith(f"OPA server {url}: loading policies into: cannot connect")


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("500", "boom"),
        ("400", "policy rejected"),
        ("garbage", ""),
        ("undefined", "data.asr_guard.main.report is undefined"),
        ("wrong-version", "policy version '0.0.1' does not match"),
    ],
)
def test_opa_server_misbehaves(mode: str, reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    with faulty_server(mode) as url:
        line = run_error(["check", str(PLAN), "--opa-url", url], capsys)
    assert f"OPA server {url}" in line
    assert reason in line


def test_opa_server_stalls_past_the_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    with faulty_server("stall", stall_seconds=2.0) as url:
        line = run_error(["check", str(PLAN), "--opa-url", url, "--opa-timeout", "0.3"], capsys)
    assert line.endswith("timed out")


def test_preloaded_server_version_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    with faulty_server("wrong-version") as url:
        line = run_error(["check", str(PLAN), "--opa-url", url, "--opa-preloaded"], capsys)
    assert "does not match" in line


def test_opa_engine_without_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ASR_GUARD_OPA_URL", raising=False)
    assert "--opa-url" in run_error(["check", str(PLAN), "--engine", "opa"], capsys)


def test_bad_opa_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert "--opa-url" in run_error(["check", str(PLAN), "--opa-url", "ftp://x"], capsys)


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / "missing-dir" / "out.json")
    assert "cannot write report" in run_error(["check", str(PLAN), "--output", target], capsys)


def test_policy_compile_error_fails_closed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from validator import policy

    pack = policy.load_pack()
    broken = policy.PolicyPack(
        pack.root, (*pack.modules, ("broken.rego", "package x\nbroken if {")), (), pack.matrix
    )
    monkeypatch.setattr("validator.check.load_pack", lambda: broken)
    line = run_error(["check", str(PLAN)], capsys)
    assert "embedded engine: cannot load policies" in line


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, not an Exception."""


@pytest.mark.parametrize("method", ["set_input_json", "eval_rule_as_json"])
def test_engine_crash_fails_closed(
    method: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import regorus

    def crash(self: object, *args: object) -> None:
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(regorus.Engine, method, crash)
    line = run_error(["check", str(PLAN)], capsys)
    assert "embedded engine" in line
    assert "unwrap" in line


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_closed_standard_output_is_an_error(fmt: str) -> None:
    """The command (a hard exit after flushing) does not claim a pass it could not report."""
    import subprocess
    import sys

    plan = TERRAFORM / "vm-replaced-not-replicated.plan.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "validator", "check", str(plan), "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the report is written
    error = process.stderr.read().decode()
    assert process.wait() == 2
    assert error == "asr-guard: error: standard output was closed before the report was written\n"


@pytest.mark.parametrize(
    "error",
    [
        InputError("plan.json", "invalid JSON: Expecting value (column 3)", 2),
        InputError("-", "is empty"),
        OutputError("report.json", "No such file or directory"),
        EngineError("embedded engine: plan.json: boom"),
        UsageError("no input given"),
    ],
    ids=repr,
)
def test_errors_cross_processes_unchanged(error: AsrGuardError) -> None:
    """What a worker process raises is raised again, the same, in the main process."""
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.args, str(again)) == (error.args, str(error))
    assert vars(again) == vars(error)
