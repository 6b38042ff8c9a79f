"""Many inputs at once: on all cores, with the same results as one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, INVENTORY
from validator.cli import main
from validator.inputs import InputDocument
from validator.parallel import MIN_PARALLEL_BYTES, auto_jobs

ARGS = [
    str(FIXTURES / "terraform"),
    str(FIXTURES / "restore"),
    str(FIXTURES / "whatif"),
    "--inventory", str(INVENTORY / "replicated-vms.yaml"),
    "--waivers", str(FIXTURES / "waivers.yaml"),
    "--today", "2026-11-24",
    "--tf-dir", str(FIXTURES / "tfconfig"),
]  # fmt: skip


def test_workers_give_the_same_report_as_one_by_one(tmp_path: Path) -> None:
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    assert main(["check", *ARGS, "--jobs", "1", "--format", "json", "--output", str(one)]) == 1
    assert main(["check", *ARGS, "--jobs", "2", "--format", "json", "--output", str(many)]) == 1
    assert one.read_bytes() == many.read_bytes()
    assert len(json.loads(one.read_text())["inputs"]) > 20


def test_an_error_in_a_worker_fails_the_run_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = json.loads((FIXTURES / "terraform" / "vm-tags-updated.plan.json").read_text())
    plan["deep"] = json.loads("[" * 200 + "]" * 200)
    (tmp_path / "a.plan.json").write_text(json.dumps(plan))
    (tmp_path / "b.plan.json").write_text(
        (FIXTURES / "terraform" / "vm-tags-updated.plan.json").read_text()
    )
    assert main(["check", str(tmp_path), "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"asr-guard: error: {tmp_path / 'a.plan.json'}: nested deeper than 128 levels: refused"
    ]


def document(size: int) -> InputDocument:
    return InputDocument("p", "terraform-plan", "x" * size, None)


def test_workers_only_when_it_pays_off() -> None:
    assert auto_jobs([document(100)] * 5) == 1
    assert auto_jobs([document(MIN_PARALLEL_BYTES)]) == 1
    assert auto_jobs([document(MIN_PARALLEL_BYTES // 2)] * 2) >= 1
    assert auto_jobs([document(MIN_PARALLEL_BYTES)] * 2) == min(
        2, __import__("os").cpu_count() or 1
    )
