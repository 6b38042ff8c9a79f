"""Hostile and odd input: refused with a clear limit or reason, never a crash or a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import string
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import INVENTORY, REPLACED_PLAN, too_deep_for_the_engine
from validator import loading
from validator.cli import main
from validator.errors import InputError
from validator.files import Candidate
from validator.inputs import load_input

PLAN = REPLACED_PLAN
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_yaml_alias_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    levels = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    for i in range(1, 9):
        previous, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = tmp_path / "restore.yaml"
    path.write_text("\n".join(levels) + "\nobjectType: IaasVMRestoreRequest\n")
    assert main(["check", str(path)]) == 2
    assert "YAML aliases expand to more than 1000000 values" in one_line_error(capsys)


def test_aliases_within_the_bound_are_fine() -> None:
    assert loading.parse_yaml("x", "a: &a [1, 2]\nb: *a\n") == {"a": [1, 2], "b": [1, 2]}


def test_deeply_nested_json_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        '{"format_version": "1.2", "terraform_version": "1.9.8", "x": '
        + "[" * 5000
        + "]" * 5000
        + "}"
    )
    assert main(["check", str(path)]) == 2
    line = one_line_error(capsys)
    assert f"{path}:1: invalid JSON: nested too deeply: refused (past 500 levels at column" in line


def test_nesting_past_the_engine_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = too_deep_for_the_engine(PLAN, tmp_path / "plan.json")
    assert main(["check", str(path)]) == 2
    assert one_line_error(capsys).endswith("nested deeper than 128 levels: refused")


def test_size_limit_is_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = PLAN.stat().st_size
    assert main(["check", str(PLAN), "--max-bytes", str(size - 1)]) == 2
    assert f"file is {size} bytes, over the limit of {size - 1}" in one_line_error(capsys)
    assert main(["check", str(PLAN), "--max-bytes", str(size)]) == 1


def test_utf16_big_endian_and_nul_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xfe\xff" + PLAN.read_text().encode("utf-16-be"))
    assert main(["check", str(path)]) == 1
    capsys.readouterr()
    path.write_bytes(b'{"a": "\x00"}')
    assert main(["check", str(path)]) == 2
    assert "NUL" in one_line_error(capsys)


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_into_the_loader_give_a_value_or_an_input_error(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "input"
    path.write_bytes(data)
    with contextlib.suppress(InputError):
        loading.load(str(path))


@SETTINGS
@given(st.binary(max_size=2000) | st.text(alphabet=string.printable, max_size=2000).map(str.encode))
def test_any_bytes_into_the_cli_exit_0_1_or_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(data)
    assert main(["check", str(path)]) in (0, 1, 2)
    assert "Traceback" not in capsys.readouterr().err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
actions = st.lists(
    st.sampled_from(["no-op", "create", "read", "update", "delete"]), min_size=1, max_size=2
)
types = st.sampled_from(
    [
        "azurerm_linux_virtual_machine",
        "azurerm_virtual_machine",
        "azurerm_managed_disk",
        "azurerm_virtual_machine_data_disk_attachment",
        "azurerm_site_recovery_replicated_vm",
        "azurerm_virtual_machine_implicit_data_disk_from_source",
    ]
)
# What the policies read of a resource, with any JSON values.
attributes = st.sampled_from(
    [
        "id",
        "source_vm_id",
        "create_option",
        "managed_disk_id",
        "virtual_machine_id",
        "storage_os_disk",
        "storage_data_disk",
        "os_managed_disk_id",
        "managed_disk",
    ]
)
resource_values = st.none() | st.dictionaries(attributes, json_values, max_size=5)
resource_change = st.fixed_dictionaries(
    {
        "address": st.text(max_size=30),
        "type": types,
        "name": st.text(max_size=10),
        "change": st.fixed_dictionaries(
            {
                "actions": actions,
                "before": resource_values,
                "after": resource_values,
                "after_unknown": st.dictionaries(st.text(max_size=10), json_values, max_size=3),
            }
        ),
    },
    optional={"module_address": st.text(max_size=20), "index": st.integers() | st.text(max_size=5)},
)
plans = st.fixed_dictionaries(
    {
        "format_version": st.just("1.2"),
        "terraform_version": st.just("1.9.8"),
        "resource_changes": st.lists(resource_change, max_size=6),
    },
    optional={
        "configuration": json_values,
        "prior_state": json_values,
        "planned_values": json_values,
    },
)


@SETTINGS
@given(plans)
def test_plan_shaped_documents_exit_0_1_or_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plan: dict[str, object]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    code = main(["check", str(path), "--inventory", str(INVENTORY / "replicated-vms.yaml")])
    err = capsys.readouterr().err
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1


@SETTINGS
@given(json_values)
def test_any_json_value_loads_or_is_refused(tmp_path: Path, value: object) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(value))
    with contextlib.suppress(InputError):
        load_input(Candidate(str(path)))


def test_control_characters_in_messages_stay_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            {"format_version": "1.2", "terraform_version": "1", "configuration": "a\x85b\nc"}
        )
    )
    assert main(["check", str(path)]) == 2
    assert "\\x85" in one_line_error(capsys)


RESTORE = (
    "objectType: IaasVMRestoreRequest\nrecoveryType: OriginalLocation\n"
    "sourceResourceId: /subscriptions/6f1c3c4e-6a1b-4a35-9d2e-1c9b2c1e7a10/resourceGroups/rg"
    "/providers/Microsoft.Compute/virtualMachines/vm\nrecoveryPointId: '1'\n"
)
PLAN_HEAD = '{"format_version": "1.2", "terraform_version": "1.9.8", '


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Red-team case dos/fifo: a FIFO with no writer blocked for ever."""
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    assert main(["check", str(fifo)]) == 2
    assert one_line_error(capsys) == (
        f"asr-guard: error: {fifo}: is a FIFO, not a regular file: refused "
        "(use - for standard input)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Red-team case dos/dev-zero: stat says 0 bytes, the read never ended (MemoryError)."""
    assert main(["check", "/dev/zero", "--max-bytes", "1000"]) == 2
    assert "/dev/zero: is a character device, not a regular file: refused" in one_line_error(capsys)


def test_a_read_stops_at_the_limit_whatever_the_size_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is read is bounded by --max-bytes itself: a file that grows after stat (or a
    size stat does not know) gives at most max_bytes + 1 bytes before it is refused."""
    path = tmp_path / "plan.json"
    path.write_bytes(b" " * 5000)
    real_fstat = os.fstat

    class SmallStat:
        def __init__(self, result: os.stat_result) -> None:
            self.st_mode = result.st_mode
            self.st_size = 0

    monkeypatch.setattr(os, "fstat", lambda fd: SmallStat(real_fstat(fd)))
    reads: list[int] = []
    real_read = os.read

    def counted_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counted_read)
    with pytest.raises(InputError, match="input is over the limit of 1000 bytes"):
        loading.read_bytes(str(path), 1000)
    assert sum(reads) <= 1001


def test_standard_input_is_read_with_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    read, write = os.pipe()
    os.write(write, b"x" * 3000)
    os.close(write)
    with open(read, "rb") as pipe:
        monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": pipe})())
        with pytest.raises(InputError, match="over the limit of 100 bytes"):
            loading.read_bytes("-", 100)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "binary.yaml",
            RESTORE + "x: !!binary aGVsbG8=\n",
            ":5: invalid YAML: a !!binary value is not a JSON value: refused (column 4)",
        ),
        (
            "set.yaml",
            RESTORE + "x: !!set {a, b}\n",
            ":5: invalid YAML: a !!set value is not a JSON value: refused (column 4)",
        ),
        (
            "nan.yaml",
            RESTORE + "x: .nan\n",
            ":5: invalid YAML: .nan is not a JSON number: refused (column 4)",
        ),
        (
            "digits.yaml",
            RESTORE + "x: " + "9" * 5000 + "\n",
            ":5: invalid YAML: an integer of 5000 digits, over the 4300 asr-guard reads: refused "
            "(column 4)",
        ),
        (
            "digits.json",
            PLAN_HEAD + '"x":\n  ' + "9" * 5000 + "}",
            ":2: an integer of 5000 digits, over the 4300 asr-guard reads: refused (column 3)",
        ),
        (
            "nan.json",
            PLAN_HEAD + '"s": "NaN",\n"x": -Infinity}',
            ":2: invalid JSON: -Infinity is not a JSON number (column 6)",
        ),
        (
            "deep.yaml",
            "x: " + "[" * 2000 + "]" * 2000 + "\n",
            ":1: invalid YAML: exceeded maximum nesting depth (column 1003)",
        ),
    ],
)
def test_values_python_reads_and_json_does_not_are_refused_at_their_place(
    tmp_path: Path, name: str, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    assert one_line_error(capsys) == f"asr-guard: error: {path}{message}"


def test_an_explicit_timestamp_stays_text() -> None:
    assert loading.parse_yaml("x", "a: !!timestamp 2027-01-01\n") == {"a": "2027-01-01"}


def test_aliases_are_counted_once_each_without_recursion() -> None:
    # as deep as the YAML parser allows, and an alias to the deepest list
    text = "a: &a " + "[" * 900 + "1" + "]" * 900 + "\nb: *a\n"
    assert loading.parse_yaml("x", text)["b"] == loading.parse_yaml("x", text)["a"]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (MemoryError(), "out of memory checking it: the input is too large for this machine"),
        (RecursionError(), "nested too deeply: refused"),
        (
            ValueError("Exceeds the limit (4300 digits) for integer string conversion"),
            "an integer of more than 4300 digits: refused",
        ),
    ],
)
def test_python_limits_past_parsing_name_the_file(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    reason: str,
) -> None:
    """Whatever stage of checking a file hits a Python bound, the one line names the file."""
    from validator import inputs

    def fail(*args: object) -> None:
        raise error

    monkeypatch.setattr(inputs, "validate", fail)
    assert main(["check", str(PLAN)]) == 2
    assert one_line_error(capsys) == f"asr-guard: error: {PLAN}: {reason}"
