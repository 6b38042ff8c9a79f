package asr_guard.whatif_test

# The scenarios of the support matrix beyond restores and replaces, each both ways.

findings_of(changes) := f if {
	f := data.asr_guard.whatif.findings with input as result(changes)
}

attach(lun, id) := {"lun": lun, "createOption": "Attach", "managedDisk": {"id": id}}

protecting(disks) := change(item_id, "NoChange", existing_item(disks), existing_item(disks))

# An existing item as a GET (and a what-if `before`) returns it: protectedManagedDisks.
existing_item(disks) := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"protectedManagedDisks": [{"diskId": d} | some d in disks],
}}}

test_an_existing_items_protected_disks_are_read_from_protected_managed_disks if {
	vm := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os"), [attach(1, disk_id("d1"))]))
	rules(findings_of([vm, protecting([disk_id("os"), disk_id("d1")])])) == []
	rules(findings_of([vm, protecting([disk_id("os")])])) == [["ASR007", "warn"]]
}

test_a_protected_data_disk_taken_off_is_denied_an_unprotected_one_warns if {
	vm := change(vm_id, "Modify", vm_payload(disk_id("os"), [attach(1, disk_id("d1"))]), vm_payload(disk_id("os"), []))
	rules(findings_of([vm, protecting([disk_id("os"), disk_id("d1")])])) == [["ASR011", "deny"]]
	rules(findings_of([vm, protecting([disk_id("os")])])) == [["ASR012", "warn"]]
	rules(findings_of([vm])) == []
}

test_a_replicated_item_deleted_and_created_again_warns if {
	other_item := concat("", [item_id, "-new"])
	p := [
		change(vm_id, "NoChange", vm_payload(disk_id("os"), []), vm_payload(disk_id("os"), [])),
		change(item_id, "Delete", existing_item([disk_id("os")]), null),
		change(other_item, "Create", null, item_payload([disk_id("os")])),
	]
	rules(findings_of(p)) == [["ASR013", "warn"], ["ASR028", "warn"]]
}

test_a_replicated_item_deleted_through_arm_is_a_purge if {
	findings := findings_of([change(item_id, "Delete", existing_item([disk_id("os")]), null)])
	rules(findings) == [["ASR008", "warn"], ["ASR028", "warn"]]
	some f in findings
	contains(f.workaround, "purge")
}

disk_change(type, before, after) := change(disk_id("d1"), type, before, after)

disk_payload(size, sku) := {
	"sku": {"name": sku},
	"properties": {"diskSizeGB": size, "creationData": {"createOption": "Empty"}},
}

test_resizing_a_replicated_disk if {
	protect := protecting([disk_id("os"), disk_id("d1")])
	rules(findings_of([protect, disk_change(
		"Modify",
		disk_payload(512, "Premium_LRS"),
		disk_payload(128, "Premium_LRS"),
	)])) == [["ASR014", "deny"]]
	rules(findings_of([protect, disk_change(
		"Modify",
		disk_payload(2048, "Premium_LRS"),
		disk_payload(8192, "Premium_LRS"),
	)])) == [["ASR015", "warn"]]
	rules(findings_of([protect, disk_change(
		"Modify",
		disk_payload(512, "PremiumV2_LRS"),
		disk_payload(1024, "PremiumV2_LRS"),
	)])) == [["ASR016", "warn"]]
	rules(findings_of([disk_change(
		"Modify",
		disk_payload(512, "Premium_LRS"),
		disk_payload(128, "Premium_LRS"),
	)])) == []
}

with_security(payload, on) := object.union(payload, {"properties": {"securityProfile": {"encryptionAtHost": on}}})

test_encryption_at_host_switched_on_for_a_replicated_vm_warns if {
	vm := change(
		vm_id,
		"Modify",
		with_security(vm_payload(disk_id("os"), []), false),
		with_security(vm_payload(disk_id("os"), []), true),
	)
	rules(findings_of([vm, protecting([disk_id("os")])])) == [["ASR017", "warn"]]
	same := change(
		vm_id,
		"Modify",
		with_security(vm_payload(disk_id("os"), []), true),
		with_security(vm_payload(disk_id("os"), []), true),
	)
	rules(findings_of([same, protecting([disk_id("os")])])) == []
}

ade := {"properties": {
	"publisher": "Microsoft.Azure.Security",
	"type": "AzureDiskEncryption",
	"settings": {"KeyVaultURL": "https://kv1.vault.azure.net/"},
}}

test_azure_disk_encryption_added_to_a_replicated_vm_warns if {
	ext := change(concat("", [vm_id, "/extensions/ade"]), "Create", null, ade)
	rules(findings_of([ext, protecting([disk_id("os")])])) == [["ASR019", "warn"]]
	rules(findings_of([ext])) == []
}

test_a_replicated_vm_moved_to_another_resource_group_is_denied if {
	moved_to := replace(vm_id, "/resourceGroups/rg/", "/resourceGroups/rg2/")
	p := [
		change(vm_id, "Delete", object.union(vm_payload(disk_id("os"), []), {"name": "vm1"}), null),
		change(moved_to, "Create", null, object.union(vm_payload(disk_id("os"), []), {"name": "vm1"})),
		protecting([disk_id("os")]),
	]
	findings := findings_of(p)
	rules(findings) == [["ASR021", "deny"]]
}

nic(name) := {"id": concat(
	"",
	["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/", name],
)}

with_nics(payload, nics) := object.union(payload, {"properties": {"networkProfile": {"networkInterfaces": nics}}})

test_a_nic_added_to_a_replicated_vm_is_information if {
	vm := change(
		vm_id,
		"Modify",
		with_nics(vm_payload(disk_id("os"), []), [nic("a")]),
		with_nics(vm_payload(disk_id("os"), []), [nic("a"), nic("b")]),
	)
	rules(findings_of([vm, protecting([disk_id("os")])])) == [["ASR023", "info"]]
}

cache_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/cache"

cached_item := change(item_id, "NoChange", cached, cached)

cached := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"protectedManagedDisks": [{"diskId": disk_id("os"), "primaryStagingAzureStorageAccountId": cache_id}],
}}}

test_a_cache_storage_account_made_unusable_warns if {
	keys_off := change(
		cache_id,
		"Modify",
		{"properties": {"allowSharedKeyAccess": true}},
		{"properties": {"allowSharedKeyAccess": false}},
	)
	rules(findings_of([cached_item, keys_off])) == [["ASR024", "warn"]]
	rules(findings_of([keys_off])) == []
	deleted := change(cache_id, "Delete", {"properties": {}}, null)
	rules(findings_of([cached_item, deleted])) == [["ASR024", "warn"]]
	soft := change(
		concat("", [cache_id, "/blobServices/default"]),
		"Modify",
		{"properties": {"deleteRetentionPolicy": {"enabled": false}}},
		{"properties": {"deleteRetentionPolicy": {"enabled": true}}},
	)
	rules(findings_of([cached_item, soft])) == [["ASR024", "warn"]]
}

test_auto_protection_of_data_disks_makes_a_new_disk_information if {
	auto := {"properties": {"providerSpecificDetails": {
		"instanceType": "A2A",
		"fabricObjectId": vm_id,
		"protectedManagedDisks": [{"diskId": disk_id("os")}],
		"autoProtectionOfDataDisk": "Enabled",
	}}}
	vm := change(vm_id, "Modify", vm_payload(disk_id("os"), []), vm_payload(disk_id("os"), [attach(1, disk_id("d1"))]))
	rules(findings_of([vm, change(item_id, "NoChange", auto, auto)])) == [["ASR025", "info"]]
}

test_unsupported_changes_are_listed_as_not_checked if {
	unsupported := {
		"resourceId": "[format('{0}/x', parameters('p'))]",
		"changeType": "Unsupported",
		"unsupportedReason": "the resource id could not be evaluated",
	}
	findings := findings_of([unsupported, protecting([disk_id("os")])])
	rules(findings) == [["ASR020", "warn"]]
	rules(findings_of([unsupported])) == []
}
