# METADATA
# title: asr-guard shared helpers
# description: |
#   Joins classified events with the support-matrix data document
#   (data.asr_guard.matrix) and reads the replication inventory
#   (data.asr_guard.inventory). Every input-kind package classifies changes
#   into events; this package alone decides their wording and severity.
package asr_guard.lib

matrix := data.asr_guard.matrix

# Replicated VM ids from the inventory data document, lower-cased because
# Azure resource ids compare case-insensitively.
inventory_vm_ids contains lower(id) if {
	some id in data.asr_guard.lib.inventory.replicated_vms
	is_string(id)
}

# Replicated disk ids from the inventory (A2A vmManagedDisks), lower-cased.
inventory_disk_ids contains lower(id) if {
	some id in data.asr_guard.lib.inventory.replicated_disks
	is_string(id)
}

# object.get that tolerates a non-object (null, missing) container.
get(x, key, default_value) := object.get(x, key, default_value) if is_object(x)

get(x, _, default_value) := default_value if not is_object(x)

# xs[i] for an array that has it; default_value otherwise.
at(xs, i, _) := xs[i] if {
	is_array(xs)
	i < count(xs)
}

at(xs, i, default_value) := default_value if not is_array(xs)

at(xs, i, default_value) := default_value if {
	is_array(xs)
	i >= count(xs)
}

# lower() for strings only; undefined otherwise.
lower_id(x) := lower(x) if is_string(x)

is_restored_create_option(option) if {
	is_string(option)
	lower(option) in restored_create_options
}

restored_create_options := {lower(known) | some known in matrix.restored_disk_create_options}

finding(scenario, resource, detail) := {
	"rule_id": row.rule_id,
	"scenario": scenario,
	"severity": row.severity,
	"title": row.title,
	"resource": resource,
	"message": concat(": ", [row.title, detail]),
	"workaround": row.workaround,
	"docs": row.docs,
} if {
	row := matrix.scenarios[scenario]
}

# --- waivers (data.asr_guard.waivers: {"today", "entries": [...]}) ----------------------
# A waiver covers the findings of its rule on resources its `match` (an anchored
# regular expression over the lower-cased resource) accepts, through its expiry day.

waiver_entries := [w | some w in data.asr_guard.lib.waivers.entries]

today := data.asr_guard.lib.waivers.today

active_waiver(w) if w.expires >= today

covering(f) := sort([w.id |
	some w in waiver_entries
	w.rule == f.rule_id
	regex.match(w.match, lower(f.resource))
	active_waiver(w)
])

waiver_by_id[w.id] := w if some w in waiver_entries

# Findings with "waived" set where an active waiver covers them (the first by id).
apply_waivers(findings) := {annotated(f) | some f in findings}

annotated(f) := object.union(f, {"waived": waived}) if {
	ids := covering(f)
	count(ids) > 0
	w := waiver_by_id[ids[0]]
	waived := {"waiver": w.id, "justification": w.justification, "expires": w.expires, "source": w.source}
}

annotated(f) := f if count(covering(f)) == 0

# Waivers past their expiry day: they no longer apply.
expired_waivers := sort([w.id | some w in waiver_entries; not active_waiver(w)])

# Turns classified events into findings.
#   events: set of {"scenario", "resource", "vm_id", "detail", "pointer"}
#     (pointer: where the input says it, as a JSON pointer; "" when unknown)
#   removed: ids of VMs whose replication this input removes
#   reenabled: ids of VMs whose replication this input removes and adds again
# A VM whose replication is being removed is not broken silently: the event
# is either covered by the documented workaround (re-enabled: info) or by the
# replication_disabled warning that the input package raises.
resolve(events, removed, reenabled) := {f |
	some event in events
	finding := resolved_finding(event, removed, reenabled)
	f := object.union(finding, {"pointer": object.get(event, "pointer", "")})
}

resolved_finding(event, removed, _) := finding(event.scenario, event.resource, event.detail) if {
	not event.vm_id in removed
}

resolved_finding(event, removed, _) := finding(event.scenario, event.resource, event.detail) if {
	event.vm_id in removed
	not matrix.scenarios[event.scenario].resolved_by_reenable
}

resolved_finding(event, _, reenabled) := finding("protection_reenabled", event.resource, detail) if {
	event.vm_id in reenabled
	matrix.scenarios[event.scenario].resolved_by_reenable
	detail := concat("", [event.detail, " (", matrix.scenarios[event.scenario].rule_id, " would apply, but replication is disabled and enabled again in the same change)"])
}
