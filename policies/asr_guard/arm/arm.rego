# METADATA
# title: ARM template classification
# description: |
#   Classifies the resources of an ARM deployment template into the
#   support-matrix scenarios of data.asr_guard.matrix. It reads the template as
#   asr-guard resolves it (`asr-guard resolve`): expressions evaluated, copy loops
#   expanded, child resources and nested inline deployments flattened, each
#   resource with its `id`. A template only creates or updates resources, so
#   what it can break is a VM that is replicated already (the inventory says
#   so): a disk created from a snapshot, another disk or a restore point put on
#   it, or a data disk it adds that no replicated item protects.
#   Sources: Microsoft.Compute virtualMachines and disks REST/ARM reference
#   (storageProfile, creationData.createOption, dataDisks[].sourceResource);
#   Site Recovery replicationProtectedItems (A2A fabricObjectId, vmManagedDisks).
package asr_guard.arm

# The document under evaluation (see lib/envelope.rego), read once.
_doc := data.asr_guard.lib.document

is_template if {
	schema := object.get(_doc, "$schema", "")
	is_string(schema)
	contains(lower(schema), "deploymenttemplate.json")
	is_array(_doc.resources)
}

deployed := [r |
	is_template
	some r in _doc.resources
	is_object(r)
	not r.existing == true
	is_string(object.get(r, "id", null))
	is_string(object.get(r, "type", null))
]

of_type(type) := [r | some r in deployed; lower(r.type) == type]

vms := of_type(data.asr_guard.azure.vm_type)

disks := of_type(data.asr_guard.azure.disk_type)

items := of_type(data.asr_guard.azure.replicated_item_type)

# Disks by lower-cased id. An id left unresolved (a name known only at deployment,
# which `asr-guard resolve` writes as "<unresolved: ...>") names no disk, and one id
# may be declared more than once (nested deployments, conditions).
disks_by_id[id] contains disk if {
	some disk in disks
	not startswith(disk.id, "<unresolved")
	id := lower(disk.id)
}

# The create options of the disks with this id that come from a copy, snapshot or backup.
restored_options(id) := data.asr_guard.azure.restored_create_options(disks_by_id[id])

restored_disk(id) if count(restored_options(id)) > 0

protected_disk_ids contains id if some id in data.asr_guard.lib.inventory_disk_ids

protected_disk_ids contains id if {
	some item in items
	some id in data.asr_guard.azure.item_disk_ids(item)
}

# A template enabling replication of a VM: the VM's disks are part of that
# initial replication, so what it attaches is not a change under replication.
enabled_vm_ids contains id if {
	some item in items
	id := data.asr_guard.azure.item_vm_id(item)
}

replicated(vm) if {
	lower(vm.id) in data.asr_guard.lib.inventory_vm_ids
	not lower(vm.id) in enabled_vm_ids
}

restored_entry(disk) if data.asr_guard.lib.is_restored_create_option(disk.create_option)

restored_entry(disk) if restored_disk(disk.id)

entry_label(disk) := disk.id if disk.id != null

entry_label(disk) := concat("", ["the data disk at LUN ", format_int(disk.lun, 10)]) if {
	disk.id == null
	is_number(disk.lun)
}

entry_label(disk) := "a data disk" if {
	disk.id == null
	not is_number(disk.lun)
}

origin(disk) := concat("", [" (createOption ", disk.create_option, " from ", disk.source, ")"]) if {
	data.asr_guard.lib.is_restored_create_option(disk.create_option)
	disk.source != null
}

origin(disk) := concat("", [" (", data.asr_guard.azure.created_with(restored_options(disk.id)), ")"]) if {
	not data.asr_guard.lib.is_restored_create_option(disk.create_option)
	restored_disk(disk.id)
}

origin(disk) := concat("", [" (createOption ", disk.create_option, ")"]) if {
	data.asr_guard.lib.is_restored_create_option(disk.create_option)
	disk.source == null
}

# The replicated VMs of the template, each with its data disks (read once).
replicated_vms := [{"vm": vm, "disks": data.asr_guard.azure.data_disks(vm)} | some vm in vms; replicated(vm)]

events contains {"scenario": "disk_restore", "resource": vm.id, "vm_id": lower(vm.id), "detail": detail, "pointer": source_pointer(vm)} if {
	some entry in replicated_vms
	vm := entry.vm
	some disk in entry.disks
	restored_entry(disk)
	detail := concat("", [entry_label(disk), origin(disk), " is put on replicated VM ", vm.id])
}

events contains {"scenario": "disk_restore", "resource": vm.id, "vm_id": lower(vm.id), "detail": detail, "pointer": source_pointer(vm)} if {
	some entry in replicated_vms
	vm := entry.vm
	id := data.asr_guard.azure.os_disk_id(vm)
	restored_disk(id)
	detail := concat("", ["the OS disk of replicated VM ", vm.id, " is ", id, ", ", data.asr_guard.azure.created_with(restored_options(id))])
}

events contains {"scenario": "data_disk_unprotected", "resource": vm.id, "vm_id": lower(vm.id), "detail": detail, "pointer": source_pointer(vm)} if {
	some entry in replicated_vms
	vm := entry.vm
	some disk in entry.disks
	not restored_entry(disk)
	disks_by_id[disk.id] # a disk this template creates: a new one
	not disk.id in protected_disk_ids
	detail := concat("", [disk.id, ", created by this template, is attached to replicated VM ", vm.id, " but is not among the disks its replicated item protects"])
}

# Where the resource is in the template as written (asr-guard resolve records it).
source_pointer(resource) := object.get(resource, "asr_guard_source", "")

# A template removes no replicated item: nothing is disabled or re-enabled.
findings := data.asr_guard.lib.resolve(events, set(), set())
