package asr_guard.rules

# Events of VMs and the disks put on them: replace, delete, OS disk, data disks attached;
# and what cannot be decided.

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
	# A re-PUT cannot change an existing disk's creationData: the item's own OS disk is no restore.
	not _protected_now(vm.after.os_disk)
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
	some [a, vms, restored] in _new_attachment_facts
	some m in vms
	count(restored) > 0
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), _origin(a, restored),
		" is attached to replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a),
	])
	ev := _event("disk_restore", a, m, detail)
}

# ASR007: a new data disk on a replicated VM that no replicated item protects.
_events contains ev if {
	some [a, vms, restored] in _new_attachment_facts
	some m in vms
	count(restored) == 0
	count(a.after.disk.unresolved) == 0
	_knows_protection(a)
	not _attachment_protected(a)
	scenario := _unprotected_scenario(m)
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), " is attached to replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a), _unprotected_text(scenario),
	])
	ev := _event(scenario, a, m, detail)
}

# ASR007 on a workaround: a restored disk put on a VM whose replication is enabled again in
# the same change, but the new replicated item does not protect the disk.
_events contains ev if {
	some [a, vms, restored] in _new_attachment_facts
	some m in vms
	m in _reenabled_vm_ids
	count(restored) > 0
	_knows_protection(a)
	not _attachment_protected(a)
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), _origin(a, restored),
		" is attached to replicated VM ",
		_vm_label(a.after.vm, m), _by_text(a), " and replication is enabled again,",
		" but the new replicated item does not protect it",
	])
	ev := _event("data_disk_unprotected", a, m, detail)
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
	ev := _event("undecided", {"resource": u.label, "pointer": u.pointer}, "", detail)
}

# A disk put on a replicated VM that cannot be followed to its resource: it may be restored.
_events contains ev if {
	some [a, vms, restored] in _new_attachment_facts
	some m in vms
	count(a.after.disk.unresolved) > 0
	count(restored) == 0
	detail := concat("", [
		"whether the data disk attached to replicated VM ", _vm_label(a.after.vm, m), _by_text(a),
		" is restored cannot be told: its disk is ", concat(", ", a.after.disk.unresolved),
	])
	ev := _event("undecided", a, m, detail)
}

# A restored disk put on a VM that cannot be followed to its resource: it may be replicated.
_events contains ev if {
	_replication_in_play
	some [a, _, restored] in _new_attachment_facts
	is_object(a.after.vm)
	count(a.after.vm.ids) == 0
	count(a.after.vm.unresolved) > 0
	count(restored) > 0
	detail := concat("", [
		"the data disk ", _disk_label(a.after.disk, a.after.lun), _origin(a, restored), " is attached", _by_text(a),
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
