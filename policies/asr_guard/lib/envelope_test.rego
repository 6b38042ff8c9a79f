package asr_guard.lib_test

vm := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"

plan := {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": []}

test_the_whole_input_is_the_document if {
	document := data.asr_guard.lib.document with input as plan
	document == plan
}

test_a_request_carries_its_document_and_data if {
	request := {"asr_guard_request": {
		"document": plan,
		"inventory": {"replicated_vms": [vm]},
		"waivers": {"today": "2026-12-02", "entries": []},
	}}
	data.asr_guard.lib.document == plan with input as request
	data.asr_guard.lib.inventory_vm_ids == {vm} with input as request
	data.asr_guard.lib.waivers.today == "2026-12-02" with input as request
}

test_a_request_ignores_the_shared_data_document if {
	request := {"asr_guard_request": {"document": plan}}
	shared := {"replicated_vms": [vm]}
	r1 := data.asr_guard.lib.inventory_vm_ids with input as request with data.asr_guard.inventory as shared
	count(r1) == 0
}

test_without_a_request_the_data_document_is_read if {
	shared := {"replicated_vms": [vm]}
	data.asr_guard.lib.inventory_vm_ids == {vm} with input as plan with data.asr_guard.inventory as shared
}
