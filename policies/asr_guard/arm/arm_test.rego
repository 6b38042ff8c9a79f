package asr_guard.arm_test

import data.asr_guard.arm

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
	rules(arm.findings) == [["ASR002", "deny"]] with input as t with data.asr_guard.inventory as replicated
	count(arm.findings) == 0 with input as t
}

test_data_disk_copied_from_a_snapshot_is_denied if {
	entry := {"lun": 2, "createOption": "Copy", "sourceResource": {"id": "/snap"}}
	rules(arm.findings) == [["ASR002", "deny"]] with input as template([vm([entry])]) with data.asr_guard.inventory as replicated
}

test_os_disk_from_a_restored_disk_is_denied if {
	t := template([vm([]), disk("os", "Copy")])
	rules(arm.findings) == [["ASR002", "deny"]] with input as t with data.asr_guard.inventory as replicated
}

test_new_empty_disk_not_in_the_replicated_item_warns if {
	t := template([vm([attach("e")]), disk("e", "Empty")])
	rules(arm.findings) == [["ASR007", "warn"]] with input as t with data.asr_guard.inventory as replicated
	count(arm.findings) == 0 with input as t with data.asr_guard.inventory as {"replicated_vms": [vm_id], "replicated_disks": [disk_id("e")]}
}

test_existing_disk_attached_gives_nothing if {
	count(arm.findings) == 0 with input as template([vm([attach("old")])]) with data.asr_guard.inventory as replicated
}

test_template_enabling_replication_of_the_vm_is_initial_replication if {
	item := {
		"type": "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems",
		"id": "/item",
		"properties": {"providerSpecificDetails": {"fabricObjectId": vm_id, "vmManagedDisks": [{"diskId": disk_id("r")}]}},
	}
	t := template([vm([attach("r")]), disk("r", "Restore"), item])
	count(arm.findings) == 0 with input as t with data.asr_guard.inventory as replicated
}

test_existing_resources_are_references_not_deployments if {
	existing := object.union(vm([attach("r")]), {"existing": true})
	count(arm.findings) == 0 with input as template([existing, disk("r", "Restore")]) with data.asr_guard.inventory as replicated
}

test_raw_template_without_resolved_ids_gives_nothing if {
	raw := template([{"type": "Microsoft.Compute/virtualMachines", "name": "[parameters('n')]", "properties": {}}])
	arm.is_template with input as raw
	count(arm.findings) == 0 with input as raw with data.asr_guard.inventory as replicated
}

test_one_disk_id_declared_twice_counts_each_declaration if {
	# The same disk in two nested deployments, one restoring it.
	t := template([vm([attach("r")]), disk("r", "Empty"), disk("r", "Restore")])
	findings := arm.findings with input as t with data.asr_guard.inventory as replicated
	rules(findings) == [["ASR002", "deny"]]
	some f in findings
	contains(f.message, "(created with createOption Restore)")
}

unresolved(d) := object.union(d, {"id": "<unresolved: the resource name>"})

test_unresolved_disk_ids_name_no_disk if {
	t := template([
		vm([{"lun": 1, "createOption": "Attach", "managedDisk": {"id": "<unresolved: the resource name>"}}]),
		unresolved(disk("a", "Empty")),
		unresolved(disk("b", "Copy")),
	])
	count(arm.findings) == 0 with input as t with data.asr_guard.inventory as replicated
}
