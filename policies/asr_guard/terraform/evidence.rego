package asr_guard.terraform

# What is replicated now, as the plan shows it: the replicated items it changes (as they are
# before it) and those in its prior state and planned values. The view adds the inventory.
# (Hot: one value per replicated item of the plan. Values are read by reference, ids are
# lower-cased and made canonical in one pass only when one of them needs it.)

# (A plan lists an item twice, as a change and in its prior state or planned values, with the
# same values: the state is read for the items no change holds, those a -target plan leaves
# out, and every item is read once.)

_item_values_now := array.concat(
	[v | some rc in _item_changes; v := rc.change.before; is_object(v)],
	_state_item_values(_prior_resources),
)

_item_values_after := array.concat(
	[v | some rc in _item_changes; v := rc.change.after; is_object(v)],
	_state_item_values(_planned_resources),
)

_state_item_values(resources) := [r.values |
	t := _item_type
	changed := _item_addresses
	some r in resources
	r.type == t
	r.mode == "managed"
	not object.get(r, "address", null) in changed
	is_object(r.values)
]

_item_addresses := {rc.address | some rc in _item_changes}

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
	some [rc, blocks] in _item_disk_blocks
	some block in blocks
	some key in _direct_targets(rc, _refs(object.get(block, "disk_id", {})))
}

# METADATA
# title: Cache account keys
# description: >-
#   Keys of view entries for cache storage accounts that replicated items link to by reference.
cache_account_keys := {key |
	some [rc, blocks] in _item_disk_blocks
	some block in blocks
	some key in _direct_targets(rc, _refs(object.get(block, "staging_storage_account_id", {})))
}

# [change, its configuration's managed_disk blocks] of each replicated item the plan keeps or
# creates, read once for both rules above.
_item_disk_blocks := [[rc, blocks] |
	count(_config_block) > 0
	some rc in _item_changes
	is_object(rc.change.after)
	expression := _expression(rc, [])
	blocks := [block | some block in object.get(expression, "managed_disk", []); is_object(block)]
	count(blocks) > 0
]
