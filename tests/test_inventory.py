"""Every accepted inventory form names the replicated VMs and disks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, INVENTORY, ROOT
from validator.cli import main
from validator.errors import InputError
from validator.inventory import inventory_data

VM = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourcegroups/rg-app-weu/providers/microsoft.compute/virtualmachines/vm-app-01"
OS_DISK = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourcegroups/rg-app-weu/providers/microsoft.compute/disks/vm-app-01-osdisk"
DATA_DISK = OS_DISK.replace("osdisk", "data-01")
CACHE = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourcegroups/rg-app-weu/providers/microsoft.storage/storageaccounts/stcacheweu01"
EMPTY: dict[str, object] = {
    "replicated_vms": [],
    "replicated_disks": [],
    "vm_disks": {},
    "cache_storage_accounts": [],
    "auto_protected_vms": [],
}
# The field reports of 2026-12-02 (beside the checkout, as ../shared/corpus is).
FIELD = ROOT.parent / "shared" / "field" / "2026-12-02"
REDTEAM_INVENTORY = FIELD / "redteam" / "inventory"
needs_field = pytest.mark.skipif(not FIELD.is_dir(), reason="no field reports beside the checkout")


def show_item(**details: object) -> dict[str, object]:
    """What `az site-recovery protected-item show` prints for an A2A item (abridged):
    an existing item's details (A2AReplicationDetails) list protectedManagedDisks."""
    return {
        "id": "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-dr-neu/providers"
        "/Microsoft.RecoveryServices/vaults/rsv/replicationFabrics/f/replicationProtectionContainers"
        "/c/replicationProtectedItems/vm-app-01",
        "name": "vm-app-01",
        "type": "Microsoft.RecoveryServices/vaults/replicationFabrics/"
        "replicationProtectionContainers/replicationProtectedItems",
        "properties": {
            "friendlyName": "vm-app-01",
            "protectionState": "Protected",
            "providerSpecificDetails": {
                "instanceType": "A2A",
                "fabricObjectId": VM.replace("resourcegroups", "resourceGroups"),
                "protectedManagedDisks": [
                    {"diskId": OS_DISK, "primaryStagingAzureStorageAccountId": CACHE},
                    {"diskId": DATA_DISK, "primaryStagingAzureStorageAccountId": CACHE},
                ],
                **details,
            },
        },
    }


def inventory(path: Path) -> dict[str, list[str]]:
    data: dict[str, list[str]] = inventory_data([str(path)])
    return data


def test_yaml_list() -> None:
    assert inventory(INVENTORY / "replicated-vms.yaml")["replicated_vms"] == [VM]


def test_az_protected_item_list_with_disks() -> None:
    found = inventory(INVENTORY / "protected-items.json")
    assert found["replicated_vms"] == [VM]
    assert OS_DISK in found["replicated_disks"]
    assert found["vm_disks"] == {VM: found["replicated_disks"]}


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
    assert inventory(path) == EMPTY


def test_yaml_with_disks(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(f"replicated_vms: [{VM.upper()}]\nreplicated_disks: [{OS_DISK}]\n")
    assert inventory(path) == EMPTY | {"replicated_vms": [VM], "replicated_disks": [OS_DISK]}


def test_wrong_disk_id(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(f"replicated_vms: []\nreplicated_disks: [{VM}]\n")
    with pytest.raises(InputError, match="not a managed disk resource id"):
        inventory(path)


def test_inventory_command_prints_the_data_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", str(INVENTORY / "protected-items.json")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["asr_guard"]["inventory"]["replicated_vms"] == [VM]


def write(tmp_path: Path, value: object, name: str = "inv.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value))
    return path


def test_az_protected_item_show_is_an_inventory(tmp_path: Path) -> None:
    found = inventory(write(tmp_path, show_item(autoProtectionOfDataDisk="Enabled")))
    assert found == {
        "replicated_vms": [VM],
        "replicated_disks": [DATA_DISK, OS_DISK],
        "vm_disks": {VM: [DATA_DISK, OS_DISK]},
        "cache_storage_accounts": [CACHE],
        "auto_protected_vms": [VM],
    }


def test_auto_protection_disabled_is_not_listed(tmp_path: Path) -> None:
    found = inventory(write(tmp_path, show_item(autoProtectionOfDataDisk="Disabled")))
    assert found["auto_protected_vms"] == []
    assert found["replicated_vms"] == [VM]


@pytest.mark.parametrize("wrap", ["list", "rest", "graph"])
def test_every_form_gives_the_same_data(tmp_path: Path, wrap: str) -> None:
    item = show_item(autoProtectionOfDataDisk="Enabled")
    value: object = {
        "list": [item],
        "rest": {"value": [item]},
        "graph": {"count": 1, "data": [item | {"type": str(item["type"]).lower()}]},
    }[wrap]
    single = inventory(write(tmp_path, item, "single.json"))
    assert inventory(write(tmp_path, value)) == single


def test_yaml_form_carries_every_field(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(
        f"replicated_vms: [{VM}]\nvm_disks:\n  {VM.upper()}: [{OS_DISK}]\n"
        f"cache_storage_accounts: [{CACHE}]\nauto_protected_vms: [{VM}]\n"
    )
    assert inventory(path) == {
        "replicated_vms": [VM],
        "replicated_disks": [OS_DISK],
        "vm_disks": {VM: [OS_DISK]},
        "cache_storage_accounts": [CACHE],
        "auto_protected_vms": [VM],
    }


@pytest.mark.parametrize(
    "written",
    [
        VM + "/",
        " " + VM + " ",
        VM.replace("/providers/", "//providers/"),
        VM.replace("/providers/", "/providers%2F"),
    ],
)
def test_ids_in_canonical_form(tmp_path: Path, written: str) -> None:
    path = write(tmp_path, {"replicated_vms": [written]})
    assert inventory(path)["replicated_vms"] == [VM]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ({"value": [], "nextLink": "https://management.azure.com/x?$skipToken=a"}, "nextLink"),
        ({"count": 0, "data": [], "skip_token": "abc"}, "skip_token"),
        ({"count": 0, "data": [], "total_records": 3}, "total_records 3, 0 row"),
        ({"totalRecords": 2, "count": 0, "data": [], "$skipToken": "abc"}, "[$]skipToken"),
        ({"totalRecords": 5, "count": 0, "data": [], "resultTruncated": "true"}, "resultTruncated"),
    ],
)
def test_one_page_of_more_is_refused(tmp_path: Path, value: object, why: str) -> None:
    with pytest.raises(InputError, match=f"one page of a longer result \\({why}"):
        inventory(write(tmp_path, value))


def test_last_page_and_whole_results_are_read(tmp_path: Path) -> None:
    item = show_item()
    assert inventory(write(tmp_path, {"value": [item], "nextLink": None}))["replicated_vms"] == [VM]
    whole = {"count": 1, "total_records": 1, "skip_token": None, "data": [item]}
    assert inventory(write(tmp_path, whole))["replicated_vms"] == [VM]


@needs_field
@pytest.mark.parametrize("name", ["resource-graph-truncated.json", "protected-items-nextlink.json"])
def test_redteam_paged_inventories_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="one page of a longer result"):
        inventory(REDTEAM_INVENTORY / name)


def test_cache_account_must_be_a_storage_account(tmp_path: Path) -> None:
    item = show_item()
    item["properties"]["providerSpecificDetails"]["protectedManagedDisks"][0][  # type: ignore[index]
        "primaryStagingAzureStorageAccountId"
    ] = VM
    with pytest.raises(InputError, match="not a storage account resource id"):
        inventory(write(tmp_path, item))


@needs_field
def test_protected_disks_of_an_item_keep_a_redeploy_from_being_new(tmp_path: Path) -> None:
    """d11: the inventory gives the policies the VM's protected disks (vm_disks)."""
    found = inventory(FIELD / "inv-newvm-protects-disk.json")
    (vm,) = found["replicated_vms"]
    assert found["vm_disks"][vm] == [vm.replace("virtualmachines/newvm", "disks/newvm-disk")]
