# METADATA
# title: Remediation strategies (data)
# description: |
#   What asr-guard proposes for each denial, as data: each strategy's preconditions, its
#   ordered steps (patch, command, wait, re-check), the plan-level model of its effect that
#   asr-guard re-checks (ops applied to the input plan by validator/remediation), what the
#   policies must then say, and its risks. rules/remediation.rego picks a strategy for a
#   finding; Python only renders the steps and applies the model ops.
#   This is Rego data, not a data.json: the pack loads one data file (the matrix), and a Rego
#   constant reaches every engine, OPA bundle and platform policy set unchanged.
#   Sources: ../shared/remediation.md (Terraform ordering T1-T6; azurerm ForceNew and the
#   clean disable T7-T9; az site-recovery remove vs delete C1; the restore modes C2;
#   re-enable C3; the GET -> create mapping C4 / section 2.4).
package asr_guard.remediation

# Why each risk applies (rendered with every remediation that names it).
risks := {
	"rpo-gap": "No disaster recovery from the disable until the new initial replication completes (azurerm waits for the item to be Protected; the runbook waits likewise).",
	"recovery-points-lost": "The recovery points of the old replicated item are lost with it: take a test failover or a backup before, not after.",
	"new-disk-ids": "A Replace existing restore gives the VM new disks (the OS disk included) and keeps the old ones in the resource group: replication is enabled again for the disks the VM has after the change, read from the VM, never from the old item.",
	"originals-kept": "The original disks are kept; delete them only after the new item is Protected.",
	"settings-not-carried": "Enable does not carry every setting of the old item (recovery VM name and size, test failover network, NIC IPs): the runbook lists them from the recorded item to set again.",
	"create-timeout": "Initial replication of large or encrypted disks can outlast azurerm's 180-minute create timeout: a timeout taints the new item and the next apply replaces it again; raise timeouts { create } for such disks.",
	"provider-adds-disks-in-place": "Providers that add managed_disk blocks in place (hashicorp/terraform-provider-azurerm#33140) would not re-create the item: the fix forces the replace with -replace or replace_triggered_by, and the re-check looks at the item's actions.",
	"order-needs-refresh": "The order remove item -> change -> create item rests on the item's dependencies as Terraform records them with refresh: never apply this plan with -refresh=false.",
	"two-applies": "Two applies: between them the VM is not replicated.",
	"no-automatic-fix": "asr-guard cannot write this fix: the steps say what to do by hand, and the next check must show the denial gone.",
}

# The steps' ops, rendered by validator/remediation (patch: a .tf edit; command/wait: a runbook
# line; recheck: asr-guard again). model: the ops validator/remediation/plan_model.py applies to
# the input plan, phase by phase, and what the policies must then decide (rule ids present and
# absent); $rule is the finding's own rule id.
strategies := {
	"terraform-replace-item": {
		"title": "Re-create the replicated item around the change, in the same apply",
		"input": "terraform-plan",
		"preconditions": [
			"item-in-configuration: the VM's azurerm_site_recovery_replicated_vm is in this configuration",
			"refresh: the plan is made with refresh (not -refresh=false)",
			"no-create-before-destroy: nothing sets create_before_destroy on the item",
		],
		"steps": [
			{"kind": "patch", "op": "item_add_disk", "text": "Protect the new disk: a managed_disk block in the item that references the changed resource (every existing managed_disk block kept); the reference also orders remove item -> change -> create item."},
			{"kind": "command", "op": "terraform_plan_replace", "text": "Plan with the item replaced explicitly."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: the workaround applied (ASR009), no denial, the order proven."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
			{"kind": "wait", "op": "azurerm_waits_protected", "text": "azurerm creates the new item and waits until it is Protected (initial replication)."},
		],
		"model": [{"ops": ["item_add_disk", "item_replace_by_request", "item_depends_on_changed"], "present": ["ASR009"], "absent": ["$rule", "ASR007", "ASR026", "ASR027", "ASR013"]}],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh", "provider-adds-disks-in-place", "create-timeout"],
	},
	"terraform-replace-item-drop-disk": {
		"title": "Re-create the replicated item without the removed disk, in the same apply",
		"input": "terraform-plan",
		"preconditions": [
			"item-in-configuration: the VM's azurerm_site_recovery_replicated_vm is in this configuration",
			"refresh: the plan is made with refresh (not -refresh=false)",
			"no-create-before-destroy: nothing sets create_before_destroy on the item",
		],
		"steps": [
			{"kind": "patch", "op": "item_drop_disk", "text": "Remove the disk's managed_disk block from the item and make the item depend on the change."},
			{"kind": "command", "op": "terraform_plan_replace", "text": "Plan with the item replaced explicitly."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: the workaround applied (ASR009), no denial, the order proven."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
			{"kind": "wait", "op": "azurerm_waits_protected", "text": "azurerm creates the new item and waits until it is Protected (initial replication)."},
		],
		"model": [{"ops": ["item_drop_disk", "item_replace_by_request", "item_depends_on_changed"], "present": ["ASR009"], "absent": ["$rule", "ASR026", "ASR027", "ASR013"]}],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh", "create-timeout"],
	},
	"terraform-replace-triggered-by-vm": {
		"title": "Re-create the replicated item for the re-created VM, in the same apply",
		"input": "terraform-plan",
		"preconditions": [
			"item-in-configuration: the VM's azurerm_site_recovery_replicated_vm is in this configuration",
			"refresh: the plan is made with refresh (not -refresh=false)",
			"no-create-before-destroy: nothing sets create_before_destroy on the item",
		],
		"steps": [
			{"kind": "patch", "op": "item_follow_vm", "text": "Point the item at the VM by reference (source_vm_id, the OS disk's managed_disk) and replace it whenever the VM's id changes (lifecycle replace_triggered_by on the VM's id attribute, never the whole VM)."},
			{"kind": "command", "op": "terraform_plan", "text": "Plan."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: the workaround applied (ASR009), no denial, the order proven."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
			{"kind": "wait", "op": "azurerm_waits_protected", "text": "azurerm creates the new item and waits until it is Protected (initial replication)."},
		],
		"model": [{"ops": ["item_follow_vm", "item_replace_by_triggers", "item_depends_on_changed"], "present": ["ASR009"], "absent": ["$rule", "ASR026", "ASR027", "ASR013"]}],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh", "create-timeout"],
	},
	"terraform-remove-item": {
		"title": "Remove the replicated item in the same change that deletes the VM",
		"input": "terraform-plan",
		"preconditions": ["item-depends-on-vm: the item's prior state lists the VM among its dependencies, so Terraform removes the item before the VM"],
		"steps": [
			{"kind": "patch", "op": "item_remove", "text": "Delete the item's resource block (a clean disable; never a removed block with destroy = false)."},
			{"kind": "command", "op": "terraform_plan", "text": "Plan."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: no denial."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
		],
		"model": [{"ops": ["item_delete"], "present": [], "absent": ["$rule", "ASR026", "ASR027", "ASR028"]}],
		"risks": ["recovery-points-lost"],
	},
	"terraform-remove-item-first": {
		"title": "Remove the replicated item in a first apply, then delete the VM",
		"input": "terraform-plan",
		"preconditions": ["The item's prior state does not list the VM among its dependencies: one apply would not order the item's removal before the VM's."],
		"steps": [
			{"kind": "patch", "op": "item_remove", "text": "Delete the item's resource block (a clean disable; never a removed block with destroy = false)."},
			{"kind": "command", "op": "terraform_apply_destroy_item", "text": "First apply: only the item, a clean disable."},
			{"kind": "command", "op": "terraform_plan", "text": "Plan the rest."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: no denial."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
		],
		"model": [
			{"ops": ["only_item", "item_delete"], "present": ["ASR008"], "absent": ["$rule", "ASR028"]},
			{"ops": ["item_gone"], "present": [], "absent": ["$rule"]},
		],
		"risks": ["recovery-points-lost", "two-applies"],
	},
	"terraform-delete-before-create": {
		"title": "Replace the replicated item delete-then-create",
		"input": "terraform-plan",
		"preconditions": ["refresh: the plan is made with refresh (not -refresh=false)"],
		"steps": [
			{"kind": "patch", "op": "item_no_create_before_destroy", "text": "Remove create_before_destroy from the item's lifecycle block (and from resources that depend on the item, which force it)."},
			{"kind": "command", "op": "terraform_plan", "text": "Plan."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: no denial."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
		],
		"model": [{"ops": ["item_delete_then_create"], "present": [], "absent": ["$rule"]}],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh"],
	},
	"runbook-around-change": {
		"title": "Disable replication cleanly, apply the change, enable replication again with the VM's disks as they are now",
		"input": "any",
		"preconditions": [
			"az: Azure CLI with the site-recovery extension (az extension add --name site-recovery) and jq; or PowerShell with Az.RecoveryServices",
			"The replicated item is found by its VM id (Azure Resource Graph).",
		],
		"steps": [
			{"kind": "command", "op": "find_item", "text": "Find the VM's replicated item (Resource Graph) and record it, with the VM's disks."},
			{"kind": "command", "op": "disable", "text": "Disable replication: a clean disable (protected-item remove), never the purge (protected-item delete)."},
			{"kind": "wait", "op": "run_change", "text": "Apply the change asr-guard checked (your deployment or terraform apply), then continue."},
			{"kind": "command", "op": "record_vm_disks", "text": "Read the VM's disks as they are now."},
			{"kind": "command", "op": "enable", "text": "Enable replication again with the recorded settings and the VM's current disks."},
			{"kind": "wait", "op": "wait_protected", "text": "Wait until the new item is Protected."},
			{"kind": "recheck", "op": "verify_item", "text": "Check the new item: its VM is the VM, it protects every disk the VM has; set again the settings enable does not carry."},
		],
		"model": [],
		"risks": ["rpo-gap", "recovery-points-lost", "settings-not-carried"],
	},
	"runbook-disable-first": {
		"title": "Disable replication cleanly, then delete the VM",
		"input": "any",
		"preconditions": [
			"az: Azure CLI with the site-recovery extension (az extension add --name site-recovery) and jq; or PowerShell with Az.RecoveryServices",
			"The replicated item is found by its VM id (Azure Resource Graph).",
		],
		"steps": [
			{"kind": "command", "op": "find_item", "text": "Find the VM's replicated item (Resource Graph) and record it."},
			{"kind": "command", "op": "disable", "text": "Disable replication: a clean disable (protected-item remove), never the purge (protected-item delete)."},
			{"kind": "wait", "op": "run_change", "text": "Apply the change asr-guard checked (your deployment), then continue."},
		],
		"model": [],
		"risks": ["recovery-points-lost"],
	},
	"runbook-around-restore": {
		"title": "Disable replication cleanly, run the restore, enable replication again with the VM's new disks",
		"input": "backup-restore-request",
		"preconditions": [
			"az: Azure CLI with the site-recovery extension (az extension add --name site-recovery) and jq; or PowerShell with Az.RecoveryServices and Az.RecoveryServices backup cmdlets",
			"The replicated item is found by its VM id (Azure Resource Graph); the backup vault by az backup protection check-vm.",
		],
		"steps": [
			{"kind": "command", "op": "find_item", "text": "Find the VM's replicated item (Resource Graph) and record it, with the VM's disks."},
			{"kind": "command", "op": "disable", "text": "Disable replication: a clean disable (protected-item remove), never the purge (protected-item delete)."},
			{"kind": "command", "op": "restore", "text": "Run the restore asr-guard checked (Replace existing: restore-mode OriginalLocation) and wait for its job."},
			{"kind": "command", "op": "record_vm_disks", "text": "Read the VM's disks as they are now (the restore gave it new ones)."},
			{"kind": "command", "op": "enable", "text": "Enable replication again with the recorded settings and the VM's current disks."},
			{"kind": "wait", "op": "wait_protected", "text": "Wait until the new item is Protected."},
			{"kind": "recheck", "op": "verify_item", "text": "Check the new item: its VM is the VM, it protects every disk the VM has; set again the settings enable does not carry."},
		],
		"model": [],
		"risks": ["rpo-gap", "recovery-points-lost", "new-disk-ids", "originals-kept", "settings-not-carried"],
	},
	"manual": {
		"title": "By hand: follow the workaround",
		"input": "any",
		"preconditions": [],
		"steps": [
			{"kind": "manual", "op": "workaround", "text": "Follow the finding's workaround."},
			{"kind": "recheck", "op": "check_again", "text": "Check the changed input again: the denial must be gone."},
		],
		"model": [],
		"risks": ["no-automatic-fix"],
	},
}

# The re-enable input from the recorded item (`az site-recovery protected-item show`), field by
# field (remediation.md section 2.4, from azurerm's Read/Create): each field of the GET's
# A2AReplicationDetails is mapped to the create input (cli: key of --provider-details a2a;
# ps: New-AzRecoveryServicesAsrReplicationProtectedItem parameter), set again after enable
# (after_enable), or dropped with the reason. tests/test_remediation.py holds every field of
# real GETs to this table.
enable_mapping := {
	"policyId": {"from": ["properties", "policyId"], "cli": "--policy-id", "ps": "ProtectionContainerMapping"},
	"recoveryContainerId": {"from": ["properties", "recoveryContainerId"], "cli": "recovery-container-id", "ps": "ProtectionContainerMapping"},
	"fabricObjectId": {"from": ["properties", "providerSpecificDetails", "fabricObjectId"], "cli": "fabric-object-id", "ps": "AzureVmId"},
	"recoveryAzureResourceGroupId": {"from": ["properties", "providerSpecificDetails", "recoveryAzureResourceGroupId"], "cli": "recovery-resource-group-id", "ps": "RecoveryResourceGroupId", "required": true},
	"selectedRecoveryAzureNetworkId": {"from": ["properties", "providerSpecificDetails", "selectedRecoveryAzureNetworkId"], "cli": "recovery-azure-network-id", "ps": "RecoveryAzureNetworkId"},
	"recoveryAvailabilityZone": {"from": ["properties", "providerSpecificDetails", "recoveryAvailabilityZone"], "cli": "recovery-availability-zone", "ps": "RecoveryAvailabilityZone"},
	"recoveryAvailabilitySet": {"from": ["properties", "providerSpecificDetails", "recoveryAvailabilitySet"], "cli": "recovery-availability-set-id", "ps": "RecoveryAvailabilitySetId"},
	"recoveryProximityPlacementGroupId": {"from": ["properties", "providerSpecificDetails", "recoveryProximityPlacementGroupId"], "cli": "recovery-proximity-placement-group-id", "ps": "RecoveryProximityPlacementGroupId"},
	"recoveryBootDiagStorageAccountId": {"from": ["properties", "providerSpecificDetails", "recoveryBootDiagStorageAccountId"], "cli": "recovery-boot-diag-storage-account-id", "ps": "RecoveryBootDiagStorageAccountId"},
	"recoveryCapacityReservationGroupId": {"from": ["properties", "providerSpecificDetails", "recoveryCapacityReservationGroupId"], "cli": "recovery-capacity-reservation-group-id", "ps": null},
	"recoveryVirtualMachineScaleSetId": {"from": ["properties", "providerSpecificDetails", "recoveryVirtualMachineScaleSetId"], "cli": "recovery-virtual-machine-scale-set-id", "ps": null},
	"multiVmGroupName": {"from": ["properties", "providerSpecificDetails", "multiVmGroupName"], "cli": "multi-vm-group-name", "ps": "ReplicationGroupName"},
	"multiVmGroupId": {"from": ["properties", "providerSpecificDetails", "multiVmGroupId"], "cli": "multi-vm-group-id", "ps": null},
	"recoveryExtendedLocation": {"from": ["properties", "providerSpecificDetails", "recoveryExtendedLocation"], "cli": "recovery-extended-location", "ps": null},
	"recoverySubnetName": {"from": ["properties", "providerSpecificDetails", "vmNics", 0, "ipConfigs", 0, "recoverySubnetName"], "cli": "recovery-subnet-name", "ps": "RecoveryAzureSubnetName"},
	"protectedManagedDisks": {"disks": true, "cli": "vm-managed-disks", "ps": "AzureToAzureDiskReplicationConfiguration"},
	"vmManagedDisks": {"disks": true, "cli": "vm-managed-disks", "ps": "AzureToAzureDiskReplicationConfiguration"},
	"recoveryAzureVMName": {"after_enable": "recovery VM name (PATCH: Set-AzRecoveryServicesAsrReplicationProtectedItem -Name)", "ps_enable": "RecoveryVmName"},
	"recoveryAzureVMSize": {"after_enable": "recovery VM size (PATCH: Set-AzRecoveryServicesAsrReplicationProtectedItem -Size)"},
	"selectedTfoAzureNetworkId": {"after_enable": "test failover network (PATCH)"},
	"vmNics": {"after_enable": "NIC settings: static IPs, NSGs, load balancers, public IPs (PATCH: -UpdateNic)"},
	"autoProtectionOfDataDisk": {"dropped": "not in the create input of the CLI (api-version 2022-08-01) or the PowerShell help; set it again in the portal or by REST if it was Enabled"},
	"instanceType": {"dropped": "constant A2A: the create input's instanceType"},
	"osType": {"dropped": "read from the VM by Site Recovery"},
	"primaryFabricLocation": {"dropped": "the fabric of the protection container"},
	"recoveryFabricLocation": {"dropped": "the fabric of the recovery container"},
	"recoveryAzureResourceGroupName": {"dropped": "derived from recoveryAzureResourceGroupId"},
	"vmProtectionState": {"dropped": "state, not a setting"},
	"vmProtectionStateDescription": {"dropped": "state, not a setting"},
	"vmSyncedConfigDetails": {"dropped": "synced from the VM, not a setting"},
	"monitoringPercentageCompletion": {"dropped": "state, not a setting"},
	"monitoringJobType": {"dropped": "state, not a setting"},
	"lastHeartbeat": {"dropped": "state, not a setting"},
	"agentVersion": {"dropped": "the mobility agent, installed by Site Recovery"},
	"isReplicationAgentUpdateRequired": {"dropped": "state, not a setting"},
	"rpoInSeconds": {"dropped": "state, not a setting"},
	"lastRpoCalculatedTime": {"dropped": "state, not a setting"},
	"initialPrimaryZone": {"dropped": "read from the VM"},
	"initialRecoveryZone": {"dropped": "the recovery zone is recoveryAvailabilityZone"},
	"initialPrimaryFabricLocation": {"dropped": "read from the VM"},
	"initialRecoveryFabricLocation": {"dropped": "the recovery fabric of the container"},
	"recoveryCloudService": {"dropped": "classic cloud services are not enabled by this runbook"},
	"managementId": {"dropped": "assigned by Site Recovery"},
	"protectionClusterId": {"dropped": "shared-disk clusters are re-protected by hand (ASR018)"},
	"isClusterInfraReady": {"dropped": "state, not a setting"},
	"testFailoverRecoveryFabricObjectId": {"dropped": "state of a test failover"},
	"tfoAzureVMName": {"dropped": "state of a test failover"},
	"recoveryFabricObjectId": {"dropped": "the recovery VM, created at failover"},
	"recoveryAzureGeneration": {"dropped": "read from the VM"},
	"vmEncryptionType": {"dropped": "read from the VM's disks"},
	"unprotectedDisks": {"dropped": "disks left out before are left out again only if they are not on the VM: the runbook protects every disk the VM has"},
	"vmManagedDisksDetails": {"dropped": "same as protectedManagedDisks"},
	"lastRecoveryPointReceived": {"dropped": "state, not a setting"},
	"churnOptionSelected": {"dropped": "not in the create input of the CLI (api-version 2022-08-01); set it again if High Churn was chosen"},
	"autoProtectionOfDataDiskStatus": {"dropped": "state of autoProtectionOfDataDisk"},
}

# Per disk (protectedManagedDisks[] -> vm-managed-disks[] / New-...DiskReplicationConfig).
# required: a mandatory parameter in the PowerShell help (a runbook fails if the item lacks it).
disk_mapping := {
	"diskId": {"cli": "disk-id", "ps": "DiskId", "note": "taken from the VM after the change, never from the old item"},
	"primaryStagingAzureStorageAccountId": {"cli": "primary-staging-azure-storage-account-id", "ps": "LogStorageAccountId", "required": true},
	"recoveryResourceGroupId": {"cli": "recovery-resource-group-id", "ps": "RecoveryResourceGroupId", "required": true},
	"recoveryReplicaDiskAccountType": {"cli": "recovery-replica-disk-account-type", "ps": "RecoveryReplicaDiskAccountType", "required": true},
	"recoveryTargetDiskAccountType": {"cli": "recovery-target-disk-account-type", "ps": "RecoveryTargetDiskAccountType", "required": true},
	"recoveryDiskEncryptionSetId": {"cli": "recovery-disk-encryption-set-id", "ps": "RecoveryDiskEncryptionSetId"},
}
