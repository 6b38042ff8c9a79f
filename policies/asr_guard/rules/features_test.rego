package asr_guard.rules_test

# Tests of features.rego: features Site Recovery does not support, Azure Disk Encryption, NICs
# and the cache storage account's problems.

test_features_switched_on if {
	vm := {"before": {"encryption_at_host": false}, "after": {
		"encryption_at_host": true,
		"os_write_accelerator": true,
		"disk_controller": "NVMe",
	}}
	data.asr_guard.rules._switched_on_features(vm) == {
		"encryption at host",
		"write accelerator on the OS disk",
		"an NVMe disk controller",
	}
	already := {"before": {"encryption_at_host": true, "disk_controller": "nvme"}, "after": {
		"encryption_at_host": true,
		"disk_controller": "NVMe",
	}}
	data.asr_guard.rules._switched_on_features(already) == set()
}

test_a_vm_is_named_by_its_id_before_or_after if {
	data.asr_guard.rules._vm_id({"before": {"id": "/vm"}, "after": {"id": "/vm2"}}) == "/vm"
	data.asr_guard.rules._vm_id({"before": null, "after": {"id": "/vm2"}}) == "/vm2"
}

ade(action, before, after) := {"action": action, "before": before, "after": after}

ade_values(operation) := {
	"publisher": "Microsoft.Azure.Security",
	"extension_type": "AzureDiskEncryption",
	"settings": {"EncryptionOperation": operation, "VolumeType": "All", "Other": 1},
}

test_azure_disk_encryption_extensions_and_their_changes if {
	data.asr_guard.rules._is_ade(ade_values("EnableEncryption"))
	monitor := {"publisher": "Microsoft.Azure.Monitor", "extension_type": "AzureMonitorLinuxAgent"}
	not data.asr_guard.rules._is_ade(monitor)
	enable := ade_values("EnableEncryption")
	data.asr_guard.rules._ade_changes(ade("create", null, enable))
	data.asr_guard.rules._ade_changes(ade("update", enable, ade_values("DisableEncryption")))
	not data.asr_guard.rules._ade_changes(ade("update", enable, enable))
	data.asr_guard.rules._ade_settings(ade_values("EnableEncryption")) == {
		"KeyVaultURL": null,
		"KeyVaultResourceId": null,
		"KeyEncryptionKeyURL": null,
		"KekVaultResourceId": null,
		"EncryptionOperation": "EnableEncryption",
		"VolumeType": "All",
	}
	data.asr_guard.rules._ade_text({"action": "update"}) == "changed (its keys or operation)"
	data.asr_guard.rules._ade_text({"action": "create"}) == "added"
}

test_nics_added_and_removed if {
	data.asr_guard.rules._nics_text(["/n1"], ["/n1", "/n2"]) == " (added: /n2; removed: none)"
	data.asr_guard.rules._nics_text(["/n1", "/n2"], []) == " (added: none; removed: /n1, /n2)"
}

account(action, before, after) := {"action": action, "before": before, "after": after}

open_account := {"resource_group": "rg", "shared_key": true, "default_action": "Allow", "blob_soft_delete": false}

test_the_problems_of_a_cache_account if {
	closed := object.union(open_account, {
		"shared_key": false,
		"default_action": "Deny",
		"azure_services_bypass": false,
		"blob_soft_delete": true,
	})
	problems := data.asr_guard.rules._cache_account_problems(account("update", open_account, closed))
	count(problems) == 3
	data.asr_guard.rules._cache_problem("shared_key_off", account("update", open_account, closed))
	data.asr_guard.rules._cache_problem("firewall", account("update", open_account, closed))
	data.asr_guard.rules._cache_problem("soft_delete", account("update", open_account, closed))
	data.asr_guard.rules._cache_problem("deleted", account("delete", open_account, null))
	data.asr_guard.rules._cache_problem("replaced", account("replace", open_account, open_account))
	trusted := object.union(open_account, {"default_action": "Deny", "azure_services_bypass": true})
	not data.asr_guard.rules._cache_problem("firewall", account("update", open_account, trusted))
	data.asr_guard.rules._cache_account_problems(account("update", open_account, open_account)) == set()
}

cache_account_id := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.storage/storageaccounts/cache"

cache_whatif(after) := whatif([
	change(
		cache_account_id,
		"Modify",
		{"properties": {"allowSharedKeyAccess": true}},
		after,
	),
	change(item_id, "NoChange", cached_item, cached_item),
])

cached_item := {"properties": {"providerSpecificDetails": {
	"instanceType": "A2A",
	"fabricObjectId": vm_id,
	"protectedManagedDisks": [{
		"diskId": disk("os"),
		"primaryStagingAzureStorageAccountId": cache_account_id,
	}],
}}}

test_a_cache_account_of_a_replicated_item_made_unusable if {
	events := data.asr_guard.rules.events with input as cache_whatif({"properties": {"allowSharedKeyAccess": false}})
	scenarios(events) == ["cache_account_unusable"]
	tags_only := data.asr_guard.rules.events with input as cache_whatif({
		"tags": {"env": "prod"},
		"properties": {"allowSharedKeyAccess": true},
	})
	count(tags_only) == 0
}
