# METADATA
# title: A remediation for every denial
# description: |
#   Beside its workaround, every denial gets a remediation: a strategy from
#   data.asr_guard.remediation.strategies (policies/asr_guard/remediation/strategies.rego),
#   chosen here from the finding, the input kind, the change view and, for a plan, the
#   replicated item the plan holds; with what the steps need to be rendered (params) and
#   what the policies must decide once it is applied (expect). validator/remediation renders
#   the steps (patches, runbooks) and re-checks the model of a Terraform fix; it decides
#   nothing. Sources: ../shared/remediation.md sections 1.5, 2 and 5.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/internals/json-format
#     description: Terraform JSON output format (prior_state, depends_on, resource addresses)
#   - ref: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/site_recovery_replicated_vm
#     description: azurerm_site_recovery_replicated_vm
package asr_guard.remediation

_kind := data.asr_guard.main.kind

_doc := data.asr_guard.lib.document

_item_type := "azurerm_site_recovery_replicated_vm"

# METADATA
# title: Attach remediations
# description: >-
#   Every finding given, each denial (severity deny) with its remediation: strategy id, title,
#   preconditions, steps, expect (the decisions of the re-check), risks and params; other findings
#   unchanged. Read by main.rego.
attach(findings) := attached if {
	expects := _expects({f.rule_id | some f in findings; f.severity == "deny"})
	attached := {_with_remediation(f, expects) | some f in findings}
}

_with_remediation(f, expects) := object.union(f, {"remediation": _remediation(f, expects)}) if {
	f.severity == "deny"
} else := f

# (Each denial's change view entries are read once and handed down: a large plan has hundreds
# of denials, and each function call in them costs the embedded engine a lookup.)
_remediation(f, expects) := r if {
	vm := _vm_of(f)
	item := object.get(_plan_item_of, vm, null)
	entries := _entries(f)
	sid := _strategy(f, vm, item, {e.type | some e in entries})
	expect := expects[concat("|", [sid, f.rule_id])]
	specific := {"id": concat("/", [f.rule_id, sid]), "expect": expect, "params": _params(f, vm, item, entries)}
	r := object.union(_static[sid], specific)
}

# What each strategy expects once applied, for each rule denied, by "strategy|rule": built
# once per strategy and rule, not per denial (a large plan has hundreds of denials of a rule).
_expects(rules) := {key: phases |
	some sid, s in strategies
	some rule in rules
	key := concat("|", [sid, rule])
	phases := [_phase(rule, i, phase) | some i, phase in s.model]
}

# What a strategy's remediation is for every finding: built once per strategy, not per denial
# (a large plan can have a thousand denials, most of them of one or two strategies).
_static[sid] := value if {
	some sid, s in strategies
	mapping := _enable_mapping
	steps := [_step(step, mapping) | some step in s.steps]
	named := [{"id": id, "text": risks[id]} | some id in s.risks]
	value := {"strategy": sid, "title": s.title, "preconditions": s.preconditions, "steps": steps, "risks": named}
}

_step(step, mapping) := object.union(step, {"mapping": mapping}) if {
	step.op == "enable"
} else := step

# The mapping the runbook's enable step renders: the fields it carries (dropped ones stay in
# the data, with their reasons).
_enable_mapping := {
	"item": {name: m | some name, m in enable_mapping; not m.dropped},
	"disk": disk_mapping,
}

_phase(rule, i, phase) := {
	"phase": i + 1,
	"ops": phase.ops,
	"present": [_rule(rule, r) | some r in phase.present],
	"absent": [_rule(rule, r) | some r in phase.absent],
}

_rule(rule, "$rule") := rule

_rule(_, r) := r if r != "$rule"

# --- the finding's VM and the plan's replicated item --------------------------------------

_events := data.asr_guard.rules.events if {
	_kind in data.asr_guard.main.change_kinds
} else := data.asr_guard.restore.events if {
	_kind == "backup-restore-request"
} else := set()

# The VM the finding is about ("" when its event names none). (Indexed once: a large plan
# can have hundreds of denials.)
_vm_of(f) := ids[0] if {
	ids := sort(object.get(_event_vms, concat("|", [f.scenario, f.resource]), set()))
	count(ids) > 0
} else := ""

# Keyed by "scenario|resource" (a scenario name has no "|").
_event_vms[key] contains e.vm_id if {
	some e in _events
	e.vm_id != ""
	key := concat("|", [e.scenario, e.resource])
}

# The plan's replicated item of each VM that events name, from its prior state: {"address",
# "name", "depends_on", "managed_disks"}; a VM the plan holds no item of is not a key (its
# replication is known from the inventory only). Built once, when the first denial reads it.
_plan_item_of := {vm: items[0] |
	_kind == "terraform-plan"
	some vm, rs in _items_by_vm
	items := sort([_item_params(r) | some r in rs])
}

# The items of the VMs that events name, by VM (the params are made only for the items of
# denials). (Hot: a plan can hold thousands of items. Their VM ids are only lower-cased when
# lib.plain_ids says that is their canonical form, the usual case: a lib.canonical_id call per
# item cost a 10k plan about 0.1 s.)
_items_by_vm[id] contains r if {
	_plan_item_vms_plain
	wanted := _event_vm_ids
	some [id, r] in _plan_items
	id in wanted
}

_items_by_vm[id] contains r if {
	not _plan_item_vms_plain
	wanted := _event_vm_ids
	some [lowered, r] in _plan_items
	id := data.asr_guard.lib.canonical_id(lowered)
	id in wanted
}

# [lower-cased VM id, item] of each replicated item in the plan's prior state (one pass).
_plan_items := [[lower(vm), r] |
	t := _item_type
	some r in data.asr_guard.terraform.prior_resources
	r.type == t
	r.mode == "managed"
	vm := r.values.source_vm_id
	is_string(vm)
]

_plan_item_vms_plain if data.asr_guard.lib.plain_ids([pair[0] | some pair in _plan_items])

_event_vm_ids := {id | some ids in _event_vms; some id in ids}

_item_params(r) := {
	"address": r.address,
	"name": object.get(r.values, "name", null),
	"depends_on": [d | some d in object.get(r, "depends_on", []); is_string(d)],
	"managed_disks": [d | some d in object.get(r.values, "managed_disk", []); is_object(d)],
}

# The change view's entries of a resource (indexed once).
# (Bound in the body: with no changes, _by_resource is undefined on the embedded engine, and
# the else gives the empty set on both engines.)
_entries(f) := entries if {
	_kind in data.asr_guard.main.change_kinds
	entries := object.get(_by_resource, f.resource, set())
} else := set()

_by_resource[e.resource] contains e if some e in data.asr_guard.view.changes

# --- which strategy --------------------------------------------------------------------------

_disk_rules := {"ASR002", "ASR011"}

_vm_rules := {"ASR004", "ASR006", "ASR021"}

_reenable_rules := {"ASR002", "ASR004", "ASR006", "ASR011", "ASR021"}

# (types: what the finding's resource is in the change view, "vm", "attachment", "disk" ...)
_strategy(f, vm, item, types) := "terraform-delete-before-create" if {
	item != null
	f.rule_id == "ASR026"
} else := "terraform-remove-item" if {
	item != null
	f.rule_id == "ASR005"
	_lists(item.depends_on, f.resource)
} else := "terraform-remove-item-first" if {
	item != null
	f.rule_id == "ASR005"
} else := "terraform-replace-triggered-by-vm" if {
	item != null
	f.rule_id in _reenable_rules
	"vm" in types
	_same_module(item.address, f.resource)
} else := "terraform-replace-item" if {
	item != null
	f.rule_id == "ASR002"
	_same_module(item.address, f.resource)
	count({"attachment", "disk"} & types) > 0
} else := "terraform-replace-item-drop-disk" if {
	item != null
	f.rule_id == "ASR011"
	"attachment" in types
} else := "runbook-around-restore" if {
	_kind == "backup-restore-request"
	vm != ""
	f.rule_id in {"ASR002", "ASR003"}
} else := "runbook-disable-first" if {
	_kind in data.asr_guard.main.change_kinds
	vm != ""
	f.rule_id == "ASR005"
} else := "runbook-around-change" if {
	_kind in data.asr_guard.main.change_kinds
	vm != ""
	f.rule_id in _reenable_rules
} else := "manual"

# Whether two addresses are in one module (a reference from one to the other needs no module
# output); a fix across modules is a runbook.
_same_module(a, b) if _module_of(a) == _module_of(b)

# (A regular expression costs the embedded engine about twice a plain string builtin, even
# with its pattern cache: a root module's address, the usual case, is told by its first word.)
_module_of(address) := "" if {
	not startswith(address, "module.")
} else := regex.replace(address, `[^.\[\]]+\.[^.\[]+(\[[^\]]*\])?$`, "")

# Whether a list of dependency addresses (as Terraform records them) names a resource.
_lists(dependencies, resource) if {
	address := regex.replace(resource, `\[[^\]]*\]`, "")
	some d in dependencies
	regex.replace(d, `\[[^\]]*\]`, "") == address
}

# --- what the steps need -----------------------------------------------------------------

_params(f, vm, item, entries) := {
	"kind": _kind,
	"rule_id": f.rule_id,
	"resource": f.resource,
	"resource_types": sort({e.source_type | some e in entries}),
	"vm_id": vm,
	"item": item,
	"removed_disk_ids": _removed_disk_ids(f, entries),
	"vm_os_disk_ids": _os_disk_ids(entries),
	"restore": _restore(vm),
	"arm_reenable": _arm_reenable,
}

# A change deployed with ARM (a template, a what-if result): the runbook's re-enable can be the
# next deployment as well (asr-guard fix writes it as an ARM template of the replicated item).
_arm_reenable := true if {
	_kind in {"arm-template", "arm-whatif"}
} else := false

_removed_disk_ids(f, entries) := sort({id |
	f.rule_id == "ASR011"
	some e in entries
	e.type == "attachment"
	some id in e.before.disk.ids
})

# The OS disk of a VM finding's VM, before the change (the item's managed_disk of it follows
# the VM by reference).
_os_disk_ids(entries) := sort({id |
	some e in entries
	e.type == "vm"
	some id in e.before.os_disk.ids
})

# The restore request of a restore finding, as the runbook runs it.
_restore(vm) := restores[0] if {
	_kind == "backup-restore-request"
	restores := [_restore_params(request) |
		some [_, request] in data.asr_guard.restore.requests
		data.asr_guard.lib.canonical_id(object.get(request, "sourceResourceId", null)) == vm
	]
	count(restores) > 0
} else := null

_restore_params(request) := {
	"recovery_point_id": object.get(request, "recoveryPointId", null),
	"recovery_type": object.get(request, "recoveryType", null),
	"storage_account_id": object.get(request, "storageAccountId", null),
	"luns": [lun | some lun in _array(object.get(request, "restoreDiskLunList", null)); is_number(lun)],
}

_array(x) := x if is_array(x) else := []
