package asr_guard.terraform_test

# The scenarios of the support matrix beyond restores and replaces, each both ways.

other_disk_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/data2"

cache_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/cache"

nic_id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic1"

findings_of(changes) := f if {
	f := data.asr_guard.terraform.findings with input as plan(changes)
}

rules(findings) := sort([[f.rule_id, f.severity] | some f in findings])

attached(address, disk, actions) := change(
	address, "azurerm_virtual_machine_data_disk_attachment", actions,
	{"virtual_machine_id": vm_id, "managed_disk_id": disk, "lun": 1}, null,
)

test_a_protected_data_disk_detached_is_denied_an_unprotected_one_warns if {
	rules(findings_of([
		vm(["no-op"]),
		item(["no-op"]),
		attached("azurerm_virtual_machine_data_disk_attachment.d", disk_id, ["delete"]),
	])) == [["ASR011", "deny"]]
	rules(findings_of([
		vm(["no-op"]),
		item(["no-op"]),
		attached("azurerm_virtual_machine_data_disk_attachment.d", other_disk_id, ["delete"]),
	])) == [["ASR012", "warn"]]
	count(findings_of([vm(["no-op"]), attached(
		"azurerm_virtual_machine_data_disk_attachment.d",
		disk_id,
		["delete"],
	)])) == 0
}

test_disks_detached_from_a_deleted_vm_are_the_vm_deletion if {
	rules(findings_of([
		vm(["delete"]),
		item(["no-op"]),
		attached("azurerm_virtual_machine_data_disk_attachment.d", disk_id, ["delete"]),
	])) == [["ASR005", "deny"]]
}

test_a_legacy_vm_dropping_a_protected_storage_data_disk_is_denied if {
	before := {"id": vm_id, "storage_data_disk": [{"managed_disk_id": disk_id, "lun": 0, "create_option": "Attach"}]}
	legacy := change(
		"azurerm_virtual_machine.app",
		"azurerm_virtual_machine",
		["update"],
		before,
		{"id": vm_id, "storage_data_disk": []},
	)
	rules(findings_of([legacy, item(["no-op"])])) == [["ASR011", "deny"]]
	unchanged := change("azurerm_virtual_machine.app", "azurerm_virtual_machine", ["update"], before, before)
	count(findings_of([unchanged, item(["no-op"])])) == 0
}

test_a_protected_disk_replaced_is_denied if {
	replaced := change(
		"azurerm_managed_disk.d",
		"azurerm_managed_disk",
		["delete", "create"],
		{"id": disk_id, "resource_group_name": "rg"},
		{"resource_group_name": "rg"},
	)
	rules(findings_of([item(["no-op"]), replaced])) == [["ASR011", "deny"]]
	rules(findings_of([replaced])) == []
}

test_a_replicated_item_replaced_on_its_own_warns if {
	replaced := object.union(item(["delete", "create"]), {"action_reason": "replace_because_cannot_update"})
	findings := findings_of([vm(["no-op"]), replaced])
	rules(findings) == [["ASR013", "warn"]]
	some f in findings
	contains(f.message, "disabled and enabled again")
	count(findings_of([vm(["no-op"]), item(["update"])])) == 0
}

sized(before_gb, after_gb, sku) := change(
	"azurerm_managed_disk.d", "azurerm_managed_disk", ["update"],
	{"id": disk_id, "disk_size_gb": before_gb, "storage_account_type": sku},
	{"id": disk_id, "disk_size_gb": after_gb, "storage_account_type": sku},
)

test_resizing_a_replicated_disk if {
	rules(findings_of([item(["no-op"]), sized(512, 256, "Premium_LRS")])) == [["ASR014", "deny"]]
	rules(findings_of([item(["no-op"]), sized(1024, 4096, "Premium_LRS")])) == [["ASR015", "warn"]]
	rules(findings_of([item(["no-op"]), sized(1024, 4096, "UltraSSD_LRS")])) == []
	rules(findings_of([item(["no-op"]), sized(1024, 2048, "PremiumV2_LRS")])) == [["ASR016", "warn"]]
	rules(findings_of([item(["no-op"]), sized(1024, 2048, "Premium_LRS")])) == []
	rules(findings_of([sized(512, 256, "Premium_LRS")])) == []
}

vm_with(attrs) := change(
	"azurerm_linux_virtual_machine.app",
	"azurerm_linux_virtual_machine",
	["update"],
	object.union({"id": vm_id}, attrs[0]),
	object.union({"id": vm_id}, attrs[1]),
)

test_features_site_recovery_does_not_support if {
	rules(findings_of([
		item(["no-op"]),
		vm_with([{"encryption_at_host_enabled": false}, {"encryption_at_host_enabled": true}]),
	])) == [["ASR017", "warn"]]
	rules(findings_of([
		item(["no-op"]),
		vm_with([{"disk_controller_type": "SCSI"}, {"disk_controller_type": "NVMe"}]),
	])) == [["ASR017", "warn"]]
	rules(findings_of([
		item(["no-op"]),
		vm_with([{"encryption_at_host_enabled": true}, {"encryption_at_host_enabled": true}]),
	])) == []
	rules(findings_of([vm_with([{"encryption_at_host_enabled": false}, {"encryption_at_host_enabled": true}])])) == []
	attachment := "azurerm_virtual_machine_data_disk_attachment"
	accelerated := change(concat(".", [attachment, "d"]), attachment, ["update"],
		{"virtual_machine_id": vm_id, "managed_disk_id": disk_id, "write_accelerator_enabled": false},
		{"virtual_machine_id": vm_id, "managed_disk_id": disk_id, "write_accelerator_enabled": true})
	rules(findings_of([item(["no-op"]), accelerated])) == [["ASR017", "warn"]]
}

test_a_shared_disk_attached_to_a_replicated_vm_is_denied if {
	shared := change(
		"azurerm_managed_disk.s",
		"azurerm_managed_disk",
		["no-op"],
		{"id": other_disk_id, "max_shares": 2},
		{"id": other_disk_id, "max_shares": 2},
	)
	attach := change(
		"azurerm_virtual_machine_data_disk_attachment.s",
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "managed_disk_id": other_disk_id, "lun": 3},
	)
	rules(findings_of([item(["no-op"]), shared, attach])) == [["ASR007", "warn"], ["ASR018", "deny"]]
	single := change(
		"azurerm_managed_disk.s",
		"azurerm_managed_disk",
		["no-op"],
		{"id": other_disk_id, "max_shares": 1},
		{"id": other_disk_id, "max_shares": 1},
	)
	rules(findings_of([item(["no-op"]), single, attach])) == [["ASR007", "warn"]]
}

ade(actions, before_settings, after_settings) := change(
	"azurerm_virtual_machine_extension.ade", "azurerm_virtual_machine_extension", actions,
	{
		"virtual_machine_id": vm_id,
		"publisher": "Microsoft.Azure.Security",
		"type": "AzureDiskEncryptionForLinux",
		"settings": before_settings,
	},
	{
		"virtual_machine_id": vm_id,
		"publisher": "Microsoft.Azure.Security",
		"type": "AzureDiskEncryptionForLinux",
		"settings": after_settings,
	},
)

test_disk_encryption_of_a_replicated_vm if {
	added := object.union(ade(
		["create"],
		"{}",
		`{"KeyVaultURL": "https://kv1.vault.azure.net/"}`,
	), {"change": {"before": null}})
	rules(findings_of([item(["no-op"]), added])) == [["ASR019", "warn"]]
	rotated := ade(
		["update"],
		`{"KeyEncryptionKeyURL": "https://kv1/keys/k/1"}`,
		`{"KeyEncryptionKeyURL": "https://kv1/keys/k/2"}`,
	)
	rules(findings_of([item(["no-op"]), rotated])) == [["ASR019", "warn"]]
	unchanged := ade(["update"], `{"KeyVaultURL": "https://kv1", "x": 1}`, `{"KeyVaultURL": "https://kv1", "x": 2}`)
	rules(findings_of([item(["no-op"]), unchanged])) == []
	rules(findings_of([added])) == []
}

test_a_replicated_vm_moved_to_another_resource_group_is_denied if {
	moved := change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["delete", "create"],
		{"id": vm_id, "resource_group_name": "rg"},
		{"resource_group_name": "rg-new"},
	)
	findings := findings_of([moved, item(["no-op"])])
	rules(findings) == [["ASR021", "deny"]]
	some f in findings
	contains(f.message, "to resource group rg-new")
}

test_a_protected_disk_or_a_replicated_vms_nic_moved_warns if {
	disk_moved := change(
		"azurerm_managed_disk.d",
		"azurerm_managed_disk",
		["delete", "create"],
		{"id": disk_id, "resource_group_name": "rg"},
		{"resource_group_name": "rg2"},
	)
	rules(findings_of([item(["no-op"]), disk_moved])) == [["ASR022", "warn"]]
	nic_moved := change(
		"azurerm_network_interface.n",
		"azurerm_network_interface",
		["delete", "create"],
		{"id": nic_id, "resource_group_name": "rg"},
		{"resource_group_name": "rg2"},
	)
	vm_nics := vm_with([{"network_interface_ids": [nic_id]}, {}])
	rules(findings_of([item(["no-op"]), nic_moved, vm_nics])) == [["ASR022", "warn"]]
}

test_a_nic_added_to_a_replicated_vm_is_information if {
	added := vm_with([
		{"network_interface_ids": [nic_id]},
		{"network_interface_ids": [nic_id, concat("", [nic_id, "b"])]},
	])
	rules(findings_of([item(["no-op"]), added])) == [["ASR023", "info"]]
	rules(findings_of([added])) == []
}

cached_item := change("azurerm_site_recovery_replicated_vm.app", "azurerm_site_recovery_replicated_vm", ["no-op"],
	{"source_vm_id": vm_id, "managed_disk": [{"disk_id": disk_id, "staging_storage_account_id": cache_id}]},
	{"source_vm_id": vm_id, "managed_disk": [{"disk_id": disk_id, "staging_storage_account_id": cache_id}]})

account(before, after) := change(
	"azurerm_storage_account.cache",
	"azurerm_storage_account",
	["update"],
	object.union({"id": cache_id}, before),
	object.union({"id": cache_id}, after),
)

test_a_cache_storage_account_made_unusable_warns if {
	rules(findings_of([
		cached_item,
		account({"shared_access_key_enabled": true}, {"shared_access_key_enabled": false}),
	])) == [["ASR024", "warn"]]
	deny_all := [{"default_action": "Deny", "bypass": []}]
	rules(findings_of([
		cached_item,
		account({"network_rules": []}, {"network_rules": deny_all}),
	])) == [["ASR024", "warn"]]
	trusted := [{"default_action": "Deny", "bypass": ["AzureServices"]}]
	rules(findings_of([cached_item, account({"network_rules": []}, {"network_rules": trusted})])) == []
	soft := [{"delete_retention_policy": [{"days": 7}]}]
	rules(findings_of([
		cached_item,
		account({"blob_properties": []}, {"blob_properties": soft}),
	])) == [["ASR024", "warn"]]
	rules(findings_of([account({"shared_access_key_enabled": true}, {"shared_access_key_enabled": false})])) == []
	rules_only := change(
		"azurerm_storage_account_network_rules.cache",
		"azurerm_storage_account_network_rules",
		["create"],
		null,
		{"storage_account_id": cache_id, "default_action": "Deny", "bypass": ["Logging"]},
	)
	rules(findings_of([cached_item, rules_only])) == [["ASR024", "warn"]]
}

restored_disk_change(address) := change(address, "azurerm_managed_disk", ["create"], null, {"create_option": "Restore"})

new_attachment(address) := object.union(
	change(
		address,
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "lun": 1},
	),
	{"change": {"after_unknown": {"managed_disk_id": true}}},
)

test_a_restored_disk_reached_through_a_module_variable_is_denied if {
	attach := object.union(
		new_attachment("module.attach.azurerm_virtual_machine_data_disk_attachment.this"),
		{"module_address": "module.attach", "name": "this"},
	)
	p := object.union(plan([
		item(["no-op"]),
		restored_disk_change("azurerm_managed_disk.r"),
		attach,
	]), {"configuration": {"root_module": {
		"resources": [{"address": "azurerm_managed_disk.r", "mode": "managed"}],
		"module_calls": {"attach": {
			"expressions": {"disk_id": {"references": ["azurerm_managed_disk.r.id", "azurerm_managed_disk.r"]}},
			"module": {"resources": [{
				"address": "azurerm_virtual_machine_data_disk_attachment.this",
				"mode": "managed",
				"expressions": {"managed_disk_id": {"references": ["var.disk_id"]}},
			}]},
		}},
	}}})
	findings := data.asr_guard.terraform.findings with input as p
	rules(findings) == [["ASR002", "deny"]]
}

test_a_restored_disk_reached_through_a_module_output_is_denied if {
	disk := object.union(
		restored_disk_change("module.disks.azurerm_managed_disk.r"),
		{"module_address": "module.disks", "name": "r"},
	)
	p := object.union(plan([
		item(["no-op"]),
		disk,
		new_attachment("azurerm_virtual_machine_data_disk_attachment.a"),
	]), {"configuration": {"root_module": {
		"resources": [{
			"address": "azurerm_virtual_machine_data_disk_attachment.a",
			"mode": "managed",
			"expressions": {"managed_disk_id": {"references": ["module.disks.id", "module.disks"]}},
		}],
		"module_calls": {"disks": {"module": {
			"outputs": {"id": {"expression": {"references": ["azurerm_managed_disk.r.id", "azurerm_managed_disk.r"]}}},
			"resources": [{"address": "azurerm_managed_disk.r", "mode": "managed"}],
		}}},
	}}})
	findings := data.asr_guard.terraform.findings with input as p
	rules(findings) == [["ASR002", "deny"]]
}

test_a_restored_disk_reached_through_each_value_is_denied if {
	disk := object.union(restored_disk_change(`azurerm_managed_disk.r["a"]`), {"name": "r", "index": "a"})
	attach := object.union(
		new_attachment(`azurerm_virtual_machine_data_disk_attachment.a["a"]`),
		{"name": "a", "index": "a"},
	)
	p := with_config(plan([item(["no-op"]), disk, attach]), [
		{"address": "azurerm_managed_disk.r", "mode": "managed"},
		{
			"address": "azurerm_virtual_machine_data_disk_attachment.a", "mode": "managed",
			"expressions": {"managed_disk_id": {"references": ["each.value.id", "each.value"]}},
			"for_each_expression": {"references": ["azurerm_managed_disk.r"]},
		},
	])
	findings := data.asr_guard.terraform.findings with input as p
	rules(findings) == [["ASR002", "deny"]]
}

test_a_copied_disk_read_by_a_data_source_is_denied if {
	copied := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/copied"
	attach := change(
		"azurerm_virtual_machine_data_disk_attachment.a",
		"azurerm_virtual_machine_data_disk_attachment",
		["create"],
		null,
		{"virtual_machine_id": vm_id, "managed_disk_id": copied, "lun": 2},
	)
	p := object.union(plan([item(["no-op"]), attach]), {"prior_state": {"values": {"root_module": {"resources": [{
		"address": "data.azurerm_managed_disk.copied", "mode": "data", "type": "azurerm_managed_disk", "name": "copied",
		"values": {"id": copied, "create_option": "Copy"},
	}]}}}})
	findings := data.asr_guard.terraform.findings with input as p
	rules(findings) == [["ASR002", "deny"]]
}

test_a_disk_reached_through_a_local_value_could_not_be_decided if {
	p := with_config(plan([
		item(["no-op"]),
		restored_disk_change("azurerm_managed_disk.r"),
		new_attachment("azurerm_virtual_machine_data_disk_attachment.a"),
	]), [
		{
			"address": "azurerm_virtual_machine_data_disk_attachment.a",
			"mode": "managed",
			"expressions": {"managed_disk_id": {"references": ["local.disk_id"]}},
		},
	])
	findings := data.asr_guard.terraform.findings with input as p
	rules(findings) == [["ASR020", "warn"]]
	some f in findings
	contains(f.message, "local.disk_id, a local value")
}

test_a_legacy_vm_attaching_a_copied_disk_whatever_the_case_of_create_option if {
	copied := change(
		"azurerm_managed_disk.c",
		"azurerm_managed_disk",
		["no-op"],
		{"id": other_disk_id, "create_option": "Copy"},
		{"id": other_disk_id, "create_option": "Copy"},
	)
	before := {"id": vm_id, "storage_data_disk": []}
	after := {"id": vm_id, "storage_data_disk": [{
		"managed_disk_id": other_disk_id,
		"create_option": "attach",
		"lun": 1,
	}]}
	legacy := change("azurerm_virtual_machine.app", "azurerm_virtual_machine", ["update"], before, after)
	rules(findings_of([legacy, copied, item(["no-op"])])) == [["ASR002", "deny"]]
}

reenabling_item(actions, refs, prior_depends_on) := p if {
	vm_change := change(
		"azurerm_linux_virtual_machine.app",
		"azurerm_linux_virtual_machine",
		["delete", "create"],
		{"id": vm_id, "name": "vm1"},
		{"name": "vm1"},
	)
	new_item := object.union(item(actions), {"change": {"after": {}, "after_unknown": {"source_vm_id": true}}})
	p := object.union(
		with_config(plan([vm_change, new_item]), [{
			"address": "azurerm_site_recovery_replicated_vm.app",
			"mode": "managed",
			"expressions": {"source_vm_id": {"references": refs}},
		}]),
		{"prior_state": {"values": {"root_module": {"resources": [{
			"address": "azurerm_site_recovery_replicated_vm.app",
			"mode": "managed",
			"type": "azurerm_site_recovery_replicated_vm",
			"values": {"source_vm_id": vm_id},
			"depends_on": prior_depends_on,
		}]}}}},
	)
}

test_the_workaround_holds_only_when_terraform_orders_it if {
	by_reference := data.asr_guard.terraform.findings with input as reenabling_item(
		["delete", "create"],
		["azurerm_linux_virtual_machine.app.id", "azurerm_linux_virtual_machine.app"],
		[],
	)
	rules(by_reference) == [["ASR009", "info"]]
	by_state := data.asr_guard.terraform.findings with input as reenabling_item(
		["delete", "create"],
		[],
		["azurerm_linux_virtual_machine.app"],
	)
	rules(by_state) == [["ASR009", "info"]]
	unordered := data.asr_guard.terraform.findings with input as reenabling_item(
		["delete", "create"],
		["var.vm_id"],
		[],
	)
	rules(unordered) == [["ASR009", "info"], ["ASR027", "warn"]]
}

test_an_item_replaced_create_before_destroy_is_denied if {
	findings := data.asr_guard.terraform.findings with input as reenabling_item(
		["create", "delete"],
		["azurerm_linux_virtual_machine.app.id"],
		[],
	)
	rules(findings) == [["ASR009", "info"], ["ASR026", "deny"]]
}

test_an_item_forgotten_but_not_destroyed_warns if {
	forgotten := change(
		"azurerm_site_recovery_replicated_vm.app",
		"azurerm_site_recovery_replicated_vm",
		["forget"],
		{"source_vm_id": vm_id},
		null,
	)
	rules(findings_of([vm(["no-op"]), forgotten])) == [["ASR028", "warn"]]
	rules(findings_of([vm(["no-op"]), item(["delete"])])) == [["ASR008", "warn"]]
}
