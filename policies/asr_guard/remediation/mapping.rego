package asr_guard.remediation

# METADATA
# title: Enable mapping
# description: |
#   The re-enable input from the recorded item (`az site-recovery protected-item show`), field by
#   field (remediation.md section 2.4, from azurerm's Read/Create): each field of the GET's
#   A2AReplicationDetails is mapped to the create input (cli: key of --provider-details a2a;
#   ps: New-AzRecoveryServicesAsrReplicationProtectedItem parameter), set again after enable
#   (after_enable), or dropped with the reason. tests/test_remediation.py holds every field of
#   real GETs to this table.
enable_mapping := {
	"policyId": {"from": ["properties", "policyId"], "cli": "--policy-id", "ps": "ProtectionContainerMapping"},
	"recoveryContainerId": {
		"from": ["properties", "recoveryContainerId"],
		"cli": "recovery-container-id",
		"ps": "ProtectionContainerMapping",
	},
	"fabricObjectId": {
		"from": ["properties", "providerSpecificDetails", "fabricObjectId"],
		"cli": "fabric-object-id",
		"ps": "AzureVmId",
	},
	"recoveryAzureResourceGroupId": {
		"from": ["properties", "providerSpecificDetails", "recoveryAzureResourceGroupId"],
		"cli": "recovery-resource-group-id",
		"ps": "RecoveryResourceGroupId",
		"required": true,
	},
	"selectedRecoveryAzureNetworkId": {
		"from": ["properties", "providerSpecificDetails", "selectedRecoveryAzureNetworkId"],
		"cli": "recovery-azure-network-id",
		"ps": "RecoveryAzureNetworkId",
	},
	"recoveryAvailabilityZone": {
		"from": ["properties", "providerSpecificDetails", "recoveryAvailabilityZone"],
		"cli": "recovery-availability-zone",
		"ps": "RecoveryAvailabilityZone",
	},
	"recoveryAvailabilitySet": {
		"from": ["properties", "providerSpecificDetails", "recoveryAvailabilitySet"],
		"cli": "recovery-availability-set-id",
		"ps": "RecoveryAvailabilitySetId",
	},
	"recoveryProximityPlacementGroupId": {
		"from": ["properties", "providerSpecificDetails", "recoveryProximityPlacementGroupId"],
		"cli": "recovery-proximity-placement-group-id",
		"ps": "RecoveryProximityPlacementGroupId",
	},
	"recoveryBootDiagStorageAccountId": {
		"from": ["properties", "providerSpecificDetails", "recoveryBootDiagStorageAccountId"],
		"cli": "recovery-boot-diag-storage-account-id",
		"ps": "RecoveryBootDiagStorageAccountId",
	},
	"recoveryCapacityReservationGroupId": {
		"from": ["properties", "providerSpecificDetails", "recoveryCapacityReservationGroupId"],
		"cli": "recovery-capacity-reservation-group-id",
		"ps": null,
	},
	"recoveryVirtualMachineScaleSetId": {
		"from": ["properties", "providerSpecificDetails", "recoveryVirtualMachineScaleSetId"],
		"cli": "recovery-virtual-machine-scale-set-id",
		"ps": null,
	},
	"multiVmGroupName": {
		"from": ["properties", "providerSpecificDetails", "multiVmGroupName"],
		"cli": "multi-vm-group-name",
		"ps": "ReplicationGroupName",
	},
	"multiVmGroupId": {
		"from": ["properties", "providerSpecificDetails", "multiVmGroupId"],
		"cli": "multi-vm-group-id",
		"ps": null,
	},
	"recoveryExtendedLocation": {
		"from": ["properties", "providerSpecificDetails", "recoveryExtendedLocation"],
		"cli": "recovery-extended-location",
		"ps": null,
	},
	"recoverySubnetName": {
		"from": ["properties", "providerSpecificDetails", "vmNics", 0, "ipConfigs", 0, "recoverySubnetName"],
		"cli": "recovery-subnet-name",
		"ps": "RecoveryAzureSubnetName",
	},
	"protectedManagedDisks": {
		"disks": true,
		"cli": "vm-managed-disks",
		"ps": "AzureToAzureDiskReplicationConfiguration",
	},
	"vmManagedDisks": {"disks": true, "cli": "vm-managed-disks", "ps": "AzureToAzureDiskReplicationConfiguration"},
	"recoveryAzureVMName": {
		"after_enable": "recovery VM name (PATCH: Set-AzRecoveryServicesAsrReplicationProtectedItem -Name)",
		"ps_enable": "RecoveryVmName",
	},
	"recoveryAzureVMSize": {
		"after_enable": "recovery VM size (PATCH: Set-AzRecoveryServicesAsrReplicationProtectedItem -Size)",
	},
	"selectedTfoAzureNetworkId": {"after_enable": "test failover network (PATCH)"},
	"vmNics": {"after_enable": "NIC settings: static IPs, NSGs, load balancers, public IPs (PATCH: -UpdateNic)"},
	"autoProtectionOfDataDisk": {
		"dropped": concat(" ", [
			"not in the create input of the CLI (api-version 2022-08-01) or the PowerShell help; set it again in the",
			"portal or by REST if it was Enabled",
		]),
	},
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
	"unprotectedDisks": {
		"dropped": concat(" ", [
			"disks left out before are left out again only if they are not on the VM: the runbook protects every disk",
			"the VM has",
		]),
	},
	"vmManagedDisksDetails": {"dropped": "same as protectedManagedDisks"},
	"lastRecoveryPointReceived": {"dropped": "state, not a setting"},
	"churnOptionSelected": {
		"dropped": "not in the create input of the CLI (api-version 2022-08-01); set it again if High Churn was chosen",
	},
	"autoProtectionOfDataDiskStatus": {"dropped": "state of autoProtectionOfDataDisk"},
}

# METADATA
# title: Disk mapping
# description: |
#   Per disk (protectedManagedDisks[] -> vm-managed-disks[] / New-...DiskReplicationConfig).
#   required: a mandatory parameter in the PowerShell help (a runbook fails if the item lacks it).
disk_mapping := {
	"diskId": {"cli": "disk-id", "ps": "DiskId", "note": "taken from the VM after the change, never from the old item"},
	"primaryStagingAzureStorageAccountId": {
		"cli": "primary-staging-azure-storage-account-id",
		"ps": "LogStorageAccountId",
		"required": true,
	},
	"recoveryResourceGroupId": {"cli": "recovery-resource-group-id", "ps": "RecoveryResourceGroupId", "required": true},
	"recoveryReplicaDiskAccountType": {
		"cli": "recovery-replica-disk-account-type",
		"ps": "RecoveryReplicaDiskAccountType",
		"required": true,
	},
	"recoveryTargetDiskAccountType": {
		"cli": "recovery-target-disk-account-type",
		"ps": "RecoveryTargetDiskAccountType",
		"required": true,
	},
	"recoveryDiskEncryptionSetId": {"cli": "recovery-disk-encryption-set-id", "ps": "RecoveryDiskEncryptionSetId"},
}
