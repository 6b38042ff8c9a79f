package asr_guard.remediation_test

# Tests of mapping.rego: every field of the recorded item is mapped or says why not, and the
# mapping reads the item as Azure returns it (a protected item GET, as in the what-if fixtures).

test_every_mapping_entry_is_mapped_or_says_why_not if {
	every m in data.asr_guard.remediation.enable_mapping {
		count({k | some k in ["from", "disks", "after_enable", "dropped"]; m[k]}) == 1
	}
}

rg := "/subscriptions/s1/resourceGroups"

recorded_item := {
	"id": concat("", [
		rg, "/dr/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f",
		"/replicationProtectionContainers/c/replicationProtectedItems/vm1",
	]),
	"name": "vm1",
	"properties": {
		"policyId": concat("", [rg, "/dr/providers/Microsoft.RecoveryServices/vaults/v/replicationPolicies/p"]),
		"providerSpecificDetails": {
			"instanceType": "A2A",
			"fabricObjectId": concat("", [rg, "/app/providers/Microsoft.Compute/virtualMachines/vm1"]),
			"protectedManagedDisks": [{
				"diskId": concat("", [rg, "/app/providers/Microsoft.Compute/disks/os"]),
				"primaryStagingAzureStorageAccountId": concat("", [
					rg,
					"/app/providers/Microsoft.Storage/storageAccounts/cache",
				]),
				"recoveryResourceGroupId": concat("", [rg, "/app-dr"]),
				"diskType": "Premium_LRS",
			}],
			"recoveryAzureResourceGroupId": concat("", [rg, "/app-dr"]),
			"autoProtectionOfDataDisk": "Disabled",
		},
	},
}

test_the_mapped_fields_of_a_recorded_item_are_read_where_azure_writes_them if {
	mapping := data.asr_guard.remediation.enable_mapping
	read := {name | some name, m in mapping; m.from; object.get(recorded_item, m.from, null) != null}
	read == {"policyId", "fabricObjectId", "recoveryAzureResourceGroupId"}
	every name, _ in recorded_item.properties.providerSpecificDetails {
		mapping[name]
	}
	not "noSuchField" in object.keys(mapping)
}

test_a_protected_disk_is_mapped_field_by_field if {
	mapping := data.asr_guard.remediation.disk_mapping
	every m in mapping {
		is_string(m.cli)
		is_string(m.ps)
	}
	disk := recorded_item.properties.providerSpecificDetails.protectedManagedDisks[0]
	mapped := {name | some name, _ in disk; mapping[name]}
	mapped == {"diskId", "primaryStagingAzureStorageAccountId", "recoveryResourceGroupId"}
	not "diskType" in object.keys(mapping)
	required := {name | some name, m in mapping; m.required}
	not "diskId" in required
	"primaryStagingAzureStorageAccountId" in required
}
