# METADATA
# title: asr-guard shared helpers
# description: |
#   Value helpers, the replication inventory, the support matrix's wording of findings and
#   waivers: what every package shares. Every input-kind package maps its input; this
#   package alone decides wording and severity (findings.rego).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/site-recovery/site-recovery-backup-interoperability
#     description: Site Recovery and Backup interoperability (the support matrix)
#   - ref: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
#     description: Azure resource names are case-insensitive unless noted
package asr_guard.lib

# METADATA
# title: Matrix
# description: >-
#   The support matrix data document (policies/asr_guard/matrix/data.json).
matrix := data.asr_guard.matrix

# METADATA
# title: Get
# description: >-
#   object.get that tolerates a non-object (null, missing) container.
# scope: document
get(x, key, default_value) := object.get(x, key, default_value) if is_object(x)

get(x, _, default_value) := default_value if not is_object(x)

# xs[i] for an array that has it; default_value otherwise.
_at(xs, i, _) := xs[i] if {
	is_array(xs)
	i < count(xs)
}

_at(xs, i, default_value) := default_value if not is_array(xs)

_at(xs, i, default_value) := default_value if {
	is_array(xs)
	i >= count(xs)
}

# lower() for strings only; undefined otherwise.
_lower_id(x) := lower(x) if is_string(x)

# METADATA
# title: Canonical id
# description: >-
#   An Azure resource id in the one form ids are compared in: Azure compares them without
#   regard to case, and ARM reads "/a//b/", " /a/b" and "/a%2Fb"-free "/a/b" as one id. Lower
#   case; surrounding space, repeated and trailing slashes dropped; percent-escapes decoded
#   (an id with a malformed escape is only lower-cased). Undefined for a non-string.
canonical_id(x) := id if {
	# (Plain string builtins, in this body, decide whether an id needs more than lower case:
	# a regular expression costs the embedded engine about twice a plain builtin, a function
	# call several builtins, and a plan has thousands of ids. An id that trimming of
	# white space and trailing slashes leaves as it is has neither.)
	is_string(x)
	id := lower(x)
	trim_right(trim_space(id), "/") == id
	not contains(id, "%")
	not contains(id, "//")
} else := id if {
	is_string(x)
	id := trim_right(regex.replace(_decoded(trim_space(lower(x))), `/+`, "/"), "/")
}

# METADATA
# title: Canonical ids
# description: >-
#   A set of lower-cased ids in canonical form: one regular expression over all of them tells
#   whether any needs more than lower case (the usual answer is no, for thousands of ids).
canonical_ids(lowered) := lowered if {
	plain_ids(lowered)
} else := ids if {
	ids := {canonical_id(x) | some x in lowered}
}

# METADATA
# title: Plain ids
# description: >-
#   Whether every id of a set of lower-cased ids is canonical already (canonical_id would keep
#   each as it is), told by one regular expression over all of them. A call of canonical_id
#   per id costs the embedded engine a hundred times a lower().
plain_ids(lowered) if not regex.match(_not_plain, concat("\n", lowered))

# A percent sign, a doubled or trailing slash, white space first or last in an id. White space
# is what trim_space removes (Unicode White_Space), spelled out: RE2's \s, in OPA, is ASCII only.
_not_plain := concat("", [`%|//|/(\n|$)|`, _space, `(\n|$)|(^|\n)`, _space])

_space := `[\t\n\v\f\r\x{85}\p{Z}]`

_decoded(s) := urlquery.decode(s) if {
	regex.match(`^(?:[^%]|%[0-9a-fA-F]{2})*$`, s)
} else := s

# METADATA
# title: Is restored create option
# description: >-
#   The createOption makes a disk from a restore point, a snapshot or another disk (the matrix lists them).
is_restored_create_option(option) if {
	is_string(option)
	lower(option) in _restored_create_options
}

_restored_create_options := {lower(row.option) | some row in matrix.restored_disk_create_options}
