package asr_guard.rules_test

# Tests of disks.rego: restored disks, protection, removed attachments and resizes.

sized_as(gb, sku) := {"size_gb": gb, "sku": sku}

test_resize_scenarios_by_size_and_sku if {
	shrunk := data.asr_guard.rules._resize_scenarios(sized_as(512, "Premium_LRS"), sized_as(256, "Premium_LRS"))
	shrunk == {"disk_shrunk"}
	past_4tib := data.asr_guard.rules._resize_scenarios(sized_as(2048, "Premium_LRS"), sized_as(4096, "Premium_LRS"))
	past_4tib == {"disk_grown_past_4tib"}
	live := data.asr_guard.rules._resize_scenarios(sized_as(2048, "PremiumV2_LRS"), sized_as(8192, "PremiumV2_LRS"))
	live == {"premium_v2_resized"}
	ultra := data.asr_guard.rules._resize_scenarios(sized_as(2048, "UltraSSD_LRS"), sized_as(8192, "UltraSSD_LRS"))
	ultra == set()
	grown := data.asr_guard.rules._resize_scenarios(sized_as(512, "Premium_LRS"), sized_as(1024, "Premium_LRS"))
	grown == set()
}

test_sku_names_compare_without_regard_to_case if {
	data.asr_guard.rules._sku_is("PremiumV2_LRS", "premiumv2_lrs")
	not data.asr_guard.rules._sku_is("Premium_LRS", "premiumv2_lrs")
	not data.asr_guard.rules._sku_is(null, "premiumv2_lrs")
	data.asr_guard.rules._sku_text("Premium_LRS") == " (Premium_LRS)"
	data.asr_guard.rules._sku_text(null) == ""
}

test_a_replaced_attachment_of_the_same_disk_is_not_a_removal if {
	same := {"action": "replace", "before": {"disk": {"ids": ["/d1"]}}, "after": {"disk": {"ids": ["/d1"]}}}
	data.asr_guard.rules._same_disk(same)
	other := {"action": "replace", "before": {"disk": {"ids": ["/d1"]}}, "after": {"disk": {"ids": ["/d2"]}}}
	not data.asr_guard.rules._same_disk(other)
	unknown := {"action": "replace", "before": {"disk": {"ids": []}}, "after": {"disk": {"ids": []}}}
	not data.asr_guard.rules._same_disk(unknown)
}

test_texts_of_removals_and_attachments if {
	data.asr_guard.rules._destroyed_text({"action": "replace"}) == "replaced"
	data.asr_guard.rules._destroyed_text({"action": "delete"}) == "deleted"
	data.asr_guard.rules._removed_text("protected_disk_removed") == ", and its replicated item protects it"
	data.asr_guard.rules._removed_text("data_disk_removed") == ""
	data.asr_guard.rules._by_text({"parent": null, "label": "azurerm_x.a"}) == " by azurerm_x.a"
	data.asr_guard.rules._by_text({"parent": "vm", "label": "vm"}) == ""
}

test_a_redeployed_vm_omits_a_data_disk_only_beside_its_os_disk_or_with_two_gone if {
	data.asr_guard.rules._some_data_disk_omitted({"/d1"}, {"/os"})
	not data.asr_guard.rules._some_data_disk_omitted({"/d1"}, set())
	data.asr_guard.rules._some_data_disk_omitted({"/d1", "/d2"}, set())
	data.asr_guard.rules._os_disk_ids({"os_disk": {"ids": ["/os"]}}) == {"/os"}
	data.asr_guard.rules._os_disk_ids({"os_disk": null}) == set()
}

test_a_data_disk_restored_from_a_snapshot_is_a_restore if {
	# The disk is created by copy in the same deployment as the attachment.
	snapshot := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/snapshots/s"
	copied := change(disk("d2"), "Create", null, {"properties": {"creationData": {
		"createOption": "Copy",
		"sourceResourceId": snapshot,
	}}})
	attach := change(vm_id, "Modify", vm_body(disk("os"), []), vm_body(disk("os"), [lun(2, disk("d2"))]))
	events := data.asr_guard.rules.events with input as whatif([attach, copied, item_kept])
	scenarios(events) == ["disk_restore"]
	some e in events
	contains(e.detail, concat("", ["(created with createOption Copy from ", snapshot, ")"]))
	empty := change(disk("d2"), "Create", null, {"properties": {"creationData": {"createOption": "Empty"}}})
	new_disk := data.asr_guard.rules.events with input as whatif([attach, empty, item_kept])
	scenarios(new_disk) == ["data_disk_unprotected"]
}
