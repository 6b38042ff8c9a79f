package asr_guard.azure

# The attributes of each ARM resource type the view maps.

# --- VMs -----------------------------------------------------------------------------------

_vm(payload, resource_id, keys) := vm if {
	is_object(payload)
	props := _typed(payload, "properties", "object", {})
	storage := _typed(props, "storageProfile", "object", {})
	os_disk := _typed(storage, "osDisk", "object", {})
	nics := sort({i |
		some n in _typed(props, ["networkProfile", "networkInterfaces"], "array", [])
		i := id(get(n, "id"))
		i != null
	})
	vm := {
		"id": id(resource_id),
		"name": _typed(payload, "name", "string", null),
		"resource_group": _resource_group_of(resource_id),
		"os_disk": link(get(os_disk, ["managedDisk", "id"]), keys),
		"nics": nics,
		"encryption_at_host": _typed(props, ["securityProfile", "encryptionAtHost"], "boolean", null),
		"disk_controller": _typed(storage, "diskControllerType", "string", null),
		"os_write_accelerator": _typed(os_disk, "writeAcceleratorEnabled", "boolean", null),
		"data_disk_count": _count_or_null(get(storage, "dataDisks")),
	}
} else := null

# METADATA
# title: Data disks
# description: >-
#   Data disk entries of a VM payload, as attachments: {"lun", "disk", "create_option",
#   "source_id", "write_accelerator", "vm"}.
data_disks(payload, vm_link, keys) := [attachment |
	some entry in _typed(payload, ["properties", "storageProfile", "dataDisks"], "array", [])
	is_object(entry)
	attachment := {
		"vm": vm_link,
		"lun": get(entry, "lun"),
		"disk": _entry_disk(entry, keys),
		"create_option": _typed(entry, "createOption", "string", null),
		"source_id": id(get(entry, ["sourceResource", "id"])),
		"write_accelerator": _typed(entry, "writeAcceleratorEnabled", "boolean", null),
	}
]

_entry_disk(entry, keys) := link(get(entry, ["managedDisk", "id"]), keys) if {
	get(entry, ["managedDisk", "id"]) != null
} else := {"ids": [], "keys": [], "unresolved": []}

# --- disks -----------------------------------------------------------------------------------

_disk(payload, resource_id) := disk if {
	is_object(payload)
	props := _typed(payload, "properties", "object", {})
	creation := _typed(props, "creationData", "object", {})
	encryption := _typed(props, "encryption", "object", {})
	disk := {
		"id": id(resource_id),
		"name": _typed(payload, "name", "string", null),
		"resource_group": _resource_group_of(resource_id),
		"create_option": _typed(creation, "createOption", "string", null),
		"source_id": id(get(creation, "sourceResourceId")),
		"size_gb": _typed(props, "diskSizeGB", "number", null),
		"sku": _typed(payload, ["sku", "name"], "string", null),
		"max_shares": _typed(props, "maxShares", "number", null),
		"encryption": {
			"disk_encryption_set_id": id(get(encryption, "diskEncryptionSetId")),
			"settings": get(props, "encryptionSettingsCollection"),
		},
	}
} else := null

_count_or_null(x) := count(x) if is_array(x) else := null

# --- replicated items ------------------------------------------------------------------------

# METADATA
# title: Item
# description: >-
#   The protected disks of an item: vmManagedDisks in the enable input (a template, a
#   what-if `after` of a create), protectedManagedDisks in an existing item's details (a GET,
#   a what-if `before`).
item(payload, resource_id, keys) := value if {
	is_object(payload)
	props := _typed(payload, "properties", "object", {})
	details := _typed(props, "providerSpecificDetails", "object", {})
	disks := [{
		"disk": link(get(d, "diskId"), keys),
		"cache": link(get(d, "primaryStagingAzureStorageAccountId"), keys),
	} |
		some field in ["vmManagedDisks", "protectedManagedDisks"]
		some d in _typed(details, [field], "array", [])
		is_object(d)
	]
	value := {
		"id": id(resource_id),
		"name": _typed(payload, "name", "string", null),
		"vm": link(get(details, "fabricObjectId"), keys),
		"disks": disks,
		"auto_protect": _auto_protect(get(details, "autoProtectionOfDataDisk")),
		"policy_id": id(get(props, "policyId")),
		"target_resource_group": id(_first_string([
			get(details, "recoveryAzureResourceGroupId"),
			get(details, "recoveryResourceGroupId"),
		])),
	}
} else := null

_auto_protect(x) := lower(x) == "enabled" if is_string(x) else := null

_first_string(xs) := value if {
	strings := [x | some x in xs; is_string(x)]
	count(strings) > 0
	value := strings[0]
} else := null

# --- storage accounts, NICs, extensions ------------------------------------------------------

_account(payload, resource_id) := account if {
	is_object(payload)
	props := _typed(payload, "properties", "object", {})
	acls := _typed(props, "networkAcls", "object", {})
	account := {
		"id": id(resource_id),
		"name": _typed(payload, "name", "string", null),
		"resource_group": _resource_group_of(resource_id),
		"shared_key": _typed(props, "allowSharedKeyAccess", "boolean", null),
		"default_action": _typed(acls, "defaultAction", "string", null),
		"azure_services_bypass": _bypass(get(acls, "bypass")),
		"blob_soft_delete": null,
	}
} else := null

# A blobServices child: its soft delete setting, on the account it belongs to.
_blob_services(payload, resource_id) := {
	"id": id(_parent_id(resource_id)),
	"name": null,
	"resource_group": _resource_group_of(resource_id),
	"shared_key": null,
	"default_action": null,
	"azure_services_bypass": null,
	"blob_soft_delete": _typed(payload, ["properties", "deleteRetentionPolicy", "enabled"], "boolean", null),
} if is_object(payload) else := null

_bypass(x) := contains(lower(x), "azureservices") if is_string(x) else := null

_nic(payload, resource_id, keys) := {
	"id": id(resource_id),
	"name": _typed(payload, "name", "string", null),
	"resource_group": _resource_group_of(resource_id),
	"vm": link(get(payload, ["properties", "virtualMachine", "id"]), keys),
} if is_object(payload) else := null

_extension(payload, resource_id, keys) := extension if {
	is_object(payload)
	props := _typed(payload, "properties", "object", {})
	extension := {
		"id": id(resource_id),
		"vm": link(_parent_id(resource_id), keys),
		"publisher": _typed(props, "publisher", "string", null),
		"extension_type": _typed(props, "type", "string", null),
		"settings": get(props, "settings"),
	}
} else := null

# (One rule with else branches, not one rule per type: the embedded engine binds the arguments
# and switches module for every rule of a function it calls, and it calls this once for each
# resource of an input.)

# METADATA
# title: Attributes
# description: >-
#   The attributes of a payload of an ARM type, as the view has them.
attributes(type, payload, resource_id, keys) := _vm(payload, resource_id, keys) if {
	type == vm_type
} else := _disk(payload, resource_id) if {
	type == disk_type
} else := item(payload, resource_id, keys) if {
	type == replicated_item_type
} else := _account(payload, resource_id) if {
	type == _account_type
} else := _blob_services(payload, resource_id) if {
	type == _blob_services_type
} else := _nic(payload, resource_id, keys) if {
	type == _nic_type
} else := _extension(payload, resource_id, keys) if {
	type == _extension_type
}

# METADATA
# title: Attachment changes
# description: >-
#   Attachments a VM change makes or ends: data disks in `after` and not in `before` are
#   attached, those in `before` and not in `after` detached (matched by managed disk id, or by
#   LUN for an entry with no id).
attachment_changes(before, after) := array.concat(
	[["create", d] | some d in after; not _among(d, before)],
	[["delete", d] | some d in before; not _among(d, after)],
)

_among(d, others) if {
	count(d.disk.ids) > 0
	some o in others
	o.disk.ids == d.disk.ids
}

_among(d, others) if {
	count(d.disk.ids) == 0
	some o in others
	o.lun == d.lun
}
