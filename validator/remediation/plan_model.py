"""The plan-level model of a Terraform fix: the input plan as Terraform would plan it once the
patch is applied, for the policies to check again.

Each op is one effect of the patch or command on the plan JSON: the item's actions and
action_reason, its planned values (managed_disk blocks, source_vm_id unknown when it follows a
re-created VM), its configuration references, and its prior-state depends_on as Terraform
records them when planning with refresh (it merges the configured dependencies into the
refreshed state: ../shared/remediation.md T4/T5). Which ops a fix has, and what the policies
must then decide, is policy data (rules/remediation.rego); this module only applies them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from validator.remediation.quoting import UnsafeValue
from validator.remediation.terraform import _DISK_ID_ATTRIBUTE, _OS_DISK_ATTRIBUTE, _relative

_KEYS = re.compile(r"\[[^\]]*\]")


class Model:
    def __init__(self, plan: dict[str, Any], remediation: dict[str, Any]) -> None:
        self.plan = copy.deepcopy(plan)
        self.params = remediation["params"]
        self.item = self.params["item"]["address"]
        self.resource = self.params["resource"]

    # --- where the item is ----------------------------------------------------------------

    def _prior_modules(self) -> list[dict[str, Any]]:
        root = self.plan.get("prior_state", {}).get("values", {}).get("root_module", {})
        return list(_modules(root))

    def _prior(self) -> dict[str, Any] | None:
        for module in self._prior_modules():
            for resource in module.get("resources", []):
                if resource.get("address") == self.item:
                    return resource  # type: ignore[no-any-return]
        return None

    def _change(self) -> dict[str, Any]:
        changes = self.plan.setdefault("resource_changes", [])
        for change in changes:
            if change.get("address") == self.item and not change.get("deposed"):
                return change  # type: ignore[no-any-return]
        prior = self._prior()
        if prior is None:
            raise UnsafeValue(f"{self.item} is not in the plan's prior state")
        values = copy.deepcopy(prior.get("values", {}))
        change = {
            key: prior[key]
            for key in ("address", "mode", "type", "name", "provider_name")
            if key in prior
        }
        change["change"] = {
            "actions": ["no-op"],
            "before": values,
            "after": copy.deepcopy(values),
            "after_unknown": {},
        }
        changes.append(change)
        return change

    def _config(self) -> dict[str, Any]:
        module = self.plan.setdefault("configuration", {}).setdefault("root_module", {})
        parts = _KEYS.sub("", self.item).split(".")
        while parts[0] == "module":
            module = (
                module.setdefault("module_calls", {})
                .setdefault(parts[1], {})
                .setdefault("module", {})
            )
            parts = parts[2:]
        address = ".".join(parts)
        for resource in module.setdefault("resources", []):
            if resource.get("address") == address:
                return resource  # type: ignore[no-any-return]
        resource = {
            "address": address,
            "mode": "managed",
            "type": parts[0],
            "name": parts[1],
            "expressions": {},
        }
        module["resources"].append(resource)
        return resource

    # --- ops ------------------------------------------------------------------------------

    def item_add_disk(self) -> None:
        change = self._change()["change"]
        after = change["after"]
        disks = list(after.get("managed_disk") or [])
        model = dict(disks[0]) if disks else {}
        model["disk_id"] = None
        disks.append(model)
        after["managed_disk"] = disks
        unknown = change.setdefault("after_unknown", {})
        unknown["managed_disk"] = [{} for _ in disks[:-1]] + [{"disk_id": True}]
        types = [t for t in self.params.get("resource_types", []) if t in _DISK_ID_ATTRIBUTE]
        attribute = _DISK_ID_ATTRIBUTE[types[0]] if types else "id"
        reference = _relative(self.item, self.resource)
        if reference is None:
            raise UnsafeValue(f"{self.resource} is in another module than {self.item}")
        expressions = self._config().setdefault("expressions", {})
        blocks = list(expressions.get("managed_disk") or [])
        blocks += [{} for _ in range(len(disks) - 1 - len(blocks))]
        blocks.append(
            {
                "disk_id": {
                    "references": [f"{reference}.{attribute}", reference, _KEYS.sub("", reference)]
                }
            }
        )
        expressions["managed_disk"] = blocks

    def item_drop_disk(self) -> None:
        removed = {i.lower() for i in self.params.get("removed_disk_ids", [])}
        change = self._change()["change"]
        disks = change["after"].get("managed_disk") or []
        keep = [i for i, d in enumerate(disks) if str(d.get("disk_id", "")).lower() not in removed]
        change["after"]["managed_disk"] = [disks[i] for i in keep]
        expressions = self._config().get("expressions", {})
        if isinstance(expressions.get("managed_disk"), list):
            blocks = expressions["managed_disk"]
            expressions["managed_disk"] = [blocks[i] for i in keep if i < len(blocks)]

    def _replace(self, reason: str) -> None:
        change = self._change()
        change["change"]["actions"] = ["delete", "create"]
        change["action_reason"] = reason
        change["change"].setdefault("after_unknown", {})["id"] = True
        if isinstance(change["change"].get("after"), dict):
            change["change"]["after"].pop("id", None)

    def item_replace_by_request(self) -> None:
        self._replace("replace_by_request")

    def item_replace_by_triggers(self) -> None:
        self._replace("replace_by_triggers")

    def item_delete_then_create(self) -> None:
        self._change()["change"]["actions"] = ["delete", "create"]

    def item_depends_on_changed(self) -> None:
        prior = self._prior()
        if prior is None:
            raise UnsafeValue(f"{self.item} is not in the plan's prior state")
        # State records dependencies as absolute configuration addresses (no instance keys).
        dependency = _KEYS.sub("", self.resource)
        depends_on = list(prior.get("depends_on") or [])
        if dependency not in depends_on:
            depends_on.append(dependency)
        prior["depends_on"] = depends_on

    def item_follow_vm(self) -> None:
        reference = _relative(self.item, self.resource)
        if reference is None:
            raise UnsafeValue(f"{self.resource} is in another module than {self.item}")
        change = self._change()["change"]
        after = change["after"]
        unknown = change.setdefault("after_unknown", {})
        after.pop("source_vm_id", None)
        unknown["source_vm_id"] = True
        expressions = self._config().setdefault("expressions", {})
        expressions["source_vm_id"] = {"references": [f"{reference}.id", reference]}
        types = [t for t in self.params.get("resource_types", []) if t in _OS_DISK_ATTRIBUTE]
        os_attribute = _OS_DISK_ATTRIBUTE[types[0]] if types else "os_managed_disk_id"
        os_ids = {i.lower() for i in self.params.get("vm_os_disk_ids", [])}
        disks = after.get("managed_disk") or []
        blocks = list(expressions.get("managed_disk") or [])
        blocks += [{} for _ in range(len(disks) - len(blocks))]
        marks = []
        for i, disk in enumerate(disks):
            if str(disk.get("disk_id", "")).lower() in os_ids:
                disk["disk_id"] = None
                blocks[i] = {
                    **blocks[i],
                    "disk_id": {"references": [f"{reference}.{os_attribute}", reference]},
                }
                marks.append({"disk_id": True})
            else:
                marks.append({})
        if disks:
            unknown["managed_disk"] = marks
            expressions["managed_disk"] = blocks

    def item_delete(self) -> None:
        change = self._change()
        change["change"]["actions"] = ["delete"]
        change["change"]["after"] = None
        change["change"]["after_unknown"] = {}
        change.pop("action_reason", None)
        self._drop_from_config_and_planned()

    def only_item(self) -> None:
        self._change()
        self.plan["resource_changes"] = [
            c for c in self.plan["resource_changes"] if c.get("address") == self.item
        ]

    def item_gone(self) -> None:
        self.plan["resource_changes"] = [
            c for c in self.plan.get("resource_changes", []) if c.get("address") != self.item
        ]
        for module in self._prior_modules():
            module["resources"] = [
                r for r in module.get("resources", []) if r.get("address") != self.item
            ]
        self._drop_from_config_and_planned()

    def _drop_from_config_and_planned(self) -> None:
        config = self._config()
        module = self.plan["configuration"]["root_module"]
        for part in _module_names(self.item):
            module = module["module_calls"][part]["module"]
        module["resources"] = [r for r in module["resources"] if r is not config]
        planned = self.plan.get("planned_values", {}).get("root_module", {})
        for values_module in _modules(planned):
            values_module["resources"] = [
                r for r in values_module.get("resources", []) if r.get("address") != self.item
            ]

    def apply(self, ops: list[str]) -> dict[str, Any]:
        table: dict[str, Callable[[], None]] = {
            "item_add_disk": self.item_add_disk,
            "item_drop_disk": self.item_drop_disk,
            "item_replace_by_request": self.item_replace_by_request,
            "item_replace_by_triggers": self.item_replace_by_triggers,
            "item_delete_then_create": self.item_delete_then_create,
            "item_depends_on_changed": self.item_depends_on_changed,
            "item_follow_vm": self.item_follow_vm,
            "item_delete": self.item_delete,
            "only_item": self.only_item,
            "item_gone": self.item_gone,
        }
        for op in ops:
            if op not in table:
                raise UnsafeValue(f"unknown plan model op {op!r}")
            table[op]()
        return self.plan


def _modules(root: dict[str, Any]) -> list[dict[str, Any]]:
    found = [root]
    for child in root.get("child_modules", []) or []:
        found += _modules(child)
    return found


def _module_names(address: str) -> list[str]:
    parts = _KEYS.sub("", address).split(".")
    names = []
    while parts and parts[0] == "module":
        names.append(parts[1])
        parts = parts[2:]
    return names


def model_plan(plan: dict[str, Any], remediation: dict[str, Any], ops: list[str]) -> dict[str, Any]:
    """The input plan with the ops of one phase of a fix applied (the input is not changed)."""
    return Model(plan, remediation).apply(ops)
