package asr_guard.lib_test

# Tests of findings.rego: the matrix wording of a finding, and how events resolve.

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
