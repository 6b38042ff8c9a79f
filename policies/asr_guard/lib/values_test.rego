package asr_guard.lib_test

# Tests of values.rego: value helpers, ids and the restored create options.

test_restored_create_options_match_case_insensitively if {
	data.asr_guard.lib.is_restored_create_option("Restore")
	data.asr_guard.lib.is_restored_create_option("copy")
	not data.asr_guard.lib.is_restored_create_option("Empty")
	not data.asr_guard.lib.is_restored_create_option(null)
}

test_get_and_at_tolerate_other_types if {
	data.asr_guard.lib.get(null, "a", 1) == 1
	data.asr_guard.lib.get({"a": 2}, "a", 1) == 2
	data.asr_guard.lib._at([5], 0, 1) == 5
	data.asr_guard.lib._at([], 0, 1) == 1
	data.asr_guard.lib._at({"0": 5}, 0, 1) == 1
}

test_canonical_ids_are_lower_case_without_doubled_or_trailing_slashes if {
	id := "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"
	data.asr_guard.lib.canonical_id(id) == id
	spelled := " /Subscriptions/S1//resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1/"
	data.asr_guard.lib.canonical_id(spelled) == id
	data.asr_guard.lib.canonical_id("/a/b%2Fc") == "/a/b/c"
	data.asr_guard.lib.canonical_id("/a/%zz") == "/a/%zz"
	not data.asr_guard.lib.canonical_id(null)
}

test_canonical_ids_of_a_set_of_lower_cased_ids if {
	data.asr_guard.lib.canonical_ids({"/a/b", "/c"}) == {"/a/b", "/c"}
	data.asr_guard.lib.canonical_ids({"/a//b/", "/c%2fd", " /e"}) == {"/a/b", "/c/d", "/e"}
	data.asr_guard.lib.canonical_ids(set()) == set()
}

test_plain_ids_are_those_lower_case_leaves_canonical if {
	data.asr_guard.lib.plain_ids({"/a/b", "/c"})
	data.asr_guard.lib.plain_ids(set())
	not data.asr_guard.lib.plain_ids({"/a/b", "/c/"})
	not data.asr_guard.lib.plain_ids({"/a//b"})
	not data.asr_guard.lib.plain_ids({"/a%2fb"})
	not data.asr_guard.lib.plain_ids({" /a"})
	not data.asr_guard.lib.plain_ids({"/a\t"})
}

# White space as trim_space reads it (Unicode), on both engines: OPA's regular expressions
# (RE2) read \s as ASCII only, and kept a no-break space at the end of an id.
test_unicode_space_around_an_id_is_not_plain if {
	not data.asr_guard.lib.plain_ids({"/a\u00a0"})
	not data.asr_guard.lib.plain_ids({"\u3000/a"})
	not data.asr_guard.lib.plain_ids({"/a\u0085"})
	data.asr_guard.lib.plain_ids({"/a\u00a0b"})
	data.asr_guard.lib.canonical_ids({"/a\u00a0", "/b"}) == {"/a", "/b"}
}

test_the_matrix_is_the_data_document if {
	data.asr_guard.lib.matrix == data.asr_guard.matrix
	data.asr_guard.lib.matrix.scenarios.vm_replace.rule_id == "ASR004"
	not data.asr_guard.lib.matrix.scenarios.no_such_scenario
}
