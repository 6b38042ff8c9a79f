package asr_guard.rules_test

# Tests of events_vms.rego: the events of VMs, their OS disks and new data disks, and of
# replication removed (the what-if builders are in events_test.rego).

scenarios(events) := sort([e.scenario | some e in events])

test_a_vm_created_with_the_id_of_a_replicated_vm_is_a_replace if {
	created := whatif([change(vm_id, "Create", null, vm_body(disk("os"), []))])
	events := data.asr_guard.rules.events with input as created with data.asr_guard.inventory as inventory
	scenarios(events) == ["vm_replace"]
	new_vm := data.asr_guard.rules.events with input as created
	count(new_vm) == 0
}

test_an_os_disk_swapped_on_a_replicated_vm if {
	swap := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os2"), []))
	events := data.asr_guard.rules.events with input as whatif([swap, item_kept])
	scenarios(events) == ["os_disk_swap"]
	restored := change(disk("os2"), "Create", null, {"properties": {"creationData": {"createOption": "Restore"}}})
	restore_events := data.asr_guard.rules.events with input as whatif([swap, item_kept, restored])
	scenarios(restore_events) == ["disk_restore"]
	same := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os"), []))
	none := data.asr_guard.rules.events with input as whatif([same, item_kept])
	count(none) == 0
}

test_a_new_data_disk_the_item_does_not_protect if {
	attach := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os"), [lun(2, disk("d2"))]))
	events := data.asr_guard.rules.events with input as whatif([attach, item_kept])
	scenarios(events) == ["data_disk_unprotected"]
	protected := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os"), [lun(1, disk("d1"))]))
	none := data.asr_guard.rules.events with input as whatif([protected, item_kept])
	count(none) == 0
}

test_replication_removed_from_a_vm_that_stays if {
	removed := change(item_id, "Delete", item_body([disk("os")]), null)
	events := data.asr_guard.rules.events with input as whatif([removed])
	"replication_disabled" in scenarios(events)
	with_vm := data.asr_guard.rules.events with input as whatif([removed, vm_deleted])
	not "replication_disabled" in scenarios(with_vm)
}

test_an_unsupported_change_is_undecided_only_when_replication_is_in_play if {
	unsupported := {"resourceId": disk("d9"), "changeType": "Unsupported", "unsupportedReason": "not known"}
	events := data.asr_guard.rules.events with input as whatif([unsupported, item_kept])
	scenarios(events) == ["undecided"]
	none := data.asr_guard.rules.events with input as whatif([unsupported])
	count(none) == 0
}

test_os_disk_changes_and_the_scenario_of_a_swap if {
	data.asr_guard.rules._os_disk_changes({"ids": ["/a"]}, {"ids": ["/b"]})
	data.asr_guard.rules._os_disk_changes({"ids": ["/a"]}, {"ids": [], "unresolved": ["x"]})
	not data.asr_guard.rules._os_disk_changes({"ids": ["/a"]}, {"ids": ["/a"]})
	not data.asr_guard.rules._os_disk_changes({"ids": []}, {"ids": ["/b"]})
	data.asr_guard.rules._swap_scenario({"Restore"}) == "disk_restore"
	data.asr_guard.rules._swap_scenario(set()) == "os_disk_swap"
	data.asr_guard.rules._created_with({"Restore", "Copy"}) == " (created with createOption Copy, Restore)"
	data.asr_guard.rules._created_with(set()) == ""
}
