"""Replication inventory files: which VMs (and disks) Site Recovery replicates.

Accepted forms, each with a JSON Schema in schemas/:
- inventory.schema.json: `replicated_vms: [<vm id>, ...]` (and optionally
  `replicated_disks`), YAML or JSON
- inventory-az-protected-items.schema.json: `az site-recovery protected-item list` JSON
  (or the REST list envelope {"value": [...]})
- inventory-resource-graph.schema.json: `az graph query` JSON over replication protected items
- arm-whatif.schema.json: an ARM what-if result whose changes include protected items
- arm-template.schema.json: an ARM template with replicationProtectedItems resources,
  resolved as the policies read templates (validator.arm)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator import lazy, loading, schemas
from validator.errors import InputError
from validator.kinds import arm_template, arm_whatif

if TYPE_CHECKING:
    from validator import arm, arm_expressions
else:
    arm = lazy.module("validator.arm")
    arm_expressions = lazy.module("validator.arm_expressions")

_VM_MARKER = "/providers/microsoft.compute/virtualmachines/"
_DISK_MARKER = "/providers/microsoft.compute/disks/"
PROTECTED_ITEM_TYPE = (
    "microsoft.recoveryservices/vaults/replicationfabrics/"
    "replicationprotectioncontainers/replicationprotecteditems"
)


@dataclass
class Inventory:
    vms: set[str] = field(default_factory=set)
    disks: set[str] = field(default_factory=set)

    def data(self) -> dict[str, Any]:
        """What the policies read at data.asr_guard.inventory (validator.policy.PolicyData)."""
        return {"replicated_vms": sorted(self.vms), "replicated_disks": sorted(self.disks)}


def _checked_id(source: str, value: Any, marker: str, where: str) -> str:
    lowered = value.strip().lower() if isinstance(value, str) else ""
    if not lowered.startswith("/subscriptions/") or marker not in lowered:
        kind = "virtual machine" if marker == _VM_MARKER else "managed disk"
        raise InputError(source, f"{where}: not a {kind} resource id: {value!r}")
    return lowered


def add_protected_item(source: str, inventory: Inventory, properties: Any, where: str) -> None:
    """One replication protected item's properties: A2A items name an Azure VM and its disks."""
    details = properties.get("providerSpecificDetails") if isinstance(properties, dict) else None
    if not isinstance(details, dict):
        return
    vm = details.get("fabricObjectId")
    # Only Azure-to-Azure items name an Azure VM; other providers replicate other machines.
    if not (isinstance(vm, str) and _VM_MARKER in vm.lower()):
        return
    inventory.vms.add(_checked_id(source, vm, _VM_MARKER, f"{where} fabricObjectId"))
    # protectedManagedDisks: an existing item's details (a GET, `az site-recovery
    # protected-item list/show`, Resource Graph, a what-if `before`); vmManagedDisks: the
    # enable input's shape (a template, a what-if `after` of a create).
    for disks_field in ("protectedManagedDisks", "vmManagedDisks"):
        for j, disk in enumerate(details.get(disks_field) or []):
            if isinstance(disk, dict) and isinstance(disk.get("diskId"), str):
                inventory.disks.add(
                    _checked_id(source, disk["diskId"], _DISK_MARKER, f"{where} {disks_field}[{j}]")
                )


def _from_list(source: str, value: Any, inventory: Inventory) -> None:
    for i, vm in enumerate(value["replicated_vms"]):
        inventory.vms.add(_checked_id(source, vm, _VM_MARKER, f"replicated_vms[{i}]"))
    for i, disk in enumerate(value.get("replicated_disks") or []):
        inventory.disks.add(_checked_id(source, disk, _DISK_MARKER, f"replicated_disks[{i}]"))


def _items(value: Any) -> Any:
    return value["value"] if isinstance(value, dict) else value


def _from_protected_items(source: str, value: Any, inventory: Inventory) -> None:
    for i, item in enumerate(_items(value)):
        add_protected_item(source, inventory, item["properties"], f"item {i}")


def _rows(value: Any) -> Any:
    return value["data"] if isinstance(value, dict) else value


def _from_resource_graph(source: str, value: Any, inventory: Inventory) -> None:
    for i, row in enumerate(_rows(value)):
        if str(row.get("type", "")).lower() == PROTECTED_ITEM_TYPE:
            add_protected_item(source, inventory, row.get("properties"), f"row {i}")


def _whatif_changes(value: Any) -> Any:
    return value["changes"] if "changes" in value else value["properties"]["changes"]


def _from_whatif(source: str, value: Any, inventory: Inventory) -> None:
    for i, change in enumerate(_whatif_changes(value)):
        if PROTECTED_ITEM_TYPE.split("/")[-1] not in change["resourceId"].lower():
            continue
        # What is replicated now: the item as it is before the deployment.
        before = change.get("before")
        if change["changeType"] != "Create" and isinstance(before, dict):
            add_protected_item(source, inventory, before.get("properties"), f"change {i}")


def _from_template(source: str, value: Any, inventory: Inventory) -> None:
    """An ARM template's replicationProtectedItems (those it deploys, not `existing` ones)."""
    try:
        resources = arm.resolve_template(value)["resources"]
    except arm_expressions.LimitError as exc:
        raise InputError(source, f"refused: {exc}") from None
    except RecursionError:
        raise InputError(source, "refused: the template is nested too deeply") from None
    for resource in resources:
        if str(resource.get("type", "")).lower() == PROTECTED_ITEM_TYPE and not resource.get(
            "existing"
        ):
            try:
                add_protected_item(
                    source, inventory, resource.get("properties"), resource["asr_guard_source"]
                )
            except InputError:
                continue  # an id left unresolved in the template names no VM


def _is_item_list(value: Any) -> bool:
    items = value.get("value") if isinstance(value, dict) else value
    return isinstance(items, list) and all(_looks_like_item(item) for item in items)


def _looks_like_item(item: Any) -> bool:
    item_type = str(item.get("type", "replicationProtectedItems")) if isinstance(item, dict) else ""
    return (
        isinstance(item, dict)
        and isinstance(item.get("properties"), dict)
        and item_type.lower().endswith("replicationprotecteditems")
    )


def _is_resource_graph(value: Any) -> bool:
    rows = value.get("data") if isinstance(value, dict) else None
    return isinstance(rows, list) and (
        "total_records" in value or "count" in value or "skip_token" in value
    )


@dataclass(frozen=True)
class Form:
    name: str
    schema: str | None
    detect: Callable[[Any], bool]
    read: Callable[[str, Any, Inventory], None]


FORMS = (
    Form(
        "replication inventory",
        "inventory.schema.json",
        lambda v: isinstance(v, dict) and "replicated_vms" in v,
        _from_list,
    ),
    Form(
        "Resource Graph result",
        "inventory-resource-graph.schema.json",
        _is_resource_graph,
        _from_resource_graph,
    ),
    Form("what-if result", arm_whatif.SCHEMA, arm_whatif.detect, _from_whatif),
    Form(
        "protected-item list",
        "inventory-az-protected-items.schema.json",
        _is_item_list,
        _from_protected_items,
    ),
    Form("ARM template", arm_template.SCHEMA, arm_template.detect, _from_template),
)


def load_inventory(source: str, inventory: Inventory) -> None:
    """Add the VMs and disks one inventory file names, whatever its form."""
    value = loading.load(source).value
    for form in FORMS:
        if form.detect(value):
            if form.schema:
                schemas.check(source, value, form.schema, form.name)
            form.read(source, value, inventory)
            return
    raise InputError(
        source,
        "not a replication inventory: expected 'replicated_vms: [<vm id>, ...]', "
        "'az site-recovery protected-item list' or 'az graph query' JSON, an ARM what-if "
        "result or an ARM template with replicationProtectedItems",
    )


def inventory_data(sources: Iterable[str]) -> dict[str, Any]:
    """What the policies read at data.asr_guard.inventory, from inventory files."""
    inventory = Inventory()
    for source in sources:
        load_inventory(source, inventory)
    return inventory.data()
