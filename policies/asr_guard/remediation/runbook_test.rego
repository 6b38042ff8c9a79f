package asr_guard.remediation_test

# Tests of runbook.rego: the runbook and manual strategies are not Terraform fixes.

test_runbook_strategies_have_no_model if {
	runbooks := data.asr_guard.remediation._runbook_strategies
	count(runbooks) > 0
	every sid, s in runbooks {
		not startswith(sid, "terraform-")
		s.input in {"any", "backup-restore-request"}
		s.model == []
		data.asr_guard.remediation.strategies[sid] == s
	}
	not "terraform-replace-item" in object.keys(runbooks)
	runbooks["runbook-around-restore"].input == "backup-restore-request"
}

test_the_runbook_around_a_change_disables_cleanly_and_enables_again if {
	ops := [step.op | some step in data.asr_guard.remediation._runbook_strategies["runbook-around-change"].steps]
	"find_item" in ops
	"disable" in ops
	not "purge" in ops
}
