package asr_guard.rules

# Events of replication itself: disabled and enabled again, re-created, purged or forgotten.

# ASR013: replication of a VM disabled and enabled again, with nothing else in the change that
# needed it (the item alone is replaced).
_item_events contains ev if {
	some id in _reenabled_vm_ids
	not id in _event_vm_ids
	some item in _items_enabling(id)
	detail := concat("", [
		"replication of VM ", _vm_label(item.after.vm, id), " is disabled and enabled again (", item.label, ", ",
		_action_text(item), "): a new initial replication, with no disaster recovery until it completes",
	])
	ev := _event("item_replaced", item, id, detail)
}

# ASR026: the replicated item is re-created before the old one is removed (create_before_destroy):
# the new item has the old one's name, and creating it fails while the old one exists.
_reenable_events contains ev if {
	some item in _items
	item.action == "replace"
	item.actions == ["create", "delete"]
	some id in _link_ids(item.before.vm)
	detail := concat("", [
		item.label, " is replaced create-before-destroy (", _action_text(item), "): the new item is created while ",
		"the old one still exists, which fails after replication of VM ", _vm_label(item.before.vm, id), " was removed",
	])
	ev := _event("reenable_collision", item, id, detail)
}

# ASR027: replication is disabled and enabled again around a change, but the plan does not show
# that the item depends on the changed resource, so Terraform need not order
# remove item -> change -> create item.
_reenable_events contains ev if {
	some e in _events
	e.vm_id in _reenabled_vm_ids
	data.asr_guard.lib.matrix.scenarios[e.scenario].resolved_by_reenable
	some item in _items_enabling(e.vm_id)
	is_array(item.depends_on)
	not _depends_on(item.depends_on, e.resource)
	detail := concat("", [
		item.label, " is re-created for ", e.resource, ", but neither its prior state nor its configuration ",
		"depends on ", e.resource, ": the order remove item, change, create item is not guaranteed",
	])
	ev := _event("reenable_order_unproven", item, e.vm_id, detail)
}

# ASR028: replication removed other than by a clean disable: a Terraform removed block with
# destroy = false (the item stays in Azure), an ARM DELETE of the item (a purge).
_reenable_events contains ev if {
	some item in _items
	item.action == "forget"
	some id in _link_ids(item.before.vm)
	detail := concat("", [
		item.label,
		" is removed from the Terraform state but not destroyed: replication of VM ",
		_vm_label(item.before.vm, id),
		" stays on in Azure, out of Terraform's hands",
	])
	ev := _event("unsafe_removal", item, id, detail)
}

_reenable_events contains ev if {
	some item in _items
	item.action == "delete"
	lower(item.source_type) == data.asr_guard.azure.replicated_item_type
	some id in _link_ids(item.before.vm)
	detail := concat("", [
		item.label,
		" is deleted through ARM: a purge (a forced delete) of the replication of VM ",
		_vm_label(item.before.vm, id),
		", not a clean disable",
	])
	ev := _event("unsafe_removal", item, id, detail)
}

# Whether a list of configuration addresses names a resource (an address, instance keys and
# all) or a module it is in.
_depends_on(dependencies, resource) if {
	address := regex.replace(resource, `\[[^\]]*\]`, "")
	some d in dependencies
	_names(d, address)
}

_names(d, address) if d == address

_names(d, address) if startswith(address, concat("", [d, "."]))

_event_vm_ids := {e.vm_id | some e in _events}

# The items created or replaced, by the VM they point at after the change (indexed once).
_items_by_after_vm[id] contains item if {
	some item in _items
	item.action in {"replace", "create"}
	some id in _link_ids(item.after.vm)
}

_items_enabling(id) := items if {
	items := _items_by_after_vm[id]
} else := set()
