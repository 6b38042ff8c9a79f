package asr_guard.rules_test

# Tests of events.rego: the events of the rules and the findings they resolve to. The what-if
# builders here are shared by the other tests of rules/ (the shapes of the what-if fixtures:
# a protected item as GET returns it, protectedManagedDisks).

disk(name) := concat("", ["/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/disks/", name])

item_id := concat("", [
	"/subscriptions/s1/resourcegroups/dr/providers/microsoft.recoveryservices/vaults/v",
	"/replicationfabrics/f/replicationprotectioncontainers/c/replicationprotecteditems/vm1",
])

vm_body(os, data_disks) := {"properties": {"storageProfile": {
	"osDisk": {"managedDisk": {"id": os}},
	"dataDisks": data_disks,
}}}

lun(n, id) := {"lun": n, "createOption": "Attach", "managedDisk": {"id": id}}

item_body(disks) := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"protectedManagedDisks": [{"diskId": d} | some d in disks],
}}}

change(id, type, before, after) := {"resourceId": id, "changeType": type, "before": before, "after": after}

whatif(changes) := {"status": "Succeeded", "changes": changes}

# The item protects the OS disk and d1; it stays.
protecting_d1 := item_body([disk("os"), disk("d1")])

item_kept := change(item_id, "NoChange", protecting_d1, protecting_d1)

with_d1 := vm_body(disk("os"), [lun(1, disk("d1"))])

vm_kept := change(vm_id, "NoChange", with_d1, with_d1)

vm_deleted := change(vm_id, "Delete", vm_body(disk("os"), []), null)

test_events_of_the_rules_over_the_view if {
	events := data.asr_guard.rules.events with input as whatif([vm_deleted, item_kept])
	[[e.scenario, e.vm_id, e.pointer] | some e in events] == [["vm_delete", vm_id, "/changes/0"]]
	not_replicated := data.asr_guard.rules.events with input as whatif([vm_deleted])
	count(not_replicated) == 0
}

test_findings_resolve_the_events if {
	findings := data.asr_guard.rules.findings with input as whatif([vm_deleted, item_kept])
	[[f.rule_id, f.severity] | some f in findings] == [["ASR005", "deny"]]
	none := data.asr_guard.rules.findings with input as whatif([vm_kept, item_kept])
	count(none) == 0
}

test_one_constructor_builds_every_event if {
	entry := {"resource": "vm1", "pointer": "/changes/0", "label": "ignored"}
	data.asr_guard.rules._event("vm_delete", entry, vm_id, "detail") == {
		"scenario": "vm_delete",
		"resource": "vm1",
		"vm_id": vm_id,
		"detail": "detail",
		"pointer": "/changes/0",
	}
}
