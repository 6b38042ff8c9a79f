package asr_guard.azure

# The attributes of each ARM resource type the view maps.

# --- VMs -----------------------------------------------------------------------------------

_vm(payload, resource_id, keys) := {
	"id": id(resource_id),
	"name": _string_or_null(get(payload, "name")),
	"resource_group": _resource_group_of(resource_id),
	"os_disk": link(get(_properties(payload), ["storageProfile", "osDisk", "managedDisk", "id"]), keys),
	"nics": nics,
	"encryption_at_host": _bool_or_null(get(_properties(payload), ["securityProfile", "encryptionAtHost"])),
	"disk_controller": _string_or_null(get(_properties(payload), ["storageProfile", "diskControllerType"])),
	"os_write_accelerator": _bool_or_null(get(_properties(payload), [
		"storageProfile",
		"osDisk",
		"writeAcceleratorEnabled",
	])),
	"data_disk_count": _count_or_null(get(_properties(payload), ["storageProfile", "dataDisks"])),
} if {
	is_object(payload)
	nics := sort({i |
		some n in _array_at(_properties(payload), ["networkProfile", "networkInterfaces"])
		i := id(get(n, "id"))
		i != null
	})
} else := null

# METADATA
# title: Data disks
# description: >-
#   Data disk entries of a VM payload, as attachments: {"lun", "disk", "create_option",
#   "source_id", "write_accelerator", "vm"}.
data_disks(payload, vm_link, keys) := [attachment |
	some entry in _array_at(_properties(payload), ["storageProfile", "dataDisks"])
	is_object(entry)
	attachment := {
		"vm": vm_link,
		"lun": get(entry, "lun"),
		"disk": _entry_disk(entry, keys),
		"create_option": _string_or_null(get(entry, "createOption")),
		"source_id": id(get(entry, ["sourceResource", "id"])),
		"write_accelerator": _bool_or_null(get(entry, "writeAcceleratorEnabled")),
	}
]

_entry_disk(entry, keys) := link(get(entry, ["managedDisk", "id"]), keys) if {
	get(entry, ["managedDisk", "id"]) != null
} else := {"ids": [], "keys": [], "unresolved": []}

# --- disks -----------------------------------------------------------------------------------

_disk(payload, resource_id) := {
	"id": id(resource_id),
	"name": _string_or_null(get(payload, "name")),
	"resource_group": _resource_group_of(resource_id),
	"create_option": _string_or_null(get(_properties(payload), ["creationData", "createOption"])),
	"source_id": id(get(_properties(payload), ["creationData", "sourceResourceId"])),
	"size_gb": _number_or_null(get(_properties(payload), "diskSizeGB")),
	"sku": _string_or_null(get(payload, ["sku", "name"])),
	"max_shares": _number_or_null(get(_properties(payload), "maxShares")),
	"encryption": {
		"disk_encryption_set_id": id(get(_properties(payload), ["encryption", "diskEncryptionSetId"])),
		"settings": get(_properties(payload), "encryptionSettingsCollection"),
	},
} if is_object(payload) else := null

_number_or_null(x) := x if is_number(x) else := null

_count_or_null(x) := count(x) if is_array(x) else := null

# --- replicated items ------------------------------------------------------------------------

# METADATA
# title: Item
# description: >-
#   The protected disks of an item: vmManagedDisks in the enable input (a template, a
#   what-if `after` of a create), protectedManagedDisks in an existing item's details (a GET,
#   a what-if `before`).
item(payload, resource_id, keys) := {
	"id": id(resource_id),
	"name": _string_or_null(get(payload, "name")),
	"vm": link(get(details, "fabricObjectId"), keys),
	"disks": disks,
	"auto_protect": _auto_protect(get(details, "autoProtectionOfDataDisk")),
	"policy_id": id(get(_properties(payload), "policyId")),
	"target_resource_group": id(_first_string([
		get(details, "recoveryAzureResourceGroupId"),
		get(details, "recoveryResourceGroupId"),
	])),
} if {
	is_object(payload)
	details := _object_or_empty(get(_properties(payload), "providerSpecificDetails"))
	disks := [{
		"disk": link(get(d, "diskId"), keys),
		"cache": link(get(d, "primaryStagingAzureStorageAccountId"), keys),
	} |
		some field in ["vmManagedDisks", "protectedManagedDisks"]
		some d in _array_at(details, [field])
		is_object(d)
	]
} else := null

_auto_protect(x) := lower(x) == "enabled" if is_string(x) else := null

_first_string(xs) := value if {
	strings := [x | some x in xs; is_string(x)]
	count(strings) > 0
	value := strings[0]
} else := null

# --- storage accounts, NICs, extensions ------------------------------------------------------

_account(payload, resource_id) := {
	"id": id(resource_id),
	"name": _string_or_null(get(payload, "name")),
	"resource_group": _resource_group_of(resource_id),
	"shared_key": _bool_or_null(get(_properties(payload), "allowSharedKeyAccess")),
	"default_action": _string_or_null(get(_properties(payload), ["networkAcls", "defaultAction"])),
	"azure_services_bypass": _bypass(get(_properties(payload), ["networkAcls", "bypass"])),
	"blob_soft_delete": null,
} if is_object(payload) else := null

# A blobServices child: its soft delete setting, on the account it belongs to.
_blob_services(payload, resource_id) := {
	"id": id(_parent_id(resource_id)),
	"name": null,
	"resource_group": _resource_group_of(resource_id),
	"shared_key": null,
	"default_action": null,
	"azure_services_bypass": null,
	"blob_soft_delete": _bool_or_null(get(_properties(payload), ["deleteRetentionPolicy", "enabled"])),
} if is_object(payload) else := null

_bypass(x) := contains(lower(x), "azureservices") if is_string(x) else := null

_nic(payload, resource_id, keys) := {
	"id": id(resource_id),
	"name": _string_or_null(get(payload, "name")),
	"resource_group": _resource_group_of(resource_id),
	"vm": link(get(_properties(payload), ["virtualMachine", "id"]), keys),
} if is_object(payload) else := null

_extension(payload, resource_id, keys) := {
	"id": id(resource_id),
	"vm": link(_parent_id(resource_id), keys),
	"publisher": _string_or_null(get(_properties(payload), "publisher")),
	"extension_type": _string_or_null(get(_properties(payload), "type")),
	"settings": get(_properties(payload), "settings"),
} if is_object(payload) else := null

# METADATA
# title: Attributes
# description: >-
#   The attributes of a payload of an ARM type, as the view has them.
# scope: document
attributes(type, payload, resource_id, keys) := _vm(payload, resource_id, keys) if type == vm_type

attributes(type, payload, resource_id, _) := _disk(payload, resource_id) if type == disk_type

attributes(type, payload, resource_id, keys) := item(payload, resource_id, keys) if type == replicated_item_type

attributes(type, payload, resource_id, _) := _account(payload, resource_id) if type == _account_type

attributes(type, payload, resource_id, _) := _blob_services(payload, resource_id) if type == _blob_services_type

attributes(type, payload, resource_id, keys) := _nic(payload, resource_id, keys) if type == _nic_type

attributes(type, payload, resource_id, keys) := _extension(payload, resource_id, keys) if type == _extension_type

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
