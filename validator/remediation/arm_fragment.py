"""The re-enable step of a runbook for an ARM template or what-if denial, as a second
deployment: an ARM template of the replicated item
(`Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/
replicationProtectedItems`) that `asr-guard fix` writes beside the runbook.

It is deployed after the change and after the runbook's clean disable (steps up to "Read the
VM's disks as they are now"), into the vault's resource group, with two parameters the runbook
writes: `item`, the recorded item (item-before.json, as `az site-recovery protected-item show`
returned it), and `vmManagedDisks`, the VM's disks now with the settings of the disk on the same
LUN before (vm-managed-disks.json). Every setting is read from the recorded item along the
enable mapping (policy data: `data.asr_guard.remediation.enable_mapping`), each with its REST
name (A2AEnableProtectionInput; the site-recovery CLI's option names are the same in kebab
case); the VM is the finding's. Schema: Azure/azure-resource-manager-schemas
schemas/2025-01-01/Microsoft.RecoveryServices.SiteRecovery.json
(`vaults_replicationFabrics_replicationProtectionContainers_replicationProtectedItems`).
"""

from __future__ import annotations

import re
from typing import Any

from validator.remediation import quoting, runbook

API_VERSION = "2025-01-01"
ITEM_TYPE = (
    "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/"
    "replicationProtectedItems"
)
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def applies(remediation: dict[str, Any]) -> bool:
    """A runbook with a re-enable, for a change the policies say is deployed with ARM
    (params.arm_reenable)."""
    return (
        str(remediation.get("strategy", "")).startswith("runbook-")
        and remediation.get("params", {}).get("arm_reenable") is True
        and any(step["op"] == "enable" for step in remediation["steps"])
    )


def _rest_name(cli: str) -> str:
    return re.sub(r"-([a-z])", lambda m: m.group(1).upper(), quoting.name(cli, "a mapping key"))


def _get(path: list[Any]) -> str:
    keys = ", ".join(
        str(p) if isinstance(p, int) else f"'{quoting.name(p, 'a field')}'" for p in path
    )
    return f"[tryGet(parameters('item'), {keys})]"


def template(remediation: dict[str, Any], finding: dict[str, Any]) -> dict[str, Any]:
    vm_id = quoting.arm_id(remediation["params"]["vm_id"], "the VM id")
    provider: dict[str, Any] = {"instanceType": "A2A", "fabricObjectId": vm_id}
    for _field, entry in sorted(runbook.enable_mapping(remediation)["item"].items()):
        path, cli = entry.get("from"), entry.get("cli")
        if not path or not cli or cli.startswith("--"):
            continue  # not an A2A input field (the policy id is the item's own property)
        name = _rest_name(cli)
        if name not in provider:
            provider[name] = _get(path)
    provider["vmManagedDisks"] = "[parameters('vmManagedDisks')]"
    segment = "split(parameters('item').id, '/')"
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "metadata": {
            "description": (
                f"asr-guard remediation {remediation['id']} for {finding['rule_id']}: enable "
                "replication of the VM again, as the second deployment. Deploy it after the "
                "change and after the runbook's clean disable, into the vault's resource group "
                "(segment 5 of the item id): az deployment group create -g VAULT_RG -f THIS_FILE "
                "-p item=@item-before.json -p vmManagedDisks=@vm-managed-disks.json"
            ),
        },
        "parameters": {
            "item": {
                "type": "object",
                "metadata": {
                    "description": (
                        "The recorded replicated item (item-before.json: az site-recovery "
                        "protected-item show, before the disable)."
                    )
                },
            },
            "vmManagedDisks": {
                "type": "array",
                "metadata": {
                    "description": (
                        "The VM's disks now, each with the settings of the disk on its LUN "
                        "before (vm-managed-disks.json, written by the runbook's enable step)."
                    )
                },
            },
        },
        "variables": {"settings": provider},
        "resources": [
            {
                "type": ITEM_TYPE,
                "apiVersion": API_VERSION,
                "name": (
                    f"[format('{{0}}/{{1}}/{{2}}/{{3}}', {segment}[8], {segment}[10], "
                    f"{segment}[12], {segment}[14])]"
                ),
                "properties": {
                    "policyId": "[parameters('item').properties.policyId]",
                    # The settings the recorded item has: ARM would send an absent one as null.
                    "providerSpecificDetails": (
                        "[toObject(filter(items(variables('settings')), lambda('s', "
                        "not(equals(lambdaVariables('s').value, null())))), lambda('s', "
                        "lambdaVariables('s').key), lambda('s', lambdaVariables('s').value))]"
                    ),
                },
            }
        ],
    }
