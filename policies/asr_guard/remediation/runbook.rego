package asr_guard.remediation

# The strategies that run around the change (runbooks) and the fix by hand.
_runbook_strategies := {
	"runbook-around-change": {
		"title": concat(" ", [
			"Disable replication cleanly, apply the change, enable replication again with the VM's disks as they are",
			"now",
		]),
		"input": "any",
		"preconditions": [
			concat(" ", [
				"az: Azure CLI with the site-recovery extension (az extension add --name site-recovery) and jq; or",
				"PowerShell with Az.RecoveryServices",
			]),
			"The replicated item is found by its VM id (Azure Resource Graph).",
		],
		"steps": [
			{
				"kind": "command",
				"op": "find_item",
				"text": "Find the VM's replicated item (Resource Graph) and record it, with the VM's disks.",
			},
			{
				"kind": "command",
				"op": "disable",
				"text": concat(" ", [
					"Disable replication: a clean disable (protected-item remove), never the purge (protected-item",
					"delete).",
				]),
			},
			{
				"kind": "wait",
				"op": "run_change",
				"text": "Apply the change asr-guard checked (your deployment or terraform apply), then continue.",
			},
			{"kind": "command", "op": "record_vm_disks", "text": "Read the VM's disks as they are now."},
			{
				"kind": "command",
				"op": "enable",
				"text": "Enable replication again with the recorded settings and the VM's current disks.",
			},
			{"kind": "wait", "op": "wait_protected", "text": "Wait until the new item is Protected."},
			{
				"kind": "recheck",
				"op": "verify_item",
				"text": concat(" ", [
					"Check the new item: its VM is the VM, it protects every disk the VM has; set again the settings",
					"enable does not carry.",
				]),
			},
		],
		"model": [],
		"risks": ["rpo-gap", "recovery-points-lost", "settings-not-carried"],
	},
	"runbook-disable-first": {
		"title": "Disable replication cleanly, then delete the VM",
		"input": "any",
		"preconditions": [
			concat(" ", [
				"az: Azure CLI with the site-recovery extension (az extension add --name site-recovery) and jq; or",
				"PowerShell with Az.RecoveryServices",
			]),
			"The replicated item is found by its VM id (Azure Resource Graph).",
		],
		"steps": [
			{
				"kind": "command",
				"op": "find_item",
				"text": "Find the VM's replicated item (Resource Graph) and record it.",
			},
			{
				"kind": "command",
				"op": "disable",
				"text": concat(" ", [
					"Disable replication: a clean disable (protected-item remove), never the purge (protected-item",
					"delete).",
				]),
			},
			{
				"kind": "wait",
				"op": "run_change",
				"text": "Apply the change asr-guard checked (your deployment), then continue.",
			},
		],
		"model": [],
		"risks": ["recovery-points-lost"],
	},
	"runbook-around-restore": {
		"title": "Disable replication cleanly, run the restore, enable replication again with the VM's new disks",
		"input": "backup-restore-request",
		"preconditions": [
			concat(" ", [
				"az: Azure CLI with the site-recovery extension (az extension add --name site-recovery) and jq; or",
				"PowerShell with Az.RecoveryServices and Az.RecoveryServices backup cmdlets",
			]),
			concat(" ", [
				"The replicated item is found by its VM id (Azure Resource Graph); the backup vault by az backup",
				"protection check-vm.",
			]),
		],
		"steps": [
			{
				"kind": "command",
				"op": "find_item",
				"text": "Find the VM's replicated item (Resource Graph) and record it, with the VM's disks.",
			},
			{
				"kind": "command",
				"op": "disable",
				"text": concat(" ", [
					"Disable replication: a clean disable (protected-item remove), never the purge (protected-item",
					"delete).",
				]),
			},
			{
				"kind": "command",
				"op": "restore",
				"text": concat(" ", [
					"Run the restore asr-guard checked (Replace existing: restore-mode OriginalLocation) and wait for",
					"its job.",
				]),
			},
			{
				"kind": "command",
				"op": "record_vm_disks",
				"text": "Read the VM's disks as they are now (the restore gave it new ones).",
			},
			{
				"kind": "command",
				"op": "enable",
				"text": "Enable replication again with the recorded settings and the VM's current disks.",
			},
			{"kind": "wait", "op": "wait_protected", "text": "Wait until the new item is Protected."},
			{
				"kind": "recheck",
				"op": "verify_item",
				"text": concat(" ", [
					"Check the new item: its VM is the VM, it protects every disk the VM has; set again the settings",
					"enable does not carry.",
				]),
			},
		],
		"model": [],
		"risks": ["rpo-gap", "recovery-points-lost", "new-disk-ids", "originals-kept", "settings-not-carried"],
	},
	"manual": {
		"title": "By hand: follow the workaround",
		"input": "any",
		"preconditions": [],
		"steps": [
			{"kind": "manual", "op": "workaround", "text": "Follow the finding's workaround."},
			{"kind": "recheck", "op": "check_again", "text": "Check the changed input again: the denial must be gone."},
		],
		"model": [],
		"risks": ["no-automatic-fix"],
	},
}
