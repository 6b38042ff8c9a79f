# Decision-log masking for an OPA server that serves asr-guard (docs/opa-server.md).
#
# asr-guard's queries carry whole Terraform plans (and ARM templates, restore requests), and
# `terraform show -json` writes sensitive values in plain text
# (https://developer.hashicorp.com/terraform/cli/commands/show). OPA logs each decision's
# input unless a mask removes it (https://www.openpolicyagent.org/docs/management-decision-logs).
# This mask keeps asr-guard's decision (the findings, the policy version) and drops its input.
#
# Load it beside the asr-guard bundle, not in it: it is package system.log, outside the
# bundle's root (asr_guard). OPA reads it at data.system.log.mask (decision_logs.mask_decision).
package system.log

mask contains "/input" if startswith(input.path, "asr_guard/")
