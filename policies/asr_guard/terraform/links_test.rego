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

# Ids with several keys (a disk both managed and read by a data source, ids that differ in
# case) link to every one of them; the index of ids with one key each gives the same links.
test_an_id_with_several_keys_links_to_each if {
	attach := change(
		"azurerm_virtual_machine_data_disk_attachment.a",
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "managed_disk_id": disk_id, "lun": 1},
	)
	managed := change("azurerm_managed_disk.data", "azurerm_managed_disk", ["no-op"], {"id": disk_id}, {"id": disk_id})
	upper_id := {"id": upper(disk_id)}
	copy := change("azurerm_managed_disk.copy", "azurerm_managed_disk", ["no-op"], upper_id, upper_id)
	read := object.union(plan([attach, managed]), {"prior_state": {"values": {"root_module": {"resources": [{
		"address": "data.azurerm_managed_disk.data",
		"mode": "data",
		"type": "azurerm_managed_disk",
		"values": {"id": disk_id},
	}]}}}})
	twice := data.asr_guard.terraform.changes with input as plan([attach, managed, copy])
	[e.after.disk.keys | some e in twice] == [["azurerm_managed_disk.copy", "azurerm_managed_disk.data"]]
	with_data := data.asr_guard.terraform.changes with input as read
	[e.after.disk.keys | some e in with_data] == [["azurerm_managed_disk.data", "data.azurerm_managed_disk.data"]]
	once := data.asr_guard.terraform.changes with input as plan([attach, managed])
	[e.after.disk.keys | some e in once] == [["azurerm_managed_disk.data"]]
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
