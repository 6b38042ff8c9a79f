package asr_guard.rules

# What the rules ask of disks and attachments.

# The create options, by which a disk's content comes from a backup, a copy or an import,
# of the disk an attachment puts on a VM: its own createOption (an ARM dataDisks entry) or
# that of the disk resource it points at.
_restored_options(attachment) := {option |
	option := attachment.after.create_option
	data.asr_guard.lib.is_restored_create_option(option)
} | {option |
	some disk in data.asr_guard.view.targets(attachment.after.disk)
	disk.type == "disk"
	some side in [disk.after, disk.before]
	is_object(side)
	option := side.create_option
	data.asr_guard.lib.is_restored_create_option(option)
}

# The restored create options of the disks a link points at.
_link_restored_options(link) := {option |
	some disk in data.asr_guard.view.targets(link)
	disk.type == "disk"
	some side in [disk.after, disk.before]
	is_object(side)
	option := side.create_option
	data.asr_guard.lib.is_restored_create_option(option)
}

# Whether a disk link points at a disk a replicated item protects once the change is applied.
# (The helpers here are one rule with else branches, not one rule per case: the embedded
# engine evaluates every rule of a function it calls, and six rules call them per attachment.)
_protected(link) if {
	some id in link.ids
	id in data.asr_guard.view.enabled_disk_ids
} else if {
	some key in link.keys
	key in data.asr_guard.view.protected_disk_keys
} else if {
	some disk in data.asr_guard.view.targets(link)
	some side in [disk.before, disk.after]
	is_object(side)
	side.id in data.asr_guard.view.enabled_disk_ids
}

# Whether the disk an attachment puts on a VM is protected: by the disk itself, or by a
# replicated item whose managed_disk block references the attachment (its managed_disk_id).
_attachment_protected(a) if _protected(a.after.disk) else if a.key in data.asr_guard.view.protected_disk_keys

# Whether a disk link points at a disk protected before the change.
_protected_now(link) if {
	some id in link.ids
	id in data.asr_guard.view.protected_disk_ids
}

# Where the disk comes from, as a message says it: " (created with createOption Copy from /x)".
# (restored: its _restored_options.)
_origin(attachment, restored) := concat("", [
	" (created with createOption ",
	concat(", ", sort(restored)),
	_source(attachment),
	")",
])

_source(attachment) := concat("", [" from ", sources[0]]) if {
	sources := sort({s |
		some disk in data.asr_guard.view.targets(attachment.after.disk)
		disk.type == "disk"
		some side in [disk.after, disk.before]
		is_object(side)
		s := side.source_id
		is_string(s)
	} | {s | s := object.get(attachment.after, "source_id", null); is_string(s)})
	count(sources) > 0
} else := ""

# Attachments this change makes: created, or deployed by a template (a template does not say
# whether the disk is on the VM already: a disk among the protected disks is).
_new_attachments := [a |
	some a in _attachments
	a.action in {"create", "deploy"}
	is_object(a.after)
	not _redeployed(a)
]

# Each new attachment with the replicated VMs it is put on and the restored create options of
# its disk: [attachment, VM ids, options]. (Worked out once: six rules read them, and each
# costs the embedded engine a dozen function calls per attachment.)
_new_attachment_facts := [[a, _replicated_of(_link_ids(a.after.vm)), _restored_options(a)] |
	some a in _new_attachments
]

_redeployed(a) if {
	a.action == "deploy"
	_protected_now(a.after.disk)
}

# Which disks the replicated items protect is known: from the input's items or the inventory.
# (A template redeploys the disks a VM has: without that knowledge, each would look new.)
_protected_disks_known if count(data.asr_guard.view.enabled_disk_ids) > 0

_protected_disks_known if count(data.asr_guard.view.protected_disk_keys) > 0

_knows_protection(a) if {
	a.action != "deploy"
} else if {
	_protected_disks_known
} else if {
	# A disk the template creates is a new disk.
	some disk in data.asr_guard.view.targets(a.after.disk)
	disk.type == "disk"
}

# " by azurerm_virtual_machine_data_disk_attachment.x" for an attachment that is a resource
# of its own; "" for one that is part of its VM (an ARM dataDisks entry).
_by_text(a) := concat("", [" by ", a.label]) if a.parent == null else := ""

# Attachments this change ends: deleted, or replaced by one of another disk.
_removed_attachments := [a |
	some a in _attachments
	a.action in {"delete", "replace"}
	is_object(a.before)
	not _same_disk(a)
]

_same_disk(a) if {
	a.action == "replace"
	count(a.before.disk.ids) > 0
	a.before.disk.ids == a.after.disk.ids
}

# VMs this change deletes or replaces: what happens to their disks is theirs.
_vm_gone_ids := {id |
	some vm in _vms
	vm.action in {"delete", "replace"}
	id := vm.before.id
	is_string(id)
}

_removed_scenario(link) := "protected_disk_removed" if {
	_protected_now(link)
} else := "protected_disk_removed" if {
	some key in link.keys
	key in data.asr_guard.view.protected_disk_keys
} else := "data_disk_removed"

_removed_text("protected_disk_removed") := ", and its replicated item protects it"

_removed_text("data_disk_removed") := ""

# The attachments of each VM that carries its data disks itself (a template's dataDisks),
# indexed once: looking them up per VM would be quadratic in the template's size.
_attachments_by_parent[parent] contains a if {
	some a in _attachments
	parent := a.parent
	parent != null
}

_attachments_on(key) := _attachments_by_parent[key] if _attachments_by_parent[key] else := set()

# The disks a replicated VM's item protects (the inventory says which) that a template
# deploying the VM no longer puts on it: the VM's data disks are all known, none is it, and
# it is not the OS disk.
_omitted_disks(vm, m) := disks if {
	is_number(vm.after.data_disk_count)
	on_vm := _attachments_on(vm.key)
	present := {id | some a in on_vm; some id in a.after.disk.ids}
	unknown := [a | some a in on_vm; count(a.after.disk.ids) == 0]
	count(unknown) == 0
	os_disks := _os_disk_ids(vm.after)
	disks := (data.asr_guard.lib.inventory_vm_disks(m) - present) - os_disks
	_some_data_disk_omitted(disks, os_disks)
} else := set()

_os_disk_ids(after) := {id | some id in after.os_disk.ids} if is_object(after.os_disk) else := set()

# The inventory lists a VM's protected disks, its OS disk among them. A VM that does not name
# its OS disk (created from an image) leaves one of the disks not listed as possibly the OS
# disk: only two or more of them say a protected data disk is left out.
_some_data_disk_omitted(disks, os_disks) if count(os_disks) > 0

_some_data_disk_omitted(disks, os_disks) if {
	count(os_disks) == 0
	count(disks) > 1
}

_destroyed_text(disk) := "replaced" if disk.action == "replace" else := "deleted"

# Which resize rules a size change meets: shrinking; growing from under 4 TiB to 4 TiB or more
# (detached and reattached unless Premium SSD v2 or Ultra); any resize of Premium SSD v2.
_resize_scenarios(before, after) := {scenario |
	some scenario in _resize_candidates
	_resize(scenario, before, after)
}

_resize_candidates := ["disk_shrunk", "disk_grown_past_4tib", "premium_v2_resized"]

_resize("disk_shrunk", before, after) if after.size_gb < before.size_gb

_resize("disk_grown_past_4tib", before, after) if {
	before.size_gb < 4096
	after.size_gb >= 4096
	not _live_resize_sku(after.sku)
}

_resize("premium_v2_resized", before, after) if {
	after.size_gb != before.size_gb
	_sku_is(after.sku, "premiumv2_lrs")
}

_live_resize_sku(sku) if _sku_is(sku, "premiumv2_lrs")

_live_resize_sku(sku) if _sku_is(sku, "ultrassd_lrs")

_sku_is(sku, name) if {
	is_string(sku)
	lower(sku) == name
}

_sku_text(sku) := concat("", [" (", sku, ")"]) if is_string(sku) else := ""
