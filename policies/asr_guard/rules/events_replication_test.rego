package asr_guard.rules_test

# Tests of events_replication.rego: replication disabled and enabled again, and removals that
# are not clean (builders in events_test.rego).

item_deleted := change(item_id, "Delete", item_body([disk("os")]), null)

item_created := change(concat("", [item_id, "-2"]), "Create", null, item_body([disk("os")]))

test_an_item_deleted_and_created_again_is_replaced if {
	vm_stays := change(vm_id, "NoChange", vm_body(disk("os"), []), vm_body(disk("os"), []))
	events := data.asr_guard.rules.events with input as whatif([vm_stays, item_deleted, item_created])
	scenarios(events) == ["item_replaced", "unsafe_removal"]
	only_created := data.asr_guard.rules.events with input as whatif([vm_stays, item_created])
	count(only_created) == 0
}

test_an_item_deleted_through_arm_is_an_unsafe_removal if {
	events := data.asr_guard.rules.events with input as whatif([item_deleted])
	"unsafe_removal" in scenarios(events)
	kept := data.asr_guard.rules.events with input as whatif([item_kept])
	count(kept) == 0
}

# A Terraform item replaced create-before-destroy collides with the old one; one forgotten
# stays on in Azure.
tf_item(actions) := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [{
	"address": "azurerm_site_recovery_replicated_vm.app",
	"mode": "managed",
	"type": "azurerm_site_recovery_replicated_vm",
	"name": "app",
	"change": {
		"actions": actions,
		"before": {"id": "item", "source_vm_id": vm_id},
		"after": {"source_vm_id": vm_id},
		"after_unknown": {},
	},
}]}

test_an_item_replaced_create_before_destroy_collides if {
	events := data.asr_guard.rules.events with input as tf_item(["create", "delete"])
	"reenable_collision" in scenarios(events)
	destroy_first := data.asr_guard.rules.events with input as tf_item(["delete", "create"])
	not "reenable_collision" in scenarios(destroy_first)
}

test_an_item_forgotten_is_an_unsafe_removal if {
	events := data.asr_guard.rules.events with input as tf_item(["forget"])
	scenarios(events) == ["unsafe_removal"]
	updated := data.asr_guard.rules.events with input as tf_item(["update"])
	count(updated) == 0
}

test_an_item_depends_on_the_resource_it_names_or_its_block if {
	data.asr_guard.rules._depends_on(["azurerm_managed_disk.d"], "azurerm_managed_disk.d[0]")
	data.asr_guard.rules._depends_on(["module.m"], "module.m.azurerm_managed_disk.d")
	not data.asr_guard.rules._depends_on(["module.m"], "module.mm.azurerm_managed_disk.d")
	not data.asr_guard.rules._depends_on([], "azurerm_managed_disk.d")
}
