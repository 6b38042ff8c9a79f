# METADATA
# title: The document under evaluation and the data of this run
# description: |
#   Every package reads the input document through `document`, and the replication
#   inventory and waivers through `inventory` and `waivers`, never `input` or
#   data.asr_guard.inventory directly. So the same pack evaluates:
#   - a document given as the whole input (`opa eval -i plan.json`, the embedded engine);
#   - a request that carries its own data, {"asr_guard_request": {"document", "inventory",
#     "waivers"}}: what asr-guard sends a shared OPA server, so that concurrent runs with
#     different inventories never see each other's data;
#   - the plan where a platform puts it (see policies/asr_guard/platforms/).
package asr_guard.lib

_request := input.asr_guard_request if is_object(input.asr_guard_request)

document := _request.document if {
	_request
} else := input

# The inventory data document: {"replicated_vms": [...], "replicated_disks": [...], ...}.
inventory := object.get(_request, "inventory", {}) if {
	_request
} else := data.asr_guard.inventory if {
	is_object(data.asr_guard.inventory)
} else := {}

# The waivers data document: {"today", "entries": [...]}.
waivers := object.get(_request, "waivers", {}) if {
	_request
} else := data.asr_guard.waivers if {
	is_object(data.asr_guard.waivers)
} else := {}
