"""Input kinds (validator/kinds/): the registry, and where each kind's findings point (.tf
blocks for plans, JSON pointers elsewhere)."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    EXAMPLES,
    FIXTURES,
    INVENTORY,
    MODULE_PLAN,
    REPLACED_PLAN,
    ROOT,
    reported,
    tf_config,
)
from validator.cli import main
from validator.kinds import KINDS

TFCONFIG = FIXTURES / "tfconfig"
SCOPE = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu"


def test_each_kind_is_a_module_of_its_name_with_its_schema() -> None:
    names = [kind.NAME for kind in KINDS]
    assert len(set(names)) == len(names)
    for kind in KINDS:
        assert kind.__name__ == "validator.kinds." + kind.NAME.replace("-", "_")  # type: ignore[attr-defined]
        assert (ROOT / "schemas" / kind.SCHEMA).is_file()


def test_no_code_outside_the_kinds_names_a_kind() -> None:
    """What differs between kinds is in validator/kinds/: nothing else compares a kind
    with a particular one or otherwise names it."""
    names = {kind.NAME for kind in KINDS}
    modules = {kind.__name__.rsplit(".", 1)[-1] for kind in KINDS}  # type: ignore[attr-defined]
    found = []
    for path in sorted((ROOT / "validator").rglob("*.py")):
        if "kinds" in path.relative_to(ROOT / "validator").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "NAME"
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value.id}.NAME")
    assert found == []


def report(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main([*args, "--format", "json"])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_plan_finding_points_at_the_resource_block_in_a_module(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = MODULE_PLAN
    inventory = INVENTORY / "replicated-vms.yaml"
    args = ["check", str(plan), "--tf-dir", str(TFCONFIG), "--inventory", str(inventory)]
    finding = report(args, capsys)["findings"][0]
    module_file = TFCONFIG / "modules" / "data_disks" / "main.tf"
    assert finding["location"] == {
        "file": reported(module_file),
        "line": line_of(
            module_file, 'resource "azurerm_virtual_machine_data_disk_attachment" "restored"'
        ),
        "column": 1,
    }


def test_tf_files_next_to_the_plan_are_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tf_config(tmp_path)
    args = [
        "check",
        str(config / "plan.json"),
        "--inventory",
        str(INVENTORY / "replicated-vms.yaml"),
    ]
    finding = report(args, capsys)["findings"][0]
    assert finding["location"]["file"] == str(config / "modules" / "data_disks" / "main.tf")


def test_missing_block_and_unparseable_tf_are_said_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPLACED_PLAN, tmp_path / "plan.json")
    (tmp_path / "broken.tf").write_text('resource "x" "y" {\n  a = \n')
    code = main(["check", str(tmp_path / "plan.json"), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1  # the verdict does not depend on the .tf files
    notes = document["inputs"][0]["notes"]
    assert any("broken.tf: cannot parse" in note for note in notes)
    assert any("no resource block for azurerm_linux_virtual_machine.app" in note for note in notes)
    assert "location" not in document["findings"][0]


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        (EXAMPLES / "restore" / "vm-restore-in-place.json", '"sourceResourceId"'),
        (EXAMPLES / "restore" / "disks-restore-in-place.yaml", "sourceResourceId:"),
        (FIXTURES / "restore" / "restore-to-new-vm.json", '"sourceResourceId"'),
    ],
    ids=lambda x: getattr(x, "name", ""),
)
def test_restore_finding_points_at_the_vm_field(
    path: Path, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", str(path), "--inventory", str(INVENTORY / "replicated-vms.yaml")]
    location = report(args, capsys)["findings"][0]["location"]
    assert location["file"] == reported(path)
    assert location["line"] == line_of(path, needle)


def test_whatif_finding_points_at_the_change(capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "whatif" / "delete-replicated-vm.whatif.json"
    finding = report(["check", str(path)], capsys)["findings"][0]
    assert finding["pointer"] == "/changes/0"
    assert finding["location"]["line"] == 3


def test_arm_finding_points_at_the_resource_in_the_template(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = FIXTURES / "arm" / "module-disks-from-snapshots.json"
    args = [
        "check",
        str(path),
        "--scope",
        SCOPE,
        "--inventory",
        str(INVENTORY / "replicated-vms.yaml"),
    ]
    finding = report(args, capsys)["findings"][0]
    assert finding["pointer"] == "/resources/restoredDisks/properties/template/resources/vmUpdate"
    assert finding["location"]["line"] == line_of(path, '"vmUpdate": {')
