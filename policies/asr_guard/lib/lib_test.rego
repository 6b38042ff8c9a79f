package asr_guard.lib_test

vm := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"

event(scenario) := {"scenario": scenario, "resource": "r.x", "vm_id": vm, "detail": "d"}

test_finding_takes_wording_from_the_matrix if {
	f := data.asr_guard.lib._finding("vm_replace", "azurerm_linux_virtual_machine.a", "detail")
	f.rule_id == "ASR004"
	f.severity == "deny"
	f.resource == "azurerm_linux_virtual_machine.a"
	f.message == concat(": ", [data.asr_guard.lib.matrix.scenarios.vm_replace.title, "detail"])
	f.workaround == data.asr_guard.lib.matrix.scenarios.vm_replace.workaround
}

test_unknown_scenario_gives_no_finding if {
	not data.asr_guard.lib._finding("no_such_scenario", "r", "d")
}

test_event_is_reported_when_replication_stays if {
	findings := data.asr_guard.lib.resolve({event("disk_restore")}, set(), set())
	[f.rule_id | some f in findings] == ["ASR002"]
}

test_event_becomes_info_when_replication_is_reenabled if {
	findings := data.asr_guard.lib.resolve({event("disk_restore")}, {vm}, {vm})
	[[f.rule_id, f.severity] | some f in findings] == [["ASR009", "info"]]
}

test_event_is_left_to_the_removal_warning_when_replication_is_only_removed if {
	count(data.asr_guard.lib.resolve({event("vm_replace")}, {vm}, set())) == 0
}

test_event_not_resolved_by_reenable_is_kept if {
	findings := data.asr_guard.lib.resolve({event("data_disk_unprotected")}, {vm}, {vm})
	[f.rule_id | some f in findings] == ["ASR007"]
}

test_inventory_ids_are_lower_cased if {
	ids := data.asr_guard.lib.inventory_vm_ids with data.asr_guard.inventory as {"replicated_vms": [
		"/Subscriptions/S1/VM",
		3,
	]}
	ids == {"/subscriptions/s1/vm"}
}

test_no_inventory_means_no_ids if {
	count(data.asr_guard.lib.inventory_vm_ids) == 0
}

test_restored_create_options_match_case_insensitively if {
	data.asr_guard.lib.is_restored_create_option("Restore")
	data.asr_guard.lib.is_restored_create_option("copy")
	not data.asr_guard.lib.is_restored_create_option("Empty")
	not data.asr_guard.lib.is_restored_create_option(null)
}

test_get_and_at_tolerate_other_types if {
	data.asr_guard.lib.get(null, "a", 1) == 1
	data.asr_guard.lib.get({"a": 2}, "a", 1) == 2
	data.asr_guard.lib._at([5], 0, 1) == 5
	data.asr_guard.lib._at([], 0, 1) == 1
	data.asr_guard.lib._at({"0": 5}, 0, 1) == 1
}

waivers(entries) := {"today": "2026-11-24", "entries": entries}

waiver(id, rule, match, expires) := {
	"id": id,
	"rule": rule,
	"match": match,
	"justification": "because",
	"expires": expires,
	"source": "w.yaml:1",
}

deny_finding := {"rule_id": "ASR004", "resource": "Module.Web.azurerm_vm.app", "severity": "deny"}

test_active_waiver_marks_the_finding if {
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as waivers([waiver(
		"w1",
		"ASR004",
		"^module\\.web\\..*$",
		"2026-11-24",
	)])
	[f.waived.waiver | some f in findings] == ["w1"]
}

test_expired_waiver_does_not_apply_and_is_reported if {
	w := waivers([waiver("w1", "ASR004", "^.*$", "2026-11-23")])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f | some f in findings; f.waived] == []
	data.asr_guard.lib.expired_waivers == ["w1"] with data.asr_guard.waivers as w
}

test_waiver_of_another_rule_or_resource_does_not_apply if {
	w := waivers([waiver("a", "ASR005", "^.*$", "2030-01-01"), waiver("b", "ASR004", "^other$", "2030-01-01")])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f | some f in findings; f.waived] == []
}

test_first_covering_waiver_by_id_is_named if {
	w := waivers([waiver("z", "ASR004", "^.*$", "2030-01-01"), waiver("a", "ASR004", "^.*app$", "2030-01-01")])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f.waived.waiver | some f in findings] == ["a"]
}

test_no_waivers_leaves_findings_as_they_are if {
	data.asr_guard.lib.apply_waivers({deny_finding}) == {deny_finding}
}
