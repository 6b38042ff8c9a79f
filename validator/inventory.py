"""Replication inventory files: which VMs Site Recovery replicates, when a plan does not say."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from validator import loading, schemas
from validator.errors import InputError

_VM_MARKER = "/providers/microsoft.compute/virtualmachines/"


def _vm_id(source: str, value: str, where: str) -> str:
    lowered = value.strip().lower()
    if not lowered.startswith("/subscriptions/") or _VM_MARKER not in lowered:
        raise InputError(source, f"{where}: not a virtual machine resource id: {value!r}")
    return lowered


def _from_list(source: str, value: dict[str, Any]) -> list[str]:
    schemas.check(source, value, "inventory.schema.json", "replication inventory")
    return [
        _vm_id(source, vm, f"replicated_vms[{i}]") for i, vm in enumerate(value["replicated_vms"])
    ]


def _from_protected_items(source: str, value: Any) -> list[str]:
    schemas.check(source, value, "inventory-az-protected-items.schema.json", "protected-item list")
    items = value["value"] if isinstance(value, dict) else value
    ids = []
    for i, item in enumerate(items):
        details = item["properties"].get("providerSpecificDetails") or {}
        fabric_object_id = details.get("fabricObjectId")
        # Only Azure-to-Azure items name an Azure VM; other providers replicate other machines.
        if isinstance(fabric_object_id, str) and _VM_MARKER in fabric_object_id.lower():
            ids.append(_vm_id(source, fabric_object_id, f"item {i} fabricObjectId"))
    return ids


def _is_protected_items(value: Any) -> bool:
    items = value.get("value") if isinstance(value, dict) else value
    return isinstance(items, list) and all(
        isinstance(item, dict) and "properties" in item for item in items
    )


def load_inventory(source: str) -> list[str]:
    """Lower-cased VM ids from one inventory file of any accepted form."""
    value = loading.load(source).value
    if isinstance(value, dict) and "replicated_vms" in value:
        return _from_list(source, value)
    if _is_protected_items(value):
        return _from_protected_items(source, value)
    raise InputError(
        source,
        "not a replication inventory: expected 'replicated_vms: [<vm id>, ...]' or the JSON "
        "of 'az site-recovery protected-item list'",
    )


def inventory_data(sources: Iterable[str]) -> dict[str, Any]:
    """The data document the policies read at data.asr_guard.inventory."""
    ids: set[str] = set()
    for source in sources:
        ids.update(load_inventory(source))
    return {"asr_guard": {"inventory": {"replicated_vms": sorted(ids)}}}
