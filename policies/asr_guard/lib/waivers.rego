package asr_guard.lib

# --- waivers (data.asr_guard.waivers: {"today", "entries": [...]}) ----------------------
# A waiver covers the findings of its rule on resources its `match` (an anchored
# regular expression over the lower-cased resource) accepts, through its expiry day.

waiver_entries := [w | some w in waivers.entries]

today := waivers.today

active_waiver(w) if w.expires >= today

covering(f) := sort([w.id |
	some w in waiver_entries
	w.rule == f.rule_id
	regex.match(w.match, lower(f.resource))
	active_waiver(w)
])

waiver_by_id[w.id] := w if some w in waiver_entries

# Findings with "waived" set where an active waiver covers them (the first by id).
apply_waivers(findings) := {annotated(f) | some f in findings}

annotated(f) := object.union(f, {"waived": waived}) if {
	ids := covering(f)
	count(ids) > 0
	w := waiver_by_id[ids[0]]
	waived := {"waiver": w.id, "justification": w.justification, "expires": w.expires, "source": w.source}
}

annotated(f) := f if count(covering(f)) == 0

# Waivers past their expiry day: they no longer apply.
expired_waivers := sort([w.id | some w in waiver_entries; not active_waiver(w)])
