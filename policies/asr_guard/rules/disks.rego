package asr_guard.rules

# What the rules ask of disks and attachments.

# The create options, by which a disk's content comes from a backup, a copy or an import,
# of the disk an attachment puts on a VM: its own createOption (an ARM dataDisks entry) or
# that of the disk resource it points at.
restored_options(attachment) := {option |
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
link_restored_options(link) := {option |
	some disk in data.asr_guard.view.targets(link)
	disk.type == "disk"
	some side in [disk.after, disk.before]
	is_object(side)
	option := side.create_option
	data.asr_guard.lib.is_restored_create_option(option)
}

# Whether a disk link points at a disk a replicated item protects once the change is applied.
protected(link) if {
	some id in link.ids
	id in data.asr_guard.view.enabled_disk_ids
}

protected(link) if {
	some key in link.keys
	key in data.asr_guard.view.protected_disk_keys
}

protected(link) if {
	some disk in data.asr_guard.view.targets(link)
	some side in [disk.before, disk.after]
	is_object(side)
	side.id in data.asr_guard.view.enabled_disk_ids
}

# Whether a disk link points at a disk protected before the change.
protected_now(link) if {
	some id in link.ids
	id in data.asr_guard.view.protected_disk_ids
}

# Where the disk comes from, as a message says it: " (created with createOption Copy from /x)".
origin(attachment) := concat("", [" (created with createOption ", concat(", ", sort(restored_options(attachment))), _source(attachment), ")"])

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
new_attachments := [a |
	some a in _attachments
	a.action in {"create", "deploy"}
	is_object(a.after)
	not _redeployed(a)
]

_redeployed(a) if {
	a.action == "deploy"
	protected_now(a.after.disk)
}

# Which disks the replicated items protect is known: from the input's items or the inventory.
# (A template redeploys the disks a VM has: without that knowledge, each would look new.)
protected_disks_known if count(data.asr_guard.view.enabled_disk_ids) > 0

protected_disks_known if count(data.asr_guard.view.protected_disk_keys) > 0

_knows_protection(a) if a.action != "deploy"

_knows_protection(a) if {
	a.action == "deploy"
	protected_disks_known
}

# A disk the template creates is a new disk.
_knows_protection(a) if {
	a.action == "deploy"
	some disk in data.asr_guard.view.targets(a.after.disk)
	disk.type == "disk"
}

# " by azurerm_virtual_machine_data_disk_attachment.x" for an attachment that is a resource
# of its own; "" for one that is part of its VM (an ARM dataDisks entry).
by_text(a) := concat("", [" by ", a.label]) if a.parent == null else := ""
