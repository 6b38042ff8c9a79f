package asr_guard.terraform

# Links: what an id-valued argument points at. Known at plan time, an id names the changes
# with that id; known only after apply, it is followed through the configuration's
# references: to a resource of the same module (instance keys as Terraform means them), and
# through module outputs, module variables, each.value and data sources. A local value cannot
# be followed (plans do not carry locals: hashicorp/terraform#35674); a reference that cannot
# be followed is kept in the link's `unresolved`.

_expression(rc, path) := value if {
	value := object.get(_block_of(rc), array.concat(["expressions"], path), {})
	is_object(value)
} else := {}

_refs(expression) := [ref | some ref in data.asr_guard.lib.get(expression, "references", []); is_string(ref)]

_reserved_roots := {"module", "data", "var", "local", "count", "each", "path", "terraform", "self"}

# "azurerm_managed_disk.data[0].id" -> ["azurerm_managed_disk", "data[0]"]
_ref_parts(ref) := [parts[0], parts[1]] if {
	parts := split(ref, ".")
	count(parts) >= 2
	not parts[0] in _reserved_roots
}

# Instance addresses by block address (module instance keys kept, resource keys left off).
_instances[base] contains _key(rc) if {
	some [_, rc] in _entries
	base := _base_address(rc)
}

# --- references to resources of the same module -------------------------------------------
# Terraform lists a keyed reference with its keyless forms ("x.d[0].id", "x.d[0]", "x.d"):
# a key, where given, names the instance. A keyless reference from a counted resource that
# uses count.index / each.key means the instance with the same key; otherwise every instance.

_direct_targets(rc, refs) := {target |
	some base in _direct_bases(rc, refs)
	some target in _base_targets(rc, refs, base)
}

_direct_bases(rc, refs) := {base |
	some ref in refs
	[type, name] := _ref_parts(ref)
	base := concat("", [_module_prefix(rc), type, ".", split(name, "[")[0]])
}

_keyed_targets(rc, refs, base) := {target |
	some ref in refs
	[type, name] := _ref_parts(ref)
	contains(name, "[")
	target := concat("", [_module_prefix(rc), type, ".", name])
	startswith(target, concat("", [base, "["]))
	_at[target]
}

_base_targets(rc, refs, base) := _keyed_targets(rc, refs, base) if count(_keyed_targets(rc, refs, base)) > 0

_base_targets(rc, refs, base) := {_own_key_address(rc, base)} if {
	count(_keyed_targets(rc, refs, base)) == 0
	_own_key_applies(rc, refs, base)
}

_base_targets(rc, refs, base) := _instances_of(base) if {
	count(_keyed_targets(rc, refs, base)) == 0
	not _own_key_applies(rc, refs, base)
}

_own_key_address(rc, base) := concat("", [base, _instance_key(rc)]) if _instance_key(rc) != ""

_own_key_applies(rc, refs, base) if {
	some ref in refs
	ref in {"count.index", "each.key", "each.value"}
	_own_key_address(rc, base) in _instances_of(base)
}

# --- references followed across modules, each.value and data sources -------------------------
# A step reads one reference in one module ([configuration prefix, reference]) and gives
# either further steps, a resource or data source found (["resource" | "data", address]) or
# a reference that cannot be followed (["open", reference]). Five steps deep.

_step(step) := out if {
	[type, name] := _ref_parts(step[1])
	out := {["resource", concat("", [step[0], type, ".", split(name, "[")[0]])]}
}

_step(step) := out if {
	parts := split(step[1], ".")
	parts[0] == "data"
	count(parts) >= 3
	out := {["data", concat("", [step[0], "data.", parts[1], ".", split(parts[2], "[")[0]])]}
}

_step(step) := out if {
	parts := split(step[1], ".")
	parts[0] == "module"
	count(parts) >= 3
	child := concat("", [step[0], "module.", split(parts[1], "[")[0], "."])
	output := object.get(_module_at(child), ["outputs", split(parts[2], "[")[0]], {})
	out := {["step", [child, r]] | some r in _refs(object.get(output, "expression", {}))}
}

_step(step) := out if {
	parts := split(step[1], ".")
	parts[0] == "var"
	count(parts) >= 2
	call := _parent_call(step[0])
	expression := object.get(_module_at(call[0]), ["module_calls", call[1], "expressions", parts[1]], {})
	out := {["step", [call[0], r]] | some r in _refs(expression)}
}

_step(step) := {["open", step[1]]} if split(step[1], ".")[0] == "local"

_step(step) := {["open", step[1]]} if {
	split(step[1], ".")[0] == "var"
	not _parent_call(step[0])
}

# "module.a.module.b." -> ["module.a.", "b"]
_parent_call(prefix) := [parent, call] if {
	parts := split(trim_suffix(prefix, "."), ".")
	count(parts) >= 2
	parts[count(parts) - 2] == "module"
	call := parts[count(parts) - 1]
	parent := concat("", [concat(".", array.slice(parts, 0, count(parts) - 2)), _dot(count(parts) - 2)])
}

_dot(n) := "." if n > 0 else := ""

_follow(steps) := {next | some step in steps; some next in _step(step)}

_next_steps(found) := {e[1] | some e in found; e[0] == "step"}

# Every end a set of steps reaches, five steps deep.
_ends(steps) := ends if {
	f1 := _follow(steps)
	f2 := _follow(_next_steps(f1))
	f3 := _follow(_next_steps(f2))
	f4 := _follow(_next_steps(f3))
	f5 := _follow(_next_steps(f4))
	ends := {e | some level in [f1, f2, f3, f4, f5]; some e in level; e[0] != "step"}
}

# The first steps of rc's references: each.value is the for_each collection's element, the
# instance with rc's own key when the collection is a resource.
_first_steps(rc, refs) := {[_config_prefix(rc), ref] |
	some ref in refs
	not _ref_parts(ref)
	not startswith(ref, "each.")
} | {[_config_prefix(rc), ref] |
	_uses_each_value(refs)
	some ref in _refs(object.get(_block_of(rc), "for_each_expression", {}))
	not _ref_parts(ref)
}

_uses_each_value(refs) if {
	some ref in refs
	startswith(ref, "each.value")
}

# Resources each.value stands for when for_each iterates over a resource: its instance with
# rc's key.
_each_targets(rc, refs) := {target |
	_uses_each_value(refs)
	some ref in _refs(object.get(_block_of(rc), "for_each_expression", {}))
	[type, name] := _ref_parts(ref)
	target := concat("", [_module_prefix(rc), type, ".", split(name, "[")[0], _instance_key(rc)])
	_at[target]
}

# Instances of a configuration address (found by following references across modules).
_config_instances(address) := keys if {
	parts := split(address, ".")
	count(parts) >= 2
	name := parts[count(parts) - 1]
	type := parts[count(parts) - 2]
	keys := {_key(rc) | some [_, rc] in _entries; rc.name == name; rc.type == type; _config_address(rc) == address}
}

_data_at(address) := {r.address |
	some r in _data_disks
	regex.replace(r.address, `\[[^\]]*\]`, "") == address
}

_followed(rc, refs) := {"keys": keys, "open": open} if {
	ends := _ends(_first_steps(rc, refs))
	resources := {k | some e in ends; e[0] == "resource"; address := e[1]; some k in _config_instances(address)}
	data_sources := {k | some e in ends; e[0] == "data"; address := e[1]; some k in _data_at(address)}
	keys := resources | data_sources
	open := {e[1] | some e in ends; e[0] == "open"}
}

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
	some r in _data_disks
	r.address == key
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

# Keys by id: the changes and data sources with this id, before or after the plan.
# Keys by id, for the ids the acting changes name (an id in a value of theirs, or of one of
# their nested blocks): a plan may have thousands of resources, and only these are looked up.
# (Hot: one pass over each type's changes. Values are read by reference, not through helper
# functions, which cost the embedded engine several times a reference.)
_wanted_ids := {lower(value) |
	some [_, rc] in _acting
	some side in ["before", "after"]
	some value in _id_values(rc.change[side])
}

# String values that may be resource ids: top-level, and one level into nested blocks.
_id_values(values) := found if {
	is_object(values)
	top := {v | some v in values; is_string(v); startswith(v, "/")}
	nested := {v |
		some blocks in values
		is_array(blocks)
		some block in blocks
		is_object(block)
		some v in block
		is_string(v)
		startswith(v, "/")
	}
	found := top | nested
} else := set()

_vm_keys_by_id[id] contains rc.address if {
	some rc in _vm_changes
	value := _id_now_or_planned(rc)
	id := lower(value)
	id in _wanted_ids
}

_disk_keys_by_id[id] contains rc.address if {
	some rc in _disk_changes
	value := _id_now_or_planned(rc)
	id := lower(value)
	id in _wanted_ids
}

# A resource's id: the one it has now, or, for one the plan creates, the planned one (the id
# does not change otherwise: a replaced Azure resource keeps its id).
_id_now_or_planned(rc) := rc.change.before.id if {
	is_string(rc.change.before.id)
} else := rc.change.after.id if {
	is_string(rc.change.after.id)
}

_disk_keys_by_id[id] contains r.address if {
	some r in _data_disks
	is_string(r.values.id)
	id := lower(r.values.id)
}

_account_keys_by_id[id] contains rc.address if {
	some rc in _account_changes
	rc.type == "azurerm_storage_account"
	value := _id_now_or_planned(rc)
	id := lower(value)
	id in _wanted_ids
}

# Managed disks read by data sources (their values are in the prior state or planned values).
_data_disks := [r |
	some r in array.concat(_prior_resources, _planned_resources)
	r.mode == "data"
	r.type == _disk_type
	is_object(r.values)
]

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
		some r in _prior_resources
		r.address == rc.address
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
