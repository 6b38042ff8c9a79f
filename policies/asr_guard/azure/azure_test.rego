package asr_guard.azure_test

# (Functions are called by full path: the embedded engine resolves none through an import.)

vm_id := "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm"

vm := {
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm",
	"properties": {
		"storageProfile": {
			"osDisk": {"managedDisk": {"id": "/Disks/OS"}, "writeAcceleratorEnabled": true},
			"dataDisks": [
				{"lun": 0, "createOption": "Attach", "managedDisk": {"id": "/Disks/D0"}},
				{"lun": 1, "createOption": "Copy", "sourceResource": {"id": "/Snapshots/S"}},
			],
			"diskControllerType": "NVMe",
		},
		"securityProfile": {"encryptionAtHost": true},
		"networkProfile": {"networkInterfaces": [{"id": "/NICs/N1"}]},
	},
}

test_type_of_a_nested_resource_id if {
	item_id := concat("", [
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v",
		"/replicationFabrics/f/replicationProtectionContainers/c/replicationProtectedItems/i",
	])
	data.asr_guard.azure.type_of_id(item_id) == data.asr_guard.azure.replicated_item_type
	data.asr_guard.azure.type_of_id(vm_id) == data.asr_guard.azure.vm_type
	not data.asr_guard.azure.type_of_id("/subscriptions/s")
}

test_unresolved_ids_are_links_to_nothing_known if {
	data.asr_guard.azure.link("<unresolved: parameter 'x' has no value>", set()) == {
		"ids": [],
		"keys": [],
		"unresolved": ["an id not known before deployment (parameter 'x' has no value)"],
	}
	data.asr_guard.azure.link(null, set()) == null
}

# link_of takes the canonical id its caller has made already: the same link as link() makes.
test_a_link_of_a_canonical_id_is_the_link_of_the_id if {
	raw := "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/disks/D/"
	canonical := "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/disks/d"
	data.asr_guard.azure.link_of(raw, canonical, {canonical}) == data.asr_guard.azure.link(raw, {canonical})
	data.asr_guard.azure.link_of(raw, canonical, {canonical}) == {
		"ids": [canonical],
		"keys": [canonical],
		"unresolved": [],
	}
	unresolved := "<unresolved: parameter 'x' has no value>"
	data.asr_guard.azure.link_of(unresolved, null, set()) == data.asr_guard.azure.link(unresolved, set())
	data.asr_guard.azure.link_of(null, null, set()) == null
}

# Azure Resource Manager binds property names without regard to case: "DataDisks" is dataDisks.
vm_other_case := {
	"type": "Microsoft.Compute/virtualMachines",
	"name": "vm",
	"Properties": {"StorageProfile": {
		"OSDisk": {"ManagedDisk": {"ID": "/Disks/OS"}},
		"DataDisks": [{"LUN": 1, "CreateOption": "Attach", "managedDisk": {"Id": "/Disks/D1"}}],
	}},
}

test_property_names_are_read_without_regard_to_case if {
	v := data.asr_guard.azure._vm(vm_other_case, vm_id, {"/disks/d1"})
	v.os_disk.ids == ["/disks/os"]
	v.data_disk_count == 1
	disks := data.asr_guard.azure.data_disks(vm_other_case, null, {"/disks/d1"})
	disks == [{
		"vm": null, "lun": 1, "create_option": "Attach", "source_id": null, "write_accelerator": null,
		"disk": {"ids": ["/disks/d1"], "keys": ["/disks/d1"], "unresolved": []},
	}]
	d := data.asr_guard.azure._disk({"properties": {"CreationData": {"createOption": "Restore"}}}, "/Disks/R")
	d.create_option == "Restore"
}

test_exact_property_names_still_read if {
	data.asr_guard.azure.get({"a": {"b": 1}}, ["a", "b"]) == 1
	data.asr_guard.azure.get({"a": {"b": 1}}, "a") == {"b": 1}
	data.asr_guard.azure.get({"A": {"B": [2]}}, ["a", "b"]) == [2]
	data.asr_guard.azure.get({"A": {"B": {"C": {"D": {"E": 5}}}}}, ["a", "b", "c", "d", "e"]) == 5
}

# Two keys that differ only in case: which one Azure reads is not known, so neither is read.
test_keys_that_differ_only_in_case_are_not_guessed if {
	data.asr_guard.azure.get({"Lun": 1, "LUN": 2}, "lun") == null
	data.asr_guard.azure.get({"Lun": 1, "LUN": 2}, "Lun") == 1
	data.asr_guard.azure.get({"x": 1}, ["y", "z"]) == null
	data.asr_guard.azure.get(null, ["y"]) == null
	data.asr_guard.azure.get("text", "y") == null
}

# A template as `asr-guard resolve` writes it has its names in the REST API spelling already
# (validator/arm.py): a name in another spelling is not looked for. A template not read that
# way (opa eval on a raw document) is read without regard to case.
test_a_resolved_template_is_not_folded if {
	resolved := {"asr_guard": {"resolved": true}, "resources": []}
	not_folded := data.asr_guard.azure.get({"A": 1}, "a") with input as resolved
	not_folded == null
	exact := data.asr_guard.azure.get({"a": 1}, "a") with input as resolved
	exact == 1
	folded := data.asr_guard.azure.get({"A": 1}, "a") with input as {"resources": []}
	folded == 1
}

test_view_types_name_the_azure_types_the_view_reads if {
	data.asr_guard.azure.view_type[data.asr_guard.azure.vm_type] == "vm"
	data.asr_guard.azure.view_type[data.asr_guard.azure.disk_type] == "disk"
	data.asr_guard.azure.view_type[data.asr_guard.azure.replicated_item_type] == "item"
	data.asr_guard.azure.view_type["microsoft.storage/storageaccounts/blobservices"] == "storage_account"
	not data.asr_guard.azure.view_type["microsoft.network/virtualnetworks"]
	extension_type := data.asr_guard.azure.type_of_id(concat("", [vm_id, "/extensions/x"]))
	extension_type in object.keys(data.asr_guard.azure.view_type)
	disk_id := "/subscriptions/s/providers/Microsoft.Compute/disks/d"
	data.asr_guard.azure.disk_type == data.asr_guard.azure.type_of_id(disk_id)
}

test_ids_are_canonical_and_unresolved_ones_are_none if {
	# Lower case alone (the test made inline), and more than lower case (lib.canonical_id).
	data.asr_guard.azure.id("/Subscriptions/S/Disks/D") == "/subscriptions/s/disks/d"
	data.asr_guard.azure.id("/Subscriptions/S/Disks/D/") == "/subscriptions/s/disks/d"
	data.asr_guard.azure.id(" /Subscriptions//S/Disks/D%2Dx") == "/subscriptions/s/disks/d-x"
	data.asr_guard.azure.id("<unresolved: parameter 'x' has no value>") == null
	data.asr_guard.azure.id(3) == null
}

test_unresolved_values_and_their_reason if {
	data.asr_guard.azure.unresolved("<unresolved: reference('x') is known after deployment>")
	not data.asr_guard.azure.unresolved("/subscriptions/s")
	not data.asr_guard.azure.unresolved(null)
	data.asr_guard.azure.reason("<unresolved: reference('x') is known after deployment>") == concat(
		"",
		["reference('x') is known after deployment"],
	)
	data.asr_guard.azure.reason("the resource has no id") == "the resource has no id"
}

test_the_resource_group_of_an_id_where_azure_writes_it_and_elsewhere if {
	data.asr_guard.azure._resource_group_of(vm_id) == "rg"
	data.asr_guard.azure._resource_group_of("subscriptions/s/resourceGroups/RG/providers/x/y/z") == "rg"
	data.asr_guard.azure._resource_group_of("/subscriptions/s/providers/Microsoft.Compute/disks/d") == null
	data.asr_guard.azure._resource_group_of("/subscriptions/s/resourceGroups") == null
	data.asr_guard.azure._resource_group_of(null) == null
}

test_paths_through_properties_that_are_not_objects_read_nothing if {
	unresolved := "<unresolved: parameter 'p' has no value>"
	every payload in [{"properties": unresolved}, {"properties": {"storageProfile": unresolved}}] {
		data.asr_guard.azure.data_disks(payload, null, set()) == []
	}
	data.asr_guard.azure.data_disks(
		{"Properties": {"StorageProfile": {"DataDisks": [{"lun": 1}]}}},
		null,
		set(),
	)[0].lun == 1
	data.asr_guard.azure._nic({"properties": unresolved}, null, set()).vm == null
	nic := {"properties": {"virtualMachine": {"id": "/S/VM"}}}
	data.asr_guard.azure._nic(nic, null, set()).vm.ids == ["/s/vm"]
	services := "/s/a/blobServices/default"
	data.asr_guard.azure._blob_services({"properties": unresolved}, services).blob_soft_delete == null
	blob := {"properties": {"deleteRetentionPolicy": {"enabled": true}}}
	data.asr_guard.azure._blob_services(blob, services).blob_soft_delete == true
}
