package asr_guard.lib

# The workaround as the input's kind is fixed (a Terraform plan, an ARM deployment, a restore).
_workaround(row) := row.workarounds[data.asr_guard.main.kind] if {
	is_string(object.get(object.get(row, "workarounds", {}), data.asr_guard.main.kind, null))
} else := row.workaround

_finding(scenario, resource, detail) := {
	"rule_id": row.rule_id,
	"scenario": scenario,
	"severity": row.severity,
	"title": row.title,
	"resource": resource,
	"message": concat(": ", [row.title, detail]),
	"workaround": _workaround(row),
	"docs": row.docs,
} if {
	row := matrix.scenarios[scenario]
}

# METADATA
# title: Resolve
# description: >-
#   Turns classified events into findings.
#   events: set of {"scenario", "resource", "vm_id", "detail", "pointer"}
#   (pointer: where the input says it, as a JSON pointer; "" when unknown)
#   removed: ids of VMs whose replication this input removes
#   reenabled: ids of VMs whose replication this input removes and adds again
#   A VM whose replication is being removed is not broken silently: the event
#   is either covered by the documented workaround (re-enabled: info) or by the
#   replication_disabled warning that the input package raises.
resolve(events, removed, reenabled) := {f |
	some event in events
	resolved := _resolved_finding(event, removed, reenabled)
	f := object.union(resolved, {"pointer": object.get(event, "pointer", "")})
}

_resolved_finding(event, removed, _) := _finding(event.scenario, event.resource, event.detail) if {
	not event.vm_id in removed
}

_resolved_finding(event, removed, _) := _finding(event.scenario, event.resource, event.detail) if {
	event.vm_id in removed
	not matrix.scenarios[event.scenario].resolved_by_reenable
}

_resolved_finding(event, _, reenabled) := _finding("protection_reenabled", event.resource, detail) if {
	event.vm_id in reenabled
	matrix.scenarios[event.scenario].resolved_by_reenable
	detail := concat("", [
		event.detail,
		" (",
		matrix.scenarios[event.scenario].rule_id,
		" would apply, but replication is disabled and enabled again in the same change)",
	])
}
