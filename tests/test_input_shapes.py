"""Inputs read as Azure and Terraform write them (issue 15): a what-if that did not succeed
is not a pass, a resource what-if lists twice, changes what-if could not evaluate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INVENTORY, ROOT
from validator.cli import main

FIELD = ROOT.parent / "shared" / "field" / "2026-12-02"
needs_field = pytest.mark.skipif(not FIELD.is_dir(), reason="no field reports beside the checkout")
REPLICATED = str(INVENTORY / "replicated-vms.yaml")
VM = (
    "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu/providers"
    "/Microsoft.Compute/virtualMachines/vm-app-01"
)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(args, capsys)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def write(tmp_path: Path, value: Any, name: str = "input.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def report(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code, out, _ = run([*args, "--format", "json"], capsys)
    document: dict[str, Any] = json.loads(out)
    return code, document


def rule_ids(document: dict[str, Any]) -> list[str]:
    return [finding["rule_id"] for finding in document["findings"]]


# --- what-if: not a usable result -------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            {
                "status": "Failed",
                "error": {"code": "InvalidTemplate", "message": "bad"},
                "changes": [],
            },
            "status Failed (InvalidTemplate: bad)",
        ),
        ({"status": "Canceled", "changes": []}, "status Canceled"),
        ({"status": "Succeeded", "error": {"code": "X", "message": "m"}, "changes": []}, "(X: m)"),
        ({"properties": {"changes": []}, "status": "Running"}, "status Running"),
    ],
)
def test_whatif_that_did_not_succeed_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], result: Any, expected: str
) -> None:
    path = write(tmp_path, result)
    line = refused(["check", path], capsys)
    assert path in line and "what-if did not succeed" in line and expected in line, line


def test_whatif_error_message_is_one_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    error = {"code": "InvalidTemplate", "message": "x\n" * 5000}
    line = refused(
        ["check", write(tmp_path, {"status": "Failed", "error": error, "changes": []})], capsys
    )
    assert len(line) < 400


def test_failed_whatif_is_not_an_inventory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = write(tmp_path, {"status": "Failed", "changes": []}, "failed.json")
    restore = write(
        tmp_path,
        {"properties": {"objectType": "IaasVMRestoreRequest", "recoveryType": "RestoreDisks",
                        "sourceResourceId": VM}},
        "restore.json",
    )  # fmt: skip
    assert "what-if did not succeed" in refused(["check", restore, "--inventory", failed], capsys)


def test_succeeded_or_statusless_whatif_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unchanged = {"resourceId": VM, "changeType": "NoChange"}
    for result in ({"status": "succeeded", "error": None, "changes": []}, {"changes": [unchanged]}):
        code, _, err = run(["check", write(tmp_path, result)], capsys)
        assert code == 0, err


@needs_field
def test_d5_failed_whatif(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["check", str(FIELD / "d5-failed.whatif.json")], capsys)
    assert "status Failed (InvalidTemplateDeployment: The template deployment 'main'" in line


# --- what-if: a resource listed twice ---------------------------------------------------


def _vm_delete() -> dict[str, Any]:
    return {"resourceId": VM, "changeType": "Delete", "before": {"id": VM, "name": "vm-app-01"}}


def test_identical_entries_give_their_findings_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {"status": "Succeeded", "changes": [_vm_delete(), _vm_delete()]})
    code, document = report(["check", path, "--inventory", REPLICATED], capsys)
    assert code == 1
    assert rule_ids(document) == ["ASR005"]


def test_differing_entries_are_each_evaluated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unchanged = {
        "resourceId": VM.upper(),
        "changeType": "NoChange",
        "before": {"id": VM},
        "after": {"id": VM},
    }
    for changes in ([unchanged, _vm_delete()], [_vm_delete(), unchanged]):
        path = write(tmp_path, {"status": "Succeeded", "changes": changes})
        code, document = report(["check", path, "--inventory", REPLICATED], capsys)
        assert code == 1
        assert rule_ids(document) == ["ASR005"]


@needs_field
def test_d3_duplicate_whatif_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(FIELD / "d3-duplicate.whatif.json")], capsys)
    assert code == 0, err


# --- what-if: changes it could not evaluate ---------------------------------------------

UNSUPPORTED = {
    "resourceId": "[format('{0}/providers/Microsoft.Compute/virtualMachines/{1}', resourceGroup().id, 'vm')]",
    "changeType": "Unsupported",
    "unsupportedReason": "cannot be calculated until the deployment is under way",
    "before": None,
    "after": None,
}


def test_unsupported_changes_are_listed_as_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {"status": "Succeeded", "changes": [UNSUPPORTED, _vm_delete()]})
    code, document = report(["check", path, "--inventory", REPLICATED], capsys)
    assert code == 1  # the rest is evaluated: the VM delete is denied
    assert sorted(rule_ids(document)) == ["ASR005", "ASR020"]
    (entry,) = document["inputs"][0]["unresolved"]
    assert entry.startswith("/changes/0: [format(") and "Unsupported" in entry


def test_an_expression_as_id_is_only_accepted_on_unsupported_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = UNSUPPORTED | {"changeType": "Create"}
    line = refused(["check", write(tmp_path, {"status": "Succeeded", "changes": [change]})], capsys)
    assert "/changes/0" in line


@needs_field
def test_d1_unsupported_whatif(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = report(["check", str(FIELD / "d1-unsupported.whatif.json")], capsys)
    assert code == 0
    assert "Unsupported" in document["inputs"][0]["unresolved"][0]


# --- restore requests: read where Azure reads them ---------------------------------------

TESTVM_INVENTORY = FIELD / "inv-testvm.yaml"


def _request(recovery_type: str = "OriginalLocation", **extra: Any) -> dict[str, Any]:
    return {
        "objectType": "IaasVMRestoreRequest",
        "recoveryPointId": "1",
        "recoveryType": recovery_type,
        "sourceResourceId": VM,
        **extra,
    }


@pytest.mark.parametrize(
    "document",
    [
        {"properties": _request(targetVirtualMachineId=None, targetResourceGroupId=None)},
        {"properties": _request(restoreDiskLunList=None)},
        {
            "crossRegionRestoreAccessDetails": {"objectType": "CrrAccessToken"},
            "restoreRequest": _request(),
        },
        {"objectType": "ValidateIaasVMRestoreOperationRequest", "restoreRequest": _request()},
        {
            "properties": {
                "objectType": "ValidateIaasVMRestoreOperationRequest",
                "restoreRequest": _request(),
            }
        },
        {"parameters": {"parameters": {"properties": _request()}}},
        _request(),
    ],
)
def test_restore_request_is_read_where_azure_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any
) -> None:
    code, report_document = report(
        ["check", write(tmp_path, document), "--inventory", REPLICATED], capsys
    )
    assert code == 1
    assert rule_ids(report_document) == ["ASR003"]


@pytest.mark.parametrize(
    ("document", "places"),
    [
        (
            {"parameters": {"properties": _request("RestoreDisks")}, "properties": _request()},
            "/parameters/properties and /properties",
        ),
        (
            {"restoreRequest": _request(), "properties": _request()},
            "/properties and /restoreRequest",
        ),
        ({"properties": _request("RestoreDisks"), **_request()}, "/properties and (document root)"),
    ],
)
def test_a_document_with_two_requests_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, places: str
) -> None:
    line = refused(["check", write(tmp_path, document), "--inventory", REPLICATED], capsys)
    assert f"restore requests at {places}" in line and "refused rather than guessed" in line


def test_keys_that_differ_only_in_case_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"properties": _request("RestoreDisks", RecoveryType="OriginalLocation")}
    line = refused(["check", write(tmp_path, document), "--inventory", REPLICATED], capsys)
    assert "at /properties: keys 'recoveryType' and 'RecoveryType' differ only in case" in line


def test_a_request_type_in_another_case_is_a_bad_request_not_another_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"properties": _request() | {"objectType": "IaaSVMRestoreRequest"}}
    path = write(tmp_path, document)
    line = refused(["check", "--skip-unsupported", path, "--inventory", REPLICATED], capsys)
    assert "at /properties/objectType" in line


def test_a_bad_request_is_reported_at_its_own_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"parameters": {"parameters": {"properties": _request(targetVirtualMachineId=3)}}}
    line = refused(["check", write(tmp_path, document)], capsys)
    assert "at /parameters/parameters/properties/targetVirtualMachineId" in line
    assert len(line) < 300


@needs_field
@pytest.mark.parametrize(
    ("name", "rule"), [("d6-olr-with-nulls.json", "ASR003"), ("d7-crr.json", "ASR010")]
)
def test_field_restore_bodies(capsys: pytest.CaptureFixture[str], name: str, rule: str) -> None:
    _, document = report(["check", str(FIELD / name), "--inventory", str(TESTVM_INVENTORY)], capsys)
    assert rule_ids(document) == [rule]


# --- Terraform: not a usable plan ---------------------------------------------------------


def _plan(**extra: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [], **extra}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {}}},
            "not a plan: a Terraform state",
        ),
        (_plan(errored=True), "not a usable plan: errored: true"),
        (_plan(complete=False, applyable=True), "not a usable plan: complete: false"),
        (_plan(errored=True, complete=False), "errored: true"),
    ],
)
def test_not_a_usable_plan_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, expected: str
) -> None:
    path = write(tmp_path, document, "plan.json")
    line = refused(["check", path], capsys)
    assert path in line and expected in line, line


def test_a_finished_plan_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = _plan(
        errored=False, complete=True, applyable=True, planned_values={"root_module": {}}
    )
    code, _, err = run(["check", write(tmp_path, document, "plan.json")], capsys)
    assert code == 0, err


@needs_field
@pytest.mark.parametrize("name", ["state-not-plan.json", "errored-incomplete.plan.json"])
def test_redteam_unusable_plans(capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = str(FIELD / "redteam" / "tf" / name)
    assert "not a" in refused(["check", path, "--inventory", REPLICATED], capsys)


# --- every field reproduction of 2026-12-02 gives its expected result ---------------------

_QS = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-qs"
_WEU = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app-weu"
FIELD_CASES = {
    # file: (inventory, extra arguments, exit code, rules (sorted))
    "d1-unsupported.whatif.json": (None, [], 0, []),
    "d3-duplicate.whatif.json": (None, [], 0, []),
    "d6-olr-with-nulls.json": ("inv-testvm.yaml", [], 1, ["ASR003"]),
    "d7-crr.json": ("inv-testvm.yaml", [], 0, ["ASR010"]),
    "d8-comments.json": (None, [], 0, []),
    "d9-nested-copyindex.json": ("inv-vm1.yaml", ["--scope", _WEU], 1, ["ASR002", "ASR007"]),
    "d10-nested-deployment-scope.json": ("inv-vm1.yaml", [], 1, ["ASR002"]),
    "d12-attach-external-disk.json": (
        "inv-newvm-protects-disk.json",
        ["--scope", _QS],
        0,
        ["ASR007"],
    ),
    "d13-nullable-param.json": ("inv-newvm-protects-disk.json", ["--scope", _QS], 0, []),
    "d14-module-output.plan.json": (None, [], 0, ["ASR009"]),
}


@needs_field
@pytest.mark.parametrize("name", sorted(FIELD_CASES))
def test_field_reproduction(capsys: pytest.CaptureFixture[str], name: str) -> None:
    inventory, extra, exit_code, rules = FIELD_CASES[name]
    args = ["check", str(FIELD / name), *extra]
    if inventory:
        args += ["--inventory", str(FIELD / inventory)]
    code, document = report(args, capsys)
    assert (code, sorted(rule_ids(document))) == (exit_code, rules)
    if name != "d1-unsupported.whatif.json":
        assert "unresolved" not in document["inputs"][0]


@needs_field
@pytest.mark.xfail(
    strict=True,
    reason="needs a Rego change outside this helper's files: rules/events.rego, the rule"
    " 'A template puts a restored OS disk on a replicated VM', add"
    " `not protected_now(vm.after.os_disk)` (the inventory lists the disk as protected)",
)
def test_field_d11_redeploy_of_a_protected_import_disk(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", str(FIELD / "d11-redeploy-import-disk.json"), "--scope", _QS]
    args += ["--inventory", str(FIELD / "inv-newvm-protects-disk.json")]
    code, document = report(args, capsys)
    assert (code, rule_ids(document)) == (0, [])
