package asr_guard.terraform_test

# Tests of plan.rego: what is a plan, and the action of a resource change.

test_a_plan_has_a_format_and_a_terraform_version if {
	data.asr_guard.terraform.is_plan with input as plan([])
	not data.asr_guard.terraform.is_plan with input as {"format_version": "1.2", "resource_changes": []}
	not data.asr_guard.terraform.is_plan with input as {"format_version": 1.2, "terraform_version": "1.9.8"}
}

test_the_action_of_terraform_actions if {
	data.asr_guard.terraform._action(["delete", "create"]) == "replace"
	data.asr_guard.terraform._action(["create", "delete"]) == "replace"
	data.asr_guard.terraform._action(["create"]) == "create"
	data.asr_guard.terraform._action(["delete"]) == "delete"
	data.asr_guard.terraform._action(["update"]) == "update"
	data.asr_guard.terraform._action(["forget"]) == "forget"
	data.asr_guard.terraform._action(["no-op"]) == "no-op"
	data.asr_guard.terraform._action(["read"]) == "no-op"
}

test_only_managed_resources_of_the_types_the_view_reads_are_entries if {
	data_source := object.union(vm(["read"]), {"mode": "data"})
	other := change("azurerm_virtual_network.v", "azurerm_virtual_network", ["create"], null, {})
	entries := data.asr_guard.terraform._entries with input as plan([data_source, other, vm(["update"])])
	[[i, rc.address] | some [i, rc] in entries] == [[2, "azurerm_linux_virtual_machine.app"]]
}

test_a_change_without_a_mode_is_managed_and_one_of_another_mode_is_not if {
	no_mode := object.remove(vm(["update"]), ["mode"])
	null_mode := object.union(vm(["update"]), {"mode": null})
	other_mode := object.union(vm(["update"]), {"mode": "Managed"})
	entries := data.asr_guard.terraform._entries with input as plan([null_mode, no_mode, other_mode])
	[i | some [i, _] in entries] == [1]
	acting := data.asr_guard.terraform._acting with input as plan([null_mode, no_mode, other_mode])
	{i | some [i, _] in acting} == {1}
}
