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
