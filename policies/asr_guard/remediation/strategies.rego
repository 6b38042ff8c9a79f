# METADATA
# title: Remediation strategies (data)
# description: |
#   What asr-guard proposes for each denial, as data: each strategy's preconditions, its
#   ordered steps (patch, command, wait, re-check), the plan-level model of its effect that
#   asr-guard re-checks (ops applied to the input plan by validator/remediation), what the
#   policies must then say, and its risks. rules/remediation.rego picks a strategy for a
#   finding; Python only renders the steps and applies the model ops.
#   This is Rego data, not a data.json: the pack loads one data file (the matrix), and a Rego
#   constant reaches every engine, OPA bundle and platform policy set unchanged. Texts longer
#   than a line are joined with concat(" ", [...]).
#   Sources: ../shared/remediation.md (Terraform ordering T1-T6; azurerm ForceNew and the
#   clean disable T7-T9; az site-recovery remove vs delete C1; the restore modes C2;
#   re-enable C3; the GET -> create mapping C4 / section 2.4).
# related_resources:
#   - ref: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/site_recovery_replicated_vm
#     description: azurerm_site_recovery_replicated_vm (managed_disk, timeouts)
#   - ref: https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle
#     description: Terraform lifecycle (replace_triggered_by, create_before_destroy)
#   - ref: https://github.com/hashicorp/terraform-provider-azurerm/pull/33140
#     description: azurerm_site_recovery_replicated_vm - add update support for managed_disk block
#   - ref: https://learn.microsoft.com/cli/azure/site-recovery/protected-item
#     description: az site-recovery protected-item (remove is the clean disable, delete the purge; create)
#   - ref: https://learn.microsoft.com/rest/api/site-recovery/replication-protected-items/get
#     description: Replication Protected Items - Get (the recorded item)
#   - ref: https://learn.microsoft.com/rest/api/site-recovery/replication-protected-items/create
#     description: Replication Protected Items - Create (the re-enable input)
#   - ref: https://learn.microsoft.com/cli/azure/backup/restore
#     description: az backup restore restore-disks (restore modes)
package asr_guard.remediation

# METADATA
# title: Risks
# description: >-
#   Why each risk applies, by risk id (rendered with every remediation that names it).
risks := {
	"rpo-gap": concat(" ", [
		"No disaster recovery from the disable until the new initial replication completes (azurerm waits for the item",
		"to be Protected; the runbook waits likewise).",
	]),
	"recovery-points-lost": concat(" ", [
		"The recovery points of the old replicated item are lost with it: take a test failover or a backup before, not",
		"after.",
	]),
	"new-disk-ids": concat(" ", [
		"A Replace existing restore gives the VM new disks (the OS disk included) and keeps the old ones in the",
		"resource group: replication is enabled again for the disks the VM has after the change, read from the VM,",
		"never from the old item.",
	]),
	"originals-kept": "The original disks are kept; delete them only after the new item is Protected.",
	"settings-not-carried": concat(" ", [
		"Enable does not carry every setting of the old item (recovery VM name and size, test failover network, NIC",
		"IPs): the runbook lists them from the recorded item to set again.",
	]),
	"create-timeout": concat(" ", [
		"Initial replication of large or encrypted disks can outlast azurerm's 180-minute create timeout: a timeout",
		"taints the new item and the next apply replaces it again; raise timeouts { create } for such disks.",
	]),
	"provider-adds-disks-in-place": concat(" ", [
		"Providers that add managed_disk blocks in place (hashicorp/terraform-provider-azurerm#33140) would not",
		"re-create the item: the fix forces the replace with -replace or replace_triggered_by, and the re-check looks",
		"at the item's actions.",
	]),
	"order-needs-refresh": concat(" ", [
		"The order remove item -> change -> create item rests on the item's dependencies as Terraform records them",
		"with refresh: never apply this plan with -refresh=false.",
	]),
	"two-applies": "Two applies: between them the VM is not replicated.",
	"no-automatic-fix": concat(" ", [
		"asr-guard cannot write this fix: the steps say what to do by hand, and the next check must show the denial",
		"gone.",
	]),
}

# METADATA
# title: Strategies
# description: |
#   Every strategy by id: title, input kind, preconditions, steps and their ops, model, risks.
#   The steps' ops are rendered by validator/remediation (patch: a .tf edit; command/wait: a
#   runbook line; recheck: asr-guard again). model: the ops validator/remediation/plan_model.py
#   applies to the input plan, phase by phase, and what the policies must then decide (rule ids
#   present and absent); $rule is the finding's own rule id. The Terraform fixes are in
#   terraform.rego, the runbooks and the fix by hand in runbook.rego.
strategies := object.union(_terraform_strategies, _runbook_strategies)
