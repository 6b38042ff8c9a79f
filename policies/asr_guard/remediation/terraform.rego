package asr_guard.remediation

# The strategies that change the Terraform configuration (a patch and a re-checked plan).
_terraform_strategies := {
	"terraform-replace-item": {
		"title": "Re-create the replicated item around the change, in the same apply",
		"input": "terraform-plan",
		"preconditions": [
			"item-in-configuration: the VM's azurerm_site_recovery_replicated_vm is in this configuration",
			"refresh: the plan is made with refresh (not -refresh=false)",
			"no-create-before-destroy: nothing sets create_before_destroy on the item",
		],
		"steps": [
			{
				"kind": "patch",
				"op": "item_add_disk",
				"text": concat(" ", [
					"Protect the new disk: a managed_disk block in the item that references the changed resource",
					"(every existing managed_disk block kept); the reference also orders remove item -> change ->",
					"create item.",
				]),
			},
			{"kind": "command", "op": "terraform_plan_replace", "text": "Plan with the item replaced explicitly."},
			{
				"kind": "recheck",
				"op": "expect_remediation",
				"text": "Check the new plan: the workaround applied (ASR009), no denial, the order proven.",
			},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
			{
				"kind": "wait",
				"op": "azurerm_waits_protected",
				"text": "azurerm creates the new item and waits until it is Protected (initial replication).",
			},
		],
		"model": [
			{
				"ops": ["item_add_disk", "item_replace_by_request", "item_depends_on_changed"],
				"present": ["ASR009"],
				"absent": ["$rule", "ASR007", "ASR026", "ASR027", "ASR013"],
			},
		],
		"risks": [
			"rpo-gap",
			"recovery-points-lost",
			"order-needs-refresh",
			"provider-adds-disks-in-place",
			"create-timeout",
		],
	},
	"terraform-replace-item-drop-disk": {
		"title": "Re-create the replicated item without the removed disk, in the same apply",
		"input": "terraform-plan",
		"preconditions": [
			"item-in-configuration: the VM's azurerm_site_recovery_replicated_vm is in this configuration",
			"refresh: the plan is made with refresh (not -refresh=false)",
			"no-create-before-destroy: nothing sets create_before_destroy on the item",
		],
		"steps": [
			{
				"kind": "patch",
				"op": "item_drop_disk",
				"text": "Remove the disk's managed_disk block from the item and make the item depend on the change.",
			},
			{"kind": "command", "op": "terraform_plan_replace", "text": "Plan with the item replaced explicitly."},
			{
				"kind": "recheck",
				"op": "expect_remediation",
				"text": "Check the new plan: the workaround applied (ASR009), no denial, the order proven.",
			},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
			{
				"kind": "wait",
				"op": "azurerm_waits_protected",
				"text": "azurerm creates the new item and waits until it is Protected (initial replication).",
			},
		],
		"model": [
			{
				"ops": ["item_drop_disk", "item_replace_by_request", "item_depends_on_changed"],
				"present": ["ASR009"],
				"absent": ["$rule", "ASR026", "ASR027", "ASR013"],
			},
		],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh", "create-timeout"],
	},
	"terraform-replace-triggered-by-vm": {
		"title": "Re-create the replicated item for the re-created VM, in the same apply",
		"input": "terraform-plan",
		"preconditions": [
			"item-in-configuration: the VM's azurerm_site_recovery_replicated_vm is in this configuration",
			"refresh: the plan is made with refresh (not -refresh=false)",
			"no-create-before-destroy: nothing sets create_before_destroy on the item",
		],
		"steps": [
			{
				"kind": "patch",
				"op": "item_follow_vm",
				"text": concat(" ", [
					"Point the item at the VM by reference (source_vm_id, the OS disk's managed_disk) and replace it",
					"whenever the VM's id changes (lifecycle replace_triggered_by on the VM's id attribute, never the",
					"whole VM).",
				]),
			},
			{"kind": "command", "op": "terraform_plan", "text": "Plan."},
			{
				"kind": "recheck",
				"op": "expect_remediation",
				"text": "Check the new plan: the workaround applied (ASR009), no denial, the order proven.",
			},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
			{
				"kind": "wait",
				"op": "azurerm_waits_protected",
				"text": "azurerm creates the new item and waits until it is Protected (initial replication).",
			},
		],
		"model": [
			{
				"ops": ["item_follow_vm", "item_replace_by_triggers", "item_depends_on_changed"],
				"present": ["ASR009"],
				"absent": ["$rule", "ASR026", "ASR027", "ASR013"],
			},
		],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh", "create-timeout"],
	},
	"terraform-remove-item": {
		"title": "Remove the replicated item in the same change that deletes the VM",
		"input": "terraform-plan",
		"preconditions": [
			concat(" ", [
				"item-depends-on-vm: the item's prior state lists the VM among its dependencies, so Terraform removes",
				"the item before the VM",
			]),
		],
		"steps": [
			{
				"kind": "patch",
				"op": "item_remove",
				"text": concat(" ", [
					"Delete the item's resource block (a clean disable; never a removed block with destroy = false).",
				]),
			},
			{"kind": "command", "op": "terraform_plan", "text": "Plan."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: no denial."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
		],
		"model": [{"ops": ["item_delete"], "present": [], "absent": ["$rule", "ASR026", "ASR027", "ASR028"]}],
		"risks": ["recovery-points-lost"],
	},
	"terraform-remove-item-first": {
		"title": "Remove the replicated item in a first apply, then delete the VM",
		"input": "terraform-plan",
		"preconditions": [
			concat(" ", [
				"The item's prior state does not list the VM among its dependencies: one apply would not order the",
				"item's removal before the VM's.",
			]),
		],
		"steps": [
			{
				"kind": "patch",
				"op": "item_remove",
				"text": concat(" ", [
					"Delete the item's resource block (a clean disable; never a removed block with destroy = false).",
				]),
			},
			{
				"kind": "command",
				"op": "terraform_apply_destroy_item",
				"text": "First apply: only the item, a clean disable.",
			},
			{"kind": "command", "op": "terraform_plan", "text": "Plan the rest."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: no denial."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
		],
		"model": [
			{"ops": ["only_item", "item_delete"], "present": ["ASR008"], "absent": ["$rule", "ASR028"]},
			{"ops": ["item_gone"], "present": [], "absent": ["$rule"]},
		],
		"risks": ["recovery-points-lost", "two-applies"],
	},
	"terraform-delete-before-create": {
		"title": "Replace the replicated item delete-then-create",
		"input": "terraform-plan",
		"preconditions": ["refresh: the plan is made with refresh (not -refresh=false)"],
		"steps": [
			{
				"kind": "patch",
				"op": "item_no_create_before_destroy",
				"text": concat(" ", [
					"Remove create_before_destroy from the item's lifecycle block (and from resources that depend on",
					"the item, which force it).",
				]),
			},
			{"kind": "command", "op": "terraform_plan", "text": "Plan."},
			{"kind": "recheck", "op": "expect_remediation", "text": "Check the new plan: no denial."},
			{"kind": "command", "op": "terraform_apply_plan", "text": "Apply the checked plan."},
		],
		"model": [{"ops": ["item_delete_then_create"], "present": [], "absent": ["$rule"]}],
		"risks": ["rpo-gap", "recovery-points-lost", "order-needs-refresh"],
	},
}
