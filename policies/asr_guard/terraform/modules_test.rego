package asr_guard.terraform_test

# Tests of modules.rego: resources of the prior state in any module, and module addresses.

prior_item(address) := {
	"address": address,
	"mode": "managed",
	"type": "azurerm_site_recovery_replicated_vm",
	"values": {"source_vm_id": vm_id},
}

test_prior_resources_of_the_root_and_child_modules if {
	p := object.union(plan([]), {"prior_state": {"values": {"root_module": {
		"resources": [prior_item("azurerm_site_recovery_replicated_vm.root")],
		"child_modules": [{"child_modules": [{"resources": [prior_item(
			"module.a.module.b.azurerm_site_recovery_replicated_vm.x",
		)]}]}],
	}}}})
	resources := data.asr_guard.terraform.prior_resources with input as p
	[r.address | some r in resources] == [
		"azurerm_site_recovery_replicated_vm.root",
		"module.a.module.b.azurerm_site_recovery_replicated_vm.x",
	]
	no_state := data.asr_guard.terraform.prior_resources with input as plan([])
	no_state == []
	not data.asr_guard.terraform.prior_resources with input as {"resources": []}
}

test_addresses_of_a_change_in_a_module_instance if {
	rc := {
		"address": "module.a[\"x\"].azurerm_managed_disk.d[0]",
		"module_address": "module.a[\"x\"]",
		"type": "azurerm_managed_disk",
		"name": "d",
	}
	data.asr_guard.terraform._base_address(rc) == "module.a[\"x\"].azurerm_managed_disk.d"
	data.asr_guard.terraform._config_address(rc) == "module.a.azurerm_managed_disk.d"
	data.asr_guard.terraform._instance_key(rc) == "[0]"
	root := {"address": "azurerm_managed_disk.d", "type": "azurerm_managed_disk", "name": "d"}
	data.asr_guard.terraform._config_address(root) == "azurerm_managed_disk.d"
	data.asr_guard.terraform._instance_key(root) == ""
}
