package asr_guard.terraform_test

# Tests of references.rego: how a configuration reference names a resource of the plan.

test_a_reference_names_a_resource_type_and_name if {
	parts := data.asr_guard.terraform._ref_parts("azurerm_managed_disk.data[0].id")
	parts == ["azurerm_managed_disk", "data[0]"]
	data.asr_guard.terraform._ref_parts("azurerm_managed_disk.data") == ["azurerm_managed_disk", "data"]
	not data.asr_guard.terraform._ref_parts("var.disk_id")
	not data.asr_guard.terraform._ref_parts("module.disks.id")
	not data.asr_guard.terraform._ref_parts("azurerm_managed_disk")
}

test_references_of_an_expression if {
	data.asr_guard.terraform._refs({"references": ["a.b.id", "a.b", 3]}) == ["a.b.id", "a.b"]
	data.asr_guard.terraform._refs({"constant_value": "/x"}) == []
	data.asr_guard.terraform._refs(null) == []
}

test_a_reference_to_a_resource_in_the_plan_is_followed_to_its_address if {
	p := with_config(
		plan([
			disk("azurerm_managed_disk.data", "Copy"),
			attachment("azurerm_virtual_machine_data_disk_attachment.a", null),
		]),
		[attach_config("azurerm_virtual_machine_data_disk_attachment.a", [
			"azurerm_managed_disk.data.id",
			"azurerm_managed_disk.data",
		])],
	)
	keys := data.asr_guard.terraform.changes with input as p
	[e.after.disk.keys | some e in keys; e.type == "attachment"] == [["azurerm_managed_disk.data"]]
	unknown_target := with_config(
		plan([attachment("azurerm_virtual_machine_data_disk_attachment.a", null)]),
		[attach_config("azurerm_virtual_machine_data_disk_attachment.a", ["azurerm_managed_disk.gone.id"])],
	)
	none := data.asr_guard.terraform.changes with input as unknown_target
	[e.after.disk.keys | some e in none; e.type == "attachment"] == [[]]
}
