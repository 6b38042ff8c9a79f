package asr_guard.rules

# Events of disks taken off or changed, VM features, shared disks, disk encryption, moves, NICs
# and cache storage accounts.

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
	some [a, vms, _] in _new_attachment_facts
	some m in vms
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
	some vm in _vms_with_nic(nic.before.id)
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

# The VMs by the NICs they have before the change (indexed once).
_vms_by_nic[id] contains vm if {
	some vm in _vms
	nics := data.asr_guard.lib.get(vm.before, "nics", [])
	is_array(nics)
	some id in nics
}

_vms_with_nic(id) := vms if {
	vms := _vms_by_nic[id]
} else := set()
