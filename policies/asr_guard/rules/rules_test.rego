package asr_guard.rules_test

# Tests of the rules of rules/ through the events they raise. The tests of each file are beside
# it (<file>_test.rego). A function that reads the view is called under `with` only with its
# arguments bound first: regorus finds no value for such a call whose argument reads data.

vm_id := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"

inventory := {"replicated_vms": [vm_id]}

unscoped_disk := concat("", [
	"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
	"/providers/Microsoft.Compute/disks/r",
])

schema := "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"

template(vm) := {"$schema": schema, "resources": [
	{
		"type": "Microsoft.Compute/disks",
		"id": unscoped_disk,
		"properties": {"creationData": {"createOption": "Copy"}},
	},
	{"type": "Microsoft.Compute/virtualMachines", "id": vm, "properties": {"storageProfile": {"dataDisks": [{
		"lun": 1,
		"createOption": "Attach",
		"managedDisk": {"id": unscoped_disk},
	}]}}},
]}

test_canonical_ids_match_whatever_their_spelling if {
	spelled := "  /Subscriptions/S1//resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/ "
	data.asr_guard.lib.canonical_id(spelled) == vm_id
	events := data.asr_guard.rules.events with input as template(spelled) with data.asr_guard.inventory as inventory
	[e.vm_id | some e in events] == [vm_id]
	data.asr_guard.lib.canonical_id("/a/b%2Fc") == "/a/b/c"
	data.asr_guard.lib.canonical_id("/a/%zz") == "/a/%zz"
}
