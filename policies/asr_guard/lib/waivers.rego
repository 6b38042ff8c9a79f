package asr_guard.lib

# --- waivers (data.asr_guard.waivers: {"today", "entries": [...]}) ----------------------
# A waiver covers the findings of its rule on resources its `match` (an anchored
# regular expression over the lower-cased resource) accepts, through its expiry day.

_waiver_entries := [w | some w in _waivers.entries]

_today := _waivers.today

_active_waiver(w) if w.expires >= _today

_covering(f) := sort([w.id |
	some w in _waiver_entries
	w.rule == f.rule_id
	regex.match(w.match, lower(f.resource))
	_active_waiver(w)
])

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
}

_annotated(f) := f if count(_covering(f)) == 0

# METADATA
# title: Expired waivers
# description: >-
#   Waivers past their expiry day: they no longer apply.
expired_waivers := sort([w.id | some w in _waiver_entries; not _active_waiver(w)])
