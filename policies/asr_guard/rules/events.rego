package asr_guard.rules

# Every scenario event, together. An event: {"scenario", "resource", "vm_id", "detail",
# "pointer"}; lib.resolve words it from the support matrix.

_event(scenario, e, vm_id, detail) := {
	"scenario": scenario,
	"resource": e.resource,
	"vm_id": vm_id,
	"detail": detail,
	"pointer": e.pointer,
}

# METADATA
# title: Events
# description: >-
#   The scenarios the change view shows, each with its resource, VM and detail, before the matrix words them.
events := (_events | _item_events) | _reenable_events

# METADATA
# title: Findings
# description: >-
#   The findings of the input: its events worded by the support matrix.
findings := data.asr_guard.lib.resolve(events, _removed_vm_ids, _reenabled_vm_ids)
