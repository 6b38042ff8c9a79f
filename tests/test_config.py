"""Configured once: a config file found upward, ASR_GUARD_* variables, --soft-fail, --quiet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import INVENTORY, MODULE_PLAN
from validator import cli
from validator.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with its inventory in dr/ and a plan in infra/, run from infra/."""
    (tmp_path / "dr").mkdir()
    shutil.copy(INVENTORY / "replicated-vms.yaml", tmp_path / "dr" / "vms.yaml")
    (tmp_path / "infra").mkdir()
    shutil.copy(MODULE_PLAN, tmp_path / "infra" / "plan.json")
    monkeypatch.chdir(tmp_path / "infra")
    for variable in ("ASR_GUARD_INVENTORY", "ASR_GUARD_FAIL_ON", "ASR_GUARD_SOFT_FAIL"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def test_a_yaml_config_above_the_working_directory_names_the_inventory(project: Path) -> None:
    assert main(["check", "plan.json", "--require-inventory"]) == 2  # no inventory: refused
    (project / ".asr-guard.yaml").write_text("inventory: [dr/vms.yaml]\nrequire-inventory: true\n")
    assert main(["check", "plan.json"]) == 1  # its files are relative to the config file


def test_pyproject_table(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.asr-guard]\ninventory = ["dr/vms.yaml"]\n')
    assert main(["check", "plan.json"]) == 1


def test_the_environment_overrides_the_file_and_the_command_line_both(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".asr-guard.yaml").write_text("inventory: [dr/vms.yaml]\nsoft-fail: true\n")
    assert main(["check", "plan.json"]) == 0  # soft fail: the denial is reported, exit 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("FAILED")
    monkeypatch.setenv("ASR_GUARD_SOFT_FAIL", "false")
    assert main(["check", "plan.json"]) == 1
    capsys.readouterr()
    monkeypatch.setenv("ASR_GUARD_INVENTORY", str(project / "dr" / "vms.yaml"))
    assert main(["check", "plan.json", "--soft-fail", "--quiet"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1  # --quiet: the summary line


def test_soft_fail_never_hides_exit_2(project: Path) -> None:
    (project / "bad.json").write_text("{")
    assert main(["check", "../bad.json", "--soft-fail"]) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("inventry: [x]\n", "unknown option 'inventry'"),
        ("fail-on: sometimes\n", "--fail-on: 'sometimes' is not one of deny, undecided, warn"),
        ("inventory: 3\n", "--inventory: a list of strings"),
        ("- a\n", "not a mapping"),
    ],
)
def test_a_bad_config_is_exit_2_naming_the_file(
    project: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".asr-guard.yaml").write_text(text)
    assert main(["check", "plan.json"]) == 2
    error = capsys.readouterr().err
    assert str(project / ".asr-guard.yaml") in error and message in error


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "asr-guard check plan.json --inventory dr/replicated-vms.yaml" in capsys.readouterr().out


def test_every_settable_option_can_be_set(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each option the config may name is an option of check, and its value converts."""
    from validator import cli, config

    values = {"fail_on": "warn", "engine": "embedded", "color": "never", "jobs": "1",
              "max_bytes": "1000000", "opa_timeout": "5", "require_inventory": "false",
              "soft_fail": "true", "quiet": "true", "skip_unsupported": "true",
              "scope": "/subscriptions/s/resourceGroups/rg", "opa_url": "http://127.0.0.1:9"}  # fmt: skip
    for dest in config.SETTABLE:
        monkeypatch.setenv(f"ASR_GUARD_{dest.upper()}", values.get(dest, "x"))
    args = cli._parser(configured=True).parse_args(["check", "plan.json"])
    assert args.fail_on == "warn" and args.jobs == 1 and args.soft_fail is True
    assert args.inventory == ["x"] and args.tf_dir == "x" and args.opa_timeout == 5.0


def test_formats_and_outputs_from_the_config_file_and_the_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ASR_GUARD_FORMAT", raising=False)
    (project / "out").mkdir()
    (project / ".asr-guard.yaml").write_text(
        "inventory: [dr/vms.yaml]\nformat: [text, sarif=out/results.sarif, junit=out/r.xml]\n"
    )
    assert main(["check", "plan.json"]) == 1
    assert capsys.readouterr().out.splitlines()[-1].endswith("FAILED")  # text to stdout
    sarif = json.loads((project / "out" / "results.sarif").read_text())  # beside the config
    assert sarif["runs"][0]["results"][0]["ruleId"] == "ASR002"
    assert (project / "out" / "r.xml").read_text().startswith("<?xml")
    # The command line replaces the configured reports: only its JSON, on stdout.
    (project / "out" / "results.sarif").unlink()
    assert main(["check", "plan.json", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["verdict"] == "failed"
    assert not (project / "out" / "results.sarif").exists()
    # The environment over the file; its files relative to the working directory.
    monkeypatch.setenv("ASR_GUARD_FORMAT", "markdown=summary.md json")
    assert main(["check", "plan.json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["deny"] == 1
    assert (project / "infra" / "summary.md").read_text().startswith("<!-- asr-guard-report")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format: [pdf]\n", "--format: 'pdf' is not one of"),
        ("format: [sarif=]\n", "names no file after '='"),
        ("format: []\n", "a list of NAME or NAME=FILE"),
        ("format: [text, json]\n", "only one --format can write to standard output"),
    ],
)
def test_bad_configured_formats_are_exit_2(
    project: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".asr-guard.yaml").write_text(text)
    assert main(["check", "plan.json"]) == 2
    error = capsys.readouterr().err.splitlines()
    assert len(error) == 1 and message in error[0]


def test_check_built_alone_parses_and_speaks_as_with_every_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run of check builds its parser alone (cli._parser(only_check=True)): the commands
    it names, its usage, help and errors are those of the whole parser."""
    full = cli._parser()
    commands = next(a for a in full._actions if a.dest == "command")
    assert tuple(commands.choices) == cli.COMMANDS  # type: ignore[arg-type]
    monkeypatch.setenv("COLUMNS", "100")
    for argv in (
        ["check", "--help"],
        ["check", "--bogus", "plan.json"],
        ["check", "--format", "nope", "plan.json"],
        ["check", "--fail-on"],
    ):
        said = []
        for parser in (full, cli._parser(only_check=True)):
            with pytest.raises(SystemExit) as exit_:
                parser.parse_args(argv)
            said.append((exit_.value.code, capsys.readouterr()))
        assert said[0] == said[1], argv
    alone = cli._parser(only_check=True).parse_args(["check", "plan.json", "--fail-on", "warn"])
    every = full.parse_args(["check", "plan.json", "--fail-on", "warn"])
    assert vars(alone) == vars(every)
