package spacelift_test

import data.asr_guard.platforms.plan_test

# Spacelift's input: its metadata, and the plan's changes under "terraform" (no format_version).
spacelift_input(vm_actions) := {
	"spacelift": {"run": {"type": "PROPOSED"}, "stack": {"name": "app"}},
	"terraform": {
		"resource_changes": plan_test.plan(vm_actions).resource_changes,
		"terraform_version": "1.9.8",
	},
}

test_the_changes_are_read_from_input_terraform if {
	denials := data.spacelift.deny with input as spacelift_input(["delete", "create"])
	count(denials) == 1
}

test_a_passing_plan_has_no_denial if {
	count(data.spacelift.deny) == 0 with input as spacelift_input(["update"])
}

test_warnings_are_the_packs if {
	removed := {
		"spacelift": {"run": {"type": "PROPOSED"}, "stack": {"name": "app"}},
		"terraform": {"resource_changes": plan_test.replication_removed.resource_changes, "terraform_version": "1.9.8"},
	}
	warnings := data.spacelift.warn with input as removed
	count(warnings) > 0
	none := data.spacelift.warn with input as spacelift_input(["update"])
	none == set()
}
