package asr_guard.platforms.plan_test

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

change(address, type, actions, before, after) := {
	"address": address,
	"mode": "managed",
	"type": type,
	"name": split(address, ".")[1],
	"change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
}

# A replicated VM replaced (ASR004, a denial) or only updated (passes).
plan(vm_actions) := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [
	change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		vm_actions,
		{"id": vm_id, "name": "vm1"},
		{"name": "vm1"},
	),
	change(
		"azurerm_site_recovery_replicated_vm.app",
		"azurerm_site_recovery_replicated_vm",
		["no-op"],
		{"id": "item", "source_vm_id": vm_id},
		{"source_vm_id": vm_id},
	),
]}

test_the_packs_denials_are_the_platforms if {
	denials := data.asr_guard.platforms.plan.deny with input as plan(["delete", "create"])
	count(denials) == 1
	denials == data.asr_guard.main.deny with input as plan(["delete", "create"])
}

test_a_passing_plan_has_no_denial if {
	count(data.asr_guard.platforms.plan.deny) == 0 with input as plan(["update"])
}

test_input_that_is_not_a_plan_is_denied if {
	denials := data.asr_guard.platforms.plan.deny with input as {"resources": []}
	some message in denials
	contains(message, "could not evaluate")
}

test_a_pack_without_its_matrix_is_denied if {
	denials := data.asr_guard.platforms.plan.deny with input as plan(["update"]) with data.asr_guard.matrix as {}
	some message in denials
	contains(message, "could not evaluate")
}

# The replicated item of a VM that stays is destroyed: replication is removed (a warning).
replication_removed := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [
	change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["no-op"],
		{"id": vm_id, "name": "vm1"},
		{"id": vm_id, "name": "vm1"},
	),
	change(
		"azurerm_site_recovery_replicated_vm.app",
		"azurerm_site_recovery_replicated_vm",
		["delete"],
		{"id": "item", "source_vm_id": vm_id},
		null,
	),
]}

test_the_packs_warnings_are_the_platforms if {
	warnings := data.asr_guard.platforms.plan.warn with input as replication_removed
	count(warnings) > 0
	warnings == data.asr_guard.main.warn with input as replication_removed
	none := data.asr_guard.platforms.plan.warn with input as plan(["update"])
	none == set()
}

test_the_plan_is_read_only_when_it_is_a_terraform_plan if {
	data.asr_guard.platforms.plan.read with input as plan(["update"])
	not data.asr_guard.platforms.plan.read with input as {"status": "Succeeded", "changes": []}
	not data.asr_guard.platforms.plan.read with input as plan(["update"]) with data.asr_guard.matrix as {}
}
