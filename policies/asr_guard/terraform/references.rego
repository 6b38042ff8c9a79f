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
	named := _entries_named_as(concat(".", [type, name]))
	keys := {_key(rc) | some rc in named; _config_address(rc) == address}
}

# The changes by resource type and name, "type.name" (module and instance keys left off):
# indexed once, not scanned for every reference followed.
_entries_named[type_name] contains rc if {
	some [_, rc] in _entries
	type_name := concat(".", [rc.type, rc.name])
}

_entries_named_as(type_name) := entries if {
	entries := _entries_named[type_name]
} else := set()

_data_at(address) := addresses if {
	addresses := _data_by_config_address[address]
} else := set()

_followed(rc, refs) := {"keys": keys, "open": open} if {
	ends := _ends(_first_steps(rc, refs))
	resources := {k | some e in ends; e[0] == "resource"; address := e[1]; some k in _config_instances(address)}
	data_sources := {k | some e in ends; e[0] == "data"; address := e[1]; some k in _data_at(address)}
	keys := resources | data_sources
	open := {e[1] | some e in ends; e[0] == "open"}
}
