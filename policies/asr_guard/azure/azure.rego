# METADATA
# title: ARM resource payloads -> change view attributes
# description: |
#   What an ARM resource body says, in the change view's attributes; shared by the ARM
#   template and what-if mappings. Sources: Microsoft.Compute virtualMachines
#   (storageProfile.osDisk, storageProfile.dataDisks[], storageProfile.diskControllerType,
#   securityProfile.encryptionAtHost, networkProfile.networkInterfaces), Microsoft.Compute
#   disks (creationData, diskSizeGB, maxShares, encryption, sku), Site Recovery
#   replicationProtectedItems (A2A: fabricObjectId; vmManagedDisks[] in the enable input,
#   protectedManagedDisks[] in an existing item's details; autoProtectionOfDataDisk),
#   Microsoft.Storage storageAccounts (allowSharedKeyAccess, networkAcls) and blobServices
#   (deleteRetentionPolicy), Microsoft.Network networkInterfaces, VM extensions.
# related_resources:
#   - ref: https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update
#     description: Virtual Machines - Create Or Update
#   - ref: https://learn.microsoft.com/rest/api/compute/disks/create-or-update
#     description: Disks - Create Or Update (creationData)
#   - ref: https://learn.microsoft.com/rest/api/site-recovery/replication-protected-items/get
#     description: Replication Protected Items - Get (A2A details)
#   - ref: https://github.com/Azure/bicep/pull/11457
#     description: Bicep, type property names are case-insensitive in ARM (Azure/bicep#11457)
package asr_guard.azure

# METADATA
# title: VM type
# description: >-
#   The lower-case ARM type of virtual machines.
vm_type := "microsoft.compute/virtualmachines"

# METADATA
# title: Disk type
# description: >-
#   The lower-case ARM type of managed disks.
disk_type := "microsoft.compute/disks"

# METADATA
# title: Replicated item type
# description: >-
#   The lower-case ARM type of Site Recovery replicated (protected) items.
replicated_item_type := concat("/", [
	"microsoft.recoveryservices/vaults/replicationfabrics",
	"replicationprotectioncontainers/replicationprotecteditems",
])

_account_type := "microsoft.storage/storageaccounts"

_blob_services_type := "microsoft.storage/storageaccounts/blobservices"

_nic_type := "microsoft.network/networkinterfaces"

_extension_type := "microsoft.compute/virtualmachines/extensions"

_deployment_type := "microsoft.resources/deployments"

# METADATA
# title: View type
# description: >-
#   The view's resource type of an ARM resource type (lower case).
view_type := {
	vm_type: "vm",
	disk_type: "disk",
	replicated_item_type: "item",
	_account_type: "storage_account",
	_blob_services_type: "storage_account",
	_nic_type: "nic",
	_extension_type: "extension",
}

# METADATA
# title: Type of id
# description: >-
#   The resource type of a resource id, lower-cased: ".../providers/NS/t1/n1/t2/n2" -> "ns/t1/t2".
type_of_id(id) := type if {
	is_string(id)
	contains(lower(id), "/providers/")
	parts := split(lower(id), "/providers/")
	segments := split(parts[count(parts) - 1], "/")
	count(segments) >= 3
	type := concat("/", array.concat([segments[0]], [segments[i] |
		some i in numbers.range(1, count(segments) - 1)
		i % 2 == 1
	]))
}

# The resource group of a resource id, lower-cased. (The id lower-cased once, not each of its
# parts; where Azure writes it first, "/subscriptions/s/resourceGroups/rg/...", the usual
# case, read without a loop over the parts.)
_resource_group_of(id) := parts[4] if {
	is_string(id)
	parts := split(lower(id), "/")
	count(parts) > 4
	parts[3] == "resourcegroups"
} else := parts[i + 1] if {
	is_string(id)
	parts := split(lower(id), "/")
	some i, part in parts
	part == "resourcegroups"
	i + 1 < count(parts)
} else := null

# The id of the resource a child resource id belongs to (".../a/x/b/y" -> ".../a/x").
_parent_id(id) := concat("/", array.slice(parts, 0, count(parts) - 2)) if {
	is_string(id)
	parts := split(id, "/")
	count(parts) > 2
} else := null

# METADATA
# title: Id
# description: >-
#   A resolved id, canonical; null for a value that is not a string or was left unresolved
#   (`asr-guard resolve` writes "<unresolved: reason>").
id(x) := lowered if {
	is_string(x)
	not startswith(x, "<unresolved")
	lowered := lower(x)

	# lib.canonical_id's own test that lower case is the canonical form, inline: the usual
	# case, without the call (a function call costs the embedded engine a dozen builtins, and
	# a template has several ids in each resource).
	trim_right(trim_space(lowered), "/") == lowered
	not contains(lowered, "%")
	not contains(lowered, "//")
} else := data.asr_guard.lib.canonical_id(x) if {
	is_string(x)
	not startswith(x, "<unresolved")
} else := null

# METADATA
# title: Reason
# description: >-
#   Why a value was left unresolved: the reason inside "<unresolved: reason>".
reason(x) := trim_suffix(trim_prefix(x, "<unresolved: "), ">") if unresolved(x) else := x

# METADATA
# title: Unresolved
# description: >-
#   The value is one asr-guard resolve left unresolved ("<unresolved: reason>").
unresolved(x) if {
	is_string(x)
	startswith(x, "<unresolved")
}

# METADATA
# title: Link
# description: >-
#   A link to the resource with this id: {"ids", "keys", "unresolved"}; keys where the input
#   has that resource (keys: the set of ids the input has).
link(x, keys) := link_of(x, id(x), keys)

# METADATA
# title: Link of
# description: >-
#   link(x, keys) with x's canonical id (id(x)) given, where the caller has made it already.
link_of(x, i, keys) := value if {
	i != null
	value := {"ids": [i], "keys": [k | k := i; k in keys], "unresolved": []}
} else := {
	"ids": [],
	"keys": [],
	"unresolved": [concat("", ["an id not known before deployment (", reason(x), ")"])],
} if {
	unresolved(x)
} else := null

# METADATA
# title: Get
# description: >-
#   The value at path (a key or an array of keys) of an ARM payload; null where there is none.
#   Property names are compared without regard to case, as Azure Resource Manager binds them
#   ("DataDisks" is dataDisks); an object with two keys that differ only in case has no value
#   there (which one Azure reads is not known). The exact spelling is tried first: it is the
#   usual case, and costs one lookup. A template read through `asr-guard resolve` has every
#   name in the REST API spelling already (validator/arm_names.py): nothing to fold there.
get(x, path) := value if {
	is_object(x)
	value := object.get(x, path, null)
	value != null
} else := null if {
	_names_canonical
} else := _get_folded(x, path)

# The document is a template as `asr-guard resolve` writes it: property names as the REST API
# spells them (validator/arm.py), so a name not found in that spelling is not there.
_names_canonical if data.asr_guard.lib.document.asr_guard.resolved == true

_get_folded(x, key) := _step(x, key) if is_string(key)

_get_folded(x, path) := _walk(x, path) if is_array(path)

# (No recursion in Rego: paths are at most five keys long here.)
_walk(x, path) := _step(x, path[0]) if count(path) == 1

_walk(x, path) := _step(_step(x, path[0]), path[1]) if count(path) == 2

_walk(x, path) := _step(_step(_step(x, path[0]), path[1]), path[2]) if count(path) == 3

_walk(x, path) := _step(_step(_step(_step(x, path[0]), path[1]), path[2]), path[3]) if count(path) == 4

_walk(x, path) := value if {
	count(path) == 5
	value := _step(_step(_step(_step(_step(x, path[0]), path[1]), path[2]), path[3]), path[4])
}

_step(x, key) := value if {
	is_object(x)
	value := object.get(x, key, null)
	value != null
} else := value if {
	is_object(x)
	is_string(key)
	folded := lower(key)
	values := [v | some k, v in x; is_string(k); lower(k) == folded]
	count(values) == 1
	value := values[0]
} else := null

# The value at path (as get reads it) if it is of JSON type t ("string", "number", "boolean",
# "object", "array"), else the value `otherwise`: the properties object of a payload is
# _typed(payload, "properties", "object", {}), a name _typed(payload, "name", "string", null).
# (get and a type test in one call: the embedded engine pays for each function call, about as
# much as for a dozen builtins, and reads a dozen paths of each resource of an input. Types are
# tested before a builtin reads the value: regorus stops on a builtin type error where OPA makes
# the expression undefined.)
_typed(x, path, t, otherwise) := value if {
	is_object(x)
	value := object.get(x, path, null)
	type_name(value) == t
} else := value if {
	not _names_canonical
	value := _get_folded(x, path)
	type_name(value) == t
} else := otherwise
