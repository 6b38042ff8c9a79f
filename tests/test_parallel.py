"""Many inputs at once: on all cores, with the same results as one by one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import (
    EXAMPLES,
    FIXTURES,
    INVENTORY,
    REPLACED_PLAN,
    SAFE_PLAN,
    reported,
    too_deep_for_the_engine,
)
from validator.check import MIN_PARALLEL_BYTES, jobs_for
from validator.cli import main
from validator.errors import InputError
from validator.files import Candidate
from validator.kinds import RunContext
from validator.parallel import Reread, evaluate, load
from validator.policy import PolicyData, load_pack

ARGS = [
    str(FIXTURES / "terraform"),
    str(FIXTURES / "restore"),
    str(FIXTURES / "whatif"),
    str(EXAMPLES / "terraform"),
    str(EXAMPLES / "restore"),
    str(EXAMPLES / "whatif"),
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
    too_deep_for_the_engine(SAFE_PLAN, tmp_path / "a.plan.json")
    (tmp_path / "b.plan.json").write_text(SAFE_PLAN.read_text())
    assert main(["check", str(tmp_path), "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"asr-guard: error: {tmp_path / 'a.plan.json'}: nested deeper than 128 levels: refused"
    ]


def sized(tmp_path: Path, name: str, size: int) -> Candidate:
    path = tmp_path / name
    with path.open("wb") as stream:
        stream.truncate(size)  # sparse: the size is all that is read here
    return Candidate(str(path))


def test_workers_only_when_it_pays_off(tmp_path: Path) -> None:
    small = [sized(tmp_path, f"s{i}.json", 100) for i in range(5)]
    big = [sized(tmp_path, f"b{i}.json", MIN_PARALLEL_BYTES) for i in range(2)]
    half = [sized(tmp_path, f"h{i}.json", MIN_PARALLEL_BYTES // 4) for i in range(2)]
    assert jobs_for(small) == 1
    assert jobs_for(big[:1]) == 1
    assert jobs_for(half) == 1
    assert jobs_for(big) == min(2, os.cpu_count() or 1)
    assert jobs_for([*big, Candidate("-")]) == 1  # standard input is read by this process
    assert jobs_for([*big, Candidate("-")], 2) == 1
    assert jobs_for(small, 2) == 2
    assert jobs_for([*big, Candidate(str(tmp_path / "missing.json"))]) == 1


def test_the_first_bad_file_in_order_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = SAFE_PLAN.read_text()
    (tmp_path / "a.plan.json").write_text(good)
    (tmp_path / "b.plan.json").write_text(good[:-40])
    (tmp_path / "c.plan.json").write_text("{")
    assert main(["check", str(tmp_path), "--jobs", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"asr-guard: error: {tmp_path / 'b.plan.json'}:")


def test_a_plan_that_changes_after_its_check_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(SAFE_PLAN.read_text())
    item = load(Candidate(str(path)), 10**9, RunContext())
    assert isinstance(item, Reread) and item.digest and not item.document.text
    data = PolicyData(load_pack().matrix)
    assert evaluate(item, 10**9, data).kind == "terraform-plan"
    path.write_text(path.read_text().replace("1.9.8", "1.9.9"))
    with pytest.raises(InputError) as raised:
        evaluate(item, 10**9, data)
    assert raised.value.args == (str(path), "changed while it was being checked", None)


def test_standard_input_among_the_inputs_is_read_by_this_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker cannot read this process's standard input: with "-", one process does it all."""
    import io
    import sys

    replaced = REPLACED_PLAN
    other = SAFE_PLAN
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(replaced.read_bytes())))
    assert main(["check", "-", str(other), "--jobs", "2", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [i["path"] for i in report["inputs"]] == ["-", reported(other)]
    assert [f["rule_id"] for f in report["findings"]] == ["ASR004"]
