package asr_guard.rules

# Features Site Recovery does not support, disk encryption, NICs and cache storage accounts.

_vm_id(vm) := vm.before.id if is_string(data.asr_guard.lib.get(vm.before, "id", null)) else := vm.after.id

# Whether an attribute was on before the change (false for a resource with no before).
_was_true(values, attr) if data.asr_guard.lib.get(values, attr, null) == true

# Features switched on for a VM: on after the change, not before it.
_switched_on_features(vm) := {feature |
	some [attr, feature] in [
		["encryption_at_host", "encryption at host"],
		["os_write_accelerator", "write accelerator on the OS disk"],
	]
	vm.after[attr] == true
	not _was_true(vm.before, attr)
} | {"an NVMe disk controller" |
	_is_nvme(vm.after)
	not _is_nvme(vm.before)
}

_is_nvme(values) if {
	controller := data.asr_guard.lib.get(values, "disk_controller", null)
	is_string(controller)
	lower(controller) == "nvme"
}

# Azure Disk Encryption: the AzureDiskEncryption (Windows) or AzureDiskEncryptionForLinux
# extension of publisher Microsoft.Azure.Security.
_is_ade(values) if {
	is_string(values.publisher)
	lower(values.publisher) == "microsoft.azure.security"
	is_string(values.extension_type)
	lower(values.extension_type) in {"azurediskencryption", "azurediskencryptionforlinux"}
}

_ade_keys := [
	"KeyVaultURL",
	"KeyVaultResourceId",
	"KeyEncryptionKeyURL",
	"KekVaultResourceId",
	"EncryptionOperation",
	"VolumeType",
]

_ade_changes(ext) if ext.action in {"create", "replace", "deploy"}

_ade_changes(ext) if {
	ext.action == "update"
	_ade_settings(ext.before) != _ade_settings(ext.after)
}

_ade_settings(values) := {key: value |
	settings := data.asr_guard.lib.get(values, "settings", {})
	is_object(settings)
	some key in _ade_keys
	value := object.get(settings, key, null)
}

_ade_text(ext) := "changed (its keys or operation)" if ext.action == "update" else := "added"

_nics_text(before, after) := concat("", [
	" (added: ", _list_or_none({n | some n in after} - {n | some n in before}),
	"; removed: ", _list_or_none({n | some n in before} - {n | some n in after}), ")",
])

_list_or_none(xs) := concat(", ", sort(xs)) if count(xs) > 0 else := "none"

# A cache (staging) storage account of a replicated item.
_cache_account(account) if {
	some side in [account.before, account.after]
	is_object(side)
	side.id in data.asr_guard.view.cache_account_ids
}

_cache_account(account) if account.key in data.asr_guard.view.cache_account_keys

_cache_account_problems(account) := {reason |
	some [check, reason] in [
		["deleted", "it is deleted"],
		["replaced", "it is replaced"],
		["moved", "it moves to another resource group"],
		[
			"shared_key_off",
			concat("", [
				"shared key access is turned off (Site Recovery writes to it with the shared key",
				" unless the vault's managed identity has been given access first)",
			]),
		],
		["firewall", "its firewall denies access by default without allowing trusted Microsoft services"],
		["soft_delete", "blob soft delete is turned on"],
	]
	_cache_problem(check, account)
}

_cache_problem("deleted", account) if account.action == "delete"

_cache_problem("replaced", account) if {
	account.action == "replace"
	not _moved(account)
}

_cache_problem("moved", account) if _moved(account)

_cache_problem("shared_key_off", account) if {
	account.after.shared_key == false
	not data.asr_guard.lib.get(account.before, "shared_key", true) == false
}

_cache_problem("firewall", account) if {
	_denies_services(account.after)
	not _denies_services(account.before)
}

_cache_problem("soft_delete", account) if {
	account.after.blob_soft_delete == true
	not _was_true(account.before, "blob_soft_delete")
}

_denies_services(values) if {
	is_string(values.default_action)
	lower(values.default_action) == "deny"
	not values.azure_services_bypass == true
}
