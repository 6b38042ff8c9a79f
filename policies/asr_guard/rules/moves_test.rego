package asr_guard.rules_test

# Tests of moves.rego: a resource replaced into, or deleted and created in, another resource
# group moves (builders in events_test.rego).

test_a_replace_into_another_resource_group_is_a_move if {
	moved := {"action": "replace", "before": {"resource_group": "rg"}, "after": {"resource_group": "rg2"}}
	data.asr_guard.rules._moved(moved)
	data.asr_guard.rules._moved_to_text(moved) == " to resource group rg2"
	stays := {"action": "replace", "before": {"resource_group": "rg"}, "after": {"resource_group": "rg"}}
	not data.asr_guard.rules._moved(stays)
	unknown := {"action": "replace", "before": {"resource_group": "rg"}, "after": {"resource_group": null}}
	not data.asr_guard.rules._moved(unknown)
}

vm2_id := "/subscriptions/s1/resourcegroups/rg2/providers/microsoft.compute/virtualmachines/vm1"

named_vm := object.union(vm_body(disk("os"), []), {"name": "vm1"})

test_a_vm_deleted_and_created_by_name_in_another_resource_group_moves if {
	moved := whatif([change(vm_id, "Delete", named_vm, null), change(vm2_id, "Create", null, named_vm), item_kept])
	events := data.asr_guard.rules.events with input as moved
	scenarios(events) == ["vm_moved"]
	some e in events
	endswith(e.detail, concat("", [" to resource group rg2 (", vm2_id, ")"]))
	deleted := data.asr_guard.rules.events with input as whatif([change(vm_id, "Delete", named_vm, null), item_kept])
	scenarios(deleted) == ["vm_delete"]
}
