# METADATA
# title: asr-guard entrypoint
# description: |
#   The documented entrypoint: data.asr_guard.main.report. It only collects the
#   findings of the input-kind packages; it classifies nothing itself.
#   deny / warn / info are conftest-style views of the same findings.
# related_resources:
#   - ref: https://www.openpolicyagent.org/docs/policy-language
#     description: OPA policy language
#   - ref: https://www.conftest.dev/
#     description: conftest, deny and warn rules
package asr_guard.main

# Other packages are referred to by full path, not through imports: the embedded
# engine (regorus 0.9) evaluates every rule of a package reached through an import
# alias, which made a 10k-resource plan three times slower.

_kinds contains "terraform-plan" if data.asr_guard.terraform.is_plan

_kinds contains "backup-restore-request" if data.asr_guard.restore.is_restore

_kinds contains "arm-whatif" if data.asr_guard.whatif.is_whatif

_kinds contains "arm-template" if data.asr_guard.arm.is_template

# METADATA
# title: Kind
# description: >-
#   The kind of the input ("terraform-plan", "arm-whatif", "arm-template", "backup-restore-request"), or "unknown".
# scope: document
kind := k if {
	count(_kinds) == 1
	some k in _kinds
}

kind := "unknown" if count(_kinds) != 1

# METADATA
# title: Change kinds
# description: >-
#   The input kinds read through the change view, by one set of scenario rules; restore
#   requests are operations, not resource changes, and have rules of their own.
change_kinds := {"terraform-plan", "arm-whatif", "arm-template"}

_kind_findings := data.asr_guard.rules.findings if kind in change_kinds

_kind_findings := data.asr_guard.restore.findings if kind == "backup-restore-request"

_kind_findings := set() if kind == "unknown"

# METADATA
# title: Findings
# description: >-
#   Every finding of the selected rules (lib/selection.rego: the run's --rule and
#   --skip-rule), waived ones marked "waived" (they are reported, not dropped), each denial
#   with its remediation (rules/remediation.rego).
findings := data.asr_guard.remediation.attach(data.asr_guard.lib.apply_waivers(
	data.asr_guard.lib.selected(_kind_findings),
))

# METADATA
# title: Report
# description: >-
#   The documented entrypoint: the policy version, the input kind, every finding of the selected
#   rules (waived ones marked), the rules selected and skipped, the waivers applied and expired,
#   and where replication is known from.
report := {
	"policy_version": data.asr_guard.matrix.policy_version,
	"kind": kind,
	"findings": findings,
	"rules": data.asr_guard.lib.selection,
	"waivers": {
		"applied": sort({f.waived.waiver | some f in findings; f.waived}),
		"expired": data.asr_guard.lib.expired_waivers,
	},
	"replication": {
		# Whether the input itself names replicated VMs (its replicated items): without an
		# inventory, the gate then knows replication only from the input.
		"named_by_input": _input_names_replication,
		"inventory_vms": count(data.asr_guard.lib.inventory_vm_ids),
	},
}

_input_names_replication := count(data.asr_guard.view.input_vm_ids) > 0 if {
	kind in change_kinds
} else := false

# METADATA
# title: Deny
# description: >-
#   conftest-style messages of the findings that deny and are not waived.
deny contains f.message if {
	some f in findings
	f.severity == "deny"
	not f.waived
}

# METADATA
# title: Warn
# description: >-
#   conftest-style messages of the findings that warn and are not waived.
warn contains f.message if {
	some f in findings
	f.severity == "warn"
	not f.waived
}

# METADATA
# title: Info
# description: >-
#   conftest-style messages of the informational findings.
info contains f.message if {
	some f in findings
	f.severity == "info"
}
