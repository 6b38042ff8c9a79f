package asr_guard.terraform_test

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

disk_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/data1"

plan(changes) := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}

change(address, type, actions, before, after) := {
	"address": address,
	"mode": "managed",
	"type": type,
	"name": split(address, ".")[1],
	"change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
}

vm(actions) := change(
	"azurerm_linux_virtual_machine.app",
	"azurerm_linux_virtual_machine",
	actions,
	{"id": vm_id, "name": "vm1"},
	{"name": "vm1"},
)

item(actions) := change(
	"azurerm_site_recovery_replicated_vm.app",
	"azurerm_site_recovery_replicated_vm",
	actions,
	{"id": "item", "source_vm_id": vm_id, "managed_disk": [{"disk_id": disk_id}]},
	{"source_vm_id": vm_id, "managed_disk": [{"disk_id": disk_id}]},
)

disk(address, option) := change(address, "azurerm_managed_disk", ["create"], null, {"create_option": option})

attachment(address, disk_ref) := object.union(
	change(
		address,
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "lun": 1},
	),
	{"change": {
		"actions": ["create"],
		"before": null,
		"after": {"virtual_machine_id": vm_id, "lun": 1},
		"after_unknown": {"managed_disk_id": true},
	}},
)

with_config(p, resources) := object.union(p, {"configuration": {"root_module": {"resources": resources}}})

attach_config(address, refs) := {
	"address": address,
	"mode": "managed",
	"expressions": {"managed_disk_id": {"references": refs}},
}

rule_ids(findings) := sort([f.rule_id | some f in findings])

test_input_that_is_not_a_plan_gives_no_findings if {
	r1 := data.asr_guard.terraform.findings with input as {"resources": []}
	count(r1) == 0
	not data.asr_guard.terraform.is_plan with input as {"format_version": "1.2"}
}

test_replaced_replicated_vm_is_denied if {
	r2 := data.asr_guard.terraform.findings with input as plan([vm(["delete", "create"]), item(["no-op"])])
	rule_ids(r2) == ["ASR004"]
}

test_create_before_destroy_replace_is_denied if {
	r3 := data.asr_guard.terraform.findings with input as plan([vm(["create", "delete"]), item(["no-op"])])
	rule_ids(r3) == ["ASR004"]
}

test_replaced_vm_without_replication_passes if {
	r4 := data.asr_guard.terraform.findings with input as plan([vm(["delete", "create"])])
	count(r4) == 0
}

test_updated_replicated_vm_passes if {
	r5 := data.asr_guard.terraform.findings with input as plan([vm(["update"]), item(["no-op"])])
	count(r5) == 0
}

test_replace_with_replicated_item_recreated_is_the_workaround if {
	reenabled := object.union(
		item(["delete", "create"]),
		{"change": {"after": {}, "after_unknown": {"source_vm_id": true}}},
	)
	p := with_config(plan([vm(["delete", "create"]), reenabled]), [{
		"address": "azurerm_site_recovery_replicated_vm.app",
		"mode": "managed",
		"expressions": {"source_vm_id": {"references": [
			"azurerm_linux_virtual_machine.app.id",
			"azurerm_linux_virtual_machine.app",
		]}},
	}])
	findings := data.asr_guard.terraform.findings with input as p
	[[f.rule_id, f.severity] | some f in findings] == [["ASR009", "info"]]
}

test_inventory_marks_a_vm_replicated_case_insensitively if {
	findings := data.asr_guard.terraform.findings with input as plan([vm(["delete", "create"])])
		with data.asr_guard.inventory as {"replicated_vms": [upper(vm_id)]}
	rule_ids(findings) == ["ASR004"]
}

test_replication_evidence_in_prior_state_child_modules if {
	p := object.union(plan([vm([
		"delete",
		"create",
	])]), {"prior_state": {"values": {"root_module": {"child_modules": [{"child_modules": [{"resources": [{
		"address": "module.a.module.b.azurerm_site_recovery_replicated_vm.x",
		"mode": "managed",
		"type": "azurerm_site_recovery_replicated_vm",
		"values": {"source_vm_id": vm_id},
	}]}]}]}}}})
	r6 := data.asr_guard.terraform.findings with input as p
	rule_ids(r6) == ["ASR004"]
}

test_deleted_replicated_vm_is_denied if {
	r7 := data.asr_guard.terraform.findings with input as plan([vm(["delete"]), item(["no-op"])])
	rule_ids(r7) == ["ASR005"]
}

test_vm_deleted_with_its_replicated_item_passes if {
	r8 := data.asr_guard.terraform.findings with input as plan([vm(["delete"]), item(["delete"])])
	count(r8) == 0
}

test_replication_removed_from_a_vm_that_stays_warns if {
	findings := data.asr_guard.terraform.findings with input as plan([vm(["no-op"]), item(["delete"])])
	[[f.rule_id, f.severity] | some f in findings] == [["ASR008", "warn"]]
}

test_restored_disk_attached_by_reference_is_denied if {
	p := with_config(
		plan([
			vm(["no-op"]),
			item(["no-op"]),
			disk("azurerm_managed_disk.r", "Restore"),
			attachment("azurerm_virtual_machine_data_disk_attachment.r", []),
		]),
		[attach_config(
			"azurerm_virtual_machine_data_disk_attachment.r",
			["azurerm_managed_disk.r.id", "azurerm_managed_disk.r"],
		)],
	)
	r9 := data.asr_guard.terraform.findings with input as p
	rule_ids(r9) == ["ASR002"]
}

test_restored_disk_on_a_vm_that_is_not_replicated_passes if {
	p := with_config(
		plan([
			vm(["no-op"]),
			disk("azurerm_managed_disk.r", "Restore"),
			attachment("azurerm_virtual_machine_data_disk_attachment.r", []),
		]),
		[attach_config(
			"azurerm_virtual_machine_data_disk_attachment.r",
			["azurerm_managed_disk.r.id", "azurerm_managed_disk.r"],
		)],
	)
	r10 := data.asr_guard.terraform.findings with input as p
	count(r10) == 0
}

test_new_empty_disk_not_in_the_replicated_item_warns if {
	p := with_config(
		plan([
			vm(["no-op"]),
			item(["no-op"]),
			disk("azurerm_managed_disk.e", "Empty"),
			attachment("azurerm_virtual_machine_data_disk_attachment.e", []),
		]),
		[attach_config(
			"azurerm_virtual_machine_data_disk_attachment.e",
			["azurerm_managed_disk.e.id", "azurerm_managed_disk.e"],
		)],
	)
	findings := data.asr_guard.terraform.findings with input as p
	[[f.rule_id, f.severity] | some f in findings] == [["ASR007", "warn"]]
}

test_attached_disk_already_in_the_replicated_item_passes if {
	known := object.union(
		change(
			"azurerm_virtual_machine_data_disk_attachment.d",
			"azurerm_virtual_machine_data_disk_attachment",
			["create"],
			null,
			{},
		),
		{"change": {"after": {"virtual_machine_id": vm_id, "managed_disk_id": disk_id}}},
	)
	r11 := data.asr_guard.terraform.findings with input as plan([vm(["no-op"]), item(["no-op"]), known])
	count(r11) == 0
}

test_count_index_reference_picks_the_instance_with_the_same_key if {
	restored := object.union(disk("azurerm_managed_disk.d[0]", "Copy"), {"name": "d", "index": 0})
	empty := object.union(disk("azurerm_managed_disk.d[1]", "Empty"), {"name": "d", "index": 1})
	attach := object.union(
		attachment("azurerm_virtual_machine_data_disk_attachment.a[1]", []),
		{"name": "a", "index": 1},
	)
	p := with_config(
		plan([vm(["no-op"]), item(["no-op"]), restored, empty, attach]),
		[attach_config("azurerm_virtual_machine_data_disk_attachment.a", ["azurerm_managed_disk.d", "count.index"])],
	)
	r12 := data.asr_guard.terraform.findings with input as p
	rule_ids(r12) == ["ASR007"]
}

test_keyless_reference_without_own_key_means_every_instance if {
	restored := object.union(disk("azurerm_managed_disk.d[0]", "Copy"), {"name": "d", "index": 0})
	empty := object.union(disk("azurerm_managed_disk.d[1]", "Empty"), {"name": "d", "index": 1})
	p := with_config(
		plan([
			vm(["no-op"]),
			item(["no-op"]),
			restored,
			empty,
			attachment("azurerm_virtual_machine_data_disk_attachment.a", []),
		]),
		[attach_config("azurerm_virtual_machine_data_disk_attachment.a", ["azurerm_managed_disk.d"])],
	)
	r13 := data.asr_guard.terraform.findings with input as p
	rule_ids(r13) == ["ASR002"]
}

test_implicit_data_disk_from_a_snapshot_is_denied if {
	implicit := change(
		"azurerm_virtual_machine_implicit_data_disk_from_source.s",
		"azurerm_virtual_machine_implicit_data_disk_from_source",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "create_option": "Copy", "source_resource_id": "/snap"},
	)
	r14 := data.asr_guard.terraform.findings with input as plan([vm(["no-op"]), item(["no-op"]), implicit])
	rule_ids(r14) == ["ASR002"]
	r15 := data.asr_guard.terraform.findings with input as plan([vm(["no-op"]), implicit])
	count(r15) == 0
}

test_os_disk_swap_is_denied if {
	swapped := change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["update"],
		{"id": vm_id, "os_managed_disk_id": "/disks/os1"},
		{"id": vm_id, "os_managed_disk_id": "/disks/os2"},
	)
	r16 := data.asr_guard.terraform.findings with input as plan([swapped, item(["no-op"])])
	rule_ids(r16) == ["ASR006"]
}

test_os_disk_unchanged_passes if {
	same := change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["update"],
		{"id": vm_id, "os_managed_disk_id": "/disks/os1"},
		{"id": vm_id, "os_managed_disk_id": "/DISKS/OS1", "size": "B2"},
	)
	r17 := data.asr_guard.terraform.findings with input as plan([same, item(["no-op"])])
	count(r17) == 0
}

test_legacy_vm_os_disk_swapped_for_a_restored_disk_is_a_disk_restore if {
	legacy := object.union(
		change(
			"azurerm_virtual_machine.app",
			"azurerm_virtual_machine",
			["update"],
			{"id": vm_id, "storage_os_disk": [{"managed_disk_id": "/disks/os1"}]},
			{"id": vm_id, "storage_os_disk": [{}]},
		),
		{"change": {"after_unknown": {"storage_os_disk": [{"managed_disk_id": true}]}}},
	)
	p := with_config(plan([legacy, item(["no-op"]), disk("azurerm_managed_disk.r", "Restore")]), [{
		"address": "azurerm_virtual_machine.app",
		"mode": "managed",
		"expressions": {"storage_os_disk": [{"managed_disk_id": {"references": [
			"azurerm_managed_disk.r.id",
			"azurerm_managed_disk.r",
		]}}]},
	}])
	r18 := data.asr_guard.terraform.findings with input as p
	rule_ids(r18) == ["ASR002"]
}

test_legacy_vm_new_storage_data_disk_is_checked if {
	before := {"id": vm_id, "storage_data_disk": []}
	after := {"id": vm_id, "storage_data_disk": [{"managed_disk_id": "/disks/new", "create_option": "Attach"}]}
	legacy := change("azurerm_virtual_machine.app", "azurerm_virtual_machine", ["update"], before, after)
	r19 := data.asr_guard.terraform.findings with input as plan([legacy, item(["no-op"])])
	rule_ids(r19) == ["ASR007"]
	r20 := data.asr_guard.terraform.findings with input as plan([legacy])
	count(r20) == 0
}

test_pointer_counts_every_change_before_the_one_found if {
	other := change("azurerm_resource_group.rg", "azurerm_resource_group", ["update"], {}, {})
	disk_change := change("azurerm_managed_disk.d", "azurerm_managed_disk", ["no-op"], {"id": disk_id}, {"id": disk_id})
	findings := data.asr_guard.terraform.findings with input as plan([
		other,
		item(["no-op"]),
		disk_change,
		vm(["delete", "create"]),
	])
	[f.pointer | some f in findings] == ["/resource_changes/3"]
}

test_changes_that_only_read_or_forget_raise_nothing if {
	r21 := data.asr_guard.terraform.findings with input as plan([vm(["forget"]), item(["no-op"])])
	count(r21) == 0
	r22 := data.asr_guard.terraform.findings with input as plan([vm(["read"]), item(["read"])])
	count(r22) == 0
}

deposed(rc, key) := object.union(rc, {"deposed": key})

test_a_deposed_replicated_vm_deleted_beside_its_current_object if {
	old_vm := deposed(change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["delete"],
		{"id": vm_id},
		null,
	), "abc123")
	current := change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["update"],
		{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm2"},
		{},
	)
	findings := data.asr_guard.terraform.findings with input as plan([current, old_vm, item(["no-op"])])
	[[f.rule_id, f.pointer] | some f in findings] == [["ASR005", "/resource_changes/1"]]
	some f in findings
	contains(f.message, "azurerm_linux_virtual_machine.app (deposed object abc123) is deleted")
}

test_one_vm_id_under_two_addresses_is_labelled_with_both if {
	# A VM moved to another resource type: imported under the new one, the old one forgotten.
	moved_from := change(
		"azurerm_virtual_machine.old",
		"azurerm_virtual_machine",
		["forget"],
		{"id": upper(vm_id)},
		null,
	)
	moved_to := change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["no-op"],
		{"id": vm_id},
		{"id": vm_id},
	)
	findings := data.asr_guard.terraform.findings with input as plan([moved_from, moved_to, item(["delete"])])
	[f.rule_id | some f in findings] == ["ASR008"]
	some f in findings
	contains(f.message, concat("", [
		"VM azurerm_linux_virtual_machine.app, azurerm_virtual_machine.old (",
		lower(vm_id),
		")",
	]))
}

test_one_disk_id_under_two_addresses if {
	restored := change(
		"azurerm_managed_disk.restored",
		"azurerm_managed_disk",
		["no-op"],
		{"id": disk_id, "create_option": "Restore"},
		{"id": disk_id, "create_option": "Restore"},
	)
	imported := change(
		"azurerm_managed_disk.imported",
		"azurerm_managed_disk",
		["no-op"],
		{"id": upper(disk_id)},
		{"id": upper(disk_id)},
	)
	attach := change(
		"azurerm_virtual_machine_data_disk_attachment.a",
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "managed_disk_id": disk_id, "lun": 1},
	)
	r23 := data.asr_guard.terraform.findings with input as plan([restored, imported, attach, item(["no-op"])])
	rule_ids(r23) == ["ASR002"]
}
