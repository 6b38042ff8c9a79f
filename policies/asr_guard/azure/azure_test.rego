package asr_guard.azure_test

import data.asr_guard.azure

# (Functions are called by full path: the embedded engine resolves none through an import.)

vm := {
	"type": "Microsoft.Compute/virtualMachines",
	"properties": {"storageProfile": {
		"osDisk": {"managedDisk": {"id": "/Disks/OS"}},
		"dataDisks": [
			{"lun": 0, "createOption": "Attach", "managedDisk": {"id": "/Disks/D0"}},
			{"lun": 1, "createOption": "Copy", "sourceResource": {"id": "/Snapshots/S"}},
		],
	}},
}

test_type_of_a_nested_resource_id if {
	data.asr_guard.azure.type_of_id("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/i") == azure.replicated_item_type
	data.asr_guard.azure.type_of_id("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm") == azure.vm_type
	not data.asr_guard.azure.type_of_id("/subscriptions/s")
}

test_os_disk_and_data_disks_of_a_vm_payload if {
	data.asr_guard.azure.os_disk_id(vm) == "/disks/os"
	data.asr_guard.azure.data_disks(vm) == [
		{"lun": 0, "id": "/disks/d0", "create_option": "Attach", "source": null},
		{"lun": 1, "id": null, "create_option": "Copy", "source": "/snapshots/s"},
	]
}

test_payload_without_properties_has_no_disks if {
	data.asr_guard.azure.data_disks({}) == []
	data.asr_guard.azure.data_disks({"properties": "<unresolved: x>"}) == []
	not data.asr_guard.azure.os_disk_id(null)
}

test_replicated_item_names_vm_and_disks if {
	item := {"properties": {"providerSpecificDetails": {
		"fabricObjectId": "/VM",
		"vmManagedDisks": [{"diskId": "/D1"}, {"other": 1}],
	}}}
	data.asr_guard.azure.item_vm_id(item) == "/vm"
	data.asr_guard.azure.item_disk_ids(item) == {"/d1"}
	not data.asr_guard.azure.item_vm_id({"properties": {}})
}

test_disk_create_option if {
	data.asr_guard.azure.disk_create_option({"properties": {"creationData": {"createOption": "Restore"}}}) == "Restore"
	data.asr_guard.azure.disk_create_option({}) == null
}

disk(option) := {"type": "Microsoft.Compute/disks", "properties": {"creationData": {"createOption": option}}}

test_restored_create_options_of_disk_payloads if {
	data.asr_guard.azure.restored_create_options([disk("Restore"), disk("Empty"), disk("copy"), null, "<unresolved: x>"]) == {"Restore", "copy"}
	data.asr_guard.azure.restored_create_options({disk("Attach")}) == set()
}

test_created_with_names_the_options_in_order if {
	data.asr_guard.azure.created_with({"Restore", "Copy"}) == "created with createOption Copy, Restore"
}
