package asr_guard.terraform

# What the azurerm resources say, in the change view's attributes.

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
