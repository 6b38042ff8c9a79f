package asr_guard.azure_test

# Tests of payloads.rego: what each Azure payload gives in the view (vm_id and vm are in
# azure_test.rego, the same package).

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

test_attributes_read_a_payload_by_its_type if {
	keys := {"/disks/os"}
	v := data.asr_guard.azure.attributes(data.asr_guard.azure.vm_type, vm, vm_id, keys)
	[v.id, v.os_disk.keys] == [lower(vm_id), ["/disks/os"]]
	d := data.asr_guard.azure.attributes(data.asr_guard.azure.disk_type, {"properties": {
		"creationData": {"createOption": "Empty"},
		"diskSizeGB": 128,
	}}, "/x/disks/d", set())
	[d.id, d.create_option, d.size_gb] == ["/x/disks/d", "Empty", 128]
	nic := data.asr_guard.azure.attributes(
		"microsoft.network/networkinterfaces",
		{"properties": {"virtualMachine": {"id": vm_id}}},
		"/x/networkInterfaces/n",
		set(),
	)
	nic.vm.ids == [lower(vm_id)]
	extension := data.asr_guard.azure.attributes(
		"microsoft.compute/virtualmachines/extensions",
		{"properties": {"publisher": "Microsoft.Azure.Security", "type": "AzureDiskEncryption"}},
		concat("", [vm_id, "/extensions/ade"]),
		set(),
	)
	[extension.vm.ids, extension.extension_type] == [[lower(vm_id)], "AzureDiskEncryption"]
}

test_attributes_of_no_payload_or_another_type_are_none if {
	data.asr_guard.azure.attributes(data.asr_guard.azure.vm_type, null, vm_id, set()) == null
	data.asr_guard.azure.attributes(data.asr_guard.azure.replicated_item_type, null, "/items/i", set()) == null
	not data.asr_guard.azure.attributes("microsoft.network/virtualnetworks", {"properties": {}}, "/x/v", set())
}

test_an_item_without_a_payload_is_none if {
	data.asr_guard.azure.item(null, "/items/i", set()) == null
	data.asr_guard.azure.item("<unresolved: x>", "/items/i", set()) == null
}

test_no_attachment_changes_when_the_disks_stay if {
	d0 := {"lun": 0, "disk": {"ids": ["/d0"]}}
	moved := {"lun": 3, "disk": {"ids": ["/d0"]}}
	data.asr_guard.azure.attachment_changes([d0], [moved]) == []
	data.asr_guard.azure.attachment_changes([], []) == []
}

test_data_disks_of_no_payload_are_none if {
	data.asr_guard.azure.data_disks(null, null, set()) == []
}
