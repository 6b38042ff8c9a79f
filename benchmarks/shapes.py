"""Inputs made of many changes of one kind, for the growth test (tests/test_growth.py): each
shape once made a rule look through the whole change for each of its changes (quadratic),
which inputs of every kind at once (benchmarks/growth.py) do not show.

`write_shape(name, n, directory)` writes an input with n changes of the shape and returns the
`asr-guard check` arguments that check it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench import change
from benchmarks.growth import SUB, TEMPLATE_SCHEMA, protected_item

RG = f"{SUB}/resourceGroups/rg-h"
ITEM = "azurerm_site_recovery_replicated_vm"
VM = "azurerm_linux_virtual_machine"


def vm_id(i: int) -> str:
    return f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-{i}"


def disk_id(i: int) -> str:
    return f"{RG}/providers/Microsoft.Compute/disks/disk-{i}"


def nic_id(i: int) -> str:
    return f"{RG}/providers/Microsoft.Network/networkInterfaces/nic-{i}"


def _plan(changes: list[Any], **extra: Any) -> Any:
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
    } | extra


def _vm(i: int, **extra: Any) -> Any:
    return {"id": vm_id(i), "name": f"vm-{i}", "resource_group_name": "rg-h"} | extra


def _item(i: int, disks: list[str]) -> Any:
    return {
        "id": f"{SUB}/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/v"
        f"/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/i-{i}",
        "name": f"i-{i}",
        "source_vm_id": vm_id(i),
        "managed_disk": [
            {"disk_id": d, "staging_storage_account_id": f"{RG}/providers/Microsoft.Storage/c"}
            for d in disks
        ],
    }


def _prior(resources: list[Any]) -> Any:
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


def _write(directory: Path, name: str, value: Any) -> str:
    path = directory / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def _inventory(directory: Path, ids: list[str]) -> list[str]:
    text = "replicated_vms:\n" + "".join(f"  - {i}\n" for i in ids)
    return ["--inventory", _write(directory, "inventory.yaml", text)]


def vms_moved(n: int, directory: Path) -> list[str]:
    """Replicated VMs deleted in one resource group and created in another (rules/moves.rego)."""
    changes = []
    for i in range(n):
        changes.append(change(f"{VM}.old_{i}", VM, ["delete"], _vm(i), None))
        after = {"name": f"vm-{i}", "resource_group_name": "rg-new"}
        changes.append(change(f"{VM}.new_{i}", VM, ["create"], None, after))
    plan = _write(directory, "plan.json", _plan(changes))
    return [plan, *_inventory(directory, [vm_id(i) for i in range(n)])]


def _deleted_vms(n: int, directory: Path) -> str:
    changes = [change(f"{VM}.vm_{i}", VM, ["delete"], _vm(i), None) for i in range(n)]
    return _write(directory, "plan.json", _plan(changes))


def vms_deleted(n: int, directory: Path) -> list[str]:
    """VMs deleted, none replicated: each is looked at for a move first."""
    return [_deleted_vms(n, directory), *_inventory(directory, [vm_id(10**6)])]


def nics_moved(n: int, directory: Path) -> list[str]:
    """NICs replaced into another resource group, each on a replicated VM the plan updates."""
    changes = []
    for i in range(n):
        before = {"id": nic_id(i), "name": f"nic-{i}", "resource_group_name": "rg-h"}
        after = {"name": f"nic-{i}", "resource_group_name": "rg-new"}
        nic = "azurerm_network_interface"
        changes.append(change(f"{nic}.n_{i}", nic, ["delete", "create"], before, after))
        old, new = (_vm(i, network_interface_ids=[nic_id(i)], tags={"a": t}) for t in "12")
        changes.append(change(f"{VM}.vm_{i}", VM, ["update"], old, new))
    plan = _write(directory, "plan.json", _plan(changes))
    return [plan, *_inventory(directory, [vm_id(i) for i in range(n)])]


def items_replaced(n: int, directory: Path) -> list[str]:
    """Replicated items replaced on their own: replication disabled and enabled again."""
    changes = []
    for i in range(n):
        before = _item(i, [])
        after = {k: v for k, v in before.items() if k != "id"}
        changes.append(change(f"{ITEM}.r_{i}", ITEM, ["delete", "create"], before, after))
    plan = _write(directory, "plan.json", _plan(changes))
    return [plan, *_inventory(directory, [vm_id(10**6)])]


def items_with_prior_state(n: int, directory: Path) -> list[str]:
    """Replicated items updated, each with its dependencies in the prior state."""
    changes, prior = [], []
    for i in range(n):
        before = _item(i, [disk_id(i)])
        after = before | {"target_resource_group_id": f"{SUB}/resourceGroups/x"}
        changes.append(change(f"{ITEM}.r_{i}", ITEM, ["update"], before, after))
        prior.append(
            {
                "address": f"{ITEM}.r_{i}",
                "mode": "managed",
                "type": ITEM,
                "name": f"r_{i}",
                "values": before,
                "depends_on": [f"{VM}.vm_{i}"],
            }
        )
    plan = _write(directory, "plan.json", _plan(changes, prior_state=_prior(prior)))
    return [plan, *_inventory(directory, [vm_id(10**6)])]


def disks_through_data_sources(n: int, directory: Path) -> list[str]:
    """Attachments whose disk id is known only after apply, followed through the configuration
    to a data source's disk (restored: a copy)."""
    attachment = "azurerm_virtual_machine_data_disk_attachment"
    changes, prior, configured = [], [], []
    for i in range(n):
        attached = change(f"{attachment}.a_{i}", attachment, ["create"], None, {"lun": 1})
        attached["change"]["after"]["virtual_machine_id"] = vm_id(i)
        attached["change"]["after_unknown"] = {"managed_disk_id": True}
        changes.append(attached)
        values = {"id": disk_id(i), "name": f"disk-{i}", "create_option": "Copy"}
        source = f"data.azurerm_managed_disk.d_{i}"
        prior.append(
            {
                "address": source,
                "mode": "data",
                "type": "azurerm_managed_disk",
                "name": f"d_{i}",
                "values": values | {"source_resource_id": f"{RG}/snapshots/s-{i}"},
            }
        )
        expressions = {
            "managed_disk_id": {"references": [f"{source}.id", source]},
            "virtual_machine_id": {"constant_value": vm_id(i)},
        }
        configured.append(
            {
                "address": f"{attachment}.a_{i}",
                "mode": "managed",
                "type": attachment,
                "name": f"a_{i}",
                "expressions": expressions,
            }
        )
    plan = _plan(
        changes,
        prior_state=_prior(prior),
        configuration={"root_module": {"resources": configured}},
    )
    return [
        _write(directory, "plan.json", plan),
        *_inventory(directory, [vm_id(i) for i in range(n)]),
    ]


def waivers_of_one_rule(n: int, directory: Path) -> list[str]:
    """Replicated VMs deleted, each finding waived by a waiver of its own, all of one rule."""
    plan = _deleted_vms(n, directory)
    inventory = _inventory(directory, [vm_id(i) for i in range(n)])
    entries = "".join(
        f"  - rule: ASR005\n    resource: {VM}.vm_{i}\n"
        "    justification: decommissioned with its replication\n    expires: '2099-01-01'\n"
        for i in range(n)
    )
    waivers = _write(directory, "waivers.yaml", f"waivers:\n{entries}")
    return [plan, *inventory, "--waivers", waivers]


def template_leaving_out_protected_disks(n: int, directory: Path) -> list[str]:
    """A template of VMs each leaving out one of the two disks the inventory (a protected-item
    list) says its replicated item protects."""
    resources = []
    for i in range(n):
        disk = f"[resourceId('Microsoft.Compute/disks', 'disk-{i * 100}')]"
        os_disk = f"[resourceId('Microsoft.Compute/disks', 'os-{i}')]"
        storage = {
            "osDisk": {"createOption": "Attach", "managedDisk": {"id": os_disk}},
            "dataDisks": [{"lun": 1, "createOption": "Attach", "managedDisk": {"id": disk}}],
        }
        resources.append(
            {
                "type": "Microsoft.Compute/virtualMachines",
                "apiVersion": "2024-07-01",
                "name": f"vm-{i}",
                "location": "westeurope",
                "properties": {"storageProfile": storage},
            }
        )
    disks = [[disk_id(i * 100 + j) for j in range(2)] for i in range(n)]
    items = [protected_item(i, vm_id(i), disks[i], "protectedManagedDisks") for i in range(n)]
    template = {"$schema": TEMPLATE_SCHEMA, "contentVersion": "1.0.0.0", "resources": resources}
    path = _write(directory, "template.json", template)
    return [path, "--scope", RG, "--inventory", _write(directory, "items.json", items)]


SHAPES: dict[str, Callable[[int, Path], list[str]]] = {
    "vms-moved": vms_moved,
    "vms-deleted": vms_deleted,
    "nics-moved": nics_moved,
    "items-replaced": items_replaced,
    "items-with-prior-state": items_with_prior_state,
    "disks-through-data-sources": disks_through_data_sources,
    "waivers-of-one-rule": waivers_of_one_rule,
    "template-leaving-out-protected-disks": template_leaving_out_protected_disks,
}


def write_shape(name: str, n: int, directory: Path) -> list[str]:
    """Write the input of shape `name` with n changes in `directory`: the `check` arguments."""
    directory.mkdir(parents=True, exist_ok=True)
    return SHAPES[name](n, directory)
