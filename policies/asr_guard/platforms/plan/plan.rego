# METADATA
# title: A Terraform plan's verdict for the platforms that evaluate plans with OPA
# description: |
#   What every platform entry point (policies/asr_guard/platforms/*) reports: the pack's own
#   deny and warn messages (data.asr_guard.main, no rule copied), and one denial when the
#   plan could not be read as a plan or the pack is incomplete (its support matrix not
#   loaded), so that a platform never passes a plan asr-guard did not evaluate.
#   The plan is found where each platform puts it by lib/envelope.rego.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/internals/json-format
#     description: Terraform JSON output format
package asr_guard.platforms.plan

# METADATA
# title: Deny
# description: >-
#   The denials of the pack on the plan this platform gives, as messages: the platform fails the run on them.
# scope: document
deny contains message if some message in data.asr_guard.main.deny

deny contains message if {
	not read
	message := concat("", [
		"asr-guard could not evaluate this plan: it is not a Terraform plan JSON,",
		" or the policy pack is incomplete (data.asr_guard.matrix not loaded)",
	])
}

# METADATA
# title: Warn
# description: >-
#   The warnings of the pack on the plan this platform gives, as messages.
warn contains message if some message in data.asr_guard.main.warn

# METADATA
# title: Read
# description: >-
#   Whether the pack read the input as a Terraform plan, with its support matrix.
read if {
	is_string(data.asr_guard.matrix.policy_version)
	data.asr_guard.main.kind == "terraform-plan"
}
