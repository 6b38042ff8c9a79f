package asr_guard.lib_test

# Tests of selection.rego: which rules a run reports (--rule, --skip-rule as data.asr_guard.config).

test_rule_ids_are_those_of_the_matrix if {
	count(data.asr_guard.lib.rule_ids) == count(data.asr_guard.matrix.scenarios)
	"ASR004" in data.asr_guard.lib.rule_ids
	not "ASR999" in data.asr_guard.lib.rule_ids
}

test_the_undecided_rule_is_always_selected if {
	data.asr_guard.lib.always_selected == {"ASR020"}
	not "ASR004" in data.asr_guard.lib.always_selected
}

test_the_selected_rule_ids_of_a_configuration if {
	every_rule := data.asr_guard.lib.selected_rule_ids
	every_rule == data.asr_guard.lib.rule_ids
	named := data.asr_guard.lib.selected_rule_ids with data.asr_guard.config as {"rules": ["ASR004"]}
	named == {"ASR004", "ASR020"}
	skipped := data.asr_guard.lib.selected_rule_ids with data.asr_guard.config as {"skip_rules": ["ASR004", "ASR020"]}
	skipped == data.asr_guard.lib.rule_ids - {"ASR004"}
	not_a_list := data.asr_guard.lib.selected_rule_ids with data.asr_guard.config as {"rules": "ASR004"}
	not_a_list == data.asr_guard.lib.rule_ids
}

selection_findings := {
	{"rule_id": "ASR004", "resource": "a"},
	{"rule_id": "ASR007", "resource": "b"},
	{"rule_id": "ASR020", "resource": "c"},
}

test_selected_findings_are_those_of_the_selected_rules if {
	all_findings := data.asr_guard.lib.selected(selection_findings)
	all_findings == selection_findings
	findings := selection_findings
	only := data.asr_guard.lib.selected(findings) with data.asr_guard.config as {"rules": ["ASR004"]}
	{f.rule_id | some f in only} == {"ASR004", "ASR020"}
}

test_the_selection_in_the_report if {
	every_rule := data.asr_guard.lib.selection
	every_rule.skipped == []
	every_rule.selected == sort(data.asr_guard.lib.rule_ids)
	skipping := data.asr_guard.lib.selection with data.asr_guard.config as {"skip_rules": ["ASR007"]}
	skipping.skipped == ["ASR007"]
	not "ASR007" in skipping.selected
}
