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


# --- the scenarios of the support matrix beyond restores and replaces ----------------------

CACHE = f"{RG}/providers/Microsoft.Storage/storageAccounts/stcacheweu01"
NIC = f"{RG}/providers/Microsoft.Network/networkInterfaces/vm-app-01-nic"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/app"


def attachment(disk: str, lun: int, vm: str = VM_ID, **extra: Any) -> Json:
    values: Json = {
        "id": f"{vm}/dataDisks/{disk.rsplit('/', 1)[-1]}",
        "virtual_machine_id": vm,
        "managed_disk_id": disk,
        "lun": lun,
        "caching": "ReadOnly",
        "create_option": "Attach",
        "write_accelerator_enabled": False,
    }
    values.update(extra)
    return values


def storage_account(**extra: Any) -> Json:
    values: Json = {
        "id": CACHE,
        "name": "stcacheweu01",
        "location": "westeurope",
        "resource_group_name": "rg-app-weu",
        "account_tier": "Standard",
        "account_replication_type": "LRS",
        "shared_access_key_enabled": True,
        "network_rules": [{"default_action": "Allow", "bypass": ["AzureServices"]}],
        "blob_properties": [{"delete_retention_policy": []}],
    }
    values.update(extra)
    return values


def extension(name: str, publisher: str, type_: str, settings: Json) -> Json:
    return {
        "name": name,
        "virtual_machine_id": VM_ID,
        "publisher": publisher,
        "type": type_,
        "type_handler_version": "1.1",
        "settings": json.dumps(settings),
    }


def scenario_plans() -> dict[str, Json]:
    """Plans for the scenarios of the matrix beyond restores and replaces, each both ways."""
    out: dict[str, Json] = {}
    item_refs = refs("azurerm_linux_virtual_machine.app.id", "azurerm_linux_virtual_machine.app")

    def base(plan: Plan, vm_actions: list[str] | None = None) -> None:
        vm_with_item(plan, vm_actions or ["no-op"], ["no-op"])

    # ASR011 / ASR012: a data disk detached from a replicated VM that stays.
    for name, disk in (
        ("data-disk-detached-protected", DATA_DISK),
        ("data-disk-detached-unprotected", disk_id("vm-app-01-scratch")),
    ):
        plan = Plan()
        base(plan)
        plan.add(
            "azurerm_virtual_machine_data_disk_attachment",
            "data",
            ["delete"],
            attachment(disk, 1),
            None,
        )
        out[name] = plan.render()

    # ASR013: the replicated item replaced on its own (a new replication policy).
    new_policy = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
    new_policy["recovery_replication_policy_id"] = new_policy[
        "recovery_replication_policy_id"
    ].replace("policy-24h", "policy-12h")
    for name, actions, after in (
        ("replicated-item-replaced", ["delete", "create"], new_policy),
        (
            "replicated-item-updated",
            ["update"],
            replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK]),
        ),
    ):
        plan = Plan()
        plan.add(
            "azurerm_linux_virtual_machine",
            "app",
            ["no-op"],
            linux_vm("vm-app-01", VM_ID),
            linux_vm("vm-app-01", VM_ID),
        )
        before = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
        if actions == ["update"]:
            after = dict(
                after,
                target_network_id=f"{SUB}/resourceGroups/rg-app-neu/providers/Microsoft.Network/virtualNetworks/vnet-dr",
            )
        plan.add(
            "azurerm_site_recovery_replicated_vm",
            "app",
            actions,
            before,
            after,
            refs={"source_vm_id": item_refs},
            reason="replace_because_cannot_update" if actions != ["update"] else None,
        )
        out[name] = plan.render()

    # ASR014-ASR016: a replicated data disk resized.
    for name, size_before, size_after, sku in (
        ("disk-shrunk", 512, 256, "Premium_LRS"),
        ("disk-grown-past-4tib", 2048, 8192, "Premium_LRS"),
        ("disk-premium-v2-resized", 512, 1024, "PremiumV2_LRS"),
        ("disk-grown", 512, 1024, "Premium_LRS"),
    ):
        plan = Plan()
        base(plan)
        before = dict(
            managed_disk("vm-app-01-data-01", "Empty", None, DATA_DISK),
            disk_size_gb=size_before,
            storage_account_type=sku,
        )
        plan.add(
            "azurerm_managed_disk",
            "data",
            ["update"],
            before,
            dict(before, disk_size_gb=size_after),
        )
        out[name] = plan.render()

    # ASR017: encryption at host switched on for a replicated VM; and a tag change.
    for name, on in (("encryption-at-host-on", True), ("encryption-at-host-unchanged", False)):
        plan = Plan()
        vm_before = linux_vm("vm-app-01", VM_ID, encryption_at_host_enabled=False)
        vm_after = dict(
            vm_before,
            encryption_at_host_enabled=on,
            tags={"env": "prod", "app": "orders", "owner": "ops"},
        )
        plan.add("azurerm_linux_virtual_machine", "app", ["update"], vm_before, vm_after)
        item = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
        plan.add(
            "azurerm_site_recovery_replicated_vm",
            "app",
            ["no-op"],
            item,
            item,
            refs={"source_vm_id": item_refs},
        )
        out[name] = plan.render()

    # ASR018: a shared disk attached to a replicated VM.
    plan = Plan()
    base(plan)
    shared = disk_id("vm-app-01-shared")
    plan.add(
        "azurerm_managed_disk",
        "shared",
        ["create"],
        None,
        dict(managed_disk("vm-app-01-shared", "Empty", None, None), max_shares=2),
        unknown={"id": True},
    )
    plan.add(
        "azurerm_virtual_machine_data_disk_attachment",
        "shared",
        ["create"],
        None,
        {k: v for k, v in attachment(shared, 3).items() if k not in ("id", "managed_disk_id")},
        unknown={"id": True, "managed_disk_id": True},
        refs={
            "managed_disk_id": refs(
                "azurerm_managed_disk.shared.id", "azurerm_managed_disk.shared"
            ),
            "virtual_machine_id": item_refs,
        },
    )
    out["shared-disk-attached"] = plan.render()

    # ASR019: Azure Disk Encryption added to a replicated VM; another extension added.
    for name, publisher, type_, settings in (
        (
            "disk-encryption-added",
            "Microsoft.Azure.Security",
            "AzureDiskEncryptionForLinux",
            {
                "EncryptionOperation": "EnableEncryption",
                "KeyVaultURL": "https://kv-app.vault.azure.net/",
                "VolumeType": "All",
            },
        ),
        ("monitoring-agent-added", "Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", {}),
    ):
        plan = Plan()
        base(plan)
        plan.add(
            "azurerm_virtual_machine_extension",
            "ext",
            ["create"],
            None,
            extension("ext", publisher, type_, settings),
            unknown={"id": True},
        )
        out[name] = plan.render()

    # ASR021: a replicated VM moved to another resource group (a replace in azurerm).
    plan = Plan()
    plan.add(
        "azurerm_linux_virtual_machine",
        "app",
        ["delete", "create"],
        linux_vm("vm-app-01", VM_ID),
        {k: v for k, v in linux_vm("vm-app-01", None, resource_group_name="rg-app-weu-2").items()},
        unknown={"id": True, "os_managed_disk_id": True},
        reason="replace_because_cannot_update",
    )
    item = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
    plan.add("azurerm_site_recovery_replicated_vm", "app", ["no-op"], item, item)
    out["vm-moved"] = plan.render()

    # ASR022: a protected disk moved to another resource group.
    plan = Plan()
    base(plan)
    before = managed_disk("vm-app-01-data-01", "Empty", None, DATA_DISK)
    plan.add(
        "azurerm_managed_disk",
        "data",
        ["delete", "create"],
        before,
        {k: v for k, v in dict(before, resource_group_name="rg-app-weu-2").items() if k != "id"},
        unknown={"id": True},
        reason="replace_because_cannot_update",
    )
    out["disk-moved"] = plan.render()

    # ASR023: a NIC added to a replicated VM.
    plan = Plan()
    vm_before = linux_vm("vm-app-01", VM_ID)
    vm_after = dict(vm_before, network_interface_ids=[NIC, f"{NIC}-2"])
    plan.add("azurerm_linux_virtual_machine", "app", ["update"], vm_before, vm_after)
    item = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
    plan.add("azurerm_site_recovery_replicated_vm", "app", ["no-op"], item, item)
    out["nic-added"] = plan.render()

    # ASR024: the cache storage account of a replicated item loses shared key access; and
    # one that keeps it.
    for name, enabled in (("cache-shared-key-off", False), ("cache-tags-updated", True)):
        plan = Plan()
        base(plan)
        account = storage_account()
        plan.add(
            "azurerm_storage_account",
            "cache",
            ["update"],
            account,
            dict(account, shared_access_key_enabled=enabled, tags={"owner": "ops"}),
        )
        out[name] = plan.render()

    # ASR026 / ASR027: the workaround, applied in an order Terraform cannot keep or prove.
    for name, item_actions, item_refs_used in (
        ("reenable-create-before-destroy", ["create", "delete"], item_refs),
        ("reenable-order-unproven", ["delete", "create"], refs("var.source_vm_id")),
    ):
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
        item = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
        plan.add(
            "azurerm_site_recovery_replicated_vm",
            "app",
            item_actions,
            item,
            dict(item, id=None) if False else {k: v for k, v in item.items() if k != "id"},
            refs={"source_vm_id": item_refs_used},
            reason="replace_because_cannot_update",
        )
        out[name] = plan.render()

    # ASR028: a removed block with destroy = false.
    plan = Plan()
    plan.add(
        "azurerm_linux_virtual_machine",
        "app",
        ["no-op"],
        linux_vm("vm-app-01", VM_ID),
        linux_vm("vm-app-01", VM_ID),
    )
    item = replicated_item("vm-app-01-asr", VM_ID, [OS_DISK, DATA_DISK])
    plan.add("azurerm_site_recovery_replicated_vm", "app", ["forget"], item, None)
    out["replicated-item-forgotten"] = plan.render()
    return out


# --- what-if results and templates for the same scenarios --------------------------------

ITEM_ID = (
    f"{SUB}/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices/vaults/{VAULT}"
    "/replicationFabrics/asr-a2a-default-westeurope/replicationProtectionContainers"
    "/asr-a2a-default-westeurope-container/replicationProtectedItems/vm-app-01-asr"
)
VM_TYPE = "Microsoft.Compute/virtualMachines"
ITEM_TYPE = (
    "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers"
    "/replicationProtectedItems"
)


def arm_vm(data_disks: list[Json], vm_id: str = VM_ID, **properties: Any) -> Json:
    body: Json = {
        "apiVersion": "2024-07-01",
        "id": vm_id,
        "name": vm_id.rsplit("/", 1)[-1],
        "type": VM_TYPE,
        "location": "westeurope",
        "properties": {
            "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "storageProfile": {
                "osDisk": {
                    "osType": "Linux",
                    "name": "vm-app-01-osdisk",
                    "createOption": "Attach",
                    "managedDisk": {"id": OS_DISK, "storageAccountType": "Premium_LRS"},
                },
                "dataDisks": data_disks,
            },
            "networkProfile": {"networkInterfaces": [{"id": NIC}]},
        },
    }
    for key, value in properties.items():
        body["properties"][key] = value
    return body


def arm_data_disk(disk: str, lun: int) -> Json:
    return {
        "lun": lun,
        "name": disk.rsplit("/", 1)[-1],
        "createOption": "Attach",
        "caching": "ReadOnly",
        "managedDisk": {"id": disk, "storageAccountType": "Premium_LRS"},
    }


def existing_item(disks: list[str], auto: str = "Disabled") -> Json:
    """A replicated item as a GET, az site-recovery protected-item show and a what-if
    `before` return it (A2AReplicationDetails: protectedManagedDisks)."""
    return {
        "apiVersion": "2024-04-01",
        "id": ITEM_ID,
        "name": "vm-app-01-asr",
        "type": ITEM_TYPE,
        "properties": {
            "friendlyName": "vm-app-01",
            "protectionState": "Protected",
            "replicationHealth": "Normal",
            "policyId": f"{SUB}/resourceGroups/rg-dr-neu/providers/Microsoft.RecoveryServices"
            f"/vaults/{VAULT}/replicationPolicies/policy-24h",
            "providerSpecificDetails": {
                "instanceType": "A2A",
                "fabricObjectId": VM_ID,
                "recoveryAzureResourceGroupId": f"{SUB}/resourceGroups/rg-app-neu",
                "autoProtectionOfDataDisk": auto,
                "protectedManagedDisks": [
                    {
                        "diskId": disk,
                        "primaryStagingAzureStorageAccountId": CACHE,
                        "diskType": "Premium_LRS",
                        "diskState": "Valid",
                        "resyncRequired": False,
                    }
                    for disk in disks
                ],
            },
        },
    }


def change(resource_id: str, change_type: str, before: Json | None, after: Json | None) -> Json:
    return {"resourceId": resource_id, "changeType": change_type, "before": before, "after": after}


def whatif(*changes: Json) -> Json:
    return {"status": "Succeeded", "changes": list(changes), "error": None}


def whatif_scenarios() -> dict[str, Json]:
    """What-if results for the same scenarios, each both ways."""
    out: dict[str, Json] = {}
    item = change(
        ITEM_ID,
        "NoChange",
        existing_item([OS_DISK, DATA_DISK]),
        existing_item([OS_DISK, DATA_DISK]),
    )
    with_data = arm_vm([arm_data_disk(DATA_DISK, 0)])
    scratch = disk_id("vm-app-01-scratch")
    out["data-disk-detached-protected"] = whatif(
        change(VM_ID, "Modify", with_data, arm_vm([])), item
    )
    with_scratch = arm_vm([arm_data_disk(DATA_DISK, 0), arm_data_disk(scratch, 1)])
    out["data-disk-detached-unprotected"] = whatif(
        change(VM_ID, "Modify", with_scratch, with_data), item
    )

    def disk(size: int, sku: str) -> Json:
        return {
            "apiVersion": "2024-03-02",
            "id": DATA_DISK,
            "name": "vm-app-01-data-01",
            "type": "Microsoft.Compute/disks",
            "location": "westeurope",
            "sku": {"name": sku},
            "properties": {"creationData": {"createOption": "Empty"}, "diskSizeGB": size},
        }

    out["disk-shrunk"] = whatif(
        change(DATA_DISK, "Modify", disk(512, "Premium_LRS"), disk(256, "Premium_LRS")), item
    )
    out["disk-grown"] = whatif(
        change(DATA_DISK, "Modify", disk(512, "Premium_LRS"), disk(1024, "Premium_LRS")), item
    )

    def security(on: bool) -> Json:
        return arm_vm([arm_data_disk(DATA_DISK, 0)], securityProfile={"encryptionAtHost": on})

    out["encryption-at-host-on"] = whatif(
        change(VM_ID, "Modify", security(False), security(True)), item
    )
    out["encryption-at-host-unchanged"] = whatif(
        change(VM_ID, "Modify", security(False), security(False)), item
    )

    def ext(publisher: str, type_: str) -> Json:
        name = type_.lower()
        return {
            "apiVersion": "2024-07-01",
            "id": f"{VM_ID}/extensions/{name}",
            "name": f"vm-app-01/{name}",
            "type": "Microsoft.Compute/virtualMachines/extensions",
            "properties": {
                "publisher": publisher,
                "type": type_,
                "typeHandlerVersion": "1.1",
                "settings": {"EncryptionOperation": "EnableEncryption"},
            },
        }

    ade = ext("Microsoft.Azure.Security", "AzureDiskEncryptionForLinux")
    agent = ext("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent")
    out["disk-encryption-added"] = whatif(change(ade["id"], "Create", None, ade), item)
    out["monitoring-agent-added"] = whatif(change(agent["id"], "Create", None, agent), item)

    moved_id = VM_ID.replace("/resourceGroups/rg-app-weu/", "/resourceGroups/rg-app-weu-2/")
    out["vm-moved"] = whatif(
        change(VM_ID, "Delete", with_data, None),
        change(moved_id, "Create", None, arm_vm([arm_data_disk(DATA_DISK, 0)], vm_id=moved_id)),
        item,
    )

    two_nics = arm_vm(
        [arm_data_disk(DATA_DISK, 0)],
        networkProfile={"networkInterfaces": [{"id": NIC}, {"id": f"{NIC}-2"}]},
    )
    out["nic-added"] = whatif(change(VM_ID, "Modify", with_data, two_nics), item)

    def account(shared_key: bool) -> Json:
        return {
            "apiVersion": "2023-05-01",
            "id": CACHE,
            "name": "stcacheweu01",
            "type": "Microsoft.Storage/storageAccounts",
            "location": "westeurope",
            "sku": {"name": "Standard_LRS"},
            "kind": "StorageV2",
            "properties": {
                "allowSharedKeyAccess": shared_key,
                "networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices"},
            },
        }

    out["cache-shared-key-off"] = whatif(
        change(CACHE, "Modify", account(True), account(False)), item
    )
    out["cache-tags-updated"] = whatif(
        change(CACHE, "Modify", account(True), dict(account(True), tags={"owner": "ops"})), item
    )

    auto_item = change(
        ITEM_ID,
        "NoChange",
        existing_item([OS_DISK, DATA_DISK], "Enabled"),
        existing_item([OS_DISK, DATA_DISK], "Enabled"),
    )
    new_disk = arm_vm([arm_data_disk(DATA_DISK, 0), arm_data_disk(scratch, 1)])
    out["data-disk-auto-protected"] = whatif(
        change(VM_ID, "Modify", with_data, new_disk), auto_item
    )
    out["data-disk-unprotected"] = whatif(change(VM_ID, "Modify", with_data, new_disk), item)

    recreated = ITEM_ID + "-2"
    enable = existing_item([OS_DISK, DATA_DISK])
    enable["id"] = recreated
    details = enable["properties"]["providerSpecificDetails"]
    details["vmManagedDisks"] = [
        {
            "diskId": d["diskId"],
            "primaryStagingAzureStorageAccountId": CACHE,
            "recoveryResourceGroupId": f"{SUB}/resourceGroups/rg-app-neu",
        }
        for d in details.pop("protectedManagedDisks")
    ]
    out["replicated-item-recreated"] = whatif(
        change(VM_ID, "NoChange", with_data, with_data),
        change(ITEM_ID, "Delete", existing_item([OS_DISK, DATA_DISK]), None),
        change(recreated, "Create", None, enable),
    )
    # d1 in the field reports: Unsupported changes whose resourceId is an unevaluated expression.
    out["unsupported-change"] = whatif(
        {
            "resourceId": "[format('{0}/providers/Microsoft.Compute/virtualMachines/{1}', "
            "resourceGroup().id, parameters('vmName'))]",
            "changeType": "Unsupported",
            "unsupportedReason": "Changes to the resource declared at 'resources[1]' could not be "
            "predicted: the resource id could not be evaluated.",
        },
        item,
    )
    return out


def arm_template(resources: list[Json]) -> Json:
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"location": {"type": "string", "defaultValue": "westeurope"}},
        "resources": resources,
    }


def template_vm(data_disks: list[Json], **properties: Any) -> Json:
    body = arm_vm(
        [
            {
                "lun": d["lun"],
                "createOption": "Attach",
                "managedDisk": {"id": f"[resourceId('Microsoft.Compute/disks', '{d['name']}')]"},
            }
            for d in data_disks
        ],
        **properties,
    )
    body["properties"]["storageProfile"]["osDisk"]["managedDisk"] = {
        "id": "[resourceId('Microsoft.Compute/disks', 'vm-app-01-osdisk')]"
    }
    body["properties"]["networkProfile"] = {
        "networkInterfaces": [
            {"id": "[resourceId('Microsoft.Network/networkInterfaces', 'vm-app-01-nic')]"}
        ]
    }
    return {
        "type": VM_TYPE,
        "apiVersion": "2024-07-01",
        "name": "vm-app-01",
        "location": "[parameters('location')]",
        "properties": body["properties"],
    }


def template_scenarios() -> dict[str, Json]:
    """ARM templates for the same scenarios (what a template can say), each both ways."""
    out: dict[str, Json] = {}
    data = [{"lun": 0, "name": "vm-app-01-data-01"}]
    out["encryption-at-host-on"] = arm_template(
        [template_vm(data, securityProfile={"encryptionAtHost": True})]
    )
    out["encryption-at-host-off"] = arm_template(
        [template_vm(data, securityProfile={"encryptionAtHost": False})]
    )
    ade = {
        "type": "Microsoft.Compute/virtualMachines/extensions",
        "apiVersion": "2024-07-01",
        "name": "vm-app-01/AzureDiskEncryption",
        "location": "[parameters('location')]",
        "properties": {
            "publisher": "Microsoft.Azure.Security",
            "type": "AzureDiskEncryptionForLinux",
            "typeHandlerVersion": "1.1",
            "settings": {
                "EncryptionOperation": "EnableEncryption",
                "KeyVaultURL": "https://kv-app.vault.azure.net/",
                "VolumeType": "All",
            },
        },
    }
    out["disk-encryption-added"] = arm_template([ade])
    shared = {
        "type": "Microsoft.Compute/disks",
        "apiVersion": "2024-03-02",
        "name": "vm-app-01-shared",
        "location": "[parameters('location')]",
        "sku": {"name": "Premium_LRS"},
        "properties": {
            "creationData": {"createOption": "Empty"},
            "diskSizeGB": 256,
            "maxShares": 2,
        },
    }
    out["shared-disk-attached"] = arm_template(
        [shared, template_vm([*data, {"lun": 3, "name": "vm-app-01-shared"}])]
    )
    return out


WHATIF_OUT = ROOT / "tests" / "fixtures" / "whatif"
ARM_OUT = ROOT / "tests" / "fixtures" / "arm"


def main() -> None:
    for name, result in whatif_scenarios().items():
        path = WHATIF_OUT / f"{name}.whatif.json"
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    for name, template in template_scenarios().items():
        path = ARM_OUT / f"{name}.json"
        path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, plan in {**fixtures(), **scenario_plans()}.items():
        path = EXAMPLES.get(name, OUT / f"{name}.plan.json")
        path.write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
