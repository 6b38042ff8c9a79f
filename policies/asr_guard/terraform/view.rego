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

_linked_keys := {key |
	some e in changes
	some link in _links(e)
	some key in link.keys
}

_linked_entry(key) := entry if {
	[i, rc] := _at[key]
	some entry in _entries_of(i, rc)
	entry.key == key
}

_linked_entry(key) := _data_disk_entry(r) if {
	some r in _data_disks
	r.address == key
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
	"key": _key(rc),
	"label": _key(rc),
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

# --- VMs -----------------------------------------------------------------------------------

_os_disk_path(rc) := [
	"storage_os_disk",
	0,
	"managed_disk_id",
] if rc.type == "azurerm_virtual_machine" else := ["os_managed_disk_id"]

_vm_paths(rc) := {"id": ["id"], "os_disk": _os_disk_path(rc), "nics": ["network_interface_ids"]}

_vm(rc, values, planned) := {
	"id": _canonical_or_null(object.get(values, "id", null)),
	"name": object.get(values, "name", null),
	"resource_group": _lower_or_null(object.get(values, "resource_group_name", null)),
	"os_disk": _side_link(values, _os_disk_path(rc), rc, planned, "disk"),
	"nics": _ids_or_null(object.get(values, "network_interface_ids", null)),
	"encryption_at_host": object.get(values, "encryption_at_host_enabled", null),
	"disk_controller": object.get(values, "disk_controller_type", null),
	"os_write_accelerator": _os_write_accelerator(rc, values),
	"data_disk_count": null,
} if is_object(values) else := null

_os_write_accelerator(rc, values) := object.get(values, ["storage_os_disk", 0, "write_accelerator_enabled"], null) if {
	rc.type == "azurerm_virtual_machine"
} else := object.get(values, ["os_disk", 0, "write_accelerator_enabled"], null)

# Legacy azurerm_virtual_machine: its storage_data_disk blocks are its attachments. A block
# in the planned value and not in the prior one (by managed disk id, or by LUN when the id is
# known only after apply) is attached; one in the prior value and not in the planned one is
# detached.
_legacy_attachments(i, rc) := array.concat(
	[_legacy_attachment(i, rc, block, j, "create") |
		some j, block in data.asr_guard.lib.get(_after(rc), "storage_data_disk", [])
		is_object(block)
		not _legacy_block_in(block, data.asr_guard.lib.get(_before(rc), "storage_data_disk", []), rc, j)
	],
	[_legacy_attachment(i, rc, block, j, "delete") |
		some j, block in data.asr_guard.lib.get(_before(rc), "storage_data_disk", [])
		is_object(block)
		_legacy_block_removed(block, data.asr_guard.lib.get(_after(rc), "storage_data_disk", []))
	],
)

_legacy_block_in(block, others, _, _) if {
	is_string(block.managed_disk_id)
	some other in others
	lower(object.get(other, "managed_disk_id", "")) == lower(block.managed_disk_id)
}

_legacy_block_in(block, others, rc, j) if {
	not is_string(object.get(block, "managed_disk_id", null))
	not _is_unknown_at(rc, ["storage_data_disk", j, "managed_disk_id"])
	some other in others
	object.get(other, "lun", null) == object.get(block, "lun", -1)
}

_legacy_block_removed(block, others) if {
	is_string(block.managed_disk_id)
	every other in others {
		lower(object.get(other, "managed_disk_id", "")) != lower(block.managed_disk_id)
		object.get(other, "lun", null) != object.get(block, "lun", null)
	}
}

_legacy_attachment(i, rc, block, j, action) := object.union(_entry(i, rc, "attachment", before, after, []), {
	"key": concat("", [_key(rc), ".storage_data_disk[", format_int(j, 10), "]"]),
	"action": action,
	"actions": [action],
	"parent": _key(rc),
}) if {
	prior := _legacy_block(rc, block, j, false)
	planned := _legacy_block(rc, block, j, true)
	before := _if(action == "delete", prior)
	after := _if(action == "create", planned)
}

_current_ids(rc) := [_current_id(rc)] if _current_id(rc) else := []

_if(condition, value) := value if condition else := null

_legacy_block(rc, block, j, planned) := {
	"vm": {"ids": _current_ids(rc), "keys": [_key(rc)], "unresolved": []},
	"disk": _legacy_disk(rc, block, j, planned),
	"lun": object.get(block, "lun", null),
	"create_option": object.get(block, "create_option", null),
	"write_accelerator": object.get(block, "write_accelerator_enabled", null),
}

_legacy_disk(rc, block, j, planned) := link if {
	planned
	link := _link(object.get(block, "managed_disk_id", null), rc, ["storage_data_disk", j, "managed_disk_id"], "disk")
} else := link if {
	link := _link(object.get(block, "managed_disk_id", null), null, [], "disk")
} else := null

# --- disks ---------------------------------------------------------------------------------

_disk_paths := {"id": ["id"], "create_option": ["create_option"], "size_gb": ["disk_size_gb"]}

_disk(values) := {
	"id": _canonical_or_null(object.get(values, "id", null)),
	"name": object.get(values, "name", null),
	"resource_group": _lower_or_null(object.get(values, "resource_group_name", null)),
	"create_option": object.get(values, "create_option", null),
	"source_id": _canonical_or_null(object.get(values, "source_resource_id", null)),
	"size_gb": object.get(values, "disk_size_gb", null),
	"sku": object.get(values, "storage_account_type", null),
	"max_shares": object.get(values, "max_shares", null),
	"encryption": {
		"disk_encryption_set_id": _canonical_or_null(object.get(values, "disk_encryption_set_id", null)),
		"settings": object.get(values, "encryption_settings", null),
	},
} if is_object(values) else := null

_data_disk_entry(r) := {
	"type": "disk",
	"key": r.address,
	"label": r.address,
	"resource": r.address,
	"source_type": r.type,
	"pointer": "",
	"action": "no-op",
	"actions": ["read"],
	"reason": null,
	"parent": null,
	"depends_on": null,
	"before": _disk(r.values),
	"after": _disk(r.values),
	"unknown": [],
}

# --- attachments ---------------------------------------------------------------------------

_attachment_paths := {"vm": ["virtual_machine_id"], "disk": ["managed_disk_id"]}

_attachment(rc, values, planned) := {
	"vm": _side_link(values, ["virtual_machine_id"], rc, planned, "vm"),
	"disk": _side_link(values, ["managed_disk_id"], rc, planned, "disk"),
	"lun": object.get(values, "lun", null),
	"create_option": object.get(values, "create_option", null),
	"write_accelerator": object.get(values, "write_accelerator_enabled", null),
} if is_object(values) else := null

# The disk of an implicit data disk is the resource itself.
_implicit_attachment(rc, values, planned) := attachment if {
	is_object(values)
	ids := [id | id := _canonical_or_null(object.get(values, "id", null)); id != null]
	attachment := {
		"vm": _side_link(values, ["virtual_machine_id"], rc, planned, "vm"),
		"disk": {"ids": ids, "keys": [_key(rc)], "unresolved": []},
		"lun": object.get(values, "lun", null),
		"create_option": object.get(values, "create_option", null),
		"write_accelerator": object.get(values, "write_accelerator_enabled", null),
	}
} else := null

# --- replicated items ----------------------------------------------------------------------

_item_paths := {"vm": ["source_vm_id"]}

_item(rc, values, planned) := item if {
	is_object(values)
	disks := [{
		"disk": _side_link(values, ["managed_disk", j, "disk_id"], rc, planned, "disk"),
		"cache": _side_link(values, ["managed_disk", j, "staging_storage_account_id"], rc, planned, "account"),
	} |
		some j, block in data.asr_guard.lib.get(values, "managed_disk", [])
		is_object(block)
	]
	item := {
		"id": _canonical_or_null(object.get(values, "id", null)),
		"name": object.get(values, "name", null),
		"vm": _side_link(values, ["source_vm_id"], rc, planned, "vm"),
		"disks": disks,
		"auto_protect": null,
		"policy_id": _canonical_or_null(object.get(values, "recovery_replication_policy_id", null)),
		"target_resource_group": _canonical_or_null(object.get(values, "target_resource_group_id", null)),
	}
} else := null

# --- storage accounts, NICs, extensions ----------------------------------------------------

_account(rc, values) := {
	"id": _canonical_or_null(object.get(values, "id", null)),
	"name": object.get(values, "name", null),
	"resource_group": _lower_or_null(object.get(values, "resource_group_name", null)),
	"shared_key": object.get(values, "shared_access_key_enabled", null),
	"default_action": object.get(values, ["network_rules", 0, "default_action"], null),
	"azure_services_bypass": _bypass(object.get(values, ["network_rules", 0, "bypass"], null)),
	"blob_soft_delete": _soft_delete(object.get(values, ["blob_properties", 0, "delete_retention_policy"], null)),
} if {
	rc.type == "azurerm_storage_account"
	is_object(values)
} else := {
	"id": _canonical_or_null(object.get(values, "storage_account_id", null)),
	"name": null,
	"resource_group": null,
	"shared_key": null,
	"default_action": object.get(values, "default_action", null),
	"azure_services_bypass": _bypass(object.get(values, "bypass", null)),
	"blob_soft_delete": null,
} if {
	is_object(values)
} else := null

_bypass(x) := "AzureServices" in x if is_array(x) else := null

_soft_delete(x) := count(x) > 0 if is_array(x) else := null

_nic(values) := {
	"id": _canonical_or_null(object.get(values, "id", null)),
	"name": object.get(values, "name", null),
	"resource_group": _lower_or_null(object.get(values, "resource_group_name", null)),
} if is_object(values) else := null

_extension(rc, values, planned) := {
	"id": _canonical_or_null(object.get(values, "id", null)),
	"vm": _side_link(values, ["virtual_machine_id"], rc, planned, "vm"),
	"publisher": object.get(values, "publisher", null),
	"extension_type": object.get(values, "type", null),
	"settings": _json_or_null(object.get(values, "settings", null)),
} if is_object(values) else := null

_json_or_null(x) := json.unmarshal(x) if {
	is_string(x)
	json.is_valid(x)
} else := null
# METADATA
# title: Findings
# description: >-
#   The findings of this kind of input (empty for any other input).
findings := f if {
	is_plan
	f := data.asr_guard.rules.findings
} else := set()
