package asr_guard.lib

# The replication inventory data document (see envelope.rego for where it comes from):
#   replicated_vms, replicated_disks (protected disks), cache_storage_accounts, auto_protected_vms:
#   each a list of Azure resource ids; compared in canonical form.

# METADATA
# title: Inventory VM ids
# description: >-
#   Canonical ids of the VMs the inventory lists as replicated.
inventory_vm_ids := _inventory_ids("replicated_vms")

# METADATA
# title: Inventory disk ids
# description: >-
#   Canonical ids of the disks the inventory lists as protected by a replicated item.
inventory_disk_ids := _inventory_ids("replicated_disks") | _vm_disk_ids

_vm_disk_ids := canonical_ids({lower(d) |
	some disks in object.get(_inventory, "vm_disks", {})
	is_array(disks)
	some d in disks
	is_string(d)
})

# METADATA
# title: Inventory cache account ids
# description: >-
#   Canonical ids of the cache storage accounts the inventory lists for replicated items.
inventory_cache_account_ids := _inventory_ids("cache_storage_accounts")

# METADATA
# title: Inventory auto protect VM ids
# description: >-
#   Canonical ids of the VMs whose replicated item, per the inventory, protects new data disks itself.
inventory_auto_protect_vm_ids := _inventory_ids("auto_protected_vms")

_inventory_ids(name) := ids if {
	values := object.get(_inventory, name, [])
	ids := canonical_ids({lower(id) | some id in values; is_string(id)})
}

# METADATA
# title: Inventory VM disks
# description: >-
#   The disks each replicated VM's item protects, by VM id: {"vm id": ["disk id", ...]}
#   (inventory field vm_disks; an inventory of VM ids only has none).
inventory_vm_disks(vm_id) := disks if {
	disks := _vm_disks_by_id[vm_id]
} else := set()

# The protected disks by canonical VM id, made once (a scan of every VM of the inventory for
# each VM asked about was quadratic in a template of replicated VMs).
_vm_disks_by_id[id] contains disk if {
	some key, values in object.get(_inventory, "vm_disks", {})
	id := canonical_id(key)
	some d in values
	is_string(d)
	disk := canonical_id(d)
}
