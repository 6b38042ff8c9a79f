package asr_guard.restore_test

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

inventory := {"replicated_vms": [vm_id]}

vm_restore(recovery_type) := {"properties": {
	"objectType": "IaasVMRestoreRequest",
	"recoveryType": recovery_type,
	"sourceResourceId": vm_id,
}}

ilr := {"properties": {"objectType": "IaasVMILRRegistrationRequest", "virtualMachineId": vm_id}}

rules(findings) := sort([[f.rule_id, f.severity] | some f in findings])

test_file_restore_on_a_replicated_vm_is_supported if {
	findings := data.asr_guard.restore.findings with input as ilr with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR001", "info"]]
}

test_file_restore_on_a_vm_that_is_not_replicated_gives_nothing if {
	r1 := data.asr_guard.restore.findings with input as ilr
	count(r1) == 0
}

test_vm_restored_in_place_is_denied if {
	in_place := vm_restore("OriginalLocation")
	findings := data.asr_guard.restore.findings with input as in_place with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR003", "deny"]]
}

test_vm_restored_in_place_without_replication_passes if {
	r2 := data.asr_guard.restore.findings with input as vm_restore("OriginalLocation")
	count(r2) == 0
}

test_selected_disks_restored_in_place_is_a_disk_restore if {
	request := {"properties": object.union(vm_restore("OriginalLocation").properties, {"restoreDiskLunList": [0, 2]})}
	findings := data.asr_guard.restore.findings with input as request with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR002", "deny"]]
	some f in findings
	contains(f.message, "LUN 0, 2")
}

test_restore_to_a_new_vm_or_new_disks_warns if {
	new_vm := vm_restore("AlternateLocation")
	new_disks := vm_restore("RestoreDisks")
	to_new_vm := data.asr_guard.restore.findings with input as new_vm with data.asr_guard.inventory as inventory
	rules(to_new_vm) == [["ASR010", "warn"]]
	to_new_disks := data.asr_guard.restore.findings with input as new_disks with data.asr_guard.inventory as inventory
	rules(to_new_disks) == [["ASR010", "warn"]]
}

test_rest_example_envelope_and_bare_properties_are_read if {
	envelope := {"parameters": {"vaultName": "v", "parameters": vm_restore("OriginalLocation")}}
	bare := vm_restore("OriginalLocation").properties
	in_envelope := data.asr_guard.restore.findings with input as envelope with data.asr_guard.inventory as inventory
	rules(in_envelope) == [["ASR003", "deny"]]
	in_properties := data.asr_guard.restore.findings with input as bare with data.asr_guard.inventory as inventory
	rules(in_properties) == [["ASR003", "deny"]]
}

test_ids_compare_case_insensitively if {
	in_place := vm_restore("OriginalLocation")
	upper_case := {"replicated_vms": [upper(vm_id)]}
	findings := data.asr_guard.restore.findings with input as in_place with data.asr_guard.inventory as upper_case
	rules(findings) == [["ASR003", "deny"]]
}

test_other_documents_are_not_restore_requests if {
	not data.asr_guard.restore.is_restore with input as {"properties": {"objectType": "ProtectedItem"}}
	not data.asr_guard.restore.is_restore with input as {"format_version": "1.2"}
}

request_body := {"objectType": "IaasVMRestoreRequest", "recoveryType": "RestoreDisks", "sourceResourceId": vm_id}

test_a_cross_region_restore_body_is_read_by_its_restore_request if {
	crr := {"crossRegionRestoreAccessDetails": {"objectType": "CrrAccessToken"}, "restoreRequest": request_body}
	findings := data.asr_guard.restore.findings with input as crr with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR010", "warn"]]
	some f in findings
	contains(f.message, "Cross Region Restore")
	f.pointer == "/restoreRequest/sourceResourceId"
}

test_a_validate_operation_is_read_by_its_restore_request if {
	in_place := object.union(request_body, {"recoveryType": "OriginalLocation"})
	validate := {"properties": {
		"objectType": "ValidateIaasVMRestoreOperationRequest",
		"restoreRequest": in_place,
	}}
	findings := data.asr_guard.restore.findings with input as validate with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR003", "deny"]]
}

test_null_values_are_absent if {
	nulls := {"targetVirtualMachineId": null, "restoreDiskLunList": null}
	body := {"properties": object.union(vm_restore("OriginalLocation").properties, nulls)}
	findings := data.asr_guard.restore.findings with input as body with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR003", "deny"]]
	some f in findings
	contains(f.message, "Replace existing")
}

test_every_request_of_a_document_with_two_is_classified if {
	# asr-guard refuses such a file; read alone by OPA, no request is guessed away.
	two := {"parameters": {"properties": request_body}, "properties": vm_restore("OriginalLocation").properties}
	findings := data.asr_guard.restore.findings with input as two with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR003", "deny"], ["ASR010", "warn"]]
}

test_an_empty_lun_list_restores_the_whole_vm if {
	body := {"properties": object.union(vm_restore("OriginalLocation").properties, {"restoreDiskLunList": []})}
	findings := data.asr_guard.restore.findings with input as body with data.asr_guard.inventory as inventory
	rules(findings) == [["ASR003", "deny"]]
}

test_every_place_azure_reads_a_request_is_read if {
	places := [
		{"restoreRequest": request_body},
		{"properties": {"restoreRequest": request_body}},
		{"parameters": {"properties": request_body}},
		{"parameters": {"restoreRequest": request_body}},
		{"parameters": {"properties": {"restoreRequest": request_body}}},
		{"parameters": {"parameters": {"properties": request_body}}},
		{"parameters": {"parameters": {"restoreRequest": request_body}}},
		{"parameters": {"parameters": {"properties": {"restoreRequest": request_body}}}},
	]
	every doc in places {
		found := data.asr_guard.restore.findings with input as doc with data.asr_guard.inventory as inventory
		rules(found) == [["ASR010", "warn"]]
	}
}

test_a_request_type_in_another_case_is_not_read if {
	other_case := {"objectType": "IaaSVMRestoreRequest"}
	body := {"properties": object.union(vm_restore("OriginalLocation").properties, other_case)}
	not data.asr_guard.restore.is_restore with input as body with data.asr_guard.inventory as inventory
}

test_requests_are_the_restore_requests_with_their_place_in_the_document if {
	found := data.asr_guard.restore.requests with input as vm_restore("AlternateLocation")
	[[pointer, r.recoveryType] | some [pointer, r] in found] == [["/properties", "AlternateLocation"]]
	bare := data.asr_guard.restore.requests with input as ilr.properties
	[pointer | some [pointer, _] in bare] == [""]
	none := data.asr_guard.restore.requests with input as {"properties": {"objectType": "AzureFileShareRestoreRequest"}}
	none == []
}

test_events_name_the_scenario_the_vm_and_the_place_of_its_id if {
	in_place := vm_restore("OriginalLocation")
	events := data.asr_guard.restore.events with input as in_place with data.asr_guard.inventory as inventory
	[[e.scenario, e.vm_id, e.pointer] | some e in events] == [[
		"vm_restore",
		lower(vm_id),
		"/properties/sourceResourceId",
	]]
	not_replicated := data.asr_guard.restore.events with input as in_place
	not_replicated == set()
}
