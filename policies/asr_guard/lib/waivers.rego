package asr_guard.lib

# --- waivers (data.asr_guard.waivers: {"today", "entries": [...]}) ----------------------
# A waiver covers the findings of its rule on resources its `match` (an anchored
# regular expression over the lower-cased resource) accepts, through its expiry day. `exact`
# (optional) is the lower-cased resource where `match` accepts that one only.

_waiver_entries := [w | some w in _waivers.entries]

_today := _waivers.today

_active_waiver(w) if w.expires >= _today

_covering(f) := sort([w.id |
	some w in _candidates(f.rule_id, lower(f.resource))
	_active_waiver(w)
])

# The waivers of a rule whose match accepts a (lower-cased) resource: those written for that
# resource exactly, looked up, and those of a pattern, each matched. (Each waiver matched
# against each finding of its rule was quadratic: 1,200 findings and as many waivers, 92 s.)
_candidates(rule, resource) := _exact(rule, resource) | {w |
	some w in _patterned(rule)
	regex.match(w.match, resource)
}

_exact(rule, resource) := ws if {
	ws := _exact_waivers[concat(" ", [rule, resource])]
} else := set()

_patterned(rule) := ws if {
	ws := _patterned_waivers[rule]
} else := set()

_exact_waivers[key] contains w if {
	some w in _waiver_entries
	exact := object.get(w, "exact", null)
	is_string(exact)
	key := concat(" ", [w.rule, exact])
}

_patterned_waivers[w.rule] contains w if {
	some w in _waiver_entries
	not is_string(object.get(w, "exact", null))
}

_waiver_by_id[w.id] := w if some w in _waiver_entries

# METADATA
# title: Apply waivers
# description: >-
#   Findings with "waived" set where an active waiver covers them (the first by id).
apply_waivers(findings) := {_annotated(f) | some f in findings}

_annotated(f) := object.union(f, {"waived": waived}) if {
	ids := _covering(f)
	count(ids) > 0
	w := _waiver_by_id[ids[0]]
	waived := {"waiver": w.id, "justification": w.justification, "expires": w.expires, "source": w.source}
} else := f

# METADATA
# title: Expired waivers
# description: >-
#   Waivers past their expiry day: they no longer apply.
expired_waivers := sort([w.id | some w in _waiver_entries; not _active_waiver(w)])
