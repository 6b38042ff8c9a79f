"""The examples are tested: each file runs in a case of examples/expected.yaml (which
test_gate.py checks on both engines), and each `asr-guard check examples/...` command of
the README exits as the README's readers are told."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, INVENTORY, ROOT, all_expectations
from validator.cli import main

# Each README command, as written there (lines joined), and its exit code.
README_COMMANDS = {
    "asr-guard check examples/terraform/attach-restored-disk.plan.json"
    " --inventory examples/inventory/replicated-vms.yaml": 1,
    "asr-guard check examples/whatif/attach-restored-disk.whatif.json": 1,
    "asr-guard check examples/arm/attach-restored-disk.json"
    " --parameters examples/arm/attach-restored-disk.parameters.json"
    " --scope /subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg-app-weu"
    " --inventory examples/inventory/replicated-vms.yaml": 1,
    "asr-guard check examples/restore/ --inventory examples/inventory/protected-items.json": 1,
}


def readme_commands() -> set[str]:
    """Every `asr-guard check examples/...` command in the README's code blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = set()
    for block in re.findall(r"```(?:sh|console)?\n(.*?)```", text, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            start = line.find("asr-guard check examples/")
            if start >= 0:
                found.add(" ".join(line[start:].split()))
    return found


def test_the_readme_commands_are_the_ones_tested() -> None:
    assert readme_commands() == set(README_COMMANDS)


@pytest.mark.parametrize("command", sorted(README_COMMANDS))
def test_readme_command(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(shlex.split(command)[1:])
    out = capsys.readouterr()
    assert code == README_COMMANDS[command], out.out + out.err


def test_every_example_runs_in_a_case() -> None:
    used: set[Path] = set()
    for name, case in all_expectations().items():
        if name.startswith("examples/"):
            used.add(case["file"])
            used.update(INVENTORY / inventory for inventory in case["inventory"])
            used.update(Path(arg) for arg in case["args"] if arg.startswith(str(EXAMPLES)))
    files = {path for path in EXAMPLES.rglob("*") if path.is_file()}
    assert files - used == {EXAMPLES / "expected.yaml"}
