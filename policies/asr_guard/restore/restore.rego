# METADATA
# title: Azure Backup restore request classification
# description: |
#   Classifies the body of an Azure Backup restore call on an Azure VM into the
#   support-matrix scenarios of data.asr_guard.matrix. Accepted: the REST body
#   ({"properties": {...}}), the bare properties, and the azure-rest-api-specs
#   example envelope ({"parameters": {"parameters": {"properties": {...}}}}).
#   Sources: Azure Backup REST API, ProtectedItems / RecoveryPoints "Trigger
#   Restore" (IaasVMRestoreRequest, IaasVMRestoreWithRehydrationRequest:
#   recoveryType OriginalLocation / AlternateLocation / RestoreDisks,
#   restoreDiskLunList) and "Provision Item Level Recovery"
#   (IaasVMILRRegistrationRequest); Microsoft, "About Site Recovery and Backup
#   interoperability" (file restore supported; disk and VM restore need
#   protection disabled and re-enabled).
package asr_guard.restore

# The document under evaluation (see lib/envelope.rego), read once.
_doc := data.asr_guard.lib.document

vm_restore_types := {"IaasVMRestoreRequest", "IaasVMRestoreWithRehydrationRequest"}

file_restore_types := {"IaasVMILRRegistrationRequest"}

request := r if {
	r := object.get(_doc, ["parameters", "parameters", "properties"], null)
	is_object(r)
} else := r if {
	r := object.get(_doc, ["parameters", "properties"], null)
	is_object(r)
} else := r if {
	r := object.get(_doc, "properties", null)
	is_object(r)
} else := _doc if {
	is_object(_doc)
}

object_type := request.objectType if is_string(request.objectType)

is_restore if object_type in (vm_restore_types | file_restore_types)

# The VM the restore reads from (and, in place, writes to), lower-cased.
source_vm_id := lower(request.sourceResourceId) if {
	object_type in vm_restore_types
	is_string(request.sourceResourceId)
}

source_vm_id := lower(request.virtualMachineId) if {
	object_type in file_restore_types
	is_string(request.virtualMachineId)
}

replicated if source_vm_id in data.asr_guard.lib.inventory_vm_ids

# Where the request body is in the document, as a JSON pointer, and its VM field.
request_pointer := "/parameters/parameters/properties" if {
	is_object(object.get(_doc, ["parameters", "parameters", "properties"], null))
} else := "/parameters/properties" if {
	is_object(object.get(_doc, ["parameters", "properties"], null))
} else := "/properties" if {
	is_object(object.get(_doc, "properties", null))
} else := ""

vm_pointer := concat("", [request_pointer, "/sourceResourceId"]) if object_type in vm_restore_types

vm_pointer := concat("", [request_pointer, "/virtualMachineId"]) if object_type in file_restore_types

recovery_type := object.get(request, "recoveryType", "")

# Selected disks only (restoreDiskLunList) is a disk restore; otherwise the VM.
restores_selected_disks if count(object.get(request, "restoreDiskLunList", [])) > 0

events contains {"scenario": "file_restore", "resource": source_vm_id, "vm_id": source_vm_id, "detail": detail, "pointer": vm_pointer} if {
	replicated
	object_type in file_restore_types
	detail := concat("", ["item-level (file) recovery is mounted for replicated VM ", source_vm_id])
}

events contains {"scenario": "vm_restore", "resource": source_vm_id, "vm_id": source_vm_id, "detail": detail, "pointer": vm_pointer} if {
	replicated
	object_type in vm_restore_types
	recovery_type == "OriginalLocation"
	not restores_selected_disks
	detail := concat("", [object_type, " with recoveryType OriginalLocation replaces the disks of replicated VM ", source_vm_id, " in place"])
}

events contains {"scenario": "disk_restore", "resource": source_vm_id, "vm_id": source_vm_id, "detail": detail, "pointer": vm_pointer} if {
	replicated
	object_type in vm_restore_types
	recovery_type == "OriginalLocation"
	restores_selected_disks
	luns := concat(", ", [format_int(lun, 10) | some lun in request.restoreDiskLunList; is_number(lun)])
	detail := concat("", [object_type, " restores the disks at LUN ", luns, " of replicated VM ", source_vm_id, " in place"])
}

events contains {"scenario": "restore_unprotected", "resource": source_vm_id, "vm_id": source_vm_id, "detail": detail, "pointer": vm_pointer} if {
	replicated
	object_type in vm_restore_types
	recovery_type in {"AlternateLocation", "RestoreDisks"}
	detail := concat("", [object_type, " with recoveryType ", recovery_type, " from replicated VM ", source_vm_id, " creates ", created(recovery_type), " that Site Recovery does not replicate"])
}

created("AlternateLocation") := "a new VM"

created("RestoreDisks") := "new disks"

# A restore request changes no replicated item: nothing is disabled or re-enabled.
findings := data.asr_guard.lib.resolve(events, set(), set())
