"""Replication inventory files: which VMs (and disks) Site Recovery replicates.

Accepted forms, each with a JSON Schema in schemas/:
- inventory.schema.json: `replicated_vms: [<vm id>, ...]` (and optionally
  `replicated_disks`, `vm_disks`, `cache_storage_accounts`, `auto_protected_vms`), YAML or JSON
- inventory-az-protected-items.schema.json: `az site-recovery protected-item list` JSON
  (or the REST list envelope {"value": [...]}), or the one item `protected-item show` prints
- inventory-resource-graph.schema.json: `az graph query` JSON (or the Resource Graph REST
  response) over replication protected items
- arm-whatif.schema.json: an ARM what-if result whose changes include protected items
- arm-template.schema.json: an ARM template with replicationProtectedItems resources,
  resolved as the policies read templates (validator.arm)

Every form gives the policies what policies/asr_guard/lib/inventory.rego reads: the
replicated VMs, the disks their items protect (all of them, and by VM), the items' cache
(staging) storage accounts and the VMs whose item protects new data disks itself
(A2A `autoProtectionOfDataDisk: Enabled`). One page of a longer result (a REST list with
`nextLink`, a Resource Graph result with a skip token or fewer rows than its total) is
refused: the VMs on the other pages would pass as not replicated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from validator import lazy, loading, schemas
from validator.arm_names import NameTwinError
from validator.errors import InputError
from validator.kinds import arm_template, arm_whatif

if TYPE_CHECKING:
    from validator import arm, arm_expressions
else:
    arm = lazy.module("validator.arm")
    arm_expressions = lazy.module("validator.arm_expressions")

_VM_MARKER = "/providers/microsoft.compute/virtualmachines/"
_DISK_MARKER = "/providers/microsoft.compute/disks/"
_ACCOUNT_MARKER = "/providers/microsoft.storage/storageaccounts/"
_KIND_OF_MARKER = {
    _VM_MARKER: "virtual machine",
    _DISK_MARKER: "managed disk",
    _ACCOUNT_MARKER: "storage account",
}
_STAGING = "primaryStagingAzureStorageAccountId"  # a protected disk's cache storage account
_ESCAPES = re.compile(r"(?:[^%]|%[0-9a-fA-F]{2})*")
PROTECTED_ITEM_TYPE = (
    "microsoft.recoveryservices/vaults/replicationfabrics/"
    "replicationprotectioncontainers/replicationprotecteditems"
)


@dataclass
class Inventory:
    vms: set[str] = field(default_factory=set)
    disks: set[str] = field(default_factory=set)
    vm_disks: dict[str, set[str]] = field(default_factory=dict)
    cache_accounts: set[str] = field(default_factory=set)
    auto_protected: set[str] = field(default_factory=set)

    def add_vm_disk(self, vm: str, disk: str) -> None:
        self.disks.add(disk)
        self.vm_disks.setdefault(vm, set()).add(disk)

    def data(self) -> dict[str, Any]:
        """What the policies read at data.asr_guard.inventory (validator.policy.PolicyData;
        policies/asr_guard/lib/inventory.rego)."""
        return {
            "replicated_vms": sorted(self.vms),
            "replicated_disks": sorted(self.disks),
            "vm_disks": {vm: sorted(disks) for vm, disks in sorted(self.vm_disks.items())},
            "cache_storage_accounts": sorted(self.cache_accounts),
            "auto_protected_vms": sorted(self.auto_protected),
        }


def canonical_id(value: str) -> str:
    """An Azure resource id in the form the policies compare ids in (lib.canonical_id in
    policies/asr_guard/lib/values.rego): lower case, surrounding space, repeated and
    trailing slashes dropped, percent-escapes decoded (an id with a malformed escape is
    only lower-cased)."""
    lowered = value.lower()
    plain = "%" not in lowered and "//" not in lowered and not lowered.endswith("/")
    if plain and lowered.strip() == lowered:
        return lowered
    text = lowered.strip()
    if _ESCAPES.fullmatch(text):
        text = unquote(text)
    return re.sub("/+", "/", text).rstrip("/")


def _checked_id(source: str, value: Any, marker: str, where: str) -> str:
    canonical = canonical_id(value) if isinstance(value, str) else ""
    if not canonical.startswith("/subscriptions/") or marker not in canonical:
        raise InputError(source, f"{where}: not a {_KIND_OF_MARKER[marker]} resource id: {value!r}")
    return canonical


def add_protected_item(source: str, inventory: Inventory, properties: Any, where: str) -> None:
    """One replication protected item's properties: A2A items name an Azure VM and its disks."""
    details = properties.get("providerSpecificDetails") if isinstance(properties, dict) else None
    if not isinstance(details, dict):
        return
    vm = details.get("fabricObjectId")
    # Only Azure-to-Azure items name an Azure VM; other providers replicate other machines.
    if not (isinstance(vm, str) and _VM_MARKER in vm.lower()):
        return
    vm_id = _checked_id(source, vm, _VM_MARKER, f"{where} fabricObjectId")
    inventory.vms.add(vm_id)
    inventory.vm_disks.setdefault(vm_id, set())
    auto = details.get("autoProtectionOfDataDisk")
    if isinstance(auto, str) and auto.strip().lower() == "enabled":
        inventory.auto_protected.add(vm_id)
    # protectedManagedDisks: an existing item's details (A2AReplicationDetails: a GET,
    # `az site-recovery protected-item list/show`, Resource Graph, a what-if `before`);
    # vmManagedDisks: the enable input's shape (A2AEnableProtectionInput: a template, a
    # what-if `after` of a create). Each disk may name its cache (staging) storage account.
    for disks_field in ("protectedManagedDisks", "vmManagedDisks"):
        disks = details.get(disks_field)
        for j, disk in enumerate(disks if isinstance(disks, list) else []):
            if not isinstance(disk, dict):
                continue
            place = f"{where} {disks_field}[{j}]"
            if isinstance(disk.get("diskId"), str):
                inventory.add_vm_disk(
                    vm_id, _checked_id(source, disk["diskId"], _DISK_MARKER, f"{place} diskId")
                )
            account = disk.get("primaryStagingAzureStorageAccountId")
            if isinstance(account, str):
                inventory.cache_accounts.add(
                    _checked_id(
                        source,
                        account,
                        _ACCOUNT_MARKER,
                        f"{place} primaryStagingAzureStorageAccountId",
                    )
                )


def _from_list(source: str, value: Any, inventory: Inventory) -> None:
    for i, vm in enumerate(value["replicated_vms"]):
        inventory.vms.add(_checked_id(source, vm, _VM_MARKER, f"replicated_vms[{i}]"))
    for i, disk in enumerate(value.get("replicated_disks") or []):
        inventory.disks.add(_checked_id(source, disk, _DISK_MARKER, f"replicated_disks[{i}]"))
    for vm, disks in (value.get("vm_disks") or {}).items():
        vm_id = _checked_id(source, vm, _VM_MARKER, f"vm_disks key {vm!r}")
        inventory.vms.add(vm_id)
        inventory.vm_disks.setdefault(vm_id, set())
        for j, disk in enumerate(disks):
            inventory.add_vm_disk(
                vm_id, _checked_id(source, disk, _DISK_MARKER, f"vm_disks[{vm!r}][{j}]")
            )
    for i, account in enumerate(value.get("cache_storage_accounts") or []):
        inventory.cache_accounts.add(
            _checked_id(source, account, _ACCOUNT_MARKER, f"cache_storage_accounts[{i}]")
        )
    for i, vm in enumerate(value.get("auto_protected_vms") or []):
        vm_id = _checked_id(source, vm, _VM_MARKER, f"auto_protected_vms[{i}]")
        inventory.vms.add(vm_id)
        inventory.auto_protected.add(vm_id)


def _is_single_item(value: Any) -> bool:
    """The one item `az site-recovery protected-item show` (or a REST GET) prints."""
    if not (isinstance(value, dict) and isinstance(value.get("properties"), dict)):
        return False
    item_type = value.get("type")
    item_id = value.get("id")
    return (isinstance(item_type, str) and item_type.lower() == PROTECTED_ITEM_TYPE) or (
        isinstance(item_id, str) and "/replicationprotecteditems/" in item_id.lower()
    )


def _items(value: Any) -> Any:
    if _is_single_item(value):
        return [value]
    return value["value"] if isinstance(value, dict) else value


def _not_one_page(source: str, what: str) -> InputError:
    return InputError(
        source,
        f"refused: one page of a longer result ({what}): the VMs on the other pages would pass"
        " as not replicated; give the whole result in one file ('az site-recovery"
        " protected-item list' follows the pages itself)",
    )


def _from_protected_items(source: str, value: Any, inventory: Inventory) -> None:
    if isinstance(value, dict) and value.get("nextLink"):
        raise _not_one_page(source, "nextLink")
    for i, item in enumerate(_items(value)):
        add_protected_item(source, inventory, item["properties"], f"item {i}")


def _rows(value: Any) -> Any:
    return value["data"] if isinstance(value, dict) else value


def _graph_paging(value: dict[str, Any]) -> str | None:
    """Why a Resource Graph result (az graph query, or the REST response) is one page of
    more, if it is: a skip token, a truncated result or fewer rows than its total."""
    for key in ("skip_token", "$skipToken", "skipToken"):
        if value.get(key):
            return f"{key} {str(value[key])[:40]!r}"
    truncated = value.get("resultTruncated")
    if truncated is True or (isinstance(truncated, str) and truncated.lower() == "true"):
        return "resultTruncated true"
    rows = len(value["data"])
    for key in ("total_records", "totalRecords"):
        total = value.get(key)
        if isinstance(total, int) and total > rows:
            return f"{key} {total}, {rows} row(s) given"
    return None


def _from_resource_graph(source: str, value: Any, inventory: Inventory) -> None:
    paging = _graph_paging(value)
    if paging is not None:
        raise _not_one_page(source, paging)
    for i, row in enumerate(_rows(value)):
        if str(row.get("type", "")).lower() == PROTECTED_ITEM_TYPE:
            add_protected_item(source, inventory, row.get("properties"), f"row {i}")


def _whatif_changes(value: Any) -> Any:
    return value["changes"] if "changes" in value else value["properties"]["changes"]


def _from_whatif(source: str, value: Any, inventory: Inventory) -> None:
    arm_whatif.validate(source, value)
    value = arm_whatif.canonical(value)
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
    except NameTwinError as exc:
        raise InputError(source, f"refused: {exc}") from None
    except arm_expressions.ExpressionError as exc:
        raise InputError(source, f"cannot resolve the template: {exc}") from None
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
    if _is_single_item(value):
        return True
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
    return isinstance(rows, list) and any(key in value for key in _GRAPH_KEYS)


_GRAPH_KEYS = (
    "total_records",
    "totalRecords",
    "count",
    "skip_token",
    "$skipToken",
    "skipToken",
    "resultTruncated",
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
        "protected-item list or item",
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
