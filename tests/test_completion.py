"""Shell completion (issue 11, "Configured once"): `asr-guard completion bash|zsh|fish`, a
script generated from the command line's parser, run here in bash as bash completes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from validator import report
from validator.cli import _parser, main

BASH = shutil.which("bash")


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def complete(text: str, words: list[str], cwd: Path) -> list[str]:
    """What the completion function offers for `words` (the last one being completed)."""
    assert BASH is not None
    quoted = " ".join("'" + word.replace("'", "'\\''") + "'" for word in words)
    program = (
        f"{text}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _asr_guard\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", program],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def bash_script(capsys: pytest.CaptureFixture[str]) -> str:
    if BASH is None:
        pytest.skip("bash is not installed")
    return script("bash", capsys)


def test_the_bash_script_is_valid_bash(bash_script: str, tmp_path: Path) -> None:
    target = tmp_path / "asr-guard.bash"
    target.write_text(bash_script)
    assert BASH is not None
    subprocess.run([BASH, "-n", str(target)], check=True)


def test_bash_completes_commands_options_and_choices(bash_script: str, tmp_path: Path) -> None:
    assert complete(bash_script, ["asr-guard", "check", "--fo"], tmp_path) == ["--format"]
    formats = complete(bash_script, ["asr-guard", "check", "--format", ""], tmp_path)
    assert formats == sorted(report.FORMATS)
    assert complete(bash_script, ["asr-guard", "check", "--format", "sa"], tmp_path) == ["sarif"]
    assert complete(bash_script, ["asr-guard", "ch"], tmp_path) == ["check"]
    assert "completion" in complete(bash_script, ["asr-guard", ""], tmp_path)
    assert complete(bash_script, ["asr-guard", "--vers"], tmp_path) == ["--version"]
    shells = complete(bash_script, ["asr-guard", "completion", ""], tmp_path)
    assert shells == ["bash", "zsh", "fish"]
    fail_on = complete(bash_script, ["asr-guard", "check", "--fail-on", ""], tmp_path)
    assert fail_on == ["deny", "undecided", "warn"]
    # After an option's value, options again; the option being typed is the last word.
    after = complete(bash_script, ["asr-guard", "check", "--format", "json", "--ski"], tmp_path)
    assert after == ["--skip-rule", "--skip-unsupported"]


def test_bash_completes_rule_ids_and_never_offers_to_skip_asr020(
    bash_script: str, tmp_path: Path
) -> None:
    rules = complete(bash_script, ["asr-guard", "check", "--rule", "ASR02"], tmp_path)
    assert rules[0] == "ASR020" and "ASR021" in rules
    skips = complete(bash_script, ["asr-guard", "check", "--skip-rule", "ASR02"], tmp_path)
    assert "ASR020" not in skips and "ASR021" in skips
    assert "ASR002" in complete(bash_script, ["asr-guard", "rules", "--explain", ""], tmp_path)


def test_bash_completes_file_names_with_spaces_as_one_word(
    bash_script: str, tmp_path: Path
) -> None:
    (tmp_path / "my plan.json").write_text("{}")
    (tmp_path / "infra").mkdir()
    assert complete(bash_script, ["asr-guard", "check", "my"], tmp_path) == ["my plan.json"]
    inventory = complete(bash_script, ["asr-guard", "check", "--inventory", "my"], tmp_path)
    assert inventory == ["my plan.json"]
    assert complete(bash_script, ["asr-guard", "check", "--tf-dir", ""], tmp_path) == ["infra"]
    assert complete(bash_script, ["asr-guard", "verify", ""], tmp_path) == []  # no arguments


def test_every_command_and_option_of_check_is_in_every_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    check = subparsers.choices["check"]  # type: ignore[index]
    options = [name for action in check._actions for name in action.option_strings]
    for shell in ("bash", "zsh", "fish"):
        text = script(shell, capsys)
        for command in subparsers.choices:  # type: ignore[union-attr]
            assert command in text, (shell, command)
        for option in options:
            name = option if shell != "fish" else option.lstrip("-")
            assert name in text, (shell, option)
    fish = script("fish", capsys)
    assert "-l format -x -a 'azure github json junit markdown sarif text'" in fish


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])])
def test_the_zsh_and_fish_scripts_parse(
    shell: str, check: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which(check[0]) is None:
        pytest.skip(f"{check[0]} is not installed")
    target = tmp_path / f"asr-guard.{shell}"
    target.write_text(script(shell, capsys))
    subprocess.run([*check, str(target)], check=True)


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["completion", "powershell"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
