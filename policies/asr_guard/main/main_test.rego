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

# A what-if result with a new unprotected data disk on a replicated VM (ASR007) and a change
# what-if could not evaluate (ASR020).

_disk(name) := concat("", ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/", name])

_vm_payload(data_disks) := {"properties": {"storageProfile": {
	"osDisk": {"managedDisk": {"id": _disk("os")}},
	"dataDisks": data_disks,
}}}

_item := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"protectedManagedDisks": [{"diskId": _disk("os")}],
}}}

_item_id := concat("", [
	"/subscriptions/s1/resourceGroups/dr/providers/Microsoft.RecoveryServices/vaults/v",
	"/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/vm1",
])

_two_rules := {"status": "Succeeded", "changes": [
	{
		"resourceId": "[format('{0}/x', parameters('p'))]",
		"changeType": "Unsupported",
		"unsupportedReason": "the resource id could not be evaluated",
	},
	{
		"resourceId": vm_id, "changeType": "Modify", "before": _vm_payload([]),
		"after": _vm_payload([{"lun": 1, "createOption": "Attach", "managedDisk": {"id": _disk("d1")}}]),
	},
	{"resourceId": _item_id, "changeType": "NoChange", "before": _item, "after": _item},
]}

_rule_ids(r) := {f.rule_id | some f in r.findings}

# The report of _two_rules with this rule selection as the data document.
_selecting(config) := r if {
	r := data.asr_guard.main.report with input as _two_rules with data.asr_guard.config as config
}

test_without_a_selection_every_rule_is_reported if {
	r := data.asr_guard.main.report with input as _two_rules
	_rule_ids(r) == {"ASR007", "ASR020"}
	r.rules.skipped == []
	count(r.rules.selected) == count(data.asr_guard.matrix.scenarios)
	_rule_ids(_selecting({"rules": [], "skip_rules": []})) == {"ASR007", "ASR020"}
}

test_rules_report_only_the_named_rules_and_the_undecided_one if {
	r := _selecting({"rules": ["ASR002"]})
	_rule_ids(r) == {"ASR020"}
	r.rules.selected == ["ASR002", "ASR020"]
	"ASR007" in r.rules.skipped
	count(r.rules.skipped) == count(data.asr_guard.matrix.scenarios) - 2
	_rule_ids(_selecting({"rules": ["ASR007"]})) == {"ASR007", "ASR020"}
}

test_skip_rules_leave_a_rule_out if {
	r := _selecting({"skip_rules": ["ASR007"]})
	_rule_ids(r) == {"ASR020"}
	r.rules.skipped == ["ASR007"]
	w := data.asr_guard.main.warn with input as _two_rules
		with data.asr_guard.config as {"skip_rules": ["ASR007"]}
	count(w) == 1
	r2 := _selecting({"skip_rules": ["ASR002"]})
	_rule_ids(r2) == {"ASR007", "ASR020"}
	r2.rules.skipped == ["ASR002"]
}

test_a_skipped_rule_wins_over_a_named_one if {
	r := _selecting({"rules": ["ASR007", "ASR002"], "skip_rules": ["ASR007"]})
	_rule_ids(r) == {"ASR020"}
	r.rules.selected == ["ASR002", "ASR020"]
}

test_the_undecided_rule_is_never_left_out if {
	r := _selecting({"skip_rules": ["ASR020"]})
	_rule_ids(r) == {"ASR007", "ASR020"}
	r.rules.skipped == []
	_rule_ids(_selecting({"rules": ["ASR007"], "skip_rules": ["ASR020", "ASR007"]})) == {"ASR020"}
}

test_a_selection_that_is_not_a_list_leaves_every_rule_in if {
	r := _selecting({"rules": "ASR002", "skip_rules": "ASR007"})
	_rule_ids(r) == {"ASR007", "ASR020"}
	r.rules.skipped == []
}

test_a_request_carries_its_selection if {
	request := {"asr_guard_request": {"document": _two_rules, "config": {"skip_rules": ["ASR007"]}}}
	r := data.asr_guard.main.report with input as request
	_rule_ids(r) == {"ASR020"}
	r2 := data.asr_guard.main.report with input as request with data.asr_guard.config as {"rules": ["ASR002"]}
	_rule_ids(r2) == {"ASR020"}
	r2.rules.skipped == ["ASR007"]
	mine := {"asr_guard_request": {"document": _two_rules, "config": {}}}
	r3 := data.asr_guard.main.report with input as mine
		with data.asr_guard.config as {"skip_rules": ["ASR007"]}
	_rule_ids(r3) == {"ASR007", "ASR020"}
}

test_the_kind_of_each_input if {
	plan_kind := data.asr_guard.main.kind with input as replaced_plan
	plan_kind == "terraform-plan"
	whatif_kind := data.asr_guard.main.kind with input as {"status": "Succeeded", "changes": []}
	whatif_kind == "arm-whatif"
	template_kind := data.asr_guard.main.kind with input as {
		"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
		"resources": [],
	}
	template_kind == "arm-template"
	request := {"properties": {"objectType": "IaasVMRestoreRequest", "recoveryType": "RestoreDisks"}}
	restore_kind := data.asr_guard.main.kind with input as request
	restore_kind == "backup-restore-request"
	unknown := data.asr_guard.main.kind with input as {"resources": []}
	unknown == "unknown"
}

test_change_kinds_are_the_inputs_the_view_reads if {
	data.asr_guard.main.change_kinds == {"terraform-plan", "arm-whatif", "arm-template"}
	not "backup-restore-request" in data.asr_guard.main.change_kinds
	not "unknown" in data.asr_guard.main.change_kinds
}

test_findings_are_those_of_the_input_kind_with_waivers_and_remediation if {
	findings := data.asr_guard.main.findings with input as replaced_plan with data.asr_guard.inventory as replicated
	[[f.rule_id, f.severity] | some f in findings] == [["ASR004", "deny"]]
	some denial in findings
	denial.remediation
	waived := data.asr_guard.main.findings with input as replaced_plan
		with data.asr_guard.inventory as replicated
		with data.asr_guard.waivers as {"today": "2026-12-02", "entries": [{
			"id": "w1",
			"rule": "ASR004",
			"match": "^azurerm_linux_virtual_machine\\.app$",
			"justification": "planned rebuild",
			"expires": "2026-12-31",
			"source": "waivers.yaml:1",
		}]}
	[f.waived.waiver | some f in waived] == ["w1"]
	none := data.asr_guard.main.findings with input as replaced_plan
	none == set()
}

item_id := concat("", [
	"/subscriptions/s1/resourceGroups/dr/providers/Microsoft.RecoveryServices/vaults/v",
	"/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/vm1",
])

item_payload(disk) := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"vmManagedDisks": [{"diskId": disk}],
}}}

vm_payload(os) := {"properties": {"storageProfile": {"osDisk": {"managedDisk": {"id": os}}, "dataDisks": []}}}

test_info_lists_the_information_findings if {
	# The OS disk swapped and the item created again for the new disk: the workaround (info).
	os := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/os"
	os2 := concat("", [os, "2"])
	reenabled := {"status": "Succeeded", "changes": [
		{"resourceId": vm_id, "changeType": "Modify", "before": vm_payload(os), "after": vm_payload(os2)},
		{"resourceId": item_id, "changeType": "Delete", "before": item_payload(os)},
		{"resourceId": concat("", [item_id, "-2"]), "changeType": "Create", "after": item_payload(os2)},
	]}
	info := data.asr_guard.main.info with input as reenabled
	count(info) == 1
	none := data.asr_guard.main.info with input as replaced_plan with data.asr_guard.inventory as replicated
	none == set()
}
