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
	rules(data.asr_guard.restore.findings) == [["ASR001", "info"]] with input as ilr with data.asr_guard.inventory as inventory
}

test_file_restore_on_a_vm_that_is_not_replicated_gives_nothing if {
	r1 := data.asr_guard.restore.findings with input as ilr
	count(r1) == 0
}

test_vm_restored_in_place_is_denied if {
	rules(data.asr_guard.restore.findings) == [["ASR003", "deny"]] with input as vm_restore("OriginalLocation")
		with data.asr_guard.inventory as inventory
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
	rules(data.asr_guard.restore.findings) == [["ASR010", "warn"]] with input as vm_restore("AlternateLocation")
		with data.asr_guard.inventory as inventory
	rules(data.asr_guard.restore.findings) == [["ASR010", "warn"]] with input as vm_restore("RestoreDisks")
		with data.asr_guard.inventory as inventory
}

test_rest_example_envelope_and_bare_properties_are_read if {
	envelope := {"parameters": {"vaultName": "v", "parameters": vm_restore("OriginalLocation")}}
	rules(data.asr_guard.restore.findings) == [["ASR003", "deny"]] with input as envelope with data.asr_guard.inventory as inventory
	rules(data.asr_guard.restore.findings) == [["ASR003", "deny"]] with input as vm_restore("OriginalLocation").properties
		with data.asr_guard.inventory as inventory
}

test_ids_compare_case_insensitively if {
	rules(data.asr_guard.restore.findings) == [["ASR003", "deny"]] with input as vm_restore("OriginalLocation")
		with data.asr_guard.inventory as {"replicated_vms": [upper(vm_id)]}
}

test_other_documents_are_not_restore_requests if {
	not data.asr_guard.restore.is_restore with input as {"properties": {"objectType": "ProtectedItem"}}
	not data.asr_guard.restore.is_restore with input as {"format_version": "1.2"}
}
