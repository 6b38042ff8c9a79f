package asr_guard.rules_test

# Tests of replication.rego: the view's entries by type, replicated VMs (placeholders of an
# unscoped template included), links and labels. (template, inventory and vm_id are in
# rules_test.rego.)

unscoped(name) := concat(
	"",
	[
		"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
		"/providers/Microsoft.Compute/virtualMachines/",
		name,
	],
)

test_placeholders_of_an_unscoped_template_match_the_rest_of_the_id if {
	doc := template(unscoped("vm1"))
	events := data.asr_guard.rules.events with input as doc with data.asr_guard.inventory as inventory
	[[e.scenario, e.vm_id] | some e in events] == [["disk_restore", vm_id]]
	some e in events
	contains(e.detail, concat("", ["(deployed to no given scope: taken as ", vm_id, ")"]))
	other_doc := template(unscoped("vm2"))
	other := data.asr_guard.rules.events with input as other_doc with data.asr_guard.inventory as inventory
	count(other) == 0
}

test_link_ids_of_no_link_are_none if {
	data.asr_guard.rules._link_ids(null) == set()
	data.asr_guard.rules._link_ids({"ids": ["/x"], "keys": [], "unresolved": []}) == {"/x"}
}

test_placeholders_match_only_replicated_vms_of_the_same_name if {
	ids := {
		vm_id,
		"/subscriptions/s2/resourcegroups/rg2/providers/microsoft.compute/virtualmachines/vm1",
		"/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm10",
		"/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/other",
	}
	vm1 := concat("", [
		"/subscriptions/{subscriptionid}/resourcegroups/{resourcegroupname}",
		"/providers/microsoft.compute/virtualmachines/vm1",
	])
	found := data.asr_guard.rules._replicated(vm1) with data.asr_guard.view.replicated_vm_ids as ids
	found == {vm_id, "/subscriptions/s2/resourcegroups/rg2/providers/microsoft.compute/virtualmachines/vm1"}
	rg := "/subscriptions/{subscriptionid}/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"
	data.asr_guard.rules._replicated(rg) == {vm_id} with data.asr_guard.view.replicated_vm_ids as ids
	# A name that is a placeholder itself: every replicated VM of the rest of the id.
	named := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/{vmname}"
	all := data.asr_guard.rules._replicated(named) with data.asr_guard.view.replicated_vm_ids as ids
	all == ids - {"/subscriptions/s2/resourcegroups/rg2/providers/microsoft.compute/virtualmachines/vm1"}
	none := "/subscriptions/{subscriptionid}/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm2"
	data.asr_guard.rules._replicated(none) == set() with data.asr_guard.view.replicated_vm_ids as ids
}

test_placeholder_matches_of_the_vms_are_made_once_for_their_ids if {
	doc := template(unscoped("vm1"))
	made := data.asr_guard.rules._placeholder_matches_of_vms with input as doc
		with data.asr_guard.inventory as inventory
	count(made) == 1
	some key, matches in made
	contains(key, "{subscriptionid}")
	matches == {vm_id}
	scoped := data.asr_guard.rules._placeholder_matches_of_vms with input as template(vm_id)
		with data.asr_guard.inventory as inventory
	scoped == {}
}

test_segments_and_placeholders_match if {
	data.asr_guard.rules._segment_matches("{subscriptionId}", "s1")
	data.asr_guard.rules._segment_matches("rg", "rg")
	not data.asr_guard.rules._segment_matches("rg", "rg2")
	data.asr_guard.rules._placeholders_match(["", "subscriptions", "{s}"], ["", "subscriptions", "s1"])
	not data.asr_guard.rules._placeholders_match(["", "subscriptions", "{s}"], ["", "subscriptions", "s1", "x"])
}

test_entries_of_the_view_by_type if {
	doc := whatif([vm_deleted, item_kept])
	vms := data.asr_guard.rules._vms with input as doc
	[e.key | some e in vms] == [vm_id]
	items := data.asr_guard.rules._items with input as doc
	items == []
	disks := data.asr_guard.rules._disks with input as doc
	disks == []
}

test_replicated_vms_are_those_of_the_view if {
	# (The argument is bound first: regorus finds no value for a call under `with` whose
	# argument reads data.)
	ids := {vm_id}
	replicated_doc := whatif([item_kept])
	replicated := data.asr_guard.rules._replicated_of(ids) with input as replicated_doc
	replicated == {vm_id}
	empty_doc := whatif([])
	not_replicated := data.asr_guard.rules._replicated_of(ids) with input as empty_doc
	not_replicated == set()
}

test_labels_name_the_id_they_stand_for if {
	data.asr_guard.rules._with_id(vm_id, vm_id) == vm_id
	data.asr_guard.rules._with_id("azurerm_linux_virtual_machine.app", vm_id) == concat("", [
		"azurerm_linux_virtual_machine.app (",
		vm_id,
		")",
	])
	replaced := {"actions": ["delete", "create"], "reason": "replace_because_cannot_update"}
	data.asr_guard.rules._action_text(replaced) == "delete, create, replace_because_cannot_update"
	data.asr_guard.rules._action_text({"actions": ["delete"], "reason": null}) == "delete"
	reason := "delete_because_no_resource_config"
	data.asr_guard.rules._reason_text({"reason": reason}) == concat("", [", ", reason])
	data.asr_guard.rules._reason_text({"reason": null}) == ""
}

test_removed_and_reenabled_vms if {
	item_gone := whatif([change(item_id, "Delete", item_body([disk("os")]), null)])
	removed := data.asr_guard.rules._removed_vm_ids with input as item_gone
	removed == {vm_id}
	created := change(concat("", [item_id, "-2"]), "Create", null, item_body([disk("os")]))
	reenabled := data.asr_guard.rules._reenabled_vm_ids with input as whatif([
		change(item_id, "Delete", item_body([disk("os")]), null),
		created,
	])
	reenabled == {vm_id}
	only_created := data.asr_guard.rules._reenabled_vm_ids with input as whatif([created])
	only_created == set()
}
