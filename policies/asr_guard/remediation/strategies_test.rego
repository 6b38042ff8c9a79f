package asr_guard.remediation_test

# The strategy data is complete: every strategy has steps of known kinds and explained risks, a
# model exactly when it is a Terraform fix. (The mapping of the recorded item: mapping_test.rego.)

test_every_strategy_is_complete if {
	every sid, s in data.asr_guard.remediation.strategies {
		count(s.steps) > 0
		every id in s.risks {
			is_string(data.asr_guard.remediation.risks[id])
		}
		every step in s.steps {
			step.kind in {"patch", "command", "wait", "recheck", "manual"}
		}
		startswith(sid, "terraform-") == (count(s.model) > 0)
	}
}
