# METADATA
# title: asr-guard entrypoint
# description: |
#   The documented entrypoint: data.asr_guard.main.report. It only collects the
#   findings of the input-kind packages; it classifies nothing itself.
#   deny / warn / info are conftest-style views of the same findings.
package asr_guard.main

import data.asr_guard.lib
import data.asr_guard.terraform

kinds contains "terraform-plan" if terraform.is_plan

kind := k if {
	count(kinds) == 1
	some k in kinds
}

kind := "unknown" if count(kinds) != 1

findings := terraform.findings if kind == "terraform-plan"

findings := set() if kind == "unknown"

report := {
	"policy_version": lib.matrix.policy_version,
	"kind": kind,
	"findings": findings,
}

deny contains f.message if {
	some f in findings
	f.severity == "deny"
}

warn contains f.message if {
	some f in findings
	f.severity == "warn"
}

info contains f.message if {
	some f in findings
	f.severity == "info"
}
