package asr_guard.whatif_test

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

item_id := concat("", [
	"/subscriptions/s1/resourceGroups/dr/providers/Microsoft.RecoveryServices/vaults/v",
	"/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/vm1",
])

disk_id(name) := concat("", ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/", name])

vm_payload(os, data_disks) := {"properties": {"storageProfile": {
	"osDisk": {"managedDisk": {"id": os}},
	"dataDisks": data_disks,
}}}

item_payload(disks) := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"vmManagedDisks": [{"diskId": d} | some d in disks],
}}}

change(id, type, before, after) := {"resourceId": id, "changeType": type, "before": before, "after": after}

result(changes) := {"status": "Succeeded", "changes": changes}

item_no_change := change(item_id, "NoChange", item_payload([disk_id("os")]), item_payload([disk_id("os")]))

rules(findings) := sort([[f.rule_id, f.severity] | some f in findings])

test_rest_result_envelope_is_read if {
	data.asr_guard.whatif.is_whatif with input as {"status": "Succeeded", "properties": {"changes": []}}
	not data.asr_guard.whatif.is_whatif with input as {"changes": [{"resourceId": 1}]}
}

test_deleting_a_replicated_vm_is_denied if {
	p := result([change(vm_id, "Delete", vm_payload(disk_id("os"), []), null), item_no_change])
	rules(data.asr_guard.whatif.findings) == [["ASR005", "deny"]] with input as p
}

test_deleting_a_vm_and_its_replicated_item_is_only_a_purge if {
	# Deleted together, the VM's replication is not left behind; but an ARM DELETE of the item
	# is a purge, not a clean disable.
	p := result([change(
		vm_id,
		"Delete",
		vm_payload(disk_id("os"), []),
		null,
	), change(item_id, "Delete", item_payload([]), null)])
	r1 := data.asr_guard.whatif.findings with input as p
	rules(r1) == [["ASR028", "warn"]]
}

test_creating_a_vm_the_inventory_lists_as_replicated_is_a_replace if {
	p := result([change(vm_id, "Create", null, vm_payload(disk_id("os"), []))])
	rules(data.asr_guard.whatif.findings) == [[
		"ASR004",
		"deny",
	]] with input as p with data.asr_guard.inventory as {"replicated_vms": [vm_id]}
	r2 := data.asr_guard.whatif.findings with input as p
	count(r2) == 0
}

test_os_disk_swap_is_denied_and_a_restored_one_is_a_disk_restore if {
	swap := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os2"), []))
	rules(data.asr_guard.whatif.findings) == [["ASR006", "deny"]] with input as result([swap, item_no_change])
	restored := change(
		disk_id("os2"),
		"Create",
		null,
		{"properties": {"creationData": {"createOption": "Copy", "sourceResourceId": "/snap"}}},
	)
	rules(data.asr_guard.whatif.findings) == [["ASR002", "deny"]] with input as result([swap, item_no_change, restored])
}

test_data_disk_from_a_restore_point_is_denied if {
	entry := {"lun": 3, "createOption": "Restore", "sourceResource": {"id": "/rp/disk"}}
	m := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os"), [entry]))
	rules(data.asr_guard.whatif.findings) == [["ASR002", "deny"]] with input as result([m, item_no_change])
	r3 := data.asr_guard.whatif.findings with input as result([m])
	count(r3) == 0
}

test_new_empty_disk_not_replicated_warns_and_a_replicated_one_passes if {
	entry := {"lun": 1, "createOption": "Attach", "managedDisk": {"id": disk_id("d1")}}
	m := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os"), [entry]))
	rules(data.asr_guard.whatif.findings) == [["ASR007", "warn"]] with input as result([m, item_no_change])
	protected := change(item_id, "Modify", item_payload([disk_id("os")]), item_payload([disk_id("os"), disk_id("d1")]))
	r4 := data.asr_guard.whatif.findings with input as result([m, protected])
	count(r4) == 0
	r5 := data.asr_guard.whatif.findings with input as result([m, item_no_change])
		with data.asr_guard.inventory as {"replicated_disks": [disk_id("d1")]}
	count(r5) == 0
}

test_unchanged_data_disks_are_not_new if {
	entry := {"lun": 1, "createOption": "Copy", "managedDisk": {"id": disk_id("d1")}}
	m := change(vm_id, "Modify", vm_payload(disk_id("os"), [entry]), vm_payload(disk_id("os"), [entry]))
	r6 := data.asr_guard.whatif.findings with input as result([m, item_no_change])
	count(r6) == 0
}

test_replicated_item_deleted_while_vm_stays_warns if {
	p := result([change(item_id, "Delete", item_payload([]), null)])
	rules(data.asr_guard.whatif.findings) == [["ASR008", "warn"], ["ASR028", "warn"]] with input as p
}

test_replicated_item_recreated_is_the_workaround if {
	swap := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os2"), []))
	old_item := change(item_id, "Delete", item_payload([]), null)
	new_item := change(concat("", [item_id, "-2"]), "Create", null, item_payload([disk_id("os2")]))
	rules(data.asr_guard.whatif.findings) == [["ASR009", "info"], ["ASR028", "warn"]] with input as result([
		swap,
		old_item,
		new_item,
	])
}

test_a_disk_whose_create_option_differs_before_and_after if {
	disk := disk_id("d")
	attached := vm_payload(disk_id("os"), [{"lun": 1, "createOption": "Attach", "managedDisk": {"id": disk}}])
	p := result([
		change(vm_id, "Modify", vm_payload(disk_id("os"), []), attached),
		change(
			disk,
			"Modify",
			{"properties": {"creationData": {"createOption": "Copy"}}},
			{"properties": {"creationData": {"createOption": "Restore"}}},
		),
		item_no_change,
	])
	findings := data.asr_guard.whatif.findings with input as p
	rules(findings) == [["ASR002", "deny"]]
	some f in findings
	contains(f.message, "created with createOption Copy, Restore")
}

# The view parts: an item that exists (protectedManagedDisks, as GET returns it) and a VM that
# gets a new data disk; the item's update adds that disk. (cache_id is in scenarios_test.rego.)
auto_protected_item(disks) := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"autoProtectionOfDataDisk": "Enabled",
	"protectedManagedDisks": disks,
}}}

staged(name) := {"diskId": disk_id(name), "primaryStagingAzureStorageAccountId": cache_id}

attach_d1 := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os"), [{
	"lun": 1,
	"createOption": "Attach",
	"managedDisk": {"id": disk_id("d1")},
}]))

item_kept := change(item_id, "NoChange", auto_protected_item([staged("os")]), auto_protected_item([staged("os")]))

item_grown := change(
	item_id,
	"Modify",
	auto_protected_item([staged("os")]),
	auto_protected_item([staged("os"), staged("d1")]),
)

unsupported := {
	"resourceId": disk_id("d9"),
	"changeType": "Unsupported",
	"unsupportedReason": "The resource's name is not known before deployment.",
}

deleted_vm := result([change(vm_id, "Delete", vm_payload(disk_id("os"), []), null)])

test_changes_are_the_acting_entries_and_linked_the_unchanged_ones if {
	p := result([attach_d1, item_kept])
	changes := data.asr_guard.whatif.changes with input as p
	attached := [[e.action, e.parent, e.after.lun, e.after.disk.ids] | some e in changes; e.type == "attachment"]
	attached == [["create", lower(vm_id), 1, [lower(disk_id("d1"))]]]
	[[e.type, e.key, e.action] | some e in changes; e.type != "attachment"] == [["vm", lower(vm_id), "update"]]
	linked := data.asr_guard.whatif.linked with input as p
	[[e.type, e.key, e.action] | some e in linked] == [["item", lower(item_id), "no-op"]]
	none_linked := data.asr_guard.whatif.linked with input as result([attach_d1])
	none_linked == []
	none_acting := data.asr_guard.whatif.changes with input as result([item_kept])
	none_acting == []
}

test_replication_of_the_items_before_and_after if {
	p := result([attach_d1, item_grown])
	vms := data.asr_guard.whatif.replicated_vm_ids with input as p
	vms == [lower(vm_id)]
	protected := data.asr_guard.whatif.protected_disk_ids with input as p
	protected == [lower(disk_id("os"))]
	enabled := data.asr_guard.whatif.enabled_disk_ids with input as p
	enabled == [lower(disk_id("d1")), lower(disk_id("os"))]
	cache := data.asr_guard.whatif.cache_account_ids with input as p
	cache == [lower(cache_id)]
	auto := data.asr_guard.whatif.auto_protect_vm_ids with input as p
	auto == [lower(vm_id)]
}

test_no_item_means_no_replication_in_the_input if {
	vms := data.asr_guard.whatif.replicated_vm_ids with input as deleted_vm
	protected := data.asr_guard.whatif.protected_disk_ids with input as deleted_vm
	enabled := data.asr_guard.whatif.enabled_disk_ids with input as deleted_vm
	cache := data.asr_guard.whatif.cache_account_ids with input as deleted_vm
	auto := data.asr_guard.whatif.auto_protect_vm_ids with input as deleted_vm
	[vms, protected, enabled, cache, auto] == [[], [], [], [], []]
	created_item := result([change(item_id, "Create", null, item_payload([disk_id("os")]))])
	new_vms := data.asr_guard.whatif.replicated_vm_ids with input as created_item
	new_vms == []
	new_enabled := data.asr_guard.whatif.enabled_disk_ids with input as created_item
	new_enabled == [lower(disk_id("os"))]
	not_auto := data.asr_guard.whatif.auto_protect_vm_ids with input as result([item_no_change])
	not_auto == []
}

test_what_if_names_no_disk_or_cache_account_by_a_configuration_key if {
	p := result([attach_d1, item_grown])
	disk_keys := data.asr_guard.whatif.protected_disk_keys with input as p
	cache_keys := data.asr_guard.whatif.cache_account_keys with input as p
	[disk_keys, cache_keys] == [[], []]
}

test_an_unsupported_change_is_undecided if {
	undecided := data.asr_guard.whatif.undecided with input as result([attach_d1, unsupported])
	undecided == [{
		"label": disk_id("d9"),
		"pointer": "/changes/1",
		"reason": concat("", [
			"what-if could not evaluate it (Unsupported): ",
			"The resource's name is not known before deployment.",
		]),
	}]
	decided := data.asr_guard.whatif.undecided with input as result([attach_d1])
	decided == []
}

test_the_view_of_a_what_if_result if {
	v := data.asr_guard.whatif.view with input as result([attach_d1, item_kept, unsupported])
	v.kind == "arm-whatif"
	[e.type | some e in v.resources] == ["vm", "attachment", "item"]
	count(v.undecided) == 1
	v.replication.vm_ids == [lower(vm_id)]
	v.replication.disk_keys == []
	not data.asr_guard.whatif.view with input as {"format_version": "1.2", "resource_changes": []}
}
