# METADATA
# title: ARM template -> change view
# description: |
#   Maps an ARM deployment template into the Azure change view. It reads the template as
#   asr-guard resolves it (`asr-guard resolve`): expressions evaluated, copy loops expanded,
#   child resources and nested inline deployments flattened, each resource with its `id`;
#   a value known only at deployment is the string "<unresolved: reason>". A template
#   creates or updates (deploys) resources: whether one exists already is not in the
#   template, so what is replicated comes from the inventory.
#   Sources: Microsoft.Compute virtualMachines and disks REST/ARM reference; Site Recovery
#   replicationProtectedItems (A2A fabricObjectId, vmManagedDisks).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax
#     description: ARM template structure and syntax
#   - ref: https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update
#     description: Virtual Machines - Create Or Update (storageProfile)
#   - ref: https://learn.microsoft.com/rest/api/site-recovery/replication-protected-items/create
#     description: Replication Protected Items - Create (enable replication)
package asr_guard.arm

_doc := data.asr_guard.lib.document

# METADATA
# title: Is template
# description: >-
#   The input is an ARM deployment template (its $schema is deploymentTemplate.json and it has resources).
is_template if {
	schema := object.get(_doc, "$schema", "")
	is_string(schema)
	contains(lower(schema), "deploymenttemplate.json")
	is_array(_doc.resources)
}

# The resources the template deploys, of a type the view maps: [position, resource, type,
# view type, canonical id or null].
_deployed := [[i, r, type, view_type, object.get(ids, i, null)] |
	is_template
	types := data.asr_guard.azure.view_type
	ids := _ids
	some i, r in _doc.resources
	is_object(r)
	not r.existing == true
	is_string(object.get(r, "type", null))
	type := lower(r.type)
	view_type := types[type]
]

# The canonical id of each resource (by position) that has one: azure.id of its `id`, made
# once here, the key, the label and the links of a resource all read it. (One regular
# expression over all the ids (lib.plain_ids) tells whether lower case is their canonical form,
# the usual case: a function call per id costs the embedded engine as much as a dozen builtins,
# and a template can deploy thousands of resources.)
_ids := lowered if {
	lowered := {i: lower(x) | some i, x in _id_strings}
	data.asr_guard.lib.plain_ids([id | some id in lowered])
} else := {i: data.asr_guard.lib.canonical_id(x) | some i, x in _id_strings}

# The ids azure.id reads (strings, not left unresolved), by position.
_id_strings := {i: x |
	some i, r in _doc.resources
	is_object(r)
	x := object.get(r, "id", null)
	is_string(x)
	not startswith(x, "<unresolved") # (azure.unresolved, without a function call)
}

_keys := {id | some id in _ids}

# Where the resource is in the template as written (asr-guard resolve records it).
_source_pointer(r) := object.get(r, "asr_guard_source", "")

_label(r, rid) := r.id if {
	rid != null
} else := concat("", [r.type, " ", r.name]) if {
	is_string(object.get(r, "name", null))
	not data.asr_guard.azure.unresolved(r.name)
} else := concat("", [r.type, " at ", _source_pointer(r)]) if {
	_source_pointer(r) != ""
} else := r.type

_entry(r, view_type, key, label, after) := {
	"type": view_type,
	"key": key,
	"label": label,
	"resource": label,
	"source_type": r.type,
	"pointer": _source_pointer(r),
	"action": "deploy",
	"actions": ["deploy"],
	"reason": null,
	"parent": null,
	"depends_on": null,
	"before": null,
	"after": after,
	"unknown": [],
}

_key(r, rid) := rid if rid != null else := _source_pointer(r)

# (Each part bound once: the embedded engine pays for every function call, and a template
# can deploy thousands of resources.)
_resources := [entry |
	keys := _keys
	some [_, r, type, view_type, rid] in _deployed
	key := _key(r, rid)
	label := _label(r, rid)
	after := data.asr_guard.azure.attributes(type, r, object.get(r, "id", null), keys)
	entry := _entry(r, view_type, key, label, after)
]

# Every data disk of a VM the template deploys is put on it (or left on it).
_attachments := [object.union(_entry(r, view_type, key, label, d), {
	"type": "attachment",
	"key": concat("", [key, "/datadisks/", format_int(j, 10)]),
	"parent": key,
}) |
	keys := _keys
	some [_, r, type, view_type, rid] in _deployed
	view_type == "vm"
	key := _key(r, rid)
	label := _label(r, rid)
	link := data.asr_guard.azure.link_of(object.get(r, "id", null), rid, keys)
	some j, d in data.asr_guard.azure.data_disks(r, link, keys)
]

# METADATA
# title: The template's change view
# description: The template mapped into the Azure change view (schemas/change-view.schema.json).
view := {
	"kind": "arm-template",
	"resources": array.concat(changes, linked),
	"undecided": undecided,
	"replication": {
		"vm_ids": replicated_vm_ids,
		"disk_ids": protected_disk_ids,
		"enabled_disk_ids": enabled_disk_ids,
		"disk_keys": protected_disk_keys,
		"cache_account_ids": cache_account_ids,
		"cache_account_keys": cache_account_keys,
		"auto_protect_vm_ids": auto_protect_vm_ids,
	},
} if is_template

# METADATA
# title: Changes
# description: >-
#   Every resource the template deploys is a change; whether it exists already, and what is
#   replicated, the template does not say (the inventory does).
changes := array.concat(_resources, _attachments)

# METADATA
# title: Linked
# description: >-
#   The view entries for resources the changes point at that do not change themselves.
linked := []

# METADATA
# title: Replicated VM ids
# description: >-
#   Canonical ids of the VMs the input itself shows replicated (their replicated items as they are before the change).
replicated_vm_ids := []

# METADATA
# title: Protected disk ids
# description: >-
#   Canonical ids of the disks the replicated items in the input protect before the change.
protected_disk_ids := []

# METADATA
# title: Protected disk keys
# description: >-
#   Keys of view entries for disks that replicated items link to by reference (ids that may be known only after apply).
protected_disk_keys := []

# METADATA
# title: Cache account ids
# description: >-
#   Canonical ids of the cache (staging) storage accounts of the replicated items in the input.
cache_account_ids := []

# METADATA
# title: Cache account keys
# description: >-
#   Keys of view entries for cache storage accounts that replicated items link to by reference.
cache_account_keys := []

# METADATA
# title: Auto protect VM ids
# description: >-
#   Canonical ids of the VMs whose replicated item protects new data disks itself (autoProtectionOfDataDisk).
auto_protect_vm_ids := []

# METADATA
# title: Undecided
# description: >-
#   What the template leaves unknown on a path the policies read: the id of a VM, disk or
#   replicated item, a VM's disks, an item's VM, a copy count, a nested deployment's template.
undecided := sort((_undecided_ids | _undecided_copies) | (_undecided_templates | _undecided_values)) if is_template

_undecided_ids := {_unknown(r, null, _id_reason(r)) |
	some [_, r, type, _, rid] in _deployed
	rid == null
	type in {data.asr_guard.azure.vm_type, data.asr_guard.azure.disk_type, data.asr_guard.azure.replicated_item_type}
}

_undecided_copies := {_unknown(r, rid, r.asr_guard_copy_unresolved) |
	some [_, r, _, _, rid] in _deployed
	is_string(object.get(r, "asr_guard_copy_unresolved", null))
}

_undecided_templates := {_unknown(r, rid, r.asr_guard_template_unresolved) |
	some r in _doc.resources
	is_object(r)
	is_string(object.get(r, "asr_guard_template_unresolved", null))
	rid := data.asr_guard.azure.id(object.get(r, "id", null))
}

_undecided_values := {_unknown(r, rid, value) |
	paths_of := _unresolved_paths
	some [_, r, type, _, rid] in _deployed
	some path in object.get(paths_of, type, [])
	value := data.asr_guard.azure.get(r, path)
	is_string(value)
	startswith(value, "<unresolved") # (azure.unresolved, without a function call)
}

_unknown(r, rid, reason) := {
	"label": _label(r, rid),
	"pointer": _source_pointer(r),
	"reason": data.asr_guard.azure.reason(reason),
}

_id_reason(r) := r.id if data.asr_guard.azure.unresolved(object.get(r, "id", null)) else := "the resource has no id"

# The paths the rules read that may hold an unresolved value, by resource type.
_unresolved_paths := {
	data.asr_guard.azure.vm_type: [
		["properties", "storageProfile", "dataDisks"],
		["properties", "storageProfile", "osDisk", "managedDisk", "id"],
	],
	data.asr_guard.azure.disk_type: [["properties", "creationData", "createOption"]],
	data.asr_guard.azure.replicated_item_type: [["properties", "providerSpecificDetails", "fabricObjectId"]],
}

# METADATA
# title: Enabled disk ids
# description: >-
#   Disks the replicated items of the template protect.
enabled_disk_ids := sort({id |
	some e in _resources
	e.type == "item"
	some d in e.after.disks
	is_object(d.disk)
	some id in d.disk.ids
})

# METADATA
# title: Findings
# description: >-
#   The findings of this kind of input (empty for any other input).
findings := f if {
	is_template
	f := data.asr_guard.rules.findings
} else := set()
