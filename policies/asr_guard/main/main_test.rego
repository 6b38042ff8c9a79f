package asr_guard.main_test

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

replaced_plan := {
	"format_version": "1.2",
	"terraform_version": "1.9.8",
	"resource_changes": [{
		"address": "azurerm_linux_virtual_machine.app",
		"type": "azurerm_linux_virtual_machine",
		"name": "app",
		"change": {"actions": ["delete", "create"], "before": {"id": vm_id}, "after": {}},
	}],
}

test_report_names_kind_and_policy_version if {
	r := data.asr_guard.main.report with input as replaced_plan
	r.kind == "terraform-plan"
	r.policy_version == data.asr_guard.matrix.policy_version
	count(r.findings) == 0
}

test_report_collects_findings if {
	r := data.asr_guard.main.report with input as replaced_plan with data.asr_guard.inventory as replicated
	[f.rule_id | some f in r.findings] == ["ASR004"]
}

test_unknown_input_kind_has_no_findings if {
	r := data.asr_guard.main.report with input as {"some": "thing"}
	r.kind == "unknown"
	count(r.findings) == 0
}

test_conftest_style_views if {
	deny := data.asr_guard.main.deny with input as replaced_plan with data.asr_guard.inventory as replicated
	count(deny) == 1
	r1 := data.asr_guard.main.warn with input as replaced_plan
	count(r1) == 0
}

test_waived_denial_leaves_the_conftest_deny_view if {
	w := {"today": "2026-11-24", "entries": [{
		"id": "w1", "rule": "ASR004", "match": "^.*$", "justification": "accepted risk",
		"expires": "2026-12-31", "source": "w.yaml:2",
	}]}
	r := data.asr_guard.main.report with input as replaced_plan with data.asr_guard.inventory as replicated
		with data.asr_guard.waivers as w
	r.waivers == {"applied": ["w1"], "expired": []}
	r2 := data.asr_guard.main.deny with input as replaced_plan with data.asr_guard.inventory as replicated
		with data.asr_guard.waivers as w
	count(r2) == 0
}

test_report_says_whether_the_input_names_replication if {
	r := data.asr_guard.main.report with input as replaced_plan
	r.replication == {"named_by_input": false, "inventory_vms": 0}
	with_item := json.patch(replaced_plan, [{"op": "add", "path": "/resource_changes/-", "value": {
		"address": "azurerm_site_recovery_replicated_vm.app",
		"type": "azurerm_site_recovery_replicated_vm",
		"name": "app",
		"change": {"actions": ["no-op"], "before": {"source_vm_id": vm_id}, "after": {"source_vm_id": vm_id}},
	}}])
	r2 := data.asr_guard.main.report with input as with_item with data.asr_guard.inventory as replicated
	r2.replication == {"named_by_input": true, "inventory_vms": 1}
}

replicated := {"replicated_vms": [vm_id]}
