package asr_guard.rules_test

# Tests of events_disks.rego: events of data disks taken off, disks resized, re-encrypted or
# shared, features switched on, moves, NICs and cache accounts (builders in events_test.rego).

taken_off := change(vm_id, "Modify", with_d1, vm_body(disk("os"), []))

test_a_data_disk_taken_off_a_replicated_vm if {
	protected := data.asr_guard.rules.events with input as whatif([taken_off, item_kept])
	scenarios(protected) == ["protected_disk_removed"]
	item_os_only := change(item_id, "NoChange", item_body([disk("os")]), item_body([disk("os")]))
	unprotected := data.asr_guard.rules.events with input as whatif([taken_off, item_os_only])
	scenarios(unprotected) == ["data_disk_removed"]
	not_replicated := data.asr_guard.rules.events with input as whatif([taken_off])
	count(not_replicated) == 0
}

sized(gb, sku) := {"sku": {"name": sku}, "properties": {"diskSizeGB": gb, "creationData": {"createOption": "Empty"}}}

test_a_protected_disk_resized if {
	shrunk := change(disk("d1"), "Modify", sized(512, "Premium_LRS"), sized(256, "Premium_LRS"))
	events := data.asr_guard.rules.events with input as whatif([shrunk, item_kept])
	scenarios(events) == ["disk_shrunk"]
	grown := change(disk("d1"), "Modify", sized(512, "Premium_LRS"), sized(1024, "Premium_LRS"))
	none := data.asr_guard.rules.events with input as whatif([grown, item_kept])
	count(none) == 0
	unprotected := data.asr_guard.rules.events with input as whatif([shrunk])
	count(unprotected) == 0
}

test_a_protected_disk_deleted if {
	deleted := change(disk("d1"), "Delete", sized(512, "Premium_LRS"), null)
	events := data.asr_guard.rules.events with input as whatif([deleted, item_kept])
	"protected_disk_removed" in scenarios(events)
	other := change(disk("d7"), "Delete", sized(512, "Premium_LRS"), null)
	none := data.asr_guard.rules.events with input as whatif([other, item_kept])
	count(none) == 0
}

test_encryption_at_host_switched_on_for_a_replicated_vm if {
	on := object.union(vm_body(disk("os"), []), {"properties": {"securityProfile": {"encryptionAtHost": true}}})
	switched := change(vm_id, "Modify", vm_body(disk("os"), []), on)
	events := data.asr_guard.rules.events with input as whatif([switched, item_kept])
	scenarios(events) == ["unsupported_feature"]
	kept_on := change(vm_id, "Modify", on, on)
	none := data.asr_guard.rules.events with input as whatif([kept_on, item_kept])
	count(none) == 0
}

test_a_shared_disk_attached_to_a_replicated_vm if {
	shared := {"properties": {"maxShares": 2, "creationData": {"createOption": "Empty"}}}
	attach := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os"), [lun(1, disk("d1"))]))
	events := data.asr_guard.rules.events with input as whatif([
		attach,
		change(disk("d1"), "NoChange", shared, shared),
		item_kept,
	])
	scenarios(events) == ["shared_disk_attached"]
	single := {"properties": {"maxShares": 1, "creationData": {"createOption": "Empty"}}}
	unshared := whatif([attach, change(disk("d1"), "NoChange", single, single), item_kept])
	none := data.asr_guard.rules.events with input as unshared
	count(none) == 0
}

with_nics(nics) := object.union(vm_body(disk("os"), []), {"properties": {"networkProfile": {
	"networkInterfaces": nics,
}}})

test_the_nics_of_a_replicated_vm_change if {
	nic1 := {"id": "/subscriptions/s1/resourcegroups/rg/providers/microsoft.network/networkinterfaces/n1"}
	nic2 := {"id": "/subscriptions/s1/resourcegroups/rg/providers/microsoft.network/networkinterfaces/n2"}
	added := change(vm_id, "Modify", with_nics([nic1]), with_nics([nic1, nic2]))
	events := data.asr_guard.rules.events with input as whatif([added, item_kept])
	scenarios(events) == ["nic_changed"]
	same := change(vm_id, "Modify", with_nics([nic1]), with_nics([nic1]))
	none := data.asr_guard.rules.events with input as whatif([same, item_kept])
	count(none) == 0
}

test_a_new_data_disk_of_an_auto_protected_vm_is_protected_by_its_item if {
	auto_item := object.union(item_body([disk("os")]), {"properties": {"providerSpecificDetails": {
		"autoProtectionOfDataDisk": "Enabled",
	}}})
	attach := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os"), [lun(2, disk("d2"))]))
	doc := whatif([attach, change(item_id, "NoChange", auto_item, auto_item)])
	events := data.asr_guard.rules.events with input as doc
	scenarios(events) == ["data_disk_auto_protected"]
	ids := vm_id
	auto := data.asr_guard.rules._unprotected_scenario(ids) with input as doc
	auto == "data_disk_auto_protected"
	plain := data.asr_guard.rules._unprotected_scenario(ids) with input as whatif([attach, item_kept])
	plain == "data_disk_unprotected"
	contains(data.asr_guard.rules._unprotected_text("data_disk_auto_protected"), "autoProtectionOfDataDisk Enabled")
	contains(data.asr_guard.rules._unprotected_text("data_disk_unprotected"), "is not among the disks")
}
