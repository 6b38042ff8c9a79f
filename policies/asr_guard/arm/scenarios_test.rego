package asr_guard.arm_test

# The scenarios of the support matrix a template can express, each both ways.

findings_with(resources, inventory) := f if {
	f := data.asr_guard.arm.findings with input as template(resources) with data.asr_guard.inventory as inventory
}

with_disks := object.union(replicated, {"vm_disks": {vm_id: [disk_id("os"), disk_id("d1"), disk_id("d2")]}})

test_a_template_leaving_out_a_protected_data_disk_is_denied if {
	rules(findings_with([vm([attach("d1")])], with_disks)) == [["ASR011", "deny"]]
	rules(findings_with([vm([attach("d1"), object.union(attach("d2"), {"lun": 2})])], with_disks)) == []
	# Which disks the item protects is not known: nothing can be told missing.
	rules(findings_with([vm([attach("d1")])], replicated)) == []
}

# A VM created from an image names no OS disk: one protected disk not listed may be it.
from_image(data_disks) := json.remove(vm(data_disks), ["properties/storageProfile/osDisk"])

test_a_vm_naming_no_os_disk_leaves_one_unlisted_disk_as_its_os_disk if {
	both := [attach("d1"), object.union(attach("d2"), {"lun": 2})]
	rules(findings_with([from_image(both)], with_disks)) == []
	# Two protected disks not listed: at least one data disk is left out (each is named).
	rules(findings_with([from_image([attach("d1")])], with_disks)) == [["ASR011", "deny"], ["ASR011", "deny"]]
}

test_a_redeployed_disk_among_the_protected_ones_is_not_a_restore if {
	# A re-PUT cannot change an existing disk's creationData.
	imported := disk("d1", "Import")
	rules(findings_with([vm([attach("d1"), object.union(attach("d2"), {"lun": 2})]), imported], with_disks)) == []
	rules(findings_with([vm([attach("d1")]), imported], replicated)) == [["ASR002", "deny"]]
}

test_every_restored_create_option_is_a_restore if {
	some option in [
		"Copy",
		"CopyStart",
		"Restore",
		"Import",
		"ImportSecure",
		"Upload",
		"UploadPreparedSecure",
		"CopyFromSanSnapshot",
	]
	rules(findings_with([vm([attach("r")]), disk("r", option)], replicated)) == [["ASR002", "deny"]]
}

test_empty_and_image_disks_are_not_restores if {
	some option in ["Empty", "FromImage", "Attach"]
	r := findings_with([vm([attach("r")]), disk("r", option)], replicated)
	not "ASR002" in {f.rule_id | some f in r}
}

test_encryption_at_host_on_a_replicated_vm_warns if {
	secured := object.union(vm([]), {"properties": {"securityProfile": {"encryptionAtHost": true}}})
	rules(findings_with([secured], replicated)) == [["ASR017", "warn"]]
	rules(findings_with([secured], {})) == []
}

test_a_shared_disk_put_on_a_replicated_vm_is_denied if {
	shared := object.union(disk("s", "Empty"), {"properties": {"maxShares": 3}})
	findings := findings_with([vm([attach("s")]), shared], replicated)
	"ASR018" in {f.rule_id | some f in findings}
	plain := findings_with([vm([attach("s")]), disk("s", "Empty")], replicated)
	not "ASR018" in {f.rule_id | some f in plain}
}

test_azure_disk_encryption_on_a_replicated_vm_warns if {
	ext := {
		"type": "Microsoft.Compute/virtualMachines/extensions",
		"name": "vm1/ade",
		"id": concat("", [vm_id, "/extensions/ade"]),
		"properties": {"publisher": "Microsoft.Azure.Security", "type": "AzureDiskEncryptionForLinux", "settings": {}},
	}
	rules(findings_with([ext], replicated)) == [["ASR019", "warn"]]
	rules(findings_with([ext], {})) == []
}

cache_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/cache"

test_a_cache_storage_account_deployed_unusable_warns if {
	account := {
		"type": "Microsoft.Storage/storageAccounts",
		"name": "cache",
		"id": cache_id,
		"properties": {"allowSharedKeyAccess": false},
	}
	with_cache := object.union(replicated, {"cache_storage_accounts": [cache_id]})
	rules(findings_with([account], with_cache)) == [["ASR024", "warn"]]
	rules(findings_with([account], replicated)) == []
	usable := {
		"type": "Microsoft.Storage/storageAccounts",
		"name": "cache",
		"id": cache_id,
		"properties": {"allowSharedKeyAccess": true},
	}
	rules(findings_with([usable], with_cache)) == []
}

test_auto_protection_in_the_inventory_makes_a_new_disk_information if {
	auto := object.union(replicated, {"auto_protected_vms": [vm_id]})
	rules(findings_with([vm([attach("e")]), disk("e", "Empty")], auto)) == [["ASR025", "info"]]
}

test_a_redeployed_os_disk_among_the_protected_ones_is_not_a_restore if {
	# The VM's own OS disk, already protected, declares createOption Import (a re-PUT).
	both := [attach("d1"), object.union(attach("d2"), {"lun": 2})]
	imported_os := disk("os", "Import")
	rules(findings_with([vm(both), imported_os], with_disks)) == []
	# Not known to be protected: a restored OS disk put on a replicated VM.
	"ASR002" in {f.rule_id | some f in findings_with([vm(both), imported_os], replicated)}
}

test_a_denial_of_a_template_can_be_reenabled_by_the_next_deployment if {
	t := template([vm([attach("r")]), disk("r", "Restore")])
	r := data.asr_guard.main.report with input as t with data.asr_guard.inventory as replicated
	[f] := [d | some d in r.findings; d.severity == "deny"]
	f.rule_id == "ASR002"
	f.remediation.strategy == "runbook-around-change"
	f.remediation.params.arm_reenable == true
}
