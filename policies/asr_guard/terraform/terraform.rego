# METADATA
# title: Terraform plan classification
# description: |
#   Classifies the changes of a `terraform show -json` plan (format 0.x-1.x)
#   into the support-matrix scenarios of data.asr_guard.matrix.
#   Sources: HashiCorp "JSON Output Format" (resource_changes, prior_state,
#   planned_values, configuration references); azurerm provider docs for
#   azurerm_site_recovery_replicated_vm, azurerm_managed_disk,
#   azurerm_virtual_machine_data_disk_attachment and
#   azurerm_virtual_machine_implicit_data_disk_from_source.
package asr_guard.terraform

# asr_guard.lib is referred to by full path, not through an import: the embedded
# engine (regorus 0.9) resolves no function call through an import alias, and it
# evaluates every rule of a package reached through one.

# The document under evaluation (see lib/envelope.rego), read once.
_doc := data.asr_guard.lib.document

vm_types := {"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine"}

replicated_item_type := "azurerm_site_recovery_replicated_vm"

attachment_type := "azurerm_virtual_machine_data_disk_attachment"

implicit_disk_type := "azurerm_virtual_machine_implicit_data_disk_from_source"

disk_type := "azurerm_managed_disk"

is_plan if {
	is_string(_doc.format_version)
	is_string(_doc.terraform_version)
}

# --- resource changes --------------------------------------------------------

# Every rule walks only the resource types it reads, in a pass of its own over
# resource_changes (a pass per rule over all changes made a 10k-resource plan
# several times slower; on the embedded engine a comprehension filtering by type
# is cheaper than grouping the changes by type in a partial rule). Rules that
# raise events walk only the changes that create, update or delete (most
# changes of a large plan are no-ops), and the hot paths read values by
# reference rather than through helper functions, which cost several times a
# reference on the embedded engine.
relevant_types := vm_types | {replicated_item_type, attachment_type, implicit_disk_type, disk_type}

changes_of(types) := [rc |
	is_plan
	some rc in _doc.resource_changes
	rc.type in types
	object.get(rc, "mode", "managed") == "managed"
]

vm_changes := changes_of(vm_types)

legacy_vm_changes := acting_of({"azurerm_virtual_machine"})

item_changes := changes_of({replicated_item_type})

attachment_changes := acting_of({attachment_type})

implicit_disk_changes := acting_of({implicit_disk_type})

disk_changes := changes_of({disk_type})

relevant_changes := changes_of(relevant_types)

# [position, change] of the changes that create, update or delete something:
# only these raise events. (A set: a replace lists two such actions.)
acting_entries := {[i, rc] |
	is_plan
	some i, rc in _doc.resource_changes
	some action in rc.change.actions
	action in {"create", "update", "delete"}
	rc.type in relevant_types
	object.get(rc, "mode", "managed") == "managed"
}

acting_of(types) := [rc | some [_, rc] in acting_entries; rc.type in types]

acting_vm_changes := acting_of(vm_types)

acting_item_changes := acting_of({replicated_item_type})

# The current object of each address. A deposed object (left by a replace that
# failed half-way) has a change of its own under the same address, with "deposed".
change_by_address[rc.address] := rc if {
	some rc in relevant_changes
	object.get(rc, "deposed", "") == ""
}

# Positions of the changes events can be raised for.
index_by_change := {change_key(rc): i | some [i, rc] in acting_entries}

change_key(rc) := [rc.address, object.get(rc, "deposed", "")]

# Where a change is in the plan, as a JSON pointer.
pointer(rc) := concat("", ["/resource_changes/", format_int(index_by_change[change_key(rc)], 10)])

# The change's address, and its deposed key where it is about a deposed object.
described(rc) := concat("", [rc.address, " (deposed object ", rc.deposed, ")"]) if is_string(object.get(rc, "deposed", null))

described(rc) := rc.address if not is_string(object.get(rc, "deposed", null))

actions(rc) := object.get(rc.change, "actions", [])

before(rc) := object.get(rc.change, "before", null)

after(rc) := object.get(rc.change, "after", null)

# Whether a top-level argument is known only after apply (always defined: true or false).
is_unknown(rc, attr) := data.asr_guard.lib.get(data.asr_guard.lib.get(rc.change, "after_unknown", {}), attr, false) == true

removes(rc) if "delete" in rc.change.actions

creates(rc) if "create" in rc.change.actions

# Replace is ["delete","create"] or, with create_before_destroy, ["create","delete"].
is_replace(rc) if {
	removes(rc)
	creates(rc)
}

is_delete_only(rc) if {
	removes(rc)
	not creates(rc)
}

is_update(rc) if rc.change.actions == ["update"]

# The id the resource has now (before this plan), lower-cased.
current_id(rc) := lower(rc.change.before.id) if is_string(rc.change.before.id)

# --- module trees ---------------------------------------------------------------

# Rego has no recursion: module trees are read level by level, eight deep
# (the root and seven levels of nested module calls).
state_children(modules) := [child |
	some parent in modules
	some child in data.asr_guard.lib.get(parent, "child_modules", [])
]

state_modules(root) := modules if {
	l0 := [root | is_object(root)]
	l1 := state_children(l0)
	l2 := state_children(l1)
	l3 := state_children(l2)
	l4 := state_children(l3)
	l5 := state_children(l4)
	l6 := state_children(l5)
	l7 := state_children(l6)
	modules := [m | some level in [l0, l1, l2, l3, l4, l5, l6, l7]; some m in level]
}

state_resources(values) := [r |
	some m in state_modules(data.asr_guard.lib.get(values, "root_module", null))
	some r in data.asr_guard.lib.get(m, "resources", [])
	is_object(r)
	object.get(r, "mode", "managed") == "managed"
]

prior_resources := state_resources(data.asr_guard.lib.get(data.asr_guard.lib.get(_doc, "prior_state", null), "values", null)) if is_plan

planned_resources := state_resources(data.asr_guard.lib.get(_doc, "planned_values", null)) if is_plan

# Configuration modules as [address prefix, module]; prefixes have no instance keys.
config_children(entries) := [[concat("", [parent[0], "module.", name, "."]), call.module] |
	some parent in entries
	some name, call in data.asr_guard.lib.get(parent[1], "module_calls", {})
	is_object(data.asr_guard.lib.get(call, "module", null))
]

config_modules := modules if {
	is_plan
	root := data.asr_guard.lib.get(data.asr_guard.lib.get(_doc, "configuration", null), "root_module", null)
	l0 := [["", root] | is_object(root)]
	l1 := config_children(l0)
	l2 := config_children(l1)
	l3 := config_children(l2)
	l4 := config_children(l3)
	l5 := config_children(l4)
	l6 := config_children(l5)
	l7 := config_children(l6)
	modules := [entry | some level in [l0, l1, l2, l3, l4, l5, l6, l7]; some entry in level]
}

config_expressions[address] := data.asr_guard.lib.get(r, "expressions", {}) if {
	some entry in config_modules
	some r in data.asr_guard.lib.get(entry[1], "resources", [])
	data.asr_guard.lib.get(r, "mode", "managed") == "managed"
	address := concat("", [entry[0], r.address])
}

# --- addresses and references --------------------------------------------------

module_prefix(rc) := concat("", [rc.module_address, "."]) if is_string(data.asr_guard.lib.get(rc, "module_address", null))

module_prefix(rc) := "" if not is_string(data.asr_guard.lib.get(rc, "module_address", null))

# Address of the resource block, instance keys of the resource left off.
base_address(rc) := concat("", [module_prefix(rc), rc.type, ".", rc.name])

config_address(rc) := regex.replace(base_address(rc), `\[[^\]]*\]`, "")

instances_of[base] contains rc.address if {
	some rc in relevant_changes
	base := base_address(rc)
}

# The instance key suffix of an address: `[0]`, `["a"]` or "".
instance_key(rc) := substring(rc.address, count(base_address(rc)), -1)

expression_refs(expression) := [ref | some ref in data.asr_guard.lib.get(expression, "references", []); is_string(ref)]

# References of a top-level argument of rc's resource block.
attribute_refs(rc, attr) := expression_refs(data.asr_guard.lib.get(data.asr_guard.lib.get(config_expressions, config_address(rc), {}), attr, {}))

# Resource instances that the references of rc point at. Terraform lists a
# keyed reference together with its keyless forms ("x.d[0].id", "x.d[0]",
# "x.d"): a key, where given, names the instance. A keyless reference from a
# counted resource that uses count.index / each.key means the instance with
# the same key; otherwise it means every instance of the referenced resource.
ref_targets(rc, refs) := {target |
	some base in ref_bases(rc, refs)
	some target in base_targets(rc, refs, base)
}

ref_bases(rc, refs) := {base |
	some ref in refs
	[type, name] := ref_parts(ref)
	base := concat("", [module_prefix(rc), type, ".", split(name, "[")[0]])
}

keyed_targets(rc, refs, base) := {target |
	some ref in refs
	[type, name] := ref_parts(ref)
	contains(name, "[")
	target := concat("", [module_prefix(rc), type, ".", name])
	startswith(target, concat("", [base, "["]))
	change_by_address[target]
}

base_targets(rc, refs, base) := keyed_targets(rc, refs, base) if count(keyed_targets(rc, refs, base)) > 0

base_targets(rc, refs, base) := targets if {
	count(keyed_targets(rc, refs, base)) == 0
	own_key_applies(rc, refs, base)
	targets := {own_key_address(rc, base)}
}

base_targets(rc, refs, base) := object.get(instances_of, base, set()) if {
	count(keyed_targets(rc, refs, base)) == 0
	not own_key_applies(rc, refs, base)
}

own_key_address(rc, base) := concat("", [base, instance_key(rc)]) if instance_key(rc) != ""

own_key_applies(rc, refs, base) if {
	uses_own_key(refs)
	own_key_address(rc, base) in object.get(instances_of, base, set())
}

uses_own_key(refs) if {
	some ref in refs
	ref in {"count.index", "each.key", "each.value"}
}

# "azurerm_managed_disk.data[0].id" -> ["azurerm_managed_disk", "data[0]"]
ref_parts(ref) := type_and_name if {
	parts := split(ref, ".")
	count(parts) >= 2
	not parts[0] in {"module", "data", "var", "local", "count", "each", "path", "terraform", "self"}
	type_and_name := [parts[0], parts[1]]
}

# --- replication evidence ------------------------------------------------------

# VMs replicated now: named by the inventory, by the replicated items the plan
# changes (as they are before it) or by those in its prior state and planned values.
replicated_vm_ids := (data.asr_guard.lib.inventory_vm_ids | item_source_vm_ids) | state_source_vm_ids

item_source_vm_ids := {lower(id) | some rc in item_changes; id := rc.change.before.source_vm_id; is_string(id)}

state_source_vm_ids := {lower(id) |
	some r in array.concat(prior_resources, planned_resources)
	r.type == replicated_item_type
	id := r.values.source_vm_id
	is_string(id)
}

# Data disks that replicated items protect, by id and by configuration link.
protected_disk_ids contains id if some id in data.asr_guard.lib.inventory_disk_ids

protected_disk_ids contains id if {
	some values in array.concat(
		[v | some rc in item_changes; some v in [before(rc), after(rc)]],
		[r.values | some r in array.concat(prior_resources, planned_resources); r.type == replicated_item_type],
	)
	some block in data.asr_guard.lib.get(values, "managed_disk", [])
	id := data.asr_guard.lib.lower_id(data.asr_guard.lib.get(block, "disk_id", null))
}

protected_disk_addresses contains target if {
	some rc in item_changes
	is_object(after(rc))
	some block in data.asr_guard.lib.get(data.asr_guard.lib.get(config_expressions, config_address(rc), {}), "managed_disk", [])
	some target in ref_targets(rc, expression_refs(data.asr_guard.lib.get(block, "disk_id", {})))
}

# Addresses by current VM id; one id may have several (a resource moved to another
# type by import and a removed block, or a deposed object and its replacement).
vm_addresses_by_id[id] contains rc.address if {
	some rc in vm_changes
	is_string(rc.change.before.id)
	id := lower(rc.change.before.id)
}

disk_addresses_by_id[id] contains rc.address if {
	some rc in disk_changes
	some values in [object.get(rc.change, "before", null), object.get(rc.change, "after", null)]
	is_string(values.id)
	id := lower(values.id)
}

# VM ids an argument of rc points at: the known id, or the current id of the
# VM resource it references.
# (regorus 0.9 cannot schedule a comprehension in the head of a rule with a
# body: such values are built in the body.)
target_vm_ids(rc, attr) := ids if {
	value := data.asr_guard.lib.get(after(rc), attr, null)
	is_string(value)
	ids := {lower(value)}
}

target_vm_ids(rc, attr) := ids if {
	not is_string(data.asr_guard.lib.get(after(rc), attr, null))
	ids := {id |
		some target in ref_targets(rc, attribute_refs(rc, attr))
		change_by_address[target].type in vm_types
		id := current_id(change_by_address[target])
	}
}

# --- replication removed / re-added in this plan ----------------------------------

removed_vm_ids contains id if {
	some rc in acting_item_changes
	removes(rc)
	id := data.asr_guard.lib.lower_id(data.asr_guard.lib.get(before(rc), "source_vm_id", null))
}

added_vm_ids contains id if {
	some rc in acting_item_changes
	creates(rc)
	some id in target_vm_ids(rc, "source_vm_id")
}

reenabled_vm_ids := removed_vm_ids & added_vm_ids

deleted_vm_ids contains id if {
	some rc in acting_vm_changes
	is_delete_only(rc)
	id := current_id(rc)
}

# --- disks ---------------------------------------------------------------------------

# The managed disk resources a disk id argument points at: by id when it is
# known at plan time, through configuration references when it is not.
target_disks(_, value, _) := addresses if {
	is_string(value)
	addresses := {address | some address in disk_addresses_by_id[lower(value)]}
}

target_disks(rc, value, refs) := addresses if {
	not is_string(value)
	addresses := {t | some t in ref_targets(rc, refs); change_by_address[t].type == disk_type}
}

restored_disk(address) if {
	rc := change_by_address[address]
	some values in [after(rc), before(rc)]
	data.asr_guard.lib.is_restored_create_option(data.asr_guard.lib.get(values, "create_option", null))
}

disk_label(value, disks) := concat(", ", sort(disks)) if count(disks) > 0

disk_label(value, disks) := value if {
	count(disks) == 0
	is_string(value)
}

disk_label(value, disks) := "a disk known only after apply" if {
	count(disks) == 0
	not is_string(value)
}

disk_protected(value, disks) if data.asr_guard.lib.lower_id(value) in protected_disk_ids

disk_protected(_, disks) if {
	some d in disks
	d in protected_disk_addresses
}

disk_protected(_, disks) if {
	some d in disks
	some values in [before(change_by_address[d]), after(change_by_address[d])]
	data.asr_guard.lib.lower_id(data.asr_guard.lib.get(values, "id", null)) in protected_disk_ids
}

# Disks newly put on a VM: [vm change or attachment, vm ids, disk id value, disk resources]
disk_attachments contains [rc, target_vm_ids(rc, "virtual_machine_id"), value, disks] if {
	some rc in attachment_changes
	creates(rc)
	value := data.asr_guard.lib.get(after(rc), "managed_disk_id", null)
	disks := target_disks(rc, value, attribute_refs(rc, "managed_disk_id"))
}

# Legacy azurerm_virtual_machine: storage_data_disk blocks that were not there before.
disk_attachments contains [rc, {current_id(rc)}, value, disks] if {
	some rc in legacy_vm_changes
	is_update(rc)
	before_ids := {lower(d.managed_disk_id) | some d in data.asr_guard.lib.get(before(rc), "storage_data_disk", []); is_string(d.managed_disk_id)}
	some block in data.asr_guard.lib.get(after(rc), "storage_data_disk", [])
	value := data.asr_guard.lib.get(block, "managed_disk_id", null)
	is_string(value)
	not lower(value) in before_ids
	data.asr_guard.lib.get(block, "create_option", "Attach") == "Attach"
	disks := target_disks(rc, value, [])
}

disk_attachments contains [rc, {current_id(rc)}, null, disks] if {
	some rc in legacy_vm_changes
	is_update(rc)
	some i, block in data.asr_guard.lib.get(after(rc), "storage_data_disk", [])
	not is_string(data.asr_guard.lib.get(block, "managed_disk_id", null))
	unknown := data.asr_guard.lib.get(data.asr_guard.lib.get(rc.change, "after_unknown", {}), "storage_data_disk", [])
	data.asr_guard.lib.get(data.asr_guard.lib.at(unknown, i, {}), "managed_disk_id", false) == true
	block_expr := data.asr_guard.lib.at(attribute_expressions(rc, "storage_data_disk"), i, {})
	disks := target_disks(rc, null, expression_refs(data.asr_guard.lib.get(block_expr, "managed_disk_id", {})))
}

# The first nested block of a block-list argument ({} when there is none).
first_block(values, attr) := data.asr_guard.lib.at(data.asr_guard.lib.get(values, attr, []), 0, {})

attribute_expressions(rc, attr) := data.asr_guard.lib.get(data.asr_guard.lib.get(config_expressions, config_address(rc), {}), attr, [])

# --- events ---------------------------------------------------------------------------

events contains {"scenario": "vm_replace", "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some rc in acting_vm_changes
	is_replace(rc)
	id := current_id(rc)
	id in replicated_vm_ids
	detail := concat("", [rc.address, " is replaced (", concat(", ", actions(rc)), reason_text(rc), "); the replicated item keeps pointing at the old VM id"])
}

events contains {"scenario": "vm_delete", "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some rc in acting_vm_changes
	is_delete_only(rc)
	id := current_id(rc)
	id in replicated_vm_ids
	detail := concat("", [described(rc), " is deleted", reason_text(rc), " but replication of it is not removed"])
}

events contains {"scenario": "disk_restore", "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some [rc, vm_ids, value, disks] in disk_attachments
	some id in vm_ids
	id in replicated_vm_ids
	some disk in disks
	restored_disk(disk)
	detail := concat("", [disk, " (created with create_option ", created_with(disk), ") is attached to replicated VM ", vm_label(id), " by ", rc.address])
}

events contains {"scenario": "disk_restore", "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some rc in implicit_disk_changes
	creates(rc)
	data.asr_guard.lib.is_restored_create_option(data.asr_guard.lib.get(after(rc), "create_option", null))
	some id in target_vm_ids(rc, "virtual_machine_id")
	id in replicated_vm_ids
	detail := concat("", [rc.address, " creates a data disk from ", source_label(after(rc)), " (create_option ", after(rc).create_option, ") on replicated VM ", vm_label(id)])
}

events contains {"scenario": "data_disk_unprotected", "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some [rc, vm_ids, value, disks] in disk_attachments
	some id in vm_ids
	id in replicated_vm_ids
	not any_restored(disks)
	not disk_protected(value, disks)
	detail := concat("", [disk_label(value, disks), " is attached to replicated VM ", vm_label(id), " by ", rc.address, " but is not in a managed_disk block of its replicated item"])
}

events contains {"scenario": scenario, "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some [rc, value, disks] in os_disk_swaps
	id := current_id(rc)
	id in replicated_vm_ids
	scenario := swap_scenario(disks)
	detail := concat("", ["the OS disk of ", rc.address, " changes to ", disk_label(value, disks)])
}

# OS disk swaps: the managed disk id of the OS disk changes in an in-place update.
os_disk_swaps contains [rc, value, disks] if {
	some rc in acting_vm_changes
	rc.type in {"azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine"}
	is_update(rc)
	os_disk_changes(data.asr_guard.lib.get(before(rc), "os_managed_disk_id", null), data.asr_guard.lib.get(after(rc), "os_managed_disk_id", null), is_unknown(rc, "os_managed_disk_id"))
	value := data.asr_guard.lib.get(after(rc), "os_managed_disk_id", null)
	disks := target_disks(rc, value, attribute_refs(rc, "os_managed_disk_id"))
}

os_disk_swaps contains [rc, value, disks] if {
	some rc in legacy_vm_changes
	is_update(rc)
	old := data.asr_guard.lib.get(first_block(before(rc), "storage_os_disk"), "managed_disk_id", null)
	value := data.asr_guard.lib.get(first_block(after(rc), "storage_os_disk"), "managed_disk_id", null)
	unknown := data.asr_guard.lib.get(first_block(rc.change.after_unknown, "storage_os_disk"), "managed_disk_id", false) == true
	os_disk_changes(old, value, unknown)
	block_expr := data.asr_guard.lib.at(attribute_expressions(rc, "storage_os_disk"), 0, {})
	disks := target_disks(rc, value, expression_refs(data.asr_guard.lib.get(block_expr, "managed_disk_id", {})))
}

os_disk_changes(old, new, _) if {
	is_string(old)
	is_string(new)
	lower(old) != lower(new)
}

os_disk_changes(old, _, true) if is_string(old)

swap_scenario(disks) := "disk_restore" if any_restored(disks)

swap_scenario(disks) := "os_disk_swap" if not any_restored(disks)

any_restored(disks) if {
	some d in disks
	restored_disk(d)
}

events contains {"scenario": "replication_disabled", "resource": rc.address, "vm_id": id, "detail": detail, "pointer": pointer(rc)} if {
	some rc in acting_item_changes
	removes(rc)
	id := data.asr_guard.lib.lower_id(data.asr_guard.lib.get(before(rc), "source_vm_id", null))
	not id in added_vm_ids
	not id in deleted_vm_ids
	detail := concat("", [described(rc), " removes replication of VM ", vm_label(id), ", which stays"])
}

created_with(disk) := option if {
	rc := change_by_address[disk]
	option := [v.create_option | some v in [after(rc), before(rc)]; is_string(data.asr_guard.lib.get(v, "create_option", null))][0]
}

source_label(values) := values.source_resource_id if is_string(data.asr_guard.lib.get(values, "source_resource_id", null))

source_label(values) := "a source known only after apply" if not is_string(data.asr_guard.lib.get(values, "source_resource_id", null))

vm_label(id) := concat("", [concat(", ", sort(vm_addresses_by_id[id])), " (", id, ")"]) if vm_addresses_by_id[id]

vm_label(id) := id if not vm_addresses_by_id[id]

reason_text(rc) := concat("", [", ", rc.action_reason]) if is_string(data.asr_guard.lib.get(rc, "action_reason", null))

reason_text(rc) := "" if not is_string(data.asr_guard.lib.get(rc, "action_reason", null))

findings := data.asr_guard.lib.resolve(events, removed_vm_ids, reenabled_vm_ids)
