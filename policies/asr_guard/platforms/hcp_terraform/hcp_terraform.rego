# METADATA
# title: HCP Terraform / Terraform Enterprise OPA policy set entry point
# description: |
#   Queries for policies.hcl (docs/platforms/hcp-terraform.md):
#   data.asr_guard.platforms.hcp_terraform.deny (mandatory) and .warn (advisory). Each is
#   an array of messages, empty when the plan passes, as HCP Terraform expects; the plan
#   is input.plan (https://developer.hashicorp.com/terraform/cloud-docs/policy-enforcement/define-policies/opa).
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/cloud-docs/policy-enforcement/define-policies/opa
#     description: HCP Terraform OPA policies
package asr_guard.platforms.hcp_terraform

# METADATA
# title: Deny
# description: >-
#   The denials of the pack on the plan this platform gives, as messages: the platform fails the run on them.
deny contains message if some message in data.asr_guard.platforms.plan.deny

# METADATA
# title: Warn
# description: >-
#   The warnings of the pack on the plan this platform gives, as messages.
warn contains message if some message in data.asr_guard.platforms.plan.warn
