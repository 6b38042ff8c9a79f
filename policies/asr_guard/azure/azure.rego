# METADATA
# title: ARM resource payload helpers
# description: |
#   What an ARM resource body says about replication, shared by the ARM template
#   and what-if packages. Sources: Microsoft.Compute virtualMachines
#   (storageProfile.osDisk.managedDisk.id, storageProfile.dataDisks[] with
#   createOption, managedDisk.id, sourceResource.id), Microsoft.Compute disks
#   (creationData.createOption, sourceResourceId), Site Recovery
#   replicationProtectedItems (A2A providerSpecificDetails.fabricObjectId and
#   vmManagedDisks[].diskId).
package asr_guard.azure

vm_type := "microsoft.compute/virtualmachines"

disk_type := "microsoft.compute/disks"

replicated_item_type := "microsoft.recoveryservices/vaults/replicationfabrics/replicationprotectioncontainers/replicationprotecteditems"

# The resource type of a resource id, lower-cased: ".../providers/NS/t1/n1/t2/n2" -> "ns/t1/t2".
type_of_id(id) := type if {
	is_string(id)
	contains(lower(id), "/providers/")
	parts := split(lower(id), "/providers/")
	segments := split(parts[count(parts) - 1], "/")
	count(segments) >= 3
	type := concat("/", array.concat([segments[0]], [segments[i] | some i in numbers.range(1, count(segments) - 1); i % 2 == 1]))
}

# The properties object of a resource payload ({} when absent or unresolved).
# Types are checked before any builtin is called: regorus stops on a builtin type
# error where OPA makes the expression undefined.
# (One definition with else: the engines evaluate every definition of a function, and
# these are called for every resource.)
properties(payload) := value if {
	is_object(payload)
	value := object.get(payload, "properties", {})
	is_object(value)
} else := {}

# The managed disk id of the OS disk, lower-cased; undefined when there is none.
os_disk_id(payload) := lower(id) if {
	id := object.get(properties(payload), ["storageProfile", "osDisk", "managedDisk", "id"], null)
	is_string(id)
}

# Data disks as {"lun", "id", "create_option", "source"} (id and source lower-cased or null).
data_disks(payload) := [disk |
	some entry in array_at(properties(payload), ["storageProfile", "dataDisks"])
	is_object(entry)
	disk := {
		"lun": object.get(entry, "lun", null),
		"id": lower_or_null(object.get(entry, ["managedDisk", "id"], null)),
		"create_option": object.get(entry, "createOption", null),
		"source": lower_or_null(object.get(entry, ["sourceResource", "id"], null)),
	}
]

# The array at path, [] for anything else (such as an unresolved template value).
array_at(x, path) := value if {
	value := object.get(x, path, [])
	is_array(value)
} else := []

lower_or_null(x) := lower(x) if is_string(x) else := null

# The VM a replicated item protects (A2A), lower-cased.
item_vm_id(payload) := lower(id) if {
	id := object.get(properties(payload), ["providerSpecificDetails", "fabricObjectId"], null)
	is_string(id)
}

item_disk_ids(payload) := {lower(d.diskId) |
	some d in array_at(properties(payload), ["providerSpecificDetails", "vmManagedDisks"])
	is_object(d)
	is_string(object.get(d, "diskId", null))
}

disk_create_option(payload) := object.get(properties(payload), ["creationData", "createOption"], null)

# The create options by which these disk payloads come from a copy, snapshot or backup.
restored_create_options(payloads) := {option |
	some payload in payloads
	option := disk_create_option(payload)
	data.asr_guard.lib.is_restored_create_option(option)
}

# How a message says it: "created with createOption Copy, Restore".
created_with(options) := concat("", ["created with createOption ", concat(", ", sort(options))])
