package asr_guard.rules

# Every scenario event, together. An event: {"scenario", "resource", "vm_id", "detail",
# "pointer"}; lib.resolve words it from the support matrix.

_event(scenario, e, vm_id, detail) := {
	"scenario": scenario,
	"resource": e.resource,
	"vm_id": vm_id,
	"detail": detail,
	"pointer": e.pointer,
}

# ASR004: a replicated VM destroyed and created again (Terraform replace; a what-if Create of
# an id the inventory lists as replicated).
_events contains ev if {
	some vm in _vms
	vm.action == "replace"
	not _moved(vm)
	some m in _replicated(vm.before.id)
	detail := concat("", [
		_entry_vm_label(vm, m),
		" is replaced (",
		_action_text(vm),
		"); the replicated item keeps pointing at the old VM id",
	])
	ev := _event("vm_replace", vm, m, detail)
}

_events contains ev if {
	some vm in _vms
	vm.action == "create"
	is_string(vm.after.id)
	some m in _replicated(vm.after.id)
	detail := concat(
		"",
		[
			vm.label,
			" is created, but a VM with its id is replicated: the VM is re-created",
			" and its replicated item points at the old one",
		],
	)
	ev := _event("vm_replace", vm, m, detail)
}

# ASR005: a replicated VM deleted, its replication left in place.
_events contains ev if {
	some vm in _vms
	vm.action == "delete"
	not _moved(vm)
	some m in _replicated(vm.before.id)
	detail := concat("", [vm.label, " is deleted", _reason_text(vm), " but replication of it is not removed"])
	ev := _event("vm_delete", vm, m, detail)
}

# ASR006 (ASR002 when the new disk is restored): the OS disk of a replicated VM changes.
_events contains ev if {
	some vm in _vms
	vm.action in {"update", "deploy"}
	is_object(vm.before)
	some m in _replicated(vm.before.id)
	_os_disk_changes(vm.before.os_disk, vm.after.os_disk)
	restored := _link_restored_options(vm.after.os_disk)
	scenario := _swap_scenario(restored)
	detail := concat("", [
		"the OS disk of ", _entry_vm_label(vm, m), " changes from ", _disk_label(vm.before.os_disk, null),
		" to ", _disk_label(vm.after.os_disk, null), _created_with(restored),
	])
	ev := _event(scenario, vm, m, detail)
}

# A template puts a restored OS disk on a replicated VM (what it replaces is not known).
_events contains ev if {
	some vm in _vms
	vm.action == "deploy"
	some m in _replicated(vm.after.id)
	restored := _link_restored_options(vm.after.os_disk)
	count(restored) > 0
	detail := concat("", [
		"the OS disk of replicated VM ",
		_entry_vm_label(vm, m),
		" is ",
		_disk_label(vm.after.os_disk, null),
		_created_with(restored),
	])
	ev := _event("disk_restore", vm, m, detail)
}

# ASR002: a restored or copied data disk put on a replicated VM.
_events contains ev if {
	some a in _new_attachments
	some m in _replicated_of(_link_ids(a.after.vm))
	count(_restored_options(a)) > 0
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), _origin(a), " is attached to replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a),
	])
	ev := _event("disk_restore", a, m, detail)
}

# ASR007: a new data disk on a replicated VM that no replicated item protects.
_events contains ev if {
	some a in _new_attachments
	some m in _replicated_of(_link_ids(a.after.vm))
	count(_restored_options(a)) == 0
	count(a.after.disk.unresolved) == 0
	_knows_protection(a)
	not _protected(a.after.disk)
	scenario := _unprotected_scenario(m)
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), " is attached to replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a), _unprotected_text(scenario),
	])
	ev := _event(scenario, a, m, detail)
}

# ASR008: replication removed from a VM that stays.
_events contains ev if {
	some item in _items
	item.action in {"delete", "replace"}
	some id in _link_ids(item.before.vm)
	not id in _added_vm_ids
	not id in _deleted_vm_ids
	detail := concat("", [item.label, " removes replication of VM ", _vm_label(item.before.vm, id), ", which stays"])
	ev := _event("replication_disabled", item, id, detail)
}

# Could not decide: a value the policies read is unknown, and replication is in play.
_events contains ev if {
	_replication_in_play
	some u in data.asr_guard.view.undecided
	detail := concat("", [u.label, ": ", u.reason])
	ev := {"scenario": "undecided", "resource": u.label, "vm_id": "", "detail": detail, "pointer": u.pointer}
}

# A disk put on a replicated VM that cannot be followed to its resource: it may be restored.
_events contains ev if {
	some a in _new_attachments
	some m in _replicated_of(_link_ids(a.after.vm))
	count(a.after.disk.unresolved) > 0
	count(_restored_options(a)) == 0
	detail := concat("", [
		"whether the data disk attached to replicated VM ", _vm_label(a.after.vm, m), _by_text(a),
		" is restored cannot be told: its disk is ", concat(", ", a.after.disk.unresolved),
	])
	ev := _event("undecided", a, m, detail)
}

# A restored disk put on a VM that cannot be followed to its resource: it may be replicated.
_events contains ev if {
	_replication_in_play
	some a in _new_attachments
	is_object(a.after.vm)
	count(a.after.vm.ids) == 0
	count(a.after.vm.unresolved) > 0
	count(_restored_options(a)) > 0
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), _origin(a), " is attached", _by_text(a),
		" to a VM that cannot be told: the VM is ", concat(", ", a.after.vm.unresolved),
	])
	ev := _event("undecided", a, "", detail)
}

_replication_in_play if count(data.asr_guard.view.replicated_vm_ids) > 0

_os_disk_changes(before, after) if {
	count(before.ids) > 0
	count(after.ids) > 0
	before.ids != after.ids
}

# Known now, known only after apply: it may change.
_os_disk_changes(before, after) if {
	count(before.ids) > 0
	is_object(after)
	count(after.ids) == 0
}

_swap_scenario(restored) := "disk_restore" if count(restored) > 0 else := "os_disk_swap"

_created_with(options) := concat("", [
	" (created with createOption ",
	concat(", ", sort(options)),
	")",
]) if count(options) > 0 else := ""

# ASR011 / ASR012: a data disk taken off a replicated VM that stays (Hot remove disk).
_events contains ev if {
	some a in _removed_attachments
	some m in _replicated_of(_link_ids(a.before.vm))
	not m in _vm_gone_ids
	scenario := _removed_scenario(a.before.disk)
	detail := concat("", [
		"the data disk ", _disk_label(a.before.disk, a.before.lun), " is taken off replicated VM ",
		_vm_label(a.before.vm, m), _by_text(a), _removed_text(scenario),
	])
	ev := _event(scenario, a, m, detail)
}

# A template redeploying a replicated VM without a data disk its replicated item protects.
_events contains ev if {
	some vm in _vms
	vm.action == "deploy"
	some m in _replicated(vm.after.id)
	some disk in _omitted_disks(vm, m)
	detail := concat("", [
		"the protected data disk ",
		disk,
		" is not among the data disks of replicated VM ",
		_entry_vm_label(vm, m),
		" any more",
	])
	ev := _event("protected_disk_removed", vm, m, detail)
}

# A protected disk replaced or deleted (not moved): the disk the item protects is destroyed.
_events contains ev if {
	some disk in _disks
	disk.action in {"replace", "delete"}
	not _moved(disk)
	id := disk.before.id
	id in data.asr_guard.view.protected_disk_ids
	detail := concat("", [
		"the protected disk ",
		disk.label,
		" is ",
		_destroyed_text(disk),
		" (",
		_action_text(disk),
		")",
	])
	ev := _event("protected_disk_removed", disk, "", detail)
}

# ASR014-ASR016: a replicated disk resized.
_events contains ev if {
	some disk in _disks
	disk.action == "update"
	disk.before.id in data.asr_guard.view.protected_disk_ids
	is_number(disk.before.size_gb)
	is_number(disk.after.size_gb)
	some scenario in _resize_scenarios(disk.before, disk.after)
	detail := concat("", [
		"the replicated disk ", disk.label, " is resized from ", format_int(disk.before.size_gb, 10), " GiB to ",
		format_int(disk.after.size_gb, 10), " GiB", _sku_text(disk.after.sku),
	])
	ev := _event(scenario, disk, "", detail)
}

# ASR017: write accelerator, an NVMe disk controller or encryption at host switched on.
_events contains ev if {
	some vm in _vms
	vm.action in {"update", "deploy", "replace"}
	some m in _replicated(_vm_id(vm))
	some feature in _switched_on_features(vm)
	detail := concat("", [feature, " is switched on for replicated VM ", _entry_vm_label(vm, m)])
	ev := _event("unsupported_feature", vm, m, detail)
}

_events contains ev if {
	some a in _attachments
	a.action in {"create", "update", "deploy", "replace"}
	a.after.write_accelerator == true
	not _was_true(a.before, "write_accelerator")
	some m in _replicated_of(_link_ids(a.after.vm))
	detail := concat("", [
		"write accelerator is switched on for the data disk ", _disk_label(
			a.after.disk,
			a.after.lun,
		), " of replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a),
	])
	ev := _event("unsupported_feature", a, m, detail)
}

# ASR018: a shared disk (maxShares above 1) put on a replicated VM.
_events contains ev if {
	some a in _new_attachments
	some m in _replicated_of(_link_ids(a.after.vm))
	some disk in data.asr_guard.view.targets(a.after.disk)
	disk.type == "disk"
	some side in [disk.after, disk.before]
	is_number(side.max_shares)
	side.max_shares > 1
	detail := concat("", [
		"the shared disk ", disk.label, " (maxShares ", format_int(
			side.max_shares,
			10,
		), ") is attached to replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a),
	])
	ev := _event("shared_disk_attached", a, m, detail)
}

# ASR019: Azure Disk Encryption added to a replicated VM, or its keys changed.
_events contains ev if {
	some ext in _extensions
	ext.action in {"create", "update", "replace", "deploy"}
	_is_ade(ext.after)
	_ade_changes(ext)
	some m in _replicated_of(_link_ids(ext.after.vm))
	detail := concat("", [
		"Azure Disk Encryption (", ext.after.extension_type, ") is ", _ade_text(ext), " on replicated VM ",
		_vm_label(ext.after.vm, m), " by ", ext.label,
	])
	ev := _event("disk_encryption_changed", ext, m, detail)
}

_events contains ev if {
	some disk in _disks
	disk.action == "update"
	disk.before.id in data.asr_guard.view.protected_disk_ids
	disk.before.encryption != disk.after.encryption
	detail := concat("", ["the encryption settings of the replicated disk ", disk.label, " change"])
	ev := _event("disk_encryption_changed", disk, "", detail)
}

# ASR021: a replicated VM moved to another resource group.
_events contains ev if {
	some vm in _vms
	_moved(vm)
	some m in _replicated(vm.before.id)
	detail := concat("", ["replicated VM ", _entry_vm_label(vm, m), " moves", _moved_to_text(vm)])
	ev := _event("vm_moved", vm, m, detail)
}

# ASR022: a protected disk, a NIC of a replicated VM or a cache storage account moved.
_events contains ev if {
	some disk in _disks
	_moved(disk)
	disk.before.id in data.asr_guard.view.protected_disk_ids
	detail := concat("", ["the protected disk ", disk.label, " moves", _moved_to_text(disk)])
	ev := _event("resource_moved", disk, "", detail)
}

_events contains ev if {
	some nic in _nics
	_moved(nic)
	some vm in _vms
	nics := data.asr_guard.lib.get(vm.before, "nics", [])
	is_array(nics)
	nic.before.id in nics
	some m in _replicated(vm.before.id)
	detail := concat("", [
		"the NIC ",
		nic.label,
		" of replicated VM ",
		_entry_vm_label(vm, m),
		" moves",
		_moved_to_text(nic),
	])
	ev := _event("resource_moved", nic, m, detail)
}

# ASR023: a NIC added to or removed from a replicated VM.
_events contains ev if {
	some vm in _vms
	vm.action == "update"
	is_array(vm.before.nics)
	is_array(vm.after.nics)
	vm.before.nics != vm.after.nics
	some m in _replicated(vm.before.id)
	detail := concat("", [
		"the NICs of replicated VM ",
		_entry_vm_label(vm, m),
		" change",
		_nics_text(vm.before.nics, vm.after.nics),
	])
	ev := _event("nic_changed", vm, m, detail)
}

# ASR024: a cache storage account of a replicated item made unusable for Site Recovery.
_events contains ev if {
	some account in _accounts
	_cache_account(account)
	some reason in _cache_account_problems(account)
	detail := concat("", ["the cache storage account ", account.label, " of a replicated item: ", reason])
	ev := _event("cache_account_unusable", account, "", detail)
}

_unprotected_scenario(m) := "data_disk_auto_protected" if {
	m in data.asr_guard.view.auto_protect_vm_ids
} else := "data_disk_unprotected"

_unprotected_text("data_disk_auto_protected") := concat("", [
	", and its replicated item protects new data disks itself",
	" (autoProtectionOfDataDisk Enabled)",
])

_unprotected_text("data_disk_unprotected") := " but is not among the disks its replicated item protects"

# ASR013: replication of a VM disabled and enabled again, with nothing else in the change that
# needed it (the item alone is replaced).
_item_events contains ev if {
	some id in _reenabled_vm_ids
	not id in {e.vm_id | some e in _events}
	some item in _items
	item.action in {"replace", "create"}
	id in _link_ids(item.after.vm)
	detail := concat("", [
		"replication of VM ", _vm_label(item.after.vm, id), " is disabled and enabled again (", item.label, ", ",
		_action_text(item), "): a new initial replication, with no disaster recovery until it completes",
	])
	ev := _event("item_replaced", item, id, detail)
}

# ASR026: the replicated item is re-created before the old one is removed (create_before_destroy):
# the new item has the old one's name, and creating it fails while the old one exists.
_reenable_events contains ev if {
	some item in _items
	item.action == "replace"
	item.actions == ["create", "delete"]
	some id in _link_ids(item.before.vm)
	detail := concat("", [
		item.label, " is replaced create-before-destroy (", _action_text(item), "): the new item is created while ",
		"the old one still exists, which fails after replication of VM ", _vm_label(item.before.vm, id), " was removed",
	])
	ev := _event("reenable_collision", item, id, detail)
}

# ASR027: replication is disabled and enabled again around a change, but the plan does not show
# that the item depends on the changed resource, so Terraform need not order
# remove item -> change -> create item.
_reenable_events contains ev if {
	some e in _events
	e.vm_id in _reenabled_vm_ids
	data.asr_guard.lib.matrix.scenarios[e.scenario].resolved_by_reenable
	some item in _items
	item.action in {"replace", "create"}
	e.vm_id in _link_ids(item.after.vm)
	is_array(item.depends_on)
	not _depends_on(item.depends_on, e.resource)
	detail := concat("", [
		item.label, " is re-created for ", e.resource, ", but neither its prior state nor its configuration ",
		"depends on ", e.resource, ": the order remove item, change, create item is not guaranteed",
	])
	ev := _event("reenable_order_unproven", item, e.vm_id, detail)
}

# ASR028: replication removed other than by a clean disable: a Terraform removed block with
# destroy = false (the item stays in Azure), an ARM DELETE of the item (a purge).
_reenable_events contains ev if {
	some item in _items
	item.action == "forget"
	some id in _link_ids(item.before.vm)
	detail := concat("", [
		item.label,
		" is removed from the Terraform state but not destroyed: replication of VM ",
		_vm_label(item.before.vm, id),
		" stays on in Azure, out of Terraform's hands",
	])
	ev := _event("unsafe_removal", item, id, detail)
}

_reenable_events contains ev if {
	some item in _items
	item.action == "delete"
	lower(item.source_type) == data.asr_guard.azure.replicated_item_type
	some id in _link_ids(item.before.vm)
	detail := concat("", [
		item.label,
		" is deleted through ARM: a purge (a forced delete) of the replication of VM ",
		_vm_label(item.before.vm, id),
		", not a clean disable",
	])
	ev := _event("unsafe_removal", item, id, detail)
}

# Whether a list of configuration addresses names a resource (an address, instance keys and
# all) or a module it is in.
_depends_on(dependencies, resource) if {
	address := regex.replace(resource, `\[[^\]]*\]`, "")
	some d in dependencies
	_names(d, address)
}

_names(d, address) if d == address

_names(d, address) if startswith(address, concat("", [d, "."]))

# METADATA
# title: Events
# description: >-
#   The scenarios the change view shows, each with its resource, VM and detail, before the matrix words them.
events := (_events | _item_events) | _reenable_events

# METADATA
# title: Findings
# description: >-
#   The findings of the input: its events worded by the support matrix.
findings := data.asr_guard.lib.resolve(events, _removed_vm_ids, _reenabled_vm_ids)
