package asr_guard.terraform_test

# Tests of links.rego: an id in the plan, or one known only after apply, as a link to entries.

test_a_known_id_links_to_the_entries_with_that_id if {
	p := plan([
		change("azurerm_managed_disk.data", "azurerm_managed_disk", ["no-op"], {"id": disk_id}, {"id": disk_id}),
		change(
			"azurerm_virtual_machine_data_disk_attachment.a",
			"azurerm_virtual_machine_data_disk_attachment",
			["create"],
			null,
			{"virtual_machine_id": vm_id, "managed_disk_id": upper(disk_id), "lun": 1},
		),
	])
	changes := data.asr_guard.terraform.changes with input as p
	[e.after.disk | some e in changes] == [{
		"ids": [lower(disk_id)],
		"keys": ["azurerm_managed_disk.data"],
		"unresolved": [],
	}]
	other := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/other"
	elsewhere := plan([change(
		"azurerm_virtual_machine_data_disk_attachment.a",
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "managed_disk_id": other, "lun": 1},
	)])
	unlinked := data.asr_guard.terraform.changes with input as elsewhere
	[e.after.disk | some e in unlinked] == [{"ids": [lower(other)], "keys": [], "unresolved": []}]
}

test_an_id_known_after_apply_is_followed_through_references_or_left_open if {
	p := plan([attachment("azurerm_virtual_machine_data_disk_attachment.a", null)])
	changes := data.asr_guard.terraform.changes with input as p
	[[e.after.disk, e.unknown] | some e in changes] == [[{"ids": [], "keys": [], "unresolved": []}, ["disk"]]]
	local_ref := attach_config("azurerm_virtual_machine_data_disk_attachment.a", ["local.disk_id"])
	through_local := with_config(p, [local_ref])
	open := data.asr_guard.terraform.changes with input as through_local
	[e.after.disk.unresolved | some e in open] == [[concat("", [
		"local.disk_id, a local value ",
		"(plans do not carry local values)",
	])]]
}

test_the_target_block_of_a_reference if {
	data.asr_guard.terraform._ref_target("azurerm_managed_disk.data[\"a\"].id") == "azurerm_managed_disk.data"
	not data.asr_guard.terraform._ref_target("var.disk_id")
	keyed := "module.m[0].azurerm_managed_disk.d[\"x\"]"
	data.asr_guard.terraform._strip_keys(keyed) == "module.m.azurerm_managed_disk.d"
	data.asr_guard.terraform._strip_keys("azurerm_managed_disk.d") == "azurerm_managed_disk.d"
}
