"""The same real-world situation gets the same rule and verdict whichever input describes it."""

from __future__ import annotations

import pytest

from tests.conftest import all_expectations

CASES = all_expectations()

# situation -> the cases that describe it: kind/name in tests/fixtures/*/expected.yaml,
# examples/name in examples/expected.yaml
SITUATIONS = {
    "restored or copied disk put on a replicated VM": [
        "terraform/snapshot-copy-attached.plan.json",
        "examples/terraform/attach-restored-disk.plan.json+replicated-vms",
        "examples/whatif/attach-restored-disk.whatif.json",
        "examples/arm/attach-restored-disk.json",
        "examples/restore/disks-restore-in-place.yaml",
    ],
    "replicated VM deleted, replication left in place": [
        "terraform/vm-deleted-replicated.plan.json",
        "examples/whatif/delete-replicated-vm.whatif.json",
        "whatif/rest-delete-replicated-vm.whatif.json",
    ],
    "OS disk of a replicated VM swapped": [
        "terraform/os-disk-swap.plan.json",
        "whatif/os-disk-swap.whatif.json",
    ],
    "new empty data disk not in the replicated item": [
        "terraform/empty-disk-attached-unprotected.plan.json",
        "whatif/attach-empty-disk.whatif.json",
        "arm/add-empty-disk.json",
    ],
    "new data disk added to the replicated item too": [
        "terraform/empty-disk-attached-protected.plan.json",
        "whatif/attach-empty-disk-protected.whatif.json",
    ],
    # (A replicated VM and its replication removed together: through Terraform the item's delete
    # is a clean disable, through ARM a purge, ASR028: not the same situation.)
    "protected data disk taken off a replicated VM": [
        "terraform/data-disk-detached-protected.plan.json",
        "whatif/data-disk-detached-protected.whatif.json",
    ],
    "unprotected data disk taken off a replicated VM": [
        "terraform/data-disk-detached-unprotected.plan.json",
        "whatif/data-disk-detached-unprotected.whatif.json",
    ],
    "replicated disk shrunk": [
        "terraform/disk-shrunk.plan.json",
        "whatif/disk-shrunk.whatif.json",
    ],
    "replicated disk grown within 4 TiB": [
        "terraform/disk-grown.plan.json",
        "whatif/disk-grown.whatif.json",
    ],
    "encryption at host switched on for a replicated VM": [
        "terraform/encryption-at-host-on.plan.json",
        "whatif/encryption-at-host-on.whatif.json",
        "arm/encryption-at-host-on.json",
    ],
    "a replicated VM redeployed without encryption at host": [
        "terraform/encryption-at-host-unchanged.plan.json",
        "whatif/encryption-at-host-unchanged.whatif.json",
        "arm/encryption-at-host-off.json",
    ],
    "Azure Disk Encryption added to a replicated VM": [
        "terraform/disk-encryption-added.plan.json",
        "whatif/disk-encryption-added.whatif.json",
        "arm/disk-encryption-added.json",
    ],
    "another extension added to a replicated VM": [
        "terraform/monitoring-agent-added.plan.json",
        "whatif/monitoring-agent-added.whatif.json",
    ],
    "shared disk attached to a replicated VM": [
        "terraform/shared-disk-attached.plan.json",
        "arm/shared-disk-attached.json",
    ],
    "replicated VM moved to another resource group": [
        "terraform/vm-moved.plan.json",
        "whatif/vm-moved.whatif.json",
    ],
    "NIC added to a replicated VM": [
        "terraform/nic-added.plan.json",
        "whatif/nic-added.whatif.json",
    ],
    "cache storage account loses shared key access": [
        "terraform/cache-shared-key-off.plan.json",
        "whatif/cache-shared-key-off.whatif.json",
    ],
    "cache storage account keeps working": [
        "terraform/cache-tags-updated.plan.json",
        "whatif/cache-tags-updated.whatif.json",
    ],
    "change that does not touch replication": [
        "examples/terraform/safe-update.plan.json",
        "whatif/vm-tags-updated.whatif.json",
    ],
}


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_same_rule_and_verdict(situation: str) -> None:
    verdicts = {
        name: (CASES[name]["exit"], sorted({(f[0], f[1]) for f in CASES[name]["findings"]}))
        for name in SITUATIONS[situation]
    }
    assert len(set(map(str, verdicts.values()))) == 1, verdicts
