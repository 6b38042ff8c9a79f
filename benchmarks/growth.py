"""Inputs of every kind at a given size, for the growth test (tests/test_growth.py, small
sizes, shapes drawn by hypothesis) and the growth curve of the benchmark (bench.py, large).

`write_case(kind, n, directory, shape)` writes an input of `kind` whose size grows linearly
with n, and returns the `asr-guard check` arguments that check it. What grows, per kind:

    plan       n resources (VMs, disks, attachments; some in nested modules), and
               address keys of n / 10 characters
    template   n ARM resources, names and ids expressions; a variable chain of n / 10 links
               (at most 200: ARM takes 256 variables); with --scope, or deployed to no
               given scope (ids with placeholders, matched to n / 2 replicated VMs)
    whatif     n what-if changes
    restore    a YAML restore request with n comment lines and an inline waiver whose
               reason is padded with 20 n spaces (the quadratic pattern of issue 13)
    inventory  n replicated VMs (YAML) and n protected items (az JSON)
    waivers    n waivers (globs) over a plan of a few findings
    tf         a plan of n resources beside n resource blocks in n / 10 .tf files, each
               block with an inline waiver, in n / 50 local modules
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("plan", "template", "whatif", "restore", "inventory", "waivers", "tf")
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG = f"{SUB}/resourceGroups/rg-growth"
TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@dataclass(frozen=True)
class Shape:
    """What varies between inputs of one size (hypothesis draws it in the test)."""

    create_option: str = "Copy"  # of the disks attached to replicated VMs
    replaced_every: int = 10  # one VM in this many replaced
    module_depth: int = 1  # nesting of the modules some resources are in
    text: str = "x"  # a character that fills the long texts
    yaml_inventory: bool = True
    scoped: bool = True  # a template checked with --scope, or deployed to no given scope


def vm_id(i: int) -> str:
    return f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-{i}"


def disk_id(i: int) -> str:
    return f"{RG}/providers/Microsoft.Compute/disks/disk-{i}"


def _inventory(directory: Path, n: int, shape: Shape) -> list[str]:
    path = directory / "inventory.yaml"
    vms = "".join(f"  - {vm_id(i)}\n" for i in range(max(1, n)))
    path.write_text(f"replicated_vms:\n{vms}")
    return ["--inventory", str(path)]


def _change(address: str, type_: str, actions: list[str], before: Any, after: Any) -> Any:
    module, _, rest = address.rpartition(".azurerm_")
    change = {
        "address": address,
        "mode": "managed",
        "type": type_,
        "name": rest.split(".")[1].split("[")[0] if rest else address.split(".")[1],
        "provider_name": "registry.terraform.io/hashicorp/azurerm",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
    }
    if module:
        change["module_address"] = module
    return change


def plan(n: int, shape: Shape, key_length: int = 0) -> dict[str, Any]:
    """Groups of three resources: a VM, a data disk, its attachment."""
    changes = []
    key = json.dumps(shape.text * key_length) if key_length else ""
    for i in range((n + 2) // 3):
        prefix = ""
        if i % 7 == 1:
            prefix = "".join(f"module.m{d}[{key or 0}]." for d in range(shape.module_depth))
        vm = {"id": vm_id(i), "name": f"vm-{i}", "location": "westeurope"}
        replaced = i % shape.replaced_every == 0
        changes.append(
            _change(
                f"{prefix}azurerm_linux_virtual_machine.vm_{i}",
                "azurerm_linux_virtual_machine",
                ["delete", "create"] if replaced else ["no-op"],
                vm,
                {"name": f"vm-{i}", "location": "westeurope"} if replaced else vm,
            )
        )
        disk = {"name": f"disk-{i}", "create_option": shape.create_option}
        if shape.create_option == "Copy":
            disk["source_resource_id"] = f"{RG}/providers/Microsoft.Compute/snapshots/s-{i}"
        changes.append(
            _change(
                f"{prefix}azurerm_managed_disk.disk_{i}",
                "azurerm_managed_disk",
                ["create"],
                None,
                disk,
            )
        )
        changes.append(
            _change(
                f"{prefix}azurerm_virtual_machine_data_disk_attachment.att_{i}",
                "azurerm_virtual_machine_data_disk_attachment",
                ["create"],
                None,
                {"virtual_machine_id": vm_id(i), "lun": 1, "caching": "None"},
            )
        )
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}


def template(n: int, shape: Shape) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for i in range((n + 1) // 2):
        name = f"[concat(variables('prefix'), 'disk-{i}')]"
        resources.append(
            {
                "type": "Microsoft.Compute/disks",
                "apiVersion": "2024-03-02",
                "name": name,
                "location": "westeurope",
                "properties": {
                    "creationData": {
                        "createOption": shape.create_option,
                        "sourceResourceId": f"[resourceId('Microsoft.Compute/snapshots', 's-{i}')]",
                    }
                },
            }
        )
        resources.append(
            {
                "type": "Microsoft.Compute/virtualMachines",
                "apiVersion": "2024-07-01",
                "name": f"vm-{i}",
                "location": "westeurope",
                "properties": {
                    "storageProfile": {
                        "dataDisks": [
                            {
                                "lun": 1,
                                "createOption": "Attach",
                                "managedDisk": {
                                    "id": f"[resourceId('Microsoft.Compute/disks', {name[1:-1]})]"
                                },
                            }
                        ]
                    }
                },
            }
        )
    chain = max(1, min(n // 10, 200))  # ARM takes 256 variables
    variables: dict[str, Any] = {"v0": shape.text}
    for i in range(1, chain):
        variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), '{shape.text}')]"
    variables["prefix"] = f"[substring(variables('v{chain - 1}'), 0, 0)]"
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "variables": variables,
        "resources": resources,
    }


def whatif(n: int, shape: Shape) -> dict[str, Any]:
    changes = []
    for i in range((n + 1) // 2):
        changes.append(
            {
                "resourceId": disk_id(i),
                "changeType": "Create",
                "before": None,
                "after": {
                    "id": disk_id(i),
                    "name": f"disk-{i}",
                    "type": "Microsoft.Compute/disks",
                    "properties": {"creationData": {"createOption": shape.create_option}},
                },
            }
        )
        vm = {
            "id": vm_id(i),
            "name": f"vm-{i}",
            "type": "Microsoft.Compute/virtualMachines",
            "properties": {"storageProfile": {"dataDisks": []}},
        }
        attached = json.loads(json.dumps(vm))
        attached["properties"]["storageProfile"]["dataDisks"].append(
            {"lun": 1, "createOption": "Attach", "managedDisk": {"id": disk_id(i)}}
        )
        changes.append(
            {"resourceId": vm_id(i), "changeType": "Modify", "before": vm, "after": attached}
        )
    return {"status": "Succeeded", "changes": changes, "error": None}


def restore_yaml(n: int, shape: Shape) -> str:
    lines = [
        "objectType: IaasVMRestoreRequest",
        "recoveryType: OriginalLocation",
        f"sourceResourceId: {vm_id(0)}",
        'recoveryPointId: "1"',
    ]
    lines += [f"# note {i}: {shape.text * 20}" for i in range(n)]
    lines.append("# asr-guard:waive ASR003 expires=2099-01-01 reason=a" + " " * (20 * n) + "b x")
    return "\n".join(lines) + "\n"


def write_case(kind: str, n: int, directory: Path, shape: Shape = Shape()) -> list[str]:
    """Write an input of `kind` of size n in `directory`: the `check` arguments for it."""
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "plan":
        path = directory / "plan.json"
        path.write_text(json.dumps(plan(n, shape, key_length=n // 10)))
        return [str(path), *_inventory(directory, n // 3, shape)]
    if kind == "template":
        path = directory / "template.json"
        path.write_text(json.dumps(template(n, shape)))
        scope = ["--scope", RG] if shape.scoped else []
        return [str(path), *scope, *_inventory(directory, n // 2, shape)]
    if kind == "whatif":
        path = directory / "change.whatif.json"
        path.write_text(json.dumps(whatif(n, shape)))
        return [str(path), *_inventory(directory, n // 2, shape)]
    if kind == "restore":
        path = directory / "restore.yaml"
        path.write_text(restore_yaml(n, shape))
        return [str(path), *_inventory(directory, 1, shape)]
    if kind == "inventory":
        path = directory / "restore.yaml"
        path.write_text(restore_yaml(0, shape))
        items = directory / "protected-items.json"
        items.write_text(json.dumps([_protected_item(i) for i in range(n)]))
        return [str(path), *_inventory(directory, n, shape), "--inventory", str(items)]
    if kind == "waivers":
        path = directory / "plan.json"
        path.write_text(json.dumps(plan(30, shape)))
        waivers = directory / "waivers.yaml"
        entries = "".join(
            f"  - rule: ASR00{1 + i % 9}\n    resource: module.m*[*].azurerm_*.n{i}_*\n"
            f"    justification: {shape.text * 20}\n    expires: '2099-01-01'\n"
            for i in range(n)
        )
        waivers.write_text(f"waivers:\n{entries}")
        return [str(path), *_inventory(directory, 10, shape), "--waivers", str(waivers)]
    if kind == "tf":
        return _tf(n, directory, shape)
    raise ValueError(kind)


def _protected_item(i: int) -> dict[str, Any]:
    return protected_item(i, vm_id(10_000 + i), [disk_id(10_000 + i)], "vmManagedDisks")


def protected_item(i: int, vm: str, disks: list[str], field: str) -> dict[str, Any]:
    """A replicated item as `az site-recovery protected-item list` shows it (A2A), its disks
    under `field`: vmManagedDisks (the enable input) or protectedManagedDisks."""
    return {
        "id": f"{SUB}/resourceGroups/rg-vault/providers/Microsoft.RecoveryServices/vaults/v"
        f"/replicationFabrics/f/replicationProtectionContainers/c"
        f"/replicationProtectedItems/item-{i}",
        "name": f"item-{i}",
        "type": "Microsoft.RecoveryServices/vaults/replicationFabrics/"
        "replicationProtectionContainers/replicationProtectedItems",
        "properties": {
            "protectedItemType": "Microsoft.Azure.SiteRecovery/A2A",
            "providerSpecificDetails": {
                "instanceType": "A2A",
                "fabricObjectId": vm,
                field: [{"diskId": disk} for disk in disks],
            },
        },
    }


def _tf(n: int, directory: Path, shape: Shape) -> list[str]:
    """Resource blocks with inline waivers in files of ten, some in local modules."""
    blocks = max(1, n)
    modules = max(1, n // 50)
    changes = []
    files: dict[Path, list[str]] = {}
    for i in range(blocks):
        module = i % modules if i % 2 else None
        where = directory / "modules" / f"m{module}" if module is not None else directory
        prefix = f"module.m{module}." if module is not None else ""
        files.setdefault(where / f"f{i // 10}.tf", []).append(
            f'resource "azurerm_managed_disk" "d{i}" {{\n'
            f"  # asr-guard:waive ASR002 expires=2099-01-01 reason={shape.text * 10}\n"
            f'  name                 = "disk-{i}"\n'
            f'  create_option        = "{shape.create_option}"\n'
            "}\n"
        )
        changes.append(
            _change(
                f"{prefix}azurerm_managed_disk.d{i}",
                "azurerm_managed_disk",
                ["create"],
                None,
                {"name": f"disk-{i}", "create_option": shape.create_option},
            )
        )
    calls = "".join(f'module "m{m}" {{\n  source = "./modules/m{m}"\n}}\n' for m in range(modules))
    files.setdefault(directory / "main.tf", []).append(calls)
    for path, texts in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(texts))
    path = directory / "plan.json"
    value = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    path.write_text(json.dumps(value))
    return [str(path), "--tf-dir", str(directory), *_inventory(directory, 1, shape)]
