# METADATA
# title: ARM what-if result classification
# description: |
#   Classifies the changes of an ARM what-if result into the support-matrix
#   scenarios of data.asr_guard.matrix: the output of `az deployment group
#   what-if --no-pretty-print -o json` ({"status", "changes": [...]}) or the REST
#   WhatIfOperationResult ({"status", "properties": {"changes": [...]}}).
#   Each change has resourceId, changeType (Create, Delete, Modify, Deploy,
#   NoChange, Ignore, Unsupported) and the before / after resource payloads.
#   Sources: Azure Resource Manager "Template deployment what-if operation";
#   Deployments - What If (REST), WhatIfChange.
package asr_guard.whatif

# The document under evaluation (see lib/envelope.rego), read once.
_doc := data.asr_guard.lib.document

# (No negated call on a possibly undefined reference: OPA evaluates the reference
# outside the negation, regorus inside, and they would disagree.)
changes := _doc.changes if is_array(object.get(_doc, "changes", null))

changes := _doc.properties.changes if {
	not is_array(object.get(_doc, "changes", null))
	is_array(object.get(_doc, ["properties", "changes"], null))
}

is_whatif if {
	is_array(changes)
	every change in changes {
		is_string(object.get(change, "resourceId", null))
		is_string(object.get(change, "changeType", null))
	}
}

# Changes by resource type, each as {"id", "change_type", "before", "after"}.
typed[type] contains i if {
	is_whatif
	some i, change in changes
	type := data.asr_guard.azure.type_of_id(change.resourceId)
	type in {data.asr_guard.azure.vm_type, data.asr_guard.azure.disk_type, data.asr_guard.azure.replicated_item_type}
}

of_type(type) := [view(changes[i], i) | some i in typed[type]]

view(change, i) := {
	"id": lower(change.resourceId),
	"change_type": change.changeType,
	"before": object.get(change, "before", null),
	"after": object.get(change, "after", null),
	"pointer": concat("", [changes_pointer, "/", format_int(i, 10)]),
}

changes_pointer := "/changes" if is_array(object.get(_doc, "changes", null))

changes_pointer := "/properties/changes" if not is_array(object.get(_doc, "changes", null))

vms := of_type(data.asr_guard.azure.vm_type)

disks := of_type(data.asr_guard.azure.disk_type)

items := of_type(data.asr_guard.azure.replicated_item_type)

# --- replication evidence ---------------------------------------------------------

replicated_vm_ids contains id if some id in data.asr_guard.lib.inventory_vm_ids

replicated_vm_ids contains id if {
	some item in items
	id := data.asr_guard.azure.item_vm_id(item.before)
}

protected_disk_ids contains id if some id in data.asr_guard.lib.inventory_disk_ids

protected_disk_ids contains id if {
	some item in items
	some payload in [item.before, item.after]
	some id in data.asr_guard.azure.item_disk_ids(payload)
}

removed_vm_ids contains id if {
	some item in items
	item.change_type == "Delete"
	id := data.asr_guard.azure.item_vm_id(item.before)
}

added_vm_ids contains id if {
	some item in items
	item.change_type in {"Create", "Modify", "Deploy"}
	id := data.asr_guard.azure.item_vm_id(item.after)
	not id in existing_item_vm_ids
}

existing_item_vm_ids contains id if {
	some item in items
	item.change_type != "Delete"
	id := data.asr_guard.azure.item_vm_id(item.before)
}

reenabled_vm_ids := removed_vm_ids & added_vm_ids

deleted_vm_ids contains vm.id if {
	some vm in vms
	vm.change_type == "Delete"
}

# --- disks -------------------------------------------------------------------------

disk_by_id[disk.id] := disk if some disk in disks

# The create options, before and after the change, by which the disk comes from a
# copy, snapshot or backup (the option cannot change, but a what-if may say both).
restored_options(id) := data.asr_guard.azure.restored_create_options([disk_by_id[id].after, disk_by_id[id].before])

restored_disk(id) if count(restored_options(id)) > 0

# Data disks a VM change puts on the VM: in after, not in before (by managed disk id or LUN).
new_data_disks(vm) := [disk |
	before_ids := {d.id | some d in data.asr_guard.azure.data_disks(vm.before); d.id != null}
	before_luns := {d.lun | some d in data.asr_guard.azure.data_disks(vm.before)}
	some disk in data.asr_guard.azure.data_disks(vm.after)
	not is_old(disk, before_ids, before_luns)
]

is_old(disk, before_ids, _) if disk.id in before_ids

is_old(disk, _, before_luns) if {
	disk.id == null
	disk.lun in before_luns
}

restored_entry(disk) if data.asr_guard.lib.is_restored_create_option(disk.create_option)

restored_entry(disk) if restored_disk(disk.id)

disk_label(disk) := disk.id if disk.id != null

disk_label(disk) := concat("", ["the disk at LUN ", format_int(disk.lun, 10)]) if {
	disk.id == null
	is_number(disk.lun)
}

disk_label(disk) := "a data disk" if {
	disk.id == null
	not is_number(disk.lun)
}

source_label(disk) := concat("", [" from ", disk.source]) if disk.source != null

source_label(disk) := concat("", [" (", disk_create_option_label(disk.id), ")"]) if {
	disk.source == null
	disk.id != null
}

source_label(disk) := "" if {
	disk.source == null
	disk.id == null
}

disk_create_option_label(id) := data.asr_guard.azure.created_with(restored_options(id)) if restored_disk(id)

disk_create_option_label(id) := "an existing disk" if not restored_disk(id)

# --- events ------------------------------------------------------------------------

events contains {"scenario": "vm_delete", "resource": vm.id, "vm_id": vm.id, "detail": detail, "pointer": vm.pointer} if {
	some vm in vms
	vm.change_type == "Delete"
	vm.id in replicated_vm_ids
	detail := concat("", ["what-if deletes ", vm.id, " but replication of it is not removed"])
}

events contains {"scenario": "vm_replace", "resource": vm.id, "vm_id": vm.id, "detail": detail, "pointer": vm.pointer} if {
	some vm in vms
	vm.change_type == "Create"
	vm.id in replicated_vm_ids
	detail := concat("", ["what-if creates ", vm.id, ", which the inventory lists as replicated: the VM is re-created and its replicated item points at the old one"])
}

events contains {"scenario": scenario, "resource": vm.id, "vm_id": vm.id, "detail": detail, "pointer": vm.pointer} if {
	some vm in vms
	vm.change_type in {"Modify", "Deploy"}
	vm.id in replicated_vm_ids
	old := data.asr_guard.azure.os_disk_id(vm.before)
	new := data.asr_guard.azure.os_disk_id(vm.after)
	old != new
	scenario := swap_scenario(new)
	detail := concat("", ["the OS disk of ", vm.id, " changes from ", old, " to ", new])
}

swap_scenario(id) := "disk_restore" if restored_disk(id)

swap_scenario(id) := "os_disk_swap" if not restored_disk(id)

events contains {"scenario": "disk_restore", "resource": vm.id, "vm_id": vm.id, "detail": detail, "pointer": vm.pointer} if {
	some vm in vms
	vm.change_type in {"Modify", "Deploy"}
	vm.id in replicated_vm_ids
	some disk in new_data_disks(vm)
	restored_entry(disk)
	detail := concat("", [disk_label(disk), source_label(disk), " is attached to replicated VM ", vm.id])
}

events contains {"scenario": "data_disk_unprotected", "resource": vm.id, "vm_id": vm.id, "detail": detail, "pointer": vm.pointer} if {
	some vm in vms
	vm.change_type in {"Modify", "Deploy"}
	vm.id in replicated_vm_ids
	some disk in new_data_disks(vm)
	not restored_entry(disk)
	not disk.id in protected_disk_ids
	detail := concat("", [disk_label(disk), " is attached to replicated VM ", vm.id, " but is not among the disks its replicated item protects"])
}

events contains {"scenario": "replication_disabled", "resource": item.id, "vm_id": id, "detail": detail, "pointer": item.pointer} if {
	some item in items
	item.change_type == "Delete"
	id := data.asr_guard.azure.item_vm_id(item.before)
	not id in added_vm_ids
	not id in deleted_vm_ids
	detail := concat("", ["what-if deletes replicated item ", item.id, " of VM ", id, ", which stays"])
}

findings := data.asr_guard.lib.resolve(events, removed_vm_ids, reenabled_vm_ids)
