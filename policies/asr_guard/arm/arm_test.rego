package asr_guard.arm_test

vm_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

disk_id(name) := concat("", ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/", name])

template(resources) := {
	"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
	"resources": resources,
}

vm(data_disks) := {
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm1",
	"id": vm_id,
	"properties": {"storageProfile": {"osDisk": {"managedDisk": {"id": disk_id("os")}}, "dataDisks": data_disks}},
}

disk(name, option) := {
	"type": "Microsoft.Compute/disks",
	"name": name,
	"id": disk_id(name),
	"properties": {"creationData": {"createOption": option}},
}

attach(name) := {"lun": 1, "createOption": "Attach", "managedDisk": {"id": disk_id(name)}}

replicated := {"replicated_vms": [vm_id]}

rules(findings) := sort([[f.rule_id, f.severity] | some f in findings])

test_restored_disk_put_on_a_replicated_vm_is_denied if {
	t := template([vm([attach("r")]), disk("r", "Restore")])
	rules(data.asr_guard.arm.findings) == [[
		"ASR002",
		"deny",
	]] with input as t with data.asr_guard.inventory as replicated
	r1 := data.asr_guard.arm.findings with input as t
	count(r1) == 0
}

test_data_disk_copied_from_a_snapshot_is_denied if {
	entry := {"lun": 2, "createOption": "Copy", "sourceResource": {"id": "/snap"}}
	rules(data.asr_guard.arm.findings) == [[
		"ASR002",
		"deny",
	]] with input as template([vm([entry])]) with data.asr_guard.inventory as replicated
}

test_os_disk_from_a_restored_disk_is_denied if {
	t := template([vm([]), disk("os", "Copy")])
	rules(data.asr_guard.arm.findings) == [[
		"ASR002",
		"deny",
	]] with input as t with data.asr_guard.inventory as replicated
}

test_new_empty_disk_not_in_the_replicated_item_warns if {
	t := template([vm([attach("e")]), disk("e", "Empty")])
	rules(data.asr_guard.arm.findings) == [[
		"ASR007",
		"warn",
	]] with input as t with data.asr_guard.inventory as replicated
	r2 := data.asr_guard.arm.findings with input as t with data.asr_guard.inventory as {
		"replicated_vms": [vm_id],
		"replicated_disks": [disk_id("e")],
	}
	count(r2) == 0
}

test_existing_disk_the_item_does_not_protect_warns if {
	# The inventory says which disks are protected: "old" is not among them.
	others := object.union(replicated, {"replicated_disks": [disk_id("os")]})
	doc := template([vm([attach("old")])])
	r3 := data.asr_guard.arm.findings with input as doc with data.asr_guard.inventory as others
	rules(r3) == [["ASR007", "warn"]]
	protected := object.union(replicated, {"replicated_disks": [disk_id("old")]})
	r3b := data.asr_guard.arm.findings with input as doc with data.asr_guard.inventory as protected
	count(r3b) == 0
}

test_existing_disk_is_not_new_when_no_protected_disk_is_known if {
	# A template redeploys the disks a VM has; with no list of protected disks, an existing
	# disk cannot be told from a new one.
	doc := template([vm([attach("old")])])
	r := data.asr_guard.arm.findings with input as doc with data.asr_guard.inventory as replicated
	count(r) == 0
}

test_template_enabling_replication_of_the_vm_is_initial_replication if {
	item := {
		"type": item_type,
		"id": "/item",
		"properties": {"providerSpecificDetails": {
			"fabricObjectId": vm_id,
			"vmManagedDisks": [{"diskId": disk_id("r")}],
		}},
	}
	t := template([vm([attach("r")]), disk("r", "Restore"), item])
	r4 := data.asr_guard.arm.findings with input as t
	count(r4) == 0
}

test_a_template_redeploying_the_item_of_a_replicated_vm_is_still_checked if {
	# The inventory says the VM is replicated already: the item in the template is redeployed,
	# not enabled, and the restored disk breaks replication.
	item := {
		"type": item_type,
		"id": "/item",
		"properties": {"providerSpecificDetails": {
			"fabricObjectId": vm_id,
			"vmManagedDisks": [{"diskId": disk_id("r")}],
		}},
	}
	t := template([vm([attach("r")]), disk("r", "Restore"), item])
	r := data.asr_guard.arm.findings with input as t with data.asr_guard.inventory as replicated
	rules(r) == [["ASR002", "deny"]]
}

test_existing_resources_are_references_not_deployments if {
	existing := object.union(vm([attach("r")]), {"existing": true})
	r5 := data.asr_guard.arm.findings with input as template([
		existing,
		disk("r", "Restore"),
	]) with data.asr_guard.inventory as replicated
	count(r5) == 0
}

test_a_vm_whose_id_is_not_known_could_not_be_decided if {
	raw := template([{"type": "Microsoft.Compute/virtualMachines", "name": "[parameters('n')]", "properties": {}}])
	data.asr_guard.arm.is_template with input as raw
	r6 := data.asr_guard.arm.findings with input as raw with data.asr_guard.inventory as replicated
	rules(r6) == [["ASR020", "warn"]]
	r6b := data.asr_guard.arm.findings with input as raw
	count(r6b) == 0
}

test_one_disk_id_declared_twice_counts_each_declaration if {
	# The same disk in two nested deployments, one restoring it.
	t := template([vm([attach("r")]), disk("r", "Empty"), disk("r", "Restore")])
	findings := data.asr_guard.arm.findings with input as t with data.asr_guard.inventory as replicated
	rules(findings) == [["ASR002", "deny"]]
	some f in findings
	contains(f.message, "(created with createOption Restore)")
}

unresolved(d) := object.union(d, {"id": "<unresolved: the resource name>"})

test_unresolved_disk_ids_could_not_be_decided if {
	t := template([
		vm([{"lun": 1, "createOption": "Attach", "managedDisk": {"id": "<unresolved: the resource name>"}}]),
		unresolved(disk("a", "Empty")),
		unresolved(disk("b", "Copy")),
	])
	r7 := data.asr_guard.arm.findings with input as t with data.asr_guard.inventory as replicated
	{f.rule_id | some f in r7} == {"ASR020"}
	count(r7) == 3
}

item_type := concat("/", [
	"Microsoft.RecoveryServices/vaults/replicationFabrics",
	"replicationProtectionContainers/replicationProtectedItems",
])

# The view parts of a template. A template deploys: its entries all have the action "deploy",
# nothing is linked, and the replication it states is in its items' `after` only.
enabling_item := {
	"type": item_type,
	"id": "/item",
	"properties": {"providerSpecificDetails": {
		"fabricObjectId": vm_id,
		"vmManagedDisks": [{"diskId": disk_id("os")}, {"diskId": disk_id("r")}],
	}},
}

test_changes_are_the_deployed_resources_and_their_data_disks if {
	t := template([vm([attach("r")]), disk("r", "Restore")])
	changes := data.asr_guard.arm.changes with input as t
	[[e.type, e.key, e.action] | some e in changes] == [
		["vm", lower(vm_id), "deploy"],
		["disk", lower(disk_id("r")), "deploy"],
		["attachment", concat("", [lower(vm_id), "/datadisks/0"]), "deploy"],
	]
	no_template := data.asr_guard.arm.changes with input as {"resources": [vm([])]}
	no_template == []
	existing := data.asr_guard.arm.changes with input as template([object.union(vm([]), {"existing": true})])
	existing == []
}

test_a_template_links_nothing_and_states_replication_only_as_deployed if {
	t := template([vm([attach("r")]), disk("r", "Restore"), enabling_item])
	linked := data.asr_guard.arm.linked with input as t
	vms := data.asr_guard.arm.replicated_vm_ids with input as t
	disks := data.asr_guard.arm.protected_disk_ids with input as t
	disk_keys := data.asr_guard.arm.protected_disk_keys with input as t
	caches := data.asr_guard.arm.cache_account_ids with input as t
	cache_keys := data.asr_guard.arm.cache_account_keys with input as t
	auto := data.asr_guard.arm.auto_protect_vm_ids with input as t
	[linked, vms, disks, disk_keys, caches, cache_keys, auto] == [[], [], [], [], [], [], []]
}

test_the_disks_a_deployed_item_enables if {
	t := template([vm([attach("r")]), disk("r", "Restore"), enabling_item])
	enabled := data.asr_guard.arm.enabled_disk_ids with input as t
	enabled == [lower(disk_id("os")), lower(disk_id("r"))]
	none := data.asr_guard.arm.enabled_disk_ids with input as template([vm([attach("r")])])
	none == []
}

test_undecided_are_the_resources_whose_id_or_values_are_not_known if {
	t := template([
		{"type": "Microsoft.Compute/virtualMachines", "name": "[parameters('n')]", "properties": {}},
		unresolved(disk("a", "Empty")),
		disk("b", "<unresolved: parameter 'option' has no value>"),
	])
	undecided := data.asr_guard.arm.undecided with input as t
	[[u.label, u.reason] | some u in undecided] == [
		[disk_id("b"), "parameter 'option' has no value"],
		["Microsoft.Compute/disks a", "the resource name"],
		["Microsoft.Compute/virtualMachines [parameters('n')]", "the resource has no id"],
	]
	decided := data.asr_guard.arm.undecided with input as template([vm([attach("r")]), disk("r", "Empty")])
	decided == []
}

test_the_view_of_a_template if {
	v := data.asr_guard.arm.view with input as template([vm([attach("r")]), disk("r", "Restore"), enabling_item])
	v.kind == "arm-template"
	[e.type | some e in v.resources] == ["vm", "disk", "item", "attachment"]
	v.replication.enabled_disk_ids == [lower(disk_id("os")), lower(disk_id("r"))]
	v.replication.vm_ids == []
	not data.asr_guard.arm.view with input as {"status": "Succeeded", "changes": []}
}
