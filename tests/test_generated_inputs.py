"""Generated plans, templates, what-if results and restore requests: always evaluated, as OPA does.

The fixtures show each situation on purpose; these draw inputs from a small vocabulary
of resource types, actions, ids and addresses, so that what real inputs do by accident
(one id under two addresses, a deposed object beside its current one, a disk declared
twice, ids differing only in case, references to resources that are not in the plan)
comes up often. Every input is valid for its schema; the policies must decide on it
(exit 0 or 1, never an engine error) and decide exactly as real OPA does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reference_opa import ReferenceOpa
from validator import inputs, kinds
from validator.documents import InputDocument
from validator.engines.embedded import EmbeddedEngine
from validator.kinds import arm_template, arm_whatif, backup_restore_request, terraform_plan
from validator.policy import ENTRYPOINT, PolicyData, load_pack

PACK = load_pack()
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

RG = "/subscriptions/s1/resourceGroups/rg/providers"
VM_IDS = [f"{RG}/Microsoft.Compute/virtualMachines/vm{i}" for i in range(2)]
DISK_IDS = [f"{RG}/Microsoft.Compute/disks/d{i}" for i in range(2)]
# The inventory names one VM and one disk; the inputs may name the others.
INVENTORY = PolicyData(
    PACK.matrix, inventory={"replicated_vms": [VM_IDS[0]], "replicated_disks": [DISK_IDS[0]]}
)


def cased(ids: list[str]) -> st.SearchStrategy[str]:
    """An id as given, or upper-cased: Azure ids compare case-insensitively."""
    return st.sampled_from(ids).flatmap(lambda i: st.sampled_from([i, i.upper()]))


vm_ids = cased(VM_IDS)
disk_ids = cased(DISK_IDS)
create_options = st.sampled_from(["Empty", "Attach", "Copy", "Restore", "FromImage", "Import"])

# --- Terraform plans ----------------------------------------------------------------

TF_TYPES = [
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_virtual_machine",
    "azurerm_site_recovery_replicated_vm",
    "azurerm_virtual_machine_data_disk_attachment",
    "azurerm_virtual_machine_implicit_data_disk_from_source",
    "azurerm_managed_disk",
    "azurerm_resource_group",
]
ACTIONS = [
    ["no-op"],
    ["create"],
    ["read"],
    ["update"],
    ["delete", "create"],
    ["create", "delete"],
    ["delete"],
    ["forget"],
]
ATTRIBUTES = [
    "id",
    "source_vm_id",
    "os_managed_disk_id",
    "virtual_machine_id",
    "managed_disk_id",
    "create_option",
    "storage_data_disk",
    "storage_os_disk",
    "managed_disk",
]


OPTIONAL_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "source_vm_id": vm_ids,
    "os_managed_disk_id": disk_ids,
    "virtual_machine_id": vm_ids,
    "managed_disk_id": disk_ids,
    "create_option": create_options,
    "source_resource_id": disk_ids,
    "managed_disk": st.lists(st.fixed_dictionaries({"disk_id": disk_ids}), max_size=2),
    "storage_data_disk": st.lists(
        st.fixed_dictionaries(
            {}, optional={"managed_disk_id": disk_ids, "create_option": create_options}
        ),
        max_size=2,
    ),
    "storage_os_disk": st.lists(
        st.fixed_dictionaries({}, optional={"managed_disk_id": disk_ids}), max_size=1
    ),
}
# What each type always has (as a real resource of that type does); the rest at random.
REQUIRED_VALUES: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "azurerm_linux_virtual_machine": {"id": vm_ids, "os_managed_disk_id": disk_ids},
    "azurerm_windows_virtual_machine": {"id": vm_ids},
    "azurerm_virtual_machine": {"id": vm_ids, "storage_data_disk": OPTIONAL_VALUES["storage_data_disk"]},
    "azurerm_site_recovery_replicated_vm": {"source_vm_id": vm_ids, "managed_disk": OPTIONAL_VALUES["managed_disk"]},
    "azurerm_virtual_machine_data_disk_attachment": {"virtual_machine_id": vm_ids, "managed_disk_id": disk_ids},
    "azurerm_virtual_machine_implicit_data_disk_from_source": {"virtual_machine_id": vm_ids, "create_option": create_options},
    "azurerm_managed_disk": {"id": disk_ids, "create_option": create_options},
    "azurerm_resource_group": {},
}  # fmt: skip


def tf_values(type_: str) -> st.SearchStrategy[dict[str, Any]]:
    """Attribute values of a resource of this type."""
    required = REQUIRED_VALUES[type_]
    optional = {k: v for k, v in OPTIONAL_VALUES.items() if k not in required}
    return st.fixed_dictionaries(required, optional=optional)


unknown = st.dictionaries(st.sampled_from(ATTRIBUTES), st.just(True), max_size=2)


@st.composite
def resource_changes(draw: st.DrawFn) -> dict[str, Any]:
    type_ = draw(st.sampled_from(TF_TYPES))
    name = draw(st.sampled_from(["a", "b"]))
    key = draw(st.sampled_from(["", "[0]", '["k"]']))
    module = draw(st.sampled_from([None, "module.m", 'module.m["x"]']))
    address = f"{module}.{type_}.{name}{key}" if module else f"{type_}.{name}{key}"
    change: dict[str, Any] = {
        "address": address,
        "mode": draw(st.sampled_from(["managed", "managed", "managed", "data"])),
        "type": type_,
        "name": name,
        "change": {
            "actions": draw(st.sampled_from(ACTIONS)),
            "before": draw(tf_values(type_) | st.none()),
            "after": draw(tf_values(type_) | st.none()),
            "after_unknown": draw(unknown),
        },
    }
    if module:
        change["module_address"] = module
    if draw(st.integers(0, 2)) == 0:
        change["deposed"] = "0a1b2c3d"
    if draw(st.integers(0, 3)) == 0:
        change["action_reason"] = "replace_because_cannot_update"
    return change


REFERENCES = [
    "azurerm_managed_disk.a.id",
    "azurerm_managed_disk.a",
    "azurerm_managed_disk.b[0].id",
    "azurerm_managed_disk.b[0]",
    "azurerm_managed_disk.b",
    "azurerm_linux_virtual_machine.a.id",
    "azurerm_linux_virtual_machine.a",
    "azurerm_virtual_machine.b",
    "count.index",
    "each.key",
    "var.disk_id",
]
expression = st.fixed_dictionaries(
    {"references": st.lists(st.sampled_from(REFERENCES), max_size=3)}
)


@st.composite
def config_resources(draw: st.DrawFn) -> dict[str, Any]:
    type_ = draw(st.sampled_from(TF_TYPES))
    name = draw(st.sampled_from(["a", "b"]))
    attributes = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3, unique=True))
    expressions: dict[str, Any] = {}
    for attribute in attributes:
        if attribute in ("storage_data_disk", "storage_os_disk"):
            expressions[attribute] = [{"managed_disk_id": draw(expression)}]
        elif attribute == "managed_disk":
            expressions[attribute] = [{"disk_id": draw(expression)}]
        else:
            expressions[attribute] = draw(expression)
    return {"address": f"{type_}.{name}", "mode": "managed", "type": type_, "name": name,
            "expressions": expressions}  # fmt: skip


def change_key(change: dict[str, Any]) -> tuple[str, str]:
    """One change per address and deposed key, as Terraform writes them."""
    return change["address"], change.get("deposed", "")


def address_of(resource: dict[str, Any]) -> str:
    """Configuration blocks have one address each (Terraform refuses a duplicate)."""
    return str(resource["address"])


state_item = st.fixed_dictionaries(
    {
        "address": st.just("azurerm_site_recovery_replicated_vm.s"),
        "mode": st.just("managed"),
        "type": st.just("azurerm_site_recovery_replicated_vm"),
        "name": st.just("s"),
        "values": tf_values("azurerm_site_recovery_replicated_vm") | st.none(),
    }
)
state_module: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"resources": st.lists(state_item, max_size=2)},
    optional={
        "child_modules": st.lists(
            st.fixed_dictionaries({"resources": st.lists(state_item, max_size=2)}), max_size=1
        )
    },
)
config_module = st.fixed_dictionaries(
    {"resources": st.lists(config_resources(), max_size=4, unique_by=address_of)}
)
PLAN_PARTS: dict[str, st.SearchStrategy[Any]] = {
    "format_version": st.just("1.2"),
    "terraform_version": st.just("1.9.8"),
    "resource_changes": st.lists(resource_changes(), min_size=2, max_size=8, unique_by=change_key),
}
OPTIONAL_PLAN_PARTS: dict[str, st.SearchStrategy[Any]] = {
    "prior_state": st.fixed_dictionaries({"values": st.fixed_dictionaries({"root_module": state_module})}),
    "configuration": st.fixed_dictionaries(
        {"root_module": st.fixed_dictionaries(
            {"resources": st.lists(config_resources(), max_size=4, unique_by=address_of)},
            optional={"module_calls": st.fixed_dictionaries({"m": st.fixed_dictionaries({"module": config_module})})},
        )}
    ),
}  # fmt: skip


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A plan; in one of two, a change beside its deposed twin (the same address twice, as a
    create_before_destroy replace leaves it). Left to chance, 300 drawn plans sometimes held
    no address twice (two of 144 addresses alike, one deposed and one not)."""
    plan = draw(st.fixed_dictionaries(PLAN_PARTS, optional=OPTIONAL_PLAN_PARTS))
    changes = plan["resource_changes"]
    current = draw(st.sampled_from(changes))
    twin = {key: value for key, value in current.items() if key != "deposed"}
    if "deposed" not in current:
        twin["deposed"] = "0a1b2c3d"
    if draw(st.booleans()) and change_key(twin) not in {change_key(c) for c in changes}:
        plan["resource_changes"] = [*changes, twin]
    return plan


# --- ARM templates (as the policies read them: resolved) and what-if results ------------

UNRESOLVED = "<unresolved: the resource name>"
ITEM_TYPE = (
    "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/"
    "replicationProtectedItems"
)
data_disk_entries = st.lists(
    st.fixed_dictionaries(
        {"lun": st.integers(0, 2), "createOption": create_options},
        optional={
            "managedDisk": st.fixed_dictionaries({"id": disk_ids | st.just(UNRESOLVED)}),
            "sourceResource": st.fixed_dictionaries({"id": disk_ids}),
        },
    ),
    min_size=1,
    max_size=2,
)
vm_payload = st.fixed_dictionaries(
    {
        "type": st.just("Microsoft.Compute/virtualMachines"),
        "properties": st.fixed_dictionaries(
            {
                "storageProfile": st.fixed_dictionaries(
                    {"dataDisks": data_disk_entries},
                    optional={
                        "osDisk": st.fixed_dictionaries(
                            {"managedDisk": st.fixed_dictionaries({"id": disk_ids})}
                        ),
                    },
                )
            }
        ),
    }
)
disk_payload = st.fixed_dictionaries(
    {
        "type": st.just("Microsoft.Compute/disks"),
        "properties": st.fixed_dictionaries(
            {"creationData": st.fixed_dictionaries({"createOption": create_options})}
        ),
    }
)
item_payload = st.fixed_dictionaries(
    {
        "type": st.just(ITEM_TYPE),
        "properties": st.fixed_dictionaries(
            {
                "providerSpecificDetails": st.fixed_dictionaries(
                    {
                        "fabricObjectId": vm_ids,
                        "vmManagedDisks": st.lists(
                            st.fixed_dictionaries({"diskId": disk_ids}), max_size=2
                        ),
                    }
                )
            }
        ),
    }
)
ITEM_IDS = [f"{RG}/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/"
            f"replicationProtectionContainers/c/replicationProtectedItems/vm{i}" for i in range(2)]  # fmt: skip


def with_id(payloads: st.SearchStrategy[dict[str, Any]], ids: st.SearchStrategy[str]) -> Any:
    return st.tuples(payloads, ids).map(lambda pair: {**pair[0], "id": pair[1]})


arm_resources = st.one_of(
    with_id(vm_payload, vm_ids),
    with_id(disk_payload, disk_ids | st.just(UNRESOLVED)),
    with_id(item_payload, st.sampled_from(ITEM_IDS)),
).flatmap(
    lambda r: st.fixed_dictionaries({}, optional={"existing": st.booleans()}).map(
        lambda extra: {**r, "name": "n", **extra}
    )
)
templates = st.fixed_dictionaries(
    {
        "$schema": st.just(
            "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
        ),
        "contentVersion": st.just("1.0.0.0"),
        "resources": st.lists(arm_resources, min_size=2, max_size=6),
    }
)


@st.composite
def whatif_changes(draw: st.DrawFn) -> dict[str, Any]:
    payloads, ids = draw(
        st.sampled_from(
            [(vm_payload, vm_ids), (disk_payload, disk_ids), (item_payload, st.sampled_from(ITEM_IDS))]
        )
    )  # fmt: skip
    change_type = draw(
        st.sampled_from(["Create", "Delete", "Modify", "Deploy", "NoChange", "Ignore"])
    )
    resource_id = draw(ids)
    change: dict[str, Any] = {"resourceId": resource_id, "changeType": change_type}
    if change_type != "Create":
        change["before"] = {**draw(payloads), "id": resource_id}
    if change_type != "Delete":
        change["after"] = {**draw(payloads), "id": resource_id}
    return change  # fmt: skip


def resource_id_key(change: dict[str, Any]) -> str:
    """A what-if result lists each resource once; Azure resource ids ignore case."""
    return str(change["resourceId"]).lower()


whatif_change_lists: st.SearchStrategy[list[dict[str, Any]]] = st.lists(
    whatif_changes(), min_size=2, max_size=6, unique_by=resource_id_key
)
whatifs = st.fixed_dictionaries({"status": st.just("Succeeded"), "changes": whatif_change_lists})

# --- Azure Backup restore requests, in each envelope -----------------------------------

vm_restore = st.fixed_dictionaries(
    {
        "objectType": st.sampled_from(["IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"]),
        "recoveryType": st.sampled_from(["OriginalLocation", "AlternateLocation", "RestoreDisks", "Offline", "Invalid"]),
        "sourceResourceId": vm_ids,
    },
    optional={
        "restoreDiskLunList": st.lists(st.integers(0, 3), max_size=2),
        "targetVirtualMachineId": vm_ids,
    },
)  # fmt: skip
file_restore = st.fixed_dictionaries(
    {"objectType": st.just("IaasVMILRRegistrationRequest"), "virtualMachineId": vm_ids},
    optional={"renewExistingRegistration": st.booleans()},
)


def enveloped(body: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(
        [
            body,
            {"properties": body},
            {"parameters": {"properties": body}},
            {"parameters": {"parameters": {"properties": body}}},
        ]
    )


restore_requests = (vm_restore | file_restore).flatmap(enveloped)

# --- the property ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def engines() -> Iterator[tuple[EmbeddedEngine, ReferenceOpa]]:
    reference = ReferenceOpa(PACK, INVENTORY)
    yield EmbeddedEngine(PACK, INVENTORY), reference
    reference.close()


def decided_alike(
    value: dict[str, Any], kind: str, engines: tuple[EmbeddedEngine, ReferenceOpa]
) -> set[str]:
    """value is a valid `kind`; both engines decide on it, the same way. The rules found."""
    found = kinds.detect(value)
    assert found is not None and kind == found.NAME
    inputs.validate("generated", value, found)
    embedded, reference = engines
    decision = embedded.evaluate(InputDocument("generated", kind, json.dumps(value), value)).raw
    assert decision["kind"] == kind
    expected = reference.query(ENTRYPOINT, value)
    assert json.dumps(decision, sort_keys=True) == json.dumps(expected, sort_keys=True)
    return {f["rule_id"] for f in decision["findings"]}  # fmt: skip


Engines = tuple[EmbeddedEngine, ReferenceOpa]


def rules_drawn(
    strategy: st.SearchStrategy[dict[str, Any]],
    kind: str,
    engines: Engines,
    note: Callable[[dict[str, Any]], None] = lambda _: None,
) -> set[str]:
    """Every input drawn decided alike by both engines; the rules they found, in all."""
    rules: set[str] = set()

    @SETTINGS
    @given(value=strategy)
    def check(value: dict[str, Any]) -> None:
        rules.update(decided_alike(value, kind, engines))
        note(value)

    check()
    return rules


def test_generated_plans(engines: Engines) -> None:
    shapes: set[str] = set()

    def note(plan: dict[str, Any]) -> None:
        changes = plan["resource_changes"]
        if len({rc["address"] for rc in changes}) < len(changes):
            shapes.add("an address twice")
        if any("deposed" in rc for rc in changes):
            shapes.add("a deposed object")
        ids = [rc["change"]["before"]["id"].lower() for rc in changes
               if isinstance(rc["change"]["before"], dict) and "id" in rc["change"]["before"]]  # fmt: skip
        if len(set(ids)) < len(ids):
            shapes.add("an id twice")

    rules = rules_drawn(plans(), terraform_plan.NAME, engines, note)
    # Not vacuous: the plans drawn break replication in several ways, in the tricky shapes.
    assert len(rules) >= 3, rules
    assert shapes == {"an address twice", "a deposed object", "an id twice"}, shapes


def test_generated_templates(engines: Engines) -> None:
    assert rules_drawn(templates, arm_template.NAME, engines), "no template gave a finding"


def test_generated_whatif_results(engines: Engines) -> None:
    rules = rules_drawn(whatifs, arm_whatif.NAME, engines)
    assert len(rules) >= 3, rules


def test_generated_restore_requests(engines: Engines) -> None:
    rules = rules_drawn(restore_requests, backup_restore_request.NAME, engines)
    assert {"ASR001", "ASR003"} <= rules, rules
