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
	data.asr_guard.lib._waivers.today == "2026-12-02" with input as request
}

test_a_request_with_its_own_data_ignores_the_shared_data_document if {
	request := {"asr_guard_request": {"document": plan, "inventory": {}, "waivers": {}}}
	shared := {"replicated_vms": [vm]}
	count(data.asr_guard.lib.inventory_vm_ids) == 0 with input as request with data.asr_guard.inventory as shared
	data.asr_guard.lib._waivers == {} with input as request with data.asr_guard.waivers as {"today": "2026-12-02"}
}

test_a_request_without_data_reads_the_servers_data_document if {
	request := {"asr_guard_request": {"document": plan}}
	shared := {"replicated_vms": [vm]}
	data.asr_guard.lib.inventory_vm_ids == {vm} with input as request with data.asr_guard.inventory as shared
}

test_hcp_terraform_puts_the_plan_beside_the_run if {
	document := data.asr_guard.lib.document with input as {"plan": plan, "run": {"is_destroy": false}}
	document == plan
}

test_env0_puts_the_plan_beside_the_deployment_request if {
	document := data.asr_guard.lib.document with input as {"plan": plan, "deploymentRequest": {"type": "deploy"}}
	document == plan
}

test_spacelift_puts_the_changes_under_terraform if {
	changes := {"resource_changes": [], "terraform_version": "1.9.0"}
	document := data.asr_guard.lib.document with input as {"spacelift": {"run": {}}, "terraform": changes}
	document.resource_changes == []
	document.terraform_version == "1.9.0"
	is_string(document.format_version)
}

test_a_plan_key_alone_is_not_a_platform_envelope if {
	document := {"plan": {"x": 1}}
	data.asr_guard.lib.document == document with input as document
}

test_without_a_request_the_data_document_is_read if {
	shared := {"replicated_vms": [vm]}
	data.asr_guard.lib.inventory_vm_ids == {vm} with input as plan with data.asr_guard.inventory as shared
}
