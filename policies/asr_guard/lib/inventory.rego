package asr_guard.lib

# The replication inventory data document (see envelope.rego for where it comes from):
#   replicated_vms, replicated_disks (protected disks), cache_storage_accounts, auto_protected_vms:
#   each a list of Azure resource ids; compared in canonical form.

inventory_vm_ids := _inventory_ids("replicated_vms")

inventory_disk_ids := _inventory_ids("replicated_disks")

inventory_cache_account_ids := _inventory_ids("cache_storage_accounts")

inventory_auto_protect_vm_ids := _inventory_ids("auto_protected_vms")

_inventory_ids(name) := ids if {
	values := object.get(inventory, name, [])
	ids := canonical_ids({lower(id) | some id in values; is_string(id)})
}
