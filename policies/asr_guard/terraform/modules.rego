package asr_guard.terraform

# Module trees of the plan's state and configuration. Rego has no recursion: trees are read
# level by level, eight deep (the root and seven levels of nested module calls).

_state_children(modules) := [child |
	some parent in modules
	some child in data.asr_guard.lib.get(parent, "child_modules", [])
]

_state_modules(root) := modules if {
	l0 := [root | is_object(root)]
	l1 := _state_children(l0)
	l2 := _state_children(l1)
	l3 := _state_children(l2)
	l4 := _state_children(l3)
	l5 := _state_children(l4)
	l6 := _state_children(l5)
	l7 := _state_children(l6)
	modules := [m | some level in [l0, l1, l2, l3, l4, l5, l6, l7]; some m in level]
}

# Resources of a state document (prior_state or planned_values), managed and data.
_state_resources(values) := [r |
	some m in _state_modules(data.asr_guard.lib.get(values, "root_module", null))
	some r in data.asr_guard.lib.get(m, "resources", [])
	is_object(r)
]

# METADATA
# title: Prior resources
# description: >-
#   The managed and data resources of the plan's prior state, in every module (undefined when
#   the input is not a plan).
prior_resources := _prior_resources

_prior_resources := _state_resources(data.asr_guard.lib.get(
	data.asr_guard.lib.get(_doc, "prior_state", null),
	"values",
	null,
)) if is_plan

_planned_resources := _state_resources(data.asr_guard.lib.get(_doc, "planned_values", null)) if is_plan

_state_resources_of(type) := [r |
	some r in array.concat(_prior_resources, _planned_resources)
	r.type == type
]

# Configuration modules by address prefix ("" for the root, "module.a.module.b." below it;
# configuration prefixes have no instance keys).
_config_children(entries) := [[concat("", [parent[0], "module.", name, "."]), call.module] |
	some parent in entries
	some name, call in data.asr_guard.lib.get(parent[1], "module_calls", {})
	is_object(data.asr_guard.lib.get(call, "module", null))
]

_config_modules := modules if {
	is_plan
	root := data.asr_guard.lib.get(data.asr_guard.lib.get(_doc, "configuration", null), "root_module", null)
	l0 := [["", root] | is_object(root)]
	l1 := _config_children(l0)
	l2 := _config_children(l1)
	l3 := _config_children(l2)
	l4 := _config_children(l3)
	l5 := _config_children(l4)
	l6 := _config_children(l5)
	l7 := _config_children(l6)
	modules := [entry | some level in [l0, l1, l2, l3, l4, l5, l6, l7]; some entry in level]
}

_config_module[prefix] := module if some [prefix, module] in _config_modules

# The configuration block of each resource, by configuration address (no instance keys).
_config_block[address] := r if {
	some [prefix, module] in _config_modules
	some r in data.asr_guard.lib.get(module, "resources", [])
	is_string(data.asr_guard.lib.get(r, "address", null))
	address := concat("", [prefix, r.address])
}

# The address prefix of a change's module, with instance keys ("module.a[0]." or "").
_module_prefix(rc) := concat("", [rc.module_address, "."]) if is_string(object.get(rc, "module_address", null))

_module_prefix(rc) := "" if not is_string(object.get(rc, "module_address", null))

# The address of the resource block: instance keys of the resource left off.
_base_address(rc) := concat("", [_module_prefix(rc), rc.type, ".", rc.name])

# The address of the configuration block: every instance key left off.
# (A regular expression costs the embedded engine about twice a plain string builtin, even
# with its pattern cache: only an address with instance keys needs one.)
_config_address(rc) := address if {
	address := _base_address(rc)
	not contains(address, "[")
} else := regex.replace(_base_address(rc), `\[[^\]]*\]`, "")

_config_prefix(rc) := regex.replace(_module_prefix(rc), `\[[^\]]*\]`, "")

# The instance key suffix of an address: `[0]`, `["a"]` or "".
_instance_key(rc) := substring(rc.address, count(_base_address(rc)), -1)
