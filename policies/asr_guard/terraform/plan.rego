# METADATA
# title: Terraform plan -> change view
# description: |
#   Maps a `terraform show -json` plan (format 0.x-1.x) into the Azure change view
#   (see policies/README.md and schemas/change-view.schema.json): the resources the plan
#   creates, updates, deletes, replaces or forgets, the resources those point at, and what
#   is replicated now. Addresses, configuration references and unknown values stay here.
#   Sources: HashiCorp "JSON Output Format" (resource_changes, prior_state, planned_values,
#   configuration references); azurerm provider docs for the resource types below.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/internals/json-format
#     description: Terraform JSON output format (plan representation)
#   - ref: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/site_recovery_replicated_vm
#     description: azurerm_site_recovery_replicated_vm
package asr_guard.terraform

# Performance (see policies/README.md): the plan is read once into _doc; each pass over
# resource_changes filters by type in a comprehension; only changes that act, and what
# they point at, are normalised into view entries; hot paths read values by reference.

_doc := data.asr_guard.lib.document

# METADATA
# title: Is plan
# description: >-
#   The input is a Terraform plan JSON (terraform show -json of a saved plan).
is_plan if {
	is_string(_doc.format_version)
	is_string(_doc.terraform_version)
}

_vm_types := {"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine"}

_item_type := "azurerm_site_recovery_replicated_vm"

_attachment_type := "azurerm_virtual_machine_data_disk_attachment"

_implicit_type := "azurerm_virtual_machine_implicit_data_disk_from_source"

_disk_type := "azurerm_managed_disk"

_account_types := {"azurerm_storage_account", "azurerm_storage_account_network_rules"}

_nic_type := "azurerm_network_interface"

_extension_type := "azurerm_virtual_machine_extension"

_types := (_vm_types | _account_types) | {
	_item_type,
	_attachment_type,
	_implicit_type,
	_disk_type,
	_nic_type,
	_extension_type,
}

# The view's resource type of a Terraform resource type.
_view_type := {
	"azurerm_linux_virtual_machine": "vm",
	"azurerm_windows_virtual_machine": "vm",
	"azurerm_virtual_machine": "vm",
	"azurerm_site_recovery_replicated_vm": "item",
	"azurerm_virtual_machine_data_disk_attachment": "attachment",
	"azurerm_virtual_machine_implicit_data_disk_from_source": "disk",
	"azurerm_managed_disk": "disk",
	"azurerm_storage_account": "storage_account",
	"azurerm_storage_account_network_rules": "storage_account",
	"azurerm_network_interface": "nic",
	"azurerm_virtual_machine_extension": "extension",
}

# [position, change] of every managed change of a mapped type.
_entries := entries if {
	count(_unmanaged_at) == 0
	entries := [[i, rc] |
		is_plan
		wanted := _types
		some i, rc in _doc.resource_changes
		rc.type in wanted
	]
} else := entries if {
	entries := [[i, rc] |
		is_plan
		wanted := _types
		unmanaged := _unmanaged_at
		some i, rc in _doc.resource_changes
		rc.type in wanted
		not i in unmanaged
	]
}

# Positions of the changes that are not of managed resources (a change without a mode is of
# one; a plan seldom holds any: data sources read during apply). A comprehension over every
# change reads other rules through local variables: a rule read inside the loop costs the
# embedded engine a lookup per change.
_unmanaged_at := {i | some i, rc in _doc.resource_changes; rc.mode != "managed"}

# Positions of the changes of deposed objects.
_deposed_at := {i | some i, rc in _doc.resource_changes; d := rc.deposed; is_string(d)}

_changes_of(types) := [rc | some [_, rc] in _entries; rc.type in types]

_vm_changes := _changes_of(_vm_types)

_item_changes := _changes_of({_item_type})

_disk_changes := _changes_of({_disk_type, _implicit_type})

_account_changes := _changes_of(_account_types)

# The changes that act: create, update, delete (a replace is both) or forget. A set: a
# replace lists two such actions.
_acting := {[i, rc] |
	is_plan
	wanted := _types
	unmanaged := _unmanaged_at
	some i, rc in _doc.resource_changes
	rc.change.actions != ["no-op"]
	rc.type in wanted
	not i in unmanaged
	some action in rc.change.actions
	action in {"create", "update", "delete", "forget"}
}

# Every change by key (its address, and its deposed key for a deposed object), with its position.
# (Hot: built by two comprehensions, the key read by reference; a partial object rule with a
# function call per change cost the embedded engine several times as much.)
_at := object.union(_current_objects, _deposed_objects)

_current_objects := {rc.address: [i, rc] |
	deposed := _deposed_at
	some [i, rc] in _entries
	not i in deposed
}

_deposed_objects := {key: [i, rc] |
	deposed := _deposed_at
	count(deposed) > 0
	some [i, rc] in _entries
	i in deposed
	key := _key(rc)
}

_key(rc) := concat("", [rc.address, " (deposed object ", deposed, ")"]) if {
	deposed := rc.deposed
	is_string(deposed)
} else := rc.address

# The current object of each address (a deposed object has a change of its own).
_current_at(address) := _at[address][1]

# create, update, delete, replace (either order), forget or no-op.
_action(actions) := "replace" if {
	"delete" in actions
	"create" in actions
} else := "create" if {
	"create" in actions
} else := "delete" if {
	"delete" in actions
} else := "update" if {
	"update" in actions
} else := "forget" if {
	"forget" in actions
} else := "no-op"

_before(rc) := object.get(rc.change, "before", null)

_after(rc) := object.get(rc.change, "after", null)

# Whether an argument of the planned object is known only after apply.
_is_unknown(rc, attr) := data.asr_guard.lib.get(
	data.asr_guard.lib.get(rc.change, "after_unknown", {}),
	attr,
	false,
) == true

# The id the resource has now (before this plan), canonical.
_current_id(rc) := data.asr_guard.lib.canonical_id(rc.change.before.id) if is_string(rc.change.before.id)
