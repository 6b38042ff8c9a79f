package asr_guard.terraform

# METADATA
# title: The plan's change view
# description: The plan mapped into the Azure change view (schemas/change-view.schema.json).
view := {
	"kind": "terraform-plan",
	"resources": array.concat(changes, linked),
	"undecided": undecided,
	"replication": {
		"vm_ids": sort(replicated_vm_ids),
		"disk_ids": sort(protected_disk_ids),
		"enabled_disk_ids": sort(enabled_disk_ids),
		"disk_keys": sort(protected_disk_keys),
		"cache_account_ids": sort(cache_account_ids),
		"cache_account_keys": sort(cache_account_keys),
		"auto_protect_vm_ids": sort(auto_protect_vm_ids),
	},
} if is_plan

# METADATA
# title: Undecided
# description: >-
#   What the plan leaves unknown on a path the rules read (the mapping's parts are each a
#   rule of its own: the rules read only the parts they need).
undecided := []

# METADATA
# title: Auto protect VM ids
# description: >-
#   Canonical ids of the VMs whose replicated item protects new data disks itself (autoProtectionOfDataDisk).
auto_protect_vm_ids := set()

# METADATA
# title: Changes
# description: >-
#   The entries of the changes that act.
changes := [entry |
	some [i, rc] in _acting
	some entry in _entries_of(i, rc)
]

_acting_keys := {e.key | some e in changes}

# METADATA
# title: Linked
# description: >-
#   The entries of the resources the changes' links point at (that do not act themselves).
linked := [entry |
	some key in _linked_keys
	not key in _acting_keys
	entry := _linked_entry(key)
]

# The current objects the links point at, by address: only those (a plan may list thousands
# of resources the changes do not point at).
_linked_at := {rc.address: [i, rc] |
	linked_keys := _linked_keys
	some [i, rc] in _entries
	rc.address in linked_keys
	not is_string(object.get(rc, "deposed", null))
}

_linked_keys := {key |
	some e in changes
	some link in _links(e)
	some key in link.keys
}

_linked_entry(key) := entry if {
	[i, rc] := _linked_at[key]
	some entry in _entries_of(i, rc)
	entry.key == key
}

_linked_entry(key) := _data_disk_entry(r) if {
	some r in _data_disks_at(key)
}

# Every link an entry has, before and after.
_links(e) := [link |
	some side in [e.before, e.after]
	is_object(side)
	some link in _links_of(side)
]

_links_of(values) := array.concat(
	[link | some attr in ["os_disk", "vm", "disk"]; link := object.get(values, attr, null); is_object(link)],
	[link | some d in object.get(values, "disks", []); some link in [d.disk, d.cache]; is_object(link)],
)

# --- entries -------------------------------------------------------------------------------

_entry(i, rc, type, before, after, unknown) := {
	"type": type,
	"key": key,
	"label": key,
	"resource": rc.address,
	"source_type": rc.type,
	"pointer": concat("", ["/resource_changes/", format_int(i, 10)]),
	"action": _action(rc.change.actions),
	"actions": rc.change.actions,
	"reason": object.get(rc, "action_reason", null),
	"parent": null,
	"depends_on": null,
	"before": before,
	"after": after,
	"unknown": unknown,
} if {
	key := _key(rc)
}

_entries_of(i, rc) := [_entry(
	i,
	rc,
	"vm",
	_vm(rc, _before(rc), false),
	_vm(rc, _after(rc), true),
	_unknown(rc, _vm_paths(rc)),
)] if {
	rc.type in {"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine"}
}

_entries_of(i, rc) := array.concat(
	[_entry(i, rc, "vm", _vm(rc, _before(rc), false), _vm(rc, _after(rc), true), _unknown(rc, _vm_paths(rc)))],
	_legacy_attachments(i, rc),
) if {
	rc.type == "azurerm_virtual_machine"
}

_entries_of(i, rc) := [_entry(i, rc, "disk", _disk(_before(rc)), _disk(_after(rc)), _unknown(rc, _disk_paths))] if {
	rc.type == _disk_type
}

_entries_of(i, rc) := [
	_entry(i, rc, "disk", _disk(_before(rc)), _disk(_after(rc)), _unknown(rc, _disk_paths)),
	object.union(
		_entry(
			i,
			rc,
			"attachment",
			_implicit_attachment(rc, _before(rc), false),
			_implicit_attachment(rc, _after(rc), true),
			[],
		),
		{"key": concat("", [_key(rc), " (attachment)"]), "parent": _key(rc)},
	),
] if {
	rc.type == _implicit_type
}

_entries_of(i, rc) := [_entry(
	i,
	rc,
	"attachment",
	_attachment(rc, _before(rc), false),
	_attachment(rc, _after(rc), true),
	_unknown(rc, _attachment_paths),
)] if {
	rc.type == _attachment_type
}

_entries_of(i, rc) := [object.union(
	_entry(i, rc, "item", _item(rc, _before(rc), false), _item(rc, _after(rc), true), _unknown(rc, _item_paths)),
	{"depends_on": _depends_on(rc)},
)] if {
	rc.type == _item_type
}

_entries_of(i, rc) := [_entry(i, rc, "storage_account", _account(rc, _before(rc)), _account(rc, _after(rc)), [])] if {
	rc.type in _account_types
}

_entries_of(i, rc) := [_entry(i, rc, "nic", _nic(_before(rc)), _nic(_after(rc)), [])] if {
	rc.type == _nic_type
}

_entries_of(i, rc) := [_entry(
	i,
	rc,
	"extension",
	_extension(rc, _before(rc), false),
	_extension(rc, _after(rc), true),
	[],
)] if {
	rc.type == _extension_type
}

# The view attributes whose planned value is known only after apply.
_unknown(rc, paths) := sort([name | some name, path in paths; _is_unknown_at(rc, path)])

# A link on one side of a change: the planned side may follow references.
_side_link(values, path, rc, planned, by_id) := link if {
	planned
	link := _link(object.get(values, path, null), rc, path, by_id)
} else := link if {
	not planned
	link := _link(object.get(values, path, null), null, path, by_id)
} else := null

_canonical_or_null(x) := data.asr_guard.lib.canonical_id(x) if is_string(x) else := null

_lower_or_null(x) := lower(x) if is_string(x) else := null

_ids_or_null(xs) := ids if {
	is_array(xs)
	ids := sort({data.asr_guard.lib.canonical_id(x) | some x in xs; is_string(x)})
} else := null

# METADATA
# title: Findings
# description: >-
#   The findings of this kind of input (empty for any other input).
findings := f if {
	is_plan
	f := data.asr_guard.rules.findings
} else := set()
