# METADATA
# title: Rule selection
# description: |
#   Which rules this run reports: the run's configuration (`_config`, lib/envelope.rego)
#   {"rules": [...], "skip_rules": [...]} names rule ids to report only (`rules`, none or
#   empty: every rule) and rule ids to leave out (`skip_rules`, winning over `rules`).
#   asr-guard sends it from --rule and --skip-rule; a team running the pack on its own OPA
#   can load it as data.asr_guard.config. The rules whose matrix status is "undecided"
#   (ASR020, a value the policies read is not known) are always reported: an unknown value
#   may decide any rule, so leaving them out would turn what cannot be known into a silent
#   pass. A value that is not a list of strings selects nothing away (every rule stays).
package asr_guard.lib

# METADATA
# title: Rule ids
# description: Every rule id of the support matrix.
rule_ids := {row.rule_id | some row in matrix.scenarios}

# METADATA
# title: Always selected
# description: >-
#   The rules no selection leaves out: the matrix's "undecided" rows (ASR020).
always_selected := {row.rule_id | some row in matrix.scenarios; row.status == "undecided"}

_config_ids(key) := {id | some id in value; is_string(id)} if {
	value := _config[key]
	is_array(value)
} else := set()

_named_rules := _config_ids("rules")

_chosen := chosen if {
	count(_named_rules) > 0
	chosen := rule_ids & _named_rules
} else := rule_ids

# METADATA
# title: Selected rule ids
# description: >-
#   The rules this run reports: those named by `rules` (every rule when none is named),
#   less those named by `skip_rules`, and always the "undecided" rules.
selected_rule_ids := (_chosen - _config_ids("skip_rules")) | always_selected

# METADATA
# title: Selected
# description: The findings of the selected rules.
selected(findings) := {f | some f in findings; f.rule_id in selected_rule_ids}

# METADATA
# title: Selection
# description: >-
#   What the report says of the selection: the rules reported and the rules left out, sorted.
selection := {
	"selected": sort(selected_rule_ids),
	"skipped": sort(rule_ids - selected_rule_ids),
}
