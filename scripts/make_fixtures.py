"""Writes the Terraform plan fixtures under tests/fixtures/terraform/, and the plans that are
examples under examples/terraform/ (run after changing them).

Each plan has the shape `terraform show -json` prints (format 1.2): resource_changes,
prior_state and planned_values with child modules, and configuration expressions with
references, so that the policies are exercised on what real plans contain.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "terraform"
# Fixtures that are examples too: one copy, in examples/ (the tests read it there).
EXAMPLE_PLANS = ROOT / "examples" / "terraform"
EXAMPLES = {
    "vm-replaced-replicated": EXAMPLE_PLANS / "replace-replicated-vm.plan.json",
    "vm-tags-updated": EXAMPLE_PLANS / "safe-update.plan.json",
    "restored-disk-attached-module": EXAMPLE_PLANS / "attach-restored-disk.plan.json",
}
SUB = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10"
RG = f"{SUB}/resourceGroups/rg-app-weu"
VM_ID = f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-app-01"
VM2_ID = f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-app-01-v2"
VAULT = "rsv-dr-neu"
PROVIDER = "registry.terraform.io/hashicorp/azurerm"

Json = dict[str, Any]


def linux_vm(name: str, vm_id: str | None, **extra: Any) -> Json:
    values: Json = {
        "name": name,
        "location": "westeurope",
        "resource_group_name": "rg-app-weu",
        "size": "Standard_D2s_v5",
        "admin_username": "azureuser",
        "network_interface_ids": [f"{RG}/providers/Microsoft.Network/networkInterfaces/{name}-nic"],
        "os_disk": [
            {
                "caching": "ReadWrite",
                "storage_account_type": "Premium_LRS",
                "name": f"{name}-osdisk",
                "disk_size_gb": 30,
            }
        ],
        "source_image_reference": [
            {
                "publisher": "Canonical",
                "offer": "0001-com-ubuntu-server-jammy",
                "sku": "22_04-lts-gen2",
                "version": "latest",
            }
        ],
        "zone": "1",
        "tags": {"env": "prod", "app": "orders"},
    }
    if vm_id:
        values["id"] = vm_id
        values["os_managed_disk_id"] = f"{RG}/providers/Microsoft.Compute/disks/{name}-osdisk"
    values.update(extra)
    return values


def legacy_vm(name: str, vm_id: str, os_disk_id: str, **extra: Any) -> Json:
    values: Json = {
        "id": vm_id,
        "name": name,
        "location": "westeurope",
        "resource_group_name": "rg-app-weu",
        "vm_size": "Standard_D2s_v5",
        "network_interface_ids": [f"{RG}/providers/Microsoft.Network/networkInterfaces/{name}-nic"],
        "storage_os_disk": [
            {
                "name": f"{name}-osdisk",
                "caching": "ReadWrite",
                "create_option": "Attach",
                "managed_disk_id": os_disk_id,
                "managed_disk_type": "Premium_LRS",
                "os_type": "Linux",
            }
        ],
        "storage_data_disk": [],
        "tags": {"env": "prod"},
    }
    values.update(extra)
    return values


def replicated_item(name: str, vm_id: str | None, disks: list[str], item_id: bool = True) -> Json:
    values: Json = {
        "name": name,
        "recovery_vault_name": VAULT,
        "resource_group_name": "rg-dr-neu",
        "source_recovery_fabric_name": "fabric-weu",
        "source_recovery_protection_container_name": "container-weu",
        "recovery_replication_policy_id": f"{SUB}/resourceGroups/rg-dr-neu/providers/"
        f"Microsoft.RecoveryServices/vaults/{VAULT}/replicationPolicies/policy-24h",
        "target_resource_group_id": f"{SUB}/resourceGroups/rg-app-neu",
        "target_recovery_fabric_id": f"{SUB}/resourceGroups/rg-dr-neu/providers/"
        f"Microsoft.RecoveryServices/vaults/{VAULT}/replicationFabrics/fabric-neu",
        "target_recovery_protection_container_id": f"{SUB}/resourceGroups/rg-dr-neu/providers/"
        f"Microsoft.RecoveryServices/vaults/{VAULT}/replicationFabrics/fabric-neu/"
        "replicationProtectionContainers/container-neu",
        "managed_disk": [
            {
                "disk_id": disk,
                "staging_storage_account_id": f"{RG}/providers/Microsoft.Storage/"
                "storageAccounts/stcacheweu01",
                "target_resource_group_id": f"{SUB}/resourceGroups/rg-app-neu",
                "target_disk_type": "Premium_LRS",
                "target_replica_disk_type": "Premium_LRS",
            }
            for disk in disks
        ],
    }
    if vm_id:
        values["source_vm_id"] = vm_id
    if item_id:
        values["id"] = (
            f"{SUB}/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices/vaults/{VAULT}"
            f"/replicationFabrics/fabric-weu/replicationProtectionContainers/container-weu"
            f"/replicationProtectedItems/{name}"
        )
    return values


def managed_disk(name: str, create_option: str, source: str | None, disk_id: str | None) -> Json:
    values: Json = {
        "name": name,
        "location": "westeurope",
        "resource_group_name": "rg-app-weu",
        "storage_account_type": "Premium_LRS",
        "create_option": create_option,
        "disk_size_gb": 128,
        "zone": "1",
        "tags": {"env": "prod"},
    }
    if source:
        values["source_resource_id"] = source
    if disk_id:
        values["id"] = disk_id
    return values


def disk_id(name: str) -> str:
    return f"{RG}/providers/Microsoft.Compute/disks/{name}"


OS_DISK = disk_id("vm-app-01-osdisk")
DATA_DISK = disk_id("vm-app-01-data-01")
SNAPSHOT = f"{RG}/providers/Microsoft.Compute/snapshots/vm-app-01-data-01-snap-20261120"
RESTORE_POINT = (
    f"{RG}/providers/Microsoft.Compute/restorePointCollections/rpc-vm-app-01/restorePoints/"
    "rp-20261120/diskRestorePoints/vm-app-01-data-01_1a2b3c"
)


class Plan:
    """Accumulates resources; each is (address parts, actions, before, after, unknown, refs)."""

    def __init__(self) -> None:
        self.resources: list[Json] = []

    def add(
        self,
        type_: str,
        name: str,
        actions: list[str],
        before: Json | None,
        after: Json | None,
        *,
        module: list[tuple[str, str]] | None = None,
        index: int | str | None = None,
        unknown: Json | None = None,
        refs: Json | None = None,
        reason: str | None = None,
        deposed: str | None = None,
    ) -> None:
        self.resources.append(
            {
                "type": type_,
                "name": name,
                "actions": actions,
                "before": before,
                "after": after,
                "module": module or [],
                "index": index,
                "unknown": unknown or {},
                "refs": refs or {},
                "reason": reason,
                "deposed": deposed,
            }
        )

    @staticmethod
    def _key(index: int | str | None) -> str:
        if index is None:
            return ""
        return f"[{json.dumps(index)}]"

    def _address(self, r: Json) -> tuple[str, str | None]:
        module_address = ".".join(f"module.{name}{key}" for name, key in r["module"]) or None
        own = f"{r['type']}.{r['name']}{self._key(r['index'])}"
        return (f"{module_address}.{own}" if module_address else own), module_address

    def _state(self, which: str) -> Json:
        root: Json = {"resources": [], "child_modules": []}
        for r in self.resources:
            values = r[which]
            if values is None:
                continue
            node = root
            prefix = ""
            for name, key in r["module"]:
                prefix = f"{prefix}.module.{name}{key}" if prefix else f"module.{name}{key}"
                child = next((c for c in node["child_modules"] if c["address"] == prefix), None)
                if child is None:
                    child = {"address": prefix, "resources": [], "child_modules": []}
                    node["child_modules"].append(child)
                node = child
            address, _ = self._address(r)
            entry: Json = {
                "address": address,
                "mode": "managed",
                "type": r["type"],
                "name": r["name"],
                "provider_name": PROVIDER,
                "schema_version": 0,
                "values": values,
                "sensitive_values": {},
            }
            if r["index"] is not None:
                entry["index"] = r["index"]
            if r["deposed"]:
                entry["deposed_key"] = r["deposed"]
            node["resources"].append(entry)
        return root

    def _configuration(self) -> Json:
        root: Json = {"resources": [], "module_calls": {}}
        seen: set[str] = set()
        for r in self.resources:
            node = root
            for name, _key in r["module"]:
                call = node["module_calls"].setdefault(
                    name,
                    {
                        "source": f"./modules/{name}",
                        "module": {"resources": [], "module_calls": {}},
                    },
                )
                node = call["module"]
            config_address = f"{r['type']}.{r['name']}"
            marker = ".".join(n for n, _ in r["module"]) + "/" + config_address
            if marker in seen:
                continue
            seen.add(marker)
            values = r["after"] or r["before"] or {}
            expressions: Json = {}
            for key, value in values.items():
                if key == "id" or isinstance(value, list | dict):
                    continue
                expressions[key] = {"constant_value": value}
            expressions.update(r["refs"])
            resource: Json = {
                "address": config_address,
                "mode": "managed",
                "type": r["type"],
                "name": r["name"],
                "provider_config_key": "azurerm",
                "expressions": expressions,
                "schema_version": 0,
            }
            if r["index"] is not None:
                resource[
                    "count_expression" if isinstance(r["index"], int) else "for_each_expression"
                ] = {"constant_value": 1}
            node["resources"].append(resource)
        return root

    def render(self) -> Json:
        changes = []
        for r in self.resources:
            address, module_address = self._address(r)
            change: Json = {
                "address": address,
                "mode": "managed",
                "type": r["type"],
                "name": r["name"],
                "provider_name": PROVIDER,
                "change": {
                    "actions": r["actions"],
                    "before": r["before"],
                    "after": r["after"],
                    "after_unknown": r["unknown"],
                    "before_sensitive": {} if r["before"] is not None else False,
                    "after_sensitive": {} if r["after"] is not None else False,
                },
            }
            if module_address:
                change["module_address"] = module_address
            if r["index"] is not None:
                change["index"] = r["index"]
            if r["reason"]:
                change["action_reason"] = r["reason"]
            if r["deposed"]:
                change["deposed"] = r["deposed"]
            changes.append(change)
        planned = copy.deepcopy(self)
        for r in planned.resources:
            if r["after"] is not None:
                r["after"] = {k: v for k, v in r["after"].items() if not r["unknown"].get(k)}
        return {
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "planned_values": {"root_module": planned._state("after")},
            "resource_changes": changes,
            "prior_state": {
                "format_version": "1.0",
                "terraform_version": "1.9.8",
                "values": {"root_module": self._state("before")},
            },
            "configuration": {
                "provider_config": {
                    "azurerm": {
                        "name": "azurerm",
                        "full_name": PROVIDER,
                        "version_constraint": "~> 4.10",
                    }
                },
                "root_module": self._configuration(),
            },
            "timestamp": "2026-11-20T09:12:44Z",
            "applyable": True,
            "complete": True,
            "errored": False,
        }


def refs(*targets: str) -> Json:
    return {"references": list(targets)}


def vm_with_item(plan: Plan, vm_actions: list[str], item_actions: list[str], **kw: Any) -> None:
    """The common base: vm-app-01 with its replicated item (OS disk and one data disk)."""
    vm_after = (
        None if vm_actions == ["delete"] else linux_vm("vm-app-01", kw.get("vm_after_id", VM_ID))
    )
    plan.add(
        "azurerm_linux_virtual_machine",
        "app",
        vm_actions,
        linux_vm("vm-app-01", VM_ID),
        vm_after,
        unknown=kw.get("vm_unknown"),
        reason=kw.get("vm_reason"),
    )
    item = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
    item_after = None if item_actions == ["delete"] else kw.get("item_after", item)
    plan.add(
        "azurerm_site_recovery_replicated_vm",
        "app",
        item_actions,
        item,
        item_after,
        unknown=kw.get("item_unknown"),
        refs={
            "source_vm_id": refs(
                "azurerm_linux_virtual_machine.app.id", "azurerm_linux_virtual_machine.app"
            )
        },
    )


def fixtures() -> dict[str, Json]:
    out: dict[str, Json] = {}

    plan = Plan()
    vm_with_item(
        plan,
        ["delete", "create"],
        ["no-op"],
        vm_after_id=None,
        vm_unknown={"id": True, "os_managed_disk_id": True},
        vm_reason="replace_because_cannot_update",
    )
    out["vm-replaced-replicated"] = plan.render()

    # create_before_destroy, in a counted child module, replication evidence only in prior_state
    plan = Plan()
    plan.add(
        "azurerm_linux_virtual_machine",
        "web",
        ["create", "delete"],
        linux_vm("vm-web-0", f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-web-0"),
        linux_vm("vm-web-0", None, size="Standard_D4s_v5"),
        module=[("web", "[0]")],
        index=0,
        unknown={"id": True, "os_managed_disk_id": True},
        reason="replace_because_cannot_update",
    )
    plan.add(
        "azurerm_site_recovery_replicated_vm",
        "web",
        ["no-op"],
        replicated_item(
            "vm-web-0-asr", f"{RG}/providers/Microsoft.Compute/virtualMachines/VM-WEB-0", []
        ),
        replicated_item(
            "vm-web-0-asr", f"{RG}/providers/Microsoft.Compute/virtualMachines/VM-WEB-0", []
        ),
        module=[("dr", "")],
    )
    out["vm-replaced-create-before-destroy-module"] = plan.render()

    plan = Plan()
    plan.add(
        "azurerm_linux_virtual_machine",
        "app",
        ["delete", "create"],
        linux_vm("vm-app-01", VM_ID),
        linux_vm("vm-app-01", None),
        unknown={"id": True, "os_managed_disk_id": True},
        reason="replace_because_cannot_update",
    )
    out["vm-replaced-not-replicated"] = plan.render()

    plan = Plan()
    item_new = replicated_item("vm-app-01-asr", None, [], item_id=False)
    vm_with_item(
        plan,
        ["delete", "create"],
        ["delete", "create"],
        vm_after_id=None,
        vm_unknown={"id": True, "os_managed_disk_id": True},
        item_after=item_new,
        item_unknown={"id": True, "source_vm_id": True, "managed_disk": True},
        vm_reason="replace_because_cannot_update",
    )
    out["vm-replaced-with-reenable"] = plan.render()

    plan = Plan()
    vm_with_item(plan, ["delete"], ["no-op"], vm_reason="delete_because_no_resource_config")
    out["vm-deleted-replicated"] = plan.render()

    plan = Plan()
    vm_with_item(plan, ["delete"], ["delete"], vm_reason="delete_because_no_resource_config")
    out["vm-and-replication-deleted"] = plan.render()

    plan = Plan()
    vm_with_item(plan, ["no-op"], ["no-op"])
    plan.add(
        "azurerm_linux_virtual_machine",
        "app",
        ["update"],
        linux_vm("vm-app-01", VM_ID),
        linux_vm("vm-app-01", VM_ID, tags={"env": "prod", "app": "orders", "owner": "team-dr"}),
    )
    plan.resources.pop(0)  # the updated VM replaces the no-op one
    out["vm-tags-updated"] = plan.render()

    # A disk restored from a disk restore point, attached by a counted child module to a VM
    # that is not in the plan: replication evidence comes from the inventory.
    plan = Plan()
    plan.add(
        "azurerm_managed_disk",
        "restored",
        ["create"],
        None,
        managed_disk("vm-app-01-data-restored", "Restore", RESTORE_POINT, None),
        module=[("data_disks", "")],
        index=0,
        unknown={"id": True},
    )
    plan.add(
        "azurerm_virtual_machine_data_disk_attachment",
        "restored",
        ["create"],
        None,
        {"virtual_machine_id": VM_ID, "lun": 2, "caching": "ReadOnly", "create_option": "Attach"},
        module=[("data_disks", "")],
        index=0,
        unknown={"id": True, "managed_disk_id": True},
        refs={
            "managed_disk_id": refs("azurerm_managed_disk.restored", "count.index"),
            "virtual_machine_id": refs("var.vm_id"),
        },
    )
    out["restored-disk-attached-module"] = plan.render()

    for name, replicated in (
        ("snapshot-copy-attached", True),
        ("snapshot-copy-attached-not-replicated", False),
    ):
        plan = Plan()
        if replicated:
            vm_with_item(plan, ["no-op"], ["no-op"])
        else:
            plan.add(
                "azurerm_linux_virtual_machine",
                "app",
                ["no-op"],
                linux_vm("vm-app-01", VM_ID),
                linux_vm("vm-app-01", VM_ID),
            )
        plan.add(
            "azurerm_managed_disk",
            "copy",
            ["create"],
            None,
            managed_disk("vm-app-01-data-copy", "Copy", SNAPSHOT, None),
            unknown={"id": True},
        )
        plan.add(
            "azurerm_virtual_machine_data_disk_attachment",
            "copy",
            ["create"],
            None,
            {"virtual_machine_id": VM_ID, "lun": 3, "caching": "None", "create_option": "Attach"},
            unknown={"id": True, "managed_disk_id": True},
            refs={
                "managed_disk_id": refs(
                    "azurerm_managed_disk.copy.id", "azurerm_managed_disk.copy"
                ),
                "virtual_machine_id": refs(
                    "azurerm_linux_virtual_machine.app.id", "azurerm_linux_virtual_machine.app"
                ),
            },
        )
        out[name] = plan.render()

    for name, protect in (
        ("empty-disk-attached-unprotected", False),
        ("empty-disk-attached-protected", True),
    ):
        plan = Plan()
        new_disk_ids = [OS_DISK, DATA_DISK]
        item = replicated_item("vm-app-01-asr", VM_ID, new_disk_ids)
        if protect:
            item_after = replicated_item("vm-app-01-asr", VM_ID, new_disk_ids)
            item_after["managed_disk"].append(dict(item_after["managed_disk"][0], disk_id=None))
            del item_after["managed_disk"][-1]["disk_id"]
            vm_with_item(
                plan,
                ["no-op"],
                ["update"],
                item_after=item_after,
                item_unknown={"managed_disk": [{}, {}, {"disk_id": True}]},
            )
            plan.resources[-1]["refs"]["managed_disk"] = [
                {"disk_id": {"constant_value": OS_DISK}},
                {"disk_id": {"constant_value": DATA_DISK}},
                {"disk_id": refs("azurerm_managed_disk.logs.id", "azurerm_managed_disk.logs")},
            ]
        else:
            vm_with_item(plan, ["no-op"], ["no-op"])
        del item
        plan.add(
            "azurerm_managed_disk",
            "logs",
            ["create"],
            None,
            managed_disk("vm-app-01-logs", "Empty", None, None),
            unknown={"id": True},
        )
        plan.add(
            "azurerm_virtual_machine_data_disk_attachment",
            "logs",
            ["create"],
            None,
            {
                "virtual_machine_id": VM_ID,
                "lun": 4,
                "caching": "ReadWrite",
                "create_option": "Attach",
            },
            unknown={"id": True, "managed_disk_id": True},
            refs={
                "managed_disk_id": refs("azurerm_managed_disk.logs.id", "azurerm_managed_disk.logs")
            },
        )
        out[name] = plan.render()

    # Legacy azurerm_virtual_machine: the OS disk is swapped for a copy of a snapshot.
    plan = Plan()
    legacy_before = legacy_vm("vm-app-01", VM_ID, OS_DISK)
    legacy_after = legacy_vm("vm-app-01", VM_ID, OS_DISK)
    del legacy_after["storage_os_disk"][0]["managed_disk_id"]
    plan.add(
        "azurerm_virtual_machine",
        "app",
        ["update"],
        legacy_before,
        legacy_after,
        unknown={"storage_os_disk": [{"managed_disk_id": True}]},
        refs={
            "storage_os_disk": [
                {
                    "create_option": {"constant_value": "Attach"},
                    "managed_disk_id": refs(
                        "azurerm_managed_disk.os_restored.id", "azurerm_managed_disk.os_restored"
                    ),
                }
            ]
        },
    )
    plan.add(
        "azurerm_site_recovery_replicated_vm",
        "app",
        ["no-op"],
        replicated_item("vm-app-01-asr", VM_ID, [OS_DISK]),
        replicated_item("vm-app-01-asr", VM_ID, [OS_DISK]),
    )
    plan.add(
        "azurerm_managed_disk",
        "os_restored",
        ["create"],
        None,
        managed_disk("vm-app-01-os-restored", "Copy", SNAPSHOT, None),
        unknown={"id": True},
    )
    out["os-disk-swap-restored-legacy"] = plan.render()

    plan = Plan()
    other_disk = disk_id("vm-app-01-osdisk-v2")
    vm_with_item(plan, ["no-op"], ["no-op"])
    plan.resources.pop(0)
    plan.add(
        "azurerm_linux_virtual_machine",
        "app",
        ["update"],
        linux_vm("vm-app-01", VM_ID),
        linux_vm("vm-app-01", VM_ID, os_managed_disk_id=other_disk),
    )
    out["os-disk-swap"] = plan.render()

    plan = Plan()
    vm_with_item(plan, ["no-op"], ["no-op"])
    plan.add(
        "azurerm_virtual_machine_implicit_data_disk_from_source",
        "from_snapshot",
        ["create"],
        None,
        {
            "name": "vm-app-01-data-implicit",
            "virtual_machine_id": VM_ID,
            "lun": 5,
            "create_option": "Copy",
            "disk_size_gb": 128,
            "source_resource_id": SNAPSHOT,
            "caching": "None",
        },
        unknown={"id": True},
    )
    out["implicit-disk-from-snapshot"] = plan.render()

    plan = Plan()
    vm_with_item(plan, ["no-op"], ["delete"])
    out["replication-removed"] = plan.render()

    # A replace that failed half-way left the old VM deposed: destroying it is a VM delete.
    for name, protected in (
        ("vm-deposed-replicated", VM_ID),
        ("vm-deposed-not-replicated", VM2_ID),
    ):
        plan = Plan()
        plan.add(
            "azurerm_linux_virtual_machine",
            "app",
            ["no-op"],
            linux_vm("vm-app-01", VM2_ID),
            linux_vm("vm-app-01", VM2_ID),
        )
        plan.add(
            "azurerm_linux_virtual_machine",
            "app",
            ["delete"],
            linux_vm("vm-app-01", VM_ID),
            None,
            deposed="4f0a2c1e",
        )
        item = replicated_item("vm-app-01-asr", protected, [])
        plan.add("azurerm_site_recovery_replicated_vm", "app", ["no-op"], item, item)
        out[name] = plan.render()
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, plan in fixtures().items():
        path = EXAMPLES.get(name, OUT / f"{name}.plan.json")
        path.write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
