package asr_guard.remediation_test

# Tests of remediation/terraform.rego: the Terraform strategies read a plan and carry a model.

test_terraform_strategies_read_a_plan_and_carry_a_model if {
	fixes := data.asr_guard.remediation._terraform_strategies
	count(fixes) > 0
	every sid, s in fixes {
		startswith(sid, "terraform-")
		s.input == "terraform-plan"
		count(s.model) > 0
		data.asr_guard.remediation.strategies[sid] == s
	}
	not "runbook-around-change" in object.keys(fixes)
}

test_replacing_the_item_patches_it_then_rechecks_the_plan if {
	steps := data.asr_guard.remediation._terraform_strategies["terraform-replace-item"].steps
	[step.kind | some step in steps; step.kind in {"patch", "recheck"}] == ["patch", "recheck"]
	steps[0].op == "item_add_disk"
}
