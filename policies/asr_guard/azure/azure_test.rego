package asr_guard.azure_test

# (Functions are called by full path: the embedded engine resolves none through an import.)

vm_id := "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm"

vm := {
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm",
	"properties": {
		"storageProfile": {
			"osDisk": {"managedDisk": {"id": "/Disks/OS"}, "writeAcceleratorEnabled": true},
			"dataDisks": [
				{"lun": 0, "createOption": "Attach", "managedDisk": {"id": "/Disks/D0"}},
				{"lun": 1, "createOption": "Copy", "sourceResource": {"id": "/Snapshots/S"}},
			],
			"diskControllerType": "NVMe",
		},
		"securityProfile": {"encryptionAtHost": true},
		"networkProfile": {"networkInterfaces": [{"id": "/NICs/N1"}]},
	},
}

test_type_of_a_nested_resource_id if {
	item_id := concat("", [
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v",
		"/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/i",
	])
	data.asr_guard.azure.type_of_id(item_id) == data.asr_guard.azure.replicated_item_type
	data.asr_guard.azure.type_of_id(vm_id) == data.asr_guard.azure.vm_type
	not data.asr_guard.azure.type_of_id("/subscriptions/s")
}

test_vm_payload_in_view_attributes if {
	v := data.asr_guard.azure._vm(vm, vm_id, {"/disks/os"})
	v.id == lower(vm_id)
	v.resource_group == "rg"
	v.os_disk == {"ids": ["/disks/os"], "keys": ["/disks/os"], "unresolved": []}
	v.nics == ["/nics/n1"]
	v.encryption_at_host == true
	v.disk_controller == "NVMe"
	v.os_write_accelerator == true
}

test_data_disks_of_a_vm_payload if {
	link := {"ids": [lower(vm_id)], "keys": [], "unresolved": []}
	[[
		d.lun,
		d.disk.ids,
		d.create_option,
		d.source_id,
	] | some d in data.asr_guard.azure.data_disks(vm, link, set())] == [
		[0, ["/disks/d0"], "Attach", null],
		[1, [], "Copy", "/snapshots/s"],
	]
	data.asr_guard.azure.data_disks(
		{"properties": {"storageProfile": {"dataDisks": "<unresolved: x>"}}},
		link,
		set(),
	) == []
}

test_unresolved_ids_are_links_to_nothing_known if {
	data.asr_guard.azure.link("<unresolved: parameter 'x' has no value>", set()) == {
		"ids": [],
		"keys": [],
		"unresolved": ["an id not known before deployment (parameter 'x' has no value)"],
	}
	data.asr_guard.azure.link(null, set()) == null
}

test_item_protected_disks_in_either_shape if {
	enable := {"properties": {"providerSpecificDetails": {
		"fabricObjectId": vm_id,
		"vmManagedDisks": [{"diskId": "/Disks/D0"}],
	}}}
	existing := {"properties": {"providerSpecificDetails": {
		"fabricObjectId": vm_id,
		"protectedManagedDisks": [{"diskId": "/Disks/D1", "primaryStagingAzureStorageAccountId": "/Accounts/Cache"}],
		"autoProtectionOfDataDisk": "Enabled",
	}}}
	a := data.asr_guard.azure.item(enable, "/items/i", set())
	a.vm.ids == [lower(vm_id)]
	[d.disk.ids | some d in a.disks] == [["/disks/d0"]]
	a.auto_protect == null
	b := data.asr_guard.azure.item(existing, "/items/i", set())
	[[d.disk.ids, d.cache.ids] | some d in b.disks] == [[["/disks/d1"], ["/accounts/cache"]]]
	b.auto_protect == true
}

test_disk_payload if {
	d := data.asr_guard.azure._disk({"sku": {"name": "PremiumV2_LRS"}, "properties": {
		"creationData": {"createOption": "Restore", "sourceResourceId": "/RP"},
		"diskSizeGB": 512,
		"maxShares": 2,
	}}, "/x/disks/d")
	[d.create_option, d.source_id, d.size_gb, d.sku, d.max_shares] == ["Restore", "/rp", 512, "PremiumV2_LRS", 2]
}

test_storage_account_and_blob_services if {
	a := data.asr_guard.azure._account(
		{"properties": {
			"allowSharedKeyAccess": false,
			"networkAcls": {"defaultAction": "Deny", "bypass": "Logging, AzureServices"},
		}},
		"/x/storageAccounts/a",
	)
	[a.shared_key, a.default_action, a.azure_services_bypass] == [false, "Deny", true]
	b := data.asr_guard.azure._blob_services(
		{"properties": {"deleteRetentionPolicy": {"enabled": true}}},
		"/x/storageAccounts/a/blobServices/default",
	)
	[b.id, b.blob_soft_delete] == ["/x/storageaccounts/a", true]
}

test_attachment_changes_by_disk_id_or_lun if {
	d0 := {"lun": 0, "disk": {"ids": ["/d0"]}}
	d1 := {"lun": 1, "disk": {"ids": ["/d1"]}}
	new_at_lun2 := {"lun": 2, "disk": {"ids": []}}
	data.asr_guard.azure.attachment_changes([d0, d1], [d0, new_at_lun2]) == [["create", new_at_lun2], ["delete", d1]]
}

# Azure Resource Manager binds property names without regard to case: "DataDisks" is dataDisks.
vm_other_case := {
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm",
	"Properties": {"StorageProfile": {
		"OSDisk": {"ManagedDisk": {"ID": "/Disks/OS"}},
		"DataDisks": [{"LUN": 1, "CreateOption": "Attach", "managedDisk": {"Id": "/Disks/D1"}}],
	}},
}

test_property_names_are_read_without_regard_to_case if {
	v := data.asr_guard.azure._vm(vm_other_case, vm_id, {"/disks/d1"})
	v.os_disk.ids == ["/disks/os"]
	v.data_disk_count == 1
	disks := data.asr_guard.azure.data_disks(vm_other_case, null, {"/disks/d1"})
	disks == [{
		"vm": null, "lun": 1, "create_option": "Attach", "source_id": null, "write_accelerator": null,
		"disk": {"ids": ["/disks/d1"], "keys": ["/disks/d1"], "unresolved": []},
	}]
	d := data.asr_guard.azure._disk({"properties": {"CreationData": {"createOption": "Restore"}}}, "/Disks/R")
	d.create_option == "Restore"
}

test_exact_property_names_still_read if {
	data.asr_guard.azure.get({"a": {"b": 1}}, ["a", "b"]) == 1
	data.asr_guard.azure.get({"a": {"b": 1}}, "a") == {"b": 1}
	data.asr_guard.azure.get({"A": {"B": [2]}}, ["a", "b"]) == [2]
	data.asr_guard.azure.get({"A": {"B": {"C": {"D": {"E": 5}}}}}, ["a", "b", "c", "d", "e"]) == 5
}

# Two keys that differ only in case: which one Azure reads is not known, so neither is read.
test_keys_that_differ_only_in_case_are_not_guessed if {
	data.asr_guard.azure.get({"Lun": 1, "LUN": 2}, "lun") == null
	data.asr_guard.azure.get({"Lun": 1, "LUN": 2}, "Lun") == 1
	data.asr_guard.azure.get({"x": 1}, ["y", "z"]) == null
	data.asr_guard.azure.get(null, ["y"]) == null
	data.asr_guard.azure.get("text", "y") == null
}

# A template as `asr-guard resolve` writes it has its names in the REST API spelling already
# (validator/arm.py): a name in another spelling is not looked for. A template not read that
# way (opa eval on a raw document) is read without regard to case.
test_a_resolved_template_is_not_folded if {
	resolved := {"asr_guard": {"resolved": true}, "resources": []}
	not_folded := data.asr_guard.azure.get({"A": 1}, "a") with input as resolved
	not_folded == null
	exact := data.asr_guard.azure.get({"a": 1}, "a") with input as resolved
	exact == 1
	folded := data.asr_guard.azure.get({"A": 1}, "a") with input as {"resources": []}
	folded == 1
}
