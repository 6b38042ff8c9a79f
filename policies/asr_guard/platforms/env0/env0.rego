# METADATA
# title: env0 approval policy entry point
# description: |
#   env0 evaluates `package env0` over input.plan after the plan step: a deny cancels the
#   deployment, a pending waits for a person's approval
#   (https://docs.envzero.com/guides/policies-governance/approval-policies). asr-guard's
#   denials deny; its warnings ask for approval (docs/platforms/env0.md).
package env0

deny contains message if some message in data.asr_guard.platforms.plan.deny

pending contains message if some message in data.asr_guard.platforms.plan.warn
