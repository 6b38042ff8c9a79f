"""Every accepted inventory form names the replicated VMs and disks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, INVENTORY
from validator.cli import main
from validator.errors import InputError
from validator.inventory import inventory_data

VM = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourcegroups/rg-app-weu/providers/microsoft.compute/virtualmachines/vm-app-01"
OS_DISK = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourcegroups/rg-app-weu/providers/microsoft.compute/disks/vm-app-01-osdisk"


def inventory(path: Path) -> dict[str, list[str]]:
    data: dict[str, list[str]] = inventory_data([str(path)])
    return data


def test_yaml_list() -> None:
    assert inventory(INVENTORY / "replicated-vms.yaml")["replicated_vms"] == [VM]


def test_az_protected_item_list_with_disks() -> None:
    found = inventory(INVENTORY / "protected-items.json")
    assert found == {"replicated_vms": [VM], "replicated_disks": [OS_DISK]}


def test_resource_graph_result() -> None:
    found = inventory(INVENTORY / "resource-graph.json")
    assert found["replicated_vms"] == [VM]
    assert OS_DISK in found["replicated_disks"]


def test_whatif_result_names_existing_items() -> None:
    found = inventory(FIXTURES / "whatif" / "vm-tags-updated.whatif.json")
    assert found["replicated_vms"] == [VM]
    assert OS_DISK in found["replicated_disks"]


def test_arm_template_with_protected_items(tmp_path: Path) -> None:
    template = FIXTURES / "arm" / "enable-replication-with-restored-disk.json"
    parameters = json.loads((EXAMPLES / "arm" / "attach-restored-disk.parameters.json").read_text())
    # The template's own parameters: vmName has no default, so its item names no VM.
    assert inventory(template)["replicated_vms"] == []
    with_default = json.loads(template.read_text())
    with_default["parameters"]["vmName"]["defaultValue"] = parameters["parameters"]["vmName"][
        "value"
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(with_default))
    found = inventory(path)
    assert [vm.rsplit("/", 1)[-1] for vm in found["replicated_vms"]] == ["vm-app-01"]


def test_empty_az_list_is_an_empty_inventory(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text("[]")
    assert inventory(path) == {"replicated_vms": [], "replicated_disks": []}


def test_yaml_with_disks(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(f"replicated_vms: [{VM.upper()}]\nreplicated_disks: [{OS_DISK}]\n")
    assert inventory(path) == {"replicated_vms": [VM], "replicated_disks": [OS_DISK]}


def test_wrong_disk_id(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(f"replicated_vms: []\nreplicated_disks: [{VM}]\n")
    with pytest.raises(InputError, match="not a managed disk resource id"):
        inventory(path)


def test_inventory_command_prints_the_data_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", str(INVENTORY / "protected-items.json")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["asr_guard"]["inventory"]["replicated_vms"] == [VM]
