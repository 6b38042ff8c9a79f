"""Same input, byte-identical report: reports can be diffed in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, INVENTORY
from validator.cli import main

SCOPE = "/subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu"
ARGS = [
    str(FIXTURES / "terraform"),
    str(FIXTURES / "restore"),
    str(FIXTURES / "whatif"),
    str(EXAMPLES / "terraform"),
    str(EXAMPLES / "restore"),
    str(EXAMPLES / "whatif"),
    str(FIXTURES / "arm" / "module-disks-from-snapshots.json"),
    "--inventory", str(INVENTORY / "replicated-vms.yaml"),
    "--scope", SCOPE,
    "--tf-dir", str(FIXTURES / "tfconfig"),
    "--waivers", str(FIXTURES / "waivers.yaml"),
    "--today", "2026-11-24",
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit", "github", "azure", "markdown"])
def test_report_is_byte_identical_across_runs(fmt: str, tmp_path: Path) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    for target in (first, second):
        main(["check", *ARGS, "--format", fmt, "--output", str(target)])
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_size > 200


def test_order_of_arguments_does_not_change_findings(tmp_path: Path) -> None:
    forward, backward = tmp_path / "f.json", tmp_path / "b.json"
    plans = sorted(str(p) for p in (FIXTURES / "terraform").glob("*.plan.json"))
    main(["check", *plans, "--format", "json", "--output", str(forward)])
    main(["check", *reversed(plans), "--format", "json", "--output", str(backward)])
    import json

    def findings(path: Path) -> list[str]:
        return sorted(
            json.dumps(f, sort_keys=True) for f in json.loads(path.read_text())["findings"]
        )

    assert findings(forward) == findings(backward)
