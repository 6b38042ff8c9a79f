# METADATA
# title: env0 approval policy entry point
# description: |
#   env0 evaluates `package env0` over input.plan after the plan step: a deny cancels the
#   deployment, a pending waits for a person's approval
#   (https://docs.envzero.com/guides/policies-governance/approval-policies). asr-guard's
#   denials deny; its warnings ask for approval (docs/platforms/env0.md).
# related_resources:
#   - ref: https://docs.envzero.com/guides/policies-governance/approval-policies
#     description: env0 approval policies
package env0

# METADATA
# title: Deny
# description: >-
#   The denials of the pack on the plan this platform gives, as messages: the platform fails the run on them.
deny contains message if some message in data.asr_guard.platforms.plan.deny

# METADATA
# title: Pending
# description: >-
#   Messages that hold the deployment for approval (env0): the findings that warn.
pending contains message if some message in data.asr_guard.platforms.plan.warn
