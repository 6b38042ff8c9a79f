package asr_guard.terraform

# What is replicated now, as the plan shows it: the replicated items it changes (as they are
# before it) and those in its prior state and planned values. The view adds the inventory.
# (Hot: one value per replicated item of the plan. Values are read by reference, ids are
# lower-cased and made canonical in one pass only when one of them needs it.)

_item_values_now := array.concat(
	[v | some rc in _item_changes; v := rc.change.before; is_object(v)],
	[r.values | some r in _prior_resources; r.type == _item_type; r.mode == "managed"; is_object(r.values)],
)

_item_values_after := array.concat(
	[v | some rc in _item_changes; v := rc.change.after; is_object(v)],
	[r.values | some r in _planned_resources; r.type == _item_type; r.mode == "managed"; is_object(r.values)],
)

# METADATA
# title: Replicated VM ids
# description: >-
#   Canonical ids of the VMs the input itself shows replicated (their replicated items as they are before the change).
replicated_vm_ids := data.asr_guard.lib.canonical_ids({lower(id) |
	some values in _item_values_now
	id := values.source_vm_id
	is_string(id)
})

# METADATA
# title: Protected disk ids
# description: >-
#   Canonical ids of the disks the replicated items in the input protect before the change.
protected_disk_ids := _disk_ids(_item_values_now, "disk_id")

# METADATA
# title: Enabled disk ids
# description: >-
#   Disks protected once the plan is applied (its items' after, the planned values).
enabled_disk_ids := _disk_ids(_item_values_after, "disk_id") | protected_disk_ids

# METADATA
# title: Cache account ids
# description: >-
#   Canonical ids of the cache (staging) storage accounts of the replicated items in the input.
cache_account_ids := _disk_ids(_item_values_now, "staging_storage_account_id") | _disk_ids(
	_item_values_after,
	"staging_storage_account_id",
)

_disk_ids(values_list, attr) := data.asr_guard.lib.canonical_ids({lower(id) |
	some values in values_list
	some block in values.managed_disk
	id := block[attr]
	is_string(id)
})

# METADATA
# title: Protected disk keys
# description: >-
#   Disks the configuration of a replicated item links to (their ids may be known only after apply).
protected_disk_keys := {key |
	some rc in _item_changes
	is_object(rc.change.after)
	some i, _ in object.get(_expression(rc, []), "managed_disk", [])
	some key in _direct_targets(rc, _refs(_expression(rc, ["managed_disk", i, "disk_id"])))
}

# METADATA
# title: Cache account keys
# description: >-
#   Keys of view entries for cache storage accounts that replicated items link to by reference.
cache_account_keys := {key |
	some rc in _item_changes
	is_object(rc.change.after)
	some i, _ in object.get(_expression(rc, []), "managed_disk", [])
	some key in _direct_targets(rc, _refs(_expression(rc, ["managed_disk", i, "staging_storage_account_id"])))
}
