package asr_guard.terraform_test

# Tests of attributes.rego: the view attributes of each resource type a plan carries.

test_disk_attributes_from_the_values_of_a_managed_disk if {
	d := data.asr_guard.terraform._disk({
		"id": upper(disk_id),
		"resource_group_name": "RG",
		"create_option": "Copy",
		"source_resource_id": "/Snapshots/S",
		"disk_size_gb": 1024,
		"storage_account_type": "PremiumV2_LRS",
		"max_shares": 2,
	})
	[d.id, d.resource_group, d.create_option, d.source_id, d.size_gb, d.sku, d.max_shares] == [
		lower(disk_id), "rg", "Copy", "/snapshots/s", 1024, "PremiumV2_LRS", 2,
	]
	data.asr_guard.terraform._disk(null) == null
}

test_vm_attributes_in_the_entry_of_a_vm_change if {
	values := {
		"id": vm_id,
		"name": "vm1",
		"resource_group_name": "RG",
		"os_managed_disk_id": "/Disks/OS",
		"network_interface_ids": ["/NICs/N1"],
		"encryption_at_host_enabled": true,
	}
	p := plan([change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["update"],
		values,
		values,
	)])
	changes := data.asr_guard.terraform.changes with input as p
	[e.after | some e in changes; e.type == "vm"] == [e.before | some e in changes; e.type == "vm"]
	some e in changes
	[e.after.id, e.after.resource_group, e.after.nics, e.after.os_disk.ids, e.after.encryption_at_host] == [
		lower(vm_id), "rg", ["/nics/n1"], ["/disks/os"], true,
	]
	new_vm := change("azurerm_linux_virtual_machine.app", "azurerm_linux_virtual_machine", ["create"], null, values)
	created := data.asr_guard.terraform.changes with input as plan([new_vm])
	[[c.before, c.after.name] | some c in created] == [[null, "vm1"]]
}

test_storage_account_helpers_read_lists_only if {
	data.asr_guard.terraform._bypass(["Logging", "AzureServices"]) == true
	data.asr_guard.terraform._bypass(["Logging"]) == false
	data.asr_guard.terraform._bypass(null) == null
	data.asr_guard.terraform._soft_delete([{"days": 7}]) == true
	data.asr_guard.terraform._soft_delete([]) == false
	data.asr_guard.terraform._soft_delete(null) == null
}

test_extension_settings_are_read_from_json_text if {
	data.asr_guard.terraform._json_or_null("{\"EncryptionOperation\": \"EnableEncryption\"}") == {
		"EncryptionOperation": "EnableEncryption",
	}
	data.asr_guard.terraform._json_or_null("{not json") == null
	data.asr_guard.terraform._json_or_null(null) == null
}
