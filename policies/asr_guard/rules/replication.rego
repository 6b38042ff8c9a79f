# METADATA
# title: Scenario rules over the change view
# description: |
#   Each support-matrix scenario, written once over the Azure change view
#   (data.asr_guard.view), whichever input kind it came from. events.rego raises the
#   events; lib.resolve turns them into findings with the matrix's wording.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/site-recovery/site-recovery-backup-interoperability
#     description: Site Recovery and Backup interoperability
#   - ref: https://learn.microsoft.com/azure/site-recovery/azure-to-azure-support-matrix
#     description: Azure-to-Azure disaster recovery support matrix
#   - ref: https://learn.microsoft.com/azure/site-recovery/azure-to-azure-enable-replication-added-disk
#     description: Enable replication for an added disk
package asr_guard.rules

_resources := data.asr_guard.view.changes

_of_type(type) := [e | some e in _resources; e.type == type]

_vms := _of_type("vm")

_disks := _of_type("disk")

_attachments := _of_type("attachment")

_items := _of_type("item")

_accounts := _of_type("storage_account")

_nics := _of_type("nic")

_extensions := _of_type("extension")

# --- which VMs are replicated ------------------------------------------------------------

# The replicated VM ids an id stands for: itself, when replicated; for the id of a template
# deployed to no given scope ({subscriptionid} / {resourcegroupname} placeholders), every
# replicated VM whose id matches it outside the placeholders.
_replicated(id) := {id} if {
	id in data.asr_guard.view.replicated_vm_ids
} else := matches if {
	matches := _placeholder_matches_of_vms[id]
} else := _placeholder_matches(id)

# The matches of the VMs' own ids that have placeholders, made once: the scenario rules ask
# for each VM several times (a match costs the embedded engine two dozen function calls; 1k
# resources deployed to no given scope spent 900M instructions more than with a scope).
_placeholder_matches_of_vms := {id: _placeholder_matches(id) |
	some vm in _vms
	some side in [vm.before, vm.after]
	is_object(side)
	id := object.get(side, "id", null)
	is_string(id)
	contains(id, "}")
}

_placeholder_matches(id) := matches if {
	is_string(id)
	contains(id, "}")
	parts := split(id, "/")
	tail := regex.replace(id, `^.*\}`, "")
	matches := {m |
		some m in _replicated_named(parts[count(parts) - 1])
		endswith(m, tail)
		_placeholders_match(parts, split(m, "/"))
	}
} else := set()

# The replicated VM ids that may match an id whose last segment is name: those of that name
# (indexed once: a scan of every replicated VM for every id made a template deployed to no
# given scope quadratic, 9,067M instructions for 1k resources against 2,440M with a scope),
# or all of them where the name is a placeholder itself.
_replicated_named(name) := data.asr_guard.view.replicated_vm_ids if {
	contains(name, "}")
} else := ids if {
	ids := _replicated_by_name[name]
} else := set()

_replicated_by_name[name] contains m if {
	some m in data.asr_guard.view.replicated_vm_ids
	parts := split(m, "/")
	name := parts[count(parts) - 1]
}

_placeholders_match(parts, candidate) if {
	count(candidate) == count(parts)
	every i, part in parts {
		_segment_matches(part, candidate[i])
	}
}

_segment_matches(part, _) if {
	startswith(part, "{")
	endswith(part, "}")
}

_segment_matches(part, other) if part == other

# The replicated VM ids a link or id list points at.
_replicated_of(ids) := {m | some id in ids; some m in _replicated(id)}

# The ids a VM link points at now.
_link_ids(link) := ids if {
	is_object(link)
	ids := {id | some id in link.ids}
} else := set()

# --- replication removed and enabled in this change -----------------------------------------

_removed_vm_ids := {m |
	some item in _items
	item.action in {"delete", "replace"}
	some m in _replicated_of(_link_ids(item.before.vm))
} | {id |
	some item in _items
	item.action in {"delete", "replace"}
	some id in _link_ids(item.before.vm)
}

_added_vm_ids := {id |
	some item in _items
	item.action in {"create", "replace"}
	some id in _link_ids(item.after.vm)
}

_reenabled_vm_ids := _removed_vm_ids & _added_vm_ids

_deleted_vm_ids := {id |
	some vm in _vms
	vm.action == "delete"
	id := vm.before.id
	is_string(id)
}

# --- labels ------------------------------------------------------------------------------

# A VM as messages name it: its resources and id, or its id.
_vm_label(link, id) := label if {
	labels := {e.label | some e in data.asr_guard.view.targets(link); e.type == "vm"}
	count(labels) > 0
	label := _with_id(concat(", ", sort(labels)), id)
} else := id

_entry_vm_label(vm, id) := _with_id(vm.label, id)

# "address (id)"; a label that is the id (an ARM resource) as it is.
_with_id(label, id) := label if {
	data.asr_guard.lib.canonical_id(label) == id
} else := concat("", [label, " (deployed to no given scope: taken as ", id, ")"]) if {
	contains(label, "{")
} else := concat("", [label, " (", id, ")"])

# A disk link as messages name it.
_disk_label(link, lun) := label if {
	labels := {e.label | some e in data.asr_guard.view.targets(link); e.type == "disk"}
	count(labels) > 0
	label := concat(", ", sort(labels))
} else := link.ids[0] if {
	count(link.ids) > 0
} else := concat("", ["the data disk at LUN ", format_int(lun, 10)]) if {
	is_number(lun)
} else := "a disk known only after apply"

# The action as a message says it, with Terraform's reason where it gives one.
_action_text(e) := concat("", [
	concat(", ", e.actions),
	", ",
	e.reason,
]) if is_string(e.reason) else := concat(", ", e.actions)

_reason_text(e) := concat("", [", ", e.reason]) if is_string(e.reason) else := ""
