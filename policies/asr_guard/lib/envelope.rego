# METADATA
# title: The document under evaluation and the data of this run
# description: |
#   Every package reads the input document through `document`, and the replication
#   inventory, waivers and rule selection through `_inventory`, `_waivers` and `_config` (the
#   inventory_* rules, apply_waivers and selected for other packages), never `input` or
#   data.asr_guard.inventory directly. So
#   the same pack evaluates:
#   - a document given as the whole input (`opa eval -i plan.json`, conftest, the embedded
#     engine);
#   - a request that carries its own data, {"asr_guard_request": {"document", "inventory",
#     "waivers", "config"}}: what asr-guard sends an OPA server or the opa binary, so that concurrent
#     runs with different inventories never see each other's data. A request without an
#     "inventory" (or "waivers", "config") key reads the data document's instead: a server loaded
#     with a central inventory (a bundle, --opa-preloaded);
#   - the plan where a platform puts it (policies/asr_guard/platforms/):
#     HCP Terraform / Terraform Enterprise {"plan", "run"}, env0 {"plan",
#     "deploymentRequest", ...}, Spacelift {"spacelift", "terraform"}.
#   asr-guard refuses a file that has one of these shapes at its top level (validator/inputs.py),
#   so that a file cannot bring its own data or hide a document inside another.
#   Each package reads `document` once (a rule of its own): reading it in every rule made
#   a large plan twice as slow.
package asr_guard.lib

_request := input.asr_guard_request if is_object(input.asr_guard_request)

# METADATA
# title: Document
# description: >-
#   The document under evaluation, wherever the envelope (a request with its own data, a platform input) puts it.
document := _request.document if {
	_request
} else := input.plan if {
	# HCP Terraform and Terraform Enterprise OPA policy sets: the plan JSON beside the run.
	# https://developer.hashicorp.com/terraform/cloud-docs/policy-enforcement/define-policies/opa
	is_object(input.plan)
	is_object(input.run)
} else := input.plan if {
	# env0 approval policies: the plan JSON beside the deployment request.
	# https://docs.envzero.com/guides/policies-governance/approval-policies
	is_object(input.plan)
	is_object(input.deploymentRequest)
} else := object.union({"format_version": "spacelift"}, input.terraform) if {
	# Spacelift plan policies: the plan's resource_changes and terraform_version under
	# "terraform" (no format_version: one is given so that it reads as a plan).
	# https://docs.spacelift.io/concepts/policy/terraform-plan-policy
	is_object(input.spacelift)
	is_object(input.terraform)
} else := input

# The inventory data document: {"replicated_vms": [...], "replicated_disks": [...], ...}.
_inventory := _request.inventory if {
	is_object(_request.inventory)
} else := data.asr_guard.inventory if {
	is_object(data.asr_guard.inventory)
} else := {}

# The waivers data document: {"today", "entries": [...]}.
_waivers := _request.waivers if {
	is_object(_request.waivers)
} else := data.asr_guard.waivers if {
	is_object(data.asr_guard.waivers)
} else := {}

# The run's configuration: {"rules": [...], "skip_rules": [...]} (lib/selection.rego).
_config := _request.config if {
	is_object(_request.config)
} else := data.asr_guard.config if {
	is_object(data.asr_guard.config)
} else := {}
