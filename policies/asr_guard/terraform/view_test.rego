package asr_guard.terraform_test

# Tests of view.rego: the entries a plan gives the view (plan, change, vm, disk_id, attachment
# and attach_config are in terraform_test.rego, the same package).

unchanged_disk := change(
	"azurerm_managed_disk.data",
	"azurerm_managed_disk",
	["no-op"],
	{"id": disk_id, "create_option": "Copy"},
	{"id": disk_id, "create_option": "Copy"},
)

# A new attachment of a disk and a VM that stay: the attachment names both.
attaching_plan := with_config(
	plan([vm(["no-op"]), unchanged_disk, attachment("azurerm_virtual_machine_data_disk_attachment.a", null)]),
	[attach_config(
		"azurerm_virtual_machine_data_disk_attachment.a",
		["azurerm_managed_disk.data.id", "azurerm_managed_disk.data"],
	)],
)

test_changes_are_the_entries_of_the_acting_resource_changes if {
	changes := data.asr_guard.terraform.changes with input as attaching_plan
	[[e.type, e.key, e.action] | some e in changes] == [[
		"attachment",
		"azurerm_virtual_machine_data_disk_attachment.a",
		"create",
	]]
	nothing_acts := data.asr_guard.terraform.changes with input as plan([vm(["no-op"]), unchanged_disk])
	nothing_acts == []
}

test_linked_are_the_unchanged_entries_a_change_names if {
	linked := data.asr_guard.terraform.linked with input as attaching_plan
	[[e.type, e.key, e.action] | some e in linked] == [
		["vm", "azurerm_linux_virtual_machine.app", "no-op"],
		["disk", "azurerm_managed_disk.data", "no-op"],
	]
	unnamed := data.asr_guard.terraform.linked with input as plan([vm(["update"]), unchanged_disk])
	unnamed == []
}

test_a_plan_leaves_nothing_undecided_and_states_no_auto_protection if {
	# Unknown values are in each entry's `unknown`; a plan has no auto-protection setting.
	undecided := data.asr_guard.terraform.undecided with input as attaching_plan
	undecided == []
	auto := data.asr_guard.terraform.auto_protect_vm_ids with input as plan([vm(["update"]), item(["no-op"])])
	auto == set()
}

test_the_view_of_a_plan if {
	v := data.asr_guard.terraform.view with input as attaching_plan
	v.kind == "terraform-plan"
	[e.key | some e in v.resources] == [
		"azurerm_virtual_machine_data_disk_attachment.a",
		"azurerm_linux_virtual_machine.app",
		"azurerm_managed_disk.data",
	]
	v.replication.vm_ids == []
	replicated := data.asr_guard.terraform.view with input as plan([vm(["update"]), item(["no-op"])])
	replicated.replication.vm_ids == [lower(vm_id)]
	not data.asr_guard.terraform.view with input as {"status": "Succeeded", "changes": []}
}
