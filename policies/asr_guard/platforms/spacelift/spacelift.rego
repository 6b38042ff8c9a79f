# METADATA
# title: Spacelift plan policy entry point
# description: |
#   Spacelift plan policies are `package spacelift` with deny and warn over
#   input.terraform (https://docs.spacelift.io/concepts/policy/terraform-plan-policy).
#   Spacelift evaluates each policy body on its own ("Policies must be self-contained"),
#   so this module works where the pack is loaded beside it (opa eval, opa test, a
#   policy bundle); docs/platforms/spacelift.md says how to run asr-guard on Spacelift.
#   Without the pack it denies: it never passes a plan it did not evaluate.
# related_resources:
#   - ref: https://docs.spacelift.io/concepts/policy/terraform-plan-policy
#     description: Spacelift plan policies
package spacelift

# METADATA
# title: Deny
# description: >-
#   The denials of the pack on the plan this platform gives, as messages: the platform fails the run on them.
# scope: document
deny contains message if some message in data.asr_guard.platforms.plan.deny

deny contains message if {
	not _pack
	message := "asr-guard's policy pack is not loaded beside this policy: nothing was evaluated"
}

# METADATA
# title: Warn
# description: >-
#   The warnings of the pack on the plan this platform gives, as messages.
warn contains message if some message in data.asr_guard.platforms.plan.warn

_pack if data.asr_guard.platforms.plan.read
_pack if data.asr_guard.main.kind
