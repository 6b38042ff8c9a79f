"""Runbooks for denials whose replicated item is not in Terraform: bash (az) and PowerShell
(Az.RecoveryServices), from the remediation the policies chose.

Steps (the strategy's ops, in its order): find and record the item (Azure Resource Graph, by
the VM id) and the VM's disks; disable cleanly (`protected-item remove`, never the purge
`delete`); the change or the restore; the VM's disks as they are now; enable with the recorded
settings (the enable mapping, policy data) and the current disks, each with the settings of the
old disk on the same LUN (the OS disk's for a new one); wait until Protected; verify the new
item. Every value is the finding's (checked: validator.remediation.quoting) or read by the
script from Azure at run time; scripts are built from argument lists, each value quoted.
Sources: ../shared/remediation.md sections 2.1-2.5.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from validator.remediation import quoting

# Azure Resource Graph: the replicated item of a VM (the query the README gives for inventories).
_ITEM_TYPE = (
    "microsoft.recoveryservices/vaults/replicationfabrics/"
    "replicationprotectioncontainers/replicationprotecteditems"
)
_ITEM_ID_RE = (
    "^/subscriptions/[0-9a-f-]+/resourcegroups/[^/]+/providers/microsoft.recoveryservices/vaults/"
    "[^/]+/replicationfabrics/[^/]+/replicationprotectioncontainers/[^/]+/"
    "replicationprotecteditems/[^/]+$"
)
# The Resource Graph query REST API (POST, body {subscriptions, query}; the 2021-03-01 response
# has the rows in `data`: Azure/azure-rest-api-specs specification/resourcegraph/resource-manager/
# Microsoft.ResourceGraph/stable/2021-03-01, examples/ResourcesBasicQuery.json), called with the
# core `az rest`, which prefixes a URL without a host with the cloud's ARM endpoint: no
# resource-graph extension needed.
_GRAPH_URL = "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
_VM_DISKS_QUERY = (
    "{os: storageProfile.osDisk.managedDisk.id, "
    "data: storageProfile.dataDisks[].{lun: lun, id: managedDisk.id}}"
)
_API = "2022-10-01"  # Site Recovery REST api-version the PowerShell runbook reads the item with
# The module version the PowerShell runbook is written against: the parameter sets it uses are
# those of the Az.RecoveryServices 3.4.0 help (Azure/azure-powershell help pages at 63bec00c,
# 39b2a8f1; held to them by the tests).
PS_MODULES = (
    "Az.Accounts, Az.Compute, Az.ResourceGraph, Az.RecoveryServices 3.4.0 (parameter sets as in "
    "its help at Azure/azure-powershell 63bec00c and 39b2a8f1)"
)

RUNBOOK_OPS = {
    "find_item",
    "disable",
    "run_change",
    "restore",
    "record_vm_disks",
    "enable",
    "wait_protected",
    "verify_item",
}


def _graph_query(vm_id: str) -> str:
    return (
        f"recoveryservicesresources | where type =~ '{_ITEM_TYPE}' | where "
        f"tolower(tostring(properties.providerSpecificDetails.fabricObjectId)) == '{vm_id.lower()}'"
        " | project id"
    )


def _enable_jq(mapping: dict[str, Any]) -> str:
    """The jq program that maps the recorded item and the VM's disks (before, now) to the
    --provider-details of `az site-recovery protected-item create`."""
    fields = []
    for _field, entry in sorted(mapping["item"].items()):
        path = entry.get("from")
        cli = entry.get("cli")
        if not path or not cli or cli.startswith("--"):
            continue
        getter = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        fields.append(f'"{quoting.name(cli, "a mapping key")}": $i{getter}')
    disk_fields = [
        f'"{quoting.name(entry["cli"], "a mapping key")}": $s.{quoting.name(key, "a field")}'
        for key, entry in sorted(mapping["disk"].items())
        if key != "diskId"
    ]
    return (
        "$item[0] as $i | $i.properties.providerSpecificDetails as $p"
        " | (($p.protectedManagedDisks // $p.vmManagedDisks) // []) as $old"
        " | ($old | map({key: (.diskId | ascii_downcase), value: .}) | from_entries) as $byid"
        ' | ([{lun: "os", id: $before[0].os}] + [$before[0].data[] | '
        "{lun: (.lun | tostring), id: .id}]"
        ' | map({key: .lun, value: $byid[(.id // "" | ascii_downcase)]}) | from_entries) as $bylun'
        " | $bylun.os as $osdefault"
        ' | ([{lun: "os", id: $after[0].os}] + [$after[0].data[] | '
        "{lun: (.lun | tostring), id: .id}]) as $now"
        " | {a2a: (({" + ", ".join(fields) + "} | with_entries(select(.value != null)))"
        ' + {"vm-managed-disks": [$now[] | (($bylun[.lun] // $osdefault) as $s'
        ' | ({"disk-id": .id, '
        + ", ".join(disk_fields)
        + "} | with_entries(select(.value != null))))]})}"
    )


def _context(remediation: dict[str, Any]) -> dict[str, str]:
    params = remediation["params"]
    vm_id = quoting.arm_id(params["vm_id"], "the VM id")
    return {
        "vm_id": vm_id,
        "subscription": quoting.id_part(vm_id, "subscriptions"),
        "vm_rg": quoting.name(quoting.id_part(vm_id, "resourceGroups"), "the VM's resource group"),
        "vm_name": quoting.name(quoting.id_part(vm_id, "virtualMachines"), "the VM's name"),
    }


def _header(remediation: dict[str, Any], finding: dict[str, Any], comment: str) -> list[str]:
    lines = [
        f"{comment} asr-guard remediation {remediation['id']}: {remediation['title']}",
        f"{comment} for {finding['rule_id']} on {_one_line(finding['resource'])} "
        f"({_one_line(finding['path'])})",
    ]
    lines += [f"{comment} precondition: {_one_line(p)}" for p in remediation["preconditions"]]
    lines += [f"{comment} risk: {_one_line(r['text'])}" for r in remediation["risks"]]
    return lines


def _one_line(text: str) -> str:
    return "".join(char if char.isprintable() else " " for char in text)


# --- bash --------------------------------------------------------------------------------


def bash(remediation: dict[str, Any], finding: dict[str, Any]) -> str:
    c = _context(remediation)
    q = quoting.bash
    lines = ["#!/usr/bin/env bash"]
    lines += _header(remediation, finding, "#")
    lines += [
        "# Requires: az with the site-recovery extension (az extension add --name "
        "site-recovery), jq.",
        "set -euo pipefail",
        f"VM_ID={q([c['vm_id']])}",
        f"SUB={q([c['subscription']])}",
        "",
    ]
    steps: dict[str, Callable[[], list[str]]] = {
        "find_item": lambda: [
            q(
                [
                    "az",
                    "rest",
                    "--method",
                    "post",
                    "--url",
                    _GRAPH_URL,
                    "--body",
                    json.dumps(
                        {"subscriptions": [c["subscription"]], "query": _graph_query(c["vm_id"])}
                    ),
                    "--query",
                    "data[].id",
                    "-o",
                    "tsv",
                ]
            )
            + " > item-id.txt",
            '[ "$(wc -l < item-id.txt)" -eq 1 ] || '
            '{ echo "expected one replicated item of $VM_ID, found $(wc -l < item-id.txt)" >&2; '
            "exit 1; }",
            "ITEM_ID=$(cat item-id.txt)",
            f'shopt -s nocasematch; [[ "$ITEM_ID" =~ {_ITEM_ID_RE} ]] || '
            f'{{ echo "not a replicated item id: $ITEM_ID" >&2; exit 1; }}; shopt -u '
            "nocasematch",
            "IFS=/ read -r _ _ ITEM_SUB _ ITEM_RG _ _ _ VAULT _ FABRIC _ CONTAINER _ ITEM_NAME "
            '<<< "$ITEM_ID"',
            'ITEM=(--subscription "$ITEM_SUB" -g "$ITEM_RG" --vault-name "$VAULT" '
            '--fabric-name "$FABRIC" --protection-container "$CONTAINER" -n "$ITEM_NAME")',
            'az site-recovery protected-item show "${ITEM[@]}" -o json > item-before.json',
            _vm_disks_command(q, c) + " > vm-disks-before.json",
        ],
        "disable": lambda: [
            "# a clean disable (POST .../remove); never 'protected-item delete', the purge",
            'az site-recovery protected-item remove "${ITEM[@]}"',
        ],
        "run_change": lambda: [
            "read -r -p 'Apply the change asr-guard checked now (terraform apply / az "
            "deployment), then press Enter: ' _",
        ],
        "restore": lambda: _bash_restore(remediation, c),
        "record_vm_disks": lambda: [
            _vm_disks_command(q, c) + " > vm-disks.json",
        ],
        "enable": lambda: [
            q(
                [
                    "jq",
                    "-n",
                    "--slurpfile",
                    "item",
                    "item-before.json",
                    "--slurpfile",
                    "before",
                    "vm-disks-before.json",
                    "--slurpfile",
                    "after",
                    "vm-disks.json",
                    _enable_jq(enable_mapping(remediation)),
                ]
            )
            + " > provider-details.json",
            "# the same disks with their REST names: the vmManagedDisks of an ARM re-enable",
            q(["jq", _REST_DISKS_JQ, "provider-details.json"]) + " > vm-managed-disks.json",
            'az site-recovery protected-item create "${ITEM[@]}" --policy-id "$(jq -r '
            '.properties.policyId item-before.json)" --provider-details @provider-details.json',
        ],
        "wait_protected": lambda: [
            'until [ "$(az site-recovery protected-item show "${ITEM[@]}" --query '
            'properties.protectionState -o tsv)" = Protected ]; do sleep 300; done',
        ],
        "verify_item": lambda: [
            'az site-recovery protected-item show "${ITEM[@]}" -o json > item-after.json',
            q(
                [
                    "jq",
                    "-e",
                    "--arg",
                    "vm",
                    c["vm_id"],
                    "--slurpfile",
                    "now",
                    "vm-disks.json",
                    _VERIFY_JQ,
                    "item-after.json",
                ]
            )
            + " > /dev/null || "
            "{ echo 'the new item does not protect the VM and all its disks' >&2; exit 1; }",
            "echo 'Set again what enable does not carry (from item-before.json):'",
            q(
                [
                    "jq",
                    ".properties.providerSpecificDetails | {"
                    + ", ".join(_after_enable(remediation))
                    + "}",
                    "item-before.json",
                ]
            ),
        ],
    }
    return _script(lines, remediation, steps)


_REST_DISKS_JQ = (
    '.a2a["vm-managed-disks"] | walk(if type == "object" then with_entries(.key |= '
    'gsub("-(?<c>[a-z])"; .c | ascii_upcase)) else . end)'
)
_VERIFY_JQ = (
    "(.properties.providerSpecificDetails.fabricObjectId | ascii_downcase) == ($vm | "
    "ascii_downcase)"
    " and ([(.properties.providerSpecificDetails.protectedManagedDisks // [])[].diskId | "
    "ascii_downcase] | sort)"
    " == ([$now[0].os, $now[0].data[].id] | map(ascii_downcase) | sort)"
)


def enable_mapping(remediation: dict[str, Any]) -> dict[str, Any]:
    """The enable mapping (policy data) of a remediation's enable step."""
    for step in remediation["steps"]:
        if step["op"] == "enable":
            mapping: dict[str, Any] = step["mapping"]
            return mapping
    raise quoting.UnsafeValue(f"{remediation['id']}: the enable step has no mapping")


def _after_enable(remediation: dict[str, Any]) -> list[str]:
    return sorted(
        quoting.name(field, "a mapping field")
        for field, entry in enable_mapping(remediation)["item"].items()
        if entry.get("after_enable")
    )


def _restore_values(remediation: dict[str, Any]) -> dict[str, Any]:
    restore = remediation["params"].get("restore") or {}
    account = restore.get("storage_account_id")
    luns = restore.get("luns") or []
    if not all(isinstance(lun, int) and 0 <= lun < 64 for lun in luns):
        raise quoting.UnsafeValue(f"LUNs asr-guard can put in a script: {luns!r}")
    return {
        "recovery_point": quoting.recovery_point(restore.get("recovery_point_id")),
        "account": quoting.arm_id(account, "the staging storage account") if account else None,
        "luns": [str(lun) for lun in luns],
    }


def _bash_restore(remediation: dict[str, Any], c: dict[str, str]) -> list[str]:
    v = _restore_values(remediation)
    q = quoting.bash
    account = v["account"] or '"$STORAGE_ACCOUNT"'
    lines = []
    if not v["account"]:
        lines.append(
            'STORAGE_ACCOUNT="${STORAGE_ACCOUNT:?set STORAGE_ACCOUNT: '
            'the restore request names no staging storage account}"'
        )
    lines += [
        q(["az", "backup", "protection", "check-vm", "--vm", c["vm_id"], "-o", "tsv"])
        + " > backup-vault-id.txt",
        "IFS=/ read -r _ _ _ _ BACKUP_RG _ _ _ BACKUP_VAULT < backup-vault-id.txt",
        q(
            [
                "az",
                "backup",
                "restore",
                "restore-disks",
                "--subscription",
                c["subscription"],
                "-g",
                '"$BACKUP_RG"',
                "-v",
                '"$BACKUP_VAULT"',
                "-c",
                c["vm_name"],
                "-i",
                c["vm_name"],
                "-r",
                v["recovery_point"],
                "--storage-account",
                account,
                "--restore-mode",
                "OriginalLocation",
                *(["--diskslist", *v["luns"]] if v["luns"] else []),
                "--query",
                "name",
                "-o",
                "tsv",
            ]
        )
        + " > restore-job.txt",
        'az backup job wait -g "$BACKUP_RG" -v "$BACKUP_VAULT" -n "$(cat restore-job.txt)"',
    ]
    return lines


# --- PowerShell --------------------------------------------------------------------------


def powershell(remediation: dict[str, Any], finding: dict[str, Any]) -> str:
    c = _context(remediation)
    p = quoting.pwsh
    lines = _header(remediation, finding, "#")
    lines += [
        f"# Requires: {PS_MODULES}; the restore step, where there is one, runs az (no Az "
        "cmdlet runs Replace existing).",
        "$ErrorActionPreference = 'Stop'",
        f"$VmId = {p(c['vm_id'])}",
        f"Set-AzContext -Subscription {p(c['subscription'])} | Out-Null",
        "",
    ]
    steps: dict[str, Callable[[], list[str]]] = {
        "find_item": lambda: [
            f"$found = @(Search-AzGraph -Query {p(_graph_query(c['vm_id']))})",
            "if ($found.Count -ne 1) "
            '{ throw "expected one replicated item of $VmId, found $($found.Count)" }',
            "$ItemId = [string]$found[0].id",
            f"if ($ItemId -notmatch {p(_ITEM_ID_RE)}) "
            f'{{ throw "not a replicated item id: $ItemId" }}',
            "$s = $ItemId.Split('/')",
            "$Vault = Get-AzRecoveryServicesVault -ResourceGroupName $s[4] -Name $s[8]",
            "Set-AzRecoveryServicesAsrVaultContext -Vault $Vault | Out-Null",
            "$Pc = Get-AzRecoveryServicesAsrProtectionContainer -Fabric "
            "(Get-AzRecoveryServicesAsrFabric -Name $s[10]) -Name $s[12]",
            "$Rpi = Get-AzRecoveryServicesAsrReplicationProtectedItem -ProtectionContainer $Pc "
            "-Name $s[14]",
            "$Item = (Invoke-AzRestMethod -Method GET -Path "
            f'"$($ItemId)?api-version={_API}").Content | ConvertFrom-Json',
            "$Item | ConvertTo-Json -Depth 32 | Set-Content item-before.json",
            f"$VmBefore = Get-AzVM -ResourceGroupName {p(c['vm_rg'])} -Name {p(c['vm_name'])}",
        ],
        "disable": lambda: [
            "# a clean disable (POST .../remove); never a purge",
            "Remove-AzRecoveryServicesAsrReplicationProtectedItem -InputObject $Rpi "
            "-WaitForCompletion | Out-Null",
        ],
        "run_change": lambda: [
            "Read-Host 'Apply the change asr-guard checked now (terraform apply / "
            "New-AzResourceGroupDeployment), then press Enter' | Out-Null",
        ],
        "restore": lambda: _pwsh_restore(remediation, c),
        "record_vm_disks": lambda: [
            f"$VmNow = Get-AzVM -ResourceGroupName {p(c['vm_rg'])} -Name {p(c['vm_name'])}",
        ],
        "enable": lambda: _pwsh_enable(remediation),
        "wait_protected": lambda: [
            "while ((Get-AzRecoveryServicesAsrReplicationProtectedItem -ProtectionContainer "
            "$Pc -Name $s[14]).ProtectionState -ne 'Protected') { Start-Sleep -Seconds 300 }",
        ],
        "verify_item": lambda: [
            "$After = (Invoke-AzRestMethod -Method GET -Path "
            f'"$($ItemId)?api-version={_API}").Content | ConvertFrom-Json',
            "$want = @(@($VmNow.StorageProfile.OsDisk.ManagedDisk.Id) + "
            "@($VmNow.StorageProfile.DataDisks | ForEach-Object { $_.ManagedDisk.Id }) | "
            "ForEach-Object { $_.ToLowerInvariant() } | Sort-Object)",
            "$got = @($After.properties.providerSpecificDetails.protectedManagedDisks | "
            "ForEach-Object { $_.diskId.ToLowerInvariant() } | Sort-Object)",
            "if ($After.properties.providerSpecificDetails.fabricObjectId -ne $VmId -or "
            "(Compare-Object $want $got)) "
            "{ throw 'the new item does not protect the VM and all its disks' }",
            "Write-Output 'Set again what enable does not carry (from item-before.json):'",
            "$Item.properties.providerSpecificDetails | Select-Object "
            + ", ".join(_after_enable(remediation)),
        ],
    }
    return _script(lines, remediation, steps)


def _pwsh_restore(remediation: dict[str, Any], c: dict[str, str]) -> list[str]:
    v = _restore_values(remediation)
    p = quoting.pwsh
    account = p(v["account"]) if v["account"] else "$env:STORAGE_ACCOUNT"
    lines = []
    if not v["account"]:
        lines.append(
            "if (-not $env:STORAGE_ACCOUNT) "
            "{ throw 'set STORAGE_ACCOUNT: the restore request names no staging storage account' }"
        )
    lines += [
        f"$BackupVault = (az backup protection check-vm --vm {p(c['vm_id'])} -o tsv).Split('/')",
        "$Job = az backup restore restore-disks --subscription "
        + p(c["subscription"])
        + " -g $BackupVault[4] -v $BackupVault[8] -c "
        + p(c["vm_name"])
        + " -i "
        + p(c["vm_name"])
        + " -r "
        + p(v["recovery_point"])
        + f" --storage-account {account} --restore-mode OriginalLocation"
        + (f" --diskslist {' '.join(v['luns'])}" if v["luns"] else "")
        + " --query name -o tsv",
        "if ($LASTEXITCODE -ne 0) { throw 'the restore did not start' }",
        "az backup job wait -g $BackupVault[4] -v $BackupVault[8] -n $Job",
        "if ($LASTEXITCODE -ne 0) { throw 'the restore job failed' }",
    ]
    return lines


def _pwsh_enable(remediation: dict[str, Any]) -> list[str]:
    mapping = enable_mapping(remediation)
    item_fields = mapping["item"]
    disk = {key: entry for key, entry in mapping["disk"].items() if entry.get("ps")}
    lines = [
        "$P = $Item.properties.providerSpecificDetails",
        "$Old = @{}; foreach ($d in @($P.protectedManagedDisks) + @($P.vmManagedDisks)) "
        "{ if ($d) { $Old[$d.diskId.ToLowerInvariant()] = $d } }",
        "$ByLun = @{ 'os' = "
        "$Old[$VmBefore.StorageProfile.OsDisk.ManagedDisk.Id.ToLowerInvariant()] }",
        "foreach ($d in $VmBefore.StorageProfile.DataDisks) "
        "{ $ByLun[[string]$d.Lun] = $Old[$d.ManagedDisk.Id.ToLowerInvariant()] }",
        "$Now = @(@{ Lun = 'os'; Id = $VmNow.StorageProfile.OsDisk.ManagedDisk.Id }) + "
        "@($VmNow.StorageProfile.DataDisks | ForEach-Object "
        "{ @{ Lun = [string]$_.Lun; Id = $_.ManagedDisk.Id } })",
        "$Disks = foreach ($d in $Now) {",
        "  $o = $ByLun[$d.Lun]; if (-not $o) { $o = $ByLun['os'] }",
        "  $a = @{ ManagedDisk = $true; DiskId = $d.Id }",
    ]
    for key, entry in sorted(disk.items()):
        if key == "diskId":
            continue
        field = quoting.name(key, "a field")
        param = quoting.pwsh(quoting.name(entry["ps"], "a parameter"))
        if entry.get("required"):  # mandatory: a null fails the call, as it should
            lines.append(f"  $a[{param}] = $o.{field}")
        else:
            lines.append(f"  if ($null -ne $o.{field}) {{ $a[{param}] = $o.{field} }}")
    lines += [
        "  New-AzRecoveryServicesAsrAzureToAzureDiskReplicationConfig @a",
        "}",
        "$Pcm = Get-AzRecoveryServicesAsrProtectionContainerMapping -ProtectionContainer $Pc | "
        "Where-Object { $_.TargetProtectionContainerId -eq $Item.properties.recoveryContainerId }",
        "if (@($Pcm).Count -ne 1) "
        "{ throw 'expected one protection container mapping to the recorded recovery container' }",
        "$Enable = @{ AzureToAzure = $true; Name = $s[14]; AzureVmId = $VmId; "
        "ProtectionContainerMapping = $Pcm; AzureToAzureDiskReplicationConfiguration = @($Disks) }",
    ]
    for field, entry in sorted(item_fields.items()):
        param = entry.get("ps") or entry.get("ps_enable")
        path = entry.get("from") or ["properties", "providerSpecificDetails", field]
        if not param or param in (
            "ProtectionContainerMapping",
            "AzureVmId",
            "AzureToAzureDiskReplicationConfiguration",
        ):
            continue
        getter = "$Item" + "".join(
            f"[{x}]" if isinstance(x, int) else f".{quoting.name(x, 'a field')}" for x in path
        )
        key = quoting.pwsh(quoting.name(param, "a parameter"))
        if entry.get("required"):  # mandatory: a null fails the call, as it should
            lines.append(f"$Enable[{key}] = {getter}")
        else:
            lines.append(
                f"$v = $null; try {{ $v = {getter} }} catch {{ }}; "
                f"if ($null -ne $v) {{ $Enable[{key}] = $v }}"
            )
    lines.append(
        "New-AzRecoveryServicesAsrReplicationProtectedItem @Enable -WaitForCompletion | Out-Null"
    )
    return lines


def _vm_disks_command(q: Callable[[list[str]], str], c: dict[str, str]) -> str:
    """`az vm show` of the VM's disks (OS and data, with their LUNs), quoted."""
    return q(
        [
            "az", "vm", "show", "--subscription", c["subscription"], "-g", c["vm_rg"],
            "-n", c["vm_name"], "--query", _VM_DISKS_QUERY, "-o", "json",
        ]
    )  # fmt: skip


def _script(
    lines: list[str], remediation: dict[str, Any], steps: dict[str, Callable[[], list[str]]]
) -> str:
    """The script: its preamble, then each step of the remediation as a comment and its lines
    (rendered by the shell's own renderer for that step, or left to the user)."""
    for number, step in enumerate(remediation["steps"], start=1):
        lines.append(f"# {number}. {_one_line(step['text'])}")
        render = steps.get(step["op"])
        lines += render() if render else [f"# ({step['kind']}: by hand)"]
        lines.append("")
    return "\n".join(lines)
