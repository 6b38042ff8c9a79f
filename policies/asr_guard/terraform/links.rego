package asr_guard.terraform

# Links from a resource to the resources its configuration references, and its dependencies.

# --- links ---------------------------------------------------------------------------------
# {"ids": the canonical ids it points at now, "keys": view keys of the resources it points
#  at, "unresolved": references that could not be followed}. null when the argument is not set.

_link(value, _, _, kind) := link if {
	is_string(value)
	id := data.asr_guard.lib.canonical_id(value)
	link := {"ids": [id], "keys": sort(_keys_by_id(kind, lower(value))), "unresolved": []}
}

_link(value, rc, path, _) := link if {
	not is_string(value)
	_is_unknown_at(rc, path)
	refs := _refs(_expression(rc, path))
	followed := _followed(rc, refs)
	keys := (_direct_targets(rc, refs) | _each_targets(rc, refs)) | followed.keys
	ids := {id | some k in keys; id := _id_of_key(k)}
	link := {
		"ids": sort(ids),
		"keys": sort(keys),
		"unresolved": sort({_unfollowed(r) | some r in followed.open; count(keys) == 0}),
	}
}

_unfollowed(ref) := concat("", [ref, ", a local value (plans do not carry local values)"]) if {
	startswith(ref, "local.")
} else := concat("", [ref, ", which cannot be followed in the plan"])

# Whether the planned value at path (an argument, or [block, index, argument]) is unknown.
_is_unknown_at(rc, path) := object.get(object.get(rc.change, "after_unknown", {}), path, false) == true

# The current id of a resource key: a change's id before the plan, a data source's id.
_id_of_key(key) := _current_id(_at[key][1])

_id_of_key(key) := data.asr_guard.lib.canonical_id(r.values.id) if {
	some r in _data_disks_at(key)
	is_string(r.values.id)
}

# (Partial rules are read through functions with a default: regorus leaves a partial rule
# with no entries undefined where OPA makes it empty.)
_keys_by_id(kind, id) := keys if {
	kind == "vm"
	keys := _vm_keys_by_id[id]
} else := keys if {
	kind == "disk"
	keys := _disk_keys_by_id[id]
} else := keys if {
	kind == "account"
	keys := _account_keys_by_id[id]
} else := set()

_block_of(rc) := block if {
	block := _config_block[_config_address(rc)]
} else := {}

_module_at(prefix) := module if {
	module := _config_module[prefix]
} else := {}

_instances_of(base) := instances if {
	instances := _instances[base]
} else := set()

# Keys by id: the changes and data sources with this id, before or after the plan, as sets.
# Every change of the type is indexed: one pass over them, cheaper than first collecting the
# ids the acting changes name (which cost a plan that replaces thousands of VMs seconds).
# (Hot: where every id has one key, the usual case, the index is one object comprehension; a
# partial rule cost the embedded engine half as much again. Ids with several keys, such as a
# disk both managed and read by a data source, are grouped by the partial rules.)
_vm_keys_by_id := _unique_index(_vm_id_pairs) if _unique_ids(_vm_id_pairs) else := _vm_keys_grouped

_disk_keys_by_id := _unique_index(_disk_id_pairs) if _unique_ids(_disk_id_pairs) else := _disk_keys_grouped

_account_keys_by_id := _unique_index(_account_id_pairs) if {
	_unique_ids(_account_id_pairs)
} else := _account_keys_grouped

_vm_id_pairs := [[lower(_change_id(rc)), rc.address] | some rc in _vm_changes]

_disk_id_pairs := array.concat(
	[[lower(_change_id(rc)), rc.address] | some rc in _disk_changes],
	[[lower(r.values.id), r.address] | some r in _data_disks; is_string(r.values.id)],
)

_account_id_pairs := [[lower(_change_id(rc)), rc.address] | some rc in _storage_accounts]

_unique_ids(pairs) if count({p[0] | some p in pairs}) == count(pairs)

_unique_index(pairs) := index if {
	index := {p[0]: {p[1]} | some p in pairs}
}

_vm_keys_grouped[id] contains key if some [id, key] in _vm_id_pairs

_disk_keys_grouped[id] contains key if some [id, key] in _disk_id_pairs

_account_keys_grouped[id] contains key if some [id, key] in _account_id_pairs

_storage_accounts := [rc | some rc in _account_changes; rc.type == "azurerm_storage_account"]

# The id of a change's resource: the one it has now, or, for one the plan creates, the
# planned one (the id does not change otherwise: a replaced Azure resource keeps its id).
# (Hot: one call per change of the type; the index built straight from it, with no set of
# [id, address] pairs in between, cost a 10k plan a sixth less.)
_change_id(rc) := id if {
	id := rc.change.before.id
	is_string(id)
} else := id if {
	id := rc.change.after.id
	is_string(id)
}

# Managed disks read by data sources (their values are in the prior state or planned values).
_data_disks := [r |
	t := _disk_type
	some r in array.concat(_prior_resources, _planned_resources)
	r.mode == "data"
	r.type == t
	is_object(r.values)
]

# Data source disks by address and by configuration address (indexed once).
_data_disks_by_address[r.address] contains r if some r in _data_disks

_data_disks_at(address) := rs if {
	rs := _data_disks_by_address[address]
} else := set()

_data_by_config_address[address] contains r.address if {
	some r in _data_disks
	address := _strip_keys(r.address)
}

# --- dependencies --------------------------------------------------------------------------
# What a resource depends on, as configuration addresses (no instance keys): the dependencies
# the prior state records for it (the order Terraform destroys it in), its configuration's
# depends_on and the resources and modules its configuration refers to (the order Terraform
# creates it in). Read for replicated items: Terraform removes an item before it changes what
# the item depends on, and creates it after (hashicorp/terraform docs/destroying.md).
_depends_on(rc) := sort((prior | configured) | referenced) if {
	prefix := _config_prefix(rc)
	block := _block_of(rc)
	prior := {_strip_keys(d) |
		some r in _prior_at(rc.address)
		some d in object.get(r, "depends_on", [])
		is_string(d)
	}
	configured := {concat("", [prefix, _strip_keys(d)]) | some d in object.get(block, "depends_on", []); is_string(d)}
	referenced := {concat("", [prefix, target]) |
		walk(object.get(block, "expressions", {}), [path, refs])
		count(path) > 0
		path[count(path) - 1] == "references"
		is_array(refs)
		some ref in refs
		is_string(ref)
		target := _ref_target(ref)
	}
}

_strip_keys(address) := regex.replace(address, `\[[^\]]*\]`, "")

# The resource or module a reference is to: "azurerm_x.y" or "module.m".
_ref_target(ref) := concat(".", [type, split(name, "[")[0]]) if {
	[type, name] := _ref_parts(ref)
} else := concat(".", ["module", split(parts[1], "[")[0]]) if {
	parts := split(ref, ".")
	parts[0] == "module"
	count(parts) >= 2
}

_prior_by_address[r.address] contains r if some r in _prior_resources

_prior_at(address) := rs if {
	rs := _prior_by_address[address]
} else := set()
