# METADATA
# title: Azure Backup restore request classification
# description: |
#   Classifies the body of an Azure Backup restore call on an Azure VM into the
#   support-matrix scenarios of data.asr_guard.matrix. Restores are operations, not resource
#   changes: they have rules of their own, not the change view. The request is read where
#   Azure reads it: the REST body's `properties` (Trigger Restore), `restoreRequest` (Cross
#   Region Restore: {crossRegionRestoreAccessDetails, restoreRequest}; Validate Operation:
#   ValidateIaasVMRestoreOperationRequest), the bare request, and the azure-rest-api-specs
#   example envelope ({"parameters": {"parameters": {...}}}). A null value is an absent one.
#   Request types: IaasVMRestoreRequest and IaasVMRestoreWithRehydrationRequest (recoveryType
#   OriginalLocation / AlternateLocation / RestoreDisks, restoreDiskLunList) and
#   IaasVMILRRegistrationRequest (Provision Item Level Recovery). File restore is supported
#   on a replicated VM; disk and VM restore need replication disabled and re-enabled; Replace
#   existing swaps the VM's disks in place.
# related_resources:
#   - ref: https://learn.microsoft.com/rest/api/backup/restores/trigger
#     description: Azure Backup REST API, Restores - Trigger (IaasVMRestoreRequest, IaasVMILRRegistrationRequest)
#   - ref: https://learn.microsoft.com/azure/site-recovery/site-recovery-backup-interoperability
#     description: Site Recovery and Backup interoperability
#   - ref: https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms
#     description: Restore Azure VMs (Replace existing, Create new, Cross Region Restore)
package asr_guard.restore

_doc := data.asr_guard.lib.document

_vm_restore_types := {"IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"}

_file_restore_types := {"IaasVMILRRegistrationRequest"}

_types := _vm_restore_types | _file_restore_types

# Where a request body can be, as a JSON pointer and a path.
_envelopes := [
	["", []],
	["/properties", ["properties"]],
	["/restoreRequest", ["restoreRequest"]],
	["/properties/restoreRequest", ["properties", "restoreRequest"]],
	["/parameters/properties", ["parameters", "properties"]],
	["/parameters/properties/restoreRequest", ["parameters", "properties", "restoreRequest"]],
	["/parameters/restoreRequest", ["parameters", "restoreRequest"]],
	["/parameters/parameters/properties", ["parameters", "parameters", "properties"]],
	["/parameters/parameters/restoreRequest", ["parameters", "parameters", "restoreRequest"]],
	["/parameters/parameters/properties/restoreRequest", ["parameters", "parameters", "properties", "restoreRequest"]],
]

# METADATA
# title: Restore requests of the document
# description: >-
#   Every restore request the document holds, as [pointer, request]: the JSON pointer of the
#   request body and the body. asr-guard refuses a file with more than one; on OPA alone,
#   each is classified (none is guessed away). Read by the remediation package.
requests := [[pointer, r] |
	some [pointer, path] in _envelopes
	r := _at(path)
	is_object(r)
	r.objectType in _types
]

_at(path) := _doc if count(path) == 0 else := object.get(_doc, path, null)

# METADATA
# title: The document is a restore request
# description: True when the document holds at least one Azure Backup restore request. Read by main.rego.
is_restore if count(requests) > 0

_vm_field(r) := "sourceResourceId" if r.objectType in _vm_restore_types else := "virtualMachineId"

# The VM a request reads from (and, in place, writes to), canonical.
_vm_id(r) := data.asr_guard.lib.canonical_id(r[_vm_field(r)]) if is_string(r[_vm_field(r)])

_replicated(r) if _vm_id(r) in data.asr_guard.lib.inventory_vm_ids

_recovery_type(r) := r.recoveryType if is_string(r.recoveryType) else := ""

# The LUNs of a restore of selected disks (restoreDiskLunList; null and [] select none).
_luns(r) := [lun | some lun in r.restoreDiskLunList; is_number(lun)] if is_array(r.restoreDiskLunList) else := []

_event(scenario, pointer, r, detail) := {
	"scenario": scenario,
	"resource": r[_vm_field(r)],
	"vm_id": _vm_id(r),
	"detail": detail,
	"pointer": concat("/", [pointer, _vm_field(r)]),
}

# METADATA
# title: Restore events
# description: >-
#   One event per restore request on a replicated VM: file_restore, vm_restore (Replace
#   existing), disk_restore (in place, selected LUNs) or restore_unprotected (a new VM or new
#   disks). Read by the remediation package.
events contains ev if {
	some [pointer, r] in requests
	r.objectType in _file_restore_types
	_replicated(r)
	detail := concat("", ["item-level (file) recovery is mounted for replicated VM ", _vm_id(r)])
	ev := _event("file_restore", pointer, r, detail)
}

# Replace existing: the VM's disks, the OS disk included, are replaced in place; the VM stays.
events contains ev if {
	some [pointer, r] in requests
	r.objectType in _vm_restore_types
	_replicated(r)
	_recovery_type(r) == "OriginalLocation"
	count(_luns(r)) == 0
	detail := concat("", [
		r.objectType, " with recoveryType OriginalLocation (Replace existing) replaces the disks of replicated VM ",
		_vm_id(r), ", the OS disk included, in place; the VM resource stays",
	])
	ev := _event("vm_restore", pointer, r, detail)
}

events contains ev if {
	some [pointer, r] in requests
	r.objectType in _vm_restore_types
	_replicated(r)
	_recovery_type(r) == "OriginalLocation"
	luns := _luns(r)
	count(luns) > 0
	detail := concat("", [
		r.objectType, " with recoveryType OriginalLocation restores the disks at LUN ",
		concat(", ", [format_int(lun, 10) | some lun in luns]), " of replicated VM ", _vm_id(r),
		" in place (Replace existing with restoreDiskLunList: a combination Microsoft does not document)",
	])
	ev := _event("disk_restore", pointer, r, detail)
}

events contains ev if {
	some [pointer, r] in requests
	r.objectType in _vm_restore_types
	_replicated(r)
	_recovery_type(r) in {"AlternateLocation", "RestoreDisks"}
	detail := concat("", [
		r.objectType, " with recoveryType ", r.recoveryType, " from replicated VM ", _vm_id(r),
		" creates ", _created(r.recoveryType), " that Site Recovery does not replicate", _cross_region(pointer),
	])
	ev := _event("restore_unprotected", pointer, r, detail)
}

_created("AlternateLocation") := "a new VM"

_created("RestoreDisks") := "new disks"

_cross_region(pointer) := " (Cross Region Restore, in the secondary region)" if {
	endswith(pointer, "/restoreRequest")
	is_object(object.get(_doc, "crossRegionRestoreAccessDetails", null))
} else := ""

# METADATA
# title: Restore findings
# description: >-
#   The restore events as findings with the support matrix's wording. A restore request
#   changes no replicated item: nothing is disabled or re-enabled. Read by main.rego.
findings := data.asr_guard.lib.resolve(events, set(), set())
