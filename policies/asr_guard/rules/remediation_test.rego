package asr_guard.remediation_test

# Each strategy choice both ways: the plan holds the VM's replicated item or not, the item's
# prior state lists the VM or not, a denial or a warning.

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

disk_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/vm1-os"

item_state(depends_on) := {
	"address": "azurerm_site_recovery_replicated_vm.app",
	"mode": "managed",
	"type": "azurerm_site_recovery_replicated_vm",
	"name": "app",
	"depends_on": depends_on,
	"values": {"name": "vm1-asr", "source_vm_id": vm_id, "managed_disk": [{"disk_id": disk_id}]},
}

vm_change(actions) := {
	"address": "azurerm_linux_virtual_machine.app",
	"mode": "managed",
	"type": "azurerm_linux_virtual_machine",
	"name": "app",
	"change": {"actions": actions, "before": {"id": vm_id, "os_managed_disk_id": disk_id}, "after": null},
}

copy_attached := [
	{
		"address": "azurerm_managed_disk.copy",
		"mode": "managed",
		"type": "azurerm_managed_disk",
		"name": "copy",
		"change": {
			"actions": ["create"],
			"before": null,
			"after": {"name": "copy", "create_option": "Copy"},
			"after_unknown": {"id": true},
		},
	},
	{
		"address": "azurerm_virtual_machine_data_disk_attachment.copy",
		"mode": "managed",
		"type": "azurerm_virtual_machine_data_disk_attachment",
		"name": "copy",
		"change": {
			"actions": ["create"],
			"before": null,
			"after": {"virtual_machine_id": vm_id, "lun": 3},
			"after_unknown": {"id": true, "managed_disk_id": true},
		},
	},
]

copy_config := {"root_module": {"resources": [{
	"address": "azurerm_virtual_machine_data_disk_attachment.copy",
	"mode": "managed",
	"type": "azurerm_virtual_machine_data_disk_attachment",
	"name": "copy",
	"expressions": {"managed_disk_id": {"references": ["azurerm_managed_disk.copy.id", "azurerm_managed_disk.copy"]}},
}]}}

plan(changes, prior) := {
	"format_version": "1.2",
	"terraform_version": "1.9.8",
	"resource_changes": changes,
	"prior_state": {"values": {"root_module": {"resources": prior}}},
	"configuration": copy_config,
}

inventory := {"replicated_vms": [vm_id]}

denials(report) := [f | some f in report.findings; f.severity == "deny"]

test_restored_disk_with_the_item_in_the_plan_is_a_terraform_patch if {
	r := data.asr_guard.main.report with input as plan(copy_attached, [item_state([])])
	[f] := denials(r)
	f.rule_id == "ASR002"
	f.remediation.id == "ASR002/terraform-replace-item"
	f.remediation.params.item.address == "azurerm_site_recovery_replicated_vm.app"
	f.remediation.params.item.managed_disks == [{"disk_id": disk_id}]
	f.remediation.params.resource == "azurerm_virtual_machine_data_disk_attachment.copy"
	[s.kind | some s in f.remediation.steps] == ["patch", "command", "recheck", "command", "wait"]
	f.remediation.expect[0].present == ["ASR009"]
	"ASR002" in f.remediation.expect[0].absent
	"ASR027" in f.remediation.expect[0].absent
}

test_restored_disk_known_from_the_inventory_only_is_a_runbook if {
	r := data.asr_guard.main.report with input as plan(copy_attached, []) with data.asr_guard.inventory as inventory
	[f] := denials(r)
	f.remediation.id == "ASR002/runbook-around-change"
	f.remediation.params.item == null
	f.remediation.params.vm_id == lower(vm_id)
	f.remediation.expect == []
	f.remediation.params.arm_reenable == false
	some step in f.remediation.steps
	step.op == "enable"
	step.mapping.item.fabricObjectId.cli == "fabric-object-id"
	not step.mapping.item.osType
}

test_vm_delete_with_the_vm_in_the_item_dependencies_removes_the_item_in_one_apply if {
	prior := [item_state(["azurerm_linux_virtual_machine.app"])]
	r := data.asr_guard.main.report with input as plan([vm_change(["delete"])], prior)
	[f] := denials(r)
	f.rule_id == "ASR005"
	f.remediation.strategy == "terraform-remove-item"
	count(f.remediation.expect) == 1
}

test_vm_delete_without_the_dependency_removes_the_item_first if {
	r := data.asr_guard.main.report with input as plan([vm_change(["delete"])], [item_state([])])
	[f] := denials(r)
	f.remediation.strategy == "terraform-remove-item-first"
	[p.phase | some p in f.remediation.expect] == [1, 2]
	f.remediation.expect[0].present == ["ASR008"]
}

test_vm_replace_follows_the_vm if {
	r := data.asr_guard.main.report with input as plan([vm_change(["delete", "create"])], [item_state([])])
	[f] := denials(r)
	f.rule_id == "ASR004"
	f.remediation.id == "ASR004/terraform-replace-triggered-by-vm"
	f.remediation.expect[0].absent[0] == "ASR004"
}

test_a_warning_has_no_remediation if {
	r := data.asr_guard.main.report with input as plan([vm_change(["delete", "create"])], [item_state([])])
	some f in r.findings
	f.severity == "deny"
	warning := {"severity": "warn", "rule_id": "ASR007"}
	data.asr_guard.remediation.attach({warning}) == {warning}
}

test_in_place_restore_is_a_restore_runbook if {
	request := {"properties": {
		"objectType": "IaasVMRestoreRequest",
		"recoveryPointId": "123",
		"recoveryType": "OriginalLocation",
		"sourceResourceId": vm_id,
		"restoreDiskLunList": [0, 2],
	}}
	r := data.asr_guard.main.report with input as request with data.asr_guard.inventory as inventory
	[f] := denials(r)
	f.rule_id == "ASR002"
	f.remediation.strategy == "runbook-around-restore"
	f.remediation.params.restore == {
		"recovery_point_id": "123",
		"recovery_type": "OriginalLocation",
		"storage_account_id": null,
		"luns": [0, 2],
	}
}

test_restore_of_a_vm_not_replicated_has_no_remediation if {
	request := {"properties": {
		"objectType": "IaasVMRestoreRequest",
		"recoveryType": "OriginalLocation",
		"sourceResourceId": vm_id,
	}}
	r := data.asr_guard.main.report with input as request
	count(r.findings) == 0
}

test_a_denial_without_a_vm_is_by_hand if {
	f := {"severity": "deny", "rule_id": "ASR014", "scenario": "disk_shrunk", "resource": "azurerm_managed_disk.data"}
	attached := data.asr_guard.remediation.attach({f}) with input as plan([], [])
	[d] := [x | some x in attached]
	r := d.remediation
	r.strategy == "manual"
	r.risks[0].id == "no-automatic-fix"
}

# A VM and its replicated item in one module (instance keys with dots included) are a Terraform
# fix; in two modules, a runbook (a reference across modules needs a module output).
module_vm_change(address) := object.union(vm_change(["delete", "create"]), {"address": address})

module_item(module, address) := {
	"address": module,
	"resources": [object.union(item_state([]), {"address": address})],
}

nested_prior(module, address) := {"values": {"root_module": {"resources": [], "child_modules": [{
	"address": `module.a["k"]`,
	"resources": [],
	"child_modules": [module_item(module, address)],
}]}}}

test_a_vm_in_the_module_of_its_item_follows_the_vm if {
	change := module_vm_change(`module.a["k"].module.b.azurerm_linux_virtual_machine.y["z.w"]`)
	prior := nested_prior(`module.a["k"].module.b`, `module.a["k"].module.b.azurerm_site_recovery_replicated_vm.r`)
	r := data.asr_guard.main.report with input as object.union(plan([change], []), {"prior_state": prior})
	[f] := denials(r)
	f.rule_id == "ASR004"
	f.remediation.strategy == "terraform-replace-triggered-by-vm"
}

test_a_vm_in_another_module_than_its_item_is_a_runbook if {
	change := module_vm_change(`module.a["k"].module.web.azurerm_linux_virtual_machine.y["z.w"]`)
	prior := nested_prior(`module.a["k"].module.b`, `module.a["k"].module.b.azurerm_site_recovery_replicated_vm.r`)
	r := data.asr_guard.main.report with input as object.union(plan([change], []), {"prior_state": prior})
	[f] := denials(r)
	f.rule_id == "ASR004"
	f.remediation.params.item.address == `module.a["k"].module.b.azurerm_site_recovery_replicated_vm.r`
	f.remediation.strategy == "runbook-around-change"
}
