package asr_guard.lib_test

# Tests of inventory.rego: the ids the inventory data document gives.

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

inventory_vm := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/inventory-vm"

inventory_disk(name) := concat("", ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/", name])

full_inventory := {
	"replicated_vms": [inventory_vm],
	"replicated_disks": [inventory_disk("D1")],
	"vm_disks": {upper(inventory_vm): [inventory_disk("OS"), inventory_disk("D2"), 7]},
	"cache_storage_accounts": [concat("", [
		"/subscriptions/s1/resourceGroups/dr/providers/Microsoft.Storage",
		"/storageAccounts/Cache",
	])],
	"auto_protected_vms": [inventory_vm, null],
}

test_protected_disks_come_from_the_replicated_disks_and_each_vms_disks if {
	ids := data.asr_guard.lib.inventory_disk_ids with data.asr_guard.inventory as full_inventory
	ids == {lower(inventory_disk(name)) | some name in ["D1", "OS", "D2"]}
	only_vms := data.asr_guard.lib.inventory_disk_ids with data.asr_guard.inventory as {"replicated_vms": [
		inventory_vm,
	]}
	only_vms == set()
}

# (The argument is bound before the call: regorus finds no value for a call under `with data...`
# whose argument itself reads data.)
test_the_disks_of_one_vm_of_the_inventory if {
	vm1 := lower(inventory_vm)
	disks := data.asr_guard.lib.inventory_vm_disks(vm1) with data.asr_guard.inventory as full_inventory
	disks == {lower(inventory_disk("OS")), lower(inventory_disk("D2"))}
	vm2 := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/inventory-vm2"
	other := data.asr_guard.lib.inventory_vm_disks(vm2) with data.asr_guard.inventory as full_inventory
	other == set()
}

test_cache_accounts_and_auto_protected_vms_of_the_inventory if {
	cache := data.asr_guard.lib.inventory_cache_account_ids with data.asr_guard.inventory as full_inventory
	cache == {"/subscriptions/s1/resourcegroups/dr/providers/microsoft.storage/storageaccounts/cache"}
	auto := data.asr_guard.lib.inventory_auto_protect_vm_ids with data.asr_guard.inventory as full_inventory
	auto == {lower(inventory_vm)}
	no_cache := data.asr_guard.lib.inventory_cache_account_ids with data.asr_guard.inventory as {"replicated_vms": []}
	no_cache == set()
	no_auto := data.asr_guard.lib.inventory_auto_protect_vm_ids with data.asr_guard.inventory as {"vm_disks": {}}
	no_auto == set()
}
