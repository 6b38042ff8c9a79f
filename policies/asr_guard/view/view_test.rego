package asr_guard.view_test

vm_id := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"

plan := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [{
	"address": "azurerm_linux_virtual_machine.app",
	"mode": "managed",
	"type": "azurerm_linux_virtual_machine",
	"name": "app",
	"change": {"actions": ["delete"], "before": {"id": upper(vm_id)}, "after": null, "after_unknown": {}},
}]}

whatif := {"status": "Succeeded", "changes": [{
	"resourceId": upper(vm_id),
	"changeType": "Delete",
	"before": {"name": "vm1"},
}]}

test_the_view_of_the_input_kind if {
	tf := data.asr_guard.view.current with input as plan
	tf.kind == "terraform-plan"
	[[e.type, e.key, e.action, e.before.id] | some e in tf.resources] == [[
		"vm",
		"azurerm_linux_virtual_machine.app",
		"delete",
		vm_id,
	]]
	wi := data.asr_guard.view.current with input as whatif
	wi.kind == "arm-whatif"
	[[e.type, e.key, e.action, e.label] | some e in wi.resources] == [["vm", vm_id, "delete", upper(vm_id)]]
}

test_no_view_for_a_restore_request if {
	request := {"properties": {"objectType": "IaasVMRestoreRequest", "recoveryType": "RestoreDisks"}}
	not data.asr_guard.view.current with input as request
}

test_replicated_vms_come_from_the_input_and_the_inventory if {
	inventory := {"replicated_vms": ["/Subscriptions/S2/VM/"]}
	ids := data.asr_guard.view.replicated_vm_ids with input as plan with data.asr_guard.inventory as inventory
	ids == {"/subscriptions/s2/vm"}
}

test_a_link_points_at_the_entries_with_its_keys if {
	targets := data.asr_guard.view.targets({
		"ids": [],
		"keys": ["azurerm_linux_virtual_machine.app"],
		"unresolved": [],
	}) with input as plan
	[e.key | some e in targets] == ["azurerm_linux_virtual_machine.app"]
}
