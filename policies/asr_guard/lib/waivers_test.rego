package asr_guard.lib_test

# Tests of waivers.rego: which waivers apply to a finding and which have expired.

waivers(entries) := {"today": "2026-11-24", "entries": entries}

waiver(id, rule, match, expires) := {
	"id": id,
	"rule": rule,
	"match": match,
	"justification": "because",
	"expires": expires,
	"source": "w.yaml:1",
}

deny_finding := {"rule_id": "ASR004", "resource": "Module.Web.azurerm_vm.app", "severity": "deny"}

test_active_waiver_marks_the_finding if {
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as waivers([waiver(
		"w1",
		"ASR004",
		"^module\\.web\\..*$",
		"2026-11-24",
	)])
	[f.waived.waiver | some f in findings] == ["w1"]
}

test_expired_waiver_does_not_apply_and_is_reported if {
	w := waivers([waiver("w1", "ASR004", "^.*$", "2026-11-23")])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f | some f in findings; f.waived] == []
	data.asr_guard.lib.expired_waivers == ["w1"] with data.asr_guard.waivers as w
}

test_waiver_of_another_rule_or_resource_does_not_apply if {
	w := waivers([waiver("a", "ASR005", "^.*$", "2030-01-01"), waiver("b", "ASR004", "^other$", "2030-01-01")])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f | some f in findings; f.waived] == []
}

test_first_covering_waiver_by_id_is_named if {
	w := waivers([waiver("z", "ASR004", "^.*$", "2030-01-01"), waiver("a", "ASR004", "^.*app$", "2030-01-01")])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f.waived.waiver | some f in findings] == ["a"]
}

test_no_waivers_leaves_findings_as_they_are if {
	data.asr_guard.lib.apply_waivers({deny_finding}) == {deny_finding}
}

exact_waiver(id, rule, resource) := object.union(waiver(id, rule, "^unused$", "2030-01-01"), {"exact": resource})

test_an_exact_waiver_covers_its_resource_only if {
	w := waivers([
		exact_waiver("e1", "ASR004", "module.web.azurerm_vm.app"),
		exact_waiver("e2", "ASR004", "module.web.azurerm_vm.other"),
		exact_waiver("e3", "ASR005", "module.web.azurerm_vm.app"),
	])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f.waived.waiver | some f in findings] == ["e1"]
}

test_exact_and_patterned_waivers_together_the_first_by_id_is_named if {
	w := waivers([
		exact_waiver("b", "ASR004", "module.web.azurerm_vm.app"),
		waiver("a", "ASR004", "^.*app$", "2030-01-01"),
	])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f.waived.waiver | some f in findings] == ["a"]
	only_exact := waivers([exact_waiver("b", "ASR004", "module.web.azurerm_vm.app")])
	exact := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as only_exact
	[f.waived.waiver | some f in exact] == ["b"]
}

test_a_null_exact_is_a_pattern if {
	w := waivers([object.union(waiver("p", "ASR004", "^module\\.web\\..*$", "2030-01-01"), {"exact": null})])
	findings := data.asr_guard.lib.apply_waivers({deny_finding}) with data.asr_guard.waivers as w
	[f.waived.waiver | some f in findings] == ["p"]
}
