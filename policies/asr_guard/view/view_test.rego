package asr_guard.view_test

vm_id := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"

plan := {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [{
	"address": "azurerm_linux_virtual_machine.app",
	"mode": "managed",
	"type": "azurerm_linux_virtual_machine",
	"name": "app",
	"change": {"actions": ["delete"], "before": {"id": upper(vm_id)}, "after": null, "after_unknown": {}},
}]}

whatif := {"status": "Succeeded", "changes": [{
	"resourceId": upper(vm_id),
	"changeType": "Delete",
	"before": {"name": "vm1"},
}]}

test_the_view_of_the_input_kind if {
	tf := data.asr_guard.view.current with input as plan
	tf.kind == "terraform-plan"
	[[e.type, e.key, e.action, e.before.id] | some e in tf.resources] == [[
		"vm",
		"azurerm_linux_virtual_machine.app",
		"delete",
		vm_id,
	]]
	wi := data.asr_guard.view.current with input as whatif
	wi.kind == "arm-whatif"
	[[e.type, e.key, e.action, e.label] | some e in wi.resources] == [["vm", vm_id, "delete", upper(vm_id)]]
}

test_no_view_for_a_restore_request if {
	request := {"properties": {"objectType": "IaasVMRestoreRequest", "recoveryType": "RestoreDisks"}}
	not data.asr_guard.view.current with input as request
}

test_replicated_vms_come_from_the_input_and_the_inventory if {
	inventory := {"replicated_vms": ["/Subscriptions/S2/VM/"]}
	ids := data.asr_guard.view.replicated_vm_ids with input as plan with data.asr_guard.inventory as inventory
	ids == {"/subscriptions/s2/vm"}
}

test_a_link_points_at_the_entries_with_its_keys if {
	targets := data.asr_guard.view.targets({
		"ids": [],
		"keys": ["azurerm_linux_virtual_machine.app"],
		"unresolved": [],
	}) with input as plan
	[e.key | some e in targets] == ["azurerm_linux_virtual_machine.app"]
}

# A what-if result with an item that exists (protectedManagedDisks with its cache account, as a
# GET returns it), a VM that gets a data disk, and a change what-if could not evaluate.
rg_id := "/subscriptions/s1/resourcegroups/rg/providers"

os_disk := concat("", [rg_id, "/microsoft.compute/disks/os"])

new_disk := concat("", [rg_id, "/microsoft.compute/disks/d1"])

cache := concat("", [rg_id, "/microsoft.storage/storageaccounts/cache"])

item_id := concat("", [
	"/subscriptions/s1/resourcegroups/dr/providers/microsoft.recoveryservices/vaults/v",
	"/replicationfabrics/f/replicationprotectioncontainers/c/replicationprotecteditems/vm1",
])

item_payload := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": upper(vm_id),
	"autoProtectionOfDataDisk": "Enabled",
	"protectedManagedDisks": [{"diskId": upper(os_disk), "primaryStagingAzureStorageAccountId": upper(cache)}],
}}}

vm_payload(data_disks) := {"properties": {"storageProfile": {
	"osDisk": {"managedDisk": {"id": upper(os_disk)}},
	"dataDisks": data_disks,
}}}

replicated_whatif := {"status": "Succeeded", "changes": [
	{
		"resourceId": upper(vm_id),
		"changeType": "Modify",
		"before": vm_payload([]),
		"after": vm_payload([{"lun": 1, "createOption": "Attach", "managedDisk": {"id": upper(new_disk)}}]),
	},
	{"resourceId": upper(item_id), "changeType": "NoChange", "before": item_payload, "after": item_payload},
	{"resourceId": upper(new_disk), "changeType": "Unsupported", "unsupportedReason": "not known"},
]}

test_changes_linked_and_undecided_are_those_of_the_input_kind if {
	changes := data.asr_guard.view.changes with input as replicated_whatif
	[[e.type, e.action] | some e in changes] == [["vm", "update"], ["attachment", "create"]]
	linked := data.asr_guard.view.linked with input as replicated_whatif
	[[e.type, e.key] | some e in linked] == [["item", item_id]]
	undecided := data.asr_guard.view.undecided with input as replicated_whatif
	[u.label | some u in undecided] == [upper(new_disk)]
	tf_changes := data.asr_guard.view.changes with input as plan
	[e.action | some e in tf_changes] == ["delete"]
	tf_linked := data.asr_guard.view.linked with input as plan
	tf_undecided := data.asr_guard.view.undecided with input as plan
	[tf_linked, tf_undecided] == [[], []]
	request := {"properties": {"objectType": "IaasVMRestoreRequest", "recoveryType": "RestoreDisks"}}
	not data.asr_guard.view.changes with input as request
}

test_entries_by_key_among_the_changes_and_the_linked if {
	by_key := data.asr_guard.view.by_key with input as replicated_whatif
	[e.type | some e in by_key[vm_id]] == ["vm"]
	[e.type | some e in by_key[item_id]] == ["item"]
	not by_key[os_disk]
}

test_replication_from_the_input if {
	vms := data.asr_guard.view.input_vm_ids with input as replicated_whatif
	vms == [vm_id]
	all_vms := data.asr_guard.view.replicated_vm_ids with input as replicated_whatif
	all_vms == {vm_id}
	disks := data.asr_guard.view.protected_disk_ids with input as replicated_whatif
	disks == {os_disk}
	enabled := data.asr_guard.view.enabled_disk_ids with input as replicated_whatif
	enabled == {os_disk}
	caches := data.asr_guard.view.cache_account_ids with input as replicated_whatif
	caches == {cache}
	auto := data.asr_guard.view.auto_protect_vm_ids with input as replicated_whatif
	auto == {vm_id}
	tf_vms := data.asr_guard.view.input_vm_ids with input as plan
	tf_vms == set()
	tf_disks := data.asr_guard.view.protected_disk_ids with input as plan
	tf_enabled := data.asr_guard.view.enabled_disk_ids with input as plan
	tf_caches := data.asr_guard.view.cache_account_ids with input as plan
	tf_auto := data.asr_guard.view.auto_protect_vm_ids with input as plan
	[tf_disks, tf_enabled, tf_caches, tf_auto] == [set(), set(), set(), set()]
}

test_replication_from_the_inventory_joins_that_of_the_input if {
	inventory := {
		"replicated_vms": [upper(vm_id)],
		"replicated_disks": [upper(new_disk)],
		"cache_storage_accounts": [upper(cache)],
		"auto_protected_vms": [upper(vm_id)],
	}
	disks := data.asr_guard.view.protected_disk_ids with input as plan with data.asr_guard.inventory as inventory
	disks == {new_disk}
	enabled := data.asr_guard.view.enabled_disk_ids with input as plan with data.asr_guard.inventory as inventory
	enabled == {new_disk}
	caches := data.asr_guard.view.cache_account_ids with input as plan with data.asr_guard.inventory as inventory
	caches == {cache}
	auto := data.asr_guard.view.auto_protect_vm_ids with input as plan with data.asr_guard.inventory as inventory
	auto == {vm_id}
	input_only := data.asr_guard.view.input_vm_ids with input as plan with data.asr_guard.inventory as inventory
	input_only == set()
}

# Configuration keys of the protected disks and cache accounts: only a plan's configuration
# names them (the item's managed_disk block refers to azurerm_managed_disk.data.id).
item_values := {"source_vm_id": vm_id, "managed_disk": [{"disk_id": os_disk, "staging_storage_account_id": cache}]}

unchanged(type, name, values) := {
	"address": concat(".", [type, name]),
	"mode": "managed",
	"type": type,
	"name": name,
	"change": {"actions": ["no-op"], "before": values, "after": values, "after_unknown": {}},
}

keyed_plan := object.union(
	{"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [
		{
			"address": "azurerm_site_recovery_replicated_vm.app",
			"mode": "managed",
			"type": "azurerm_site_recovery_replicated_vm",
			"name": "app",
			"change": {"actions": ["update"], "before": item_values, "after": item_values, "after_unknown": {}},
		},
		unchanged("azurerm_managed_disk", "os", {"id": os_disk}),
		unchanged("azurerm_storage_account", "cache", {"id": cache}),
	]},
	{"configuration": {"root_module": {"resources": [{
		"address": "azurerm_site_recovery_replicated_vm.app",
		"mode": "managed",
		"type": "azurerm_site_recovery_replicated_vm",
		"name": "app",
		"expressions": {"managed_disk": [{
			"disk_id": {"references": ["azurerm_managed_disk.os.id", "azurerm_managed_disk.os"]},
			"staging_storage_account_id": {"references": [
				"azurerm_storage_account.cache.id",
				"azurerm_storage_account.cache",
			]},
		}]},
	}]}}},
)

test_configuration_keys_of_protected_disks_and_cache_accounts if {
	disk_keys := data.asr_guard.view.protected_disk_keys with input as keyed_plan
	disk_keys == {"azurerm_managed_disk.os"}
	cache_keys := data.asr_guard.view.cache_account_keys with input as keyed_plan
	cache_keys == {"azurerm_storage_account.cache"}
	no_disk_keys := data.asr_guard.view.protected_disk_keys with input as replicated_whatif
	no_cache_keys := data.asr_guard.view.cache_account_keys with input as replicated_whatif
	[no_disk_keys, no_cache_keys] == [set(), set()]
}
