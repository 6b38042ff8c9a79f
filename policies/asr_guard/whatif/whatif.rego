# METADATA
# title: ARM what-if result -> change view
# description: |
#   Maps an ARM what-if result into the Azure change view: the output of `az deployment
#   group what-if --no-pretty-print -o json` ({"status", "changes": [...]}) or the REST
#   WhatIfOperationResult ({"status", "properties": {"changes": [...]}}). Each change has
#   resourceId, changeType (Create, Delete, Modify, Deploy, NoChange, Ignore, Unsupported)
#   and the before / after resource payloads. Sources: Azure Resource Manager "Template
#   deployment what-if operation"; Deployments - What If (REST), WhatIfChange.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/azure-resource-manager/templates/deploy-what-if
#     description: ARM template deployment what-if operation
#   - ref: https://learn.microsoft.com/rest/api/resources/deployments/what-if
#     description: Deployments - What If (REST)
package asr_guard.whatif

_doc := data.asr_guard.lib.document

# (No negated call on a possibly undefined reference: OPA evaluates the reference outside
# the negation, regorus inside, and they would disagree.)
_changes := _doc.changes if is_array(object.get(_doc, "changes", null))

_changes := _doc.properties.changes if {
	not is_array(object.get(_doc, "changes", null))
	is_array(object.get(_doc, ["properties", "changes"], null))
}

# METADATA
# title: Is whatif
# description: >-
#   The input is an ARM what-if result: changes, each with a resourceId and a changeType.
is_whatif if {
	is_array(_changes)
	every change in _changes {
		is_string(object.get(change, "resourceId", null))
		is_string(object.get(change, "changeType", null))
	}
}

_changes_pointer := "/changes" if is_array(object.get(_doc, "changes", null))

_changes_pointer := "/properties/changes" if not is_array(object.get(_doc, "changes", null))

_action := {
	"Create": "create",
	"Delete": "delete",
	"Modify": "update",
	"Deploy": "update",
	"NoChange": "no-op",
	"Ignore": "no-op",
}

# Every change of a type the view maps: [position, change, ARM type].
_mapped := [[i, change, type] |
	is_whatif
	some i, change in _changes
	type := data.asr_guard.azure.type_of_id(change.resourceId)
	data.asr_guard.azure.view_type[type]
	_action[change.changeType]
]

# The ids of the resources the what-if lists: what links can point at.
_keys := {data.asr_guard.lib.canonical_id(change.resourceId) | some change in _changes; is_string(change.resourceId)}

_entry(i, change, type, action, before, after) := {
	"type": data.asr_guard.azure.view_type[type],
	"key": data.asr_guard.lib.canonical_id(change.resourceId),
	"label": change.resourceId,
	"resource": change.resourceId,
	"source_type": type,
	"pointer": concat("", [_changes_pointer, "/", format_int(i, 10)]),
	"action": action,
	"actions": [change.changeType],
	"reason": null,
	"parent": null,
	"depends_on": null,
	"before": before,
	"after": after,
	"unknown": [],
}

_resources := [e |
	some [i, change, type] in _mapped
	e := _entry(
		i, change, type, _action[change.changeType],
		_payload(change, "before", type), _payload(change, "after", type),
	)
]

_payload(change, side, type) := data.asr_guard.azure.attributes(
	type,
	object.get(change, side, null),
	change.resourceId,
	_keys,
) if {
	is_object(object.get(change, side, null))
} else := null

# The data disks a VM change attaches or detaches.
_attachments := [object.union(_entry(i, change, type, action, _if(action == "delete", d), _if(action == "create", d)), {
	"type": "attachment",
	"key": concat("", [data.asr_guard.lib.canonical_id(change.resourceId), "/datadisks/", _disk_key(d)]),
	"actions": [change.changeType],
	"parent": data.asr_guard.lib.canonical_id(change.resourceId),
}) |
	some [i, change, type] in _mapped
	type == data.asr_guard.azure.vm_type
	_action[change.changeType] in {"create", "update"}
	link := data.asr_guard.azure.link(change.resourceId, _keys)
	before := data.asr_guard.azure.data_disks(object.get(change, "before", null), link, _keys)
	after := data.asr_guard.azure.data_disks(object.get(change, "after", null), link, _keys)
	some [action, d] in data.asr_guard.azure.attachment_changes(before, after)
]

_disk_key(d) := d.disk.ids[0] if count(d.disk.ids) > 0 else := concat(
	"",
	["lun-", format_int(d.lun, 10)],
) if is_number(d.lun) else := "?"

_if(condition, value) := value if condition else := null

# What is replicated: the replicated items the what-if lists, as they are before it (and,
# for the disks they protect, after it).
_items_of(side) := [item |
	some [_, change, type] in _mapped
	type == data.asr_guard.azure.replicated_item_type
	item := data.asr_guard.azure.item(object.get(change, side, null), change.resourceId, _keys)
	is_object(item)
]

_items_before := _items_of("before")

_items_either := array.concat(_items_before, _items_of("after"))

# METADATA
# title: The what-if result's change view
# description: The what-if result mapped into the Azure change view (schemas/change-view.schema.json).
view := {
	"kind": "arm-whatif",
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
} if is_whatif

# METADATA
# title: Changes
# description: >-
#   The changes that act, and the resources the what-if lists unchanged.
changes := [e | some e in array.concat(_resources, _attachments); e.action != "no-op"]

# METADATA
# title: Linked
# description: >-
#   The view entries for resources the changes point at that do not change themselves.
linked := [e | some e in _resources; e.action == "no-op"]

# METADATA
# title: Protected disk keys
# description: >-
#   Keys of view entries for disks that replicated items link to by reference (ids that may be known only after apply).
protected_disk_keys := []

# METADATA
# title: Cache account keys
# description: >-
#   Keys of view entries for cache storage accounts that replicated items link to by reference.
cache_account_keys := []

# METADATA
# title: Undecided
# description: >-
#   Changes what-if could not evaluate (changeType Unsupported): not checked.
undecided := [{
	"label": change.resourceId,
	"pointer": concat("", [_changes_pointer, "/", format_int(i, 10)]),
	"reason": _unsupported_reason(change),
} |
	some i, change in _changes
	change.changeType == "Unsupported"
]

_unsupported_reason(change) := concat(
	"",
	["what-if could not evaluate it (Unsupported): ", change.unsupportedReason],
) if {
	is_string(object.get(change, "unsupportedReason", null))
} else := "what-if could not evaluate it (Unsupported)"

# METADATA
# title: Replicated VM ids
# description: >-
#   Canonical ids of the VMs the input itself shows replicated (their replicated items as they are before the change).
replicated_vm_ids := sort({id | some item in _items_before; is_object(item.vm); some id in item.vm.ids})

# METADATA
# title: Protected disk ids
# description: >-
#   Canonical ids of the disks the replicated items in the input protect before the change.
protected_disk_ids := sort({id |
	some item in _items_before
	some d in item.disks
	is_object(d.disk)
	some id in d.disk.ids
})

# METADATA
# title: Enabled disk ids
# description: >-
#   Canonical ids of the disks the replicated items in the input protect once the change is applied.
enabled_disk_ids := sort({id |
	some item in _items_either
	some d in item.disks
	is_object(d.disk)
	some id in d.disk.ids
})

# METADATA
# title: Cache account ids
# description: >-
#   Canonical ids of the cache (staging) storage accounts of the replicated items in the input.
cache_account_ids := sort({id |
	some item in _items_either
	some d in item.disks
	is_object(d.cache)
	some id in d.cache.ids
})

# METADATA
# title: Auto protect VM ids
# description: >-
#   Canonical ids of the VMs whose replicated item protects new data disks itself (autoProtectionOfDataDisk).
auto_protect_vm_ids := sort({id |
	some item in _items_before
	item.auto_protect == true
	is_object(item.vm)
	some id in item.vm.ids
})

# METADATA
# title: Findings
# description: >-
#   The findings of this kind of input (empty for any other input).
findings := f if {
	is_whatif
	f := data.asr_guard.rules.findings
} else := set()
