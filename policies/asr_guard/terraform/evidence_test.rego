package asr_guard.terraform_test

# Tests of evidence.rego: the replication a plan states (plan, change, vm, item, vm_id, disk_id
# and with_config are in terraform_test.rego, the same package).

cache_account := "/subscriptions/s1/resourceGroups/dr/providers/Microsoft.Storage/storageAccounts/cache"

cached_disks := [{"disk_id": disk_id, "staging_storage_account_id": cache_account}]

item_with(actions, before, after) := change(
	"azurerm_site_recovery_replicated_vm.app",
	"azurerm_site_recovery_replicated_vm",
	actions,
	before,
	after,
)

kept_item := item_with(
	["update"],
	{"id": "item", "source_vm_id": vm_id, "managed_disk": cached_disks},
	{"source_vm_id": vm_id, "managed_disk": cached_disks},
)

new_item := item_with(["create"], null, {"source_vm_id": vm_id, "managed_disk": cached_disks})

test_an_item_that_exists_replicates_its_vm_and_protects_its_disks if {
	vms := data.asr_guard.terraform.replicated_vm_ids with input as plan([vm(["update"]), kept_item])
	vms == {lower(vm_id)}
	disks := data.asr_guard.terraform.protected_disk_ids with input as plan([vm(["update"]), kept_item])
	disks == {lower(disk_id)}
	none := data.asr_guard.terraform.replicated_vm_ids with input as plan([vm(["update"])])
	none == set()
}

test_an_item_being_created_enables_its_disks_but_protects_nothing_yet if {
	vms := data.asr_guard.terraform.replicated_vm_ids with input as plan([vm(["update"]), new_item])
	protected := data.asr_guard.terraform.protected_disk_ids with input as plan([vm(["update"]), new_item])
	[vms, protected] == [set(), set()]
	enabled := data.asr_guard.terraform.enabled_disk_ids with input as plan([vm(["update"]), new_item])
	enabled == {lower(disk_id)}
	none := data.asr_guard.terraform.enabled_disk_ids with input as plan([vm(["update"])])
	none == set()
}

test_the_cache_accounts_of_an_item_before_or_after if {
	kept := data.asr_guard.terraform.cache_account_ids with input as plan([kept_item])
	kept == {lower(cache_account)}
	created := data.asr_guard.terraform.cache_account_ids with input as plan([new_item])
	created == {lower(cache_account)}
	none := data.asr_guard.terraform.cache_account_ids with input as plan([item(["no-op"])])
	none == set()
}

test_replication_in_the_prior_state if {
	p := object.union(plan([vm(["update"])]), {"prior_state": {"values": {"root_module": {"resources": [{
		"address": "azurerm_site_recovery_replicated_vm.app",
		"mode": "managed",
		"type": "azurerm_site_recovery_replicated_vm",
		"values": {"source_vm_id": vm_id, "managed_disk": cached_disks},
	}]}}}})
	vms := data.asr_guard.terraform.replicated_vm_ids with input as p
	vms == {lower(vm_id)}
	disks := data.asr_guard.terraform.protected_disk_ids with input as p
	disks == {lower(disk_id)}
}

# A plan lists an item as a change and in its prior state: the state is read for the items no
# change holds (a -target plan leaves the others out of resource_changes), and an item without
# an address in the state is read too.
state_item(address, source) := {
	"address": address,
	"mode": "managed",
	"type": "azurerm_site_recovery_replicated_vm",
	"values": {"source_vm_id": source, "managed_disk": []},
}

test_the_state_is_read_for_items_no_change_holds if {
	other_vm := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/other"
	third_vm := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/third"
	fourth_vm := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/fourth"
	p := object.union(plan([vm(["update"]), kept_item]), {"prior_state": {"values": {"root_module": {"resources": [
		state_item("azurerm_site_recovery_replicated_vm.app", other_vm),
		state_item("azurerm_site_recovery_replicated_vm.untargeted", third_vm),
		object.remove(state_item("azurerm_site_recovery_replicated_vm.x", fourth_vm), ["address"]),
	]}}}})
	vms := data.asr_guard.terraform.replicated_vm_ids with input as p
	vms == {lower(vm_id), lower(third_vm), lower(fourth_vm)}
}

# The configuration names the disk and the cache account the item's managed_disk block refers to.
keyed_item_plan := with_config(
	plan([
		kept_item,
		change("azurerm_managed_disk.data", "azurerm_managed_disk", ["no-op"], {"id": disk_id}, {"id": disk_id}),
		change(
			"azurerm_storage_account.cache",
			"azurerm_storage_account",
			["no-op"],
			{"id": cache_account},
			{"id": cache_account},
		),
	]),
	[{
		"address": "azurerm_site_recovery_replicated_vm.app",
		"mode": "managed",
		"expressions": {"managed_disk": [{
			"disk_id": {"references": ["azurerm_managed_disk.data.id", "azurerm_managed_disk.data"]},
			"staging_storage_account_id": {"references": [
				"azurerm_storage_account.cache.id",
				"azurerm_storage_account.cache",
			]},
		}]},
	}],
)

test_configuration_keys_of_the_protected_disks_and_cache_accounts if {
	disk_keys := data.asr_guard.terraform.protected_disk_keys with input as keyed_item_plan
	disk_keys == {"azurerm_managed_disk.data"}
	cache_keys := data.asr_guard.terraform.cache_account_keys with input as keyed_item_plan
	cache_keys == {"azurerm_storage_account.cache"}
	no_config := plan([kept_item])
	no_disk_keys := data.asr_guard.terraform.protected_disk_keys with input as no_config
	no_cache_keys := data.asr_guard.terraform.cache_account_keys with input as no_config
	[no_disk_keys, no_cache_keys] == [set(), set()]
}
