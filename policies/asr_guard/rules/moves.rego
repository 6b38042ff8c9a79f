package asr_guard.rules

# Resources moved to another resource group: Terraform plans a replace (resource_group_name
# forces a new resource); a what-if deletes the resource in one group and creates one of the
# same type and name in another.

_moved(e) if {
	e.action == "replace"
	is_string(e.before.resource_group)
	is_string(e.after.resource_group)
	e.before.resource_group != e.after.resource_group
}

_moved(e) if {
	e.action == "delete"
	_moved_to(e)
}

# The created resource of the same type and name in another resource group.
_moved_to(e) := other if {
	is_string(e.before.name)
	some other in _created_named(concat("|", [e.type, lower(e.before.name)]))
	other.after.resource_group != e.before.resource_group
}

# The resources the change creates, by "type|lower-cased name" (indexed once).
_created_by_name[key] contains other if {
	some other in data.asr_guard.view.changes
	other.action == "create"
	is_object(other.after)
	is_string(other.after.name)
	key := concat("|", [other.type, lower(other.after.name)])
}

_created_named(key) := xs if {
	xs := _created_by_name[key]
} else := set()

# The resource group a moved resource goes to, as a message says it.
_moved_to_text(e) := concat("", [" to resource group ", e.after.resource_group]) if {
	e.action == "replace"
} else := concat("", [" to resource group ", _moved_to(e).after.resource_group, " (", _moved_to(e).label, ")"])
