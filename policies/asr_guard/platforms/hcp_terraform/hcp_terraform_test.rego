package asr_guard.platforms.hcp_terraform_test

import data.asr_guard.platforms.plan_test

run := {"organization": {"name": "org"}, "workspace": {"name": "app"}, "is_destroy": false}

test_the_plan_is_read_from_input_plan if {
	denials := data.asr_guard.platforms.hcp_terraform.deny with input as {
		"plan": plan_test.plan(["delete", "create"]),
		"run": run,
	}
	count(denials) == 1
	some message in denials
	contains(message, "azurerm_linux_virtual_machine.app")
}

test_a_passing_plan_is_an_empty_array if {
	denials := data.asr_guard.platforms.hcp_terraform.deny with input as {
		"plan": plan_test.plan(["update"]),
		"run": run,
	}
	count(denials) == 0
}

test_warnings_are_the_packs if {
	warnings := data.asr_guard.platforms.hcp_terraform.warn with input as {
		"plan": plan_test.replication_removed,
		"run": run,
	}
	count(warnings) > 0
	none := data.asr_guard.platforms.hcp_terraform.warn with input as {"plan": plan_test.plan(["update"]), "run": run}
	none == set()
}
