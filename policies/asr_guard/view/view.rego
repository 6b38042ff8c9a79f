# METADATA
# title: The Azure change view
# description: |
#   One shape for what a Terraform plan, an ARM what-if result or an ARM template changes
#   (schemas/change-view.schema.json, documented in policies/README.md): resources (VMs,
#   managed disks, data-disk attachments, replicated items, storage accounts, NICs, VM
#   extensions), each with its action, before and after as far as known, what is unknown,
#   a JSON pointer back into the input and a label; and what is replicated now, from the
#   input and the inventory. Each input-kind package only maps its input into this shape;
#   the scenario rules (package asr_guard.rules) are written once, over it.
# related_resources:
#   - ref: https://www.openpolicyagent.org/docs/policy-language
#     description: OPA policy language
package asr_guard.view

_kind := data.asr_guard.main.kind

# METADATA
# title: Current
# description: >-
#   The whole view of the document under evaluation (what `asr-guard view` prints); undefined
#   for inputs that are not changes. The rules read its parts below, each on its own, so that
#   a part no rule needs is not computed.
# scope: document
current := data.asr_guard.terraform.view if _kind == "terraform-plan"

current := data.asr_guard.whatif.view if _kind == "arm-whatif"

current := data.asr_guard.arm.view if _kind == "arm-template"

# METADATA
# title: Changes
# description: >-
#   The resources the input creates, updates, deletes, replaces, forgets or deploys.
# scope: document
changes := data.asr_guard.terraform.changes if _kind == "terraform-plan"

changes := data.asr_guard.whatif.changes if _kind == "arm-whatif"

changes := data.asr_guard.arm.changes if _kind == "arm-template"

# METADATA
# title: Linked
# description: >-
#   The resources the changes point at (that do not change themselves).
# scope: document
linked := data.asr_guard.terraform.linked if _kind == "terraform-plan"

linked := data.asr_guard.whatif.linked if _kind == "arm-whatif"

linked := data.asr_guard.arm.linked if _kind == "arm-template"

# METADATA
# title: Undecided
# description: >-
#   What the input leaves unknown on a path the rules read: [{"label", "pointer", "reason"}].
# scope: document
undecided := data.asr_guard.terraform.undecided if _kind == "terraform-plan"

undecided := data.asr_guard.whatif.undecided if _kind == "arm-whatif"

undecided := data.asr_guard.arm.undecided if _kind == "arm-template"

# METADATA
# title: By key
# description: >-
#   Entries by key (a key may name more than one entry: an ARM template may declare one
#   resource twice, in nested deployments or under conditions).
# scope: document
by_key[e.key] contains e if some e in changes

by_key[e.key] contains e if some e in linked

# METADATA
# title: Targets
# description: >-
#   The entries a link points at.
targets(link) := [e | some key in link.keys; some e in by_key[key]]

# --- what is replicated: from the input and the inventory ------------------------------------

# METADATA
# title: Replicated VM ids
# description: >-
#   Canonical ids of the VMs the input itself shows replicated (their replicated items as they are before the change).
replicated_vm_ids := _ids(input_vm_ids) | data.asr_guard.lib.inventory_vm_ids

# VMs the input itself shows replicated (its replicated items, as they are before it).

# METADATA
# title: Input VM ids
# description: >-
#   The VMs the input itself shows replicated, from the input-kind package of the document.
# scope: document
input_vm_ids := data.asr_guard.terraform.replicated_vm_ids if _kind == "terraform-plan"

input_vm_ids := data.asr_guard.whatif.replicated_vm_ids if _kind == "arm-whatif"

input_vm_ids := data.asr_guard.arm.replicated_vm_ids if _kind == "arm-template"

# METADATA
# title: Protected disk ids
# description: >-
#   Disks protected now.
protected_disk_ids := _ids(_input_disk_ids) | data.asr_guard.lib.inventory_disk_ids

_input_disk_ids := data.asr_guard.terraform.protected_disk_ids if _kind == "terraform-plan"

_input_disk_ids := data.asr_guard.whatif.protected_disk_ids if _kind == "arm-whatif"

_input_disk_ids := data.asr_guard.arm.protected_disk_ids if _kind == "arm-template"

# METADATA
# title: Enabled disk ids
# description: >-
#   Disks protected once the change is applied: those protected now and those the change adds
#   to a replicated item.
enabled_disk_ids := _ids(_input_enabled_disk_ids) | protected_disk_ids

_input_enabled_disk_ids := data.asr_guard.terraform.enabled_disk_ids if _kind == "terraform-plan"

_input_enabled_disk_ids := data.asr_guard.whatif.enabled_disk_ids if _kind == "arm-whatif"

_input_enabled_disk_ids := data.asr_guard.arm.enabled_disk_ids if _kind == "arm-template"

# METADATA
# title: Protected disk keys
# description: >-
#   Disks the input's replicated items link to by reference (their ids may be known only later).
# scope: document
protected_disk_keys := _ids(data.asr_guard.terraform.protected_disk_keys) if _kind == "terraform-plan"

protected_disk_keys := _ids(data.asr_guard.whatif.protected_disk_keys) if _kind == "arm-whatif"

protected_disk_keys := _ids(data.asr_guard.arm.protected_disk_keys) if _kind == "arm-template"

# METADATA
# title: Cache account ids
# description: >-
#   Cache (staging) storage accounts of replicated items.
cache_account_ids := _ids(_input_cache_account_ids) | data.asr_guard.lib.inventory_cache_account_ids

_input_cache_account_ids := data.asr_guard.terraform.cache_account_ids if _kind == "terraform-plan"

_input_cache_account_ids := data.asr_guard.whatif.cache_account_ids if _kind == "arm-whatif"

_input_cache_account_ids := data.asr_guard.arm.cache_account_ids if _kind == "arm-template"

# METADATA
# title: Cache account keys
# description: >-
#   Keys of view entries for cache storage accounts that replicated items link to by reference.
# scope: document
cache_account_keys := _ids(data.asr_guard.terraform.cache_account_keys) if _kind == "terraform-plan"

cache_account_keys := _ids(data.asr_guard.whatif.cache_account_keys) if _kind == "arm-whatif"

cache_account_keys := _ids(data.asr_guard.arm.cache_account_keys) if _kind == "arm-template"

# METADATA
# title: Auto protect VM ids
# description: >-
#   VMs whose replicated item protects new data disks itself (autoProtectionOfDataDisk).
auto_protect_vm_ids := _ids(_input_auto_protect_vm_ids) | data.asr_guard.lib.inventory_auto_protect_vm_ids

_input_auto_protect_vm_ids := data.asr_guard.terraform.auto_protect_vm_ids if _kind == "terraform-plan"

_input_auto_protect_vm_ids := data.asr_guard.whatif.auto_protect_vm_ids if _kind == "arm-whatif"

_input_auto_protect_vm_ids := data.asr_guard.arm.auto_protect_vm_ids if _kind == "arm-template"

# The ids of a kind's rule as a set (kept as it is when it is one: a plan names thousands).
_ids(xs) := xs if {
	is_set(xs)
} else := ids if {
	ids := {x | some x in xs}
}
