"""The `opa` binary as the engine (`--engine opa` without --opa-url): the embedded engine's
decisions on every fixture.

It runs against the real binary where one is on PATH, and everywhere against the stand-in of
tests/opa_cli_standin.py: the same command line, decisions of the real OPA engine.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import (
    INVENTORY,
    MODULE_PLAN,
    ROOT,
    SAFE_PLAN,
    TERRAFORM,
    all_expectations,
    case_options,
)
from validator.check import Checker, Options
from validator.cli import main
from validator.engines import embedded
from validator.engines.opa_binary import OpaBinaryEngine
from validator.files import Candidate
from validator.inputs import load_input
from validator.inventory import inventory_data
from validator.policy import PolicyData, load_pack

PLAN = MODULE_PLAN
REPLICATED = INVENTORY / "replicated-vms.yaml"


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with an executable `opa`: the stand-in."""
    directory = tmp_path_factory.mktemp("bin")
    opa = directory / ("opa.bat" if os.name == "nt" else "opa")
    script = ROOT / "tests" / "opa_cli_standin.py"
    opa.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n')
    opa.chmod(opa.stat().st_mode | stat.S_IXUSR)
    return directory


def _binaries(standin: Path) -> list[str]:
    real = shutil.which("opa")
    return [str(standin / "opa"), *([real] if real else [])]


def _report(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main([*args, "--format", "json"])
    captured = capsys.readouterr()
    assert captured.err == "", captured.err
    report = json.loads(captured.out)
    report.pop("engine")
    return code, report


@dataclass(frozen=True)
class Group:
    """Fixture and example cases that share a command line (options, inventories) and an
    exit code: checked in one run, their inputs going to one short-lived OPA server (a
    server per input cost the suite minutes: each prepares the pack again)."""

    options: tuple[str, ...]
    exit: int
    files: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join([*self.options, f"exit-{self.exit}"]).replace(str(ROOT) + os.sep, "")


def _groups() -> list[Group]:
    groups: dict[tuple[tuple[str, ...], int], Group] = {}
    for _, case in sorted(all_expectations().items()):
        options = tuple(case_options(case))
        group = groups.setdefault((options, case["exit"]), Group(options, case["exit"]))
        group.files.append(str(case["file"]))
    return sorted(groups.values(), key=lambda g: g.name)


GROUPS = _groups()


@pytest.mark.parametrize("group", GROUPS, ids=[group.name for group in GROUPS])
def test_fixtures_decided_as_by_the_embedded_engine(
    group: Group, standin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", *group.files, *group.options]
    expected = _report([*args, "--engine", "embedded"], capsys)
    assert expected[0] == group.exit
    inputs = expected[1]["inputs"]
    assert isinstance(inputs, list) and len(inputs) == len(group.files)
    for opa in _binaries(standin):
        assert _report([*args, "--engine", "opa", "--opa-path", opa], capsys) == expected, opa


def test_every_case_is_in_one_group() -> None:
    cases = sorted(str(case["file"]) for case in all_expectations().values())
    assert sorted(file for group in GROUPS for file in group.files) == cases
    assert len(GROUPS) > 10


def test_auto_falls_back_to_the_binary_on_path(
    standin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(embedded, "regorus", None)
    monkeypatch.setenv("PATH", str(standin))
    monkeypatch.delenv("ASR_GUARD_OPA_URL", raising=False)
    assert main(["check", str(PLAN), "--inventory", str(REPLICATED), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "opa"
    assert [f["rule_id"] for f in report["findings"]] == ["ASR002"]


def test_auto_prefers_the_embedded_engine(
    standin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(standin) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.delenv("ASR_GUARD_OPA_URL", raising=False)
    assert main(["check", str(PLAN), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == "embedded"


def test_a_missing_binary_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-opa-here"
    assert main(["check", str(PLAN), "--engine", "opa", "--opa-path", str(missing)]) == 2
    assert "--opa-path" in capsys.readouterr().err


def test_a_program_that_is_not_opa_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    impostor = tmp_path / "opa"
    impostor.write_text("#!/bin/sh\necho hello\n")
    impostor.chmod(0o755)
    assert main(["check", str(PLAN), "--engine", "opa", "--opa-path", str(impostor)]) == 2
    assert "is it OPA?" in capsys.readouterr().err


def test_an_evaluation_error_is_one_line(
    standin: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A binary that answers `version` but fails to evaluate: OPA's own error, on one line.
    failing = tmp_path / "opa"
    failing.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = version ]; then echo "Version: 1.2.0"; exit 0; fi\n'
        'echo \'{"errors": [{"message": "rego_parse_error: unexpected token\\nmore"}]}\'\n'
        "exit 1\n"
    )
    failing.chmod(0o755)
    assert main(["check", str(PLAN), "--engine", "opa", "--opa-path", str(failing)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "rego_parse_error: unexpected token" in error


def test_a_binary_that_hangs_is_stopped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    slow = tmp_path / "opa"
    slow.write_text(
        '#!/bin/sh\nif [ "$1" = version ]; then echo "Version: 1.2.0"; exit 0; fi\nexec sleep 30\n'
    )
    slow.chmod(0o755)
    args = ["check", str(PLAN), "--engine", "opa", "--opa-path", str(slow), "--opa-timeout", "1"]
    assert main(args) == 2
    assert capsys.readouterr().err.rstrip().endswith("timed out")


def test_many_inputs_go_to_a_short_lived_server(
    standin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After the first document, `opa run --server` answers; it is stopped with the run."""
    plans = sorted(TERRAFORM.glob("*.plan.json"))
    args = ["check", *map(str, plans), "--inventory", str(REPLICATED)]
    expected = _report([*args, "--engine", "embedded"], capsys)
    for opa in _binaries(standin):
        assert _report([*args, "--engine", "opa", "--opa-path", opa], capsys) == expected, opa


def test_the_server_is_stopped_when_the_run_ends(standin: Path) -> None:
    pack = load_pack()
    data = PolicyData(pack.matrix, inventory_data([str(REPLICATED)]))
    engine = OpaBinaryEngine(str(standin / "opa"), pack, data, timeout=60)
    document = load_input(Candidate(str(PLAN)))
    assert document is not None
    try:
        first, second = engine.evaluate(document), engine.evaluate(document)
        process = engine._process
        assert process is not None and process.poll() is None  # the second came from the server
    finally:
        engine.close()
    assert first == second
    assert process.poll() is not None


def test_a_run_stops_the_server_it_started_though_the_checker_stays_open(standin: Path) -> None:
    """The command never closes its checker (cli.entry): the run itself stops the server."""
    options = Options(
        paths=[str(PLAN), str(SAFE_PLAN)], engine="opa", opa_path=str(standin / "opa")
    )
    checker = Checker(options)
    assert checker.run().passed
    engine = checker._engine
    assert isinstance(engine, OpaBinaryEngine)
    process = engine._process
    assert process is not None  # the second document was asked of the server
    assert process.poll() is not None
    checker.close()
